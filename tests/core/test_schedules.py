"""gdsim.core.schedules against torch.optim.lr_scheduler (stored reference + live)."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import math
from pathlib import Path

import numpy as np
import pytest

from gdsim.core.optim import HyperParam
from gdsim.core.schedules import SCHEDULES, make_schedule, schedule_params

from torch_optional import needs_torch

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location(
    "make_torch_reference", ROOT / "scripts" / "make_torch_reference.py"
)
script = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(script)

_ref = np.load(ROOT / "tests" / "data" / "torch_reference.npz")
REF = {k: _ref[k] for k in _ref.files}
SCHEDULE_CASES = json.loads(str(REF["schedule_cases_json"]))
N_EPOCHS = 300


def gdsim_lrs(schedule: dict, base_lr: float, n_epochs: int = N_EPOCHS) -> np.ndarray:
    sched = make_schedule(**schedule)
    lrs = [base_lr]
    lr = base_lr
    for epoch in range(1, n_epochs + 1):
        lr = sched.next_lr(epoch, lr, base_lr)
        lrs.append(lr)
    return np.array(lrs)


def test_reference_covers_every_schedule():
    assert {c["schedule"]["name"] for c in SCHEDULE_CASES} == set(SCHEDULES)


@pytest.mark.parametrize("case", SCHEDULE_CASES, ids=[c["name"] for c in SCHEDULE_CASES])
def test_matches_stored_torch_reference(case):
    expected = REF[f"sched/{case['name']}/lrs"]
    assert len(expected) == N_EPOCHS + 1
    got = gdsim_lrs(case["schedule"], case["base_lr"])
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(
        make_schedule(**case["schedule"]).lr_sequence(case["base_lr"], N_EPOCHS), expected,
        rtol=1e-12, atol=1e-15,
    )


LIVE = [
    {"name": "constant"},
    {"name": "step", "step_size": 1},
    {"name": "step", "step_size": 3, "gamma": 0.5},
    {"name": "step", "step_size": 50, "gamma": 2.0},
    {"name": "exponential", "gamma": 0.9},
    {"name": "exponential", "gamma": 1.01},
    {"name": "cosine", "T_max": 1},
    {"name": "cosine", "T_max": 2, "eta_min": 0.05},
    {"name": "cosine", "T_max": 13, "eta_min": 0.002},
    {"name": "cosine", "T_max": 150},
    {"name": "cosine", "T_max": 299, "eta_min": 1e-4},
    {"name": "cosine", "T_max": 1000},
]


@needs_torch
@pytest.mark.parametrize("schedule", LIVE, ids=lambda s: "-".join(f"{v}" for v in s.values()))
@pytest.mark.parametrize("base_lr", [0.1, 0.0123])
def test_live_matches_torch(schedule, base_lr):
    expected = script.torch_schedule_lrs({"schedule": schedule, "base_lr": base_lr})
    got = gdsim_lrs(schedule, base_lr)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)


def test_cosine_past_t_max_rises_again():
    lrs = gdsim_lrs({"name": "cosine", "T_max": 10, "eta_min": 0.0}, 1.0, 40)
    assert lrs[10] == pytest.approx(0.0, abs=1e-15)
    assert lrs[20] == pytest.approx(1.0, rel=1e-12)
    assert lrs[30] == pytest.approx(0.0, abs=1e-12)
    closed = 0.5 * (1 + np.cos(np.pi * np.arange(41) / 10))
    np.testing.assert_allclose(lrs, closed, atol=1e-12)


def test_step_and_exponential_values():
    lrs = gdsim_lrs({"name": "step", "step_size": 2, "gamma": 0.5}, 1.0, 5)
    np.testing.assert_array_equal(lrs, [1.0, 1.0, 0.5, 0.5, 0.25, 0.25])
    lrs = gdsim_lrs({"name": "exponential", "gamma": 0.5}, 1.0, 3)
    np.testing.assert_array_equal(lrs, [1.0, 0.5, 0.25, 0.125])
    for name, kw in [("step", {"step_size": 1}), ("exponential", {"gamma": 0.5}), ("cosine", {"T_max": 3})]:
        assert make_schedule(name, **kw).next_lr(0, 0.3, 0.3) == 0.3


def test_chainable_uses_the_current_lr():
    # torch's recursive formulas scale whatever lr the optimizer has now
    assert make_schedule("exponential", gamma=0.5).next_lr(4, 0.2, 1.0) == 0.1
    assert make_schedule("step", step_size=2).next_lr(4, 0.2, 1.0) == pytest.approx(0.02)
    assert make_schedule("constant").next_lr(7, 0.2, 1.0) == 0.2


@pytest.mark.parametrize(
    "name,params,match",
    [
        ("step", {"step_size": 0}, "step_size must be an integer >= 1"),
        ("step", {"step_size": 1.5}, "step_size must be an integer >= 1"),
        ("step", {"step_size": True}, "step_size must be an integer >= 1"),
        ("step", {"step_size": "3"}, "step_size must be an integer >= 1"),
        ("step", {"step_size": 2, "gamma": 0.0}, "gamma must be a number > 0"),
        ("step", {"step_size": 2, "gamma": -0.1}, "gamma must be a number > 0"),
        ("step", {"step_size": 2, "gamma": math.nan}, "gamma must be a number > 0"),
        ("exponential", {"gamma": math.inf}, "gamma must be a number > 0"),
        ("exponential", {"gamma": 0}, "gamma must be a number > 0"),
        ("cosine", {"T_max": 0}, "T_max must be an integer >= 1"),
        ("cosine", {"T_max": -5}, "T_max must be an integer >= 1"),
        ("cosine", {"T_max": 10, "eta_min": -0.1}, "eta_min must be a number >= 0"),
        ("cosine", {"T_max": 10, "eta_min": math.nan}, "eta_min must be a number >= 0"),
        ("step", {}, "Schedule 'step' requires parameter 'step_size'"),
        ("exponential", {}, "Schedule 'exponential' requires parameter 'gamma'"),
        ("cosine", {"eta_min": 0.1}, "Schedule 'cosine' requires parameter 'T_max'"),
        ("cosine", {"T_max": 10, "gamma": 0.5}, "Unknown parameter 'gamma' for schedule 'cosine'; valid ones are: T_max, eta_min"),
        ("constant", {"gamma": 0.5}, "Unknown parameter 'gamma' for schedule 'constant'"),
        ("linear", {}, "Unknown schedule 'linear'; choose one of: constant, step, exponential, cosine"),
    ],
)
def test_validation(name, params, match):
    with pytest.raises(ValueError) as info:
        make_schedule(name, **params)
    assert str(info.value).startswith(match)


def test_integral_floats_are_accepted():
    assert make_schedule("step", step_size=4.0).step_size == 4
    assert make_schedule("cosine", T_max=np.int64(7)).T_max == 7


def test_registry_and_params():
    assert list(SCHEDULES) == ["constant", "step", "exponential", "cosine"]
    for name, cls in SCHEDULES.items():
        params = schedule_params(name)
        assert all(isinstance(p, HyperParam) for p in params)
        assert [p.name for p in params] == [f.name for f in dataclasses.fields(cls)]
        for p in params:
            assert p.kind in ("int", "float") and p.doc
        sched = make_schedule(name, **{p.name: p.default for p in params})
        assert dataclasses.is_dataclass(sched)
        with pytest.raises(dataclasses.FrozenInstanceError):
            sched.x = 1
    with pytest.raises(ValueError, match="Unknown schedule"):
        schedule_params("cyclic")
