/**
 * Offer letters and their signed copies as PDF (issue 5, points 3 and 5). No database
 * and no clock: the same input always gives the same bytes, so a letter can be rendered
 * again and its stored SHA-256 still matches. Every piece of text is set in Noto Sans SC,
 * embedded as a per-document subset, so Chinese anywhere in the input renders and the
 * letter stays small.
 */
import { PDFDocument, type PDFImage } from 'pdf-lib';
import type { TLocale, TMoney } from '../../domain/contracts/common';
import { loadOfferFont, offerFontkit } from './fonts';
import { MUTED, PageWriter, cleanText, type TLetterFonts } from './pdf-layout';
import {
  LETTER_WORDING,
  SIGNATURE_WORDING,
  dateIn,
  formatDate,
  formatDateTime,
  formatSalary,
  formatUtcSeconds,
  parseInstant,
} from './pdf-wording';
import { sha256Hex } from '../../shared/hash';

export interface TOfferLetterInput {
  company: { name: string; address: string; logoPngBase64?: string | undefined };
  candidate: { name: string; locale: TLocale };
  offer: {
    version: number;
    position: string;
    salary: TMoney;
    benefits: string[];
    /** 'YYYY-MM-DD' */
    startDate: string;
    terms?: string | undefined;
    /** ISO 8601 instant */
    expiresAt: string;
  };
  /** ISO 8601 instant: the letter's date and the PDF's creation and modification dates. */
  issuedAt: string;
  /** IANA zone the letter's date and expiry are written in; UTC when absent. */
  timeZone?: string | undefined;
}

export interface TRenderedPdf {
  bytes: Uint8Array;
  /** Lowercase hex SHA-256 of `bytes`. */
  sha256: string;
}

export interface TOfferLetter extends TRenderedPdf {
  pages: number;
}

export interface TSignatureEvidence {
  /** The full name the candidate typed. */
  signatureName: string;
  /** ISO 8601 instant. */
  signedAt: string;
  ip: string;
  userAgent: string;
  /** SHA-256 of the letter that was signed: must be the hash of `original`. */
  originalSha256: string;
  offerVersion: number;
  locale: TLocale;
}

/** The input cannot make a letter (a bad date, time zone, amount or logo): retrying will not help. */
export class OfferLetterInputError extends Error {
  override name = 'OfferLetterInputError';
}

/**
 * The organisation's logo cannot go on a letter. Still an OfferLetterInputError by name, so
 * the workflow's non-retryable list treats it as before; the API tells it apart to point at
 * the settings.
 */
export class UnreadableLogoError extends OfferLetterInputError {}

/** The evidence names another document than the one given to sign. */
export class SignedCopyMismatchError extends Error {
  override name = 'SignedCopyMismatchError';
}

const PRODUCER = 'hiring-workflow-engine offer letters (pdf-lib)';
const CREATOR = 'hiring-workflow-engine';
const LOGO_BOX = { width: 150, height: 56 };


export async function renderOfferLetter(input: TOfferLetterInput): Promise<TOfferLetter> {
  const { company, candidate, offer } = input;
  const locale = candidate.locale;
  const w = LETTER_WORDING[locale];
  const timeZone = input.timeZone ?? 'UTC';
  const { letterDate, startDate, expiry, issuedAt } = describeDates(input, timeZone);
  if (!Number.isFinite(offer.salary.amount)) throw new OfferLetterInputError('salary amount is not a number');

  const doc = await PDFDocument.create({ updateMetadata: false });
  setMetadata(doc, {
    title: `${w.title} — ${cleanText(candidate.name)}`,
    author: cleanText(company.name),
    subject: w.footer(cleanText(company.name), offer.version),
    locale,
    created: issuedAt,
    modified: issuedAt,
  });
  const fonts = await embedFonts(doc);
  const logo = company.logoPngBase64 ? await embedLogo(doc, company.logoPngBase64) : undefined;
  const out = new PageWriter(doc, fonts);

  letterhead(out, company, logo);
  out.rule(4, 12);
  out.drawLine(letterDate, 0, out.y, {}, { right: out.right });
  out.y -= out.lineHeight() + 6;
  out.paragraph(candidate.name, { weight: 'bold' }, 0, 14);
  out.paragraph(w.title, { weight: 'bold', size: 16, leading: 1.3 }, 0, 10);
  out.paragraph(w.dear(candidate.name), {}, 0, 6);
  out.paragraph(w.intro(company.name, offer.position), {}, 0, 10);

  const labelWidth = 128;
  out.row(w.position, offer.position, labelWidth);
  out.row(w.salary, formatSalary(offer.salary, locale), labelWidth);
  out.row(w.startDate, startDate, labelWidth);
  out.row(w.validUntil, expiry, labelWidth);

  const benefits = offer.benefits.map((b) => b.trim()).filter((b) => b !== '');
  if (benefits.length > 0) {
    out.heading(w.benefits);
    for (const benefit of benefits) out.bullet(benefit);
  }
  const terms = offer.terms?.trim();
  if (terms) {
    out.heading(w.terms);
    for (const para of cleanText(terms).split(/\n{2,}/)) out.paragraph(para, {}, 0, 6);
  }

  out.y -= 8;
  out.paragraph(w.accept(expiry), {}, 0, 10);
  closing(out, w.closing, company.name);
  signatureBlock(out, w.acceptedBy, w.signDate, candidate.name);
  out.footers(w.footer(company.name, offer.version), w.page);

  const bytes = await doc.save();
  return { bytes, sha256: sha256Hex(bytes), pages: doc.getPageCount() };
}

