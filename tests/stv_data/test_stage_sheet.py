"""Stage sheet: golden folders (ballots, rules, expected text and HTML, SOURCE.md), structure checks."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from fractions import Fraction
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tallyroom.api import count, read_ballots, render
from tallyroom.count import Count
from tallyroom.errors import ReportError
from tallyroom.reports.stage_sheet import stage_sheet
from tallyroom.rules import load_rules_file
from tallyroom.verify import Rounding, _matches

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden_stage_sheet"
CASES = sorted(p for p in GOLDEN.iterdir() if p.is_dir())
OFFICIAL = HERE.parent / "data" / "scotland_local_stv" / "official_2022.json"
REGENERATE = os.environ.get("TALLYROOM_REGENERATE_GOLDEN") == "1"


def _count(folder: Path) -> Count:
    for required in ("ballots.blt", "rules.toml", "SOURCE.md"):
        assert (folder / required).exists(), f"{folder.name}: {required} is missing"
    rules = load_rules_file(folder / "rules.toml")
    method = rules.pop("method")
    return count(read_ballots(folder / "ballots.blt"), method, rules or None)


@pytest.mark.parametrize("folder", CASES, ids=[c.name for c in CASES])
@pytest.mark.parametrize(
    ("report", "name"),
    [("stage-sheet-text", "expected.txt"), ("stage-sheet-html", "expected.html")],
)
def test_golden_stage_sheet(folder: Path, report: str, name: str) -> None:
    rendered = render(_count(folder), report)
    assert isinstance(rendered, str)
    expected = folder / name
    if REGENERATE:
        expected.write_text(rendered, encoding="utf-8")
    assert expected.exists(), (
        f"{folder.name}: {name} is missing (regenerate with TALLYROOM_REGENERATE_GOLDEN=1)"
    )
    assert rendered == expected.read_text(encoding="utf-8")


def test_aberdeen_sheet_reproduces_the_declared_stage_totals() -> None:
    folder = GOLDEN / "aberdeen_2022_dyce"
    sheet = stage_sheet(_count(folder))
    data = json.loads(OFFICIAL.read_text(encoding="utf-8"), parse_float=Decimal)
    ward = next(w for w in data["wards"] if w.get("blt_file") == "blt/2022/aberdeen_2022_ward1.blt")
    by_official = dict(zip(ward["blt_candidate_order"], sheet.candidates, strict=True))
    assert len(sheet.stages) == ward["num_stages"] == 7
    checked = 0
    for cand in ward["candidates"]:
        ours = by_official[cand["name"]]
        for stage, figure in zip(sheet.stages, cand["stage_totals"], strict=True):
            value = stage.totals[ours]
            assert _matches(
                value if value is not None else Fraction(0), figure, Rounding.HALF_UP
            ), f"stage {stage.number}, {cand['name']}: declared {figure}, sheet {value}"
            checked += 1
    assert checked == 8 * 7
    assert sheet.stages[0].quota == Fraction(1320)
    elected = {by_official[n] for n in ward["elected"]}
    assert set(sheet.elected) == elected


def test_made_up_case_by_hand() -> None:
    sheet = stage_sheet(_count(GOLDEN / "tie_and_withdrawn"))
    totals = [{k: v for k, v in s.totals.items()} for s in sheet.stages]
    assert totals == [
        {"Ash": 4, "Birch": 3, "Cedar": 2, "Damson": 1},
        {"Ash": 4, "Birch": 3, "Cedar": 3, "Damson": None},
        {"Ash": 4, "Birch": 3, "Cedar": None, "Damson": None},
    ]
    assert [s.non_transferable for s in sheet.stages] == [0, 0, 3]
    assert sheet.result == {
        "Ash": "Elected at stage 1",
        "Damson": "Excluded at stage 1",
        "Cedar": "Excluded at stage 2",
        "Birch": "Elected at stage 3",
    }
    assert "Elm" not in sheet.candidates  # withdrawn: never in the count
    assert "backward-countback" in sheet.stages[1].notes[0]


@pytest.mark.parametrize("folder", CASES, ids=[c.name for c in CASES])
def test_every_stage_accounts_for_every_vote(folder: Path) -> None:
    result = _count(folder)
    sheet = stage_sheet(result)
    for s in sheet.stages:
        continuing = sum((v for v in s.totals.values() if v is not None), Fraction(0))
        assert continuing + s.non_transferable + s.loss == result.valid_total
        if s.number > 1:
            moved = (
                sum(s.transfers.values(), Fraction(0))
                + s.non_transferable_transfer
                + s.loss_transfer
            )
            assert moved == 0, f"stage {s.number}: transfers do not balance"


class _Structure(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_html_is_self_contained_and_accessible() -> None:
    result = _count(GOLDEN / "aberdeen_2022_dyce")
    page = render(result, "stage-sheet-html")
    assert isinstance(page, str)
    parser = _Structure()
    parser.feed(page)
    tags = [t for t, _ in parser.tags]
    assert parser.tags[0] == ("html", {"lang": "en"})
    for needed in ("caption", "thead", "tbody", "tfoot", "style"):
        assert needed in tags
    assert "script" not in tags and "link" not in tags and "img" not in tags
    assert not any(a.get("src") or a.get("href") for _, a in parser.tags)
    row_headers = [a for t, a in parser.tags if t == "th" and a.get("scope") == "row"]
    assert len(row_headers) == 8 + 3  # candidates, then non-transferable, loss, total
    stage_heads = [a for t, a in parser.tags if t == "th" and a.get("scope") == "colgroup"]
    assert len(stage_heads) == len(result.rounds) - 1
    assert all(a.get("colspan") == "2" for a in stage_heads)


def test_deterministic_and_options() -> None:
    result = _count(GOLDEN / "tie_and_withdrawn")
    assert render(result, "stage-sheet-html") == render(result, "stage-sheet-html")
    exact = render(result, "stage-sheet-text", places=0)
    assert isinstance(exact, str) and "Quota: 4\n" in exact
    titled = render(result, "stage-sheet-text", title="Ward X")
    assert isinstance(titled, str) and titled.startswith("Ward X\n")
    with pytest.raises(ReportError, match="valid options: places, title"):
        render(result, "stage-sheet-text", colour="red")
    with pytest.raises(ReportError, match="places must be a whole number"):
        render(result, "stage-sheet-text", places=-1)


def test_figures_not_exact_at_places_are_written_exactly() -> None:
    from tallyroom.reports.stage_sheet import _fmt

    assert _fmt(Fraction(1, 3), 5) == "1/3"
    assert _fmt(Fraction(123456, 100000), 2) == "1.23456"  # never rounded away
    assert _fmt(Fraction(5, 4), 5) == "1.25000"
    assert _fmt(Fraction(5, 4), None, signed=True) == "+1.25"
    assert _fmt(None, 5) == "-"


def test_cli_count_prints_the_stage_sheet() -> None:
    from click.testing import CliRunner

    from tallyroom.cli import main

    ballots = GOLDEN / "tie_and_withdrawn" / "ballots.blt"
    out = CliRunner().invoke(
        main, ["count", str(ballots), "-m", "scottish-stv", "--format", "stage-sheet-text"]
    )
    assert out.exit_code == 0, out.output
    assert out.output == (GOLDEN / "tie_and_withdrawn" / "expected.txt").read_text(encoding="utf-8")
