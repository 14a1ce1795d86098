"""Receiving ballot files: limits, allowed types, validation, then the content-addressed store.

Each file is copied (in chunks, counting its size) into a private temporary
directory under a name chosen here, read with the contest's format and
candidates to validate it, and only when EVERY file of the request is good are
the bytes moved into the blob store and attached to the contest. A refused
request leaves nothing behind. The uploaded file name is kept for display only.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

from ..errors import BallotFileError, RuleConfigError
from ..store import NewUpload, Store
from ..store.counting import allowed_extensions, candidates_from_json, extension_of, inspect_file
from ..store.models import Contest, Upload
from .errors import FileProblem, UploadRefused

__all__ = ["ALLOWED_CONTENT_TYPES", "Incoming", "display_name", "receive_uploads"]

#: Media types a browser or client may label a ballot file with.
ALLOWED_CONTENT_TYPES = frozenset(
    {
        "text/csv",
        "text/plain",
        "text/tab-separated-values",
        "text/xml",
        "application/xml",
        "application/json",
        "application/csv",
        "application/octet-stream",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/zip",
        "application/x-zip-compressed",
        "application/gzip",
        "application/x-gzip",
        "",
    }
)

_CHUNK = 1 << 20
_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>\"|?*]")


@dataclass(frozen=True)
class Incoming:
    """One file of an upload request as the web framework hands it over."""

    filename: str | None
    content_type: str | None
    stream: BinaryIO


def display_name(raw: str | None, fallback: str) -> str:
    """A harmless name to show: the last path component, no control characters, ≤ 200 chars."""
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip().lstrip(".")
    return name[-200:] if name else fallback


def _chunks(f: BinaryIO) -> Iterator[bytes]:
    while chunk := f.read(_CHUNK):
        yield chunk


def receive_uploads(
    store: Store, contest: Contest, files: Sequence[Incoming], *, actor: str, max_bytes: int
) -> list[Upload]:
    """Check every file; store them all, or refuse them all listing each file's problem."""
    if not files:
        raise UploadRefused([FileProblem("(none)", "choose at least one ballot file", 422)])
    problems: list[FileProblem] = []
    checked: list[tuple[Path, NewUpload]] = []
    candidates = candidates_from_json(contest.candidates_json)
    with tempfile.TemporaryDirectory(prefix="tallyroom-upload-") as tmp:
        for k, item in enumerate(files, start=1):
            shown = display_name(item.filename, f"file-{k}")
            ctype = (item.content_type or "").split(";", 1)[0].strip().lower()
            ext = extension_of(shown)
            if ext is None:
                problems.append(
                    FileProblem(
                        shown,
                        "file type not accepted; ballot files end in "
                        + ", ".join(sorted(allowed_extensions())),
                        415,
                    )
                )
                continue
            if ctype not in ALLOWED_CONTENT_TYPES:
                problems.append(FileProblem(shown, f"content type {ctype!r} not accepted", 415))
                continue
            private = Path(tmp) / f"upload-{k:03d}{ext}"
            size = 0
            too_big = False
            with open(private, "wb") as out:
                for chunk in _chunks(item.stream):
                    size += len(chunk)
                    if size > max_bytes:
                        too_big = True
                        break
                    out.write(chunk)
            if too_big:
                problems.append(
                    FileProblem(shown, f"file is larger than the limit of {max_bytes:,} bytes", 413)
                )
                continue
            if size == 0:
                problems.append(FileProblem(shown, "the file is empty", 422))
                continue
            try:
                fmt, profile = inspect_file(
                    private, shown, ballot_format=contest.ballot_format, candidates=candidates
                )
            except BallotFileError as exc:
                problems.append(FileProblem(shown, exc.problem, 422, exc.line))
                continue
            except RuleConfigError as exc:
                problems.append(FileProblem(shown, "; ".join(exc.problems), 422))
                continue
            checked.append(
                (
                    private,
                    NewUpload(
                        sha256="",
                        size=size,
                        filename=shown,
                        extension=ext,
                        content_type=ctype or "application/octet-stream",
                        format=fmt,
                        papers=int(profile.total) + int(profile.rejected_total),
                    ),
                )
            )
        if problems:
            raise UploadRefused(problems)
        stored = []
        for private, new in checked:
            with open(private, "rb") as f:
                sha, size = store.blobs.put(_chunks(f))
            stored.append(replace(new, sha256=sha, size=size))
    return store.add_uploads(contest.id, stored, actor=actor)
