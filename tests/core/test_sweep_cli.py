"""`gdsim sweep`, run as a user would."""

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


def test_sweep_json_shape_and_values():
    code, out, err = run_cli("sweep", "--preset", "lecture-3x-plus-2", "--optimizer", "sgd",
                             "--epochs", "50", "--lrs", "1e-3:1:7", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"metric", "tolerance", "stability_limit", "results"}
    assert data["metric"] == "loss" and data["tolerance"] is None
    x = np.arange(2, 7.0)
    Z = np.column_stack([x, np.ones(5)])
    assert data["stability_limit"] == pytest.approx(2 / np.linalg.eigvalsh(2 * Z.T @ Z / 5)[-1], rel=1e-12)
    results = data["results"]
    assert isinstance(results, list) and len(results) == 7
    assert np.allclose([r["lr"] for r in results], np.logspace(-3, 0, 7), rtol=1e-12)
    for r in results:
        assert {"lr", "loss", "status", "iterations", "params", "initial_loss", "message"} <= set(r)
        api = gdsim.train(preset="lecture-3x-plus-2", optimizer="sgd", epochs=50, lr=r["lr"])
        assert r["status"] == api.status and r["iterations"] == api.iterations
        assert r["loss"] == api.loss and r["params"] == [float(v) for v in api.params]
    statuses = [r["status"] for r in results]
    assert statuses[:4] == ["finished"] * 4 and statuses[-1] == "diverged"


def test_sweep_comma_list_iterations_metric_and_no_limit_for_logistic(capsys):
    assert main(["sweep", "--preset", "insurance", "--model", "logistic", "--standardize",
                 "--lrs", "0.1, 1,3", "--metric", "iterations", "--tolerance", "0.01",
                 "--epochs", "500", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["stability_limit"] is None and data["metric"] == "iterations"
    assert data["tolerance"] == 0.01
    assert [r["lr"] for r in data["results"]] == [0.1, 1.0, 3.0]
    converged = [r for r in data["results"] if r["status"] == "converged"]
    assert converged and all(r["iterations"] < 500 for r in converged)


def test_sweep_table_output(capsys):
    assert main(["sweep", "--lrs", "0.01,0.1", "--epochs", "30"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["lr", "final", "loss", "status", "iterations"]
    assert out[1].split()[0] == "0.01" and out[1].split()[2:] == ["finished", "30"]
    assert out[2].split()[0] == "0.1" and out[2].split()[2] == "diverged"
    assert out[3].startswith("2/λmax = 0.0529264")
    assert out[4].startswith("diverged from lr = 0.1 (last stable lr = 0.01)")


@pytest.mark.parametrize("args, words", [
    (["--lrs", "1:2"], "lo:hi:count"),
    (["--lrs", "0.1,x"], "Invalid learning rates"),
    (["--lrs", "0.1,-1"], "positive"),
    (["--lr", "0.1"], "--lrs"),
    (["--metric", "accuracy"], "invalid choice"),
    (["--batch-size", "99"], "batch size"),
])
def test_sweep_user_errors_are_one_line_exit_2(args, words):
    code, out, err = run_cli("sweep", "--epochs", "5", *args)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and words in err
