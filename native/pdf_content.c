/* pdf_content.c: content streams, the operators that draw one page or form.
 *
 *   BT ... ET          text object: consecutive glyph runs share one
 *   /Fn size Tf        font and size, only when they change
 *   dx dy Td           run origin, relative to the previous run's origin
 *                      (the first Td in a BT is absolute)
 *   [(gg..)-n(..)]TJ   glyph ids as 2 big-endian bytes each (Identity-H) in
 *                      a binary literal string: half the bytes of hex, so
 *                      half the deflate work; ( ) \ and CR are escaped.
 *                      -n: the run's extra advance after a glyph, 1/1000 em
 *   g rg k / G RG K    fill / stroke colour, only when it changes
 *   w                  line width, only when it changes
 *   x y m x y l S      line
 *   x y w h re f|S|B   rectangle
 *   x y w h re ... f   bars (a barcode, OMR marks): one path, one fill
 *   q w 0 0 h x y cm   a 2D symbol: its modules as a 1-bit image mask,
 *   BI ... ID .. EI Q    ASCII-hex (inline image data holds no binary)
 *   q w 0 0 h x y cm /Imn Do Q    image
 *   /Fmn Do            form (static page content)
 *
 * The display list has y growing downwards; PDF's grows upwards, so
 * y_pdf = page height - y. Positions are rounded to 1/100 pt once and all
 * Td deltas are taken between rounded values, so relative moves never drift.
 * Graphics state is tracked, not saved: text, lines and rects only set what
 * differs from the tracked state; image and form placement run inside q..Q
 * (Do restores the state after a form anyway). */
#include "pdf_writer.h"


/* What the content stream has set so far; unknown at the start (a form
 * inherits the state of whoever draws it). */
typedef struct ContentState {
  PrBuffer *out;
  int64_t page_height_c;    /* centipoints */
  bool in_text;
  int64_t line_x_c, line_y_c;  /* text line origin of the current BT */
  int64_t font;             /* -1: unknown */
  int64_t size_c;
  bool fill_known, stroke_known, width_known;
  PrColor fill, stroke;
  int64_t width_c;
} ContentState;

/* Points to centipoints, rounded; non-finite and absurd values clamped so
 * that the conversion is defined (the output stays parseable). */
static inline int64_t centi(float value_pt) {
  double scaled = (double)value_pt * 100.0;
  if (!(scaled > -1.0e12)) {
    return scaled != scaled ? 0 : (int64_t)-1000000000000;
  }
  if (scaled > 1.0e12) {
    return 1000000000000;
  }
  return (int64_t)(scaled < 0 ? scaled - 0.5 : scaled + 0.5);
}

/* Writes a non-negative integer at p, returns the end. */
static inline uint8_t *put_uint(uint8_t *p, uint64_t value) {
  uint8_t digits[20];
  int n = 0;
  do {
    digits[n++] = (uint8_t)('0' + value % 10);
    value /= 10;
  } while (value != 0);
  while (n > 0) {
    *p++ = digits[--n];
  }
  return p;
}

/* One byte of a literal string: the delimiters and the escape get a
 * backslash, and so does CR, which a reader would turn into LF. */
static inline uint8_t *put_string_byte(uint8_t *p, uint8_t byte) {
  if (byte == '(' || byte == ')' || byte == '\\') {
    *p++ = '\\';
  } else if (byte == '\r') {
    *p++ = '\\';
    byte = 'r';
  }
  *p++ = byte;
  return p;
}

/* A number given in hundredths: "12", "12.5", "-0.05". */
static void put_centi(PrBuffer *out, int64_t value_c) {
  if (!PrBuffer_reserve(out, 24)) {
    return;
  }
  uint8_t *p = out->data + out->size_bytes;
  uint64_t magnitude = value_c < 0 ? (uint64_t)0 - (uint64_t)value_c : (uint64_t)value_c;
  if (value_c < 0) {
    *p++ = '-';
  }
  p = put_uint(p, magnitude / 100);
  unsigned fraction = (unsigned)(magnitude % 100);
  if (fraction != 0) {
    *p++ = '.';
    *p++ = (uint8_t)('0' + fraction / 10);
    if (fraction % 10 != 0) {
      *p++ = (uint8_t)('0' + fraction % 10);
    }
  }
  out->size_bytes = (size_t)(p - out->data);
}

