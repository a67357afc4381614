"""The production profile: what a job's printer, paper, envelopes and inserter
are, and the rules that decide, per document and per sheet, how a record
becomes a mail piece. Loaded and checked once per job; errors name the file,
line and key.

    pressrun_profile: 1
    printer: {name: ..., duplex: true, trays: {tray1: letterhead, tray2: plain}}
    stocks: {letterhead: {size: A4, weight_gsm: 100, preprinted: true}, ...}
    envelopes: {C5: {size: [229mm, 162mm], max_sheets: 6, max_weight_g: 100, weight_g: 4.5}}
    stock: [{sheets: first, stock: letterhead}, {stock: plain}]
    streams: [{name: suppressed, when: "channel = 'suppress'", print: false}, ...]

See docs/production.md. Conditions (`when:`, feeds, divert, duplex) are
expressions of the rules language over the record's columns (rule results
included); they are compiled once, with the job's schema.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from ..afp.options import AfpOptions, CodedFont
from ..errors import PressrunError, ProfileError
from ..rules import RuleSet
from ..template import _shown, load_yaml_with_lines
from ..units import page_size
from .checks import checked, choice, fail, known_keys, length, required
from .inserter import Inserter, MatrixScheme, OmrScheme, _inserter_from_data, load_inserter

FORMAT_VERSION = 1
SHEET_SELECTORS = ("all", "first", "not_first", "last", "not_last")
POSTAL_SYMBOLOGIES = ("auspost", "imb")
AUSPOST_FCCS = ("11", "45", "59", "62", "87", "92")
_TOP_KEYS = ("pressrun_profile", "name", "job_id", "printer", "stocks", "envelopes", "stock",
             "inserts", "duplex_when", "documents_start_new_sheet", "householding", "presort",
             "streams", "output", "inserter", "postal")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\Z")
# Four-state bar geometry by symbology (pitch, bar width, full height), from the
# middle of each specification's tolerances: Australia Post's Customer Barcoding
# Technical Specifications and USPS-B-3200.
_POSTAL_GEOMETRY = {"auspost": ("1.08mm", "0.5mm", "5mm"), "imb": ("1.1mm", "0.5mm", "3.6mm")}


@dataclass(frozen=True)
class Stock:
    name: str
    width_pt: float
    height_pt: float
    weight_gsm: float
    preprinted: bool
    media_type: str = "Paper"
    colour: str = "White"

    @property
    def sheet_weight_g(self) -> float:
        """Grams per sheet: grammage times area (points to metres)."""
        return self.weight_gsm * (self.width_pt * 0.0254 / 72) * (self.height_pt * 0.0254 / 72)


@dataclass(frozen=True)
class Envelope:
    name: str
    width_pt: float
    height_pt: float
    max_sheets: int
    max_weight_g: float        # 0: no limit
    weight_g: float            # the empty envelope
    window: Optional[tuple[float, float, float, float]]  # x, y, width, height on the sheet


@dataclass(frozen=True)
class StockRule:
    sheets: str                # SHEET_SELECTORS
    stock: str
    when: Optional[str]        # a condition on the piece's first record, or None


@dataclass(frozen=True)
class InsertRule:
    """An extra pre-printed sheet (from its stock's tray) at the piece's end."""
    stock: str
    when: str


@dataclass(frozen=True)
class Stream:
    name: str
    when: Optional[str]        # record condition (before composing)
    print: bool                # false: suppressed or digital only; never composed
    envelope: Optional[str]
    max_sheets: int            # 0: any; else pieces with more sheets go to a later stream
    international: bool = False


@dataclass(frozen=True)
class Householding:
    address: tuple[str, ...]
    key: tuple[str, ...]
    max_documents: int


@dataclass(frozen=True)
class Presort:
    sort_key: tuple[str, ...]
    break_digits: int
    tray_capacity: int


@dataclass(frozen=True)
class Postal:
    symbology: str             # auspost | imb
    x_pt: float
    y_pt: float
    pitch_pt: float
    bar_width_pt: float
    height_pt: float
    fcc: str = "11"            # auspost
    dpid: str = ""             # auspost: the column of the 8-digit delivery point id
    customer: str = ""         # auspost FCC 59/62: the column of customer information
    tracking: str = ""         # imb: the column of the 20-digit tracking code
    routing: str = ""          # imb: the column of the routing code (ZIP), may be ""


@dataclass(frozen=True)
class InserterSetup:
    scheme: Inserter
    feeds: dict[int, str]      # station (1-based) -> condition
    divert: Optional[str]


@dataclass(frozen=True)
class Profile:
    name: str
    source: str
    job_id: str
    printer_name: str
    duplex: bool
    trays: dict[str, str]      # tray -> stock it holds, in the printer's order
    stocks: dict[str, Stock]
    envelopes: dict[str, Envelope]
    stock_rules: tuple[StockRule, ...]
    inserts: tuple[InsertRule, ...]
    duplex_when: Optional[str]
    documents_start_new_sheet: bool
    householding: Optional[Householding]
    presort: Optional[Presort]
    streams: tuple[Stream, ...]
    max_pieces_per_file: int
    max_pages_per_file: int
    inserter: Optional[InserterSetup]
    postal: Optional[Postal]
    conditions: dict[str, str] = field(default_factory=dict)  # rule name -> expression
    print_format: str = "pdf"  # the print files: pdf or afp
    afp: AfpOptions = field(default_factory=AfpOptions)
    afp_bins: dict[str, int] = field(default_factory=dict)  # tray -> the printer's input bin

    def medium_maps(self) -> list[tuple[str, int, str, int]]:
        """The AFP form definition's medium maps: one per tray (its bin and
        the stock it holds, by name) and sides, simplex and, on a duplex
        printer, duplex: (name, bin, stock, duplex). Named M<tray>S / M<tray>D."""
        maps = []
        for number, (tray, stock) in enumerate(self.trays.items(), 1):
            for duplex in ((0, 1) if self.duplex else (0,)):
                maps.append((f"M{number:03d}{'D' if duplex else 'S'}", self.afp_bins[tray], stock, duplex))
        return maps

    def medium_map_index(self, stock: str, duplex: bool) -> int:
        """The medium map a sheet of `stock` printed on one or both sides uses."""
        tray_number = list(self.trays).index(self.tray_of(stock))
        return tray_number * (2 if self.duplex else 1) + (1 if duplex and self.duplex else 0)

    def check_job_id(self, job_id: str) -> None:
        """A job id the inserter's 2D payload can carry (it is never padded)."""
        scheme = self.inserter.scheme if self.inserter is not None else None
        match = re.search(r"\{job_id:(\d+)\}", scheme.payload) if isinstance(scheme, MatrixScheme) else None
        if match and (len(job_id) != int(match.group(1)) or not job_id.isascii() or not job_id.isprintable()):
            raise ProfileError(f"job id {job_id!r}: inserter {scheme.name!r} carries a job id of exactly "
                               f"{match.group(1)} printable ASCII characters")

    def tray_of(self, stock: str) -> str:
        """The first tray loaded with the stock."""
        for tray, held in self.trays.items():
            if held == stock:
                return tray
        raise ProfileError(f"profile {self.name!r}: no tray holds stock {stock!r}")

    def condition_rules(self) -> Optional[RuleSet]:
        """Every condition of the profile as one rule set (boolean rules named
        _profile_*), evaluated per batch after the job's own rules."""
        if not self.conditions:
            return None
        return RuleSet.from_dict({"pressrun_rules": 1,
                                  "rules": [{"name": name, "expr": expr, "type": "bool"}
                                            for name, expr in self.conditions.items()]},
                                 source=f"{self.source} (conditions)")


