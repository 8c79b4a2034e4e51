"""Writes tests/data/bad_sessions/*.gdsim and tests/data/bad_csv/*.csv (run once; the files are committed).

Each bad session is a valid one (two features, 5 rows, SGD, one pin) with one
thing wrong; the file name says what. Each bad CSV is a table gdsim must refuse.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent

VALID = {
    "format": "gdsim-session", "version": 1,
    "dataset": {"name": "t", "columns": ["x1", "x2", "y"], "target": "y",
                "values": [[1.0, 2.0, 3.0], [2.0, 1.0, 4.0], [3.0, 5.0, 1.0], [4.0, 3.0, 2.0], [5.0, 4.0, 6.0]]},
    "config": {"model": "linear", "loss": None, "reduction": "mean", "optimizer": "sgd",
               "hyper": {"lr": 0.01, "momentum": 0.9}, "schedule": "constant", "schedule_params": {},
               "batch_size": 2, "epochs": 10, "shuffle": True, "drop_last": False, "seed": 0,
               "init": [0.0, 0.0, 0.0], "standardize": False, "tolerance": None},
    "speed": 30.0, "surface_axes": [0, 2],
    "pins": [{"label": "p", "parameter_names": ["w1", "w2", "b"], "params": [[0, 0, 0], [1, 1, 1]],
              "iterations": [0, 1], "full_loss": [3.0, 2.0], "config": None}],
}
BIG = "1" + "0" * 400  # an integer literal past 1e308
DIGITS = "7" * 5000  # past Python's 4300-digit limit


def put(doc, path, value):
    *head, last = path
    for key in head:
        doc = doc[key]
    doc[last] = value


# name -> (path into the document, value); a str value starting with "RAW:" is spliced as JSON text
SESSIONS = {
    "batch_size_1e30_int": (["config", "batch_size"], 10**30),
    "batch_size_over_rows": (["config", "batch_size"], 6),
    "epochs_3e9": (["config", "epochs"], 3_000_000_000),
    "epochs_past_window": (["config", "epochs"], 1_000_001),
    "epochs_huge_literal": (["config", "epochs"], "RAW:" + BIG),
    "epochs_5000_digits": (["config", "epochs"], "RAW:" + DIGITS),
    "lr_huge_literal": (["config", "hyper", "lr"], "RAW:" + BIG),
    "lr_5000_digits": (["config", "hyper", "lr"], "RAW:" + DIGITS),
    "lr_1e4": (["config", "hyper", "lr"], 1e4),
    "lr_1e-300": (["config", "hyper", "lr"], 1e-300),
    "momentum_1e7": (["config", "hyper", "momentum"], 1e7),
    "seed_negative": (["config", "seed"], -1),
    "seed_2_40": (["config", "seed"], 2**40),
    "init_1e10": (["config", "init"], [1e10, 0.0, 0.0]),
    "init_huge_literal": (["config", "init"], "RAW:[" + BIG + ", 0, 0]"),
    "t_max_3e9": (["config"], "SCHEDULE:cosine:T_max:3000000000"),
    "step_size_zero": (["config"], "SCHEDULE:step:step_size:0"),
    "tolerance_huge_literal": (["config", "tolerance"], "RAW:" + BIG),
    "speed_huge_literal": (["speed"], "RAW:" + BIG),
    "value_huge_literal": (["dataset", "values", 0, 0], "RAW:" + BIG),
    "value_5000_digits": (["dataset", "values", 0, 0], "RAW:" + DIGITS),
    "pin_scalar_iterations": (["pins", 0, "iterations"], 3),
    "pin_scalar_full_loss": (["pins", 0, "full_loss"], 2.0),
    "pin_text_iterations": (["pins", 0, "iterations"], "many"),
    "pin_iterations_too_short": (["pins", 0, "iterations"], [0]),
    "pin_nested_iterations": (["pins", 0, "iterations"], [[0], [1]]),
    "pin_huge_iteration": (["pins", 0, "iterations"], "RAW:[0, " + BIG + "]"),
    "axis_huge": (["surface_axes"], "RAW:[0, " + BIG + "]"),
    "version_huge": (["version"], "RAW:" + BIG),
}


def sessions() -> None:
    folder = HERE / "bad_sessions"
    folder.mkdir(exist_ok=True)
    for name, (path, value) in SESSIONS.items():
        doc = json.loads(json.dumps(VALID))
        raw = None
        if isinstance(value, str) and value.startswith("SCHEDULE:"):
            _, schedule, param, number = value.split(":")
            doc["config"]["schedule"] = schedule
            doc["config"]["schedule_params"] = {param: int(number)}
        elif isinstance(value, str) and value.startswith("RAW:"):
            raw = value[4:]
            put(doc, path, "@@RAW@@")
        else:
            put(doc, path, value)
        text = json.dumps(doc, indent=1)
        if raw is not None:
            text = text.replace('"@@RAW@@"', raw)
        (folder / f"{name}.gdsim").write_text(text, encoding="utf-8")


CSVS = {
    "thousands_semicolon.csv": "x;y\n1.000;2\n2.500;3\n3.000;5\n",
    "thousands_semicolon_sep_line.csv": "sep=;\nx;y\n1.000;2\n2.000;3\n4.000;5\n",
    "decimal_comma_semicolon.csv": "x;y\n1,5;2\n2,5;3\n3,5;5\n",
    "sep_line_unknown.csv": "sep=|\nx|y\n1|2\n2|3\n",
    "thousands_quoted.csv": "x;y\n\"12.500\";2\n\"13.750\";3\n",
    "thousands_negative.csv": "x;y\n-1.250.000;2\n2.000;3\n",
    "header_only.csv": "x,y\n",
    "one_column.csv": "y\n1\n2\n",
    "text_cell.csv": "x,y\n1,2\nabc,3\n",
    "empty.csv": "",
    "binary.csv": "\x00\x01\x02\x03\n",
    "ragged.csv": "x,y\n1,2,3\n4,5\n",
}


def csvs() -> None:
    folder = HERE / "bad_csv"
    folder.mkdir(exist_ok=True)
    for name, text in CSVS.items():
        (folder / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sessions()
    csvs()
