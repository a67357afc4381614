/* test_afp_bcoca.c: BCOCA bar code objects for the display list's symbols. */
#include <stdlib.h>
#include <string.h>

#include "../afp_objects.h"
#include "../error.h"
#include "../marks.h"
#include "check.h"

static uint8_t scratch[PR_MARK_SCRATCH_BYTES];

/* One structured field of a written object. */
typedef struct Field {
  uint32_t id;
  uint8_t flags;
  const uint8_t *data;
  size_t bytes;
} Field;

/* Splits buffer bytes into structured fields; -1 if the framing is broken. */
static int parse(const PrBuffer *out, Field *fields, int capacity) {
  size_t at = 0;
  int count = 0;
  while (at < out->size_bytes) {
    const uint8_t *p = out->data + at;
    if (out->size_bytes - at < 9 || p[0] != 0x5A || count == capacity) {
      return -1;
    }
    size_t length = (size_t)p[1] << 8 | p[2];
    if (length < 8 || at + 1 + length > out->size_bytes || p[7] != 0 || p[8] != 0) {
      return -1;
    }
    fields[count].id = (uint32_t)p[3] << 16 | (uint32_t)p[4] << 8 | p[5];
    fields[count].flags = p[6];
    fields[count].data = p + 9;
    fields[count].bytes = length - 8;
    count++;
    at += 1 + length;
  }
  return count;
}

static uint32_t be16(const uint8_t *p) { return (uint32_t)p[0] << 8 | p[1]; }
static int32_t be24s(const uint8_t *p) {
  uint32_t v = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
  return v & 0x800000u ? (int32_t)v - 0x1000000 : (int32_t)v;
}

/* A written object: its eight fields, in order, checked; the interesting ones. */
typedef struct Object {
  Field fields[16];
  int count;
  const Field *obd, *obp, *bdd, *bda;
} Object;

static bool read_object(const PrBuffer *out, Object *object) {
  static const uint32_t order[8] = {PR_SF_BBC, PR_SF_BOG, PR_SF_OBD, PR_SF_OBP,
                                    PR_SF_BDD, PR_SF_EOG, PR_SF_BDA, PR_SF_EBC};
  object->count = parse(out, object->fields, 16);
  if (object->count != 8) {
    return false;
  }
  for (int i = 0; i < 8; i++) {
    if (object->fields[i].id != order[i] || object->fields[i].flags != 0) {
      return false;
    }
  }
  object->obd = &object->fields[2];
  object->obp = &object->fields[3];
  object->bdd = &object->fields[4];
  object->bda = &object->fields[6];
  return object->fields[0].bytes == 0 && object->fields[1].bytes == 0 &&
         object->fields[5].bytes == 0 && object->fields[7].bytes == 0;
}

static PrMarkSpec spec_of(uint8_t kind, float module, float width, float height) {
  PrMarkSpec spec;
  memset(&spec, 0, sizeof spec);
  spec.kind = kind;
  spec.x_pt = 10.0f;
  spec.y_pt = 20.0f;
  spec.module_pt = module;
  spec.width_pt = width;
  spec.height_pt = height;
  return spec;
}

/* Draws the mark like a page would and writes its symbol; out holds the object. */
static PrStatus draw_and_write(const PrMarkSpec *spec, const char *text, size_t text_bytes,
                               PrBuffer *out, PrSymbol *symbol_out, PrError *error) {
  PrDisplayList list;
  PrDisplayList_init(&list);
  PrDisplayList_addPage(&list, 595, 842);
  PrStatus status = PrMark_draw(&list, spec, (const uint8_t *)text, text_bytes, scratch,
                                sizeof scratch, error);
  if (status == PR_OK) {
    const PrItem *item = &list.items[list.item_count - 1];
    const PrSymbol *symbol = PrDisplayList_symbol(&list, item);
    if (symbol == NULL || !PrAfpBcoca_supports(symbol)) {
      status = PrError_set(error, PR_EINTERNAL, "no BCOCA symbol recorded");
    } else {
      if (symbol_out != NULL) {
        *symbol_out = *symbol;
      }
      status = PrAfpBcoca_write(out, symbol, list.symbol_text + symbol->first_text_byte,
                                symbol->text_bytes, error);
    }
  }
  PrDisplayList_free(&list);
  return status;
}

