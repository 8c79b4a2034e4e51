"""Toy presets (gdsim.core.toy_data), --rows/--noise/--data-seed, --save-data and --features."""

from __future__ import annotations

import json

import numpy as np
import pytest

from gdsim.api import train
from gdsim.cli import main
from gdsim.core.csvio import read_csv
from gdsim.core.dataset import DataError
from gdsim.core.feature_maps import apply_features, map_features, parse_features
from gdsim.core.presets import generator_parameters, get_preset, load_preset
from gdsim.core.toy_data import TOY_GENERATORS

CLASSES = {"xor": 2, "circles": 2, "moons": 2, "spiral": 2, "spiral3": 3}


@pytest.mark.parametrize("name", list(TOY_GENERATORS))
def test_generators_are_seeded_and_shaped(name):
    a = load_preset(name, n=61, noise=0.2, seed=4)
    assert a.name == name and a.n_rows == 61 and get_preset(name).kind == "generator"
    assert a.equals(load_preset(name, n=61, noise=0.2, seed=4))
    assert not a.equals(load_preset(name, n=61, noise=0.2, seed=5))
    assert set(generator_parameters(name)) == {"n", "noise", "seed"}
    assert np.array_equal(a.values, np.round(a.values, 3))
    if name == "sine":
        assert a.columns == ("x", "y") and np.all(np.diff(a.X[:, 0]) >= 0)
        assert np.abs(a.X).max() <= np.pi
    else:
        k = CLASSES[name]
        assert a.columns == ("x1", "x2", "label")
        assert np.array_equal(a.y, np.arange(61) % k)  # labels cycle, so any run of rows is balanced
        assert np.abs(a.X).max() < 2.0


@pytest.mark.parametrize("name", ["xor", "circles", "spiral"])
def test_noise_zero_gives_the_clean_shape(name):
    d = load_preset(name, n=200, noise=0.0)
    x1, x2 = d.X.T
    r = np.hypot(x1, x2)
    if name == "xor":
        assert np.array_equal(d.y, (x1 * x2 > 0).astype(float))
    elif name == "circles":
        assert r[d.y == 1].max() <= 0.5 and r[d.y == 0].min() >= 0.7 - 1e-3
    else:
        assert r.max() <= 1.0 + 1e-3


@pytest.mark.parametrize("kwargs,message", [
    (dict(n=0), "at least 1"),
    (dict(n=2.5), "whole number"),
    (dict(noise=-0.1), "at least 0"),
    (dict(noise="loud"), "must be a number"),
])
def test_bad_generator_parameters(kwargs, message):
    with pytest.raises(DataError, match=message):
        load_preset("moons", **kwargs)


def test_rows_noise_and_data_seed_options_reach_the_generator():
    result = train(preset="spiral", rows=50, noise=0.0, data_seed=3, model="mlp", epochs=1)
    assert result.history.params.shape[1] == len(result.params)
    assert train(preset="spiral", rows=50, noise=0.0, data_seed=3, model="mlp", epochs=1).loss == result.loss
    assert train(preset="spiral", rows=50, noise=0.0, data_seed=4, model="mlp", epochs=1).loss != result.loss


def test_save_data_writes_the_loaded_table_before_maps_and_standardisation(tmp_path):
    path = tmp_path / "spiral.csv"
    assert main(["train", "--preset", "spiral", "--rows", "30", "--data-seed", "2", "--model", "mlp",
                 "--features", "x1,x2,x1*x2", "--standardize", "--epochs", "2", "--save-data", str(path)]) == 0
    saved = read_csv(path)
    assert saved.equals(load_preset("spiral", n=30, seed=2))
    assert path.read_text().splitlines()[0] == "x1,x2,label"


def test_save_data_puts_the_target_last(tmp_path):
    source = tmp_path / "t.csv"
    source.write_text("y,a,b\n1,2,3\n4,5,7\n6,8,9\n")
    out = tmp_path / "out.csv"
    assert main(["train", "--data", str(source), "--target", "y", "--epochs", "1", "--save-data", str(out)]) == 0
    assert out.read_text() == "a,b,y\n2,3,1\n5,7,4\n8,9,6\n"


def test_save_data_refused_for_a_test_function(capsys, tmp_path):
    assert main(["train", "--function", "bowl", "--save-data", str(tmp_path / "x.csv")]) == 2
    assert "--save-data needs a dataset" in capsys.readouterr().err


# --- feature maps -----------------------------------------------------------------------------
def test_feature_terms():
    X = np.array([[1.0, 2.0], [-0.5, 3.0]])
    terms = parse_features("x1, x2,x1^2,x2^2,x1*x2,sin(x1),sin(x2)")
    assert terms == ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")
    mapped = map_features(X, terms)
    x1, x2 = X.T
    np.testing.assert_array_equal(mapped, np.column_stack([x1, x2, x1 * x1, x2 * x2, x1 * x2, np.sin(x1), np.sin(x2)]))


@pytest.mark.parametrize("text,message", [
    ("x1,x1", "given twice"), ("x0", "Unknown feature"), ("cos(x1)", "Unknown feature"), (" , ", "at least one"),
])
def test_bad_feature_terms(text, message):
    with pytest.raises(ValueError, match=message):
        parse_features(text)


def test_feature_beyond_the_data_is_one_sentence(capsys):
    assert main(["train", "--preset", "sine", "--features", "x1,x2"]) == 2
    assert "Feature 'x2' needs a second feature column, but the data has 1." in capsys.readouterr().err


def test_apply_features_keeps_the_target():
    d = load_preset("circles", n=10)
    mapped = apply_features(d, ("x1^2", "x2^2"))
    assert mapped.columns == ("x1^2", "x2^2", "label") and mapped.target == "label"
    np.testing.assert_array_equal(mapped.y, d.y)
    assert apply_features(d, None) is d


def test_logistic_regression_on_squares_separates_circles(capsys):
    assert main(["train", "--preset", "circles", "--model", "logistic", "--features", "x1^2,x2^2",
                 "--optimizer", "adam", "--lr", "0.1", "--epochs", "300", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["parameter_names"] == ["w1", "w2", "b"]
    assert summary["accuracy"] >= 0.95
    # without the maps a line cannot separate a disc from a ring
    plain = train(preset="circles", model="logistic", optimizer="adam", lr=0.1, epochs=300)
    assert plain.accuracy < 0.8
