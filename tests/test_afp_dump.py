"""`pressrun afp dump`: AFP built by hand here (and by Apache FOP when it is
installed), decoded field by field, and its page text."""
from __future__ import annotations

import shutil
import subprocess

import pytest
from click.testing import CliRunner

from pressrun.afp import dump
from pressrun.afp.cli import afp

BDT, EDT = 0xD3A8A8, 0xD3A9A8
BNG, ENG = 0xD3A8AD, 0xD3A9AD
BPG, EPG = 0xD3A8AF, 0xD3A9AF
BAG, EAG = 0xD3A8C9, 0xD3A9C9
BPT, EPT = 0xD3A89B, 0xD3A99B
MCF, MDR, PGD, PTD, PTX = 0xD3AB8A, 0xD3ABC3, 0xD3A6AF, 0xD3B19B, 0xD3EE9B
OBD, TLE, NOP = 0xD3A66B, 0xD3A090, 0xD3EEEE

AMI, RMI, AMB, SCFL, TRN, SVI, NOPCS = 0xC6, 0xC8, 0xD2, 0xF0, 0xDA, 0xC4, 0xF8


def sf(sf_id: int, data: bytes = b"", flags: int = 0) -> bytes:
    length = 8 + len(data)
    return b"\x5a" + length.to_bytes(2, "big") + sf_id.to_bytes(3, "big") + bytes([flags, 0, 0]) + data


def name8(name: str) -> bytes:
    return name.ljust(8).encode("cp500")


def triplet(tid: int, body: bytes) -> bytes:
    return bytes([len(body) + 2, tid]) + body


def group(*triplets: bytes) -> bytes:
    body = b"".join(triplets)
    return (len(body) + 2).to_bytes(2, "big") + body


def fqn(fqn_type: int, name: str, encoding: str = "cp500") -> bytes:
    return triplet(0x02, bytes([fqn_type, 0x00]) + name.encode(encoding))


def local_id(lid: int) -> bytes:
    return triplet(0x24, bytes([0x05, lid]))


def chain(*sequences: tuple[int, bytes]) -> bytes:
    """One PTOCA chain: X'2BD3', then each control sequence, all but the last chained."""
    out = b"\x2b\xd3"
    for number, (ftype, params) in enumerate(sequences):
        last = number == len(sequences) - 1
        out += bytes([len(params) + 2, ftype if last else ftype | 1]) + params
    return out


def s16(value: int) -> bytes:
    return value.to_bytes(2, "big", signed=True)


def page(name: str, environment: list[bytes], ptx: list[bytes], extra: bytes = b"") -> bytes:
    descriptors = (sf(PGD, b"\x00\x00" + s16(14400) + s16(14400) + (12240).to_bytes(3, "big")
                      + (15840).to_bytes(3, "big") + b"\x00\x00\x00")
                   + sf(PTD, b"\x00\x00" + s16(14400) + s16(14400) + (12240).to_bytes(3, "big")
                        + (15840).to_bytes(3, "big") + b"\x00\x00"))
    return (sf(BPG, name8(name)) + sf(BAG, name8("AEG")) + b"".join(environment) + descriptors
            + sf(EAG, name8("AEG")) + sf(BPT, name8("PT1")) + b"".join(sf(PTX, p) for p in ptx)
            + sf(EPT, name8("PT1")) + extra + sf(EPG, name8(name)))


def document(*pages: bytes) -> bytes:
    return sf(BDT, name8("DOC1") + b"\x00\x00") + b"".join(pages) + sf(EDT, name8("DOC1"))


def utf16_mdr(lid: int = 1) -> bytes:
    return sf(MDR, group(fqn(0xDE, "Arial"), local_id(lid), triplet(0x50, b"\x00\x00\x72\x00")))


def ebcdic_mcf(lid: int = 2, code_page: str = "T1V10037") -> bytes:
    return sf(MCF, group(fqn(0x86, "C0H200B0"), fqn(0x85, code_page), local_id(lid)))


def utf16_page() -> bytes:
    text = chain((AMB, s16(1440)), (AMI, s16(720)), (SCFL, b"\x01"), (TRN, "Hello".encode("utf-16-be")),
                 (AMI, s16(2000)), (TRN, "wörld".encode("utf-16-be")))
    return page("P1", [utf16_mdr()], [text])


def run_dump(data: bytes, *options: str, tmp_path) -> tuple[int, list[str]]:
    path = tmp_path / "in.afp"
    path.write_bytes(data)
    result = CliRunner().invoke(afp, ["dump", str(path), *options])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output.splitlines()


