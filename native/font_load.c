/* font_load.c: parsing a TrueType/OpenType font (sfnt directory, .ttc,
 * head/hhea/maxp/OS/2/post/name, cmap, hmtx) into an immutable PrFont. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "font_internal.h"

#define BMP_SIZE 65536u

/* ---- table directory ---------------------------------------------------- */

static void tag_text(uint32_t tag, char text[5]) {
  for (int i = 0; i < 4; i++) {
    uint8_t c = (uint8_t)(tag >> (24 - 8 * i));
    text[i] = (c >= 0x20 && c < 0x7F) ? (char)c : '?';
  }
  text[4] = '\0';
}

/* Reads the directory at `dir_offset` and fills the tables we use. */
static PrStatus read_directory(PrFont *font, size_t dir_offset, PrError *error) {
  const uint8_t *data = font->data;
  size_t size = font->data_bytes;
  if (dir_offset > size || size - dir_offset < 12) {
    return PrError_set(error, PR_EFONT, "font: file too short for the sfnt header");
  }
  uint32_t version = PrFont_u32(data + dir_offset);
  if (version != 0x00010000u && version != PR_TAG('O', 'T', 'T', 'O') &&
      version != PR_TAG('t', 'r', 'u', 'e')) {
    return PrError_set(error, PR_EFONT,
                       "font: not a TrueType/OpenType font (sfnt version 0x%08X)",
                       (unsigned)version);
  }
  uint16_t table_count = PrFont_u16(data + dir_offset + 4);
  if ((size - dir_offset - 12) / 16 < table_count) {
    return PrError_set(error, PR_EFONT,
                       "font: file too short for the table directory (%u tables)",
                       (unsigned)table_count);
  }
  for (uint16_t i = 0; i < table_count; i++) {
    const uint8_t *record = data + dir_offset + 12 + 16u * i;
    uint32_t tag = PrFont_u32(record);
    uint32_t offset = PrFont_u32(record + 8);
    uint32_t length = PrFont_u32(record + 12);
    PrFontTable *slot = NULL;
    switch (tag) {
      case PR_TAG('h', 'e', 'a', 'd'): slot = &font->head; break;
      case PR_TAG('h', 'h', 'e', 'a'): slot = &font->hhea; break;
      case PR_TAG('m', 'a', 'x', 'p'): slot = &font->maxp; break;
      case PR_TAG('h', 'm', 't', 'x'): slot = &font->hmtx; break;
      case PR_TAG('l', 'o', 'c', 'a'): slot = &font->loca; break;
      case PR_TAG('g', 'l', 'y', 'f'): slot = &font->glyf; break;
      case PR_TAG('c', 'm', 'a', 'p'): slot = &font->cmap; break;
      case PR_TAG('O', 'S', '/', '2'): slot = &font->os2; break;
      case PR_TAG('n', 'a', 'm', 'e'): slot = &font->name; break;
      case PR_TAG('p', 'o', 's', 't'): slot = &font->post; break;
      case PR_TAG('c', 'v', 't', ' '): slot = &font->cvt; break;
      case PR_TAG('f', 'p', 'g', 'm'): slot = &font->fpgm; break;
      case PR_TAG('p', 'r', 'e', 'p'): slot = &font->prep; break;
      case PR_TAG('g', 'a', 's', 'p'): slot = &font->gasp; break;
      case PR_TAG('C', 'F', 'F', ' '): slot = &font->cff; break;
      case PR_TAG('C', 'F', 'F', '2'): slot = &font->cff; break;
      case PR_TAG('G', 'P', 'O', 'S'): slot = &font->gpos; break;
      case PR_TAG('k', 'e', 'r', 'n'): slot = &font->kern; break;
      default: break;
    }
    if (slot == NULL) {
      continue;  /* tables we never read need no checking */
    }
    if ((uint64_t)offset + length > size) {
      char text[5];
      tag_text(tag, text);
      return PrError_set(error, PR_EFONT,
                         "font: '%s' table (offset %u, %u bytes) extends past the "
                         "end of the file (%zu bytes)",
                         text, (unsigned)offset, (unsigned)length, size);
    }
    slot->offset = offset;
    slot->size_bytes = length;
  }
  return PR_OK;
}

