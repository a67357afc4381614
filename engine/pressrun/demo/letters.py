"""Seeded synthetic customers for the demo letter.

Rows are generated in fixed internal chunks, each with its own generator
seeded by (seed, chunk number), so the data depends only on the seed and the
row number: any batch size gives the same rows, and a million rows stream
through in flat memory. Every column is built with numpy and pyarrow compute;
no Python loop runs per row.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .chunks import CHUNK_ROWS, rebatched

# Affine map row -> customer number; the multiplier is coprime with 10**8,
# so the map is a bijection and ids stay unique up to 10**8 rows.
_ID_SPACE = 10**8
_ID_MULTIPLIER = 48_271_019

SCHEMA = pa.schema([
    pa.field("customer_id", pa.utf8(), nullable=False),
    pa.field("title", pa.utf8(), nullable=False),
    pa.field("first_name", pa.utf8(), nullable=False),
    pa.field("last_name", pa.utf8(), nullable=False),
    pa.field("address_line1", pa.utf8(), nullable=False),
    pa.field("address_line2", pa.utf8(), nullable=True),
    pa.field("locality", pa.utf8(), nullable=False),
    pa.field("state", pa.utf8(), nullable=False),
    pa.field("postcode", pa.utf8(), nullable=False),
    pa.field("account_ref", pa.utf8(), nullable=False),
    pa.field("letter_date", pa.date32(), nullable=False),
    pa.field("due_date", pa.date32(), nullable=False),
    pa.field("balance", pa.decimal128(12, 2), nullable=False),
    pa.field("plan_name", pa.utf8(), nullable=False),
    pa.field("usage_kwh", pa.int32(), nullable=False),
    pa.field("segment", pa.dictionary(pa.int8(), pa.utf8()), nullable=False),
])

# (name, weight). The accented names are rare on purpose: they exercise font
# coverage without dominating the text. All glyphs exist in DejaVu Sans.
_FEMALE_NAMES = [
    ("Olivia", 9), ("Charlotte", 8), ("Amelia", 8), ("Isla", 6), ("Mia", 7),
    ("Grace", 6), ("Sarah", 7), ("Emma", 7), ("Jessica", 6), ("Chloe", 5),
    ("Priya", 4), ("Mei", 3), ("Hannah", 5), ("Margaret", 4), ("Aroha", 2),
    ("Renée", 1), ("Zoë", 1), ("Björk", 1),
]
_MALE_NAMES = [
    ("Oliver", 9), ("Jack", 8), ("William", 8), ("Noah", 7), ("Thomas", 7),
    ("James", 7), ("Lachlan", 5), ("Daniel", 6), ("Michael", 6), ("Arjun", 3),
    ("Wei", 3), ("Patrick", 4), ("George", 4), ("Mohammed", 3),
    ("José", 1), ("Søren", 1), ("Björn", 1),
]
_NEUTRAL_NAMES = [("Alex", 4), ("Sam", 4), ("Jordan", 3), ("Riley", 3), ("Charlie", 2)]
_LAST_NAMES = [
    ("Smith", 12), ("Jones", 10), ("Williams", 9), ("Brown", 9), ("Wilson", 8),
    ("Taylor", 8), ("Nguyen", 7), ("Johnson", 6), ("Martin", 6), ("White", 5),
    ("Anderson", 5), ("Walker", 5), ("Thompson", 5), ("Kelly", 4), ("Chen", 4),
    ("Singh", 4), ("O'Brien", 3), ("Papadopoulos", 2), ("Fitzgerald-Hughes", 1),
    ("Núñez", 1), ("Müller", 1), ("Østergaard", 1), ("Gómez", 1), ("Löwe", 1),
]
_STREETS = [
    "George", "Elizabeth", "King", "Queen", "Victoria", "Albert", "Church",
    "Railway", "Station", "High", "Park", "Bridge", "Wattle", "Banksia",
    "Jacaranda", "Ocean View", "Kingsford Smith", "Macquarie", "Bourke",
    "Flinders", "Hindley", "Murray", "Darling", "Endeavour",
]
_STREET_TYPES = ["Street", "Road", "Avenue", "Parade", "Crescent", "Lane", "Drive", "Place"]
_UNIT_WORDS = ["Unit", "Unit", "Unit", "Apartment", "Level", "Suite", "Flat"]
# (locality, state, postcode): real pairs so the address blocks look right.
_LOCALITIES = [
    ("Sydney", "NSW", "2000"), ("Parramatta", "NSW", "2150"), ("Newcastle", "NSW", "2300"),
    ("Wollongong", "NSW", "2500"), ("Bondi Junction", "NSW", "2022"), ("Penrith", "NSW", "2750"),
    ("Melbourne", "VIC", "3000"), ("Geelong", "VIC", "3220"), ("Ballarat", "VIC", "3350"),
    ("St Kilda", "VIC", "3182"), ("Bendigo", "VIC", "3550"),
    ("Brisbane", "QLD", "4000"), ("Townsville", "QLD", "4810"), ("Cairns", "QLD", "4870"),
    ("Surfers Paradise", "QLD", "4217"), ("Toowoomba", "QLD", "4350"),
    ("Perth", "WA", "6000"), ("Fremantle", "WA", "6160"), ("Bunbury", "WA", "6230"),
    ("Adelaide", "SA", "5000"), ("Glenelg", "SA", "5045"), ("Mount Gambier", "SA", "5290"),
    ("Hobart", "TAS", "7000"), ("Launceston", "TAS", "7250"),
    ("Canberra", "ACT", "2601"), ("Belconnen", "ACT", "2617"),
    ("Darwin", "NT", "0800"), ("Alice Springs", "NT", "0870"),
]
_PLANS = [("Simply Saver", 5), ("Everyday Flex", 4), ("Green Home 100", 2),
          ("Solar Plus Feed-in", 2), ("Seniors Value", 1)]
_SEGMENTS = ["residential", "concession", "small_business", "hardship"]
_SEGMENT_WEIGHTS = [0.72, 0.16, 0.09, 0.03]
# Letters go out over one week; due dates follow 14 to 28 days later.
_FIRST_LETTER_DAY = np.datetime64("2025-03-03", "D").astype(np.int32)


def make_letters(n: int, seed: int = 1) -> pa.Table:
    """All n rows as one table (for small n; stream large jobs instead)."""
    batches = list(iter_letter_batches(n, seed=seed))
    return pa.Table.from_batches(batches, schema=SCHEMA)


def iter_letter_batches(n: int, seed: int = 1, batch_size: int = 4096) -> Iterator[pa.RecordBatch]:
    """Yield n rows in batches of batch_size; the rows do not depend on batch_size."""
    return rebatched(_make_chunk, SCHEMA, n, seed, batch_size, _ID_SPACE)


def write_demo_data(path: Path, n: int = 200, seed: int = 1) -> None:
    """Write n demo rows to a Parquet file, streamed batch by batch."""
    import pyarrow.parquet as pq

    with pq.ParquetWriter(str(path), SCHEMA) as writer:
        for batch in iter_letter_batches(n, seed=seed, batch_size=65536):
            writer.write_batch(batch)


def _make_chunk(start: int, rows: int, seed: int) -> pa.RecordBatch:
    rng = np.random.default_rng([seed, start // CHUNK_ROWS])
    row_numbers = np.arange(start, start + rows, dtype=np.int64)

    customer_numbers = (row_numbers * _ID_MULTIPLIER + seed * 7_654_321) % _ID_SPACE
    title, first_name = _titles_and_first_names(rng, rows)
    locality_index = rng.integers(0, len(_LOCALITIES), rows)
    letter_day = _FIRST_LETTER_DAY + rng.integers(0, 5, rows, dtype=np.int32)
    due_day = letter_day + rng.integers(14, 29, rows, dtype=np.int32)
    # Cents from a skewed distribution: most bills a few hundred dollars, a few large.
    cents = np.minimum(np.round(rng.lognormal(10.2, 0.8, rows)), 99_999_999).astype(np.int64)
    usage = np.clip(rng.lognormal(7.3, 0.6, rows), 60, 45_000).astype(np.int32)

    columns = [
        _digits_with_prefix(b"C", customer_numbers, 8),
        title,
        first_name,
        _weighted_choice(rng, _LAST_NAMES, rows),
        _address_line1(rng, rows),
        _address_line2(rng, rows),
        pa.array([l for l, _, _ in _LOCALITIES]).take(locality_index),
        pa.array([s for _, s, _ in _LOCALITIES]).take(locality_index),
        pa.array([p for _, _, p in _LOCALITIES]).take(locality_index),
        _digits_with_prefix(b"ACC-", rng.integers(0, 10**10, rows, dtype=np.int64), 10),
        pa.array(letter_day.astype("datetime64[D]"), type=pa.date32()),
        pa.array(due_day.astype("datetime64[D]"), type=pa.date32()),
        _decimal_from_cents(cents),
        _weighted_choice(rng, _PLANS, rows),
        pa.array(usage, type=pa.int32()),
        pa.DictionaryArray.from_arrays(
            pa.array(rng.choice(len(_SEGMENTS), rows, p=_SEGMENT_WEIGHTS).astype(np.int8)),
            pa.array(_SEGMENTS)),
    ]
    return pa.RecordBatch.from_arrays(columns, schema=SCHEMA)


def _weighted_choice(rng: np.random.Generator, weighted: list[tuple[str, int]], rows: int) -> pa.Array:
    names = pa.array([name for name, _ in weighted])
    weights = np.array([w for _, w in weighted], dtype=np.float64)
    return names.take(rng.choice(len(weighted), rows, p=weights / weights.sum()))


def _titles_and_first_names(rng: np.random.Generator, rows: int) -> tuple[pa.Array, pa.Array]:
    """Titles that agree with the first name: Ms/Mrs/Dr, Mr/Dr, or Mx."""
    kind = rng.choice(3, rows, p=[0.48, 0.48, 0.04])  # female, male, neutral
    female = _weighted_choice(rng, _FEMALE_NAMES, rows)
    male = _weighted_choice(rng, _MALE_NAMES, rows)
    neutral = _weighted_choice(rng, _NEUTRAL_NAMES, rows)
    is_female = pa.array(kind == 0)
    is_male = pa.array(kind == 1)
    first = pc.if_else(is_female, female, pc.if_else(is_male, male, neutral))

    titles = pa.array(["Ms", "Mrs", "Mr", "Dr", "Mx"])
    female_title = rng.choice([0, 1, 3], rows, p=[0.55, 0.4, 0.05])
    male_title = rng.choice([2, 3], rows, p=[0.95, 0.05])
    title_index = np.where(kind == 0, female_title, np.where(kind == 1, male_title, 4))
    return titles.take(title_index), first


def _address_line1(rng: np.random.Generator, rows: int) -> pa.Array:
    number = pa.array(rng.integers(1, 400, rows)).cast(pa.utf8())
    street = pa.array(_STREETS).take(rng.integers(0, len(_STREETS), rows))
    kind = pa.array(_STREET_TYPES).take(rng.integers(0, len(_STREET_TYPES), rows))
    return pc.binary_join_element_wise(number, street, kind, " ")


def _address_line2(rng: np.random.Generator, rows: int) -> pa.Array:
    word = pa.array(_UNIT_WORDS).take(rng.integers(0, len(_UNIT_WORDS), rows))
    number = pa.array(rng.integers(1, 60, rows)).cast(pa.utf8())
    line = pc.binary_join_element_wise(word, number, " ")
    is_null = pa.array(rng.random(rows) < 0.30)
    return pc.if_else(is_null, pa.scalar(None, pa.utf8()), line)


def _digits_with_prefix(prefix: bytes, values: np.ndarray, width: int) -> pa.Array:
    """Fixed-width strings prefix + zero-padded digits, built as one byte matrix."""
    rows = len(values)
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    digits = (values[:, None] // powers) % 10 + ord("0")
    matrix = np.empty((rows, len(prefix) + width), dtype=np.uint8)
    matrix[:, :len(prefix)] = np.frombuffer(prefix, dtype=np.uint8)
    matrix[:, len(prefix):] = digits
    offsets = np.arange(rows + 1, dtype=np.int32) * matrix.shape[1]
    return pa.StringArray.from_buffers(rows, pa.py_buffer(offsets), pa.py_buffer(matrix.tobytes()))


def _decimal_from_cents(cents: np.ndarray) -> pa.Array:
    """decimal128(12, 2) from integer cents: little-endian 128-bit two's complement."""
    words = np.empty((len(cents), 2), dtype=np.int64)
    words[:, 0] = cents
    words[:, 1] = cents >> 63  # sign extension into the high word
    return pa.Array.from_buffers(pa.decimal128(12, 2), len(cents), [None, pa.py_buffer(words.tobytes())])


# Public aliases for the other demo workloads (pressrun.demo.statements), so
# the names, addresses and number columns are built by one piece of code.
LAST_NAMES = _LAST_NAMES
LOCALITIES = _LOCALITIES
SEGMENTS = _SEGMENTS
SEGMENT_WEIGHTS = _SEGMENT_WEIGHTS
weighted_choice = _weighted_choice
titles_and_first_names = _titles_and_first_names
address_line1 = _address_line1
address_line2 = _address_line2
digits_with_prefix = _digits_with_prefix
decimal_from_cents = _decimal_from_cents
