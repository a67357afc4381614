"""Formats by locale, checked against Babel itself.

Every case composes a small document with the native core and compares the
text pypdf extracts with what Babel's own format_currency / format_decimal /
format_percent / format_date give for the same value (an independent
reference: pressrun only reads Babel's CLDR patterns, the core formats).
Babel rounds half to even and pressrun half away from zero, so the
references are made in a decimal context that rounds half up (= away from
zero); where pressrun applies CLDR's currency spacing and Babel does not,
the reference gets the no-break space CLDR prescribes (see _spaced).
"""
from __future__ import annotations

import datetime as dt
import decimal
import re
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from pdfcheck import page_texts

import pressrun
from pressrun.errors import TemplateError
from pressrun.template import template_from_dict

pytestmark = pytest.mark.native_boundary

NBSP, NNBSP = "\u00a0", "\u202f"
DAYS = [dt.date(2026, 3, 5), dt.date(1999, 12, 31), dt.date(2024, 2, 29), dt.date(2026, 11, 28)]


# --------------------------------------------------------------------------- references

def _half_up(function, *args, **kwargs) -> str:
    """Babel's text, rounding half away from zero with room for 38 digits."""
    with decimal.localcontext() as context:
        context.rounding = decimal.ROUND_HALF_UP
        context.prec = 80
        return function(*args, **kwargs)


def _spaced(text: str) -> str:
    """CLDR currency spacing, which Babel leaves out: a no-break space between a
    currency code (letters) and the digits next to it."""
    text = re.sub(r"(?<=[^\W\d_])(?=\d)", NBSP, text)
    return re.sub(r"(?<=\d)(?=[^\W\d_])", NBSP, text)


def currency(value, code, locale, **kwargs) -> str:
    return _spaced(_half_up(babel_numbers.format_currency, Decimal(str(value)), code, locale=locale,
                            **kwargs))


def decimal_text(value, locale, **kwargs) -> str:
    return _half_up(babel_numbers.format_decimal, Decimal(str(value)), locale=locale, **kwargs)


def percent(value, locale, **kwargs) -> str:
    return _half_up(babel_numbers.format_percent, Decimal(str(value)), locale=locale, **kwargs)


# --------------------------------------------------------------------------- composing

