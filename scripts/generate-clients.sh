#!/usr/bin/env bash
# Generates the Python and Go client stubs from proto/src/main/proto.
#
# Every tool is pinned and installed into clients/.tools (ignored by git), so the script
# runs on a clean machine with python3 and go, and two runs produce identical files.
# One protoc (the one bundled in the pinned grpcio-tools) compiles for both languages.
set -euo pipefail

# Versions of the Go plugins; the Python tools are pinned in clients/python/requirements-gen.txt.
PROTOC_GEN_GO_VERSION=v1.36.10
PROTOC_GEN_GO_GRPC_VERSION=v1.5.1

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/clients/.tools"
PROTO_DIR="$ROOT/proto/src/main/proto"
PY_OUT="$ROOT/clients/python/src/cairn_client/_gen"
GO_MODULE_DIR="$ROOT/clients/go"
GO_MODULE="github.com/cairn-run/cairn/clients/go"

mkdir -p "$TOOLS/bin"

# Python tools: a private virtual environment holding the pinned grpcio-tools.
REQS="$ROOT/clients/python/requirements-gen.txt"
STAMP="$TOOLS/gen-venv/.requirements"
if [[ ! -x "$TOOLS/gen-venv/bin/python" ]] || ! cmp -s "$REQS" "$STAMP"; then
  rm -rf "$TOOLS/gen-venv"
  python3 -m venv "$TOOLS/gen-venv"
  "$TOOLS/gen-venv/bin/python" -m pip install -q --disable-pip-version-check -r "$REQS"
  cp "$REQS" "$STAMP"
fi
PYTHON="$TOOLS/gen-venv/bin/python"

# Go plugins: installed at pinned versions into a local bin directory.
install_go_plugin() {
  local package="$1" version="$2" binary="$3"
  local stamp="$TOOLS/bin/.$binary.version"
  if [[ ! -x "$TOOLS/bin/$binary" ]] || [[ "$(cat "$stamp" 2>/dev/null)" != "$version" ]]; then
    GOBIN="$TOOLS/bin" GOFLAGS=-mod=mod go install "$package@$version"
    echo "$version" >"$stamp"
  fi
}
install_go_plugin google.golang.org/protobuf/cmd/protoc-gen-go "$PROTOC_GEN_GO_VERSION" protoc-gen-go
install_go_plugin google.golang.org/grpc/cmd/protoc-gen-go-grpc "$PROTOC_GEN_GO_GRPC_VERSION" protoc-gen-go-grpc

# Sorted, relative proto paths so the command line (and so the output) never depends on
# the order the file system lists them in.
mapfile -t PROTOS < <(cd "$PROTO_DIR" && find . -name '*.proto' | sed 's|^\./||' | LC_ALL=C sort)

# The include path of the protoc bundled in grpcio-tools holds the well-known types.
WKT_DIR="$("$PYTHON" -c 'import grpc_tools, os; print(os.path.join(os.path.dirname(grpc_tools.__file__), "_proto"))')"

# Python: messages, .pyi stubs and gRPC stubs.
rm -rf "$PY_OUT"
mkdir -p "$PY_OUT"
(cd "$PROTO_DIR" && "$PYTHON" -m grpc_tools.protoc -I. -I"$WKT_DIR" \
  --python_out="$PY_OUT" --pyi_out="$PY_OUT" --grpc_python_out="$PY_OUT" "${PROTOS[@]}")
# protoc writes absolute imports named after the proto package (`from cairn.v1 import ...`);
# rewrite them so the code lives inside the cairn_client package without touching sys.path.
find "$PY_OUT" -name '*.py' -o -name '*.pyi' | while read -r file; do
  sed -i -E 's/^from cairn\.v1 import /from cairn_client._gen.cairn.v1 import /' "$file"
done
for dir in "$PY_OUT" "$PY_OUT/cairn" "$PY_OUT/cairn/v1"; do
  echo '"""Generated code; regenerate with scripts/generate-clients.sh, do not edit."""' >"$dir/__init__.py"
done

# Go: messages and gRPC stubs, placed by go_package relative to the module root.
rm -rf "$GO_MODULE_DIR/gen"
(cd "$PROTO_DIR" && PATH="$TOOLS/bin:$PATH" "$PYTHON" -m grpc_tools.protoc -I. -I"$WKT_DIR" \
  --go_out="$GO_MODULE_DIR" --go_opt=module="$GO_MODULE" \
  --go-grpc_out="$GO_MODULE_DIR" --go-grpc_opt=module="$GO_MODULE" "${PROTOS[@]}")

echo "generated: $(find "$PY_OUT" "$GO_MODULE_DIR/gen" -type f | wc -l) files"
