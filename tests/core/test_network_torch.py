"""Networks against torch in float64: stored trajectories (always) and live torch (where installed).

tests/data/torch_network_reference.npz (scripts/make_network_reference.py) holds
every activation × loss × optimizer family with shuffled mini-batches, plus
full-batch, softmax and sum-reduction cases, 120 steps each.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from gdsim.core.optim import OPTIMIZERS

from torch_optional import needs_torch, torch

ROOT = Path(__file__).resolve().parents[2]
RTOL, ATOL = 1e-8, 1e-12


def _load_script():
    spec = importlib.util.spec_from_file_location("make_network_reference",
                                                  ROOT / "scripts" / "make_network_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


script = _load_script()
_ref = np.load(script.DEFAULT_OUTPUT)
REF = {k: _ref[k] for k in _ref.files}
CASES = json.loads(str(REF["cases_json"]))
DATA = {k[len("data/"):]: v for k, v in REF.items() if k.startswith("data/")}
CHECKPOINTS = list(script.CHECKPOINTS)


def test_reference_covers_every_activation_loss_and_optimizer_with_shuffled_mini_batches():
    minibatch = {(c["activation"], c["loss"], c["optimizer"]) for c in CASES
                 if c["model"] == "mlp" and c["batch_size"] is not None and c["batch_size"] < script.N_ROWS}
    assert minibatch >= set(itertools.product(script.ACTIVATIONS, script.LOSSES, OPTIMIZERS))
    assert {c["model"] for c in CASES} == {"mlp", "softmax"}
    assert any(c["batch_size"] is None for c in CASES) and any(c["reduction"] == "sum" for c in CASES)
    assert max(CHECKPOINTS) >= 100
    assert script.DEFAULT_OUTPUT.stat().st_size < 400_000


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_gdsim_follows_the_stored_torch_trajectory(case):
    run = script.gdsim_run(case, DATA)
    params = run.history.params
    name = case["name"]
    assert run.iteration == script.N_STEPS and run.status == "finished"
    np.testing.assert_array_equal(params[0], REF[f"{name}/init"])  # the seeded initialisation
    for k, expected in zip(CHECKPOINTS, REF[f"{name}/checkpoints"]):
        np.testing.assert_allclose(params[k], expected, rtol=RTOL, atol=ATOL, err_msg=f"{name} step {k}")
    np.testing.assert_allclose(run.history.batch_loss[CHECKPOINTS], REF[f"{name}/loss"], rtol=RTOL)
    # the run went somewhere: a network that does not learn cannot pass
    assert np.max(np.abs(params[-1] - params[0])) > 0.05


# Live: each activation × loss once, the optimizers in turn, and the extra cases.
LIVE = [c for c in CASES if c["model"] != "mlp" or c["batch_size"] != script.BATCH or c["reduction"] != "mean"
        or list(OPTIMIZERS).index(c["optimizer"]) == (script.ACTIVATIONS.index(c["activation"]) * 4
                                                      + script.LOSSES.index(c["loss"])) % len(OPTIMIZERS)]


def test_live_cases_cover_every_activation_loss_and_optimizer():
    assert {(c["activation"], c["loss"]) for c in LIVE} >= set(itertools.product(script.ACTIVATIONS, script.LOSSES))
    assert {c["optimizer"] for c in LIVE} == set(OPTIMIZERS)


@needs_torch
@pytest.mark.parametrize("case", LIVE, ids=[c["name"] for c in LIVE])
def test_live_torch_every_step(case):
    run = script.gdsim_run(case, DATA)
    params = run.history.params
    expected, losses = script.torch_run(case, DATA, params[0].copy(), script.batch_orders(case))
    assert expected.shape == params.shape
    for k in range(1, len(expected)):
        np.testing.assert_allclose(params[k], expected[k], rtol=RTOL, atol=ATOL, err_msg=f"step {k}")
    np.testing.assert_allclose(run.history.batch_loss[1:], losses, rtol=RTOL)


@needs_torch
@pytest.mark.parametrize("activation", script.ACTIVATIONS)
def test_parameter_order_and_names_are_torchs(activation):
    from gdsim.core.network import network_problem

    problem = network_problem("mlp", "ce", "mean", (3, 4), activation, 2, np.array([0.0, 1.0, 2.0]))
    act = {"tanh": torch.nn.Tanh, "relu": torch.nn.ReLU, "sigmoid": torch.nn.Sigmoid}[activation]
    model = torch.nn.Sequential(torch.nn.Linear(2, 3), act(), torch.nn.Linear(3, 4), act(), torch.nn.Linear(4, 3))
    expected = [f"{name}[{','.join(map(str, index))}]"
                for name, p in model.named_parameters() for index in np.ndindex(*p.shape)]
    assert list(problem.parameter_names()) == expected
    assert problem.n_params() == sum(p.numel() for p in model.parameters())


@needs_torch
def test_initialisation_has_torchs_bounds():
    from gdsim.core.network import network_problem

    problem = network_problem("mlp", "bce", "mean", (16, 4), "tanh", 9, np.array([0.0, 1.0]))
    theta = problem.init_params(0)
    model = torch.nn.Sequential(torch.nn.Linear(9, 16), torch.nn.Tanh(), torch.nn.Linear(16, 4), torch.nn.Tanh(),
                                torch.nn.Linear(4, 1))
    start = 0
    for p, fan_in in zip(model.parameters(), (9, 9, 16, 16, 4, 4)):
        ours = theta[start:start + p.numel()]
        start += p.numel()
        bound = 1 / np.sqrt(fan_in)
        assert np.abs(ours).max() <= bound and np.abs(p.detach().numpy()).max() <= bound
        assert np.abs(ours).max() > 0.7 * bound  # spread over the range, not clustered
