"""`gdsim animate` and the Qt-free frame plan behind it."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from gdsim.api import prepare
from gdsim.core.animation import AnimationPlan, frame_rows, last_known


def run_cli(*args, env=None):
    proc = subprocess.run([sys.executable, "-m", "gdsim", *args], capture_output=True, text=True,
                          timeout=300, env=env)
    return proc.returncode, proc.stdout, proc.stderr


def test_frame_rows_are_even_distinct_and_end_at_the_last_row():
    rows = frame_rows(101, 11)
    assert rows.tolist() == list(range(0, 101, 10))
    assert frame_rows(5, 60).tolist() == [0, 1, 2, 3, 4]
    assert frame_rows(7, 1).tolist() == [6]
    with pytest.raises(ValueError):
        frame_rows(0, 3)


def test_last_known_fills_gaps():
    out = last_known(np.array([np.nan, 2.0, np.nan, np.nan, 5.0]))
    assert np.isnan(out[0]) and out[1:].tolist() == [2.0, 2.0, 2.0, 5.0]


def test_plan_window_holds_the_path_and_the_optimum():
    run = prepare(epochs=40, optimizer="adam", lr=0.3).run()
    plan = AnimationPlan(run, 9)
    assert [f.row for f in plan.frames] == [0, 5, 10, 15, 20, 25, 30, 35, 40]
    x0, x1, y0, y1 = plan.window
    path = plan.path(plan.frames[-1])
    assert len(path) == 41
    assert (path[:, 0] >= x0).all() and (path[:, 0] <= x1).all()
    assert (path[:, 1] >= y0).all() and (path[:, 1] <= y1).all()
    ox, oy = plan.optimum_xy()
    assert x0 < ox < x1 and y0 < oy < y1
    assert plan.surface(plan.frames[0]) is plan.surface(plan.frames[-1])  # two parameters: once
    surface_title, loss_title = plan.caption(plan.frames[-1])
    assert "iteration 40 of 40" in surface_title and "epoch 40" in loss_title


def test_plan_recomputes_the_surface_when_held_parameters_move():
    run = prepare(preset="insurance", model="logistic", epochs=5, lr=0.5).run()
    assert len(run.parameter_names) > 2
    plan = AnimationPlan(run, 3, axes=(0, len(run.parameter_names) - 1))
    a, b = plan.surface(plan.frames[0]), plan.surface(plan.frames[-1])
    assert a is not b and not np.array_equal(a.values, b.values)


def test_animate_writes_a_gif_with_the_frames(tmp_path):
    from PIL import Image

    out = tmp_path / "descent.gif"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    code, stdout, stderr = run_cli("animate", "--epochs", "25", "--optimizer", "sgd", "--momentum", "0.9",
                                   "--out", str(out), "--frames", "10", "--fps", "5", "--size", "600x300",
                                   env=env)
    assert code == 0, stderr
    assert "saved" in stdout and "10 frames" in stdout
    with Image.open(out) as gif:
        assert gif.n_frames == 10 and gif.size == (600, 300)
        assert gif.info["duration"] == 200


@pytest.mark.parametrize("args, message", [
    (["--out", "x.png"], "must end in .gif"),
    (["--out", "x.gif", "--frames", "0"], "Invalid --frames"),
    (["--out", "x.gif", "--fps", "0"], "Invalid --fps"),
    (["--out", "x.gif", "--axes", "w1,w1"], "Invalid --axes"),
    (["--out", "x.gif", "--optimizer", "sgd", "--betas", "0.9,0.99"], "does not apply to sgd"),
])
def test_animate_user_errors_are_one_line(tmp_path, args, message):
    code, _, stderr = run_cli("animate", "--epochs", "2", *args)
    assert code == 2
    assert message in stderr and len(stderr.strip().splitlines()) == 1


def test_animate_requires_out():
    code, _, stderr = run_cli("animate", "--epochs", "2")
    assert code == 2 and "--out" in stderr
