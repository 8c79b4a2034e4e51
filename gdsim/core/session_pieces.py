"""Reading a big session's data table in pieces, so another thread can draw and cancel meanwhile.

``json.loads`` of a 10⁷-row session holds Python's GIL for many seconds (the
window's thread cannot paint) and builds ~10⁷ Python lists.  The table of a
session (``"values": [[row], [row], ...]``) is read here a megabyte at a time:
each piece is parsed on its own and turned into a float array at once, the
caller's ``progress`` is called between pieces (it may raise to cancel), and
the rest of the file (small: settings, pins) is parsed in one go with the
table replaced by a marker.

The result is used only when the table is exactly a list of flat lists of
finite numbers and the marker lands at ``["dataset"]["values"]``; otherwise
(any doubt: an odd layout, a bad cell, a trailing comma...) ``None`` says to
parse the whole text the ordinary way, which gives the ordinary message.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from typing import Any, Callable

import numpy as np

PIECE_BYTES = 1 << 20
_MARK = b'"values": ['
_WHITE = re.compile(rb"[ \t\r\n]*")
_TABLE_END = re.compile(rb"\][ \t\r\n]*\]")  # a flat row's end, then the table's
_HOLE = object()


class _Fallback(Exception):
    """Not a table this reader vouches for: parse the whole text instead."""


def parse_in_pieces(raw: bytes, progress: Callable[[float], None] | None,
                    parse_constant: Callable[[str], Any]) -> dict | None:
    """The parsed JSON of ``raw`` with ``["dataset"]["values"]`` a float64 array, or None.

    ``progress(fraction of the bytes read)`` is called after each piece; an
    exception it raises (a cancel) goes through.
    """
    try:
        return _parse(raw, progress or (lambda _f: None), parse_constant)
    except (_Fallback, ValueError, RecursionError, TypeError, KeyError):
        return None


def _parse(raw: bytes, progress, parse_constant) -> dict:
    start = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
    at = raw.find(_MARK, start)
    if at < 0:
        raise _Fallback
    opening = at + len(_MARK) - 1
    pieces, pos, n = [], opening + 1, len(raw)
    while True:
        pos = _WHITE.match(raw, pos).end()
        if pos >= n:
            raise _Fallback
        if raw[pos:pos + 1] == b"]" and pieces:
            closing = pos
            break
        if pieces:
            if raw[pos:pos + 1] != b",":
                raise _Fallback
            pos = _WHITE.match(raw, pos + 1).end()
        last = raw.rfind(b"]", pos, min(pos + PIECE_BYTES, n))
        if last < 0:
            raise _Fallback
        piece = raw[pos:last + 1]
        end = _TABLE_END.search(piece)
        closing = None
        if end is not None:
            piece, closing = piece[: end.start() + 1], pos + end.end() - 1
        pieces.append(_table(json.loads(b"[" + piece + b"]")))
        progress((closing if closing is not None else last) / n)
        if closing is not None:
            break
        pos = last + 1
    if len({p.shape[1] for p in pieces}) != 1:
        raise _Fallback
    hole = [False]

    def constant(name: str) -> Any:
        if name == "NaN" and not hole[0]:
            hole[0] = True
            return _HOLE
        return parse_constant(name)

    data = json.loads(raw[start:opening] + b"NaN" + raw[closing + 1:], parse_constant=constant)
    if not isinstance(data, dict) or not isinstance(data.get("dataset"), dict) \
            or data["dataset"].get("values") is not _HOLE:
        raise _Fallback
    data["dataset"]["values"] = np.concatenate(pieces)
    return data


def _table(rows: list) -> np.ndarray:
    """A piece's rows as a float array: only flat lists of finite ints and floats, one width."""
    if not rows or not all(type(row) is list for row in rows):
        raise _Fallback
    if not {type(v) for row in rows for v in row} <= {float, int}:
        raise _Fallback
    try:
        values = np.array(rows, dtype=np.float64)
    except OverflowError:
        raise _Fallback from None
    if values.ndim != 2 or not np.isfinite(values).all():
        raise _Fallback
    return values


def read_in_child(conn, path: str) -> None:
    """A child process's body: read the session at ``path`` and send it to the parent.

    Sends ("progress", fraction) at each percent, then ("done", session) or
    ("error", one sentence). Reading in a process of its own leaves the
    parent's threads the whole of Python's GIL (a thread parsing JSON holds it).
    """
    from .remote import CHILD_NICENESS
    from .session import SessionError, check_session, load_session

    if hasattr(os, "nice"):
        os.nice(CHILD_NICENESS)  # below the window, which keeps painting meanwhile
    sent = [-1]

    def progress(fraction: float) -> None:
        if int(fraction * 100) != sent[0]:
            sent[0] = int(fraction * 100)
            conn.send(("progress", fraction))

    try:
        session = load_session(path, progress=progress)
        check_session(session)
        reply = ("done", session)
    except SessionError as exc:
        reply = ("error", str(exc))
    except MemoryError:
        reply = ("error", f"Cannot open {os.path.basename(path)}: there is not enough memory to read it.")
    except Exception as exc:  # noqa: BLE001 - one sentence for the parent, no traceback on stderr
        reply = ("error", f"Cannot open {os.path.basename(path)}: {type(exc).__name__} ({exc}).")
    try:
        conn.send(reply)
    except (BrokenPipeError, OSError):
        pass  # the parent cancelled


def read_only(value: Any) -> Any:
    """``value`` with every numpy array in it (dataclass fields, tuples, dicts) made read-only
    again, as it was before pickling took it through a pipe; returns ``value``."""
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            read_only(getattr(value, f.name))
    elif isinstance(value, (tuple, list)):
        for v in value:
            read_only(v)
    elif isinstance(value, dict):
        for v in value.values():
            read_only(v)
    return value
