"""The template model (frozen dataclasses) and its YAML loader.

A Template is checked whenever it is built, from YAML or from Python: every
error names the key path (`styles.body.size`), and, from a file, the file and
line. See docs/templates.md for the format.
"""
from __future__ import annotations

import dataclasses
import difflib
import functools
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Iterable, Mapping, Union

import yaml

from .errors import FontError, ImageError, PressrunError, TemplateError
from .fonts import FACES, FontRegistry, default_registry, validate_font_file
from .images import read_image_size
from . import locales
from .units import BLACK, Color, page_size, parse_color, parse_length

FORMAT_VERSION = 1
ALIGNS = ("left", "right", "center", "justify")
OVERFLOWS = ("error", "shrink", "truncate")
DATE_DIRECTIVES = set("YymdeBbAaHMS%")
DATE_UNPADDED = set("ymdeHMS")  # %-m: without a leading zero
_EPSILON_PT = 0.01  # rounding slack for "inside the page" checks
_MM = 72.0 / 25.4

KeyPath = tuple[Union[str, int], ...]


# --------------------------------------------------------------------------- model

@dataclass(frozen=True)
class Page:
    width_pt: float
    height_pt: float
    margins: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # top, right, bottom, left


@dataclass(frozen=True)
class FontFamily:
    """A font key of the template; `files` maps a face to its font file."""
    name: str
    family: str | None = None
    files: Mapping[str, Path] = field(default_factory=dict)


@dataclass(frozen=True)
class Style:
    name: str
    font: str  # a key of Template.fonts
    face: str = "regular"
    size_pt: float = 10.0
    leading_pt: float | None = None  # None: 1.2 x size
    color: Color = BLACK
    fallback: tuple[str, ...] = ()  # font keys tried in order for missing glyphs
    kerning: bool = True

    def __post_init__(self) -> None:
        if self.leading_pt is None and _is_number(self.size_pt):
            object.__setattr__(self, "leading_pt", 1.2 * self.size_pt)
        object.__setattr__(self, "fallback", tuple(self.fallback))


@dataclass(frozen=True)
class ImageSpec:
    name: str
    path: Path


@dataclass(frozen=True)
class FormatSpec:
    """How a field value becomes text: a number format or a date format, given
    by its parts (decimals, thousands, ...) or by a CLDR locale (locale, style,
    currency; docs/templates.md "Formats by locale"), per record with
    locale_from (a column) and locales (the locales it may hold)."""
    decimals: int | None = None
    thousands: str = ""
    decimal: str = "."
    prefix: str = ""
    suffix: str = ""
    date: str | None = None  # strftime subset, or with a locale: short | medium | long | full
    locale: str | None = None
    style: str | None = None  # decimal | currency | accounting | percent
    currency: str | None = None  # ISO 4217 code, or "{column}" with `currencies`
    currencies: tuple[str, ...] = ()
    symbol: str | None = None  # standard | code | the symbol itself
    grouping: bool | None = None  # false: no group separators
    locale_from: str | None = None  # a column holding each record's locale
    locales: tuple[str, ...] = ()
    unknown_locale: str = "error"  # or "default": a locale not listed takes `locale`

    def __post_init__(self) -> None:
        for name in ("currencies", "locales"):
            value = getattr(self, name)
            if isinstance(value, list):
                object.__setattr__(self, name, tuple(value))


@dataclass(frozen=True)
class FieldSpec:
    name: str
    required: bool = True
    format: FormatSpec | None = None


@dataclass(frozen=True)
class Run:
    """Literal text or one field, in one style (None: the style of its block)."""
    style: str | None = None
    text: str | None = None
    field: str | None = None


@dataclass(frozen=True)
class TextBlock:
    """`text:` (one line, wrap=False) or `paragraph:` (wrap=True).

    Inside a frame's flow the frame places the block: x, y, width and height
    are not used.
    """
    runs: tuple[Run, ...]
    x_pt: float = 0.0
    y_pt: float = 0.0
    width_pt: float | None = None
    height_pt: float | None = None
    align: str = "left"
    wrap: bool = True
    overflow: str = "error"
    min_size_pt: float | None = None
    skip_empty_lines: bool = False
    space_before_pt: float = 0.0
    space_after_pt: float = 0.0
    style: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "runs", tuple(self.runs))


@dataclass(frozen=True)
class Line:
    x1_pt: float
    y1_pt: float
    x2_pt: float
    y2_pt: float
    width_pt: float = 0.5
    color: Color = BLACK


@dataclass(frozen=True)
class Rect:
    x_pt: float
    y_pt: float
    width_pt: float
    height_pt: float
    stroke: Color | None = BLACK
    fill: Color | None = None
    width_pt_stroke: float = 0.5  # the line width of the stroke


@dataclass(frozen=True)
class ImageElement:
    """An image placed by its top-left corner; an omitted side keeps the aspect ratio."""
    image: str
    x_pt: float
    y_pt: float
    width_pt: float | None = None
    height_pt: float | None = None


@dataclass(frozen=True)
class Frame:
    x_pt: float
    y_pt: float
    width_pt: float
    height_pt: float
    flow: tuple[TextBlock, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "flow", tuple(self.flow))


BARCODE_SYMBOLOGIES = ("qr", "datamatrix", "code128", "gs1-128")
QR_LEVELS = ("L", "M", "Q", "H")
DATAMATRIX_SHAPES = ("square", "rectangle", "any")


@dataclass(frozen=True)
class Barcode:
    """A barcode whose data is literal text and record fields, formatted like
    a text element's runs; (x, y) is its top-left corner, without the quiet
    zone (keep that clear). module_pt: a 2D symbol's module side, a 1D
    symbol's narrow bar; height_pt: a 1D symbol's bar height (required for
    code128 and gs1-128 only); level: QR only (None: M); shape: DataMatrix
    only (None: square). gs1-128 data in the human-readable form
    "(01)...(10)..." is made raw by gs1_raw_runs."""
    symbology: str
    runs: tuple[Run, ...]
    x_pt: float
    y_pt: float
    module_pt: float
    height_pt: float | None = None
    level: str | None = None
    shape: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "runs", tuple(self.runs))


Element = Union[TextBlock, Line, Rect, ImageElement, Frame, Barcode]

MASTERS = ("first", "next", "back")
PAGE_FIELDS = ("page", "pages")  # {page} and {pages}: the page's number, the document's count


@dataclass(frozen=True)
class PageMaster:
    """The fixed content of a kind of page and the frames the flow fills on it."""
    elements: tuple[Element, ...] = ()
    frames: tuple[tuple[float, float, float, float], ...] = ()  # x, y, width, height

    def __post_init__(self) -> None:
        object.__setattr__(self, "elements", tuple(self.elements))
        object.__setattr__(self, "frames", tuple(tuple(f) for f in self.frames))


@dataclass(frozen=True)
class TableColumn:
    """One column: its header text, its cell (fields of the table's rows, e.g.
    `{amount}`), its footer (fields of the record, e.g. `{closing_balance}`)."""
    width_pt: float
    header: tuple[Run, ...] = ()
    cell: tuple[Run, ...] = ()
    footer: tuple[Run, ...] = ()
    align: str = "left"
    wrap: bool = True
    share: float = 0.0  # > 0: a proportional column (`2fr`): shares what fixed columns leave

    def __post_init__(self) -> None:
        for name in ("header", "cell", "footer"):
            object.__setattr__(self, name, tuple(getattr(self, name)))


