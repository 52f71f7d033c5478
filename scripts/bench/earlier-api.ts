/**
 * BENCH_EARLIER_API=<dist dir>: a `npm run build` of earlier code whose compiled API the
 * starts and evaluations phases also measure, against the same stack in the same run: its
 * own process on another port, with the stack's environment. Build it with this branch's
 * scripts/bench/api-process.ts copied in to have its statements counted too.
 *
 * Also the starts phase's other front, BENCH_BARE_FRONT (startBareFront).
 */
import path from 'node:path';
import type { BenchContext } from './context';
import { Http } from './http';
import { BenchChild } from './ipc';
import { freePort } from '../temporal-cli';
import { log } from './util';

export interface Front {
  child: BenchChild;
  http: Http;
}

export interface EarlierApi extends Front {
  dir: string;
}

/** `entry` as a front of the stack on a port of its own, with the stack's environment, ready. */
async function startFront(ctx: BenchContext, name: string, entry: string, what: string): Promise<Front> {
  const port = await freePort();
  log(`starting ${what} (${entry}) on port ${port}`);
  const child = new BenchChild(
    name,
    entry,
    { ...ctx.stack.env, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` },
    path.join(ctx.stack.runDir, `${name}.log`),
    (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean),
  );
  await child.ready;
  return { child, http: new Http(`http://127.0.0.1:${port}`) };
}

/**
 * The bare HTTP front (scripts/bench/bare-front.ts), compiled as the API is; undefined with
 * BENCH_BARE_FRONT=0.
 */
export async function startBareFront(ctx: BenchContext): Promise<Front | undefined> {
  if (process.env.BENCH_BARE_FRONT === '0') return undefined;
  const entry = path.join(await ctx.stack.compiled(), 'bench/bare-front.js');
  return startFront(ctx, 'bare-front', entry, 'the bare HTTP front (BENCH_BARE_FRONT)');
}

/** The earlier API, started (stop it with `child.stop()`); undefined without BENCH_EARLIER_API. */
export async function startEarlierApi(ctx: BenchContext): Promise<EarlierApi | undefined> {
  const dir = process.env.BENCH_EARLIER_API;
  if (!dir) return undefined;
  const entry = path.join(path.resolve(dir), 'bench/api-process.js');
  return { dir, ...(await startFront(ctx, 'api-earlier', entry, 'the earlier API (BENCH_EARLIER_API)')) };
}
