#!/usr/bin/env python3
"""Plots bench/results/web-experiment.csv: throughput and latency against the number of VMs,
batched interrupts on and off."""
import csv
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

rows = list(csv.DictReader(open(sys.argv[1])))
fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4.2))
for delivery, style in (("batched", "o-"), ("per-frame", "s--")):
    r = sorted((x for x in rows if x["delivery"] == delivery), key=lambda x: int(x["vms"]))
    n = [int(x["vms"]) for x in r]
    if not n:
        continue
    label = "batched interrupts" if delivery == "batched" else "one upcall per frame"
    a.plot(n, [float(x["req_per_s"]) for x in r], style, label=label + " (req/s)")
    a.plot(n, [float(x["mb_per_s"]) for x in r], style, alpha=0.45, label=label + " (MB/s)")
    b.plot(n, [float(x["p50_ms"]) for x in r], style, label=label + " p50")
    b.plot(n, [float(x["p99_ms"]) for x in r], style, alpha=0.45, label=label + " p99")
for ax in (a, b):
    ax.set_xscale("log")
    ax.set_xlabel("httpd VMs")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)
a.set_ylabel("aggregate throughput")
a.set_title("100 KB documents, 64 client connections")
b.set_yscale("log")
b.set_ylabel("latency (ms)")
b.set_title("request latency (HdrHistogram)")
fig.tight_layout()
fig.savefig(sys.argv[2], dpi=110)
