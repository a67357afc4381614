"""The clear-zone check: nothing the template prints may fall where the
inserter's marks (OMR tracks or a DataMatrix) or the postal barcode go, or
the reader misreads. Run once at job start, after the template and the
profile are loaded:

    check_clear_zones(template, profile)   # ProfileError on a definite overlap

Zones (points, y down from the page's top-left corner):

* the inserter scheme's ``clear_zone_pt`` (the marks and their clear margin):
  marks go on the front of every sheet, and which pages land on a front
  depends on each piece's duplexing, so every page master (first, next,
  back) and the top-level ``elements:`` are checked;
* the postal barcode's box (``profile.postal_box``) plus a quiet margin of
  2mm on every side (``POSTAL_QUIET_PT``; Australia Post and USPS ask for
  clear space around the bars): the barcode is on a piece's first page only,
  so only the ``first`` master (or the single page of an ``elements:``
  template) is checked, and there an element with ``pages: not_first`` is
  skipped (it is never drawn on page 1).

Two rectangles conflict when they overlap by more than ``TOLERANCE_PT``
(0.1pt) both across and down: touching edges pass.

What is measured, and how (the extent of each element is where the template
lets it print, not what one record happens to print):

* rect: its box, grown by half the stroke width when it has a stroke;
  line: the bounding box of its ends, grown by half its width (for a
  diagonal line this is more than it inks; conservative);
  image: at + size (the model fills an omitted side from the aspect ratio);
  flow frame (a master's ``flow_frames`` or a ``frame:`` element): its whole
  box, since the flow can put content anywhere in it.
* paragraph: its box; without a height it may grow down to the page's foot,
  so it is taken to the foot (conservative).
* text (one line): ``at`` is the top of the line box (the first baseline is
  at y + the font's ascender). Height: max(leading, 1.2 x size) of the
  largest style in its runs, per line (``\\n`` in the literal text adds
  lines); the max covers descenders when a leading is set tighter than 1.2.
  Horizontal extent: with a ``width``, the box [x, x + width] (text that
  does not fit is a record error, shrunk or truncated, never wider).
  Without a width the extent depends on the text and the alignment (left:
  from x rightwards; right: leftwards from x; center: about x):
    - literal text only: measured from the font's advance widths (fallback
      fonts for glyphs the face lacks, 1 em for a glyph no font has) plus 1%
      and 0.5pt for kerning and rounding: exact up to kerning. If a font
      cannot be read, the estimate len(text) x 0.6 x size is used instead.
    - text with {fields}: its length is unknown before layout, so it is
      taken to reach the page edge in the direction it grows (the whole page
      width when centred). The vertical band is exact; this may flag a text
      that would in practice stop short: give it a ``width`` to bound it.
* barcode: static data is encoded (the module count is exact); with
  {fields} the symbol grows with the data, so only its smallest possible
  symbol is certain (QR 21 x 21 modules, DataMatrix 10 x 10 square, 8 x 18
  rectangle, 8 x 10 for "any"; Code 128 start + 1 character + check + stop,
  one character more for GS1-128). That smallest symbol is checked (a
  definite overlap raises), and the element is listed as *unmeasured*:
  ``find_clear_zone_conflicts`` returns it, and ``check_clear_zones`` logs a
  warning naming it. No element is passed silently.

Errors name the template file and line (re-read from the template's source
file when it is one; the model keeps no lines; an element written as a YAML
alias reports the line of its anchor), the element's key path, its extent
and the zone, all in mm, e.g. ``statement.yaml:47: pages.first.elements[3]:
the text box (150.0, 5.0)-(190.0, 13.0) mm overlaps the clear zone of
inserter 'statement-2d' (195.0, 5.0)-(206.0, 16.0) mm``. Every definite
overlap is reported, one per line.
"""
from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

from ..errors import PressrunError, ProfileError
from ..template import (Barcode, Frame, ImageElement, KeyPath, Line, OnPages, Rect, Template, TextBlock,
                        _dotted, _line_of, load_yaml_with_lines)
from .profile import Profile, postal_box

__all__ = ["check_clear_zones", "find_clear_zone_conflicts", "Conflict", "Unmeasured", "POSTAL_QUIET_PT",
           "TOLERANCE_PT"]

