"""The equivalent scripts, run as a user runs them: each generated PyTorch and Keras 3 script
runs in a fresh interpreter and prints the final parameters of ``gdsim train``.

torch and keras are optional test extras (``pip install .[test,torch,keras]``); without one,
its half of the table is skipped with that reason. Keras runs on KERAS_BACKEND=torch.
"""

import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from gdsim.api import train
from gdsim.core.codegen import generate
from gdsim.core.options import build_config, load_data, split_options

HAVE = {name: importlib.util.find_spec(name) is not None for name in ("torch", "keras")}
TOLERANCE = {"torch": 1e-9, "keras": 1e-5}

# gdsim's flat options (as `gdsim train` takes them)
CASES = {
    "sgd-full-mse": dict(preset="lecture-3x-plus-2", lr=0.01, epochs=100),
    "sgd-nesterov-shuffled": dict(preset="lecture-3x-plus-2", lr=0.005, momentum=0.9, nesterov=True,
                                  batch_size=2, seed=3, epochs=60),
    "sgd-momentum-step-lr": dict(preset="lecture-3x-plus-2", lr=0.01, momentum=0.9, schedule="step",
                                 step_size=10, gamma=0.5, epochs=100),
    "sgd-dampening-wd-init": dict(preset="lecture-3x-plus-2", lr=0.005, momentum=0.8, dampening=0.3,
                                  weight_decay=0.01, init="1.5,-0.5", epochs=100),
    "sgd-mae-sum-exact-line": dict(preset="lecture-half-x-minus-2.5", loss="mae", reduction="sum",
                                   lr=0.02, epochs=100),
    "sgd-mae-sum-3x": dict(preset="lecture-3x", loss="mae", reduction="sum", lr=0.01, epochs=100),
    "sgd-mae-mean-step-lr": dict(preset="lecture-3x-plus-2", loss="mae", lr=0.05, schedule="step",
                                 step_size=20, gamma=0.5, epochs=100),
    "sgd-stochastic-shuffled": dict(preset="noisy-line", lr=0.001, batch_size=1, epochs=5),
    "sgd-mse-sum-drop-last": dict(preset="noisy-line", lr=0.002, momentum=0.9, reduction="sum", standardize=True,
                                  batch_size=8, drop_last=True, shuffle=False, epochs=30),
    "sgd-logistic-bce-sum-exp-lr": dict(preset="insurance", model="logistic", reduction="sum", lr=0.01,
                                        standardize=True, schedule="exponential", gamma=0.98, epochs=120),
    "adam-amsgrad-logistic-shuffled": dict(preset="insurance", model="logistic", optimizer="adam", lr=0.05,
                                           amsgrad=True, weight_decay=0.01, batch_size=4, standardize=True,
                                           epochs=40),
    "adam-full-batch-shuffle-on": dict(preset="two-classes", model="logistic", optimizer="adam", lr=0.05,
                                       epochs=100),
    "adam-mae-shuffled": dict(preset="noisy-line", loss="mae", optimizer="adam", lr=0.05, batch_size=10,
                              epochs=30),
    "adamw-cosine-shuffled": dict(preset="lecture-3x-plus-2", optimizer="adamw", lr=0.1, betas="0.8,0.99",
                                  weight_decay=0.05, batch_size=2, schedule="cosine", t_max=20,
                                  eta_min=0.001, epochs=50),
    "rmsprop-full": dict(preset="noisy-line", optimizer="rmsprop", lr=0.01, epochs=100),
    "rmsprop-centered-momentum": dict(preset="insurance", model="logistic", optimizer="rmsprop", lr=0.01,
                                      momentum=0.5, centered=True, weight_decay=0.01, alpha=0.95,
                                      batch_size=4, standardize=True, epochs=40),
    "rmsprop-momentum-step-lr": dict(preset="lecture-3x", optimizer="rmsprop", lr=0.01, momentum=0.9,
                                     schedule="step", step_size=5, gamma=0.5, batch_size=2, epochs=60),
    "adagrad-lr-decay-shuffled": dict(preset="insurance", model="logistic", optimizer="adagrad", lr=0.1,
                                      lr_decay=0.01, initial_accumulator_value=0.1, batch_size=4, epochs=40),
    "adagrad-lr-decay-exp-stochastic": dict(preset="lecture-2x", optimizer="adagrad", lr=0.5, lr_decay=0.05,
                                            schedule="exponential", gamma=0.97, batch_size=1, epochs=40),
    "adadelta-drop-last-shuffled": dict(preset="lecture-3x", optimizer="adadelta", lr=1.0, rho=0.8,
                                        weight_decay=0.01, batch_size=2, drop_last=True, epochs=60),
    "nadam-logistic-mse": dict(preset="insurance", model="logistic", loss="mse", optimizer="nadam", lr=0.02,
                               weight_decay=0.01, momentum_decay=0.005, standardize=True, epochs=120),
    "nadam-logistic-minibatch": dict(preset="two-classes", model="logistic", optimizer="nadam", lr=0.01,
                                     batch_size=8, epochs=10),
    # RMSprop and Adagrad put ε outside the root, √v + ε: Keras's own put it inside
    "rmsprop-linear-wd": dict(preset="lecture-3x-plus-2", optimizer="rmsprop", lr=0.01, alpha=0.9,
                              weight_decay=0.01, eps=1e-3, epochs=300),
    "rmsprop-logistic-eps-shuffled": dict(preset="insurance", model="logistic", optimizer="rmsprop", lr=0.01,
                                          eps=1e-4, batch_size=4, standardize=True, epochs=40),
    "adagrad-linear-wd-init": dict(preset="lecture-3x-plus-2", optimizer="adagrad", lr=0.5, weight_decay=0.01,
                                   initial_accumulator_value=0.5, eps=0.01, epochs=100),
    "adagrad-logistic-lr-decay-wd-eps": dict(preset="insurance", model="logistic", optimizer="adagrad", lr=0.1,
                                             lr_decay=0.05, weight_decay=0.01, eps=1e-3, standardize=True,
                                             epochs=80),
    "sgd-tolerance-converges": dict(preset="lecture-3x-plus-2", lr=0.02, momentum=0.5, epochs=5000,
                                    tolerance=1e-3, standardize=True),
}
# Networks (nn.Sequential / keras.Sequential of Dense) and feature maps: each activation,
# each loss (ce on spiral3), softmax, shuffled mini-batches, Adam and SGD momentum.
NETWORK_CASES = {
    "mlp-tanh-bce-sgd-full": dict(preset="spiral", model="mlp", hidden="8,8", lr=0.5, epochs=30),
    "mlp-relu-ce-adam-shuffled": dict(preset="spiral3", model="mlp", activation="relu", hidden="8",
                                      optimizer="adam", lr=0.02, batch_size=32, epochs=3),
    "mlp-sigmoid-mse-momentum-shuffled": dict(preset="sine", model="mlp", activation="sigmoid", hidden="6,4",
                                              lr=0.1, momentum=0.9, batch_size=20, standardize=True,
                                              epochs=6),
    "mlp-tanh-mae-nesterov-step-lr": dict(preset="sine", model="mlp", loss="mae", hidden="5", lr=0.05,
                                          momentum=0.8, nesterov=True, schedule="step", step_size=10,
                                          gamma=0.5, epochs=30),
    "mlp-features-nadam-wd-sum": dict(preset="circles", model="mlp", hidden="4", features="x1,x2,x1*x2,sin(x1)",
                                      optimizer="nadam", lr=0.002, weight_decay=0.01, reduction="sum",
                                      batch_size=50, shuffle=False, epochs=8),
    "mlp-tanh-bce-rmsprop-xor": dict(preset="xor", model="mlp", hidden="8,8", optimizer="rmsprop", lr=0.01,
                                     epochs=100),
    "mlp-tanh-bce-rmsprop-wd-spiral": dict(preset="spiral", model="mlp", hidden="8,8", optimizer="rmsprop",
                                           lr=0.005, alpha=0.9, weight_decay=0.001, batch_size=32, epochs=10),
    "mlp-tanh-bce-adagrad-xor": dict(preset="xor", model="mlp", hidden="8,8", optimizer="adagrad", lr=0.1,
                                     epochs=100),
    "mlp-tanh-bce-adagrad-all-spiral": dict(preset="spiral", model="mlp", hidden="8,8", optimizer="adagrad",
                                            lr=0.05, lr_decay=0.01, initial_accumulator_value=0.1,
                                            weight_decay=0.001, eps=1e-3, batch_size=32, epochs=10),
    "softmax-ce-spiral3-wd": dict(preset="spiral3", model="softmax", lr=0.5, weight_decay=0.01, epochs=30),
    "logistic-features-circles": dict(preset="circles", model="logistic", features="x1^2,x2^2", lr=0.5,
                                      standardize=True, epochs=30),
}
CASES.update(NETWORK_CASES)
TOLERANCE_NETWORK = {"torch": 1e-10, "keras": 1e-6}  # of the largest |parameter| (float32 products in Keras)
# Where the Keras script prints that it differs, and the bound it gives (None: no bound)
KERAS_SAYS_DIFFERS = {
    "sgd-tolerance-converges": None,  # train_on_batch shows no gradient norm to stop on
    "sgd-mae-sum-exact-line": None,  # a residual of exactly 0: a rounding picks sign(ŷ − y)
    "sgd-mae-sum-3x": None,
    "sgd-mae-mean-step-lr": 1e-5,  # came within float32 rounding of a kink, and says it may part
    "adam-amsgrad-logistic-shuffled": 1e-4,  # Keras's epsilon before the bias correction
    "adam-full-batch-shuffle-on": 1e-4,
    "adam-mae-shuffled": 1e-4,
    "adamw-cosine-shuffled": 1e-4,
    "mlp-relu-ce-adam-shuffled": 1e-3,
}

