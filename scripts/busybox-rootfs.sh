#!/usr/bin/env bash
# Writes a tar of a minimal busybox root filesystem (Debian's busybox-static) to stdout.
set -euo pipefail
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
mkdir -p "$t/bin" "$t/etc" "$t/tmp" "$t/root" "$t/home/user"
cp /usr/bin/busybox "$t/bin/busybox"
for a in $("$t/bin/busybox" --list); do [ -e "$t/bin/$a" ] || ln -s busybox "$t/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$t/etc/passwd"
printf 'root:x:0:\nuser:x:1000:\nnogroup:x:65534:\n' > "$t/etc/group"
chmod 1777 "$t/tmp"
chown 1000:1000 "$t/home/user"
tar -C "$t" -c .
