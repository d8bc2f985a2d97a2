#!/usr/bin/env python3
"""Times whole processes side by side and prints a markdown table.

usage: bench.py RUNS CHECK_JSONSCHEMA DATA_DIR (run by scripts/bench.sh)
"""
import glob
import os
import platform
import statistics
import subprocess
import sys
import time

runs = int(sys.argv[1])
cjs = sys.argv[2]
data = sys.argv[3]
ours = "target/release/kometa-trakt"
schema = "schemas/trakt.schema.json"


def measure(cmd, n):
    """Median wall time (ms) and peak RSS (MB) over `n` runs."""
    times, peaks = [], []
    for _ in range(n):
        start = time.perf_counter()
        out = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], capture_output=True, text=True)
        times.append((time.perf_counter() - start) * 1000)
        peaks.append(int(out.stderr.strip().splitlines()[-1]) / 1024)
    return statistics.median(times), max(peaks)


def row(name, path):
    size = os.path.getsize(path)
    ours_ms, ours_mb = measure([ours, "check", "--color", "never", path], runs)
    # check-jsonschema takes about a minute on 10 MB: fewer runs there.
    slow = 1 if size > 5e6 else min(runs, 3) if size > 5e5 else runs
    theirs_ms, theirs_mb = measure([cjs, "--schemafile", schema, path], slow)
    return name, size, ours_ms, ours_mb, theirs_ms, theirs_mb


corpus = sorted(glob.glob("../shared/corpus/kometa-configs/*.yml"))
corpus = [p for p in corpus if "j2" not in p]
rows = []
corpus_rows = [row(os.path.basename(p), p) for p in corpus]
med = lambda i: statistics.median(r[i] for r in corpus_rows)
rows.append((f"corpus: {len(corpus_rows)} real configs (median)", int(med(1)), med(2), med(3), med(4), med(5)))
rows.append(("typical: fixtures/config.yml",) + row("", "fixtures/config.yml")[1:])
rows.append(("generated 1 MB",) + row("", f"{data}/config-1mb.yml")[1:])
rows.append(("generated 10 MB",) + row("", f"{data}/config-10mb.yml")[1:])

cpu = "unknown CPU"
try:
    cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
except (OSError, StopIteration):
    pass
print(f"Measured {time.strftime('%Y-%m-%d')} on {platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}); "
      f"median of {runs} whole-process runs; peak = max RSS.\n")
print("| input | size | kometa-trakt check | peak | check-jsonschema | peak | speed-up |")
print("|---|---:|---:|---:|---:|---:|---:|")
for name, size, a, am, b, bm in rows:
    print(f"| {name} | {size / 1e6:.2f} MB | {a:.1f} ms | {am:.0f} MB | {b:.0f} ms | {bm:.0f} MB | {b / a:.0f}x |")
