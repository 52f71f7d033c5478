/**
 * Load: N journeys at once (default 500), from application to `hired`, against a stack of
 * its own (a Temporal dev server persisted to a temp dir, a fresh PostgreSQL database,
 * worker processes started from worker.ts, the API in this process, a local SMTP server
 * and webhook receiver). Simulated people drive every journey over HTTP: HR, the hiring
 * manager (evaluator, approver, mentor), the general manager, the candidate (reads the
 * offer and portal e-mails, accepts, uploads), IT and the LMS.
 *
 * It then reports how many finished, how many are stuck and where, what the mail server and
 * the webhook receiver got (duplicates, losses), and the consistency check.
 *
 *   npm run load                                   # 500 journeys
 *   LOAD_JOURNEYS=50 npm run load                  # fewer
 *
 * Settings: LOAD_JOURNEYS (500), LOAD_WORKERS (worker processes, 1), WORKER_MAX_CACHED_WORKFLOWS
 * (passed to the workers, else each worker's share of the journeys + 100), LOAD_TIMEOUT_MIN (how
 * long journeys may take, 30), LOAD_POLL_MS (status polling, 1000), LOAD_REPORT (a file for
 * the JSON report). Needs PostgreSQL on 127.0.0.1:5432 (TEST_PG_URL overrides), like the tests.
 * Exit code 0 when every journey is hired and the consistency check is empty.
 */
import { writeFileSync } from 'node:fs';
import { createActorOrg, Journey, newStats, registerWebhook, resilient, STEPS } from './harness/actors';
import { Mailbox, outcome, settle, startChaosStack, tallyHistories, type ChaosStack } from './harness/chaos';

const int = (name: string, dflt: number) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return dflt;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 1) {
    console.error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return v;
};

const N = int('LOAD_JOURNEYS', 500);
const WORKERS = int('LOAD_WORKERS', 1);
const TIMEOUT_MS = int('LOAD_TIMEOUT_MIN', 30) * 60_000;
const POLL_MS = int('LOAD_POLL_MS', 1000);

