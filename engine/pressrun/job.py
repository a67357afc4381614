"""The job driver: data in, composed print stream and reports out.

read batches -> check the schema against the template -> compose each batch
natively (GIL released) -> write the bytes as they come -> account for every
record -> finish fonts and the file trailer -> reconcile.
"""
from __future__ import annotations

import io
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import _native
from .compile import CompiledPlan, compile_template
from .afp.options import AfpOptions, open_writer, tag_buffers
from .errors import DataError, PressrunError
from .fontsubset import embed_cff_subsets
from .reports import DocumentIndex, ExceptionReport, JobReport, RecordException
from .rules import RuleSet, load_rules
from .sources import open_source, sliced
from .template import Template, load_template

_COMPRESSION = {"none": 0, "fast": 1, "small": 2}
# Types the core can show as text; lists and structs feed tables (later issue).
_TEXT_TYPES = (pa.types.is_string, pa.types.is_large_string, pa.types.is_integer,
               pa.types.is_floating, pa.types.is_decimal128, pa.types.is_boolean,
               pa.types.is_date32, pa.types.is_date64, pa.types.is_timestamp)


def _is_text_type(data_type: pa.DataType) -> bool:
    if pa.types.is_dictionary(data_type):
        return _is_text_type(data_type.value_type)
    if getattr(pa.types, "is_string_view", None) and pa.types.is_string_view(data_type):
        return True
    if pa.types.is_null(data_type):
        return True
    return any(check(data_type) for check in _TEXT_TYPES)


@dataclass
class Progress:
    records: int
    pages: int
    elapsed_s: float


def _check_list_column(compiled: CompiledPlan, name: str, data_type: pa.DataType) -> None:
    """A table's rows column: list<struct> holding every required item field."""
    if not ((pa.types.is_list(data_type) or pa.types.is_large_list(data_type))
            and pa.types.is_struct(data_type.value_type)):
        raise DataError(f"column '{name}' feeds a table, so it must be a list of structs; "
                        f"it is {data_type}")
    item_type = data_type.value_type
    children = {item_type.field(i).name: item_type.field(i).type for i in range(item_type.num_fields)}
    for field_name, rows in compiled.item_fields.items():
        if rows != name:
            continue
        child = field_name.partition(".")[2]
        if child not in children:
            if compiled.template.fields[field_name].required:
                raise DataError(f"the items of column '{name}' have no field '{child}', which the "
                                f"template requires (they have: {', '.join(children)})")
            continue
        if not _is_text_type(children[child]):
            raise DataError(f"'{name}.{child}' has type {children[child]}, which cannot be "
                            "shown as text")


def _field_columns(compiled: CompiledPlan, schema: pa.Schema) -> np.ndarray:
    """Child index of each plan field in the batch; -1 for an absent optional
    one and for fields that are not columns (page numbers, table items)."""
    columns = []
    names = schema.names
    for name in compiled.field_names:
        if compiled.column_of(name) is None:
            columns.append(-1)
            continue
        spec = compiled.template.fields.get(name)
        required = spec.required if spec is not None else True
        if name not in names:
            if required:
                raise DataError(
                    f"the data has no column '{name}', which the template requires "
                    f"(columns: {', '.join(names)})"
                )
            columns.append(-1)
            continue
        data_type = schema.field(name).type
        if name in compiled.list_fields:
            _check_list_column(compiled, name, data_type)
        elif not _is_text_type(data_type):
            raise DataError(f"column '{name}' has type {data_type}, which cannot be shown as text")
        columns.append(names.index(name))
    return np.asarray(columns, dtype=np.int32)


def _keys(batch: pa.RecordBatch, key_fields: Sequence[str]) -> pa.Array:
    """'name=value; ...' per row, for the reports (vectorised)."""
    if not key_fields:
        return pa.nulls(batch.num_rows, pa.string()).fill_null("")
    parts = []
    for name in key_fields:
        column = pc.fill_null(batch.column(name).cast(pa.string()), "")
        parts.append(pc.binary_join_element_wise(pa.scalar(f"{name}="), column, ""))
    if len(parts) == 1:
        return parts[0]
    return pc.binary_join_element_wise(*parts, "; ")


