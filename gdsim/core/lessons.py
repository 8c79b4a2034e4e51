"""Lessons: a page of the lecture that sets the window up, asks, and explains.

A lesson is a TOML file (format in docs/LESSONS.md): a title, a few
paragraphs, the settings it opens with, an optional prediction question and
things to try.  The settings are a subset of a session (gdsim.core.session):
``load_lesson`` turns them into a ``Session`` (dataset, TrainingConfig,
speed, surface axes and plane), so the window opens a lesson the way it opens a
session file.  The built-in lessons are ``resources/lessons/NN-name.toml``,
in the lecture's order.

Anything wrong (not TOML, an unknown key, a preset that does not exist, a
batch larger than the data...) is a ``LessonError`` whose message is one
sentence naming the file; nothing partial is built.
"""

from __future__ import annotations

import html
import math
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .csvio import read_csv
from .dataset import DataError, Dataset
from .presets import get_preset, load_preset
from .race import parse_hyper
from .session import Session, _Bad, config_from_dict, surface_plane_from

EXTENSION = ".toml"
FOLDER = "lessons"
# The window's optional panels a lesson may open (gdsim.gui.features.lessons maps them).
DOCKS = ("step_explainer", "race", "sweep", "optimum_distance", "view3d")

_TOP_KEYS = {"format", "title", "text", "try", "settings", "question"}
_SETTING_KEYS = {"preset", "data", "target", "rows", "model", "loss", "reduction", "optimizer", "hyper",
                 "schedule", "schedule_params", "batch_size", "epochs", "shuffle", "drop_last", "seed",
                 "init", "standardize", "tolerance", "surface_axes", "plane", "docks", "speed",
                 "race"}
_QUESTION_KEYS = {"text", "choices", "answer", "tolerance", "explanation"}


class LessonError(ValueError):
    """A lesson that cannot be opened; the message is one sentence naming the file."""


@dataclass(frozen=True)
class Question:
    """A prediction asked before the run: multiple choice (``choices``) or a number."""

    text: str
    answer: str | float  # the right choice's text, or the number
    choices: tuple[str, ...] = ()
    tolerance: float = 0.0  # for a number: |response − answer| ≤ tolerance counts as right
    explanation: str = ""

    @property
    def kind(self) -> str:
        return "choice" if self.choices else "number"

    def check(self, response: str) -> bool:
        """Is ``response`` (a choice's text, or a number as typed) the right answer?"""
        if self.choices:
            return response.strip() == self.answer
        try:
            value = float(response.strip().replace(",", ""))
        except ValueError:
            return False
        return math.isclose(value, float(self.answer), rel_tol=1e-9, abs_tol=self.tolerance)

    @property
    def answer_text(self) -> str:
        return self.answer if isinstance(self.answer, str) else f"{self.answer:g}"


@dataclass(frozen=True)
class Lesson:
    name: str  # the file name without .toml
    title: str
    path: Path
    paragraphs: tuple[str, ...]  # each simple HTML (see paragraph_html)
    session: Session  # the data and settings the window opens with
    docks: tuple[str, ...] = ()
    race: tuple[tuple[str, str], ...] = ()  # (optimizer, settings text) rows for the race panel
    question: Question | None = None
    things_to_try: tuple[str, ...] = ()

    def html(self) -> str:
        """The lesson's text as HTML paragraphs (for a QTextBrowser)."""
        return "".join(paragraph_html(p) for p in self.paragraphs)


# --- text ------------------------------------------------------------------------------------
_CODE = re.compile(r"`([^`]+)`")


def paragraph_html(paragraph: str) -> str:
    """One paragraph as HTML: a paragraph fenced with ``` is code; otherwise HTML tags the
    teacher wrote (<b>, <i>, <sub>, <sup>) stay, `text` becomes code, newlines join."""
    text = paragraph.strip()
    if text.startswith("```"):
        body = text.strip("`").split("\n", 1)[1] if "\n" in text else ""
        return f"<pre style=\"white-space: pre-wrap\">{html.escape(body.rstrip().rstrip('`').rstrip())}</pre>"
    return "<p>" + _CODE.sub(lambda m: f"<code>{html.escape(m.group(1))}</code>", " ".join(text.split())) + "</p>"


def split_paragraphs(text: str) -> tuple[str, ...]:
    """Paragraphs are separated by blank lines (inside a ``` fence blank lines are kept)."""
    out: list[str] = []
    current: list[str] = []
    fenced = False
    for line in text.strip().splitlines():
        if line.strip().startswith("```"):
            fenced = not fenced
        if not line.strip() and not fenced:
            if current:
                out.append("\n".join(current))
                current = []
            continue
        current.append(line)
    if current:
        out.append("\n".join(current))
    return tuple(out)


