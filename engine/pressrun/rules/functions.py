"""What rule expressions can call: the kinds of value, the function table, and
the aggregates over list items with their segmented reductions.

Every function here works on whole Arrow arrays (or scalars): a function is
called once per batch, never once per record.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Optional

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# --------------------------------------------------------------------------- kinds of value

NUMERIC = ("integer", "float", "decimal")
SCALAR_KINDS = ("bool", "string", "date", "timestamp") + NUMERIC
# The `type:` a rule may declare, and the kinds each one accepts.
DECLARED_TYPES = {"bool": ("bool",), "string": ("string",), "integer": ("integer",), "float": ("float",),
                  "decimal": ("decimal",), "number": NUMERIC, "date": ("date",)}


def kind_of(data_type: pa.DataType) -> str:
    """The kind of value a type holds, as rules see it (after dictionaries are decoded)."""
    checks = (("null", pa.types.is_null), ("bool", pa.types.is_boolean), ("integer", pa.types.is_integer),
              ("float", pa.types.is_floating), ("decimal", pa.types.is_decimal),
              ("string", pa.types.is_string), ("date", pa.types.is_date32), ("timestamp", pa.types.is_timestamp),
              ("list", pa.types.is_list), ("list", pa.types.is_large_list), ("struct", pa.types.is_struct))
    return next((kind for kind, check in checks if check(data_type)), str(data_type))


def describe(data_type: pa.DataType) -> str:
    kind = kind_of(data_type)
    return kind if kind == str(data_type) else f"{kind} ({data_type})"


def decimal_literal(value: Decimal | int) -> pa.Scalar:
    """The narrowest decimal128 that holds a literal exactly (12.50 -> decimal128(4, 2))."""
    value = Decimal(value)
    exponent = value.as_tuple().exponent
    scale = max(0, -exponent)
    precision = max(len(value.as_tuple().digits) + max(0, exponent), scale, 1)
    return pa.scalar(value, pa.decimal128(precision, scale))


# --------------------------------------------------------------------------- failures per record

@dataclass(frozen=True)
class Failure:
    """The records (mask true) whose value could not be computed, and why."""
    mask: pa.BooleanArray          # no nulls; one entry per record, or per item inside an aggregate
    reason: str                    # '{}' in it is replaced by the offending value
    shown: Optional[pa.Array] = None  # the offending values, aligned with mask

    def within(self, guard: Any) -> Optional["Failure"]:
        """The failure restricted to where `guard` (a boolean with no nulls) holds: a failing
        branch of a case that the record did not take is no failure of that record."""
        mask = pc.and_(self.mask, guard)
        return Failure(mask, self.reason, self.shown) if pc.any(mask).as_py() else None

    def message(self, row: int) -> str:
        if self.shown is None:
            return self.reason
        return self.reason.format(repr(self.shown[row].as_py()))


def failures_where(mask: Any, reason: str, length: int, shown: Any = None) -> tuple[Failure, ...]:
    """A Failure for the records where mask is true (null counts as false), or none."""
    if isinstance(mask, pa.Scalar):  # an expression of literals only: every record fails, or none
        if not mask.as_py():
            return ()
        mask = pa.repeat(pa.scalar(True), length)
    else:
        mask = pc.fill_null(mask, False)
        if not pc.any(mask).as_py():
            return ()
    if isinstance(shown, pa.Scalar):
        shown = pa.repeat(shown, length)
    return (Failure(mask, reason, shown),)


# --------------------------------------------------------------------------- the function table

@dataclass(frozen=True)
class Param:
    name: str
    kinds: tuple[str, ...]
    literal: bool = False  # must be written as a literal: it sets an option of the kernel


@dataclass(frozen=True)
class Function:
    """kernel(*args) -> data; a fallible kernel returns (data, [(mask, reason, shown), ...]);
    a constant function is evaluated once, when the rule is compiled."""
    name: str
    params: tuple[Param, ...]
    kernel: Callable[..., Any]
    required: Optional[int] = None  # how many params are required (default: all)
    variadic: bool = False          # the last param repeats
    fallible: bool = False
    constant: bool = False

    @property
    def min_args(self) -> int:
        return len(self.params) if self.required is None else self.required


_TEXT = ("string",)
_INTEGER = ("integer",)
_DATES = ("date", "timestamp")
_NUMBER_TEXT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_ISO_DATE = "%Y-%m-%d"


def _substr(text, start: int, length: Optional[int] = None):
    if start < 1:
        raise ValueError(f"substr() counts characters from 1, got start {start}")
    if length is not None and length < 0:
        raise ValueError(f"substr() needs a length of 0 or more, got {length}")
    stop = None if length is None else start - 1 + length
    return pc.utf8_slice_codeunits(text, start - 1, stop)


def _concat(*values):
    texts = [value if kind_of(value.type) == "string" else pc.cast(value, pa.string()) for value in values]
    return pc.binary_join_element_wise(*texts, "", null_handling="replace", null_replacement="")


def _round(number, digits: int = 0):
    data_type = number.type
    if kind_of(data_type) == "integer" and digits >= 0:
        return number
    rounded = pc.round(number, ndigits=digits, round_mode="half_towards_infinity")
    if kind_of(data_type) == "decimal" and 0 <= digits < data_type.scale:
        # Fewer decimals after rounding; one more integer digit for 9.995 -> 10.00.
        precision = min(data_type.precision - data_type.scale + digits + 1, 38)
        return pc.cast(rounded, pa.decimal128(precision, digits))
    return rounded


def _to_number(text):
    text = pc.utf8_trim_whitespace(text)
    readable = pc.match_substring_regex(text, _NUMBER_TEXT.pattern)
    number = pc.cast(pc.if_else(readable, text, pa.scalar(None, pa.string())), pa.float64())
    return number, [(pc.invert(readable), "cannot read {} as a number", text)]


def _to_date(text, date_format: str = _ISO_DATE):
    text = pc.utf8_trim_whitespace(text)
    stamp = pc.strptime(text, format=date_format, unit="s", error_is_null=True)
    # strptime rolls 30 February over to 2 March; writing the date back catches it.
    exact = pc.fill_null(pc.equal(pc.strftime(stamp, format=date_format), text), False)
    unreadable = pc.and_(pc.is_valid(text), pc.invert(exact))
    date = pc.cast(pc.if_else(exact, stamp, pa.scalar(None, stamp.type)), pa.date32())
    expected = "YYYY-MM-DD" if date_format == _ISO_DATE else date_format
    return date, [(unreadable, f"cannot read {{}} as a date (expected {expected})", text)]


def _date_literal(text: str) -> pa.Scalar:
    try:
        return pa.scalar(datetime.date.fromisoformat(text), pa.date32())
    except ValueError:
        raise ValueError(f"not a date: {text!r} (write date('YYYY-MM-DD'))") from None


FUNCTIONS: dict[str, Function] = {f.name: f for f in (
    Function("upper", (Param("text", _TEXT),), pc.utf8_upper),
    Function("lower", (Param("text", _TEXT),), pc.utf8_lower),
    Function("trim", (Param("text", _TEXT),), pc.utf8_trim_whitespace),
    Function("length", (Param("text", _TEXT),), pc.utf8_length),
    Function("substr", (Param("text", _TEXT), Param("start", _INTEGER, literal=True),
                        Param("length", _INTEGER, literal=True)), _substr, required=2),
    Function("starts_with", (Param("text", _TEXT), Param("prefix", _TEXT, literal=True)),
             lambda text, prefix: pc.starts_with(text, pattern=prefix)),
    Function("ends_with", (Param("text", _TEXT), Param("suffix", _TEXT, literal=True)),
             lambda text, suffix: pc.ends_with(text, pattern=suffix)),
    Function("contains", (Param("text", _TEXT), Param("part", _TEXT, literal=True)),
             lambda text, part: pc.match_substring(text, pattern=part)),
    Function("replace", (Param("text", _TEXT), Param("old", _TEXT, literal=True),
                         Param("new", _TEXT, literal=True)),
             lambda text, old, new: pc.replace_substring(text, pattern=old, replacement=new)),
    Function("concat", (Param("value", SCALAR_KINDS),), _concat, variadic=True),
    Function("abs", (Param("number", NUMERIC),), pc.abs),
    Function("round", (Param("number", NUMERIC), Param("digits", _INTEGER, literal=True)), _round, required=1),
    Function("to_number", (Param("text", _TEXT),), _to_number, fallible=True),
    Function("to_date", (Param("text", _TEXT), Param("format", _TEXT, literal=True)), _to_date,
             required=1, fallible=True),
    Function("date", (Param("text", _TEXT, literal=True),), _date_literal, constant=True),
    Function("year", (Param("date", _DATES),), pc.year),
    Function("month", (Param("date", _DATES),), pc.month),
    Function("day", (Param("date", _DATES),), pc.day),
    Function("days_between", (Param("start", _DATES), Param("end", _DATES)), pc.days_between),
)}


# --------------------------------------------------------------------------- aggregates over list items
#
# Inside an aggregate the items of one list column are flattened: item i belongs
# to record parents[i], parents is sorted, and record r has counts[r] items. So
# the items of a record are one contiguous run and a reduction per record is a
# segmented reduction (numpy reduceat) over fixed-width values, with Arrow's hash
# aggregation for the rest (text, wide decimals, sums that could overflow).
# `where` gives keep, one flag per item: an item not kept counts as a null one.

@dataclass(frozen=True)
class Aggregate:
    name: str
    kinds: tuple[str, ...]  # what the items may hold
    result: Callable[[pa.DataType], pa.DataType]
    # (values, or None to count the items themselves; keep or None; parents; counts; result type)
    # -> one per record; a fallible one returns (that, the records it could not compute or None)
    reduce: Callable[[Optional[pa.Array], Optional[np.ndarray], np.ndarray, np.ndarray, pa.DataType], Any]
    fallible: bool = False


def _sum_type(data_type: pa.DataType) -> pa.DataType:
    kind = kind_of(data_type)
    if kind == "decimal":  # room for ten thousand million items of the largest value
        return pa.decimal128(min(data_type.precision + 10, 38), data_type.scale)
    return pa.int64() if kind == "integer" else pa.float64()


def _validity(values: Optional[pa.Array], keep: Optional[np.ndarray]) -> Optional[np.ndarray]:
    """Which items count: valid and kept (None: all of them)."""
    valid = np.asarray(pc.is_valid(values)) if values is not None and values.null_count else None
    if keep is None:
        return valid
    return keep if valid is None else valid & keep


def _fixed_width(values: pa.Array, keep: Optional[np.ndarray]) -> Optional[tuple[np.ndarray, Optional[np.ndarray]]]:
    """(numbers, valid) of values that numpy can reduce exactly: integers, floats and
    dates as int64/float64, decimals of up to 18 digits as their unscaled int64;
    items that do not count read as 0, and valid says which (None: all).
    None for other types."""
    data_type = values.type
    kind = kind_of(data_type)
    if fits_int64(data_type):
        numbers = unscaled(values)
    elif kind in ("integer", "float", "date") and data_type != pa.uint64():
        if kind == "date":
            values = pc.cast(values, pa.int32())
        wide = pa.float64() if kind == "float" else pa.int64()
        numbers = np.asarray(pc.fill_null(pc.cast(values, wide), 0))
    else:
        return None
    valid = _validity(values, keep)
    return (numbers if valid is None else _blanked(numbers, valid, 0)), valid


def fits_int64(data_type: pa.DataType) -> bool:
    """Whether every value of a decimal type is an int64 once unscaled (12.50 -> 1250)."""
    return pa.types.is_decimal128(data_type) and data_type.precision <= 18


def unscaled(values: pa.Array) -> np.ndarray:
    """The unscaled int64 of each decimal (a view; a null one reads as any number).
    A decimal128 is a 16-byte little-endian integer: up to 18 digits the low 8 bytes hold it."""
    words = np.frombuffer(values.buffers()[1], dtype=np.int64)
    return words[2 * values.offset:2 * (values.offset + len(values)):2]


def _blanked(numbers: np.ndarray, valid: np.ndarray, blank: Any) -> np.ndarray:
    """numbers where valid, blank elsewhere. Whole numbers by arithmetic: a masked
    select is several times slower; floats by select, as NaN * 0 is not 0."""
    if numbers.dtype.kind == "f":
        return np.where(valid, numbers, blank)
    out = numbers * valid
    if blank:
        out += np.int64(blank) * ~valid
    return out


def segmented(ufunc: np.ufunc, numbers: np.ndarray, counts: np.ndarray, empty: Any, dtype: Any = None) -> np.ndarray:
    """ufunc reduced over each record's run of items (in dtype); `empty` for a record with none."""
    dtype = dtype or numbers.dtype
    out = np.full(len(counts), empty, dtype=dtype)
    nonempty = counts > 0
    if numbers.size:
        starts = np.cumsum(counts) - counts
        out[nonempty] = ufunc.reduceat(numbers, starts[nonempty], dtype=dtype)
    return out


