"""Write every output of an RCTab contest into a folder, all or nothing.

Files (RCTab's names without its timestamp prefix, so reruns give identical files;
``_N`` is the pass of a multi-pass IRV count):

* ``detailed_report[_N].json``, ``detailed_report[_N].csv``, ``summary_report[_N].csv``;
* ``Tabulate by Precinct/<precinct>_precinct_detailed_report[_N].{json,csv}`` and the
  same under ``Tabulate by Batch`` when the config asks for them;
* ``cvr_cdf[_N].json`` (NIST CDF cast vote records with round snapshots) when
  ``generateCdfJson`` is set;
* ``tallyroom_count[_N].json`` (tallyroom's native count log) and
  ``result_sheet[_N].txt`` (tallyroom's text result sheet);
* ``rctab_cvr.csv`` (every paper in file order, RCTab's CSV CVR) when asked for.

RCTab's conversion mode writes only ``cvr_cdf.json`` (no rounds) or ``rctab_cvr.csv``
(:func:`conversion_files`).

Everything is written to a temporary folder next to the destination and moved
into place only when every file has been written.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from ..api import render
from ..errors import ReportError
from ..reports.native_json import dumps as native_dumps
from .cdf_output import cdf_json
from .cvr_csv import rctab_cvr_csv
from .outputs import csv_report, json_dumps, json_report, views
from .run import RCTabResult

__all__ = ["conversion_files", "output_files", "write_files", "write_outputs"]


def sanitize(text: str) -> str:
    """RCTab's ``sanitizeStringForOutput``: anything but ``[A-Za-z0-9_.-]`` becomes ``_``."""
    return re.sub(r"[^a-zA-Z0-9_\-.]", "_", text)


def conversion_files(result: RCTabResult, *, cdf: bool, csv: bool) -> dict[str, str]:
    """RCTab's conversion mode: ``cvr_cdf.json`` (papers as read, no rounds) and/or
    ``rctab_cvr.csv`` of a contest read by :func:`~tallyroom.rctab.run.convert_contest`."""
    files: dict[str, str] = {}
    if cdf:
        files["cvr_cdf.json"] = json_dumps(cdf_json(result, None))
    if csv:
        files["rctab_cvr.csv"] = rctab_cvr_csv(result)
    return files


def output_files(result: RCTabResult, *, cvr_csv: bool = False) -> dict[str, str]:
    """Every output file: relative path -> text (``cvr_csv``: also ``rctab_cvr.csv``,
    which needs a result read with ``keep_order``)."""
    config = result.config
    files: dict[str, str] = {}
    if cvr_csv:
        files["rctab_cvr.csv"] = rctab_cvr_csv(result)
    multi = len(result.passes) > 1
    for i, (tab, count) in enumerate(zip(result.passes, result.counts, strict=True)):
        suffix = f"_{i + 1}" if multi else ""
        seats = 1 if multi else config.seats
        all_views = views(config, tab, result.profile.metadata)
        whole = all_views[0]
        files[f"detailed_report{suffix}.json"] = json_dumps(json_report(config, tab, whole, seats))
        files[f"detailed_report{suffix}.csv"] = csv_report(config, tab, whole, seats)
        files[f"summary_report{suffix}.csv"] = csv_report(config, tab, whole, seats, detailed=False)
        used: set[str] = set()
        for view in all_views[1:]:
            assert view.slice_kind is not None and view.slice_id is not None
            folder = f"Tabulate by {view.slice_kind.capitalize()}"
            stem = f"{sanitize(view.slice_id)}_{view.slice_kind}"
            name, n = stem, 2
            while name in used:
                name, n = f"{stem}_{n}", n + 1
            used.add(name)
            base = f"{folder}/{name}_detailed_report{suffix}"
            files[base + ".json"] = json_dumps(json_report(config, tab, view, seats))
            files[base + ".csv"] = csv_report(config, tab, view, seats)
        if config.generate_cdf_json:
            files[f"cvr_cdf{suffix}.json"] = json_dumps(cdf_json(result, i))
        files[f"tallyroom_count{suffix}.json"] = native_dumps(count)
        sheet = render(count, "text")
        files[f"result_sheet{suffix}.txt"] = sheet if isinstance(sheet, str) else sheet.decode()
    return files


def write_outputs(result: RCTabResult, destination: Path, *, cvr_csv: bool = False) -> list[Path]:
    """Write the outputs into ``destination`` (created if needed); nothing is left on failure."""
    return write_files(output_files(result, cvr_csv=cvr_csv), destination)


def write_files(files: dict[str, str], destination: Path) -> list[Path]:
    """Write ``files`` (relative path -> text) into ``destination``, all or nothing."""
    parent = destination.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".tallyroom-rctab-", dir=parent))
    except OSError as exc:
        raise ReportError(f"cannot create the output folder {destination}: {exc.strerror}") from exc
    try:
        for rel, text in files.items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="")
        if not destination.exists():
            os.replace(staging, destination)
        else:
            if not destination.is_dir():
                raise ReportError(f"the output path {destination} exists and is not a folder")
            for rel in files:
                target = destination / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staging / rel, target)
    except OSError as exc:
        raise ReportError(f"cannot write the outputs into {destination}: {exc.strerror}") from exc
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return [destination / rel for rel in files]
