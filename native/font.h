/* font.h: what the core (layout, writers) needs of a font beyond pressrun.h. */
#ifndef PR_FONT_H
#define PR_FONT_H

#include <stddef.h>
#include <stdint.h>

#include "buffer.h"
#include "pressrun.h"

/* The font file's bytes (the face's collection file for a .ttc). */
const uint8_t *PrFont_data(const PrFont *font, size_t *size_bytes);

/* Appends to `out` a complete TrueType file holding only the glyphs marked in
 * `used` (bit g%8 of byte g/8), the glyphs their composites reference, and
 * glyph 0 (.notdef). Glyph ids are unchanged (unused glyphs become empty),
 * so a CIDFontType2 with /CIDToGIDMap /Identity still addresses them.
 * PR_EINVAL for a CFF font (no glyf table). */
PrStatus PrFont_subsetGlyf(const PrFont *font, const uint8_t *used,
                           size_t used_bytes, PrBuffer *out, PrError *error);

#endif
