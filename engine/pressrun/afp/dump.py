"""Decode any AFP (MO:DCA) print stream, for people debugging print streams.

What is decoded:

* structured fields (X'5A' introducer; MVS record-descriptor words are
  skipped): offset, length, the 3-letter code and full name, the flags
  (segmented, extension, padding); segmented fields are joined before their
  content is decoded;
* begin/end names (8-byte EBCDIC) and every triplet: FQN (X'02'), CGCSGID
  (X'01'), object classification (X'10', the registered OID in dotted form),
  interchange set (X'18'), resource local id (X'24'), measurement units
  (X'4B'), object area size (X'4C'), encoding scheme (X'50'), dates (X'62',
  X'72'), comments (X'65'), attribute value/qualifier (X'36', X'80'), font
  resolution (X'84'), data-object font descriptor (X'8B') and more; unknown
  triplets as hex;
* descriptors and maps: PGD, PTD, OBD, OBP, IDD (with its IOCA self-defining
  fields), GDD, BDD, MCC, MMC, PGP, MDD, IMM, IPO, IPS, IOB, TLE, MCF (both
  formats), MDR and the other map fields, whose repeating groups hold triplets;
* PTX: every PTOCA control sequence (unchained X'2BD3' and chained) with its
  parameters; TRN, free-standing code points and UCT text are decoded with the
  font in effect (SCFL's local id, mapped per page or overlay by an MCF or MDR
  with X'24', or with a one-byte FQN X'BE' as Apache FOP and pressrun write):
  UTF-16BE (or UTF-8) for fonts an MDR maps with an encoding scheme (X'50') of
  Unicode or a data-object font (X'8B'), otherwise EBCDIC in the code page the
  MCF names (T1V10500 -> cp500, T1V10037 -> cp037; cp500 the default);
* names and values in UTF-16BE where a X'01' of CCSID 1200 says so (TLE);
* GAD: the GOCA drawing orders by name; BDA: flags, position and data;
  OCD/IPD/NOP/unknown: a byte count and the first bytes in hex.

Page text (page_texts, `--text`): the runs of text of each page (BPG ... EPG)
in stream order, with the text of the overlays (IPO) and page segments (IPS)
it includes at the point of the include (when they came earlier in the
stream); a new line whenever the baseline changes; a space between two runs on
one baseline when they were positioned apart: an RMI of at least 0.15 em, or
an AMI to at least 0.15 em past where the previous run ends. Where a run
ends is exact when the font is a TrueType/OpenType font embedded in the
stream's resource group (BRS/BOC/OCD, widths from its hmtx and cmap) and
mapped with a size (X'8B'); otherwise it is estimated (half an em a character),
and an AMI forward to about that estimate or beyond counts as a word gap.

The Python API: iter_fields(data) yields Field; iter_triplets and
iter_control_sequences split contents; dump_lines(data) yields the lines of the
dump; page_texts(data) returns the text of each page; text_lines and
summary_lines give the `--text` and `--summary` output. iter_fields raises
AfpFormatError (with the offset) after everything readable was yielded; the
others end with an 'error: ...' line instead and, given a list, append the
error to it.
"""
from __future__ import annotations

import codecs
import dataclasses
import datetime
import struct
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterator

__all__ = [
    "AfpFormatError", "Field", "iter_fields", "iter_triplets", "iter_control_sequences",
    "dump_lines", "text_lines", "page_texts", "summary_lines",
]


class AfpFormatError(ValueError):
    """The stream is damaged at `offset` (bad length, truncated, no X'5A')."""

    def __init__(self, offset: int, message: str) -> None:
        super().__init__(f"offset {offset} (X'{offset:08X}'): {message}")
        self.offset = offset
        self.message = message


# ---- tables ------------------------------------------------------------------

SF_NAMES: dict[int, tuple[str, str]] = {
    0xD3A8C9: ("BAG", "Begin Active Environment Group"), 0xD3A9C9: ("EAG", "End Active Environment Group"),
    0xD3A8EB: ("BBC", "Begin Bar Code Object"), 0xD3A9EB: ("EBC", "End Bar Code Object"),
    0xD3A877: ("BCA", "Begin Color Attribute Table"), 0xD3A977: ("ECA", "End Color Attribute Table"),
    0xD3A88A: ("BCF", "Begin Coded Font"), 0xD3A98A: ("ECF", "End Coded Font"),
    0xD3A887: ("BCP", "Begin Code Page"), 0xD3A987: ("ECP", "End Code Page"),
    0xD3A8C4: ("BDG", "Begin Document Environment Group"), 0xD3A9C4: ("EDG", "End Document Environment Group"),
    0xD3A8A7: ("BDI", "Begin Document Index"), 0xD3A9A7: ("EDI", "End Document Index"),
    0xD3A8CA: ("BDM", "Begin Data Map"), 0xD3A9CA: ("EDM", "End Data Map"),
    0xD3A8A8: ("BDT", "Begin Document"), 0xD3A9A8: ("EDT", "End Document"),
    0xD3A8E3: ("BDX", "Begin Data Map Transmission Subcase"), 0xD3A9E3: ("EDX", "End Data Map Transmission Subcase"),
    0xD3A8C5: ("BFG", "Begin Form Environment Group"), 0xD3A9C5: ("EFG", "End Form Environment Group"),
    0xD3A8CD: ("BFM", "Begin Form Map"), 0xD3A9CD: ("EFM", "End Form Map"),
    0xD3A889: ("BFN", "Begin Font"), 0xD3A989: ("EFN", "End Font"),
    0xD3A8BB: ("BGR", "Begin Graphics Object"), 0xD3A9BB: ("EGR", "End Graphics Object"),
    0xD3A87B: ("BII", "Begin IM Image Object"), 0xD3A97B: ("EII", "End IM Image Object"),
    0xD3A8FB: ("BIM", "Begin Image Object"), 0xD3A9FB: ("EIM", "End Image Object"),
    0xD3A8CC: ("BMM", "Begin Medium Map"), 0xD3A9CC: ("EMM", "End Medium Map"),
    0xD3A8DF: ("BMO", "Begin Overlay"), 0xD3A9DF: ("EMO", "End Overlay"),
    0xD3A8AD: ("BNG", "Begin Named Page Group"), 0xD3A9AD: ("ENG", "End Named Page Group"),
    0xD3A892: ("BOC", "Begin Object Container"), 0xD3A992: ("EOC", "End Object Container"),
    0xD3A8C7: ("BOG", "Begin Object Environment Group"), 0xD3A9C7: ("EOG", "End Object Environment Group"),
    0xD3A8A5: ("BPF", "Begin Print File"), 0xD3A9A5: ("EPF", "End Print File"),
    0xD3A8AF: ("BPG", "Begin Page"), 0xD3A9AF: ("EPG", "End Page"),
    0xD3A8CB: ("BPM", "Begin Page Map"), 0xD3A9CB: ("EPM", "End Page Map"),
    0xD3A85F: ("BPS", "Begin Page Segment"), 0xD3A95F: ("EPS", "End Page Segment"),
    0xD3A89B: ("BPT", "Begin Presentation Text Object"), 0xD3A99B: ("EPT", "End Presentation Text Object"),
    0xD3A8CE: ("BRS", "Begin Resource"), 0xD3A9CE: ("ERS", "End Resource"),
    0xD3A8C6: ("BRG", "Begin Resource Group"), 0xD3A9C6: ("ERG", "End Resource Group"),
    0xD3A8D9: ("BSG", "Begin Resource Environment Group"), 0xD3A9D9: ("ESG", "End Resource Environment Group"),
    0xD3B077: ("CAT", "Color Attribute Table"), 0xD3A7CA: ("CCP", "Conditional Processing Control"),
    0xD3A692: ("CDD", "Container Data Descriptor"), 0xD3A79B: ("CTC", "Composed Text Control"),
    0xD3A6E3: ("DXD", "Data Map Transmission Subcase Descriptor"),
    0xD3AAEC: ("FDS", "Fixed Data Size"), 0xD3EEEC: ("FDX", "Fixed Data Text"),
    0xD3A6C5: ("FGD", "Form Environment Group Descriptor"),
    0xD3EEBB: ("GAD", "Graphics Data"), 0xD3A6BB: ("GDD", "Graphics Data Descriptor"),
    0xD3EEEB: ("BDA", "Bar Code Data"), 0xD3A6EB: ("BDD", "Bar Code Data Descriptor"),
    0xD3AC7B: ("ICP", "Image Cell Position"), 0xD3A6FB: ("IDD", "Image Data Descriptor"),
    0xD3ABCA: ("IDM", "Invoke Data Map"), 0xD3B2A7: ("IEL", "Index Element"),
    0xD3A67B: ("IID", "Image Input Descriptor"), 0xD3ABCC: ("IMM", "Invoke Medium Map"),
    0xD3AFC3: ("IOB", "Include Object"), 0xD3A77B: ("IOC", "Image Output Control"),
    0xD3EEFB: ("IPD", "Image Picture Data"), 0xD3AFAF: ("IPG", "Include Page"),
    0xD3AFD8: ("IPO", "Include Page Overlay"), 0xD3AF5F: ("IPS", "Include Page Segment"),
    0xD3EE7B: ("IRD", "Image Raster Data"), 0xD3B490: ("LLE", "Link Logical Element"),
    0xD3AAE7: ("LNC", "Line Descriptor Count"), 0xD3A6E7: ("LND", "Line Descriptor"),
    0xD3ABEB: ("MBC", "Map Bar Code Object"), 0xD3AB77: ("MCA", "Map Color Attribute Table"),
    0xD3A288: ("MCC", "Medium Copy Count"), 0xD3AB92: ("MCD", "Map Container Data"),
    0xD3B18A: ("MCF", "Map Coded Font (format 1)"), 0xD3AB8A: ("MCF", "Map Coded Font"),
    0xD3A688: ("MDD", "Medium Descriptor"), 0xD3ABC3: ("MDR", "Map Data Resource"),
    0xD3A088: ("MFC", "Medium Finishing Control"), 0xD3ABBB: ("MGO", "Map Graphics Object"),
    0xD3ABFB: ("MIO", "Map Image Object"), 0xD3A788: ("MMC", "Medium Modification Control"),
    0xD3ABCD: ("MMD", "Map Media Destination"), 0xD3B1DF: ("MMO", "Map Medium Overlay"),
    0xD3AB88: ("MMT", "Map Media Type"), 0xD3ABAF: ("MPG", "Map Page"),
    0xD3ABD8: ("MPO", "Map Page Overlay"), 0xD3B15F: ("MPS", "Map Page Segment"),
    0xD3ABEA: ("MSU", "Map Suppression"), 0xD3EEEE: ("NOP", "No Operation"),
    0xD3A66B: ("OBD", "Object Area Descriptor"), 0xD3AC6B: ("OBP", "Object Area Position"),
    0xD3EE92: ("OCD", "Object Container Data"), 0xD3A7A8: ("PEC", "Presentation Environment Control"),
    0xD3B288: ("PFC", "Presentation Fidelity Control"), 0xD3A6AF: ("PGD", "Page Descriptor"),
    0xD3ACAF: ("PGP", "Page Position (format 1)"), 0xD3B1AF: ("PGP", "Page Position"),
    0xD3A7AF: ("PMC", "Page Modification Control"), 0xD3ADC3: ("PPO", "Preprocess Presentation Object"),
    0xD3A69B: ("PTD", "Presentation Text Descriptor (format 1)"),
    0xD3B19B: ("PTD", "Presentation Text Data Descriptor"), 0xD3EE9B: ("PTX", "Presentation Text Data"),
    0xD3A68D: ("RCD", "Record Descriptor"), 0xD3A090: ("TLE", "Tag Logical Element"),
    0xD3A68E: ("XMD", "XML Descriptor"),
    0xD3A78A: ("CFC", "Coded Font Control"), 0xD38C8A: ("CFI", "Coded Font Index"),
    0xD3A787: ("CPC", "Code Page Control"), 0xD3A687: ("CPD", "Code Page Descriptor"),
    0xD38C87: ("CPI", "Code Page Index"), 0xD3A789: ("FNC", "Font Control"),
    0xD3A689: ("FND", "Font Descriptor"), 0xD3EE89: ("FNG", "Font Patterns"),
    0xD38C89: ("FNI", "Font Index"), 0xD3A289: ("FNM", "Font Patterns Map"),
    0xD3AB89: ("FNN", "Font Names"), 0xD3AE89: ("FNO", "Font Orientation"),
    0xD3AC89: ("FNP", "Font Position"),
}

