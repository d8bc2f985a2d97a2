#!/usr/bin/env python3
"""Cases over the whole value space of the trakt block, from judge/dimensions.toml.

Deterministic from the seed. Two families:

- single: the baseline block (every key written the plain way, tokens that work) with one
  dimension changed: every value of the table for every key it applies to (pin values also where
  a PIN exchange is needed), every block key, block form, authorization form, server state and
  layout, every placeholder spelling with every secret source.
- pairs: a greedy covering array over all dimensions: every pair of values of the small
  dimensions (block key, block form, authorization form, server, layout, secret source) and every
  pair of value categories (null, bool, int, tag, placeholder, ...) between the keys and between a
  key and a small dimension, where the pair can occur at all (a key's value needs a mapping block,
  a secret source needs a placeholder).

Each case is written to OUT/NNNN.yml (the config) and OUT/NNNN.json (what the judge needs: layout,
argv, environment, .env files, Trakt's state, the intents), and OUT/index.tsv lists them with a
one-line description. `--check` runs the coverage check only (exit 1 when a value of the table has
no case for a key it applies to, or a state, layout, block key/form, authorization form or secret
source has none).

Usage: judge/generate.py [--seed N] [--out DIR] [--check]
"""

import argparse
import base64
import json
import random
import re
import string
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "judge" / "dimensions.toml"
OUT = ROOT / "target" / "judge" / "cases"

SMALL = ["block_key", "block_form", "authorization", "server", "layout", "secret"]
# The block and authorization forms Render writes (a new one needs code there too); block keys,
# states, layouts and secret sources are data only.
KNOWN = {
    "block_form": {"mapping", "flow", "indent4", "first", "middle", "comments", "crlf", "bom", "document-markers",
                   "no-final-newline", "anchor-alias", "merge", "tag-map", "tag-foo", "null-empty", "null-tilde",
                   "empty-map", "string", "sequence", "duplicate"},
    "authorization": {"mapping", "flow", "alphabetical", "anchor-alias", "merge", "tag-map", "tag-foo", "key-title",
                      "duplicate", "missing", "null-empty", "null-tilde", "empty-map", "string", "sequence", "before-pin"},
}
PREFIX = """libraries:
  Movies:
    collection_files:
      - default: basic
settings:
  cache: true
  cache_expiration: 60
plex:
  url: http://192.168.1.12:32400
  token: 0123456789abcdefABCD
"""
TMDB = """tmdb:
  apikey: 0123456789abcdef0123456789abcdef
"""


class Table:
    def __init__(self, path=TABLE):
        self.data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        self.keys = list(self.data["keys"])
        self.top = [k for k in self.keys if self.data["keys"][k]["parent"] == "trakt"]
        self.auth = [k for k in self.keys if self.data["keys"][k]["parent"] == "authorization"]
        self.groups = self.data["groups"]
        self.values = {v["id"]: v for v in self.data["value"]}
        self.small = {name: {e["id"]: e for e in self.data[name]} for name in SMALL}
        self.now = self.data["now"]
        for v in self.values.values():
            v["keys"] = [k for g in v["applies"] for k in (self.groups.get(g) or [g])]
            unknown = set(v["keys"]) - set(self.keys)
            if unknown:
                raise SystemExit(f"dimensions.toml: value {v['id']} applies to unknown keys {sorted(unknown)}")
        self.by_key = {k: [v for v in self.values if k in self.values[v]["keys"]] for k in self.keys}
        for name, known in KNOWN.items():
            unknown = set(self.small[name]) - known
            if unknown:
                raise SystemExit(f"dimensions.toml: judge/generate.py cannot write {name} {sorted(unknown)}")
        forms = {v.get("form") for v in self.values.values()} - {None, "missing", "alias", "duplicate-same", "duplicate-blank"}
        if forms:
            raise SystemExit(f"dimensions.toml: judge/generate.py knows no value form {sorted(forms)}")
        self.categories = sorted({v["category"] for v in self.values.values()})

    def baseline(self, key):
        return self.data["keys"][key].get("baseline", "plain")


