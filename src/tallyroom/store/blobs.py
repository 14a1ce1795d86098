"""Content-addressed storage of uploaded bytes: ``<blob_dir>/<aa>/<sha256>``.

The name of a stored file is its SHA-256, so the same bytes are stored once and
a recount reads exactly the bytes that were counted. Nothing a user supplies
(file names included) is ever part of a path here.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ..errors import StorageError

__all__ = ["BlobStore"]

_HEX64 = re.compile(r"[0-9a-f]{64}")


class BlobStore:
    """Files under ``root`` named by their SHA-256."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def path_of(self, sha256: str) -> Path:
        """Where the blob with this hash lives (the hash is checked, never trusted)."""
        if not _HEX64.fullmatch(sha256):
            raise StorageError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def put(self, chunks: Iterable[bytes]) -> tuple[str, int]:
        """Store bytes; return ``(sha256, size)``. Written to a temporary file, then renamed."""
        h = hashlib.sha256()
        size = 0
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as f:
                for chunk in chunks:
                    h.update(chunk)
                    size += len(chunk)
                    f.write(chunk)
                f.flush()
                os.fsync(f.fileno())
            digest = h.hexdigest()
            target = self.path_of(digest)
            target.parent.mkdir(exist_ok=True)
            if target.exists():
                os.unlink(tmp)
            else:
                os.replace(tmp, target)
            return digest, size
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def read(self, sha256: str) -> bytes:
        """The stored bytes, checked against their hash."""
        path = self.path_of(sha256)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise StorageError(
                f"blob {sha256} is missing from {self.root}: {exc.strerror}"
            ) from exc
        if hashlib.sha256(data).hexdigest() != sha256:
            raise StorageError(
                f"blob {sha256} in {self.root} does not match its hash (changed on disk)"
            )
        return data

    def copy_to(self, sha256: str, target: Path) -> None:
        """Write the stored bytes to ``target`` in chunks, checking them against their hash."""
        path = self.path_of(sha256)
        h = hashlib.sha256()
        try:
            with open(path, "rb") as src, open(target, "wb") as out:
                while chunk := src.read(1 << 20):
                    h.update(chunk)
                    out.write(chunk)
        except OSError as exc:
            raise StorageError(
                f"blob {sha256} is missing from {self.root}: {exc.strerror}"
            ) from exc
        if h.hexdigest() != sha256:
            target.unlink()
            raise StorageError(
                f"blob {sha256} in {self.root} does not match its hash (changed on disk)"
            )
