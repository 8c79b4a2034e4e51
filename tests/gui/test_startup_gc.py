"""Start-up pauses Python's cyclic garbage collector, and always turns it back on.

``cli`` pauses it before importing the window; ``gui.app.main`` resumes it once
the window is on the screen, and ``cli`` again whatever happens (an error, a
screenshot that exits).
"""

from __future__ import annotations

import gc

import pytest

from gdsim import cli
from gdsim.gui import app as app_module
from helpers import launch


@pytest.fixture(autouse=True)
def collector_on_afterwards():
    yield
    gc.enable()


def test_the_window_is_built_with_the_collector_paused_and_it_is_on_again_afterwards(monkeypatch):
    seen = []

    def fake_main(argv):
        seen.append(gc.isenabled())
        return 0

    monkeypatch.setattr(app_module, "main", fake_main)
    assert gc.isenabled()
    assert cli.main([]) == 0
    assert seen == [False] and gc.isenabled()


def test_an_error_while_opening_the_window_turns_the_collector_back_on(tmp_path, capsys):
    assert cli.main([str(tmp_path / "missing.csv")]) == cli.USAGE_ERROR
    assert "missing.csv" in capsys.readouterr().err
    assert gc.isenabled()


def test_the_open_window_collects_again_once_it_is_on_the_screen(qtbot, monkeypatch):
    seen = {}

    def once_shown(window):
        seen["paused while building"] = not gc.isenabled()
        qtbot.waitUntil(lambda: gc.isenabled() and window.isVisible(), timeout=5000)

    gc.disable()  # as the command line does
    assert launch(monkeypatch, [], once_shown) == 0
    assert seen["paused while building"] and gc.isenabled()
