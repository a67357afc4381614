"""Acceptance tests of the mail-production job (pressrun.production.run):
what comes out is read back with tools pressrun did not write (PDFium and
zxing-cpp for the DataMatrix, pikepdf content parsing for bars and OMR marks,
zint for the postal barcode, pypdf for text) and checked against the manifest
and against the data itself."""
from __future__ import annotations

import collections
import itertools
import decimal
import shutil
from pathlib import Path

import pikepdf
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

import pressrun
import pressrun.demo as demo_package
from pressrun.demo import make_statements, write_demo_assets
from pressrun.demo.mailing import with_mail_columns
from pressrun.errors import ProfileError
from pressrun.production.grouping import normalise_address
from pressrun.production.inserter import read_omr
from pressrun.production.jdf import read_jdf_runs
from pressrun.production.manifest import read_manifest
from pressrun.production.profile import load_profile
from pressrun.production.reconcile import reconcile_job
from pressrun.production.reprint import load_reprint
from pressrun.production.run import produce

pytestmark = pytest.mark.native_boundary

DEMO = Path(demo_package.__file__).parent
PROFILE = DEMO / "statement_production.yaml"
RULES = DEMO / "statement_rules.yaml"
ADDRESS = ("address_line1", "address_line2", "locality", "state", "postcode")
MM = 72 / 25.4


# --------------------------------------------------------------------------- helpers

def _set_values(table: pa.Table, column: str, changes: dict) -> pa.Table:
    """The table with some values of a column replaced (the column made nullable)."""
    index = table.schema.get_field_index(column)
    field = table.schema.field(index)
    kind = field.type.value_type if pa.types.is_dictionary(field.type) else field.type
    values = table.column(column).to_pylist()
    for row, value in changes.items():
        values[row] = value
    array = pa.array(values, kind)
    if pa.types.is_dictionary(field.type):
        array = array.dictionary_encode()
    return table.set_column(index, field.with_nullable(True).with_type(array.type), array)


def _statements(n: int, seed: int, overdrawn=(), mail_seed=None) -> pa.Table:
    table = with_mail_columns(make_statements(n, seed=seed), seed if mail_seed is None else mail_seed)
    if overdrawn:
        table = _set_values(table, "opening_balance", {r: decimal.Decimal("-9999.00") for r in overdrawn})
    return table


def _profile_data() -> dict:
    return yaml.safe_load(PROFILE.read_text())


