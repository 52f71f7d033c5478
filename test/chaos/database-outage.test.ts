/**
 * Fault: PostgreSQL unreachable for ~10 s while journeys are in flight. The API and the
 * worker reach the (shared) server through a TCP proxy; taking the proxy down cuts every
 * open connection and refuses new ones, as a crashed or partitioned database would.
 * Meanwhile the API answers 503 (never 500) and /readyz names the database; activities
 * fail, retry and succeed once it is back; nothing is lost or sent twice.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActorOrg, Journey, newStats, OFFER_BODY, registerWebhook, resilient, type ActorOrg } from '../helpers/actors';
import { diagnose, Mailbox, outcome, probe, settle, sleep, startChaosStack, tallyHistories, type ChaosStack } from '../helpers/chaos';

const OUTAGE_MS = 10_000;

let s: ChaosStack;
let org: ActorOrg;
let mail: Mailbox;
const stats = newStats();

beforeAll(async () => {
  s = await startChaosStack({ dbProxy: true, webhookReceiver: true });
  const api = resilient(s.api, stats);
  org = await createActorOrg(api);
  await registerWebhook(api, org, s.webhooks!.url, s.webhooks!.secret);
  mail = new Mailbox(s.smtp);
});
afterAll(async () => {
  await s?.stop();
});

describe('database outage', () => {
  it('answers 503 while PostgreSQL is unreachable for 10 s, then every journey completes with nothing lost or doubled', async () => {
    const api = resilient(s.api, stats);
    const N = 6;
    const journeys = Array.from({ length: N }, (_, i) => new Journey(i, api, org, mail, 'dbdown', { waitTimeoutMs: 60_000 }));
    const onboarding = journeys.slice(0, N / 2);
    const offering = journeys.slice(N / 2);
    await Promise.all(journeys.map((j) => j.steps('submit', 'evaluate', 'draftOffer')));
    await Promise.all(onboarding.map((j) => j.steps('approve', 'waitOfferSent')));
    const probeApp = journeys[0]!;

    // Offers going out and acceptances being converted when the database goes away; the
    // actors carry on (retrying) through the outage.
    const inFlight = Promise.all([...offering.map((j) => j.steps('approve')), ...onboarding.map((j) => j.steps('accept'))]);
    await sleep(50);
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
    await Promise.all([
      ...onboarding.map((j) => j.steps('waitOnboarding', 'onboard', 'waitHired')),
      ...offering.map((j) => j.steps('waitOfferSent', 'accept', 'waitOnboarding', 'onboard', 'waitHired')),
    ]);
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
    expect(stats.unexpected).toEqual([]);
    // ...promptly: no request waits for the database to come back, none hangs.
    expect.soft(during.hung, 'requests sent during the outage and answered only after it').toEqual([]);
    for (const [name, ms] of Object.entries(during.slowestMs)) expect.soft(ms, `slowest answer of ${name}`).toBeLessThan(5000);
    expect.soft(stats.thrown, 'API calls that hung (no answer within 20 s)').toEqual([]);
    // A request refused with 503 can be retried with its Idempotency-Key.
    expect.soft(stats.stuckKeys, 'Idempotency-Keys stuck "in progress"').toEqual([]);
    expect.soft(o.pendingIdempotencyKeys, 'idempotency rows left pending').toEqual([]);
    expect(ready.status).toBe(200);
    // The worker rode it out: same process, activities retried.
    expect.soft(s.workers.map((w) => (w.alive ? 'alive' : w.output().slice(-1500))), 'worker process').toEqual(['alive']);
    expect(h.activityFailures + Object.keys(h.interruptedActivities).length).toBeGreaterThan(0);

    // Afterwards: everything done once.
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
  }, 400_000);
});
