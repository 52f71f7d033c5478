/**
 * What offer letters and signature pages say, in each candidate locale, and how they
 * write money and dates. Formatting never reads the clock or the process time zone, so
 * the same input always gives the same words.
 */
import type { TLocale, TMoney } from '../../domain/contracts/common';
import { EN_MONTHS } from '../notifications/templates/format';

export const LETTER_WORDING = {
  en: {
    title: 'Offer of Employment',
    dear: (name: string) => `Dear ${name},`,
    intro: (company: string, position: string) =>
      `We are pleased to offer you the position of ${position} at ${company}, on the terms set out below.`,
    position: 'Position',
    salary: 'Salary',
    startDate: 'Start date',
    validUntil: 'Offer valid until',
    benefits: 'Benefits',
    terms: 'Terms and conditions',
    period: { year: 'per year', month: 'per month', hour: 'per hour' },
    accept: (expiry: string) =>
      `To accept this offer, sign and date it below, or accept it online, by ${expiry}. ` +
      'If it has not been accepted by then, the offer lapses.',
    closing: ['We look forward to welcoming you.', 'Yours sincerely,'],
    acceptedBy: 'Accepted by:',
    signDate: 'Date:',
    footer: (company: string, version: number) => `${company} · Offer version ${version}`,
    page: (i: number, n: number) => `Page ${i} of ${n}`,
  },
  'zh-CN': {
    title: '录用通知书',
    dear: (name: string) => `尊敬的${name}：`,
    intro: (company: string, position: string) =>
      `我们很高兴地通知您，${company}决定录用您担任${position}一职。具体录用条件如下：`,
    position: '职位',
    salary: '薪酬',
    startDate: '入职日期',
    validUntil: '本通知有效期至',
    benefits: '福利待遇',
    terms: '条款与条件',
    period: { year: '每年', month: '每月', hour: '每小时' },
    accept: (expiry: string) =>
      `如您接受本录用通知，请于${expiry}前在下方签字并注明日期，或在线确认接受。逾期未接受的，本录用通知自动失效。`,
    closing: ['我们期待您的加入。', '此致', '敬礼！'],
    acceptedBy: '接受人（签字）：',
    signDate: '日期：',
    footer: (company: string, version: number) => `${company} · 录用通知书第 ${version} 版`,
    page: (i: number, n: number) => `第 ${i} 页，共 ${n} 页`,
  },
} as const;

export const SIGNATURE_WORDING = {
  en: {
    title: 'Electronic signature record',
    statement: (version: number, pages: number) =>
      `The offer letter on ${pages === 1 ? 'page 1' : `pages 1–${pages}`} of this document (offer version ${version}) was accepted and ` +
      'signed electronically by the person named below, who typed their full name and consented to sign electronically.',
    signedBy: 'Signed by',
    signedAt: 'Signed at',
    ip: 'IP address',
    userAgent: 'User agent',
    originalSha256: 'SHA-256 of the original letter',
    offerVersion: 'Offer version',
    note:
      'The original letter is also attached to this file unchanged: its SHA-256 is the value above, ' +
      'so any change to the letter can be detected.',
    footer: (version: number) => `Offer version ${version} · Signature page`,
  },
  'zh-CN': {
    title: '电子签名记录',
    statement: (version: number, pages: number) =>
      `本文件${pages === 1 ? '第 1 页' : `第 1–${pages} 页`}的录用通知书（第 ${version} 版）已由下列签署人输入本人全名并同意以电子方式签署，予以接受。`,
    signedBy: '签署人',
    signedAt: '签署时间',
    ip: 'IP 地址',
    userAgent: '浏览器标识',
    originalSha256: '原通知书 SHA-256',
    offerVersion: '录用通知版本',
    note: '原录用通知书已原样附在本文件中，其 SHA-256 即为上述值，对通知书的任何改动都可以被发现。',
    footer: (version: number) => `录用通知书第 ${version} 版 · 签署页`,
  },
} as const;

/** "CNY 360,000 per year", "USD 45.50 per hour"; zh-CN: "每年 CNY 360,000". */
export function formatSalary(salary: TMoney, locale: TLocale): string {
  const amount = new Intl.NumberFormat('en-US', {
    minimumFractionDigits: Number.isInteger(salary.amount) ? 0 : 2,
    maximumFractionDigits: 2,
  }).format(salary.amount);
  const money = `${salary.currency} ${amount}`;
  const period = LETTER_WORDING[locale].period[salary.period];
  return locale === 'zh-CN' ? `${period} ${money}` : `${money} ${period}`;
}

/** A calendar date ('YYYY-MM-DD'): "1 March 2026" / "2026年3月1日". */
export function formatDate(date: string, locale: TLocale): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d)
    throw new RangeError(`no such date: ${date}`);
  return locale === 'zh-CN' ? `${y}年${mo}月${d}日` : `${d} ${EN_MONTHS[mo - 1]} ${y}`;
}

/** The calendar date of an instant in a time zone, as 'YYYY-MM-DD'. */
export function dateIn(iso: string, timeZone: string): string {
  const p = instantParts(iso, timeZone);
  return `${p.year}-${p.month}-${p.day}`;
}

/** An instant in a time zone: "8 March 2026, 18:00 (UTC)" / "2026年3月8日 18:00（UTC）". */
export function formatDateTime(iso: string, timeZone: string, locale: TLocale): string {
  const p = instantParts(iso, timeZone);
  const date = formatDate(`${p.year}-${p.month}-${p.day}`, locale);
  return locale === 'zh-CN'
    ? `${date} ${p.hour}:${p.minute}（${timeZone}）`
    : `${date}, ${p.hour}:${p.minute} (${timeZone})`;
}

/** An instant in UTC to the second, the same in every locale: "2026-03-02 09:15:30 UTC". */
export function formatUtcSeconds(iso: string): string {
  const at = parseInstant(iso);
  return `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function parseInstant(iso: string): Date {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) throw new RangeError(`not an ISO date-time: ${iso}`);
  return at;
}

function instantParts(iso: string, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(parseInstant(iso));
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
  };
}
