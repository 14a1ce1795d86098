"""The declaration of result, as UK returning officers publish it (text and HTML).

For a Supplementary Vote count it holds what SI 2007/1024 Sch 1 r.54 requires
(and SI 2007/3541 Sch 3 r.57 for London): every candidate with their party
(description), first preferences, second preferences counted for the candidates
remaining, totals, rejected papers under each head, the papers on which no
second preference was counted by head, and the person elected. London's
declaration also lists all second preferences cast for every candidate; so does
this one, as a separate column. For other methods it lists the first-round and
final-round votes and the persons elected.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from ..count import Count
from ..numbers import format_exact
from ..registry import ReportSpec
from ._table import text_table

__all__ = ["declaration_data", "render_html", "render_text", "register_report_renderers"]


def _n(x: Any) -> str:
    if x is None or x == "":
        return ""
    if isinstance(x, int):
        return f"{x:,}"
    return format_exact(x)


def declaration_data(count: Count, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The declaration's content as plain data (shared by the text, HTML and PDF forms)."""
    opts = dict(options or {})
    names = count.candidate_names
    first = count.rounds[0].tally
    final = count.final_round.tally
    sv = count.method == "sv"
    columns: list[str]
    rows: list[list[Any]] = []
    if sv:
        counted = count.extras.get("second_preferences_counted", {})
        cast = count.extras.get("second_preferences_cast", {})
        columns = [
            "Candidate",
            "Party",
            "First preferences",
            "Second preferences counted",
            "Total",
            "Second preferences cast",
        ]
        for name in names:
            firsts = int(first.get(name, 0))
            if name in counted:
                rows.append(
                    [
                        name,
                        count.party_of(name) or "",
                        firsts,
                        int(counted[name]),
                        firsts + int(counted[name]),
                        int(cast.get(name, 0)),
                    ]
                )
            else:
                rows.append(
                    [name, count.party_of(name) or "", firsts, None, None, int(cast.get(name, 0))]
                )
    elif len(count.rounds) == 1:
        columns = ["Candidate", "Party", "Votes"]
        rows = [[n, count.party_of(n) or "", first.get(n)] for n in names]
    else:
        columns = ["Candidate", "Party", "First preferences", "Final round"]
        rows = [[n, count.party_of(n) or "", first.get(n), final.get(n)] for n in names]
    elected = [f"{n} ({count.party_of(n)})" if count.party_of(n) else n for n in count.elected]
    data: dict[str, Any] = {
        "title": opts.get("title") or count.title or "Election",
        "returning_officer": opts.get("returning_officer"),
        "date": opts.get("date"),
        "columns": columns,
        "rows": rows,
        "valid_papers": count.valid_papers,
        "rejected": dict(count.rejected),
        "rejected_total": count.rejected_total,
        "total_papers": count.total_papers,
        "elected": elected,
        "ties": [t for r in count.rounds for t in r.ties if t.rule != "statute"],
        "seats": count.seats,
    }
    if sv:
        data["second_not_counted"] = dict(count.extras.get("second_preferences_not_cast", {}))
        data["same_as_first"] = count.extras.get("second_preferences_same_as_first")
        data["second_round"] = len(count.rounds) > 1
    return data


def render_text(count: Count, options: Mapping[str, Any] | None = None) -> str:
    d = declaration_data(count, options)
    out = ["DECLARATION OF RESULT OF POLL", "", str(d["title"])]
    if d["date"]:
        out.append(f"Date of poll: {d['date']}")
    out += [
        "",
        "I, the undersigned, being the Returning Officer at the above election, hereby give "
        "notice that the number of votes recorded for each candidate at the said election is as follows:",
        "",
    ]
    out.append(
        text_table(
            d["columns"],
            [[_n(c) if i >= 2 else str(c) for i, c in enumerate(r)] for r in d["rows"]],
        )
    )
    out += ["", f"Total valid papers: {d['valid_papers']:,}"]
    out.append("")
    out.append("The number of ballot papers rejected was as follows:")
    for head, n in d["rejected"].items():
        out.append(f"  {head}: {n:,}")
    out.append(f"  Total: {d['rejected_total']:,}")
    if "second_not_counted" in d:
        out.append("")
        out.append("Second preference votes not cast, under each head (all valid papers):")
        for head, n in d["second_not_counted"].items():
            out.append(f"  {head}: {n:,}")
        if d.get("same_as_first") is not None:
            out.append(
                "Valid papers with the second preference for the same candidate as the first: "
                f"{d['same_as_first']:,}"
            )
    for t in d["ties"]:
        out.append("")
        out.append(
            f"Equality of votes ({t.kind}) between {', '.join(t.tied)}: decided by {t.rule} in favour of "
            f"{', '.join(t.chosen)}. {t.detail}"
        )
    out.append("")
    verb = "is" if len(d["elected"]) == 1 else "are"
    out.append(f"And I do hereby declare that {', '.join(d['elected'])} {verb} duly elected.")
    if d["returning_officer"]:
        out += ["", f"{d['returning_officer']}, Returning Officer"]
    return "\n".join(out) + "\n"


