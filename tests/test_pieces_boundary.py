"""Hostile input to the mail-piece calls of the core (layout_batch, write_pieces):
each bad argument is an error naming it, nothing crashes, the writer stays usable.

Also run under AddressSanitizer + UBSan by tests/run.sh (native_boundary).
"""
from __future__ import annotations

import io

import numpy as np
import pikepdf
import pyarrow as pa
import pytest

from pressrun import _native
from pressrun.compile import compile_template
from pressrun.errors import NativeError
from pressrun.template import template_from_dict

pytestmark = pytest.mark.native_boundary

OMR, DATAMATRIX, QR, CODE128, GS1_128, AUSPOST, IMB = 1, 2, 3, 4, 5, 6, 7


@pytest.fixture()
def held():
    """A composer holding three one-page records, and a writer."""
    compiled = compile_template(template_from_dict({
        "pressrun": 1, "name": "t", "page": {"size": "A5"},
        "fonts": {"sans": {"family": "DejaVu Sans"}},
        "styles": {"body": {"font": "sans", "size": "10pt"}},
        "elements": [{"paragraph": "Dear {who}", "box": ["10mm", "30mm", "100mm", "40mm"],
                      "style": "body"}],
    }))
    composer = _native.Composer(compiled.plan)
    batch = pa.record_batch({"who": ["Ada", "Grace", "Edsger"]})
    first, counts, errors = composer.layout_batch(*batch.__arrow_c_array__(), np.array([0], np.int32))
    assert errors == [] and list(first) == [0, 1, 2] and list(counts) == [1, 1, 1]
    assert composer.held_pages == 3
    return composer, _native.PdfWriter(compiled.plan, 1)


def _marks(*marks):
    """(kinds, options, geometry, pages, texts, offsets) for write_pieces."""
    kinds = np.array([m[0] for m in marks], np.uint8)
    geometry = np.array([m[1] for m in marks], np.float32).reshape(-1, 5)
    pages = np.array([m[2] for m in marks], np.uint64)
    texts = [m[3] for m in marks]
    offsets = np.concatenate([[0], np.cumsum([len(t) for t in texts])]).astype(np.uint64)
    return kinds, np.zeros(len(marks), np.uint8), geometry, pages, b"".join(texts), offsets


def _write(composer, writer, pages, starts, marks=()):
    kinds, options, geometry, mark_pages, texts, offsets = _marks(*marks)
    composer.write_pieces(writer, np.array(pages, np.int64), np.array(starts, np.uint64), kinds, options,
                          geometry, mark_pages, texts, offsets)


def _finished_pdf(writer) -> pikepdf.Pdf:
    writer.finish()
    out = io.BytesIO()
    writer.write_output(out)
    return pikepdf.open(io.BytesIO(out.getvalue()))


DM = (10.0, 10.0, 1.5, 0.0, 0.0)


@pytest.mark.parametrize("pages, starts, marks, message", [
    ([5], [0, 1], (), "held page 5"),
    ([-2], [0, 1], (), "held page -2"),
    ([0, 1], [0, 1], (), "piece starts must run from 0 to 2"),
    ([0, 1], [1, 2], (), "piece starts must run from 0 to 2"),
    ([0, 1], [0, 0, 2], (), "piece 0 has no pages"),
    ([0], [0, 1], ((DATAMATRIX, DM, 1, b"x"),), "mark 0"),
    ([0, 1], [0, 2], ((DATAMATRIX, DM, 1, b"x"), (DATAMATRIX, DM, 0, b"y")), "out of order"),
    ([0], [0, 1], ((0, DM, 0, b"x"),), "unknown kind 0"),
    ([0], [0, 1], ((99, DM, 0, b"x"),), "unknown kind 99"),
    ([0], [0, 1], ((QR, (float("nan"), 0, 1, 0, 0), 0, b"x"),), "not on a page"),
    ([0], [0, 1], ((QR, (0, 0, -1, 0, 0), 0, b"x"),), "positive length"),
    ([0], [0, 1], ((CODE128, (0, 0, 1, 0, 0), 0, b"x"),), "positive length"),
    ([0], [0, 1], ((OMR, (0, 0, 12, 20, 1), 0, b"1021"),), "track 3 is '2'"),
    ([0], [0, 1], ((AUSPOST, (0, 0, 3, 1.4, 14), 0, b"11|123"),), "piece 0, page 0, mark 0"),
    ([0], [0, 1], ((IMB, (0, 0, 3, 1.4, 14), 0, b"12|34|56"),), "more than 2"),
    ([0], [0, 1], ((CODE128, (0, 0, 1, 0, 20), 0, b"x" * 300),), "mark 0"),
    ([0], [0, 1], ((QR, (0, 0, 1, 0, 0), 0, b"9" * 8000),), "mark 0"),
])
def test_bad_pieces_are_errors_and_the_writer_stays_usable(held, pages, starts, marks, message):
    composer, writer = held
    with pytest.raises(NativeError) as info:
        _write(composer, writer, pages, starts, marks)
    assert message in str(info.value)
    _write(composer, writer, [0, -1, 1, 2], [0, 2, 4], ((DATAMATRIX, DM, 0, b"piece-1"),))
    pdf = _finished_pdf(writer)
    # A failed call may leave the pages before its bad mark written; here every
    # bad call failed before its first page, so only the good call's 4 pages are there.
    assert len(pdf.pages) == 4
    assert pdf.pages[1].obj.Contents.read_bytes() == b""      # the blank back


