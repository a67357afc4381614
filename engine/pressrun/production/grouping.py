"""Householding and presort: which records share a mail piece, and in what order pieces go out.

Everything works on whole columns (pyarrow.compute / numpy) because jobs carry
millions of records; every sort is stable so a rerun of the same data gives the
same pieces in the same order, tray for tray.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import ProfileError

__all__ = ["normalise_address", "PiecePlan", "plan_pieces", "mail_trays", "tray_breaks"]

# Whole-word abbreviations, so "12 Smith Street" and "12 smith st." key alike.
_ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    ("STREET", "ST"), ("ROAD", "RD"), ("AVENUE", "AVE"), ("DRIVE", "DR"),
    ("COURT", "CT"), ("PLACE", "PL"), ("LANE", "LN"), ("CRESCENT", "CRES"),
    ("BOULEVARD", "BLVD"), ("HIGHWAY", "HWY"), ("PARADE", "PDE"), ("TERRACE", "TCE"),
    ("UNIT", "U"), ("APARTMENT", "APT"),
    ("NORTH", "N"), ("SOUTH", "S"), ("EAST", "E"), ("WEST", "W"),
)
# Quotes and full stops sit inside words (O'Brien, St.): dropping them joins the word back up.
_DELETED = "[.'\"\u2018\u2019\u201c\u201d]"
# Separators sit between tokens ("3/45", "Unit 3,4"): deleting them would turn 3/45 into 345,
# another household's number, so they become spaces. '|' is the line joiner, so a literal one
# inside a line must not survive either.
_SEPARATORS = r"[,#\-/|]"
_WHITESPACE = r"[\s\p{Z}]+"
_LINE_JOINER = "|"


def _contiguous(values: pa.Array | pa.ChunkedArray | np.ndarray) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        return values.combine_chunks()
    if isinstance(values, pa.Array):
        return values
    return pa.array(values)


def _as_text(values: pa.Array, what: str) -> pa.Array:
    """Any column as large_string with null -> "", so keys compare as the text the customer sees."""
    try:
        text = pc.cast(values, pa.large_string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise ProfileError(f"{what} of type {values.type} cannot be compared as text") from exc
    return pc.fill_null(text, "")


def _clean_line(line: pa.Array) -> pa.Array:
    line = _fold_accents(line)
    line = pc.utf8_upper(line)
    line = pc.replace_substring_regex(line, pattern=_DELETED, replacement="")
    line = pc.replace_substring_regex(line, pattern=_SEPARATORS, replacement=" ")
    line = pc.replace_substring_regex(line, pattern=_WHITESPACE, replacement=" ")
    line = pc.utf8_trim_whitespace(line)
    for word, abbreviation in _ABBREVIATIONS:
        # A word-boundary regex costs as much on a line without the word as on one with it;
        # the literal search is cheap, so only lines that contain the word pay for the regex.
        pattern = rf"\b{word}\b"
        line = _rewrite_where(line, pc.match_substring(line, pattern=word), lambda subset: (
            pc.replace_substring_regex(subset, pattern=pattern, replacement=abbreviation)))
    return line


def _rewrite_where(line: pa.Array, mask: pa.Array,
                   rewrite: Callable[[pa.Array], pa.Array]) -> pa.Array:
    """rewrite() applied only to the rows in mask: most lines need none of the costly passes."""
    if not pc.any(mask).as_py():
        return line
    return pc.replace_with_mask(line, mask, rewrite(line.filter(mask)))


def _fold_accents(line: pa.Array) -> pa.Array:
    """NFKD splits é into e + a combining mark; dropping the marks leaves the base letters."""
    if not hasattr(pc, "utf8_normalize"):
        return line
    return _rewrite_where(line, pc.invert(pc.string_is_ascii(line)), lambda subset: (
        pc.replace_substring_regex(pc.utf8_normalize(subset, form="NFKD"),
                                   pattern=r"\p{M}+", replacement="")))


def _cleaned_lines(line: pa.Array, what: str) -> pa.Array:
    """Clean each distinct line once: city and unit lines repeat across millions of rows."""
    encoded = pc.dictionary_encode(_as_text(line, what))
    return _clean_line(encoded.dictionary).take(encoded.indices)


def normalise_address(columns: Sequence[pa.Array]) -> pa.Array:
    """One comparable key per row: the cleaned address lines joined with '|'.

    Lines that clean to nothing are skipped, so a null line, an empty one and a line
    of punctuation give the same key. Returns large_string so a multi-million-row
    job cannot overflow 32-bit string offsets when the lines are joined.
    """
    if not columns:
        raise ValueError("normalise_address needs at least one address column")
    lines = [_contiguous(column) for column in columns]
    rows = len(lines[0])
    if any(len(line) != rows for line in lines):
        raise ValueError(f"address columns differ in length: {[len(line) for line in lines]}")
    cleaned = [_cleaned_lines(line, f"address column {index}")
               for index, line in enumerate(lines)]
    if len(cleaned) == 1:
        return cleaned[0]
    # Join everything, then squeeze out the joiners of empty lines. (null_handling="skip"
    # would say this directly, but pyarrow 26 drops all-null rows from its output.)
    joiner = pa.scalar(_LINE_JOINER, pa.large_string())
    joined = pc.binary_join_element_wise(*cleaned, joiner)
    doubled = pc.match_substring(joined, pattern=_LINE_JOINER * 2)
    joined = _rewrite_where(joined, doubled, lambda subset: (
        pc.replace_substring_regex(subset, pattern=r"\|{2,}", replacement=_LINE_JOINER)))
    return pc.utf8_trim(joined, characters=_LINE_JOINER)


@dataclass(frozen=True)
class PiecePlan:
    """Records in print order, cut into mail pieces.

    piece k is ``order[piece_starts[k]:piece_starts[k + 1]]``; positions are rows of the
    table given to plan_pieces.
    """

    order: np.ndarray
    piece_starts: np.ndarray

    @property
    def pieces(self) -> int:
        return len(self.piece_starts) - 1


def _require_columns(table: pa.Table, names: Sequence[str], parameter: str) -> None:
    available = table.column_names
    for name in names:
        if name not in available:
            raise ProfileError(
                f"{parameter} names unknown column {name!r}; available columns: "
                + (", ".join(available) if available else "(none)")
            )


def _dense_codes(values: pa.Array) -> np.ndarray:
    """int64 code per row, equal codes for equal values (dictionary encoding, no Python loop)."""
    encoded = pc.dictionary_encode(values)
    return encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)


def _household_ids(table: pa.Table, household_key: Sequence[str],
                   address_fields: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(household id per row, first row of each household); ids are dense 0..H-1."""
    key_columns: list[pa.Array] = []
    if address_fields:
        key_columns.append(normalise_address([table.column(name) for name in address_fields]))
    for name in household_key:
        key_columns.append(_as_text(_contiguous(table.column(name)), f"household_key column {name!r}"))
    combined = np.zeros(table.num_rows, dtype=np.int64)
    for column in key_columns:
        codes = _dense_codes(column)
        # combined < rows and codes < rows, so the product stays far inside int64.
        combined = combined * (int(codes.max(initial=-1)) + 1) + codes
        _, first_rows, combined = np.unique(combined, return_index=True, return_inverse=True)
        combined = combined.reshape(-1).astype(np.int64, copy=False)
    return combined, first_rows.astype(np.int64, copy=False)


