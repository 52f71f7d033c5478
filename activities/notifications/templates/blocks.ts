/** Building blocks shared by the offer and onboarding templates. */
import type { TLocale } from '../../../domain/contracts/common';
import { formatShortDate } from './format';
import { button, markup, paragraphs, SafeHtml, type THtmlValue } from './html';

/** Block-level HTML (a button, a list): `section` puts it between paragraphs, never inside one. */
export class SafeBlock extends SafeHtml {}

/**
 * Like `paragraphs`, but a SafeBlock stays a block of its own, so the HTML never nests a
 * <p> or <ul> inside a <p> (which browsers "repair" into stray empty paragraphs).
 */
export function section(...items: THtmlValue[]): SafeHtml {
  return new SafeHtml(
    items
      .filter((i) => i !== null && i !== undefined && i !== false && i !== '')
      .map((i) => (i instanceof SafeBlock ? i.value : paragraphs(i).value))
      .join('\n'),
  );
}

/** The call-to-action button, as a block. */
export const cta = (href: string, label: string): SafeBlock => new SafeBlock(button(href, label).value);

/** A bulleted list, as a block; each item is escaped unless it is already SafeHtml. */
export const bulletList = (items: readonly THtmlValue[]): SafeBlock =>
  new SafeBlock(
    markup`<ul style="margin:0 0 16px 20px;padding:0">${items.map((i) => markup`<li>${i}</li>`)}</ul>`.value,
  );

/** The same list in plain text, one "- item" a line. */
export const textList = (items: readonly string[]): string => items.map((i) => `- ${i}`).join('\n');

/** Multi-line user text (an address): every line escaped, joined by <br>. */
export const lines = (text: string): SafeHtml =>
  markup`${text.split(/\r?\n/).map((line, i) => [i > 0 ? new SafeHtml('<br>') : null, line])}`;

/** Small grey print at the foot of a message (versions, reference numbers). */
export const footnote = (content: THtmlValue): SafeHtml =>
  markup`<span style="color:#59636e;font-size:13px">${content}</span>`;

/** Greeting for staff messages. */
export const staffGreeting = (locale: TLocale, name: string | undefined): string =>
  locale === 'zh-CN' ? (name ? `${name}，您好：` : '您好：') : name ? `Hello ${name},` : 'Hello,';

/**
 * An instant as short as an SMS wants it: "26 Mar 2025 10:00 UTC" / "3月26日 10:00 (UTC)".
 * ASCII only in English, so an English SMS stays in the 160-character GSM alphabet.
 */
export function formatShortInstant(value: string, locale: TLocale): string {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new RangeError(`not an instant: ${value}`);
  const hhmm = `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  return locale === 'zh-CN'
    ? `${formatShortDate(value, locale)} ${hhmm}（UTC）`
    : `${formatShortDate(value, locale)} ${hhmm} UTC`;
}