# ---- fields and triplets ---------------------------------------------------------------

def test_iter_fields_reads_offsets_lengths_and_names():
    data = document(utf16_page())
    fields = list(dump.iter_fields(data))
    assert [f.code for f in fields[:3]] == ["BDT", "BPG", "BAG"]
    assert fields[0].offset == 0 and fields[0].length == 18
    assert fields[1].offset == 19
    assert fields[-1].full_name == "End Document"


def test_dump_shows_field_lines_names_and_triplets(tmp_path):
    code, lines = run_dump(document(utf16_page()), tmp_path=tmp_path)
    assert code == 0
    assert lines[0].startswith("00000000    18  BDT Begin Document")
    assert "    name: 'DOC1    '" in lines
    assert any("BPG Begin Page" in line for line in lines)
    assert any("X'02' Fully Qualified Name (len 9): data object external resource reference (X'DE'): 'Arial'"
               in line for line in lines)
    assert any("X'24' Resource Local ID (len 4): coded font, local id 1" in line for line in lines)
    assert any("X'50' Encoding Scheme ID" in line and "UTF-16BE" in line for line in lines)
    assert any(line.strip() == "units: X 14400 per 10 inches, Y 14400 per 10 inches" for line in lines)
    assert any(line.strip() == "size: 12240 x 15840" for line in lines)


def test_more_triplets_are_decoded():
    oid = bytes([0x06, 0x07, 0x2B, 0x12, 0x00, 0x04, 0x01, 0x01, 0x33]).ljust(16, b"\x00")
    classification = triplet(0x10, b"\x00\x41\x00\x00\x00\x00" + oid + name8("TTF").ljust(32, b"\x40"))
    date = triplet(0x62, b"\x00" + "026335123456".encode("cp500") + "78".encode("cp500"))
    units = triplet(0x4B, b"\x00\x00" + s16(14400) + s16(14400))
    size = triplet(0x4C, b"\x02" + (1440).to_bytes(3, "big") + (720).to_bytes(3, "big"))
    comment = triplet(0x65, "made by hand".encode("cp500"))
    unknown = triplet(0x99, b"\x01\x02")
    lines = list(dump.dump_lines(sf(OBD, classification + date + units + size + comment + unknown)))
    text = "\n".join(lines)
    assert "class data-object font, OID 1.3.18.0.4.1.1.51 (TrueType/OpenType font), type name 'TTF'" in text
    assert "creation 2026-12-01 12:34:56.78" in text
    assert "X'4B' Measurement Units (len 8): X 14400 per 10 inches, Y 14400 per 10 inches" in text
    assert "X'4C' Object Area Size (len 9): size type X'02', X 1440, Y 720" in text
    assert "X'65' Comment (len 14): 'made by hand'" in text
    assert "X'99' unknown triplet (len 4): 01 02" in text


# ---- PTOCA text ------------------------------------------------------------------------

def test_utf16_text_through_an_mdr_with_an_encoding_scheme(tmp_path):
    data = document(utf16_page())
    code, lines = run_dump(data, tmp_path=tmp_path)
    assert code == 0
    text = "\n".join(lines)
    assert "AMB Absolute Move Baseline (chained): 1440" in text
    assert "SCFL Set Coded Font Local (chained): font local id 1" in text
    assert "TRN Transparent Data (chained): 'Hello'" in text
    assert "TRN Transparent Data: 'wörld'" in text
    assert dump.page_texts(data) == ["Hello wörld"]


def test_data_object_font_without_encoding_scheme_is_utf16():
    descriptor = triplet(0x8B, b"\x00\x20" + s16(240) + s16(240) + b"\x00\x00\x00\x03\x00\x01\x00\x00")
    mdr = sf(MDR, group(fqn(0xDE, "Font"), local_id(3), descriptor))
    text = chain((AMB, s16(500)), (SCFL, b"\x03"), (TRN, "Grüße €".encode("utf-16-be")))
    assert dump.page_texts(document(page("P1", [mdr], [text]))) == ["Grüße €"]


def test_ebcdic_text_in_the_code_page_the_mcf_names(tmp_path):
    text = chain((AMB, s16(1000)), (AMI, s16(100)), (SCFL, b"\x02"),
                 (TRN, "Price [EUR] 12,50".encode("cp037")))
    data = document(page("P1", [ebcdic_mcf(2, "T1V10037")], [text]))
    assert dump.page_texts(data) == ["Price [EUR] 12,50"]
    _, lines = run_dump(data, tmp_path=tmp_path)
    assert any("TRN Transparent Data: 'Price [EUR] 12,50'" in line for line in lines)
    assert any("font 'C0H200B0' (cp037)" in line for line in lines)