def _presort_rank(table: pa.Table, first_rows: np.ndarray, sort_key: Sequence[str]) -> np.ndarray:
    """Indices into first_rows in output order: by sort_key (nulls last), ties by input position."""
    if not sort_key:
        return np.argsort(first_rows, kind="stable")
    keys = table.select(list(sort_key)).take(pa.array(first_rows))
    keys = keys.append_column("__pressrun_first_row", pa.array(first_rows, pa.int64()))
    ordering = [(name, "ascending", "at_end") for name in keys.column_names]
    rank = pc.sort_indices(keys, sort_keys=ordering)
    return rank.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)


def plan_pieces(table: pa.Table, *, household_key: Sequence[str] = (),
                address_fields: Sequence[str] = (), sort_key: Sequence[str] = (),
                max_documents: int = 0) -> PiecePlan:
    """Household the records into pieces and presort the pieces.

    A household split by max_documents keeps its pieces together and is sorted by the
    sort_key of its first record, so the split never scatters one household across the run.
    """
    _require_columns(table, address_fields, "address_fields")
    _require_columns(table, household_key, "household_key")
    _require_columns(table, sort_key, "sort_key")
    if max_documents < 0:
        raise ProfileError(f"max_documents must be 0 (no limit) or positive, not {max_documents}")
    rows = table.num_rows
    positions = np.arange(rows, dtype=np.int64)

    if not address_fields and not household_key:
        order = positions[_presort_rank(table, positions, sort_key)] if sort_key else positions
        return PiecePlan(order=order, piece_starts=np.arange(rows + 1, dtype=np.int64))

    household, first_rows = _household_ids(table, household_key, address_fields)
    household_order = _presort_rank(table, first_rows, sort_key)
    rank_of_household = np.empty_like(household_order)
    rank_of_household[household_order] = np.arange(len(household_order), dtype=np.int64)
    order = np.argsort(rank_of_household[household], kind="stable").astype(np.int64, copy=False)

    ranked = rank_of_household[household[order]]
    starts_household = np.empty(rows, dtype=bool)
    starts_household[:1] = True
    np.not_equal(ranked[1:], ranked[:-1], out=starts_household[1:])
    starts_piece = starts_household
    if max_documents > 0:
        household_start = np.maximum.accumulate(np.where(starts_household, positions, 0))
        starts_piece = starts_household | ((positions - household_start) % max_documents == 0)
    piece_starts = np.append(np.flatnonzero(starts_piece), rows).astype(np.int64, copy=False)
    return PiecePlan(order=order, piece_starts=piece_starts)


