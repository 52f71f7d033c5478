/** Background rounds an API process runs while it is up: one round at a time, stopped on close. */
import type { FastifyInstance } from 'fastify';

/** Runs `round` every `everyMs` from when the app is ready; a failure is logged as `what`. 0: never. */
export function scheduleRepeating(app: FastifyInstance, everyMs: number, what: string, round: () => Promise<unknown>): void {
  if (everyMs <= 0) return;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  app.addHook('onReady', async () => {
    timer = setInterval(() => {
      running ??= round()
        .catch((e: unknown) => app.log.warn({ err: e }, `${what} failed`))
        .finally(() => (running = undefined));
    }, everyMs);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await running;
  });
}
