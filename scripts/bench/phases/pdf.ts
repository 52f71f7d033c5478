/**
 * 7. Offer letter: renderOfferLetter per letter, as scripts/bench-pdf.ts measures it
 * (warm-up first, then letters alternating English and Chinese with a page of terms).
 * Reference: the floor of the approach, embedding the two font subsets and saving a
 * one-page document with no layout.
 */
import { PDFDocument } from 'pdf-lib';
import { loadOfferFont, offerFontkit } from '../../../activities/offers/fonts';
import { renderOfferLetter, type TOfferLetterInput } from '../../../activities/offers/pdf';
import { ms, type PhaseResult } from '../context';
import { log, summarize, timed } from '../util';

const TARGET_MS = 50;
const LOGO = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const CLAUSE_ZH = '员工应遵守公司的规章制度，保守公司商业秘密，不得从事与公司有竞争关系的兼职工作。';
const CLAUSE_EN = 'The first three months are a probation period, during which either party may end the employment with one week of notice. ';

function input(i: number): TOfferLetterInput {
  const zh = i % 2 === 0;
  return {
    company: {
      name: zh ? '星辰科技有限公司' : 'Stellar Tech Ltd.',
      address: zh ? '上海市浦东新区世纪大道 100 号 20 楼' : '100 Century Avenue, Floor 20\nShanghai 200120, China',
      logoPngBase64: LOGO,
    },
    candidate: zh ? { name: `张伟${i}`, locale: 'zh-CN' } : { name: `Alice Martin ${i}`, locale: 'en' },
    offer: {
      version: 1 + (i % 3),
      position: zh ? '高级后端工程师' : 'Senior Backend Engineer',
      salary: { amount: 300_000 + i * 1_000, currency: 'CNY', period: 'year' },
      benefits: zh ? ['五险一金', '每年十五天带薪年假', '年度学习预算 8,000 元'] : ['Health insurance for you and your family', '25 days of paid leave', 'Learning budget of CNY 8,000'],
      startDate: '2026-03-01',
      terms: (zh ? CLAUSE_ZH : CLAUSE_EN).repeat(12),
      expiresAt: '2026-02-08T10:00:00Z',
    },
    issuedAt: '2026-02-01T02:30:00Z',
    timeZone: 'Asia/Shanghai',
  };
}

async function embedOnly() {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(offerFontkit);
  const regular = await doc.embedFont(loadOfferFont('regular'), { subset: true });
  const bold = await doc.embedFont(loadOfferFont('bold'), { subset: true });
  const page = doc.addPage();
  page.drawText(`${CLAUSE_EN.slice(0, 40)}${CLAUSE_ZH.slice(0, 20)}`, { font: regular, size: 10, x: 40, y: 700 });
  page.drawText(CLAUSE_ZH.slice(0, 20), { font: bold, size: 10, x: 40, y: 680 });
  await doc.save();
}

export async function benchPdf(letters: number): Promise<PhaseResult> {
  const [coldMs] = await timed(() => renderOfferLetter(input(0)));
  for (let i = 1; i < 10; i++) await renderOfferLetter(input(i));
  const times: number[] = [];
  let bytes = 0;
  let pages = 0;
  for (let i = 0; i < letters; i++) {
    const [t, letter] = await timed(() => renderOfferLetter(input(i)));
    times.push(t);
    bytes += letter.bytes.length;
    pages += letter.pages;
  }
  const floor: number[] = [];
  for (let i = 0; i < Math.min(letters, 50); i++) floor.push((await timed(embedOnly))[0]);
  const s = summarize(times);
  const f = summarize(floor);
  log(`pdf: ${letters} letters mean ${ms(s.mean)} p50 ${ms(s.p50)} p99 ${ms(s.p99)} (fonts+save alone ${ms(f.mean)})`);
  return {
    rows: [
      {
        measure: `7. Offer letter PDF (n=${letters})`,
        ours: `mean ${ms(s.mean)}, p99 ${ms(s.p99)}`,
        reference: `mean ${ms(f.mean)} fonts + save alone`,
        comparison: `layout and text +${(s.mean - f.mean).toFixed(1)} ms`,
        target: `< ${TARGET_MS} ms`,
        met: s.mean < TARGET_MS,
      },
    ],
    details: `${letters} letters after a warm-up (the first, which parses the fonts, took ${coldMs.toFixed(0)} ms), ${(pages / letters).toFixed(1)} pages and ${Math.round(bytes / letters / 1024)} KiB each on average: mean ${ms(s.mean)}, p50 ${ms(s.p50)}, p99 ${ms(s.p99)}, max ${ms(s.max)}. Rendered in the benchmark process with the stack idle; in production the worker renders it inside the renderOffer activity.`,
  };
}
