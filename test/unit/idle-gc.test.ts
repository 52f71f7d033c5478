import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { exclusively, idleGcLock, idleStep, IDLE_UTILISATION, MIN_GROWTH_BYTES, type IdleState } from '../../ops/idle-gc';

const MiB = 1024 * 1024;
const fresh: IdleState = { idleSinceMs: undefined, heapAfterLastBytes: 0 };
const sample = (nowMs: number, utilisation: number, heapBytes: number) => ({
  nowMs,
  utilisation,
  windowMs: 1000,
  heapBytes,
});

describe('idleStep (when an idle worker collects its heap)', () => {
  it('collects once the loop has been idle for the whole wait and the heap has grown', () => {
    let s = fresh;
    let r = idleStep(s, sample(1000, 0.01, 100 * MiB), 3000);
    expect(r).toMatchObject({ collect: false, state: { idleSinceMs: 0 } });
    s = r.state;
    r = idleStep(s, sample(2000, 0.01, 100 * MiB), 3000);
    expect(r.collect).toBe(false);
    r = idleStep(r.state, sample(3000, IDLE_UTILISATION, 100 * MiB), 3000);
    expect(r.collect).toBe(true);
  });

  it('starts the wait again after any busy window', () => {
    let r = idleStep(fresh, sample(1000, 0.01, 100 * MiB), 3000);
    r = idleStep(r.state, sample(2000, 0.01, 100 * MiB), 3000);
    r = idleStep(r.state, sample(3000, 0.4, 100 * MiB), 3000);
    expect(r).toMatchObject({ collect: false, state: { idleSinceMs: undefined } });
    r = idleStep(r.state, sample(4000, 0.0, 100 * MiB), 3000);
    r = idleStep(r.state, sample(5000, 0.0, 100 * MiB), 3000);
    expect(r.collect).toBe(false);
    r = idleStep(r.state, sample(6000, 0.0, 100 * MiB), 3000);
    expect(r.collect).toBe(true);
  });

  it('leaves a worker alone while its heap has not grown enough since the last collection', () => {
    const after: IdleState = { idleSinceMs: 0, heapAfterLastBytes: 60 * MiB };
    expect(idleStep(after, sample(60_000, 0, 60 * MiB + MIN_GROWTH_BYTES - 1), 3000).collect).toBe(false);
    expect(idleStep(after, sample(60_000, 0, 60 * MiB + MIN_GROWTH_BYTES), 3000).collect).toBe(true);
  });
});

describe('startIdleCollector in a real node process', () => {
  const run = (nodeArgs: string[], waitMs = 5000) =>
    new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const script = fileURLToPath(new URL('../helpers/idle-gc-child.ts', import.meta.url));
      const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, IDLE_WAIT_MS: String(waitMs) },
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.once('error', reject);
      child.once('exit', (code) => resolve({ code, out }));
    });

  it('after a burst of allocation, an idle process collects once and its heap shrinks', async () => {
    const { code, out } = await run(['--expose-gc']);
    expect(code, out).toBe(0);
    const result = JSON.parse(out.trim().split('\n').pop()!) as {
      collections: { heapBeforeBytes: number; heapAfterBytes: number }[];
    };
    expect(result.collections).toHaveLength(1);
    const [c] = result.collections;
    // The burst left a young generation at its largest and garbage in the old one.
    expect(c!.heapBeforeBytes - c!.heapAfterBytes).toBeGreaterThan(MIN_GROWTH_BYTES);
  }, 30_000);

  it('without --expose-gc it stays off and says so', async () => {
    const { code, out } = await run([], 100);
    expect(code, out).toBe(0);
    expect(out).toContain('idle memory release is off: node was started without --expose-gc');
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({ collections: [] });
  }, 30_000);
});

describe('the idle-collection lock (the compaction flag is the whole process’s)', () => {
  it('is one buffer per process, found where the SDK patch looks for it', () => {
    const a = idleGcLock();
    expect(idleGcLock().buffer).toBe(a.buffer);
    expect((globalThis as Record<symbol, unknown>)[Symbol.for('hiring-workflow-engine.idle-gc-lock')]).toBe(a.buffer);
  });

  it('gives up after the wait when a holder never lets go (a thread terminated mid-collection)', () => {
    const lock = new Int32Array(new SharedArrayBuffer(4));
    Atomics.store(lock, 0, 1);
    let ran = false;
    expect(exclusively(lock, () => (ran = true), 50)).toBe(false);
    expect(ran).toBe(false);
    Atomics.store(lock, 0, 0);
    expect(exclusively(lock, () => (ran = true), 50)).toBe(true);
    expect(ran).toBe(true);
    expect(Atomics.load(lock, 0)).toBe(0);
  });

  it('keeps the main thread and a workflow thread out of each other’s collection', async () => {
    const lock = idleGcLock();
    // [0] the lock, [1] holders inside, [2] times one entered while another was inside
    const seen = new Int32Array(new SharedArrayBuffer(8));
    const ROUNDS = 300;
    // The thread takes the lock as the patched workflow thread does
    // (patches/@temporalio+worker+1.24.0.patch): compareExchange, then wait.
    const thread = new Worker(
      `const { workerData } = require('node:worker_threads');
       const lock = new Int32Array(workerData.lock), seen = new Int32Array(workerData.seen);
       for (let i = 0; i < ${ROUNDS}; i++) {
         while (Atomics.compareExchange(lock, 0, 0, 1) !== 0) Atomics.wait(lock, 0, 1, 1000);
         if (Atomics.add(seen, 0, 1) !== 0) Atomics.add(seen, 1, 1);
         const until = Date.now() + 1; while (Date.now() < until);
         Atomics.sub(seen, 0, 1);
         Atomics.store(lock, 0, 0); Atomics.notify(lock, 0);
       }`,
      { eval: true, workerData: { lock: lock.buffer, seen: seen.buffer } },
    );
    const done = new Promise((resolve, reject) => thread.once('exit', resolve).once('error', reject));
    for (let i = 0; i < ROUNDS; i++) {
      exclusively(lock, () => {
        if (Atomics.add(seen, 0, 1) !== 0) Atomics.add(seen, 1, 1);
        const until = Date.now() + 1;
        while (Date.now() < until);
        Atomics.sub(seen, 0, 1);
      });
      if (i % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    await done;
    expect(Atomics.load(seen, 1)).toBe(0);
    expect(Atomics.load(lock, 0)).toBe(0);
  }, 30_000);
});
