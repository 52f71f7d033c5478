import fp from 'fastify-plugin';
import type { Client } from '@temporalio/client';
import type { DbHandle } from '../../db/client';
import type { Config } from '../../temporal.config';

export interface AppDeps {
  config: Config;
  db: DbHandle;
  temporal: Client;
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    db: DbHandle;
    temporal: Client;
  }
}

/** Decorates the instance with what routes need, so nothing reaches for a module singleton. */
export default fp<AppDeps>(
  async (app, deps) => {
    app.decorate('config', deps.config);
    app.decorate('db', deps.db);
    app.decorate('temporal', deps.temporal);
  },
  { name: 'deps' },
);
