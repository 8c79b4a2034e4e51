"""gdsim.core.optim against torch.optim: stored float64 trajectories plus live runs.

The stored reference (tests/data/torch_reference.npz, made by
scripts/make_torch_reference.py) always runs; the live comparisons run
whenever torch is importable (it is a declared optional dependency and is
installed on the development machines, so they are skipped only elsewhere).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import inspect
import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdsim.core.optim import (
    OPTIMIZERS,
    HyperParam,
    hyperparams,
    make_optimizer,
    torch_class_name,
)

from torch_optional import needs_torch, torch

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "tests" / "data" / "torch_reference.npz"
RTOL, ATOL = 1e-10, 1e-12


def _load_script():
    spec = importlib.util.spec_from_file_location(
        "make_torch_reference", ROOT / "scripts" / "make_torch_reference.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


script = _load_script()
_ref = np.load(REFERENCE)
REF = {k: _ref[k] for k in _ref.files}
CASES = json.loads(str(REF["cases_json"]))
X, Y = REF["data/X"], REF["data/y"]


# -- helpers --------------------------------------------------------------------------


def numpy_grad(problem: str, theta: np.ndarray) -> np.ndarray:
    """Gradient of the script's objectives, computed with numpy."""
    z = X @ theta[:2] + theta[2]
    if problem == "linear":
        r = 2.0 * (z - Y) / len(Y)
    else:
        r = (1.0 / (1.0 + np.exp(-z)) - script.labels(Y)) / len(Y)
    return np.concatenate([X.T @ r, [r.sum()]])


def schedule_of(case):
    from gdsim.core.schedules import make_schedule

    return make_schedule(**case["schedule"]) if case["schedule"] else None


def replay(case, grads=None, n_steps=None, trace=False):
    """Run gdsim on a case: with the stored gradients, or its own numpy gradient."""
    opt = make_optimizer(case["optimizer"], **case["hyper"])
    sched = schedule_of(case)
    params = np.array(script.INITIAL_PARAMS, dtype=np.float64)
    state = opt.init(params)
    lr = opt.lr
    out, lrs = [params], []
    n = len(grads) if grads is not None else n_steps
    for k in range(n):
        g = grads[k] if grads is not None else numpy_grad(case["problem"], params)
        lrs.append(lr)
        params, state = opt.update(g, state, params, lr, trace={} if trace else None)
        if sched is not None:
            lr = sched.next_lr(k + 1, lr, opt.lr)
        out.append(params)
    return np.array(out), np.array(lrs)


# -- stored reference -----------------------------------------------------------------


def test_reference_covers_every_optimizer():
    assert {c["optimizer"] for c in CASES} == set(OPTIMIZERS)
    assert len(CASES) >= 14
    assert REFERENCE.stat().st_size < 1_000_000


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_replay_matches_stored_torch_trajectory(case):
    ref_params = REF[f"{case['name']}/params"]
    grads = REF[f"{case['name']}/grads"]
    np.testing.assert_array_equal(ref_params[0], script.INITIAL_PARAMS)
    params, lrs = replay(case, grads=grads)
    np.testing.assert_allclose(lrs, REF[f"{case['name']}/lrs"], rtol=1e-13, atol=0)
    for k in range(1, len(ref_params)):
        np.testing.assert_allclose(
            params[k], ref_params[k], rtol=RTOL, atol=ATOL, err_msg=f"{case['name']} step {k}"
        )
    # the run moved somewhere: a broken optimizer that does nothing cannot pass
    assert np.max(np.abs(ref_params[-1] - ref_params[0])) > 0.05


# -- live torch -----------------------------------------------------------------------


