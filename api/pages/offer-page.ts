/**
 * The candidate's offer page: plain server-rendered HTML that works on a phone and
 * needs no script (forms post back to the same address). Everything shown is escaped.
 */
import type { TLocale } from '../../domain/contracts/common';
import type { TOfferVersion } from '../../workflows/messages';

export const esc = (s: string | number | null | undefined) =>
  String(s ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

const T = {
  en: {
    title: 'Your offer',
    position: 'Position',
    salary: 'Salary',
    benefits: 'Benefits',
    start: 'Start date',
    terms: 'Terms',
    expires: 'Please answer by',
    pdf: 'Download the offer letter (PDF)',
    accept: 'Accept and sign',
    typeName: 'Type your full name to sign',
    consent: 'I agree to sign this offer electronically and accept its terms.',
    decline: 'Decline the offer',
    reason: 'Reason (optional)',
    accepted: 'You accepted this offer. Welcome aboard! A signed copy has been stored and HR has been told.',
    declined: 'You declined this offer. Thank you for letting us know.',
    superseded: 'This offer has been replaced by a newer version. Please use the link in the latest e-mail.',
    expired: 'This offer has expired. Please contact HR if you are still interested.',
    invalid: 'This link is not valid. Please use the link from your e-mail.',
    signedCopy: 'Download your signed copy (PDF)',
    per: { year: 'per year', month: 'per month', hour: 'per hour' },
  },
  'zh-CN': {
    title: '您的录用通知',
    position: '职位',
    salary: '薪酬',
    benefits: '福利',
    start: '入职日期',
    terms: '条款',
    expires: '请在此时间前答复',
    pdf: '下载录用通知书（PDF）',
    accept: '接受并签署',
    typeName: '请输入您的全名以签署',
    consent: '我同意以电子方式签署本录用通知并接受其条款。',
    decline: '拒绝录用',
    reason: '原因（可选）',
    accepted: '您已接受此录用通知，欢迎加入！签署副本已保存，HR 已收到通知。',
    declined: '您已拒绝此录用通知，感谢告知。',
    superseded: '此录用通知已被新版本取代，请使用最新邮件中的链接。',
    expired: '此录用通知已过期。如仍有意向，请联系 HR。',
    invalid: '此链接无效，请使用邮件中的链接。',
    signedCopy: '下载签署副本（PDF）',
    per: { year: '每年', month: '每月', hour: '每小时' },
  },
} as const;

function page(locale: TLocale, title: string, body: string): string {
  return `<!doctype html>
<html lang="${locale === 'zh-CN' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI","PingFang SC","Noto Sans SC",sans-serif;margin:0;background:#f6f8fa;color:#1f2328}
main{max-width:640px;margin:0 auto;padding:20px}
.card{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:20px;margin:0 0 16px}
h1{font-size:1.4rem;margin:0 0 12px} dt{font-weight:600;margin-top:10px} dd{margin:2px 0 0}
label{display:block;margin:12px 0 4px} input[type=text],textarea{width:100%;box-sizing:border-box;padding:10px;font-size:1rem;border:1px solid #d0d7de;border-radius:6px}
button{margin-top:14px;padding:12px 18px;font-size:1rem;border:0;border-radius:6px;background:#1f883d;color:#fff;width:100%}
button,input,textarea{font:inherit} button.secondary{background:#cf222e} .error{color:#cf222e;font-weight:600} .notice{font-size:1.05rem}
</style></head><body><main>${body}</main></body></html>`;
}

export function messagePage(locale: TLocale, kind: 'superseded' | 'expired' | 'invalid', id: string): string {
  return page(locale, T[locale].title, `<div class="card" id="${id}"><p class="notice">${esc(T[locale][kind])}</p></div>`);
}

export interface OfferPageData {
  locale: TLocale;
  companyName: string;
  candidateName: string;
  offer: TOfferVersion;
  pdfUrl: string;
  signedPdfUrl: string;
  formAction: string;
  error?: string;
}

const money = (amount: number, currency: string) => `${currency} ${Math.round(amount).toLocaleString('en-US')}`;

export function offerPage(d: OfferPageData): string {
  const t = T[d.locale];
  const o = d.offer.offer;
  const details = `<div class="card"><h1>${esc(d.companyName)}: ${esc(t.title)}</h1>
<p>${esc(d.candidateName)}</p>
<dl>
<dt>${esc(t.position)}</dt><dd id="position">${esc(o.position)}</dd>
<dt>${esc(t.salary)}</dt><dd id="salary">${esc(money(o.salary.amount, o.salary.currency))} ${esc(t.per[o.salary.period])}</dd>
<dt>${esc(t.benefits)}</dt><dd><ul>${o.benefits.map((b) => `<li>${esc(b)}</li>`).join('')}</ul></dd>
<dt>${esc(t.start)}</dt><dd id="start-date">${esc(o.startDate)}</dd>
${o.terms ? `<dt>${esc(t.terms)}</dt><dd style="white-space:pre-wrap">${esc(o.terms)}</dd>` : ''}
<dt>${esc(t.expires)}</dt><dd id="expires">${esc(d.offer.expiresAt?.replace('T', ' ').slice(0, 16))} UTC</dd>
</dl>
<p><a id="pdf" href="${esc(d.pdfUrl)}">${esc(t.pdf)}</a></p></div>`;
  if (d.offer.response?.kind === 'accepted') {
    return page(
      d.locale,
      t.title,
      `${details}<div class="card" id="accepted"><p class="notice">${esc(t.accepted)}</p><p><a href="${esc(d.signedPdfUrl)}">${esc(t.signedCopy)}</a></p></div>`,
    );
  }
  if (d.offer.response?.kind === 'declined') {
    return page(d.locale, t.title, `${details}<div class="card" id="declined"><p class="notice">${esc(t.declined)}</p></div>`);
  }
  const error = d.error ? `<p class="error" id="error" role="alert">${esc(d.error)}</p>` : '';
  return page(
    d.locale,
    t.title,
    `${details}
<form class="card" method="post" action="${esc(d.formAction)}">
${error}
<input type="hidden" name="action" value="accept">
<label for="signatureName">${esc(t.typeName)}</label>
<input type="text" id="signatureName" name="signatureName" autocomplete="name" required maxlength="200">
<label><input type="checkbox" id="consent" name="consent" value="true" required> ${esc(t.consent)}</label>
<button type="submit" id="accept">${esc(t.accept)}</button>
</form>
<form class="card" method="post" action="${esc(d.formAction)}">
<input type="hidden" name="action" value="decline">
<label for="reason">${esc(t.reason)}</label>
<textarea id="reason" name="reason" rows="3" maxlength="2000"></textarea>
<button type="submit" class="secondary" id="decline">${esc(t.decline)}</button>
</form>`,
  );
}