static PrStatus require_table(const PrFontTable *table, const char *tag,
                              uint32_t min_bytes, PrError *error) {
  if (table->size_bytes == 0) {
    return PrError_set(error, PR_EFONT, "font: required '%s' table is missing", tag);
  }
  if (table->size_bytes < min_bytes) {
    return PrError_set(error, PR_EFONT,
                       "font: '%s' table is %u bytes, shorter than the %u it needs", tag,
                       (unsigned)table->size_bytes, (unsigned)min_bytes);
  }
  return PR_OK;
}

/* ---- fixed tables ------------------------------------------------------- */

static PrStatus read_metrics(PrFont *font, PrError *error) {
  const uint8_t *data = font->data;
  PrFontInfo *info = &font->info;
  PR_RETURN_NOT_OK(require_table(&font->head, "head", 54, error));
  PR_RETURN_NOT_OK(require_table(&font->hhea, "hhea", 36, error));
  PR_RETURN_NOT_OK(require_table(&font->maxp, "maxp", 6, error));

  const uint8_t *head = data + font->head.offset;
  if (PrFont_u32(head + 12) != 0x5F0F3CF5u) {
    return PrError_set(error, PR_EFONT, "font: 'head' table has a wrong magic number");
  }
  info->units_per_em = PrFont_u16(head + 18);
  if (info->units_per_em < 16 || info->units_per_em > 16384) {
    return PrError_set(error, PR_EFONT, "font: 'head' table gives %u units per em",
                       (unsigned)info->units_per_em);
  }
  for (int i = 0; i < 4; i++) {
    info->bbox[i] = PrFont_s16(head + 36 + 2 * i);
  }
  font->index_to_loc_format = PrFont_s16(head + 50);

  const uint8_t *maxp = data + font->maxp.offset;
  font->glyph_count = PrFont_u16(maxp + 4);
  info->glyph_count = font->glyph_count;
  if (font->glyph_count == 0) {
    return PrError_set(error, PR_EFONT, "font: 'maxp' table gives 0 glyphs");
  }

  const uint8_t *hhea = data + font->hhea.offset;
  info->ascender = PrFont_s16(hhea + 4);
  info->descender = PrFont_s16(hhea + 6);
  info->line_gap = PrFont_s16(hhea + 8);
  font->number_of_hmetrics = PrFont_u16(hhea + 34);
  if (font->number_of_hmetrics == 0) {
    return PrError_set(error, PR_EFONT, "font: 'hhea' table gives 0 numberOfHMetrics");
  }
  if (font->number_of_hmetrics > font->glyph_count) {
    font->number_of_hmetrics = font->glyph_count;  /* the rest would be unused */
  }

  info->weight_class = 400;
  info->cap_height = info->ascender;
  if (font->os2.size_bytes >= 6) {
    const uint8_t *os2 = data + font->os2.offset;
    uint16_t version = PrFont_u16(os2);
    info->weight_class = PrFont_u16(os2 + 4);
    if (font->os2.size_bytes >= 78) {
      uint16_t fs_selection = PrFont_u16(os2 + 62);
      if (fs_selection & 0x80) {  /* USE_TYPO_METRICS */
        info->ascender = PrFont_s16(os2 + 68);
        info->descender = PrFont_s16(os2 + 70);
        info->line_gap = PrFont_s16(os2 + 72);
        info->cap_height = info->ascender;
      }
    }
    if (version >= 2) {
      if (font->os2.size_bytes < 96) {
        return PrError_set(error, PR_EFONT,
                           "font: 'OS/2' table version %u is %u bytes, shorter than 96",
                           (unsigned)version, (unsigned)font->os2.size_bytes);
      }
      int16_t cap_height = PrFont_s16(os2 + 88);
      if (cap_height > 0) {
        info->cap_height = cap_height;
      }
    }
  }

  if (font->post.size_bytes > 0) {
    PR_RETURN_NOT_OK(require_table(&font->post, "post", 16, error));
    const uint8_t *post = data + font->post.offset;
    int32_t angle = (int32_t)PrFont_u32(post + 4);
    info->italic_angle_deg = (int16_t)lround(angle / 65536.0);
    info->is_fixed_pitch = PrFont_u32(post + 12) != 0;
  }
  info->is_cff = font->cff.size_bytes > 0;
  if (!info->is_cff) {
    if (font->glyf.size_bytes == 0 || font->loca.size_bytes == 0) {
      return PrError_set(error, PR_EFONT,
                         "font: neither 'glyf'/'loca' nor 'CFF ' outlines are present");
    }
    if (font->index_to_loc_format != 0 && font->index_to_loc_format != 1) {
      return PrError_set(error, PR_EFONT, "font: 'head' table gives indexToLocFormat %d",
                         (int)font->index_to_loc_format);
    }
    uint64_t loca_needed =
        ((uint64_t)font->glyph_count + 1) * (font->index_to_loc_format ? 4u : 2u);
    if (font->loca.size_bytes < loca_needed) {
      return PrError_set(error, PR_EFONT,
                         "font: 'loca' table is %u bytes, shorter than the %u that "
                         "numGlyphs needs",
                         (unsigned)font->loca.size_bytes, (unsigned)loca_needed);
    }
  }
  return PR_OK;
}

