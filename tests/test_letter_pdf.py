"""The example letter: a valid, extractable, renderable, deterministic PDF."""
from __future__ import annotations

import pyarrow.parquet as pq
import pikepdf
import pytest
from fontTools.ttLib import TTFont

from pdfcheck import assert_valid_pdf, normalise, page_texts, render_page

import pressrun


def test_counts_reconcile(composed_letters):
    report, path, table = composed_letters
    assert report.records_in == table.num_rows
    assert report.documents == table.num_rows
    assert report.exceptions == 0
    assert report.pages == table.num_rows  # one page per letter
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == report.pages


def test_pdf_passes_qpdf_and_pikepdf(composed_letters):
    _, path, _ = composed_letters
    assert_valid_pdf(path)


def test_document_index_gives_each_records_pages(composed_letters):
    report, _, table = composed_letters
    index = pq.read_table(report.outputs["documents"]).to_pylist()
    assert [row["record"] for row in index] == list(range(table.num_rows))
    assert [row["first_page"] for row in index] == list(range(table.num_rows))
    assert all(row["pages"] == 1 for row in index)
    assert index[5]["key"] == f"customer_id={table['customer_id'][5].as_py()}"


@pytest.mark.parametrize("record", [0, 1, 17, 42, 59])
def test_each_sampled_record_has_its_name_and_address_on_its_page(composed_letters, record):
    _, path, table = composed_letters
    row = table.slice(record, 1).to_pylist()[0]
    text = normalise(page_texts(path, [record])[record])
    assert f"{row['title']} {row['first_name']} {row['last_name']}" in text
    assert row["address_line1"] in text
    if row["address_line2"]:
        assert row["address_line2"] in text
    assert f"{row['locality']} {row['state']} {row['postcode']}" in text
    assert f"Dear {row['title']} {row['last_name']}," in text
    assert row["account_ref"] in text
    balance = f"${row['balance']:,.2f}"
    assert balance in text
    # The neighbouring page belongs to someone else.
    other = (record + 1) % table.num_rows
    other_text = normalise(page_texts(path, [other])[other])
    assert row["account_ref"] not in other_text


def test_pdfminer_extracts_the_same_text(composed_letters):
    from pdfminer.high_level import extract_text

    _, path, table = composed_letters
    row = table.slice(3, 1).to_pylist()[0]
    text = normalise(extract_text(str(path), page_numbers=[3]))
    assert f"{row['first_name']} {row['last_name']}" in text
    assert "Thank you for choosing Acme Energy." in text


def test_pages_render_with_ink_where_the_address_is(composed_letters):
    _, path, _ = composed_letters
    image = render_page(path, 0, dpi=72).convert("L")
    width, height = image.size
    # The address window: 20mm..110mm across, 45mm..75mm down.
    mm = 72 / 25.4
    window = image.crop((int(20 * mm), int(45 * mm), int(110 * mm), int(75 * mm)))
    dark = sum(1 for value in window.tobytes() if value < 128)
    assert dark > 200, "no text rendered in the address window"
    corner = image.crop((width - 40, height - 20, width, height))
    assert min(corner.tobytes()) > 240, "ink in the bottom-right margin"


def test_fonts_are_embedded_subsets_with_tounicode(composed_letters, tmp_path):
    _, path, _ = composed_letters
    with pikepdf.open(path) as pdf:
        fonts = {}
        for page in pdf.pages[:3]:
            resources = page.obj.Resources
            for name, font in resources.get("/Font", {}).items():
                fonts[str(font.BaseFont)] = font
        assert len(fonts) == 2, fonts.keys()  # DejaVu Sans and DejaVu Sans Bold
        for base_font, font in fonts.items():
            tag, _, postscript = base_font.lstrip("/").partition("+")
            assert len(tag) == 6 and tag.isupper(), base_font
            assert postscript.startswith("DejaVuSans")
            assert font.Subtype == "/Type0" and font.Encoding == "/Identity-H"
            assert "/ToUnicode" in font
            descendant = font.DescendantFonts[0]
            assert descendant.Subtype == "/CIDFontType2"
            program = descendant.FontDescriptor.FontFile2.read_bytes()
            font_path = tmp_path / f"{postscript}.ttf"
            font_path.write_bytes(program)
            subset = TTFont(font_path)
            glyf = subset["glyf"]
            drawn = [name for name in subset.getGlyphOrder() if glyf[name].numberOfContours != 0]
            # A letter uses a few dozen distinct characters, not DejaVu's 6,000 glyphs.
            assert 20 < len(drawn) < 200, len(drawn)


def test_images_are_written_once_for_all_pages(composed_letters):
    _, path, _ = composed_letters
    with pikepdf.open(path) as pdf:
        images = [obj for obj in pdf.objects
                  if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"]
        # logo, its soft mask, and the signature: once each, not once per page
        assert len(images) == 3
        filters = sorted(str(image.get("/Filter")) for image in images)
        assert "/DCTDecode" in filters  # the JPEG signature passed through


def test_two_runs_give_identical_bytes(demo_dir, letters, tmp_path):
    first = tmp_path / "a.pdf"
    second = tmp_path / "b.pdf"
    pressrun.compose(letters, template=demo_dir / "letter.yaml", out=first)
    pressrun.compose(letters, template=demo_dir / "letter.yaml", out=second)
    assert first.read_bytes() == second.read_bytes()


def test_deflate_threads_do_not_change_the_bytes(demo_dir, letters, tmp_path):
    outputs = []
    for threads in (1, 3):
        out = tmp_path / f"t{threads}.pdf"
        # Small batches: several flushes, each split over the threads.
        report = pressrun.compose(letters, template=demo_dir / "letter.yaml", out=out,
                                  threads=threads, batch_size=7)
        assert report.pages == len(letters)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert_valid_pdf(tmp_path / "t3.pdf")
    with pytest.raises(ValueError, match="threads"):
        pressrun.compose(letters, template=demo_dir / "letter.yaml", out=tmp_path / "x.pdf",
                         threads=0)


@pytest.mark.parametrize("compression", ["none", "fast", "small"])
def test_every_compression_gives_a_valid_pdf(demo_dir, letters, tmp_path, compression):
    out = tmp_path / f"{compression}.pdf"
    report = pressrun.compose(letters.slice(0, 5), template=demo_dir / "letter.yaml", out=out,
                              compression=compression)
    assert report.pages == 5
    assert_valid_pdf(out)
    row = letters.slice(2, 1).to_pylist()[0]
    assert row["last_name"] in page_texts(out, [2])[2]


def test_rendered_first_page_for_review(composed_letters, tmp_path):
    """Writes the first page as PNG (kept in the pytest tmp dir) for people to look at."""
    _, path, _ = composed_letters
    image = render_page(path, 0, dpi=100)
    image.save(tmp_path / "letter-page-1.png")
    assert image.size == (827, 1170)  # A4 at 100 dpi
