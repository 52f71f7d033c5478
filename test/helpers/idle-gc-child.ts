/**
 * A process for test/unit/idle-gc.test.ts: a burst of allocation (short-lived objects that
 * grow the young generation, and a retained array that is dropped at the end), then an idle
 * wait long enough for the collector (1 s idle) to run. Prints its collections as JSON.
 */
import { startIdleCollector, type Collection } from '../../ops/idle-gc';

const collections: Collection[] = [];
const collector = startIdleCollector({
  idleSeconds: 1,
  onCollect: (c) => collections.push(c),
  warn: (msg) => console.log(msg),
});
let kept: unknown[] = [];
const until = Date.now() + 1500;
while (Date.now() < until) {
  const batch = Array.from({ length: 1000 }, (_, i) => ({ i, s: `item ${i}`, pair: [i, i + 1] }));
  if (kept.length < 400) kept.push(batch);
}
kept = [];
// Idle: a few sampling windows past the 1 s wait, to show one collection and no second
// (IDLE_WAIT_MS: how long; a run without --expose-gc needs none).
setTimeout(
  () => {
    collector.stop();
    console.log(
      JSON.stringify({
        collections: collections.map(({ heapBeforeBytes, heapAfterBytes }) => ({
          heapBeforeBytes,
          heapAfterBytes,
        })),
      }),
    );
  },
  Number(process.env.IDLE_WAIT_MS ?? 5000),
);
