"""The whole flow in headless Chromium (Debian's /usr/bin/chromium driven by Playwright)
against uvicorn on a loopback port: sign in, create an SV contest, upload the London
2021 table, count, check the declared totals, download the PDF declaration, publish,
open the public page signed out; a bad upload shows the file and line of the error."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import LONDON, PASSWORD, LiveServer

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


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """The browser flow runs on the embedded default (SQLite); the API suite covers PostgreSQL."""
    return f"sqlite:///{tmp_path / 'tallyroom.db'}"


@pytest.fixture
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("CI") or os.environ.get("TALLYROOM_REQUIRE_BROWSER"):
            pytest.fail(f"CI is set but {CHROMIUM} is missing: apt-get install -y chromium")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def _sign_in(page: Any, base: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("User name").fill("admin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/")


_A11Y = """() => {
  const problems = [];
  if (document.documentElement.lang !== "en") problems.push("no lang");
  if (document.querySelectorAll("h1").length !== 1) problems.push("not exactly one h1");
  for (const el of document.querySelectorAll("input, select, textarea, progress")) {
    if (el.type === "hidden") continue;
    if (!(el.labels && el.labels.length) && !el.getAttribute("aria-label")) problems.push("unlabelled " + (el.id || el.name));
  }
  for (const img of document.querySelectorAll("img")) if (!img.alt) problems.push("img without alt " + img.src);
  for (const b of document.querySelectorAll("button, a")) if (!b.textContent.trim()) problems.push("unnamed " + b.outerHTML);
  if (!document.querySelector("main")) problems.push("no main landmark");
  return problems;
}"""


def _accessible(page: Any) -> None:
    """Basic checks on every page: language, one heading, labelled controls, alt text, names."""
    assert page.evaluate(_A11Y) == [], page.url


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, f"page is {width}px wide on a phone"


def test_whole_flow_in_a_real_browser(
    browser: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    base = live_server.url
    context = browser.new_context(accept_downloads=True, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(60_000)
    _sign_in(page, base)

    page.get_by_role("link", name="New election", exact=True).click()
    page.get_by_label("Title").fill("Greater London Authority elections 2021")
    page.get_by_label("Date of poll (optional)").fill("2021-05-06")
    page.get_by_role("button", name="Create election").click()
    page.get_by_role("link", name="New contest", exact=True).click()
    _accessible(page)
    page.get_by_label("Title of the contest").fill("Mayor of London")
    page.get_by_label("Counting method and rules").select_option("sv")
    page.get_by_label("Seats").fill("1")
    page.locator("#candidates_file").set_input_files(str(LONDON / "candidates.csv"))
    page.get_by_role("button", name="Create contest").click()
    page.wait_for_url(re.compile(r".*/contests/\d+$"))
    contest_url = page.url
    assert page.get_by_text("20 listed").is_visible()
    _no_sideways_scroll(page)
    _accessible(page)

    # a bad upload: the file and the line of the error are shown, nothing is stored
    bad = tmp_path / "bad_table.csv"
    bad.write_text(
        "first_choice,second_choice,ballots\nSadiq Aman KHAN,Shaun BAILEY,5\nNobody HERE,,3\n"
    )
    page.locator("#files").set_input_files(str(bad))
    page.get_by_role("button", name="Upload").click()
    errors = page.locator("#upload-errors")
    errors.wait_for()
    text = errors.inner_text()
    assert "bad_table.csv" in text and "line 3" in text and "Nobody HERE" in text
    assert "nothing was stored" in text

    # the real table
    page.goto(contest_url)
    page.locator("#files").set_input_files(str(LONDON / "first_second_choice_matrix.csv"))
    page.get_by_role("button", name="Upload").click()
    page.get_by_role("cell", name="first_second_choice_matrix.csv", exact=True).wait_for()
    assert page.get_by_role("cell", name="2,531,357", exact=True).is_visible()

    page.get_by_role("button", name="Run the count").click()
    page.wait_for_url(re.compile(r".*/counts/\d+$"))
    assert "Elected: Sadiq Aman KHAN (Labour Party)" in page.locator("#elected").inner_text()
    rounds = page.locator("#rounds").inner_text()
    for figure in ("1,013,721", "893,051", "1,206,034", "977,601"):
        assert figure in rounds, figure
    _no_sideways_scroll(page)
    _accessible(page)

    # the PDF declaration
    link = page.locator("a[data-report='declaration-pdf']")
    assert link.count() == 1, "no declaration-pdf renderer is registered"
    with page.expect_download() as info:
        link.click()
    pdf = tmp_path / "declaration.pdf"
    info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")

    # recount reproduces the bytes; then publish
    page.get_by_role("button", name="Recount from stored inputs").click()
    assert "reproduced this result byte for byte" in page.locator("#recount").inner_text()
    page.get_by_role("button", name="Publish this result").click()
    page.wait_for_url(contest_url)
    public_link = page.get_by_role("link", name="Public page")
    public_url = base + public_link.get_attribute("href")

    # the public page, signed out
    anon = browser.new_context(viewport={"width": 390, "height": 844})
    public = anon.new_page()
    public.goto(public_url)
    assert "Sadiq Aman KHAN" in public.locator("#elected").inner_text()
    assert "1,206,034" in public.locator("#rounds").inner_text()
    assert public.get_by_role("link", name="Sign in").is_visible()
    assert public.locator("form").count() == 0
    _accessible(public)
    public.goto(contest_url)
    assert "/login" in public.url  # the admin page is not public
    anon.close()
    context.close()
