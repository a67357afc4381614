/* inline_collect.c: a block's runs -> code points (layout stage 1).
 *
 * Literal runs come from the plan's text pool, field runs from the record's
 * column, formatted by the field's format. UTF-8 is decoded strictly (the
 * data is untrusted) and control characters are resolved here, where the
 * byte offset that an error message names is still known. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "layout.h"

/* A block's text is at most this many code points (a guard against a
 * runaway field value; a page holds a few thousand). */
#define PR_LAYOUT_MAX_CHARS (1u << 24)

PrStatus PrLayout_reserveChars(PrLayout *layout, size_t extra, PrError *error) {
  size_t needed = (size_t)layout->char_count + extra;
  if (needed <= layout->char_capacity) {
    return PR_OK;
  }
  if (needed > PR_LAYOUT_MAX_CHARS + 64) {
    return PrError_set(error, PR_ERECORD, "a text block has more than %u characters",
                       PR_LAYOUT_MAX_CHARS);
  }
  size_t capacity = layout->char_capacity < 256 ? 256 : layout->char_capacity;
  while (capacity < needed) {
    capacity *= 2;
  }
  PrLayoutChar *grown = realloc(layout->chars, capacity * sizeof *grown);
  if (grown == NULL) {
    return PrError_set(error, PR_ENOMEM, "layout: out of memory for %zu characters", needed);
  }
  layout->chars = grown;
  layout->char_capacity = (uint32_t)capacity;
  return PR_OK;
}

/* Sets a record error about run `run` ("field 'x' ..." or "literal text of
 * block N ..."). */
static PrStatus run_error(PrLayout *layout, uint32_t block, const PrPlanRun *run,
                          PrError *error, const char *reason, size_t byte_offset,
                          uint32_t codepoint) {
  const PrPlan *plan = layout->plan;
  layout->error_field = run->field;
  char what[160];
  if (run->field >= 0) {
    snprintf(what, sizeof what, "field '%.100s'", plan->fields[run->field].name);
  } else {
    snprintf(what, sizeof what, "literal text of block %u", block);
  }
  if (codepoint != 0) {
    return PrError_set(error, PR_ERECORD, "%s: %s U+%04X at byte %zu is not allowed", what,
                       reason, (unsigned)codepoint, byte_offset);
  }
  return PrError_set(error, PR_ERECORD, "%s has %s at byte %zu", what, reason, byte_offset);
}

/* Decodes one run's UTF-8 into chars. */
static PrStatus decode(PrLayout *layout, uint32_t block, uint32_t run_index,
                       const uint8_t *text, size_t text_bytes, PrError *error) {
  const PrPlanRun *run = &layout->plan->runs[run_index];
  PrStatus status = PrLayout_reserveChars(layout, text_bytes, error);
  if (status == PR_ERECORD) {
    layout->error_field = run->field;
    return PrError_set(error, PR_ERECORD, "%s%.100s%s: a text block holds at most %u characters",
                       run->field >= 0 ? "field '" : "literal text",
                       run->field >= 0 ? layout->plan->fields[run->field].name : "",
                       run->field >= 0 ? "'" : "", PR_LAYOUT_MAX_CHARS);
  }
  PR_RETURN_NOT_OK(status);
  PrLayoutChar *out = layout->chars + layout->char_count;
  uint32_t style = run->style;
  size_t i = 0;
  while (i < text_bytes) {
    size_t at = i;
    uint32_t b = text[i];
    uint32_t cp;
    if (b < 0x80) {
      cp = b;
      i++;
    } else {
      size_t length;
      uint32_t min;
      if (b >= 0xC2 && b <= 0xDF) {
        length = 2, cp = b & 0x1F, min = 0x80;
      } else if (b >= 0xE0 && b <= 0xEF) {
        length = 3, cp = b & 0x0F, min = 0x800;
      } else if (b >= 0xF0 && b <= 0xF4) {
        length = 4, cp = b & 0x07, min = 0x10000;
      } else {
        return run_error(layout, block, run, error, "invalid UTF-8", at, 0);
      }
      if (text_bytes - i < length) {
        return run_error(layout, block, run, error, "truncated UTF-8", at, 0);
      }
      for (size_t k = 1; k < length; k++) {
        uint32_t c = text[i + k];
        if ((c & 0xC0) != 0x80) {
          return run_error(layout, block, run, error, "invalid UTF-8", at, 0);
        }
        cp = (cp << 6) | (c & 0x3F);
      }
      if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return run_error(layout, block, run, error, "invalid UTF-8", at, 0);
      }
      i += length;
    }
    uint8_t flags = 0;
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) {
      if (cp == '\n') {
        flags = PR_CHAR_NEWLINE;
      } else if (cp == '\t') {
        cp = ' ';
        flags = PR_CHAR_SPACE | PR_CHAR_STRETCH;
      } else if (cp == '\r') {
        /* CR LF and a lone CR end a line, as data from other systems has them. */
        if (i < text_bytes && text[i] == '\n') {
          continue;
        }
        cp = '\n';
        flags = PR_CHAR_NEWLINE;
      } else if (cp == 0x1D && layout->plan->blocks[block].is_barcode_data) {
        /* GS: the GS1 element separator of barcode data, never drawn */
      } else {
        return run_error(layout, block, run, error, "control character", at, cp);
      }
    } else if (cp == ' ') {
      flags = PR_CHAR_SPACE | PR_CHAR_STRETCH;
    } else if (cp == 0xA0) {
      flags = PR_CHAR_STRETCH;
    } else if (cp == 0xAD) {
      flags = PR_CHAR_SOFT_HYPHEN;
      layout->has_soft_hyphen = true;
    } else if (cp == 0x2028 || cp == 0x2029) {
      cp = '\n';
      flags = PR_CHAR_NEWLINE;
    }
    out->codepoint = cp;
    out->run = run_index;
    out->style = style;
    out->flags = flags;
    out++;
  }
  layout->char_count = (uint32_t)(out - layout->chars);
  return PR_OK;
}

