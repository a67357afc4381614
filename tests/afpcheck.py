"""An independent structure check for AFP (MO:DCA) print streams.

Written for the test suite to verify the AFP pressrun writes, without using
any of pressrun's code or constants: the framing, the table of structured
field identifiers and the containment rules below were written from the
MO:DCA rules, not from pressrun's writer.

Sources of the identifier table (``SF_NAMES``)
----------------------------------------------
* yan74/afplib, ``org.afplib.generator/src/model.xmi``: a model of every
  structured field, generated from the MO:DCA reference (129 fields).
* afpdev/alpheusafpparser, ``com/mgz/afp/enums/SFTypeID.java`` (135 fields;
  it adds the line-data / page-definition fields CCP, FDS, FDX, IDM, RCD, XMD).
The two agree on every id they share; the table holds their union.  The
``afp`` package (mdneale/afp, 41 fields) agrees too; test_afpcheck.py checks
that.  Format names follow alpheus' convention: ``MCF1``/``MCF`` (X'D3B18A' / X'D3AB8A'),
``PTD1``/``PTD`` (X'D3A69B' / X'D3B19B'), ``PGP1``/``PGP`` (X'D3ACAF' /
X'D3B1AF').  Layouts of the TLE triplets (X'02' fully qualified name,
X'36' attribute value) and of the PGD come from the same model.

What is checked
---------------
Framing (MO:DCA structured field introducer): X'5A' carriage control, a
2-byte length 8..32767 that stays inside the data, a 3-byte id that is in
the table, flags (X'80' extension: the first data byte is the extension
length; X'20' segmented: the data continues in the next field, which must
have the same id; X'08' padding: the last data byte counts the padding, or
X'00' and the two bytes before it do; other flag bits are reserved and
must be zero), and the 2 reserved bytes, which must be zero.  After a field
that cannot be framed, framing resumes at the next X'5A' that starts a known
field followed by another X'5A' (or the end), and says how much it skipped.

Containment (``ALLOWED``) follows the object structures of the MO:DCA
Reference (print file, resource group, document, page group, page, overlay,
page segment, environment groups, data objects, form map); no text of the
reference was at hand, so these were written from its rules as known and
compared with Apache FOP's AFP output and the javadoc of FOP's
org.apache.fop.afp.modca classes.  Where unsure the table is lenient (it
allows, for instance, internal medium maps in a document, PTD in an object
environment group, and MPG in an active environment group).

Structure: begin/end pairs match and nest; an end naming its object (not the
X'FFFF' wildcard) names the begin's object; each field appears only inside
the containers MO:DCA allows it in (``ALLOWED`` below); the print file
resource group comes before the first document; pages and overlays start
with their active environment group, which holds exactly one PGD and at
most one PTD; a data object's object environment group comes first; a form
map's document environment group precedes its medium maps; a resource
(BRS..ERS) holds one object; a document holds pages; nothing but NOP
follows an EPF.  TLEs (allowed in page groups, pages and document indexes,
not directly in a document) must carry an attribute name (X'02' triplet of
type X'0B', character string) and an attribute value (X'36'); the triplets
must tile the field.  A PGD has at least its 15 fixed bytes.

Not checked: the contents of most fields (triplets other than in TLEs,
PTOCA, IOCA, GOCA, BCOCA data), the order of fields inside an environment
group, references (that an IOB/IPS/MCF names an existing resource), the
interchange-set subsets (IS/1 vs IS/3 field formats), page definitions and
line data.

Usage::

    report = check(data)          # bytes, or a path to read
    report.problems, report.groups, report.page_count, report.sf_counts
    assert_valid(data, pages_per_group=[2, 1])
"""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field

__all__ = ["SF_NAMES", "ALLOWED", "Field", "Group", "Page", "AfpReport",
           "frame", "check", "assert_valid"]

# --------------------------------------------------------------------------
# Structured field identifiers (class X'D3', type, category)
# --------------------------------------------------------------------------

