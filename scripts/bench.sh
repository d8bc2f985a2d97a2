#!/usr/bin/env bash
# Benchmarks the binary users get (the dist profile): its distance from the
# floor of starting a process (a hello-world Rust binary), `check` beside
# check-jsonschema and yamllint (PyPI, in a venv made here), scaling to
# 100 MB, `renew` against the loopback test server beside curl, and the
# lines a renewal changes beside Kometa's own save path (with ../shared),
# every command that edits beside `check` on the same files (with BASELINE=
# the path of an earlier build, that one too), and the whole config in one
# step (`check --schema kometa`) beside check-jsonschema and Kometa 2.4.4's
# own validator (in a venv of Kometa's pins, when they can be installed).
# Prints markdown tables. Usage: [BASELINE=BINARY] scripts/bench.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-21}"
cargo build --profile dist --locked --quiet
cargo build --release --locked --quiet -p trakt-test-server
venv=target/bench-venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
for tool in check-jsonschema yamllint; do
    [ -x "$venv/bin/$tool" ] || "$venv/bin/pip" install --quiet "$tool"
done
"$venv/bin/python" -c "import ruamel.yaml" 2>/dev/null || "$venv/bin/pip" install --quiet ruamel.yaml
kvenv=target/kometa-validate-venv
pins=$(grep -E '^(jsonschema|ruamel\.yaml)==' vendor/kometa-2.4.4/requirements.txt | sort)
if [ "$(cat "$kvenv/pins" 2>/dev/null)" != "$pins" ]; then
    rm -rf "$kvenv"
    python3 -m venv "$kvenv"
    # shellcheck disable=SC2086 # one pin per word
    if "$kvenv/bin/pip" install --quiet --disable-pip-version-check $pins; then
        printf '%s\n' "$pins" > "$kvenv/pins"
    fi
fi
if [ -f "$kvenv/pins" ]; then
    export KOMETA_PYTHON="$kvenv/bin/python"
fi
work=target/bench-data
mkdir -p "$work"
printf 'fn main() { println!("hi") }\n' > "$work/hello.rs"
rustc -O -o "$work/hello" "$work/hello.rs"
for mb in 1 10 100; do
    [ -f "$work/config-${mb}mb.yml" ] || python3 scripts/gen_config.py "$mb" "$work/config-${mb}mb.yml"
    [ -f "$work/config-${mb}mb-kometa.yml" ] || python3 scripts/gen_config.py "$mb" "$work/config-${mb}mb-kometa.yml" --kometa
done
# The config as Kometa saves it is what ruamel.yaml writes (checked on 20 KB).
python3 scripts/gen_config.py 0.02 "$work/check.yml"
python3 scripts/gen_config.py 0.02 "$work/check-kometa.yml" --kometa
"$venv/bin/python" - "$work/check.yml" "$work/check-kometa.yml" <<'PY'
import sys, hashlib, io, ruamel.yaml
yaml = ruamel.yaml.YAML()
yaml.width = 100000
yaml.indent(mapping=2, sequence=2)
data = yaml.load(open(sys.argv[1]))
data["trakt"]["pin"] = None
token = lambda kind: hashlib.sha256(f"bench:{kind}".encode()).hexdigest()
data["trakt"]["authorization"] = {"access_token": token("access"), "token_type": "bearer", "expires_in": 86400,
                                  "refresh_token": token("refresh"), "scope": "public", "created_at": 1796000000}
out = io.StringIO()
yaml.dump(data, out)
assert out.getvalue() == open(sys.argv[2]).read(), "gen_config.py --kometa is not what Kometa writes"
PY
python3 scripts/bench.py "$runs" "$venv/bin" "$work" target/dist/kometa-trakt "$work/hello" ${BASELINE:+"$BASELINE"}
if [ -d ../shared/corpus/kometa-configs ]; then
    echo
    "$venv/bin/python" scripts/mindiff.py target/dist/kometa-trakt
fi
