"""Session files: exact round trip, and every kind of bad file refused with one sentence."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from gdsim.core.compare import PinnedRun
from gdsim.core.dataset import Dataset
from gdsim.core.presets import load_preset
from gdsim.core.session import (
    FORMAT, VERSION, PinRecord, Session, SessionError, config_to_dict, load_session,
    parse_session, save_session, session_text, session_to_dict,
)
from gdsim.core.training import TrainingConfig, TrainingRun


def awkward_dataset() -> Dataset:
    rng = np.random.default_rng(7)
    values = rng.normal(size=(40, 3)) * 10.0 ** rng.integers(-300, 300, size=(40, 3))
    values[0, 0] = -0.0
    values[1, 0] = 5e-324  # the smallest subnormal
    values[2, 1] = 1.7976931348623157e308
    values[3, 1] = 0.1 + 0.2
    values[:, 2] = rng.integers(0, 2, size=40)
    return Dataset(("x 1", "x\u00b2 \"quoted\"", "label"), values, target="label", name="tricky ö")


def rich_config() -> TrainingConfig:
    return TrainingConfig(
        model="logistic", loss="bce", reduction="sum", optimizer="adam",
        hyper={"lr": 0.123456789012345, "betas": (0.85, 0.995), "eps": 1e-7, "amsgrad": True},
        schedule="step", schedule_params={"step_size": 3, "gamma": 0.5},
        batch_size=7, epochs=13, shuffle=False, drop_last=True, seed=12345,
        init=(0.1, -0.2, 0.30000000000000004), standardize=True, tolerance=1e-9,
    )


def pin_of(run: TrainingRun, label: str) -> PinnedRun:
    h = run.history
    return PinnedRun(label=label, parameter_names=run.parameter_names, params=h.params.copy(),
                     iterations=h.iteration.copy(), full_loss=h.full_loss.copy(), config=run.config,
                     iterations_per_epoch=run.iterations_per_epoch)


def test_round_trip_is_exact(tmp_path):
    dataset = awkward_dataset()
    config = rich_config()
    run = TrainingRun(load_preset("lecture-3x-plus-2"), TrainingConfig(epochs=5))
    run.run()
    pin = pin_of(run, "pin 1: SGD lr=0.01")
    session = Session(dataset, config, speed=30.0, surface_axes=(2, 0), pins=(pin,))
    path = tmp_path / "s.gdsim"
    save_session(path, session)
    back = load_session(path)
    assert back.dataset.equals(dataset)
    assert back.dataset.values.tobytes() == dataset.values.tobytes()
    assert math.copysign(1.0, back.dataset.values[0, 0]) == -1.0
    assert back.dataset.name == dataset.name and back.dataset.target == "label"
    assert back.config == config
    assert back.config.hyper["betas"] == (0.85, 0.995)
    assert back.speed == 30.0 and back.surface_axes == (2, 0)
    assert len(back.pins) == 1
    restored = back.pins[0]
    assert isinstance(restored, PinnedRun)
    assert restored.label == pin.label and restored.parameter_names == pin.parameter_names
    assert restored.params.tobytes() == pin.params.tobytes()
    np.testing.assert_array_equal(restored.iterations, pin.iterations)
    np.testing.assert_array_equal(restored.full_loss, pin.full_loss)
    assert restored.config == run.config
    assert restored.iterations_per_epoch == pin.iterations_per_epoch
    # a second save of what was read is byte-identical
    assert session_text(back) == path.read_text(encoding="utf-8")


def test_file_is_marked_json_with_every_config_field(tmp_path):
    path = tmp_path / "s.gdsim"
    save_session(path, Session(load_preset("lecture-3x-plus-2"), rich_config()))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == FORMAT and data["version"] == VERSION
    assert set(data["config"]) == set(config_to_dict(TrainingConfig()))
    assert data["config"]["hyper"]["betas"] == [0.85, 0.995]
    assert data["config"]["seed"] == 12345
    assert data["pins"] == []


def test_pin_with_non_finite_values_and_plain_record():
    pin = PinRecord("diverged", ("w1", "b"), np.array([[0.0, 0.0], [1e200, np.nan]]),
                    np.array([0, 1]), np.array([1.0, np.inf]), None)
    session = Session(load_preset("lecture-3x-plus-2"), TrainingConfig(), pins=(pin,))
    text = session_text(session)
    json.loads(text, parse_constant=lambda c: pytest.fail(f"bare {c} in JSON"))
    back = parse_session(text, pin_factory=lambda **kw: PinRecord(**kw))
    p = back.pins[0]
    assert p.params[1, 0] == 1e200 and math.isnan(p.params[1, 1])
    assert p.full_loss[1] == math.inf and p.config is None


def good_dict() -> dict:
    return session_to_dict(Session(load_preset("lecture-3x-plus-2"), TrainingConfig(), 30.0, (0, 1)))


def mutate(path_keys, value):
    d = good_dict()
    target = d
    for key in path_keys[:-1]:
        target = target[key]
    target[path_keys[-1]] = value
    return json.dumps(d)


BAD_FILES = {
    "not json": ("hello, I am a CSV\n1,2\n", "not valid JSON"),
    "empty": ("", "not valid JSON"),
    "json list": ("[1, 2, 3]", "not a gdsim session file"),
    "foreign format": (json.dumps({"format": "other-app", "version": 1}), "not a gdsim session file"),
    "no marker": (json.dumps({"dataset": {}, "config": {}}), "not a gdsim session file"),
    "newer version": (mutate(["version"], 99), "newer gdsim"),
    "text version": (mutate(["version"], "1"), "session version"),
    "unknown optimizer": (mutate(["config", "optimizer"], "lbfgs"), "optimizer 'lbfgs' is unknown"),
    "foreign hyper": (mutate(["config", "hyper"], {"betas": [0.9, 0.99]}), "does not belong to sgd"),
    "text lr": (mutate(["config", "hyper"], {"lr": "fast"}), "should be a number"),
    "negative lr": (mutate(["config", "hyper"], {"lr": -1.0}), "'lr' is -1"),
    "epochs as text": (mutate(["config", "epochs"], "ten"), "whole number"),
    "epochs float": (mutate(["config", "epochs"], 10.5), "whole number"),
    "zero epochs": (mutate(["config", "epochs"], 0), "epochs is 0"),
    "shuffle as 1": (mutate(["config", "shuffle"], 1), "true or false"),
    "unknown model": (mutate(["config", "model"], "tree"), "settings are invalid"),
    "values not list": (mutate(["dataset", "values"], "1,2,3"), "should be a list"),
    "ragged row": (mutate(["dataset", "values"], [[1.0, 2.0], [3.0]]), "row 2 of the data has 1 values"),
    "text value": (mutate(["dataset", "values"], [[1.0, "2"]]), "should be a number"),
    "nan value": ('{"format": "gdsim-session", "version": 1, "dataset": {"columns": ["x", "y"], '
                  '"values": [[1.0, NaN]]}, "config": {"model": "linear", "optimizer": "sgd", "epochs": 1}}',
                  "not a finite number"),
    "infinity value": ('{"format": "gdsim-session", "version": 1, "dataset": {"columns": ["x", "y"], '
                       '"values": [[1.0, Infinity]]}, "config": {}}', "not a finite number"),
    "overflow value": ('{"format": "gdsim-session", "version": 1, "dataset": {"columns": ["x", "y"], '
                       '"values": [[1.0, 1e999]]}, "config": {}}', "not a finite number"),
    "no rows": (mutate(["dataset", "values"], []), "data is invalid"),
    "duplicate columns": (mutate(["dataset", "columns"], ["x", "x"]), "data is invalid"),
    "bad target": (mutate(["dataset", "target"], "z"), "data is invalid"),
    "init length": (mutate(["config", "init"], [1.0, 2.0, 3.0]), "start point has 3 values"),
    "bad axes": (mutate(["surface_axes"], [0, 0]), "surface axes"),
    "negative speed": (mutate(["speed"], -5), "speed"),
    "bad pin": (mutate(["pins"], [{"label": "x"}]), "pinned run 1 has no 'parameter_names'"),
    "pin shape": (mutate(["pins"], [{"label": "x", "parameter_names": ["w1", "b"], "params": [[1.0]],
                                      "iterations": [0], "full_loss": [1.0], "config": None}]),
                  "one column per parameter"),
    "pin text number": (mutate(["pins"], [{"label": "x", "parameter_names": ["w1", "b"],
                                            "params": [[1.0, "oops"]], "iterations": [0],
                                            "full_loss": [1.0], "config": None}]), "where a number belongs"),
    "deep nesting": ("[" * 100_000 + "]" * 100_000, "session"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_refused_with_one_sentence(tmp_path, name):
    text, expected = BAD_FILES[name]
    path = tmp_path / "bad.gdsim"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SessionError) as info:
        load_session(path)
    message = str(info.value)
    assert expected in message
    assert message.startswith("Cannot open bad.gdsim: ")
    assert message.endswith(".") and "\n" not in message
    assert message.count(". ") == 0  # one sentence
    assert isinstance(info.value, ValueError)


def test_binary_and_missing_files_refused(tmp_path):
    path = tmp_path / "picture.gdsim"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00\x00")
    with pytest.raises(SessionError, match="not a text file"):
        load_session(path)
    with pytest.raises(SessionError, match="Cannot open nothing.gdsim"):
        load_session(tmp_path / "nothing.gdsim")


def test_save_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "s.gdsim"
    first = Session(load_preset("lecture-3x-plus-2"), TrainingConfig())
    save_session(path, first)
    before = path.read_bytes()
    import os

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        save_session(path, Session(load_preset("insurance"), TrainingConfig(model="logistic")))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["s.gdsim"]  # no temporary left behind
