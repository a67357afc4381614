/* font_kern.c: pair kerning. At load, the GPOS pair-adjustment subtables
 * of the 'kern' feature (formats 1 and 2, also inside extension lookups),
 * or else the legacy 'kern' table format 0, are flattened into per-glyph
 * arrays so that PrFont_kerning costs a few array reads:
 *   left_start[left] -> entries (subtable, class1 row or pair set)
 *   format 2: class2 array [right] -> matrix[row][class2]
 *   format 1: binary search in a short sorted pair list.
 * Semantics follow OpenType: lookups add up; within a lookup the first
 * subtable that applies wins (format 1 applies only when the pair is
 * listed, format 2 whenever the left glyph is covered). */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "font_internal.h"

/* Caps for garbled fonts: far above any real font, far below a problem. */
#define MAX_ENTRIES (1u << 24)
#define MAX_PAIRS (1u << 23)
#define MAX_SUBTABLES 65535u

typedef struct TempEntry {
  uint16_t left;
  PrKernEntry entry;
} TempEntry;

typedef struct ClassArray {
  uint32_t source;   /* ClassDef offset in the font file: shared arrays */
  uint16_t first;
  uint32_t length;
  uint16_t *values;
} ClassArray;

typedef struct Builder {
  PrFont *font;
  const uint8_t *table;  /* GPOS or kern */
  uint32_t size;
  const char *tag;
  TempEntry *temp;
  size_t temp_count, temp_capacity;
  PrKernSubtable *subtables;
  uint32_t subtable_count, subtable_capacity;
  uint32_t *pair_set_start;  /* start of each pair set; one more at the end */
  uint32_t pair_set_count, pair_set_capacity;
  PrKernPair *pairs;
  uint32_t pair_count, pair_capacity;
  ClassArray *classes;
  uint32_t class_count, class_capacity;
  uint32_t *coverage;  /* scratch: (glyph << 16 | coverage index) */
  uint32_t coverage_count, coverage_capacity;
} Builder;

static int grow(void **items, uint32_t *capacity, uint32_t needed, size_t item_bytes) {
  if (needed <= *capacity) {
    return 1;
  }
  uint32_t next = *capacity < 16 ? 16 : *capacity;
  while (next < needed) {
    next = next > UINT32_MAX / 2 ? needed : next * 2;
  }
  void *grown = realloc(*items, (size_t)next * item_bytes);
  if (grown == NULL) {
    return 0;
  }
  *items = grown;
  *capacity = next;
  return 1;
}

static PrStatus no_memory(PrError *error) {
  return PrError_set(error, PR_ENOMEM, "font: out of memory building the kerning tables");
}

static PrStatus broken(const Builder *b, PrError *error, const char *what) {
  return PrError_set(error, PR_EFONT, "font: '%s' table: %s", b->tag, what);
}

static int in_table(const Builder *b, uint64_t offset, uint64_t bytes) {
  return offset <= b->size && bytes <= b->size - offset;
}

/* A ValueRecord holds one 16-bit field per set bit of the low byte. */
static uint32_t value_record_bytes(uint16_t value_format) {
  uint32_t count = 0;
  for (unsigned bits = value_format & 0xFFu; bits != 0; bits &= bits - 1) {
    count++;
  }
  return 2 * count;
}

static PrStatus add_entry(Builder *b, uint16_t left, uint32_t subtable, uint16_t lookup,
                          uint32_t index, PrError *error) {
  if (b->temp_count >= MAX_ENTRIES) {
    return broken(b, error, "too many kerning entries");
  }
  if (b->temp_count == b->temp_capacity) {
    size_t next = b->temp_capacity < 256 ? 256 : b->temp_capacity * 2;
    TempEntry *grown = realloc(b->temp, next * sizeof *grown);
    if (grown == NULL) {
      return no_memory(error);
    }
    b->temp = grown;
    b->temp_capacity = next;
  }
  TempEntry *t = &b->temp[b->temp_count++];
  t->left = left;
  t->entry.subtable = (uint16_t)subtable;
  t->entry.lookup = lookup;
  t->entry.index = index;
  return PR_OK;
}

static PrStatus add_subtable(Builder *b, uint32_t *out_index, PrError *error) {
  if (b->subtable_count >= MAX_SUBTABLES) {
    return broken(b, error, "too many pair-positioning subtables");
  }
  if (!grow((void **)&b->subtables, &b->subtable_capacity, b->subtable_count + 1,
            sizeof *b->subtables)) {
    return no_memory(error);
  }
  *out_index = b->subtable_count++;
  memset(&b->subtables[*out_index], 0, sizeof *b->subtables);
  return PR_OK;
}

