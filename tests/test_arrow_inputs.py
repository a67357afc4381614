"""Every Arrow type a field can hold, read in place, from every kind of producer."""
from __future__ import annotations

import datetime as dt
import decimal

import pyarrow as pa
import pytest

from pdfcheck import normalise, page_texts

import pressrun
from pressrun.template import template_from_dict

pytestmark = pytest.mark.native_boundary


def _template(fields: list[str], formats: dict | None = None):
    line = " | ".join(f"{name}={{{name}}}" for name in fields)
    return template_from_dict({
        "pressrun": 1,
        "name": "types",
        "page": {"size": "A4"},
        "fonts": {"sans": {"family": "DejaVu Sans"}},
        "styles": {"body": {"font": "sans", "size": "9pt"}},
        "fields": {name: {"required": False, **({"format": formats[name]} if formats and name in formats else {})}
                   for name in fields},
        "elements": [{"paragraph": line, "box": ["15mm", "15mm", "180mm"], "style": "body"}],
    })


def _compose_text(table, template, tmp_path) -> list[str]:
    out = tmp_path / "types.pdf"
    report = pressrun.compose(table, template=template, out=out)
    assert report.exceptions == 0, report.outputs
    texts = page_texts(out, range(report.pages))
    return [normalise(texts[page]) for page in range(report.pages)]


def test_scalar_types_as_text(tmp_path):
    table = pa.table({
        "s": pa.array(["plain", "ünïcödé"], pa.utf8()),
        "ls": pa.array(["large", "string"], pa.large_utf8()),
        "sv": pa.array(["short", "a string view longer than twelve bytes"], pa.string_view()),
        "d": pa.array(["gold", "silver"]).dictionary_encode(),
        "i8": pa.array([-8, 127], pa.int8()),
        "u64": pa.array([0, 18446744073709551615], pa.uint64()),
        "i64": pa.array([-9223372036854775808, 42], pa.int64()),
        "f64": pa.array([0.1, -2.5], pa.float64()),
        "f32": pa.array([1.5, 3.0], pa.float32()),
        "dec": pa.array([decimal.Decimal("1234.56"), decimal.Decimal("-0.05")], pa.decimal128(12, 2)),
        "b": pa.array([True, False]),
        "d32": pa.array([dt.date(2026, 3, 5), dt.date(1969, 12, 31)], pa.date32()),
        "ts": pa.array([dt.datetime(2026, 3, 5, 14, 7, 9), dt.datetime(1970, 1, 1)], pa.timestamp("ms")),
    })
    texts = _compose_text(table, _template(table.column_names), tmp_path)
    assert "s=plain" in texts[0] and "s=ünïcödé" in texts[1]
    assert "ls=large" in texts[0] and "sv=a string view longer than twelve bytes" in texts[1]
    assert "d=gold" in texts[0] and "d=silver" in texts[1]
    assert "i8=-8" in texts[0] and "i8=127" in texts[1]
    assert "u64=18446744073709551615" in texts[1]
    assert "i64=-9223372036854775808" in texts[0]
    assert "f64=0.1" in texts[0] and "f64=-2.5" in texts[1]
    assert "f32=1.5" in texts[0]
    assert "dec=1234.56" in texts[0] and "dec=-0.05" in texts[1]
    assert "b=true" in texts[0] and "b=false" in texts[1]
    assert "d32=2026-03-05" in texts[0] and "d32=1969-12-31" in texts[1]
    assert "ts=2026-03-05 14:07:09" in texts[0]


def test_formats_of_numbers_and_dates(tmp_path):
    table = pa.table({
        "money": pa.array([decimal.Decimal("1234567.891"), decimal.Decimal("-0.5")], pa.decimal128(12, 3)),
        "count": pa.array([1234567, -12], pa.int64()),
        "day": pa.array([dt.date(2026, 3, 5), dt.date(2000, 2, 29)], pa.date32()),
    })
    formats = {
        "money": {"decimals": 2, "thousands": ",", "prefix": "$"},
        "count": {"decimals": 0, "thousands": " "},
        "day": {"date": "%A %e %B %Y"},
    }
    texts = _compose_text(table, _template(table.column_names, formats), tmp_path)
    assert "money=$1,234,567.89" in texts[0]
    assert "money=-$0.50" in texts[1]
    assert "count=1 234 567" in texts[0] and "count=-12" in texts[1]
    assert "day=Thursday 5 March 2026" in texts[0]
    assert "day=Tuesday 29 February 2000" in texts[1]


def test_nulls_in_optional_fields_are_blank(tmp_path):
    table = pa.table({"a": pa.array(["x", None]), "n": pa.array([None, 7], pa.int32())})
    texts = _compose_text(table, _template(["a", "n"]), tmp_path)
    assert "a=x | n=" in texts[0]
    assert "a= | n=7" in texts[1]


def test_sliced_and_chunked_tables_read_the_right_rows(tmp_path):
    names = [f"name-{i}" for i in range(50)]
    table = pa.chunked_array([names[:17], names[17:]])
    sliced = pa.table({"who": table}).slice(13, 9)  # crosses the chunk boundary, offset > 0
    texts = _compose_text(sliced, _template(["who"]), tmp_path)
    assert [text.split("who=")[1].split()[0] for text in texts] == names[13:22]


def test_record_batch_reader_and_capsule_producers(tmp_path):
    rows = {"who": ["Ada", "Grace", "Edsger"]}
    template = _template(["who"])
    reader = pa.RecordBatchReader.from_batches(
        pa.schema([("who", pa.utf8())]), pa.table(rows).to_batches(max_chunksize=1))
    assert [t.split("who=")[1] for t in _compose_text(reader, template, tmp_path)] == rows["who"]

    polars = pytest.importorskip("polars")
    frame = polars.DataFrame(rows)
    assert [t.split("who=")[1] for t in _compose_text(frame, template, tmp_path)] == rows["who"]

    duckdb = pytest.importorskip("duckdb")
    connection = duckdb.connect()
    relation = connection.sql("SELECT * FROM (VALUES ('Ada'), ('Grace'), ('Edsger')) t(who)")
    assert [t.split("who=")[1] for t in _compose_text(relation, template, tmp_path)] == rows["who"]


def test_data_files_of_every_format(tmp_path, letters, demo_dir):
    import pyarrow.csv as pcsv
    import pyarrow.feather as feather
    import pyarrow.parquet as pq

    table = letters.slice(0, 4)
    pq.write_table(table, tmp_path / "d.parquet")
    feather.write_feather(table, tmp_path / "d.arrow")
    plain = table.cast(pa.schema([(f.name, pa.utf8() if pa.types.is_dictionary(f.type) else f.type)
                                  for f in table.schema]))
    pcsv.write_csv(plain, tmp_path / "d.csv")
    for name in ("d.parquet", "d.arrow", "d.csv"):
        report = pressrun.compose(tmp_path / name, template=demo_dir / "letter.yaml",
                                  out=tmp_path / f"{name}.pdf")
        assert (report.documents, report.exceptions) == (4, 0), name