def test_mismatched_mark_arrays_are_value_errors(held):
    composer, writer = held
    kinds, options, geometry, pages, texts, offsets = _marks((DATAMATRIX, DM, 0, b"x"))
    for bad in (dict(options=np.zeros(2, np.uint8)), dict(pages=np.zeros(0, np.uint64)),
                dict(offsets=np.zeros(1, np.uint64)), dict(geometry=np.zeros((2, 5), np.float32))):
        args = dict(kinds=kinds, options=options, geometry=geometry, pages=pages, offsets=offsets) | bad
        with pytest.raises(ValueError):
            composer.write_pieces(writer, np.array([0], np.int64), np.array([0, 1], np.uint64), args["kinds"],
                                  args["options"], args["geometry"], args["pages"], texts, args["offsets"])
    with pytest.raises(ValueError):
        composer.write_pieces(writer, np.array([0], np.int64), np.zeros(0, np.uint64), kinds, options,
                              geometry, pages, texts, offsets)


def test_text_offsets_past_the_buffer_are_refused(held):
    composer, writer = held
    kinds, options, geometry, pages, _, _ = _marks((DATAMATRIX, DM, 0, b"x"))
    with pytest.raises(NativeError, match="run past their buffer"):
        composer.write_pieces(writer, np.array([0], np.int64), np.array([0, 1], np.uint64), kinds, options,
                              geometry, pages, b"ab", np.array([0, 1000], np.uint64))


def test_a_held_page_written_twice_gets_the_marks_of_its_last_write(held):
    composer, writer = held
    _write(composer, writer, [0], [0, 1], ((OMR, (10, 100, 12, 20, 1), 0, b"111"),))
    _write(composer, writer, [0], [0, 1], ((OMR, (10, 100, 12, 20, 1), 0, b"1"),))
    _write(composer, writer, [0], [0, 1])
    pdf = _finished_pdf(writer)
    counts = [pdf.pages[i].obj.Contents.read_bytes().count(b" re\n") for i in range(3)]
    assert counts == [3, 1, 0]


def test_layout_batch_drops_the_previous_held_pages(held):
    composer, writer = held
    batch = pa.record_batch({"who": ["Only"]})
    first, counts, errors = composer.layout_batch(*batch.__arrow_c_array__(), np.array([0], np.int32))
    assert composer.held_pages == 1 and list(first) == [0]
    with pytest.raises(NativeError, match="held page 1"):
        _write(composer, writer, [1], [0, 1])


def test_record_errors_while_holding_roll_the_pages_back():
    compiled = compile_template(template_from_dict({
        "pressrun": 1, "name": "t", "page": {"size": "A5"},
        "fonts": {"sans": {"family": "DejaVu Sans"}},
        "styles": {"body": {"font": "sans", "size": "10pt"}},
        "fields": {"who": {"required": True}},
        "elements": [{"paragraph": "Dear {who}", "box": ["10mm", "30mm", "100mm", "40mm"],
                      "style": "body"}],
    }))
    composer = _native.Composer(compiled.plan)
    batch = pa.record_batch({"who": ["Ada", None, "Edsger"]})
    first, counts, errors = composer.layout_batch(*batch.__arrow_c_array__(), np.array([0], np.int32))
    assert list(first) == [0, -1, 1] and list(counts) == [1, 0, 1]
    assert [row for row, _, _ in errors] == [1]
    assert composer.held_pages == 2