log = logging.getLogger(__name__)

MM = 72.0 / 25.4
TOLERANCE_PT = 0.1
POSTAL_QUIET_PT = 2.0 * MM
_ESTIMATE_EM = 0.6             # average advance of a glyph, in em, when no font can be read
_MISSING_GLYPH_EM = 1.0        # a character no font of the style has (drawn as .notdef)
_KERN_SLACK = 1.01
_ROUND_SLACK_PT = 0.5

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 (points)


@dataclass(frozen=True)
class Zone:
    label: str                 # "the clear zone of inserter 'x'" / "the postal barcode's clear zone"
    box: Box


@dataclass(frozen=True)
class Conflict:
    """A definite overlap of a template element with a zone."""
    path: KeyPath
    line: Optional[int]
    what: str                  # "the text box", "the flow frame", ...
    box: Box
    zone: Zone

    def message(self, source: str) -> str:
        where = f"{source}:{self.line}" if self.line else source
        return (f"{where}: {_dotted(self.path)}: {self.what} {_mm_box(self.box)} overlaps "
                f"{self.zone.label} {_mm_box(self.zone.box)}")


@dataclass(frozen=True)
class Unmeasured:
    """An element whose full extent is not known before the data (a barcode
    of {fields}): its certain part was checked, the rest could not be."""
    path: KeyPath
    line: Optional[int]
    what: str
    reason: str

    def message(self, source: str) -> str:
        where = f"{source}:{self.line}" if self.line else source
        return f"{where}: {_dotted(self.path)}: {self.what}: {self.reason}"


def check_clear_zones(template: Template, profile: Profile) -> None:
    """Raises ProfileError naming every template element that definitely
    overlaps the inserter's clear zone (any page) or the postal barcode's
    box plus its quiet margin (a piece's first page); logs a warning for each
    element it could measure only in part. See the module's docstring for the
    rules (text extents are estimates unless the text is literal or has a
    width)."""
    conflicts, unmeasured = find_clear_zone_conflicts(template, profile)
    for item in unmeasured:
        log.warning("clear-zone check: %s", item.message(template.source))
    if conflicts:
        raise ProfileError("\n".join(c.message(template.source) for c in conflicts))


def find_clear_zone_conflicts(template: Template, profile: Profile, *,
                              postal_quiet_pt: float = POSTAL_QUIET_PT
                              ) -> tuple[list[Conflict], list[Unmeasured]]:
    """The definite overlaps and the elements measured only in part, without raising."""
    zones_all: list[Zone] = []
    zones_first: list[Zone] = []
    if profile.inserter is not None:
        scheme = profile.inserter.scheme
        x, y, w, h = scheme.clear_zone_pt
        zones_all.append(Zone(f"the clear zone of inserter '{scheme.name}'", (x, y, x + w, y + h)))
    if profile.postal is not None:
        x, y, w, h = postal_box(profile.postal)
        q = postal_quiet_pt
        zones_first.append(Zone(f"the clear zone of the {profile.postal.symbology} postal barcode "
                                f"(its bars and {q / MM:g}mm around)",
                                (max(0.0, x - q), max(0.0, y - q), x + w + q, y + h + q)))
    conflicts: list[Conflict] = []
    unmeasured: list[Unmeasured] = []
    if not zones_all and not zones_first:
        return conflicts, unmeasured
    lines = _source_lines(template)

    def places() -> Iterator[tuple[KeyPath, object, bool]]:
        """(key path, element, on a piece's first page?) of everything drawn."""
        on_first = "first" in template.masters or not template.masters
        for i, element in enumerate(template.elements):
            yield ("elements", i), element, on_first
        for role, master in template.masters.items():
            for i, element in enumerate(master.elements):
                yield ("pages", role, "elements", i), element, role == "first"
            for i, frame in enumerate(master.frames):
                yield ("pages", role, "flow_frames", i), frame, role == "first"

    for path, element, first_page in places():
        zones = list(zones_all)
        condition = element.pages if isinstance(element, OnPages) else "all"
        if first_page and condition != "not_first":
            zones += zones_first
        if not zones:
            continue
        inner = element.element if isinstance(element, OnPages) else element
        line = _line_of(path, lines) if lines else None
        extent = _extent(inner, template)
        if extent is None:
            continue
        what, box, partial = extent
        if partial:
            unmeasured.append(Unmeasured(path, line, what, partial))
        for zone in zones:
            if _overlaps(box, zone.box):
                conflicts.append(Conflict(path, line, what, box, zone))
    return conflicts, unmeasured


