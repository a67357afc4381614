"""The production job: records in, mail pieces out, every record accounted for.

    read all records -> rules and the profile's conditions -> suppressed,
    failed and bad postal data to their reports -> householding and presort
    into pieces -> per chunk of pieces: compose (pages held in the core) ->
    sheets, stocks, streams -> marks -> write each piece into its stream's
    current print file -> manifest, JDF tickets, job report -> reconcile.

The whole input is read first: householding and presort need every record
before the first piece can be placed. Pieces are composed a chunk at a time,
so memory is the data plus one chunk of held pages.
"""
from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .. import _native
from ..afp.options import open_writer, tag_buffers
from ..compile import compile_template
from ..errors import DataError, PressrunError, ProfileError, ReconciliationError
from ..job import _COMPRESSION, _deflate_threads, _field_columns, _keys
from ..reports import ExceptionReport, RecordException
from ..rules import RuleSet, load_rules
from ..sources import open_source
from ..template import Template, load_template
from . import marks as marks_
from .clearzone import check_clear_zones
from .arrays import ranks_in_runs
from .grouping import plan_pieces
from .jobreport import write_job_report
from .manifest import MANIFEST_SCHEMA, SUPPRESSED_SCHEMA, ManifestWriter
from .printfiles import PrintFile, PrintFiles
from .profile import Profile, load_profile
from .reconcile import Reconciliation, check_or_raise, sha256_of
from .reprint import ReprintSelection
from .sheets import choose_streams, lay_out_sheets
from .summary import job_summary, with_mail_trays

_RULE_ROWS = 65536
PIECE_ID_DIGITS = 8


@dataclass
class ProductionResult:
    job_id: str
    job_dir: Path
    summary: dict
    reconciliation: Optional[Reconciliation]


class _Classified:
    """Per record: the values of the profile's conditions (bool, null = false),
    whether a rule failed for it, and the job's rule results (one column each)."""

    def __init__(self, n: int, profile: Profile):
        self.conditions = {name: np.zeros(n, bool) for name in profile.conditions}
        self.failed = np.zeros(n, bool)
        self.rule_columns: Optional[pa.Table] = None