def _box_font(path, chars: str, family: str) -> None:
    """A TrueType font with a box glyph for each of `chars` (and a space), made
    with fontTools: a stand-in for a CJK font, or a font that lacks U+202F."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    codepoints = sorted({ord(c) for c in chars} | {0x20})
    names = [".notdef"] + [f"u{cp:04X}" for cp in codepoints]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({cp: f"u{cp:04X}" for cp in codepoints})
    glyphs = {}
    for name in names:
        pen = TTGlyphPen(None)
        if name not in (".notdef", "u0020"):
            pen.moveTo((50, 0))
            pen.lineTo((50, 700))
            pen.lineTo((550, 700))
            pen.lineTo((550, 0))
            pen.closePath()
        glyphs[name] = pen.glyph()
    builder.setupGlyf(glyphs)
    builder.setupHorizontalMetrics({name: (600, 50) for name in names})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": family, "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200)
    builder.setupPost()
    builder.save(str(path))


@pytest.fixture(scope="module")
def cjk_font(tmp_path_factory):
    """Box glyphs for what ja_JP dates and yen amounts need beyond DejaVu Sans."""
    path = tmp_path_factory.mktemp("fonts") / "boxes-cjk.ttf"
    _box_font(path, "年月日曜火水木金土￥", "Boxes CJK")
    return path


def _template(formats: dict, data_fields: dict | None = None, *, fonts: dict | None = None,
              fallback: tuple[str, ...] = ()) -> "pressrun.template.Template":
    """One line `name=<value>` per field of `formats` (name -> format mapping)."""
    text = "\n".join(f"{name}=<{{{name}}}>" for name in formats)
    fields = {name: {"required": False, "format": fmt} for name, fmt in formats.items()}
    fields.update(data_fields or {})
    return template_from_dict({
        "pressrun": 1,
        "name": "locales",
        "page": {"size": "A4"},
        "fonts": {"sans": {"family": "DejaVu Sans"}, **(fonts or {})},
        "styles": {"body": {"font": "sans", "size": "9pt", "fallback": list(fallback)}},
        "fields": fields,
        "elements": [{"paragraph": text, "box": ["10mm", "10mm", "190mm"], "style": "body"}],
    })


def _compose(table: pa.Table, template, tmp_path, name: str = "locales"):
    out = tmp_path / f"{name}.pdf"
    report = pressrun.compose(table, template=template, out=out)
    return report, out


def _values(table, template, tmp_path) -> list[dict[str, str]]:
    """Per record (page): field name -> the text between < and >."""
    report, out = _compose(table, template, tmp_path)
    assert report.exceptions == 0, pq.read_table(report.outputs["exceptions_parquet"]).to_pylist()
    texts = page_texts(out, range(report.pages))
    return [dict(re.findall(r"(\w+)=<(.*?)>", texts[page])) for page in range(report.pages)]


def _check(cases, tmp_path, **template_options) -> None:
    """cases: name -> (format, arrow values, expected texts); all of one length."""
    table = pa.table({name: values for name, (_, values, _) in cases.items()})
    template = _template({name: fmt for name, (fmt, _, _) in cases.items()}, **template_options)
    got = _values(table, template, tmp_path)
    for name, (fmt, values, expected) in cases.items():
        assert [page.get(name) for page in got] == list(expected), (name, fmt)


# --------------------------------------------------------------------------- money

AMOUNTS = [Decimal("1234.56"), Decimal("-1234.56"), Decimal("0"), Decimal("0.5"),
           Decimal("-98765432109876543210987654321.98"), Decimal("7.005"), Decimal("-0.51")]
CURRENCIES = {  # locale: currencies (the first the locale's own)
    "en_AU": ("AUD", "EUR", "USD"),
    "en_US": ("USD", "JPY"),
    "de_DE": ("EUR", "USD", "CHF"),
    "fr_FR": ("EUR", "GBP"),
    "nl_NL": ("EUR",),
    "ja_JP": ("JPY", "EUR"),
    "pt_BR": ("BRL", "USD"),
    "en_IN": ("INR",),
}


@pytest.mark.parametrize("locale", sorted(CURRENCIES))
def test_currency_as_babel_formats_it(locale, tmp_path, cjk_font):
    cases = {}
    values = pa.array(AMOUNTS, pa.decimal128(38, 3))
    for i, code in enumerate(CURRENCIES[locale]):
        expected = [currency(v, code, locale) for v in AMOUNTS]
        cases[f"c{i}"] = ({"locale": locale, "style": "currency", "currency": code}, values, expected)
        accounting = [currency(v, code, locale, format_type="accounting") for v in AMOUNTS]
        cases[f"a{i}"] = ({"locale": locale, "style": "accounting", "currency": code}, values, accounting)
    floats = [1234.56, -1234.56, 0.0, 0.5, -12345678.9, 2.675, -0.51]
    code = CURRENCIES[locale][0]
    cases["f"] = ({"locale": locale, "currency": code}, pa.array(floats, pa.float64()),
                  [currency(v, code, locale) for v in floats])
    ints = [1234, -1234, 0, 1, -9223372036854775807, 42, -1]
    cases["i"] = ({"locale": locale, "currency": code}, pa.array(ints, pa.int64()),
                  [currency(v, code, locale) for v in ints])
    _check(cases, tmp_path, fonts={"cjk": {"files": {"regular": str(cjk_font)}}}, fallback=("cjk",))


def test_currency_forms_named_in_the_brief(tmp_path):
    values = pa.array([Decimal("1234.56"), Decimal("-1234.56")], pa.decimal128(10, 2))
    _check({
        "de": ({"locale": "de_DE", "style": "currency", "currency": "EUR"}, values,
               [f"1.234,56{NBSP}€", f"-1.234,56{NBSP}€"]),
        "nl": ({"locale": "nl_NL", "style": "currency", "currency": "EUR"}, values,
               [f"€{NBSP}1.234,56", f"€{NBSP}-1.234,56"]),
        "au": ({"locale": "en_AU", "currency": "AUD"}, values, ["$1,234.56", "-$1,234.56"]),
        "us": ({"locale": "en_US", "currency": "USD"}, values, ["$1,234.56", "-$1,234.56"]),
        "acct": ({"locale": "en_US", "style": "accounting", "currency": "USD"}, values,
                 ["$1,234.56", "($1,234.56)"]),
        # symbol: code, or the symbol itself; CLDR spacing sets a code off
        "code": ({"locale": "en_US", "currency": "USD", "symbol": "code"}, values,
                 [f"USD{NBSP}1,234.56", f"-USD{NBSP}1,234.56"]),
        "own": ({"locale": "en_AU", "currency": "USD", "symbol": "US$"}, values,
                ["US$1,234.56", "-US$1,234.56"]),
        "eur_au": ({"locale": "en_AU", "currency": "EUR"}, values,
                   [f"EUR{NBSP}1,234.56", f"-EUR{NBSP}1,234.56"]),
        "jpy": ({"locale": "en_US", "currency": "JPY"}, values, ["¥1,235", "-¥1,235"]),
        "whole": ({"locale": "de_DE", "currency": "EUR", "decimals": 0}, values,
                  [f"1.235{NBSP}€", f"-1.235{NBSP}€"]),
        "flat": ({"locale": "en_AU", "currency": "AUD", "grouping": False}, values,
                 ["$1234.56", "-$1234.56"]),
    }, tmp_path)


def test_negative_values_that_round_to_zero_have_no_sign(tmp_path):
    # Babel writes "-€0.00" here; a statement never shows a negative zero.
    values = pa.array([Decimal("-0.004"), Decimal("-0.005")], pa.decimal128(10, 3))
    _check({"x": ({"locale": "en_US", "currency": "EUR"}, values, ["€0.00", "-€0.01"])}, tmp_path)


# --------------------------------------------------------------------------- numbers and percent

NUMBER_LOCALES = ["en_AU", "en_US", "de_DE", "fr_FR", "nl_NL", "ja_JP", "pt_BR", "en_IN", "sv_SE",
                  "es_ES", "ru_RU"]


def test_decimal_and_percent_as_babel_formats_them(tmp_path):
    numbers = [Decimal("1234567.891"), Decimal("-1234567.8915"), Decimal("0"), Decimal("0.5000"),
               Decimal("12345678901234567890123456789012.3456"), Decimal("-0.0006")]
    rates = [0.256, -0.1234, 0.0, 1.5, 0.0005, 12345.678]
    rate_decimals = [Decimal("0.12345"), Decimal("-0.5"), Decimal("0"), Decimal("2.00005"),
                     Decimal("0.99999"), Decimal("-1234.5")]
    cases = {}
    for i, locale in enumerate(NUMBER_LOCALES):
        cases[f"d{i}"] = ({"locale": locale}, pa.array(numbers, pa.decimal128(38, 4)),
                          [decimal_text(v, locale) for v in numbers])
        cases[f"p{i}"] = ({"locale": locale, "style": "percent"}, pa.array(rates, pa.float64()),
                          [percent(v, locale) for v in rates])
        cases[f"q{i}"] = ({"locale": locale, "style": "percent", "decimals": 2},
                          pa.array(rate_decimals, pa.decimal128(12, 5)),
                          [percent(v, locale, format=_with_decimals(locale, 2)) for v in rate_decimals])
    _check(cases, tmp_path)


def _with_decimals(locale: str, decimals: int) -> str:
    """The locale's percent pattern with `decimals` fixed fraction digits."""
    from babel import Locale

    pattern = Locale.parse(locale).percent_formats[None].pattern
    return pattern.replace("0%", "0." + "0" * decimals + "%").replace("0\u00a0%", "0." + "0" * decimals + "\u00a0%")


