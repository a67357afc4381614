"""pressrun's AFP beside Apache FOP's for the same small document
(tests/fixtures/afp_small: small.fo for FOP, template.yaml for pressrun:
a logo, a heading, two paragraphs, a rule, a filled box with a border,
a line of bold text). The structured-field sequences are compared, framed
by tests/afpcheck.py (its own id table), runs of one field (OCD, IPD)
counted once; every difference is one of those listed here:

1. The template's fixed elements (logo, heading, paragraphs, rule, box)
   are its page master's static content: pressrun writes them once, as an
   overlay in the resource group (BRS BMO .. EMO ERS), and each page maps
   it (MPO) and includes it (IPO). FOP draws everything on every page.
2. Resources: pressrun writes the fonts, then the images, then overlays;
   FOP the image first. MO:DCA leaves the order inside a resource group free.
3. Every page group carries TLE index tags (always the input record number);
   FOP writes none unless asked.
4. FOP splits data into 8 KB fields (3 IPDs for the logo); pressrun fills
   fields to the 32 KB limit (1 IPD).

Beyond the sequence (checked below): pressrun's BDT has the two reserved
bytes after its name that MO:DCA requires, and FOP's does not; FOP
positions every glyph (TRN + AMI per character), pressrun a run at a time;
both carry the two DejaVu fonts whole, in object containers with the same
OID, and draw rules and the box as PTOCA rules (DIR)."""
from __future__ import annotations

import itertools
import shutil
import subprocess
from pathlib import Path

import pyarrow as pa
import pytest

from pressrun.job import compose

import afpcheck

FIXTURE = Path(__file__).parent / "fixtures" / "afp_small"

FOP_DOCUMENT = ["BDT", "BNG", "BPG", "BAG", "MDR", "PGD", "PTD", "EAG", "IOB", "BPT", "PTX", "EPT",
                "EPG", "ENG", "EDT"]
PRESSRUN_DOCUMENT = ["BDT", "BNG", "TLE", "BPG", "BAG", "MDR", "MPO", "PGD", "PTD", "EAG", "IPO",
                     "BPT", "PTX", "EPT", "EPG", "ENG", "EDT"]
# The overlay (1.): what FOP's page draws, as pressrun's overlay.
PRESSRUN_OVERLAY = ["BMO", "BAG", "MDR", "PGD", "PTD", "EAG", "IOB", "BPT", "PTX", "EPT", "EMO"]
FONT = ["BOC", "OCD", "EOC"]
IMAGE = ["BIM", "BOG", "OBD", "OBP", "MIO", "IDD", "EOG", "IPD", "EIM"]


def _sequence(data: bytes) -> list[str]:
    fields = afpcheck.frame(data, [])
    return [name for name, _ in itertools.groupby(f.name for f in fields)]


def _resources(sequence: list[str]) -> tuple[list[list[str]], list[str]]:
    """The resource group's resources (the fields inside each BRS..ERS), and the rest."""
    end = sequence.index("ERG")
    resources, current = [], None
    for name in sequence[1:end]:
        if name == "BRS":
            current = []
        elif name == "ERS":
            resources.append(current)
        else:
            current.append(name)
    return resources, sequence[end + 1:]


@pytest.fixture(scope="module")
def fop_afp(tmp_path_factory) -> bytes:
    if shutil.which("fop") is None:
        pytest.skip("Apache FOP (Debian package fop) is not installed")
    out = tmp_path_factory.mktemp("fop") / "small.afp"
    subprocess.run(["fop", "-c", "fop.xconf", "-fo", "small.fo", "-afp", str(out)], cwd=FIXTURE,
                   check=True, capture_output=True, timeout=300)
    return out.read_bytes()


@pytest.fixture(scope="module")
def pressrun_afp(tmp_path_factory) -> bytes:
    out = tmp_path_factory.mktemp("pressrun") / "small.afp"
    compose(pa.Table.from_pylist([{"closing_balance": 1234.5}]), FIXTURE / "template.yaml", out,
            format="afp")
    return out.read_bytes()


def test_both_pass_the_structure_check(fop_afp, pressrun_afp):
    assert afpcheck.check(pressrun_afp).problems == []
    assert afpcheck.check(fop_afp).problems == []


def test_structured_field_sequences_differ_only_as_explained(fop_afp, pressrun_afp):
    fop_resources, fop_document = _resources(_sequence(fop_afp))
    ours_resources, ours_document = _resources(_sequence(pressrun_afp))
    assert fop_resources == [IMAGE, FONT, FONT]                    # 2.
    assert ours_resources == [FONT, FONT, IMAGE, PRESSRUN_OVERLAY]  # 1., 2., 4.
    assert fop_document == FOP_DOCUMENT
    assert ours_document == PRESSRUN_DOCUMENT                       # 1. (MPO, IPO), 3. (TLE)
    # The objects drawn: FOP's page draws the image and one text object; pressrun's
    # overlay draws the same, and its page one more text object (the line with
    # the field, which is not static).
    overlay_objects = PRESSRUN_OVERLAY[PRESSRUN_OVERLAY.index("EAG") + 1:-1]
    page_objects = ours_document[ours_document.index("IPO") + 1:ours_document.index("EPG")]
    fop_objects = fop_document[fop_document.index("EAG") + 1:fop_document.index("EPG")]
    assert overlay_objects == fop_objects == ["IOB", "BPT", "PTX", "EPT"]
    assert page_objects == ["BPT", "PTX", "EPT"]


def test_bdt_reserved_bytes_and_whole_fonts(fop_afp, pressrun_afp):
    ours = {f.name: f for f in reversed(afpcheck.frame(pressrun_afp, []))}
    theirs = {f.name: f for f in reversed(afpcheck.frame(fop_afp, []))}
    assert ours["BDT"].data[8:10] == b"\x00\x00" and len(ours["BDT"].data) > 10
    assert len(theirs["BDT"].data) == 8            # FOP: the name only
    fonts = {path.stat().st_size for path in Path("/usr/share/fonts/truetype/dejavu").glob("DejaVuSans*.ttf")
             if path.name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")}
    for data in (pressrun_afp, fop_afp):
        sizes, size = [], 0
        for field in afpcheck.frame(data, []):
            if field.name == "OCD":
                size += len(field.data)
            elif field.name == "EOC":
                sizes.append(size)
                size = 0
        assert set(sizes) == fonts


def test_pressrun_is_smaller_per_page(fop_afp, pressrun_afp):
    """Without the resource groups (the same whole fonts in both), the page."""
    def page_bytes(data: bytes) -> int:
        fields = afpcheck.frame(data, [])
        names = [f.name for f in fields]
        start = names.index("BDT")
        return sum(9 + len(f.data) for f in fields[start:])
    assert page_bytes(pressrun_afp) < page_bytes(fop_afp)
