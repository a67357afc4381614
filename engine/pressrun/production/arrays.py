"""Two numpy helpers for runs (pieces of documents, documents of pages)."""
from __future__ import annotations

import numpy as np


def run_starts(counts: np.ndarray) -> np.ndarray:
    """Offsets of runs of the given lengths: 0, c0, c0+c1, ... (len + 1 entries)."""
    starts = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    return starts


def ranks_in_runs(counts: np.ndarray) -> np.ndarray:
    """0, 1, .. counts[0]-1, 0, 1, ...: each element's position within its run."""
    counts = np.asarray(counts, dtype=np.int64)
    return np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(run_starts(counts)[:-1], counts)
