"""Run a count from stored inputs: the bridge between the store and :mod:`tallyroom.api`.

No counting happens here. The stored bytes of each ballot file are written to a
private temporary directory under names chosen here (``input-001.csv``, …; only
the extension, checked against the registered formats, comes from the upload),
read with :func:`tallyroom.api.read_ballots`, counted with
:func:`tallyroom.api.count` and saved as native JSON. The inputs recorded in the
count carry the uploaded file names (for display) and the SHA-256 of the bytes,
exactly as ``tallyroom count`` records them for files of the same names, so the
command line and the web application give identical results for the same inputs.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .. import api
from ..ballots.candidates import Candidate, CandidateList
from ..ballots.profile import InputFile, Profile
from ..count import Count
from ..errors import BallotFileError, RuleConfigError
from ..registry import formats, get_format
from ..reports.native_json import dumps
from .blobs import BlobStore

__all__ = [
    "CountSpec",
    "Progress",
    "StoredInput",
    "allowed_extensions",
    "candidates_from_json",
    "candidates_to_json",
    "compute",
    "inspect_file",
    "read_candidates_bytes",
]


def allowed_extensions() -> tuple[str, ...]:
    """File extensions of the registered ballot formats (what may be uploaded), sorted."""
    exts = {e.lower() for spec in formats().values() for e in spec.extensions}
    return tuple(sorted(exts, key=lambda e: (-len(e), e)))


def extension_of(filename: str) -> str | None:
    """The registered extension a file name ends with (longest match), else ``None``."""
    lower = filename.lower()
    for ext in allowed_extensions():
        if lower.endswith(ext):
            return ext
    return None


def candidates_to_json(candidates: Sequence[Candidate] | None) -> str | None:
    if candidates is None:
        return None
    return json.dumps(
        [{"name": c.name, "party": c.party, "code": c.code} for c in candidates], ensure_ascii=False
    )


def candidates_from_json(text: str | None) -> CandidateList | None:
    if text is None:
        return None
    return CandidateList(
        Candidate(c["name"], c.get("party"), c.get("code")) for c in json.loads(text)
    )


@dataclass(frozen=True, kw_only=True)
class StoredInput:
    """One ballot file of a count: display name, hash, extension (and its detected format)."""

    filename: str
    sha256: str
    extension: str
    format: str

    def to_dict(self) -> dict[str, str]:
        return {
            "filename": self.filename,
            "sha256": self.sha256,
            "extension": self.extension,
            "format": self.format,
        }


@dataclass(frozen=True, kw_only=True)
class CountSpec:
    """Everything a count depends on besides the input bytes. Serialised canonically."""

    method: str
    seats: int | None = None
    rules: Mapping[str, Any] = field(default_factory=dict)
    tie_seed: str | None = None
    tie_decisions: tuple[str, ...] = ()
    ballot_format: str | None = None
    candidates: tuple[tuple[str, str | None, str | None], ...] | None = None
    title: str | None = None

    def to_json(self) -> str:
        return json.dumps(
            {
                "method": self.method,
                "seats": self.seats,
                "rules": self.rules,
                "tie_seed": self.tie_seed,
                "tie_decisions": list(self.tie_decisions),
                "ballot_format": self.ballot_format,
                "candidates": None
                if self.candidates is None
                else [list(c) for c in self.candidates],
                "title": self.title,
            },
            sort_keys=True,
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> CountSpec:
        d = json.loads(text)
        cands = d.get("candidates")
        return cls(
            method=d["method"],
            seats=d.get("seats"),
            rules=d.get("rules") or {},
            tie_seed=d.get("tie_seed"),
            tie_decisions=tuple(d.get("tie_decisions") or ()),
            ballot_format=d.get("ballot_format"),
            candidates=None if cands is None else tuple((c[0], c[1], c[2]) for c in cands),
            title=d.get("title"),
        )

    def candidate_list(self) -> CandidateList | None:
        if self.candidates is None:
            return None
        return CandidateList(Candidate(n, p, c) for n, p, c in self.candidates)


def _remap(exc: BallotFileError, names: Mapping[str, str]) -> BallotFileError:
    """The same error, naming the uploaded file instead of the private temporary one."""
    path = exc.path
    problem = exc.problem
    shown = path
    for private, display in names.items():
        if path is not None and (path == private or Path(path).name == Path(private).name):
            shown = display
        problem = problem.replace(private, display)
    return BallotFileError(shown, problem, line=exc.line)


def _read(
    paths: Sequence[Path],
    display: Sequence[str],
    *,
    ballot_format: str | None,
    candidates: CandidateList | None,
    method: str | None = None,
) -> Profile:
    names = {str(p): d for p, d in zip(paths, display, strict=True)}
    try:
        profile = api.read_ballots(
            list(paths), format=ballot_format, candidates=candidates, for_method=method
        )
    except BallotFileError as exc:
        raise _remap(exc, names) from None
    by_private = {p.name: d for p, d in zip(paths, display, strict=True)}
    return replace(
        profile,
        inputs=tuple(InputFile(by_private.get(i.path, i.path), i.sha256) for i in profile.inputs),
    )


def inspect_file(
    path: Path, display: str, *, ballot_format: str | None, candidates: CandidateList | None
) -> tuple[str, Profile]:
    """Read one candidate upload (already in a private file) and say which format it is."""
    try:
        spec = get_format(ballot_format) if ballot_format else api.detect_format(path)
    except BallotFileError as exc:
        raise _remap(exc, {str(path): display}) from None
    return spec.name, _read([path], [display], ballot_format=spec.name, candidates=candidates)


def read_candidates_bytes(data: bytes, display: str) -> CandidateList:
    """Parse an uploaded candidates CSV (``name``, ``party``, ``ballot_position``)."""
    with tempfile.TemporaryDirectory(prefix="tallyroom-") as tmp:
        path = Path(tmp) / "candidates.csv"
        path.write_bytes(data)
        try:
            return api.read_candidates(path)
        except BallotFileError as exc:
            raise _remap(exc, {str(path): display}) from None


#: Called with a short description of each stage of a count ("reading 3 ballot files", …).
Progress = Callable[[str], None]


def _quiet(stage: str) -> None:
    """The default :data:`Progress`: report nothing."""


def compute(
    blobs: BlobStore, inputs: Sequence[StoredInput], spec: CountSpec, progress: Progress = _quiet
) -> tuple[Count, str]:
    """Count the stored inputs under ``spec``: the :class:`Count` and its native JSON text."""
    if not inputs:
        raise RuleConfigError("this contest has no ballot files yet; upload at least one")
    with tempfile.TemporaryDirectory(prefix="tallyroom-count-") as tmp:
        paths = []
        for k, item in enumerate(inputs, start=1):
            progress(
                f"checking stored file {k} of {len(inputs)} ({item.filename}) against its SHA-256"
            )
            path = Path(tmp) / f"input-{k:03d}{item.extension}"
            blobs.copy_to(item.sha256, path)
            paths.append(path)
        size = sum(p.stat().st_size for p in paths)
        progress(
            f"reading {len(paths)} ballot file{'s' if len(paths) != 1 else ''} ({size:,} bytes)"
        )
        profile = _read(
            paths,
            [i.filename for i in inputs],
            ballot_format=spec.ballot_format,
            candidates=spec.candidate_list(),
            method=spec.method,
        )
    if spec.title:
        profile = replace(profile, title=spec.title)
    progress(
        f"counting {profile.total:,} papers ({profile.n_distinct:,} distinct) under {spec.method}"
    )
    result = api.count(
        profile,
        spec.method,
        dict(spec.rules) or None,
        seats=spec.seats,
        tie_seed=spec.tie_seed,
        tie_decisions=spec.tie_decisions,
    )
    return result, dumps(result)
