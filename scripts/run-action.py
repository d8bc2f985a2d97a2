"""Runs the steps of a composite GitHub Action (action.yml) on this machine, the way GitHub's
runner does, so that the Action is tested by its own steps (scripts/routes.sh):

- the inputs are action.yml's defaults, overridden by --input NAME=VALUE;
- each `run:` step runs as `bash --noprofile --norc -eo pipefail FILE` (the runner's `shell:
  bash`) in the workspace, with its `env:`, GITHUB_ACTION_PATH, RUNNER_TEMP (fresh for each run, as
  for each job), GITHUB_OUTPUT, GITHUB_PATH, GITHUB_ENV, RUNNER_OS, RUNNER_ARCH, GITHUB_ACTIONS and
  CI; what a step adds to GITHUB_PATH comes first on PATH for the later steps, and what it writes
  to GITHUB_OUTPUT is `steps.ID.outputs`;
- actions/cache/restore and actions/cache/save use a directory (--cache) as the cache service;
- `${{ }}` may hold `inputs.NAME` and `steps.ID.outputs.NAME`, and `if:` comparisons of those
  with `==`/`!=` joined by `&&`; anything else is refused, so that an action this cannot run
  faithfully fails here instead of passing.

The first failing step ends the run with its exit code, as on GitHub.

Usage: run-action.py --action DIR --workspace DIR --cache DIR [--input NAME=VALUE]...
Needs PyYAML (a dependency of pre-commit).
"""

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time

import yaml

EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
REF = re.compile(r"^(inputs\.[\w-]+|steps\.[\w-]+\.outputs\.[\w-]+)$")


def say(text):
    print(f"run-action: {text}", flush=True)


class Unsupported(Exception):
    pass


def value(ref, inputs, outputs):
    if not REF.match(ref):
        raise Unsupported(f"expression `{ref}`")
    parts = ref.split(".")
    if parts[0] == "inputs":
        if parts[1] not in inputs:
            raise Unsupported(f"undeclared input `{parts[1]}`")
        return inputs[parts[1]]
    return outputs.get(parts[1], {}).get(parts[3], "")


def substitute(text, inputs, outputs):
    return EXPR.sub(lambda m: value(m.group(1), inputs, outputs), str(text))


def condition(text, inputs, outputs):
    """`if:` as GitHub evaluates it, for comparisons joined by `&&` (strings compare
    case-insensitively there)."""
    text = EXPR.sub(lambda m: m.group(1), str(text).strip())
    result = True
    for part in text.split("&&"):
        m = re.fullmatch(r"\s*(\S+)\s*(==|!=)\s*'([^']*)'\s*", part)
        if not m:
            raise Unsupported(f"condition `{part.strip()}`")
        same = value(m.group(1), inputs, outputs).lower() == m.group(3).lower()
        result = result and (same if m.group(2) == "==" else not same)
    return result


def read_outputs(path):
    """GITHUB_OUTPUT's two forms: NAME=VALUE and NAME<<DELIMITER ... DELIMITER."""
    found = {}
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, i + 1)
            found[name] = "\n".join(lines[i + 1 : end])
            i = end + 1
            continue
        if line:
            name, _, val = line.partition("=")
            found[name] = val
        i += 1
    return found


def cache_dir(cache, key):
    if not re.fullmatch(r"[\w.-]+", key):
        raise Unsupported(f"cache key `{key}`")
    return os.path.join(cache, key)


