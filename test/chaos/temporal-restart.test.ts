/**
 * Fault: the Temporal server goes away in the middle of journeys. Its dev server (persisted
 * to a SQLite file) is stopped with SIGTERM while offers are being approved and accepted,
 * stays down a few seconds, and is started again on the same port with the same file.
 * Meanwhile the API answers 503 (never 500) for anything that needs Temporal and keeps
 * serving what only needs the database; /readyz names Temporal. The worker and the API
 * reconnect by themselves, and every journey completes exactly once.
 */
import { describe, expect, it } from 'vitest';
import { diagnose, outcome, probe, settle, sleep, tallyHistories } from '../helpers/chaos';
import { actionsAtTheFault, expectEverythingExactlyOnce, journeysUpToTheFault, restOfTheJourneys, useChaosStack } from '../helpers/chaos-suite';

/** Down this long after the old server has exited (stopping it takes up to 10 s by itself). */
const DOWN_MS = 8_000;

const suite = useChaosStack({});

describe('Temporal restarted', () => {
  it('answers 503 while Temporal is down, then every journey continues from where it was and completes', async () => {
    const { s, org, stats } = suite;
    const N = 6;
    const at = await journeysUpToTheFault(suite, N, 'trestart', { waitTimeoutMs: 90_000 });
    const journeys = at.all;
    const temporalPid = s.temporal.process.pid;
    const workerPid = s.workers[0]!.pid;

    const inFlight = actionsAtTheFault(at);
    await sleep(50);
    const stopAt = Date.now();
    const stopped = s.stopTemporal();
    const restarted = stopped.then(async (exit) => {
      const downAt = Date.now();
      await sleep(DOWN_MS);
      await s.startTemporal();
      return { downAt, exit, upAt: Date.now() };
    });
    await stopped;
    const target = journeys[0]!;
    const during = await probe(
      s.api,
      [
        { name: 'readyz', method: 'GET', url: '/readyz', token: null },
        { name: 'application status (query)', method: 'GET', url: `/v1/applications/${target.id}`, token: org.hr.token },
        // Refused by the workflow's validator when Temporal is up (wrong stage): changes nothing.
        { name: 'decision (update)', method: 'POST', url: `/v1/applications/${target.id}/decision`, token: org.hr.token, body: { decision: 'advance' } },
        { name: 'consistency (visibility)', method: 'GET', url: '/v1/admin/consistency' },
        { name: 'list applications (SQL only)', method: 'GET', url: '/v1/applications', token: org.hr.token },
      ],
      restarted,
    );
    const { downAt, exit, upAt } = await restarted;
    for (const j of journeys) j.deadline = upAt + 150_000;

    await inFlight;
    await restOfTheJourneys(at);
    const allHiredAt = Date.now();
    if (journeys.some((j) => j.error)) console.log(JSON.stringify(await diagnose(s, journeys.map((j) => j.workflowId!)), null, 1));
    const settleMs = await settle(s, journeys.map((j) => j.workflowId!), Math.max(15_000, upAt + 180_000 - Date.now()));
    const o = await outcome(s);
    const h = await tallyHistories(s.client, journeys.map((j) => j.workflowId!));
    console.log(
      JSON.stringify({
        fault: 'Temporal dev server stopped and restarted',
        journeys: N,
        oldServerExit: exit,
        unreachableMs: upAt - stopAt,
        restartMs: upAt - downAt,
        samePort: s.temporal.address === s.temporalAddress,
        newServerPid: s.temporal.process.pid !== temporalPid,
        probe: { rounds: during.rounds, statuses: during.statuses, slowestMs: during.slowestMs, hung: during.hung, readyzSample: during.readyz[0] },
        upToAllHiredMs: allHiredAt - upAt,
        settleMs,
        outcome: o,
        histories: h,
        api: { byRoute: stats.byRoute, calls: stats.calls, retries: stats.retries, byStatus: stats.byStatus, unexpected: stats.unexpected, hung: stats.thrown, stuckKeys: stats.stuckKeys },
        worker: s.workers.map((w) => ({ pid: w.pid, alive: w.alive })),
      }),
    );

    // While Temporal was down: 503 for what needs it, promptly; 200 for what does not; never 500.
    expect.soft(during.hung, 'requests that waited for Temporal to come back instead of answering 503').toEqual([]);
    expect.soft(during.rounds, 'complete probe rounds while Temporal was down (few: requests hung)').toBeGreaterThan(3);
    for (const [name, statuses] of Object.entries(during.statuses)) {
      expect(Object.keys(statuses), name).toEqual([name === 'list applications (SQL only)' ? '200' : '503']);
    }
    expect(during.readyz.length).toBeGreaterThan(0);
    for (const r of during.readyz) expect(r).toMatchObject({ status: 'unavailable', database: { ok: true }, temporal: { ok: false } });
    // The same worker process reconnected on its own.
    expect(s.workers.map((w) => [w.pid, w.alive])).toEqual([[workerPid, true]]);

    expectEverythingExactlyOnce(suite, journeys, o);
  }, 400_000);
});
