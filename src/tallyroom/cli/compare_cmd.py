"""``tallyroom compare`` (one ballot set under every method) and ``tallyroom margins`` (of a saved count)."""

from __future__ import annotations

from dataclasses import replace

import click

from ..analysis.compare import compare as run_compare
from ..analysis.margins import margins as count_margins
from ..api import read_ballots
from ..reports.compare_report import to_html, to_json, to_text
from ..reports.native_json import load
from .count_cmd import write_output
from .options import ballot_options, parse_key_values

__all__ = ["compare", "margins"]

_FORMATS = ("text", "json", "html")


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True))
@click.option(
    "--methods",
    "method_list",
    metavar="M1,M2,...",
    help="Methods to compare, comma-separated (default: every registered method).",
)
@click.option(
    "--seats", type=click.IntRange(min=1), help="Number of seats (default: from the file, else 1)."
)
@click.option("--tie-seed", help="Seed for recorded draws by lot in any method that needs one.")
@click.option(
    "--format",
    "report_format",
    type=click.Choice(_FORMATS),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option(
    "--margins", "show_margins", is_flag=True, help="Text report: also list the IRV/SV margins."
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    help="Write the report here (default: stdout).",
)
@click.option("--title", help="Title for the report.")
@ballot_options
def compare(
    files: tuple[str, ...],
    method_list: str | None,
    seats: int | None,
    tie_seed: str | None,
    report_format: str,
    show_margins: bool,
    output: str | None,
    title: str | None,
    read_options: tuple[str, ...],
    ballot_format: str | None,
    candidates_file: str | None,
) -> None:
    """Count the ballots in FILES under every applicable method and compare the winners.

    Shows who wins under each method (and whether the data support it), the
    Condorcet winner if there is one, the pairwise matrix, and for IRV and SV the
    margins the count reveals (JSON and HTML always; text with --margins).

    \b
    Examples:
      tallyroom compare first_second_choice_matrix.csv --candidates candidates.csv
      tallyroom compare ward.blt --format html -o ward.html --tie-seed 2022
    """
    methods = None
    if method_list:
        methods = [m.strip() for m in method_list.split(",") if m.strip()]
    from ..registry import methods as registered

    profile = read_ballots(
        list(files),
        format=ballot_format,
        candidates=candidates_file,
        for_method=methods if methods is not None else list(registered()),
        **parse_key_values(read_options),
    )
    if title:
        profile = replace(profile, title=title)
    result = run_compare(profile, methods, seats=seats or profile.seats or 1, tie_seed=tie_seed)
    if report_format == "json":
        text = to_json(result)
    elif report_format == "html":
        text = to_html(result)
    else:
        text = to_text(result, margins=show_margins)
    write_output(text, output)


@click.command()
@click.argument("saved", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--format",
    "report_format",
    type=click.Choice(("text", "json")),
    default="text",
    show_default=True,
    help="Report format.",
)
def margins(saved: str, report_format: str) -> None:
    """Margins of a saved single-winner IRV or SV count (from `tallyroom count --save`).

    Prints the upper bound (last-round margin: papers that certainly change the
    winner) and the lower bound (the closest decision of the count: fewer papers
    cannot change the winner), each labelled, with every decision margin.

    \b
    Example:
      tallyroom count ballots.csv --method irv --save count.json && tallyroom margins count.json
    """
    found = count_margins(load(saved))
    if report_format == "json":
        import json

        click.echo(json.dumps(found.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo("\n".join(found.text_lines()))