def load_profile(path: "str | os.PathLike") -> Profile:
    """Reads and checks a production profile (YAML)."""
    source = str(path)
    data, lines = load_yaml_with_lines(path, ProfileError, "profile")
    base_dir = Path(path).parent
    return checked(lambda: profile_from_data(data, source=source, base_dir=base_dir), source, lines)


def profile_from_data(data: Any, *, source: str = "profile", base_dir: Optional[Path] = None) -> Profile:
    top = known_keys(data, (), _TOP_KEYS, "a production profile")
    version = required(top, (), "pressrun_profile", f"the format version: write `pressrun_profile: "
                                                     f"{FORMAT_VERSION}`")
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise fail(("pressrun_profile",), f"unsupported profile format version {_shown(version)}; "
                                          f"this pressrun reads version {FORMAT_VERSION}")
    conditions: dict[str, str] = {}
    stocks = _stocks(required(top, (), "stocks", "the paper stocks: name -> {size, weight_gsm}"))
    printer = known_keys(required(top, (), "printer", "name, duplex and trays"), ("printer",),
                         ("name", "duplex", "trays"), "the printer")
    trays = _trays(required(printer, ("printer",), "trays", "tray -> the stock it holds"), stocks)
    duplex = _bool(printer.get("duplex", False), ("printer", "duplex"))
    envelopes = _envelopes(required(top, (), "envelopes", "name -> {size, max_sheets}"))
    stock_rules = _stock_rules(top.get("stock", [{"stock": next(iter(trays.values()))}]), trays,
                               conditions)
    inserts = _inserts(top.get("inserts", []), trays, conditions)
    duplex_when = _condition(top.get("duplex_when"), ("duplex_when",), conditions, "duplex")
    if duplex_when is not None and not duplex:
        raise fail(("duplex_when",), "the printer prints one side only (printer.duplex: false), so no "
                                     "document can be duplex")
    streams = _streams(required(top, (), "streams", "where pieces go: [{name, envelope, ...}]"),
                       envelopes, conditions)
    output = known_keys(top.get("output", {}), ("output",), ("format", "max_pieces_per_file",
                                                               "max_pages_per_file", "afp"),
                        "the print files: format and limits")
    print_format = choice(output.get("format", "pdf"), ("output", "format"), ("pdf", "afp"))
    afp, afp_bins = _afp(output.get("afp", {}), trays)
    job_id = top.get("job_id", "000001")
    if not isinstance(job_id, (str, int)) or isinstance(job_id, bool) or not str(job_id).isprintable():
        raise fail(("job_id",), f"expected the job id (text), got {_shown(job_id)}")
    postal = _postal(top.get("postal"))
    if postal is not None:
        _check_postal_in_windows(postal, streams, envelopes)
    return Profile(
        name=_text(top.get("name", Path(source).stem), ("name",)), source=source,
        job_id=str(job_id), printer_name=_text(printer.get("name", "printer"), ("printer", "name")),
        duplex=duplex, trays=trays, stocks=stocks, envelopes=envelopes, stock_rules=stock_rules,
        inserts=inserts, duplex_when=duplex_when,
        documents_start_new_sheet=_bool(top.get("documents_start_new_sheet", True),
                                        ("documents_start_new_sheet",)),
        householding=_householding(top.get("householding")), presort=_presort(top.get("presort")),
        streams=streams,
        max_pieces_per_file=_count(output.get("max_pieces_per_file", 0), ("output", "max_pieces_per_file")),
        max_pages_per_file=_count(output.get("max_pages_per_file", 0), ("output", "max_pages_per_file")),
        inserter=_inserter(top.get("inserter"), base_dir, conditions),
        postal=postal, conditions=conditions, print_format=print_format, afp=afp, afp_bins=afp_bins)


