"""Householding and presort: address keys, piece plans, trays and tray breaks."""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from pressrun.errors import ProfileError
from pressrun.production.grouping import (
    PiecePlan, mail_trays, normalise_address, plan_pieces, tray_breaks,
)


def keys(*lines):
    return normalise_address([pa.array(list(line)) for line in lines]).to_pylist()


def pieces_of(plan: PiecePlan) -> list[list[int]]:
    return [plan.order[plan.piece_starts[k]:plan.piece_starts[k + 1]].tolist()
            for k in range(plan.pieces)]


def assert_consistent(plan: PiecePlan, rows: int) -> None:
    assert plan.order.dtype == np.int64 and plan.piece_starts.dtype == np.int64
    assert plan.piece_starts[0] == 0 and plan.piece_starts[-1] == rows
    assert np.all(np.diff(plan.piece_starts) > 0), "no empty pieces"
    assert np.array_equal(np.bincount(plan.order, minlength=rows), np.ones(rows)), \
        "every record exactly once"


# --- normalise_address -------------------------------------------------------------------------

def test_street_type_abbreviated_case_and_punctuation_ignored():
    a, b = keys(["12 Smith Street", "12 smith st."])
    assert a == b == "12 SMITH ST"


def test_unit_and_road_abbreviated_commas_become_spaces():
    a, b = keys(["Unit 3, 4 King Rd", "U 3 4 KING ROAD"])
    assert a == b == "U 3 4 KING RD"


def test_abbreviation_is_whole_word_only():
    assert keys(["1 Westfield Streetway", "9 Northbridge Road"]) == [
        "1 WESTFIELD STREETWAY", "9 NORTHBRIDGE RD"]


def test_separator_does_not_merge_unit_and_street_numbers():
    a, b = keys(["3/45 King St", "345 King St"])
    assert a != b


def test_whitespace_collapsed_and_trimmed():
    assert keys(["  12\t  Smith   Street  "]) == ["12 SMITH ST"]


def test_lines_joined_and_empty_lines_do_not_contribute():
    line1 = ["Flat 2", "Flat 2", "Flat 2", None]
    line2 = [None, "", " . ", "10 High St"]
    line3 = ["Perth", "Perth", "perth", "Perth"]
    assert keys(line1, line2, line3) == ["FLAT 2|PERTH"] * 3 + ["10 HIGH ST|PERTH"]


def test_all_lines_null_gives_empty_key_and_keeps_the_row():
    first = pa.array([None, "a", None, None], pa.string())
    second = pa.array(["", None, "b", None], pa.string())
    assert normalise_address([first, second]).to_pylist() == ["", "A", "B", ""]


def test_accents_folded():
    a, b = keys(["5 Rue de l'Église", "5 rue de lEglise"])
    assert a == b == "5 RUE DE LEGLISE"
    assert keys(["Café Crescent"]) == ["CAFE CRES"]


def test_non_string_lines_are_text():
    assert normalise_address([pa.array([12]), pa.array(["Smith Street"])]).to_pylist() == [
        "12|SMITH ST"]


# --- plan_pieces: householding -----------------------------------------------------------------

def household_table():
    return pa.table({
        "line1": ["12 Smith Street", "9 Oak Ave", "12 smith st.", "12 SMITH ST", "9 oak avenue"],
        "family": ["A", "B", "A", "Z", "B"],
    })


def test_same_address_and_key_share_a_piece_different_key_does_not():
    plan = plan_pieces(household_table(), household_key=["family"], address_fields=["line1"])
    assert_consistent(plan, 5)
    assert pieces_of(plan) == [[0, 2], [1, 4], [3]]


def test_address_alone_groups():
    plan = plan_pieces(household_table(), address_fields=["line1"])
    assert pieces_of(plan) == [[0, 2, 3], [1, 4]]


def test_household_key_alone_groups_null_equals_empty():
    table = pa.table({"hh": ["x", None, "y", "", "x"]})
    plan = plan_pieces(table, household_key=["hh"])
    assert pieces_of(plan) == [[0, 4], [1, 3], [2]]


def test_household_key_compared_as_text_not_normalised():
    table = pa.table({"hh": ["x", "X", "x "]})
    assert plan_pieces(table, household_key=["hh"]).pieces == 3


def test_max_documents_splits_household_in_input_order():
    table = pa.table({"addr": ["1 A St", "2 B St", "1 A Street", "1 a st", "1 A St.", "1 A st"]})
    plan = plan_pieces(table, address_fields=["addr"], max_documents=2)
    assert_consistent(plan, 6)
    assert pieces_of(plan) == [[0, 2], [3, 4], [5], [1]]