/* Fills b->coverage with the covered glyphs (below glyph_count). */
static PrStatus read_coverage(Builder *b, uint32_t offset, PrError *error) {
  b->coverage_count = 0;
  if (!in_table(b, offset, 4)) {
    return broken(b, error, "coverage table outside the table");
  }
  const uint8_t *cov = b->table + offset;
  uint16_t format = PrFont_u16(cov);
  uint32_t count = PrFont_u16(cov + 2);
  uint32_t glyph_count = b->font->glyph_count;
  if (format == 1) {
    if (!in_table(b, (uint64_t)offset + 4, 2ull * count)) {
      return broken(b, error, "coverage glyph array outside the table");
    }
    if (!grow((void **)&b->coverage, &b->coverage_capacity, count, sizeof *b->coverage)) {
      return no_memory(error);
    }
    for (uint32_t i = 0; i < count; i++) {
      uint16_t glyph = PrFont_u16(cov + 4 + 2 * i);
      if (glyph < glyph_count) {
        b->coverage[b->coverage_count++] = (uint32_t)glyph << 16 | i;
      }
    }
    return PR_OK;
  }
  if (format != 2) {
    return broken(b, error, "coverage table of unknown format");
  }
  if (!in_table(b, (uint64_t)offset + 4, 6ull * count)) {
    return broken(b, error, "coverage ranges outside the table");
  }
  uint32_t next_free = 0;
  for (uint32_t i = 0; i < count; i++) {
    const uint8_t *range = cov + 4 + 6 * i;
    uint32_t start = PrFont_u16(range);
    uint32_t end = PrFont_u16(range + 2);
    uint32_t index = PrFont_u16(range + 4);
    /* Ranges are sorted and disjoint; skipping what overlaps bounds the
     * work to glyph_count whatever the bytes say. */
    if (end < start || end < next_free || start >= glyph_count) {
      continue;
    }
    if (start < next_free) {
      index += next_free - start;
      start = next_free;
    }
    if (end >= glyph_count) {
      end = glyph_count - 1;
    }
    next_free = end + 1;
    if (!grow((void **)&b->coverage, &b->coverage_capacity,
              b->coverage_count + (end - start + 1), sizeof *b->coverage)) {
      return no_memory(error);
    }
    for (uint32_t g = start; g <= end; g++) {
      uint32_t coverage_index = index + (g - start);
      if (coverage_index > 0xFFFF) {
        break;
      }
      b->coverage[b->coverage_count++] = g << 16 | coverage_index;
    }
  }
  return PR_OK;
}

/* A ClassDef as an array over [first, first + length); glyphs outside are
 * class 0. Returned arrays are owned by the builder (and later the font). */