# --------------------------------------------------------------------------- geometry

def _overlaps(a: Box, b: Box) -> bool:
    return (min(a[2], b[2]) - max(a[0], b[0]) > TOLERANCE_PT
            and min(a[3], b[3]) - max(a[1], b[1]) > TOLERANCE_PT)


def _mm_box(box: Box) -> str:
    x0, y0, x1, y1 = (v / MM for v in box)
    return f"({x0:.1f}, {y0:.1f})-({x1:.1f}, {y1:.1f}) mm"


def _extent(element, t: Template) -> Optional[tuple[str, Box, str]]:
    """(description, box, reason it is only partly measured or "")."""
    if isinstance(element, tuple):  # a master's flow frame: x, y, width, height
        x, y, w, h = element
        return "the flow frame", (x, y, x + w, y + h), ""
    if isinstance(element, Frame):
        return "the frame", (element.x_pt, element.y_pt, element.x_pt + element.width_pt,
                             element.y_pt + element.height_pt), ""
    if isinstance(element, Rect):
        grow = element.width_pt_stroke / 2 if element.stroke is not None else 0.0
        return "the rect", (element.x_pt - grow, element.y_pt - grow, element.x_pt + element.width_pt + grow,
                            element.y_pt + element.height_pt + grow), ""
    if isinstance(element, Line):
        grow = element.width_pt / 2
        return "the line", (min(element.x1_pt, element.x2_pt) - grow, min(element.y1_pt, element.y2_pt) - grow,
                            max(element.x1_pt, element.x2_pt) + grow,
                            max(element.y1_pt, element.y2_pt) + grow), ""
    if isinstance(element, ImageElement):
        return "the image", (element.x_pt, element.y_pt, element.x_pt + (element.width_pt or 0.0),
                             element.y_pt + (element.height_pt or 0.0)), ""
    if isinstance(element, TextBlock):
        return _text_extent(element, t)
    if isinstance(element, Barcode):
        return _barcode_extent(element)
    return None  # the model checks element kinds; nothing else is drawn


def _text_extent(block: TextBlock, t: Template) -> tuple[str, Box, str]:
    x, y = block.x_pt, block.y_pt
    if block.wrap:  # a paragraph: its box, or down to the page's foot
        if block.height_pt is not None:
            return "the paragraph box", (x, y, x + block.width_pt, y + block.height_pt), ""
        return "the paragraph box (no height: to the page's foot)", (x, y, x + block.width_pt,
                                                                     t.page.height_pt), ""
    styles = [t.styles[block.style]] + [t.styles[r.style] for r in block.runs if r.style]
    line_height = max(max(s.leading_pt or 0.0, 1.2 * s.size_pt) for s in styles)
    static = all(run.field is None for run in block.runs)
    text = "".join(run.text or "" for run in block.runs)
    line_count = 1 + text.count("\n")
    y1 = y + line_height * line_count
    if block.width_pt is not None:
        return "the text box", (x, y, x + block.width_pt, y1), ""
    if static:
        width = max(_measure(t, block, line) for line in text.split("\n"))
        what = "the text"
    else:
        width = None
        what = "the text (length unknown: {fields} without a width; taken to the page edge)"
    if block.align == "right":
        x0, x1 = (0.0 if width is None else x - width), x
    elif block.align == "center":
        x0, x1 = (0.0, t.page.width_pt) if width is None else (x - width / 2, x + width / 2)
    else:
        x0, x1 = x, (t.page.width_pt if width is None else x + width)
    return what, (x0, y, x1, y1), ""


