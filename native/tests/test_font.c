/* test_font.c: font loading, cmap, advances, kerning, subsetting and
 * robustness against broken fonts.
 *
 * Real fonts: DejaVu Sans and DejaVu Sans Bold (glyf outlines, GPOS
 * class kerning). Expected values come from fontTools 4.68 (TTFont
 * tables read directly; kerning = sum over the GPOS lookups of the 'kern'
 * feature of the DFLT/latn scripts of the first pair-adjustment subtable
 * that applies, Value1.XAdvance).
 *
 * Synthetic fonts built here in memory cover what DejaVu does not: GPOS
 * format 1 inside an extension lookup, lookups of other features, value
 * records with several fields, composite glyphs with word arguments and
 * scales, cmap format 4 glyph arrays, format 12 above the BMP, a legacy
 * 'kern' table, a CFF-flavoured font, OS/2 typo metrics and Mac names.
 *
 * Run as: test_font <repo root> (the fonts are read from the system). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buffer.h"
#include "font.h"
#include "pressrun.h"
#include "tests/check.h"

#define DEJAVU_SANS "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#define DEJAVU_BOLD "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

static uint8_t *read_file(const char *path, size_t *size) {
  FILE *file = fopen(path, "rb");
  if (file == NULL) {
    return NULL;
  }
  fseek(file, 0, SEEK_END);
  long length = ftell(file);
  fseek(file, 0, SEEK_SET);
  uint8_t *data = malloc(length > 0 ? (size_t)length : 1);
  if (data != NULL && fread(data, 1, (size_t)length, file) != (size_t)length) {
    free(data);
    data = NULL;
  }
  fclose(file);
  *size = (size_t)length;
  return data;
}

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(PrBuffer *b, uint32_t v) {
  PrBuffer_appendByte(b, (uint8_t)(v >> 8));
  PrBuffer_appendByte(b, (uint8_t)v);
}
static void put32(PrBuffer *b, uint32_t v) {
  put16(b, v >> 16);
  put16(b, v & 0xFFFF);
}
static void patch16(PrBuffer *b, size_t at, uint32_t v) {
  b->data[at] = (uint8_t)(v >> 8);
  b->data[at + 1] = (uint8_t)v;
}

/* A table of a font file, by tag: offset and length, or 0 when absent. */
static int find_table(const uint8_t *font, size_t size, const char *tag, uint32_t *offset,
                      uint32_t *length) {
  uint16_t count = be16(font + 4);
  for (uint16_t i = 0; i < count && 12 + 16u * (i + 1) <= size; i++) {
    const uint8_t *record = font + 12 + 16 * i;
    if (memcmp(record, tag, 4) == 0) {
      *offset = be32(record + 8);
      *length = be32(record + 12);
      return 1;
    }
  }
  return 0;
}

/* Bytes of glyph g in a TrueType file (via head.indexToLocFormat and loca). */
static const uint8_t *glyph_bytes(const uint8_t *font, size_t size, uint32_t g,
                                  uint32_t *length) {
  uint32_t head, head_length, loca, loca_length, glyf, glyf_length;
  if (!find_table(font, size, "head", &head, &head_length) ||
      !find_table(font, size, "loca", &loca, &loca_length) ||
      !find_table(font, size, "glyf", &glyf, &glyf_length)) {
    return NULL;
  }
  uint32_t start, end;
  if (be16(font + head + 50) == 0) {
    start = 2u * be16(font + loca + 2 * g);
    end = 2u * be16(font + loca + 2 * g + 2);
  } else {
    start = be32(font + loca + 4 * g);
    end = be32(font + loca + 4 * g + 4);
  }
  *length = end - start;
  return font + glyf + start;
}

/* Glyph data equal up to the subset's zero padding. */
static int same_glyph(const uint8_t *a, uint32_t a_length, const uint8_t *b,
                      uint32_t b_length) {
  if (b_length < a_length || b_length - a_length > 3 || memcmp(a, b, a_length) != 0) {
    return 0;
  }
  for (uint32_t i = a_length; i < b_length; i++) {
    if (b[i] != 0) return 0;
  }
  return 1;
}

static uint32_t file_checksum(const uint8_t *data, size_t size) {
  uint32_t sum = 0;
  for (size_t i = 0; i < size; i += 4) {
    uint8_t word[4] = {0, 0, 0, 0};
    memcpy(word, data + i, size - i < 4 ? size - i : 4);
    sum += be32(word);
  }
  return sum;
}

/* Every table checksum right, directory sorted and aligned, and the whole
 * file summing to 0xB1B0AFBA (what head.checkSumAdjustment is for). */
static int valid_sfnt_checksums(const uint8_t *font, size_t size) {
  uint16_t count = be16(font + 4);
  uint32_t previous = 0;
  for (uint16_t i = 0; i < count; i++) {
    const uint8_t *record = font + 12 + 16 * i;
    uint32_t tag = be32(record), offset = be32(record + 8), length = be32(record + 12);
    if ((i > 0 && tag <= previous) || offset % 4 != 0 || offset + length > size) {
      return 0;
    }
    previous = tag;
    uint32_t sum = file_checksum(font + offset, length);
    if (memcmp(record, "head", 4) == 0) {
      sum -= be32(font + offset + 8);
    }
    if (sum != be32(record + 4)) {
      return 0;
    }
  }
  return file_checksum(font, size) == 0xB1B0AFBAu;
}

/* ---- DejaVu ------------------------------------------------------------- */

static void test_dejavu_info(PrFont *sans, PrFont *bold) {
  PrFontInfo info;
  PrFont_info(sans, &info);
  /* fontTools: head.unitsPerEm, maxp.numGlyphs, hhea (OS/2 v1 without
   * USE_TYPO_METRICS, so no cap height: the ascender), head bbox. */
  CHECK(info.units_per_em == 2048);
  CHECK(info.glyph_count == 6253);
  CHECK(info.ascender == 1901);
  CHECK(info.descender == -483);
  CHECK(info.line_gap == 0);
  CHECK(info.cap_height == 1901);
  CHECK(info.bbox[0] == -2090 && info.bbox[1] == -948);
  CHECK(info.bbox[2] == 3673 && info.bbox[3] == 2524);
  CHECK(info.italic_angle_deg == 0);
  CHECK(info.weight_class == 400);
  CHECK(!info.is_cff);
  CHECK(!info.is_fixed_pitch);
  CHECK(strcmp(info.postscript_name, "DejaVuSans") == 0);

  PrFont_info(bold, &info);
  CHECK(info.glyph_count == 6196);
  CHECK(info.weight_class == 700);
  CHECK(strcmp(info.postscript_name, "DejaVuSans-Bold") == 0);
}