def test_unmapped_font_is_cp500_and_free_code_points_are_text():
    text = chain((AMB, s16(300)), (AMI, s16(100)), (SVI, s16(60))) + "plain words".encode("cp500")
    assert dump.page_texts(document(page("P1", [], [text]))) == ["plain words"]


def test_lines_by_baseline_and_words_by_position():
    def run(word: str) -> tuple[int, bytes]:
        return (TRN, word.encode("utf-16-be"))
    first = chain((AMB, s16(1000)), (AMI, s16(100)), (SCFL, b"\x01"), run("Dear"), (RMI, s16(60)),
                  run("Ms"), (RMI, s16(4)), run("."), (AMI, s16(1200)), run("Smith,"))
    second = chain((AMB, s16(1300)), (AMI, s16(100)), run("Your bill"), (AMB, s16(1600)), (AMI, s16(100)),
                   run("Total: 12.50"))
    data = document(page("P1", [utf16_mdr()], [first, second]),
                    page("P2", [utf16_mdr()], [chain((AMB, s16(500)), (SCFL, b"\x01"), run("Page two"))]))
    assert dump.page_texts(data) == ["Dear Ms. Smith,\nYour bill\nTotal: 12.50", "Page two"]


def _vera_font():
    reportlab = pytest.importorskip("reportlab")
    from pathlib import Path
    path = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"
    if not path.exists():
        pytest.skip("no Vera.ttf to embed")
    return path.read_bytes()


def _advance(font_bytes: bytes, text: str, size_units: int) -> int:
    """The width of `text` at `size_units` (1/1440 in), from fontTools."""
    import io
    from fontTools.ttLib import TTFont
    font = TTFont(io.BytesIO(font_bytes))
    cmap, hmtx = font.getBestCmap(), font["hmtx"]
    units = sum(hmtx[cmap[ord(c)]][0] for c in text)
    return round(units * size_units / font["head"].unitsPerEm)


def test_embedded_truetype_font_places_words_exactly():
    font = _vera_font()
    BRG, ERG, BRS, ERS, BOC, EOC, OCD = 0xD3A8C6, 0xD3A9C6, 0xD3A8CE, 0xD3A9CE, 0xD3A892, 0xD3A992, 0xD3EE92
    oid = bytes([0x06, 0x07, 0x2B, 0x12, 0x00, 0x04, 0x01, 0x01, 0x33]).ljust(16, b"\x00")
    classification = triplet(0x10, b"\x00\x41\x00\x00\x00\x00" + oid)
    chunks = [font[i:i + 30000] for i in range(0, len(font), 30000)]
    resources = (sf(BRG, name8("RG1")) + sf(BRS, name8("VERA") + b"\x00\x00")
                 + sf(BOC, name8("VERA") + classification) + b"".join(sf(OCD, c) for c in chunks)
                 + sf(EOC, name8("VERA")) + sf(ERS, name8("VERA")) + sf(ERG, name8("RG1")))
    size = 240                                   # 12 pt in 1/1440 in
    descriptor = triplet(0x8B, b"\x00\x20" + s16(size) + s16(size) + b"\x00\x00\x00\x03\x00\x01\x00\x00")
    # as Apache FOP and pressrun map it: the name in UTF-16BE, the local id as a one-byte FQN X'BE'
    mdr = sf(MDR, group(fqn(0xDE, "VERA", "utf-16-be"), triplet(0x02, b"\xbe\x00\x01"), descriptor))

    def run(word: str) -> tuple[int, bytes]:
        return (TRN, word.encode("utf-16-be"))
    x = 100
    space = _advance(font, " ", size)
    sequences = [(AMB, s16(1000)), (AMI, s16(x)), (SCFL, b"\x01"), run("Illicit")]
    x += _advance(font, "Illicit", size) + space
    sequences += [(AMI, s16(x)), run("WWW")]                     # a word apart
    x += _advance(font, "WWW", size)
    sequences += [(AMI, s16(x)), run("MMM")]                     # abutting: the same word
    x += _advance(font, "MMM", size) + 2
    sequences += [(AMI, s16(x)), run(".")]                       # kerned: no space
    data = resources + document(page("P1", [mdr], [chain(*sequences)]))
    assert dump.page_texts(data) == ["Illicit WWWMMM."]
    lines = list(dump.dump_lines(data))
    assert any("OCD Object Container Data" in line for line in lines)
    assert any("data object internal resource reference (X'BE'): local id 1" in line for line in lines)


