/**
 * How the npm scripts start the worker and the API, read from package.json: the
 * environment settings before `node` (compiled: `worker:prod`, `api:prod`) or `tsx`
 * (`worker`, `api`) and the node options after it. The benchmark starts its processes with
 * the same, so what it measures as shipped is what the scripts run.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface ProdLaunch {
  env: Record<string, string>;
  nodeArgs: string[];
  /** The script as written, for the results. */
  command: string;
}

const PACKAGE_JSON = fileURLToPath(new URL('../package.json', import.meta.url));

/**
 * Parses `NAME=value … node --flag … entry.js` (or `tsx --flag … entry.ts`); anything else
 * is refused, so a changed script cannot be measured wrongly.
 */
export function parseProdLaunch(command: string): ProdLaunch {
  const words = command.trim().split(/\s+/);
  const env: Record<string, string> = {};
  let i = 0;
  for (; i < words.length && /^[A-Z_][A-Z0-9_]*=\S*$/.test(words[i]!); i++) {
    const w = words[i]!;
    env[w.slice(0, w.indexOf('='))] = w.slice(w.indexOf('=') + 1);
  }
  const runner = words[i];
  if (runner !== 'node' && runner !== 'tsx') throw new Error(`"${command}": expected NAME=value settings, then node or tsx`);
  const ext = runner === 'node' ? '.js' : '.ts';
  const nodeArgs: string[] = [];
  for (i += 1; i < words.length && words[i]!.startsWith('-'); i++) nodeArgs.push(words[i]!);
  if (i !== words.length - 1 || !words[i]!.endsWith(ext)) throw new Error(`"${command}": expected node's options, then one ${ext} entry`);
  return { env, nodeArgs, command };
}

export function prodLaunch(script: 'worker:prod' | 'api:prod' | 'worker' | 'api'): ProdLaunch {
  const scripts = (JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { scripts: Record<string, string> }).scripts;
  const command = scripts[script];
  if (!command) throw new Error(`package.json has no "${script}" script`);
  return parseProdLaunch(command);
}
