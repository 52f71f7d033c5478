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
import type { TLocale } from '../../domain/contracts/common';

const LOCALES: TLocale[] = ['en', 'zh-CN'];
const APP_ID = '7d6f1f0e-3c1b-4a43-9f59-5d0c1c1e2a10';

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
  delivery_failed: {
    candidateName: 'Ada Lovelace',
    channel: 'email',
    recipient: 'ada@example.com',
    failedTemplate: 'interview_acknowledgement',
    reason: '550 5.1.1 mailbox unavailable',
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
      delivery_failed: {
        ...SAMPLES.delivery_failed,
        candidateName: evil,
        jobTitle: evil,
        reason: evil,
        recipient: evil,
      },
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
