import { configDefaults, defineConfig } from 'vitest/config';
import base from './vitest.config';

export const SERIAL = ['test/chaos/**'];

/**
 * The first half of `npm test`: every file that does not inject faults, the browser tests
 * included, two at a time. Most of their time is spent waiting on Temporal, PostgreSQL, the
 * worker and Chromium, so a second file uses what one leaves idle on 2 cores. The second half
 * (vitest.serial.config.ts) runs the fault tests one by one: they time outages and recoveries.
 */
export default defineConfig({
  test: {
    ...base.test,
    globalSetup: [base.test?.globalSetup ?? [], 'test/helpers/console-setup.ts'].flat(),
    exclude: [...configDefaults.exclude, ...SERIAL],
    fileParallelism: true,
    maxWorkers: 2,
  },
});
