"""Equivalent code: the generated PyTorch script reproduces gdsim's run; the Keras one is valid Python."""

import ast
import importlib.util
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gdsim.api import train
from gdsim.cli import main as cli_main
from gdsim.core.codegen import EMBED_MAX_ROWS, generate, keras_script, torch_script
from gdsim.core.csvio import write_csv
from gdsim.core.dataset import DataError, Dataset
from gdsim.core.options import build_config, load_data, split_options
from gdsim.core.schedules import make_schedule

from torch_optional import needs_torch, torch


def scripts_of(framework="torch", **options):
    data_options, run_options = split_options(options)
    return generate(framework, load_data(**data_options), build_config(**run_options))


# One Python process runs every generated torch script (importing torch once is slow).
DRIVER = """
import contextlib, io, json, runpy, sys
out = {}
for name, path, *args in json.loads(sys.argv[1]):
    sys.argv = [path, *args]
    buf = io.StringIO()
    try:
        with contextlib.redirect_stdout(buf):
            runpy.run_path(path, run_name="__main__")
        out[name] = {"stdout": buf.getvalue()}
    except SystemExit as exc:
        out[name] = {"exit": str(exc.code)}
print(json.dumps(out))
"""


def run_scripts(jobs: list[tuple[str, Path, list[str]]]) -> dict:
    """{name: {"stdout": ...} or {"exit": message}} for each (name, script, argv) job."""
    spec = json.dumps([[name, str(path), *args] for name, path, args in jobs])
    done = subprocess.run([sys.executable, "-c", DRIVER, spec], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def assert_same(got, expected, rtol=1e-10):
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    assert got.shape == expected.shape
    scale = np.maximum(np.abs(expected), 1e-12)
    worst = float(np.max(np.abs(got - expected) / scale))
    assert worst <= rtol, (got, expected, worst)


# Each case: gdsim's flat options (as `gdsim train` takes them), at least ~100 updates.
TORCH_CASES = {
    "sgd-momentum-nesterov": dict(preset="lecture-3x-plus-2", optimizer="sgd", lr=0.01, momentum=0.9,
                                  nesterov=True, epochs=120),
    "sgd-dampening-wd-init": dict(preset="lecture-3x-plus-2", optimizer="sgd", lr=0.005, momentum=0.8,
                                  dampening=0.3, weight_decay=0.01, epochs=100, init="1.5,-0.5"),
    "linear-mae-sum-step": dict(preset="lecture-half-x-minus-2.5", loss="mae", reduction="sum",
                                optimizer="sgd", lr=0.01, epochs=110, schedule="step", step_size=10,
                                gamma=0.5),
    "adam-amsgrad-minibatch-standardised": dict(
        preset="insurance", model="logistic", optimizer="adam", lr=0.05, amsgrad=True, weight_decay=0.01,
        epochs=40, batch_size=4, shuffle=False, standardize=True),
    "adamw-cosine-minibatch": dict(preset="lecture-3x-plus-2", optimizer="adamw", lr=0.1, betas="0.8,0.99",
                                   weight_decay=0.05, epochs=50, batch_size=2, shuffle=False,
                                   schedule="cosine", t_max=20, eta_min=0.001),
    "rmsprop-centered-momentum": dict(preset="insurance", model="logistic", optimizer="rmsprop", lr=0.01,
                                      momentum=0.5, centered=True, weight_decay=0.01, alpha=0.95,
                                      epochs=40, batch_size=4, shuffle=False, standardize=True),
    "adagrad-lrdecay": dict(preset="insurance", model="logistic", optimizer="adagrad", lr=0.1,
                            lr_decay=0.01, initial_accumulator_value=0.1, epochs=40, batch_size=4,
                            shuffle=False),
    "adadelta-drop-last": dict(preset="lecture-3x", optimizer="adadelta", lr=1.0, rho=0.8,
                               weight_decay=0.01, epochs=60, batch_size=2, shuffle=False, drop_last=True),
    "nadam-logistic-mse": dict(preset="insurance", model="logistic", loss="mse", optimizer="nadam", lr=0.02,
                               weight_decay=0.01, momentum_decay=0.005, epochs=120, standardize=True),
    "logistic-bce-sum-exponential": dict(preset="insurance", model="logistic", reduction="sum",
                                         optimizer="sgd", lr=0.01, epochs=120, standardize=True,
                                         schedule="exponential", gamma=0.98),
    # shuffle is on (the default) but a full batch is never permuted: still the same numbers
    "full-batch-shuffle-on": dict(preset="two-classes", model="logistic", optimizer="adam", lr=0.05,
                                  epochs=100),
    "tolerance-converges": dict(preset="lecture-3x-plus-2", optimizer="sgd", lr=0.02, momentum=0.5,
                                epochs=5000, tolerance=1e-3, standardize=True),
}


CLI_ARGS = ["--preset", "insurance", "--model", "logistic", "--optimizer", "nadam", "--lr", "0.03",
            "--batch-size", "3", "--no-shuffle", "--epochs", "30", "--standardize"]
CSV_CASE = dict(optimizer="sgd", lr=0.002, momentum=0.9, epochs=30, batch_size=8, shuffle=False)


@pytest.fixture(scope="module")
def torch_runs(tmp_path_factory):
    """Every torch script of this module, generated, then run in one process."""
    folder = tmp_path_factory.mktemp("torch_scripts")
    jobs = []
    for case, options in TORCH_CASES.items():
        path = folder / f"{case}.py"
        path.write_text(scripts_of("torch", **options), encoding="utf-8")
        jobs.append((case, path, []))
    # a dataset above the paste limit: read from the CSV file named on the command line
    dataset = load_data(preset="noisy-line")
    csv_path = folder / "noisy.csv"
    write_csv(dataset, csv_path)
    path = folder / "from_csv.py"
    path.write_text(torch_script(dataset, build_config(**CSV_CASE), max_rows=10), encoding="utf-8")
    jobs += [("csv-without-file", path, []), ("csv", path, [str(csv_path)])]
    # `gdsim code -o FILE` with the same options as `gdsim train`
    path = folder / "cli.py"
    assert cli_main(["code", "--framework", "torch", "-o", str(path), *CLI_ARGS]) == 0
    jobs.append(("cli", path, []))
    return run_scripts(jobs)


def printed(runs, name) -> dict:
    assert "stdout" in runs[name], runs[name]
    return json.loads(runs[name]["stdout"])


@needs_torch
@pytest.mark.parametrize("case", sorted(TORCH_CASES))
def test_torch_script_prints_gdsims_final_parameters(case, torch_runs):
    options = TORCH_CASES[case]
    got = printed(torch_runs, case)
    result = train(**options)
    assert result.iterations >= 100
    assert_same(got["params"], result.params)
    assert got["loss"] == pytest.approx(result.loss, rel=1e-10, abs=1e-14)
    if options.get("standardize"):
        assert_same(got["params_original"], result.params_original)
    else:
        assert "params_original" not in got
    if case == "tolerance-converges":
        assert result.status == "converged" and result.iterations < 5000


@needs_torch
def test_large_data_read_from_the_csv_file_named_on_the_command_line(torch_runs):
    text = torch_script(load_data(preset="noisy-line"), build_config(**CSV_CASE), max_rows=10)
    assert "data = torch.tensor([\n" not in text  # not pasted
    assert "sys.argv[1]" in text
    assert "usage: python train_torch.py DATA.csv" in torch_runs["csv-without-file"]["exit"]
    expected = train(preset="noisy-line", **CSV_CASE)
    assert_same(printed(torch_runs, "csv")["params"], expected.params)


@needs_torch
def test_cli_code_and_cli_train_agree(torch_runs, capsys):
    assert cli_main(["train", *CLI_ARGS, "--json"]) == 0
    expected = json.loads(capsys.readouterr().out)
    got = printed(torch_runs, "cli")
    assert_same(got["params"], expected["params"])
    assert_same(got["params_original"], expected["params_original"])


# --- the torch script's text (no torch needed) ---------------------------------------------
def test_torch_script_reads_like_the_lecture():
    text = scripts_of("torch", preset="lecture-3x-plus-2", optimizer="sgd", lr=0.01, momentum=0.9)
    compile(text, "train_torch.py", "exec")
    assert "torch.set_default_dtype(torch.float64)" in text
    assert "optimizer = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)" in text
    assert "model = nn.Linear(1, 1)" in text
    assert "model.weight.zero_()" in text and "model.bias.zero_()" in text
    assert 'loss_fn = nn.MSELoss(reduction="mean")' in text
    assert "DataLoader" not in text  # full batch: one update on all rows per epoch
    assert "for epoch in range(100):" in text
    assert "    [2,  8]," in text  # the lecture's table, pasted (x = 2..6, y = 3x + 2)
    assert "scheduler" not in text and "manual_seed" not in text


def test_torch_script_losses_models_and_options():
    text = scripts_of("torch", preset="insurance", model="logistic", optimizer="adam", lr=0.001,
                      batch_size=4, shuffle=False, standardize=True, schedule="cosine", t_max=10,
                      init="0.5,-1,2")
    compile(text, "train_torch.py", "exec")
    assert 'nn.BCEWithLogitsLoss(reduction="mean")' in text
    assert "optim.Adam(model.parameters(), lr=0.001)" in text  # torch's defaults left out
    assert "BATCH_SIZE = 4" in text and "rows = slice(k * BATCH_SIZE, (k + 1) * BATCH_SIZE)" in text
    assert "X.std(dim=0, correction=0)" in text
    assert "optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=10, eta_min=0.0)" in text
    assert "    scheduler.step()" in text
    assert "model.weight.copy_(torch.tensor([[0.5, -1.0]]))" in text
    assert "model.bias.fill_(2.0)" in text
    assert "(3 per epoch, the last one partial)" in text

    text = scripts_of("torch", preset="insurance", model="logistic", loss="mse", reduction="sum")
    assert "torch.sigmoid(model(X))" in text and 'nn.MSELoss(reduction="sum")' in text
    text = scripts_of("torch", preset="lecture-2x", loss="mae")
    assert 'nn.L1Loss(reduction="mean")' in text


def test_shuffled_scripts_draw_gdsims_row_orders():
    for framework in ("torch", "keras"):
        text = scripts_of(framework, preset="insurance", model="logistic", batch_size=4, seed=7)
        compile(text, "train.py", "exec")
        assert "rng = np.random.default_rng(7)" in text
        assert "order = rng.permutation(len(X))" in text
        assert "manual_seed" not in text and "DataLoader" not in text


def test_hyperparameters_are_exact_and_round_trip():
    text = scripts_of("torch", optimizer="rmsprop", lr=0.1 + 0.2, alpha=0.95, centered=True, eps=1e-7)
    assert keras_call(text, "optim.RMSprop") == {"lr": 0.1 + 0.2, "alpha": 0.95, "eps": 1e-7, "centered": True}
    assert 0.1 + 0.2 != 0.3  # the literal is the exact float, 0.30000000000000004


def test_embedding_threshold():
    dataset = load_data(preset="noisy-line")  # 50 rows
    config = build_config()
    assert EMBED_MAX_ROWS == 10_000
    pasted = torch_script(dataset, config, max_rows=50)
    assert "data = torch.tensor([" in pasted and "sys.argv" not in pasted
    assert len([line for line in pasted.splitlines() if line.startswith("    [")]) == 50
    read = torch_script(dataset, config, max_rows=49, data_path="my data.csv")
    assert "path = sys.argv[1] if len(sys.argv) > 1 else 'my data.csv'" in read
    assert "COLUMNS = ['x', 'y']" in read
    assert "Export CSV" in read
    compile(read, "train_torch.py", "exec")
    keras = keras_script(dataset, config, max_rows=49)
    compile(keras, "train_keras.py", "exec")
    assert "np.array([[float(row[c]) for c in COLUMNS] for row in rows]" in keras


def test_settings_that_cannot_run_are_refused():
    dataset = load_data(preset="lecture-3x")
    with pytest.raises(ValueError, match="batch size"):
        torch_script(dataset, build_config(batch_size=99))
    with pytest.raises(ValueError, match="0 or 1"):
        keras_script(dataset, build_config(model="logistic"))
    constant = Dataset(("x", "y"), [[1.0, 2.0], [1.0, 3.0]])
    with pytest.raises(DataError, match="constant"):
        torch_script(constant, build_config(standardize=True))
    with pytest.raises(ValueError, match="framework"):
        generate("jax", dataset, build_config())


def test_odd_column_names_stay_valid_python():
    dataset = Dataset(('a "quoted" name', "back\\slash", "y'"), [[1.0, 2.0, 3.0], [2.0, 1.0, 0.0]])
    for framework in ("torch", "keras"):
        for max_rows in (10, 1):
            text = generate(framework, dataset, build_config(), max_rows=max_rows)
            compile(text, "script.py", "exec")


# --- the Keras script ----------------------------------------------------------------------
def keras_call(text, name):
    """The keyword arguments of the first call to ``name`` in ``text`` (literals only)."""
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Call) and ast.unparse(node.func) == name:
            out = {}
            for k in node.keywords:
                try:
                    out[k.arg] = ast.literal_eval(k.value)
                except ValueError:
                    out[k.arg] = ast.unparse(k.value)
            return out
    raise AssertionError(f"no call to {name}")