@dataclass(frozen=True)
class Table:
    """A table with one row per item of the list<struct> field `rows`.

    Item fields in cells are named `rows.child` once built (`{amount}` in a
    cell of a `transactions` table is `transactions.amount`)."""
    rows: str
    columns: tuple[TableColumn, ...]
    padding_pt: tuple[float, float, float, float] = (2.0, 4.0, 2.0, 4.0)  # top right bottom left
    zebra: Color | None = None
    header_rule_pt: float = 0.0
    header_rule: Color = BLACK
    footer_rule_pt: float = 0.0
    footer_rule: Color = BLACK
    empty: tuple[Run, ...] = ()             # shown instead of a table without rows
    carried_label: tuple[Run, ...] = ()     # last row of a page that continues
    brought_label: tuple[Run, ...] = ()     # first row after the header on the next
    carry_value: tuple[Run, ...] = ()       # read at the last row drawn
    carry_label_column: int = 0
    carry_value_column: int = 0
    row_rule_pt: float = 0.0                # a line between item rows
    row_rule: Color = BLACK
    group_by: str | None = None             # an item field ("rows.child")
    group_heading: tuple[Run, ...] = ()     # a row across the table where its value changes

    def __post_init__(self) -> None:
        for name in ("columns", "empty", "carried_label", "brought_label", "carry_value",
                     "group_heading"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        object.__setattr__(self, "padding_pt", tuple(self.padding_pt))


@dataclass(frozen=True)
class Spacer:
    height_pt: float


@dataclass(frozen=True)
class FlowImage:
    """An image in the flow, x from the frame's left edge; an omitted side
    keeps the aspect ratio."""
    image: str
    width_pt: float | None = None
    height_pt: float | None = None
    x_pt: float = 0.0


PAGE_CONDITIONS = ("all", "first", "last", "not_last", "not_first")


@dataclass(frozen=True)
class OnPages:
    """An element of a page master drawn only on some pages of a document
    ("Continued overleaf" on every page but the last)."""
    pages: str
    element: Element


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass(frozen=True)
class FlowItem:
    """A block, table, spacer or page break of the flow, shown only when the
    field `when` is true (or, with `equals`, when its text is that)."""
    content: Union[TextBlock, Table, Spacer, PageBreak, FlowImage]
    when: str | None = None
    equals: str | None = None
    keep_together: bool = False
    keep_with_next: bool = False
    orphans: int = 2
    widows: int = 2
    group: str | None = None  # consecutive items of one group start on the same page


@dataclass(frozen=True)
class Template:
    """A checked template. Building one resolves font families (when `files`
    is empty), makes relative paths absolute against base_dir, adds an
    implicit required FieldSpec for every field used but not declared, and
    fills omitted image sides from the image's aspect ratio."""
    name: str
    page: Page
    fonts: Mapping[str, FontFamily]
    styles: Mapping[str, Style]
    images: Mapping[str, ImageSpec] = field(default_factory=dict)
    fields: Mapping[str, FieldSpec] = field(default_factory=dict)
    elements: tuple[Element, ...] = ()
    base_dir: Path = Path(".")
    source: str = "<python>"
    masters: Mapping[str, PageMaster] = field(default_factory=dict)  # first, next, back
    flow: tuple[FlowItem, ...] = ()

    def __post_init__(self) -> None:
        try:
            _prepare(self)
        except PressrunError as exc:
            if not hasattr(exc, "key_path"):
                raise
            raise _relocated(exc, self.source, None) from exc.__cause__

    def validate(self) -> None:
        """Checks the template again (it was checked when built)."""
        self.__post_init__()


# --------------------------------------------------------------------------- errors

def _dotted(path: KeyPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _describe(source: str | None, line: int | None, path: KeyPath, detail: str) -> str:
    where = f"{source}:{line}" if source and line else source
    return ": ".join(part for part in (where, _dotted(path), detail) if part)


def _error(path: KeyPath, detail: str, kind: type[PressrunError] = TemplateError) -> PressrunError:
    """An error that remembers its key path, so that the loader can add the line."""
    exc = kind(_describe(None, None, path, detail))
    exc.key_path, exc.detail = path, detail
    return exc


def _relocated(exc: PressrunError, source: str, line: int | None) -> PressrunError:
    new = type(exc)(_describe(source, line, exc.key_path, exc.detail))
    new.key_path, new.detail = exc.key_path, exc.detail
    return new


def _shown(value: Any) -> str:
    return "null" if value is None else repr(value)


def _did_you_mean(word: Any, choices: Iterable[str]) -> str:
    choices = list(choices)
    close = difflib.get_close_matches(str(word), choices, n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    return f"; expected one of: {', '.join(choices)}" if choices else ""


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


# --------------------------------------------------------------------------- text runs

def parse_runs(text: str, style: str | None = None) -> tuple[Run, ...]:
    """'Dear {name},' -> literal and field runs; '{{' and '}}' are literal braces."""
    runs: list[Run] = []
    literal: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if text.startswith("{{", i) or text.startswith("}}", i):
            literal.append(char)
            i += 2
        elif char == "{":
            end = text.find("}", i + 1)
            name = text[i + 1:end] if end >= 0 else ""
            if end < 0 or "{" in name:
                raise ValueError(f"unmatched '{{' at character {i + 1} of {text!r} "
                                 "(write '{{' for a literal brace)")
            if not name.strip():
                raise ValueError(f"empty field name '{{}}' at character {i + 1} of {text!r}")
            if literal:
                runs.append(Run(style, text="".join(literal)))
                literal = []
            runs.append(Run(style, field=name))
            i = end + 1
        elif char == "}":
            raise ValueError(f"unmatched '}}' at character {i + 1} of {text!r} "
                             "(write '}}' for a literal brace)")
        else:
            literal.append(char)
            i += 1
    if literal:
        runs.append(Run(style, text="".join(literal)))
    return tuple(runs)


# --------------------------------------------------------------------------- GS1

GS = "\x1d"  # ASCII group separator: ends a variable-length GS1 element string (FNC1 in the symbol)
# The GS1 General Specifications' "predefined length" table (figure 5.10.1-2):
# element strings whose AI starts with these two digits have a fixed length
# and need no separator. Every other AI is variable-length.
GS1_FIXED_LENGTH_PREFIXES = frozenset(
    ("00", "01", "02", "03", "04", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20",
     "31", "32", "33", "34", "35", "36", "41"))
_GS1_AI = re.compile(r"\((\d{2,4})\)")


def gs1_raw_runs(runs: tuple[Run, ...]) -> tuple[Run, ...]:
    """GS1 data in the human-readable form, "(01)09312345678907(10){batch}",
    as the symbol's raw data: each AI's digits then its data, and a GS after
    the data of a variable-length AI unless it is the last element string.
    AIs in parentheses are literal text of the template (a field's value is
    data, whatever it holds). Data that does not start with "(" is taken as
    raw already (write GS as "\\x1d" in a double-quoted YAML string).
    ValueError for a "(" or ")" in the literal text that is not an AI."""
    if not runs or runs[0].text is None or not runs[0].text.startswith("("):
        return tuple(runs)
    out: list[Run] = []
    variable = False  # whether the element string being written is variable-length
    for run in runs:
        if run.text is None:
            out.append(run)
            continue
        text, pos, pieces = run.text, 0, []
        for match in _GS1_AI.finditer(text):
            pieces.append(text[pos:match.start()])
            if variable:
                pieces.append(GS)
            ai = match.group(1)
            pieces.append(ai)
            variable = ai[:2] not in GS1_FIXED_LENGTH_PREFIXES
            pos = match.end()
        pieces.append(text[pos:])
        literal = "".join(pieces)
        stray = next((c for c in literal if c in "()"), None)
        if stray is not None:
            raise ValueError(f"GS1 data in the form '(01)09312345678907(10)ABC': {stray!r} in "
                             f"{run.text!r} is not part of an AI of 2 to 4 digits in parentheses")
        if literal:
            out.append(dataclasses.replace(run, text=literal))
    return tuple(out)


# --------------------------------------------------------------------------- checks

def _prepare(t: Template) -> None:
    """Normalises the containers and paths of a Template, then checks it."""
    setattr_ = functools.partial(object.__setattr__, t)
    setattr_("base_dir", Path(t.base_dir))
    if not isinstance(t.page, Page):
        raise _error(("page",), f"expected a Page, got {type(t.page).__name__}")
    _check_page(t.page)
    setattr_("fonts", MappingProxyType({key: _prepared_family(key, family, t.base_dir)
                                        for key, family in _items(t.fonts, "fonts", FontFamily)}))
    setattr_("styles", MappingProxyType(dict(_items(t.styles, "styles", Style))))
    if not t.styles:
        raise _error(("styles",), "a template needs at least one style")
    setattr_("images", MappingProxyType({key: _prepared_image(key, spec, t.base_dir)
                                         for key, spec in _items(t.images, "images", ImageSpec)}))
    for key, style in t.styles.items():
        _check_style(key, style, t.fonts)
    image_sizes = {key: _image_size(key, spec) for key, spec in t.images.items()}
    elements = tuple(t.elements)
    setattr_("elements", tuple(_checked_element(("elements", i), element, t, image_sizes)
                               for i, element in enumerate(elements)))
    masters = dict(t.masters)
    for role, master in masters.items():
        if role not in MASTERS:
            raise _error(("pages", role), f"unknown page master{_did_you_mean(role, MASTERS)}; "
                                          f"expected {', '.join(MASTERS)}")
        if not isinstance(master, PageMaster):
            raise _error(("pages", role), f"expected a PageMaster, got {type(master).__name__}")
        masters[role] = dataclasses.replace(master, elements=tuple(
            _checked_element(("pages", role, "elements", i), element, t, image_sizes)
            for i, element in enumerate(master.elements)))
        for i, frame in enumerate(master.frames):
            x, y, w, h = frame
            _positive(("pages", role, "flow_frames", i), "width", w)
            _positive(("pages", role, "flow_frames", i), "height", h)
            _check_inside(("pages", role, "flow_frames", i), t.page, x, y, w, h)
    setattr_("masters", MappingProxyType(masters))
    frame_width = next(iter({f[2] for m in masters.values() for f in m.frames}), None)
    setattr_("flow", tuple(_prepared_flow_item(("flow", i), item, t, image_sizes, frame_width)
                           for i, item in enumerate(t.flow)))
    _check_flow(t)
    _check_barcode_fields(t)
    setattr_("fields", MappingProxyType(_all_fields(t.fields, all_runs(t))))


def _items(mapping: Any, key: str, kind: type) -> Iterable[tuple[str, Any]]:
    if not isinstance(mapping, Mapping):
        raise _error((key,), f"expected a mapping of names to {kind.__name__}, got {type(mapping).__name__}")
    for name, value in mapping.items():
        if not isinstance(value, kind):
            raise _error((key, name), f"expected a {kind.__name__}, got {type(value).__name__}")
        if value.name != name:
            raise _error((key, name), f"holds a {kind.__name__} named {value.name!r}")
        yield name, value


def _check_page(page: Page) -> None:
    if not (_is_number(page.width_pt) and _is_number(page.height_pt)
            and page.width_pt > 0 and page.height_pt > 0):
        raise _error(("page", "size"), f"page width and height must be positive, got "
                                       f"{page.width_pt} x {page.height_pt}")
    margins = tuple(page.margins)
    if len(margins) != 4 or not all(_is_number(m) and m >= 0 for m in margins):
        raise _error(("page", "margins"), f"expected four lengths of 0 or more, got {margins}")
    top, right, bottom, left = margins
    if top + bottom >= page.height_pt or left + right >= page.width_pt:
        raise _error(("page", "margins"), "the margins leave no room on the page")


def _prepared_family(key: str, family: FontFamily, base_dir: Path) -> FontFamily:
    files = dict(family.files)
    if family.family is not None and not files:
        files = _registry_faces(default_registry(), family.family, ("fonts", key, "family"))
    if not files:
        raise _error(("fonts", key), "a font needs a `family` or `files`")
    resolved = {}
    for face, path in files.items():
        if face not in FACES:
            raise _error(("fonts", key, "files", face), f"unknown face{_did_you_mean(face, FACES)}")
        path = _absolute(path, base_dir)
        if not path.is_file():
            raise _error(("fonts", key, "files", face), f"font file not found: {path}")
        try:
            _validate_font_cached(path, *_file_stamp(path))
        except FontError as exc:
            raise _error(("fonts", key, "files", face), str(exc), FontError) from exc
        resolved[face] = path
    return dataclasses.replace(family, files=MappingProxyType(resolved))


def _registry_faces(registry: FontRegistry, family: Any, path: KeyPath) -> dict[str, Path]:
    if not isinstance(family, str) or not family.strip():
        raise _error(path, f"expected a font family name, got {_shown(family)}")
    try:
        return registry.faces(family)
    except FontError as exc:
        raise _error(path, str(exc)) from exc


def _file_stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


@functools.lru_cache(maxsize=256)
def _validate_font_cached(path: Path, mtime_ns: int, size: int) -> None:
    # Keyed by modification time and size: a replaced file is checked again.
    validate_font_file(path)


def _absolute(path: Any, base_dir: Path) -> Path:
    path = Path(path).expanduser()
    return path if path.is_absolute() else (base_dir / path).absolute()


def _prepared_image(key: str, spec: ImageSpec, base_dir: Path) -> ImageSpec:
    path = _absolute(spec.path, base_dir)
    if not path.is_file():
        raise _error(("images", key, "file"), f"image file not found: {path}")
    return dataclasses.replace(spec, path=path)


def _image_size(key: str, spec: ImageSpec):
    try:
        return read_image_size(spec.path)
    except ImageError as exc:
        raise _error(("images", key, "file"), str(exc), ImageError) from exc


def _known(path: KeyPath, name: Any, known: Mapping[str, Any], what: str) -> None:
    if name not in known:
        raise _error(path, f"unknown {what} {_shown(name)}{_did_you_mean(name, known)}")


def _check_style(key: str, style: Style, fonts: Mapping[str, FontFamily]) -> None:
    path = ("styles", key)
    _known(path + ("font",), style.font, fonts, "font")
    if style.face not in FACES:
        raise _error(path + ("face",), f"unknown face {_shown(style.face)}{_did_you_mean(style.face, FACES)}")
    if style.face not in fonts[style.font].files:
        raise _error(path + ("face",), f"font '{style.font}' has no {style.face} face "
                                       f"(it has: {', '.join(fonts[style.font].files)})")
    for i, fallback in enumerate(style.fallback):
        _known(path + ("fallback", i), fallback, fonts, "font")
        if not {style.face, "regular"} & set(fonts[fallback].files):
            raise _error(path + ("fallback", i), f"font '{fallback}' has neither a {style.face} "
                                                 "nor a regular face")
    for name, value in (("size", style.size_pt), ("leading", style.leading_pt)):
        if not _is_number(value) or value <= 0:
            raise _error(path + (name,), f"must be a positive length, got {_shown(value)}")
    if not isinstance(style.color, Color):
        raise _error(path + ("color",), f"expected a Color, got {_shown(style.color)}")
    if not isinstance(style.kerning, bool):
        raise _error(path + ("kerning",), f"expected true or false, got {_shown(style.kerning)}")


def _element_runs(elements: Iterable[Element]) -> Iterable[Run]:
    for element in elements:
        if isinstance(element, OnPages):
            element = element.element
        blocks = element.flow if isinstance(element, Frame) else (element,)
        for block in blocks:
            yield from getattr(block, "runs", ())


def all_runs(t: Template) -> Iterable[Run]:
    """Every run of the template: elements, masters' elements, the flow."""
    yield from _element_runs(t.elements)
    for master in t.masters.values():
        yield from _element_runs(master.elements)
    for item in t.flow:
        if item.when is not None:
            yield Run(field=item.when)  # read by the condition, shown or not
        content = item.content
        if isinstance(content, TextBlock):
            yield from content.runs
        elif isinstance(content, Table):
            for column in content.columns:
                yield from column.header + column.cell + column.footer
            yield from content.empty + content.carried_label + content.brought_label
            yield from content.carry_value + content.group_heading
            if content.group_by is not None:
                yield Run(field=content.group_by)  # read for the group key, shown or not


def _all_fields(declared: Mapping[str, FieldSpec], runs: Iterable[Run]) -> dict[str, FieldSpec]:
    fields = dict(_items(declared, "fields", FieldSpec))
    for key, spec in fields.items():
        _check_field(key, spec)
    for run in runs:
        if run.field is not None and run.field not in fields and run.field not in PAGE_FIELDS:
            fields[run.field] = FieldSpec(run.field)
    return fields


def _prepared_flow_item(path: KeyPath, item: Any, t: Template, image_sizes: dict,
                        frame_width: float | None) -> Any:
    """Sizes flow images and gives proportional table columns their widths."""
    if not isinstance(item, FlowItem):
        return item
    content = item.content
    if isinstance(content, FlowImage):
        _known(path + ("image",), content.image, t.images, "image")
        sized = _sized_image(path, ImageElement(content.image, content.x_pt, 0.0, content.width_pt,
                                                content.height_pt), t, image_sizes)
        return dataclasses.replace(item, content=dataclasses.replace(
            content, width_pt=sized.width_pt, height_pt=sized.height_pt))
    if isinstance(content, Table) and any(c.share > 0 for c in content.columns
                                          if isinstance(c, TableColumn)):
        if frame_width is None:
            raise _error(path + ("table", "columns"), "proportional columns need flow frames")
        fixed = sum(c.width_pt for c in content.columns if c.share <= 0)
        shares = sum(c.share for c in content.columns if c.share > 0)
        room = frame_width - fixed
        if room <= 0:
            raise _error(path + ("table", "columns"), f"the fixed columns take {_mm(fixed)} of the "
                                                      f"frame's {_mm(frame_width)}: nothing is left "
                                                      "for the proportional ones")
        columns = tuple(dataclasses.replace(c, width_pt=room * c.share / shares, share=0.0)
                        if c.share > 0 else c for c in content.columns)
        return dataclasses.replace(item, content=dataclasses.replace(content, columns=columns))
    return item


def _check_flow(t: Template) -> None:
    if t.flow and ("first" not in t.masters or "next" not in t.masters):
        raise _error(("flow",), "a flow needs page masters `first` and `next` (under `pages:`) "
                                "with flow_frames to fill")
    for role in ("first", "next"):
        if t.flow and not t.masters[role].frames:
            raise _error(("pages", role, "flow_frames"), "the flow needs at least one flow frame here")
    widths = {frame[2] for master in t.masters.values() for frame in master.frames}
    if len(widths) > 1:
        raise _error(("pages",), "every flow frame must have the same width (the flow is laid "
                                 f"out once): got {', '.join(_mm(w) for w in sorted(widths))}")
    if t.masters and t.elements:
        raise _error(("elements",), "with `pages:`, put the elements under pages.first.elements")
    for i, item in enumerate(t.flow):
        path = ("flow", i)
        if not isinstance(item, FlowItem):
            raise _error(path, f"expected a FlowItem, got {type(item).__name__}")
        content = item.content
        if isinstance(content, TextBlock):
            _check_block(path, content, t, in_flow=True)
        elif isinstance(content, Table):
            _check_table(path + ("table",), content, t)
        elif isinstance(content, Spacer):
            _positive(path + ("space",), "space", content.height_pt)
        elif isinstance(content, FlowImage):
            pass  # sized and checked by _prepared_flow_item
        elif not isinstance(content, PageBreak):
            raise _error(path, f"unknown flow content {type(content).__name__}")
        for name in ("orphans", "widows"):
            value = getattr(item, name)
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 20:
                raise _error(path + (name,), f"expected a whole number from 1 to 20, got {_shown(value)}")
        if item.equals is not None and item.when is None:
            raise _error(path, "`equals` needs `when` (the field compared)")


def _check_table(path: KeyPath, table: Table, t: Template) -> None:
    if not table.columns:
        raise _error(path + ("columns",), "a table needs at least one column")
    width = 0.0
    for i, column in enumerate(table.columns):
        if not isinstance(column, TableColumn):
            raise _error(path + ("columns", i), f"expected a TableColumn, got {type(column).__name__}")
        _positive(path + ("columns", i, "width"), "width", column.width_pt)
        if column.align not in ("left", "right", "center"):
            raise _error(path + ("columns", i, "align"), f"unknown alignment {_shown(column.align)}")
        width += column.width_pt
        for run in column.cell:
            if run.field is not None and not run.field.startswith(table.rows + "."):
                raise _error(path + ("columns", i, "value"), f"cells show fields of the rows "
                                                            f"('{table.rows}.x'), got '{run.field}'")
        for run in column.header + column.footer:
            if run.field is not None and run.field.startswith(table.rows + "."):
                raise _error(path + ("columns", i), f"'{run.field}' is a field of the rows: only "
                                                    "cells can show it")
    frame_width = next(iter({f[2] for m in t.masters.values() for f in m.frames}), width)
    if width > frame_width + _EPSILON_PT:
        raise _error(path + ("columns",), f"the columns are {_mm(width)} wide, the flow frames "
                                          f"{_mm(frame_width)}")
    if len(table.padding_pt) != 4 or any(not _is_number(p) or p < 0 for p in table.padding_pt):
        raise _error(path + ("padding",), "expected 1, 2 or 4 lengths of 0 or more")
    if table.carry_value:
        for name in ("carry_label_column", "carry_value_column"):
            value = getattr(table, name)
            if not isinstance(value, int) or not 0 <= value < len(table.columns):
                raise _error(path + ("carried_forward",), f"{name} must name a column from 0 to "
                                                          f"{len(table.columns) - 1}, got {_shown(value)}")
    if (table.group_by is None) != (not table.group_heading):
        raise _error(path + ("group_by",), "group_by and group_heading go together")
    if table.group_by is not None and not table.group_by.startswith(table.rows + "."):
        raise _error(path + ("group_by",), f"expected a field of the rows, got '{table.group_by}'")
    for name in ("zebra", "header_rule", "footer_rule", "row_rule"):
        value = getattr(table, name)
        if value is not None and not isinstance(value, Color):
            raise _error(path + (name,), f"expected a Color, got {_shown(value)}")


# The native format spec holds these many bytes (with the terminating NUL).
_FORMAT_TEXT_BYTES = {"thousands": 8, "decimal": 8, "prefix": 16, "suffix": 16, "date": 64}


def _check_field(key: str, spec: FieldSpec) -> None:
    path = ("fields", key)
    if not key:
        raise _error(path, "a field needs a name")
    if not isinstance(spec.required, bool):
        raise _error(path + ("required",), f"expected true or false, got {_shown(spec.required)}")
    fmt = spec.format
    if fmt is None:
        return
    path += ("format",)
    if not isinstance(fmt, FormatSpec):
        raise _error(path, f"expected a FormatSpec, got {type(fmt).__name__}")
    if fmt.decimals is not None and (not isinstance(fmt.decimals, int) or isinstance(fmt.decimals, bool)
                                     or not 0 <= fmt.decimals <= 12):
        raise _error(path + ("decimals",), f"expected a whole number from 0 to 12, got {_shown(fmt.decimals)}")
    for name, limit in _FORMAT_TEXT_BYTES.items():
        value = getattr(fmt, name)
        if value is None and name == "date":
            continue
        if not isinstance(value, str):
            raise _error(path + (name,), f"expected text, got {_shown(value)}")
        if len(value.encode("utf-8")) >= limit:
            raise _error(path + (name,), f"{value!r} is longer than {limit - 1} bytes")
    if not fmt.decimal:
        raise _error(path + ("decimal",), "the decimal mark cannot be empty")
    if fmt.date is not None:
        numeric = [name for name in ("decimals", "thousands", "prefix", "suffix")
                   if getattr(fmt, name) not in (None, "")]
        if numeric or fmt.decimal != ".":
            raise _error(path + ("date",), "a date format cannot be combined with number options "
                                           f"({', '.join(numeric) or 'decimal'})")
        for flag, directive in re.findall(r"%(-?)(.?)", fmt.date):
            if directive not in (DATE_UNPADDED if flag else DATE_DIRECTIVES):
                raise _error(path + ("date",), f"unsupported directive '%{flag}{directive}'; supported: "
                                               + " ".join("%" + d for d in sorted(DATE_DIRECTIVES))
                                               + ", and " + " ".join("%-" + d for d in sorted(DATE_UNPADDED)))
    _check_locale_format(path, fmt)


_LOCALE_KEYS = ("locale", "style", "currency", "currencies", "symbol", "grouping", "locale_from",
                "locales", "unknown_locale")


def _check_locale_format(path: KeyPath, fmt: FormatSpec) -> None:
    """Options of formats by locale: Babel resolves them now, so that a bad
    locale or currency fails the template, naming its key."""
    defaults = FormatSpec()
    if not locales.is_locale_format(fmt):
        for name in _LOCALE_KEYS:
            if getattr(fmt, name) != getattr(defaults, name):
                raise _error(path + (name,), "needs `locale` (or `locale_from` with `locales`)")
        if fmt.date in locales.DATE_LENGTHS:
            raise _error(path + ("date",), f"the named date length '{fmt.date}' needs `locale`")
        return
    for name in ("thousands", "decimal", "prefix", "suffix"):
        if getattr(fmt, name) != getattr(defaults, name):
            raise _error(path + (name,), "cannot be combined with `locale`: the locale sets it")
    for name in ("locale", "style", "currency", "symbol", "locale_from", "unknown_locale"):
        value = getattr(fmt, name)
        if value is not None and not isinstance(value, str):
            raise _error(path + (name,), f"expected text, got {_shown(value)}")
    for name in ("currencies", "locales"):
        value = getattr(fmt, name)
        if not isinstance(value, tuple) or not all(isinstance(item, str) for item in value):
            raise _error(path + (name,), f"expected a list of codes, got {_shown(value)}")
    try:
        locales.field_formats(fmt)
    except locales.LocaleError as exc:
        raise _error(path + (exc.key,), str(exc)) from None


def _mm(points: float) -> str:
    return f"{points / _MM:.1f}mm"


def _check_inside(path: KeyPath, page: Page, x: float, y: float, w: float = 0.0, h: float = 0.0) -> None:
    for value in (x, y, w, h):
        if not _is_number(value):
            raise _error(path, f"expected finite lengths, got {_shown(value)}")
    if x < -_EPSILON_PT or y < -_EPSILON_PT:
        raise _error(path, f"starts outside the page (x {_mm(x)}, y {_mm(y)}); coordinates run "
                           "from the top-left corner")
    if x + w > page.width_pt + _EPSILON_PT or y + h > page.height_pt + _EPSILON_PT:
        raise _error(path, f"reaches off the page: it ends at x {_mm(x + w)}, y {_mm(y + h)} "
                           f"on a page of {_mm(page.width_pt)} x {_mm(page.height_pt)}")


def _positive(path: KeyPath, what: str, value: Any) -> None:
    if not _is_number(value) or value <= 0:
        shown = f"{value:g}pt ({_mm(value)})" if _is_number(value) else _shown(value)
        raise _error(path, f"the {what} must be positive, got {shown}")


def _checked_element(path: KeyPath, element: Any, t: Template, image_sizes: dict) -> Element:
    if isinstance(element, OnPages):
        if element.pages not in PAGE_CONDITIONS:
            raise _error(path + ("pages",), f"unknown page condition {_shown(element.pages)}"
                                            f"{_did_you_mean(element.pages, PAGE_CONDITIONS)}")
        if isinstance(element.element, (OnPages, Frame)):
            raise _error(path + ("pages",), "a page condition applies to a text, paragraph, "
                                            "line, rect, image or barcode")
        return dataclasses.replace(element, element=_checked_element(path, element.element, t,
                                                                     image_sizes))
    if isinstance(element, TextBlock):
        _check_block(path, element, t, in_flow=False)
    elif isinstance(element, Line):
        path += ("line",)
        _check_inside(path + ("from",), t.page, element.x1_pt, element.y1_pt)
        _check_inside(path + ("to",), t.page, element.x2_pt, element.y2_pt)
        _positive(path + ("width",), "line width", element.width_pt)
        if not isinstance(element.color, Color):
            raise _error(path + ("color",), f"expected a Color, got {_shown(element.color)}")
    elif isinstance(element, Rect):
        path += ("rect",)
        _positive(path + ("box",), "width", element.width_pt)
        _positive(path + ("box",), "height", element.height_pt)
        _check_inside(path + ("box",), t.page, element.x_pt, element.y_pt, element.width_pt, element.height_pt)
        for name in ("stroke", "fill"):
            if getattr(element, name) is not None and not isinstance(getattr(element, name), Color):
                raise _error(path + (name,), f"expected a Color or None, got {_shown(getattr(element, name))}")
        if element.stroke is None and element.fill is None:
            raise _error(path, "a rect needs a stroke, a fill or both")
        if element.stroke is not None:
            _positive(path + ("width",), "stroke width", element.width_pt_stroke)
    elif isinstance(element, ImageElement):
        element = _sized_image(path, element, t, image_sizes)
        _check_inside(path + ("at",), t.page, element.x_pt, element.y_pt, element.width_pt, element.height_pt)
    elif isinstance(element, Barcode):
        _check_barcode(path, element, t)
    elif isinstance(element, Frame):
        frame_path = path + ("frame",)
        _positive(frame_path + ("box",), "width", element.width_pt)
        _positive(frame_path + ("box",), "height", element.height_pt)
        _check_inside(frame_path + ("box",), t.page, element.x_pt, element.y_pt,
                      element.width_pt, element.height_pt)
        if not element.flow:
            raise _error(frame_path + ("flow",), "a frame needs at least one block in its flow")
        for i, block in enumerate(element.flow):
            if not isinstance(block, TextBlock):
                raise _error(frame_path + ("flow", i), f"a flow holds text blocks, got {type(block).__name__}")
            _check_block(frame_path + ("flow", i), block, t, in_flow=True)
    else:
        raise _error(path, f"unknown element {type(element).__name__}")
    return element


def _check_barcode(path: KeyPath, code: Barcode, t: Template) -> None:
    kind = code.symbology
    if kind not in BARCODE_SYMBOLOGIES:
        raise _error(path + ("barcode",), f"unknown symbology {_shown(kind)}"
                                          f"{_did_you_mean(kind, BARCODE_SYMBOLOGIES)}")
    if not code.runs:
        raise _error(path + ("data",), "the data is empty")
    for run in code.runs:
        if not isinstance(run, Run) or (run.text is None) == (run.field is None):
            raise _error(path + ("data",), f"a run needs exactly one of text and field, got {run!r}")
        if run.field in PAGE_FIELDS:
            raise _error(path + ("data",), f"{{{run.field}}} cannot be barcode data: a barcode "
                                           "reads fields of the record")
    raw = _parsed(gs1_raw_runs, code.runs, path + ("data",)) if kind == "gs1-128" else code.runs
    for run in raw:
        # Barcode data is read as text (native/inline_collect.c), which allows
        # GS (the GS1 separator) in barcode data and no other control character.
        bad = next((c for c in run.text or ""
                    if c != GS and c != "\n" and (c < " " or "\x7f" <= c < "\xa0")), None)
        if bad is not None:
            raise _error(path + ("data",), f"control character U+{ord(bad):04X} cannot be barcode "
                                           "data (GS, U+001D, is the one allowed: the GS1 separator)")
    _positive(path + ("module",), "module", code.module_pt)
    if kind in ("code128", "gs1-128"):
        if code.height_pt is None:
            raise _error(path, f"missing required key 'height' (the bar height of a {kind} symbol)")
        _positive(path + ("height",), "height", code.height_pt)
    elif code.height_pt is not None:
        raise _error(path + ("height",), f"applies to code128 and gs1-128 only: a {kind} symbol's "
                                         "size follows from its module and its data")
    for name, applies_to, choices in (("level", "qr", QR_LEVELS), ("shape", "datamatrix", DATAMATRIX_SHAPES)):
        value = getattr(code, name)
        if value is None:
            continue
        if kind != applies_to:
            raise _error(path + (name,), f"applies to {applies_to} only, not {kind}")
        if value not in choices:
            raise _error(path + (name,), f"unknown {applies_to} {name} {_shown(value)}; expected one "
                                         f"of: {', '.join(choices)}")
    _check_inside(path + ("at",), t.page, code.x_pt, code.y_pt)


def _check_barcode_fields(t: Template) -> None:
    """A barcode is drawn once per page from the record's fields: not from a
    table's list, nor from its rows' fields."""
    tables = {item.content.rows for item in t.flow if isinstance(item.content, Table)}
    placed = [(("elements", i), e) for i, e in enumerate(t.elements)]
    placed += [(("pages", role, "elements", i), e) for role, master in t.masters.items()
               for i, e in enumerate(master.elements)]
    for path, element in placed:
        if isinstance(element, OnPages):
            element = element.element
        if not isinstance(element, Barcode):
            continue
        for run in element.runs:
            if run.field is None:
                continue
            rows, _, child = run.field.partition(".")
            if run.field in tables or (child and rows in tables):
                raise _error(path + ("data",), f"'{run.field}' is a table field (the list "
                                               f"'{rows}' or its items): barcode data reads "
                                               "fields of the record only")


def _sized_image(path: KeyPath, element: ImageElement, t: Template, image_sizes: dict) -> ImageElement:
    _known(path + ("image",), element.image, t.images, "image")
    size = image_sizes[element.image]
    natural_w, natural_h = size.natural_size_pt()
    width, height = element.width_pt, element.height_pt
    if width is None and height is None:
        width, height = natural_w, natural_h
    elif width is None:
        _positive(path + ("size",), "height", height)
        width = height * natural_w / natural_h
    elif height is None:
        _positive(path + ("size",), "width", width)
        height = width * natural_h / natural_w
    _positive(path + ("size",), "width", width)
    _positive(path + ("size",), "height", height)
    return dataclasses.replace(element, width_pt=float(width), height_pt=float(height))


def _check_block(path: KeyPath, block: TextBlock, t: Template, in_flow: bool) -> None:
    kind = "paragraph" if block.wrap else "text"
    if not block.runs:
        raise _error(path + (kind,), "the text is empty")
    _known(path + ("style",), block.style, t.styles, "style")
    for run in block.runs:
        if not isinstance(run, Run) or (run.text is None) == (run.field is None):
            raise _error(path + (kind,), f"a run needs exactly one of text and field, got {run!r}")
        if run.style is not None:
            _known(path + (kind,), run.style, t.styles, "style")
    if block.align not in ALIGNS:
        raise _error(path + ("align",), f"unknown alignment {_shown(block.align)}{_did_you_mean(block.align, ALIGNS)}")
    if block.align == "justify" and not block.wrap:
        raise _error(path + ("align",), "justify applies to paragraphs, not to one-line text")
    if block.overflow not in OVERFLOWS:
        raise _error(path + ("overflow",), f"unknown overflow {_shown(block.overflow)}"
                                           f"{_did_you_mean(block.overflow, OVERFLOWS)}")
    if block.min_size_pt is not None:
        if block.overflow != "shrink":
            raise _error(path + ("min_size",), "min_size applies only with overflow: shrink")
        _positive(path + ("min_size",), "minimum size", block.min_size_pt)
    for name, value in (("space_before", block.space_before_pt), ("space_after", block.space_after_pt)):
        if not _is_number(value) or value < 0:
            raise _error(path + (name,), f"expected a length of 0 or more, got {_shown(value)}")
    if in_flow:
        return  # the frame places the block
    place = "box" if block.wrap else "at"
    if block.width_pt is not None:
        _positive(path + (place if block.wrap else "width",), "width", block.width_pt)
    elif block.wrap:
        raise _error(path + ("box",), "a paragraph needs a width: box: [x, y, width] or [x, y, width, height]")
    if block.height_pt is not None:
        _positive(path + (place,), "height", block.height_pt)
    _check_inside(path + (place,), t.page, block.x_pt, block.y_pt, block.width_pt or 0.0, block.height_pt or 0.0)
    bounded = block.height_pt is not None if block.wrap else block.width_pt is not None
    if block.overflow != "error" and not bounded:
        needs = "a box height" if block.wrap else "a width"
        raise _error(path + ("overflow",), f"overflow: {block.overflow} needs {needs} to fit into")


# --------------------------------------------------------------------------- from plain data

_TOP_KEYS = ("pressrun", "name", "page", "fonts", "styles", "images", "fields", "elements",
             "pages", "flow")
_STYLE_KEYS = ("based_on", "font", "face", "size", "leading", "color", "fallback", "kerning")
_FORMAT_KEYS = ("decimals", "thousands", "decimal", "prefix", "suffix", "date", "locale", "style",
                "currency", "currencies", "symbol", "grouping", "locale_from", "locales", "unknown_locale")
_FORMAT_LISTS = ("currencies", "locales")
_BLOCK_KEYS = ("style", "align", "overflow", "min_size", "space_before", "space_after")
_ELEMENT_KEYS = {
    "text": ("text", "at", "width") + _BLOCK_KEYS,
    "paragraph": ("paragraph", "box", "skip_empty_lines") + _BLOCK_KEYS,
    "image": ("image", "at", "size"),
    "line": ("line",),
    "rect": ("rect",),
    "frame": ("frame",),
    "barcode": ("barcode", "data", "at", "module", "height", "level", "shape"),
}
_FLOW_KEYS = {"text": ("text",) + _BLOCK_KEYS,
              "paragraph": ("paragraph", "skip_empty_lines") + _BLOCK_KEYS}
_FLOW_ITEM_KEYS = ("when", "equals", "keep_together", "keep_with_next", "orphans", "widows")
_DOC_FLOW_KEYS = {
    "text": ("text",) + _BLOCK_KEYS + _FLOW_ITEM_KEYS,
    "paragraph": ("paragraph", "skip_empty_lines") + _BLOCK_KEYS + _FLOW_ITEM_KEYS,
    "table": ("table",) + _FLOW_ITEM_KEYS,
    "space": ("space", "when", "equals"),
    "page_break": ("page_break", "when", "equals"),
    "choose": ("choose", "cases"),
    "image": ("image", "size", "x") + _FLOW_ITEM_KEYS,
    "group": ("group",),
}
_TABLE_KEYS = ("rows", "columns", "style", "header_style", "footer_style", "padding", "zebra",
               "header_rule", "footer_rule", "row_rule", "empty", "carried_forward",
               "brought_forward", "group_by", "group_heading", "group_style")
_COLUMN_KEYS = ("header", "value", "footer", "width", "align", "wrap")


def _mapping(value: Any, path: KeyPath, allowed: Iterable[str], required: Iterable[str] = ()) -> dict:
    if not isinstance(value, dict):
        raise _error(path, f"expected a mapping, got {_shown(value)}")
    allowed = tuple(allowed)
    for key in value:
        if key not in allowed:
            raise _error(path + (key,), f"unknown key{_did_you_mean(key, allowed)}")
    for key in required:
        if key not in value:
            raise _error(path, f"missing required key '{key}'")
    return value


def _named(value: Any, path: KeyPath) -> dict:
    """A mapping of names chosen by the author (styles, fonts, ...); null is empty."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _error(path, f"expected a mapping of names, got {_shown(value)}")
    for key in value:
        if not isinstance(key, str) or not key:
            raise _error(path + (key,), "names must be text")
    return value


def _parsed(parse: Callable[[Any], Any], value: Any, path: KeyPath) -> Any:
    try:
        return parse(value)
    except ValueError as exc:
        raise _error(path, str(exc)) from None


def _length(value: Any, path: KeyPath) -> float:
    return _parsed(parse_length, value, path)


def _text(value: Any, path: KeyPath) -> str:
    if not isinstance(value, str):
        raise _error(path, f"expected text, got {_shown(value)}")
    return value


def _bool(value: Any, path: KeyPath) -> bool:
    if not isinstance(value, bool):
        raise _error(path, f"expected true or false, got {_shown(value)}")
    return value


def _lengths(value: Any, path: KeyPath, counts: tuple[int, ...], what: str) -> list[float | None]:
    """A list of lengths such as [x, y] or a box; null stands for an omitted value."""
    if not isinstance(value, list) or len(value) not in counts:
        raise _error(path, f"expected {what}, got {_shown(value)}")
    return [None if item is None else _length(item, path + (i,)) for i, item in enumerate(value)]


def _point(value: Any, path: KeyPath) -> tuple[float, float]:
    x, y = _lengths(value, path, (2,), "[x, y]")
    if x is None or y is None:
        raise _error(path, f"expected [x, y], got {_shown(value)}")
    return x, y


def _box(value: Any, path: KeyPath, height_optional: bool) -> tuple[float, float, float, float | None]:
    what = "[x, y, width] or [x, y, width, height]" if height_optional else "[x, y, width, height]"
    parts = _lengths(value, path, (3, 4) if height_optional else (4,), what)
    if any(p is None for p in parts[:3]) or (not height_optional and parts[3] is None):
        raise _error(path, f"expected {what}, got {_shown(value)}")
    x, y, w, *rest = parts
    return x, y, w, (rest[0] if rest else None)


def template_from_dict(data: Any, source: str = "<dict>", base_dir: str | os.PathLike | None = None,
                       registry: FontRegistry | None = None, default_name: str = "template") -> Template:
    """Builds and checks a Template from plain data shaped like the YAML format.

    Relative file names are taken from base_dir (default: the current directory).
    """
    try:
        return _template_from_data(data, source, Path(base_dir) if base_dir is not None else Path.cwd(),
                                   registry or default_registry(), default_name)
    except PressrunError as exc:
        if not hasattr(exc, "key_path"):
            raise
        raise _relocated(exc, source, None) from exc.__cause__


def _template_from_data(data: Any, source: str, base_dir: Path, registry: FontRegistry,
                        default_name: str) -> Template:
    if not isinstance(data, dict):
        raise _error((), f"a template is a mapping of keys (pressrun, page, styles, ...), got {_shown(data)}")
    if "pressrun" not in data:
        raise _error((), f"missing required key 'pressrun' (the template format version: "
                         f"write `pressrun: {FORMAT_VERSION}`)")
    version = data["pressrun"]
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise _error(("pressrun",), f"unsupported template format version {_shown(version)}; "
                                    f"this pressrun reads version {FORMAT_VERSION}")
    top = _mapping(data, (), _TOP_KEYS, required=("page", "styles"))
    if "elements" not in top and "pages" not in top:
        raise _error((), "missing required key 'elements' (or `pages:` with page masters)")
    name = _text(top.get("name", default_name), ("name",))
    fonts = {key: _font_from_data(key, value, base_dir, registry)
             for key, value in _named(top.get("fonts"), ("fonts",)).items()}
    styles = _styles_from_data(top.get("styles") or {})
    if not styles:
        raise _error(("styles",), "a template needs at least one style")
    images = {}
    for key, value in _named(top.get("images"), ("images",)).items():
        spec = _mapping(value, ("images", key), ("file",), required=("file",))
        images[key] = ImageSpec(key, _absolute(_text(spec["file"], ("images", key, "file")), base_dir))
    fields = {key: _field_from_data(key, value)
              for key, value in _named(top.get("fields"), ("fields",)).items()}
    elements = _elements_from_data(top.get("elements", []), ("elements",), styles)
    masters = {role: _master_from_data(role, value, styles)
               for role, value in _named(top.get("pages"), ("pages",)).items()}
    flow_data = top.get("flow", [])
    if not isinstance(flow_data, list):
        raise _error(("flow",), f"expected a list of flow items, got {_shown(flow_data)}")
    flow: list[FlowItem] = []
    for i, value in enumerate(flow_data):
        flow += _flow_items_from_data(("flow", i), value, styles)
    return Template(name=name, page=_page_from_data(top["page"]), fonts=fonts, styles=styles,
                    images=images, fields=fields, elements=elements, base_dir=base_dir, source=source,
                    masters=masters, flow=tuple(flow))


def _elements_from_data(value: Any, path: KeyPath, styles: Mapping[str, Style]) -> tuple[Element, ...]:
    if not isinstance(value, list):
        raise _error(path, f"expected a list of elements, got {_shown(value)}")
    return tuple(_element_from_data(path + (i,), item, styles) for i, item in enumerate(value))


def _master_from_data(role: str, value: Any, styles: Mapping[str, Style]) -> PageMaster:
    path = ("pages", role)
    if role not in MASTERS:
        raise _error(path, f"unknown page master{_did_you_mean(role, MASTERS)}; expected "
                           f"{', '.join(MASTERS)}")
    data = _mapping(value if value is not None else {}, path, ("elements", "flow_frames"))
    elements = _elements_from_data(data.get("elements", []), path + ("elements",), styles)
    frames_data = data.get("flow_frames", [])
    if not isinstance(frames_data, list):
        raise _error(path + ("flow_frames",), f"expected a list of [x, y, width, height], got "
                                              f"{_shown(frames_data)}")
    frames = tuple(_box(box, path + ("flow_frames", i), height_optional=False)
                   for i, box in enumerate(frames_data))
    return PageMaster(elements, frames)


def _flow_items_from_data(path: KeyPath, value: Any, styles: Mapping[str, Style]) -> list[FlowItem]:
    kind = _element_kind(value, path, _DOC_FLOW_KEYS)
    data = _mapping(value, path, _DOC_FLOW_KEYS[kind])
    if kind == "group":
        # Kept on one page when they fit on one: the group moves whole, and
        # none of its items splits.
        members = data["group"]
        if not isinstance(members, list) or not members:
            raise _error(path + ("group",), "expected a list of flow items")
        items = [item for j, member in enumerate(members)
                 for item in _flow_items_from_data(path + ("group", j), member, styles)]
        label = _dotted(path)
        return [dataclasses.replace(item, keep_together=True, group=label) for item in items]
    if kind == "choose":
        # One of N: each case is shown when the field's text equals its key.
        field_name = _text(data["choose"], path + ("choose",))
        cases = _named(data.get("cases"), path + ("cases",))
        if not cases:
            raise _error(path + ("cases",), "choose needs cases: {value: [flow items], ...}")
        items: list[FlowItem] = []
        for case, case_items in cases.items():
            case_path = path + ("cases", case)
            if not isinstance(case_items, list):
                case_items = [case_items]
            for j, item in enumerate(case_items):
                for chosen in _flow_items_from_data(case_path + (j,), item, styles):
                    if chosen.when is not None:
                        raise _error(case_path + (j, "when"), "an item inside choose cannot have `when`")
                    items.append(dataclasses.replace(chosen, when=field_name, equals=str(case)))
        return items
    when = _text(data["when"], path + ("when",)) if "when" in data else None
    equals = _text(str(data["equals"]), path + ("equals",)) if "equals" in data else None
    options = dict(
        when=when, equals=equals,
        keep_together=_bool(data.get("keep_together", False), path + ("keep_together",)),
        keep_with_next=_bool(data.get("keep_with_next", False), path + ("keep_with_next",)),
        orphans=data.get("orphans", 2), widows=data.get("widows", 2),
    )
    default_style = next(iter(styles))
    if kind in ("text", "paragraph"):
        if "at" in data or "box" in data:
            raise _error(path, "blocks in the flow are placed by the flow; remove at/box")
        block = _block_from_data(path, data, kind, default_style, styles, in_flow=True)
        return [FlowItem(block, **options)]
    if kind == "space":
        return [FlowItem(Spacer(_length(data["space"], path + ("space",))), when=when, equals=equals)]
    if kind == "page_break":
        return [FlowItem(PageBreak(), when=when, equals=equals)]
    if kind == "image":
        width = height = None
        if data.get("size") is not None:
            sides = _lengths(data["size"], path + ("size",), (1, 2), "[width, height] (one may be null)")
            width, height = (sides + [None])[:2]
        image = FlowImage(_text(data["image"], path + ("image",)), width, height,
                          _length(data.get("x", 0), path + ("x",)))
        return [FlowItem(image, **options)]
    return [FlowItem(_table_from_data(path + ("table",), data["table"], styles), **options)]


def _cell_runs(value: Any, path: KeyPath, style: str, styles: Mapping[str, Style],
               rows: str | None) -> tuple[Run, ...]:
    """Runs of a cell; with `rows`, bare field names are fields of the rows."""
    if value is None:
        return ()
    runs = _runs_from_data(value, path, style, styles)
    if rows is None:
        return runs
    return tuple(dataclasses.replace(run, field=f"{rows}.{run.field}")
                 if run.field is not None and run.field not in PAGE_FIELDS
                 and not run.field.startswith(rows + ".") else run for run in runs)


def _table_from_data(path: KeyPath, value: Any, styles: Mapping[str, Style]) -> Table:
    data = _mapping(value, path, _TABLE_KEYS, required=("rows", "columns"))
    rows = _text(data["rows"], path + ("rows",))
    default_style = next(iter(styles))
    style = _text(data.get("style", default_style), path + ("style",))
    header_style = _text(data.get("header_style", style), path + ("header_style",))
    footer_style = _text(data.get("footer_style", style), path + ("footer_style",))
    for key, name in (("style", style), ("header_style", header_style), ("footer_style", footer_style)):
        _known(path + (key,), name, styles, "style")
    columns_data = data["columns"]
    if not isinstance(columns_data, list) or not columns_data:
        raise _error(path + ("columns",), f"expected a list of columns, got {_shown(columns_data)}")
    columns = []
    for i, column_value in enumerate(columns_data):
        cpath = path + ("columns", i)
        column = _mapping(column_value, cpath, _COLUMN_KEYS, required=("width",))
        width_value, share = column["width"], 0.0
        if isinstance(width_value, str) and width_value.strip().endswith("fr"):
            try:
                share = float(width_value.strip()[:-2] or 1)
            except ValueError:
                raise _error(cpath + ("width",), f"expected a length or a share such as '1fr', "
                                                 f"got {_shown(width_value)}") from None
            if not share > 0:
                raise _error(cpath + ("width",), f"a share must be positive, got {_shown(width_value)}")
        columns.append(TableColumn(
            width_pt=0.0 if share else _length(width_value, cpath + ("width",)), share=share,
            header=_cell_runs(column.get("header"), cpath + ("header",), header_style, styles, None),
            cell=_cell_runs(column.get("value"), cpath + ("value",), style, styles, rows),
            footer=_cell_runs(column.get("footer"), cpath + ("footer",), footer_style, styles, None),
            align=_text(column.get("align", "left"), cpath + ("align",)),
            wrap=_bool(column.get("wrap", True), cpath + ("wrap",)),
        ))
    padding_value = data.get("padding", ["2pt", "4pt"])
    if not isinstance(padding_value, list):
        padding_value = [padding_value]
    padding = _lengths(padding_value, path + ("padding",), (1, 2, 4),
                       "a length, [vertical, horizontal] or [top, right, bottom, left]")
    if len(padding) == 1:
        padding = padding * 4
    elif len(padding) == 2:
        padding = [padding[0], padding[1], padding[0], padding[1]]

    def rule(key: str) -> tuple[float, Color]:
        if key not in data:
            return 0.0, BLACK
        spec = _mapping(data[key], path + (key,), ("width", "color"))
        return (_length(spec.get("width", "0.5pt"), path + (key, "width")),
                _parsed(parse_color, spec.get("color", "black"), path + (key, "color")))

    header_rule_pt, header_rule = rule("header_rule")
    footer_rule_pt, footer_rule = rule("footer_rule")
    row_rule_pt, row_rule_color = rule("row_rule")
    group_by, group_heading = None, ()
    if data.get("group_by") is not None:
        group_by = _text(data["group_by"], path + ("group_by",))
        group_by = group_by if group_by.startswith(rows + ".") else f"{rows}.{group_by}"
        group_style = _text(data.get("group_style", header_style), path + ("group_style",))
        _known(path + ("group_style",), group_style, styles, "style")
        if data.get("group_heading") is None:
            raise _error(path + ("group_heading",), "group_by needs a group_heading, e.g. 'Card {card}'")
        group_heading = _cell_runs(data["group_heading"], path + ("group_heading",), group_style,
                                   styles, rows)
    zebra = _parsed(parse_color, data["zebra"], path + ("zebra",)) if data.get("zebra") is not None else None
    carried = brought = value_runs = ()
    label_column = value_column = 0
    if data.get("carried_forward") is not None:
        cpath = path + ("carried_forward",)
        carry = _mapping(data["carried_forward"], cpath,
                         ("label", "label_column", "value", "value_column", "style"),
                         required=("label", "value", "label_column", "value_column"))
        carry_style = _text(carry.get("style", style), cpath + ("style",))
        _known(cpath + ("style",), carry_style, styles, "style")
        carried = _cell_runs(carry["label"], cpath + ("label",), carry_style, styles, None)
        value_runs = _cell_runs(carry["value"], cpath + ("value",), carry_style, styles, rows)
        label_column, value_column = carry["label_column"], carry["value_column"]
        brought_value = data.get("brought_forward", "Brought forward")
        brought = _cell_runs(brought_value, path + ("brought_forward",), carry_style, styles, None)
    elif data.get("brought_forward") is not None:
        raise _error(path + ("brought_forward",), "brought_forward needs carried_forward "
                                                  "(its value and columns)")
    empty = _cell_runs(data.get("empty"), path + ("empty",), style, styles, None)
    return Table(rows=rows, columns=tuple(columns), padding_pt=tuple(padding), zebra=zebra,
                 header_rule_pt=header_rule_pt, header_rule=header_rule,
                 footer_rule_pt=footer_rule_pt, footer_rule=footer_rule, empty=empty,
                 carried_label=carried, brought_label=brought, carry_value=value_runs,
                 carry_label_column=label_column, carry_value_column=value_column,
                 row_rule_pt=row_rule_pt, row_rule=row_rule_color, group_by=group_by,
                 group_heading=group_heading)


def _page_from_data(value: Any) -> Page:
    page = _mapping(value, ("page",), ("size", "margins"), required=("size",))
    width, height = _parsed(page_size, page["size"], ("page", "size"))
    margins_value = page.get("margins", 0)
    if isinstance(margins_value, dict):
        sides = ("top", "right", "bottom", "left")
        margins = _mapping(margins_value, ("page", "margins"), sides)
        top, right, bottom, left = (_length(margins.get(side, 0), ("page", "margins", side)) for side in sides)
    else:
        top = right = bottom = left = _length(margins_value, ("page", "margins"))
    return Page(width, height, (top, right, bottom, left))


def _font_from_data(key: str, value: Any, base_dir: Path, registry: FontRegistry) -> FontFamily:
    path = ("fonts", key)
    spec = _mapping(value, path, ("family", "files"))
    if not spec:
        raise _error(path, "a font needs `family` (found by the font registry) or `files`")
    family = spec.get("family")
    files = {}
    if family is not None:
        files.update(_registry_faces(registry, family, path + ("family",)))
    for face, file in _mapping(spec.get("files") or {}, path + ("files",), FACES).items():
        files[face] = _absolute(_text(file, path + ("files", face)), base_dir)
    return FontFamily(key, family, files)


def _styles_from_data(data: Any) -> dict[str, Style]:
    """Styles with `based_on` resolved: a style's own keys win over its parent's."""
    raw = _named(data, ("styles",))
    merged: dict[str, dict[str, tuple[Any, KeyPath]]] = {}

    def resolve(name: str, chain: tuple[str, ...]) -> dict[str, tuple[Any, KeyPath]]:
        if name in merged:
            return merged[name]
        path = ("styles", name)
        own = _mapping(raw[name], path, _STYLE_KEYS)
        values: dict[str, tuple[Any, KeyPath]] = {}
        if "based_on" in own:
            parent = own["based_on"]
            if parent in chain + (name,):
                cycle = " -> ".join(chain[chain.index(parent):] + (name, parent)) if parent in chain \
                    else f"{name} -> {name}"
                raise _error(path + ("based_on",), f"styles based on each other in a cycle: {cycle}")
            _known(path + ("based_on",), parent, raw, "style")
            values.update(resolve(parent, chain + (name,)))
        values.update({k: (v, path + (k,)) for k, v in own.items() if k != "based_on"})
        merged[name] = values
        return values

    return {name: _style_from_values(name, resolve(name, ())) for name in raw}


def _style_from_values(name: str, values: dict[str, tuple[Any, KeyPath]]) -> Style:
    path = ("styles", name)
    for key in ("font", "size"):
        if key not in values:
            raise _error(path, f"missing required key '{key}' (set it here or in the style it is based on)")
    font = _text(*values["font"])
    face = _text(*values.get("face", ("regular", path)))
    size = _length(*values["size"])
    leading = _length(*values["leading"]) if "leading" in values else None
    color = _parsed(parse_color, *values["color"]) if "color" in values else BLACK
    fallback_value, fallback_path = values.get("fallback", ([], path))
    if isinstance(fallback_value, str):
        fallback_value = [fallback_value]
    if not isinstance(fallback_value, list):
        raise _error(fallback_path, f"expected a list of font names, got {_shown(fallback_value)}")
    fallback = tuple(_text(item, fallback_path + (i,)) for i, item in enumerate(fallback_value))
    kerning = _bool(*values.get("kerning", (True, path)))
    return Style(name, font, face, size, leading, color, fallback, kerning)


def _field_from_data(key: str, value: Any) -> FieldSpec:
    path = ("fields", key)
    spec = _mapping(value if value is not None else {}, path, ("required", "format"))
    required = _bool(spec.get("required", True), path + ("required",))
    fmt = None
    if spec.get("format") is not None:
        data = _mapping(spec["format"], path + ("format",), _FORMAT_KEYS)
        decimals = data.get("decimals")
        if decimals is not None and (not isinstance(decimals, int) or isinstance(decimals, bool)):
            raise _error(path + ("format", "decimals"), f"expected a whole number, got {_shown(decimals)}")
        texts = {k: _text(data[k], path + ("format", k)) for k in _FORMAT_KEYS[1:]
                 if k in data and k not in _FORMAT_LISTS and k != "grouping"}
        lists = {}
        for k in _FORMAT_LISTS:
            if k in data:
                items = data[k]
                if not isinstance(items, list) or not items:
                    raise _error(path + ("format", k), f"expected a list of codes, got {_shown(items)}")
                lists[k] = tuple(_text(item, path + ("format", k, i)) for i, item in enumerate(items))
        grouping = _bool(data["grouping"], path + ("format", "grouping")) if "grouping" in data else None
        fmt = FormatSpec(decimals=decimals, grouping=grouping, **texts, **lists)
    return FieldSpec(key, required, fmt)


def _runs_from_data(value: Any, path: KeyPath, style: str, styles: Mapping[str, Style]) -> tuple[Run, ...]:
    items = value if isinstance(value, list) else [value]
    runs: list[Run] = []
    for i, item in enumerate(items):
        item_path = path + (i,) if isinstance(value, list) else path
        if isinstance(item, dict):
            run = _mapping(item, item_path, ("text", "style"), required=("text",))
            text = _text(run["text"], item_path + ("text",))
            run_style = _text(run.get("style", style), item_path + ("style",))
            _known(item_path + ("style",), run_style, styles, "style")
            runs += _parsed(lambda t: parse_runs(t, run_style), text, item_path + ("text",))
        elif isinstance(item, str):
            runs += _parsed(lambda t: parse_runs(t, style), item, item_path)
        else:
            raise _error(item_path, f"expected text or a list of text and {{text, style}} runs, got {_shown(item)}")
    return tuple(runs)


def _element_kind(value: Any, path: KeyPath, kinds: Mapping[str, tuple[str, ...]]) -> str:
    if not isinstance(value, dict):
        raise _error(path, f"expected an element mapping such as {{text: ..., at: ...}}, got {_shown(value)}")
    present = [kind for kind in kinds if kind in value]
    if len(present) == 1:
        return present[0]
    if present:
        raise _error(path, f"one element per list item: found {', '.join(present)}")
    for key in value:
        close = difflib.get_close_matches(str(key), kinds, n=1, cutoff=0.6)
        if close:
            raise _error(path + (key,), f"unknown element kind; did you mean '{close[0]}'?")
    raise _error(path, f"an element needs one of: {', '.join(kinds)}")


def _element_from_data(path: KeyPath, value: Any, styles: Mapping[str, Style]) -> Element:
    if isinstance(value, dict) and "pages" in value:
        rest = {k: v for k, v in value.items() if k != "pages"}
        return OnPages(_text(value["pages"], path + ("pages",)),
                       _element_from_data(path, rest, styles))
    default_style = next(iter(styles))  # the first style declared
    kind = _element_kind(value, path, _ELEMENT_KEYS)
    data = _mapping(value, path, _ELEMENT_KEYS[kind])
    if kind in ("text", "paragraph"):
        return _block_from_data(path, data, kind, default_style, styles, in_flow=False)
    if kind == "barcode":
        return _barcode_from_data(path, data)
    if kind == "image":
        if "at" not in data:
            raise _error(path, "missing required key 'at'")
        x, y = _point(data["at"], path + ("at",))
        width = height = None
        if data.get("size") is not None:
            sides = _lengths(data["size"], path + ("size",), (1, 2), "[width, height] (one may be null)")
            width, height = (sides + [None])[:2]
        return ImageElement(_text(data["image"], path + ("image",)), x, y, width, height)
    body_path = path + (kind,)
    if kind == "line":
        line = _mapping(data["line"], body_path, ("from", "to", "width", "color"), required=("from", "to"))
        (x1, y1), (x2, y2) = _point(line["from"], body_path + ("from",)), _point(line["to"], body_path + ("to",))
        width = _length(line.get("width", 0.5), body_path + ("width",))
        color = _parsed(parse_color, line.get("color", "black"), body_path + ("color",))
        return Line(x1, y1, x2, y2, width, color)
    if kind == "rect":
        rect = _mapping(data["rect"], body_path, ("box", "stroke", "fill", "width"), required=("box",))
        x, y, w, h = _box(rect["box"], body_path + ("box",), height_optional=False)
        # A filled box has no outline unless one is asked for; a bare box is outlined.
        stroke_default = None if rect.get("fill") is not None else "black"
        stroke, fill = (None if rect.get(k, d) is None else _parsed(parse_color, rect.get(k, d), body_path + (k,))
                        for k, d in (("stroke", stroke_default), ("fill", None)))
        width = _length(rect.get("width", 0.5), body_path + ("width",))
        return Rect(x, y, w, h, stroke, fill, width)
    frame = _mapping(data["frame"], body_path, ("box", "flow", "style"), required=("box", "flow"))
    x, y, w, h = _box(frame["box"], body_path + ("box",), height_optional=False)
    frame_style = _text(frame.get("style", default_style), body_path + ("style",))
    flow_data = frame["flow"]
    if not isinstance(flow_data, list):
        raise _error(body_path + ("flow",), f"expected a list of text and paragraph blocks, got {_shown(flow_data)}")
    flow = []
    for i, item in enumerate(flow_data):
        item_path = body_path + ("flow", i)
        if isinstance(item, dict) and ("at" in item or "box" in item):
            raise _error(item_path + ("at" if "at" in item else "box",),
                         "blocks in a flow are placed by the frame; remove at/box")
        item_kind = _element_kind(item, item_path, _FLOW_KEYS)
        item_data = _mapping(item, item_path, _FLOW_KEYS[item_kind])
        flow.append(_block_from_data(item_path, item_data, item_kind, frame_style, styles, in_flow=True))
    return Frame(x, y, w, h, tuple(flow))


def _barcode_from_data(path: KeyPath, data: dict) -> Barcode:
    for key in ("data", "at", "module"):
        if key not in data:
            raise _error(path, f"missing required key '{key}'")
    data_text = _text(data["data"], path + ("data",))
    runs = _parsed(parse_runs, data_text, path + ("data",))
    x, y = _point(data["at"], path + ("at",))
    optional = {k: _text(data[k], path + (k,)) for k in ("level", "shape") if k in data}
    return Barcode(
        symbology=_text(data["barcode"], path + ("barcode",)), runs=runs, x_pt=x, y_pt=y,
        module_pt=_length(data["module"], path + ("module",)),
        height_pt=_length(data["height"], path + ("height",)) if "height" in data else None,
        **optional)


def _block_from_data(path: KeyPath, data: dict, kind: str, default_style: str,
                     styles: Mapping[str, Style], in_flow: bool) -> TextBlock:
    style = _text(data.get("style", default_style), path + ("style",))
    _known(path + ("style",), style, styles, "style")
    runs = _runs_from_data(data[kind], path + (kind,), style, styles)
    x = y = 0.0
    width = height = None
    if not in_flow:
        if kind == "text":
            if "at" not in data:
                raise _error(path, "missing required key 'at' ([x, y] of the top of the line)")
            x, y = _point(data["at"], path + ("at",))
            width = _length(data["width"], path + ("width",)) if "width" in data else None
        else:
            if "box" not in data:
                raise _error(path, "missing required key 'box' ([x, y, width] or [x, y, width, height])")
            x, y, width, height = _box(data["box"], path + ("box",), height_optional=True)
    min_size = data.get("min_size")
    return TextBlock(
        runs=runs, x_pt=x, y_pt=y, width_pt=width, height_pt=height,
        align=_text(data.get("align", "left"), path + ("align",)),
        wrap=kind == "paragraph",
        overflow=_text(data.get("overflow", "error"), path + ("overflow",)),
        min_size_pt=None if min_size is None else _length(min_size, path + ("min_size",)),
        skip_empty_lines=_bool(data.get("skip_empty_lines", False), path + ("skip_empty_lines",)),
        space_before_pt=_length(data.get("space_before", 0), path + ("space_before",)),
        space_after_pt=_length(data.get("space_after", 0), path + ("space_after",)),
        style=style,
    )


# --------------------------------------------------------------------------- from YAML

class _LineMarkingLoader(yaml.SafeLoader):
    """A SafeLoader that also records the line of every mapping key and list item."""

    def load_with_lines(self) -> tuple[Any, dict[KeyPath, int], list[tuple[KeyPath, int, int]]]:
        node = self.get_single_node()
        if node is None:
            return None, {}, []
        lines: dict[KeyPath, int] = {(): node.start_mark.line + 1}
        duplicates: list[tuple[KeyPath, int, int]] = []
        self._mark(node, (), lines, duplicates, set())
        return self.construct_document(node), lines, duplicates

    def _mark(self, node: yaml.Node, path: KeyPath, lines: dict, duplicates: list, active: set) -> None:
        if id(node) in active:  # a recursive alias
            return
        active.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first_line: dict[Any, int] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge" or not isinstance(key_node, yaml.ScalarNode):
                    continue
                key = self.construct_object(key_node)
                line = key_node.start_mark.line + 1
                if key in first_line:
                    duplicates.append((path + (key,), line, first_line[key]))
                first_line.setdefault(key, line)
                lines[path + (key,)] = line
                self._mark(value_node, path + (key,), lines, duplicates, active)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                lines[path + (i,)] = item.start_mark.line + 1
                self._mark(item, path + (i,), lines, duplicates, active)
        active.discard(id(node))


def _line_of(path: KeyPath, lines: dict[KeyPath, int]) -> int | None:
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def load_yaml_with_lines(path: str | os.PathLike, kind: type[PressrunError],
                         what: str) -> tuple[Any, dict[KeyPath, int]]:
    """A YAML file's data and the line of every key path. Unreadable files,
    syntax errors and duplicate keys raise `kind` naming the file and line."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise kind(f"{source}: cannot read {what}: {getattr(exc, 'strerror', None) or exc}") from exc
    loader = _LineMarkingLoader(text)
    try:
        data, lines, duplicates = loader.load_with_lines()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        problem = exc.problem or exc.context or "invalid YAML"
        raise kind(f"{source}{line}: YAML syntax error: {problem}") from None
    except yaml.YAMLError as exc:
        raise kind(f"{source}: YAML syntax error: {exc}") from None
    finally:
        loader.dispose()
    if duplicates:
        key_path, line, first = duplicates[0]
        raise kind(_describe(source, line, key_path, f"duplicate key (first given on line {first})"))
    return data, lines


def load_template(path: str | os.PathLike, registry: FontRegistry | None = None) -> Template:
    """Reads and checks a YAML template; file names in it are relative to its directory."""
    path = Path(path)
    source = str(path)
    data, lines = load_yaml_with_lines(path, TemplateError, "template")
    try:
        return _template_from_data(data, source, path.parent.absolute(), registry or default_registry(),
                                   default_name=path.stem)
    except PressrunError as exc:
        if not hasattr(exc, "key_path"):
            raise
        raise _relocated(exc, source, _line_of(exc.key_path, lines)) from exc.__cause__
