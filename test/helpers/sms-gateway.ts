/**
 * A local HTTP SMS gateway for tests: accepts `POST` JSON `{ to, text, reference }` with
 * `Authorization: Bearer <key>`, records it, and answers `{ id }`. `respond` can override
 * the answer per request to simulate gateway failures.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TReceivedSms {
  to: string;
  text: string;
  reference: string;
  headers: IncomingHttpHeaders;
  id: string;
}

export interface TGatewayReply {
  status: number;
  body?: unknown;
}

export interface TSmsGatewayOptions {
  key: string;
  /** Return a reply to refuse this request (n counts every authorised request from 1); undefined accepts it. */
  respond?: (
    request: { to: string; text: string; reference: string },
    n: number,
  ) => TGatewayReply | undefined;
}

export interface TTestSmsGateway {
  url: string;
  key: string;
  /** Accepted messages. */
  received: TReceivedSms[];
  /** Every request, accepted or not, with the status it got. */
  requests: Array<{ status: number; body: unknown; authorization: string | undefined }>;
  respond: TSmsGatewayOptions['respond'];
  close(): Promise<void>;
}

export async function startSmsGateway(opts: TSmsGatewayOptions): Promise<TTestSmsGateway> {
  let authorised = 0;
  const gw: Omit<TTestSmsGateway, 'url' | 'close'> = {
    key: opts.key,
    received: [],
    requests: [],
    respond: opts.respond,
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      };
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      const record = (status: number) =>
        gw.requests.push({ status, body, authorization: req.headers.authorization });
      if (req.method !== 'POST') return (record(405), reply(405, { error: 'method not allowed' }));
      if (req.headers.authorization !== `Bearer ${gw.key}`)
        return (record(401), reply(401, { error: 'bad key' }));
      const msg = body as { to?: unknown; text?: unknown; reference?: unknown } | undefined;
      if (
        !msg ||
        typeof msg.to !== 'string' ||
        typeof msg.text !== 'string' ||
        typeof msg.reference !== 'string'
      ) {
        return (record(400), reply(400, { error: 'to, text and reference are required' }));
      }
      authorised += 1;
      const forced = gw.respond?.({ to: msg.to, text: msg.text, reference: msg.reference }, authorised);
      if (forced) return (record(forced.status), reply(forced.status, forced.body ?? {}));
      const id = `sms_${gw.received.length + 1}`;
      gw.received.push({ to: msg.to, text: msg.text, reference: msg.reference, headers: req.headers, id });
      record(200);
      reply(200, { id, status: 'queued' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return Object.assign(gw, {
    url: `http://127.0.0.1:${port}/v1/messages`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
