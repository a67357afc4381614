/* font_internal.h: the private PrFont shared by font_load.c, font_kern.c and
 * font_subset.c. Nothing outside those three files may include it. */
#ifndef PR_FONT_INTERNAL_H
#define PR_FONT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "font.h"
#include "pressrun.h"

/* Big-endian readers. Callers check bounds first. */
static inline uint16_t PrFont_u16(const uint8_t *p) {
  return (uint16_t)((p[0] << 8) | p[1]);
}
static inline int16_t PrFont_s16(const uint8_t *p) {
  return (int16_t)PrFont_u16(p);
}
static inline uint32_t PrFont_u32(const uint8_t *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

#define PR_TAG(a, b, c, d) \
  (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))

/* A table's place in the font data; size_bytes == 0 and offset == 0 when absent. */
typedef struct PrFontTable {
  uint32_t offset;
  uint32_t size_bytes;
} PrFontTable;

/* Supplementary-plane cmap groups, sorted by start and not overlapping. */
typedef struct PrFontCmapGroup {
  uint32_t start, end;   /* inclusive code points */
  uint32_t first_glyph;  /* glyph of `start` */
} PrFontCmapGroup;

/* One pair-positioning subtable, flattened at load (see font_kern.c). */
typedef struct PrKernSubtable {
  uint8_t format;          /* 1: pair lists, 2: class matrix */
  /* Format 2: class of the right glyph = class2[right - class2_first] when
   * inside [class2_first, class2_first + class2_length), else 0. */
  uint16_t class2_first;
  uint32_t class2_length;
  const uint16_t *class2;  /* owned by PrFontKern.class_arrays */
  uint16_t class2_count;
  int16_t *matrix;         /* class1_count x class2_count XAdvance, or NULL (all 0) */
} PrKernSubtable;

/* What applies to one left glyph: a subtable and, for format 2, the row
 * (class1) or, for format 1, the pair set. */
typedef struct PrKernEntry {
  uint16_t subtable;
  uint16_t lookup;         /* entries of one lookup: the first that applies wins */
  uint32_t index;
} PrKernEntry;

typedef struct PrKernPair {
  uint16_t right;
  int16_t value;
} PrKernPair;

typedef struct PrFontKern {
  uint32_t *left_start;      /* glyph_count + 1: entries of glyph g are
                                [left_start[g], left_start[g + 1]) */
  PrKernEntry *entries;
  PrKernSubtable *subtables;
  uint32_t subtable_count;
  uint32_t *pair_set_start;  /* pair sets: pairs[pair_set_start[i] .. [i + 1]) */
  PrKernPair *pairs;
  uint16_t **class_arrays;   /* owned ClassDef arrays (shared by subtables) */
  uint32_t class_array_count;
  int from_gpos;             /* 1: GPOS, 0: legacy 'kern' table (or none) */
} PrFontKern;

struct PrFont {
  uint8_t *data;             /* a copy of the whole file */
  size_t data_bytes;
  PrFontInfo info;
  uint16_t glyph_count;
  uint16_t number_of_hmetrics;
  int16_t index_to_loc_format;
  uint16_t *bmp_glyphs;      /* 65,536 entries: glyph of each BMP code point */
  PrFontCmapGroup *groups;   /* code points above U+FFFF */
  uint32_t group_count;
  uint16_t *advances;        /* glyph_count entries */
  /* Tables the subsetter copies or rewrites (absent ones are zero). */
  PrFontTable head, hhea, maxp, hmtx, loca, glyf, cmap, os2, name, post;
  PrFontTable cvt, fpgm, prep, gasp, cff, gpos, kern;
  PrFontKern kerning;
};

/* font_kern.c: builds font->kerning from GPOS (else the 'kern' table). */
PrStatus PrFontKern_build(PrFont *font, PrError *error);
void PrFontKern_free(PrFontKern *kern);

#endif