/* OBD: descriptor position 1, 1,440/inch, then the area size. */
static bool check_obd(const Field *obd, uint32_t *width, uint32_t *height) {
  static const uint8_t head[11] = {0x03, 0x43, 0x01, 0x08, 0x4B, 0x00,
                                   0x00, 0x38, 0x40, 0x38, 0x40};
  if (obd->bytes != 20 || memcmp(obd->data, head, sizeof head) != 0 || obd->data[11] != 0x09 ||
      obd->data[12] != 0x4C || obd->data[13] != 0x02) {
    return false;
  }
  *width = (uint32_t)be24s(obd->data + 14);
  *height = (uint32_t)be24s(obd->data + 17);
  return true;
}

/* OBP: position id 1, group 23, 0/90 degrees both, no content offset, page coordinates. */
static bool check_obp(const Field *obp, int32_t *x, int32_t *y) {
  const uint8_t *d = obp->data;
  if (obp->bytes != 24 || d[0] != 0x01 || d[1] != 23 || be16(d + 8) != 0 ||
      be16(d + 10) != 0x2D00 || d[12] != 0 || be24s(d + 13) != 0 || be24s(d + 16) != 0 ||
      be16(d + 19) != 0 || be16(d + 21) != 0x2D00 || d[23] != 0x01) {
    return false;
  }
  *x = be24s(d + 2);
  *y = be24s(d + 5);
  return true;
}

/* BDD bytes common to all: unit base, units, extents = area, symbol width 0, font,
 * multiplier, WE:NE. */
static bool check_bdd_common(const Field *bdd, uint32_t width, uint32_t height) {
  const uint8_t *d = bdd->data;
  return bdd->bytes >= 23 && d[0] == 0 && d[1] == 0 && be16(d + 2) == 14400 &&
         be16(d + 4) == 14400 && be16(d + 6) == width && be16(d + 8) == height &&
         be16(d + 10) == 0 && d[14] == 0xFF && d[20] == 1 && be16(d + 21) == 0;
}

/* The symbol origin on the page: the area position plus the BSA offsets. */
static void origin(const Object *object, int32_t *x, int32_t *y) {
  int32_t ax = 0, ay = 0;
  check_obp(object->obp, &ax, &ay);
  *x = ax + (int32_t)be16(object->bda->data + 1);
  *y = ay + (int32_t)be16(object->bda->data + 3);
}

static void test_code128(void) {
  PrBuffer out;
  PrBuffer_init(&out);
  PrError error;
  PrMarkSpec spec = spec_of(PR_MARK_CODE128, 0.8f, 0, 30.0f);
  PrSymbol symbol;
  CHECK_OK(draw_and_write(&spec, "ACME12345", 9, &out, &symbol, &error), &error);
  Object object;
  CHECK(read_object(&out, &object));
  uint32_t width = 0, height = 0;
  int32_t x = 0, y = 0;
  CHECK(check_obd(object.obd, &width, &height));
  CHECK(check_obp(object.obp, &x, &y));
  CHECK(check_bdd_common(object.bdd, width, height));
  const uint8_t *d = object.bdd->data;
  CHECK(object.bdd->bytes == 23);              /* black: no colour triplet */
  CHECK(d[12] == 0x11 && d[13] == 0x02);       /* Code 128, AIM USS-128 */
  CHECK(be16(d + 15) == 0x0008);               /* OCA black */
  CHECK(d[17] == 11);                          /* 0.8 pt = 11.1 mils */
  CHECK(be16(d + 18) == 600);                  /* 30 pt in L-units */
  /* Quiet zone (10 modules = 160 L-units) left and above, the symbol at 200, 400. */
  CHECK(x == 40 && y == 240);
  const uint8_t *a = object.bda->data;
  CHECK(a[0] == 0x80 && be16(a + 1) == 160 && be16(a + 3) == 160);
  int32_t ox = 0, oy = 0;
  origin(&object, &ox, &oy);
  CHECK(ox == 200 && oy == 400);
  /* The area holds the symbol (modules at 11 mils or the drawn 0.8 pt) and its quiet zone. */
  uint32_t drawn = (uint32_t)(symbol.columns * 16);   /* 0.8 pt = 16 L-units */
  CHECK(width >= 160 + drawn + 160 && width >= 160 + symbol.columns * 11 * 144 / 100 + 160);
  CHECK(height >= 160 + 600 + 160);
  static const uint8_t data[9] = {0xC1, 0xC3, 0xD4, 0xC5, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5};
  CHECK(object.bda->bytes == 5 + sizeof data && memcmp(a + 5, data, sizeof data) == 0);

  /* Code page 1303 for punctuation and controls: ! [ ] ^ | ~ DEL, TAB. */
  PrBuffer_clear(&out);
  CHECK_OK(draw_and_write(&spec, "a!|[]^~\t\x7F", 9, &out, NULL, &error), &error);
  CHECK(read_object(&out, &object));
  static const uint8_t punct[9] = {0x81, 0x5A, 0x4F, 0xBA, 0xBB, 0xB0, 0xA1, 0x05, 0xFF};
  CHECK(object.bda->bytes == 5 + sizeof punct &&
        memcmp(object.bda->data + 5, punct, sizeof punct) == 0);
  PrBuffer_free(&out);
}