def _counted(valid: Optional[np.ndarray], counts: np.ndarray) -> np.ndarray:
    """How many items count per record."""
    return counts if valid is None else segmented(np.add, valid, counts, 0, dtype=np.int64)


def _to_arrow(numbers: np.ndarray, valid: Optional[np.ndarray], data_type: pa.DataType) -> pa.Array:
    """The inverse of _fixed_width, one value per record."""
    kind = kind_of(data_type)
    if kind == "decimal":
        words = np.empty((len(numbers), 2), dtype=np.int64)
        words[:, 0], words[:, 1] = numbers, numbers >> 63  # the high word extends the sign
        validity = None if valid is None else pa.array(valid).buffers()[1]
        return pa.Array.from_buffers(data_type, len(numbers), [validity, pa.py_buffer(words)])
    mask = None if valid is None else ~valid
    if kind == "date":
        return pc.cast(pa.array(numbers.astype(np.int32), mask=mask), pa.date32())
    return pa.array(numbers, mask=mask).cast(data_type)


def _sums_fit(numbers: np.ndarray, counts: np.ndarray) -> bool:
    """Whether no record's sum of these int64 numbers can overflow 64 bits."""
    if numbers.dtype.kind == "f" or not numbers.size:
        return True
    largest = max(abs(int(numbers.max())), abs(int(numbers.min())))
    return largest * int(counts.max()) < 2 ** 63


