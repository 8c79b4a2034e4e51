import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gdsim.core import csvio
from gdsim.core.csvio import dataset_to_csv_text, parse_csv_text, read_csv, write_csv
from gdsim.core.dataset import DataError, Dataset


def error(text, **kw):
    with pytest.raises(DataError) as e:
        parse_csv_text(text, **kw)
    return str(e.value)


# --- accepted formats -------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "x,y\n1,2\n3,4\n",
    "\ufeffx,y\n1,2\n3,4\n",
    "x;y\n1;2\n3;4\n",
    "x\ty\n1\t2\n3\t4\n",
    "x,y\r\n1,2\r\n3,4\r\n",
    "x,y\r1,2\r3,4\r",
    "x,y\n1,2\n3,4\n\n\n   \n",
    "\n\nx,y\n1,2\n\n3,4",
    ' x , y \n 1 , 2 \n3 ,  4\n',
    '"x","y"\n"1","2"\n"3", "4"\n',
    "x;y\n1;2\n;\n3;4\n;;\n",
    "x,y\n1,2\n3,4\n\x1a",
    "x,y\n1.0,2e0\n+3,.4e1\n",
])
def test_spreadsheet_variants(text):
    d = parse_csv_text(text, name="n")
    assert d.columns == ("x", "y") and d.target == "y" and d.name == "n"
    np.testing.assert_array_equal(d.values, [[1, 2], [3, 4]])


def test_quoted_header_with_delimiters_inside():
    d = parse_csv_text('"Age, years";"Height; cm";"say ""hi"""\n1;2;3\n')
    assert d.columns == ("Age, years", "Height; cm", 'say "hi"')


def test_one_row_file_loads_and_target_choice():
    d = parse_csv_text("a,b,c\n1,2,3\n", target="a")
    assert d.n_rows == 1 and d.target == "a" and d.feature_names == ("b", "c")


def test_sniff_prefers_delimiter_consistent_with_data():
    # header contains one ';' inside a name and one ',' delimiter; data has one ','
    d = parse_csv_text("a;b,c\n1,2\n")
    assert d.columns == ("a;b", "c")
    d = parse_csv_text("a,b;c\n1;2\n")
    assert d.columns == ("a,b", "c")


def test_read_csv_encodings(tmp_path):
    p = tmp_path / "people.csv"
    p.write_bytes("Größe;Preis\r\n1;2\r\n".encode("utf-8-sig"))
    d = read_csv(p)
    assert d.columns == ("Größe", "Preis") and d.name == "people"
    p.write_bytes("Größe;Preis\r\n1;2\r\n".encode("cp1252"))
    assert read_csv(p).columns == ("Größe", "Preis")
    p.write_bytes("Größe\tPreis\r\n1\t2\r\n".encode("utf-16"))
    assert read_csv(p).columns == ("Größe", "Preis")


def test_read_csv_target_and_progress(tmp_path, monkeypatch):
    monkeypatch.setattr(csvio, "CHUNK_LINES", 3)
    p = tmp_path / "d.csv"
    p.write_text("a,b\n" + "".join(f"{i},{2 * i}\n" for i in range(10)))
    calls = []
    d = read_csv(p, target="a", progress=calls.append)
    assert d.target == "a" and d.n_rows == 10
    np.testing.assert_array_equal(d.column("b"), np.arange(10) * 2)
    assert calls == pytest.approx([0.3, 0.6, 0.9, 1.0])


# --- errors: one sentence naming row and column --------------------------------

