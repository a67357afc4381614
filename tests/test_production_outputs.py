"""The production job's outputs: manifest, JDF tickets, job report, and the
independent reconciliation that proves them against the print files."""
from __future__ import annotations

import csv
import hashlib
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pikepdf
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pressrun.errors import ReconciliationError
from pressrun.production.jdf import JDF_NAMESPACE, Media, SheetRun, read_jdf_runs, sheet_runs, write_jdf
from pressrun.production.jobreport import read_job_report, write_job_report
from pressrun.production.manifest import (MANIFEST_SCHEMA, SUPPRESSED_SCHEMA, ManifestWriter, conform,
                                          read_manifest)
from pressrun.production.reconcile import check_or_raise, reconcile_job
from pressrun.reports import ExceptionReport, RecordException

A4 = (595.276, 841.89)
MEDIA = [Media("LH", *A4, 100, True), Media("PL", *A4, 80, False),
         Media("INS", *A4, 120, True, media_type="Paper", colour="Blue"),
         Media("UNUSED", *A4, 80, False)]

# Pieces: (records, stocks per sheet, trays per sheet, pages per sheet), per file.
# c5-001 mixes duplex letters with a simplex insert sheet; c4-001 is simplex.
FILES = {
    "c5-001.pdf": ("c5", "C5", [
        ([0], ["LH"], ["T1"], [2]),
        ([1, 2], ["LH", "PL"], ["T1", "T2"], [2, 2]),
        ([3], ["LH", "INS"], ["T1", "T3"], [2, 1]),
    ]),
    "c4-001.pdf": ("c4", "C4", [
        ([4], ["PL"], ["T2"], [1]),
        ([5, 6], ["PL", "PL"], ["T2", "T2"], [1, 1]),
    ]),
}
SUPPRESSED = [(7, "customer_id=C7", "c5", "opted out"), (8, "customer_id=C8", "c4", "gone away")]
RECORDS_IN = 10


def manifest_table(file_name: str, first_piece: int) -> pa.Table:
    stream, envelope, pieces = FILES[file_name]
    rows = {name: [] for name in MANIFEST_SCHEMA.names}
    page = 1
    for offset, (records, stocks, trays, pages_per_sheet) in enumerate(pieces):
        pages = sum(pages_per_sheet)
        values = dict(
            piece_id=f"{first_piece + offset:08d}", job_id="J1", record_ids=records,
            record_keys=[f"customer_id=C{r}" for r in records], stream=stream, file=file_name,
            first_page=page, pages=pages, sheets=len(stocks), duplex=max(pages_per_sheet) == 2,
            envelope=envelope, weight_g=5.0 * len(stocks) + 2.5, stocks=stocks, trays=trays,
            sequence=first_piece + offset, feeds="10", divert=False,
            mark_payloads=[f"P{first_piece + offset}S{s}" for s in range(len(stocks))],
            postal_symbology="auspost", postal_payload=f"11|{records[0]:08d}", postal_bars="FADT",
            postcode="3000", country="AU", mail_tray=1)
        for name, value in values.items():
            rows[name].append(value)
        page += pages
    return pa.table(rows, schema=MANIFEST_SCHEMA)


def file_sheets(file_name: str):
    """Per-sheet stocks, trays, pages and duplex flags of a print file."""
    pieces = FILES[file_name][2]
    stocks = [s for piece in pieces for s in piece[1]]
    trays = [t for piece in pieces for t in piece[2]]
    pages = np.array([p for piece in pieces for p in piece[3]])
    return stocks, trays, pages, pages == 2


