/**
 * The document store on S3-compatible object storage (DOCUMENT_STORE=s3): one object per
 * key at `S3_URL/S3_BUCKET/<key>` (path-style addressing, which every S3-compatible server
 * answers, unlike virtual-hosted bucket names), requests signed with AWS Signature V4
 * (aws4fetch). Keys are content-addressed, so put is idempotent by construction: writing
 * the same key again writes the same bytes. Delete of a missing object succeeds.
 * With PAYLOAD_KEYS, objects are sealed as the PostgreSQL driver's blobs are
 * (db/document-sealing.ts): the bucket holds ciphertext, the wrapped document key rides in
 * the object's metadata, and an object without it is read as plain. `rotate()` brings every
 * document in the bucket under the active key (npm run keys:rotate).
 */
import { createHash } from 'node:crypto';
import { AwsClient } from 'aws4fetch';
import type { TPayloadKeys } from '../temporal.config';
import { openBlob, rewrappedKey, rotationOf, sealBlob, STORAGE_KEY, type BlobKey } from './document-sealing';
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

/** What a rotation of the bucket did (counts of documents), and how many documents each wrapping key (`plain` for none) holds afterwards. */
export interface S3RotationResult {
  encrypted: number;
  rewrapped: number;
  remaining: Record<string, number>;
  /** Objects whose name is not a storage key: not the store's, left alone. */
  others: number;
}

const EMPTY_SHA256 = createHash('sha256').digest('hex');
const unescapeXml = (text: string) =>
  text.replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]!);

/** The `<Code>` of an S3 error body, when it has one. */
async function errorCode(res: Response): Promise<string | undefined> {
  const text = await res.text().catch(() => '');
  return /<Code>([^<]{1,100})<\/Code>/.exec(text)?.[1];
}

/** The key fields as the object's metadata headers (none for a plain object). */
function metadataHeaders(blob: BlobKey): Record<string, string> {
  return blob.wrappedKey ? { [WRAPPING_KEY_ID]: blob.wrappingKeyId!, [WRAPPED_KEY]: blob.wrappedKey } : {};
}

function keyFields(headers: Headers): BlobKey {
  return { wrappingKeyId: headers.get(WRAPPING_KEY_ID), wrappedKey: headers.get(WRAPPED_KEY) };
}

