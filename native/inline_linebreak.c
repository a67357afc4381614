/* inline_linebreak.c: glyphs -> lines, greedy first fit (layout stage 3).
 *
 * Break opportunities: after a run of spaces, after a hyphen followed by a
 * letter, at a soft hyphen, between CJK characters (not before closing nor
 * after opening punctuation), and forced at a newline. A word longer than
 * the line breaks at the char that overflows (emergency break). Spaces at a
 * line end hang: they neither count toward the width nor get drawn. */
#include "layout.h"

static bool is_letter(uint32_t cp) {
  if (cp < 0x80) {
    uint32_t lower = cp | 0x20;
    return lower >= 'a' && lower <= 'z';
  }
  if (cp < 0xC0 || cp == 0xD7 || cp == 0xF7) {
    return false;
  }
  /* Punctuation, symbols and CJK punctuation are not letters. */
  if ((cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x303F) ||
      (cp >= 0xFE30 && cp <= 0xFE6F) || (cp >= 0xFF00 && cp <= 0xFF20)) {
    return false;
  }
  return true;
}

static bool is_cjk(uint32_t cp) {
  return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7AF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFF00 && cp <= 0xFFEF) ||
         (cp >= 0x20000 && cp <= 0x2FFFF);
}

/* CJK punctuation that must not start a line (kinsoku), with small kana
 * and the prolonged sound mark. */
static bool is_cjk_closing(uint32_t cp) {
  switch (cp) {
    case 0x3001: case 0x3002: case 0x3009: case 0x300B: case 0x300D: case 0x300F:
    case 0x3011: case 0x3015: case 0x3017: case 0x3019: case 0x301B: case 0x301E:
    case 0x301F: case 0x3005: case 0x303B: case 0x309D: case 0x309E: case 0x30FB:
    case 0x30FC: case 0x30FD: case 0x30FE:
    case 0xFF01: case 0xFF09: case 0xFF0C: case 0xFF0E: case 0xFF1A: case 0xFF1B:
    case 0xFF1F: case 0xFF3D: case 0xFF5D: case 0xFF60: case 0xFF61: case 0xFF63:
    case 0xFF64: case 0xFF65: case 0xFF70:
      return true;
    default:
      break;
  }
  /* Small hiragana and katakana. */
  switch (cp) {
    case 0x3041: case 0x3043: case 0x3045: case 0x3047: case 0x3049: case 0x3063:
    case 0x3083: case 0x3085: case 0x3087: case 0x308E: case 0x3095: case 0x3096:
    case 0x30A1: case 0x30A3: case 0x30A5: case 0x30A7: case 0x30A9: case 0x30C3:
    case 0x30E3: case 0x30E5: case 0x30E7: case 0x30EE: case 0x30F5: case 0x30F6:
      return true;
    default:
      return false;
  }
}

/* CJK punctuation that must not end a line. */
static bool is_cjk_opening(uint32_t cp) {
  switch (cp) {
    case 0x3008: case 0x300A: case 0x300C: case 0x300E: case 0x3010: case 0x3014:
    case 0x3016: case 0x3018: case 0x301A: case 0x301D:
    case 0xFF08: case 0xFF3B: case 0xFF5B: case 0xFF5F: case 0xFF62:
      return true;
    default:
      return false;
  }
}

bool PrLayout_cjkBreakBetween(uint32_t a, uint32_t b) {
  return is_cjk(a) && is_cjk(b) && !is_cjk_closing(b) && !is_cjk_opening(a);
}

void PrLayout_findBreaks(PrLayout *layout) {
  PrLayoutChar *chars = layout->chars;
  uint32_t n = layout->char_count;
  for (uint32_t i = 0; i < n; i++) {
    PrLayoutChar *c = &chars[i];
    c->flags &= (uint8_t)~PR_CHAR_BREAK_AFTER;
    if (i + 1 >= n || (c->flags & PR_CHAR_NEWLINE)) {
      continue;  /* the text's end and newlines break anyway */
    }
    const PrLayoutChar *next = &chars[i + 1];
    if (next->flags & (PR_CHAR_NEWLINE | PR_CHAR_SPACE)) {
      continue;  /* break after the last space of a run, never before a newline */
    }
    bool after_drawn = i > 0 && !(chars[i - 1].flags & (PR_CHAR_NEWLINE | PR_CHAR_SPACE));
    uint32_t cp = c->codepoint;
    bool can_break;
    if (c->flags & PR_CHAR_SPACE) {
      can_break = true;
    } else if (c->flags & PR_CHAR_SOFT_HYPHEN) {
      can_break = after_drawn && c->glyph != 0;
    } else if (cp == '-' || cp == 0x2010) {
      can_break = after_drawn && is_letter(next->codepoint);
    } else {
      /* Most text is below the CJK ranges: skip the lookup. */
      can_break = cp >= 0x2E80 && next->codepoint >= 0x2E80 &&
                  PrLayout_cjkBreakBetween(cp, next->codepoint);
    }
    if (can_break) {
      c->flags |= PR_CHAR_BREAK_AFTER;
    }
  }
}