def _grouped(values: pa.Array, keep: Optional[np.ndarray], parents: np.ndarray, n_rows: int, function: str,
             options: Optional[pc.FunctionOptions] = None) -> pa.Array:
    """Arrow's hash aggregation of the kept items per record; null for a record with none."""
    if keep is not None:
        values, parents = values.filter(pa.array(keep)), parents[keep]
    table = pa.table({"record": pa.array(parents), "value": values})
    result = table.group_by("record", use_threads=False).aggregate([("value", function, options)])
    place = np.full(n_rows, -1, dtype=np.int64)
    place[result.column(0).to_numpy()] = np.arange(result.num_rows)
    return result.column(1).combine_chunks().take(pa.array(place, mask=place < 0))


def _sum(values, keep, parents, counts, result_type):
    fixed = _fixed_width(values, keep)
    if fixed is not None and _sums_fit(fixed[0], counts):
        return _to_arrow(segmented(np.add, fixed[0], counts, 0), None, result_type), None
    whole = kind_of(result_type) == "integer"
    if whole:  # exact in decimals; a record whose sum leaves 64 bits fails
        values = pc.cast(values, pa.decimal128(20, 0))
    totals = _grouped(values, keep, parents, len(counts), "sum", pc.ScalarAggregateOptions(min_count=0))
    totals = pc.fill_null(totals, 0)
    too_large = None
    if whole:
        outside = pc.or_(pc.less(totals, -2 ** 63), pc.greater(totals, 2 ** 63 - 1))
        if pc.any(outside).as_py():
            too_large = np.asarray(outside)
            totals = pc.if_else(outside, pa.scalar(None, totals.type), totals)
    return pc.cast(totals, result_type), too_large


