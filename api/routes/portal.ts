/**
 * The new hire's portal (link from the onboarding notice): their checklist, and document
 * uploads (ID copy, diploma, medical report) checked by content, size-limited, stored by
 * SHA-256 in the documents directory, each completing its task.
 */
import { randomUUID } from 'node:crypto';
import fastifyMultipart from '@fastify/multipart';
import { eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sha256Hex } from '../../shared/hash';
import { PORTAL_TOKEN_PURPOSE, verifyToken } from '../../shared/links';
import { DOCUMENT_KINDS, sniffDocumentType, type TDocumentKind } from '../../domain/onboarding';
import { applications, employeeDocuments, employees } from '../../db/schema';
import { documentSubmittedUpdate } from '../../workflows/messages';
import { AppError, validationFailed, ZErrorResponseSchema } from '../errors';
import { esc } from '../pages/offer-page';
import { queryStatus, runUpdate } from '../workflow-client';
import { TOKEN_REFUSALS, htmlPage, htmlPageOrError } from '../response-schemas';

const RATE = { rateLimit: { max: 30, timeWindow: '1 minute' } };
const EXT: Record<string, string> = { 'application/pdf': '.pdf', 'image/jpeg': '.jpg', 'image/png': '.png' };

export default async function portalRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  await app.register(fastifyMultipart, {
    limits: { fileSize: app.config.DOCUMENT_MAX_BYTES, files: 1, fields: 5, fieldSize: 1000 },
  });

  async function employeeFor(token: string) {
    const payload = verifyToken(app.config.linkSigningSecret, token, PORTAL_TOKEN_PURPOSE);
    if (!payload) throw new AppError('unauthorized', 'this portal link is not valid or has expired');
    const [emp] = await app.db.db.select().from(employees).where(eq(employees.applicationId, payload.sub));
    // An erased candidate's portal link is dead, whatever its signature says.
    const [erased] = await app.db.db.select({ at: applications.erasedAt }).from(applications).where(eq(applications.id, payload.sub));
    if (erased?.at) throw new AppError('unauthorized', 'this portal link is not valid or has expired');
    if (!emp) throw new AppError('wrong_stage', 'onboarding has not started yet');
    return emp;
  }

  app.post(
    '/v1/candidate/documents',
    {
      config: RATE,
      schema: { operationId: 'uploadCandidateDocument', response: { 201: z.object({ id: z.string(), kind: z.string(), contentType: z.string(), size: z.number().int(), sha256: z.string() }), 303: z.null().describe('A browser (Accept: text/html) goes back to its portal page'), ...TOKEN_REFUSALS },
        tags: ['candidates'],
        summary: 'Upload an onboarding document (multipart: field kind = id_copy | diploma | medical_report, and the file)',
        description: 'PDF, JPEG or PNG, recognised by content; larger than DOCUMENT_MAX_BYTES is a 413.',
        security: [],
        querystring: z.object({ token: z.string().min(1).max(1000) }),
      },
    },
    async (req, reply) => {
      const emp = await employeeFor(req.query.token);
      if (!req.isMultipart()) throw new AppError('unsupported_media_type', 'send multipart/form-data with the fields kind and file');
      let kind: string | undefined;
      let file: { filename: string; bytes: Buffer } | undefined;
      try {
        for await (const part of req.parts()) {
          if (part.type === 'field' && part.fieldname === 'kind') kind = String(part.value);
          else if (part.type === 'file') file = { filename: part.filename, bytes: await part.toBuffer() };
        }
      } catch (e) {
        // Too large stays a 413; a cut-off or malformed body is the sender's fault, not ours.
        if (e instanceof AppError || (e as { statusCode?: number }).statusCode === 413) throw e;
        throw validationFailed([{ path: 'body', message: 'malformed multipart body' }]);
      }
      if (!kind || !(DOCUMENT_KINDS as readonly string[]).includes(kind)) {
        throw validationFailed([{ path: 'body.kind', message: `must be one of ${DOCUMENT_KINDS.join(', ')}` }]);
      }
      if (!file || file.bytes.length === 0) throw validationFailed([{ path: 'body.file', message: 'a file is required' }]);
      const contentType = sniffDocumentType(file.bytes);
      if (!contentType) {
        throw validationFailed([{ path: 'body.file', message: 'must be a PDF, JPEG or PNG file (checked by content, not by name)' }]);
      }
      const sha256 = sha256Hex(file.bytes);
      const storageKey = `${sha256}${EXT[contentType]}`;
      // Content-addressed: a re-upload of the same bytes is the same blob.
      await app.documents.put(storageKey, file.bytes);
      const documentId = randomUUID();
      await app.db.db.insert(employeeDocuments).values({
        id: documentId,
        employeeId: emp.id,
        kind,
        filename: file.filename.slice(0, 200),
        contentType,
        size: file.bytes.length,
        sha256,
        storageKey,
      });
      try {
        await runUpdate(app, req, emp.applicationId, documentSubmittedUpdate, { kind: kind as TDocumentKind, documentId, sha256 });
      } catch (e) {
        // Refused (e.g. already received): leave no row, and no file that no row names.
        await app.db.db.delete(employeeDocuments).where(eq(employeeDocuments.id, documentId));
        const [other] = await app.db.db
          .select({ id: employeeDocuments.id })
          .from(employeeDocuments)
          .where(eq(employeeDocuments.storageKey, storageKey))
          .limit(1);
        if (!other) await app.documents.delete(storageKey).catch(() => {});
        throw e;
      }
      if ((req.headers.accept ?? '').includes('text/html')) {
        return reply.redirect(`/portal/${encodeURIComponent(req.query.token)}`, 303);
      }
      return reply.status(201).send({ id: documentId, kind, contentType, size: file.bytes.length, sha256 });
    },
  );

  app.get(
    '/portal/:token',
    {
      config: RATE,
      schema: { operationId: 'portalPage', response: { 200: htmlPage('The portal'), 401: htmlPageOrError('The link is not valid'), 409: ZErrorResponseSchema }, tags: ['candidates'], summary: 'The new hire’s portal page (HTML)', security: [], params: z.object({ token: z.string().min(1).max(1000) }) },
    },
    async (req, reply) => portalPage(reply, req.params.token),
  );

  async function portalPage(reply: FastifyReply, token: string) {
    let emp;
    try {
      emp = await employeeFor(token);
    } catch {
      return reply.status(401).type('text/html').send('<!doctype html><meta charset="utf-8"><p id="invalid">This link is not valid.</p>');
    }
    const status = await queryStatus(app, emp.applicationId);
    const zh = emp.locale === 'zh-CN';
    const tasks = status.onboarding?.tasks ?? [];
    const rows = tasks
      .map((t) => {
        const upload =
          t.assignee === 'candidate' && t.status === 'open'
            ? `<form method="post" enctype="multipart/form-data" action="/v1/candidate/documents?token=${esc(encodeURIComponent(token))}">
<input type="hidden" name="kind" value="${esc(t.key)}"><input type="file" name="file" accept="application/pdf,image/jpeg,image/png" required>
<button type="submit">${zh ? '上传' : 'Upload'}</button></form>`
            : '';
        return `<li id="task-${esc(t.key)}"><strong>${esc(t.title)}</strong> — ${esc(t.dueDate)} — ${
          t.status === 'done' ? (zh ? '已完成' : 'done') : zh ? '待完成' : 'open'
        }${upload}</li>`;
      })
      .join('');
    return reply
      .type('text/html')
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .send(`<!doctype html><html lang="${zh ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${zh ? '入职门户' : 'Onboarding portal'}</title><style>body{font-family:system-ui,sans-serif;max-width:640px;margin:0 auto;padding:16px}li{margin:12px 0}</style></head>
<body><h1>${esc(emp.name)} · ${esc(emp.employeeNumber)}</h1><p>${zh ? '入职日期' : 'Start date'}: ${esc(emp.startDate)}</p><ul>${rows}</ul></body></html>`);
  }
}