export async function renderSignedCopy(
  original: Uint8Array,
  evidence: TSignatureEvidence,
): Promise<TRenderedPdf> {
  const originalSha256 = sha256Hex(original);
  if (originalSha256 !== evidence.originalSha256.toLowerCase()) {
    throw new SignedCopyMismatchError(
      `the document's SHA-256 is ${originalSha256}, the evidence names ${evidence.originalSha256}`,
    );
  }
  let signedAt: Date;
  let signedAtText: string;
  try {
    signedAt = parseInstant(evidence.signedAt);
    signedAtText = formatUtcSeconds(evidence.signedAt);
  } catch (err) {
    throw new OfferLetterInputError((err as Error).message);
  }
  const w = SIGNATURE_WORDING[evidence.locale];

  const doc = await PDFDocument.load(original, { updateMetadata: false });
  const originalPages = doc.getPageCount();
  const last = doc.getPage(originalPages - 1);
  doc.setModificationDate(signedAt);
  doc.setProducer(PRODUCER);
  doc.setCreator(CREATOR);
  // The original travels inside the signed copy, so its hash can be checked from this file alone.
  await doc.attach(original, `offer-letter-v${evidence.offerVersion}.pdf`, {
    mimeType: 'application/pdf',
    description: `${w.originalSha256}: ${originalSha256}`,
    creationDate: signedAt,
    modificationDate: signedAt,
  });

  const fonts = await embedFonts(doc);
  const { width, height } = last.getSize();
  const out = new PageWriter(doc, fonts, [width, height]);
  out.paragraph(w.title, { weight: 'bold', size: 16, leading: 1.3 }, 0, 10);
  out.paragraph(w.statement(evidence.offerVersion, originalPages), {}, 0, 14);
  const labelWidth = 150;
  out.row(w.signedBy, evidence.signatureName, labelWidth);
  out.row(w.signedAt, signedAtText, labelWidth);
  out.row(w.ip, evidence.ip, labelWidth);
  out.row(w.userAgent, evidence.userAgent, labelWidth);
  out.row(w.originalSha256, originalSha256, labelWidth);
  out.row(w.offerVersion, String(evidence.offerVersion), labelWidth);
  out.y -= 12;
  out.paragraph(w.note, { size: 9, color: MUTED }, 0, 0);
  out.footers(w.footer(evidence.offerVersion), () => '');

  const bytes = await doc.save();
  return { bytes, sha256: sha256Hex(bytes) };
}

function describeDates(input: TOfferLetterInput, timeZone: string) {
  const locale = input.candidate.locale;
  try {
    return {
      issuedAt: parseInstant(input.issuedAt),
      letterDate: formatDate(dateIn(input.issuedAt, timeZone), locale),
      startDate: formatDate(input.offer.startDate, locale),
      expiry: formatDateTime(input.offer.expiresAt, timeZone, locale),
    };
  } catch (err) {
    throw new OfferLetterInputError((err as Error).message);
  }
}

function setMetadata(
  doc: PDFDocument,
  m: { title: string; author: string; subject: string; locale: TLocale; created: Date; modified: Date },
) {
  doc.setTitle(m.title);
  doc.setAuthor(m.author);
  doc.setSubject(m.subject);
  doc.setLanguage(m.locale);
  doc.setCreator(CREATOR);
  doc.setProducer(PRODUCER);
  doc.setCreationDate(m.created);
  doc.setModificationDate(m.modified);
}