@needs_torch
@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_live_matches_torch_with_own_gradient(case):
    """torch (autograd) and gdsim (numpy gradient) side by side for 150 steps."""
    ref_params, ref_grads, _ = script.run_torch_case(case, X, Y)
    params, _ = replay(case, n_steps=len(ref_grads))
    np.testing.assert_allclose(
        numpy_grad(case["problem"], ref_params[0]), ref_grads[0], rtol=1e-12, atol=1e-14
    )
    for k in range(1, len(ref_params)):
        np.testing.assert_allclose(
            params[k], ref_params[k], rtol=RTOL, atol=ATOL, err_msg=f"{case['name']} step {k}"
        )


def _torch_run(name, hyper, params0, grads, lrs):
    with script.float64_default():
        p = torch.tensor(params0, dtype=torch.float64, requires_grad=True)
        opt = script.torch_optimizer(name, [p], hyper)
        out = []
        for g, lr in zip(grads, lrs):
            opt.param_groups[0]["lr"] = lr
            p.grad = torch.tensor(g, dtype=torch.float64)
            opt.step()
            out.append(p.detach().clone().numpy())
    return np.array(out)


_unit = st.floats(0.0, 0.999)
HYPER_STRATEGIES = {
    "sgd": st.fixed_dictionaries(
        {"momentum": _unit, "dampening": st.floats(0.0, 1.0), "weight_decay": st.floats(0.0, 0.5)}
    ),
    "adagrad": st.fixed_dictionaries(
        {"lr_decay": st.floats(0.0, 0.5), "weight_decay": st.floats(0.0, 0.5),
         "initial_accumulator_value": st.floats(0.0, 2.0), "eps": st.floats(1e-12, 1e-2)}
    ),
    # alpha >= 0.05: with alpha = 0 a centered RMSprop divides by the square root of pure
    # round-off (v_t − ḡ_t² = g² − g²), NaN or not depending on the last bit of g, which
    # torch's fused multiply-adds round differently (see gdsim.core.optim.base).
    "rmsprop": st.fixed_dictionaries(
        {"alpha": st.floats(0.05, 0.999), "eps": st.floats(1e-10, 1e-2), "weight_decay": st.floats(0.0, 0.5),
         "momentum": _unit, "centered": st.booleans()}
    ),
    "adadelta": st.fixed_dictionaries(
        {"rho": st.floats(0.0, 1.0), "eps": st.floats(1e-9, 1e-2), "weight_decay": st.floats(0.0, 0.5)}
    ),
    "adam": st.fixed_dictionaries(
        {"betas": st.tuples(_unit, _unit), "eps": st.floats(1e-10, 1e-2),
         "weight_decay": st.floats(0.0, 0.5), "amsgrad": st.booleans()}
    ),
    "adamw": st.fixed_dictionaries(
        {"betas": st.tuples(_unit, _unit), "eps": st.floats(1e-10, 1e-2),
         "weight_decay": st.floats(0.0, 0.5), "amsgrad": st.booleans()}
    ),
    "nadam": st.fixed_dictionaries(
        {"betas": st.tuples(_unit, _unit), "eps": st.floats(1e-10, 1e-2),
         "weight_decay": st.floats(0.0, 0.5), "momentum_decay": st.floats(0.0, 0.1)}
    ),
}


@needs_torch
@pytest.mark.parametrize("name", list(OPTIMIZERS))
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_live_random_hyperparameters_and_gradients(name, data):
    """Random hyperparameters, gradients and per-step learning rates, 30 steps."""
    hyper = data.draw(HYPER_STRATEGIES[name], label="hyper")
    if name == "sgd":
        hyper["nesterov"] = data.draw(st.booleans()) and hyper["momentum"] > 0
        if hyper["nesterov"]:
            hyper["dampening"] = 0.0
    seed = data.draw(st.integers(0, 2**32 - 1), label="seed")
    rng = np.random.default_rng(seed)
    n = 30
    params0 = rng.normal(size=4)
    grads = rng.normal(size=(n, 4)) * 10.0 ** rng.uniform(-3, 1, size=(n, 1))
    lrs = 10.0 ** rng.uniform(-3, -0.5, size=n)
    expected = _torch_run(name, hyper, params0, grads, lrs)
    opt = make_optimizer(name, **hyper)
    params, state = params0.copy(), opt.init(params0)
    for k in range(n):
        params, state = opt.update(grads[k], state, params, float(lrs[k]))
        np.testing.assert_allclose(params, expected[k], rtol=1e-9, atol=1e-12, err_msg=f"step {k + 1}")


