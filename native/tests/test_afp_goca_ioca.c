/* test_afp_goca_ioca.c: GOCA graphics and IOCA image objects, checked byte by byte. */
#include <stdlib.h>
#include <string.h>

#include "../afp_objects.h"
#include "../buffer.h"
#include "check.h"

#define MGO 0xD3ABBBu
#define MIO 0xD3ABFBu

/* One structured field of a buffer. */
typedef struct Sf {
  uint32_t id;
  uint8_t flags;
  const uint8_t *data;
  size_t bytes;
  size_t length;   /* the introducer's length field */
} Sf;

/* Splits a buffer into structured fields; -1 if the framing is broken. */
static int parse_sfs(const uint8_t *p, size_t size, Sf *sfs, int max) {
  int count = 0;
  size_t at = 0;
  while (at < size) {
    if (size - at < 9 || p[at] != 0x5A || count == max) {
      return -1;
    }
    size_t length = (size_t)p[at + 1] << 8 | p[at + 2];
    if (length < 8 || at + 1 + length > size || p[at + 7] != 0 || p[at + 8] != 0) {
      return -1;
    }
    Sf *sf = &sfs[count++];
    sf->id = (uint32_t)p[at + 3] << 16 | (uint32_t)p[at + 4] << 8 | p[at + 5];
    sf->flags = p[at + 6];
    sf->data = p + at + 9;
    sf->bytes = length - 8;
    sf->length = length;
    at += 1 + length;
  }
  return count;
}

static bool bytes_are(const uint8_t *p, const uint8_t *expected, size_t n) {
  return memcmp(p, expected, n) == 0;
}

static const uint8_t kBlank8[8] = {0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40};

static int s16(const uint8_t *p) {
  return (int16_t)(uint16_t)(p[0] << 8 | p[1]);
}

/* ---- GOCA ---------------------------------------------------------------- */

static PrColor rgb(float r, float g, float b) {
  PrColor c;
  memset(&c, 0, sizeof c);
  c.space = PR_COLOR_RGB;
  c.value[0] = r;
  c.value[1] = g;
  c.value[2] = b;
  return c;
}

static PrColor gray(float g) {
  PrColor c;
  memset(&c, 0, sizeof c);
  c.space = PR_COLOR_GRAY;
  c.value[0] = g;
  return c;
}

static PrColor cmyk(float c0, float m, float y, float k) {
  PrColor c;
  memset(&c, 0, sizeof c);
  c.space = PR_COLOR_CMYK;
  c.value[0] = c0;
  c.value[1] = m;
  c.value[2] = y;
  c.value[3] = k;
  return c;
}

/* The length of the drawing order at p (GOCA chapter 7 formats). */
static size_t order_bytes(const uint8_t *p) {
  uint8_t code = p[0];
  if (code == 0x00) {
    return 1;
  }
  if (code == 0xFE) {
    return 4 + ((size_t)p[2] << 8 | p[3]);
  }
  if ((code & 0x88) == 0x08) {
    return 2;
  }
  return 2 + (size_t)p[1];
}

/* The orders of one GAD's segment: checks its Begin Segment, returns the data. */
static const uint8_t *segment_of(const Sf *gad, bool first, size_t *bytes) {
  const uint8_t *p = gad->data;
  CHECK(gad->bytes >= 14 && p[0] == 0x70 && p[1] == 0x0C && p[6] == 0x00);
  CHECK(p[7] == (first ? 0x00 : 0x06));
  size_t segl = (size_t)p[8] << 8 | p[9];
  CHECK(segl == gad->bytes - 14);
  *bytes = gad->bytes - 14;
  return p + 14;
}