_IDS = """
D38C87 CPI  D38C89 FNI  D38C8A CFI  D3A088 MFC  D3A090 TLE  D3A288 MCC
D3A289 FNM  D3A66B OBD  D3A67B IID  D3A687 CPD  D3A688 MDD  D3A689 FND
D3A68D RCD  D3A68E XMD  D3A692 CDD  D3A69B PTD1 D3A6AF PGD  D3A6BB GDD
D3A6C5 FGD  D3A6E3 DXD  D3A6E7 LND  D3A6EB BDD  D3A6FB IDD  D3A77B IOC
D3A787 CPC  D3A788 MMC  D3A789 FNC  D3A78A CFC  D3A79B CTC  D3A7A8 PEC
D3A7AF PMC  D3A7CA CCP  D3A85F BPS  D3A877 BCA  D3A87B BII  D3A887 BCP
D3A889 BFN  D3A88A BCF  D3A892 BOC  D3A89B BPT  D3A8A5 BPF  D3A8A7 BDI
D3A8A8 BDT  D3A8AD BNG  D3A8AF BPG  D3A8BB BGR  D3A8C4 BDG  D3A8C5 BFG
D3A8C6 BRG  D3A8C7 BOG  D3A8C9 BAG  D3A8CA BDM  D3A8CB BPM  D3A8CC BMM
D3A8CD BFM  D3A8CE BRS  D3A8D9 BSG  D3A8DF BMO  D3A8E3 BDX  D3A8EB BBC
D3A8FB BIM  D3A95F EPS  D3A977 ECA  D3A97B EII  D3A987 ECP  D3A989 EFN
D3A98A ECF  D3A992 EOC  D3A99B EPT  D3A9A5 EPF  D3A9A7 EDI  D3A9A8 EDT
D3A9AD ENG  D3A9AF EPG  D3A9BB EGR  D3A9C4 EDG  D3A9C5 EFG  D3A9C6 ERG
D3A9C7 EOG  D3A9C9 EAG  D3A9CA EDM  D3A9CB EPM  D3A9CC EMM  D3A9CD EFM
D3A9CE ERS  D3A9D9 ESG  D3A9DF EMO  D3A9E3 EDX  D3A9EB EBC  D3A9FB EIM
D3AAE7 LNC  D3AAEC FDS  D3AB77 MCA  D3AB88 MMT  D3AB89 FNN  D3AB8A MCF
D3AB92 MCD  D3ABAF MPG  D3ABBB MGO  D3ABC3 MDR  D3ABCA IDM  D3ABCC IMM
D3ABCD MMD  D3ABD8 MPO  D3ABEA MSU  D3ABEB MBC  D3ABFB MIO  D3AC6B OBP
D3AC7B ICP  D3AC89 FNP  D3ACAF PGP1 D3ADC3 PPO  D3AE89 FNO  D3AF5F IPS
D3AFAF IPG  D3AFC3 IOB  D3AFD8 IPO  D3B077 CAT  D3B15F MPS  D3B18A MCF1
D3B19B PTD  D3B1AF PGP  D3B1DF MMO  D3B288 PFC  D3B2A7 IEL  D3B490 LLE
D3EE7B IRD  D3EE89 FNG  D3EE92 OCD  D3EE9B PTX  D3EEBB GAD  D3EEEB BDA
D3EEEC FDX  D3EEEE NOP  D3EEFB IPD
"""

_tokens = _IDS.split()
SF_NAMES: dict[bytes, str] = {bytes.fromhex(_tokens[i]): _tokens[i + 1]
                              for i in range(0, len(_tokens), 2)}
SF_IDS: dict[str, bytes] = {name: sf_id for sf_id, name in SF_NAMES.items()}
del _tokens

#: begin name -> end name.  (BDA and BDD are Bar code DAta / Data Descriptor.)
PAIRS = {name: "E" + name[1:] for name in SF_IDS
         if name.startswith("B") and name not in ("BDA", "BDD")}
ENDS = {end: begin for begin, end in PAIRS.items()}
assert all(end in SF_IDS for end in ENDS), "table lacks an end field"

# --------------------------------------------------------------------------
# Containment (MO:DCA object structures).  None is the top of the file.
# NOP may appear anywhere and is not listed.
# --------------------------------------------------------------------------

_DATA_OBJECTS = {"BPT", "BIM", "BGR", "BBC", "BOC", "BII"}
_PAGE_CONTENT = _DATA_OBJECTS | {"BAG", "IOB", "IPS", "IPO", "IPG", "TLE", "LLE"}
_MEDIUM = {"MMO", "MPO", "MSU", "PFC", "PEC", "MDD", "MCC", "MMC", "MMT", "MMD",
           "MFC", "PGP", "PGP1", "PMC", "CTC"}