def names(ph):
    return {
        "ph": ph,
        "PH": ph.upper().replace("-", "_"),
        "ph_us": ph.replace("-", "_"),
        "PH_HY": ph.upper(),
        "Ph": "-".join(w.title() for w in ph.split("-")),
    }


def variables(table, key):
    cache = table.__dict__.setdefault("_variables", {})
    if key not in cache:
        cache[key] = _variables(table, key)
    return cache[key]


def _variables(table, key):
    k = table.data["keys"][key]
    v, n = k["v"], k["n"]
    number = int(n)
    digits = str(number)
    grouped = ""
    for i, c in enumerate(reversed(digits)):
        if i and i % 3 == 0:
            grouped = "_" + grouped
        grouped = c + grouped
    half = len(v) // 2
    parts = key.split("_")
    return {
        "v": v, "n": n, "head": v[:half], "tail": v[half:],
        "hex": f"0x{number:x}", "HEX": f"0X{number:X}", "oct": f"0o{number:o}", "oct0": f"0{number:o}",
        "us": grouped, "bin": f"0b{number:b}", "b64": base64.b64encode(v.encode()).decode(),
        **names(k["ph"]),
        "key": key, "KEY": key.upper(), "Key": "_".join(p.title() for p in parts),
        "kEY": parts[0] + "_" + "_".join(p.upper() for p in parts[1:]) if len(parts) > 1 else key[:-1] + key[-1].upper(),
        "keynosep": key.replace("_", ""), "key-hyphen": key.replace("_", "-"),
    }


def fmt(template, vars_):
    """str.format over names that may hold a hyphen ({key-hyphen})."""
    out = []
    for literal, field, _, _ in string.Formatter().parse(template):
        out.append(literal)
        if field is not None:
            out.append(vars_[field])
    return "".join(out)


def typed_text(text):
    text = re.sub(r"^!!?[A-Za-z]+\s+", "", text)
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1]
    return text


def flow_safe(table, key, vid):
    """Whether the value can be written inside a flow mapping."""
    value = table.values[vid]
    text = fmt(value.get("yaml", ""), variables(table, key))
    return "\n" not in text and "${" not in text and not text.lstrip().startswith("#") and not value.get("form", "").startswith("duplicate")


