"""The `borderscan` command line."""

from __future__ import annotations

import errno
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

import click
import orjson
from rich.console import Console
from rich.markup import escape
from rich.table import Table

import borderscan
from borderscan import _core, _verdict, api, audit, output, progress, store, writers
from borderscan._files import atomic_output
from borderscan._polars import pl
from borderscan._verdict import (
    EXIT_FINDINGS,
    EXIT_INPUT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
)
from borderscan.aggregate import profile_frame
from borderscan.baseline import write_baseline
from borderscan.output import Report, broken_pipe
from borderscan.policy import describe, groups, load_policy, presets
from borderscan.writers import Outcome, Scan, Target, Writer

# `explain` with a fingerprint that names no finding: 1, as grep gives when
# nothing matched (what it printed says so too).
EXIT_NOT_FOUND = 1


def _err_console() -> Console:
    return output.console(stderr=True)


def _set_color(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        output.color = value
    return value


def _color_option(f: Any) -> Any:
    """`--color`, on every command that prints for people."""
    return click.option(
        "--color", type=click.Choice(output.COLORS), default=None, is_eager=True,
        expose_value=False, callback=_set_color,
        help="Colour: auto (terminals, unless NO_COLOR is set), always or never.")(f)


class _Main(click.Group):
    """The command group; a reader of stdout that goes away (`| head`) ends
    any command quietly (`output.broken_pipe`), where click would exit 1, the
    code CI reads as "violations"."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            broken_pipe()

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        # `borderscan -h | head -1`: help and version are printed here.
        try:
            return super().make_context(info_name, args, parent, **extra)
        except BrokenPipeError:
            broken_pipe()


@click.group(cls=_Main,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(borderscan.__version__, "-V", "--version", prog_name="borderscan")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="Read options from this file (a pyproject.toml's [tool.borderscan] or a "
                   "TOML file of the same keys) instead of the pyproject.toml or "
                   ".borderscan.toml found from the current directory upwards. Default: "
                   "$BORDERSCAN_CONFIG.")
@click.option("--no-config", is_flag=True,
              help="Read no configuration file (none found, no --config, no "
                   "$BORDERSCAN_CONFIG): flags and built-in defaults only.")
@click.pass_context
def main(ctx: click.Context, config_file: str | None, no_config: bool) -> None:
    """Data-residency scanner for industrial logs and telemetry.

    Finds personal data, secrets, device and network identifiers and
    industrial data (calibration, sensor, diagnostic, operational, quality,
    model) in JSON Lines, CSV/TSV, logfmt, syslog, OpenTelemetry (OTLP/JSON)
    and plain-text logs, plain or compressed (gzip, zstd, bzip2). Evidence is
    masked unless --show-values is given.

    Options a repository wants fixed (policy, preset, include, exclude,
    fail-on, baseline...) can be kept in pyproject.toml ([tool.borderscan])
    or .borderscan.toml; flags win over them. See `borderscan config show`.
    """
    if config_file and no_config:
        _usage_error(_err_console(), "--config and --no-config cannot be combined")
    # Only the commands that take the file's options read it: a broken file
    # does not stop `audit verify` or `policy check`.
    if ctx.invoked_subcommand not in ("scan", "baseline", "explain", "config"):
        return
    from borderscan import config as configuration

    try:
        ctx.obj = configuration.resolve(config_file=config_file, no_config=no_config)
    except borderscan.ConfigError as e:
        # `scan --help` needs no configuration: a broken file must not hide
        # the help that explains how to fix it.
        if {"-h", "--help"} & set(sys.argv[1:]):
            return
        _config_error(e)
    ctx.default_map = configuration.default_map(ctx.obj)


def _scan_options(f: Any) -> Any:
    """Options shared by every command that scans (scan, baseline create,
    explain): inputs, detectors, policy and resolution. Each sets the scan
    option of its name (`_core.ScanConfig.OPTIONS`, tests/test_config.py)."""
    opts = [
        click.option("--threads", "-j", type=click.IntRange(min=0), default=0,
                     show_default=True, help="Worker threads; 0 = one per core."),
        click.option("--include", multiple=True, metavar="GLOB",
                     help="Only scan files under directories that match (repeatable)."),
        click.option("--exclude", multiple=True, metavar="GLOB",
                     help="Skip files under directories that match (repeatable)."),
        click.option("--input-format", type=click.Choice(_core.INPUT_FORMATS),
            help="Parse every input as this format instead of detecting it per file."),
        click.option("--csv-delimiter", "csv_delimiter", metavar="CHAR", default=None,
                     help="Cell delimiter of .csv files: , ; | or tab (default: sniffed "
                          "from each file's header line)."),
        click.option("--max-line-bytes", "max_line", type=click.IntRange(min=1), default=None,
                     help="Cut longer lines (their start is scanned, the cut is counted). "
                          "Default 1 MiB."),
        click.option("--max-otlp-line-bytes", "max_otlp_line", type=click.IntRange(min=1),
                     default=None, metavar="N",
                     help="Cut longer lines of OpenTelemetry (OTLP/JSON) files, where a "
                          "line is a collector's whole batch. Default 64 MiB."),
        click.option("--max-archive-depth", "max_archive_depth", type=click.IntRange(0, 32),
                     default=None, metavar="N",
                     help="Open archives (tar, zip; also compressed) nested up to N deep; a "
                          "deeper one is named and counted as failed (exit 3). An input "
                          "archive is depth 1. Default 5; 0 opens none."),
        click.option("--max-archive-members", "max_archive_members",
                     type=click.IntRange(min=1), default=None, metavar="N",
                     help="Stop an input whose archives list more than N members (every "
                          "depth), named and counted as failed. Default 100,000."),
        click.option("--max-archive-bytes", "max_archive_bytes", type=click.IntRange(min=1),
                     default=None, metavar="BYTES",
                     help="Stop an input whose archive members expand past BYTES in all "
                          "(every depth), named and counted as failed. Default 64 GiB."),
        click.option("--max-archive-buffer", "max_archive_buffer",
                     type=click.IntRange(min=1), default=None, metavar="BYTES",
                     help="Largest zip read in memory (one inside another archive or a "
                          "stream: zip needs random access and nothing is extracted to "
                          "disk); a larger one is named and counted as failed. Default 256 "
                          "MiB."),
        click.option("--rules", "rules", multiple=True,
                     type=click.Path(exists=True, dir_okay=False),
                     help="Extra rule pack (TOML); repeatable."),
        click.option("--dest-field", "dest_fields", multiple=True, metavar="NAME",
                     help="Field name that holds the destination (replaces the defaults)."),
        click.option("--origin-field", "origin_fields", multiple=True, metavar="NAME",
                     help="Field name that holds the origin site code (replaces the "
                          "defaults)."),
        click.option("--min-confidence", "min_confidence",
                     type=click.Choice(list(_core.CONFIDENCES)), default=None,
                     help="Leave out findings less sure than this: `low` adds numbers that "
                          "only have the shape of an identifier (a phone number with no "
                          "phone word near). Default: medium."),
        click.option("--policy", "policy", type=click.Path(dir_okay=False),
                     help="Residency policy (TOML); see `borderscan policy check`."),
        click.option("--preset", metavar="NAME", shell_complete=_complete_preset,
                     help="A shipped policy: default, cn-industrial-export, eu-gdpr, "
                          "jp-appi, vn-pdp (`borderscan policy list`). Default: default."),
        click.option("--geoip", type=click.Path(dir_okay=False), metavar="FILE.mmdb",
                     help="MaxMind-format country database (GeoLite2, DB-IP) to place IP "
                          "destinations."),
        click.option("--destination", metavar="CC",
                     help="Treat every record as sent to this country (ISO code): the "
                          "audit-before-transfer case."),
        click.option("--origin", metavar="CC",
                     help="Origin country of records the policy maps no site or path for."),
        click.option("--endpoint-url", "endpoint_url", metavar="URL", default=None,
                     help="Endpoint of an S3-compatible store (MinIO, Ceph, OSS, COS) for "
                          "s3:// inputs, e.g. http://localhost:9000. Default: "
                          "AWS_ENDPOINT_URL, the AWS profile's, or AWS itself."),
        click.option("--today", metavar="YYYY-MM-DD", callback=_check_date,
                     help="Decide which policy exceptions have expired as of this date "
                          "(default: today, UTC)."),
    ]
    for o in reversed(opts):
        f = o(f)
    return f


def _complete_preset(_ctx: click.Context, _param: click.Parameter, incomplete: str
                     ) -> list[str]:
    """Shell completion of --preset (`borderscan policy list`)."""
    return [name for name in presets() if name.startswith(incomplete)]


def _check_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        try:
            date.fromisoformat(value)
        except ValueError:
            raise click.BadParameter(f"{value!r} is not a date such as 2027-03-31") from None
    return value


def _options(**given: Any) -> dict[str, Any]:
    """The scan options among a command's parameters (named as the engine
    names them), as `api.scan` takes them: repeatable options given no
    value are left to the engine's default."""
    names = {name for name, _ in _core.ScanConfig.OPTIONS}
    return {k: (v if v != () else None) for k, v in given.items() if k in names}


