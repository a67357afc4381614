"""The demo bank statement's data generator (bench/STATEMENT.md), checked
with pyarrow, Python's own Decimal and date arithmetic, and the font's
advance widths read by fontTools."""
from __future__ import annotations

import calendar
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from pressrun.demo import (
    STATEMENT_SCHEMA,
    iter_statement_batches,
    make_statements,
    statement_texts,
    write_statement_data,
)

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
MM = 72 / 25.4


@pytest.fixture(scope="module")
def statements() -> pa.Table:
    return make_statements(6000, seed=11)


@pytest.fixture(scope="module")
def rows(statements) -> list[dict]:
    return statements.slice(0, 1500).to_pylist()


def test_schema(statements):
    assert statements.schema == STATEMENT_SCHEMA
    assert statements.num_rows == 6000
    transactions = STATEMENT_SCHEMA.field("transactions").type
    assert pa.types.is_list(transactions)
    item = transactions.value_type
    assert [(f.name, f.type) for f in item] == [
        ("date", pa.date32()), ("description", pa.utf8()),
        ("amount", pa.decimal128(12, 2)), ("balance", pa.decimal128(12, 2))]
    assert STATEMENT_SCHEMA.field("segment").type == pa.dictionary(pa.int8(), pa.utf8())
    assert STATEMENT_SCHEMA.field("opening_balance").type == pa.decimal128(12, 2)
    assert STATEMENT_SCHEMA.field("period_start").type == pa.date32()
    assert STATEMENT_SCHEMA.field("address_line2").nullable


def test_only_address_line2_has_nulls(statements):
    nulls = {name: statements[name].null_count for name in statements.column_names}
    assert 0 < nulls.pop("address_line2") < statements.num_rows
    assert not any(nulls.values()), nulls
    items = pc.list_flatten(statements["transactions"])
    assert all(items.combine_chunks().field(i).null_count == 0 for i in range(4))


def test_ids_and_account_numbers(statements):
    ids = statements["customer_id"].to_pylist()
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"C\d{8}", i) for i in ids)
    accounts = statements["account_number"].to_pylist()
    assert all(re.fullmatch(r"06\d-\d{3} \d{4} \d{4}", a) for a in accounts)
    assert len(set(accounts)) == len(accounts)


def test_same_seed_same_rows_other_seed_other_rows():
    assert make_statements(700, seed=5).equals(make_statements(700, seed=5))
    assert not make_statements(700, seed=5).equals(make_statements(700, seed=6))


@pytest.mark.parametrize("batch_size", [333, 4096, 10_000])
def test_rows_do_not_depend_on_batch_size(batch_size):
    expected = make_statements(5000, seed=2)  # crosses a generator chunk (4096 rows)
    batches = list(iter_statement_batches(5000, seed=2, batch_size=batch_size))
    assert all(b.num_rows == batch_size for b in batches[:-1])
    assert sum(b.num_rows for b in batches) == 5000
    assert pa.Table.from_batches(batches).equals(expected)


def test_sliced_batches_keep_their_list_offsets():
    expected = make_statements(4500, seed=3).to_pylist()
    start = 0
    for batch in iter_statement_batches(4500, seed=3, batch_size=1000):
        column = batch.column("transactions")
        lengths = pc.list_value_length(column).to_pylist()
        assert lengths == [len(r["transactions"]) for r in expected[start:start + batch.num_rows]]
        assert batch.to_pylist() == expected[start:start + batch.num_rows]
        start += batch.num_rows
    # A slice of a slice: the offsets do not start at zero, the rows still match.
    table = make_statements(300, seed=3)
    window = table.slice(100, 50).to_batches()[0].slice(7, 5)
    assert window.column("transactions").offsets[0].as_py() > 0
    assert window.to_pylist() == table.to_pylist()[107:112]


def test_running_balances_follow_the_opening_balance_and_amounts(rows):
    for row in rows:
        balance = row["opening_balance"]
        for t in row["transactions"]:
            assert t["amount"] != 0
            balance += t["amount"]
            assert t["balance"] == balance, row["customer_id"]


