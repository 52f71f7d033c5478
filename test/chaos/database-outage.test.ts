/**
 * Fault: PostgreSQL unreachable for ~10 s while journeys are in flight. The API and the
 * worker reach the (shared) server through a TCP proxy; taking the proxy down cuts every
 * open connection and refuses new ones, as a crashed or partitioned database would.
 * Meanwhile the API answers 503 (never 500) and /readyz names the database; activities
 * fail, retry and succeed once it is back; nothing is lost or sent twice.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CALL_TIMEOUT_MS, OFFER_BODY } from '../helpers/actors';
import { diagnose, outcome, probe, settle, sleep, tallyHistories } from '../helpers/chaos';
import { actionsAtTheFault, expectEverythingExactlyOnce, journeysUpToTheFault, restOfTheJourneys, useChaosStack } from '../helpers/chaos-suite';
import { eventually } from '../helpers/wait';

const OUTAGE_MS = 10_000;

const suite = useChaosStack({ dbProxy: true });

describe('database outage', () => {
  it('answers 503 while PostgreSQL is unreachable for 10 s, then every journey completes with nothing lost or doubled', async () => {
    const { s, org, stats } = suite;
    const N = 6;
    const at = await journeysUpToTheFault(suite, N, 'dbdown', { waitTimeoutMs: 60_000 });
    const journeys = at.all;
    const probeApp = journeys[0]!;

    // Offers going out and acceptances being converted when the database goes away; the
    // actors carry on (retrying) through the outage.
    // The database goes once the API has taken the first of them: its workflow's activities
    // (the letter, the e-mails, the employee) are then running. A fixed 50 ms was sometimes too
    // short: every action was still in authentication and got a 503, and no activity saw the outage.
    const accepted = () => (stats.byStatus[200] ?? 0) + (stats.byStatus[201] ?? 0);
    const acceptedBefore = accepted();
    const inFlight = actionsAtTheFault(at);
    await eventually(async () => accepted() > acceptedBefore, 10_000);
    await s.dbProxy!.down();
    const downAt = Date.now();
    const backUp = sleep(OUTAGE_MS).then(() => s.dbProxy!.up());
    const probed = probe(
      s.api,
      [
        { name: 'readyz', method: 'GET', url: '/readyz', token: null },
        { name: 'healthz', method: 'GET', url: '/healthz', token: null },
        { name: 'list applications (SQL)', method: 'GET', url: '/v1/applications', token: org.hr.token },
        { name: 'application status', method: 'GET', url: `/v1/applications/${probeApp.id}`, token: org.hr.token },
        { name: 'me (token lookup)', method: 'GET', url: '/v1/me', token: org.manager.token },
        // Mutations that change nothing once the database is back (an unknown id, a bad body).
        { name: 'draft offer (update)', method: 'PUT', url: `/v1/applications/${randomUUID()}/offer`, body: OFFER_BODY() },
        { name: 'new job (insert)', method: 'POST', url: '/v1/jobs', token: org.hr.token, body: { title: 'x' } },
        { name: 'consistency (admin)', method: 'GET', url: '/v1/admin/consistency' },
      ],
      backUp,
    );
    await backUp;
    const upAt = Date.now();
    // However it goes, the verdict comes within two minutes of the recovery.
    for (const j of journeys) j.deadline = upAt + 150_000;
    const during = await probed;

    await inFlight;
    await restOfTheJourneys(at);
    if (journeys.some((j) => j.error)) console.log(JSON.stringify(await diagnose(s, journeys.map((j) => j.workflowId!)), null, 1));
    const allHiredAt = Date.now();
    const settleMs = await settle(s, journeys.map((j) => j.workflowId!), Math.max(15_000, upAt + 180_000 - Date.now())).catch(async (e: Error) => {
      console.log(JSON.stringify(await diagnose(s, journeys.map((j) => j.workflowId!)), null, 1));
      return `${e.message}`;
    });
    const ready = await s.api('GET', '/readyz', { token: null });
    const o = await outcome(s);
    const h = await tallyHistories(s.client, journeys.map((j) => j.workflowId!));
    console.log(
      JSON.stringify({
        fault: 'database unreachable',
        journeys: N,
        outageMs: upAt - downAt,
        probe: { rounds: during.rounds, statuses: during.statuses, slowestMs: during.slowestMs, hung: during.hung, readyzSample: during.readyz[0] },
        upToAllHiredMs: allHiredAt - upAt,
        settleMs,
        outcome: o,
        histories: h,
        api: { byRoute: stats.byRoute, calls: stats.calls, retries: stats.retries, byStatus: stats.byStatus, unexpected: stats.unexpected, hung: stats.thrown, stuckKeys: stats.stuckKeys },
        workerAlive: s.workers.map((w) => w.alive),
      }),
    );

    // During the outage: 503 from everything that needs the database, never 500...
    expect.soft(during.rounds, 'complete probe rounds during the outage (few: requests hung)').toBeGreaterThan(5);
    for (const [name, statuses] of Object.entries(during.statuses)) {
      expect(Object.keys(statuses), name).toEqual([name === 'healthz' ? '200' : '503']);
    }
    expect(during.readyz.length).toBeGreaterThan(0);
    for (const r of during.readyz) expect(r).toMatchObject({ status: 'unavailable', database: { ok: false }, temporal: { ok: true } });
    // ...promptly: no request waits for the database to come back, none hangs.
    expect.soft(during.hung, 'requests sent during the outage and answered only after it').toEqual([]);
    // A query waits at most for one connection attempt (connect_timeout 5 s) before its 503.
    for (const [name, ms] of Object.entries(during.slowestMs)) expect.soft(ms, `slowest answer of ${name}`).toBeLessThan(8000);
    expect.soft(stats.thrown, `API calls that hung (no answer within ${CALL_TIMEOUT_MS} ms)`).toEqual([]);
    // A request refused with 503 can be retried with its Idempotency-Key.
    expect.soft(stats.stuckKeys, 'Idempotency-Keys stuck "in progress"').toEqual([]);
    expect.soft(o.pendingIdempotencyKeys, 'idempotency rows left pending').toEqual([]);
    expect(ready.status).toBe(200);
    // The worker rode it out: same process, activities retried.
    expect.soft(s.workers.map((w) => (w.alive ? 'alive' : w.output().slice(-1500))), 'worker process').toEqual(['alive']);
    expect(h.activityFailures + Object.keys(h.interruptedActivities).length).toBeGreaterThan(0);

    // Afterwards: everything done once.
    expectEverythingExactlyOnce(suite, journeys, o);
  }, 400_000);
});
