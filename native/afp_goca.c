/* afp_goca.c: lines, rectangles and bars as one GOCA graphics object.
 *
 *   BGR  (8 blank name bytes)
 *     BOG
 *       OBD   X'43' descriptor position 1, X'4B' L-units (X'00', 14400),
 *             X'4C' object area = the page
 *       OBP   position 1 at (0,0) of the page, no rotation (X'0000', X'2D00')
 *       MGO   X'04' mapping: X'10' position and trim (the window is the area, 1:1)
 *       GDD   F6 window: ABS, 16-bit coordinates, unit base X'00', 14400 per
 *             unit base, window x 0..W, y 0..H (L-units of the page);
 *             21 Set Current Defaults, normal line width = 20/1440 in (1 pt)
 *     EOG
 *     GAD   70 0C name FLAG1 FLAG2 SEGL P/S   one chained segment, carried in
 *           ...                               several GADs when long: each
 *     GAD   (70 ... APP=B'11') segment-data   further GAD starts an appended
 *                                             segment (FLAG2 X'06')
 *   EGR
 *
 * Drawing orders (GOCA reference, chapter 7), all in subset GRS3 (DR/2V0 plus
 * process colour, fractional line width, boxes and the normal-line-width
 * default), the one MO:DCA IS/3 allows; each segment starts with 28 10
 * (pattern symbol: solid fill). Line ends are AFP's standard round (Set Line
 * End is outside GRS3), not PDF's butt cap: a line is w/2 longer each end.
 *
 *   B2 0D 00 01 00000000 08 08 08 00 R G B        process colour RGB
 *   B2 0E 00 04 00000000 08 08 08 08 C M Y K      process colour CMYK (gray g
 *                                                 as K = 1 - g: K-only black)
 *   11 02 MH MFR          fractional line width: MH.MFR x 1 pt (1/256 pt steps)
 *   C1 08 x0 y0 x1 y1     line at given position
 *   C0 0A 2000 x0 y0 x1 y1               box (stroked rectangle)
 *   68 80  C0 0A 2000 x0 y0 x1 y1  60 00 area without boundary around a box
 *                                        (filled rectangle, one bar)
 * Colour and width are written only when they change (tracked per segment, so
 * a receiver that resets attributes at an appended segment still draws
 * right). Ordering follows pdf_content.c: a rect is filled, then stroked;
 * bars of an item are boxes filled in the item's colour.
 *
 * GOCA's y axis points up: y_goca = H - y_page, H the page height in L-units.
 * Coordinates are 16-bit signed: pages up to 32767 L-units (22.7 in). */
#include <string.h>

#include "afp_objects.h"
#include "error.h"

#define PR_SF_MGO 0xD3ABBBu

#define GOCA_BSI_BYTES 14
/* Drawing-order bytes one GAD holds after its Begin Segment introducer. */
#define GOCA_SEGMENT_DATA_BYTES (PR_AFP_SF_MAX_DATA_BYTES - GOCA_BSI_BYTES)
/* Normal line width set in the GDD, in 1440ths of an inch: one point, so the
 * fractional multiplier is the width in points. */
#define GOCA_NORMAL_LINE_WIDTH 20
/* The most one shape writes: line width 4, colour 16, area and box 16. */
#define GOCA_SHAPE_BYTES 36

typedef struct GocaWriter {
  PrBuffer *out;
  int32_t height;           /* page height in L-units: y_goca = height - y */
  bool open;                /* a GAD with a segment is being filled */
  PrAfpSf gad;
  size_t segment_data;      /* offset of the open segment's first order */
  uint32_t segments;
  bool color_known, width_known;
  uint8_t color[5];         /* space and components as written */
  uint16_t width;           /* MH.MFR as written */
} GocaWriter;

static void put_s16(PrBuffer *out, int32_t value) {
  PrAfp_put16(out, (uint32_t)value & 0xFFFFu);
}

static void close_segment(GocaWriter *w) {
  if (!w->open) {
    return;
  }
  PrBuffer *out = w->out;
  if (!out->failed) {
    size_t segl = out->size_bytes - w->segment_data;
    out->data[w->segment_data - 6] = (uint8_t)(segl >> 8);   /* SEGL at BSI bytes 8-9 */
    out->data[w->segment_data - 5] = (uint8_t)segl;
  }
  PrAfpSf_end(out, &w->gad);
  w->open = false;
}

/* Makes room for `bytes` of orders that must stay in one segment (a shape and
 * the attributes it needs; an area must lie within one segment): a new GAD
 * with an appended segment when the open one is full. */
