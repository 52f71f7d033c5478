/**
 * Flowing text onto A4 pages with pdf-lib: line wrapping that works for Chinese (no
 * spaces: any character may end a line) as well as for Latin words, and a writer that
 * opens a new page when the next block does not fit.
 */
import { rgb, type PDFDocument, type PDFFont, type PDFPage } from 'pdf-lib';
import type { TOfferFontWeight } from './fonts';

export const A4: [number, number] = [595.28, 841.89];
export const MARGIN = { top: 56, right: 64, bottom: 76, left: 64 } as const;
export const FOOTER_Y = 40;
export const INK = rgb(0.1, 0.1, 0.12);
export const MUTED = rgb(0.42, 0.42, 0.46);
export const RULE = rgb(0.78, 0.78, 0.8);

/** Scripts written without spaces: a line may break before any of their characters. */
const BREAK_ANYWHERE =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff00-\uffef]/u;
/** Punctuation that may not begin a line: it hangs at the end of the previous one instead. */
const NO_LINE_START = new Set([...'，。、；：！？）》」』】〕〉…’”,.;:!?)]}%']);

/** Words, single spaces, and single characters of scripts written without spaces. */
function segments(paragraph: string): string[] {
  const out: string[] = [];
  let word = '';
  for (const ch of paragraph) {
    if (ch === ' ' || BREAK_ANYWHERE.test(ch)) {
      if (word) out.push(word);
      word = '';
      out.push(ch);
    } else {
      word += ch;
    }
  }
  if (word) out.push(word);
  return out;
}

/**
 * Lines of at most `maxWidth` as measured by `measure`. Breaks at spaces and between
 * CJK characters; a word longer than a line (a URL, a user agent) is cut by character.
 * Each '\n' starts a new line; an empty paragraph gives an empty line.
 */
export function wrapText(text: string, maxWidth: number, measure: (s: string) => number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    let width = 0;
    let space = false;
    const flush = () => {
      lines.push(line);
      line = '';
      width = 0;
      space = false;
    };
    for (const seg of segments(paragraph)) {
      if (seg === ' ') {
        space = line !== '';
        continue;
      }
      const sep = space ? ' ' : '';
      const w = measure(sep + seg);
      if (width + w <= maxWidth || (line !== '' && !space && NO_LINE_START.has(seg))) {
        line += sep + seg;
        width += w;
        space = false;
        continue;
      }
      if (line !== '') flush();
      const alone = measure(seg);
      if (alone <= maxWidth) {
        line = seg;
        width = alone;
        continue;
      }
      for (const ch of seg) {
        const cw = measure(ch);
        if (line !== '' && width + cw > maxWidth) flush();
        line += ch;
        width += cw;
      }
    }
    lines.push(line);
  }
  return lines;
}

/** Control characters other than '\n' would draw as boxes; tabs become spaces. */
export const cleanText = (s: string) =>
  s
    .replace(/\r\n?/g, '\n')
    .replace(/\t/g, ' ')
    .replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, '');

/**
 * Advance widths at size 1, per weight and character. They are properties of the font
 * file, the same in every document, so one cache serves the process.
 */
const advanceCache = new Map<string, number>();

export interface TLetterFonts {
  regular: PDFFont;
  bold: PDFFont;
}

export interface TTextStyle {
  weight?: TOfferFontWeight;
  size?: number;
  color?: ReturnType<typeof rgb>;
  /** Line height as a multiple of the size. */
  leading?: number;
}

export class PageWriter {
  readonly pages: PDFPage[] = [];
  /** Where the next line's top goes, in points from the bottom of the page. */
  y = 0;
  private page!: PDFPage;

  constructor(
    private readonly doc: PDFDocument,
    private readonly fonts: TLetterFonts,
    private readonly size: [number, number] = A4,
  ) {
    this.newPage();
  }

  get left() {
    return MARGIN.left;
  }
  get right() {
    return this.size[0] - MARGIN.right;
  }
  get width() {
    return this.right - this.left;
  }
  get current() {
    return this.page;
  }

  newPage() {
    this.page = this.doc.addPage(this.size);
    this.pages.push(this.page);
    this.y = this.size[1] - MARGIN.top;
  }

  /** Starts a new page unless `height` more points fit above the bottom margin. */
  ensure(height: number) {
    if (this.y - height < MARGIN.bottom) this.newPage();
  }