KERAS_OPTIMIZERS = {
    "sgd": (dict(optimizer="sgd", lr=0.01, momentum=0.9, nesterov=True), "keras.optimizers.SGD",
            {"learning_rate": 0.01, "momentum": 0.9, "nesterov": True}),
    "sgd-step": (dict(optimizer="sgd", momentum=0.9, schedule="step", step_size=3), "TorchSGD",
                 {"learning_rate": 0.01, "momentum": 0.9, "dampening": 0.0, "nesterov": False}),
    "adam": (dict(optimizer="adam", lr=0.001, amsgrad=True), "keras.optimizers.Adam",
             {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-8, "amsgrad": True}),
    "adamw": (dict(optimizer="adamw", lr=0.01), "keras.optimizers.AdamW",
              {"learning_rate": 0.01, "weight_decay": 0.01, "beta_1": 0.9, "beta_2": 0.999,
               "epsilon": 1e-8, "amsgrad": False}),
    "rmsprop": (dict(optimizer="rmsprop", lr=0.01, alpha=0.9), "TorchRMSprop",  # ε outside the root
                {"learning_rate": 0.01, "alpha": 0.9, "momentum": 0.0, "epsilon": 1e-8, "centered": False}),
    "rmsprop-centered": (dict(optimizer="rmsprop", centered=True), "TorchRMSprop",
                         {"learning_rate": 0.01, "alpha": 0.99, "momentum": 0.0, "epsilon": 1e-8,
                          "centered": True}),
    "adagrad": (dict(optimizer="adagrad", lr=0.1, lr_decay=0.1, initial_accumulator_value=0.2), "TorchAdagrad",
                {"learning_rate": 0.1, "lr_decay": 0.1, "initial_accumulator_value": 0.2, "epsilon": 1e-10}),
    "adadelta": (dict(optimizer="adadelta"), "keras.optimizers.Adadelta",
                 {"learning_rate": 1.0, "rho": 0.9, "epsilon": 1e-6}),
    "nadam": (dict(optimizer="nadam", betas="0.8,0.99"), "TorchNAdam",
              {"learning_rate": 0.01, "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-8, "momentum_decay": 0.004}),
}


@pytest.mark.parametrize("name", sorted(KERAS_OPTIMIZERS))
def test_keras_script_optimizers(name):
    options, cls, expected = KERAS_OPTIMIZERS[name]
    text = scripts_of("keras", preset="lecture-3x-plus-2", **options)
    compile(text, "train_keras.py", "exec")
    assert keras_call(text, f"optimizer = {cls}".split(" = ")[1]) == expected
    assert "import keras" in text and "import tensorflow" not in text and "tf." not in text
    assert 'keras.config.set_floatx("float64")' in text
    assert "model.compile(optimizer=optimizer, loss=loss_fn)" in text
    if not cls.startswith("keras."):
        assert f"class {cls}(keras.optimizers.Optimizer):" in text


def test_keras_script_is_keras_3():
    text = scripts_of("keras", preset="insurance", model="logistic", batch_size=4, shuffle=False,
                      epochs=40, standardize=True)
    compile(text, "train_keras.py", "exec")
    assert keras_call(text, "keras.layers.Dense") == {
        "activation": None, "kernel_initializer": "zeros", "bias_initializer": "zeros"}
    assert "keras.Sequential([" in text and "keras.Input(shape=(2,))" in text
    assert "loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)" in text
    assert "model.train_on_batch(X[rows], y[rows])" in text
    assert "std = X.std(axis=0)" in text
    assert "kernel[:, 0]" in text and "params_original" in text
    assert "keras.ops.matmul(one, one).dtype" in text  # says which precision it really ran in

    text = scripts_of("keras", preset="lecture-2x", loss="mae", reduction="sum", init="0.5,1")
    assert keras_call(text, "keras.layers.Dense")["activation"] is None
    assert 'keras.losses.MeanAbsoluteError(reduction="sum")' in text
    assert "model.layers[0].set_weights([np.array([[0.5]]), np.array([1.0])])" in text
    assert "model.train_on_batch(X_batch, y_batch)" in text and "at_kink" in text
    text = scripts_of("keras", preset="insurance", model="logistic", loss="mse")
    assert keras_call(text, "keras.layers.Dense")["activation"] == "sigmoid"


def test_keras_comments_and_run_time_lines_say_where_keras_differs():
    adam = scripts_of("keras", optimizer="adam")
    assert "epsilon hat" in adam and "This run differs from gdsim" in adam
    rms = scripts_of("keras", optimizer="rmsprop", alpha=0.9, weight_decay=0.01)
    assert "Keras's RMSprop adds ε inside the root" in rms and "This run differs" not in rms
    assert keras_call(rms, "keras.layers.Dense")["kernel_regularizer"] == "keras.regularizers.L2(0.005)"
    assert "decoupled" in rms
    assert "differs" in scripts_of("keras", tolerance=0.01)
    decay = scripts_of("keras", optimizer="adagrad", lr_decay=0.1)
    assert "lr_t = learning_rate / (1 + steps_before * self.lr_decay)" in decay and "This run differs" not in decay
    for text in (adam, rms, decay):
        compile(text, "train_keras.py", "exec")


@pytest.mark.parametrize("schedule,params", [
    ("step", dict(step_size=3, gamma=0.5)),
    ("exponential", dict(gamma=0.9)),
    ("cosine", dict(t_max=7, eta_min=0.001)),
])
def test_keras_schedule_function_gives_gdsims_learning_rates(schedule, params):
    text = scripts_of("keras", optimizer="sgd", lr=0.1, epochs=20, schedule=schedule, **params)
    assert "lr = next_lr(epoch + 1, lr)" in text and "optimizer.learning_rate = lr" in text
    tree = ast.parse(text)
    fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "next_lr")
    namespace = {"math": math}
    exec(compile(ast.Module([fn], []), "schedule", "exec"), namespace)
    torch_names = {"t_max": "T_max"}
    expected = make_schedule(schedule, **{torch_names.get(k, k): v for k, v in params.items()}).lr_sequence(0.1, 20)
    lr, got = 0.1, [0.1]
    for epoch in range(1, 21):
        lr = namespace["next_lr"](epoch, lr)
        got.append(lr)
    assert got == expected.tolist()  # torch's recursion, to the bit


# --- gdsim code ----------------------------------------------------------------------------
def test_cli_code_prints_the_script(capsys):
    args = ["--preset", "lecture-3x", "--optimizer", "sgd", "--momentum", "0.9", "--batch-size", "2",
            "--no-shuffle"]
    assert cli_main(["code", "--framework", "torch", *args]) == 0
    out = capsys.readouterr().out
    expected = torch_script(load_data(preset="lecture-3x"),
                            build_config(optimizer="sgd", momentum=0.9, batch_size=2, shuffle=False))
    body = lambda text: text.split('"""', 2)[2]  # noqa: E731 - after the docstring
    assert body(out) == body(expected)
    assert "gdsim train --preset lecture-3x --optimizer sgd --momentum 0.9 --batch-size 2 --no-shuffle --json" \
        in " ".join(out.split())
    assert cli_main(["code", "--framework", "keras", *args]) == 0
    assert "keras.optimizers.SGD(" in capsys.readouterr().out
    assert cli_main(["code", "--framework", "jax"]) == 2
    assert "invalid choice" in capsys.readouterr().err
    assert cli_main(["code", "--preset", "lecture-3x", "--batch-size", "9"]) == 2
    assert "batch size" in capsys.readouterr().err


def test_cli_code_save_data_for_large_datasets(tmp_path, capsys):
    out = tmp_path / "train.py"
    data = tmp_path / "data.csv"
    assert cli_main(["code", "--preset", "noisy-line", "--save-data", str(data), "-o", str(out)]) == 0
    assert capsys.readouterr().out == ""
    assert data.exists() and out.exists()
    assert load_data(data=str(data)) == load_data(preset="noisy-line")
    text = out.read_text(encoding="utf-8")
    compile(text, "train.py", "exec")
    assert "data = torch.tensor([" in text  # 50 rows: still pasted


@pytest.mark.parametrize("args", [
    ["--function", "rosenbrock", "--lr", "0.001", "--epochs", "300"],
    ["--function", "bowl", "--condition", "5", "--optimizer", "adam", "--schedule", "step", "--step-size", "10"],
])
def test_cli_code_for_a_test_function(args, tmp_path):
    options = {a.lstrip("-").replace("-", "_"): v for a, v in zip(args[::2], args[1::2])}
    expected = train(**{k: (float(v) if k in ("lr", "condition") else int(v) if k in ("epochs", "step_size")
                            else v) for k, v in options.items()})
    for framework, needs in (("torch", "requires_grad=True"), ("keras", "class Point(keras.layers.Layer):")):
        path = tmp_path / f"train_{framework}.py"  # not torch.py, which would shadow torch
        assert cli_main(["code", "--framework", framework, *args, "-o", str(path)]) == 0
        text = path.read_text(encoding="utf-8")
        assert needs in text and "def f(" in text
        if importlib.util.find_spec(framework) is None:
            continue  # an optional test extra; the text was checked
        done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=300,
                              env={**os.environ, "KERAS_BACKEND": "torch"})
        assert done.returncode == 0, done.stderr
        # Keras's Adam puts epsilon elsewhere (and says so): 1e-9 on the bowl
        rtol = 1e-8 if "differs" in done.stderr else 1e-12
        assert_same(json.loads(done.stdout)["params"], expected.params, rtol=rtol)


