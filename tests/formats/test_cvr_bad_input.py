"""Bad CVR input: each reader names the file (and the line or record) and the problem."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

import tallyroom
from tallyroom.errors import BallotFileError, RuleConfigError
from tests.formats.cvr_samples import SAMPLES

ESS = SAMPLES / "ess" / "test_set_overvote_delimiter_cvr.xlsx"
ESS_OPTS = {
    "format": "ess",
    "first_vote_column_index": 2,
    "id_column_index": 1,
    "overvote_delimiter": "|",
}


def _raises(path: Path, match: str, **options: object) -> BallotFileError:
    with pytest.raises(BallotFileError, match=match) as info:
        tallyroom.read_ballots(path, **options)  # type: ignore[arg-type]
    assert info.value.path is not None
    assert Path(info.value.path).name == path.name or path.name in str(info.value)
    return info.value


# -- unknown formats and options ----------------------------------------------------


def test_unknown_format_lists_the_valid_ones() -> None:
    with pytest.raises(RuleConfigError, match="unknown format 'esss'; valid formats: .*ess"):
        tallyroom.read_ballots(ESS, format="esss")


@pytest.mark.parametrize("fmt", ["ess", "dominion", "cdf", "hart", "clearballot", "generic-csv"])
def test_unknown_option_lists_valid_options(fmt: str) -> None:
    with pytest.raises(BallotFileError, match="unknown option.*overvote_lable.*valid options:"):
        tallyroom.read_ballots(ESS, format=fmt, overvote_lable="x")


# -- ES&S ------------------------------------------------------------------------------


def test_ess_missing_file(tmp_path: Path) -> None:
    _raises(tmp_path / "absent.xlsx", "no such file", **ESS_OPTS)


def test_ess_not_a_workbook(tmp_path: Path) -> None:
    bad = tmp_path / "junk.xlsx"
    bad.write_bytes(b"Cast Vote Record,Precinct\n1,North\n")
    _raises(bad, "not an .xlsx workbook", **ESS_OPTS)


def test_ess_zip_without_a_sheet(tmp_path: Path) -> None:
    bad = tmp_path / "empty.xlsx"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    _raises(bad, "corrupt or unreadable .xlsx", **ESS_OPTS)


def test_ess_truncated_workbook(tmp_path: Path) -> None:
    bad = tmp_path / "cut.xlsx"
    data = ESS.read_bytes()
    bad.write_bytes(data[: len(data) // 2])
    _raises(bad, "xlsx", **ESS_OPTS)


def test_ess_unknown_candidate_names_the_row() -> None:
    err = _raises(ESS, "unknown candidate 'D'", candidates=["A", "B", "C"], **ESS_OPTS)
    assert err.line is not None and err.line >= 2


def test_ess_requires_first_vote_column() -> None:
    _raises(ESS, "first_vote_column_index is required", format="ess")


def test_ess_column_beyond_the_sheet() -> None:
    _raises(
        ESS,
        "precinct_column_index is 40 but the sheet has 4 columns",
        precinct_column_index=40,
        **ESS_OPTS,
    )


def test_ess_bad_index_value() -> None:
    _raises(ESS, "must be a whole number", format="ess", first_vote_column_index="B")
    _raises(ESS, "1-based", format="ess", first_vote_column_index=0)


# -- Dominion --------------------------------------------------------------------------


@pytest.fixture
def dominion(tmp_path: Path) -> Path:
    folder = tmp_path / "cvr"
    shutil.copytree(SAMPLES / "dominion_alaska_2024" / "partial_cvr", folder)
    return folder


def test_dominion_folder_without_exports(dominion: Path) -> None:
    for p in dominion.glob("CvrExport*.json"):
        p.unlink()
    _raises(dominion, "no CvrExport.json", contest_id="7")


def test_dominion_missing_manifest(dominion: Path) -> None:
    (dominion / "CandidateManifest.json").unlink()
    with pytest.raises(BallotFileError, match="CandidateManifest.json.*no such file|no such file"):
        tallyroom.read_ballots(dominion, format="dominion", contest_id="7")


def test_dominion_corrupt_json_names_file_and_line(dominion: Path) -> None:
    export = dominion / "CvrExport_1732.json"
    export.write_text(export.read_text()[:500])
    with pytest.raises(BallotFileError, match="CvrExport_1732.json.*corrupt JSON") as info:
        tallyroom.read_ballots(dominion, contest_id="7")
    assert info.value.line is not None


def test_dominion_unknown_candidate_id(dominion: Path) -> None:
    export = dominion / "CvrExport_1739.json"
    data = json.loads(export.read_text())
    for card in data["Sessions"][0]["Original"]["Cards"]:
        for contest in card["Contests"]:
            if contest["Id"] == 7:
                contest["Marks"][0]["CandidateId"] = 99999
    export.write_text(json.dumps(data))
    with pytest.raises(
        BallotFileError, match="candidate id 99999 is not a candidate of contest 7"
    ) as info:
        tallyroom.read_ballots(dominion, contest_id="7")
    assert info.value.path is not None and info.value.path.endswith("CvrExport_1739.json")
    assert info.value.line == 1


def test_dominion_unknown_contest_lists_contests(dominion: Path) -> None:
    with pytest.raises(
        BallotFileError, match="no contest with Id '999'; contests: .*U.S. Representative"
    ):
        tallyroom.read_ballots(dominion, contest_id="999")


def test_dominion_needs_contest_id(dominion: Path) -> None:
    _raises(dominion, "contest_id is required", format="dominion")


def test_dominion_candidate_list_without_the_id(dominion: Path) -> None:
    with pytest.raises(
        BallotFileError, match=r"candidate id 5\d\d \('.*' in the manifest\) matches no candidate"
    ) as info:
        tallyroom.read_ballots(
            dominion, contest_id="7", candidates=["Nobody Known"], undeclared_write_in_label="476"
        )
    assert info.value.path is not None and "CvrExport_" in info.value.path
    assert info.value.line is not None


# -- CDF -------------------------------------------------------------------------------


def test_cdf_corrupt_json(tmp_path: Path) -> None:
    bad = tmp_path / "cvr.json"
    text = (SAMPLES / "cdf" / "test_set_1_exhaust_at_overvote_cvr.json").read_text()
    bad.write_text(text[: len(text) // 3])
    err = _raises(bad, "corrupt JSON", format="cdf", contest_id="test set 1")
    assert err.line is not None


def test_cdf_corrupt_xml(tmp_path: Path) -> None:
    bad = tmp_path / "cvr.xml"
    text = (SAMPLES / "cdf" / "nist_xml_cdf_2.xml").read_text()
    bad.write_text(text[: len(text) // 2])
    err = _raises(bad, "corrupt XML", format="cdf", contest_id="x")
    assert err.line is not None


def test_cdf_unknown_selection_id(tmp_path: Path) -> None:
    data = json.loads((SAMPLES / "cdf" / "test_set_1_exhaust_at_overvote_cvr.json").read_text())
    sel = data["CVR"][2]["CVRSnapshot"][0]["CVRContest"][0]["CVRContestSelection"][0]
    sel["ContestSelectionId"] = "cs-nobody"
    bad = tmp_path / "cvr.json"
    bad.write_text(json.dumps(data))
    _raises(
        bad, "CVR 3 .*unknown ContestSelectionId 'cs-nobody'", format="cdf", contest_id="test set 1"
    )


def test_cdf_unknown_contest(tmp_path: Path) -> None:
    _raises(
        SAMPLES / "cdf" / "test_set_1_exhaust_at_overvote_cvr.json",
        "no contest named 'nope'; contests: test set 1",
        format="cdf",
        contest_id="nope",
    )


def test_cdf_not_a_report(tmp_path: Path) -> None:
    bad = tmp_path / "other.json"
    bad.write_text('{"hello": 1}')
    _raises(bad, "not a NIST CDF", format="cdf", contest_id="x")


# -- Hart ------------------------------------------------------------------------------


@pytest.fixture
def hart(tmp_path: Path) -> Path:
    folder = tmp_path / "hart"
    shutil.copytree(SAMPLES / "hart" / "hart_cvr_archive", folder)
    return folder


CEDAR = "b651b997-417a-46d9-a676-a43d4df94ddc"


def test_hart_corrupt_xml(hart: Path) -> None:
    victim = sorted(hart.glob("*.xml"))[3]
    victim.write_text(victim.read_text(encoding="utf-8-sig")[:200])
    with pytest.raises(BallotFileError, match="corrupt XML") as info:
        tallyroom.read_ballots(hart, format="hart", contest_id=CEDAR)
    assert info.value.path == str(victim)


def test_hart_bad_value(hart: Path) -> None:
    def marked(text: str) -> bool:
        start = text.find(CEDAR)
        return start >= 0 and "<Value>" in text[start : text.index("</Contest>", start)]

    victim = next(
        p for p in sorted(hart.glob("*.xml")) if marked(p.read_text(encoding="utf-8-sig"))
    )
    text = victim.read_text(encoding="utf-8-sig")
    at = text.index("<Value>", text.index(CEDAR))
    victim.write_text(text[:at] + "<Value>01x0</Value>" + text[text.index("</Value>", at) + 8 :])
    with pytest.raises(BallotFileError, match="Value '01x0' is not a string of 0s and 1s"):
        tallyroom.read_ballots(hart, format="hart", contest_id=CEDAR)


def test_hart_unknown_candidate(hart: Path) -> None:
    with pytest.raises(BallotFileError, match=r"option .* \('.*'\) matches no candidate") as info:
        tallyroom.read_ballots(hart, format="hart", contest_id=CEDAR, candidates=["Someone Else"])
    assert info.value.path is not None and info.value.path.endswith(".xml")


def test_alias_clashing_with_another_candidate() -> None:
    with pytest.raises(BallotFileError, match="alias 'B' of 'A' is also the name or code of 'B'"):
        tallyroom.read_ballots(ESS, candidates=["A", "B", "C", "D"], aliases={"B": "A"}, **ESS_OPTS)


def test_hart_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    _raises(tmp_path / "empty", "no Hart CVR .xml files", format="hart", contest_id=CEDAR)


# -- Clear Ballot and generic CSV ----------------------------------------------------------


def test_clear_ballot_bad_cell_names_the_line(tmp_path: Path) -> None:
    src = SAMPLES / "clear_ballot" / "clear_ballot_kansas_primary.cvr.csv"
    lines = src.read_text().splitlines()
    cells = lines[5].split(",")
    cells[12] = "2"
    lines[5] = ",".join(cells)
    bad = tmp_path / "cb.csv"
    bad.write_text("\n".join(lines) + "\n")
    err = _raises(bad, "choice cell '2' is neither 0 nor 1", contest_id="Democratic Primary")
    assert err.line == 6


def test_clear_ballot_unknown_contest_lists_contests() -> None:
    _raises(
        SAMPLES / "clear_ballot" / "clear_ballot_kansas_primary.cvr.csv",
        "no choice columns for contest 'Mayor'; contests: 'Democratic Primary'",
        format="clearballot",
        contest_id="Mayor",
    )


def test_generic_csv_bad_rank_and_short_row(tmp_path: Path) -> None:
    bad = tmp_path / "g.csv"
    bad.write_text("id,A,B\n1,1,2\n2,first,\n")
    err = _raises(
        bad, "rank 'first' is not a whole number", format="generic-csv", first_vote_column_index=2
    )
    assert err.line == 3
    bad.write_text("id,A,B\n1,1,2\n2,1\n")
    err = _raises(
        bad, "expected 3 fields, found 2", format="generic-csv", first_vote_column_index=2
    )
    assert err.line == 3
    bad.write_text("id,A,B\n1,0,1\n")
    _raises(bad, "rank 0 is not 1 or more", format="generic-csv", first_vote_column_index=2)
