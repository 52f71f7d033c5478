/**
 * Fault: the SMTP server and the integrator's webhook receiver are down while offers go
 * out. SMTP: nothing listens on its port (connection refused) for ~10 s, then it comes
 * back on the same port and refuses the first messages with a temporary 451 after DATA.
 * Webhooks: the receiver answers 503 for the same ~10 s, then 200. Every message and
 * every event must arrive exactly once, and every journey reach `hired`.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { Journey } from '../helpers/actors';
import { outcome, quiesce, settle, sleep } from '../helpers/chaos';
import { expectEverythingExactlyOnce, useChaosStack } from '../helpers/chaos-suite';

const OUTAGE_MS = 10_000;

const suite = useChaosStack({ smtpProxy: true });

describe('SMTP and webhook receivers down', () => {
  it('delivers every message and every event exactly once after the receivers come back', async () => {
    const { s, api, org, mail, stats } = suite;
    const N = 4;
    const journeys = Array.from({ length: N }, (_, i) => new Journey(i, api, org, mail, 'receivers'));
    await Promise.all(journeys.map((j) => j.steps('submit', 'evaluate', 'draftOffer')));
    // Nothing on the wire when the receivers go down: a message the SMTP server has taken
    // whose 250 the cut connection never carried back is re-sent, by design (RFC 1047),
    // and that is the worker-killed test's window, not this one's.
    const quietMs = await quiesce(s, journeys.map((j) => j.workflowId!));
    const mailsBefore = s.smtp.received.length;

    // Both receivers go down; the approvals that send the offers land during the outage.
    await s.smtpProxy!.down();
    s.webhooks!.down('status');
    const downAt = Date.now();
    await Promise.all(journeys.map((j) => j.steps('approve')));
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - downAt)));
    const duringOutage = {
      mailsReceived: s.smtp.received.length - mailsBefore,
      webhookRequestsRefused: s.webhooks!.requests.filter((r) => r.status === 503).length,
      ...(await s.db.handle.rows<{ failing: number }>(
        sql`select count(*)::int as failing from messages where status = 'sending' and error is not null`,
      ))[0],
    };

    // Back: SMTP on the same port, refusing its first 3 messages with 451; the receiver answers 200.
    s.smtp.failNext(3);
    await s.smtpProxy!.up();
    s.webhooks!.up();
    const upAt = Date.now();

    let allOffersMailedAt = 0;
    await Promise.all([
      (async () => {
        while (!journeys.every((j) => j.error || mail.link(j.email, 'offers'))) await sleep(100);
        allOffersMailedAt = Date.now();
      })(),
      ...journeys.map((j) => j.steps('waitOfferSent', 'accept', 'waitOnboarding', 'onboard', 'waitHired')),
    ]);
    const allHiredAt = Date.now();
    const settleMs = await settle(s, journeys.map((j) => j.workflowId!));
    const o = await outcome(s);
    const [retried] = await s.db.handle.rows<{ n: number; max: number }>(
      sql`select count(*)::int as n, max(attempts)::int as max from messages where attempts > 1`,
    );
    console.log(
      JSON.stringify({
        fault: 'SMTP and webhook receiver down',
        journeys: N,
        quietBeforeTheOutageMs: quietMs,
        outageMs: upAt - downAt,
        duringOutage,
        smtpRefused451: s.smtp.refused,
        messagesRetried: retried,
        upToAllOffersMailedMs: allOffersMailedAt - upAt,
        upToAllHiredMs: allHiredAt - upAt,
        settleMs,
        outcome: o,
        api: { byRoute: stats.byRoute, calls: stats.calls, byStatus: stats.byStatus, unexpected: stats.unexpected },
      }),
    );

    // The fault really hit: nothing got through while down, and retries happened.
    expect(duringOutage.mailsReceived).toBe(0);
    expect(duringOutage.webhookRequestsRefused).toBeGreaterThan(0);
    expect(s.smtp.refused).toBe(3);
    expect(retried!.n).toBeGreaterThan(0);

    expectEverythingExactlyOnce(suite, journeys, o);
  }, 240_000);
});
