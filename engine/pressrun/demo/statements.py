"""Seeded synthetic bank accounts for the demo statement (bench/STATEMENT.md).

One row per account, with its month of transactions as a
list<struct<date, description, amount, balance>> column. Like the letters,
rows are generated in fixed internal chunks, each with its own generator
seeded by (seed, chunk number), so the data depends only on the seed and the
row number: any batch size gives the same rows, and a million accounts stream
through in flat memory.

Everything is vectorised: the nested column is built from one offsets array
and flat child arrays (numpy for counts, dates, amounts and running balances;
pyarrow compute for the description strings). No Python loop runs per row or
per transaction; the only loops are over the few kinds of transaction.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .chunks import CHUNK_ROWS, rebatched
from .letters import (
    LAST_NAMES,
    LOCALITIES,
    SEGMENT_WEIGHTS,
    SEGMENTS,
    address_line1,
    address_line2,
    decimal_from_cents,
    digits_with_prefix,
    titles_and_first_names,
    weighted_choice,
)

# Third word of every chunk's seed: keeps these streams apart from the letters'.
_STREAM = 0x57A7E
# Affine maps row -> customer number and row -> account number; both
# multipliers are coprime with 10**8, so the maps are bijections and ids stay
# unique up to 10**8 rows.
_ID_SPACE = 10**8
_CUSTOMER_MULTIPLIER = 69_069_001
_ACCOUNT_MULTIPLIER = 16_807_003

_MONEY = pa.decimal128(12, 2)
TRANSACTION_TYPE = pa.struct([
    pa.field("date", pa.date32(), nullable=False),
    pa.field("description", pa.utf8(), nullable=False),
    pa.field("amount", _MONEY, nullable=False),
    pa.field("balance", _MONEY, nullable=False),
])
TRANSACTIONS_TYPE = pa.list_(pa.field("item", TRANSACTION_TYPE, nullable=False))

STATEMENT_SCHEMA = pa.schema([
    pa.field("customer_id", pa.utf8(), nullable=False),
    pa.field("title", pa.utf8(), nullable=False),
    pa.field("first_name", pa.utf8(), nullable=False),
    pa.field("last_name", pa.utf8(), nullable=False),
    pa.field("address_line1", pa.utf8(), nullable=False),
    pa.field("address_line2", pa.utf8(), nullable=True),
    pa.field("locality", pa.utf8(), nullable=False),
    pa.field("state", pa.utf8(), nullable=False),
    pa.field("postcode", pa.utf8(), nullable=False),
    pa.field("account_number", pa.utf8(), nullable=False),
    pa.field("segment", pa.dictionary(pa.int8(), pa.utf8()), nullable=False),
    pa.field("period_start", pa.date32(), nullable=False),
    pa.field("period_end", pa.date32(), nullable=False),
    pa.field("opening_balance", _MONEY, nullable=False),
    pa.field("transactions", TRANSACTIONS_TYPE, nullable=False),
])

# Transactions per account: (share of accounts, fewest, most). The bands are
# one, two, three and four pages of the statement's table.
COUNT_BANDS = ((0.60, 5, 24), (0.25, 28, 66), (0.10, 72, 110), (0.05, 116, 155))
# Share of descriptions given a long note, so that they wrap to two lines.
LONG_DESCRIPTION_SHARE = 0.05

# Statements cover one calendar month of 2025: row -> month, uniformly.
_MONTH_STARTS = np.arange(np.datetime64("2025-01", "M"), np.datetime64("2026-02", "M")).astype("datetime64[D]")

_MERCHANTS = [
    ("Woolworths", 10), ("Coles", 9), ("Aldi", 6), ("IGA", 3), ("Bunnings", 4),
    ("Kmart", 4), ("JB Hi-Fi", 2), ("Officeworks", 2), ("Chemist Warehouse", 3),
    ("Dan Murphy's", 2), ("BWS", 2), ("Ampol", 4), ("BP", 3), ("7-Eleven", 3),
    ("Uber Eats", 3), ("Menulog", 2), ("Guzman y Gomez", 2), ("Boost Juice", 1),
    ("H&M", 1), ("Myer", 1), ("David Jones", 1), ("Opal Travel", 3),
    ("Café Sienna", 1), ("Crème Bakery", 1),
]
_BILLERS = [
    ("AGL Energy", 4), ("Origin Energy", 4), ("Telstra", 5), ("Optus", 3),
    ("Sydney Water", 2), ("Medibank", 2), ("NRMA Insurance", 2), ("Netflix", 3),
    ("Spotify", 2), ("Anytime Fitness", 2), ("Council Rates", 1), ("Aussie Broadband", 2),
]
_EMPLOYERS = [
    ("Acme Logistics Pty Ltd", 3), ("Harbour City Health", 3), ("NSW Education", 2),
    ("Westfield Retail", 2), ("Bluegum Constructions", 2), ("Coastal Council", 1),
    ("Kookaburra Software", 1),
]
_FEES = [("Account keeping fee", 4), ("ATM operator fee", 3), ("Overseas transaction fee", 2),
         ("Dishonour fee", 1)]
_FEE_CENTS = np.array([500, 350, -1, 900])  # -1: drawn per transaction
# Appended to about 5% of the descriptions (after " - "): long enough that the
# description wraps in the 90 mm column, short enough for two lines. Short
# descriptions get a long note, long ones a short note (tests/test_statement_data.py
# measures every combination with the font's advance widths).
_LONG_NOTES = [
    "reference: rent and a share of the utilities for the flat",
    "note: paid back for the tickets, the dinner and the taxi",
    "processed on the next business day after a public holiday",
    "includes a merchant surcharge of 1.5% for card payments",
    "value date differs from the date of this transaction",
    "recurring payment, next due date shown in the Acme app",
]
_SHORT_NOTES = [
    "paid back for the tickets and dinner",
    "includes a 1.5% card surcharge",
    "value date 2 business days later",
    "recurring, next due in the Acme app",
    "processed after a public holiday",
    "reference: shared rent for the flat",
]
# Descriptions up to this many characters get a long note.
_SHORT_DESCRIPTION_CHARS = 28

# Kinds of transaction: (share, sign). Mostly debits; salary, transfers in
# and interest are the credits.
_PURCHASE, _DIRECT_DEBIT, _BPAY, _ATM, _FEE, _TRANSFER_OUT, _SALARY, _TRANSFER_IN, _INTEREST = range(9)
_KIND_SHARES = np.array([0.50, 0.10, 0.06, 0.07, 0.04, 0.06, 0.07, 0.08, 0.02])


def make_statements(n: int, seed: int = 1) -> pa.Table:
    """All n accounts as one table (for small n; stream large jobs instead)."""
    return pa.Table.from_batches(list(iter_statement_batches(n, seed=seed)), schema=STATEMENT_SCHEMA)


def iter_statement_batches(n: int, seed: int = 1, batch_size: int = 4096) -> Iterator[pa.RecordBatch]:
    """Yield n accounts in batches of batch_size; the rows do not depend on batch_size."""
    return rebatched(_make_chunk, STATEMENT_SCHEMA, n, seed, batch_size, _ID_SPACE)


def write_statement_data(path: Path, n: int = 200, seed: int = 1) -> None:
    """Write n accounts to `path`, streamed batch by batch: an Arrow IPC stream
    for .arrows, an Arrow IPC file for .arrow / .feather, else Parquet."""
    path = Path(path)
    batches = iter_statement_batches(n, seed=seed, batch_size=16384)
    suffix = path.suffix.lower()
    if suffix in (".arrows", ".arrow", ".feather"):
        new_writer = pa.ipc.new_stream if suffix == ".arrows" else pa.ipc.new_file
        with pa.OSFile(str(path), "wb") as sink, new_writer(sink, STATEMENT_SCHEMA) as writer:
            for batch in batches:
                writer.write_batch(batch)
        return
    import pyarrow.parquet as pq

    with pq.ParquetWriter(str(path), STATEMENT_SCHEMA) as writer:
        for batch in batches:
            writer.write_batch(batch)


def _make_chunk(start: int, rows: int, seed: int) -> pa.RecordBatch:
    rng = np.random.default_rng([seed, start // CHUNK_ROWS, _STREAM])
    row_numbers = np.arange(start, start + rows, dtype=np.int64)

    customer_numbers = (row_numbers * _CUSTOMER_MULTIPLIER + seed * 7_654_321) % _ID_SPACE
    account_numbers = (row_numbers * _ACCOUNT_MULTIPLIER + seed * 1_234_577) % _ID_SPACE
    title, first_name = titles_and_first_names(rng, rows)
    last_name = weighted_choice(rng, LAST_NAMES, rows)
    line1 = address_line1(rng, rows)
    line2 = address_line2(rng, rows)
    locality_index = rng.integers(0, len(LOCALITIES), rows)
    branch = rng.integers(0, 10_000, rows)
    segment = rng.choice(len(SEGMENTS), rows, p=SEGMENT_WEIGHTS).astype(np.int8)

    month = rng.integers(0, 12, rows)
    period_start = _MONTH_STARTS[month]
    period_end = _MONTH_STARTS[month + 1] - np.timedelta64(1, "D")
    opening_cents = _opening_balance_cents(rng, rows)
    transactions = _transactions(rng, period_start, period_end, opening_cents)

    columns = [
        digits_with_prefix(b"C", customer_numbers, 8),
        title,
        first_name,
        last_name,
        line1,
        line2,
        pa.array([l for l, _, _ in LOCALITIES]).take(locality_index),
        pa.array([s for _, s, _ in LOCALITIES]).take(locality_index),
        pa.array([p for _, _, p in LOCALITIES]).take(locality_index),
        _account_numbers(branch, account_numbers),
        pa.DictionaryArray.from_arrays(pa.array(segment), pa.array(SEGMENTS)),
        pa.array(period_start, type=pa.date32()),
        pa.array(period_end, type=pa.date32()),
        decimal_from_cents(opening_cents),
        transactions,
    ]
    return pa.RecordBatch.from_arrays(columns, schema=STATEMENT_SCHEMA)


def _opening_balance_cents(rng: np.random.Generator, rows: int) -> np.ndarray:
    """-2,000.00 .. 25,000.00: one account in ten overdrawn, the rest skewed to a few thousand."""
    overdrawn = rng.random(rows) < 0.10
    negative = rng.uniform(-200_000, 0, rows)
    positive = np.minimum(rng.lognormal(np.log(300_000), 0.9, rows), 2_500_000)
    return np.round(np.where(overdrawn, negative, positive)).astype(np.int64)


def _transactions(rng: np.random.Generator, period_start: np.ndarray, period_end: np.ndarray,
                  opening_cents: np.ndarray) -> pa.ListArray:
    """The list<struct> column: offsets from the counts, then flat child arrays."""
    rows = len(period_start)
    shares = np.array([share for share, _, _ in COUNT_BANDS])
    lows = np.array([low for _, low, _ in COUNT_BANDS])
    highs = np.array([high for _, _, high in COUNT_BANDS])
    band = rng.choice(len(COUNT_BANDS), rows, p=shares)
    counts = rng.integers(lows[band], highs[band] + 1)
    offsets = np.zeros(rows + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    total = int(offsets[-1])
    account = np.repeat(np.arange(rows), counts)  # owning row of each transaction

    # Dates in order within each account: sort (account, day) keys once. The
    # account is the major key and already ascending, so each account's rows
    # stay in place and only their days are ordered.
    days_in_period = (period_end - period_start).astype(np.int64) + 1
    day = (rng.random(total) * days_in_period[account]).astype(np.int64)
    day = np.sort(account * 32 + day) % 32
    dates = period_start[account] + day.astype("timedelta64[D]")

    kind = rng.choice(len(_KIND_SHARES), total, p=_KIND_SHARES)
    descriptions, cents = _descriptions_and_amounts(rng, kind)

    # Running balance: opening + cumulative amounts, restarted at each account.
    cumulative = np.cumsum(cents)
    before = np.concatenate([[0], cumulative])[offsets[:-1]]
    balances = opening_cents[account] + cumulative - before[account]

    items = pa.StructArray.from_arrays(
        [pa.array(dates, type=pa.date32()), descriptions, decimal_from_cents(cents),
         decimal_from_cents(balances)],
        fields=list(TRANSACTION_TYPE))
    return pa.ListArray.from_arrays(pa.array(offsets.astype(np.int32)), items, type=TRANSACTIONS_TYPE)


def _descriptions_and_amounts(rng: np.random.Generator, kind: np.ndarray) -> tuple[pa.Array, np.ndarray]:
    """Descriptions (utf8) and signed amounts (cents) for transactions of the given kinds.

    Each kind's strings are built for its own rows at once, then scattered back
    into transaction order with one take.
    """
    total = len(kind)
    cents = np.zeros(total, dtype=np.int64)
    pieces: list[pa.Array] = []
    order: list[np.ndarray] = []
    localities = pa.array([l for l, _, _ in LOCALITIES])

    def add(k: int, text: pa.Array, amount: np.ndarray) -> None:
        index = np.flatnonzero(kind == k)
        order.append(index)
        pieces.append(text)
        cents[index] = amount

    def count(k: int) -> int:
        return int(np.count_nonzero(kind == k))

    def join(*parts) -> pa.Array:
        return pc.binary_join_element_wise(*parts, " ")

    def person(m: int) -> pa.Array:  # "J Nguyen"
        initial = pa.array(list("ABCDEGHJKLMNPRSTW")).take(rng.integers(0, 17, m))
        return join(initial, weighted_choice(rng, LAST_NAMES, m))

    def lognormal_cents(m: int, median: float, sigma: float, low: float, high: float) -> np.ndarray:
        return np.round(np.clip(rng.lognormal(np.log(median), sigma, m), low, high) * 100).astype(np.int64)

    m = count(_PURCHASE)
    add(_PURCHASE, join("Card purchase", weighted_choice(rng, _MERCHANTS, m),
                        localities.take(rng.integers(0, len(LOCALITIES), m))),
        -lognormal_cents(m, 28.0, 0.9, 1.5, 1800.0))
    m = count(_DIRECT_DEBIT)
    add(_DIRECT_DEBIT, join("Direct debit", weighted_choice(rng, _BILLERS, m),
                            digits_with_prefix(b"", rng.integers(0, 10**8, m), 8)),
        -rng.integers(2_500, 42_000, m))
    m = count(_BPAY)
    add(_BPAY, join("BPAY", weighted_choice(rng, _BILLERS, m),
                    digits_with_prefix(b"ref ", rng.integers(0, 10**10, m), 10)),
        -lognormal_cents(m, 180.0, 0.6, 20.0, 2500.0))
    m = count(_ATM)
    add(_ATM, join("ATM withdrawal", localities.take(rng.integers(0, len(LOCALITIES), m))),
        -2_000 * rng.integers(1, 16, m))
    m = count(_FEE)
    fee = rng.choice(len(_FEES), m, p=np.array([w for _, w in _FEES]) / sum(w for _, w in _FEES))
    add(_FEE, pa.array([name for name, _ in _FEES]).take(fee),
        -np.where(_FEE_CENTS[fee] < 0, rng.integers(30, 1_000, m), _FEE_CENTS[fee]))
    m = count(_TRANSFER_OUT)
    add(_TRANSFER_OUT, join("Transfer to", person(m)), -lognormal_cents(m, 120.0, 0.8, 5.0, 3000.0))
    m = count(_SALARY)
    add(_SALARY, join("Salary", weighted_choice(rng, _EMPLOYERS, m),
                      digits_with_prefix(b"PAY", rng.integers(0, 10**6, m), 6)),
        lognormal_cents(m, 2600.0, 0.35, 800.0, 9000.0))
    m = count(_TRANSFER_IN)
    add(_TRANSFER_IN, join("Transfer from", person(m)), lognormal_cents(m, 150.0, 0.9, 5.0, 3000.0))
    m = count(_INTEREST)
    add(_INTEREST, pa.repeat(pa.scalar("Interest credit"), m), rng.integers(1, 1_200, m))

    scatter = np.empty(total, dtype=np.int64)
    scatter[np.concatenate(order)] = np.arange(total)
    descriptions = pa.concat_arrays(pieces).take(scatter)

    long = rng.random(total) < LONG_DESCRIPTION_SHARE
    short = pc.utf8_length(descriptions).to_numpy() <= _SHORT_DESCRIPTION_CHARS
    note = rng.integers(0, len(_LONG_NOTES), total) + np.where(short, 0, len(_LONG_NOTES))
    notes = pa.array(_LONG_NOTES + _SHORT_NOTES).take(note)
    descriptions = pc.if_else(long, pc.binary_join_element_wise(descriptions, notes, " - "), descriptions)
    return descriptions, cents


def _account_numbers(branch: np.ndarray, account: np.ndarray) -> pa.Array:
    """'06b-bbb aaaa aaaa' (BSB then account number), built as one byte matrix."""
    rows = len(branch)
    matrix = np.full((rows, 17), ord(" "), dtype=np.uint8)
    matrix[:, 0:2] = np.frombuffer(b"06", dtype=np.uint8)
    matrix[:, 3] = ord("-")
    for column, value, place in ((2, branch, 1000), (4, branch, 100), (5, branch, 10), (6, branch, 1)):
        matrix[:, column] = (value // place) % 10 + ord("0")
    for k in range(8):  # account digits at 8..11 and 13..16
        column = 8 + k + (k >= 4)
        matrix[:, column] = (account // 10 ** (7 - k)) % 10 + ord("0")
    offsets = np.arange(rows + 1, dtype=np.int32) * matrix.shape[1]
    return pa.StringArray.from_buffers(rows, pa.py_buffer(offsets), pa.py_buffer(matrix.tobytes()))
