"""The loss surface's plane (two parameters, pca, random) is kept in session files and lessons;
files written before planes open on two parameters, a bad plane is one sentence."""

from __future__ import annotations

import json

import pytest

from gdsim.core.lessons import LessonError, load_lesson
from gdsim.core.presets import load_preset
from gdsim.core.session import Session, SessionError, check_session, load_session, save_session
from gdsim.core.training import TrainingConfig


def _session(plane: str) -> Session:
    return Session(load_preset("xor"), TrainingConfig(model="mlp", seed=7, epochs=3), speed=30.0,
                   surface_axes=(2, 5), surface_plane=plane)


@pytest.mark.parametrize("plane", ["params", "pca", "random"])
def test_the_plane_round_trips(tmp_path, plane):
    path = tmp_path / "net.gdsim"
    save_session(path, _session(plane))
    assert json.loads(path.read_text(encoding="utf-8"))["surface_plane"] == plane
    back = load_session(path)
    assert back.surface_plane == plane and back.surface_axes == (2, 5) and back.config.seed == 7


def test_a_file_from_before_planes_opens_on_two_parameters(tmp_path):
    path = tmp_path / "old.gdsim"
    save_session(path, _session("pca"))
    d = json.loads(path.read_text(encoding="utf-8"))
    del d["surface_plane"]
    path.write_text(json.dumps(d), encoding="utf-8")
    back = load_session(path)
    assert back.surface_plane == "params" and back.surface_axes == (2, 5)


@pytest.mark.parametrize("value, shown", [("PCA ", "'PCA '"), (3, "the number 3"), (None, "nothing")])
def test_a_bad_plane_is_one_sentence(tmp_path, value, shown):
    path = tmp_path / "hand-edited.gdsim"
    save_session(path, _session("pca"))
    d = json.loads(path.read_text(encoding="utf-8"))
    d["surface_plane"] = value
    path.write_text(json.dumps(d), encoding="utf-8")
    with pytest.raises(SessionError) as info:
        load_session(path)
    assert str(info.value) == (f"Cannot open hand-edited.gdsim: its surface plane is {shown}, "
                               "not one of params, pca, random.")


def test_a_session_built_in_code_with_a_bad_plane_is_refused():
    with pytest.raises(SessionError, match="surface plane is 'diagonal'"):
        check_session(_session("diagonal"))


def _lesson(tmp_path, extra: str):
    path = tmp_path / "net-step.toml"
    path.write_text(f'title = "T"\ntext = "x"\n[settings]\npreset = "xor"\n{extra}', encoding="utf-8")
    return path


@pytest.mark.parametrize("plane", ["pca", "random", "params"])
def test_a_lesson_names_its_plane(tmp_path, plane):
    lesson = load_lesson(_lesson(tmp_path, f'plane = "{plane}"\n'))
    assert lesson.session.surface_plane == plane


def test_a_lesson_without_a_plane_is_on_two_parameters(tmp_path):
    assert load_lesson(_lesson(tmp_path, "")).session.surface_plane == "params"


def test_a_lesson_with_a_bad_plane_is_one_sentence_naming_the_file(tmp_path):
    with pytest.raises(LessonError) as info:
        load_lesson(_lesson(tmp_path, 'plane = "pcaa"\n'))
    assert str(info.value) == ("Cannot open lesson net-step.toml: plane is 'pcaa', "
                               "not one of params, pca, random.")
