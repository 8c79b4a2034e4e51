"""What the equivalent scripts add for feature maps and networks (``nn.Sequential``, ``keras.Sequential``).

A network starts where gdsim's run starts: its initial parameters (the seeded draw from
torch's ``nn.Linear`` distribution, or ``--init``) are pasted into the script in the order
of torch's ``model.parameters()`` and copied into the layers, so both follow the same path.
"""

from __future__ import annotations

from ..feature_maps import _columns
from .plan import Plan, literal, wrap_comment

TORCH_ACTIVATION = {"tanh": "nn.Tanh()", "relu": "nn.ReLU()", "sigmoid": "nn.Sigmoid()"}
NUMBERS_PER_LINE = 4


def feature_map_lines(plan: Plan, lib: str) -> list[str]:
    """X replaced by the feature maps' columns, as gdsim's ``--features`` computes them; lib: torch or np."""
    if not plan.feature_terms:
        return []
    sin = "torch.sin" if lib == "torch" else "np.sin"
    columns = []
    for term in plan.feature_terms:
        kind, idx = _columns(term)
        a = f"X[:, {idx[0]}]"
        expr = {"x": a, "square": f"{a} * {a}", "sin": f"{sin}({a})"}.get(kind) or f"{a} * X[:, {idx[1]}]"
        columns.append(f"    {expr},  # {term}")
    terms = ",".join(plan.feature_terms)
    axis = "dim" if lib == "torch" else "axis"
    return ["", f"# --- the feature maps (gdsim's --features {terms}): the model's inputs, made from",
            "# the data's feature columns (x1 is the first); gdsim maps before standardising",
            f"X = {lib}.stack([", *columns, f"], {axis}=1)"]


def _hidden_layers(plan: Plan) -> list[tuple[int, int]]:
    """(n_in, n_out) of each Linear layer."""
    sizes = plan.problem.sizes
    return list(zip(sizes[:-1], sizes[1:]))


def initial_lines(plan: Plan) -> list[str]:
    """``INITIAL = [...]``: gdsim's start, every parameter, in torch's parameters() order."""
    values = [literal(v) for v in plan.init]
    rows = [", ".join(values[i:i + NUMBERS_PER_LINE]) + "," for i in range(0, len(values), NUMBERS_PER_LINE)]
    how = "--init" if plan.config.init is not None else \
        f"its seeded draw (seed {plan.config.seed}) from torch's nn.Linear distribution U(-1/√fan_in, 1/√fan_in)"
    return [*wrap_comment(f"gdsim's start, {how}: {len(values)} numbers in the order of model.parameters(), "
                          f"each weight (out × in) row by row: {plan.params_words()[1:-1]}"),
            "INITIAL = [", *(f"    {r}" for r in rows), "]"]


def torch_model_lines(plan: Plan) -> list[str]:
    layers = _hidden_layers(plan)
    act = TORCH_ACTIVATION[plan.problem.activation]
    body = []
    for i, (n_in, n_out) in enumerate(layers):
        body.append(f"    nn.Linear({n_in}, {n_out}),")
        if i < len(layers) - 1:
            body.append(f"    {act},")
    k = plan.problem.n_outputs
    out = ("one logit per class (CrossEntropyLoss applies the softmax)" if plan.loss == "ce" else
           "one logit (BCEWithLogitsLoss applies the sigmoid)" if plan.loss == "bce" else "the prediction")
    return ["", *wrap_comment(f"--- the model: {plan.problem.describe()}; the last layer's {k} "
                              f"output{'s' if k > 1 else ''}: {out}"),
            "model = nn.Sequential(", *body, ")", *initial_lines(plan),
            "with torch.no_grad():  # start where gdsim starts (torch's own draw is another)",
            "    start = 0",
            "    for p in model.parameters():",
            "        p.copy_(torch.tensor(INITIAL[start:start + p.numel()]).reshape(p.shape))",
            "        start += p.numel()"]


def torch_result_lines(plan: Plan) -> list[str]:
    out = ["", "# --- the result, in gdsim's order: model.parameters() flattened",
           "params = torch.cat([p.detach().reshape(-1) for p in model.parameters()])",
           "with torch.no_grad():",
           "    outputs = model(X)",
           "    full_loss = loss_fn(outputs, y).item()  # on the whole dataset",
           'result = {"params": params.tolist(), "loss": full_loss}']
    if plan.loss == "ce":
        out += ['result["accuracy"] = (outputs.argmax(dim=1) == y).double().mean().item()']
    elif plan.loss == "bce":
        out += ['result["accuracy"] = ((outputs > 0).double() == y).double().mean().item()']
    return out + ["print(json.dumps(result, indent=2))", ""]


def keras_model_lines(plan: Plan, regularizer_args: list[str]) -> list[str]:
    layers = _hidden_layers(plan)
    act = plan.problem.activation
    body = []
    for i, (_n_in, n_out) in enumerate(layers):
        args = [str(n_out)] + ([f'activation="{act}"'] if i < len(layers) - 1 else []) + regularizer_args
        body.append(f"    keras.layers.Dense({', '.join(args)}),")
    return ["", "", *wrap_comment(f"--- the model: {plan.problem.describe()}, as torch's nn.Sequential("
                                  f"Linear, {TORCH_ACTIVATION[act]}, ..., Linear)"),
            "model = keras.Sequential([", f"    keras.Input(shape=({plan.d},)),", *body, "])",
            *initial_lines(plan),
            "# torch keeps a weight as (out x in); a Dense kernel is (in x out): its transpose",
            "start = 0",
            "for layer in model.layers:",
            "    n_in, n_out = layer.kernel.shape",
            "    W = np.array(INITIAL[start:start + n_out * n_in]).reshape(n_out, n_in)",
            "    b = np.array(INITIAL[start + n_out * n_in:start + n_out * n_in + n_out])",
            "    layer.set_weights([W.T, b])",
            "    start += n_out * n_in + n_out"]


def keras_result_lines(plan: Plan) -> list[str]:
    out = ["", "# --- the result, in gdsim's (torch's) order: each layer's kernel transposed, then its bias",
           "params = []",
           "for layer in model.layers:",
           "    kernel, bias = layer.get_weights()",
           "    params += kernel.T.reshape(-1).tolist() + bias.tolist()",
           "outputs = keras.ops.convert_to_numpy(model(X))",
           "full_loss = float(keras.ops.convert_to_numpy(loss_fn(y, outputs)))  # on the whole dataset",
           'result = {"params": params, "loss": full_loss, "weights": weights, "precision": precision}']
    if plan.loss == "ce":
        out += ['result["accuracy"] = float(np.mean(outputs.argmax(axis=1) == y))']
    elif plan.loss == "bce":
        out += ['result["accuracy"] = float(np.mean((outputs > 0) == (y > 0.5)))']
    return out + ["print(json.dumps(result, indent=2))", ""]
