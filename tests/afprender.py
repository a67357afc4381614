"""A small, independent AFP (MO:DCA) page renderer for the test suite.

Written from the AFP Consortium references (MO:DCA 10, PTOCA 04, IOCA 09,
BCOCA 11, AFP GOCA 03), without using any of pressrun's AFP code.  Only the
structured-field framing is borrowed from ``afpcheck.py`` (also written
independently of pressrun).

API::

    render_pages(data, dpi=100) -> [PIL.Image.Image (RGB), ...]   one per page
    barcodes(data) -> [[Barcode(type, modifier, data, x_mm, y_mm), ...], ...]

``data`` is the bytes of a print file (or a path).  A damaged file raises
``AfpRenderError``.

What is drawn
-------------
* pages (BPG..EPG) on white, at the PGD size; overlays (IPO), page
  segments (IPS);
* PTOCA text: SCFL, AMB/AMI/RMB/RMI, SIA, SVI, SEC (RGB/CMYK/grey/OCA),
  STC, TRN and plain text, DIR/DBR rules, NOP, chained sequences.  Text
  orientation other than 0/90 is not supported (AfpRenderError).
  TrueType/OpenType fonts from object containers in the resource group are
  drawn glyph by glyph with the font itself at the MDR X'8B' size; each glyph
  advances by its hmtx advance (no kerning, no shaping).  FOCA coded fonts
  (MCF) are drawn with DejaVu Sans at the X'1F' height (an approximation;
  the text is EBCDIC cp500).
* IOCA images (IOB of a BIM resource, or an inline BIM): uncompressed 1/8/24/32
  bit, bands, tiles (FS45), JPEG; mapping options position, scale to fit,
  scale to fill, centre and trim.
* GOCA: colour (GSCOL/GSECOL/GSPCOL), line width, lines, relative lines,
  boxes, areas (filled polygons made of lines/boxes).
* BCOCA: the symbol is made with the ``zint`` command and scaled to the
  module width / element height of the BDD (an approximation of what a
  printer draws; the data decodes the same way).
"""
from __future__ import annotations

import io
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from afpcheck import frame, PAIRS, ENDS

__all__ = ["AfpRenderError", "render_pages", "barcodes", "page_sizes", "image_resources",
           "Barcode", "parse_tree"]


class AfpRenderError(ValueError):
    """The data cannot be rendered (damaged or unsupported)."""


# --------------------------------------------------------------------------
# Structure
# --------------------------------------------------------------------------

# Fields whose consecutive occurrences carry one data stream.
_STREAMS = {"OCD", "IPD", "GAD", "BDA_never"}

_NOT_CONTAINERS = {"BDA", "BDD"}


@dataclass
class Node:
    name: str
    data: bytes = b""
    offset: int = 0
    children: list = field(default_factory=list)

    def find(self, name):
        return [c for c in self.children if c.name == name]

    def first(self, name):
        for c in self.children:
            if c.name == name:
                return c
        return None

    def stream(self, name):
        return b"".join(c.data for c in self.children if c.name == name)


def _load(data) -> bytes:
    if isinstance(data, (str, os.PathLike)):
        with open(data, "rb") as fh:
            return fh.read()
    return bytes(data)


def parse_tree(data) -> Node:
    data = _load(data)
    if not data:
        raise AfpRenderError("empty AFP data")
    problems: list = []
    fields = frame(data, problems)
    if problems:
        raise AfpRenderError("damaged AFP data: " + "; ".join(problems[:3]))
    root = Node("FILE")
    stack = [root]
    for f in fields:
        name = f.name
        if name in PAIRS and name not in _NOT_CONTAINERS:
            node = Node(name, f.data, f.offset)
            stack[-1].children.append(node)
            stack.append(node)
        elif name in ENDS:
            begin = ENDS[name]
            if stack[-1].name != begin:
                raise AfpRenderError("offset %d: %s does not close %s"
                                     % (f.offset, name, stack[-1].name))
            stack.pop()
        else:
            stack[-1].children.append(Node(name, f.data, f.offset))
    if len(stack) > 1:
        raise AfpRenderError("truncated AFP data: %s at offset %d is never ended"
                             % (stack[-1].name, stack[-1].offset))
    return root


def _walk(node):
    yield node
    for c in node.children:
        yield from _walk(c)


def _u(b):
    return int.from_bytes(b, "big")


def _s(b):
    return int.from_bytes(b, "big", signed=True)


def _ebcdic(b):
    return b.decode("cp500", "replace").rstrip()


def _triplets(data: bytes):
    out, i = [], 0
    while i + 2 <= len(data):
        n = data[i]
        if n < 2 or i + n > len(data):
            raise AfpRenderError("bad triplet length %d" % n)
        out.append((data[i + 1], data[i:i + n]))
        i += n
    return out


def _fqns(trips):
    """FQN triplets as {type: text}; a preceding X'01' CCSID 1200 means UTF-16BE."""
    out, utf16 = {}, False
    for tid, t in trips:
        if tid == 0x01 and len(t) >= 6:
            utf16 = _u(t[2:4]) == 0 and _u(t[4:6]) in (1200, 13488)
        elif tid == 0x02 and len(t) >= 4:
            value = t[4:]
            if t[2] == 0xBE:
                out[0xBE] = value
            else:
                out[t[2]] = value.decode("utf-16-be", "replace") if utf16 else _ebcdic(value)
    return out, utf16


def _units_per_inch(base, units):
    return units / 10.0 if base == 0 else units / 10.0 * 2.54


# --------------------------------------------------------------------------
# Resources
# --------------------------------------------------------------------------

@dataclass
class Resources:
    fonts: dict = field(default_factory=dict)       # full name / 8-char name -> bytes
    images: dict = field(default_factory=dict)      # name -> BIM node
    overlays: dict = field(default_factory=dict)    # name -> BMO node
    segments: dict = field(default_factory=dict)    # name -> BPS node
    graphics: dict = field(default_factory=dict)