def render_html(count: Count, options: Mapping[str, Any] | None = None) -> str:
    d = declaration_data(count, options)
    e = html.escape
    head = "".join(f'<th scope="col">{e(c)}</th>' for c in d["columns"])
    body = "".join(
        "<tr>"
        + "".join(
            (
                f'<th scope="row">{e(str(c))}</th>'
                if i == 0
                else f"<td>{e(str(c))}</td>"
                if i == 1
                else f'<td class="num">{e(_n(c))}</td>'
            )
            for i, c in enumerate(r)
        )
        + "</tr>"
        for r in d["rows"]
    )
    rejected = "".join(
        f'<tr><th scope="row">{e(h)}</th><td class="num">{n:,}</td></tr>'
        for h, n in d["rejected"].items()
    )
    second = ""
    if "second_not_counted" in d:
        items = "".join(
            f'<tr><th scope="row">{e(h)}</th><td class="num">{n:,}</td></tr>'
            for h, n in d["second_not_counted"].items()
        )
        second = (
            f"<h2>Second preference votes not cast, under each head</h2><table>{items}</table>"
            + (
                "<p>Valid papers with the second preference for the same candidate as the first: "
                f"{d['same_as_first']:,}</p>"
                if d.get("same_as_first") is not None
                else ""
            )
        )
    ties = "".join(
        f'<p class="tie">Equality of votes ({e(t.kind)}) between {e(", ".join(t.tied))}: decided by {e(t.rule)} '
        f"in favour of {e(', '.join(t.chosen))}. {e(t.detail)}</p>"
        for t in d["ties"]
    )
    verb = "is" if len(d["elected"]) == 1 else "are"
    ro = (
        f'<p class="ro">{e(d["returning_officer"])}, Returning Officer</p>'
        if d["returning_officer"]
        else ""
    )
    date = f"<p>Date of poll: {e(str(d['date']))}</p>" if d["date"] else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Declaration of result: {e(str(d["title"]))}</title>
<style>
body {{ font-family: Georgia, serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #111; }}
h1 {{ text-align: center; letter-spacing: .05em; }}
table {{ border-collapse: collapse; width: 100%; margin: 1rem 0; }}
th, td {{ border: 1px solid #555; padding: .3rem .5rem; text-align: left; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
.elected {{ font-weight: bold; font-size: 1.15em; }}
</style>
</head>
<body>
<h1>Declaration of result of poll</h1>
<p class="election">{e(str(d["title"]))}</p>
{date}
<p>I, the undersigned, being the Returning Officer at the above election, hereby give notice that the number of votes recorded for each candidate at the said election is as follows:</p>
<table class="votes"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>
<p>Total valid papers: {d["valid_papers"]:,}</p>
<h2>Rejected ballot papers</h2>
<table class="rejected">{rejected}<tr><th scope="row">Total</th><td class="num">{d["rejected_total"]:,}</td></tr></table>
{second}
{ties}
<p class="elected">And I do hereby declare that {e(", ".join(d["elected"]))} {verb} duly elected.</p>
{ro}
</body>
</html>
"""


def register_report_renderers() -> list[ReportSpec]:
    return [
        ReportSpec(
            name="declaration-text",
            title="Declaration of result (text)",
            extension=".txt",
            media_type="text/plain",
            render=render_text,
        ),
        ReportSpec(
            name="declaration-html",
            title="Declaration of result (HTML)",
            extension=".html",
            media_type="text/html",
            render=render_html,
        ),
    ]