def produce(source, template: "str | os.PathLike | Template", profile: "str | os.PathLike | Profile",
            out_dir: "str | os.PathLike", *, rules=None, job_id: Optional[str] = None,
            key_fields: Sequence[str] = (), threads: Optional[int] = None, chunk_pieces: int = 1024,
            compression: str = "fast", reprint: Optional["ReprintSelection"] = None,
            verify: bool = True) -> ProductionResult:
    """Composes `source` into mail pieces per the production profile, writing
    into out_dir the print files (PDF + JDF per file), manifest.parquet/.csv,
    exceptions.parquet/.csv, suppressed.parquet, report.json/.html.

    verify: re-read what was written (page counts, sha256, JDF against the
    manifest; pressrun.production.reconcile) and fail the job unless it
    reconciles; the count check (records in = in pieces + suppressed +
    exceptions) always runs. reprint: the pieces to recreate (see
    pressrun.production.reprint)."""
    started = time.perf_counter()
    inputs = job_inputs(source=source, template=template, profile=profile, rules=rules)
    template = template if isinstance(template, Template) else load_template(template)
    profile = profile if isinstance(profile, Profile) else load_profile(profile)
    check_clear_zones(template, profile)
    job_rules = rules if isinstance(rules, RuleSet) or rules is None else load_rules(rules)
    job_id = str(job_id if job_id is not None else profile.job_id)
    profile.check_job_id(reprint.original_job_id if reprint is not None else job_id)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    compiled = compile_template(template)

    table = open_source(source).read_all()
    if reprint is not None:
        table = table.take(pa.array(reprint.records, pa.int64()))
    table = table.combine_chunks()
    n = table.num_rows
    record_numbers = reprint.records if reprint is not None else np.arange(n, dtype=np.int64)
    keys = _keys(table.to_batches()[0], key_fields) if n and key_fields else pa.array([""] * n, pa.string())
    for name in key_fields:
        if name not in table.column_names:
            raise DataError(f"key field '{name}' is not a column of the data")

    exceptions = ExceptionReport(out_dir / "exceptions.parquet", out_dir / "exceptions.csv")
    def exception(row: int, field_name: str, reason: str) -> None:
        exceptions.add(RecordException(int(record_numbers[row]), keys[row].as_py(), field_name, reason))

    state = _classify(table, profile, job_rules, exception)
    # The data as composed: its columns, then the rules' (evaluated once, above).
    composed = table
    if state.rule_columns is not None:
        for name in state.rule_columns.column_names:
            composed = composed.append_column(state.rule_columns.schema.field(name),
                                              state.rule_columns.column(name))
    streams = profile.streams
    candidates = np.zeros((n, len(streams)), bool)
    for s, stream in enumerate(streams):
        candidates[:, s] = state.conditions[stream.when] if stream.when else True
    # A record that meets a stream's condition goes only to streams with conditions it meets.
    conditional = np.array([s.when is not None for s in streams])
    meets_conditional = (candidates & conditional).any(axis=1)
    candidates[meets_conditional[:, None] & ~conditional[None, :]] = False
    first_stream = np.argmax(candidates, axis=1)
    printed_stream = np.array([s.print for s in streams])
    suppressed = ~state.failed & ~printed_stream[first_stream]
    _write_suppressed(out_dir / "suppressed.parquet", profile, record_numbers, keys, suppressed,
                      first_stream)
    # International mail carries no domestic postal barcode, so needs no postal data.
    domestic = np.array([s.print and not s.international for s in streams])
    overseas = ~(candidates & domestic).any(axis=1)
    if profile.postal is not None:
        for bad, field_name, reason in marks_.postal_problems(profile.postal, table):
            for row in np.flatnonzero(bad & ~state.failed & ~suppressed & ~overseas):
                exception(int(row), field_name, f"postal barcode: {reason}")
                state.failed[row] = True
    exceptions.flush()

    printable = np.flatnonzero(~state.failed & ~suppressed)
    pieces = _plan(profile, table, printable)
    record_rows = printable[pieces.order]          # table rows in print order
    piece_starts = pieces.piece_starts
    piece_count = pieces.pieces
    first_rows = record_rows[piece_starts[:-1]]
    piece_numbers = np.arange(1, piece_count + 1, dtype=np.int64)
    if reprint is not None:
        piece_numbers = reprint.piece_numbers_for(record_numbers[first_rows])

    # With two threads or more, one writes the pieces of a chunk while the
    # caller lays out the next (each with its own composer); the writers
    # deflate on the rest. The bytes are the same either way.
    thread_count = _deflate_threads(threads)
    pipelined = thread_count >= 2
    make_afp_writer = None
    if profile.print_format == "afp":
        try:
            profile.afp.check(table.column_names)
        except PressrunError as exc:
            raise ProfileError(f"{profile.source}: output.afp: {exc}") from None

        def make_afp_writer():
            return open_writer(compiled, profile.afp, tag_names=afp_tag_names(profile),
                               medium_maps=profile.medium_maps(),
                               medium_size_pt=(compiled.template.page.width_pt,
                                               compiled.template.page.height_pt))
    files = PrintFiles(profile=profile, plan=compiled.plan, fonts=compiled.fonts, out_dir=out_dir,
                       job_id=job_id, prefix=f"reprint-{job_id}-" if reprint is not None else "",
                       compression=_COMPRESSION[compression],
                       threads=thread_count - 1 if pipelined else thread_count,
                       make_afp_writer=make_afp_writer)
    field_columns = _field_columns(compiled, composed.schema)
    job = _Job(profile=profile, compiled=compiled, files=files, job_id=job_id, reprint=reprint,
               composers=[_native.Composer(compiled.plan) for _ in range(2 if pipelined else 1)],
               writer=ThreadPoolExecutor(1, thread_name_prefix="pressrun-writer") if pipelined else None)
    manifest_parts = []
    per_record = _PerRecord(profile, table, state, record_numbers, keys)
    # One export of the whole data for the core, which reads it in place.
    batches = composed.combine_chunks().to_batches()
    capsules = batches[0].__arrow_c_array__() if batches else None
    try:
        for index, c0 in enumerate(range(0, piece_count, chunk_pieces)):
            chunk = np.arange(c0, min(c0 + chunk_pieces, piece_count))
            part = job.compose_chunk(
                index=index, chunk=chunk, piece_starts=piece_starts, record_rows=record_rows,
                capsules=capsules, field_columns=field_columns, candidates=candidates,
                piece_numbers=piece_numbers, per_record=per_record, exception=exception)
            exceptions.flush()
            if part is not None:
                manifest_parts.append(part)
        job.wait()
        files.close_all()
    except BaseException:
        job.wait(failed=True)
        files.abandon()
        raise
    finally:
        job.shutdown()
        exceptions.close()

    manifest = pa.concat_tables([m for m, _ in manifest_parts]) if manifest_parts else MANIFEST_SCHEMA.empty_table()
    sort_values = pa.concat_arrays([v for _, v in manifest_parts]) if manifest_parts else pa.array([], pa.string())
    manifest, trays = with_mail_trays(manifest, sort_values, profile)
    with ManifestWriter(out_dir / "manifest.parquet", out_dir / "manifest.csv") as writer:
        writer.add(manifest)
    files.write_tickets(manifest)
    summary = job_summary(files, job_id, profile, template, manifest, n, int(suppressed.sum()), len(exceptions),
                       first_stream, suppressed, trays, time.perf_counter() - started, reprint)
    summary["inputs"] = inputs
    summary["key_fields"] = list(key_fields)
    if reprint is not None:
        summary["input_records"] = record_numbers.tolist()
    if summary["records_in"] != summary["records_in_pieces"] + summary["suppressed"] + summary["exceptions"]:
        summary["reconciled"] = False
    write_job_report(out_dir / "report.json", out_dir / "report.html", summary)
    if not summary["reconciled"]:
        raise ReconciliationError(f"job {job_id}: {n} records in, {summary['records_in_pieces']} in "
                                  f"pieces + {summary['suppressed']} suppressed + "
                                  f"{summary['exceptions']} exceptions")
    reconciliation = check_or_raise(out_dir) if verify else None
    return ProductionResult(job_id=job_id, job_dir=out_dir, summary=summary, reconciliation=reconciliation)


