/**
 * The canonical JSON a submission's request hash is taken over (api/plugins/idempotency.ts):
 * the hash is stored with each application and compared when the same externalId comes
 * again, so the text must not change from one release to the next for the same body.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson, sha256 } from '../../api/plugins/idempotency';

/** The rule written plainly, as the releases before this one computed it. */
function reference(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`).join(',')}}`;
}

describe('canonicalJson', () => {
  it('orders keys, drops undefined members, keeps arrays in order and undefined items as null', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, undefined, { z: 'x', y: null }], c: undefined }, é: true, E: 'e' })).toBe(
      '{"E":"e","a":{"d":[3,null,{"y":null,"z":"x"}]},"b":1,"é":true}',
    );
    expect(canonicalJson({})).toBe('{}');
    expect(canonicalJson({ only: undefined })).toBe('{}');
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson('a"b')).toBe('"a\\"b"');
  });

  it('gives the same hash for a submission whatever the order of its keys (the hash stored for it before)', () => {
    const body = { jobId: 'j', candidate: { name: 'Ana', email: 'ana@example.com' }, interview: { accuracy: 0.8, questions: [{ id: 'q1', correct: true }] } };
    const reordered = { interview: { questions: [{ correct: true, id: 'q1' }], accuracy: 0.8 }, candidate: { email: 'ana@example.com', name: 'Ana' }, jobId: 'j' };
    expect(sha256(canonicalJson(reordered))).toBe(sha256(canonicalJson(body)));
    expect(sha256(canonicalJson(body))).toBe('2b360cf0d74ba6fa68e2b4d2dccae725402fd8dff87c52f04893aec637d21c4b');
  });

  it('writes what the earlier rule wrote for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(canonicalJson(v)).toBe(reference(v));
      }),
      { numRuns: 2000 },
    );
  });
});
