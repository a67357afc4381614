"""The business-rules layer: the expression language, per-record failures, list
aggregates, the rules file and `pressrun rules check`.

Expected values are worked out by hand in the tests, never read back from the
implementation.
"""
from __future__ import annotations

import datetime
import textwrap
from decimal import Decimal as D

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from pressrun.cli import main
from pressrun.errors import PressrunError, RuleError
from pressrun.rules import RuleSet, load_rules

MONEY = pa.decimal128(12, 2)
TRANSACTION = pa.struct([("amount", MONEY), ("kind", pa.string()), ("qty", pa.int64())])


def rules_of(*rules, **typed) -> RuleSet:
    """RuleSet from ("name", "expr") pairs; typed={name: type} declares types."""
    entries = [{"name": name, "expr": expr, **({"type": typed[name]} if name in typed else {})}
               for name, expr in rules]
    return RuleSet.from_dict({"pressrun_rules": 1, "rules": entries})


def evaluate(batch: pa.RecordBatch, *rules, **typed):
    return rules_of(*rules, **typed).evaluate(batch)


def values(batch: pa.RecordBatch, expr: str) -> list:
    result = evaluate(batch, ("out", expr))
    assert result.errors == [], result.errors
    return result.batch.column("out").to_pylist()


def compile_error(batch: pa.RecordBatch, expr: str) -> str:
    with pytest.raises(RuleError) as caught:
        evaluate(batch, ("out", expr))
    return str(caught.value)


def tx(amount, kind="purchase", qty=1):
    return {"amount": None if amount is None else D(amount), "kind": kind, "qty": qty}


@pytest.fixture()
def accounts() -> pa.RecordBatch:
    """Four statements: mixed transactions, one credit only, none, and a null list."""
    return pa.RecordBatch.from_pydict({
        "customer": pa.array(["ann", "bob", "cy", "di"]),
        "segment": pa.array(["hardship", "residential", None, "concession"]),
        "opening_balance": pa.array([D("10.00"), D("2000.00"), D("-50.00"), D("0.00")], MONEY),
        "qty": pa.array([2, 0, 5, None], pa.int64()),
        "rate": pa.array([1.5, 2.0, None, -0.5], pa.float64()),
        "flag": pa.array([True, None, False, True]),
        "opened": pa.array([datetime.date(2025, 3, 31), datetime.date(2024, 2, 28), None,
                            datetime.date(2025, 1, 1)], pa.date32()),
        "transactions": pa.array([
            [tx("5.00"), tx("-2.50", "fee"), tx("120.25"), tx(None, "note", 0)],
            [tx("100.00", "payment", 4)],
            [],
            None,
        ], pa.list_(TRANSACTION)),
    })


# --------------------------------------------------------------------------- literals and operators

def test_constant_rules_fill_every_record_and_follow_precedence(accounts):
    assert values(accounts, "1 + 2 * 3") == [7] * 4
    assert values(accounts, "(1 + 2) * 3") == [9] * 4
    assert values(accounts, "-2 * -3 - 1") == [5] * 4
    assert values(accounts, "not true and false") == [False] * 4
    assert values(accounts, "true or false and false") == [True] * 4
    assert values(accounts, "7 % 3 = 1") == [True] * 4


def test_strings_in_either_quote_with_escapes(accounts):
    assert values(accounts, r"'it\'s' + " + '"a \\"b\\"\\n\\t\\\\"') == ["it's" + 'a "b"\n\t\\'] * 4
    assert values(accounts, "null is null") == [True] * 4


def test_decimal_literals_are_exact_next_to_decimal_columns(accounts):
    result = evaluate(accounts, ("plus_fee", "opening_balance + 12.50"), ("tenth", "opening_balance * 0.1"))
    assert result.batch.column("plus_fee").to_pylist() == [D("22.50"), D("2012.50"), D("-37.50"), D("12.50")]
    assert result.batch.column("tenth").to_pylist() == [D("1.000"), D("200.000"), D("-5.000"), D("0.000")]
    assert pa.types.is_decimal(result.batch.schema.field("plus_fee").type)
    assert result.batch.schema.field("plus_fee").type.scale == 2


def test_decimal_literals_are_floats_elsewhere(accounts):
    assert values(accounts, "rate * 1.5") == [2.25, 3.0, None, -0.75]
    assert values(accounts, "0.1 + 0.2") == [0.1 + 0.2] * 4  # float arithmetic, as asked for


def test_integer_division_is_true_division_and_remainder_takes_the_dividend_sign():
    batch = pa.RecordBatch.from_pydict({"a": [7, -7, 9], "b": [2, 3, 3]})
    assert values(batch, "a / b") == [3.5, -7 / 3, 3.0]
    assert values(batch, "a % b") == [1, -1, 0]
    assert values(batch, "-a") == [-7, 7, -9]


