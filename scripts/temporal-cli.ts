/**
 * Finds the Temporal CLI and runs its dev server. Order: TEMPORAL_CLI_PATH, the pinned
 * copy that scripts/install-temporal.sh puts in .tools/venv, then `temporal` on PATH.
 * Nothing is downloaded here.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const PINNED_CLI = path.join(ROOT, '.tools/venv/bin/temporal');
export const PINNED_TEST_SERVER = path.join(ROOT, '.tools/venv/bin/temporal-test-server');

export const SEARCH_ATTRIBUTES = ['Stage=Keyword', 'JobId=Keyword', 'DepartmentId=Keyword'];

export function resolveTemporalCli(explicit = process.env.TEMPORAL_CLI_PATH): string {
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`TEMPORAL_CLI_PATH: ${explicit} does not exist`);
    return explicit;
  }
  if (existsSync(PINNED_CLI)) return PINNED_CLI;
  const which = spawnSync('sh', ['-c', 'command -v temporal'], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) return which.stdout.trim();
  throw new Error('Temporal CLI not found: run `bash scripts/install-temporal.sh`, put `temporal` on PATH, or set TEMPORAL_CLI_PATH');
}

export function resolveTestServer(): string {
  if (existsSync(PINNED_TEST_SERVER)) return PINNED_TEST_SERVER;
  throw new Error('temporal-test-server not found: run `bash scripts/install-temporal.sh`');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface DevServerOptions {
  port: number;
  /** Web UI port; omit for a headless server. */
  uiPort?: number;
  /** SQLite file for persistence; omit for an in-memory server. */
  dbFile?: string;
  namespace?: string;
  cliPath?: string;
  /** The codec server the Web UI sends payloads to (our API's /codec). */
  uiCodecEndpoint?: string;
  /** Forward the server's output (pretty logs at warn level). */
  inheritOutput?: boolean;
  /** Workflow Updates enabled (default true; false only to test the setup check). */
  updates?: boolean;
}

export interface DevServer {
  address: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

async function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const cli = opts.cliPath ?? resolveTemporalCli();
  if (await portInUse(opts.port)) {
    throw new Error(
      `port ${opts.port} is already in use (another Temporal server?); stop it, or set TEMPORAL_ADDRESS to use it instead`,
    );
  }
  if (opts.dbFile) mkdirSync(path.dirname(opts.dbFile), { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.port),
    '--namespace',
    opts.namespace ?? 'default',
    '--log-format',
    'pretty',
    '--log-level',
    'warn',
    '--dynamic-config-value',
    `frontend.enableUpdateWorkflowExecution=${opts.updates ?? true}`,
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
    '--dynamic-config-value',
    'frontend.enableServerVersionCheck=false',
    '--sqlite-pragma',
    'journal_mode=WAL',
    '--sqlite-pragma',
    'synchronous=NORMAL',
    ...SEARCH_ATTRIBUTES.flatMap((a) => ['--search-attribute', a]),
    ...(opts.dbFile ? ['--db-filename', opts.dbFile] : []),
    ...(opts.uiPort ? ['--ui-port', String(opts.uiPort), '--ui-disable-news-fetch'] : ['--headless']),
    ...(opts.uiPort && opts.uiCodecEndpoint ? ['--ui-codec-endpoint', opts.uiCodecEndpoint] : []),
  ];
  const child = spawn(cli, args, { stdio: opts.inheritOutput ? 'inherit' : ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const address = `127.0.0.1:${opts.port}`;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`temporal dev server exited during start-up:\n${stderr}`);
    try {
      const conn = await Connection.connect({ address, connectTimeout: '1s' });
      await conn.workflowService.getSystemInfo({});
      await conn.close();
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`temporal dev server did not answer on ${address} within 60 s:\n${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return {
    address,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
