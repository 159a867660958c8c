#!/usr/bin/env bash
# Runs the Python and Go client tests; exits non-zero if either fails.
#
# The Python tests run in clients/.venv (ignored by git) with the pinned versions of
# python/requirements-dev.txt. Tests that need a real server (bin/cairn) are skipped
# unless CAIRN_SERVER_TESTS=1.
set -uo pipefail

CLIENTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$CLIENTS/.venv"
REQS="$CLIENTS/python/requirements-dev.txt"
failed=0

if [[ ! -x "$VENV/bin/python" ]] || ! cmp -s "$REQS" "$VENV/.requirements"; then
  rm -rf "$VENV"
  python3 -m venv "$VENV" &&
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$REQS" &&
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps -e "$CLIENTS/python" &&
    cp "$REQS" "$VENV/.requirements" || { echo "could not set up $VENV" >&2; exit 1; }
fi

echo "== Python client"
(cd "$CLIENTS/python" && "$VENV/bin/python" -m pytest -q -p no:cacheprovider) || failed=1

echo "== Go client"
# Only packages that have tests, so the run ends on their results rather than on
# "no test files" lines for the generated code and the example programs.
(cd "$CLIENTS/go" && go vet ./... &&
  go test -count=1 $(go list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}}{{end}}' ./...)) || failed=1

if [[ $failed -ne 0 ]]; then
  echo "client tests failed" >&2
fi
exit $failed
