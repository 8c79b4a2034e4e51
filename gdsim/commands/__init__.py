"""The headless subcommands of `gdsim`, one module each.

Each module has HELP, ``add_arguments(parser)`` and ``run(args) -> exit code``
and imports no Qt.
"""

COMMANDS: tuple[str, ...] = (
    "train",
    "presets",
    "race",
    "sweep",
    "code",
    "animate",
    "check",
    "landscape",
    "lessons",
)