def test_integers_and_floats_as_decimals(tmp_path):
    ints = [0, 7, -1234567, 9223372036854775807, -9223372036854775808]
    floats = [1234.5678, -0.1, 1e15, 2.5, 123456789.125]
    cases = {}
    for i, locale in enumerate(("de_DE", "fr_FR", "en_IN")):
        cases[f"i{i}"] = ({"locale": locale}, pa.array(ints, pa.int64()),
                          [decimal_text(v, locale) for v in ints])
        cases[f"f{i}"] = ({"locale": locale}, pa.array(floats, pa.float64()),
                          [decimal_text(v, locale) for v in floats])
    _check(cases, tmp_path)


def test_narrow_no_break_space_is_kept_or_drawn_as_a_no_break_space(tmp_path):
    values = pa.array([1234567], pa.int64())
    # DejaVu Sans has U+202F: fr_FR's group separator is drawn as it is.
    got = _values(pa.table({"n": values}), _template({"n": {"locale": "fr_FR"}}), tmp_path)
    assert got[0]["n"] == f"1{NNBSP}234{NNBSP}567" == decimal_text(1234567, "fr_FR")
    # A font without it: the record still composes, with a no-break space.
    font = tmp_path / "no-narrow.ttf"
    _box_font(font, "0123456789=<>n" + NBSP, "Boxes Latin")
    template = template_from_dict({
        "pressrun": 1, "page": {"size": "A4"},
        "fonts": {"boxes": {"files": {"regular": str(font)}}},
        "styles": {"body": {"font": "boxes", "size": "9pt"}},
        "fields": {"n": {"format": {"locale": "fr_FR"}}},
        "elements": [{"paragraph": "n=<{n}>", "box": ["10mm", "10mm", "190mm"], "style": "body"}],
    })
    report, out = _compose(pa.table({"n": values}), template, tmp_path, "boxes")
    assert (report.documents, report.exceptions) == (1, 0)
    text = page_texts(out, [0])[0]
    assert re.search(f"1[{NBSP}{NNBSP} ]234[{NBSP}{NNBSP} ]567", text), text


