"""The independent reconciliation of a finished job directory.

It trusts none of the driver's bookkeeping: it re-reads the files the job
left (report.json, manifest.parquet, suppressed.parquet, exceptions.parquet,
the PDFs with pikepdf, the JDF tickets) and proves that every input record
ended in exactly one place and that every print file is the one the
manifest and the report describe. Run after each job and by
`pressrun reconcile JOBDIR`.
"""
from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pikepdf
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..errors import ReconciliationError
from .jdf import SheetRun, read_jdf_runs
from .jobreport import read_job_report
from .manifest import conform

MANIFEST_COLUMNS = ["piece_id", "record_ids", "file", "first_page", "pages", "sheets", "stocks", "trays"]
NAMED_AT_MOST = 10  # record numbers, pieces or sheets named per problem


@dataclass
class Reconciliation:
    ok: bool
    problems: list[str] = field(default_factory=list)
    records_in: int = 0
    in_pieces: int = 0
    suppressed: int = 0
    exceptions: int = 0
    files_checked: int = 0


def _some(values) -> str:
    """Up to NAMED_AT_MOST values, and how many more there are."""
    values = list(values)
    shown = ", ".join(str(v) for v in values[:NAMED_AT_MOST])
    return shown + (f" and {len(values) - NAMED_AT_MOST:,} more" if len(values) > NAMED_AT_MOST else "")


