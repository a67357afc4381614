"""Tests of tests/afpcheck.py, the independent AFP (MO:DCA) structure check.

The AFP here is built by hand, one structured field at a time, with ids
written out in hex (from the MO:DCA identifiers), so that a wrong entry in
afpcheck's own table shows up as a failure.  Real-world AFP comes from
Apache FOP when it is installed.
"""
from __future__ import annotations

import logging
import shutil
import struct
import subprocess
import zlib

import pytest

from afpcheck import SF_NAMES, assert_valid, check, frame

# The identifiers used below, written out independently of afpcheck.
ID = {
    "BPF": "D3A8A5", "EPF": "D3A9A5", "BRG": "D3A8C6", "ERG": "D3A9C6",
    "BRS": "D3A8CE", "ERS": "D3A9CE", "BDT": "D3A8A8", "EDT": "D3A9A8",
    "BNG": "D3A8AD", "ENG": "D3A9AD", "BPG": "D3A8AF", "EPG": "D3A9AF",
    "BAG": "D3A8C9", "EAG": "D3A9C9", "BPT": "D3A89B", "EPT": "D3A99B",
    "BIM": "D3A8FB", "EIM": "D3A9FB", "BOG": "D3A8C7", "EOG": "D3A9C7",
    "BPS": "D3A85F", "EPS": "D3A95F", "TLE": "D3A090", "PGD": "D3A6AF",
    "PTD": "D3B19B", "PTD1": "D3A69B", "PTX": "D3EE9B", "MCF": "D3AB8A",
    "IPD": "D3EEFB", "IDD": "D3A6FB", "OBD": "D3A66B", "OBP": "D3AC6B",
    "IOB": "D3AFC3", "NOP": "D3EEEE", "MPS": "D3B15F", "IPS": "D3AF5F",
}


def sf(name: str, data: bytes = b"", flags: int = 0, reserved: bytes = b"\0\0",
       length: int | None = None) -> bytes:
    """One structured field: X'5A', length, id, flags, reserved, data."""
    sf_id = bytes.fromhex(ID.get(name, name))
    if length is None:
        length = 8 + len(data)
    return b"\x5a" + length.to_bytes(2, "big") + sf_id + bytes([flags]) + reserved + data


def ebcdic(text: str, width: int = 8) -> bytes:
    return text.ljust(width).encode("cp500")


def tle(key: str, value: str) -> bytes:
    name = ebcdic(key, 0)
    val = ebcdic(value, 0)
    fqn = bytes([4 + len(name), 0x02, 0x0B, 0x00]) + name
    attr = bytes([4 + len(val), 0x36, 0, 0]) + val
    return sf("TLE", fqn + attr)


def pgd(width=1700, height=2200) -> bytes:
    # base 10 inches, 2400 units per base, size, 3 reserved bytes
    return sf("PGD", bytes([0, 0]) + (2400).to_bytes(2, "big") * 2
              + width.to_bytes(3, "big") + height.to_bytes(3, "big") + b"\0\0\0")


def page(name: str, text: str = "Hello", tags=()) -> bytes:
    n = ebcdic(name)
    ptx = b"\x2b\xd3\x03\xf1\x00" + bytes([2 + len(text) + 1, 0xDB]) + text.encode("cp500")
    return (sf("BPG", n)
            + sf("BAG", n) + sf("MCF", b"") + pgd() + sf("PTD", b"\0" * 14) + sf("EAG", n)
            + b"".join(tle(k, v) for k, v in tags)
            + sf("BPT", n) + sf("PTX", ptx) + sf("EPT", n)
            + sf("EPG", n))


def group(name: str, pages: list[bytes], tags=()) -> bytes:
    n = ebcdic(name)
    return sf("BNG", n) + b"".join(tle(k, v) for k, v in tags) + b"".join(pages) + sf("ENG", n)


def image_object(name: str) -> bytes:
    n = ebcdic(name)
    return (sf("BIM", n) + sf("BOG", n) + sf("OBD", b"\0" * 10) + sf("OBP", b"\0" * 23)
            + sf("IDD", b"\0" * 9) + sf("EOG", n)
            + sf("IPD", b"\x70\x00") + sf("EIM", n))


