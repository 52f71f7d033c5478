/**
 * The thinnest HTTP front a workflow start can have, for the starts phase's BENCH_BARE_FRONT
 * side: Fastify on its own port, one route that takes the workflow input the raw client
 * would start with (rows written beforehand, as for the raw side) and starts it with the
 * API's own Temporal client (`connectTemporal`: the same connection settings and payload
 * codec, so the data key is made as the raw client's codec makes it). No authentication, no
 * validation, no row, no audit, no log line.
 *
 * It answers what an HTTP hop and a second Node process cost on this machine by themselves,
 * apart from what the API does per start: raw → bare front is the hop, bare front → API is
 * the API's own work. Never a product route: it exists only in the benchmark.
 */
import Fastify from 'fastify';
import { connectTemporal } from '../../api/server';
import { migrate, openDb } from '../../db/client';
import { loadConfigOrExit } from '../../temporal.config';
import { applicationStartOptions } from '../../api/submissions';
import { applicationWorkflow } from '../../workflows/application';
import type { TApplicationWorkflowInput } from '../../workflows/messages';
import { exitOnSignals, serveParent, tellParentReady } from './ipc';

const config = loadConfigOrExit({ requireDatabaseUrl: 'the bare front' });
const db = await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: config.DATABASE_POOL_SIZE });
await migrate(db);
const { client, connection } = await connectTemporal(config, db);
const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
app.post<{ Body: TApplicationWorkflowInput }>('/start', async (req, reply) => {
  await client.workflow.start(applicationWorkflow, applicationStartOptions(req.body, config.TEMPORAL_TASK_QUEUE));
  return reply.code(202).send({ id: req.body.applicationId });
});
serveParent({});
const address = await app.listen({ host: config.HOST, port: config.PORT });
exitOnSignals(app, connection, db);
tellParentReady({ pid: process.pid, address });
