"""Barcode elements bound to fields: each record's symbols decode to its data;
data a symbology cannot encode fails that record only; template mistakes
name file, line, key path and the allowed choices."""
from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import pressrun
from pressrun.errors import TemplateError
from pressrun.template import (GS, Barcode, Page, Run, Style, FontFamily, Template, gs1_raw_runs,
                               load_template, parse_runs)

pypdfium2 = pytest.importorskip("pypdfium2")
zxingcpp = pytest.importorskip("zxingcpp")

DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")
pytestmark = [
    pytest.mark.native_boundary,
    pytest.mark.skipif(not (DEJAVU_DIR / "DejaVuSans.ttf").exists(), reason="needs fonts-dejavu-core"),
]

HEAD = """\
pressrun: 1
page: {size: A4}
fonts:
  sans: {family: DejaVu Sans}
styles:
  body: {font: sans, size: 10pt}
fields:
  amount_due: {format: {decimals: 2, thousands: ","}}
"""

# Symbols far apart, with more than their quiet zones (4 modules around a QR
# code, 10 beside Code 128) clear of anything else.
LETTER = HEAD + """\
elements:
  - {text: "Account {account_number}", at: [20mm, 15mm]}
  - barcode: qr
    data: "https://pay.acme.example/{account_number}?amt={amount_due}"
    at: [20mm, 40mm]
    module: 0.8mm
    level: Q
  - barcode: datamatrix
    data: "{account_number}|{amount_due}"
    at: [120mm, 40mm]
    module: 0.8mm
    shape: rectangle
  - barcode: code128
    data: "ACC-{account_number}"
    at: [20mm, 120mm]
    module: 0.4mm
    height: 15mm
  - barcode: gs1-128
    data: "(01)09312345678907(10){batch}(15)251231"
    at: [20mm, 180mm]
    module: 0.4mm
    height: 15mm
"""


