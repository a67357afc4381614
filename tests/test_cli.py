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
    # The statements as AFP too, from the same layout: a page group per statement.
    import afpcheck
    afp = afpcheck.assert_valid((tmp_path / "statements.afp").read_bytes())
    assert afp.group_count == 6 and all("Account" in group.tags for group in afp.groups)
    dumped = runner.invoke(main, ["afp", "dump", "--summary", str(tmp_path / "statements.afp")])
    assert dumped.exit_code == 0 and "Account=" in dumped.output


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


# --------------------------------------------------------------------------- production

@pytest.fixture()
def mailing(tmp_path):
    """The demo assets and 40 statements with mail columns, as Parquet."""
    import pyarrow.parquet as pq

    import pressrun.demo
    import pressrun.demo.mailing

    assets = tmp_path / "assets"
    pressrun.demo.write_demo_assets(assets)
    data = tmp_path / "mailing.parquet"
    pq.write_table(pressrun.demo.mailing.with_mail_columns(pressrun.demo.make_statements(40, seed=2)), data)
    return data, assets


def _produce_args(data, assets, out, profile=None):
    return ["produce", str(data), "--template", str(assets / "statement.yaml"),
            "--profile", str(profile or assets / "statement_production.yaml"),
            "--rules", str(assets / "statement_rules.yaml"), "--out", str(out)]


@pytest.fixture()
def job(runner, mailing, tmp_path):
    data, assets = mailing
    out = tmp_path / "job"
    result = runner.invoke(main, _produce_args(data, assets, out))
    assert result.exit_code == 0, result.output
    return out, result


def _page_contents(page) -> bytes:
    import pikepdf

    contents = page.obj.Contents
    parts = contents if isinstance(contents, pikepdf.Array) else [contents]
    return b"".join(part.read_bytes() for part in parts)


def test_produce_writes_the_job_directory(job):
    out, result = job
    report = json.loads((out / "report.json").read_text())
    assert report["records_in"] == 40
    assert report["records_in"] == report["records_in_pieces"] + report["suppressed"] + report["exceptions"]
    assert report["reconciled"] is True
    first_line = result.output.splitlines()[0]
    assert first_line.startswith(f"job 260001: 40 records -> {report['pieces']} mail pieces "
                                 f"({report['records_in_pieces']} records), {report['suppressed']} suppressed, "
                                 f"{report['exceptions']} exceptions; ")
    assert first_line.endswith(" pages/s")
    assert "manifest: " in result.output and "manifest.parquet" in result.output
    for name in ("report.json", "report.html", "manifest.parquet", "manifest.csv", "exceptions.parquet",
                 "suppressed.parquet"):
        assert (out / name).is_file(), name
    pdfs = sorted(out.glob("*.pdf"))
    assert pdfs, list(out.iterdir())
    for pdf in pdfs:
        assert pdf.with_suffix(".jdf").is_file(), pdf.name
        assert_valid_pdf(pdf)
    listed = {f["name"] for stream in report["streams"] for f in stream["files"]}
    assert listed == {pdf.name for pdf in pdfs}


def test_reconcile_passes_then_names_the_file_missing_a_page(runner, job):
    import pikepdf

    out, _ = job
    result = runner.invoke(main, ["reconcile", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("reconciled: 40 records = ")
    assert "problem:" not in result.output

    report = json.loads((out / "report.json").read_text())
    name = next(f["name"] for stream in report["streams"] for f in stream["files"])
    with pikepdf.open(out / name, allow_overwriting_input=True) as pdf:
        pages = len(pdf.pages)
        del pdf.pages[-1]
        pdf.save(out / name)
    result = runner.invoke(main, ["reconcile", str(out)])
    assert result.exit_code == 1, result.output
    problems = [line for line in result.output.splitlines() if line.startswith("problem: ")]
    assert any(name in line and f"{pages - 1:,} pages" in line for line in problems), result.output
    assert "NOT reconciled" in result.output


def test_reprint_recreates_a_piece_with_the_same_page_content(runner, job, tmp_path):
    import pikepdf
    import pyarrow.parquet as pq

    out, _ = job
    original = pq.read_table(out / "manifest.parquet").to_pylist()[0]
    reprinted = tmp_path / "reprint"
    result = runner.invoke(main, ["reprint", str(out), "--pieces", original["piece_id"],
                                  "--out", str(reprinted), "--job-id", "R1"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("job R1: 1 records -> 1 mail pieces")
    rows = pq.read_table(reprinted / "manifest.parquet").to_pylist()
    assert [r["piece_id"] for r in rows] == [original["piece_id"]]
    assert rows[0]["record_ids"] == original["record_ids"]
    assert rows[0]["file"].startswith("reprint-R1-")
    with pikepdf.open(out / original["file"]) as a, pikepdf.open(reprinted / rows[0]["file"]) as b:
        first = original["first_page"] - 1
        expected = [_page_contents(a.pages[first + i]) for i in range(original["pages"])]
        assert [_page_contents(page) for page in b.pages] == expected
    assert runner.invoke(main, ["reconcile", str(reprinted)]).exit_code == 0


def test_reprint_refuses_data_changed_since_the_job(runner, job, mailing, tmp_path):
    import pyarrow.parquet as pq

    import pressrun.demo
    import pressrun.demo.mailing

    out, _ = job
    data, _ = mailing
    piece = pq.read_table(out / "manifest.parquet", columns=["piece_id"]).column(0)[0].as_py()
    pq.write_table(pressrun.demo.mailing.with_mail_columns(pressrun.demo.make_statements(40, seed=3)), data)
    line = _one_error_line(runner.invoke(main, ["reprint", str(out), "--pieces", piece,
                                                "--out", str(tmp_path / "reprint"), "--job-id", "R1"]))
    assert "changed" in line and "mailing.parquet" in line
    assert not (tmp_path / "reprint" / "manifest.parquet").exists()


def test_produce_with_a_missing_profile_is_one_line(runner, mailing, tmp_path):
    data, assets = mailing
    line = _one_error_line(runner.invoke(main, _produce_args(data, assets, tmp_path / "job",
                                                             profile=tmp_path / "nothere.yaml")))
    assert "nothere.yaml: no such profile file" in line
    assert not (tmp_path / "job").exists()


def test_produce_help_lists_the_profile(runner):
    result = runner.invoke(main, ["produce", "--help"])
    assert result.exit_code == 0
    for option in ("--profile", "--template", "--out", "--rules", "--job-id"):
        assert option in result.output