class Render:
    """One case's config text and world."""

    def __init__(self, table, spec):
        self.t = table
        self.spec = spec
        self.value_anchors = []  # lines of the top-level x-anchors mapping (values for aliases)
        self.blocks = []  # other top-level mappings that define anchors (x-trakt, x-authorization)
        self.secrets = {}  # secret name -> value
        self.truth = {}
        self.intent = {}

    # -- scalar keys
    def scalar_parts(self, key):
        """(key text, value text, form) of `key` in this case, or None when missing."""
        value = self.t.values[self.spec["values"][key]]
        vars_ = variables(self.t, key)
        form = value.get("form", "")
        text = fmt(value.get("yaml", ""), vars_)
        self.intent[key] = value["intent"]
        canonical = vars_["v"]
        if value["intent"] == "typed":
            self.truth[key] = typed_text(text)
        else:
            self.truth[key] = canonical
        if "secret" in value:
            how = value["secret"]
            ph = vars_["ph"]
            if how == "value":
                self.secrets[ph] = canonical
            elif how == "tail":
                self.secrets[ph] = vars_["tail"]
            elif how == "head":
                self.secrets[ph] = vars_["head"]
            elif how == "halves":
                self.secrets[ph + "-a"] = vars_["head"]
                self.secrets[ph + "-b"] = vars_["tail"]
        if form == "missing":
            return None
        key_text = fmt(value.get("key", "{key}"), vars_)
        if form == "alias":
            name = f"{key}_value"
            self.value_anchors.append(f"  {name}: &{name} {text}")
            text = f"*{name}"
        return key_text, text, form

    def entry_lines(self, key, indent):
        parts = self.scalar_parts(key)
        if parts is None:
            return []
        key_text, text, form = parts
        sp = " " * indent

        def one(t):
            first, *rest = t.split("\n")
            out = [f"{sp}{key_text}:" + (f" {first}" if first != "" else "")]
            out += [f"{sp}  {line}" if line else "" for line in rest]
            return out

        if form == "duplicate-same":
            return one(text) + one(text)
        if form == "duplicate-blank":
            return one("") + one(text)
        return one(text)

    def entry_flow(self, key):
        parts = self.scalar_parts(key)
        if parts is None:
            return None
        key_text, text, form = parts
        if "\n" in text or "${" in text or text.lstrip().startswith("#") or form.startswith("duplicate"):
            raise Incompatible(f"{key} cannot be written in a flow mapping")
        return f"{key_text}: {text}".rstrip()

    # -- authorization
    def auth_lines(self, indent, step):
        form = self.spec["authorization"]
        sp = " " * indent
        keys = list(self.t.auth)
        if form == "alphabetical":
            keys = sorted(keys)
        if form == "missing":
            for k in self.t.auth:
                self.intent[k] = "blank"
            return []
        simple = {"null-empty": "", "null-tilde": " ~", "empty-map": " {}", "string": " filled-in-by-kometa"}
        if form in simple:
            for k in self.t.auth:
                self.intent[k] = "blank"
            return [f"{sp}authorization:{simple[form]}"]
        if form == "sequence":
            lines = [f"{sp}authorization:"]
            first = True
            for k in keys:
                for line in self.entry_lines(k, indent + step + 2):
                    if first and line.strip():
                        line = f"{sp}{' ' * step}- " + line.lstrip()
                        first = False
                    lines.append(line)
            return lines
        if form == "flow":
            items = [e for e in (self.entry_flow(k) for k in keys) if e is not None]
            return [f"{sp}authorization: {{{', '.join(items)}}}"]
        if form == "anchor-alias":
            lines = ["x-authorization: &authorization"]
            for k in keys:
                lines += self.entry_lines(k, 2)
            self.blocks.append(lines)
            return [f"{sp}authorization: *authorization"]
        if form == "merge":
            base = [k for k in keys if k in ("access_token", "refresh_token")]
            lines = ["x-authorization: &authorization"]
            for k in base:
                lines += self.entry_lines(k, 2)
            self.blocks.append(lines)
            lines = [f"{sp}authorization:", f"{sp}{' ' * step}<<: *authorization"]
            for k in keys:
                if k not in base:
                    lines += self.entry_lines(k, indent + step)
            return lines
        head = {"tag-map": "authorization: !!map", "tag-foo": "authorization: !foo", "key-title": "Authorization:"}.get(form, "authorization:")
        lines = [f"{sp}{head}"]
        for k in keys:
            lines += self.entry_lines(k, indent + step)
        if form == "duplicate":
            lines.append(f"{sp}authorization:")
        return lines

    def auth_flow(self):
        form = self.spec["authorization"]
        if form == "missing":
            for k in self.t.auth:
                self.intent[k] = "blank"
            return None
        simple = {"null-empty": "", "null-tilde": "~", "empty-map": "{}", "string": "filled-in-by-kometa", "sequence": None}
        if form in simple:
            for k in self.t.auth:
                self.intent[k] = "blank"
            if form == "sequence":
                raise Incompatible("a sequence authorization in a flow block")
            return f"authorization: {simple[form]}".rstrip()
        keys = sorted(self.t.auth) if form == "alphabetical" else list(self.t.auth)
        items = [e for e in (self.entry_flow(k) for k in keys) if e is not None]
        inner = "{" + ", ".join(items) + "}"
        if form in ("anchor-alias", "merge", "duplicate"):
            raise Incompatible(f"authorization {form} in a flow block")
        prefix = {"tag-map": "!!map ", "tag-foo": "!foo "}.get(form, "")
        key = "Authorization" if form == "key-title" else "authorization"
        return f"{key}: {prefix}{inner}"

    # -- the block
    def block_lines(self, key_text):
        form = self.spec["block_form"]
        step = 4 if form == "indent4" else 2
        top = list(self.t.top)
        auth_first = self.spec["authorization"] == "before-pin"

        def body(indent):
            lines = []
            for k in top:
                if k == "pin" and auth_first:
                    lines += self.auth_lines(indent, step)
                lines += self.entry_lines(k, indent)
                if form == "comments" and k == "client_secret":
                    lines.append(f"{' ' * indent}# the rest is filled in by Kometa")
            if not auth_first:
                lines += self.auth_lines(indent, step)
            return lines

        if form in ("null-empty", "null-tilde", "empty-map", "string"):
            for k in self.t.keys:
                self.intent[k] = "blank"
            return [f"{key_text}:" + {"null-empty": "", "null-tilde": " ~", "empty-map": " {}", "string": " enabled"}[form]]
        if form == "sequence":
            for k in self.t.keys:
                self.intent[k] = "blank"
            c, s = self.t.data["keys"]["client_id"]["v"], self.t.data["keys"]["client_secret"]["v"]
            return [f"{key_text}:", f"  - client_id: {c}", f"    client_secret: {s}"]
        if form == "flow":
            items = [e for e in (self.entry_flow(k) for k in top) if e is not None]
            auth = self.auth_flow()
            if auth is not None:
                items.append(auth)
            return [f"{key_text}: {{{', '.join(items)}}}"]
        if form == "anchor-alias":
            self.blocks.append(["x-trakt: &trakt_block"] + body(2))
            return [f"{key_text}: *trakt_block"]
        if form == "merge":
            lines = ["x-trakt: &trakt_base"]
            for k in ("client_id", "client_secret"):
                lines += self.entry_lines(k, 2)
            self.blocks.append(lines)
            lines = [f"{key_text}:", "  <<: *trakt_base"]
            top = [k for k in top if k not in ("client_id", "client_secret")]
            return lines + body(2)
        head = {"tag-map": " !!map", "tag-foo": " !foo", "comments": "   # https://trakt.tv/oauth/applications"}.get(form, "")
        lines = [f"{key_text}:{head}"] + body(step)
        if form == "duplicate":
            lines += [f"{key_text}:", f"  client_id: {self.t.data['keys']['client_id']['v']}"]
        return lines

    def text(self):
        bk = self.t.small["block_key"][self.spec["block_key"]]
        form = self.spec["block_form"]
        if self.spec["block_key"] == "absent":
            for k in self.t.keys:
                self.intent[k] = "blank"
                self.truth[k] = self.t.data["keys"][k]["v"]
            block = []
        else:
            block = self.block_lines(bk["key"])
        prefix = PREFIX
        if bk.get("nested"):
            prefix = prefix.replace("settings:\n  cache: true\n  cache_expiration: 60\n",
                                    "settings:\n  cache: true\n  cache_expiration: 60\n" + "".join(f"  {l}\n" if l else "\n" for l in block))
            block = []
        anchors = "".join(l + "\n" for l in (["x-anchors:"] + self.value_anchors if self.value_anchors else []))
        anchors += "".join(l + "\n" for lines in self.blocks for l in lines)
        block_text = "".join(l + "\n" for l in block)
        if form == "first":
            text = anchors + block_text + prefix + TMDB
        elif form == "middle":
            text = anchors + prefix + block_text + TMDB
        else:
            text = anchors + prefix + TMDB + block_text
        text = f"# Kometa config: judge case {self.spec.get('id', '')}\n" + text
        if form == "crlf":
            text = text.replace("\n", "\r\n")
        elif form == "bom":
            text = "\ufeff" + text
        elif form == "document-markers":
            text = "---\n" + text + "...\n"
        elif form == "no-final-newline":
            text = text.rstrip("\n")
        return text


