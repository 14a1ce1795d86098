"""Charts: Vega-Lite specs built from the count; SVG and PNG rendered without a browser."""

from __future__ import annotations

import re
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tallyroom
from tallyroom.analysis import crosstab_of
from tallyroom.count import EXHAUSTED, Count
from tallyroom.errors import ReportError
from tallyroom.numbers import parse_exact
from tallyroom.reports import charts
from tallyroom.reports.native_json import dumps, loads

from .test_analysis import NO_VALID, published_table


def test_round_bars_spec(any_count: Count) -> None:
    for r in any_count.rounds:
        spec = charts.round_bars(any_count, r.number)
        values = spec["data"]["values"]
        assert [v["candidate"] for v in values] == [
            n for n in any_count.candidate_names if n in r.tally
        ]
        assert sum((parse_exact(v["exact"]) for v in values), Fraction(0)) == r.continuing_total
        assert spec["title"].startswith(f"Round {r.number}")
        assert spec["description"]
        marks = [layer["mark"]["type"] for layer in spec["layer"]]
        assert marks[:2] == ["bar", "text"]
        assert ("rule" in marks) == (r.threshold is not None)


def test_round_bars_unknown_round(london_count: Count) -> None:
    with pytest.raises(ReportError, match="rounds: 1, 2"):
        charts.round_bars(london_count, 7)


def test_sankey_conserves_votes(any_count: Count) -> None:
    spec = charts.sankey(any_count)
    bands, nodes = spec["layer"][0]["data"]["values"], spec["layer"][1]["data"]["values"]
    links: dict[int, tuple[int, str, str, Fraction]] = {}
    for b in bands:
        links[b["link"]] = (b["round"], b["source"], b["target"], parse_exact(b["votes"]))
    for r, nxt in zip(any_count.rounds, any_count.rounds[1:], strict=False):
        out: dict[str, Fraction] = {}
        into: dict[str, Fraction] = {}
        for rnd, src, dst, v in links.values():
            if rnd == r.number:
                out[src] = out.get(src, Fraction(0)) + v
                into[dst] = into.get(dst, Fraction(0)) + v
        for name, votes in r.tally.items():
            assert out.get(name, Fraction(0)) == votes, (r.number, name)
        for name, votes in nxt.tally.items():
            assert into.get(name, Fraction(0)) == votes, (nxt.number, name)
        assert into.get(EXHAUSTED, Fraction(0)) == nxt.exhausted_total
    labelled = {(n["round"], n["node"]) for n in nodes}
    for r in any_count.rounds:
        assert {(r.number, name) for name in r.tally} <= labelled


def test_sankey_needs_two_rounds() -> None:
    p = tallyroom.ballots.profile.Profile.from_rankings("AB", [(("A",), 3), (("B",), 1)])
    c = tallyroom.count(p, "fptp")
    with pytest.raises(ReportError, match="two rounds"):
        charts.sankey(c)


def test_london_heatmap_reproduces_the_published_table(london_count: Count) -> None:
    table = crosstab_of(london_count)
    assert table is not None
    spec = charts.crosstab_heatmap(table, title="London")
    cells = {(v["row"], v["column"]): int(v["value"]) for v in spec["data"]["values"]}
    for (first, second), n in published_table().items():
        if second == NO_VALID:
            assert (
                cells[(first, "no second preference")] + cells[(first, "second preference void")]
                == n
            )
        else:
            assert cells[(first, second)] == n
    # The rendered picture carries every figure as a label.
    svg = charts.to_svg(spec)
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    labels = {t.replace(",", "") for t in texts}
    for (first, second), n in published_table().items():
        if second != NO_VALID:
            assert str(n) in labels, (first, second, n)
    for name in london_count.candidate_names:
        assert name in texts


def test_svg_charts_are_deterministic(london_count: Count) -> None:
    for chart in charts.CHARTS:
        a = tallyroom.render(london_count, "svg", chart=chart)
        b = tallyroom.render(loads(dumps(london_count)), "svg", chart=chart)
        assert isinstance(a, str) and a.startswith("<svg") and a == b, chart


def test_png_chart(stv_count: Count) -> None:
    png = tallyroom.render(stv_count, "png", chart="sankey", scale=1)
    assert isinstance(png, bytes) and png.startswith(b"\x89PNG\r\n\x1a\n")
    width = int.from_bytes(png[16:20], "big")
    height = int.from_bytes(png[20:24], "big")
    assert width > 600 and height > 400


def test_chart_options_are_checked(london_count: Count) -> None:
    with pytest.raises(ReportError, match="valid charts: rounds, sankey, transfers, crosstab"):
        tallyroom.render(london_count, "svg", chart="pie")
    with pytest.raises(ReportError, match="valid options"):
        tallyroom.render(london_count, "svg", colour="red")
    with pytest.raises(ReportError, match="scale"):
        tallyroom.render(london_count, "png", scale=100)


def test_short_labels() -> None:
    assert charts.short(1234567) == "1,234,567"
    assert charts.short(Fraction(123456789, 100000)) == "1,234.56"
    assert charts.short(Fraction(1, 3)) == "0.33"


def _sankey_conserves(count: Count) -> None:
    spec = charts.sankey(count)
    flows: dict[tuple[int, str, str], Fraction] = {}
    for b in spec["layer"][0]["data"]["values"]:
        flows[(b["round"], b["source"], b["target"])] = parse_exact(b["votes"])
    for r, nxt in zip(count.rounds, count.rounds[1:], strict=False):
        sent: dict[str, Fraction] = {}
        got: dict[str, Fraction] = {}
        for (rnd, src, dst), v in flows.items():
            if rnd == r.number:
                sent[src] = sent.get(src, Fraction(0)) + v
                got[dst] = got.get(dst, Fraction(0)) + v
        assert sum(sent.values(), Fraction(0)) == count.valid_total
        assert sum(got.values(), Fraction(0)) == count.valid_total
        for name, votes in nxt.tally.items():
            if votes:
                assert got[name] == votes


rankings = st.lists(
    st.tuples(
        st.lists(
            st.sampled_from(["A", "B", "C", "D", "E"]), min_size=1, max_size=5, unique=True
        ).map(tuple),
        st.integers(min_value=1, max_value=40),
    ),
    min_size=2,
    max_size=20,
)


@settings(max_examples=30, deadline=None)
@given(rankings, st.sampled_from(["irv", "scottish-stv", "wigm"]))
def test_sankey_conserves_votes_in_random_counts(
    data: list[tuple[tuple[str, ...], int]], method: str
) -> None:
    p = tallyroom.ballots.profile.Profile.from_rankings("ABCDE", data)
    seats = 1 if method == "irv" else 2
    try:
        c = tallyroom.count(p, method, seats=seats, tie_seed="sankey")
    except tallyroom.errors.TallyroomError:
        return
    if len(c.rounds) < 2:
        with pytest.raises(ReportError):
            charts.sankey(c)
        return
    _sankey_conserves(c)