static PrStatus read_class_def(Builder *b, uint32_t offset, const ClassArray **out,
                               PrError *error) {
  uint32_t source = (uint32_t)(b->table - b->font->data) + offset;
  for (uint32_t i = 0; i < b->class_count; i++) {
    if (b->classes[i].source == source) {
      *out = &b->classes[i];
      return PR_OK;
    }
  }
  if (!in_table(b, offset, 4)) {
    return broken(b, error, "class definition outside the table");
  }
  const uint8_t *def = b->table + offset;
  uint16_t format = PrFont_u16(def);
  uint32_t glyph_count = b->font->glyph_count;
  ClassArray array = {source, 0, 0, NULL};
  if (format == 1) {
    if (!in_table(b, offset, 6)) {
      return broken(b, error, "class definition outside the table");
    }
    uint32_t start = PrFont_u16(def + 2);
    uint32_t count = PrFont_u16(def + 4);
    if (!in_table(b, (uint64_t)offset + 6, 2ull * count)) {
      return broken(b, error, "class values outside the table");
    }
    if (start < glyph_count) {
      if (count > glyph_count - start) {
        count = glyph_count - start;
      }
      array.first = (uint16_t)start;
      array.length = count;
      array.values = malloc(((size_t)count + 1) * sizeof *array.values);
      if (array.values == NULL) {
        return no_memory(error);
      }
      for (uint32_t i = 0; i < count; i++) {
        array.values[i] = PrFont_u16(def + 6 + 2 * i);
      }
    }
  } else if (format == 2) {
    uint32_t count = PrFont_u16(def + 2);
    if (!in_table(b, (uint64_t)offset + 4, 6ull * count)) {
      return broken(b, error, "class ranges outside the table");
    }
    uint32_t low = UINT32_MAX, high = 0;
    for (uint32_t i = 0; i < count; i++) {
      uint32_t start = PrFont_u16(def + 4 + 6 * i);
      uint32_t end = PrFont_u16(def + 6 + 6 * i);
      if (end < start || start >= glyph_count) {
        continue;
      }
      if (end >= glyph_count) {
        end = glyph_count - 1;
      }
      low = start < low ? start : low;
      high = end > high ? end : high;
    }
    if (low != UINT32_MAX) {
      array.first = (uint16_t)low;
      array.length = high - low + 1;
      array.values = calloc((size_t)array.length + 1, sizeof *array.values);
      if (array.values == NULL) {
        return no_memory(error);
      }
      uint32_t next_free = 0;
      for (uint32_t i = 0; i < count; i++) {
        uint32_t start = PrFont_u16(def + 4 + 6 * i);
        uint32_t end = PrFont_u16(def + 6 + 6 * i);
        uint16_t value = PrFont_u16(def + 8 + 6 * i);
        if (end < start || end < next_free || start >= glyph_count) {
          continue;  /* out of order or overlapping: bounded work */
        }
        if (start < next_free) {
          start = next_free;
        }
        if (end >= glyph_count) {
          end = glyph_count - 1;
        }
        next_free = end + 1;
        for (uint32_t g = start; g <= end; g++) {
          array.values[g - low] = value;
        }
      }
    }
  } else {
    return broken(b, error, "class definition of unknown format");
  }
  if (!grow((void **)&b->classes, &b->class_capacity, b->class_count + 1,
            sizeof *b->classes)) {
    free(array.values);
    return no_memory(error);
  }
  b->classes[b->class_count] = array;
  *out = &b->classes[b->class_count++];
  return PR_OK;
}

static uint16_t class_of(const ClassArray *array, uint16_t glyph) {
  uint32_t i = (uint32_t)glyph - array->first;
  return i < array->length ? array->values[i] : 0;
}

/* Appends one pair set (sorted by right glyph); returns its index. */
static PrStatus begin_pair_set(Builder *b, uint32_t *out_index, PrError *error) {
  if (!grow((void **)&b->pair_set_start, &b->pair_set_capacity, b->pair_set_count + 2,
            sizeof *b->pair_set_start)) {
    return no_memory(error);
  }
  *out_index = b->pair_set_count;
  b->pair_set_start[b->pair_set_count++] = b->pair_count;
  b->pair_set_start[b->pair_set_count] = b->pair_count;
  return PR_OK;
}

static PrStatus add_pair(Builder *b, uint16_t right, int16_t value, PrError *error) {
  if (b->pair_count >= MAX_PAIRS) {
    return broken(b, error, "too many kerning pairs");
  }
  if (!grow((void **)&b->pairs, &b->pair_capacity, b->pair_count + 1, sizeof *b->pairs)) {
    return no_memory(error);
  }
  b->pairs[b->pair_count].right = right;
  b->pairs[b->pair_count].value = value;
  b->pair_count++;
  b->pair_set_start[b->pair_set_count] = b->pair_count;
  return PR_OK;
}

static int compare_pairs(const void *a, const void *c) {
  const PrKernPair *x = a, *y = c;
  if (x->right != y->right) {
    return (int)x->right - (int)y->right;
  }
  return (int)x->value - (int)y->value;
}

/* Sorts the last pair set and drops repeated right glyphs. */
static void end_pair_set(Builder *b, uint32_t set) {
  uint32_t start = b->pair_set_start[set];
  uint32_t count = b->pair_count - start;
  PrKernPair *pairs = b->pairs + start;
  int sorted = 1;
  for (uint32_t i = 1; i < count && sorted; i++) {
    sorted = pairs[i - 1].right < pairs[i].right;
  }
  if (sorted) {
    return;
  }
  /* Real fonts list pairs sorted; a garbled one may not. Sorting on the
   * whole (right, value) key keeps the result deterministic. */
  qsort(pairs, count, sizeof *pairs, compare_pairs);
  uint32_t kept = count == 0 ? 0 : 1;
  for (uint32_t i = 1; i < count; i++) {
    if (pairs[i].right != pairs[kept - 1].right) {
      pairs[kept++] = pairs[i];
    }
  }
  b->pair_count = start + kept;
  b->pair_set_start[set + 1] = b->pair_count;
}

/* ---- GPOS --------------------------------------------------------------- */

