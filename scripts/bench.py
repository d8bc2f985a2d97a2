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

# renew against the loopback test server, next to curl doing the same POST
server = subprocess.Popen(["target/release/trakt-test-server", "127.0.0.1:18765"], stdout=subprocess.DEVNULL)
time.sleep(0.5)
url = "http://127.0.0.1:18765"
renew_file = f"{data}/renew.yml"
with open("fixtures/config.yml") as src, open(renew_file, "w") as dst:
    dst.write(src.read())
renew_ms, renew_mb = measure([ours, "renew", renew_file, "--force", "--api-url", url, "--auth-url", url], runs)
body = ('{"refresh_token":"0f9e8d7c6b5a49382716a5b4c3d2e1f00f9e8d7c6b5a49382716a5b4c3d2e1f0",'
        '"client_id":"4f2a9c1e7b3d8a6f0e5c2b9d7a4f1e8c3b6d9a2f5e8c1b4d7a0f3e6c9b2d5a8f",'
        '"client_secret":"9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d",'
        '"redirect_uri":"urn:ietf:wg:oauth:2.0:oob","grant_type":"refresh_token"}')
curl_ms, curl_mb = measure(["curl", "-s", "-o", "/dev/null", "-X", "POST", "-H", "Content-Type: application/json",
                            "-H", "trakt-api-version: 2", "-H", "User-Agent: curl", "-d", body, f"{url}/oauth/token"], runs)
server.terminate()

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
print()
print("| renewal against a loopback server | median | peak |")
print("|---|---:|---:|")
print(f"| kometa-trakt renew --force (read, plan, lock, POST, verified edit, atomic write) | {renew_ms:.1f} ms | {renew_mb:.0f} MB |")
print(f"| curl, the same POST alone | {curl_ms:.1f} ms | {curl_mb:.0f} MB |")
print(f"| ratio | {renew_ms / curl_ms:.2f}x | |")
