"""What both equivalent scripts share: the plan of the run, the docstring, the data, the batches."""

from __future__ import annotations

import math
import textwrap
from typing import Any, Sequence

from ..dataset import Dataset, format_number
from ..feature_maps import apply_features
from ..network import NetworkProblem
from ..optim import hyperparams, make_optimizer, torch_class_name
from ..problem import LOSS_TITLES
from ..schedules import make_schedule
from ..standardize import Standardizer
from ..training import TrainingConfig

EMBED_MAX_ROWS = 10_000
TORCH_SCHEDULER_CLASS = {"step": "StepLR", "exponential": "ExponentialLR", "cosine": "CosineAnnealingLR"}


# --- small helpers ------------------------------------------------------------------------
def literal(value: Any) -> str:
    """A Python literal for a hyperparameter value (floats round-trip exactly)."""
    if isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(literal(v) for v in value) + ")"
    return repr(value)


def comment_text(text: str) -> str:
    return " ".join(str(text).split())


def call(name: str, args: Sequence[str], indent: str = "", width: int = 88) -> str:
    """``name(a, b, c)`` on one line, or one argument per line when too long."""
    one = f"{name}({', '.join(args)})"
    if len(indent) + len(one) <= width:
        return indent + one
    inner = "".join(f"{indent}    {a},\n" for a in args)
    return f"{indent}{name}(\n{inner}{indent})"


def table_lines(dataset: Dataset, columns: Sequence[str], indent: str = "    ") -> list[str]:
    """Rows ``[x1, x2, y],`` with aligned columns."""
    idx = [dataset.column_index(c) for c in columns]
    cells = [[format_number(v) for v in row] for row in dataset.values[:, idx].tolist()]
    widths = [max(len(r[j]) for r in cells) for j in range(len(idx))]
    lines = []
    for r in cells:
        body = ", ".join(c.rjust(w) for c, w in zip(r, widths))
        lines.append(f"{indent}[{body}],")
    return lines