def sha256_of(path: Path) -> str:
    """The file's sha256, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_manifest(path: Path, problems: list[str]) -> pa.Table | None:
    """Only the columns the checks need (a manifest can be millions of rows),
    after checking the whole schema."""
    try:
        conform(pq.read_schema(path).empty_table())
        return pq.read_table(path, columns=MANIFEST_COLUMNS).combine_chunks()
    except FileNotFoundError:
        problems.append(f"{path.name} is missing")
    except (ValueError, pa.ArrowException) as error:
        problems.append(f"{path.name} cannot be read: {error}")
    return None


def _read_records(path: Path, problems: list[str]) -> np.ndarray | None:
    try:
        column = pq.read_table(path, columns=["record"])["record"]
    except FileNotFoundError:
        problems.append(f"{path.name} is missing")
        return None
    except (ValueError, KeyError, pa.ArrowException) as error:
        problems.append(f"{path.name} cannot be read (it needs an int64 column 'record'): {error}")
        return None
    if column.null_count:
        problems.append(f"{path.name} has {column.null_count:,} rows with no record number")
    return column.fill_null(-1).to_numpy().astype(np.int64, copy=False)


def _check_counts(report: dict, records_in: int, in_pieces: int, pieces: int | None,
                  suppressed: np.ndarray | None, exceptions: np.ndarray | None, problems: list[str]) -> None:
    n_suppressed = len(suppressed) if suppressed is not None else 0
    n_exceptions = len(exceptions) if exceptions is not None else 0
    accounted = in_pieces + n_suppressed + n_exceptions
    if records_in != accounted:
        problems.append(f"{records_in:,} records in, but {in_pieces:,} in pieces + {n_suppressed:,} suppressed"
                        f" + {n_exceptions:,} exceptions = {accounted:,}")
    claims = [("records_in_pieces", in_pieces, "the manifest's pieces hold"),
              ("pieces", pieces, "manifest.parquet has"),
              ("suppressed", len(suppressed) if suppressed is not None else None, "suppressed.parquet has"),
              ("exceptions", len(exceptions) if exceptions is not None else None, "exceptions.parquet has")]
    for key, found, where in claims:
        if found is not None and key in report and report[key] != found:
            problems.append(f"report.json says {key} = {report[key]}, but {where} {found:,}")


def _check_each_record_once(records_in: int, sources: dict[str, np.ndarray], manifest: pa.Table | None,
                            problems: list[str]) -> None:
    """Every record 0..records_in-1 exactly once across pieces, suppressed
    and exceptions, counted with bincount so millions of records are cheap."""
    counts = {}
    for name, records in sources.items():
        outside = records[(records < 0) | (records >= records_in)]
        if len(outside):
            problems.append(f"{name} has {len(outside):,} record numbers outside 0..{records_in - 1}: "
                            f"{_some(np.unique(outside))}")
        inside = records[(records >= 0) & (records < records_in)]
        counts[name] = np.bincount(inside, minlength=records_in)
    if not counts:
        return
    total = sum(counts.values())
    missing = np.flatnonzero(total == 0)
    if len(missing):
        problems.append(f"{len(missing):,} records are in no piece, not suppressed and not an exception: "
                        f"record {_some(missing)}")
    duplicated = np.flatnonzero(total > 1)
    if not len(duplicated):
        return
    pieces_of = _pieces_holding(manifest, duplicated[:NAMED_AT_MOST]) if manifest is not None else {}
    details = []
    for record in duplicated[:NAMED_AT_MOST]:
        places = []
        for name, count in counts.items():
            if not count[record]:
                continue
            if name == "manifest" and record in pieces_of:
                places.append("piece " + ", piece ".join(pieces_of[record]))
            else:
                places.append(name if count[record] == 1 else f"{name} {count[record]} times")
        details.append(f"record {record} ({'; '.join(places)})")
    more = f" and {len(duplicated) - NAMED_AT_MOST:,} more" if len(duplicated) > NAMED_AT_MOST else ""
    problems.append(f"{len(duplicated):,} records are accounted for more than once: {', '.join(details)}{more}")


def _pieces_holding(manifest: pa.Table, records: np.ndarray) -> dict[int, list[str]]:
    """piece_id (and file) of the pieces that hold each of a few records."""
    record_ids = manifest["record_ids"].combine_chunks()
    flat = pc.list_flatten(record_ids).fill_null(-1).to_numpy()
    parents = pc.list_parent_indices(record_ids).to_numpy()
    found: dict[int, list[str]] = {}
    for position in np.flatnonzero(np.isin(flat, records)):
        piece = int(parents[position])
        label = f"{manifest['piece_id'][piece].as_py()} in {manifest['file'][piece].as_py()}"
        found.setdefault(int(flat[position]), []).append(label)
    return found


def _check_piece_shapes(manifest: pa.Table, problems: list[str]) -> None:
    """Pages and sheets a piece can have: at least one, one stock and tray per sheet."""
    sheets = manifest["sheets"].fill_null(-1).to_numpy()
    pages = manifest["pages"].fill_null(0).to_numpy()
    ids = manifest["piece_id"]
    empty = np.flatnonzero(pages < 1)
    if len(empty):
        problems.append(f"{len(empty):,} pieces have no pages: piece {_some(ids[int(i)].as_py() for i in empty[:NAMED_AT_MOST])}")
    for column in ("stocks", "trays"):
        per_sheet = pc.list_value_length(manifest[column]).fill_null(-1).to_numpy()
        wrong = np.flatnonzero(per_sheet != sheets)
        if len(wrong):
            named = (f"{ids[int(i)].as_py()} ({sheets[i]} sheets, {per_sheet[i]} {column})" for i in wrong[:NAMED_AT_MOST])
            problems.append(f"{len(wrong):,} pieces do not have one {column[:-1]} per sheet: piece {_some(named)}")


def _file_groups(manifest: pa.Table) -> tuple[pa.Table, dict[str, tuple[int, int]]]:
    """The manifest in (file, first_page) order and each file's row range."""
    order = pc.sort_indices(manifest, sort_keys=[("file", "ascending"), ("first_page", "ascending")])
    ordered = manifest.take(order).combine_chunks()
    if ordered.num_rows == 0:
        return ordered, {}
    files = ordered["file"].fill_null("")
    codes = pc.dictionary_encode(files).combine_chunks().indices.to_numpy()
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    stops = np.r_[starts[1:], len(codes)]
    return ordered, {files[int(s)].as_py(): (int(s), int(e)) for s, e in zip(starts, stops)}


def _check_tiling(name: str, pieces: pa.Table, page_count: int | None, problems: list[str]) -> None:
    """The file's pieces, in page order, follow on from page 1 with no gap
    or overlap, and together have as many pages as the PDF."""
    first = pieces["first_page"].fill_null(0).to_numpy().astype(np.int64)
    pages = pieces["pages"].fill_null(0).to_numpy().astype(np.int64)
    ids = pieces["piece_id"]
    expected = np.r_[1, first[:-1] + pages[:-1]]   # where each piece should start: after the one before
    wrong = np.flatnonzero(first != expected)
    for k in wrong[:NAMED_AT_MOST]:
        after = "the first piece starts at page 1" if k == 0 else \
            f"piece {ids[int(k) - 1].as_py()} ends at page {expected[k] - 1}"
        problems.append(f"{name}: piece {ids[int(k)].as_py()} starts at page {first[k]}, expected {expected[k]} ({after})")
    if len(wrong) > NAMED_AT_MOST:
        problems.append(f"{name}: {len(wrong) - NAMED_AT_MOST:,} more pieces do not follow on")
    total = int(pages.sum())
    if page_count is not None and total != page_count:
        last = f"; last piece {ids[len(ids) - 1].as_py()} ends at page {first[-1] + pages[-1] - 1}" if len(ids) else ""
        problems.append(f"{name} has {page_count:,} pages, but its {len(ids):,} pieces in the manifest have "
                        f"{total:,} pages{last}")


