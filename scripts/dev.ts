/**
 * `npm start`: the whole product on one machine. A Temporal dev server (unless
 * TEMPORAL_ADDRESS is set), the embedded database (unless DATABASE_URL is set),
 * migrations, the demo organisation, the worker and the API, all stopped cleanly by
 * Ctrl-C. Data lives under DATA_DIR (.data/) and survives restarts.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { buildServer, closeOnSignals, connectTemporal, startRetentionSchedule } from '../api/server';
import { mintEmailLink } from '../api/email-link';
import { migrate, openDb } from '../db/client';
import { activeUserByEmail } from '../db/queries/sign-in';
import { seedDemo, type DemoPerson } from '../db/seed';
import { loadConfigOrExit, parsePayloadKeys, type Config } from '../temporal.config';
import { newPayloadKeyEntry } from '../privacy/keys';
import { createWorker } from '../worker';
import { temporalConnectionOptions } from '../ops/temporal-connection';
import { startDevServer, type DevServer } from './temporal-cli';
import { seedDemoCandidates } from './demo/candidates';

function secretFile(dataDir: string, name: string, make: () => string): string {
  const file = path.join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const value = make();
  writeFileSync(file, value, { mode: 0o600 });
  return value;
}

async function main() {
  const base = loadConfigOrExit();
  mkdirSync(base.DATA_DIR, { recursive: true });
  // We stop the worker ourselves, in order, on Ctrl-C (the runtime would otherwise race us).
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });

  // Candidate links must stay valid across restarts: keep the generated secret with the data.
  const config: Config = {
    ...base,
    linkSigningSecret: base.linkSigningSecret ?? secretFile(base.DATA_DIR, 'link-signing-secret', () => randomBytes(32).toString('hex')),
    // Likewise the key that encrypts Temporal payloads: without it the histories are unreadable.
    // The dev server's UI decodes payloads through the API's codec server, signed in by the
    // console's session cookie (same site: both on 127.0.0.1), which CORS lets it send.
    CODEC_CORS_ORIGIN: base.CODEC_CORS_ORIGIN ?? `http://127.0.0.1:${base.TEMPORAL_UI_PORT}`,
    payloadKeys: base.payloadKeys ?? parsePayloadKeys(secretFile(base.DATA_DIR, 'payload-keys', () => newPayloadKeyEntry())).keys,
  };

  let temporalServer: DevServer | undefined;
  if (!process.env.TEMPORAL_ADDRESS) {
    const port = Number(config.TEMPORAL_ADDRESS.split(':')[1]);
    console.log('starting the Temporal dev server ...');
    temporalServer = await startDevServer({
      port,
      uiPort: config.TEMPORAL_UI_PORT,
      dbFile: path.resolve(config.DATA_DIR, 'temporal/temporal.db'),
      namespace: config.TEMPORAL_NAMESPACE,
      uiCodecEndpoint: `${config.publicUrl}/codec`,
    });
  }

  console.log(config.DATABASE_URL ? 'connecting to PostgreSQL ...' : 'opening the embedded database (PGlite) ...');
  const db = await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: config.DATABASE_POOL_SIZE });
  await migrate(db);
  // A company's own PostgreSQL never gets demo people (whose tokens are printed) unless asked.
  const seed = !config.DATABASE_URL || config.SEED_DEMO ? await seedDemo(db.db) : null;
  const tokensFile = path.join(config.DATA_DIR, 'demo-tokens.json');
  if (seed?.created) writeFileSync(tokensFile, JSON.stringify(seed.people, null, 2), { mode: 0o600 });
  const people: DemoPerson[] = seed && existsSync(tokensFile) ? (JSON.parse(readFileSync(tokensFile, 'utf8')) as DemoPerson[]) : [];
  chmodSync(config.DATA_DIR, 0o700);

  const nativeConnection = await NativeConnection.connect(temporalConnectionOptions(config));
  const worker = await createWorker({ config, db, connection: nativeConnection });
  const workerRun = worker.run();

  const { client, connection } = await connectTemporal(config, db);
  const app = await buildServer({ config, db, temporal: client });
  await startRetentionSchedule(client, config);
  await app.listen({ host: config.HOST, port: config.PORT });
  const tokenOf = (role: string) => people.find((p) => p.role === role)?.token;
  const [hrToken, managerToken, integratorToken] = [tokenOf('hr'), tokenOf('hiring manager'), tokenOf('integrator')];
  if (seed?.created && hrToken && managerToken && integratorToken) {
    // In the background: the console is usable at once and fills up within a minute.
    seedDemoCandidates(
      async (method, url, token, body) => {
        const r = await app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body !== undefined ? { payload: body as object } : {}) });
        return { status: r.statusCode, body: r.body ? (JSON.parse(r.body) as unknown) : null };
      },
      { hr: hrToken, manager: managerToken, integrator: integratorToken },
      seed.jobId,
    ).then(
      (done) => console.log(`  demo: ${done.length} candidates placed across the stages (see the console)`),
      (e: unknown) => console.error('  demo candidates could not be placed:', e),
    );
  }

  const api = config.publicUrl;
  // The demo has no SMTP transport: a fresh single-use link per person is how they get in.
  const linkFor = async (email: string): Promise<string | undefined> => {
    const user = await activeUserByEmail(db.db, email.trim());
    return user ? mintEmailLink(db.db, api, user.id, new Date()) : undefined;
  };
  const links = new Map<string, string>();
  for (const p of people) {
    const link = await linkFor(p.email);
    if (link) links.set(p.email, link);
  }
  const hr = people.find((p) => p.role === 'hr');
  const integrator = people.find((p) => p.role === 'integrator');
  const demoText = seed
    ? `  Demo organisation ${seed.created ? '(created now)' : '(from an earlier start)'}, job ${seed.jobId}:
${people.map((p) => `    ${p.role.padEnd(16)} ${p.name.padEnd(32)} ${p.token}`).join('\n')}

  Sign in as a demo user in the browser (each link works once, for 15 minutes; the console is at ${api}/app/):
${people.map((p) => `    ${p.role.padEnd(16)} ${links.get(p.email) ?? '(no link: see below)'}`).join('\n')}
  Another link: type a user's e-mail here and press Enter (e.g. ${people[0]?.email ?? 'admin@demo.example.com'})${
    config.DATABASE_URL ? ', or run npm run sign-in-link -- <e-mail>' : ''
  }

  Try it:
    sed 's/<JOB_ID>/${seed.jobId}/' scripts/demo/application.json | \\
      curl -s -X POST ${api}/v1/applications -H 'content-type: application/json' \\
      -H 'authorization: Bearer ${integrator?.token ?? '<integrator token>'}' --data-binary @-
    curl -s ${api}/v1/jobs/${seed.jobId}/ranking -H 'authorization: Bearer ${hr?.token ?? '<hr token>'}'`
    : '  No demo organisation: DATABASE_URL is set (SEED_DEMO=true seeds one).';
  console.log(`
  Hiring workflow engine is running.

  Console       ${api}/app/
  API           ${api}
  API docs      ${api}/docs   (OpenAPI: ${api}/openapi.json)
  Temporal UI   ${temporalServer ? `http://127.0.0.1:${config.TEMPORAL_UI_PORT}` : `(your cluster at ${config.TEMPORAL_ADDRESS})`}${
    temporalServer
      ? `
                payloads are encrypted; to read them, sign in to the console as HR or admin, then in
                the UI's Codec Server settings: endpoint ${api}/codec, "Include cross-origin
                credentials" on, "Use my browser setting" (docs/personal-data.md)`
      : ''
  }
  Data          ${path.resolve(config.DATA_DIR)}${config.DATABASE_URL ? ' (Temporal only; database: DATABASE_URL)' : ''}

${demoText}
  Ctrl-C stops everything.
`);

  if (process.stdin.isTTY) {
    const input = createInterface({ input: process.stdin });
    input.on('line', (line) => {
      if (!line.trim()) return;
      linkFor(line).then(
        (link) => console.log(link ? `  ${line.trim()}: ${link}` : `  no active user with the e-mail ${line.trim()} (or 5 links in the last 15 minutes)`),
        (e: unknown) => console.error(e),
      );
    });
  }

  closeOnSignals(async () => {
    await app.close();
    worker.shutdown();
    await workerRun;
    await connection.close();
    await nativeConnection.close();
    await db.close();
    await temporalServer?.stop();
  });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
