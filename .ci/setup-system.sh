#!/bin/sh
# Installs the Debian packages tsvmomi's tests need, only those missing, then
# builds the vcsim test server. Safe to run repeatedly; a no-op run takes well
# under a second.
#   golang-go + golang-github-vmware-govmomi-dev: build test/vcsim (govmomi's simulator)
#   python3-pyvmomi: a second, independent vSphere client to cross-check against
#   xmlsec1: an independent XML Signature verifier for the SSO (STS) signing tests
#   time: GNU time, the peak RSS of whole processes in the CLI start-up bench
#   bsdutils: util-linux `script`, the pseudo-terminal of the CLI's watch test (essential in Debian)
set -eu

packages="golang-go golang-github-vmware-govmomi-dev python3-pyvmomi xmlsec1 time bsdutils"

is_installed() {
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = "installed" ]
}

missing=""
for pkg in $packages; do
  is_installed "$pkg" || missing="$missing $pkg"
done

if [ -n "$missing" ]; then
  if [ "$(id -u)" -eq 0 ]; then
    sudo=""
  elif command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
  else
    echo "setup-system: need root (or sudo) to install:$missing" >&2
    exit 1
  fi
  echo "setup-system: installing$missing" >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  # shellcheck disable=SC2086 # word splitting of the package list is intended
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

repo_root=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
sh "$repo_root/scripts/build-vcsim.sh"
