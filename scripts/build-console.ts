/**
 * Builds the staff console (web/) into web/dist with Vite. `--if-stale` builds only when
 * there is no build or a file under web/ (or the lock file) is newer than it: `npm start`
 * and `npm test` use it, so an unchanged console costs a directory walk, not a build.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const WEB = fileURLToPath(new URL('../web', import.meta.url));
const INDEX = path.join(WEB, 'dist', 'index.html');
const LOCK = fileURLToPath(new URL('../package-lock.json', import.meta.url));

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}

export function consoleBuildIsStale(): boolean {
  if (!existsSync(INDEX)) return true;
  const built = statSync(INDEX).mtimeMs;
  return newestSource(WEB) > built || (existsSync(LOCK) && statSync(LOCK).mtimeMs > built);
}

/** Always a production build: under vitest NODE_ENV is `test`, and Vite would keep it (React's development build, 3x larger). */
export async function buildConsole(): Promise<void> {
  const before = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: path.join(WEB, 'vite.config.ts'), mode: 'production', logLevel: 'warn' });
  } finally {
    if (before === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = before;
  }
}

async function main() {
  if (process.argv.includes('--if-stale') && !consoleBuildIsStale()) return;
  const started = Date.now();
  await buildConsole();
  console.log(`console built into web/dist in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