static void test_goca_object(void) {
  PrDisplayList list;
  PrDisplayList_init(&list);
  PrDisplayList_addPage(&list, 595, 842);
  PrItem *line = PrDisplayList_addItem(&list, PR_ITEM_LINE);
  line->x_pt = 10;
  line->y_pt = 20;
  line->x2_pt = 100.5f;
  line->y2_pt = 20;
  line->size_pt = 0.5f;
  line->color = rgb(1, 0, 0);
  PrItem *rect = PrDisplayList_addItem(&list, PR_ITEM_RECT);
  rect->x_pt = 50;
  rect->y_pt = 60;
  rect->width_pt = 100;
  rect->height_pt = 40;
  rect->has_fill = 1;
  rect->has_stroke = 1;
  rect->fill = gray(0.5f);
  rect->color = cmyk(1, 0, 0, 0.2f);
  rect->size_pt = 2.25f;
  PrItem *outline = PrDisplayList_addItem(&list, PR_ITEM_RECT);
  outline->x_pt = 1;
  outline->y_pt = 2;
  outline->width_pt = 3;
  outline->height_pt = 4;
  outline->has_stroke = 1;
  outline->color = cmyk(1, 0, 0, 0.2f);   /* same colour and width: nothing re-set */
  outline->size_pt = 2.25f;
  PrBar *bars = PrDisplayList_addBars(&list, 3);
  bars[0] = (PrBar){30, 700, 1.5f, 50};
  bars[1] = (PrBar){33, 700, 0.75f, 50};
  bars[2] = (PrBar){2, 3, 1, 1};   /* module units for the second bars item */
  PrItem *code = PrDisplayList_addItem(&list, PR_ITEM_BARS);
  code->first_bar = 0;
  code->bar_count = 2;
  code->color = gray(0);
  PrItem *matrix = PrDisplayList_addItem(&list, PR_ITEM_BARS);
  matrix->first_bar = 2;
  matrix->bar_count = 1;
  matrix->size_pt = 1.5f;
  matrix->x_pt = 400;
  matrix->y_pt = 500;
  matrix->color = gray(0);
  const PrItem *items[5] = {&list.items[0], &list.items[1], &list.items[2], &list.items[3],
                            &list.items[4]};

  PrBuffer out;
  PrBuffer_init(&out);
  PrError error;
  CHECK_OK(PrAfpGoca_write(&out, &list, items, 5, 595, 842, &error), &error);
  Sf sfs[16];
  int n = parse_sfs(out.data, out.size_bytes, sfs, 16);
  CHECK(n == 9);
  if (n != 9) {
    PrBuffer_free(&out);
    PrDisplayList_free(&list);
    return;
  }
  static const uint32_t kIds[9] = {PR_SF_BGR, PR_SF_BOG, PR_SF_OBD, PR_SF_OBP, MGO,
                                   PR_SF_GDD, PR_SF_EOG, PR_SF_GAD, PR_SF_EGR};
  for (int i = 0; i < 9; i++) {
    CHECK(sfs[i].id == kIds[i] && sfs[i].flags == 0);
  }
  CHECK(sfs[0].bytes == 8 && bytes_are(sfs[0].data, kBlank8, 8));
  CHECK(sfs[8].bytes == 8 && bytes_are(sfs[8].data, kBlank8, 8));
  /* Page 595 x 842 pt = 11900 x 16840 L-units = X'2E7C' x X'41C8'. */
  static const uint8_t kObd[20] = {0x03, 0x43, 0x01, 0x08, 0x4B, 0x00, 0x00, 0x38, 0x40, 0x38,
                                   0x40, 0x09, 0x4C, 0x02, 0x00, 0x2E, 0x7C, 0x00, 0x41, 0xC8};
  CHECK(sfs[2].length == 28 && bytes_are(sfs[2].data, kObd, 20));
  /* OBP: OAPosID, a one-byte RGLength of 23 (as afplib's model and FOP). */
  static const uint8_t kObp[24] = {0x01, 0x17, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x2D, 0x00,
                                   0x00, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x2D, 0x00, 0x01};
  CHECK(sfs[3].length == 32 && sfs[3].bytes == 24 && bytes_are(sfs[3].data, kObp, 24));
  static const uint8_t kMgo[5] = {0x00, 0x05, 0x03, 0x04, 0x10};
  CHECK(sfs[4].bytes == 5 && bytes_are(sfs[4].data, kMgo, 5));
  static const uint8_t kGdd[28] = {0xF6, 0x12, 0x40, 0x00, 0x00, 0x00, 0x38, 0x40, 0x38, 0x40,
                                   0x00, 0x00, 0x00, 0x00, 0x2E, 0x7C, 0x00, 0x00, 0x41, 0xC8,
                                   0x21, 0x06, 0x11, 0x80, 0x00, 0x8F, 0x00, 0x14};
  CHECK(sfs[5].bytes == 28 && bytes_are(sfs[5].data, kGdd, 28));

  size_t bytes;
  const uint8_t *p = segment_of(&sfs[7], true, &bytes);
  /* Walk the orders; each must fit exactly. */
  uint8_t codes[64];
  const uint8_t *at[64];
  int count = 0;
  for (size_t i = 0; i < bytes && count < 64; i += order_bytes(p + i)) {
    at[count] = p + i;
    codes[count++] = p[i];
  }
  static const uint8_t kCodes[] = {
      0x28,                          /* setup: solid fill */
      0x11, 0xB2, 0xC1,              /* line: width, colour, line */
      0xB2, 0x68, 0xC0, 0x60,        /* rect fill */
      0x11, 0xB2, 0xC0,              /* rect stroke */
      0xC0,                          /* outline: width and colour already set */
      0xB2, 0x68, 0xC0, 0x60, 0x68, 0xC0, 0x60,   /* two bars */
      0x68, 0xC0, 0x60};             /* one module bar, same colour */
  CHECK(count == (int)sizeof kCodes && memcmp(codes, kCodes, sizeof kCodes) == 0);
  if (count == (int)sizeof kCodes) {
    static const uint8_t kSetup[2] = {0x28, 0x10};
    CHECK(bytes_are(at[0], kSetup, 2));
    static const uint8_t kHalf[4] = {0x11, 0x02, 0x00, 0x80};   /* 0.5 pt exactly */
    CHECK(bytes_are(at[1], kHalf, 4));
    static const uint8_t kRed[15] = {0xB2, 0x0D, 0x00, 0x01, 0, 0, 0, 0, 8, 8, 8, 0,
                                     0xFF, 0x00, 0x00};
    CHECK(bytes_are(at[2], kRed, 15));
    /* Line (10,20) -> (100.5,20): x 200 -> 2010, y 16840 - 400 = 16440. */
    CHECK(at[3][1] == 8 && s16(at[3] + 2) == 200 && s16(at[3] + 4) == 16440 &&
          s16(at[3] + 6) == 2010 && s16(at[3] + 8) == 16440);
    /* Gray 0.5 as K-only CMYK: K = 255 - 128. */
    static const uint8_t kGray[16] = {0xB2, 0x0E, 0x00, 0x04, 0, 0, 0, 0, 8, 8, 8, 8,
                                      0, 0, 0, 127};
    CHECK(bytes_are(at[4], kGray, 16));
    CHECK(at[5][1] == 0x80 && at[7][1] == 0x00);
    /* Box (50,60) 100 x 40: corners (1000, 16840-1200) and (3000, 16840-2000). */
    CHECK(at[6][1] == 10 && at[6][2] == 0x20 && at[6][3] == 0x00 && s16(at[6] + 4) == 1000 &&
          s16(at[6] + 6) == 15640 && s16(at[6] + 8) == 3000 && s16(at[6] + 10) == 14840);
    static const uint8_t kWidth[4] = {0x11, 0x02, 0x02, 0x40};   /* 2.25 pt */
    CHECK(bytes_are(at[8], kWidth, 4));
    static const uint8_t kCyan[16] = {0xB2, 0x0E, 0x00, 0x04, 0, 0, 0, 0, 8, 8, 8, 8,
                                      0xFF, 0, 0, 51};
    CHECK(bytes_are(at[9], kCyan, 16));
    CHECK(memcmp(at[10], at[6], 12) == 0);   /* stroked box: same corners */
    CHECK(s16(at[11] + 4) == 20 && s16(at[11] + 6) == 16800 && s16(at[11] + 8) == 80 &&
          s16(at[11] + 10) == 16720);
    static const uint8_t kBlack[16] = {0xB2, 0x0E, 0x00, 0x04, 0, 0, 0, 0, 8, 8, 8, 8,
                                       0, 0, 0, 255};
    CHECK(bytes_are(at[12], kBlack, 16));
    /* Bar (30,700) 1.5 x 50 and (33,700) 0.75 x 50. */
    CHECK(s16(at[14] + 4) == 600 && s16(at[14] + 6) == 16840 - 14000 &&
          s16(at[14] + 8) == 630 && s16(at[14] + 10) == 16840 - 15000);
    CHECK(s16(at[17] + 4) == 660 && s16(at[17] + 8) == 675);
    /* Module bar (2,3) 1x1 at module 1.5 from (400,500): (403,504.5)-(404.5,506). */
    CHECK(s16(at[20] + 4) == 8060 && s16(at[20] + 6) == 16840 - 10090 &&
          s16(at[20] + 8) == 8090 && s16(at[20] + 10) == 16840 - 10120);
  }
  PrBuffer_free(&out);
  PrDisplayList_free(&list);
}

