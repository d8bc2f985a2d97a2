#!/usr/bin/env python3
"""Kometa's own code judges `kometa-trakt check` over a generated space of trakt blocks.

Each case of judge/generate.py runs through Kometa 2.4.4's trakt path (judge/kometa_path.py: the
vendored code, in this process, against kometa-trakt's Trakt test server, once per server state
that matters) and through `kometa-trakt check --format json --kometa-version 2.4` (with the
case's environment and `--kometa-*` arguments, KOMETA_TRAKT_NOW fixed to the case's state), and
is classed:

  Kometa broken: it crashes (an exception escapes: the whole run aborts), fails to connect (now
    or at its next refresh), or ignores a block the user clearly meant as the trakt block.
    We must report an error; warnings, notes or nothing = "tool weaker".
  Kometa silently ignores a value meant to have an effect (force_refresh written other than as
    the boolean true: the generator knows the user meant a refresh on every run; Kometa ignored
    it when, in the live state, it did not refresh while the twin case with `force_refresh: true`
    did). A warning = "warned" (agreement); nothing = "tool weaker"; an error = "tool stricter".
  Kometa works (connects, also after re-dumping the file): an error = "tool stricter".
  Otherwise: agree.
A failure where the server's state makes it inevitable (both tokens revoked and no PIN in the
file) is not held against the file. judge/accepted.tsv lists deliberate disagreements.

Prints a table by class, writes every disagreement (YAML, environment, arguments, both outcomes)
to target/judge/report.md and every result to target/judge/results.jsonl; exits 1 when a
disagreement is not accepted, or the vendored files or the coverage check fail.

With --write-docs (a whole-space run only) it also writes judge/evidence.tsv, the cases that justify
each rule's severity, and regenerates its section of docs/rules.md; --check-docs runs nothing and
fails when that section or evidence.tsv is stale (judge/evidence.py).

Usage: judge/run.py [--sample] [--binary PATH] [--server PATH] [--jobs N] [--seed N] [--only ID,...]
                    [--write-docs | --check-docs]
Needs: python3 with Kometa's pins (scripts/kometa-judge makes the venv), the two binaries built.
"""

import argparse
import collections
import csv
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import evidence  # noqa: E402
import generate  # noqa: E402
import vendored  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "target" / "judge"
ACCEPTED = ROOT / "judge" / "accepted.tsv"
CLASSES = ["agree", "warned", "tool weaker", "tool stricter", "tool failed", "accepted"]
BASE_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/root", "LANG": "C.UTF-8"}

_kometa = None
_options = None


def init_worker(options):
    global _kometa, _options
    from kometa_path import KometaPath

    _options = options
    _kometa = KometaPath()
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - Kometa's prompt prints here


def subst(text, places):
    for name, value in places.items():
        text = text.replace("{" + name + "}", value)
    return text


def lay_out(case, root, yaml_text=None):
    """Writes the case's files under `root`: install/ (the directory of kometa.py, with config/),
    elsewhere/ (a config given by --config), the .env files. Returns the substitutions."""
    if root.exists():
        shutil.rmtree(root)
    places = {"install": str(root / "install"), "elsewhere": str(root / "elsewhere")}
    (root / "install" / "config").mkdir(parents=True)
    (root / "elsewhere").mkdir()
    config = Path(subst(case["config"], places))
    config.write_bytes((case["yaml"] if yaml_text is None else yaml_text).encode("utf-8"))
    for path, content in case["dotenv"].items():
        Path(subst(path, places)).write_text(content, encoding="utf-8")
    places["config"] = str(config)
    return places


def server_options(case, state):
    t = case["truth"]
    opts = ["--client-id", t["client_id"], "--client-secret", t["client_secret"],
            "--access-token", t["access_token"], "--refresh-token", t["refresh_token"]]
    if state == "revoked":
        opts[-1] = "a refresh token the server revoked"
    if case["has_pin"]:
        opts += ["--pin", t["pin"]]
    if state in ("expired", "revoked"):
        opts.append("--expired")
    return opts


