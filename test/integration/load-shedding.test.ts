/**
 * Load shedding (@fastify/under-pressure through api/plugins/load-shedding.ts): beyond the
 * PRESSURE_* limits every request gets 503, Retry-After and the common error body, and
 * nothing it asked for happens; /healthz still answers. Real limits, really exceeded: a
 * heap limit below what the process uses, and an event loop blocked past its limit.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { eventually, startStack, type Stack } from '../helpers/stack';

let s: Stack | undefined;
afterEach(async () => {
  await s?.stop();
  s = undefined;
});

const departments = async (st: Stack) => (await st.db.handle.rows<{ n: number }>(sql`select count(*)::int as n from departments`))[0]!.n;

describe('load shedding', () => {
  it('past the heap limit: 503 with Retry-After and the error body, nothing done; /healthz still 200', async () => {
    s = await startStack({ env: { PRESSURE_MAX_HEAP_USED_BYTES: String(1024 * 1024), PRESSURE_RETRY_AFTER_SECONDS: '7' } });
    const st = s;
    const shed = await eventually(async () => {
      const r = await st.api('POST', '/v1/departments', { body: { name: 'Shed', managerUserId: '00000000-0000-4000-8000-000000000000' } });
      return r.status === 503 ? r : null;
    }, 10_000);
    expect(shed.headers['retry-after']).toBe('7');
    expect(shed.body.error.code).toBe('unavailable');
    expect(shed.body.error.message).toMatch(/overloaded \(heapUsedBytes\); retry in 7s/);
    expect(shed.body.error.requestId).toEqual(expect.any(String));
    expect(await departments(st)).toBe(0);
    const me = await st.api('GET', '/v1/me');
    expect(me.status).toBe(503);
    expect((await st.api('GET', '/healthz', { token: null })).status).toBe(200);
    const ready = await st.api('GET', '/readyz', { token: null });
    expect(ready.status).toBe(503);
    expect(ready.body.load).toEqual({ ok: false, error: 'overloaded' });
  });

  it('past the event-loop delay limit while the loop is blocked, and serving again after', async () => {
    s = await startStack({ env: { PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '100' } });
    const st = s;
    expect((await st.api('GET', '/v1/me')).status).toBe(200);
    // Block the loop for 2.5 s: the sample taken right after sees a mean delay far past 100 ms.
    const until = Date.now() + 2500;
    while (Date.now() < until) {
      // busy: no timer, no I/O callback runs
    }
    const shed = await eventually(async () => {
      const r = await st.api('GET', '/v1/me');
      return r.status === 503 ? r : null;
    }, 5_000);
    expect(shed.headers['retry-after']).toBe('10');
    expect(shed.body.error.message).toMatch(/eventLoopDelay/);
    await eventually(async () => (await st.api('GET', '/v1/me')).status === 200, 10_000);
  });

  it('with the production default (1 s event-loop delay), normal load is served', async () => {
    s = await startStack({ env: { PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '1000' } });
    for (let i = 0; i < 20; i++) expect((await s.api('GET', '/v1/me')).status).toBe(200);
    expect((await s.api('GET', '/readyz', { token: null })).body).toEqual({ status: 'ready', database: { ok: true }, temporal: { ok: true }, load: { ok: true } });
  });
});
