import { describe, expect, it } from 'vitest';
import {
  renderMessage,
  STAFF_ACTIONS,
  TEMPLATE_NAMES,
  TEMPLATES,
  TemplateDataError,
  UnknownTemplateError,
  type TRendered,
  type TTemplateData,
  type TTemplateName,
} from '../../activities/notifications';
import { DOCUMENT_KINDS } from '../../activities/notifications/templates/document-rejected';
import { OFFER_EVENTS, type TOfferEvent } from '../../activities/notifications/templates/offer-event';
import type { TLocale } from '../../domain/contracts/common';

const LOCALES: TLocale[] = ['en', 'zh-CN'];
const APP_ID = '7d6f1f0e-3c1b-4a43-9f59-5d0c1c1e2a10';
const OFFER_URL = 'https://hire.example.com/offers/tok_abc123';

/** One valid data set per template: adding a template without one fails to compile. */
const SAMPLES: { [N in TTemplateName]: TTemplateData<N> } = {
  interview_acknowledgement: {
    candidateName: 'Ada Lovelace',
    jobTitle: 'Backend Engineer',
    companyName: 'Acme',
    accuracy: 0.75,
    percentile: 60,
    businessDays: 3,
    decisionBy: '2025-03-19T10:00:00Z',
  },
  decision_overdue: {
    candidateName: 'Ada Lovelace',
    jobTitle: 'Backend Engineer',
    promisedBy: '2025-03-19T10:00:00Z',
    applicationId: APP_ID,
  },
  rejection_feedback: {
    candidateName: 'Ada Lovelace',
    jobTitle: 'Backend Engineer',
    companyName: 'Acme',
    strengths: [{ key: 'teamwork', name: 'Teamwork' }],
    improvements: [{ key: 'systems', name: 'Distributed systems', suggestion: 'Study replication.' }],
  },
  action_required: {
    action: 'evaluation',
    candidateName: 'Ada Lovelace',
    jobTitle: 'Backend Engineer',
    dueAt: '2025-03-21',
  },
  reassignment_required: {
    userName: 'Mei Chen',
    items: [
      { what: 'Approve the offer for Ada Lovelace (Backend Engineer)', link: `https://hire.example.com/v1/applications/${APP_ID}` },
      { what: 'Manager of the department Engineering', link: 'https://hire.example.com/v1/departments' },
    ],
  },
  delivery_failed: {
    candidateName: 'Ada Lovelace',
    channel: 'email',
    recipient: 'ada@example.com',
    failedTemplate: 'interview_acknowledgement',
    reason: '550 5.1.1 mailbox unavailable',
  },
  offer_sent: {
    candidateName: 'Ada Lovelace',
    jobTitle: 'Backend Engineer',
    companyName: 'Acme',
    position: 'Senior Backend Engineer',
    offerUrl: OFFER_URL,
    expiresAt: '2025-03-26T10:00:00Z',
    version: 1,
  },
  offer_reminder: {
    candidateName: 'Ada Lovelace',
    jobTitle: 'Backend Engineer',
    companyName: 'Acme',
    position: 'Senior Backend Engineer',
    offerUrl: OFFER_URL,
    expiresAt: '2025-03-26T10:00:00Z',
    version: 2,
  },
  offer_expired: {
    candidateName: 'Ada Lovelace',
    jobTitle: 'Backend Engineer',
    companyName: 'Acme',
    position: 'Senior Backend Engineer',
    expiredAt: '2025-03-26T10:00:00Z',
  },
  offer_event: {
    event: 'viewed',
    candidateName: 'Ada Lovelace',
    jobTitle: 'Backend Engineer',
    version: 2,
    link: 'https://hire.example.com/applications/7d6f1f0e',
  },
  onboarding_notice: {
    candidateName: 'Ada Lovelace',
    jobTitle: 'Backend Engineer',
    companyName: 'Acme',
    startDate: '2025-04-07',
    officeAddress: 'Acme Ltd\n1 Main Street\nSpringfield',
    documentsToBring: ['Passport or national ID card', 'Original diploma', 'Bank account details'],
    portalUrl: 'https://hire.example.com/portal/tok_xyz789',
    employeeNumber: 'E2025-00042',
  },
  document_rejected: {
    candidateName: 'Ada Lovelace',
    companyName: 'Acme',
    documentKind: 'diploma',
    reason: 'The scan is unreadable.',
    portalUrl: 'https://hire.example.com/portal/tok_xyz789',
  },
  onboarding_event: {
    event: 'task_due_soon',
    employeeName: 'Ada Lovelace',
    employeeNumber: 'E2025-00042',
    taskTitle: 'Computer and badge',
    dueDate: '2025-04-04',
  },
  sign_in_link: {
    companyName: 'Acme',
    link: 'https://hire.example.com/auth/email-link/tok_sign_in',
    validMinutes: 15,
  },
};