static void reserve(GocaWriter *w, size_t bytes) {
  PrBuffer *out = w->out;
  if (w->open && out->size_bytes - w->segment_data + bytes <= GOCA_SEGMENT_DATA_BYTES) {
    return;
  }
  close_segment(w);
  PrAfpSf_begin(out, PR_SF_GAD, &w->gad);
  static const uint8_t kName[4] = {0xF0, 0xF0, 0xF0, 0xF1};   /* "0001", ignored */
  PrBuffer_appendByte(out, 0x70);
  PrBuffer_appendByte(out, 0x0C);
  PrBuffer_append(out, kName, sizeof kName);
  PrBuffer_appendByte(out, 0x00);                          /* FLAG1 */
  /* FLAG2: chained, no prolog; APP B'00' new for the first, B'11' append. */
  PrBuffer_appendByte(out, w->segments == 0 ? 0x00 : 0x06);
  PrAfp_put16(out, 0);                                     /* SEGL, set on close */
  PrAfp_put32(out, 0);                                     /* P/S name, ignored */
  w->segment_data = out->size_bytes;
  w->open = true;
  w->segments++;
  w->color_known = false;
  w->width_known = false;
  /* Solid fill (the AFP default, made explicit). No Set Line End / Join: they
   * are in neither DR/2V0 nor GRS3 (IS/3 allows GRS3 only), so line ends are
   * AFP's standard round, not PDF's butt: w/2 longer at each end. */
  static const uint8_t kSetup[2] = {0x28, 0x10};
  PrBuffer_append(out, kSetup, sizeof kSetup);
}

static uint8_t component(float value) {
  float clamped = value > 0.0f ? (value < 1.0f ? value : 1.0f) : 0.0f;
  return (uint8_t)(clamped * 255.0f + 0.5f);
}

static void set_color(GocaWriter *w, const PrColor *color) {
  uint8_t key[5] = {0};
  if (color->space == PR_COLOR_RGB) {
    key[0] = 0x01;
    for (int i = 0; i < 3; i++) {
      key[1 + i] = component(color->value[i]);
    }
  } else {
    key[0] = 0x04;
    if (color->space == PR_COLOR_CMYK) {
      for (int i = 0; i < 4; i++) {
        key[1 + i] = component(color->value[i]);
      }
    } else {
      key[4] = (uint8_t)(255 - component(color->value[0]));   /* gray: K only */
    }
  }
  if (w->color_known && memcmp(w->color, key, sizeof key) == 0) {
    return;
  }
  PrBuffer *out = w->out;
  bool rgb = key[0] == 0x01;
  PrBuffer_appendByte(out, 0xB2);
  PrBuffer_appendByte(out, rgb ? 0x0D : 0x0E);
  PrBuffer_appendByte(out, 0x00);
  PrBuffer_appendByte(out, key[0]);
  PrAfp_put32(out, 0);
  PrBuffer_appendByte(out, 8);
  PrBuffer_appendByte(out, 8);
  PrBuffer_appendByte(out, 8);
  PrBuffer_appendByte(out, rgb ? 0 : 8);
  PrBuffer_append(out, key + 1, rgb ? 3 : 4);
  memcpy(w->color, key, sizeof key);
  w->color_known = true;
}

static void set_width(GocaWriter *w, float width_pt) {
  double scaled = (double)width_pt * 256.0 + 0.5;
  /* 0 would select the drawing default (1 pt): the thinnest step stands in
   * for PDF's zero-width (thinnest) line. */
  uint16_t width = !(scaled >= 1.0) ? 1 : scaled >= 65535.0 ? 65535 : (uint16_t)scaled;
  if (w->width_known && w->width == width) {
    return;
  }
  PrBuffer *out = w->out;
  PrBuffer_appendByte(out, 0x11);
  PrBuffer_appendByte(out, 0x02);
  PrAfp_put16(out, width);
  w->width = width;
  w->width_known = true;
}

static void put_box(GocaWriter *w, int32_t x0, int32_t y0, int32_t x1, int32_t y1) {
  PrBuffer *out = w->out;
  PrBuffer_appendByte(out, 0xC0);
  PrBuffer_appendByte(out, 0x0A);
  PrAfp_put16(out, 0x2000);
  put_s16(out, x0);
  put_s16(out, w->height - y0);
  put_s16(out, x1);
  put_s16(out, w->height - y1);
}