static void test_gs1_128(void) {
  PrBuffer out;
  PrBuffer_init(&out);
  PrError error;
  PrMarkSpec spec = spec_of(PR_MARK_GS1_128, 1.0f, 0, 36.0f);
  const char text[] = "0109501101530003\x1D" "10AB1";
  CHECK_OK(draw_and_write(&spec, text, sizeof text - 1, &out, NULL, &error), &error);
  Object object;
  CHECK(read_object(&out, &object));
  const uint8_t *d = object.bdd->data;
  CHECK(d[12] == 0x11 && d[13] == 0x03);       /* UCC/EAN 128 */
  CHECK(d[17] == 14 && be16(d + 18) == 720);   /* 1 pt = 13.9 mils; 36 pt */
  /* FNC1 first, then the data, GS as FNC1. */
  static const uint8_t data[] = {0x8F, 0xF0, 0xF1, 0xF0, 0xF9, 0xF5, 0xF0, 0xF1, 0xF1, 0xF0,
                                 0xF1, 0xF5, 0xF3, 0xF0, 0xF0, 0xF0, 0xF3, 0x8F, 0xF1, 0xF0,
                                 0xC1, 0xC2, 0xF1};
  CHECK(object.bda->bytes == 5 + sizeof data &&
        memcmp(object.bda->data + 5, data, sizeof data) == 0);
  PrBuffer_free(&out);
}

static void test_datamatrix(void) {
  PrBuffer out;
  PrBuffer_init(&out);
  PrError error;
  PrMarkSpec spec = spec_of(PR_MARK_DATAMATRIX, 1.5f, 0, 0);
  spec.option = PR_DATAMATRIX_RECTANGLE;
  const char text[] = "A\\1\xE9";        /* a backslash and a Latin-1 byte, as they are */
  PrSymbol symbol;
  CHECK_OK(draw_and_write(&spec, text, sizeof text - 1, &out, &symbol, &error), &error);
  CHECK(symbol.rows == 8 && symbol.columns == 18);
  Object object;
  CHECK(read_object(&out, &object));
  uint32_t width = 0, height = 0;
  CHECK(check_obd(object.obd, &width, &height));
  CHECK(check_bdd_common(object.bdd, width, height));
  const uint8_t *d = object.bdd->data;
  CHECK(d[12] == 0x1C && d[13] == 0x00);       /* Data Matrix ECC 200 */
  CHECK(d[17] == 21);                          /* 1.5 pt = 20.8 mils */
  CHECK(be16(d + 18) == 0xFFFF);               /* element height not used */
  const uint8_t *a = object.bda->data;
  CHECK(a[0] == 0x80 && be16(a + 1) == 30 && be16(a + 3) == 30);   /* 1 module */
  int32_t ox = 0, oy = 0;
  origin(&object, &ox, &oy);
  CHECK(ox == 200 && oy == 400);
  /* Control: no translation, escapes off; 18 per row, 8 rows; no structured append;
   * no FNC1; ASCII encodation. */
  static const uint8_t special[10] = {0x40, 0, 18, 0, 8, 0, 0, 0, 0, 0x01};
  CHECK(memcmp(a + 5, special, sizeof special) == 0);
  CHECK(object.bda->bytes == 5 + 10 + sizeof text - 1 &&
        memcmp(a + 15, text, sizeof text - 1) == 0);
  CHECK(width >= 30 + 18 * 30 + 30 && height >= 30 + 8 * 30 + 30);
  PrBuffer_free(&out);
}

