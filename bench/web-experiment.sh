#!/usr/bin/env bash
# The Denali paper's web-server experiment: N httpd VMs (testimages/images/denali/httpd.elf) on one
# switch behind the user-mode gateway, one --hostfwd per VM, and a client load of real TCP connections
# spread round robin over all VMs, each fetching a 100 KB document. For every N, with batched
# interrupts on ("batched") and off ("per-frame": one frame per quantum boundary, so one NET upcall per
# frame), it reports requests/s, MB/s and latency percentiles (HdrHistogram), then plots them.
#
#   bench/web-experiment.sh [-s SECONDS] [-c CONNECTIONS] [-e interp|jit] [N ...]     default: 1 10 100 1000, 10 s, 64, interp
#
# Output: bench/results/web-experiment.csv and docs/web-experiment.png (python3-matplotlib); with -e jit (one
# translator for every VM) bench/results/web-experiment-jit.csv and docs/web-experiment-jit.png.
# The driver is io.denalij.bench.web.WebExperiment (bench module): `denali swarm` has no --net yet.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
source "$here/scripts/jdk25.sh"
seconds=10 connections=64 engine=interp
while getopts "s:c:e:" o; do
  case $o in s) seconds=$OPTARG ;; c) connections=$OPTARG ;; e) engine=$OPTARG ;; *) exit 2 ;; esac
done
case $engine in interp) suffix="" ;; jit) suffix="-jit" ;; *) echo "web-experiment: -e must be interp or jit, not $engine" >&2; exit 2 ;; esac
shift $((OPTIND - 1))
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1 10 100 1000)

build="${DENALI_BUILD_DIR:-target}"
jar="$here/bench/$build/benchmarks.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$here/bench/src" "$here/net/src" "$here/denali-arch/src" -newer "$jar" -name '*.java' -print -quit)" ]; then
  echo "web-experiment: building the bench jar..." >&2
  (cd "$here" && mvn -q -B -DskipTests -Ddenali.buildDir="$build" -pl bench -am package)
fi
flags=(--add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/java.nio=ALL-UNNAMED
  --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-exports java.base/jdk.internal.misc=ALL-UNNAMED
  --add-exports jdk.unsupported/sun.misc=ALL-UNNAMED --enable-native-access=ALL-UNNAMED
  --sun-misc-unsafe-memory-access=allow -Xmx16g
  -XX:CompileCommand=quiet "-XX:CompileCommand=CompileThresholdScaling,io.denalij.translator.Block*::run,0.2")

mkdir -p "$here/bench/results"
csv="$here/bench/results/web-experiment$suffix.csv"
echo "vms,delivery,connections,seconds,requests,req_per_s,mb_per_s,p50_ms,p90_ms,p99_ms,p999_ms,max_ms,errors,switch_drops,boot_s" >"$csv"
for n in "${sizes[@]}"; do
  for delivery in batched per-frame; do
    echo "web-experiment: $n VMs, $delivery" >&2
    "$JAVA_HOME/bin/java" "${flags[@]}" -cp "$jar" io.denalij.bench.web.WebExperiment \
      "$here/testimages/images/denali/httpd.elf" "$n" "$delivery" "$seconds" 3 "$connections" 102400 1 "$engine" | tee -a "$csv"
  done
done
py=/usr/bin/python3
"$py" -c 'import matplotlib' 2>/dev/null || { echo "web-experiment: no python3-matplotlib (apt-get install python3-matplotlib); table in $csv" >&2; exit 0; }
"$py" "$here/bench/web-plot.py" "$csv" "$here/docs/web-experiment$suffix.png"
echo "web-experiment: $csv, docs/web-experiment$suffix.png" >&2
