#!/usr/bin/env python3
"""Times whole processes side by side and prints markdown tables.

usage: bench.py RUNS VENV_BIN DATA_DIR (run by scripts/bench.sh)
"""
import glob
import os
import platform
import statistics
import subprocess
import sys
import time

runs = int(sys.argv[1])
venv = sys.argv[2]
data = sys.argv[3]
ours = "target/release/kometa-trakt"
schema = "schemas/trakt.schema.json"
tools = {
    "check-jsonschema": lambda path: [f"{venv}/check-jsonschema", "--schemafile", schema, path],
    "yamllint": lambda path: [f"{venv}/yamllint", "-d", "relaxed", path],
}


def measure(cmd, n):
    """Median wall time (ms) over `n` runs and peak RSS (MB). The peak comes
    from a first run under /usr/bin/time (a forked Python child would count
    Python's memory); the timed runs have no wrapper process, except that a
    first run over 2 s counts as one of them (the wrapper is noise there)."""
    start = time.perf_counter()
    out = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], capture_output=True, text=True)
    first = (time.perf_counter() - start) * 1000
    peak = int(out.stderr.strip().splitlines()[-1]) / 1024
    times = [first] if first > 2000 else []
    while len(times) < n:
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), peak


def row(path, others=True):
    size = os.path.getsize(path)
    result = {"size": size, "ours": measure([ours, "check", "--color", "never", path], runs)}
    # The Python tools take minutes on large files: fewer runs there.
    slow = 1 if size > 5e6 else min(runs, 3) if size > 5e5 else runs
    for name, cmd in tools.items():
        result[name] = measure(cmd(path), slow) if others else None
    return result


def fmt(ms):
    return f"{ms:.1f} ms" if ms < 100 else f"{ms:,.0f} ms"


corpus = sorted(p for p in glob.glob("../shared/corpus/kometa-configs/*.yml") if "j2" not in p)
corpus_rows = [row(p) for p in corpus]
rows = [("corpus: %d real configs (median per file)" % len(corpus_rows), {
    "size": statistics.median(r["size"] for r in corpus_rows),
    **{k: (statistics.median(r[k][0] for r in corpus_rows), max(r[k][1] for r in corpus_rows)) for k in ["ours", *tools]},
})]
rows += [(f"corpus: {os.path.basename(p)}", r) for p, r in zip(corpus, corpus_rows)]
rows.append(("typical: fixtures/config.yml", row("fixtures/config.yml")))
rows.append(("generated 1 MB", row(f"{data}/config-1mb.yml")))
rows.append(("generated 10 MB", row(f"{data}/config-10mb.yml")))

cpu = "unknown CPU"
try:
    cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
except (OSError, StopIteration):
    pass
print(f"Measured {time.strftime('%Y-%m-%d')} on {platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}); "
      f"median of {runs} whole-process runs (fewer for the Python tools on large files); peak = max RSS.\n")
print("| input | size | kometa-trakt check | check-jsonschema | yamllint | vs check-jsonschema | vs yamllint |")
print("|---|---:|---:|---:|---:|---:|---:|")
for name, r in rows:
    (a, am), (b, bm), (c, cm) = r["ours"], r["check-jsonschema"], r["yamllint"]
    print(f"| {name} | {r['size'] / 1e6:.2f} MB | {fmt(a)}, {am:.0f} MB | {fmt(b)}, {bm:.0f} MB | {fmt(c)}, {cm:.0f} MB "
          f"| {b / a:.0f}x | {c / a:.0f}x |")

print("\n| scaling (kometa-trakt check) | time | peak memory | time per MB | peak / file size |")
print("|---|---:|---:|---:|---:|")
for mb in (1, 10, 100):
    path = f"{data}/config-{mb}mb.yml"
    ms, peak = measure([ours, "check", "--color", "never", path], max(1, min(runs, 5)))
    print(f"| {mb} MB | {fmt(ms)} | {peak:.0f} MB | {ms / mb:.1f} ms | {peak / mb:.2f}x |")

# renew against the loopback test server, next to curl doing the same POST
server = subprocess.Popen(["target/release/trakt-test-server", "127.0.0.1:18765"], stdout=subprocess.DEVNULL)
time.sleep(0.5)
url = "http://127.0.0.1:18765"
renew_file = f"{data}/renew.yml"
with open("fixtures/config.yml") as src, open(renew_file, "w") as dst:
    dst.write(src.read())
renew_ms, renew_mb = measure([ours, "renew", renew_file, "--force", "--api-url", url, "--auth-url", url], runs)
set_ms, _ = measure([ours, "set", renew_file, "trakt.authorization.scope", "private", "--dry-run"], runs)
body = ('{"refresh_token":"0f9e8d7c6b5a49382716a5b4c3d2e1f00f9e8d7c6b5a49382716a5b4c3d2e1f0",'
        '"client_id":"4f2a9c1e7b3d8a6f0e5c2b9d7a4f1e8c3b6d9a2f5e8c1b4d7a0f3e6c9b2d5a8f",'
        '"client_secret":"9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d",'
        '"redirect_uri":"urn:ietf:wg:oauth:2.0:oob","grant_type":"refresh_token"}')
curl_ms, curl_mb = measure(["curl", "-s", "-o", "/dev/null", "-X", "POST", "-H", "Content-Type: application/json",
                            "-H", "trakt-api-version: 2", "-H", "User-Agent: curl", "-d", body, f"{url}/oauth/token"], runs)
server.terminate()
print("\n| renewal against a loopback server | median | peak |")
print("|---|---:|---:|")
print(f"| `kometa-trakt renew --force` (read, plan, lock, POST, verified edit, atomic write) | {fmt(renew_ms)} | {renew_mb:.0f} MB |")
print(f"| `kometa-trakt set --dry-run` of one value (parse, plan, verify, diff; no network) | {fmt(set_ms)} | |")
print(f"| `curl`, the same POST alone | {fmt(curl_ms)} | {curl_mb:.0f} MB |")
print(f"| renew / curl | {renew_ms / curl_ms:.2f}x | |")