def write_pdf(path: Path, pages: int) -> None:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=A4)
    pdf.save(path, deterministic_id=True)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def job_summary(job_dir: Path, stream_name_override: str | None = None) -> dict:
    streams = []
    for file_name, (stream, envelope, pieces) in FILES.items():
        pages = sum(sum(p[3]) for p in pieces)
        sheets = sum(len(p[1]) for p in pieces)
        path = job_dir / file_name
        files = [{"name": file_name, "pieces": len(pieces), "pages": pages, "sheets": sheets,
                  "bytes": path.stat().st_size if path.exists() else 0,
                  "sha256": sha256(path) if path.exists() else ""}]
        streams.append({"name": stream_name_override or stream, "envelope": envelope, "pieces": len(pieces),
                        "sheets": sheets, "pages": pages, "files": files})
    return {
        "job_id": "J1", "reprint_of": None, "template": "letter.yaml", "profile": "mailhouse.yaml",
        "records_in": RECORDS_IN, "pieces": 5, "records_in_pieces": 7, "suppressed": 2,
        "suppressed_by_stream": {"c5": 1, "c4": 1}, "exceptions": 1, "reconciled": True,
        "streams": streams,
        "stocks": [{"name": "LH", "tray": "T1", "sheets": 3}, {"name": "PL", "tray": "T2", "sheets": 4},
                   {"name": "INS", "tray": "T3", "sheets": 1}],
        "pages_per_piece": {1: 1, 2: 2, 3: 1, 4: 1}, "sheets_per_piece": {1: 2, 2: 3},
        "mail_trays": [{"stream": "c5", "tray": 1, "first_piece": "00000001", "last_piece": "00000003",
                        "pieces": 3, "break_key": "3000"},
                       {"stream": "c4", "tray": 1, "first_piece": "00000004", "last_piece": "00000005",
                        "pieces": 2, "break_key": "3000"}],
        "elapsed_s": 1.25, "pages_per_second": 9.6,
    }


def write_suppressed(job_dir: Path, rows) -> None:
    columns = list(zip(*rows)) if rows else [[], [], [], []]
    pq.write_table(pa.table([list(c) for c in columns], schema=SUPPRESSED_SCHEMA), job_dir / "suppressed.parquet")


def write_job_jdf(job_dir: Path, file_name: str, runs=None) -> None:
    stocks, trays, pages, duplex = file_sheets(file_name)
    write_jdf(job_dir / Path(file_name).with_suffix(".jdf"), job_id="J1", job_part=Path(file_name).stem,
              pdf_name=file_name, media=MEDIA, runs=runs or sheet_runs(stocks, trays, pages, duplex),
              pages=int(pages.sum()), pieces=len(FILES[file_name][2]), description="J1 stream test")


def make_job(job_dir: Path) -> Path:
    job_dir.mkdir(parents=True, exist_ok=True)
    with ManifestWriter(job_dir / "manifest.parquet", job_dir / "manifest.csv") as writer:
        writer.add(manifest_table("c5-001.pdf", 1))
        writer.add(manifest_table("c4-001.pdf", 4))
    for file_name, (_, _, pieces) in FILES.items():
        write_pdf(job_dir / file_name, sum(sum(p[3]) for p in pieces))
        write_job_jdf(job_dir, file_name)
    write_suppressed(job_dir, SUPPRESSED)
    exceptions = ExceptionReport(job_dir / "exceptions.parquet", job_dir / "exceptions.csv")
    exceptions.add(RecordException(9, "customer_id=C9", "postcode", "postcode is not a number"))
    exceptions.close()
    write_job_report(job_dir / "report.json", job_dir / "report.html", job_summary(job_dir))
    return job_dir


@pytest.fixture
def job(tmp_path) -> Path:
    return make_job(tmp_path / "job")


def problems_matching(job_dir: Path, pattern: str) -> list[str]:
    result = reconcile_job(job_dir)
    assert not result.ok
    return [p for p in result.problems if re.search(pattern, p)]


# --- reconciliation ---------------------------------------------------------------

def test_a_consistent_job_reconciles(job):
    result = reconcile_job(job)
    assert result.problems == []
    assert result.ok
    assert (result.records_in, result.in_pieces, result.suppressed, result.exceptions) == (10, 7, 2, 1)
    assert result.files_checked == 2
    assert check_or_raise(job).ok