def start_server(binary, opts):
    """A fresh test server on an ephemeral port; ready when it prints its address."""
    proc = subprocess.Popen([binary, "127.0.0.1:0", *opts], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    match = re.search(r"on (http://\S+)", line)
    if not match:
        proc.kill()
        raise RuntimeError(f"the test server did not start: {line!r}")
    return proc, match.group(1)


def kometa_run(case, state, work, yaml_text=None):
    places = lay_out(case, work, yaml_text)
    before = Path(places["config"]).read_bytes()
    proc, url = start_server(_options["server"], server_options(case, state))
    try:
        argv = [subst(a, places) for a in case["argv"]]
        env = {subst(k, places): subst(v, places) for k, v in case["env"].items()}
        out = _kometa.run(places["install"], argv, env, url)
    finally:
        proc.kill()
        proc.wait()
    out["state"] = state
    out["rewrote"] = Path(places["config"]).read_bytes() != before if Path(places["config"]).exists() else True
    return out


def check_run(case, work, now):
    places = lay_out(case, work)
    env = dict(BASE_ENV)
    env.update({subst(k, places): subst(v, places) for k, v in case["env"].items()})
    env["KOMETA_TRAKT_NOW"] = str(now)
    env.pop("KOMETA_VERSION", None)
    argv = [subst(a, places) for a in case["secret_argv"]]
    cmd = [_options["binary"], "check", "--format", "json", "--kometa-version", "2.4", places["config"], *argv]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=places["install"], stdin=subprocess.DEVNULL)
    verdict = {"exit": proc.returncode, "diagnostics": [], "stderr": proc.stderr.strip()[:500]}
    try:
        doc = json.loads(proc.stdout)
        verdict["diagnostics"] = [{"rule": d["rule"], "severity": d["severity"], "message": d["message"]}
                                  for f in doc["files"] for d in f["diagnostics"]]
        severities = {d["severity"] for d in verdict["diagnostics"]}
        verdict["worst"] = "error" if "error" in severities else "warning" if "warning" in severities else "note" if "note" in severities else "clean"
    except (ValueError, KeyError, TypeError):
        verdict["worst"] = "failed"
    return verdict


def run_case(case):
    work = Path(tempfile.mkdtemp(prefix=f"case{case['id']}-", dir=_options["work"]))
    try:
        now = _options["now"] if case["server"] == "live" else _options["now_expired"]
        result = {"id": case["id"], "check": check_run(case, work / "check", now)}
        result["kometa"] = [kometa_run(case, state, work / state) for state in case["runs"]]
        if case.get("twin_yaml") and "live" in case["runs"]:
            twin = kometa_run(case, "live", work / "twin", case["twin_yaml"])
            result["twin_refreshed"] = twin["refreshed"]
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ---------------------------------------------------------------- classing

def kometa_verdict(case, result):
    """(kind, why): kind is broken, ignored-value, works or excused."""
    broken = []
    for run in result["kometa"]:
        o = run["outcome"]
        excused = run["state"] == "revoked" and not case["has_pin"]
        if o == "crashes":
            broken.append(f"{run['state']}: crashes")
        elif o == "fails" and not excused:
            broken.append(f"{run['state']}: fails")
        elif o == "ignores" and case["meant_block"]:
            broken.append(f"{run['state']}: ignores the block")
    if broken:
        return "broken", "; ".join(broken)
    live = [r for r in result["kometa"] if r["state"] == "live"]
    if case["force"] == "on" and live and not live[0]["refreshed"] and live[0]["outcome"] == "connects" and result.get("twin_refreshed"):
        return "ignored-value", "force_refresh ignored (the twin with `force_refresh: true` refreshes)"
    if all(r["state"] == "revoked" and not case["has_pin"] and r["outcome"] == "fails" for r in result["kometa"]):
        return "excused", "fails: both tokens revoked and no PIN (the state, not the file)"
    return "works", ""


