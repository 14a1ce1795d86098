"""Print-ready A4 PDFs: the declaration of result and the stage sheet (reportlab).

* ``declaration-pdf``: the declaration of result of poll, with the content of
  :func:`tallyroom.reports.declaration.declaration_data`: for SV what SI 2007/1024
  Sch 1 r.54 requires (and SI 2007/3541 Sch 3 r.57 for London): each candidate
  with party, first preferences, second preferences counted, totals, the rejected
  papers under each head, the papers on which no second preference was counted,
  and the person elected; for FPTP (r.50 of the same rules, the votes of each
  candidate) and AV/STV the first- and final-round votes and the persons elected.
  Every tie decided by lot or by the officer is stated.
* ``stage-sheet-pdf``: the result sheet of a multi-round count (STV, AV): A4
  landscape, a row per candidate, per stage the transfer (+/-) and the running
  total, with non-transferable papers, loss to fractions and the quota, as
  Scottish and Northern Irish returning officers publish it. Stages are split
  across pages, the candidate column repeated.
* ``pdf``: the declaration followed, for a count of more than one round, by the stage sheet.

Options: ``title``, ``date`` (of the poll), ``returning_officer``. The PDF is
written in reportlab's invariant mode (no timestamp, fixed document id), so the
same count gives the same bytes. Text is set in DejaVu Sans when that font is
installed (any script), else in Helvetica (Latin-1 only).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..count import Count, Round
from ..errors import ReportError
from ..numbers import format_exact, format_fixed
from ..registry import ReportSpec
from .declaration import declaration_data
from .stage_sheet import Stage, stage_sheet

__all__ = ["declaration_pdf", "pdf_report", "register_report_renderers", "stage_sheet_pdf"]

OPTIONS = ("title", "date", "returning_officer")
STAGES_PER_PAGE = 5
_FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/local/share/fonts",
)


def _lib() -> Any:
    try:
        import reportlab  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ReportError("PDF reports need the 'pdf' extra: pip install 'tallyroom[pdf]'") from exc
    from reportlab import platypus

    return platypus


def _fonts() -> tuple[str, str]:
    """Regular and bold font names: DejaVu Sans if installed, else Helvetica."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "TallyroomSans" in pdfmetrics.getRegisteredFontNames():
        return "TallyroomSans", "TallyroomSans-Bold"
    for folder in _FONT_DIRS:
        regular, bold = Path(folder, "DejaVuSans.ttf"), Path(folder, "DejaVuSans-Bold.ttf")
        if regular.exists() and bold.exists():
            pdfmetrics.registerFont(TTFont("TallyroomSans", str(regular)))
            pdfmetrics.registerFont(TTFont("TallyroomSans-Bold", str(bold)))
            return "TallyroomSans", "TallyroomSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def _styles() -> dict[str, Any]:
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle

    regular, bold = _fonts()
    return {
        "title": ParagraphStyle(
            "title", fontName=bold, fontSize=15, leading=18, alignment=TA_CENTER, spaceAfter=4
        ),
        "heading": ParagraphStyle(
            "heading", fontName=bold, fontSize=12, leading=15, alignment=TA_CENTER, spaceAfter=6
        ),
        "h2": ParagraphStyle(
            "h2", fontName=bold, fontSize=10, leading=12.5, spaceBefore=5, spaceAfter=3
        ),
        "body": ParagraphStyle("body", fontName=regular, fontSize=9, leading=11.5, spaceAfter=4),
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=8, leading=9.2),
        "cellb": ParagraphStyle("cellb", fontName=bold, fontSize=8, leading=9.2),
        "elected": ParagraphStyle(
            "elected", fontName=bold, fontSize=11, leading=14, spaceBefore=8, spaceAfter=8
        ),
        "fonts": (regular, bold),
    }


def _x(text: Any) -> str:
    from xml.sax.saxutils import escape

    return escape(str(text))


def _n(x: Any) -> str:
    if x is None or x == "":
        return ""
    if isinstance(x, int):
        return f"{x:,}"
    return _fig(Fraction(x))


def _fig(x: Fraction) -> str:
    """Exact when it terminates within 5 decimals, else 5 decimals truncated and marked '…'."""
    text = format_exact(x)
    if "/" in text or len(text.partition(".")[2]) > 5:
        return format_fixed(x, 5) + "…"
    if x.denominator == 1:
        return f"{x.numerator:,}"
    whole, _, frac = text.partition(".")
    return f"{int(whole):,}.{frac}"


