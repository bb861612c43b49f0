#!/bin/sh
# Runs the native Linux twins of the portable test programs on this machine's CPU (the oracle
# for the torture programs) and records:
#   expected/NAME.native.txt     stdout
#   expected/NAME.native.status  exit status (0 = success)
# compute runs once per workload (expected/compute-WORKLOAD.native.*); torture-x87 runs twice,
# plain and with the argument "strict" (expected/torture-x87-strict.native.*).
#
# Usage: scripts/record-native.sh [NAME...]   (default: every images/linux/*)
# Needs: an x86 Linux host that runs 32-bit static programs.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
COMPUTE_WORKLOADS="alu sieve crc32 matmul fib qsort bytecode memcpy"

run() { # run NAME OUTBASE ARG
    status=0
    "$here/images/linux/$1" ${3:+"$3"} >"$here/expected/$2.native.txt" </dev/null || status=$?
    echo "$status" >"$here/expected/$2.native.status"
    echo "$2: status $status, $(wc -l <"$here/expected/$2.native.txt") lines"
}

if [ $# -eq 0 ]; then
    set -- $(cd "$here/images/linux" && ls)
fi
mkdir -p "$here/expected"
for name in "$@"; do
    case $name in
    compute) for w in $COMPUTE_WORKLOADS; do run compute "compute-$w" "$w"; done ;;
    torture-x87) run "$name" "$name" ""; run "$name" "$name-strict" strict ;;
    *) run "$name" "$name" "" ;;
    esac
done
