"""Analyses of a count or a profile: transfer matrices, first x second preference tables.

Pure functions: :mod:`.transfers` reads only the :class:`~tallyroom.count.Count`
(its logged transfers), :mod:`.crosstab` reads the ballots of a
:class:`~tallyroom.ballots.profile.Profile` and stores its result in the count's
``extras`` so that reports rendered later from a saved count can show it.
"""

from .crosstab import CROSSTAB_KEY, Crosstab, crosstab_of, first_second_crosstab, with_crosstab
from .transfers import TransferFlow, TransferMatrix, transfer_matrix

__all__ = [
    "CROSSTAB_KEY",
    "Crosstab",
    "TransferFlow",
    "TransferMatrix",
    "crosstab_of",
    "first_second_crosstab",
    "transfer_matrix",
    "with_crosstab",
]
