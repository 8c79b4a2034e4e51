"""Teach ▸ Optimizer race: the feature (worker, drawing) and its panel (settings, results)."""

from .feature import RaceFeature, RaceFrame, install, race_frame

__all__ = ["RaceFeature", "RaceFrame", "install", "race_frame"]
