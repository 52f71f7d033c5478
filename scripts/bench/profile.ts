/**
 * Reads a .cpuprofile (V8's format, as written by `node --cpu-prof` or the inspector) and
 * says where the time went: self time by package/area and by function.
 *
 *   npx tsx scripts/bench/profile.ts file.cpuprofile [top=20] [workflow-bundle.js]
 *
 * Workflow code runs from the bundle webpack made (frames in `workflow-bundle-<hash>.js`);
 * given the same bundle (scripts/bench/build-bundle.ts), those frames are attributed to
 * the module they come from (`bundle: zod`, `bundle: workflows/`, ...).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** For each line of a workflow bundle, the module it belongs to (from the module markers webpack writes). */
function bundleModules(bundleFile: string): (line: number) => string {
  const lines = readFileSync(bundleFile, 'utf8').split('\n');
  const owner: string[] = [];
  let current = '(bundle runtime)';
  for (const line of lines) {
    const m = /^\/\*\*\*\/ "\.\/([^"]*)"/.exec(line);
    if (m) {
      const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(m[1]!);
      current = nm ? nm[1]! : `${m[1]!.split('/')[0]}/`;
    }
    owner.push(current);
  }
  return (line) => `bundle: ${owner[line] ?? '?'}`;
}

/** Where a frame's code lives: an npm package, our own layer, Node internals, or V8 pseudo-frames. */
export function areaOf(url: string, fn: string, line = 0, inBundle?: (line: number) => string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  if (inBundle && /workflow-bundle-[0-9a-f]+\.js$/.test(url)) return inBundle(line);
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  if (url.startsWith('node:')) return 'node internals';
  const ours = /\/(api|activities|db|domain|workflows|scripts|test)\//.exec(url);
  if (ours) return `ours: ${ours[1]}/`;
  return url.replace(/^file:\/\//, '');
}

export function summarizeProfile(file: string, top = 20, bundleFile?: string): string {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const inBundle = bundleFile ? bundleModules(bundleFile) : undefined;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = [...self.entries()].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)').reduce((a, [, v]) => a + v, 0);
  const busy = total - idle;
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    if (functionName === '(idle)') continue;
    const area = areaOf(url, functionName, lineNumber, inBundle);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const key = `${functionName || '(anonymous)'}  ${url ? `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/main\//, '')}:${lineNumber + 1}` : ''}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
  }
  const pct = (v: number) => `${((v / busy) * 100).toFixed(1)}%`.padStart(6);
  const lines = [
    `profile ${file}: ${((p.endTime - p.startTime) / 1e6).toFixed(1)} s wall, ${(busy / 1e6).toFixed(2)} s on CPU (${((busy / total) * 100).toFixed(0)}% of the samples)`,
    '',
    'self time by area (share of CPU time):',
    ...[...areas.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => `  ${pct(v)}  ${k}`),
    '',
    'self time by function:',
    ...[...fns.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => `  ${pct(v)}  ${k}`),
  ];
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, top, bundle] = process.argv.slice(2);
  if (!file) {
    console.error('usage: tsx scripts/bench/profile.ts file.cpuprofile [top]');
    process.exit(2);
  }
  console.log(summarizeProfile(file, Number(top ?? 20), bundle));
}
