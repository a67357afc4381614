"""Seeded chunks regrouped into batches of any size, for the demo generators.

A generator makes rows in fixed chunks (each from its own seeded generator),
so the data depends only on the seed and the row number; this module cuts
those chunks into batches of whatever size the caller asks for.
"""
from __future__ import annotations

from typing import Callable, Iterator

import pyarrow as pa

# Rows per generator seed. Changing it changes the data for every seed.
CHUNK_ROWS = 4096


def rebatched(make_chunk: Callable[[int, int, int], pa.RecordBatch], schema: pa.Schema, n: int,
              seed: int, batch_size: int, max_rows: int) -> Iterator[pa.RecordBatch]:
    """n rows of make_chunk(start, rows, seed) in batches of batch_size."""
    if n < 0 or n > max_rows:
        raise ValueError(f"n must be between 0 and {max_rows}, got {n}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be positive, got {batch_size}")
    pending: list[pa.RecordBatch] = []
    pending_rows = 0
    for start in range(0, n, CHUNK_ROWS):
        chunk = make_chunk(start, min(CHUNK_ROWS, n - start), seed)
        pending.append(chunk)
        pending_rows += chunk.num_rows
        while pending_rows >= batch_size:
            batch, pending = _take_rows(pending, batch_size, schema)
            pending_rows -= batch_size
            yield batch
    if pending_rows:
        yield _take_rows(pending, pending_rows, schema)[0]


def _take_rows(pending: list[pa.RecordBatch], rows: int,
               schema: pa.Schema) -> tuple[pa.RecordBatch, list[pa.RecordBatch]]:
    """Split the first `rows` rows off a list of batches."""
    first = pending[0]
    if first.num_rows == rows:
        return first, pending[1:]
    if first.num_rows > rows:  # zero-copy slices, the common case for small batches
        return first.slice(0, rows), [first.slice(rows)] + pending[1:]
    # One contiguous copy (list offsets rebased), then zero-copy slices of it.
    combined = pa.Table.from_batches(pending, schema=schema).combine_chunks()
    head = combined.slice(0, rows).to_batches()[0]
    rest = [b for b in combined.slice(rows).to_batches() if b.num_rows]
    return head, rest
