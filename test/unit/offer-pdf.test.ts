import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { inflateSync } from 'node:zlib';
import fontkit from '@pdf-lib/fontkit';
import { PDFDict, PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import { extractText, getDocumentProxy } from 'unpdf';
import { describe, expect, it } from 'vitest';
import { OFFER_FONT_FILES, loadOfferFont, padGlyphs } from '../../activities/offers/fonts';
import {
  OfferLetterInputError,
  SignedCopyMismatchError,
  renderOfferLetter,
  renderSignedCopy,
  type TOfferLetterInput,
  type TSignatureEvidence,
} from '../../activities/offers/pdf';
import { wrapText } from '../../activities/offers/pdf-layout';

/** A valid 1x1 PNG. */
const PNG_1X1 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

const enInput = (): TOfferLetterInput => ({
  company: { name: 'Stellar Tech Ltd.', address: '100 Century Avenue\nShanghai 200120, China' },
  candidate: { name: 'Alice Martin', locale: 'en' },
  offer: {
    version: 3,
    position: 'Senior Backend Engineer',
    salary: { amount: 1234567.5, currency: 'USD', period: 'year' },
    benefits: ['Health insurance for you and your family', '25 days of paid leave', 'Learning budget'],
    startDate: '2026-03-01',
    terms: 'The first three months are a probation period.',
    expiresAt: '2026-02-08T18:00:00Z',
  },
  issuedAt: '2026-02-01T09:30:00Z',
});

const zhInput = (): TOfferLetterInput => ({
  company: {
    name: '星辰科技有限公司',
    address: '上海市浦东新区世纪大道 100 号',
    logoPngBase64: PNG_1X1,
  },
  candidate: { name: '张伟', locale: 'zh-CN' },
  offer: {
    version: 1,
    position: '高级后端工程师',
    salary: { amount: 360000, currency: 'CNY', period: 'year' },
    benefits: ['五险一金', '每年十五天带薪年假', 'Annual learning budget'],
    startDate: '2026-03-01',
    expiresAt: '2026-02-08T10:00:00Z',
  },
  issuedAt: '2026-02-01T02:30:00Z',
  timeZone: 'Asia/Shanghai',
});

const evidenceFor = (sha256: string, over: Partial<TSignatureEvidence> = {}): TSignatureEvidence => ({
  signatureName: '张伟',
  signedAt: '2026-02-03T09:15:30.123Z',
  ip: '203.0.113.7',
  userAgent:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  originalSha256: sha256,
  offerVersion: 1,
  locale: 'zh-CN',
  ...over,
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
/** Wrapping puts line breaks anywhere in long values: compare without whitespace. */
const squash = (s: string) => s.replace(/\s+/g, '');

async function readPdf(bytes: Uint8Array) {
  const pdf = await getDocumentProxy(new Uint8Array(bytes));
  const { totalPages, text } = await extractText(pdf, { mergePages: false });
  return { pdf, pages: totalPages, text: text.join('\n'), byPage: text };
}

function expectText(text: string, ...wanted: string[]) {
  for (const w of wanted)
    expect(squash(text), `text should contain ${JSON.stringify(w)}`).toContain(squash(w));
}

describe('renderOfferLetter', () => {
  it('writes every field of an English letter', async () => {
    const input = enInput();
    const letter = await renderOfferLetter(input);
    const { text, pages } = await readPdf(letter.bytes);

    expect(pages).toBe(letter.pages);
    expectText(
      text,
      'Stellar Tech Ltd.',
      '100 Century Avenue',
      'Shanghai 200120, China',
      '1 February 2026',
      'Dear Alice Martin,',
      'Offer of Employment',
      'Senior Backend Engineer',
      'USD 1,234,567.50 per year',
      ...input.offer.benefits,
      '1 March 2026',
      '8 February 2026, 18:00 (UTC)',
      'The first three months are a probation period.',
      'Accepted by:',
      'Date:',
      'Offer version 3',
      `Page 1 of ${pages}`,
    );
  });

  it('renders Chinese in every field and Chinese wording for a zh-CN candidate', async () => {
    const letter = await renderOfferLetter(zhInput());
    const { text } = await readPdf(letter.bytes);

    expectText(
      text,
      '星辰科技有限公司',
      '上海市浦东新区世纪大道 100 号',
      '2026年2月1日',
      '尊敬的张伟：',
      '录用通知书',
      '高级后端工程师',
      '每年 CNY 360,000',
      '五险一金',
      '每年十五天带薪年假',
      'Annual learning budget',
      '2026年3月1日',
      // 10:00 UTC is 18:00 in Shanghai.
      '2026年2月8日 18:00（Asia/Shanghai）',
      '接受人（签字）：',
      '录用通知书第 1 版',
      '第 1 页',
    );
    expect(text).not.toContain('Offer of Employment');
  });

  it('returns the SHA-256 of its bytes and the same bytes for the same input', async () => {
    const a = await renderOfferLetter(zhInput());
    const b = await renderOfferLetter(zhInput());

    expect(a.sha256).toBe(sha256(a.bytes));
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Buffer.from(b.bytes).equals(Buffer.from(a.bytes))).toBe(true);
    expect(b.sha256).toBe(a.sha256);

    const later = await renderOfferLetter({ ...zhInput(), issuedAt: '2026-02-02T02:30:00Z' });
    expect(later.sha256).not.toBe(a.sha256);
  });

  it('renders concurrent letters exactly as it renders them one at a time', async () => {
    // Activities run concurrently in one worker and share the parsed fonts.
    const inputs = Array.from({ length: 6 }, (_, i) => {
      const input = i % 2 ? enInput() : zhInput();
      input.candidate.name += ` ${i}`;
      return input;
    });
    const together = await Promise.all(inputs.map((input) => renderOfferLetter(input)));
    for (const [i, input] of inputs.entries()) {
      expect((await renderOfferLetter(input)).sha256).toBe(together[i]!.sha256);
    }
  });

  it('dates the document from issuedAt, not from the clock', async () => {
    const letter = await renderOfferLetter(enInput());
    const doc = await PDFDocument.load(letter.bytes, { updateMetadata: false });

    expect(doc.getCreationDate()?.toISOString()).toBe('2026-02-01T09:30:00.000Z');
    expect(doc.getModificationDate()?.toISOString()).toBe('2026-02-01T09:30:00.000Z');
    expect(doc.getProducer()).toMatch(/hiring-workflow-engine/);
  });

  it('flows long terms onto more pages, numbering each', async () => {
    const clause = '员工应遵守公司的规章制度，保守公司商业秘密，不得从事与公司有竞争关系的兼职工作。';
    const terms = Array.from({ length: 40 }, (_, i) => `第 ${i + 1} 条：${clause.repeat(3)}`).join('\n\n');
    const letter = await renderOfferLetter({ ...zhInput(), offer: { ...zhInput().offer, terms } });
    const { pages, byPage } = await readPdf(letter.bytes);

    expect(letter.pages).toBeGreaterThan(1);
    expect(pages).toBe(letter.pages);
    byPage.forEach((page, i) => expectText(page, `第 ${i + 1} 页，共 ${pages} 页`));
    expectText(byPage.join('\n'), '第 40 条：', '接受人（签字）：');
  });

  it('embeds subsets, with text extractable through ToUnicode maps', async () => {
    const letter = await renderOfferLetter(zhInput());
    const raw = Buffer.from(letter.bytes).toString('latin1');

    // The font files are ~10 MB each; a letter carries only the glyphs it uses.
    expect(letter.bytes.length).toBeLessThan(150_000);
    const doc = await PDFDocument.load(letter.bytes, { updateMetadata: false });
    const fonts = fontDicts(doc);
    expect(fonts.length).toBe(2);
    for (const font of fonts) expect(font.get(PDFName.of('ToUnicode'))).toBeDefined();
    expect(raw).not.toContain('/FontFile3'); // TrueType outlines, not CFF
  });

  it('keeps every outline intact in the embedded subsets', async () => {
    // Regression: fontkit wrote these fonts' subsets with shifted glyphs (blank text in
    // readers) until fonts.ts padded the glyph table.
    const input = zhInput();
    const doc = await PDFDocument.load((await renderOfferLetter(input)).bytes, { updateMetadata: false });
    const sample = input.candidate.name + input.company.name;
    const files = fontFiles(doc);
    expect(files.map((f) => f.weight).sort()).toEqual(['bold', 'regular']);
    for (const { weight, bytes } of files) {
      const font = loadOfferFont(weight);
      const inSubset = new Set(glyphsOf(bytes));
      const glyphOf = glyphReader(font);
      // Compared as bytes, not outlines: decoding a shifted glyph can exhaust memory.
      for (const glyph of fontkit.create(font).layout(sample).glyphs) {
        expect(inSubset.has(glyphOf(glyph.id)), `glyph ${glyph.id} of ${weight}`).toBe(true);
      }
    }
  });

  it('places a PNG logo', async () => {
    const letter = await renderOfferLetter(zhInput());
    const doc = await PDFDocument.load(letter.bytes, { updateMetadata: false });
    const images = [...doc.context.enumerateIndirectObjects()].filter(
      ([, obj]) => obj instanceof PDFRawStream && obj.dict.get(PDFName.of('Subtype')) === PDFName.of('Image'),
    );
    expect(images.length).toBeGreaterThan(0);
  });

  it('refuses input it cannot print', async () => {
    const bad = (over: (i: TOfferLetterInput) => void) => {
      const input = enInput();
      over(input);
      return renderOfferLetter(input);
    };
    await expect(bad((i) => (i.company.logoPngBase64 = 'iVBORw0KGgoAAAAnotapng'))).rejects.toBeInstanceOf(
      OfferLetterInputError,
    );
    await expect(bad((i) => (i.offer.startDate = '2026-02-30'))).rejects.toBeInstanceOf(
      OfferLetterInputError,
    );
    await expect(bad((i) => (i.offer.expiresAt = 'next week'))).rejects.toBeInstanceOf(OfferLetterInputError);
    await expect(bad((i) => (i.timeZone = 'Mars/Olympus_Mons'))).rejects.toBeInstanceOf(
      OfferLetterInputError,
    );
  });
});

describe('renderSignedCopy', () => {
  it('adds a signature page with the typed name, time, IP, user agent and the original hash', async () => {
    const original = await renderOfferLetter(zhInput());
    const evidence = evidenceFor(original.sha256);
    const signed = await renderSignedCopy(original.bytes, evidence);
    const { pages, byPage, pdf } = await readPdf(signed.bytes);

    expect(pages).toBe(original.pages + 1);
    expect(signed.sha256).toBe(sha256(signed.bytes));
    const last = byPage[pages - 1]!;
    expectText(
      last,
      '电子签名记录',
      '张伟',
      '2026-02-03 09:15:30 UTC',
      '203.0.113.7',
      evidence.userAgent,
      original.sha256,
      '录用通知书第 1 版',
    );
    // The letter's own pages are still there, unchanged in content.
    expectText(byPage[0]!, '尊敬的张伟：');
    // And the original file travels with it, byte for byte.
    const attachments = Object.values(
      (await pdf.getAttachments()) as Record<string, { content: Uint8Array }>,
    );
    expect(attachments).toHaveLength(1);
    expect(sha256(attachments[0]!.content)).toBe(original.sha256);
  });

  it('writes English wording for an English candidate', async () => {
    const original = await renderOfferLetter(enInput());
    const signed = await renderSignedCopy(
      original.bytes,
      evidenceFor(original.sha256, { signatureName: 'Alice Martin', locale: 'en', offerVersion: 3 }),
    );
    const { byPage } = await readPdf(signed.bytes);

    expectText(
      byPage.at(-1)!,
      'Electronic signature record',
      'on page 1 of this document',
      'Signed by',
      'Alice Martin',
      'Offer version 3',
    );
  });

  it('is deterministic', async () => {
    const original = await renderOfferLetter(zhInput());
    const a = await renderSignedCopy(original.bytes, evidenceFor(original.sha256));
    const b = await renderSignedCopy(original.bytes, evidenceFor(original.sha256));

    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
    expect(a.sha256).toBe(b.sha256);
  });

  it('refuses evidence that names another document', async () => {
    const original = await renderOfferLetter(zhInput());
    await expect(renderSignedCopy(original.bytes, evidenceFor('0'.repeat(64)))).rejects.toBeInstanceOf(
      SignedCopyMismatchError,
    );
  });
});

describe('wrapText', () => {
  const perChar = (s: string) => [...s].length;

  it('breaks Chinese between any two characters', () => {
    expect(wrapText('一二三四五六七', 3, perChar)).toEqual(['一二三', '四五六', '七']);
  });

  it('keeps Latin words whole and cuts only words longer than a line', () => {
    expect(wrapText('aa bb cc', 5, perChar)).toEqual(['aa bb', 'cc']);
    expect(wrapText('abcdefgh xy', 3, perChar)).toEqual(['abc', 'def', 'gh', 'xy']);
  });

  it('hangs closing punctuation instead of starting a line with it', () => {
    expect(wrapText('一二三。四', 3, perChar)).toEqual(['一二三。', '四']);
  });

  it('mixes scripts and keeps paragraph breaks', () => {
    expect(wrapText('入职 Senior Engineer 职位\n\n好', 9, perChar)).toEqual([
      '入职 Senior',
      'Engineer',
      '职位',
      '',
      '好',
    ]);
  });
});

describe('padGlyphs', () => {
  it('aligns every glyph on 4 bytes and keeps every outline', () => {
    const path = createRequire(import.meta.url).resolve(OFFER_FONT_FILES.regular);
    const raw = readFileSync(path);
    const padded = loadOfferFont('regular');
    expect(padGlyphs(padded)).toBe(padded); // already aligned: returned as is

    const before = fontkit.create(raw);
    const after = fontkit.create(padded);
    expect(after.numGlyphs).toBe(before.numGlyphs);
    for (const cp of [...'张伟Aa1€，']) {
      const code = cp.codePointAt(0)!;
      expect(after.glyphForCodePoint(code).path.toSVG()).toBe(before.glyphForCodePoint(code).path.toSVG());
    }
  });
});

function fontDicts(doc: PDFDocument): PDFDict[] {
  return [...doc.context.enumerateIndirectObjects()]
    .map(([, obj]) => obj)
    .filter(
      (obj): obj is PDFDict =>
        obj instanceof PDFDict && obj.get(PDFName.of('Subtype')) === PDFName.of('Type0'),
    );
}

function fontFiles(doc: PDFDocument) {
  return [...doc.context.enumerateIndirectObjects()]
    .map(([, obj]) => obj)
    .filter((obj): obj is PDFDict => obj instanceof PDFDict && obj.get(PDFName.of('FontFile2')) !== undefined)
    .map((descriptor) => {
      const name = descriptor.get(PDFName.of('FontName'))?.toString() ?? '';
      const stream = doc.context.lookup(descriptor.get(PDFName.of('FontFile2'))) as PDFRawStream;
      return {
        weight: name.includes('Bold') ? ('bold' as const) : ('regular' as const),
        bytes: inflateSync(stream.contents),
      };
    });
}

/** Reads glyph records straight from a TrueType file's `loca` and `glyf` tables, as hex. */
function glyphReader(font: Uint8Array) {
  const view = new DataView(font.buffer, font.byteOffset, font.byteLength);
  const tables = new Map<string, number>();
  for (let i = 0; i < view.getUint16(4); i++) {
    const rec = 12 + i * 16;
    tables.set(String.fromCharCode(...font.subarray(rec, rec + 4)), view.getUint32(rec + 8));
  }
  const [head, loca, glyf] = [tables.get('head')!, tables.get('loca')!, tables.get('glyf')!];
  const short = view.getInt16(head + 50) === 0;
  const at = (i: number) => (short ? view.getUint16(loca + 2 * i) * 2 : view.getUint32(loca + 4 * i));
  const read = (gid: number) =>
    Buffer.from(font.subarray(glyf + at(gid), glyf + at(gid + 1))).toString('hex');
  return Object.assign(read, { count: view.getUint16(tables.get('maxp')! + 4) });
}

function glyphsOf(font: Uint8Array): string[] {
  const read = glyphReader(font);
  return Array.from({ length: read.count }, (_, gid) => read(gid));
}