def test_comparisons_of_numbers_text_dates_and_decimals(accounts):
    assert values(accounts, "opening_balance > 1000") == [False, True, False, False]
    assert values(accounts, "opening_balance <= 0") == [False, False, True, True]
    assert values(accounts, "0 < opening_balance") == [True, True, False, False]
    assert values(accounts, "opening_balance = 10") == [True, False, False, False]
    assert values(accounts, "opening_balance != 10.005") == [True, True, True, True]
    assert values(accounts, "customer >= 'bob'") == [False, True, True, True]
    assert values(accounts, "opened < date('2025-01-01')") == [False, True, None, False]
    assert values(accounts, "qty <> 0") == [True, False, True, None]


def test_and_or_not_use_three_valued_logic(accounts):
    # flag: true, null, false, true
    assert values(accounts, "flag and false") == [False, False, False, False]
    assert values(accounts, "flag or true") == [True, True, True, True]
    assert values(accounts, "flag and true") == [True, None, False, True]
    assert values(accounts, "not flag") == [False, None, True, False]


def test_in_and_not_in_with_null(accounts):
    # segment: hardship, residential, null, concession
    assert values(accounts, "segment in ('residential', 'concession')") == [False, True, None, True]
    assert values(accounts, "segment not in ('residential', 'concession')") == [True, False, None, False]
    assert values(accounts, "qty in (0, 5)") == [False, True, True, None]
    assert values(accounts, "opened in (date('2025-01-01'))") == [False, False, None, True]
    assert values(accounts, "opening_balance in (10, 0)") == [True, False, False, True]
    assert "some values after 'in' can never equal" in compile_error(accounts, "qty in (1, 2.5)")


def test_is_null_and_is_not_null(accounts):
    assert values(accounts, "segment is null") == [False, False, True, False]
    assert values(accounts, "qty is not null") == [True, True, True, False]


def test_text_concatenation_with_plus_propagates_null_and_concat_does_not(accounts):
    assert values(accounts, "customer + ': ' + segment") == ["ann: hardship", "bob: residential", None,
                                                             "di: concession"]
    assert values(accounts, "concat(customer, ' owes ', opening_balance, ' (', segment, ')')") == [
        "ann owes 10.00 (hardship)", "bob owes 2000.00 (residential)", "cy owes -50.00 ()",
        "di owes 0.00 (concession)"]


def test_backquoted_and_nested_struct_names():
    address = pa.struct([("post code", pa.string()), ("geo", pa.struct([("lat", pa.float64())]))])
    batch = pa.RecordBatch.from_pydict({
        "odd name": [1, 2],
        "end": [10, 20],
        "address": pa.array([{"post code": "2000", "geo": {"lat": -33.9}}, None], address),
    })
    assert values(batch, "`odd name` + `end`") == [11, 22]
    assert values(batch, "address.`post code`") == ["2000", None]
    assert values(batch, "address.geo.lat < 0") == [True, None]
    assert "a rule must give one value per record, not struct" in compile_error(batch, "address.geo")


def test_dictionary_encoded_and_large_strings_read_as_text():
    batch = pa.RecordBatch.from_pydict({
        "segment": pa.array(["a", "b", "a", None]).dictionary_encode(),
        "name": pa.array(["x", "y", "z", "w"], pa.large_string()),
    })
    assert values(batch, "segment = 'a'") == [True, False, True, None]
    assert values(batch, "upper(name) + segment") == ["Xa", "Yb", "Za", None]


# --------------------------------------------------------------------------- case and if

def test_case_takes_the_first_true_branch_and_null_conditions_are_false(accounts):
    expr = ("case when segment = 'hardship' then 'help' when opening_balance < 0 then 'overdrawn' "
            "else 'standard' end")
    result = evaluate(accounts, ("message", expr))
    assert result.batch.column("message").to_pylist() == ["help", "standard", "overdrawn", "standard"]
    assert result.branch_counts == {"message": [("when segment = 'hardship'", 1),
                                                ("when opening_balance < 0", 1), ("else", 2)]}


def test_case_without_else_is_null_where_no_branch_is_taken(accounts):
    result = evaluate(accounts, ("big", "case when opening_balance > 100 then opening_balance * 2 end"))
    assert result.batch.column("big").to_pylist() == [None, D("4000.00"), None, None]
    assert result.branch_counts["big"] == [("when opening_balance > 100", 1), ("no branch (null)", 3)]


def test_case_branches_of_numbers_meet_in_one_type(accounts):
    assert values(accounts, "case when qty > 1 then qty else 0.5 end") == [2.0, 0.5, 5.0, 0.5]
    assert values(accounts, "case when qty > 1 then opening_balance else 0 end") == [
        D("10.00"), D("0.00"), D("-50.00"), D("0.00")]
    assert values(accounts, "case when qty > 1 then 'many' when qty = 0 then null else 'one' end") == [
        "many", None, "many", "one"]


def test_if_is_a_case_with_one_branch(accounts):
    result = evaluate(accounts, ("sign", "if(opening_balance < 0, 'debit', 'credit')"))
    assert result.batch.column("sign").to_pylist() == ["credit", "credit", "debit", "credit"]
    assert result.branch_counts["sign"] == [("when opening_balance < 0", 1), ("else", 3)]
    assert values(accounts, "if(flag, 1, 2)") == [1, 2, 2, 1]  # a null condition takes the else


# --------------------------------------------------------------------------- functions