static PrStatus read_pair_format1(Builder *b, uint32_t offset, uint16_t lookup,
                                  PrError *error) {
  if (!in_table(b, offset, 10)) {
    return broken(b, error, "pair adjustment subtable outside the table");
  }
  const uint8_t *sub = b->table + offset;
  uint16_t format1 = PrFont_u16(sub + 4), format2 = PrFont_u16(sub + 6);
  uint32_t set_count = PrFont_u16(sub + 8);
  if (!in_table(b, (uint64_t)offset + 10, 2ull * set_count)) {
    return broken(b, error, "pair set offsets outside the table");
  }
  uint32_t record_bytes = 2 + value_record_bytes(format1) + value_record_bytes(format2);
  int has_x_advance = (format1 & 0x0004) != 0;
  uint32_t x_advance_at = 2 + value_record_bytes(format1 & 0x0003);
  uint32_t subtable;
  PR_RETURN_NOT_OK(add_subtable(b, &subtable, error));
  b->subtables[subtable].format = 1;
  PR_RETURN_NOT_OK(read_coverage(b, offset + PrFont_u16(sub + 2), error));
  uint32_t last_source = UINT32_MAX, last_set = 0;
  for (uint32_t i = 0; i < b->coverage_count; i++) {
    uint16_t left = (uint16_t)(b->coverage[i] >> 16);
    uint32_t index = b->coverage[i] & 0xFFFFu;
    if (index >= set_count) {
      continue;
    }
    uint32_t source = offset + PrFont_u16(sub + 10 + 2 * index);
    if (source != last_source) {  /* shared pair sets are read once */
      if (!in_table(b, source, 2)) {
        return broken(b, error, "pair set outside the table");
      }
      uint32_t pair_count = PrFont_u16(b->table + source);
      if (!in_table(b, (uint64_t)source + 2, (uint64_t)pair_count * record_bytes)) {
        return broken(b, error, "pair value records outside the table");
      }
      PR_RETURN_NOT_OK(begin_pair_set(b, &last_set, error));
      for (uint32_t p = 0; p < pair_count; p++) {
        const uint8_t *record = b->table + source + 2 + p * record_bytes;
        int16_t value = has_x_advance ? PrFont_s16(record + x_advance_at) : 0;
        uint16_t right = PrFont_u16(record);
        if (right < b->font->glyph_count) {
          /* A zero pair still applies (it stops later subtables). */
          PR_RETURN_NOT_OK(add_pair(b, right, value, error));
        }
      }
      end_pair_set(b, last_set);
      last_source = source;
    }
    PR_RETURN_NOT_OK(add_entry(b, left, subtable, lookup, last_set, error));
  }
  return PR_OK;
}

static PrStatus read_pair_format2(Builder *b, uint32_t offset, uint16_t lookup,
                                  PrError *error) {
  if (!in_table(b, offset, 16)) {
    return broken(b, error, "pair adjustment subtable outside the table");
  }
  const uint8_t *sub = b->table + offset;
  uint16_t format1 = PrFont_u16(sub + 4), format2 = PrFont_u16(sub + 6);
  uint32_t class1_count = PrFont_u16(sub + 12);
  uint32_t class2_count = PrFont_u16(sub + 14);
  uint64_t record_bytes = (uint64_t)value_record_bytes(format1) + value_record_bytes(format2);
  uint64_t cells = (uint64_t)class1_count * class2_count;
  if (!in_table(b, (uint64_t)offset + 16, cells * record_bytes)) {
    return broken(b, error, "class pair records outside the table");
  }
  if (class2_count == 0) {
    return broken(b, error, "pair adjustment with 0 classes for the second glyph");
  }
  const ClassArray *class1, *class2;
  PR_RETURN_NOT_OK(read_class_def(b, offset + PrFont_u16(sub + 8), &class1, error));
  PR_RETURN_NOT_OK(read_class_def(b, offset + PrFont_u16(sub + 10), &class2, error));
  uint32_t subtable;
  PR_RETURN_NOT_OK(add_subtable(b, &subtable, error));
  PrKernSubtable *s = &b->subtables[subtable];
  s->format = 2;
  s->class2_first = class2->first;
  s->class2_length = class2->length;
  s->class2 = class2->values;
  s->class2_count = (uint16_t)class2_count;
  if ((format1 & 0x0004) && cells > 0) {
    /* Only the first glyph's XAdvance matters to a horizontal line. */
    s->matrix = malloc((size_t)cells * sizeof *s->matrix);
    if (s->matrix == NULL) {
      return no_memory(error);
    }
    uint32_t x_advance_at = (uint32_t)value_record_bytes(format1 & 0x0003);
    for (uint64_t c = 0; c < cells; c++) {
      s->matrix[c] = PrFont_s16(sub + 16 + c * record_bytes + x_advance_at);
    }
  }
  PR_RETURN_NOT_OK(read_coverage(b, offset + PrFont_u16(sub + 2), error));
  for (uint32_t i = 0; i < b->coverage_count; i++) {
    uint16_t left = (uint16_t)(b->coverage[i] >> 16);
    uint16_t row = class_of(class1, left);
    if (row < class1_count) {
      PR_RETURN_NOT_OK(add_entry(b, left, subtable, lookup, row, error));
    }
  }
  return PR_OK;
}

