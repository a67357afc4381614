"""AFP pages, drawn by the independent renderer in afprender.py, against the
PDF pages of the same run (drawn by pdfium), and the production marks decoded
from the AFP render.

Thresholds (measured on the demo statements at 100 dpi, see the report in
``afp_vs_pdf.json`` written to the test's tmp_path):

* mean absolute grey difference after a 1-pixel Gaussian blur: measured 0.7
  to 2.7 (of 255) per page; the limit is 5.  Glyph rasterisation (FreeType
  through Pillow against pdfium) and the rounding of rules to whole pixels
  explain the measured difference; one misplaced text line (a line of 9pt
  text is about 1.5% of a page's ink) moves the figure by 1 or more, a
  missing image (the logo) by about 1.5, a wrong colour of the summary box
  by about 1.
* share of ink pixels (grey < 160) that have ink in the other render within
  1 pixel: measured 0.971 to 0.979; the limit is 0.95.
* text positions: the ink bounding box of each page agrees within 2 pixels
  (measured: within 1, the bottom edge, a rounding of the footer rule); and
  tile by tile (64 x 32 px) the shift that best fits the AFP render to the
  PDF render is at most 1 pixel (0.25 mm); measured: see the test's output.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFilter

import afprender
from afprender import AfpRenderError, render_pages, barcodes, image_resources

pdfium = pytest.importorskip("pypdfium2")
ndimage = pytest.importorskip("scipy.ndimage")

DPI = 100
MAD_LIMIT = 5.0
INK_AGREE_LIMIT = 0.95
BOX_TOLERANCE_PX = 2
SHIFT_LIMIT_PX = 1
EXAMPLES = Path("/tmp/afp_render_examples")


# --------------------------------------------------------------------------
# Fixtures: one composition to both PDF and AFP; one production job
# --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def statement_run(tmp_path_factory):
    from pressrun.demo import make_statements, write_demo_assets
    from pressrun.job import compose
    import pressrun.demo as demo_package
    rules = Path(demo_package.__file__).parent / "statement_rules.yaml"
    base = tmp_path_factory.mktemp("afp_render")
    assets, out = base / "assets", base / "out"
    assets.mkdir()
    out.mkdir()
    write_demo_assets(assets)
    compose(make_statements(12, seed=3), assets / "statement.yaml", out / "s.pdf",
            format="both", rules=rules)
    assert (out / "s.pdf").exists() and (out / "s.afp").exists()
    afp_pages = render_pages((out / "s.afp").read_bytes(), dpi=DPI)
    pdf = pdfium.PdfDocument(str(out / "s.pdf"))
    pdf_pages = [pdf[i].render(scale=DPI / 72).to_pil().convert("RGB") for i in range(len(pdf))]
    pdf_sizes = [tuple(pdf[i].get_size()) for i in range(len(pdf))]   # points
    return {"base": base, "afp": out / "s.afp", "pdf": out / "s.pdf",
            "afp_pages": afp_pages, "pdf_pages": pdf_pages, "pdf_sizes": pdf_sizes}


@pytest.fixture(scope="module")
def production_job(tmp_path_factory):
    import yaml
    import pyarrow.parquet as pq
    import pressrun.demo as demo_package
    from pressrun.demo import make_statements, write_demo_assets
    from pressrun.demo.mailing import with_mail_columns
    from pressrun.production.run import produce
    rules = Path(demo_package.__file__).parent / "statement_rules.yaml"
    tmp = tmp_path_factory.mktemp("afp_render_prod")
    assets = tmp / "assets"
    assets.mkdir()
    write_demo_assets(assets)
    profile = yaml.safe_load((Path(demo_package.__file__).parent
                              / "statement_production.yaml").read_text())
    profile["output"]["format"] = "afp"
    (tmp / "p.yaml").write_text(yaml.safe_dump(profile, sort_keys=False))
    produce(with_mail_columns(make_statements(20, seed=5), 5), assets / "statement.yaml",
            tmp / "p.yaml", tmp / "job", rules=rules, key_fields=("customer_id",))
    manifest = pq.read_table(tmp / "job" / "manifest.parquet").to_pylist()
    return {"dir": tmp / "job", "manifest": manifest, "profile": profile}


# --------------------------------------------------------------------------
# Measures
# --------------------------------------------------------------------------

def _grey_pair(a: Image.Image, b: Image.Image):
    size = (min(a.width, b.width), min(a.height, b.height))
    return a.convert("L").crop((0, 0) + size), b.convert("L").crop((0, 0) + size)


def mean_abs_diff(a, b, blur=1.0):
    ga, gb = _grey_pair(a, b)
    fa = np.asarray(ga.filter(ImageFilter.GaussianBlur(blur)), float)
    fb = np.asarray(gb.filter(ImageFilter.GaussianBlur(blur)), float)
    return float(np.abs(fa - fb).mean())


def ink(image, level=160):
    return np.asarray(image.convert("L")) < level


def ink_agreement(a, b):
    ga, gb = _grey_pair(a, b)
    ia, ib = ink(ga), ink(gb)
    da = ndimage.binary_dilation(ia, iterations=1)
    db = ndimage.binary_dilation(ib, iterations=1)
    return float(((ia & db).sum() + (ib & da).sum()) / max(1, ia.sum() + ib.sum()))


def ink_bbox(mask):
    ys, xs = np.nonzero(mask)
    return (int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max()))


def tile_shifts(a, b, tile=(64, 32), search=4, min_ink=30):
    """Per tile with ink, the shift of ``a`` against ``b`` (dx, dy) that fits best.

    Both renders are blurred slightly; for each tile the sum of squared grey
    differences is minimised over shifts of up to ``search`` pixels.
    """
    ga, gb = _grey_pair(a, b)
    fa = np.asarray(ga.filter(ImageFilter.GaussianBlur(0.7)), float)
    fb = np.asarray(gb.filter(ImageFilter.GaussianBlur(0.7)), float)
    ia, ib = fa < 160, fb < 160
    h, w = fa.shape
    tw, th = tile
    out = []
    for y in range(search, h - th - search, th):
        for x in range(search, w - tw - search, tw):
            if ia[y:y + th, x:x + tw].sum() < min_ink or ib[y:y + th, x:x + tw].sum() < min_ink:
                continue
            ref = fa[y:y + th, x:x + tw]
            errs = []
            for dy in range(-search, search + 1):
                for dx in range(-search, search + 1):
                    cand = fb[y + dy:y + dy + th, x + dx:x + dx + tw]
                    errs.append((float(((ref - cand) ** 2).sum()), dx, dy))
            least = min(e for e, _, _ in errs)
            # a tile holding only a horizontal (vertical) rule fits equally well
            # at any x (y) shift: of the shifts that fit about as well as the
            # best one, take the smallest
            near = [(max(abs(dx), abs(dy)), dx, dy) for e, dx, dy in errs
                    if e <= least * 1.05 + 1e-9]
            _, dx, dy = min(near)
            out.append(((x, y), dx, dy))
    return out


def side_by_side(a, b, path):
    out = Image.new("RGB", (a.width + b.width + 12, max(a.height, b.height)), (255, 0, 0))
    out.paste(a, (0, 0))
    out.paste(b, (a.width + 12, 0))
    out.save(path)
    return path


# --------------------------------------------------------------------------
# 1. AFP pages against the PDF pages of the same run
# --------------------------------------------------------------------------

def test_same_page_count_and_size(statement_run):
    afp_pages, pdf_pages = statement_run["afp_pages"], statement_run["pdf_pages"]
    assert len(afp_pages) == len(pdf_pages) == 13
    sizes = afprender.page_sizes(statement_run["afp"].read_bytes())
    for n, ((w_in, h_in), (w_pt, h_pt), a, b) in enumerate(
            zip(sizes, statement_run["pdf_sizes"], afp_pages, pdf_pages), 1):
        # physical size: the PGD against the PDF MediaBox, within 1/1440 inch
        assert abs(w_in * 72 - w_pt) <= 72 / 1440, (n, w_in * 72, w_pt)
        assert abs(h_in * 72 - h_pt) <= 72 / 1440, (n, h_in * 72, h_pt)
        # rasters: the renderers round the page size differently, by < 1 px
        assert abs(a.width - b.width) <= 1 and abs(a.height - b.height) <= 1, (n, a.size, b.size)


def test_pages_look_alike(statement_run, tmp_path):
    afp_pages, pdf_pages = statement_run["afp_pages"], statement_run["pdf_pages"]
    figures = []
    for n, (a, b) in enumerate(zip(afp_pages, pdf_pages), 1):
        mad = mean_abs_diff(a, b)
        agree = ink_agreement(a, b)
        ga, gb = _grey_pair(a, b)
        box_a, box_b = ink_bbox(ink(ga)), ink_bbox(ink(gb))
        figures.append({"page": n, "mean_abs_grey_diff": round(mad, 3),
                        "ink_agreement": round(agree, 4),
                        "ink_bbox_afp": box_a, "ink_bbox_pdf": box_b,
                        "ink_px_afp": int(ink(ga).sum()), "ink_px_pdf": int(ink(gb).sum())})
    report = tmp_path / "afp_vs_pdf.json"
    report.write_text(json.dumps(figures, indent=1))
    print("\nper-page figures (%s):" % report)
    for f in figures:
        print("  page %(page)2d  mad %(mean_abs_grey_diff)5.2f  ink agreement %(ink_agreement).4f"
              "  bbox afp %(ink_bbox_afp)s pdf %(ink_bbox_pdf)s" % f)
    for f in figures:
        assert f["mean_abs_grey_diff"] <= MAD_LIMIT, f
        assert f["ink_agreement"] >= INK_AGREE_LIMIT, f
        assert all(abs(p - q) <= BOX_TOLERANCE_PX
                   for p, q in zip(f["ink_bbox_afp"], f["ink_bbox_pdf"])), f
    # side-by-side pictures (AFP left, PDF right) for a person to look at
    saved = []
    for index in (0, 1, 5, 12):
        saved.append(side_by_side(afp_pages[index], pdf_pages[index],
                                  tmp_path / ("page%02d_afp_left_pdf_right.png" % (index + 1))))
    EXAMPLES.mkdir(parents=True, exist_ok=True)
    for p in saved[:1] + saved[2:3]:
        shutil.copy(p, EXAMPLES / p.name)
    print("side by side:", ", ".join(str(p) for p in saved), "; copies in", EXAMPLES)


def test_text_positions_agree(statement_run, tmp_path):
    """Tile by tile (64 x 32 px, 16 x 8 mm), the AFP page needs no shift to
    match the PDF page: the best-fitting shift is at most 1 pixel (0.25 mm)."""
    summary = []
    for n, (a, b) in enumerate(zip(statement_run["afp_pages"], statement_run["pdf_pages"]), 1):
        shifts = tile_shifts(a, b)
        assert len(shifts) > 40, (n, len(shifts))
        worst = max(max(abs(dx), abs(dy)) for _, dx, dy in shifts)
        off = [(at, dx, dy) for at, dx, dy in shifts if max(abs(dx), abs(dy)) > SHIFT_LIMIT_PX]
        summary.append((n, len(shifts), worst, sum(1 for _, dx, dy in shifts if (dx, dy) != (0, 0))))
        assert not off, "page %d: tiles placed differently: %s" % (n, off[:10])
    print("\ntile shifts (page, tiles, worst shift px, tiles not at 0,0):", summary)


def test_colours_agree(statement_run):
    """The summary box fill, the zebra stripes and the heading colour."""
    a = np.asarray(statement_run["afp_pages"][0]).astype(int)
    b = np.asarray(statement_run["pdf_pages"][0]).astype(int)
    h = min(a.shape[0], b.shape[0])
    a, b = a[:h], b[:h]
    # pixels that are clearly coloured in the PDF, inside flat areas (the
    # 5 x 5 neighbourhood is uniform in both renders): compare their colours
    sat_b = b.max(axis=2) - b.min(axis=2)
    flat = np.ones(sat_b.shape, bool)
    for img in (a, b):
        g = img.mean(axis=2)
        local = ndimage.maximum_filter(g, 5) - ndimage.minimum_filter(g, 5)
        flat &= local < 6
    coloured = (sat_b > 12) & flat
    assert coloured.sum() > 5000
    diff = np.abs(a - b).max(axis=2)
    share = float((diff[coloured] <= 24).mean())
    assert share >= 0.9, share


def test_higher_resolution_first_page(statement_run):
    data = statement_run["afp"].read_bytes()
    a = render_pages(data, dpi=150)[0]
    pdf = pdfium.PdfDocument(str(statement_run["pdf"]))
    b = pdf[0].render(scale=150 / 72).to_pil().convert("RGB")
    assert abs(a.width - b.width) <= 1 and abs(a.height - b.height) <= 1
    assert mean_abs_diff(a, b) <= MAD_LIMIT
    assert ink_agreement(a, b) >= INK_AGREE_LIMIT
    shifts = tile_shifts(a, b, tile=(96, 48), search=5)
    assert shifts and max(max(abs(dx), abs(dy)) for _, dx, dy in shifts) <= 2


# --------------------------------------------------------------------------
# 1b. Bar codes, sloping lines (GOCA) and CMYK / grey images, both formats
# --------------------------------------------------------------------------

BARCODE_TEMPLATE = """\
pressrun: 1
name: afp-render-objects
page:
  size: A4