def test_order_within_piece_is_input_order_after_presort():
    table = pa.table({
        "addr": ["1 A St", "2 B St", "1 A St", "2 B St", "1 A St"],
        "postcode": ["6000", "2000", "1000", "2000", "3000"],
    })
    plan = plan_pieces(table, address_fields=["addr"], sort_key=["postcode"])
    # The piece sorts by its first record (row 0, postcode 6000), documents stay in input order.
    assert pieces_of(plan) == [[1, 3], [0, 2, 4]]


def test_split_household_pieces_stay_together():
    table = pa.table({
        "addr": ["1 A St", "1 A St", "9 Z St", "1 A St"],
        "postcode": ["2000", "7000", "2000", "1000"],
    })
    plan = plan_pieces(table, address_fields=["addr"], sort_key=["postcode"], max_documents=2)
    assert pieces_of(plan) == [[0, 1], [3], [2]]


# --- plan_pieces: presort ----------------------------------------------------------------------

def test_presort_by_postcode_stable_ties_and_nulls_last():
    table = pa.table({"postcode": ["3000", None, "2000", "3000", "2000", None, "1000"]})
    plan = plan_pieces(table, sort_key=["postcode"])
    assert_consistent(plan, 7)
    assert plan.order.tolist() == [6, 2, 4, 0, 3, 1, 5]
    assert plan.pieces == 7


def test_presort_with_several_keys_and_integer_column():
    table = pa.table({"zone": [2, 1, 2, 1], "walk": ["b", "b", "a", "a"]})
    plan = plan_pieces(table, sort_key=["zone", "walk"])
    assert plan.order.tolist() == [3, 1, 2, 0]


def test_households_presorted_by_first_record_ties_keep_first_record_order():
    table = pa.table({
        "hh": ["p", "q", "r", "p", "q", "s"],
        "postcode": ["2000", "1000", "2000", "1000", "9000", None],
    })
    plan = plan_pieces(table, household_key=["hh"], sort_key=["postcode"])
    assert_consistent(plan, 6)
    assert pieces_of(plan) == [[1, 4], [0, 3], [2], [5]]


def test_no_grouping_no_sort_is_identity():
    table = pa.table({"x": list(range(10))})
    plan = plan_pieces(table)
    assert plan.order.tolist() == list(range(10))
    assert plan.piece_starts.tolist() == list(range(11))
    assert plan.pieces == 10


def test_grouping_without_sort_keeps_first_record_order():
    table = pa.table({"hh": ["c", "a", "c", "b", "a"]})
    plan = plan_pieces(table, household_key=["hh"])
    assert pieces_of(plan) == [[0, 2], [1, 4], [3]]


def test_empty_table():
    table = pa.table({"addr": pa.array([], pa.string()), "pc": pa.array([], pa.string())})
    plan = plan_pieces(table, address_fields=["addr"], sort_key=["pc"], max_documents=3)
    assert plan.pieces == 0
    assert plan.order.tolist() == [] and plan.piece_starts.tolist() == [0]


def test_chunked_columns():
    table = pa.Table.from_batches([
        pa.record_batch({"hh": ["a", "b"], "pc": ["2", "1"]}),
        pa.record_batch({"hh": ["b", "a"], "pc": ["3", "0"]}),
    ])
    plan = plan_pieces(table, household_key=["hh"], sort_key=["pc"])
    assert pieces_of(plan) == [[1, 2], [0, 3]]


def test_million_records():
    rows = 1_000_000
    rng = np.random.default_rng(11)
    street_numbers = rng.integers(1, 300_000, rows)
    suffix = np.where(rng.random(rows) < 0.5, " Street", " st.")
    line1 = np.char.add(street_numbers.astype(str), np.char.add(" Long", suffix))
    table = pa.table({
        "line1": pa.array(line1),
        "line2": pa.array(np.where(rng.random(rows) < 0.5, "", None)),
        "family": pa.array(rng.integers(0, 2, rows)),
        # One postcode per street number, as in real data: an address has one postcode.
        "postcode": pa.array((1000 + street_numbers % 9000).astype(str)),
    })
    plan = plan_pieces(table, household_key=["family"], address_fields=["line1", "line2"],
                       sort_key=["postcode"], max_documents=4)
    assert_consistent(plan, rows)
    assert plan.pieces < rows  # 1M records over ~600k households must share pieces
    assert np.diff(plan.piece_starts).max() <= 4
    first = plan.order[plan.piece_starts[:-1]]
    postcodes = table["postcode"].take(pa.array(first)).combine_chunks()
    as_numbers = postcodes.cast(pa.int64()).to_numpy()
    assert np.all(as_numbers[:-1] <= as_numbers[1:]), "pieces presorted by postcode"
    trays = mail_trays(postcodes, break_digits=2, capacity=300)
    breaks = tray_breaks(trays, pa.array(np.arange(plan.pieces)), postcodes, 2)
    assert sum(breaks["pieces"].to_pylist()) == plan.pieces