def _collect_resources(root: Node) -> Resources:
    res = Resources()
    for node in _walk(root):
        if node.name == "BRS":
            name = _ebcdic(node.data[:8])
            fq, _ = _fqns(_triplets(node.data[10:])) if len(node.data) > 10 else ({}, False)
            full = fq.get(0x01)
            for obj in node.children:
                if obj.name == "BOC":
                    font = obj.stream("OCD")
                    for key in (name, full, _ebcdic(obj.data[:8])):
                        if key:
                            res.fonts[key] = font
        if node.name in ("BIM", "BMO", "BPS", "BGR"):
            key = _ebcdic(node.data[:8])
            {"BIM": res.images, "BMO": res.overlays, "BPS": res.segments,
             "BGR": res.graphics}[node.name][key] = node
    return res


# --------------------------------------------------------------------------
# Colours
# --------------------------------------------------------------------------

_OCA = {0x0000: (0, 0, 0), 0x0001: (0, 0, 255), 0x0002: (255, 0, 0),
        0x0003: (255, 0, 255), 0x0004: (0, 255, 0), 0x0005: (0, 255, 255),
        0x0006: (255, 255, 0), 0x0007: (255, 255, 255), 0x0008: (0, 0, 0),
        0x0009: (0, 0, 170), 0x000A: (255, 128, 0), 0x000B: (170, 0, 170),
        0x000C: (0, 146, 0), 0x000D: (0, 146, 170), 0x000E: (196, 160, 32),
        0x000F: (131, 131, 131), 0x0010: (144, 48, 0),
        0xFF00: (0, 0, 0), 0xFF01: (0, 0, 255), 0xFF02: (255, 0, 0),
        0xFF03: (255, 0, 255), 0xFF04: (0, 255, 0), 0xFF05: (0, 255, 255),
        0xFF06: (255, 255, 0), 0xFF07: (0, 0, 0), 0xFF08: (255, 255, 255),
        0xFFFF: (0, 0, 0)}


def _oca(value):
    return _OCA.get(value, (0, 0, 0))


def _cmyk_rgb(c, m, y, k):
    return tuple(int(round(255 * (1 - v) * (1 - k))) for v in (c, m, y))


def _colour_spec(space, sizes, values):
    """SEC / GSPCOL colour (space, bits per component, value bytes) -> RGB."""
    comps, i = [], 0
    for bits in sizes:
        if not bits:
            continue
        n = (bits + 7) // 8
        comps.append(_u(values[i:i + n]) / float((1 << bits) - 1))
        i += n
    if space == 0x01 and len(comps) >= 3:
        return tuple(int(round(255 * v)) for v in comps[:3])
    if space == 0x04 and len(comps) >= 4:
        return _cmyk_rgb(*comps[:4])
    if space == 0x06 and comps:                       # highlight: % coverage
        return (0, 0, 0)
    if space == 0x08 and len(comps) >= 3:             # CIELab, approximate
        from PIL import ImageCms  # noqa: F401  (only a rough L mapping)
        grey = int(round(255 * comps[0]))
        return (grey, grey, grey)
    if space == 0x40:
        return _oca(_u(values[:2]))
    raise AfpRenderError("unsupported colour space X'%02X'" % space)


# --------------------------------------------------------------------------
# Fonts
# --------------------------------------------------------------------------

@dataclass
class FontMap:
    ttf: bytes | None          # TrueType file, or None for a coded font
    size: float                # vertical size in 1/1440 inch
    encoding: str              # python codec for the code points


_FALLBACK = None


def _fallback_font_path():
    global _FALLBACK
    if _FALLBACK is None:
        for p in ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                  "/usr/share/fonts/dejavu/DejaVuSans.ttf"):
            if os.path.exists(p):
                _FALLBACK = p
                break
        else:
            import glob
            hits = glob.glob("/usr/share/fonts/**/*.ttf", recursive=True)
            if not hits:
                raise AfpRenderError("no fallback font for coded fonts")
            _FALLBACK = sorted(hits)[0]
    return _FALLBACK


@lru_cache(maxsize=64)
def _font_bytes_fallback():
    with open(_fallback_font_path(), "rb") as fh:
        return fh.read()


class _Face:
    """A TrueType face: Pillow font per pixel size plus hmtx advances."""
    _cache: dict = {}

    def __init__(self, data: bytes):
        from fontTools.ttLib import TTFont
        self.data = data
        tt = TTFont(io.BytesIO(data), lazy=True)
        self.upm = tt["head"].unitsPerEm
        self.cmap = tt.getBestCmap() or {}
        hmtx = tt["hmtx"]
        self.adv = {g: hmtx[g][0] for g in hmtx.metrics}
        self.notdef_adv = hmtx[".notdef"][0] if ".notdef" in hmtx.metrics else self.upm // 2
        self.pil = {}

    @classmethod
    def get(cls, data: bytes):
        key = (len(data), hash(data))
        face = cls._cache.get(key)
        if face is None:
            face = cls._cache[key] = _Face(data)
        return face

    def advance(self, ch: str) -> float:
        g = self.cmap.get(ord(ch))
        return (self.adv.get(g, self.notdef_adv) if g else self.notdef_adv) / self.upm

    def pil_font(self, px: float):
        px = max(1, int(round(px)))
        f = self.pil.get(px)
        if f is None:
            f = self.pil[px] = ImageFont.truetype(io.BytesIO(self.data), size=px,
                                                  layout_engine=ImageFont.Layout.BASIC)
        return f


# --------------------------------------------------------------------------
# Environment (BAG of a page or overlay)
# --------------------------------------------------------------------------

@dataclass
class Env:
    upi_x: float = 1440.0
    upi_y: float = 1440.0
    width: int = 0
    height: int = 0
    fonts: dict = field(default_factory=dict)        # local id -> FontMap
    text_upi: tuple = (1440.0, 1440.0)