static int is_kern_script(uint32_t tag) {
  return tag == PR_TAG('D', 'F', 'L', 'T') || tag == PR_TAG('l', 'a', 't', 'n');
}

/* Marks in `selected` the lookups of the 'kern' features of the DFLT and
 * latn default language systems, or of every 'kern' feature when those
 * scripts name none. */
static PrStatus select_lookups(Builder *b, uint8_t *selected, uint32_t lookup_count,
                               PrError *error) {
  uint32_t script_list = PrFont_u16(b->table + 4);
  uint32_t feature_list = PrFont_u16(b->table + 6);
  if (!in_table(b, feature_list, 2)) {
    return broken(b, error, "feature list outside the table");
  }
  uint32_t feature_count = PrFont_u16(b->table + feature_list);
  if (!in_table(b, (uint64_t)feature_list + 2, 6ull * feature_count)) {
    return broken(b, error, "feature records outside the table");
  }
  uint8_t *wanted = calloc(feature_count + 1, 1);
  if (wanted == NULL) {
    return no_memory(error);
  }
  int any_wanted = 0;
  PrStatus status = PR_OK;
  if (!in_table(b, script_list, 2)) {
    status = broken(b, error, "script list outside the table");
  }
  uint32_t script_count = status == PR_OK ? PrFont_u16(b->table + script_list) : 0;
  if (status == PR_OK && !in_table(b, (uint64_t)script_list + 2, 6ull * script_count)) {
    status = broken(b, error, "script records outside the table");
  }
  for (uint32_t i = 0; status == PR_OK && i < script_count; i++) {
    const uint8_t *record = b->table + script_list + 2 + 6 * i;
    if (!is_kern_script(PrFont_u32(record))) {
      continue;
    }
    uint32_t script = script_list + PrFont_u16(record + 4);
    if (!in_table(b, script, 2)) {
      status = broken(b, error, "script table outside the table");
      break;
    }
    uint32_t lang_sys_offset = PrFont_u16(b->table + script);
    if (lang_sys_offset == 0) {
      continue;
    }
    uint32_t lang_sys = script + lang_sys_offset;
    if (!in_table(b, lang_sys, 6)) {
      status = broken(b, error, "language system outside the table");
      break;
    }
    uint32_t index_count = PrFont_u16(b->table + lang_sys + 4);
    if (!in_table(b, (uint64_t)lang_sys + 6, 2ull * index_count)) {
      status = broken(b, error, "feature indices outside the table");
      break;
    }
    for (uint32_t k = 0; k <= index_count; k++) {
      /* k == index_count: the required feature (0xFFFF when none). */
      uint32_t feature = k < index_count ? PrFont_u16(b->table + lang_sys + 6 + 2 * k)
                                         : PrFont_u16(b->table + lang_sys + 2);
      if (feature < feature_count &&
          PrFont_u32(b->table + feature_list + 2 + 6 * feature) == PR_TAG('k', 'e', 'r', 'n')) {
        wanted[feature] = 1;
        any_wanted = 1;
      }
    }
  }
  for (uint32_t f = 0; status == PR_OK && f < feature_count; f++) {
    const uint8_t *record = b->table + feature_list + 2 + 6 * f;
    if (any_wanted ? !wanted[f] : PrFont_u32(record) != PR_TAG('k', 'e', 'r', 'n')) {
      continue;
    }
    uint32_t feature = feature_list + PrFont_u16(record + 4);
    if (!in_table(b, feature, 4)) {
      status = broken(b, error, "feature table outside the table");
      break;
    }
    uint32_t count = PrFont_u16(b->table + feature + 2);
    if (!in_table(b, (uint64_t)feature + 4, 2ull * count)) {
      status = broken(b, error, "feature lookup indices outside the table");
      break;
    }
    for (uint32_t k = 0; k < count; k++) {
      uint32_t lookup = PrFont_u16(b->table + feature + 4 + 2 * k);
      if (lookup < lookup_count) {
        selected[lookup] = 1;
      }
    }
  }
  free(wanted);
  return status;
}