def _write_profile(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def _produce(table, assets, profile, out, **kwargs):
    return produce(table, assets / "statement.yaml", profile, out, rules=RULES,
                   key_fields=("customer_id",), **kwargs)


def _closing_balance(table: pa.Table) -> list[decimal.Decimal]:
    """opening balance + the sum of the transactions: computed here, not by the rules."""
    return [row["opening_balance"] + sum((t["amount"] for t in row["transactions"]), decimal.Decimal(0))
            for row in table.select(["opening_balance", "transactions"]).to_pylist()]


def _manifest(job_dir: Path) -> list[dict]:
    return read_manifest(job_dir / "manifest.parquet").to_pylist()


def _pieces_by_file(manifest: list[dict]) -> dict[str, list[dict]]:
    out = collections.defaultdict(list)
    for piece in manifest:
        out[piece["file"]].append(piece)
    return out


def _sheet_pages(piece: dict):
    """(sheet index, 0-based front page, 0-based back page or None) of a piece."""
    pps = 2 if piece["duplex"] else 1
    for s in range(piece["sheets"]):
        front = piece["first_page"] - 1 + s * pps
        yield s, front, front + 1 if pps == 2 else None


def _mult(m, n):
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def page_rects(page) -> list[tuple[float, float, float, float]]:
    """Every rectangle the page's content stream draws with `re`, in PDF user
    space (x0, y0, x1, y1; y up), through the q/Q/cm transforms."""
    ctm = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    stack, rects = [], []
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "q":
            stack.append(ctm)
        elif op == "Q":
            ctm = stack.pop()
        elif op == "cm":
            ctm = _mult(tuple(float(v) for v in operands), ctm)
        elif op == "re":
            x, y, w, h = (float(v) for v in operands)
            a, b, c, d, e, f = ctm
            xs = [a * px + c * py + e for px, py in ((x, y), (x + w, y + h))]
            ys = [b * px + d * py + f for px, py in ((x, y), (x + w, y + h))]
            rects.append((min(xs), min(ys), max(xs), max(ys)))
    return rects


def _operators(page) -> set[str]:
    return {str(op) for _, op in pikepdf.parse_content_stream(page)}


def _text_of_pages(path: Path) -> list[str]:
    import pypdf
    reader = pypdf.PdfReader(str(path))
    return [" ".join((p.extract_text() or "").split()) for p in reader.pages]


def _page_streams(pdf: pikepdf.Pdf, index: int) -> bytes:
    contents = pdf.pages[index].obj.get("/Contents")
    if contents is None:
        return b""
    if isinstance(contents, pikepdf.Array):
        return b"".join(c.read_bytes() for c in contents)
    return contents.read_bytes()


# --------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def assets(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("assets")
    write_demo_assets(directory)
    return directory


OVERDRAWN = (2, 9, 21)


@pytest.fixture(scope="module")
def statements() -> pa.Table:
    return _statements(40, seed=5, overdrawn=OVERDRAWN)


@pytest.fixture(scope="module")
def demo_job(assets, statements, tmp_path_factory):
    out = tmp_path_factory.mktemp("demo_job")
    result = _produce(statements, assets, PROFILE, out)
    return result, out, _manifest(out)


# --------------------------------------------------------------------------- 1. 2D marks

def test_datamatrix_on_every_front_decodes_to_the_manifest_payload(demo_job, statements):
    import pypdfium2
    import zxingcpp

    result, out, manifest = demo_job
    closing = _closing_balance(statements)
    segment = statements.column("segment").to_pylist()
    assert any(p["divert"] for p in manifest) and any(p["feeds"].startswith("1") for p in manifest)
    by_file = _pieces_by_file(manifest)
    name = max(by_file, key=lambda f: len(by_file[f]))
    pdf = pypdfium2.PdfDocument(str(out / name))
    decoded = {}
    for i in range(len(pdf)):
        image = pdf[i].render(scale=300 / 72).to_pil()
        decoded[i] = [b for b in zxingcpp.read_barcodes(image)
                      if b.format == zxingcpp.BarcodeFormat.DataMatrix]
    pdf.close()
    assert sum(p["pages"] for p in by_file[name]) == len(decoded)
    fronts = 0
    for piece in by_file[name]:
        records = piece["record_ids"]
        want_divert = any(closing[r] < 0 for r in records)
        want_feed1 = any(segment[r] == "concession" for r in records)
        assert piece["divert"] == want_divert
        assert piece["feeds"][0] == ("1" if want_feed1 else "0")
        for s, front, back in _sheet_pages(piece):
            symbols = decoded[front]
            assert len(symbols) == 1, f"{name} page {front + 1}: {len(symbols)} DataMatrix symbols"
            text = symbols[0].text
            assert text == piece["mark_payloads"][s]
            # {job_id:6}{piece_id:8}{sheet:2}{sheets:2}{feeds:4}{divert:1}
            assert len(text) == 23
            assert text[:6] == piece["job_id"] == result.job_id == "260001"
            assert text[6:14] == piece["piece_id"]
            assert int(text[14:16]) == s + 1 and int(text[16:18]) == piece["sheets"]
            assert text[18:22] == piece["feeds"].ljust(4, "0")
            assert text[18] == ("1" if want_feed1 else "0")
            assert text[22] == ("1" if want_divert else "0")
            fronts += 1
            if back is not None:
                assert decoded[back] == [], f"{name} page {back + 1} (a back) has a DataMatrix"
    assert fronts == sum(p["sheets"] for p in by_file[name])


# --------------------------------------------------------------------------- 2. postal barcode

def _bars_from_rects(rects, x0, top, pitch, height, count) -> str:
    """F/A/D/T per bar position, from the rectangles drawn in the barcode's box."""
    tol = 0.3
    in_box = [r for r in rects if x0 - tol <= r[0] <= x0 + count * pitch + tol
              and top - height - tol <= r[1] and r[3] <= top + tol]
    letters = []
    for i in range(count):
        left = x0 + i * pitch
        bars = [r for r in in_box if abs(r[0] - left) < pitch / 3]
        assert len(bars) == 1, f"bar {i}: {len(bars)} rectangles at x={left:.2f}"
        _, y0, _, y1 = bars[0]
        up, down = abs(y1 - top) < tol, abs(y0 - (top - height)) < tol
        # the tracker is a middle third of the full height
        assert any(abs((y1 - y0) - h) < 2 * tol for h in (height, 2 * height / 3, height / 3)), (y0, y1)
        letters.append("F" if up and down else "A" if up else "D" if down else "T")
    assert len(in_box) == count, f"{len(in_box)} rectangles in the barcode box, expected {count}"
    return "".join(letters)


def test_postal_barcode_bars_match_manifest_and_zint(demo_job, statements):
    from test_barcodes import ZINT, zint_four_state
    if ZINT is None:
        pytest.skip("zint is not installed")
    _, out, manifest = demo_job
    profile = load_profile(PROFILE)
    postal = profile.postal
    assert postal.pitch_pt == pytest.approx(1.08 * MM)
    dpid = statements.column("dpid").to_pylist()
    checked = 0
    for name, pieces in _pieces_by_file(manifest).items():
        with pikepdf.open(out / name) as pdf:
            for piece in pieces:
                page = pdf.pages[piece["first_page"] - 1]
                top = float(page.mediabox[3]) - postal.y_pt
                bars = _bars_from_rects(page_rects(page), postal.x_pt, top, postal.pitch_pt,
                                        postal.height_pt, 37)
                record = piece["record_ids"][0]
                assert piece["postal_payload"] == f"11|{dpid[record]}"
                assert bars == piece["postal_bars"]
                assert bars == zint_four_state(63, dpid[record], 37)
                # no barcode on the piece's other pages
                for other in range(piece["first_page"], piece["first_page"] - 1 + piece["pages"]):
                    rects = page_rects(pdf.pages[other])
                    assert not [r for r in rects if abs(r[0] - postal.x_pt) < 0.5
                                and abs(r[2] - r[0] - postal.bar_width_pt) < 0.2], \
                        f"{name} page {other + 1} has postal bars"
                checked += 1
    assert checked == len(manifest)


# --------------------------------------------------------------------------- 3. OMR

@pytest.fixture(scope="module", params=["duplex", "simplex"])
def omr_job(request, assets, statements, tmp_path_factory):
    """The demo job with the generic OMR scheme; simplex also with small files
    and small chunks, so that the sequence runs on across files and chunks."""
    directory = tmp_path_factory.mktemp("omr_job")
    data = _profile_data()
    data["inserter"] = {"scheme": "generic-omr", "feeds": {1: "segment = 'concession'"},
                        "divert": "closing_balance < 0"}
    chunk = 256
    if request.param == "simplex":
        data["printer"]["duplex"] = False
        data["output"] = {"max_pages_per_file": 9}
        chunk = 5
    profile = _write_profile(directory / "omr.yaml", data)
    out = directory / "out"
    result = _produce(statements, assets, profile, out, chunk_pieces=chunk)
    manifest = _manifest(out)
    assert all(p["duplex"] == (request.param == "duplex") for p in manifest)
    if request.param == "simplex":
        by_file = _pieces_by_file(manifest)
        assert len(by_file) > 2
        assert all(sum(p["pages"] for p in pieces) <= 9 for pieces in by_file.values())
    return result, out, manifest, load_profile(profile)


def test_omr_marks_read_back(omr_job, statements):
    _, out, manifest, profile = omr_job
    scheme = profile.inserter.scheme
    closing = _closing_balance(statements)
    segment = statements.column("segment").to_pylist()
    sheets_seen, wraps = 0, 0
    previous_sequence = {}
    for name, pieces in _pieces_by_file(manifest).items():
        with pikepdf.open(out / name) as pdf:
            height = float(pdf.pages[0].mediabox[3])

            def marks(index):
                return [r for r in page_rects(pdf.pages[index])
                        if abs(r[0] - scheme.x_pt) < 0.5 and abs(r[2] - r[0] - scheme.length_pt) < 0.5]

            for piece in pieces:
                records = piece["record_ids"]
                want_divert = any(closing[r] < 0 for r in records)
                want_feed1 = any(segment[r] == "concession" for r in records)
                for s, front, back in _sheet_pages(piece):
                    found = marks(front)
                    for r in found:
                        assert r[3] - r[1] == pytest.approx(scheme.thickness_pt, abs=0.05)
                    tops = [height - r[3] for r in found]
                    on = read_omr(scheme, tops)
                    last = s == piece["sheets"] - 1
                    where = f"{name} piece {piece['piece_id']} sheet {s + 1}"
                    assert on["benchmark"] and on["safety"], where
                    assert on["eoc"] == last, where
                    assert on["feed1"] == (last and want_feed1), where
                    assert not on["feed2"], where
                    assert on["divert"] == (last and want_divert), where
                    sequence = (piece["sequence"] + s) % 8
                    assert on["seq1"] + 2 * on["seq2"] + 4 * on["seq4"] == sequence, where
                    assert len(found) % 2 == 0, where
                    assert piece["mark_payloads"][s] == "".join("1" if on[t] else "0" for t in scheme.tracks)
                    stream_prev = previous_sequence.get(piece["stream"])
                    if stream_prev is not None:
                        assert sequence == (stream_prev + 1) % 8, where
                        wraps += stream_prev == 7 and sequence == 0
                    previous_sequence[piece["stream"]] = sequence
                    sheets_seen += 1
                    if back is not None:
                        assert marks(back) == [], f"{name} page {back + 1} (a back) has OMR marks"
    assert sheets_seen > 8 and wraps >= 1
    assert any(p["divert"] for p in manifest) and any(p["feeds"] == "1" for p in manifest)


# --------------------------------------------------------------------------- 4. reconciliation

@pytest.fixture(scope="module")
def bad_job(assets, tmp_path_factory):
    table = _statements(300, seed=3, mail_seed=2)
    channel = table.column("channel").to_pylist()
    household = table.column("household_id").to_pylist()
    counts = collections.Counter(household)
    ordinary = [r for r in range(table.num_rows) if channel[r] == "print" and counts[household[r]] == 1]
    # The first account of a joint household (printed, the partner printed too).
    joint = next(r for r in range(table.num_rows - 1) if household[r] == household[r + 1]
                 and counts[household[r]] == 2 and channel[r] == channel[r + 1] == "print")
    bad = {ordinary[3]: "last_name", ordinary[7]: "dpid", ordinary[11]: "first_name", joint: "first_name"}
    table = _set_values(table, "last_name", {ordinary[3]: None})
    table = _set_values(table, "dpid", {ordinary[7]: "12AB"})
    table = _set_values(table, "first_name", {ordinary[11]: "中文", joint: "李"})   # no glyph in DejaVu
    out = tmp_path_factory.mktemp("bad_job")
    result = _produce(table, assets, PROFILE, out)
    return result, out, table, bad, joint


def test_bad_records_householding_and_suppression_reconcile(bad_job):
    result, out, table, bad, joint_first = bad_job
    summary = result.summary
    assert summary["records_in"] == table.num_rows == 300
    assert summary["records_in"] == (summary["records_in_pieces"] + summary["suppressed"]
                                     + summary["exceptions"])
    assert summary["exceptions"] == len(bad) == 4
    channel = table.column("channel").to_pylist()
    assert summary["suppressed"] == sum(c in ("suppress", "email") for c in channel)
    assert summary["suppressed_by_stream"].get("suppressed", 0) > 0
    exceptions = {row["record"]: row for row in pq.read_table(out / "exceptions.parquet").to_pylist()}
    assert sorted(exceptions) == sorted(bad)
    for record, field_name in bad.items():
        assert exceptions[record]["field"] == field_name, exceptions[record]
        assert exceptions[record]["key"] == f"customer_id={table['customer_id'][record].as_py()}"
    reason = {field_name: exceptions[record]["reason"] for record, field_name in bad.items()
              if record != joint_first}
    assert "null" in reason["last_name"] and "required" in reason["last_name"]
    assert "8 digits" in reason["dpid"]
    assert "U+4E2D" in reason["first_name"]
    assert "U+674E" in exceptions[joint_first]["reason"]
    manifest = _manifest(out)
    in_pieces = [r for p in manifest for r in p["record_ids"]]
    assert not set(in_pieces) & set(bad)
    # the partner of the failed joint account goes out alone
    assert [p["record_ids"] for p in manifest if joint_first + 1 in p["record_ids"]] == [[joint_first + 1]]
    suppressed = pq.read_table(out / "suppressed.parquet").column("record").to_pylist()
    assert sorted(in_pieces + suppressed + list(exceptions)) == list(range(300))
    # householding: joint accounts share a piece and a normalised address
    joint = [p for p in manifest if len(p["record_ids"]) >= 2]
    assert joint
    normal = normalise_address([table.column(c) for c in ADDRESS]).to_pylist()
    household = table.column("household_id").to_pylist()
    for piece in joint:
        assert len({normal[r] for r in piece["record_ids"]}) == 1
        assert len({household[r] for r in piece["record_ids"]}) == 1
    assert reconcile_job(out).ok


def test_reconciliation_fails_when_a_page_is_missing(bad_job, tmp_path):
    out = bad_job[1]
    copy_dir = tmp_path / "job"
    shutil.copytree(out, copy_dir)
    assert reconcile_job(copy_dir).ok
    name = max(_pieces_by_file(_manifest(copy_dir)).items(), key=lambda kv: len(kv[1]))[0]
    with pikepdf.open(copy_dir / name, allow_overwriting_input=True) as pdf:
        pdf.pages.remove(p=3)
        pdf.save(copy_dir / name)
    check = reconcile_job(copy_dir)
    assert not check.ok
    assert any(name in problem for problem in check.problems), check.problems


# --------------------------------------------------------------------------- 5. reprint

def test_reprint_recreates_pieces_exactly(demo_job, statements, assets, tmp_path):
    _, out, original = demo_job
    selection = load_reprint(out, ["00000003", "00000010-00000012"])
    result = _produce(statements, assets, PROFILE, tmp_path / "reprint", job_id="R00001", reprint=selection)
    assert result.summary["reprint_of"] == "260001"
    assert result.summary["job_id"] == "R00001"
    reprinted = _manifest(tmp_path / "reprint")
    assert [p["piece_id"] for p in reprinted] == ["00000003", "00000010", "00000011", "00000012"]
    by_id = {p["piece_id"]: p for p in original}
    opened = {}
    try:
        for piece in reprinted:
            old = by_id[piece["piece_id"]]
            assert piece["record_ids"] == old["record_ids"]
            assert piece["mark_payloads"] == old["mark_payloads"]
            assert piece["sequence"] == old["sequence"]
            assert piece["pages"] == old["pages"] and piece["stocks"] == old["stocks"]
            assert piece["file"].startswith("reprint-R00001-")
            for path in (tmp_path / "reprint" / piece["file"], out / old["file"]):
                if path not in opened:
                    opened[path] = pikepdf.open(path)
            new_pdf, old_pdf = opened[tmp_path / "reprint" / piece["file"]], opened[out / old["file"]]
            for k in range(piece["pages"]):
                assert _page_streams(new_pdf, piece["first_page"] - 1 + k) == \
                    _page_streams(old_pdf, old["first_page"] - 1 + k), f"piece {piece['piece_id']} page {k + 1}"
    finally:
        for pdf in opened.values():
            pdf.close()
    assert reconcile_job(tmp_path / "reprint").ok


# --------------------------------------------------------------------------- 6. streams and files

def test_streams_split_files_and_route_pieces(assets, tmp_path):
    table = _statements(300, seed=3, mail_seed=2)
    data = _profile_data()
    data["output"] = {"max_pieces_per_file": 20}
    for stream in data["streams"]:
        if stream["name"] == "c5":
            stream["max_sheets"] = 1
    profile = _write_profile(tmp_path / "split.yaml", data)
    out = tmp_path / "out"
    result = _produce(table, assets, profile, out)
    manifest = _manifest(out)
    by_file = _pieces_by_file(manifest)
    c5_files = sorted(f for f in by_file if f.startswith("c5-"))
    assert len(c5_files) >= 3
    assert c5_files == [f"c5-{i:03d}.pdf" for i in range(1, len(c5_files) + 1)]
    for name, pieces in by_file.items():
        assert len(pieces) <= 20, name
        assert (out / name).is_file() and (out / name).with_suffix(".jdf").is_file()
        with pikepdf.open(out / name) as pdf:
            assert len(pdf.pages) == sum(p["pages"] for p in pieces)
    for name in c5_files[:-1]:
        assert len(by_file[name]) == 20
    listed = [f["name"] for s in result.summary["streams"] for f in s["files"]]
    assert sorted(listed) == sorted(by_file)
    country = table.column("country").to_pylist()
    assert any(c != "AU" for c in country)
    for piece in manifest:
        foreign = {country[r] != "AU" for r in piece["record_ids"]}
        assert len(foreign) == 1
        if foreign == {True}:
            assert piece["stream"] == "international" and piece["file"].startswith("international-")
        elif piece["sheets"] >= 2:
            assert piece["stream"] == "flats" and piece["envelope"] == "C4"
        else:
            assert piece["stream"] == "c5" and piece["envelope"] == "C5"
    assert any(p["stream"] == "flats" for p in manifest)
    assert any(p["stream"] == "international" for p in manifest)
    channel = table.column("channel").to_pylist()
    suppressed = pq.read_table(out / "suppressed.parquet").to_pylist()
    expected = {r: {"suppress": "suppressed", "email": "email"}[c] for r, c in enumerate(channel)
                if c in ("suppress", "email")}
    assert "suppress" in channel and "email" in channel
    assert {row["record"]: row["stream"] for row in suppressed} == expected
    keys = table.column("customer_id").to_pylist()
    for row in suppressed:
        assert row["key"] == f"customer_id={keys[row['record']]}"
    assert reconcile_job(out).ok


def test_a_stream_never_takes_more_sheets_than_its_envelope(assets, tmp_path):
    """A stream without max_sheets takes its envelope's: pieces of more sheets go on."""
    table = _statements(300, seed=3, mail_seed=2)
    data = _profile_data()
    data["envelopes"]["C5"]["max_sheets"] = 2
    out = tmp_path / "out"
    _produce(table, assets, _write_profile(tmp_path / "envelope.yaml", data), out)
    manifest = _manifest(out)
    assert max(p["sheets"] for p in manifest) >= 3
    for piece in manifest:
        limit = data["envelopes"][piece["envelope"]]["max_sheets"]
        assert piece["sheets"] <= limit, piece
        if piece["country"] == "AU":
            assert piece["stream"] == ("c5" if piece["sheets"] <= 2 else "flats")


# --------------------------------------------------------------------------- 7. sheets

def test_sheets_blank_backs_inserts_stocks_and_jdf(demo_job, statements, assets, tmp_path):
    _, out, manifest = demo_job
    # The documents' own page counts, composed without the production job.
    report = pressrun.compose(statements, template=assets / "statement.yaml", out=tmp_path / "plain.pdf",
                              key_fields=("customer_id",), rules=RULES)
    index = pq.read_table(report.outputs["documents"]).to_pydict()
    doc_pages = dict(zip(index["record"], index["pages"]))
    assert len(doc_pages) == statements.num_rows
    segment = statements.column("segment").to_pylist()
    zx, zy, zw, zh = load_profile(PROFILE).inserter.scheme.clear_zone_pt
    odd_seen = insert_seen = 0
    for name, pieces in _pieces_by_file(manifest).items():
        texts = _text_of_pages(out / name)
        with pikepdf.open(out / name) as pdf:
            for piece in pieces:
                assert piece["duplex"] and piece["pages"] % 2 == 0
                assert piece["pages"] == 2 * piece["sheets"]
                inserts = int(any(segment[r] == "small_business" for r in piece["record_ids"]))
                doc_sheets = sum((doc_pages[r] + 1) // 2 for r in piece["record_ids"])
                assert piece["sheets"] == doc_sheets + inserts
                stocks = piece["stocks"]
                assert stocks[0] == "letterhead"
                assert stocks[1:doc_sheets] == ["plain"] * (doc_sheets - 1)
                page = piece["first_page"] - 1
                for r in piece["record_ids"]:
                    n = doc_pages[r]
                    assert all(texts[page + k] for k in range(n))
                    if n % 2:
                        assert texts[page + n] == "", f"{name} page {page + n + 1}: not a blank back"
                        assert "BT" not in _operators(pdf.pages[page + n])
                        odd_seen += 1
                    page += n + n % 2
                if inserts:
                    assert stocks[-1] == "insert"
                    front, back = page, page + 1
                    assert texts[front] == "" and texts[back] == ""
                    # Only the DataMatrix: one image mask, inside its clear zone.
                    operators = [(operands, str(op)) for operands, op in
                                 pikepdf.parse_content_stream(pdf.pages[front])]
                    assert {op for _, op in operators} <= {"q", "Q", "cm", "rg", "g", "k", "INLINE IMAGE"}
                    assert [op for _, op in operators].count("INLINE IMAGE") == 1
                    w, _, _, h, x0, y0 = (float(v) for v in next(o for o, op in operators if op == "cm"))
                    height = float(pdf.pages[front].mediabox[3])
                    assert zx - 0.01 <= x0 and x0 + w <= zx + zw + 0.01, (x0, w)
                    assert zy - 0.01 <= height - (y0 + h) and height - y0 <= zy + zh + 0.01, (y0, h)
                    assert _page_streams(pdf, back).strip() == b""
                    insert_seen += 1
                else:
                    assert "insert" not in stocks
        # The JDF ticket: per sheet, the manifest's stock.
        runs = read_jdf_runs((out / name).with_suffix(".jdf"))
        per_sheet = []
        for run in runs:
            per_sheet += [run.media] * run.sheet_count
            assert run.duplex
        assert per_sheet == [s for p in pieces for s in p["stocks"]]
        jdf_trays = [run.tray for run in runs for _ in range(run.sheet_count)]
        assert jdf_trays == [t for p in pieces for t in p["trays"]]
    assert odd_seen > 0 and insert_seen > 0


# --------------------------------------------------------------------------- 8. determinism

def test_same_job_twice_is_byte_identical(demo_job, statements, assets, tmp_path):
    result, out, _ = demo_job
    names = sorted(p.name for p in out.iterdir() if p.suffix in (".pdf", ".jdf"))
    # Twice, once more in small chunks, and with one thread and with three
    # (one thread: no pipelined writing; implementation details: the same output).
    for again_dir, chunk, threads in ((tmp_path / "again", 256, None), (tmp_path / "chunked", 7, 2),
                                      (tmp_path / "one", 7, 1), (tmp_path / "three", 5, 3)):
        again = _produce(statements, assets, PROFILE, again_dir, chunk_pieces=chunk, threads=threads)
        assert again.summary["streams"] == result.summary["streams"]
        assert names == sorted(p.name for p in again_dir.iterdir() if p.suffix in (".pdf", ".jdf"))
        for name in names + ["manifest.parquet", "manifest.csv", "exceptions.parquet", "suppressed.parquet"]:
            assert (out / name).read_bytes() == (again_dir / name).read_bytes(), (name, chunk, threads)


# --------------------------------------------------------------------------- 9. profile errors

def _bad_profile(tmp_path: Path, old: str, new: str) -> tuple[str, Path, int]:
    """The demo profile with one edit, loaded: (the error, the file, the line of the edit)."""
    text = PROFILE.read_text()
    assert text.count(old) == 1, old
    text = text.replace(old, new)
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    line = text[:text.index(new)].count("\n") + 1
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    return str(info.value), path, line


def test_profile_error_unknown_key(tmp_path):
    message, path, line = _bad_profile(tmp_path, "  duplex: true\n", "  duplex: true\n  colour_mode: cmyk\n")
    assert message == f"{path}:{line + 1}: printer.colour_mode: unknown key; allowed here: name, duplex, trays"


def test_profile_error_stream_without_envelope(tmp_path):
    message, path, line = _bad_profile(tmp_path, "  - {name: c5, envelope: C5}", "  - {name: c5}")
    assert message == (f"{path}:{line}: streams[3].envelope: a printed stream needs an envelope of: "
                       f"C5, C4; got null")


def test_profile_error_stock_in_no_tray(tmp_path):
    message, path, line = _bad_profile(
        tmp_path, "  - {sheets: first, stock: letterhead}", "  - {sheets: first, stock: gloss}")
    assert message.startswith(f"{path}:{line}: stock[0].stock: "), message
    assert "stock 'gloss' is in no tray of the printer; trays hold: insert, letterhead, plain" in message


def test_profile_error_stock_defined_but_in_no_tray(tmp_path):
    text = PROFILE.read_text().replace("  insert:     {size: A4, weight_gsm: 120, preprinted: true}\n",
                                       "  insert:     {size: A4, weight_gsm: 120, preprinted: true}\n"
                                       "  gloss:      {size: A4, weight_gsm: 150}\n")
    text = text.replace("  - {stock: plain}", "  - {stock: gloss}")
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    line = text.splitlines().index("  - {stock: gloss}") + 1
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    assert str(info.value).startswith(f"{path}:{line}: stock[1].stock: stock 'gloss' is in no tray"), info.value


def test_profile_error_last_stock_rule_with_when(tmp_path):
    message, path, line = _bad_profile(tmp_path, "  - {stock: plain}",
                                       "  - {stock: plain, when: \"segment = 'residential'\"}")
    assert message == (f"{path}:{line}: stock[1]: the last stock rule must hold for every sheet "
                       f"(no sheets: or when:), so that each sheet has a stock")


def test_profile_error_bad_postal_length(tmp_path):
    message, path, line = _bad_profile(tmp_path, "  at: [20mm, 38mm]", "  at: [20mm, 39 furlongs]")
    assert message.startswith(f"{path}:{line}: postal.at: "), message
    assert "'39 furlongs'" in message


def test_profile_error_unknown_inserter(tmp_path):
    text = PROFILE.read_text()
    start = text.index("  scheme:\n")
    end = text.index("  feeds:\n", start)
    path = tmp_path / "bad.yaml"
    path.write_text(text[:start] + "  scheme: acme-9000\n" + text[end:])
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    line = (text[:start] + "  scheme: acme-9000\n").count("\n")
    assert str(info.value) == (f"{path}:{line}: inserter.scheme: inserter 'acme-9000': no shipped profile "
                               "of that name; shipped: generic-2d, generic-omr (or give a path to a YAML file)")


def test_profile_error_inside_an_inline_inserter_is_placed_in_the_profile(tmp_path):
    message, path, line = _bad_profile(tmp_path, "      module: 0.5mm\n", "      module: 0.5mm\n      modul: 1\n")
    assert message.startswith(f"{path}:{line + 1}: inserter.scheme.datamatrix.modul: unknown key"), message


def test_profile_error_postal_barcode_outside_the_envelope_window(tmp_path):
    message, path, line = _bad_profile(tmp_path, "  at: [20mm, 38mm]", "  at: [20mm, 74mm]")
    assert message.startswith(f"{path}:{line}: postal.at: the barcode (20.0, 74.0) mm"), message
    assert "is not inside the window of envelope 'C5' (stream 'c5')" in message


def test_international_pieces_carry_no_postal_barcode_and_need_no_dpid(assets, tmp_path):
    table = _statements(40, seed=11)
    countries = table.column("country").to_pylist()
    abroad = [i for i, c in enumerate(countries) if c != "AU"] or [5]
    table = _set_values(table, "country", {i: "NZ" for i in abroad})
    table = _set_values(table, "dpid", {abroad[0]: "not a DPID"})
    result = _produce(table, assets, PROFILE, tmp_path / "job")
    assert result.summary["exceptions"] == 0
    for piece in _manifest(tmp_path / "job"):
        if piece["stream"] == "international":
            assert piece["postal_symbology"] == "" and piece["postal_bars"] == ""
        else:
            assert piece["postal_symbology"] == "auspost" and len(piece["postal_bars"]) == 37
    international = [p for p in _manifest(tmp_path / "job") if p["stream"] == "international"]
    assert {r for p in international for r in p["record_ids"]} >= set(abroad)
    with pikepdf.open(tmp_path / "job" / "international-001.pdf") as pdf:
        # No bars but the DataMatrix (drawn in module units through `cm`) on the first page.
        first = international[0]["first_page"] - 1
        content = _page_streams(pdf, first)
        assert content.count(b" re\n") == content.count(b" re\n", content.index(b" cm\n"))


def test_profile_error_stream_max_sheets_beyond_its_envelope(tmp_path):
    message, path, line = _bad_profile(tmp_path, "  - {name: c5, envelope: C5}",
                                       "  - {name: c5, envelope: C5, max_sheets: 7}")
    assert message == (f"{path}:{line}: streams[3].max_sheets: 7 sheets do not fit envelope 'C5', "
                       "which takes 6")


def test_profile_error_duplex_documents_on_a_simplex_printer(tmp_path):
    text = PROFILE.read_text().replace("  duplex: true\n", "  duplex: false\n")
    text = text.replace("inserts:\n", "duplex_when: \"segment = 'residential'\"\ninserts:\n")
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ProfileError, match=r"bad\.yaml:\d+: duplex_when: the printer prints one side only"):
        load_profile(path)


def test_profile_error_divert_the_2d_payload_cannot_carry(tmp_path):
    message, path, line = _bad_profile(
        tmp_path, 'payload: "{job_id:6}{piece_id:8}{sheet:2}{sheets:2}{feeds:4}{divert:1}"',
        'payload: "{job_id:6}{piece_id:8}{sheet:2}{sheets:2}{feeds:4}"')
    assert "inserter.divert: inserter 'statement-2d' carries no divert flag in its payload" in message


def test_a_job_id_the_2d_payload_cannot_carry_fails_before_any_output(assets, tmp_path):
    with pytest.raises(ProfileError, match="job id '12345': inserter 'statement-2d' carries a job id of "
                                           "exactly 6 printable ASCII characters"):
        _produce(_statements(5, seed=1), assets, PROFILE, tmp_path / "job", job_id="12345")
    assert not (tmp_path / "job").exists()


def test_mail_trays_break_on_the_first_presort_key(assets, tmp_path):
    data = _profile_data()
    data["presort"] = {"sort_key": ["locality"], "break_digits": 3, "tray_capacity": 4}
    profile = _write_profile(tmp_path / "p.yaml", data)
    table = _statements(60, seed=4)
    _produce(table, assets, profile, tmp_path / "job")
    localities = table.column("locality").to_pylist()
    for stream, pieces in itertools.groupby(sorted(_manifest(tmp_path / "job"), key=lambda p: p["stream"]),
                                            key=lambda p: p["stream"]):
        pieces = sorted(pieces, key=lambda p: p["piece_id"])
        tray, in_tray, key = 1, 0, None
        for piece in pieces:
            prefix = localities[piece["record_ids"][0]][:3]
            if key is not None and (prefix != key or in_tray == 4):
                tray, in_tray = tray + 1, 0
            key, in_tray = prefix, in_tray + 1
            assert piece["mail_tray"] == tray, (stream, piece["piece_id"])
