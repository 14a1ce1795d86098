"""tallyroom: count elections exactly as the law says, from real ballot files.

Public API::

    profile = tallyroom.read_ballots(paths, format=None, candidates=None)
    result = tallyroom.count(profile, method="sv", rules=None, seats=None)
    text = tallyroom.render(result, "declaration-text")
"""

from __future__ import annotations

__version__ = "0.1.0"

from .analysis.compare import compare
from .api import count, read_ballots, read_candidates, render
from .ballots import Candidate, CandidateList, Profile
from .count import Count, Decision, Round, TieDecision
from .errors import (
    BallotFileError,
    CountError,
    IntegrityError,
    ReportError,
    RuleConfigError,
    StorageError,
    TallyroomError,
    TieDecisionRequired,
)
from .reports.native_json import load as load_count
from .ties import OfficerDecision, TieBreak, TieRule

__all__ = [
    "BallotFileError",
    "Candidate",
    "CandidateList",
    "Count",
    "CountError",
    "Decision",
    "IntegrityError",
    "OfficerDecision",
    "Profile",
    "ReportError",
    "Round",
    "RuleConfigError",
    "StorageError",
    "TallyroomError",
    "TieBreak",
    "TieDecision",
    "TieDecisionRequired",
    "TieRule",
    "__version__",
    "compare",
    "count",
    "load_count",
    "read_ballots",
    "read_candidates",
    "render",
]
