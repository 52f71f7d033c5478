/**
 * How `npm run worker:prod` and `npm run api:prod` start their process, read from the
 * scripts in package.json: the environment settings before `node` and the node options
 * after it. The benchmark starts its compiled worker and API with the same, so what it
 * measures as shipped is what the scripts run.
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

/** Parses `NAME=value … node --flag … entry.js`; anything else is refused, so a changed script cannot be measured wrongly. */
export function parseProdLaunch(command: string): ProdLaunch {
  const words = command.trim().split(/\s+/);
  const env: Record<string, string> = {};
  let i = 0;
  for (; i < words.length && /^[A-Z_][A-Z0-9_]*=\S*$/.test(words[i]!); i++) {
    const w = words[i]!;
    env[w.slice(0, w.indexOf('='))] = w.slice(w.indexOf('=') + 1);
  }
  if (words[i] !== 'node') throw new Error(`"${command}": expected NAME=value settings, then node`);
  const nodeArgs: string[] = [];
  for (i += 1; i < words.length && words[i]!.startsWith('-'); i++) nodeArgs.push(words[i]!);
  if (i !== words.length - 1 || !words[i]!.endsWith('.js')) throw new Error(`"${command}": expected node's options, then one .js entry`);
  return { env, nodeArgs, command };
}

export function prodLaunch(script: 'worker:prod' | 'api:prod'): ProdLaunch {
  const scripts = (JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { scripts: Record<string, string> }).scripts;
  const command = scripts[script];
  if (!command) throw new Error(`package.json has no "${script}" script`);
  return parseProdLaunch(command);
}
