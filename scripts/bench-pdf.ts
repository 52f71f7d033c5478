/**
 * How long an offer letter takes to render, and how big it is.
 *
 *   npx tsx scripts/bench-pdf.ts [letters=200]
 *
 * Renders a warm-up batch first (the first letter also reads, pads and parses the font
 * files), then N letters alternating English and Chinese with a page of terms, and
 * prints mean/p50/p99 ms per letter and bytes per letter. Then it measures the font
 * embedding alone, with and without the parsed-font cache, to show where the time goes.
 * Target: under 50 ms per letter.
 */
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument } from 'pdf-lib';
import { loadOfferFont, offerFontkit } from '../activities/offers/fonts';
import { renderOfferLetter, renderSignedCopy, type TOfferLetterInput } from '../activities/offers/pdf';

const N = Number(process.argv[2] ?? 200);
const WARM_UP = 10;
const TARGET_MS = 50;

const LOGO =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const CLAUSE_ZH = '员工应遵守公司的规章制度，保守公司商业秘密，不得从事与公司有竞争关系的兼职工作。';
const CLAUSE_EN =
  'The first three months are a probation period, during which either party may end the employment with one week of notice. ';

function input(i: number): TOfferLetterInput {
  const zh = i % 2 === 0;
  return {
    company: {
      name: zh ? '星辰科技有限公司' : 'Stellar Tech Ltd.',
      address: zh
        ? '上海市浦东新区世纪大道 100 号 20 楼'
        : '100 Century Avenue, Floor 20\nShanghai 200120, China',
      logoPngBase64: LOGO,
    },
    candidate: zh ? { name: `张伟${i}`, locale: 'zh-CN' } : { name: `Alice Martin ${i}`, locale: 'en' },
    offer: {
      version: 1 + (i % 3),
      position: zh ? '高级后端工程师' : 'Senior Backend Engineer',
      salary: { amount: 300_000 + i * 1_000, currency: 'CNY', period: 'year' },
      benefits: zh
        ? ['五险一金', '每年十五天带薪年假', '年度学习预算 8,000 元']
        : [
            'Health insurance for you and your family',
            '25 days of paid leave',
            'Learning budget of CNY 8,000',
          ],
      startDate: '2026-03-01',
      terms: (zh ? CLAUSE_ZH : CLAUSE_EN).repeat(12),
      expiresAt: '2026-02-08T10:00:00Z',
    },
    issuedAt: '2026-02-01T02:30:00Z',
    timeZone: 'Asia/Shanghai',
  };
}

function summary(label: string, ms: number[]) {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
  const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
  console.log(
    `${label.padEnd(34)} mean ${mean.toFixed(1).padStart(6)} ms   p50 ${at(0.5).toFixed(1).padStart(6)} ms   p99 ${at(0.99).toFixed(1).padStart(6)} ms`,
  );
  return { mean, p50: at(0.5), p99: at(0.99) };
}

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const value = await fn();
  return [performance.now() - start, value];
}

const [coldMs] = await time(() => renderOfferLetter(input(0)));
console.log(`first letter (reads and parses the fonts): ${coldMs.toFixed(0)} ms`);
for (let i = 1; i < WARM_UP; i++) await renderOfferLetter(input(i));

const letterMs: number[] = [];
const sizes: number[] = [];
let pages = 0;
let last = await renderOfferLetter(input(0));
for (let i = 0; i < N; i++) {
  const [ms, letter] = await time(() => renderOfferLetter(input(i)));
  letterMs.push(ms);
  sizes.push(letter.bytes.length);
  pages += letter.pages;
  last = letter;
}
console.log(`\n${N} letters, ${(pages / N).toFixed(1)} pages each on average`);
const letters = summary('renderOfferLetter', letterMs);
const bytes = sizes.reduce((a, b) => a + b, 0) / N;
console.log(
  `bytes per letter: mean ${Math.round(bytes)}, min ${Math.min(...sizes)}, max ${Math.max(...sizes)}`,
);

const signMs: number[] = [];
for (let i = 0; i < Math.min(N, 50); i++) {
  const [ms] = await time(() =>
    renderSignedCopy(last.bytes, {
      signatureName: '张伟',
      signedAt: '2026-02-03T09:15:30Z',
      ip: '203.0.113.7',
      userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15',
      originalSha256: last.sha256,
      offerVersion: 1,
      locale: 'zh-CN',
    }),
  );
  signMs.push(ms);
}
summary('renderSignedCopy', signMs);

// Where the time goes: embedding the two subsets, with the parse cache and without it.
const text = `${input(0).company.name} ${input(0).offer.position} ${CLAUSE_ZH} ${CLAUSE_EN}`;
async function embedOnly(kit: typeof offerFontkit) {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(kit);
  const regular = await doc.embedFont(loadOfferFont('regular'), { subset: true });
  const bold = await doc.embedFont(loadOfferFont('bold'), { subset: true });
  const page = doc.addPage();
  page.drawText(text.slice(0, 80), { font: regular, size: 10, x: 40, y: 700 });
  page.drawText(text.slice(0, 40), { font: bold, size: 10, x: 40, y: 680 });
  await doc.save();
}
const embedRuns = 30;
const cached: number[] = [];
const uncached: number[] = [];
for (let i = 0; i < embedRuns; i++) {
  cached.push((await time(() => embedOnly(offerFontkit)))[0]);
  uncached.push((await time(() => embedOnly(fontkit)))[0]);
}
console.log('\nembedding two subsets + save, no layout:');
summary('  parsed font cached (offerFontkit)', cached);
summary('  parsed per document (fontkit)', uncached);

const verdict = letters.mean < TARGET_MS ? 'within' : 'OVER';
console.log(`\nmean ${letters.mean.toFixed(1)} ms per letter: ${verdict} the ${TARGET_MS} ms target`);
if (letters.mean >= TARGET_MS) process.exitCode = 1;
