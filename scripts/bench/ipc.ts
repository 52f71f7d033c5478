/**
 * The two ends of the benchmark's child processes (the worker and the API run as their
 * own Node processes so their CPU and memory are theirs alone). The child answers
 * `stats` (cpuUsage, memoryUsage, heap) and starts/stops a CPU profile on request, so a
 * profile covers exactly one phase (same .cpuprofile format as `node --cpu-prof`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

interface Request {
  id: number;
  cmd: string;
  arg?: string;
}

export interface ChildStats {
  pid: number;
  cpuMs: number;
  rssMb: number;
  maxRssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
  arrayBuffersMb: number;
}

const MB = 1024 * 1024;
const LOOP_RESOLUTION_MS = 10;

/** Event-loop delay and GC pauses since the last reset: what a request waiting in this process may have met. */
export interface LoopStats {
  delayP50Ms: number;
  delayP99Ms: number;
  delayMaxMs: number;
  gcCount: number;
  gcTotalMs: number;
  gcMaxMs: number;
}

function stats(): ChildStats {
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  return {
    pid: process.pid,
    cpuMs: (cpu.user + cpu.system) / 1000,
    rssMb: mem.rss / MB,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    heapUsedMb: mem.heapUsed / MB,
    heapTotalMb: mem.heapTotal / MB,
    externalMb: mem.external / MB,
    arrayBuffersMb: mem.arrayBuffers / MB,
  };
}

/** In the child: on SIGTERM or SIGINT, close each of `parts` in turn, once, then exit. */
export function exitOnSignals(...parts: { close(): Promise<unknown> }[]): void {
  let closing = false;
  const handler = () => {
    if (closing) return;
    closing = true;
    void (async () => {
      for (const part of parts) await part.close();
      process.exit(0);
    })();
  };
  process.once('SIGTERM', handler);
  process.once('SIGINT', handler);
}

/** In the child: answer the parent's requests; `extra` adds commands. */
export function serveParent(extra: Record<string, (arg?: string) => unknown> = {}) {
  if (!process.send) return;
  let session: Session | undefined;
  const delay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  delay.enable();
  let gc = { count: 0, total: 0, max: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.count += 1;
      gc.total += e.duration;
      gc.max = Math.max(gc.max, e.duration);
    }
  }).observe({ entryTypes: ['gc'] });
  process.on('message', (raw: unknown) => {
    const req = raw as Request;
    if (!req || typeof req.id !== 'number') return;
    const reply = (ok: boolean, value: unknown) => process.send?.({ id: req.id, ok, value });
    const run = async (): Promise<unknown> => {
      switch (req.cmd) {
        case 'stats':
          return stats();
        case 'loop-reset':
          delay.reset();
          gc = { count: 0, total: 0, max: 0 };
          return true;
        case 'loop': {
          // The histogram holds the timer's period plus the lag: report the lag.
          const lag = (ns: number) => Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS);
          return {
            delayP50Ms: lag(delay.percentile(50)),
            delayP99Ms: lag(delay.percentile(99)),
            delayMaxMs: lag(delay.max),
            gcCount: gc.count,
            gcTotalMs: gc.total,
            gcMaxMs: gc.max,
          } satisfies LoopStats;
        }
        case 'gc': {
          v8.setFlagsFromString('--expose-gc');
          (vm.runInNewContext('gc') as () => void)();
          return stats();
        }
        case 'profile-start':
          session = new Session();
          session.connect();
          await session.post('Profiler.enable');
          await session.post('Profiler.setSamplingInterval', { interval: 200 });
          await session.post('Profiler.start');
          return true;
        case 'profile-stop': {
          if (!session) throw new Error('no profile running');
          const { profile } = await session.post('Profiler.stop');
          session.disconnect();
          session = undefined;
          mkdirSync(path.dirname(req.arg!), { recursive: true });
          writeFileSync(req.arg!, JSON.stringify(profile));
          return req.arg;
        }
        default: {
          const fn = extra[req.cmd];
          if (!fn) throw new Error(`unknown command ${req.cmd}`);
          return fn(req.arg);
        }
      }
    };
    run().then(
      (v) => reply(true, v),
      (e: unknown) => reply(false, e instanceof Error ? e.message : String(e)),
    );
  });
}

export function tellParentReady(info: Record<string, unknown> = {}) {
  process.send?.({ ready: true, ...info });
}

/** In the parent: a child Node process running a TypeScript entry through tsx, or a compiled .js one. */
export class BenchChild {
  private nextId = 1;
  private waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private exited = false;
  readonly ready: Promise<Record<string, unknown>>;
  readonly proc: ChildProcess;

  constructor(
    readonly name: string,
    entry: string,
    env: Record<string, string>,
    logFile: string,
    nodeArgs: string[] = [],
  ) {
    mkdirSync(path.dirname(logFile), { recursive: true });
    const out = openSync(logFile, 'a');
    // A compiled entry (dist/, npm run build) runs on plain node, as npm run worker:prod does.
    const loader = entry.endsWith('.js') ? [] : ['--import', 'tsx'];
    this.proc = spawn(process.execPath, [...nodeArgs, ...loader, entry], {
      env: { ...process.env, ...env },
      stdio: ['ignore', out, out, 'ipc'],
    });
    this.ready = new Promise((resolve, reject) => {
      this.proc.on('message', (raw: unknown) => {
        const m = raw as { ready?: boolean; id?: number; ok?: boolean; value?: unknown };
        if (m.ready) return resolve(m);
        const w = m.id !== undefined ? this.waiting.get(m.id) : undefined;
        if (!w) return;
        this.waiting.delete(m.id!);
        if (m.ok) w.resolve(m.value);
        else w.reject(new Error(`${name}: ${String(m.value)}`));
      });
      this.proc.once('exit', (code, signal) => {
        this.exited = true;
        const err = new Error(`${name} exited (code ${code}, signal ${signal}); see ${logFile}`);
        reject(err);
        for (const w of this.waiting.values()) w.reject(err);
        this.waiting.clear();
      });
    });
    this.ready.catch(() => {});
  }

  get pid(): number {
    return this.proc.pid!;
  }

  request<T>(cmd: string, arg?: string): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`${this.name} has exited`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.proc.send({ id, cmd, arg } satisfies Request);
    });
  }

  stats(): Promise<ChildStats> {
    return this.request<ChildStats>('stats');
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), 20_000);
      this.proc.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.proc.kill('SIGTERM');
    });
  }
}