fonts:
  sans: {family: DejaVu Sans}
styles:
  body: {font: sans, size: 10pt, leading: 13pt, color: "#1a1a1a"}
images:
  cmyk: {file: cmyk.tif}
  grey: {file: grey.png}
elements:
  - {text: "Bar codes {account_number}", at: [20mm, 20mm], style: body}
  - {barcode: qr, data: "https://pay.acme.example/{account_number}", at: [150mm, 30mm],
     module: 0.6mm, level: M}
  - {barcode: datamatrix, data: "{account_number}", at: [20mm, 30mm], module: 0.5mm}
  - {barcode: code128, data: "ACC-{account_number}", at: [20mm, 80mm], module: 0.33mm,
     height: 12mm}
  - {barcode: gs1-128, data: "(01)09312345678907(10){account_number}", at: [20mm, 110mm],
     module: 0.33mm, height: 12mm}
  - {line: {from: [20mm, 150mm], to: [120mm, 190mm], width: 1pt, color: "#cc0000"}}
  - {line: {from: [20mm, 190mm], to: [120mm, 150mm], width: 2pt, color: "#0000cc"}}
  - {image: cmyk, at: [130mm, 150mm], size: [60mm, 30mm]}
  - {image: grey, at: [130mm, 190mm], size: [60mm, 20mm]}
