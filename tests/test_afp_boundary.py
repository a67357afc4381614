"""Hostile input to the AFP writer of the core (AfpWriter, write_pieces into
it): each bad argument is an error naming it, nothing crashes, a failed page
leaves nothing behind and the writer stays usable.

Also run under AddressSanitizer + UBSan by tests/run.sh (native_boundary).
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from pressrun import _native
from pressrun.compile import compile_template
from pressrun.errors import NativeError
from pressrun.template import template_from_dict

import afpcheck

pytestmark = pytest.mark.native_boundary

NO_MARKS = (np.zeros(0, np.uint8), np.zeros(0, np.uint8), np.zeros((0, 5), np.float32),
            np.zeros(0, np.uint64), b"", np.zeros(1, np.uint64))
MAPS = [("SIMPLEX", 1, "letterhead", 0), ("DUPLEX", 2, None, 1)]


@pytest.fixture()
def compiled():
    return compile_template(template_from_dict({
        "pressrun": 1, "name": "t", "page": {"size": "A5"},
        "fonts": {"sans": {"family": "DejaVu Sans"}},
        "styles": {"body": {"font": "sans", "size": "10pt"}},
        "elements": [{"paragraph": "Dear {who}", "box": ["10mm", "30mm", "100mm", "40mm"],
                      "style": "body"},
                     {"barcode": "qr", "data": "{who}", "at": ["10mm", "80mm"], "module": "1mm"}],
    }))


@pytest.fixture()
def held(compiled):
    composer = _native.Composer(compiled.plan)
    batch = pa.record_batch({"who": ["Ada", "Grace", "Edsger", "Barbara"]})
    first, counts, errors = composer.layout_batch(*batch.__arrow_c_array__(), np.array([0], np.int32))
    assert errors == [] and composer.held_pages == 4
    return composer


def _tags(values: list[list[str]]):
    flat = [v.encode() for piece in values for v in piece]
    offsets = np.concatenate([[0], np.cumsum([len(v) for v in flat])]).astype(np.uint64)
    return b"".join(flat), offsets


def _write(composer, writer, pages, starts, **afp):
    composer.write_pieces(writer, np.array(pages, np.int64), np.array(starts, np.uint64), *NO_MARKS, **afp)


def _finished(writer) -> bytes:
    writer.finish()
    return writer.take_output()


@pytest.mark.parametrize("options, named", [
    ({"document_name": "not valid"}, "document"),
    ({"document_name": "TOOLONGNAME"}, "document"),
    ({"form_name": "f1"}, "form definition"),
    ({"medium_maps": [("bad name", 1, None, 0)]}, "medium map"),
    ({"medium_maps": [("M1", 0, None, 0)]}, "M1"),
    ({"medium_maps": [("M1", 1, None, 3)]}, "duplex"),
    ({"medium_maps": [("M1", 1, None, 0), ("M1", 2, None, 0)]}, "M1"),
    ({"tag_names": [""]}, "tag name"),
    ({"tag_names": ["x" * 300]}, "tag name"),
    ({"coded_fonts": [(5, "C0H20000", "T1V10500", [65], [0xC1])]}, "plan font 5"),
    ({"coded_fonts": [(0, "C0H20000", "bad page", [65], [0xC1])]}, "code page"),
    ({"coded_fonts": [(0, "C0H20000", "T1V10500", [66, 65], [0xC2, 0xC1])]}, "not sorted"),
])
def test_bad_options_are_refused_naming_them(compiled, options, named):
    with pytest.raises((NativeError, ValueError)) as error:
        _native.AfpWriter(compiled.plan, **options)
    assert named in str(error.value)


def test_tags_and_media_are_written_per_piece(held, compiled):
    writer = _native.AfpWriter(compiled.plan, tag_names=["Name", "Id"], medium_maps=MAPS)
    texts, offsets = _tags([["Ada", "1"], ["Grace Łukasz", "2"]])
    _write(held, writer, [0, 1, 2], [0, 1, 3], tag_texts=texts, tag_offsets=offsets, tag_count=2,
           page_media=np.array([0, 1, 1], np.uint16))
    data = _finished(writer)
    report = afpcheck.assert_valid(data, pages_per_group=[1, 2])
    assert report.groups[0].tags == {"Name": "Ada", "Id": "1"}
    assert report.sf_counts["IMM"] == 2 and report.sf_counts["BFM"] == 1
    # Beyond Latin-1, the value is UTF-16BE after an X'01' CCSID 1200 triplet.
    tle = [f.data for f in afpcheck.frame(data, []) if f.name == "TLE"][2]
    name_length = tle[0]
    assert tle[name_length:name_length + 6] == b"\x06\x01\x00\x00\x04\xb0"
    value = tle[name_length + 6:]
    assert value[1] == 0x36 and value[4:value[0]].decode("utf-16-be") == "Grace Łukasz"


@pytest.mark.parametrize("bad, message", [
    ({"tag_offsets": np.array([0, 3, 2, 5, 6], np.uint64)}, "tag"),
    ({"tag_offsets": np.array([0, 3, 4, 10, 99], np.uint64)}, "tag"),
    ({"tag_offsets": np.array([0, 3, 4], np.uint64)}, "tag offsets"),
    ({"page_media": np.array([0, 7, 1], np.uint16)}, "medium map 7"),
    ({"page_media": np.array([0, 1], np.uint16)}, "page_media"),
])
def test_bad_piece_arguments_are_errors_and_the_writer_goes_on(held, compiled, bad, message):
    writer = _native.AfpWriter(compiled.plan, tag_names=["Name", "Id"], medium_maps=MAPS)
    texts, offsets = _tags([["Ada", "1"], ["Grace", "2"]])
    arguments = {"tag_texts": texts, "tag_offsets": offsets, "tag_count": 2,
                 "page_media": np.array([0, 1, 1], np.uint16), **bad}
    with pytest.raises((NativeError, ValueError)) as error:
        _write(held, writer, [0, 1, 2], [0, 1, 3], **arguments)
    assert message in str(error.value)
    _write(held, writer, [3], [0, 1], tag_texts=texts[:4], tag_offsets=offsets[:3], tag_count=2)
    report = afpcheck.assert_valid(_finished(writer))
    assert report.groups[-1].tags == {"Name": "Ada", "Id": "1"}


def test_a_medium_map_change_on_a_back_fails_that_page_only(held, compiled):
    writer = _native.AfpWriter(compiled.plan, medium_maps=MAPS)
    with pytest.raises(NativeError, match="back of a sheet"):
        _write(held, writer, [0, 1], [0, 2], page_media=np.array([1, 0], np.uint16))
    _write(held, writer, [2, 3], [0, 2], page_media=np.array([1, 1], np.uint16))
    data = _finished(writer)
    afpcheck.assert_valid(data, pages_per_group=[1, 2])   # the failed piece's first page stays


def test_text_a_coded_font_cannot_show_is_an_error_naming_it(held, compiled):
    writer = _native.AfpWriter(compiled.plan, coded_fonts=[(0, "C0H20000", "T1V10500", [0x20, 0x44],
                                                            [0x40, 0xC4])])
    with pytest.raises(NativeError, match="U\\+0065 is not in code page T1V10500"):
        _write(held, writer, [0], [0, 1])
    # The failed page left nothing: a valid file, with a document of no pages.
    assert [p.split(": ", 1)[1] for p in afpcheck.check(_finished(writer)).problems] == \
        ["a document with no pages"]


def test_barcodes_native_or_as_rules(held, compiled):
    for native in (True, False):
        writer = _native.AfpWriter(compiled.plan, native_barcodes=native)
        _write(held, writer, [0, 1], [0, 1, 2])
        report = afpcheck.assert_valid(_finished(writer), pages_per_group=[1, 1])
        assert report.sf_counts["BBC"] == (2 if native else 0)


def test_calls_out_of_order_are_errors(held, compiled):
    writer = _native.AfpWriter(compiled.plan)
    writer.finish()
    with pytest.raises(NativeError, match="after finish"):
        writer.finish()
    with pytest.raises(NativeError, match="after finish"):
        _write(held, writer, [0], [0, 1])
