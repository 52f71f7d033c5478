/**
 * What every fault test in test/chaos/ shares: a breakable stack with an organisation, a
 * webhook receiver registered for every event and a mailbox (set up once per file), the
 * journeys brought to the moment of the fault, and the verdict afterwards.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import {
  createActorOrg,
  Journey,
  newStats,
  registerWebhook,
  resilient,
  type ActorOrg,
  type ApiStats,
  type JourneyOptions,
} from './actors';
import { Mailbox, startChaosStack, type ApiFn, type ChaosStack, type ChaosStackOptions, type Copies, type Outcome } from './chaos';

export interface ChaosSuite {
  s: ChaosStack;
  org: ActorOrg;
  mail: Mailbox;
  stats: ApiStats;
  /** The actors' client: retries 503 / 429 / 5xx with the same Idempotency-Key, counts every answer. */
  api: ApiFn;
}

/** Starts the stack before the file's tests and stops it after; the fields are there once beforeAll ran. */
export function useChaosStack(opts: ChaosStackOptions): ChaosSuite {
  const suite = { stats: newStats() } as ChaosSuite;
  beforeAll(async () => {
    suite.s = await startChaosStack({ ...opts, webhookReceiver: true });
    suite.api = resilient(suite.s.api, suite.stats);
    suite.org = await createActorOrg(suite.api);
    await registerWebhook(suite.api, suite.org, suite.s.webhooks!.url, suite.s.webhooks!.secret);
    suite.mail = new Mailbox(suite.s.smtp);
  });
  afterAll(async () => {
    await suite.s?.stop();
  });
  return suite;
}

export interface JourneysAtTheFault {
  all: Journey[];
  /** Offer sent: they accept as the fault strikes (conversion to employee, notices, tasks follow). */
  onboarding: Journey[];
  /** Offer drafted: they get the final approval as the fault strikes (letter, offer e-mail follow). */
  offering: Journey[];
}

/** `n` journeys (even), half of them up to the offer sent, half up to the drafted offer. */
export async function journeysUpToTheFault(suite: ChaosSuite, n: number, label: string, opts: JourneyOptions = {}): Promise<JourneysAtTheFault> {
  const all = Array.from({ length: n }, (_, i) => new Journey(i, suite.api, suite.org, suite.mail, label, opts));
  const onboarding = all.slice(0, n / 2);
  const offering = all.slice(n / 2);
  await Promise.all(all.map((j) => j.steps('submit', 'evaluate', 'draftOffer')));
  await Promise.all(onboarding.map((j) => j.steps('approve', 'waitOfferSent')));
  return { all, onboarding, offering };
}

/** The actions the fault should catch in flight: the final approvals and the acceptances. */
export const actionsAtTheFault = (j: JourneysAtTheFault) =>
  Promise.all([...j.offering.map((x) => x.steps('approve')), ...j.onboarding.map((x) => x.steps('accept'))]);

/** The rest of both halves' journeys, to hired. */
export const restOfTheJourneys = (j: JourneysAtTheFault) =>
  Promise.all([
    ...j.onboarding.map((x) => x.steps('waitOnboarding', 'onboard', 'waitHired')),
    ...j.offering.map((x) => x.steps('waitOfferSent', 'accept', 'waitOnboarding', 'onboard', 'waitHired')),
  ]);

/**
 * The verdict after any fault: every journey hired with one employee and a number of its
 * own, every e-mail and every webhook event delivered exactly once (none lost, none
 * unknown, every signature valid), nothing half-done, no contradiction, and the API never
 * answered with a 5xx other than 503 nor left a call without an answer. The one exception
 * a test may allow, `resentInTheWindow`, is the window exactly-once cannot close: a copy
 * the receiver accepted just as the worker died, before the worker could record it.
 */
export function expectEverythingExactlyOnce(
  suite: Pick<ChaosSuite, 'stats'> & { s: Pick<ChaosStack, 'apiErrors'> },
  journeys: Journey[],
  o: Outcome,
  opts: { resentInTheWindow?: (d: Copies) => boolean } = {},
): void {
  const n = journeys.length;
  const unexplained = <T extends Copies>(dups: T[]) => dups.filter((d) => !opts.resentInTheWindow?.(d));
  expect(journeys.map((j) => j.error ?? j.step)).toEqual(journeys.map(() => 'hired'));
  expect(o.stages).toEqual({ hired: n });
  expect(o.employees).toBe(n);
  expect(o.applicationsWithSeveralEmployees).toBe(0);
  expect(o.distinctEmployeeNumbers).toBe(n);
  expect(unexplained(o.mail.duplicates)).toEqual([]);
  expect(o.lost).toEqual([]);
  expect(o.unknown).toEqual([]);
  // Sent, or sent and opened (a test may load a pixel).
  const { opened = 0, ...notOpened } = o.emailStatuses;
  expect(notOpened).toEqual({ sent: o.emailRows - opened });
  expect(o.mail.distinct).toBe(o.emailRows);
  expect(unexplained(o.webhooks!.duplicates)).toEqual([]);
  expect(o.webhooks!.missing).toEqual([]);
  expect(o.webhooks!.deliveries).toEqual({ delivered: o.webhooks!.events });
  expect(o.webhooks!.badSignatures).toBe(0);
  expect(o.contradictions).toEqual([]);
  expect(o.pendingIdempotencyKeys).toEqual([]);
  if (suite.stats.unexpected.length) console.log(`API errors:\n${suite.s.apiErrors.join('')}`);
  expect(suite.stats.unexpected).toEqual([]);
  expect(suite.stats.thrown).toEqual([]);
  expect(suite.stats.stuckKeys).toEqual([]);
}
