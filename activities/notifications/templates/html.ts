/**
 * HTML built only through the `markup` tag: every interpolated value is escaped unless it
 * is already SafeHtml, so user data (a candidate named `<script>`) always arrives as text.
 * (Not called `html`: Prettier would reformat the tagged templates as HTML documents,
 * changing the markup that is sent.)
 */
import type { TLocale } from '../../../domain/contracts/common';

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type THtmlValue = SafeHtml | string | number | null | undefined | false | readonly THtmlValue[];

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function toHtml(v: THtmlValue): string {
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(toHtml).join('');
  if (v === null || v === undefined || v === false) return '';
  return escapeHtml(String(v));
}

export function markup(strings: TemplateStringsArray, ...values: THtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += toHtml(v) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

const P = '<p style="margin:0 0 16px">';

/** A paragraph per entry; plain strings are escaped, and their line breaks become <br>. */
export function paragraphs(...items: THtmlValue[]): SafeHtml {
  return new SafeHtml(
    items
      .filter((i) => i !== null && i !== undefined && i !== false && i !== '')
      .map((i) =>
        typeof i === 'string' ? `${P}${escapeHtml(i).replace(/\r?\n/g, '<br>')}</p>` : `${P}${toHtml(i)}</p>`,
      )
      .join('\n'),
  );
}

const BUTTON_STYLE =
  'display:inline-block;padding:10px 18px;background:#1f6feb;color:#ffffff;text-decoration:none;border-radius:6px';

export function button(href: string, label: string): SafeHtml {
  return markup`<p style="margin:24px 0"><a href="${href}" style="${BUTTON_STYLE}">${label}</a></p>`;
}

const BODY_STYLE = 'margin:0;padding:24px;background:#f5f6f8';
const CARD_STYLE = [
  'max-width:560px;margin:0 auto;padding:24px;background:#ffffff;border-radius:8px;color:#1f2328',
  "font-family:-apple-system,'Segoe UI',Helvetica,Arial,'PingFang SC','Microsoft YaHei',sans-serif",
  'font-size:15px;line-height:1.6',
].join(';');

/** The document around a template's body. The tracking pixel goes in just before </body>. */
export function layout({
  locale,
  title,
  body,
}: {
  locale: TLocale;
  title: string;
  body: SafeHtml;
}): SafeHtml {
  return markup`<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
</head>
<body style="${BODY_STYLE}">
<div style="${CARD_STYLE}">
${body}
</div>
</body>
</html>`;
}

/** Appends the pixel as the last element of the body. */
export function withPixel(doc: string, src: string): string {
  const img = markup`<img src="${src}" width="1" height="1" alt="">`.value;
  const at = doc.lastIndexOf('</body>');
  return at === -1 ? `${doc}${img}` : `${doc.slice(0, at)}${img}\n${doc.slice(at)}`;
}
