#!/usr/bin/env bash
# Installs what berth needs and is missing: Debian packages, then npm packages (npm ci when
# package-lock.json is newer than node_modules).
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(containerd runc containernetworking-plugins iptables iproute2 busybox-static procps curl attr
  golang-github-containerd-containerd-dev golang-gogoprotobuf-dev python3-docker "$@")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; }
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
