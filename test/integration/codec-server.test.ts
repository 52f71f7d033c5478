/**
 * The codec server: with HR's or an admin's token, `temporal workflow show
 * --codec-endpoint` shows a history in plain; anyone else gets nothing decoded. CORS
 * answers only the configured UI origin. Bad bodies are a 400 naming the field. The
 * Temporal UI's way in (its "include cross-origin credentials" setting): a preflight from
 * its origin, then the decode with the console's session cookie, plain for HR only, audited.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../helpers/browser';
import { cliHistory, foundIn, payloadsIn, uniqueCandidate } from '../helpers/history';
import { toOfferDrafting } from '../helpers/journey';
import { createOrg, createUser, type Org } from '../helpers/org';
import { signInByEmail } from '../helpers/sign-in';
import { startSmtpServer, type TTestSmtpServer } from '../helpers/smtp';
import { startStack, type Stack } from '../helpers/stack';

const UI_ORIGIN = 'http://127.0.0.1:8299';
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('codec server', () => {
  let s: Stack;
  let org: Org;
  let base: string;
  let app: { id: string; workflowId: string };
  let c: ReturnType<typeof uniqueCandidate>;
  let smtp: TTestSmtpServer;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    s = await startStack({ env: { CODEC_CORS_ORIGIN: UI_ORIGIN, SMTP_URL: smtp.url } });
    org = await createOrg(s);
    base = await listen(s);
    c = uniqueCandidate();
    app = await toOfferDrafting(s, org, { candidate: { name: c.name, email: c.email, locale: 'en' } });
  });
  afterAll(async () => {
    await s?.stop();
    await smtp?.close();
  });

  /** The browser's CORS preflight from the UI's origin (no cookie, no token): granted. */
  async function preflight(url: string, requestHeaders: string) {
    const pre = await s.app.inject({
      method: 'OPTIONS',
      url,
      headers: { origin: UI_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': requestHeaders },
    });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe(UI_ORIGIN);
    return pre;
  }

  it("the Temporal UI's way: preflight from its origin, then decode with the console's session cookie; plain for HR, audited; refused for others, without credentials and from other origins", async () => {
    const hr = await createUser(s, { name: 'Cora Codec', roles: ['hr'], email: 'cora.codec@example.com' });
    await createUser(s, { name: 'Max Codec', roles: ['hiring_manager'], email: 'max.codec@example.com', departmentId: org.departmentId });
    const hrSession = await signInByEmail(s.app, smtp, 'cora.codec@example.com');
    const managerSession = await signInByEmail(s.app, smtp, 'max.codec@example.com');
    const payloads = payloadsIn(await cliHistory(s, app.workflowId));
    expect(foundIn(JSON.stringify(payloads), [c.name])).toEqual([]);

    // What the browser sends first: no cookie, no token.
    const pre = await preflight('/codec/decode?preserveStorageRefs=true', 'content-type,x-namespace');
    expect(pre.headers['access-control-allow-credentials']).toBe('true');
    expect(String(pre.headers['access-control-allow-headers'])).toMatch(/content-type/);

    // Then the decode, as the UI 2.x sends it with credentials: 'include'.
    const decode = (cookie: string | null, origin = UI_ORIGIN) =>
      s.app.inject({
        method: 'POST',
        url: '/codec/decode?preserveStorageRefs=true',
        headers: { origin, 'sec-fetch-site': 'same-site', 'content-type': 'application/json', 'x-namespace': s.config.TEMPORAL_NAMESPACE },
        ...(cookie ? { cookies: { hwe_session: cookie } } : {}),
        payload: { payloads },
      });
    const auditRows = () =>
      s.db.handle.rows<{ n: number }>(sql`
        select count(*)::int as n from audit_log where action = 'codec.decode' and actor_id = ${hr.id} and target_id = ${app.id} and status = 200`);
    expect((await auditRows())[0]!.n).toBe(0);
    const ok = await decode(hrSession.cookie);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe(UI_ORIGIN);
    expect(ok.headers['access-control-allow-credentials']).toBe('true');
    expect(foundIn(ok.body, [c.name])).toEqual([c.name]);
    await expect.poll(async () => (await auditRows())[0]!.n, { timeout: 10_000 }).toBe(1);

    // A hiring manager's session: 403; no credentials at all: 401; HR's cookie from another origin: 403.
    const manager = await decode(managerSession.cookie);
    expect(manager.statusCode).toBe(403);
    expect(foundIn(manager.body, [c.name])).toEqual([]);
    const none = await decode(null);
    expect(none.statusCode).toBe(401);
    expect(foundIn(none.body, [c.name])).toEqual([]);
    const elsewhere = await decode(hrSession.cookie, 'http://127.0.0.1:9999');
    expect(elsewhere.statusCode).toBe(403);
    expect(elsewhere.headers['access-control-allow-origin']).toBeUndefined();
    expect(foundIn(elsewhere.body, [c.name])).toEqual([]);
    // Only HR's one decode was audited as a success.
    expect((await auditRows())[0]!.n).toBe(1);

    // The exemption is the codec's alone: a change from the UI's origin with the same cookie still needs the CSRF token.
    const change = await s.app.inject({
      method: 'POST',
      url: `/v1/applications/${app.id}/withdraw`,
      headers: { origin: UI_ORIGIN, 'content-type': 'application/json' },
      cookies: { hwe_session: hrSession.cookie },
      payload: { reason: 'not from the Temporal UI' },
    });
    expect(change.statusCode).toBe(403);
  });

  it('HR and admin read a history in plain through the CLI with --codec-endpoint', async () => {
    for (const token of [org.hr.token, s.adminToken]) {
      const shown = await cliHistory(s, app.workflowId, ['--codec-endpoint', `${base}/codec`, '--codec-auth', `Bearer ${token}`]);
      expect(foundIn(shown, [c.name])).toEqual([c.name]);
    }
    // Without the codec the same history holds no name.
    expect(foundIn(await cliHistory(s, app.workflowId), [c.name])).toEqual([]);
  });

  it('a hiring manager, an integrator or no token decode nothing (403, 401)', async () => {
    const body = { payloads: [{ metadata: { encoding: b64('json/plain') }, data: b64('"x"') }] };
    for (const token of [org.manager.token, org.integrator.token]) {
      expect((await s.api('POST', '/codec/decode', { token, body })).status).toBe(403);
    }
    expect((await s.api('POST', '/codec/decode', { token: null, body })).status).toBe(401);
    // Through the CLI, the manager's token gets the ciphertext, not the name.
    const res = await fetch(`${base}/codec/decode`, { method: 'POST', headers: { authorization: `Bearer ${org.manager.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(403);
  });

  it('encode then decode round-trips; plain payloads pass through; a payload whose key is gone comes back unchanged', async () => {
    const plain = { metadata: { encoding: b64('json/plain') }, data: b64(JSON.stringify({ name: c.name })) };
    const enc = await s.api('POST', '/codec/encode', { token: org.hr.token, body: { payloads: [plain] } });
    expect(enc.status).toBe(200);
    expect(Buffer.from(enc.body.payloads[0].metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
    expect(foundIn(JSON.stringify(enc.body), [c.name])).toEqual([]);
    const dec = await s.api('POST', '/codec/decode', { token: org.hr.token, body: { payloads: [enc.body.payloads[0], plain] } });
    expect(dec.status).toBe(200);
    expect(dec.body.payloads).toEqual([plain, plain]);

    const orphan = {
      metadata: { encoding: b64('binary/encrypted'), 'encryption-key-id': b64('app:00000000-0000-4000-8000-000000000001') },
      data: b64('not really ciphertext'),
    };
    const kept = await s.api('POST', '/codec/decode', { token: s.adminToken, body: { payloads: [orphan] } });
    expect(kept.status).toBe(200);
    expect(kept.body.payloads).toEqual([orphan]);
  });

  it('bad bodies are a 400 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{}, 'payloads'],
      [{ payloads: 'x' }, 'payloads'],
      [{ payloads: [{ metadata: { encoding: 'not base64!' } }] }, 'payloads.0.metadata.encoding'],
      [{ payloads: [{ metadata: {}, data: '%%%' }] }, 'payloads.0.data'],
    ];
    for (const [body, path] of cases) {
      const res = await s.api('POST', '/codec/decode', { token: org.hr.token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(res.body.error.details)).toContain(path);
    }
  });

  it('CORS: the configured UI origin may call it (preflight without a token), another origin gets no grant', async () => {
    const pre = await preflight('/codec/decode', 'authorization,content-type,x-namespace');
    expect(String(pre.headers['access-control-allow-headers'])).toMatch(/authorization/);
    expect(String(pre.headers['access-control-allow-headers'])).toMatch(/x-namespace/);
    const post = await s.api('POST', '/codec/decode', { token: org.hr.token, headers: { origin: UI_ORIGIN }, body: { payloads: [] } });
    expect(post.headers['access-control-allow-origin']).toBe(UI_ORIGIN);

    const other = await s.app.inject({ method: 'OPTIONS', url: '/codec/decode', headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const otherPost = await s.api('POST', '/codec/decode', { token: org.hr.token, headers: { origin: 'http://evil.example' }, body: { payloads: [] } });
    expect(otherPost.headers['access-control-allow-origin']).toBeUndefined();
  });
});
