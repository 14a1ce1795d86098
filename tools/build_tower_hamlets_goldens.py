"""Build the Tower Hamlets SV golden folders from the published figures.

The declarations give first preferences per candidate and the second preferences
counted for the two remaining candidates, not the papers. This script builds the
simplest paper set consistent with them: every remaining candidate's voters give
no second preference; the excluded candidates' papers carry the counted seconds
(allocated greedily, largest excluded candidate first) and the rest carry no
second preference. The count of such a set must reproduce every published figure.

Run from the repository root: ``python tools/build_tower_hamlets_goldens.py``.
Figures: /work/shared/spec/SV_RESULTS.md (copied into each folder's SOURCE.md).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "tests" / "golden" / "sv"

CONTESTS = {
    "tower_hamlets_2010": {
        "title": "Tower Hamlets mayoral election, 21 October 2010",
        "grade": "B",
        "first": {
            "Lutfur Rahman": ("Independent", 23283),
            "Helal Uddin Abbas": ("Labour", 11254),
            "Neil Anthony King": ("Conservative", 5348),
            "John David Macleod Griffiths": ("Liberal Democrat", 2800),
            "Alan Duffell": ("Green", 2300),
        },
        "seconds": {},
        "winner": "Lutfur Rahman",
        "sources": "http://eastlondonlines.co.uk/2010/10/lutfur-rahman-wins-tower-hamlets-mayoral-election ; http://liberalconspiracy.org/2010/10/22/labour-loses-in-tower-hamlets/",
    },
    "tower_hamlets_2014": {
        "title": "Tower Hamlets mayoral election, 22 May 2014",
        "grade": "B",
        "first": {
            "Lutfur Rahman": ("Tower Hamlets First", 36539),
            "John Biggs": ("Labour", 27643),
            "Christopher Wilford": ("Conservative", 7173),
            "Nicholas McQueen": ("UKIP", 4819),
            "Chris Smith": ("Green", 4699),
            "Reetendra Nath Banerji": ("Liberal Democrat", 1959),
            "Hugo Pierre": ("TUSC", 871),
            "Reza Shoaib Choudhury": ("Independent", 205),
            "Mohammed Kowaj Ali Khan": ("Independent", 164),
            "Hafiz Abdul Kadir": ("Independent", 162),
        },
        "seconds": {"Lutfur Rahman": 856, "John Biggs": 6500},
        "finals": {"Lutfur Rahman": 37395, "John Biggs": 34143},
        "winner": "Lutfur Rahman",
        "sources": "http://cryer.org.uk/Erlam_v_Rahman ; https://feeds.bbci.co.uk/news/uk-england-london-27554885 ; https://lovewapping.org/2014/05/lutfur-rahman-re-elected-mayor-tower-hamlets-years/",
    },
    "tower_hamlets_2015": {
        "title": "Tower Hamlets mayoral election (re-run), 11 June 2015",
        "grade": "B",
        "first": {
            "John Biggs": ("Labour", 27255),
            "Rabina Khan": ("Independent", 25763),
            "Peter Golds": ("Conservative", 5940),
            "John Foster": ("Green", 2678),
            "Elaine Bagshaw": ("Liberal Democrat", 2152),
            "Andy Erlam": ("Red Flag - Anti-Corruption", 1768),
            "Nicholas McQueen": ("UKIP", 1669),
            "Hafiz Abdul Kadir": ("Independent", 316),
            "Vanessa Helen Hudson": ("Animal Welfare Party", 305),
            "Md Motiur Nanu Rahman": ("Independent", 292),
        },
        "seconds": {"John Biggs": 5499, "Rabina Khan": 621},
        "finals": {"John Biggs": 32754, "Rabina Khan": 26384},
        "winner": "John Biggs",
        "sources": "https://www.conservativehome.com/thetorydiary/2015/06/regime-change-in-tower-hamlets-as-labour-mayor-elected.html ; https://feeds.bbci.co.uk/news/uk-england-london-33105311",
    },
    "tower_hamlets_2018": {
        "title": "Tower Hamlets mayoral election, 3 May 2018",
        "grade": "B",
        "first": {
            "John Biggs": ("Labour", 37619),
            "Rabina Khan": ("People's Alliance of Tower Hamlets", 13113),
            "Abul Monsur Ohid Ahmed": ("Aspire", 11109),
            "Anwara Ali": ("Conservative", 6149),
            "Elaine Bagshaw": ("Liberal Democrat", 5598),
            "Ciaran Alasdair Jebb": ("Green", 3365),
            "Hugo Pierre": ("TUSC", 728),
        },
        "seconds": {"John Biggs": 7246, "Rabina Khan": 3765},
        "finals": {"John Biggs": 44865, "Rabina Khan": 16878},
        "winner": "John Biggs",
        "sources": "https://lovewapping.org/2018/05/tower-hamlets-mayoral-election-result-still-not-announced/ ; https://www.eastlondonadvertiser.co.uk/news/local-council/election-labour-s-john-biggs-wins-tower-hamlets-mayor-poll-3592388",
    },
    "tower_hamlets_2022": {
        "title": "Tower Hamlets mayoral election, 5 May 2022",
        "grade": "B (counted seconds derived as final minus first)",
        "first": {
            "Lutfur Rahman": ("Aspire", 39533),
            "John Biggs": ("Labour", 27894),
            "Rabina Khan": ("Liberal Democrat", 6430),
            "Elliott Weaver": ("Conservative", 4269),
            "Andrew Wood": ("Independent", 3965),
            "Hugo Pierre": ("TUSC", 1462),
            "Pamela Holmes": ("Independent", 552),
        },
        "seconds": {"Lutfur Rahman": 1271, "John Biggs": 5593},
        "finals": {"Lutfur Rahman": 40804, "John Biggs": 33487},
        "winner": "Lutfur Rahman",
        "sources": "https://www.eastlondonadvertiser.co.uk/news/local-council/lutfur-rahman-elected-tower-hamlets-mayor-2022-8947614 ; https://www.thnews.co.uk/tower-hamlets-mayoral-election-results-first-round/",
    },
}


def build(name: str, spec: dict) -> None:
    folder = ROOT / name
    folder.mkdir(parents=True, exist_ok=True)
    first = spec["first"]
    seconds = dict(spec["seconds"])
    remaining = list(seconds)
    rows: list[tuple[str, str, int]] = []
    for cand in first:
        if cand in remaining or not seconds:
            rows.append((cand, "", first[cand][1]))
    excluded = sorted(
        (c for c in first if c not in remaining and seconds), key=lambda c: -first[c][1]
    )
    need = [[r, seconds[r]] for r in remaining]
    for cand in excluded:
        left = first[cand][1]
        for slot in need:
            take = min(left, slot[1])
            if take:
                rows.append((cand, slot[0], take))
                slot[1] -= take
                left -= take
        if left:
            rows.append((cand, "", left))
    assert all(n == 0 for _, n in need), name
    with open(folder / "ballots.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["first", "second", "count"])
        w.writerows(rows)
    with open(folder / "candidates.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["name", "party"])
        for cand, (party, _) in first.items():
            w.writerow([cand, party])
    (folder / "rules.toml").write_text(
        'method = "sv"\nrejection_heads = "si-2007-1024"\n', encoding="utf-8"
    )
    expected: dict = {
        "method": "sv",
        "elected": [spec["winner"]],
        "valid_papers": sum(v for _, v in first.values()),
        "extras": {"first_preferences": {c: v for c, (_, v) in first.items()}},
    }
    if seconds:
        expected["extras"]["second_preferences_counted"] = seconds
        expected["rounds"] = [
            {"round": 1},
            {"round": 2, "tally": {c: str(v) for c, v in spec["finals"].items()}},
        ]
    else:
        expected["rounds"] = [
            {
                "round": 1,
                "elected": [
                    {
                        "candidate": spec["winner"],
                        "reason": "more than half of the valid first preferences",
                    }
                ],
            }
        ]
    (folder / "expected.json").write_text(
        json.dumps(expected, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (folder / "SOURCE.md").write_text(
        f"# {spec['title']}\n\n"
        f"Figures: first preferences{', counted second preferences and final totals' if seconds else ''} "
        f"as published (grade {spec['grade']} in the project's SV_RESULTS.md). Sources: {spec['sources']}.\n\n"
        "The ballots are **constructed**, not real: the declaration gives totals, not papers. "
        "`ballots.csv` is the simplest paper set with exactly these first preferences and counted second "
        "preferences (built by `tools/build_tower_hamlets_goldens.py`): the remaining candidates' voters give no "
        "second preference, the excluded candidates' papers carry the counted seconds (largest excluded "
        "candidate first) and no second preference otherwise. Rejected papers were not published and are not modelled.\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    for n, s in CONTESTS.items():
        build(n, s)
