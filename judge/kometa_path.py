"""Kometa 2.4.4's own trakt path, run in this process from the vendored, unmodified source.

The statements are taken from vendor/kometa-2.4.4 by `ast` (with their own line numbers, so a
traceback names the vendored line) and executed as they are; only the edges are replaced:

- kometa.py, top level from `default_dir = ...` to the config-path check (lines ~81-262): the
  `.env` loading beside kometa.py (python-dotenv, the real file), the argument parser,
  `get_env`/`static_envs`/`run_args`, the `--kometa-*`/`--pmm-*` arguments and the
  `KOMETA_*`/`PMM_*` variables turned into secrets, `--config`/`KOMETA_CONFIG`. Edges: `__file__`
  is the case's simulated install dir (`<install>/kometa.py`, so `default_dir` is
  `<install>/config`), `sys.argv` and `os.environ` are the case's, the GitHub download of a
  missing config is refused, GitPython is absent (`git_branch = None`), `print` is recorded.
- kometa.py `start()`: the statements that fill `attrs` (config file, read-only, time, ...).
- modules/config.py `ConfigFile.__init__`, from its first statement to `def check_for_attribute`
  (config path, the redacted-config read, the ruamel load, the section reordering, `check_next`),
  then the trakt section (`self.Trakt = None` and `if "trakt" in self.data: ...`). The sections in
  between (settings, plex, tmdb, notifiers, ...) are not run.
- modules/trakt.py as it is (the whole module). Edges: `base_url` is the test server,
  `webbrowser.open` is recorded and does nothing.
- modules/request.py: the `YAML` class, `get_header`, and `Requests.get`/`post`/`file_yaml` with
  their tenacity `@retry` decorators; `Requests.__init__` (cloudscraper, version checks) is
  replaced by a plain `requests.Session()`. kometa.py's `new_send` (the global timeout) is applied.
- modules/util.py: `Failed`, `TimeoutExpired`, `logger_input`, `unix_input`, `alarm_handler` as
  they are; `input` inside them is recorded (stdin is /dev/null, as in Docker without a TTY, so it
  raises EOFError and Kometa raises Failed("Input Failed")); `logger` is a recorder (Kometa's
  modules/logs.py is not vendored: `secret()` is reproduced from it, the rest only records).
- tenacity's sleep (`wait_fixed(10)` between 6 attempts) is counted, not slept.
"""

import argparse
import ast
import builtins
import copy
import os
import re
import sys
import traceback
import types
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "vendor" / "kometa-2.4.4"
BASE_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/root", "LANG": "C.UTF-8"}


def _parse(path):
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _code(nodes, path):
    return compile(ast.Module(body=list(nodes), type_ignores=[]), str(path), "exec")


def _assign_target(stmt):
    return ast.unparse(stmt.targets[0]) if isinstance(stmt, ast.Assign) else None


def _function(tree, name):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return node
    raise SystemExit(f"judge: {name} not found in the vendored Kometa")


def _class(tree, name):
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            return node
    raise SystemExit(f"judge: class {name} not found in the vendored Kometa")


def _body_with(tree, predicate):
    """The statement list (some node's body) holding a statement for which predicate is true,
    and that statement's index."""
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            body = getattr(node, field, None)
            if isinstance(body, list):
                for i, stmt in enumerate(body):
                    if predicate(stmt):
                        return body, i
    raise SystemExit("judge: a statement of the vendored Kometa was not found")


class Log:
    """Kometa's logger (modules/logs.py MyLogger), recording what it says."""

    def __init__(self):
        self.lines = []
        self.secrets = []

    def secret(self, text):
        # MyLogger.secret: remembers str(t) of each non-empty value, for redaction.
        text = text if isinstance(text, list) else [text]
        for t in text:
            if t and str(t) not in self.secrets:
                self.secrets.append(str(t))

    def __getattr__(self, level):
        def record(*args, **kwargs):
            self.lines.append((level, " ".join(str(a) for a in args)))

        return record