static void test_dejavu_glyphs(PrFont *sans, PrFont *bold) {
  /* fontTools getBestCmap + getGlyphOrder + hmtx. */
  CHECK(PrFont_glyph(sans, 'A') == 36);
  CHECK(PrFont_glyph(sans, 0x00E9) == 171);   /* é */
  CHECK(PrFont_glyph(sans, 0x20AC) == 2948);  /* € */
  CHECK(PrFont_glyph(sans, ' ') == 3);
  CHECK(PrFont_glyph(sans, 0x10300) == 5373); /* Old Italic: above the BMP */
  CHECK(PrFont_glyph(sans, 0x1F600) == 5857); /* DejaVu has this emoji */
  CHECK(PrFont_glyph(sans, 0x1F9FF) == 0);    /* ... but not this one */
  CHECK(PrFont_glyph(sans, 0xE000) == 0);
  CHECK(PrFont_glyph(sans, 0x110000) == 0);
  CHECK(PrFont_glyph(sans, 0xFFFFFFFFu) == 0);
  CHECK(PrFont_advance(sans, 36) == 1401);
  CHECK(PrFont_advance(sans, 171) == 1260);
  CHECK(PrFont_advance(sans, 2948) == 1303);
  CHECK(PrFont_advance(sans, 3) == 651);
  CHECK(PrFont_advance(sans, 58) == 2025);   /* W */
  CHECK(PrFont_advance(sans, 6253) == 0);    /* past the last glyph */
  CHECK(PrFont_advance(sans, 65535) == 0);
  CHECK(PrFont_glyph(bold, 0x20AC) == 2948);
  CHECK(PrFont_glyph(bold, 0x10300) == 5369);
  CHECK(PrFont_advance(bold, 36) == 1585);
  CHECK(PrFont_advance(bold, 58) == 2259);
}

static void test_dejavu_kerning(PrFont *sans, PrFont *bold) {
  /* fontTools GPOS (lookups 14+15 of Sans, 13+14 of Bold), see the top. */
  static const struct { uint16_t left, right; int16_t sans, bold; } pairs[] = {
      {36, 57, -131, -139},  /* A V */
      {55, 82, -348, -272},  /* T o */
      {47, 55, -282, -339},  /* L T */
      {51, 15, 0, -376},     /* P comma */
      {57, 68, -159, -112},  /* V a */
      {36, 55, -159, -159},  /* A T */
      {60, 82, -272, -188},  /* Y o */
      {41, 17, -329, -301},  /* F period */
      {68, 69, 0, 0},        /* a b */
      {58, 36, -112, -92},   /* W A */
  };
  for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
    int16_t sans_value = PrFont_kerning(sans, pairs[i].left, pairs[i].right);
    int16_t bold_value = PrFont_kerning(bold, pairs[i].left, pairs[i].right);
    CHECK(sans_value == pairs[i].sans);
    CHECK(bold_value == pairs[i].bold);
    if (sans_value != pairs[i].sans || bold_value != pairs[i].bold) {
      fprintf(stderr, "  pair %u %u: %d %d\n", pairs[i].left, pairs[i].right, sans_value,
              bold_value);
    }
  }
  CHECK(PrFont_kerning(sans, 0, 0) == 0);
  CHECK(PrFont_kerning(sans, 65535, 36) == 0);
  CHECK(PrFont_kerning(sans, 36, 65535) == 0);
}

static void test_dejavu_subset(PrFont *sans) {
  PrError error = {0};
  uint8_t used[6253 / 8 + 1];
  memset(used, 0, sizeof used);
  const uint32_t text[] = {'H', 'e', 'l', 'o', ' ', 'W', 'r', 'd', 0x00E9, 0x00F1, 0x20AC,
                           0x01FA, 0x10300};
  for (size_t i = 0; i < sizeof text / sizeof text[0]; i++) {
    uint16_t g = PrFont_glyph(sans, text[i]);
    used[g / 8] |= (uint8_t)(1u << (g % 8));
  }
  PrBuffer out;
  PrBuffer_init(&out);
  PrBuffer_appendText(&out, "xyz");  /* the subset is appended: start unaligned */
  CHECK_OK(PrFont_subsetGlyf(sans, used, sizeof used, &out, &error), &error);
  const uint8_t *subset = out.data + 3;
  size_t subset_bytes = out.size_bytes - 3;
  CHECK(memcmp(out.data, "xyz", 3) == 0);
  CHECK(valid_sfnt_checksums(subset, subset_bytes));
  CHECK(subset_bytes < 60000);

  PrFont *reparsed = NULL;
  CHECK_OK(PrFont_create(subset, subset_bytes, 0, &reparsed, &error), &error);
  if (reparsed == NULL) {
    PrBuffer_free(&out);
    return;
  }
  size_t original_bytes;
  const uint8_t *original = PrFont_data(sans, &original_bytes);
  PrFontInfo info;
  PrFont_info(reparsed, &info);
  CHECK(info.glyph_count == 5923 + 1);  /* up to the highest kept glyph (Acute) */
  CHECK(info.units_per_em == 2048 && info.ascender == 1901);
  CHECK(strcmp(info.postscript_name, "DejaVuSans") == 0);
  /* Kept: the used glyphs, their components, .notdef; the rest empty. */
  uint8_t expected[5924];
  memset(expected, 0, sizeof expected);
  expected[0] = 1;
  for (size_t i = 0; i < sizeof text / sizeof text[0]; i++) {
    expected[PrFont_glyph(sans, text[i])] = 1;
  }
  /* fontTools: eacute = e + acute, ntilde = n + tilde,
   * Aringacute = Aring + Acute (glyphs 72, 118, 81, 670, 135, 5923). */
  expected[72] = expected[118] = expected[81] = expected[670] = 1;
  expected[135] = expected[5923] = 1;
  int glyphs_ok = 1, advances_ok = 1;
  for (uint32_t g = 0; g < 5924; g++) {
    uint32_t a_length, b_length;
    const uint8_t *a = glyph_bytes(original, original_bytes, g, &a_length);
    const uint8_t *b = glyph_bytes(subset, subset_bytes, g, &b_length);
    if (expected[g] ? !same_glyph(a, a_length, b, b_length) : b_length != 0) {
      glyphs_ok = 0;
      fprintf(stderr, "  glyph %u: kept=%d lengths %u %u\n", g, expected[g], a_length,
              b_length);
    }
    if (PrFont_advance(reparsed, (uint16_t)g) != PrFont_advance(sans, (uint16_t)g)) {
      advances_ok = 0;
    }
  }
  CHECK(glyphs_ok);
  CHECK(advances_ok);
  /* The subset's own cmap maps the kept characters, and only those. */
  for (size_t i = 0; i < sizeof text / sizeof text[0]; i++) {
    CHECK(PrFont_glyph(reparsed, text[i]) == PrFont_glyph(sans, text[i]));
  }
  CHECK(PrFont_glyph(reparsed, 'e') == 72);  /* kept as a component */
  CHECK(PrFont_glyph(reparsed, 'Z') == 0);
  PrFont_destroy(reparsed);

  /* Deterministic bytes. */
  PrBuffer again;
  PrBuffer_init(&again);
  CHECK_OK(PrFont_subsetGlyf(sans, used, sizeof used, &again, &error), &error);
  CHECK(again.size_bytes == subset_bytes && memcmp(again.data, subset, subset_bytes) == 0);

  /* Only .notdef. */
  PrBuffer_clear(&again);
  CHECK_OK(PrFont_subsetGlyf(sans, NULL, 0, &again, &error), &error);
  CHECK_OK(PrFont_create(again.data, again.size_bytes, 0, &reparsed, &error), &error);
  if (reparsed != NULL) {
    PrFont_info(reparsed, &info);
    CHECK(info.glyph_count == 1);
    PrFont_destroy(reparsed);
  }

  /* A bit past the last glyph is a caller's bug. */
  uint8_t too_far[6253 / 8 + 2];
  memset(too_far, 0, sizeof too_far);
  too_far[6253 / 8] = 0x80;  /* glyph 6255 */
  PrBuffer_clear(&again);
  CHECK(PrFont_subsetGlyf(sans, too_far, sizeof too_far, &again, &error) == PR_EINVAL);
  PrBuffer_free(&again);
  PrBuffer_free(&out);
}