class Incompatible(Exception):
    pass


def world(table, spec):
    """The case: config text, layout, argv, env, .env files, Trakt's state, intents."""
    r = Render(table, spec)
    text = r.text()
    layout = table.small["layout"][spec["layout"]]
    config = layout["config"]
    configdir = config.rsplit("/", 1)[0]
    argv = [a.replace("{config}", config) for a in layout.get("argv", [])]
    env = {k: v.replace("{config}", config) for k, v in layout.get("env", {}).items()}
    dotenv = {}
    source = table.small["secret"][spec["secret"]]
    placeholders = bool(r.secrets)
    secret_argv = []
    if placeholders:
        for name, value in sorted(r.secrets.items()):
            subst = {"VAR": "KOMETA_" + name.upper().replace("-", "_"), "var": name,
                     "VARNAME": name.upper().replace("-", "_"), "varname": name.replace("-", "_"), "value": value}
            for k, v in source.get("env", {}).items():
                env[fmt(k, subst)] = fmt(v, subst)
            secret_argv += [fmt(a, subst) for a in source.get("argv", [])]
            for path, line in source.get("dotenv", {}).items():
                path = path.replace("{configdir}", configdir)
                dotenv[path] = dotenv.get(path, "") + fmt(line, subst) + "\n"
    keys = table.data["keys"]
    pin_intent = r.intent.get("pin", "blank")
    has_pin = pin_intent != "blank"
    force = table.values[spec["values"]["force_refresh"]].get("force") if "force_refresh" in active(table, spec) else None
    tokens = all(r.intent.get(k) not in (None, "blank") for k in ("access_token", "refresh_token"))
    truth = {k: r.truth.get(k, keys[k]["v"]) for k in ("client_id", "client_secret", "pin", "access_token", "refresh_token")}
    return {
        "yaml": text,
        "config": config,
        "argv": argv + secret_argv,
        "secret_argv": secret_argv,
        "env": env,
        "dotenv": dotenv,
        "server": spec["server"],
        "runs": table.small["server"][spec["server"]]["runs"],
        "truth": truth,
        "has_pin": has_pin,
        "has_tokens": tokens,
        "force": force,
        "meant_block": table.small["block_key"][spec["block_key"]]["meant"],
        "placeholders": placeholders,
        "intent": r.intent,
    }


