"""List the structured fields of an AFP (MO:DCA) print file.

    python bench/afp_sfs.py FILE.afp                  # one line per SF, nested
    python bench/afp_sfs.py FILE.afp --detail         # + triplets, PTOCA, IOCA, GOCA
    python bench/afp_sfs.py FILE.afp --collapse       # runs of one SF as "xN"
    python bench/afp_sfs.py FILE.afp --summary        # counts and bytes per SF type

A structured field is framed as X'5A' (carriage control), a 2-byte length
(the length of the SF, introducer included, carriage control excluded), a
3-byte identifier X'D3tycc' (class D3, type, category), a flag byte and two
reserved bytes, then the data. Flag bit X'80' means an extension follows the
introducer (its first byte is its length), X'08' means padding at the end of
the data (the last byte is the padding length, or, when it is 0, the two
bytes before it), X'20' means the data continues in the next SF.

The names come from the MO:DCA reference (IBM SC31-6802) as used by Apache
FOP (org.apache.fop.afp.modca), afplib and the `afp` package; the table is
ours. Begin/End fields open and close a nesting level.
"""
from __future__ import annotations

import argparse
import collections
import sys
from typing import Iterator, NamedTuple

# Structured field identifiers (the two bytes after X'D3') -> abbreviation, name.
SF_NAMES: dict[int, tuple[str, str]] = {
    0xA8A8: ("BDT", "Begin Document"), 0xA9A8: ("EDT", "End Document"),
    0xA8AD: ("BNG", "Begin Named Page Group"), 0xA9AD: ("ENG", "End Named Page Group"),
    0xA8AF: ("BPG", "Begin Page"), 0xA9AF: ("EPG", "End Page"),
    0xA8C9: ("BAG", "Begin Active Environment Group"), 0xA9C9: ("EAG", "End Active Environment Group"),
    0xA8C6: ("BRG", "Begin Resource Group"), 0xA9C6: ("ERG", "End Resource Group"),
    0xA8CE: ("BRS", "Begin Resource"), 0xA9CE: ("ERS", "End Resource"),
    0xA8C4: ("BDG", "Begin Document Environment Group"), 0xA9C4: ("EDG", "End Document Environment Group"),
    0xA8C5: ("BFG", "Begin Form Environment Group"), 0xA9C5: ("EFG", "End Form Environment Group"),
    0xA8CD: ("BFM", "Begin Form Map"), 0xA9CD: ("EFM", "End Form Map"),
    0xA8CC: ("BMM", "Begin Medium Map"), 0xA9CC: ("EMM", "End Medium Map"),
    0xA8A7: ("BDI", "Begin Document Index"), 0xA9A7: ("EDI", "End Document Index"),
    0xA8DF: ("BMO", "Begin Overlay"), 0xA9DF: ("EMO", "End Overlay"),
    0xA85F: ("BPS", "Begin Page Segment"), 0xA95F: ("EPS", "End Page Segment"),
    0xA89B: ("BPT", "Begin Presentation Text Object"), 0xA99B: ("EPT", "End Presentation Text Object"),
    0xA8FB: ("BIM", "Begin Image Object"), 0xA9FB: ("EIM", "End Image Object"),
    0xA87B: ("BII", "Begin IM Image"), 0xA97B: ("EII", "End IM Image"),
    0xA8BB: ("BGR", "Begin Graphics Object"), 0xA9BB: ("EGR", "End Graphics Object"),
    0xA8EB: ("BBC", "Begin Bar Code Object"), 0xA9EB: ("EBC", "End Bar Code Object"),
    0xA892: ("BOC", "Begin Object Container"), 0xA992: ("EOC", "End Object Container"),
    0xA8C7: ("BOG", "Begin Object Environment Group"), 0xA9C7: ("EOG", "End Object Environment Group"),
    0xA8A5: ("BPF", "Begin Print File"), 0xA9A5: ("EPF", "End Print File"),
    0xA8D9: ("BSG", "Begin Resource Environment Group"), 0xA9D9: ("ESG", "End Resource Environment Group"),
    0xA8CB: ("BPM", "Begin Page Map"), 0xA9CB: ("EPM", "End Page Map"),
    0xA877: ("BCA", "Begin Color Attribute Table"), 0xA977: ("ECA", "End Color Attribute Table"),
    0xB077: ("CAT", "Color Attribute Table"),
    0xA887: ("BCP", "Begin Code Page"), 0xA987: ("ECP", "End Code Page"),
    0xA88A: ("BCF", "Begin Coded Font"), 0xA98A: ("ECF", "End Coded Font"),
    0xA889: ("BFN", "Begin Font"), 0xA989: ("EFN", "End Font"),
    0xA6AF: ("PGD", "Page Descriptor"),
    0xA69B: ("PTD-1", "Presentation Text Descriptor Format 1"),
    0xB19B: ("PTD", "Presentation Text Data Descriptor Format 2"),
    0xEE9B: ("PTX", "Presentation Text Data"),
    0xA6FB: ("IDD", "Image Data Descriptor"), 0xEEFB: ("IPD", "Image Picture Data"),
    0xA67B: ("IID", "IM Image Input Descriptor"), 0xEE7B: ("IRD", "IM Image Raster Data"),
    0xAC7B: ("ICP", "IM Image Cell Position"),
    0xA6BB: ("GDD", "Graphics Data Descriptor"), 0xEEBB: ("GAD", "Graphics Data"),
    0xA6EB: ("BDD", "Bar Code Data Descriptor"), 0xEEEB: ("BDA", "Bar Code Data"),
    0xA692: ("CDD", "Container Data Descriptor"), 0xEE92: ("OCD", "Object Container Data"),
    0xA66B: ("OBD", "Object Area Descriptor"), 0xAC6B: ("OBP", "Object Area Position"),
    0xAB8A: ("MCF", "Map Coded Font Format 2"), 0xB18A: ("MCF-1", "Map Coded Font Format 1"),
    0xABC3: ("MDR", "Map Data Resource"), 0xABFB: ("MIO", "Map Image Object"),
    0xABBB: ("MGO", "Map Graphics Object"), 0xABEB: ("MBC", "Map Bar Code Object"),
    0xAB92: ("MCD", "Map Container Data"), 0xABD8: ("MPO", "Map Page Overlay"),
    0xB15F: ("MPS", "Map Page Segment"), 0xABEA: ("MSU", "Map Suppression"),
    0xABCC: ("IMM", "Invoke Medium Map"), 0xAFC3: ("IOB", "Include Object"),
    0xAFD8: ("IPO", "Include Page Overlay"), 0xAF5F: ("IPS", "Include Page Segment"),
    0xADC3: ("PPO", "Preprocess Presentation Object"),
    0xA7A8: ("PEC", "Presentation Environment Control"),
    0xA090: ("TLE", "Tag Logical Element"), 0xEEEE: ("NOP", "No Operation"),
    0xB2A7: ("IEL", "Index Element"), 0xB490: ("LLE", "Link Logical Element"),
    0xA688: ("MDD", "Medium Descriptor"), 0xA788: ("MMC", "Medium Modification Control"),
    0xA288: ("MCC", "Medium Copy Count"), 0xACAF: ("PGP-1", "Page Position Format 1"),
    0xB1AF: ("PGP", "Page Position Format 2"), 0xB1DF: ("MMO", "Map Medium Overlay"),
    0xA79B: ("CTC", "Composed Text Control"),
    0xA687: ("CPD", "Code Page Descriptor"), 0xA787: ("CPC", "Code Page Control"),
    0xEE87: ("CPI", "Code Page Index"), 0xA78A: ("CFC", "Coded Font Control"),
    0xB18A: ("MCF-1", "Map Coded Font Format 1"),
}

