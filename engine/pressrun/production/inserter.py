"""Inserter profiles and the marks they read on every sheet: OMR tracks or a 2D
DataMatrix payload. The job driver loads a profile once and asks for the marks
of a whole stream at a time, so everything per sheet is numpy.

    scheme = load_inserter("generic-omr")
    masks = omr_tracks(scheme, sheet=..., sheets=..., sequence=..., feeds=..., divert=...)
    strings = track_strings(masks, len(scheme.tracks))   # for the native mark drawer
"""
from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Union

import numpy as np

from ..errors import ProfileError
from ..template import _shown, load_yaml_with_lines
from .checks import checked as _checked, choice as _choice, fail as _fail, known_keys as _known_keys, \
    length as _length, required as _required

__all__ = ["OmrScheme", "MatrixScheme", "Inserter", "load_inserter", "omr_tracks", "track_strings",
           "matrix_payloads", "read_omr", "SHIPPED_DIR", "shipped_inserters"]

FORMAT_VERSION = 1
SHIPPED_DIR = Path(__file__).with_name("inserters")

KINDS = ("omr", "datamatrix")
SIDES = ("front",)  # duplex marks (on the back too) are not supported yet
PARITIES = ("even", "odd")
SEQUENCE_UNITS = ("sheet", "piece")
SHAPES = ("square", "rectangle")

FEED_TRACKS = tuple(f"feed{n}" for n in range(1, 9))
SEQUENCE_TRACKS = ("seq1", "seq2", "seq4", "seq8")  # bit 0 first
TRACK_NAMES = ("benchmark", "safety", "boc", "eoc", *FEED_TRACKS, "divert", *SEQUENCE_TRACKS,
               "parity", "blank")
MAX_TRACKS = 32  # the masks are uint32

_TOP_KEYS = ("pressrun_inserter", "name", "kind", "side", "omr", "datamatrix")
_OMR_KEYS = ("x", "y", "mark", "pitch", "clear_margin", "parity", "sequence_per", "tracks")
_MARK_KEYS = ("length", "thickness")
_MATRIX_KEYS = ("x", "y", "module", "shape", "payload", "quiet_zone_modules")

_DEFAULT_PITCH = "12pt"  # 1/6 in, the pitch nearly every OMR reader expects
_DEFAULT_CLEAR_MARGIN = "3mm"
_DEFAULT_MODULE = "0.5mm"
_DEFAULT_QUIET_MODULES = 2  # ECC200 asks for 1; 2 tolerates print drift

# ECC200 data codewords by symbol size (rows, columns), smallest first.
SQUARE_CAPACITY = tuple(((side, side), cap) for side, cap in (
    (10, 3), (12, 5), (14, 8), (16, 12), (18, 18), (20, 22), (22, 30), (24, 36), (26, 44), (32, 62),
    (36, 86), (40, 114), (44, 144), (48, 174), (52, 204), (64, 280), (72, 368), (80, 456), (88, 576),
    (96, 696), (104, 816), (120, 1050), (132, 1304), (144, 1558)))
RECTANGLE_CAPACITY = (((8, 18), 5), ((8, 32), 10), ((12, 26), 16), ((12, 36), 22), ((16, 36), 32),
                      ((16, 48), 49))

# Payload fields: the ones always written as digits, and the widest each may be.
_NUMBER_FIELDS = ("piece_id", "sheet", "sheets", "sequence")
_PAYLOAD_FIELDS = ("job_id", *_NUMBER_FIELDS, "feeds", "divert")
_MAX_NUMBER_WIDTH = 18  # 10**18 still fits int64
_MAX_FEED_STATIONS = 16  # feeds arrive as uint16 at most
_MAX_TEXT_WIDTH = 256


