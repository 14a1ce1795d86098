"""``tallyroom rctab``: run an RCTab contest config and write RCTab's reports."""

from __future__ import annotations

from pathlib import Path

import click

from ..rctab.config import load_config
from ..rctab.run import run_contest
from ..rctab.write import write_outputs
from ..ties import OfficerDecision


@click.command()
@click.argument("config", type=click.Path(dir_okay=False))
@click.option(
    "--output",
    "-o",
    type=click.Path(file_okay=False),
    help="Folder for the reports (default: the config's outputDirectory).",
)
@click.option(
    "--tie-decision",
    "tie_decisions",
    multiple=True,
    metavar="TIED=CHOSEN",
    help="The operator's decision of a tie (stopCountingAndAsk modes), e.g. 'Ash,Birch=Birch' "
    "(CHOSEN is eliminated in an elimination tie, elected in a winner tie). Repeatable.",
)
def rctab(config: str, output: str | None, tie_decisions: tuple[str, ...]) -> None:
    """Tabulate an RCTab contest CONFIG (JSON) and write RCTab's reports.

    A drop-in for `rctab --cli CONFIG`: the same config file, the same detailed
    report (JSON and CSV), summary CSV, per-precinct/batch reports and CDF CVR
    export, plus tallyroom's count log and result sheet. Problems in the config
    are all reported at once; nothing is written unless the count succeeds.

    \b
    Example:
      tallyroom rctab 2013_minneapolis_mayor_config.json --output results/
    """
    decisions = tuple(OfficerDecision.parse(d) for d in tie_decisions)
    contest = load_config(config, decisions=decisions)
    result = run_contest(contest)
    destination = Path(output) if output else contest.output_directory
    written = write_outputs(result, destination)
    winners = [n for tab in result.passes for n in (tab.names[c] for c, _ in tab.winners)]
    click.echo(f"Winner(s): {', '.join(winners) or '(none)'}")
    click.echo(f"Wrote {len(written)} file(s) to {destination}")