def test_text_functions():
    batch = pa.RecordBatch.from_pydict({"s": ["  Hello World ", "ümlaut", None]})
    assert values(batch, "upper(s)") == ["  HELLO WORLD ", "ÜMLAUT", None]
    assert values(batch, "lower(trim(s))") == ["hello world", "ümlaut", None]
    assert values(batch, "length(s)") == [14, 6, None]
    assert values(batch, "substr(trim(s), 1, 5)") == ["Hello", "ümlau", None]
    assert values(batch, "substr(s, 9)") == ["World ", "", None]
    assert values(batch, "starts_with(s, '  H')") == [True, False, None]
    assert values(batch, "ends_with(s, 'aut')") == [False, True, None]
    assert values(batch, "contains(s, 'lo W')") == [True, False, None]
    assert values(batch, "replace(s, 'o', '0')") == ["  Hell0 W0rld ", "ümlaut", None]
    assert values(batch, "coalesce(s, 'none')") == ["  Hello World ", "ümlaut", "none"]


def test_coalesce_and_round_and_abs(accounts):
    assert values(accounts, "coalesce(qty, rate, 0)") == [2.0, 0.0, 5.0, -0.5]
    assert values(accounts, "abs(rate)") == [1.5, 2.0, None, 0.5]
    assert values(accounts, "round(rate * 1.25, 1)") == [1.9, 2.5, None, -0.6]  # halves away from zero
    money = pa.RecordBatch.from_pydict({"m": pa.array([D("2.345"), D("-2.345"), D("9.995")],
                                                      pa.decimal128(6, 3))})
    assert values(money, "round(m, 2)") == [D("2.35"), D("-2.35"), D("10.00")]


def test_date_arithmetic_and_parts(accounts):
    # opened: 2025-03-31, 2024-02-28, null, 2025-01-01
    assert values(accounts, "opened + 14") == [datetime.date(2025, 4, 14), datetime.date(2024, 3, 13), None,
                                               datetime.date(2025, 1, 15)]
    assert values(accounts, "opened - 1") == [datetime.date(2025, 3, 30), datetime.date(2024, 2, 27), None,
                                              datetime.date(2024, 12, 31)]
    end = datetime.date(2025, 4, 30)
    expected = [(end - datetime.date(2025, 3, 31)).days, (end - datetime.date(2024, 2, 28)).days, None,
                (end - datetime.date(2025, 1, 1)).days]
    assert expected == [30, 427, None, 119]
    assert values(accounts, "days_between(opened, date('2025-04-30'))") == expected
    assert values(accounts, "date('2025-04-30') - opened") == expected
    assert values(accounts, "year(opened) * 10000 + month(opened) * 100 + day(opened)") == [
        20250331, 20240228, None, 20250101]


def test_today_is_not_allowed(accounts):
    assert "today() is not allowed" in compile_error(accounts, "opened < today()")


# --------------------------------------------------------------------------- failures per record

def test_division_by_zero_fails_only_that_record(accounts):
    result = evaluate(accounts, ("per_item", "opening_balance / qty"))
    # qty: 2, 0, 5, null
    assert result.batch.column("per_item").to_pylist()[::2] == [D("5"), D("-10")]
    assert result.batch.column("per_item").to_pylist()[1::2] == [None, None]
    assert result.errors == [(1, "per_item", "division by zero")]
    assert evaluate(accounts, ("m", "qty % (qty - 2)")).errors == [(0, "m", "division by zero")]


def test_division_by_a_literal_zero_is_a_compile_error(accounts):
    assert "division by zero at column 5" in compile_error(accounts, "qty / 0")
    assert "division by zero at column 5" in compile_error(accounts, "qty % 0.0")


def test_failures_in_branches_not_taken_are_no_failures(accounts):
    guarded = {
        "case": "case when qty = 0 then 0 else opening_balance / qty end",
        "if": "if(qty != 0, opening_balance / qty, 0)",
        "and": "qty != 0 and opening_balance / qty > 1",
        "or": "qty = 0 or opening_balance / qty > 1",
        "coalesce": "coalesce(if(qty = 0, 1, null), 100 / qty)",
    }
    for name, expr in guarded.items():
        result = evaluate(accounts, (name, expr))
        assert result.errors == [], (name, result.errors)
    assert evaluate(accounts, ("c", "case when qty = 0 then opening_balance / qty else 0 end")).errors == [
        (1, "c", "division by zero")]


def test_to_number_and_to_date_fail_the_records_they_cannot_read():
    batch = pa.RecordBatch.from_pydict({
        "n": ["12.5", " 7 ", "abc", None, "-1e3", ""],
        "d": ["2025-02-28", "2025-02-30", "31/12/2024", None, "2024-02-29", "x"],
    })
    result = evaluate(batch, ("number", "to_number(n)"), ("date", "to_date(d)"),
                      ("dmy", "to_date(d, '%d/%m/%Y')"))
    assert result.batch.column("number").to_pylist() == [12.5, 7.0, None, None, -1000.0, None]
    assert result.batch.column("date").to_pylist() == [datetime.date(2025, 2, 28), None, None, None,
                                                       datetime.date(2024, 2, 29), None]
    assert result.batch.column("dmy").to_pylist()[2] == datetime.date(2024, 12, 31)
    number_and_date_errors = [e for e in result.errors if e[1] != "dmy"]
    assert number_and_date_errors == [
        (1, "date", "cannot read '2025-02-30' as a date (expected YYYY-MM-DD)"),
        (2, "number", "cannot read 'abc' as a number"),
        (2, "date", "cannot read '31/12/2024' as a date (expected YYYY-MM-DD)"),
        (5, "number", "cannot read '' as a number"),
        (5, "date", "cannot read 'x' as a date (expected YYYY-MM-DD)"),
    ]
    assert (0, "dmy", "cannot read '2025-02-28' as a date (expected %d/%m/%Y)") in result.errors


