/* afp_text.c: glyph runs as PTOCA control sequences in a PTX.
 *
 *   2B D3                 escape: a chain of control sequences follows
 *   03 F1 lid             SCFL set coded font local (a mapped font and size)
 *   0F 81 .. r g b        SEC set extended text colour (RGB; CMYK is 10 long)
 *   04 D3 yyyy            AMB absolute move baseline (L-units from the top)
 *   04 C7 xxxx            AMI absolute move inline (L-units from the left)
 *   nn DB text            TRN transparent data: UTF-16BE for a TrueType
 *                         data-object font, the code page's bytes for a
 *                         printer-resident coded font
 *   07 E5 llll wwwwww     DIR draw I-axis rule: a filled rectangle from the
 *                         current position, llll right and wwww.ww down
 *                         (rectangles, straight lines, bars: in the text
 *                         object, in drawing order, at about 20 bytes each
 *                         instead of a graphics object of 250)
 *   02 F8                 NOP, unchained: ends the chain
 *
 * Every control sequence but the last has an odd type (chained: no escape
 * before the next). The printer advances by each glyph's own width, as
 * the PDF viewer does; where the display list adds space after a glyph
 * (kerning, justification) an AMI places the next glyph at its exact
 * position, rounded once from the run's origin, so moves never drift. With
 * a coded font the printer's metrics are not ours: every word starts with
 * an AMI as well. */
#include "afp_writer.h"

#include <math.h>
#include <string.h>

#define TRN_MAX_DATA 253          /* a control sequence is at most 255 bytes */

enum {
  CS_SCFL = 0xF1, CS_SEC = 0x81, CS_AMB = 0xD3, CS_AMI = 0xC7, CS_TRN = 0xDB, CS_NOP = 0xF8,
  CS_DIR = 0xE5
};

void PrAfpText_begin(PrAfpTextState *state) {
  state->local_id = -1;
  state->color_known = false;
  state->baseline = -1;
}

static void put_move(PrBuffer *out, uint8_t type, int32_t units) {
  if (units < 0) {
    units = 0;              /* text left of or above the page: PTOCA moves are unsigned */
  }
  if (units > 32767) {
    units = 32767;
  }
  PrBuffer_appendByte(out, 4);
  PrBuffer_appendByte(out, type);
  PrAfp_put16(out, (uint32_t)units);
}

static uint8_t component(float value) {
  float scaled = value * 255.0f + 0.5f;
  return scaled <= 0.0f ? 0 : scaled >= 255.0f ? 255 : (uint8_t)scaled;
}

static bool same_color(const PrColor *a, const PrColor *b) {
  return a->space == b->space && memcmp(a->value, b->value, sizeof a->value) == 0;
}

/* SEC: reserved, colour space, 4 reserved, bits per component A-D, values. */
static void put_color(PrBuffer *out, const PrColor *color) {
  bool cmyk = color->space == PR_COLOR_CMYK;
  PrBuffer_appendByte(out, cmyk ? 16 : 15);
  PrBuffer_appendByte(out, CS_SEC);
  PrBuffer_appendByte(out, 0x00);
  PrBuffer_appendByte(out, cmyk ? 0x04 : 0x01);   /* X'04' CMYK, X'01' RGB */
  PrAfp_put32(out, 0);
  PrBuffer_appendByte(out, 8);
  PrBuffer_appendByte(out, 8);
  PrBuffer_appendByte(out, 8);
  PrBuffer_appendByte(out, cmyk ? 8 : 0);
  if (cmyk) {
    for (int i = 0; i < 4; i++) {
      PrBuffer_appendByte(out, component(color->value[i]));
    }
  } else if (color->space == PR_COLOR_GRAY) {
    uint8_t gray = component(color->value[0]);
    PrBuffer_appendByte(out, gray);
    PrBuffer_appendByte(out, gray);
    PrBuffer_appendByte(out, gray);
  } else {
    for (int i = 0; i < 3; i++) {
      PrBuffer_appendByte(out, component(color->value[i]));
    }
  }
}

/* The TRN being filled: its bytes go to the buffer once complete. */
typedef struct TextRun {
  uint8_t data[TRN_MAX_DATA];
  size_t bytes;
} TextRun;