def _afp(data: Any, trays: dict[str, str]) -> tuple[AfpOptions, dict[str, int]]:
    """output.afp: index tags, the printer's bin per tray, coded fonts, barcodes."""
    path = ("output", "afp")
    afp = known_keys(data, path, ("document", "index", "bins", "coded_fonts", "barcodes"),
                     "AFP output")
    index = known_keys(afp.get("index", {}), path + ("index",), tuple(afp.get("index", {}) or ()),
                       "tag name -> data column")
    bins = known_keys(afp.get("bins", {}), path + ("bins",), tuple(trays), "tray -> input bin")
    tray_bins = {}
    for number, tray in enumerate(trays, 1):
        value = bins.get(tray, number)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 255:
            raise fail(path + ("bins", tray), f"expected an input bin 1..255, got {_shown(value)}")
        tray_bins[tray] = value
    coded = {}
    for font, spec in known_keys(afp.get("coded_fonts", {}), path + ("coded_fonts",),
                                 tuple(afp.get("coded_fonts", {}) or ()), "font -> coded font").items():
        spec = known_keys(spec, path + ("coded_fonts", font), ("character_set", "code_page", "encoding"),
                          "a coded font")
        coded[font] = CodedFont(*(str(required(spec, path + ("coded_fonts", font), key, key))
                                  for key in ("character_set", "code_page", "encoding")))
    options = AfpOptions(index={str(k): str(v) for k, v in index.items()}, coded_fonts=coded,
                         native_barcodes=choice(afp.get("barcodes", "native"), path + ("barcodes",),
                                                ("native", "bars")) == "native",
                         document_name=str(afp.get("document", "PRESSRUN")))
    try:
        options.check()
    except PressrunError as exc:
        raise fail(path, str(exc)) from None
    return options, tray_bins