@dataclass(frozen=True)
class OmrScheme:
    """Where the OMR marks go and what each track means; all lengths in points,
    y measured down from the page's top edge."""
    name: str
    x_pt: float
    y_pt: float
    length_pt: float
    thickness_pt: float
    pitch_pt: float
    clear_zone_pt: tuple[float, float, float, float]  # x, y, width, height
    tracks: tuple[str, ...]  # from the top
    parity: str  # "even" | "odd"; "none" only when there is no parity track
    sequence_per: str  # "sheet" | "piece": what the driver's sequence counter counts
    side: str  # "front"

    @property
    def sequence_bits(self) -> int:
        return sum(name in self.tracks for name in SEQUENCE_TRACKS)

    def track_top_pt(self, index: int) -> float:
        return self.y_pt + index * self.pitch_pt


@dataclass(frozen=True)
class MatrixScheme:
    """One DataMatrix per sheet; the payload template has fixed-width fields, so
    the largest symbol (and so the clear zone) is known when the profile loads."""
    name: str
    x_pt: float
    y_pt: float
    module_pt: float
    shape: str  # "square" | "rectangle"
    payload: str
    clear_zone_pt: tuple[float, float, float, float]  # x, y, width, height
    side: str

    @property
    def payload_length(self) -> int:
        return sum(part.width for part in _payload_parts(self.payload))


Inserter = Union[OmrScheme, MatrixScheme]


# --------------------------------------------------------------------------- loading

def shipped_inserters() -> list[str]:
    """The names load_inserter takes without a path."""
    return sorted(path.stem for path in SHIPPED_DIR.glob("*.yaml"))


def load_inserter(spec: Any, base_dir: Path | None = None) -> Inserter:
    """A shipped profile by name, a YAML file (relative to base_dir), or an inline
    dict of the same schema. Errors from a file carry its path and line."""
    if isinstance(spec, Mapping):
        return _checked(lambda: _inserter_from_data(spec, default_name=None), "inserter (inline)", {})
    if not isinstance(spec, (str, os.PathLike)):
        raise ProfileError(f"inserter: expected a shipped name ({', '.join(shipped_inserters())}), "
                           f"a YAML file or a mapping, got {_shown(spec)}")
    path = _resolve(spec, base_dir)
    data, lines = load_yaml_with_lines(path, ProfileError, "inserter")
    return _checked(lambda: _inserter_from_data(data, default_name=path.stem), str(path), lines)


def _resolve(spec: str | os.PathLike, base_dir: Path | None) -> Path:
    text = os.fspath(spec)
    looks_like_path = isinstance(spec, os.PathLike) or any(c in text for c in "/\\") \
        or text.endswith((".yaml", ".yml"))
    if not looks_like_path:
        path = SHIPPED_DIR / f"{text}.yaml"
        if not path.is_file():
            raise ProfileError(f"inserter {text!r}: no shipped profile of that name; shipped: "
                               f"{', '.join(shipped_inserters())} (or give a path to a YAML file)")
        return path
    path = Path(text)
    return path if path.is_absolute() or base_dir is None else Path(base_dir) / path


def _inserter_from_data(data: Any, default_name: str | None) -> Inserter:
    top = _known_keys(data, (), _TOP_KEYS, "an inserter profile")
    version = _required(top, (), "pressrun_inserter", f"the format version: write `pressrun_inserter: "
                                                      f"{FORMAT_VERSION}`")
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise _fail(("pressrun_inserter",), f"unsupported inserter format version {_shown(version)}; "
                                            f"this pressrun reads version {FORMAT_VERSION}")
    name = top.get("name", default_name)
    if not isinstance(name, str) or not name.strip():
        raise _fail(("name",), f"expected the profile's name (text), got {_shown(name)}")
    kind = _choice(_required(top, (), "kind", "omr or datamatrix"), ("kind",), KINDS)
    side = _choice(top.get("side", "front"), ("side",), SIDES)
    other = "datamatrix" if kind == "omr" else "omr"
    if other in top:
        raise _fail((other,), f"a '{other}' section does not belong in a profile of kind: {kind}")
    section = _required(top, (), kind, f"the {kind} settings")
    if kind == "omr":
        return _omr_from_data(section, name, side)
    return _matrix_from_data(section, name, side)