/* skip_empty_lines: drops the lines that hold nothing but spaces, with
 * their newline, compacting the chars in place. */
static void drop_empty_lines(PrLayout *layout) {
  PrLayoutChar *chars = layout->chars;
  uint32_t n = layout->char_count;
  uint32_t out = 0;
  uint32_t i = 0;
  while (i < n) {
    uint32_t j = i;
    bool blank = true;
    while (j < n && !(chars[j].flags & PR_CHAR_NEWLINE)) {
      if (!(chars[j].flags & (PR_CHAR_STRETCH | PR_CHAR_SOFT_HYPHEN))) {
        blank = false;
      }
      j++;
    }
    uint32_t line_end = j < n ? j + 1 : j;  /* with its newline */
    if (!blank) {
      if (out != i) {
        memmove(chars + out, chars + i, (line_end - i) * sizeof *chars);
      }
      out += line_end - i;
    }
    i = line_end;
  }
  /* A newline left last (the lines after it were dropped) ends nothing. */
  if (out > 0 && (chars[out - 1].flags & PR_CHAR_NEWLINE)) {
    out--;
  }
  layout->char_count = out;
}

/* The format of `field` for record `row`: the variant whose key texts equal
 * the record's (a null or absent key reads as ""), else the field's own
 * format when it falls back, else a record error naming the texts. A
 * linear search: a field has a few variants and their keys a few bytes. */
static PrStatus field_format(PrLayout *layout, int32_t field_index,
                             const PrColumn *const *columns, int64_t row,
                             const PrFormatSpec **out, PrError *error) {
  const PrPlan *plan = layout->plan;
  const PrPlanField *field = &plan->fields[field_index];
  *out = &field->format;
  const char *texts[PR_VARIANT_MAX_KEYS] = {"", ""};
  size_t sizes[PR_VARIANT_MAX_KEYS] = {0, 0};
  for (uint8_t k = 0; k < field->variant_key_count; k++) {
    const PrColumn *key = columns != NULL ? columns[field->variant_keys[k]] : NULL;
    if (key != NULL && !PrColumn_isNull(key, row) &&
        !PrColumn_utf8(key, row, &texts[k], &sizes[k])) {
      layout->error_field = field_index;
      return PrError_set(error, PR_ERECORD,
                         "field '%.100s' takes its format from field '%.100s', which is not "
                         "text", field->name, plan->fields[field->variant_keys[k]].name);
    }
  }
  for (uint32_t v = 0; v < field->variant_count; v++) {
    const PrPlanVariant *variant = &plan->variants[field->first_variant + v];
    bool same = true;
    for (uint8_t k = 0; k < field->variant_key_count && same; k++) {
      same = variant->key_bytes[k] == sizes[k] && memcmp(variant->keys[k], texts[k], sizes[k]) == 0;
    }
    if (same) {
      *out = &variant->format;
      return PR_OK;
    }
  }
  if (field->variant_fallback) {
    return PR_OK;
  }
  layout->error_field = field_index;
  const char *names[PR_VARIANT_MAX_KEYS] = {"", ""};
  for (uint8_t k = 0; k < field->variant_key_count; k++) {
    names[k] = plan->fields[field->variant_keys[k]].name;
  }
  if (field->variant_key_count == 1) {
    return PrError_set(error, PR_ERECORD,
                       "field '%.100s' has no format for %.100s '%.*s' (not one the template "
                       "lists)", field->name, names[0], (int)(sizes[0] < 64 ? sizes[0] : 64),
                       texts[0]);
  }
  return PrError_set(error, PR_ERECORD,
                     "field '%.100s' has no format for %.100s '%.*s' with %.100s '%.*s' (not "
                     "one the template lists)", field->name, names[0],
                     (int)(sizes[0] < 64 ? sizes[0] : 64), texts[0], names[1],
                     (int)(sizes[1] < 64 ? sizes[1] : 64), texts[1]);
}

