/**
 * `npm run build:workflows [out.js]`: bundles workflows/ once, into a file the worker loads
 * with WORKFLOW_BUNDLE_PATH instead of running webpack at start-up (default out:
 * .data/build/workflows.js, ignored by git and lint). A worker that bundles for itself keeps webpack's memory for its
 * whole life (~90 MiB RSS here, bench/RESULTS.md); one that loads a file never loads webpack.
 *
 * Rebuild with every deploy: a bundle built from other workflow code than the running
 * workflows were started with is what replay safety (README, Development) guards against.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { bundleOptions } from '../privacy/data-converter';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
export const DEFAULT_BUNDLE_PATH = fileURLToPath(new URL('../.data/build/workflows.js', import.meta.url));

/** Bundles workflows/ into `out` and returns the code. */
export async function writeWorkflowBundle(out: string): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN'), ...bundleOptions });
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, code);
  return code;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = path.resolve(process.argv[2] ?? DEFAULT_BUNDLE_PATH);
  const code = await writeWorkflowBundle(out);
  console.log(`${path.relative(process.cwd(), out)}: ${(code.length / 1024).toFixed(0)} KiB`);
}