@pytest.mark.parametrize("text, message", [
    ("1,2\n3,4\n", "The first row must be a header with column names; found numbers (1, 2) instead."),
    ("1;2;3;4;5\n", "The first row must be a header with column names; found numbers (1, 2, 3, 4, ...) instead."),
    ("x,y\n1,2\n3,abc\n", "Row 3, column 'y': 'abc' is not a number."),
    ("x,y\n1,2\n\n3,abc\n", "Row 4, column 'y': 'abc' is not a number."),
    ("", "The CSV text is empty; a CSV file needs a header row with column names and at least one data row."),
    ("\n \r\n", "The CSV text is empty; a CSV file needs a header row with column names and at least one data row."),
    ("x,y\n", "The CSV text has a header row but no data rows."),
    ("x,y\n\n,\n", "The CSV text has a header row but no data rows."),
    ("x,y\n1,2\n1,2,3\n", "Row 3 has 3 fields, but the header has 2 columns."),
    ("x,y\n1\n", "Row 2 has 1 field, but the header has 2 columns."),
    ("x,y\n1,\n", "Row 2, column 'y' is empty; every cell needs a number."),
    ("x,y\nnan,1\n", "Row 2, column 'x': 'nan' is not a finite number."),
    ("x,y\n1,-inf\n", "Row 2, column 'y': '-inf' is not a finite number."),
    ("x,y\n1,2\n1e400,1\n", "Row 3, column 'x': '1e400' is too large to be a finite number."),
    ("x;y\n1,5;2\n", "Row 2, column 'x': '1,5' is not a number (use a dot as the decimal separator)."),
    ("x,y,x\n1,2,3\n", "Row 1 (the header) has the column name 'x' twice (columns 1 and 3); column names must be unique."),
    ("x,,y\n1,2,3\n", "Row 1 (the header) has no name for column 2; every column needs a name."),
    ("x,y,\n1,2,3\n", "Row 1 (the header) has no name for column 3; every column needs a name."),
    ("x,2\n1,2\n", "Row 1 (the header) has the number '2' as the name of column 2; column names must contain letters."),
    ("x\n1\n2\n", "The header (row 1) has only one column ('x'); a table needs at least one feature column and a "
                  "target column, separated by commas, semicolons or tabs."),
    ("x,y\n1,2\n", None),
    ("a\x01b,c\n1,2\n", "The CSV text does not look like a text CSV file (it contains binary data)."),
    ("a\x00b,c\n1,2\n", "The CSV text does not look like a text CSV file (it contains binary data)."),
])
def test_error_messages(text, message):
    if message is None:
        parse_csv_text(text)
    else:
        assert error(text) == message


def test_error_carries_row_and_column():
    with pytest.raises(DataError) as e:
        parse_csv_text("x,y\n1,2\n3,abc\n")
    assert e.value.row == 3 and e.value.column == "y"


def test_unknown_target():
    assert error("x,y\n1,2\n", target="z") == "The target column 'z' is not in the header; the columns are x, y."


def test_error_deep_in_a_large_file_names_the_exact_row(monkeypatch):
    monkeypatch.setattr(csvio, "CHUNK_LINES", 1000)
    lines = ["a,b"] + [f"{i},{i}" for i in range(5000)]
    lines[3456] = "1,oops"
    assert error("\n".join(lines)) == "Row 3457, column 'b': 'oops' is not a number."


def test_file_level_errors(tmp_path):
    with pytest.raises(DataError) as e:
        read_csv(tmp_path / "missing.csv")
    assert str(e.value) == f"The file '{tmp_path / 'missing.csv'}' does not exist."
    with pytest.raises(DataError) as e:
        read_csv(tmp_path)
    assert str(e.value) == f"'{tmp_path}' is a folder, not a CSV file."
    p = tmp_path / "img.png"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(DataError) as e:
        read_csv(p)
    assert str(e.value) == "The file 'img.png' does not look like a text CSV file (it contains binary data)."
    p = tmp_path / "junk.bin"
    p.write_bytes(bytes([0xFF, 0xFE, 0x41]) + bytes(range(1, 199)))  # odd-length UTF-16 -> undecodable
    with pytest.raises(DataError) as e:
        read_csv(p)
    assert str(e.value) == "The file 'junk.bin' does not look like a text CSV file (it contains binary data)."
    p = tmp_path / "empty.csv"
    p.write_bytes(b"")
    with pytest.raises(DataError) as e:
        read_csv(p)
    assert str(e.value) == ("The file 'empty.csv' is empty; a CSV file needs a header row with column names "
                            "and at least one data row.")
    p = tmp_path / "header.csv"
    p.write_bytes(b"\xef\xbb\xbfa;b\r\n\r\n")
    with pytest.raises(DataError) as e:
        read_csv(p)
    assert str(e.value) == "The file 'header.csv' has a header row but no data rows."


# --- writing ------------------------------------------------------------------------

def test_dataset_to_csv_text_format():
    d = Dataset(("x", "a,b", 'q"t', "y"), [[2.0, -0.0, 0.1, 1e16], [1 / 3, 1e-300, -5.5, 100.0]])
    assert dataset_to_csv_text(d) == (
        'x,"a,b","q""t",y\n'
        "2,-0,0.1,1e+16\n"
        "0.3333333333333333,1e-300,-5.5,100\n"
    )
    back = parse_csv_text(dataset_to_csv_text(d))
    assert back.equals(d)
    assert np.signbit(back.values[0, 1])


def test_write_and_read_back(tmp_path):
    d = Dataset(("x", "y"), [[1.5, 2.0], [3.25, -4.0]], name="d")
    p = tmp_path / "out.csv"
    write_csv(d, p)
    assert p.read_bytes() == b"x,y\n1.5,2\n3.25,-4\n"
    assert read_csv(p).equals(d)
    assert [f.name for f in tmp_path.iterdir()] == ["out.csv"]


