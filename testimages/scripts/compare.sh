#!/bin/sh
# Compares the recorded QEMU and native outputs of every program that has both; prints the
# first differing lines and exits 1 on any difference. *-strict outputs are compared for
# information only: they show where QEMU departs from the CPU (see pc/torture_x87.c).
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
        case $base in
        *-strict) echo "differs (known QEMU x87 gaps, not an error): $(basename "$base"), $(diff "$n" "$q" | grep -c '^<') lines" ;;
        *) echo "DIFFERENT: $(basename "$base")"; diff "$n" "$q" | head -20 || true; status=1 ;;
        esac
    fi
done
exit $status