def _environment(container: Node, res: Resources) -> Env:
    env = Env()
    bag = container.first("BAG")
    if bag is None:
        raise AfpRenderError("offset %d: %s without an active environment group"
                             % (container.offset, container.name))
    pgd = bag.first("PGD")
    if pgd is None or len(pgd.data) < 15:
        raise AfpRenderError("offset %d: page without a PGD" % container.offset)
    d = pgd.data
    env.upi_x = _units_per_inch(d[0], _u(d[2:4]))
    env.upi_y = _units_per_inch(d[1], _u(d[4:6]))
    env.width, env.height = _u(d[6:9]), _u(d[9:12])
    if not env.upi_x or not env.upi_y or not env.width or not env.height:
        raise AfpRenderError("offset %d: PGD has a zero unit or size" % pgd.offset)
    env.text_upi = (env.upi_x, env.upi_y)
    for ptd in bag.find("PTD") + bag.find("PTD1"):
        p = ptd.data
        if len(p) >= 6 and _u(p[2:4]) and _u(p[4:6]):
            env.text_upi = (_units_per_inch(p[0], _u(p[2:4])),
                            _units_per_inch(p[1], _u(p[4:6])))
    for mdr in bag.find("MDR"):
        for group in _groups(mdr.data):
            trips = _triplets(group)
            fq, utf16 = _fqns(trips)
            if 0xDE not in fq or 0xBE not in fq:
                continue
            lid = fq[0xBE][0] if fq[0xBE] else 0
            size = 0
            for tid, t in trips:
                if tid == 0x8B and len(t) >= 6:
                    size = _u(t[4:6])
            font = res.fonts.get(fq[0xDE])
            if font is None:
                raise AfpRenderError("font %r mapped but not in the resource group" % fq[0xDE])
            env.fonts[lid] = FontMap(font, size or 240, "utf-16-be")
    for mcf in bag.find("MCF"):
        for group in _groups(mcf.data):
            trips = _triplets(group)
            lid, size = None, 240
            for tid, t in trips:
                if tid == 0x24 and len(t) >= 4:
                    lid = t[3]
                elif tid == 0x1F and len(t) >= 6:
                    size = _u(t[4:6]) or 240
            if lid is not None:
                env.fonts[lid] = FontMap(None, size, "cp500")
    return env


def _groups(data: bytes):
    i, out = 0, []
    while i + 2 <= len(data):
        n = _u(data[i:i + 2])
        if n < 2 or i + n > len(data):
            raise AfpRenderError("bad repeating group length %d" % n)
        out.append(data[i + 2:i + n])
        i += n
    return out


# --------------------------------------------------------------------------
# Canvas
# --------------------------------------------------------------------------

class Canvas:
    def __init__(self, image: Image.Image, dpi: float):
        self.image = image
        self.draw = ImageDraw.Draw(image)
        self.dpi = dpi

    def rect(self, x0, y0, x1, y1, colour):
        """Fill the rectangle in pixel coordinates (floats), at least 1 pel."""
        x0, x1 = sorted((x0, x1))
        y0, y1 = sorted((y0, y1))
        ix0, iy0 = int(round(x0)), int(round(y0))
        ix1, iy1 = max(ix0 + 1, int(round(x1))), max(iy0 + 1, int(round(y1)))
        self.draw.rectangle([ix0, iy0, ix1 - 1, iy1 - 1], fill=colour)


# --------------------------------------------------------------------------
# PTOCA
# --------------------------------------------------------------------------

def _ptx_sequences(data: bytes):
    """Yield ('cs', type, params) and ('text', bytes) items."""
    i, n = 0, len(data)
    while i < n:
        if data[i:i + 2] == b"\x2b\xd3":
            i += 2
            chained = True
            while chained:
                if i + 2 > n:
                    raise AfpRenderError("PTOCA control sequence truncated")
                length, ftype = data[i], data[i + 1]
                if length < 2 or i + length > n:
                    raise AfpRenderError("PTOCA control sequence X'%02X' has bad length %d"
                                         % (ftype, length))
                yield ("cs", ftype & 0xFE, data[i + 2:i + length])
                chained = bool(ftype & 1)
                i += length
        else:
            j = data.find(b"\x2b\xd3", i)
            if j < 0:
                j = n
            yield ("text", data[i:j])
            i = j


def _draw_text(canvas: Canvas, env: Env, data: bytes, ox: float, oy: float, state):
    """Render one PTX; (ox, oy) is the text space origin in pixels."""
    dpi = canvas.dpi
    upx, upy = env.text_upi
    sx, sy = dpi / upx, dpi / upy          # pixels per text unit
    for kind, ftype, *rest in _ptx_sequences_items(data):
        if kind == "text":
            _show(canvas, env, ftype, state, ox, oy, sx, sy)
            continue
        p = rest[0]
        if ftype == 0xF0:                  # SCFL
            state["font"] = p[0] if p else 0
        elif ftype == 0xC6:                # AMI
            state["i"] = _s(p[0:2])
        elif ftype == 0xC8:                # RMI
            state["i"] += _s(p[0:2])
        elif ftype == 0xD2:                # AMB
            state["b"] = _s(p[0:2])
        elif ftype == 0xD4:                # RMB
            state["b"] += _s(p[0:2])
        elif ftype == 0xD0:                # SBI
            state["sbi"] = _s(p[0:2])
        elif ftype == 0xD8:                # BLN
            state["b"] += state.get("sbi", 0)
            state["i"] = state.get("sim", 0)
        elif ftype == 0xC0:                # SIM
            state["sim"] = _u(p[0:2])
        elif ftype == 0xC2:                # SIA
            adj = _u(p[0:2]) if len(p) >= 2 else 0
            if len(p) >= 3 and p[2] == 1:
                adj = -adj
            state["sia"] = adj
        elif ftype == 0xC4:                # SVI
            v = _s(p[0:2]) if len(p) >= 2 else 0
            state["svi"] = None if v == -1 or not p else v
        elif ftype == 0x80:                # SEC
            if len(p) >= 10:
                state["colour"] = _colour_spec(p[1], p[6:10], p[10:])
        elif ftype == 0x74:                # STC
            if len(p) >= 2:
                state["colour"] = _oca(_u(p[0:2]))
        elif ftype == 0xF6:                # STO
            if len(p) >= 4 and (p[0:2], p[2:4]) != (b"\x00\x00", b"\x2d\x00"):
                raise AfpRenderError("text orientation %s/%s not supported"
                                     % (p[0:2].hex(), p[2:4].hex()))
        elif ftype == 0xDA:                # TRN
            _show(canvas, env, p, state, ox, oy, sx, sy)
        elif ftype in (0xE4, 0xE6):        # DIR / DBR
            length = _s(p[0:2]) if len(p) >= 2 else 0
            width = (_s(p[2:4]) + p[4] / 256.0) if len(p) >= 5 else (
                _s(p[2:4]) if len(p) >= 4 else 1)
            x, y = state["i"], state["b"]
            if ftype == 0xE4:
                x0, x1, y0, y1 = x, x + length, y, y + width
            else:
                x0, x1, y0, y1 = x, x + width, y, y + length
            if length and width:
                canvas.rect(ox + x0 * sx, oy + y0 * sy, ox + x1 * sx, oy + y1 * sy,
                            state["colour"])
        elif ftype in (0xF8, 0x72, 0x76, 0x78, 0xF2, 0xF4, 0x9A, 0xEE):
            pass                           # NOP, OVS, USC, TBM, BSU, ESU, SKI, RPS
        else:
            raise AfpRenderError("PTOCA control sequence X'%02X' not supported" % ftype)