export class S3DocumentStore implements DocumentStore {
  private readonly aws: AwsClient;
  private readonly bucket: string;
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
    this.bucket = settings.bucket;
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
    await this.write(key, this.ring ? sealBlob(this.ring, key, plain) : { content: plain, wrappingKeyId: null, wrappedKey: null });
  }

  /**
   * PutObject of `blob` with its key fields as metadata. With `ifMatch` (an ETag), only over
   * that version of the object: false, and nothing written, when it is gone or has changed.
   */
  private async write(key: string, blob: BlobKey & { content: Uint8Array }, ifMatch?: string): Promise<boolean> {
    // The payload's hash is signed, so the server refuses bytes altered on the way.
    const res = await this.request(this.objectUrl(key), {
      method: 'PUT',
      body: blob.content,
      headers: {
        'content-type': 'application/octet-stream',
        'x-amz-content-sha256': createHash('sha256').update(blob.content).digest('hex'),
        ...metadataHeaders(blob),
        ...(ifMatch ? { 'if-match': ifMatch } : {}),
      },
    });
    if (ifMatch && (res.status === 404 || res.status === 412)) {
      await res.arrayBuffer();
      return false;
    }
    if (!res.ok) throw new S3Error('PutObject', res.status, await errorCode(res));
    await res.arrayBuffer();
    return true;
  }

  async get(key: string): Promise<Buffer | null> {
    const res = await this.request(this.objectUrl(key), { method: 'GET' });
    if (res.status === 404) {
      await res.arrayBuffer();
      return null;
    }
    if (!res.ok) throw new S3Error('GetObject', res.status, await errorCode(res));
    const content = Buffer.from(await res.arrayBuffer());
    return openBlob(this.ring, key, { content, ...keyFields(res.headers) });
  }

  /**
   * Rotation (npm run keys:rotate) of every document in the bucket, by the rule the
   * PostgreSQL driver follows (`rotationOf`, db/document-sealing.ts). The bucket is listed
   * page by page (ListObjectsV2 and its continuation tokens) and each document's key fields
   * read (HeadObject). A key wrapped by an older PAYLOAD_KEYS entry is re-wrapped by the
   * active one and written by a CopyObject of the object onto itself with the new metadata
   * (`x-amz-metadata-directive: REPLACE`): the ciphertext is not rewritten, and an object
   * deleted meanwhile (an erasure) makes the copy fail rather than come back. A plain object
   * is read and written back sealed with `If-Match` on the ETag read, for the same reason.
   * An object changed between the read and the write is looked at again. A second run finds
   * nothing to do. Objects whose name is not a storage key are not the store's: left alone.
   */
  async rotate(pageSize = 1000): Promise<S3RotationResult> {
    const ring = this.ring;
    if (!ring) throw new Error('no PAYLOAD_KEYS: documents cannot be encrypted');
    const result: S3RotationResult = { encrypted: 0, rewrapped: 0, remaining: {}, others: 0 };
    let token: string | undefined;
    do {
      const page = await this.list(pageSize, token);
      for (const key of page.keys) {
        if (!STORAGE_KEY.test(key)) {
          result.others++;
          continue;
        }
        const done = await this.rotateObject(ring, key);
        if (!done) continue;
        if (done.rotation === 'encrypt') result.encrypted++;
        if (done.rotation === 'rewrap') result.rewrapped++;
        const by = done.wrappingKeyId ?? 'plain';
        result.remaining[by] = (result.remaining[by] ?? 0) + 1;
      }
      token = page.next;
    } while (token);
    return result;
  }

  /** One document brought under the active key: what was done and its wrapping key now, or null when it is gone. */
  private async rotateObject(ring: TPayloadKeys, key: string): Promise<{ rotation: 'encrypt' | 'rewrap' | undefined; wrappingKeyId: string | null } | null> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const head = await this.head(key);
      if (!head) return null;
      const rotation = rotationOf(ring, head);
      if (!rotation) return { rotation, wrappingKeyId: head.wrappingKeyId };
      const written = rotation === 'rewrap' ? await this.replaceMetadata(key, head.etag, rewrappedKey(ring, key, head)) : await this.encryptPlain(ring, key, head.etag);
      if (written) return { rotation, wrappingKeyId: ring.activeId };
      // Deleted or rewritten since the HeadObject: look again.
    }
    throw new Error(`S3 rotation: ${key} kept changing while it was rotated; run again`);
  }

  /** ListObjectsV2: one page of the bucket's keys, and the token of the next page if there is one. */
  private async list(maxKeys: number, token: string | undefined): Promise<{ keys: string[]; next: string | undefined }> {
    const query = new URLSearchParams({ 'list-type': '2', 'max-keys': String(maxKeys), ...(token ? { 'continuation-token': token } : {}) });
    const res = await this.request(`${this.bucketUrl}?${query.toString()}`, { method: 'GET' });
    if (!res.ok) throw new S3Error('ListObjectsV2', res.status, await errorCode(res));
    const xml = await res.text();
    const keys = [...xml.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => unescapeXml(m[1]!));
    if (!/<IsTruncated>true<\/IsTruncated>/.test(xml)) return { keys, next: undefined };
    const next = /<NextContinuationToken>([^<]+)<\/NextContinuationToken>/.exec(xml)?.[1];
    if (!next) throw new S3Error('ListObjectsV2', res.status, 'TruncatedWithoutContinuationToken');
    return { keys, next: unescapeXml(next) };
  }

  /** HeadObject: the object's ETag and key fields, or null when it is not there. */
  private async head(key: string): Promise<(BlobKey & { etag: string }) | null> {
    const res = await this.request(this.objectUrl(key), { method: 'HEAD' });
    await res.arrayBuffer();
    if (res.status === 404) return null;
    // A HEAD answer has no body to name the error.
    if (!res.ok) throw new S3Error('HeadObject', res.status, undefined);
    return { etag: res.headers.get('etag') ?? '', ...keyFields(res.headers) };
  }

  /** CopyObject of the object onto itself with `next` as its metadata; false when it is gone or no longer `etag`. */
  private async replaceMetadata(key: string, etag: string, next: BlobKey): Promise<boolean> {
    const res = await this.request(this.objectUrl(key), {
      method: 'PUT',
      headers: {
        'x-amz-copy-source': `/${encodeURIComponent(this.bucket)}/${encodeURIComponent(key)}`,
        'x-amz-copy-source-if-match': etag,
        'x-amz-metadata-directive': 'REPLACE',
        'content-type': 'application/octet-stream',
        'x-amz-content-sha256': EMPTY_SHA256,
        ...metadataHeaders(next),
      },
    });
    if (res.status === 404 || res.status === 412) {
      await res.arrayBuffer();
      return false;
    }
    if (!res.ok) throw new S3Error('CopyObject', res.status, await errorCode(res));
    // S3 may answer a CopyObject 200 and report a failure in the body.
    const body = await res.text();
    if (/<Error>/.test(body)) throw new S3Error('CopyObject', res.status, /<Code>([^<]{1,100})<\/Code>/.exec(body)?.[1]);
    return true;
  }

  /** A plain object (stored before encryption) read and written back sealed, if it is still `etag`. */
  private async encryptPlain(ring: TPayloadKeys, key: string, etag: string): Promise<boolean> {
    const res = await this.request(this.objectUrl(key), { method: 'GET', headers: { 'if-match': etag } });
    if (res.status === 404 || res.status === 412) {
      await res.arrayBuffer();
      return false;
    }
    if (!res.ok) throw new S3Error('GetObject', res.status, await errorCode(res));
    const content = new Uint8Array(await res.arrayBuffer());
    return this.write(key, sealBlob(ring, key, content), etag);
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
