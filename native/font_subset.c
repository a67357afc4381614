/* font_subset.c: a TrueType file holding only the used glyphs (and the
 * glyphs their composites reference, and .notdef), glyph ids unchanged.
 * Glyphs after the highest kept one are dropped (numGlyphs shrinks), the
 * others that are not kept become empty. Tables: head hhea maxp hmtx loca
 * glyf cmap post (format 3) plus OS/2 name cvt fpgm prep gasp when present. */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "font_internal.h"

#define MAX_COMPOSITE_DEPTH 32
#define MAX_TABLES 16

/* Composite flags. */
#define ARG_1_AND_2_ARE_WORDS 0x0001
#define WE_HAVE_A_SCALE 0x0008
#define MORE_COMPONENTS 0x0020
#define WE_HAVE_AN_X_AND_Y_SCALE 0x0040
#define WE_HAVE_A_TWO_BY_TWO 0x0080

static void put16(PrBuffer *out, uint32_t value) {
  uint8_t bytes[2] = {(uint8_t)(value >> 8), (uint8_t)value};
  PrBuffer_append(out, bytes, 2);
}

static void put32(PrBuffer *out, uint32_t value) {
  uint8_t bytes[4] = {(uint8_t)(value >> 24), (uint8_t)(value >> 16), (uint8_t)(value >> 8),
                      (uint8_t)value};
  PrBuffer_append(out, bytes, 4);
}

static void set16(uint8_t *at, uint32_t value) {
  at[0] = (uint8_t)(value >> 8);
  at[1] = (uint8_t)value;
}

static void set32(uint8_t *at, uint32_t value) {
  at[0] = (uint8_t)(value >> 24);
  at[1] = (uint8_t)(value >> 16);
  at[2] = (uint8_t)(value >> 8);
  at[3] = (uint8_t)value;
}

static void pad4(PrBuffer *out) {
  static const uint8_t zeros[3] = {0, 0, 0};
  PrBuffer_append(out, zeros, (4 - out->size_bytes % 4) % 4);
}

/* Largest power of two <= n (n >= 1), and its log2. */
static uint32_t floor_pow2(uint32_t n, uint32_t *log2) {
  uint32_t p = 1, l = 0;
  while (p * 2 <= n) {
    p *= 2;
    l++;
  }
  *log2 = l;
  return p;
}

/* ---- glyph closure ------------------------------------------------------ */

static PrStatus glyph_range(const PrFont *font, uint32_t glyph, uint32_t *start,
                            uint32_t *end, PrError *error) {
  const uint8_t *loca = font->data + font->loca.offset;
  if (font->index_to_loc_format == 0) {
    *start = 2u * PrFont_u16(loca + 2 * glyph);
    *end = 2u * PrFont_u16(loca + 2 * glyph + 2);
  } else {
    *start = PrFont_u32(loca + 4 * glyph);
    *end = PrFont_u32(loca + 4 * glyph + 4);
  }
  if (*start > *end || *end > font->glyf.size_bytes) {
    return PrError_set(error, PR_EFONT,
                       "font: 'loca' entry of glyph %u points outside 'glyf'",
                       (unsigned)glyph);
  }
  if (*end - *start != 0 && *end - *start < 10) {
    return PrError_set(error, PR_EFONT, "font: 'glyf' glyph %u is shorter than its header",
                       (unsigned)glyph);
  }
  return PR_OK;
}