TRIPLET_NAMES: dict[int, str] = {
    0x01: "Coded Graphic Character Set Global ID", 0x02: "Fully Qualified Name", 0x04: "Mapping Option",
    0x10: "Object Classification", 0x18: "MO:DCA Interchange Set", 0x1D: "Text Orientation",
    0x1F: "Font Descriptor Specification", 0x20: "Font Coded Graphic Character Set Global ID",
    0x21: "Resource Object Type", 0x22: "Extended Resource Local ID", 0x24: "Resource Local ID",
    0x25: "Resource Section Number", 0x26: "Character Rotation", 0x27: "Line Data Object Position Migration",
    0x2D: "Object Byte Offset", 0x36: "Attribute Value", 0x43: "Descriptor Position",
    0x45: "Media Eject Control", 0x46: "Page Overlay Conditional Processing", 0x47: "Resource Usage Attribute",
    0x4B: "Measurement Units", 0x4C: "Object Area Size", 0x4D: "Area Definition", 0x4E: "Color Specification",
    0x50: "Encoding Scheme ID", 0x56: "Medium Map Page Number", 0x57: "Object Byte Extent",
    0x58: "Object Structured Field Offset", 0x59: "Object Structured Field Extent", 0x5A: "Object Offset",
    0x5D: "Font Horizontal Scale Factor", 0x5E: "Object Count", 0x62: "Local Date and Time Stamp",
    0x63: "CRC Resource Management", 0x64: "Object Origin Identifier", 0x65: "Comment",
    0x68: "Medium Orientation", 0x6C: "Resource Object Include", 0x6D: "Extension Font",
    0x70: "Presentation Space Reset Mixing", 0x71: "Presentation Space Mixing Rules",
    0x72: "Universal Date and Time Stamp", 0x74: "Toner Saver", 0x75: "Color Fidelity", 0x78: "Font Fidelity",
    0x79: "Metric Adjustment", 0x80: "Attribute Qualifier", 0x81: "Page Position Information",
    0x82: "Parameter Value", 0x83: "Presentation Control", 0x84: "Font Resolution and Metric Technology",
    0x85: "Finishing Operation", 0x86: "Text Fidelity", 0x87: "Media Fidelity", 0x88: "Finishing Fidelity",
    0x8B: "Data-Object Font Descriptor", 0x8C: "Locale Selector", 0x8E: "UP3i Finishing Operation",
    0x91: "Color Management Resource Descriptor", 0x92: "Invoke CMR", 0x95: "Rendering Intent",
    0x96: "CMR Tag Fidelity", 0x97: "Device Appearance", 0x9A: "Image Resolution",
    0x9C: "Object Container Presentation Space Size",
}

# PTOCA control sequences by their unchained (even) function type.
CS_NAMES: dict[int, tuple[str, str]] = {
    0x6A: ("UCT", "Unicode Complex Text"), 0x6C: ("GLC", "Glyph Layout Control"),
    0x72: ("OVS", "Overstrike"), 0x74: ("STC", "Set Text Color"), 0x76: ("USC", "Underscore"),
    0x78: ("TBM", "Temporary Baseline Move"), 0x80: ("SEC", "Set Extended Text Color"),
    0x8A: ("GIR", "Glyph ID Run"), 0x8C: ("GAR", "Glyph Advance Run"), 0x8E: ("GOR", "Glyph Offset Run"),
    0xC0: ("SIM", "Set Inline Margin"), 0xC2: ("SIA", "Set Intercharacter Adjustment"),
    0xC4: ("SVI", "Set Variable Space Character Increment"), 0xC6: ("AMI", "Absolute Move Inline"),
    0xC8: ("RMI", "Relative Move Inline"), 0xD0: ("SBI", "Set Baseline Increment"),
    0xD2: ("AMB", "Absolute Move Baseline"), 0xD4: ("RMB", "Relative Move Baseline"),
    0xD8: ("BLN", "Begin Line"), 0xDA: ("TRN", "Transparent Data"), 0xE4: ("DIR", "Draw I-axis Rule"),
    0xE6: ("DBR", "Draw B-axis Rule"), 0xEE: ("RPS", "Repeat String"), 0xF0: ("SCFL", "Set Coded Font Local"),
    0xF2: ("BSU", "Begin Suppression"), 0xF4: ("ESU", "End Suppression"), 0xF6: ("STO", "Set Text Orientation"),
    0xF8: ("NOP", "No Operation"),
}

GOCA_ORDERS: dict[int, str] = {
    0x00: "GNOP1 No-Operation", 0x01: "GCOMT Comment", 0x04: "GSGCH Segment Characteristics",
    0x08: "GSPS Set Pattern Set", 0x0A: "GSCOL Set Color", 0x0C: "GSMX Set Mix", 0x0D: "GSBMX Set Background Mix",
    0x11: "GSFLW Set Fractional Line Width", 0x18: "GSLT Set Line Type", 0x19: "GSLW Set Line Width",
    0x1A: "GSLE Set Line End", 0x1B: "GSLJ Set Line Join", 0x21: "GSCP Set Current Position",
    0x22: "GSAP Set Arc Parameters", 0x26: "GSECOL Set Extended Color", 0x28: "GSPT Set Pattern Symbol",
    0x29: "GSMT Set Marker Symbol", 0x33: "GSCC Set Character Cell", 0x34: "GSCA Set Character Angle",
    0x35: "GSCH Set Character Shear", 0x37: "GSMC Set Marker Cell", 0x38: "GSCS Set Character Set",
    0x39: "GSCR Set Character Precision", 0x3A: "GSCD Set Character Direction", 0x3B: "GSMP Set Marker Precision",
    0x3C: "GSMS Set Marker Set", 0x3E: "GEPROL End Prolog", 0x60: "GEAR End Area", 0x68: "GBAR Begin Area",
    0x70: "Begin Segment", 0x71: "End Segment", 0x80: "GCBOX Box at Current Position",
    0x81: "GCLINE Line at Current Position", 0x82: "GCMRK Marker at Current Position",
    0x83: "GCCHST Character String at Current Position", 0x85: "GCFLT Fillet at Current Position",
    0x87: "GCFARC Full Arc at Current Position", 0x91: "GCBIMG Begin Image at Current Position",
    0x92: "GIMD Image Data", 0x93: "GEIMG End Image", 0xA1: "GCRLINE Relative Line at Current Position",
    0xA3: "GCPARC Partial Arc at Current Position", 0xA5: "GCCBEZ Cubic Bezier at Current Position",
    0xB2: "GSPCOL Set Process Color", 0xC0: "GBOX Box", 0xC1: "GLINE Line", 0xC2: "GMRK Marker",
    0xC3: "GCHST Character String", 0xC5: "GFLT Fillet", 0xC7: "GFARC Full Arc", 0xD1: "GBIMG Begin Image",
    0xE1: "GRLINE Relative Line", 0xE3: "GPARC Partial Arc", 0xE5: "GCBEZ Cubic Bezier",
}

IOCA_SDFS: dict[int, str] = {
    0x70: "Begin Segment", 0x71: "End Segment", 0x8C: "Begin Tile", 0x8D: "End Tile",
    0x8E: "Begin Transparency Mask", 0x8F: "End Transparency Mask", 0x91: "Begin Image Content",
    0x93: "End Image Content", 0x94: "Image Size", 0x95: "Image Encoding", 0x96: "IDE Size",
    0x97: "Image LUT-ID", 0x98: "Band Image", 0x9B: "IDE Structure", 0x9F: "External Algorithm",
    0xB5: "Tile Position", 0xB6: "Tile Size", 0xB7: "Tile Set Color", 0xF6: "Set Bilevel Image Color",
    0xF7: "IOCA Function Set Identification", 0xFE92: "Image Data", 0xFE9C: "Band Image Data",
    0xFEB8: "Include Tile", 0xFEBB: "Tile TOC", 0xFECE: "Image Subsampling",
}

FQN_TYPES: dict[int, str] = {
    0x01: "replace first GID name", 0x07: "font family name", 0x08: "font typeface name",
    0x09: "MO:DCA resource hierarchy reference", 0x0A: "begin resource group reference",
    0x0B: "attribute GID", 0x0C: "process element GID", 0x0D: "begin page group reference",
    0x11: "media type reference", 0x41: "color management resource reference",
    0x6E: "data-object font base font id", 0x7E: "data-object font linked font id",
    0x83: "begin document reference", 0x84: "begin resource object reference",
    0x85: "code page name reference", 0x86: "font character set name reference",
    0x87: "begin page reference", 0x8D: "begin medium map reference", 0x8E: "coded font name reference",
    0x98: "begin document index reference", 0xB0: "begin overlay reference",
    0xBE: "data object internal resource reference", 0xCA: "index element GID",
    0xCE: "other object data reference", 0xDE: "data object external resource reference",
}

