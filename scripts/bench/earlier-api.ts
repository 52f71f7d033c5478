/**
 * BENCH_EARLIER_API=<dist dir>: a `npm run build` of earlier code whose compiled API the
 * starts and evaluations phases also measure, against the same stack in the same run: its
 * own process on another port, with the stack's environment. Build it with this branch's
 * scripts/bench/api-process.ts copied in to have its statements counted too.
 */
import path from 'node:path';
import type { BenchContext } from './context';
import { Http } from './http';
import { BenchChild } from './ipc';
import { freePort } from '../temporal-cli';
import { log } from './util';

export interface EarlierApi {
  dir: string;
  child: BenchChild;
  http: Http;
}

/** The earlier API, started (stop it with `child.stop()`); undefined without BENCH_EARLIER_API. */
export async function startEarlierApi(ctx: BenchContext): Promise<EarlierApi | undefined> {
  const dir = process.env.BENCH_EARLIER_API;
  if (!dir) return undefined;
  const port = await freePort();
  const entry = path.join(path.resolve(dir), 'bench/api-process.js');
  log(`starting the earlier API (BENCH_EARLIER_API, ${entry}) on port ${port}`);
  const child = new BenchChild(
    'api-earlier',
    entry,
    { ...ctx.stack.env, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` },
    path.join(ctx.stack.runDir, 'api-earlier.log'),
    (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean),
  );
  await child.ready;
  return { dir, child, http: new Http(`http://127.0.0.1:${port}`) };
}