# Triplet identifiers (MO:DCA chapter 6) that the detail view names.
TRIPLET_NAMES = {
    0x01: "CGCSGID", 0x02: "FQN", 0x04: "MappingOption", 0x10: "ObjectClassification",
    0x18: "MODCAInterchangeSet", 0x1F: "FontDescriptorSpec", 0x20: "CodedGraphicCharSetGlobalID",
    0x21: "ResourceObjectType", 0x22: "ExtendedResourceLocalID", 0x24: "ResourceLocalID",
    0x25: "ResourceSectionNumber", 0x26: "CharacterRotation", 0x2D: "ObjectByteOffset",
    0x36: "AttributeValue", 0x43: "DescriptorPosition", 0x45: "MediaEjectControl",
    0x4B: "MeasurementUnits", 0x4C: "ObjectAreaSize", 0x4D: "AreaDefinition", 0x4E: "ColorSpecification",
    0x50: "EncodingSchemeID", 0x56: "MediumMapPageNumber", 0x57: "ObjectByteExtent",
    0x58: "ObjectStructuredFieldOffset", 0x59: "ObjectStructuredFieldExtent",
    0x5A: "ObjectOffset", 0x5D: "FontHorizontalScaleFactor", 0x5E: "ObjectCount",
    0x62: "LocalDateTimeStamp", 0x65: "Comment", 0x68: "MediumOrientation",
    0x6C: "ResourceObjectInclude", 0x70: "PresentationSpaceResetMixing",
    0x71: "PresentationSpaceMixingRules", 0x72: "UniversalDateTimeStamp", 0x74: "TonerSaving",
    0x75: "ColorFidelity", 0x78: "FontFidelity", 0x80: "AttributeQualifier",
    0x81: "PageAreaMappingPosition", 0x82: "ParameterValue", 0x83: "PresentationControl",
    0x84: "FontResolutionAndMetricTechnology", 0x85: "FinishingOperation",
    0x86: "TextFidelity", 0x87: "MediaFidelity", 0x88: "FinishingFidelity",
    0x8B: "DataObjectFontDescriptor", 0x8C: "LocaleSelector", 0x8E: "UP3iFinishingOperation",
    0x91: "ColorManagementResourceDescriptor", 0x95: "RenderingIntent",
    0x96: "CMRTagFidelity", 0x97: "DeviceAppearance", 0x9A: "ImageResolution",
    0x9C: "ObjectContainerPresentationSpaceSize",
}

