#!/usr/bin/env python3
"""Lines changed by one token renewal: kometa-trakt versus Kometa's own save
path (a ruamel.yaml round trip with width 100000 and 2-space indents that
sets `pin` to null and replaces `authorization`), on every corpus config
with a root trakt block. Prints a markdown table.

usage: mindiff.py KOMETA_TRAKT_BINARY (needs ruamel.yaml; run by bench.sh)
"""
import difflib
import glob
import io
import os
import shutil
import subprocess
import sys
import tempfile

from ruamel.yaml import YAML

binary = sys.argv[1]
new = {
    "access_token": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "token_type": "Bearer",
    "expires_in": 86400,
    "refresh_token": "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592",
    "scope": "public",
    "created_at": 1795867200,
}


def changed(before, after):
    """Lines removed plus lines added (a replaced line counts twice)."""
    matcher = difflib.SequenceMatcher(None, before.splitlines(), after.splitlines(), autojunk=False)
    return sum(i2 - i1 + j2 - j1 for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal")


def kometa(text):
    yaml = YAML()
    yaml.width = 100000
    yaml.indent(mapping=2, sequence=2)
    data = yaml.load(text)
    data["trakt"]["pin"] = None
    data["trakt"]["authorization"] = dict(new)
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def ours(path, text):
    with tempfile.TemporaryDirectory() as tmp:
        target = os.path.join(tmp, "config.yml")
        shutil.copy(path, target)
        values = 0
        for key in ("access_token", "refresh_token", "created_at"):
            r = subprocess.run([binary, "set", target, f"trakt.authorization.{key}", str(new[key])], capture_output=True)
            values += r.returncode == 0
        with open(target) as f:
            return changed(text, f.read()), values


print("| config | values renewed | lines removed + added by kometa-trakt | by Kometa (ruamel.yaml) |")
print("|---|---:|---:|---:|")
totals = [0, 0, 0]
for path in sorted(glob.glob("../shared/corpus/kometa-configs/*.yml")):
    text = open(path).read()
    if not any(line.startswith("trakt:") for line in text.splitlines()):
        continue
    try:
        theirs = changed(text, kometa(text))
    except Exception as e:  # Kometa cannot load it either
        theirs = f"fails ({type(e).__name__})"
    mine, values = ours(path, text)
    if isinstance(theirs, int):
        totals[0] += values
        totals[1] += mine
        totals[2] += theirs
    print(f"| {os.path.basename(path)} | {values} | {mine} | {theirs} |")
print(f"| **total** | {totals[0]} | {totals[1]} | {totals[2]} |")
