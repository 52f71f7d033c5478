/**
 * The document store on S3-compatible object storage (DOCUMENT_STORE=s3): one object per
 * key at `S3_URL/S3_BUCKET/<key>` (path-style addressing, which every S3-compatible server
 * answers, unlike virtual-hosted bucket names), requests signed with AWS Signature V4
 * (aws4fetch). Keys are content-addressed, so put is idempotent by construction: writing
 * the same key again writes the same bytes. Delete of a missing object succeeds.
 * With PAYLOAD_KEYS, objects are sealed as the PostgreSQL driver's blobs are
 * (db/document-sealing.ts): the bucket holds ciphertext, the wrapped document key rides in
 * the object's metadata, and an object without it is read as plain.
 */
import { createHash } from 'node:crypto';
import { AwsClient } from 'aws4fetch';
import type { TPayloadKeys } from '../temporal.config';
import { openBlob, sealBlob } from './document-sealing';
import type { DocumentStore } from './document-store';

export interface S3Settings {
  /** The service's base URL, e.g. `https://s3.eu-central-1.amazonaws.com` or `http://127.0.0.1:9000`. */
  url: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** Per request, retries included. */
  timeoutMs?: number;
  /** PAYLOAD_KEYS: with it, objects are stored encrypted. */
  ring?: TPayloadKeys | undefined;
}

const WRAPPING_KEY_ID = 'x-amz-meta-wrapping-key-id';
const WRAPPED_KEY = 'x-amz-meta-wrapped-key';

export class S3Error extends Error {
  override name = 'S3Error';
  constructor(
    readonly operation: string,
    readonly status: number,
    readonly code: string | undefined,
  ) {
    super(`S3 ${operation} failed: HTTP ${status}${code ? ` ${code}` : ''}`);
  }
}

/** The `<Code>` of an S3 error body, when it has one. */
async function errorCode(res: Response): Promise<string | undefined> {
  const text = await res.text().catch(() => '');
  return /<Code>([^<]{1,100})<\/Code>/.exec(text)?.[1];
}

export class S3DocumentStore implements DocumentStore {
  private readonly aws: AwsClient;
  private readonly bucketUrl: string;
  private readonly timeoutMs: number;
  private readonly ring: TPayloadKeys | undefined;

  constructor(settings: S3Settings) {
    this.ring = settings.ring;
    // Up to 3 retries of 5xx and 429 answers, with aws4fetch's jittered backoff.
    this.aws = new AwsClient({
      accessKeyId: settings.accessKeyId,
      secretAccessKey: settings.secretAccessKey,
      region: settings.region,
      service: 's3',
      retries: 3,
    });
    this.bucketUrl = `${settings.url.replace(/\/+$/, '')}/${encodeURIComponent(settings.bucket)}`;
    this.timeoutMs = settings.timeoutMs ?? 30_000;
  }

  private objectUrl(key: string): string {
    return `${this.bucketUrl}/${encodeURIComponent(key)}`;
  }

  private request(url: string, init: { method: string; body?: Uint8Array; headers?: Record<string, string> }): Promise<Response> {
    return this.aws.fetch(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
  }

  async put(key: string, plain: Uint8Array): Promise<void> {
    const sealed = this.ring ? sealBlob(this.ring, key, plain) : null;
    const bytes = sealed ? sealed.content : plain;
    // The payload's hash is signed, so the server refuses bytes altered on the way.
    const res = await this.request(this.objectUrl(key), {
      method: 'PUT',
      body: bytes,
      headers: {
        'content-type': 'application/octet-stream',
        'x-amz-content-sha256': createHash('sha256').update(bytes).digest('hex'),
        ...(sealed ? { [WRAPPING_KEY_ID]: sealed.wrappingKeyId!, [WRAPPED_KEY]: sealed.wrappedKey! } : {}),
      },
    });
    if (!res.ok) throw new S3Error('PutObject', res.status, await errorCode(res));
    await res.arrayBuffer();
  }

  async get(key: string): Promise<Buffer | null> {
    const res = await this.request(this.objectUrl(key), { method: 'GET' });
    if (res.status === 404) {
      await res.arrayBuffer();
      return null;
    }
    if (!res.ok) throw new S3Error('GetObject', res.status, await errorCode(res));
    const content = Buffer.from(await res.arrayBuffer());
    return openBlob(this.ring, key, { content, wrappingKeyId: res.headers.get(WRAPPING_KEY_ID), wrappedKey: res.headers.get(WRAPPED_KEY) });
  }

  async delete(key: string): Promise<void> {
    const res = await this.request(this.objectUrl(key), { method: 'DELETE' });
    // S3 answers 204 whether or not the object was there; some compatible servers say 404.
    if (!res.ok && res.status !== 404) throw new S3Error('DeleteObject', res.status, await errorCode(res));
    await res.arrayBuffer();
  }

  /** Checks at start-up that the bucket exists and the credentials reach it (HeadBucket). */
  async check(): Promise<void> {
    const res = await this.request(this.bucketUrl, { method: 'HEAD' });
    await res.arrayBuffer();
    if (!res.ok) {
      const why = res.status === 404 ? 'no such bucket' : res.status === 403 ? 'access denied (check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY)' : `HTTP ${res.status}`;
      throw new Error(`S3_BUCKET: ${this.bucketUrl}: ${why}`);
    }
  }
}
