/**
 * The candidate's offer page in a real browser: Debian's Chromium driven by
 * playwright-core, against the real stack listening on a local port, with the link taken
 * from the offer e-mail caught by a real SMTP server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { signToken } from '../../shared/links';
import { launchBrowser, listen, newContext, PHONE } from '../helpers/browser';
import { OFFER, toOfferSent, waitForStage } from '../helpers/journey';
import { createOrg, type Org } from '../helpers/org';
import { startSmtpServer, type TTestSmtpServer } from '../helpers/smtp';
import { eventually, startStack, type Stack } from '../helpers/stack';

const SCREENSHOT = '/tmp/offer-page-phone.png';

let s: Stack;
let org: Org;
let smtp: TTestSmtpServer;
let base: string;
let browser: Browser;
const contexts: BrowserContext[] = [];

/** Three candidates with a sent offer: one accepts, one declines, one gets a revised offer. */
const who = {
  accept: { name: 'Grace Hopper', email: 'grace.hopper@candidates.example.com', locale: 'en' as const },
  decline: { name: 'Alan Turing', email: 'alan.turing@candidates.example.com', locale: 'en' as const },
  revise: { name: 'Ada Lovelace', email: 'ada.lovelace@candidates.example.com', locale: 'en' as const },
};
const ids = { accept: '', decline: '', revise: '' };

beforeAll(async () => {
  smtp = await startSmtpServer();
  s = await startStack({ env: { SMTP_URL: smtp.url } });
  org = await createOrg(s);
  base = await listen(s);
  const [browserLaunched, ...apps] = await Promise.all([
    launchBrowser(),
    toOfferSent(s, org, { candidate: who.accept }),
    toOfferSent(s, org, { candidate: who.decline }),
    toOfferSent(s, org, { candidate: who.revise }),
  ]);
  browser = browserLaunched;
  ids.accept = apps[0].id;
  ids.decline = apps[1].id;
  ids.revise = apps[2].id;
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await s?.stop();
  await smtp?.close();
});

async function openPage(opts: { phone?: boolean } = {}): Promise<Page> {
  const context = await newContext(browser, opts);
  contexts.push(context);
  return context.newPage();
}

/** The offer version a token was signed for (the payload JSON before the 32-byte MAC). */
function tokenVersion(token: string): number | undefined {
  const raw = Buffer.from(token, 'base64url');
  return (JSON.parse(raw.subarray(0, raw.length - 32).toString('utf8')) as { v?: number }).v;
}

/** The /offers/<token> link e-mailed to `email` for offer version `version`. */
async function offerToken(email: string, version = 1): Promise<string> {
  return eventually(async () => {
    for (const mail of smtp.to(email)) {
      for (const m of (mail.parsed.text ?? '').matchAll(/\/offers\/([A-Za-z0-9_-]+)/g)) {
        if (tokenVersion(m[1]!) === version) return m[1]!;
      }
    }
    return null;
  });
}

/**
 * Submits one of the page's forms by clicking its button; resolves with the POST's response once the new page is loaded.
 * An acceptance answers once the workflow has made the signed copy and the employee (read-your-writes), which on a busy
 * machine takes longer than the page's default wait: the answer may take up to the API's Update deadline.
 */
async function submit(page: Page, button: string): Promise<Response> {
  const [response] = await Promise.all([
    page.waitForResponse(
      (r) => r.request().method() === 'POST' && new URL(r.url()).pathname.startsWith('/offers/'),
      { timeout: 60_000 },
    ),
    page.click(button),
  ]);
  await page.waitForLoadState('domcontentloaded');
  return response;
}

const text = async (page: Page, selector: string) =>
  ((await page.locator(selector).textContent()) ?? '').trim();
const status = async (id: string) =>
  (await s.api('GET', `/v1/applications/${id}`, { token: org.hr.token })).body;

/**
 * Waits until the workflow has moved to `stage` (read from its timeline, since a later
 * step may already have moved it on, e.g. accepted -> onboarding) and returns its status.
 */