class Plan:
    """Everything both scripts need, computed once from the dataset and config."""

    def __init__(self, dataset: Dataset, config: TrainingConfig, data_path: str | None,
                 max_rows: int) -> None:
        config.check(dataset)
        mapped = apply_features(dataset, config.features)  # the columns the model sees
        if config.standardize:
            Standardizer.fit(mapped.X, mapped.feature_names)  # same refusal as a run
        self.dataset = dataset
        self.config = config
        self.problem = config.problem(mapped)
        self.network = isinstance(self.problem, NetworkProblem)
        self.model = self.problem.model
        self.loss = self.problem.loss
        self.reduction = self.problem.reduction
        self.n = dataset.n_rows
        self.d_data = dataset.n_features  # feature columns in the data
        self.d = mapped.n_features  # inputs of the model (after any feature maps)
        self.feature_terms = tuple(mapped.feature_names) if config.features else ()
        self.features = list(dataset.feature_names)
        self.target = dataset.target
        self.columns = self.features + [self.target]
        self.embed = self.n <= max_rows
        self.data_path = data_path
        optimizer = make_optimizer(config.optimizer, **config.hyper)
        self.optimizer = optimizer
        self.hyper = optimizer.hyper()
        self.defaults = {h.name: h.default for h in hyperparams(config.optimizer)}
        self.schedule = make_schedule(config.schedule, **config.schedule_params)
        self.batch_size = self.n if config.batch_size is None else int(config.batch_size)
        self.full_batch = self.batch_size >= self.n
        self.shuffle = bool(config.shuffle) and not self.full_batch
        self.drop_last = bool(config.drop_last) and not self.full_batch
        if self.drop_last:
            self.iterations = self.n // self.batch_size
        else:
            self.iterations = math.ceil(self.n / self.batch_size)
        if config.init is not None:
            self.init = tuple(float(v) for v in config.init)
        elif self.network:  # gdsim's seeded draw from torch's nn.Linear distribution
            self.init = tuple(float(v) for v in self.problem.init_params(config.seed))
        else:
            self.init = (0.0,) * (self.d + 1)
        self.zero_init = all(v == 0 for v in self.init)
        self.epochs = int(config.epochs)

    # --- words for the docstrings ---------------------------------------------------------
    def data_words(self) -> str:
        name = self.dataset.name or "the current dataset"
        feats = ", ".join(self.features)
        text = f"{name}: {self.n:,} rows, feature{'s' if self.d_data > 1 else ''} {feats} -> target {self.target}"
        if self.feature_terms:
            text += f"; the model's inputs are the feature maps {', '.join(self.feature_terms)}"
        return text

    def params_words(self) -> str:
        """``[w1, ..., wd, b]``, or a network's first and last names in torch's parameters() order."""
        if not self.network:
            return "[w1, ..., wd, b]"
        names = self.problem.parameter_names()
        return f"[{names[0]}, {names[1]}, ..., {names[-1]}]"

    def model_words(self) -> str:
        if self.network:
            return f"{self.problem.describe()} ({self.reduction} over the batch)"
        kind = "linear regression" if self.model == "linear" else "logistic regression"
        loss = LOSS_TITLES[self.loss]
        if self.model == "logistic" and self.loss == "mse":
            loss = "MSE on the sigmoid output"
        return f"{kind}, loss {loss} ({self.reduction} over the batch)"

    def batch_words(self) -> str:
        if self.full_batch:
            how = f"batch gradient descent (all {self.n} rows per update)"
        else:
            kind = "stochastic gradient descent (1 row" if self.batch_size == 1 else \
                f"mini-batches of {self.batch_size} rows"
            if self.batch_size == 1:
                kind += " per update)"
            order = "reshuffled every epoch" if self.shuffle else "in row order"
            extra = ""
            if self.n % self.batch_size:
                extra = ", the last partial batch dropped" if self.drop_last else ", the last one partial"
            how = f"{kind}, {order} ({self.iterations} per epoch{extra})"
        return f"{self.epochs} epochs, {how}"

    def differing_hyper(self) -> list[tuple[str, Any]]:
        """lr always (gdsim's default lr 0.01 is not every torch default), then the rest
        that differ from torch's defaults, in torch's order."""
        out = [("lr", self.hyper["lr"])]
        for name, value in self.hyper.items():
            if name == "lr":
                continue
            default = self.defaults.get(name)
            if isinstance(default, (tuple, list)):
                same = tuple(value) == tuple(default)
            else:
                same = value == default
            if not same:
                out.append((name, value))
        return out

    def torch_optimizer_words(self) -> str:
        args = ", ".join(f"{k}={literal(v)}" for k, v in self.differing_hyper())
        return f"{torch_class_name(self.config.optimizer)}({args})"

    def schedule_args(self) -> list[tuple[str, Any]]:
        return list(self.schedule.params().items())


def docstring(plan: Plan, title: str, run_line: str, origin: Sequence[str], promise: str,
               optimizer_suffix: str = "") -> list[str]:
    lines = [f'"""{title}', ""]
    lines.append(f"Data:      {comment_text(plan.data_words())}")
    if plan.config.standardize:
        lines.append("           features standardised (z-scores, population std as gdsim)")
    lines.append(f"Model:     {plan.model_words()}")
    lines.append(f"Optimizer: {plan.torch_optimizer_words()}{optimizer_suffix}")
    if plan.config.schedule != "constant":
        args = ", ".join(f"{k}={literal(v)}" for k, v in plan.schedule_args())
        lines.append(f"Schedule:  {TORCH_SCHEDULER_CLASS[plan.config.schedule]}({args}), once per epoch")
    lines.append(f"Training:  {plan.batch_words()}")
    lines.append("")
    lines.append(f"Run it:    {run_line}")
    lines.extend(promise.splitlines())
    if origin:
        lines.append("")
        for o in origin:
            lines.extend(textwrap.wrap(" ".join(str(o).splitlines()), 88, subsequent_indent=" " * 11,
                                       break_on_hyphens=False, break_long_words=False))
    lines.append('"""')
    return [line.replace("\\", "\\\\").replace('"""', "'''") if 0 < i < len(lines) - 1 else line
            for i, line in enumerate(lines)]


