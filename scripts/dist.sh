#!/usr/bin/env bash
# Builds what a release ships, the same way here and in .github/workflows/release.yml:
#
#   scripts/dist.sh wheel [TARGET]   a wheel of the binary (maturin, profile `dist`) in
#                                    target/artifacts/; Linux wheels are built with zig for manylinux2014 (glibc 2.17)
#                                    or musllinux_1_2, so one wheel runs on every distribution
#   scripts/dist.sh sdist            the source distribution (pip builds it with cargo)
#   scripts/dist.sh archive WHEEL [TARGET]
#                                    a standalone archive of the binary inside WHEEL,
#                                    kometa-trakt-VERSION-TARGET.tar.gz (.zip for Windows), and its
#                                    .sha256, in target/artifacts/
#   scripts/dist.sh verify WHEEL     the checks a Linux wheel must pass: no glibc symbol newer than
#                                    2.17 (objdump -T), installs into a fresh venv, runs `check` on
#                                    the bundled example
#   scripts/dist.sh sums DIR         SHA256SUMS for every file in DIR
#
# TARGET is a Rust target triple (default: this machine's). maturin and ziglang come from PyPI into
# target/dist-venv unless maturin is already on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/artifacts
mkdir -p "$out"

tools() {
    if command -v maturin >/dev/null && python3 -c 'import ziglang' 2>/dev/null; then
        return
    fi
    if [ ! -x target/dist-venv/bin/maturin ]; then
        python3 -m venv target/dist-venv
        target/dist-venv/bin/pip install --quiet 'maturin>=1.7,<2' ziglang
    fi
    export PATH="$PWD/target/dist-venv/bin:$PATH"
}

host_target() {
    rustc -vV | sed -n 's/^host: //p'
}

wheel() {
    local target=${1:-$(host_target)}
    tools
    local args=(build --locked --out "$out" --target "$target")
    case "$target" in
        *-linux-gnu*) args+=(--zig --compatibility manylinux2014) ;;
        *-linux-musl*) args+=(--zig --compatibility musllinux_1_2) ;;
    esac
    maturin "${args[@]}"
}

sdist() {
    tools
    maturin sdist --out "$out"
}

# The wheel's binary, so that the archive is exactly what pip installs.
archive() {
    local wheel=$1 target=${2:-$(host_target)}
    local name version stem tmp
    name=$(basename "$wheel" .whl)
    version=$(echo "$name" | cut -d- -f2)
    stem="kometa-trakt-$version-$target"
    tmp=$(mktemp -d)
    python3 - "$wheel" "$tmp" <<'EOF'
import sys, zipfile
wheel, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    for info in z.infolist():
        if "/scripts/" in info.filename:
            z.extract(info, dest)
EOF
    local bin
    bin=$(find "$tmp" -path '*/scripts/*' -type f -print -quit)
    [ -n "$bin" ] || { echo "dist.sh: no binary in $wheel" >&2; exit 1; }
    local dir="$tmp/$stem"
    mkdir "$dir"
    cp "$bin" README.md LICENSE "$dir/"
    chmod 755 "$dir/$(basename "$bin")"
    local file
    case "$target" in
        *windows*)
            file="$out/$stem.zip"
            (cd "$tmp" && python3 -m zipfile -c "$OLDPWD/$file" "$stem")
            ;;
        *)
            file="$out/$stem.tar.gz"
            tar -C "$tmp" -czf "$file" "$stem"
            ;;
    esac
    (cd "$out" && sha256sum "$(basename "$file")" > "$(basename "$file").sha256")
    rm -rf "$tmp"
    echo "$file"
}

verify() {
    local wheel=$1
    local tmp
    tmp=$(mktemp -d)
    python3 - "$wheel" "$tmp" <<'EOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    z.extractall(sys.argv[2])
EOF
    local bin
    bin=$(find "$tmp" -path '*/scripts/kometa-trakt' -type f)
    local newest
    newest=$(objdump -T "$bin" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -n 1)
    echo "dist.sh: newest glibc symbol version: ${newest:-none}"
    if [ -n "$newest" ] && [ "$(printf '%s\n' "$newest" GLIBC_2.17 | sort -V | tail -n 1)" != GLIBC_2.17 ]; then
        echo "dist.sh: $wheel needs $newest, newer than manylinux2014's GLIBC_2.17" >&2
        exit 1
    fi
    python3 -m venv "$tmp/venv"
    "$tmp/venv/bin/pip" install --quiet --no-index "$wheel"
    "$tmp/venv/bin/kometa-trakt" --version
    # The bundled example's token is long expired: a warning, exit 0.
    "$tmp/venv/bin/kometa-trakt" check fixtures/config.yml
    rm -rf "$tmp"
}

sums() {
    (cd "$1" && find . -maxdepth 1 -type f ! -name SHA256SUMS ! -name '*.sha256' -printf '%f\n' \
        | sort | xargs sha256sum > SHA256SUMS)
    cat "$1/SHA256SUMS"
}

command=${1:-}
shift || true
case "$command" in
    wheel) wheel "$@" ;;
    sdist) sdist ;;
    archive) archive "$@" ;;
    verify) verify "$@" ;;
    sums) sums "$@" ;;
    *) sed -n '2,20p' "$0" >&2; exit 2 ;;
esac
