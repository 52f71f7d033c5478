/**
 * Fault: the Temporal server goes away in the middle of journeys. Its dev server (persisted
 * to a SQLite file) is stopped with SIGTERM while offers are being approved and accepted,
 * stays down a few seconds, and is started again on the same port with the same file.
 * Meanwhile the API answers 503 (never 500) for anything that needs Temporal and keeps
 * serving what only needs the database; /readyz names Temporal. The worker and the API
 * reconnect by themselves, and every journey completes exactly once. An e-mail opened
 * while Temporal is down (its pixel loaded) reaches the workflow's timeline once it is back.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { diagnose, outcome, probe, settle, sleep, tallyHistories } from '../helpers/chaos';
import { eventually } from '../helpers/wait';
import { actionsAtTheFault, expectEverythingExactlyOnce, journeysUpToTheFault, restOfTheJourneys, useChaosStack } from '../helpers/chaos-suite';

/** Down this long after the old server has exited (stopping it takes up to 10 s by itself). */
const DOWN_MS = 8_000;

// The API's sweep of untold e-mail opens every second (30 s by default).
const suite = useChaosStack({ env: { OPEN_SIGNAL_RETRY_MS: '1000' } });

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
    // The probe's window ends when the new server is launched: it may answer before
    // startTemporal() has seen it ready, and an answer from it is not "while down".
    const downWindow = stopped.then(async (exit) => {
      const downAt = Date.now();
      await sleep(DOWN_MS);
      return { downAt, exit };
    });
    const restarted = downWindow.then(async (down) => {
      await s.startTemporal();
      return { ...down, upAt: Date.now() };
    });
    await stopped;
    const target = journeys[0]!;
    // The candidate opens their first e-mail while Temporal is down.
    const pixel = suite.mail.pixel(target.email)!;
    const openRow = async () =>
      (
        await s.db.handle.rows<{ id: string; opened: boolean; told: boolean }>(
          sql`select id, opened_at is not null as opened, open_signalled_at is not null as told from messages
              where application_id = ${target.id} and recipient = ${target.email} order by created_at limit 1`,
        )
      )[0]!;
    const pixelRes = await s.api('GET', `/t/${pixel}.gif`, { token: null });
    const duringProbe = probe(
      s.api,
      [
        { name: 'readyz', method: 'GET', url: '/readyz', token: null },
        { name: 'application status (query)', method: 'GET', url: `/v1/applications/${target.id}`, token: org.hr.token },
        // Refused by the workflow's validator when Temporal is up (wrong stage): changes nothing.
        { name: 'decision (update)', method: 'POST', url: `/v1/applications/${target.id}/decision`, token: org.hr.token, body: { decision: 'advance' } },
        { name: 'consistency (visibility)', method: 'GET', url: '/v1/admin/consistency' },
        { name: 'list applications (SQL only)', method: 'GET', url: '/v1/applications', token: org.hr.token },
      ],
      downWindow,
    );
    await sleep(s.config.TEMPORAL_RPC_TIMEOUT_MS + 500); // the pixel's own signal has failed by now
    const openedWhileDown = await openRow();
    const during = await duringProbe;
    const { downAt, exit, upAt } = await restarted;
    // Temporal is back: the sweep tells the workflow, which waits for the test's next steps.
    const { toldMs } = await eventually(async () => ((await openRow()).told ? { toldMs: Date.now() - upAt } : null), 30_000);
    const opensInTimeline = async () =>
      ((await target.status()).timeline as { type: string; detail?: { messageId?: string } }[]).filter(
        (e) => e.type === 'message_opened' && e.detail?.messageId === openedWhileDown.id,
      ).length;
    const opensAfterRestart = await eventually(opensInTimeline, 10_000);
    for (const j of journeys) j.deadline = upAt + 150_000;

    await inFlight;
    await restOfTheJourneys(at);
    const allHiredAt = Date.now();
    if (journeys.some((j) => j.error)) console.log(JSON.stringify(await diagnose(s, journeys.map((j) => j.workflowId!)), null, 1));
    const settleMs = await settle(s, journeys.map((j) => j.workflowId!), Math.max(15_000, upAt + 180_000 - Date.now()));
    const o = await outcome(s);
    const opensAtTheEnd = await opensInTimeline();
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
        openWhileDown: { pixel: pixelRes.status, row: openedWhileDown, toldAfterRestartMs: toldMs, inTimeline: opensAfterRestart, atTheEnd: opensAtTheEnd },
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
    // The open: recorded at once (the image did not wait), told to the workflow after the restart, once.
    expect(pixelRes.status).toBe(200);
    expect(openedWhileDown).toMatchObject({ opened: true, told: false });
    expect(opensAfterRestart).toBe(1);
    expect(opensAtTheEnd).toBe(1);
    // The same worker process reconnected on its own.
    expect(s.workers.map((w) => [w.pid, w.alive])).toEqual([[workerPid, true]]);

    expectEverythingExactlyOnce(suite, journeys, o);
    // An attempt whose result was lost with the server was retried after its missed
    // heartbeats, never after the whole minute.
    expect(Object.keys(h.timeoutTypes).filter((type) => type !== 'HEARTBEAT')).toEqual([]);
  }, 400_000);
});
