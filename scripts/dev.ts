/**
 * `npm start`: the whole product on one machine. A Temporal dev server (unless
 * TEMPORAL_ADDRESS is set), the embedded database (unless DATABASE_URL is set),
 * migrations, the demo organisation, the worker and the API, all stopped cleanly by
 * Ctrl-C. Data lives under DATA_DIR (.data/) and survives restarts.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { buildServer, closeOnSignals, connectTemporal } from '../api/server';
import { migrate, openDb } from '../db/client';
import { seedDemo, type DemoPerson } from '../db/seed';
import { loadConfigOrExit, type Config } from '../temporal.config';
import { createWorker } from '../worker';
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
    });
  }

  console.log(config.DATABASE_URL ? 'connecting to PostgreSQL ...' : 'opening the embedded database (PGlite) ...');
  const db = await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: config.DATABASE_POOL_SIZE });
  await migrate(db);
  const seed = await seedDemo(db.db);
  const tokensFile = path.join(config.DATA_DIR, 'demo-tokens.json');
  if (seed.created) writeFileSync(tokensFile, JSON.stringify(seed.people, null, 2), { mode: 0o600 });
  const people: DemoPerson[] = existsSync(tokensFile) ? (JSON.parse(readFileSync(tokensFile, 'utf8')) as DemoPerson[]) : [];
  chmodSync(config.DATA_DIR, 0o700);

  const nativeConnection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await createWorker({ config, db, connection: nativeConnection });
  const workerRun = worker.run();

  const { client, connection } = await connectTemporal(config);
  const app = await buildServer({ config, db, temporal: client });
  await app.listen({ host: config.HOST, port: config.PORT });
  const tokenOf = (role: string) => people.find((p) => p.role === role)?.token;
  const [hrToken, managerToken, integratorToken] = [tokenOf('hr'), tokenOf('hiring manager'), tokenOf('integrator')];
  if (seed.created && hrToken && managerToken && integratorToken) {
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
  const hr = people.find((p) => p.role === 'hr');
  const integrator = people.find((p) => p.role === 'integrator');
  console.log(`
  Hiring workflow engine is running.

  Console       ${api}/app/
  API           ${api}
  API docs      ${api}/docs   (OpenAPI: ${api}/openapi.json)
  Temporal UI   ${temporalServer ? `http://127.0.0.1:${config.TEMPORAL_UI_PORT}` : `(your cluster at ${config.TEMPORAL_ADDRESS})`}
  Data          ${path.resolve(config.DATA_DIR)}${config.DATABASE_URL ? ' (Temporal only; database: DATABASE_URL)' : ''}

  Demo organisation ${seed.created ? '(created now)' : '(from an earlier start)'}, job ${seed.jobId}:
${people.map((p) => `    ${p.role.padEnd(16)} ${p.name.padEnd(32)} ${p.token}`).join('\n')}

  Try it:
    sed 's/<JOB_ID>/${seed.jobId}/' scripts/demo/application.json | \\
      curl -s -X POST ${api}/v1/applications -H 'content-type: application/json' \\
      -H 'authorization: Bearer ${integrator?.token ?? '<integrator token>'}' --data-binary @-
    curl -s ${api}/v1/jobs/${seed.jobId}/ranking -H 'authorization: Bearer ${hr?.token ?? '<hr token>'}'

  Ctrl-C stops everything.
`);

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