static void filled_box(GocaWriter *w, int32_t x0, int32_t y0, int32_t x1, int32_t y1) {
  PrBuffer *out = w->out;
  PrBuffer_appendByte(out, 0x68);
  PrBuffer_appendByte(out, 0x80);   /* RES1 set; no boundary; alternate */
  put_box(w, x0, y0, x1, y1);
  PrBuffer_appendByte(out, 0x60);
  PrBuffer_appendByte(out, 0x00);
}

/* A bar's corners in page L-units (top-left and bottom-right). */
static void bar_corners(const PrItem *item, const PrBar *bar, int32_t c[4]) {
  if (item->size_pt > 0.0f) {
    float m = item->size_pt;
    c[0] = PrAfp_units(item->x_pt + bar->x_pt * m);
    c[1] = PrAfp_units(item->y_pt + bar->y_pt * m);
    c[2] = PrAfp_units(item->x_pt + (bar->x_pt + bar->width_pt) * m);
    c[3] = PrAfp_units(item->y_pt + (bar->y_pt + bar->height_pt) * m);
  } else {
    c[0] = PrAfp_units(bar->x_pt);
    c[1] = PrAfp_units(bar->y_pt);
    c[2] = PrAfp_units(bar->x_pt + bar->width_pt);
    c[3] = PrAfp_units(bar->y_pt + bar->height_pt);
  }
}

/* Whether page coordinates x and y (L-units) are drawable in 16 bits. */
static bool in_range(const GocaWriter *w, int32_t x, int32_t y) {
  int32_t yg = w->height - y;
  return x >= -32768 && x <= 32767 && yg >= -32768 && yg <= 32767;
}

/* Checks an item before anything is written (a failure leaves no half object). */
static PrStatus check_item(const GocaWriter *w, const PrDisplayList *list, const PrItem *item,
                           size_t index, PrError *error) {
  if (item == NULL) {
    return PrError_set(error, PR_EINVAL, "afp: graphics item %zu is NULL", index);
  }
  int32_t c[4];
  switch (item->kind) {
    case PR_ITEM_LINE:
      c[0] = PrAfp_units(item->x_pt);
      c[1] = PrAfp_units(item->y_pt);
      c[2] = PrAfp_units(item->x2_pt);
      c[3] = PrAfp_units(item->y2_pt);
      break;
    case PR_ITEM_RECT:
      c[0] = PrAfp_units(item->x_pt);
      c[1] = PrAfp_units(item->y_pt);
      c[2] = PrAfp_units(item->x_pt + item->width_pt);
      c[3] = PrAfp_units(item->y_pt + item->height_pt);
      break;
    case PR_ITEM_BARS:
      if ((uint64_t)item->first_bar + item->bar_count > list->bar_count) {
        return PrError_set(error, PR_EINVAL,
                           "afp: graphics item %zu draws bars %u..%llu, the list has %zu",
                           index, item->first_bar,
                           (unsigned long long)item->first_bar + item->bar_count,
                           list->bar_count);
      }
      for (uint32_t b = 0; b < item->bar_count; b++) {
        bar_corners(item, &list->bars[item->first_bar + b], c);
        if (!in_range(w, c[0], c[1]) || !in_range(w, c[2], c[3])) {
          return PrError_set(error, PR_ELIMIT,
                             "afp: bar %u of graphics item %zu lies outside GOCA's 16-bit "
                             "coordinate range",
                             b, index);
        }
      }
      return PR_OK;
    default:
      return PrError_set(error, PR_EINVAL,
                         "afp: graphics item %zu has kind %u; GOCA draws lines, rects and bars",
                         index, item->kind);
  }
  if (!in_range(w, c[0], c[1]) || !in_range(w, c[2], c[3])) {
    return PrError_set(error, PR_ELIMIT,
                       "afp: graphics item %zu lies outside GOCA's 16-bit coordinate range",
                       index);
  }
  return PR_OK;
}

