"""File ▸ Open on a bad session: one sentence, and the window keeps its data and settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from gdsim.core.dataset import Dataset
from gdsim.core.session import Session, SessionError
from gdsim.core.training import TrainingConfig
from gdsim.gui.features import sessions as sessions_module
from gdsim.gui.features.sessions import apply_session

FILES = sorted((Path(__file__).parents[1] / "data" / "bad_sessions").glob("*.gdsim"))


@pytest.fixture(autouse=True)
def private_settings(tmp_path_factory):
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path_factory.mktemp("settings")))
    sessions_module.settings().clear()



def test_every_bad_file_leaves_the_window_as_it_was(window):
    dataset, config = window.document.dataset, window.controls.config()
    for path in FILES:
        assert window.sessions.open(path) is False, path.name
        message = window.sessions.last_error
        assert message.startswith(f"Cannot open {path.name}: ") and "\n" not in message, message
        assert window.document.dataset is dataset and window.controls.config() == config, path.name


@pytest.mark.parametrize("changes", [{"epochs": 3_000_000_000}, {"batch_size": 10**30}, {"seed": 2**40}],
                         ids=str)
def test_apply_session_checks_everything_before_applying(window, changes):
    dataset, config = window.document.dataset, window.controls.config()
    data = Dataset(("x", "y"), [[1.0, 2.0], [2.0, 3.0], [3.0, 5.0]], "y")
    with pytest.raises(SessionError):
        apply_session(window, Session(data, TrainingConfig(**changes)))
    assert window.document.dataset is dataset and window.controls.config() == config
