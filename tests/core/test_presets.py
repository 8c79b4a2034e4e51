import sys
from pathlib import Path

import numpy as np
import pytest

from gdsim import _resources
from gdsim._resources import resource_path
from gdsim.core import presets
from gdsim.core.dataset import DataError
from gdsim.core.presets import (DEFAULT_PRESET, PRESETS, large_synthetic, list_presets, load_preset,
                                noisy_line, two_classes)

REPO_RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def test_catalogue():
    assert [p.id for p in list_presets()] == [
        "lecture-2x", "lecture-3x", "lecture-half-x-minus-2.5", "lecture-3x-plus-2", "insurance",
        "noisy-line", "two-classes", "large-synthetic", "xor", "circles", "moons", "spiral", "spiral3", "sine",
    ]
    assert list_presets() is PRESETS
    assert DEFAULT_PRESET == "lecture-3x-plus-2"
    by_id = {p.id: p for p in PRESETS}
    assert by_id["lecture-2x"].title == "y = 2x"
    assert {p.id for p in PRESETS if p.kind == "table"} == {
        "lecture-2x", "lecture-3x", "lecture-half-x-minus-2.5", "lecture-3x-plus-2", "insurance"}
    assert {p.id for p in PRESETS if p.model == "logistic"} == {"insurance", "two-classes", "large-synthetic"}
    assert {p.id for p in PRESETS if p.model == "mlp"} == {"xor", "circles", "moons", "spiral", "spiral3", "sine"}
    assert all(p.model in ("linear", "logistic", "mlp") and p.kind in ("table", "generator") for p in PRESETS)
    assert all(p.title and p.description for p in PRESETS)


@pytest.mark.parametrize("pid, ys", [
    ("lecture-2x", [4, 6, 8, 10, 12]),
    ("lecture-3x", [6, 9, 12, 15, 18]),
    ("lecture-half-x-minus-2.5", [-1.5, -1, -0.5, 0, 0.5]),
    ("lecture-3x-plus-2", [8, 11, 14, 17, 20]),
])
def test_lecture_lines(pid, ys):
    d = load_preset(pid)
    assert d.name == pid and d.columns == ("x", "y") and d.target == "y"
    np.testing.assert_array_equal(d.X[:, 0], [2, 3, 4, 5, 6])
    np.testing.assert_array_equal(d.y, ys)


def test_insurance_table():
    d = load_preset("insurance")
    assert d.columns == ("Age", "Have_Car", "Have_Insurance") and d.target == "Have_Insurance"
    np.testing.assert_array_equal(d.column("Age"), [21, 48, 28, 19, 56, 65, 32, 24, 43, 22, 53])
    np.testing.assert_array_equal(d.column("Have_Car"), [0, 1, 0, 0, 1, 1, 1, 0, 1, 0, 1])
    np.testing.assert_array_equal(d.y, [0, 1, 0, 0, 1, 1, 0, 1, 0, 0, 1])


def test_unknown_preset_and_parameters():
    with pytest.raises(DataError) as e:
        load_preset("nope")
    assert str(e.value) == (
        "There is no preset 'nope'; the presets are lecture-2x, lecture-3x, lecture-half-x-minus-2.5, "
        "lecture-3x-plus-2, insurance, noisy-line, two-classes, large-synthetic, xor, circles, moons, spiral, "
        "spiral3, sine.")
    with pytest.raises(DataError) as e:
        load_preset("lecture-2x", n=3)
    assert str(e.value) == "Preset 'lecture-2x' is a fixed table and takes no parameters."
    with pytest.raises(DataError) as e:
        load_preset("noisy-line", slop=2)
    assert str(e.value) == ("Preset 'noisy-line' has no parameter 'slop'; "
                            "its parameters are n, slope, intercept, noise, seed, x_range.")


def test_generator_parameters():
    assert presets.generator_parameters("two-classes") == {"n": 100, "separation": 2.0, "seed": 0}
    assert presets.generator_parameters("insurance") == {}


def test_noisy_line():
    a = noisy_line()
    assert a.columns == ("x", "y") and a.n_rows == 50 and a.name == "noisy-line"
    assert a.equals(noisy_line(seed=0)) and not a.equals(noisy_line(seed=1))
    x, y = a.X[:, 0], a.y
    assert np.all(np.diff(x) >= 0) and x.min() >= 0 and x.max() <= 10
    slope, intercept = np.polyfit(x, y, 1)
    assert abs(slope - 3) < 0.3 and abs(intercept - 2) < 1.5
    exact = noisy_line(n=20, slope=-1, intercept=4, noise=0, x_range=(1, 2))
    np.testing.assert_allclose(exact.y, np.round(4 - exact.X[:, 0], 3), atol=1.1e-3)
    assert load_preset("noisy-line", n=7, seed=3).equals(noisy_line(n=7, seed=3))
    assert load_preset("noisy-line", n=7, seed=3).name == "noisy-line"


@pytest.mark.parametrize("kw, message", [
    ({"n": 0}, "The number of rows must be a whole number of at least 1, not 0."),
    ({"n": 2.5}, "The number of rows must be a whole number of at least 1, not 2.5."),
    ({"noise": -1}, "The noise level must not be negative, not -1.0."),
    ({"x_range": (3, 3)}, "The x range must go from a lower to a higher finite number, not (3, 3)."),
    ({"slope": "steep"}, "The slope must be a number, not 'steep'."),
])
def test_noisy_line_errors(kw, message):
    with pytest.raises(DataError) as e:
        noisy_line(**kw)
    assert str(e.value) == message


