/**
 * A local webhook receiver for tests: verifies each delivery's X-Signature with the
 * shared secret over the raw body bytes, records every request in arrival order, and can
 * be told to fail: answer an error status for the next N requests, or be "down" (answer
 * 503, or drop the connection) until told otherwise.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { verifyWebhookSignature } from '../../activities/webhooks';

export interface TReceivedWebhook {
  /** Arrival order, from 1. */
  n: number;
  /** Date.now() when the request's body had arrived. */
  receivedAt: number;
  rawBody: string;
  /** The parsed body, or undefined when it was not JSON. */
  json: any;
  eventId: string | undefined;
  eventType: string | undefined;
  signature: string | undefined;
  headers: IncomingHttpHeaders;
  verified: boolean;
  /** The status answered; null when the connection was dropped. */
  status: number | null;
}

export interface TTestWebhookReceiver {
  url: string;
  secret: string;
  /** Every request, in arrival order, whatever was answered. */
  requests: TReceivedWebhook[];
  /** Requests answered 2xx (what the receiver accepted). */
  readonly accepted: TReceivedWebhook[];
  /** Requests whose signature verified / did not. */
  readonly verified: TReceivedWebhook[];
  readonly invalid: TReceivedWebhook[];
  /** Event ids accepted, in order. */
  acceptedEventIds(): string[];
  /** Answer `status` (default 500) to the next `n` requests. */
  failNext(n: number, status?: number): void;
  /** Refuse everything until up(): answer 503, or drop the connection without answering. */
  down(mode?: 'status' | 'close'): void;
  up(): void;
  /** Hold each answer this long (to make two attempts overlap). */
  delayMs: number;
  /** Resolves once `count` requests have been accepted. */
  waitForAccepted(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(opts: { secret: string; toleranceSeconds?: number }): Promise<TTestWebhookReceiver> {
  const requests: TReceivedWebhook[] = [];
  let failRemaining = 0;
  let failStatus = 500;
  let downMode: 'status' | 'close' | null = null;
  const sockets = new Set<Socket>();

  const receiver = {
    secret: opts.secret,
    requests,
    delayMs: 0,
    get accepted() {
      return requests.filter((r) => r.status !== null && r.status >= 200 && r.status < 300);
    },
    get verified() {
      return requests.filter((r) => r.verified);
    },
    get invalid() {
      return requests.filter((r) => !r.verified);
    },
    acceptedEventIds() {
      return this.accepted.map((r) => r.eventId ?? '');
    },
    failNext(n: number, status = 500) {
      failRemaining = n;
      failStatus = status;
    },
    down(mode: 'status' | 'close' = 'status') {
      downMode = mode;
    },
    up() {
      downMode = null;
    },
    async waitForAccepted(count: number, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (this.accepted.length < count) {
        if (Date.now() > deadline) throw new Error(`receiver accepted ${this.accepted.length} of ${count} within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const header = (name: string) => {
        const v = req.headers[name];
        return Array.isArray(v) ? v[0] : v;
      };
      let json: any;
      try {
        json = JSON.parse(raw.toString('utf8'));
      } catch {
        json = undefined;
      }
      const record: TReceivedWebhook = {
        n: requests.length + 1,
        receivedAt: Date.now(),
        rawBody: raw.toString('utf8'),
        json,
        eventId: header('x-event-id'),
        eventType: header('x-event-type'),
        signature: header('x-signature'),
        headers: req.headers,
        verified: verifyWebhookSignature(opts.secret, header('x-signature'), raw, opts.toleranceSeconds ?? 300),
        status: null,
      };
      requests.push(record);

      const answer = () => {
        if (downMode === 'close') {
          req.socket.destroy();
          return;
        }
        let status = 200;
        if (downMode === 'status') status = 503;
        else if (failRemaining > 0) {
          failRemaining -= 1;
          status = failStatus;
        } else if (!record.verified) status = 401;
        record.status = status;
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: status < 300 }));
      };
      if (receiver.delayMs > 0) setTimeout(answer, receiver.delayMs);
      else answer();
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hooks`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const s of sockets) s.destroy();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  });
}
