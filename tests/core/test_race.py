"""The optimizer race: same data, same start, same mini-batches, in lockstep."""

import numpy as np
import pytest

from gdsim.core.presets import load_preset
from gdsim.core.race import (
    AUTO_THRESHOLD, MAX_ENTRIES, Race, default_label, first_at_or_below, format_hyper, format_spec,
    parse_hyper, parse_optimizer_spec,
)
from gdsim.core.training import TrainingConfig, TrainingRun


@pytest.fixture
def lecture():
    return load_preset("lecture-3x-plus-2")


# --------------------------------------------------------------------------- specs

@pytest.mark.parametrize("spec,expected", [
    ("sgd:lr=0.01,momentum=0.9", ("sgd", {"lr": 0.01, "momentum": 0.9})),
    ("adam", ("adam", {})),
    ("Adam:", ("adam", {})),
    ("adam:lr=0.1,betas=0.8/0.99", ("adam", {"lr": 0.1, "betas": (0.8, 0.99)})),
    ("adam:betas=0.8;0.99", ("adam", {"betas": (0.8, 0.99)})),
    ("adam:betas=(0.8,0.99),amsgrad=true", ("adam", {"betas": (0.8, 0.99), "amsgrad": True})),
    ("sgd:momentum=0.9,nesterov=yes", ("sgd", {"momentum": 0.9, "nesterov": True})),
    ("sgd: lr = 0.05 , weight-decay=0.001", ("sgd", {"lr": 0.05, "weight_decay": 0.001})),
    ("rmsprop:centered=false,alpha=0.9", ("rmsprop", {"centered": False, "alpha": 0.9})),
])
def test_parse_optimizer_spec(spec, expected):
    optimizer, hyper = parse_optimizer_spec(spec)
    assert (optimizer, hyper) == expected
    assert all(type(v) is type(expected[1][k]) for k, v in hyper.items())


@pytest.mark.parametrize("spec,needle", [
    ("", "Empty optimizer spec"),
    ("sgdx:lr=0.1", "Unknown optimizer 'sgdx'"),
    ("sgd:lr", "write name=value"),
    ("sgd:lr=", "Missing value for lr"),
    ("sgd:lr=fast", "Invalid value for lr of sgd: 'fast'"),
    ("sgd:betas=0.9/0.99", "Option 'betas' does not apply to sgd"),
    ("adam:momentum=0.9", "Option 'momentum' does not apply to adam"),
    ("adam:betas=0.9", "two numbers"),
    ("adam:betas=0.9/x", "two numbers"),
    ("adam:betas=1.5/0.9", "Invalid beta parameter"),
    ("sgd:lr=-1", "Invalid learning rate"),
    ("sgd:nesterov=true", "Nesterov momentum requires"),
    ("sgd:nesterov=maybe", "true or false"),
    ("sgd:lr=0.1,lr=0.2", "lr is given twice"),
])
def test_bad_specs_are_one_sentence_value_errors(spec, needle):
    with pytest.raises(ValueError) as info:
        parse_optimizer_spec(spec)
    message = str(info.value)
    assert needle in message
    assert "\n" not in message and message.endswith(".")


def test_format_round_trips():
    hyper = {"lr": 0.01, "betas": (0.9, 0.99), "amsgrad": True}
    assert format_hyper(hyper) == "lr=0.01, betas=0.9/0.99, amsgrad=true"
    assert parse_hyper("adam", format_hyper(hyper)) == hyper
    assert parse_optimizer_spec(format_spec("adam", hyper)) == ("adam", hyper)
    assert default_label("sgd", {"lr": 0.01, "momentum": 0.9}) == "SGD lr=0.01, momentum=0.9"
    assert default_label("adamw", {}) == "AdamW"


def test_first_at_or_below():
    loss = np.array([5.0, np.nan, 3.0, 1.0, 0.5, 2.0])
    assert first_at_or_below(loss, 1.0) == 3
    assert first_at_or_below(loss, 5.0) == 0
    assert first_at_or_below(loss, 0.1) is None
    assert first_at_or_below(loss, None) is None


# --------------------------------------------------------------------------- the race

def _minibatch_config(**changes):
    return TrainingConfig(batch_size=2, epochs=30, shuffle=True, seed=7, **changes)