/* Wraps two fonts into a .ttc in memory (table offsets become absolute). */
static void test_collection(const uint8_t *a, size_t a_bytes, const uint8_t *b,
                            size_t b_bytes) {
  PrError error = {0};
  size_t header = 20, a_at = header, b_at = header + ((a_bytes + 3) & ~(size_t)3);
  size_t size = b_at + b_bytes;
  uint8_t *ttc = calloc(size, 1);
  memcpy(ttc, "ttcf\0\1\0\0\0\0\0\2", 12);
  const size_t at[2] = {a_at, b_at};
  const uint8_t *fonts[2] = {a, b};
  const size_t sizes[2] = {a_bytes, b_bytes};
  for (int f = 0; f < 2; f++) {
    uint8_t *p = ttc + 12 + 4 * f;
    p[0] = (uint8_t)(at[f] >> 24); p[1] = (uint8_t)(at[f] >> 16);
    p[2] = (uint8_t)(at[f] >> 8); p[3] = (uint8_t)at[f];
    memcpy(ttc + at[f], fonts[f], sizes[f]);
    uint16_t count = be16(ttc + at[f] + 4);
    for (uint16_t i = 0; i < count; i++) {
      uint8_t *record = ttc + at[f] + 12 + 16 * i;
      uint32_t offset = be32(record + 8) + (uint32_t)at[f];
      record[8] = (uint8_t)(offset >> 24); record[9] = (uint8_t)(offset >> 16);
      record[10] = (uint8_t)(offset >> 8); record[11] = (uint8_t)offset;
    }
  }
  PrFont *face = NULL;
  PrFontInfo info;
  CHECK_OK(PrFont_create(ttc, size, 1, &face, &error), &error);
  if (face != NULL) {
    PrFont_info(face, &info);
    CHECK(strcmp(info.postscript_name, "DejaVuSans-Bold") == 0);
    CHECK(PrFont_advance(face, 36) == 1585);
    CHECK(PrFont_kerning(face, 36, 57) == -139);
    size_t data_bytes;
    PrFont_data(face, &data_bytes);
    CHECK(data_bytes == size);  /* the whole collection */
    PrBuffer out;
    PrBuffer_init(&out);
    uint8_t used[8] = {0x10};  /* glyph 4 */
    CHECK_OK(PrFont_subsetGlyf(face, used, sizeof used, &out, &error), &error);
    CHECK(valid_sfnt_checksums(out.data, out.size_bytes));
    PrBuffer_free(&out);
    PrFont_destroy(face);
  }
  CHECK_OK(PrFont_create(ttc, size, 0, &face, &error), &error);
  if (face != NULL) {
    PrFont_info(face, &info);
    CHECK(strcmp(info.postscript_name, "DejaVuSans") == 0);
    PrFont_destroy(face);
  }
  CHECK(PrFont_create(ttc, size, 2, &face, &error) == PR_EINVAL && face == NULL);
  CHECK(PrFont_create(a, a_bytes, 1, &face, &error) == PR_EINVAL);
  free(ttc);
}

/* ---- synthetic fonts ---------------------------------------------------- */

typedef struct TestFont {
  char tags[16][5];
  PrBuffer tables[16];
  int count;
} TestFont;

static PrBuffer *add_table(TestFont *font, const char *tag) {
  memcpy(font->tags[font->count], tag, 5);
  PrBuffer_init(&font->tables[font->count]);
  return &font->tables[font->count++];
}

static void free_font(TestFont *font) {
  for (int i = 0; i < font->count; i++) PrBuffer_free(&font->tables[i]);
}

/* An sfnt file of the tables, directory sorted by tag. */
static void build_font(TestFont *font, uint32_t version, PrBuffer *out) {
  int order[16];
  for (int i = 0; i < font->count; i++) order[i] = i;
  for (int i = 1; i < font->count; i++) {
    for (int j = i; j > 0 && memcmp(font->tags[order[j - 1]], font->tags[order[j]], 4) > 0; j--) {
      int t = order[j]; order[j] = order[j - 1]; order[j - 1] = t;
    }
  }
  put32(out, version);
  put16(out, (uint32_t)font->count);
  put16(out, 0); put16(out, 0); put16(out, 0);  /* search fields: unused by readers */
  uint32_t offset = 12 + 16 * (uint32_t)font->count;
  for (int k = 0; k < font->count; k++) {
    PrBuffer *t = &font->tables[order[k]];
    PrBuffer_append(out, font->tags[order[k]], 4);
    put32(out, file_checksum(t->data, t->size_bytes));
    put32(out, offset);
    put32(out, (uint32_t)t->size_bytes);
    offset += (uint32_t)((t->size_bytes + 3) & ~(size_t)3);
  }
  for (int k = 0; k < font->count; k++) {
    PrBuffer *t = &font->tables[order[k]];
    PrBuffer_append(out, t->data, t->size_bytes);
    while (out->size_bytes % 4) PrBuffer_appendByte(out, 0);
  }
}

