"""Steps shared by several STV rule sets: moving papers, deeming candidates elected."""

from __future__ import annotations

from ._log import BROKEN_SEQUENCE, NON_TRANSFERABLE, VOID_PREFERENCE, StageLog
from ._papers import BROKEN, NO_FURTHER, VOID, IntArray, Parcel, Piles

__all__ = ["elect_reached", "move"]


def move(
    piles: Piles, log: StageLog, source: int, parcel: Parcel, dest: IntArray, at: IntArray
) -> int:
    """Give ``parcel``'s papers to ``dest`` (next stage), log the flows, return units out.

    Papers with no further preference, or whose next mark is void, are logged as
    exhausted at their value (they leave the count).
    """
    received = piles.distribute(parcel, dest, at, stage=log.stage + 1, source=piles.names[source])
    for c, units in received.items():
        log.transfer(source, c, units)
    out = sum(received.values())
    for code, reason in (
        (NO_FURTHER, NON_TRANSFERABLE),
        (VOID, VOID_PREFERENCE),
        (BROKEN, BROKEN_SEQUENCE),
    ):
        mask = dest == code
        units = int((parcel.counts[mask] * parcel.values[mask]).sum())
        log.transfer(source, reason, units)
        out += units
    return out


def elect_reached(
    piles: Piles, log: StageLog, quota_units: int, elected_at: dict[int, int]
) -> list[int]:
    """Deem elected every continuing candidate at or above the quota, most votes first."""
    tally = piles.tally
    reached = [c for c in piles.continuing_indices() if tally[c] >= quota_units]
    reached.sort(key=lambda c: -tally[c])
    for c in reached:
        piles.continuing[c] = False
        elected_at[c] = log.stage
        log.elect(c, "reached the quota")
    return reached