const percentile = (xs: number[], p: number) => {
  if (!xs.length) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const secs = (ms: number | null) => (ms === null ? null : Math.round(ms / 100) / 10);

async function main() {
  const t0 = Date.now();
  console.log(`load: ${N} journeys, ${WORKERS} worker process(es); starting the stack...`);
  let s: ChaosStack | undefined;
  const stop = async () => {
    await s?.stop();
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  try {
    // The worker's cache decides whether N active journeys replay on every step. A burst of
    // N at once is what this run is about, so each worker gets a cache above its share of the
    // burst, as the README advises for one (the default, 250, is sized for memory).
    const cache = process.env.WORKER_MAX_CACHED_WORKFLOWS || String(Math.ceil(N / WORKERS) + 100);
    console.log(`load: WORKER_MAX_CACHED_WORKFLOWS=${cache}${process.env.WORKER_MAX_CACHED_WORKFLOWS ? '' : ' (its share of the burst + 100)'}`);
    s = await startChaosStack({
      workers: WORKERS,
      webhookReceiver: true,
      apiPoolSize: 20,
      env: { WORKER_MAX_CACHED_WORKFLOWS: cache },
    });
    const stack = s;
    const stats = newStats();
    const api = resilient(stack.api, stats, { giveUpAfterMs: 300_000, callTimeoutMs: 60_000 });
    const org = await createActorOrg(api, 'load');
    await registerWebhook(api, org, stack.webhooks!.url, stack.webhooks!.secret);
    const mail = new Mailbox(stack.smtp);
    const startedAt = Date.now();
    console.log(`stack up in ${secs(startedAt - t0)} s (Temporal ${stack.temporalAddress}, data in ${stack.dir})`);

    const journeys = Array.from(
      { length: N },
      (_, i) => new Journey(i, api, org, mail, 'load', { pollMs: POLL_MS, waitTimeoutMs: TIMEOUT_MS, deadline: startedAt + TIMEOUT_MS }),
    );
    const where = () => {
      const counts: Record<string, number> = {};
      for (const j of journeys) {
        const k = j.done ? 'hired' : j.error ? `failed at ${j.step}` : j.step;
        counts[k] = (counts[k] ?? 0) + 1;
      }
      return counts;
    };
    const progress = setInterval(() => {
      console.log(`${secs(Date.now() - startedAt)} s: ${JSON.stringify(where())}`);
    }, 15_000);
    await Promise.all(journeys.map((j) => j.run()));
    clearInterval(progress);
    const journeysDoneAt = Date.now();
    console.log(`journeys over after ${secs(journeysDoneAt - startedAt)} s: ${JSON.stringify(where())}; waiting for workflows to close...`);

    let settled: number | string;
    try {
      settled = await settle(stack, journeys.flatMap((j) => (j.workflowId ? [j.workflowId] : [])), 300_000);
    } catch (e) {
      settled = e instanceof Error ? e.message : String(e);
    }
    const o = await outcome(stack);
    const h = await tallyHistories(stack.client, journeys.flatMap((j) => (j.workflowId ? [j.workflowId] : [])));
    const durations = journeys.filter((j) => j.done).map((j) => j.finishedAt - j.startedAt);
    const stuck = journeys.filter((j) => !j.done);
    const stuckWhere: Record<string, number> = {};
    const errors: Record<string, number> = {};
    for (const j of stuck) {
      const k = `${j.step} (stage ${j.lastStage ?? '?'})`;
      stuckWhere[k] = (stuckWhere[k] ?? 0) + 1;
      const e = (j.error ?? 'unknown').replace(/[0-9a-f-]{36}/g, '<id>').slice(0, 200);
      errors[e] = (errors[e] ?? 0) + 1;
    }
    const report = {
      journeys: N,
      workers: WORKERS,
      finished: journeys.filter((j) => j.done).length,
      stuck: stuck.length,
      stuckWhere,
      errors,
      stagesInDatabase: o.stages,
      stepOrder: STEPS,
      timing: {
        stackStartS: secs(startedAt - t0),
        allJourneysS: secs(journeysDoneAt - startedAt),
        journeyP50S: secs(percentile(durations, 50)),
        journeyP95S: secs(percentile(durations, 95)),
        journeyMaxS: secs(percentile(durations, 100)),
        settleMs: settled,
      },
      employees: {
        rows: o.employees,
        distinctNumbers: o.distinctEmployeeNumbers,
        applicationsWithSeveral: o.applicationsWithSeveralEmployees,
      },
      mail: {
        logged: o.emailRows,
        statuses: o.emailStatuses,
        received: o.mail.received,
        duplicates: o.mail.duplicates.length,
        lost: o.lost.length,
        unknown: o.unknown.length,
      },
      webhooks: o.webhooks && {
        events: o.webhooks.events,
        deliveries: o.webhooks.deliveries,
        accepted: o.webhooks.accepted,
        duplicates: o.webhooks.duplicates.length,
        missing: o.webhooks.missing.length,
      },
      consistency: { checkedApplications: o.checkedApplications, contradictions: o.contradictions },
      pendingIdempotencyKeys: o.pendingIdempotencyKeys.length,
      histories: h,
      api: {
        calls: stats.calls,
        retries: stats.retries,
        byStatus: stats.byStatus,
        byRoute: stats.byRoute,
        unexpected: stats.unexpected.slice(0, 20),
        thrown: stats.thrown.slice(0, 20),
        stuckKeys: stats.stuckKeys.slice(0, 20),
      },
      workersAlive: stack.workers.map((w) => w.alive),
    };
    const text = JSON.stringify(report, null, 2);
    console.log(text);
    if (process.env.LOAD_REPORT) writeFileSync(process.env.LOAD_REPORT, `${text}\n`);
    const ok = report.finished === N && o.contradictions.length === 0 && o.mail.duplicates.length === 0 && o.lost.length === 0;
    console.log(
      ok
        ? `OK: ${N} of ${N} hired, none stuck, consistency check empty, no duplicate or lost message.`
        : `NOT OK: ${report.finished} of ${N} hired, ${report.stuck} stuck, ${o.contradictions.length} contradiction(s), ${o.mail.duplicates.length} duplicate(s), ${o.lost.length} lost.`,
    );
    process.exitCode = ok ? 0 : 1;
  } finally {
    await stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
