"""``tallyroom rctab``: run an RCTab contest config and write RCTab's reports."""

from __future__ import annotations

from pathlib import Path

import click

from ..rctab.config import load_config
from ..rctab.run import convert_contest, run_contest
from ..rctab.write import conversion_files, write_files, write_outputs
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
@click.option(
    "--convert-to-cdf",
    is_flag=True,
    help="Do not tabulate: write the CVRs as NIST CDF JSON (cvr_cdf.json), as RCTab's "
    "--convert-to-cdf.",
)
@click.option(
    "--convert-to-csv",
    is_flag=True,
    help="Do not tabulate: write the CVRs as RCTab's CSV CVR (rctab_cvr.csv), as RCTab's "
    "--convert-to-csv.",
)
@click.option(
    "--cvr-csv",
    is_flag=True,
    help="With a tabulation, also write rctab_cvr.csv (RCTab 2.0.1 writes it before every "
    "tabulation).",
)
def rctab(
    config: str,
    output: str | None,
    tie_decisions: tuple[str, ...],
    convert_to_cdf: bool,
    convert_to_csv: bool,
    cvr_csv: bool,
) -> None:
    """Tabulate an RCTab contest CONFIG (JSON) and write RCTab's reports.

    A drop-in for `rctab --cli CONFIG`: the same config file, the same detailed
    report (JSON and CSV), summary CSV, per-precinct/batch reports and CDF CVR
    export, plus tallyroom's count log and result sheet. Problems in the config
    are all reported at once; nothing is written unless the count succeeds.

    With --convert-to-cdf or --convert-to-csv (or both) the CVRs are only read and
    written out in that format, as RCTab's conversion mode.

    \b
    Examples:
      tallyroom rctab 2013_minneapolis_mayor_config.json --output results/
      tallyroom rctab contest_config.json --convert-to-csv --output converted/
    """
    if cvr_csv and (convert_to_cdf or convert_to_csv):
        raise click.UsageError("--cvr-csv goes with a tabulation, not with --convert-to-*")
    decisions = tuple(OfficerDecision.parse(d) for d in tie_decisions)
    contest = load_config(config, decisions=decisions)
    destination = Path(output) if output else contest.output_directory
    if convert_to_cdf or convert_to_csv:
        files = conversion_files(convert_contest(contest), cdf=convert_to_cdf, csv=convert_to_csv)
        written = write_files(files, destination)
        click.echo(
            f"Converted {len(contest.sources)} CVR source(s); wrote {len(written)} "
            f"file(s) to {destination}"
        )
        return
    result = run_contest(contest, keep_order=cvr_csv)
    written = write_outputs(result, destination, cvr_csv=cvr_csv)
    winners = [n for tab in result.passes for n in (tab.names[c] for c, _ in tab.winners)]
    click.echo(f"Winner(s): {', '.join(winners) or '(none)'}")
    click.echo(f"Wrote {len(written)} file(s) to {destination}")
