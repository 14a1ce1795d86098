"""Write this case's expected CSV files from the published London Elects figures alone.

Run explicitly (``python tests/reports/golden/london_2021/make_expected.py``) to regenerate;
the tests never write expected files. Uses no tallyroom code: only the published
first x second choice table (examples/london_2021/first_second_choice_matrix.csv), the
candidate list in ballot-paper order, and the rule that the two candidates with most first
preferences remain (GLA Act 1999 Sch 2 para 4).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[3] / "examples" / "london_2021"
NO_VALID = "(no valid second choice)"


def write(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def main() -> None:
    with open(DATA / "candidates.csv", newline="", encoding="utf-8") as f:
        names = [
            r["name"] for r in sorted(csv.DictReader(f), key=lambda r: int(r["ballot_position"]))
        ]
    cell: dict[tuple[str, str], int] = {}
    with open(DATA / "first_second_choice_matrix.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            cell[(r["first_choice"], r["second_choice"])] = int(r["ballots"])
    seconds = [*names, NO_VALID]
    firsts = {n: sum(cell[(n, s)] for s in seconds) for n in names}

    rows = [["first preference", *names, "no second preference", "second preference void", "total"]]
    for n in names:
        rows.append(
            [n, *(str(cell[(n, s)]) for s in names), str(cell[(n, NO_VALID)]), "0", str(firsts[n])]
        )
    rows.append(
        [
            "total",
            *(str(sum(cell[(f, s)] for f in names)) for s in seconds),
            "0",
            str(sum(firsts.values())),
        ]
    )
    (HERE / "expected_crosstab.csv").write_text(write(rows), encoding="utf-8")

    top = sorted(names, key=lambda n: -firsts[n])[:2]
    remaining = [n for n in names if n in top]  # candidate order
    excluded = [n for n in names if n not in top]
    rows = [["from", *remaining, "exhausted", "total"]]
    col_totals = [0] * (len(remaining) + 1)
    for n in excluded:
        moved = [cell[(n, r)] for r in remaining]
        row = [*moved, firsts[n] - sum(moved)]
        col_totals = [a + b for a, b in zip(col_totals, row, strict=True)]
        rows.append([n, *(str(x) for x in row), str(firsts[n])])
    rows.append(["total", *(str(x) for x in col_totals), str(sum(col_totals))])
    (HERE / "expected_transfers.csv").write_text(write(rows), encoding="utf-8")


if __name__ == "__main__":
    main()