def base_spec(table):
    return {
        "block_key": "trakt", "block_form": "mapping", "authorization": "mapping", "server": "live",
        "layout": "default", "secret": "env", "values": {k: table.baseline(k) for k in table.keys},
    }


def changed(table, spec):
    """The dimensions where `spec` differs from the baseline, as `name=value` strings."""
    base = base_spec(table)
    out = [f"{d}={spec[d]}" for d in SMALL if spec[d] != base[d] and not (d == "secret" and not any("secret" in table.values[spec["values"][k]] for k in table.keys))]
    out += [f"{k}={spec['values'][k]}" for k in table.keys if spec["values"][k] != base["values"][k]]
    return out


def with_(table, **changes):
    spec = base_spec(table)
    values = changes.pop("values", {})
    spec.update(changes)
    spec["values"].update(values)
    return spec


def singles(table):
    specs = []
    for key in table.keys:
        for vid in table.by_key[key]:
            specs.append(with_(table, values={key: vid}))
            if key == "pin":
                specs.append(with_(table, server="revoked", values={key: vid}))
                specs.append(with_(table, authorization="missing", values={key: vid}))
    for d in ("block_key", "block_form", "server", "layout"):
        for vid in table.small[d]:
            specs.append(with_(table, **{d: vid}))
    for vid in table.small["authorization"]:
        specs.append(with_(table, authorization=vid))
        specs.append(with_(table, authorization=vid, values={"pin": "plain"}))
    placeholder_values = [v for v in table.values if "secret" in table.values[v]]
    for src in table.small["secret"]:
        for vid in placeholder_values:
            specs.append(with_(table, secret=src, values={"client_id": vid}))
        specs.append(with_(table, secret=src, values={"access_token": "ph-upper"}))
        specs.append(with_(table, secret=src, values={"force_refresh": "ph-lower"}))
        specs.append(with_(table, secret=src, server="revoked", values={"pin": "ph-lower"}))
        for layout in table.small["layout"]:
            specs.append(with_(table, secret=src, layout=layout, values={"client_id": "ph-lower"}))
    return specs


