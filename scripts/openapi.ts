/**
 * The OpenAPI document, generated from the app without a server: the Fastify app is built
 * (on a throw-away embedded database, with a Temporal connection that is never opened) and
 * asked for `/openapi.json` through inject. The one place that dumps the document; the
 * typed clients are generated from its output.
 *
 *   tsx scripts/openapi.ts [out.json]   (default: clients/typescript/openapi.json; `-` for stdout)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { buildServer } from '../api/server';
import { openDb } from '../db/client';
import { loadConfig } from '../temporal.config';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_OPENAPI_OUT = path.join(ROOT, 'clients/typescript/openapi.json');

export async function openApiDocument(): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hwe-openapi-'));
  const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent', DATA_DIR: dataDir, OPEN_SIGNAL_RETRY_MS: '0' });
  const db = await openDb({ dataDir });
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
    rmSync(dataDir, { recursive: true, force: true });
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
