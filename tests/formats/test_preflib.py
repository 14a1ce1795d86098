"""PrefLib reader and writer: real files, bad input, write→read round trip."""

from __future__ import annotations

import gzip
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tallyroom
from tallyroom.api import detect_format
from tallyroom.ballots.profile import Profile
from tallyroom.errors import BallotFileError
from tallyroom.formats import preflib

DATA = Path(__file__).parent.parent / "data"
BURLINGTON = DATA / "preflib_burlington_2009" / "00005-00000002.toi"
NSW = DATA / "nsw_la_2015_2023"

HEAD = """# FILE NAME: t.{ext}
# TITLE: Test
# DATA TYPE: {ext}
# NUMBER ALTERNATIVES: 3
# NUMBER VOTERS: {voters}
# NUMBER UNIQUE ORDERS: {unique}
# ALTERNATIVE NAME 1: Ash
# ALTERNATIVE NAME 2: Birch
# ALTERNATIVE NAME 3: Cedar
"""


def _file(
    tmp_path: Path,
    body: str,
    ext: str = "toi",
    voters: int | None = None,
    unique: int | None = None,
) -> Path:
    lines = [ln for ln in body.strip().splitlines() if ln.strip()]
    if voters is None:
        voters = sum(int(ln.split(":")[0]) for ln in lines)
    if unique is None:
        unique = len(lines)
    p = tmp_path / f"t.{ext}"
    p.write_text(HEAD.format(ext=ext, voters=voters, unique=unique) + body.strip() + "\n")
    return p


def test_burlington_2009_first_preferences_and_overvotes() -> None:
    profile = tallyroom.read_ballots(BURLINGTON)
    assert profile.title == "2009 Burlington Mayoral Election"
    assert profile.total == 8980
    assert profile.n_distinct == 384
    assert profile.candidate_names() == (
        "Bob Kiss",
        "Andy Montroll",
        "James Simpson",
        "Dan Smith",
        "Kurt Wright",
        "Write-In",
    )
    # Official round 1 (Wikipedia infobox): Wright 2951, Kiss 2585, Montroll 2063, Smith 1306.
    first = dict(zip(profile.candidate_names(), profile.first_preferences().tolist(), strict=True))
    assert first["Kurt Wright"] == 2951
    assert first["Bob Kiss"] == 2585
    assert first["Andy Montroll"] == 2063
    assert first["Dan Smith"] == 1306
    # Ties in this CVR-derived file are overvotes: grouped, never dropped.
    assert profile.overvote_groups
    overvoted = sum(w for codes, w in profile.rows() if any(c <= -10 for c in codes))
    assert overvoted > 0
    assert (
        sum(first.values()) + sum(w for codes, w in profile.rows() if codes[0] <= -10)
        == profile.total
    )


def test_detected_by_content_and_extension(tmp_path: Path) -> None:
    assert detect_format(BURLINGTON).name == "preflib"
    gz = sorted(NSW.glob("*.soi.gz"))[0]
    assert detect_format(gz).name == "preflib"


def test_nsw_gzip_files_match_their_headers() -> None:
    files = sorted(NSW.glob("*.soi.gz"))
    assert len(files) == 279
    p = tallyroom.read_ballots(files[0])
    assert p.title == "Albury 2015"
    assert p.total == 46347
    assert p.n_distinct == 238
    assert p.candidate_names()[0] == "JACKSON Ross"
    # The first data line: "18502: 4" -> APLIN Greg alone.
    assert ((p.candidates.index_of("APLIN Greg"),), 18502) in {
        (tuple(c for c in codes if c != -1), w) for codes, w in p.rows()
    }