static PrStatus read_advances(PrFont *font, PrError *error) {
  uint32_t long_count = font->number_of_hmetrics;
  if (font->hmtx.size_bytes == 0) {
    return PrError_set(error, PR_EFONT, "font: required 'hmtx' table is missing");
  }
  if (font->hmtx.size_bytes / 4 < long_count) {
    return PrError_set(error, PR_EFONT,
                       "font: 'hmtx' table is shorter than numberOfHMetrics needs "
                       "(%u bytes for %u metrics)",
                       (unsigned)font->hmtx.size_bytes, (unsigned)long_count);
  }
  font->advances = malloc((size_t)font->glyph_count * sizeof *font->advances);
  if (font->advances == NULL) {
    return PrError_set(error, PR_ENOMEM, "font: out of memory for advances");
  }
  const uint8_t *hmtx = font->data + font->hmtx.offset;
  for (uint32_t g = 0; g < long_count; g++) {
    font->advances[g] = PrFont_u16(hmtx + 4 * g);
  }
  /* The last advance repeats for the remaining glyphs. */
  uint16_t last = font->advances[long_count - 1];
  for (uint32_t g = long_count; g < font->glyph_count; g++) {
    font->advances[g] = last;
  }
  return PR_OK;
}

/* Keeps [A-Za-z0-9-_]: what a PDF BaseFont can hold without escapes. */
static void append_name_char(char *out, size_t *length, uint32_t c) {
  if (*length + 1 >= sizeof ((PrFontInfo *)0)->postscript_name) {
    return;
  }
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
      c == '-' || c == '_') {
    out[(*length)++] = (char)c;
    out[*length] = '\0';
  }
}

/* Best record for name_id: platform 3 (English first), else platform 1. */
static void read_name(PrFont *font, uint16_t name_id, char *out) {
  out[0] = '\0';
  if (font->name.size_bytes < 6) {
    return;
  }
  const uint8_t *name = font->data + font->name.offset;
  uint32_t size = font->name.size_bytes;
  uint16_t count = PrFont_u16(name + 2);
  uint32_t strings = PrFont_u16(name + 4);
  if ((size - 6) / 12 < count) {
    count = (uint16_t)((size - 6) / 12);
  }
  int best_score = 0;
  uint32_t best_offset = 0, best_length = 0;
  int best_utf16 = 0;
  for (uint16_t i = 0; i < count; i++) {
    const uint8_t *record = name + 6 + 12u * i;
    uint16_t platform = PrFont_u16(record);
    uint16_t encoding = PrFont_u16(record + 2);
    uint16_t language = PrFont_u16(record + 4);
    if (PrFont_u16(record + 6) != name_id) {
      continue;
    }
    uint32_t length = PrFont_u16(record + 8);
    uint32_t offset = strings + PrFont_u16(record + 10);
    if ((uint64_t)offset + length > size) {
      continue;  /* a broken string only costs the name */
    }
    int score = 0, utf16 = 0;
    if (platform == 3 && (encoding == 1 || encoding == 10 || encoding == 0)) {
      score = language == 0x409 ? 4 : 3;
      utf16 = 1;
    } else if (platform == 0) {
      score = 2;
      utf16 = 1;
    } else if (platform == 1 && encoding == 0) {
      score = 1;
    }
    if (score > best_score) {
      best_score = score;
      best_offset = offset;
      best_length = length;
      best_utf16 = utf16;
    }
  }
  size_t length = 0;
  const uint8_t *text = name + best_offset;
  if (best_utf16) {
    for (uint32_t i = 0; i + 1 < best_length; i += 2) {
      append_name_char(out, &length, PrFont_u16(text + i));
    }
  } else {
    for (uint32_t i = 0; i < best_length; i++) {
      append_name_char(out, &length, text[i]);  /* Mac Roman: ASCII part only */
    }
  }
}