def _table(
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float] | None,
    *,
    header_rows: int = 1,
    numeric_from: int = 1,
) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    st = _styles()
    regular, bold = st["fonts"]
    t = Table([list(r) for r in rows], colWidths=widths, repeatRows=header_rows)
    style = [
        ("FONT", (0, 0), (-1, -1), regular, 8),
        ("FONT", (0, 0), (-1, header_rows - 1), bold, 8),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#eeeeee")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (numeric_from, header_rows), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    t.setStyle(TableStyle(style))
    return t


def _declaration_story(count: Count, opts: Mapping[str, Any]) -> list[Any]:
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, Spacer

    p = _lib().Paragraph
    st = _styles()
    d = declaration_data(count, opts)
    story: list[Any] = [
        p("DECLARATION OF RESULT OF POLL", st["title"]),
        p(_x(d["title"]), st["heading"]),
    ]
    if d["date"]:
        story.append(Paragraph(f"Date of poll: {_x(d['date'])}", st["body"]))
    story.append(
        Paragraph(
            "I, the undersigned, being the Returning Officer at the above election, hereby give notice "
            "that the number of votes recorded for each candidate at the said election is as follows:",
            st["body"],
        )
    )
    header = [Paragraph(_x(c), st["cellb"]) for c in d["columns"]]
    rows: list[list[Any]] = [header]
    for r in d["rows"]:
        rows.append(
            [
                Paragraph(_x(r[0]), st["cell"]),
                Paragraph(_x(r[1]), st["cell"]),
                *(_n(c) for c in r[2:]),
            ]
        )
    n_num = len(d["columns"]) - 2
    name_w, party_w = 44 * mm, 38 * mm
    num_w = (180 * mm - name_w - party_w) / max(n_num, 1)
    story.append(_table(rows, [name_w, party_w, *([num_w] * n_num)], numeric_from=2))
    story.append(Spacer(1, 3 * mm))
    story.append(Paragraph(f"Total number of valid papers: {d['valid_papers']:,}", st["body"]))
    story.append(Paragraph("The number of ballot papers rejected was as follows:", st["h2"]))
    rej = [
        ["Head", "Papers"],
        *([_x(h), f"{n:,}"] for h, n in d["rejected"].items()),
        ["Total", f"{d['rejected_total']:,}"],
    ]
    story.append(_table(rej, [140 * mm, 40 * mm]))
    if "second_not_counted" in d:
        story.append(
            Paragraph(
                "Valid papers on which no second preference vote was counted, under each head:",
                st["h2"],
            )
        )
        sec = [["Head", "Papers"], *([_x(h), f"{n:,}"] for h, n in d["second_not_counted"].items())]
        if d.get("same_as_first") is not None:
            sec.append(
                ["second preference for the same candidate as the first", f"{d['same_as_first']:,}"]
            )
        story.append(_table(sec, [140 * mm, 40 * mm]))
    for t in d["ties"]:
        story.append(
            Paragraph(
                f"Equality of votes ({_x(t.kind)}) between {_x(', '.join(t.tied))}: decided by {_x(t.rule)} "
                f"in favour of {_x(', '.join(t.chosen))}. {_x(t.detail)}",
                st["body"],
            )
        )
    verb = "is" if len(d["elected"]) == 1 else "are"
    ro = _x(d["returning_officer"]) if d["returning_officer"] else "." * 60
    story.append(
        KeepTogether(
            [
                Paragraph(
                    f"And I do hereby declare that {_x(', '.join(d['elected']))} {verb} duly elected.",
                    st["elected"],
                ),
                Spacer(1, 8 * mm),
                Paragraph(f"{ro}<br/>Returning Officer", st["body"]),
            ]
        )
    )
    return story


def _stage_label(before: Round) -> str:
    """What the stage after ``before`` does, from the transfers ``before`` logged."""
    excluded = [d.candidate for d in before.excluded]
    surpluses = [s for s in before.transfers if s not in excluded]
    parts = [f"Surplus of {s}" for s in surpluses]
    if len(excluded) > 2:
        parts.append(f"Exclusion of {len(excluded)} candidates")
    else:
        parts += [f"Exclusion of {c}" for c in excluded]
    return "; ".join(parts) or "Transfer"


def _label(stage: Stage, before: Round | None) -> str:
    """The method's own name for the stage, unless it is a bare "Round"/"Stage n"."""
    text = stage.label.strip()
    generic = not text or text.lower() == "round" or text.lower().startswith(("round ", "stage "))
    if not generic:
        return text
    return "First preferences" if before is None else _stage_label(before)


def _sheet_fig(x: Fraction, places: int | None, *, signed: bool = False) -> str:
    """A stage-sheet figure: at the rule set's places when exact there, else as :func:`_fig`."""
    if places is not None and (x * 10**places).denominator == 1:
        whole, _, frac = format_fixed(abs(x), places).partition(".")
        text = ("-" if x < 0 else "") + f"{int(whole):,}" + (f".{frac}" if frac else "")
    else:
        text = _fig(x)
    return ("+" + text) if signed and x > 0 else text


def _stage_story(count: Count, opts: Mapping[str, Any]) -> list[Any]:
    """The stage sheet, laid out from :func:`tallyroom.reports.stage_sheet.stage_sheet`."""
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, Spacer, TableStyle

    st = _styles()
    sheet = stage_sheet(count, {"title": _title(count, opts)})
    places = sheet.places
    stages = sheet.stages
    rounds = count.rounds
    story: list[Any] = []
    chunks = [
        list(range(i, min(i + STAGES_PER_PAGE, len(stages))))
        for i in range(0, len(stages), STAGES_PER_PAGE)
    ]
    quotas = {s.quota for s in stages}
    for page, idx in enumerate(chunks):
        if page:
            story.append(PageBreak())
        story.append(Paragraph("RESULT SHEET (STAGES OF THE COUNT)", st["title"]))
        story.append(Paragraph(_x(sheet.title), st["heading"]))
        if page == 0:
            facts = (
                f"Seats: {sheet.seats} · Valid papers: {sheet.valid_papers:,} · "
                f"Rejected: {sum(sheet.rejected.values()):,}"
            )
            if len(quotas) == 1 and stages[0].quota is not None:
                facts += f" · Quota: {_sheet_fig(stages[0].quota, places)}"
            if opts.get("date"):
                facts += f" · Date of poll: {_x(opts['date'])}"
            story.append(Paragraph(facts, st["body"]))
        head1: list[Any] = ["Candidate"]
        head2: list[Any] = [""]
        for k in idx:
            label = _label(stages[k], rounds[k - 1] if k else None)
            head1 += [Paragraph(f"Stage {stages[k].number}<br/>{_x(label)}", st["cellb"])] + (
                [""] if k else []
            )
            head2 += ["Total"] if k == 0 else ["Transfer", "Total"]
        rows: list[list[Any]] = [head1, head2]

        def line(label: str, moved: Any, total: Any, *, _idx: list[int] = idx) -> list[Any]:
            row: list[Any] = [Paragraph(label, st["cell"])]
            for k in _idx:
                if k:
                    m = moved(stages[k])
                    row.append(_sheet_fig(m, places, signed=True) if m else "")
                t = total(stages[k])
                row.append("\u2013" if t is None else _sheet_fig(t, places))
            return row

        for name in sheet.candidates:
            party = count.party_of(name)
            result = sheet.result.get(name, "")
            label = (
                _x(name)
                + (f"<br/><font size=7>{_x(party)}</font>" if party else "")
                + (
                    f"<br/><font size=7><b>{_x(result)}</b></font>"
                    if result.startswith("Elected")
                    else ""
                )
            )
            rows.append(
                line(label, lambda s, n=name: s.transfers.get(n), lambda s, n=name: s.totals.get(n))
            )
        rows.append(
            line(
                "Non-transferable",
                lambda s: s.non_transferable_transfer,
                lambda s: s.non_transferable,
            )
        )
        rows.append(line("Loss by fractions", lambda s: s.loss_transfer, lambda s: s.loss))
        rows.append(
            line(
                "Total",
                lambda s: None,
                lambda s: (
                    sum((v for v in s.totals.values() if v is not None), Fraction(0))
                    + s.non_transferable
                    + s.loss
                ),
            )
        )
        if len(quotas) > 1:
            rows.append(line("Quota", lambda s: None, lambda s: s.quota))
        n_cols = sum(1 if k == 0 else 2 for k in idx)
        name_w = 58 * mm
        col_w = min(30 * mm, (267 * mm - name_w) / max(n_cols, 1))
        t = _table(rows, [name_w, *([col_w] * n_cols)], header_rows=2)
        spans = []
        col = 1
        for k in idx:
            if k:
                spans.append(("SPAN", (col, 0), (col + 1, 0)))
                col += 2
            else:
                col += 1
        t.setStyle(TableStyle(spans))
        story.append(t)
        story.append(Spacer(1, 3 * mm))
    notes = [f"Elected: {', '.join(sheet.elected) or '(none)'}."]
    for k, stage in enumerate(stages):
        if k + 1 < len(stages) and len(stage.excluded) > 2:
            notes.append(f"Stage {stages[k + 1].number}: excluded {', '.join(stage.excluded)}.")
        notes += [f"Stage {stage.number}: {n}" for n in stage.notes]
    for text in notes:
        story.append(Paragraph(_x(text), st["body"]))
    return story


def _build(story_parts: Sequence[tuple[str, list[Any]]], title: str) -> bytes:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import BaseDocTemplate, Frame, NextPageTemplate, PageTemplate

    _lib()
    regular, _ = _fonts()

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(regular, 7.5)
        canvas.drawString(15 * mm, 6 * mm, f"{title} · page {doc.page}")
        canvas.restoreState()

    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf,
        pagesize=A4,
        invariant=1,
        title=title,
        author="tallyroom",
        creator="tallyroom",
        producer="tallyroom",
        subject="Result of the count",
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
    )
    portrait = PageTemplate(
        id="portrait",
        pagesize=A4,
        frames=[Frame(15 * mm, 12 * mm, A4[0] - 30 * mm, A4[1] - 24 * mm, id="p")],
        onPage=footer,
    )
    wide = landscape(A4)
    land = PageTemplate(
        id="landscape",
        pagesize=wide,
        frames=[Frame(15 * mm, 15 * mm, wide[0] - 30 * mm, wide[1] - 30 * mm, id="l")],
        onPage=footer,
    )
    doc.addPageTemplates([portrait, land] if story_parts[0][0] == "portrait" else [land, portrait])
    from reportlab.platypus import PageBreak

    story: list[Any] = []
    for i, (orientation, part) in enumerate(story_parts):
        if i:
            story += [NextPageTemplate(orientation), PageBreak()]
        story += part
    doc.build(story)
    return buf.getvalue()


