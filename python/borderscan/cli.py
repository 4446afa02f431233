"""The `borderscan` command line."""

from __future__ import annotations

import sys
from contextlib import contextmanager

import click
import orjson
from rich.console import Console
from rich.table import Table

import borderscan
from borderscan import api, output

# Exit codes (PRODUCT.md): 0 fine, 1 findings at or above --fail-on,
# 2 usage or configuration error, 3 unreadable or corrupt input.
EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INPUT = 0, 1, 2, 3


@contextmanager
def _open_out(out: str | None):
    if out is None or out == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
    else:
        with open(out, "wb") as fh:
            yield fh


def _err_console() -> Console:
    return Console(stderr=True, highlight=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(borderscan.__version__, prog_name="borderscan")
def main() -> None:
    """Data-residency scanner for industrial logs and telemetry.

    Finds personal data, secrets, device and network identifiers and
    industrial data (calibration, sensor, diagnostic, operational, quality,
    model) in JSON Lines, CSV/TSV, logfmt, syslog and plain-text logs, plain
    or compressed (gzip, zstd, bzip2). Evidence is masked unless
    --show-values is given.
    """


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(output.FORMATS), default="table",
              show_default=True, help="Output format.")
@click.option("--out", "-o", type=click.Path(dir_okay=False, writable=True),
              help="Write the output here instead of stdout (the summary is then "
                   "printed on stdout).")
@click.option("--threads", "-j", type=click.IntRange(min=0), default=0, show_default=True,
              help="Worker threads; 0 = one per core.")
@click.option("--include", multiple=True, metavar="GLOB",
              help="Only scan files under directories that match (repeatable).")
@click.option("--exclude", multiple=True, metavar="GLOB",
              help="Skip files under directories that match (repeatable).")
@click.option("--input-format", type=click.Choice(
    ["jsonl", "csv", "tsv", "logfmt", "syslog", "text"]),
              help="Parse every input as this format instead of detecting it per file.")
@click.option("--max-line-bytes", type=click.IntRange(min=1), default=None,
              help="Cut longer lines (their start is scanned, the cut is counted). "
                   "Default 1 MiB.")
@click.option("--rules", "rule_files", multiple=True, type=click.Path(exists=True,
              dir_okay=False), help="Extra rule pack (TOML); repeatable.")
@click.option("--dest-field", multiple=True, metavar="NAME",
              help="Field name that holds the destination (replaces the defaults).")
@click.option("--origin-field", multiple=True, metavar="NAME",
              help="Field name that holds the origin site code (replaces the defaults).")
@click.option("--show-values", is_flag=True, help="Show raw values in evidence (unmasked).")
@click.option("--strict", is_flag=True,
              help="Exit 3 on any input problem: unparseable records, cut lines, skipped "
                   "binary files, failed files.")
@click.option("--keep-going", is_flag=True,
              help="Exit 0 even when some files could not be read (they are still "
                   "reported and counted).")
