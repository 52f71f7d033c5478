/**
 * Fault: the worker process is SIGKILLed while journeys are in flight (offers being
 * generated and e-mailed, candidates being converted to employees), then a new worker is
 * started. Every journey must still reach `hired`, the SMTP server must have exactly one
 * copy of every message (and the webhook receiver one of every event), each employee
 * exactly one number, and the consistency check must find nothing.
 *
 * Recovery is slow by design of the timeouts: an activity attempt that died with the worker
 * is retried only after its start-to-close timeout (1 min), and a message whose lease the
 * dead attempt held waits for the lease (2 min).
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActorOrg, Journey, newStats, registerWebhook, resilient, type ActorOrg } from '../helpers/actors';
import { diagnose, Mailbox, outcome, settle, startChaosStack, tallyHistories, type ChaosStack } from '../helpers/chaos';

let s: ChaosStack;
let org: ActorOrg;
let mail: Mailbox;
const stats = newStats();

beforeAll(async () => {
  s = await startChaosStack({ workers: 1, webhookReceiver: true });
  const api = resilient(s.api, stats);
  org = await createActorOrg(api);
  await registerWebhook(api, org, s.webhooks!.url, s.webhooks!.secret);
  mail = new Mailbox(s.smtp);
});
afterAll(async () => {
  await s?.stop();
});

describe('worker killed', () => {
  it('SIGKILL during offer sending and onboarding, then a new worker: all hired, one copy of each message, one number each', async () => {
    const api = resilient(s.api, stats);
    const N = 6;
    const journeys = Array.from({ length: N }, (_, i) => new Journey(i, api, org, mail, 'killed'));
    const onboarding = journeys.slice(0, N / 2); // accept just before the kill
    const offering = journeys.slice(N / 2); // final approval just before the kill

    await Promise.all(journeys.map((j) => j.steps('submit', 'evaluate', 'draftOffer')));
    await Promise.all(onboarding.map((j) => j.steps('approve', 'waitOfferSent')));

    // The last approvals (PDF letter + offer e-mail follow) and the acceptances (conversion
    // to employee, notices, tasks follow) land together; the worker dies as they return.
    await Promise.all([...offering.map((j) => j.steps('approve')), ...onboarding.map((j) => j.steps('accept'))]);
    const victim = s.workers[0]!;
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
    await Promise.all([
      ...onboarding.map((j) => j.steps('waitOnboarding', 'onboard', 'waitHired')),
      ...offering.map((j) => j.steps('waitOfferSent', 'accept', 'waitOnboarding', 'onboard', 'waitHired')),
    ]);
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

    expect(journeys.map((j) => j.error ?? j.step)).toEqual(journeys.map(() => 'hired'));
    expect(o.stages).toEqual({ hired: N });
    expect(o.employees).toBe(N);
    expect(o.applicationsWithSeveralEmployees).toBe(0);
    expect(o.distinctEmployeeNumbers).toBe(N);
    expect(o.mail.duplicates).toEqual([]);
    expect(o.lost).toEqual([]);
    expect(o.unknown).toEqual([]);
    expect(o.emailStatuses).toEqual({ sent: o.emailRows });
    expect(o.mail.received).toBe(o.emailRows);
    expect(o.webhooks!.duplicates).toEqual([]);
    expect(o.webhooks!.missing).toEqual([]);
    expect(o.webhooks!.deliveries).toEqual({ delivered: o.webhooks!.events });
    expect(o.contradictions).toEqual([]);
    expect(o.pendingIdempotencyKeys).toEqual([]);
    expect(stats.unexpected).toEqual([]);
    expect(stats.thrown).toEqual([]);
  }, 360_000);
});