def test_a_date_out_of_range_fails_the_record(accounts):
    result = evaluate(accounts, ("later", "opened + qty * 1000000"))
    # qty: 2 -> year 7500, 0 -> unchanged, null date, null qty
    assert result.batch.column("later").to_pylist() == [datetime.date(2025, 3, 31) + datetime.timedelta(2000000),
                                                        datetime.date(2024, 2, 28), None, None]
    result = evaluate(accounts, ("later", "opened + qty * 10000000"))
    assert result.errors == [(0, "later", "date out of range (years 1 to 9999)")]


def test_integer_overflow_fails_the_record_not_the_batch():
    batch = pa.RecordBatch.from_pydict({"x": pa.array([2 ** 62, 3, -(2 ** 62)], pa.int64())})
    result = evaluate(batch, ("quad", "x * 4"), ("sum", "x + x"))
    # 2**62 * 4 = 2**64 and -(2**62) * 4 = -(2**64) do not fit in 64 bits; 2**62 + 2**62 = 2**63 does not either
    assert result.batch.column("quad").to_pylist() == [None, 12, None]
    assert result.batch.column("sum").to_pylist() == [None, 6, -(2 ** 63)]
    assert result.errors == [(0, "quad", "number too large for a whole number"),
                             (0, "sum", "number too large for a whole number"),
                             (2, "quad", "number too large for a whole number")]


def test_whole_numbers_compute_in_64_bits():
    batch = pa.RecordBatch.from_pydict({"x": pa.array([2 ** 31 - 1, -(2 ** 31)], pa.int32())})
    assert values(batch, "x + 1") == [2 ** 31, -(2 ** 31) + 1]
    assert values(batch, "-x") == [-(2 ** 31) + 1, 2 ** 31]


def test_decimals_too_wide_for_38_digits_are_narrowed_and_fail_only_values_that_do_not_fit():
    huge = D("1" + "0" * 35 + ".00")  # 38 digits: twice it needs 39
    batch = pa.RecordBatch.from_pydict({"big": pa.array([D("1.25"), huge], pa.decimal128(38, 2))})
    result = evaluate(batch, ("twice", "big + big"))
    assert result.batch.column("twice").to_pylist() == [D("2.50"), None]
    assert result.errors == [(1, "twice", "number too large for exact arithmetic (decimal128(37, 2))")]
    tiny = pa.RecordBatch.from_pydict({"w": pa.array([D("0.1")], pa.decimal128(38, 37))})
    assert "the decimals are too wide to combine exactly in 38 digits" in compile_error(tiny, "w * w")


def test_a_sum_of_whole_numbers_too_large_for_64_bits_fails_its_record():
    batch = pa.RecordBatch.from_pydict({"xs": pa.array([[2 ** 62, 2 ** 62], [1, 2], [2 ** 62, -(2 ** 62)]],
                                                       pa.list_(pa.int64()))})
    result = evaluate(batch, ("total", "sum(xs)"))
    assert result.batch.column("total").to_pylist() == [None, 3, 0]
    assert result.errors == [(0, "total", "sum() too large for int64")]


def test_a_failing_literal_fails_every_record_and_items_show_their_value():
    batch = pa.RecordBatch.from_pydict({"tx": pa.array(
        [[{"k": "1.5"}, {"k": "abc"}, {"k": "x"}], [{"k": "2"}]], pa.list_(pa.struct([("k", pa.string())])))})
    result = evaluate(batch, ("constant", "to_number('abc')"), ("total", "sum(to_number(tx.k))"))
    assert result.batch.column("total").to_pylist() == [None, 2.0]
    assert result.errors == [(0, "constant", "cannot read 'abc' as a number"),
                             (0, "total", "cannot read 'abc' as a number"),  # the first failing item
                             (1, "constant", "cannot read 'abc' as a number")]


def test_timestamps_compare_and_give_their_date_parts():
    batch = pa.RecordBatch.from_pydict({"at": pa.array([datetime.datetime(2025, 3, 31, 12), None],
                                                       pa.timestamp("ms"))})
    assert values(batch, "year(at) * 100 + month(at)") == [202503, None]
    assert values(batch, "at >= at") == [True, None]
    assert "cannot apply '+' to timestamp" in compile_error(batch, "at + 1")


