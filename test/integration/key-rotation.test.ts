/**
 * Rotation: with a new key put first, new payloads are sealed under it, payloads under the
 * old key still open, and `npm run keys:rotate` re-wraps the stored data keys so the
 * histories read with the new key alone; only then may the old key go.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EncryptionCodec } from '../../privacy/codec';
import { DataKeys } from '../../privacy/data-keys';
import { newPayloadKeyEntry } from '../../privacy/keys';
import { parsePayloadKeys, type TPayloadKeys } from '../../temporal.config';
import { cliHistory, foundIn, payloadsIn, uniqueCandidate } from '../helpers/history';
import { createOrg, type Org } from '../helpers/org';
import { inEvaluation } from '../helpers/scenario';
import { startStack, type Stack } from '../helpers/stack';

const run = promisify(execFile);
const ring = (raw: string): TPayloadKeys => parsePayloadKeys(raw).keys!;
const toPayload = (p: { metadata: Record<string, string>; data?: string }) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
  data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
});
const keyIdOf = (p: { metadata?: Record<string, Uint8Array | null | undefined> | null }) => Buffer.from(p.metadata?.['encryption-key-id'] ?? []).toString();

async function rotateScript(s: Stack, env: Record<string, string>, args: string[] = []) {
  const { DATABASE_URL: _d, PAYLOAD_KEYS: _p, ...inherited } = process.env;
  return run('npx', ['tsx', 'scripts/rotate-keys.ts', ...args], { env: { ...inherited, DATABASE_URL: s.db.url, ...env } });
}

describe('key rotation', () => {
  let s: Stack;
  let org: Org;
  const oldKeys = newPayloadKeyEntry('k1');
  beforeAll(async () => {
    s = await startStack({ env: { PAYLOAD_KEYS: oldKeys } });
    org = await createOrg(s);
  });
  afterAll(async () => s?.stop());

  it('new key first: new payloads under it, old ones still open; the script re-wraps data keys so the old key can go', async () => {
    const c = uniqueCandidate();
    const app = await inEvaluation(s, org, org.jobId);
    const history = payloadsIn(await cliHistory(s, app.workflowId)).map(toPayload);
    expect(history.every((p) => keyIdOf(p) === `app:${app.id}`)).toBe(true);

    const rotated = `${newPayloadKeyEntry('k2')},${oldKeys}`;
    const both = ring(rotated);
    const newOnly = ring(rotated.split(',')[0]!);
    const plain = { metadata: { encoding: new TextEncoder().encode('json/plain') }, data: new TextEncoder().encode(JSON.stringify(c.name)) };

    // A payload sealed directly under k1 (no application) still opens with k1 listed second; new ones use k2.
    const [underK1] = await new EncryptionCodec(ring(oldKeys)).encode([plain]);
    const afterRotation = new EncryptionCodec(both, new DataKeys(s.db.handle, both));
    expect(keyIdOf((await afterRotation.encode([plain]))[0]!)).toBe('k2');
    expect(await afterRotation.decode([underK1!])).toEqual([plain]);
    // Before the script, the application's data key is wrapped by k1: k2 alone cannot open its history.
    await expect(new EncryptionCodec(newOnly, new DataKeys(s.db.handle, newOnly)).decode(history)).rejects.toThrow(/wrapped by 'k1'/);

    const { stdout } = await rotateScript(s, { PAYLOAD_KEYS: rotated });
    expect(stdout).toMatch(/re-wrapped [1-9]\d* application data key\(s\) under 'k2'/);
    expect(stdout).toMatch(/no data key or document needs an older key any more/);
    const left = await s.db.handle.rows<{ n: number }>(sql`select count(*)::int as n from data_keys where wrapping_key_id = 'k1'`);
    expect(left[0]!.n).toBe(0);

    // Now k2 alone opens the history; a second run has nothing to do.
    const decoded = await new EncryptionCodec(newOnly, new DataKeys(s.db.handle, newOnly)).decode(history);
    expect(foundIn(decoded.map((p) => Buffer.from(p.data!).toString()).join('\n'), [app.name])).toEqual([app.name]);
    expect((await rotateScript(s, { PAYLOAD_KEYS: rotated })).stdout).toMatch(/re-wrapped 0 /);
  });

  it("`new` puts a fresh key first in DATA_DIR/payload-keys (npm start's keys)", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hwe-keys-'));
    writeFileSync(path.join(dir, 'payload-keys'), oldKeys);
    const { stdout } = await rotateScript(s, { DATA_DIR: dir }, ['new', 'k9']);
    expect(stdout).toMatch(/new active key 'k9' put first/);
    const keys = ring(readFileSync(path.join(dir, 'payload-keys'), 'utf8'));
    expect(keys.activeId).toBe('k9');
    expect([...keys.keys.keys()]).toEqual(['k9', 'k1']);
  });
});