def resource_group() -> bytes:
    return (sf("BRG", ebcdic("RG1")) + sf("BRS", ebcdic("IMG1")) + image_object("IMG1")
            + sf("ERS", ebcdic("IMG1")) + sf("ERG", ebcdic("RG1")))


def document(groups: list[bytes], envelope=True, resources=True) -> bytes:
    body = sf("BDT", ebcdic("DOC1")) + b"".join(groups) + sf("EDT", ebcdic("DOC1"))
    if resources:
        body = resource_group() + body
    if envelope:
        body = sf("BPF", ebcdic("PF1")) + body + sf("EPF", ebcdic("PF1"))
    return body


def sample() -> bytes:
    return document([
        group("G0000001", [page("P1", tags=[("PAGE", "1")]), page("P2")],
              tags=[("CUSTOMER", "C001"), ("ZIP", "10115")]),
        group("G0000002", [page("P3")], tags=[("CUSTOMER", "C002")]),
    ])


def offset_of(data: bytes, name: str, nth: int = 0) -> int:
    """Offset of the nth field with that name, framed by afpcheck."""
    fields = [f for f in frame(data) if f.name == name]
    return fields[nth].offset


def problems_of(data: bytes) -> list[str]:
    return check(data).problems


def assert_reported(data: bytes, *fragments: str) -> list[str]:
    problems = problems_of(data)
    joined = "\n".join(problems)
    for fragment in fragments:
        assert fragment in joined, (fragment, problems)
    return problems


# --------------------------------------------------------------------------
# valid input
# --------------------------------------------------------------------------

def test_valid_document_is_accepted_and_reported():
    data = sample()
    report = assert_valid(data, pages_per_group=[2, 1])
    assert report.problems == []
    assert [(g.name, g.tags, g.pages) for g in report.groups] == [
        ("G0000001", {"CUSTOMER": "C001", "ZIP": "10115"}, 2),
        ("G0000002", {"CUSTOMER": "C002"}, 1),
    ]
    assert report.page_count == 3
    assert report.documents == 1
    assert [p.name for p in report.pages] == ["P1", "P2", "P3"]
    assert [p.group for p in report.pages] == ["G0000001", "G0000001", "G0000002"]
    assert report.pages[0].tags == {"PAGE": "1"}
    assert report.pages[0].size == (1700, 2200)
    assert report.pages[0].units == (2400, 2400, 0)
    counts = report.sf_counts
    assert counts["BPG"] == counts["EPG"] == counts["PGD"] == 3
    assert counts["BNG"] == 2 and counts["TLE"] == 4 and counts["BIM"] == 1


def test_pages_per_group_mismatch_is_an_assertion():
    with pytest.raises(AssertionError, match=r"page group 0 .* holds 2 pages, expected 3"):
        assert_valid(sample(), pages_per_group=[3, 1])
    with pytest.raises(AssertionError, match="2 page groups, expected 3"):
        assert_valid(sample(), pages_per_group=[2, 1, 1])


def test_minimal_forms_are_accepted():
    # no print-file envelope, no resource group, a page outside any group,
    # ends without names, an end with the X'FFFF' wildcard name, NOPs anywhere
    data = (sf("NOP", b"comment") + sf("BDT", ebcdic("D"))
            + page("LOOSE")
            + sf("BNG", ebcdic("G")) + sf("NOP") + page("P") + sf("ENG", b"\xff\xff" + b"\0" * 6)
            + sf("EDT"))
    report = assert_valid(data, pages_per_group=[1])
    assert report.page_count == 2 and report.groups[0].tags == {}
    assert report.pages[0].group is None


def test_nested_page_groups_count_their_pages():
    inner = group("INNER", [page("A"), page("B")])
    data = document([sf("BNG", ebcdic("OUTER")) + page("X") + inner + sf("ENG", ebcdic("OUTER"))])
    report = assert_valid(data, pages_per_group=[3, 2])
    assert [g.depth for g in report.groups] == [0, 1]