# Keras's float32 products (off TensorFlow), magnified: Adagrad's first steps g / (|g| + ε)
# are ±lr whatever |g|, on XOR's nearly symmetric start (measured 2.0e-5 of the largest weight;
# 1.7e-7 with ε = 1e-3). torch's algorithm in float64 is the torch script's, to 1e-12.
KERAS_FLOAT32_BOUND = {"mlp-tanh-bce-adagrad-xor": 1e-4}

# One fresh interpreter per framework runs all of that framework's scripts (importing
# torch or keras once per script would take most of the time).
DRIVER = """
import contextlib, io, json, runpy, sys
out = {}
for name, path in json.loads(sys.argv[1]):
    sys.argv = [path]
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        runpy.run_path(path, run_name="__main__")
    out[name] = {"stdout": stdout.getvalue(), "stderr": stderr.getvalue()}
print(json.dumps(out))
"""


def scripts_of(framework, **options):
    data_options, run_options = split_options(options)
    return generate(framework, load_data(**data_options), build_config(**run_options))


def relative_difference(got, expected) -> float:
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    assert got.shape == expected.shape
    return float(np.max(np.abs(got - expected) / np.maximum(np.abs(expected), 1e-12)))


def scaled_difference(got, expected) -> float:
    """max |Δθ| / max |θ|: a network's weights pass near 0, where float32 Keras has no relative accuracy."""
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    assert got.shape == expected.shape
    return float(np.max(np.abs(got - expected)) / np.max(np.abs(expected)))


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """{framework: {case: {"stdout", "stderr"}}}: every script generated, then run."""
    folder = tmp_path_factory.mktemp("live_scripts")
    env = {**os.environ, "KERAS_BACKEND": "torch"}
    runs = {}
    for framework in (f for f in ("torch", "keras") if HAVE[f]):
        jobs = []
        for case, options in CASES.items():
            path = folder / f"{framework}-{case}.py"
            path.write_text(scripts_of(framework, **options), encoding="utf-8")
            jobs.append((case, str(path)))
        runs[framework] = subprocess.Popen([sys.executable, "-c", DRIVER, json.dumps(jobs)], env=env,
                                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out = {}
    for framework, process in runs.items():
        stdout, stderr = process.communicate(timeout=600)
        assert process.returncode == 0, stderr
        out[framework] = json.loads(stdout)
    return out


@pytest.fixture(scope="module")
def expected():
    return {case: train(**options) for case, options in CASES.items()}


@pytest.mark.parametrize("framework", ["torch", "keras"])
@pytest.mark.parametrize("case", list(CASES))
def test_script_prints_gdsims_final_parameters(framework, case, printed, expected):
    if not HAVE[framework]:
        pytest.skip(f"{framework} is not installed (an optional test extra: pip install .[{framework}])")
    run = printed[framework][case]
    got = json.loads(run["stdout"])
    result = expected[case]
    if framework == "keras":
        # Keras 3 on torch: float64 weights, float32 products, and the script says so
        assert got["weights"] == "float64" and got["precision"] == "float32"
        assert "weights in float64, x·w in float32" in run["stderr"]
    network = case in NETWORK_CASES
    tolerance = TOLERANCE_NETWORK[framework] if network else TOLERANCE[framework]
    if framework == "keras":
        tolerance = KERAS_FLOAT32_BOUND.get(case, tolerance)
    if network:  # torch: every parameter to 1e-10 relative; Keras: to 1e-6 of the largest
        difference = relative_difference if framework == "torch" else scaled_difference
        NETWORK_TABLE[framework, case] = (relative_difference(got["params"], result.params),
                                          scaled_difference(got["params"], result.params))
    else:
        difference = relative_difference
    if framework == "keras" and case in KERAS_SAYS_DIFFERS:
        assert "differs" in run["stderr"]
        tolerance = KERAS_SAYS_DIFFERS[case]
        if tolerance is None:
            return
    else:
        assert "differs" not in run["stderr"]
    assert difference(got["params"], result.params) <= tolerance
    assert got["loss"] == pytest.approx(result.loss, rel=tolerance * 10, abs=1e-12)
    if CASES[case].get("model") in ("mlp", "softmax") and result.accuracy is not None:
        assert got["accuracy"] == result.accuracy
    if CASES[case].get("standardize") and not network:
        assert relative_difference(got["params_original"], result.params_original) <= tolerance


NETWORK_TABLE: dict = {}


def test_network_differences_table(printed, expected, capsys):
    """The table of max relative (and max-scaled) differences, printed with -s."""
    with capsys.disabled():
        print("\nnetwork case: framework, max |Δ|/|θ| per parameter, max |Δ| / max |θ|")
        for (framework, case), (rel, scaled) in sorted(NETWORK_TABLE.items()):
            print(f"  {case:38s} {framework:6s} {rel:9.2e} {scaled:9.2e}")


def test_the_network_cases_cover_the_issue():
    options = list(NETWORK_CASES.values())
    assert {o.get("activation", "tanh") for o in options if o.get("model") == "mlp"} == {"tanh", "relu", "sigmoid"}
    losses = {o.get("loss") or {"sine": "mse", "spiral3": "ce"}.get(o["preset"], "bce") for o in options}
    assert losses == {"mse", "mae", "bce", "ce"}
    assert any(o["model"] == "softmax" for o in options) and any(o.get("features") for o in options)
    assert {"adam", "sgd"} <= {o.get("optimizer", "sgd") for o in options}
    assert any(o.get("momentum") for o in options)
    assert any(o.get("batch_size") and o.get("shuffle", True) for o in options)


def test_the_table_covers_the_issue():
    options = list(CASES.values())
    optimizers = {o.get("optimizer", "sgd") for o in options}
    assert optimizers == {"sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "nadam"}
    assert {o.get("schedule", "constant") for o in options} == {"constant", "step", "exponential", "cosine"}
    assert {o.get("loss") or ("bce" if o.get("model") == "logistic" else "mse") for o in options} == {"mse", "mae", "bce"}
    assert any(o.get("batch_size") == 1 for o in options)
    assert any(o.get("batch_size", 1) > 1 and o.get("shuffle", True) for o in options)
    assert any(o.get("drop_last") for o in options) and any(o.get("standardize") for o in options)
    assert {o.get("reduction", "mean") for o in options} == {"mean", "sum"}
    assert len(CASES) >= 20


# Test functions have no matrix product, so Keras runs them in float64 throughout: torch's
# RMSprop and Adagrad (ε outside the root, lr_decay, the accumulator's start, weight decay,
# centered with its fused multiply-add) to the last bit or nearly.
FUNCTION_CASES = {
    "rmsprop-rosenbrock": dict(function="rosenbrock", optimizer="rmsprop", lr=0.001, epochs=300),
    "rmsprop-beale-wd-eps": dict(function="beale", optimizer="rmsprop", lr=0.01, alpha=0.9, weight_decay=0.01,
                                 eps=1e-4, epochs=200),
    "rmsprop-bowl-centered-momentum-step": dict(function="bowl", condition=5.0, optimizer="rmsprop", lr=0.01,
                                                centered=True, momentum=0.5, alpha=0.9, schedule="step",
                                                step_size=20, gamma=0.5, epochs=150),
    "adagrad-rosenbrock-all": dict(function="rosenbrock", optimizer="adagrad", lr=0.1, lr_decay=0.01,
                                   initial_accumulator_value=0.1, weight_decay=0.01, epochs=200),
    "adagrad-himmelblau-exp-eps": dict(function="himmelblau", optimizer="adagrad", lr=0.5, eps=1e-3,
                                       schedule="exponential", gamma=0.99, epochs=200),
}


@pytest.mark.skipif(not HAVE["keras"], reason="keras is not installed (an optional test extra: pip install .[keras])")
def test_function_scripts_reproduce_rmsprop_and_adagrad(tmp_path):
    from gdsim.cli import main as cli_main
    jobs = []
    for case, options in FUNCTION_CASES.items():
        path = tmp_path / f"keras-{case}.py"
        args = [f"--{k.replace('_', '-')}={v}" for k, v in options.items() if v is not True]
        args += [f"--{k}" for k, v in options.items() if v is True]
        assert cli_main(["code", "--framework", "keras", *args, "-o", str(path)]) == 0
        jobs.append((case, str(path)))
    done = subprocess.run([sys.executable, "-c", DRIVER, json.dumps(jobs)], capture_output=True, text=True,
                          timeout=600, env={**os.environ, "KERAS_BACKEND": "torch"})
    assert done.returncode == 0, done.stderr
    runs = json.loads(done.stdout)
    for case, options in FUNCTION_CASES.items():
        assert "differs" not in runs[case]["stderr"], (case, runs[case]["stderr"])
        got, expected = json.loads(runs[case]["stdout"])["params"], train(**options).params
        FUNCTION_TABLE[case] = relative_difference(got, expected)
        assert FUNCTION_TABLE[case] <= 1e-13, (case, got, list(expected))
    print("\nfunction case: max |Δ|/|θ|", *(f"  {c:40s} {d:9.2e}" for c, d in FUNCTION_TABLE.items()), sep="\n")


FUNCTION_TABLE: dict = {}


# Off TensorFlow, Keras rounds float64 matrix products to float32 through this table; with
# it set back to float64 the network scripts' optimizers must be torch's to the torch
# script's tolerance (Keras's own RMSprop and Adagrad put ε inside the root: 1e-2 to 1e+1).
FLOAT64_PRODUCTS = ("import keras.src.backend.common.dtypes as dtypes\n"
                    "assert dtypes.BIT64_TO_BIT32_DTYPE['float64'] == 'float32', 'Keras changed its float64 rule'\n"
                    "dtypes.BIT64_TO_BIT32_DTYPE['float64'] = 'float64'\n")


@pytest.mark.skipif(not HAVE["keras"], reason="keras is not installed (an optional test extra: pip install .[keras])")
def test_network_scripts_compute_torchs_rmsprop_and_adagrad_given_float64_products(tmp_path):
    cases = [c for c in NETWORK_CASES if "rmsprop" in c or "adagrad" in c]
    jobs = []
    for case in cases:
        path = tmp_path / f"keras-{case}.py"
        path.write_text(scripts_of("keras", **CASES[case]), encoding="utf-8")
        jobs.append((case, str(path)))
    done = subprocess.run([sys.executable, "-c", FLOAT64_PRODUCTS + DRIVER, json.dumps(jobs)], capture_output=True,
                          text=True, timeout=600, env={**os.environ, "KERAS_BACKEND": "torch"})
    assert done.returncode == 0, done.stderr
    runs = json.loads(done.stdout)
    for case in cases:
        got = json.loads(runs[case]["stdout"])
        assert got["precision"] == "float64" and "differs" not in runs[case]["stderr"]
        assert relative_difference(got["params"], train(**CASES[case]).params) <= TOLERANCE_NETWORK["torch"], case