static void put_head(TestFont *font, int loca_long) {
  PrBuffer *b = add_table(font, "head");
  put32(b, 0x00010000); put32(b, 0x00010000); put32(b, 0); put32(b, 0x5F0F3CF5);
  put16(b, 0x000B); put16(b, 1000);            /* flags, unitsPerEm */
  for (int i = 0; i < 4; i++) put32(b, 0);     /* created, modified */
  put16(b, (uint16_t)-50); put16(b, (uint16_t)-200); put16(b, 900); put16(b, 800);
  put16(b, 0); put16(b, 8); put16(b, 2);       /* macStyle, lowestRecPPEM, direction */
  put16(b, (uint32_t)loca_long); put16(b, 0);
}

static void put_hhea(TestFont *font, uint16_t long_metrics) {
  PrBuffer *b = add_table(font, "hhea");
  put32(b, 0x00010000);
  put16(b, 750); put16(b, (uint16_t)-250); put16(b, 50);  /* asc, desc, gap */
  put16(b, 700); put16(b, 0); put16(b, 0); put16(b, 700);
  put16(b, 1); put16(b, 0); put16(b, 0);
  for (int i = 0; i < 4; i++) put16(b, 0);
  put16(b, 0); put16(b, long_metrics);
}

static void put_hmtx(TestFont *font, uint16_t glyphs, uint16_t long_metrics) {
  PrBuffer *b = add_table(font, "hmtx");
  for (uint16_t g = 0; g < glyphs; g++) {
    if (g < long_metrics) put16(b, 500 + 10 * g);
    put16(b, g);  /* lsb */
  }
}

/* Simple glyph: one triangle. */
static void put_simple_glyph(PrBuffer *b, int16_t size) {
  put16(b, 1);
  put16(b, 0); put16(b, 0); put16(b, (uint16_t)size); put16(b, (uint16_t)size);
  put16(b, 2); put16(b, 0);                     /* endPts, no instructions */
  for (int i = 0; i < 3; i++) PrBuffer_appendByte(b, 0x01);  /* on curve, 16-bit x/y */
  put16(b, 0); put16(b, (uint16_t)size); put16(b, (uint16_t)-size);  /* x deltas */
  put16(b, 0); put16(b, (uint16_t)size); put16(b, 0);                /* y deltas */
}

/* glyf+loca for 8 glyphs: 3 and 5 composites, 3 with every argument form. */
static void put_glyf(TestFont *font, int cycle) {
  PrBuffer *glyf = add_table(font, "glyf");
  PrBuffer *loca = add_table(font, "loca");
  for (int g = 0; g < 8; g++) {
    put32(loca, (uint32_t)glyf->size_bytes);
    if (g == 3) {
      put16(glyf, 0xFFFF);
      put16(glyf, 0); put16(glyf, 0); put16(glyf, 300); put16(glyf, 300);
      put16(glyf, 0x0001 | 0x0002 | 0x0008 | 0x0020); put16(glyf, 1);  /* words, scale */
      put16(glyf, 300); put16(glyf, (uint16_t)-300); put16(glyf, 0x4000);
      put16(glyf, 0x0002 | 0x0040 | 0x0020); put16(glyf, 2);           /* x and y scale */
      PrBuffer_appendByte(glyf, 5); PrBuffer_appendByte(glyf, 6);
      put16(glyf, 0x2000); put16(glyf, 0x4000);
      put16(glyf, 0x0002 | 0x0080); put16(glyf, cycle ? 3 : 4);        /* 2x2 */
      PrBuffer_appendByte(glyf, 0); PrBuffer_appendByte(glyf, 0);
      put16(glyf, 0x4000); put16(glyf, 0); put16(glyf, 0); put16(glyf, 0x4000);
    } else if (g == 5) {
      put16(glyf, 0xFFFF);
      put16(glyf, 0); put16(glyf, 0); put16(glyf, 300); put16(glyf, 300);
      put16(glyf, 0x0002); put16(glyf, 3);
      PrBuffer_appendByte(glyf, 1); PrBuffer_appendByte(glyf, 1);
    } else if (g != 6 || cycle) {
      put_simple_glyph(glyf, (int16_t)(100 + 20 * g));
    }  /* glyph 6: empty (a space) */
    while (glyf->size_bytes % 4) PrBuffer_appendByte(glyf, 0);
  }
  put32(loca, (uint32_t)glyf->size_bytes);
}

/* cmap 3/10 format 12: A..G -> 1..7, U+1F600.. -> 6, 7. */
static void put_cmap12(TestFont *font) {
  PrBuffer *b = add_table(font, "cmap");
  put16(b, 0); put16(b, 1); put16(b, 3); put16(b, 10); put32(b, 12);
  put16(b, 12); put16(b, 0); put32(b, 16 + 12 * 2); put32(b, 0); put32(b, 2);
  put32(b, 0x41); put32(b, 0x47); put32(b, 1);
  put32(b, 0x1F600); put32(b, 0x1F601); put32(b, 6);
}

/* cmap 3/1 format 4: A..C -> 1..3 by delta, a..b -> 4, 5 by glyph array. */
static void put_cmap4(TestFont *font) {
  PrBuffer *b = add_table(font, "cmap");
  put16(b, 0); put16(b, 1); put16(b, 3); put16(b, 1); put32(b, 12);
  put16(b, 4); put16(b, 16 + 8 * 3 + 4); put16(b, 0); put16(b, 6);
  put16(b, 4); put16(b, 1); put16(b, 2);
  put16(b, 0x43); put16(b, 0x62); put16(b, 0xFFFF);  /* ends */
  put16(b, 0);
  put16(b, 0x41); put16(b, 0x61); put16(b, 0xFFFF);  /* starts */
  put16(b, (uint16_t)(1 - 0x41)); put16(b, 0); put16(b, 1);  /* deltas */
  put16(b, 0); put16(b, 4); put16(b, 0);  /* range offsets: seg 1 -> the array */
  put16(b, 4); put16(b, 5);
}