def job_inputs(**inputs) -> dict:
    """Files the job read, with their sha256, so that a reprint can find them
    and refuse inputs that changed since (the pieces would differ)."""
    listed = {}
    for name, value in inputs.items():
        if isinstance(value, (str, os.PathLike)) and Path(value).is_file():
            listed[name] = {"path": str(Path(value).resolve()), "sha256": sha256_of(Path(value))}
        else:
            listed[name] = None
    return listed


def _classify(table: pa.Table, profile: Profile, job_rules: Optional[RuleSet], exception) -> _Classified:
    """Evaluates the job's rules and the profile's conditions over all records;
    a record a rule fails for goes to the exception report."""
    state = _Classified(table.num_rows, profile)
    condition_rules = profile.condition_rules()
    rules = list(job_rules.rules if job_rules is not None else []) + \
        list(condition_rules.rules if condition_rules is not None else [])
    if not rules:
        return state
    rule_set = RuleSet(rules, source=job_rules.source if job_rules is not None else profile.source)
    job_rule_names = job_rules.names if job_rules is not None else []
    parts = []
    for start in range(0, table.num_rows, _RULE_ROWS):
        batch = table.slice(start, _RULE_ROWS).combine_chunks().to_batches()
        if not batch:
            continue
        result = rule_set.evaluate(batch[0])
        parts.append(pa.Table.from_batches([result.batch.select(job_rule_names)]))
        for name in state.conditions:
            values = pc.fill_null(result.batch.column(name), False).to_numpy(zero_copy_only=False)
            state.conditions[name][start:start + len(values)] = values
        for row, rule_name, reason in result.errors:
            if not state.failed[start + row]:
                shown = rule_name if not rule_name.startswith("_profile_") else "profile condition"
                exception(start + row, rule_name if shown == rule_name else "",
                          f"rule '{shown}': {reason}")
            state.failed[start + row] = True
    if job_rule_names and parts:
        state.rule_columns = pa.concat_tables(parts).combine_chunks()
    return state