static void test_goca_segments(void) {
  /* 5000 bars of 16 bytes each: 80 kB of orders over three GADs. */
  PrDisplayList list;
  PrDisplayList_init(&list);
  PrDisplayList_addPage(&list, 595, 842);
  enum { kBars = 5000 };
  PrBar *bars = PrDisplayList_addBars(&list, kBars);
  for (int b = 0; b < kBars; b++) {
    bars[b] = (PrBar){(float)(b % 500), (float)(b / 500) * 10.0f, 0.5f, 5};
  }
  PrItem *item = PrDisplayList_addItem(&list, PR_ITEM_BARS);
  item->bar_count = kBars;
  item->color = rgb(0, 0, 1);
  const PrItem *items[1] = {item};
  PrBuffer out;
  PrBuffer_init(&out);
  PrError error;
  CHECK_OK(PrAfpGoca_write(&out, &list, items, 1, 595, 842, &error), &error);
  Sf sfs[16];
  int n = parse_sfs(out.data, out.size_bytes, sfs, 16);
  CHECK(n == 11);
  int gads = 0, boxes = 0;
  for (int i = 0; i < n; i++) {
    if (sfs[i].id != PR_SF_GAD) {
      continue;
    }
    CHECK(i == 7 + gads && sfs[i].flags == 0 && sfs[i].length <= PR_AFP_SF_MAX_BYTES);
    size_t bytes;
    const uint8_t *p = segment_of(&sfs[i], gads == 0, &bytes);
    int areas = 0, ends = 0, colors = 0;
    bool balanced = true;
    for (size_t k = 0; k < bytes; k += order_bytes(p + k)) {
      areas += p[k] == 0x68;
      ends += p[k] == 0x60;
      colors += p[k] == 0xB2;
      boxes += p[k] == 0xC0;
      balanced = balanced && (areas == ends || areas == ends + 1);
      CHECK(k + order_bytes(p + k) <= bytes);   /* no order crosses a GAD */
    }
    /* Every segment completes its areas and sets its colour again. */
    CHECK(balanced && areas == ends && colors == 1);
    gads++;
  }
  CHECK(gads == 3 && boxes == kBars);
  CHECK(n == 11 && sfs[10].id == PR_SF_EGR);
  PrBuffer_free(&out);
  PrDisplayList_free(&list);
}

static void test_goca_widths(void) {
  PrDisplayList list;
  PrDisplayList_init(&list);
  PrDisplayList_addPage(&list, 100, 100);
  float widths[3] = {0.0f, 0.3f, 1000.0f};
  uint16_t expected[3] = {0x0001, 0x004D, 0xFFFF};   /* thinnest, 77/256 pt, the most */
  for (int i = 0; i < 3; i++) {
    PrItem *line = PrDisplayList_addItem(&list, PR_ITEM_LINE);
    line->x2_pt = 10;
    line->size_pt = widths[i];
  }
  const PrItem *items[3] = {&list.items[0], &list.items[1], &list.items[2]};
  PrBuffer out;
  PrBuffer_init(&out);
  PrError error;
  CHECK_OK(PrAfpGoca_write(&out, &list, items, 3, 100, 100, &error), &error);
  Sf sfs[16];
  int n = parse_sfs(out.data, out.size_bytes, sfs, 16);
  CHECK(n == 9);
  if (n == 9) {
    size_t bytes;
    const uint8_t *p = segment_of(&sfs[7], true, &bytes);
    int found = 0;
    for (size_t k = 0; k < bytes; k += order_bytes(p + k)) {
      if (p[k] == 0x11 && found < 3) {
        CHECK((p[k + 2] << 8 | p[k + 3]) == expected[found]);
        found++;
      }
    }
    CHECK(found == 3);
  }
  PrBuffer_free(&out);
  PrDisplayList_free(&list);
}

