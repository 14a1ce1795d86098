"""The one exception tree of tallyroom.

Every error the library raises on purpose is a :class:`TallyroomError`; callers
(the CLI, the web app) catch that one class and show its message. Messages say
what went wrong and what to do about it.

::

    TallyroomError
     ├── BallotFileError(path, line)      bad or unreadable ballot / CVR / results file
     ├── RuleConfigError(problems)        unknown method, option or value; every problem at once
     ├── CountError                       the count cannot proceed (e.g. no candidates)
     │    ├── TieDecisionRequired(tie)    a lot or an officer's decision is needed
     │    └── IntegrityError              a count log that does not add up (a bug or tampering)
     ├── ReportError                      a report cannot be produced (missing extra, bad format)
     └── StorageError                     the database or file store refused an operation
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "BallotFileError",
    "CountError",
    "IntegrityError",
    "ReportError",
    "RuleConfigError",
    "StorageError",
    "TallyroomError",
    "TieDecisionRequired",
]


class TallyroomError(Exception):
    """Base class of every error tallyroom raises on purpose."""


class BallotFileError(TallyroomError):
    """A ballot file (or other input file) could not be read.

    ``path`` names the file, ``line`` the 1-based line (or row, or record) where
    the problem is, when it is known.
    """

    def __init__(self, path: str | Path | None, problem: str, *, line: int | None = None) -> None:
        self.path = None if path is None else str(path)
        self.line = line
        self.problem = problem
        where = self.path or "<input>"
        if line is not None:
            where = f"{where}, line {line}"
        super().__init__(f"{where}: {problem}")


class RuleConfigError(TallyroomError):
    """Unknown method, option or value in the rules. Lists every problem found."""

    def __init__(self, problems: str | Sequence[str], *, source: str | None = None) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.source = source
        prefix = f"{source}: " if source else ""
        if len(self.problems) == 1:
            message = prefix + self.problems[0]
        else:
            message = (
                prefix
                + f"{len(self.problems)} problems:\n"
                + "\n".join(f"  - {p}" for p in self.problems)
            )
        super().__init__(message)


class CountError(TallyroomError):
    """The count cannot proceed as asked."""


class TieDecisionRequired(CountError):
    """A tie must be decided by lot or by the returning officer, and no decision was given.

    ``tie`` describes the tie (kind, round, candidates). Supply a seed for a recorded
    draw (``--tie-seed``) or the decision (``--tie-decision``) and count again.
    """

    def __init__(self, message: str, *, tie: dict[str, Any]) -> None:
        self.tie = tie
        super().__init__(message)


class IntegrityError(CountError):
    """A count log does not add up: votes were lost or created, or inputs changed."""


class ReportError(TallyroomError):
    """A report could not be produced."""


class StorageError(TallyroomError):
    """The store refused an operation."""
