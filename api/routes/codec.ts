/**
 * The codec server (Temporal's remote codec protocol): the Temporal UI and
 * `temporal workflow show --codec-endpoint <api>/codec --codec-auth "Bearer <token>"` send
 * payloads here to see them in plain. HR and admin only, every call audited. A payload
 * whose key is gone (an erased application, a retired key) comes back as it was, still
 * ciphertext, so one erased history never breaks the page that shows others.
 *
 * CORS: the browser-based UI calls from its own origin (CODEC_CORS_ORIGIN, which `npm
 * start` sets to the dev server's UI); the preflight carries no token, so it has no auth.
 * The UI authenticates with the console's session cookie (its "include cross-origin
 * credentials" setting: the cookie is the same site's, 127.0.0.1 or one domain): allowed
 * with credentials for that origin only, and without the CSRF token the UI cannot have,
 * since decoding and encoding change nothing (docs/personal-data.md).
 */
import type { Payload } from '@temporalio/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { EncryptionCodec, sealedForApplication } from '../../privacy/codec';
import { dataKeysFor } from '../../privacy/data-converter';
import { authenticateReader, requireRoles } from '../auth';
import { AppError, ERROR_RESPONSES } from '../errors';
import { auditPrivacy } from '../privacy-audit';

const ZBase64Schema = z.string().max(4 * 1024 * 1024).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const ZCodecPayloadSchema = z.object({
  metadata: z.record(z.string().max(200), ZBase64Schema).default({}),
  data: ZBase64Schema.optional(),
});
export const ZCodecBodySchema = z.object({ payloads: z.array(ZCodecPayloadSchema).max(1000) });
type TCodecBody = z.infer<typeof ZCodecBodySchema>;

const toPayload = (p: TCodecBody['payloads'][number]): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
  data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
});
const fromPayload = (p: Payload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')])),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

export default async function codecRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const origin = app.config.CODEC_CORS_ORIGIN?.replace(/\/$/, '');

  const cors = (req: FastifyRequest, reply: FastifyReply) => {
    if (origin && req.headers.origin === origin) {
      void reply
        .header('access-control-allow-origin', origin)
        .header('access-control-allow-credentials', 'true')
        .header('vary', 'Origin');
    }
  };

  const codec = () => {
    const keys = app.config.payloadKeys;
    if (!keys) throw new AppError('unavailable', 'PAYLOAD_KEYS is not configured: Temporal payloads are not encrypted here');
    return new EncryptionCodec(keys, dataKeysFor(app.db, keys));
  };

  for (const action of ['decode', 'encode'] as const) {
    app.options(`/codec/${action}`, { schema: { hide: true } }, async (req, reply) => {
      cors(req, reply);
      if (origin && req.headers.origin === origin) {
        void reply
          .header('access-control-allow-methods', 'POST, OPTIONS')
          .header('access-control-allow-headers', 'authorization, authorization-extras, content-type, x-namespace')
          .header('access-control-max-age', '600');
      }
      return reply.status(204).send();
    });

    app.post(
      `/codec/${action}`,
      {
        // A bearer token (the CLI's --codec-auth), or the console's session cookie sent by the
        // Temporal UI from CODEC_CORS_ORIGIN with "include cross-origin credentials" on.
        onRequest: [authenticateReader(() => origin), requireRoles('admin', 'hr')],
        schema: {
          operationId: action === 'decode' ? 'codecDecode' : 'codecEncode',
          tags: ['privacy'],
          summary: action === 'decode' ? 'Decrypt Temporal payloads (codec server)' : 'Encrypt Temporal payloads (codec server)',
          description:
            action === 'decode'
              ? "Temporal's remote codec protocol: `{ payloads: [{ metadata, data }] }` with base64 values, answered in the same shape. Payloads whose key is gone (an erased application) come back unchanged. Audited."
              : 'Encrypts payloads under the active key (for the UI, e.g. signal input typed there). Audited.',
          body: ZCodecBodySchema,
          response: { 200: ZCodecBodySchema, ...ERROR_RESPONSES },
        },
      },
      async (req, reply) => {
        cors(req, reply);
        const c = codec();
        const payloads = req.body.payloads.map(toPayload);
        if (action === 'encode') {
          const out = await c.encode(payloads);
          await auditPrivacy(req, { action: 'codec.encode', detail: { payloads: payloads.length } });
          return { payloads: out.map(fromPayload) };
        }
        let unreadable = 0;
        const out = await Promise.all(
          payloads.map(async (p) => {
            try {
              return (await c.decode([p]))[0]!;
            } catch {
              unreadable++;
              return p;
            }
          }),
        );
        const applications = [...new Set(payloads.map(sealedForApplication).filter((a): a is string => !!a))];
        await auditPrivacy(req, {
          action: 'codec.decode',
          ...(applications.length === 1 ? { applicationId: applications[0] } : {}),
          detail: { payloads: payloads.length, unreadable, applications, namespace: req.headers['x-namespace'] ?? null },
        });
        return { payloads: out.map(fromPayload) };
      },
    );
  }
}