static void flush_trn(PrBuffer *out, TextRun *run) {
  if (run->bytes == 0) {
    return;
  }
  PrBuffer_appendByte(out, (uint8_t)(run->bytes + 2));
  PrBuffer_appendByte(out, CS_TRN);
  PrBuffer_append(out, run->data, run->bytes);
  run->bytes = 0;
}

static void add_bytes(PrBuffer *out, TextRun *run, const uint8_t *bytes, size_t count) {
  if (run->bytes + count > TRN_MAX_DATA) {
    flush_trn(out, run);
  }
  memcpy(run->data + run->bytes, bytes, count);
  run->bytes += count;
}

/* The code page byte of a code point, or -1. */
static int code_byte(const PrAfpCodedFontUse *coded, uint32_t codepoint) {
  uint32_t low = 0, high = coded->code_count;
  while (low < high) {
    uint32_t mid = low + (high - low) / 2;
    if (coded->codepoints[mid] < codepoint) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  return low < coded->code_count && coded->codepoints[low] == codepoint ? coded->code_bytes[low]
                                                                          : -1;
}

/* A glyph's text: its code point in UTF-16BE, or in the coded font's code
 * page. The printer finds the glyph from the text, so the code point must
 * lead back to the very glyph the layout chose. */
static PrStatus encode_glyph(const PrAfpWriter *writer, const PrFont *font, uint32_t plan_font,
                             const PrGlyph *glyph, uint8_t bytes[4], size_t *count,
                             PrError *error) {
  uint32_t cp = glyph->codepoint;
  const PrAfpCodedFontUse *coded = &writer->coded[plan_font];
  if (coded->mapped) {
    int byte = code_byte(coded, cp);
    if (byte < 0) {
      return PrError_set(error, PR_EINVAL, "afp: U+%04X is not in code page %s of font %u",
                         (unsigned)cp, coded->code_page, (unsigned)plan_font);
    }
    bytes[0] = (uint8_t)byte;
    *count = 1;
    return PR_OK;
  }
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) ||
      PrFont_glyph(font, cp) != glyph->id) {
    return PrError_set(error, PR_EINVAL, "afp: glyph %u of font %u is not the font's glyph for "
                       "any code point of its text (U+%04X): AFP text is code points",
                       (unsigned)glyph->id, (unsigned)plan_font, (unsigned)cp);
  }
  if (cp < 0x10000) {
    bytes[0] = (uint8_t)(cp >> 8);
    bytes[1] = (uint8_t)cp;
    *count = 2;
  } else {
    uint32_t v = cp - 0x10000;
    uint32_t high = 0xD800 + (v >> 10), low = 0xDC00 + (v & 0x3FF);
    bytes[0] = (uint8_t)(high >> 8);
    bytes[1] = (uint8_t)high;
    bytes[2] = (uint8_t)(low >> 8);
    bytes[3] = (uint8_t)low;
    *count = 4;
  }
  return PR_OK;
}

static void set_color(PrBuffer *out, PrAfpTextState *state, const PrColor *color) {
  if (!state->color_known || !same_color(&state->color, color)) {
    put_color(out, color);
    state->color = *color;
    state->color_known = true;
  }
}

void PrAfpText_writeRule(PrAfpWriter *writer, PrAfpTextState *state, float x_pt, float y_pt,
                         float width_pt, float height_pt, const PrColor *color) {
  if (!(width_pt > 0.0f) || !(height_pt > 0.0f)) {
    return;                   /* nothing to draw (NaN too) */
  }
  PrBuffer *out = &writer->text;
  /* Edges rounded once, so that abutting rules (bars, table cells) share them. */
  int32_t left = PrAfp_units(x_pt), right = PrAfp_units(x_pt + width_pt);
  int32_t top = PrAfp_units(y_pt), bottom = PrAfp_units(y_pt + height_pt);
  if (left < 0) {
    left = 0;                 /* PTOCA positions are not negative: clip at the page */
  }
  if (top < 0) {
    top = 0;
  }
  int32_t length = right - left > 0 ? right - left : 1;
  int32_t width = bottom - top > 0 ? bottom - top : 1;
  if (length > 32767 || width > 32767 || left > 32767 || top > 32767) {
    return;                   /* off the page's L-unit range: the PDF shows nothing there either */
  }
  set_color(out, state, color);
  if (top != state->baseline) {
    put_move(out, CS_AMB, top);
    state->baseline = top;
  }
  put_move(out, CS_AMI, left);
  PrBuffer_appendByte(out, 7);
  PrBuffer_appendByte(out, CS_DIR);
  PrAfp_put16(out, (uint32_t)length);
  PrAfp_put16(out, (uint32_t)width);
  PrBuffer_appendByte(out, 0);  /* no fraction: edges are on L-units */
}