static void test_goca_errors(void) {
  PrDisplayList list;
  PrDisplayList_init(&list);
  PrDisplayList_addPage(&list, 595, 842);
  PrItem *glyphs = PrDisplayList_addItem(&list, PR_ITEM_GLYPHS);
  PrItem *bars = PrDisplayList_addItem(&list, PR_ITEM_BARS);
  bars->first_bar = 0;
  bars->bar_count = 4;   /* the list has none */
  PrItem *far = PrDisplayList_addItem(&list, PR_ITEM_LINE);
  far->x2_pt = 2000;     /* 40000 L-units: beyond 16 bits */
  PrBuffer out;
  PrBuffer_init(&out);
  PrBuffer_appendText(&out, "xyz");
  PrError error;
  const PrItem *one[1] = {glyphs};
  CHECK(PrAfpGoca_write(&out, &list, one, 1, 595, 842, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "item 0 has kind 1") != NULL);
  one[0] = bars;
  CHECK(PrAfpGoca_write(&out, &list, one, 1, 595, 842, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "bars 0..4") != NULL);
  one[0] = far;
  CHECK(PrAfpGoca_write(&out, &list, one, 1, 595, 842, &error) == PR_ELIMIT);
  CHECK(strstr(error.message, "16-bit") != NULL);
  CHECK(PrAfpGoca_write(&out, &list, one, 0, 2000, 842, &error) == PR_ELIMIT);
  CHECK(strstr(error.message, "2000") != NULL);
  CHECK(PrAfpGoca_write(&out, &list, NULL, 1, 595, 842, &error) == PR_EINVAL);
  /* Nothing was written by the failed calls. */
  CHECK(out.size_bytes == 3);
  /* No items: a valid, empty graphics object (no GAD). */
  CHECK_OK(PrAfpGoca_write(&out, &list, NULL, 0, 595, 842, &error), &error);
  Sf sfs[16];
  CHECK(parse_sfs(out.data + 3, out.size_bytes - 3, sfs, 16) == 8 && sfs[7].id == PR_SF_EGR);
  PrBuffer_free(&out);
  PrDisplayList_free(&list);
}

/* ---- IOCA ---------------------------------------------------------------- */

static PrImageSpec image_of(uint8_t space, uint32_t w, uint32_t h, const uint8_t *pixels) {
  static const size_t kComponents[3] = {1, 3, 4};
  PrImageSpec spec;
  memset(&spec, 0, sizeof spec);
  spec.width_px = w;
  spec.height_px = h;
  spec.color_space = space;
  spec.bits_per_component = 8;
  spec.pixels = pixels;
  spec.pixels_bytes = (size_t)w * h * kComponents[space];
  return spec;
}

/* The image segment: the IPDs' data joined; checks the SFs around them. */
static uint8_t *image_segment(const PrBuffer *out, uint8_t function_set, int *ipds,
                              size_t *bytes) {
  enum { kMax = 4096 };
  Sf *sfs = malloc(sizeof(Sf) * kMax);
  int n = parse_sfs(out->data, out->size_bytes, sfs, kMax);
  *ipds = 0;
  *bytes = 0;
  uint8_t *segment = NULL;
  CHECK(n >= 9);
  if (n >= 9) {
    static const uint32_t kIds[7] = {PR_SF_BIM, PR_SF_BOG, PR_SF_OBD, PR_SF_OBP,
                                     MIO, PR_SF_IDD, PR_SF_EOG};
    for (int i = 0; i < 7; i++) {
      CHECK(sfs[i].id == kIds[i] && sfs[i].flags == 0);
    }
    CHECK(sfs[n - 1].id == PR_SF_EIM && sfs[n - 1].bytes == 8 &&
          bytes_are(sfs[n - 1].data, sfs[0].data, 8));
    CHECK(sfs[5].bytes == 13 && sfs[5].data[9] == 0xF7 && sfs[5].data[10] == 0x02 &&
          sfs[5].data[11] == 0x01 && sfs[5].data[12] == function_set);
    static const uint8_t kMio[5] = {0x00, 0x05, 0x03, 0x04, 0x60};
    CHECK(sfs[4].bytes == 5 && bytes_are(sfs[4].data, kMio, 5));
    size_t total = 0;
    for (int i = 7; i < n - 1; i++) {
      CHECK(sfs[i].id == PR_SF_IPD && sfs[i].flags == 0);
      /* Every IPD but the last is full. */
      CHECK(i == n - 2 || sfs[i].bytes == PR_AFP_SF_MAX_DATA_BYTES);
      total += sfs[i].bytes;
    }
    segment = malloc(total);
    for (int i = 7; i < n - 1; i++) {
      memcpy(segment + *bytes, sfs[i].data, sfs[i].bytes);
      *bytes += sfs[i].bytes;
    }
    *ipds = n - 8;
  }
  free(sfs);
  return segment;
}

/* Joins the data of FE92 (or FE9C of `band`) fields found from `at`; returns
 * where the run of them ends. */
