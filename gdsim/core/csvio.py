"""Tolerant CSV reading and atomic CSV writing for :class:`Dataset`.

Reading accepts what spreadsheets export: a UTF-8 byte-order mark (or UTF-16
with a BOM, or a legacy Windows-1252 / Latin-1 encoding when the bytes are not
UTF-8), ``,`` ``;`` or tab as delimiter (sniffed from the header line and the
first data line), quoted fields and quoted numbers, ``\\r\\n`` / ``\\r`` line
endings, empty lines (anywhere; rows whose cells are all empty count as empty)
and spaces around cells.  A header row is required.

Every problem raises exactly one :class:`DataError` whose message is one
sentence naming the spreadsheet row (1-based line number, header = row 1) and
column where relevant.  Nothing is ever half-loaded.

Speed: the data lines are parsed in chunks by numpy's C ``loadtxt``; only a
chunk that it refuses (or that holds non-finite values) is parsed again cell
by cell, which either produces the exact error message or accepts the chunk
(the cell-by-cell parser is the reference; the fast path only accepts a
subset of what it accepts).

Writing uses ``,``, ``\\n`` line endings, UTF-8 without a BOM, header names
quoted when they contain ``, ; tab "``, and numbers in their shortest
round-trip form (``repr``; ``2.0`` is written as ``2``), so reading a written
file gives back exactly the same values.
"""

from __future__ import annotations

import codecs
import csv
import os
import re
import warnings
from pathlib import Path
from typing import Callable

import numpy as np

from .atomic import ReadError, atomic_write_bytes, read_regular
from .dataset import DataError, Dataset, parse_number
from .limits import MAX_READ_BYTES

__all__ = ["read_csv", "parse_csv_text", "write_csv", "dataset_to_csv_text", "CHUNK_LINES"]

#: Number of data lines parsed per chunk (progress is reported between chunks).
CHUNK_LINES = 50_000

_DELIMITERS = (",", ";", "\t")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
_ALLOWED_CONTROL = frozenset("\t\n\r\f\v")
_BINARY_SAMPLE = 65536
_TRAILING_ZERO = re.compile(r"\.0(?=[,\n])")

Progress = Callable[[float], None]

_SEP_LINE = re.compile(r'"?sep=(.)"?', re.IGNORECASE)
# A cell such as 1.000 or 12.500 or -3.250.000: digits grouped by dots in threes
_THOUSANDS = re.compile(r'(?:^|;)[ \t]*"?[ \t]*([+-]?[1-9]\d{0,2}(?:\.\d{3})+)[ \t]*"?[ \t]*(?=;|$)',
                        re.MULTILINE)
# A number whose decimal point cannot be a thousands separator (not three decimals)
_PLAIN_DECIMAL = re.compile(r"[+-]?\d*\.(?:\d{1,2}|\d{4,})(?:[eE][+-]?\d+)?|[+-]?\d+\.\d*[eE][+-]?\d+")


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------

def read_csv(path: str | os.PathLike[str], target: str | None = None,
             progress: Progress | None = None) -> Dataset:
    """Load a CSV file as a Dataset named after the file (without extension).

    ``target`` names the target column (default: the last column).
    ``progress(fraction)`` is called between chunks with 0 < fraction <= 1.
    Any problem, including an unreadable file, raises one DataError.
    """
    p = Path(path)
    label = f"The file '{p.name}'"
    try:
        data = read_regular(p, MAX_READ_BYTES)
    except ReadError as exc:
        raise DataError(str(exc)) from None
    except FileNotFoundError:
        raise DataError(f"The file '{p}' does not exist.") from None
    except IsADirectoryError:
        raise DataError(f"'{p}' is a folder, not a CSV file.") from None
    except PermissionError:
        raise DataError(f"The file '{p}' cannot be read (permission denied).") from None
    except OSError as exc:
        raise DataError(f"The file '{p}' cannot be read ({exc.strerror or exc}).") from None
    text = _decode(data, label)
    return _parse(text, target=target, name=p.stem, label=label, progress=progress)


def parse_csv_text(text: str, target: str | None = None, name: str = "",
                   progress: Progress | None = None) -> Dataset:
    """Parse CSV text (same rules and messages as :func:`read_csv`)."""
    if not isinstance(text, str):
        raise DataError("The CSV text must be a string.")
    return _parse(text, target=target, name=name, label="The CSV text", progress=progress)


def dataset_to_csv_text(dataset: Dataset) -> str:
    """The dataset as CSV text (``,`` delimiter, ``\\n`` line endings, final newline)."""
    header = ",".join(_quote_name(c) for c in dataset.columns)
    fmt = ",".join(["%r"] * dataset.values.shape[1])
    body = "\n".join([fmt % tuple(row) for row in dataset.values.tolist()])
    # repr() writes whole numbers as "2.0"; drop the ".0" at the end of a field.
    body = _TRAILING_ZERO.sub("", body + "\n")
    return header + "\n" + body