# --------------------------------------------------------------------------- dates

DATE_LOCALES = ["en_GB", "en_US", "en_AU", "de_DE", "fr_FR", "nl_NL", "pt_BR", "ja_JP", "fi_FI",
                "ru_RU", "pl_PL", "el_GR"]


def test_named_date_lengths_as_babel_formats_them(tmp_path, cjk_font):
    cases = {}
    for i, locale in enumerate(DATE_LOCALES):
        for length in ("short", "medium", "long", "full"):
            cases[f"{length}{i}"] = ({"locale": locale, "date": length}, pa.array(DAYS, pa.date32()),
                                     [babel_dates.format_date(d, length, locale=locale) for d in DAYS])
    _check(cases, tmp_path, fonts={"cjk": {"files": {"regular": str(cjk_font)}}}, fallback=("cjk",))


def test_strftime_patterns_take_the_locale_names(tmp_path):
    stamps = [dt.datetime(2026, 3, 5, 14, 7, 9), dt.datetime(1999, 12, 31, 23, 59, 59)]
    cases = {}
    for i, locale in enumerate(("de_DE", "fr_FR", "ru_RU", "en_AU")):
        cases[f"d{i}"] = ({"locale": locale, "date": "%d %B %Y"}, pa.array(DAYS, pa.date32()),
                          [babel_dates.format_date(d, "dd MMMM y", locale=locale) for d in DAYS])
        cases[f"a{i}"] = ({"locale": locale, "date": "%a %-d %b %y"}, pa.array(DAYS, pa.date32()),
                          [babel_dates.format_date(d, "EEE d MMM yy", locale=locale) for d in DAYS])
    day_count = len(DAYS)
    stamps = (stamps * day_count)[:day_count]
    cases["ts"] = ({"locale": "de_DE", "date": "long"}, pa.array(stamps, pa.timestamp("ms")),
                   [babel_dates.format_date(s.date(), "long", locale="de_DE") for s in stamps])
    cases["tt"] = ({"locale": "de_DE", "date": "%A %-H:%M"}, pa.array(stamps, pa.timestamp("s")),
                   [babel_dates.format_datetime(s, "EEEE H:mm", locale="de_DE") for s in stamps])
    _check(cases, tmp_path)


# --------------------------------------------------------------------------- per record

PER_RECORD = {"locale_from": "lang", "locales": ["en_AU", "de_DE", "fr_FR"], "style": "currency",
              "currency": "EUR"}


@pytest.mark.parametrize("dictionary", [False, True], ids=["utf8", "dictionary"])
def test_locale_per_record_from_a_column(tmp_path, dictionary):
    langs = ["en_AU", "de_DE", "fr_FR", None, "de-DE", "fr_FR", "en_AU"]
    amounts = [Decimal("1234.56"), Decimal("-1234.56"), Decimal("1234567.5"), Decimal("5"),
               Decimal("0.01"), Decimal("-0.5"), Decimal("-98765432109876543210.99")]
    lang = pa.array(langs, pa.utf8())
    table = pa.table({"lang": lang.dictionary_encode() if dictionary else lang,
                      "amount": pa.array(amounts, pa.decimal128(38, 2)),
                      "day": pa.array((DAYS * 2)[:len(langs)], pa.date32())})
    template = _template({
        "amount": PER_RECORD,
        "day": {"locale_from": "lang", "locales": ["en_AU", "de_DE", "fr_FR"], "date": "full"},
    })
    got = _values(table, template, tmp_path)
    effective = [("en_AU" if lang is None else lang.replace("-", "_")) for lang in langs]
    assert [page["amount"] for page in got] == [
        currency(v, "EUR", locale) for v, locale in zip(amounts, effective)]
    assert [page["day"] for page in got] == [
        babel_dates.format_date(d, "full", locale=locale)
        for d, locale in zip(table.column("day").to_pylist(), effective)]


