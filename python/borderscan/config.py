"""Configuration files: `[tool.borderscan]` in a pyproject.toml, or the
top-level keys of a `.borderscan.toml`, for the options a repository wants
fixed (policy, preset, include, exclude, fail-on, baseline...).

Which file (one at most; files are never merged):
  1. none with `--no-config`;
  2. else `--config FILE`, else `$BORDERSCAN_CONFIG`;
  3. else the first found from the current directory upwards: a directory
     counts when it has a `.borderscan.toml` or a `pyproject.toml` with a
     `[tool.borderscan]` table (a pyproject.toml without one is passed
     over, as ruff does); when it has both, `.borderscan.toml` wins. The
     search also ends at the root of a repository (a directory holding
     `.git`), after looking there: a checkout never picks up a file from
     outside it.

Keys are spelled as the long flags (`fail-on`, not `fail_on`: a snake_case
key is an unknown key, and the error names its kebab-case spelling). Paths
are relative to the file's directory. Command-line flags win over the file,
and a flag wins over the file's counterpart too: `--policy` drops the
file's `preset` (and `--preset` its `policy`), `--no-audit-log` its
`audit-log`. Every problem (TOML syntax, an unknown key, a wrong type or
value) is a `borderscan.ConfigError` naming the file, the line where it can
be found, and the key.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from borderscan import _core

ENV = "BORDERSCAN_CONFIG"
PYPROJECT = "pyproject.toml"
DOTFILE = ".borderscan.toml"
DEFAULT = "default"

# The commands a key sets the option of: every command that scans, or `scan` only.
SCANNING = ("scan", "baseline create", "explain")
SCAN = ("scan",)


def _formats() -> Collection[str]:
    from borderscan.writers import FORMATS

    return FORMATS


def _presets() -> Collection[str]:
    from borderscan.policy import presets

    return list(presets())


@dataclass(frozen=True)
class Key:
    """One key of the file and the command-line option it sets."""

    name: str  # as in the file: the long flag without its dashes
    param: str  # the click parameter (the `default_map` key)
    kind: str  # "str", "path", "list" (of str), "paths" (list of paths), "int"
    commands: tuple[str, ...]
    default: Any = None
    choices: Callable[[], Collection[str]] | None = None
    minimum: int | None = None
    # Checked by the engine's ScanConfig (the key is a scan option of that name).
    engine: bool = False
    # Dropped when this parameter is given on the command line.
    yields_to: tuple[str, ...] = ()


KEYS: tuple[Key, ...] = (
    Key("policy", "policy", "path", SCANNING, engine=True, yields_to=("preset",)),
    Key("preset", "preset", "str", SCANNING, choices=_presets, yields_to=("policy",)),
    Key("include", "include", "list", SCANNING, default=[], engine=True),
    Key("exclude", "exclude", "list", SCANNING, default=[], engine=True),
    Key("fail-on", "fail_on", "str", SCAN, choices=lambda: _core.SEVERITIES),
    Key("baseline", "baseline", "path", SCAN),
    Key("format", "fmt", "str", SCAN, default="table", choices=_formats),
    Key("audit-log", "audit_log", "path", SCAN, yields_to=("no_audit_log",)),
    Key("destination", "destination", "str", SCANNING, engine=True),
    Key("origin", "origin", "str", SCANNING, engine=True),
    Key("geoip", "geoip", "path", SCANNING, engine=True),
    # A team's S3-compatible store (MinIO, Ceph...): a setting, not a secret.
    Key("endpoint-url", "endpoint_url", "str", SCANNING, engine=True),
    Key("rules", "rules", "paths", SCANNING, default=[], engine=True),
    Key("min-confidence", "min_confidence", "str", SCANNING, engine=True),
    Key("input-format", "input_format", "str", SCANNING, engine=True),
    Key("csv-delimiter", "csv_delimiter", "str", SCANNING, engine=True),
    Key("max-line-bytes", "max_line", "int", SCANNING, minimum=1, engine=True),
    Key("max-otlp-line-bytes", "max_otlp_line", "int", SCANNING, minimum=1, engine=True),
    Key("dest-field", "dest_fields", "list", SCANNING, default=[], engine=True),
    Key("origin-field", "origin_fields", "list", SCANNING, default=[], engine=True),
    Key("threads", "threads", "int", SCANNING, default=0, minimum=0, engine=True),
)
BY_NAME = {k.name: k for k in KEYS}

# Flags that a file cannot set: they describe one run, or they unmask
# evidence, or they have no off switch on the command line.
FLAG_ONLY = ("out", "findings", "records", "show-values", "strict", "keep-going",
             "require-destination", "quiet", "no-progress", "locale", "max-results", "store",
             "no-audit-log", "sign-key", "max-expansion", "max-archive-depth",
             "max-archive-members", "max-archive-bytes", "max-archive-buffer", "journal",
             "today", "color", "split-size", "scheduler")

_TYPES = {"str": "a string", "path": "a string (a path)", "int": "an integer",
          "list": "an array of strings", "paths": "an array of strings (paths)"}


@dataclass(frozen=True)
class Found:
    """Where discovery looked and what it found."""

    start: Path
    stop: Path  # the last directory looked in
    stopped_at_repo: bool
    file: Path | None = None
    # A pyproject.toml [tool.borderscan] passed over for the .borderscan.toml
    # next to it.
    shadowed: Path | None = None


@dataclass
class Config:
    """The configuration in effect: every key, its value and its source."""

    values: dict[str, tuple[Any, str]]
    file: Path | None = None
    label: str | None = None  # how sources name the file
    selected_by: str | None = None  # "discovery", "BORDERSCAN_CONFIG", "--config"
    disabled: bool = False  # --no-config
    found: Found | None = None
    notes: list[str] = field(default_factory=list)

    def given(self) -> dict[str, Any]:
        """The keys the file sets, and their values."""
        return {k: v for k, (v, src) in self.values.items() if src != DEFAULT}


def _has_table(path: Path) -> bool:
    """Whether a pyproject.toml has a [tool.borderscan] table. A file that
    does not mention borderscan is not parsed (a broken pyproject.toml of
    some other tool's does not stop a scan)."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if "borderscan" not in text:
        return False
    doc = _parse(path, text)
    return isinstance(doc.get("tool"), dict) and "borderscan" in doc["tool"]


def find(start: Path | None = None) -> Found:
    """The configuration file found from `start` (default: the current
    directory) upwards, stopping at the first directory that has one, or
    at a repository root (`.git`), or at the filesystem root."""
    start = (start or Path.cwd()).absolute()
    d = start
    while True:
        dotfile, pyproject = d / DOTFILE, d / PYPROJECT
        has_pyproject = pyproject.is_file() and _has_table(pyproject)
        if dotfile.is_file():
            return Found(start, d, False, dotfile, pyproject if has_pyproject else None)
        if has_pyproject:
            return Found(start, d, False, pyproject)
        if (d / ".git").exists():
            return Found(start, d, True)
        if d.parent == d:
            return Found(start, d, False)
        d = d.parent


def _parse(path: Path, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise _core.ConfigError(f"{path}: invalid TOML: {e}") from None


def label(path: Path) -> str:
    """How values from this file name their source."""
    return f"{path} [tool.borderscan]" if path.name == PYPROJECT else str(path)


def load(path: Path) -> tuple[dict[str, Any], str]:
    """The table of a configuration file (a pyproject.toml's
    [tool.borderscan], another file's top level) and the file's text."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        reason = e.strerror if isinstance(e, OSError) and e.strerror else e
        raise _core.ConfigError(f"{path}: cannot read the configuration file: {reason}") \
            from None
    doc = _parse(path, text)
    if path.name != PYPROJECT:
        return doc, text
    table = doc.get("tool", {}).get("borderscan") if isinstance(doc.get("tool"), dict) else None
    if table is None:
        raise _core.ConfigError(f"{path}: has no [tool.borderscan] table")
    if not isinstance(table, dict):
        raise _core.ConfigError(f"{path}: tool.borderscan must be a table ([tool.borderscan])")
    return table, text


def _line(text: str, key: str, pyproject: bool) -> int | None:
    """The line that sets `key` in the table (1-based), when it can be told
    from the text (tomllib keeps no positions)."""
    in_table = not pyproject
    pattern = re.compile(r"""\s*(["']?)""" + re.escape(key) + r"""\1\s*=""")
    dotted = re.compile(r"""\s*tool\s*\.\s*["']?borderscan["']?\s*\.\s*["']?"""
                        + re.escape(key))
    for n, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if s.startswith("["):
            header = s.strip("[] \t").replace(" ", "").replace('"', "")
            if pyproject and header == f"tool.borderscan.{key}":
                return n
            in_table = pyproject and header == "tool.borderscan"
            continue
        if in_table and pattern.match(line):
            return n
        if pyproject and dotted.match(line):
            return n
    return None


def _unknown(name: str) -> str:
    if name in FLAG_ONLY:
        return (f"'{name}' cannot be set in a configuration file; give --{name} on the "
                "command line")
    spelled = name.replace("_", "-").lower()
    if spelled in BY_NAME:
        return (f"unknown key '{name}'; did you mean '{spelled}'? (keys are spelled like "
                "the command-line flags)")
    close = difflib.get_close_matches(spelled, list(BY_NAME), n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'?" if close else "supported keys: " + ", ".join(BY_NAME)
    return f"unknown key '{name}'; {hint}"


def _check_type(key: Key, value: Any) -> str | None:
    """What is wrong with the value's type, or None."""
    if key.kind in ("str", "path"):
        ok = isinstance(value, str)
    elif key.kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    if ok:
        return None
    example = {"list": '["a", "b"]', "paths": '["a.toml"]', "int": "4"}.get(key.kind, '"..."')
    got = {bool: "a boolean", int: "an integer", float: "a float", str: "a string",
           list: "an array", dict: "a table"}.get(type(value), "a date or time")
    if key.kind in ("list", "paths") and isinstance(value, list):
        got = "an array holding a non-string"
    return f"{key.name}: expected {_TYPES[key.kind]} (e.g. {key.name} = {example}), got {got}"


def _resolve(base: Path, p: str) -> str:
    return os.path.normpath(base / os.path.expanduser(p))


def _check_value(key: Key, value: Any) -> str | None:
    """What is wrong with the (type-checked, resolved) value, or None."""
    if key.choices is not None and value not in (choices := list(key.choices())):
        close = difflib.get_close_matches(value, choices, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"{key.name}: {value!r} is not one of {', '.join(choices)}{hint}"
    if key.minimum is not None and value < key.minimum:
        return f"{key.name}: must be at least {key.minimum}, got {value}"
    if key.kind == "paths":
        missing = [p for p in value if not os.path.isfile(p)]
        if missing:
            return f"{key.name}: no such file {missing[0]}"
    if key.engine:
        try:
            _core.ScanConfig(**{key.param: value})
        except _core.ConfigError as e:
            # The engine names the option as a flag or a parameter ("origin:
            # ...", other options in backticks): name the file's keys instead.
            message = re.sub(r"^[-\w]+(/[-\w]+)*:\s+", "", str(e))
            for k in KEYS:
                message = message.replace(f"`{k.param}`", f"`{k.name}`")
            return f"{key.name}: {message}"
        except (TypeError, ValueError) as e:
            return f"{key.name}: {e}"
    return None


def validate(table: Mapping[str, Any], path: Path, text: str = "",
             source: str | None = None) -> dict[str, tuple[Any, str]]:
    """Every supported key -> (value, source): the table's value (paths
    made absolute against the file's directory) where it sets the key, the
    command's default otherwise. Raises ConfigError naming the file, the
    line (when it can be told) and the key."""
    source = source or label(path)
    pyproject = path.name == PYPROJECT

    def error(name: str, message: str) -> _core.ConfigError:
        n = _line(text, name, pyproject) if text else None
        where = f"{path}:{n}" if n else str(path)
        table_name = " [tool.borderscan]" if pyproject else ""
        return _core.ConfigError(f"{where}{table_name}: {message}")

    values: dict[str, tuple[Any, str]] = {k.name: (k.default, DEFAULT) for k in KEYS}
    base = path.parent.absolute()
    for name, value in table.items():
        key = BY_NAME.get(name)
        if key is None:
            raise error(name, _unknown(name))
        if (problem := _check_type(key, value)) is not None:
            raise error(name, problem)
        if key.kind == "path":
            value = _resolve(base, value)
        elif key.kind == "paths":
            value = [_resolve(base, p) for p in value]
        if (problem := _check_value(key, value)) is not None:
            raise error(name, problem)
        values[name] = (value, source)
    if "policy" in table and "preset" in table:
        raise error("preset", "give policy or preset, not both (a policy file, or one of "
                              "the shipped presets)")
    return values


def resolve(*, config_file: str | None = None, no_config: bool = False,
            environ: Mapping[str, str] | None = None, cwd: Path | None = None) -> Config:
    """The configuration in effect for these main-group options, this
    environment and this working directory."""
    defaults = {k.name: (k.default, DEFAULT) for k in KEYS}
    if no_config:
        return Config(defaults, disabled=True)
    environ = os.environ if environ is None else environ
    cwd = (cwd or Path.cwd()).absolute()
    selected_by, chosen = None, None
    if config_file:
        selected_by, chosen = "--config", cwd / config_file
    elif environ.get(ENV):
        selected_by, chosen = ENV, cwd / environ[ENV]
    if chosen is not None:
        chosen = Path(os.path.normpath(chosen))
        if not chosen.is_file():
            raise _core.ConfigError(f"{chosen} (from {selected_by}): no such file")
        source = f"{label(chosen)} ({selected_by})"
        table, text = load(chosen)
        return Config(validate(table, chosen, text, source), chosen, source, selected_by)
    found = find(cwd)
    if found.file is None:
        return Config(defaults, found=found)
    table, text = load(found.file)
    source = label(found.file)
    cfg = Config(validate(table, found.file, text, source), found.file, source, "discovery",
                 found=found)
    if found.shadowed is not None:
        cfg.notes.append(f"{label(found.shadowed)} is ignored: {found.file} in the same "
                         "directory wins")
    return cfg


class _Defaults(dict[str, Any]):
    """The `default_map` of one command: a file's value is left out when
    the parameter it yields to was given on the command line (click
    processes the parameters given there before the others, so their source
    is known when a default is looked up)."""

    def __init__(self, values: dict[str, Any], yields_to: dict[str, tuple[str, ...]]):
        super().__init__(values)
        self.yields_to = yields_to

    def _dropped(self, name: object) -> bool:
        ctx = click.get_current_context(silent=True)
        if ctx is None or not isinstance(name, str):
            return False
        return any(ctx.get_parameter_source(other) == ParameterSource.COMMANDLINE
                   for other in self.yields_to.get(name, ()))

    def __contains__(self, name: object) -> bool:
        return super().__contains__(name) and not self._dropped(name)

    def get(self, name: str, default: Any = None) -> Any:
        # click before 8.3 looks defaults up with get().
        return default if self._dropped(name) else super().get(name, default)


def default_map(cfg: Config) -> dict[str, Any]:
    """click's `default_map` for the main group: the file's values as the
    defaults of the options of `scan`, `baseline create` and `explain`."""
    per_command: dict[str, dict[str, Any]] = {c: {} for c in SCANNING}
    given = cfg.given()
    for key in KEYS:
        if key.name in given:
            for command in key.commands:
                per_command[command][key.param] = given[key.name]
    yields = {k.param: k.yields_to for k in KEYS if k.yields_to}
    maps = {c: _Defaults(v, yields) for c, v in per_command.items()}
    return {"scan": maps["scan"], "explain": maps["explain"],
            "baseline": {"create": maps["baseline create"]}}


def describe(cfg: Config) -> dict[str, Any]:
    """`config show --format json`."""
    found = cfg.found
    return {
        "file": str(cfg.file) if cfg.file else None,
        "table": "tool.borderscan" if cfg.file and cfg.file.name == PYPROJECT else None,
        "selected_by": "--no-config" if cfg.disabled else cfg.selected_by,
        "searched": ({"from": str(found.start), "to": str(found.stop),
                      "repository_root": found.stopped_at_repo} if found else None),
        "ignored": [str(found.shadowed)] if found and found.shadowed else [],
        "options": {name: {"value": value, "source": source,
                           "commands": list(BY_NAME[name].commands)}
                    for name, (value, source) in cfg.values.items()},
    }


def headline(cfg: Config) -> str:
    """Which file is in effect, in one sentence."""
    if cfg.disabled:
        return "no configuration file read (--no-config)"
    if cfg.file is not None:
        if cfg.selected_by == "discovery" and cfg.found is not None:
            return f"configuration file: {cfg.label} (found from {cfg.found.start})"
        return f"configuration file: {cfg.label}"
    assert cfg.found is not None
    where = (f"{cfg.found.stop}, the repository root" if cfg.found.stopped_at_repo
             else str(cfg.found.stop))
    return f"no configuration file found (searched from {cfg.found.start} up to {where})"