def test_write_keeps_permissions(tmp_path):
    p = tmp_path / "out.csv"
    p.write_text("old")
    os.chmod(p, 0o640)
    write_csv(Dataset(("x", "y"), [[1, 2]]), p)
    assert (os.stat(p).st_mode & 0o777) == 0o640


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_failed_write_leaves_old_file_whole(tmp_path, monkeypatch, failing):
    p = tmp_path / "out.csv"
    old = b"x,y\n1,2\n"
    p.write_bytes(old)

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(csvio.os, failing, boom)
    with pytest.raises(OSError):
        write_csv(Dataset(("x", "y"), [[9, 9]] * 1000), p)
    monkeypatch.undo()
    assert p.read_bytes() == old
    assert [f.name for f in tmp_path.iterdir()] == ["out.csv"]


# --- properties ----------------------------------------------------------------------

_name_chars = st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"))
_names = st.text(_name_chars, min_size=1, max_size=8).map(str.strip).filter(
    lambda s: s != "" and not _is_num(s) and "\ufeff" not in s and "\x85" not in s)


def _is_num(s):
    try:
        from gdsim.core.dataset import parse_number
        parse_number(s)
        return True
    except DataError:
        return False


@st.composite
def datasets(draw):
    names = draw(st.lists(_names, min_size=2, max_size=4, unique=True))
    n = draw(st.integers(1, 6))
    floats = st.floats(allow_nan=False, allow_infinity=False)
    rows = draw(st.lists(st.lists(floats, min_size=len(names), max_size=len(names)), min_size=n, max_size=n))
    target = draw(st.sampled_from(names))
    return Dataset(tuple(names), np.array(rows, dtype=float).reshape(n, len(names)), target)


@settings(max_examples=300, deadline=None)
@given(datasets())
def test_round_trip(d):
    text = dataset_to_csv_text(d)
    back = parse_csv_text(text, target=d.target)
    assert back.equals(d)
    assert back.values.tobytes() == d.values.tobytes()


_numbers = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.integers(-10**30, 10**30).map(str),
    st.sampled_from(['"1"', " 2 ", "'3'", '" 4 "', "-0", ".5", "6.", "1e-400"]),
)
_bad_cells = st.one_of(
    st.floats().map(repr),
    st.sampled_from(["", " ", '"', "1,5", "abc", "nan", "1e400", "-inf", ",", ";", "\t",
                     "\r", "\n", "\ufeff", "\x00", '"3', 'x"y', "1_0", "0x1"]),
    st.text(max_size=5),
)


@st.composite
def csv_texts(draw):
    delim = draw(st.sampled_from([",", ";", "\t"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    if draw(st.integers(0, 3)):
        header = draw(st.lists(_names.filter(lambda s: not set(s) & set(',;\t"')),
                               min_size=2, max_size=4, unique=True))
    else:
        header = draw(st.lists(st.one_of(_names, _bad_cells), min_size=1, max_size=4))
    m = len(header)
    cell = st.one_of(_numbers, _bad_cells) if draw(st.booleans()) else _numbers
    row = st.one_of(st.lists(cell, min_size=m, max_size=m), st.lists(cell, max_size=5),
                    st.just([]), st.just([""] * m))
    rows = draw(st.lists(row, max_size=6))
    lines = [delim.join(header)] + [delim.join(r) for r in rows]
    return newline.join(lines) + draw(st.sampled_from(["", newline, newline * 3]))


def _outcome(text, fast):
    try:
        return csvio._parse(text, target=None, name="", label="The CSV text", progress=None, fast=fast)
    except DataError as e:
        return str(e)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(csv_texts(), st.text(max_size=200)))
def test_malformed_text_gives_dataset_or_data_error_and_fast_path_agrees(text):
    fast = _outcome(text, True)
    slow = _outcome(text, False)
    assert isinstance(fast, (Dataset, str))
    if isinstance(fast, Dataset):
        assert isinstance(slow, Dataset) and fast.equals(slow)
        assert not fast.values.flags.writeable
    else:
        assert fast == slow
        assert "\n" not in fast


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_give_dataset_or_data_error(tmp_path_factory, data):
    p = tmp_path_factory.mktemp("g") / "g.csv"
    p.write_bytes(data)
    try:
        read_csv(p)
    except DataError:
        pass


# --- performance ---------------------------------------------------------------------

def test_large_file_loads_in_chunks_with_progress(tmp_path):
    """Correctness of the chunked path; its speed is measured in gdsim.bench, not here."""
    rng = np.random.default_rng(1)
    values = np.round(rng.standard_normal((400_000, 3)) * 100, 4)
    p = tmp_path / "big.csv"
    with open(p, "w") as f:
        f.write("x1,x2,y\n")
        np.savetxt(f, values, delimiter=",", fmt="%.4f")
    calls = []
    d = read_csv(p, progress=calls.append)
    np.testing.assert_array_equal(d.values, values)
    assert calls[-1] == 1.0 and len(calls) == 8