# --- reading -----------------------------------------------------------------------------
def _keys(table: dict, allowed: set[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise _Bad(f"{where} has an unknown key '{unknown[0]}' (known: {', '.join(sorted(allowed))})")


def _table(v: Any, where: str) -> dict:
    if not isinstance(v, dict):
        raise _Bad(f"{where} should be a table")
    return v


def _text(v: Any, where: str) -> str:
    if v is None:
        raise _Bad(f"{where} is missing")
    if not isinstance(v, str) or not v.strip():
        raise _Bad(f"{where} should be some text in quotes")
    return v.strip()


def _texts(v: Any, where: str) -> tuple[str, ...]:
    if not isinstance(v, list):
        raise _Bad(f"{where} should be a list of texts")
    return tuple(_text(item, f"an entry of {where}") for item in v)


def _dataset(s: dict, folder: Path) -> Dataset:
    if ("preset" in s) == ("data" in s):
        raise _Bad("[settings] needs either a preset or a data file (one of them)")
    if "data" in s:
        if "rows" in s:
            raise _Bad("rows is for generator presets, not for a data file")
        csv = folder / _text(s["data"], "data")
        try:
            return read_csv(csv, target=s.get("target"))
        except OSError as exc:
            raise _Bad(f"its data file {csv.name} cannot be read ({exc.strerror or exc})") from None
        except DataError as exc:
            raise _Bad(f"its data file {csv.name} is not usable ({str(exc).rstrip('.')})") from None
    preset_id = _text(s["preset"], "preset")
    try:
        preset = get_preset(preset_id)
        params: dict[str, Any] = {}
        if "rows" in s:
            if preset.kind != "generator":
                raise _Bad(f"rows is for generator presets, and '{preset_id}' is a fixed table")
            params["n"] = s["rows"]
        dataset = load_preset(preset_id, **params)
        if "target" in s:
            dataset = dataset.with_target(_text(s["target"], "target"))
        return dataset
    except DataError as exc:
        text = str(exc).rstrip(".")
        raise _Bad(text[:1].lower() + text[1:]) from None


def _axes(v: Any, names: tuple[str, ...]) -> tuple[int, int]:
    if not isinstance(v, list) or len(v) != 2:
        raise _Bad("surface_axes should be two parameter names, e.g. [\"w1\", \"b\"]")
    out = []
    for a in v:
        if a not in names:
            raise _Bad(f"surface_axes names '{a}', which is not a parameter ({', '.join(names)})")
        out.append(names.index(a))
    if out[0] == out[1]:
        raise _Bad("surface_axes should name two different parameters")
    return out[0], out[1]


def _race(v: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(v, list) or not 2 <= len(v) <= 8:
        raise _Bad("race should list 2 to 8 optimizers, each [\"name\", \"settings\"]")
    rows = []
    for entry in v:
        if not (isinstance(entry, list) and len(entry) == 2 and all(isinstance(e, str) for e in entry)):
            raise _Bad("each race entry should be [\"optimizer\", \"settings\"], e.g. [\"adam\", \"lr=0.01\"]")
        try:
            parse_hyper(entry[0], entry[1])
        except ValueError as exc:
            raise _Bad(f"the race entry {entry[0]} is invalid ({str(exc).rstrip('.')})") from None
        rows.append((entry[0], entry[1]))
    return tuple(rows)


def _question(q: Any) -> Question:
    q = _table(q, "[question]")
    _keys(q, _QUESTION_KEYS, "[question]")
    text = _text(q.get("text"), "the question's text")
    if "answer" not in q:
        raise _Bad("[question] has no answer")
    answer = q["answer"]
    explanation = _text(q["explanation"], "the question's explanation") if "explanation" in q else ""
    if "choices" in q:
        choices = _texts(q["choices"], "the question's choices")
        if len(choices) < 2:
            raise _Bad("a multiple-choice question needs at least two choices")
        if not isinstance(answer, str) or answer.strip() not in choices:
            raise _Bad(f"the question's answer {answer!r} is not one of its choices")
        return Question(text, answer.strip(), choices, explanation=explanation)
    if isinstance(answer, bool) or not isinstance(answer, (int, float)) or not math.isfinite(answer):
        raise _Bad("a question without choices needs a number as its answer")
    tolerance = q.get("tolerance", 0.0)
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or not tolerance >= 0:
        raise _Bad("the question's tolerance should be a number of at least 0")
    return Question(text, float(answer), (), float(tolerance), explanation)


def _lesson(data: dict, path: Path) -> Lesson:
    _keys(data, _TOP_KEYS, "the lesson")
    if data.get("format", "gdsim-lesson") != "gdsim-lesson":
        raise _Bad(f"its format is {data['format']!r}, not \"gdsim-lesson\"")
    title = _text(data.get("title"), "the title")
    paragraphs = split_paragraphs(_text(data.get("text"), "the text"))
    s = _table(data.get("settings", {}), "[settings]")
    _keys(s, _SETTING_KEYS, "[settings]")
    dataset = _dataset(s, path.parent)
    info = None
    try:
        info = get_preset(dataset.name)
    except DataError:
        pass
    config_in = {k: s[k] for k in ("model", "loss", "reduction", "optimizer", "hyper", "schedule",
                                   "schedule_params", "batch_size", "epochs", "shuffle", "drop_last",
                                   "seed", "init", "standardize", "tolerance") if k in s}
    config_in.setdefault("model", info.model if info else "linear")
    config_in.setdefault("optimizer", "sgd")
    config_in.setdefault("epochs", 100)
    config_in.setdefault("standardize", bool(info and info.standardize))
    if "init" in config_in and isinstance(config_in["init"], list):
        config_in["init"] = [float(v) if isinstance(v, int) and not isinstance(v, bool) else v
                             for v in config_in["init"]]
    config = config_from_dict(config_in, "[settings]")
    try:
        config.check(dataset)
    except ValueError as exc:
        raise _Bad(f"its settings do not fit its data ({str(exc).rstrip('.')})") from None
    names = tuple(f"w{i + 1}" for i in range(dataset.n_features)) + ("b",)
    axes = _axes(s["surface_axes"], names) if "surface_axes" in s else None
    plane = surface_plane_from(s.get("plane", "params"), "plane")
    speed = s.get("speed", 30.0)
    if isinstance(speed, bool) or not isinstance(speed, (int, float)) or not speed >= 0:
        raise _Bad("speed should be iterations per second (0: as fast as possible)")
    docks = _texts(s.get("docks", []), "docks")
    for dock in docks:
        if dock not in DOCKS:
            raise _Bad(f"docks names '{dock}', which is not a panel ({', '.join(DOCKS)})")
    race = _race(s["race"]) if "race" in s else ()
    question = _question(data["question"]) if "question" in data else None
    return Lesson(
        name=path.stem, title=title, path=path, paragraphs=paragraphs,
        session=Session(dataset=dataset, config=config, speed=float(speed), surface_axes=axes,
                        surface_plane=plane),
        docks=docks, race=race, question=question,
        things_to_try=_texts(data.get("try", []), "try"),
    )


def load_lesson(path: str | os.PathLike) -> Lesson:
    """Read and check a lesson file; ``LessonError`` (one sentence) when it is not a usable one."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LessonError(f"Cannot open lesson {path.name}: {exc.strerror or exc}.") from None
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
        return _lesson(data, path)
    except UnicodeDecodeError:
        reason = "it is not a text file"
    except tomllib.TOMLDecodeError as exc:
        reason = f"it is not valid TOML ({exc})"
    except _Bad as exc:
        reason = str(exc)
    raise LessonError(f"Cannot open lesson {path.name}: {reason}.")


# --- the built-in lessons ---------------------------------------------------------------------
def lessons_folder() -> Path:
    from .._resources import resource_path

    return resource_path(FOLDER)


def builtin_paths() -> tuple[Path, ...]:
    """The built-in lesson files, in the lecture's order."""
    return tuple(sorted(lessons_folder().glob(f"*{EXTENSION}")))


def builtin_lessons() -> tuple[Lesson, ...]:
    return tuple(load_lesson(p) for p in builtin_paths())


def _short_name(stem: str) -> str:
    return re.sub(r"^\d+-", "", stem)


def find_lesson(name_or_file: str) -> Path:
    """A lesson file: an existing path, or a built-in lesson by name ("learning-rate",
    "04-learning-rate" or "4"); ``LessonError`` naming the choices otherwise."""
    path = Path(name_or_file)
    if path.suffix.lower() == EXTENSION or path.is_file():
        if not path.is_file():
            raise LessonError(f"Cannot open lesson {path.name}: there is no such file.")
        return path
    key = name_or_file.strip().lower()
    for p in builtin_paths():
        number = p.stem.split("-", 1)[0]
        if key in (p.stem, _short_name(p.stem)) or (key.isdigit() and number.isdigit()
                                                     and int(key) == int(number)):
            return p
    names = ", ".join(_short_name(p.stem) for p in builtin_paths())
    raise LessonError(f"There is no lesson '{name_or_file}'; the built-in lessons are {names}.")


def load_lesson_sequence(name_or_file: str) -> tuple[int, tuple[Lesson, ...]]:
    """(index, lessons) for ``gdsim --lesson``: a built-in lesson opens within the built-in
    sequence (Back and Next go on from it); a teacher's file opens alone."""
    path = find_lesson(name_or_file)
    builtins = builtin_paths()
    if path in builtins:
        return builtins.index(path), builtin_lessons()
    return 0, (load_lesson(path),)
