#!/bin/sh
# Builds test/vcsim/bin/vcsim against Debian's packaged govmomi sources
# (golang-github-vmware-govmomi-dev), in GOPATH mode because that package
# ships a GOPATH tree, not a module cache. Skips the build when the binary
# is newer than every Go source in test/vcsim. Pass --force to rebuild.
set -eu

repo_root=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
src_dir="$repo_root/test/vcsim"
bin="$src_dir/bin/vcsim"
gopath="${VCSIM_GOPATH:-/usr/share/gocode}"

if [ "${1:-}" != "--force" ] && [ -x "$bin" ] &&
   [ -z "$(find "$src_dir" -maxdepth 1 -name '*.go' -newer "$bin")" ]; then
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "build-vcsim: 'go' not found; run .ci/setup-system.sh (installs golang-go)" >&2
  exit 1
fi
if [ ! -d "$gopath/src/github.com/vmware/govmomi/simulator" ]; then
  echo "build-vcsim: govmomi simulator sources not found under $gopath/src;" \
       "install golang-github-vmware-govmomi-dev or set VCSIM_GOPATH" >&2
  exit 1
fi

mkdir -p "$src_dir/bin"
cd "$repo_root"
# Without HOME (some CI sandboxes) go has no default build cache.
case "$(go env GOCACHE 2>/dev/null)" in ""|off)
  export GOCACHE="$repo_root/.tmp/go-build" ;;
esac
# CGO_ENABLED=0: the simulator needs no C, and this keeps the build working
# without gcc (which golang-go only recommends) and the binary static.
# Write to a temp name and rename, so a concurrent reader never runs a half-written binary.
GO111MODULE=off CGO_ENABLED=0 GOPATH="$gopath" GOFLAGS= go build -o "$bin.tmp.$$" ./test/vcsim
mv -f "$bin.tmp.$$" "$bin"
echo "build-vcsim: built test/vcsim/bin/vcsim" >&2
