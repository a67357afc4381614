"""Statements: a table flowing across pages, page x of y, rules, read back
with pypdf (an extractor pressrun did not write) and checked against values
computed here from the data, not by pressrun."""
from __future__ import annotations

import copy
import shutil
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pdfcheck import assert_valid_pdf, normalise, page_texts, render_page

import pressrun
from pressrun.demo import write_demo_assets
from pressrun.demo.statements import STATEMENT_SCHEMA, make_statements

DEMO = Path(pressrun.__file__).parent / "demo"
pytestmark = pytest.mark.native_boundary


def _money(value: Decimal, prefix: str = "") -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}{prefix}{abs(value):,.2f}"


def _nullable(schema: pa.Schema) -> pa.Schema:
    """The schema with every field (nested ones too) nullable."""
    def loosen(field: pa.Field) -> pa.Field:
        data_type = field.type
        if pa.types.is_list(data_type):
            item = data_type.value_field
            data_type = pa.list_(loosen(item.with_type(pa.struct([loosen(f) for f in item.type]))))
        return field.with_nullable(True).with_type(data_type)
    return pa.schema([loosen(f) for f in schema])


@pytest.fixture(scope="module")
def assets(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("statement")
    write_demo_assets(directory)
    for name in ("statement.yaml", "statement_rules.yaml"):
        shutil.copy(DEMO / name, directory / name)
    return directory


@pytest.fixture(scope="module")
def statements() -> list[dict]:
    rows = make_statements(12, seed=5).to_pylist()
    base = rows[0]
    empty = dict(copy.deepcopy(base), customer_id="C-EMPTY", transactions=[])
    single = dict(copy.deepcopy(base), customer_id="C-ONE", transactions=base["transactions"][:1])
    many = []
    balance = base["opening_balance"]
    for i in range(200):
        amount = Decimal(-1 - i % 7) if i % 9 else Decimal("250.00")
        balance += amount
        many.append({"date": base["period_start"], "description": f"Transaction number {i:03d}",
                     "amount": amount, "balance": balance})
    long_one = dict(copy.deepcopy(base), customer_id="C-200", transactions=many)
    return rows + [empty, single, long_one]


@pytest.fixture(scope="module")
def composed(assets, statements, tmp_path_factory):
    table = pa.Table.from_pylist(statements, schema=STATEMENT_SCHEMA)
    out = tmp_path_factory.mktemp("statements") / "statements.pdf"
    report = pressrun.compose(table, template=assets / "statement.yaml",
                              rules=assets / "statement_rules.yaml", out=out,
                              key_fields=("customer_id",))
    index = pq.read_table(report.outputs["documents"]).to_pylist()
    return report, out, index


def _document_text(out: Path, entry: dict) -> list[str]:
    pages = range(entry["first_page"], entry["first_page"] + entry["pages"])
    texts = page_texts(out, pages)
    return [normalise(texts[p]) for p in pages]


def test_every_statement_composes_and_reconciles(composed, statements):
    report, out, index = composed
    assert report.records_in == len(statements)
    assert report.documents == len(statements) and report.exceptions == 0
    assert report.pages == sum(entry["pages"] for entry in index)
    assert_valid_pdf(out)


def test_rows_in_order_header_on_every_page_and_page_x_of_y(composed, statements):
    _, out, index = composed
    for entry in index:
        record = statements[entry["record"]]
        pages = _document_text(out, entry)
        for number, text in enumerate(pages, start=1):
            assert f"Page {number} of {len(pages)}" in text
            if record["transactions"]:
                assert "Date Description Amount Balance" in text, (entry, number)
        joined = " ".join(pages)
        position = 0
        for row in record["transactions"]:
            found = joined.find(row["description"], position)
            assert found >= 0, (record["customer_id"], row["description"])
            position = found + len(row["description"])


def test_carried_and_brought_forward_balances(composed, statements):
    _, out, index = composed
    entry = next(e for e in index if statements[e["record"]]["customer_id"] == "C-200")
    pages = _document_text(out, entry)
    assert len(pages) >= 4
    for text, following in zip(pages, pages[1:]):
        carried = text.split("Balance carried forward")[1].split()[0]
        brought = following.split("Balance brought forward")[1].split()[0]
        assert carried == brought
    assert "Balance carried forward" not in pages[-1]


def test_summary_and_closing_balance_equal_the_rules(composed, statements):
    _, out, index = composed
    for entry in index:
        record = statements[entry["record"]]
        amounts = [row["amount"] for row in record["transactions"]]
        credits = sum((a for a in amounts if a > 0), Decimal(0))
        debits = -sum((a for a in amounts if a < 0), Decimal(0))
        closing = record["opening_balance"] + credits - debits
        pages = _document_text(out, entry)
        assert _money(credits, "$") in pages[0] and _money(debits, "$") in pages[0]
        assert _money(closing, "$") in pages[0]
        if amounts:
            assert f"Closing balance {_money(closing, '$')}" in pages[-1]


def test_zero_and_one_transactions(composed, statements):
    _, out, index = composed
    by_key = {statements[e["record"]]["customer_id"]: e for e in index}
    empty = _document_text(out, by_key["C-EMPTY"])
    assert len(empty) == 1 and "No transactions this period." in empty[0]
    assert "Date Description" not in empty[0]
    single = _document_text(out, by_key["C-ONE"])
    assert len(single) == 1 and "Closing balance" in single[0]


def test_segment_message_is_chosen_by_the_rule(composed, statements):
    _, out, index = composed
    from pressrun.demo.statement_texts import SEGMENT_MESSAGES

    for entry in index[:12]:
        segment = statements[entry["record"]]["segment"]
        first = _document_text(out, entry)[0]
        assert normalise(SEGMENT_MESSAGES[segment])[:60] in first
        others = [m for s, m in SEGMENT_MESSAGES.items() if s != segment]
        assert not any(normalise(m)[:60] in first for m in others)


def test_three_page_statement_renders(composed, statements, tmp_path):
    """Renders first, continuation and last pages (kept in the pytest tmp dir)."""
    _, out, index = composed
    entry = next(e for e in index if e["pages"] >= 3)
    for page in (entry["first_page"], entry["first_page"] + 1, entry["first_page"] + entry["pages"] - 1):
        image = render_page(out, page, dpi=50).convert("L")
        image.save(tmp_path / f"statement-page-{page}.png")
        assert min(image.tobytes()) < 100, "a blank page"


def test_bad_records_are_exceptions_and_the_rest_compose(assets, statements, tmp_path):
    rows = copy.deepcopy(statements[:6])
    # A row taller than a page: a description of hundreds of lines.
    rows[1]["transactions"][0]["description"] = "Very long description " * 900
    # A null in a required nested field.
    rows[2]["transactions"][1]["description"] = None
    # A rule that fails: division by zero for an account without transactions.
    rows[3]["transactions"] = []
    rules = (assets / "statement_rules.yaml").read_text() + (
        "  - name: average_amount\n"
        "    expr: sum(transactions.amount) / count(transactions)\n")
    rules_path = tmp_path / "rules.yaml"
    rules_path.write_text(rules)
    table = pa.Table.from_pylist(rows, schema=_nullable(STATEMENT_SCHEMA))
    report = pressrun.compose(table, template=assets / "statement.yaml", rules=rules_path,
                              out=tmp_path / "bad.pdf", key_fields=("customer_id",))
    assert report.records_in == 6 and report.exceptions == 3 and report.documents == 3
    found = {row["record"]: row for row in pq.read_table(report.outputs["exceptions_parquet"]).to_pylist()}
    assert sorted(found) == [1, 2, 3]
    assert found[1]["field"] == "transactions" and "taller" in found[1]["reason"]
    assert found[2]["field"] == "transactions.description"
    assert "required but null" in found[2]["reason"]
    assert found[3]["field"] == "average_amount" and "division by zero" in found[3]["reason"]
    assert_valid_pdf(tmp_path / "bad.pdf")
