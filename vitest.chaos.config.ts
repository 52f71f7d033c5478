import { configDefaults, defineConfig } from 'vitest/config';
import base from './vitest.config';

/**
 * The fault-injection suite (npm run test:chaos): its own Temporal, worker processes and
 * proxies. Not merged with the base config: merging would keep test/chaos excluded.
 */
export default defineConfig({
  test: {
    ...base.test,
    include: ['test/chaos/**/*.test.ts'],
    exclude: configDefaults.exclude,
    testTimeout: 300_000,
  },
});