def test_segmented_field_is_joined():
    ptx = b"\x2b\xd3\x03\xf1\x00\x09\xdbSEGMENT".replace(b"SEGMENT", "SEGMENT".encode("cp500"))
    body = (sf("BPG", ebcdic("P")) + sf("BAG") + pgd() + sf("EAG")
            + sf("BPT") + sf("PTX", ptx[:6], flags=0x20) + sf("PTX", ptx[6:]) + sf("EPT")
            + sf("EPG"))
    data = sf("BDT") + body + sf("EDT")
    report = assert_valid(data)
    ptx_fields = [f for f in report.fields if f.name == "PTX"]
    assert len(ptx_fields) == 1 and ptx_fields[0].segments == 2 and ptx_fields[0].data == ptx
    assert report.sf_counts["PTX"] == 1


def test_extension_and_padding_are_stripped():
    # the PGD's data: an extension of 3 bytes before it and padding after it
    d = frame(pgd())[0].data
    short_pad = sf("PGD", b"\x03\xaa\xbb" + d + b"\0\0\x03", flags=0x80 | 0x08)
    long_pad = sf("PGD", d + b"\0" * 297 + (300).to_bytes(2, "big") + b"\0", flags=0x08)
    for field in (short_pad, long_pad):
        framed = frame(field)
        assert len(framed) == 1 and framed[0].data == d, framed
        data = sf("BDT") + sf("BPG") + sf("BAG") + field + sf("EAG") + sf("EPG") + sf("EDT")
        report = assert_valid(data)
        assert report.pages[0].size == (1700, 2200)


def test_table_agrees_with_the_ids_written_here():
    for name, hexid in ID.items():
        assert SF_NAMES[bytes.fromhex(hexid)] == name


def test_table_agrees_with_the_afp_package():
    afp = pytest.importorskip("afp")
    for sf_id, sf_type in afp.SF_TYPES.items():
        ours = SF_NAMES[sf_id.to_bytes(3, "big")]
        assert ours == sf_type.abbreviation.replace("-", ""), (hex(sf_id), ours)


# --------------------------------------------------------------------------
# corruptions
# --------------------------------------------------------------------------

def test_changed_length_byte_is_reported():
    data = bytearray(sample())
    at = offset_of(bytes(data), "PGD")
    data[at + 2] += 1                          # one byte longer
    problems = problems_of(bytes(data))
    assert problems, "a longer PGD must break the framing"
    # the field after the PGD now starts one byte late: no X'5A' there
    assert "expected X'5A' carriage control" in problems[0]
    assert "(after offset %d (PGD), length 24)" % at in problems[0]
    assert "framing resumes at offset" in problems[1]
    data[at + 1:at + 3] = (5).to_bytes(2, "big")   # shorter than the introducer
    problems = problems_of(bytes(data))
    assert any("offset %d (PGD): length" % at in p and "less than" in p for p in problems)


def test_length_past_the_end_and_truncation_are_reported():
    data = sample()
    assert_reported(data[:-3], "runs past the end")
    assert_reported(data[:-13], "truncated file")
    # a cut exactly at a field boundary leaves open objects
    cut = offset_of(data, "EDT")
    assert_reported(data[:cut], "BDT): never ended", "no EDT", "BPF): never ended")


def test_missing_epg_is_reported():
    data = sample()
    at = offset_of(data, "EPG")
    broken = data[:at] + data[at + 17:]
    assert_reported(broken, "missing EPG", "(ENG): ends BNG")


def test_epg_without_bpg_is_reported():
    data = sample()
    at = offset_of(data, "EPG")
    broken = data[:at] + sf("EPG") + data[at:]
    assert_reported(broken, "(EPG): no open BPG to end")


def test_swapped_end_is_reported():
    data = sample()
    at = offset_of(data, "EPG", 1)              # the last page of the first group
    swapped = sf("ENG", ebcdic("G0000001")) + sf("EPG", ebcdic("P2"))
    broken = data[:at] + swapped + data[at + 17 + 17:]
    assert_reported(broken, "(ENG): ends BNG", "missing EPG", "(EPG): no open BPG to end")


def test_unknown_id_is_reported():
    data = bytearray(sample())
    at = offset_of(bytes(data), "PTD")
    data[at + 5] = 0x00                         # X'D3B100' is no structured field
    assert_reported(bytes(data), "offset %d: unknown structured field id X'D3B100'" % at)


