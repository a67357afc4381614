/* inline_finalize.c: fitting lines to their box and drawing them (layout
 * stage 4).
 *
 * PrLayout_block runs the stages for one block and applies its overflow
 * policy (error, shrink in 5% steps, truncate with an ellipsis);
 * PrLayout_emit aligns the lines and turns them into glyph items, one per
 * run of glyphs with the same font, size and colour on a line. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "layout.h"

#define PR_SHRINK_STEP 0.05f
#define PR_SHRINK_FLOOR 0.1f   /* never below a tenth of the size, whatever min_size says */

int32_t PrLayout_describeBlock(const PrLayout *layout, uint32_t block_index, char *out,
                               size_t out_bytes) {
  const PrPlan *plan = layout->plan;
  const PrPlanBlock *block = &plan->blocks[block_index];
  char names[200] = "";
  size_t used = 0;
  int named = 0;
  int32_t first = -1;
  for (uint32_t r = 0; r < block->run_count; r++) {
    int32_t field = plan->runs[block->first_run + r].field;
    bool seen = false;
    for (uint32_t q = 0; q < r && field >= 0; q++) {
      seen = seen || plan->runs[block->first_run + q].field == field;
    }
    if (field < 0 || seen) {
      continue;
    }
    if (first < 0) {
      first = field;
    }
    if (named < 3 && used < sizeof names) {
      int n = snprintf(names + used, sizeof names - used, "%s'%.60s'", named > 0 ? ", " : "",
                       plan->fields[field].name);
      used += n > 0 ? (size_t)n : 0;
    } else if (named == 3 && used < sizeof names) {
      snprintf(names + used, sizeof names - used, ", ...");
      used = sizeof names;
    }
    named++;
  }
  if (named == 0) {
    snprintf(out, out_bytes, "text block %u", block_index);
  } else {
    snprintf(out, out_bytes, "%s %s", named == 1 ? "field" : "text of fields", names);
  }
  return first;
}

static PrStatus reserve_lines(PrLayout *layout, size_t count, PrError *error) {
  if (count <= layout->line_capacity) {
    return PR_OK;
  }
  size_t capacity = layout->line_capacity < 64 ? 64 : layout->line_capacity;
  while (capacity < count) {
    capacity *= 2;
  }
  PrLayoutLine *grown = realloc(layout->lines, capacity * sizeof *grown);
  if (grown == NULL) {
    return PrError_set(error, PR_ENOMEM, "layout: out of memory for %zu lines", count);
  }
  layout->lines = grown;
  layout->line_capacity = (uint32_t)capacity;
  return PR_OK;
}

/* How many lines, from the first, fit in height_pt at `scale`. */
static uint32_t lines_in_height(const PrLayout *layout, float height_pt, float scale) {
  float total = 0.0f;
  for (uint32_t i = 0; i < layout->line_count; i++) {
    total += layout->lines[i].leading_pt * scale;
    if (total > height_pt + PR_FIT_EPSILON_PT) {
      return i;
    }
  }
  return layout->line_count;
}

/* Ends `line` with an ellipsis (U+2026, else "..."), dropping the chars
 * that no longer fit in max_width_pt (scale 1). The ellipsis chars go after
 * the text's chars (room reserved by the caller). */
