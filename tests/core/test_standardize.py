import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from gdsim.core.dataset import DataError
from gdsim.core.standardize import Standardizer

X = np.array([[2.0, 0.0], [4.0, 1.0], [6.0, 1.0], [8.0, 0.0]])


def test_fit_population_std():
    s = Standardizer.fit(X)
    np.testing.assert_array_equal(s.mean, [5.0, 0.5])
    np.testing.assert_allclose(s.std, [np.sqrt(5.0), 0.5], rtol=0, atol=1e-15)
    assert s.n_features == 2
    assert not s.mean.flags.writeable and not s.std.flags.writeable


def test_transform_and_inverse():
    s = Standardizer.fit(X)
    Z = s.transform(X)
    np.testing.assert_allclose(Z.mean(axis=0), 0, atol=1e-15)
    np.testing.assert_allclose(Z.std(axis=0), 1, atol=1e-15)
    np.testing.assert_allclose(Z[:, 1], [-1, 1, 1, -1])
    np.testing.assert_allclose(s.inverse_transform(Z), X, atol=1e-14)
    np.testing.assert_allclose(s.transform([5.0, 1.0]), [0.0, 1.0])


def test_params_mapping_exact_values():
    s = Standardizer(np.array([5.0, 0.5]), np.array([2.0, 0.5]))
    theta = np.array([4.0, 1.0, 3.0])
    orig = s.params_to_original(theta)
    # w = [4/2, 1/0.5] = [2, 2]; b = 3 - (2*5 + 2*0.5) = -8
    np.testing.assert_array_equal(orig, [2.0, 2.0, -8.0])
    np.testing.assert_array_equal(s.params_from_original(orig), theta)


def test_params_mapping_on_a_trajectory():
    s = Standardizer.fit(X)
    thetas = np.arange(12, dtype=float).reshape(4, 3)
    orig = s.params_to_original(thetas)
    assert orig.shape == (4, 3)
    for k in range(4):
        np.testing.assert_array_equal(orig[k], s.params_to_original(thetas[k]))


def test_predictions_agree_in_both_units():
    s = Standardizer.fit(X)
    theta = np.array([0.7, -1.3, 0.25])
    orig = s.params_to_original(theta)
    np.testing.assert_allclose(s.transform(X) @ theta[:-1] + theta[-1], X @ orig[:-1] + orig[-1], atol=1e-12)


@pytest.mark.parametrize("col, names, message", [
    (np.full(4, 3.0), ["x", "size"], "Column 'size' is constant, so it cannot be standardised."),
    (np.zeros(4), None, "Column 'x2' is constant, so it cannot be standardised."),
    (np.full(4, 0.1), ["a", "b"], "Column 'b' is constant, so it cannot be standardised."),
])
def test_constant_column(col, names, message):
    data = np.column_stack([X[:, 0], col])
    with pytest.raises(DataError) as e:
        Standardizer.fit(data, names)
    assert str(e.value) == message


def test_single_row_is_constant():
    with pytest.raises(DataError) as e:
        Standardizer.fit(np.array([[1.0, 2.0]]), ["x", "z"])
    assert str(e.value) == "Column 'x' is constant, so it cannot be standardised."


def test_shape_errors():
    s = Standardizer.fit(X)
    with pytest.raises(DataError) as e:
        s.params_to_original([1.0, 2.0])
    assert str(e.value) == "Expected 3 parameters (w1..w2, b), got an array of shape (2,)."
    with pytest.raises(DataError) as e:
        s.transform(np.ones((3, 3)))
    assert str(e.value) == "Expected 2 feature column(s), got an array of shape (3, 3)."
    with pytest.raises(DataError):
        Standardizer.fit(np.ones(3))
    with pytest.raises(DataError):
        Standardizer.fit(X, ["only-one-name"])
    with pytest.raises(DataError):
        Standardizer(np.array([1.0]), np.array([0.0]))


_finite = st.floats(-1e6, 1e6, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(hnp.arrays(np.float64, st.tuples(st.integers(2, 8), st.integers(1, 3)), elements=_finite),
       hnp.arrays(np.float64, 4, elements=st.floats(-100, 100)))
def test_round_trip_property(data, theta_all):
    try:
        s = Standardizer.fit(data)
    except DataError:
        return
    theta = theta_all[: data.shape[1] + 1]
    back = s.params_from_original(s.params_to_original(theta))
    np.testing.assert_allclose(back, theta, rtol=1e-9, atol=1e-9 * (1 + np.abs(s.mean).max() / s.std.min()))