# --- errors ------------------------------------------------------------------------------------

@pytest.mark.parametrize("parameter", ["household_key", "address_fields", "sort_key"])
def test_unknown_column_names_it_and_lists_available(parameter):
    table = pa.table({"name": ["a"], "postcode": ["2000"]})
    with pytest.raises(ProfileError) as caught:
        plan_pieces(table, **{parameter: ["postcod"]})
    message = str(caught.value)
    assert "'postcod'" in message and parameter in message
    assert "name" in message and "postcode" in message


def test_negative_max_documents_rejected():
    with pytest.raises(ProfileError, match="max_documents"):
        plan_pieces(pa.table({"a": [1]}), household_key=["a"], max_documents=-1)


def test_negative_tray_settings_rejected():
    with pytest.raises(ProfileError, match="capacity"):
        mail_trays(pa.array(["1"]), capacity=-1)
    with pytest.raises(ProfileError, match="break_digits"):
        mail_trays(pa.array(["1"]), break_digits=-2)


# --- mail_trays / tray_breaks ------------------------------------------------------------------

POSTCODES = ["2000", "2001", "2010", "2011", "2100", "2100", "3000", "3001", "3002", "3003", None]


def test_mail_trays_break_digits_and_capacity():
    trays = mail_trays(pa.array(POSTCODES), break_digits=2, capacity=3)
    # "20" x4 -> trays 1 (3 pieces) and 2 (1); "21" x2 -> 3; "30" x4 -> 4 (3) and 5 (1); null -> 6
    assert trays.tolist() == [1, 1, 1, 2, 3, 3, 4, 4, 4, 5, 6]


def test_mail_trays_value_breaks_only_and_capacity_only():
    assert mail_trays(pa.array(POSTCODES), break_digits=1).tolist() == [1] * 6 + [2] * 4 + [3]
    assert mail_trays(np.array(POSTCODES[:7], dtype=object), capacity=3).tolist() == [
        1, 1, 1, 2, 2, 2, 3]
    assert mail_trays(pa.array(["a", "b"])).tolist() == [1, 1]
    assert mail_trays(pa.array([], pa.string()), break_digits=2, capacity=3).tolist() == []


def test_mail_trays_numeric_sort_values():
    assert mail_trays(np.array([2000, 2050, 2100]), break_digits=2).tolist() == [1, 1, 2]


def test_tray_breaks_rows():
    trays = mail_trays(pa.array(POSTCODES), break_digits=2, capacity=3)
    piece_ids = pa.array([f"P{k:03d}" for k in range(len(POSTCODES))])
    table = tray_breaks(trays, piece_ids, pa.array(POSTCODES), 2)
    assert table.schema == pa.schema([
        ("tray", pa.int32()), ("first_piece", pa.string()), ("last_piece", pa.string()),
        ("pieces", pa.int32()), ("break_key", pa.string()),
    ])
    assert table.to_pylist() == [
        {"tray": 1, "first_piece": "P000", "last_piece": "P002", "pieces": 3, "break_key": "20"},
        {"tray": 2, "first_piece": "P003", "last_piece": "P003", "pieces": 1, "break_key": "20"},
        {"tray": 3, "first_piece": "P004", "last_piece": "P005", "pieces": 2, "break_key": "21"},
        {"tray": 4, "first_piece": "P006", "last_piece": "P008", "pieces": 3, "break_key": "30"},
        {"tray": 5, "first_piece": "P009", "last_piece": "P009", "pieces": 1, "break_key": "30"},
        {"tray": 6, "first_piece": "P010", "last_piece": "P010", "pieces": 1, "break_key": ""},
    ]


def test_tray_breaks_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="one entry per piece"):
        tray_breaks(np.array([1, 1]), pa.array(["a"]), pa.array(["x", "y"]), 2)