static PrStatus read_gpos(Builder *b, PrError *error) {
  if (b->size < 10) {
    return broken(b, error, "header truncated");
  }
  if (PrFont_u16(b->table) != 1) {
    return PR_OK;  /* an unknown major version: no kerning, not an error */
  }
  uint32_t lookup_list = PrFont_u16(b->table + 8);
  if (!in_table(b, lookup_list, 2)) {
    return broken(b, error, "lookup list outside the table");
  }
  uint32_t lookup_count = PrFont_u16(b->table + lookup_list);
  if (!in_table(b, (uint64_t)lookup_list + 2, 2ull * lookup_count)) {
    return broken(b, error, "lookup offsets outside the table");
  }
  uint8_t *selected = calloc(lookup_count + 1, 1);
  if (selected == NULL) {
    return no_memory(error);
  }
  PrStatus status = select_lookups(b, selected, lookup_count, error);
  for (uint32_t l = 0; status == PR_OK && l < lookup_count; l++) {
    if (!selected[l]) {
      continue;
    }
    uint32_t lookup = lookup_list + PrFont_u16(b->table + lookup_list + 2 + 2 * l);
    if (!in_table(b, lookup, 6)) {
      status = broken(b, error, "lookup outside the table");
      break;
    }
    uint16_t type = PrFont_u16(b->table + lookup);
    uint32_t count = PrFont_u16(b->table + lookup + 4);
    if (type != 2 && type != 9) {
      continue;
    }
    if (!in_table(b, (uint64_t)lookup + 6, 2ull * count)) {
      status = broken(b, error, "lookup subtable offsets outside the table");
      break;
    }
    for (uint32_t s = 0; status == PR_OK && s < count; s++) {
      uint32_t sub = lookup + PrFont_u16(b->table + lookup + 6 + 2 * s);
      if (type == 9) {
        if (!in_table(b, sub, 8)) {
          status = broken(b, error, "extension subtable outside the table");
          break;
        }
        if (PrFont_u16(b->table + sub) != 1 || PrFont_u16(b->table + sub + 2) != 2) {
          break;  /* an extension of another lookup type: not kerning */
        }
        uint64_t target = (uint64_t)sub + PrFont_u32(b->table + sub + 4);
        if (target > b->size) {
          status = broken(b, error, "extension offset outside the table");
          break;
        }
        sub = (uint32_t)target;
      }
      if (!in_table(b, sub, 2)) {
        status = broken(b, error, "pair adjustment subtable outside the table");
        break;
      }
      uint16_t format = PrFont_u16(b->table + sub);
      if (format == 1) {
        status = read_pair_format1(b, sub, (uint16_t)l, error);
      } else if (format == 2) {
        status = read_pair_format2(b, sub, (uint16_t)l, error);
      }
    }
  }
  free(selected);
  return status;
}

/* ---- legacy 'kern' ------------------------------------------------------ */

typedef struct LegacyPair {
  uint32_t key;      /* left << 16 | right */
  uint32_t order;    /* position in the table: later subtables come later */
  int16_t value;
  uint8_t replace;   /* the subtable's override bit */
} LegacyPair;

static int compare_legacy(const void *a, const void *c) {
  const LegacyPair *x = a, *y = c;
  if (x->key != y->key) {
    return x->key < y->key ? -1 : 1;
  }
  return x->order < y->order ? -1 : x->order > y->order ? 1 : 0;
}

