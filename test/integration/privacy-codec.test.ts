/**
 * Temporal stores candidates' data only as ciphertext: an operator reading a history with
 * the CLI (no codec) finds no name, e-mail, phone or salary, in plain text or in base64;
 * the search attributes carry none either. Each application's payloads are sealed with
 * its own data key, whose id (and nothing personal) is in the payload metadata.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { EncryptionCodec } from '../../privacy/codec';
import { DataKeys } from '../../privacy/data-keys';
import { cliHistory, foundIn, payloadsIn, uniqueCandidate, type TJsonPayload } from '../helpers/history';
import { OFFER, toOfferDrafting, waitForStage } from '../helpers/journey';
import { application, createOrg, type Org } from '../helpers/org';
import { eventually, startStack, type Stack } from '../helpers/stack';

describe('encrypted payloads in Temporal', () => {
  let s: Stack;
  let org: Org;
  beforeAll(async () => {
    s = await startStack();
    org = await createOrg(s);
  });
  afterAll(async () => s?.stop());

  it('a history read with the CLI holds no personal data, in plain or base64; the codec reads it back', async () => {
    const c = uniqueCandidate();
    const app = await toOfferDrafting(s, org, { candidate: { name: c.name, email: c.email, phone: c.phone, locale: 'en' } });
    const draft = await s.api('PUT', `/v1/applications/${app.id}/offer`, {
      token: org.hr.token,
      body: OFFER({ salary: { amount: c.salary, currency: 'CNY', period: 'year' } }),
    });
    expect(draft.status, JSON.stringify(draft.body)).toBe(200);
    // A refused Update (wrong actor) and a failure message travel through the codec too.
    const refused = await s.api('POST', `/v1/applications/${app.id}/offer/approvals`, { token: org.gm.token, body: { decision: 'approve' } });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    const submit = await s.api('POST', `/v1/applications/${app.id}/offer/submit`, { token: org.hr.token });
    expect(submit.status, JSON.stringify(submit.body)).toBe(200);
    const st = await waitForStage(s, app.id, 'offer_approval', org.hr.token);
    // The status query's answer (decoded by the API's codec) carries the data in full.
    expect(JSON.stringify(st)).toContain(c.name);

    const needles = [c.name, c.email, c.phone, String(c.salary)];
    const raw = await cliHistory(s, app.workflowId);
    expect(foundIn(raw, needles)).toEqual([]);

    // Every payload in the history is ours and names the application's data key, not a person.
        const payloads = payloadsIn(raw);
    expect(payloads.length).toBeGreaterThan(10);
    for (const p of payloads) {
      expect(Buffer.from(p.metadata.encoding!, 'base64').toString()).toBe('binary/encrypted');
      expect(Buffer.from(p.metadata['encryption-key-id']!, 'base64').toString()).toBe(`app:${app.id}`);
    }

    // Control: the same payloads decoded with the codec do hold the data the check looks for.
    const codec = new EncryptionCodec(s.config.payloadKeys!, new DataKeys(s.db.handle, s.config.payloadKeys!));
    const decoded = await codec.decode(payloads.map(toPayload));
    const plain = decoded.map((p) => Buffer.from(p.data!).toString('utf8')).join('\n');
    // (The workflow carries the name and the offer; e-mail and phone stay in the database.)
    expect(foundIn(plain, needles)).toEqual(expect.arrayContaining([c.name, String(c.salary)]));

    // The data key is stored only wrapped, under the active key.
    const [key] = await s.db.handle.rows<{ wrapping_key_id: string }>(sql`select wrapping_key_id from data_keys where application_id = ${app.id}`);
    expect(key?.wrapping_key_id).toBe(s.config.payloadKeys!.activeId);
  });

  it('a submission stores its data key before its workflow starts; a repeat makes no second key; the workflow runs on it', async () => {
    const body = application(org.jobId, 'strong', { externalId: `key-${Date.now()}` });
    const first = await s.api('POST', '/v1/applications', { token: org.integrator.token, body });
    expect(first.status, JSON.stringify(first.body)).toBe(202);
    const id = first.body.id as string;
    const keyRows = () =>
      s.db.handle.rows<{ wrapped_key: string; key_at: string; app_at: string }>(sql`
        select k.wrapped_key, k.created_at::text as key_at, a.created_at::text as app_at
        from data_keys k join applications a on a.id = k.application_id where k.application_id = ${id}`);
    const [stored] = await keyRows();
    // The submission made it (api/submissions.ts, one statement for all of a request's keys), before the start.
    expect(stored?.wrapped_key).toBeTruthy();
    expect(new Date(stored!.key_at).getTime()).toBeGreaterThanOrEqual(new Date(stored!.app_at).getTime());

    const repeat = await s.api('POST', '/v1/applications', { token: org.integrator.token, body });
    expect(repeat.status, JSON.stringify(repeat.body)).toBe(200);
    expect(repeat.body.id).toBe(id);
    expect(await keyRows()).toEqual([stored]);

    // The worker opens the workflow's payloads with the stored key (it reads it from the database).
    await waitForStage(s, id, 'evaluation', org.hr.token);
    const payloads = payloadsIn(await cliHistory(s, first.body.workflowId as string));
    expect(payloads.length).toBeGreaterThan(0);
    const codec = new EncryptionCodec(s.config.payloadKeys!, new DataKeys(s.db.handle, s.config.payloadKeys!));
    const decoded = await codec.decode(payloads.map(toPayload));
    expect(decoded.map((p) => Buffer.from(p.data!).toString('utf8')).join('\n')).toContain(body.candidate.name);
  });

  it('search attributes carry no personal data', async () => {
    const c = uniqueCandidate();
    const app = await toOfferDrafting(s, org, { candidate: { name: c.name, email: c.email, phone: c.phone, locale: 'en' } });
    const desc = await eventually(async () => {
      const d = await s.temporal.workflow.getHandle(app.workflowId).describe();
      return d.searchAttributes.Stage?.[0] === 'offer_drafting' ? d : null;
    });
    expect(Object.keys(desc.searchAttributes).sort()).toEqual(expect.arrayContaining(['DepartmentId', 'JobId', 'Stage']));
    expect(foundIn(JSON.stringify(desc.raw), [c.name, c.email, c.phone])).toEqual([]);
  });
});

const toPayload = (p: TJsonPayload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
  data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
});
