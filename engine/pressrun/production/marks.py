"""The production marks of a chunk of pieces, as the core's write_pieces
takes them: per mark a kind, geometry, output page and text.

    inserter (OMR tracks or a DataMatrix) on the front of every sheet
    postal barcode (Australia Post 4-state or USPS IMb) on each piece's first page
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .inserter import MatrixScheme, OmrScheme, matrix_payloads, omr_tracks, track_strings
from .profile import Postal

# PrMarkKind of pressrun.h
MARK_OMR, MARK_DATAMATRIX, MARK_AUSPOST, MARK_IMB = 1, 2, 6, 7
_SHAPES = {"square": 0, "rectangle": 1}


@dataclass
class Marks:
    kinds: np.ndarray       # uint8
    options: np.ndarray     # uint8
    geometry: np.ndarray    # float32 (marks, 5): x, y, module, width, height
    pages: np.ndarray       # int64 output page
    texts: list[bytes]

    @staticmethod
    def empty() -> "Marks":
        return Marks(np.zeros(0, np.uint8), np.zeros(0, np.uint8), np.zeros((0, 5), np.float32),
                     np.zeros(0, np.int64), [])


def _one_kind(kind: int, option: int, geometry: tuple, pages: np.ndarray, texts: list[bytes]) -> Marks:
    n = len(pages)
    return Marks(np.full(n, kind, np.uint8), np.full(n, option, np.uint8),
                 np.tile(np.asarray(geometry, np.float32), (n, 1)), pages.astype(np.int64), texts)


def concat(parts: list[Marks]) -> Marks:
    """Marks of several kinds, ordered by page (stable: kinds keep their order on a page)."""
    parts = [p for p in parts if len(p.pages)]
    if not parts:
        return Marks.empty()
    pages = np.concatenate([p.pages for p in parts])
    order = np.argsort(pages, kind="stable")
    texts = [t for p in parts for t in p.texts]
    return Marks(np.concatenate([p.kinds for p in parts])[order],
                 np.concatenate([p.options for p in parts])[order],
                 np.concatenate([p.geometry for p in parts])[order], pages[order],
                 [texts[i] for i in order])


def inserter_marks(scheme, *, job_id: str, sheet_front: np.ndarray, piece_number: np.ndarray,
                   sheet_number: np.ndarray, sheets: np.ndarray, sequence: np.ndarray,
                   feeds: np.ndarray, divert: np.ndarray) -> tuple[Marks, list[str]]:
    """One mark per sheet (on its front) and the payload per sheet for the manifest."""
    if isinstance(scheme, OmrScheme):
        masks = omr_tracks(scheme, sheet=sheet_number, sheets=sheets, sequence=sequence, feeds=feeds,
                           divert=divert)
        payloads = track_strings(masks, len(scheme.tracks))
        geometry = (scheme.x_pt, scheme.y_pt, scheme.pitch_pt, scheme.length_pt, scheme.thickness_pt)
        kind, option = MARK_OMR, 0
    else:
        assert isinstance(scheme, MatrixScheme)
        payloads = matrix_payloads(scheme, job_id=job_id, piece_id=piece_number, sheet=sheet_number,
                                   sheets=sheets, feeds=feeds, divert=divert, sequence=sequence)
        geometry = (scheme.x_pt, scheme.y_pt, scheme.module_pt, 0.0, 0.0)
        kind, option = MARK_DATAMATRIX, _SHAPES[scheme.shape]
    return _one_kind(kind, option, geometry, sheet_front, [p.encode("ascii") for p in payloads]), payloads


def postal_payloads(postal: Postal, table: pa.Table) -> pa.Array:
    """What the postal barcode of each record encodes ("fcc|dpid[|customer]"
    or "tracking[|routing]"), as the core's mark drawer takes it."""
    def text(name: str) -> pa.Array:
        return pc.fill_null(pc.cast(table.column(name), pa.string()), "").combine_chunks()
    if postal.symbology == "auspost":
        parts = [pa.array([postal.fcc] * table.num_rows, pa.string()), text(postal.dpid)]
        if postal.customer:
            parts.append(text(postal.customer))
    else:
        parts = [text(postal.tracking)]
        if postal.routing:
            parts.append(text(postal.routing))
    if len(parts) == 1:
        return parts[0]
    return pc.binary_join_element_wise(*parts, "|")


def postal_problems(postal: Postal, table: pa.Table) -> list[tuple[np.ndarray, str, str]]:
    """Records whose postal data the symbology cannot take, checked before
    anything is composed: [(bool per record, the field at fault, the reason)]."""
    def bad(name: str, pattern: str) -> np.ndarray:
        values = pc.fill_null(pc.cast(table.column(name), pa.string()), "")
        return ~pc.match_substring_regex(values, pattern).to_numpy(zero_copy_only=False)
    if postal.symbology == "auspost":
        checks = [(bad(postal.dpid, r"^[0-9]{8}$"), postal.dpid, "a DPID is 8 digits")]
        if postal.customer:
            digits, letters = (8, 5) if postal.fcc == "59" else (15, 10)
            checks.append((bad(postal.customer, rf"^([0-9]{{0,{digits}}}|[A-Za-z0-9 #]{{0,{letters}}})$"),
                           postal.customer, f"customer information is up to {digits} digits or "
                                            f"{letters} of A-Z a-z 0-9 space #"))
        return checks
    checks = [(bad(postal.tracking, r"^[0-9][0-4][0-9]{18}$"), postal.tracking,
               "an IMb tracking code is 20 digits, the second 0-4")]
    if postal.routing:
        checks.append((bad(postal.routing, r"^([0-9]{5}|[0-9]{9}|[0-9]{11})?$"), postal.routing,
                       "an IMb routing code is empty or 5, 9 or 11 digits"))
    return checks


def postal_marks(postal: Postal, piece_first_page: np.ndarray, payloads: list[str]) -> Marks:
    kind = MARK_AUSPOST if postal.symbology == "auspost" else MARK_IMB
    geometry = (postal.x_pt, postal.y_pt, postal.pitch_pt, postal.bar_width_pt, postal.height_pt)
    return _one_kind(kind, 0, geometry, piece_first_page, [p.encode("ascii") for p in payloads])


def select(marks: Marks, page_map: np.ndarray) -> Marks:
    """The marks on output pages kept by page_map (old page -> new page, -1 dropped)."""
    new_pages = page_map[marks.pages]
    keep = new_pages >= 0
    index = np.flatnonzero(keep)
    return Marks(marks.kinds[index], marks.options[index], marks.geometry[index], new_pages[index],
                 [marks.texts[i] for i in index])


def text_buffer(texts: list[bytes]) -> tuple[bytes, np.ndarray]:
    offsets = np.zeros(len(texts) + 1, dtype=np.uint64)
    if texts:
        np.cumsum([len(t) for t in texts], out=offsets[1:])
    return b"".join(texts), offsets