OBJECT_CLASSES = {0x01: "time-invariant paginated presentation object", 0x10: "time-variant presentation object",
                  0x20: "executable program", 0x30: "setup file", 0x40: "secondary resource",
                  0x41: "data-object font"}

# Registered object ids 1.3.18.0.4.1.1.N by their last arc.
OBJECT_OIDS = {5: "IOCA FS10", 17: "IOCA FS11", 18: "IOCA FS45", 13: "Encapsulated PostScript", 14: "TIFF",
               22: "GIF", 23: "JFIF (JPEG)", 25: "PDF single-page object", 34: "PCL page object",
               51: "TrueType/OpenType font", 53: "TrueType/OpenType font collection"}

RESOURCE_TYPES = {0x00: "usage dependent", 0x02: "page overlay", 0x05: "coded font", 0x07: "color attribute table"}
ROTATIONS = {0x0000: 0, 0x2D00: 90, 0x5A00: 180, 0x8700: 270}
UNIT_BASES = {0x00: "10 inches", 0x01: "10 centimeters", 0x02: "logical"}
COLOR_SPACES = {0x01: "RGB", 0x04: "CMYK", 0x06: "highlight", 0x08: "CIELAB", 0x40: "standard OCA"}
OCA_COLORS = {0x0000: "default", 0xFF07: "default", 0xFF08: "default", 0x0001: "blue", 0x0002: "red",
              0x0003: "magenta", 0x0004: "green", 0x0005: "cyan", 0x0006: "yellow", 0x0007: "white",
              0x0008: "black", 0x0009: "dark blue", 0x000A: "orange", 0x000B: "purple", 0x000C: "dark green",
              0x000D: "turquoise", 0x000E: "mustard", 0x000F: "gray", 0x0010: "brown"}
ENCODING_SCHEMES = {0x0000: "none", 0x2100: "PC data SBCS (ASCII)", 0x6100: "EBCDIC presentation SBCS",
                    0x6200: "EBCDIC presentation DBCS", 0x7200: "UTF-16BE", 0x7807: "UTF-8",
                    0x8200: "Unicode presentation (UTF-16BE)"}
INCLUDE_OBJECT_TYPES = {0x5F: "page segment", 0x92: "other object data", 0xBB: "graphics (GOCA)",
                        0xEB: "bar code (BCOCA)", 0xFB: "image (IOCA)"}
BARCODE_TYPES = {0x01: "Code 39", 0x03: "UPC-A", 0x08: "EAN-8", 0x09: "EAN-13", 0x0C: "Interleaved 2 of 5",
                 0x0D: "Codabar", 0x11: "Code 128", 0x18: "POSTNET", 0x1C: "Data Matrix", 0x1D: "MaxiCode",
                 0x1E: "PDF417", 0x1F: "Australia Post 4-state", 0x20: "QR Code",
                 0x22: "USPS Intelligent Mail"}
MEDIUM_ORIENTATIONS = {0: "portrait", 1: "landscape", 2: "reverse portrait", 3: "reverse landscape",
                       4: "portrait 90", 5: "landscape 90"}
MAPPING_OPTIONS = {0x00: "position", 0x10: "position and trim", 0x20: "scale to fit", 0x30: "center and trim",
                   0x60: "scale to fill"}

MMC_KEYWORDS = {0x90: "media destination (high)", 0x91: "media destination (low)", 0xE0: "media source (high)",
                0xE1: "media source", 0xE8: "media type local id", 0xF1: "forms flash",
                0xF2: "medium overlay local id", 0xF3: "text suppression local id", 0xF4: "duplex",
                0xF8: "print quality", 0xF9: "constant forms", 0xFC: "N-up"}
MMC_DUPLEX = {0x00: "simplex", 0x01: "simplex", 0x02: "normal duplex", 0x03: "tumble duplex"}

HEX_PREVIEW_BYTES = 32


# ---- numbers and strings -------------------------------------------------------------

def _u(b, start: int, size: int) -> int:
    return int.from_bytes(b[start:start + size], "big")


def _s(b, start: int, size: int) -> int:
    return int.from_bytes(b[start:start + size], "big", signed=True)


def _hex(b, limit: int = HEX_PREVIEW_BYTES) -> str:
    shown = bytes(b[:limit]).hex(" ").upper()
    return shown + (" ..." if len(b) > limit else "")


def _ebcdic(b) -> str:
    return bytes(b).decode("cp500", errors="replace")


def _name(b) -> str:
    """A name or label: EBCDIC, or UTF-16BE when it looks like it."""
    raw = bytes(b)
    if len(raw) >= 2 and len(raw) % 2 == 0 and raw[0] == 0 and raw[1] != 0:
        return raw.decode("utf-16-be", errors="replace")
    return _ebcdic(raw).rstrip()


