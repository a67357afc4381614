"""Turning what a user hands us into a stream of Arrow record batches.

Accepts a path (Parquet, Arrow IPC file or stream, Feather, CSV, JSON lines),
a pyarrow Table / RecordBatch / RecordBatchReader, or any object that speaks
the Arrow PyCapsule interface (`__arrow_c_stream__`: polars, duckdb, ...).
Batches are read one at a time, so memory does not grow with the input.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pyarrow as pa

from .errors import DataError

_PARQUET = {".parquet", ".pq"}
_IPC = {".arrow", ".ipc", ".feather", ".arrows"}
_CSV = {".csv", ".tsv"}
_JSON = {".jsonl", ".ndjson", ".json"}


def open_source(source, batch_size: int = 65536) -> pa.RecordBatchReader:
    """A RecordBatchReader over `source`; DataError for anything unreadable."""
    if isinstance(source, (str, os.PathLike)):
        return _open_path(Path(source), batch_size)
    if isinstance(source, pa.RecordBatchReader):
        return source
    if isinstance(source, pa.Table):
        return pa.RecordBatchReader.from_batches(source.schema, source.to_batches(batch_size))
    if isinstance(source, pa.RecordBatch):
        return pa.RecordBatchReader.from_batches(source.schema, [source])
    if hasattr(source, "__arrow_c_stream__"):
        return pa.RecordBatchReader.from_stream(source)
    if hasattr(source, "arrow"):  # older duckdb relations
        return open_source(source.arrow(), batch_size)
    raise DataError(
        f"cannot read data from a {type(source).__name__}: pass a file path, a pyarrow "
        "Table/RecordBatchReader, or an object with __arrow_c_stream__"
    )


def _open_path(path: Path, batch_size: int) -> pa.RecordBatchReader:
    if not path.exists():
        raise DataError(f"{path}: no such data file")
    suffix = path.suffix.lower()
    try:
        if suffix in _PARQUET:
            import pyarrow.parquet as pq

            parquet = pq.ParquetFile(path)
            return pa.RecordBatchReader.from_batches(
                parquet.schema_arrow, parquet.iter_batches(batch_size=batch_size)
            )
        if suffix in _IPC:
            return _open_ipc(path)
        if suffix in _CSV:
            import pyarrow.csv as pcsv

            parse = pcsv.ParseOptions(delimiter="\t" if suffix == ".tsv" else ",")
            return pcsv.open_csv(path, parse_options=parse)
        if suffix in _JSON:
            import pyarrow.json as pjson

            table = pjson.read_json(path)
            return pa.RecordBatchReader.from_batches(table.schema, table.to_batches(batch_size))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError) as exc:
        raise DataError(f"{path}: cannot read as {suffix[1:]} data: {exc}") from exc
    raise DataError(
        f"{path}: unknown data file type '{suffix}' (use .parquet, .arrow, .feather, .csv or .jsonl)"
    )


def _open_ipc(path: Path) -> pa.RecordBatchReader:
    import pyarrow.ipc as ipc

    try:
        file_reader = ipc.open_file(path)
    except pa.ArrowInvalid:
        return ipc.open_stream(path)  # the streaming format has no footer
    batches = (file_reader.get_batch(i) for i in range(file_reader.num_record_batches))
    return pa.RecordBatchReader.from_batches(file_reader.schema, batches)


def sliced(reader: pa.RecordBatchReader, max_rows: int) -> Iterator[pa.RecordBatch]:
    """Batches of at most max_rows rows (zero-copy slices): bounds the memory
    and the latency of one native compose call whatever the input's chunking."""
    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            return
        except (pa.ArrowInvalid, OSError) as exc:
            raise DataError(f"cannot read the next batch of data: {exc}") from exc
        for start in range(0, batch.num_rows, max_rows):
            yield batch.slice(start, max_rows)
