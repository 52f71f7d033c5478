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

const SOURCE_MAP_URL = '//# sourceMappingURL=data:';

/**
 * The bundle as a worker keeps it, made smaller: the SDK holds the bundle's text in the
 * worker's main thread and again in its workflow thread (and V8 the script's source), so
 * every byte counts two to three times for the worker's whole life.
 * - The inline source map loses `sourcesContent` (a copy of every bundled source file, 1.3
 *   of the 3.8 MiB): stack traces of workflow errors are still mapped to our files and lines
 *   (the mappings stay); only the `__enhanced_stack_trace` query's source excerpts, which
 *   need WORKFLOW_STACK_TRACES anyway, go.
 * - Characters beyond Latin-1 (Chinese texts in domain/, dashes in the SDK's comments) become
 *   six-character \u escapes (four hex digits), which mean the same in string, template and regular-expression literals
 *   and in comments: with a single one V8 stores the whole text two bytes a character. The
 *   mapped columns after such a character on its line move by five per character.
 * The SDK requires an inline source map, so one stays.
 */
export function slimBundle(code: string): string {
  // Found as the SDK's worker finds it (parseWorkflowCode in @temporalio/worker's worker.js).
  const at = code.lastIndexOf(SOURCE_MAP_URL);
  const base64 = at < 0 ? -1 : code.indexOf('base64,', at);
  if (base64 < 0) throw new Error('the workflow bundle has no inline source map');
  const map = JSON.parse(Buffer.from(code.slice(base64 + 'base64,'.length).trim(), 'base64').toString('utf8')) as { sourcesContent?: unknown };
  delete map.sourcesContent;
  const body = code.slice(0, at);
  // A character escaped with a backslash (`'\—'`) would change meaning: none is expected, so refuse rather than guess.
  const escaped = /\\[^\x00-\xff]/.exec(body);
  if (escaped) throw new Error(`the workflow bundle escapes a non-Latin-1 character at ${escaped.index}; slimBundle cannot rewrite it`);
  const latin1 = body.replace(/[^\x00-\xff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `${latin1}${SOURCE_MAP_URL}application/json;charset=utf-8;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;
}

/** Bundles workflows/ into `out` and returns the code. */
export async function writeWorkflowBundle(out: string): Promise<string> {
  const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN'), ...bundleOptions });
  const code = slimBundle(bundle.code);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, code);
  return code;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = path.resolve(process.argv[2] ?? DEFAULT_BUNDLE_PATH);
  const code = await writeWorkflowBundle(out);
  console.log(`${path.relative(process.cwd(), out)}: ${(code.length / 1024).toFixed(0)} KiB`);
}
