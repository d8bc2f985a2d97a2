#!/usr/bin/env bash
# How the GitHub Action (action.yml) installs kometa-trakt; its steps call this script, and
# scripts/routes.sh runs those steps the same way on a workstation.
#
#   action-install.sh install   the `wheel` input if given (WHEEL); else the released wheel of
#                               VERSION from PyPI, if one installs (a wheel only, never a build
#                               from the sdist); else writes build=true, cache-key and cache-path
#                               to $GITHUB_OUTPUT for the cache and build steps
#   action-install.sh build     the binary from the action's own source ($GITHUB_ACTION_PATH) with
#                               `cargo install --locked` into cache-path, unless the cache step
#                               restored it there (the key is a hash of that source)
#
# Both add the directory holding `kometa-trakt` to $GITHUB_PATH. They read the runner's
# environment: GITHUB_ACTION_PATH, GITHUB_OUTPUT, GITHUB_PATH, RUNNER_TEMP, RUNNER_OS, RUNNER_ARCH.
set -euo pipefail

venv="$RUNNER_TEMP/kometa-trakt"
root="$RUNNER_TEMP/kometa-trakt-build"

say() {
    echo "kometa-trakt action: $*"
}

# Installs pip's arguments into a fresh venv; on success its scripts directory goes on PATH.
pip_install() {
    rm -rf "$venv"
    python3 -m venv "$venv" 2>/dev/null || python -m venv "$venv"
    local bin="$venv/bin"
    if [ -d "$venv/Scripts" ]; then
        bin="$venv/Scripts"
    fi
    if ! "$bin/python" -m pip install --disable-pip-version-check --quiet "$@"; then
        rm -rf "$venv"
        return 1
    fi
    "$bin/kometa-trakt" --version
    echo "$bin" >> "$GITHUB_PATH"
}

# A hash of the action's source (every file's name and content, but build output and version
# control), so that a cached binary is used only for the very source it was built from, whatever
# the action's ref.
source_hash() {
    local sum=(sha256sum)
    command -v sha256sum >/dev/null || sum=(shasum -a 256)
    cd "$GITHUB_ACTION_PATH"
    find . \( -name target -o -name .git -o -name __pycache__ -o -name node_modules \) -prune \
        -o -type f -print0 | LC_ALL=C sort -z | xargs -0 "${sum[@]}" | "${sum[@]}" | cut -d' ' -f1
}

install() {
    local wheel=${WHEEL:-} version=${VERSION:-}
    if [ -n "$wheel" ]; then
        say "installing the wheel $wheel"
        pip_install "$wheel" || { say "the wheel $wheel did not install" >&2; exit 1; }
        echo "build=false" >> "$GITHUB_OUTPUT"
        return
    fi
    if [ -n "$version" ]; then
        say "installing the released wheel of kometa-trakt $version from PyPI"
        if pip_install --only-binary kometa-trakt "kometa-trakt==$version"; then
            echo "build=false" >> "$GITHUB_OUTPUT"
            return
        fi
        say "no wheel of kometa-trakt $version installs from PyPI (not released, or none for this platform)"
    fi
    say "building kometa-trakt from the action's source ($GITHUB_ACTION_PATH)"
    {
        echo "build=true"
        echo "cache-path=$root"
        echo "cache-key=kometa-trakt-${RUNNER_OS:-os}-${RUNNER_ARCH:-arch}-$(source_hash)"
    } >> "$GITHUB_OUTPUT"
}

build() {
    local bin="$root/bin/kometa-trakt"
    if [ -f "$bin" ] || [ -f "$bin.exe" ]; then
        say "the binary built from this source was restored from the cache"
    else
        if ! command -v cargo >/dev/null; then
            say "cargo is not installed on this runner: install Rust first, or give the action a wheel (the \`wheel\` input)" >&2
            exit 1
        fi
        say "cargo install --locked (minutes; the binary is cached for the next runs)"
        cargo install --locked --path "$GITHUB_ACTION_PATH" --root "$root" --bin kometa-trakt
    fi
    "$bin" --version
    echo "$root/bin" >> "$GITHUB_PATH"
}

case "${1:-}" in
    install) install ;;
    build) build ;;
    *)
        echo "usage: action-install.sh install|build" >&2
        exit 2
        ;;
esac