def postal_box(postal: Postal) -> tuple[float, float, float, float]:
    """x, y, width, height of the postal barcode on the page."""
    bars = 65 if postal.symbology == "imb" else {"59": 52, "62": 67}.get(postal.fcc, 37)
    return (postal.x_pt, postal.y_pt, (bars - 1) * postal.pitch_pt + postal.bar_width_pt, postal.height_pt)


def _check_postal_in_windows(postal: Postal, streams: tuple[Stream, ...], envelopes: dict) -> None:
    """A postal barcode must show through the window of every envelope it is posted in."""
    x, y, width, height = postal_box(postal)
    for stream in streams:
        if not stream.print or stream.international:
            continue
        window = envelopes[stream.envelope].window
        if window is None:
            continue
        wx, wy, ww, wh = window
        eps = 0.01
        if x < wx - eps or y < wy - eps or x + width > wx + ww + eps or y + height > wy + wh + eps:
            raise fail(("postal", "at"), f"the barcode ({x / 72 * 25.4:.1f}, {y / 72 * 25.4:.1f}) mm, "
                                         f"{width / 72 * 25.4:.1f} x {height / 72 * 25.4:.1f} mm, is not "
                                         f"inside the window of envelope {stream.envelope!r} (stream "
                                         f"{stream.name!r})")


def _text(value: Any, path: tuple) -> str:
    if not isinstance(value, str) or not value.strip():
        raise fail(path, f"expected text, got {_shown(value)}")
    return value


def _name(value: Any, path: tuple) -> str:
    if not isinstance(value, str) or not _NAME.match(value):
        raise fail(path, f"expected a name of letters, digits, '_', '-' or '.', got {_shown(value)}")
    return value


def _bool(value: Any, path: tuple) -> bool:
    if not isinstance(value, bool):
        raise fail(path, f"expected true or false, got {_shown(value)}")
    return value


def _count(value: Any, path: tuple, minimum: int = 0) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise fail(path, f"expected a whole number of at least {minimum}, got {_shown(value)}")
    return value


def _number(value: Any, path: tuple) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
        raise fail(path, f"expected a number, zero or more, got {_shown(value)}")
    return float(value)


def _condition(value: Any, path: tuple, conditions: dict[str, str], what: str) -> Optional[str]:
    """A rules-language expression, registered as a boolean rule; its name."""
    if value is None:
        return None
    if isinstance(value, bool):
        value = "true" if value else "false"
    if not isinstance(value, str) or not value.strip():
        raise fail(path, f"expected a condition (an expression of the rules language), got {_shown(value)}")
    name = f"_profile_{what}_{len(conditions)}"
    conditions[name] = value
    return name


def _size(value: Any, path: tuple) -> tuple[float, float]:
    try:
        return page_size(value)
    except (ValueError, TypeError) as exc:
        raise fail(path, str(exc)) from None


def _stocks(data: Any) -> dict[str, Stock]:
    path = ("stocks",)
    if not isinstance(data, dict) or not data:
        raise fail(path, "expected a mapping of stock names to {size, weight_gsm, preprinted}")
    stocks = {}
    for name, spec in data.items():
        here = path + (name,)
        spec = known_keys(spec, here, ("size", "weight_gsm", "preprinted", "media_type", "colour"),
                          "a stock")
        width, height = _size(required(spec, here, "size", "A4, letter or [w, h]"), here + ("size",))
        stocks[_name(name, here)] = Stock(
            name=name, width_pt=width, height_pt=height,
            weight_gsm=_number(required(spec, here, "weight_gsm", "grams per square metre"),
                               here + ("weight_gsm",)),
            preprinted=_bool(spec.get("preprinted", False), here + ("preprinted",)),
            media_type=_text(spec.get("media_type", "Paper"), here + ("media_type",)),
            colour=_text(spec.get("colour", "White"), here + ("colour",)))
    return stocks


