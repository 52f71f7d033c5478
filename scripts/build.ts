/**
 * `npm run build [outdir]`: the production build (default out: dist/).
 *
 * - dist/api.js and dist/worker.js: api/server.ts and worker.ts with all of our own code
 *   compiled by esbuild to plain JavaScript, one ES module each, that `node` runs with no
 *   loader (`npm run api:prod`, `npm run worker:prod`);
 * - dist/workflows.js: the workflow bundle (scripts/build-workflows.ts), which the compiled
 *   worker loads unless WORKFLOW_BUNDLE_PATH names another;
 * - dist/bench/*.js: the benchmark's worker and API processes (and its bare HTTP front),
 *   compiled the same way, so `npm run bench` can measure the compiled worker next to the
 *   tsx one.
 *
 * Packages stay external (imported from node_modules at run time): the Temporal SDK's
 * native core bridge, pglite's WebAssembly and data files, the offer-letter fonts and
 * everything else a package finds next to itself keep working unchanged. Files of ours
 * that are looked up at run time (db/migrations, web/dist, privacy/failure-converter.cjs)
 * are not copied either: every `import.meta.url` in our sources is compiled to that
 * source file's URL relative to the output file, so the lookups land where they do under
 * tsx. dist/ therefore runs from the checkout it was built in (or a copy of it with
 * `npm ci --omit=dev` and the same layout); docs/deploy.md, Building.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { writeWorkflowBundle } from './build-workflows';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DEFAULT_OUT_DIR = path.join(ROOT, 'dist');

/** Rewrites `import.meta.url` in our sources to the source file's own URL, relative to the output file in `outdir`. */
function sourceRelativeImportMetaUrl(outdir: string): Plugin {
  return {
    name: 'source-relative-import-meta-url',
    setup(b) {
      b.onLoad({ filter: /\.[cm]?ts$/ }, (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const text = readFileSync(args.path, 'utf8');
        const rel = path.relative(outdir, args.path).split(path.sep).join('/');
        return {
          contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`),
          loader: 'ts',
        };
      });
    },
  };
}

const common = (outdir: string): BuildOptions => ({
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [sourceRelativeImportMetaUrl(outdir)],
});

/** An entry that runs `main` of `module` (the module's own "run when executed" check compares against the source path, so it stays quiet). */
function mainEntry(module: string, before = ''): BuildOptions['stdin'] {
  return {
    contents: `${before}import { main } from ${JSON.stringify(module)};\nmain().catch((e) => {\n  console.error(e);\n  process.exit(1);\n});\n`,
    resolveDir: ROOT,
    sourcefile: `${path.basename(module, '.ts')}-entry.js`,
    loader: 'js',
  };
}

export interface BuildResult {
  outDir: string;
  files: string[];
}

export async function buildProduction(outDir = DEFAULT_OUT_DIR): Promise<BuildResult> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const opts = common(outDir);
  // The compiled worker cannot bundle workflows/ itself (that needs the TypeScript loader):
  // it loads the bundle built next to it unless WORKFLOW_BUNDLE_PATH names another.
  const workflowDefault =
    "import { fileURLToPath as __hweFileURLToPath } from 'node:url';\n" +
    "process.env.WORKFLOW_BUNDLE_PATH ||= __hweFileURLToPath(new URL('./workflows.js', import.meta.url));\n";
  await Promise.all([
    build({ ...opts, stdin: mainEntry('./api/server.ts'), outfile: path.join(outDir, 'api.js') }),
    build({ ...opts, stdin: mainEntry('./worker.ts', workflowDefault), outfile: path.join(outDir, 'worker.js') }),
    // The benchmark's worker entry, like worker.js, loads the bundle built next to the build.
    build({
      ...common(path.join(outDir, 'bench')),
      entryPoints: [path.join(ROOT, 'scripts/bench/worker-process.ts')],
      outdir: path.join(outDir, 'bench'),
      banner: { js: workflowDefault.replace('./workflows.js', '../workflows.js') },
    }),
    build({
      ...common(path.join(outDir, 'bench')),
      entryPoints: [path.join(ROOT, 'scripts/bench/api-process.ts'), path.join(ROOT, 'scripts/bench/bare-front.ts')],
      outdir: path.join(outDir, 'bench'),
    }),
  ]);
  await writeWorkflowBundle(path.join(outDir, 'workflows.js'));
  return {
    outDir,
    files: ['api.js', 'worker.js', 'workflows.js', 'bench/worker-process.js', 'bench/api-process.js', 'bench/bare-front.js'],
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t0 = performance.now();
  const out = path.resolve(process.argv[2] ?? DEFAULT_OUT_DIR);
  const r = await buildProduction(out);
  console.log(`built ${r.files.map((f) => path.relative(process.cwd(), path.join(out, f))).join(', ')} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
