import { defineConfig } from 'vitest/config';
import base from './vitest.config';

/** The fault-injection suite alone (npm run test:chaos), e.g. to re-run it after a change. */
export default defineConfig({
  test: {
    ...base.test,
    include: ['test/chaos/**/*.test.ts'],
  },
});
