/**
 * Builds the workflow bundle once, as `npm run build:workflows` does (BENCH_WORKFLOW_BUNDLE=<file>
 * makes every worker of a run load it, like WORKFLOW_BUNDLE_PATH). Also says which npm packages the bundle holds:
 * every one of them is evaluated again for each workflow the worker caches.
 *
 *   npx tsx scripts/bench/build-bundle.ts <out.js>
 */
import { fileURLToPath } from 'node:url';
import { writeWorkflowBundle } from '../build-workflows';

export interface BuiltBundle {
  file: string;
  kib: number;
  /** npm packages in the bundle, with their module counts. */
  packages: Record<string, number>;
}

export async function buildWorkflowBundle(out: string): Promise<BuiltBundle> {
  const code = await writeWorkflowBundle(out);
  const packages: Record<string, number> = {};
  for (const m of code.matchAll(/"\.\/node_modules\/((?:@[^/]+\/)?[^/]+)\//g)) packages[m[1]!] = (packages[m[1]!] ?? 0) + 1;
  return { file: out, kib: code.length / 1024, packages };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [out] = process.argv.slice(2);
  if (!out) {
    console.error('usage: tsx scripts/bench/build-bundle.ts <out.js>');
    process.exit(2);
  }
  const b = await buildWorkflowBundle(out);
  console.log(`${b.file}: ${b.kib.toFixed(0)} KiB; modules from ${Object.entries(b.packages).map(([p, n]) => `${p} (${n})`).join(', ')}`);
}