const reached = (id: string, stage: string) =>
  eventually(async () => {
    const body = await status(id);
    return body.timeline.some((e: any) => e.type === 'stage_changed' && e.detail?.to === stage) ? body : null;
  });

describe('the offer page in Chromium', () => {
  it('shows the offer from the e-mailed link, refuses a wrong name, then takes the signature', async () => {
    const token = await offerToken(who.accept.email);
    const page = await openPage();
    const res = await page.goto(`${base}/offers/${token}`);
    expect(res?.status()).toBe(200);

    const sent = (await status(ids.accept)).offer.current;
    expect(await text(page, '#position')).toBe('Backend Engineer');
    expect(await text(page, '#salary')).toBe('CNY 300,000 per year');
    expect(await text(page, '#start-date')).toBe(OFFER().startDate);
    expect(await text(page, '#expires')).toBe(`${sent.expiresAt.replace('T', ' ').slice(0, 16)} UTC`);
    await expect(page.title()).resolves.toBe('Your offer');

    // The PDF link works (fetched with the page's own context, as the browser would).
    const href = await page.locator('#pdf').getAttribute('href');
    const pdf = await page.context().request.get(new URL(href!, page.url()).href);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');

    // Opening the page counts as viewing the offer.
    await waitForStage(s, ids.accept, 'offer_viewed', org.hr.token);

    // Without consent the browser itself will not submit.
    await page.fill('#signatureName', who.accept.name);
    expect(
      await page
        .locator('form:has(#accept)')
        .evaluate((f) => (f as unknown as { checkValidity(): boolean }).checkValidity()),
    ).toBe(false);

    // A name that is not the candidate's is refused on the page; the offer stays open.
    await page.fill('#signatureName', 'Someone Else');
    await page.check('#consent');
    const wrong = await submit(page, '#accept');
    expect(wrong.status()).toBe(400);
    expect(await text(page, '#error')).toMatch(/does not match/);
    expect(await page.locator('#accepted').count()).toBe(0);
    expect(await page.locator('#accept').count()).toBe(1);
    const still = await status(ids.accept);
    expect(['offer_sent', 'offer_viewed']).toContain(still.stage);
    expect(still.offer.current.response).toBeNull();

    // The right name (case and spacing aside) signs.
    await page.fill('#signatureName', `  ${who.accept.name.toLowerCase()} `);
    await page.check('#consent');
    const ok = await submit(page, '#accept');
    expect(ok.status()).toBe(200);
    expect(await text(page, '#accepted')).toMatch(/You accepted this offer/);
    expect(await page.locator('#accept').count()).toBe(0);
    expect(await page.locator('#error').count()).toBe(0);

    const accepted = await reached(ids.accept, 'accepted');
    expect(accepted.offer.current.response).toMatchObject({
      kind: 'accepted',
      signature: { name: who.accept.name.toLowerCase(), ip: '127.0.0.1' },
    });
    expect(accepted.offer.current.response.signature.userAgent).toMatch(/Chrome\/\d+/);

    // The signed copy is linked from the confirmation; reloading the link shows the same confirmation.
    const signedHref = await page.locator('#accepted a').getAttribute('href');
    const signed = await page.context().request.get(new URL(signedHref!, page.url()).href);
    expect(signed.status()).toBe(200);
    expect(signed.headers()['content-type']).toBe('application/pdf');
    await page.goto(`${base}/offers/${token}`);
    expect(await page.locator('#accepted').count()).toBe(1);
  });

  it('shows an error page, not the offer, for a tampered link', async () => {
    const token = await offerToken(who.accept.email);
    const i = 12;
    const tampered = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
    const page = await openPage();
    const res = await page.goto(`${base}/offers/${tampered}`);
    expect(res?.status()).toBe(401);
    expect(await text(page, '#invalid')).toMatch(/not valid/);
    for (const sel of ['#position', '#salary', '#pdf', '#accept', '#decline'])
      expect(await page.locator(sel).count(), sel).toBe(0);
  });

  it('is readable on a phone, shows an expired link as expired, and takes a decline', async () => {
    const id = ids.decline;
    const token = await offerToken(who.decline.email);

    // The same offer through a link that has run out: an expiry page, no offer, no form.
    const expired = signToken(s.config.linkSigningSecret!, {
      purpose: 'offer',
      sub: id,
      v: 1,
      exp: Math.floor(Date.now() / 1000) - 60,
    });
    const page = await openPage({ phone: true });
    const gone = await page.goto(`${base}/offers/${expired}`);
    expect(gone?.status()).toBe(410);
    expect(await text(page, '#expired')).toMatch(/expired/);
    for (const sel of ['#position', '#salary', '#accept', '#decline'])
      expect(await page.locator(sel).count(), sel).toBe(0);

    const res = await page.goto(`${base}/offers/${token}`);
    expect(res?.status()).toBe(200);
    expect(await page.locator('meta[name="viewport"]').getAttribute('content')).toMatch(/width=device-width/);
    // Runs in the page (the project's tsconfig has no DOM types, hence `globalThis as any`).
    const fit: { scrollWidth: number; innerWidth: number; bodyFont: number } = await page.evaluate(() => {
      const w = globalThis as any;
      return {
        scrollWidth: w.document.documentElement.scrollWidth,
        innerWidth: w.innerWidth,
        bodyFont: parseFloat(w.getComputedStyle(w.document.body).fontSize),
      };
    });
    expect(fit.innerWidth).toBe(PHONE.width);
    expect(fit.scrollWidth).toBeLessThanOrEqual(fit.innerWidth);
    expect(fit.bodyFont).toBeGreaterThanOrEqual(16);
    for (const sel of ['#signatureName', '#consent', '#accept', '#reason', '#decline', '#pdf']) {
      const box = await page.locator(sel).boundingBox();
      expect(box, sel).not.toBeNull();
      expect(box!.x, sel).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width, sel).toBeLessThanOrEqual(PHONE.width);
    }
    const button = await page.locator('#accept').boundingBox();
    expect(button!.height).toBeGreaterThanOrEqual(40); // a comfortable tap target
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    await page.fill('#reason', 'I took another offer closer to home.');
    const declined = await submit(page, '#decline');
    expect(declined.status()).toBe(200);
    expect(await text(page, '#declined')).toMatch(/You declined this offer/);
    expect(await page.locator('#accept').count()).toBe(0);
    const after = await reached(id, 'declined');
    expect(after.offer.current.response).toMatchObject({
      kind: 'declined',
      reason: 'I took another offer closer to home.',
    });
  });

  it('shows the old link of a revised offer as superseded, with no way to accept it', async () => {
    const id = ids.revise;
    const v1 = await offerToken(who.revise.email, 1);
    const revised = await s.api('PUT', `/v1/applications/${id}/offer`, {
      token: org.hr.token,
      body: OFFER({ salary: { amount: 280000, currency: 'CNY', period: 'year' } }),
    });
    expect(revised.status, JSON.stringify(revised.body)).toBe(200);
    expect(revised.body).toMatchObject({ version: 2, requiresApproval: false });

    const page = await openPage();
    const res = await page.goto(`${base}/offers/${v1}`);
    expect(res?.status()).toBe(409);
    expect(await text(page, '#superseded')).toMatch(/replaced by a newer version/);
    for (const sel of ['#position', '#salary', '#pdf', '#accept', '#signatureName', '#decline'])
      expect(await page.locator(sel).count(), sel).toBe(0);

    // Posting the old form anyway does not accept it.
    const post = await page.context().request.post(`${base}/offers/${v1}`, {
      form: { action: 'accept', signatureName: who.revise.name, consent: 'true' },
    });
    expect(post.status()).toBe(409);
    expect(await post.text()).toContain('id="superseded"');

    // The new version's link, e-mailed once it is re-issued, shows the new salary.
    const v2 = await offerToken(who.revise.email, 2);
    await page.goto(`${base}/offers/${v2}`);
    expect(await text(page, '#salary')).toBe('CNY 280,000 per year');
    expect(await page.locator('#accept').count()).toBe(1);
    const now = await status(id);
    expect(now.offer.current.version).toBe(2);
    expect(now.offer.current.response).toBeNull();
    expect(now.offer.versions[0].status).toBe('superseded');
  });
});