def _avg(values, keep, parents, counts, result_type):
    fixed = _fixed_width(values, keep)
    if fixed is None or not _sums_fit(fixed[0], counts):
        return pc.cast(_grouped(values, keep, parents, len(counts), "mean"), result_type)
    numbers, valid = fixed
    totals = segmented(np.add, numbers, counts, 0)
    n = _counted(valid, counts)
    some = n > 0
    safe_n = np.where(some, n, 1)
    if kind_of(result_type) == "decimal":
        # Integer division of the unscaled sums, halves rounded away from zero (as Arrow's mean).
        means = np.sign(totals) * ((2 * np.abs(totals) + safe_n) // (2 * safe_n))
    else:
        means = totals / safe_n
    return _to_arrow(means, some, result_type)


def _extreme(ufunc: np.ufunc, function: str):
    def reduce(values, keep, parents, counts, result_type):
        fixed = _fixed_width(values, keep)
        if fixed is None:
            return pc.cast(_grouped(values, keep, parents, len(counts), function), result_type)
        numbers, valid = fixed
        if valid is not None:  # an item that does not count must not win
            info = np.finfo if numbers.dtype.kind == "f" else np.iinfo
            identity = info(numbers.dtype).max if ufunc is np.minimum else info(numbers.dtype).min
            numbers = _blanked(numbers, valid, identity)
        extremes = segmented(ufunc, numbers, counts, 0)
        return _to_arrow(extremes, _counted(valid, counts) > 0, result_type)
    return reduce


def _count(values, keep, parents, counts, result_type):
    return pa.array(_counted(_validity(values, keep), counts), type=result_type)


def _any(values, keep, parents, counts, result_type):
    true = np.asarray(pc.fill_null(values, False))
    return pa.array(_counted(true if keep is None else true & keep, counts) > 0)


def _all(values, keep, parents, counts, result_type):
    false = np.asarray(pc.fill_null(pc.invert(values), False))
    return pa.array(_counted(false if keep is None else false & keep, counts) == 0)


AGGREGATES: dict[str, Aggregate] = {a.name: a for a in (
    Aggregate("sum", NUMERIC, _sum_type, _sum, fallible=True),
    Aggregate("avg", NUMERIC, lambda t: t if kind_of(t) == "decimal" else pa.float64(), _avg),
    Aggregate("min", NUMERIC + ("date", "timestamp", "string"), lambda t: t, _extreme(np.minimum, "min")),
    Aggregate("max", NUMERIC + ("date", "timestamp", "string"), lambda t: t, _extreme(np.maximum, "max")),
    Aggregate("count", SCALAR_KINDS + ("struct", "null"), lambda t: pa.int64(), _count),
    Aggregate("any", ("bool",), lambda t: pa.bool_(), _any),
    Aggregate("all", ("bool",), lambda t: pa.bool_(), _all),
)}
