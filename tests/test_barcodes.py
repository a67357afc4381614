"""Code 128, Australia Post 4-state and USPS Intelligent Mail symbols from the
native core, compared bar for bar with zint (the CLI from Debian's `zint`
package) as an independent reference encoder, plus the worked examples of
USPS-B-3200 and the error messages for bad input.

zint's `--dump` prints the symbol as rows of hex digits (1 = dark module).
A 4-state symbol is three rows (ascender, tracker, descender) with one module
per bar and one blank module between bars; a linear symbol is one row.
"""
from __future__ import annotations

import random
import shutil
import string
import subprocess

import pytest

from pressrun import barcodes

pytestmark = pytest.mark.native_boundary

ZINT = shutil.which("zint")
needs_zint = pytest.mark.skipif(ZINT is None, reason="zint (the reference encoder) is not installed: apt-get install zint")


def _zint_rows(symbology: int, data: str, *extra: str) -> list[str]:
    result = subprocess.run([ZINT, f"--barcode={symbology}", *extra, "--dump", "-d", data],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"zint refused {data!r}: {result.stdout}{result.stderr}"
    rows = []
    for line in result.stdout.strip().splitlines():
        rows.append("".join(format(int(c, 16), "04b") for c in line.replace(" ", "")))
    return rows


def zint_four_state(symbology: int, data: str, bar_count: int) -> str:
    rows = _zint_rows(symbology, data)
    top, bottom = rows[0], rows[-1]
    bars = []
    for i in range(bar_count):
        up, down = top[2 * i] == "1", bottom[2 * i] == "1"
        bars.append("F" if up and down else "A" if up else "D" if down else "T")
    # Nothing dark beyond the last bar (the dump pads to whole hex digits).
    assert set(top[2 * bar_count - 1:]) <= {"0"} and set(bottom[2 * bar_count - 1:]) <= {"0"}
    return "".join(bars)


def zint_modules(symbology: int, data: str, *extra: str) -> str:
    (row,) = _zint_rows(symbology, data, *extra)
    return row


def _matches_modules(ours: str, theirs: str) -> bool:
    return theirs[:len(ours)] == ours and set(theirs[len(ours):]) <= {"0"} and len(theirs) - len(ours) < 4


# An independent reading of Code 128 module strings (written for the tests
# from ISO/IEC 15417's character table, not from the encoder): symbol
# characters, the check, and the data they carry (FNC1 read as GS).
_C128_WIDTHS = (
    "212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 221312 231212 "
    "112232 122132 122231 113222 123122 123221 223211 221132 221231 213212 223112 312131 "
    "311222 321122 321221 312212 322112 322211 212123 212321 232121 111323 131123 131321 "
    "112313 132113 132311 211313 231113 231311 112133 112331 132131 113123 113321 133121 "
    "313121 211331 231131 213113 213311 213131 311123 311321 331121 312113 312311 332111 "
    "314111 221411 431111 111224 111422 121124 121421 141122 141221 112214 112412 122114 "
    "122411 142112 142211 241211 221114 413111 241112 134111 111242 121142 121241 114212 "
    "124112 124211 411212 421112 421211 212141 214121 412121 111143 111341 131141 114113 "
    "114311 411113 411311 113141 114131 311141 411131 211412 211214 211232").split()


def read_code128(modules: str):
    """(symbol character values, decoded text) of a module string."""
    runs = [len(m) for m in "".join("|" + c if i and c != modules[i - 1] else c
                                      for i, c in enumerate(modules.rstrip("0"))).split("|")]
    assert "".join(map(str, runs[-7:])) == "2331112", "no stop pattern"
    values = [_C128_WIDTHS.index("".join(map(str, runs[i:i + 6]))) for i in range(0, len(runs) - 7, 6)]
    assert values[-1] == (values[0] + sum(i * v for i, v in enumerate(values[1:-1], 1))) % 103
    code_set = "ABC"[values[0] - 103]
    text, shift = [], False
    for v in values[1:-1]:
        current = ("B" if code_set == "A" else "A") if shift else code_set
        shift = False
        if v == 102:
            text.append("\x1d")
        elif current == "C" and v < 100:
            text.append(f"{v:02d}")
        elif v == 98 and current != "C":
            shift = True
        elif current == "C" or v >= 99:
            code_set = {99: "C", 100: "B", 101: "A"}[v]
        elif current == "A":
            text.append(chr(v + 32) if v < 64 else chr(v - 64))
        else:
            text.append(chr(v + 32))
    return values, "".join(text)


def assert_code128_like_zint(ours: str, theirs: str, data: str, counts: dict):
    """Ours equals zint's symbol, or (where zint picks other code sets) reads
    back to the same data and is no wider. The tally is in `counts`."""
    if _matches_modules(ours, theirs):
        counts["identical"] = counts.get("identical", 0) + 1
        return
    ours_values, ours_text = read_code128(ours)
    theirs_values, theirs_text = read_code128(theirs)
    assert ours_text == theirs_text == data
    assert len(ours_values) <= len(theirs_values)
    counts["equivalent"] = counts.get("equivalent", 0) + 1


CODE128_COUNTS: dict = {}


# ---- USPS Intelligent Mail ----------------------------------------------

SPEC_EXAMPLES = [  # USPS-B-3200, the worked examples of the appendix
    ("01234567094987654321", "",
     "ATTFATTDTTADTAATTDTDTATTDAFDDFADFDFTFFFFFTATFAAAATDFFTDAADFTFDTDT"),
    ("01234567094987654321", "01234",
     "DTTAFADDTTFTDTFTFDTDDADADAFADFATDDFTAAAFDTTADFAAATDFDTDFADDDTDFFT"),
    ("01234567094987654321", "012345678",
     "ADFTTAFDTTTTFATTADTAAATFTFTATDAAAFDDADATATDTDTTDFDTDATADADTDFFTFA"),
    ("01234567094987654321", "01234567891",
     "AADTFFDFTDADTAADAATFDTDDAAADDTDTTDAFADADDDTFFFDDTTTADFAAADFTDAADA"),
]


@pytest.mark.parametrize("tracking,routing,expected", SPEC_EXAMPLES)
def test_imb_spec_examples(tracking, routing, expected):
    symbol = barcodes.encode("imb", tracking, routing=routing)
    assert symbol.bars == expected
    assert symbol.text == tracking + (f"-{routing}" if routing else "")


def _imb_inputs(count=40):
    rng = random.Random(4)
    cases = [(t, r) for t, r, _ in SPEC_EXAMPLES]
    cases += [("00000000000000000000", ""), ("94999999999999999999", "99999999999"),
              ("00040123456200800001", "987654321"), ("01234567094987654321", "00000")]
    while len(cases) < count:
        digits = "".join(rng.choice(string.digits) for _ in range(20))
        tracking = digits[0] + rng.choice("01234") + digits[2:]
        routing = "".join(rng.choice(string.digits) for _ in range(rng.choice([0, 5, 9, 11])))
        cases.append((tracking, routing))
    return cases


@needs_zint
@pytest.mark.parametrize("tracking,routing", _imb_inputs())
def test_imb_equals_zint(tracking, routing):
    ours = barcodes.encode("imb", tracking + routing).bars
    data = tracking + (f"-{routing}" if routing else "")
    assert ours == zint_four_state(85, data, 65)


@pytest.mark.parametrize("data,message", [
    ("0123456709498765432", "20 digits"),
    ("0123456709498765432X", "character 20 ('X') is not a digit"),
    ("05234567094987654321", "second digit"),
    ("01234567094987654321-1234", "0, 5, 9 or 11 digits"),
    ("01234567094987654321-1234x", "routing code character 5"),
])
def test_imb_bad_input(data, message):
    with pytest.raises(barcodes.BarcodeError, match=message.replace("(", r"\(").replace(")", r"\)")):
        barcodes.encode("imb", data)


# ---- Australia Post 4-state ---------------------------------------------

# zint: 63 standard customer (8 digits: FCC 11; 13 chars: FCC 59 with C
# encoding, 16 digits: FCC 59 N; 18 chars: FCC 62 C, 23 digits: FCC 62 N),
# 66 reply paid (FCC 45), 67 routing (FCC 87), 68 redirection (FCC 92).
ZINT_AUSPOST = {"11": 63, "59": 63, "62": 63, "45": 66, "87": 67, "92": 68}
BARS = {"11": 37, "45": 37, "87": 37, "92": 37, "59": 52, "62": 67}
C_CHARACTERS = string.ascii_letters + string.digits + " #"


def _auspost_inputs(per_kind=8):
    rng = random.Random(63)
    dpid = lambda: "".join(rng.choice(string.digits) for _ in range(8))  # noqa: E731
    cases = [("11", "39987520", ""), ("11", "00000000", ""), ("11", "99999999", ""),
             ("59", "12345678", "ABcd#"), ("62", "12345678", "          "),
             ("59", "12345678", "00000000"), ("62", "12345678", "999999999999999")]
    for fcc in ("11", "45", "87", "92"):
        cases += [(fcc, dpid(), "") for _ in range(per_kind)]
    for _ in range(per_kind):
        cases.append(("59", dpid(), "".join(rng.choice(string.digits) for _ in range(8))))
        cases.append(("59", dpid(), "".join(rng.choice(C_CHARACTERS) for _ in range(4)) + rng.choice(string.ascii_letters)))
        cases.append(("62", dpid(), "".join(rng.choice(string.digits) for _ in range(15))))
        cases.append(("62", dpid(), "".join(rng.choice(C_CHARACTERS) for _ in range(9)) + rng.choice("#abcXYZ")))
    return cases


@needs_zint
@pytest.mark.parametrize("fcc,dpid,customer", _auspost_inputs())
def test_auspost_equals_zint(fcc, dpid, customer):
    symbol = barcodes.encode("auspost", dpid, fcc=fcc, customer=customer)
    assert len(symbol.bars) == BARS[fcc]
    assert symbol.bars[:2] == "AT" and symbol.bars[-2:] == "AT"
    # zint takes the DPID and customer information and infers the FCC (and
    # for FCC 59/62 the N or C encoding) from the length.
    zint_data = dpid + customer
    assert symbol.bars == zint_four_state(ZINT_AUSPOST[fcc], zint_data, BARS[fcc])


def test_auspost_whole_string_and_encodings():
    whole = barcodes.encode("auspost", "5912345678ABcd#")
    assert whole.fcc == "59" and whole.encoding == "C"
    assert whole.bars == "ATADTFFAFDAFAAADDFDADDFFFFFAFTAFTDFATTAFFDTAAFDDTDAT"
    # Digits in C encoding differ from the same digits in N encoding.
    n = barcodes.encode("auspost", "12345678", fcc="59", customer="123", encoding="N")
    c = barcodes.encode("auspost", "12345678", fcc="59", customer="123", encoding="C")
    assert n.encoding == "N" and c.encoding == "C" and n.bars != c.bars
    assert n.bars[:22] == c.bars[:22]


@pytest.mark.parametrize("kwargs,message", [
    (dict(data="1234567"), "DPID must have 8 digits"),
    (dict(data="1234567A"), r"DPID character 8 \('A'\)"),
    (dict(data="12345678", fcc="13"), 'unsupported FCC "13"'),
    (dict(data="12345678", fcc="11", customer="1"), "no customer information"),
    (dict(data="12345678", fcc="59", customer="123456789", encoding="N"), "at most 8 digits"),
    (dict(data="12345678", fcc="62", customer="AB-", encoding="C"), r"character 3 \('-'\)"),
    (dict(data="12345678", fcc="59", customer="ABCDEF"), "at most 5 characters"),
])
def test_auspost_bad_input(kwargs, message):
    data = kwargs.pop("data")
    with pytest.raises(barcodes.BarcodeError, match=message):
        barcodes.encode("auspost", data, **kwargs)


# ---- Code 128 -------------------------------------------------------------

def _code128_inputs(count=60):
    rng = random.Random(128)
    cases = ["AB12", "1", "12", "123", "1234", "12345", "X1234Y", "A12345B", "abc\tdef",
             "\x01\x02ABC", "ab\x01cd", "Hello, World 123456", "00123456789012",
             "PIECE 000123 SHEET 1/3", "~!@#$%^&*()_+{}|:\"<>?", "\x7f\x1f\x00x"]
    alphabets = [string.digits, string.ascii_letters + string.digits, string.printable[:95],
                 string.digits * 4 + "AB", string.ascii_uppercase + "\x01\x02\x1b" + string.digits,
                 string.ascii_lowercase + "\t\r\n"]
    while len(cases) < count:
        alphabet = rng.choice(alphabets)
        cases.append("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))))
    return cases


@needs_zint
@pytest.mark.parametrize("data", _code128_inputs())
def test_code128_equals_zint(data):
    symbol = barcodes.encode("code128", data)
    assert sum(symbol.modules) == symbol.width
    assert all(1 <= w <= 4 for w in symbol.modules)
    assert symbol.width == 11 * (len(symbol.modules) - 7) // 6 + 13
    escaped = data.replace("\\", "\\\\")
    for char in set(escaped):
        if ord(char) < 32 or ord(char) == 127:
            escaped = escaped.replace(char, f"\\x{ord(char):02X}")
    assert_code128_like_zint(symbol.module_string(), zint_modules(20, escaped, "--esc"), data,
                             CODE128_COUNTS)


GS1_CASES = [  # (zint's bracketed AIs, our data with GS separators)
    ("[01]12345678901231", "0112345678901231"),
    ("[10]ABC[21]123", "10ABC\x1d21123"),
    ("[01]12345678901231[10]ABC123", "011234567890123110ABC123"),
    ("[00]123456789012345675", "00123456789012345675"),
    ("[01]09501101530003[17]140704[10]AB-123", "01095011015300031714070410AB-123"),
    ("[21]12345[30]8", "2112345\x1d308"),
]


@needs_zint
@pytest.mark.parametrize("zint_data,data", GS1_CASES)
def test_gs1_128_equals_zint(zint_data, data):
    symbol = barcodes.encode("code128", data, gs1=True)
    assert read_code128(symbol.module_string())[0][1] == 102  # FNC1 after the start
    assert_code128_like_zint(symbol.module_string(), zint_modules(16, zint_data),
                             "\x1d" + data, CODE128_COUNTS)


@needs_zint
def test_code128_mostly_identical_to_zint():
    """Runs after the comparisons: most symbols are zint's, bit for bit."""
    if sum(CODE128_COUNTS.values()) < len(_code128_inputs()) + len(GS1_CASES):
        pytest.skip("run with the Code 128 comparisons")
    assert CODE128_COUNTS.get("identical", 0) >= 0.9 * sum(CODE128_COUNTS.values()), CODE128_COUNTS


@pytest.mark.parametrize("data,message", [
    ("", "empty"),
    ("abcé", r"character 4 \('é'\) is not ASCII"),
    ("A" * 300, "more than the 256"),
])
def test_code128_bad_input(data, message):
    with pytest.raises(barcodes.BarcodeError, match=message):
        barcodes.encode("code128", data)


def test_unknown_kind():
    with pytest.raises(barcodes.BarcodeError, match="unknown barcode kind"):
        barcodes.encode("pdf417", "x")