def _plan(profile: Profile, table: pa.Table, printable: np.ndarray):
    household, presort = profile.householding, profile.presort
    columns = set()
    if household:
        columns.update(household.address, household.key)
    if presort:
        columns.update(presort.sort_key)
    missing = sorted(c for c in columns if c not in table.column_names)
    if missing:
        raise DataError(f"the profile groups or sorts by {', '.join(missing)}, which the data does not "
                        f"have (columns: {', '.join(table.column_names)})")
    # The row positions ride along: a table of no columns would have no rows.
    rows = pa.array(printable, pa.int64())
    projection = pa.table([table.column(c).take(rows) for c in sorted(columns)] + [rows],
                          names=sorted(columns) + ["_pressrun_row"])
    return plan_pieces(projection, household_key=household.key if household else (),
                       address_fields=household.address if household else (),
                       sort_key=presort.sort_key if presort else (),
                       max_documents=household.max_documents if household else 0)


class _PerRecord:
    """What pieces take from their records: feed bits, divert, duplex, insert
    and stock conditions, postal payload, postcode and country."""

    def __init__(self, profile: Profile, table: pa.Table, state: _Classified, record_numbers, keys):
        n = table.num_rows
        self.record_numbers, self.keys = record_numbers, keys
        self.conditions = state.conditions
        self.feeds = np.zeros(n, np.int64)
        self.divert = np.zeros(n, bool)
        if profile.inserter is not None:
            for station, condition in profile.inserter.feeds.items():
                self.feeds |= state.conditions[condition].astype(np.int64) << (station - 1)
            if profile.inserter.divert is not None:
                self.divert = state.conditions[profile.inserter.divert]
        self.postal = (marks_.postal_payloads(profile.postal, table)
                       if profile.postal is not None else None)
        self.postcode = self._text(table, "postcode")
        self.country = self._text(table, "country")
        # Mail trays break on the first presort key (a postcode or a sort-plan column).
        self.sort_value = self._text(table, profile.presort.sort_key[0]) if profile.presort else self.postcode
        # AFP index tags: the columns the profile names, as text.
        self.index_values = ([self._text(table, column) for column in profile.afp.index.values()]
                             if profile.print_format == "afp" else [])

    @staticmethod
    def _text(table: pa.Table, name: str) -> pa.Array:
        if name not in table.column_names:
            return pa.array([""] * table.num_rows, pa.string())
        return pc.fill_null(pc.cast(table.column(name), pa.string()), "").combine_chunks()


