/**
 * Once for the whole test run, at the same time: starts one real Temporal dev server (in
 * memory, headless), bundles the workflows with the production script
 * (scripts/build-workflows.ts) into a temp file, and migrates a template database. Files
 * reach them through `inject`: the server's address, the bundle every in-process worker and
 * spawned `tsx worker.ts` loads (test/helpers/stack.ts, chaos.ts) instead of running webpack
 * per file (~4 s of CPU each), and the template every test database is copied from
 * (test/helpers/db.ts). All three are removed at the end.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { freePort, startDevServer, type DevServer } from '../../scripts/temporal-cli';
import { createTemplateDb, type TemplateDb } from '../../scripts/harness/db';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let server: DevServer | undefined;
let template: TemplateDb | undefined;
let dir: string | undefined;

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    /** The run's workflow bundle (scripts/build-workflows.ts output), for WORKFLOW_BUNDLE_PATH. */
    workflowBundlePath: string;
    /** The run's migrated template database (scripts/harness/db.ts, createTemplateDb). */
    dbTemplate: string;
  }
}

/** `npm run build:workflows <out>`, in a child process: webpack's memory leaves with it. */
async function buildWorkflows(out: string): Promise<void> {
  const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['scripts/build-workflows.ts', out], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-10_000)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`bundling the workflows failed (exit code ${code}):\n${err}`);
}

export async function setup(project: TestProject) {
  dir = mkdtempSync(path.join(os.tmpdir(), 'hwe-test-run-'));
  const bundlePath = path.join(dir, 'workflows.js');
  const results = await Promise.allSettled([
    freePort().then(async (port) => (server = await startDevServer({ port }))),
    createTemplateDb().then((t) => (template = t)),
    buildWorkflows(bundlePath),
  ]);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) {
    // Whatever did start is stopped before the run gives up.
    await teardown();
    throw failed.reason;
  }
  project.provide('temporalAddress', server!.address);
  project.provide('workflowBundlePath', bundlePath);
  project.provide('dbTemplate', template!.name);
}

export async function teardown() {
  const [s, t, d] = [server, template, dir];
  [server, template, dir] = [undefined, undefined, undefined];
  await Promise.allSettled([s?.stop(), t?.drop()]);
  if (d) rmSync(d, { recursive: true, force: true });
}
