"""Shared fixtures: the bundled example letter and composed outputs."""
from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pytest


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory) -> Path:
    """letter.yaml, logo.png and signature.jpg, as `pressrun demo` writes them."""
    from pressrun.demo import write_demo_assets

    directory = tmp_path_factory.mktemp("demo")
    write_demo_assets(directory)
    return directory


@pytest.fixture(scope="session")
def letters() -> pa.Table:
    from pressrun.demo import make_letters

    return make_letters(60, seed=7)


@pytest.fixture(scope="session")
def composed_letters(demo_dir, letters, tmp_path_factory):
    """(report, pdf path, table) of the example letters composed once."""
    import pressrun

    out = tmp_path_factory.mktemp("letters") / "letters.pdf"
    report = pressrun.compose(letters, template=demo_dir / "letter.yaml", out=out,
                              key_fields=("customer_id",))
    return report, out, letters


def is_sanitized_run() -> bool:
    return os.environ.get("PRESSRUN_EXPECT_SANITIZED") == "1"
