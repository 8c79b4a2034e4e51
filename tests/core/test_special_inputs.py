"""Special and bad input files: refused at once with one sentence (never a hang or a memory blow-up)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gdsim import cli
from gdsim.core import csvio, session
from gdsim.core.csvio import parse_csv_text, read_csv
from gdsim.core.dataset import DataError
from gdsim.core.session import SessionError, load_session

ROOT = Path(__file__).parents[2]
BAD_CSV = sorted((ROOT / "tests" / "data" / "bad_csv").glob("*.csv"))


def make_special(kind: str, tmp_path: Path) -> str:
    if kind == "fifo":
        os.mkfifo(tmp_path / "pipe.csv")
        return str(tmp_path / "pipe.csv")
    if kind == "link to fifo":
        os.mkfifo(tmp_path / "pipe")
        (tmp_path / "link.csv").symlink_to(tmp_path / "pipe")
        return str(tmp_path / "link.csv")
    if kind == "folder":
        (tmp_path / "d.csv").mkdir()
        return str(tmp_path / "d.csv")
    return {"zero": "/dev/zero", "null": "/dev/null", "urandom": "/dev/urandom"}[kind]


SPECIAL = ["fifo", "link to fifo", "folder", "zero", "null", "urandom"]


def one_sentence(message: str) -> None:
    assert "\n" not in message and message.endswith(".") and "Traceback" not in message, message


@pytest.mark.parametrize("kind", SPECIAL)
def test_read_csv_refuses_a_special_file(kind, tmp_path):
    with pytest.raises(DataError) as info:
        read_csv(make_special(kind, tmp_path))
    one_sentence(str(info.value))


@pytest.mark.parametrize("kind", SPECIAL)
def test_load_session_refuses_a_special_file(kind, tmp_path):
    with pytest.raises(SessionError) as info:
        load_session(make_special(kind, tmp_path))
    one_sentence(str(info.value))


@pytest.mark.parametrize("kind", ["fifo", "zero"])
def test_the_cli_does_not_hang_on_a_special_file(kind, tmp_path):
    path = make_special(kind, tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "gdsim", "train", "--data", path], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "not a regular file" in done.stderr


def test_a_file_past_the_size_cap_is_refused(monkeypatch, tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("x,y\n" + "1,2\n" * 1000)
    monkeypatch.setattr(csvio, "MAX_READ_BYTES", 1000)
    with pytest.raises(DataError, match="larger than"):
        read_csv(path)
    monkeypatch.setattr(session.limits, "MAX_READ_BYTES", 1000)
    with pytest.raises(SessionError, match="larger than"):
        load_session(path)


@pytest.mark.parametrize("path", BAD_CSV, ids=[p.stem for p in BAD_CSV])
def test_every_bad_csv_is_refused_with_one_sentence(path, capsys):
    with pytest.raises(DataError) as info:
        read_csv(path)
    one_sentence(str(info.value))
    assert cli.main(["train", "--data", str(path)]) == cli.USAGE_ERROR
    assert capsys.readouterr().err.count("\n") == 1


@pytest.mark.parametrize("text", [
    "sep=;\nx;y\n1.5;2\n2;3\n4;6\n", "\"sep=;\"\nx;y\n1.5;2\n2;3\n4;6\n", "SEP=;\r\nx;y\r\n1.5;2\r\n2;3\r\n4;6\r\n",
    "\nsep=;\n\nx;y\n1.5;2\n2;3\n4;6\n",
])
def test_excels_sep_line_names_the_delimiter(text):
    data = parse_csv_text(text)
    assert data.columns == ("x", "y") and data.values.tolist() == [[1.5, 2.0], [2.0, 3.0], [4.0, 6.0]]


@pytest.mark.parametrize("text,expected", [
    ("x;y\n1.000;2\n2.25;3\n", [[1.0, 2.0], [2.25, 3.0]]),  # 2.25: the column's dot is decimal
    ("x;y\n0.125;2\n1.5;3\n", [[0.125, 2.0], [1.5, 3.0]]),  # 0.125 is no thousand
    ("x,y\n1.000,2\n2.000,3\n", [[1.0, 2.0], [2.0, 3.0]]),  # a comma file: dots are decimal
    ("x;y\n2;1.000\n3;2.5\n", [[2.0, 1.0], [3.0, 2.5]]),
])
def test_a_dot_that_is_clearly_decimal_is_accepted(text, expected):
    assert parse_csv_text(text).values.tolist() == expected


@pytest.mark.parametrize("cell", ["1.000", "12.500", "999.999", "-1.000", "+2.000", "\"3.000\"", " 4.000 "])
def test_a_possible_thousands_separator_in_a_semicolon_file_is_refused(cell):
    with pytest.raises(DataError) as info:
        parse_csv_text(f"x;y\n{cell};2\n5;3\n")
    assert "ambiguous" in str(info.value) and "Row 2, column 'x'" in str(info.value)
