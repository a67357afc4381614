"""The job report: report.json for machines (and the reconciliation), and
report.html, one self-contained page a production manager can read.

`summary` is built by the job driver. Keys, in the order the driver likes
(JSON keeps that order):

    job_id             str
    reprint_of         str | None   job id this job reprints
    template, profile  str
    records_in         int          records read
    pieces             int
    records_in_pieces  int          records composed into pieces
    suppressed         int
    suppressed_by_stream  {stream name: int}
    exceptions         int
    reconciled         bool         the driver's reconciliation passed
    streams            [{name, envelope, pieces, sheets, pages,
                         files: [{name, pieces, pages, sheets, bytes, sha256}]}]
    stocks             [{name, tray, sheets}]
    pages_per_piece    {pages (int): pieces}
    sheets_per_piece   {sheets (int): pieces}
    mail_trays         [{stream, tray, first_piece, last_piece, pieces, break_key}]
    elapsed_s, pages_per_second  float

Required: job_id, records_in, records_in_pieces, suppressed, exceptions,
reconciled, streams; the rest default to empty. The report writes only what
it is given (no clock), so the same summary gives the same bytes.
"""
from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any, Iterable

REQUIRED_KEYS = ("job_id", "records_in", "records_in_pieces", "suppressed", "exceptions",
                 "reconciled", "streams")
HISTOGRAM_KEYS = ("pages_per_piece", "sheets_per_piece")
MAIL_TRAY_ROWS_SHOWN = 50