def test_cli_code_refuses_in_one_line(capsys):
    for args in (["--function", "saddle", "--condition", "3"], ["--function", "rosenbrock", "--model", "logistic"],
                 ["--preset", "lecture-3x", "--condition", "3"], ["--function", "beale", "-o", "/nonexistent/x.py"]):
        assert cli_main(["code", *args]) == 2
        err = capsys.readouterr().err
        assert err.startswith("gdsim: error: ") and err.count("\n") == 1 and ".tmp" not in err, err


# --- networks and feature maps ------------------------------------------------------------
def _network_scripts(**options):
    from gdsim.core.options import build_config, load_data, split_options

    data_options, run_options = split_options(options)
    dataset, config = load_data(**data_options), build_config(**run_options)
    return {fw: generate(fw, dataset, config) for fw in ("torch", "keras")}


def test_a_network_script_builds_the_sequential_from_gdsims_start():
    from gdsim.api import train

    options = dict(preset="spiral3", model="mlp", hidden="5,4", activation="relu", features="x1,x2,x1*x2",
                   epochs=2)
    scripts = _network_scripts(**options)
    start = train(**options).initial_params
    for script in scripts.values():
        compile(script, "script.py", "exec")
        values = script.split("INITIAL = [", 1)[1].split("]", 1)[0]
        np.testing.assert_array_equal([float(v) for v in values.replace(",", " ").split()], start)
        assert "X[:, 0] * X[:, 1],  # x1*x2" in script
    sequential = scripts["torch"]
    assert "nn.Linear(3, 5),\n    nn.ReLU(),\n    nn.Linear(5, 4),\n    nn.ReLU(),\n    nn.Linear(4, 3),\n)" in sequential
    assert 'nn.CrossEntropyLoss(reduction="mean")' in sequential and "data[:, 2].long()" in sequential
    keras = scripts["keras"]
    assert 'keras.layers.Dense(5, activation="relu")' in keras and "keras.layers.Dense(3)," in keras
    assert "SparseCategoricalCrossentropy(from_logits=True)" in keras and "layer.set_weights([W.T, b])" in keras


def test_the_code_command_writes_a_network(capsys):
    from gdsim.cli import main

    assert main(["code", "--preset", "spiral", "--model", "mlp", "--framework", "keras"]) == 0
    out = capsys.readouterr().out
    assert "BinaryCrossentropy(from_logits=True)" in out and 'Dense(8, activation="tanh")' in out
