/**
 * Staff sign-in without an identity provider: e-mail links through the real SMTP test
 * server, server-side sessions behind the cookie, CSRF protection, logout, the session
 * list, idle and absolute expiry (a movable clock, no sleeping) and deactivated users.
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../api/server';
import { createUser } from '../helpers/org';
import { eventually } from '../helpers/wait';
import { mailedLinkTokens, nextAddress, setCookies, signInByEmail, type TBrowserSession } from '../helpers/sign-in';
import { startSmtpServer, type TTestSmtpServer } from '../helpers/smtp';
import { startStack, type Stack } from '../helpers/stack';

const MIN = 60_000;
let s: Stack;
let smtp: TTestSmtpServer;
let clock = Date.now();
const advance = (ms: number) => (clock += ms);

let seq = 0;
/** A user with a known e-mail address, created through the API. */
async function person(roles: string[] = ['hr']) {
  seq += 1;
  const email = `signin.${seq}.${Date.now().toString(36)}@example.com`;
  const u = await createUser(s, { name: `Sign In ${seq}`, roles, email });
  return { ...u, email };
}

function inject(opts: { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; url: string; session?: TBrowserSession; csrf?: string | null; headers?: Record<string, string>; payload?: object }) {
  const headers: Record<string, string> = { ...opts.headers };
  const csrf = opts.csrf === undefined ? opts.session?.csrfToken : opts.csrf;
  if (csrf) headers['x-csrf-token'] = csrf;
  return s.app.inject({
    method: opts.method,
    url: opts.url,
    headers,
    ...(opts.session ? { cookies: { hwe_session: opts.session.cookie } } : {}),
    ...(opts.payload ? { payload: opts.payload } : {}),
  });
}

const sha256 = (t: string) => createHash('sha256').update(t, 'utf8').digest('hex');

async function setActive(userId: string, active: boolean) {
  await s.db.handle.rows(sql`update users set active = ${active} where id = ${userId}`);
}

beforeAll(async () => {
  smtp = await startSmtpServer();
  s = await startStack({
    env: { SMTP_URL: smtp.url, SESSION_IDLE_TIMEOUT: '30m', SESSION_MAX_AGE: '2h', SIGN_IN_RATE_PER_MINUTE: '10' },
    now: () => new Date(clock),
  });
}, 60_000);

afterAll(async () => {
  await s?.stop();
  await smtp?.close();
});