  measure(text: string, weight: TOfferFontWeight, size: number): number {
    let total = 0;
    for (const ch of text) {
      const key = weight + ch;
      let w = advanceCache.get(key);
      if (w === undefined) {
        w = this.fonts[weight].widthOfTextAtSize(ch, 1);
        advanceCache.set(key, w);
      }
      total += w;
    }
    return total * size;
  }

  wrap(text: string, maxWidth: number, style: TTextStyle = {}): string[] {
    const { weight = 'regular', size = 10.5 } = style;
    return wrapText(cleanText(text), maxWidth, (s) => this.measure(s, weight, size));
  }

  lineHeight(style: TTextStyle = {}) {
    return (style.size ?? 10.5) * (style.leading ?? 1.55);
  }

  /** Draws one line with its top at `top`; `align` is within [x, x + width]. */
  drawLine(text: string, x: number, top: number, style: TTextStyle = {}, align?: { right: number }) {
    const { weight = 'regular', size = 10.5, color = INK } = style;
    if (text === '') return;
    const at = align ? align.right - this.measure(text, weight, size) : x;
    // The baseline sits one ascent (about 0.88 em for Noto Sans SC) below the top.
    this.page.drawText(text, { x: at, y: top - size * 0.88, size, font: this.fonts[weight], color });
  }

  /** A wrapped paragraph at `indent` from the left margin, flowing across pages. */
  paragraph(text: string, style: TTextStyle = {}, indent = 0, gapAfter = 6) {
    const lh = this.lineHeight(style);
    for (const line of this.wrap(text, this.width - indent, style)) {
      this.ensure(lh);
      this.drawLine(line, this.left + indent, this.y, style);
      this.y -= lh;
    }
    this.y -= gapAfter;
  }

  /** A label and its wrapped value side by side, kept on one page when they fit on one. */
  row(label: string, value: string, labelWidth: number, style: TTextStyle = {}) {
    const lh = this.lineHeight(style);
    const labelLines = this.wrap(label, labelWidth - 8, { ...style, weight: 'bold' });
    const valueLines = this.wrap(value, this.width - labelWidth, style);
    const lines = Math.max(labelLines.length, valueLines.length);
    if (lines * lh <= this.size[1] - MARGIN.top - MARGIN.bottom) this.ensure(lines * lh);
    for (let i = 0; i < lines; i++) {
      this.ensure(lh);
      this.drawLine(labelLines[i] ?? '', this.left, this.y, { ...style, weight: 'bold' });
      this.drawLine(valueLines[i] ?? '', this.left + labelWidth, this.y, style);
      this.y -= lh;
    }
  }

  /** A bulleted list item with a hanging indent. */
  bullet(text: string, style: TTextStyle = {}, indent = 14) {
    const lh = this.lineHeight(style);
    this.wrap(text, this.width - indent, style).forEach((line, i) => {
      this.ensure(lh);
      if (i === 0) this.drawLine('•', this.left + 2, this.y, style);
      this.drawLine(line, this.left + indent, this.y, style);
      this.y -= lh;
    });
  }

  heading(text: string, size = 12, gapBefore = 10) {
    this.y -= gapBefore;
    // Keep a heading with at least two lines of what follows it.
    this.ensure(this.lineHeight({ size }) + 2 * this.lineHeight());
    this.paragraph(text, { weight: 'bold', size, leading: 1.4 }, 0, 2);
  }

  rule(gapBefore = 6, gapAfter = 10) {
    this.y -= gapBefore;
    this.page.drawLine({
      start: { x: this.left, y: this.y },
      end: { x: this.right, y: this.y },
      thickness: 0.6,
      color: RULE,
    });
    this.y -= gapAfter;
  }

  /** Footer on every page: `left` text and `right(i, n)`, drawn once the page count is known. */
  footers(left: string, right: (i: number, n: number) => string) {
    const style = { size: 8, color: MUTED };
    const n = this.pages.length;
    this.pages.forEach((page, i) => {
      this.page = page;
      page.drawLine({
        start: { x: this.left, y: FOOTER_Y + 14 },
        end: { x: this.right, y: FOOTER_Y + 14 },
        thickness: 0.4,
        color: RULE,
      });
      const pageText = right(i + 1, n);
      const room = this.width - this.measure(pageText, 'regular', 8) - 16;
      this.drawLine(this.wrap(left, room, style)[0] ?? '', this.left, FOOTER_Y + 8, style);
      this.drawLine(pageText, 0, FOOTER_Y + 8, style, { right: this.right });
    });
  }
}
