"""The optimizers' numpy-vector form (ARRAY_PARAMS parameters and more, e.g. a network's)
against their float form (a loop over Python floats) and against torch.

Every formula is elementwise, so updating a long vector at once must give, bit for bit,
what updating each parameter alone (a one-element vector: the float form) gives.
"""

from __future__ import annotations

import numpy as np
import pytest

from gdsim.core.optim import ARRAY_PARAMS, OPTIMIZERS, make_optimizer, use_arrays

try:
    import torch
except ImportError:  # pragma: no cover - torch is installed on this machine
    torch = None

N = 40  # parameters: the vector form
assert N >= ARRAY_PARAMS

CONFIGS = [
    ("sgd", {"lr": 0.05}),
    ("sgd", {"momentum": 0.9, "dampening": 0.5}),
    ("sgd", {"momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    ("adagrad", {}),
    ("adagrad", {"lr_decay": 0.01, "weight_decay": 0.01, "initial_accumulator_value": 0.1}),
    ("rmsprop", {}),
    ("rmsprop", {"centered": True, "momentum": 0.5, "weight_decay": 0.01}),
    ("rmsprop", {"centered": True, "alpha": 0.0}),  # √ of pure round-off: NaN in some places
    ("adadelta", {}),
    ("adadelta", {"weight_decay": 0.01, "rho": 0.5}),
    ("adam", {}),
    ("adam", {"amsgrad": True, "weight_decay": 0.01}),
    ("adamw", {}),
    ("adamw", {"amsgrad": True, "betas": (0.5, 0.6)}),
    ("nadam", {}),
    ("nadam", {"weight_decay": 0.01, "momentum_decay": 0.05}),
]
IDS = [f"{name}-{'-'.join(map(str, hyper.values())) or 'default'}" for name, hyper in CONFIGS]


def _inputs(seed: int, steps: int = 25, n: int = N):
    rng = np.random.default_rng(seed)
    params = rng.normal(size=n)
    grads = rng.normal(size=(steps, n)) * 10.0 ** rng.uniform(-3, 1, size=(steps, n))
    grads[:, :3] = grads[0, :3]  # steady components (centered RMSprop: v_t − ḡ_t² ≈ 0)
    lrs = 10.0 ** rng.uniform(-3, -0.5, size=steps)
    return params, grads, lrs


def _states_equal(a, b) -> None:
    assert type(a) is type(b)
    for x, y in zip(a, b):
        if x is None or y is None:
            assert x is None and y is None
        else:
            np.testing.assert_array_equal(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))


def test_the_form_follows_the_length():
    for name, cls in OPTIMIZERS.items():
        opt = cls(momentum=0.5) if name in ("sgd", "rmsprop") else cls()
        long, short = opt.init(np.zeros(ARRAY_PARAMS)), opt.init(np.zeros(ARRAY_PARAMS - 1))
        vectors = [v for v in long[1:] if not isinstance(v, float) and v is not None]
        assert all(type(v) is np.ndarray and v.shape == (ARRAY_PARAMS,) for v in vectors), name
        assert all(type(v) is list for v in short[1:] if not isinstance(v, float) and v is not None), name
        new, _ = opt.update(np.ones(ARRAY_PARAMS), long, np.zeros(ARRAY_PARAMS), 0.1)
        assert type(new) is np.ndarray
        new, _ = opt.update(np.ones(3), opt.init(np.zeros(3)), np.zeros(3), 0.1)
        assert type(new) is list
    assert use_arrays(range(ARRAY_PARAMS)) and not use_arrays(range(ARRAY_PARAMS - 1))


@pytest.mark.parametrize("name,hyper", CONFIGS, ids=IDS)
def test_vector_form_equals_float_form_bit_for_bit(name, hyper):
    opt = make_optimizer(name, **hyper)
    params, grads, lrs = _inputs(7)
    whole, whole_state = params, opt.init(params)
    alone = [[p] for p in params.tolist()]
    alone_states = [opt.init(p) for p in alone]
    for g, lr in zip(grads, lrs):
        whole, whole_state = opt.update(g, whole_state, whole, float(lr))
        for j in range(N):
            alone[j], alone_states[j] = opt.update([float(g[j])], alone_states[j], alone[j], float(lr))
        np.testing.assert_array_equal(whole, [p[0] for p in alone])
    for k, field in enumerate(whole_state):
        if isinstance(field, (int, float)):
            assert all(s[k] == field for s in alone_states)
        elif field is not None:
            np.testing.assert_array_equal(field, [s[k][0] for s in alone_states])
    if (name, hyper.get("alpha")) == ("rmsprop", 0.0):  # NaN where fl(g²) < g², in both forms alike
        assert np.isnan(whole).any() and np.isfinite(whole).any()
    else:
        assert np.isfinite(whole).all()


def test_sgd_vector_form_past_the_fused_multiply_adds_range():
    """SGD's emulated FMA overflows past about 1e300; both forms then round twice, quietly."""
    opt = make_optimizer("sgd", lr=0.5)
    params = np.full(N, 1e305)
    params[::2] = 1.5
    grad = np.full(N, -1e306)
    with np.errstate(all="raise"):
        whole, _ = opt.update(grad, opt.init(params), params, 0.5)
    alone = [opt.update([g], opt.init([p]), [p], 0.5)[0][0] for g, p in zip(grad.tolist(), params.tolist())]
    np.testing.assert_array_equal(whole, alone)
    assert np.isfinite(whole).all()


@pytest.mark.parametrize("name,hyper,later", [
    ("adam", {}, {"amsgrad": True}),
    ("adamw", {}, {"amsgrad": True}),
    ("rmsprop", {}, {"momentum": 0.9, "centered": True}),
    ("sgd", {}, {"momentum": 0.9}),
])
def test_vector_form_takes_a_state_made_with_other_settings(name, hyper, later):
    """A run's hyperparameters change mid-run (set_hyper keeps the state): a buffer torch has
    not made yet (None) starts at zeros, in both forms."""
    first, then = make_optimizer(name, **hyper), make_optimizer(name, **{**hyper, **later})
    params, grads, lrs = _inputs(3, steps=6)
    whole, whole_state = params, first.init(params)
    alone = [[p] for p in params.tolist()]
    alone_states = [first.init(p) for p in alone]
    for k, (g, lr) in enumerate(zip(grads, lrs)):
        opt = first if k < 3 else then
        whole, whole_state = opt.update(g, whole_state, whole, float(lr))
        for j in range(N):
            alone[j], alone_states[j] = opt.update([float(g[j])], alone_states[j], alone[j], float(lr))
        np.testing.assert_array_equal(whole, [p[0] for p in alone])


@pytest.mark.parametrize("name,hyper", CONFIGS, ids=IDS)
def test_vector_form_traces_and_does_not_mutate(name, hyper):
    opt = make_optimizer(name, **hyper)
    params, grads, lrs = _inputs(11, steps=4)
    state = opt.init(params)
    for g, lr in zip(grads, lrs):
        saved = (params.copy(), g.copy(), [s if s is None or isinstance(s, (int, float)) else s.copy()
                                          for s in state])
        plain, plain_state = opt.update(g, state, params, float(lr))
        trace: dict = {}
        new, new_state = opt.update(g, state, params, float(lr), trace=trace)
        np.testing.assert_array_equal(params, saved[0])
        np.testing.assert_array_equal(g, saved[1])
        _states_equal(tuple(saved[2]), tuple(state))
        np.testing.assert_array_equal(new, plain)
        _states_equal(new_state, plain_state)
        assert not np.shares_memory(new, params) and not np.shares_memory(new, g)
        assert set(trace) <= {k for k, _ in opt.equations}
        np.testing.assert_array_equal(trace["params"], new)
        assert all(isinstance(v, float) or (type(v) is np.ndarray and v.shape == (N,)) for v in trace.values())
        params, state = new, new_state


# not alpha = 0: √ of pure round-off, NaN or not with the last bit (see test_optimizers)
TORCH_CONFIGS = [(name, hyper) for name, hyper in CONFIGS if hyper.get("alpha") != 0.0]


@pytest.mark.skipif(torch is None, reason="torch is not installed")
@pytest.mark.parametrize("name,hyper", TORCH_CONFIGS, ids=[IDS[CONFIGS.index(c)] for c in TORCH_CONFIGS])
def test_vector_form_matches_torch(name, hyper):
    params, grads, lrs = _inputs(5)
    classes = {"sgd": "SGD", "adagrad": "Adagrad", "rmsprop": "RMSprop", "adadelta": "Adadelta",
               "adam": "Adam", "adamw": "AdamW", "nadam": "NAdam"}
    default = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)  # NAdam's mu_product has the default dtype
    try:
        p = torch.tensor(params, dtype=torch.float64, requires_grad=True)
        reference = getattr(torch.optim, classes[name])([p], **{"lr": 0.01, **hyper}, foreach=False)
        opt = make_optimizer(name, **hyper)
        ours, state = params, opt.init(params)
        for k, (g, lr) in enumerate(zip(grads, lrs)):
            reference.param_groups[0]["lr"] = float(lr)
            p.grad = torch.tensor(g, dtype=torch.float64)
            reference.step()
            ours, state = opt.update(g, state, ours, float(lr))
            np.testing.assert_allclose(ours, p.detach().numpy(), rtol=1e-9, atol=1e-12, err_msg=f"step {k + 1}")
    finally:
        torch.set_default_dtype(default)