/* Marks `glyph` and, for a composite, its components. */
static PrStatus keep_glyph(const PrFont *font, uint8_t *keep, uint32_t glyph, int depth,
                           PrError *error) {
  if (keep[glyph]) {
    return PR_OK;
  }
  if (depth > MAX_COMPOSITE_DEPTH) {
    return PrError_set(error, PR_EFONT,
                       "font: 'glyf' composite glyphs nest deeper than %d at glyph %u",
                       MAX_COMPOSITE_DEPTH, (unsigned)glyph);
  }
  keep[glyph] = 1;
  uint32_t start, end;
  PR_RETURN_NOT_OK(glyph_range(font, glyph, &start, &end, error));
  if (end == start) {
    return PR_OK;
  }
  const uint8_t *data = font->data + font->glyf.offset + start;
  uint32_t length = end - start;
  if (PrFont_s16(data) >= 0) {
    return PR_OK;  /* a simple glyph */
  }
  uint32_t at = 10;
  uint16_t flags;
  do {
    if (at > length || length - at < 4) {
      return PrError_set(error, PR_EFONT,
                         "font: 'glyf' composite glyph %u is truncated", (unsigned)glyph);
    }
    flags = PrFont_u16(data + at);
    uint16_t component = PrFont_u16(data + at + 2);
    at += (flags & ARG_1_AND_2_ARE_WORDS) ? 8u : 6u;
    at += (flags & WE_HAVE_A_SCALE) ? 2
        : (flags & WE_HAVE_AN_X_AND_Y_SCALE) ? 4
        : (flags & WE_HAVE_A_TWO_BY_TWO) ? 8 : 0;
    if (at > length) {
      return PrError_set(error, PR_EFONT,
                         "font: 'glyf' composite glyph %u is truncated", (unsigned)glyph);
    }
    if (component >= font->glyph_count) {
      return PrError_set(error, PR_EFONT,
                         "font: 'glyf' composite glyph %u references glyph %u of %u",
                         (unsigned)glyph, (unsigned)component, (unsigned)font->glyph_count);
    }
    PR_RETURN_NOT_OK(keep_glyph(font, keep, component, depth + 1, error));
  } while (flags & MORE_COMPONENTS);
  return PR_OK;
}

/* ---- tables ------------------------------------------------------------- */

typedef struct OutTable {
  uint32_t tag;
  int from_scratch;  /* 1: bytes at scratch.data + offset; 0: font->data + offset */
  uint32_t offset;
  uint32_t size_bytes;
} OutTable;

typedef struct Subset {
  const PrFont *font;
  const uint8_t *keep;
  uint32_t glyph_count;  /* of the subset: highest kept glyph + 1 */
  PrBuffer scratch;
  OutTable tables[MAX_TABLES];
  uint32_t table_count;
} Subset;

static void add_copy(Subset *s, uint32_t tag, const PrFontTable *table) {
  if (table->size_bytes > 0) {
    OutTable *t = &s->tables[s->table_count++];
    t->tag = tag;
    t->from_scratch = 0;
    t->offset = table->offset;
    t->size_bytes = table->size_bytes;
  }
}

/* Starts a table built in scratch; end_table records its length. */
static OutTable *begin_table(Subset *s, uint32_t tag) {
  pad4(&s->scratch);
  OutTable *t = &s->tables[s->table_count++];
  t->tag = tag;
  t->from_scratch = 1;
  t->offset = (uint32_t)s->scratch.size_bytes;
  return t;
}

static void end_table(Subset *s, OutTable *t) {
  t->size_bytes = (uint32_t)(s->scratch.size_bytes - t->offset);
}

static PrStatus write_glyf_loca(Subset *s, PrError *error) {
  const PrFont *font = s->font;
  uint32_t *offsets = malloc(((size_t)s->glyph_count + 1) * sizeof *offsets);
  if (offsets == NULL) {
    return PrError_set(error, PR_ENOMEM, "font: out of memory subsetting");
  }
  OutTable *glyf = begin_table(s, PR_TAG('g', 'l', 'y', 'f'));
  uint32_t size = 0;
  for (uint32_t g = 0; g < s->glyph_count; g++) {
    offsets[g] = size;
    if (!s->keep[g]) {
      continue;
    }
    uint32_t start, end;
    PrStatus status = glyph_range(font, g, &start, &end, error);
    if (status != PR_OK) {
      free(offsets);
      return status;
    }
    PrBuffer_append(&s->scratch, font->data + font->glyf.offset + start, end - start);
    pad4(&s->scratch);  /* glyph starts stay 4-byte aligned */
    size = (uint32_t)(s->scratch.size_bytes - glyf->offset);
  }
  offsets[s->glyph_count] = size;
  end_table(s, glyf);
  int long_format = size / 2 > 0xFFFF;
  OutTable *loca = begin_table(s, PR_TAG('l', 'o', 'c', 'a'));
  for (uint32_t g = 0; g <= s->glyph_count; g++) {
    if (long_format) {
      put32(&s->scratch, offsets[g]);
    } else {
      put16(&s->scratch, offsets[g] / 2);
    }
  }
  end_table(s, loca);
  free(offsets);

  /* head: the checksum adjustment is set once the file is complete. */
  OutTable *head = begin_table(s, PR_TAG('h', 'e', 'a', 'd'));
  PrBuffer_append(&s->scratch, font->data + font->head.offset, 54);
  end_table(s, head);
  if (!s->scratch.failed) {
    uint8_t *bytes = s->scratch.data + head->offset;
    set32(bytes + 8, 0);
    set16(bytes + 50, (uint32_t)long_format);
  }
  return PR_OK;
}