def test_a_locale_the_template_does_not_list_fails_the_record(tmp_path):
    table = pa.table({"lang": ["de_DE", "it_IT", "fr_FR"], "amount": [1.5, 2.5, 3.5]})
    report, _ = _compose(table, _template({"amount": PER_RECORD}), tmp_path)
    assert (report.documents, report.exceptions) == (2, 1)
    exceptions = pq.read_table(report.outputs["exceptions_parquet"]).to_pylist()
    assert len(exceptions) == 1
    reason = " ".join(str(v) for v in exceptions[0].values())
    assert "amount" in reason and "it_IT" in reason and "lang" in reason, exceptions

    # unknown_locale: default takes the default locale (the first listed) instead.
    template = _template({"amount": {**PER_RECORD, "unknown_locale": "default", "locale": "de_DE"}})
    got = _values(table, template, tmp_path)
    assert [page["amount"] for page in got] == [currency(1.5, "EUR", "de_DE"),
                                                currency(2.5, "EUR", "de_DE"),
                                                currency(3.5, "EUR", "fr_FR")]


def test_currency_per_record_from_a_column(tmp_path):
    table = pa.table({
        "lang": ["en_AU", "de_DE", "en_AU", "fr_FR", "de_DE"],
        "ccy": pa.array(["AUD", "EUR", "JPY", "USD", "JPY"]).dictionary_encode(),
        "amount": pa.array([Decimal("1234.5"), Decimal("-99.995"), Decimal("1234.5"),
                            Decimal("0.125"), Decimal("-7.5")], pa.decimal128(12, 3)),
    })
    currencies = ["AUD", "EUR", "JPY", "USD"]
    template = _template({
        "amount": {"locale_from": "lang", "locales": ["en_AU", "de_DE", "fr_FR"],
                   "currency": "{ccy}", "currencies": currencies},
        "fixed": {"locale": "en_US", "currency": "{ccy}", "currencies": currencies},
    })
    table = table.append_column("fixed", table.column("amount"))
    got = _values(table, template, tmp_path)
    rows = table.to_pylist()
    assert [page["amount"] for page in got] == [currency(r["amount"], r["ccy"], r["lang"]) for r in rows]
    assert [page["fixed"] for page in got] == [currency(r["amount"], r["ccy"], "en_US") for r in rows]

    # A currency that is not listed fails the record, naming it.
    bad = table.set_column(1, "ccy", pa.array(["AUD", "GBP", "AUD", "AUD", "AUD"]))
    report, _ = _compose(bad, template, tmp_path, "bad")
    assert (report.documents, report.exceptions) == (4, 1)
    reason = " ".join(str(v) for v in pq.read_table(report.outputs["exceptions_parquet"]).to_pylist()[0].values())
    assert "GBP" in reason and "ccy" in reason


def test_the_locale_column_must_be_in_the_data(tmp_path):
    table = pa.table({"amount": [1.0]})
    with pytest.raises(pressrun.errors.DataError, match="lang"):
        _compose(table, _template({"amount": PER_RECORD}), tmp_path)
    # Declared optional, an absent column gives every record the default locale.
    template = _template({"amount": PER_RECORD}, {"lang": {"required": False}})
    assert _values(table, template, tmp_path) == [{"amount": currency(1.0, "EUR", "en_AU")}]


# --------------------------------------------------------------------------- template errors

