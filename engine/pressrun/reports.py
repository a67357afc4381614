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
    """Records that could not be composed, streamed to Parquet and CSV.

    Rows are written batch by batch (`flush`), so a job with many bad
    records keeps flat memory too."""

    SCHEMA = pa.schema([("record", pa.int64()), ("key", pa.string()),
                        ("field", pa.string()), ("reason", pa.string())])

    def __init__(self, parquet_path: Path, csv_path: Path) -> None:
        self.parquet_path, self.csv_path = parquet_path, csv_path
        self._pending: list[RecordException] = []
        self._count = 0
        self._parquet = pq.ParquetWriter(parquet_path, self.SCHEMA)
        self._csv_file = open(csv_path, "w", newline="", encoding="utf-8")
        self._csv = csv.writer(self._csv_file)
        self._csv.writerow(EXCEPTION_SCHEMA_FIELDS)

    def add(self, exception: RecordException) -> None:
        self._pending.append(exception)
        self._count += 1

    def __len__(self) -> int:
        return self._count

    def flush(self) -> None:
        if not self._pending:
            return
        columns = {name: [getattr(row, name) for row in self._pending]
                   for name in EXCEPTION_SCHEMA_FIELDS}
        self._parquet.write_table(pa.table(columns, schema=self.SCHEMA))
        for row in self._pending:
            self._csv.writerow([row.record, row.key, row.field, row.reason])
        self._pending.clear()

    def close(self) -> None:
        self.flush()
        self._parquet.close()
        self._csv_file.close()


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
