"""Features that plug into the main window, one module each.

Each module listed in FEATURES has ``install(window)``: it adds its actions
to ``window.menu(...)``/``window.toolbar``, its docks with
``window.add_dock(...)``, and follows ``window.run_changed`` /
``window.frame_drawn``.
"""

from importlib import import_module

FEATURES: tuple[str, ...] = (
    "race",
    "view3d",
    "lr_sweep",
    "step_explainer",
    "equivalent_code",
    "pinned_runs", "optimum_distance", "loss_annotations",
    "network_view",
    "layout",  # before sessions restores the saved layout: it keeps the default one
    "presentation", "help",
    "sessions", "exports", "lessons",
)


def install_features(window) -> None:
    for name in FEATURES:
        import_module(f"{__name__}.{name}").install(window)
