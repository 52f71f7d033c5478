/**
 * One whole hire through the console, in Chromium against the real stack (Temporal,
 * PostgreSQL, the local SMTP server), in one language (each person picks it in the header:
 * their setting). Set-up aside (the organisation, the job and the application come from the
 * API, as an integrator's would), every step is done on the screens by the person who owes it:
 *
 *   HR resolves the discrepancy and evaluates -> the hiring manager evaluates -> HR
 *   advances and drafts the offer -> the manager, then the general manager (outside the
 *   department), approve from their inbox -> the candidate accepts on their offer page ->
 *   IT opens the link of its e-mail and completes its task by keyboard only -> the mentor
 *   completes theirs -> the application is `hired`.
 *
 * A hiring manager of another department sees nothing of it. Each screen visited is
 * checked with axe and photographed (1440 px and 390 px) into .data/screenshots/.
 * The course result comes from the API, as the LMS integration records it.
 *
 * Each language has its own stack, organisation and mentor (its own describe block, so its
 * hooks start and stop them), one after the other.
 */
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { buildConsole, consoleBuildIsStale } from '../../scripts/build-console';
import { en } from '../../web/src/i18n/en';
import { zhCN } from '../../web/src/i18n/zh-CN';
import { launchBrowser } from '../helpers/browser';
import { checkScreen, pageAs as openAs, SHOTS, tabTo, type TConsolePage } from '../helpers/console';
import { futureDate } from '../helpers/journey';
import { emailOf } from '../helpers/offers';
import { application, createUser, JOB, type Org } from '../helpers/org';
import { createOrg } from '../helpers/org';
import { offerToken, status, until as untilShort } from '../helpers/scenario';
import { startSmtpServer, type TTestSmtpServer } from '../helpers/smtp';
import { eventually, startStack, type Stack } from '../helpers/stack';

type TKey = keyof typeof en;
type TLang = 'en' | 'zh-CN';
const DICTS: Record<TLang, Record<TKey, string>> = { en, 'zh-CN': zhCN };

