#!/usr/bin/env python3
"""Summarise bench/run.sh measurements: medians per scenario and variant, ratios
of ours to the references, and (in the JSON) how the costs spread over rounds.
Prints a table, writes it as JSON, and rewrites the README section between
<!-- bench:begin --> and <!-- bench:end -->."""
import datetime
import json
import os
import subprocess
import tempfile
import platform
import statistics
import sys

raw_path, json_path = sys.argv[1:3]
readme_path = sys.argv[3] if len(sys.argv) > 3 else None
rows = [json.loads(line) for line in open(raw_path) if line.strip()]
PEERS = ["ours", "ref", "bpftrace"]


def tool_cpu_ns(r):
    """The tool's CPU from the workload's start to its exit (whole life if unknown)."""
    return r.get("run_cpu_ms", r["tool_cpu_ms"]) * 1e6


def per_event(r, x):
    """x spread over the events of one measurement (none in start-up scenarios)."""
    if not r["ops"] > 0:
        raise ZeroDivisionError
    return x / r["ops"]


# metric -> its value in one measurement r, given the baseline b of the same round.
# Each is the median over rounds; missing inputs leave the metric out.
METRICS = {
    "added ns/event": lambda r, b: r["ns_per_op"] - b["ns_per_op"],
    "added workload CPU ns/event": lambda r, b: r["cpu_ns_per_op"] - b["cpu_ns_per_op"],
    "BPF ns/event": lambda r, b: per_event(r, r["bpf_ns"]),
    "BPF runs/event": lambda r, b: per_event(r, r["bpf_runs"]),
    "BPF ns/run": lambda r, b: per_event(r, r["bpf_ns"]) / per_event(r, r["bpf_runs"]),
    "tool CPU ns/event": lambda r, b: per_event(r, tool_cpu_ns(r)),
    "total CPU ns/event": lambda r, b: per_event(r, r["bpf_ns"] + tool_cpu_ns(r)),
    "events lost": lambda r, b: r["lost"],
    "start-up ms": lambda r, b: r["startup_ms"],
    "steady RSS MB": lambda r, b: r["steady_rss_kb"] / 1024,
    "peak RSS MB": lambda r, b: r["peak_rss_kb"] / 1024,
}
# Costs whose spread over rounds goes to results.json, so that noise shows as such.
SPREAD = ["added ns/event", "added workload CPU ns/event", "BPF ns/event", "BPF ns/run",
          "tool CPU ns/event", "total CPU ns/event"]


def sig(x):
    """x to 4 significant digits: enough for noise, small costs (profile) kept."""
    return float("%.4g" % x)


def spread(vals):
    """min, quartiles, max and count of a list of numbers."""
    vals = sorted(vals)
    q = statistics.quantiles(vals, n=4, method="inclusive") if len(vals) > 1 else vals * 3
    return {"min": sig(vals[0]), "q1": sig(q[0]), "median": sig(q[1]), "q3": sig(q[2]),
            "max": sig(vals[-1]), "n": len(vals)}


def metrics(scenario):
    """metric name -> {variant: median} for one scenario, plus "spread" of the costs."""
    out, spreads = {}, {}
    mine = [r for r in rows if r["scenario"] == scenario]
    # The workload alone, by round: "added" compares each run with its own round's.
    base = {r.get("round"): r for r in mine if r["variant"] == "base"}
    for v in PEERS:
        for name, fn in METRICS.items():
            vals = []
            for r in mine:
                if r["variant"] != v:
                    continue
                try:
                    x = fn(r, base.get(r.get("round"), {}))
                except (KeyError, TypeError, ZeroDivisionError):
                    continue
                if isinstance(x, float):
                    vals.append(x)
            if not vals:
                continue
            out.setdefault(name, {})[v] = statistics.median(vals)
            if name in SPREAD:
                spreads.setdefault(name, {})[v] = spread(vals)
    base_ns = [r["ns_per_op"] for r in base.values() if isinstance(r.get("ns_per_op"), float)]
    if base_ns:
        out["baseline ns/op"] = {"base": statistics.median(base_ns)}
    if spreads:
        out["spread"] = spreads
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
def stripped_kib(path):
    """Size without symbols and debug info: ours keep -g, Debian's are stripped."""
    with tempfile.NamedTemporaryFile() as tmp:
        if subprocess.call(["strip", "-o", tmp.name, path], stderr=subprocess.DEVNULL) == 0:
            return os.path.getsize(tmp.name) / 1024
    return os.path.getsize(path) / 1024


for name in ["execsnoop", "opensnoop", "runqlat", "biolatency", "profile", "tcpretrans"]:
    ours = os.path.join(os.path.dirname(raw_path), "..", "..", "bin", name)
    ref = "/usr/sbin/" + name
    sizes = {}
    if os.path.exists(ours):
        sizes["ours"] = stripped_kib(ours)
    if os.path.exists(ref):
        sizes["ref"] = stripped_kib(ref)
    if sizes:
        result["scenarios"].setdefault("binary size", {})[name + " KiB stripped"] = sizes


def fmt(x):
    if x is None:
        return "-"
    if 0 < abs(x) < 0.1:
        return "%.2g" % x
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
        if metric == "spread":
            continue
        if metric == "baseline ns/op":
            lines.append("| %s | %s | %s | | | | |" % (s, metric, fmt(vals["base"])))
            continue
        o, r, b = vals.get("ours"), vals.get("ref"), vals.get("bpftrace")
        lines.append("| %s | %s | %s | %s | %s | %s | %s |" % (
            s, metric, fmt(o), fmt(r), ratio(o, r), fmt(b), ratio(o, b)))
        if metric == "added ns/event":
            # Its middle half over rounds: a difference inside it is noise.
            iqr = {v: "%s..%s" % (fmt(q["q1"]), fmt(q["q3"]))
                   for v, q in ms["spread"][metric].items()}
            lines.append("| %s | %s IQR | %s | %s | | %s | |" % (
                s, metric, iqr.get("ours", "-"), iqr.get("ref", "-"), iqr.get("bpftrace", "-")))
table = "\n".join(lines)
print(table)
with open(json_path, "w") as f:
    json.dump(result, f, indent=1)

stamp = ("Measured by `sudo make bench` on %s, kernel %s, %d CPUs; medians of "
         "interleaved runs. Added cost: time (and CPU time) per operation of the workload "
         "with the tool attached minus without, in the same round; its IQR row spans the "
         "middle half of the rounds, the noise to judge it by. BPF: run time and runs "
         "of the tool's BPF programs while the workload ran, from the kernel's BPF "
         "statistics (on while the bench runs; counting adds a little "
         "time, two clock reads, to every program run, for every tool alike). Tool CPU: the tool "
         "process from the workload's start to its exit (start-up excluded); total CPU = "
         "BPF + tool CPU. Events are the workload's operations (profile: units of CPU "
         "work), though system-wide tools also see other processes' events."
         % (result["date"], result["kernel"], result["cpus"]))
text = open(readme_path).read() if readme_path else ""
begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
if begin in text and end in text:
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    with open(readme_path, "w") as f:
        f.write(head + begin + "\n" + stamp + "\n\n" + table + "\n" + end + tail)