def _config_error(e: Exception | str) -> NoReturn:
    """One line, exit 2. The engine's `ConfigError` names scan options as the
    Python API does (`max_line: ...`, `` `baseline` `` in its message); the
    command line says their flags (`--max-line-bytes: ...`), those of the
    running command's options (else `ScanConfig.OPTIONS`)."""
    text = str(e)
    if isinstance(e, borderscan.ConfigError) and e.options:
        ctx = click.get_current_context(silent=True)
        params = {p.name: p for p in ctx.command.params} if ctx else {}
        flags = {name: flag for name, flag in _core.ScanConfig.OPTIONS if flag}

        def flag(name: str) -> str:
            p = params.get(name)
            longs = [o for o in p.opts if o.startswith("--")] if p else []
            return longs[0] if longs else flags.get(name, name)

        head = text.split(":", 1)[0].split(" ", 1)[0]
        parts = head.split("/")
        if e.option and parts[0] == e.option and set(parts) <= set(e.options):
            text = "/".join(flag(p) for p in parts) + text[len(head):]
        for name in e.options:
            text = text.replace(f"`{name}`", flag(name))
    # A policy or rule file's own text (a rule id, a key) may hold control
    # characters: shown escaped, one problem per line.
    _err_console().print(f"borderscan: configuration error: {output.safe(text, lines=True)}",
                         markup=False)
    sys.exit(EXIT_USAGE)