def test_candidate_list_option_fixes_order(tmp_path: Path) -> None:
    path = _file(tmp_path, "3: 1,2\n2: {2,3},1\n1: 3")
    p = tallyroom.read_ballots(path, candidates=["Cedar", "Birch", "Ash", "Dogwood"])
    assert p.candidate_names() == ("Cedar", "Birch", "Ash", "Dogwood")
    assert dict(p.rankings()) == {("Ash", "Birch"): 3, ("Cedar+Birch", "Ash"): 2, ("Cedar",): 1}
    with pytest.raises(BallotFileError, match="not in the candidate list: Cedar"):
        tallyroom.read_ballots(path, candidates=["Ash", "Birch"])


def test_keep_order_expands_counts_in_file_order(tmp_path: Path) -> None:
    path = _file(tmp_path, "2: 1,2\n1: 3\n1: 1,2")
    p = tallyroom.read_ballots(path, keep_order=True)
    assert p.paper_order is not None
    assert p.paper_order.tolist() == [0, 0, 1, 0]


@pytest.mark.parametrize(
    ("body", "ext", "problem", "line"),
    [
        ("2: 1,4", "toi", "unknown alternative 4", 10),
        ("2: 1,1", "toi", "alternative 1 appears twice", 10),
        ("2: 1,{2,3}", "soi", "a tie", 10),
        ("2: 1,2", "toc", "ranks 2 of 3 alternatives", 10),
        ("2: 1,x", "toi", "'x' is not an alternative number", 10),
        ("2: 1,2,", "toi", "order ends with ','", 10),
        ("2: 1,{2,3", "toi", "malformed order", 10),
        ("two: 1", "toi", "expected 'count: order'", 10),
        ("2: ", "toi", "ranks no alternative", 10),
    ],
)
def test_bad_orders_name_file_line_and_problem(
    tmp_path: Path, body: str, ext: str, problem: str, line: int
) -> None:
    path = _file(tmp_path, body, ext=ext, voters=2, unique=1)
    with pytest.raises(BallotFileError, match=problem) as info:
        tallyroom.read_ballots(path, format="preflib")
    assert info.value.path == str(path)
    assert info.value.line == line


def test_header_totals_are_checked(tmp_path: Path) -> None:
    with pytest.raises(BallotFileError, match="NUMBER VOTERS is 9 but .* add up to 3"):
        tallyroom.read_ballots(_file(tmp_path, "3: 1", voters=9))
    with pytest.raises(BallotFileError, match="NUMBER UNIQUE ORDERS is 5 but the file holds 1"):
        tallyroom.read_ballots(_file(tmp_path, "3: 1", unique=5))


def test_missing_and_non_preflib_files(tmp_path: Path) -> None:
    with pytest.raises(BallotFileError, match="no such file") as info:
        tallyroom.read_ballots(tmp_path / "absent.soi")
    assert info.value.path is not None and info.value.path.endswith("absent.soi")
    old = tmp_path / "old.soi"
    old.write_text("3\n1,Ash\n2,Birch\n3,Cedar\n5,5,1\n5,1,2\n")
    with pytest.raises(BallotFileError, match="not a PrefLib file") as info:
        tallyroom.read_ballots(old, format="preflib")
    assert info.value.line == 1
    bad = tmp_path / "bad.soi.gz"
    bad.write_bytes(b"not gzip at all")
    with pytest.raises(BallotFileError, match="bad.soi.gz"):
        tallyroom.read_ballots(bad, format="preflib")
    latin = tmp_path / "latin.soi"
    latin.write_bytes(
        HEAD.format(ext="soi", voters=1, unique=1).encode().replace(b"Ash", b"\xc5sh") + b"1: 1\n"
    )
    with pytest.raises(BallotFileError, match="not valid UTF-8"):
        tallyroom.read_ballots(latin, format="preflib")


def test_unknown_option_lists_valid_ones() -> None:
    with pytest.raises(BallotFileError, match="valid options: candidates, keep_order"):
        tallyroom.read_ballots(BURLINGTON, format="preflib", overvote_label="x")


