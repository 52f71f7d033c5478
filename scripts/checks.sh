#!/usr/bin/env bash
# npm test's checks before the tests: lint alongside typecheck-then-console-build. eslint and
# tsc each keep about one core busy, so on 2 cores the pair takes about as long as the longer
# one instead of their sum. Every check runs to the end; the script fails if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."

npm run --silent lint &
lint=$!
npm run --silent typecheck && npx tsx scripts/build-console.ts --if-stale
rest=$?
wait "$lint"
lint_status=$?

[ "$lint_status" -eq 0 ] || echo "checks: lint failed (exit $lint_status)" >&2
[ "$rest" -eq 0 ] || echo "checks: typecheck or the console build failed (exit $rest)" >&2
[ "$lint_status" -eq 0 ] && [ "$rest" -eq 0 ]