def test_a_failed_record_is_null_for_the_rules_that_use_it(accounts):
    result = evaluate(accounts, ("per_item", "opening_balance / qty"), ("plus_one", "per_item + 1"),
                      ("known", "per_item is not null"))
    assert result.batch.column("plus_one").to_pylist()[1] is None
    assert result.batch.column("known").to_pylist() == [True, False, True, False]
    assert result.errors == [(1, "per_item", "division by zero")]


# --------------------------------------------------------------------------- aggregates over lists

def test_sums_filtered_sums_and_counts(accounts):
    # ann: 5.00, -2.50, 120.25, null; bob: 100.00; cy: no items; di: a null list
    result = evaluate(
        accounts,
        ("total", "sum(transactions.amount)"),
        ("credits", "sum(transactions.amount where transactions.amount > 0)"),
        ("debits", "-sum(transactions.amount where transactions.amount < 0)"),
        ("items", "count(transactions)"),
        ("amounts", "count(transactions.amount)"),
        ("large", "count(transactions where transactions.amount > 100)"),
    )
    column = result.batch.column
    assert column("total").to_pylist() == [D("122.75"), D("100.00"), D("0.00"), D("0.00")]
    assert column("credits").to_pylist() == [D("125.25"), D("100.00"), D("0.00"), D("0.00")]
    assert column("debits").to_pylist() == [D("2.50"), D("0.00"), D("0.00"), D("0.00")]
    assert column("items").to_pylist() == [4, 1, 0, 0]
    assert column("amounts").to_pylist() == [3, 1, 0, 0]
    assert column("large").to_pylist() == [1, 0, 0, 0]
    assert result.batch.schema.field("total").type == pa.decimal128(22, 2)
    assert result.errors == []


def test_min_max_avg_of_empty_and_null_lists_are_null(accounts):
    assert values(accounts, "min(transactions.amount)") == [D("-2.50"), D("100.00"), None, None]
    assert values(accounts, "max(transactions.amount where transactions.kind != 'purchase')") == [
        D("-2.50"), D("100.00"), None, None]
    # avg of 5.00, -2.50, 120.25 = 40.916.. -> 40.92 (the scale of the values, halves away from zero)
    assert values(accounts, "avg(transactions.amount)") == [D("40.92"), D("100.00"), None, None]
    assert values(accounts, "avg(transactions.qty)") == [0.75, 4.0, None, None]
    assert values(accounts, "max(transactions.kind)") == ["purchase", "payment", None, None]
    assert values(accounts, "min(transactions.kind where transactions.qty > 0)") == ["fee", "payment", None, None]


def test_any_and_all(accounts):
    assert values(accounts, "any(transactions.amount < 0)") == [True, False, False, False]
    assert values(accounts, "all(transactions.amount > 0)") == [False, True, True, True]  # nulls ignored
    assert values(accounts, "any(transactions.kind = 'fee' where transactions.amount > 0)") == [
        False, False, False, False]


def test_aggregate_items_may_use_the_record_and_earlier_rules(accounts):
    result = evaluate(accounts, ("limit", "opening_balance / 100"),
                      ("over", "count(transactions where transactions.amount > limit)"),
                      ("scaled", "sum(transactions.amount * qty)"))
    # limit: 0.10, 20.00, -0.50, 0.00
    assert result.batch.column("over").to_pylist() == [2, 1, 0, 0]
    assert result.batch.column("scaled").to_pylist() == [D("245.50"), D("0.00"), D("0.00"), D("0.00")]


def test_failures_inside_items_fail_their_record(accounts):
    result = evaluate(accounts, ("unit", "sum(transactions.amount / transactions.qty)"))
    # ann's null-amount note has qty 0: the division fails for ann's record only
    assert result.errors == [(0, "unit", "division by zero")]
    assert result.batch.column("unit").to_pylist() == [None, D("25"), D("0"), D("0")]
    result = evaluate(accounts, ("unit", "sum(transactions.amount / transactions.qty where transactions.qty > 0)"))
    assert result.errors == []
    assert result.batch.column("unit").to_pylist() == [D("122.75"), D("25"), D("0"), D("0")]


def test_lists_of_plain_values_and_null_items():
    batch = pa.RecordBatch.from_pydict({"tags": pa.array([[1, None, 3], [], None, [None]], pa.list_(pa.int64()))})
    assert values(batch, "sum(tags)") == [4, 0, 0, 0]
    assert values(batch, "count(tags)") == [3, 0, 0, 1]
    assert values(batch, "count(tags where tags is not null)") == [2, 0, 0, 0]
    assert values(batch, "max(tags)") == [3, None, None, None]
    assert values(batch, "avg(tags)") == [2.0, None, None, None]


def test_aggregates_of_sliced_batches_and_null_lists_that_span_values():
    # The null list at row 1 still spans child values 2..4 (offsets 2 -> 5): they are no items of it.
    amounts = pa.array([1, 2, 30, 40, 50, 6, 7, 8], pa.int64())
    lists = pa.ListArray.from_arrays(pa.array([0, 2, 5, 7, 8], pa.int32()), amounts,
                                     mask=pa.array([False, True, False, False]))
    batch = pa.RecordBatch.from_pydict({"id": [0, 1, 2, 3], "xs": lists})
    assert values(batch, "sum(xs)") == [3, 0, 13, 8]
    assert values(batch, "count(xs where xs > 5)") == [0, 0, 2, 1]
    sliced = batch.slice(1, 3)
    result = evaluate(sliced, ("total", "sum(xs)"), ("most", "max(xs)"), ("n", "count(xs)"))
    assert result.batch.column("id").to_pylist() == [1, 2, 3]
    assert result.batch.column("total").to_pylist() == [0, 13, 8]
    assert result.batch.column("most").to_pylist() == [None, 7, 8]
    assert result.batch.column("n").to_pylist() == [0, 2, 1]


