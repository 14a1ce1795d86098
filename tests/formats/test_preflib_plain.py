"""The vectorised PrefLib fast path reads exactly what the line-by-line reader reads, errors included."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tallyroom import BallotFileError
from tallyroom.ballots.profile import Profile
from tallyroom.formats import preflib


def _read(path: Path) -> Profile | str:
    try:
        return preflib.read(path, {})
    except BallotFileError as exc:
        return f"{exc.line}: {exc.problem}"


def _same(a: Profile | str, b: Profile | str) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return (
        a.candidates == b.candidates
        and np.array_equal(a.ballots, b.ballots)
        and np.array_equal(a.weights, b.weights)
        and a.title == b.title
        and a.overvote_groups == b.overvote_groups
    )


@st.composite
def preflib_texts(draw: st.DrawFn) -> tuple[str, str]:
    n = draw(st.integers(1, 5))
    kind = draw(st.sampled_from(["soi", "soc", "toi", "toc"]))
    orders: list[tuple[int, str]] = []
    for _ in range(draw(st.integers(1, 10))):
        count = draw(st.sampled_from([1, 2, 3, 7, 40] * 4 + [0]))
        # now and then an alternative out of range, or listed twice
        alts = draw(st.lists(st.sampled_from(list(range(1, n + 1)) * 10 + [0, n + 1]), max_size=n))
        if draw(st.sampled_from([True] * 6 + [False])):
            alts = list(dict.fromkeys(alts))
        if kind in ("soc", "toc") and draw(st.sampled_from([True] * 6 + [False])):
            alts = draw(st.permutations(range(1, n + 1)))  # complete, as these types need
        body = ",".join(str(a) for a in alts)
        odd = ["", f"{{{body}}}" if body else "", body + ",", body.replace(",", ", ")]
        body = draw(st.sampled_from([body] * 20 + odd))
        orders.append((count, body))
    total = sum(c for c, _ in orders) + draw(st.sampled_from([0] * 9 + [1]))
    lines = [f"# DATA TYPE: {kind}", f"# NUMBER ALTERNATIVES: {n}", f"# NUMBER VOTERS: {total}"]
    lines += [f"# ALTERNATIVE NAME {i}: Alt {i}" for i in range(1, n + 1)]
    lines += [f"{c}: {b}" for c, b in orders]
    if draw(st.sampled_from([False] * 9 + [True])):
        lines.insert(len(lines) - 1, draw(st.sampled_from(["", "# late header", "  "])))
    return kind, "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n", "\r\n"]))


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=preflib_texts())
def test_fast_path_reads_what_the_line_reader_reads(
    case: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kind, text = case
    path = tmp_path / f"e.{kind}"
    path.write_text(text, encoding="utf-8", newline="")
    fast = _read(path)
    with monkeypatch.context() as m:
        m.setattr(preflib, "plain_orders", lambda *args: None)
        slow = _read(path)
    assert _same(fast, slow), (fast, slow)


def test_plain_lines_take_the_fast_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[bool] = []
    original = preflib.plain_orders

    def spy(*args: object) -> object:
        result = original(*args)  # type: ignore[arg-type]
        calls.append(result is not None)
        return result

    monkeypatch.setattr(preflib, "plain_orders", spy)
    path = tmp_path / "e.soi"
    names = "".join(f"# ALTERNATIVE NAME {i}: {c}\n" for i, c in enumerate("ABC", start=1))
    path.write_text(
        "# DATA TYPE: soi\n# NUMBER ALTERNATIVES: 3\n" + names + "4: 1,2\n2: 3\n1: 2, 3, 1\n"
    )
    profile = preflib.read(path, {})
    assert calls == [True]
    assert dict(profile.rankings()) == {("A", "B"): 4, ("C",): 2, ("B", "C", "A"): 1}
