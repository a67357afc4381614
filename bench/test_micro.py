"""Micro benchmarks: pressrun composing one batch of 1000 demo letters in memory.

    pytest bench/test_micro.py --benchmark-only

Data generation and asset writing happen once, outside the timed calls; the
output goes to an in-memory sink, so disks do not enter the figures. Pages
per second = 1000 / the mean time shown. Skipped when pressrun (or its native
module) does not import.
"""
from __future__ import annotations

import io

import pytest

from demo_data import import_pressrun, load_demo

try:
    pressrun = import_pressrun()
except ImportError as error:  # the native module is not built yet
    pytest.skip(f"pressrun is not importable: {error}", allow_module_level=True)

LETTERS = 1000


class _CapsuleOnly:
    """An Arrow producer known only by __arrow_c_stream__ (as polars or duckdb give)."""

    def __init__(self, table) -> None:
        self._table = table

    def __arrow_c_stream__(self, requested_schema=None):
        return self._table.__arrow_c_stream__(requested_schema)


@pytest.fixture(scope="module")
def letter_job(tmp_path_factory):
    demo = load_demo()
    assets = tmp_path_factory.mktemp("assets")
    demo.write_demo_assets(assets)
    # One record batch of 1000 rows, as the engine would receive it.
    table = demo.make_letters(LETTERS, seed=1).combine_chunks()
    assert table.column(0).num_chunks == 1
    return {"table": table, "template": assets / "letter.yaml",
            "reports": tmp_path_factory.mktemp("reports")}


def _compose(job, source, compression):
    sink = io.BytesIO()
    result = pressrun.compose(source, template=job["template"], out=sink,
                              compression=compression, reports_dir=job["reports"])
    return result, sink


@pytest.mark.parametrize("compression", ["none", "fast"])
def test_compose_1000_letters_from_table(benchmark, letter_job, compression):
    result, sink = benchmark(lambda: _compose(letter_job, letter_job["table"], compression))
    assert result.pages == LETTERS and result.documents == LETTERS
    assert sink.getvalue().startswith(b"%PDF-")
    benchmark.extra_info.update(pages=result.pages, pdf_bytes=len(sink.getvalue()))


def test_compose_1000_letters_from_capsule(benchmark, letter_job):
    table = letter_job["table"]
    # A fresh producer per call: a stream capsule can be consumed once.
    result, _ = benchmark(lambda: _compose(letter_job, _CapsuleOnly(table), "fast"))
    assert result.pages == LETTERS
    benchmark.extra_info.update(pages=result.pages)
