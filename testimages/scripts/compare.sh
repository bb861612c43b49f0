#!/bin/sh
# Compares the recorded QEMU and native outputs of every program that has both; prints the
# first differing lines and exits 1 on any difference.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
status=0
for n in "$here"/expected/*.native.txt; do
    base=${n%.native.txt}
    q=$base.qemu.txt
    [ -f "$q" ] || continue
    if cmp -s "$n" "$q"; then
        echo "same: $(basename "$base")"
    else
        echo "DIFFERENT: $(basename "$base")"
        diff "$n" "$q" | head -20 || true
        status=1
    fi
done
exit $status
