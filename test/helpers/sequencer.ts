/**
 * Test file order for the three-at-a-time run (vitest.parallel.config.ts): longest first, from
 * the committed list of measured durations (test/durations.json, rewritten from a JSON report
 * by scripts/test-durations.ts). With parallel lanes, a long file that starts last leaves the others
 * idle until it ends; started first, it runs beside the many short ones. Vitest orders by
 * duration on its own only when it has a results cache from an earlier run, which a CI clone
 * has not. A file missing from the list (new, or renamed) runs first, as Vitest runs unknown
 * files first: its duration is unknown, and a long one must not start last.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DURATIONS_FILE = path.join(ROOT, 'test/durations.json');

/** Seconds per test file, keyed by its path from the repository root (forward slashes). */
export type TDurations = Record<string, number>;

export function readDurations(file = DURATIONS_FILE): TDurations {
  return (JSON.parse(readFileSync(file, 'utf8')) as { seconds: TDurations }).seconds;
}

const key = (moduleId: string) => path.relative(ROOT, moduleId).split(path.sep).join('/');

/** Paths longest first; unknown paths before all of them, in name order (stable between runs). */
export function longestFirst(paths: string[], durations: TDurations): string[] {
  const known = (p: string) => durations[p] !== undefined;
  return [...paths].sort((a, b) => {
    if (known(a) !== known(b)) return known(a) ? 1 : -1;
    if (!known(a)) return a < b ? -1 : a > b ? 1 : 0;
    return durations[b]! - durations[a]! || (a < b ? -1 : 1);
  });
}

export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const durations = readDurations();
    const order = longestFirst(files.map((f) => key(f.moduleId)), durations);
    const rank = new Map(order.map((p, i) => [p, i]));
    return [...files].sort((a, b) => rank.get(key(a.moduleId))! - rank.get(key(b.moduleId))!);
  }
}
