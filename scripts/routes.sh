#!/usr/bin/env bash
# The install routes that work from a clone today, run the way a user runs them:
#
#   1. the GitHub Action (action.yml) by its own steps (scripts/run-action.py runs them as GitHub's
#      runner does): a `version` with no released wheel falls through to a build of the action's
#      source, which a second run restores from the cache; the `wheel` input, with WHEEL if given;
#      its check step passes the bundled example with one warning annotation and fails a bad
#      config (exit 1)
#   2. docker/Dockerfile by its stages' commands: the builder's RUN as written, the final stage's
#      COPY lines into a scratch root, the binary's glibc floor against the final image's Debian,
#      `check` on the bundled example, and .dockerignore against the files the build read
#   3. pre-commit's `language: rust` hooks from this clone (repo: its path, rev: HEAD):
#      kometa-trakt-check blocks a bad config and passes the bundled example, kometa-trakt-fix
#      fixes a bad one, kometa-trakt-config blocks a config without Kometa's tmdb section and
#      passes a whole one; the first run (clone, cargo install, run) is timed
#
# Usage: scripts/routes.sh [WHEEL]     (WHEEL: a wheel for the Action's `wheel` input, e.g. from
#                                       scripts/dist.sh wheel; without it that case is skipped)
# Every cargo build shares CARGO_TARGET_DIR (default: target/), so the routes after the first reuse
# its build. pre-commit and PyYAML come from PyPI into target/precommit-venv unless already on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
wheel=${1:+$(realpath "$1")}
CARGO_TARGET_DIR=$(realpath -m "${CARGO_TARGET_DIR:-target}")
export CARGO_TARGET_DIR
export CARGO_TERM_COLOR=never

# The newest glibc the binary may need: that of Debian 12 (bookworm), the older of the Debians
# Kometa's image (python:3.13-slim) has been built on (Debian 13 has 2.41).
glibc_limit=2.36

say() {
    echo "routes: $*"
}
fail() {
    echo "routes: FAIL: $*" >&2
    exit 1
}
timings=()
timed() { # timed LABEL SECONDS
    timings+=("$(printf '%-48s %6s' "$1" "$2")")
}

if ! command -v pre-commit >/dev/null || ! python3 -c 'import yaml' 2>/dev/null; then
    if [ ! -x target/precommit-venv/bin/pre-commit ]; then
        python3 -m venv target/precommit-venv
        target/precommit-venv/bin/pip install --quiet 'pre-commit>=3,<5'
    fi
    export PATH="$root/target/precommit-venv/bin:$PATH"
fi
command -v objdump >/dev/null || fail "objdump is needed (binutils)"
if command -v kometa-trakt >/dev/null; then
    fail "a kometa-trakt is on PATH ($(command -v kometa-trakt)): it would hide which one each route installed"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# ---- 0. The version the first release will have, everywhere it is named ----------------------

# (No `| head`: under pipefail a writer cut short by it fails the script with SIGPIPE.)
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | sed -n 1p)
action_version=$(python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["inputs"]["version"]["default"])' action.yml)
[ "$action_version" = "$version" ] || fail "action.yml's version input defaults to $action_version, Cargo.toml says $version"
grep -qx "RUN pip install --no-cache-dir kometa-trakt==$version" docker/Dockerfile.pypi ||
    fail "docker/Dockerfile.pypi does not install kometa-trakt==$version"
say "version $version: Cargo.toml, action.yml, docker/Dockerfile.pypi"

# ---- 1. The Action, by its steps -----------------------------------------------------------------

workspace=$work/workspace
cache=$work/actions-cache
mkdir -p "$workspace/config"
# One run of the action, as a job would: its output in $work/action.log, its exit code in $code.
action() {
    local started=$SECONDS
    set +e
    python3 scripts/run-action.py --action "$root" --workspace "$workspace" --cache "$cache" "$@" \
        > "$work/action.log" 2>&1
    code=$?
    set -e
    elapsed=$((SECONDS - started))
    sed 's/^/    | /' "$work/action.log"
}
annotations() {
    grep -E '^::(error|warning|notice)' "$work/action.log" || true
}
logged() {
    grep -qF -- "$1" "$work/action.log" || fail "action: the log does not show: $1"
}
not_logged() {
    ! grep -qF -- "$1" "$work/action.log" || fail "action: the log shows: $1"
}
# shellcheck disable=SC2016 # backquotes in the expected text
good_annotation='^::warning file=config/config\.yml,line=24,col=17,endLine=24,endColumn=26,title=kometa-trakt token-expired::the access token expired .+ ago \(2025-11-27 00:00:00 UTC\)%0Ahint: run `kometa-trakt renew` \(Kometa also renews on its next run\)$'
# shellcheck disable=SC2016
bad_annotation='::error file=config/config.yml,line=4,col=8,endLine=4,endColumn=15,title=kometa-trakt pin-type::`trakt.pin` is an integer, not a string: Kometa'"'"'s next run exchanges the PIN (no tokens yet), and Trakt refuses the PIN: Kometa runs without Trakt%0Ahint: quote it: pin: "<your PIN>"'
expect_good() {
    [ "$code" = 0 ] || fail "action ($1): exit $code on the bundled example, expected 0"
    local found
    found=$(annotations)
    if ! { [ "$(printf '%s\n' "$found" | grep -c .)" = 1 ] && printf '%s\n' "$found" | grep -qE "$good_annotation"; }; then
        fail "action ($1): expected one token-expired warning annotation, got: $found"
    fi
}

