"""Progress bars: drawn on a terminal, and nothing at all (no refresh thread either) elsewhere."""

from __future__ import annotations

import threading

import pytest
from rich.console import Console
from rich.live import _RefreshThread

from dapt import progress as progress_module
from dapt.progress import progress


def _refresh_threads() -> set[threading.Thread]:
    return {thread for thread in threading.enumerate() if isinstance(thread, _RefreshThread)}


@pytest.mark.parametrize("terminal", [True, False])
def test_a_bar_is_drawn_only_on_a_terminal(
    terminal: bool, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stderr = Console(stderr=True, force_terminal=terminal, force_interactive=terminal)
    monkeypatch.setattr(progress_module, "STDERR", stderr)
    monkeypatch.setenv("TERM", "xterm")  # rich draws nothing on a dumb terminal
    earlier = _refresh_threads()  # an earlier test's bar may still be up
    seen = [(item, len(_refresh_threads() - earlier)) for item in progress(range(3), "counting words", total=3)]
    assert seen == [(0, int(terminal)), (1, int(terminal)), (2, int(terminal))]
    assert ("counting words" in capsys.readouterr().err) is terminal