def compose(
    source,
    template: "str | os.PathLike | Template",
    out: "str | os.PathLike | io.RawIOBase",
    *,
    compression: str = "fast",
    key_fields: Sequence[str] = (),
    batch_size: int = 2048,
    reports_dir: "str | os.PathLike | None" = None,
    title: Optional[str] = None,
    progress: Optional[Callable[[Progress], None]] = None,
    threads: Optional[int] = None,
    rules: "str | os.PathLike | RuleSet | None" = None,
    format: str = "pdf",
    afp_out: "str | os.PathLike | None" = None,
    afp: Optional[AfpOptions] = None,
) -> JobReport:
    """Composes every record of `source` with `template` into one PDF at `out`.

    format: "pdf", "afp" (one AFP print file at `out`, a page group per
    record) or "both" (the PDF at `out` and the AFP at `afp_out`, default
    `out` with the suffix .afp), laid out once. afp: the AFP index tags,
    printer fonts and barcode options; every page group also carries the
    tag "Record", the input record number.

    source: a data file path, a pyarrow Table/RecordBatchReader, or any Arrow
    PyCapsule producer (polars, duckdb). Records that cannot be composed go to
    the exception report (`<out>.exceptions.parquet` and `.csv`) and the job
    goes on. Returns the JobReport; raises if the counts do not reconcile.

    rules: a rules file (YAML) or RuleSet; its rules become columns the
    template can show and test, evaluated per batch. A record for which a
    rule fails goes to the exception report with the rule's name.

    threads: how many threads deflate the page streams (default: the cores
    this process may use, at most 4); with AFP output and two or more, one
    writes the pieces of a batch while the next is laid out. The output is
    the same bytes whatever the number.
    """
    started = time.perf_counter()
    if compression not in _COMPRESSION:
        raise ValueError(f"compression must be one of {', '.join(_COMPRESSION)}")
    if format not in ("pdf", "afp", "both"):
        raise ValueError("format must be pdf, afp or both")
    afp = afp if afp is not None else AfpOptions()
    if not isinstance(template, Template):
        template = load_template(template)
    compiled = compile_template(template)
    reader = open_source(source)
    rule_set = None
    schema = reader.schema
    if rules is not None:
        rule_set = rules if isinstance(rules, RuleSet) else load_rules(rules)
        program = rule_set.compile(schema)
        schema = pa.schema(list(schema) + [pa.field(r.name, r.type) for r in program.rules])
    field_columns = _field_columns(compiled, schema)
    for name in key_fields:
        if name not in reader.schema.names:
            raise DataError(f"key field '{name}' is not a column of the data")
    if format != "pdf":
        try:
            afp.check(schema.names)
        except PressrunError as exc:
            raise DataError(str(exc)) from None

    out_path, sink, temporary = _open_sink(out)
    report_base = _report_base(out_path, reports_dir)
    writer = None
    thread_count = _deflate_threads(threads)
    # AFP is written from held pages, on a thread of its own when there are two.
    pipelined = format != "pdf" and thread_count >= 2
    if format != "afp":
        writer = _native.PdfWriter(compiled.plan, _COMPRESSION[compression],
                                   title=title or template.name, producer="pressrun",
                                   deflate_threads=thread_count - 1 if pipelined else thread_count)
    afp_writer = afp_path = afp_sink = afp_temporary = None
    tag_names = list(afp.index) + ["Record"]
    if format == "afp":
        afp_writer, afp_path, afp_sink, afp_temporary = open_writer(compiled, afp, tag_names=tag_names), out_path, sink, temporary
    elif format == "both":
        afp_target = afp_out if afp_out is not None else (
            out_path.with_suffix(".afp") if out_path is not None else None)
        if afp_target is None:
            raise ValueError("format='both' with a stream as `out` needs afp_out")
        if out_path is not None and Path(afp_target).resolve() == out_path.resolve():
            _abandon(sink, temporary)
            raise ValueError(f"format='both': the AFP and the PDF would both be {out_path}")
        afp_path, afp_sink, afp_temporary = _open_sink(afp_target)
        afp_writer = open_writer(compiled, afp, tag_names=tag_names)
    composer = pieces = None
    if afp_writer is None:
        composer = _native.Composer(compiled.plan)
    else:
        pieces = _PieceOutput(compiled.plan, writer, sink, afp_writer, afp_sink, afp, pipelined)
    exceptions_parquet = report_base.with_name(report_base.name + ".exceptions.parquet")
    exceptions_csv = report_base.with_name(report_base.name + ".exceptions.csv")
    exceptions = ExceptionReport(exceptions_parquet, exceptions_csv)
    index = DocumentIndex(report_base.with_name(report_base.name + ".documents.parquet"))
    report = JobReport(output=str(out_path) if out_path else "")
    try:
        for batch in sliced(reader, batch_size):
            keys = _keys(batch, key_fields)
            records = np.arange(report.records_in, report.records_in + batch.num_rows, dtype=np.int64)
            records_end = report.records_in + batch.num_rows
            if rule_set is not None:
                batch, keys, records = _apply_rules(rule_set, batch, keys, records, exceptions)
            schema_capsule, array_capsule = batch.__arrow_c_array__()
            if pieces is None:
                first_pages, page_counts, errors = composer.compose_pdf(
                    writer, schema_capsule, array_capsule, field_columns)
                writer.write_output(sink)
            else:
                first_pages, page_counts, errors = pieces.compose(
                    batch, records, schema_capsule, array_capsule, field_columns)
            for row, field_index, message in errors:
                field_name = compiled.field_names[field_index] if field_index >= 0 else ""
                exceptions.add(RecordException(int(records[row]), keys[row].as_py(), field_name, message))
            exceptions.flush()
            composed = page_counts > 0
            index.add_batch(records[composed], keys.filter(pa.array(composed)),
                            first_pages[composed], page_counts[composed])
            report.records_in = int(records_end)
            report.documents += int(composed.sum())
            report.pages = pieces.pages if pieces is not None else writer.page_count
            if progress is not None:
                progress(Progress(report.records_in, report.pages, time.perf_counter() - started))
        if pieces is not None:
            pieces.close()
        if writer is not None:
            embed_cff_subsets(writer, compiled.fonts)
            writer.finish()
            writer.write_output(sink)
        if afp_writer is not None:
            afp_writer.finish()
            afp_writer.write_output(afp_sink)
    except BaseException:
        if pieces is not None:
            pieces.close(failed=True)
        index.close()
        exceptions.close()
        _abandon(sink, temporary)
        if afp_sink is not None and afp_sink is not sink:
            _abandon(afp_sink, afp_temporary)
        raise
    index.close()
    exceptions.close()
    _close_sink(sink, temporary, out_path)
    if afp_sink is not None and afp_sink is not sink:
        _close_sink(afp_sink, afp_temporary, afp_path)

    report.exceptions = len(exceptions)
    report.bytes_written = (writer or afp_writer).bytes_written
    report.elapsed_s = time.perf_counter() - started
    report.outputs = {
        "pdf": str(out_path) if out_path and writer is not None else "",
        "afp": str(afp_path) if afp_path else "",
        "documents": str(index.path),
        "exceptions_parquet": str(exceptions_parquet),
        "exceptions_csv": str(exceptions_csv),
        "report": str(report_base.with_name(report_base.name + ".report.json")),
    }
    report.reconcile()
    report.write_json(Path(report.outputs["report"]))
    return report


