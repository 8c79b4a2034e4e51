"""Row 12 opens a session in a fresh process and returns one well-formed row.

Correctness only: a small session, one repeat, no timing assertions.
"""

from __future__ import annotations

import re

import pytest

from gdsim.bench import ROW_KEYS
from gdsim.bench.runner import main
from gdsim.bench.session_open import TARGET_MS, row_session_open


def test_session_open_row_is_well_formed():
    rows = row_session_open(1, 5_000)
    assert len(rows) == 1
    row = rows[0]
    assert row.key == "12" and "12" in ROW_KEYS and "opening a big session" in row.what
    assert row.target == f"≤ {TARGET_MS:g} ms" == "≤ 100 ms"
    assert row.ok in (True, False), row.detail  # measured (and the session applied), not skipped
    assert re.fullmatch(r"\d+ ms", row.value)
    assert re.match(r"5,000 rows, median of 1 opens; while reading \d+ ms \(\d+\.\d s\), "
                    r"while applying \d+ ms \(\d+\.\d\d s\)$", row.detail)


def test_the_command_line_knows_row_12(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--rows", "13"])
    assert exc.value.code == 2
    assert "rows are 1 to 12" in capsys.readouterr().err