static void write_metrics(Subset *s) {
  const PrFont *font = s->font;
  uint32_t long_count = font->number_of_hmetrics;
  if (long_count > s->glyph_count) {
    long_count = s->glyph_count;
  }
  OutTable *hhea = begin_table(s, PR_TAG('h', 'h', 'e', 'a'));
  PrBuffer_append(&s->scratch, font->data + font->hhea.offset, 36);
  end_table(s, hhea);
  if (!s->scratch.failed) {
    set16(s->scratch.data + hhea->offset + 34, long_count);
  }

  OutTable *maxp = begin_table(s, PR_TAG('m', 'a', 'x', 'p'));
  uint32_t maxp_bytes = font->maxp.size_bytes >= 32 ? 32 : 6;
  PrBuffer_append(&s->scratch, font->data + font->maxp.offset, maxp_bytes);
  end_table(s, maxp);
  if (!s->scratch.failed) {
    if (maxp_bytes == 6) {
      set32(s->scratch.data + maxp->offset, 0x00005000);  /* version 0.5 */
    }
    set16(s->scratch.data + maxp->offset + 4, s->glyph_count);
  }

  /* Advances from the parsed array; left side bearings from hmtx where the
   * table has them (0 otherwise). */
  const uint8_t *hmtx = font->data + font->hmtx.offset;
  uint32_t hmtx_bytes = font->hmtx.size_bytes;
  OutTable *table = begin_table(s, PR_TAG('h', 'm', 't', 'x'));
  for (uint32_t g = 0; g < s->glyph_count; g++) {
    uint32_t lsb_at = g < font->number_of_hmetrics
                          ? 4 * g + 2
                          : 4u * font->number_of_hmetrics + 2 * (g - font->number_of_hmetrics);
    uint32_t lsb = (uint64_t)lsb_at + 2 <= hmtx_bytes ? PrFont_u16(hmtx + lsb_at) : 0;
    if (g < long_count) {
      put16(&s->scratch, font->advances[g]);
    }
    put16(&s->scratch, lsb);
  }
  end_table(s, table);

  /* post format 3: no glyph names, which a PDF does not need. */
  OutTable *post = begin_table(s, PR_TAG('p', 'o', 's', 't'));
  uint8_t bytes[32];
  memset(bytes, 0, sizeof bytes);
  if (font->post.size_bytes >= 16) {
    memcpy(bytes, font->data + font->post.offset, 16);
  }
  set32(bytes, 0x00030000);
  PrBuffer_append(&s->scratch, bytes, sizeof bytes);
  end_table(s, post);
}

/* A cmap covering the kept glyphs: 3/1 format 4 for the BMP and, when a
 * kept glyph has a supplementary code point, 3/10 format 12 for all. */
typedef struct Mapping {
  uint32_t start, end, first_glyph;
} Mapping;