def _measure(t: Template, block: TextBlock, line: str) -> float:
    """The width of literal text in the block's style: font advances, or the estimate."""
    style = t.styles[block.style]
    faces = [_face_path(t, key, style.face) for key in (style.font, *style.fallback)]
    try:
        widths = [_advances(path) if path is not None else None for path in faces]
    except Exception:  # noqa: BLE001 - any unreadable font: fall back to the estimate
        widths = [None]
    if widths[0] is None:
        return len(line) * _ESTIMATE_EM * style.size_pt + _ROUND_SLACK_PT
    total_em = 0.0
    for char in line:
        for table in widths:
            if table is not None and ord(char) in table:
                total_em += table[ord(char)]
                break
        else:
            total_em += _MISSING_GLYPH_EM
    return total_em * style.size_pt * _KERN_SLACK + _ROUND_SLACK_PT


def _face_path(t: Template, font_key: str, face: str) -> Optional[Path]:
    family = t.fonts.get(font_key)
    if family is None or not family.files:
        return None
    return family.files.get(face) or family.files.get("regular") or next(iter(family.files.values()))


@functools.lru_cache(maxsize=32)
def _advances(path: Path) -> dict[int, float]:
    """Code point -> advance width in em, from the font's cmap and hmtx."""
    from fontTools.ttLib import TTFont

    with TTFont(str(path), lazy=True, fontNumber=0) as font:
        per_em = font["head"].unitsPerEm
        metrics = font["hmtx"].metrics
        return {cp: metrics[name][0] / per_em for cp, name in font.getBestCmap().items() if name in metrics}


# Smallest symbols: (rows, columns) in modules, or a 1D symbol's width in modules.
_MIN_2D = {"qr": (21, 21), ("datamatrix", "square"): (10, 10), ("datamatrix", "rectangle"): (8, 18),
           ("datamatrix", "any"): (8, 10)}
_MIN_1D = {"code128": 11 + 11 + 11 + 13, "gs1-128": 11 + 11 + 11 + 11 + 13}  # start (FNC1) char check stop


def _barcode_extent(code: Barcode) -> tuple[str, Box, str]:
    x, y, m = code.x_pt, code.y_pt, code.module_pt
    kind = code.symbology
    static = all(run.field is None for run in code.runs)
    size = _static_barcode_size(code) if static else None
    if size is not None:
        w, h = size
        return f"the {kind} barcode", (x, y, x + w, y + h), ""
    if kind in _MIN_1D:
        w, h = _MIN_1D[kind] * m, code.height_pt or 0.0
    else:
        rows, cols = _MIN_2D["qr"] if kind == "qr" else _MIN_2D[("datamatrix", code.shape or "square")]
        w, h = cols * m, rows * m
    reason = ("its size grows with the data ({fields}); only its smallest symbol "
              f"{_mm_box((x, y, x + w, y + h))} was checked: keep the zone clear of where it can grow")
    return f"the {kind} barcode (smallest symbol)", (x, y, x + w, y + h), reason


def _static_barcode_size(code: Barcode) -> Optional[tuple[float, float]]:
    """Width and height of a barcode of literal data, from its encoding; None if it cannot be encoded here."""
    from ..template import gs1_raw_runs

    try:
        if code.symbology in ("code128", "gs1-128"):
            from ..barcodes import encode

            gs1 = code.symbology == "gs1-128"
            runs = gs1_raw_runs(code.runs) if gs1 else code.runs
            symbol = encode("code128", "".join(r.text for r in runs), gs1=gs1)
            return symbol.width * code.module_pt, code.height_pt or 0.0
        from .. import barcodes2d

        data = "".join(r.text for r in code.runs)
        if code.symbology == "qr":
            matrix = barcodes2d.qr(data, ec=code.level or "M")
        else:
            matrix = barcodes2d.datamatrix(data, shape=code.shape or "square")
        rows, cols = matrix.shape
        return cols * code.module_pt, rows * code.module_pt
    except (PressrunError, ValueError, ImportError, UnicodeError):
        return None


# --------------------------------------------------------------------------- lines

def _source_lines(t: Template) -> dict:
    """The line of every key path of the template's file, or {} when it is not a readable file."""
    try:
        path = Path(t.source)
        if not path.is_file():
            return {}
        return load_yaml_with_lines(path, ProfileError, "template")[1]
    except (PressrunError, OSError, ValueError):
        return {}
