"""Formats by locale: CLDR data (from Babel) as the plain parameters the
native core applies to every value (native/pressrun.h, PrFormatSpec).

Babel's pattern objects are read once per job, never used per value: a
number pattern becomes separators, group sizes, fraction digits, a positive
and a negative prefix and suffix (with the currency symbol put in) and a
power of ten (percent); a date pattern becomes the core's strftime subset
plus the locale's month and weekday names. The core then formats every value
exactly (decimal128 and integers never go through a double).

Where pressrun differs from Babel's own format_* functions (see
docs/templates.md, "Formats by locale"):
- rounding is half away from zero (what billing expects), Babel's half even;
- a negative that rounds to zero is shown without its sign;
- CLDR's currency spacing is applied: a symbol that ends (or starts) with a
  letter next to the digits gets a no-break space (`EUR 1,234.56`, where
  Babel writes `EUR1,234.56`);
- a group separator that is an apostrophe (de_CH) stays (Babel's quote
  handling drops it when the number has two of them).
"""
from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable

from babel import Locale, UnknownLocaleError, localedata, numbers

STYLES = ("decimal", "currency", "accounting", "percent")
DATE_LENGTHS = ("short", "medium", "long", "full")
SYMBOLS = ("standard", "code")  # or the symbol itself
UNKNOWN_LOCALE = ("error", "default")
NBSP = "\u00a0"

# Sizes of the native PrFormatSpec texts, with their NUL.
_NATIVE_BYTES = {"thousands": 8, "decimal": 8, "prefix": 16, "suffix": 16, "date": 64,
                 "negative_prefix": 24, "negative_suffix": 24}
_NAME_BYTES = 72  # PR_FORMAT_NAME_BYTES
_KEY_BYTES = 32   # PR_VARIANT_KEY_BYTES
_MAX_GROUP = 9