ALLOWED: dict[str | None, set[str]] = {
    None: {"BPF", "BRG", "BDT", "BDI"},
    "BPF": {"BRG", "BDT", "BDI"},                       # print file
    "BRG": {"BRS"},                                     # resource group
    "BRS": {"BMO", "BPS", "BFM", "BCF", "BCP", "BFN", "BDT", "BPG", "BDI",
            "BCA"} | _DATA_OBJECTS,                     # one resource
    "BDT": {"BNG", "BPG", "BSG", "IMM", "LLE", "BMM"},  # document
    "BNG": {"BNG", "BPG", "BSG", "IMM", "TLE", "LLE"},  # (named) page group
    "BPG": set(_PAGE_CONTENT),                          # page
    "BMO": set(_PAGE_CONTENT),                          # overlay
    "BAG": {"PEC", "MCF", "MCF1", "MDR", "MPO", "MPS", "MPG", "PGD", "OBD",
            "OBP", "PTD", "PTD1"},                      # active environment group
    "BSG": {"MDR", "MPO", "PPO"},                       # resource environment group
    "BOG": {"PEC", "OBD", "OBP", "MIO", "MGO", "MBC", "MCD", "MDR", "IDD",
            "GDD", "BDD", "CDD", "PTD", "PTD1"},        # object environment group
    "BPT": {"BOG", "PTX"},
    "BIM": {"BOG", "IPD"},
    "BGR": {"BOG", "GAD"},
    "BBC": {"BOG", "BDA"},
    "BOC": {"BOG", "OCD"},
    "BII": {"BOG", "IOC", "IID", "ICP", "IRD"},         # IM image (retired)
    "BPS": set(_DATA_OBJECTS) | {"IOB"},                # page segment
    "BFM": {"BDG", "BMM"},                              # form map
    "BDG": set(_MEDIUM),                                # document environment group
    "BMM": set(_MEDIUM) | {"BFG"},                      # medium map
    "BFG": set(_MEDIUM) | {"FGD"},                      # form environment group (retired)
    "BDI": {"IEL", "TLE", "LLE"},                       # document index
    "BCF": {"CFC", "CFI"},                              # FOCA coded font
    "BCP": {"CPD", "CPC", "CPI"},                       # FOCA code page
    "BFN": {"FND", "FNC", "FNM", "FNO", "FNP", "FNI", "FNN", "FNG"},  # FOCA font
    "BCA": {"CAT"},                                     # colour attribute table (retired)
}

_CONTAINER_WORDS = {
    None: "the top level", "BPF": "a print file", "BRG": "a resource group",
    "BRS": "a resource", "BDT": "a document", "BNG": "a page group",
    "BPG": "a page", "BMO": "an overlay", "BAG": "an active environment group",
    "BSG": "a resource environment group", "BOG": "an object environment group",
    "BPT": "a presentation text object", "BIM": "an image object",
    "BGR": "a graphics object", "BBC": "a bar code object",
    "BOC": "an object container", "BII": "an IM image", "BPS": "a page segment",
    "BFM": "a form map", "BDG": "a document environment group",
    "BMM": "a medium map", "BFG": "a form environment group",
    "BDI": "a document index", "BCF": "a coded font", "BCP": "a code page",
    "BFN": "a font", "BCA": "a colour attribute table",
}

_FLAG_EXTENSION = 0x80
_FLAG_SEGMENTED = 0x20
_FLAG_PADDING = 0x08
_FLAG_RESERVED = 0xFF & ~(_FLAG_EXTENSION | _FLAG_SEGMENTED | _FLAG_PADDING)

_ENCODING = "cp500"


# --------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------

@dataclass
class Field:
    """One structured field (segments joined into the first one)."""
    offset: int            # offset of its X'5A'
    sf_id: bytes
    flags: int
    data: bytes            # the data: no extension, no padding
    segments: int = 1

    @property
    def name(self) -> str:
        return SF_NAMES.get(self.sf_id) or "X'%s'" % self.sf_id.hex().upper()

    def where(self) -> str:
        return "offset %d (%s)" % (self.offset, self.name)