async function embedFonts(doc: PDFDocument): Promise<TLetterFonts> {
  doc.registerFontkit(offerFontkit);
  const regular = await doc.embedFont(loadOfferFont('regular'), { subset: true });
  const bold = await doc.embedFont(loadOfferFont('bold'), { subset: true });
  return { regular, bold };
}

async function embedLogo(doc: PDFDocument, base64: string): Promise<PDFImage> {
  try {
    return await doc.embedPng(base64.replace(/^data:image\/png;base64,/, ''));
  } catch (err) {
    throw new UnreadableLogoError(`the company logo is not a readable PNG: ${(err as Error).message}`);
  }
}

/**
 * Why a settings logo could not go on a letter, or undefined when it can: the API checks it
 * before saving, so that a logo that passes the schema but is no PNG (a truncated file, say)
 * cannot make every offer letter fail later.
 */
export async function logoProblem(base64: string): Promise<string | undefined> {
  try {
    await embedLogo(await PDFDocument.create(), base64);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Logo top left; company name and address beside it, right-aligned (left-aligned without a logo). */
function letterhead(out: PageWriter, company: TOfferLetterInput['company'], logo: PDFImage | undefined) {
  const top = out.y;
  let logoHeight = 0;
  let textLeft = out.left;
  if (logo) {
    const scale = Math.min(LOGO_BOX.width / logo.width, LOGO_BOX.height / logo.height, 1);
    const [lw, lh] = [logo.width * scale, logo.height * scale];
    out.current.drawImage(logo, { x: out.left, y: top - lh, width: lw, height: lh });
    logoHeight = lh;
    textLeft = out.left + LOGO_BOX.width + 16;
  }
  const room = out.right - textLeft;
  const align = logo ? { right: out.right } : undefined;
  const name = { weight: 'bold' as const, size: 15, leading: 1.3 };
  const address = { size: 9, color: MUTED, leading: 1.45 };
  let y = top;
  for (const line of out.wrap(company.name, room, name)) {
    out.drawLine(line, textLeft, y, name, align);
    y -= out.lineHeight(name);
  }
  const addressLines = company.address.trim() ? out.wrap(company.address.trim(), room, address) : [];
  for (const line of addressLines) {
    out.drawLine(line, textLeft, y, address, align);
    y -= out.lineHeight(address);
  }
  out.y = Math.min(y, top - logoHeight);
}

/** The closing lines, the company and the signature block, kept together on one page. */
function closing(out: PageWriter, lines: readonly string[], company: string) {
  const lh = out.lineHeight();
  out.ensure((lines.length + 1) * lh + 4 + SIGNATURE_BLOCK_HEIGHT);
  for (const line of lines) out.paragraph(line, {}, 0, 0);
  out.y -= 4;
  out.paragraph(company, { weight: 'bold' }, 0, 0);
}

const SIGNATURE_GAP = 34;
const SIGNATURE_BLOCK_HEIGHT = SIGNATURE_GAP + 10.5 * 1.55 + 8.5 * 1.55;

/** "Accepted by: ____ Date: ____", kept whole on one page, with the candidate's name under the line. */
function signatureBlock(out: PageWriter, acceptedBy: string, dateLabel: string, candidate: string) {
  const lh = out.lineHeight();
  out.ensure(SIGNATURE_BLOCK_HEIGHT);
  out.y -= SIGNATURE_GAP;
  const page = out.current;
  const labelW = out.measure(acceptedBy, 'regular', 10.5) + 6;
  const dateW = out.measure(dateLabel, 'regular', 10.5) + 6;
  const dateLineW = 110;
  const dateX = out.right - dateLineW - dateW;
  const signEnd = dateX - 20;
  const baseline = out.y - 10.5 * 0.88;
  const underline = (from: number, to: number) =>
    page.drawLine({ start: { x: from, y: baseline - 2 }, end: { x: to, y: baseline - 2 }, thickness: 0.6 });
  out.drawLine(acceptedBy, out.left, out.y);
  underline(out.left + labelW, signEnd);
  out.drawLine(dateLabel, dateX, out.y);
  underline(dateX + dateW, out.right);
  out.y -= lh;
  const small = { size: 8.5, color: MUTED };
  out.drawLine(
    out.wrap(candidate, signEnd - out.left - labelW, small)[0] ?? '',
    out.left + labelW,
    out.y,
    small,
  );
  out.y -= out.lineHeight(small);
}
