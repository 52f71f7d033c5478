/**
 * 10. The console's first screen: the JavaScript a browser must fetch before anything
 * shows, gzipped (as served with compression): the build's entry chunk and everything
 * it imports statically (the route chunks load later, on demand). Cheap: it only reads
 * web/dist (built first when missing or older than web/). Target (issue 13): under
 * 300 KB. test/e2e/console.test.ts measures the same in Chromium, My work's chunk added.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildConsole, consoleBuildIsStale } from '../../build-console';
import type { PhaseResult } from '../context';
import { ROOT } from '../stack';

const TARGET_KB = 300;
const DIST = path.join(ROOT, 'web/dist');

/** Static imports of an ES module chunk (`import … from "./x.js"`, `import "./x.js"`), not `import()`. */
export function staticImports(code: string): string[] {
  const out = new Set<string>();
  for (const m of code.matchAll(/(?:^|[;\n}])\s*import\s*(?:[\w*{}\s,$]+?from\s*)?["']([^"']+\.js)["']/g)) out.add(m[1]!);
  for (const m of code.matchAll(/export\s*(?:\*|\{[^}]*\})\s*from\s*["']([^"']+\.js)["']/g)) out.add(m[1]!);
  return [...out];
}

/** The entry chunk named by index.html and the closure of its static imports: file -> gzip bytes. */
export function firstScreenChunks(dist = DIST): Map<string, { raw: number; gzip: number }> {
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
  const entry = /<script[^>]+type="module"[^>]+src="\/app\/([^"]+)"/.exec(html)?.[1];
  if (!entry) throw new Error('web/dist/index.html names no module entry');
  const seen = new Map<string, { raw: number; gzip: number }>();
  const visit = (rel: string) => {
    if (seen.has(rel)) return;
    const bytes = readFileSync(path.join(dist, rel));
    seen.set(rel, { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });
    for (const spec of staticImports(bytes.toString('utf8'))) visit(path.posix.join(path.posix.dirname(rel), spec));
  };
  visit(entry);
  return seen;
}

export async function benchConsole(): Promise<PhaseResult> {
  if (consoleBuildIsStale()) await buildConsole();
  const chunks = firstScreenChunks();
  const kb = (n: number) => n / 1024;
  const gzip = [...chunks.values()].reduce((s, c) => s + c.gzip, 0);
  const raw = [...chunks.values()].reduce((s, c) => s + c.raw, 0);
  return {
    rows: [
      {
        measure: "10. Console first screen's JavaScript (gzip)",
        ours: `${kb(gzip).toFixed(0)} KB`,
        reference: `${kb(raw).toFixed(0)} KB uncompressed`,
        comparison: `${chunks.size} chunks`,
        target: `< ${TARGET_KB} KB`,
        met: kb(gzip) < TARGET_KB,
      },
    ],
    details: [
      'The entry chunk of `web/dist/index.html` and its static imports (route chunks load on demand), gzip level 9:',
      '',
      '| chunk | bytes | gzip |',
      '|---|---|---|',
      ...[...chunks].map(([file, c]) => `| ${file} | ${c.raw} | ${c.gzip} |`),
    ].join('\n'),
  };
}
