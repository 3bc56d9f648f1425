#!/usr/bin/env bash
# Installs whatever is missing: Node 22, Yarn (the committed release), system
# packages, and the workspace's dependencies. Fast when nothing changed.
# Usage: scripts/bootstrap.sh [--for-tests]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

FOR_TESTS=false
[ "${1:-}" = "--for-tests" ] && FOR_TESTS=true

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null; then
    fail "missing system packages: ${missing[*]}; install them with your package manager"
  fi
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  say "Installing system packages: ${missing[*]}"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || fail "apt-get could not install ${missing[*]}"
}

# 1. Node
if [ "$(node_major)" -lt "$NODE_MAJOR_REQUIRED" ]; then
  command -v npm >/dev/null || fail "Node ${NODE_MAJOR_REQUIRED}+ is required and npm is not available to install it"
  say "Installing Node ${NODE_MAJOR_REQUIRED} into .tools (system Node is $(node --version 2>/dev/null || echo missing))"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS" "node-linux-$(node_arch)@${NODE_MAJOR_REQUIRED}" >/dev/null
  source "$(dirname "$0")/lib.sh"
  [ "$(node_major)" -ge "$NODE_MAJOR_REQUIRED" ] || fail "Node ${NODE_MAJOR_REQUIRED} install into .tools failed"
fi

# 2. Yarn: the release committed under .yarn/releases, behind a tiny shim.
YARN_RELEASE="$(ls "$ROOT"/.yarn/releases/yarn-*.cjs | head -n 1)"
mkdir -p "$TOOLS/bin"
cat > "$TOOLS/bin/yarn" <<SHIM
#!/bin/sh
exec node "$YARN_RELEASE" "\$@"
SHIM
chmod +x "$TOOLS/bin/yarn"

# 3. System packages: headers for keytar (a native addon of the CLI), a
#    compiler for native addons; for tests also Chromium (end-to-end test),
#    Ansible (the ansible actions run it for real), Alertmanager and
#    Prometheus (the metrics scrape test).
packages=(libsecret-1-dev python3 make g++)
$FOR_TESTS && packages+=(chromium ansible prometheus-alertmanager prometheus)
apt_install "${packages[@]}"

[ "$(node_major)" -ge "$NODE_MAJOR_REQUIRED" ] || fail "Node $(node --version) is first on PATH; Node ${NODE_MAJOR_REQUIRED}+ is required"

# 4. Dependencies, when the lockfile, a manifest or Node changed.
stamp_file="$ROOT/node_modules/.multicloud-install-stamp"
stamp="$( (node --version; cat "$ROOT/yarn.lock" "$ROOT/package.json" "$ROOT"/packages/*/package.json "$ROOT"/plugins/*/package.json) | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp_file" ] || [ "$(cat "$stamp_file")" != "$stamp" ]; then
  say "Installing dependencies (yarn install)"
  (cd "$ROOT" && yarn install ${CI:+--immutable}) || fail "yarn install failed; see the output above"
  echo "$stamp" > "$stamp_file"
else
  say "Dependencies are up to date"
fi