def uses(step, inputs, outputs, cache):
    """actions/cache/restore and actions/cache/save, with a directory as the cache service."""
    action = step["uses"].split("@")[0]
    args = {k: substitute(v, inputs, outputs) for k, v in (step.get("with") or {}).items()}
    path, key = args.get("path", ""), args.get("key", "")
    if set(args) - {"path", "key"} or not path or "\n" in path:
        raise Unsupported(f"{action} with {sorted(args)} (one path and a key only)")
    stored = cache_dir(cache, key)
    if action == "actions/cache/restore":
        hit = os.path.isdir(stored)
        if hit:
            shutil.rmtree(path, ignore_errors=True)
            shutil.copytree(stored, path, symlinks=True)
        say(f"cache {'hit' if hit else 'miss'}: {key}")
        return {"cache-hit": "true" if hit else "false", "cache-primary-key": key}
    if action == "actions/cache/save":
        if os.path.isdir(stored):
            say(f"cache already holds {key}: not saved again")
        else:
            shutil.copytree(path, stored, symlinks=True)
            say(f"cache saved: {key}")
        return {}
    raise Unsupported(f"uses: {step['uses']}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--action", required=True)
    parser.add_argument("--workspace", required=True)
    parser.add_argument("--cache", required=True)
    parser.add_argument("--input", action="append", default=[])
    args = parser.parse_args()

    action_dir = os.path.abspath(args.action)
    with open(os.path.join(action_dir, "action.yml"), encoding="utf-8") as f:
        action = yaml.safe_load(f)
    if action["runs"]["using"] != "composite":
        raise Unsupported(f"runs.using: {action['runs']['using']}")
    declared = action.get("inputs") or {}
    inputs = {name: str(spec.get("default", "")) for name, spec in declared.items()}
    for given in args.input:
        name, _, val = given.partition("=")
        if name not in declared:
            raise Unsupported(f"undeclared input `{name}`")
        inputs[name] = val
    os.makedirs(args.cache, exist_ok=True)

    temp = tempfile.mkdtemp(prefix="runner-temp-")
    env = dict(os.environ)
    env.update(
        {
            "GITHUB_ACTIONS": "true",
            "CI": "true",
            "GITHUB_ACTION_PATH": action_dir,
            "GITHUB_WORKSPACE": os.path.abspath(args.workspace),
            "RUNNER_TEMP": temp,
            "RUNNER_OS": {"Linux": "Linux", "Darwin": "macOS"}.get(platform.system(), "Windows"),
            "RUNNER_ARCH": {"x86_64": "X64", "aarch64": "ARM64", "arm64": "ARM64"}.get(
                platform.machine(), platform.machine()
            ),
        }
    )
    added_path = []
    outputs = {}
    code = 0
    try:
        for number, step in enumerate(action["runs"]["steps"]):
            name = substitute(step.get("name", f"step {number}"), inputs, outputs)
            if "if" in step and not condition(step["if"], inputs, outputs):
                say(f"step '{name}': skipped (if: {step['if']})")
                continue
            started = time.monotonic()
            if "uses" in step:
                found = uses(step, inputs, outputs, args.cache)
                code = 0
            else:
                if step.get("shell") != "bash":
                    raise Unsupported(f"shell: {step.get('shell')}")
                unknown = set(step) - {"name", "id", "if", "shell", "env", "run"}
                if unknown:
                    raise Unsupported(f"step keys {sorted(unknown)}")
                files = {n: os.path.join(temp, f"{n}-{number}") for n in ("output", "path", "env", "script")}
                for n in ("output", "path", "env"):
                    open(files[n], "w").close()
                with open(files["script"], "w", encoding="utf-8") as f:
                    f.write(substitute(step["run"], inputs, outputs))
                step_env = dict(env)
                step_env.update({k: substitute(v, inputs, outputs) for k, v in (step.get("env") or {}).items()})
                step_env["PATH"] = os.pathsep.join(added_path + [env["PATH"]])
                step_env.update(
                    {"GITHUB_OUTPUT": files["output"], "GITHUB_PATH": files["path"], "GITHUB_ENV": files["env"]}
                )
                say(f"step '{name}': {step['run'].strip()}")
                code = subprocess.run(
                    ["bash", "--noprofile", "--norc", "-eo", "pipefail", files["script"]],
                    cwd=args.workspace,
                    env=step_env,
                ).returncode
                found = read_outputs(files["output"])
                with open(files["path"], encoding="utf-8") as f:
                    for line in f.read().splitlines():
                        if line:
                            added_path.insert(0, line)
                env.update(read_outputs(files["env"]))
            if "id" in step:
                outputs[step["id"]] = found
            say(f"step '{name}': exit {code} in {time.monotonic() - started:.1f}s")
            if code != 0:
                break
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return code


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Unsupported as e:
        say(f"cannot run this action faithfully: {e}")
        sys.exit(99)