def test_two_classes():
    d = two_classes()
    assert d.columns == ("x1", "x2", "label") and d.target == "label" and d.n_rows == 100
    assert d.equals(two_classes()) and not d.equals(two_classes(seed=5))
    assert set(np.unique(d.y)) == {0.0, 1.0} and d.y.sum() == 50
    # a simple linear rule separates most points
    pred = (d.X.sum(axis=1) > 0).astype(float)
    assert (pred == d.y).mean() > 0.85
    assert two_classes(n=3).y.tolist() == [0.0, 1.0, 0.0]
    with pytest.raises(DataError):
        two_classes(separation=-1)


@pytest.mark.parametrize("model", ["logistic", "linear"])
def test_large_synthetic(model):
    d = large_synthetic(model=model)
    assert d.columns == ("x1", "x2", "y") and d.n_rows == 1_000_000 and d.name == "large-synthetic"
    assert d.values.nbytes == 24_000_000
    small = large_synthetic(n=1000, seed=4, model=model)
    assert small.equals(large_synthetic(n=1000, seed=4, model=model))
    if model == "logistic":
        assert set(np.unique(d.y)) == {0.0, 1.0}
        assert 0.5 < d.y.mean() < 0.7
    else:
        coef, *_ = np.linalg.lstsq(np.column_stack([d.X, np.ones(d.n_rows)]), d.y, rcond=None)
        np.testing.assert_allclose(coef, [1.5, -2.0, 0.5], atol=0.01)
    with pytest.raises(DataError) as e:
        large_synthetic(n=10, model="cubic")
    assert str(e.value) == "The model must be 'linear' or 'logistic', not 'cubic'."


# --- resource_path -------------------------------------------------------------------

def test_resource_path_finds_presets():
    p = resource_path("presets/insurance.csv")
    assert p.is_file() and p.read_text().startswith("Age,Have_Car,Have_Insurance")


def test_resource_path_source_checkout_fallback(monkeypatch):
    monkeypatch.setattr(_resources, "_installed_root", lambda: None)
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    assert resource_path("presets/lecture-2x.csv") == REPO_RESOURCES / "presets" / "lecture-2x.csv"


def test_resource_path_pyinstaller_bundle(tmp_path, monkeypatch):
    bundled = tmp_path / "gdsim" / "resources" / "presets"
    bundled.mkdir(parents=True)
    (bundled / "lecture-2x.csv").write_text("x,y\n1,2\n")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resource_path("presets/lecture-2x.csv") == bundled / "lecture-2x.csv"
    assert load_preset("lecture-2x").n_rows == 1
    # files missing from the bundle are still found in later roots
    assert resource_path("presets/insurance.csv").is_file()


def test_resource_path_errors():
    with pytest.raises(FileNotFoundError):
        resource_path("presets/no-such.csv")
    with pytest.raises(ValueError):
        resource_path("../pyproject.toml")
    with pytest.raises(ValueError):
        resource_path("/etc/passwd")


# --- row counts of the generators (--rows, issue 13 §3.13) -----------------------------------

@pytest.mark.parametrize("pid", ["noisy-line", "two-classes", "large-synthetic"])
def test_generators_take_a_row_count(pid):
    assert presets.default_rows(pid) == load_preset(pid).n_rows if pid != "large-synthetic" \
        else presets.default_rows(pid) == 1_000_000
    d = load_preset(pid, rows=37)
    assert d.n_rows == 37 and d.name == pid
    assert d.equals(load_preset(pid, n=37))


def test_row_count_errors():
    assert presets.default_rows("insurance") is None
    with pytest.raises(DataError, match="fixed table; a number of rows applies to the generated presets"):
        load_preset("insurance", rows=20)
    with pytest.raises(DataError, match="at most 10,000,000"):
        load_preset("noisy-line", rows=presets.MAX_ROWS + 1)
    with pytest.raises(DataError, match="at least 1"):
        load_preset("two-classes", rows=0)
    with pytest.raises(DataError, match="once"):
        load_preset("noisy-line", rows=3, n=3)


def test_the_lectures_ten_thousand_rows_in_batches_of_500(capsys):
    """`gdsim train --preset noisy-line --rows 10000 --batch-size 500 --epochs 1 --json`: 20 iterations."""
    import json

    from gdsim.cli import main

    assert main(["train", "--preset", "noisy-line", "--rows", "10000", "--batch-size", "500",
                 "--epochs", "1", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["iterations_per_epoch"] == 20 and summary["iterations"] == 20


@pytest.mark.parametrize("args, needle", [
    (["--preset", "lecture-2x", "--rows", "10"], "fixed table"),
    (["--data", "x.csv", "--rows", "10"], "--rows applies to a generated preset"),
    (["--preset", "noisy-line", "--rows", "-3"], "at least 1"),
])
def test_rows_errors_on_the_command_line(args, needle, capsys):
    from gdsim.cli import main

    assert main(["train", *args]) == 2
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1


def test_rows_in_the_python_api():
    import gdsim.api

    result = gdsim.api.train(preset="two-classes", rows=40, batch_size=10, epochs=1)
    assert result.iterations_per_epoch == 4