def _ptx_sequences_items(data):
    for item in _ptx_sequences(data):
        if item[0] == "text":
            yield ("text", item[1])
        else:
            yield ("cs", item[1], item[2])


def _show(canvas: Canvas, env: Env, raw: bytes, state, ox, oy, sx, sy):
    if not raw:
        return
    fm = env.fonts.get(state["font"])
    if fm is None:
        raise AfpRenderError("text in font local id %d, which is not mapped" % state["font"])
    face = _Face.get(fm.ttf if fm.ttf is not None else _font_bytes_fallback())
    text = raw.decode(fm.encoding, "replace")
    size_px = fm.size / 1440.0 * canvas.dpi
    font = face.pil_font(size_px)
    unit_per_1440 = env.text_upi[0] / 1440.0          # text units per 1/1440 in
    colour = state["colour"]
    for ch in text:
        x = ox + state["i"] * sx
        y = oy + state["b"] * sy
        if not ch.isspace():
            canvas.draw.text((x, y), ch, font=font, fill=colour, anchor="ls")
        if ch == " " and state.get("svi") is not None:
            step = state["svi"]
        else:
            step = face.advance(ch) * fm.size * unit_per_1440
        state["i"] += step + state.get("sia", 0)


# --------------------------------------------------------------------------
# IOCA
# --------------------------------------------------------------------------

def _ioca_params(data: bytes):
    i, n = 0, len(data)
    while i < n:
        if data[i] == 0xFE:
            if i + 4 > n:
                raise AfpRenderError("IOCA parameter truncated")
            pid, length = _u(data[i:i + 2]), _u(data[i + 2:i + 4])
            body = data[i + 4:i + 4 + length]
            i += 4 + length
        else:
            if i + 2 > n:
                raise AfpRenderError("IOCA parameter truncated")
            pid, length = data[i], data[i + 1]
            body = data[i + 2:i + 2 + length]
            i += 2 + length
        if len(body) != length:
            raise AfpRenderError("IOCA parameter X'%X' runs past the end of the image" % pid)
        yield pid, body


def _decode_raster(enc, bits, structure, width, height, planes):
    """planes: list of byte strings (one, or one per band)."""
    comp = enc[0] if enc else 0x03
    fmt = structure[1] if structure else None
    subtractive = bool(structure[0] & 0x80) if structure else False
    if comp == 0x83:                                  # JPEG
        img = Image.open(io.BytesIO(b"".join(planes)))
        img.load()
        if img.mode == "CMYK" and subtractive is False and fmt == 0x04:
            pass
        return img.convert("RGB")
    if comp != 0x03:
        raise AfpRenderError("IOCA compression X'%02X' not supported" % comp)
    if len(planes) > 1:
        per = [Image.frombytes("L", (width, height), p[:width * height].ljust(width * height, b"\0"))
               for p in planes]
        if fmt == 0x04 and len(per) == 4:
            img = Image.merge("CMYK", per)
            if subtractive is False:
                pass
            return img.convert("RGB")
        if len(per) == 3:
            return Image.merge("RGB", per)
        raise AfpRenderError("IOCA band layout not supported")
    raw = planes[0]
    if bits == 1:
        stride = (width + 7) // 8
        img = Image.frombytes("1", (width, height), raw[:stride * height].ljust(stride * height, b"\0"))
        return Image.eval(img.convert("L"), lambda v: 255 - v).convert("RGB")  # 1 = toned
    mode = {8: "L", 24: "RGB", 32: "CMYK"}.get(bits)
    if mode is None:
        raise AfpRenderError("IOCA IDE size %d not supported" % bits)
    need = width * height * bits // 8
    if len(raw) < need:
        raise AfpRenderError("IOCA image data too short: %d bytes for %dx%d at %d bits"
                             % (len(raw), width, height, bits))
    img = Image.frombytes(mode, (width, height), raw[:need])
    if mode == "L" and subtractive:
        img = Image.eval(img, lambda v: 255 - v)
    if mode == "CMYK" or (fmt == 0x04):
        if mode != "CMYK":
            raise AfpRenderError("CMYK image with IDE size %d" % bits)
    return img.convert("RGB")


def decode_image(bim: Node) -> tuple[Image.Image, tuple]:
    """The picture of an IOCA image object and its (hres, vres) in points per inch."""
    data = bim.stream("IPD")
    if not data:
        raise AfpRenderError("image %s has no image data" % _ebcdic(bim.data[:8]))
    width = height = None
    res = (None, None)
    bog = bim.first("BOG")
    idd = bog.first("IDD") if bog is not None else None
    if idd is not None and len(idd.data) >= 9:     # the image presentation space
        d = idd.data
        res = (_units_per_inch(d[0], _u(d[1:3])), _units_per_inch(d[0], _u(d[3:5])))
        width, height = _u(d[5:7]), _u(d[7:9])
    enc, bits, structure, bands = None, 1, None, None
    canvas = None
    tile = None
    planes, bandplanes = [], {}
    for pid, body in _ioca_params(data):
        if pid == 0x94:
            upi = (_units_per_inch(body[0], _u(body[1:3])), _units_per_inch(body[0], _u(body[3:5])))
            res = upi
            width, height = _u(body[5:7]), _u(body[7:9])
        elif pid == 0x95:
            enc = body
        elif pid == 0x96:
            bits = body[0]
        elif pid == 0x9B:
            structure = body
        elif pid == 0x98:
            bands = list(body[1:1 + body[0]])
        elif pid == 0xFE92:
            planes.append(body)
        elif pid == 0xFE9C:
            bandplanes.setdefault(body[0], []).append(body[3:])
        elif pid == 0x8C:                              # begin tile
            tile = {"enc": enc, "bits": bits, "structure": structure}
            planes, bandplanes = [], {}
        elif pid == 0xB5 and tile is not None:
            tile["pos"] = (_u(body[0:4]), _u(body[4:8]))
        elif pid == 0xB6 and tile is not None:
            tile["size"] = (_u(body[0:4]), _u(body[4:8]))
        elif pid == 0x8D:                              # end tile
            if tile is None or "size" not in tile or "pos" not in tile:
                raise AfpRenderError("IOCA tile without position or size")
            if canvas is None:
                canvas = Image.new("RGB", (width, height), "white")
            tw, th = tile["size"]
            pl = [b"".join(planes)] if planes else [b"".join(bandplanes[k]) for k in sorted(bandplanes)]
            piece = _decode_raster(enc, bits, structure, tw, th, pl)
            canvas.paste(piece, tile["pos"])
            tile = None
            planes, bandplanes = [], {}
    if width is None:
        raise AfpRenderError("image without a size (no IDD, no image size parameter)")
    if canvas is None:
        pl = [b"".join(planes)] if planes else [b"".join(bandplanes[k]) for k in sorted(bandplanes)]
        if not pl:
            raise AfpRenderError("image without image data")
        canvas = _decode_raster(enc, bits, structure, width, height, pl)
    return canvas, res


