/**
 * Gives a worker's memory back once it has nothing to do.
 *
 * V8 sizes a heap for the busiest moment it has seen and only collects when something
 * allocates. After a burst of journeys or replays, the worker's main thread keeps its young
 * generation at its largest (two 16 MiB semi-spaces) and its old generation keeps the
 * burst's garbage: nothing allocates any more, so no collection comes to hand the pages
 * back, and the worker stays at its peak while it waits for the next task.
 *
 * The collector watches the main thread's event loop. Once it has been idle for
 * WORKER_IDLE_GC_S seconds and the heap has grown by at least MIN_GROWTH_BYTES since the
 * last collection, it runs one full collection that also compacts every page (V8's
 * `--compact-on-every-full-gc`, set for that one collection only, under a lock the SDK's
 * workflow threads share, as the flag is the process's): a plain full collection
 * frees the garbage but keeps each page that still holds a live object, and after a burst
 * that is most of them. The young generation's semi-spaces (up to 2 × 16 MiB) stay
 * committed after it in some runs and not in others: V8 decides when to hand them back.
 * It costs the idle thread 100–160 ms and a busy one nothing, unlike a permanently
 * smaller young generation (`--max-semi-space-size=4` saves as much but costs ~20 % more
 * CPU per journey: bench/RESULTS.md, "Worker memory as shipped").
 *
 * It needs node's `--expose-gc`, which `npm run worker:prod` and `npm run worker` pass.
 * Without it the collector stays off and says so once.
 */
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';

/** Event-loop utilisation (0–1) at or under which a sampling window counts as idle. */
export const IDLE_UTILISATION = 0.05;
/** Heap growth since the last collection below which an idle worker is left alone. */
export const MIN_GROWTH_BYTES = 16 * 1024 * 1024;
const SAMPLE_MS = 1000;

export interface IdleState {
  /** When the current idle stretch began (ms); undefined while busy. */
  idleSinceMs: number | undefined;
  /** The heap's size after the last collection (bytes); 0 before the first. */
  heapAfterLastBytes: number;
}

export interface IdleSample {
  nowMs: number;
  /** Event-loop utilisation over the window that just ended. */
  utilisation: number;
  windowMs: number;
  heapBytes: number;
}

/** Started with the flag already (node's options): then it stays on. */
const COMPACTING_ALWAYS = /--compact[-_]on[-_]every[-_]full[-_]gc\b/.test(
  `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`,
);

/**
 * The process's lock on that flag: V8's flags are the whole process's, and the SDK's
 * workflow threads run the same collection on their own (patches/@temporalio+worker+1.24.0.patch
 * hands them this buffer). Unlocked, a thread could unset the flag while the main thread's
 * collection ran, which then compacted nothing: one full bench run read the workflow thread's
 * heap at 65 MiB after its collection, where every other run read 33–35.
 */
const LOCK_KEY = Symbol.for('hiring-workflow-engine.idle-gc-lock');
export function idleGcLock(): Int32Array {
  const g = globalThis as { [LOCK_KEY]?: SharedArrayBuffer };
  return new Int32Array((g[LOCK_KEY] ??= new SharedArrayBuffer(4)));
}

/** Longest wait for the lock; the other holder's collection takes 100–200 ms. */
export const LOCK_WAIT_MS = 5000;

/**
 * Runs `fn` while holding `lock` (0 free, 1 held), waiting for it with Atomics.wait (this
 * thread is idle). Returns false without running `fn` when the lock stays taken for
 * `waitMs`: a workflow thread terminated in the middle of its collection would otherwise
 * stop this thread for good.
 */
export function exclusively(lock: Int32Array, fn: () => void, waitMs = LOCK_WAIT_MS): boolean {
  const deadline = performance.now() + waitMs;
  while (Atomics.compareExchange(lock, 0, 0, 1) !== 0) {
    const left = deadline - performance.now();
    if (left <= 0) return false;
    Atomics.wait(lock, 0, 1, Math.min(left, 1000));
  }
  try {
    fn();
    return true;
  } finally {
    Atomics.store(lock, 0, 0);
    Atomics.notify(lock, 0);
  }
}

/** A full collection that compacts every page, through V8's flag set for its duration; false if the lock could not be had. */
function compactingCollection(gc: () => void): boolean {
  if (COMPACTING_ALWAYS) {
    gc();
    return true;
  }
  return exclusively(idleGcLock(), () => {
    v8.setFlagsFromString('--compact-on-every-full-gc');
    try {
      gc();
    } finally {
      v8.setFlagsFromString('--no-compact-on-every-full-gc');
    }
  });
}

/** The rule, pure: the next state, and whether to collect now. */
export function idleStep(
  state: IdleState,
  s: IdleSample,
  idleMs: number,
): { state: IdleState; collect: boolean } {
  if (s.utilisation > IDLE_UTILISATION)
    return { state: { ...state, idleSinceMs: undefined }, collect: false };
  const idleSinceMs = state.idleSinceMs ?? s.nowMs - s.windowMs;
  const collect =
    s.nowMs - idleSinceMs >= idleMs && s.heapBytes - state.heapAfterLastBytes >= MIN_GROWTH_BYTES;
  return { state: { ...state, idleSinceMs }, collect };
}

export interface Collection {
  heapBeforeBytes: number;
  /** A second after the collection, once the pages it emptied are released. */
  heapAfterBytes: number;
  durationMs: number;
}

export interface IdleCollector {
  stop(): void;
}

/**
 * Starts the collector; a no-op when idleSeconds is 0 or the process has no `gc` (started
 * without --expose-gc). `onCollect` sees each collection (metrics, logs).
 */
export function startIdleCollector(opts: {
  idleSeconds: number;
  onCollect?: (c: Collection) => void;
  warn?: (msg: string) => void;
}): IdleCollector {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (opts.idleSeconds <= 0) return { stop() {} };
  if (!gc) {
    opts.warn?.(
      'idle memory release is off: node was started without --expose-gc (npm run worker:prod passes it)',
    );
    return { stop() {} };
  }
  const heapBytes = () => v8.getHeapStatistics().total_heap_size;
  let state: IdleState = { idleSinceMs: undefined, heapAfterLastBytes: 0 };
  let last = performance.eventLoopUtilization();
  let lastAt = performance.now();
  // The heap's size is read a tick after the collection: compaction moves live objects to new
  // pages before the old ones are released, so right after it the heap can even be larger.
  let collected: Omit<Collection, 'heapAfterBytes'> | undefined;
  const timer = setInterval(() => {
    if (collected) {
      const after = heapBytes();
      state = { ...state, heapAfterLastBytes: after };
      opts.onCollect?.({ ...collected, heapAfterBytes: after });
      collected = undefined;
    }
    const now = performance.now();
    const elu = performance.eventLoopUtilization(last);
    const before = heapBytes();
    const step = idleStep(
      state,
      { nowMs: now, utilisation: elu.utilization, windowMs: now - lastAt, heapBytes: before },
      opts.idleSeconds * 1000,
    );
    state = step.state;
    if (step.collect) {
      const t0 = performance.now();
      if (compactingCollection(gc)) collected = { heapBeforeBytes: before, durationMs: performance.now() - t0 };
      else opts.warn?.(`idle collection skipped: the lock was held for ${LOCK_WAIT_MS / 1000} s`);
      // Until the heap is read again after it (or, skipped, until it grows further), it counts as not grown.
      state = { ...state, heapAfterLastBytes: before };
    }
    // The window starts after the collection, so its own work is not counted as activity.
    last = performance.eventLoopUtilization();
    lastAt = performance.now();
  }, SAMPLE_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
