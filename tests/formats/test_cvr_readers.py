"""The RCTab CVR readers on RCTab's own test records (tests/data/rctab_cvr_samples),
checked against RCTab's expected outputs where the figures are the reader's alone
(ballot totals, the records RCTab read, the marks of particular papers)."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import numpy as np

import tallyroom
from tallyroom.api import detect_format
from tallyroom.ballots.candidates import Candidate
from tallyroom.ballots.marks import BLANK, OVERVOTE
from tallyroom.ballots.profile import Profile
from tests.formats.cvr_samples import SAMPLES
from tests.formats.cvr_samples import aliases as _aliases
from tests.formats.cvr_samples import candidates as _candidates
from tests.formats.cvr_samples import config as _config


def _first_choices(profile: Profile) -> dict[str, int]:
    names = profile.candidate_names()
    return {names[i]: int(v) for i, v in enumerate(profile.first_preferences()) if v}


# -- ES&S ----------------------------------------------------------------------------


def test_ess_precinct_example_reads_precincts_and_stops_at_max_rankings() -> None:
    folder = SAMPLES / "ess"
    cfg = _config(folder / "precinct_example_config.json")
    profile = tallyroom.read_ballots(
        folder / "precinct_example_cvr.xlsx",
        format="ess",
        candidates=_candidates(cfg),
        first_vote_column_index=2,
        precinct_column_index=1,
        skipped_rank_label="undervote",
        undeclared_write_in_label="UWI",
        max_rankings=3,  # column 5 is a Count column, not a ranking
    )
    assert profile.total == 100
    assert profile.depth <= 3
    names = profile.metadata["precinct_names"]
    assert "MINNEAPOLIS W-10 P-02" in names
    per_precinct = np.bincount(profile.metadata["precinct"], weights=profile.weights)
    assert int(per_precinct.sum()) == 100
    # Row 4: "Jacob Frey, undervote, undervote" -> a single first choice.
    assert ("Jacob Frey",) in dict(profile.rankings())


def test_ess_overvote_delimiter_makes_overvote_groups() -> None:
    folder = SAMPLES / "ess"
    cfg = _config(folder / "test_set_overvote_delimiter_config.json")
    profile = tallyroom.read_ballots(
        folder / "test_set_overvote_delimiter_cvr.xlsx",
        format="ess",
        candidates=_candidates(cfg),
        first_vote_column_index=2,
        id_column_index=1,
        overvote_delimiter="|",
        keep_order=True,
    )
    assert profile.total == 9
    assert profile.overvote_groups, "cells joined by '|' are overvotes of known candidates"
    texts = [t for t, _ in profile.rankings()]
    assert any("+" in cell for t in texts for cell in t)
    assert profile.metadata["ballot_ids"] == tuple(str(i) for i in range(1, 10))


def test_ess_blank_as_undeclared_write_in() -> None:
    folder = SAMPLES / "ess"
    cfg = _config(folder / "test_set_treat_blank_as_undeclared_write_in_config.json")
    opts = dict(
        format="ess",
        candidates=_candidates(cfg),
        first_vote_column_index=2,
        id_column_index=1,
        overvote_label="overvote",
        skipped_rank_label="undervote",
        undeclared_write_in_label="UWI",
    )
    path = folder / "test_set_treat_blank_as_undeclared_write_in_cvr.xlsx"
    with_uwi = tallyroom.read_ballots(path, treat_blank_as_undeclared_write_in=True, **opts)
    plain = tallyroom.read_ballots(path, **opts)
    uwi = with_uwi.candidates[with_uwi.candidates.index_of("Undeclared Write-ins")]
    assert uwi.write_in and uwi.code == "UWI"
    assert _first_choices(with_uwi).get("Undeclared Write-ins", 0) >= 3
    assert _first_choices(plain).get("Undeclared Write-ins", 0) == 0
    assert with_uwi.total == plain.total == 12


def test_ess_aliases_map_labels_to_candidates() -> None:
    folder = SAMPLES / "ess"
    cfg = _config(folder / "aliases_ess_xlsx_config.json")
    profile = tallyroom.read_ballots(
        folder / "aliases_ess_xlsx_cvr.xlsx",
        format="ess",
        candidates=_candidates(cfg),
        aliases=_aliases(cfg),
        first_vote_column_index=2,
        id_column_index=1,
        overvote_delimiter="|",
    )
    assert profile.candidate_names() == ("C", "D", "A", "B-2")
    first = _first_choices(profile)
    assert first["A"] >= 3  # "A", "A-2", "A-3" are all A
    assert all(t[1] == "B-2" for t, _ in profile.rankings() if len(t) > 1 and t[0] == "A")


def test_ess_without_candidate_list_discovers_labels_in_order() -> None:
    folder = SAMPLES / "ess"
    profile = tallyroom.read_ballots(
        folder / "test_set_overvote_delimiter_cvr.xlsx",
        format="ess",
        first_vote_column_index=2,
        id_column_index=1,
        overvote_delimiter="|",
    )
    assert profile.candidate_names()[:3] == ("A", "B", "C")


# -- Dominion ----------------------------------------------------------------------


def test_dominion_alaska_reads_the_records_rctab_read() -> None:
    folder = SAMPLES / "dominion_alaska_2024"
    cfg = _config(folder / "2024_alaska_dominion_config.json")
    profile = tallyroom.read_ballots(
        folder / "partial_cvr",
        candidates=_candidates(cfg) + [Candidate("Undeclared Write-ins", write_in=True)],
        aliases=_aliases(cfg),
        contest_id="7",
        undeclared_write_in_label="476",
        keep_order=True,
    )
    expected = json.loads(
        (folder / "2024_alaska_dominion_expected_detailed_report.json").read_text()
    )
    assert profile.total == int(expected["summary"]["totalNumBallots"]) == 124
    # Partial-count ballots (InvalidContest outstack condition) are left out, and counted.
    assert profile.metadata["invalid_contest_records"] == 73
    with open(folder / "2024_alaska_dominion_expected_rctab_cvr.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    wanted = Counter(f"{r['Tabulator Id']}-{r['Batch Id']}-{r['Record Id']}" for r in rows)
    assert Counter(profile.metadata["ballot_ids"]) == wanted
    # Each paper's record fields, as RCTab's CVR export lists them.
    assert profile.metadata["paper_fields"][:5] == (
        "TabulatorId",
        "BatchId",
        "RecordId",
        "Precinct",
        "PrecinctPortion",
    )
    assert Counter(r[:5] for r in profile.metadata["paper_records"]) == Counter(
        (r["Tabulator Id"], r["Batch Id"], r["Record Id"], r["Precinct"], r["Precinct Portion"])
        for r in rows
    )
    # Each paper's rankings as RCTab exported them.
    by_id = {
        f"{r['Tabulator Id']}-{r['Batch Id']}-{r['Record Id']}": tuple(
            r[f"Rank {k}"] for k in range(1, 5)
        )
        for r in rows
    }
    assert profile.paper_order is not None
    for ballot_id, row in zip(profile.metadata["ballot_ids"], profile.paper_order, strict=True):
        codes = profile.ballots[row].tolist() + [BLANK] * 4
        ours = tuple("undervote" if c == BLANK else profile.describe_code(c) for c in codes[:4])
        theirs = tuple(
            "overvote" if "|" in t else "Undeclared Write-ins" if t == "476" else t
            for t in by_id[ballot_id]
        )
        ours = tuple("overvote" if "+" in t else t for t in ours)
        assert ours == theirs, ballot_id


def test_dominion_default_candidates_come_from_the_manifest() -> None:
    profile = tallyroom.read_ballots(
        SAMPLES / "dominion_alaska_2024" / "partial_cvr",
        contest_id="7",
        undeclared_write_in_label="476",
    )
    assert detect_format(SAMPLES / "dominion_alaska_2024" / "partial_cvr").name == "dominion"
    assert "Peltola, Mary S." in profile.candidate_names()
    assert profile.candidates[profile.candidates.index_of("Peltola, Mary S.")].code == "518"
    assert profile.title == "U.S. Representative"
    assert len(profile.metadata["precinct_names"]) >= 1


# -- CDF -------------------------------------------------------------------------------


def test_cdf_json_overvote_at_one_rank() -> None:
    profile = tallyroom.read_ballots(
        SAMPLES / "cdf" / "test_set_1_exhaust_at_overvote_cvr.json", contest_id="test set 1"
    )
    assert profile.total == 15
    assert profile.overvote_groups
    assert detect_format(SAMPLES / "cdf" / "test_set_1_exhaust_at_overvote_cvr.json").name == "cdf"


def test_cdf_json_with_aliases() -> None:
    cfg = _config(SAMPLES / "cdf" / "aliases_cdf_json_config.json")
    profile = tallyroom.read_ballots(
        SAMPLES / "cdf" / "cdf_json_file2_cvr.json",
        format="cdf",
        candidates=_candidates(cfg),
        aliases=_aliases(cfg),
        contest_id="aliases file 2",
    )
    assert profile.total == 15
    assert set(_first_choices(profile)) <= {c["name"] for c in cfg["candidates"]}


def test_cdf_xml_nist_example_needs_adjudication_and_write_in() -> None:
    profile = tallyroom.read_ballots(
        SAMPLES / "cdf" / "nist_xml_cdf_2.xml",
        contest_id="For Governor and Lieutenant Governor",
    )
    assert profile.total == 1
    assert profile.metadata["records_without_contest"] >= 1


def test_cdf_unisyn_xml_write_ins_and_precincts() -> None:
    path = SAMPLES / "cdf" / "101-RCV-CVT_TEST_3_UNIOVS2103-2.xml"
    cfg = _config(SAMPLES / "cdf" / "unisyn_xml_cdf_city_mayor_config.json")
    profile = tallyroom.read_ballots(
        path,
        format="cdf",
        candidates=_candidates(cfg) + [Candidate("Undeclared Write-ins", write_in=True)],
        contest_id="For City C Mayor (1/3)",
        undeclared_write_in_label="UWI",
    )
    assert profile.total == 35
    assert any(p.startswith("Precinct") for p in profile.metadata["precinct_names"])


# -- Hart ------------------------------------------------------------------------------


def test_hart_folder_matches_rctab_first_round() -> None:
    folder = SAMPLES / "hart"
    cfg = _config(folder / "hart_cedar_park_school_board_config.json")
    expected = json.loads(
        (folder / "hart_cedar_park_school_board_expected_detailed_report.json").read_text()
    )
    source = cfg["cvrFileSources"][0]
    profile = tallyroom.read_ballots(
        folder / "hart_cvr_archive",
        candidates=_candidates(cfg) + [Candidate("Undeclared Write-ins", write_in=True)],
        aliases=_aliases(cfg),
        contest_id=source["contestId"],
        undeclared_write_in_label=source["undeclaredWriteInLabel"],
    )
    assert detect_format(folder / "hart_cvr_archive").name == "hart"
    assert profile.total == int(expected["summary"]["totalNumBallots"])
    first = _first_choices(profile)
    tally = {k: int(v) for k, v in expected["results"][0]["tally"].items() if int(v)}
    assert first == tally
    assert profile.metadata["batch_names"]


# -- Clear Ballot ----------------------------------------------------------------------


def test_clear_ballot_kansas_first_choices() -> None:
    folder = SAMPLES / "clear_ballot"
    profile = tallyroom.read_ballots(
        folder / "clear_ballot_kansas_primary.cvr.csv",
        contest_id="Democratic Primary",
        undeclared_write_in_label="UWI",
    )
    assert detect_format(folder / "clear_ballot_kansas_primary.cvr.csv").name == "clearballot"
    assert profile.total == 50
    assert _first_choices(profile)["Amy Klobuchar"] == 20


def test_clear_ballot_contest_name_with_a_comma() -> None:
    profile = tallyroom.read_ballots(
        SAMPLES / "clear_ballot" / "clear_ballot_with_inline_comma_cvr.csv",
        contest_id="City of Portland, Auditor",
    )
    assert profile.total == 178
    assert profile.candidate_names() == ("Simone test Rede", "Write-in-28", "Lisa Simpson")


# -- generic CSV -----------------------------------------------------------------------


def test_generic_csv_ranks_per_candidate_column() -> None:
    folder = SAMPLES / "generic_csv"
    profile = tallyroom.read_ballots(
        folder / "generic_csv_test_cvr.csv",
        format="generic-csv",
        first_vote_column_index=4,
        id_column_index=1,
        precinct_column_index=2,
        batch_column_index=3,
        undeclared_write_in_label="Write-In",
        keep_order=True,
    )
    assert profile.total == 26
    assert _first_choices(profile) == {
        "Lettuce": 5,
        "Broccoli": 3,
        "Cucumber": 8,
        "Cauliflower": 4,
        "Undeclared Write-ins": 6,
    }
    # Row 2 of the file: Broccoli 2, Cucumber 1.
    assert profile.metadata["ballot_ids"][0] == "R_3QEQ85E7gV2DuyG"
    assert profile.paper_order is not None
    assert profile.describe_code(int(profile.ballots[profile.paper_order[0]][0])) == "Cucumber"
    # Papers without a precinct or batch get RCTab's generic-CSV names for them.
    assert profile.metadata["precinct_names"] == ("p1", "p2", "no precinct id")
    assert profile.metadata["batch_names"] == ("b1", "b2", "no batch id")


def test_generic_csv_without_id_header() -> None:
    profile = tallyroom.read_ballots(
        SAMPLES / "generic_csv" / "csv_missing_header_test_cvr.csv",
        format="generic-csv",
        first_vote_column_index=2,
        undeclared_write_in_label="Write-In",
    )
    assert profile.total == 26


# -- several sources in one contest --------------------------------------------------------


def test_several_sources_merge_with_their_strata(tmp_path: Path) -> None:
    folder = SAMPLES / "ess"
    cfg = _config(folder / "precinct_example_config.json")
    opts = dict(
        format="ess",
        candidates=_candidates(cfg) + [Candidate("Undeclared Write-ins", write_in=True)],
        first_vote_column_index=2,
        precinct_column_index=1,
        skipped_rank_label="undervote",
        undeclared_write_in_label="UWI",
        max_rankings=3,
        keep_order=True,
    )
    one = tallyroom.read_ballots(folder / "precinct_example_cvr.xlsx", **opts)
    two = tallyroom.read_ballots([folder / "precinct_example_cvr.xlsx"] * 2, **opts)
    assert two.total == 2 * one.total
    assert two.metadata["precinct_names"] == one.metadata["precinct_names"]
    per_one = np.bincount(one.metadata["precinct"], weights=one.weights)
    per_two = np.bincount(two.metadata["precinct"], weights=two.weights)
    assert per_two.tolist() == (2 * per_one).tolist()
    assert len(two.metadata["ballot_ids"]) == two.total
    assert two.paper_order is not None and len(two.paper_order) == two.total


def test_overvote_label_is_an_overvote_code(tmp_path: Path) -> None:
    path = tmp_path / "cvr.csv"
    path.write_text("id,A,B\n1,1,1\n2,1,\n")
    profile = tallyroom.read_ballots(path, format="generic-csv", first_vote_column_index=2)
    assert profile.overvote_groups == ((0, 1),)
    assert OVERVOTE not in profile.ballots


def test_ess_empty_row_elements_are_papers_only_when_asked() -> None:
    """The sheet ends with three empty <row> elements (a spreadsheet program's leftovers).
    RCTab reads them as papers with no marks (its expected total is 19)."""
    folder = SAMPLES / "ess"
    expected = json.loads(
        (folder / "first_round_determines_threshold_test_expected_detailed_report.json").read_text()
    )
    opts = dict(
        format="ess",
        first_vote_column_index=4,
        overvote_label="overvote",
        skipped_rank_label="undervote",
        max_rankings=15,
    )
    path = folder / "first_round_determines_threshold_test_cvr.xlsx"
    plain = tallyroom.read_ballots(path, **opts)
    rctab = tallyroom.read_ballots(path, count_empty_rows=True, **opts)
    assert plain.total == 16
    assert rctab.total == int(expected["summary"]["totalNumBallots"]) == 19
    assert rctab.metadata["empty_rows_read"] == 3
    assert sum(w for codes, w in rctab.rows() if all(c == BLANK for c in codes)) == 3


def test_ess_sheet_starting_in_column_b(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws["B1"], ws["C1"], ws["D1"] = "Id", "1st", "2nd"
    ws.append([None, 1, "Ash", "Birch"])
    ws.append([None, 2, "", "Birch"])
    ws.append([None, None, None, None])
    ws.append([None, 4, "Birch", "undervote"])
    path = tmp_path / "b.xlsx"
    wb.save(path)
    profile = tallyroom.read_ballots(
        path,
        format="ess",
        first_vote_column_index=3,
        id_column_index=2,
        skipped_rank_label="undervote",
        keep_order=True,
    )
    assert profile.metadata["ballot_ids"] == ("1", "2", "4")
    assert [t for t, _ in profile.rankings()] == [("Ash", "Birch"), ("", "Birch"), ("Birch",)]
    assert profile.metadata["empty_rows_skipped"] == 1


def test_dominion_precinct_from_the_portion_when_records_name_none() -> None:
    folder = SAMPLES / "dominion_alaska_2024" / "partial_cvr"
    manifest = json.loads((folder / "PrecinctPortionManifest.json").read_text())["List"]
    precincts = {
        p["Id"]: p["Description"]
        for p in json.loads((folder / "PrecinctManifest.json").read_text())["List"]
    }
    profile = tallyroom.read_ballots(folder, contest_id="7", undeclared_write_in_label="476")
    allowed = {precincts[p["PrecinctId"]] for p in manifest if p.get("PrecinctId") in precincts}
    assert set(profile.metadata["precinct_names"]) <= allowed


def test_merge_names_the_stratum_of_files_without_one(tmp_path: Path) -> None:
    a = tmp_path / "a.csv"
    a.write_text("id,precinct,A,B\n1,North,1,2\n")
    b = tmp_path / "b.csv"
    b.write_text("id,A,B\n2,2,1\n")
    pa = tallyroom.read_ballots(
        a, format="generic-csv", first_vote_column_index=3, precinct_column_index=2
    )
    pb = tallyroom.read_ballots(b, format="generic-csv", first_vote_column_index=2)
    merged = Profile.merge([pa, pb])
    names = merged.metadata["precinct_names"]
    assert names == ("North", "missing_precinct_id")
    by_precinct = {
        names[int(i)]: t
        for i, (t, _) in zip(merged.metadata["precinct"], merged.rankings(), strict=True)
    }
    assert by_precinct == {"North": ("A", "B"), "missing_precinct_id": ("B", "A")}
