"""The atomic writer every output goes through: symlinks, special targets, errors naming the user's path."""

from __future__ import annotations

import errno
import os
import stat

import numpy as np
import pytest

from gdsim import cli
from gdsim.core import atomic
from gdsim.core.atomic import WriteError, atomic_write_text
from gdsim.core.csvio import write_csv
from gdsim.core.history import History
from gdsim.core.presets import load_preset
from gdsim.core.session import Session, save_session
from gdsim.core.training import TrainingConfig


def history_writer(path):
    h = History(2)
    h.append(0, 0.1, np.nan, np.zeros(2), np.zeros(2), np.nan, 1.0)
    h.to_csv(path, ("w1", "b"))


# Every core writer; the window's exports and --screenshot call atomic_write_bytes too.
WRITERS = {
    "text": lambda path: atomic_write_text(path, "new\n"),
    "history": history_writer,
    "csv": lambda path: write_csv(load_preset("lecture-3x-plus-2"), path),
    "session": lambda path: save_session(path, Session(load_preset("lecture-3x-plus-2"), TrainingConfig())),
}


def special(kind: str, tmp_path):
    if kind == "fifo":
        path = tmp_path / "pipe"
        os.mkfifo(path)
        return path
    if kind == "folder":
        path = tmp_path / "folder"
        path.mkdir()
        return path
    if kind == "device":
        return device(tmp_path)
    if kind == "link to device":
        path = tmp_path / "null-link"
        path.symlink_to(device(tmp_path))
        return path
    raise AssertionError(kind)


def device(tmp_path):
    """A character device like /dev/null, made in tmp_path when allowed (as root): a writer that
    regressed would replace this one, not the system's (the old writer did, run as root).
    Without the right to make one, /dev/null is safe: its folder is not writable then."""
    path = tmp_path / "null"
    if not path.exists():
        try:
            os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        except PermissionError:
            return "/dev/null"
    return path


SPECIAL = ["fifo", "folder", "device", "link to device"]


@pytest.mark.parametrize("writer", WRITERS, ids=str)
@pytest.mark.parametrize("kind", SPECIAL)
def test_a_non_regular_target_is_refused_and_left_alone(writer, kind, tmp_path):
    path = special(kind, tmp_path)
    before = os.stat(path)
    with pytest.raises(WriteError) as info:
        WRITERS[writer](path)
    message = str(info.value)
    assert message.startswith(f"Cannot write {path}: ") and "not a regular file" in message, message
    after = os.stat(path)
    assert stat.S_IFMT(after.st_mode) == stat.S_IFMT(before.st_mode) and after.st_ino == before.st_ino
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("writer", WRITERS, ids=str)
def test_a_symlink_is_written_through_and_stays_a_link(writer, tmp_path):
    target = tmp_path / "real.txt"
    target.write_text("old\n")
    os.chmod(target, 0o640)
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    WRITERS[writer](link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text() != "old\n"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640


def test_a_chain_of_links_reaches_the_file(tmp_path):
    target = tmp_path / "real.txt"
    (tmp_path / "a").symlink_to(target)  # dangling: the file is created
    (tmp_path / "b").symlink_to(tmp_path / "a")
    atomic_write_text(tmp_path / "b", "x")
    assert target.read_text() == "x" and (tmp_path / "a").is_symlink() and (tmp_path / "b").is_symlink()


@pytest.mark.parametrize("code,words", [(errno.ENOSPC, "the disk is full"), (errno.EIO, "Input/output error"),
                                        (errno.EACCES, "Permission denied")])
@pytest.mark.parametrize("stage", ["fsync", "replace", "open"])
def test_write_errors_name_the_users_path_not_the_temporary_file(monkeypatch, tmp_path, code, words, stage):
    path = tmp_path / "out.csv"
    path.write_text("old\n")

    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code), str(tmp_path / ".out.csv.1.abc.tmp"))

    if stage == "open":
        real_open = os.open
        monkeypatch.setattr(atomic.os, "open", lambda p, *a, **k: fail() if str(p).endswith(".tmp") else real_open(p, *a, **k))
    else:
        monkeypatch.setattr(atomic.os, stage, fail)
    with pytest.raises(OSError) as info:
        atomic_write_text(path, "new\n")
    message = str(info.value)
    assert message == f"Cannot write {path}: {message.split(': ', 1)[1]}" and words in message, message
    assert ".tmp" not in message and "\n" not in message
    assert info.value.errno == code
    monkeypatch.undo()
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_the_cli_refuses_a_device_for_history_before_training(capsys, tmp_path, monkeypatch):
    path = device(tmp_path)
    monkeypatch.setattr("gdsim.core.training.TrainingRun.run", lambda run: pytest.fail("it trained"))
    assert cli.main(["train", "--history", str(path), "--epochs", "3"]) == cli.USAGE_ERROR
    err = capsys.readouterr().err
    assert err == f"gdsim: error: Cannot write {path}: it is a device, not a regular file; choose a file name.\n"
    assert stat.S_ISCHR(os.stat(path).st_mode)


def test_the_cli_on_a_full_disk_names_the_history_file(monkeypatch, tmp_path, capsys):
    def full(*_):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full)
    path = tmp_path / "h.csv"
    assert cli.main(["train", "--epochs", "2", "--history", str(path)]) == cli.USAGE_ERROR
    err = capsys.readouterr().err
    assert err == f"gdsim: error: Cannot write {path}: the disk is full (the old file, if any, is unchanged).\n"
