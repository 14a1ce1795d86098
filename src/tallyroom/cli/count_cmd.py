"""``tallyroom count``: read ballot files, count them, print or write a report."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import BinaryIO

import click

from ..api import count as run_count
from ..api import read_ballots, render
from ..registry import get_method
from ..reports.native_json import dumps
from .options import ballot_options, parse_key_values, rules_options


def write_output(text: str | bytes, output: str | None) -> None:
    if output is None or output == "-":
        if isinstance(text, bytes):
            stream: BinaryIO = sys.stdout.buffer
            stream.write(text)
        else:
            click.echo(text, nl=False)
        return
    path = Path(output)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True))
@click.option("--method", "-m", required=True, help="Counting method (see `tallyroom methods`).")
@rules_options
@ballot_options
@click.option(
    "--format",
    "report_format",
    default="text",
    show_default=True,
    help="Report: text, json, declaration-text, declaration-html, … (see `tallyroom formats`).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    help="Write the report here (default: stdout).",
)
@click.option(
    "--save",
    type=click.Path(dir_okay=False),
    help="Also save the count (native JSON) for `tallyroom report`.",
)
@click.option("--title", help="Title of the election for reports.")
def count(
    files: tuple[str, ...],
    method: str,
    seats: int | None,
    rules_file: str | None,
    tie_seed: str | None,
    tie_decisions: tuple[str, ...],
    read_options: tuple[str, ...],
    ballot_format: str | None,
    candidates_file: str | None,
    report_format: str,
    output: str | None,
    save: str | None,
    title: str | None,
) -> None:
    """Count the ballots in FILES (one contest) and print a report.

    \b
    Example:
      tallyroom count first_second_choice_matrix.csv --method sv --format declaration-text
    """
    get_method(method)  # fail fast on an unknown method, listing the valid ones
    from ..registry import get_report

    get_report(report_format)
    profile = read_ballots(
        list(files),
        format=ballot_format,
        candidates=candidates_file,
        for_method=method,
        **parse_key_values(read_options),
    )
    if title:
        from dataclasses import replace

        profile = replace(profile, title=title)
    result = run_count(
        profile, method, rules_file, seats=seats, tie_seed=tie_seed, tie_decisions=tie_decisions
    )
    if save:
        from ..analysis.crosstab import for_saving

        result = for_saving(result, profile)
        Path(save).write_text(dumps(result), encoding="utf-8")
    write_output(render(result, report_format), output)