def test_identical_entries_give_identical_histories(lecture):
    race = Race(lecture, _minibatch_config(), [("a", "sgd", {"lr": 0.02}), ("b", "sgd", {"lr": 0.02})])
    race.run()
    a, b = race.runs
    assert len(a.history) == len(b.history) == 30 * 3 + 1
    np.testing.assert_array_equal(a.history.params, b.history.params)
    np.testing.assert_array_equal(a.history.full_loss, b.history.full_loss)
    np.testing.assert_array_equal(a.history.batch_loss, b.history.batch_loss)


def test_minibatch_orders_are_the_same_across_entries(lecture):
    race = Race(lecture, _minibatch_config(), [
        (None, "sgd", {"lr": 0.01}), (None, "adam", {"lr": 0.1}), (None, "rmsprop", {}),
    ])
    orders = [[] for _ in race.runs]
    while not race.done:
        assert race.advance(1) == 1
        snap = race.snapshot()
        assert len({s.iteration for s in snap.entries}) == 1  # lockstep
        for order, s in zip(orders, snap.entries):
            order.append(tuple(s.batch_rows))
    assert len(orders[0]) == 90
    assert orders[0] == orders[1] == orders[2]
    # shuffled: not simply the rows in order, and epochs differ from one another
    epochs = {tuple(orders[0][e * 3:(e + 1) * 3]) for e in range(30)}
    assert len(epochs) > 1


def test_results_match_separate_training_runs(lecture):
    base = _minibatch_config(schedule="step", schedule_params={"step_size": 10, "gamma": 0.5})
    entries = [("SGD", "sgd", {"lr": 0.01}), ("momentum", "sgd", {"lr": 0.01, "momentum": 0.9}),
               ("Adam", "adam", {"lr": 0.3, "betas": (0.8, 0.99)})]
    race = Race(lecture, base, entries, threshold=1.0)
    race.advance(7)
    race.run_epoch()  # mixes chunked stepping with epoch stepping
    race.run()
    results = race.results()
    assert [r.label for r in results] == ["SGD", "momentum", "Adam"]
    for (label, optimizer, hyper), result, raced in zip(entries, results, race.runs):
        alone = TrainingRun(lecture, base.replace(optimizer=optimizer, hyper=hyper)).run()
        np.testing.assert_array_equal(raced.history.params, alone.history.params)
        np.testing.assert_array_equal(result.params, alone.params)
        assert result.final_loss == alone.current_loss
        assert result.iterations == alone.iteration == 90
        assert result.status == alone.status == "finished" and not result.diverged
        full = alone.history.full_loss
        expected = next((k for k, v in enumerate(full) if v <= 1.0), None)
        assert result.iterations_to_threshold == expected
    assert results[2].iterations_to_threshold is not None


def test_same_optimizer_twice_with_different_settings(lecture):
    race = Race(lecture, TrainingConfig(epochs=50), [
        (None, "sgd", {"lr": 0.01}), (None, "sgd", {"lr": 0.01, "momentum": 0.9}),
    ], threshold=10.0)
    race.run()
    plain, momentum = race.results()
    assert plain.label == "SGD lr=0.01" and momentum.label == "SGD lr=0.01, momentum=0.9"
    assert not np.array_equal(plain.params, momentum.params)
    assert plain.iterations == momentum.iterations == 50
    # momentum gets below the threshold sooner on this well-conditioned problem
    assert momentum.iterations_to_threshold < plain.iterations_to_threshold


def test_repeated_labels_are_made_unique(lecture):
    race = Race(lecture, TrainingConfig(epochs=3), [("x", "sgd", {}), ("x", "adam", {}), ("x", "sgd", {})])
    assert race.labels == ("x", "x (2)", "x (3)")


def test_a_diverged_entry_stops_while_the_others_go_on(lecture):
    race = Race(lecture, TrainingConfig(epochs=200), [
        ("too fast", "sgd", {"lr": 0.5}), ("fine", "sgd", {"lr": 0.01}),
    ], threshold=1.0)
    steps = 0
    while not race.done:
        steps += race.advance(10)
    fast, fine = race.results()
    assert fast.diverged and fast.status == "diverged"
    assert "Diverged at iteration" in fast.message
    assert fast.iterations < 200 and np.isfinite(fast.params).all()
    assert fast.iterations_to_threshold is None
    assert not fine.diverged and fine.iterations == 200 and fine.status == "finished"
    assert steps == 200
    snap = race.snapshot()
    assert snap.done and snap.status == "finished"
    assert snap.entries[0].status == "diverged"