/* ---- cmap --------------------------------------------------------------- */

static PrStatus read_cmap_format4(PrFont *font, uint32_t offset, PrError *error) {
  const uint8_t *cmap = font->data + font->cmap.offset;
  uint32_t size = font->cmap.size_bytes;
  if (size - offset < 14) {
    return PrError_set(error, PR_EFONT, "font: 'cmap' format 4 subtable is truncated");
  }
  const uint8_t *sub = cmap + offset;
  uint32_t seg_count = PrFont_u16(sub + 6) / 2u;
  /* endCode, pad, startCode, idDelta, idRangeOffset */
  if ((uint64_t)14 + 8u * seg_count + 2 > size - offset) {
    return PrError_set(error, PR_EFONT,
                       "font: 'cmap' format 4 subtable is shorter than its %u segments",
                       (unsigned)seg_count);
  }
  const uint8_t *ends = sub + 14;
  const uint8_t *starts = ends + 2 * seg_count + 2;
  const uint8_t *deltas = starts + 2 * seg_count;
  const uint8_t *range_offsets = deltas + 2 * seg_count;
  const uint8_t *cmap_end = cmap + size;
  /* Segments are sorted by endCode; clipping each to what the previous ones
   * left bounds the work to 65,536 code points whatever the bytes say. */
  uint32_t next_free = 0;
  for (uint32_t s = 0; s < seg_count; s++) {
    uint32_t start = PrFont_u16(starts + 2 * s);
    uint32_t end = PrFont_u16(ends + 2 * s);
    uint16_t delta = PrFont_u16(deltas + 2 * s);
    uint16_t range_offset = PrFont_u16(range_offsets + 2 * s);
    if (end < start || end < next_free) {
      continue;
    }
    uint32_t first = start < next_free ? next_free : start;
    next_free = end + 1;
    for (uint32_t c = first; c <= end; c++) {
      uint32_t glyph;
      if (range_offset == 0) {
        glyph = (c + delta) & 0xFFFFu;
      } else {
        const uint8_t *p = range_offsets + 2 * s + range_offset + 2 * (c - start);
        if (p + 2 > cmap_end) {
          continue;  /* a stray segment (often 0xFFFF) costs only its chars */
        }
        glyph = PrFont_u16(p);
        if (glyph != 0) {
          glyph = (glyph + delta) & 0xFFFFu;
        }
      }
      if (glyph < font->glyph_count) {
        font->bmp_glyphs[c] = (uint16_t)glyph;
      }
    }
  }
  return PR_OK;
}

static int compare_groups(const void *a, const void *b) {
  const PrFontCmapGroup *x = a, *y = b;
  return x->start < y->start ? -1 : x->start > y->start ? 1 : 0;
}