static void put_post(TestFont *font, uint32_t italic_angle, uint32_t fixed) {
  PrBuffer *b = add_table(font, "post");
  put32(b, 0x00030000); put32(b, italic_angle); put16(b, (uint16_t)-100); put16(b, 50);
  put32(b, fixed);
  for (int i = 0; i < 4; i++) put32(b, 0);
}

static void put_maxp(TestFont *font, uint16_t glyphs, int truetype) {
  PrBuffer *b = add_table(font, "maxp");
  put32(b, truetype ? 0x00010000 : 0x00005000);
  put16(b, glyphs);
  if (truetype) {
    put16(b, 64); put16(b, 4); put16(b, 64); put16(b, 4); put16(b, 2);
    for (int i = 0; i < 6; i++) put16(b, 0);
    put16(b, 3); put16(b, 2);
  }
}

/* GPOS: script latn -> features 'dist' (lookup 2) and 'kern' (lookups 0, 1).
 * Lookup 0: extension -> pair format 1: 1+2 -50, 1+4 0, 2+1 -30.
 * Lookup 1: pair format 2, coverage {1, 3}, class1 1->1, class2 2->1,
 *   4..5->2; XAdvance rows [0 -10 -20] [0 -100 -200], with XPlacement 7
 *   before and a second-glyph value 99 after (both to be ignored).
 * Lookup 2: pair format 1, 1+2 +1000 (not kerning: must not count). */
static void put_gpos(TestFont *font) {
  PrBuffer *b = add_table(font, "GPOS");
  put32(b, 0x00010000); put16(b, 10); put16(b, 32); put16(b, 60);
  /* ScriptList at 10 */
  put16(b, 1); PrBuffer_append(b, "latn", 4); put16(b, 8);
  put16(b, 4); put16(b, 0);                       /* Script: default LangSys */
  put16(b, 0); put16(b, 0xFFFF); put16(b, 2); put16(b, 0); put16(b, 1);
  /* FeatureList at 32 */
  put16(b, 2); PrBuffer_append(b, "dist", 4); put16(b, 14);
  PrBuffer_append(b, "kern", 4); put16(b, 20);
  put16(b, 0); put16(b, 1); put16(b, 2);          /* dist -> lookup 2 */
  put16(b, 0); put16(b, 2); put16(b, 0); put16(b, 1);  /* kern -> 0, 1 */
  /* LookupList at 60 */
  size_t list = b->size_bytes;
  put16(b, 3); put16(b, 0); put16(b, 0); put16(b, 0);
  /* Lookup 0: extension */
  size_t lookup = b->size_bytes;
  patch16(b, list + 2, (uint32_t)(lookup - list));
  put16(b, 9); put16(b, 0); put16(b, 1); put16(b, 8);
  put16(b, 1); put16(b, 2); put32(b, 8);          /* extension -> +8 */
  size_t sub = b->size_bytes;
  put16(b, 1); put16(b, 14); put16(b, 0x0004); put16(b, 0); put16(b, 2);
  put16(b, 22); put16(b, 32);
  put16(b, 1); put16(b, 2); put16(b, 1); put16(b, 2);  /* coverage {1, 2} */
  put16(b, 2); put16(b, 2); put16(b, (uint16_t)-50); put16(b, 4); put16(b, 0);
  put16(b, 1); put16(b, 1); put16(b, (uint16_t)-30);
  (void)sub;
  /* Lookup 1: class pairs */
  lookup = b->size_bytes;
  patch16(b, list + 4, (uint32_t)(lookup - list));
  put16(b, 2); put16(b, 0); put16(b, 1); put16(b, 8);
  sub = b->size_bytes;
  size_t header = sub;
  put16(b, 2); put16(b, 0); put16(b, 0x0005); put16(b, 0x0004); put16(b, 0); put16(b, 0);
  put16(b, 2); put16(b, 3);
  static const int16_t rows[2][3] = {{0, -10, -20}, {0, -100, -200}};
  for (int r = 0; r < 2; r++) {
    for (int c = 0; c < 3; c++) {
      put16(b, 7); put16(b, (uint16_t)rows[r][c]); put16(b, 99);
    }
  }
  patch16(b, header + 2, (uint32_t)(b->size_bytes - sub));  /* coverage format 2 */
  put16(b, 2); put16(b, 2); put16(b, 1); put16(b, 1); put16(b, 0);
  put16(b, 3); put16(b, 3); put16(b, 1);
  patch16(b, header + 8, (uint32_t)(b->size_bytes - sub));  /* class def 1 */
  put16(b, 1); put16(b, 1); put16(b, 3); put16(b, 1); put16(b, 0); put16(b, 0);
  patch16(b, header + 10, (uint32_t)(b->size_bytes - sub)); /* class def 2 */
  put16(b, 2); put16(b, 2); put16(b, 2); put16(b, 2); put16(b, 1);
  put16(b, 4); put16(b, 5); put16(b, 2);
  /* Lookup 2: 'dist' */
  lookup = b->size_bytes;
  patch16(b, list + 6, (uint32_t)(lookup - list));
  put16(b, 2); put16(b, 0); put16(b, 1); put16(b, 8);
  put16(b, 1); put16(b, 12); put16(b, 0x0004); put16(b, 0); put16(b, 1); put16(b, 18);
  put16(b, 1); put16(b, 1); put16(b, 1);          /* coverage {1} */
  put16(b, 1); put16(b, 2); put16(b, 1000);
}

/* Legacy kern: two horizontal subtables that add up, one 'minimum' to skip. */
static void put_kern(TestFont *font) {
  PrBuffer *b = add_table(font, "kern");
  put16(b, 0); put16(b, 3);
  static const struct { uint16_t coverage; int count; uint16_t pairs[3][3]; } subs[3] = {
      {0x0001, 3, {{1, 2, (uint16_t)-40}, {1, 3, (uint16_t)-41}, {2, 1, (uint16_t)-42}}},
      {0x0001, 1, {{1, 2, (uint16_t)-5}}},
      {0x0003, 1, {{2, 3, (uint16_t)-999}}},
  };
  for (int s = 0; s < 3; s++) {
    put16(b, 0); put16(b, (uint32_t)(14 + 6 * subs[s].count)); put16(b, subs[s].coverage);
    put16(b, (uint32_t)subs[s].count); put16(b, 6); put16(b, 0); put16(b, 0);
    for (int p = 0; p < subs[s].count; p++) {
      put16(b, subs[s].pairs[p][0]); put16(b, subs[s].pairs[p][1]);
      put16(b, subs[s].pairs[p][2]);
    }
  }
}