@dataclass
class Group:
    name: str
    tags: dict = field(default_factory=dict)
    pages: int = 0
    offset: int = 0
    tag_list: list = field(default_factory=list)   # [(name, value)] in order
    depth: int = 0                                 # 0 for a group in a document


@dataclass
class Page:
    name: str
    offset: int = 0
    group: str | None = None       # innermost enclosing page group
    tags: dict = field(default_factory=dict)
    size: tuple | None = None      # (x, y) in PGD units
    units: tuple | None = None     # (x units per base, y units per base), base


@dataclass
class AfpReport:
    problems: list = field(default_factory=list)
    groups: list = field(default_factory=list)
    pages: list = field(default_factory=list)
    documents: int = 0
    sf_counts: Counter = field(default_factory=Counter)
    fields: list = field(default_factory=list)

    @property
    def page_count(self) -> int:
        return len(self.pages)

    @property
    def group_count(self) -> int:
        return len(self.groups)

    @property
    def ok(self) -> bool:
        return not self.problems


# --------------------------------------------------------------------------
# Framing
# --------------------------------------------------------------------------

def frame(data: bytes, problems: list | None = None) -> list[Field]:
    """The structured fields of ``data``; framing problems go to ``problems``."""
    if problems is None:
        problems = []
    fields: list[Field] = []
    pending: Field | None = None      # a segmented field awaiting its next segment
    offset, end = 0, len(data)
    previous = ""        # names the field before, whose length led here
    while offset < end:
        if data[offset] != 0x5A:
            problems.append("offset %d: expected X'5A' carriage control, found X'%02X'%s"
                            % (offset, data[offset], previous))
            offset = _resync(data, offset + 1, problems)
            previous = ""
            continue
        if end - offset < 9:
            problems.append("offset %d: truncated file: %d bytes, a structured field "
                            "introducer needs 9" % (offset, end - offset))
            break
        length = int.from_bytes(data[offset + 1:offset + 3], "big")
        sf_id = bytes(data[offset + 3:offset + 6])
        flags = data[offset + 6]
        here = _Where(offset, sf_id)
        if length < 8:
            problems.append("%s: length %d is less than the 8-byte introducer"
                            % (here, length))
            offset = _resync(data, offset + 1, problems)
            previous = ""
            continue
        if length > 32767:
            problems.append("%s: length %d exceeds 32767" % (here, length))
        if offset + 1 + length > end:
            problems.append("%s: length %d runs past the end of the data "
                            "(truncated file? %d bytes left)"
                            % (here, length, end - offset - 1))
            offset = _resync(data, offset + 1, problems)
            previous = ""
            continue
        if sf_id not in SF_NAMES:
            problems.append("offset %d: unknown structured field id X'%s'"
                            % (offset, sf_id.hex().upper()))
        if flags & _FLAG_RESERVED:
            problems.append("%s: reserved flag bits set (flags X'%02X')" % (here, flags))
        reserved = data[offset + 7:offset + 9]
        if reserved != b"\0\0":
            problems.append("%s: reserved introducer bytes are X'%s', not zero"
                            % (here, reserved.hex().upper()))
        body = bytes(data[offset + 9:offset + 1 + length])
        if flags & _FLAG_EXTENSION:
            if not body:
                problems.append("%s: extension flag set but no extension length" % here)
            else:
                ext = body[0]
                if ext < 1 or ext > len(body):
                    problems.append("%s: extension length %d does not fit the %d data bytes"
                                    % (here, ext, len(body)))
                    ext = len(body)
                body = body[ext:]
        if flags & _FLAG_PADDING:
            pad = body[-1] if body else 0
            if body and pad == 0:
                pad = int.from_bytes(body[-3:-1], "big") if len(body) >= 3 else 0
                if pad < 3:
                    pad = 0
            if pad < 1 or pad > len(body):
                problems.append("%s: padding flag set but padding length does not fit "
                                "the %d data bytes" % (here, len(body)))
            else:
                body = body[:-pad]
        previous = _After(here, length)
        if pending is not None:
            if sf_id == pending.sf_id:
                pending.data += body
                pending.segments += 1
                if not flags & _FLAG_SEGMENTED:
                    pending = None
                offset += 1 + length
                continue
            problems.append("%s: segmented, but the next field, %s, has another id"
                            % (pending.where(), here))
            pending = None
        current = Field(offset, sf_id, flags, body)
        fields.append(current)
        if flags & _FLAG_SEGMENTED:
            pending = current
        offset += 1 + length
    else:
        if pending is not None:
            problems.append("%s: segmented, but the data ends before its next segment"
                            % pending.where())
    return fields


