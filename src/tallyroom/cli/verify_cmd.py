"""``tallyroom verify``: count every contest of a declared-results file and print a match table."""

from __future__ import annotations

import json

import click

from ..verify import VerifyResult
from ..verify import verify as run_verify


def _left_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def _table(result: VerifyResult) -> str:
    rows = [[c.contest, c.status.value, c.compared, c.reason] for c in result.contests]
    lines = [
        f"Results file: {result.results_file}",
        f"Method: {result.method} ({result.method_source})",
        "",
        _left_table(["Contest", "Result", "Compared", "Reason / first difference"], rows),
        "",
        f"{len(result.contests)} contests: {result.matched} matched, {len(result.mismatched)} "
        f"mismatched, {len(result.errors)} errors, {len(result.not_counted)} not counted",
    ]
    return "\n".join(lines) + "\n"


@click.command()
@click.argument("results_file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--data-dir",
    type=click.Path(exists=True, file_okay=False),
    help="Folder the ballot-file paths are relative to (default: the results file's folder).",
)
@click.option("--method", "-m", help="Counting method (default: the file's, see docs/verify.md).")
@click.option("--tie-seed", help="Seed for recorded draws by lot, if a contest needs one.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="A match table, or JSON {contests, matched, mismatched, errors, not_counted}.",
)
@click.option(
    "--fail-on-mismatch",
    is_flag=True,
    help="Exit with status 1 when any contest is mismatched or in error.",
)
def verify(
    results_file: str,
    data_dir: str | None,
    method: str | None,
    tie_seed: str | None,
    output_format: str,
    fail_on_mismatch: bool,
) -> None:
    """Count each contest in a declared-results file and compare with the declaration.

    Compares the elected set and every declared stage total at the precision it
    is declared with, and names the first stage and candidate that differ.

    \b
    Example:
      tallyroom verify data/scotland_local_stv/official_2022.json
    """
    result = run_verify(results_file, data_dir=data_dir, method=method, tie_seed=tie_seed)
    if output_format == "json":
        click.echo(json.dumps(result.to_dict(), indent=1, ensure_ascii=False))
    else:
        click.echo(_table(result), nl=False)
    if fail_on_mismatch and (result.mismatched or result.errors):
        raise SystemExit(1)
