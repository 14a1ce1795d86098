"""Property tests: papers written as a CVR (generic CSV, ES&S workbook) read back as the
same papers, in the same order, with the same strata."""

from __future__ import annotations

import csv
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import tallyroom

NAMES = ["Ash", "Birch", "Cedar", "Dogwood"]
#: a rank position: a candidate, nothing, or two candidates marked together
Position = str | None | tuple[str, str]


def _positions() -> st.SearchStrategy[Position]:
    pair = st.tuples(st.sampled_from(NAMES), st.sampled_from(NAMES)).filter(lambda p: p[0] < p[1])
    return st.one_of(st.sampled_from(NAMES), st.none(), pair)


papers_strategy = st.lists(
    st.tuples(st.lists(_positions(), max_size=4), st.sampled_from(["North", "South", "East"])),
    min_size=1,
    max_size=25,
)


def _canonical(ranking: list[Position]) -> tuple[str, ...]:
    """The paper as the profile describes it: overvotes as 'A+B', trailing blanks dropped."""
    out = ["" if p is None else p if isinstance(p, str) else "+".join(sorted(p)) for p in ranking]
    while out and out[-1] == "":
        out.pop()
    return tuple(out)


def _expected(papers: list[tuple[list[Position], str]]) -> Counter[tuple[tuple[str, ...], str]]:
    return Counter((_canonical(r), precinct) for r, precinct in papers)


def _read_back(profile: tallyroom.Profile) -> Counter[tuple[tuple[str, ...], str]]:
    names = profile.metadata["precinct_names"]
    got: Counter[tuple[tuple[str, ...], str]] = Counter()
    for k, (texts, weight) in enumerate(profile.rankings()):
        got[(texts, names[int(profile.metadata["precinct"][k])])] += weight
    return got


@settings(max_examples=60, deadline=None)
@given(papers_strategy)
def test_generic_csv_round_trip(papers: list[tuple[list[Position], str]]) -> None:
    # A paper with two candidates at one rank, or one candidate at two ranks, is written as
    # those ranks; a candidate may hold only one rank in a rank-per-candidate file.
    usable = [(r, p) for r, p in papers if _one_rank_each(r)]
    if not usable:
        return
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "cvr.csv"
        with open(path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["id", "precinct", *NAMES])
            for k, (ranking, precinct) in enumerate(usable):
                cells = {n: "" for n in NAMES}
                for rank, pos in enumerate(ranking, start=1):
                    for name in () if pos is None else (pos,) if isinstance(pos, str) else pos:
                        cells[name] = str(rank)
                w.writerow([f"b{k}", precinct, *(cells[n] for n in NAMES)])
        profile = tallyroom.read_ballots(
            path,
            format="generic-csv",
            candidates=NAMES,
            first_vote_column_index=3,
            id_column_index=1,
            precinct_column_index=2,
            keep_order=True,
        )
    assert profile.total == len(usable)
    assert _read_back(profile) == _expected(usable)
    assert profile.metadata["ballot_ids"] == tuple(f"b{k}" for k in range(len(usable)))


def _one_rank_each(ranking: list[Position]) -> bool:
    marked = [n for p in ranking if p is not None for n in ((p,) if isinstance(p, str) else p)]
    return len(marked) == len(set(marked))


@settings(max_examples=15, deadline=None)
@given(papers_strategy)
def test_ess_workbook_round_trip(papers: list[tuple[list[Position], str]]) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Cast Vote Record", "Precinct", "1st", "2nd", "3rd", "4th"])
    for k, (ranking, precinct) in enumerate(papers, start=1):
        cells = [
            "undervote" if p is None else p if isinstance(p, str) else "|".join(p) for p in ranking
        ]
        ws.append([k, precinct, *cells, *["undervote"] * (4 - len(cells))])
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "cvr.xlsx"
        wb.save(path)
        profile = tallyroom.read_ballots(
            path,
            format="ess",
            candidates=NAMES,
            first_vote_column_index=3,
            id_column_index=1,
            precinct_column_index=2,
            skipped_rank_label="undervote",
            overvote_delimiter="|",
            keep_order=True,
        )
    assert profile.total == len(papers)
    assert _read_back(profile) == _expected(papers)
    assert profile.metadata["ballot_ids"] == tuple(str(k) for k in range(1, len(papers) + 1))
    assert profile.paper_order is not None
    for k, (ranking, _) in enumerate(papers):
        row = profile.ballots[profile.paper_order[k]]
        texts = tuple(profile.describe_code(int(c)) for c in row)
        assert _canonical(list(texts)) == _canonical(ranking)  # type: ignore[arg-type]


def _cdf_report(papers: list[tuple[list[Position], str]], on_selection: bool) -> dict[str, object]:
    """A NIST CDF JSON report of ``papers``; ranks on the selection or on its positions."""
    cvrs = []
    for k, (ranking, precinct) in enumerate(papers):
        selections = []
        for rank, pos in enumerate(ranking, start=1):
            for name in () if pos is None else (pos,) if isinstance(pos, str) else pos:
                sel: dict[str, object] = {"ContestSelectionId": f"cs-{name}"}
                if on_selection:
                    sel["Rank"] = rank
                else:
                    sel["SelectionPosition"] = [
                        {"HasIndication": "yes", "IsAllocable": "unknown", "Rank": rank},
                        # a position without indication is no mark (NIST 1500-103 §3.4.2)
                        {"HasIndication": "no", "IsAllocable": "unknown", "Rank": rank + 9},
                    ]
                selections.append(sel)
        cvrs.append(
            {
                "BallotPrePrintedId": f"p{k}",
                "BallotStyleUnitId": f"gp-{precinct}",
                "CurrentSnapshotId": f"s{k}",
                "CVRSnapshot": [
                    {"@id": f"old{k}", "CVRContest": []},
                    {
                        "@id": f"s{k}",
                        "CVRContest": [{"ContestId": "c1", "CVRContestSelection": selections}],
                    },
                ],
            }
        )
    return {
        "CVR": cvrs,
        "GpUnit": [{"@id": f"gp-{p}", "Name": p} for p in ("North", "South", "East")],
        "Election": [
            {
                "@id": "e1",
                "Candidate": [{"@id": f"c-{n}", "Name": n} for n in NAMES],
                "Contest": [
                    {
                        "@id": "c1",
                        "Name": "Mayor",
                        "ContestSelection": [
                            {"@id": f"cs-{n}", "CandidateIds": [f"c-{n}"]} for n in NAMES
                        ],
                    }
                ],
            }
        ],
    }


@settings(max_examples=40, deadline=None)
@given(papers_strategy, st.booleans())
def test_cdf_json_round_trip(papers: list[tuple[list[Position], str]], on_selection: bool) -> None:
    import json

    usable = [(r, p) for r, p in papers if _one_rank_each(r)]
    if not usable:
        return
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "cvr.json"
        path.write_text(json.dumps(_cdf_report(usable, on_selection)))
        profile = tallyroom.read_ballots(path, contest_id="Mayor", keep_order=True)
    assert profile.candidate_names() == tuple(NAMES)
    assert _read_back(profile) == _expected(usable)
    assert profile.metadata["ballot_ids"] == tuple(f"p{k}" for k in range(len(usable)))