def _json_default(value: Any) -> Any:
    """numpy scalars and arrays, as the driver's counts often are."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def write_job_report(json_path: Path | str, html_path: Path | str, summary: dict) -> None:
    missing = [key for key in REQUIRED_KEYS if key not in summary]
    if missing:
        raise ValueError(f"job summary lacks {', '.join(missing)}")
    text = json.dumps(summary, indent=2, ensure_ascii=False, default=_json_default) + "\n"
    Path(json_path).write_text(text, encoding="utf-8", newline="\n")
    # The HTML is rendered from what JSON kept, so both files say the same.
    Path(html_path).write_text(render_html(json.loads(text)), encoding="utf-8", newline="\n")


def read_job_report(path: Path | str) -> dict:
    """report.json as the driver wrote it: histogram keys back to ints."""
    summary = json.loads(Path(path).read_text(encoding="utf-8"))
    for key in HISTOGRAM_KEYS:
        if isinstance(summary.get(key), dict):
            summary[key] = {int(k): v for k, v in summary[key].items()}
    return summary


# --- HTML -------------------------------------------------------------------

CSS = """
body{font-family:Helvetica,Arial,sans-serif;margin:2em;color:#222;max-width:70em}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
th{background:#f2f2f2}
.banner{padding:.8em 1em;font-weight:bold;border-radius:4px;margin:1em 0}
.ok{background:#dff0d8;color:#1e4620;border:1px solid #4a8f4a}
.bad{background:#f8d7da;color:#721c24;border:1px solid #b02a37}
.bar{display:inline-block;height:.9em;background:#4a78b0;vertical-align:middle}
.meta td:first-child{font-weight:bold}
.note{color:#555}
""".strip()


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _count(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else _e(value)


def _size(n_bytes: Any) -> str:
    if not isinstance(n_bytes, (int, float)):
        return _e(n_bytes)
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n_bytes >= scale:
            return f"{n_bytes / scale:.1f} {unit}"
    return f"{int(n_bytes)} B"


def _table(headers: Iterable[tuple[str, bool]], rows: Iterable[Iterable[str]]) -> str:
    """Cells arrive escaped; a header's flag says the column is numeric."""
    headers = list(headers)
    head = "".join(f'<th class="n">{_e(h)}</th>' if numeric else f"<th>{_e(h)}</th>" for h, numeric in headers)
    body = []
    for row in rows:
        cells = "".join(f'<td class="n">{cell}</td>' if numeric else f"<td>{cell}</td>"
                        for cell, (_, numeric) in zip(row, headers))
        body.append(f"<tr>{cells}</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>" if body else '<p class="note">None.</p>'


def _banner(summary: dict) -> str:
    records_in, in_pieces = summary["records_in"], summary["records_in_pieces"]
    suppressed, exceptions = summary["suppressed"], summary["exceptions"]
    adds_up = records_in == in_pieces + suppressed + exceptions
    if summary["reconciled"] and adds_up:
        return (f'<div class="banner ok">Reconciled: {_count(records_in)} records = {_count(in_pieces)} in pieces'
                f' + {_count(suppressed)} suppressed + {_count(exceptions)} exceptions</div>')
    accounted = in_pieces + suppressed + exceptions
    return (f'<div class="banner bad">NOT reconciled: {_count(records_in)} records in, but {_count(in_pieces)}'
            f' in pieces + {_count(suppressed)} suppressed + {_count(exceptions)} exceptions'
            f' = {_count(accounted)}. Do not release this job.</div>')


def _histogram(title: str, histogram: dict, unit: str) -> str:
    """A CSS bar per value, the count beside it: readable printed or on screen."""
    if not histogram:
        return ""
    items = sorted((int(k), int(v)) for k, v in histogram.items())
    peak = max(v for _, v in items) or 1
    rows = [(f"{k:,}", f'<span class="bar" style="width:{20 * v / peak:.1f}em"></span> {v:,}')
            for k, v in items]
    return f"<h2>{_e(title)}</h2>" + _table([(unit.capitalize(), False), ("Pieces", False)], rows)


def render_html(summary: dict) -> str:
    job_id = summary["job_id"]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Job {_e(job_id)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>Job {_e(job_id)}</h1>",
        _banner(summary),
    ]
    meta = [("Reprint of", summary.get("reprint_of")), ("Template", summary.get("template")),
            ("Profile", summary.get("profile")), ("Records in", summary["records_in"]),
            ("Pieces", summary.get("pieces")), ("Elapsed", f"{summary.get('elapsed_s', 0) or 0:.1f} s"),
            ("Pages per second", f"{summary.get('pages_per_second', 0) or 0:,.0f}")]
    parts.append('<table class="meta">' + "".join(
        f"<tr><td>{_e(label)}</td><td>{_count(value)}</td></tr>" for label, value in meta
        if value is not None) + "</table>")

    streams = summary["streams"]
    suppressed_by_stream = summary.get("suppressed_by_stream") or {}
    parts.append("<h2>Streams</h2>")
    parts.append(_table(
        [("Stream", False), ("Envelope", False), ("Pieces", True), ("Sheets", True), ("Pages", True),
         ("Suppressed", True)],
        [(_e(s.get("name")), _e(s.get("envelope")), _count(s.get("pieces")), _count(s.get("sheets")),
          _count(s.get("pages")), _count(suppressed_by_stream.get(s.get("name"), 0))) for s in streams]))
    streams_named = {s.get("name") for s in streams}
    only_suppressed = [(name, n) for name, n in suppressed_by_stream.items() if name not in streams_named]
    if only_suppressed:
        parts.append("<p>Suppressed in streams with no print: " + ", ".join(
            f"{_e(name)} {_count(n)}" for name, n in only_suppressed) + "</p>")

    parts.append("<h2>Print files</h2>")
    parts.append(_table(
        [("File", False), ("Stream", False), ("Pieces", True), ("Pages", True), ("Sheets", True),
         ("Size", True), ("SHA-256", False)],
        [(_e(f.get("name")), _e(s.get("name")), _count(f.get("pieces")), _count(f.get("pages")),
          _count(f.get("sheets")), _size(f.get("bytes")),
          f'<code title="{_e(f.get("sha256"))}">{_e(str(f.get("sha256", ""))[:12])}</code>')
         for s in streams for f in s.get("files", [])]))

    parts.append("<h2>Stock and tray usage</h2>")
    parts.append(_table([("Stock", False), ("Tray", False), ("Sheets", True)],
                        [(_e(s.get("name")), _e(s.get("tray")), _count(s.get("sheets")))
                         for s in summary.get("stocks") or []]))

    parts.append(_histogram("Pages per piece", summary.get("pages_per_piece") or {}, "pages"))
    parts.append(_histogram("Sheets per piece", summary.get("sheets_per_piece") or {}, "sheets"))

    trays = summary.get("mail_trays") or []
    parts.append("<h2>Mail trays</h2>")
    parts.append(_table(
        [("Stream", False), ("Tray", True), ("First piece", False), ("Last piece", False), ("Pieces", True),
         ("Break", False)],
        [(_e(t.get("stream")), _count(t.get("tray")), _e(t.get("first_piece")), _e(t.get("last_piece")),
          _count(t.get("pieces")), _e(t.get("break_key"))) for t in trays[:MAIL_TRAY_ROWS_SHOWN]]))
    if len(trays) > MAIL_TRAY_ROWS_SHOWN:
        parts.append(f'<p class="note">First {MAIL_TRAY_ROWS_SHOWN} of {len(trays):,} trays shown; '
                     f"all are in manifest.csv (column mail_tray).</p>")

    exceptions = summary["exceptions"]
    parts.append("<h2>Exceptions</h2>")
    if exceptions:
        parts.append(f'<p>{_count(exceptions)} records could not be composed: see '
                     f'<a href="exceptions.csv">exceptions.csv</a> (also exceptions.parquet).</p>')
    else:
        parts.append("<p>No exceptions.</p>")
    parts.append("</body></html>\n")
    return "\n".join(part for part in parts if part)
