/**
 * The payload codec: every payload the API's client and the worker hand to Temporal is
 * AES-256-GCM ciphertext, with the key's id in the payload's metadata.
 *
 * Which key: the SDK tells the codec which workflow a payload belongs to (serialization
 * context: client calls, activity inputs and results, the workflow's own commands, query
 * results). Payloads of an application's workflow are sealed with that application's data
 * key (privacy/data-keys.ts, key id `app:<applicationId>`), so destroying it shreds that one
 * history; anything without that context is sealed with the active PAYLOAD_KEYS entry.
 *
 * Payloads that are not ours (plain JSON from before encryption, e.g. the replay fixtures)
 * pass through decode unchanged, so old histories still replay and display.
 */
import type { Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
import type { TPayloadKeys } from '../temporal.config';
import { open, seal } from './aead';
import { DataKeys, type ApplicationKeys } from './data-keys';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';
const APP_PREFIX = 'app:';

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('utf8') : undefined);

/** The application a workflow id belongs to (`application-<uuid>`), if any. */
export function applicationOfWorkflow(workflowId: string | undefined): string | undefined {
  const id = workflowId?.startsWith('application-') ? workflowId.slice('application-'.length) : undefined;
  return id && DataKeys.isApplicationId(id) ? id : undefined;
}

/** The application whose data key sealed this payload, if one did. */
export function sealedForApplication(payload: Payload): string | undefined {
  const keyId = text(payload.metadata?.[KEY_ID]);
  return keyId?.startsWith(APP_PREFIX) ? keyId.slice(APP_PREFIX.length) : undefined;
}

export function isEncrypted(payload: Payload): boolean {
  return text(payload.metadata?.encoding) === ENCRYPTED_ENCODING;
}

// The sealed form of a payload: its metadata and data as JSON (base64 values).
function serialise(p: Payload): Uint8Array {
  const metadata = Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')]));
  return utf8(JSON.stringify({ metadata, data: Buffer.from(p.data ?? []).toString('base64') }));
}

function deserialise(b: Uint8Array): Payload {
  const o = JSON.parse(Buffer.from(b).toString('utf8')) as { metadata: Record<string, string>; data: string };
  const metadata = Object.fromEntries(Object.entries(o.metadata).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))]));
  return { metadata, data: new Uint8Array(Buffer.from(o.data, 'base64')) };
}

export class EncryptionCodec implements PayloadCodec {
  constructor(
    private readonly ring: TPayloadKeys,
    /** Without it (scripts that never touch an application) everything uses the active key. */
    private readonly dataKeys?: ApplicationKeys,
  ) {}

  async encode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    if (!payloads.length) return payloads;
    const applicationId = applicationOfWorkflow(context?.workflowId);
    const [keyId, key] =
      applicationId && this.dataKeys
        ? [`${APP_PREFIX}${applicationId}`, await this.dataKeys.forEncrypt(applicationId)]
        : [this.ring.activeId, this.ring.keys.get(this.ring.activeId)!];
    return payloads.map((p) => ({
      metadata: { encoding: utf8(ENCRYPTED_ENCODING), [KEY_ID]: utf8(keyId) },
      data: new Uint8Array(seal(key, keyId, serialise(p))),
    }));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.all(payloads.map((p) => this.decodeOne(p)));
  }

  private async decodeOne(p: Payload): Promise<Payload> {
    if (!isEncrypted(p)) return p;
    const keyId = text(p.metadata?.[KEY_ID]);
    if (!keyId) throw new Error(`an encrypted payload without ${KEY_ID}`);
    let key: Buffer | undefined;
    if (keyId.startsWith(APP_PREFIX)) {
      if (!this.dataKeys) throw new Error('this process has no database to read application data keys from');
      key = await this.dataKeys.forDecrypt(keyId.slice(APP_PREFIX.length));
    } else {
      key = this.ring.keys.get(keyId);
      if (!key) throw new Error(`payload key '${keyId}' is not in PAYLOAD_KEYS (retired too early?)`);
    }
    return deserialise(open(key, keyId, p.data ?? new Uint8Array()));
  }
}