# (a) No released wheel: pip finds none (PIP_NO_INDEX: at once, without the network, and whether
# or not the version is on PyPI some day), so the action builds its own source; the cache is empty.
say "action: version $version with no wheel to be had: built from source (cache empty)"
cp fixtures/config.yml "$workspace/config/config.yml"
PIP_NO_INDEX=1 action
expect_good "source build"
logged "no wheel of kometa-trakt $version installs from PyPI"
logged "cache miss: kometa-trakt-"
logged "cargo install --locked"
logged "cache saved: kometa-trakt-"
timed "action: source build, cache empty" "$elapsed"

# The next job: the same source, so the build comes from the cache; a bad config fails the check.
say "action: the same again (the build restored from the cache), on a bad config"
cp fixtures/check/pin-type.yml "$workspace/config/config.yml"
PIP_NO_INDEX=1 action
[ "$code" = 1 ] || fail "action (cached build): exit $code on a bad config, expected 1"
[ "$(annotations)" = "$bad_annotation" ] || fail "action (cached build): expected the pin-type error annotation, got: $(annotations)"
logged "cache hit: kometa-trakt-"
logged "restored from the cache"
not_logged "cargo install"
timed "action: source build restored from the cache" "$elapsed"

# (b) The `wheel` input: installed as given, nothing built, nothing restored.
if [ -n "$wheel" ]; then
    say "action: the wheel input ($wheel)"
    cp fixtures/config.yml "$workspace/config/config.yml"
    PIP_NO_INDEX=1 action --input "wheel=$wheel"
    expect_good "wheel input"
    logged "installing the wheel $wheel"
    logged "step 'Restore the kometa-trakt build': skipped"
    logged "step 'Build kometa-trakt from the action's source': skipped"
    timed "action: wheel input" "$elapsed"
else
    say "action: the wheel input: SKIPPED (no wheel given: scripts/routes.sh WHEEL)"
    timed "action: wheel input (skipped: no wheel given)" "-"
fi

# ---- 2. docker/Dockerfile, by its stages' commands ----------------------------------------------

# The Dockerfile's instructions, one a line (continuations joined): STAGE<TAB>INSTRUCTION<TAB>ARGS.
python3 - docker/Dockerfile > "$work/dockerfile.tsv" <<'EOF'
import re, sys
text = re.sub(r"\\\n", " ", open(sys.argv[1]).read())
stage = ""
for line in text.splitlines():
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    op, _, args = line.partition(" ")
    op = op.upper()
    if op == "FROM":
        m = re.fullmatch(r"(\S+)(?:\s+AS\s+(\S+))?", args.strip(), re.I)
        stage = m.group(2) or "final"
    print(f"{stage}\t{op}\t{args.strip()}")
EOF
builder=$(awk -F'\t' '$2 == "COPY" && $3 ~ /^--from=/ { sub(/^--from=/, "", $3); split($3, a, " "); print a[1]; exit }' "$work/dockerfile.tsv")
[ -n "$builder" ] || fail "docker/Dockerfile: no COPY --from=STAGE in its final stage"
instructions() { # instructions STAGE OP: that stage's arguments of OP, one a line
    awk -F'\t' -v s="$1" -v o="$2" '$1 == s && $2 == o { print $3 }' "$work/dockerfile.tsv"
}
builder_image=$(instructions "$builder" FROM | cut -d' ' -f1)
workdir=$(instructions "$builder" WORKDIR)
if ! { [ "$(instructions "$builder" COPY)" = ". ." ] && [ -n "$workdir" ]; }; then
    fail "docker/Dockerfile: the builder must be WORKDIR DIR then COPY . . (the context, the repository root, at DIR)"
fi
case "$builder_image" in
    *bookworm*) ;;
    *) fail "docker/Dockerfile: the builder $builder_image is not Debian 12 (bookworm): its glibc may be newer than Kometa's image's" ;;
