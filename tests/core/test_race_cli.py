"""`gdsim race` on the command line, run as a user would."""

import json
import subprocess
import sys

import numpy as np
import pytest

from gdsim.cli import main
from gdsim.core.presets import load_preset
from gdsim.core.training import TrainingConfig, TrainingRun


def test_race_json_in_a_real_shell_matches_separate_runs():
    # The specs are typed unquoted, as in a shell: no character in them needs quoting.
    command = (f"{sys.executable} -m gdsim race --optimizers sgd:lr=0.01,momentum=0.9 "
               "adam:lr=0.1,betas=0.9/0.99 sgd:lr=0.01 --batch-size 2 --epochs 40 --seed 3 "
               "--threshold 0.5 --json")
    proc = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    summaries = json.loads(proc.stdout)
    assert [s["label"] for s in summaries] == [
        "SGD lr=0.01, momentum=0.9", "Adam lr=0.1, betas=0.9/0.99", "SGD lr=0.01"]
    assert summaries[1]["hyper"] == {"lr": 0.1, "betas": [0.9, 0.99]}
    assert summaries[1]["spec"] == "adam:lr=0.1,betas=0.9/0.99"
    dataset = load_preset("lecture-3x-plus-2")
    base = TrainingConfig(batch_size=2, epochs=40, seed=3)
    for summary, (optimizer, hyper) in zip(summaries, [
        ("sgd", {"lr": 0.01, "momentum": 0.9}), ("adam", {"lr": 0.1, "betas": (0.9, 0.99)}),
        ("sgd", {"lr": 0.01}),
    ]):
        alone = TrainingRun(dataset, base.replace(optimizer=optimizer, hyper=hyper)).run()
        assert summary["params"] == [float(v) for v in alone.params]
        assert summary["final_loss"] == alone.current_loss
        assert summary["iterations"] == 120 and summary["status"] == "finished"
        assert summary["diverged"] is False and summary["threshold"] == 0.5
        hits = np.flatnonzero(alone.history.full_loss <= 0.5)
        assert summary["iterations_to_threshold"] == (int(hits[0]) if hits.size else None)
    assert summaries[0]["iterations_to_threshold"] is not None


def test_race_text_table(capsys):
    code = main(["race", "--optimizers", "sgd:lr=0.01,momentum=0.9", "adam:lr=0.01", "sgd:lr=0.5",
                 "--threshold", "1"])
    assert code == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:3] == ["optimizer", "final", "loss"]
    assert "iter. to loss ≤ 1" in out[0] and out[0].rstrip().endswith("b")
    rows = {line.split("  ")[0].strip(): line for line in out[2:5]}
    assert set(rows) == {"SGD lr=0.01, momentum=0.9", "Adam lr=0.01", "SGD lr=0.5"}
    assert "finished" in rows["Adam lr=0.01"] and "never" in rows["Adam lr=0.01"]
    assert "diverged" in rows["SGD lr=0.5"]
    assert any(line.startswith("SGD lr=0.5: Diverged at iteration") for line in out)


def test_race_json_marks_divergence_and_standardize(capsys):
    code = main(["race", "--optimizers", "sgd:lr=2", "adam", "--preset", "insurance", "--model",
                 "logistic", "--standardize", "--schedule", "step", "--step-size", "10",
                 "--gamma", "0.5", "--epochs", "30", "--json"])
    assert code == 0
    summaries = json.loads(capsys.readouterr().out)
    assert len(summaries) == 2
    assert len(summaries[0]["params"]) == len(summaries[0]["parameter_names"]) == 3
    assert summaries[0]["params_original"] != summaries[0]["params"]  # standardised features
    assert all(s["iterations_to_threshold"] is None and s["threshold"] is None for s in summaries)


@pytest.mark.parametrize("args,needle", [
    (["race", "--optimizers", "sgd"], "2 to 8"),
    (["race", "--optimizers", "sgd:lr=fast", "adam"], "--optimizers sgd:lr=fast: Invalid value for lr"),
    (["race", "--optimizers", "sgd", "adam:momentum=0.9"], "does not apply to adam"),
    (["race", "--optimizers", "sgd", "lion"], "Unknown optimizer 'lion'"),
    (["race", "--optimizers", "sgd", "adam", "--batch-size", "0"], "batch size"),
    (["race", "--optimizers", "sgd", "adam", "--threshold", "nan"], "threshold"),
    (["race", "--optimizers", "sgd", "adam", "--gamma", "0.5"], "does not apply to the constant schedule"),
    (["race", "--optimizers", "sgd", "adam", "--preset", "nope"], "nope"),
    (["race"], "--optimizers"),
    (["race", "--optimizers", "sgd", "adam", "--function", "rosenbrock"], "--function is not supported"),
])
def test_user_errors_are_one_line_and_exit_2(capsys, args, needle):
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err.strip()
    assert "\n" not in err and err.startswith("gdsim: error:")
    assert needle in err