class LocaleError(ValueError):
    """A locale format that cannot be made; `key` is the format key at fault."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class NativeFormat:
    """The parameters of one native PrFormatSpec (what Plan.add_field marshals)."""
    decimals: int | None = None      # fewest fraction digits (None: as the value has)
    thousands: str = ""
    decimal: str = "."
    prefix: str = ""
    suffix: str = ""
    date: str | None = None          # the core's strftime subset
    max_decimals: int = 0            # > decimals: round here, drop trailing zeros
    group_size: int = 0              # digits next to the mark; 0: 3
    group_size_next: int = 0         # digits of the groups further left; 0: as group_size
    scale_power: int = 0             # 2: percent
    negative_prefix: str | None = None  # None: "-" before the positive prefix
    negative_suffix: str = ""
    months: tuple[str, ...] = ()     # 12, or () for English
    months_short: tuple[str, ...] = ()
    weekdays: tuple[str, ...] = ()   # 7, Sunday first
    weekdays_short: tuple[str, ...] = ()


@dataclass(frozen=True)
class FieldFormats:
    """A field's formats: `default`, and for per-record formats the columns
    whose texts pick one of `variants` (keys, format); `fallback`: texts that
    match no variant take the default (else the record fails)."""
    default: NativeFormat
    key_columns: tuple[str, ...] = ()
    variants: tuple[tuple[tuple[str, ...], NativeFormat], ...] = ()
    fallback: bool = False


# --------------------------------------------------------------------------- look-ups

def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


@functools.lru_cache(maxsize=None)
def parse_locale(code: str, key: str = "locale") -> Locale:
    """A CLDR locale from `de_DE` or `de-DE`; LocaleError when Babel has no such locale."""
    if not isinstance(code, str) or not code.strip():
        raise LocaleError(key, f"expected a locale code such as 'en_AU', got {code!r}")
    try:
        locale = Locale.parse(code.strip().replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        locale = None
    if locale is None or not localedata.exists(str(locale)):
        raise LocaleError(key, f"unknown locale '{code}'"
                               f"{_suggest(code.replace('-', '_'), localedata.locale_identifiers())}")
    return locale


def check_currency(code: Any, key: str = "currency") -> str:
    if not isinstance(code, str) or code not in numbers.list_currencies():
        shown = code if isinstance(code, str) else repr(code)
        hint = _suggest(shown.upper(), numbers.list_currencies()) if isinstance(code, str) else ""
        raise LocaleError(key, f"unknown currency '{shown}' (an ISO 4217 code such as EUR){hint}")
    return code


def _fits(key: str, what: str, text: str, limit: int) -> str:
    if len(text.encode("utf-8")) >= limit:
        raise LocaleError(key, f"{what} {text!r} is longer than the {limit - 1} bytes the core holds")
    return text


# --------------------------------------------------------------------------- numbers

def _affix_tokens(affix: str) -> list[tuple[str, str]]:
    """A CLDR pattern affix as ('text', s) and ('currency', '¤'*n) tokens;
    quotes are resolved ('' is an apostrophe)."""
    tokens: list[tuple[str, str]] = []
    i = 0
    while i < len(affix):
        c = affix[i]
        if c == "'":
            end = affix.find("'", i + 1)
            if end < 0:
                end = len(affix)
            tokens.append(("text", affix[i + 1:end] or "'"))
            i = end + 1
        elif c == "\u00a4":
            n = len(affix[i:]) - len(affix[i:].lstrip("\u00a4"))
            tokens.append(("currency", affix[i:i + n]))
            i += n
        else:
            tokens.append(("text", c))
            i += 1
    return tokens


def _needs_spacing(symbol: str, edge: str) -> bool:
    """CLDR currencySpacing (root, every locale): a symbol whose character next
    to the digits is neither a symbol nor a space is set off by U+00A0."""
    if not symbol:
        return False
    c = symbol[-1] if edge == "end" else symbol[0]
    return unicodedata.category(c)[0] not in "SZ"


def _affix(affix: str, symbol: str | None, code: str | None, before_number: bool) -> str:
    tokens = _affix_tokens(affix)
    out = []
    for i, (kind, text) in enumerate(tokens):
        if kind == "text":
            out.append(text)
            continue
        if symbol is None:
            raise LocaleError("style", "this number pattern shows a currency; use style currency")
        if len(text) >= 3:
            raise LocaleError("symbol", "currency names (¤¤¤) are not supported")
        shown = code if len(text) == 2 else symbol
        adjacent = i == len(tokens) - 1 if before_number else i == 0
        if adjacent and _needs_spacing(shown, "end" if before_number else "start"):
            shown = shown + NBSP if before_number else NBSP + shown
        out.append(shown)
    return "".join(out)


@functools.lru_cache(maxsize=None)
def number_format(locale_code: str, style: str = "decimal", currency: str | None = None,
                  symbol: str = "standard", decimals: int | None = None,
                  grouping: bool = True) -> NativeFormat:
    """The native parameters of a CLDR number, currency or percent pattern."""
    locale = parse_locale(locale_code)
    if style not in STYLES:
        raise LocaleError("style", f"unknown style '{style}'; expected one of: {', '.join(STYLES)}")
    if style in ("currency", "accounting"):
        if currency is None:
            raise LocaleError("currency", f"style {style} needs a currency (an ISO code such as EUR)")
        check_currency(currency)
        pattern = locale.currency_formats.get("accounting" if style == "accounting" else "standard") \
            or locale.currency_formats["standard"]
        if symbol == "standard":
            shown = numbers.get_currency_symbol(currency, locale)
        elif symbol == "code":
            shown = currency
        else:
            shown = symbol
        fraction = (numbers.get_currency_precision(currency),) * 2
    else:
        if currency is not None:
            raise LocaleError("currency", f"a currency needs style currency or accounting, not {style}")
        pattern = locale.percent_formats[None] if style == "percent" else locale.decimal_formats[None]
        shown = None
        fraction = pattern.frac_prec
    if pattern.exp_prec or "@" in pattern.pattern:
        raise LocaleError("style", f"the {locale} {style} pattern {pattern.pattern!r} is scientific or "
                                   "significant-digit, which pressrun does not format")
    if decimals is not None:
        fraction = (decimals, decimals)
    low, high = fraction
    primary, secondary = pattern.grouping
    grouped = grouping and primary < 1000
    if grouped and not (1 <= primary <= _MAX_GROUP and 1 <= secondary <= _MAX_GROUP):
        raise LocaleError("locale", f"the {locale} pattern {pattern.pattern!r} has groups pressrun "
                                    "cannot make")
    texts = {
        "thousands": numbers.get_group_symbol(locale) if grouped else "",
        "decimal": numbers.get_decimal_symbol(locale),
        "prefix": _affix(pattern.prefix[0], shown, currency, True),
        "suffix": _affix(pattern.suffix[0], shown, currency, False),
        "negative_prefix": _affix(pattern.prefix[1], shown, currency, True),
        "negative_suffix": _affix(pattern.suffix[1], shown, currency, False),
    }
    for key, text in texts.items():
        _fits("symbol" if shown and shown in text else "locale", f"the {locale} {key.replace('_', ' ')}",
              text, _NATIVE_BYTES[key])
    return NativeFormat(
        decimals=low, max_decimals=high if high > low else 0,
        group_size=primary if grouped and primary != 3 else 0,
        group_size_next=secondary if grouped and secondary != primary else 0,
        scale_power=pattern.scale, **texts)


# --------------------------------------------------------------------------- dates

# CLDR date fields -> strftime directives of the core, by field letter and length.
_DATE_FIELDS = {
    "y": {2: "%y"},  # other lengths: %Y
    "M": {1: "%-m", 2: "%m", 3: "%b", 4: "%B"},
    "L": {1: "%-m", 2: "%m", 3: "%b", 4: "%B"},
    "d": {1: "%-d", 2: "%d"},
    "E": {1: "%a", 2: "%a", 3: "%a", 4: "%A"},
    "e": {3: "%a", 4: "%A"},
    "c": {3: "%a", 4: "%A"},
    "H": {1: "%-H", 2: "%H"},
    "m": {1: "%-M", 2: "%M"},
    "s": {1: "%-S", 2: "%S"},
}
_STAND_ALONE = set("Lc")  # these take the stand-alone names (a weekday alone, "Montag")


def cldr_to_strftime(pattern: str, eras: dict | None = None) -> tuple[str, dict[str, str]]:
    """A CLDR date pattern as the core's strftime subset, and the name context
    ('format' or 'stand-alone') of its month and weekday names. An era (G) is
    written as the locale's name of the common era (`eras`: Babel's), which
    is right for every year from 1."""
    out = []
    context = {"months": "format", "days": "format"}
    seen: dict[str, set[str]] = {"months": set(), "days": set()}
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "'":
            end = pattern.find("'", i + 1)
            if end < 0:
                end = len(pattern)
            out.append((pattern[i + 1:end] or "'").replace("%", "%%"))
            i = end + 1
            continue
        if not ("a" <= c <= "z" or "A" <= c <= "Z"):
            out.append("%%" if c == "%" else c)
            i += 1
            continue
        n = len(pattern[i:]) - len(pattern[i:].lstrip(c))
        field = pattern[i:i + n]
        i += n
        if c == "y":
            out.append(_DATE_FIELDS["y"].get(n, "%Y"))
            continue
        if c == "G" and eras is not None and n <= 5:
            width = "abbreviated" if n <= 3 else "wide" if n == 4 else "narrow"
            out.append(eras[width][1].replace("%", "%%"))
            continue
        directive = _DATE_FIELDS.get(c, {}).get(n)
        if directive is None:
            raise ValueError(f"'{field}'")
        if directive[-1] in "bBaA":
            kind = "months" if c in "ML" else "days"
            name_context = "stand-alone" if c in _STAND_ALONE else "format"
            seen[kind].add(name_context)
            context[kind] = name_context
        out.append(directive)
    for kind, contexts in seen.items():
        if len(contexts) > 1:
            raise ValueError(f"both format and stand-alone {kind}")
    return "".join(out), context


@functools.lru_cache(maxsize=None)
def date_format(locale_code: str, date: str) -> NativeFormat:
    """A named CLDR date length (short, medium, long, full) of the locale, or a
    strftime pattern, with the locale's month and weekday names."""
    locale = parse_locale(locale_code)
    context = {"months": "format", "days": "format"}
    if date in DATE_LENGTHS:
        cldr = locale.date_formats[date].pattern
        try:
            pattern, context = cldr_to_strftime(cldr, locale.eras)
        except ValueError as exc:
            raise LocaleError("date", f"the {locale} {date} date pattern {cldr!r} uses {exc}, which "
                                      "pressrun cannot format; give a strftime pattern instead") from None
    else:
        pattern = date
    _fits("date", "the date pattern", pattern, _NATIVE_BYTES["date"])

    def names(kind: str, width: str, order: Iterable[int]) -> tuple[str, ...]:
        table = getattr(locale, kind)[context[kind]][width]
        return tuple(_fits("locale", f"the {locale} name", table[i], _NAME_BYTES) for i in order)

    sunday_first = (6, 0, 1, 2, 3, 4, 5)  # CLDR (Babel) days start on Monday = 0
    return NativeFormat(
        date=pattern,
        months=names("months", "wide", range(1, 13)),
        months_short=names("months", "abbreviated", range(1, 13)),
        weekdays=names("days", "wide", sunday_first),
        weekdays_short=names("days", "abbreviated", sunday_first))