# PTOCA control sequence function types (PTOCA reference SC31-6804): the even,
# unchained value; the odd value (+1) chains to the next control sequence.
PTOCA_NAMES = {
    0xC0: "SIM", 0xC2: "SIA", 0xC4: "SVI", 0xC6: "AMI", 0xC8: "RMI",
    0xD0: "SBI", 0xD2: "AMB", 0xD4: "RMB", 0xD8: "BLN", 0xDA: "TRN",
    0xE4: "DIR", 0xE6: "DBR", 0xEE: "RPS", 0xF0: "SCFL", 0xF2: "BSU",
    0xF4: "ESU", 0xF6: "STO", 0xF8: "NOP", 0x72: "OVS", 0x74: "STC",
    0x76: "USC", 0x78: "TBM", 0x80: "SEC",
}

BEGIN_TYPE, END_TYPE = 0xA8, 0xA9


class SF(NamedTuple):
    offset: int
    length: int          # the SF's length field (introducer + data, no X'5A')
    sfid: int            # 3 bytes, X'D3tycc'
    flags: int
    data: bytes          # after the introducer (and its extension), padding removed

    @property
    def abbrev(self) -> str:
        return sf_abbrev(self.sfid)


def sf_abbrev(sfid: int) -> str:
    name = SF_NAMES.get(sfid & 0xFFFF)
    return name[0] if name else f"D3{sfid & 0xFFFF:04X}"


def iter_sfs(buf: bytes) -> Iterator[SF]:
    """Split an AFP byte string into structured fields (raises on bad framing)."""
    i, n = 0, len(buf)
    while i < n:
        if buf[i] != 0x5A:
            raise ValueError(f"offset {i}: expected X'5A', found X'{buf[i]:02X}'")
        if i + 9 > n:
            raise ValueError(f"offset {i}: truncated structured field introducer")
        length = int.from_bytes(buf[i + 1:i + 3], "big")
        if length < 8 or i + 1 + length > n:
            raise ValueError(f"offset {i}: bad structured field length {length}")
        sfid = int.from_bytes(buf[i + 3:i + 6], "big")
        flags = buf[i + 6]
        start, end = i + 9, i + 1 + length
        if flags & 0x80:                       # introducer extension
            start += buf[start]
        if flags & 0x08 and end > start:       # padding
            pad = buf[end - 1] or int.from_bytes(buf[end - 3:end - 1], "big")
            end -= pad
        yield SF(i, length, sfid, flags, buf[start:end])
        i += 1 + length