def test_segmented_field_followed_by_another_id_is_reported():
    data = sample()
    at = offset_of(data, "PTX")
    broken = bytearray(data)
    broken[at + 6] = 0x20                      # segmented; the next field is an EPT
    assert_reported(bytes(broken), "offset %d (PTX): segmented, but the next field" % at,
                    "(EPT), has another id")
    # and a segmented last field
    last = bytearray(sf("BDT") + sf("EDT"))
    last[9 + 6] = 0x20
    assert_reported(bytes(last), "the data ends before its next segment")


def test_nonzero_reserved_bytes_are_reported():
    data = bytearray(sample())
    at = offset_of(bytes(data), "BAG")
    data[at + 8] = 0x01
    assert_reported(bytes(data), "offset %d (BAG): reserved introducer bytes are X'0001'" % at)


def test_reserved_flag_bits_are_reported():
    data = bytearray(sample())
    at = offset_of(bytes(data), "BAG")
    data[at + 6] = 0x40
    assert_reported(bytes(data), "offset %d (BAG): reserved flag bits set" % at)


def test_missing_carriage_control_is_reported():
    data = bytearray(sample())
    at = offset_of(bytes(data), "BNG")
    data[at] = 0x5B
    assert_reported(bytes(data), "offset %d: expected X'5A'" % at)


def test_end_with_another_name_is_reported():
    data = sample().replace(sf("EPG", ebcdic("P2")), sf("EPG", ebcdic("P9")))
    assert_reported(data, "(EPG): names 'P9', but its BPG", "names 'P2'")


def test_page_descriptor_count_is_checked():
    one = page("P")
    two = one.replace(pgd(), pgd() + pgd())
    none = one.replace(pgd(), b"")
    for body, count in ((two, 2), (none, 0)):
        data = sf("BDT") + body + sf("EDT")
        assert_reported(data, "holds %d page descriptors (PGD), not exactly one" % count)


def test_page_without_aeg_or_with_late_aeg_is_reported():
    no_aeg = sf("BPG") + sf("BPT") + sf("PTX", b"\x2b\xd3\x02\xf8") + sf("EPT") + sf("EPG")
    assert_reported(sf("BDT") + no_aeg + sf("EDT"),
                    "does not begin with an active environment group",
                    "has no active environment group")
    late = (sf("BPG") + sf("BPT") + sf("EPT") + sf("BAG") + pgd() + sf("EAG") + sf("EPG"))
    assert_reported(sf("BDT") + late + sf("EDT"), "the active environment group must come first")


def test_fields_outside_their_containers_are_reported():
    ptx = sf("PTX", b"\x2b\xd3\x02\xf8")
    # PTX directly in a page, not in a BPT
    data = sample()
    at = offset_of(data, "BPT")
    assert_reported(data[:at] + ptx + data[at:], "(PTX): not allowed in a page (BPG at offset")
    # IPD outside an image object
    assert_reported(data[:at] + sf("IPD", b"\x70\x00") + data[at:], "(IPD): not allowed in a page")
    # content outside any container
    assert_reported(ptx + data, "offset 0 (PTX): not allowed in the top level")
    # a page outside a document
    assert_reported(page("P"), "offset 0 (BPG): not allowed in the top level")
    # a page directly in a resource group
    bad = sf("BRG") + page("P") + sf("ERG") + sf("BDT") + page("Q") + sf("EDT")
    assert_reported(bad, "(BPG): not allowed in a resource group")
    # mapping fields belong in the active environment group
    at = offset_of(data, "BPT")
    assert_reported(data[:at] + sf("MCF") + data[at:], "(MCF): not allowed in a page")


def test_resource_group_after_the_document_is_reported():
    doc = document([group("G", [page("P")])], envelope=False, resources=False)
    assert_reported(doc + resource_group(), "(BRG): the print file resource group must precede")


