"""Ballots: candidates, the grouped :class:`Profile`, mark codes and grouping."""

from .candidates import Candidate, CandidateList
from .marks import BLANK, OVERVOTE, UNCERTAIN, is_candidate, overvote_code
from .profile import InputFile, Profile, RejectedPapers

__all__ = [
    "BLANK",
    "OVERVOTE",
    "UNCERTAIN",
    "Candidate",
    "CandidateList",
    "InputFile",
    "Profile",
    "RejectedPapers",
    "is_candidate",
    "overvote_code",
]
