"""RCTab's CSV cast-vote-record export (``rctab_cvr.csv``): every paper in file order.

Layout as RCTab 2.0.1 writes it (before each tabulation, and in its
``--convert-to-csv`` conversion mode), checked against the ``conversions_from_cdf``,
``conversions_from_dominion`` and ``conversions_from_ess`` cases of RCTab's test data::

    Source Filepath,CVR Provider,Contest Id,RCTab CVR Id,Tabulator Id,Batch Id,Vendor Id,
    Precinct,Precinct Portion,Rank 1,...,Rank <maxRankingsAllowed>

* ``Source Filepath`` is the ``filePath`` of the source as written in the config;
  ``CVR Provider`` its provider.
* ``RCTab CVR Id`` is RCTab's id of the record: Dominion ``<tabulator>-<batch>-<record>``,
  CDF ``<file name>(<n>)``, ES&S without an id column ``<file name>-<n>``, else the
  record's own id (``<file name>-<n>`` for a file without ids, e.g. a generic CSV
  without id column: unchecked against RCTab). ``Vendor Id`` is the id the vendor's file gives the record
  (Dominion's ``RecordId``, CDF's ``BallotPrePrintedId``/``UniqueId``, the ES&S
  id column), empty when it gives none.
* ``Contest Id``, ``Tabulator Id`` and ``Precinct Portion`` are Dominion's (empty for
  other providers); ``Batch Id`` is Dominion's batch or the batch column;
  ``Precinct`` is the precinct the Dominion record names (not one derived from its
  portion) or the precinct column.
* Each rank holds the config's name of the candidate marked (several, one per line,
  for an overvote), the source's undeclared write-in label, ``overvote`` for an
  explicit overvote, or ``undervote`` when nothing is marked. There are
  ``maxRankingsAllowed`` ranks (``max``: one per declared candidate).

Hart, Clear Ballot and generic CSV sources use the same rules (record id as both
ids, precinct and batch as read); their rows have not been checked against RCTab.
"""

from __future__ import annotations

from typing import Any

from ..ballots.marks import BLANK, OVERVOTE, UNCERTAIN, group_of
from .outputs import _row
from .run import UNDECLARED_WRITE_INS, RCTabResult

__all__ = ["HEADER", "rctab_cvr_csv"]

HEADER = (
    "Source Filepath",
    "CVR Provider",
    "Contest Id",
    "RCTab CVR Id",
    "Tabulator Id",
    "Batch Id",
    "Vendor Id",
    "Precinct",
    "Precinct Portion",
)
_OVERVOTE = "overvote"
_UNDERVOTE = "undervote"


def _max_rank(result: RCTabResult) -> int:
    limit = result.config.rules.max_rankings
    return limit if limit is not None else len(result.config.candidates)


def _stratum(result: RCTabResult, kind: str, row: int) -> str:
    meta = result.profile.metadata
    values = meta.get(kind)
    if values is None or values[row] < 0:
        return ""
    return str(meta[f"{kind}_names"][int(values[row])])


def _rank_cells(result: RCTabResult, row: int, uwi_label: str, depth: int) -> list[str]:
    profile = result.profile
    names = list(profile.candidates.names)
    names = [uwi_label if n == UNDECLARED_WRITE_INS else n for n in names]
    cells: list[str] = []
    codes = profile.ballots[row].tolist()
    for rank in range(depth):
        code = codes[rank] if rank < len(codes) else BLANK
        if code == BLANK:
            cells.append(_UNDERVOTE)
        elif code >= 0:
            cells.append(names[code])
        elif code in (OVERVOTE, UNCERTAIN):
            cells.append(_OVERVOTE)
        else:
            cells.append("\n".join(names[i] for i in profile.overvote_groups[group_of(code)]))
    return cells


def rctab_cvr_csv(result: RCTabResult) -> str:
    """The ``rctab_cvr.csv`` text of a contest read with ``keep_order``."""
    config = result.config
    profile = result.profile
    order = profile.paper_order
    ids = profile.metadata.get("ballot_ids", ())
    sources = result.paper_sources
    if order is None or len(ids) != len(order) or len(sources) != len(order):
        raise ValueError("the CSV CVR export needs the papers in file order with their ids")
    depth = _max_rank(result)
    lines = [_row(*HEADER, *(f"Rank {r}" for r in range(1, depth + 1)))]
    within: dict[int, int] = {}
    for paper, row in enumerate(order.tolist()):
        k = sources[paper]
        source = config.sources[k]
        within[k] = within.get(k, 0) + 1
        n = within[k]
        meta = result.source_metadata[k] if result.source_metadata else {}
        raw_id = str(ids[paper])
        contest = tabulator = portion = ""
        batch = _stratum(result, "batch", row)
        precinct = _stratum(result, "precinct", row)
        if source.provider == "dominion" and "paper_records" in meta:
            fields = meta.get("paper_fields", ())
            record: dict[str, Any] = dict(zip(fields, meta["paper_records"][n - 1], strict=True))
            contest = str(source.options.get("contest_id", "") or "")
            tabulator, batch = record["TabulatorId"], record["BatchId"]
            precinct, portion = record["Precinct"], record["PrecinctPortion"]
            rctab_id, vendor_id = raw_id, record["RecordId"]
        elif source.provider == "cdf":
            rctab_id = f"{source.path.name}({n})"
            vendor_id = "" if raw_id == rctab_id else raw_id
        elif source.provider == "ess" and not source.options.get("id_column_index"):
            rctab_id, vendor_id = raw_id, ""
        elif raw_id == "":  # a file without record ids: RCTab's computed id
            rctab_id, vendor_id = f"{source.path.name}-{n}", ""
        else:
            rctab_id = vendor_id = raw_id
        uwi = str(source.options.get("undeclared_write_in_label", "") or "")
        lines.append(
            _row(
                source.raw_path,
                source.provider,
                contest,
                rctab_id,
                tabulator,
                batch,
                vendor_id,
                precinct,
                portion,
                *_rank_cells(result, row, uwi, depth),
            )
        )
    return "\n".join(lines) + "\n"
