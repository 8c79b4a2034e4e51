"""The headless command line and Python API, run as a user would."""

import csv
import json
import subprocess
import sys

import numpy as np
import pytest

import gdsim
from gdsim.cli import main


def run_cli(*args):
    proc = subprocess.run([sys.executable, "-m", "gdsim", *args], capture_output=True, text=True, timeout=120)
    return proc.returncode, proc.stdout, proc.stderr


def test_train_json_summary_insurance():
    code, out, err = run_cli("train", "--preset", "insurance", "--model", "logistic", "--optimizer", "adam",
                             "--lr", "0.01", "--epochs", "200", "--batch-size", "4", "--seed", "0", "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert summary["status"] == "finished"
    assert summary["iterations_per_epoch"] == 3
    assert summary["iterations"] == 600 and summary["epochs"] == 200
    assert len(summary["params"]) == 3 and np.isfinite(summary["loss"])
    api = gdsim.train(preset="insurance", model="logistic", optimizer="adam", lr=0.01, epochs=200,
                      batch_size=4, seed=0)
    assert summary["params"] == [float(v) for v in api.params]


def test_history_csv_has_every_iteration(tmp_path):
    path = tmp_path / "run.csv"
    assert main(["train", "--preset", "lecture-3x-plus-2", "--epochs", "20", "--history", str(path)]) == 0
    rows = list(csv.reader(path.open()))
    assert rows[0] == ["epoch", "iteration", "loss", "w1", "b"]
    assert len(rows) == 22
    assert rows[1][:2] == ["0", "0"] and float(rows[1][3]) == 0.0
    assert float(rows[1][2]) == pytest.approx(np.mean(np.array([8, 11, 14, 17, 20.0]) ** 2))
    assert [int(r[1]) for r in rows[1:]] == list(range(21))


def test_python_api_keywords_are_cli_names():
    run = gdsim.train(preset="lecture-3x-plus-2", model="linear", optimizer="sgd", lr=0.01, momentum=0.9, epochs=100)
    assert run.status == "finished"
    assert isinstance(run.history.params, np.ndarray) and run.history.params.shape == (101, 2)
    assert run.params.shape == (2,)
    assert run.loss < run.history.full_loss[0]


@pytest.mark.parametrize("args,needle", [
    (["train", "--lr", "-1"], "Invalid learning rate: -1.0"),
    (["train", "--preset", "nope"], "nope"),
    (["train", "--optimizer", "adam", "--momentum", "0.9"], "momentum"),
    (["train", "--batch-size", "0"], "batch size"),
    (["train", "--batch-size", "abc"], "batch size"),
    (["train", "--epochs", "0"], "epochs"),
    (["train", "--model", "linear", "--loss", "bce"], "bce"),
    (["train", "--data", "/nonexistent/file.csv"], "file.csv"),
    (["train", "--betas", "0.9"], "betas"),
    (["train", "--optimizer", "adam", "--betas", "1.5,0.9"], "beta"),
    (["train", "--bogus"], "bogus"),
])
def test_user_errors_are_one_line_exit_2(args, needle):
    code, out, err = run_cli(*args)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert needle in lines[0] and "Traceback" not in err


def test_presets_lists_lecture_tables():
    code, out, _ = run_cli("presets")
    assert code == 0
    for name in ("lecture-2x", "lecture-3x", "lecture-half-x-minus-2.5", "lecture-3x-plus-2", "insurance"):
        assert name in out


def test_train_on_csv_with_target(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("y,x\n4,2\n6,3\n8,4\n")
    code, out, err = run_cli("train", "--data", str(path), "--target", "y", "--epochs", "3000",
                             "--optimizer", "adam", "--lr", "0.1", "--json")
    assert code == 0, err
    w, b = json.loads(out)["params"]
    assert w == pytest.approx(2.0, abs=1e-3) and b == pytest.approx(0.0, abs=1e-2)


def test_core_and_cli_never_import_qt():
    code = (
        "import sys, pkgutil, importlib, gdsim, gdsim.cli, gdsim.api, gdsim.core, gdsim.commands;"
        "[importlib.import_module(m.name) for p in (gdsim.core, gdsim.commands)"
        " for m in pkgutil.walk_packages(p.__path__, p.__name__ + '.')];"
        "gdsim.cli.main(['train', '--epochs', '2']);"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph', 'PyQt'))];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