def classify(case, result, accepted):
    kind, why = kometa_verdict(case, result)
    worst = result["check"]["worst"]
    if worst == "failed":
        cls = "tool failed"
    elif kind == "broken":
        cls = "agree" if worst == "error" else "tool weaker"
    elif kind == "excused":
        cls = "agree"  # the server's state decides, not the file: not judged
    elif kind == "ignored-value":
        cls = "warned" if worst == "warning" else "tool stricter" if worst == "error" else "tool weaker"
    else:
        cls = "tool stricter" if worst == "error" else "agree"
    rule = None
    if cls not in ("agree", "warned"):
        rule = accepted_by(case, result, accepted)
        if rule:
            cls = "accepted"
    return cls, kind, why, rule


def load_accepted(path=ACCEPTED):
    rows = []
    if path.exists():
        with open(path, encoding="utf-8", newline="") as fp:
            lines = [l for l in fp if l.strip() and not l.startswith("#")]
        for row in csv.DictReader(lines, delimiter="\t"):
            rows.append(row)
    return rows


def accepted_by(case, result, accepted):
    rules = " ".join(sorted({f"{d['severity']}:{d['rule']}" for d in result["check"]["diagnostics"]}))
    for row in accepted:
        if re.search(row["case"], case["description"]) and re.search(row.get("rules") or "", rules):
            return row["reason"]
    return None


def short(run):
    text = run["outcome"]
    if run["exception"]:
        e = run["exception"]
        text += f" {e['type']}"
        if e.get("cause"):
            text += f"<{e['cause']['type']}>"
        if e.get("where"):
            text += f" at {e['where']}"
    elif run["outcome"] == "fails":
        text += f" ({run['message']})"
    flags = [f for f in ("rewrote", "prompted", "refreshed") if run.get(f)]
    if run.get("retries"):
        flags.append(f"{run['retries']} retries, {run['slept']:.0f}s of sleep")
    return text + (f" [{', '.join(flags)}]" if flags else "")


def signature(case, result, kind):
    """What a disagreement is about, for grouping: Kometa's outcomes (exception or message,
    normalised) and our rule ids."""
    parts = []
    for run in result["kometa"]:
        e = run["exception"]
        what = run["outcome"]
        if e:
            what += " " + e["type"] + (f"<{e['cause']['type']}>" if e.get("cause") else "") + " " + normalise(e.get("cause", e)["message"])[:80]
        elif run["outcome"] == "fails":
            what += " " + normalise(run["message"])[:80]
        parts.append(f"{run['state']}: {what}")
    rules = ",".join(sorted({f"{d['severity']}:{d['rule']}" for d in result["check"]["diagnostics"] if d["severity"] != "note"})) or "clean"
    return f"{kind} | {' ; '.join(parts)} | {rules}"


def normalise(text):
    text = re.sub(r"[0-9a-fA-F]{12,}", "…", text)
    text = re.sub(r"0x[0-9a-f]+", "0x…", text)
    text = re.sub(r"/tmp/\S+", "PATH", text)
    text = re.sub(r"line \d+ column \d+", "line L column C", text)
    return text.replace("\n", " ")


def trakt_excerpt(yaml_text):
    lines = yaml_text.splitlines()
    start = next((i for i, l in enumerate(lines) if re.match(r"\s*(x-|['\"]?trakt|TRAKT|Trakt)", l)), 0)
    return "\n".join(lines[start:])


# ---------------------------------------------------------------- main

