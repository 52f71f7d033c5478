import { defineConfig } from 'vitest/config';
import base from './vitest.config';
import { SERIAL } from './vitest.parallel.config';

/** The second half of `npm test`: the fault-injection tests, one file at a time (see vitest.parallel.config.ts). */
export default defineConfig({
  test: {
    ...base.test,
    include: SERIAL.map((dir) => `${dir}/*.test.ts`),
    fileParallelism: false,
  },
});
