#!/usr/bin/env bash
# Builds the web UI into OUTDIR (the server's META-INF/resources): installs the locked
# dependencies when they changed (npm ci, from npm's cache when it has them), type-checks and
# bundles. Called by the server's Maven build.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
outdir="${1:?usage: ui/build.sh OUTDIR}"
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
  echo "The web UI needs Node.js 18+ and npm to build (Debian: apt-get install nodejs npm);" \
    "or build without it: -Dcairn.ui.skip=true (the server then serves no UI)." >&2
  exit 1
fi
cd "$here"
# npm ci deletes and reinstalls node_modules: only when the lockfile differs from the one installed.
if ! cmp -s package-lock.json node_modules/.cairn-installed-lock 2>/dev/null; then
  npm ci --prefer-offline --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.cairn-installed-lock
fi
node_modules/.bin/tsc --noEmit -p .
node build.mjs "$outdir"