# --------------------------------------------------------------------------- a field's formats

_COLUMN = re.compile(r"^\{([^{}]+)\}$")


def column_reference(value: Any) -> str | None:
    """'ccy' for '{ccy}', else None."""
    match = _COLUMN.match(value) if isinstance(value, str) else None
    return match.group(1) if match else None


def _spellings(code: str) -> list[str]:
    """How a record may write a listed locale: as listed, and with '_' or '-'."""
    canonical = str(parse_locale(code, "locales"))
    out = []
    for text in (code, canonical, canonical.replace("_", "-")):
        if text not in out:
            out.append(text)
    return out


def is_locale_format(fmt: Any) -> bool:
    return getattr(fmt, "locale", None) is not None or getattr(fmt, "locale_from", None) is not None


def field_formats(fmt: Any) -> FieldFormats:
    """The formats of a template FormatSpec that uses a locale (see
    is_locale_format); LocaleError names the format key at fault."""
    locale_from = fmt.locale_from
    listed = tuple(fmt.locales or ())
    default_locale = fmt.locale if fmt.locale is not None else (listed[0] if listed else None)
    if locale_from is not None:
        if not isinstance(locale_from, str) or not locale_from:
            raise LocaleError("locale_from", f"expected a column name, got {locale_from!r}")
        if not listed:
            raise LocaleError("locales", "locale_from needs `locales`: the locales the records may have")
    elif listed:
        raise LocaleError("locales", "`locales` lists the locales of locale_from; set locale_from too")
    if fmt.unknown_locale not in UNKNOWN_LOCALE:
        raise LocaleError("unknown_locale", f"expected one of: {', '.join(UNKNOWN_LOCALE)}, "
                                            f"got {fmt.unknown_locale!r}")
    if fmt.unknown_locale != "error" and locale_from is None:
        raise LocaleError("unknown_locale", "applies to per-record locales (locale_from)")
    parse_locale(default_locale)
    for code in listed:
        parse_locale(code, "locales")

    currency = fmt.currency
    currency_column = column_reference(currency)
    currencies = tuple(fmt.currencies or ())
    if currency_column is not None:
        if not currencies:
            raise LocaleError("currencies", f"currency from column '{currency_column}' needs "
                                            "`currencies`: the codes the records may have")
        for code in currencies:
            check_currency(code, "currencies")
        if fmt.unknown_locale == "default":
            raise LocaleError("unknown_locale", "cannot be default with a currency column (the default "
                                                "would show another currency); unknown locales fail")
    elif currencies:
        raise LocaleError("currencies", "`currencies` lists the codes of a currency column "
                                        "(currency: \"{column}\")")
    elif currency is not None:
        check_currency(currency)

    if fmt.date is not None:
        for key in ("style", "currency"):
            if getattr(fmt, key) is not None:
                raise LocaleError(key, "a date format takes no number options")

        def make(locale_code: str, _currency: str | None) -> NativeFormat:
            return date_format(locale_code, fmt.date)
    else:
        style = fmt.style or ("currency" if currency is not None else "decimal")
        symbol = fmt.symbol if fmt.symbol is not None else "standard"
        if not isinstance(symbol, str) or not symbol:
            raise LocaleError("symbol", f"expected standard, code or the symbol itself, got {symbol!r}")
        grouping = True if fmt.grouping is None else fmt.grouping
        if not isinstance(grouping, bool):
            raise LocaleError("grouping", f"expected true or false, got {grouping!r}")

        def make(locale_code: str, code: str | None) -> NativeFormat:
            return number_format(locale_code, style, code, symbol, fmt.decimals, grouping)

    first_currency = currencies[0] if currency_column is not None else currency
    default = make(default_locale, first_currency)
    if locale_from is None and currency_column is None:
        return FieldFormats(default)

    locale_keys: list[tuple[str, str]] = [("", default_locale)]  # a null locale: the default
    if locale_from is not None:
        for code in (default_locale,) + listed:
            locale_keys += [(text, code) for text in _spellings(code)]
    key_columns = tuple(c for c in (locale_from, currency_column) if c is not None)
    variants: dict[tuple[str, ...], NativeFormat] = {}
    for text, code in locale_keys:
        for currency_code in (currencies if currency_column is not None else (currency,)):
            keys = tuple(k for k, used in ((text, locale_from), (currency_code, currency_column))
                         if used is not None)
            if keys in variants:
                continue
            for key in keys:
                _fits("locales", "the locale or currency", key, _KEY_BYTES)
            variants[keys] = make(code, currency_code)
    return FieldFormats(default, key_columns, tuple(variants.items()),
                        fallback=fmt.unknown_locale == "default")