def test_sliced_list_of_structs(accounts):
    assert values(accounts.slice(1, 2), "sum(transactions.amount) + opening_balance") == [D("2100.00"),
                                                                                          D("-50.00")]


def test_wide_decimals_and_text_take_the_grouped_path():
    wide = pa.decimal128(30, 2)
    batch = pa.RecordBatch.from_pydict({
        "xs": pa.array([[D("0.01"), D("0.02")], [D("-0.01"), D("-0.02"), None], []], pa.list_(wide)),
    })
    assert values(batch, "sum(xs)") == [D("0.03"), D("-0.03"), D("0.00")]
    assert values(batch, "avg(xs)") == [D("0.02"), D("-0.02"), None]  # 0.015 -> 0.02, as Arrow rounds
    assert values(batch, "min(xs where xs > -0.02)") == [D("0.01"), D("-0.01"), None]


def test_an_empty_batch_gives_empty_typed_columns(accounts):
    result = evaluate(accounts.slice(0, 0), ("credits", "sum(transactions.amount where transactions.amount > 0)"),
                      ("message", "if(qty > 1, 'many', 'few')"))
    assert result.batch.num_rows == 0 and result.errors == []
    assert result.batch.schema.field("credits").type == pa.decimal128(22, 2)
    assert result.branch_counts == {"message": [("when qty > 1", 0), ("else", 0)]}


def test_a_list_inside_a_struct(accounts):
    account = pa.struct([("id", pa.string()), ("payments", pa.list_(pa.struct([("amount", MONEY)])))])
    batch = pa.RecordBatch.from_pydict({"account": pa.array(
        [{"id": "a", "payments": [{"amount": D("1.10")}, {"amount": D("2.20")}]}, {"id": "b", "payments": None}],
        account)})
    assert values(batch, "sum(account.payments.amount)") == [D("3.30"), D("0.00")]


# --------------------------------------------------------------------------- rule references and errors

def test_rules_use_earlier_rules(accounts):
    result = evaluate(
        accounts,
        ("credits", "sum(transactions.amount where transactions.amount > 0)"),
        ("debits", "-sum(transactions.amount where transactions.amount < 0)"),
        ("closing_balance", "opening_balance + credits - debits"),
        ("show_offer", "segment in ('residential', 'concession') and closing_balance > 1000"),
        show_offer="bool",
    )
    assert result.batch.schema.names == accounts.schema.names + ["credits", "debits", "closing_balance",
                                                                 "show_offer"]
    assert result.batch.column("closing_balance").to_pylist() == [D("132.75"), D("2100.00"), D("-50.00"),
                                                                  D("0.00")]
    # cy: null segment, and -50.00 > 1000 is false: null and false is false
    assert result.batch.column("show_offer").to_pylist() == [False, True, False, False]
    for name in accounts.schema.names:
        assert result.batch.column(name).equals(accounts.column(name))


def test_a_rule_that_uses_a_later_rule_or_itself_names_both(accounts):
    with pytest.raises(RuleError, match=r"rules\[0\]\.expr: rule 'a' uses rule 'b', which comes later in the "
                                        r"file \(rules run in file order\) at column 5"):
        evaluate(accounts, ("a", "1 + b"), ("b", "2"))
    with pytest.raises(RuleError, match=r"rules\[0\]\.expr: rule 'a' refers to itself at column 1"):
        evaluate(accounts, ("a", "a + 1"))