static void test_qr(void) {
  PrBuffer out;
  PrBuffer_init(&out);
  PrError error;
  PrMarkSpec spec = spec_of(PR_MARK_QR, 1.0f, 0, 0);
  spec.option = PR_QR_EC_Q;
  const char text[] = "https://pay.example/1";
  PrSymbol symbol;
  CHECK_OK(draw_and_write(&spec, text, sizeof text - 1, &out, &symbol, &error), &error);
  Object object;
  CHECK(read_object(&out, &object));
  const uint8_t *d = object.bdd->data;
  CHECK(d[12] == 0x20 && d[13] == 0x02);       /* QR Code model 2 */
  CHECK(d[17] == 14);
  const uint8_t *a = object.bda->data;
  CHECK(be16(a + 1) == 80 && be16(a + 3) == 80);   /* 4 modules */
  uint8_t version = (uint8_t)((symbol.columns - 17) / 4);
  CHECK(version >= 2 && symbol.rows == symbol.columns);
  const uint8_t special[9] = {0x40, 0x00, version, 0x02, 0, 0, 0, 0, 0};
  CHECK(memcmp(a + 5, special, sizeof special) == 0);
  CHECK(object.bda->bytes == 5 + 9 + sizeof text - 1 &&
        memcmp(a + 14, text, sizeof text - 1) == 0);
  PrBuffer_free(&out);
}

/* The BDD modifier and BDA data of a four-state symbol. */
static void check_four_state(uint8_t kind, const char *text, uint8_t type, uint8_t modifier,
                             const char *digits) {
  PrBuffer out;
  PrBuffer_init(&out);
  PrError error;
  PrMarkSpec spec = kind == PR_MARK_IMB ? spec_of(kind, 3.3f, 1.44f, 10.44f)
                                        : spec_of(kind, 3.0f, 1.4f, 14.2f);
  CHECK_OK(draw_and_write(&spec, text, strlen(text), &out, NULL, &error), &error);
  Object object;
  CHECK(read_object(&out, &object));
  uint32_t width = 0, height = 0;
  CHECK(check_obd(object.obd, &width, &height));
  CHECK(check_bdd_common(object.bdd, width, height));
  const uint8_t *d = object.bdd->data;
  CHECK(d[12] == type && d[13] == modifier);
  CHECK(d[17] == 0xFF && be16(d + 18) == 0xFFFF);   /* optimal fixed size */
  uint8_t data[64];
  size_t n = strlen(digits);
  for (size_t i = 0; i < n; i++) {
    data[i] = PrAfp_ebcdic((uint8_t)digits[i]);
  }
  CHECK(object.bda->bytes == 5 + n && memcmp(object.bda->data + 5, data, n) == 0);
  int32_t ox = 0, oy = 0;
  origin(&object, &ox, &oy);
  CHECK(ox == 200 && oy == 400);
  PrBuffer_free(&out);
}

static void test_four_state(void) {
  check_four_state(PR_MARK_AUSPOST, "11|39987520", 0x1F, 0x01, "39987520");
  check_four_state(PR_MARK_AUSPOST, "45|39987520", 0x1F, 0x08, "39987520");
  check_four_state(PR_MARK_AUSPOST, "59|39987520|1234", 0x1F, 0x02, "399875201234");
  check_four_state(PR_MARK_AUSPOST, "59|39987520|Ab 1#", 0x1F, 0x03, "39987520Ab 1#");
  check_four_state(PR_MARK_AUSPOST, "62|39987520|123456789012345", 0x1F, 0x05,
                   "39987520123456789012345");
  check_four_state(PR_MARK_AUSPOST, "62|39987520|ABCDE12345", 0x1F, 0x06, "39987520ABCDE12345");
  const char *tracking = "01234567094987654321";
  check_four_state(PR_MARK_IMB, tracking, 0x22, 0x00, tracking);
  check_four_state(PR_MARK_IMB, "01234567094987654321|01234", 0x22, 0x01,
                   "0123456709498765432101234");
  check_four_state(PR_MARK_IMB, "01234567094987654321|012345678", 0x22, 0x02,
                   "01234567094987654321012345678");
  check_four_state(PR_MARK_IMB, "01234567094987654321|01234567891", 0x22, 0x03,
                   "0123456709498765432101234567891");

  /* IMb drawn near its small size (2.68 in) asks for the small symbol. */
  PrBuffer out;
  PrBuffer_init(&out);
  PrError error;
  PrMarkSpec spec = spec_of(PR_MARK_IMB, 3.0f, 1.3f, 9.0f);
  CHECK_OK(draw_and_write(&spec, tracking, strlen(tracking), &out, NULL, &error), &error);
  Object object;
  CHECK(read_object(&out, &object));
  CHECK(object.bdd->data[17] == 18);   /* the bar width, 1.3 pt, in mils: any X'01'-X'FE' */
  CHECK(be16(object.bda->data + 1) == 180 && be16(object.bda->data + 3) == 58);
  PrBuffer_free(&out);
}