@click.option("--quiet", "-q", is_flag=True, help="Print no summary.")
def scan(paths, fmt, out, threads, include, exclude, input_format, max_line_bytes,
         rule_files, dest_field, origin_field, show_values, strict, keep_going, quiet) -> None:
    """Scan files, directories (recursively) and - (stdin).

    \b
    Exit codes:
      0  scan complete
      2  usage or configuration error
      3  unreadable or corrupt input (or, with --strict, any input problem)
    """
    err = _err_console()
    if fmt == "parquet" and out is None and sys.stdout.isatty():
        err.print("borderscan: refusing to write Parquet to a terminal; use --out FILE")
        sys.exit(EXIT_USAGE)
    options = {
        "threads": threads,
        "include": include,
        "exclude": exclude,
        "input_format": input_format,
        "max_line": max_line_bytes,
        "dest_fields": list(dest_field) or None,
        "origin_fields": list(origin_field) or None,
        "show_values": show_values,
        "rules": rule_files,
    }
    try:
        if fmt == "parquet":
            with _open_out(out) as fh:
                result = output.write_parquet(api.scan_iter(list(paths), **options), fh)
        else:
            # The engine writes JSON itself, batch by batch; `table` only
            # needs the summaries.
            native = "none" if fmt == "table" else fmt
            target = None if (fmt == "table" or out in (None, "-")) else out
            acc, summary, packs = api.scan_write(list(paths), native, target,
                                                 output.tool_info(), **options)
            result = output.report_from(acc, summary, packs)
    except borderscan.ConfigError as e:
        err.print(f"borderscan: configuration error: {e}")
        sys.exit(EXIT_USAGE)
    except (borderscan.ScanCancelled, KeyboardInterrupt):
        err.print("borderscan: interrupted; the output is incomplete")
        sys.exit(130)

    if fmt == "table":
        if out:
            with open(out, "w", encoding="utf-8") as fh:
                output.print_summary(result, Console(file=fh, width=80, highlight=False))
        elif not quiet:
            output.print_summary(result, Console(width=80, highlight=False))
    elif out and not quiet:
        output.print_summary(result, Console(width=80, highlight=False))
        Console(highlight=False).print(f"findings written to {out} ({fmt})")
    elif not out:
        # stdout holds the machine output; problems still go to stderr.
        output.print_problems(result, err)

    a = result.accounting
    if a["failed_files"] and not keep_going:
        err.print(f"borderscan: {a['failed_files']} input(s) could not be read (exit 3; "
                  "--keep-going to accept)")
        sys.exit(EXIT_INPUT)
    if strict and result.problems:
        err.print("borderscan: input problems found and --strict given (exit 3)")
        sys.exit(EXIT_INPUT)
    sys.exit(EXIT_OK)


@main.group()
def rules() -> None:
    """List and check the detectors (rule packs)."""


@rules.command("list")
@click.option("--rules", "rule_files", multiple=True, type=click.Path(exists=True,
              dir_okay=False), help="Extra rule pack (TOML); repeatable.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
def rules_list(rule_files, fmt) -> None:
    """Show every detector: id, category, kind and description."""
    try:
        specs = api.rules(rule_files)
    except borderscan.ConfigError as e:
        _err_console().print(f"borderscan: {e}")
        sys.exit(EXIT_USAGE)
    if fmt == "json":
        sys.stdout.buffer.write(orjson.dumps(specs, option=orjson.OPT_INDENT_2) + b"\n")
        return
    t = Table(title=f"{len(specs)} detectors", title_justify="left")
    for col in ("id", "category", "kind", "description"):
        t.add_column(col, overflow="fold")
    for r in specs:
        t.add_row(r["id"], r["category"], r["kind"], r["description"])
    Console().print(t)


@rules.command("check")
@click.option("--rules", "rule_files", multiple=True, type=click.Path(exists=True,
              dir_okay=False), help="Extra rule pack (TOML); repeatable.")
def rules_check(rule_files) -> None:
    """Run every rule's positive and negative examples; exit 1 if one misbehaves."""
    try:
        specs = api.rules(rule_files)
        failures = api.check_rules(rule_files)
    except borderscan.ConfigError as e:
        _err_console().print(f"borderscan: {e}")
        sys.exit(EXIT_USAGE)
    n_examples = sum(len(r["examples"]["positive"]) + len(r["examples"]["negative"])
                     for r in specs)
    if not failures:
        click.echo(f"ok: {len(specs)} rules, {n_examples} examples, all behave")
        return
    for f in failures:
        what = "did not fire on" if f["kind"] == "positive" else "fired on"
        fired = ", ".join(f["fired"]) or "nothing"
        click.echo(f"FAIL {f['rule']}: {what} its {f['kind']} example {f['example']!r} "
                   f"(fired: {fired})", err=True)
    click.echo(f"{len(failures)} of {n_examples} examples misbehave", err=True)
    sys.exit(EXIT_FINDINGS)


if __name__ == "__main__":  # pragma: no cover
    main()