class _Where:
    """Formats as "offset N (NAME)" when a message needs it."""
    __slots__ = ("offset", "sf_id")

    def __init__(self, offset: int, sf_id: bytes):
        self.offset, self.sf_id = offset, sf_id

    def __str__(self) -> str:
        name = SF_NAMES.get(self.sf_id) or "X'%s'" % self.sf_id.hex().upper()
        return "offset %d (%s)" % (self.offset, name)


class _After:
    __slots__ = ("where", "length")

    def __init__(self, where: _Where, length: int):
        self.where, self.length = where, length

    def __str__(self) -> str:
        return " (after %s, length %d)" % (self.where, self.length)


def _plausible(data: bytes, at: int) -> bool:
    """A known field starts at ``at`` and is followed by another, or the end."""
    if at + 9 > len(data) or data[at] != 0x5A or bytes(data[at + 3:at + 6]) not in SF_NAMES:
        return False
    length = int.from_bytes(data[at + 1:at + 3], "big")
    after = at + 1 + length
    return length >= 8 and (after == len(data)
                            or (after < len(data) and data[after] == 0x5A))


def _resync(data: bytes, start: int, problems: list) -> int:
    """The next offset from ``start`` where framing can go on (or the end)."""
    at = data.find(b"\x5a", start)
    while at != -1 and not _plausible(data, at):
        at = data.find(b"\x5a", at + 1)
    if at == -1:
        problems.append("framing stops: no structured field found in the last %d bytes"
                        % (len(data) - start + 1))
        return len(data)
    problems.append("framing resumes at offset %d (%d bytes skipped)" % (at, at - start + 1))
    return at


# --------------------------------------------------------------------------
# Triplets
# --------------------------------------------------------------------------

def _triplets(data: bytes, where: str, problems: list) -> list[tuple[int, bytes]]:
    """(id, whole triplet) for the triplets that tile ``data``."""
    out, i = [], 0
    while i < len(data):
        length = data[i]
        if length < 2 or i + length > len(data):
            problems.append("%s: triplet at data offset %d has length %d, which does "
                            "not fit the %d bytes left" % (where, i, length, len(data) - i))
            break
        out.append((data[i + 1], data[i:i + length]))
        i += length
    return out


def _decode(raw: bytes) -> str:
    return raw.decode(_ENCODING, errors="replace")


def _tle(sf: Field, problems: list) -> tuple[str, str] | None:
    """(attribute name, attribute value) of a Tag Logical Element."""
    name = value = None
    for tid, trip in _triplets(sf.data, sf.where(), problems):
        if tid == 0x02 and len(trip) >= 4 and trip[2] == 0x0B:
            if trip[3] != 0x00:
                problems.append("%s: attribute name is not a character string "
                                "(FQN format X'%02X')" % (sf.where(), trip[3]))
            name = _decode(trip[4:])
        elif tid == 0x36:
            if len(trip) < 4:
                problems.append("%s: attribute value triplet too short" % sf.where())
            else:
                value = _decode(trip[4:])
    if name is None:
        problems.append("%s: no attribute name (X'02' triplet of type X'0B')" % sf.where())
    if value is None:
        problems.append("%s: no attribute value (X'36' triplet)" % sf.where())
    if name is None or value is None:
        return None
    return name, value


def _object_name(sf: Field) -> bytes | None:
    return sf.data[:8] if len(sf.data) >= 8 else None


def _text_name(raw: bytes | None) -> str:
    return _decode(raw).rstrip(" \0") if raw else ""


# --------------------------------------------------------------------------
# Structure
# --------------------------------------------------------------------------

@dataclass
class _Open:
    sf: Field
    name: str
    seen: Counter = field(default_factory=Counter)   # children's names
    children: int = 0                                # non-NOP children
    group: Group | None = None
    page: Page | None = None
    in_resource: bool = False


def _describe(container: str | None) -> str:
    return _CONTAINER_WORDS.get(container, container or "")