static void write_environment(PrBuffer *out, int32_t width, int32_t height) {
  PrAfpSf sf;
  PrAfpSf_begin(out, PR_SF_BOG, &sf);
  PrAfp_putName8(out, NULL);
  PrAfpSf_end(out, &sf);

  PrAfpSf_writeObjectArea(out, 0, 0, (uint32_t)width, (uint32_t)height);

  static const uint8_t kMgo[5] = {0x00, 0x05, 0x03, 0x04, 0x10};
  PrAfpSf_write(out, PR_SF_MGO, kMgo, sizeof kMgo);

  PrAfpSf_begin(out, PR_SF_GDD, &sf);
  PrBuffer_appendByte(out, 0xF6);          /* window specification */
  PrBuffer_appendByte(out, 18);
  PrBuffer_appendByte(out, 0x40);          /* ABS: picture in L-units */
  PrBuffer_appendByte(out, 0x00);
  PrBuffer_appendByte(out, 0x00);          /* CFORMAT: 16-bit signed */
  PrBuffer_appendByte(out, 0x00);          /* UBASE: ten inches */
  PrAfp_put16(out, PR_AFP_UNITS_PER_BASE); /* XRESOL, YRESOL */
  PrAfp_put16(out, PR_AFP_UNITS_PER_BASE);
  PrAfp_put16(out, 0);                     /* IMXYRES: no images */
  put_s16(out, 0);                         /* XLWIND, XRWIND, YBWIND, YTWIND */
  put_s16(out, width);
  put_s16(out, 0);
  put_s16(out, height);
  static const uint8_t kNormalWidth[8] = {0x21, 0x06, 0x11, 0x80, 0x00, 0x8F, 0x00,
                                          GOCA_NORMAL_LINE_WIDTH};
  PrBuffer_append(out, kNormalWidth, sizeof kNormalWidth);
  PrAfpSf_end(out, &sf);

  PrAfpSf_begin(out, PR_SF_EOG, &sf);
  PrAfp_putName8(out, NULL);
  PrAfpSf_end(out, &sf);
}

PrStatus PrAfpGoca_write(PrBuffer *out, const PrDisplayList *list, const PrItem *const *items,
                         size_t count, float page_width_pt, float page_height_pt,
                         PrError *error) {
  if (out == NULL || list == NULL || (items == NULL && count > 0)) {
    return PrError_set(error, PR_EINVAL, "afp: graphics object without a buffer, list or items");
  }
  int32_t width = PrAfp_units(page_width_pt), height = PrAfp_units(page_height_pt);
  if (width < 1 || width > 32767 || height < 1 || height > 32767) {
    return PrError_set(error, PR_ELIMIT,
                       "afp: a graphics object of %g x %g pt; GOCA and the object area "
                       "allow 0.05 to 1638.35 pt (32767 L-units)",
                       (double)page_width_pt, (double)page_height_pt);
  }
  GocaWriter w;
  memset(&w, 0, sizeof w);
  w.out = out;
  w.height = height;
  for (size_t i = 0; i < count; i++) {
    PR_RETURN_NOT_OK(check_item(&w, list, items[i], i, error));
  }

  PrAfpSf sf;
  PrAfpSf_begin(out, PR_SF_BGR, &sf);
  PrAfp_putName8(out, NULL);
  PrAfpSf_end(out, &sf);
  write_environment(out, width, height);

  for (size_t i = 0; i < count; i++) {
    const PrItem *item = items[i];
    int32_t x0 = PrAfp_units(item->x_pt), y0 = PrAfp_units(item->y_pt);
    if (item->kind == PR_ITEM_LINE) {
      reserve(&w, GOCA_SHAPE_BYTES);
      set_width(&w, item->size_pt);
      set_color(&w, &item->color);
      PrBuffer_appendByte(out, 0xC1);
      PrBuffer_appendByte(out, 0x08);
      put_s16(out, x0);
      put_s16(out, height - y0);
      put_s16(out, PrAfp_units(item->x2_pt));
      put_s16(out, height - PrAfp_units(item->y2_pt));
    } else if (item->kind == PR_ITEM_RECT) {
      int32_t x1 = PrAfp_units(item->x_pt + item->width_pt);
      int32_t y1 = PrAfp_units(item->y_pt + item->height_pt);
      if (item->has_fill) {
        reserve(&w, GOCA_SHAPE_BYTES);
        set_color(&w, &item->fill);
        filled_box(&w, x0, y0, x1, y1);
      }
      if (item->has_stroke) {
        reserve(&w, GOCA_SHAPE_BYTES);
        set_width(&w, item->size_pt);
        set_color(&w, &item->color);
        put_box(&w, x0, y0, x1, y1);
      }
    } else {
      for (uint32_t b = 0; b < item->bar_count; b++) {
        int32_t c[4];
        bar_corners(item, &list->bars[item->first_bar + b], c);
        reserve(&w, GOCA_SHAPE_BYTES);
        set_color(&w, &item->color);   /* no bytes unless a new segment began */
        filled_box(&w, c[0], c[1], c[2], c[3]);
      }
    }
  }
  close_segment(&w);

  PrAfpSf_begin(out, PR_SF_EGR, &sf);
  PrAfp_putName8(out, NULL);
  PrAfpSf_end(out, &sf);
  return PrBuffer_check(out, error);
}