def active(table, spec):
    """The dimensions that matter in `spec`."""
    on = {"block_key", "server", "layout"}
    if spec["block_key"] == "absent":
        return on
    on.add("block_form")
    if not table.small["block_form"][spec["block_form"]]["mapping"]:
        return on
    on.add("authorization")
    on.update(table.top)
    if table.small["authorization"][spec["authorization"]]["mapping"]:
        on.update(table.auth)
    if any("secret" in table.values[spec["values"][k]] for k in on if k in table.keys):
        on.add("secret")
    return on


def level(table, dim, value):
    return table.values[value]["category"] if dim in table.keys else value


def needs(table, dim, lvl):
    """What a dimension at this level requires of the others (for the feasibility of a pair)."""
    if dim in table.keys:
        return {"mapping", "auth"} if dim in table.auth else {"mapping"}
    if dim == "secret":
        return {"mapping"}
    if dim == "authorization":
        return {"mapping"}
    return set()


def gives(table, dim, lvl):
    """What a dimension at this level rules out."""
    out = set()
    if dim == "block_key" and lvl == "absent":
        out |= {"mapping", "auth"}
    if dim == "block_form" and not table.small["block_form"][lvl]["mapping"]:
        out |= {"mapping", "auth"}
    if dim == "authorization" and not table.small["authorization"][lvl]["mapping"]:
        out.add("auth")
    return out


def pairs(table, seed, budget=100000):
    """A greedy covering array (see the module doc)."""
    rng = random.Random(seed)
    dims = SMALL + table.keys
    domain = {d: list(table.small[d]) if d in SMALL else table.by_key[d] for d in dims}
    levels = {d: sorted({level(table, d, v) for v in domain[d]}) for d in dims}
    by_level = {d: {lvl: [v for v in domain[d] if level(table, d, v) == lvl] for lvl in levels[d]} for d in dims}
    uncovered = set()
    for i, p in enumerate(dims):
        for q in dims[i + 1 :]:
            for a in levels[p]:
                for b in levels[q]:
                    if needs(table, p, a) & gives(table, q, b) or needs(table, q, b) & gives(table, p, a):
                        continue
                    uncovered.add(((p, a), (q, b)))
    order = sorted(uncovered)
    index = {d: i for i, d in enumerate(dims)}
    need = {(d, lvl): needs(table, d, lvl) for d in dims for lvl in levels[d]}
    give = {(d, lvl): gives(table, d, lvl) for d in dims for lvl in levels[d]}
    specs = []
    while uncovered and len(specs) < budget:
        (p, a), (q, b) = next(x for x in order if x in uncovered)
        spec = base_spec(table)
        assigned = {}
        needed = set()

        def put(d, v):
            lvl = level(table, d, v)
            assigned[d] = lvl
            needed.update(need[(d, lvl)])
            if d in SMALL:
                spec[d] = v
            else:
                spec["values"][d] = v

        put(p, rng.choice(by_level[p][a]))
        put(q, rng.choice(by_level[q][b]))
        rest = [d for d in dims if d not in assigned]
        rng.shuffle(rest)
        for d in rest:
            best, best_score = None, -1
            candidates = [rng.choice(vs) for vs in by_level[d].values()]
            rng.shuffle(candidates)
            for v in candidates:
                lv = level(table, d, v)
                if needed & give[(d, lv)]:
                    continue
                score = 0
                for e, el in assigned.items():
                    pair = ((d, lv), (e, el)) if index[d] < index[e] else ((e, el), (d, lv))
                    if pair in uncovered:
                        score += 1
                if score > best_score:
                    best, best_score = v, score
            put(d, best if best is not None else rng.choice(domain[d]))
        on = active(table, spec)
        if spec["secret"] != "unset" and "secret" not in on and "client_id" in on:
            spec["values"]["client_id"] = "ph-lower"
        for _ in range(20):
            try:
                world(table, spec)
                break
            except Incompatible:
                for k in table.keys:
                    if not flow_safe(table, k, spec["values"][k]):
                        spec["values"][k] = rng.choice([v for v in table.by_key[k] if flow_safe(table, k, v)])
                if spec["authorization"] in ("anchor-alias", "merge", "duplicate", "sequence"):
                    spec["authorization"] = "flow"
        else:
            uncovered.discard(((p, a), (q, b)))
            continue
        on = active(table, spec)
        got = {d: level(table, d, spec[d] if d in SMALL else spec["values"][d]) for d in dims if d in on}
        newly = 0
        ds = sorted(got, key=dims.index)
        for i, d in enumerate(ds):
            for e in ds[i + 1 :]:
                pair = ((d, got[d]), (e, got[e]))
                if pair in uncovered:
                    uncovered.discard(pair)
                    newly += 1
        if not newly:
            uncovered.discard(((p, a), (q, b)))
            continue
        specs.append(spec)
    return specs