def _output_parent(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An output goes where it is asked to: missing parent directories are
    made, as `mkdir -p` would; when they cannot be, one line and exit 2."""
    if value and value != "-":
        try:
            _mkdirs(Path(value).parent)
            _writable(Path(value))
        except OSError as e:
            _err_console().print(f"borderscan: cannot write {param.opts[0]} {value}: "
                                 f"{e.strerror or e}", markup=False)
            sys.exit(EXIT_USAGE)
    return value


def _output_dir(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A directory an output is kept in (--store): made when missing; when it
    cannot be, one line and exit 2, before anything is scanned."""
    if value:
        try:
            _mkdirs(Path(value))
            if not os.access(value, os.W_OK):
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        except OSError as e:
            _err_console().print(f"borderscan: cannot write {param.opts[0]} {value}: "
                                 f"{e.strerror or e}", markup=False)
            sys.exit(EXIT_USAGE)
    return value


def _mkdirs(path: Path) -> None:
    """`mkdir -p`, saying which part is in the way when a file is."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocker = next((p for p in [path, *path.parents] if p.exists() and not p.is_dir()),
                       path)
        raise NotADirectoryError(errno.ENOTDIR, f"{blocker} is a file, not a directory"
                                 ) from None


def _writable(path: Path) -> None:
    """Raise the OSError that writing `path` would meet, without creating
    it: an output found unwritable only after the scan would come after its
    audit entry."""
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a directory")
    where = path if path.exists() else path.parent
    if not os.access(where, os.W_OK):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))


@main.command()
@_color_option
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(writers.FORMATS), default="table",
              show_default=True, help="Output format.")
@click.option("--out", "-o", type=click.Path(dir_okay=False, writable=True),
              callback=_output_parent,
              help="Write the output here instead of stdout (the summary is then "
                   "printed on stdout).")
@click.option("--findings", "findings", type=click.Choice(["all", "review", "violations"]),
              default=None,
              help="Which findings json, jsonl, parquet and sarif write: all, review "
                   "(violations, unknown destinations and exemptions) or violations. "
                   "Default: review for sarif, all for the others. Summaries, flows and the "
                   "audit entry always count every finding.")
@click.option("--records", "records", type=click.Path(dir_okay=False), metavar="FILE",
              callback=_output_parent,
              help="Also write one row per record scanned, found anything or not, to this "
                   "Parquet file: path, line, byte offset, findings, categories, detectors, "
                   "destination and origin, worst verdict and severity.")
@_scan_options
@click.option("--fail-on", type=click.Choice(_core.SEVERITIES), default=None,
              help="Exit 1 when violations of this severity or higher are found.")
@click.option("--baseline", "baseline", type=click.Path(dir_okay=False),
              help="Leave out findings accepted in this baseline (`borderscan baseline "
                   "create`); report only new ones and list entries no longer found.")
@click.option("--show-values", is_flag=True, help="Show raw values in evidence (unmasked).")
@click.option("--strict", is_flag=True,
              help="Exit 3 on any input problem: unparseable records, cut lines, skipped "
                   "binary files, failed files.")
@click.option("--keep-going", is_flag=True,
              help="Exit 0 even when some files could not be read (they are still "
                   "reported and counted).")
@click.option("--require-destination", is_flag=True,
              help="Exit 3 when a record names no destination that borderscan can find "
                   "(configured field, field vocabulary, sending phrase or endpoint "
                   "value), naming the files; for audits that must place every record. "
                   "Satisfied by --destination.")
@click.option("--quiet", "-q", is_flag=True, help="Print no summary and no progress bar.")
@click.option("--no-progress", is_flag=True,
              help="No progress bar (it is shown on stderr only when stderr is a terminal).")
@click.option("--locale", type=click.Choice(["en", "zh", "de", "ja", "vi"]), default="en",
              show_default=True, help="Language of the HTML report (--format html).")
@click.option("--max-results", type=click.IntRange(min=1), default=5000, show_default=True,
              metavar="N",
              help="--format sarif only: write at most N results (one per problem, not per "
                   "finding), the most severe first; the log counts what is left out. GitHub "
                   "code scanning shows at most 5,000 results per run and rejects more than "
                   "25,000.")
@click.option("--store", "store_dir", type=click.Path(file_okay=False), metavar="DIR",
              callback=_output_dir,
              help="Also keep this scan in DIR, one folder per scan (findings as Parquet, "
                   "summary, verdict), for `borderscan diff` (not with json/jsonl output).")
@click.option("--audit-log", "audit_log", type=click.Path(dir_okay=False), metavar="FILE",
              callback=_output_parent,
              help="Append this scan's manifest to this audit log (default: "
                   "$BORDERSCAN_AUDIT_LOG, else $XDG_STATE_HOME/borderscan/audit.jsonl, else "
                   "~/.local/state/borderscan/audit.jsonl).")
@click.option("--no-audit-log", is_flag=True, help="Do not append to any audit log.")
@click.option("--sign-key", type=click.Path(dir_okay=False, exists=True), metavar="PEM",
              help="Sign the audit entry with this Ed25519 private key "
                   "(`borderscan audit keygen`).")
@click.option("--max-expansion", "max_expansion", type=click.IntRange(min=0), default=None,
              metavar="RATIO",
              help="Stop a compressed input that expands to more than RATIO times its size "
                   "(past 64 MiB) as a decompression bomb (exit 3). Default 250; 0 = no "
                   "limit.")
@click.option("--journal", "journal", type=click.Path(file_okay=False), metavar="DIR",
              help="Record each finished file in DIR; the same scan run again with the same "
                   "DIR (after a crash, a kill or Ctrl-C) replays finished files instead of "
                   "reading them and ends with the results of an uninterrupted scan.")
@click.option("--split-size", "split_size", type=click.IntRange(min=0), default=None,
              metavar="BYTES",
              help="Cut plain files larger than this into newline-aligned ranges scanned in "
                   "parallel (at least 4096 bytes each). Default 2 MiB. Outputs do not "
                   "depend on it.")
@click.option("--scheduler", metavar="ADDRESS",
              help="Spread the scan over the workers of this Dask scheduler "
                   "(tcp://host:8786); outputs are those of a local scan. Workers need the "
                   "same borderscan installed and the inputs at the same paths "
                   "(docs/scale.md). Needs borderscan[dask].")
def scan(paths: tuple[str, ...], fmt: str, out: str | None, fail_on: str | None, strict: bool,
         keep_going: bool, require_destination: bool, quiet: bool, no_progress: bool,
         locale: str, max_results: int, store_dir: str | None,
         audit_log: str | None, no_audit_log: bool, sign_key: str | None,
         scheduler: str | None, **options: Any) -> None:
    """Scan files, directories (recursively) and - (stdin).

    Archives (tar, zip; also gzip/zstd/bzip2/xz/lz4-compressed) are read
    member by member, nested up to --max-archive-depth, never extracted to
    disk; a member is named ARCHIVE!MEMBER in findings and the accounting.

    Every finding gets a verdict under the policy (--policy FILE or --preset
    NAME; the built-in `default` otherwise): allowed, violation (with a
    severity), unknown (destination not placed) or exempted.

    \b
    Exit codes:
      0  nothing at or above --fail-on (and every input read)
      1  violations at or above --fail-on
      2  usage or configuration error
      3  unreadable or corrupt input, unless --keep-going (or, with
         --strict, any input problem; with --require-destination, a
         record that names no destination); takes precedence over 1
    130  interrupted (Ctrl-C): the scan is incomplete

    Every scan appends a hash-chained manifest (inputs with SHA-256, policy,
    rule packs, counts, verdict) to the audit log; see `borderscan audit`.
    """
    err = _err_console()
    run = _Run(paths=list(paths), out=out, fail_on=fail_on, strict=strict,
               keep_going=keep_going,
               require_destination=require_destination and not options["destination"],
               quiet=quiet, no_progress=no_progress, store_dir=store_dir,
               journal_dir=options["journal"],
               baseline_file=options["baseline"], audit_log=audit_log,
               no_audit_log=no_audit_log, sign_key=sign_key, policy_file=options["policy"],
               preset=options["preset"], today=options["today"], geoip=options["geoip"])
    writer = writers.WRITERS[fmt](Target(out, run.exit_code, locale=locale, quiet=quiet,
                                         max_results=max_results, gated=fail_on is not None))
    options["findings"] = options["findings"] or writer.findings
    key = _validate(run, writer, err)
    options = _configure(options)
    # --scheduler: the workers scan; this scan merges what they found.
    gathering = _distribute(run, scheduler, options, err) if scheduler else None
    # --store: the findings are also kept there, part by part, as they pass.
    keep = store.Writer(store_dir) if store_dir else None
    try:
        result = _scan(run, writer, Scan(run.paths, options, keep), err)
    except BaseException as e:
        if gathering is None:
            raise
        _distribution_failed(gathering, scheduler, e, err)
    result.baseline_file = run.baseline_file
    if gathering is not None:
        result.workers = _gathered(gathering, scheduler, run, err)
    code, reasons = run.exit_code(result)
    _note_journal(run, result, err)
    outcome = _audit(run, writer, result, key, code, reasons, described=keep is not None)
    try:
        _print(run, writer, result, outcome, keep, err)
    except OSError as e:
        if isinstance(e, BrokenPipeError) or e.errno == errno.EPIPE:
            broken_pipe()
        _output_failed(run, result, key, outcome, e, err)
    sys.exit(outcome.code)


@dataclass(frozen=True)
class _Run:
    """What `scan` was asked for besides the scan itself: where its output
    goes, how its exit code is decided, what is recorded of it."""

    paths: list[str]
    out: str | None
    fail_on: str | None
    strict: bool
    keep_going: bool
    require_destination: bool
    quiet: bool
    no_progress: bool
    store_dir: str | None
    journal_dir: str | None
    baseline_file: str | None
    audit_log: str | None
    no_audit_log: bool
    sign_key: str | None
    # Named by the audit entry, the HTML report and the stored scan.
    policy_file: str | None
    preset: str | None
    today: str | None
    geoip: str | None
    started: str = field(default_factory=audit.now)

    def exit_code(self, report: Report) -> tuple[int, list[str]]:
        """The exit code and, for every non-zero cause, a sentence naming it."""
        return _verdict.exit_code(report.accounting, report.residency, fail_on=self.fail_on,
                                  strict=self.strict, keep_going=self.keep_going,
                                  require_destination=self.require_destination)


def _usage_error(err: Console, message: str) -> NoReturn:
    err.print(f"borderscan: {message}")
    sys.exit(EXIT_USAGE)


def _validate(run: _Run, writer: Writer, err: Console) -> Any:
    """Refuse combinations that cannot work, before anything is read; the
    signing key (or None), loaded."""
    if run.no_audit_log and (run.audit_log or run.sign_key):
        _usage_error(err, "--no-audit-log cannot be combined with --audit-log or --sign-key")
    key = None
    if run.sign_key:
        try:
            key = audit.load_private_key(run.sign_key)
        except (ValueError, TypeError, OSError) as e:
            _config_error(f"--sign-key {run.sign_key}: {e}")
    if run.store_dir and not writer.stores:
        _usage_error(err, "--store works with --format table, html, sarif or parquet "
                          "(json and jsonl are written by the engine directly)")
    if writer.binary and run.out is None and sys.stdout.isatty():
        _usage_error(err, f"refusing to write {writer.name.title()} to a terminal; "
                          "use --out FILE")
    return key


def _configure(given: dict[str, Any]) -> dict[str, Any]:
    """The scan's options as `api.scan_iter` and `api.scan_write` take them,
    checked by the engine (conflicts and values: exit 2) before anything
    is read. A --baseline file is read by the engine as the scan starts
    (a problem in it is exit 2 before any input is read)."""
    options = _options(**given)
    try:
        api.scan_config(**options)
    except borderscan.ConfigError as e:
        _config_error(e)
    return options


def _scan(run: _Run, writer: Writer, scan: Scan, err: Console) -> Report:
    """Run the scan, the writer writing as findings arrive, under a
    progress bar (on a terminal) and a Ctrl-C handler."""
    show_progress = err.is_terminal and not (run.quiet or run.no_progress)
    # The bar is gone (and the terminal clean) before anything is printed.
    with progress.progress_bar(run.paths, show_progress, err) as bar_counter:
        # Counted even without a bar: an interrupted scan says how far it got.
        counter = bar_counter or _core.ProgressCounter()
        scan.options["progress"] = counter
        # A scan blocked on input (a pipe nobody writes to) cannot reach its
        # next cancellation check: Ctrl-C then ends the process after a grace period.
        with _on_ctrl_c(lambda: _report_interrupt(err, counter, run.journal_dir, run.out)):
            try:
                return writer.write(scan)
            except borderscan.ConfigError as e:
                _config_error(e)
            except OSError as e:
                # Inputs that cannot be read are counted, never raised: what
                # raises is an output (--out, --records) that cannot be written.
                if isinstance(e, BrokenPipeError) or e.errno == errno.EPIPE:
                    broken_pipe()
                said = f"{e.filename}: {e.strerror}" if e.filename else str(e)
                if run.out and run.out not in said and not os.path.isabs(said.split(":")[0]):
                    # Python's writers raise without the file name.
                    said = f"{run.out}: {e.strerror or e}"
                err.print(f"borderscan: cannot write the output: {said}", markup=False)
                sys.exit(EXIT_USAGE)
            except (borderscan.ScanCancelled, KeyboardInterrupt):
                _interrupted(err, counter, run.journal_dir, run.out)


def _distribute(run: _Run, scheduler: str, options: dict[str, Any], err: Console) -> Any:
    """--scheduler: the Dask cluster's workers scan the inputs' files while
    the scan given `options` merges their results as they come."""
    try:
        from borderscan import dask
    except ImportError as e:
        _usage_error(err, output.safe(str(e)))
    try:
        with _on_ctrl_c(lambda: None):
            g = dask.start(run.paths, scheduler=scheduler, **options)
    except ImportError as e:
        _usage_error(err, output.safe(str(e)))
    except borderscan.ConfigError as e:
        _config_error(e)
    except KeyboardInterrupt:
        err.print("borderscan: interrupted while planning the Dask scan: no verdict, no "
                  "audit entry", markup=False)
        sys.exit(EXIT_INTERRUPTED)
    except (borderscan.BorderscanError, dask.WorkerError, OSError, ValueError) as e:
        _usage_error(err, output.safe(f"--scheduler {scheduler}: {e}"))
    options["results"] = g.results
    return g


def _distribution_failed(g: Any, scheduler: str | None, e: BaseException, err: Console) -> NoReturn:
    """The merging scan stopped: a worker failed (its error, exit 2), or the
    scan itself did (raised again, after the workers are stopped)."""
    from borderscan import dask
    g.cancel()
    if g.error is None:
        raise e
    if isinstance(g.error, (borderscan.BorderscanError, dask.WorkerError, OSError,
                            ValueError)):
        _usage_error(err, output.safe(f"--scheduler {scheduler}: {g.error}"))
    raise g.error from None


def _gathered(g: Any, scheduler: str | None, run: _Run, err: Console) -> list[dict[str, Any]]:
    """Which worker scanned what (for the audit entry), said on stderr."""
    from borderscan import dask
    try:
        workers: list[dict[str, Any]] = g.finish()
    except (borderscan.BorderscanError, dask.WorkerError, OSError, ValueError) as e:
        _usage_error(err, output.safe(f"--scheduler {scheduler}: {e}"))
    if not run.quiet:
        err.print(f"borderscan: {output.safe(dask.describe(workers))}", markup=False)
    return workers


def _note_journal(run: _Run, result: Report, err: Console) -> None:
    if not run.journal_dir:
        return
    rejected = result.accounting.get("journal_rejected") or []
    if not run.quiet:
        resumed = result.accounting.get("resumed_files", 0)
        n = len(rejected)
        extra = (f" ({n} journal {'entry' if n == 1 else 'entries'} rejected and scanned again)"
                 if n else "")
        err.print(f"borderscan: journal {run.journal_dir}: {resumed} finished file(s) replayed, "
                  f"{result.accounting['files'] - resumed} scanned{extra}", markup=False)
    # A journal entry that does not check out (its findings file replaced,
    # missing or outside the journal) is said even with --quiet: its input
    # was scanned again, and someone may have tampered with the journal.
    for r in rejected:
        # The file names come from done.jsonl, which may be hostile: quoted
        # (repr escapes control characters).
        err.print(f"borderscan: journal {run.journal_dir}: entry for {r['path']!r} rejected "
                  f"(findings file {r['findings']!r}): {r['reason']}; scanned again",
                  markup=False)


def _audit(run: _Run, writer: Writer, result: Report, key: Any, code: int, reasons: list[str],
           *, described: bool) -> Outcome:
    """Append the scan's manifest to the audit log (unless --no-audit-log).
    Failing to is an error a pipeline must see: exit 2, unless already 3.
    `described`: something else (the stored scan) names the policy and inputs."""
    if run.no_audit_log:
        # Worked out only when an output names them (reading every input again).
        pol, inputs = (_describe(run, result) if writer.describes_inputs or described
                       else (None, None))
        return Outcome(code, reasons, None, pol, inputs)
    pol, inputs = _describe(run, result)
    log = run.audit_log or audit.default_path()
    if not run.quiet and not os.path.exists(log):
        # The first scan says where every scan leaves its record.
        _err_console().print(f"borderscan: starting the audit log {log}: every scan appends "
                             "its manifest there (--audit-log FILE elsewhere, --no-audit-log "
                             "for none; `borderscan audit verify` checks it)", markup=False)
    entry = None
    try:
        entry = _append_audit(log, key, result, started=run.started, code=code,
                              reasons=reasons, fail_on=run.fail_on, policy=pol,
                              inputs=inputs, geoip=run.geoip)
    except (OSError, audit.AuditError, borderscan.ConfigError) as e:
        code = EXIT_USAGE if code in (EXIT_OK, EXIT_FINDINGS) else code
        reasons.append(f"could not append to the audit log {log}: {e} (exit {code})")
    return Outcome(code, reasons, entry, pol, inputs)


def _output_failed(run: _Run, result: Report, key: Any, outcome: Outcome, e: OSError,
                   err: Console) -> NoReturn:
    """An output that failed after the audit entry was written (a full
    disk): one line, exit 2, and a second entry that records the failure,
    so the log does not end on a scan that seems to have passed."""
    what = f"cannot write the output {run.out or ''}: {e.strerror or e}".replace("  ", " ")
    err.print(f"borderscan: {what} (exit {EXIT_USAGE})", markup=False)
    entry = outcome.audit_entry
    if entry is not None and outcome.policy is not None and outcome.inputs is not None:
        reasons = [*outcome.reasons, f"{what}; this entry replaces entry {entry['seq']}, "
                                     "written before the output failed"]
        try:
            _append_audit(run.audit_log or audit.default_path(), key, result,
                          started=run.started, code=EXIT_USAGE, reasons=reasons,
                          fail_on=run.fail_on, policy=outcome.policy, inputs=outcome.inputs,
                          geoip=run.geoip)
        except (OSError, audit.AuditError, borderscan.ConfigError) as e2:
            err.print(f"borderscan: could not record the failure in the audit log: {e2}",
                      markup=False)
    sys.exit(EXIT_USAGE)


def _describe(run: _Run, result: Report) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The policy and every input with its SHA-256, which the audit entry,
    the HTML report and the stored scan all name: worked out once."""
    return (audit.describe_policy(run.policy_file, run.preset, run.today),
            audit.describe_inputs(result.accounting.get("per_file", [])))


def _print(run: _Run, writer: Writer, result: Report, outcome: Outcome,
           keep: store.Writer | None, err: Console) -> None:
    """Write what needed the outcome, keep the stored scan, and print the
    summary and the reasons of the exit code."""
    # The summary always says why the exit code is what it is.
    result.exit_reasons = _verdict.exit_summary(outcome.reasons, result.residency, run.fail_on)
    writer.finish(result, outcome)
    if keep:
        _keep(run, keep, result, outcome, err)
    writer.show(result, err)
    for r in outcome.reasons:
        err.print(f"borderscan: {r}", markup=False)


def _keep(run: _Run, keep: store.Writer, result: Report, outcome: Outcome,
          err: Console) -> None:
    """Finish the stored scan (--store): its findings are written already."""
    entry = outcome.audit_entry
    kept = keep.finish({
        "tool": output.tool_info(), "started": run.started, "ended": audit.now(),
        "accounting": result.accounting, "summary": result.summary.to_dicts(),
        "residency": result.residency, "profile": result.profile.to_dicts(),
        "policy": outcome.policy, "rule_packs": list(result.rule_packs),
        "exit_code": outcome.code, "reasons": outcome.reasons, "inputs": outcome.inputs,
        "audit": {"seq": entry["seq"], "hash": entry["hash"]} if entry else None})
    err.print(f"borderscan: scan stored in {kept}", markup=False)


@contextmanager
def _on_ctrl_c(report: Callable[[], None], grace: float = 3.0) -> Iterator[None]:
    """Ctrl-C raises KeyboardInterrupt as usual (the engine stops at its
    next check and `_interrupted` reports), and also arms a timer: a scan
    still running `grace` seconds later is blocked in a read that no flag can
    interrupt (a pipe or FIFO nobody writes to), so the timer reports and ends
    the process itself. Finished journal entries are already on disk."""

    def handler(signum: int, frame: FrameType | None) -> None:
        def force() -> None:
            report()
            os._exit(EXIT_INTERRUPTED)

        timer = threading.Timer(grace, force)
        timer.daemon = True
        timer.start()
        signal.signal(signal.SIGINT, signal.default_int_handler)
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


def _interrupted(err: Console, counter: _core.ProgressCounter, journal_dir: str | None,
                 out: str | None) -> NoReturn:
    """Ctrl-C: say how far the scan got, that its results are
    incomplete, and exit 130 so no pipeline mistakes it for a pass."""
    _report_interrupt(err, counter, journal_dir, out)
    sys.exit(EXIT_INTERRUPTED)


def _report_interrupt(err: Console, counter: _core.ProgressCounter, journal_dir: str | None,
                      out: str | None) -> None:
    err.print(f"borderscan: interrupted after {counter.records:,} records "
              f"({counter.bytes:,} bytes as stored); the scan is incomplete: no verdict, "
              "no audit entry" + (f", {out} is incomplete" if out and out != "-" else ""),
              markup=False)
    if journal_dir:
        err.print(f"borderscan: finished files are kept in the journal {journal_dir}; run the "
                  "same command again to resume", markup=False)
    err.file.flush()


def _append_audit(log: str | os.PathLike[str], key: Any, result: Report, *, started: str,
                  code: int, reasons: list[str], fail_on: str | None,
                  policy: dict[str, Any], inputs: list[dict[str, Any]],
                  geoip: str | None) -> dict[str, Any]:
    """Append this scan's manifest to the audit log."""
    manifest = audit.scan_manifest(result, started=started, ended=audit.now(),
                                   command=["borderscan", *sys.argv[1:]], code=code,
                                   reasons=reasons, fail_on=fail_on, policy=policy,
                                   inputs=inputs, geoip=geoip)
    return audit.append(log, manifest.entry(), key)


@main.group()
def rules() -> None:
    """List and check the detectors (rule packs)."""


@rules.command("list")
@_color_option
@click.option("--rules", "rule_files", multiple=True, type=click.Path(exists=True,
              dir_okay=False), help="Extra rule pack (TOML); repeatable.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
def rules_list(rule_files: tuple[str, ...], fmt: str) -> None:
    """Show every detector: id, category, kind and description."""
    try:
        specs = api.rules(rule_files)
    except borderscan.ConfigError as e:
        _err_console().print(f"borderscan: {output.safe(e)}", markup=False)
        sys.exit(EXIT_USAGE)
    if fmt == "json":
        sys.stdout.buffer.write(orjson.dumps(specs, option=orjson.OPT_INDENT_2) + b"\n")
        return
    t = Table(title=f"{len(specs)} detectors", title_justify="left")
    for col in ("id", "category", "kind", "description"):
        t.add_column(col, overflow="fold")
    for r in specs:
        t.add_row(*(escape(output.safe(r[k])) for k in ("id", "category", "kind",
                                                        "description")))
    output.console().print(t)


@rules.command("check")
@click.option("--rules", "rule_files", multiple=True, type=click.Path(exists=True,
              dir_okay=False), help="Extra rule pack (TOML); repeatable.")
def rules_check(rule_files: tuple[str, ...]) -> None:
    """Run every rule's positive and negative examples, and those of the
    placement vocabulary (where a record goes and comes from); exit 1 if one
    misbehaves."""
    try:
        specs = api.rules(rule_files)
        failures = api.check_rules(rule_files)
        placement = api.check_placement()
    except borderscan.ConfigError as e:
        _err_console().print(f"borderscan: {e}", markup=False)
        sys.exit(EXIT_USAGE)
    n_examples = sum(len(r["examples"]["positive"]) + len(r["examples"]["negative"])
                     for r in specs)
    n_place = placement["examples"]
    if not failures and not placement["failures"]:
        click.echo(f"ok: {len(specs)} rules, {n_examples} examples, all behave; "
                   f"placement vocabulary, {n_place} examples, all behave")
        return
    for f in failures:
        what = "did not fire on" if f["kind"] == "positive" else "fired on"
        fired = ", ".join(f["fired"]) or "nothing"
        click.echo(output.safe(f"FAIL {f['rule']}: {what} its {f['kind']} example "
                               f"{f['example']!r} (fired: {fired})"), err=True)
    for f in placement["failures"]:
        what = "does not match" if f["expected"] else "matches"
        click.echo(output.safe(f"FAIL placement.{f['section']}: {what} its "
                               f"{'example' if f['expected'] else 'counter-example'} "
                               f"{f['example']!r}"), err=True)
    bad = len(failures) + len(placement["failures"])
    click.echo(f"{bad} of {n_examples + n_place} examples misbehave", err=True)
    sys.exit(EXIT_FINDINGS)


@main.group()
def policy() -> None:
    """Check, list and show residency policies."""


@policy.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--rules", "rule_files", multiple=True, metavar="FILE",
              type=click.Path(exists=True, dir_okay=False),
              help="An extra rule pack the policy is used with (repeatable): its categories "
                   "and detectors may be named too, as in `scan --rules FILE`.")
@click.option("--today", metavar="YYYY-MM-DD",
              help="Decide exception expiry as of this date (default: today).")
@click.option("--quiet", "-q", is_flag=True, help="Only report errors.")
def policy_check(files: tuple[str, ...], rule_files: tuple[str, ...], today: str | None,
                 quiet: bool) -> None:
    """Validate policy files and print what each means in plain words.

    Exit 2 when one is invalid, naming every problem of the file at once,
    each with file, line and column; 0 otherwise. Every category and
    detector a rule or exception names must be one that the built-in rule
    pack or a pack given with --rules produces: a misspelt one would
    silently match nothing. Expired exceptions are named (they no longer
    apply).

    A minimal valid policy (`borderscan policy show default` shows a
    complete one):

    \b
    name = "my-plants"
    version = "1"
    description = "Personal data stays in the country it comes from"
    sources = ["GDPR Art. 44-49: https://eur-lex.europa.eu/eli/reg/2016/679/oj"]

    \b
    [[rule]]
    id = "personal-in-country"
    description = "Personal data stays in the country of its site"
    categories = ["personal"]
    allow = ["@origin"]
    severity = "high"
    """
    bad = 0
    for file in files:
        try:
            p = load_policy(file, today=today, rules=list(rule_files))
        except borderscan.ConfigError as e:
            problems = str(e).splitlines()
            for line in problems:
                _err_console().print(f"borderscan: invalid policy: {output.safe(line)}",
                                     markup=False)
            if len(problems) > 1:
                _err_console().print(f"borderscan: {output.safe(file)}: {len(problems)} "
                                     "problems", markup=False)
            bad += 1
            continue
        if not quiet:
            for line in describe(p):
                click.echo(output.safe(line))
        expired = [x for x in p["exceptions"] if x["expired"]]
        click.echo(f"{output.safe(file)}: ok, {len(p['rules'])} rule(s), {len(p['exceptions'])} "
                   f"exception(s)" + (f", {len(expired)} expired" if expired else ""))
    if bad:
        sys.exit(EXIT_USAGE)


@policy.command("list")
def policy_list() -> None:
    """List the shipped presets (use with --preset NAME)."""
    for name in presets():
        p = load_policy(preset=name)
        click.echo(output.safe(f"{name:22} {p['description']}"))


@policy.command("show")
@click.argument("name")
def policy_show(name: str) -> None:
    """Print a shipped preset's TOML (a starting point for your own policy)."""
    text = presets().get(name)
    if text is None:
        _config_error(f"unknown preset '{name}' (presets: {', '.join(presets())})")
    click.echo(output.safe(text, lines=True), nl=False)


@policy.command("groups")
def policy_groups() -> None:
    """List the built-in jurisdiction groups (@EU, @EEA, ...) and their members."""
    for name, g in groups().items():
        click.echo(output.safe(f"@{name}: {g['description']}"))
        click.echo(output.safe(f"    {', '.join(g['members'])}"))
        click.echo(output.safe(f"    source: {g['source']}"))


@policy.command("schema")
def policy_schema() -> None:
    """Print the policy file's JSON Schema (for editors and CI checks)."""
    from importlib.resources import files

    click.echo(files("borderscan").joinpath("schemas/policy.schema.json").read_text("utf-8"),
               nl=False)


@main.group()
def baseline() -> None:
    """Record accepted findings so that later scans report only new ones."""


@baseline.command("create")
@_color_option
@click.argument("paths", nargs=-1, required=True)
@click.option("--out", "-o", required=True, type=click.Path(dir_okay=False, writable=True),
              callback=_output_parent, help="The baseline file to write (JSON).")
@_scan_options
def baseline_create(paths: tuple[str, ...], out: str, **kw: Any) -> None:
    """Scan PATHS and write every finding as accepted.

    Entries hold the fingerprint (which ignores line numbers, so inserted
    lines do not invalidate it) and, for reviewers, where it was and its
    masked evidence. Use with `borderscan scan --baseline FILE`.
    """
    options = _options(**kw)
    try:
        p = load_policy(options["policy"], options["preset"], options["today"])
        stream = api.scan_iter(list(paths), **options)
        with atomic_output(out) as fh:
            n = write_baseline(stream, fh, tool=output.tool_info(),
                               policy={"name": p["name"], "version": p["version"]},
                               inputs=list(paths))
    except borderscan.ConfigError as e:
        _config_error(e)
    except OSError as e:
        _err_console().print(f"borderscan: cannot write the baseline {out}: "
                             f"{e.strerror or e}", markup=False)
        sys.exit(EXIT_USAGE)
    a = stream.accounting or {}
    click.echo(output.safe(f"baseline written to {out}: {n:,} accepted finding(s) from "
                           f"{a.get('records', 0):,} records in {a.get('files', 0):,} file(s)"))
    if a.get("failed_files"):
        _err_console().print(f"borderscan: {a['failed_files']} input(s) could not be read; "
                             "the baseline does not cover them (exit 3)")
        sys.exit(EXIT_INPUT)


@main.command()
@click.argument("target")
@click.argument("paths", nargs=-1)
@_scan_options
@click.option("--show-values", is_flag=True, help="Show raw values in evidence (unmasked).")
def explain(target: str, paths: tuple[str, ...], show_values: bool, **kw: Any) -> None:
    """Explain a record or a finding: which detector fired on which field,
    how the origin and destination were resolved (step by step), and which
    policy rule decided the verdict.

    \b
    TARGET is FILE:LINE (a record), a 16-digit fingerprint followed by the
    PATHS to look in, or a destination (url, host or IP) to resolve:
      borderscan explain sample_data/telemetry.jsonl:12
      borderscan explain 3f2a9c0d11e4b7a8 sample_data/
      borderscan explain https://oss-cn-hangzhou.aliyuncs.com/x --geoip db.mmdb
    """
    from borderscan.explain import NotFound, explain_destination, explain_findings, parse_target

    options = _options(show_values=show_values, **kw)
    try:
        kind, value, where = parse_target(target, list(paths))
        if kind == "destination":
            lines = explain_destination(value, options)
        else:
            lines = explain_findings(kind, value, where, options)
    except borderscan.ConfigError as e:
        _config_error(e)
    except NotFound as e:
        for line in e.lines:
            click.echo(output.safe(line))
        sys.exit(EXIT_NOT_FOUND)
    except ValueError as e:
        _err_console().print(f"borderscan: {output.safe(e)}", markup=False)
        sys.exit(EXIT_USAGE)
    # Paths, fields, site codes and destinations come from the input: their
    # control characters are escaped (explain's lines already are; again
    # here, where they are printed).
    for line in lines:
        click.echo(output.safe(line))


@main.command("redact")
@_color_option
@click.argument("paths", nargs=-1, required=True)
@click.option("--out", "-o", "out_dir", required=True, type=click.Path(file_okay=False),
              metavar="DIR",
              help="Write the copies here: a file's as DIR/NAME, a directory's files below "
                   "DIR as they are below it. Inputs are never overwritten.")
@click.option("--action", "actions", multiple=True, metavar="TARGET=ACTION",
              help="What to do to a value of TARGET (a category, a detector id, or "
                   "`default`) that may not go where its record goes: mask, pseudonymize, "
                   "remove or drop-record (repeatable; over the policy's [redact] table; "
                   "default: mask).")
@click.option("--key-file", type=click.Path(dir_okay=False, exists=True), metavar="FILE",
              help="The pseudonymization key (default: $BORDERSCAN_REDACT_KEY). Only its "
                   "id (the first 16 hex digits of its SHA-256) is ever written.")
@click.option("--severity", type=click.Choice(_core.SEVERITIES), default="high",
              show_default=True,
              help="The proof: exit 1 when a scan of the copies still finds violations of "
                   "this severity or higher.")
@click.option("--no-verify", is_flag=True, help="Do not scan the copies afterwards.")
@click.option("--audit-log", "audit_log", type=click.Path(dir_okay=False), metavar="FILE",
              callback=_output_parent,
              help="Append the redaction's manifest here (default: the scan's audit log).")
@click.option("--no-audit-log", is_flag=True, help="Do not append to any audit log.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@_scan_options
def redact_cmd(paths: tuple[str, ...], out_dir: str, actions: tuple[str, ...],
               key_file: str | None, severity: str, no_verify: bool, audit_log: str | None,
               no_audit_log: bool, quiet: bool, **kw: Any) -> None:
    """Write a copy of PATHS that may go where it is sent.

    Every value the policy does not allow to go where its record goes
    (--destination CC for all records) is masked, pseudonymized, removed,
    or its record dropped; every other byte is copied as it is. JSON stays
    valid JSON, CSV keeps its columns, lines keep their order; compressed
    inputs (gzip, zstd, bzip2) are written compressed alike; OpenTelemetry
    exports are rewritten record by record. Archives and stdin are refused
    for now (`borderscan filter` reads a stream).

    \b
    Exit codes:
      0  every copy written, and a scan of the copies finds no violation
         at or above --severity (or --no-verify)
      1  the scan of the copies still finds such violations
      2  usage or configuration error
      3  an input could not be redacted (no copy of it); takes precedence

    The manifest (inputs and copies with SHA-256, policy, key id, counts per
    action, the proof) is appended to the audit log as an entry of its own.
    """
    from borderscan import redaction as redact_mod

    err = _err_console()
    if no_audit_log and audit_log:
        _usage_error(err, "--no-audit-log cannot be combined with --audit-log")
    options = _options(**kw)
    if options.get("include") or options.get("exclude"):
        _usage_error(err, "redact does not take --include/--exclude yet: name the files")
    options = _configure(options)
    log = None if no_audit_log else (audit_log or str(audit.default_path()))
    try:
        key = redact_mod.load_key(key_file)
        with _on_ctrl_c(lambda: None):
            r = redact_mod.redact(list(paths), out_dir, actions=actions, key=key,
                                  verify=not no_verify, severity=severity, audit_log=log,
                                  command=["borderscan", *sys.argv[1:]], **options)
    except borderscan.ConfigError as e:
        _config_error(e)
    except (redact_mod.RedactError, FileNotFoundError) as e:
        _usage_error(err, output.safe(str(e)))
    except (OSError, audit.AuditError) as e:
        _usage_error(err, output.safe(f"cannot redact: {e}"))
    except (borderscan.ScanCancelled, KeyboardInterrupt):
        err.print("borderscan: interrupted: the copies are incomplete")
        sys.exit(EXIT_INTERRUPTED)
    for f in r.failed:
        err.print(output.safe(f"borderscan: {f.input}: not redacted: {f.error}"), markup=False)
    if not quiet:
        records = sum(f.records for f in r.files)
        changed = sum(f.records_changed for f in r.files)
        dropped = sum(f.records_dropped for f in r.files)
        done = len(r.files) - len(r.failed)
        counts = ", ".join(f"{k} {v:,}" for k, v in sorted(r.counts.items())) or "none"
        click.echo(output.safe(f"redacted {done} file(s) into {out_dir}: {records:,} records, "
                               f"{changed:,} changed, {dropped:,} dropped; replaced: "
                               f"{counts}"))
        if r.key_id:
            click.echo(f"pseudonym key id {r.key_id}")
        if r.verified and not r.remaining:
            click.echo(f"verified: a scan of the copies under the same options finds no "
                       f"violation at or above {severity}")
        elif r.remaining:
            left = ", ".join(f"{k} {v:,}" for k, v in r.remaining.items())
            click.echo(f"NOT verified: a scan of the copies still finds violations: {left}")
        if r.manifest is not None:
            click.echo(output.safe(f"manifest: entry {r.manifest['seq']} of {log}"))
    if r.failed:
        sys.exit(EXIT_INPUT)
    sys.exit(EXIT_FINDINGS if r.remaining else EXIT_OK)


@main.command("filter")
@_color_option
@click.option("--on-violation", type=click.Choice(["pass", "redact", "drop"]),
              default="redact", show_default=True,
              help="A record in which something may not go where it goes: written as it "
                   "came (report only), redacted as `borderscan redact` would, or not "
                   "written.")
@click.option("--findings", "findings", type=click.Path(dir_okay=False), metavar="FILE",
              callback=_output_parent,
              help="Write each violation as a JSON line here (default: standard error).")
@click.option("--action", "actions", multiple=True, metavar="TARGET=ACTION",
              help="As for `redact`: mask, pseudonymize, remove or drop-record per "
                   "category or detector (repeatable; default: mask).")
@click.option("--key-file", type=click.Path(dir_okay=False, exists=True), metavar="FILE",
              help="The pseudonymization key (default: $BORDERSCAN_REDACT_KEY).")
@click.option("--fail-on", type=click.Choice(_core.SEVERITIES), default=None,
              help="Exit 1 at the end when the input held violations of this severity or "
                   "higher.")
@click.option("--quiet", "-q", is_flag=True,
              help="No summary at the end, and no findings on standard error.")
@_scan_options
def filter_cmd(on_violation: str, findings: str | None, actions: tuple[str, ...],
               key_file: str | None, fail_on: str | None, quiet: bool, **kw: Any) -> None:
    """Gate a stream of records: standard input to standard output.

    JSON Lines, OpenTelemetry (OTLP/JSON) exports and the other line formats
    a scan reads, one record in and that record (rewritten, or none) out, in
    order; each is written as soon as it is decided. Memory is bounded by
    the line limit (--max-line-bytes, --max-otlp-line-bytes): a longer line
    is dropped (passed, with --on-violation pass) and counted.

    \b
      tail -F app.jsonl | borderscan filter --preset cn-industrial-export \\
          --destination DE --findings violations.jsonl | shipper

    \b
    Exit codes:
      0  the input ended, and held no violation at or above --fail-on
      1  it held violations at or above --fail-on
      2  usage or configuration error
      3  the input could not be read or the output not written
    130  interrupted (Ctrl-C)
    141  the reader of the output went away (SIGPIPE), as for any command
    """
    from borderscan import filtering, redaction

    err = _err_console()
    options = _options(**kw)
    if options.get("include") or options.get("exclude"):
        _usage_error(err, "filter reads standard input: --include/--exclude do not apply")
    options = _configure(options)
    try:
        key = redaction.load_key(key_file)
        f = filtering.Filter(on_violation=on_violation, actions=actions, key=key, **options)
    except borderscan.ConfigError as e:
        _config_error(e)
    except (ValueError, OSError) as e:
        _usage_error(err, output.safe(str(e)))
    sys.stdout.flush()
    # Ctrl-C ends a filter at once, as it ends `grep`: what was decided has
    # been written (output is flushed whenever input is awaited).
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    code = EXIT_OK
    try:
        f.run_stdio(findings, findings_to_stderr=findings is None and not quiet)
    except BrokenPipeError:
        # The reader went away (`| head`): quietly, as every command does.
        output.broken_pipe()
    except OSError as e:
        err.print(output.safe(f"borderscan: filter: {e} (exit 3)"), markup=False)
        code = EXIT_INPUT
    r = f.report
    above = _verdict.at_or_above(fail_on) if fail_on else ()
    failing = sum(n for s, n in r["violations"].items() if s in above)
    if not quiet:
        counts = ", ".join(f"{k} {v:,}" for k, v in sorted(r["actions"].items())) or "none"
        found = ", ".join(f"{k} {v:,}" for k, v in sorted(r["violations"].items())) or "none"
        err.print(output.safe(
            f"borderscan: filtered {r['lines_in']:,} line(s) ({r['format'] or 'no records'}): "
            f"{r['records']:,} record(s), {r['records_changed']:,} changed, "
            f"{r['records_dropped']:,} dropped ({r['dropped_unrewritable']:,} not rewritable, "
            f"{r['overlong_lines']:,} overlong line(s)); violations: {found}; "
            f"replaced: {counts}"), markup=False)
    if code == EXIT_OK and failing:
        err.print(f"borderscan: {failing:,} violation(s) at or above {fail_on} (exit 1)")
        code = EXIT_FINDINGS
    sys.exit(code)


@main.group("audit")
def audit_group() -> None:
    """Check and manage the audit log every scan appends to."""


@audit_group.command("verify")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.option("--public-key", type=click.Path(dir_okay=False, exists=True), metavar="PEM",
              help="Also check every entry's Ed25519 signature with this public key.")
@click.option("--expect-head", metavar="HASH",
              help="Also check that the entry with this hash (`borderscan audit head`, kept "
                   "apart from the log) is still in it: entries cut from the end of a log "
                   "leave its chain intact, this finds them.")
@click.option("--repair-tail", is_flag=True,
              help="First remove a torn last line (an append cut short by a full disk or a "
                   "crash) and append an entry recording the repair (`event: repair-tail`, "
                   "the removed bytes' length and SHA-256). Only the last line, and only "
                   "when every entry before it verifies.")
@click.option("--sign-key", type=click.Path(dir_okay=False, exists=True), metavar="PEM",
              help="With --repair-tail: sign the repair entry with this private key "
                   "(required when the log's entries are signed).")
def audit_verify(file: str | None, public_key: str | None, expect_head: str | None,
                 repair_tail: bool, sign_key: str | None) -> None:
    """Verify the hash chain (and signatures) of an audit log (default: the
    default log). Exit 0 when intact, 1 when any entry was edited, removed,
    reordered or inserted (each is named) or the expected head is gone, 2
    when the log cannot be read (or, with --repair-tail, written).

    A chain alone cannot show that entries were cut from the end of the log
    or that the whole log was rebuilt: keep the head apart and give it with
    --expect-head.

    A scan that finds the log's last line torn (an append cut short: a full
    disk) exits 2 until it is repaired with --repair-tail; the repair is
    itself an entry of the log."""
    path = file or str(audit.default_path())
    if sign_key and not repair_tail:
        _err_console().print("borderscan: --sign-key signs the entry of --repair-tail; "
                             "give both (scans are signed by `scan --sign-key`)", markup=False)
        sys.exit(EXIT_USAGE)
    if repair_tail:
        # Only a torn last line is removed; a log with other problems is
        # left as it is, and the verification below names them.
        try:
            repair = audit.repair_tail(path, audit.load_private_key(sign_key)
                                       if sign_key else None)
            if repair is None:
                click.echo(output.safe(f"{path}: nothing to repair: the last line is a whole "
                                       "entry"))
            else:
                removed = repair.entry["removed"]
                click.echo(output.safe(f"{path}: repaired: removed the torn last line "
                                       f"{repair.line} ({removed['bytes']} bytes, sha256 "
                                       f"{removed['sha256']}); recorded as entry "
                                       f"{repair.entry['seq']}"))
        except audit.AuditError as e:
            click.echo(output.safe(f"{path}: {e}"))
        except (OSError, ValueError, TypeError) as e:
            _config_error(output.safe(f"{path}: not repaired: "
                                      f"{getattr(e, 'strerror', None) or e}"))
    note = ""
    try:
        key = audit.load_public_key(public_key) if public_key else None
        v = audit.verify(path, key)
        if expect_head:
            problem, note = audit.check_head(path, expect_head)
            if problem:
                v.problems.append(problem)
    except (OSError, ValueError, TypeError) as e:
        _config_error(output.safe(f"{path}: {e}"))
    # The log's name and entries (a sequence number) may hold control
    # characters: printed escaped.
    for event in v.events:
        click.echo(output.safe(f"{path}: {event}"))
    for p in v.problems:
        click.echo(output.safe(f"{path}: {p.message}"))
    signed = f", {v.signed} signature(s) verified" if public_key else ""
    if v.ok:
        click.echo(output.safe(f"{path}: {v.entries} entries, chain intact{signed}"
                               + (f"; {note}" if note else "")))
        if not expect_head:
            click.echo(f"note: {audit.HEAD_NOTE}")
        sys.exit(EXIT_OK)
    click.echo(output.safe(f"{path}: {len(v.problems)} problem(s) in {v.entries} entries"))
    sys.exit(EXIT_FINDINGS)


@audit_group.command("head")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def audit_head(file: str | None, fmt: str) -> None:
    """Print the last entry's sequence number and hash: keep it apart from
    the log (a CI artifact, a ticket, a signed mail) and check the log later
    with `borderscan audit verify --expect-head HASH`."""
    path = file or str(audit.default_path())
    try:
        last = audit.head(path)
    except (OSError, audit.AuditError) as e:
        _config_error(f"{path}: {e}")
    if last is None:
        _config_error(f"{path}: the audit log is empty")
    if fmt == "json":
        click.echo(orjson.dumps({"log": os.path.abspath(path), "seq": last.get("seq"),
                                 "hash": last.get("hash"),
                                 # An event entry (a repair) has a time, not an end.
                                 "ended": last.get("ended") or last.get("time")}).decode())
    else:
        click.echo(f"{last.get('seq')} {last.get('hash')}")


@audit_group.command("export")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.option("--from", "start", metavar="YYYY-MM-DD", callback=_check_date,
              help="First day of the period (in --tz), inclusive.")
@click.option("--to", "end", metavar="YYYY-MM-DD", callback=_check_date,
              help="Last day of the period (in --tz), inclusive.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "report"]), default="report",
              show_default=True,
              help="jsonl: the entries as logged (each still verifies); csv: one localized "
                   "row per scan; report: a localized plain-text report.")
@click.option("--locale", type=click.Choice(["en", "zh", "de", "ja", "vi"]), default="en",
              show_default=True, help="Language of labels, verdicts and categories, and the "
                                      "conventions for dates and numbers.")
@click.option("--tz", default="UTC", show_default=True, metavar="ZONE",
              help="IANA time zone of the site (e.g. Asia/Shanghai, Europe/Berlin).")
@click.option("--public-key", type=click.Path(dir_okay=False, exists=True), metavar="PEM",
              help="Also verify every entry's signature before exporting.")
@click.option("--out", "-o", type=click.Path(dir_okay=False, writable=True),
              callback=_output_parent, help="Write here instead of stdout.")
def audit_export(file: str | None, start: str | None, end: str | None, fmt: str, locale: str,
                 tz: str, public_key: str | None, out: str | None) -> None:
    """Export the scans of a period from an audit log, localized. The log is
    verified first: a log with any problem is not exported (exit 1)."""
    from zoneinfo import ZoneInfoNotFoundError

    from borderscan import export as ex

    path = file or str(audit.default_path())
    try:
        exporter = ex.Exporter(locale, tz)
    except (ZoneInfoNotFoundError, ValueError) as e:
        _config_error(output.safe(f"--tz {tz}: unknown time zone ({e})"))
    try:
        key = audit.load_public_key(public_key) if public_key else None
        v = audit.verify(path, key)
        entries = [e for _, e, _ in audit.read_entries(path) if e is not None]
    except (OSError, ValueError, TypeError) as e:
        _config_error(output.safe(f"{path}: {e}"))
    if not v.ok:
        for p in v.problems:
            click.echo(output.safe(f"{path}: {p.message}"), err=True)
        click.echo(output.safe(f"{path}: not exported: the log does not verify"), err=True)
        sys.exit(EXIT_FINDINGS)
    period = (date.fromisoformat(start) if start else None,
              date.fromisoformat(end) if end else None)
    chosen = [e for e in entries if ex.in_period(e, *period, exporter.zone)]
    status = exporter._("intact") + (f", {v.signed} signed" if public_key else "")
    text = ex.export(chosen, fmt, exporter, period=period, verified=status, source=path)
    if out:
        try:
            with atomic_output(out, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
        except OSError as e:
            _err_console().print(output.safe(f"borderscan: cannot write --out {out}: "
                                             f"{e.strerror or e}"), markup=False)
            sys.exit(EXIT_USAGE)
    else:
        # The report and the CSV escape control characters (export.py);
        # JSON Lines are the entries as logged.
        click.echo(text, nl=False)


@audit_group.command("keygen")
@click.option("--out", "-o", required=True, metavar="PREFIX",
              help="Write PREFIX.key (private, mode 600) and PREFIX.pub (public).")
def audit_keygen(out: str) -> None:
    """Make an Ed25519 key pair for `scan --sign-key` and `audit verify --public-key`."""
    try:
        kid = audit.keygen(f"{out}.key", f"{out}.pub")
    except FileExistsError:
        _config_error(f"{out}.key exists; not overwriting a key")
    except OSError as e:
        _config_error(f"{out}: {e}")
    click.echo(output.safe(f"wrote {out}.key and {out}.pub (key id {kid})"))


@audit_group.command("path")
def audit_path() -> None:
    """Print where scans append when --audit-log is not given."""
    click.echo(output.safe(str(audit.default_path())))


@main.command("report")
@_color_option
@click.argument("findings", required=False, type=click.Path(dir_okay=False, exists=True))
@click.option("--history", "history_dir", type=click.Path(file_okay=False, exists=True),
              metavar="DIR", help="Stored scans (`scan --store DIR`): add their trends, and "
                                  "report the latest one when no FINDINGS file is given.")
@click.option("--out", "-o", default="report.html", show_default=True,
              type=click.Path(dir_okay=False, writable=True), callback=_output_parent,
              help="Where to write the HTML (- for stdout).")
@click.option("--fail-on", type=click.Choice(_core.SEVERITIES), default=None,
              help="State PASS or FAIL against this severity threshold.")
@click.option("--locale", type=click.Choice(["en", "zh", "de", "ja", "vi"]), default="en",
              show_default=True, help="Language of the report's labels and numbers.")
def report_cmd(findings: str | None, history_dir: str | None, out: str, fail_on: str | None,
               locale: str) -> None:
    """Write the self-contained HTML report (one file, opens offline) of a
    scan saved with `scan --format json`, or of the latest stored scan in
    --history DIR, with the trends of all stored scans."""
    from borderscan import report

    if not findings and not history_dir:
        _config_error("give a FINDINGS file from `scan --format json`, or --history DIR")
    trends, entry = None, None
    inputs: list[dict[str, Any]] | None
    try:
        if history_dir:
            scans = store.history(history_dir)
            if not scans:
                raise store.StoreError(f"{history_dir}: no stored scans")
            docs = [store.load(d)[0] for d in scans]
            trends = [report.trend_point(d) for d in docs]
        if findings:
            with open(findings, "rb") as fh:
                doc = orjson.loads(fh.read())
            rows = doc["findings"]
            inputs = audit.describe_inputs(doc["accounting"].get("per_file", []))
            schema = pl.DataFrame(_core.empty_findings()).schema
            table = pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)
            sites = report.site_flows(table).to_dicts()
            profile = profile_frame(doc).to_dicts()
        else:
            doc, lf = store.load(scans[-1])
            # Streamed: a store may hold millions of findings (issue 17:
            # 2.8 million took 3.9 GB as rows); the page shows the top 50.
            rows = report.top_stored_findings(lf)
            sites = report.site_flows(lf).collect(engine="streaming").to_dicts()
            inputs, entry = doc.get("inputs"), doc.get("audit")
            # Stored scans keep the profile as its frame's rows.
            profile = doc.get("profile") or []
        acc, res = doc["accounting"], doc.get("residency", {})
    except store.StoreError as e:
        _config_error(e)
    except (OSError, ValueError, KeyError, TypeError) as e:
        _config_error(f"{findings}: not a `scan --format json` document ({e})")
    code, reasons = None, [_verdict.ungated(res)]
    if fail_on:
        n = _verdict.failing(res, fail_on)
        code = EXIT_FINDINGS if n else EXIT_OK
        reasons = [f"{n:,} violation(s) at or above {fail_on}" if n
                   else f"nothing at or above {fail_on}"]
    page = report.build_html(
        accounting=acc, summary=doc.get("summary", []), residency=res,
        findings=report.top_findings(rows), exit_code=code, reasons=reasons,
        gated=fail_on is not None,
        tool=doc.get("tool", {}), policy=doc.get("policy"), inputs=inputs,
        audit_entry=entry, trends=trends, locale=locale, sites=sites, profile=profile)
    if out == "-":
        sys.stdout.write(page)
        sys.stdout.flush()
        sys.exit(code or EXIT_OK)
    try:
        with atomic_output(out, "w", encoding="utf-8") as fh:
            fh.write(page)
    except OSError as e:
        _err_console().print(f"borderscan: cannot write {out}: {e.strerror or e}", markup=False)
        sys.exit(EXIT_USAGE)
    click.echo(output.safe(f"wrote {out} ({len(page.encode()):,} bytes)"))
    # The exit code says what the page says (FAIL: 1); no --fail-on, no gate: 0.
    sys.exit(code or EXIT_OK)


@main.command("diff")
@_color_option
@click.argument("old", type=click.Path(file_okay=False, exists=True))
@click.argument("new", type=click.Path(file_okay=False, exists=True))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True,
              help="Rows shown per section in the table.")
def diff_cmd(old: str, new: str, fmt: str, limit: int) -> None:
    """What changed between two stored scans (`scan --store DIR`): new and
    gone flows, new and resolved violations (by fingerprint), and
    destinations never seen before."""
    try:
        d = store.diff(old, new)
    except store.StoreError as e:
        _config_error(output.safe(e))
    if fmt == "json":
        click.echo(orjson.dumps(d, option=orjson.OPT_INDENT_2).decode())
        return
    c = output.console()
    # Paths and values from the scanned input may hold rich markup
    # (`[bold]`, `[/x]`, which also made rich raise) and control characters:
    # print them literally, the controls escaped (`output.safe`).
    c.print(output.safe(f"{old} -> {new}"), markup=False)
    sections = [
        ("new flows", d["new_flows"], ["category", "origin_country", "dest_country", "verdict",
                                       "hits"]),
        ("flows gone", d["gone_flows"], ["category", "origin_country", "dest_country",
                                         "verdict", "hits"]),
        ("new violations", d["new_violations"], ["path", "line", "detector", "rule",
                                                 "severity", "dest_country"]),
        ("resolved violations", d["resolved_violations"], ["path", "line", "detector", "rule",
                                                           "severity", "dest_country"]),
        ("new destinations", d["new_destinations"], ["dest_host", "dest_country", "findings"]),
    ]
    for title, rows, cols in sections:
        t = Table(title=f"{title}: {len(rows):,}", title_justify="left")
        for col in cols:
            t.add_column(col)
        for r in rows[:limit]:
            t.add_row(*("" if r.get(col) is None else escape(output.safe(r.get(col)))
                        for col in cols))
        c.print(t)


@main.group("config")
def config_group() -> None:
    """The configuration file in effect ([tool.borderscan] in pyproject.toml,
    or .borderscan.toml)."""


@config_group.command("show")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.pass_obj
def config_show(cfg: Any, fmt: str) -> None:
    """Print the configuration in effect: which file was read (or where
    none was found), and every key it may set with its value and where
    the value comes from (the file, or `default`). Flags given to a
    command win over all of these.

    \b
    The file, one at most (files are never merged):
      --no-config      none
      --config FILE    FILE (else $BORDERSCAN_CONFIG)
      otherwise        the first found from the current directory up to the
                       repository root (a directory holding .git): a
                       .borderscan.toml, or a pyproject.toml with a
                       [tool.borderscan] table; .borderscan.toml wins when a
                       directory has both.
    """
    from borderscan import config as configuration

    if fmt == "json":
        click.echo(orjson.dumps(configuration.describe(cfg), option=orjson.OPT_INDENT_2).decode())
        return
    click.echo(output.safe(configuration.headline(cfg)))
    for note in cfg.notes:
        click.echo(output.safe(f"note: {note}"))
    rows = [("key", "value", "source")]
    rows += [(name, "(not set)" if value is None else orjson.dumps(value).decode(), source)
             for name, (value, source) in cfg.values.items()]
    widths = [max(len(r[i]) for r in rows) for i in range(2)]
    click.echo("")
    for name, value, source in rows:
        click.echo(output.safe(f"{name.ljust(widths[0])}  {value.ljust(widths[1])}  {source}"))
    click.echo("\nflags given to a command win over these values.")


if __name__ == "__main__":  # pragma: no cover
    main()
