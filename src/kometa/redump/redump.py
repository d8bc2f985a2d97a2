"""Kometa's save of a config, reproduced with Kometa's own dumper (run by kometa-trakt).

`kometa-trakt restore --only-kometa` runs this with the Python it is given (python3 by default)
to learn what Kometa 2.4.4 would have written, had it saved the committed file: it compares that
with the working file byte for byte. Nothing is written anywhere; stdin and stdout only.

stdin, JSON: `committed` and `working` (the two texts), `ruamel` (the version Kometa pins),
`request_py` and `config_py` (Kometa's modules/request.py and modules/config.py, byte for byte),
`trakt_keys` and `mal_keys` (the keys `_save` writes, in its order).

What Kometa does, and so what this does:
- every write is a cycle of Kometa's own `YAML` class (modules/request.py, taken from the text
  given, not retyped): load the file (read in text mode: universal newlines, the BOM skipped),
  change the data, dump it (ruamel.yaml round trip, width 100000, indent 2/2);
- `check_for_attribute` (modules/config.py) adds `parent.attribute: default` when it is missing,
  one cycle per key, in the order of the calls in config.py; the calls are read from config.py
  (the keys it saves: a literal attribute, a literal parent, not `save=False`; the default as
  written). A key the working file adds is taken as Kometa's only where Kometa would add it (its
  parent in the committed file, or one Kometa creates in memory), and with Kometa's default;
- the token saves (modules/trakt.py and modules/mal.py `_save`) replace `authorization` with the
  working file's values in `_save`'s order (trakt also empties `pin`), one cycle each, at the
  place of the `Trakt(` and `MyAnimeList(` calls in config.py, when the working file's
  authorization differs from the committed one.

stdout, JSON: `{"ok": false, "why": ...}` when this cannot run (no ruamel.yaml, another
version); otherwise `{"ok": true, "outcome": ...}` with outcome `same-data` (the working file
means what the committed file means), `unloadable` (with `which`: Kometa's loader refuses the
committed or the working file), or `reproduced` with `save` (Kometa's save, as reproduced) and
`redump` (the committed file loaded and dumped, unchanged: what Kometa's dump does to it alone).
No message quotes the files: they hold secrets.
"""

import sys

# `python -c` puts the working directory first on the path: nothing is imported from there.
if sys.path and sys.path[0] in ("", "."):
    del sys.path[0]

import ast  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402

# The nodes a comparison visits at most (an alias bomb expands without end).
BUDGET = 2_000_000


class TooLarge(Exception):
    pass


def reply(value):
    sys.stdout.buffer.write(json.dumps(value).encode("utf-8"))
    sys.stdout.flush()


def kometa_yaml(request_py):
    """Kometa's `YAML` class, from the text of its modules/request.py."""
    tree = ast.parse(request_py)
    node = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "YAML")
    ns = {"Failed": type("Failed", (Exception,), {})}
    exec("import os\nimport ruamel.yaml", ns)
    exec(compile(ast.Module(body=[node], type_ignores=[]), "modules/request.py", "exec"), ns)
    return ns["YAML"]


def reference(config_py):
    """From config.py: the keys `check_for_attribute` saves (position, parent, attribute,
    default) in source order, the parents Kometa creates in memory, and the positions of the
    `Trakt(` and `MyAnimeList(` calls (their ends: their arguments are checked first)."""
    tree = ast.parse(config_py)
    parent_of = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parent_of[child] = node
    calls, created, saves = [], set(), {}
    for node in ast.walk(tree):
        # `if "settings" not in self.data: self.data["settings"] = {}`
        if (
            isinstance(node, ast.If)
            and isinstance(node.test, ast.Compare)
            and isinstance(node.test.ops[0], ast.NotIn)
            and isinstance(node.test.left, ast.Constant)
            and ast.unparse(node.test.comparators[0]) == "self.data"
            and len(node.body) == 1
            and ast.unparse(node.body[0]) == f"self.data[{node.test.left.value!r}] = {{}}"
        ):
            created.add(node.test.left.value)
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        if node.func.id in ("Trakt", "MyAnimeList"):
            saves[node.func.id] = (node.end_lineno, node.end_col_offset)
            continue
        if node.func.id != "check_for_attribute" or len(node.args) < 2:
            continue
        if ast.unparse(node.args[0]) != "self.data":
            continue
        kw = {k.arg: k.value for k in node.keywords if k.arg}
        parent = kw.get("parent")
        if not (isinstance(parent, ast.Constant) and isinstance(parent.value, str)):
            continue
        if "save" in kw and not (isinstance(kw["save"], ast.Constant) and kw["save"].value is True):
            continue
        try:
            default = ast.literal_eval(kw["default"]) if "default" in kw else None
        except ValueError:
            continue  # computed when Kometa runs: not a default this can reproduce
        attribute = node.args[1]
        if isinstance(attribute, ast.Constant) and isinstance(attribute.value, str):
            names = [attribute.value]
        elif isinstance(attribute, ast.Name):
            # `for attr in ["clean_bundles", ...]: check_for_attribute(self.data, attr, ...)`
            loop = parent_of.get(node)
            while loop is not None and not (
                isinstance(loop, ast.For) and isinstance(loop.target, ast.Name) and loop.target.id == attribute.id
            ):
                loop = parent_of.get(loop)
            try:
                names = list(ast.literal_eval(loop.iter)) if loop is not None else []
            except ValueError:
                names = []
        else:
            names = []
        for i, name in enumerate(names):
            calls.append(((node.lineno, node.col_offset, i), parent.value, name, default))
    calls.sort(key=lambda c: c[0])
    return calls, created, saves