PrStatus PrLayout_collect(PrLayout *layout, uint32_t block_index,
                          const PrColumn *const *columns, int64_t row, PrError *error) {
  const PrPlan *plan = layout->plan;
  const PrPlanBlock *block = &plan->blocks[block_index];
  layout->char_count = 0;
  layout->line_count = 0;
  layout->has_soft_hyphen = false;
  layout->error_field = -1;
  PrBuffer_clear(&layout->text);
  for (uint32_t r = 0; r < block->run_count; r++) {
    uint32_t run_index = block->first_run + r;
    const PrPlanRun *run = &plan->runs[run_index];
    if (run->field < 0) {
      PR_RETURN_NOT_OK(decode(layout, block_index, run_index,
                              (const uint8_t *)plan->text_pool + run->text_offset,
                              run->text_bytes, error));
      continue;
    }
    const PrPlanField *field = &plan->fields[run->field];
    if (field->kind == PR_FIELD_PAGE || field->kind == PR_FIELD_PAGES) {
      char digits[16];
      int n = snprintf(digits, sizeof digits, "%u",
                       field->kind == PR_FIELD_PAGE ? layout->page_number : layout->page_count);
      PR_RETURN_NOT_OK(decode(layout, block_index, run_index, (const uint8_t *)digits,
                              (size_t)n, error));
      continue;
    }
    const PrColumn *column = columns != NULL ? columns[run->field] : NULL;
    /* Item fields read the table row's struct, record fields the record. */
    int64_t value_row = field->list_field >= 0 ? layout->item_row : row;
    if (column == NULL || PrColumn_isNull(column, value_row)) {
      if (field->required) {
        layout->error_field = run->field;
        return PrError_set(error, PR_ERECORD,
                           column == NULL ? "field '%.100s' is missing from the data"
                                          : "field '%.100s' is required but null",
                           field->name);
      }
      continue;  /* optional and absent: empty */
    }
    const PrFormatSpec *format = &field->format;
    if (field->variant_key_count > 0) {
      /* The keys are record fields, also for a table row's item field. */
      PR_RETURN_NOT_OK(field_format(layout, run->field, columns, row, &format, error));
    }
    size_t before = layout->text.size_bytes;
    PrStatus status = PrColumn_appendText(column, value_row, format, &layout->text, error);
    if (status == PR_OK) {
      status = PrBuffer_check(&layout->text, error);
    }
    if (status == PR_ENOMEM) {
      return status;
    }
    if (status != PR_OK) {
      /* A value that cannot be shown fails its record, not the batch. */
      char reason[PR_ERROR_MESSAGE_BYTES];
      snprintf(reason, sizeof reason, "%s", error != NULL ? error->message : "bad value");
      layout->error_field = run->field;
      return PrError_set(error, PR_ERECORD, "field '%.100s': %.300s", field->name, reason);
    }
    PR_RETURN_NOT_OK(decode(layout, block_index, run_index, layout->text.data + before,
                            layout->text.size_bytes - before, error));
  }
  if (block->spec.skip_empty_lines) {
    drop_empty_lines(layout);
  }
  return PR_OK;
}