def test_glyph_layout_chain_and_unicode_complex_text():
    oid = bytes([0x06, 0x07, 0x2B, 0x12, 0x00, 0x04, 0x01, 0x01, 0x33])
    font_name = "Vera".encode("utf-16-be")
    glc = s16(500) + bytes([len(oid), len(font_name)]) + b"\x00" * 4 + oid + font_name
    gir = b"\x00\x00" + b"\x00\x2b\x00\x4c"
    gar = b"\x00\x00" + s16(0) + s16(250)
    text = "Hi".encode("utf-16-be")
    uct = b"\x01\x00" + len(text).to_bytes(2, "big") + b"\x00" * 10
    ptx = chain((AMB, s16(800)), (SCFL, b"\x01"), (0x6C, glc), (0x8A, gir), (0x8C, gar), (0x6A, uct)) + text
    data = document(page("P1", [utf16_mdr()], [ptx]))
    lines = "\n".join(dump.dump_lines(data))
    assert "GLC Glyph Layout Control (chained): advance 500, font OID 1.3.18.0.4.1.1.51, font 'Vera'" in lines
    assert "GIR Glyph ID Run (chained): 2 values: 43 76" in lines
    assert "GAR Glyph Advance Run (chained): 2 values: 0 250" in lines
    assert "UCT Unicode Complex Text: version 1, text length 4" in lines
    assert "code points 'Hi'" in lines
    assert dump.page_texts(data) == ["Hi"]


def test_form_map_and_object_fields_are_decoded():
    def s24(v: int) -> bytes:
        return v.to_bytes(3, "big", signed=True)
    bdd = b"\x00\x00" + s16(14400) + s16(14400) + s16(2000) + s16(1000) + b"\x00\x00" + b"\x11\x02\xff" \
        + b"\xff\x08" + b"\x0a" + s16(300) + b"\x01" + s16(0)
    bda = b"\x00" + s16(100) + s16(200) + "ABC123".encode("cp500")
    iob = name8("IMG1") + b"\x00\xfb" + s24(1440) + s24(-720) + b"\x00\x00\x2d\x00" + s24(0) + s24(0) + b"\x00"
    ipo = name8("OVL1") + s24(10) + s24(20) + b"\x5a\x00"
    mcc = s16(1) + s16(1) + b"\x00\x01"
    mmc = b"\x01\xff\xf4\x02"
    pgp = b"\x01" + b"\x0c" + s24(0) + s24(0) + b"\x00\x00" + b"\x01" + b"\x00\x00"
    gad = b"\x21\x04" + s16(10) + s16(20) + b"\x0a\x02" + b"\xc1\x08" + s16(0) + s16(0) + s16(100) + s16(100)
    data = b"".join([sf(0xD3A6EB, bdd), sf(0xD3EEEB, bda), sf(0xD3AFC3, iob), sf(0xD3AFD8, ipo),
                     sf(0xD3A288, mcc), sf(0xD3A788, mmc), sf(0xD3B1AF, pgp), sf(0xD3EEBB, gad)])
    text = "\n".join(dump.dump_lines(data))
    assert "type X'11' (Code 128), modifier X'02', font local id 255" in text
    assert "flags X'00', position X 100, Y 200" in text and "data (6 bytes): 'ABC123'" in text
    assert "name: 'IMG1    ', type image (IOCA)" in text and "object area offset: X 1440, Y -720" in text
    assert "rotation: X 0 degrees, Y 90 degrees" in text
    assert "name: 'OVL1    '" in text and "offset: X 10, Y 20" in text and "rotation 180 degrees" in text
    assert "copies 1-1: medium modification control 1" in text
    assert "keyword X'F4' = X'02' (duplex: normal duplex)" in text
    assert "offset X 0, Y 0, rotation 0 degrees, side back, flags X'00'" in text
    assert "X'21' GSCP Set Current Position" in text and "X'0A' GSCOL Set Color: 02" in text
    assert "X'C1' GLINE Line" in text


