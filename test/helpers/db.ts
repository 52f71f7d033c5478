/**
 * The harness's test databases (scripts/harness/db.ts; scripts use it too and may not import
 * test/), here copied from the run's migrated template (test/helpers/global-setup.ts) instead
 * of migrated per file. A test of the migrations themselves starts from an empty database of
 * its own (test/integration/migrations.test.ts).
 */
import { inject } from 'vitest';
import { createTestDb as createDb, type TestDb } from '../../scripts/harness/db';

export * from '../../scripts/harness/db';

export function createTestDb(prefix?: string): Promise<TestDb> {
  return createDb(prefix, { template: inject('dbTemplate') });
}