class Sleeps:
    """tenacity.nap's `time`: sleeps are counted, not slept."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0

    def sleep(self, seconds):
        self.count += 1
        self.seconds += seconds


class KometaPath:
    """Kometa's modules loaded once (per worker process); `run()` runs one case."""

    def __init__(self, vendor=VENDOR):
        import requests
        import tenacity
        import tenacity.nap
        from dotenv import load_dotenv

        self.vendor = Path(vendor)
        self.requests = requests
        self.load_dotenv = load_dotenv
        self.log = Log()
        self.sleeps = Sleeps()
        tenacity.nap.time = self.sleeps
        self.prompts = []
        self.browser = []
        sys.stdin = open(os.devnull)  # noqa: SIM115 - stdin stays closed, as in Docker

        kometa_py = self.vendor / "kometa.py"
        config_py = self.vendor / "modules" / "config.py"
        trakt_py = self.vendor / "modules" / "trakt.py"
        request_py = self.vendor / "modules" / "request.py"
        util_py = self.vendor / "modules" / "util.py"

        # modules.util: the exceptions and the terminal input, as they are.
        util_tree = _parse(util_py)
        util = types.ModuleType("modules.util")
        util.__file__ = str(util_py)
        ns = util.__dict__
        exec("import glob, os, re, signal, sys, time", ns)
        ns["logger"] = self.log
        ns["windows"] = False
        keep = [n for n in util_tree.body if isinstance(n, ast.ClassDef) and n.name in {"Failed", "TimeoutExpired"}]
        keep += [n for n in util_tree.body if isinstance(n, ast.FunctionDef) and n.name in {"logger_input", "unix_input", "alarm_handler", "get_list"}]
        exec(_code(keep, util_py), ns)

        def recorded_input(prompt=""):
            self.prompts.append(prompt)
            return builtins.input(prompt)

        ns["input"] = recorded_input
        self.util = util

        # modules.request: YAML, get_header, urlparse, and Requests.get/post/file_yaml.
        request_tree = _parse(request_py)
        request = types.ModuleType("modules.request")
        request.__file__ = str(request_py)
        rns = request.__dict__
        exec("import base64, os, time\nfrom urllib import parse\nimport requests\nimport ruamel.yaml\n"
             "from requests.exceptions import ConnectionError\nfrom tenacity import retry, stop_after_attempt, wait_fixed", rns)
        rns.update(util=util, Failed=util.Failed, logger=self.log)
        funcs = [n for n in request_tree.body if isinstance(n, ast.FunctionDef) and n.name in {"get_header", "quote", "quote_plus", "parse_qs", "urlparse"}]
        yaml_class = _class(request_tree, "YAML")
        requests_class = _class(request_tree, "Requests")
        reduced = copy.copy(requests_class)
        reduced.body = [n for n in requests_class.body if isinstance(n, ast.FunctionDef) and n.name in {"get", "post", "file_yaml"}]
        exec(_code([*funcs, yaml_class, reduced], request_py), rns)

        def session_only(this):
            # Edge: Requests.__init__ (cloudscraper, version lookups) is not run.
            this.session = requests.Session()

        rns["Requests"].__init__ = session_only
        self.request = request

        modules = types.ModuleType("modules")
        modules.util, modules.request = util, request
        sys.modules.update({"modules": modules, "modules.util": util, "modules.request": request})

        # modules.trakt, whole.
        trakt = types.ModuleType("modules.trakt")
        trakt.__file__ = str(trakt_py)
        exec(compile(trakt_py.read_text(encoding="utf-8"), str(trakt_py), "exec"), trakt.__dict__)
        trakt.webbrowser = types.SimpleNamespace(open=lambda url, new=0: self.browser.append(url) or False)
        self.trakt = trakt

        # kometa.py: the secrets and the config path (top level), attrs (start()), new_send.
        kometa_tree = _parse(kometa_py)
        top = kometa_tree.body
        first = next(i for i, s in enumerate(top) if _assign_target(s) == "default_dir")
        last = next(i for i, s in enumerate(top) if _assign_target(s) == "logger")
        cli = []
        for stmt in top[first:last]:
            if isinstance(stmt, ast.Try) and "import git" in ast.unparse(stmt):
                cli += ast.parse("git_branch = None").body  # GitPython is not installed
            else:
                cli.append(stmt)
        self.cli_code = _code(cli, kometa_py)
        start = _function(kometa_tree, "start")
        body, i = _body_with(start, lambda s: _assign_target(s) == "start_time")
        j = next(k for k in range(i, len(body)) if _assign_target(body[k]) == "attrs['plex_token']")
        self.attrs_code = _code(body[i : j + 1], kometa_py)
        send = [s for s in top if _assign_target(s) in {"old_send", "requests.Session.send"}
                or (isinstance(s, ast.FunctionDef) and s.name == "new_send")]
        exec(_code(send, kometa_py), {"requests": requests, "run_args": {"timeout": 180}})

        # modules/config.py: ConfigFile.__init__ up to check_for_attribute, then the trakt section.
        config_tree = _parse(config_py)
        init = _function(_class(config_tree, "ConfigFile"), "__init__")
        upto = next(k for k, s in enumerate(init.body) if isinstance(s, ast.FunctionDef) and s.name == "check_for_attribute")
        body, i = _body_with(init, lambda s: _assign_target(s) == "self.Trakt")
        self.config_code = _code(init.body[: upto + 1] + body[i : i + 2], config_py)

    def run(self, install, argv, env, server_url):
        """Runs Kometa's trakt path for a case laid out under `install` (a directory standing for
        the directory of kometa.py), with `argv` after `kometa.py` and the environment `env`
        (beside BASE_ENV), Trakt being the server at `server_url`. Returns the outcome."""
        install = Path(install)
        self.log.lines.clear()
        self.log.secrets.clear()
        self.sleeps.count, self.sleeps.seconds = 0, 0.0
        self.prompts.clear()
        self.browser.clear()
        printed = []
        self.trakt.base_url = server_url
        saved_env, saved_argv, saved_cwd = dict(os.environ), sys.argv, os.getcwd()
        os.environ.clear()
        os.environ.update(BASE_ENV)
        os.environ.update(env)
        sys.argv = [str(install / "kometa.py"), *argv]
        os.chdir(install)
        outcome = {"outcome": None, "message": "", "exception": None, "secrets": None, "config_path": None}
        stage = "kometa.py"
        try:
            refuse = types.SimpleNamespace(get=_refuse_network, RequestException=OSError)
            cli = {"__file__": str(install / "kometa.py"), "__name__": "kometa", "os": os, "sys": sys, "argparse": argparse,
                   "load_dotenv": self.load_dotenv, "requests": refuse, "print": lambda *a, **k: printed.append(" ".join(map(str, a)))}
            exec(self.cli_code, cli)
            outcome["secrets"] = sorted(cli["secret_args"])
            attrs = {"collections": None, "libraries": None, "files": None}
            exec(self.attrs_code, {"attrs": attrs, "run_args": cli["run_args"], "plex_url": cli["plex_url"],
                                   "plex_token": cli["plex_token"], "datetime": datetime})
            stage = "ConfigFile"
            this = types.SimpleNamespace()
            ns = {"self": this, "in_request": self.request.Requests(), "default_dir": cli["default_dir"], "attrs": attrs,
                  "secrets": cli["secret_args"], "logger": self.log, "Failed": self.util.Failed, "util": self.util,
                  "os": os, "re": re, "datetime": datetime, "Trakt": self.trakt.Trakt}
            exec(self.config_code, ns)
            outcome["config_path"] = getattr(this, "config_path", None)
            if "trakt" not in this.data:
                outcome["outcome"] = "ignores"
                outcome["message"] = "trakt attribute not found"
            elif this.Trakt is not None:
                outcome["outcome"] = "connects"
                outcome["message"] = "Trakt Connection Successful"
            else:
                outcome["outcome"] = "fails"
                said = [text for level, text in self.log.lines if level in ("error", "warning")]
                outcome["message"] = said[-1] if said else "Trakt Connection Failed"
        except SystemExit as e:
            outcome["outcome"] = "crashes"
            outcome["exception"] = {"type": "SystemExit", "message": f"exit {e.code}: {' '.join(printed)}".strip(), "where": stage}
        except BaseException as e:  # noqa: BLE001 - an escaping exception is the outcome
            if isinstance(e, KeyboardInterrupt):
                raise
            outcome["outcome"] = "crashes"
            outcome["exception"] = describe(e, self.vendor)
        finally:
            os.chdir(saved_cwd)
            os.environ.clear()
            os.environ.update(saved_env)
            sys.argv = saved_argv
        outcome["refreshed"] = any(text == "Refreshing Access Token..." for _, text in self.log.lines)
        outcome["saved"] = any(text.startswith("Saving authorization information") for _, text in self.log.lines)
        outcome["prompted"] = bool(self.prompts)
        outcome["browser"] = bool(self.browser)
        outcome["retries"] = self.sleeps.count
        outcome["slept"] = self.sleeps.seconds
        outcome["log"] = [f"{level}: {text}" for level, text in self.log.lines if level not in ("debug", "separator", "trace")]
        return outcome


def _refuse_network(*args, **kwargs):
    raise OSError("the judge refuses the network")


def describe(e, vendor):
    """An exception as the type, message and the vendored Kometa line it came through last;
    for tenacity's RetryError, the exception of the last attempt too."""
    where = ""
    for frame in traceback.extract_tb(e.__traceback__):
        if frame.filename.startswith(str(vendor)):
            where = f"{Path(frame.filename).relative_to(vendor)}:{frame.lineno}"
    found = {"type": type(e).__name__, "message": str(e)[:300], "where": where}
    attempt = getattr(e, "last_attempt", None)
    if attempt is not None and attempt.failed:
        inner = attempt.exception()
        found["cause"] = {"type": type(inner).__name__, "message": str(inner)[:300]}
    return found