static inline void put_text(PrBuffer *out, const char *text, size_t bytes) {
  PrBuffer_append(out, text, bytes);
}
#define PUT(out, literal) put_text((out), (literal), sizeof(literal) - 1)

/* A colour component 0..1 with three decimals. */
static void put_component(PrBuffer *out, float value) {
  float clamped = value > 0.0f ? (value < 1.0f ? value : 1.0f) : 0.0f;
  PrBuffer_appendReal(out, clamped, 3);
}

static bool same_color(const PrColor *a, const PrColor *b) {
  if (a->space != b->space) {
    return false;
  }
  int components = a->space == PR_COLOR_CMYK ? 4 : a->space == PR_COLOR_RGB ? 3 : 1;
  for (int i = 0; i < components; i++) {
    if (a->value[i] != b->value[i]) {
      return false;
    }
  }
  return true;
}

static void set_color(ContentState *state, const PrColor *color, bool stroke) {
  bool *known = stroke ? &state->stroke_known : &state->fill_known;
  PrColor *current = stroke ? &state->stroke : &state->fill;
  if (*known && same_color(current, color)) {
    return;
  }
  PrBuffer *out = state->out;
  int components = color->space == PR_COLOR_CMYK ? 4 : color->space == PR_COLOR_RGB ? 3 : 1;
  for (int i = 0; i < components; i++) {
    put_component(out, color->value[i]);
    PrBuffer_appendByte(out, ' ');
  }
  static const char *const kFill[] = {"g\n", "rg\n", "k\n"};
  static const char *const kStroke[] = {"G\n", "RG\n", "K\n"};
  int space = color->space <= PR_COLOR_CMYK ? color->space : PR_COLOR_GRAY;
  PrBuffer_appendText(out, stroke ? kStroke[space] : kFill[space]);
  *current = *color;
  current->space = (uint8_t)space;
  *known = true;
}

static void set_width(ContentState *state, float width_pt) {
  int64_t width_c = centi(width_pt);
  if (width_c < 0) {
    width_c = 0;
  }
  if (state->width_known && state->width_c == width_c) {
    return;
  }
  put_centi(state->out, width_c);
  PUT(state->out, " w\n");
  state->width_c = width_c;
  state->width_known = true;
}

static void end_text(ContentState *state) {
  if (state->in_text) {
    PUT(state->out, "ET\n");
    state->in_text = false;
  }
}

