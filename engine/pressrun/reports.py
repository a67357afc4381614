"""The job's accounting: exception report, per-document index, job summary.

Every input record ends in exactly one place (a document or the exception
report); `JobReport.reconcile` proves it, and a job that cannot prove it
fails.
"""
from __future__ import annotations

import csv
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .errors import ReconciliationError

EXCEPTION_SCHEMA_FIELDS = ["record", "key", "field", "reason"]


@dataclass
class RecordException:
    record: int          # 0-based position of the record in the input
    key: str             # the record's key fields, "name=value; ..."
    field: str           # the field at fault, "" when not one field
    reason: str


class ExceptionReport:
    """Records that could not be composed, written as Parquet and CSV."""

    def __init__(self) -> None:
        self.rows: list[RecordException] = []

    def add(self, exception: RecordException) -> None:
        self.rows.append(exception)

    def __len__(self) -> int:
        return len(self.rows)

    def table(self) -> pa.Table:
        columns = {name: [getattr(row, name) for row in self.rows] for name in EXCEPTION_SCHEMA_FIELDS}
        schema = pa.schema([("record", pa.int64()), ("key", pa.string()),
                            ("field", pa.string()), ("reason", pa.string())])
        return pa.table(columns, schema=schema)

    def write(self, parquet_path: Path, csv_path: Path) -> None:
        pq.write_table(self.table(), parquet_path)
        with open(csv_path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(EXCEPTION_SCHEMA_FIELDS)
            for row in self.rows:
                writer.writerow([row.record, row.key, row.field, row.reason])


class DocumentIndex:
    """One row per composed document: record, first page (0-based), pages.

    Written batch by batch, so memory stays flat however long the job."""

    SCHEMA = pa.schema([("record", pa.int64()), ("key", pa.string()),
                        ("first_page", pa.int64()), ("pages", pa.int32())])

    def __init__(self, path: Path) -> None:
        self.path = path
        self._writer = pq.ParquetWriter(path, self.SCHEMA)

    def add_batch(self, records, keys, first_pages, page_counts) -> None:
        self._writer.write_table(pa.table(
            {"record": records, "key": keys, "first_page": first_pages, "pages": page_counts},
            schema=self.SCHEMA,
        ))

    def close(self) -> None:
        self._writer.close()


@dataclass
class JobReport:
    records_in: int = 0
    documents: int = 0
    pages: int = 0
    exceptions: int = 0
    suppressed: int = 0
    bytes_written: int = 0
    elapsed_s: float = 0.0
    output: str = ""
    outputs: dict = field(default_factory=dict)

    def reconcile(self) -> None:
        accounted = self.documents + self.suppressed + self.exceptions
        if accounted != self.records_in:
            raise ReconciliationError(
                f"records do not reconcile: {self.records_in} in, {self.documents} composed + "
                f"{self.suppressed} suppressed + {self.exceptions} exceptions = {accounted}"
            )

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def summary(self) -> str:
        return (f"{self.records_in} records in: {self.documents} documents, {self.pages} pages, "
                f"{self.exceptions} exceptions, {self.suppressed} suppressed; "
                f"{self.bytes_written / 1e6:.1f} MB in {self.elapsed_s:.2f} s "
                f"({self.pages_per_second:,.0f} pages/s)")

    def write_json(self, path: Path) -> None:
        data = asdict(self)
        data["pages_per_second"] = round(self.pages_per_second, 1)
        # Times vary run to run; they stay out of the print stream, only here.
        path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