def _omr_from_data(section: Any, name: str, side: str) -> OmrScheme:
    path = ("omr",)
    omr = _known_keys(section, path, _OMR_KEYS, "the OMR settings")
    x = _length(_required(omr, path, "x", "left edge of the marks"), path + ("x",))
    y = _length(_required(omr, path, "y", "top of the first mark"), path + ("y",))
    mark = _known_keys(_required(omr, path, "mark", "{length: ..., thickness: ...}"), path + ("mark",),
                       _MARK_KEYS, "{length: ..., thickness: ...}")
    length = _length(_required(mark, path + ("mark",), "length", "e.g. 8mm"), path + ("mark", "length"),
                     positive=True)
    thickness = _length(_required(mark, path + ("mark",), "thickness", "e.g. 0.4mm"),
                        path + ("mark", "thickness"), positive=True)
    pitch = _length(omr.get("pitch", _DEFAULT_PITCH), path + ("pitch",), positive=True)
    if pitch <= thickness:
        raise _fail(path + ("pitch",), f"must be more than the mark thickness ({thickness:g}pt) so that "
                                       f"marks stay apart, got {_shown(omr.get('pitch', _DEFAULT_PITCH))}")
    margin = _length(omr.get("clear_margin", _DEFAULT_CLEAR_MARGIN), path + ("clear_margin",))
    tracks = _tracks(_required(omr, path, "tracks", "track names from the top"), path + ("tracks",))
    if "parity" in tracks:
        parity = _choice(omr.get("parity", "even"), path + ("parity",), PARITIES)
    elif "parity" in omr:
        raise _fail(path + ("parity",), "needs a 'parity' track in tracks")
    else:
        parity = "none"
    sequence_per = _choice(omr.get("sequence_per", "sheet"), path + ("sequence_per",), SEQUENCE_UNITS)
    height = (len(tracks) - 1) * pitch + thickness
    left, top = max(0.0, x - margin), max(0.0, y - margin)
    clear_zone = (left, top, x + length + margin - left, y + height + margin - top)
    return OmrScheme(name=name, x_pt=x, y_pt=y, length_pt=length, thickness_pt=thickness, pitch_pt=pitch,
                     clear_zone_pt=clear_zone, tracks=tracks, parity=parity, sequence_per=sequence_per,
                     side=side)


def _tracks(value: Any, path: tuple) -> tuple[str, ...]:
    """Known names, each once ('blank' spacers may repeat), benchmark first,
    safety last, sequence bits contiguous from seq1."""
    if not isinstance(value, (list, tuple)) or not value:
        raise _fail(path, f"expected a list of track names from the top, got {_shown(value)}")
    if len(value) > MAX_TRACKS:
        raise _fail(path, f"at most {MAX_TRACKS} tracks, got {len(value)}")
    seen: set[str] = set()
    for i, track in enumerate(value):
        if track not in TRACK_NAMES:
            raise _fail(path + (i,), f"unknown track {_shown(track)}; known tracks: {', '.join(TRACK_NAMES)}")
        if track in seen and track != "blank":
            raise _fail(path + (i,), f"track '{track}' is listed twice")
        seen.add(track)
    if "benchmark" in seen and value[0] != "benchmark":
        raise _fail(path + (value.index("benchmark"),), "benchmark must be the first track (the reader "
                                                        "starts timing at it)")
    if "safety" in seen and value[-1] != "safety":
        raise _fail(path + (value.index("safety"),), "safety must be the last track (it closes the read "
                                                     "window)")
    bits = [bit for bit in SEQUENCE_TRACKS if bit in seen]
    if bits != list(SEQUENCE_TRACKS[:len(bits)]):
        missing = next(bit for bit in SEQUENCE_TRACKS if bit not in seen)
        raise _fail(path + (value.index(bits[-1]),), f"sequence tracks must run from seq1 without gaps: "
                                                     f"{', '.join(bits)} lacks {missing}")
    return tuple(value)


