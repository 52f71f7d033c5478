/**
 * The staff console (web/, built into web/dist by `npm run build:console`) at /app/:
 * hashed assets cached for a year, index.html never cached (so a deploy shows at once),
 * and every other path under /app/ answered with index.html for the client's router.
 * `/` redirects to /app/. Without a build, /app/ says how to make one (503).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { errorBody } from '../errors';

export const CONSOLE_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

export default async function consolePlugin(app: FastifyInstance, opts: { distDir?: string }) {
  const dist = opts.distDir ?? CONSOLE_DIST;
  const hidden = { schema: { hide: true } };
  await app.register(fastifyStatic, {
    root: path.join(dist, 'assets'),
    prefix: '/app/assets/',
    immutable: true,
    maxAge: '365d',
    index: false,
  });
  const sendIndex = (reply: FastifyReply) => {
    if (!existsSync(path.join(dist, 'index.html'))) {
      return reply
        .status(503)
        .send(errorBody(reply.request.id, 'unavailable', 'the console is not built: run `npm run build:console`'));
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html', dist, { cacheControl: false });
  };
  app.get('/', hidden, (_req, reply) => reply.redirect('/app/'));
  app.get('/app', hidden, (_req, reply) => reply.redirect('/app/'));
  app.get('/app/', hidden, (_req, reply) => sendIndex(reply));
  app.get('/app/*', hidden, (_req, reply) => sendIndex(reply));
}