static size_t join_data(const uint8_t *segment, size_t bytes, size_t at, int band, uint8_t *dst,
                        size_t *dst_bytes, int *fields) {
  *dst_bytes = 0;
  *fields = 0;
  while (at + 4 <= bytes && segment[at] == 0xFE &&
         segment[at + 1] == (band < 0 ? 0x92 : 0x9C)) {
    size_t length = (size_t)segment[at + 2] << 8 | segment[at + 3];
    size_t skip = band < 0 ? 0 : 3;
    if (band >= 0 && (segment[at + 4] != band + 1 || segment[at + 5] || segment[at + 6])) {
      break;
    }
    memcpy(dst + *dst_bytes, segment + at + 4 + skip, length - skip);
    *dst_bytes += length - skip;
    (*fields)++;
    at += 4 + length;
  }
  return at;
}

static void test_ioca_gray(void) {
  static const uint8_t kPixels[6] = {0, 64, 128, 192, 255, 7};
  PrImageSpec spec = image_of(PR_COLOR_GRAY, 3, 2, kPixels);
  PrBuffer out;
  PrBuffer_init(&out);
  PrError error;
  CHECK_OK(PrAfpIoca_writeImage(&out, &spec, "LOGO1", &error), &error);
  Sf sfs[16];
  int n = parse_sfs(out.data, out.size_bytes, sfs, 16);
  CHECK(n == 9);
  static const uint8_t kName[8] = {0xD3, 0xD6, 0xC7, 0xD6, 0xF1, 0x40, 0x40, 0x40};
  CHECK(sfs[0].bytes == 8 && bytes_are(sfs[0].data, kName, 8));
  static const uint8_t kObd[20] = {0x03, 0x43, 0x01, 0x08, 0x4B, 0x00, 0x00, 0x38, 0x40, 0x38,
                                   0x40, 0x09, 0x4C, 0x02, 0x00, 0x00, 0x03, 0x00, 0x00, 0x02};
  CHECK(sfs[2].bytes == 20 && bytes_are(sfs[2].data, kObd, 20));
  CHECK(sfs[3].bytes == 24 && sfs[3].data[0] == 0x01 && sfs[3].data[1] == 0x17 &&
        sfs[3].data[23] == 0x01);
  static const uint8_t kIdd[13] = {0x00, 0x38, 0x40, 0x38, 0x40, 0x00, 0x03, 0x00, 0x02,
                                   0xF7, 0x02, 0x01, 0x0B};
  CHECK(sfs[5].bytes == 13 && bytes_are(sfs[5].data, kIdd, 13));
  int ipds;
  size_t bytes;
  uint8_t *segment = image_segment(&out, 0x0B, &ipds, &bytes);
  static const uint8_t kSegment[] = {
      0x70, 0x00, 0x91, 0x01, 0xFF,
      0x94, 0x09, 0x00, 0x38, 0x40, 0x38, 0x40, 0x00, 0x03, 0x00, 0x02,
      0x95, 0x02, 0x03, 0x01,
      0x96, 0x01, 0x08,
      0x9B, 0x06, 0x00, 0x12, 0x00, 0x00, 0x00, 0x08,
      0xFE, 0x92, 0x00, 0x06, 0, 64, 128, 192, 255, 7,
      0x93, 0x00, 0x71, 0x00};
  CHECK(ipds == 1 && bytes == sizeof kSegment && segment != NULL &&
        bytes_are(segment, kSegment, sizeof kSegment));
  free(segment);
  PrBuffer_free(&out);
}

static void test_ioca_rgb_alpha(void) {
  static const uint8_t kPixels[12] = {255, 0, 0, 255, 0, 0, 255, 0, 0, 10, 20, 30};
  static const uint8_t kAlpha[4] = {0, 255, 128, 200};
  PrImageSpec spec = image_of(PR_COLOR_RGB, 2, 2, kPixels);
  spec.alpha = kAlpha;
  spec.alpha_bytes = 4;
  PrBuffer out;
  PrBuffer_init(&out);
  PrError error;
  CHECK_OK(PrAfpIoca_writeImage(&out, &spec, "IMG", &error), &error);
  int ipds;
  size_t bytes;
  uint8_t *segment = image_segment(&out, 0x0B, &ipds, &bytes);
  CHECK(ipds == 1 && bytes == 16 + 4 + 3 + 10 + 4 + 12 + 4);
  if (segment != NULL && bytes == 53) {
    CHECK(segment[20] == 0x96 && segment[22] == 0x18);
    static const uint8_t kStructure[10] = {0x9B, 0x08, 0x00, 0x01, 0, 0, 0, 8, 8, 8};
    CHECK(bytes_are(segment + 23, kStructure, 10));
    uint8_t expected[12];
    for (int i = 0; i < 12; i++) {
      unsigned a = kAlpha[i / 3];
      expected[i] = (uint8_t)((kPixels[i] * a + 255u * (255u - a) + 127u) / 255u);
    }
    /* Transparent red is white paper, opaque red stays, half red is pink. */
    CHECK(expected[0] == 255 && expected[1] == 255 && expected[3] == 255 && expected[4] == 0);
    CHECK(expected[7] == 127);
    CHECK(segment[33] == 0xFE && segment[34] == 0x92 && segment[36] == 12 &&
          bytes_are(segment + 37, expected, 12));
  }
  free(segment);
  PrBuffer_free(&out);
}

