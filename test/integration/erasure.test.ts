/**
 * Erasure (POST /v1/applications/:id/erase) and subject access (GET …/export). After an
 * erasure in the middle of an offer, no table, no file and no Temporal history (read with
 * the CLI, without and with the codec server) holds the candidate's name, e-mail, phone
 * or salary; links are dead; counts and dates stay. Files shared with another
 * employee's upload stay; an active employee is refused (409) and nothing changes.
 */
import { sql } from 'drizzle-orm';
import { unzipSync, strFromU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, cliHistory, foundIn, payloadsIn, uniqueCandidate } from '../helpers/history';
import { OFFER, toOfferDrafting, waitForStage } from '../helpers/journey';
import { PDF_BYTES, PNG_BYTES } from '../helpers/multipart';
import { createOrg, type Org } from '../helpers/org';
import { offerToken, onboarded, quickJob, uploadDocument } from '../helpers/scenario';
import { eventually, startStack, type Stack } from '../helpers/stack';

/** Every row of every table of the database, as text. */
async function everyRow(s: Stack): Promise<string> {
  const tables = await s.db.handle.rows<{ table_name: string }>(sql`
    select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`);
  const out: string[] = [];
  for (const { table_name } of tables) {
    const rows = await s.db.handle.rows<{ r: string }>(sql`select t::text as r from ${sql.identifier(table_name)} t`);
    out.push(...rows.map((r) => `${table_name}: ${r.r}`));
  }
  return out.join('\n');
}

