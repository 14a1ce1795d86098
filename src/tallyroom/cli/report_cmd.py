"""``tallyroom report``: render any report from a saved count, without recounting.

Before rendering, the saved count's integrity is checked: reloading it re-runs
:meth:`~tallyroom.count.Count.verify` (every round accounts for every valid vote,
each round follows from the previous by its transfers), and the SHA-256 of each
input file it names is compared with the file, looked for in ``--inputs DIR``
(then every input must be there) or, without it, next to the saved count.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, BinaryIO

import click

from ..analysis.crosstab import crosstab_of
from ..api import render
from ..count import Count
from ..errors import BallotFileError, IntegrityError
from ..numbers import format_exact
from ..progress import sha256_with_progress
from ..registry import get_report, reports
from ..reports.native_json import load
from .count_cmd import write_output

__all__ = ["ALIASES", "OPTIONS_FOR", "check_inputs", "report"]

#: Short names accepted by ``--format`` for registered renderers.
ALIASES = {"declaration": "declaration-pdf", "stage-sheet": "stage-sheet-pdf"}

_OFFICIAL = frozenset({"title", "date", "returning_officer"})
#: The options each built-in renderer takes; a renderer not listed gets whatever is given.
OPTIONS_FOR: dict[str, frozenset[str]] = {
    "html": _OFFICIAL,
    "pdf": _OFFICIAL,
    "declaration-pdf": _OFFICIAL,
    "stage-sheet-pdf": _OFFICIAL,
    "declaration-text": _OFFICIAL,
    "declaration-html": _OFFICIAL,
    "png": frozenset({"chart", "scale"}),
    "svg": frozenset({"chart"}),
    "csv": frozenset({"table"}),
    "json": frozenset(),
    "text": frozenset(),
}


def check_inputs(count: Count, count_path: Path, inputs_dir: Path | None) -> list[str]:
    """Compare the SHA-256 of the count's input files with the files found.

    With ``inputs_dir`` every input must be there; without it, inputs found next to
    ``count_path`` are checked and the others reported as not checked. A hash that
    differs raises :class:`IntegrityError`. Returns one line per input, for the log.
    """
    folder = inputs_dir if inputs_dir is not None else count_path.parent
    lines: list[str] = []
    for item in count.inputs:
        path = folder / item.path
        if not path.is_file():
            if inputs_dir is not None:
                raise BallotFileError(
                    path, f"input file {item.path} of the count is not in {inputs_dir}"
                )
            lines.append(
                f"not checked: {item.path} (not found next to the count; give --inputs DIR)"
            )
            continue
        digest = sha256_with_progress(path, label=f"checking {item.path}")
        if digest != item.sha256:
            raise IntegrityError(
                f"{path}: SHA-256 {digest} differs from the {item.sha256} recorded in the count; "
                "the ballots are not the ones counted (recount them)"
            )
        lines.append(f"ok: {item.path} sha256 {digest}")
    return lines


@click.command()
@click.argument("count_file", type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "report_format",
    default="html",
    show_default=True,
    help="html, pdf, declaration, stage-sheet, png, svg, csv, or any report format in `tallyroom formats`.",
)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False), help="Write here (default: stdout)."
)
@click.option(
    "--inputs",
    "inputs_dir",
    type=click.Path(file_okay=False, exists=True),
    help="Folder holding the count's input files, to check their SHA-256 (default: next to COUNT_FILE).",
)
@click.option("--chart", help="png/svg: rounds, sankey, transfers or crosstab (default rounds).")
@click.option("--table", help="csv: rounds, transfers or crosstab (default rounds).")
@click.option("--scale", type=float, help="png: pixels per unit (default 2).")
@click.option("--title", help="html/pdf: title of the election (default: the count's).")
@click.option("--date", help="html/pdf: date of the poll, as it should be printed.")
@click.option("--returning-officer", help="html/pdf: name of the returning officer.")
@click.option("--quiet", "-q", is_flag=True, help="Do not print the integrity check.")
def report(
    count_file: str,
    report_format: str,
    output: str | None,
    inputs_dir: str | None,
    chart: str | None,
    table: str | None,
    scale: float | None,
    title: str | None,
    date: str | None,
    returning_officer: str | None,
    quiet: bool,
) -> None:
    """Render a report of a saved count (`tallyroom count ... --save COUNT.json`).

    The count is checked first (conservation of votes in every round; SHA-256 of
    its input files when they are found), so a report never disagrees with it.

    \b
    Examples:
      tallyroom report london.json --format html -o london.html
      tallyroom report london.json --format png --chart sankey -o sankey.png
      tallyroom report london.json --format csv --table crosstab
      tallyroom report london.json --format declaration -o declaration.pdf
    """
    name = ALIASES.get(report_format, report_format)
    if name not in reports():
        raise click.BadParameter(
            f"unknown report format {report_format!r}; valid: {formats_help()}",
            param_hint="--format",
        )
    spec = get_report(name)
    path = Path(count_file)
    count = load(path)
    lines = [
        f"ok: {len(count.rounds)} round(s), every one accounts for all "
        f"{format_exact(count.valid_total)} valid votes"
    ]
    if crosstab_of(count) is not None:  # checks the stored first x second table against the count
        lines.append("ok: first x second preference table matches the count")
    lines += check_inputs(count, path, Path(inputs_dir) if inputs_dir else None)
    if not quiet:
        for line in lines:
            click.echo(line, err=True)
    given: dict[str, Any] = {
        "chart": chart,
        "table": table,
        "scale": scale,
        "title": title,
        "date": date,
        "returning_officer": returning_officer,
    }
    options = {k: v for k, v in given.items() if v is not None}
    allowed = OPTIONS_FOR.get(spec.name)
    if allowed is not None:
        wrong = sorted(set(options) - allowed)
        if wrong:
            valid = ", ".join("--" + o.replace("_", "-") for o in sorted(allowed)) or "none"
            raise click.UsageError(
                f"{', '.join('--' + o.replace('_', '-') for o in wrong)} does not apply to "
                f"--format {report_format}; its options: {valid}"
            )
    stdout: BinaryIO = sys.stdout.buffer
    if spec.binary and output in (None, "-") and stdout.isatty():
        raise click.UsageError(f"{spec.name} is binary; write it to a file with --output")
    result = render(count, name, **options)
    write_output(result, output)


def formats_help() -> str:
    """The report formats, for documentation."""
    return ", ".join([*ALIASES, *reports()])
