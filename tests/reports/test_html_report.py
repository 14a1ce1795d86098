"""The HTML report: golden structure (parsed), self-contained, deterministic."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

import tallyroom
from tallyroom.count import Count
from tallyroom.errors import ReportError
from tallyroom.reports.html_report import count_id
from tallyroom.reports.native_json import dumps, loads


class Page(HTMLParser):
    """Collects what the structure tests look at."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.figures: list[dict[str, str | None]] = []
        self.scripts: list[dict[str, str | None]] = []
        self.external: list[str] = []
        self.json_scripts: dict[str, str] = {}
        self.captions = 0
        self._in_json: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "section" and a.get("id"):
            self.sections.append(str(a["id"]))
        if tag == "figure":
            self.figures.append(a)
        if tag == "figcaption":
            self.captions += 1
        if tag == "script":
            self.scripts.append(a)
            if a.get("type") == "application/json":
                self._in_json = a.get("id")
                self.json_scripts[str(self._in_json)] = ""
        for key in ("src", "href"):
            if a.get(key):
                self.external.append(str(a[key]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_json = None

    def handle_data(self, data: str) -> None:
        if self._in_json:
            self.json_scripts[self._in_json] += data


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    return page


def test_structure(any_count: Count) -> None:
    text = tallyroom.render(any_count, "html")
    assert isinstance(text, str) and text.startswith("<!DOCTYPE html>")
    page = parse(text)
    assert page.sections[:4] == ["summary", "charts", "sankey", "rounds"]
    assert page.sections[-3:] == ["papers", "ties", "audit"]
    assert "transfers" in page.sections
    has_table = "first_second_crosstab" in any_count.extras
    assert ("crosstab" in page.sections) == has_table
    expected = (
        len(any_count.rounds) + 1 + 1 + (1 if has_table else 0)
    )  # bars, sankey, transfers, heatmap
    assert len(page.figures) == expected == page.captions
    for fig in page.figures:
        assert fig.get("aria-label") and fig.get("role") == "figure"
        spec = json.loads(page.json_scripts[str(fig["data-spec"])].replace("<\\/", "</"))
        assert spec["description"] and spec["title"]
    # Self-contained: nothing is loaded from anywhere.
    assert page.external == []
    assert all(s.get("src") is None for s in page.scripts)
    assert "vegaEmbed" in text


def test_content(london_count: Count) -> None:
    text = tallyroom.render(london_count, "html", date="6 May 2021")
    assert isinstance(text, str)
    for name in london_count.candidate_names:
        assert name in text
    assert "Elected: <strong>Sadiq Aman KHAN (Labour Party)</strong>" in text
    assert "1206034" in text and "977601" in text  # final round, exact
    assert "93,745" in text  # Berry -> Khan in the cross-table
    assert count_id(london_count) in text
    for item in london_count.inputs:
        assert item.sha256 in text
    assert "Date of poll</dt><dd>6 May 2021" in text


def test_ties_are_listed() -> None:
    p = tallyroom.ballots.profile.Profile.from_rankings(
        "ABC", [(("A", "C"), 3), (("B", "C"), 3), (("C",), 1)]
    )
    c = tallyroom.count(p, "sv", tie_seed="report-test")
    text = tallyroom.render(c, "html")
    assert isinstance(text, str)
    assert len(c.ties) >= 1
    for t in c.ties:
        assert t.rule in text and t.kind in text


def test_deterministic(any_count: Count) -> None:
    a = tallyroom.render(any_count, "html")
    b = tallyroom.render(loads(dumps(any_count)), "html")
    assert a == b


def test_unknown_option(london_count: Count) -> None:
    with pytest.raises(ReportError, match="valid options: title, date, returning_officer"):
        tallyroom.render(london_count, "html", colour="red")


def test_bundle_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tallyroom.reports import vega_render as charts

    monkeypatch.setenv("TALLYROOM_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(charts, "_BUNDLE", [])
    fresh = charts.javascript_bundle()
    assert "vegaEmbed" in fresh
    (cached,) = tmp_path.glob("vega-embed-bundle-*.js")
    monkeypatch.setattr(charts, "_BUNDLE", [])
    assert charts.javascript_bundle() == fresh  # read back from the cache file
    cached.write_text("window.evil = 1;\n//sha256:0000\n", encoding="utf-8")
    monkeypatch.setattr(charts, "_BUNDLE", [])
    assert charts.javascript_bundle() == fresh  # a bad checksum is rebuilt
    assert "evil" not in cached.read_text(encoding="utf-8")


def test_hostile_names_are_escaped() -> None:
    evil = '</script><script>alert("x")</script>'
    p = tallyroom.ballots.profile.Profile.from_rankings(
        [evil, "O'Brien & Sons", "Ann"],
        [((evil, "Ann"), 4), (("O'Brien & Sons", evil), 3), (("Ann",), 2)],
    )
    c = tallyroom.count(p, "irv", tie_seed="x")
    text = tallyroom.render(c, "html")
    assert isinstance(text, str)
    page = parse(text)
    assert (
        len(page.scripts) == len(page.figures) + 2
    )  # one spec per figure, the bundle, the embedding
    assert evil not in text
    first = page.json_scripts[str(page.figures[0]["data-spec"])]
    assert evil in _strings(json.loads(first.replace("<\\/", "</")))  # the data survive intact


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []
