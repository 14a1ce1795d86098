"""Progress bars: drawn on a terminal, silent when piped."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from tallyroom.progress import Progress, progress_enabled, sha256_with_progress, track


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_silent_when_not_a_terminal() -> None:
    stream = io.StringIO()
    with Progress(10, "work", stream=stream) as bar:
        for _ in range(10):
            bar.advance()
    assert stream.getvalue() == ""
    assert list(track([1, 2, 3], label="x", stream=stream)) == [1, 2, 3]
    assert stream.getvalue() == ""


def test_drawn_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TALLYROOM_NO_PROGRESS", raising=False)
    stream = Terminal()
    assert progress_enabled(stream)
    assert list(track(range(200), label="counting", stream=stream)) == list(range(200))
    text = stream.getvalue()
    assert text.startswith("\rcounting [") and text.endswith("100%\n")
    assert text.count("\r") == 102  # once at the start, once per percent, once at the end


def test_environment_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TALLYROOM_NO_PROGRESS", "1")
    assert not progress_enabled(Terminal())


def test_unknown_total(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TALLYROOM_NO_PROGRESS", raising=False)
    stream = Terminal()
    with Progress(None, "reading", stream=stream, unit="papers") as bar:
        bar.advance(1500)
    assert "reading 1,500 papers" in stream.getvalue()


def test_hash(tmp_path: Path) -> None:
    f = tmp_path / "x.bin"
    f.write_bytes(b"abc" * 1_000_000)
    stream = Terminal()
    assert sha256_with_progress(f, stream=stream) == hashlib.sha256(f.read_bytes()).hexdigest()
