"""BLT reader and writer: shipped files, conventions, malformed files, round trips."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tallyroom.api import detect_format, read_ballots
from tallyroom.ballots.marks import BLANK
from tallyroom.ballots.profile import Profile
from tallyroom.errors import BallotFileError
from tallyroom.formats import blt

DATA = Path(__file__).resolve().parents[1] / "data"
SCOT = DATA / "scotland_local_stv"
DROOP = DATA / "droop_fixtures" / "blt"


def write_text(tmp_path: Path, text: str, name: str = "t.blt") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_reads_compressed_scottish_ward() -> None:
    p = read_ballots(SCOT / "blt/2022/aberdeen_2022_ward1.blt.gz")
    assert p.seats == 4
    assert p.title == "Dyce-Bucksburn-Danestone Ward"
    assert len(p.candidates) == 8
    assert p.total == 6598  # the declared valid poll
    assert p.candidates[0].name == 'Gill AL-SAMARAI "Scottish National Party (SNP)"'
    assert p.inputs[0].path == "aberdeen_2022_ward1.blt.gz"


def test_detected_as_blt() -> None:
    assert detect_format(SCOT / "blt/2017/fife_2017_ward9.blt.gz").name == "blt"


def test_trailing_commas_and_bare_names() -> None:
    p = read_ballots(SCOT / "blt/by_elections/perth_kinross_2016_by_election_ward9.blt.gz")
    assert p.seats == 1
    assert p.candidate_names()[:4] == (
        "Kathleen BAIRD",
        "Denise BAYKAL",
        "George HAYTON",
        "Wilma,LUMSDEN",
    )
    assert p.title == "Ward 9 - Almond and Earn"


def test_name_and_party_as_two_quoted_strings() -> None:
    p = read_ballots(SCOT / "blt/2022/west_lothian_2022_ward1.blt.gz")
    assert (p.candidates[0].name, p.candidates[0].party) == (
        "Pamela BARNES",
        "Scottish Green Party",
    )
    assert p.title == "Ward 1 - Linlithgow"


def test_names_only_in_alternative_name_comments() -> None:
    p = read_ballots(SCOT / "blt/2007/glasgow_2007_calton.blt.gz")
    assert p.candidate_names()[0] == "Gary Barton (Ind)"
    assert p.title == "Calton ward"
    assert len(p.metadata["blt_alternative_names"]) == 10


def test_every_scottish_file_matches_the_index() -> None:
    import csv

    with (SCOT / "index.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 1100
    for row in rows:
        p = blt.read(SCOT / (row["file"] + ".gz"), {})
        assert (p.seats, len(p.candidates), p.total) == (
            int(row["seats"]),
            int(row["candidates"]),
            int(row["ballots"]),
        ), row["file"]


def test_withdrawn_line_and_option_agree() -> None:
    a = read_ballots(DROOP / "SCw.blt")
    b = read_ballots(DROOP / "SCwopt.blt")
    assert a.withdrawn == b.withdrawn == frozenset({a.candidate_names()[3]})
    assert list(a.rankings()) == list(b.rankings())


def test_equal_rankings_with_nicknames() -> None:
    p = read_ballots(DROOP / "meek" / "eq2.blt")
    ranks = dict(p.rankings())
    assert ranks[("A", "B+C", "D")] == 5
    assert ranks[("C+D", "A+B")] == 3


def test_tie_order_droop_options_and_undeclared() -> None:
    assert read_ballots(DROOP / "42t.blt").metadata["blt_tie_order"] == [
        "Helen",
        "Pollux",
        "Castor",
    ]
    assert read_ballots(DROOP / "mpls" / "tie.blt").metadata["blt_droop_options"] == "precision=5"
    assert read_ballots(DROOP / "mpls" / "undeclared.blt").metadata["blt_undeclared"] == ["Paris"]


def test_byte_order_mark_and_text_after_title() -> None:
    assert read_ballots(DROOP / "42ubom.blt").candidate_names()[0] == "Cåstor"
    p = read_ballots(DROOP / "cfer" / "dk1-2.blt")
    assert p.metadata["blt_after_title"][0] == "A:  123 votes"


def test_skipped_preference_and_ballot_ids(tmp_path: Path) -> None:
    path = write_text(tmp_path, '3 1\n(a1) 2 1 - 3 0\n(a2) 1 2 0\n0\n"A"\n"B"\n"C"\n"T"\n')
    p = read_ballots(path, format="blt")
    assert dict(p.rankings())[("A", "", "C")] == 2
    assert p.metadata["blt_ballot_ids"] == ["a1", "a2"]


def test_ballot_spanning_lines(tmp_path: Path) -> None:
    path = write_text(tmp_path, '2 1\n3 1\n2 0 4 2 0\n0\n"A"\n"B"\n')
    p = read_ballots(path, format="blt")
    assert dict(p.rankings()) == {("A", "B"): 3, ("B",): 4}
    assert p.title is None


def test_keep_order_repeats_each_line(tmp_path: Path) -> None:
    path = write_text(tmp_path, '2 1\n2 1 0\n1 2 0\n1 1 0\n0\n"A"\n"B"\n"T"\n')
    p = read_ballots(path, format="blt", keep_order=True)
    assert p.paper_order is not None
    first = [int(p.ballots[k, 0]) for k in p.paper_order.tolist()]
    assert first == [0, 0, 1, 0]


@pytest.mark.parametrize(
    ("text", "problem", "line"),
    [
        ("", "empty file", 1),
        ("x y\n", "first line must be", 1),
        ("3 0\n1 1 0\n0\n", "at least 1", 1),
        ('2 3\n1 1 0\n0\n"A"\n"B"\n', "declares 3 seats but only 2 candidates", 1),
        ('3 2\n-1 -2\n1 3 0\n0\n"A"\n"B"\n"C"\n', "2 seats but only 1 candidates (2 withdrawn)", 1),
        ('2 1\n1 3 0\n0\n"A"\n"B"\n', "candidate number 3 is out of range 1..2", 2),
        ('2 1\n1 1 0\n1 x 0\n0\n"A"\n"B"\n', "'x' is not a candidate number", 3),
        ('2 1\n1 1 2\n"A"\n"B"\n', "does not end with 0", 2),
        ("2 1\n1 1 2 0\n", "missing the end-of-ballots line", 2),
        ("2 1\n1 1 2\n", "does not end with 0", 2),
        ('2 1\n1 1 0\n0\n"A"\n', "declares 2 candidates but names 1", 4),
        ('2 1\n1.5 1 0\n0\n"A"\n"B"\n', "weight '1.5' is not a whole number", 2),
        ('2 1\n0\n"A"\n"B"\n', "zero valid papers", None),
        ('2 1\n1 1 0\n0\n"A"\n"A"\n', "appears twice", 5),
        ('2 1\n[colour red]\n1 1 0\n0\n"A"\n"B"\n', "valid options: [withdrawn ...]", 2),
        ('2 1\n1 1 0\n0\n"A"\n"exhausted"\n', "reserved", 5),
    ],
)
def test_malformed_files_name_file_line_and_problem(
    tmp_path: Path, text: str, problem: str, line: int | None
) -> None:
    path = write_text(tmp_path, text)
    with pytest.raises(BallotFileError) as info:
        blt.read(path, {})
    assert problem in info.value.problem
    assert info.value.line == line
    assert info.value.path == str(path)


def test_unknown_read_option_lists_valid_ones(tmp_path: Path) -> None:
    path = write_text(tmp_path, '1 1\n1 1 0\n0\n"A"\n')
    with pytest.raises(BallotFileError, match="valid options: keep_order"):
        blt.read(path, {"keep_ordre": True})


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "bad.blt"
    path.write_bytes(b'1 1\n1 1 0\n0\n"\xff"\n')
    with pytest.raises(BallotFileError, match="not valid UTF-8"):
        blt.read(path, {})


def test_gzip_round_trip(tmp_path: Path) -> None:
    src = read_ballots(DROOP / "SCw.blt")
    out = tmp_path / "o.blt"
    blt.write(src, out, {})
    gz = tmp_path / "o.blt.gz"
    gz.write_bytes(gzip.compress(out.read_bytes()))
    back = read_ballots(gz)
    assert sorted(back.rankings()) == sorted(src.rankings())
    assert back.withdrawn == src.withdrawn
    assert back.title == src.title


def test_write_refuses_what_blt_cannot_hold(tmp_path: Path) -> None:
    p = Profile.from_rankings("AB", [(("A", "*"), 2)], seats=1)
    with pytest.raises(BallotFileError, match="cannot record the mark"):
        blt.write(p, tmp_path / "x.blt", {})
    with pytest.raises(BallotFileError, match="rejected papers"):
        blt.write(p.with_rejected({"unmarked": 3}), tmp_path / "x.blt", {})
    with pytest.raises(BallotFileError, match="number of seats"):
        blt.write(Profile.from_rankings("AB", [(("A",), 1)]), tmp_path / "x.blt", {})


# -- property: write -> read gives the same ballots ------------------------------------

_name_chars = st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r")
_names = (
    st.text(_name_chars, min_size=1, max_size=12)
    .map(str.strip)
    .filter(
        lambda s: (
            bool(s)
            and not s.startswith('"')
            and s.lower() not in {"exhausted", "loss to fractions"}
            and s not in {"*", "?"}  # Profile.from_rankings' overvote and uncertain marks
        )
    )
)


@st.composite
def profiles(draw: st.DrawFn) -> Profile:
    names = draw(st.lists(_names, min_size=1, max_size=6, unique=True))
    n = len(names)
    choices = [st.sampled_from(names), st.none()]
    if n >= 2:
        choices.append(st.lists(st.sampled_from(names), min_size=2, max_size=3, unique=True))
    position = st.one_of(*choices)
    rankings = draw(
        st.lists(
            st.tuples(st.lists(position, min_size=0, max_size=n + 1), st.integers(1, 50)),
            min_size=1,
            max_size=12,
        )
    )
    withdrawn = draw(st.sets(st.sampled_from(names), max_size=n - 1))
    seats = draw(st.integers(1, n - len(withdrawn)))
    title = draw(st.one_of(st.none(), _names))
    parties = draw(st.lists(st.one_of(st.none(), _names), min_size=n, max_size=n))
    from tallyroom.ballots.candidates import Candidate

    cands = [Candidate(nm, pt) for nm, pt in zip(names, parties, strict=True)]
    return Profile.from_rankings(
        cands,
        [(tuple(x if not isinstance(x, list) else tuple(x) for x in r), w) for r, w in rankings],
        seats=seats,
        title=title,
        withdrawn=frozenset(withdrawn),
    )


@settings(max_examples=150, deadline=None)
@given(profiles(), st.booleans())
def test_write_then_read_round_trips(profile: Profile, keep_order: bool) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "p.blt"
        if keep_order:
            order = np.repeat(np.arange(profile.n_distinct, dtype=np.int64), profile.weights)[
                ::-1
            ].copy()
            from dataclasses import replace

            profile = replace(profile, paper_order=order)
        blt.write(profile, path, {})
        back = blt.read(path, {"keep_order": keep_order})
    assert list(back.candidates) == list(profile.candidates)
    assert (back.seats, back.title, back.withdrawn) == (
        profile.seats,
        profile.title,
        profile.withdrawn,
    )
    assert sorted(back.rankings()) == sorted(profile.rankings())
    assert back.total == profile.total
    if keep_order:
        assert back.paper_order is not None and profile.paper_order is not None
        ours = [
            back.describe_code(c) for k in back.paper_order.tolist() for c in back.ballots[k][:1]
        ]
        theirs = [
            profile.describe_code(c)
            for k in profile.paper_order.tolist()
            for c in profile.ballots[k][:1]
        ]
        assert ours == theirs


def test_blank_rows_survive(tmp_path: Path) -> None:
    p = Profile.from_rankings("AB", [((None, "B"), 2), ((), 1)], seats=1)
    blt.write(p, tmp_path / "b.blt", {})
    back = blt.read(tmp_path / "b.blt", {})
    assert sorted(back.rankings()) == sorted(p.rankings())
    assert back.ballots[:, 0].tolist().count(BLANK) == 2


_VALID = '3 2\n-3\n[tie 1 2 3]\n4 1 2 0\n(x) 2 2=3 - 1 0\n1 3 0\n0\n"A"\n"B" "P"\n"C"\n"Title"\n'
_TOKENS = [
    "0",
    "1",
    "2",
    "3",
    "4",
    "-1",
    "-",
    "=",
    "1=2",
    "(id)",
    "[tie 1]",
    "[nick a b c]",
    '"Q"',
    "#",
    ",",
    "x",
    "\n",
    " ",
    "1.5",
    '""',
    "²",
    "٣",
    "1_0",
]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, len(_VALID)), st.integers(0, 3), st.sampled_from(_TOKENS)),
        min_size=1,
        max_size=4,
    )
)
def test_damaged_files_give_a_clear_error_or_a_profile(edits: list[tuple[int, int, str]]) -> None:
    """Cut and insert tokens anywhere: the reader returns a profile or raises BallotFileError, nothing else."""
    import tempfile

    text = _VALID
    for at, cut, token in edits:
        at = min(at, len(text))
        text = text[:at] + token + text[at + cut :]
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "d.blt"
        path.write_text(text, encoding="utf-8")
        try:
            p = blt.read(path, {})
        except BallotFileError as exc:
            assert exc.path == str(path) and exc.problem
        else:
            assert p.total > 0 and p.seats is not None and p.seats <= len(p.candidates)