def test_threshold_is_found_incrementally_as_the_race_goes(lecture):
    race = Race(lecture, TrainingConfig(epochs=100), [(None, "sgd", {"lr": 0.01}), (None, "adam", {"lr": 0.1})],
                threshold=5.0)
    reached = [None, None]
    while not race.done:
        race.advance(3)
        now = race.snapshot().iterations_to_threshold
        for i, (before, after) in enumerate(zip(reached, now)):
            if before is not None:
                assert after == before  # never changes once found
        reached = list(now)
    for hit, run in zip(reached, race.runs):
        assert hit == first_at_or_below(run.history.full_loss, 5.0)
        assert hit is not None


def test_snapshot_is_frozen_and_reports_progress(lecture):
    race = Race(lecture, TrainingConfig(epochs=10), [(None, "sgd", {}), (None, "adam", {})])
    snap = race.snapshot()
    assert snap.iteration == 0 and snap.total_iterations == 10 and snap.status == "ready"
    assert not snap.done
    race.advance(4)
    snap = race.snapshot()
    assert snap.iteration == 4 and snap.status == "running"
    with pytest.raises(Exception):
        snap.iteration = 5
    with pytest.raises(ValueError):
        snap.entries[0].params[0] = 1.0
    assert race.run_epoch() is not None
    race.run()
    assert race.run_epoch() is None and race.advance(5) == 0


@pytest.mark.parametrize("entries,needle", [
    ([("a", "sgd", {})], "2 to 8"),
    ([(None, "sgd", {})] * (MAX_ENTRIES + 1), "2 to 8"),
    ([(None, "sgd", {}), (None, "nope", {})], "Unknown optimizer"),
    ([(None, "sgd", {}), ("bad", "adam", {"momentum": 0.9})], "bad: "),
])
def test_bad_races_are_refused(lecture, entries, needle):
    with pytest.raises(ValueError, match=needle):
        Race(lecture, TrainingConfig(), entries)


def test_bad_threshold_and_config_are_refused(lecture):
    with pytest.raises(ValueError, match="threshold"):
        Race(lecture, TrainingConfig(), [(None, "sgd", {}), (None, "adam", {})], threshold=float("nan"))
    with pytest.raises(ValueError, match="batch size"):
        Race(lecture, TrainingConfig(batch_size=99), [(None, "sgd", {}), (None, "adam", {})])


def test_the_auto_threshold_is_1_percent_above_the_best_final_loss_on_bce():
    """Insurance with BCE starts at 0.693, already under a fixed "loss ≤ 1": every entry would
    show 0 iterations. The automatic threshold is found when the race ends."""
    data = load_preset("insurance")
    config = TrainingConfig(model="logistic", loss="bce", standardize=True, epochs=200)
    race = Race(data, config, [(None, "sgd", {"lr": 0.1}), (None, "adam", {"lr": 0.1}),
                               (None, "sgd", {"lr": 0.1, "momentum": 0.9})], threshold=AUTO_THRESHOLD)
    assert race.snapshot().auto_threshold and race.snapshot().threshold is None
    race.advance(50)
    assert race.snapshot().iterations_to_threshold == (None, None, None)  # not known yet
    race.run()
    snap = race.snapshot()
    finals = [run.current_loss for run in race.runs]
    assert snap.threshold == pytest.approx(min(finals) * 1.01, rel=1e-12)
    assert snap.threshold < race.runs[0].history.full_loss[0]  # not met at the start
    hits = snap.iterations_to_threshold
    best = int(np.argmin(finals))
    assert hits[best] is not None and hits[best] > 0
    for hit, run in zip(hits, race.runs):
        assert hit == first_at_or_below(run.history.full_loss, snap.threshold)
    with pytest.raises(ValueError, match="threshold"):
        Race(data, config, [(None, "sgd", {}), (None, "adam", {})], threshold="soon")
