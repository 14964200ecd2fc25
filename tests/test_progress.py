"""Progress bars: drawn on a terminal, and nothing at all (no refresh thread either) elsewhere."""

from __future__ import annotations

import threading

import pytest
from rich.console import Console

from dapt import progress as progress_module
from dapt.progress import progress


@pytest.mark.parametrize("terminal", [True, False])
def test_a_bar_is_drawn_only_on_a_terminal(
    terminal: bool, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stderr = Console(stderr=True, force_terminal=terminal, force_interactive=terminal)
    monkeypatch.setattr(progress_module, "STDERR", stderr)
    monkeypatch.setenv("TERM", "xterm")  # rich draws nothing on a dumb terminal
    before = threading.active_count()
    seen = [(item, threading.active_count() - before) for item in progress(range(3), "counting words", total=3)]
    assert [item for item, _ in seen] == [0, 1, 2]
    assert all(extra == int(terminal) for _, extra in seen)  # rich's refresh thread, while the bar is up
    assert ("counting words" in capsys.readouterr().err) is terminal
