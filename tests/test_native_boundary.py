"""Hostile input at the native boundary: errors, never crashes or bad reads.

Run twice by tests/run.sh: with the normal build, then with the core built
under AddressSanitizer + UBSan, where any out-of-bounds read fails the run.
"""
from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from arrow_ctypes import Batch, int32s
from conftest import is_sanitized_run

import pressrun
from pressrun import _native
from pressrun.compile import compile_template
from pressrun.errors import DataError, FontError, ImageError
from pressrun.template import template_from_dict

pytestmark = pytest.mark.native_boundary

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def test_sanitizer_build_is_loaded_when_expected():
    if not is_sanitized_run():
        pytest.skip("normal build")
    import ctypes

    # __asan_init is exported by the preloaded runtime the sanitized module needs.
    assert hasattr(ctypes.CDLL(None), "__asan_init")


def _one_field_plan():
    template = template_from_dict({
        "pressrun": 1, "name": "t", "page": {"size": "A5"},
        "fonts": {"sans": {"family": "DejaVu Sans"}},
        "styles": {"body": {"font": "sans", "size": "10pt"}},
        "fields": {"who": {"required": True}},
        "elements": [{"paragraph": "Dear {who}", "box": ["10mm", "10mm", "100mm", "40mm"],
                      "style": "body"}],
    })
    return compile_template(template)


def _compose(batch: Batch):
    compiled = _one_field_plan()
    writer = _native.PdfWriter(compiled.plan, 1)
    composer = _native.Composer(compiled.plan)
    schema, array = batch.capsules()
    return composer.compose_pdf(writer, schema, array, np.array([0], dtype=np.int32))


def test_well_formed_hand_built_batch_composes():
    batch = Batch(2)
    batch.column("who", "u", [None, int32s(0, 3, 8), b"AdaGrace"])
    first, count, errors = _compose(batch)
    assert errors == [] and list(count) == [1, 1]


@pytest.mark.parametrize("case", [
    "decreasing offsets", "negative offset", "missing data buffer", "missing offsets buffer",
    "too few buffers", "unknown format", "dictionary index out of range", "bad view buffer",
])
def test_malformed_arrays_are_data_errors(case):
    batch = Batch(2)
    if case == "decreasing offsets":
        batch.column("who", "u", [None, int32s(0, 5, 2), b"Grace"])
    elif case == "negative offset":
        batch.column("who", "u", [None, int32s(-4, 1, 2), b"ab"])
    elif case == "missing data buffer":
        batch.column("who", "u", [None, int32s(0, 1, 2), None])
    elif case == "missing offsets buffer":
        batch.column("who", "u", [None, None, b"ab"])
    elif case == "too few buffers":
        batch.column("who", "u", [None, int32s(0, 1, 2)])
    elif case == "unknown format":
        batch.column("who", "w:16", [None, b"x" * 32])
    elif case == "dictionary index out of range":
        values = Batch(1)
        dictionary = values.column("v", "u", [None, int32s(0, 1), b"x"])
        batch._keep.append(values)
        batch.column("who", "c", [None, bytes([0, 9])], dictionary=dictionary)
    elif case == "bad view buffer":
        view = (20).to_bytes(4, "little") + b"abcd" + (5).to_bytes(4, "little") + (0).to_bytes(4, "little")
        batch.column("who", "vu", [None, view * 2, b"x", (1).to_bytes(8, "little")])
    with pytest.raises(DataError):
        _compose(batch)


def test_truncated_and_garbled_fonts_give_font_errors():
    data = DEJAVU.read_bytes()
    for length in [0, 4, 12, 100, 300, 1000, 5000, 50000, len(data) // 2, len(data) - 1]:
        with pytest.raises(FontError):
            _native.Font(data[:length])
    rng = random.Random(11)
    outcomes = {"ok": 0, "error": 0}
    for _ in range(60 if is_sanitized_run() else 200):
        garbled = bytearray(data[:200000] if rng.random() < 0.2 else data)
        for _ in range(rng.randint(1, 40)):
            garbled[rng.randrange(0, 4096)] = rng.randrange(256)
        try:
            font = _native.Font(bytes(garbled))
        except FontError:
            outcomes["error"] += 1
            continue
        outcomes["ok"] += 1
        for codepoint in (0x41, 0xE9, 0x20AC, 0x10FFFF):
            glyph = font.glyph(codepoint)
            font.advance(glyph)
            font.kerning(glyph, font.glyph(0x56))
    assert outcomes["error"] > 0


def test_inconsistent_image_is_an_image_error():
    plan = _native.Plan(595, 842)

    class Image:
        width_px, height_px, colorspace, invert_cmyk = 10, 10, "rgb", False
        pixels, alpha, jpeg = b"\x00" * 299, None, None

    with pytest.raises(ImageError):
        plan.add_image(Image())
    Image.pixels, Image.alpha = b"\x00" * 300, b"\x00" * 7
    with pytest.raises(ImageError):
        plan.add_image(Image())
    Image.alpha, Image.jpeg = None, b"not a jpeg"
    with pytest.raises(ImageError):
        plan.add_image(Image())


def test_broken_image_file_is_a_clear_error(demo_dir, tmp_path):
    import shutil

    for name in ("letter.yaml", "logo.png"):
        shutil.copy(demo_dir / name, tmp_path / name)
    (tmp_path / "signature.jpg").write_bytes((demo_dir / "signature.jpg").read_bytes()[:300])
    with pytest.raises(ImageError, match="signature.jpg"):
        pressrun.compose(pa.table({"x": [1]}), template=tmp_path / "letter.yaml",
                         out=tmp_path / "x.pdf")


def test_bad_records_under_the_composer(demo_dir, letters, tmp_path):
    """Nulls, missing glyphs, overlong and odd text through the whole job."""
    table = letters.slice(0, 12)
    names = table["first_name"].to_pylist()
    names[1] = "\u0000control"
    names[2] = "e\u0301 combining"
    names[3] = "🙂 emoji"
    names[4] = "x" * 5000
    names[5] = ""
    names[6] = "\u00a0\u00ad\t tabs"
    index = table.schema.get_field_index("first_name")
    table = table.set_column(index, "first_name", pa.array(names))
    report = pressrun.compose(table, template=demo_dir / "letter.yaml", out=tmp_path / "x.pdf")
    assert report.records_in == 12
    assert report.documents + report.exceptions == 12
    assert report.exceptions >= 3  # control char, emoji, overlong name