@pytest.mark.parametrize("expr, message", [
    ("opening_balanse + 1", "unknown column 'opening_balanse' at column 1; did you mean 'opening_balance'?"),
    ("summ(transactions.amount)", "unknown function 'summ' at column 1; did you mean 'sum'?"),
    ("transactions.amont", "'transactions' has no field 'amont' at column 1; did you mean 'amount'?"),
    ("customer + 1", "cannot add string and integer (int64); use concat(...) to join text with other values "
                     "at column 10"),
    ("opened < '2025-01-01'", "cannot compare date (date32[day]) with string; write a date as "
                              "date('2025-03-31') at column 8"),
    ("qty = null", "a comparison with null is always null; write 'is null' at column 5"),
    ("transactions.amount > 0", "'transactions.amount' has one value per item of the list 'transactions'; "
                                "use it inside sum(), count(), min(), max(), avg(), any() or all() at column 1"),
    ("sum(opening_balance)", "sum() needs a list column, such as sum(transactions.amount) at column 5"),
    ("sum(transactions.kind)", "sum() needs integer or float or decimal, but 'transactions.kind' is string "
                               "at column 5"),
    ("sum(count(transactions))", "count() inside another aggregate: aggregates cannot be nested at column 5"),
    ("upper(qty)", "upper(): text must be string, got integer (int64) at column 7"),
    ("substr(customer, qty)", "substr(): start must be a whole number written as a literal at column 18"),
    ("substr(customer, 0)", "substr() counts characters from 1, got start 0 at column 1"),
    ("date('2025-02-30')", "not a date: '2025-02-30' (write date('YYYY-MM-DD')) at column 1"),
    ("if(flag, 1)", "if() takes 3 arguments (condition, then, else), got 2 at column 1"),
    ("case when qty then 1 end", "a 'when' needs true or false, but 'qty' is integer (int64) at column 11"),
    ("case when flag then 1 else 'x' end", "the branches of a case give different kinds of value: integer, "
                                           "string at column 1"),
    ("upper(customer where flag)", "'where' filters the items of an aggregate"),
    ("qty in (1, qty)", "the values after 'in' must be literals, such as ('a', 'b') at column 12"),
    ("transactions", "'transactions' has one value per item of the list 'transactions'"),
    ("a < b < c", "comparisons cannot be chained; join them with 'and' at column 7"),
])
def test_compile_errors_name_the_problem_and_the_place(accounts, expr, message):
    assert message in compile_error(accounts, expr)


def test_declared_types_are_checked(accounts):
    with pytest.raises(RuleError, match=r"rules\[0\]\.type: rule 'x' gives string, but is declared bool"):
        evaluate(accounts, ("x", "customer"), x="bool")
    assert evaluate(accounts, ("x", "qty * 2"), x="number").errors == []


def test_a_rule_cannot_take_the_name_of_a_column(accounts):
    with pytest.raises(RuleError, match=r"rules\[0\]\.name: rule 'qty' has the name of a column"):
        evaluate(accounts, ("qty", "1"))


def test_syntax_errors_are_found_when_the_rules_are_loaded():
    with pytest.raises(RuleError, match=r"rules\[1\]\.expr: expected a value, a column or '\(', "
                                        r"found the end of the expression at column 4"):
        rules_of(("a", "1"), ("b", "1 +"))
    with pytest.raises(RuleError, match=r"unterminated string \(no closing '\) at column 5"):
        rules_of(("a", "x = 'abc"))


# --------------------------------------------------------------------------- the rules file

def write(path, text: str):
    path.write_text(textwrap.dedent(text).lstrip())
    return path


def test_load_rules_from_yaml(tmp_path, accounts):
    path = write(tmp_path / "rules.yaml", """
        pressrun_rules: 1
        rules:
          - name: credits
            expr: sum(transactions.amount where transactions.amount > 0)
          - name: segment_message
            expr: >-
              case when segment = 'hardship' then 'help'
              else 'standard' end
    """)
    rules = load_rules(path)
    assert rules.names == ["credits", "segment_message"]
    result = rules.evaluate(accounts)
    assert result.batch.column("segment_message").to_pylist() == ["help", "standard", "standard", "standard"]
    assert rules.compile(accounts.schema) is rules.compile(accounts.schema)  # compiled once per schema


def test_errors_in_a_file_name_the_file_line_and_key(tmp_path, accounts):
    path = write(tmp_path / "rules.yaml", """
        pressrun_rules: 1
        rules:
          - name: credits
            expr: sum(transactions.amount where transactions.amount > 0)
          - name: typo
            expr: credits + opening_balanse
    """)
    rules = load_rules(path)
    with pytest.raises(RuleError) as caught:
        rules.evaluate(accounts)
    assert str(caught.value) == (f"{path}:6: rules[1].expr: unknown column 'opening_balanse' at column 11; "
                                 "did you mean 'opening_balance'?")


@pytest.mark.parametrize("text, message", [
    ("rules: []\n", "rules.yaml:1: missing required key 'pressrun_rules'"),
    ("pressrun_rules: 2\nrules: []\n", "rules.yaml:1: pressrun_rules: unsupported rules format version 2"),
    ("pressrun_rules: 1\nrule: []\n", "rules.yaml:2: rule: unknown key; did you mean 'rules'?"),
    ("pressrun_rules: 1\nrules: []\n", "rules.yaml:2: rules: expected a list of rules"),
    ("pressrun_rules: 1\nrules:\n  - name: a\n    expression: 1\n",
     "rules.yaml:4: rules[0].expression: unknown key; expected one of: name, expr, type"),
    ("pressrun_rules: 1\nrules:\n  - name: a\n", "rules.yaml:3: rules[0]: missing required key 'expr'"),
    ("pressrun_rules: 1\nrules:\n  - {name: a, expr: '1'}\n  - {name: a, expr: '2'}\n",
     "rules.yaml:4: rules[1].name: two rules named 'a' (the first is rules[0])"),
    ("pressrun_rules: 1\nrules:\n  - {name: 2a, expr: '1'}\n", "rules.yaml:3: rules[0].name: a rule name is"),
    ("pressrun_rules: 1\nrules:\n  - {name: a, expr: 12.50}\n",
     "rules.yaml:3: rules[0].expr: expected an expression as text, got 12.5 (quote it)"),
    ("pressrun_rules: 1\nrules:\n  - {name: a, expr: '1', type: boolean}\n",
     "rules.yaml:3: rules[0].type: unknown type 'boolean'; did you mean 'bool'?"),
    ("pressrun_rules: 1\nrules:\n  - name: a\n    expr: (1\n",
     "rules.yaml:4: rules[0].expr: expected ')' to close the '(' opened at column 1, found the end of the "
     "expression at column 3"),
    ("pressrun_rules: 1\nrules:\n  - name: a\n    name: b\n", "rules.yaml:4: rules[0].name: duplicate key"),
    ("pressrun_rules: 1\nrules: [\n", "rules.yaml:3: YAML syntax error"),
])
def test_bad_rules_files(tmp_path, text, message):
    path = tmp_path / "rules.yaml"
    path.write_text(text)
    with pytest.raises(RuleError) as caught:
        load_rules(path)
    assert str(caught.value).startswith(str(tmp_path / message)), str(caught.value)


