"""The piece manifest: one row per mail piece, what the inserter, the post
and the reconciliation need to know about it.

It is streamed batch by batch (a job can have millions of pieces), to
Parquet for machines and CSV for people and the inserter's import.
"""
from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

MANIFEST_SCHEMA = pa.schema([
    ("piece_id", pa.string()),            # zero-padded, unique in the job, e.g. "00000042"
    ("job_id", pa.string()),
    ("record_ids", pa.list_(pa.int64())), # input record numbers (0-based) of the piece's documents, in order
    ("record_keys", pa.list_(pa.string())),
    ("stream", pa.string()),
    ("file", pa.string()),                # print file name relative to the job dir
    ("first_page", pa.int64()),           # 1-based page number of the piece's first page in `file`
    ("pages", pa.int32()),                # pages in the file, blank backs and insert sheets included
    ("sheets", pa.int32()),
    ("duplex", pa.bool_()),
    ("envelope", pa.string()),
    ("weight_g", pa.float64()),
    ("stocks", pa.list_(pa.string())),    # stock of each sheet
    ("trays", pa.list_(pa.string())),     # printer tray of each sheet
    ("sequence", pa.int64()),             # inserter sequence value of the piece's first sheet
    ("feeds", pa.string()),               # selective feed stations, '0'/'1' per station, station 1 first
    ("divert", pa.bool_()),
    ("mark_payloads", pa.list_(pa.string())),  # inserter 2D payload (or OMR track) per sheet
    ("postal_symbology", pa.string()),    # "auspost", "imb" or ""
    ("postal_payload", pa.string()),      # what was encoded, e.g. "11|12345678"
    ("postal_bars", pa.string()),         # the bar letters F/A/D/T
    ("postcode", pa.string()),
    ("country", pa.string()),
    ("mail_tray", pa.int32()),            # presort tray/bag number within the stream (1-based)
])

# Records a stream's rules kept out of print; written by the job driver,
# read by the reconciliation.
SUPPRESSED_SCHEMA = pa.schema([("record", pa.int64()), ("key", pa.string()),
                               ("stream", pa.string()), ("reason", pa.string())])

CSV_LIST_SEPARATOR = "|"


def conform(table: pa.Table, schema: pa.Schema = MANIFEST_SCHEMA) -> pa.Table:
    """`table` in `schema`'s column order, or ValueError naming the first
    column that is missing, extra or of another type.

    Column order is forgiven (it carries no meaning); types are not, since a
    silent cast could turn a wrong column into plausible numbers."""
    names = set(table.schema.names)
    for expected in schema:
        if expected.name not in names:
            raise ValueError(f"manifest column {expected.name!r} is missing")
        actual = table.schema.field(expected.name).type
        if actual != expected.type:
            raise ValueError(f"manifest column {expected.name!r} is {actual}, expected {expected.type}")
    extra = [name for name in table.schema.names if name not in schema.names]
    if extra:
        raise ValueError(f"manifest column {extra[0]!r} is not in the manifest schema")
    if len(table.schema.names) != len(names):
        raise ValueError("manifest has a column named twice")
    # cast() drops nullability flags and metadata, so every batch writes alike.
    return table.select(schema.names).cast(schema)


def csv_view(table: pa.Table) -> pa.Table:
    """The manifest as CSV can hold it: list columns joined with '|'."""
    columns = []
    for field in table.schema:
        column = table[field.name]
        if pa.types.is_list(field.type):
            as_strings = pc.cast(column, pa.list_(pa.string()))
            column = pc.binary_join(as_strings, CSV_LIST_SEPARATOR)
        columns.append(column)
    return pa.table(columns, names=table.schema.names)


class ManifestWriter:
    """Streams manifest batches to Parquet (one row group per batch) and CSV,
    so memory stays flat however many pieces the job has."""

    def __init__(self, parquet_path: Path | str, csv_path: Path | str) -> None:
        self.parquet_path, self.csv_path = Path(parquet_path), Path(csv_path)
        self.rows = 0
        self._parquet = pq.ParquetWriter(self.parquet_path, MANIFEST_SCHEMA)
        self._csv_file = open(self.csv_path, "wb")
        self._csv = pa_csv.CSVWriter(self._csv_file, csv_view(MANIFEST_SCHEMA.empty_table()).schema)
        self._closed = False

    def add(self, table: pa.Table) -> None:
        if self._closed:
            raise ValueError("manifest writer is closed")
        table = conform(table)
        if table.num_rows == 0:
            return
        self._parquet.write_table(table)
        self._csv.write_table(csv_view(table))
        self.rows += table.num_rows

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._parquet.close()
        self._csv.close()
        self._csv_file.close()

    def __enter__(self) -> "ManifestWriter":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def read_manifest(path: Path | str) -> pa.Table:
    """The manifest at `path`, checked against MANIFEST_SCHEMA so a reader
    never works on a file from another version by accident."""
    return conform(pq.read_table(path))