static void add_ellipsis(PrLayout *layout, PrLayoutLine *line, float max_width_pt) {
  PrLayoutChar *chars = layout->chars;
  uint32_t ref = line->visible_end > line->start ? line->visible_end - 1 : line->start;
  const PrLayoutChar *model = &chars[ref];
  const PrLayoutStyle *style = &layout->styles[model->style];
  uint32_t codepoint = 0x2026;
  uint32_t count = 1;
  uint16_t glyph = 0;
  uint32_t slot = 0;
  for (int attempt = 0; attempt < 2 && glyph == 0; attempt++) {
    for (uint32_t k = 0; k < style->font_count && glyph == 0; k++) {
      glyph = PrFont_glyph(layout->fonts[style->fonts[k]].font, codepoint);
      slot = k;
    }
    if (glyph == 0) {
      codepoint = '.';
      count = 3;
    }
  }
  if (glyph == 0) {
    count = 0;  /* not even a period: cut without a mark */
  }
  const PrLayoutFont *font = &layout->fonts[style->fonts[slot]];
  float advance_pt = glyph != 0 ? PrFont_advance(font->font, glyph) * style->pt_per_unit[slot] : 0.0f;
  float mark_pt = advance_pt * (float)count;
  float limit = max_width_pt + PR_FIT_EPSILON_PT;
  /* The longest prefix of drawn chars (not ending in a space) that leaves room. */
  float width = 0.0f;
  uint32_t cut = line->start;
  float cut_width = 0.0f;
  for (uint32_t i = line->start; i < line->visible_end; i++) {
    const PrLayoutChar *c = &chars[i];
    if (c->flags & PR_CHAR_SOFT_HYPHEN) {
      continue;
    }
    width += (i > line->start ? c->kern_pt : 0.0f) + c->advance_pt;
    if (width + mark_pt > limit) {
      break;
    }
    if (!(c->flags & PR_CHAR_SPACE)) {
      cut = i + 1;
      cut_width = width;
    }
  }
  line->visible_end = cut;
  line->width_pt = cut_width + mark_pt;
  line->flags = (line->flags & ~(uint32_t)PR_LINE_HYPHEN) | PR_LINE_ELLIPSIS;
  line->ellipsis_start = layout->char_count;
  line->ellipsis_count = count;
  for (uint32_t k = 0; k < count; k++) {
    PrLayoutChar *mark = &chars[layout->char_count++];
    *mark = *model;
    mark->codepoint = codepoint;
    mark->glyph = glyph;
    mark->font_slot = (uint8_t)slot;
    mark->flags = 0;
    mark->kern_milli = 0;
    mark->kern_pt = 0.0f;
    mark->advance_pt = advance_pt;
  }
}

static PrStatus truncate_lines(PrLayout *layout, float width_pt, float height_pt,
                               PrError *error) {
  /* Each line may get up to three ellipsis chars. */
  PR_RETURN_NOT_OK(PrLayout_reserveChars(layout, 3 * (size_t)layout->line_count + 3, error));
  float max_width = width_pt > 0.0f ? width_pt : INFINITY;
  if (height_pt > 0.0f) {
    uint32_t room = lines_in_height(layout, height_pt, 1.0f);
    if (room < layout->line_count) {
      layout->line_count = room;
      if (room > 0) {
        add_ellipsis(layout, &layout->lines[room - 1], max_width);
      }
    }
  }
  if (width_pt > 0.0f) {
    for (uint32_t i = 0; i < layout->line_count; i++) {
      PrLayoutLine *line = &layout->lines[i];
      if (line->width_pt > width_pt + PR_FIT_EPSILON_PT && !(line->flags & PR_LINE_ELLIPSIS)) {
        add_ellipsis(layout, line, max_width);
      }
    }
  }
  return PR_OK;
}

/* The field that most of chars [start, end) come from, or -1 when they are
 * all literal text: the field an overflow is blamed on. */
static int32_t dominant_field(const PrLayout *layout, uint32_t start, uint32_t end) {
  const PrPlan *plan = layout->plan;
  int32_t best = -1;
  uint32_t best_count = 0;
  uint32_t i = start;
  while (i < end) {
    /* Chars of one run are contiguous: count a run's stretch at once. */
    uint32_t run = layout->chars[i].run;
    uint32_t j = i;
    while (j < end && layout->chars[j].run == run) j++;
    int32_t field = plan->runs[run].field;
    if (field >= 0) {
      uint32_t count = 0;
      for (uint32_t k = start; k < end; k++) {
        count += plan->runs[layout->chars[k].run].field == field ? 1u : 0u;
      }
      if (count > best_count) {
        best = field;
        best_count = count;
      }
    }
    i = j;
  }
  return best;
}