static PrStatus write_cmap(Subset *s, PrError *error) {
  const PrFont *font = s->font;
  Mapping *runs = NULL;
  uint32_t run_count = 0, run_capacity = 0, bmp_runs = 0;
  PrStatus status = PR_OK;
  /* Runs of consecutive code points with consecutive kept glyphs. */
  for (int pass = 0; pass < 2 && status == PR_OK; pass++) {
    uint32_t group_count = pass == 0 ? 1 : font->group_count;
    for (uint32_t k = 0; k < group_count; k++) {
      uint32_t low = pass == 0 ? 0 : font->groups[k].start;
      uint32_t high = pass == 0 ? 0xFFFE : font->groups[k].end;
      for (uint32_t c = low; c <= high; c++) {
        uint64_t glyph = pass == 0 ? font->bmp_glyphs[c]
                                   : (uint64_t)font->groups[k].first_glyph + (c - low);
        if (glyph == 0 || glyph >= s->glyph_count || !s->keep[glyph]) {
          continue;
        }
        Mapping *last = run_count > 0 ? &runs[run_count - 1] : NULL;
        if (last != NULL && last->end + 1 == c &&
            last->first_glyph + (c - last->start) == glyph) {
          last->end = c;
          continue;
        }
        if (run_count == run_capacity) {
          uint32_t next = run_capacity < 64 ? 64 : run_capacity * 2;
          Mapping *grown = realloc(runs, next * sizeof *runs);
          if (grown == NULL) {
            status = PrError_set(error, PR_ENOMEM, "font: out of memory subsetting");
            break;
          }
          runs = grown;
          run_capacity = next;
        }
        runs[run_count++] = (Mapping){c, c, (uint32_t)glyph};
      }
      if (status != PR_OK) {
        break;
      }
    }
    if (pass == 0) {
      bmp_runs = run_count;
    }
  }
  if (status != PR_OK) {
    free(runs);
    return status;
  }
  uint32_t seg_count = bmp_runs + 1;  /* + the closing 0xFFFF segment */
  int with_format4 = 16 + 8 * seg_count <= 0xFFFF;
  int with_format12 = run_count > bmp_runs || !with_format4;
  uint32_t subtables = (uint32_t)with_format4 + (uint32_t)with_format12;
  OutTable *cmap = begin_table(s, PR_TAG('c', 'm', 'a', 'p'));
  put16(&s->scratch, 0);
  put16(&s->scratch, subtables);
  uint32_t at = 4 + 8 * subtables;
  if (with_format4) {
    put16(&s->scratch, 3);
    put16(&s->scratch, 1);
    put32(&s->scratch, at);
    at += 16 + 8 * seg_count;
  }
  if (with_format12) {
    put16(&s->scratch, 3);
    put16(&s->scratch, 10);
    put32(&s->scratch, at);
  }
  if (with_format4) {
    uint32_t log2;
    uint32_t search_range = 2 * floor_pow2(seg_count, &log2);
    put16(&s->scratch, 4);
    put16(&s->scratch, 16 + 8 * seg_count);
    put16(&s->scratch, 0);
    put16(&s->scratch, 2 * seg_count);
    put16(&s->scratch, search_range);
    put16(&s->scratch, log2);
    put16(&s->scratch, 2 * seg_count - search_range);
    for (uint32_t i = 0; i < bmp_runs; i++) put16(&s->scratch, runs[i].end);
    put16(&s->scratch, 0xFFFF);
    put16(&s->scratch, 0);  /* reservedPad */
    for (uint32_t i = 0; i < bmp_runs; i++) put16(&s->scratch, runs[i].start);
    put16(&s->scratch, 0xFFFF);
    for (uint32_t i = 0; i < bmp_runs; i++) {
      put16(&s->scratch, (runs[i].first_glyph - runs[i].start) & 0xFFFF);
    }
    put16(&s->scratch, 1);
    for (uint32_t i = 0; i < seg_count; i++) put16(&s->scratch, 0);
  }
  if (with_format12) {
    put16(&s->scratch, 12);
    put16(&s->scratch, 0);
    put32(&s->scratch, 16 + 12 * run_count);
    put32(&s->scratch, 0);
    put32(&s->scratch, run_count);
    for (uint32_t i = 0; i < run_count; i++) {
      put32(&s->scratch, runs[i].start);
      put32(&s->scratch, runs[i].end);
      put32(&s->scratch, runs[i].first_glyph);
    }
  }
  end_table(s, cmap);
  free(runs);
  return PR_OK;
}

static uint32_t checksum(const uint8_t *data, uint32_t size_bytes) {
  uint32_t sum = 0;
  uint32_t whole = size_bytes & ~3u;
  for (uint32_t i = 0; i < whole; i += 4) {
    sum += PrFont_u32(data + i);
  }
  if (whole < size_bytes) {
    uint8_t last[4] = {0, 0, 0, 0};
    memcpy(last, data + whole, size_bytes - whole);
    sum += PrFont_u32(last);
  }
  return sum;
}

static int compare_tables(const void *a, const void *b) {
  const OutTable *x = a, *y = b;
  return x->tag < y->tag ? -1 : x->tag > y->tag ? 1 : 0;
}

