"""Linear scoring of localisation features with weights learned offline (evals/train_locate.py).

The weights are data (`agent/data/locate_weights.json`), not code: one model for files, one for definitions,
each a feature-name → weight map and a bias, trained with a listwise (softmax) loss on the tuning part of the
development set only. A missing feature weighs nothing, so a weights file from an older feature set still loads.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

WEIGHTS_FILE = Path(__file__).resolve().parent / "data" / "locate_weights.json"


class WeightsError(ValueError):
    """The weights file is missing or not of the expected shape."""


@dataclass(frozen=True)
class LinearModel:
    """score(row) = bias + Σ weight[name] · row[name], over the names in `features`."""

    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float = 0.0

    @classmethod
    def for_features(
        cls, names: tuple[str, ...], weights: dict[str, float], bias: float = 0.0
    ) -> LinearModel:
        return cls(names, tuple(float(weights.get(n, 0.0)) for n in names), bias)

    def score(self, row: list[float]) -> float:
        return self.bias + math.fsum(w * x for w, x in zip(self.weights, row, strict=True))


@cache
def load_weights(path: Path = WEIGHTS_FILE) -> dict[str, dict[str, float]]:
    """{"files": {feature: weight}, "defs": {...}} from the weights file (biases under "bias")."""
    try:
        data = json.loads(Path(path).read_text())
        return {
            part: {k: float(v) for k, v in data[part]["weights"].items()}
            | {"bias": float(data[part]["bias"])}
            for part in ("files", "defs")
        }
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise WeightsError(
            f"cannot read localisation weights from {path}: {exc}; reinstall repowright or "
            "retrain them with python -m repowright.evals.train_locate --save"
        ) from exc


def model_for(part: str, names: tuple[str, ...], path: Path = WEIGHTS_FILE) -> LinearModel:
    """The linear model for `part` ("files" or "defs") over the feature order `names`."""
    weights = load_weights(path)[part]
    return LinearModel.for_features(names, weights, weights.get("bias", 0.0))
