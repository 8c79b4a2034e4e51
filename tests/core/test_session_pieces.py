"""A big session's table read in pieces: the same session, or the same message, as one json.loads."""

from __future__ import annotations

import json

import numpy as np
import pytest

from gdsim.core import session_pieces
from gdsim.core.dataset import Dataset
from gdsim.core.session import (
    ReadCancelled, Session, SessionError, parse_session, session_text, session_to_dict,
)
from gdsim.core.training import TrainingConfig

from test_session import awkward_dataset, rich_config


@pytest.fixture(autouse=True)
def small_pieces(monkeypatch):
    monkeypatch.setattr(session_pieces, "PIECE_BYTES", 300)  # dozens of pieces for 40 rows


def canonical() -> str:
    return session_text(Session(awkward_dataset(), rich_config(), speed=3.0, surface_axes=(0, 1)))


def outcome(text: str):
    """(dataset bytes, config) or the message, read from the text (one json.loads)."""
    try:
        s = parse_session(text, "f.gdsim")
    except SessionError as exc:
        return str(exc)
    return s.dataset.values.tobytes(), s.dataset.columns, s.config, s.speed


def test_a_saved_session_is_read_in_pieces_bit_for_bit():
    raw = canonical().encode()
    data = session_pieces.parse_in_pieces(raw, None, lambda name: 1 / 0)
    assert isinstance(data["dataset"]["values"], np.ndarray)  # the pieces were used, no fallback
    assert outcome(raw) == outcome(canonical())
    assert parse_session(raw).dataset.equals(awkward_dataset())


def variants() -> dict[str, str]:
    text = canonical()
    d = session_to_dict(Session(awkward_dataset(), rich_config()))
    one_line = json.dumps(d)
    pins_first = json.dumps({"pins": [], "x": {"values": [[1, 2]]}, **d})
    return {
        "one line": one_line,
        "a 'values' key before the dataset's": pins_first,
        "a trailing comma": text.replace("]\n  ]}", "],\n  ]}", 1),
        "a missing comma": text.replace("],\n", "]\n", 1),
        "a text cell": text.replace("[-0.0,", '["-0.0",', 1),
        "a cell holding ]]": text.replace("[-0.0,", '["]]",', 1),
        "a nested row": text.replace("[-0.0,", "[[-0.0],", 1),
        "a true cell": text.replace("[-0.0,", "[true,", 1),
        "a NaN cell": text.replace("[-0.0,", "[NaN,", 1),
        "a NaN before the table": text.replace('"version": 1', '"version": NaN', 1),
        "a short row": text.replace("[-0.0, ", "[", 1),
        "a huge integer": text.replace("[-0.0,", "[" + "9" * 400 + ",", 1),
        "5000 digits": text.replace("[-0.0,", "[" + "9" * 5000 + ",", 1),
        "an empty table": json.dumps({**d, "dataset": {**d["dataset"], "values": []}}),
        "a cut file": text[: len(text) // 2],
        "the table's end missing": text.replace("  ]}", "  }", 1),
        "two 'values' in the dataset": text.replace('"target"', '"values": [[1, 2, 3]], "target"', 1),
    }


@pytest.mark.parametrize("name", list(variants()))
def test_every_layout_and_fault_reads_as_one_json_loads_would(name):
    text = variants()[name]
    assert outcome(text.encode()) == outcome(text)


def test_a_byte_order_mark_is_skipped():
    assert outcome(b"\xef\xbb\xbf" + canonical().encode()) == outcome(canonical())


def test_latin1_bytes_say_not_a_text_file():
    raw = canonical().replace("tricky ö", "tricky \udcf6").encode("utf-8", "surrogateescape")
    assert "not a text file" in outcome(raw)


def test_progress_rises_to_the_end_and_a_cancel_builds_nothing():
    raw = canonical().encode()
    seen = []
    parse_session(raw, progress=seen.append)
    assert len(seen) > 5 and seen == sorted(seen) and 0.5 < seen[-1] <= 1.0

    def cancel(fraction):
        if fraction > 0.3:
            raise ReadCancelled

    with pytest.raises(ReadCancelled):
        parse_session(raw, progress=cancel)


def test_a_table_of_another_width_gets_the_row_message():
    d = Dataset(("x", "y"), np.arange(8.0).reshape(4, 2), "y", "two")
    text = session_text(Session(d, TrainingConfig()))
    bad = text.replace('"columns": ["x", "y"]', '"columns": ["x", "y", "z"]')
    assert outcome(bad.encode()) == outcome(bad)
    assert "row 1 of the data has 2 values for 3 columns" in outcome(bad)