static PrStatus read_legacy_kern(Builder *b, PrError *error) {
  if (b->size < 4) {
    return broken(b, error, "header truncated");
  }
  uint32_t table_count, at;
  int apple = PrFont_u16(b->table) == 1;  /* Apple: 32-bit version 1.0 */
  if (apple) {
    if (b->size < 8) {
      return broken(b, error, "header truncated");
    }
    table_count = PrFont_u32(b->table + 4);
    at = 8;
  } else if (PrFont_u16(b->table) == 0) {
    table_count = PrFont_u16(b->table + 2);
    at = 4;
  } else {
    return PR_OK;
  }
  LegacyPair *list = NULL;
  uint32_t list_count = 0, list_capacity = 0;
  PrStatus status = PR_OK;
  for (uint32_t t = 0; t < table_count && status == PR_OK; t++) {
    uint32_t header_bytes = apple ? 8 : 6;
    if (!in_table(b, at, header_bytes + 8)) {
      status = broken(b, error, "subtable header outside the table");
      break;
    }
    const uint8_t *sub = b->table + at;
    uint32_t length = apple ? PrFont_u32(sub) : PrFont_u16(sub + 2);
    uint16_t coverage = PrFont_u16(sub + 4);  /* both layouts */
    uint8_t format = apple ? (uint8_t)(coverage & 0xFF) : (uint8_t)(coverage >> 8);
    int usable, replace = 0;
    if (apple) {
      usable = (coverage & 0xE000) == 0;  /* not vertical, cross-stream, variation */
    } else {
      usable = (coverage & 0x0007) == 0x0001;  /* horizontal, kerning values */
      replace = (coverage & 0x0008) != 0;
    }
    uint32_t pair_count = PrFont_u16(sub + header_bytes);
    uint64_t body = (uint64_t)header_bytes + 8 + 6ull * pair_count;
    if (format == 0) {
      if (!in_table(b, at, body)) {
        status = broken(b, error, "format 0 pairs outside the table");
        break;
      }
      /* The 16-bit length overflows in big tables: trust the pair count. */
      length = (uint32_t)body;
    }
    if (format == 0 && usable) {
      if (list_count + (uint64_t)pair_count > MAX_PAIRS) {
        status = broken(b, error, "too many kerning pairs");
        break;
      }
      if (!grow((void **)&list, &list_capacity, list_count + pair_count, sizeof *list)) {
        status = no_memory(error);
        break;
      }
      for (uint32_t p = 0; p < pair_count; p++) {
        const uint8_t *pair = sub + header_bytes + 8 + 6 * p;
        LegacyPair *item = &list[list_count];
        item->key = PrFont_u32(pair);
        item->order = list_count;
        item->value = PrFont_s16(pair + 4);
        item->replace = (uint8_t)replace;
        if ((item->key >> 16) < b->font->glyph_count &&
            (item->key & 0xFFFF) < b->font->glyph_count) {
          list_count++;
        }
      }
    }
    if (length < header_bytes || (uint64_t)at + length > b->size) {
      break;  /* nothing more can be found reliably */
    }
    at += length;
  }
  if (status == PR_OK && list_count > 0) {
    qsort(list, list_count, sizeof *list, compare_legacy);
    uint32_t subtable;
    status = add_subtable(b, &subtable, error);
    if (status == PR_OK) {
      b->subtables[subtable].format = 1;
    }
    uint32_t i = 0;
    while (status == PR_OK && i < list_count) {
      uint16_t left = (uint16_t)(list[i].key >> 16);
      uint32_t set;
      status = begin_pair_set(b, &set, error);
      while (status == PR_OK && i < list_count && (list[i].key >> 16) == left) {
        uint32_t key = list[i].key;
        int32_t value = 0;
        for (; i < list_count && list[i].key == key; i++) {
          value = list[i].replace ? list[i].value : value + list[i].value;
        }
        value = value < INT16_MIN ? INT16_MIN : value > INT16_MAX ? INT16_MAX : value;
        if (value != 0) {
          status = add_pair(b, (uint16_t)(key & 0xFFFF), (int16_t)value, error);
        }
      }
      if (status == PR_OK) {
        status = add_entry(b, left, subtable, 0, set, error);
      }
    }
  }
  free(list);
  return status;
}

/* ---- assembling --------------------------------------------------------- */

static void free_builder(Builder *b) {
  free(b->temp);
  for (uint32_t i = 0; i < b->subtable_count; i++) {
    free(b->subtables[i].matrix);
  }
  free(b->subtables);
  free(b->pair_set_start);
  free(b->pairs);
  for (uint32_t i = 0; i < b->class_count; i++) {
    free(b->classes[i].values);
  }
  free(b->classes);
  free(b->coverage);
}

/* Moves the builder's results into font->kerning, entries grouped by left
 * glyph in (lookup, subtable) order. */