describe('e-mail sign-in links', () => {
  it('mails a link that signs the person in once, with a cookie that is HttpOnly, SameSite=Lax and not readable as the session id', async () => {
    const u = await person();
    const asked = await s.app.inject({ method: 'POST', url: '/auth/email-link', payload: { email: u.email.toUpperCase() }, remoteAddress: nextAddress() });
    expect(asked.statusCode).toBe(202);
    const [token] = await mailedLinkTokens(s.app, smtp, u.email);
    expect(token).toBeDefined();
    const mail = smtp.to(u.email)[0]!;
    expect(mail.parsed.subject).toContain('sign-in link');
    expect(mail.parsed.html || '').toContain(`${s.config.publicUrl}/auth/email-link/${token}`);

    // Only the hash is stored.
    const rows = await s.db.handle.rows<{ token_hash: string }>(sql`select token_hash from email_sign_in_links where user_id = ${u.id}`);
    expect(rows.map((r) => r.token_hash)).toEqual([sha256(token!)]);

    const opened = await s.app.inject({ method: 'GET', url: `/auth/email-link/${token}` });
    expect(opened.statusCode).toBe(302);
    expect(opened.headers.location).toBe('/app/');
    const [cookie] = setCookies(opened.headers);
    expect(cookie).toMatchObject({ name: 'hwe_session' });
    expect(cookie!.attributes).toMatchObject({ httponly: true, samesite: 'Lax', path: '/', 'max-age': String(2 * 3600) });
    expect(cookie!.attributes.secure).toBeUndefined();
    const sessionRows = await s.db.handle.rows<{ secret_hash: string }>(sql`select secret_hash from sessions where user_id = ${u.id}`);
    expect(sessionRows.map((r) => r.secret_hash)).toEqual([sha256(cookie!.value)]);

    const me = await s.app.inject({ method: 'GET', url: '/v1/me', cookies: { hwe_session: cookie!.value } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ userId: u.id, email: u.email, roles: ['hr'], bootstrap: false, session: { method: 'email_link' } });
    expect(me.json().session.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // The same link again: a clear page, no session.
    const again = await s.app.inject({ method: 'GET', url: `/auth/email-link/${token}` });
    expect(again.statusCode).toBe(410);
    expect(again.headers['content-type']).toContain('text/html');
    expect(again.body).toContain('id="link_used"');
    expect(setCookies(again.headers)).toEqual([]);
    expect((await s.db.handle.rows(sql`select id from sessions where user_id = ${u.id}`)).length).toBe(1);

    // Both are in the audit log: the sign-in as the person, the refused replay with its reason.
    const audit = await eventually(async () => {
      const rows = await s.db.handle.rows<{ action: string; actor_id: string | null; status: number; changes: Record<string, unknown> }>(
        sql`select action, actor_id, status, changes from audit_log where action in ('auth.signed_in', 'auth.failed') and (actor_id = ${u.id} or changes->>'reason' = 'link_used') order by id`,
      );
      return rows.length >= 2 ? rows : undefined;
    });
    expect(audit[0]).toMatchObject({ action: 'auth.signed_in', actor_id: u.id, status: 302, changes: { method: 'email_link' } });
    expect(audit.at(-1)).toMatchObject({ action: 'auth.failed', actor_id: null, status: 410, changes: { reason: 'link_used' } });
    expect(JSON.stringify(audit)).not.toContain(token!);
  });

  it('a link opened after 15 minutes is refused with a page, one opened within them works', async () => {
    const u = await person();
    await signInByEmail(s.app, smtp, u.email); // (one link used)
    await s.app.inject({ method: 'POST', url: '/auth/email-link', payload: { email: u.email }, remoteAddress: nextAddress() });
    await s.app.inject({ method: 'POST', url: '/auth/email-link', payload: { email: u.email }, remoteAddress: nextAddress() });
    const tokens = await mailedLinkTokens(s.app, smtp, u.email);
    expect(tokens).toHaveLength(3);
    advance(15 * MIN - 1000);
    const inTime = await s.app.inject({ method: 'GET', url: `/auth/email-link/${tokens[1]}` });
    expect(inTime.statusCode).toBe(302);
    advance(2000);
    const late = await s.app.inject({ method: 'GET', url: `/auth/email-link/${tokens[2]}` });
    expect(late.statusCode).toBe(410);
    expect(late.body).toContain('id="link_expired"');
    expect(setCookies(late.headers)).toEqual([]);
  });

  it('an unknown link is a 404 page', async () => {
    const res = await s.app.inject({ method: 'GET', url: '/auth/email-link/not-a-real-link-token' });
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('id="link_unknown"');
    expect(setCookies(res.headers)).toEqual([]);
  });

  it('answers 202 alike for an unknown or deactivated address and mails nothing', async () => {
    const known = await person();
    const gone = await person();
    await setActive(gone.id, false);
    const unknown = `nobody.${Date.now()}@example.com`;
    const answers = [];
    for (const email of [known.email, unknown, gone.email]) {
      const r = await s.app.inject({ method: 'POST', url: '/auth/email-link', payload: { email }, remoteAddress: nextAddress() });
      answers.push({ status: r.statusCode, body: r.json() });
    }
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    await s.app.emailLinks.settled();
    expect(smtp.to(known.email)).toHaveLength(1);
    expect(smtp.to(unknown)).toHaveLength(0);
    expect(smtp.to(gone.email)).toHaveLength(0);
    expect((await s.db.handle.rows(sql`select id from email_sign_in_links where user_id = ${gone.id}`)).length).toBe(0);
  });

  it('refuses a malformed address with 400 naming the field, and mails nothing', async () => {
    const before = smtp.received.length;
    for (const payload of [{ email: 'not-an-address' }, {}, { email: 'a'.repeat(250) + '@example.com' }]) {
      const r = await s.app.inject({ method: 'POST', url: '/auth/email-link', payload, remoteAddress: nextAddress() });
      expect(r.statusCode).toBe(400);
      expect(r.json().error.details.map((d: { path: string }) => d.path)).toContain('body.email');
    }
    await s.app.emailLinks.settled();
    expect(smtp.received.length).toBe(before);
  });

  it('mails at most 5 links per address per 15 minutes, and limits each client address to 10 requests a minute', async () => {
    const u = await person();
    for (let i = 0; i < 7; i++) {
      const r = await s.app.inject({ method: 'POST', url: '/auth/email-link', payload: { email: u.email }, remoteAddress: nextAddress() });
      expect(r.statusCode).toBe(202);
    }
    expect(await mailedLinkTokens(s.app, smtp, u.email)).toHaveLength(5);

    const from = nextAddress();
    const statuses = [];
    for (let i = 0; i < 11; i++) {
      statuses.push((await s.app.inject({ method: 'POST', url: '/auth/email-link', payload: { email: `x${i}@example.com` }, remoteAddress: from })).statusCode);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(202));
    expect(statuses[10]).toBe(429);
  });
});

describe('sessions', () => {
  it('a cookie session acts as its user; a bearer token beside a cookie still decides', async () => {
    const u = await person(['hr']);
    const browser = await signInByEmail(s.app, smtp, u.email);
    const list = await inject({ method: 'GET', url: '/v1/users', session: browser });
    expect(list.statusCode).toBe(200);
    const asAdmin = await s.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${s.adminToken}` }, cookies: { hwe_session: browser.cookie } });
    expect(asAdmin.json()).toMatchObject({ bootstrap: true, session: null });
    // Bearer changes need no CSRF token, as before.
    const dept = await s.api('POST', '/v1/departments', { body: { name: `Bearer dept ${seq}`, managerUserId: u.id } });
    expect(dept.status).toBe(201);
  });

  it('refuses a cookie-authenticated change without the CSRF token, with a wrong one or from another origin, and changes nothing', async () => {
    const admin = await person(['admin']);
    const browser = await signInByEmail(s.app, smtp, admin.email);
    const count = async () => (await s.db.handle.rows(sql`select id from departments`)).length;
    const before = await count();
    const body = (n: string) => ({ name: `CSRF ${n} ${seq}`, managerUserId: admin.id });
    const cases: { csrf: string | null; headers: Record<string, string>; message: RegExp }[] = [
      { csrf: null, headers: {}, message: /missing X-CSRF-Token/ },
      { csrf: 'x'.repeat(43), headers: {}, message: /wrong X-CSRF-Token/ },
      { csrf: browser.csrfToken, headers: { origin: 'https://evil.example.com' }, message: /cross-site/ },
      { csrf: browser.csrfToken, headers: { 'sec-fetch-site': 'cross-site' }, message: /cross-site/ },
    ];
    for (const [i, c] of cases.entries()) {
      const r = await inject({ method: 'POST', url: '/v1/departments', session: browser, csrf: c.csrf, headers: c.headers, payload: body(String(i)) });
      expect(r.statusCode, r.body).toBe(403);
      expect(r.json().error.code).toBe('forbidden');
      expect(r.json().error.message).toMatch(c.message);
    }
    expect(await count()).toBe(before);
    // Another session's token does not fit this one.
    const other = await signInByEmail(s.app, smtp, admin.email);
    const crossed = await inject({ method: 'POST', url: '/v1/departments', session: browser, csrf: other.csrfToken, payload: body('crossed') });
    expect(crossed.statusCode).toBe(403);
    expect(await count()).toBe(before);

    const ok = await inject({ method: 'POST', url: '/v1/departments', session: browser, headers: { origin: new URL(s.config.publicUrl).origin }, payload: body('ok') });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(await count()).toBe(before + 1);
  });

  it('logout ends the session and clears the cookie; it needs the CSRF token; a bearer caller has nothing to sign out of', async () => {
    const u = await person();
    const browser = await signInByEmail(s.app, smtp, u.email);
    const forged = await inject({ method: 'POST', url: '/auth/logout', session: browser, csrf: null });
    expect(forged.statusCode).toBe(403);
    expect((await inject({ method: 'GET', url: '/v1/me', session: browser })).statusCode).toBe(200);

    const out = await inject({ method: 'POST', url: '/auth/logout', session: browser });
    expect(out.statusCode).toBe(204);
    const cleared = setCookies(out.headers).find((c) => c.name === 'hwe_session');
    expect(cleared?.value).toBe('');
    expect(cleared?.attributes['max-age']).toBe('0');
    const after = await inject({ method: 'GET', url: '/v1/me', session: browser });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('unauthorized');
    expect((await s.db.handle.rows(sql`select id from sessions where id = ${browser.sessionId}`)).length).toBe(0);

    const bearer = await s.api('POST', '/auth/logout', { token: u.token });
    expect(bearer.status).toBe(409);
    expect(bearer.body.error.message).toMatch(/bearer token/);
  });

  it('lists my live sessions with the current one marked, and ends another one at once', async () => {
    const u = await person();
    const laptop = await signInByEmail(s.app, smtp, u.email, { 'user-agent': 'Laptop browser' });
    const phone = await signInByEmail(s.app, smtp, u.email, { 'user-agent': 'Phone browser' });
    const list = await inject({ method: 'GET', url: '/v1/me/sessions', session: laptop });
    expect(list.statusCode).toBe(200);
    const items = list.json().items as { id: string; current: boolean; userAgent: string; method: string }[];
    expect(items.map((i) => i.id).sort()).toEqual([laptop.sessionId, phone.sessionId].sort());
    expect(items.find((i) => i.id === laptop.sessionId)).toMatchObject({ current: true, userAgent: 'Laptop browser', method: 'email_link' });
    expect(items.find((i) => i.id === phone.sessionId)).toMatchObject({ current: false, userAgent: 'Phone browser' });
    // The same list by bearer token: none current.
    const byToken = await s.api('GET', '/v1/me/sessions', { token: u.token });
    expect(byToken.body.items.map((i: { current: boolean }) => i.current)).toEqual([false, false]);

    const ended = await inject({ method: 'DELETE', url: `/v1/me/sessions/${phone.sessionId}`, session: laptop });
    expect(ended.statusCode).toBe(204);
    expect((await inject({ method: 'GET', url: '/v1/me', session: phone })).statusCode).toBe(401);
    expect((await inject({ method: 'GET', url: '/v1/me', session: laptop })).statusCode).toBe(200);
  });

  it('a session is ended only by its own user: another user\'s id, an unknown id or a bad id change nothing', async () => {
    const a = await person();
    const b = await person();
    const aSession = await signInByEmail(s.app, smtp, a.email);
    const bSession = await signInByEmail(s.app, smtp, b.email);
    const foreign = await inject({ method: 'DELETE', url: `/v1/me/sessions/${aSession.sessionId}`, session: bSession });
    expect(foreign.statusCode).toBe(404);
    const unknown = await inject({ method: 'DELETE', url: '/v1/me/sessions/6f1c1f55-98f6-4c63-9b61-8a0c3d0f1a00', session: bSession });
    expect(unknown.statusCode).toBe(404);
    const bad = await inject({ method: 'DELETE', url: '/v1/me/sessions/not-a-uuid', session: bSession });
    expect(bad.statusCode).toBe(400);
    const withoutCsrf = await inject({ method: 'DELETE', url: `/v1/me/sessions/${bSession.sessionId}`, session: bSession, csrf: null });
    expect(withoutCsrf.statusCode).toBe(403);
    expect((await inject({ method: 'GET', url: '/v1/me', session: aSession })).statusCode).toBe(200);
    expect((await inject({ method: 'GET', url: '/v1/me', session: bSession })).statusCode).toBe(200);
    // Ending one's own current session clears the cookie.
    const own = await inject({ method: 'DELETE', url: `/v1/me/sessions/${bSession.sessionId}`, session: bSession });
    expect(own.statusCode).toBe(204);
    expect(setCookies(own.headers).find((c) => c.name === 'hwe_session')?.value).toBe('');
  });

  it('ends a session after the idle lifetime without requests', async () => {
    const u = await person();
    const browser = await signInByEmail(s.app, smtp, u.email);
    advance(29 * MIN);
    expect((await inject({ method: 'GET', url: '/v1/me', session: browser })).statusCode).toBe(200); // activity
    advance(29 * MIN);
    expect((await inject({ method: 'GET', url: '/v1/me', session: browser })).statusCode).toBe(200);
    advance(30 * MIN + 1000);
    const idle = await inject({ method: 'GET', url: '/v1/me', session: browser });
    expect(idle.statusCode).toBe(401);
    expect(idle.json().error.message).toMatch(/idle/);
    expect(setCookies(idle.headers).find((c) => c.name === 'hwe_session')?.value).toBe('');
  });

  it('ends a session at its absolute lifetime however active it is', async () => {
    const u = await person();
    const browser = await signInByEmail(s.app, smtp, u.email);
    for (let t = 0; t < 5; t++) {
      advance(20 * MIN - 1000);
      expect((await inject({ method: 'GET', url: '/v1/me', session: browser })).statusCode).toBe(200);
    }
    advance(20 * MIN + 10_000); // 2 h 5 s after sign-in, 20 min after the last request
    const old = await inject({ method: 'GET', url: '/v1/me', session: browser });
    expect(old.statusCode).toBe(401);
    expect(old.json().error.message).toMatch(/maximum age/);
  });

  it('refuses a deactivated user on the next request, by session and by bearer token alike', async () => {
    const u = await person();
    const browser = await signInByEmail(s.app, smtp, u.email);
    expect((await s.api('GET', '/v1/me', { token: u.token })).status).toBe(200);
    await setActive(u.id, false);
    expect((await inject({ method: 'GET', url: '/v1/me', session: browser })).statusCode).toBe(401);
    expect((await s.api('GET', '/v1/me', { token: u.token })).status).toBe(401);
    // Reactivated: the token works again, the ended session does not come back.
    await setActive(u.id, true);
    expect((await s.api('GET', '/v1/me', { token: u.token })).status).toBe(200);
    expect((await inject({ method: 'GET', url: '/v1/me', session: browser })).statusCode).toBe(401);
  });

  it('a link that was mailed before deactivation signs nobody in', async () => {
    const u = await person();
    await s.app.inject({ method: 'POST', url: '/auth/email-link', payload: { email: u.email }, remoteAddress: nextAddress() });
    const [token] = await mailedLinkTokens(s.app, smtp, u.email);
    await setActive(u.id, false);
    const r = await s.app.inject({ method: 'GET', url: `/auth/email-link/${token}` });
    expect(r.statusCode).toBe(403);
    expect(r.body).toContain('id="deactivated"');
    expect(setCookies(r.headers)).toEqual([]);
  });

  it('a sign-in replaces the session the browser already had (no fixation), and a forged cookie is a 401', async () => {
    const u = await person();
    const first = await signInByEmail(s.app, smtp, u.email);
    await s.app.inject({ method: 'POST', url: '/auth/email-link', payload: { email: u.email }, remoteAddress: nextAddress() });
    const token = (await mailedLinkTokens(s.app, smtp, u.email)).at(-1);
    const opened = await s.app.inject({ method: 'GET', url: `/auth/email-link/${token}`, cookies: { hwe_session: first.cookie } });
    expect(opened.statusCode).toBe(302);
    const second = setCookies(opened.headers).find((c) => c.name === 'hwe_session')!.value;
    expect(second).not.toBe(first.cookie);
    expect((await inject({ method: 'GET', url: '/v1/me', session: first })).statusCode).toBe(401);
    const forged = await s.app.inject({ method: 'GET', url: '/v1/me', cookies: { hwe_session: 'forged-session-value' } });
    expect(forged.statusCode).toBe(401);
  });

  it('over https the cookie is Secure with the __Host- prefix', async () => {
    const app = await buildServer({ config: { ...s.config, publicUrl: 'https://hire.example.com' }, db: s.db.handle, temporal: s.temporal, logger: false, now: () => new Date(clock) });
    try {
      const u = await person();
      await app.inject({ method: 'POST', url: '/auth/email-link', payload: { email: u.email }, remoteAddress: nextAddress() });
      const [token] = await mailedLinkTokens(app, smtp, u.email);
      expect(smtp.to(u.email)[0]!.parsed.text).toContain(`https://hire.example.com/auth/email-link/${token}`);
      const opened = await app.inject({ method: 'GET', url: `/auth/email-link/${token}` });
      expect(opened.statusCode).toBe(302);
      const [cookie] = setCookies(opened.headers);
      expect(cookie!.name).toBe('__Host-hwe_session');
      expect(cookie!.attributes).toMatchObject({ secure: true, httponly: true, samesite: 'Lax', path: '/' });
      expect(cookie!.attributes.domain).toBeUndefined();
      const me = await app.inject({ method: 'GET', url: '/v1/me', cookies: { '__Host-hwe_session': cookie!.value } });
      expect(me.statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
