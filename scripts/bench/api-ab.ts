/**
 * A/B of compiled API builds' own cost per start, quicker than the bench's starts phase:
 * one stack (Temporal dev server, a fresh database; the worker stopped after seeding, so
 * no workflow runs and no round waits for a tail), the APIs as child processes, rounds of
 * AB_N starts at c=AB_C (32) in alternating order. Per API: its process's CPU ms per start and
 * the statements it sent per start (scripts/bench/api-process.ts).
 *
 *   BENCH_COMPILED_API=1 AB_APIS="main=/path/to/dist,warn=/path/to/dist|LOG_LEVEL=warn" \
 *     AB_N=200 AB_ROUNDS=6 npx tsx scripts/bench/api-ab.ts
 *
 * AB_PROFILE=branch (or an AB_APIS label) CPU-profiles that API over its measured rounds.
 *
 * The stack's own API (this checkout) is "branch"; each AB_APIS entry is a `npm run build`
 * output (built with this api-process.ts to have statements counted), with extra settings
 * after `|`: environment settings (`{db}` in them is the run's database name, e.g.
 * `|DATABASE_URL=postgres:///{db}|PGHOST=/var/run/postgresql` for PostgreSQL's Unix socket)
 * and node options (`|--single-threaded-gc`). BENCH_API_NODE_ARGS gives "branch" its options.
 */
import path from 'node:path';
import { BenchStack } from './stack';
import { seedOrg } from './seed';
import { application } from './fixtures';
import { BenchChild } from './ipc';
import { Http } from './http';
import { cpuDelta, cpuSnapshot } from './proc';
import { freePort } from '../temporal-cli';
import { pool, summarize } from './util';
import { summarizeProfile } from './profile';
import os from 'node:os';

const N = Number(process.env.AB_N ?? 200);
const ROUNDS = Number(process.env.AB_ROUNDS ?? 4);
const WARM = Number(process.env.AB_WARM ?? 50);
/** Starts in flight at once (AB_C); at 1 or 2, a profile shows CPU time without the preemption a loaded machine adds to its write calls. */
const C = Number(process.env.AB_C ?? 32);
/** AB_PROFILE=label: CPU-profiles that API over its measured rounds (written into the run's directory, summarised). */
const PROFILE = process.env.AB_PROFILE;
const stack = new BenchStack();
const children: BenchChild[] = [];
try {
  await stack.start();
  const org = await seedOrg(stack.http, stack.adminToken);
  await stack.worker.stop();
  const apis: { label: string; child: BenchChild; http: Http }[] = [{ label: 'branch', child: stack.api, http: stack.http }];
  for (const spec of (process.env.AB_APIS ?? '').split(',').filter(Boolean)) {
    const [label, rest] = spec.split(/=(.*)/s);
    const [dir, ...settings] = rest!.split('|');
    const nodeArgs = settings.filter((e) => e.startsWith('--'));
    const envs = settings.filter((e) => !e.startsWith('--'));
    const extra = Object.fromEntries(envs.map((e) => e.replaceAll('{db}', stack.dbName).split(/=(.*)/s).slice(0, 2) as [string, string]));
    const port = await freePort();
    const child = new BenchChild(label!, path.join(dir!, 'bench/api-process.js'), { ...stack.env, ...extra, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` }, path.join(stack.runDir, `api-${label}.log`), nodeArgs);
    children.push(child);
    await child.ready;
    apis.push({ label: label!, child, http: new Http(`http://127.0.0.1:${port}`) });
  }
  let seq = 0;
  const acc = new Map<string, { cpu: number; n: number; st: number; wall: number; lat: number[]; byText: Record<string, number> }>();
  // Warm-up each (AB_WARM starts): rounds after a short one still drift down as the JIT warms.
  for (const a of apis) await pool(Array.from({ length: WARM }, () => application(org.jobId, ++seq, 'warm')), C, (b) => a.http.call('POST', '/v1/applications', { token: org.integrator.token, body: b }));
  if (PROFILE) await apis.find((a) => a.label === PROFILE)!.child.request('profile-start');
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? apis : [...apis].reverse();
    for (const a of order) {
      const bodies = Array.from({ length: N }, () => application(org.jobId, ++seq, `ab-${a.label}`));
      await a.child.request('statements-reset').catch(() => null);
      // This API's process, Temporal's, PostgreSQL's and this one's, in one snapshot.
      const pids = () => ({ api: a.child.pid, temporal: stack.pids().temporal });
      const s0 = cpuSnapshot(pids());
      const t0 = performance.now();
      const lat: number[] = [];
      let bad = 0;
      await pool(bodies, C, async (b) => {
        const res = await a.http.call('POST', '/v1/applications', { token: org.integrator.token, body: b });
        if (res.status !== 202) bad++;
        lat.push(res.ms);
      });
      const wall = performance.now() - t0;
      await new Promise((res) => setTimeout(res, 200));
      const d = cpuDelta(s0, cpuSnapshot(pids()));
      const apiMs = d.per.api?.ms ?? 0;
      const others = ['postgres', 'temporal', 'bench'].map((k) => `${k} ${((d.per[k]?.ms ?? 0) / N).toFixed(2)}`).join(', ');
      const st = await a.child.request<{ total: number; byText: Record<string, number> }>('statements').catch(() => null);
      const e = acc.get(a.label) ?? { cpu: 0, n: 0, st: 0, wall: 0, lat: [], byText: {} };
      e.cpu += apiMs; e.n += N; e.st += st?.total ?? NaN; e.wall += wall; e.lat.push(...lat);
      for (const [k, v] of Object.entries(st?.byText ?? {})) e.byText[k] = (e.byText[k] ?? 0) + v;
      acc.set(a.label, e);
      console.log(`round ${r} ${a.label}: ${N} in ${(wall / 1000).toFixed(2)} s (${((N / wall) * 1000).toFixed(1)}/s), API CPU ${(apiMs / N).toFixed(2)} ms/start, statements ${st ? (st.total / N).toFixed(2) : 'n/a'}/start, ${bad} not 202; CPU ms/start ${others}; load ${os.loadavg()[0]!.toFixed(1)}`);
    }
  }
  if (PROFILE) {
    const a = apis.find((x) => x.label === PROFILE)!;
    const file = path.join(stack.runDir, `ab-${PROFILE}.cpuprofile`);
    await a.child.request('profile-stop', file);
    console.log(`profile of ${PROFILE} over its measured rounds: ${file}\n${summarizeProfile(file, 25)}`);
  }
  for (const [label, e] of acc) {
    const l = summarize(e.lat);
    console.log(`${label}: API CPU ${(e.cpu / e.n).toFixed(2)} ms/start, statements ${(e.st / e.n).toFixed(2)}/start, ${((e.n / e.wall) * 1000).toFixed(1)}/s, p50 ${l.p50.toFixed(1)} ms`);
    for (const [k, v] of Object.entries(e.byText).sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`   ${(v / e.n).toFixed(3)}  ${k}`);
  }
} finally {
  for (const c of children) await c.stop().catch(() => {});
  await stack.stop();
}