def test_dates_in_order_within_one_month_of_2025(rows):
    for row in rows:
        start, end = row["period_start"], row["period_end"]
        assert start.year == 2025 and start.day == 1
        assert (end.year, end.month) == (start.year, start.month)
        assert end.day == calendar.monthrange(start.year, start.month)[1]
        dates = [t["date"] for t in row["transactions"]]
        assert dates == sorted(dates)
        assert all(start <= d <= end for d in dates)


def test_opening_balances_in_range(statements):
    opening = statements["opening_balance"].to_pylist()
    assert min(opening) >= Decimal("-2000.00") and max(opening) <= Decimal("25000.00")
    assert any(o < 0 for o in opening) and any(o > 5000 for o in opening)


def test_transaction_counts_follow_the_bands(statements):
    counts = pc.list_value_length(statements["transactions"]).to_numpy()
    shares = {}
    for share, low, high in ((0.60, 5, 24), (0.25, 28, 66), (0.10, 72, 110), (0.05, 116, 155)):
        in_band = (counts >= low) & (counts <= high)
        shares[(low, high)] = in_band.mean()
        assert abs(in_band.mean() - share) < 0.025, shares
    assert abs(sum(shares.values()) - 1.0) < 1e-12  # nothing outside the bands
    assert counts.min() >= 5 and counts.max() <= 155


def test_mostly_debits_some_credits(rows):
    amounts = [t["amount"] for r in rows for t in r["transactions"]]
    debits = sum(1 for a in amounts if a < 0) / len(amounts)
    assert 0.7 < debits < 0.95


def test_segments_follow_their_weights(statements):
    counts = Counter(statements["segment"].to_pylist())
    n = statements.num_rows
    for segment, share in (("residential", 0.72), ("concession", 0.16),
                           ("small_business", 0.09), ("hardship", 0.03)):
        assert abs(counts[segment] / n - share) < 0.025, counts
    assert set(counts) == set(statement_texts.SEGMENT_MESSAGES)


def test_write_statement_data_round_trips(tmp_path):
    import pyarrow.parquet as pq

    expected = make_statements(120, seed=4)
    write_statement_data(tmp_path / "s.parquet", 120, seed=4)
    assert pq.read_table(tmp_path / "s.parquet").equals(expected)
    write_statement_data(tmp_path / "s.arrows", 120, seed=4)
    with pa.OSFile(str(tmp_path / "s.arrows")) as f:
        assert pa.ipc.open_stream(f).read_all().equals(expected)


# ---- Text lengths, measured with the font ------------------------------------

@pytest.fixture(scope="module")
def measure():
    from fontTools.ttLib import TTFont

    font = TTFont(str(DEJAVU), lazy=True)
    cmap, hmtx = font.getBestCmap(), font["hmtx"]
    units = font["head"].unitsPerEm
    advance = {}

    def width(text: str, size: float = 9.0) -> float:
        total = 0
        for ch in text:
            if ch not in advance:
                advance[ch] = hmtx[cmap[ord(ch)]][0]  # KeyError: a glyph DejaVu Sans lacks
            total += advance[ch]
        return total * size / units
    return width


def wrapped_lines(text: str, width_pt: float, measure) -> int:
    """Greedy word wrap at spaces, as the template and both references do."""
    lines, current = 1, ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and measure(candidate) > width_pt:
            lines, current = lines + 1, word
        else:
            current = candidate
    return lines


def test_about_five_percent_of_descriptions_wrap_to_two_lines(statements, measure):
    column = (90 - 2 * 1.5) * MM  # the description column inside its padding
    descriptions = pc.list_flatten(statements.slice(0, 3000)["transactions"]).combine_chunks()
    texts = descriptions.field("description").to_pylist()
    lines = {text: wrapped_lines(text, column, measure) for text in set(texts)}
    two = sum(1 for text in texts if lines[text] == 2) / len(texts)
    assert 0.04 < two < 0.06
    assert set(lines.values()) == {1, 2}, [t for t, n in lines.items() if n > 2][:5]


def test_marketing_messages_take_one_or_two_lines(measure):
    for segment, message in statement_texts.SEGMENT_MESSAGES.items():
        assert wrapped_lines(message, 170 * MM, measure) in (1, 2), segment
    for text in (*statement_texts.RETURN_ADDRESS, statement_texts.FOOTER_TEXT,
                 *statement_texts.TABLE_HEADINGS, statement_texts.NO_TRANSACTIONS):
        measure(text)  # every glyph exists in DejaVu Sans
