#!/usr/bin/env bash
# Runs each fuzz target for SECONDS (default 600), seeded from the shared
# corpus. Needs cargo-fuzz (`cargo install cargo-fuzz`); the stable
# toolchain builds it with RUSTC_BOOTSTRAP=1. Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(document_index set_value check)
export RUSTC_BOOTSTRAP=1
for target in "${targets[@]}"; do
    seeds="fuzz/corpus/$target"
    mkdir -p "$seeds"
    cp ../shared/corpus/kometa-configs/*.yml "$seeds"/ 2>/dev/null || true
    find ../shared/corpus/yaml-test-suite -name in.yaml | while read -r f; do
        cp "$f" "$seeds/suite-$(echo "$f" | tr '/' '_')"
    done
    mkdir -p fuzz/logs
    log="fuzz/logs/$target.log"
    echo "== $target for ${seconds}s (full log: $log)"
    cargo fuzz run "$target" "$seeds" -- -max_total_time="$seconds" -max_len=65536 -timeout=10 >"$log" 2>&1 || true
    grep -E "DONE|Done [0-9]+ runs|SUMMARY|panicked|ERROR|Test unit written" "$log" || true
done
