"""The clear-zone check: template elements against the inserter's and the postal
barcode's zones. Zones and extents below are worked out by hand from the
profile and template values (mm), never read back from the implementation."""
from __future__ import annotations

import copy
import logging
import re
import textwrap
from pathlib import Path

import pytest
import yaml

from pressrun.demo import write_demo_assets
from pressrun.errors import ProfileError
from pressrun.production.clearzone import check_clear_zones, find_clear_zone_conflicts
from pressrun.production.profile import profile_from_data
from pressrun.template import load_template

DEMO = Path(__file__).resolve().parents[1] / "engine" / "pressrun" / "demo"
BUNDLED_PROFILE = yaml.safe_load((DEMO / "statement_production.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def assets(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("clearzone")
    write_demo_assets(directory)
    return directory


@pytest.fixture(scope="module")
def statement(assets):
    return load_template(assets / "statement.yaml")


def profile(**changes):
    """The bundled production profile with top-level keys replaced (None: removed)."""
    data = copy.deepcopy(BUNDLED_PROFILE)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return profile_from_data(data, source="test-profile", base_dir=DEMO)


def inline_matrix(x: str, y: str) -> dict:
    return {"scheme": {"pressrun_inserter": 1, "name": "moved-2d", "kind": "datamatrix",
                       "datamatrix": {"x": x, "y": y, "module": "0.5mm",
                                      "payload": "{job_id:6}{piece_id:8}{sheet:2}{sheets:2}{feeds:4}{divert:1}"}}}


def postal_at(x: str, y: str) -> dict:
    return {"symbology": "auspost", "fcc": "11", "dpid": "dpid", "at": [x, y]}


def template_file(tmp_path: Path, body: str, name: str = "t.yaml") -> Path:
    """A small template with the given `pages:`/`elements:` section."""
    path = tmp_path / name
    path.write_text(textwrap.dedent("""\
        pressrun: 1
        name: t
        page: {size: A4}
        fonts:
          sans: {family: DejaVu Sans}
        styles:
          body: {font: sans, size: 10pt, leading: 12pt}
        """) + textwrap.dedent(body), encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    return next(i for i, text in enumerate(path.read_text().splitlines(), 1) if needle in text)


# --------------------------------------------------------------------------- the bundled job

def test_bundled_statement_clear_of_the_bundled_inserter_zone(statement):
    # statement-2d: x 196, y 6, 18x18 modules of 0.5mm, 2 modules quiet: (195, 5)-(206, 16) mm.
    # The return address is right-aligned at 190mm: clear of it on every master.
    check_clear_zones(statement, profile(postal=None))
    conflicts, unmeasured = find_clear_zone_conflicts(statement, profile(postal=None))
    assert conflicts == [] and unmeasured == []


def test_a_postal_barcode_1mm_too_close_to_the_address_is_refused(statement, assets):
    # 37 bars at 1.08mm pitch, 0.5mm wide, 5mm high at (20, 39) mm: (20, 39)-(59.4, 44).
    # With 2mm of quiet space: (18, 37)-(61.4, 46), but the address block's box starts
    # at 45mm: 1mm of overlap. (The bundled profile had it there once.)
    with pytest.raises(ProfileError) as caught:
        check_clear_zones(statement, profile(postal=postal_at("20mm", "39mm")))
    message = str(caught.value)
    line = line_of(assets / "statement.yaml", 'paragraph: "{title}')
    assert message == (f"{assets / 'statement.yaml'}:{line}: pages.first.elements[5]: the paragraph box "
                       "(20.0, 45.0)-(110.0, 75.0) mm overlaps the clear zone of the auspost postal "
                       "barcode (its bars and 2mm around) (18.0, 37.0)-(61.4, 46.0) mm")


def test_bundled_statement_and_profile_pass(statement):
    # At y 38mm the quiet space ends at 38 + 5 + 2 = 45mm, exactly where the address
    # starts: touching is not overlapping. Still inside the C5 window (36 to 76mm).
    check_clear_zones(statement, profile())
    check_clear_zones(statement, profile(postal=postal_at("20mm", "38mm")))


# --------------------------------------------------------------------------- the inserter's zone

def test_datamatrix_over_the_return_address_names_the_element(statement, assets):
    # Zone (174, 9)-(185, 20) mm. "Acme Bank Ltd" at 7.5pt bold, right-aligned at
    # 190mm from y 13mm, is some 20mm wide and 9.5pt (3.35mm) high: it overlaps.
    with pytest.raises(ProfileError) as caught:
        check_clear_zones(statement, profile(inserter=inline_matrix("175mm", "10mm"), postal=None))
    first = str(caught.value).splitlines()[0]
    line = line_of(assets / "statement.yaml", '"Acme Bank Ltd", at: [190mm, 13mm]')
    assert first.startswith(f"{assets / 'statement.yaml'}:{line}: pages.first.elements[1]: the text (")
    assert first.endswith("-(190.0, 16.4) mm overlaps the clear zone of inserter 'moved-2d' "
                          "(174.0, 9.0)-(185.0, 20.0) mm")
    left = float(re.search(r"the text \((\d+\.\d), 13\.0\)", first).group(1))
    assert 160 < left < 174  # measured from the font: about 20mm wide
    # The next master's "Acme Bank Ltd" is left-aligned at 20mm: not named. Its
    # right-aligned account line has fields and no width, so it is taken from the
    # left page edge to 190mm at y 12.5 to 15.85mm: named, conservatively.
    paths = [line.split(": ")[1] for line in str(caught.value).splitlines()]
    assert "pages.next.elements[0]" not in paths
    assert "pages.next.elements[1]" in paths


def test_generic_omr_against_a_flow_frame_at_3mm(tmp_path):
    # generic-omr: marks at x 5mm, 8mm long, 10 tracks of 12pt from y 100mm, 0.4mm
    # thick, 3mm clear margin: (2, 97)-(16, 100 + 38.1 + 0.4 + 3 = 141.5) mm.
    path = template_file(tmp_path, """\
        pages:
          first:
            elements:
              - {text: "Hello", at: [20mm, 20mm]}
            flow_frames:
              - [3mm, 30mm, 180mm, 240mm]
          next:
            flow_frames: [[20mm, 30mm, 180mm, 240mm]]
        flow:
          - paragraph: "Body"
        """)
    template = load_template(path)
    with pytest.raises(ProfileError) as caught:
        check_clear_zones(template, profile(inserter={"scheme": "generic-omr"}, postal=None))
    assert str(caught.value) == (f"{path}:{line_of(path, '[3mm, 30mm')}: pages.first.flow_frames[0]: the flow "
                                 "frame (3.0, 30.0)-(183.0, 270.0) mm overlaps the clear zone of inserter "
                                 "'generic-omr' (2.0, 97.0)-(16.0, 141.5) mm")


def test_every_master_is_checked_against_the_inserter_zone(tmp_path):
    body = """\
        pages:
          first:
            flow_frames: [[20mm, 30mm, 170mm, 240mm]]
          next:
            elements:
              - rect: {box: [RECT_X, 120mm, 30mm, 10mm], fill: "#eeeeee"}
            flow_frames: [[20mm, 30mm, 170mm, 240mm]]
        flow:
          - paragraph: "Body"
        """
    omr = profile(inserter={"scheme": "generic-omr"}, postal=None)
    path = template_file(tmp_path, body.replace("RECT_X", "10mm"))
    line = line_of(path, "rect: {box:")
    with pytest.raises(ProfileError, match=rf"t\.yaml:{line}: pages\.next\.elements\[0\]: the rect "
                                           r"\(10\.0, 120\.0\)-\(40\.0, 130\.0\) mm overlaps the clear "
                                           r"zone of inserter 'generic-omr'"):
        check_clear_zones(load_template(path), omr)
    # Moved to start at 16mm, where the zone ends (a fill without a stroke: its box
    # is exact), it touches the zone and passes.
    check_clear_zones(load_template(template_file(tmp_path, body.replace("RECT_X", "16mm"), "moved.yaml")), omr)
    # On the back master too.
    back = body.replace("          next:", "          back:\n            elements:\n"
                                         "              - {line: {from: [3mm, 130mm], to: [30mm, 130mm]}}\n"
                                         "          next:")
    with pytest.raises(ProfileError, match=r"pages\.back\.elements\[0\]: the line"):
        check_clear_zones(load_template(template_file(tmp_path, back.replace("RECT_X", "16mm"), "back.yaml")), omr)


# --------------------------------------------------------------------------- the postal barcode

def test_postal_barcode_over_the_address_block(statement, assets):
    # Bars (25, 55)-(64.4, 60) mm, quiet space (23, 53)-(66.4, 62): inside the
    # address block's box (20, 45)-(110, 75).
    with pytest.raises(ProfileError) as caught:
        check_clear_zones(statement, profile(postal=postal_at("25mm", "55mm")))
    message = str(caught.value)
    line = line_of(assets / "statement.yaml", 'paragraph: "{title}')
    assert message.splitlines()[0] == (
        f"{assets / 'statement.yaml'}:{line}: "
        "pages.first.elements[5]: the paragraph box (20.0, 45.0)-(110.0, 75.0) mm overlaps the clear zone "
        "of the auspost postal barcode (its bars and 2mm around) (23.0, 53.0)-(66.4, 62.0) mm")
    # The next master's flow frame, (20, 24)-(190, 272), is on later pages only.
    assert "pages.next" not in message


def test_postal_barcode_is_checked_on_the_first_page_only(tmp_path):
    path = template_file(tmp_path, """\
        pages:
          first:
            elements:
              - {text: "Page {page}", at: [20mm, 282mm], pages: not_first}
            flow_frames: [[20mm, 80mm, 170mm, 190mm]]
          next:
            elements:
              - rect: {box: [20mm, 38mm, 60mm, 10mm], fill: "#eeeeee"}
              - {text: "Over the barcode's place", at: [25mm, 40mm]}
            flow_frames: [[20mm, 30mm, 170mm, 240mm]]
        flow:
          - paragraph: "Body"
        """)
    template = load_template(path)
    check_clear_zones(template, profile(inserter=None))  # the bundled barcode at (20, 39) mm
    conflicts, unmeasured = find_clear_zone_conflicts(template, profile(inserter=None))
    assert conflicts == [] and unmeasured == []
    # The same rect on the first master fails.
    first = template_file(tmp_path, """\
        pages:
          first:
            elements:
              - rect: {box: [20mm, 38mm, 60mm, 10mm], fill: "#eeeeee"}
            flow_frames: [[20mm, 80mm, 170mm, 190mm]]
          next:
            flow_frames: [[20mm, 30mm, 170mm, 240mm]]
        flow:
          - paragraph: "Body"
        """, "first.yaml")
    with pytest.raises(ProfileError, match=r"pages\.first\.elements\[0\]: the rect \(20\.0, 38\.0\)-"
                                           r"\(80\.0, 48\.0\) mm overlaps the clear zone of the auspost"):
        check_clear_zones(load_template(first), profile(inserter=None))


def test_single_page_template_elements_are_the_first_page(assets):
    # letter.yaml (elements: only): the address block at 45mm meets the 2mm quiet
    # space below a barcode at (20, 39) mm.
    letter = load_template(assets / "letter.yaml")
    with pytest.raises(ProfileError, match=r"letter\.yaml:\d+: elements\[6\]: the paragraph box"):
        check_clear_zones(letter, profile(inserter=None, postal=postal_at("20mm", "39mm")))
    check_clear_zones(letter, profile(postal=None))  # the DataMatrix at (195, 5) mm is clear of it


# --------------------------------------------------------------------------- estimates

def test_field_text_without_width_reaches_the_page_edge_it_grows_to(tmp_path):
    # Left-aligned "{name}" at x 100mm grows rightwards: to the right page edge
    # (210mm), so it meets a DataMatrix at 196mm; with a width of 80mm it stops at 180mm.
    body = """\
        elements:
          - {text: "{name}", at: [100mm, 8mm]WIDTH}
        """
    unbounded = load_template(template_file(tmp_path, body.replace("WIDTH", "")))
    with pytest.raises(ProfileError, match=r"elements\[0\]: the text \(length unknown: \{fields\} without a "
                                           r"width; taken to the page edge\) \(100\.0, 8\.0\)-\(210\.0, 12\.2\) mm"):
        check_clear_zones(unbounded, profile(postal=None))
    bounded = load_template(template_file(tmp_path, body.replace("WIDTH", ", width: 80mm")))
    check_clear_zones(bounded, profile(postal=None))


def test_barcode_with_fields_is_checked_at_its_smallest_and_reported(tmp_path, caplog):
    # A DataMatrix of {account} at (180, 8) mm, 0.5mm modules: at least 10x10 modules,
    # (180, 8)-(185, 13), clear of the zone (195, 5)-(206, 16) but able to grow into it.
    path = template_file(tmp_path, """\
        elements:
          - {barcode: datamatrix, data: "{account}", at: [180mm, 8mm], module: 0.5mm}
        """)
    template = load_template(path)
    with caplog.at_level(logging.WARNING, logger="pressrun.production.clearzone"):
        check_clear_zones(template, profile(postal=None))
    assert any("elements[0]: the datamatrix barcode (smallest symbol): its size grows with the data"
               in record.getMessage() for record in caplog.records)
    # Literal data is encoded: "ACME" is 4 codewords, more than a 10x10 symbol's 3, so
    # 12x12 (5): (192, 8)-(198, 14) mm, which overlaps.
    static = load_template(template_file(tmp_path, """\
        elements:
          - {barcode: datamatrix, data: "ACME", at: [192mm, 8mm], module: 0.5mm}
        """, "static.yaml"))
    with pytest.raises(ProfileError, match=r"elements\[0\]: the datamatrix barcode \(192\.0, 8\.0\)-"
                                           r"\(198\.0, 14\.0\) mm overlaps"):
        check_clear_zones(static, profile(postal=None))
