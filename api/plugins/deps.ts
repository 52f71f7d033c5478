import fp from 'fastify-plugin';
import type { Client } from '@temporalio/client';
import type { DbHandle } from '../../db/client';
import { createTransports, type Mailer } from '../../activities/notifications';
import type { Config } from '../../temporal.config';

export interface AppDeps {
  config: Config;
  db: DbHandle;
  temporal: Client;
  /** The clock for session and sign-in-link lifetimes; tests move it instead of sleeping. */
  now?: (() => Date) | undefined;
  /** E-mail transport for sign-in links; defaults to SMTP_URL's (none: links are not mailed). */
  mailer?: Mailer | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    db: DbHandle;
    temporal: Client;
    now: () => Date;
    mailer: Mailer | undefined;
  }
}

/** Decorates the instance with what routes need, so nothing reaches for a module singleton. */
export default fp<AppDeps>(
  async (app, deps) => {
    app.decorate('config', deps.config);
    app.decorate('db', deps.db);
    app.decorate('temporal', deps.temporal);
    app.decorate('now', deps.now ?? (() => new Date()));
    const mailer = deps.mailer ?? createTransports(deps.config).mailer;
    app.decorate('mailer', mailer);
    // A transport made here is ours to close; one passed in belongs to the caller.
    if (!deps.mailer && mailer) app.addHook('onClose', async () => mailer.close());
  },
  { name: 'deps' },
);