describe('erasure and subject access', () => {
  let s: Stack;
  let org: Org;
  /** The API's and the worker's log lines, as they would reach a log collector. */
  const logs: string[] = [];
  beforeAll(async () => {
    s = await startStack({ logs, env: { LOG_LEVEL: 'info' } });
    org = await createOrg(s);
  });
  afterAll(async () => s?.stop());

  it('in the middle of an offer: nothing personal is left anywhere, links die, counts and dates stay; a repeat is a no-op', { timeout: 180_000 }, async () => {
    const c = uniqueCandidate();
    const needles = [c.name, c.email, c.phone, String(c.salary)];
    const app = await toOfferDrafting(s, org, { candidate: { name: c.name, email: c.email, phone: c.phone, locale: 'en' } });
    // An idempotent request keeps its response (the offer, with the salary) in idempotency_keys.
    const draft = await s.api('PUT', `/v1/applications/${app.id}/offer`, {
      token: org.hr.token,
      headers: { 'idempotency-key': `draft-${app.id}` },
      body: OFFER({ salary: { amount: c.salary, currency: 'CNY', period: 'year' } }),
    });
    expect(draft.status, JSON.stringify(draft.body)).toBe(200);
    expect((await s.api('POST', `/v1/applications/${app.id}/offer/submit`, { token: org.hr.token })).status).toBe(200);
    for (const approver of [org.manager, org.gm]) {
      await eventually(async () => {
        const r = await s.api('POST', `/v1/applications/${app.id}/offer/approvals`, { token: approver.token, body: { decision: 'approve' } });
        return r.status === 200 ? r : null;
      });
    }
    await waitForStage(s, app.id, 'offer_sent', org.hr.token);
    const link = offerToken(s, app.id);
    expect((await s.api('GET', `/offers/${link}`, { token: null })).status).toBe(200);
    await waitForStage(s, app.id, 'offer_viewed', org.hr.token);

    // Before: the data is there (so the checks below can find it), in the database and, through the codec, in the history.
    expect(foundIn(await everyRow(s), needles)).toEqual(needles);
    const history = await cliHistory(s, app.workflowId);
    const payloads = payloadsIn(history);
    const before = await s.api('POST', '/codec/decode', { token: org.hr.token, body: { payloads } });
    expect(foundIn(JSON.stringify(before.body), [c.name, String(c.salary)])).toEqual([c.name, String(c.salary)]);
    const exported = await s.api('GET', `/v1/applications/${app.id}/export`, { token: org.hr.token });
    expect(exported.status).toBe(200);
    expect(foundIn(JSON.stringify(exported.body), needles)).toEqual(needles);
    const [counts] = await s.db.handle.rows<{ messages: number; versions: number; answers: number }>(sql`
      select (select count(*)::int from messages where application_id = ${app.id}) as messages,
             (select count(*)::int from offer_versions where application_id = ${app.id}) as versions,
             (select count(*)::int from interview_answers where application_id = ${app.id}) as answers`);

    // The letter is stored encrypted, its key wrapped beside it (db/queries/offers.ts).
    const offerDocs = () =>
      s.db.handle.rows<{ kind: string; size: number; wrapped_key: string | null; wrapping_key_id: string | null }>(
        sql`select kind, length(content)::int as size, wrapped_key, wrapping_key_id from offer_documents where application_id = ${app.id}`,
      );
    expect(await offerDocs()).toEqual([{ kind: 'letter', size: expect.any(Number), wrapped_key: expect.any(String), wrapping_key_id: 'test' }]);

    const logsAtErasure = logs.length;
    const erased = await s.api('POST', `/v1/applications/${app.id}/erase`, { body: { reason: 'The candidate asked us to erase their data' } });
    expect(erased.status, JSON.stringify(erased.body)).toBe(202);
    expect(erased.body).toMatchObject({ id: app.id, stage: 'erased', alreadyErased: false });

    // No table holds any of it; the letter's bytes and its key are gone.
    expect(foundIn(await everyRow(s), needles)).toEqual([]);
    expect(await offerDocs()).toEqual([{ kind: 'letter', size: 0, wrapped_key: null, wrapping_key_id: null }]);
    // Reads show the fact and the dates only.
    const read = await s.api('GET', `/v1/applications/${app.id}`, { token: org.hr.token });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ stage: 'erased', candidate: null });
    expect(foundIn(JSON.stringify(read.body), needles)).toEqual([]);
    const list = await s.api('GET', `/v1/applications?limit=100`, { token: org.hr.token });
    expect(foundIn(JSON.stringify(list.body), needles)).toEqual([]);
    const exportAfter = await s.api('GET', `/v1/applications/${app.id}/export`, { token: s.adminToken });
    expect(exportAfter.status).toBe(200);
    expect(foundIn(JSON.stringify(exportAfter.body), needles)).toEqual([]);
    // Counts and dates stay.
    const [after] = await s.db.handle.rows<{ messages: number; versions: number; answers: number; created_at: unknown; erased_from_stage: string }>(sql`
      select (select count(*)::int from messages where application_id = ${app.id}) as messages,
             (select count(*)::int from offer_versions where application_id = ${app.id}) as versions,
             (select count(*)::int from interview_answers where application_id = ${app.id}) as answers,
             created_at, erased_from_stage from applications where id = ${app.id}`);
    expect(after).toMatchObject({ ...counts, erased_from_stage: 'offer_viewed' });
    expect(after!.created_at).toBeTruthy();
    // The offer link is dead.
    expect((await s.api('GET', `/offers/${link}`, { token: null })).status).toBe(401);
    expect((await s.api('POST', `/v1/candidate/offer/accept?token=${link}`, { token: null, body: { signatureName: c.name, consent: true } })).status).toBe(401);

    // Temporal: the captured history no longer decodes, even through the codec server (its data key is destroyed)...
    const [key] = await s.db.handle.rows<{ wrapped_key: string | null; destroyed_at: unknown }>(sql`select wrapped_key, destroyed_at from data_keys where application_id = ${app.id}`);
    expect(key).toMatchObject({ wrapped_key: null });
    const decodedAfter = await s.api('POST', '/codec/decode', { token: org.hr.token, body: { payloads } });
    expect(decodedAfter.status).toBe(200);
    expect(foundIn(JSON.stringify(decodedAfter.body), needles)).toEqual([]);
    expect(foundIn(history, needles)).toEqual([]);
    // ...and the execution itself is deleted (Temporal removes it asynchronously: seconds, more on a busy machine).
    await eventually(async () => {
      const shown = await cli(['workflow', 'show', '-w', app.workflowId, '-o', 'json', '--address', s.config.TEMPORAL_ADDRESS]);
      return shown.code !== 0 && /not found/i.test(shown.stderr) ? shown : null;
    }, 90_000);

    // Idempotent: again is a 202 that changes nothing.
    const again = await s.api('POST', `/v1/applications/${app.id}/erase`, { body: { reason: 'Asked twice' } });
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ alreadyErased: true, erasedAt: erased.body.erasedAt });
    expect(foundIn(await everyRow(s), needles)).toEqual([]);

    // Log lines written from the erasure on (the requests above, the erasure's audit line, the
    // worker's) name the application but never the person.
    const logged = logs.slice(logsAtErasure).join('\n');
    expect(logged).toContain(app.id);
    expect(foundIn(logged, needles)).toEqual([]);
  });

  it("onboarding: the employee row and the candidate's own files go; a file another employee shares stays; an active employee is a 409", async () => {
    const jobId = await quickJob(s, org);
    const [a, b] = await Promise.all([onboarded(s, org, jobId), onboarded(s, org, jobId)]);
    const upload = (token: string, kind: string, filename: string, contentType: string, bytes: Uint8Array) => uploadDocument(s, token, kind, filename, contentType, bytes);
    const own = Uint8Array.from([...PNG_BYTES, ...Buffer.from(a.id)]);
    await upload(a.portalToken, 'id_copy', `${a.name} passport.png`, 'image/png', own);
    await upload(a.portalToken, 'diploma', 'diploma.pdf', 'application/pdf', PDF_BYTES);
    await upload(b.portalToken, 'diploma', 'diploma.pdf', 'application/pdf', PDF_BYTES);
    const keys = async (id: string) =>
      (await s.db.handle.rows<{ storage_key: string; kind: string }>(sql`
        select d.storage_key, d.kind from employee_documents d join employees e on e.id = d.employee_id where e.application_id = ${id}`));
    const aKeys = await keys(a.id);
    // Documents are stored in the database (db/document-store.ts), encrypted: the bytes there are not the file.
    const stored = async (kind: string) => (await s.app.documents.get(aKeys.find((k) => k.kind === kind)!.storage_key)) !== null;
    expect((await stored('id_copy')) && (await stored('diploma'))).toBe(true);
    const idCopyKey = aKeys.find((k) => k.kind === 'id_copy')!.storage_key;
    const blobRow = async () =>
      (await s.db.handle.rows<{ content: Uint8Array; wrapped_key: string | null }>(sql`select content, wrapped_key from document_blobs where storage_key = ${idCopyKey}`))[0];
    const atRest = (await blobRow())!;
    expect(atRest.wrapped_key).toBeTruthy();
    expect(Buffer.from(atRest.content).indexOf(Buffer.from(a.id))).toBe(-1);
    expect(Buffer.from(atRest.content).indexOf(Buffer.from(PNG_BYTES))).toBe(-1);
    // HR's download is the plain file.
    const [idDoc] = await s.db.handle.rows<{ id: string }>(sql`select id from employee_documents where storage_key = ${idCopyKey}`);
    const download = await s.app.inject({ method: 'GET', url: `/v1/employees/${a.employeeId}/documents/${idDoc!.id}`, headers: { authorization: `Bearer ${org.hr.token}` } });
    expect(download.statusCode).toBe(200);
    expect(Buffer.compare(download.rawPayload, Buffer.from(own))).toBe(0);

    // Subject access as a zip: the JSON and the files.
    const zip = await s.app.inject({ method: 'GET', url: `/v1/applications/${a.id}/export?format=zip`, headers: { authorization: `Bearer ${org.hr.token}` } });
    expect(zip.statusCode).toBe(200);
    expect(zip.headers['content-type']).toBe('application/zip');
    const files = unzipSync(new Uint8Array(zip.rawPayload));
    expect(JSON.parse(strFromU8(files['export.json']!)).application.candidate_email).toBe(a.email);
    expect(Object.keys(files).filter((f) => f.startsWith('documents/'))).toHaveLength(2);
    expect(Object.keys(files).filter((f) => f.startsWith('offers/')).length).toBeGreaterThanOrEqual(2);

    const erased = await s.api('POST', `/v1/applications/${a.id}/erase`, { body: { reason: 'Withdrew consent before starting' } });
    expect(erased.status, JSON.stringify(erased.body)).toBe(202);
    expect(erased.body.filesDeleted).toBe(1);
    expect(await stored('id_copy')).toBe(false);
    // The ciphertext and the only copy of its key went together: nothing of that file can be decrypted.
    expect(await blobRow()).toBeUndefined();
    expect(await stored('diploma')).toBe(true);
    expect(foundIn(await everyRow(s), [a.name, a.email])).toEqual([]);
    expect(foundIn(await everyRow(s), [b.name, b.email])).toEqual([b.name, b.email]);
    const portal = await s.app.inject({ method: 'GET', url: `/portal/${a.portalToken}` });
    expect(portal.statusCode).toBe(401);
    expect((await s.api('GET', `/v1/employees/${a.employeeId}`, { token: org.hr.token })).status).toBe(404);

    // An active employee: refused, nothing changed.
    await s.db.handle.rows(sql`update employees set status = 'active' where application_id = ${b.id}`);
    const refused = await s.api('POST', `/v1/applications/${b.id}/erase`, { body: { reason: 'Asked to be forgotten' } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/employment law/);
    expect(foundIn(await everyRow(s), [b.name, b.email])).toEqual([b.name, b.email]);

    // Erased applications are no contradiction (their workflows are gone on purpose); their report is a 409.
    const consistency = await s.api('GET', '/v1/admin/consistency');
    expect(consistency.status).toBe(200);
    expect(consistency.body.contradictions.filter((x: { applicationId: string }) => x.applicationId === a.id)).toEqual([]);
    expect((await s.api('GET', `/v1/applications/${a.id}/report`, { token: org.hr.token })).status).toBe(409);
  });

  it('bad input and the wrong people: 400, 404, 403, 401, and nothing changes', async () => {
    const jobId = await quickJob(s, org);
    const { id } = await toOfferDrafting(s, org, { jobId, candidate: { name: 'Keep Me Intact', email: 'keep.me@candidates.example.com', locale: 'en' } });
    const cases: [string, unknown, number][] = [
      [`/v1/applications/${id}/erase`, {}, 400],
      [`/v1/applications/${id}/erase`, { reason: '' }, 400],
      [`/v1/applications/${id}/erase`, { reason: 'x'.repeat(501) }, 400],
      ['/v1/applications/not-a-uuid/erase', { reason: 'Asked to' }, 400],
      ['/v1/applications/00000000-0000-4000-8000-000000000009/erase', { reason: 'Asked to' }, 404],
    ];
    for (const [url, body, status] of cases) {
      const r = await s.api('POST', url, { body });
      expect(r.status, `${url} ${JSON.stringify(body)}`).toBe(status);
    }
    expect((await s.api('POST', `/v1/applications/${id}/erase`, { token: org.hr.token, body: { reason: 'Asked to' } })).status).toBe(403);
    expect((await s.api('POST', `/v1/applications/${id}/erase`, { token: null, body: { reason: 'Asked to' } })).status).toBe(401);
    expect((await s.api('GET', `/v1/applications/${id}/export`, { token: org.manager.token })).status).toBe(403);
    expect((await s.api('GET', `/v1/applications/${id}/export?format=xml`, { token: org.hr.token })).status).toBe(400);
    const st = await s.api('GET', `/v1/applications/${id}`, { token: org.hr.token });
    expect(st.body).toMatchObject({ stage: 'offer_drafting', candidate: { name: 'Keep Me Intact' } });
  });
});