static void dump(const char *name, const PrBuffer *font) {
  /* PR_FONT_TEST_DUMP=dir writes the synthetic fonts for fontTools. */
  const char *dir = getenv("PR_FONT_TEST_DUMP");
  if (dir == NULL) return;
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *file = fopen(path, "wb");
  if (file != NULL) {
    fwrite(font->data, 1, font->size_bytes, file);
    fclose(file);
  }
}

static void build_truetype(PrBuffer *out, int cycle) {
  TestFont font = {0};
  put_head(&font, 1);
  put_hhea(&font, 3);
  put_maxp(&font, 8, 1);
  put_hmtx(&font, 8, 3);
  put_cmap12(&font);
  put_post(&font, 0, 0);
  put_glyf(&font, cycle);
  put_gpos(&font);
  build_font(&font, 0x00010000, out);
  free_font(&font);
}

static void test_synthetic_truetype(void) {
  PrError error = {0};
  PrBuffer file;
  PrBuffer_init(&file);
  build_truetype(&file, 0);
  dump("synthetic.ttf", &file);
  PrFont *font = NULL;
  CHECK_OK(PrFont_create(file.data, file.size_bytes, 0, &font, &error), &error);
  if (font == NULL) {
    PrBuffer_free(&file);
    return;
  }
  PrFontInfo info;
  PrFont_info(font, &info);
  CHECK(info.units_per_em == 1000 && info.glyph_count == 8);
  CHECK(info.ascender == 750 && info.descender == -250 && info.line_gap == 50);
  CHECK(info.cap_height == 750);  /* no OS/2 */
  CHECK(info.weight_class == 400);
  CHECK(info.postscript_name[0] == '\0');  /* no name table */
  /* cmap format 12 */
  CHECK(PrFont_glyph(font, 'A') == 1 && PrFont_glyph(font, 'G') == 7);
  CHECK(PrFont_glyph(font, 'H') == 0 && PrFont_glyph(font, '@') == 0);
  CHECK(PrFont_glyph(font, 0x1F600) == 6 && PrFont_glyph(font, 0x1F601) == 7);
  CHECK(PrFont_glyph(font, 0x1F602) == 0 && PrFont_glyph(font, 0x1F5FF) == 0);
  /* numberOfHMetrics 3: later glyphs repeat the last advance. */
  CHECK(PrFont_advance(font, 0) == 500 && PrFont_advance(font, 2) == 520);
  CHECK(PrFont_advance(font, 3) == 520 && PrFont_advance(font, 7) == 520);
  /* GPOS, worked out by hand from put_gpos and confirmed with fontTools. */
  CHECK(PrFont_kerning(font, 1, 2) == -150);  /* -50 + -100 */
  CHECK(PrFont_kerning(font, 1, 4) == -200);  /* a listed zero pair, then -200 */
  CHECK(PrFont_kerning(font, 1, 5) == -200);
  CHECK(PrFont_kerning(font, 1, 7) == 0);
  CHECK(PrFont_kerning(font, 2, 1) == -30);
  CHECK(PrFont_kerning(font, 3, 2) == -10);
  CHECK(PrFont_kerning(font, 3, 4) == -20);
  CHECK(PrFont_kerning(font, 2, 2) == 0);
  CHECK(PrFont_kerning(font, 0, 2) == 0);

  /* Subset: glyph 5 -> 3 -> 1, 2, 4 (word args, scale, x/y scale, 2x2). */
  PrBuffer out;
  PrBuffer_init(&out);
  uint8_t used[1] = {1u << 5};
  CHECK_OK(PrFont_subsetGlyf(font, used, sizeof used, &out, &error), &error);
  CHECK(valid_sfnt_checksums(out.data, out.size_bytes));
  dump("synthetic-subset.ttf", &out);
  PrFont *subset = NULL;
  CHECK_OK(PrFont_create(out.data, out.size_bytes, 0, &subset, &error), &error);
  if (subset != NULL) {
    PrFont_info(subset, &info);
    CHECK(info.glyph_count == 6);
    CHECK(PrFont_glyph(subset, 'E') == 5);
    CHECK(PrFont_glyph(subset, 'A') == 1);  /* kept as a component: still mapped */
    CHECK(PrFont_glyph(subset, 'F') == 0);  /* glyph 6: not kept */
    size_t original_bytes;
    const uint8_t *original = PrFont_data(font, &original_bytes);
    for (uint32_t g = 0; g < 6; g++) {
      uint32_t a_length, b_length;
      const uint8_t *a = glyph_bytes(original, original_bytes, g, &a_length);
      const uint8_t *b = glyph_bytes(out.data, out.size_bytes, g, &b_length);
      CHECK(same_glyph(a, a_length, b, b_length));
      CHECK(PrFont_advance(subset, (uint16_t)g) == PrFont_advance(font, (uint16_t)g));
    }
    PrFont_destroy(subset);
  }
  /* Glyph 7 alone: glyphs 1..6 empty, short loca. */
  PrBuffer_clear(&out);
  used[0] = 1u << 7;
  CHECK_OK(PrFont_subsetGlyf(font, used, sizeof used, &out, &error), &error);
  for (uint32_t g = 1; g < 7; g++) {
    uint32_t length;
    glyph_bytes(out.data, out.size_bytes, g, &length);
    CHECK(length == 0);
  }
  PrBuffer_free(&out);
  PrFont_destroy(font);

  /* A composite that contains itself must not loop. */
  PrBuffer_clear(&file);
  build_truetype(&file, 1);
  CHECK_OK(PrFont_create(file.data, file.size_bytes, 0, &font, &error), &error);
  if (font != NULL) {
    PrBuffer_init(&out);
    used[0] = 1u << 5;
    CHECK_OK(PrFont_subsetGlyf(font, used, sizeof used, &out, &error), &error);
    PrBuffer_free(&out);
    PrFont_destroy(font);
  }
  PrBuffer_free(&file);
}