def test_a_page_missing_from_a_pdf_is_named_with_the_file_and_page_count(job):
    path = job / "c5-001.pdf"
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        del pdf.pages[-1]
        pdf.save(path)
    found = problems_matching(job, r"^c5-001\.pdf has 8 pages, but its 3 pieces in the manifest have 9 pages")
    assert len(found) == 1, reconcile_job(job).problems
    assert problems_matching(job, r"^c5-001\.pdf: sha256 is")
    assert problems_matching(job, r"^c5-001\.jdf covers pages 0\.\.8, the file has pages 0\.\.7")
    with pytest.raises(ReconciliationError, match="c5-001.pdf has 8 pages"):
        check_or_raise(job)


def test_a_record_dropped_from_suppressed_is_named(job):
    write_suppressed(job, SUPPRESSED[:1])   # record 8 is lost
    assert problems_matching(job, r"1 records are in no piece, not suppressed and not an exception: record 8$")
    assert problems_matching(job, r"^10 records in, but 7 in pieces \+ 1 suppressed \+ 1 exceptions = 9$")
    assert problems_matching(job, r"report.json says suppressed = 2, but suppressed.parquet has 1")


def test_a_record_accounted_twice_is_named_with_its_places(job):
    write_suppressed(job, SUPPRESSED + [(3, "customer_id=C3", "c5", "opted out")])
    found = problems_matching(job, r"accounted for more than once")
    assert found == ["1 records are accounted for more than once: "
                     "record 3 (piece 00000003 in c5-001.pdf; suppressed)"]


def test_a_record_in_two_pieces_is_named_with_both_pieces(tmp_path):
    job = make_job(tmp_path / "job")
    table = manifest_table("c4-001.pdf", 4)
    records = table["record_ids"].to_pylist()
    records[1] = [5, 1]                      # record 6 lost, record 1 also in piece 00000002
    table = table.set_column(table.schema.get_field_index("record_ids"), "record_ids",
                             pa.array(records, pa.list_(pa.int64())))
    with ManifestWriter(job / "manifest.parquet", job / "manifest.csv") as writer:
        writer.add(manifest_table("c5-001.pdf", 1))
        writer.add(table)
    problems = reconcile_job(job).problems
    assert "1 records are accounted for more than once: record 1 (piece 00000002 in c5-001.pdf, " \
           "piece 00000005 in c4-001.pdf)" in problems
    assert any(p.endswith("record 6") for p in problems)


def test_jdf_media_differing_from_the_manifest_is_named_by_sheet_and_piece(job):
    write_job_jdf(job, "c4-001.pdf", runs=[SheetRun(0, 0, "LH", "T2", False), SheetRun(1, 2, "PL", "T2", False)])
    found = problems_matching(job, r"^c4-001\.jdf: sheet")
    assert found == ["c4-001.jdf: sheet 1 (piece 00000004, its sheet 1) has media 'LH' in the ticket "
                     "but 'PL' in the manifest"]


def test_jdf_with_a_gap_is_named(job):
    path = job / "c5-001.jdf"
    text = path.read_text(encoding="utf-8")
    assert 'RunIndex="4 ~ 5"' in text
    path.write_text(text.replace('RunIndex="4 ~ 5"', 'RunIndex="5 ~ 5"'), encoding="utf-8")
    assert problems_matching(job, r"^c5-001\.jdf cannot be read: c5-001\.jdf: page 4 has no medium$")


def test_pieces_that_do_not_tile_their_file_are_named(tmp_path):
    job = make_job(tmp_path / "job")
    table = manifest_table("c5-001.pdf", 1)
    first = table["first_page"].to_pylist()
    first[2] += 1                            # a page between pieces 2 and 3 belongs to no piece
    table = table.set_column(table.schema.get_field_index("first_page"), "first_page", pa.array(first, pa.int64()))
    with ManifestWriter(job / "manifest.parquet", job / "manifest.csv") as writer:
        writer.add(table)
        writer.add(manifest_table("c4-001.pdf", 4))
    assert problems_matching(job, r"^c5-001\.pdf: piece 00000003 starts at page 8, expected 7 "
                                  r"\(piece 00000002 ends at page 6\)$")


