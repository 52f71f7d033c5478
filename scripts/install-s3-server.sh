#!/usr/bin/env bash
# Installs the pinned S3-compatible test server (moto in server mode, from PyPI) into a
# project-local venv under .tools/, for test/integration/document-store.test.ts and
# test/integration/s3-documents.test.ts, which start it on a free port. Idempotent: a second
# run is a no-op. Production uses a real object store (docs/deploy.md, Documents).
set -euo pipefail
cd "$(dirname "$0")/.."
MOTO_VERSION="5.1.18"
VENV=".tools/s3-venv"
# (pip's output is read whole: `grep -q` on a pipe would end it early and fail under pipefail.)
if [ -x "$VENV/bin/moto_server" ] && [[ "$("$VENV/bin/pip" show moto 2>/dev/null)" == *"Version: $MOTO_VERSION"* ]]; then
  exit 0
fi
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
"$VENV/bin/moto_server" --help >/dev/null
echo "moto $MOTO_VERSION installed in $VENV"
