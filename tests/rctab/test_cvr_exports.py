"""RCTab's CVR exports (rctab_cvr.csv, conversion mode) and the command's conversion flags.

The byte-level layout is checked against RCTab's own files in test_conformance.py; here:
nothing is lost (every paper is a row whose ranks decode to that paper), the
conversion mode equals the tabulation-time export, and the command's flags work.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from tallyroom.ballots.marks import BLANK, OVERVOTE, UNCERTAIN, group_of
from tallyroom.cli import main
from tallyroom.rctab.config import load_config
from tallyroom.rctab.cvr_csv import HEADER, rctab_cvr_csv
from tallyroom.rctab.run import UNDECLARED_WRITE_INS, RCTabResult, convert_contest, run_contest

DATA = Path(__file__).parents[1] / "data" / "rctab" / "test_data"

#: one case per provider (and one with several sources)
PROVIDER_CASES = [
    "aliases_cdf_json",  # cdf, two files
    "clear_ballot_kansas_primary",
    "2024_alaska_dominion",
    "precinct_example",  # ess, precinct column
    "generic_csv_test",  # genericCsv, precinct and batch columns
    "hart_cedar_park_school_board",
]


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The cases used here plus _shared, gzipped files restored."""
    root = tmp_path_factory.mktemp("rctab_exports")
    for name in [*PROVIDER_CASES, "_shared", "conversions_from_ess"]:
        shutil.copytree(DATA / name, root / name)
    for gz in root.rglob("*.gz"):
        gz.with_suffix("").write_bytes(gzip.decompress(gz.read_bytes()))
        gz.unlink()
    return root


def _config(folder: Path) -> Path:
    return next(folder.glob("*config.json"))


def _paper_cells(result: RCTabResult, row: int, depth: int) -> tuple[str, ...]:
    """What a paper's rank cells must say, from the profile (independently of the writer)."""
    profile = result.profile
    cells = []
    codes = profile.ballots[row].tolist()
    for rank in range(depth):
        code = codes[rank] if rank < len(codes) else BLANK
        if code == BLANK:
            cells.append("undervote")
        elif code in (OVERVOTE, UNCERTAIN):
            cells.append("overvote")
        else:
            members = [code] if code >= 0 else profile.overvote_groups[group_of(code)]
            cells.append("\n".join(profile.candidates.names[m] for m in members))
    return tuple(cells)


@pytest.mark.parametrize("case", PROVIDER_CASES)
def test_every_paper_is_one_row(case: str, tree: Path) -> None:
    result = run_contest(load_config(_config(tree / case)), keep_order=True)
    rows = list(csv.reader(io.StringIO(rctab_cvr_csv(result))))
    header, body = rows[0], rows[1:]
    assert tuple(header[: len(HEADER)]) == HEADER
    depth = len(header) - len(HEADER)
    assert header[len(HEADER) :] == [f"Rank {r}" for r in range(1, depth + 1)]
    profile = result.profile
    assert len(body) == profile.total  # nothing lost, nothing added
    # Each row's ranks are its paper's marks, in file order.
    assert profile.paper_order is not None
    uwi_labels = {
        str(s.options.get("undeclared_write_in_label", "")) for s in result.config.sources
    }
    for row, paper in zip(body, profile.paper_order.tolist(), strict=True):
        want = _paper_cells(result, paper, depth)
        got = tuple(
            UNDECLARED_WRITE_INS if c in uwi_labels and c else c for c in row[len(HEADER) :]
        )
        assert got == want
    # Source paths and providers come from the config, in source order.
    sources = [(s.raw_path, s.provider) for s in result.config.sources]
    seen = list(dict.fromkeys((r[0], r[1]) for r in body))
    assert seen == [s for s in sources if s in seen]
    # RCTab's record ids are unique.
    assert len({(r[0], r[3]) for r in body}) == len(body)


@pytest.mark.parametrize("case", PROVIDER_CASES)
def test_conversion_mode_equals_the_tabulation_export(case: str, tree: Path) -> None:
    config = load_config(_config(tree / case))
    with_count = rctab_cvr_csv(run_contest(config, keep_order=True))
    assert rctab_cvr_csv(convert_contest(config)) == with_count


def test_keep_order_does_not_change_the_count(tree: Path) -> None:
    config = load_config(_config(tree / "precinct_example"))
    plain, kept = run_contest(config), run_contest(config, keep_order=True)
    assert [r.tally for r in plain.passes[0].rounds] == [r.tally for r in kept.passes[0].rounds]


def test_export_needs_papers_in_file_order(tree: Path) -> None:
    config = load_config(_config(tree / "conversions_from_ess"))
    with pytest.raises(ValueError, match="file order"):
        rctab_cvr_csv(run_contest(config))