static PrStatus write_glyphs(PrPdfWriter *writer, ContentState *state,
                             const PrDisplayList *list, const PrItem *item,
                             PrError *error) {
  const PrPlan *plan = writer->plan;
  if (item->resource >= plan->font_count) {
    return PrError_set(error, PR_EINVAL, "pdf: a glyph run uses font %u, the plan has %u",
                       item->resource, plan->font_count);
  }
  if ((uint64_t)item->first_glyph + item->glyph_count > list->glyph_count) {
    return PrError_set(error, PR_EINVAL,
                       "pdf: a glyph run covers glyphs %u..%llu, the list has %zu",
                       item->first_glyph,
                       (unsigned long long)item->first_glyph + item->glyph_count,
                       list->glyph_count);
  }
  if (item->glyph_count == 0) {
    return PR_OK;
  }
  PrPdfFontUse *use = &writer->fonts[item->resource];
  PrBuffer *out = state->out;
  if (!state->in_text) {
    PUT(out, "BT\n");
    state->in_text = true;
    state->line_x_c = 0;
    state->line_y_c = 0;
  }
  int64_t size_c = centi(item->size_pt);
  if (state->font != (int64_t)item->resource || state->size_c != size_c) {
    PUT(out, "/F");
    PrBuffer_appendInt(out, item->resource);
    PrBuffer_appendByte(out, ' ');
    put_centi(out, size_c);
    PUT(out, " Tf\n");
    state->font = item->resource;
    state->size_c = size_c;
  }
  set_color(state, &item->color, false);
  int64_t x_c = centi(item->x_pt);
  int64_t y_c = state->page_height_c - centi(item->y_pt);
  put_centi(out, x_c - state->line_x_c);
  PrBuffer_appendByte(out, ' ');
  put_centi(out, y_c - state->line_y_c);
  PUT(out, " Td\n");
  state->line_x_c = x_c;
  state->line_y_c = y_c;

  /* Per glyph: two bytes, each escaped at worst, plus ")-32768(". */
  size_t count = item->glyph_count;
  if (!PrBuffer_reserve(out, count * 12 + 8)) {
    return PrBuffer_check(out, error);
  }
  const PrGlyph *glyphs = list->glyphs + item->first_glyph;
  uint8_t *bits = use->glyph_bits;
  uint32_t *codepoints = use->codepoints;
  uint16_t glyph_count = use->glyph_count;
  uint8_t *p = out->data + out->size_bytes;
  *p++ = '[';
  *p++ = '(';
  for (size_t k = 0; k < count; k++) {
    uint16_t id = glyphs[k].id;
    if (id >= glyph_count) {
      return PrError_set(error, PR_EINVAL, "pdf: glyph id %u is beyond font %u's %u glyphs",
                         id, item->resource, glyph_count);
    }
    bits[id >> 3] |= (uint8_t)(1u << (id & 7));
    if (codepoints[id] == 0) {
      codepoints[id] = glyphs[k].codepoint;   /* the first code point seen wins */
    }
    p = put_string_byte(p, (uint8_t)(id >> 8));
    p = put_string_byte(p, (uint8_t)(id & 0xFF));
    int extra = glyphs[k].extra_milli_em;
    if (extra != 0 && k + 1 < count) {
      /* TJ numbers move left: a wider gap is a negative number. */
      *p++ = ')';
      if (extra > 0) {
        *p++ = '-';
        p = put_uint(p, (uint64_t)extra);
      } else {
        p = put_uint(p, (uint64_t)(-(int64_t)extra));
      }
      *p++ = '(';
    }
  }
  memcpy(p, ")]TJ\n", 5);
  p += 5;
  out->size_bytes = (size_t)(p - out->data);
  use->used = true;
  return PR_OK;
}

static void write_line(ContentState *state, const PrItem *item) {
  end_text(state);
  PrBuffer *out = state->out;
  set_width(state, item->size_pt);
  set_color(state, &item->color, true);
  put_centi(out, centi(item->x_pt));
  PrBuffer_appendByte(out, ' ');
  put_centi(out, state->page_height_c - centi(item->y_pt));
  PUT(out, " m ");
  put_centi(out, centi(item->x2_pt));
  PrBuffer_appendByte(out, ' ');
  put_centi(out, state->page_height_c - centi(item->y2_pt));
  PUT(out, " l S\n");
}

static void write_rect(ContentState *state, const PrItem *item) {
  if (!item->has_stroke && !item->has_fill) {
    return;
  }
  end_text(state);
  PrBuffer *out = state->out;
  if (item->has_fill) {
    set_color(state, &item->fill, false);
  }
  if (item->has_stroke) {
    set_width(state, item->size_pt);
    set_color(state, &item->color, true);
  }
  int64_t height_c = centi(item->height_pt);
  put_centi(out, centi(item->x_pt));
  PrBuffer_appendByte(out, ' ');
  put_centi(out, state->page_height_c - centi(item->y_pt) - height_c);
  PrBuffer_appendByte(out, ' ');
  put_centi(out, centi(item->width_pt));
  PrBuffer_appendByte(out, ' ');
  put_centi(out, height_c);
  if (item->has_fill && item->has_stroke) {
    PUT(out, " re B\n");
  } else if (item->has_fill) {
    PUT(out, " re f\n");
  } else {
    PUT(out, " re S\n");
  }
}

