/**
 * Single sign-on in a real browser: Debian's Chromium (playwright-core) goes through
 * GET /auth/login, a real OpenID Connect provider (the `oidc-provider` package, started
 * here with its development login and consent pages) and GET /auth/callback, the
 * authorization code flow with PKCE, state and nonce. Also: a tampered state, a replayed
 * code, and people who must not get a session (deactivated, unknown, unverified e-mail).
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newContext } from '../helpers/browser';
import { freePort, startOidcProvider, type TTestOidcProvider } from '../helpers/oidc-provider';
import { createUser } from '../helpers/org';
import { startStack, type Stack } from '../helpers/stack';

let s: Stack;
let idp: TTestOidcProvider;
let base: string;
let browser: Browser;
const contexts: BrowserContext[] = [];
const users = {} as Record<'ada' | 'gone', { id: string; token: string }>;

const stamp = Date.now().toString(36);
const ACCOUNTS = {
  ada: { email: `ada.${stamp}@example.com`, email_verified: true, name: 'Ada Lovelace' },
  gone: { email: `gone.${stamp}@example.com`, email_verified: true, name: 'Gone Person' },
  stranger: { email: `stranger.${stamp}@example.com`, email_verified: true, name: 'Not A User' },
  unverified: { email: `ada.${stamp}@example.com`.toUpperCase(), email_verified: false, name: 'Ada (unverified)' },
};

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  idp = await startOidcProvider({ redirectUri: `${base}/auth/callback`, accounts: ACCOUNTS });
  s = await startStack({
    env: { PUBLIC_URL: base, OIDC_ISSUER_URL: idp.issuer, OIDC_CLIENT_ID: idp.clientId, OIDC_CLIENT_SECRET: idp.clientSecret },
  });
  await s.app.listen({ port, host: '127.0.0.1' });
  users.ada = await createUser(s, { name: 'Ada Lovelace', roles: ['hr'], email: ACCOUNTS.ada.email });
  users.gone = await createUser(s, { name: 'Gone Person', roles: ['hr'], email: ACCOUNTS.gone.email });
  await s.db.handle.rows(sql`update users set active = false where id = ${users.gone.id}`);
  browser = await launchBrowser();
}, 90_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await s?.stop();
  await idp?.close();
});

async function freshPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await newContext(browser);
  contexts.push(context);
  return { context, page: await context.newPage() };
}

/**
 * From /auth/login through the provider's login and consent pages as `login`; returns the
 * /auth/callback URL the provider sent the browser to. With `holdCallback`, the consent
 * form is posted with the browser context's own cookies but its redirects are not
 * followed, so the callback is not opened and its code stays unused.
 */
async function throughProvider(page: Page, login: string, opts: { holdCallback?: boolean } = {}): Promise<string> {
  let callbackUrl = '';
  const onRequest = (r: { url(): string }) => {
    if (r.url().startsWith(`${base}/auth/callback`)) callbackUrl = r.url();
  };
  page.on('request', onRequest);
  await page.goto(`${base}/auth/login`);
  expect(page.url().startsWith(idp.issuer)).toBe(true);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.locator('button[type="submit"]').click();
  // The development consent page (same address): one button.
  await page.locator('input[name="login"]').waitFor({ state: 'detached' });
  if (!opts.holdCallback) {
    await Promise.all([page.waitForURL(`${base}/app/`), page.locator('button[type="submit"]').click()]);
  } else {
    const hidden = page.locator('form input[type="hidden"]');
    const fields: Record<string, string> = {};
    for (let i = 0; i < (await hidden.count()); i++) {
      fields[(await hidden.nth(i).getAttribute('name'))!] = (await hidden.nth(i).getAttribute('value')) ?? '';
    }
    const form = { action: new URL((await page.locator('form').getAttribute('action'))!, page.url()).href, fields };
    let res = await page.context().request.post(form.action, { form: form.fields, maxRedirects: 0 });
    for (let hops = 0; hops < 5 && !res.headers().location?.startsWith(`${base}/auth/callback`); hops++) {
      expect([302, 303]).toContain(res.status());
      res = await page.context().request.get(new URL(res.headers().location!, form.action).href, { maxRedirects: 0 });
    }
    callbackUrl = res.headers().location!;
  }
  page.off('request', onRequest);
  expect(callbackUrl).toContain('/auth/callback?');
  return callbackUrl;
}

async function sessionCookie(context: BrowserContext) {
  return (await context.cookies(base)).find((c) => c.name === 'hwe_session');
}

async function sessionsOf(userId: string): Promise<number> {
  return (await s.db.handle.rows(sql`select id from sessions where user_id = ${userId}`)).length;
}