def sample(table, cases):
    """A fixed stratified sample: for every value of the table one single case (the keys taken in
    turn), every state, layout, block key/form, authorization form and secret source, and every
    25th case of the pairs family."""
    by = {}
    for c in cases:
        if c["family"] == "single":
            by.setdefault(tuple(c["changed"]), c)
    picked = {cases[0]["id"]: cases[0]}
    for i, vid in enumerate(table.values):
        keys = [k for k in table.keys if vid in table.by_key[k]]
        for j in range(len(keys)):
            k = keys[(i + j) % len(keys)]
            c = by.get((f"{k}={vid}",))
            if c:
                picked[c["id"]] = c
                break
    for d in generate.SMALL:
        for vid in table.small[d]:
            c = by.get((f"{d}={vid}",)) or by.get((f"{d}={vid}", "client_id=ph-lower"))
            if c:
                picked[c["id"]] = c
    for c in cases:
        if c["family"] == "pairs" and int(c["id"]) % 25 == 0:
            picked[c["id"]] = c
    return sorted(picked.values(), key=lambda c: c["id"])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", action="store_true", help="a fixed stratified sample covering every value of the table")
    parser.add_argument("--binary", default=str(ROOT / "target" / "debug" / "kometa-trakt"))
    parser.add_argument("--server", default=str(ROOT / "target" / "debug" / "trakt-test-server"))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--only", help="comma-separated case ids")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--write-docs", action="store_true", help="write judge/evidence.tsv and its docs/rules.md section (whole space only)")
    parser.add_argument("--check-docs", action="store_true", help="run nothing; fail when docs/rules.md's evidence section or evidence.tsv is stale")
    args = parser.parse_args(argv)
    started = time.monotonic()
    if args.check_docs:
        problems = evidence.check_docs()
        for p in problems:
            print(f"judge: {p}", file=sys.stderr)
        return 1 if problems else 0
    if args.write_docs and (args.sample or args.only or args.seed is not None):
        raise SystemExit("judge: --write-docs needs the whole space with the table's seed (no --sample, --only or --seed)")

    failures = []
    problems = vendored.problems()
    for p in problems:
        print(f"vendored: {p}", file=sys.stderr)
    if problems:
        failures.append("the vendored Kometa files differ from vendor/kometa-2.4.4/MANIFEST.tsv")
    table = generate.Table()
    seed = table.data["seed"] if args.seed is None else args.seed
    cases = generate.generate(table, seed)
    missing = generate.coverage(table, cases)
    for m in missing:
        print(f"coverage: {m}", file=sys.stderr)
    if missing:
        failures.append("the coverage check failed")
    generate.write(cases, args.out / "cases")
    chosen = sample(table, cases) if args.sample else cases
    if args.only:
        wanted = set(args.only.split(","))
        chosen = [c for c in cases if c["id"] in wanted]
    if args.sample:
        seen = {(d, c["spec"][d]) for c in chosen for d in generate.SMALL} | {v for c in chosen for v in c["spec"]["values"].values()}
        lacking = [v for v in table.values if v not in seen] + [f"{d}={v}" for d in generate.SMALL for v in table.small[d] if (d, v) not in seen]
        if lacking:
            failures.append(f"the sample lacks {', '.join(lacking)}")
    for binary in (args.binary, args.server):
        if not os.access(binary, os.X_OK):
            raise SystemExit(f"judge: {binary} is not built (cargo build --bin kometa-trakt -p kometa-trakt; cargo build -p trakt-test-server --bin trakt-test-server)")
    work = args.out / "work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    now = table.now
    created = int(table.data["keys"]["created_at"]["v"])
    options = {"binary": args.binary, "server": args.server, "work": str(work), "now": now,
               "now_expired": created + int(table.data["keys"]["expires_in"]["v"]) + 86400}
    print(f"judge: {len(chosen)} cases of {len(cases)} (seed {seed}), {args.jobs} workers", file=sys.stderr)
    by_id = {c["id"]: c for c in chosen}
    results = []
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(args.jobs, initializer=init_worker, initargs=(options,)) as pool:
        for i, r in enumerate(pool.imap_unordered(run_case, chosen, chunksize=4), 1):
            results.append(r)
            if i % 250 == 0:
                print(f"judge: {i}/{len(chosen)} ({time.monotonic() - started:.0f} s)", file=sys.stderr)
    results.sort(key=lambda r: r["id"])
    accepted = load_accepted()
    counts = collections.Counter()
    kinds = collections.Counter()
    groups = collections.defaultdict(list)
    with open(args.out / "results.jsonl", "w", encoding="utf-8") as fp:
        for r in results:
            case = by_id[r["id"]]
            cls, kind, why, reason = classify(case, r, accepted)
            r.update({"class": cls, "kometa_kind": kind, "why": why, "accepted": reason, "description": case["description"]})
            counts[cls] += 1
            kinds[(kind, cls)] += 1
            if cls not in ("agree", "warned"):
                groups[(cls, signature(case, r, kind))].append(r)
            fp.write(json.dumps(r, ensure_ascii=False) + "\n")
    if args.write_docs:
        rows = evidence.collect(results, by_id)
        evidence.write_tsv(rows, len(results))
        evidence.write_docs(rows, len(results))
        print(f"judge: wrote {evidence.TSV.relative_to(ROOT)} and its section of {evidence.DOCS.relative_to(ROOT)}", file=sys.stderr)
    elapsed = time.monotonic() - started
    report = write_report(args.out / "report.md", by_id, counts, kinds, groups, len(chosen), elapsed, seed)
    print(report)
    disagreements = sum(n for c, n in counts.items() if c not in ("agree", "warned", "accepted"))
    if disagreements:
        failures.append(f"{disagreements} disagreements outside judge/accepted.tsv")
    for f in failures:
        print(f"judge: {f}", file=sys.stderr)
    print(f"judge: {len(chosen)} cases in {elapsed:.0f} s; details in {args.out / 'report.md'}", file=sys.stderr)
    return 1 if failures else 0