def _check_runs_cover(jdf_name: str, runs: list[SheetRun], pages: int, problems: list[str]) -> bool:
    expected = 0
    ok = True
    for run in runs:
        if run.first_page != expected:
            gap = "gap" if run.first_page > expected else "overlap"
            problems.append(f"{jdf_name}: run {run.first_page}-{run.last_page} leaves a {gap} at page {expected}")
            ok = False
        if run.duplex and run.page_count % 2:
            problems.append(f"{jdf_name}: duplex run {run.first_page}-{run.last_page} has an odd page count")
            ok = False
        expected = run.last_page + 1
    if expected != pages:
        problems.append(f"{jdf_name} covers pages 0..{expected - 1}, the file has pages 0..{pages - 1}")
        ok = False
    return ok


def _check_jdf(jdf_path: Path, pieces: pa.Table, pages: int, problems: list[str]) -> None:
    """The ticket covers every page once, and prints each sheet on the
    manifest's stock from the manifest's tray."""
    try:
        runs = read_jdf_runs(jdf_path)
    except (OSError, ValueError) as error:
        problems.append(f"{jdf_path.name} cannot be read: {error}")
        return
    if not _check_runs_cover(jdf_path.name, runs, pages, problems):
        return
    sheets_per_run = np.array([run.sheet_count for run in runs], dtype=np.int64)
    run_of_sheet = pa.array(np.repeat(np.arange(len(runs)), sheets_per_run))
    sheets_per_piece = pc.list_value_length(pieces["stocks"]).fill_null(0).to_numpy().astype(np.int64)
    piece_end = np.cumsum(sheets_per_piece)
    n_manifest, n_jdf = int(piece_end[-1]) if len(piece_end) else 0, int(sheets_per_run.sum())
    if n_manifest != n_jdf:
        problems.append(f"{jdf_path.name} describes {n_jdf:,} sheets, the manifest {n_manifest:,}")
    n = min(n_manifest, n_jdf)
    for column, label, attribute in (("stocks", "media", "media"), ("trays", "tray", "tray")):
        in_ticket = pa.array([getattr(run, attribute) for run in runs], pa.string()).take(run_of_sheet)[:n]
        in_manifest = pc.list_flatten(pieces[column]).combine_chunks()[:n]
        differs = pc.fill_null(pc.not_equal(in_ticket, in_manifest), True).to_numpy(zero_copy_only=False)
        wrong = np.flatnonzero(differs)
        for sheet in wrong[:NAMED_AT_MOST]:
            piece = int(np.searchsorted(piece_end, sheet, side="right"))
            in_piece = int(sheet - (piece_end[piece] - sheets_per_piece[piece]))
            problems.append(f"{jdf_path.name}: sheet {sheet + 1} (piece {pieces['piece_id'][piece].as_py()}, "
                            f"its sheet {in_piece + 1}) has {label} {in_ticket[int(sheet)].as_py()!r} in the ticket "
                            f"but {in_manifest[int(sheet)].as_py()!r} in the manifest")
        if len(wrong) > NAMED_AT_MOST:
            problems.append(f"{jdf_path.name}: {len(wrong) - NAMED_AT_MOST:,} more sheets differ in {label}")


_XREF = re.compile(rb"(\d+) 0 obj\s*<<(.*?)>>\s*stream\r?\n", re.S)
_ROOT_PAGES = re.compile(rb"/Pages (\d+) 0 R")