static PrStatus finish(Builder *b, int from_gpos, PrError *error) {
  PrFontKern *kern = &b->font->kerning;
  uint32_t glyph_count = b->font->glyph_count;
  kern->left_start = calloc((size_t)glyph_count + 1, sizeof *kern->left_start);
  kern->entries = malloc((b->temp_count + 1) * sizeof *kern->entries);
  kern->class_arrays = malloc(((size_t)b->class_count + 1) * sizeof *kern->class_arrays);
  if (kern->left_start == NULL || kern->entries == NULL || kern->class_arrays == NULL) {
    return no_memory(error);
  }
  for (size_t i = 0; i < b->temp_count; i++) {
    kern->left_start[b->temp[i].left + 1]++;
  }
  for (uint32_t g = 0; g < glyph_count; g++) {
    kern->left_start[g + 1] += kern->left_start[g];
  }
  /* A stable counting sort keeps the (lookup, subtable) order per glyph. */
  uint32_t *next = malloc((size_t)glyph_count * sizeof *next);
  if (next == NULL) {
    return no_memory(error);
  }
  memcpy(next, kern->left_start, (size_t)glyph_count * sizeof *next);
  for (size_t i = 0; i < b->temp_count; i++) {
    kern->entries[next[b->temp[i].left]++] = b->temp[i].entry;
  }
  free(next);
  for (uint32_t i = 0; i < b->class_count; i++) {
    kern->class_arrays[i] = b->classes[i].values;
    b->classes[i].values = NULL;
  }
  kern->class_array_count = b->class_count;
  kern->subtables = b->subtables;
  kern->subtable_count = b->subtable_count;
  b->subtables = NULL;
  b->subtable_count = 0;
  kern->pair_set_start = b->pair_set_start;
  kern->pairs = b->pairs;
  b->pair_set_start = NULL;
  b->pairs = NULL;
  kern->from_gpos = from_gpos;
  return PR_OK;
}

PrStatus PrFontKern_build(PrFont *font, PrError *error) {
  Builder b;
  memset(&b, 0, sizeof b);
  b.font = font;
  PrStatus status = PR_OK;
  int from_gpos = 0;
  if (font->gpos.size_bytes > 0) {
    b.table = font->data + font->gpos.offset;
    b.size = font->gpos.size_bytes;
    b.tag = "GPOS";
    status = read_gpos(&b, error);
    from_gpos = b.subtable_count > 0;
  }
  if (status == PR_OK && b.subtable_count == 0 && font->kern.size_bytes > 0) {
    b.table = font->data + font->kern.offset;
    b.size = font->kern.size_bytes;
    b.tag = "kern";
    status = read_legacy_kern(&b, error);
  }
  if (status == PR_OK && b.subtable_count > 0) {
    status = finish(&b, from_gpos, error);
  }
  free_builder(&b);
  if (status != PR_OK) {
    PrFontKern_free(&font->kerning);
  }
  return status;
}

void PrFontKern_free(PrFontKern *kern) {
  for (uint32_t i = 0; i < kern->subtable_count; i++) {
    free(kern->subtables[i].matrix);
  }
  free(kern->subtables);
  for (uint32_t i = 0; i < kern->class_array_count; i++) {
    free(kern->class_arrays[i]);
  }
  free(kern->class_arrays);
  free(kern->left_start);
  free(kern->entries);
  free(kern->pair_set_start);
  free(kern->pairs);
  memset(kern, 0, sizeof *kern);
}

int16_t PrFont_kerning(const PrFont *font, uint16_t left, uint16_t right) {
  const PrFontKern *kern = &font->kerning;
  if (kern->left_start == NULL || left >= font->glyph_count) {
    return 0;
  }
  uint32_t i = kern->left_start[left], end = kern->left_start[left + 1];
  int32_t total = 0;
  uint32_t applied = UINT32_MAX;
  for (; i < end; i++) {
    const PrKernEntry *entry = &kern->entries[i];
    if (entry->lookup == applied) {
      continue;
    }
    const PrKernSubtable *sub = &kern->subtables[entry->subtable];
    if (sub->format == 2) {
      uint32_t at = (uint32_t)right - sub->class2_first;
      uint32_t column = at < sub->class2_length ? sub->class2[at] : 0;
      if (sub->matrix != NULL && column < sub->class2_count) {
        total += sub->matrix[entry->index * sub->class2_count + column];
      }
      applied = entry->lookup;
    } else {
      const PrKernPair *low = kern->pairs + kern->pair_set_start[entry->index];
      const PrKernPair *high = kern->pairs + kern->pair_set_start[entry->index + 1];
      while (low < high) {
        const PrKernPair *mid = low + (high - low) / 2;
        if (mid->right < right) {
          low = mid + 1;
        } else {
          high = mid;
        }
      }
      if (low < kern->pairs + kern->pair_set_start[entry->index + 1] && low->right == right) {
        total += low->value;
        applied = entry->lookup;
      }
    }
  }
  return (int16_t)(total < INT16_MIN ? INT16_MIN : total > INT16_MAX ? INT16_MAX : total);
}
