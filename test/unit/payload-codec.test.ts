/**
 * PAYLOAD_KEYS parsing and the codec without a database (payloads outside any application
 * workflow use the active key): round trip, plain payloads pass through, rotation, tampering.
 */
import { describe, expect, it } from 'vitest';
import { defaultPayloadConverter } from '@temporalio/common';
import { ConfigError, loadConfig, parsePayloadKeys, type TPayloadKeys } from '../../temporal.config';
import { EncryptionCodec } from '../../privacy/codec';
import { newPayloadKeyEntry } from '../../privacy/keys';

const ring = (raw: string): TPayloadKeys => {
  const { keys, problems } = parsePayloadKeys(raw);
  if (!keys) throw new Error(problems.join('; '));
  return keys;
};
const text = (b: Uint8Array | null | undefined) => Buffer.from(b ?? []).toString('utf8');

describe('PAYLOAD_KEYS', () => {
  it('lists keys, the first one active', () => {
    const k = ring(`${newPayloadKeyEntry('new')},${newPayloadKeyEntry('old')}`);
    expect(k.activeId).toBe('new');
    expect([...k.keys.keys()]).toEqual(['new', 'old']);
    expect(k.keys.get('old')).toHaveLength(32);
  });

  it.each([
    ['k1', /entry 1 must be <id>:<base64 key>/],
    [`k1:${Buffer.alloc(16).toString('base64')}`, /key 'k1' is 16 bytes; AES-256 needs 32/],
    [`${newPayloadKeyEntry('a')},${newPayloadKeyEntry('a')}`, /key id 'a' appears twice/],
    [`bad id:${Buffer.alloc(32).toString('base64')}`, /entry 1 must be/],
  ])('%s is refused, naming PAYLOAD_KEYS and the problem', (raw, problem) => {
    let err: unknown;
    try {
      loadConfig({ PAYLOAD_KEYS: raw });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/^ {2}PAYLOAD_KEYS: /m);
    expect((err as Error).message).toMatch(problem);
  });

  it('a worker or API of its own needs it', () => {
    const k = loadConfig({ PAYLOAD_KEYS: newPayloadKeyEntry('x') });
    expect(k.payloadKeys?.activeId).toBe('x');
    expect(loadConfig({}).payloadKeys).toBeUndefined();
  });
});

describe('EncryptionCodec', () => {
  const plain = defaultPayloadConverter.toPayload({ name: 'Li Lei', salary: 345678 });

  it('seals a payload under the active key with its id in the metadata, and opens it again', async () => {
    const codec = new EncryptionCodec(ring(newPayloadKeyEntry('k1')));
    const [sealed] = await codec.encode([plain]);
    expect(text(sealed!.metadata!.encoding)).toBe('binary/encrypted');
    expect(text(sealed!.metadata!['encryption-key-id'])).toBe('k1');
    expect(text(sealed!.data)).not.toContain('Li Lei');
    const [opened] = await codec.decode([sealed!]);
    expect(defaultPayloadConverter.fromPayload(opened!)).toEqual({ name: 'Li Lei', salary: 345678 });
  });

  it('passes payloads written before encryption through unchanged', async () => {
    const codec = new EncryptionCodec(ring(newPayloadKeyEntry('k1')));
    expect(await codec.decode([plain])).toEqual([plain]);
  });

  it('after a rotation, encrypts under the new key and still opens what the old key sealed', async () => {
    const old = newPayloadKeyEntry('k1');
    const before = new EncryptionCodec(ring(old));
    const after = new EncryptionCodec(ring(`${newPayloadKeyEntry('k2')},${old}`));
    const [sealedOld] = await before.encode([plain]);
    const [sealedNew] = await after.encode([plain]);
    expect(text(sealedNew!.metadata!['encryption-key-id'])).toBe('k2');
    expect(defaultPayloadConverter.fromPayload((await after.decode([sealedOld!]))[0]!)).toEqual({ name: 'Li Lei', salary: 345678 });
    // With the old key retired, its payloads no longer open, and the error says which key.
    const retired = new EncryptionCodec(ring(newPayloadKeyEntry('k2')));
    await expect(retired.decode([sealedOld!])).rejects.toThrow(/payload key 'k1' is not in PAYLOAD_KEYS/);
  });

  it('refuses a tampered payload, or one relabelled under another key id', async () => {
    const k = ring(`${newPayloadKeyEntry('k1')},${newPayloadKeyEntry('k2')}`);
    const codec = new EncryptionCodec(k);
    const [sealed] = await codec.encode([plain]);
    const flipped = new Uint8Array(sealed!.data!);
    flipped[20] = flipped[20]! ^ 1;
    await expect(codec.decode([{ ...sealed!, data: flipped }])).rejects.toThrow();
    const relabelled = { ...sealed!, metadata: { ...sealed!.metadata, 'encryption-key-id': new TextEncoder().encode('k2') } };
    await expect(codec.decode([relabelled])).rejects.toThrow();
  });
});