static void test_ioca_cmyk(void) {
  static const uint8_t kPixels[8] = {1, 2, 3, 4, 11, 12, 13, 14};
  PrImageSpec spec = image_of(PR_COLOR_CMYK, 2, 1, kPixels);
  PrBuffer out;
  PrBuffer_init(&out);
  PrError error;
  CHECK_OK(PrAfpIoca_writeImage(&out, &spec, "C1", &error), &error);
  int ipds;
  size_t bytes;
  uint8_t *segment = image_segment(&out, 0x2D, &ipds, &bytes);
  static const uint8_t kSegment[] = {
      0x70, 0x00, 0x91, 0x01, 0xFF,
      0xFE, 0xBB, 0x00, 0x02, 0x00, 0x00,
      0x8C, 0x00,
      0xB5, 0x08, 0, 0, 0, 0, 0, 0, 0, 0,
      0xB6, 0x09, 0, 0, 0, 2, 0, 0, 0, 1, 0x01,
      0x95, 0x02, 0x03, 0x01,
      0x96, 0x01, 0x20,
      0x98, 0x05, 0x04, 0x08, 0x08, 0x08, 0x08,
      0x9B, 0x09, 0x00, 0x04, 0, 0, 0, 0x08, 0x08, 0x08, 0x08,
      0xFE, 0x9C, 0x00, 0x05, 0x01, 0x00, 0x00, 1, 11,
      0xFE, 0x9C, 0x00, 0x05, 0x02, 0x00, 0x00, 2, 12,
      0xFE, 0x9C, 0x00, 0x05, 0x03, 0x00, 0x00, 3, 13,
      0xFE, 0x9C, 0x00, 0x05, 0x04, 0x00, 0x00, 4, 14,
      0x8D, 0x00, 0x93, 0x00, 0x71, 0x00};
  CHECK(ipds == 1 && bytes == sizeof kSegment && segment != NULL &&
        bytes_are(segment, kSegment, sizeof kSegment));
  free(segment);
  PrBuffer_free(&out);
}

static void test_ioca_segmentation(void) {
  /* 300 x 400 gray: 120000 bytes, two FE92 fields (65535 + 54465), four IPDs. */
  enum { kW = 300, kH = 400 };
  uint8_t *pixels = malloc(kW * kH);
  for (int i = 0; i < kW * kH; i++) {
    pixels[i] = (uint8_t)(i * 7 + i / 300);
  }
  PrImageSpec spec = image_of(PR_COLOR_GRAY, kW, kH, pixels);
  PrBuffer out;
  PrBuffer_init(&out);
  PrError error;
  CHECK_OK(PrAfpIoca_writeImage(&out, &spec, "BIG", &error), &error);
  int ipds;
  size_t bytes;
  uint8_t *segment = image_segment(&out, 0x0B, &ipds, &bytes);
  CHECK(ipds == 4 && bytes == 31 + 4 + 65535 + 4 + 54465 + 4);
  uint8_t *joined = malloc(kW * kH);
  size_t joined_bytes = 0;
  int fields = 0;
  if (segment != NULL && bytes > 31) {
    CHECK(s16(segment + 12) == kW && s16(segment + 14) == kH);
    size_t end = join_data(segment, bytes, 31, -1, joined, &joined_bytes, &fields);
    CHECK(fields == 2 && joined_bytes == kW * kH && memcmp(joined, pixels, kW * kH) == 0);
    CHECK(end + 4 == bytes && segment[end] == 0x93 && segment[end + 2] == 0x71);
  }
  free(segment);

  /* 200 x 200 CMYK with alpha: four bands of 40000 composited bytes. */
  enum { kSide = 200, kPx = kSide * kSide };
  uint8_t *cmyk_pixels = malloc(kPx * 4);
  uint8_t *alpha = malloc(kPx);
  for (int i = 0; i < kPx * 4; i++) {
    cmyk_pixels[i] = (uint8_t)(i % 4 * 60 + i / 4 % 3);
  }
  for (int i = 0; i < kPx; i++) {
    alpha[i] = (uint8_t)(i % 256);
  }
  spec = image_of(PR_COLOR_CMYK, kSide, kSide, cmyk_pixels);
  spec.alpha = alpha;
  spec.alpha_bytes = kPx;
  PrBuffer_clear(&out);
  CHECK_OK(PrAfpIoca_writeImage(&out, &spec, "BIGC", &error), &error);
  segment = image_segment(&out, 0x2D, &ipds, &bytes);
  CHECK(ipds == 5);
  uint8_t *band = malloc(kPx);
  size_t at = 59;   /* after the tile's parameters */
  for (int b = 0; b < 4 && segment != NULL; b++) {
    size_t band_bytes;
    at = join_data(segment, bytes, at, b, band, &band_bytes, &fields);
    CHECK(fields == 1 && band_bytes == kPx);
    bool same = true;
    for (int i = 0; i < kPx && band_bytes == kPx; i++) {
      unsigned v = cmyk_pixels[i * 4 + b];
      same = same && band[i] == (uint8_t)((v * alpha[i] + 127u) / 255u);
    }
    CHECK(same);
  }
  CHECK(segment != NULL && at + 6 == bytes);
  free(band);
  free(segment);
  free(alpha);
  free(cmyk_pixels);
  free(joined);
  free(pixels);
  PrBuffer_free(&out);
}

