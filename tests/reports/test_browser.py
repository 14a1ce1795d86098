"""The HTML report in headless Chromium: no console errors; every chart drawn and labelled.

Runs Debian's ``/usr/bin/chromium`` through Playwright. Skipped only when Chromium
is missing *and* ``TALLYROOM_REQUIRE_BROWSER`` is unset (CI sets it, so there the
test must run).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

import tallyroom
from tallyroom.count import Count

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("TALLYROOM_CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

if not CHROMIUM.exists() and not os.environ.get("TALLYROOM_REQUIRE_BROWSER"):
    pytest.skip(
        f"{CHROMIUM} is not installed (set TALLYROOM_REQUIRE_BROWSER to make this an error)",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def browser() -> Any:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def open_report(browser: Any, count: Count, tmp_path: Path) -> tuple[Any, list[str]]:
    path = tmp_path / "report.html"
    text = tallyroom.render(count, "html")
    assert isinstance(text, str)
    path.write_text(text, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on(
        "request",
        lambda r: problems.append(f"request: {r.url}") if not r.url.startswith("file:") else None,
    )
    page.goto(path.as_uri())
    page.wait_for_function(
        "document.querySelectorAll('figure.chart').length > 0 && "
        "document.querySelectorAll('figure.chart[data-rendered=\"true\"]').length == "
        "document.querySelectorAll('figure.chart').length",
        timeout=60_000,
    )
    return page, problems


def test_report_in_chromium(browser: Any, any_count: Count, tmp_path: Path) -> None:
    page, problems = open_report(browser, any_count, tmp_path)
    try:
        assert problems == []
        figures = page.eval_on_selector_all(
            "figure.chart",
            """els => els.map(f => ({
                id: f.id,
                label: f.getAttribute('aria-label'),
                caption: f.querySelector('figcaption').textContent,
                svgLabel: f.querySelector('svg') && f.querySelector('svg').getAttribute('aria-label'),
                marks: f.querySelectorAll('svg path, svg rect').length,
                texts: Array.from(f.querySelectorAll('svg text')).map(t => t.textContent),
            }))""",
        )
        has_table = "first_second_crosstab" in any_count.extras
        assert len(figures) == len(any_count.rounds) + 2 + (1 if has_table else 0)
        for fig in figures:
            assert fig["label"] and fig["caption"] and fig["svgLabel"], fig["id"]
            assert fig["marks"] > 0, fig["id"]
        for r, fig in zip(any_count.rounds, figures, strict=False):
            assert fig["id"].endswith(f"round-{r.number}")
            assert any(t.startswith(f"Round {r.number}") for t in fig["texts"])
            for name in r.tally:
                assert name in fig["texts"], (fig["id"], name)
        sankey = next(f for f in figures if f["id"].endswith("sankey"))
        assert "where the votes went" in " ".join(sankey["texts"])
        winner = any_count.elected[0]
        assert any(t.startswith(winner) for t in sankey["texts"])
    finally:
        page.close()


def test_screenshot_is_not_blank(browser: Any, london_count: Count, tmp_path: Path) -> None:
    page, problems = open_report(browser, london_count, tmp_path)
    try:
        png = page.screenshot(full_page=False)
        assert png.startswith(b"\x89PNG") and len(png) > 20_000
        assert problems == []
    finally:
        page.close()
