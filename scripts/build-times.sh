#!/usr/bin/env bash
# Cold build times, as a new user meets them: each build in an empty target directory, with the
# crates already downloaded (`cargo fetch`). Prints a markdown table: wall time, CPU time (user +
# system) and the size of the target directory.
#
#   cargo build                         the debug binary (the README's `cargo run`)
#   cargo test --no-run                 every test binary, unit and integration
#   cargo test                          the same, then the tests run (as root: with what needs root)
#   cargo install --locked --path .     the release binary (pre-commit's `language: rust`, the
#                                       Action's source build, docker/Dockerfile's builder)
#
# With --timings, each build also writes cargo's HTML timing report to target/build-times/.
# Usage: scripts/build-times.sh [--timings] [WHAT...]   (WHAT: build, test-build, test, install)
set -euo pipefail
cd "$(dirname "$0")/.."
timings=()
if [ "${1:-}" = --timings ]; then
    timings=(--timings)
    shift
fi
what=("$@")
[ ${#what[@]} -gt 0 ] || what=(build test-build test install)
reports=$PWD/target/build-times
mkdir -p "$reports"
cargo fetch --locked --quiet

printf '| build | wall | CPU | target dir |\n|---|---:|---:|---:|\n'
for w in "${what[@]}"; do
    dir=$(mktemp -d "${TMPDIR:-/tmp}/build-times.XXXXXX")
    case $w in
        build) cmd=(cargo build --locked "${timings[@]}") ;;
        test-build) cmd=(cargo test --locked --no-run "${timings[@]}") ;;
        test) cmd=(cargo test --locked "${timings[@]}") ;;
        install) cmd=(cargo install --locked --path . --root "$dir/root" "${timings[@]}") ;;
        *)
            echo "build-times: unknown build $w (build, test-build, test, install)" >&2
            exit 2
            ;;
    esac
    # GNU time: elapsed, user and system seconds of the whole build (every rustc it starts).
    if ! CARGO_TARGET_DIR=$dir/target /usr/bin/time -f '%e %U %S' -o "$dir/time" \
        "${cmd[@]}" > "$dir/log" 2>&1; then
        tail -n 30 "$dir/log" >&2
        echo "build-times: ${cmd[*]} failed" >&2
        exit 1
    fi
    read -r wall user sys < "$dir/time"
    size=$(du -sm "$dir/target" | cut -f1)
    if [ ${#timings[@]} -gt 0 ]; then
        cp "$dir/target/cargo-timings/cargo-timing.html" "$reports/$w.html" 2>/dev/null || true
    fi
    label=${cmd[*]}
    label=${label//$dir/DIR}
    printf '| `%s` | %.0f s | %s s | %s MB |\n' "$label" "$wall" \
        "$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.0f", u + s }')" "$size"
    rm -rf "$dir"
done