def test_a_changed_file_fails_its_checksum(job):
    summary = job_summary(job)
    summary["streams"][1]["files"][0]["sha256"] = "0" * 64
    write_job_report(job / "report.json", job / "report.html", summary)
    assert problems_matching(job, r"^c4-001\.pdf: sha256 is [0-9a-f]{64}, report\.json says 0{64}$")


def test_a_missing_print_file_is_named(job):
    (job / "c4-001.pdf").unlink()
    assert problems_matching(job, r"^c4-001\.pdf is listed in report\.json but does not exist$")
    assert reconcile_job(job).files_checked == 1


# --- manifest ---------------------------------------------------------------------

def test_manifest_streams_row_groups_and_reads_back(job):
    parquet = pq.ParquetFile(job / "manifest.parquet")
    assert parquet.metadata.num_row_groups == 2
    table = read_manifest(job / "manifest.parquet")
    assert table.num_rows == 5
    assert table["piece_id"].to_pylist() == ["00000001", "00000002", "00000003", "00000004", "00000005"]
    assert table["record_ids"].to_pylist()[1] == [1, 2]


def test_manifest_csv_joins_lists_and_writes_booleans_as_words(job):
    with open(job / "manifest.csv", newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert list(rows[0].keys()) == MANIFEST_SCHEMA.names
    assert len(rows) == 5
    second = rows[1]
    assert second["piece_id"] == "00000002"
    assert second["record_ids"] == "1|2"
    assert second["record_keys"] == "customer_id=C1|customer_id=C2"
    assert second["stocks"] == "LH|PL"
    assert second["duplex"] == "true" and second["divert"] == "false"
    assert second["first_page"] == "3" and second["pages"] == "4"
    assert rows[3]["duplex"] == "false"
    assert float(second["weight_g"]) == 12.5


def test_manifest_writer_counts_rows(tmp_path):
    writer = ManifestWriter(tmp_path / "m.parquet", tmp_path / "m.csv")
    writer.add(manifest_table("c5-001.pdf", 1))
    writer.add(MANIFEST_SCHEMA.empty_table())
    writer.add(manifest_table("c4-001.pdf", 4))
    writer.close()
    assert writer.rows == 5
    assert pq.read_metadata(tmp_path / "m.parquet").num_rows == 5


def test_manifest_schema_mismatch_names_the_column(tmp_path):
    table = manifest_table("c4-001.pdf", 4)
    writer = ManifestWriter(tmp_path / "m.parquet", tmp_path / "m.csv")
    wrong_type = table.set_column(table.schema.get_field_index("pages"), "pages",
                                  table["pages"].cast(pa.int64()))
    with pytest.raises(ValueError, match=r"'pages' is int64, expected int32"):
        writer.add(wrong_type)
    with pytest.raises(ValueError, match=r"'mail_tray' is missing"):
        writer.add(table.drop_columns(["mail_tray"]))
    with pytest.raises(ValueError, match=r"'colour' is not in the manifest schema"):
        writer.add(table.append_column("colour", pa.array(["x"] * table.num_rows)))
    writer.close()
    assert writer.rows == 0


def test_manifest_column_order_is_forgiven(tmp_path):
    table = manifest_table("c4-001.pdf", 4)
    reordered = table.select(list(reversed(table.schema.names)))
    assert conform(reordered).schema.names == MANIFEST_SCHEMA.names


# --- JDF --------------------------------------------------------------------------

def test_sheet_runs_merge_consecutive_sheets_and_split_on_sides():
    stocks, trays, pages, duplex = file_sheets("c5-001.pdf")
    assert sheet_runs(stocks, trays, pages, duplex) == [
        SheetRun(0, 3, "LH", "T1", True),
        SheetRun(4, 5, "PL", "T2", True),
        SheetRun(6, 7, "LH", "T1", True),
        SheetRun(8, 8, "INS", "T3", False),
    ]
    # Same stock and tray, sides change: two runs.
    assert sheet_runs(["PL"] * 3, ["T2"] * 3, np.array([1, 2, 2]), np.array([False, True, True])) == [
        SheetRun(0, 0, "PL", "T2", False), SheetRun(1, 4, "PL", "T2", True)]
    # Same stock, tray changes: two runs.
    assert sheet_runs(np.array(["PL", "PL"]), ["T1", "T2"], np.array([1, 1]), [False, False]) == [
        SheetRun(0, 0, "PL", "T1", False), SheetRun(1, 1, "PL", "T2", False)]
    assert sheet_runs([], [], np.array([], dtype=int), []) == []


def test_sheet_runs_refuse_a_duplex_sheet_with_one_page():
    with pytest.raises(ValueError, match="sheet 1 has 1 pages but is duplex"):
        sheet_runs(["PL", "PL"], ["T1", "T1"], np.array([2, 1]), [True, True])


def test_jdf_structure(job):
    root = ET.parse(job / "c5-001.jdf").getroot()
    ns = {"j": JDF_NAMESPACE}
    assert root.tag == f"{{{JDF_NAMESPACE}}}JDF"
    assert root.get("Type") == "Combined" and root.get("Version") == "1.4" and root.get("Status") == "Waiting"
    assert root.get("JobID") == "J1" and root.get("JobPartID") == "c5-001"
    assert root.get("Types") == "LayoutPreparation Imposition Interpreting Rendering DigitalPrinting"
    media = root.findall("j:ResourcePool/j:Media", ns)
    assert [m.get("ID") for m in media] == ["M_LH", "M_PL", "M_INS"]        # UNUSED is not written
    assert media[0].get("Dimension") == "595.276 841.89"
    assert media[0].get("PrePrinted") == "true" and media[1].get("PrePrinted") == "false"
    assert media[2].get("MediaColorName") == "Blue" and media[2].get("Weight") == "120"
    run_list = root.find("j:ResourcePool/j:RunList", ns)
    assert run_list.get("NPage") == "9"
    assert run_list.find("j:LayoutElement/j:FileSpec", ns).get("URL") == "c5-001.pdf"
    sides = [p.get("Sides") for p in root.findall("j:ResourcePool/j:LayoutPreparationParams/j:LayoutPreparationParams", ns)]
    # One partition per sides and per medium and tray, each listing its
    # page ranges as a JDF IntegerRangeList ("first ~ last ...").
    layout = root.findall("j:ResourcePool/j:LayoutPreparationParams/j:LayoutPreparationParams", ns)
    assert [(p.get("Sides"), p.get("RunIndex")) for p in layout] == [
        ("TwoSidedHeadToHead", "0 ~ 3 4 ~ 5 6 ~ 7"), ("OneSidedFront", "8 ~ 8")]
    partitions = root.findall("j:ResourcePool/j:DigitalPrintingParams/j:DigitalPrintingParams", ns)
    assert [(p.find("j:MediaRef", ns).get("rRef"), p.find("j:GeneralID", ns).get("IDValue"), p.get("RunIndex"))
            for p in partitions] == [("M_LH", "T1", "0 ~ 3 6 ~ 7"), ("M_PL", "T2", "4 ~ 5"),
                                     ("M_INS", "T3", "8 ~ 8")]
    links = [(link.tag.split("}")[1], link.get("rRef"), link.get("Usage"))
             for link in root.find("j:ResourceLinkPool", ns)]
    assert ("RunListLink", "RL_Doc", "Input") in links and ("ComponentLink", "C_out", "Output") in links
    assert ("DigitalPrintingParamsLink", "DPP", "Input") in links
    assert [link for link in links if link[0] == "MediaLink"] == [
        ("MediaLink", "M_LH", "Input"), ("MediaLink", "M_PL", "Input"), ("MediaLink", "M_INS", "Input")]
    assert (job / "c5-001.jdf").read_bytes().startswith(b"<?xml version='1.0' encoding='UTF-8'?>")


def test_jdf_runs_round_trip(job):
    stocks, trays, pages, duplex = file_sheets("c5-001.pdf")
    assert read_jdf_runs(job / "c5-001.jdf") == sheet_runs(stocks, trays, pages, duplex)


def test_write_jdf_refuses_runs_that_do_not_tile(tmp_path):
    with pytest.raises(ValueError, match="runs cover 2 pages, the file has 3"):
        write_jdf(tmp_path / "x.jdf", job_id="J", job_part="x", pdf_name="x.pdf", media=MEDIA,
                  runs=[SheetRun(0, 1, "PL", "T1", False)], pages=3, pieces=1)
    with pytest.raises(ValueError, match="media not described: NOPE"):
        write_jdf(tmp_path / "x.jdf", job_id="J", job_part="x", pdf_name="x.pdf", media=MEDIA,
                  runs=[SheetRun(0, 0, "NOPE", "T1", False)], pages=1, pieces=1)


# --- job report -------------------------------------------------------------------

def test_report_json_round_trips_in_the_drivers_key_order(job):
    summary = job_summary(job)
    assert read_job_report(job / "report.json") == summary
    assert list(json.loads((job / "report.json").read_text(encoding="utf-8"))) == list(summary)


def test_report_json_accepts_numpy_counts(tmp_path):
    summary = job_summary(tmp_path)
    summary["records_in"] = np.int64(10)
    write_job_report(tmp_path / "r.json", tmp_path / "r.html", summary)
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["records_in"] == 10


def test_report_html_is_readable_and_self_contained(job):
    html = (job / "report.html").read_text(encoding="utf-8")
    assert "<title>Job J1</title>" in html
    assert "Reconciled: 10 records = 7 in pieces + 2 suppressed + 1 exceptions" in html
    assert 'class="banner ok"' in html
    for needle in ("c5-001.pdf", "c4-001.pdf", "Stock and tray usage", "Pages per piece", "exceptions.csv"):
        assert needle in html
    assert "<script" not in html and "<link" not in html and "src=" not in html and "http" not in html


def test_report_html_escapes_hostile_values(tmp_path):
    summary = job_summary(tmp_path, stream_name_override="<script>alert('x')</script>")
    summary["job_id"] = 'J"&<b>'
    write_job_report(tmp_path / "r.json", tmp_path / "r.html", summary)
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "Job J&quot;&amp;&lt;b&gt;" in html


def test_report_html_banner_is_red_when_not_reconciled(tmp_path):
    summary = job_summary(tmp_path)
    summary["suppressed"] = 1
    write_job_report(tmp_path / "r.json", tmp_path / "r.html", summary)
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert 'class="banner bad"' in html and "Reconciled:" not in html
    assert "NOT reconciled: 10 records in, but 7 in pieces + 1 suppressed + 1 exceptions = 9" in html


def test_report_html_collapses_long_mail_tray_lists(tmp_path):
    summary = job_summary(tmp_path)
    summary["mail_trays"] = [{"stream": "c5", "tray": n, "first_piece": f"{n:08d}", "last_piece": f"{n:08d}",
                              "pieces": 1, "break_key": f"BK{n}"} for n in range(1, 121)]
    write_job_report(tmp_path / "r.json", tmp_path / "r.html", summary)
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "BK50<" in html and "BK51<" not in html
    assert "First 50 of 120 trays shown" in html


def test_report_requires_the_counts(tmp_path):
    summary = job_summary(tmp_path)
    del summary["records_in"]
    with pytest.raises(ValueError, match="records_in"):
        write_job_report(tmp_path / "r.json", tmp_path / "r.html", summary)


# --- determinism ------------------------------------------------------------------

def test_the_same_job_gives_the_same_bytes(tmp_path):
    first, second = make_job(tmp_path / "a"), make_job(tmp_path / "b")
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    assert {"manifest.parquet", "manifest.csv", "c5-001.jdf", "report.json", "report.html"} <= set(names)
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
