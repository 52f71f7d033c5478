/**
 * The encrypted replay fixtures (test/replay/fixtures/encrypted/): histories recorded as
 * production stores them, every payload sealed by the payload codec with the recorded
 * application's own data key (`encryption-key-id: app:<id>`). That data key lives in a
 * throw-away database while recording, so the recorder writes its `data_keys` rows
 * beside the histories (data-keys.json), wrapped, as in the database, by the key below.
 *
 * FIXTURE_PAYLOAD_KEYS is a TEST key, committed on purpose and used for nothing but these
 * fixtures: the data it protects is the recorder's invented candidates. Never put it in
 * a deployment's PAYLOAD_KEYS (loadConfig refuses its id outside NODE_ENV=test).
 */
import { unwrapDataKey, type ApplicationKeys } from '../../privacy/data-keys';
import { FIXTURE_KEY_ID, type TPayloadKeys } from '../../temporal.config';

export { FIXTURE_KEY_ID };
export const FIXTURE_PAYLOAD_KEYS = `${FIXTURE_KEY_ID}:nZg8cv6j8l0Muwr9hNyRPaGE5EyNR3/JADGYMmWCJjc=`;

/** The folder of the encrypted set under test/replay/fixtures/, and its keys file. */
export const ENCRYPTED_SET = 'encrypted';
export const DATA_KEYS_FILE = 'data-keys.json';

/** A `data_keys` row as the recorder writes it. */
export interface TFixtureDataKey {
  applicationId: string;
  wrappingKeyId: string;
  wrappedKey: string;
}

/**
 * The recorder's candidates, one per journey: what an encrypted fixture must never show in
 * plain (test/replay/histories.test.ts looks for each name, e-mail and the offer's salary).
 */
export const FIXTURE_CANDIDATES = {
  rejected: { name: 'Rui Rejected', email: 'rejected@candidates.example.com' },
  declined: { name: 'Dana Declined', email: 'declined@candidates.example.com' },
  expired: { name: 'Eli Expired', email: 'expired@candidates.example.com' },
  withdrawn: { name: 'Wen Withdrawn', email: 'withdrawn@candidates.example.com' },
  confirmed: { name: 'Jia Li', email: 'hired@candidates.example.com' },
  probation_failed: { name: 'Fei Ended', email: 'probation.failed@candidates.example.com' },
} as const;

/** The offer's salary in every recorded journey. */
export const FIXTURE_SALARY = 300000;

/** The application keys of the fixtures, opened with the fixture key (read-only: no key is made). */
export function fixtureDataKeys(ring: TPayloadKeys, rows: TFixtureDataKey[]): ApplicationKeys {
  const byId = new Map(rows.map((r) => [r.applicationId, r]));
  const get = (applicationId: string) => {
    const row = byId.get(applicationId);
    if (!row) return Promise.reject(new Error(`no data key recorded for application ${applicationId}`));
    return Promise.resolve(unwrapDataKey(ring, applicationId, { wrapping_key_id: row.wrappingKeyId, wrapped_key: row.wrappedKey }));
  };
  return { forEncrypt: get, forDecrypt: get };
}