static void test_color(void) {
  PrBuffer out;
  PrBuffer_init(&out);
  PrError error;
  PrMarkSpec spec = spec_of(PR_MARK_CODE128, 1.0f, 0, 20.0f);
  spec.color.space = PR_COLOR_RGB;
  spec.color.value[0] = 1.0f;
  CHECK_OK(draw_and_write(&spec, "RED", 3, &out, NULL, &error), &error);
  Object object;
  CHECK(read_object(&out, &object));
  CHECK(object.bdd->bytes == 23 && be16(object.bdd->data + 15) == 0x0002);   /* OCA red */

  spec.color.value[0] = 0.2f;
  spec.color.value[1] = 0.4f;
  spec.color.value[2] = 0.6f;
  PrBuffer_clear(&out);
  CHECK_OK(draw_and_write(&spec, "RGB", 3, &out, NULL, &error), &error);
  CHECK(read_object(&out, &object));
  static const uint8_t rgb[15] = {0x0F, 0x4E, 0x00, 0x01, 0, 0, 0, 0,
                                  8,    8,    8,    0,    0x33, 0x66, 0x99};
  CHECK(object.bdd->bytes == 23 + 15 && be16(object.bdd->data + 15) == 0xFF07 &&
        memcmp(object.bdd->data + 23, rgb, sizeof rgb) == 0);

  spec.color.space = PR_COLOR_CMYK;
  spec.color.value[0] = 0.0f;
  spec.color.value[1] = 1.0f;
  spec.color.value[2] = 0.0f;
  spec.color.value[3] = 0.5f;
  PrBuffer_clear(&out);
  CHECK_OK(draw_and_write(&spec, "CMYK", 4, &out, NULL, &error), &error);
  CHECK(read_object(&out, &object));
  static const uint8_t cmyk[16] = {0x10, 0x4E, 0x00, 0x04, 0, 0, 0,    0,
                                   8,    8,    8,    8,    0, 255, 0, 128};
  CHECK(object.bdd->bytes == 23 + 16 && memcmp(object.bdd->data + 23, cmyk, sizeof cmyk) == 0);

  spec.color.value[1] = 0.0f;
  spec.color.value[3] = 1.0f;
  PrBuffer_clear(&out);
  CHECK_OK(draw_and_write(&spec, "K", 1, &out, NULL, &error), &error);
  CHECK(read_object(&out, &object));
  CHECK(object.bdd->bytes == 23 && be16(object.bdd->data + 15) == 0x0008);
  PrBuffer_free(&out);
}