def test_overlay_text_is_part_of_the_pages_that_include_it():
    BMO, EMO, IPO = 0xD3A8DF, 0xD3A9DF, 0xD3AFD8
    letterhead = chain((AMB, s16(200)), (AMI, s16(100)), (SCFL, b"\x01"), (TRN, "ACME Ltd".encode("utf-16-be")))
    overlay = (sf(BMO, name8("O1")) + sf(BAG, name8("A")) + utf16_mdr() + sf(EAG, name8("A"))
               + sf(BPT, name8("T")) + sf(PTX, letterhead) + sf(EPT, name8("T")) + sf(EMO, name8("O1")))
    include = sf(IPO, name8("O1") + (0).to_bytes(3, "big") + (0).to_bytes(3, "big") + b"\x00\x00")
    data = overlay + document(page("P1", [utf16_mdr()], [chain((AMB, s16(1000)), (SCFL, b"\x01"),
                                                               (TRN, "Body".encode("utf-16-be")))],
                                   extra=include))
    assert dump.page_texts(data) == ["Body\nACME Ltd"]


def test_segmented_ptx_is_joined_before_decoding():
    text = chain((AMB, s16(1000)), (SCFL, b"\x01"), (TRN, "split across segments".encode("utf-16-be")))
    cut = 9          # inside the TRN
    data = document(page("P1", [utf16_mdr()], []).replace(
        sf(EPT, name8("PT1")), sf(PTX, text[:cut], flags=0x20) + sf(PTX, text[cut:]) + sf(EPT, name8("PT1"))))
    lines = list(dump.dump_lines(data))
    assert any("[segmented]" in line for line in lines)
    assert dump.page_texts(data) == ["split across segments"]


def test_text_and_summary_options(tmp_path):
    tag = sf(TLE, fqn(0x0B, "ACCOUNT") + triplet(0x36, b"\x00\x00" + "12345".encode("cp500")))
    data = sf(BDT, name8("DOC1") + b"\x00\x00") + sf(BNG, name8("GROUP1")) + tag + utf16_page() + \
        sf(ENG, name8("GROUP1")) + sf(EDT, name8("DOC1"))
    code, lines = run_dump(data, "--text", tmp_path=tmp_path)
    assert code == 0 and lines == ["--- page 1 ---", "Hello wörld"]
    code, lines = run_dump(data, "--summary", tmp_path=tmp_path)
    assert code == 0
    assert "documents: 1, pages: 1, page groups: 1" in lines
    assert "page group 'GROUP1  ': 1 pages; ACCOUNT=12345" in lines
    assert "  PTX 1" in lines


def test_tle_names_and_values_in_utf16_when_a_ccsid_says_so():
    ccsid = triplet(0x01, b"\x00\x00\x04\xb0")
    tag = sf(TLE, fqn(0x0B, "Name", "utf-16-be") + triplet(0x36, b"\x00\x00" + "Ωmega Ünal".encode("utf-16-be"))
             + ccsid)
    data = sf(BNG, name8("G1")) + tag + sf(ENG, name8("G1"))
    assert "page group 'G1      ': 0 pages; Name=Ωmega Ünal" in list(dump.summary_lines(data))
    text = "\n".join(dump.dump_lines(data))
    assert "X'36' Attribute Value (len 24): 'Ωmega Ünal'" in text
    assert "attribute GID (X'0B'): 'Name'" in text


# ---- damage ----------------------------------------------------------------------------

def test_truncated_file_prints_what_it_can_then_an_error(tmp_path):
    data = document(utf16_page())
    cut = len(data) - 5
    code, lines = run_dump(data[:cut], tmp_path=tmp_path)
    assert code == 1
    assert any("TRN Transparent Data: 'wörld'" in line for line in lines)
    last_field = list(dump.iter_fields(data))[-1]
    assert lines[-1].startswith(f"error: damaged at offset {last_field.offset} (X'{last_field.offset:08X}')")
    assert "truncated" in lines[-1]
    with pytest.raises(dump.AfpFormatError):
        list(dump.iter_fields(data[:cut]))
    assert dump.page_texts(data[:cut]) == ["Hello wörld"]


def test_record_descriptor_words_and_zero_fill_are_skipped():
    data = document(utf16_page())
    with_rdws = b"".join((f.length + 5).to_bytes(2, "big") + b"\x00\x00" + data[f.offset:f.offset + 1 + f.length]
                         for f in dump.iter_fields(data))
    assert dump.page_texts(with_rdws + bytes(100)) == ["Hello wörld"]
    assert [f.code for f in dump.iter_fields(with_rdws)] == [f.code for f in dump.iter_fields(data)]