def check(data) -> AfpReport:
    """Frame and check ``data`` (bytes, or a path to read)."""
    if isinstance(data, (str, os.PathLike)):
        with open(data, "rb") as f:
            data = f.read()
    report = AfpReport()
    problems = report.problems
    fields = frame(data, problems)
    report.fields = fields
    stack: list[_Open] = []
    top = _Open(Field(0, b"", 0, b""), None)   # the top level
    after_epf = False
    groups_open: list[Group] = []

    def parent() -> _Open:
        return stack[-1] if stack else top

    for sf in fields:
        name = SF_NAMES.get(sf.sf_id)
        report.sf_counts[sf.name] += 1
        if name is None:
            continue                  # reported while framing
        if name == "NOP":
            continue
        if name in ENDS:
            _close(sf, name, stack, problems, report, groups_open)
            if name == "EPF" and not stack:
                after_epf = True
            continue

        where = parent()
        container = where.name
        if after_epf and not stack:
            problems.append("%s: follows the end of the print file (EPF)" % sf.where())
        if name not in ALLOWED.get(container, ()):
            hint = ""
            if stack and any(name in ALLOWED.get(o.name, ())
                             for o in [top] + stack[:-1]):
                hint = "; is its %s missing?" % PAIRS[container]
            problems.append("%s: not allowed in %s%s%s"
                            % (sf.where(), _describe(container),
                               "" if container is None else " (%s at offset %d)"
                               % (container, where.sf.offset), hint))
        _order(sf, name, where, problems)
        where.seen[name] += 1
        where.children += 1
        in_resource = where.in_resource or container == "BRS"

        if name == "TLE":
            tag = _tle(sf, problems)
            if tag is not None:
                if where.group is not None and container == "BNG":
                    where.group.tags[tag[0]] = tag[1]
                    where.group.tag_list.append(tag)
                elif where.page is not None and container == "BPG":
                    where.page.tags[tag[0]] = tag[1]
        elif name == "PGD":
            page = _enclosing_page(stack)
            if len(sf.data) < 15:
                problems.append("%s: %d data bytes, a page descriptor has 15"
                                % (sf.where(), len(sf.data)))
            elif page is not None:
                d = sf.data
                page.units = (int.from_bytes(d[2:4], "big"),
                              int.from_bytes(d[4:6], "big"), d[0])
                page.size = (int.from_bytes(d[6:9], "big"),
                             int.from_bytes(d[9:12], "big"))

        if name in PAIRS:
            frame_ = _Open(sf, name, in_resource=in_resource)
            if name == "BNG" and not in_resource:
                group = Group(_text_name(_object_name(sf)), offset=sf.offset,
                              depth=len(groups_open))
                report.groups.append(group)
                groups_open.append(group)
                frame_.group = group
            elif name == "BPG" and not in_resource:
                page = Page(_text_name(_object_name(sf)), offset=sf.offset,
                            group=groups_open[-1].name if groups_open else None)
                report.pages.append(page)
                for group in groups_open:
                    group.pages += 1
                frame_.page = page
            elif name == "BDT" and not in_resource:
                report.documents += 1
            stack.append(frame_)

    for still in reversed(stack):
        problems.append("%s: never ended (no %s before the end of the data)"
                        % (still.sf.where(), PAIRS[still.name]))
        _finish(still, problems)
    if not fields and not problems:
        problems.append("no structured fields")
    return report


def _enclosing_page(stack: list[_Open]) -> Page | None:
    for frame_ in reversed(stack):
        if frame_.name in ("BPG", "BMO", "BDT", "BRS"):
            return frame_.page
    return None


