"""Linear and postal barcode symbols, encoded by the native core.

`encode(kind, data, **options)` returns a small dataclass for previews and
tests:

- ``"code128"`` (``gs1=True`` for GS1-128: FNC1 first, a GS character or
  ``gs1_separator`` in the data ends a variable-length element string):
  `Code128Symbol` with the element widths in modules (bar first,
  alternating bar/space, stop included, no quiet zones).
- ``"auspost"``: Australia Post 4-state customer barcode. ``data`` is the
  8-digit DPID, or the whole string FCC + DPID + customer information.
  Options: ``fcc`` ("11" standard, "45" reply paid, "87" routing,
  "92" redirection, "59" customer barcode 2, "62" customer barcode 3),
  ``customer`` (customer information) and ``encoding`` ("N" or "C"; default
  N for digits, C otherwise). `FourStateSymbol` with bars F/A/D/T.
- ``"imb"``: USPS Intelligent Mail barcode. ``data`` is the 20-digit tracking
  code followed by the 0, 5, 9 or 11-digit routing code (optionally after a
  "-"), or pass ``routing=``. `FourStateSymbol` with 65 bars.

Bad input raises `BarcodeError` (a `ValueError`) with the core's message.
"""
from __future__ import annotations

from dataclasses import dataclass

from pressrun import errors as _errors

__all__ = ["BarcodeError", "Code128Symbol", "FourStateSymbol", "encode", "KINDS"]

KINDS = ("code128", "auspost", "imb")


class BarcodeError(_errors.PressrunError, ValueError):
    """Data that a symbology cannot encode."""


@dataclass(frozen=True)
class Code128Symbol:
    kind: str
    text: str               # human-readable text
    modules: tuple          # element widths in modules, bar first
    width: int              # total width in modules (sum of modules)
    gs1: bool = False

    def module_string(self) -> str:
        """The symbol as '1' (bar) and '0' (space) modules."""
        return "".join(("1" if i % 2 == 0 else "0") * w for i, w in enumerate(self.modules))


@dataclass(frozen=True)
class FourStateSymbol:
    kind: str
    text: str               # human-readable text
    bars: str               # F full, A ascender, D descender, T tracker
    fcc: str | None = None  # Australia Post format control code
    encoding: str | None = None


def _native():
    from pressrun import _native
    return _native


def _call(function, *args):
    try:
        return function(*args)
    except (_errors.NativeError, ValueError) as exc:
        raise BarcodeError(str(exc)) from None


_AUSPOST_CUSTOMER = {"59": (8, 5), "62": (15, 10)}
_AUSPOST_BY_LENGTH = {8: "11", 13: "59", 16: "59", 18: "62", 23: "62"}


def _encode_auspost(data, fcc=None, customer=None, encoding=None):
    data = str(data)
    if fcc is None and customer is None and len(data) > 8:
        # FCC + DPID + customer information in one string.
        fcc, dpid, customer = data[:2], data[2:10], data[10:]
    else:
        dpid = data
        if fcc is None:
            fcc = "11" if not customer else ("62" if len(customer) > 8 or (
                len(customer) > 5 and not customer.isdigit()) else "59")
    fcc = str(fcc)
    customer = customer or ""
    if encoding is not None:
        encoding = str(encoding).upper()
    bars = _call(_native().auspost_encode, fcc, dpid, customer, encoding)
    used = encoding or ("N" if customer.isdigit() or not customer else "C")
    text = f"{fcc} {dpid}" + (f" {customer}" if customer else "")
    return FourStateSymbol("auspost", text, bars, fcc=fcc,
                           encoding=used if fcc in _AUSPOST_CUSTOMER else None)


def _encode_imb(data, routing=None):
    data = str(data).replace(" ", "")
    if routing is None:
        if "-" in data:
            data, routing = data.split("-", 1)
        else:
            data, routing = data[:20], data[20:]
    routing = routing or ""
    bars = _call(_native().imb_encode, data, routing)
    text = data + (f"-{routing}" if routing else "")
    return FourStateSymbol("imb", text, bars)


def _encode_code128(data, gs1=False, gs1_separator="\x1d"):
    if isinstance(data, bytes):
        data = data.decode("latin-1")
    data = str(data)
    payload = data.replace(gs1_separator, "\x1d") if gs1 else data
    widths, total = _call(_native().code128_encode, payload, bool(gs1))
    text = "".join(c if " " <= c < "\x7f" else " " for c in data)
    return Code128Symbol("code128", text, tuple(widths), int(total), gs1=bool(gs1))


def encode(kind: str, data, **options):
    """Encodes `data` as a `kind` symbol ("code128", "auspost", "imb")."""
    kind = kind.lower().replace("-", "").replace("_", "")
    if kind in ("code128", "gs1128"):
        if kind == "gs1128":
            options.setdefault("gs1", True)
        return _encode_code128(data, **options)
    if kind in ("auspost", "australiapost"):
        return _encode_auspost(data, **options)
    if kind in ("imb", "usps", "intelligentmail"):
        return _encode_imb(data, **options)
    raise BarcodeError(f"unknown barcode kind {kind!r} (expected one of {', '.join(KINDS)})")
