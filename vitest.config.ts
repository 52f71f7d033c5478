import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The fault-injection suite runs on its own: npm run test:chaos (see RELIABILITY.md).
    exclude: [...configDefaults.exclude, 'test/chaos/**'],
    // One Temporal dev server for the whole run, started by the global setup; test files
    // run one after another in forked processes (2 cores: Temporal, PostgreSQL and the
    // worker already keep them busy).
    globalSetup: ['test/helpers/global-setup.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