describe('OIDC single sign-on in the browser', () => {
  it('signs a person in with a verified e-mail: the IdP, back to /auth/callback, then /app/ with a session cookie', async () => {
    const { context, page } = await freshPage();
    const callback = await throughProvider(page, 'ada');
    const params = new URL(callback).searchParams;
    expect(params.get('code')).toBeTruthy();
    expect(params.get('state')).toBeTruthy();
    expect(page.url()).toBe(`${base}/app/`);

    const cookie = await sessionCookie(context);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false, path: '/' });
    const me = await context.request.get(`${base}/v1/me`);
    expect(me.status()).toBe(200);
    expect(await me.json()).toMatchObject({ userId: users.ada.id, email: ACCOUNTS.ada.email, session: { method: 'oidc' } });
    // The sign-in attempt cookie is gone once used.
    expect((await context.cookies(base)).map((c) => c.name)).not.toContain('hwe_oidc');

    // A change from the page needs the CSRF token: without it 403, with it it goes through.
    const { session } = (await me.json()) as { session: { csrfToken: string; id: string } };
    const refused = await page.evaluate(async () => (await fetch('/auth/logout', { method: 'POST' })).status);
    expect(refused).toBe(403);
    const out = await page.evaluate(async (t) => (await fetch('/auth/logout', { method: 'POST', headers: { 'x-csrf-token': t } })).status, session.csrfToken);
    expect(out).toBe(204);
    expect((await context.request.get(`${base}/v1/me`)).status()).toBe(401);
  });

  it('refuses a callback whose state was changed, and the attempt cannot be finished afterwards', async () => {
    const { context, page } = await freshPage();
    const before = await sessionsOf(users.ada.id);
    const callback = new URL(await throughProvider(page, 'ada', { holdCallback: true }));
    const tampered = new URL(callback);
    tampered.searchParams.set('state', 'forged-state-value');
    const res = await page.goto(tampered.href);
    expect(res?.status()).toBe(401);
    expect(await page.locator('main#sso_failed').isVisible()).toBe(true);
    expect(await sessionCookie(context)).toBeUndefined();

    // The real callback now finds no attempt: it was spent by the forged one.
    const real = await page.goto(callback.href);
    expect(real?.status()).toBe(400);
    expect(await page.locator('main#sso_attempt_unknown').isVisible()).toBe(true);
    expect(await sessionCookie(context)).toBeUndefined();
    expect(await sessionsOf(users.ada.id)).toBe(before);
  });

  it('a replayed callback or a used code grafted onto a new attempt signs nobody in', async () => {
    const { page } = await freshPage();
    const callback = await throughProvider(page, 'ada');
    expect(page.url()).toBe(`${base}/app/`);
    const after = await sessionsOf(users.ada.id);

    // The same callback URL again, in the same browser.
    const again = await page.goto(callback);
    expect(again?.status()).toBe(400);
    expect(await page.locator('main#sso_attempt_unknown').isVisible()).toBe(true);

    // Another browser starts its own attempt, then presents the spent code with its own state.
    const other = await freshPage();
    const start = await other.context.request.get(`${base}/auth/login`, { maxRedirects: 0 });
    expect(start.status()).toBe(302);
    const newState = new URL(start.headers().location!).searchParams.get('state')!;
    const grafted = new URL(callback);
    grafted.searchParams.set('state', newState);
    const res = await other.page.goto(grafted.href);
    expect(res?.status()).toBe(401);
    expect(await other.page.locator('main#sso_failed').textContent()).toMatch(/invalid_grant/);
    expect(await sessionCookie(other.context)).toBeUndefined();
    expect(await sessionsOf(users.ada.id)).toBe(after);
  });

  it('a deactivated user, a stranger and an unverified e-mail get a clear page and no session', async () => {
    const cases = [
      { login: 'gone', page: 'deactivated', text: /deactivated/ },
      { login: 'stranger', page: 'no_account', text: new RegExp(ACCOUNTS.stranger.email.replace(/\./g, '\\.')) },
      { login: 'unverified', page: 'email_unverified', text: /not verified/ },
    ];
    for (const c of cases) {
      const { context, page } = await freshPage();
      let status = 0;
      page.on('response', (r) => {
        if (r.url().startsWith(`${base}/auth/callback`)) status = r.status();
      });
      await page.goto(`${base}/auth/login`);
      await page.locator('input[name="login"]').fill(c.login);
      await page.locator('input[name="password"]').fill('any password');
      await page.locator('button[type="submit"]').click();
      await page.locator('button[type="submit"]').click(); // consent
      await page.waitForURL((u) => u.href.startsWith(`${base}/auth/callback`));
      await page.locator(`main#${c.page}`).waitFor();
      expect(status, c.login).toBe(403);
      expect(await page.locator('main').textContent()).toMatch(c.text);
      expect(await sessionCookie(context), c.login).toBeUndefined();
    }
    expect(await sessionsOf(users.gone.id)).toBe(0);
  });

  it('a callback without a sign-in attempt of this browser is refused', async () => {
    const { context, page } = await freshPage();
    const res = await page.goto(`${base}/auth/callback?code=made-up&state=made-up`);
    expect(res?.status()).toBe(400);
    expect(await page.locator('main#sso_attempt_unknown').isVisible()).toBe(true);
    expect(await sessionCookie(context)).toBeUndefined();
  });
});