def write_report(path, by_id, counts, kinds, groups, total, elapsed, seed):
    lines = [f"# kometa-judge: {total} cases, seed {seed}, {elapsed:.0f} s", "", "| class | cases |", "|---|---|"]
    lines += [f"| {c} | {counts.get(c, 0)} |" for c in CLASSES]
    lines += ["", "| Kometa | class | cases |", "|---|---|---|"]
    lines += [f"| {k} | {c} | {n} |" for (k, c), n in sorted(kinds.items())]
    summary = "\n".join(lines)
    lines += ["", f"## Disagreements ({sum(len(g) for g in groups.values())} cases in {len(groups)} groups)", ""]
    for (cls, sig), rs in sorted(groups.items(), key=lambda kv: (kv[0][0], -len(kv[1]), kv[0][1])):
        r = rs[0]
        case = by_id[r["id"]]
        lines += [f"### {cls}: {len(rs)} cases", "", f"- signature: `{sig}`",
                  f"- cases: {', '.join(x['id'] + ' (' + x['description'].split(': ', 1)[1] + ')' for x in rs[:12])}{' …' if len(rs) > 12 else ''}",
                  f"- representative {case['id']}: {case['description']}",
                  f"- Kometa: {'; '.join(r2['state'] + ': ' + short(r2) for r2 in r['kometa'])}"]
        for run in r["kometa"]:
            if run["exception"]:
                lines.append(f"  - {run['state']}: `{run['exception']['type']}: {normalise(run['exception']['message'])[:200]}`"
                             + (f" (last attempt: `{run['exception']['cause']['type']}: {normalise(run['exception']['cause']['message'])[:200]}`)" if run["exception"].get("cause") else ""))
        lines.append(f"- kometa-trakt check: exit {r['check']['exit']}, " + (", ".join(f"{d['severity']}[{d['rule']}]" for d in r["check"]["diagnostics"]) or "clean"))
        if r.get("accepted"):
            lines.append(f"- accepted: {r['accepted']}")
        env = {k: v for k, v in case["env"].items()}
        if env or case["argv"] or case["dotenv"]:
            lines.append(f"- environment: `{json.dumps(env, ensure_ascii=False)}`; arguments: `{' '.join(case['argv'])}`; .env: `{json.dumps(case['dotenv'], ensure_ascii=False)}`")
        lines += ["", "```yaml", trakt_excerpt(case["yaml"]), "```", ""]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return summary


if __name__ == "__main__":
    sys.exit(main())