def test_object_environment_group_must_come_first():
    n = ebcdic("I")
    late = (sf("BIM", n) + sf("IPD", b"\x70\x00") + sf("BOG") + sf("OBD", b"\0" * 10)
            + sf("EOG") + sf("EIM", n))
    data = document([group("G", [page("P")])], resources=False)
    at = offset_of(data, "EPG")
    assert_reported(data[:at] + late + data[at:], "the object environment group must come first")


def test_tle_without_value_is_reported():
    fqn = bytes([4 + 3, 0x02, 0x0B, 0x00]) + "KEY".encode("cp500")
    data = document([sf("BNG") + sf("TLE", fqn) + page("P") + sf("ENG")])
    assert_reported(data, "(TLE): no attribute value (X'36' triplet)")
    data = document([sf("BNG") + sf("TLE", b"\x09\x02\x0bKEY") + page("P") + sf("ENG")])
    assert_reported(data, "(TLE): triplet at data offset 0 has length 9")


def test_empty_input_is_a_problem():
    assert problems_of(b"") == ["no structured fields"]
    with pytest.raises(AssertionError, match="no structured fields"):
        assert_valid(b"")


# --------------------------------------------------------------------------
# Apache FOP's AFP as a real-world reference
# --------------------------------------------------------------------------

FO_TWO_GROUPS = """<?xml version="1.0" encoding="UTF-8"?>
<fo:root xmlns:fo="http://www.w3.org/1999/XSL/Format"
         xmlns:afp="http://xmlgraphics.apache.org/fop/extensions/afp">
  <fo:layout-master-set>
    <fo:simple-page-master master-name="A4" page-height="29.7cm" page-width="21cm" margin="2cm">
      <afp:tag-logical-element name="PAGETAG" value="ON-EVERY-PAGE"/>
      <fo:region-body/>
    </fo:simple-page-master>
  </fo:layout-master-set>
  <fo:page-sequence master-reference="A4">
    <afp:tag-logical-element name="CUSTOMER" value="C001"/>
    <afp:tag-logical-element name="ZIP" value="10115"/>
    <fo:flow flow-name="xsl-region-body">
      <fo:block>Hello AFP</fo:block>
      <fo:block break-before="page">Page two</fo:block>
    </fo:flow>
  </fo:page-sequence>
  <fo:page-sequence master-reference="A4">
    <afp:tag-logical-element name="CUSTOMER" value="C002"/>
    <fo:flow flow-name="xsl-region-body">
      <fo:block>Second letter
        <fo:external-graphic src="dot.png" content-width="1cm"/></fo:block>
      <fo:block border="1pt solid black" background-color="#ffcc00">Boxed
        <fo:leader leader-pattern="rule" leader-length="4cm"/></fo:block>
      <fo:block><fo:instream-foreign-object>
        <svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">
          <circle cx="20" cy="20" r="15" fill="blue"/></svg>
      </fo:instream-foreign-object></fo:block>
    </fo:flow>
  </fo:page-sequence>
</fo:root>
"""


