/**
 * `npm run temporal:setup` against real dev servers: it registers the search attributes on
 * a fresh namespace (and leaves them on a second run), names a namespace that does not
 * exist and an attribute of the wrong type, and refuses a cluster with Updates disabled.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { Connection } from '@temporalio/client';
import protos from '@temporalio/proto';
import { msToTs } from '@temporalio/common/lib/time';
import { freePort, startDevServer } from '../../scripts/temporal-cli';
import { assertUpdatesEnabled, setupNamespace, TemporalSetupError } from '../../scripts/temporal-setup';
import { eventually } from '../helpers/wait';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let connection: Connection;

beforeAll(async () => {
  connection = await Connection.connect({ address: inject('temporalAddress') });
});
afterAll(async () => {
  await connection?.close();
});

async function freshNamespace(): Promise<string> {
  const namespace = `setup-${randomUUID().slice(0, 8)}`;
  await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
  await eventually(async () => connection.workflowService.describeNamespace({ namespace }).then(() => true, () => false), 20_000);
  return namespace;
}

function runSetup(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/temporal-setup.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, TEMPORAL_ADDRESS: inject('temporalAddress'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
}

const customAttributes = async (namespace: string) => (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
const KEYWORD = protos.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;

describe('npm run temporal:setup', () => {
  it('registers the search attributes on a given namespace, and leaves them on a second run', async () => {
    const namespace = await freshNamespace();
    expect(await customAttributes(namespace)).not.toHaveProperty('Stage');
    const first = await runSetup(['--namespace', namespace]);
    expect(first.code, first.out).toBe(0);
    expect(first.out).toMatch(new RegExp(`namespace ${namespace} .*added Stage, JobId, DepartmentId; Updates enabled`));
    const attrs = await eventually(async () => {
      const a = await customAttributes(namespace);
      return a.Stage !== undefined && a.JobId !== undefined && a.DepartmentId !== undefined ? a : null;
    });
    expect([attrs.Stage, attrs.JobId, attrs.DepartmentId]).toEqual([KEYWORD, KEYWORD, KEYWORD]);

    const second = await runSetup([], { TEMPORAL_NAMESPACE: namespace });
    expect(second.code, second.out).toBe(0);
    expect(second.out).toMatch(/none added, already there Stage, JobId, DepartmentId; Updates enabled/);
  }, 60_000);

  it('names a namespace that does not exist (exit 1)', async () => {
    const r = await runSetup(['--namespace', `missing-${randomUUID().slice(0, 8)}`]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/temporal:setup: namespace "missing-[0-9a-f]+" does not exist: create it first/);
  }, 30_000);

  it('names an attribute registered with another type, and adds nothing', async () => {
    const namespace = await freshNamespace();
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: { Stage: protos.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT },
    });
    await eventually(async () => (await customAttributes(namespace)).Stage !== undefined);
    await expect(setupNamespace(connection, namespace)).rejects.toThrow(/search attribute Stage exists on "setup-[0-9a-f]+" as INT, the workflow needs KEYWORD/);
    expect(await customAttributes(namespace)).not.toHaveProperty('JobId');
  }, 30_000);

  it('refuses a cluster whose Updates are disabled, saying how to enable them', async () => {
    const server = await startDevServer({ port: await freePort(), updates: false });
    const c = await Connection.connect({ address: server.address });
    try {
      const err = await assertUpdatesEnabled(c, 'default').then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(TemporalSetupError);
      expect((err as Error).message).toMatch(/workflow Updates are disabled on "default".*frontend\.enableUpdateWorkflowExecution=true/);
      // ...and the shared server, started with them on, passes.
      await assertUpdatesEnabled(connection, 'default');
    } finally {
      await c.close();
      await server.stop();
    }
  }, 90_000);
});