/* A JPEG's headers (no real scan data: the writer passes bytes through). */
static size_t fake_jpeg(uint8_t *p, uint8_t sof, uint16_t w, uint16_t h, uint8_t components,
                        int adobe_transform) {
  size_t n = 0;
  p[n++] = 0xFF;
  p[n++] = 0xD8;
  static const uint8_t kJfif[18] = {0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0,
                                    1, 1, 0, 0, 1, 0, 1, 0, 0};
  memcpy(p + n, kJfif, sizeof kJfif);
  n += sizeof kJfif;
  if (adobe_transform >= 0) {
    static const uint8_t kAdobe[16] = {0xFF, 0xEE, 0x00, 0x0E, 'A', 'd', 'o', 'b',
                                       'e', 0, 100, 0, 0, 0, 0, 0};
    memcpy(p + n, kAdobe, sizeof kAdobe);
    p[n + 15] = (uint8_t)adobe_transform;
    n += sizeof kAdobe;
  }
  p[n++] = 0xFF;
  p[n++] = sof;
  size_t length = 8 + 3u * components;
  p[n++] = 0;
  p[n++] = (uint8_t)length;
  p[n++] = 8;
  p[n++] = (uint8_t)(h >> 8);
  p[n++] = (uint8_t)h;
  p[n++] = (uint8_t)(w >> 8);
  p[n++] = (uint8_t)w;
  p[n++] = components;
  for (int c = 0; c < components; c++) {
    p[n++] = (uint8_t)(c + 1);
    p[n++] = 0x11;
    p[n++] = 0;
  }
  static const uint8_t kScan[12] = {0xFF, 0xDA, 0x00, 0x08, 1, 1, 0, 0, 0x3F, 0, 0x12, 0x34};
  memcpy(p + n, kScan, sizeof kScan);
  n += sizeof kScan;
  p[n++] = 0xFF;
  p[n++] = 0xD9;
  return n;
}

static void test_ioca_jpeg(void) {
  uint8_t jpeg[128];
  size_t jpeg_bytes = fake_jpeg(jpeg, 0xC2, 640, 480, 3, -1);
  PrImageSpec spec = image_of(PR_COLOR_RGB, 640, 480, NULL);
  spec.pixels_bytes = 0;
  spec.jpeg = jpeg;
  spec.jpeg_bytes = jpeg_bytes;
  PrBuffer out;
  PrBuffer_init(&out);
  PrError error;
  CHECK_OK(PrAfpIoca_writeImage(&out, &spec, "PHOTO", &error), &error);
  int ipds;
  size_t bytes;
  uint8_t *segment = image_segment(&out, 0x0B, &ipds, &bytes);
  CHECK(ipds == 1 && bytes == 16 + 4 + 3 + 10 + 12 + 4 + jpeg_bytes + 4);
  if (segment != NULL && bytes == 53 + jpeg_bytes) {
    static const uint8_t kEncoding[4] = {0x95, 0x02, 0x83, 0x01};
    CHECK(bytes_are(segment + 16, kEncoding, 4));
    CHECK(segment[22] == 0x18 && segment[26] == 0x12);   /* 24 bits, YCbCr */
    static const uint8_t kAlgorithm[12] = {0x9F, 0x0A, 0x10, 0x00, 0x83, 0, 0, 0, 0xC2, 0, 0, 0};
    CHECK(bytes_are(segment + 33, kAlgorithm, 12));
    CHECK(segment[45] == 0xFE && segment[46] == 0x92 &&
          (size_t)(segment[47] << 8 | segment[48]) == jpeg_bytes &&
          bytes_are(segment + 49, jpeg, jpeg_bytes));
  }
  free(segment);

  /* An Adobe JPEG storing RGB (transform 0) is described as RGB. */
  jpeg_bytes = fake_jpeg(jpeg, 0xC0, 640, 480, 3, 0);
  spec.jpeg_bytes = jpeg_bytes;
  PrBuffer_clear(&out);
  CHECK_OK(PrAfpIoca_writeImage(&out, &spec, "PHOTO", &error), &error);
  segment = image_segment(&out, 0x0B, &ipds, &bytes);
  CHECK(segment != NULL && bytes > 45 && segment[26] == 0x01 && segment[41] == 0xC0);
  free(segment);

  /* Gray JPEG: 8 bits, Y of YCbCr. */
  jpeg_bytes = fake_jpeg(jpeg, 0xC0, 16, 8, 1, -1);
  spec = image_of(PR_COLOR_GRAY, 16, 8, NULL);
  spec.jpeg = jpeg;
  spec.jpeg_bytes = jpeg_bytes;
  PrBuffer_clear(&out);
  CHECK_OK(PrAfpIoca_writeImage(&out, &spec, "G", &error), &error);
  segment = image_segment(&out, 0x0B, &ipds, &bytes);
  CHECK(segment != NULL && bytes > 31 && segment[22] == 0x08 && segment[23] == 0x9B &&
        segment[24] == 0x06 && segment[26] == 0x12);
  free(segment);
  PrBuffer_free(&out);
}