@dataclass
class _Job:
    """Composes chunks of pieces and writes them into the job's print files.

    Chunk k is laid out by composers[k % len(composers)]; its writing (the
    tasks of _write) runs on `writer`, a thread, when there is one, while the
    next chunk is laid out by the other composer."""
    profile: Profile
    compiled: object
    files: PrintFiles
    job_id: str
    reprint: Optional[ReprintSelection]
    composers: list
    writer: Optional[ThreadPoolExecutor]
    sequence: dict = field(default_factory=dict)  # stream -> the inserter sequence counter
    writing: dict = field(default_factory=dict)   # composer slot -> the future writing its pages
    slot: int = 0                                 # the composer of the chunk at hand

    @property
    def composer(self):
        return self.composers[self.slot]

    def wait(self, slot: Optional[int] = None, failed: bool = False) -> None:
        """Until the writing of `slot` (every slot: None) is done; its error is raised
        (unless the job has failed already)."""
        for key in ([slot] if slot is not None else list(self.writing)):
            future = self.writing.pop(key, None)
            if future is None:
                continue
            try:
                future.result()
            except BaseException:
                if not failed:
                    raise

    def shutdown(self) -> None:
        if self.writer is not None:
            self.writer.shutdown(wait=True)

    def compose_chunk(self, *, index, chunk, piece_starts, record_rows, capsules, field_columns,
                      candidates, piece_numbers, per_record, exception) -> Optional[tuple[pa.Table, pa.Array]]:
        profile = self.profile
        self.slot = index % len(self.composers)
        self.wait(self.slot)     # its pages of two chunks ago are written
        counts = piece_starts[chunk + 1] - piece_starts[chunk]
        positions = np.repeat(piece_starts[chunk], counts) + ranks_in_runs(counts)
        rows = record_rows[positions]
        doc_piece = np.repeat(np.arange(len(chunk)), counts)
        # The rows are composed in place, in print order: no copy of the data.
        first_held, page_counts, errors = self.composer.layout_batch(*capsules, field_columns, rows)
        for row, field_index, message in errors:
            name = self.compiled.field_names[field_index] if field_index >= 0 else ""
            exception(int(rows[row]), name, message)
        ok = page_counts > 0
        # Pieces whose every document failed are gone; the rest keep their numbers.
        alive = np.bincount(doc_piece[ok], minlength=len(chunk)) > 0
        if not alive.any():
            return None
        local = np.cumsum(alive) - 1
        rows, doc_piece, first_held, page_counts = rows[ok], local[doc_piece[ok]], first_held[ok], page_counts[ok]
        chunk = chunk[alive]
        first_rows = rows[np.searchsorted(doc_piece, np.arange(len(chunk)))]
        sheets = self._sheets(doc_piece, first_held, page_counts, first_rows, per_record)
        stream = choose_streams(profile, candidates[first_rows], sheets.sheets, sheets.weight_g)
        if (stream < 0).any():
            for p in np.flatnonzero(stream < 0):
                reason = (f"the mail piece needs {int(sheets.sheets[p])} sheets, "
                          f"{sheets.weight_g[p]:.1f} g of paper: no stream of the profile takes it")
                for row in rows[doc_piece == p]:
                    exception(int(row), "", reason)
            keep = stream >= 0
            if not keep.any():
                return None
            remap = np.cumsum(keep) - 1
            docs = keep[doc_piece]
            rows, doc_piece, first_held, page_counts = rows[docs], remap[doc_piece[docs]], first_held[docs], page_counts[docs]
            chunk, first_rows, stream = chunk[keep], first_rows[keep], stream[keep]
            sheets = self._sheets(doc_piece, first_held, page_counts, first_rows, per_record)
        return self._write(chunk=chunk, rows=rows, doc_piece=doc_piece, first_rows=first_rows,
                           stream=stream, sheets=sheets, piece_numbers=piece_numbers[chunk],
                           per_record=per_record)

    def _sheets(self, doc_piece, first_held, page_counts, first_rows, per_record):
        profile = self.profile
        duplex = (per_record.conditions[profile.duplex_when][first_rows] if profile.duplex_when
                  else np.full(len(first_rows), profile.duplex))
        inserts = np.zeros((len(first_rows), len(profile.inserts)), bool)
        for i, rule in enumerate(profile.inserts):
            inserts[:, i] = per_record.conditions[rule.when][first_rows]
        stock_when = {r.when: per_record.conditions[r.when][first_rows]
                      for r in profile.stock_rules if r.when}
        return lay_out_sheets(profile, doc_piece=doc_piece, doc_first=first_held,
                              doc_pages=page_counts.astype(np.int64), piece_count=len(first_rows),
                              duplex=duplex, inserts=inserts, stock_when=stock_when)

    def _sequences(self, stream: np.ndarray, sheets, piece_numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The inserter sequence of each piece's first sheet and of every sheet:
        counted per stream in print order (sheets or pieces, as the scheme says);
        a reprint keeps the original's."""
        profile = self.profile
        per_sheet = profile.inserter is None or getattr(profile.inserter.scheme, "sequence_per", "sheet") == "sheet"
        piece_sequence = np.zeros(len(stream), np.int64)
        for s in np.unique(stream):
            name = profile.streams[s].name
            in_stream = np.flatnonzero(stream == s)
            if self.reprint is not None:
                starts = np.array([self.reprint.sequence_of_piece[int(k)] for k in piece_numbers[in_stream]])
            else:
                units = sheets.sheets[in_stream] if per_sheet else np.ones(len(in_stream), np.int64)
                starts = self.sequence.get(name, 0) + np.cumsum(units) - units
                self.sequence[name] = self.sequence.get(name, 0) + int(units.sum())
            piece_sequence[in_stream] = starts
        sheet_sequence = piece_sequence[sheets.sheet_piece] + ((sheets.sheet_number - 1) if per_sheet else 0)
        return piece_sequence, sheet_sequence

    def _marks(self, *, stream, sheets, piece_numbers, sequence, feeds, divert, first_rows, per_record):
        """The chunk's marks, the inserter payload per sheet and the postal text per piece."""
        profile = self.profile
        parts, sheet_payloads = [], []
        if profile.inserter is not None:
            inserter, sheet_payloads = marks_.inserter_marks(
                profile.inserter.scheme, job_id=self.reprint.original_job_id if self.reprint else self.job_id,
                sheet_front=sheets.sheet_front, piece_number=piece_numbers[sheets.sheet_piece],
                sheet_number=sheets.sheet_number, sheets=sheets.sheets[sheets.sheet_piece],
                sequence=sequence, feeds=feeds[sheets.sheet_piece], divert=divert[sheets.sheet_piece])
            parts.append(inserter)
        postal_texts = [""] * len(stream)
        if profile.postal is not None:
            domestic = np.flatnonzero(~np.array([profile.streams[s].international for s in stream.tolist()], bool))
            texts = per_record.postal.take(pa.array(first_rows[domestic], pa.int64())).to_pylist()
            for p, text in zip(domestic.tolist(), texts):
                postal_texts[p] = text
            parts.append(marks_.postal_marks(profile.postal, sheets.piece_page_starts[:-1][domestic], texts))
        return marks_.concat(parts), sheet_payloads, postal_texts

    def _write(self, *, chunk, rows, doc_piece, first_rows, stream, sheets, piece_numbers,
               per_record) -> tuple[pa.Table, pa.Array]:
        profile = self.profile
        piece_count = len(chunk)
        piece_sequence, sequence = self._sequences(stream, sheets, piece_numbers)
        first_docs = np.searchsorted(doc_piece, np.arange(piece_count))
        feeds = np.bitwise_or.reduceat(per_record.feeds[rows], first_docs)      # any record's insert
        divert = np.logical_or.reduceat(per_record.divert[rows], first_docs)    # any record diverts
        all_marks, sheet_payloads, postal_texts = self._marks(
            stream=stream, sheets=sheets, piece_numbers=piece_numbers, sequence=sequence, feeds=feeds,
            divert=divert, first_rows=first_rows, per_record=per_record)
        # Each stream's pieces into its current file, a new file at the limits.
        tasks = []
        files = np.empty(piece_count, object)
        first_page = np.zeros(piece_count, np.int64)
        page_counts = sheets.page_counts
        for s in np.unique(stream):
            in_stream = np.flatnonzero(stream == s)
            start = 0
            while start < len(in_stream):
                pending = page_counts[in_stream[start:]]
                print_file = self.files.current(profile.streams[s].name, pending)
                tasks += [(self.files.close, (retired,)) for retired in self.files.retired]
                self.files.retired.clear()
                take = self.files.room(print_file, pending)
                group = in_stream[start:start + take]
                base = print_file.pages
                first_page[group] = base + 1 + np.cumsum(page_counts[group]) - page_counts[group]
                files[group] = print_file.name
                tasks.append(self._write_group(print_file, group, sheets, all_marks, piece_numbers,
                                               first_rows, per_record))
                start += take
        if self.writer is not None:
            self.writing[self.slot] = self.writer.submit(_run, tasks)
        else:
            _run(tasks)
        return self._manifest(chunk=chunk, rows=rows, doc_piece=doc_piece, stream=stream, sheets=sheets,
                              piece_numbers=piece_numbers, files=files, first_page=first_page,
                              piece_sequence=piece_sequence, feeds=feeds, divert=divert,
                              sheet_payloads=sheet_payloads, postal_texts=postal_texts,
                              first_rows=first_rows, per_record=per_record)

    def _afp_arguments(self, group, lengths, sheets, piece_numbers, first_rows, per_record) -> dict:
        """Each page's medium map (its sheet's stock and sides) and each piece's
        index tags (piece id, then the profile's columns of its first record)."""
        page_piece = np.repeat(group, lengths)
        pps = sheets.pages_per_sheet[page_piece]
        sheet = sheets.piece_sheet_starts[page_piece] + ranks_in_runs(lengths) // pps
        map_of = np.array([[self.profile.medium_map_index(name, duplex) for duplex in (False, True)]
                           for name in sheets.stock_names], np.uint16).reshape(-1, 2)
        media = map_of[sheets.sheet_stock[sheet], (pps == 2).astype(np.int64)]
        ids = pc.utf8_lpad(pc.cast(pa.array(piece_numbers[group]), pa.string()), PIECE_ID_DIGITS, "0")
        take = pa.array(first_rows[group], pa.int64())
        values = [ids] + [column.take(take) for column in per_record.index_values]
        tag_texts, tag_offsets = tag_buffers(values)
        return {"tag_texts": tag_texts, "tag_offsets": tag_offsets, "tag_count": len(values),
                "page_media": media}

    def _write_group(self, print_file: PrintFile, group: np.ndarray, sheets, all_marks, piece_numbers,
                     first_rows, per_record):
        """The task that writes a group of pieces into a file (the file's counts
        are updated now, so that the next pieces know where they start)."""
        starts, ends = sheets.piece_page_starts[group], sheets.piece_page_starts[group + 1]
        lengths = ends - starts
        old_pages = np.repeat(starts, lengths) + ranks_in_runs(lengths)
        page_map = np.full(len(sheets.pages), -1, np.int64)
        page_map[old_pages] = np.arange(len(old_pages))
        selected = marks_.select(all_marks, page_map)
        texts, offsets = marks_.text_buffer(selected.texts)
        piece_starts = np.zeros(len(group) + 1, np.uint64)
        np.cumsum(lengths, out=piece_starts[1:])
        afp = None
        if self.profile.print_format == "afp":
            afp = self._afp_arguments(group, lengths, sheets, piece_numbers, first_rows, per_record)
        arguments = (self.composer, print_file, sheets.pages[old_pages], piece_starts, selected, texts,
                     offsets, afp)
        print_file.pieces += len(group)
        print_file.pages += int(lengths.sum())
        in_group = np.zeros(len(sheets.pages_per_sheet), bool)
        in_group[group] = True
        sheet_mask = in_group[sheets.sheet_piece]
        print_file.sheet_stocks.append(sheets.sheet_stock[sheet_mask])
        print_file.sheet_pps.append(sheets.pages_per_sheet[sheets.sheet_piece[sheet_mask]])
        return _write_pieces, arguments

    def _manifest(self, *, chunk, rows, doc_piece, stream, sheets, piece_numbers, files, first_page,
                  piece_sequence, feeds, divert, sheet_payloads, postal_texts, first_rows,
                  per_record) -> tuple[pa.Table, pa.Array]:
        """The chunk's manifest rows, and each piece's presort value (for the mail trays)."""
        profile = self.profile
        piece_count = len(chunk)
        doc_offsets = pa.array(np.concatenate([[0], np.cumsum(np.bincount(doc_piece, minlength=piece_count))]),
                               pa.int32())
        sheet_offsets = pa.array(sheets.piece_sheet_starts, pa.int32())
        stock_names = np.array(sheets.stock_names, object)
        tray_names = np.array([profile.tray_of(s) for s in sheets.stock_names], object)
        stations = 0
        if profile.inserter is not None and profile.inserter.feeds:
            stations = max(profile.inserter.feeds)
        bits = ((feeds[:, None] >> np.arange(stations)) & 1).astype(np.uint8) + ord("0")
        feed_text = pa.array(bits.tobytes().decode("ascii")[i * stations:(i + 1) * stations]
                             for i in range(piece_count)) if stations else pa.array([""] * piece_count)
        streams = profile.streams
        envelope = [streams[s].envelope for s in stream.tolist()]
        weight = sheets.weight_g + np.array([profile.envelopes[e].weight_g for e in envelope])
        symbology = profile.postal.symbology if profile.postal else ""
        bars = _postal_bars(symbology, postal_texts) if profile.postal is not None else [""] * piece_count
        symbols = [symbology if text else "" for text in postal_texts]
        payload_values = pa.array(sheet_payloads if sheet_payloads else [""] * len(sheets.sheet_piece), pa.string())
        columns = {
            "piece_id": pc.utf8_lpad(pc.cast(pa.array(piece_numbers), pa.string()), PIECE_ID_DIGITS, "0"),
            "job_id": pa.repeat(self.job_id, piece_count),
            "record_ids": pa.ListArray.from_arrays(doc_offsets, pa.array(per_record.record_numbers[rows], pa.int64())),
            "record_keys": pa.ListArray.from_arrays(doc_offsets, per_record.keys.take(pa.array(rows, pa.int64()))),
            "stream": pa.array([s.name for s in streams], pa.string()).take(pa.array(stream)),
            "file": pa.array(files.tolist(), pa.string()),
            "first_page": pa.array(first_page, pa.int64()),
            "pages": pa.array(sheets.page_counts, pa.int32()),
            "sheets": pa.array(sheets.sheets, pa.int32()),
            "duplex": pa.array(sheets.pages_per_sheet == 2, pa.bool_()),
            "envelope": pa.array(envelope, pa.string()),
            "weight_g": pa.array(np.round(weight, 3), pa.float64()),
            "stocks": pa.ListArray.from_arrays(sheet_offsets, pa.array(list(stock_names), pa.string()).take(pa.array(sheets.sheet_stock))),
            "trays": pa.ListArray.from_arrays(sheet_offsets, pa.array(list(tray_names), pa.string()).take(pa.array(sheets.sheet_stock))),
            "sequence": pa.array(piece_sequence, pa.int64()),
            "feeds": pa.array(feed_text, pa.string()),
            "divert": pa.array(divert, pa.bool_()),
            "mark_payloads": pa.ListArray.from_arrays(sheet_offsets, payload_values),
            "postal_symbology": pa.array(symbols, pa.string()),
            "postal_payload": pa.array(postal_texts, pa.string()),
            "postal_bars": pa.array(bars, pa.string()),
            "postcode": per_record.postcode.take(pa.array(first_rows, pa.int64())),
            "country": per_record.country.take(pa.array(first_rows, pa.int64())),
            "mail_tray": pa.array(np.zeros(piece_count, np.int32), pa.int32()),
        }
        return pa.table(columns, schema=MANIFEST_SCHEMA), per_record.sort_value.take(pa.array(first_rows, pa.int64()))

def afp_tag_names(profile: Profile) -> list[str]:
    """The index tags (TLE) of every AFP page group: the piece id, then the profile's."""
    return ["PieceId", *profile.afp.index]


def _write_pieces(composer, print_file: PrintFile, pages, piece_starts, marks, texts, offsets,
                  afp: Optional[dict]) -> None:
    composer.write_pieces(print_file.writer, pages, piece_starts, marks.kinds, marks.options, marks.geometry,
                          marks.pages.astype(np.uint64), texts, offsets, **(afp or {}))
    print_file.writer.write_output(print_file.sink)


def _run(tasks) -> None:
    for task, arguments in tasks:
        task(*arguments)


def _postal_bars(symbology: str, texts: list[str]) -> list[str]:
    """The bars the core draws for each payload (its own encoder, checked
    payloads); "" for a piece without a postal barcode."""
    encode = _native.auspost_encode if symbology == "auspost" else _native.imb_encode
    return [encode(*text.split("|")) if text else "" for text in texts]


def _write_suppressed(path: Path, profile: Profile, record_numbers, keys, suppressed, first_stream) -> None:
    rows = np.flatnonzero(suppressed)
    names = [profile.streams[s].name for s in first_stream[rows].tolist()]
    reasons = [f"stream '{name}' is not printed" for name in names]
    table = pa.table({"record": pa.array(record_numbers[rows], pa.int64()),
                      "key": keys.take(pa.array(rows, pa.int64())),
                      "stream": pa.array(names, pa.string()),
                      "reason": pa.array(reasons, pa.string())}, schema=SUPPRESSED_SCHEMA)
    pq.write_table(table, path)


