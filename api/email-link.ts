/**
 * E-mail sign-in links: minted here (a random token, stored as its SHA-256), mailed
 * through the same SMTP transport and template catalogue as every other message, and
 * spent once by GET /auth/email-link/:token within EMAIL_LINK_TTL_MS.
 *
 * Not through the `messages` log: that log keeps each message's body, and a sign-in
 * link at rest is a live credential for 15 minutes. Not through a workflow either: a
 * link nobody receives within seconds is worthless, so one attempt is made and a failure
 * logged (without the link); the person asks again.
 *
 * The request is answered before the address is even looked up, so neither the answer
 * nor its timing tells whether an account exists.
 */
import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/client';
import { activeUserByEmail, createEmailLinkWithinLimit } from '../db/queries/sign-in';
import { getSettingsCached } from '../db/settings';
import { renderMessage } from '../activities/notifications';
import { randomSecret, sha256Hex } from './sessions';

export const EMAIL_LINK_TTL_MS = 15 * 60_000;
/** Links mailed to one address per EMAIL_LINK_TTL_MS at most; further requests mail nothing. */
export const EMAIL_LINKS_PER_ADDRESS = 5;

export function emailLinkUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/auth/email-link/${token}`;
}

/**
 * A fresh single-use link for `userId`, or undefined when EMAIL_LINKS_PER_ADDRESS links
 * were made for them within the last EMAIL_LINK_TTL_MS (also what `npm run sign-in-link` prints).
 */
export async function mintEmailLink(db: Db, publicUrl: string, userId: string, now: Date): Promise<string | undefined> {
  const token = randomSecret();
  const made = await createEmailLinkWithinLimit(db, {
    tokenHash: sha256Hex(token),
    userId,
    now,
    ttlMs: EMAIL_LINK_TTL_MS,
    limit: EMAIL_LINKS_PER_ADDRESS,
    since: new Date(now.getTime() - EMAIL_LINK_TTL_MS),
  });
  return made ? emailLinkUrl(publicUrl, token) : undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    emailLinks: EmailLinkOutbox;
  }
}

/**
 * Sign-in mails on their way: the request is answered first, the lookup and the mail
 * happen here. Closing the app waits for them; tests wait with `settled()`.
 */
export class EmailLinkOutbox {
  private readonly inFlight = new Set<Promise<void>>();

  /** Starts the lookup and mail for `email` without waiting for it. */
  request(app: FastifyInstance, email: string): void {
    const work = sendEmailLink(app, email).catch((err: unknown) => {
      // The error's kind only: a message could quote the link.
      app.log.warn({ err: { name: (err as Error)?.name, code: (err as { code?: unknown })?.code } }, 'sign-in link not sent');
    });
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  async settled(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }
}

async function sendEmailLink(app: FastifyInstance, email: string): Promise<void> {
  const { db } = app.db;
  const user = await activeUserByEmail(db, email);
  if (!user) return;
  if (!app.mailer) {
    app.log.info({ userId: user.id }, 'no SMTP transport: sign-in link not mailed (mint one with `npm run sign-in-link -- <email>`)');
    return;
  }
  const link = await mintEmailLink(db, app.config.publicUrl, user.id, app.now());
  if (!link) {
    app.log.warn({ userId: user.id }, 'sign-in link limit reached for this address; none sent');
    return;
  }
  const settings = await getSettingsCached(db);
  const locale = settings.defaults.locale;
  const rendered = renderMessage({
    template: 'sign_in_link',
    locale,
    channel: 'email',
    recipientName: user.name,
    data: { companyName: settings.companyName, link, validMinutes: EMAIL_LINK_TTL_MS / 60_000 },
  });
  if (rendered.channel !== 'email') return;
  await app.mailer.send({
    messageId: `<sign-in.${sha256Hex(link).slice(0, 32)}@${new URL(app.config.publicUrl).hostname}>`,
    from: app.config.MAIL_FROM,
    to: { address: user.email, name: user.name },
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
  });
}
