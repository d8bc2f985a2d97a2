#!/usr/bin/env bash
# Benchmarks whole-process `check` against check-jsonschema and yamllint (PyPI,
# in a venv made here) on the corpus and generated 1/10 MB configs, scaling to
# 100 MB, `renew` against the loopback test server next to curl, and the lines
# a renewal changes next to Kometa's own save path; prints markdown tables. Usage: scripts/bench.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-15}"
cargo build --release --quiet --workspace
venv=target/bench-venv
if [ ! -x "$venv/bin/check-jsonschema" ]; then
    python3 -m venv "$venv"
fi
for tool in check-jsonschema yamllint; do
    [ -x "$venv/bin/$tool" ] || "$venv/bin/pip" install --quiet "$tool"
done
"$venv/bin/python" -c "import ruamel.yaml" 2>/dev/null || "$venv/bin/pip" install --quiet ruamel.yaml
work=target/bench-data
mkdir -p "$work"
[ -f "$work/config-1mb.yml" ] || python3 scripts/gen_config.py 1 "$work/config-1mb.yml"
[ -f "$work/config-10mb.yml" ] || python3 scripts/gen_config.py 10 "$work/config-10mb.yml"
[ -f "$work/config-100mb.yml" ] || python3 scripts/gen_config.py 100 "$work/config-100mb.yml"
python3 scripts/bench.py "$runs" "$venv/bin" "$work"
echo
"$venv/bin/python" scripts/mindiff.py target/release/kometa-trakt
