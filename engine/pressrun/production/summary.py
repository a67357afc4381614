"""What the job report says: counts per stream, file and stock, the
histograms of pages and sheets per piece, and the presort's mail trays."""
from __future__ import annotations

from collections import Counter

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..template import Template
from .grouping import mail_trays
from .printfiles import PrintFiles
from .profile import Profile


def with_mail_trays(manifest: pa.Table, sort_values: pa.Array,
                    profile: Profile) -> tuple[pa.Table, list[dict]]:
    """Presort tray/bag numbers per stream, in each stream's print order;
    sort_values: the text of each piece's first presort key (its postcode)."""
    if manifest.num_rows == 0:
        return manifest, []
    presort = profile.presort
    trays = np.zeros(manifest.num_rows, np.int32)
    stream = manifest.column("stream").to_numpy(zero_copy_only=False)
    rows = []
    for name in dict.fromkeys(stream.tolist()):
        index = np.flatnonzero(stream == name)
        values = sort_values.take(pa.array(index, pa.int64()))
        numbers = mail_trays(values, break_digits=presort.break_digits if presort else 0,
                             capacity=presort.tray_capacity if presort else 0)
        trays[index] = numbers
        ids = manifest.column("piece_id").take(pa.array(index, pa.int64())).to_pylist()
        value_list = values.to_pylist()
        digits = presort.break_digits if presort else 0
        change = np.flatnonzero(np.diff(numbers, prepend=-1) != 0)
        ends = np.append(change[1:], len(numbers)) - 1
        for a, b in zip(change.tolist(), ends.tolist()):
            rows.append({"stream": name, "tray": int(numbers[a]), "first_piece": ids[a], "last_piece": ids[b],
                         "pieces": b - a + 1, "break_key": (value_list[a] or "")[:digits]})
    column = manifest.schema.get_field_index("mail_tray")
    return manifest.set_column(column, "mail_tray", pa.array(trays, pa.int32())), rows


def job_summary(print_files: PrintFiles, job_id: str, profile: Profile, template: Template,
                manifest: pa.Table, records_in: int, suppressed: int, exceptions: int, first_stream,
                suppressed_mask, trays, elapsed_s: float, reprint) -> dict:
    """The report's summary (keys as pressrun.production.jobreport lists them)."""
    def column(name):
        return manifest.column(name).to_numpy(zero_copy_only=False) if manifest.num_rows else np.array([])
    stream_column, file_column = column("stream"), column("file")
    pages, sheets = column("pages"), column("sheets")
    record_count = len(pc.list_flatten(manifest.column("record_ids"))) if manifest.num_rows else 0
    streams = []
    for stream in profile.streams:
        if not stream.print:
            continue
        in_stream = stream_column == stream.name
        files = []
        for print_file in print_files.closed:
            if print_file.stream != stream.name:
                continue
            in_file = file_column == print_file.name
            files.append({"name": print_file.name, "pieces": int(in_file.sum()), "pages": int(pages[in_file].sum()),
                          "sheets": int(sheets[in_file].sum()), "bytes": print_file.path.stat().st_size,
                          "sha256": print_file.sha256})
        streams.append({"name": stream.name, "envelope": stream.envelope, "pieces": int(in_stream.sum()),
                        "sheets": int(sheets[in_stream].sum()), "pages": int(pages[in_stream].sum()),
                        "files": files})
    stock_counts = Counter()
    if manifest.num_rows:
        stock_counts.update(pc.list_flatten(manifest.column("stocks")).to_pylist())
    total_pages = int(pages.sum()) if manifest.num_rows else 0
    suppressed_by = Counter(profile.streams[s].name for s in first_stream[suppressed_mask].tolist())
    return {
        "job_id": job_id,
        "reprint_of": reprint.original_job_id if reprint is not None else None,
        "template": template.name,
        "profile": profile.name,
        "records_in": records_in,
        "pieces": manifest.num_rows,
        "records_in_pieces": record_count,
        "suppressed": suppressed,
        "suppressed_by_stream": dict(suppressed_by),
        "exceptions": exceptions,
        "reconciled": True,
        "streams": streams,
        "stocks": [{"name": name, "tray": profile.tray_of(name), "sheets": int(stock_counts.get(name, 0))}
                   for name in profile.stocks if stock_counts.get(name)],
        "pages_per_piece": dict(sorted(Counter(pages.tolist()).items())),
        "sheets_per_piece": dict(sorted(Counter(sheets.tolist()).items())),
        "mail_trays": trays,
        "elapsed_s": round(elapsed_s, 3),
        "pages_per_second": round(total_pages / elapsed_s, 1) if elapsed_s > 0 else 0.0,
    }