def _trays(data: Any, stocks: dict[str, Stock]) -> dict[str, str]:
    path = ("printer", "trays")
    if not isinstance(data, dict) or not data:
        raise fail(path, "expected a mapping of tray names to the stock each holds")
    for tray, stock in data.items():
        _name(tray, path + (tray,))
        if stock not in stocks:
            raise fail(path + (tray,), f"unknown stock {_shown(stock)}; stocks: {', '.join(stocks)}")
    return dict(data)


def _envelopes(data: Any) -> dict[str, Envelope]:
    path = ("envelopes",)
    if not isinstance(data, dict) or not data:
        raise fail(path, "expected a mapping of envelope names to {size, max_sheets, ...}")
    envelopes = {}
    for name, spec in data.items():
        here = path + (name,)
        spec = known_keys(spec, here, ("size", "window", "max_sheets", "max_weight_g", "weight_g"),
                          "an envelope")
        width, height = _size(required(spec, here, "size", "[w, h]"), here + ("size",))
        window = spec.get("window")
        if window is not None:
            if not isinstance(window, list) or len(window) != 4:
                raise fail(here + ("window",), f"expected [x, y, width, height], got {_shown(window)}")
            window = tuple(length(v, here + ("window",)) for v in window)
        envelopes[_name(name, here)] = Envelope(
            name=name, width_pt=width, height_pt=height,
            max_sheets=_count(required(spec, here, "max_sheets", "the most sheets it takes"),
                              here + ("max_sheets",), 1),
            max_weight_g=_number(spec.get("max_weight_g", 0), here + ("max_weight_g",)),
            weight_g=_number(spec.get("weight_g", 0), here + ("weight_g",)), window=window)
    return envelopes


def _held_stock(stock: Any, path: tuple, trays: dict[str, str]) -> str:
    if stock not in trays.values():
        raise fail(path, f"stock {_shown(stock)} is in no tray of the printer; trays hold: "
                         f"{', '.join(sorted(set(trays.values())))}")
    return stock


def _stock_rules(data: Any, trays: dict[str, str], conditions: dict[str, str]) -> tuple[StockRule, ...]:
    path = ("stock",)
    if not isinstance(data, list) or not data:
        raise fail(path, "expected a list of {sheets, stock, when}; the first that matches a sheet wins")
    rules = []
    for i, spec in enumerate(data):
        here = path + (i,)
        spec = known_keys(spec, here, ("sheets", "stock", "when"), "a stock rule")
        rules.append(StockRule(
            sheets=choice(spec.get("sheets", "all"), here + ("sheets",), SHEET_SELECTORS),
            stock=_held_stock(required(spec, here, "stock", "a stock name"), here + ("stock",), trays),
            when=_condition(spec.get("when"), here + ("when",), conditions, "stock")))
    last = rules[-1]
    if last.sheets != "all" or last.when is not None:
        raise fail(path + (len(rules) - 1,), "the last stock rule must hold for every sheet "
                                             "(no sheets: or when:), so that each sheet has a stock")
    return tuple(rules)


def _inserts(data: Any, trays: dict[str, str], conditions: dict[str, str]) -> tuple[InsertRule, ...]:
    path = ("inserts",)
    if not isinstance(data, list):
        raise fail(path, "expected a list of {stock, when}")
    inserts = []
    for i, spec in enumerate(data):
        here = path + (i,)
        spec = known_keys(spec, here, ("stock", "when"), "an insert sheet")
        inserts.append(InsertRule(
            stock=_held_stock(required(spec, here, "stock", "the insert's stock"), here + ("stock",), trays),
            when=_condition(required(spec, here, "when", "which pieces get it"), here + ("when",),
                            conditions, "insert")))
    return tuple(inserts)


