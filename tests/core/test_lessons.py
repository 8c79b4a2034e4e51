"""Lesson files: the built-in lessons, the format's rules, and one sentence for each bad file."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from gdsim.cli import main
from gdsim.core.lessons import (
    DOCKS, LessonError, builtin_lessons, builtin_paths, find_lesson, load_lesson, load_lesson_sequence,
    paragraph_html, split_paragraphs,
)
from gdsim.core.training import TrainingRun

BAD = sorted((Path(__file__).parents[1] / "data" / "bad_lessons").glob("*.toml"))


def test_ten_builtin_lessons_in_the_lectures_order():
    lessons = builtin_lessons()
    assert len(lessons) == 10
    assert [lesson.name for lesson in lessons] == [p.stem for p in builtin_paths()]
    for lesson in lessons:
        assert 3 <= len(lesson.paragraphs) <= 8, lesson.name
        assert set(lesson.docks) <= set(DOCKS)
        lesson.session.config.check(lesson.session.dataset)


def _first_loss(lesson) -> float:
    run = TrainingRun(lesson.session.dataset, lesson.session.config)
    return float(run.history.full_loss[0])


def test_the_lessons_carry_the_lectures_numbers():
    by = {lesson.name.split("-", 1)[0]: lesson for lesson in builtin_lessons()}
    first = by["01"].session
    assert first.dataset.n_rows == 10_000 and first.config.batch_size == 500
    assert TrainingRun(first.dataset, first.config).iterations_per_epoch == by["01"].question.answer == 20
    assert by["02"].session.dataset.name == "lecture-2x"
    assert by["03"].session.dataset.name == "lecture-half-x-minus-2.5"
    assert by["04"].session.config.hyper["lr"] == 0.06 and by["04"].docks == ("sweep",)
    fifth = by["05"].session
    assert TrainingRun(fifth.dataset, fifth.config).iterations_per_epoch == by["05"].question.answer == 7
    sixth = by["06"]
    assert sixth.session.config.init == (1.0, 1.0, 0.0) and sixth.docks == ("step_explainer",)
    run = TrainingRun(sixth.session.dataset, sixth.session.config)
    run.advance(1)
    assert sixth.question.check(f"{run.params[0]:.6f}")  # 1 − 0.01 × 15
    assert math.isclose(_first_loss(by["07"]), by["07"].question.answer, abs_tol=1e-4)  # ln 2
    assert by["08"].session.config.reduction == "sum" and _first_loss(by["08"]) == by["08"].question.answer
    assert by["09"].race[0] == ("sgd", "lr=0.01, momentum=0.9") and by["09"].docks == ("race",)
    assert _first_loss(by["10"]) == by["10"].question.answer == 214


def test_lr_006_diverges_as_lesson_4_answers():
    lesson = next(lesson for lesson in builtin_lessons() if lesson.name == "04-learning-rate")
    run = TrainingRun(lesson.session.dataset, lesson.session.config)
    while not run.done:
        run.advance(1000)
    assert run.snapshot().status == "diverged"
    assert lesson.question.check("no, it diverges") and not lesson.question.check("yes, quickly")


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_a_bad_lesson_is_one_sentence_naming_the_file(path):
    with pytest.raises(LessonError) as info:
        load_lesson(path)
    text = str(info.value)
    assert text.startswith(f"Cannot open lesson {path.name}: ") and text.endswith(".")
    assert "\n" not in text and "Traceback" not in text


@pytest.mark.parametrize("path", BAD[:5], ids=[p.stem for p in BAD[:5]])
def test_a_bad_lesson_on_the_command_line_is_one_line_and_exit_2(path, capsys):
    assert main(["--lesson", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and path.name in err


def test_unknown_lesson_name_lists_the_lessons():
    with pytest.raises(LessonError, match="There is no lesson 'nope'; the built-in lessons are epoch-"):
        find_lesson("nope")
    assert main(["--lesson", "nope"]) == 2


@pytest.mark.parametrize("name", ["learning-rate", "04-learning-rate", "4", "04"])
def test_a_builtin_lesson_by_name_opens_within_the_sequence(name):
    index, lessons = load_lesson_sequence(name)
    assert index == 3 and len(lessons) == 10 and lessons[3].name == "04-learning-rate"


def test_a_teachers_copy_with_a_csv_beside_it(tmp_path):
    source = next(p for p in builtin_paths() if p.stem == "03-weight-and-bias")
    text = source.read_text(encoding="utf-8")
    text = text.replace('title = "Weight and bias"', 'title = "Gewicht und Bias"')
    text = text.replace('preset = "lecture-half-x-minus-2.5"', 'data = "mine.csv"')
    text = text.replace("hyper = { lr = 0.04 }", "hyper = { lr = 0.02 }")
    (tmp_path / "mine.csv").write_text("x,y\n1,3\n2,5\n3,7\n", encoding="utf-8")
    (tmp_path / "mine.toml").write_text(text, encoding="utf-8")
    index, lessons = load_lesson_sequence(str(tmp_path / "mine.toml"))
    lesson = lessons[index]
    assert (index, len(lessons), lesson.title) == (0, 1, "Gewicht und Bias")
    assert lesson.session.dataset.n_rows == 3 and lesson.session.config.hyper == {"lr": 0.02}


def test_rows_and_question_kinds(tmp_path):
    path = tmp_path / "l.toml"
    path.write_text('title = "T"\ntext = "One.\\n\\nTwo."\ntry = ["a"]\n'
                    '[settings]\npreset = "two-classes"\nrows = 40\nbatch_size = 8\n'
                    '[question]\ntext = "Q"\nanswer = 5\ntolerance = 0.5\n', encoding="utf-8")
    lesson = load_lesson(path)
    assert lesson.session.dataset.n_rows == 40 and lesson.session.config.model == "logistic"
    assert lesson.paragraphs == ("One.", "Two.") and lesson.things_to_try == ("a",)
    q = lesson.question
    assert q.kind == "number" and q.check("5.4") and q.check(" 4,6".replace(",", ".")) and not q.check("6")
    assert not q.check("five")


def test_text_paragraphs_and_code():
    paragraphs = split_paragraphs("A `x` <b>b</b>\nc\n\n```\nfor i in x:\n\n    y\n```\n\nD")
    assert len(paragraphs) == 3
    assert paragraph_html(paragraphs[0]) == "<p>A <code>x</code> <b>b</b> c</p>"
    assert "for i in x:\n\n    y</pre>" in paragraph_html(paragraphs[1])


def test_gdsim_lessons_json(capsys):
    assert main(["lessons", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert len(listed) == 10
    for item in listed:
        assert {"name", "title", "path"} <= set(item)
        assert Path(item["path"]).is_file()
    assert main(["lessons"]) == 0
    assert "The learning rate" in capsys.readouterr().out


def test_core_lessons_import_no_qt():
    code = "import sys, gdsim.core.lessons; print(any(m.startswith('PySide6') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
