/**
 * The font offer letters are set in: Noto Sans SC (SIL OFL 1.1), shipped as static TTF
 * files by the `@expo-google-fonts/noto-sans-sc` npm package. It covers Latin and
 * Simplified Chinese, so every field (company, candidate, position, benefits) renders
 * whatever script it is written in; nothing is fetched at run time.
 *
 * Why TTF and not the smaller OTF packages: pdf-lib's fontkit writes an invalid font
 * when it subsets a CID-keyed CFF (OTF) font, so readers show nothing.
 *
 * Why the glyph table is rewritten once on load: these files store glyphs unpadded
 * (half have an odd length) with a long `loca`. fontkit's subsetter copies glyphs
 * verbatim and, when the subset is small, writes a short `loca`, which stores offsets
 * halved: every odd-length glyph shifts the ones after it and they render blank. Padding
 * each glyph to 4 bytes (what the OpenType spec recommends anyway) makes every offset
 * even, so either `loca` format is exact.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import type { PDFDocument } from 'pdf-lib';

type Fontkit = Parameters<PDFDocument['registerFontkit']>[0];
type Font = ReturnType<Fontkit['create']>;

export const OFFER_FONT_FILES = {
  regular: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
  bold: '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf',
} as const;

export type TOfferFontWeight = keyof typeof OFFER_FONT_FILES;

const require = createRequire(import.meta.url);
const bytesCache = new Map<TOfferFontWeight, Uint8Array>();

/** The font file of a weight, read and normalised once per process. */
export function loadOfferFont(weight: TOfferFontWeight): Uint8Array {
  let bytes = bytesCache.get(weight);
  if (!bytes) {
    bytes = padGlyphs(readFileSync(require.resolve(OFFER_FONT_FILES[weight])));
    bytesCache.set(weight, bytes);
  }
  return bytes;
}

const parsedCache = new WeakMap<Uint8Array, Font>();

/**
 * A fontkit for `PDFDocument.registerFontkit` that parses each font file once per
 * process instead of once per document: parsing the 10 MB file is most of the cost of
 * an embed. Each document still gets its own subset (`createSubset()` is per embed), and
 * a parsed font is only read from, synchronously, so sharing it between documents is safe.
 */
export const offerFontkit: Fontkit = {
  create(buffer, postscriptName) {
    if (postscriptName !== undefined) return fontkit.create(buffer, postscriptName);
    let font = parsedCache.get(buffer);
    if (!font) {
      font = fontkit.create(buffer);
      parsedCache.set(buffer, font);
    }
    return font;
  },
};

/**
 * A copy of a TrueType font whose glyphs each start on a 4-byte boundary, with a long
 * `loca` and the checksums of the rewritten tables recomputed. Fonts without `glyf`
 * (CFF) and fonts already aligned come back unchanged.
 */
export function padGlyphs(input: Uint8Array): Uint8Array {
  const src = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const numTables = src.getUint16(4);
  const tables = new Map<string, { checksum: number; offset: number; length: number }>();
  const order: string[] = [];
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + i * 16;
    const tag = String.fromCharCode(...input.subarray(rec, rec + 4));
    tables.set(tag, {
      checksum: src.getUint32(rec + 4),
      offset: src.getUint32(rec + 8),
      length: src.getUint32(rec + 12),
    });
    order.push(tag);
  }
  const head = tables.get('head');
  const maxp = tables.get('maxp');
  const loca = tables.get('loca');
  const glyf = tables.get('glyf');
  if (!head || !maxp || !loca || !glyf) return input;

  const numGlyphs = src.getUint16(maxp.offset + 4);
  const shortLoca = src.getInt16(head.offset + 50) === 0;
  const offsetOf = (i: number) =>
    shortLoca ? src.getUint16(loca.offset + i * 2) * 2 : src.getUint32(loca.offset + i * 4);
  let aligned = true;
  for (let i = 0; i <= numGlyphs && aligned; i++) aligned = offsetOf(i) % 4 === 0;
  if (aligned) return input;

  const glyfLength = (() => {
    let total = 0;
    for (let i = 0; i < numGlyphs; i++) total += pad4(offsetOf(i + 1) - offsetOf(i));
    return total;
  })();
  const newGlyf = new Uint8Array(glyfLength);
  const newLoca = new Uint8Array((numGlyphs + 1) * 4);
  const locaView = new DataView(newLoca.buffer);
  let at = 0;
  for (let i = 0; i < numGlyphs; i++) {
    const start = offsetOf(i);
    const end = offsetOf(i + 1);
    locaView.setUint32(i * 4, at);
    newGlyf.set(input.subarray(glyf.offset + start, glyf.offset + end), at);
    at += pad4(end - start);
  }
  locaView.setUint32(numGlyphs * 4, at);
  const newHead = input.slice(head.offset, head.offset + head.length);
  const headView = new DataView(newHead.buffer);
  headView.setUint32(8, 0); // checkSumAdjustment: recomputed below over the whole file
  headView.setInt16(50, 1); // indexToLocFormat: long

  const body = new Map<string, Uint8Array>();
  for (const tag of order) {
    const t = tables.get(tag)!;
    body.set(tag, input.subarray(t.offset, t.offset + t.length));
  }
  body.set('glyf', newGlyf);
  body.set('loca', newLoca);
  body.set('head', newHead);

  const dirLength = 12 + numTables * 16;
  let size = dirLength;
  for (const bytes of body.values()) size += pad4(bytes.length);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(input.subarray(0, 12));
  let offset = dirLength;
  order.forEach((tag, i) => {
    const bytes = body.get(tag)!;
    const rec = 12 + i * 16;
    const rewritten = tag === 'glyf' || tag === 'loca' || tag === 'head';
    out.set(input.subarray(rec, rec + 4), rec);
    view.setUint32(rec + 4, rewritten ? checksum(bytes) : tables.get(tag)!.checksum);
    view.setUint32(rec + 8, offset);
    view.setUint32(rec + 12, bytes.length);
    out.set(bytes, offset);
    offset += pad4(bytes.length);
  });
  const headAt = view.getUint32(12 + order.indexOf('head') * 16 + 8);
  view.setUint32(headAt + 8, (0xb1b0afba - checksum(out)) >>> 0);
  return out;
}

const pad4 = (n: number) => (n + 3) & ~3;

/** The OpenType table checksum: the sum of big-endian uint32 words, zero-padded. */
function checksum(bytes: Uint8Array): number {
  let sum = 0;
  const whole = bytes.length & ~3;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < whole; i += 4) sum = (sum + view.getUint32(i)) >>> 0;
  if (whole < bytes.length) {
    let last = 0;
    for (let i = 0; i < 4; i++) last = (last << 8) | (bytes[whole + i] ?? 0);
    sum = (sum + (last >>> 0)) >>> 0;
  }
  return sum;
}
