/**
 * Builds the workflow bundle once, into a file a worker can load instead of bundling at
 * start-up (the memory measurement's pre-built variant uses it; BENCH_WORKFLOW_BUNDLE=<file>
 * makes every worker of a run use one). Also says which npm packages the bundle holds:
 * every one of them is evaluated again for each workflow the worker caches.
 *
 *   npx tsx scripts/bench/build-bundle.ts <out.js>
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../worker';

export interface BuiltBundle {
  file: string;
  kib: number;
  /** npm packages in the bundle, with their module counts. */
  packages: Record<string, number>;
}

export async function buildWorkflowBundle(out: string): Promise<BuiltBundle> {
  const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
  writeFileSync(out, bundle.code);
  const packages: Record<string, number> = {};
  for (const m of bundle.code.matchAll(/"\.\/node_modules\/((?:@[^/]+\/)?[^/]+)\//g)) packages[m[1]!] = (packages[m[1]!] ?? 0) + 1;
  return { file: out, kib: bundle.code.length / 1024, packages };
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