def plain(value, budget):
    """The meaning of a loaded value: types kept apart (1, 1.0 and True differ), mappings
    unordered, ruamel's scalar classes as the Python values they stand for."""
    from ruamel.yaml.comments import TaggedScalar
    from ruamel.yaml.scalarbool import ScalarBoolean

    budget[0] -= 1
    if budget[0] < 0:
        raise TooLarge()
    if isinstance(value, dict):
        return ("map", frozenset((plain(k, budget), plain(v, budget)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return ("seq", tuple(plain(v, budget) for v in value))
    if isinstance(value, (set, frozenset)):
        return ("set", frozenset(plain(v, budget) for v in value))
    if isinstance(value, (bool, ScalarBoolean)):
        return ("bool", bool(value))
    if isinstance(value, int):
        return ("int", int(value))
    if isinstance(value, float):
        return ("float", repr(float(value)))
    if isinstance(value, str):
        return ("str", str(value))
    if value is None:
        return ("null",)
    if isinstance(value, TaggedScalar):
        return ("tagged", str(getattr(value.tag, "value", value.tag)), str(value.value))
    return ("other", type(value).__name__, repr(value))


def python_value(value):
    """A value as `_save` writes it: Trakt's JSON gives plain str, int, bool, None."""
    from ruamel.yaml.scalarbool import ScalarBoolean

    if isinstance(value, (bool, ScalarBoolean)):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    return value


def main():
    request = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    try:
        import ruamel.yaml
    except ImportError:
        return reply({"ok": False, "why": f"ruamel.yaml is not installed for {sys.executable}"})
    version = getattr(ruamel.yaml, "__version__", "unknown")
    if version != request["ruamel"]:
        return reply({"ok": False, "why": f"{sys.executable} has ruamel.yaml {version}, not {request['ruamel']}"})
    YAML = kometa_yaml(request["request_py"])
    calls, created, saves = reference(request["config_py"])
    if "Trakt" not in saves or "MyAnimeList" not in saves:
        return reply({"ok": False, "why": "the Trakt( and MyAnimeList( calls were not found in config.py"})

    def load(text):
        # Kometa opens the file in text mode: universal newlines.
        return YAML(input_data=io.StringIO(text.replace("\r\n", "\n").replace("\r", "\n")))

    def cycle(text, change=None):
        yaml = load(text)
        if change is not None:
            change(yaml.data)
        out = io.StringIO()
        yaml.yaml.dump(yaml.data, out)
        return out.getvalue()

    try:
        committed = load(request["committed"]).data
    except Exception:  # noqa: BLE001 - Kometa's Failed("YAML Error: ...")
        return reply({"ok": True, "outcome": "unloadable", "which": "committed"})
    try:
        working = load(request["working"]).data
    except Exception:  # noqa: BLE001
        return reply({"ok": True, "outcome": "unloadable", "which": "working"})
    budget = [BUDGET]
    try:
        if plain(committed, budget) == plain(working, budget):
            return reply({"ok": True, "outcome": "same-data"})
    except (TooLarge, RecursionError):
        return reply({"ok": False, "why": "the files are too large to compare"})

    def mapping(data, key):
        value = data.get(key) if isinstance(data, dict) else None
        return value if isinstance(value, dict) else None

    steps = []
    seen = set()
    for at, parent, attribute, default in calls:
        if (parent, attribute) in seen:
            continue
        seen.add((parent, attribute))
        now = mapping(working, parent)
        if now is None or attribute not in now:
            continue
        before = committed.get(parent) if parent in committed else None
        if isinstance(before, dict) and attribute in before:
            continue
        if parent not in committed and parent not in created:
            continue
        if parent in committed and before and not isinstance(before, dict):
            continue

        def add(data, parent=parent, attribute=attribute, default=default):
            # check_for_attribute's own statements (modules/config.py).
            if parent not in data or not data[parent]:
                data[parent] = {attribute: default}
            elif attribute not in data[parent]:
                data[parent][attribute] = default

        steps.append((at, add))

    def token_save(section, keys, at, empties_pin):
        before, now = mapping(committed, section), mapping(working, section)
        if before is None or now is None or not isinstance(now.get("authorization"), dict):
            return
        if plain(before.get("authorization"), budget) == plain(now.get("authorization"), budget):
            return
        values = {key: python_value(now["authorization"].get(key)) for key in keys}

        def save(data):
            if empties_pin:
                data[section]["pin"] = None
            data[section]["authorization"] = dict(values)

        steps.append(((at[0], at[1], 0), save))

    try:
        token_save("trakt", request["trakt_keys"], saves["Trakt"], True)
        token_save("mal", request["mal_keys"], saves["MyAnimeList"], False)
    except (TooLarge, RecursionError):
        return reply({"ok": False, "why": "the files are too large to compare"})
    steps.sort(key=lambda s: s[0])
    text = request["committed"]
    redump = cycle(text)
    for _, change in steps:
        text = cycle(text, change)
    if not steps:
        text = redump
    return reply({"ok": True, "outcome": "reproduced", "save": text, "redump": redump})


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # noqa: BLE001 - the caller reports it; nothing of the files is shown
        reply({"ok": False, "why": f"the reproduction failed ({type(e).__name__})"})