def _streams(data: Any, envelopes: dict[str, Envelope], conditions: dict[str, str]) -> tuple[Stream, ...]:
    path = ("streams",)
    if not isinstance(data, list) or not data:
        raise fail(path, "expected a list of streams; the first whose conditions a piece meets takes it")
    streams, names = [], set()
    for i, spec in enumerate(data):
        here = path + (i,)
        spec = known_keys(spec, here, ("name", "when", "print", "envelope", "max_sheets",
                                       "international"), "a stream")
        name = _name(required(spec, here, "name", "the stream's name"), here + ("name",))
        if name in names:
            raise fail(here + ("name",), f"stream {name!r} is listed twice")
        names.add(name)
        printed = _bool(spec.get("print", True), here + ("print",))
        envelope = spec.get("envelope")
        if printed:
            if envelope not in envelopes:
                raise fail(here + ("envelope",), f"a printed stream needs an envelope of: "
                                                 f"{', '.join(envelopes)}; got {_shown(envelope)}")
        elif envelope is not None or "max_sheets" in spec:
            raise fail(here, "a stream with print: false takes no envelope or max_sheets")
        max_sheets = _count(spec.get("max_sheets", 0), here + ("max_sheets",))
        if printed and max_sheets > envelopes[envelope].max_sheets:
            raise fail(here + ("max_sheets",), f"{max_sheets} sheets do not fit envelope {envelope!r}, which "
                                               f"takes {envelopes[envelope].max_sheets}")
        if printed and max_sheets == 0:
            max_sheets = envelopes[envelope].max_sheets
        streams.append(Stream(name=name, when=_condition(spec.get("when"), here + ("when",), conditions,
                                                         "stream"),
                              print=printed, envelope=envelope, max_sheets=max_sheets,
                              international=_bool(spec.get("international", False),
                                                  here + ("international",))))
    if not any(s.print and s.when is None for s in streams):
        raise fail(path, "no printed stream without a `when:` takes what the others leave; add one "
                         "last (the catch-all)")
    return tuple(streams)


def _columns(value: Any, path: tuple) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise fail(path, f"expected a column name or a list of them, got {_shown(value)}")
    return tuple(value)


def _householding(data: Any) -> Optional[Householding]:
    if data is None:
        return None
    path = ("householding",)
    spec = known_keys(data, path, ("address", "key", "max_documents"), "householding")
    address = _columns(spec.get("address", []), path + ("address",))
    key = _columns(spec.get("key", []), path + ("key",))
    if not address and not key:
        raise fail(path, "needs address columns, a household key, or both")
    return Householding(address=address, key=key,
                        max_documents=_count(spec.get("max_documents", 0), path + ("max_documents",)))


def _presort(data: Any) -> Optional[Presort]:
    if data is None:
        return None
    path = ("presort",)
    spec = known_keys(data, path, ("sort_key", "break_digits", "tray_capacity"), "the presort")
    return Presort(sort_key=_columns(required(spec, path, "sort_key", "e.g. postcode"), path + ("sort_key",)),
                   break_digits=_count(spec.get("break_digits", 0), path + ("break_digits",)),
                   tray_capacity=_count(spec.get("tray_capacity", 0), path + ("tray_capacity",)))


