"""Finding fonts by family name, and checking font files before the core reads them.

The registry scans the usual font directories once, reading only each file's
'name' and 'OS/2' tables, and keeps the result in memory.
"""
from __future__ import annotations

import difflib
import functools
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from fontTools.ttLib import TTFont

from .errors import FontError

FACES = ("regular", "bold", "italic", "bold_italic")
FONT_SUFFIXES = (".ttf", ".otf", ".ttc")
SYSTEM_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts")
_FACE_TARGET = {"regular": (400, False), "bold": (700, False),
                "italic": (400, True), "bold_italic": (700, True)}
_BOLD_WEIGHT = 600  # weights from here up count as bold faces
_NORMAL_WIDTH = 5   # OS/2 usWidthClass of a face that is neither condensed nor expanded


@dataclass(frozen=True)
class FontFace:
    """What the scan learnt about one font file."""
    path: Path
    families: tuple[str, ...]  # typographic family first, then the legacy one if it differs
    subfamily: str
    weight: int
    width: int
    italic: bool
    priority: int  # order of the search directory; lower wins


def _open(path: Path) -> TTFont:
    # Only the first face of a collection: the native core reads face 0.
    return TTFont(str(path), lazy=True, fontNumber=0 if path.suffix.lower() == ".ttc" else -1)


def _read_face(path: Path, priority: int) -> FontFace:
    font = _open(path)
    try:
        names = font["name"]
        families = []
        for name in (names.getBestFamilyName(), names.getDebugName(1)):
            if name and name not in families:
                families.append(name)
        if not families:
            raise ValueError("no family name")
        subfamily = names.getBestSubFamilyName() or "Regular"
        lowered = subfamily.lower()
        if "OS/2" in font:
            os2 = font["OS/2"]
            weight, width = int(os2.usWeightClass), int(os2.usWidthClass)
            # fsSelection bit 0 is ITALIC, bit 9 is OBLIQUE.
            italic = bool(os2.fsSelection & 0x201)
        else:
            weight, width, italic = (700 if "bold" in lowered else 400), _NORMAL_WIDTH, False
        italic = italic or "italic" in lowered or "oblique" in lowered
        return FontFace(path, tuple(families), subfamily, weight, width, italic, priority)
    finally:
        font.close()


def _normalized(family: str) -> str:
    return " ".join(family.split()).casefold()


def _default_search_dirs() -> list[Path]:
    # PRESSRUN_FONT_PATH comes first so that a job's own fonts win over system ones.
    env = [d for d in os.environ.get("PRESSRUN_FONT_PATH", "").split(os.pathsep) if d]
    return [Path(d).expanduser() for d in (*env, *SYSTEM_FONT_DIRS)]


