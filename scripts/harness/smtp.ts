/**
 * A real SMTP server for tests (smtp-server), on a random local port. Every accepted
 * message is parsed with mailparser and recorded BEFORE the 250 reply, so once the
 * client's send resolves the message is in `received`.
 *
 * Faults: recipients in `rejectRecipients` get a permanent 550 at RCPT TO; the first
 * `failFirst` messages get a temporary 451 after DATA (the server saw the message, did
 * not accept it: it is counted in `refused`, not in `received`).
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface TReceivedMail {
  /** When the server accepted it (Date.now(), just before its 250). */
  acceptedAt: number;
  envelopeFrom: string;
  envelopeTo: string[];
  raw: string;
  parsed: ParsedMail;
}

export interface TSmtpServerOptions {
  rejectRecipients?: string[];
  failFirst?: number;
}

export interface TTestSmtpServer {
  url: string;
  port: number;
  received: TReceivedMail[];
  /** Messages refused with a temporary error. */
  refused: number;
  /** Recipients refused with 550 so far. */
  rejectedRecipients: string[];
  rejectRecipients: Set<string>;
  /** Makes the next n messages fail with 451. */
  failNext(n: number): void;
  /** Received messages whose envelope includes `address`. */
  to(address: string): TReceivedMail[];
  close(): Promise<void>;
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

export async function startSmtpServer(opts: TSmtpServerOptions = {}): Promise<TTestSmtpServer> {
  let failLeft = opts.failFirst ?? 0;
  const state: Omit<TTestSmtpServer, 'url' | 'port' | 'close'> = {
    received: [],
    refused: 0,
    rejectedRecipients: [],
    rejectRecipients: new Set((opts.rejectRecipients ?? []).map((a) => a.toLowerCase())),
    failNext(n: number) {
      failLeft = n;
    },
    to(address: string) {
      return state.received.filter((m) => m.envelopeTo.includes(address.toLowerCase()));
    },
  };

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    closeTimeout: 1000,
    onRcptTo(address, _session, callback) {
      if (state.rejectRecipients.has(address.address.toLowerCase())) {
        state.rejectedRecipients.push(address.address);
        callback(smtpError(550, `5.1.1 <${address.address}>: mailbox unavailable`));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (err) => callback(err));
      stream.on('end', () => {
        if (failLeft > 0) {
          failLeft -= 1;
          state.refused += 1;
          callback(smtpError(451, '4.3.0 temporary local problem, try again later'));
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw)
          .then((parsed) => {
            state.received.push({
              acceptedAt: Date.now(),
              envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              envelopeTo: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
              raw,
              parsed,
            });
            callback();
          })
          .catch((err: Error) => callback(err));
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return Object.assign(state, {
    port,
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