/* An overflow error that names the field to blame, and the block it is in
 * when the block has other fields. */
static PrStatus overflow_error(PrLayout *layout, uint32_t block_index, int32_t culprit,
                               PrError *error, const char *reason) {
  char what[240];
  int32_t first = PrLayout_describeBlock(layout, block_index, what, sizeof what);
  if (culprit < 0 || culprit == first) {
    layout->error_field = first;
    if (culprit >= 0 && strncmp(what, "field ", 6) != 0) {
      return PrError_set(error, PR_ERECORD, "field '%.60s' (in the %s) %s",
                         layout->plan->fields[culprit].name, what, reason);
    }
    return PrError_set(error, PR_ERECORD, "%s %s", what, reason);
  }
  layout->error_field = culprit;
  return PrError_set(error, PR_ERECORD, "field '%.60s' (in the %s) %s",
                     layout->plan->fields[culprit].name, what, reason);
}

PrStatus PrLayout_block(PrLayout *layout, uint32_t block_index,
                        const PrColumn *const *columns, int64_t row, float width_pt,
                        float height_pt, PrError *error) {
  const PrPlan *plan = layout->plan;
  const PrPlanBlock *block = &plan->blocks[block_index];
  const PrBlockSpec *spec = &block->spec;
  layout->scale = 1.0f;
  layout->height_pt = 0.0f;
  PR_RETURN_NOT_OK(PrLayout_collect(layout, block_index, columns, row, error));
  PR_RETURN_NOT_OK(PrLayout_prepare(layout, error));
  PR_RETURN_NOT_OK(reserve_lines(layout, (size_t)layout->char_count + 1, error));
  bool wrap = spec->wrap && width_pt > 0.0f;
  if (wrap) {
    PrLayout_findBreaks(layout);   /* one-line text breaks only at newlines */
  }
  for (int step = 0;; step++) {
    float scale = 1.0f - PR_SHRINK_STEP * (float)step;
    PrLayout_linebreak(layout, wrap, wrap ? width_pt / scale : 0.0f);
    float total = 0.0f;
    float widest = 0.0f;
    for (uint32_t i = 0; i < layout->line_count; i++) {
      total += layout->lines[i].leading_pt;
      if (layout->lines[i].width_pt > widest) widest = layout->lines[i].width_pt;
    }
    bool too_wide = width_pt > 0.0f && widest * scale > width_pt + PR_FIT_EPSILON_PT;
    bool too_tall = height_pt > 0.0f && total * scale > height_pt + PR_FIT_EPSILON_PT;
    if (!too_wide && !too_tall) {
      layout->scale = scale;
      layout->height_pt = total * scale;
      return PR_OK;
    }
    if (spec->overflow == PR_OVERFLOW_TRUNCATE) {
      PR_RETURN_NOT_OK(truncate_lines(layout, width_pt, height_pt, error));
      total = 0.0f;
      for (uint32_t i = 0; i < layout->line_count; i++) {
        total += layout->lines[i].leading_pt;
      }
      layout->height_pt = total;
      return PR_OK;
    }
    float largest_pt = 0.0f;
    for (uint32_t r = 0; r < block->run_count; r++) {
      float size = plan->styles[plan->runs[block->first_run + r].style].size_pt;
      if (size > largest_pt) largest_pt = size;
    }
    if (spec->overflow == PR_OVERFLOW_SHRINK) {
      float next = 1.0f - PR_SHRINK_STEP * (float)(step + 1);
      if (next >= PR_SHRINK_FLOOR - 1e-4f &&
          largest_pt * next >= spec->min_size_pt - PR_FIT_EPSILON_PT) {
        continue;
      }
    }
    char at_size[48] = "";
    if (spec->overflow == PR_OVERFLOW_SHRINK) {
      snprintf(at_size, sizeof at_size, " even at %.1f pt", (double)(largest_pt * scale));
    }
    char reason[160];
    if (too_tall) {
      snprintf(reason, sizeof reason, "does not fit its box%s (needs %u line%s, room for %u)",
               at_size, layout->line_count, layout->line_count == 1 ? "" : "s",
               lines_in_height(layout, height_pt, scale));
      return overflow_error(layout, block_index,
                            dominant_field(layout, 0, layout->char_count), error, reason);
    }
    uint32_t widest_line = 0;
    for (uint32_t i = 0; i < layout->line_count; i++) {
      if (layout->lines[i].width_pt >= widest) {
        widest_line = i;
        break;
      }
    }
    snprintf(reason, sizeof reason,
             "does not fit its box%s (a line is %.1f pt wide, the box %.1f pt)", at_size,
             (double)(widest * scale), (double)width_pt);
    const PrLayoutLine *line = &layout->lines[widest_line];
    return overflow_error(layout, block_index, dominant_field(layout, line->start, line->end),
                          error, reason);
  }
}

