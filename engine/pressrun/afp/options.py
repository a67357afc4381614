"""What an AFP print file needs beyond the template: index tags, printer
fonts, barcodes, and the marshalling of index values for the core."""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from typing import Mapping, Optional, Sequence

import numpy as np
from fontTools.ttLib import TTFont, TTLibError
import pyarrow as pa
import pyarrow.compute as pc

from .. import _native
from ..compile import CompiledPlan
from ..errors import TemplateError

_NAME = re.compile(r"^[A-Z0-9@#$]{1,8}$")


@dataclass(frozen=True)
class CodedFont:
    """A printer-resident coded font shown instead of a template font:
    text goes out in the code page's bytes (`encoding`, a Python codec
    matching the code page, e.g. cp500 for T1V10500)."""
    character_set: str
    code_page: str
    encoding: str


@dataclass
class AfpOptions:
    """index: TLE attribute name -> data column, written on every page group
    (a document in `compose`, a mail piece in `produce`). coded_fonts:
    template font ("family" or "family:face") -> CodedFont; the others are
    carried as TrueType data-object fonts. native_barcodes: barcodes as BCOCA
    objects the printer draws (else as vector bars)."""
    index: Mapping[str, str] = field(default_factory=dict)
    coded_fonts: Mapping[str, CodedFont] = field(default_factory=dict)
    native_barcodes: bool = True
    document_name: str = "PRESSRUN"

    def check(self, columns: Sequence[str] = ()) -> None:
        if not _NAME.match(self.document_name):
            raise TemplateError(f"AFP document name {self.document_name!r}: 1-8 of A-Z 0-9 @ # $")
        for name, column in self.index.items():
            if not name or len(name.encode("utf-8")) > 250 or not name.isascii():
                raise TemplateError(f"AFP index name {name!r}: 1-250 ASCII characters")
            if columns and column not in columns:
                raise TemplateError(f"AFP index {name!r}: '{column}' is not a column of the data")
        for key, coded in self.coded_fonts.items():
            for what, value in (("character set", coded.character_set), ("code page", coded.code_page)):
                if not _NAME.match(value):
                    raise TemplateError(f"AFP coded font for '{key}': {what} {value!r}: "
                                        "1-8 of A-Z 0-9 @ # $")
            try:
                codecs.lookup(coded.encoding)
            except LookupError:
                raise TemplateError(f"AFP coded font for '{key}': no codec {coded.encoding!r}") from None


def code_page_table(encoding: str) -> tuple[np.ndarray, np.ndarray]:
    """(sorted code points, their bytes) of a one-byte code page: the core
    looks each character up and refuses what the code page lacks."""
    table: dict[int, int] = {}
    for byte in range(256):
        try:
            text = bytes([byte]).decode(encoding)
        except UnicodeDecodeError:
            continue
        if len(text) == 1 and ord(text) >= 0x20 and ord(text) not in table:
            table[ord(text)] = byte
    points = np.array(sorted(table), dtype=np.uint32)
    return points, np.array([table[int(p)] for p in points], dtype=np.uint8)


def _plan_font(compiled: CompiledPlan, key: str) -> int:
    family_key, _, face = key.partition(":")
    family = compiled.template.fonts.get(family_key)
    if family is None:
        raise TemplateError(f"AFP coded font for '{key}': the template has no font '{family_key}'")
    path = family.files.get(face or "regular")
    for font in compiled.fonts:
        if path is not None and font.path == type(font.path)(path):
            return font.index
    raise TemplateError(f"AFP coded font for '{key}': the template uses no such face")


def open_writer(compiled: CompiledPlan, options: AfpOptions, *, tag_names: Sequence[str] = (),
                medium_maps: Sequence[tuple] = (), medium_size_pt: Optional[tuple] = None
                ) -> _native.AfpWriter:
    """A native AFP writer for this plan. medium_maps: (name, bin, media
    type or None, duplex) for the form definition."""
    coded = []
    for key, font in options.coded_fonts.items():
        points, code_bytes = code_page_table(font.encoding)
        coded.append((_plan_font(compiled, key), font.character_set, font.code_page, points,
                      code_bytes))
    width, height = medium_size_pt or (0.0, 0.0)
    return _native.AfpWriter(compiled.plan, document_name=options.document_name,
                             tag_names=list(tag_names), medium_maps=list(medium_maps),
                             medium_width_pt=width, medium_height_pt=height,
                             coded_fonts=coded, font_names=full_font_names(compiled),
                             native_barcodes=options.native_barcodes)


def full_font_names(compiled: CompiledPlan) -> list[Optional[str]]:
    """Each plan font's full font name (name ID 4): an MDR maps a TrueType
    font carried in the resource group by it."""
    names: list[Optional[str]] = [None] * len(compiled.fonts)
    for font in compiled.fonts:
        try:
            with TTFont(font.path, lazy=True, fontNumber=0) as ttf:
                names[font.index] = ttf["name"].getDebugName(4)
        except (OSError, KeyError, TTLibError):
            names[font.index] = None   # the core accepted the font: its PostScript name stands in
    return names


def tag_buffers(values: Sequence[pa.Array]) -> tuple[bytes, np.ndarray]:
    """Index values for the core: piece k's value j is
    texts[offsets[k * len(values) + j] : offsets[k * len(values) + j + 1]].
    values: one array per tag, a value per piece (cast to text, nulls empty)."""
    if not values:
        return b"", np.zeros(1, dtype=np.uint64)
    pieces = len(values[0])
    texts = [pc.fill_null(pc.cast(v, pa.string()), "") for v in values]
    # Interleave piece-major with one vectorised take over the tags laid end to end.
    joined = pa.concat_arrays([t.combine_chunks() if isinstance(t, pa.ChunkedArray) else t
                               for t in texts])
    order = (np.arange(len(values))[None, :] * pieces + np.arange(pieces)[:, None]).ravel()
    interleaved = joined.take(pa.array(order, type=pa.int64()))
    offsets = np.frombuffer(interleaved.buffers()[1], dtype=np.int32,
                            count=len(interleaved) + 1, offset=interleaved.offset * 4)
    data = interleaved.buffers()[2]
    start, end = int(offsets[0]), int(offsets[-1])
    blob = data.to_pybytes()[start:end] if data is not None else b""
    return blob, (offsets.astype(np.int64) - start).astype(np.uint64)
