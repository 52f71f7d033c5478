import { defineConfig } from 'vitest/config';
import base from './vitest.config';
import { LongestFirstSequencer } from './test/helpers/sequencer';

/**
 * `npm test`'s one vitest run: every file, the browser tests and the fault-injection tests
 * (test/chaos/) included, three at a time, longest first (test/helpers/sequencer.ts, from the
 * measured times in test/durations.json). Most of their time is spent waiting on Temporal,
 * PostgreSQL, the worker and Chromium, so a second file uses what one leaves idle on 2 cores,
 * and a third what two leave: the whole run took 637 s with three lanes against 782-871 s
 * with two (2026-12-06, same machine; the cores were busy 96 % of the run with three).
 * The fault tests break only what they start themselves (their own Temporal server, worker
 * and API processes, and TCP proxies in front of the shared PostgreSQL and SMTP), never the
 * shared PostgreSQL or Redis, so they can run beside any other file; run alone they took
 * 260 s of a lane while the other lane stood idle.
 */
export default defineConfig({
  test: {
    ...base.test,
    globalSetup: [base.test?.globalSetup ?? [], 'test/helpers/console-setup.ts'].flat(),
    fileParallelism: true,
    maxWorkers: 3,
    sequence: { sequencer: LongestFirstSequencer },
  },
});
