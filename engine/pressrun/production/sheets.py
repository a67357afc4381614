"""From composed documents to sheets: blank backs, insert sheets, the stock
and tray of every sheet, the piece's weight and its stream. Everything is
per chunk of pieces, in numpy: a job has millions of sheets.

    documents (pages)  ->  output pages (held page or -1 for blank)
                       ->  sheets (front page, stock, tray)
                       ->  piece weight -> the first stream that takes it
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .arrays import ranks_in_runs, run_starts
from .profile import Profile


@dataclass
class PieceSheets:
    """Pieces of one chunk laid out onto sheets (all arrays per piece, sheet or
    output page, in print order)."""
    pages: np.ndarray           # int64 per output page: held page, -1 blank
    piece_page_starts: np.ndarray  # int64, pieces + 1
    piece_sheet_starts: np.ndarray  # int64, pieces + 1
    sheet_piece: np.ndarray     # int64 per sheet: its piece
    sheet_number: np.ndarray    # int64 per sheet: 1-based within the piece
    sheet_front: np.ndarray     # int64 per sheet: output page of its front
    sheet_stock: np.ndarray     # int64 per sheet: index into stock_names
    sheet_insert: np.ndarray    # bool per sheet: an insert sheet
    pages_per_sheet: np.ndarray  # int64 per piece: 2 duplex, 1 simplex
    weight_g: np.ndarray        # float64 per piece: paper only
    stock_names: list[str]

    @property
    def sheets(self) -> np.ndarray:
        return np.diff(self.piece_sheet_starts)

    @property
    def page_counts(self) -> np.ndarray:
        return np.diff(self.piece_page_starts)


def lay_out_sheets(profile: Profile, *, doc_piece: np.ndarray, doc_first: np.ndarray,
                   doc_pages: np.ndarray, piece_count: int, duplex: np.ndarray,
                   inserts: np.ndarray, stock_when: dict[str, np.ndarray]) -> PieceSheets:
    """doc_*: the composed documents in print order (piece, first held page,
    pages; pieces in order, at least one document each). duplex: bool per piece.
    inserts: bool (pieces x insert rules). stock_when: condition name -> bool
    per piece (its first record's value)."""
    pps = np.where(duplex, 2, 1).astype(np.int64)
    doc_pps = pps[doc_piece]
    if profile.documents_start_new_sheet:
        doc_padded = doc_pages + (doc_pages % doc_pps)  # each document from a front
    else:
        doc_padded = doc_pages.copy()
    piece_doc_pages = np.bincount(doc_piece, weights=doc_padded, minlength=piece_count).astype(np.int64)
    piece_doc_pages += piece_doc_pages % pps      # the next piece starts on a front
    insert_count = inserts.sum(axis=1).astype(np.int64) if inserts.size else np.zeros(piece_count, np.int64)
    piece_pages = piece_doc_pages + insert_count * pps
    piece_page_starts = run_starts(piece_pages)
    pages = np.full(int(piece_page_starts[-1]), -1, dtype=np.int64)
    # Each document's pages at its place in its piece.
    doc_offset_in_piece = doc_padded.cumsum() - doc_padded
    first_doc_of_piece = np.searchsorted(doc_piece, np.arange(piece_count))
    doc_offset_in_piece -= doc_offset_in_piece[first_doc_of_piece][doc_piece]
    doc_out = piece_page_starts[:-1][doc_piece] + doc_offset_in_piece
    rank = ranks_in_runs(doc_pages)
    pages[np.repeat(doc_out, doc_pages) + rank] = np.repeat(doc_first, doc_pages) + rank

    sheets = piece_pages // pps
    piece_sheet_starts = run_starts(sheets)
    sheet_piece = np.repeat(np.arange(piece_count, dtype=np.int64), sheets)
    sheet_number = ranks_in_runs(sheets) + 1
    sheet_front = piece_page_starts[:-1][sheet_piece] + (sheet_number - 1) * pps[sheet_piece]
    doc_sheets = (piece_doc_pages // pps)[sheet_piece]
    sheet_insert = sheet_number > doc_sheets

    stock_names = list(profile.stocks)
    stock_index = {name: i for i, name in enumerate(stock_names)}
    sheet_stock = np.full(len(sheet_piece), -1, dtype=np.int64)
    first, last = sheet_number == 1, sheet_number == doc_sheets
    selectors = {"all": np.ones(len(sheet_piece), bool), "first": first, "not_first": ~first,
                 "last": last, "not_last": ~last}
    for rule in profile.stock_rules:
        mask = (sheet_stock < 0) & ~sheet_insert & selectors[rule.sheets]
        if rule.when is not None:
            mask &= stock_when[rule.when][sheet_piece]
        sheet_stock[mask] = stock_index[rule.stock]
    if inserts.size and sheet_insert.any():
        # The k-th insert sheet of a piece is its k-th insert rule that holds.
        ordinal = (sheet_number - doc_sheets)[sheet_insert]        # 1-based
        held = inserts[sheet_piece[sheet_insert]]                   # (insert sheets, rules)
        rule = np.argmax(np.cumsum(held, axis=1) == ordinal[:, None], axis=1)
        insert_stock = np.array([stock_index[r.stock] for r in profile.inserts], dtype=np.int64)
        sheet_stock[sheet_insert] = insert_stock[rule]
    sheet_weight = np.array([profile.stocks[n].sheet_weight_g for n in stock_names])[sheet_stock]
    weight = np.bincount(sheet_piece, weights=sheet_weight, minlength=piece_count)
    return PieceSheets(pages=pages, piece_page_starts=piece_page_starts,
                       piece_sheet_starts=piece_sheet_starts, sheet_piece=sheet_piece,
                       sheet_number=sheet_number, sheet_front=sheet_front, sheet_stock=sheet_stock,
                       sheet_insert=sheet_insert, pages_per_sheet=pps, weight_g=weight,
                       stock_names=stock_names)


def choose_streams(profile: Profile, candidates: np.ndarray, sheets: np.ndarray,
                   weight_g: np.ndarray) -> np.ndarray:
    """Per piece, the index of the first printed stream it may go to (a
    candidate by its conditions) that takes its sheets and weight; -1 when
    none does. candidates: bool (pieces x streams)."""
    chosen = np.full(len(sheets), -1, dtype=np.int64)
    for s, stream in enumerate(profile.streams):
        if not stream.print:
            continue
        envelope = profile.envelopes[stream.envelope]
        # The stream's own limit, but never more than its envelope holds.
        fits = sheets <= min(stream.max_sheets or envelope.max_sheets, envelope.max_sheets)
        if envelope.max_weight_g > 0:
            fits &= weight_g + envelope.weight_g <= envelope.max_weight_g
        take = (chosen < 0) & candidates[:, s] & fits
        chosen[take] = s
    return chosen
