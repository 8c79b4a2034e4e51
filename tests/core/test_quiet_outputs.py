"""--screenshot and animate (in child processes: tests/core never imports Qt): nothing on stderr
when they succeed, atomic writes through links, a device refused in one line."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def gdsim(*argv: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "gdsim", *argv], env=env, capture_output=True,
                          text=True, timeout=120)


def test_a_screenshot_through_a_link_is_quiet_and_keeps_the_link(tmp_path):
    target = tmp_path / "real.png"
    target.write_bytes(b"old")
    link = tmp_path / "shot.png"
    link.symlink_to(target)
    done = gdsim("--screenshot", str(link), "--steps", "3")
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert link.is_symlink() and target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["real.png", "shot.png"]


def test_a_screenshot_onto_a_device_is_refused_in_one_line(tmp_path):
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        device = Path("/dev/null")
    done = gdsim("--screenshot", str(device))
    assert done.returncode == 2 and done.stderr == (
        f"gdsim: error: Cannot write {device}: it is a device, not a regular file; choose a file name.\n")
    assert stat.S_ISCHR(os.stat(device).st_mode)


def test_animate_is_quiet(tmp_path):
    out = tmp_path / "a.gif"
    done = gdsim("animate", "--preset", "lecture-3x-plus-2", "--lr", "10", "--epochs", "20",
                 "--frames", "3", "--out", str(out))
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert out.read_bytes()[:6] == b"GIF89a"