def test_command_converts_without_tabulating(tree: Path, tmp_path: Path) -> None:
    config = _config(tree / "conversions_from_ess")
    out = tmp_path / "conv"
    runner = CliRunner()
    result = runner.invoke(
        main, ["rctab", str(config), "--convert-to-csv", "--convert-to-cdf", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["cvr_cdf.json", "rctab_cvr.csv"]
    expected = tree / "conversions_from_ess" / "conversions_from_ess_expected.csv"
    assert (out / "rctab_cvr.csv").read_text(encoding="utf-8").splitlines() == (
        expected.read_text(encoding="utf-8-sig").splitlines()
    )
    cdf = json.loads((out / "cvr_cdf.json").read_text(encoding="utf-8"))
    snapshots = [s["@id"] for c in cdf["CVR"] for s in c["CVRSnapshot"]]
    assert all("-round-" not in s for s in snapshots)  # no tabulation, no round snapshots
    again = tmp_path / "again"
    runner.invoke(
        main, ["rctab", str(config), "--convert-to-csv", "--convert-to-cdf", "-o", str(again)]
    )
    for name in ("cvr_cdf.json", "rctab_cvr.csv"):
        assert (out / name).read_bytes() == (again / name).read_bytes()


def test_command_writes_the_csv_cvr_with_a_tabulation(tree: Path, tmp_path: Path) -> None:
    config = _config(tree / "conversions_from_ess")
    out = tmp_path / "count"
    result = CliRunner().invoke(main, ["rctab", str(config), "--cvr-csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Winner(s): Mookie Blaylock" in result.output
    assert (out / "rctab_cvr.csv").exists() and (out / "detailed_report.json").exists()
    plain = tmp_path / "plain"
    CliRunner().invoke(main, ["rctab", str(config), "-o", str(plain)])
    assert not (plain / "rctab_cvr.csv").exists()


def test_cvr_csv_flag_is_refused_with_a_conversion(tree: Path, tmp_path: Path) -> None:
    config = _config(tree / "conversions_from_ess")
    result = CliRunner().invoke(
        main, ["rctab", str(config), "--cvr-csv", "--convert-to-csv", "-o", str(tmp_path / "x")]
    )
    assert result.exit_code != 0
    assert "--cvr-csv goes with a tabulation" in result.output
    assert not (tmp_path / "x").exists()


def test_failed_conversion_leaves_nothing(tree: Path, tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    shutil.copytree(tree / "conversions_from_ess", folder)
    cfg = _config(folder)
    data = json.loads(cfg.read_text())
    data["cvrFileSources"][0]["filePath"] = "no_such_file.xlsx"
    cfg.write_text(json.dumps(data))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["rctab", str(cfg), "--convert-to-csv", "-o", str(out)])
    assert result.exit_code != 0
    assert "no_such_file.xlsx" in result.output
    assert not out.exists()


def test_cdf_export_spells_candidates_as_each_file_does(tree: Path) -> None:
    """aliases_cdf_json: file 2 names candidates by aliases; its papers keep them."""
    from tallyroom.rctab.cdf_output import cdf_json

    result = run_contest(load_config(_config(tree / "aliases_cdf_json")))
    report = cdf_json(result)
    by_file: dict[str, Counter[str]] = {"file1": Counter(), "file2": Counter()}
    for cvr in report["CVR"]:
        key = "file1" if "file1" in cvr["BallotPrePrintedId"] else "file2"
        for sel in cvr["CVRSnapshot"][0]["CVRContest"][0]["CVRContestSelection"]:
            by_file[key][sel["ContestSelectionId"]] += 1
    assert all("file_2" not in s for s in by_file["file1"])
    assert all("file_1" not in s for s in by_file["file2"])
    assert "cs-candidate_a_name_file_2" in by_file["file2"]
    # The election section lists the config's names.
    names = [c["Name"] for c in report["Election"][0]["Candidate"]]
    assert "Unused Display Name Candidate A" in names


# -- property: any generic-CSV contest converts to one faithful row per paper -------------

_NAMES = ("Ash", "Birch, Jr.", "Cedar")
_paper = st.tuples(
    st.lists(st.one_of(st.none(), st.integers(1, 3)), min_size=3, max_size=3),  # rank per column
    st.sampled_from(["p1", "p 2", ""]),
    st.sampled_from(["b1", ""]),
)


def _write_source(path: Path, papers: list[tuple[list[int | None], str, str]], start: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "precinct", "batch", *_NAMES])
        for k, (ranks, precinct, batch) in enumerate(papers):
            writer.writerow(
                [f"r{start + k}", precinct, batch, *("" if r is None else str(r) for r in ranks)]
            )


def _source(name: str) -> dict[str, object]:
    return {
        "filePath": name,
        "contestId": "",
        "provider": "genericCsv",
        "firstVoteColumnIndex": "4",
        "firstVoteRowIndex": "2",
        "idColumnIndex": "1",
        "precinctColumnIndex": "2",
        "batchColumnIndex": "3",
        "overvoteDelimiter": "",
        "overvoteLabel": "",
        "skippedRankLabel": "",
        "undeclaredWriteInLabel": "",
        "treatBlankAsUndeclaredWriteIn": False,
    }


@settings(max_examples=40, deadline=None)
@given(st.lists(_paper, min_size=1, max_size=15), st.lists(_paper, min_size=1, max_size=15))
def test_generic_csv_sources_convert_row_by_row(
    first: list[tuple[list[int | None], str, str]],
    second: list[tuple[list[int | None], str, str]],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _write_source(folder / "one.csv", first, 1)
        _write_source(folder / "two.csv", second, 1 + len(first))
        config = json.loads(
            (DATA / "generic_csv_test" / "generic_csv_test_config.json").read_text(encoding="utf-8")
        )
        config["cvrFileSources"] = [_source("one.csv"), _source("two.csv")]
        config["candidates"] = [{"name": n, "excluded": False, "aliases": []} for n in _NAMES]
        config["rules"]["maxRankingsAllowed"] = "3"
        (folder / "c_config.json").write_text(json.dumps(config), encoding="utf-8")
        text = rctab_cvr_csv(convert_contest(load_config(folder / "c_config.json")))
    rows = list(csv.reader(io.StringIO(text)))[1:]
    papers = [("one.csv", p) for p in first] + [("two.csv", p) for p in second]
    assert len(rows) == len(papers)
    for k, (row, (source, (ranks, precinct, batch))) in enumerate(zip(rows, papers, strict=True)):
        cells = []
        for r in (1, 2, 3):
            at = [n for n, given_rank in zip(_NAMES, ranks, strict=True) if given_rank == r]
            cells.append("\n".join(at) if at else "undervote")
        assert row == [
            source,
            "genericCsv",
            "",
            f"r{k + 1}",
            "",
            batch or "no batch id",
            f"r{k + 1}",
            precinct or "no precinct id",
            "",
            *cells,
        ]


def test_cdf_export_keeps_each_papers_own_spelling(tmp_path: Path) -> None:
    """aliases_ess_xlsx spells A as "A", "A-2", "A-3", "A-4" on different papers: RCTab's
    CDF export writes each paper's own text; so must ours (checked against the sheet)."""
    from python_calamine import CalamineWorkbook

    from tallyroom.rctab.cdf_output import cdf_json

    folder = tmp_path / "aliases_ess_xlsx"
    shutil.copytree(DATA / "aliases_ess_xlsx", folder)
    cfg = _config(folder)
    data = json.loads(cfg.read_text(encoding="utf-8"))
    data["outputSettings"]["generateCdfJson"] = True
    cfg.write_text(json.dumps(data), encoding="utf-8")
    result = run_contest(load_config(cfg))
    assert "A" in result.source_metadata[0]["mixed_spellings"]
    report = cdf_json(result)

    sheet = CalamineWorkbook.from_path(str(folder / "aliases_ess_xlsx_cvr.xlsx"))
    rows = sheet.get_sheet_by_index(0).to_python()[1:]
    assert len(report["CVR"]) == len(rows)
    for cvr, row in zip(report["CVR"], rows, strict=True):
        original = cvr["CVRSnapshot"][0]["CVRContest"][0]["CVRContestSelection"]
        got = {
            (s["ContestSelectionId"], p["Rank"]) for s in original for p in s["SelectionPosition"]
        }
        want = {
            (f"cs-{str(text).lower()}", rank)
            for rank, text in enumerate(row[1:], start=1)
            if text != ""
        }
        assert got == want, cvr["BallotPrePrintedId"]


def test_papers_without_ids_get_distinct_computed_ids(tmp_path: Path) -> None:
    """A generic CSV without id column: RCTab-style ids '<file>-<n>', never empty or shared."""
    from tallyroom.rctab.cdf_output import cdf_json

    folder = tmp_path / "case"
    folder.mkdir()
    (folder / "cvr.csv").write_text("Ash,Birch\n1,2\n2,1\n1,\n", encoding="utf-8")
    config = json.loads(
        (DATA / "generic_csv_test" / "generic_csv_test_config.json").read_text(encoding="utf-8")
    )
    source = _source("cvr.csv")
    for key in ("idColumnIndex", "precinctColumnIndex", "batchColumnIndex"):
        source[key] = ""
    source["firstVoteColumnIndex"] = "1"
    config["cvrFileSources"] = [source]
    config["candidates"] = [{"name": n, "excluded": False, "aliases": []} for n in ("Ash", "Birch")]
    config["outputSettings"].update(
        generateCdfJson=True, tabulateByBatch=False, tabulateByPrecinct=False
    )
    (folder / "c_config.json").write_text(json.dumps(config), encoding="utf-8")
    result = run_contest(load_config(folder / "c_config.json"), keep_order=True)
    rows = list(csv.reader(io.StringIO(rctab_cvr_csv(result))))[1:]
    assert [(r[3], r[6]) for r in rows] == [("cvr.csv-1", ""), ("cvr.csv-2", ""), ("cvr.csv-3", "")]
    ids = [c["BallotPrePrintedId"] for c in cdf_json(result)["CVR"]]
    assert ids == ["cvr.csv-1", "cvr.csv-2", "cvr.csv-3"]