# --------------------------------------------------------------------------
# Object areas (OBD/OBP, IOB)
# --------------------------------------------------------------------------

@dataclass
class Area:
    x: float        # pixels
    y: float
    w: float | None
    h: float | None
    cx: float = 0.0  # object content offset in pixels
    cy: float = 0.0
    mapping: int | None = None


def _area_triplets(trips, dpi, default_upi):
    upi = default_upi
    w = h = None
    mapping = None
    for tid, t in trips:
        if tid == 0x4B and len(t) >= 8:
            upi = (_units_per_inch(t[2], _u(t[4:6])), _units_per_inch(t[3], _u(t[6:8])))
    for tid, t in trips:
        if tid == 0x4C and len(t) >= 9:
            w, h = _u(t[3:6]) / upi[0] * dpi, _u(t[6:9]) / upi[1] * dpi
        elif tid == 0x04 and len(t) >= 3:
            mapping = t[2]
    return w, h, mapping


def _oeg_area(obj: Node, env: Env, dpi, ox, oy) -> Area:
    bog = obj.first("BOG")
    area = Area(ox, oy, None, None)
    if bog is None:
        return area
    obd = bog.first("OBD")
    if obd is not None:
        area.w, area.h, _ = _area_triplets(_triplets(obd.data), dpi, (env.upi_x, env.upi_y))
    obp = bog.first("OBP")
    if obp is not None and len(obp.data) >= 23:
        d = obp.data
        area.x = ox + _u(d[2:5]) / env.upi_x * dpi
        area.y = oy + _u(d[5:8]) / env.upi_y * dpi
        if _u(d[8:10]) != 0 or _u(d[10:12]) != 0x2D00:
            raise AfpRenderError("rotated object areas are not supported")
        area.cx = _s(d[13:16]) / env.upi_x * dpi
        area.cy = _s(d[16:19]) / env.upi_y * dpi
    for mio in bog.find("MIO") + bog.find("MGO") + bog.find("MBC"):
        for g in _groups(mio.data):
            for tid, t in _triplets(g):
                if tid == 0x04 and len(t) >= 3:
                    area.mapping = t[2]
    return area


def _place_image(canvas: Canvas, picture: Image.Image, res, area: Area):
    dpi = canvas.dpi
    mapping = 0x00 if area.mapping is None else area.mapping
    pw, ph = picture.size
    natural = (pw / res[0] * dpi if res[0] else pw, ph / res[1] * dpi if res[1] else ph)
    w = area.w if area.w else natural[0]
    h = area.h if area.h else natural[1]
    if mapping == 0x60:                                # scale to fill
        size, at = (w, h), (area.x, area.y)
    elif mapping == 0x20:                              # scale to fit
        k = min(w / pw, h / ph)
        size = (pw * k, ph * k)
        at = (area.x + (w - size[0]) / 2, area.y + (h - size[1]) / 2)
    elif mapping == 0x30:                              # centre and trim
        size = natural
        at = (area.x + (w - natural[0]) / 2, area.y + (h - natural[1]) / 2)
    elif mapping in (0x00, 0x10):                      # position (and trim)
        size = natural
        at = (area.x + area.cx, area.y + area.cy)
    else:
        raise AfpRenderError("image mapping option X'%02X' not supported" % mapping)
    tw, th = max(1, int(round(size[0]))), max(1, int(round(size[1])))
    scaled = picture.resize((tw, th), Image.LANCZOS)
    x, y = int(round(at[0])), int(round(at[1]))
    # trim to the object area
    clip = (int(round(area.x)), int(round(area.y)),
            int(round(area.x + w)), int(round(area.y + h)))
    box = (max(x, clip[0]), max(y, clip[1]), min(x + tw, clip[2]), min(y + th, clip[3]))
    if box[2] <= box[0] or box[3] <= box[1]:
        return
    part = scaled.crop((box[0] - x, box[1] - y, box[2] - x, box[3] - y))
    canvas.image.paste(part, box[:2])


def _include_object(canvas, env, res, iob: Node, ox, oy):
    d = iob.data
    name = _ebcdic(d[:8])
    objtype = d[9]
    dpi = canvas.dpi
    x = ox + _s(d[10:13]) / env.upi_x * dpi
    y = oy + _s(d[13:16]) / env.upi_y * dpi
    if _u(d[16:18]) not in (0, 0xFFFF) or _u(d[18:20]) not in (0x2D00, 0xFFFF):
        raise AfpRenderError("rotated IOB is not supported")
    trips = _triplets(d[27:])
    w, h, mapping = _area_triplets(trips, dpi, (env.upi_x, env.upi_y))
    if objtype == 0xFB:
        bim = res.images.get(name)
        if bim is None:
            raise AfpRenderError("IOB names image %r, not in the resource group" % name)
        picture, pres = decode_image(bim)
        base = _oeg_area(bim, env, dpi, 0, 0)
        area = Area(x, y, w or base.w, h or base.h,
                    mapping=mapping if mapping is not None else base.mapping)
        xoc, yoc = _s(d[20:23]), _s(d[23:26])
        if xoc not in (-1, 0xFFFFFF):
            area.cx = xoc / env.upi_x * dpi
            area.cy = yoc / env.upi_y * dpi
        _place_image(canvas, picture, pres, area)
    elif objtype == 0xBB:
        bgr = res.graphics.get(name)
        if bgr is None:
            raise AfpRenderError("IOB names graphics %r, not in the resource group" % name)
        area = _oeg_area(bgr, env, dpi, 0, 0)
        area.x, area.y = x, y
        area.w, area.h = w or area.w, h or area.h
        _draw_goca(canvas, env, bgr, area)
    else:
        raise AfpRenderError("IOB object type X'%02X' not supported" % objtype)


