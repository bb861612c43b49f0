#!/usr/bin/env bash
# Runs the scheduler benchmarks (JMH) and draws aggregate guest instructions/s against the number of
# VMs, with and without a memory budget that forces swapping, into docs/scheduler-throughput.png.
#
#   bench/scheduler-plot.sh                     1 to 10,000 VMs
#   VMS=1,10,100,1000,10000,100000 bench/scheduler-plot.sh     (100,000 busy VMs need the 16 GiB fork heap)
#   JAR=bench/target-x/benchmarks.jar OUT=/tmp/x.png bench/scheduler-plot.sh
#
# Also runs the switch, boot, footprint and wake-up benchmarks and prints their scores. Results stay
# in bench/target/scheduler-results/*.json (RESULTS=DIR to change). Needs /usr/bin/python3 with matplotlib (apt-get install python3-matplotlib).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
source "$here/scripts/jdk25.sh"
vms="${VMS:-1,10,100,1000,10000}"
jar="${JAR:-$here/bench/target/benchmarks.jar}"
out="${OUT:-$here/docs/scheduler-throughput.png}"
results="${RESULTS:-$here/bench/target/scheduler-results}"
mkdir -p "$results"

if [ -z "${JAR:-}" ]; then
  (cd "$here" && mvn -q -B -DskipTests -pl bench -am package)
fi
jmh() { "$JAVA_HOME/bin/java" -jar "$jar" "$@"; }

jmh SwarmThroughputBenchmark -p vms="$vms" -rf json -rff "$results/throughput.json"
jmh 'VmSwitchBenchmark|VmBootBenchmark|IdleFootprintBenchmark|WakeupLatencyBenchmark' -rf json -rff "$results/costs.json"

/usr/bin/python3 - "$results/throughput.json" "$results/costs.json" "$out" <<'PY'
import json, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

throughput, costs, out = sys.argv[1:4]

def mean(metric):
    # AuxCounters of single-shot iterations are summed in "score": average the iterations instead.
    raw = [x for fork in metric["rawData"] for x in fork]
    return sum(raw) / len(raw)

series = {}
for r in json.load(open(throughput)):
    p = r["params"]
    ips = mean(r["secondaryMetrics"]["instructionsPerSecond"])
    series.setdefault(p["budget"], []).append((int(p["vms"]), ips))
fig, ax = plt.subplots(figsize=(7, 4.2))
labels = {"none": "no budget (all resident)", "half": "budget = half the pages (swapping)"}
for budget, pts in sorted(series.items()):
    pts.sort()
    ax.plot([v for v, _ in pts], [i / 1e6 for _, i in pts], marker="o", label=labels.get(budget, budget))
    for v, i in pts:
        print(f"throughput budget={budget:5s} vms={v:>7d}  {i / 1e6:8.1f} M guest instr/s")
ax.set_xscale("log")
ax.set_xlabel("VMs (all compute-bound swarm guests)")
ax.set_ylabel("aggregate guest instructions/s (millions)")
ax.set_title("Denali-J scheduler: throughput against the number of VMs")
ax.grid(True, which="both", alpha=0.3)
ax.legend()
fig.tight_layout()
fig.savefig(out, dpi=110)
print("wrote", out)

for r in json.load(open(costs)):
    name = r["benchmark"].rsplit(".", 2)[-2] + "." + r["benchmark"].rsplit(".", 1)[-1]
    params = ",".join(f"{k}={v}" for k, v in r.get("params", {}).items())
    m = r["primaryMetric"]
    print(f"{name:45s} {params:15s} {m['score']:12.1f} {m['scoreUnit']}")
    for k, v in r.get("secondaryMetrics", {}).items():
        if not k.startswith("p"):
            print(f"{'':45s} {k:15s} {mean(v):12.0f} {v['scoreUnit']}")
PY