def test_a_multi_line_expression_gives_line_and_column(tmp_path):
    path = write(tmp_path / "rules.yaml", """
        pressrun_rules: 1
        rules:
          - name: a
            expr: |
              case when x then 1
              else 2 en
    """)
    with pytest.raises(RuleError, match=r"rules\.yaml:4: rules\[0\]\.expr: expected 'end' to close 'case', "
                                        r"found 'en' at line 2, column 8"):
        load_rules(path)


def test_rule_error_is_a_pressrun_error():
    assert issubclass(RuleError, PressrunError)


# --------------------------------------------------------------------------- checking rules on data

def test_check_reports_each_rule_over_every_batch(accounts):
    rules = rules_of(("credits", "sum(transactions.amount where transactions.amount > 0)"),
                     ("message", "case when segment = 'hardship' then 'help' else 'standard' end"),
                     ("offer", "opening_balance > 0"),
                     ("per_item", "opening_balance / qty"))
    table = pa.Table.from_batches([accounts, accounts])
    report = rules.check(pa.RecordBatchReader.from_batches(accounts.schema, table.to_batches()), max_shown=1)
    assert report.records == 8 and report.failed_records == 2
    credits, message, offer, per_item = report.rules
    assert (credits.minimum, credits.maximum, credits.nulls) == (D("0.00"), D("125.25"), 0)
    assert message.branches == [2, 6]
    assert (offer.true, offer.false, offer.nulls) == (4, 4, 0)
    assert per_item.failed == 2 and per_item.first_failures == [(1, "division by zero")]
    text = report.summary()
    assert text.splitlines()[0] == "8 records checked against 4 rules: 2 failed a rule"
    assert "  when segment = 'hardship'  2" in text
    assert "offer (bool): true 4, false 4, null 0" in text
    assert "    record 1: division by zero\n    ... and 1 more" in text


@pytest.fixture()
def rules_and_data(tmp_path, accounts):
    pq.write_table(pa.Table.from_batches([accounts]), tmp_path / "accounts.parquet")
    write(tmp_path / "good.yaml", """
        pressrun_rules: 1
        rules:
          - name: closing
            expr: opening_balance + sum(transactions.amount)
          - name: message
            expr: if(closing < 0, 'overdrawn', 'ok')
    """)
    write(tmp_path / "failing.yaml", """
        pressrun_rules: 1
        rules:
          - name: per_item
            expr: opening_balance / qty
    """)
    return tmp_path


def test_cli_rules_check_passes(rules_and_data):
    result = CliRunner().invoke(main, ["rules", "check", str(rules_and_data / "good.yaml"),
                                       "--data", str(rules_and_data / "accounts.parquet")])
    assert result.exit_code == 0, result.output
    assert "4 records checked against 2 rules: none failed a rule" in result.output
    assert "closing (decimal128(23, 2)): min -50.00, max 2100.00, null 0" in result.output
    assert "  when closing < 0  1\n  else              3" in result.output


def test_cli_rules_check_exits_1_when_a_record_fails(rules_and_data):
    result = CliRunner().invoke(main, ["rules", "check", str(rules_and_data / "failing.yaml"),
                                       "--data", str(rules_and_data / "accounts.parquet")])
    assert result.exit_code == 1, result.output
    assert "record 1: division by zero" in result.output


@pytest.mark.parametrize("rules_name, data_name, message", [
    ("good.yaml", "missing.parquet", "missing.parquet: no such data file"),
    ("missing.yaml", "accounts.parquet", "missing.yaml: cannot read rules"),
    ("bad.yaml", "accounts.parquet", "bad.yaml:3: rules[0].expr: unknown column 'nope' at column 1"),
])
def test_cli_rules_check_bad_input_is_one_line_and_exit_2(rules_and_data, rules_name, data_name, message):
    (rules_and_data / "bad.yaml").write_text("pressrun_rules: 1\nrules:\n  - {name: a, expr: nope}\n")
    result = CliRunner().invoke(main, ["rules", "check", str(rules_and_data / rules_name),
                                       "--data", str(rules_and_data / data_name)])
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 2, result.output
    assert len(lines) == 1 and lines[0].startswith("pressrun: error: ") and message in lines[0], result.output