function email(
  template: TTemplateName,
  locale: TLocale,
  data: unknown,
  extra: { pixelUrl?: string; recipientName?: string } = {},
) {
  const r: TRendered = renderMessage({ template, locale, channel: 'email', data, ...extra });
  if (r.channel !== 'email') throw new Error('expected an e-mail');
  return r;
}

describe('template catalogue', () => {
  it.each(TEMPLATE_NAMES)('%s renders an e-mail in both languages, with subject, text and HTML', (name) => {
    for (const locale of LOCALES) {
      const r = email(name, locale, SAMPLES[name]);
      expect(r.subject.length).toBeGreaterThan(5);
      expect(r.subject).not.toMatch(/[\r\n]/);
      expect(r.text.length).toBeGreaterThan(20);
      expect(r.html).toMatch(/^<!doctype html>/);
      expect(r.html).toContain(`<html lang="${locale}">`);
      expect(r.html).not.toContain('undefined');
      expect(r.text).not.toContain('undefined');
    }
  });

  it('every template meant for SMS has an SMS text in both languages', () => {
    for (const name of TEMPLATE_NAMES) {
      const def = TEMPLATES[name];
      for (const locale of LOCALES) {
        expect(def.label[locale].length).toBeGreaterThan(0);
        if ((def.channels as readonly string[]).includes('sms')) {
          const r = renderMessage({ template: name, locale, channel: 'sms', data: SAMPLES[name] });
          expect(r.channel).toBe('sms');
          expect(r.text.length).toBeGreaterThan(10);
          expect(r.text.length).toBeLessThanOrEqual(280);
        }
      }
    }
  });

  it('the languages differ: Chinese content is Chinese', () => {
    for (const name of TEMPLATE_NAMES) {
      const en = email(name, 'en', SAMPLES[name]);
      const zh = email(name, 'zh-CN', SAMPLES[name]);
      expect(en.subject).not.toBe(zh.subject);
      expect(zh.text).toMatch(/[\u4e00-\u9fff]/);
      expect(en.text).not.toMatch(/[\u4e00-\u9fff]/);
    }
  });
});

describe('interview_acknowledgement', () => {
  const data = SAMPLES.interview_acknowledgement;

  it('tells the promise, the accuracy and the percentile (English)', () => {
    const r = email('interview_acknowledgement', 'en', data);
    expect(r.subject).toBe('Your interview for Backend Engineer is complete');
    expect(r.text).toContain('within 3 business days, by Wednesday 19 March 2025');
    expect(r.text).toContain('accuracy 75%, higher than 60% of candidates for this role');
    expect(r.html).toContain('accuracy 75%, higher than 60% of candidates for this role');
  });

  it('tells the same in Simplified Chinese', () => {
    const r = email('interview_acknowledgement', 'zh-CN', data);
    expect(r.subject).toBe('您的Backend Engineer职位面试已完成');
    expect(r.text).toContain('3个工作日内');
    expect(r.text).toContain('2025年3月19日');
    expect(r.text).toContain('正确率75%，高于该职位60%的候选人');
  });

  it('leaves the comparison out when the percentile is unknown or zero', () => {
    for (const percentile of [null, 0]) {
      for (const locale of LOCALES) {
        const r = email('interview_acknowledgement', locale, { ...data, percentile });
        expect(r.text).not.toMatch(/higher than|高于/);
        expect(r.text).toMatch(/75%/);
        const sms = renderMessage({
          template: 'interview_acknowledgement',
          locale,
          channel: 'sms',
          data: { ...data, percentile },
        });
        expect(sms.text).not.toMatch(/higher than|高于/);
      }
    }
  });

  it('says "1 business day" in the singular', () => {
    expect(email('interview_acknowledgement', 'en', { ...data, businessDays: 1 }).text).toContain(
      'within 1 business day,',
    );
  });
});