def _inserter(data: Any, base_dir: Optional[Path], conditions: dict[str, str]) -> Optional[InserterSetup]:
    if data is None:
        return None
    path = ("inserter",)
    spec = known_keys(data, path, ("scheme", "feeds", "divert"), "the inserter")
    scheme = _scheme(required(spec, path, "scheme", "generic-omr, generic-2d, a file or a mapping"),
                     path + ("scheme",), base_dir)
    feeds_data = spec.get("feeds", {})
    if not isinstance(feeds_data, dict):
        raise fail(path + ("feeds",), "expected station number -> condition")
    feeds = {}
    for station, condition in feeds_data.items():
        if not isinstance(station, int) or isinstance(station, bool) or not 1 <= station <= 8:
            raise fail(path + ("feeds", station), "a feeder station is a number from 1 to 8")
        if isinstance(scheme, OmrScheme) and f"feed{station}" not in scheme.tracks:
            raise fail(path + ("feeds", station), f"inserter {scheme.name!r} has no track feed{station}")
        if isinstance(scheme, MatrixScheme) and not _matrix_has_feed(scheme, station):
            raise fail(path + ("feeds", station), f"inserter {scheme.name!r} carries fewer than {station} "
                                                  "feed stations in its payload")
        feeds[station] = _condition(condition, path + ("feeds", station), conditions, "feed")
    divert = _condition(spec.get("divert"), path + ("divert",), conditions, "divert")
    if divert is not None and isinstance(scheme, OmrScheme) and "divert" not in scheme.tracks:
        raise fail(path + ("divert",), f"inserter {scheme.name!r} has no divert track")
    if divert is not None and isinstance(scheme, MatrixScheme) and "{divert:" not in scheme.payload:
        raise fail(path + ("divert",), f"inserter {scheme.name!r} carries no divert flag in its payload "
                                       "(add {divert:1})")
    return InserterSetup(scheme=scheme, feeds=feeds, divert=divert)


def _scheme(spec: Any, path: tuple, base_dir: Optional[Path]) -> Inserter:
    """An inserter scheme: inline (its errors placed in this profile), or a
    shipped name or file (errors in that file stay there)."""
    try:
        if isinstance(spec, dict):
            return _inserter_from_data(spec, default_name=None)
        return load_inserter(spec, base_dir)
    except ProfileError as exc:
        if isinstance(spec, dict) and hasattr(exc, "key_path"):
            raise fail(path + exc.key_path, exc.detail) from None
        if not hasattr(exc, "key_path"):
            raise fail(path, str(exc)) from None
        raise


def _matrix_has_feed(scheme: MatrixScheme, station: int) -> bool:
    match = re.search(r"\{feeds:(\d+)\}", scheme.payload)
    return match is not None and int(match.group(1)) >= station


def _postal(data: Any) -> Optional[Postal]:
    if data is None:
        return None
    path = ("postal",)
    spec = known_keys(data, path, ("symbology", "at", "pitch", "bar_width", "height", "fcc", "dpid",
                                   "customer", "tracking", "routing"), "the postal barcode")
    symbology = choice(required(spec, path, "symbology", "auspost or imb"), path + ("symbology",),
                       POSTAL_SYMBOLOGIES)
    at = required(spec, path, "at", "[x, y] of the barcode's top-left on the piece's first page")
    if not isinstance(at, list) or len(at) != 2:
        raise fail(path + ("at",), f"expected [x, y], got {_shown(at)}")
    pitch, bar_width, height = _POSTAL_GEOMETRY[symbology]
    common = dict(symbology=symbology, x_pt=length(at[0], path + ("at",)), y_pt=length(at[1], path + ("at",)),
                  pitch_pt=length(spec.get("pitch", pitch), path + ("pitch",), positive=True),
                  bar_width_pt=length(spec.get("bar_width", bar_width), path + ("bar_width",), positive=True),
                  height_pt=length(spec.get("height", height), path + ("height",), positive=True))
    if common["bar_width_pt"] >= common["pitch_pt"]:
        raise fail(path + ("bar_width",), "must be less than the pitch, or the bars touch")
    if symbology == "auspost":
        if "tracking" in spec or "routing" in spec:
            raise fail(path, "tracking and routing belong to symbology: imb")
        fcc = str(spec.get("fcc", "11"))
        choice(fcc, path + ("fcc",), AUSPOST_FCCS)
        customer = spec.get("customer", "")
        if customer and fcc not in ("59", "62"):
            raise fail(path + ("customer",), "customer information needs FCC 59 or 62")
        return Postal(**common, fcc=fcc, dpid=_text(required(spec, path, "dpid", "the DPID column"),
                                                     path + ("dpid",)),
                      customer=customer and _text(customer, path + ("customer",)))
    for key in ("fcc", "dpid", "customer"):
        if key in spec:
            raise fail(path + (key,), "belongs to symbology: auspost")
    routing = spec.get("routing", "")
    return Postal(**common, tracking=_text(required(spec, path, "tracking", "the 20-digit tracking column"),
                                            path + ("tracking",)),
                  routing=routing and _text(routing, path + ("routing",)))