static void test_synthetic_cff(void) {
  PrError error = {0};
  TestFont font = {0};
  put_head(&font, 0);
  put_hhea(&font, 6);
  put_maxp(&font, 6, 0);
  put_hmtx(&font, 6, 6);
  put_cmap4(&font);
  put_post(&font, 0xFFF38000u, 1);  /* -12.5 degrees */
  put_kern(&font);
  PrBuffer *cff = add_table(&font, "CFF ");
  PrBuffer_appendText(cff, "\1\0\4\1 not parsed by the core");
  PrBuffer *os2 = add_table(&font, "OS/2");
  put16(os2, 4); put16(os2, 500); put16(os2, 600);
  while (os2->size_bytes < 62) PrBuffer_appendByte(os2, 0);
  put16(os2, 0x00C0);                               /* fsSelection: USE_TYPO_METRICS */
  put16(os2, 0x20); put16(os2, 0x62);
  put16(os2, 800); put16(os2, (uint16_t)-200); put16(os2, 90);  /* typo */
  while (os2->size_bytes < 88) PrBuffer_appendByte(os2, 0);
  put16(os2, 680);                                  /* sCapHeight */
  while (os2->size_bytes < 96) PrBuffer_appendByte(os2, 0);
  PrBuffer *name = add_table(&font, "name");
  const char *text = "Test Font-Regular!";
  put16(name, 0); put16(name, 1); put16(name, 18);
  put16(name, 1); put16(name, 0); put16(name, 0); put16(name, 6);
  put16(name, (uint32_t)strlen(text)); put16(name, 0);
  PrBuffer_appendText(name, text);
  PrBuffer file;
  PrBuffer_init(&file);
  build_font(&font, 0x4F54544Fu, &file);  /* 'OTTO' */
  free_font(&font);
  dump("synthetic-cff.otf", &file);

  PrFont *otf = NULL;
  CHECK_OK(PrFont_create(file.data, file.size_bytes, 0, &otf, &error), &error);
  if (otf != NULL) {
    PrFontInfo info;
    PrFont_info(otf, &info);
    CHECK(info.is_cff);
    CHECK(info.is_fixed_pitch);
    CHECK(info.italic_angle_deg == -13);
    CHECK(info.weight_class == 600);
    CHECK(info.ascender == 800 && info.descender == -200 && info.line_gap == 90);
    CHECK(info.cap_height == 680);
    CHECK(strcmp(info.postscript_name, "TestFont-Regular") == 0);
    CHECK(PrFont_glyph(otf, 'A') == 1 && PrFont_glyph(otf, 'C') == 3);
    CHECK(PrFont_glyph(otf, 'a') == 4 && PrFont_glyph(otf, 'b') == 5);
    CHECK(PrFont_glyph(otf, 'D') == 0 && PrFont_glyph(otf, 'c') == 0);
    CHECK(PrFont_glyph(otf, 0x1F600) == 0);
    CHECK(PrFont_advance(otf, 5) == 550);
    /* Legacy kern: subtables add up, the 'minimum' one is skipped. */
    CHECK(PrFont_kerning(otf, 1, 2) == -45);
    CHECK(PrFont_kerning(otf, 1, 3) == -41);
    CHECK(PrFont_kerning(otf, 2, 1) == -42);
    CHECK(PrFont_kerning(otf, 2, 3) == 0);
    CHECK(PrFont_kerning(otf, 3, 1) == 0);
    PrBuffer out;
    PrBuffer_init(&out);
    uint8_t used[1] = {2};
    CHECK(PrFont_subsetGlyf(otf, used, 1, &out, &error) == PR_EINVAL);
    CHECK(out.size_bytes == 0);
    PrBuffer_free(&out);
    PrFont_destroy(otf);
  }
  PrBuffer_free(&file);
}

/* ---- broken fonts ------------------------------------------------------- */

/* Uses whatever a font that loaded gives, so that ASan sees every read. */
static void exercise(PrFont *font) {
  PrFontInfo info;
  PrFont_info(font, &info);
  volatile uint32_t sink = 0;
  for (uint32_t c = 0; c < 0x300; c++) {
    uint16_t g = PrFont_glyph(font, c);
    sink += PrFont_advance(font, g);
    sink += (uint32_t)PrFont_kerning(font, g, PrFont_glyph(font, 'A' + c % 26));
  }
  sink += PrFont_glyph(font, 0x10300) + PrFont_glyph(font, 0x10FFFF);
  uint8_t used[64];
  for (size_t i = 0; i < sizeof used; i++) used[i] = (uint8_t)(0x5A ^ i);
  PrBuffer out;
  PrBuffer_init(&out);
  PrError error;
  PrStatus status = PrFont_subsetGlyf(font, used, info.glyph_count / 8 < sizeof used
                                                      ? info.glyph_count / 8 : sizeof used,
                                      &out, &error);
  CHECK(status == PR_OK || status == PR_EFONT || status == PR_EINVAL);
  if (status == PR_OK) {
    PrFont *again = NULL;
    if (PrFont_create(out.data, out.size_bytes, 0, &again, &error) == PR_OK) {
      PrFont_destroy(again);
    }
  }
  PrBuffer_free(&out);
  (void)sink;
}

static void test_truncated(const uint8_t *data, size_t size) {
  PrError error;
  int all_failed = 1, messages_ok = 1;
  /* Every length through the headers, then a spread over the file. */
  for (size_t length = 0; length < size; length += length < 2048 ? 1 : 997) {
    PrFont *font = NULL;
    memset(&error, 0, sizeof error);
    PrStatus status = PrFont_create(data, length, 0, &font, &error);
    if (status != PR_EFONT || font != NULL) {
      all_failed = 0;
      fprintf(stderr, "  truncated to %zu: status %d\n", length, (int)status);
      PrFont_destroy(font);
    }
    if (strncmp(error.message, "font: ", 6) != 0) {
      messages_ok = 0;
    }
  }
  CHECK(all_failed);
  CHECK(messages_ok);
  PrFont *font = NULL;
  CHECK(PrFont_create(data, size - 1, 0, &font, &error) == PR_EFONT);
  CHECK(strstr(error.message, "'prep'") != NULL);  /* the last table is named */
  CHECK(PrFont_create(NULL, 0, 0, &font, &error) == PR_EFONT);
  CHECK(PrFont_create(data, size, 0, NULL, &error) == PR_EINVAL);
}

static uint32_t next_random(uint64_t *state) {
  *state = *state * 6364136223846793005ull + 1442695040888963407ull;
  return (uint32_t)(*state >> 33);
}