def test_bad_length_and_garbage_give_an_error_line(tmp_path):
    bad = sf(BDT, name8("DOC1")) + b"\x5a\x00\x03\xd3\xa8\xaf\x00\x00\x00"
    code, lines = run_dump(bad, tmp_path=tmp_path)
    assert code == 1 and "bad structured field length 3" in lines[-1]
    code, lines = run_dump(sf(BDT, name8("DOC1")) + b"garbage!", tmp_path=tmp_path)
    assert code == 1 and "expected X'5A'" in lines[-1] and lines[-1].startswith("error: damaged at offset 17")
    code, lines = run_dump(b"", "--text", tmp_path=tmp_path)
    assert code == 0 and lines == []


def test_bad_control_sequence_is_reported_not_raised(tmp_path):
    data = document(page("P1", [], [b"\x2b\xd3\x09\xda\x01"]))
    code, lines = run_dump(data, tmp_path=tmp_path)
    assert code == 1
    assert any("error: at +2 of the data: bad PTOCA control sequence length" in line for line in lines)


def test_nop_and_unknown_fields_show_hex():
    lines = list(dump.dump_lines(sf(NOP, "note".encode("cp500")) + sf(0xD3FFFF, bytes(range(40)))))
    assert "    4 bytes: 95 96 A3 85, text 'note'" in lines
    assert any("Unknown structured field X'D3FFFF'" in line for line in lines)
    assert any(line.startswith("    40 bytes: 00 01 02") and line.endswith("...") for line in lines)


# ---- real AFP from Apache FOP ----------------------------------------------------------

FO = """<?xml version="1.0" encoding="UTF-8"?>
<fo:root xmlns:fo="http://www.w3.org/1999/XSL/Format">
  <fo:layout-master-set>
    <fo:simple-page-master master-name="A4" page-height="29.7cm" page-width="21cm" margin="2cm">
      <fo:region-body/>
    </fo:simple-page-master>
  </fo:layout-master-set>
  <fo:page-sequence master-reference="A4">
    <fo:flow flow-name="xsl-region-body">
      <fo:block>Dear customer, your invoice</fo:block>
      <fo:block>Amount due 42.00</fo:block>
      <fo:block break-before="page">Second page text</fo:block>
    </fo:flow>
  </fo:page-sequence>
</fo:root>
"""


@pytest.mark.skipif(shutil.which("fop") is None, reason="Apache FOP (fop) is not installed")
def test_dump_of_afp_written_by_fop(tmp_path):
    (tmp_path / "in.fo").write_text(FO, encoding="utf-8")
    out = tmp_path / "out.afp"
    subprocess.run(["fop", "-fo", str(tmp_path / "in.fo"), "-afp", str(out)], check=True,
                   capture_output=True, timeout=120)
    data = out.read_bytes()
    texts = dump.page_texts(data)
    assert len(texts) == 2
    assert "Dear customer, your invoice" in texts[0] and "Amount due 42.00" in texts[0]
    assert texts[0].index("Dear") < texts[0].index("Amount")
    assert "Second page text" in texts[1]
    result = CliRunner().invoke(afp, ["dump", str(out)])
    assert result.exit_code == 0, result.output
    assert "MCF Map Coded Font" in result.output and "PTX Presentation Text Data" in result.output
    assert "TRN Transparent Data" in result.output
    result = CliRunner().invoke(afp, ["dump", "--text", str(out)])
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "--- page 1 ---"


# ---- AFP pressrun writes ------------------------------------------------------------------

def test_page_texts_of_pressrun_afp_match_the_pdf_words(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    from pathlib import Path

    import pressrun.demo as demo_package
    from pressrun.afp.options import AfpOptions
    from pressrun.demo import make_statements, write_demo_assets
    from pressrun.job import compose

    write_demo_assets(tmp_path)
    rules = Path(demo_package.__file__).parent / "statement_rules.yaml"
    compose(make_statements(3, seed=5), tmp_path / "statement.yaml", tmp_path / "s.pdf", format="both",
            key_fields=("customer_id",), rules=rules, afp=AfpOptions(index={"Account": "account_number"}))
    data = (tmp_path / "s.afp").read_bytes()
    damage: list = []
    assert not any(line.startswith("error") for line in dump.dump_lines(data, damage=damage)) and not damage
    texts = dump.page_texts(data)
    pdf_pages = pypdf.PdfReader(tmp_path / "s.pdf").pages
    assert len(texts) == len(pdf_pages) >= 3
    for text, pdf_page in zip(texts, pdf_pages):
        assert text.split() == pdf_page.extract_text().split()
    summary = list(dump.summary_lines(data))
    assert any(line.startswith("page group") and "Account=" in line for line in summary)