@pytest.mark.parametrize(
    ("rankings", "problem"),
    [
        ([((None, "A"), 1)], "skipped rank"),
        ([(("A", "*"), 1)], "cannot hold the mark 'overvote'"),
        ([(("A", "?"), 1)], "cannot hold the mark '\\?'"),
        ([(("A", "A"), 1)], "ranked twice"),
        ([((), 1)], "no marks"),
    ],
)
def test_write_refuses_what_preflib_cannot_hold(
    tmp_path: Path, rankings: list[tuple[tuple[str | None, ...], int]], problem: str
) -> None:
    profile = Profile.from_rankings(["A", "B"], rankings)
    with pytest.raises(BallotFileError, match=problem):
        preflib.write(profile, tmp_path / "out.toi", {})


def test_write_refuses_ties_in_strict_files_and_rejected_papers(tmp_path: Path) -> None:
    profile = Profile.from_rankings(["A", "B", "C"], [((("A", "B"), "C"), 2)])
    with pytest.raises(BallotFileError, match="strict order"):
        preflib.write(profile, tmp_path / "out.soi", {})
    with pytest.raises(BallotFileError, match="rejected papers"):
        preflib.write(profile.with_rejected({"unmarked": 1}), tmp_path / "out.toi", {})
    with pytest.raises(BallotFileError, match="valid: soi, soc, toi, toc"):
        preflib.write(profile, tmp_path / "out.toi", {"data_type": "pwg"})


def test_real_file_round_trip_is_byte_stable(tmp_path: Path) -> None:
    profile = tallyroom.read_ballots(BURLINGTON)
    out = tmp_path / "copy.toi"
    preflib.write(profile, out, {})
    again = tallyroom.read_ballots(out)
    assert Counter(dict(again.rankings())) == Counter(dict(profile.rankings()))
    assert again.candidate_names() == profile.candidate_names()
    out2 = tmp_path / "copy2.toi"
    preflib.write(again, out2, {})
    assert out.read_text().replace("copy.toi", "") == out2.read_text().replace("copy2.toi", "")


def test_write_gzip_is_deterministic(tmp_path: Path) -> None:
    profile = Profile.from_rankings(["A", "B"], [(("A",), 2), ((("A", "B"),), 1)])
    one, two = tmp_path / "x.toi.gz", tmp_path / "y.toi.gz"
    preflib.write(profile, one, {})
    preflib.write(profile, two, {})
    assert gzip.decompress(one.read_bytes()).replace(b"x.toi.gz", b"") == gzip.decompress(
        two.read_bytes()
    ).replace(b"y.toi.gz", b"")
    again = tallyroom.read_ballots(one)
    assert dict(again.rankings()) == {("A",): 2, ("A+B",): 1}


_NAMES = ["Ash", "Birch", "Cedar", "Dogwood", "Elm"]


@st.composite
def _profiles(draw: st.DrawFn) -> Profile:
    n = draw(st.integers(min_value=1, max_value=5))
    names = _NAMES[:n]
    rankings = []
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        perm = draw(st.permutations(names))
        length = draw(st.integers(min_value=1, max_value=n))
        chosen = list(perm[:length])
        positions: list[str | tuple[str, ...]] = []
        i = 0
        while i < len(chosen):
            size = draw(st.integers(min_value=1, max_value=min(2, len(chosen) - i)))
            part = chosen[i : i + size]
            positions.append(part[0] if size == 1 else tuple(part))
            i += size
        rankings.append((tuple(positions), draw(st.integers(min_value=1, max_value=50))))
    return Profile.from_rankings(names, rankings)


@settings(max_examples=60, deadline=None)
@given(_profiles())
def test_write_then_read_gives_the_same_papers(profile: Profile) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "p.toi"
        preflib.write(profile, path, {})
        again = tallyroom.read_ballots(path)
    assert again.candidate_names() == profile.candidate_names()
    assert again.total == profile.total
    assert Counter(dict(again.rankings())) == Counter(dict(profile.rankings()))