def _png(path, w=8, h=8):
    raw = b"".join(b"\x00" + bytes((x * 30 + y * 7) % 256 for x in range(w * 3)) for y in range(h))

    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    path.write_bytes(b"\x89PNG\r\n\x1a\n"
                     + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def fop_afp(tmp_path_factory):
    if shutil.which("fop") is None:
        pytest.skip("Apache FOP (fop) is not on PATH")
    directory = tmp_path_factory.mktemp("fop")
    _png(directory / "dot.png")
    (directory / "in.fo").write_text(FO_TWO_GROUPS, encoding="utf-8")
    out = directory / "out.afp"
    result = subprocess.run(["fop", "-fo", "in.fo", "-afp", "out.afp"], cwd=directory,
                            capture_output=True, text=True, timeout=300)
    if result.returncode != 0 or not out.exists():
        pytest.fail("fop failed:\n" + result.stdout[-2000:] + result.stderr[-2000:])
    return out.read_bytes()


def test_fop_output_passes(fop_afp):
    report = assert_valid(fop_afp, pages_per_group=[2, 1])
    assert [g.tags for g in report.groups] == [{"CUSTOMER": "C001", "ZIP": "10115"},
                                               {"CUSTOMER": "C002"}]
    assert report.page_count == 3 and report.documents == 1
    assert all(p.tags == {"PAGETAG": "ON-EVERY-PAGE"} for p in report.pages)
    # FOP puts the image in a print-file resource group and draws with GOCA
    for name in ("BRG", "BRS", "BIM", "BOG", "IPD", "IOB", "BGR", "GAD", "MCF", "PTD"):
        assert report.sf_counts[name] >= 1, (name, report.sf_counts)
    assert report.sf_counts["PGD"] == 3


def test_fop_output_corrupted_is_caught(fop_afp):
    data = bytearray(fop_afp)
    at = offset_of(fop_afp, "EPG", 1)
    del data[at:at + 17]
    assert_reported(bytes(data), "missing EPG")


def test_fop_output_agrees_with_the_afp_package(fop_afp, tmp_path):
    afp = pytest.importorskip("afp")
    path = tmp_path / "fop.afp"
    path.write_bytes(fop_afp)
    logging.getLogger("afp").setLevel(logging.CRITICAL)
    with open(path, "rb") as f:
        theirs = afp.load(f, allow_unknown_fields=True, allow_unknown_triplets=True,
                          allow_unknown_functions=True)
    ours = frame(fop_afp)
    assert [sf_["SFTypeID"] for sf_ in theirs] == [int.from_bytes(f.sf_id, "big") for f in ours]
    assert [sf_["SFLength"] for sf_ in theirs] == [8 + len(f.data) for f in ours]


FO_EXTERNAL = """<?xml version="1.0" encoding="UTF-8"?>
<fo:root xmlns:fo="http://www.w3.org/1999/XSL/Format"
         xmlns:afp="http://xmlgraphics.apache.org/fop/extensions/afp">
  <fo:layout-master-set>
    <fo:simple-page-master master-name="A4" page-height="29.7cm" page-width="21cm" margin="2cm">
      <afp:no-operation name="nop1">a comment</afp:no-operation>
      <fo:region-body/>
    </fo:simple-page-master>
  </fo:layout-master-set>
  <fo:page-sequence master-reference="A4">
    <afp:invoke-medium-map name="MYMAP"/>
    <afp:tag-logical-element name="ACCOUNT" value="12345"/>
    <fo:flow flow-name="xsl-region-body">
      <fo:block>PNG <fo:external-graphic src="dot.png" content-width="1cm"/></fo:block>
      <fo:block break-before="page">second</fo:block>
    </fo:flow>
  </fo:page-sequence>
</fo:root>
"""

FOP_CONFIG = """<fop version="1.0"><renderers><renderer mime="application/x-afp">
  <images mode="color" bits-per-pixel="24"/>
  <resource-group-file>{resources}</resource-group-file>
  <default-resource-levels goca="external" bitmap="external"/>
</renderer></renderers></fop>
"""


def test_fop_external_resource_file(tmp_path):
    """Resources in an external resource group file, IMM and NOP in the document.

    FOP 2.8 does not end its external resource group: the file has no ERG
    (StreamedResourceGroup.close(), which writes it, is not called).  MO:DCA
    requires the ERG, so the checker reports exactly that and nothing else.
    """
    if shutil.which("fop") is None:
        pytest.skip("Apache FOP (fop) is not on PATH")
    _png(tmp_path / "dot.png")
    (tmp_path / "in.fo").write_text(FO_EXTERNAL, encoding="utf-8")
    resources = tmp_path / "resources.afp"
    (tmp_path / "fop.xconf").write_text(FOP_CONFIG.format(resources=resources))
    result = subprocess.run(["fop", "-c", "fop.xconf", "-fo", "in.fo", "-afp", "out.afp"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    report = assert_valid(tmp_path / "out.afp", pages_per_group=[2])
    assert report.groups[0].tags == {"ACCOUNT": "12345"}
    assert report.sf_counts["IMM"] == 1 and report.sf_counts["NOP"] == 2
    assert report.sf_counts["BRG"] == 0          # the image went to the external file
    assert resources.exists()
    res = check(resources)
    assert res.sf_counts["BRS"] >= 1 and res.sf_counts["BIM"] >= 1
    assert res.problems in ([], ["offset 0 (BRG): never ended (no ERG before the end "
                                     "of the data)"]), res.problems
