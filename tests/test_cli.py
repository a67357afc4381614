"""The `pressrun` command: what a user types, and the one-line errors."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from pdfcheck import assert_valid_pdf

from pressrun.cli import main


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def _one_error_line(result) -> str:
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 2, result.output
    assert len(lines) == 1, result.output
    assert lines[0].startswith("pressrun: error: ")
    return lines[0]


def test_demo_writes_template_data_and_a_valid_pdf(runner, tmp_path):
    result = runner.invoke(main, ["demo", "--out", str(tmp_path), "--records", "12"])
    assert result.exit_code == 0, result.output
    assert "12 records in: 12 documents, 12 pages, 0 exceptions" in result.output
    assert "6 records in: 6 documents" in result.output  # the statements
    for name in ("letter.yaml", "logo.png", "signature.jpg", "customers.parquet", "letters.pdf",
                 "letters.pdf.report.json", "letters.pdf.exceptions.csv",
                 "letters.pdf.documents.parquet", "statement.yaml", "statement_rules.yaml",
                 "accounts.parquet", "statements.pdf", "statements.pdf.report.json"):
        assert (tmp_path / name).is_file(), name
    assert_valid_pdf(tmp_path / "letters.pdf")
    assert_valid_pdf(tmp_path / "statements.pdf")


def test_compose_writes_the_pdf_and_reports(runner, tmp_path):
    assert runner.invoke(main, ["demo", "--out", str(tmp_path), "--records", "5"]).exit_code == 0
    out = tmp_path / "job" / "out.pdf"
    result = runner.invoke(main, ["compose", str(tmp_path / "customers.parquet"),
                                  "--template", str(tmp_path / "letter.yaml"), "--out", str(out),
                                  "--key", "customer_id", "--compression", "small"])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "job" / "out.pdf.report.json").read_text())
    assert report["records_in"] == 5 and report["documents"] == 5 and report["exceptions"] == 0
    assert_valid_pdf(out)


def test_missing_data_file_is_one_line(runner, tmp_path):
    line = _one_error_line(runner.invoke(main, ["compose", str(tmp_path / "nothere.parquet"),
                                                "-t", "x.yaml", "-o", str(tmp_path / "x.pdf")]))
    assert "nothere.parquet: no such data file" in line


def test_unreadable_data_file_is_one_line(runner, tmp_path):
    assert runner.invoke(main, ["demo", "--out", str(tmp_path), "--records", "2"]).exit_code == 0
    garbage = tmp_path / "garbage.parquet"
    garbage.write_bytes(b"not parquet at all")
    line = _one_error_line(runner.invoke(main, ["compose", str(garbage), "-t",
                                                str(tmp_path / "letter.yaml"), "-o",
                                                str(tmp_path / "x.pdf")]))
    assert "garbage.parquet" in line
    assert not (tmp_path / "x.pdf").exists()


def test_bad_template_is_one_line_naming_the_line(runner, tmp_path):
    assert runner.invoke(main, ["demo", "--out", str(tmp_path), "--records", "2"]).exit_code == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("page:\n  size: A4\n  margins: [\n")
    line = _one_error_line(runner.invoke(main, ["compose", str(tmp_path / "customers.parquet"),
                                                "-t", str(bad), "-o", str(tmp_path / "x.pdf")]))
    assert "bad.yaml:" in line
    assert not (tmp_path / "x.pdf").exists()


def test_unknown_key_field_is_one_line(runner, tmp_path):
    assert runner.invoke(main, ["demo", "--out", str(tmp_path), "--records", "2"]).exit_code == 0
    line = _one_error_line(runner.invoke(main, ["compose", str(tmp_path / "customers.parquet"),
                                                "-t", str(tmp_path / "letter.yaml"), "-o",
                                                str(tmp_path / "x.pdf"), "--key", "nope"]))
    assert "key field 'nope'" in line


def test_help_shows_how_to_start(runner):
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "pressrun demo --out demo/" in result.output
    result = runner.invoke(main, ["compose", "--help"])
    assert result.exit_code == 0
    for option in ("--template", "--out", "--compression", "--key"):
        assert option in result.output