_NO_MARKS = (np.zeros(0, np.uint8), np.zeros(0, np.uint8), np.zeros((0, 5), np.float32),
             np.zeros(0, np.uint64), b"", np.zeros(1, np.uint64))


class _PieceOutput:
    """Lays batches out and writes each record as a document of the PDF
    (when there is one) and a page group of the AFP, from the one layout.

    Pipelined (two threads or more): batch k is written on a thread while
    batch k+1 is laid out by a second composer; the writers and their sinks
    are used by that thread alone, and the bytes are the same either way."""

    def __init__(self, plan, writer, sink, afp_writer, afp_sink, afp: AfpOptions, pipelined: bool):
        self.writer, self.sink, self.afp_writer, self.afp_sink, self.afp = writer, sink, afp_writer, afp_sink, afp
        self.composers = [_native.Composer(plan) for _ in range(2 if pipelined else 1)]
        self.thread = ThreadPoolExecutor(1, thread_name_prefix="pressrun-writer") if pipelined else None
        self.writing: dict[int, object] = {}   # composer slot -> the future writing its pages
        self.slot = 0
        self.pages = 0                         # pages handed to the writers so far

    def compose(self, batch: pa.RecordBatch, records: np.ndarray, schema_capsule, array_capsule,
                field_columns):
        """(first page in the output, page count, record errors), as compose_pdf gives."""
        self.slot = (self.slot + 1) % len(self.composers)
        self.wait(self.slot)   # its pages of two batches ago are written
        composer = self.composers[self.slot]
        first_pages, page_counts, errors = composer.layout_batch(schema_capsule, array_capsule,
                                                                 field_columns)
        composed = page_counts > 0
        starts = np.zeros(int(composed.sum()) + 1, dtype=np.uint64)
        np.cumsum(page_counts[composed], out=starts[1:])
        # Failed records leave no held pages: the held pages are the documents in order.
        pages = np.arange(composer.held_pages, dtype=np.int64)
        keep = pa.array(composed)
        values = [batch.column(column).filter(keep) for column in self.afp.index.values()]
        values.append(pa.array(records[composed]))
        tags = tag_buffers(values)
        out_first = np.full(len(page_counts), -1, dtype=np.int64)
        out_first[composed] = self.pages + starts[:-1].astype(np.int64)
        self.pages += int(starts[-1])
        task = (composer, pages, starts, tags, len(values))
        if self.thread is not None:
            self.writing[self.slot] = self.thread.submit(self._write, *task)
        else:
            self._write(*task)
        return out_first, page_counts, errors

    def _write(self, composer, pages, starts, tags, tag_count) -> None:
        if self.writer is not None:
            composer.write_pieces(self.writer, pages, starts, *_NO_MARKS)
            self.writer.write_output(self.sink)
        composer.write_pieces(self.afp_writer, pages, starts, *_NO_MARKS, tag_texts=tags[0],
                              tag_offsets=tags[1], tag_count=tag_count)
        self.afp_writer.write_output(self.afp_sink)

    def wait(self, slot: Optional[int] = None, failed: bool = False) -> None:
        """Until the writing of `slot` (every slot: None) is done; its error is
        raised unless the job failed already."""
        for key in ([slot] if slot is not None else list(self.writing)):
            future = self.writing.pop(key, None)
            try:
                if future is not None:
                    future.result()
            except BaseException:
                if not failed:
                    raise

    def close(self, failed: bool = False) -> None:
        self.wait(failed=failed)
        if self.thread is not None:
            self.thread.shutdown(wait=True)


