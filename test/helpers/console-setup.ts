/**
 * Global setup of the two-at-a-time half (vitest.parallel.config.ts): builds the console
 * once if web/ changed since its build, before any file starts, so two browser test files
 * running at once never both build it into web/dist. `npm test` has built it already
 * (scripts/checks.sh): then this is a directory walk.
 */
import { buildConsole, consoleBuildIsStale } from '../../scripts/build-console';

export async function setup() {
  if (consoleBuildIsStale()) await buildConsole();
}
