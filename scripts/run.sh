#!/usr/bin/env bash
# `make run`: start berthd in the background unless one answers, make busybox:latest, run a first container.
set -euo pipefail
cd "$(dirname "$0")/.."
SOCK=${BERTH_SOCK:-/var/run/berth.sock}
export DOCKER_HOST=unix://$SOCK
berth=(bin/berth)
if ! curl -sf --unix-socket "$SOCK" http://berth/_ping >/dev/null 2>&1; then
  mkdir -p /var/log
  nohup node bin/berthd -H "unix://$SOCK" >>/var/log/berthd.log 2>&1 &
  for _ in $(seq 1 100); do curl -sf --unix-socket "$SOCK" http://berth/_ping >/dev/null 2>&1 && break; sleep 0.1; done
  curl -sf --unix-socket "$SOCK" http://berth/_ping >/dev/null || { echo "berthd did not start; see /var/log/berthd.log" >&2; exit 1; }
  echo "berthd started (log: /var/log/berthd.log, socket: $SOCK)"
else
  echo "berthd is already running on $SOCK"
fi
if ! "${berth[@]}" image inspect busybox:latest >/dev/null 2>&1; then
  scripts/busybox-rootfs.sh | "${berth[@]}" import -c 'CMD ["sh"]' - busybox:latest >/dev/null
  echo "created busybox:latest from Debian's busybox-static"
fi
"${berth[@]}" run --rm busybox echo "Hello from a berth container"