def _order(sf: Field, name: str, where: _Open, problems: list) -> None:
    """Order rules inside a container, checked as each child arrives."""
    container = where.name
    if container in ("BPG", "BMO"):
        if name == "BAG":
            if where.seen["BAG"]:
                problems.append("%s: a second active environment group in the %s at "
                                "offset %d" % (sf.where(), container, where.sf.offset))
            elif where.children:
                problems.append("%s: the active environment group must come first in "
                                "the %s at offset %d" % (sf.where(), container,
                                                         where.sf.offset))
        elif not where.seen["BAG"] and not where.children:
            problems.append("%s: %s at offset %d does not begin with an active "
                            "environment group (BAG)" % (sf.where(), container,
                                                         where.sf.offset))
    elif container in ALLOWED and "BOG" in ALLOWED[container] and container != "BAG":
        if name == "BOG" and (where.seen["BOG"] or where.children):
            problems.append("%s: the object environment group must come first, once, "
                            "in the %s at offset %d" % (sf.where(), container,
                                                        where.sf.offset))
    elif container == "BFM" and name == "BDG" and where.children:
        problems.append("%s: the document environment group must precede the medium "
                        "maps of the form map at offset %d" % (sf.where(), where.sf.offset))
    elif container in (None, "BPF") and name == "BRG" and where.seen["BDT"]:
        problems.append("%s: the print file resource group must precede the "
                        "documents" % sf.where())
    if container is None and name == "BPF" and where.seen["BPF"]:
        problems.append("%s: a second print file" % sf.where())


def _close(sf: Field, end: str, stack: list[_Open], problems: list,
           report: AfpReport, groups_open: list[Group]) -> None:
    begin = ENDS[end]
    if not stack or stack[-1].name != begin:
        depth = next((i for i in range(len(stack) - 1, -1, -1)
                      if stack[i].name == begin), None)
        if depth is None:
            if stack:
                problems.append("%s: no open %s to end (the innermost open object is "
                                "%s at offset %d)" % (sf.where(), begin, stack[-1].name,
                                                      stack[-1].sf.offset))
            else:
                problems.append("%s: no open %s to end" % (sf.where(), begin))
            return
        while len(stack) > depth + 1:
            inner = stack.pop()
            problems.append("%s: ends %s at offset %d, but %s at offset %d is still "
                            "open (missing %s)" % (sf.where(), begin, stack[depth].sf.offset,
                                                   inner.name, inner.sf.offset,
                                                   PAIRS[inner.name]))
            _finish(inner, problems)
            if inner.group is not None and groups_open and groups_open[-1] is inner.group:
                groups_open.pop()
    opened = stack.pop()
    begin_name = _object_name(opened.sf)
    end_name = _object_name(sf)
    if end_name is not None and end_name[:2] != b"\xff\xff" and end_name != begin_name:
        problems.append("%s: names %r, but its %s at offset %d names %r"
                        % (sf.where(), _text_name(end_name), begin, opened.sf.offset,
                           _text_name(begin_name)))
    _finish(opened, problems)
    if opened.group is not None and groups_open and groups_open[-1] is opened.group:
        groups_open.pop()


def _finish(opened: _Open, problems: list) -> None:
    """Rules on what a container held, checked when it ends."""
    where = _Where(opened.sf.offset, opened.sf.sf_id)
    seen = opened.seen
    if opened.name in ("BPG", "BMO") and not seen["BAG"]:
        problems.append("%s: has no active environment group (BAG..EAG)" % where)
    elif opened.name == "BAG":
        if seen["PGD"] != 1:
            problems.append("%s: holds %d page descriptors (PGD), not exactly one"
                            % (where, seen["PGD"]))
        if seen["PTD"] + seen["PTD1"] > 1:
            problems.append("%s: holds %d presentation text descriptors (PTD), at most "
                            "one is allowed" % (where, seen["PTD"] + seen["PTD1"]))
    elif opened.name == "BRS" and opened.children > 1:
        problems.append("%s: holds %d objects, a resource holds one"
                        % (where, opened.children))
    elif opened.name == "BDT" and not (seen["BPG"] or seen["BNG"]):
        problems.append("%s: a document with no pages" % where)


def assert_valid(data, pages_per_group=None) -> AfpReport:
    """Raise AssertionError listing every problem; returns the report.

    With ``pages_per_group`` (a list of ints), each page group, in order,
    must hold that many pages.
    """
    report = check(data)
    problems = list(report.problems)
    if pages_per_group is not None:
        got = [group.pages for group in report.groups]
        expected = list(pages_per_group)
        if len(got) != len(expected):
            problems.append("%d page groups, expected %d" % (len(got), len(expected)))
        for i, (g, e) in enumerate(zip(got, expected)):
            if g != e:
                problems.append("page group %d (%r) holds %d pages, expected %d"
                                % (i, report.groups[i].name, g, e))
    assert not problems, "AFP structure problems:\n  " + "\n  ".join(problems)
    return report
