"""`gdsim presets`: list the built-in datasets."""

from __future__ import annotations

import argparse

HELP = "list the built-in datasets"


def add_arguments(p: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    from ..core.presets import list_presets

    for preset in list_presets():
        print(f"{preset.id:28} {preset.kind:9} {preset.model:8} {preset.title}")
    return 0