def _matrix_from_data(section: Any, name: str, side: str) -> MatrixScheme:
    path = ("datamatrix",)
    matrix = _known_keys(section, path, _MATRIX_KEYS, "the DataMatrix settings")
    x = _length(_required(matrix, path, "x", "left edge of the symbol"), path + ("x",))
    y = _length(_required(matrix, path, "y", "top edge of the symbol"), path + ("y",))
    module = _length(matrix.get("module", _DEFAULT_MODULE), path + ("module",), positive=True)
    shape = _choice(matrix.get("shape", "square"), path + ("shape",), SHAPES)
    payload = _required(matrix, path, "payload", "a template such as '{job_id:6}{piece_id:8}'")
    if not isinstance(payload, str) or not payload:
        raise _fail(path + ("payload",), f"expected a payload template (text), got {_shown(payload)}")
    try:
        parts = _payload_parts(payload)
    except ValueError as exc:
        raise _fail(path + ("payload",), str(exc)) from None
    quiet = matrix.get("quiet_zone_modules", _DEFAULT_QUIET_MODULES)
    if not isinstance(quiet, int) or isinstance(quiet, bool) or quiet < 1:
        raise _fail(path + ("quiet_zone_modules",), f"expected a whole number of modules, at least 1, "
                                                    f"got {_shown(quiet)}")
    codewords = _worst_case_codewords(parts)
    sizes = SQUARE_CAPACITY if shape == "square" else RECTANGLE_CAPACITY
    fitting = [size for size, capacity in sizes if capacity >= codewords]
    if not fitting:
        (rows, cols), capacity = sizes[-1]
        raise _fail(path + ("payload",), f"may need {codewords} codewords, more than the largest {shape} "
                                         f"DataMatrix ({rows}x{cols}) holds ({capacity})")
    rows, cols = fitting[0]
    quiet_pt = quiet * module
    left, top = max(0.0, x - quiet_pt), max(0.0, y - quiet_pt)  # the page edge is quiet enough
    clear_zone = (left, top, x + cols * module + quiet_pt - left, y + rows * module + quiet_pt - top)
    return MatrixScheme(name=name, x_pt=x, y_pt=y, module_pt=module, shape=shape, payload=payload,
                        clear_zone_pt=clear_zone, side=side)


# --------------------------------------------------------------------------- payload templates

@dataclass(frozen=True)
class _PayloadPart:
    field: str | None  # None: literal text
    width: int
    text: str = ""  # the literal


_PART = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]|[^{}]+")
_FIELD = re.compile(r"\s*([A-Za-z_]\w*)\s*:\s*(\d+)\s*\Z")


@functools.lru_cache(maxsize=64)
def _payload_parts(template: str) -> tuple[_PayloadPart, ...]:
    """'{job_id:6}-{piece_id:8}' -> fields and literals; '{{' and '}}' are braces."""
    parts: list[_PayloadPart] = []
    for match in _PART.finditer(template):
        token = match.group(0)
        if token in ("{{", "}}"):
            parts.append(_PayloadPart(None, 1, token[0]))
        elif token in ("{", "}"):
            raise ValueError(f"unmatched '{token}' at character {match.start() + 1}; write '{token * 2}' "
                             f"for a literal brace")
        elif match.group(1) is not None:
            parts.append(_payload_field(match.group(1)))
        else:
            if not all(32 <= ord(c) < 127 for c in token):
                raise ValueError(f"literal text {token!r} must be printable ASCII (one codeword per "
                                 "character)")
            parts.append(_PayloadPart(None, len(token), token))
    return tuple(parts)


def _payload_field(spec: str) -> _PayloadPart:
    match = _FIELD.match(spec)
    if not match:
        raise ValueError(f"field {{{spec}}} must be {{name:width}} with a fixed width, e.g. {{piece_id:8}}")
    name, width = match.group(1), int(match.group(2))
    if name not in _PAYLOAD_FIELDS:
        raise ValueError(f"unknown field {name!r}; fields: {', '.join(_PAYLOAD_FIELDS)}")
    limit = {"divert": 1, "feeds": _MAX_FEED_STATIONS, "job_id": _MAX_TEXT_WIDTH}.get(name, _MAX_NUMBER_WIDTH)
    if name == "divert" and width != 1:
        raise ValueError(f"field {{divert:{width}}}: divert is one character ('0' or '1'), write {{divert:1}}")
    if not 1 <= width <= limit:
        raise ValueError(f"field {{{name}:{width}}}: width must be 1 to {limit}")
    return _PayloadPart(name, width)