esac
[ "$(instructions final FROM)" = kometateam/kometa ] || fail "docker/Dockerfile: the final stage is not FROM kometateam/kometa"
host_glibc=$(ldd --version | sed -n '1s/.* \([0-9][0-9]*\.[0-9][0-9]*\)$/\1/p')
say "docker: the builder stage ($builder_image, WORKDIR $workdir = $root; glibc here $host_glibc)"

started=$SECONDS
while IFS= read -r run; do
    say "docker: RUN $run"
    (cd "$root" && sh -c "$run") || fail "docker: the builder's RUN failed: $run"
done < <(instructions "$builder" RUN)
timed "docker: builder stage (RUN)" "$((SECONDS - started))"

# The final stage's COPY lines, into a scratch root: from the builder (its WORKDIR is this
# repository, its target/ is CARGO_TARGET_DIR) and from the context (this repository).
scratch=$work/image
context_sources=()
while IFS= read -r copy; do
    read -r -a words <<< "$copy"
    chmod=""
    from=""
    for w in "${words[@]}"; do
        case "$w" in
            --chmod=*) chmod=${w#--chmod=} ;;
            --from=*) from=${w#--from=} ;;
            --*) fail "docker: COPY option $w is not emulated" ;;
        esac
    done
    paths=()
    for w in "${words[@]}"; do [[ $w == --* ]] || paths+=("$w"); done
    [ ${#paths[@]} = 2 ] || fail "docker: COPY with other than one source and one destination: $copy"
    src=${paths[0]} dest=$scratch${paths[1]}
    if [ -n "$from" ]; then
        [ "$from" = "$builder" ] || fail "docker: COPY from an unknown stage: $copy"
        case "$src" in
            "$workdir"/target/*) src=$CARGO_TARGET_DIR/${src#"$workdir"/target/} ;;
            "$workdir"/*) src=$root/${src#"$workdir"/} ;;
            *) fail "docker: COPY from outside the builder's WORKDIR: $copy" ;;
        esac
    else
        context_sources+=("$src")
        src=$root/$src
    fi
    [ -f "$src" ] || fail "docker: $copy: no file $src"
    mkdir -p "$(dirname "$dest")"
    cp "$src" "$dest"
    [ -z "$chmod" ] || chmod "$chmod" "$dest"
    say "docker: COPY $copy"
done < <(instructions final COPY)

binary=$(find "$scratch" -type f -name kometa-trakt)
[ -n "$binary" ] || fail "docker: the final stage copies no kometa-trakt binary"
case "${binary#"$scratch"}" in
    /usr/local/bin/kometa-trakt | /usr/bin/kometa-trakt) ;;
    *) fail "docker: kometa-trakt at ${binary#"$scratch"}, not on the PATH of Kometa's image" ;;
esac
entry=$(instructions final ENTRYPOINT)
script=$(python3 -c 'import json, sys; print(next(a for a in json.loads(sys.argv[1]) if a.endswith(".sh")))' "$entry")
[ -x "$scratch$script" ] || fail "docker: the ENTRYPOINT's $script is not in the image, executable"
sh -n "$scratch$script" || fail "docker: $script is not valid sh"
newest=$(objdump -T "$binary" | grep -oE 'GLIBC_[0-9.]+' | sed 's/GLIBC_//' | sort -Vu | tail -n 1)
[ "$(printf '%s\n%s\n' "$newest" "$glibc_limit" | sort -V | tail -n 1)" = "$glibc_limit" ] ||
    fail "docker: the binary needs glibc $newest, newer than $glibc_limit (Kometa's image's Debian 12)"
say "docker: the binary needs glibc $newest at most (Kometa's image: $glibc_limit or newer)"
set +e
out=$(cd fixtures && "$binary" check --color never config.yml)
code=$?
set -e
if ! { [ "$code" = 0 ] && grep -q 'warning\[token-expired\]' <<< "$out"; }; then
    fail "docker: the image's binary, check on the bundled example: exit $code: $out"
fi
say "docker: the image's binary checks the bundled example (exit 0, the token-expired warning)"

# .dockerignore leaves in every file the build read (cargo's dep-info), the workspace's manifests
# and members, and what the final stage copies from the context. Patterns as Docker reads them
# (** any directories, * and ? within a name, a directory excludes what is under it); no `!`.
{
    sed 's/^[^:]*: //' "$CARGO_TARGET_DIR/release/kometa-trakt.d" | tr ' ' '\n' | sed -n "s|^$root/||p"
    printf '%s\n' Cargo.toml Cargo.lock "${context_sources[@]}"
    find test-server -path '*/target' -prune -o -type f -print
} | sort -u > "$work/needed"
[ "$(grep -c . "$work/needed")" -gt 20 ] || fail "docker: too few files in the build's dep-info"
python3 - .dockerignore "$work/needed" <<'EOF' || fail "docker: .dockerignore leaves out what the build needs"
import re, sys
patterns = []
for line in open(sys.argv[1]):
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    if line.startswith("!"):
        sys.exit(f"routes: .dockerignore: exceptions (!) are not checked here: {line}")
    regex = ""
    for part in re.split(r"(\*\*/|\*\*|\*|\?)", line.strip("/")):
        regex += {"**/": "(.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}.get(part, re.escape(part))
    patterns.append((line, re.compile(regex + "(/.*)?")))
bad = [(f, p) for f in open(sys.argv[2]).read().split("\n") if f for p, r in patterns if r.fullmatch(f)]
for f, p in bad:
    print(f"routes: .dockerignore: {p} leaves out {f}", file=sys.stderr)
sys.exit(1 if bad else 0)
EOF
say "docker: .dockerignore keeps the $(grep -c . "$work/needed") files the build reads"

# ---- 3. pre-commit, language: rust, from this clone -------------------------------------------

rev=$(git rev-parse HEAD)
if [ -n "$(git status --porcelain)" ]; then
    say "pre-commit: note: the hooks are built from the commit $rev; uncommitted changes are not in it"
fi
repo=$work/hooked
export PRE_COMMIT_HOME=$work/pre-commit-home
mkdir -p "$repo/config"
git -C "$repo" init -q .
cat > "$repo/.pre-commit-config.yaml" <<EOF
repos:
  - repo: $root
    rev: $rev
    hooks:
      - id: kometa-trakt-check
      - id: kometa-trakt-fix
      - id: kometa-trakt-config
EOF
hook() { # hook ID: pre-commit run ID --all-files in the repository; output in hook.out, exit in $code
    local started=$SECONDS
    git -C "$repo" add -A
    set +e
    (cd "$repo" && pre-commit run "$1" --all-files) > "$work/hook.out" 2>&1
    code=$?
    set -e
    elapsed=$((SECONDS - started))
    sed 's/^/    | /' "$work/hook.out"
}

say "pre-commit: kometa-trakt-check on a bad config (the first run: clone, cargo install, run)"
cp fixtures/check/pin-type.yml "$repo/config/config.yml"
hook kometa-trakt-check
if ! { [ "$code" = 1 ] && grep -q 'config/config.yml:4:8: error\[pin-type\]' "$work/hook.out"; }; then
    fail "pre-commit: kometa-trakt-check did not block the bad config (exit $code)"
fi
say "pre-commit: first run took ${elapsed}s"
timed "pre-commit: first run (clone, cargo install)" "$elapsed"

say "pre-commit: kometa-trakt-check on the bundled example"
cp fixtures/config.yml "$repo/config/config.yml"
hook kometa-trakt-check
if ! { [ "$code" = 0 ] && grep -qE '^kometa-trakt check\.+Passed$' "$work/hook.out"; }; then
    fail "pre-commit: kometa-trakt-check failed the bundled example (exit $code)"
fi
timed "pre-commit: next run" "$elapsed"

say "pre-commit: kometa-trakt-fix on a bad config (fixed, so the hook fails), then on the fixed one"
cp fixtures/check/pin-type.yml "$repo/config/config.yml"
hook kometa-trakt-fix
if ! { [ "$code" = 1 ] && grep -q 'files were modified by this hook' "$work/hook.out"; }; then
    fail "pre-commit: kometa-trakt-fix did not fail on a file it fixed (exit $code)"
fi
cmp -s "$repo/config/config.yml" fixtures/fix/pin-type.yml ||
    fail "pre-commit: kometa-trakt-fix did not make the file fixtures/fix/pin-type.yml"
hook kometa-trakt-fix
[ "$code" = 0 ] || fail "pre-commit: kometa-trakt-fix failed on the fixed file (exit $code)"

say "pre-commit: kometa-trakt-config on a config without Kometa's tmdb section (blocked), then on a whole one"
cp fixtures/config.yml "$repo/config/config.yml"
hook kometa-trakt-config
if ! { [ "$code" = 1 ] && grep -qF 'lacks the required key `tmdb`' "$work/hook.out"; }; then
    fail "pre-commit: kometa-trakt-config did not block a config without tmdb (exit $code)"
fi
cp tests/data/configs/kt-authorized-hex.yml "$repo/config/config.yml"
hook kometa-trakt-config
[ "$code" = 0 ] || fail "pre-commit: kometa-trakt-config failed a whole config (exit $code)"

# ---- Timings ------------------------------------------------------------------------------------

say "all routes passed (CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
printf '\n%-48s %6s\n' route seconds
printf '%s\n' "${timings[@]}"