static PrStatus read_cmap_format12(PrFont *font, uint32_t offset, PrError *error) {
  const uint8_t *cmap = font->data + font->cmap.offset;
  uint32_t size = font->cmap.size_bytes;
  if (size - offset < 16) {
    return PrError_set(error, PR_EFONT, "font: 'cmap' format 12 subtable is truncated");
  }
  const uint8_t *sub = cmap + offset;
  uint32_t count = PrFont_u32(sub + 12);
  if ((size - offset - 16) / 12 < count) {
    return PrError_set(error, PR_EFONT,
                       "font: 'cmap' format 12 subtable is shorter than its %u groups",
                       (unsigned)count);
  }
  PrFontCmapGroup *groups = malloc(((size_t)count + 1) * sizeof *groups);
  if (groups == NULL) {
    return PrError_set(error, PR_ENOMEM, "font: out of memory for cmap groups");
  }
  uint32_t kept = 0;
  for (uint32_t i = 0; i < count; i++) {
    const uint8_t *g = sub + 16 + 12u * i;
    PrFontCmapGroup group = {PrFont_u32(g), PrFont_u32(g + 4), PrFont_u32(g + 8)};
    if (group.end < group.start || group.start > 0x10FFFF) {
      continue;
    }
    if (group.end > 0x10FFFF) {
      group.end = 0x10FFFF;
    }
    groups[kept++] = group;
  }
  qsort(groups, kept, sizeof *groups, compare_groups);
  /* Fill the BMP table; keep the supplementary parts, clipped so that
   * groups never overlap (each code point is then visited once). */
  uint32_t next_free = 0, supplementary = 0;
  for (uint32_t i = 0; i < kept; i++) {
    PrFontCmapGroup group = groups[i];
    if (group.end < next_free) {
      continue;
    }
    if (group.start < next_free) {
      group.first_glyph += next_free - group.start;
      group.start = next_free;
    }
    next_free = group.end + 1;
    for (uint32_t c = group.start; c <= group.end && c < BMP_SIZE; c++) {
      uint64_t glyph = (uint64_t)group.first_glyph + (c - group.start);
      if (glyph < font->glyph_count) {
        font->bmp_glyphs[c] = (uint16_t)glyph;
      }
    }
    if (group.end >= BMP_SIZE) {
      if (group.start < BMP_SIZE) {
        group.first_glyph += BMP_SIZE - group.start;
        group.start = BMP_SIZE;
      }
      groups[supplementary++] = group;  /* supplementary <= i: in place is safe */
    }
  }
  font->groups = groups;
  font->group_count = supplementary;
  return PR_OK;
}

static PrStatus read_cmap(PrFont *font, PrError *error) {
  PR_RETURN_NOT_OK(require_table(&font->cmap, "cmap", 4, error));
  font->bmp_glyphs = calloc(BMP_SIZE, sizeof *font->bmp_glyphs);
  if (font->bmp_glyphs == NULL) {
    return PrError_set(error, PR_ENOMEM, "font: out of memory for the cmap");
  }
  const uint8_t *cmap = font->data + font->cmap.offset;
  uint32_t size = font->cmap.size_bytes;
  uint32_t count = PrFont_u16(cmap + 2);
  if ((size - 4) / 8 < count) {
    return PrError_set(error, PR_EFONT,
                       "font: 'cmap' table is shorter than its %u encoding records",
                       (unsigned)count);
  }
  /* Rank: 3/10 fmt 12 > 0/x fmt 12 > 3/1 fmt 4 > 0/x fmt 4 > 3/0 fmt 4. */
  int best_rank = 0, best_symbol = 0;
  uint32_t best_offset = 0, best_format = 0;
  for (uint32_t i = 0; i < count; i++) {
    const uint8_t *record = cmap + 4 + 8 * i;
    uint16_t platform = PrFont_u16(record);
    uint16_t encoding = PrFont_u16(record + 2);
    uint32_t offset = PrFont_u32(record + 4);
    if (offset > size - 2) {
      return PrError_set(error, PR_EFONT,
                         "font: 'cmap' subtable %u/%u starts past the end of the table",
                         (unsigned)platform, (unsigned)encoding);
    }
    uint16_t format = PrFont_u16(cmap + offset);
    int rank = 0;
    if (format == 12) {
      rank = platform == 3 && encoding == 10 ? 5 : platform == 0 ? 4 : 0;
    } else if (format == 4) {
      rank = platform == 3 && encoding == 1 ? 3 : platform == 0 ? 2
           : platform == 3 && encoding == 0 ? 1 : 0;
    }
    if (rank > best_rank) {
      best_rank = rank;
      best_offset = offset;
      best_format = format;
      best_symbol = platform == 3 && encoding == 0;
    }
  }
  if (best_rank == 0) {
    return PrError_set(error, PR_EFONT,
                       "font: 'cmap' has no Unicode subtable of format 4 or 12");
  }
  if (best_format == 12) {
    PR_RETURN_NOT_OK(read_cmap_format12(font, best_offset, error));
  } else {
    PR_RETURN_NOT_OK(read_cmap_format4(font, best_offset, error));
  }
  if (best_symbol) {
    /* Symbol fonts map U+F020..U+F0FF; make the Latin-1 codes reach them. */
    for (uint32_t c = 0x20; c < 0x100; c++) {
      if (font->bmp_glyphs[c] == 0) {
        font->bmp_glyphs[c] = font->bmp_glyphs[0xF000 + c];
      }
    }
  }
  return PR_OK;
}