"""


@pytest.fixture(scope="module")
def objects_run(tmp_path_factory):
    import pyarrow as pa
    from pressrun.job import compose
    base = tmp_path_factory.mktemp("afp_render_objects")
    cmyk = Image.new("CMYK", (120, 60))
    cmyk.putdata([(x * 2, y * 4, 0, 0 if x < 60 else 80) for y in range(60) for x in range(120)])
    cmyk.save(base / "cmyk.tif")
    cmyk.convert("L").save(base / "grey.png")
    (base / "t.yaml").write_text(BARCODE_TEMPLATE)
    table = pa.table({"account_number": ["12345678", "87654321"]})
    compose(table, base / "t.yaml", base / "o.pdf", format="both")
    return base


def test_objects_barcodes_lines_images(objects_run, tmp_path):
    zxingcpp = pytest.importorskip("zxingcpp")
    base = objects_run
    data = (base / "o.afp").read_bytes()
    dpi = 200
    afp_pages = render_pages(data, dpi=dpi)
    pdf = pdfium.PdfDocument(str(base / "o.pdf"))
    assert len(afp_pages) == len(pdf) == 2
    symbols = barcodes(data)
    for n, a in enumerate(afp_pages):
        b = pdf[n].render(scale=dpi / 72).to_pil().convert("RGB")
        if n == 0:
            side_by_side(a, b, tmp_path / "objects_afp_left_pdf_right.png")
            EXAMPLES.mkdir(parents=True, exist_ok=True)
            shutil.copy(tmp_path / "objects_afp_left_pdf_right.png", EXAMPLES)
        assert mean_abs_diff(a, b) <= MAD_LIMIT
        assert ink_agreement(a, b) >= INK_AGREE_LIMIT

        def decoded(image):
            out = []
            for r in zxingcpp.read_barcodes(image):
                p = r.position
                out.append((r.format.name, r.text, (p.top_left.x, p.top_left.y,
                                                    p.bottom_right.x, p.bottom_right.y)))
            return sorted(out)
        from_afp, from_pdf = decoded(a), decoded(b)
        assert len(from_pdf) == 4, from_pdf
        assert [(f, t) for f, t, _ in from_afp] == [(f, t) for f, t, _ in from_pdf]
        for (_, text, box_a), (_, _, box_b) in zip(from_afp, from_pdf):
            # the printer's symbol (zint here) and pressrun's PDF drawing of it
            # agree in place and size, to 2 px at 200 dpi (0.25 mm)
            assert max(abs(p - q) for p, q in zip(box_a, box_b)) <= 2, (text, box_a, box_b)
        # the descriptors: types and modifiers per BCOCA
        kinds = sorted((s.type, s.modifier) for s in symbols[n])
        assert kinds == sorted([(0x20, 0x02), (0x1C, 0x00), (0x11, 0x02), (0x11, 0x03)]) or \
            kinds == sorted([(0x20, 0x02), (0x1C, 0x00), (0x11, 0x02), (0x11, 0x04)]), kinds
        def mm(*v):
            return tuple(int(round(x / 25.4 * dpi)) for x in v)
        # sloping lines (GOCA): tile by tile in place (a tile of a sloping line
        # fits about as well when moved along the line: 2 px allowed)
        region = mm(15, 145, 125, 195)
        shifts = tile_shifts(a.crop(region), b.crop(region), tile=(64, 64), search=4)
        assert len(shifts) > 10
        assert max(max(abs(dx), abs(dy)) for _, dx, dy in shifts) <= 2, shifts
        # images: the same box (their colours differ: pdfium converts CMYK with
        # its own approximation, this renderer naively)
        region = mm(125, 145, 200, 215)
        boxes = [ink_bbox((np.asarray(im.crop(region).convert("RGB")).min(axis=2) < 250))
                 for im in (a, b)]
        assert max(abs(p - q) for p, q in zip(*boxes)) <= 1, boxes
        # line colours
        px_a = np.asarray(a).astype(int)
        y, x = int(150 / 25.4 * dpi) + 1, int(21 / 25.4 * dpi)
        assert any(tuple(px_a[y + k, x]) == (204, 0, 0) for k in range(-3, 4))
    # the CMYK image went as IOCA bands holding the picture's own values
    pictures = image_resources(data)
    source = Image.open(base / "cmyk.tif").convert("RGB")
    assert any(pic.size == source.size and
               np.array_equal(np.asarray(pic), np.asarray(source)) for pic, _ in pictures.values())
    grey = Image.open(base / "grey.png").convert("RGB")
    assert any(np.array_equal(np.asarray(pic), np.asarray(grey)) for pic, _ in pictures.values())


# --------------------------------------------------------------------------
# 2. Production: marks and postal bar codes from the AFP render
# --------------------------------------------------------------------------

def test_production_marks_decode(production_job, tmp_path):
    zxingcpp = pytest.importorskip("zxingcpp")
    manifest = production_job["manifest"]
    by_file: dict = {}
    for piece in manifest:
        by_file.setdefault(piece["file"], []).append(piece)
    assert sum(len(v) for v in by_file.values()) == 20
    checked = 0
    for name, pieces in sorted(by_file.items()):
        data = (production_job["dir"] / name).read_bytes()
        pages = render_pages(data, dpi=200)
        symbols = barcodes(data)
        assert len(pages) == len(symbols) == sum(p["pages"] for p in pieces)
        for piece in sorted(pieces, key=lambda p: p["first_page"]):
            first = piece["first_page"] - 1
            assert len(piece["mark_payloads"]) == piece["sheets"]
            pages_per_sheet = 2 if piece["duplex"] else 1
            for sheet, payload in enumerate(piece["mark_payloads"]):
                front = first + sheet * pages_per_sheet
                found = zxingcpp.read_barcodes(pages[front], formats=zxingcpp.BarcodeFormat.DataMatrix)
                texts = [r.text for r in found]
                assert texts == [payload], (name, piece["piece_id"], sheet, texts, payload)
                # the descriptor agrees with the decode and with the profile's place
                dm = [s for s in symbols[front] if s.type == 0x1C]
                assert [s.text for s in dm] == [payload]
                assert abs(dm[0].x - 196) < 0.1 and abs(dm[0].y - 6) < 0.1, dm[0]
                # the back of a duplex sheet carries no mark
                if pages_per_sheet == 2:
                    assert not zxingcpp.read_barcodes(pages[front + 1])
                checked += 1
    assert checked == sum(p["sheets"] for p in manifest)
    pages[0].crop((0, 0, pages[0].width, pages[0].height // 4)).save(tmp_path / "mark.png")


def _read_four_state(image, x_mm, y_mm, dpi):
    """The bar letters (F, A, D, T) of a 4-state symbol drawn at (x, y)."""
    g = np.asarray(image.convert("L")) < 128
    x0, y0 = int(round(x_mm / 25.4 * dpi)), int(round(y_mm / 25.4 * dpi))
    region = g[y0 - 2:y0 + int(0.25 * dpi), x0 - 2:x0 + int(3 * dpi)]
    cols = region.any(axis=0)
    bars, x = [], 0
    while x < len(cols):
        if cols[x]:
            start = x
            while x < len(cols) and cols[x]:
                x += 1
            ys = np.nonzero(region[:, start:x].any(axis=1))[0]
            bars.append((ys.min(), ys.max()))
        x += 1
    top, bottom = min(b[0] for b in bars), max(b[1] for b in bars)
    mid = (top + bottom) / 2
    letters = ""
    for t, b in bars:
        up, down = t < mid - (bottom - top) * 0.2, b > mid + (bottom - top) * 0.2
        letters += "F" if up and down else "A" if up else "D" if down else "T"
    return letters


def test_production_postal_bars(production_job):
    """The Australia Post symbol (made by zint from the BDA data) shows the
    manifest's bars, at the profile's place."""
    checked = 0
    for piece in production_job["manifest"]:
        if piece["postal_symbology"] != "auspost":
            continue
        data = (production_job["dir"] / piece["file"]).read_bytes()
        page = piece["first_page"] - 1
        symbols = [s for s in barcodes(data)[page] if s.type == 0x1F]
        assert len(symbols) == 1, piece["piece_id"]
        s = symbols[0]
        fcc, dpid = piece["postal_payload"].split("|")
        assert s.modifier == 0x01 and fcc == "11"          # standard customer barcode
        assert s.text == dpid
        assert abs(s.x - 20) < 0.1 and abs(s.y - 38) < 0.1
        image = render_pages(data, dpi=300)[page] if checked < 3 else None
        if image is not None:
            assert _read_four_state(image, s.x, s.y, 300) == piece["postal_bars"]
        checked += 1
    assert checked >= 10


# --------------------------------------------------------------------------
# 3. Damaged data
# --------------------------------------------------------------------------

def _timed(fn, *args):
    start = time.monotonic()
    try:
        fn(*args)
    finally:
        assert time.monotonic() - start < 20, "renderer took too long on damaged data"


def test_damaged_files_raise(statement_run):
    good = statement_run["afp"].read_bytes()
    damaged = {
        "truncated in the middle": good[:len(good) // 2],
        "truncated by 5 bytes": good[:-5],
        "empty": b"",
        "not AFP": b"%PDF-1.7\n" + b"\0" * 200,
        "length byte broken": good[:20] + b"\xff" + good[21:],
        "one byte removed": good[:1000] + good[1001:],
    }
    for label, data in damaged.items():
        with pytest.raises(AfpRenderError) as err:
            _timed(render_pages, data)
        assert str(err.value), label


def test_damaged_ptoca_raises(statement_run):
    # a control sequence whose length runs past the end of its PTX
    good = bytearray(statement_run["afp"].read_bytes())
    fields = afprender.parse_tree(bytes(good))
    ptx = next(n for n in afprender._walk(fields) if n.name == "PTX")
    at = ptx.offset + 9                       # data of the first PTX: 2B D3 len type
    assert good[at:at + 2] == b"\x2b\xd3"
    good[at + 2] = 0xF0                       # length 240: beyond this short sequence chain
    with pytest.raises(AfpRenderError):
        _timed(render_pages, bytes(good))


def test_unended_page_raises(statement_run):
    good = statement_run["afp"].read_bytes()
    tree = afprender.parse_tree(good)
    last_epg = good.rfind(b"\xd3\xa9\xaf")          # the last EPG
    start = last_epg - 3
    cut = good[:start] + good[start + 1 + int.from_bytes(good[start + 1:start + 3], "big"):]
    with pytest.raises(AfpRenderError, match="never ended|does not close"):
        render_pages(cut)
    assert tree.children


# --------------------------------------------------------------------------
# The renderer on hand-made AFP (independent of pressrun)
# --------------------------------------------------------------------------

def _sf(sfid: str, data: bytes = b"") -> bytes:
    ident = bytes.fromhex(sfid)
    return b"\x5a" + (8 + len(data)).to_bytes(2, "big") + ident + b"\0\0\0" + data


def _name(text):
    return text.encode("cp500").ljust(8, b"\x40")


def _handmade():
    pgd = b"\0\0" + (14400).to_bytes(2, "big") * 2 + (1440 * 2).to_bytes(3, "big") \
        + (1440 * 2).to_bytes(3, "big") + b"\0\0\0"
    ptd = b"\0\0" + (14400).to_bytes(2, "big") * 2 + (1440 * 2).to_bytes(3, "big") * 2 + b"\0\0"
    mcf = (b"\x04\x24\x05\x01" + b"\x14\x1f\x00\x00" + (240).to_bytes(2, "big") + b"\0" * 14)
    mcf = (len(mcf) + 2).to_bytes(2, "big") + mcf
    # text: font 1, red (SEC RGB), at (144, 288) "HI"; then a rule 720 long, 72 wide
    ptx = (b"\x2b\xd3" + b"\x03\xf1\x01" + b"\x0f\x81\x00\x01\x00\x00\x00\x00\x08\x08\x08\x00\xff\x00\x00"
           + b"\x04\xc7\x00\x90" + b"\x04\xd3\x01\x20" + b"\x04\xdb" + "HI".encode("cp500")
           + b"\x04\xd3\x05\xa0" + b"\x04\xc7\x00\x90" + b"\x07\xe4\x02\xd0\x00\x48\x00")
    # an 8-bit grey image 4x2, placed with IOB at (1440, 720), scaled to fill 288x144
    ipd = (b"\x70\x00" + b"\x91\x01\xff" + b"\x94\x09\x00" + (14400).to_bytes(2, "big") * 2
           + (4).to_bytes(2, "big") + (2).to_bytes(2, "big") + b"\x95\x02\x03\x01" + b"\x96\x01\x08"
           + b"\xfe\x92\x00\x08" + bytes([0] * 8) + b"\x93\x00" + b"\x71\x00")
    iob = (_name("I1") + b"\x00\xfb" + (1440).to_bytes(3, "big") + (720).to_bytes(3, "big")
           + b"\x00\x00\x2d\x00" + b"\0" * 6 + b"\x01"
           + b"\x03\x04\x60" + b"\x08\x4b\x00\x00" + (14400).to_bytes(2, "big") * 2
           + b"\x09\x4c\x02" + (288).to_bytes(3, "big") + (144).to_bytes(3, "big"))
    return (_sf("D3A8C6", _name("RG")) + _sf("D3A8CE", _name("I1"))
            + _sf("D3A8FB", _name("I1")) + _sf("D3EEFB", ipd) + _sf("D3A9FB", _name("I1"))
            + _sf("D3A9CE", _name("I1")) + _sf("D3A9C6", _name("RG"))
            + _sf("D3A8A8", _name("DOC")) + _sf("D3A8AF", _name("P1"))
            + _sf("D3A8C9") + _sf("D3AB8A", mcf) + _sf("D3A6AF", pgd) + _sf("D3B19B", ptd)
            + _sf("D3A9C9")
            + _sf("D3A89B") + _sf("D3EE9B", ptx) + _sf("D3A99B")
            + _sf("D3AFC3", iob)
            + _sf("D3A9AF", _name("P1")) + _sf("D3A9A8", _name("DOC")))


def test_handmade_page():
    pages = render_pages(_handmade(), dpi=100)
    assert len(pages) == 1 and pages[0].size == (200, 200)
    px = np.asarray(pages[0]).astype(int)
    # the rule: from x = 0.1 in for 0.5 in, from y = 1.0 in down 0.05 in, red
    assert (px[101:104, 12:58] == [255, 0, 0]).all()
    assert (px[98, 12:58] == 255).all() and (px[106, 12:58] == 255).all()
    # the text in red, baseline at 0.2 in, starting at 0.1 in
    red = (px[:, :, 0] > 200) & (px[:, :, 1] < 80)
    ys, xs = np.nonzero(red[:60])
    assert ys.max() <= 20 and ys.min() >= 8 and 9 <= xs.min() <= 12
    # the image: black, filling 1.0..1.2 in x, 0.5..0.6 in y
    assert (px[51:59, 101:119] == 0).all()
    assert (px[49, 101:119] == 255).all() and (px[61, 101:119] == 255).all()
    assert (px[51:59, 98] == 255).all() and (px[51:59, 122] == 255).all()
