import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Everything, the fault-injection suite (test/chaos/, RELIABILITY.md) included: its
    // files start their own Temporal servers and worker processes.
    include: ['test/**/*.test.ts'],
    exclude: configDefaults.exclude,
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
