"""PDF declaration and stage sheet: A4, render to PNG pages, statutory content, deterministic."""

from __future__ import annotations

import pytest

import tallyroom
from tallyroom.count import Count
from tallyroom.errors import ReportError
from tallyroom.reports.native_json import dumps, loads

pdfium = pytest.importorskip("pypdfium2")

A4 = (595.0, 842.0)  # points, to the nearest point


def pages(data: bytes) -> list[tuple[tuple[float, float], str]]:
    """(size in points, text) of every page; each page is also rendered to an image."""
    doc = pdfium.PdfDocument(data)
    out = []
    for i in range(len(doc)):
        page = doc[i]
        image = page.render(scale=0.5).to_pil()
        assert image.size[0] > 100 and image.size[1] > 100
        assert image.getextrema() != ((255, 255), (255, 255), (255, 255))  # not blank
        size = (round(page.get_width()), round(page.get_height()))
        text = page.get_textpage().get_text_range()
        out.append((size, " ".join(text.split())))
    return out


def test_declaration_sv(london_count: Count) -> None:
    data = tallyroom.render(
        london_count, "declaration-pdf", date="6 May 2021", returning_officer="Mary Harpley"
    )
    assert isinstance(data, bytes) and data.startswith(b"%PDF")
    ps = pages(data)
    assert all(size == A4 for size, _ in ps)
    text = " ".join(t for _, t in ps)
    assert "DECLARATION OF RESULT OF POLL" in text
    assert "Mayor of London 2021" in text and "Date of poll: 6 May 2021" in text
    for name in london_count.candidate_names:
        assert name in text
    for figure in ("1,013,721", "192,313", "1,206,034", "977,601", "84,550", "2,531,357"):
        assert figure in text
    assert "rejected" in text and "no second preference" in text.lower()
    assert "Sadiq Aman KHAN (Labour Party) is duly elected" in text
    assert "Mary Harpley" in text and "Returning Officer" in text


def test_declaration_av(av_count: Count) -> None:
    text = " ".join(t for _, t in pages(tallyroom.render(av_count, "declaration-pdf")))
    assert "First preferences" in text and "Final round" in text
    assert "Bob Kiss" in text and "4,313" in text and "duly elected" in text


def test_stage_sheet_stv(stv_count: Count) -> None:
    ps = pages(tallyroom.render(stv_count, "stage-sheet-pdf"))
    assert all(size == (A4[1], A4[0]) for size, _ in ps)  # landscape
    text = " ".join(t for _, t in ps)
    assert len(ps) == 2  # 8 stages, 5 to a page
    for r in stv_count.rounds:
        assert f"Stage {r.number}" in text
    assert "Surplus of Craig Mackay (SNP)" in text
    assert "Exclusion of Dave Holladay (Ind)" in text
    assert "Quota: 1,381" in text
    assert "Non-transferable" in text and "Loss by fractions" in text
    assert "Elected at stage 1" in text  # Mackay
    assert "1,736.42172" in text  # Baker's final total, exact


def test_full_pdf_has_both(stv_count: Count, london_count: Count) -> None:
    ps = pages(tallyroom.render(stv_count, "pdf"))
    sizes = [size for size, _ in ps]
    assert sizes[0] == A4 and sizes[-1] == (A4[1], A4[0])
    assert "DECLARATION OF RESULT OF POLL" in ps[0][1]
    assert "RESULT SHEET" in ps[-1][1]
    one_round = tallyroom.count(
        tallyroom.ballots.profile.Profile.from_rankings("AB", [(("A",), 3), (("B",), 1)]), "fptp"
    )
    only = pages(tallyroom.render(one_round, "pdf"))
    assert all("RESULT SHEET" not in t for _, t in only)


def test_pdf_deterministic(any_count: Count) -> None:
    a = tallyroom.render(any_count, "pdf")
    b = tallyroom.render(loads(dumps(any_count)), "pdf")
    assert a == b


def test_pdf_unknown_option(london_count: Count) -> None:
    with pytest.raises(ReportError, match="valid options"):
        tallyroom.render(london_count, "pdf", chart="sankey")
