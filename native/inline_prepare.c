/* inline_prepare.c: code points -> glyphs, advances, kerning (layout stage 2).
 *
 * Also builds the layout's per-font and per-style tables once, so that the
 * per-char work is a table lookup and a multiply: Latin-1 glyphs and
 * advances come from a direct array, kerning pairs from a cache. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "layout.h"

PrStatus PrLayout_init(PrLayout *layout, const PrPlan *plan, PrError *error) {
  memset(layout, 0, sizeof *layout);
  PrBuffer_init(&layout->text);
  layout->plan = plan;
  layout->scale = 1.0f;
  layout->error_field = -1;
  if (plan == NULL || !plan->finished) {
    return PrError_set(error, PR_EINVAL, "layout: the plan is NULL or not finished");
  }
  layout->fonts = calloc(plan->font_count + 1, sizeof *layout->fonts);
  layout->styles = calloc(plan->style_count + 1, sizeof *layout->styles);
  layout->kern_cache = calloc(PR_KERN_CACHE_SLOTS, sizeof *layout->kern_cache);
  if (layout->fonts == NULL || layout->styles == NULL || layout->kern_cache == NULL) {
    return PrError_set(error, PR_ENOMEM, "layout: out of memory");
  }
  for (uint32_t f = 0; f < plan->font_count; f++) {
    PrLayoutFont *font = &layout->fonts[f];
    PrFontInfo info;
    PrFont_info(plan->fonts[f], &info);
    if (info.units_per_em < 16) {
      return PrError_set(error, PR_EFONT, "layout: plan font %u has %u units per em", f,
                         (unsigned)info.units_per_em);
    }
    font->font = plan->fonts[f];
    font->units_per_em = info.units_per_em;
    font->ascender = info.ascender;
    font->descender = info.descender;
    for (uint32_t cp = 0; cp < 256; cp++) {
      uint16_t glyph = PrFont_glyph(font->font, cp);
      font->latin_glyph[cp] = glyph;
      font->latin_advance[cp] = glyph != 0 ? PrFont_advance(font->font, glyph) : 0;
    }
  }
  for (uint32_t s = 0; s < plan->style_count; s++) {
    const PrPlanStyle *spec = &plan->styles[s];
    PrLayoutStyle *style = &layout->styles[s];
    style->font_count = spec->font_count;
    for (uint32_t k = 0; k < spec->font_count; k++) {
      style->fonts[k] = spec->fonts[k];
      style->pt_per_unit[k] = spec->size_pt / layout->fonts[spec->fonts[k]].units_per_em;
    }
    const PrLayoutFont *first = &layout->fonts[spec->fonts[0]];
    style->size_pt = spec->size_pt;
    style->leading_pt = spec->leading_pt;
    style->ascent_pt = first->ascender * style->pt_per_unit[0];
    style->descent_pt = -first->descender * style->pt_per_unit[0];
    style->color = spec->color;
    style->kerning = spec->kerning;
  }
  return PR_OK;
}

void PrLayout_free(PrLayout *layout) {
  free(layout->fonts);
  free(layout->styles);
  free(layout->kern_cache);
  free(layout->chars);
  free(layout->lines);
  PrBuffer_free(&layout->text);
  memset(layout, 0, sizeof *layout);
}

static inline uint16_t glyph_of(const PrLayoutFont *font, uint32_t codepoint) {
  return codepoint < 256 ? font->latin_glyph[codepoint] : PrFont_glyph(font->font, codepoint);
}

static inline uint16_t advance_of(const PrLayoutFont *font, uint32_t codepoint,
                                  uint16_t glyph) {
  return codepoint < 256 ? font->latin_advance[codepoint] : PrFont_advance(font->font, glyph);
}

static int16_t kerning(PrLayout *layout, uint32_t font, uint16_t left, uint16_t right) {
  uint64_t key = ((uint64_t)(font + 1) << 32) | ((uint32_t)left << 16) | right;
  PrKernCacheSlot *slot =
      &layout->kern_cache[(key * 0x9E3779B97F4A7C15ull) >> (64 - 12)];
  if (slot->key != key) {
    slot->key = key;
    slot->kern = PrFont_kerning(layout->fonts[font].font, left, right);
  }
  return slot->kern;
}

/* The first font of the style that has the code point; false when none. */
static inline bool find_glyph(const PrLayout *layout, const PrLayoutStyle *style,
                              uint32_t codepoint, uint16_t *glyph, uint32_t *slot) {
  for (uint32_t k = 0; k < style->font_count; k++) {
    uint16_t g = glyph_of(&layout->fonts[style->fonts[k]], codepoint);
    if (g != 0) {
      *glyph = g;
      *slot = k;
      return true;
    }
  }
  return false;
}

