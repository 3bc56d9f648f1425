# Shared by the make targets: where things are, and a Node 22+ first on PATH.
# Sourced, not executed.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
NODE_MAJOR_REQUIRED=22

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
fail() { printf '\033[31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

node_arch() {
  case "$(uname -m)" in
    x86_64) echo x64 ;;
    aarch64 | arm64) echo arm64 ;;
    *) fail "unsupported CPU $(uname -m): install Node ${NODE_MAJOR_REQUIRED} yourself and put it first on PATH" ;;
  esac
}

# Use the system Node when it is new enough, else the one bootstrap installed.
LOCAL_NODE_PKG="$TOOLS/node_modules/node-linux-$(node_arch)"
if [ -x "$LOCAL_NODE_PKG/bin/node" ]; then
  export PATH="$LOCAL_NODE_PKG/bin:$TOOLS/bin:$PATH"
  # node-gyp builds native addons (better-sqlite3, keytar) against these headers
  # instead of downloading them, which this network does not allow.
  export npm_config_nodedir="$LOCAL_NODE_PKG"
else
  export PATH="$TOOLS/bin:$PATH"
fi

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