static PrStatus assemble(Subset *s, PrBuffer *out, PrError *error) {
  PR_RETURN_NOT_OK(PrBuffer_check(&s->scratch, error));
  qsort(s->tables, s->table_count, sizeof *s->tables, compare_tables);
  uint32_t count = s->table_count;
  uint64_t total = 12 + 16ull * count;
  for (uint32_t i = 0; i < count; i++) {
    total += (s->tables[i].size_bytes + 3ull) & ~3ull;
  }
  if (total > UINT32_MAX) {
    return PrError_set(error, PR_ELIMIT, "font: subset larger than 4 GiB");
  }
  if (!PrBuffer_reserve(out, (size_t)total)) {
    return PrBuffer_check(out, error);
  }
  size_t base = out->size_bytes;
  uint32_t log2;
  uint32_t search_range = 16 * floor_pow2(count, &log2);
  put32(out, 0x00010000);
  put16(out, count);
  put16(out, search_range);
  put16(out, log2);
  put16(out, 16 * count - search_range);
  uint32_t offset = 12 + 16 * count;
  size_t head_at = 0;
  for (uint32_t i = 0; i < count; i++) {
    const OutTable *t = &s->tables[i];
    const uint8_t *bytes =
        (t->from_scratch ? s->scratch.data : s->font->data) + t->offset;
    put32(out, t->tag);
    put32(out, checksum(bytes, t->size_bytes));
    put32(out, offset);
    put32(out, t->size_bytes);
    if (t->tag == PR_TAG('h', 'e', 'a', 'd')) {
      head_at = base + offset;
    }
    offset += (t->size_bytes + 3) & ~3u;
  }
  for (uint32_t i = 0; i < count; i++) {
    const OutTable *t = &s->tables[i];
    const uint8_t *bytes =
        (t->from_scratch ? s->scratch.data : s->font->data) + t->offset;
    static const uint8_t zeros[3] = {0, 0, 0};
    PrBuffer_append(out, bytes, t->size_bytes);
    /* Padding by size: `base` itself need not be 4-byte aligned. */
    PrBuffer_append(out, zeros, (4 - t->size_bytes % 4) % 4);
  }
  PR_RETURN_NOT_OK(PrBuffer_check(out, error));
  uint32_t sum = checksum(out->data + base, (uint32_t)(out->size_bytes - base));
  set32(out->data + head_at + 8, 0xB1B0AFBAu - sum);
  return PR_OK;
}

PrStatus PrFont_subsetGlyf(const PrFont *font, const uint8_t *used, size_t used_bytes,
                           PrBuffer *out, PrError *error) {
  if (font == NULL || out == NULL || (used == NULL && used_bytes > 0)) {
    return PrError_set(error, PR_EINVAL, "font subset: font, out or used is NULL");
  }
  if (font->info.is_cff || font->glyf.size_bytes == 0) {
    return PrError_set(error, PR_EINVAL,
                       "font subset: '%s' has CFF outlines, not a 'glyf' table",
                       font->info.postscript_name);
  }
  uint8_t *keep = calloc(font->glyph_count, 1);
  if (keep == NULL) {
    return PrError_set(error, PR_ENOMEM, "font: out of memory subsetting");
  }
  PrStatus status = keep_glyph(font, keep, 0, 0, error);
  for (size_t byte = 0; byte < used_bytes && status == PR_OK; byte++) {
    for (uint32_t bit = 0; used[byte] >> bit != 0 && status == PR_OK; bit++) {
      if (!((used[byte] >> bit) & 1)) {
        continue;
      }
      uint64_t glyph = (uint64_t)byte * 8 + bit;
      if (glyph >= font->glyph_count) {
        status = PrError_set(error, PR_EINVAL,
                             "font subset: glyph %llu marked used, the font has %u",
                             (unsigned long long)glyph, (unsigned)font->glyph_count);
      } else {
        status = keep_glyph(font, keep, (uint32_t)glyph, 0, error);
      }
    }
  }
  Subset s;
  memset(&s, 0, sizeof s);
  s.font = font;
  s.keep = keep;
  PrBuffer_init(&s.scratch);
  if (status == PR_OK) {
    uint32_t last = font->glyph_count - 1;
    while (last > 0 && !keep[last]) {
      last--;
    }
    s.glyph_count = last + 1;
    status = write_glyf_loca(&s, error);
  }
  if (status == PR_OK) {
    write_metrics(&s);
    status = write_cmap(&s, error);
  }
  if (status == PR_OK) {
    add_copy(&s, PR_TAG('O', 'S', '/', '2'), &font->os2);
    add_copy(&s, PR_TAG('n', 'a', 'm', 'e'), &font->name);
    add_copy(&s, PR_TAG('c', 'v', 't', ' '), &font->cvt);
    add_copy(&s, PR_TAG('f', 'p', 'g', 'm'), &font->fpgm);
    add_copy(&s, PR_TAG('p', 'r', 'e', 'p'), &font->prep);
    add_copy(&s, PR_TAG('g', 'a', 's', 'p'), &font->gasp);
    status = assemble(&s, out, error);
  }
  PrBuffer_free(&s.scratch);
  free(keep);
  return status;
}
