"""Subsetting CFF-flavoured OpenType fonts with fontTools, once per job.

glyf fonts are subset by the native core. A CFF subsetter is a large piece
of work (charstring and subroutine closure) that fontTools does well; it runs
once per font at the end of a job, so its speed does not matter.
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Iterable

from fontTools import subset
from fontTools.ttLib import TTFont

from .errors import FontError


def subset_cff(path: Path, glyph_ids: Iterable[int]) -> bytes:
    """An OpenType/CFF font holding only `glyph_ids` (and .notdef), with the
    glyph ids unchanged so the CIDs already written in the pages still match."""
    try:
        font = TTFont(path, lazy=False)
        options = subset.Options()
        options.retain_gids = True
        options.notdef_outline = True
        options.name_IDs = ["*"]
        options.layout_features = []
        options.hinting = True
        options.desubroutinize = False
        subsetter = subset.Subsetter(options)
        glyph_order = font.getGlyphOrder()
        subsetter.populate(glyphs=[glyph_order[g] for g in sorted(set(glyph_ids)) if g < len(glyph_order)])
        subsetter.subset(font)
        output = io.BytesIO()
        font.save(output)
        return output.getvalue()
    except Exception as exc:  # fontTools raises many kinds; all mean the same here
        raise FontError(f"{path}: cannot subset this CFF font: {exc}") from exc


def embed_cff_subsets(writer, plan_fonts) -> None:
    """Before a writer finishes: each CFF font it used replaced by the subset of
    the glyphs it used (the core embeds TrueType outlines subset itself)."""
    for plan_font in plan_fonts:
        if plan_font.is_cff:
            used = writer.used_glyphs(plan_font.index, plan_font.glyph_count)
            if used:
                writer.set_font_program(plan_font.index, subset_cff(plan_font.path, used), 3)
