#!/usr/bin/env bash
# Times each pass of one compute-kernel workload inside a single Denali-J process: the first from
# process start (JVM start, translation, JIT warm-up included), then every later one on its own.
# Each pass prints one line on the serial console, so the gap between two lines is one pass.
#
#   bench/passes.sh [-r PASSES] WORKLOAD [JAVA_OPTION...]
#       -r PASSES     passes in the one process (default 4, 2..1000)
#       JAVA_OPTION   extra JVM options for this run, e.g. -Ddenali.jit.regionBlocks=8
#
# Prints: WORKLOAD first 3.10 later 2.21 2.05 2.07 min 2.05   (seconds)
#
# Why it exists: bench/compare.sh's steady state is (t(R) - t(1)) / (R - 1) over separate processes,
# the same method for every emulator, but on a shared machine the first passes of two processes
# differ by more than a change under test. To compare two versions of the translator, run this for
# both, alternately, a few times, and compare the "min" of the later passes.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
passes=4
if [ "${1:-}" = -r ]; then passes=$2; shift 2; fi
[ $# -ge 1 ] || { echo "usage: bench/passes.sh [-r PASSES] WORKLOAD [JAVA_OPTION...]" >&2; exit 2; }
[[ $passes =~ ^[0-9]+$ ]] && [ "$passes" -ge 2 ] && [ "$passes" -le 1000 ] \
  || { echo "passes.sh: -r needs 2..1000, not $passes" >&2; exit 2; }
workload=$1; shift
expected="$here/testimages/expected/compute-$workload.native.txt"
[ -f "$expected" ] || { echo "passes.sh: no workload $workload (no $expected)" >&2; exit 2; }
"$here/denali" --version >/dev/null   # build once, outside the timing
DENALI_JAVA_OPTS="${DENALI_JAVA_OPTS:-} $*" "$here/denali" pc --kernel "$here/testimages/images/pc/compute.elf" \
    --append "$workload repeat=$passes" </dev/null 2>/dev/null | python3 -c '
import sys, time
workload, want = sys.argv[1], int(sys.argv[2])
start = last = time.time()
times = []
for line in sys.stdin:
    if line.startswith("compute: done"):
        break
    now = time.time()
    times.append(now - last)
    last = now
if len(times) != want:
    sys.exit("passes.sh: %s printed %d pass lines, not %d (a failed run?)" % (workload, len(times), want))
later = times[1:]
print(workload, "first %.2f" % times[0], "later", " ".join("%.2f" % t for t in later), "min %.2f" % min(later))
' "$workload" "$passes"