def _worst_case_codewords(parts: tuple[_PayloadPart, ...]) -> int:
    """ASCII-encodation codewords of the longest the payload can get: digit pairs
    take one codeword, anything else one each; job_id is assumed not digits
    (a digit there can only shorten it). The encoder never does worse than ASCII."""
    pattern = "".join(part.text if part.field is None else ("x" if part.field == "job_id" else "0") * part.width
                      for part in parts)
    runs = re.findall(r"\d+|\D", pattern)
    return sum((len(run) + 1) // 2 if run[0].isdigit() else 1 for run in runs)


# --------------------------------------------------------------------------- per-sheet input

def _columns(**arrays: Any) -> dict[str, np.ndarray]:
    """1-D integer (or bool) arrays, all of one length."""
    out = {name: np.asarray(values) for name, values in arrays.items()}
    lengths = {name: array.shape for name, array in out.items()}
    if any(len(shape) != 1 for shape in lengths.values()) or len(set(lengths.values())) != 1:
        raise ValueError(f"per-sheet arrays must be 1-D and of one length, got shapes {lengths}")
    for name, array in out.items():
        if array.dtype.kind not in "iub":
            raise ValueError(f"{name} must hold integers, got dtype {array.dtype}")
    return out


def _first(condition: np.ndarray) -> int | None:
    hits = np.flatnonzero(condition)
    return int(hits[0]) if hits.size else None


def _check_pieces(sheet: np.ndarray, sheets: np.ndarray) -> None:
    """1 <= sheet <= sheets, and consecutive entries either continue the piece or
    start a new one after its last sheet: a broken run would mis-collate."""
    if (i := _first((sheet < 1) | (sheet > sheets))) is not None:
        raise ValueError(f"sheet index {i}: sheet {int(sheet[i])} of {int(sheets[i])} is out of range")
    continues = (sheet[1:] == sheet[:-1] + 1) & (sheets[1:] == sheets[:-1])
    starts = (sheet[1:] == 1) & (sheet[:-1] == sheets[:-1])
    if (i := _first(~(continues | starts))) is not None:
        raise ValueError(f"sheet index {i + 1}: sheet {int(sheet[i + 1])} of {int(sheets[i + 1])} does not "
                         f"follow sheet {int(sheet[i])} of {int(sheets[i])}")


# --------------------------------------------------------------------------- OMR

def omr_tracks(scheme: OmrScheme, *, sheet: np.ndarray, sheets: np.ndarray, sequence: np.ndarray,
               feeds: np.ndarray, divert: np.ndarray) -> np.ndarray:
    """Per sheet in print order: a uint32 mask, bit i set = a mark on track i.
    sequence is the driver's counter in the unit of scheme.sequence_per (taken
    modulo 2**bits); feeds (bit 0 = station 1) and divert act on the piece's last
    sheet, where the inserter has collated the whole piece."""
    c = _columns(sheet=sheet, sheets=sheets, sequence=sequence, feeds=feeds, divert=divert)
    sheet, sheets = c["sheet"].astype(np.int64), c["sheets"].astype(np.int64)
    sequence, feeds, divert = c["sequence"].astype(np.int64), c["feeds"].astype(np.int64), c["divert"] != 0
    _check_pieces(sheet, sheets)
    first, last = sheet == 1, sheet == sheets
    _check_omr_requests(scheme, sheet, sequence, feeds, divert, last)
    counter = sequence & ((1 << scheme.sequence_bits) - 1)
    mask = np.zeros(sheet.shape, dtype=np.uint32)
    marks = np.zeros(sheet.shape, dtype=np.uint8)
    parity_bit = None
    for bit, track in enumerate(scheme.tracks):
        if track == "parity":
            parity_bit = bit
            continue
        on = _track_on(track, first, last, feeds, divert, counter)
        if on is None:
            continue
        mask |= on.astype(np.uint32) << np.uint32(bit)
        marks += on
    if parity_bit is not None:
        on = (marks & 1) == (1 if scheme.parity == "even" else 0)
        mask |= on.astype(np.uint32) << np.uint32(parity_bit)
    return mask


def _track_on(track: str, first: np.ndarray, last: np.ndarray, feeds: np.ndarray, divert: np.ndarray,
              counter: np.ndarray) -> np.ndarray | None:
    if track in ("benchmark", "safety"):
        return np.ones(first.shape, dtype=bool)
    if track == "boc":
        return first
    if track == "eoc":
        return last
    if track in FEED_TRACKS:
        return last & ((feeds >> FEED_TRACKS.index(track)) & 1 == 1)
    if track == "divert":
        return last & divert
    if track in SEQUENCE_TRACKS:
        return (counter >> SEQUENCE_TRACKS.index(track)) & 1 == 1
    return None  # blank


def _check_omr_requests(scheme: OmrScheme, sheet: np.ndarray, sequence: np.ndarray, feeds: np.ndarray,
                        divert: np.ndarray, last: np.ndarray) -> None:
    """A piece asking for a station or a divert the profile has no track for would
    go out without its insert: refuse. A counter in the wrong unit is a driver bug."""
    stations = [n for n, track in enumerate(FEED_TRACKS, start=1) if track in scheme.tracks]
    allowed = sum(1 << (n - 1) for n in stations)
    if (i := _first(feeds < 0)) is not None:
        raise ValueError(f"sheet index {i}: feeds must be a bitmask (0 or more), got {int(feeds[i])}")
    if (i := _first(last & ((feeds & ~allowed) != 0))) is not None:
        wanted = [n for n in range(1, 65) if (int(feeds[i]) >> (n - 1)) & 1 and n not in stations]
        raise ProfileError(f"inserter '{scheme.name}': sheet index {i}: the piece asks for feed station(s) "
                           f"{', '.join(map(str, wanted))}, which have no track (feed tracks: "
                           f"{', '.join(f'feed{n}' for n in stations) or 'none'})")
    if "divert" not in scheme.tracks and (i := _first(last & divert)) is not None:
        raise ProfileError(f"inserter '{scheme.name}': sheet index {i}: the piece is to be diverted, but the "
                           "profile has no divert track")
    if (i := _first(sequence < 0)) is not None:
        raise ValueError(f"sheet index {i}: sequence must be 0 or more, got {int(sequence[i])}")
    if scheme.sequence_bits:
        step = (sequence[1:] - sequence[:-1]) & ((1 << scheme.sequence_bits) - 1)
        expected = 1 if scheme.sequence_per == "sheet" else 0
        if (i := _first((sheet[1:] != 1) & (step != expected))) is not None:
            raise ValueError(f"sheet index {i + 1}: sequence {int(sequence[i + 1])} after {int(sequence[i])} "
                             f"within a piece; with sequence_per: {scheme.sequence_per} it "
                             f"{'counts sheets' if expected else 'stays the same within a piece'}")


def track_strings(mask: np.ndarray, track_count: int) -> list[str]:
    """'1011...' per sheet, track 0 first: the native mark drawer's input."""
    mask = np.asarray(mask, dtype=np.uint32)
    if not 0 < track_count <= MAX_TRACKS:
        raise ValueError(f"track_count must be 1 to {MAX_TRACKS}, got {track_count}")
    if mask.size == 0:
        return []
    shifts = np.arange(track_count, dtype=np.uint32)
    chars = (((mask[:, None] >> shifts) & 1) + ord("0")).astype(np.uint8)
    return _rows_as_strings(chars)


def _rows_as_strings(chars: np.ndarray) -> list[str]:
    """An (n, width) uint8 array of ASCII -> n Python strings, without a Python loop per row."""
    width = chars.shape[1]
    return np.ascontiguousarray(chars).view(f"S{width}").ravel().astype(f"U{width}").tolist()


def read_omr(scheme: OmrScheme, mark_tops_pt: list[float]) -> dict[str, bool]:
    """The reader's view, for tests: mark tops found on a page -> which tracks are
    on. A mark more than pitch/4 off the track grid is a ValueError."""
    on = {track: False for track in scheme.tracks}
    seen: set[int] = set()
    tolerance = scheme.pitch_pt / 4
    for top in mark_tops_pt:
        index = round((top - scheme.y_pt) / scheme.pitch_pt)
        if not 0 <= index < len(scheme.tracks) or abs(top - scheme.track_top_pt(index)) > tolerance:
            raise ValueError(f"a mark at y={top:g}pt is not on the track grid of inserter '{scheme.name}' "
                             f"(tracks from {scheme.y_pt:g}pt every {scheme.pitch_pt:g}pt)")
        if index in seen:
            raise ValueError(f"two marks at y={top:g}pt on track {index} ({scheme.tracks[index]})")
        seen.add(index)
        on[scheme.tracks[index]] = True
    return on


# --------------------------------------------------------------------------- DataMatrix

def matrix_payloads(scheme: MatrixScheme, *, job_id: str, piece_id: np.ndarray, sheet: np.ndarray,
                    sheets: np.ndarray, feeds: np.ndarray, divert: np.ndarray,
                    sequence: np.ndarray | None = None) -> list[str]:
    """The payload of each sheet's symbol. job_id must be exactly its field's width
    (padding would change the job the scanner sees); numbers are zero-padded and
    one too wide for its field is a ProfileError naming the piece."""
    arrays = dict(piece_id=piece_id, sheet=sheet, sheets=sheets, feeds=feeds, divert=divert)
    parts = _payload_parts(scheme.payload)
    if sequence is None and any(part.field == "sequence" for part in parts):
        raise ProfileError(f"inserter '{scheme.name}': the payload has {{sequence:..}} but no sequence was given")
    if sequence is not None:
        arrays["sequence"] = sequence
    c = {name: array.astype(np.int64) for name, array in _columns(**arrays).items()}
    _check_pieces(c["sheet"], c["sheets"])
    n = c["sheet"].size
    chars = np.empty((n, sum(part.width for part in parts)), dtype=np.uint8)
    offset = 0
    for part in parts:
        target = chars[:, offset:offset + part.width]
        if part.field is None:
            target[:] = np.frombuffer(part.text.encode("ascii"), dtype=np.uint8)
        elif part.field == "job_id":
            target[:] = np.frombuffer(_job_id_bytes(scheme, job_id, part.width), dtype=np.uint8)
        elif part.field in ("feeds", "divert"):
            bits = c[part.field] if part.field == "feeds" else (c["divert"] != 0).astype(np.int64)
            _check_fits(scheme, part, bits, bits >> part.width != 0, c["piece_id"])
            for k in range(part.width):
                target[:, k] = ((bits >> k) & 1) + ord("0")
        else:
            values = c[part.field]
            if part.field == "sequence":
                values = values % 10 ** part.width
            _check_fits(scheme, part, values, (values < 0) | (values >= 10 ** part.width), c["piece_id"])
            for k in range(part.width):
                target[:, part.width - 1 - k] = (values // 10 ** k) % 10 + ord("0")
        offset += part.width
    return _rows_as_strings(chars) if n else []


def _job_id_bytes(scheme: MatrixScheme, job_id: str, width: int) -> bytes:
    if not isinstance(job_id, str) or len(job_id) != width or not all(32 <= ord(ch) < 127 for ch in job_id):
        raise ProfileError(f"inserter '{scheme.name}': job_id {_shown(job_id)} must be exactly {width} "
                           f"printable ASCII characters to fill {{job_id:{width}}} (it is not padded)")
    return job_id.encode("ascii")


def _check_fits(scheme: MatrixScheme, part: _PayloadPart, values: np.ndarray, bad: np.ndarray,
                piece_id: np.ndarray) -> None:
    if (i := _first(bad)) is not None:
        raise ProfileError(f"inserter '{scheme.name}': piece {int(piece_id[i])}: {part.field} "
                           f"{int(values[i])} does not fit {{{part.field}:{part.width}}}")
