"""Bad records go to the exception report with a reason; the job goes on."""
from __future__ import annotations

import csv

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pdfcheck import assert_valid_pdf, normalise, page_texts

import pressrun
from pressrun.errors import DataError

pytestmark = pytest.mark.native_boundary


def _with_values(table: pa.Table, column: str, changes: dict[int, object]) -> pa.Table:
    values = table[column].to_pylist()
    for row, value in changes.items():
        values[row] = value
    index = table.schema.get_field_index(column)
    return table.set_column(index, table.schema.field(index).with_nullable(True),
                            pa.array(values, type=table.schema.field(index).type))


@pytest.fixture(scope="module")
def bad_job(demo_dir, letters, tmp_path_factory):
    table = letters.slice(0, 20)
    table = _with_values(table, "last_name", {3: None})                    # required, null
    table = _with_values(table, "first_name", {5: "中文"})                  # no glyph in DejaVu
    table = _with_values(table, "address_line1", {7: "Flat 9, " * 60})     # too long for the window
    out = tmp_path_factory.mktemp("bad") / "letters.pdf"
    report = pressrun.compose(table, template=demo_dir / "letter.yaml", out=out,
                              key_fields=("customer_id",))
    return report, out, table


def test_counts_reconcile_with_three_exceptions(bad_job):
    report, out, table = bad_job
    assert report.records_in == 20
    assert report.exceptions == 3
    assert report.documents == 17
    assert report.pages == 17
    assert_valid_pdf(out)


def test_exception_report_names_record_field_and_reason(bad_job):
    report, _, table = bad_job
    rows = pq.read_table(report.outputs["exceptions_parquet"]).to_pylist()
    by_record = {row["record"]: row for row in rows}
    assert sorted(by_record) == [3, 5, 7]
    assert by_record[3]["field"] == "last_name"
    assert "required" in by_record[3]["reason"] and "null" in by_record[3]["reason"]
    assert by_record[5]["field"] == "first_name"
    assert "U+4E2D" in by_record[5]["reason"]
    assert by_record[7]["field"] == "address_line1"
    assert "fit" in by_record[7]["reason"]
    assert by_record[3]["key"] == f"customer_id={table['customer_id'][3].as_py()}"
    with open(report.outputs["exceptions_csv"], newline="", encoding="utf-8") as handle:
        csv_rows = list(csv.DictReader(handle))
    assert [int(row["record"]) for row in csv_rows] == [3, 5, 7]
    assert csv_rows[1]["field"] == "first_name"


def test_records_after_a_bad_one_are_composed_on_the_right_pages(bad_job):
    report, out, table = bad_job
    index = pq.read_table(report.outputs["documents"]).to_pylist()
    page_of = {row["record"]: row["first_page"] for row in index}
    assert 3 not in page_of and 5 not in page_of and 7 not in page_of
    for record in (2, 4, 6, 8, 19):
        row = table.slice(record, 1).to_pylist()[0]
        text = normalise(page_texts(out, [page_of[record]])[page_of[record]])
        assert f"{row['first_name']} {row['last_name']}" in text


def test_missing_required_column_is_a_clear_job_error(demo_dir, letters, tmp_path):
    table = letters.drop_columns(["postcode"])
    with pytest.raises(DataError, match="no column 'postcode'"):
        pressrun.compose(table, template=demo_dir / "letter.yaml", out=tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_missing_optional_column_is_blank(demo_dir, letters, tmp_path):
    table = letters.slice(0, 3).drop_columns(["address_line2"])
    report = pressrun.compose(table, template=demo_dir / "letter.yaml", out=tmp_path / "x.pdf")
    assert report.documents == 3


def test_unshowable_column_type_is_a_clear_job_error(demo_dir, letters, tmp_path):
    index = letters.schema.get_field_index("plan_name")
    table = letters.set_column(index, "plan_name",
                               pa.array([[1]] * letters.num_rows, type=pa.list_(pa.int64())))
    with pytest.raises(DataError, match="plan_name"):
        pressrun.compose(table, template=demo_dir / "letter.yaml", out=tmp_path / "x.pdf")
