"""`gdsim race`: 2 to 8 optimizer settings on the same data, from the same start,
with the same mini-batches, and a summary of each."""

from __future__ import annotations

import argparse
import json
import math

from .options import add_batch_options, add_data_options, add_model_options, options_of

HELP = "race 2 to 8 optimizer settings on the same data and mini-batches"

SPEC_HELP = (
    "optimizer specs, each NAME[:name=value,...] with torch's names, e.g. "
    "sgd:lr=0.01,momentum=0.9  adam:lr=0.01,betas=0.9/0.999  rmsprop:centered=true "
    "(a pair is written A/B; unset settings take torch's defaults)"
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    race = p.add_argument_group("race")
    race.add_argument("--optimizers", nargs="+", metavar="SPEC", required=True, help=SPEC_HELP)
    race.add_argument("--threshold", type=float, metavar="LOSS",
                      help="report the first iteration whose full-dataset loss is at or below this")
    add_data_options(p)
    add_model_options(p)
    add_batch_options(p)
    s = p.add_argument_group("learning-rate schedule (stepped once per epoch, same for every entry)")
    s.add_argument("--schedule", choices=("constant", "step", "exponential", "cosine"))
    s.add_argument("--step-size", type=int)
    s.add_argument("--gamma", type=float)
    s.add_argument("--t-max", type=int)
    s.add_argument("--eta-min", type=float)
    out = p.add_argument_group("output")
    out.add_argument("--json", action="store_true", help="print a JSON list, one summary per entry")


def run(args: argparse.Namespace) -> int:
    from ..core.options import build_config, load_data, split_options
    from ..core.race import Race, parse_optimizer_spec

    entries = []
    for spec in args.optimizers:
        try:
            optimizer, hyper = parse_optimizer_spec(spec)
        except ValueError as exc:
            raise ValueError(f"--optimizers {spec}: {exc}") from None
        entries.append((None, optimizer, hyper))
    if args.threshold is not None and not math.isfinite(args.threshold):
        raise ValueError(f"Invalid --threshold: {args.threshold} (a finite loss value).")
    data_options, run_options = split_options(options_of(args, skip=("optimizers", "threshold")))
    for name in ("function", "condition"):  # test functions are not datasets (yet) for a race
        if data_options.pop(name, None) is not None:
            raise ValueError(f"--{name} is not supported by gdsim race; race on a --preset or --data table.")
    dataset = load_data(**data_options)
    race = Race(dataset, build_config(**run_options), entries, threshold=args.threshold).run()
    results = race.results()
    if args.json:
        print(json.dumps([r.summary(args.threshold) for r in results], indent=2))
    else:
        print(format_table(race, results, args.threshold))
    return 0


def format_table(race, results, threshold: float | None) -> str:
    names = race.parameter_names
    reach = f"iter. to loss ≤ {threshold:g}" if threshold is not None else None
    header = ["optimizer", "final loss", "iterations", *([reach] if reach else []), "status",
              *names]
    rows = []
    for r in results:
        cells = [r.label, f"{r.final_loss:.6g}", str(r.iterations)]
        if reach:
            cells.append("never" if r.iterations_to_threshold is None else str(r.iterations_to_threshold))
        cells.append(r.status)
        cells += [f"{v:.6g}" for v in r.params]
        rows.append(cells)
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    numeric = set(range(1, len(header))) - {header.index("status")}

    def line(cells):
        return "  ".join(c.rjust(w) if i in numeric else c.ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    out = [line(header), line(["-" * w for w in widths]), *(line(row) for row in rows)]
    first = race.runs[0]
    out.append(f"{first.iterations_per_epoch} iteration(s) per epoch, {first.epochs} epochs, "
               f"same start and mini-batches for every optimizer.")
    for r in results:
        if r.diverged:
            out.append(f"{r.label}: {r.message}")
    return "\n".join(out)
