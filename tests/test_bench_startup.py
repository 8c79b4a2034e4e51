"""The start-up row runs both commands in fresh processes and returns one well-formed row.

Correctness only: one repeat, no timing assertions.
"""

from __future__ import annotations

import os
import re

from gdsim.bench.startup import row_startup, startup_env


def test_startup_row_is_well_formed():
    rows = row_startup(1)
    assert len(rows) == 1
    row = rows[0]
    assert row.key == "8" and "start-up" in row.what
    assert row.target == "≤ 1.5×"
    assert row.ok in (True, False), row.detail  # measured, not skipped
    assert re.fullmatch(r"\d+\.\d\d× bare", row.value)
    assert "median of 1" in row.detail
    assert "with the collector paused as gdsim does" in row.detail


def test_children_get_offscreen_qt_and_a_private_bytecode_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.setenv("PYTHONPATH", "elsewhere")
    env = startup_env(tmp_path)
    assert env["QT_QPA_PLATFORM"] == "offscreen"
    assert "PYTHONDONTWRITEBYTECODE" not in env
    assert env["PYTHONPYCACHEPREFIX"].startswith(str(tmp_path))
    assert env["XDG_CONFIG_HOME"].startswith(str(tmp_path))
    first, *rest = env["PYTHONPATH"].split(os.pathsep)
    assert os.path.isfile(os.path.join(first, "gdsim", "__main__.py")) and rest == ["elsewhere"]