class FontRegistry:
    """Font families found on this machine, by case-insensitive family name."""

    def __init__(self, search_dirs: Iterable[str | os.PathLike] | None = None) -> None:
        self.search_dirs = ([Path(d).expanduser() for d in search_dirs]
                            if search_dirs is not None else _default_search_dirs())
        self._lock = threading.Lock()
        self._by_family: dict[str, list[FontFace]] | None = None
        self._display_names: dict[str, str] = {}

    def _font_files(self) -> Iterable[tuple[Path, int]]:
        seen: set[Path] = set()
        for priority, directory in enumerate(self.search_dirs):
            if not directory.is_dir():
                continue
            for root, dirs, files in os.walk(directory, followlinks=True):
                real = Path(root).resolve()
                if real in seen:  # a symlink loop or a directory listed twice
                    dirs[:] = []
                    continue
                seen.add(real)
                dirs.sort()
                for name in sorted(files):
                    if name.lower().endswith(FONT_SUFFIXES):
                        yield Path(root) / name, priority

    def _index(self) -> dict[str, list[FontFace]]:
        with self._lock:
            if self._by_family is None:
                by_family: dict[str, list[FontFace]] = {}
                for path, priority in self._font_files():
                    try:
                        face = _read_face(path, priority)
                    except Exception:  # not the user's font: a broken system file is skipped
                        continue
                    for family in face.families:
                        key = _normalized(family)
                        self._display_names.setdefault(key, family)
                        by_family.setdefault(key, []).append(face)
                self._by_family = by_family
            return self._by_family

    def families(self) -> list[str]:
        """Every family name found, sorted."""
        index = self._index()
        return sorted((self._display_names[key] for key in index), key=str.casefold)

    def faces(self, family: str) -> dict[str, Path]:
        """The faces (regular, bold, italic, bold_italic) the family has -> font file."""
        candidates = self._index().get(_normalized(family))
        if not candidates:
            raise FontError(self._missing_family_message(family))
        found = {}
        for face in FACES:
            best = _best_face(candidates, face)
            if best is not None:
                found[face] = best.path
        return found

    def find(self, family: str, face: str = "regular") -> Path:
        """The font file of one face of a family; FontError if there is none."""
        if face not in FACES:
            raise FontError(f"unknown font face {face!r}; expected one of {', '.join(FACES)}")
        faces = self.faces(family)
        if face not in faces:
            raise FontError(f"font family '{family}' has no {face} face "
                            f"(it has: {', '.join(faces) or 'none usable'})")
        return faces[face]

    def _missing_family_message(self, family: str) -> str:
        names = {key: self._display_names[key] for key in self._index()}
        close = difflib.get_close_matches(_normalized(family), names, n=3, cutoff=0.6)
        message = f"no font family '{family}' found"
        if close:
            message += f"; close names: {', '.join(names[c] for c in close)}"
        dirs = ", ".join(str(d) for d in self.search_dirs)
        return message + f" (searched {dirs}; add directories with PRESSRUN_FONT_PATH)"


def _best_face(candidates: list[FontFace], face: str) -> FontFace | None:
    """The candidate closest to the face's weight and slant; never a light face for bold."""
    target_weight, italic = _FACE_TARGET[face]
    wants_bold = target_weight >= _BOLD_WEIGHT
    matching = [c for c in candidates
                if c.italic == italic and (c.weight >= _BOLD_WEIGHT) == wants_bold]
    if not matching:
        return None
    return min(matching, key=lambda c: (abs(c.weight - target_weight), abs(c.width - _NORMAL_WIDTH),
                                        c.priority, str(c.path)))


@functools.lru_cache(maxsize=1)
def default_registry() -> FontRegistry:
    """The registry of this process, scanned on first use."""
    return FontRegistry()


def font_info(path: str | os.PathLike) -> dict:
    """is_cff, postscript_name, num_glyphs, family and subfamily of a font file."""
    path = Path(path)
    try:
        font = _open(path)
        try:
            names = font["name"] if "name" in font else None
            return {
                "path": path,
                "is_cff": "CFF " in font,
                "postscript_name": names.getDebugName(6) if names else None,
                "num_glyphs": font["maxp"].numGlyphs,
                "family": names.getBestFamilyName() if names else None,
                "subfamily": names.getBestSubFamilyName() if names else None,
            }
        finally:
            font.close()
    except Exception as exc:
        raise FontError(f"{path}: cannot read font: {exc}") from exc


def validate_font_file(path: str | os.PathLike) -> None:
    """FontError naming the file unless the native core can load the font.

    The core's own parser is the check (it bounds-checks every table it
    reads), so a template names a broken font when it loads, and the job does
    not pay for a second, slower parse in Python.
    """
    from . import _native

    path = Path(path)
    if not path.is_file():
        raise FontError(f"{path}: font file not found")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FontError(f"{path}: cannot read font file: {exc.strerror or exc}") from exc
    try:
        font = _native.Font(data, 0, None)
    except FontError as exc:
        raise FontError(f"{path}: broken or truncated font: {exc}") from exc
    info = font.info
    if not info["is_cff"] and info["glyph_count"] == 0:
        raise FontError(f"{path}: the font has no glyphs")