def _oid(b) -> str:
    """A DER object identifier (X'06' length content) in dotted form."""
    raw = bytes(b)
    if len(raw) >= 2 and raw[0] == 0x06:
        raw = raw[2:2 + raw[1]]
    if not raw:
        return ""
    arcs = [raw[0] // 40, raw[0] % 40]
    value = 0
    for byte in raw[1:]:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    return ".".join(str(a) for a in arcs)


def _oid_name(dotted: str) -> str:
    prefix = "1.3.18.0.4.1.1."
    if dotted.startswith(prefix) and dotted[len(prefix):].isdigit():
        return OBJECT_OIDS.get(int(dotted[len(prefix):]), "")
    return ""


def _codec_for_cpgid(cpgid: int) -> str | None:
    special = {1200: "utf-16-be", 13488: "utf-16-be", 1208: "utf-8", 819: "latin-1", 367: "ascii"}
    name = special.get(cpgid) or f"cp{cpgid:03d}"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _codec_for_code_page_name(name: str) -> str | None:
    """T1V10500 -> cp500, T1V10037 -> cp037, T1001140 -> cp1140."""
    digits = name.strip()[-4:].lstrip("V").lstrip("0") if name.strip().startswith("T1") else ""
    return _codec_for_cpgid(int(digits)) if digits.isdigit() else None


# ---- structured fields ---------------------------------------------------------------

@dataclass(frozen=True)
class Field:
    """One structured field: `data` is what follows the introducer (and its
    extension), without padding."""

    offset: int
    length: int
    sf_id: int
    flags: int
    data: memoryview
    extension: bytes = b""

    @property
    def code(self) -> str:
        return SF_NAMES.get(self.sf_id, ("???", ""))[0]

    @property
    def full_name(self) -> str:
        return SF_NAMES.get(self.sf_id, ("", f"Unknown structured field X'{self.sf_id:06X}'"))[1]

    @property
    def segmented(self) -> bool:
        return bool(self.flags & 0x20)

    @property
    def has_extension(self) -> bool:
        return bool(self.flags & 0x80)

    @property
    def has_padding(self) -> bool:
        return bool(self.flags & 0x08)


def _as_view(data) -> memoryview:
    view = data if isinstance(data, memoryview) else memoryview(data)
    return view.cast("B") if view.format != "B" or view.ndim != 1 else view


def iter_fields(data, start: int = 0) -> Iterator[Field]:
    """The structured fields of `data` (bytes, bytearray, mmap, memoryview) in
    order; raises AfpFormatError at the first damage, after the good ones."""
    view = _as_view(data)
    end = len(view)
    pos = start
    while pos < end:
        if view[pos] != 0x5A:
            pos = _skip_record_descriptor(view, pos)
            continue
        if pos + 9 > end:
            raise AfpFormatError(pos, f"truncated structured field introducer ({end - pos} bytes left)")
        length = (view[pos + 1] << 8) | view[pos + 2]
        if length < 8:
            raise AfpFormatError(pos, f"bad structured field length {length} (at least 8)")
        if pos + 1 + length > end:
            raise AfpFormatError(pos, f"truncated structured field: length {length}, "
                                      f"{end - pos - 1} bytes left in the file")
        yield _make_field(view, pos, length)
        pos += 1 + length


def _skip_record_descriptor(view: memoryview, pos: int) -> int:
    """Files from MVS may carry a 4-byte record descriptor word before each X'5A'."""
    if pos + 4 < len(view) and view[pos + 4] == 0x5A and view[pos + 2] == 0 and view[pos + 3] == 0:
        return pos + 4
    if view[pos] in (0x0A, 0x0D):                # CR/LF between records (a text-mode transfer)
        return pos + 1
    if view[pos] == 0x00 and not view[pos:].tobytes().strip(b"\x00"):
        return len(view)                         # zero fill at the end (a fixed-block copy)
    raise AfpFormatError(pos, f"expected X'5A' (structured field introducer), found X'{view[pos]:02X}'")


def _make_field(view: memoryview, pos: int, length: int) -> Field:
    sf_id = (view[pos + 3] << 16) | (view[pos + 4] << 8) | view[pos + 5]
    flags = view[pos + 6]
    body = view[pos + 9:pos + 1 + length]
    extension = b""
    if flags & 0x80 and len(body):
        ext_len = min(body[0], len(body))
        extension = bytes(body[1:ext_len])
        body = body[ext_len:]
    if flags & 0x08 and len(body):
        body = body[:len(body) - _padding_bytes(body)]
    return Field(pos, length, sf_id, flags, body, extension)


def _padding_bytes(body: memoryview) -> int:
    count = body[-1]
    if count == 0 and len(body) >= 3:
        count = (body[-3] << 8) | body[-2]
    return min(count, len(body))


# ---- triplets -------------------------------------------------------------------------

def iter_triplets(data) -> Iterator[tuple[int, int, bytes]]:
    """(offset, id, contents) of each triplet; a bad length ends the list
    with id -1 and the rest as contents."""
    raw = bytes(data)
    pos = 0
    while pos < len(raw):
        length = raw[pos]
        if length < 2 or pos + length > len(raw):
            yield pos, -1, raw[pos:]
            return
        yield pos, raw[pos + 1], raw[pos + 2:pos + length]
        pos += length


def _declares_utf16(triplets: list[tuple[int, int, bytes]]) -> bool:
    """Whether a X'01' among the triplets says CCSID 1200 (UTF-16BE names and values)."""
    return any(tid == 0x01 and len(body) >= 4 and body[:2] == b"\x00\x00" and _u(body, 2, 2) in (1200, 13488)
               for _, tid, body in triplets)


def _utf16_text(tid: int, body: bytes) -> str | None:
    """Names and values of triplets whose CCSID is UTF-16BE."""
    if tid == 0x02 and len(body) >= 2 and body[1] == 0x00 and len(body) != 3:
        name = bytes(body[2:]).decode("utf-16-be", "replace")
        return f"{FQN_TYPES.get(body[0], 'type')} (X'{body[0]:02X}'): '{name}'"
    if tid == 0x36 and len(body) >= 2:
        return f"'{bytes(body[2:]).decode('utf-16-be', 'replace')}'"
    if tid == 0x65:
        return f"'{bytes(body).decode('utf-16-be', 'replace')}'"
    return None


def describe_triplet(tid: int, body: bytes, utf16: bool = False) -> str:
    text = _utf16_text(tid, body) if utf16 else None
    if text is not None:
        return text
    decoder = TRIPLET_DECODERS.get(tid)
    if decoder is not None:
        try:
            return decoder(body)
        except (IndexError, ValueError, struct.error):
            pass
    return _hex(body)


def triplet_lines(data, indent: str = "    ") -> list[str]:
    lines = []
    triplets = list(iter_triplets(data))
    utf16 = _declares_utf16(triplets)
    for offset, tid, body in triplets:
        if tid < 0:
            lines.append(f"{indent}bad triplet length at +{offset}: {_hex(body)}")
            break
        name = TRIPLET_NAMES.get(tid, "unknown triplet")
        lines.append(f"{indent}X'{tid:02X}' {name} (len {len(body) + 2}): {describe_triplet(tid, body, utf16)}")
    return lines


def _t_cgcsgid(b: bytes) -> str:
    gcsgid, cpgid = _u(b, 0, 2), _u(b, 2, 2)
    if gcsgid == 0 and len(b) >= 4:
        return f"CCSID {cpgid}"
    return f"GCSGID {gcsgid}, CPGID {cpgid}"


def _t_fqn(b: bytes) -> str:
    fqn_type, fmt = b[0], b[1]
    type_name = FQN_TYPES.get(fqn_type, "type")
    if fmt == 0x10:
        dotted = _oid(b[2:])
        name = _oid_name(dotted)
        return f"{type_name} (X'{fqn_type:02X}'), OID {dotted}" + (f" ({name})" if name else "")
    if fqn_type == 0xBE and len(b) == 3:
        return f"{type_name} (X'BE'): local id {b[2]}"
    text = bytes(b[2:]).decode("ascii", errors="replace") if fmt == 0x20 else _name(b[2:])
    return f"{type_name} (X'{fqn_type:02X}'): '{text}'"


def _t_object_classification(b: bytes) -> str:
    parts = [f"class {OBJECT_CLASSES.get(b[1], 'X%02X' % b[1])}"]
    if len(b) >= 22 and any(b[6:22]):
        dotted = _oid(b[6:22])
        name = _oid_name(dotted)
        parts.append(f"OID {dotted}" + (f" ({name})" if name else ""))
    if len(b) >= 54 and b[22:54].strip(b"\x00\x40"):
        parts.append(f"type name '{_name(b[22:54])}'")
    if len(b) >= 62 and b[54:62].strip(b"\x00\x40"):
        parts.append(f"level '{_name(b[54:62])}'")
    if len(b) >= 94 and b[62:94].strip(b"\x00\x40"):
        parts.append(f"company '{_name(b[62:94])}'")
    return ", ".join(parts)


def _t_interchange_set(b: bytes) -> str:
    names = {0x0900: "IS/1", 0x0C00: "IS/2", 0x0D00: "IS/3"}
    isid = _u(b, 1, 2)
    return f"type X'{b[0]:02X}', {names.get(isid, 'X%04X' % isid)}"


def _t_local_id(b: bytes) -> str:
    return f"{RESOURCE_TYPES.get(b[0], 'type X%02X' % b[0])}, local id {b[1]}"


def _t_ext_local_id(b: bytes) -> str:
    return f"{RESOURCE_TYPES.get(b[0], 'type X%02X' % b[0])}, local id {_u(b, 1, 4)}"


def _t_rotation(b: bytes) -> str:
    value = _u(b, 0, 2)
    return f"{ROTATIONS[value]} degrees" if value in ROTATIONS else f"X'{value:04X}'"


def _t_units(b: bytes) -> str:
    return (f"X {_u(b, 2, 2)} per {UNIT_BASES.get(b[0], '?')}, Y {_u(b, 4, 2)} per "
            f"{UNIT_BASES.get(b[1], '?')}")


def _t_area_size(b: bytes) -> str:
    return f"size type X'{b[0]:02X}', X {_u(b, 1, 3)}, Y {_u(b, 4, 3)}"


def _t_encoding(b: bytes) -> str:
    cp, ud = _u(b, 0, 2), _u(b, 2, 2) if len(b) >= 4 else 0
    return (f"code page X'{cp:04X}' ({ENCODING_SCHEMES.get(cp, '?')}), user data X'{ud:04X}' "
            f"({ENCODING_SCHEMES.get(ud, '?')})")


def _t_local_date(b: bytes) -> str:
    text = _ebcdic(b[1:15])
    century = "20" if text[0] == "0" else "19"
    try:
        year = int(century + text[1:3])
        day = datetime.date(year, 1, 1) + datetime.timedelta(days=int(text[3:6]) - 1)
        stamp = f"{day.isoformat()} {text[6:8]}:{text[8:10]}:{text[10:12]}.{text[12:14]}"
    except ValueError:
        stamp = f"'{text}'"
    kinds = {0x00: "creation", 0x01: "retired", 0x03: "revision"}
    return f"{kinds.get(b[0], 'type X%02X' % b[0])} {stamp}"


def _t_universal_date(b: bytes) -> str:
    stamp = f"{_u(b, 1, 2):04d}-{b[3]:02d}-{b[4]:02d} {b[5]:02d}:{b[6]:02d}:{b[7]:02d}"
    if len(b) >= 11:
        sign = {0x00: "Z", 0x01: "+", 0x02: "-"}.get(b[8], "?")
        stamp += sign if sign == "Z" else f" UTC{sign}{b[9]:02d}:{b[10]:02d}"
    return stamp


def _t_attribute_value(b: bytes) -> str:
    return f"'{_name(b[2:])}'"


def _t_qualifier(b: bytes) -> str:
    return f"sequence {_u(b, 0, 4)}, level {_u(b, 4, 4)}"


def _t_font_resolution(b: bytes) -> str:
    tech = {0x01: "fixed metrics", 0x02: "relative metrics"}.get(b[0], "X%02X" % b[0])
    return f"{tech}, {_u(b, 2, 2)} units per {UNIT_BASES.get(b[1], '?')}"


def _t_data_object_font(b: bytes) -> str:
    tech = {0x20: "TrueType/OpenType"}.get(b[1], "technology X%02X" % b[1])
    text = f"{tech}, vertical size {_u(b, 2, 2)}, horizontal size {_u(b, 4, 2)} (1/1440 in)"
    text += f", rotation {_t_rotation(b[6:8])}"
    if len(b) >= 12:
        text += f", encoding environment {_u(b, 8, 2)} id {_u(b, 10, 2)}"
    return text + f", flags X'{b[0]:02X}'"


def _t_font_descriptor(b: bytes) -> str:
    return (f"weight class {b[0]}, width class {b[1]}, height {_u(b, 2, 2)}, width {_u(b, 4, 2)}, "
            f"flags X'{b[6]:02X}'")


def _t_color(b: bytes) -> str:
    space = COLOR_SPACES.get(b[1], "X%02X" % b[1])
    if b[1] == 0x40 and len(b) >= 12:
        value = _u(b, 10, 2)
        return f"{space} {OCA_COLORS.get(value, 'X%04X' % value)}"
    return f"{space}, bits {tuple(b[6:10])}, value {_hex(b[10:])}"


def _t_object_offset(b: bytes) -> str:
    kinds = {0xAF: "pages", 0xAD: "page groups"}
    value = _u(b, 2, 4) + (_u(b, 6, 4) << 32 if len(b) >= 10 else 0)
    return f"{value} {kinds.get(b[0], 'objects of type X%02X' % b[0])}"


def _t_number(size: int, unit: str = "") -> Callable[[bytes], str]:
    def decode(b: bytes) -> str:
        value = _u(b, 0, size) + ((_u(b, size, size) << 32) if len(b) >= 2 * size and size == 4 else 0)
        return f"{value}{unit}"
    return decode


TRIPLET_DECODERS: dict[int, Callable[[bytes], str]] = {
    0x01: _t_cgcsgid, 0x02: _t_fqn, 0x04: lambda b: MAPPING_OPTIONS.get(b[0], f"X'{b[0]:02X}'"),
    0x10: _t_object_classification, 0x18: _t_interchange_set,
    0x1D: lambda b: f"inline {_t_rotation(b[0:2])}, baseline {_t_rotation(b[2:4])}",
    0x1F: _t_font_descriptor, 0x20: _t_cgcsgid,
    0x21: lambda b: f"object type X'{b[0]:02X}', {_hex(b[1:])}",
    0x22: _t_ext_local_id, 0x24: _t_local_id, 0x25: lambda b: f"section {b[0]}", 0x26: _t_rotation,
    0x2D: _t_number(4, " bytes"), 0x36: _t_attribute_value,
    0x43: lambda b: f"descriptor position {b[0]}", 0x4B: _t_units, 0x4C: _t_area_size, 0x4E: _t_color,
    0x50: _t_encoding, 0x56: _t_number(4), 0x57: _t_number(4, " bytes"), 0x58: _t_number(4),
    0x59: _t_number(4), 0x5A: _t_object_offset, 0x5D: lambda b: f"horizontal scale {_u(b, 0, 2)}",
    0x62: _t_local_date, 0x65: lambda b: f"'{_name(b)}'",
    0x68: lambda b: MEDIUM_ORIENTATIONS.get(b[0], f"X'{b[0]:02X}'"),
    0x72: _t_universal_date, 0x80: _t_qualifier, 0x81: lambda b: f"repeating group {b[0]}",
    0x84: _t_font_resolution, 0x8B: _t_data_object_font,
}


# ---- PTOCA -------------------------------------------------------------------------

_CS_BY_TYPE = {t: CS_NAMES.get(t & 0xFE, ("???", "unknown control sequence")) for t in range(256)}


class ControlSequence:
    """One PTOCA control sequence: its offset in the PTX data (of the X'2BD3'
    prefix when unchained), function type, parameters, and whether the next
    one is chained to it."""

    __slots__ = ("offset", "function_type", "params", "chained", "code", "full_name")

    def __init__(self, offset: int, function_type: int, params: bytes, chained: bool) -> None:
        self.offset, self.function_type, self.params, self.chained = offset, function_type, params, chained
        self.code, self.full_name = _CS_BY_TYPE[function_type]

    def __repr__(self) -> str:
        return f"ControlSequence({self.code} at {self.offset}, {self.params.hex()})"


@dataclass(frozen=True)
class CodePoints:
    """Free-standing code points between control sequences (text)."""

    offset: int
    data: bytes


def iter_control_sequences(data) -> Iterator[ControlSequence | CodePoints]:
    """The control sequences and code points of PTOCA data; raises
    AfpFormatError (offset relative to `data`) at a bad length."""
    raw = bytes(data)
    pos, chained, end = 0, False, len(raw)
    while pos < end:
        start = pos
        if not chained:
            if raw.startswith(b"\x2b\xd3", pos):
                pos += 2
            else:
                nxt = raw.find(b"\x2b\xd3", pos)
                nxt = end if nxt < 0 else nxt
                yield CodePoints(pos, raw[pos:nxt])
                pos = nxt
                continue
        if pos + 2 > end or raw[pos] < 2 or pos + raw[pos] > end:
            raise AfpFormatError(pos, "bad PTOCA control sequence length")
        length, ftype = raw[pos], raw[pos + 1]
        chained = bool(ftype & 1)
        yield ControlSequence(start, ftype, raw[pos + 2:pos + length], chained)
        pos += length


def describe_cs(cs: ControlSequence) -> str:
    p = cs.params
    code = cs.code
    try:
        if code in ("AMI", "AMB", "SIM"):
            return f"{_s(p, 0, 2)}"
        if code in ("RMI", "RMB", "SVI", "SBI"):
            return f"{_s(p, 0, 2):+d}" if code in ("RMI", "RMB") else f"{_s(p, 0, 2)}"
        if code == "SCFL":
            return f"font local id {p[0]}"
        if code in ("BSU", "ESU"):
            return f"suppression id {p[0]}"
        if code == "STO":
            return f"inline {_t_rotation(p[0:2])}, baseline {_t_rotation(p[2:4])}"
        if code in ("DIR", "DBR"):
            width = f", width {_s(p, 2, 2)}" + (f" + {p[4]}/256" if len(p) > 4 else "") if len(p) >= 4 else ""
            return f"length {_s(p, 0, 2)}{width}"
        if code == "STC":
            color = _u(p, 0, 2)
            return OCA_COLORS.get(color, f"X'{color:04X}'")
        if code == "SEC":
            return _t_color(p) if len(p) >= 10 else _hex(p)
        if code == "SIA":
            direction = " decrement" if len(p) > 2 and p[2] == 1 else ""
            return f"{_s(p, 0, 2)}{direction}"
        if code == "TBM":
            return f"direction {p[0]}, precision {p[1]}, increment {_s(p, 2, 2)}" if len(p) >= 4 else _hex(p)
        if code in ("USC", "OVS"):
            return f"bypass X'{p[0]:02X}'" + (f", character X'{_u(p, 1, 2):04X}'" if code == "OVS" else "")
        if code == "RPS":
            return f"repeat length {_u(p, 0, 2)}, data {_hex(p[2:])}"
        if code == "GLC":
            return _describe_glc(p)
        if code in ("GIR", "GAR", "GOR"):
            values = [_u(p, i, 2) if code != "GOR" else _s(p, i, 2) for i in range(2, len(p) - 1, 2)]
            return f"{len(values)} values: {' '.join(map(str, values[:16]))}" + (" ..." if len(values) > 16 else "")
        if code == "UCT":
            return f"version {p[0]}, text length {_u(p, 2, 2)}, flags X'{p[4]:02X}'" if len(p) >= 5 else _hex(p)
    except IndexError:
        pass
    return _hex(p) if p else ""


def _describe_glc(p: bytes) -> str:
    advance, oid_len, name_len = _s(p, 0, 2), p[2], p[3]
    text = f"advance {advance}"
    if oid_len:
        text += f", font OID {_oid(p[8:8 + oid_len])}"
    if name_len:
        text += f", font '{p[8 + oid_len:8 + oid_len + name_len].decode('utf-16-be', errors='replace')}'"
    return text


# ---- fonts ---------------------------------------------------------------------------

@dataclass
class Font:
    """What the text decoder needs of a mapped font."""

    name: str = ""
    codec: str = "cp500"
    size: int = 0            # vertical size, 1/1440 inch, when known
    width_size: int = 0      # horizontal size, 1/1440 inch, when known
    data_object: bool = False
    names: tuple[str, ...] = ()
    metrics: "TrueTypeMetrics | None" = None

    @property
    def unicode(self) -> bool:
        return self.codec.startswith("utf")


def _font_from_triplets(triplets) -> tuple[int | None, Font]:
    """The local id and font a repeating group of an MCF or MDR maps (the
    local id is None when it maps no font)."""
    font, lid, lid_type = Font(), None, None
    code_page_codec = encoding_codec = None
    for _, tid, body in triplets:
        if tid == 0x24 and len(body) >= 2:
            lid_type, lid = body[0], body[1]
        elif tid == 0x02 and len(body) == 3 and body[0] == 0xBE:
            # a one-byte internal resource reference: the local id SCFL selects
            # (how Apache FOP and pressrun map TrueType fonts without an X'24')
            lid = body[2] if lid is None else lid
        elif tid == 0x02 and len(body) >= 2 and body[1] == 0x00:
            name = _name(body[2:])
            font.names += (name.strip(),)
            if body[0] == 0x85:
                code_page_codec = _codec_for_code_page_name(name) or code_page_codec
            if body[0] in (0x8E, 0x86, 0xDE, 0xBE, 0x84) or not font.name:
                font.name = font.name or name
        elif tid == 0x01 and len(body) >= 4:
            code_page_codec = _codec_for_cpgid(_u(body, 2, 2)) or code_page_codec
        elif tid == 0x50 and len(body) >= 2:
            encoding_codec = _codec_for_encoding(body)
        elif tid == 0x8B and len(body) >= 4:
            font.data_object = True
            font.size, font.width_size = _u(body, 2, 2), _u(body, 4, 2)
        elif tid == 0x1F and len(body) >= 4:
            font.size = font.size or _u(body, 2, 2)
    if encoding_codec:
        font.codec = encoding_codec
    elif font.data_object:
        font.codec = "utf-16-be"
    elif code_page_codec:
        font.codec = code_page_codec
    if lid_type not in (0x05, None) and not (font.data_object or encoding_codec):
        lid = None
    return lid, font


def _codec_for_encoding(body: bytes) -> str | None:
    cp, ud = _u(body, 0, 2), _u(body, 2, 2) if len(body) >= 4 else 0
    for value in (ud, cp):
        if value in (0x7200, 0x8200):
            return "utf-16-be"
        if value == 0x7807:
            return "utf-8"
        if value in (0x2100, 0x4100):
            return "latin-1"
        if value in (0x6100, 0x6200):
            return None
    return None


def _repeating_groups(data, length_bytes: int = 2) -> Iterator[bytes]:
    raw = bytes(data)
    pos = 0
    while pos + length_bytes <= len(raw):
        length = _u(raw, pos, length_bytes)
        if length < length_bytes or pos + length > len(raw):
            return
        yield raw[pos + length_bytes:pos + length]
        pos += length


def fonts_of_field(f: Field) -> dict[int, Font]:
    """The local ids an MCF or MDR maps, and their fonts."""
    found: dict[int, Font] = {}
    if f.sf_id in (0xD3AB8A, 0xD3ABC3):
        for group in _repeating_groups(f.data):
            lid, font = _font_from_triplets(iter_triplets(group))
            if lid is not None:
                found[lid] = font
    elif f.sf_id == 0xD3B18A and len(f.data) >= 1:
        size = f.data[0] or 30
        raw = bytes(f.data[4:])
        for pos in range(0, len(raw) - size + 1, size):
            group = raw[pos:pos + size]
            codec = _codec_for_code_page_name(_ebcdic(group[12:20])) or "cp500"
            found[group[0]] = Font(name=_ebcdic(group[4:12]).strip(), codec=codec)
    return found


# ---- text layout -----------------------------------------------------------------------

class TrueTypeMetrics:
    """Advance widths of a TrueType/OpenType font (the first of a collection),
    read from its cmap, hmtx, hhea and head tables, for placing text exactly."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        base = _u(data, 12, 4) if data[:4] == b"ttcf" else 0
        tables = {}
        for i in range(_u(data, base + 4, 2)):
            record = base + 12 + 16 * i
            tables[bytes(data[record:record + 4])] = _u(data, record + 8, 4)
        self.units_per_em = _u(data, tables[b"head"] + 18, 2) or 1000
        self.metric_count = _u(data, tables[b"hhea"] + 34, 2)
        self.hmtx = tables[b"hmtx"]
        self.cmap = self._unicode_subtable(tables[b"cmap"])
        self.cache: dict[str, int] = {}

    def _unicode_subtable(self, cmap: int) -> int:
        ranked = {}
        for i in range(_u(self.data, cmap + 2, 2)):
            record = cmap + 4 + 8 * i
            key = (_u(self.data, record, 2), _u(self.data, record + 2, 2))
            ranked[key] = cmap + _u(self.data, record + 4, 4)
        for key in ((3, 10), (0, 4), (3, 1), (0, 3), (0, 1), (0, 0)):
            if key in ranked:
                return ranked[key]
        raise ValueError("no Unicode cmap")

    def glyph(self, code: int) -> int:
        d, table = self.data, self.cmap
        if _u(d, table, 2) == 12:
            for g in range(_u(d, table + 12, 4)):
                group = table + 16 + 12 * g
                if _u(d, group, 4) <= code <= _u(d, group + 4, 4):
                    return _u(d, group + 8, 4) + code - _u(d, group, 4)
            return 0
        segments = _u(d, table + 6, 2) // 2
        ends = table + 14
        for seg in range(segments):
            if _u(d, ends + 2 * seg, 2) >= code:
                start = _u(d, ends + 2 * segments + 2 + 2 * seg, 2)
                if code < start:
                    return 0
                delta = _u(d, ends + 4 * segments + 2 + 2 * seg, 2)
                range_at = ends + 6 * segments + 2 + 2 * seg
                offset = _u(d, range_at, 2)
                if offset == 0:
                    return (code + delta) & 0xFFFF
                glyph = _u(d, range_at + offset + 2 * (code - start), 2)
                return (glyph + delta) & 0xFFFF if glyph else 0
        return 0

    def advance(self, char: str) -> int:
        width = self.cache.get(char)
        if width is None:
            glyph = min(self.glyph(ord(char)), self.metric_count - 1)
            width = self.cache[char] = _u(self.data, self.hmtx + 4 * glyph, 2)
        return width

    def width(self, text: str, size: float) -> float:
        return sum(self.advance(c) for c in text) * size / self.units_per_em


_FONT_MAGIC = (b"\x00\x01\x00\x00", b"OTTO", b"true", b"ttcf")


def _truetype_metrics(data: bytes) -> TrueTypeMetrics | None:
    if data[:4] not in _FONT_MAGIC:
        return None
    try:
        return TrueTypeMetrics(data)
    except (KeyError, ValueError, IndexError):
        return None


@dataclass
class Run:
    baseline: int
    inline: int
    text: str
    moved: str            # how the position got here: "ami", "rmi", "" (flowed)
    gap: int              # the RMI increment when moved == "rmi"
    em: int               # font size estimate in text units
    end: float = 0.0      # where the text ends on the baseline
    exact: bool = False   # whether `end` comes from the font's metrics


_STATE_CODES = frozenset({"AMI", "RMI", "AMB", "RMB", "BLN", "SBI", "SIM", "SVI", "SCFL", "UCT"})


@dataclass
class TextState:
    """Where PTOCA text goes, for one presentation text object."""

    fonts: dict[int, Font]
    units_per_inch: float = 1440.0
    inline: int = 0
    baseline: int = 0
    margin: int = 0
    baseline_increment: int = 0
    space: int = 0
    font: Font = field(default_factory=Font)
    moved: str = ""
    gap: int = 0
    runs: list[Run] = field(default_factory=list)
    uct_pending: int = 0
    em_units: int = 0

    def _em(self) -> int:
        if self.font.size:
            return max(1, round(self.font.size * self.units_per_inch / 1440))
        if self.space:
            return self.space * 4
        return round(self.units_per_inch * 10 / 72)

    def feed(self, item: ControlSequence | CodePoints) -> str | None:
        """Applies a control sequence or code points; the text they show, if any."""
        if type(item) is CodePoints:
            text = self.decode(item.data)
        elif item.code == "TRN":
            text = self.decode(item.params)
        elif item.code == "RPS" and len(item.params) > 2:
            times = -(-_u(item.params, 0, 2) // (len(item.params) - 2))
            text = self.decode((item.params[2:] * times)[:_u(item.params, 0, 2)])
        else:
            if item.code in _STATE_CODES and (item.params or item.code == "BLN"):
                self.apply(item.code, item.params)
            return None
        self.add_text(text)
        return text

    def apply(self, code: str, p: bytes) -> None:
        if code == "AMI":
            self._move(_s(p, 0, 2), "ami")
        elif code == "RMI":
            self._move(self.inline + _s(p, 0, 2), "rmi", _s(p, 0, 2))
        elif code == "AMB":
            self.baseline, self.moved = _s(p, 0, 2), "ami"
        elif code == "RMB":
            self.baseline, self.moved = self.baseline + _s(p, 0, 2), "ami"
        elif code == "BLN":
            self.baseline += self.baseline_increment
            self._move(self.margin, "ami")
        elif code == "SBI":
            self.baseline_increment = _s(p, 0, 2)
        elif code == "SIM":
            self.margin = _s(p, 0, 2)
        elif code == "SVI":
            self.space = _s(p, 0, 2)
        elif code == "SCFL":
            self.font = self.fonts.get(p[0], Font())
            self.em_units = self._em()
        elif code == "UCT" and len(p) >= 4:
            self.uct_pending = _u(p, 2, 2)

    def _move(self, inline: int, how: str, gap: int = 0) -> None:
        if how == "rmi" and self.moved == "rmi":
            gap += self.gap
        self.inline, self.moved, self.gap = inline, how, gap

    def decode(self, raw: bytes) -> str:
        codec = self.font.codec
        if self.uct_pending:
            codec = codec if self.font.unicode else "utf-16-be"
            self.uct_pending = max(0, self.uct_pending - len(raw))
        return raw.decode(codec, errors="replace")

    def add_text(self, text: str) -> None:
        if not text:
            return
        em = self.em_units or self._em()
        metrics = self.font.metrics
        if metrics is not None and self.font.size:
            size = (self.font.width_size or self.font.size) * self.units_per_inch / 1440
            width, exact = metrics.width(text, size), True
        else:
            width, exact = _estimated_width(text, em, self.space), False
        self.runs.append(Run(self.baseline, self.inline, text, self.moved, self.gap, em,
                             self.inline + width, exact))
        self.inline += round(width)
        self.moved, self.gap = "", 0


def _estimated_width(text: str, em: int, space: int) -> float:
    spaces = text.count(" ")
    return (len(text) - spaces) * em * 0.5 + spaces * (space or em * 0.25)


def _needs_space(previous: Run, run: Run) -> bool:
    if previous.text[-1:].isspace() or run.text[:1].isspace():
        return False
    if run.moved == "rmi":
        return run.gap >= run.em * 0.15
    if run.moved == "ami":
        if previous.exact:
            return run.inline - previous.end >= previous.em * 0.15
        estimated_end = previous.inline + _estimated_width(previous.text, previous.em, 0)
        return run.inline > previous.inline and run.inline >= estimated_end - previous.em * 0.25
    return False


def runs_to_lines(runs: list[Run]) -> list[str]:
    """Runs in stream order: a new line at each change of baseline, a space
    between runs on a baseline that were positioned apart."""
    lines: list[str] = []
    previous: Run | None = None
    for run in runs:
        if previous is None or run.baseline != previous.baseline:
            lines.append(run.text)
        else:
            lines[-1] += (" " if _needs_space(previous, run) else "") + run.text
        previous = run
    return [line.rstrip() for line in lines]


# ---- the dump ----------------------------------------------------------------------------

class Dumper:
    """Walks the fields of a stream, keeping the context content decoding needs
    (fonts per page, text state, segments), and yields dump lines."""

    def __init__(self, data, hex_bytes: int = HEX_PREVIEW_BYTES) -> None:
        self.data = data
        self.hex_bytes = hex_bytes
        self.document_fonts: dict[int, Font] = {}
        self.page_fonts: dict[int, Font] | None = None
        self.units_per_inch = 1440.0
        self.text: TextState | None = None
        self.segments: list[bytes] = []
        self.damage: AfpFormatError | None = None
        self.pages: list[list[Run]] = []
        self.in_page = False
        self.resource_names: list[str] = []          # of the BRS / BOC being read
        self.container: bytearray | None = None     # OCD data of that BOC
        self.font_files: dict[str, TrueTypeMetrics] = {}
        self.included: tuple[str, list[Run]] | None = None   # overlay / page segment being read
        self.included_text: dict[str, list[Run]] = {}

    # context -----------------------------------------------------------
    def fonts(self) -> dict[int, Font]:
        return self.page_fonts if self.page_fonts is not None else self.document_fonts

    def track(self, f: Field, data: bytes) -> None:
        sf = f.sf_id
        if sf in (0xD3A8AF, 0xD3A8DF):                       # BPG, BMO
            self.page_fonts = dict(self.document_fonts)
            if sf == 0xD3A8AF:
                self.in_page = True
                self.pages.append([])
        if sf in (0xD3A8DF, 0xD3A85F) and not self.in_page:  # BMO, BPS: text kept for IPO/IPS
            self.included = (_ebcdic(data[:8]), [])
        elif sf in (0xD3A9AF, 0xD3A9DF):                     # EPG, EMO
            self.flush_text()                                # PTX without BPT/EPT
            self.page_fonts = None
            self.in_page = self.in_page and sf != 0xD3A9AF
            self.end_included()
        elif sf == 0xD3A95F:                                 # EPS
            self.flush_text()
            self.end_included()
        elif sf in (0xD3AFD8, 0xD3AF5F) and self.in_page and self.pages:   # IPO, IPS
            self.pages[-1].extend(self.included_runs(data))
        elif sf in (0xD3AB8A, 0xD3ABC3, 0xD3B18A):           # MCF, MDR
            found = fonts_of_field(Field(f.offset, f.length, sf, 0, memoryview(data)))
            for font in found.values():
                font.metrics = self.metrics_for(font)
            self.fonts().update(found)
        elif sf in (0xD3A8CE, 0xD3A892):                     # BRS, BOC
            self.resource_names += _resource_names(data, 10 if sf == 0xD3A8CE else 8)
            self.container = bytearray() if sf == 0xD3A892 else self.container
        elif sf == 0xD3EE92 and self.container is not None:  # OCD
            if self.container or data[:4] in _FONT_MAGIC:
                self.container += data
            else:                                            # not a font: not kept
                self.container = None
        elif sf == 0xD3A992 and self.container is not None:  # EOC
            metrics = _truetype_metrics(bytes(self.container))
            if metrics is not None:
                for name in self.resource_names:
                    self.font_files.setdefault(name, metrics)
            self.container = None
        elif sf == 0xD3A9CE:                                 # ERS
            self.resource_names = []
        elif sf in (0xD3B19B, 0xD3A69B) and len(data) >= 4:  # PTD: units
            base = {0x00: 10.0, 0x01: 10 / 2.54}.get(data[0], 10.0)
            self.units_per_inch = _u(data, 2, 2) / base or 1440.0
        elif sf == 0xD3A89B:                                 # BPT
            self.text = TextState(self.fonts(), self.units_per_inch)
        elif sf == 0xD3A99B:                                 # EPT
            self.flush_text()

    def metrics_for(self, font: Font) -> TrueTypeMetrics | None:
        """The embedded font file an MDR names (or the only one there is)."""
        if not font.data_object:
            return None
        for name in font.names:
            if name in self.font_files:
                return self.font_files[name]
        distinct = {id(m): m for m in self.font_files.values()}
        return next(iter(distinct.values())) if len(distinct) == 1 else None

    def flush_text(self) -> None:
        if self.text is not None and self.included is not None:
            self.included[1].extend(self.text.runs)
        elif self.text is not None and self.in_page and self.pages:
            self.pages[-1].extend(self.text.runs)
        self.text = None

    def end_included(self) -> None:
        if self.included is not None:
            self.included_text[self.included[0]] = self.included[1]
            self.included = None

    def included_runs(self, data: bytes) -> list[Run]:
        """The text of the overlay or page segment an IPO/IPS includes (when
        it came earlier in the stream), moved to where it is included."""
        runs = self.included_text.get(_ebcdic(data[:8]), [])
        dx, dy = (_s(data, 8, 3), _s(data, 11, 3)) if len(data) >= 14 else (0, 0)
        return [dataclasses.replace(r, baseline=r.baseline + dy, inline=r.inline + dx, end=r.end + dx)
                for r in runs]

    # fields ------------------------------------------------------------------
    def lines(self) -> Iterator[str]:
        try:
            for f in iter_fields(self.data):
                yield from self.field_lines(f)
        except AfpFormatError as exc:
            self.damage = exc
            yield f"error: damaged at {exc}"

    def walk_text(self) -> None:
        """Only what page text needs: the context and the PTX fields."""
        try:
            for f in iter_fields(self.data):
                if f.segmented:
                    self.segments.append(bytes(f.data))
                    continue
                data = b"".join(self.segments) + bytes(f.data) if self.segments else bytes(f.data)
                self.segments = []
                self.track(f, data)
                if f.sf_id == 0xD3EE9B:
                    self.feed_text(f, data)
        except AfpFormatError as exc:
            self.damage = exc

    def feed_text(self, f: Field, data: bytes) -> None:
        if self.text is None:
            self.text = TextState(self.fonts(), self.units_per_inch)
        feed = self.text.feed
        try:
            for item in iter_control_sequences(data):
                feed(item)
        except AfpFormatError as exc:
            self.damage = self.damage or AfpFormatError(f.offset + 9 + exc.offset, exc.message)

    def header(self, f: Field) -> str:
        flags = [name for bit, name in ((0x20, "segmented"), (0x80, "extension"), (0x08, "padding"))
                 if f.flags & bit]
        flag_text = f"  [{', '.join(flags)}]" if flags else ""
        return f"{f.offset:08X} {f.length:5d}  {f.code} {f.full_name}{flag_text}"

    def field_lines(self, f: Field) -> Iterator[str]:
        yield self.header(f)
        if f.extension:
            yield f"    extension: {_hex(f.extension, self.hex_bytes)}"
        if f.segmented:
            self.segments.append(bytes(f.data))
            yield f"    segment of {len(f.data)} bytes, continued in the next field"
            return
        data = b"".join(self.segments) + bytes(f.data) if self.segments else bytes(f.data)
        if self.segments:
            yield f"    last segment: {len(data)} bytes joined"
            self.segments = []
        self.track(f, data)
        yield from self.content_lines(f, data)

    def content_lines(self, f: Field, data: bytes) -> Iterator[str]:
        decoder = FIELD_DECODERS.get(f.sf_id)
        if decoder is None and (f.sf_id >> 8) & 0xFF in (0xA8, 0xA9):
            decoder = Dumper.begin_end
        if decoder is None:
            yield f"    {len(data)} bytes: {_hex(data, self.hex_bytes)}" if data else "    (no data)"
            return
        try:
            yield from decoder(self, f, data)
        except AfpFormatError as exc:
            self.damage = self.damage or AfpFormatError(f.offset + 9 + exc.offset, exc.message)
            yield f"    error: at +{exc.offset} of the data: {exc.message}"
        except (IndexError, ValueError, struct.error) as exc:
            yield f"    error: cannot decode ({exc}); {len(data)} bytes: {_hex(data, self.hex_bytes)}"

    # decoders -----------------------------------------------------------------
    def begin_end(self, f: Field, data: bytes) -> Iterator[str]:
        if len(data) >= 8:
            yield f"    name: '{_ebcdic(data[:8])}'"
        start = {0xD3A8A8: 10, 0xD3A8CE: 10, 0xD3A8CA: 9}.get(f.sf_id, 8)
        yield from triplet_lines(data[start:])

    def triplets_only(self, f: Field, data: bytes) -> Iterator[str]:
        yield from triplet_lines(data)

    def repeating_groups(self, f: Field, data: bytes) -> Iterator[str]:
        for number, group in enumerate(_repeating_groups(data), 1):
            yield f"    repeating group {number}:"
            yield from triplet_lines(group, "      ")

    def page_descriptor(self, f: Field, data: bytes) -> Iterator[str]:
        size = 3 if f.sf_id != 0xD3A69B else 2
        yield (f"    units: X {_u(data, 2, 2)} per {UNIT_BASES.get(data[0], '?')}, "
               f"Y {_u(data, 4, 2)} per {UNIT_BASES.get(data[1], '?')}")
        yield f"    size: {_u(data, 6, size)} x {_u(data, 6 + size, size)}"
        rest = data[6 + 2 * size + (3 if f.sf_id == 0xD3A6AF else 2):]
        if f.sf_id == 0xD3A6AF:
            yield from triplet_lines(rest)
        elif rest:
            yield "    initial text conditions:"
            yield from self.ptoca_lines(rest, track=False)

    def object_area_position(self, f: Field, data: bytes) -> Iterator[str]:
        yield f"    position id {data[0]}"
        yield f"    object area offset: X {_s(data, 2, 3)}, Y {_s(data, 5, 3)}"
        yield f"    object area rotation: X {_t_rotation(data[8:10])}, Y {_t_rotation(data[10:12])}"
        if len(data) >= 19:
            yield f"    content offset: X {_s(data, 13, 3)}, Y {_s(data, 16, 3)}"
        if len(data) >= 24:
            yield f"    reference coordinate system X'{data[23]:02X}'"

    def image_descriptor(self, f: Field, data: bytes) -> Iterator[str]:
        yield f"    resolution: X {_u(data, 1, 2)}, Y {_u(data, 3, 2)} per {UNIT_BASES.get(data[0], '?')}"
        yield f"    size: {_u(data, 5, 2)} x {_u(data, 7, 2)} image points"
        yield from self.ioca_lines(data[9:])

    def ioca_lines(self, data: bytes) -> Iterator[str]:
        pos = 0
        while pos + 1 < len(data):
            if data[pos] == 0xFE and pos + 3 < len(data):
                code, length, head = _u(data, pos, 2), _u(data, pos + 2, 2), 4
            else:
                code, length, head = data[pos], data[pos + 1], 2
            body = data[pos + head:pos + head + length]
            yield f"    IOCA X'{code:02X}' {IOCA_SDFS.get(code, 'self-defining field')}: {_hex(body, 16)}"
            pos += head + length

    def graphics_lines(self, f: Field, data: bytes) -> Iterator[str]:
        yield f"    {len(data)} bytes of GOCA"
        pos, shown = 0, 0
        while pos < len(data) and shown < 200:
            code = data[pos]
            if code == 0x00:
                length, head = 0, 1
            elif code == 0xFE and pos + 3 < len(data):
                code, length, head = _u(data, pos, 2), _u(data, pos + 2, 2), 4
            elif code < 0x80 and code & 0x88 == 0x08:
                length, head = 1, 1
            else:
                length, head = (data[pos + 1] if pos + 1 < len(data) else 0), 2
            if code == 0x70:                  # begin segment: its orders follow
                length = min(length, 12)
            body = data[pos + head:pos + head + length]
            yield f"    X'{code:02X}' {GOCA_ORDERS.get(code, 'order')}" + (f": {_hex(body, 16)}" if body else "")
            pos += head + length
            shown += 1
        if pos < len(data):
            yield f"    ... {len(data) - pos} more bytes"

    def graphics_descriptor(self, f: Field, data: bytes) -> Iterator[str]:
        names = {0xF7: "Drawing Order Subset", 0xF6: "Window Specification", 0x21: "Set Current Defaults"}
        pos = 0
        while pos + 1 < len(data):
            code, length = data[pos], data[pos + 1]
            yield f"    GOCA X'{code:02X}' {names.get(code, 'descriptor')}: {_hex(data[pos + 2:pos + 2 + length], 20)}"
            pos += 2 + length

    def barcode_descriptor(self, f: Field, data: bytes) -> Iterator[str]:
        yield (f"    units: X {_u(data, 2, 2)}, Y {_u(data, 4, 2)} per {UNIT_BASES.get(data[0], '?')}; "
               f"presentation space {_u(data, 6, 2)} x {_u(data, 8, 2)}")
        if len(data) >= 15:
            yield (f"    type X'{data[12]:02X}' ({BARCODE_TYPES.get(data[12], '?')}), modifier X'{data[13]:02X}', "
                   f"font local id {data[14]}")
        if len(data) >= 22:
            yield (f"    color X'{_u(data, 15, 2):04X}', module width {data[17]} mils, "
                   f"element height {_u(data, 18, 2)} x {data[20]}, wide/narrow {_u(data, 21, 2)}")

    def barcode_data(self, f: Field, data: bytes) -> Iterator[str]:
        yield f"    flags X'{data[0]:02X}', position X {_u(data, 1, 2)}, Y {_u(data, 3, 2)}"
        payload = data[5:]
        text = _ebcdic(payload)
        shown = f"'{text}'" if text.isprintable() else _hex(payload, self.hex_bytes)
        yield f"    data ({len(payload)} bytes): {shown}"

    def copy_counts(self, f: Field, data: bytes) -> Iterator[str]:
        for pos in range(0, len(data) - 5, 6):
            yield (f"    copies {_u(data, pos, 2)}-{_u(data, pos + 2, 2)}: "
                   f"medium modification control {data[pos + 5]}")

    def modification_control(self, f: Field, data: bytes) -> Iterator[str]:
        yield f"    id {data[0]}"
        for pos in range(2, len(data) - 1, 2):
            key, value = data[pos], data[pos + 1]
            meaning = MMC_KEYWORDS.get(key, "")
            if key == 0xF4:
                meaning += f": {MMC_DUPLEX.get(value, '?')}"
            yield f"    keyword X'{key:02X}' = X'{value:02X}'" + (f" ({meaning})" if meaning else "")

    def page_position(self, f: Field, data: bytes) -> Iterator[str]:
        sides = {0x00: "front", 0x01: "back", 0x02: "front and back", 0x10: "front (partition)"}
        pos = 1
        while pos < len(data):
            length = data[pos] or 12
            g = data[pos:pos + length]
            if len(g) >= 11:
                yield (f"    offset X {_s(g, 1, 3)}, Y {_s(g, 4, 3)}, rotation {_t_rotation(g[7:9])}, "
                       f"side {sides.get(g[9], 'X%02X' % g[9])}, flags X'{g[10]:02X}'"
                       + (f", page modification control {g[11]}" if len(g) >= 12 else ""))
            pos += length

    def medium_descriptor(self, f: Field, data: bytes) -> Iterator[str]:
        yield f"    units: X {_u(data, 2, 2)}, Y {_u(data, 4, 2)} per {UNIT_BASES.get(data[0], '?')}"
        yield f"    size: {_u(data, 6, 3)} x {_u(data, 9, 3)}, flags X'{data[12]:02X}'"
        yield from triplet_lines(data[13:])

    def include_overlay(self, f: Field, data: bytes) -> Iterator[str]:
        yield f"    name: '{_ebcdic(data[:8])}'"
        yield f"    offset: X {_s(data, 8, 3)}, Y {_s(data, 11, 3)}"
        if f.sf_id == 0xD3AFD8:
            yield f"    rotation {_t_rotation(data[14:16])}"
            yield from triplet_lines(data[16:])
        else:
            yield from triplet_lines(data[14:])

    def include_object(self, f: Field, data: bytes) -> Iterator[str]:
        yield f"    name: '{_ebcdic(data[:8])}', type {INCLUDE_OBJECT_TYPES.get(data[9], 'X%02X' % data[9])}"
        yield f"    object area offset: X {_s(data, 10, 3)}, Y {_s(data, 13, 3)}"
        yield f"    rotation: X {_t_rotation(data[16:18])}, Y {_t_rotation(data[18:20])}"
        yield f"    content offset: X {_s(data, 20, 3)}, Y {_s(data, 23, 3)}, reference X'{data[26]:02X}'"
        yield from triplet_lines(data[27:])

    def named_with_triplets(self, f: Field, data: bytes) -> Iterator[str]:
        yield f"    name: '{_ebcdic(data[:8])}'"
        yield from triplet_lines(data[8:])

    def map_coded_font_1(self, f: Field, data: bytes) -> Iterator[str]:
        size = data[0] or 30
        for pos in range(4, len(data) - size + 1, size):
            g = data[pos:pos + size]
            yield (f"    local id {g[0]}: coded font '{_ebcdic(g[4:12]).strip()}', code page "
                   f"'{_ebcdic(g[12:20]).strip()}', character set '{_ebcdic(g[20:28]).strip()}', "
                   f"rotation {_t_rotation(g[28:30])}")

    def map_medium_overlay(self, f: Field, data: bytes) -> Iterator[str]:
        size = data[0] or 12
        for pos in range(4, len(data) - size + 1, size):
            g = data[pos:pos + size]
            yield f"    local id {g[0]}: overlay '{_ebcdic(g[4:12])}', flags X'{g[1]:02X}'"

    def container_descriptor(self, f: Field, data: bytes) -> Iterator[str]:
        yield f"    units: X {_u(data, 2, 2)}, Y {_u(data, 4, 2)} per {UNIT_BASES.get(data[0], '?')}"
        yield f"    size: {_u(data, 6, 3)} x {_u(data, 9, 3)}"
        yield from triplet_lines(data[12:])

    def nop(self, f: Field, data: bytes) -> Iterator[str]:
        text = _ebcdic(data).rstrip()
        shown = f", text '{text}'" if text and text.isprintable() else ""
        yield f"    {len(data)} bytes: {_hex(data, self.hex_bytes)}{shown}"

    def presentation_text(self, f: Field, data: bytes) -> Iterator[str]:
        yield f"    {len(data)} bytes of PTOCA"
        yield from self.ptoca_lines(data, track=True)

    def ptoca_lines(self, data: bytes, track: bool) -> Iterator[str]:
        state = self.text if track else None
        if track and state is None:       # PTX outside BPT/EPT (older streams)
            state = self.text = TextState(self.fonts(), self.units_per_inch)
        for item in iter_control_sequences(data):
            text = state.feed(item) if state else None
            if isinstance(item, CodePoints):
                shown = text if state else _ebcdic(item.data)
                yield f"      +{item.offset:<5d} code points {_quote(shown)}"
                continue
            chain = " (chained)" if item.chained else ""
            if item.code == "TRN":
                shown = text if state else _ebcdic(item.params)
                yield f"      +{item.offset:<5d} TRN Transparent Data{chain}: {_quote(shown)}"
                continue
            detail = describe_cs(item)
            yield f"      +{item.offset:<5d} {item.code} {item.full_name}{chain}" + (f": {detail}" if detail else "")
            if item.code == "SCFL" and state:
                yield f"             font {_quote(state.font.name)} ({state.font.codec})"
            elif item.code == "RPS" and text:
                yield f"             text {_quote(text)}"


def _resource_names(data: bytes, triplets_at: int) -> list[str]:
    names = [_ebcdic(data[:8]).strip()] if len(data) >= 8 else []
    for _, tid, body in iter_triplets(data[triplets_at:]):
        if tid == 0x02 and len(body) > 2 and body[1] == 0x00:
            names.append(_name(body[2:]).strip())
    return names


def _quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'" if text.isprintable() else repr(text)


FIELD_DECODERS: dict[int, Callable[[Dumper, Field, bytes], Iterator[str]]] = {
    0xD3A6AF: Dumper.page_descriptor, 0xD3B19B: Dumper.page_descriptor, 0xD3A69B: Dumper.page_descriptor,
    0xD3A66B: Dumper.triplets_only, 0xD3AC6B: Dumper.object_area_position, 0xD3A6FB: Dumper.image_descriptor,
    0xD3A6BB: Dumper.graphics_descriptor, 0xD3EEBB: Dumper.graphics_lines, 0xD3A6EB: Dumper.barcode_descriptor,
    0xD3EEEB: Dumper.barcode_data, 0xD3A288: Dumper.copy_counts, 0xD3A788: Dumper.modification_control,
    0xD3B1AF: Dumper.page_position, 0xD3A688: Dumper.medium_descriptor, 0xD3ABCC: Dumper.named_with_triplets,
    0xD3AFD8: Dumper.include_overlay, 0xD3AF5F: Dumper.include_overlay, 0xD3AFC3: Dumper.include_object,
    0xD3A090: Dumper.triplets_only, 0xD3B2A7: Dumper.triplets_only, 0xD3B18A: Dumper.map_coded_font_1,
    0xD3B1DF: Dumper.map_medium_overlay, 0xD3A692: Dumper.container_descriptor, 0xD3EEEE: Dumper.nop,
    0xD3EE9B: Dumper.presentation_text, 0xD3AFAF: Dumper.named_with_triplets,
    **{sf: Dumper.repeating_groups for sf in (0xD3AB8A, 0xD3ABC3, 0xD3ABEB, 0xD3AB77, 0xD3AB92, 0xD3ABBB,
                                             0xD3ABFB, 0xD3ABCD, 0xD3AB88, 0xD3ABAF, 0xD3ABD8, 0xD3ADC3,
                                             0xD3ABEA)},
}


# ---- the API ---------------------------------------------------------------------------

def dump_lines(data, hex_bytes: int = HEX_PREVIEW_BYTES, damage: list | None = None) -> Iterator[str]:
    """The lines of the dump; the last is an 'error: ...' line if the stream
    is damaged. Damage (also inside a field's content) is appended to
    `damage` as AfpFormatError."""
    dumper = Dumper(data, hex_bytes)
    yield from dumper.lines()
    if dumper.damage is not None and damage is not None:
        damage.append(dumper.damage)


def _walk(data) -> Dumper:
    dumper = Dumper(data)
    dumper.walk_text()
    return dumper


def page_texts(data) -> list[str]:
    """The text of each page (BPG ... EPG) in stream order: one line per
    baseline change, words separated where they were positioned apart. The
    text of a damaged stream's readable pages."""
    return ["\n".join(runs_to_lines(runs)) for runs in _walk(data).pages]


def text_lines(data, damage: list | None = None) -> Iterator[str]:
    """Page by page text for `--text`; the last line is an error line if the
    stream is damaged (and the AfpFormatError is appended to `damage`)."""
    dumper = _walk(data)
    for number, runs in enumerate(dumper.pages, 1):
        yield f"--- page {number} ---"
        yield from runs_to_lines(runs)
    if dumper.damage is not None:
        if damage is not None:
            damage.append(dumper.damage)
        yield f"error: damaged at {dumper.damage}"


def summary_lines(data, damage: list | None = None) -> Iterator[str]:
    """Counts of fields, documents, pages, and page groups with their tags."""
    counts: Counter[str] = Counter()
    groups: list[tuple[str, int, list[str]]] = []
    error = None
    open_groups: list[int] = []
    try:
        for f in iter_fields(data):
            counts[f.code if f.code != "???" else f"X'{f.sf_id:06X}'"] += 1
            if f.sf_id == 0xD3A8AD:
                groups.append((_ebcdic(f.data[:8]) if len(f.data) >= 8 else "", 0, []))
                open_groups.append(len(groups) - 1)
            elif f.sf_id == 0xD3A9AD and open_groups:
                open_groups.pop()
            elif f.sf_id == 0xD3A8AF and open_groups:
                name, pages, tags = groups[open_groups[-1]]
                groups[open_groups[-1]] = (name, pages + 1, tags)
            elif f.sf_id == 0xD3A090 and open_groups:
                groups[open_groups[-1]][2].append(_tle_tag(f.data))
    except AfpFormatError as exc:
        error = exc
    yield f"structured fields: {sum(counts.values())}"
    yield f"documents: {counts['BDT']}, pages: {counts['BPG']}, page groups: {counts['BNG']}"
    for code, count in sorted(counts.items()):
        yield f"  {code} {count}"
    for name, pages, tags in groups:
        yield f"page group '{name}': {pages} pages" + (f"; {', '.join(tags)}" if tags else "")
    if error is not None:
        if damage is not None:
            damage.append(error)
        yield f"error: damaged at {error}"


def _tle_tag(data) -> str:
    name = value = ""
    triplets = list(iter_triplets(data))
    decode = (lambda b: bytes(b).decode("utf-16-be", "replace")) if _declares_utf16(triplets) else _name
    for _, tid, body in triplets:
        if tid == 0x02 and len(body) >= 2:
            name = decode(body[2:])
        elif tid == 0x36:
            value = decode(body[2:])
    return f"{name}={value}"