/* ---- public API --------------------------------------------------------- */

PrStatus PrFont_create(const uint8_t *data, size_t data_bytes, uint32_t face_index,
                       PrFont **out, PrError *error) {
  if (out == NULL) {
    return PrError_set(error, PR_EINVAL, "font: out is NULL");
  }
  *out = NULL;
  if (data == NULL || data_bytes < 12) {
    return PrError_set(error, PR_EFONT, "font: file too short for the sfnt header (%zu bytes)",
                       data == NULL ? (size_t)0 : data_bytes);
  }
  if (data_bytes > UINT32_MAX) {
    return PrError_set(error, PR_EFONT, "font: file larger than 4 GiB");
  }
  PrFont *font = calloc(1, sizeof *font);
  if (font == NULL) {
    return PrError_set(error, PR_ENOMEM, "font: out of memory");
  }
  font->data = malloc(data_bytes);
  if (font->data == NULL) {
    free(font);
    return PrError_set(error, PR_ENOMEM, "font: out of memory copying %zu bytes", data_bytes);
  }
  memcpy(font->data, data, data_bytes);
  font->data_bytes = data_bytes;

  PrStatus status = PR_OK;
  size_t dir_offset = 0;
  if (PrFont_u32(data) == PR_TAG('t', 't', 'c', 'f')) {
    uint32_t face_count = PrFont_u32(data + 8);
    if ((data_bytes - 12) / 4 < face_count) {
      status = PrError_set(error, PR_EFONT,
                           "font: collection too short for its %u face offsets",
                           (unsigned)face_count);
    } else if (face_index >= face_count) {
      status = PrError_set(error, PR_EINVAL,
                           "font: face index %u out of range (the collection has %u)",
                           (unsigned)face_index, (unsigned)face_count);
    } else {
      dir_offset = PrFont_u32(data + 12 + 4 * face_index);
    }
  } else if (face_index != 0) {
    status = PrError_set(error, PR_EINVAL,
                         "font: face index %u given for a single-face font",
                         (unsigned)face_index);
  }
  if (status == PR_OK) status = read_directory(font, dir_offset, error);
  if (status == PR_OK) status = read_metrics(font, error);
  if (status == PR_OK) status = read_advances(font, error);
  if (status == PR_OK) status = read_cmap(font, error);
  if (status == PR_OK) status = PrFontKern_build(font, error);
  if (status != PR_OK) {
    PrFont_destroy(font);
    return status;
  }
  read_name(font, 6, font->info.postscript_name);
  if (font->info.postscript_name[0] == '\0') {
    read_name(font, 4, font->info.postscript_name);  /* full name, spaces dropped */
  }
  *out = font;
  return PR_OK;
}

void PrFont_destroy(PrFont *font) {
  if (font == NULL) {
    return;
  }
  PrFontKern_free(&font->kerning);
  free(font->bmp_glyphs);
  free(font->groups);
  free(font->advances);
  free(font->data);
  free(font);
}

void PrFont_info(const PrFont *font, PrFontInfo *out) {
  *out = font->info;
}

uint16_t PrFont_glyph(const PrFont *font, uint32_t codepoint) {
  if (codepoint < BMP_SIZE) {
    return font->bmp_glyphs[codepoint];
  }
  uint32_t low = 0, high = font->group_count;
  while (low < high) {
    uint32_t mid = low + (high - low) / 2;
    const PrFontCmapGroup *group = &font->groups[mid];
    if (codepoint < group->start) {
      high = mid;
    } else if (codepoint > group->end) {
      low = mid + 1;
    } else {
      uint64_t glyph = (uint64_t)group->first_glyph + (codepoint - group->start);
      return glyph < font->glyph_count ? (uint16_t)glyph : 0;
    }
  }
  return 0;
}

uint16_t PrFont_advance(const PrFont *font, uint16_t glyph) {
  return glyph < font->glyph_count ? font->advances[glyph] : 0;
}

const uint8_t *PrFont_data(const PrFont *font, size_t *size_bytes) {
  if (size_bytes != NULL) {
    *size_bytes = font->data_bytes;
  }
  return font->data;
}
