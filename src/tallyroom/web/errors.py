"""The ONE place where errors become HTTP responses.

::

    exception                          status  meaning
    SignInRequired                     401     no administrator is signed in
    CsrfRefused                        403     missing/wrong CSRF token or a cross-site request
    NotFound                           404     no such election, contest, count or report
    TooManyAttempts                    429     too many refused sign-ins for a user name
    UploadRefused                      413/415/422  per file: too large / type not accepted / unreadable
    TieDecisionRequired                409     a lot or an officer's decision is needed (``tie``)
    BallotFileError                    422     a ballot or candidates file is bad (``file``, ``line``)
    RuleConfigError                    422     unknown method, option or value (``problems``)
    CountError                         422     the count cannot proceed as asked
    StorageError                       409     the store refused (e.g. a duplicate user name)
    ReportError                        501     a report cannot be produced (missing extra)
    IntegrityError                     500     a count log that does not add up

API routes (``/api/…``) answer ``{"error", "message", "status", …}`` as JSON;
pages show the same message on an error page (or redirect to sign-in).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import (
    BallotFileError,
    CountError,
    IntegrityError,
    ReportError,
    RuleConfigError,
    StorageError,
    TieDecisionRequired,
)

__all__ = [
    "CsrfRefused",
    "FileProblem",
    "NotFound",
    "SignInRequired",
    "TooManyAttempts",
    "UploadRefused",
    "WebError",
    "problem_of",
]


class WebError(Exception):
    """An error of the web layer with its HTTP status."""

    status = 400

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class SignInRequired(WebError):
    status = 401


class CsrfRefused(WebError):
    status = 403


class NotFound(WebError):
    status = 404


class TooManyAttempts(WebError):
    """Too many refused sign-ins for one user name in a short time."""

    status = 429


@dataclass(frozen=True)
class FileProblem:
    """What is wrong with one uploaded file."""

    filename: str
    problem: str
    status: int
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.filename, "line": self.line, "problem": self.problem}

    def __str__(self) -> str:
        where = self.filename if self.line is None else f"{self.filename}, line {self.line}"
        return f"{where}: {self.problem}"


class UploadRefused(WebError):
    """One or more uploaded files were refused; nothing from the request was kept."""

    def __init__(self, problems: list[FileProblem]) -> None:
        self.problems = problems
        self.status = max(p.status for p in problems)
        super().__init__(
            "upload refused, nothing was stored: " + "; ".join(str(p) for p in problems)
        )


#: Status of each library error, most specific first.
_STATUS: tuple[tuple[type[Exception], int], ...] = (
    (TieDecisionRequired, 409),
    (IntegrityError, 500),
    (BallotFileError, 422),
    (RuleConfigError, 422),
    (CountError, 422),
    (StorageError, 409),
    (ReportError, 501),
)


def problem_of(exc: Exception) -> tuple[int, dict[str, Any]]:
    """The HTTP status and JSON body for an error (web or library)."""
    body: dict[str, Any] = {"error": type(exc).__name__, "message": str(exc)}
    if isinstance(exc, WebError):
        status = exc.status
        body["message"] = exc.message
        if isinstance(exc, UploadRefused):
            body["files"] = [p.to_dict() for p in exc.problems]
    else:
        status = next((s for cls, s in _STATUS if isinstance(exc, cls)), 500)
        if isinstance(exc, BallotFileError):
            body.update(file=exc.path, line=exc.line, problem=exc.problem)
        elif isinstance(exc, RuleConfigError):
            body["problems"] = exc.problems
        elif isinstance(exc, TieDecisionRequired):
            body["tie"] = exc.tie
    body["status"] = status
    return status, body
