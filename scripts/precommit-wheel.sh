#!/usr/bin/env bash
# pre-commit's fast form, for real: a `repo: local` hook with `language: python` whose
# additional_dependencies is the wheel (a path here; `kometa-trakt==VERSION` once released).
# In a throwaway git repository, the hook must block a bad config (exit 1, the finding shown)
# and pass a good one (exit 0). Usage: scripts/precommit-wheel.sh WHEEL
set -euo pipefail
cd "$(dirname "$0")/.."
wheel=$(realpath "$1")
root=$PWD

if ! command -v pre-commit >/dev/null; then
    if [ ! -x target/precommit-venv/bin/pre-commit ]; then
        python3 -m venv target/precommit-venv
        target/precommit-venv/bin/pip install --quiet 'pre-commit>=3,<5'
    fi
    export PATH="$PWD/target/precommit-venv/bin:$PATH"
fi

repo=$(mktemp -d)
trap 'rm -rf "$repo"' EXIT
export PRE_COMMIT_HOME="$repo/.pre-commit-home"
cd "$repo"
git init -q .
git config user.email ci@example.invalid
git config user.name ci
mkdir config
cat > .pre-commit-config.yaml <<EOF
repos:
  - repo: local
    hooks:
      - id: kometa-trakt-check
        name: kometa-trakt check
        entry: kometa-trakt check
        language: python
        additional_dependencies: ["$wheel"]
        files: (^|/)config\.ya?ml$
EOF

run_hook() {
    git add -A
    set +e
    pre-commit run --all-files > "$repo/hook.out" 2>&1
    local code=$?
    set -e
    echo "$code"
}

# A good config: the bundled example (its expired token is a warning, which does not fail).
cp "$root/fixtures/config.yml" config/config.yml
code=$(run_hook)
if [ "$code" != 0 ]; then
    cat "$repo/hook.out"
    echo "precommit-wheel: the good config failed the hook (exit $code)" >&2
    exit 1
fi
echo "precommit-wheel: good config passed"

# A bad config: an integer pin.
cp "$root/fixtures/check/pin-type.yml" config/config.yml
code=$(run_hook)
if [ "$code" != 1 ] || ! grep -q 'error\[pin-type\]' "$repo/hook.out"; then
    cat "$repo/hook.out"
    echo "precommit-wheel: the bad config was not blocked (exit $code)" >&2
    exit 1
fi
echo "precommit-wheel: bad config blocked:"
grep 'error\[pin-type\]' "$repo/hook.out"
