import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config';

/** The fault-injection suite (npm run test:chaos): its own Temporal, worker processes and proxies. */
export default mergeConfig(
  base,
  defineConfig({ test: { include: ['test/chaos/**/*.test.ts'], exclude: [], testTimeout: 300_000 } }),
);