def write_csv(dataset: Dataset, path: str | os.PathLike[str]) -> None:
    """Save atomically (gdsim.core.atomic): a failure leaves an existing file whole,
    and an existing file's permission bits are kept."""
    atomic_write_bytes(path, dataset_to_csv_text(dataset).encode("utf-8"))


# ---------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------

def _not_text(label: str) -> DataError:
    return DataError(f"{label} does not look like a text CSV file (it contains binary data).")


def _decode(data: bytes, label: str) -> str:
    """Bytes -> text: UTF-16 with BOM, else UTF-8 (BOM optional), else
    Windows-1252, else Latin-1.  Bytes with NUL or other control characters
    are refused as binary."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise _not_text(label) from None
    if b"\x00" in data:
        raise _not_text(label)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _check_text(text: str, label: str) -> str:
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.rstrip("\x1a")  # DOS end-of-file marker
    if "\x00" in text:
        raise _not_text(label)
    sample = text[:_BINARY_SAMPLE]
    if any((ord(c) < 32 and c not in _ALLOWED_CONTROL) or c == "\x7f" for c in sample):
        raise _not_text(label)
    return text


# ---------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------

def _is_blank(line: str) -> bool:
    """Empty, white space only, or only delimiters (an empty spreadsheet row)."""
    return not line.strip(" \t\f\v,;")


def _field_counts(line: str, row: int) -> dict[str, int]:
    """Number of delimiters per candidate, as the CSV splitter sees them."""
    return {d: len(_split(line, d, row)) - 1 for d in _DELIMITERS}


def _sniff(header: str, header_row: int, first_data: str | None, data_row: int) -> str | None:
    """The delimiter of the header line, or None if it has a single column.

    Among delimiters present in the header, prefer those that occur equally
    often in the first data line; then the most frequent; ties go to
    comma, then semicolon, then tab."""
    hc = _field_counts(header, header_row)
    candidates = [d for d in _DELIMITERS if hc[d] > 0]
    if not candidates:
        return None
    if first_data is not None:
        dc = _field_counts(first_data, data_row)
        consistent = [d for d in candidates if dc[d] == hc[d]]
        if consistent:
            candidates = consistent
    return max(candidates, key=lambda d: (hc[d], -_DELIMITERS.index(d)))


def _split(line: str, delimiter: str, row: int) -> list[str]:
    try:
        cells = next(csv.reader([line], delimiter=delimiter, quotechar='"',
                                skipinitialspace=True, strict=False), [])
    except csv.Error as exc:
        raise DataError(f"Row {row} cannot be read as CSV ({exc}).", row=row) from None
    return [c.strip() for c in cells]


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _header_names(cells: list[str], row: int) -> tuple[str, ...]:
    if cells and all(_is_number(c) for c in cells):
        shown = ", ".join(_short(c, 20) for c in cells[:4]) + (", ..." if len(cells) > 4 else "")
        raise DataError(
            f"The first row must be a header with column names; found numbers ({shown}) instead.",
            row=row,
        )
    seen: dict[str, int] = {}
    for j, name in enumerate(cells):
        if not name:
            raise DataError(
                f"Row {row} (the header) has no name for column {j + 1}; every column needs a name.",
                row=row,
            )
        if name in seen:
            raise DataError(
                f"Row {row} (the header) has the column name '{_short(name)}' twice "
                f"(columns {seen[name] + 1} and {j + 1}); column names must be unique.",
                row=row, column=name,
            )
        seen[name] = j
        if _is_number(name):
            raise DataError(
                f"Row {row} (the header) has the number '{_short(name)}' as the name of column {j + 1}; "
                "column names must contain letters.",
                row=row, column=name,
            )
    if len(cells) < 2:
        raise DataError(
            f"The header (row {row}) has only one column ('{_short(cells[0])}'); a table needs at least "
            "one feature column and a target column, separated by commas, semicolons or tabs.",
            row=row,
        )
    return tuple(cells)


def _is_number(text: str) -> bool:
    try:
        parse_number(text)
    except DataError:
        return False
    return True


def _fast_chunk(chunk: list[str], delimiter: str, n_cols: int) -> np.ndarray | None:
    """numpy's C parser on a chunk of lines, or None to fall back."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            arr = np.loadtxt(chunk, delimiter=delimiter, quotechar='"', dtype=np.float64,
                             comments=None, ndmin=2, encoding=None)
    except (ValueError, TypeError, IndexError, OverflowError):
        return None
    if arr.shape[1] != n_cols or arr.shape[0] != len(chunk) - chunk.count(""):
        return None
    if not np.isfinite(arr).all():
        return None
    return arr