static void test_ioca_errors(void) {
  PrBuffer out;
  PrBuffer_init(&out);
  PrError error;
  static const uint8_t kPixels[16] = {0};
  PrImageSpec spec = image_of(PR_COLOR_GRAY, 4, 4, kPixels);
  CHECK(PrAfpIoca_writeImage(&out, NULL, "A", &error) == PR_EINVAL);
  CHECK(PrAfpIoca_writeImage(&out, &spec, "bad-name", &error) == PR_EINVAL);
  CHECK(strstr(error.message, "bad-name") != NULL);
  CHECK(PrAfpIoca_writeImage(&out, &spec, "TOOLONGNAME", &error) == PR_EINVAL);
  CHECK(PrAfpIoca_writeImage(&out, &spec, NULL, &error) == PR_EINVAL);
  spec.pixels_bytes = 15;
  CHECK(PrAfpIoca_writeImage(&out, &spec, "A", &error) == PR_EIMAGE);
  CHECK(strstr(error.message, "15 bytes of pixels, needs 16") != NULL);
  spec.pixels_bytes = 16;
  spec.bits_per_component = 16;
  CHECK(PrAfpIoca_writeImage(&out, &spec, "A", &error) == PR_EIMAGE);
  spec.bits_per_component = 8;
  spec.color_space = 7;
  CHECK(PrAfpIoca_writeImage(&out, &spec, "A", &error) == PR_EIMAGE);
  spec.color_space = PR_COLOR_GRAY;
  spec.width_px = 0;
  CHECK(PrAfpIoca_writeImage(&out, &spec, "A", &error) == PR_EIMAGE);
  spec.width_px = 40000;
  CHECK(PrAfpIoca_writeImage(&out, &spec, "A", &error) == PR_EIMAGE);
  CHECK(strstr(error.message, "40000x4") != NULL);
  spec.width_px = 4;
  spec.alpha = kPixels;
  spec.alpha_bytes = 3;
  CHECK(PrAfpIoca_writeImage(&out, &spec, "A", &error) == PR_EIMAGE);
  CHECK(strstr(error.message, "alpha") != NULL);

  uint8_t jpeg[128];
  size_t jpeg_bytes = fake_jpeg(jpeg, 0xC0, 4, 4, 1, -1);
  spec = image_of(PR_COLOR_GRAY, 4, 4, NULL);
  spec.jpeg = jpeg;
  spec.jpeg_bytes = jpeg_bytes;
  spec.alpha = kPixels;
  spec.alpha_bytes = 16;
  CHECK(PrAfpIoca_writeImage(&out, &spec, "A", &error) == PR_EIMAGE);
  CHECK(strstr(error.message, "has alpha") != NULL);
  spec.alpha = NULL;
  spec.alpha_bytes = 0;
  spec.width_px = 5;   /* the JPEG says 4 */
  CHECK(PrAfpIoca_writeImage(&out, &spec, "A", &error) == PR_EIMAGE);
  CHECK(strstr(error.message, "4x4 px") != NULL);
  spec.width_px = 4;
  spec.color_space = PR_COLOR_RGB;   /* the JPEG has one component */
  CHECK(PrAfpIoca_writeImage(&out, &spec, "A", &error) == PR_EIMAGE);
  spec.color_space = PR_COLOR_CMYK;
  CHECK(PrAfpIoca_writeImage(&out, &spec, "A", &error) == PR_EIMAGE);
  CHECK(strstr(error.message, "CMYK JPEG") != NULL);
  spec.color_space = PR_COLOR_GRAY;
  jpeg_bytes = fake_jpeg(jpeg, 0xC3, 4, 4, 1, -1);   /* lossless */
  CHECK(PrAfpIoca_writeImage(&out, &spec, "A", &error) == PR_EIMAGE);
  CHECK(strstr(error.message, "X'C3'") != NULL);
  jpeg[0] = 0x89;
  CHECK(PrAfpIoca_writeImage(&out, &spec, "A", &error) == PR_EIMAGE);
  CHECK(strstr(error.message, "not a JPEG") != NULL);
  spec.jpeg_bytes = 12;   /* cut inside its first segment */
  jpeg[0] = 0xFF;
  CHECK(PrAfpIoca_writeImage(&out, &spec, "A", &error) == PR_EIMAGE);
  CHECK(strstr(error.message, "truncated") != NULL);
  CHECK(out.size_bytes == 0);
  PrBuffer_free(&out);
}

static void test_ioca_map_include(void) {
  PrBuffer out;
  PrBuffer_init(&out);
  PrAfpIoca_putMapGroup(&out, "LOGO1");
  static const uint8_t kMdr[14] = {0x00, 0x0E, 0x0C, 0x02, 0x84, 0x00,
                                   0xD3, 0xD6, 0xC7, 0xD6, 0xF1, 0x40, 0x40, 0x40};
  CHECK(out.size_bytes == sizeof kMdr && bytes_are(out.data, kMdr, sizeof kMdr));

  PrBuffer_clear(&out);
  PrAfpIoca_writeInclude(&out, "LOGO1", 72.0f, 36.5f, 144.0f, 0.0f);
  static const uint8_t kIob[] = {
      0x5A, 0x00, 0x37, 0xD3, 0xAF, 0xC3, 0x00, 0x00, 0x00,
      0xD3, 0xD6, 0xC7, 0xD6, 0xF1, 0x40, 0x40, 0x40, 0x00, 0xFB,
      0x00, 0x05, 0xA0, 0x00, 0x02, 0xDA,   /* x 1440, y 730 */
      0x00, 0x00, 0x2D, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
      0x03, 0x04, 0x60,
      0x08, 0x4B, 0x00, 0x00, 0x38, 0x40, 0x38, 0x40,
      0x09, 0x4C, 0x02, 0x00, 0x0B, 0x40, 0x00, 0x00, 0x01};   /* 2880 x 1 (clamped) */
  CHECK(out.size_bytes == sizeof kIob && bytes_are(out.data, kIob, sizeof kIob));

  /* Left of the page: two's complement; -1 unit would mean "the object's own". */
  PrBuffer_clear(&out);
  PrAfpIoca_writeInclude(&out, "A", -10.0f, -0.05f, 1, 1);
  CHECK(out.size_bytes == sizeof kIob && out.data[19] == 0xFF && out.data[20] == 0xFF &&
        out.data[21] == 0x38 && out.data[22] == 0 && out.data[23] == 0 && out.data[24] == 0);
  PrBuffer_free(&out);
}

int main(void) {
  test_goca_object();
  test_goca_segments();
  test_goca_widths();
  test_goca_errors();
  test_ioca_gray();
  test_ioca_rgb_alpha();
  test_ioca_cmyk();
  test_ioca_segmentation();
  test_ioca_jpeg();
  test_ioca_errors();
  test_ioca_map_include();
  return check_summary("afp_goca_ioca");
}
