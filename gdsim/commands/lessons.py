"""`gdsim lessons [--json]`: list the built-in lessons (open one with `gdsim --lesson NAME`)."""

from __future__ import annotations

import argparse
import json

HELP = "list the built-in lessons (open one with `gdsim --lesson NAME`)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true",
                   help="print a JSON list of {name, title, path, question, docks}")


def run(args: argparse.Namespace) -> int:
    from ..core.lessons import builtin_lessons

    lessons = builtin_lessons()
    if args.json:
        print(json.dumps([{
            "name": lesson.name, "title": lesson.title, "path": str(lesson.path),
            "question": lesson.question.text if lesson.question else None,
            "docks": list(lesson.docks),
        } for lesson in lessons], ensure_ascii=False, indent=1))
        return 0
    for lesson in lessons:
        print(f"{lesson.name:34} {lesson.title}")
    return 0
