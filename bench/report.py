#!/usr/bin/env python3
"""Summarise bench/run.sh measurements: medians per scenario and variant, ratios
of ours to the references.  Prints a table, writes it as JSON, and rewrites the
README section between <!-- bench:begin --> and <!-- bench:end -->."""
import datetime
import json
import os
import platform
import statistics
import sys

raw_path, json_path, readme_path = sys.argv[1:4]
rows = [json.loads(line) for line in open(raw_path) if line.strip()]
PEERS = ["ours", "ref", "bpftrace"]


def median(scenario, variant, key):
    vals = [r[key] for r in rows
            if r["scenario"] == scenario and r["variant"] == variant
            and isinstance(r.get(key), float)]
    return statistics.median(vals) if vals else None


def metrics(scenario):
    """metric name -> {variant: value} for one scenario."""
    out = {}
    base = median(scenario, "base", "ns_per_op")
    for v in PEERS:
        ops = median(scenario, v, "ops")
        traced = median(scenario, v, "ns_per_op")
        cpu = median(scenario, v, "tool_cpu_ms")
        vals = {
            "added ns/event": traced - base if traced is not None and base else None,
            "tool CPU ns/event": cpu * 1e6 / ops if cpu is not None and ops else None,
            "events lost": median(scenario, v, "lost"),
            "start-up ms": median(scenario, v, "startup_ms"),
            "steady RSS MB": median(scenario, v, "steady_rss_kb"),
            "peak RSS MB": median(scenario, v, "peak_rss_kb"),
        }
        for k in ("steady RSS MB", "peak RSS MB"):
            if vals[k] is not None:
                vals[k] /= 1024
        for k, x in vals.items():
            if x is not None:
                out.setdefault(k, {})[v] = x
    if base:
        out["baseline ns/op"] = {"base": base}
    return out


scenarios = []
for r in rows:
    if r["scenario"] not in scenarios:
        scenarios.append(r["scenario"])
if not scenarios:
    sys.exit("report: no measurements")

result = {
    "date": datetime.date.today().isoformat(),
    "kernel": platform.release(),
    "cpus": os.cpu_count(),
    "scenarios": {s: metrics(s) for s in scenarios},
}
for name in ["execsnoop", "opensnoop", "runqlat", "biolatency", "profile", "tcpretrans"]:
    ours = os.path.join(os.path.dirname(raw_path), "..", "..", "bin", name)
    ref = "/usr/sbin/" + name
    sizes = {}
    if os.path.exists(ours):
        sizes["ours"] = os.path.getsize(ours) / 1024
    if os.path.exists(ref):
        sizes["ref"] = os.path.getsize(ref) / 1024
    if sizes:
        result["scenarios"].setdefault("binary size", {})[name + " KiB"] = sizes


def fmt(x):
    if x is None:
        return "-"
    if abs(x) >= 100:
        return "%.0f" % x
    return "%.2f" % x if abs(x) < 10 else "%.1f" % x


def ratio(a, b):
    if a is None or b is None or b <= 0:
        return "-"
    return "%.2fx" % (a / b)


lines = ["| scenario | metric | ours | libbpf-tools | ours/ref | bpftrace | ours/bpftrace |",
         "| --- | --- | --- | --- | --- | --- | --- |"]
for s, ms in result["scenarios"].items():
    for metric, vals in ms.items():
        if metric == "baseline ns/op":
            lines.append("| %s | %s | %s | | | | |" % (s, metric, fmt(vals["base"])))
            continue
        o, r, b = vals.get("ours"), vals.get("ref"), vals.get("bpftrace")
        lines.append("| %s | %s | %s | %s | %s | %s | %s |" % (
            s, metric, fmt(o), fmt(r), ratio(o, r), fmt(b), ratio(o, b)))
table = "\n".join(lines)
print(table)
with open(json_path, "w") as f:
    json.dump(result, f, indent=1)

stamp = ("Measured by `sudo make bench` on %s, kernel %s, %d CPUs; medians of "
         "interleaved runs. Added cost: time per operation of the workload with the "
         "tool attached minus without." % (result["date"], result["kernel"], result["cpus"]))
text = open(readme_path).read()
begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
if begin in text and end in text:
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    with open(readme_path, "w") as f:
        f.write(head + begin + "\n" + stamp + "\n\n" + table + "\n" + end + tail)
