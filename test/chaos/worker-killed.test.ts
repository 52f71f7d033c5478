/**
 * Fault: the worker process is SIGKILLed while journeys are in flight (offers being
 * generated and e-mailed, candidates being converted to employees), then a new worker is
 * started. Every journey must still reach `hired`, the SMTP server must have exactly one
 * copy of every message (and the webhook receiver one of every event), each employee
 * exactly one number, and the consistency check must find nothing. The one exception is
 * the window no sender can close: a copy the receiver accepted in the instant the worker
 * died, before the worker could record it, is sent again (same Message-ID / X-Event-Id).
 *
 * Recovery takes about a minute by design of the timeouts: an activity attempt that died
 * with the worker is retried only after its start-to-close timeout (1 min); the lease a
 * dead attempt held on a message (50 s) or webhook delivery (45 s) has run out by then.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { diagnose, outcome, settle, tallyHistories, type Copies } from '../helpers/chaos';
import { actionsAtTheFault, expectEverythingExactlyOnce, journeysUpToTheFault, restOfTheJourneys, useChaosStack } from '../helpers/chaos-suite';

const suite = useChaosStack({ workers: 1 });

/** How long before the kill a receiver's acceptance may be that the dying worker had not recorded yet (under load: a pool wait and a round trip). */
const KILL_WINDOW_MS = 2_000;
/**
 * How long after the kill a receiver may still be reading what the worker wrote before it
 * died: the SMTP server and the webhook receiver run in this process, and a message whose
 * last bytes were in the socket when the worker died is accepted when this event loop gets
 * to it. One run saw an offer e-mail accepted 4 ms after `kill()` returned, then sent again by
 * the new worker as it must be.
 */
const IN_FLIGHT_MS = 1_000;

describe('worker killed', () => {
  it('SIGKILL during offer sending and onboarding, then a new worker: all hired, one copy of each message, one number each', async () => {
    const { s, mail, stats } = suite;
    const N = 6;
    const at = await journeysUpToTheFault(suite, N, 'killed');
    const { all: journeys, onboarding, offering } = at;

    // The last approvals (PDF letter + offer e-mail follow) and the acceptances (conversion
    // to employee, notices, tasks follow) land together; the worker dies as they return.
    await actionsAtTheFault(at);
    const victim = s.workers[0]!;
    const killStartedAt = Date.now();
    await victim.kill();
    const killedAt = Date.now();
    const [emp] = await s.db.handle.rows<{ n: number }>(sql`select count(*)::int as n from employees`);
    const atKill = {
      offerMailsOut: offering.filter((j) => mail.link(j.email, 'offers')).length,
      employeesCreated: emp!.n,
      portalMailsOut: onboarding.filter((j) => mail.link(j.email, 'portal')).length,
    };
    expect((await victim.exited).signal).toBe('SIGKILL');

    await s.startWorker();
    const workerBackAt = Date.now();
    for (const j of journeys) j.deadline = killedAt + 240_000;
    await restOfTheJourneys(at);
    const allHiredAt = Date.now();
    if (journeys.some((j) => j.error)) console.log(JSON.stringify(await diagnose(s, journeys.map((j) => j.workflowId!)), null, 1));
    const settleMs = await settle(s, journeys.map((j) => j.workflowId!), Math.max(15_000, killedAt + 260_000 - Date.now()));

    const o = await outcome(s);
    const h = await tallyHistories(s.client, journeys.map((j) => j.workflowId!));
    console.log(
      JSON.stringify({
        fault: 'worker SIGKILL',
        journeys: N,
        atKill,
        workerRestartMs: workerBackAt - killedAt,
        killToAllHiredMs: allHiredAt - killedAt,
        settleMs,
        outcome: o,
        histories: h,
        api: { byRoute: stats.byRoute, calls: stats.calls, byStatus: stats.byStatus, unexpected: stats.unexpected, hung: stats.thrown },
      }),
    );

    // The window exactly-once cannot close (RELIABILITY.md): the receiver had accepted a copy
    // (the SMTP server's 250, the webhook's 2xx) when the worker died, before the worker
    // recorded it; the retry after the lease sends it again, with the same Message-ID or
    // X-Event-Id so the receiver can drop it. Allowed only for that: two copies, the first
    // accepted at most KILL_WINDOW_MS before the kill (or read from the socket up to
    // IN_FLIGHT_MS after it), the second by the new worker.
    const inTheWindow = (d: Copies) =>
      d.copies === 2 && d.firstAt >= killStartedAt - KILL_WINDOW_MS && d.firstAt <= killedAt + IN_FLIGHT_MS && d.lastAt >= workerBackAt;
    const resent = [...o.mail.duplicates, ...o.webhooks!.duplicates].filter(inTheWindow);
    console.log(JSON.stringify({ resentInTheWindowAtTheKill: resent }));
    expectEverythingExactlyOnce(suite, journeys, o, { resentInTheWindow: inTheWindow });
    // The attempts the kill cut were caught by their missed heartbeats, none by the whole minute.
    expect(Object.keys(h.timeoutTypes).filter((type) => type !== 'HEARTBEAT')).toEqual([]);
  }, 360_000);
});