def _xref_page_count(path: Path) -> int | None:
    """The page count read from the file itself: startxref -> the cross-reference
    stream -> the catalog -> the page tree root's /Count. Only for the simple
    structure pressrun writes (one xref stream, no object streams, no updates);
    None for anything else, which pikepdf then reads."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            f.seek(max(0, size - 64))
            tail = f.read()
            at = tail.rfind(b"startxref")
            if at < 0 or tail.count(b"%%EOF") != 1:
                return None
            xref_at = int(tail[at + 9:].split()[0])
            f.seek(xref_at)
            head = f.read(4096)
            match = _XREF.match(head)
            if match is None or b"/Type/XRef" not in match.group(2) or b"/Prev" in match.group(2):
                return None
            entries = dict(re.findall(rb"/(W|Length|Root|Size)[\[ ]?([\d ]+)", match.group(2)))
            widths = [int(w) for w in entries[b"W"].split()]
            length, root = int(entries[b"Length"]), int(entries[b"Root"].split()[0])
            f.seek(xref_at + match.end())
            table = zlib.decompress(f.read(length))
            row = sum(widths)

            def object_text(number: int) -> bytes:
                entry = table[number * row:(number + 1) * row]
                kind = int.from_bytes(entry[:widths[0]], "big") if widths[0] else 1
                if len(entry) != row or kind != 1:
                    raise ValueError("not a plain object")
                f.seek(int.from_bytes(entry[widths[0]:widths[0] + widths[1]], "big"))
                text = f.read(65536)
                if not text.startswith(b"%d 0 obj" % number):
                    raise ValueError("xref offset does not point at the object")
                return text[:text.index(b"endobj")]

            pages = _ROOT_PAGES.search(object_text(root))
            count = re.search(rb"/Count (\d+)", object_text(int(pages.group(1)))) if pages else None
            return int(count.group(1)) if count else None
    except (OSError, ValueError, KeyError, IndexError, zlib.error, AttributeError):
        return None


def _pdf_pages(path: Path, problems: list[str]) -> int | None:
    count = _xref_page_count(path)
    if count is not None:
        return count
    try:
        with pikepdf.open(path) as pdf:
            return len(pdf.pages)
    except (pikepdf.PdfError, OSError) as error:
        problems.append(f"{path.name} cannot be read as PDF: {error}")
        return None


_AFP_BNG, _AFP_ENG, _AFP_BPG, _AFP_TLE = 0xD3A8AD, 0xD3A9AD, 0xD3A8AF, 0xD3A090


def _afp_groups(path: Path, problems: list[str]) -> list[tuple[str, int]] | None:
    """(PieceId tag, pages) of each page group of an AFP file, read from its
    structured-field introducers; None (and a problem) if it does not frame."""
    data = memoryview(path.read_bytes())
    groups: list[tuple[str, int]] = []
    at, end = 0, len(data)
    piece, pages, in_group = "", 0, False
    while at < end:
        if data[at] != 0x5A or at + 9 > end:
            problems.append(f"{path.name}: no structured field at byte {at:,}")
            return None
        length = (data[at + 1] << 8) | data[at + 2]
        sf = (data[at + 3] << 16) | (data[at + 4] << 8) | data[at + 5]
        if length < 8 or at + 1 + length > end:
            problems.append(f"{path.name}: the structured field at byte {at:,} runs past the end")
            return None
        if sf == _AFP_BPG:
            pages += 1
        elif sf == _AFP_BNG:
            piece, pages, in_group = "", 0, True
        elif sf == _AFP_ENG and in_group:
            groups.append((piece, pages))
            in_group = False
        elif sf == _AFP_TLE and in_group and not piece:
            triplets = bytes(data[at + 9:at + 1 + length])
            name_length = triplets[0]
            name = triplets[4:name_length].decode("cp500")
            value = triplets[name_length + 4:name_length + triplets[name_length]]
            if name == "PieceId":
                piece = value.decode("cp500")
        at += 1 + length
    return groups


def _check_afp_groups(name: str, pieces: pa.Table, groups: list[tuple[str, int]],
                      problems: list[str]) -> None:
    """One page group per piece, in order, tagged with its piece id and holding its pages."""
    ids = pieces["piece_id"].to_pylist()
    pages = pieces["pages"].to_pylist()
    if len(groups) != len(ids):
        problems.append(f"{name} has {len(groups):,} page groups, the manifest {len(ids):,} pieces")
    wrong = [(k, g) for k, g in enumerate(groups[:len(ids)]) if g != (ids[k], pages[k])]
    for k, (piece, count) in wrong[:NAMED_AT_MOST]:
        problems.append(f"{name}: page group {k + 1} is piece {piece!r} of {count} pages, the manifest "
                        f"says piece {ids[k]} of {pages[k]}")


def _check_files(job_dir: Path, report: dict, manifest: pa.Table | None, problems: list[str]) -> int:
    """Each listed print file: exists, page count, tiling, sha256, JDF."""
    listed = [f for stream in report.get("streams") or [] for f in stream.get("files") or []]
    ordered, groups = _file_groups(manifest) if manifest is not None else (None, {})
    listed_names = {f.get("name") for f in listed}
    for name in sorted(set(groups) - listed_names):
        start, stop = groups[name]
        problems.append(f"the manifest places {stop - start:,} pieces in {name}, which report.json does not list")
    checked = 0
    for entry in listed:
        name = entry.get("name", "")
        path = job_dir / name
        start, stop = groups.get(name, (0, 0))
        pieces = ordered.slice(start, stop - start) if ordered is not None else None
        page_count = None
        if not path.is_file():
            problems.append(f"{name} is listed in report.json but does not exist")
        elif path.suffix == ".afp":
            page_groups = _afp_groups(path, problems)
            if page_groups is not None:
                checked += 1
                page_count = sum(count for _, count in page_groups)
                if pieces is not None:
                    _check_afp_groups(name, pieces, page_groups, problems)
        else:
            page_count = _pdf_pages(path, problems)
            if page_count is not None:
                checked += 1
        if path.is_file():
            digest = sha256_of(path)
            if digest != entry.get("sha256"):
                problems.append(f"{name}: sha256 is {digest}, report.json says {entry.get('sha256')}")
        if pieces is None:
            continue
        _check_tiling(name, pieces, page_count, problems)
        manifest_pages = int(pc.sum(pieces["pages"]).as_py() or 0)
        for key, found in (("pieces", pieces.num_rows), ("pages", manifest_pages)):
            if key in entry and entry[key] != found:
                problems.append(f"{name}: report.json says {entry[key]} {key}, the manifest {found:,}")
        jdf_path = path.with_suffix(".jdf")
        if jdf_path.is_file():
            _check_jdf(jdf_path, pieces, page_count if page_count is not None else manifest_pages, problems)
    return checked


def _positions(records: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """Each record number's position in `expected` (-1 for one not in it)."""
    if len(expected) == 0:
        return np.full(len(records), -1, np.int64)
    order = np.argsort(expected, kind="stable")
    in_order = expected[order]
    at = np.minimum(np.searchsorted(in_order, records), len(expected) - 1)
    return np.where(in_order[at] == records, order[at], -1)