def _apply_rules(rule_set: RuleSet, batch: pa.RecordBatch, keys: pa.Array, records: np.ndarray,
                 exceptions: ExceptionReport):
    """The batch with its rule columns, less the records a rule failed for
    (they go to the exception report with the rule's name)."""
    result = rule_set.evaluate(batch)
    if not result.errors:
        return result.batch, keys, records
    failed = np.zeros(batch.num_rows, dtype=bool)
    for row, rule_name, reason in result.errors:
        if not failed[row]:  # the first failing rule of a record names it
            exceptions.add(RecordException(int(records[row]), keys[row].as_py(), rule_name,
                                           f"rule '{rule_name}': {reason}"))
        failed[row] = True
    keep = pa.array(~failed)
    return result.batch.filter(keep), keys.filter(keep), records[~failed]


def _deflate_threads(threads: Optional[int]) -> int:
    if threads is None:
        try:
            available = len(os.sched_getaffinity(0))
        except (AttributeError, OSError):
            available = os.cpu_count() or 1
        return max(1, min(4, available))
    if not isinstance(threads, int) or threads < 1 or threads > 8:
        raise ValueError(f"threads must be an integer from 1 to 8, got {threads!r}")
    return threads


def _open_sink(out):
    """(final path or None, writable, temporary path or None)."""
    if hasattr(out, "write"):
        return None, out, None
    out_path = Path(out)
    if out_path.parent and not out_path.parent.exists():
        out_path.parent.mkdir(parents=True, exist_ok=True)
    # Written under a temporary name and renamed at the end: a failed job
    # never leaves a file that looks like a finished print stream.
    temporary = out_path.with_name(out_path.name + ".partial")
    return out_path, open(temporary, "wb", buffering=1 << 20), temporary


def _report_base(out_path: Optional[Path], reports_dir) -> Path:
    base = out_path if out_path is not None else Path("pressrun-job")
    if reports_dir is not None:
        Path(reports_dir).mkdir(parents=True, exist_ok=True)
        return Path(reports_dir) / base.name
    return base


def _abandon(sink, temporary: Optional[Path]) -> None:
    if temporary is not None:
        sink.close()
        temporary.unlink(missing_ok=True)


def _close_sink(sink, temporary: Optional[Path], out_path: Optional[Path]) -> None:
    if temporary is not None:
        sink.close()
        os.replace(temporary, out_path)