@pytest.mark.parametrize("fmt, key, message", [
    ({"locale": "de_XX"}, "locale", "unknown locale 'de_XX'"),
    ({"locale": "en_AU", "currency": "EUX"}, "currency", "unknown currency 'EUX'"),
    ({"locale": "en_AU", "style": "money"}, "style", "unknown style 'money'"),
    ({"locale": "en_AU", "style": "currency"}, "currency", "needs a currency"),
    ({"locale": "en_AU", "style": "percent", "currency": "EUR"}, "currency", "style currency"),
    ({"locale": "en_AU", "thousands": "."}, "thousands", "cannot be combined with `locale`"),
    ({"style": "currency", "currency": "EUR"}, "style", "needs `locale`"),
    ({"date": "long"}, "date", "needs `locale`"),
    ({"locale": "de_DE", "date": "%d %Q"}, "date", "unsupported directive '%Q'"),
    ({"locale": "de_DE", "date": "%-B"}, "date", "unsupported directive '%-B'"),
    ({"locale": "de_DE", "date": "full", "currency": "EUR"}, "currency", "no number options"),
    ({"locale": "de_DE", "date": "full", "style": "percent"}, "style", "no number options"),
    ({"locale_from": "lang", "currency": "EUR"}, "locales", "needs `locales`"),
    ({"locale": "de_DE", "locales": ["de_DE"]}, "locales", "set locale_from"),
    ({"locale_from": "lang", "locales": ["de_DE", "xx_YY"], "currency": "EUR"}, "locales",
     "unknown locale 'xx_YY'"),
    ({"locale_from": "lang", "locales": ["de_DE"], "currency": "EUR", "unknown_locale": "maybe"},
     "unknown_locale", "expected one of"),
    ({"locale": "de_DE", "currency": "{ccy}"}, "currencies", "needs `currencies`"),
    ({"locale": "de_DE", "currency": "{ccy}", "currencies": ["EUR", "EURO"]}, "currencies",
     "unknown currency 'EURO'"),
    ({"locale_from": "lang", "locales": ["de_DE"], "currency": "{ccy}", "currencies": ["EUR"],
      "unknown_locale": "default"}, "unknown_locale", "currency column"),
    ({"locale": "de_DE", "currency": "EUR", "symbol": ""}, "symbol", "expected standard, code"),
    ({"locale": "de_DE", "grouping": "yes"}, "grouping", "expected true or false"),
])
def test_template_errors_name_the_key(fmt, key, message):
    with pytest.raises(TemplateError) as raised:
        _template({"amount": fmt})
    text = str(raised.value)
    assert f"fields.amount.format.{key}" in text and message in text, text


def test_template_errors_from_yaml_name_the_line(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("pressrun: 1\npage: {size: A4}\nfonts: {sans: {family: DejaVu Sans}}\n"
                    "styles: {body: {font: sans, size: 9pt}}\n"
                    "fields:\n  amount:\n    format: {locale: de_DE, style: currency,\n"
                    "             currency: EURO}\n"
                    "elements:\n  - {text: '{amount}', at: [10mm, 10mm]}\n")
    with pytest.raises(TemplateError, match=r"t\.yaml:\d+: fields\.amount\.format\.currency: unknown "
                                            r"currency 'EURO'.*did you mean 'EUR'"):
        pressrun.template.load_template(path)


def test_a_table_or_page_field_cannot_pick_formats(tmp_path):
    template = _template({"amount": {**PER_RECORD, "locale_from": "page"}})
    with pytest.raises(TemplateError, match="fields.amount.format: 'page' is not a column"):
        _compose(pa.table({"amount": [1.0]}), template, tmp_path)


def test_table_rows_take_the_record_locale(tmp_path):
    rows = pa.list_(pa.struct([("what", pa.utf8()), ("amount", pa.decimal128(12, 2))]))
    table = pa.table({
        "lang": ["de_DE", "en_AU", "fr_FR"],
        "items": pa.array([[{"what": "a", "amount": Decimal("1234.5")},
                            {"what": "b", "amount": Decimal("-0.5")}],
                           [{"what": "a", "amount": Decimal("-1234567.25")}],
                           [{"what": "a", "amount": Decimal("99999.99")}]], rows),
    })
    template = template_from_dict({
        "pressrun": 1, "page": {"size": "A4"},
        "fonts": {"sans": {"family": "DejaVu Sans"}},
        "styles": {"body": {"font": "sans", "size": "9pt"}},
        "fields": {"items.amount": {"format": PER_RECORD}},
        "pages": {"first": {"flow_frames": [["20mm", "20mm", "170mm", "250mm"]]},
                  "next": {"flow_frames": [["20mm", "20mm", "170mm", "250mm"]]}},
        "flow": [{"table": {"rows": "items", "style": "body", "columns": [
            {"header": "What", "value": "{what}=<", "width": "40mm"},
            {"header": "Amount", "value": "{amount}>", "width": "60mm"}]}}],
    })
    report, out = _compose(table, template, tmp_path)
    assert (report.documents, report.exceptions) == (3, 0)
    texts = page_texts(out, range(report.pages))
    got = [re.findall(r"=<\s*(.*?)>", texts[page]) for page in range(report.pages)]
    assert got == [[currency(item["amount"], "EUR", record["lang"]) for item in record["items"]]
                   for record in table.to_pylist()]
