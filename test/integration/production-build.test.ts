/**
 * The production build (`npm run build`, scripts/build.ts): built once into a directory of
 * its own, then the compiled API and worker run as plain `node` processes (what
 * `npm run api:prod` / `npm run worker:prod` start; Node 20 cannot load a .ts file, so any
 * TypeScript left on their path would stop them) and a candidate goes all the way to
 * `hired` through them. On the way the files the build leaves outside the bundles are
 * found from the compiled code: the migrations (the API migrates at start), the workflow
 * bundle built next to the worker, the failure converter, the offer-letter fonts (the
 * offer PDF) and the calendar data.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { buildProduction } from '../../scripts/build';
import { prodLaunch } from '../../scripts/prod-launch';
import { createActorOrg, Journey, newStats, resilient, type ActorOrg } from '../helpers/actors';
import { startApiProcess, type ApiProcess } from '../helpers/api-process';
import { Mailbox, spawnWorker, type ApiFn, type WorkerChild } from '../helpers/chaos';
import { createTestDb, type TestDb } from '../helpers/db';
import { httpApi } from '../helpers/http-api';
import { startSmtpServer, type TTestSmtpServer } from '../helpers/smtp';
import { eventually } from '../helpers/wait';
import { newPayloadKeyEntry } from '../../privacy/keys';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// Inside the checkout: the compiled files import their packages from its node_modules.
const OUT = path.join(ROOT, '.data/build', `prod-test-${randomUUID().slice(0, 8)}`);
const adminToken = `admin_${randomBytes(24).toString('hex')}`;
const workerLaunch = prodLaunch('worker:prod');
const apiLaunch = prodLaunch('api:prod');

let db: TestDb;
let smtp: TTestSmtpServer;
let worker: WorkerChild;
let apiProc: ApiProcess;
let api: ApiFn;
let org: ActorOrg;
const stats = newStats();

beforeAll(async () => {
  const built = await buildProduction(OUT);
  for (const f of built.files) expect(existsSync(path.join(OUT, f)), f).toBe(true);
  db = await createTestDb();
  smtp = await startSmtpServer();
  const env = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: db.url,
    DATABASE_POOL_SIZE: '4',
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: `prod-build-${randomUUID()}`,
    SMTP_URL: smtp.url,
    LINK_SIGNING_SECRET: randomBytes(32).toString('hex'),
    PAYLOAD_KEYS: newPayloadKeyEntry('prod'),
    // No TypeScript loader may come in through the environment either.
    NODE_OPTIONS: '',
  };
  // The worker collects its heap after 2 s idle instead of 10, so the last test waits less.
  const workerEnv = { ...workerLaunch.env, ...env, WORKER_IDLE_GC_S: '2' };
  // Both processes from the build, nothing else: no tsx, no WORKFLOW_BUNDLE_PATH; each with
  // the settings and node options its npm script starts it with.
  [worker, apiProc] = await Promise.all([
    spawnWorker(workerEnv, 120_000, [process.execPath, ...workerLaunch.nodeArgs, path.join(OUT, 'worker.js')]),
    startApiProcess({ ...apiLaunch.env, ...env, ADMIN_TOKEN: adminToken, TRUST_PROXY: '127.0.0.1' }, 60_000, [...apiLaunch.nodeArgs, path.join(OUT, 'api.js')]),
  ]);
  // A 503 (a Temporal call past its deadline on a loaded machine) is answered to be retried.
  api = resilient(httpApi(apiProc.url, adminToken), stats);
  org = await createActorOrg(api);
}, 240_000);

afterAll(async () => {
  await apiProc?.stop();
  await worker?.stop();
  await smtp?.close();
  await db?.drop();
  rmSync(OUT, { recursive: true, force: true });
});

describe('production build', () => {
  it('npm run api:prod / worker:prod run the compiled files with plain node', () => {
    const scripts = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['api:prod']).toMatch(/\bnode (\S+ )*dist\/api\.js$/);
    expect(scripts['worker:prod']).toMatch(/\bnode (\S+ )*dist\/worker\.js$/);
    // The worker started here runs with the script's memory settings (bench line 6 measures it so).
    const environ = readFileSync(`/proc/${worker.pid}/environ`, 'utf8').split('\0');
    for (const [k, v] of Object.entries(workerLaunch.env)) expect(environ).toContain(`${k}=${v}`);
    const argv = readFileSync(`/proc/${worker.pid}/cmdline`, 'utf8').split('\0');
    for (const a of workerLaunch.nodeArgs) expect(argv).toContain(a);
    // So does the API (its --single-threaded-gc, docs/deploy.md).
    const apiArgv = readFileSync(`/proc/${apiProc.pid}/cmdline`, 'utf8').split('\0');
    expect(apiLaunch.nodeArgs).toContain('--single-threaded-gc');
    for (const a of apiLaunch.nodeArgs) expect(apiArgv).toContain(a);
    expect(scripts.build).toContain('scripts/build.ts');
    // The compiled code holds no TypeScript import left for a loader to resolve.
    for (const f of ['api.js', 'worker.js']) expect(readFileSync(path.join(OUT, f), 'utf8')).not.toMatch(/from\s+["'][^"']*\.ts["']/);
  });

  it('a journey to hired through the compiled API and worker: one employee, the offer letter rendered, every e-mail sent', async () => {
    const journey = await new Journey(1, api, org, new Mailbox(smtp), randomUUID().slice(0, 6), { waitTimeoutMs: 90_000 }).run();
    expect(journey.error, `${journey.error}\n${worker.output().slice(-3000)}\n${apiProc.output().slice(-3000)}`).toBeUndefined();
    expect(journey.step).toBe('hired');
    const [row] = await db.handle.rows<{ stage: string; employees: number; letters: number }>(sql`
      select a.stage,
        (select count(*)::int from employees e where e.application_id = a.id) as employees,
        (select count(*)::int from offer_documents d where d.application_id = a.id and d.kind = 'letter' and length(d.content) > 1000) as letters
      from applications a where a.id = ${journey.id}`);
    expect(row).toEqual({ stage: 'hired', employees: 1, letters: expect.any(Number) });
    expect(row!.letters).toBeGreaterThan(0);
    // The last notices go out just after the stage turns to hired.
    const mail = await eventually(async () => {
      const [m] = await db.handle.rows<{ unsent: number; sent: number }>(
        sql`select count(*) filter (where status not in ('sent', 'opened'))::int as unsent, count(*)::int as sent from messages where application_id = ${journey.id} and channel = 'email'`,
      );
      return m!.unsent === 0 ? m : null;
    }, 30_000);
    expect(smtp.received.length).toBeGreaterThanOrEqual(mail.sent);
    expect(stats.unexpected).toEqual([]);
    expect(stats.thrown).toEqual([]);
    // Neither process logged an error on the way.
    expect(`${worker.output()}${apiProc.output()}`).not.toMatch(/"level":\s*("error"|50)/);
  }, 180_000);

  it('the compiled worker, idle after the journey, hands its heaps back (worker:prod passes --expose-gc)', async () => {
    // The main thread's collector (ops/idle-gc.ts) and the SDK workflow thread's (our patch).
    // One journey leaves the main thread garbage to give back. The workflow thread's heap here
    // is mostly the bundle's code and its workflow still runs (onboarding), so there the
    // collection only has to have run; the bench measures what it gives back with 1,000 open
    // workflows (bench/RESULTS.md, "Idle collection").
    const last = (msg: string) =>
      eventually(async () => {
        const lines = worker.output().split('\n').filter((l) => l.includes(`"${msg}"`));
        return lines.length ? (JSON.parse(lines.at(-1)!) as { heapBeforeMiB: number; heapAfterMiB: number }) : null;
      }, 30_000);
    const main = await last('idle: heap collected');
    expect(main.heapAfterMiB).toBeLessThan(main.heapBeforeMiB);
    const thread = await last('idle: workflow thread heap collected');
    // exclusive: the thread holds the main thread's lock for its collection (the SDK patch hands it over).
    expect(thread).toEqual({ level: 'info', msg: 'idle: workflow thread heap collected', heapBeforeMiB: expect.any(Number), heapAfterMiB: expect.any(Number), ms: expect.any(Number), exclusive: true });
    expect(worker.output()).not.toContain('idle memory release is off');
  }, 90_000);
});