/* Appends line [start, end) with its metrics (largest of its styles). */
static void push_line(PrLayout *layout, uint32_t start, uint32_t end, uint32_t visible_end,
                      float width_pt, uint32_t flags) {
  const PrLayoutChar *chars = layout->chars;
  PrLayoutLine *line = &layout->lines[layout->line_count++];
  line->start = start;
  line->end = end;
  line->visible_end = visible_end;
  line->ellipsis_start = 0;
  line->ellipsis_count = 0;
  line->flags = flags;
  line->width_pt = width_pt;
  line->ascent_pt = 0.0f;
  line->descent_pt = 0.0f;
  line->leading_pt = 0.0f;
  uint32_t first = start;
  if (end == start) {
    first = start > 0 ? start - 1 : 0;  /* cannot happen with text; be safe */
    end = first + 1;
  }
  uint32_t last_style = UINT32_MAX;
  for (uint32_t i = first; i < end; i++) {
    uint32_t s = chars[i].style;
    if (s == last_style) {
      continue;
    }
    last_style = s;
    const PrLayoutStyle *style = &layout->styles[s];
    if (style->ascent_pt > line->ascent_pt) line->ascent_pt = style->ascent_pt;
    if (style->descent_pt > line->descent_pt) line->descent_pt = style->descent_pt;
    if (style->leading_pt > line->leading_pt) line->leading_pt = style->leading_pt;
  }
}

/* Width of the hyphen a soft hyphen becomes. */
static float hyphen_width(const PrLayout *layout, const PrLayoutChar *c) {
  const PrLayoutStyle *style = &layout->styles[c->style];
  const PrLayoutFont *font = &layout->fonts[style->fonts[c->font_slot]];
  return PrFont_advance(font->font, c->glyph) * style->pt_per_unit[c->font_slot];
}

/* Needs room for char_count + 1 lines (PrLayout_block reserves it). */
void PrLayout_linebreak(PrLayout *layout, bool wrap, float max_width_pt) {
  const PrLayoutChar *chars = layout->chars;
  uint32_t n = layout->char_count;
  float limit = max_width_pt + PR_FIT_EPSILON_PT;
  layout->line_count = 0;
  uint32_t start = 0;
  while (start < n) {
    float width = 0.0f;          /* everything so far, spaces included */
    float visible = 0.0f;        /* up to the last drawn char */
    uint32_t visible_end = start;
    bool has_content = false;
    uint32_t break_at = start;   /* last opportunity: the line would end there */
    uint32_t break_visible_end = start;
    float break_width = 0.0f;
    bool break_hyphen = false;
    uint32_t i = start;
    for (; i < n; i++) {
      const PrLayoutChar *c = &chars[i];
      uint8_t flags = c->flags;
      if (flags & PR_CHAR_NEWLINE) {
        push_line(layout, start, i + 1, visible_end, visible, PR_LINE_PARAGRAPH_END);
        start = i + 1;
        break;
      }
      if (flags & PR_CHAR_SOFT_HYPHEN) {
        if (flags & PR_CHAR_BREAK_AFTER) {
          float with_hyphen = visible + hyphen_width(layout, c);
          if (!wrap || with_hyphen <= limit) {
            break_at = i + 1;
            break_visible_end = visible_end;
            break_width = with_hyphen;
            break_hyphen = true;
          }
        }
        continue;
      }
      float grown = width + (i > start ? c->kern_pt : 0.0f) + c->advance_pt;
      if (flags & PR_CHAR_SPACE) {
        width = grown;  /* hangs: no overflow test, not visible yet */
      } else {
        if (wrap && has_content && grown > limit) {
          if (break_at > start) {
            push_line(layout, start, break_at, break_visible_end, break_width,
                      break_hyphen ? PR_LINE_HYPHEN : 0);
            start = break_at;
          } else {
            /* Emergency break: the word alone is wider than the line. */
            push_line(layout, start, i, visible_end, visible, 0);
            start = i;
          }
          break;
        }
        width = grown;
        visible = grown;
        visible_end = i + 1;
        has_content = true;
      }
      if ((flags & PR_CHAR_BREAK_AFTER) && has_content) {
        break_at = i + 1;
        break_visible_end = visible_end;
        break_width = visible;
        break_hyphen = false;
      }
    }
    if (i >= n) {
      push_line(layout, start, n, visible_end, visible, PR_LINE_PARAGRAPH_END);
      start = n;
    }
  }
}