def reconcile_job(job_dir: Path | str) -> Reconciliation:
    job_dir = Path(job_dir)
    problems: list[str] = []
    try:
        report = read_job_report(job_dir / "report.json")
    except FileNotFoundError:
        report = {}
        problems.append("report.json is missing")
    except ValueError as error:
        report = {}
        problems.append(f"report.json cannot be read: {error}")
    records_in = report.get("records_in")
    if not isinstance(records_in, int) and report:
        problems.append("report.json has no records_in count")
    manifest = _read_manifest(job_dir / "manifest.parquet", problems)
    suppressed = _read_records(job_dir / "suppressed.parquet", problems)
    exceptions = _read_records(job_dir / "exceptions.parquet", problems)

    in_manifest = None
    if manifest is not None:
        record_ids = manifest["record_ids"]
        flat = pc.list_flatten(record_ids)
        if flat.null_count:
            problems.append(f"manifest.parquet has {flat.null_count:,} null record numbers")
        in_manifest = flat.fill_null(-1).to_numpy().astype(np.int64, copy=False)
        _check_piece_shapes(manifest, problems)
    in_pieces = len(in_manifest) if in_manifest is not None else 0

    if isinstance(records_in, int):
        _check_counts(report, records_in, in_pieces, manifest.num_rows if manifest is not None else None,
                      suppressed, exceptions, problems)
        sources = {name: records for name, records in
                   (("manifest", in_manifest), ("suppressed", suppressed), ("exceptions", exceptions))
                   if records is not None}
        if report.get("input_records") is not None:
            # A reprint reads chosen records: its record numbers are the original job's.
            sources = {name: _positions(records, np.asarray(report["input_records"], np.int64))
                       for name, records in sources.items()}
        _check_each_record_once(records_in, sources, manifest, problems)

    files_checked = _check_files(job_dir, report, manifest, problems)
    return Reconciliation(
        ok=not problems, problems=problems, records_in=records_in if isinstance(records_in, int) else 0,
        in_pieces=in_pieces, suppressed=len(suppressed) if suppressed is not None else 0,
        exceptions=len(exceptions) if exceptions is not None else 0, files_checked=files_checked)


def check_or_raise(job_dir: Path | str) -> Reconciliation:
    """The reconciliation, or ReconciliationError listing every problem."""
    result = reconcile_job(job_dir)
    if not result.ok:
        raise ReconciliationError(f"job {Path(job_dir).name} does not reconcile:\n"
                                  + "\n".join(f"  - {problem}" for problem in result.problems))
    return result
