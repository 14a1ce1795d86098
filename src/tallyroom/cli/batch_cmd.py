"""``tallyroom batch``: count every contest in a manifest, in parallel (Dask)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..reports.native_json import dumps


@click.command()
@click.argument("manifest", type=click.Path(dir_okay=False, exists=True))
@click.option(
    "--output-dir", type=click.Path(file_okay=False), help="Write each count's native JSON here."
)
@click.option(
    "--scheduler",
    type=click.Choice(["threads", "processes", "synchronous"]),
    help="Dask's local scheduler (default: a running distributed client, else threads).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def batch(manifest: str, output_dir: str | None, scheduler: str | None, as_json: bool) -> None:
    """Count every contest listed in MANIFEST (CSV: name,files,method[,seats,rules,format,tie_seed]).

    Contests run in parallel on Dask; a contest that fails is reported and the rest go on.
    The exit status is non-zero if any contest failed.
    """
    from ..scale import count_many, read_jobs_manifest

    jobs = read_jobs_manifest(manifest)
    outcomes = count_many(jobs, scheduler=scheduler)
    if output_dir:
        out = Path(output_dir)
        out.mkdir(parents=True, exist_ok=True)
        for o in outcomes:
            if o.count is not None:
                safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in o.name)
                (out / f"{safe}.json").write_text(dumps(o.count), encoding="utf-8")
    summary = [
        {"contest": o.name, "elected": list(o.count.elected) if o.count else None, "error": o.error}
        for o in outcomes
    ]
    if as_json:
        click.echo(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        for row in summary:
            result = (
                ", ".join(row["elected"])
                if row["elected"] is not None
                else f"ERROR: {row['error']}"
            )
            click.echo(f"{row['contest']}: {result}")
    failed = sum(1 for o in outcomes if o.error)
    if failed:
        raise click.ClickException(f"{failed} of {len(outcomes)} contest(s) failed")