def csv_reader_lines(plan: Plan, array: str, script: str) -> list[str]:
    """Read the table from the CSV file named on the command line."""
    lines = [
        f"# The dataset has {plan.n:,} rows, too many to paste here: this script reads them",
        "# from a CSV file with a header row: in gdsim's window File > Export CSV..., or",
        "# `gdsim code --save-data DATA.csv ...` on the command line.",
    ]
    if plan.data_path:
        lines += [
            f"#     python {script} [DATA.csv]   (default: the file gdsim read)",
            f"path = sys.argv[1] if len(sys.argv) > 1 else {plan.data_path!r}",
        ]
    else:
        lines += [
            f"#     python {script} DATA.csv",
            "if len(sys.argv) < 2:",
            f'    sys.exit("usage: python {script} DATA.csv (the dataset exported from gdsim)")',
            "path = sys.argv[1]",
        ]
    lines += [
        f"COLUMNS = {plan.columns!r}  # the features, then the target",
        'with open(path, newline="", encoding="utf-8-sig") as f:',
        '    dialect = csv.Sniffer().sniff(f.readline(), delimiters=",;\\t")',
        "    f.seek(0)",
        "    rows = list(csv.DictReader(f, dialect=dialect))",
        f"data = {array}([[float(row[c]) for c in COLUMNS] for row in rows]{', dtype=torch.float64' if array == 'torch.tensor' else ', dtype=np.float64'})",
    ]
    return lines


def embedded_lines(plan: Plan, array: str) -> list[str]:
    dtype = "torch.float64" if array == "torch.tensor" else "np.float64"
    head = ", ".join(plan.columns)
    return [
        f"# columns: {comment_text(head)}  (the features, then the target {comment_text(plan.target)})",
        f"data = {array}([",
        *table_lines(plan.dataset, plan.columns),
        f"], dtype={dtype})",
    ]


def wrap_comment(text: str, width: int = 88) -> list[str]:
    words = comment_text(text).split(" ")
    lines, line = [], "#"
    for word in words:
        if len(line) + 1 + len(word) > width and line != "#":
            lines.append(line)
            line = "#"
        line += " " + word
    lines.append(line)
    return lines


def batch_loop_lines(plan: Plan) -> tuple[list[str], list[str], str, str]:
    """(lines before the epoch loop, the lines opening one epoch's batches, X_batch, y_batch).

    The batches are gdsim's (gdsim.core.batching.BatchSampler): consecutive rows, or with
    shuffle a permutation drawn every epoch from numpy's generator seeded like gdsim's.
    """
    if plan.full_batch:
        return [], [], "X", "y"
    b = plan.batch_size
    before = [f"BATCH_SIZE = {b}",
              f"BATCHES = {plan.iterations}  # per epoch" + (", the last partial batch dropped" if
                                                         plan.drop_last and plan.n % b else "")]
    if plan.shuffle:
        before += [f"rng = np.random.default_rng({plan.config.seed})  # gdsim's generator and seed: "
                   "gdsim's row orders"]
        epoch = ["    order = rng.permutation(len(X))  # a new row order every epoch, as gdsim draws it",
                 "    for k in range(BATCHES):",
                 "        rows = order[k * BATCH_SIZE:(k + 1) * BATCH_SIZE]"]
        return before, epoch, "X[rows]", "y[rows]"
    epoch = ["    for k in range(BATCHES):  # consecutive rows, in order, as gdsim takes them",
             "        rows = slice(k * BATCH_SIZE, (k + 1) * BATCH_SIZE)"]
    return before, epoch, "X[rows]", "y[rows]"


def result_lines(plan) -> list[str]:
    """The scripts' common ending: parameters in original units when standardised, then JSON."""
    out = []
    if plan.config.standardize:
        out += [
            "# the same model on the original (unstandardised) features",
            "w_original = w / std",
            "b_original = b - (w_original * mean).sum()",
            'result["params_original"] = w_original.tolist() + b_original.tolist()',
        ]
    return out + ["print(json.dumps(result, indent=2))", ""]