# -- validation -------------------------------------------------------------------------

INVALID = [
    ("sgd", {"lr": -1.0}, "Invalid learning rate: -1.0"),
    ("sgd", {"momentum": -0.5}, "Invalid momentum value: -0.5"),
    ("sgd", {"weight_decay": -0.1}, "Invalid weight_decay value: -0.1"),
    ("sgd", {"nesterov": True}, "Nesterov momentum requires a momentum and zero dampening"),
    ("sgd", {"nesterov": True, "momentum": 0.9, "dampening": 0.1},
     "Nesterov momentum requires a momentum and zero dampening"),
    ("adagrad", {"lr": -0.1}, "Invalid learning rate: -0.1"),
    ("adagrad", {"lr_decay": -1.0}, "Invalid lr_decay value: -1.0"),
    ("adagrad", {"weight_decay": -1.0}, "Invalid weight_decay value: -1.0"),
    ("adagrad", {"initial_accumulator_value": -1.0}, "Invalid initial_accumulator_value value: -1.0"),
    ("adagrad", {"eps": -1e-10}, "Invalid epsilon value: -1e-10"),
    ("rmsprop", {"lr": -0.01}, "Invalid learning rate: -0.01"),
    ("rmsprop", {"eps": -1.0}, "Invalid epsilon value: -1.0"),
    ("rmsprop", {"momentum": -0.9}, "Invalid momentum value: -0.9"),
    ("rmsprop", {"weight_decay": -1.0}, "Invalid weight_decay value: -1.0"),
    ("rmsprop", {"alpha": -0.99}, "Invalid alpha value: -0.99"),
    ("adadelta", {"lr": -1.0}, "Invalid learning rate: -1.0"),
    ("adadelta", {"rho": 1.5}, "Invalid rho value: 1.5"),
    ("adadelta", {"rho": -0.1}, "Invalid rho value: -0.1"),
    ("adadelta", {"eps": -1e-6}, "Invalid epsilon value: -1e-06"),
    ("adadelta", {"weight_decay": -1.0}, "Invalid weight_decay value: -1.0"),
    ("adam", {"lr": -0.001}, "Invalid learning rate: -0.001"),
    ("adam", {"eps": -1e-8}, "Invalid epsilon value: -1e-08"),
    ("adam", {"betas": (1.0, 0.999)}, "Invalid beta parameter at index 0: 1.0"),
    ("adam", {"betas": (0.9, -0.1)}, "Invalid beta parameter at index 1: -0.1"),
    ("adam", {"weight_decay": -0.01}, "Invalid weight_decay value: -0.01"),
    ("adamw", {"betas": (-0.5, 0.999)}, "Invalid beta parameter at index 0: -0.5"),
    ("adamw", {"weight_decay": -0.01}, "Invalid weight_decay value: -0.01"),
    ("nadam", {"lr": -1.0}, "Invalid learning rate: -1.0"),
    ("nadam", {"betas": (0.9, 1.0)}, "Invalid beta parameter at index 1: 1.0"),
    ("nadam", {"weight_decay": -1.0}, "Invalid weight_decay value: -1.0"),
    ("nadam", {"momentum_decay": -0.004}, "Invalid momentum_decay value: -0.004"),
    ("nadam", {"eps": -1.0}, "Invalid epsilon value: -1.0"),
]


@pytest.mark.parametrize("name,hyper,message", INVALID)
def test_invalid_hyperparameter_message(name, hyper, message):
    with pytest.raises(ValueError) as info:
        make_optimizer(name, **hyper)
    assert str(info.value) == message