/* The glyphs a line draws: its content without soft hyphens, then the
 * hyphen or the ellipsis. */
static uint32_t drawn_count(const PrLayout *layout, const PrLayoutLine *line) {
  uint32_t count = line->visible_end - line->start;
  if (layout->has_soft_hyphen) {
    for (uint32_t i = line->start; i < line->visible_end; i++) {
      count -= (layout->chars[i].flags & PR_CHAR_SOFT_HYPHEN) ? 1u : 0u;
    }
  }
  if (line->flags & PR_LINE_HYPHEN) count++;
  return count + line->ellipsis_count;
}

static inline bool same_color(const PrColor *a, const PrColor *b) {
  return a->space == b->space && a->value[0] == b->value[0] && a->value[1] == b->value[1] &&
         a->value[2] == b->value[2] && a->value[3] == b->value[3];
}

static inline int16_t clamp_milli(int32_t value) {
  return (int16_t)(value < -32768 ? -32768 : (value > 32767 ? 32767 : value));
}

void PrLayout_emit(const PrLayout *layout, uint8_t align, float x_pt, float y_pt,
                   float width_pt, PrDisplayList *list) {
  PrLayout_emitLines(layout, 0, layout->line_count, align, x_pt, y_pt, width_pt, list);
}

float PrLayout_linesHeight(const PrLayout *layout, uint32_t first, uint32_t end) {
  float total = 0.0f;
  for (uint32_t i = first; i < end && i < layout->line_count; i++) {
    total += layout->lines[i].leading_pt;
  }
  return total * layout->scale;
}