def iter_triplets(data: bytes) -> Iterator[tuple[int, bytes]]:
    i = 0
    while i + 2 <= len(data):
        tl = data[i]
        if tl < 2 or i + tl > len(data):
            return
        yield data[i + 1], data[i + 2:i + tl]
        i += tl


def ebcdic(b: bytes) -> str:
    try:
        return b.decode("cp500").rstrip()
    except UnicodeDecodeError:
        return b.hex()


def _triplets_text(data: bytes) -> str:
    parts = []
    for tid, body in iter_triplets(data):
        name = TRIPLET_NAMES.get(tid, f"X'{tid:02X}'")
        if tid == 0x02 and len(body) >= 2:       # FQN: type, format, name
            fmt, val = body[1], body[2:]
            if fmt == 0x10:                      # an OID
                txt = "OID:" + val.hex()
            elif len(val) == 1:                  # a one-byte local id (X'BE')
                txt = f"lid={val[0]}"
            elif len(val) >= 2 and all(c == 0 for c in val[0::2]):
                txt = val.decode("utf-16-be")    # CGCSGID 1200 (UTF-16BE) names
            else:
                txt = ebcdic(val)
            parts.append(f"FQN(X'{body[0]:02X}',{txt!r})")
        elif tid == 0x10 and len(body) >= 22:    # object classification
            # reserved, class, reserved(2), structure flags(2), OID(16), type name(32), ...
            oid = body[6:22].rstrip(b"\0")
            parts.append(f"ObjClass(class=X'{body[1]:02X}',flags=X'{body[4]:02X}{body[5]:02X}',"
                         f"oid={oid.hex()},{ebcdic(body[22:54])!r})")
        elif tid == 0x21 and body:
            parts.append(f"ResourceObjectType(X'{body[0]:02X}')")
        elif tid == 0x8B and len(body) >= 12:    # data-object font descriptor
            # flags, technology, vertical size (1/1440 in), h-scale, rotation, enc env, enc id
            parts.append(f"DOFontDesc(tech=X'{body[1]:02X}',"
                         f"size={int.from_bytes(body[2:4], 'big') / 20:g}pt,"
                         f"rot={int.from_bytes(body[6:8], 'big')},"
                         f"encenv={int.from_bytes(body[8:10], 'big')},"
                         f"encid={int.from_bytes(body[10:12], 'big')})")
        elif tid in (0x24, 0x22):
            parts.append(f"{name}({body.hex()})")
        else:
            parts.append(f"{name}({body.hex()[:48]}{'..' if len(body) > 24 else ''})")
    return ", ".join(parts)


def iter_ptoca(data: bytes, chained: bool = False) -> Iterator[tuple[int, bytes]]:
    """PTOCA control sequences of one PTX: (function type, parameters).

    X'2BD3' starts a chain of control sequences (length, type, parameters);
    an odd type chains to the next one, which then has no X'2BD3'. A chain
    may go on in the next PTX of the same object (FOP does that when a PTX
    is full): pass chained=True for that PTX."""
    i = 0
    while i < len(data):
        if not chained:
            if data[i:i + 2] != b"\x2B\xD3":
                raise ValueError(f"PTX offset {i}: expected X'2BD3', got {data[i:i + 2].hex()}")
            i += 2
        ln, ft = data[i], data[i + 1]
        if ln < 2:
            raise ValueError(f"PTX offset {i}: control sequence length {ln}")
        yield ft, data[i + 2:i + ln]
        chained = bool(ft & 1)
        i += ln


def _ptoca_text(data: bytes, limit: int = 4000) -> str:
    chained = data[:2] != b"\x2B\xD3"
    out = ["(chain continued)"] if chained else []
    try:
        for ft, p in iter_ptoca(data, chained):
            if len(out) >= limit:
                break
            name = PTOCA_NAMES.get(ft & 0xFE, f"X'{ft & 0xFE:02X}'")
            if name == "TRN":
                out.append(f"TRN[{p.hex()}]")
            elif name in ("AMI", "AMB", "RMI", "RMB", "SIA", "SVI") and len(p) >= 2:
                out.append(f"{name}({int.from_bytes(p[:2], 'big', signed=True)})")
            elif name == "SCFL":
                out.append(f"SCFL({p[0]})")
            elif name in ("DIR", "DBR") and len(p) >= 2:
                w = int.from_bytes(p[2:4], "big", signed=True) if len(p) >= 4 else None
                out.append(f"{name}({int.from_bytes(p[:2], 'big', signed=True)},{w})")
            else:
                out.append(f"{name}({p.hex()})")
    except ValueError as e:
        out.append(f"<{e}>")
    return " ".join(out)