PrStatus PrAfpText_writeRun(PrAfpWriter *writer, PrAfpTextState *state, const PrDisplayList *list,
                            const PrItem *item, uint32_t local_id, PrError *error) {
  const PrPlan *plan = writer->plan;
  if (item->resource >= plan->font_count || item->glyph_count == 0 ||
      (uint64_t)item->first_glyph + item->glyph_count > list->glyph_count) {
    return item->glyph_count == 0 ? PR_OK
                                  : PrError_set(error, PR_EINVAL, "afp: glyph run of font %u "
                                                "out of range", (unsigned)item->resource);
  }
  PrBuffer *out = &writer->text;
  const PrFont *font = plan->fonts[item->resource];
  bool coded = writer->coded[item->resource].mapped;
  double em_pt = item->size_pt;
  double unit_pt = em_pt / writer->units_per_em[item->resource];
  if ((int32_t)local_id != state->local_id) {
    PrBuffer_appendByte(out, 3);
    PrBuffer_appendByte(out, CS_SCFL);
    PrBuffer_appendByte(out, (uint8_t)local_id);
    state->local_id = (int32_t)local_id;
  }
  set_color(out, state, &item->color);
  int32_t baseline = PrAfp_units(item->y_pt);
  if (baseline != state->baseline) {
    put_move(out, CS_AMB, baseline);
    state->baseline = baseline;
  }
  put_move(out, CS_AMI, PrAfp_units(item->x_pt));
  TextRun run;
  run.bytes = 0;
  const PrGlyph *glyphs = &list->glyphs[item->first_glyph];
  double x_pt = item->x_pt;
  bool move_next = false;
  for (uint32_t i = 0; i < item->glyph_count; i++) {
    const PrGlyph *glyph = &glyphs[i];
    if (move_next) {
      flush_trn(out, &run);
      put_move(out, CS_AMI, PrAfp_units((float)x_pt));
      move_next = false;
    }
    uint8_t bytes[4];
    size_t count = 0;
    PR_RETURN_NOT_OK(encode_glyph(writer, font, item->resource, glyph, bytes, &count, error));
    add_bytes(out, &run, bytes, count);
    x_pt += PrFont_advance(font, glyph->id) * unit_pt + glyph->extra_milli_em * em_pt / 1000.0;
    move_next = glyph->extra_milli_em != 0 || (coded && glyph->codepoint == ' ');
  }
  flush_trn(out, &run);
  return PrBuffer_check(out, error);
}

void PrAfpText_flush(PrAfpWriter *writer, PrBuffer *out) {
  const uint8_t *data = writer->text.data;
  size_t size = writer->text.size_bytes;
  size_t start = 0;
  /* 2 bytes of escape and 2 of the closing NOP around each PTX's share. */
  const size_t limit = PR_AFP_SF_MAX_DATA_BYTES - 4;
  while (start < size) {
    size_t end = start;
    while (end < size && data[end] >= 2 && end - start + data[end] <= limit) {
      end += data[end];
    }
    if (end == start) {
      break;                  /* not a control sequence: cannot happen, never loop */
    }
    PrAfpSf sf;
    PrAfpSf_begin(out, PR_SF_PTX, &sf);
    PrBuffer_appendByte(out, 0x2B);
    PrBuffer_appendByte(out, 0xD3);
    PrBuffer_append(out, data + start, end - start);
    PrBuffer_appendByte(out, 2);
    PrBuffer_appendByte(out, CS_NOP);
    PrAfpSf_end(out, &sf);
    start = end;
  }
  PrBuffer_clear(&writer->text);
}