static size_t utf8_encode(uint32_t cp, char *out) {
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (cp >> 18));
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

static PrStatus missing_glyph(PrLayout *layout, const PrLayoutChar *c, PrError *error) {
  const PrPlanRun *run = &layout->plan->runs[c->run];
  char shown[8] = {0};
  utf8_encode(c->codepoint, shown);
  layout->error_field = run->field;
  if (run->field >= 0) {
    return PrError_set(error, PR_ERECORD,
                       "field '%.100s': character U+%04X '%s' has no glyph in the style's fonts",
                       layout->plan->fields[run->field].name, (unsigned)c->codepoint, shown);
  }
  return PrError_set(error, PR_ERECORD,
                     "literal text: character U+%04X '%s' has no glyph in the style's fonts",
                     (unsigned)c->codepoint, shown);
}

PrStatus PrLayout_prepare(PrLayout *layout, PrError *error) {
  PrLayoutChar *chars = layout->chars;
  uint32_t n = layout->char_count;
  const PrLayoutChar *previous = NULL;  /* previous drawn char: kerning partner */
  uint32_t previous_font = 0;
  for (uint32_t i = 0; i < n; i++) {
    PrLayoutChar *c = &chars[i];
    const PrLayoutStyle *style = &layout->styles[c->style];
    c->kern_milli = 0;
    c->kern_pt = 0.0f;
    c->advance_pt = 0.0f;
    c->glyph = 0;
    c->font_slot = 0;
    if (c->flags & (PR_CHAR_NEWLINE | PR_CHAR_SOFT_HYPHEN)) {
      if (c->flags & PR_CHAR_NEWLINE) {
        previous = NULL;
      } else {
        /* The hyphen it becomes at a line end; none: it stays invisible. */
        uint16_t glyph;
        uint32_t slot;
        if (find_glyph(layout, style, '-', &glyph, &slot)) {
          c->glyph = glyph;
          c->font_slot = (uint8_t)slot;
        }
      }
      continue;
    }
    uint32_t cp = c->codepoint;
    uint16_t glyph;
    uint32_t slot = 0;
    /* The common case first: Latin-1 in the style's first font. */
    if (cp < 256 && (glyph = layout->fonts[style->fonts[0]].latin_glyph[cp]) != 0) {
      /* found */
    } else if (!find_glyph(layout, style, cp, &glyph, &slot)) {
      /* A no-break space looks like a space in fonts that lack it, and the
       * narrow one (CLDR's digit group separator of fr, ...) like a
       * no-break space, or a space. */
      if (cp == 0x202F && find_glyph(layout, style, 0xA0, &glyph, &slot)) {
        cp = 0xA0;
      } else if ((cp != 0xA0 && cp != 0x202F) || !find_glyph(layout, style, ' ', &glyph, &slot)) {
        return missing_glyph(layout, c, error);
      } else {
        cp = ' ';
      }
    }
    uint32_t font = style->fonts[slot];
    const PrLayoutFont *layout_font = &layout->fonts[font];
    c->glyph = glyph;
    c->font_slot = (uint8_t)slot;
    c->advance_pt = advance_of(layout_font, cp, glyph) * style->pt_per_unit[slot];
    if (style->kerning && previous != NULL && previous_font == font &&
        layout->styles[previous->style].size_pt == style->size_pt) {
      int16_t kern = kerning(layout, font, previous->glyph, glyph);
      if (kern != 0) {
        float milli = roundf(kern * 1000.0f / layout_font->units_per_em);
        if (milli < -30000.0f) milli = -30000.0f;
        if (milli > 30000.0f) milli = 30000.0f;
        c->kern_milli = (int16_t)milli;
        c->kern_pt = c->kern_milli * style->size_pt * 0.001f;
      }
    }
    previous = c;
    previous_font = font;
  }
  return PR_OK;
}
