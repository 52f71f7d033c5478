import { configDefaults, defineConfig } from 'vitest/config';
import base from './vitest.config';

export const SERIAL = ['test/chaos/**', 'test/e2e/**'];

/**
 * The first half of `npm test`: every file that neither injects faults nor drives the
 * browser, two at a time. Most of their time is spent waiting on Temporal, PostgreSQL and
 * the worker, so a second file uses what one leaves idle on 2 cores. The second half
 * (vitest.serial.config.ts) runs the rest one by one: fault tests time outages and
 * recoveries, and the browser tests share one Chromium budget.
 */
export default defineConfig({
  test: {
    ...base.test,
    exclude: [...configDefaults.exclude, ...SERIAL],
    fileParallelism: true,
    maxWorkers: 2,
  },
});