def _slow_chunk(chunk: list[str], first_row: int, delimiter: str,
                names: tuple[str, ...]) -> np.ndarray:
    """Cell-by-cell reference parser; raises the exact DataError."""
    m = len(names)
    out = np.empty((len(chunk), m))
    k = 0
    for offset, line in enumerate(chunk):
        row = first_row + offset
        if _is_blank(line):
            continue
        cells = _split(line, delimiter, row)
        if not any(cells):
            continue
        if len(cells) != m:
            raise DataError(
                f"Row {row} has {len(cells)} field{'s' if len(cells) != 1 else ''}, "
                f"but the header has {m} columns.",
                row=row,
            )
        for j, cell in enumerate(cells):
            if not cell:
                raise DataError(
                    f"Row {row}, column '{names[j]}' is empty; every cell needs a number.",
                    row=row, column=names[j],
                )
            try:
                out[k, j] = parse_number(cell)
            except DataError as exc:
                raise DataError(f"Row {row}, column '{names[j]}': {exc.message}",
                                row=row, column=names[j]) from None
        k += 1
    return out[:k]


def _refuse_thousands_separators(lines: list[str], start: int, end: int, names: tuple[str, ...]) -> None:
    """In a semicolon-separated file (a European spreadsheet's), '1.000' may be a thousand
    written with a thousands separator: refuse such a cell, as decimal commas are, unless
    its column also holds a number with a decimal point and other than three decimals
    (then the dot is clearly decimal)."""
    body = "\n".join(lines[start:end])
    hits = list(_THOUSANDS.finditer(body))
    if not hits:
        return
    first_line = {}  # column -> (row, cell) of its first suspicious cell
    for hit in hits:
        line_start = body.rfind("\n", 0, hit.start()) + 1
        column = body.count(";", line_start, hit.start(1))
        row = start + 1 + body.count("\n", 0, hit.start())
        first_line.setdefault(column, (row, hit.group(1)))
    for line in lines[start:end]:
        cells = line.split(";")
        for column in [c for c in first_line if c < len(cells)]:
            if _PLAIN_DECIMAL.fullmatch(cells[column].strip().strip('"').strip()):
                del first_line[column]
        if not first_line:
            return
    column, (row, cell) = min(first_line.items(), key=lambda item: item[1][0])
    name = names[column] if column < len(names) else f"{column + 1}"
    raise DataError(
        f"Row {row}, column '{name}': '{cell}' is ambiguous in a semicolon-separated file "
        "(a thousands separator or a decimal point?); write numbers without thousands "
        "separators, with a dot as the decimal point.",
        row=row, column=name,
    )


def _parse(text: str, *, target: str | None, name: str, label: str,
           progress: Progress | None, fast: bool = True) -> Dataset:
    text = _check_text(text, label)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    del text

    h = 0
    while h < len(lines) and _is_blank(lines[h]):
        h += 1
    forced = _SEP_LINE.fullmatch(lines[h].strip()) if h < len(lines) else None
    if forced:  # Excel's "sep=;" first line names the delimiter
        if forced.group(1) not in _DELIMITERS:
            raise DataError(f"Row {h + 1} asks for the delimiter {forced.group(1)!r}; gdsim reads "
                            "commas, semicolons or tabs.", row=h + 1)
        h += 1
        while h < len(lines) and _is_blank(lines[h]):
            h += 1
    if h == len(lines):
        raise DataError(
            f"{label} is empty; a CSV file needs a header row with column names and at least one data row."
        )
    end = len(lines)
    while end > h + 1 and _is_blank(lines[end - 1]):
        end -= 1
    header_row = h + 1
    first = next((i for i in range(h + 1, end) if not _is_blank(lines[i])), None)
    first_data = None if first is None else lines[first]

    delimiter = forced.group(1) if forced else _sniff(lines[h], header_row, first_data, (first or 0) + 1)
    cells = _split(lines[h], delimiter or ",", header_row)
    names = _header_names(cells, header_row)
    if delimiter is None:  # unreachable: one cell never passes _header_names
        raise DataError(f"The header (row {header_row}) has only one column.", row=header_row)
    if target is not None:
        target = target.strip()
        if target not in names:
            raise DataError(
                f"The target column '{_short(target)}' is not in the header; "
                f"the columns are {', '.join(names)}."
            )
    if first_data is None:
        raise DataError(f"{label} has a header row but no data rows.")

    start = h + 1
    total = end - start
    if delimiter == ";":
        _refuse_thousands_separators(lines, start, end, names)
    parts: list[np.ndarray] = []
    for s in range(start, end, CHUNK_LINES):
        chunk = lines[s:min(s + CHUNK_LINES, end)]
        arr = _fast_chunk(chunk, delimiter, len(names)) if fast else None
        if arr is None:
            arr = _slow_chunk(chunk, s + 1, delimiter, names)
        parts.append(arr)
        if progress is not None:
            progress((s + len(chunk) - start) / total)
    del lines
    values = parts[0] if len(parts) == 1 else np.concatenate(parts)
    del parts
    values = np.ascontiguousarray(values)
    if values.base is not None:
        values = values.copy()
    values.setflags(write=False)
    return Dataset(names, values, target, name)


# ---------------------------------------------------------------------------
# Writing helpers
# ---------------------------------------------------------------------------

def _quote_name(name: str) -> str:
    if any(ch in name for ch in ',;\t"'):
        return '"' + name.replace('"', '""') + '"'
    return name


