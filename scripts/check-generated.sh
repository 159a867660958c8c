#!/usr/bin/env bash
# Regenerates the client stubs and fails, showing the difference, when the committed
# generated code does not match what the pinned generators produce from the protos.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GENERATED=(clients/python/src/cairn_client/_gen clients/go/gen)

"$ROOT/scripts/generate-clients.sh" >/dev/null
cd "$ROOT"
# Untracked files count too: a new .proto must come with its committed stubs.
git add --intent-to-add -- "${GENERATED[@]}"
if ! git diff --exit-code --stat -- "${GENERATED[@]}" >/dev/null; then
  echo "generated client code is out of date; run scripts/generate-clients.sh and commit:" >&2
  git --no-pager diff -- "${GENERATED[@]}" >&2
  exit 1
fi
echo "generated client code is up to date"
