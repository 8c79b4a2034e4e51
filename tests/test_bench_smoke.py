"""The benchmark runs end to end in --quick mode and prints every row.

Correctness only: tiny sizes, no timing assertions (the exit status is not
checked either, since targets mean nothing at these sizes).
"""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pytest

from gdsim.bench import ROW_KEYS, main, run_bench


def _table_keys(text: str) -> list[str]:
    """Row keys of the printed table (between its dashed rule and the next blank line)."""
    table = text.split("\n---", 1)[1].split("\n\n", 1)[0]
    return [line.split()[0] for line in table.splitlines()[1:]]


@pytest.fixture(scope="module")
def quick_rows():
    """Every row once at tiny sizes (rows 7-9 start a few windows in subprocesses)."""
    out = io.StringIO()
    rows = run_bench(quick=True, use_torch=False, repeats=1, out=out)
    return rows, out.getvalue()


def test_quick_run_has_every_row_without_torch(quick_rows):
    rows, progress = quick_rows
    assert "torch rows are skipped" in progress
    assert [r.key for r in rows] == list(ROW_KEYS)


def test_rows_are_well_formed(quick_rows):
    rows, _ = quick_rows
    for row in rows:
        assert row.what and row.value
        assert row.ok in (True, False, None)
        if row.ok is not None:
            assert row.target, row.key
    by_key = {r.key: r for r in rows}
    assert by_key["1"].ok is None  # torch ratio skipped
    for key in ("7a", "7b", "7c", "8", "9", "10c", "10d"):  # the window rows really measured something
        assert by_key[key].ok is not None, (key, by_key[key].detail)


def test_printed_table_and_verdict():
    out = io.StringIO()
    status = main(["--quick", "--no-torch", "--repeats", "1", "--rows", "3,6"], out=out)
    text = out.getvalue()
    assert status in (0, 1)
    assert _table_keys(text) == ["3", "6"]
    assert re.search(r"^(Every measured target met\.|\d+ target\(s\) missed: rows .+\.)$", text, re.M)


def test_selected_rows_only():
    rows = run_bench(quick=True, rows=["4", "6"], use_torch=False, repeats=1, out=io.StringIO())
    assert [r.key for r in rows] == ["4a", "4b", "4c", "6"]


def test_torch_rows_with_torch():
    pytest.importorskip("torch")
    rows = run_bench(quick=True, rows=["1", "2"], repeats=1, out=io.StringIO())
    assert [r.key for r in rows] == ["1", "2a", "2b"]
    assert "× torch" in rows[0].value and rows[0].ok is not None
    assert "× torch" in rows[1].value and rows[1].ok is not None


def test_command_line_module():
    proc = subprocess.run([sys.executable, "-m", "gdsim.bench", "--quick", "--no-torch", "--rows", "6"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode in (0, 1), proc.stderr
    assert "history of 2,000 iterations" in proc.stdout
    bad = subprocess.run([sys.executable, "-m", "gdsim.bench", "--rows", "13"],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2


def test_the_command_line_gives_numpy_one_blas_thread_before_numpy_loads():
    import os

    env = {k: v for k, v in os.environ.items()
           if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    code = ("import runpy, sys; sys.argv = ['gdsim.bench', '--quick', '--no-torch', '--rows', '4'];"
            "import gdsim.bench; assert 'numpy' not in sys.modules, 'numpy loaded before __main__';"
            "runpy.run_module('gdsim.bench', run_name='__main__')")
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode in (0, 1), proc.stderr
    assert "(BLAS threads: 1)" in proc.stdout


def test_missing_torch_is_reported(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now raises ImportError
    out = io.StringIO()
    rows = run_bench(quick=True, rows=["1"], repeats=1, out=out)
    assert "torch is not installed: torch rows are skipped" in out.getvalue()
    assert rows[0].ok is None and "torch missing" in rows[0].detail
