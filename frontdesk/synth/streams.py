"""Independent random streams, one per purpose and per day (or month, or quarter).

Every piece of the synthetic data draws from its own stream, derived from the seed with
``SeedSequence(seed, spawn_key=...)``. Grouping days into bigger or smaller write chunks therefore
never changes the data, and a change in one generator does not shift the numbers of the others.
"""

from __future__ import annotations

import numpy as np

# Stable codes: renumbering one would change every data set generated with that stream.
_PURPOSES = {
    "organisation": 0,
    "roster": 1,
    "contacts": 2,
    "surveys": 3,
    "transcripts": 4,
    "qa": 5,
    "worktime": 6,
    "handoffs": 7,
    "growth": 8,
    "ratings": 9,
}


def stream(seed: int, purpose: str, *key: int) -> np.random.Generator:
    """The generator for ``purpose`` (e.g. "contacts") at ``key`` (e.g. the day index)."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(_PURPOSES[purpose], *key)))
