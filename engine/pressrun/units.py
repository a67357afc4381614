"""Lengths, page sizes and colours as templates write them, in PDF terms.

Every parser raises ValueError with a message meant for the template author;
the template loader adds the file, line and key path.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

POINTS_PER_UNIT = {"pt": 1.0, "mm": 72.0 / 25.4, "cm": 72.0 / 2.54, "in": 72.0}

# ISO 216 sizes are defined in millimetres; US sizes in inches.
PAGE_SIZES: dict[str, tuple[float, float]] = {
    "A3": (297 * POINTS_PER_UNIT["mm"], 420 * POINTS_PER_UNIT["mm"]),
    "A4": (210 * POINTS_PER_UNIT["mm"], 297 * POINTS_PER_UNIT["mm"]),
    "A5": (148 * POINTS_PER_UNIT["mm"], 210 * POINTS_PER_UNIT["mm"]),
    "Letter": (8.5 * 72.0, 11 * 72.0),
    "Legal": (8.5 * 72.0, 14 * 72.0),
}

_LENGTH = re.compile(r"^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(pt|mm|cm|in)?\s*$", re.IGNORECASE)
_HEX_COLOR = re.compile(r"^#([0-9a-fA-F]{6})$")
_LENGTH_HINT = "expected a length such as '10pt' or '3.5mm'"
_COLOR_HINT = "expected a colour: '#rrggbb', [r, g, b], {gray: g}, {cmyk: [c, m, y, k]}, black or white"


@dataclass(frozen=True)
class Color:
    """A colour in a PDF device space; components run from 0 to 1."""
    space: str  # 'gray' | 'rgb' | 'cmyk'
    components: tuple[float, ...]

    def __post_init__(self) -> None:
        expected = {"gray": 1, "rgb": 3, "cmyk": 4}.get(self.space)
        if expected is None:
            raise ValueError(f"colour space must be gray, rgb or cmyk, got {self.space!r}")
        components = tuple(float(c) for c in self.components)
        if len(components) != expected:
            raise ValueError(f"a {self.space} colour has {expected} components, got {len(components)}")
        if not all(0.0 <= c <= 1.0 for c in components):
            raise ValueError(f"colour components must lie between 0 and 1, got {list(self.components)}")
        object.__setattr__(self, "components", components)


BLACK = Color("gray", (0.0,))
WHITE = Color("gray", (1.0,))
_NAMED_COLORS = {"black": BLACK, "white": WHITE}


def _shown(value: Any) -> str:
    return "null" if value is None else repr(value)


def _is_number(value: Any) -> bool:
    # bool is an int in Python, but `size: true` is a mistake, not 1pt.
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def parse_length(value: Any) -> float:
    """'10pt', '3.5mm', '2cm', '1in' or a bare number (points) -> points."""
    if _is_number(value):
        points = float(value)
    elif isinstance(value, str) and (match := _LENGTH.match(value)):
        points = float(match.group(1)) * POINTS_PER_UNIT[(match.group(2) or "pt").lower()]
    else:
        raise ValueError(f"{_LENGTH_HINT}, got {_shown(value)}")
    if not math.isfinite(points):
        raise ValueError(f"{_LENGTH_HINT}, got {_shown(value)}")
    return points


def page_size(value: Any) -> tuple[float, float]:
    """A size name (A3, A4, A5, Letter, Legal; any case) or [width, height] -> points."""
    if isinstance(value, str):
        for name, size in PAGE_SIZES.items():
            if name.lower() == value.strip().lower():
                return size
        raise ValueError(f"unknown page size {value!r}; expected one of {', '.join(PAGE_SIZES)} "
                         "or [width, height]")
    if isinstance(value, (list, tuple)) and len(value) == 2:
        width, height = parse_length(value[0]), parse_length(value[1])
        if width <= 0 or height <= 0:
            raise ValueError(f"page width and height must be positive, got {list(value)}")
        return width, height
    raise ValueError(f"expected a page size name ({', '.join(PAGE_SIZES)}) or [width, height], "
                     f"got {_shown(value)}")


def _unit_components(values: Any, count: int) -> tuple[float, ...]:
    if not isinstance(values, (list, tuple)) or len(values) != count or not all(map(_is_number, values)):
        raise ValueError(f"{_COLOR_HINT}, got {_shown(values)}")
    if not all(0 <= v <= 1 for v in values):
        raise ValueError(f"colour components must lie between 0 and 1, got {list(values)}")
    return tuple(float(v) for v in values)


def parse_color(value: Any) -> Color:
    """Any colour notation of the template format -> Color."""
    if isinstance(value, Color):
        return value
    if isinstance(value, str):
        if (named := _NAMED_COLORS.get(value.strip().lower())) is not None:
            return named
        if match := _HEX_COLOR.match(value.strip()):
            digits = match.group(1)
            return Color("rgb", tuple(int(digits[i:i + 2], 16) / 255.0 for i in (0, 2, 4)))
        raise ValueError(f"{_COLOR_HINT}, got {value!r}")
    if isinstance(value, (list, tuple)):
        return Color("rgb", _unit_components(value, 3))
    if isinstance(value, dict) and len(value) == 1:
        (space, components), = value.items()
        if space == "gray":
            return Color("gray", _unit_components([components], 1))
        if space == "cmyk":
            return Color("cmyk", _unit_components(components, 4))
    raise ValueError(f"{_COLOR_HINT}, got {_shown(value)}")