void PrLayout_emitLines(const PrLayout *layout, uint32_t first, uint32_t end, uint8_t align,
                        float x_pt, float y_pt, float width_pt, PrDisplayList *list) {
  const PrLayoutChar *chars = layout->chars;
  float scale = layout->scale;
  float baseline = y_pt;
  if (end > layout->line_count) {
    end = layout->line_count;
  }
  for (uint32_t li = first; li < end; li++) {
    const PrLayoutLine *line = &layout->lines[li];
    baseline += (li == first ? line->ascent_pt : line->leading_pt) * scale;
    uint32_t count = drawn_count(layout, line);
    if (count == 0) {
      continue;
    }
    float line_width = line->width_pt * scale;
    float x = x_pt;
    float slack = 0.0f;
    uint32_t stretch_count = 0;
    if (align == PR_ALIGN_RIGHT) {
      x = x_pt + width_pt - line_width;
    } else if (align == PR_ALIGN_CENTER) {
      x = x_pt + (width_pt - line_width) * 0.5f;
    } else if (align == PR_ALIGN_JUSTIFY && width_pt > 0.0f &&
               !(line->flags & (PR_LINE_PARAGRAPH_END | PR_LINE_ELLIPSIS)) &&
               line_width < width_pt) {
      for (uint32_t i = line->start; i < line->visible_end; i++) {
        stretch_count += (chars[i].flags & PR_CHAR_STRETCH) ? 1u : 0u;
      }
      slack = width_pt - line_width;
    }
    PrGlyph *glyphs = PrDisplayList_addGlyphs(list, count);
    if (glyphs == NULL) {
      return;  /* the list is marked failed; the caller checks it */
    }
    uint32_t first_glyph = (uint32_t)(list->glyph_count - count);
    PrItem *item = NULL;
    uint32_t item_style = UINT32_MAX;
    uint32_t item_font = UINT32_MAX;
    uint32_t k = 0;
    uint32_t stretched = 0;
    float stretched_pt = 0.0f;   /* justification given so far, as drawn */
    uint32_t hyphen_at = (line->flags & PR_LINE_HYPHEN) ? line->visible_end : UINT32_MAX;
    uint32_t content_end = line->visible_end + ((line->flags & PR_LINE_HYPHEN) ? 1u : 0u);
    uint32_t total_end = content_end + line->ellipsis_count;
    for (uint32_t step = line->start; step < total_end; step++) {
      uint32_t i = step < content_end ? step : line->ellipsis_start + (step - content_end);
      const PrLayoutChar *c = &chars[i];
      bool is_hyphen = i == hyphen_at;
      if ((c->flags & PR_CHAR_SOFT_HYPHEN) && !is_hyphen) {
        continue;
      }
      const PrLayoutStyle *style = &layout->styles[c->style];
      uint32_t font = style->fonts[c->font_slot];
      float size_pt = style->size_pt * scale;
      bool kerned = k > 0 && c->kern_milli != 0 && !is_hyphen;
      if (kerned) {
        x += c->kern_pt * scale;
      }
      if (item == NULL || font != item_font ||
          (c->style != item_style &&
           (style->size_pt != layout->styles[item_style].size_pt ||
            !same_color(&style->color, &layout->styles[item_style].color)))) {
        item = PrDisplayList_addItem(list, PR_ITEM_GLYPHS);
        if (item == NULL) {
          return;
        }
        item->resource = font;
        item->x_pt = x;
        item->y_pt = baseline;
        item->size_pt = size_pt;
        item->color = style->color;
        item->first_glyph = first_glyph + k;
        item->glyph_count = 0;
        item_font = font;
        item_style = c->style;
      } else if (kerned) {
        glyphs[k - 1].extra_milli_em =
            clamp_milli((int32_t)glyphs[k - 1].extra_milli_em + c->kern_milli);
      }
      glyphs[k].id = c->glyph;
      glyphs[k].extra_milli_em = 0;
      glyphs[k].codepoint = is_hyphen ? (uint32_t)'-' : c->codepoint;
      item->glyph_count++;
      x += is_hyphen ? 0.0f : c->advance_pt * scale;
      if (is_hyphen) {
        const PrLayoutFont *f = &layout->fonts[font];
        x += PrFont_advance(f->font, c->glyph) * style->pt_per_unit[c->font_slot] * scale;
      }
      if (stretch_count > 0 && (c->flags & PR_CHAR_STRETCH) && i < line->visible_end) {
        /* Spread the slack, rounding each step against the running total so
         * that the line ends at the right edge within a rounding unit. */
        stretched++;
        float target_pt = slack * (float)stretched / (float)stretch_count;
        float milli = roundf((target_pt - stretched_pt) * 1000.0f / size_pt);
        int16_t extra = clamp_milli((int32_t)milli);
        glyphs[k].extra_milli_em = extra;
        float given_pt = extra * size_pt * 0.001f;
        stretched_pt += given_pt;
        x += given_pt;
      }
      k++;
    }
  }
}