def _check(options: Mapping[str, Any] | None) -> dict[str, Any]:
    opts = dict(options or {})
    unknown = sorted(set(opts) - set(OPTIONS))
    if unknown:
        raise ReportError(
            f"unknown pdf option(s) {', '.join(unknown)}; valid options: {', '.join(OPTIONS)}"
        )
    return opts


def _title(count: Count, opts: Mapping[str, Any]) -> str:
    return str(opts.get("title") or count.title or "Election")


def declaration_pdf(count: Count, options: Mapping[str, Any] | None = None) -> bytes:
    """The declaration of result of poll, A4 portrait."""
    opts = _check(options)
    return _build([("portrait", _declaration_story(count, opts))], _title(count, opts))


def stage_sheet_pdf(count: Count, options: Mapping[str, Any] | None = None) -> bytes:
    """The stage sheet, A4 landscape."""
    opts = _check(options)
    return _build([("landscape", _stage_story(count, opts))], _title(count, opts))


def pdf_report(count: Count, options: Mapping[str, Any] | None = None) -> bytes:
    """The declaration, then the stage sheet when the count has more than one round."""
    opts = _check(options)
    parts = [("portrait", _declaration_story(count, opts))]
    if len(count.rounds) > 1:
        parts.append(("landscape", _stage_story(count, opts)))
    return _build(parts, _title(count, opts))


def register_report_renderers() -> list[ReportSpec]:
    return [
        ReportSpec(
            name="pdf",
            title="PDF: declaration of result, then the stage sheet (A4)",
            extension=".pdf",
            media_type="application/pdf",
            render=pdf_report,
            binary=True,
        ),
        ReportSpec(
            name="declaration-pdf",
            title="PDF: declaration of result of poll (A4)",
            extension=".pdf",
            media_type="application/pdf",
            render=declaration_pdf,
            binary=True,
        ),
        ReportSpec(
            name="stage-sheet-pdf",
            title="PDF: stage sheet of a multi-round count (A4 landscape)",
            extension=".pdf",
            media_type="application/pdf",
            render=stage_sheet_pdf,
            binary=True,
        ),
    ]