def _break_prefix(sort_values: pa.Array, break_digits: int) -> pa.Array:
    text = _as_text(sort_values, "sort value")
    return pc.utf8_slice_codeunits(text, 0, break_digits)


def mail_trays(sort_values: pa.Array | np.ndarray, *, break_digits: int = 0,
               capacity: int = 0) -> np.ndarray:
    """1-based tray/bag number per piece of one stream, in print order.

    A tray breaks where the first break_digits characters of the sort value change
    (null counts as "") or where it already holds `capacity` pieces.
    """
    if break_digits < 0:
        raise ProfileError(f"break_digits must be 0 (no value breaks) or positive, not {break_digits}")
    if capacity < 0:
        raise ProfileError(f"tray capacity must be 0 (unlimited) or positive, not {capacity}")
    values = _contiguous(sort_values)
    pieces = len(values)
    starts = np.zeros(pieces, dtype=bool)
    starts[:1] = True
    if break_digits > 0 and pieces > 1:
        prefix = _break_prefix(values, break_digits)
        changed = pc.not_equal(prefix.slice(1), prefix.slice(0, pieces - 1))
        starts[1:] = changed.to_numpy(zero_copy_only=False)
    if capacity > 0:
        positions = np.arange(pieces, dtype=np.int64)
        run_start = np.maximum.accumulate(np.where(starts, positions, 0))
        starts |= (positions - run_start) % capacity == 0
    return np.cumsum(starts, dtype=np.int64)


def tray_breaks(trays: np.ndarray, piece_ids: pa.Array, sort_values: pa.Array,
                break_digits: int) -> pa.Table:
    """One row per tray for the tray/bag labels and the manifest: its range of pieces and break key."""
    trays = np.asarray(trays, dtype=np.int64)
    piece_ids = _contiguous(piece_ids)
    sort_values = _contiguous(sort_values)
    pieces = len(trays)
    if len(piece_ids) != pieces or len(sort_values) != pieces:
        raise ValueError(f"trays ({pieces}), piece_ids ({len(piece_ids)}) and sort_values "
                         f"({len(sort_values)}) must have one entry per piece")
    if pieces and np.any(trays[1:] < trays[:-1]):
        raise ValueError("trays must be in print order (non-decreasing), as mail_trays returns them")
    starts = np.flatnonzero(np.r_[True, trays[1:] != trays[:-1]]) if pieces else np.empty(0, np.int64)
    ends = np.r_[starts[1:], pieces].astype(np.int64) - 1
    first = pa.array(starts, pa.int64())
    last = pa.array(ends, pa.int64())
    break_key = pc.cast(_break_prefix(sort_values.take(first), max(break_digits, 0)), pa.string())
    return pa.table({
        "tray": pa.array(trays[starts], pa.int32()),
        "first_piece": pc.cast(piece_ids.take(first), pa.string()),
        "last_piece": pc.cast(piece_ids.take(last), pa.string()),
        "pieces": pa.array(ends - starts + 1, pa.int32()),
        "break_key": break_key,
    })