def _detail(sf: SF) -> str:
    a = sf.abbrev
    d = sf.data
    if a in ("PTX",):
        return _ptoca_text(d)
    if a in ("OCD", "IPD", "GAD"):
        return f"{len(d)} bytes: {d[:24].hex()}{'..' if len(d) > 24 else ''}"
    if a.startswith(("B", "E")) and a not in ("BDD", "BDA") and len(d) >= 8:
        # name (8 bytes), then triplets; BRS and BDT have two reserved bytes first
        start = 10 if a in ("BRS", "BDT") else 8
        return f"{ebcdic(d[:8])!r} " + _triplets_text(d[start:])
    if a in ("MDR", "MCF", "MIO", "MGO", "MCD", "MPS", "MBC"):
        # repeating groups: 2-byte length then triplets
        groups, i = [], 0
        while i + 2 <= len(d):
            gl = int.from_bytes(d[i:i + 2], "big")
            if gl < 2:
                break
            groups.append("{" + _triplets_text(d[i + 2:i + gl]) + "}")
            i += gl
        return " ".join(groups)
    if a in ("IOB",) and len(d) >= 27:
        return (f"{ebcdic(d[:8])!r} type=X'{d[9]:02X}' x={int.from_bytes(d[10:13], 'big', signed=True)}"
                f" y={int.from_bytes(d[13:16], 'big', signed=True)} " + _triplets_text(d[27:]))
    if a in ("PGD", "PTD", "OBD", "OBP", "IDD", "CDD", "GDD"):
        return d.hex()[:96]
    return d.hex()[:64]


def listing(buf: bytes, detail: bool = False, collapse: bool = False) -> list[str]:
    lines: list[str] = []
    depth = 0
    run: list = []

    def flush():
        if not run:
            return
        if collapse and len(run) > 1:
            tot = sum(s.length for s in run)
            lines.append(f"{'  ' * depth}{run[0].abbrev} x{len(run)}  {tot} bytes")
        else:
            for s in run:
                extra = f"  {_detail(s)}" if detail else ""
                lines.append(f"{'  ' * depth}{s.abbrev} {s.length}{extra}")
        run.clear()

    for sf in iter_sfs(buf):
        ty = (sf.sfid >> 8) & 0xFF
        if ty == END_TYPE:
            flush()
            depth = max(depth - 1, 0)
        if run and (run[0].sfid != sf.sfid or ty in (BEGIN_TYPE, END_TYPE)):
            flush()
        run.append(sf)
        if ty in (BEGIN_TYPE, END_TYPE):
            flush()
        if ty == BEGIN_TYPE:
            depth += 1
    flush()
    return lines


def summary(buf: bytes) -> list[str]:
    count = collections.Counter()
    size = collections.Counter()
    for sf in iter_sfs(buf):
        count[sf.abbrev] += 1
        size[sf.abbrev] += sf.length + 1
    total = sum(size.values())
    out = [f"{'SF':6} {'count':>7} {'bytes':>10} {'share':>6}"]
    for k, v in size.most_common():
        out.append(f"{k:6} {count[k]:7d} {v:10d} {100 * v / total:5.1f}%")
    out.append(f"{'total':6} {sum(count.values()):7d} {total:10d}")
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file")
    ap.add_argument("--detail", action="store_true", help="decode triplets, PTOCA and data heads")
    ap.add_argument("--collapse", action="store_true", help="runs of the same SF on one line")
    ap.add_argument("--summary", action="store_true", help="count and bytes per SF type")
    a = ap.parse_args(argv)
    buf = open(a.file, "rb").read()
    out = summary(buf) if a.summary else listing(buf, a.detail, a.collapse)
    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
