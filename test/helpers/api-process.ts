/**
 * The API as its own process (`api/server.ts`, exactly as `npm run api` starts it, or the
 * compiled `dist/api.js` as `npm run api:prod` does), with
 * everything it writes to stdout and stderr captured: for tests that read the real logs
 * with the real logger configuration.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../scripts/temporal-cli';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ApiProcess {
  url: string;
  /** Everything the process has written so far. */
  output(): string;
  readonly pid: number;
  /** SIGKILL: the process dies with whatever it was doing. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** `npm run api`; the compiled API (`npm run api:prod`) is `['dist/api.js']`. */
export const TSX_API_ARGS: readonly string[] = ['--import', 'tsx', 'api/server.ts'];

export async function startApiProcess(env: Record<string, string>, timeoutMs = 30_000, nodeArgs: readonly string[] = TSX_API_ARGS): Promise<ApiProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, nodeArgs, {
    cwd: ROOT,
    env: { ...process.env, ...env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exited = code;
      resolve();
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited !== undefined) throw new Error(`the API process exited (${exited}) during start-up:\n${out}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the API process did not answer within ${timeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    output: () => out,
    pid: child.pid!,
    async kill() {
      if (exited !== undefined) return;
      child.kill('SIGKILL');
      await exit;
    },
    async stop() {
      if (exited !== undefined) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.kill('SIGTERM');
      await exit;
      clearTimeout(timer);
    },
  };
}
