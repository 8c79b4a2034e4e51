"""gdsim's lerp against torch's CPU lerp, bit for bit.

torch's ``lerp_`` (Adam's and NAdam's ``exp_avg``, centered RMSprop's ``grad_avg``) rounds
once: ATen computes ``fma(w, end − start, start)`` for |w| < 0.5 and
``fma(w − 1, end − start, end)`` otherwise, in its vector loop and in the scalar tail alike.
The states that only lerp writes must therefore equal torch's exactly, whatever the length
(floats below ARRAY_PARAMS, numpy vectors from it on).
"""

from __future__ import annotations

import numpy as np
import pytest

from gdsim.core.optim import ARRAY_PARAMS, lerp, make_optimizer

from torch_optional import needs_torch, torch

SIZES = [1, 2, 3, 5, 8, ARRAY_PARAMS - 1, ARRAY_PARAMS, 100]
# 1 − β₁ and 1 − α of common settings, both branches, and the branch point itself
WEIGHTS = [1 - 0.9, 1 - 0.99, 1 - 0.7, 0.3, 0.49999999999999994, 0.5, 0.7, 1 - 0.05, 1.0, 0.0]


def _vectors(rng, n):
    scale = 10.0 ** rng.uniform(-3, 1, size=(2, n))
    start, end = rng.normal(size=(2, n)) * scale
    end[: n // 3] = start[: n // 3] * (1 + 1e-6 * rng.normal(size=n // 3))  # nearly equal ends
    return start, end


def _gdsim_lerp(start, end, weight):
    """lerp as the optimizers call it: on a numpy vector from ARRAY_PARAMS on, else per float."""
    if len(start) >= ARRAY_PARAMS:
        return lerp(start, end, weight)
    return np.array([lerp(s, e, weight) for s, e in zip(start.tolist(), end.tolist())])


@needs_torch
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("weight", WEIGHTS)
def test_lerp_is_torchs_bit_for_bit(n, weight):
    rng = np.random.default_rng(n)
    for _ in range(max(1, 300 // n)):
        start, end = _vectors(rng, n)
        expected = torch.from_numpy(start.copy()).lerp_(torch.from_numpy(end), weight).numpy()
        np.testing.assert_array_equal(_gdsim_lerp(start, end, weight), expected)


def test_float_and_vector_lerp_agree_bit_for_bit():
    rng = np.random.default_rng(3)
    start, end = _vectors(rng, 3000)
    for weight in WEIGHTS:
        floats = [lerp(s, e, weight) for s, e in zip(start.tolist(), end.tolist())]
        np.testing.assert_array_equal(lerp(start, end, weight), floats)


# the optimizer state that only lerp writes: torch's after 40 steps of the same gradients
LERP_STATES = [
    ("adam", {"betas": (0.9, 0.999)}, "exp_avg"),
    ("adamw", {"betas": (0.3, 0.999), "weight_decay": 0.0}, "exp_avg"),
    ("nadam", {"betas": (0.6, 0.999)}, "exp_avg"),
    ("rmsprop", {"alpha": 0.3, "centered": True, "momentum": 0.9}, "grad_avg"),
    ("rmsprop", {"alpha": 0.99, "centered": True}, "grad_avg"),
]


@needs_torch
@pytest.mark.parametrize("n", [3, 40])
@pytest.mark.parametrize("name,hyper,key", LERP_STATES, ids=[f"{c[0]}-{c[2]}-{i}" for i, c in enumerate(LERP_STATES)])
def test_optimizer_lerp_state_is_torchs_bit_for_bit(name, hyper, key, n):
    rng = np.random.default_rng(11)
    params = rng.normal(size=n)
    grads = rng.normal(size=(40, n)) * 10.0 ** rng.uniform(-3, 1, size=(40, 1))
    default = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)  # NAdam's mu_product has the default dtype
    try:
        p = torch.tensor(params, dtype=torch.float64, requires_grad=True)
        classes = {"adam": "Adam", "adamw": "AdamW", "nadam": "NAdam", "rmsprop": "RMSprop"}
        reference = getattr(torch.optim, classes[name])([p], lr=0.01, foreach=False, **hyper)
        opt = make_optimizer(name, **hyper)
        ours, state = params, opt.init(params)
        for k, g in enumerate(grads):
            p.grad = torch.tensor(g, dtype=torch.float64)
            reference.step()
            ours, state = opt.update(g, state, ours, 0.01)
            np.testing.assert_array_equal(np.asarray(getattr(state, key)), reference.state[p][key].numpy(),
                                          err_msg=f"{key} after step {k + 1}")
    finally:
        torch.set_default_dtype(default)
