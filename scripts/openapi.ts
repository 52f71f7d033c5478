/**
 * The OpenAPI document, generated from the app without a server: the Fastify app is built
 * (with database and Temporal connections that are never opened) and asked for
 * `/openapi.json` through inject. The one place that dumps the document; the typed client
 * (clients/typescript) and the console's types (scripts/console-api-types.ts) come from it.
 *
 *   tsx scripts/openapi.ts [out.json]   (default: clients/typescript/openapi.json; `-` for stdout)
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { buildServer } from '../api/server';
import { openDb } from '../db/client';
import { loadConfig } from '../temporal.config';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_OPENAPI_OUT = path.join(ROOT, 'clients/typescript/openapi.json');

export async function openApiDocument(): Promise<Record<string, unknown>> {
  // Nothing here queries: postgres.js and the Temporal client connect lazily, so an address
  // where nothing listens is enough (and costs none of PGlite's start-up).
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: 'postgres://openapi@127.0.0.1:9/none',
    OPEN_SIGNAL_RETRY_MS: '0',
    LINK_SIGNING_SECRET: 'x'.repeat(64),
  });
  const db = await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  const connection = Connection.lazy({ address: config.TEMPORAL_ADDRESS });
  const app = await buildServer({ config, db, temporal: new Client({ connection }), logger: false });
  try {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    if (res.statusCode !== 200) throw new Error(`GET /openapi.json answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
    return JSON.parse(res.body) as Record<string, unknown>;
  } finally {
    await app.close();
    await connection.close();
    await db.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ?? DEFAULT_OPENAPI_OUT;
  const text = `${JSON.stringify(await openApiDocument(), null, 2)}\n`;
  if (out === '-') process.stdout.write(text);
  else {
    writeFileSync(out, text);
    console.error(`wrote ${path.relative(process.cwd(), out)}`);
  }
}