/* q w 0 0 h x y cm: the unit square onto the item's box (an image, a 2D symbol). */
static void put_placement(ContentState *state, const PrItem *item) {
  PrBuffer *out = state->out;
  int64_t height_c = centi(item->height_pt);
  PUT(out, "q ");
  put_centi(out, centi(item->width_pt));
  PUT(out, " 0 0 ");
  put_centi(out, height_c);
  PrBuffer_appendByte(out, ' ');
  put_centi(out, centi(item->x_pt));
  PrBuffer_appendByte(out, ' ');
  put_centi(out, state->page_height_c - centi(item->y_pt) - height_c);
  PUT(out, " cm");
}

/* A 2D symbol (bars in whole modules from its top-left) as an inline image
 * mask of one bit per module, drawn in the fill colour: about a tenth of the
 * bytes of its rectangles, and no seams between modules in any renderer. */
static PrStatus write_matrix(ContentState *state, const PrDisplayList *list, const PrItem *item,
                             PrError *error) {
  uint32_t cols = (uint32_t)(item->width_pt / item->size_pt + 0.5f);
  uint32_t rows = (uint32_t)(item->height_pt / item->size_pt + 0.5f);
  if (cols == 0 || rows == 0 || cols > PR_QR_MAX_SIDE || rows > PR_QR_MAX_SIDE) {
    return PrError_set(error, PR_EINVAL, "pdf: a 2D symbol of %u x %u modules", cols, rows);
  }
  uint32_t row_bytes = (cols + 7) / 8;
  uint8_t bits[(PR_QR_MAX_SIDE + 7) / 8 * PR_QR_MAX_SIDE];
  memset(bits, 0, (size_t)row_bytes * rows);
  for (uint32_t b = 0; b < item->bar_count; b++) {
    const PrBar *bar = &list->bars[item->first_bar + b];
    uint32_t r = (uint32_t)(bar->y_pt + 0.5f), c0 = (uint32_t)(bar->x_pt + 0.5f);
    uint32_t c1 = c0 + (uint32_t)(bar->width_pt + 0.5f);
    if (r >= rows || c1 > cols) {
      return PrError_set(error, PR_EINVAL, "pdf: a 2D symbol's bar lies outside its %u x %u modules",
                         cols, rows);
    }
    for (uint32_t c = c0; c < c1; c++) {
      bits[r * row_bytes + c / 8] |= (uint8_t)(0x80u >> (c % 8));
    }
  }
  end_text(state);
  set_color(state, &item->color, false);
  PrBuffer *out = state->out;
  put_placement(state, item);
  PUT(out, "\nBI/W ");
  PrBuffer_appendInt(out, cols);
  PUT(out, "/H ");
  PrBuffer_appendInt(out, rows);
  PUT(out, "/IM true/BPC 1/D[1 0]/F/AHx ID\n");
  PrBuffer_appendHex(out, bits, (size_t)row_bytes * rows);
  PUT(out, ">\nEI Q\n");
  /* The colour was set before q, so the tracked state still holds after Q. */
  return PR_OK;
}

static PrStatus write_bars(ContentState *state, const PrDisplayList *list, const PrItem *item,
                           PrError *error) {
  if ((uint64_t)item->first_bar + item->bar_count > list->bar_count) {
    return PrError_set(error, PR_EINVAL, "pdf: an item draws bars %u..%llu, the list has %zu",
                       item->first_bar, (unsigned long long)item->first_bar + item->bar_count,
                       list->bar_count);
  }
  if (item->bar_count == 0) {
    return PR_OK;
  }
  if (item->size_pt > 0.0f) {
    return write_matrix(state, list, item, error);
  }
  end_text(state);
  set_color(state, &item->color, false);
  PrBuffer *out = state->out;
  for (uint32_t b = 0; b < item->bar_count; b++) {
    const PrBar *bar = &list->bars[item->first_bar + b];
    int64_t height_c = centi(bar->height_pt);
    put_centi(out, centi(bar->x_pt));
    PrBuffer_appendByte(out, ' ');
    put_centi(out, state->page_height_c - centi(bar->y_pt) - height_c);
    PrBuffer_appendByte(out, ' ');
    put_centi(out, centi(bar->width_pt));
    PrBuffer_appendByte(out, ' ');
    put_centi(out, height_c);
    PUT(out, " re\n");
  }
  PUT(out, "f\n");
  return PR_OK;
}