/* Random byte flips: a status (OK or PR_EFONT), never a crash or a leak. */
static void test_garbled(const uint8_t *data, size_t size, int rounds, uint64_t seed) {
  uint8_t *copy = malloc(size);
  int statuses_ok = 1, loaded = 0;
  uint64_t state = seed;
  uint16_t table_count = be16(data + 4);
  for (int round = 0; round < rounds; round++) {
    memcpy(copy, data, size);
    int flips = 1 + (int)(next_random(&state) % 8);
    for (int f = 0; f < flips; f++) {
      size_t at;
      uint32_t where = next_random(&state) % 4;
      if (where == 0) {
        at = next_random(&state) % (12 + 16u * table_count);  /* the directory */
      } else {
        /* Inside a random table: most bytes belong to glyf, so aim. */
        const uint8_t *record = data + 12 + 16 * (next_random(&state) % table_count);
        uint32_t offset = be32(record + 8), length = be32(record + 12);
        uint32_t span = length < 512 || where == 1 ? length : 512;
        at = offset + (span ? next_random(&state) % span : 0);
      }
      copy[at] ^= (uint8_t)(1 + next_random(&state) % 255);
    }
    PrFont *font = NULL;
    PrError error = {0};
    PrStatus status = PrFont_create(copy, size, 0, &font, &error);
    if (status == PR_OK) {
      loaded++;
      exercise(font);
      PrFont_destroy(font);
    } else if (status != PR_EFONT || error.message[0] == '\0') {
      statuses_ok = 0;
      fprintf(stderr, "  round %d: status %d %s\n", round, (int)status, error.message);
    }
  }
  CHECK(statuses_ok);
  CHECK(loaded > 0);  /* most flips leave a usable font */
  free(copy);
}

static void test_garbled_synthetic(void) {
  PrBuffer file;
  PrBuffer_init(&file);
  build_truetype(&file, 0);
  uint64_t state = 7;
  int statuses_ok = 1;
  /* Every byte of this small font matters: flip them one at a time, then
   * a few at a time. */
  for (size_t round = 0; round < 4 * file.size_bytes; round++) {
    uint8_t *copy = malloc(file.size_bytes);
    memcpy(copy, file.data, file.size_bytes);
    if (round < file.size_bytes) {
      copy[round] ^= 0xFF;
    } else {
      for (int f = 0; f < 3; f++) {
        copy[next_random(&state) % file.size_bytes] = (uint8_t)next_random(&state);
      }
    }
    PrFont *font = NULL;
    PrError error = {0};
    PrStatus status = PrFont_create(copy, file.size_bytes, 0, &font, &error);
    if (status == PR_OK) {
      exercise(font);
      PrFont_destroy(font);
    } else if (status != PR_EFONT) {
      statuses_ok = 0;
    }
    free(copy);
  }
  CHECK(statuses_ok);
  PrBuffer_free(&file);
}

static void test_named_errors(const uint8_t *data, size_t size) {
  PrError error;
  PrFont *font = NULL;
  uint8_t *copy = malloc(size);
  uint32_t offset, length;

  /* numberOfHMetrics larger than hmtx holds. */
  memcpy(copy, data, size);
  find_table(copy, size, "hhea", &offset, &length);
  uint32_t hmtx_offset, hmtx_length;
  find_table(copy, size, "hmtx", &hmtx_offset, &hmtx_length);
  for (uint16_t i = 0; i < be16(copy + 4); i++) {
    uint8_t *record = copy + 12 + 16 * i;
    if (memcmp(record, "hmtx", 4) == 0) {
      record[14] = 0; record[15] = 8;  /* 8 bytes long */
      record[12] = 0; record[13] = 0;
    }
  }
  CHECK(PrFont_create(copy, size, 0, &font, &error) == PR_EFONT);
  CHECK(strstr(error.message, "'hmtx' table is shorter than numberOfHMetrics needs") != NULL);

  /* A cmap without a Unicode subtable. */
  memcpy(copy, data, size);
  find_table(copy, size, "cmap", &offset, &length);
  uint16_t records = be16(copy + offset + 2);
  for (uint16_t i = 0; i < records; i++) {
    copy[offset + 4 + 8 * i + 1] = 7;  /* platform 7 */
  }
  CHECK(PrFont_create(copy, size, 0, &font, &error) == PR_EFONT);
  CHECK(strstr(error.message, "'cmap'") != NULL);

  /* A GPOS lookup list pointing past the table. */
  memcpy(copy, data, size);
  find_table(copy, size, "GPOS", &offset, &length);
  copy[offset + 8] = 0xFF;
  copy[offset + 9] = 0xF0;
  CHECK(PrFont_create(copy, size, 0, &font, &error) == PR_EFONT);
  CHECK(strstr(error.message, "'GPOS'") != NULL);

  /* Not a font at all. */
  memcpy(copy, "%PDF-1.7\n", 9);
  CHECK(PrFont_create(copy, size, 0, &font, &error) == PR_EFONT);
  free(copy);
}

int main(int argc, char **argv) {
  (void)argc;
  (void)argv;
  size_t sans_bytes = 0, bold_bytes = 0;
  uint8_t *sans_data = read_file(DEJAVU_SANS, &sans_bytes);
  uint8_t *bold_data = read_file(DEJAVU_BOLD, &bold_bytes);
  CHECK(sans_data != NULL && bold_data != NULL);
  if (sans_data == NULL || bold_data == NULL) {
    return check_summary("font");
  }
  PrError error = {0};
  PrFont *sans = NULL, *bold = NULL;
  CHECK_OK(PrFont_create(sans_data, sans_bytes, 0, &sans, &error), &error);
  CHECK_OK(PrFont_create(bold_data, bold_bytes, 0, &bold, &error), &error);
  if (sans != NULL && bold != NULL) {
    test_dejavu_info(sans, bold);
    test_dejavu_glyphs(sans, bold);
    test_dejavu_kerning(sans, bold);
    test_dejavu_subset(sans);
    test_collection(sans_data, sans_bytes, bold_data, bold_bytes);
  }
  PrFont_destroy(sans);
  PrFont_destroy(bold);
  test_synthetic_truetype();
  test_synthetic_cff();
  test_named_errors(sans_data, sans_bytes);
  test_truncated(sans_data, sans_bytes);
  test_garbled(sans_data, sans_bytes, 150, 12345);
  test_garbled_synthetic();
  free(sans_data);
  free(bold_data);
  return check_summary("font");
}