# --------------------------------------------------------------------------
# GOCA
# --------------------------------------------------------------------------

def _goca_orders(data: bytes):
    i, n = 0, len(data)
    while i < n:
        code = data[i]
        if code == 0x70:                               # Begin Segment
            length = data[i + 1]
            i += 2 + length
            continue
        if code == 0x00:
            i += 1
            continue
        if code == 0xFE:
            length = _u(data[i + 2:i + 4])
            yield _u(data[i:i + 2]), data[i + 4:i + 4 + length]
            i += 4 + length
            continue
        if i + 2 > n:
            raise AfpRenderError("GOCA order truncated")
        # 2-byte orders: X'0x' ... X'3F' with low nibble >= 8, and X'68'
        if code in (0x08, 0x0A, 0x0C, 0x0D, 0x18, 0x19, 0x1A, 0x1B, 0x28, 0x29,
                    0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3E, 0x5E, 0x68):
            yield code, data[i + 1:i + 2]
            i += 2
            continue
        length = data[i + 1]
        body = data[i + 2:i + 2 + length]
        if len(body) != length:
            raise AfpRenderError("GOCA order X'%02X' runs past the end" % code)
        yield code, body
        i += 2 + length


def _draw_goca(canvas: Canvas, env: Env, bgr: Node, area: Area):
    dpi = canvas.dpi
    bog = bgr.first("BOG")
    gdd = bog.first("GDD") if bog is not None else None
    upi = 1440.0
    xl, yt = 0, None
    normal = 14.4                                      # 1/100 inch, in 1/1440 inch
    if gdd is not None:
        for pid, body in _goca_orders(gdd.data):
            if pid == 0xF6 and len(body) >= 18:
                upi = _units_per_inch(body[3], _u(body[4:6]))
                xl, yt = _s(body[10:12]), _s(body[16:18])
            elif pid == 0x21 and len(body) >= 6 and body[0] == 0x11 and body[3] & 0x80:
                normal = _u(body[4:6]) / upi * 1440       # Set Current Defaults
    k = dpi / upi

    def pt(x, y):
        top = yt if yt is not None else 0
        return (area.x + (x - xl) * k, area.y + (top - y) * k)

    state = {"colour": (0, 0, 0), "width": normal, "pos": (0, 0)}
    path = None                                        # area polygon points
    polys = []

    def line(points):
        nonlocal path
        if path is not None:
            path.extend(points[1:] if path and path[-1] == points[0] else points)
            return
        half = max(0.5, state["width"] / 1440 * dpi / 2)
        for p, q in zip(points, points[1:]):
            (x0, y0), (x1, y1) = pt(*p), pt(*q)
            length = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
            if not length:
                continue
            nx, ny = -(y1 - y0) / length * half, (x1 - x0) / length * half
            canvas.draw.polygon([(x0 + nx, y0 + ny), (x1 + nx, y1 + ny),
                                 (x1 - nx, y1 - ny), (x0 - nx, y0 - ny)], fill=state["colour"])

    data = bgr.stream("GAD")
    for code, body in _goca_orders(data):
        if code == 0x0A:
            state["colour"] = _oca(body[0]) if body[0] else (0, 0, 0)
        elif code == 0x26:
            state["colour"] = _oca(_u(body[0:2]))
        elif code == 0xB2:
            state["colour"] = _colour_spec(body[1], body[6:10], body[10:])
        elif code == 0x19:
            state["width"] = max(1, body[0]) * normal
        elif code == 0x11:
            state["width"] = ((body[0] + body[1] / 256.0) or 1.0) * normal
        elif code == 0x21:                             # GSCP
            state["pos"] = (_s(body[0:2]), _s(body[2:4]))
        elif code in (0xC1, 0x81):
            pts = [(_s(body[j:j + 2]), _s(body[j + 2:j + 4])) for j in range(0, len(body) - 3, 4)]
            if code == 0x81:
                pts = [state["pos"]] + pts
            if len(pts) >= 2:
                line(pts)
            state["pos"] = pts[-1]
        elif code in (0xE1, 0xA1):
            if code == 0xE1:
                start = (_s(body[0:2]), _s(body[2:4]))
                rel = body[4:]
            else:
                start, rel = state["pos"], body
            pts = [start]
            for j in range(0, len(rel) - 1, 2):
                dx, dy = _s(rel[j:j + 1]), _s(rel[j + 1:j + 2])
                pts.append((pts[-1][0] + dx, pts[-1][1] + dy))
            line(pts)
            state["pos"] = pts[-1]
        elif code in (0xC0, 0x80):
            if code == 0xC0:
                x0, y0, x1, y1 = (_s(body[2:4]), _s(body[4:6]), _s(body[6:8]), _s(body[8:10]))
            else:
                (x0, y0), x1, y1 = state["pos"], _s(body[2:4]), _s(body[4:6])
            if path is not None:
                polys.append([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
            else:
                w = max(1, int(round(state["width"] / 1440 * dpi)))
                a, b = pt(x0, y0), pt(x1, y1)
                canvas.draw.rectangle([min(a[0], b[0]), min(a[1], b[1]),
                                       max(a[0], b[0]), max(a[1], b[1])],
                                      outline=state["colour"], width=w)
        elif code == 0x68:                             # begin area
            path = []
            polys = []
            state["area_border"] = bool(body[0] & 0x40)
        elif code == 0x60:                             # end area
            shapes = polys + ([path] if path else [])
            for poly in shapes:
                if len(poly) >= 3:
                    canvas.draw.polygon([pt(*p) for p in poly], fill=state["colour"])
            path = None
            polys = []
        elif code in (0x01, 0x04, 0x08, 0x0C, 0x0D, 0x18, 0x1A, 0x1B, 0x28, 0x3E, 0x22):
            pass
        else:
            raise AfpRenderError("GOCA order X'%02X' not supported" % code)


# --------------------------------------------------------------------------
# BCOCA
# --------------------------------------------------------------------------

@dataclass
class Barcode:
    type: int
    modifier: int
    data: bytes              # the bar code data (after any special-function bytes)
    x: float                 # symbol origin on the page, mm
    y: float
    text: str = ""           # the data as the symbol encodes it


_ZINT = {0x1C: 71, 0x20: 58, 0x11: 20, 0x111: 16, 0x1F: 63, 0x22: 85, 0x01: 8, 0x0C: 3,
         0x09: 13, 0x08: 13, 0x03: 34, 0x1E: 55, 0x1A: 70, 0x18: 40, 0x1D: 57}
_MATRIX = {0x1C, 0x20, 0x1D, 0x1E}


def _bcoca_parse(bbc: Node):
    bog = bbc.first("BOG")
    bdd = bog.first("BDD") if bog is not None else None
    if bdd is None:
        raise AfpRenderError("offset %d: bar code object without a BDD" % bbc.offset)
    d = bdd.data
    if len(d) < 23:
        raise AfpRenderError("offset %d: BDD is %d bytes, at least 23 needed" % (bdd.offset, len(d)))
    desc = {"upi": (_units_per_inch(d[0], _u(d[2:4])), _units_per_inch(d[0], _u(d[4:6]))),
            "type": d[12], "mod": d[13], "colour": _u(d[15:17]),
            "module": d[17], "height": _u(d[18:20]), "mult": d[20]}
    out = []
    for bda in bbc.find("BDA"):
        b = bda.data
        if len(b) < 5:
            raise AfpRenderError("offset %d: BDA too short" % bda.offset)
        x, y = _u(b[1:3]), _u(b[3:5])
        t = desc["type"]
        payload, text, opts = b[5:], None, []
        if t == 0x1C:                                  # Data Matrix
            flags, special = b[5], b[14]
            payload = b[15:]
            raw = payload.decode("cp500").encode("latin-1") if flags & 0x80 else payload
            text = raw.decode("latin-1")
            if special & 0x80:
                opts.append("--gs1")
            rows, cols = _u(b[8:10]), _u(b[6:8])
            if rows and cols:
                opts.append("--square" if rows == cols else "--dmre")
        elif t == 0x20:                                # QR code: parameters 5..13
            if len(b) < 14:
                raise AfpRenderError("offset %d: QR Code BDA has %d bytes; its special-function "
                                     "parameters need bytes 5 to 13" % (bda.offset, len(b)))
            conv = b[6]
            payload = b[14:]
            text = payload.decode("cp500") if conv == 1 else payload.decode("latin-1")
            opts.append("--secure=%d" % (b[8] + 1))
            if b[7]:
                opts.append("--vers=%d" % b[7])
        else:                                          # linear and postal: EBCDIC
            if t == 0x11 and desc["mod"] in (0x03, 0x04):       # UCC/EAN 128, GS1-128
                text = _gs1_brackets(payload)
                opts.append("--gs1")
            else:
                text = payload.decode("cp500")
        out.append((desc, x, y, payload, text, opts, b[0]))
    return desc, out


# GS1 application identifiers of predefined length (AI + data, by the first
# two digits), from the GS1 General Specifications' table.
_GS1_FIXED = {"00": 20, "01": 16, "02": 16, "03": 16, "04": 18, "11": 8, "12": 8,
              "13": 8, "14": 8, "15": 8, "16": 8, "17": 8, "18": 8, "19": 8, "20": 4,
              "31": 10, "32": 10, "33": 10, "34": 10, "35": 10, "36": 10, "41": 16}


def _gs1_ai_length(s: str) -> int:
    head = s[:2]
    if head in ("31", "32", "33", "34", "35", "36") or head[0] in "78":
        return 4
    if head in ("23", "24", "25", "40", "41", "42"):
        return 3
    return 2


def _gs1_brackets(payload: bytes) -> str:
    """BCOCA UCC/EAN 128 data (FNC1 X'8F', AIs and data in EBCDIC) as zint's
    "[AI]data" form."""
    out = []
    for part in payload.split(b"\x8f"):
        s = part.decode("cp500")
        while s:
            fixed = _GS1_FIXED.get(s[:2])
            ai_len = _gs1_ai_length(s)
            if fixed:
                out.append("[%s]%s" % (s[:ai_len], s[ai_len:fixed]))
                s = s[fixed:]
            else:
                out.append("[%s]%s" % (s[:ai_len], s[ai_len:]))
                s = ""
    return "".join(out)


@lru_cache(maxsize=256)
def _zint_symbol(ztype: int, text: str, opts: tuple) -> Image.Image:
    exe = shutil.which("zint")
    if exe is None:
        raise AfpRenderError("the zint command is needed to draw bar codes")
    cmd = [exe, "-b", str(ztype), "--direct", "--filetype=PNG", "--notext",
           "--scale=0.5", "--noquietzones", "--binary", *opts, "-d", text]
    run = subprocess.run(cmd, capture_output=True, timeout=30)
    if run.returncode not in (0, 2) or not run.stdout:   # 2 = warning
        raise AfpRenderError("zint could not make bar code type %d from %r: %s"
                             % (ztype, text, run.stderr.decode(errors="replace").strip()))
    return Image.open(io.BytesIO(run.stdout)).convert("L")


def _draw_bcoca(canvas: Canvas, env: Env, bbc: Node, ox, oy):
    dpi = canvas.dpi
    area = _oeg_area(bbc, env, dpi, ox, oy)
    desc, symbols = _bcoca_parse(bbc)
    colour = _oca(desc["colour"])
    for d, x, y, payload, text, opts, flags in symbols:
        if flags & 0x04:                               # suppressed symbol
            continue
        t = d["type"]
        ztype = _ZINT.get(0x111 if t == 0x11 and d["mod"] in (0x03, 0x04) else t)
        if ztype is None:
            raise AfpRenderError("bar code type X'%02X' not supported" % t)
        if t == 0x1F:                                  # Australia Post: DPID (+ customer info)
            text = text
        sym = _zint_symbol(ztype, text, tuple(opts))
        mw, mh = sym.size                              # modules (1 px per module)
        px = area.x + x / d["upi"][0] * dpi
        py = area.y + y / d["upi"][1] * dpi
        module_in = (d["module"] if d["module"] not in (0, 0xFF) else 20) / 1000.0
        if t in _MATRIX:
            w, h = mw * module_in * dpi, mh * module_in * dpi
        elif t in (0x1F, 0x1A, 0x22, 0x18):            # fixed-size postal symbols
            pitch = 1 / 23.5 if t == 0x1F else 1 / 22.0
            w = mw / 2.0 * pitch * dpi
            h = (0.197 if t == 0x1F else 0.145) * dpi
        else:
            w = mw * module_in * dpi
            eh = d["height"] if d["height"] not in (0, 0xFFFF) else int(0.5 * d["upi"][1])
            h = eh * max(1, d["mult"]) / d["upi"][1] * dpi
        tw, th = max(1, int(round(w))), max(1, int(round(h)))
        big = sym.resize((tw, th), Image.NEAREST)
        mask = big.point(lambda v: 255 if v < 128 else 0)
        canvas.image.paste(colour, (int(round(px)), int(round(py))), mask)


# --------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------

def _render_container(canvas: Canvas, container: Node, res: Resources, ox, oy, depth=0):
    if depth > 8:
        raise AfpRenderError("overlays nested too deeply")
    env = _environment(container, res)
    dpi = canvas.dpi
    for obj in container.children:
        if obj.name == "BPT":
            area = _oeg_area(obj, env, dpi, ox, oy)
            state = {"i": 0, "b": 0, "font": 0, "colour": (0, 0, 0), "sia": 0, "svi": None}
            for ptx in obj.find("PTX"):
                _draw_text(canvas, env, ptx.data, area.x + area.cx, area.y + area.cy, state)
        elif obj.name == "IPO":
            d = obj.data
            name = _ebcdic(d[:8])
            ovl = res.overlays.get(name)
            if ovl is None:
                raise AfpRenderError("IPO names overlay %r, not in the resource group" % name)
            if len(d) >= 16 and _u(d[14:16]) not in (0,):
                raise AfpRenderError("rotated overlays are not supported")
            _render_container(canvas, ovl, res, ox + _s(d[8:11]) / env.upi_x * dpi,
                              oy + _s(d[11:14]) / env.upi_y * dpi, depth + 1)
        elif obj.name == "IOB":
            _include_object(canvas, env, res, obj, ox, oy)
        elif obj.name == "BIM":
            area = _oeg_area(obj, env, dpi, ox, oy)
            picture, pres = decode_image(obj)
            _place_image(canvas, picture, pres, area)
        elif obj.name == "BGR":
            _draw_goca(canvas, env, obj, _oeg_area(obj, env, dpi, ox, oy))
        elif obj.name == "BBC":
            _draw_bcoca(canvas, env, obj, ox, oy)
        elif obj.name == "IPS":
            d = obj.data
            seg = res.segments.get(_ebcdic(d[:8]))
            if seg is None:
                raise AfpRenderError("IPS names page segment %r, not found" % _ebcdic(d[:8]))
            fake = Node("BPS", b"", seg.offset, [container.first("BAG")] + seg.children)
            _render_container(canvas, fake, res, ox + _s(d[8:11]) / env.upi_x * dpi,
                              oy + _s(d[11:14]) / env.upi_y * dpi, depth + 1)
    return env


def _pages(root: Node):
    """The document pages in order (pages held as resources, BRS..ERS, are not)."""
    out = []

    def visit(node):
        for c in node.children:
            if c.name == "BPG":
                out.append(c)
            elif c.name not in ("BRS", "BRG"):
                visit(c)
    visit(root)
    return out


def render_pages(data, dpi: float = 100) -> list:
    """Render every page of the print file to an RGB image at ``dpi``."""
    root = parse_tree(data)
    res = _collect_resources(root)
    pages = _pages(root)
    if not pages:
        raise AfpRenderError("no pages in the AFP data")
    out = []
    for page in pages:
        env = _environment(page, res)
        w = int(round(env.width / env.upi_x * dpi))
        h = int(round(env.height / env.upi_y * dpi))
        image = Image.new("RGB", (w, h), "white")
        _render_container(Canvas(image, dpi), page, res, 0.0, 0.0)
        out.append(image)
    return out


def barcodes(data) -> list:
    """Per page, the bar code symbols: Barcode(type, modifier, data, x mm, y mm, text)."""
    root = parse_tree(data)
    res = _collect_resources(root)
    out = []
    mm = 25.4

    def visit(container, ox, oy, acc, depth=0):
        env = _environment(container, res)
        for obj in container.children:
            if obj.name == "BBC":
                area = _oeg_area(obj, env, mm, ox, oy)
                desc, symbols = _bcoca_parse(obj)
                for d, x, y, payload, text, opts, flags in symbols:
                    acc.append(Barcode(d["type"], d["mod"], payload,
                                       area.x + x / d["upi"][0] * mm,
                                       area.y + y / d["upi"][1] * mm, text))
            elif obj.name == "IPO" and depth < 8:
                d = obj.data
                ovl = res.overlays.get(_ebcdic(d[:8]))
                if ovl is not None:
                    visit(ovl, ox + _s(d[8:11]) / env.upi_x * mm,
                          oy + _s(d[11:14]) / env.upi_y * mm, acc, depth + 1)

    for page in _pages(root):
        acc: list = []
        visit(page, 0.0, 0.0, acc)
        out.append(acc)
    return out


def page_sizes(data) -> list:
    """Per page, (width, height) in inches from its PGD."""
    root = parse_tree(data)
    res = _collect_resources(root)
    out = []
    for page in _pages(root):
        env = _environment(page, res)
        out.append((env.width / env.upi_x, env.height / env.upi_y))
    return out


def image_resources(data) -> dict:
    """The IOCA image resources of the file: {name: (RGB picture, (hres, vres) ppi)}."""
    root = parse_tree(data)
    res = _collect_resources(root)
    return {name: decode_image(node) for name, node in res.images.items()}