static PrStatus write_image(PrPdfWriter *writer, ContentState *state, const PrItem *item,
                            PrError *error) {
  if (item->resource >= writer->plan->image_count) {
    return PrError_set(error, PR_EINVAL, "pdf: an item draws image %u, the plan has %u",
                       item->resource, writer->plan->image_count);
  }
  uint32_t id;
  PR_RETURN_NOT_OK(PrPdfImage_ensure(writer, item->resource, &id, error));
  end_text(state);
  PrBuffer *out = state->out;
  put_placement(state, item);
  PUT(out, " /Im");
  PrBuffer_appendInt(out, item->resource);
  PUT(out, " Do Q\n");
  return PR_OK;
}

static PrStatus write_form(PrPdfWriter *writer, ContentState *state, const PrItem *item,
                           PrError *error) {
  PrPdfForm *form = PrPdfPage_findForm(writer, item->resource);
  if (form == NULL) {
    return PrError_set(error, PR_EINVAL, "pdf: an item draws form %u, which is not defined",
                       item->resource);
  }
  form->used = true;
  end_text(state);
  PrBuffer *out = state->out;
  /* The form's top-left corner goes to the item's (x, y). */
  int64_t dx_c = centi(item->x_pt);
  int64_t dy_c = state->page_height_c - centi(item->y_pt) - centi(form->height_pt);
  if (dx_c == 0 && dy_c == 0) {
    PUT(out, "/Fm");
    PrBuffer_appendInt(out, item->resource);
    PUT(out, " Do\n");
    return PR_OK;
  }
  PUT(out, "q 1 0 0 1 ");
  put_centi(out, dx_c);
  PrBuffer_appendByte(out, ' ');
  put_centi(out, dy_c);
  PUT(out, " cm /Fm");
  PrBuffer_appendInt(out, item->resource);
  PUT(out, " Do Q\n");
  return PR_OK;
}

PrStatus PrPdfContent_write(PrPdfWriter *writer, const PrDisplayList *list,
                            uint32_t page, PrError *error) {
  if (page >= list->page_count) {
    return PrError_set(error, PR_EINVAL, "pdf: page %u of a display list with %zu pages",
                       page, list->page_count);
  }
  const PrDlPage *dl_page = &list->pages[page];
  if ((uint64_t)dl_page->first_item + dl_page->item_count > list->item_count ||
      (uint64_t)dl_page->overlay_first + dl_page->overlay_count > list->item_count ||
      (uint64_t)dl_page->marks_first + dl_page->marks_count > list->item_count) {
    return PrError_set(error, PR_EINVAL, "pdf: page %u covers items %u..%llu, the list has %zu",
                       page, dl_page->first_item,
                       (unsigned long long)dl_page->first_item + dl_page->item_count,
                       list->item_count);
  }
  ContentState state;
  memset(&state, 0, sizeof state);
  state.out = &writer->content;
  state.page_height_c = centi(dl_page->height_pt);
  state.font = -1;
  uint32_t item_count = PrDisplayList_pageItemCount(list, page);
  for (uint32_t i = 0; i < item_count; i++) {
    const PrItem *item = PrDisplayList_pageItem(list, page, i);
    PrStatus status = PR_OK;
    switch (item->kind) {
      case PR_ITEM_GLYPHS:
        status = write_glyphs(writer, &state, list, item, error);
        break;
      case PR_ITEM_LINE:
        write_line(&state, item);
        break;
      case PR_ITEM_RECT:
        write_rect(&state, item);
        break;
      case PR_ITEM_IMAGE:
        status = write_image(writer, &state, item, error);
        break;
      case PR_ITEM_FORM:
        status = write_form(writer, &state, item, error);
        break;
      case PR_ITEM_BARS:
        status = write_bars(&state, list, item, error);
        break;
      default:
        status = PrError_set(error, PR_EINVAL, "pdf: item %u of page %u has unknown kind %u",
                             i, page, item->kind);
        break;
    }
    PR_RETURN_NOT_OK(status);
  }
  end_text(&state);
  return PrBuffer_check(&writer->content, error);
}