/** Registers the hooks and the journey's steps in `lang`: call inside a describe block of its own. */
function consoleJourney(lang: TLang): void {
  let s: Stack;
  let smtp: TTestSmtpServer;
  let org: Org;
  let base: string;
  let browser: Browser;
  let mentor: { id: string; token: string };
  let jobId: string;
  const contexts: BrowserContext[] = [];

  /** A free local port, so PUBLIC_URL (the e-mails' links) is the address the browser opens. */
  async function freePort(): Promise<number> {
    const srv = createServer();
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    const { port } = srv.address() as { port: number };
    await new Promise<void>((resolve) => srv.close(() => resolve()));
    return port;
  }

  beforeAll(async () => {
    if (consoleBuildIsStale()) await buildConsole();
    mkdirSync(SHOTS, { recursive: true });
    smtp = await startSmtpServer();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    s = await startStack({ env: { SMTP_URL: smtp.url, PUBLIC_URL: base } });
    await s.app.listen({ port, host: '127.0.0.1' });
    org = await createOrg(s);
    mentor = await createUser(s, { name: 'Mo Mentor', roles: ['mentor'] });
    // The organisation's default chain (the department's manager, then the general manager),
    // HR and the manager both evaluate; onboarding: one IT task, one mentor task, one course.
    const job = await s.api('POST', '/v1/jobs', {
      token: org.hr.token,
      body: {
        ...JOB(org.departmentId),
        title: 'Robotics Engineer',
        onboarding: {
          mentorUserId: mentor.id,
          tasks: [
            { key: 'computer', title: 'Prepare a computer', assignee: 'it', dueDaysFromStart: -2 },
            { key: 'mentor_meeting', title: 'First meeting with the mentor', assignee: 'mentor', dueDaysFromStart: 2 },
          ],
          courses: [{ key: 'orientation', title: 'Company orientation', passScore: 60 }],
        },
      },
    });
    expect(job.status, JSON.stringify(job.body)).toBe(201);
    jobId = job.body.id;
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    for (const ctx of contexts) await ctx.close().catch(() => {});
    await browser?.close();
    await s?.stop();
    await smtp?.close();
  });

  /** A person's page in the console, in their language (chosen in the header, as a person would). */
  async function consoleAs(token: string, lang: TLang, path = '/app/'): Promise<TConsolePage> {
    const page = await openAs(browser, contexts, token, { timeoutMs: UI_MS });
    await page.goto(`${base}${path}`);
    if (lang !== 'en') {
      await page.getByRole('combobox', { name: en['nav.language'] }).selectOption(lang);
      await page.getByRole('combobox', { name: DICTS[lang]['nav.language'] }).waitFor();
    }
    return page;
  }

  /** A journey step waits on the workflow; on two cores shared by many test runs, a step can take a minute. */
  const STEP_MS = 120_000;
  /** Waits shorter than a step: an element to show once the page has its data. */
  const UI_MS = 45_000;
  const until = (st: Stack, o: Org, id: string, what: string, ok: (x: any) => boolean) => untilShort(st, o, id, what, ok, STEP_MS);
  const atStage = (st: Stack, o: Org, id: string, stage: string) => until(st, o, id, stage, (x) => x.stage === stage);

  const fill = (text: string, vars: Record<string, string | number>) => text.replace(/\{(\w+)\}/g, (m, k: string) => String(vars[k] ?? m));

  describe(`the whole hire through the console (${lang})`, { timeout: 600_000 }, () => {
    const t = (key: TKey, vars: Record<string, string | number> = {}) => fill(DICTS[lang][key], vars);
    const shot = (name: string) => `journey-${lang}-${name}`;
    const cand = { id: '', name: lang === 'en' ? 'Lena Journey' : '林 旅程', email: `journey.${lang}.${Date.now()}@candidates.example.com` };

    it('set-up (API): a contradictory application waits in discrepancy review', async () => {
      const res = await s.api('POST', '/v1/applications', {
        token: org.integrator.token,
        body: application(jobId, 'contradictory', { candidate: { name: cand.name, email: cand.email, locale: lang } }),
      });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      cand.id = res.body.id;
      await atStage(s, org, cand.id, 'discrepancy_review');
    });

    it('HR resolves the discrepancies from My work, then evaluates', async () => {
      const page = await consoleAs(org.hr.token, lang);
      const review = page.getByRole('link', { name: `${t('action.resolve_discrepancies')} · ${cand.name}` });
      await review.waitFor();
      await checkScreen(page, shot('my-work-hr'), { noHorizontalScroll: true });
      await review.click();
      await page.waitForURL(`**/app/applications/${cand.id}#discrepancies`);
      await page.getByRole('heading', { name: cand.name }).waitFor();
      await checkScreen(page, shot('discrepancies'), { noHorizontalScroll: true });
      const high = (await status(s, org, cand.id)).discrepancies.filter((d: any) => d.severity === 'high' && !d.resolution);
      expect(high.length).toBeGreaterThan(0);
      for (let i = 0; i < high.length; i++) {
        await page.getByRole('radio', { name: t('candidate.resolution.dismissed') }).first().check();
        await page.getByRole('textbox', { name: t('candidate.note') }).first().fill('Checked with the candidate');
        await page.getByRole('button', { name: t('candidate.resolve') }).first().click();
        await until(s, org, cand.id, `${i + 1} resolved`, (x) => x.discrepancies.filter((d: any) => d.resolution).length >= i + 1);
      }
      await atStage(s, org, cand.id, 'evaluation');

      const form = page.getByRole('form', { name: t('candidate.evaluate') });
      await form.getByRole('radio', { name: t('candidate.rating.excellent') }).first().waitFor();
      for (const group of await form.getByRole('radiogroup').all()) await group.getByRole('radio').first().check();
      await form.getByRole('radio', { name: t('candidate.recommend.advance') }).check();
      await form.getByRole('textbox', { name: t('common.comment') }).fill('Solid systems thinking');
      await form.getByRole('button', { name: t('candidate.submitEvaluation') }).click();
      await page.getByRole('status').filter({ hasText: t('candidate.evaluationSaved') }).waitFor();
      await until(s, org, cand.id, 'the HR evaluation', (x) => x.evaluations.some((e: any) => e.role === 'hr'));
    });

    it('the hiring manager evaluates from My work', async () => {
      const page = await consoleAs(org.manager.token, lang);
      await page.getByRole('link', { name: `${t('action.submit_evaluation')} · ${cand.name}` }).click();
      await page.waitForURL(`**/app/applications/${cand.id}#evaluation`);
      const form = page.getByRole('form', { name: t('candidate.evaluate') });
      await form.getByRole('radio', { name: t('candidate.rating.excellent') }).first().waitFor();
      for (const group of await form.getByRole('radiogroup').all()) await group.getByRole('radio').first().check();
      await form.getByRole('radio', { name: t('candidate.recommend.advance') }).check();
      await form.getByRole('button', { name: t('candidate.submitEvaluation') }).click();
      await page.getByRole('status').filter({ hasText: t('candidate.evaluationSaved') }).waitFor();
      await checkScreen(page, shot('evaluation-manager'), { noHorizontalScroll: true });
      const st = await atStage(s, org, cand.id, 'decision');
      expect(st.evaluations.map((e: any) => e.role).sort()).toEqual(['hiring_manager', 'hr']);
    });

    it('HR advances and drafts the offer, then submits it', async () => {
      const page = await consoleAs(org.hr.token, lang);
      await page.getByRole('link', { name: `${t('action.record_decision')} · ${cand.name}` }).click();
      await page.waitForURL(`**/app/applications/${cand.id}#decision`);
      await page.getByRole('button', { name: t('candidate.decide.advance') }).click();
      await atStage(s, org, cand.id, 'offer_drafting');

      await page.getByLabel(t('candidate.position')).fill('Robotics Engineer');
      await page.getByLabel(t('candidate.salary')).fill('320000');
      await page.getByLabel(t('candidate.startDate')).fill(futureDate(30));
      await page.getByLabel(t('candidate.benefits')).fill('Health insurance\nGym');
      await page.getByRole('button', { name: t('candidate.saveDraft') }).click();
      await until(s, org, cand.id, 'a draft', (x) => x.offer.current?.status === 'draft');
      // Settled: a button still loading is drawn faded on purpose (axe would count its contrast).
      await page.getByRole('button', { name: t('candidate.saveDraft') }).and(page.locator(':not(.ant-btn-loading)')).waitFor();
      await checkScreen(page, shot('offer'), { noHorizontalScroll: true });
      await page.getByRole('button', { name: t('candidate.submitOffer') }).click();
      const st = await until(s, org, cand.id, 'level 1 pending', (x) => x.stage === 'offer_approval' && x.offer.current?.levels[0]?.status === 'pending');
      expect(st.offer.current.offer.salary).toEqual({ amount: 320000, currency: 'CNY', period: 'year' });
      expect(st.offer.current.levels[0].approvers).toEqual([org.manager.id]);
      expect(st.offer.current.levels[1].approvers).toEqual([org.gm.id]);
    });

    it('the manager, then the general manager (outside the department), approve from their inbox', async () => {
      for (const [i, approver] of [org.manager, org.gm].entries()) {
        await until(s, org, cand.id, `level ${i + 1} pending`, (x) => x.offer.current?.levels[i]?.status === 'pending');
        const page = await consoleAs(approver.token, lang);
        // My work names the approval too, for everyone who owes one.
        await page.getByRole('link', { name: `${t('action.approve_offer')} · ${cand.name}` }).waitFor();
        await page.getByRole('navigation').getByRole('link', { name: t('nav.approvals') }).click();
        const card = page.getByRole('region', { name: cand.name });
        await card.getByText(/320,000/).waitFor();
        await checkScreen(page, shot(`inbox-${i + 1}`), { noHorizontalScroll: true });
        await card.getByRole('textbox', { name: t('approvals.commentFor', { name: cand.name }) }).fill(i === 0 ? 'Within the band' : 'Agreed');
        await card.getByRole('button', { name: t('candidate.approve') }).click();
        // The form's own note and the inbox's summary both say so: either will do.
        await page.getByRole('status').filter({ hasText: t('approvals.approved') }).first().waitFor();
        await until(s, org, cand.id, `level ${i + 1} approved`, (x) => x.offer.current?.levels[i]?.status === 'approved');
      }
      // The general manager sits outside the department, yet sees the application they approved.
      const gm = await consoleAs(org.gm.token, lang, `/app/applications/${cand.id}#approvals`);
      await gm.getByRole('heading', { name: cand.name }).waitFor();
      await gm.getByText(/Agreed/).waitFor();
      await checkScreen(gm, shot('candidate-gm'), { noHorizontalScroll: true });
      await until(s, org, cand.id, 'offer sent', (x) => x.stage === 'offer_sent' || x.stage === 'offer_viewed');
    });

    it('the candidate accepts on their offer page', async () => {
      const page = await openAs(browser, contexts, null, { timeoutMs: UI_MS });
      await page.goto(`${base}/offers/${offerToken(s, cand.id)}`);
      const words = lang === 'en'
        ? { typeName: 'Type your full name to sign', consent: /I agree to sign/, accept: 'Accept and sign' }
        : { typeName: '请输入您的全名以签署', consent: /我同意以电子方式签署/, accept: '接受并签署' };
      await page.getByLabel(words.typeName).fill(cand.name);
      await page.getByLabel(words.consent).check();
      await page.getByRole('button', { name: words.accept }).click();
      await atStage(s, org, cand.id, 'onboarding');
    });

    it('IT opens the link of its e-mail and completes its task with the keyboard only', async () => {
      const st = await status(s, org, cand.id);
      const employeeId = st.onboarding.employeeId as string;
      const itEmail = await emailOf(s, org.it.id);
      const link = `${base}/app/applications/${cand.id}#onboarding`;
      // The action_required e-mail to IT carries the link to the page where the task is done.
      const mail = await eventually(async () => smtp.to(itEmail).find((m) => (m.parsed.text ?? '').includes(link)) ?? null, STEP_MS);
      expect(mail.parsed.html || '').toContain(link);

      const page = await consoleAs(org.it.token, lang);
      // IT's My work names the task (it was empty for IT before).
      await page.getByRole('link', { name: `${t('action.task', { key: 'computer' })} · ${cand.name}` }).waitFor();
      await checkScreen(page, shot('my-work-it'), { noHorizontalScroll: true });
      await page.goto(link);
      const task = page.getByRole('form', { name: t('onboarding.completeTask', { title: 'Prepare a computer' }) });
      await task.waitFor();
      await checkScreen(page, shot('onboarding-it'), { noHorizontalScroll: true });
      // IT may not complete the mentor's task: no form for it.
      expect(await page.getByRole('form', { name: t('onboarding.completeTask', { title: 'First meeting with the mentor' }) }).count()).toBe(0);

      // Keyboard only: Tab to the note, type, Tab to the button, Space.
      await page.locator('body').focus();
      await tabTo(page, t('onboarding.noteFor', { title: 'Prepare a computer' }));
      await page.keyboard.type('Laptop LT-042 handed over');
      await tabTo(page, t('onboarding.complete'), 3);
      await page.keyboard.press('Space');
      const done = await until(s, org, cand.id, 'the IT task done', (x) => x.onboarding.tasks.find((k: any) => k.key === 'computer').status === 'done');
      expect(done.onboarding.tasks.find((k: any) => k.key === 'computer')).toMatchObject({ completedBy: { id: org.it.id }, note: 'Laptop LT-042 handed over' });
      // The page shows it done by itself.
      await page.getByText(/Laptop LT-042 handed over/).waitFor();
      expect(employeeId).toBeTruthy();
    });

    it('the mentor completes theirs from My work; with the course result the application is hired', async () => {
      const page = await consoleAs(mentor.token, lang);
      await page.getByRole('link', { name: `${t('action.task', { key: 'mentor_meeting' })} · ${cand.name}` }).click();
      await page.waitForURL(`**/app/applications/${cand.id}#onboarding`);
      const form = page.getByRole('form', { name: t('onboarding.completeTask', { title: 'First meeting with the mentor' }) });
      await form.getByRole('textbox').fill('Met on day one');
      await form.getByRole('button', { name: t('onboarding.complete') }).click();
      await until(s, org, cand.id, 'the mentor task done', (x) => x.onboarding.tasks.every((k: any) => k.status === 'done'));
      await checkScreen(page, shot('onboarding-mentor'), { noHorizontalScroll: true });

      // The LMS records the course result (an integration, not a person on the console).
      const st = await status(s, org, cand.id);
      const course = await s.api('POST', `/v1/employees/${st.onboarding.employeeId}/courses/orientation/result`, { token: org.integrator.token, body: { score: 88 } });
      expect(course.status, JSON.stringify(course.body)).toBe(200);
      await atStage(s, org, cand.id, 'hired');
      // The page shows the result by itself (polling), in the person's language.
      await page.getByText(t('onboarding.courseStatus.passed')).first().waitFor();
      await page.getByText(t('stage.hired')).first().waitFor();
    });

    it('a hiring manager of another department sees nothing of it', async () => {
      const page = await consoleAs(org.otherManager.token, lang, `/app/applications/${cand.id}`);
      await page.getByRole('alert').filter({ hasText: t('errors.not_found') }).waitFor();
      await page.goto(`${base}/app/`);
      await page.getByText(t('myWork.empty')).waitFor();
      expect(await page.getByText(cand.name).count()).toBe(0);
      await page.goto(`${base}/app/approvals`);
      await page.getByText(t('approvals.empty')).waitFor();
    });
  });
}

describe('in English', () => consoleJourney('en'));
describe('in Chinese (every person picks 简体中文 in the header)', () => consoleJourney('zh-CN'));
