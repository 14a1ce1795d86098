"""With ``keep_order``, the CVR readers record how a file spells each candidate
(``metadata["cvr_spellings"]``; RCTab's CDF export writes that text), and which
candidates a file spells in more than one way (``metadata["mixed_spellings"]``)."""

from __future__ import annotations

from pathlib import Path

import tallyroom
from tests.formats.cvr_samples import SAMPLES
from tests.formats.cvr_samples import aliases as _aliases
from tests.formats.cvr_samples import candidates as _candidates
from tests.formats.cvr_samples import config as _config


def test_cdf_file_spelling_by_aliases() -> None:
    cfg = _config(SAMPLES / "cdf" / "aliases_cdf_json_config.json")
    profile = tallyroom.read_ballots(
        SAMPLES / "cdf" / "cdf_json_file2_cvr.json",
        format="cdf",
        candidates=_candidates(cfg),
        aliases=_aliases(cfg),
        contest_id="aliases file 2",
        keep_order=True,
    )
    spellings = dict(profile.metadata["cvr_spellings"])
    assert spellings["Unused Display Name Candidate A"] == "Candidate A Name File 2"
    assert spellings["Candidate B Name File 1"] == "Candidate B Name File 2"
    assert "mixed_spellings" not in profile.metadata


def test_ess_file_naming_one_candidate_several_ways() -> None:
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
        keep_order=True,
    )
    # "A", "A-2" and "A-3" all name A in this file.
    assert "A" in profile.metadata["mixed_spellings"]
    spellings = dict(profile.metadata["cvr_spellings"])
    assert set(spellings) <= set(profile.candidate_names())
    assert spellings["A"] in {"A", "A-2", "A-3"}


def test_spellings_only_with_keep_order(tmp_path: Path) -> None:
    path = tmp_path / "cvr.csv"
    path.write_text("id,A,B\n1,1,2\n2,2,1\n")
    plain = tallyroom.read_ballots(path, format="generic-csv", first_vote_column_index=2)
    assert "cvr_spellings" not in plain.metadata
    kept = tallyroom.read_ballots(
        path, format="generic-csv", first_vote_column_index=2, keep_order=True
    )
    assert dict(kept.metadata["cvr_spellings"]) == {"A": "A", "B": "B"}


def test_ess_keeps_each_papers_spelling_when_the_file_mixes_them() -> None:
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
        keep_order=True,
    )
    variants = profile.metadata["spelling_variants"]
    per_paper = profile.metadata["paper_spellings"]
    assert len(per_paper) == profile.total
    # Papers 1-3 rank A first as "A", "A-2", "A-3"; only mixed candidates are listed.
    assert [variants[int(v)][0] for v in per_paper[:3]] == [
        (("A", "A"),),
        (("A", "A-2"),),
        (("A", "A-3"),),
    ]
    assert all(name == "A" for v in variants for rank in v for name, _ in rank)
