"""Sessions keep a network's settings (model, hidden layers, activation, feature maps), and
files written before networks still open with the defaults."""

from __future__ import annotations

import json

import pytest

from gdsim.core.presets import load_preset
from gdsim.core.session import Session, SessionError, load_session, save_session
from gdsim.core.training import TrainingConfig, TrainingRun


def test_network_settings_round_trip(tmp_path):
    dataset = load_preset("spiral3")
    run = TrainingRun(dataset, TrainingConfig(model="mlp", hidden=(4, 3), activation="relu",
                                              features=("x1", "x2", "x1*x2"), epochs=3))
    init = tuple(float(v) for v in run.params)
    config = run.config.replace(init=init)
    path = tmp_path / "net.gdsim"
    save_session(path, Session(dataset, config, speed=30.0, surface_axes=(5, 2)))
    back = load_session(path)
    assert back.config == config
    assert back.config.hidden == (4, 3) and back.config.activation == "relu"
    assert back.config.features == ("x1", "x2", "x1*x2")
    assert back.surface_axes == (5, 2)  # (a 3-4-3-3 network has 43 parameters, the data 3 columns)


def test_old_session_without_network_fields_opens(tmp_path):
    dataset = load_preset("lecture-3x-plus-2")
    config = TrainingConfig(model="linear", init=(1.0, 2.0))
    path = tmp_path / "old.gdsim"
    save_session(path, Session(dataset, config, speed=1.0))
    d = json.loads(path.read_text(encoding="utf-8"))
    for key in ("hidden", "activation", "features"):
        del d["config"][key]
    path.write_text(json.dumps(d), encoding="utf-8")
    assert load_session(path).config == config


@pytest.mark.parametrize("change,words", [
    ({"hidden": [8, 40]}, "Invalid hidden layers"), ({"activation": "gelu"}, "unknown activation"),
    ({"features": ["x1", "cos(x1)"]}, "Unknown feature"), ({"loss": "ce", "model": "softmax", "init": [0.0] * 5},
                                                            "model needs 9")])
def test_bad_network_settings_are_one_sentence(tmp_path, change, words):
    dataset = load_preset("spiral3")
    path = tmp_path / "bad.gdsim"
    save_session(path, Session(dataset, TrainingConfig(model="mlp"), speed=1.0))
    d = json.loads(path.read_text(encoding="utf-8"))
    d["config"].update(change)
    path.write_text(json.dumps(d), encoding="utf-8")
    with pytest.raises(SessionError) as err:
        load_session(path)
    message = str(err.value)
    assert words in message and message.startswith("Cannot open bad.gdsim: ") and "\n" not in message