describe('escaping', () => {
  const evil = '<script>alert("x")</script> & Co';

  it('user data in HTML arrives as text, in every template and language', () => {
    const withEvil: { [N in TTemplateName]: TTemplateData<N> } = {
      interview_acknowledgement: {
        ...SAMPLES.interview_acknowledgement,
        candidateName: evil,
        jobTitle: evil,
        companyName: evil,
      },
      decision_overdue: { ...SAMPLES.decision_overdue, candidateName: evil, jobTitle: evil },
      rejection_feedback: {
        ...SAMPLES.rejection_feedback,
        candidateName: evil,
        jobTitle: evil,
        companyName: evil,
        strengths: [{ key: 'x', name: evil }],
        improvements: [{ key: 'y', name: evil, suggestion: evil }],
      },
      action_required: { ...SAMPLES.action_required, candidateName: evil, jobTitle: evil, note: evil },
      reassignment_required: { userName: evil, items: [{ what: evil, link: 'https://hire.example.com/v1/departments' }] },
      delivery_failed: {
        ...SAMPLES.delivery_failed,
        candidateName: evil,
        jobTitle: evil,
        reason: evil,
        recipient: evil,
      },
      offer_sent: {
        ...SAMPLES.offer_sent,
        candidateName: evil,
        jobTitle: evil,
        companyName: evil,
        position: evil,
      },
      offer_reminder: {
        ...SAMPLES.offer_reminder,
        candidateName: evil,
        jobTitle: evil,
        companyName: evil,
        position: evil,
      },
      offer_expired: {
        ...SAMPLES.offer_expired,
        candidateName: evil,
        jobTitle: evil,
        companyName: evil,
        position: evil,
      },
      offer_event: {
        ...SAMPLES.offer_event,
        candidateName: evil,
        jobTitle: evil,
        actorName: evil,
        comment: evil,
      },
      onboarding_notice: {
        ...SAMPLES.onboarding_notice,
        candidateName: evil,
        jobTitle: evil,
        companyName: evil,
        officeAddress: evil,
        documentsToBring: [evil],
        employeeNumber: evil,
      },
      document_rejected: {
        ...SAMPLES.document_rejected,
        candidateName: evil,
        companyName: evil,
        reason: evil,
      },
      onboarding_event: {
        ...SAMPLES.onboarding_event,
        employeeName: evil,
        employeeNumber: evil,
        taskTitle: evil,
      },
      sign_in_link: { ...SAMPLES.sign_in_link, companyName: evil },
    };
    for (const name of TEMPLATE_NAMES) {
      for (const locale of LOCALES) {
        const r = email(name, locale, withEvil[name], { recipientName: evil });
        expect(r.html).not.toContain('<script>');
        expect(r.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co');
        // plain text and subject are not HTML: shown as typed
        expect(r.text).toContain(evil);
      }
    }
  });

  it('links must be http(s): a javascript: link is refused', () => {
    expect(() =>
      email('decision_overdue', 'en', { ...SAMPLES.decision_overdue, link: 'javascript:alert(1)' }),
    ).toThrow(TemplateDataError);
    const ok = email('decision_overdue', 'en', {
      ...SAMPLES.decision_overdue,
      link: 'https://hr.example.com/a?x=1&y="2"',
    });
    expect(ok.html).toContain('href="https://hr.example.com/a?x=1&amp;y=&quot;2&quot;"');
  });

  it('a subject cannot smuggle header lines', () => {
    const r = email('decision_overdue', 'en', {
      ...SAMPLES.decision_overdue,
      candidateName: 'Eve\r\nBcc: all@example.com',
    });
    expect(r.subject).not.toMatch(/[\r\n]/);
  });
});

describe('tracking pixel', () => {
  it('ends the HTML body with the pixel', () => {
    const src = 'https://hire.example.com/t/abc_DEF-123.gif';
    const r = email('interview_acknowledgement', 'en', SAMPLES.interview_acknowledgement, { pixelUrl: src });
    expect(r.html).toMatch(
      /<img src="https:\/\/hire\.example\.com\/t\/abc_DEF-123\.gif" width="1" height="1" alt="">\n<\/body>\n<\/html>$/,
    );
    expect(email('interview_acknowledgement', 'en', SAMPLES.interview_acknowledgement).html).not.toContain(
      '<img',
    );
  });
});

describe('action_required', () => {
  it('has both labels for every action', () => {
    for (const action of Object.keys(STAFF_ACTIONS) as (keyof typeof STAFF_ACTIONS)[]) {
      for (const locale of LOCALES) {
        const r = email('action_required', locale, { ...SAMPLES.action_required, action });
        expect(r.text).toContain(STAFF_ACTIONS[action][locale][1]);
      }
    }
  });

  it('greets the recipient and marks overdue reminders', () => {
    const r = email(
      'action_required',
      'en',
      { ...SAMPLES.action_required, action: 'offer_approval', overdue: true, dueAt: '2025-03-21T09:30:00Z' },
      { recipientName: 'Grace' },
    );
    expect(r.subject).toBe('Overdue: Offer approval for Ada Lovelace');
    expect(r.text).toContain('Hello Grace,');
    expect(r.text).toContain(
      'You owe an offer approval for Ada Lovelace (Backend Engineer) by Friday 21 March 2025 09:30 UTC',
    );
  });
});

describe('delivery_failed', () => {
  it('names the failed message by its label in the reader language', () => {
    expect(email('delivery_failed', 'en', SAMPLES.delivery_failed).text).toContain(
      '"Interview acknowledgement"',
    );
    expect(email('delivery_failed', 'zh-CN', SAMPLES.delivery_failed).text).toContain('“面试完成确认”');
  });
});

describe('bad input', () => {
  it('refuses unknown templates, bad data and channels a template does not have', () => {
    expect(() => renderMessage({ template: 'nope', locale: 'en', channel: 'email', data: {} })).toThrow(
      UnknownTemplateError,
    );
    expect(() =>
      email('interview_acknowledgement', 'en', { ...SAMPLES.interview_acknowledgement, accuracy: 1.5 }),
    ).toThrow(/accuracy/);
    expect(() => email('interview_acknowledgement', 'en', { candidateName: 'x' })).toThrow(TemplateDataError);
    expect(() =>
      renderMessage({
        template: 'decision_overdue',
        locale: 'en',
        channel: 'sms',
        data: SAMPLES.decision_overdue,
      }),
    ).toThrow(TemplateDataError);
  });
});

describe('escaping, field by field (offer and onboarding templates)', () => {
  const evil = '<img src=x onerror=alert(1)> & "q"';
  const escaped = '&lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot;';
  type TCase = [TTemplateName, Record<string, unknown>];
  const evilIn = (name: TTemplateName, base: object, fields: readonly string[]): TCase[] =>
    fields.map((f) => [name, { ...base, [f]: evil }]);
  const OFFER_FIELDS = ['candidateName', 'jobTitle', 'companyName', 'position'];
  /** Every user-supplied text field of each template, each made evil on its own. */
  const FIELDS: TCase[] = [
    ...evilIn('offer_sent', SAMPLES.offer_sent, OFFER_FIELDS),
    ...evilIn('offer_sent', { ...SAMPLES.offer_sent, revised: true }, OFFER_FIELDS),
    ...evilIn('offer_reminder', SAMPLES.offer_reminder, OFFER_FIELDS),
    ...evilIn('offer_expired', SAMPLES.offer_expired, OFFER_FIELDS),
    ...OFFER_EVENTS.flatMap((event) =>
      evilIn('offer_event', { ...SAMPLES.offer_event, event }, ['candidateName', 'jobTitle', 'comment']),
    ),
    // The actor is named where staff acted; the other events are the candidate's or the clock's.
    ...(['approved', 'approval_rejected', 'sent', 'delegated'] as const).flatMap((event) =>
      evilIn('offer_event', { ...SAMPLES.offer_event, event }, ['actorName']),
    ),
    ...evilIn('onboarding_notice', SAMPLES.onboarding_notice, [
      'candidateName',
      'jobTitle',
      'companyName',
      'officeAddress',
      'employeeNumber',
    ]),
    ['onboarding_notice', { ...SAMPLES.onboarding_notice, documentsToBring: ['Passport', evil] }],
    ...evilIn('document_rejected', SAMPLES.document_rejected, ['candidateName', 'companyName', 'reason']),
    ...(['task_due_soon', 'task_overdue'] as const).flatMap((event) =>
      evilIn('onboarding_event', { ...SAMPLES.onboarding_event, event }, [
        'employeeName',
        'employeeNumber',
        'taskTitle',
      ]),
    ),
    ...evilIn('onboarding_event', { ...SAMPLES.onboarding_event, event: 'milestone', milestone: 'Day one' }, [
      'employeeName',
      'employeeNumber',
      'milestone',
    ]),
  ];

  it.each(FIELDS)('%s: %j arrives as text', (name, data) => {
    for (const locale of LOCALES) {
      const r = email(name, locale, data);
      expect(r.html).not.toContain('<img');
      expect(r.html).toContain(escaped);
      // plain text and subject are not HTML: shown as typed (some fields only make the subject)
      expect(`${r.subject}\n${r.text}`).toContain(evil);
    }
  });
});

describe('offer_sent', () => {
  const data = SAMPLES.offer_sent;

  it('carries the offer link in both parts and the expiry, in both languages', () => {
    const en = email('offer_sent', 'en', data);
    expect(en.subject).toBe('Your offer from Acme: Backend Engineer');
    expect(en.text).toContain(OFFER_URL);
    expect(en.html).toContain(`href="${OFFER_URL}"`);
    expect(en.text).toContain('before Wednesday 26 March 2025 10:00 UTC');
    expect(en.html).toContain('<strong>Wednesday 26 March 2025 10:00 UTC</strong>');
    expect(en.text).toContain(
      'the position of Senior Backend Engineer at Acme, following your application for Backend Engineer',
    );
    expect(en.text).toContain('Offer version 1');
    expect(en.text).not.toMatch(/updated/);

    const zh = email('offer_sent', 'zh-CN', data);
    expect(zh.subject).toBe('您的Acme录用通知：Backend Engineer');
    expect(zh.text).toContain(OFFER_URL);
    expect(zh.html).toContain(`href="${OFFER_URL}"`);
    expect(zh.text).toContain('请在2025年3月26日（星期三） 10:00 UTC前');
    expect(zh.html).toContain('2025年3月26日（星期三） 10:00 UTC');
  });

  it('says the offer was updated when revised', () => {
    const en = email('offer_sent', 'en', { ...data, revised: true, version: 3 });
    expect(en.subject).toBe('Your updated offer from Acme: Backend Engineer');
    expect(en.text).toContain('has been updated');
    expect(en.text).toContain('Offer version 3');
    const zh = email('offer_sent', 'zh-CN', { ...data, revised: true, version: 3 });
    expect(zh.subject).toBe('您的Acme录用通知已更新：Backend Engineer');
    expect(zh.text).toContain('已更新');
    expect(zh.text).toContain('第3版');
  });

  it('does not repeat the job when the position is the same', () => {
    const r = email('offer_sent', 'en', { ...data, position: 'Backend Engineer' });
    expect(r.text).not.toContain('following your application');
  });

  it('refuses an expiry that is not an instant and a link that is not http(s)', () => {
    expect(() => email('offer_sent', 'en', { ...data, expiresAt: 'next week' })).toThrow(/expiresAt/);
    expect(() => email('offer_sent', 'en', { ...data, offerUrl: 'javascript:alert(1)' })).toThrow(/offerUrl/);
  });
});

describe('offer_reminder', () => {
  const shortUrl = 'https://acme.hr/o/a1B2c3';
  const data = { ...SAMPLES.offer_reminder, offerUrl: shortUrl };
  const sms = (locale: TLocale, d: unknown = data) => {
    const r = renderMessage({ template: 'offer_reminder', locale, channel: 'sms', data: d });
    if (r.channel !== 'sms') throw new Error('expected an SMS');
    return r.text;
  };

  it('fits one 160-character GSM SMS in English with a short link, and carries the link and expiry', () => {
    const text = sms('en');
    expect(text).toContain(shortUrl);
    expect(text).toContain('26 Mar 2025 10:00 UTC');
    expect(text.length).toBeLessThanOrEqual(160);
    expect(text).toMatch(/^[\x20-\x7e]+$/);
  });

  it('is compact in Chinese and carries the link', () => {
    const text = sms('zh-CN');
    expect(text).toContain(shortUrl);
    expect(text).toContain('3月26日');
    expect(text.length).toBeLessThanOrEqual(90);
  });

  it('the e-mail reminds, links and tells the expiry', () => {
    const en = email('offer_reminder', 'en', data);
    expect(en.subject).toBe('Reminder: your offer from Acme for Backend Engineer awaits your answer');
    expect(en.text).toContain(shortUrl);
    expect(en.html).toContain(`href="${shortUrl}"`);
    expect(en.text).toContain('It expires on Wednesday 26 March 2025 10:00 UTC');
    const zh = email('offer_reminder', 'zh-CN', data);
    expect(zh.text).toContain('2025年3月26日（星期三） 10:00 UTC失效');
    expect(zh.html).toContain(`href="${shortUrl}"`);
  });
});

describe('offer_expired', () => {
  it('says the offer expired and to contact HR', () => {
    const en = email('offer_expired', 'en', SAMPLES.offer_expired);
    expect(en.subject).toBe('Your offer from Acme for Backend Engineer has expired');
    expect(en.text).toContain('expired on Wednesday 26 March 2025 10:00 UTC without an answer');
    expect(en.text).toContain('contact our HR team');
    const zh = email('offer_expired', 'zh-CN', SAMPLES.offer_expired);
    expect(zh.text).toContain('已于2025年3月26日（星期三） 10:00 UTC失效');
    expect(zh.text).toContain('人力资源团队');
  });
});

describe('offer_event', () => {
  const SUBJECTS: Record<TOfferEvent, [en: string, zh: string]> = {
    approved: ['Offer approved: Ada Lovelace (v2)', '录用通知已审批通过：Ada Lovelace（v2）'],
    approval_rejected: [
      'Offer approval rejected: Ada Lovelace (v2)',
      '录用通知审批被驳回：Ada Lovelace（v2）',
    ],
    sent: ['Offer sent: Ada Lovelace (v2)', '录用通知已发送：Ada Lovelace（v2）'],
    viewed: ['Offer viewed: Ada Lovelace (v2)', '录用通知已查看：Ada Lovelace（v2）'],
    reminder_sent: ['Offer reminder sent: Ada Lovelace (v2)', '录用通知提醒已发送：Ada Lovelace（v2）'],
    accepted: ['Offer accepted: Ada Lovelace (v2)', '录用通知已接受：Ada Lovelace（v2）'],
    declined: ['Offer declined: Ada Lovelace (v2)', '录用通知已被拒绝：Ada Lovelace（v2）'],
    expired: ['Offer expired: Ada Lovelace (v2)', '录用通知已失效：Ada Lovelace（v2）'],
    delegated: ['Offer approval delegated: Ada Lovelace (v2)', '录用审批已转交：Ada Lovelace（v2）'],
  };

  it.each(OFFER_EVENTS)('%s has its own subject in both languages', (event) => {
    const [en, zh] = SUBJECTS[event];
    expect(email('offer_event', 'en', { ...SAMPLES.offer_event, event }).subject).toBe(en);
    expect(email('offer_event', 'zh-CN', { ...SAMPLES.offer_event, event }).subject).toBe(zh);
  });

  it('shows the approver and the rejection comment, and the decline reason', () => {
    const rejected = email(
      'offer_event',
      'en',
      {
        ...SAMPLES.offer_event,
        event: 'approval_rejected',
        actorName: 'Grace Hopper',
        comment: 'Salary above band.',
      },
      { recipientName: 'Hal' },
    );
    expect(rejected.text).toContain('Hello Hal,');
    expect(rejected.text).toContain(
      'Grace Hopper rejected offer v2 for Ada Lovelace (Backend Engineer). It is back in drafting.',
    );
    expect(rejected.text).toContain("Approver's comment: Salary above band.");
    const zh = email('offer_event', 'zh-CN', {
      ...SAMPLES.offer_event,
      event: 'approval_rejected',
      actorName: 'Grace Hopper',
      comment: '薪资超出范围。',
    });
    expect(zh.text).toContain('Grace Hopper驳回了Ada Lovelace（Backend Engineer）的录用通知（第2版）');
    expect(zh.text).toContain('审批意见：薪资超出范围。');
    const declined = email('offer_event', 'zh-CN', {
      ...SAMPLES.offer_event,
      event: 'declined',
      comment: '已接受其他机会',
    });
    expect(declined.text).toContain('拒绝原因：已接受其他机会');
    expect(declined.html).toContain('href="https://hire.example.com/applications/7d6f1f0e"');
  });
});

describe('onboarding_notice', () => {
  const data = SAMPLES.onboarding_notice;

  it('lists every document to bring, in text and HTML, in both languages', () => {
    for (const locale of LOCALES) {
      const r = email('onboarding_notice', locale, data);
      for (const doc of data.documentsToBring) {
        expect(r.text).toContain(`- ${doc}`);
        expect(r.html).toContain(`<li>${doc}</li>`);
      }
      expect(r.html).not.toMatch(/<p[^>]*>\s*<ul/);
    }
  });

  it('tells the start date, address, employee number and portal link', () => {
    const en = email('onboarding_notice', 'en', data);
    expect(en.subject).toBe('Welcome to Acme: you start on Monday 7 April 2025');
    expect(en.text).toContain('Your first day: Monday 7 April 2025');
    expect(en.text).toContain('Your employee number: E2025-00042');
    expect(en.text).toContain('Acme Ltd\n1 Main Street\nSpringfield');
    expect(en.html).toContain('Acme Ltd<br>1 Main Street<br>Springfield');
    expect(en.text).toContain(data.portalUrl);
    expect(en.html).toContain(`href="${data.portalUrl}"`);
    const zh = email('onboarding_notice', 'zh-CN', data);
    expect(zh.subject).toBe('欢迎加入Acme：您的入职日期为2025年4月7日（星期一）');
    expect(zh.text).toContain('员工编号：E2025-00042');
    expect(zh.html).toContain(`href="${data.portalUrl}"`);
  });

  it('leaves the list out when there is nothing to bring', () => {
    const r = email('onboarding_notice', 'en', { ...data, documentsToBring: [] });
    expect(r.text).not.toContain('Please bring');
    expect(r.html).not.toContain('<ul');
  });
});

describe('document_rejected', () => {
  it.each(Object.keys(DOCUMENT_KINDS) as (keyof typeof DOCUMENT_KINDS)[])(
    '%s is named in the reader language',
    (documentKind) => {
      for (const locale of LOCALES) {
        const r = email('document_rejected', locale, { ...SAMPLES.document_rejected, documentKind });
        expect(r.subject).toContain(DOCUMENT_KINDS[documentKind][locale][1]);
        expect(r.text).toContain(DOCUMENT_KINDS[documentKind][locale][1]);
        expect(r.text).toContain('The scan is unreadable.');
        expect(r.html).toContain(`href="${SAMPLES.document_rejected.portalUrl}"`);
      }
    },
  );

  it('reads naturally', () => {
    expect(email('document_rejected', 'en', SAMPLES.document_rejected).subject).toBe(
      'Please upload your diploma again',
    );
    expect(email('document_rejected', 'zh-CN', SAMPLES.document_rejected).subject).toBe(
      '请重新上传您的学历证书',
    );
  });
});

describe('onboarding_event', () => {
  const data = SAMPLES.onboarding_event;

  it('words each event in both languages', () => {
    expect(email('onboarding_event', 'en', data).subject).toBe(
      'Onboarding task due soon: Computer and badge (Ada Lovelace)',
    );
    expect(email('onboarding_event', 'en', data).text).toContain(
      'The onboarding task "Computer and badge" for Ada Lovelace (E2025-00042) is due on Friday 4 April 2025.',
    );
    expect(email('onboarding_event', 'zh-CN', data).subject).toBe(
      '入职任务即将到期：Computer and badge（Ada Lovelace）',
    );
    const overdue = { ...data, event: 'task_overdue' } as const;
    expect(email('onboarding_event', 'en', overdue).subject).toBe(
      'Onboarding task overdue: Computer and badge (Ada Lovelace)',
    );
    expect(email('onboarding_event', 'zh-CN', overdue).text).toContain(
      '已于2025年4月4日（星期五）到期，至今尚未完成',
    );
    const milestone = {
      event: 'milestone',
      employeeName: 'Ada Lovelace',
      employeeNumber: 'E2025-00042',
      milestone: 'All documents received',
      link: 'https://hire.example.com/employees/42',
    } as const;
    expect(email('onboarding_event', 'en', milestone).subject).toBe(
      'Onboarding milestone for Ada Lovelace: All documents received',
    );
    expect(email('onboarding_event', 'zh-CN', milestone).subject).toBe(
      'Ada Lovelace的入职里程碑：All documents received',
    );
    expect(email('onboarding_event', 'en', milestone).html).toContain(
      'href="https://hire.example.com/employees/42"',
    );
  });

  it('refuses a task event without its task and a milestone without its name', () => {
    expect(() => email('onboarding_event', 'en', { ...data, taskTitle: undefined })).toThrow(/taskTitle/);
    expect(() =>
      email('onboarding_event', 'en', { ...data, event: 'task_overdue', dueDate: undefined }),
    ).toThrow(/dueDate/);
    expect(() => email('onboarding_event', 'en', { ...data, event: 'milestone' })).toThrow(/milestone/);
  });
});
