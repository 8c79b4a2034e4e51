"""Every file of tests/data/bad_sessions is refused with one sentence, by the loader and by `gdsim FILE`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gdsim import cli
from gdsim.core.dataset import Dataset
from gdsim.core.session import Session, SessionError, check_session, load_session
from gdsim.core.training import TrainingConfig

CORPUS = Path(__file__).parents[1] / "data" / "bad_sessions"
FILES = sorted(CORPUS.glob("*.gdsim"))


def test_the_corpus_is_there():
    assert len(FILES) >= 25


def one_sentence(message: str) -> None:
    assert "\n" not in message and message.endswith(".") and len(message) < 300, message
    assert "Traceback" not in message and "4300" not in message


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_a_bad_session_is_refused_with_one_sentence(path):
    with pytest.raises(SessionError) as info:
        load_session(path)
    one_sentence(str(info.value))


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_gdsim_file_prints_one_line(path, capsys):
    assert cli.main([str(path)]) == cli.USAGE_ERROR
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("gdsim: error: Cannot open "), err


def test_the_valid_base_of_the_corpus_opens(tmp_path):
    from tests.data.make_corpus import VALID

    path = tmp_path / "ok.gdsim"
    path.write_text(json.dumps(VALID), encoding="utf-8")
    assert load_session(path).config.batch_size == 2


@pytest.mark.parametrize("changes", [
    {"epochs": 3_000_000_000}, {"batch_size": 10**30}, {"seed": -1}, {"init": (1e10, 0.0)},
    {"hyper": {"lr": 1e4}}, {"hyper": {"lr": 0.1, "momentum": 1e7}},
], ids=str)
def test_a_session_built_in_code_is_checked_too(changes):
    data = Dataset(("x", "y"), [[1.0, 2.0], [2.0, 3.0], [3.0, 5.0]], "y")
    with pytest.raises(SessionError) as info:
        check_session(Session(data, TrainingConfig(**changes)))
    one_sentence(str(info.value))


@pytest.mark.parametrize("cell,words", [(True, "true/false"), ("1.5", "the text '1.5'"), (None, "nothing"),
                                        ([1.0], "a list")])
def test_the_fast_table_path_still_refuses_a_bad_cell(cell, words, tmp_path):
    from tests.data.make_corpus import VALID

    doc = json.loads(json.dumps(VALID))
    doc["dataset"]["values"] = doc["dataset"]["values"] * 1000
    doc["dataset"]["values"][3456] = [1.0, cell, 2.0]
    path = tmp_path / "s.gdsim"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(SessionError, match=f"row 3457 of the data .*{words}"):
        load_session(path)