def twin(table, spec):
    """The case with force_refresh written as the boolean true: what the user meant."""
    t = json.loads(json.dumps(spec))
    t["values"]["force_refresh"] = "bool-true"
    return t


def generate(table, seed):
    specs = [(s, "single") for s in singles(table)] + [(s, "pairs") for s in pairs(table, seed)]
    seen, cases = set(), []
    for spec, family in specs:
        key = json.dumps(spec, sort_keys=True)
        if key in seen:
            continue
        seen.add(key)
        try:
            w = world(table, spec)
        except Incompatible:
            continue
        cases.append((spec, family, w))
    out = []
    for i, (spec, family, w) in enumerate(cases, 1):
        spec["id"] = f"{i:04d}"
        w = world(table, spec)
        what = changed(table, spec)
        w.update(id=spec["id"], family=family, spec=spec, changed=what,
                 description=f"{family}: " + ("; ".join(what) if what else "baseline (every key written the plain way)"))
        if w["force"] == "on" and spec["values"]["force_refresh"] != "bool-true":
            w["twin_yaml"] = world(table, twin(table, spec))["yaml"]
        out.append(w)
    return out


def coverage(table, cases):
    """The table's values with no case, as messages."""
    have = set()
    for c in cases:
        spec = c["spec"]
        on = active(table, spec)
        for d in SMALL:
            if d in on or d in ("block_key", "server", "layout"):
                have.add((d, spec[d]))
        for k in table.keys:
            if k in on:
                have.add((k, spec["values"][k]))
    missing = []
    for k in table.keys:
        for v in table.by_key[k]:
            if (k, v) not in have:
                missing.append(f"value {v} has no case for key {k}")
    for d in SMALL:
        for v in table.small[d]:
            if (d, v) not in have:
                missing.append(f"{d} {v} has no case")
    return missing


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--table", type=Path, default=TABLE)
    parser.add_argument("--check", action="store_true", help="the coverage check only")
    args = parser.parse_args(argv)
    table = Table(args.table)
    seed = table.data["seed"] if args.seed is None else args.seed
    cases = generate(table, seed)
    missing = coverage(table, cases)
    for m in missing:
        print(f"coverage: {m}", file=sys.stderr)
    singles_n = sum(1 for c in cases if c["family"] == "single")
    print(f"{len(cases)} cases ({singles_n} single, {len(cases) - singles_n} pairs), seed {seed}", file=sys.stderr)
    if args.check:
        return 1 if missing else 0
    write(cases, args.out)
    return 1 if missing else 0


def write(cases, out):
    out.mkdir(parents=True, exist_ok=True)
    index = ["id\tfamily\tdescription"]
    wanted = {"index.tsv"}
    for c in cases:
        meta = {k: v for k, v in c.items() if k != "yaml"}
        for name, data in ((f"{c['id']}.yml", c["yaml"].encode("utf-8")),
                           (f"{c['id']}.json", (json.dumps(meta, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))):
            wanted.add(name)
            path = out / name
            if not path.exists() or path.read_bytes() != data:  # unchanged files are left alone
                path.write_bytes(data)
        index.append(f"{c['id']}\t{c['family']}\t{c['description']}")
    for old in out.iterdir():
        if old.name not in wanted:
            old.unlink()
    (out / "index.tsv").write_text("\n".join(index) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