@needs_torch
@pytest.mark.parametrize("name,hyper,message", INVALID)
def test_invalid_hyperparameter_message_is_torchs(name, hyper, message):
    p = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    with pytest.raises(ValueError) as torch_info:
        script.torch_optimizer(name, [p], hyper)
    assert str(torch_info.value) == message
    with pytest.raises(ValueError) as ours:
        make_optimizer(name, **hyper)
    assert str(ours.value) == str(torch_info.value)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_values_are_refused(name, bad):
    for hp in hyperparams(name):
        if hp.kind == "float":
            with pytest.raises(ValueError, match="Invalid|must be"):
                make_optimizer(name, **{hp.name: bad})
        elif hp.kind == "pair":
            with pytest.raises(ValueError, match=r"Invalid beta parameter at index 0: (nan|inf|-inf)"):
                make_optimizer(name, **{hp.name: (bad, 0.9)})


def test_lr_zero_is_allowed_like_torch():
    for name in OPTIMIZERS:
        assert make_optimizer(name, lr=0).lr == 0.0


def test_bad_types_and_shapes_refused():
    with pytest.raises(ValueError, match="betas must be a pair"):
        make_optimizer("adam", betas=(0.9,))
    with pytest.raises(ValueError, match="betas must be a pair"):
        make_optimizer("adam", betas=0.9)
    with pytest.raises(ValueError, match="amsgrad must be True or False"):
        make_optimizer("adam", amsgrad="yes")
    with pytest.raises(ValueError, match="Invalid learning rate: fast"):
        make_optimizer("sgd", lr="fast")
    with pytest.raises(ValueError, match="1-D"):
        make_optimizer("sgd").init(np.zeros((2, 2)))


def test_unknown_optimizer_and_hyperparameter():
    with pytest.raises(ValueError) as info:
        make_optimizer("x")
    assert str(info.value) == (
        "Unknown optimizer 'x'; choose one of: sgd, adagrad, rmsprop, adadelta, adam, adamw, nadam"
    )
    with pytest.raises(ValueError, match="Unknown optimizer"):
        hyperparams("lbfgs")
    with pytest.raises(ValueError) as info:
        make_optimizer("adam", momentum=0.9)
    msg = str(info.value)
    assert "'momentum'" in msg and "lr, betas, eps, weight_decay, amsgrad" in msg


# -- registry, defaults, metadata ---------------------------------------------------------


def test_registry_order_and_torch_names():
    assert list(OPTIMIZERS) == ["sgd", "adagrad", "rmsprop", "adadelta", "adam", "adamw", "nadam"]
    assert [torch_class_name(n) for n in OPTIMIZERS] == [
        "SGD", "Adagrad", "RMSprop", "Adadelta", "Adam", "AdamW", "NAdam"
    ]


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_hyperparams_describe_the_dataclass(name):
    cls = OPTIMIZERS[name]
    hps = hyperparams(name)
    assert all(isinstance(h, HyperParam) for h in hps)
    fields = dataclasses.fields(cls)
    assert [h.name for h in hps] == [f.name for f in fields]
    default = make_optimizer(name)
    for h in hps:
        assert h.kind in ("float", "bool", "pair")
        assert h.default == getattr(default, h.name)
        assert h.doc and "\n" not in h.doc
        if h.minimum is not None and h.maximum is not None:
            assert h.minimum < h.maximum
    by_name = {h.name: h for h in hps}
    assert by_name["lr"].log_scale and by_name["lr"].minimum == 0.0
    if "eps" in by_name:
        assert by_name["eps"].log_scale
    assert default.lr == (1.0 if name == "adadelta" else 0.01)
    assert cls.__doc__ and "θ" in cls.__doc__