def _write(tmp_path: Path, text: str, name: str = "t.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _records(accounts, amounts, batches) -> pa.Table:
    return pa.table({
        "account_number": pa.array(accounts, pa.string()),
        "amount_due": pa.array([Decimal(a) for a in amounts], pa.decimal128(12, 2)),
        "batch": pa.array(batches, pa.string()),
    })


def _decoded(pdf_path: Path) -> list[dict[str, list]]:
    """Per page: {format name: [decoded barcodes]}, rendered at 300 dpi."""
    pages = []
    pdf = pypdfium2.PdfDocument(str(pdf_path))
    try:
        for i in range(len(pdf)):
            image = pdf[i].render(scale=300 / 72).to_pil()
            found: dict[str, list] = {}
            for code in zxingcpp.read_barcodes(image):
                found.setdefault(code.format.name, []).append(code)
            pages.append(found)
    finally:
        pdf.close()
    return pages


def _exceptions(report) -> dict[int, dict]:
    return {row["record"]: row for row in pq.read_table(report.outputs["exceptions_parquet"]).to_pylist()}


# --------------------------------------------------------------------------- composing

@pytest.fixture(scope="module")
def letters(tmp_path_factory):
    directory = tmp_path_factory.mktemp("barcodes")
    table = _records(["A1001", "B2002", "C3003"], ["1234.5", "7", "99999.99"], ["LOT7", "X", "B-12"])
    report = pressrun.compose(table, template=_write(directory, LETTER), out=directory / "out.pdf")
    return report, directory / "out.pdf", table


def test_every_record_composes_one_page(letters):
    report, _, _ = letters
    assert (report.records_in, report.documents, report.exceptions, report.pages) == (3, 3, 0, 3)


def test_each_pages_symbols_decode_to_its_records_formatted_data(letters):
    _, out, table = letters
    expected_amounts = ["1,234.50", "7.00", "99,999.99"]
    pages = _decoded(out)
    assert len(pages) == 3
    for page, account, amount in zip(pages, table["account_number"].to_pylist(), expected_amounts):
        assert [c.text for c in page["QRCode"]] == [f"https://pay.acme.example/{account}?amt={amount}"]
        assert page["QRCode"][0].ec_level == "Q"
        assert [c.text for c in page["DataMatrix"]] == [f"{account}|{amount}"]
        codes = sorted(page["Code128"], key=lambda c: c.position.top_left.y)
        assert len(codes) == 2
        assert codes[0].text == f"ACC-{account}"
        assert codes[0].content_type != zxingcpp.ContentType.GS1


def test_gs1_128_is_raw_gs1_data_with_fnc1(letters):
    _, out, table = letters
    for page, batch in zip(_decoded(out), table["batch"].to_pylist()):
        gs1 = max(page["Code128"], key=lambda c: c.position.top_left.y)
        assert gs1.symbology_identifier == "]C1"  # FNC1 first: GS1-128
        assert gs1.content_type == zxingcpp.ContentType.GS1
        # (10) is variable-length and not last: a GS (FNC1 in the symbol) ends it.
        assert gs1.bytes == f"010931234567890710{batch}\x1d15251231".encode()
        assert gs1.text == f"(01)09312345678907(10){batch}(15)251231"


def test_a_rectangular_datamatrix_is_wider_than_tall(letters):
    _, out, _ = letters
    code = _decoded(out)[0]["DataMatrix"][0]
    position = code.position
    width = abs(position.top_right.x - position.top_left.x)
    height = abs(position.bottom_left.y - position.top_left.y)
    assert width > 1.5 * height


def test_data_a_symbology_cannot_encode_fails_only_that_record(tmp_path):
    table = _records(["A1001", "Zoë", "B2002", "C3003"], ["1", "2", "3", "4"], ["L1", "L2", "L3", "L4"])
    # A QR payload of 5000 characters: more than a version 40 symbol holds.
    table = table.set_column(2, "batch", pa.array(["L1", "L2", "x" * 5000, "L4"]))
    template = HEAD + """\
elements:
  - barcode: code128
    data: "{account_number}"
    at: [20mm, 120mm]
    module: 0.4mm
    height: 15mm
  - barcode: qr
    data: "{batch}"
    at: [20mm, 40mm]
    module: 0.8mm
"""
    out = tmp_path / "out.pdf"
    report = pressrun.compose(table, template=_write(tmp_path, template), out=out)
    assert (report.records_in, report.documents, report.exceptions, report.pages) == (4, 2, 2, 2)
    errors = _exceptions(report)
    assert sorted(errors) == [1, 2]
    assert errors[1]["field"] == "account_number"
    assert "barcode of field 'account_number'" in errors[1]["reason"]
    assert "ASCII" in errors[1]["reason"]
    assert errors[2]["field"] == "batch"
    assert "barcode of field 'batch'" in errors[2]["reason"]
    pages = _decoded(out)
    assert [p["Code128"][0].text for p in pages] == ["A1001", "C3003"]
    assert [p["QRCode"][0].text for p in pages] == ["L1", "L4"]


def test_page_masters_and_page_conditions(tmp_path):
    template = HEAD + """\
pages:
  first:
    elements:
      - barcode: qr
        data: "{account_number}"
        at: [150mm, 20mm]
        module: 0.8mm
        pages: first
    flow_frames: [[20mm, 80mm, 170mm, 180mm]]
  next:
    elements:
      - barcode: code128
        data: "END-{account_number}"
        at: [20mm, 20mm]
        module: 0.4mm
        height: 12mm
        pages: last
    flow_frames: [[20mm, 60mm, 170mm, 200mm]]
flow:
  - paragraph: "One"
  - page_break: true
  - paragraph: "Two"
  - page_break: true
  - paragraph: "Three"
"""
    out = tmp_path / "out.pdf"
    table = _records(["A1001", "B2002"], ["1", "2"], ["x", "y"])
    report = pressrun.compose(table, template=_write(tmp_path, template), out=out)
    assert (report.exceptions, report.pages) == (0, 6)
    pages = _decoded(out)
    formats = [sorted(p) for p in pages]
    assert formats == [["QRCode"], [], ["Code128"]] * 2
    assert pages[0]["QRCode"][0].text == "A1001"
    assert pages[2]["Code128"][0].text == "END-A1001"
    assert pages[3]["QRCode"][0].text == "B2002"
    assert pages[5]["Code128"][0].text == "END-B2002"


# --------------------------------------------------------------------------- GS1 form

def test_gs1_human_readable_form_becomes_raw_data():
    runs = gs1_raw_runs(parse_runs("(01)09312345678907(10)ABC(15)251231(3103)000750"))
    assert "".join(r.text for r in runs) == "0109312345678907" "10ABC" + GS + "15251231" "3103000750"
    # A variable-length AI last needs no separator; fields stay fields.
    runs = gs1_raw_runs(parse_runs("(01){gtin}(21){serial}(10){lot}"))
    assert runs == (Run(text="01"), Run(field="gtin"), Run(text="21"), Run(field="serial"),
                    Run(text=GS + "10"), Run(field="lot"))
    # Raw data (not starting with an AI in parentheses) is kept as it is.
    raw = parse_runs("0109312345678907" "10{lot}")
    assert gs1_raw_runs(raw) == raw
    with pytest.raises(ValueError, match=r"'\(' .* is not part of an AI"):
        gs1_raw_runs(parse_runs("(01)0931234567890(7"))


# --------------------------------------------------------------------------- template errors

ONE = HEAD + """\
elements:
  - {text: "Account", at: [20mm, 15mm]}
  - barcode: %(kind)s
    data: %(data)s
    at: [20mm, 40mm]
    module: 0.5mm
%(extra)s"""


def _error_of(tmp_path, kind="qr", data='"{account_number}"', extra=""):
    path = _write(tmp_path, ONE % {"kind": kind, "data": data, "extra": textwrap.indent(extra, "    ")})
    with pytest.raises(TemplateError) as info:
        load_template(path)
    return str(info.value), str(path)


def test_unknown_symbology(tmp_path):
    message, path = _error_of(tmp_path, kind="datamatrx")
    assert message == (f"{path}:11: elements[1].barcode: unknown symbology 'datamatrx'; "
                       "did you mean 'datamatrix'?")
    message, _ = _error_of(tmp_path, kind="ean13")
    assert message.endswith("unknown symbology 'ean13'; expected one of: qr, datamatrix, code128, gs1-128")


def test_code128_needs_a_height(tmp_path):
    message, path = _error_of(tmp_path, kind="code128")
    assert message == (f"{path}:11: elements[1]: missing required key 'height' "
                       "(the bar height of a code128 symbol)")


def test_height_is_for_linear_symbols_only(tmp_path):
    message, path = _error_of(tmp_path, kind="datamatrix", extra="height: 10mm\n")
    assert message.startswith(f"{path}:15: elements[1].height: applies to code128 and gs1-128 only")


def test_bad_qr_level(tmp_path):
    message, path = _error_of(tmp_path, extra="level: X\n")
    assert message == f"{path}:15: elements[1].level: unknown qr level 'X'; expected one of: L, M, Q, H"
    message, path = _error_of(tmp_path, kind="code128", extra="height: 10mm\nlevel: H\n")
    assert message == f"{path}:16: elements[1].level: applies to qr only, not code128"


def test_bad_datamatrix_shape(tmp_path):
    message, path = _error_of(tmp_path, kind="datamatrix", extra="shape: round\n")
    assert message == (f"{path}:15: elements[1].shape: unknown datamatrix shape 'round'; "
                       "expected one of: square, rectangle, any")


def test_unknown_key_lists_or_suggests_the_allowed_keys(tmp_path):
    message, path = _error_of(tmp_path, extra="modul: 1mm\n")
    assert message == f"{path}:15: elements[1].modul: unknown key; did you mean 'module'?"
    message, path = _error_of(tmp_path, extra="colour: red\n")
    assert message == (f"{path}:15: elements[1].colour: unknown key; expected one of: barcode, data, "
                       "at, module, height, level, shape")


def test_missing_data_and_page_fields(tmp_path):
    path = _write(tmp_path, HEAD + "elements:\n  - {barcode: qr, at: [20mm, 40mm], module: 1mm}\n")
    with pytest.raises(TemplateError, match=r"t\.yaml:10: elements\[0\]: missing required key 'data'"):
        load_template(path)
    message, path = _error_of(tmp_path, data='"{page}"')
    assert message == (f"{path}:12: elements[1].data: {{page}} cannot be barcode data: "
                       "a barcode reads fields of the record")


def test_gs1_data_errors(tmp_path):
    message, path = _error_of(tmp_path, kind="gs1-128", data='"(01)9312345678907(1"',
                              extra="height: 10mm\n")
    assert message.startswith(f"{path}:12: elements[1].data: GS1 data in the form")
    # Control characters other than GS are said at load time, not once per record.
    message, path = _error_of(tmp_path, kind="code128", data='"A\\x07B"', extra="height: 10mm\n")
    assert message.startswith(f"{path}:12: elements[1].data: control character U+0007")


def test_table_fields_cannot_be_barcode_data(tmp_path):
    template = HEAD + """\
pages:
  first:
    elements:
      - barcode: qr
        data: "{account_number}-{amount}"
        at: [150mm, 20mm]
        module: 0.8mm
    flow_frames: [[20mm, 80mm, 170mm, 180mm]]
  next:
    flow_frames: [[20mm, 60mm, 170mm, 200mm]]
flow:
  - table:
      rows: items
      columns:
        - {header: Amount, value: "{amount}", width: 30mm}
"""
    path = _write(tmp_path, template.replace("{amount}\"\n        at", "{items.amount}\"\n        at"))
    with pytest.raises(TemplateError) as info:
        load_template(path)
    assert str(info.value) == (f"{path}:13: pages.first.elements[0].data: 'items.amount' is a table "
                               "field (the list 'items' or its items): barcode data reads fields of "
                               "the record only")
    path = _write(tmp_path, template.replace("{amount}\"\n        at", "{items}\"\n        at"))
    with pytest.raises(TemplateError, match=r":13: pages\.first\.elements\[0\]\.data: 'items' is a table field"):
        load_template(path)


def test_barcodes_built_in_python_are_checked():
    fonts = {"sans": FontFamily("sans", files={"regular": DEJAVU_DIR / "DejaVuSans.ttf"})}
    styles = {"body": Style("body", "sans")}

    def build(**changes):
        code = dict(symbology="qr", runs=parse_runs("{account_number}"), x_pt=50, y_pt=50, module_pt=2)
        code.update(changes)
        return Template(name="t", page=Page(595, 842), fonts=fonts, styles=styles,
                        elements=(Barcode(**code),))

    template = build()
    assert "account_number" in template.fields  # an implicit required field
    with pytest.raises(TemplateError, match=r"^<python>: elements\[0\]\.level: unknown qr level 'l'"):
        build(level="l")
    with pytest.raises(TemplateError, match=r"elements\[0\]\.module: the module must be positive"):
        build(module_pt=0)
    with pytest.raises(TemplateError, match=r"elements\[0\]\.at: starts outside the page"):
        build(x_pt=-10)
