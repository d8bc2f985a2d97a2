#!/usr/bin/env bash
# Benchmarks whole-process `check` against check-jsonschema (PyPI, in a
# venv made here) on the corpus and on generated 1 MB and 10 MB configs, and
# prints a markdown table. Usage: scripts/bench.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-15}"
cargo build --release --quiet --workspace
venv=target/bench-venv
if [ ! -x "$venv/bin/check-jsonschema" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet check-jsonschema
fi
[ -d "$venv/lib/python3.11/site-packages/ruamel" ] || "$venv/bin/pip" install --quiet ruamel.yaml
work=target/bench-data
mkdir -p "$work"
[ -f "$work/config-1mb.yml" ] || python3 scripts/gen_config.py 1 "$work/config-1mb.yml"
[ -f "$work/config-10mb.yml" ] || python3 scripts/gen_config.py 10 "$work/config-10mb.yml"
python3 scripts/bench.py "$runs" "$venv/bin/check-jsonschema" "$work"
echo
"$venv/bin/python" scripts/mindiff.py target/release/kometa-trakt