static void test_errors(void) {
  PrBuffer out;
  PrBuffer_init(&out);
  PrError error;
  PrSymbol symbol;
  memset(&symbol, 0, sizeof symbol);
  symbol.spec = spec_of(PR_MARK_OMR, 12.0f, 22.0f, 1.0f);
  CHECK(!PrAfpBcoca_supports(&symbol) && !PrAfpBcoca_supports(NULL));
  CHECK(PrAfpBcoca_write(&out, &symbol, (const uint8_t *)"101", 3, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "kind 1") != NULL);
  CHECK(PrAfpBcoca_write(&out, NULL, NULL, 0, &error) == PR_EINVAL);

  /* Australia Post FCC 87 and 92 have no BCOCA modifier. */
  symbol.spec = spec_of(PR_MARK_AUSPOST, 3.0f, 1.4f, 14.2f);
  CHECK(PrAfpBcoca_supports(&symbol));
  CHECK(PrAfpBcoca_write(&out, &symbol, (const uint8_t *)"87|39987520", 11, &error) ==
        PR_EINVAL);
  CHECK(strstr(error.message, "FCC 87") != NULL);
  CHECK(PrAfpBcoca_write(&out, &symbol, (const uint8_t *)"11|3998752", 10, &error) ==
        PR_EINVAL);

  /* A module under half a mil or over 254 mils. */
  symbol.spec = spec_of(PR_MARK_CODE128, 0.02f, 0, 20.0f);
  CHECK(PrAfpBcoca_write(&out, &symbol, (const uint8_t *)"A", 1, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "mils") != NULL);
  symbol.spec.module_pt = 20.0f;
  CHECK(PrAfpBcoca_write(&out, &symbol, (const uint8_t *)"A", 1, &error) == PR_EINVAL);
  /* Data Code 128 cannot carry. */
  symbol.spec.module_pt = 1.0f;
  CHECK(PrAfpBcoca_write(&out, &symbol, (const uint8_t *)"\xC3\xA9", 2, &error) == PR_EINVAL);

  /* A symbol wider than BCOCA's 32,767 L-units, one beyond that position. */
  symbol.spec.module_pt = 10.0f;
  CHECK(PrAfpBcoca_write(&out, &symbol, (const uint8_t *)"ABCDEFGHIJKL", 12, &error) ==
        PR_ELIMIT);
  symbol.spec.module_pt = 1.0f;
  symbol.spec.x_pt = 2000.0f;
  CHECK(PrAfpBcoca_write(&out, &symbol, (const uint8_t *)"A", 1, &error) == PR_ELIMIT);

  /* 2D sizes the display list cannot have made. */
  symbol.spec = spec_of(PR_MARK_DATAMATRIX, 1.0f, 0, 0);
  symbol.columns = 11;
  symbol.rows = 11;
  CHECK(PrAfpBcoca_write(&out, &symbol, (const uint8_t *)"A", 1, &error) == PR_EINVAL);
  symbol.spec.kind = PR_MARK_QR;
  symbol.columns = symbol.rows = 23;
  CHECK(PrAfpBcoca_write(&out, &symbol, (const uint8_t *)"A", 1, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "QR") != NULL);

  CHECK(out.size_bytes == 0);   /* nothing written by a refused symbol */

  /* A symbol at the page's origin: offsets of 1 L-unit, the area 1 unit off the page. */
  symbol.spec = spec_of(PR_MARK_CODE128, 1.0f, 0, 20.0f);
  symbol.spec.x_pt = 0.0f;
  symbol.spec.y_pt = 0.0f;
  CHECK_OK(PrAfpBcoca_write(&out, &symbol, (const uint8_t *)"A", 1, &error), &error);
  Object object;
  CHECK(read_object(&out, &object));
  int32_t x = 0, y = 0;
  CHECK(check_obp(object.obp, &x, &y) && x == -1 && y == -1);
  CHECK(be16(object.bda->data + 1) == 1 && be16(object.bda->data + 3) == 1);
  PrBuffer_free(&out);
}

/* The largest QR code (version 40, level L, 2,953 bytes) fits one BDA. */
static void test_large(void) {
  PrBuffer out;
  PrBuffer_init(&out);
  PrError error;
  PrMarkSpec spec = spec_of(PR_MARK_QR, 0.5f, 0, 0);
  size_t bytes = 2953;
  char *text = malloc(bytes);
  CHECK(text != NULL);
  if (text == NULL) {
    return;
  }
  for (size_t i = 0; i < bytes; i++) {
    text[i] = (char)(0x80 | (i & 0x7F));
  }
  PrSymbol symbol;
  CHECK_OK(draw_and_write(&spec, text, bytes, &out, &symbol, &error), &error);
  Object object;
  CHECK(symbol.columns == 177 && read_object(&out, &object));
  CHECK(object.bda->data[7] == 40 && object.bda->bytes == 5 + 9 + bytes &&
        memcmp(object.bda->data + 14, text, bytes) == 0);
  free(text);
  PrBuffer_free(&out);
}

int main(void) {
  test_code128();
  test_gs1_128();
  test_datamatrix();
  test_qr();
  test_four_state();
  test_color();
  test_errors();
  test_large();
  return check_summary("test_afp_bcoca");
}
