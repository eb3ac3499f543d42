#!/bin/sh
# Builds bench/bin/govmomi-bench (the govmomi peer of `npm run bench`) against
# Debian's packaged govmomi sources in GOPATH mode, as build-vcsim.sh does for
# the simulator. Skips the build when the binary is newer than its sources.
# Pass --force to rebuild.
set -eu

repo_root=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
src_dir="$repo_root/bench/peers/govmomi"
bin="$repo_root/bench/bin/govmomi-bench"
gopath="${VCSIM_GOPATH:-/usr/share/gocode}"

if [ "${1:-}" != "--force" ] && [ -x "$bin" ] &&
   [ -z "$(find "$src_dir" -maxdepth 1 -name '*.go' -newer "$bin")" ]; then
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "build-bench-peers: 'go' not found; run .ci/setup-system.sh (installs golang-go)" >&2
  exit 1
fi
if [ ! -d "$gopath/src/github.com/vmware/govmomi/view" ]; then
  echo "build-bench-peers: govmomi sources not found under $gopath/src;" \
       "install golang-github-vmware-govmomi-dev or set VCSIM_GOPATH" >&2
  exit 1
fi

mkdir -p "$repo_root/bench/bin"
cd "$repo_root"
case "$(go env GOCACHE 2>/dev/null)" in ""|off)
  export GOCACHE="$repo_root/.tmp/go-build" ;;
esac
# CGO_ENABLED=0 keeps the build free of gcc and the binary static, like vcsim's.
GO111MODULE=off CGO_ENABLED=0 GOPATH="$gopath" GOFLAGS= go build -o "$bin.tmp.$$" ./bench/peers/govmomi
mv -f "$bin.tmp.$$" "$bin"
echo "build-bench-peers: built bench/bin/govmomi-bench" >&2