@needs_torch
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_defaults_are_torchs_except_lr(name):
    torch_cls = getattr(torch.optim, torch_class_name(name))
    sig = inspect.signature(torch_cls.__init__)
    for h in hyperparams(name):
        if h.name == "lr":
            continue
        torch_default = sig.parameters[h.name].default
        assert h.default == (tuple(torch_default) if h.kind == "pair" else torch_default), h.name


# -- purity and tracing --------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_trace_does_not_change_results_and_is_documented(case):
    grads = REF[f"{case['name']}/grads"][:20]
    plain, _ = replay(case, grads=grads)
    traced, _ = replay(case, grads=grads, trace=True)
    np.testing.assert_array_equal(plain, traced)

    opt = make_optimizer(case["optimizer"], **case["hyper"])
    params = np.array(script.INITIAL_PARAMS)
    state = opt.init(params)
    keys = [k for k, _ in opt.equations]
    assert len(keys) == len(set(keys))
    for k in range(3):
        trace = {}
        new_params, state = opt.update(grads[k], state, params, 0.05, trace=trace)
        assert set(trace) <= set(keys), set(trace) - set(keys)
        assert {"lr", "grad", "update", "params"} <= set(trace)
        np.testing.assert_array_equal(trace["params"], new_params)
        np.testing.assert_allclose(trace["params"] - trace["update"],
                                   trace.get("decayed_params", params), rtol=1e-12, atol=1e-15)
        for value in trace.values():
            assert isinstance(value, (float, np.ndarray))
        params = new_params


def test_adam_trace_keys():
    opt = make_optimizer("adam")
    trace = {}
    opt.update(np.ones(3), opt.init(np.zeros(3)), np.zeros(3), 0.1, trace=trace)
    for key in ("grad", "exp_avg", "exp_avg_sq", "bias_correction1", "bias_correction2",
                "step_size", "denom", "update"):
        assert key in trace
    assert trace["bias_correction1"] == pytest.approx(0.1)
    assert trace["step_size"] == pytest.approx(1.0)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_update_does_not_mutate_inputs(case):
    opt = make_optimizer(case["optimizer"], **case["hyper"])
    grads = REF[f"{case['name']}/grads"]
    params = np.array(script.INITIAL_PARAMS)
    state = opt.init(params)
    for k in range(4):
        g = grads[k].copy() if k % 2 == 0 else grads[k].tolist()  # numpy vectors and lists of floats
        saved = (np.array(params), np.array(g), [s if s is None else np.array(s) for s in state])
        new_params, new_state = opt.update(g, state, params, 0.05, trace={})
        np.testing.assert_array_equal(params, saved[0])
        np.testing.assert_array_equal(g, saved[1])
        for before, after in zip(saved[2], state):
            np.testing.assert_array_equal(np.asarray(before, dtype=object), np.asarray(after, dtype=object))
        assert new_params is not params and not np.shares_memory(new_params, params)
        assert type(new_state) is type(state) and new_state.step == state.step + 1
        params, state = new_params, new_state


def test_state_field_names_follow_torch():
    names = {name: OPTIMIZERS[name]().init(np.zeros(2))._fields for name in OPTIMIZERS}
    assert names["sgd"] == ("step", "momentum_buffer")
    assert names["adagrad"] == ("step", "sum")
    assert names["rmsprop"] == ("step", "square_avg", "momentum_buffer", "grad_avg")
    assert names["adadelta"] == ("step", "square_avg", "acc_delta")
    assert names["adam"] == names["adamw"] == ("step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq")
    assert names["nadam"] == ("step", "mu_product", "exp_avg", "exp_avg_sq")


def test_optimizers_are_frozen_and_hashable():
    opt = make_optimizer("adam", betas=[0.8, 0.9])
    assert opt.betas == (0.8, 0.9)
    with pytest.raises(dataclasses.FrozenInstanceError):
        opt.lr = 1.0
    assert hash(opt) == hash(make_optimizer("adam", betas=(0.8, 0.9)))
