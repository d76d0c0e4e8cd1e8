"""Probabilities from latent scores: how hidden skill turns into observed outcomes."""

from __future__ import annotations

import numpy as np


def sigmoid(x: np.ndarray | float) -> np.ndarray:
    """The logistic function: a latent score (log-odds) as a probability."""
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))


def logit(p: float) -> float:
    """The log-odds of a base rate, so effects can be added around it."""
    return float(np.log(p / (1.0 - p)))
