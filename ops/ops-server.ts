/**
 * A small HTTP listener for operations (METRICS_BIND): /metrics, and on the worker
 * /healthz and /readyz. Separate from the public API port, so Prometheus and the
 * orchestrator's probes reach it on a private address and the internet never does.
 * Plain node:http: it must answer while the process is busy and costs next to nothing.
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';

export interface OpsResponse {
  status: number;
  contentType: string;
  body: string;
}

export type OpsHandler = () => Promise<OpsResponse>;

export interface OpsServer {
  /** host:port actually bound (the port is chosen when the setting says 0). */
  address: string;
  close(): Promise<void>;
}

/** Splits `host:port` as the config's METRICS_BIND regex accepts it. */
export function splitBind(bind: string): { host: string; port: number } {
  const i = bind.lastIndexOf(':');
  return { host: bind.slice(0, i), port: Number(bind.slice(i + 1)) };
}

export const json = (status: number, body: unknown): OpsResponse => ({
  status,
  contentType: 'application/json; charset=utf-8',
  body: JSON.stringify(body),
});

export async function startOpsServer(bind: string, routes: Record<string, OpsHandler>): Promise<OpsServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const handler = req.method === 'GET' ? routes[path] : undefined;
    const answer: Promise<OpsResponse> = handler
      ? handler()
      : Promise.resolve(json(404, { error: { code: 'not_found', message: `no route ${req.method} ${path}`, details: [] } }));
    answer
      .catch((e: unknown) => json(500, { error: { code: 'internal', message: e instanceof Error ? e.message.split('\n')[0] : 'failed', details: [] } }))
      .then((r) => {
        res.writeHead(r.status, { 'content-type': r.contentType, 'cache-control': 'no-store' });
        res.end(r.body);
      })
      .catch(() => res.destroy());
  });
  // Probes and scrapes are short: do not let an idle keep-alive hold the process at exit.
  server.keepAliveTimeout = 5_000;
  const { host, port } = splitBind(bind);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    address: `${host}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A TCP port free on `host` now (for a listener that cannot report the port it chose). */
export async function freeLoopbackPort(host = '127.0.0.1'): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** `p`, or a rejection after `ms`: a probe answers promptly even when what it checks hangs. */
export async function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, rej) => {
        timer = setTimeout(() => rej(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** One readiness check: ok, or the first line of what went wrong. */
export async function check(ms: number, fn: () => Promise<unknown>): Promise<{ ok: boolean; error?: string }> {
  try {
    await within(ms, fn());
    return { ok: true };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message.split('\n')[0]!.slice(0, 200) : 'unreachable' };
  }
}
