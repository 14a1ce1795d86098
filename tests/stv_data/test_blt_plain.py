"""The vectorised BLT fast path reads exactly what the line-by-line reader reads, errors included."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tallyroom import BallotFileError
from tallyroom.ballots.profile import Profile
from tallyroom.formats import blt

PATH = Path("plain.blt")


def _read(text: str) -> Profile | str:
    try:
        return blt.read_text(PATH, text)
    except BallotFileError as exc:
        return f"{exc.line}: {exc.problem}"


def _same(a: Profile | str, b: Profile | str) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return (
        a.candidates == b.candidates
        and np.array_equal(a.ballots, b.ballots)
        and np.array_equal(a.weights, b.weights)
        and (a.title, a.seats, a.withdrawn, dict(a.metadata))
        == (b.title, b.seats, b.withdrawn, dict(b.metadata))
    )


@st.composite
def blt_texts(draw: st.DrawFn) -> str:
    n = draw(st.integers(1, 6))
    seats = draw(st.integers(1, n))
    lines = [f"{n} {seats}"]
    for _ in range(draw(st.integers(0, 12))):
        weight = draw(st.sampled_from([1, 2, 3, 4, 5] * 4 + [0]))
        # now and then a 0 inside a ballot, or a number out of range
        marks = list(range(1, n + 1)) * 10 + [0, n + 1]
        prefs = draw(st.lists(st.sampled_from(marks), max_size=n + 1))
        line = " ".join(str(x) for x in [weight, *prefs, 0])
        # the odd line the fast path must leave to the line-by-line reader
        line = draw(
            st.sampled_from(
                [line, line, line, line, "  " + line + " ", "", "# note", line + " # c"]
            )
        )
        lines.append(line)
    if draw(st.sampled_from([False] * 9 + [True])):
        lines.append("2 1")  # a ballot over two lines
        lines.append("0")
    lines.append("0")
    lines += [f'"C{i}"' for i in range(1, n + 1)]
    lines.append('"Title"')
    return "\n".join(lines) + "\n"


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=blt_texts())
def test_fast_path_reads_what_the_line_reader_reads(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = _read(text)
    with monkeypatch.context() as m:
        m.setattr(blt, "plain_ballots", lambda *args: None)
        slow = _read(text)
    assert _same(fast, slow), (fast, slow)


def test_plain_block_is_read_by_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[bool] = []
    original = blt.plain_ballots

    def spy(*args: object) -> object:
        result = original(*args)  # type: ignore[arg-type]
        calls.append(result is not None)
        return result

    monkeypatch.setattr(blt, "plain_ballots", spy)
    profile = blt.read_text(PATH, '3 1\n4 1 2 0\n2 3 0\n1 2 3 1 0\n0\n"A"\n"B"\n"C"\n"T"\n')
    assert calls == [True]
    assert dict(profile.rankings()) == {("A", "B"): 4, ("C",): 2, ("B", "C", "A"): 1}
