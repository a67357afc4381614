/* afp_bcoca.c: BCOCA bar code objects, one symbol each, drawn by the printer.
 *
 *   BBC                  begin bar code object (unnamed)
 *     BOG                object environment group
 *       OBD              object area: descriptor position X'43' (id 1), measurement
 *                        units X'4B' (ten inches, 14,400), object area size X'4C'
 *       OBP              the area's top-left on the page; 0/90 degrees; page
 *                        coordinates (X'01'); content offset 0
 *       BDD              BSD (23 bytes): unit base X'00', 14,400 units per base (X and
 *                        Y), presentation space = the object area, desired width 0,
 *                        type, modifier, HRI font X'FF', OCA colour, module width in
 *                        mils, element height (L-units), height multiplier 1, WE:NE 0;
 *                        then a Color Specification X'4E' triplet for colours that are
 *                        not an OCA named colour
 *     EOG
 *     BDA                BSA: flags X'80' (no HRI), symbol origin (X, Y offset in the
 *                        presentation space), 2D special functions, the data
 *   EBC
 *
 * One BDA holds one symbol, so it is one structured field, never split: data
 * over its 32,759 bytes is PR_ELIMIT.
 *
 * The symbol origin is the top-left of the bars' (modules') bounding box,
 * which is where marks.c draws from (x_pt, y_pt). BSA offsets must be at
 * least 1, and a symbol the printer makes larger than the presentation space
 * is not printed (EC-1100): its module width is whole mils and its pels are
 * whole device pels, and four-state symbols have fixed sizes. So the object
 * area is the symbol's box grown by its quiet zone on each side (white in
 * the template anyway: marks draw none), plus a tenth of the symbol's extent
 * to the right and below for rounding; never above or left of the page
 * origin by more than 1 L-unit.
 *
 * Per symbology (BCOCA Reference, AFP Consortium, Chapter 4):
 *   Code 128    X'11' modifier X'02', data in the Code 128 code page
 *               (CPGID 1303, EBCDIC-like; Figure 18)
 *   GS1-128     X'11' modifier X'03' (UCC/EAN 128, in BCD2): FNC1 (X'8F') first,
 *               each GS (a GS1 separator) as X'8F'
 *   DataMatrix  X'1C' modifier X'00' (ECC 200); special functions: no EBCDIC
 *               translation, X'5C' a plain byte, row size and rows as drawn,
 *               no structured append, ASCII encodation; data as is (ISO 8859-1)
 *   QR Code     X'20' modifier X'02' (model 2); special functions: no
 *               translation, X'5C' a plain byte, version (side - 17) / 4, EC
 *               level L/M/Q/H = 0..3; data as is
 *   AusPost     X'1F' modifier by FCC: 11 X'01', 59 X'02' (N) / X'03' (C),
 *               62 X'05' (N) / X'06' (C), 45 X'08'; data DPID + customer
 *               information in code page 500. FCC 87 and 92 have no modifier.
 *   IMb         X'22' modifier by routing digits 0/5/9/11 = X'00'..X'03'; data
 *               tracking + routing digits in code page 500
 * Four-state symbols have fixed sizes: module width X'FF' asks for the
 * optimal one, any other value the small one (used when the drawn width is
 * nearer the small size). */
#include "afp_objects.h"
#include "marks.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

#define BCOCA_MAX_FIELD 32767                      /* BSD extents, BSA offsets */
#define BCOCA_BSA_HEADER 5                         /* flags, X and Y offset */
#define BCOCA_MAX_DATA (PR_AFP_SF_MAX_DATA_BYTES - BCOCA_BSA_HEADER - 10)

enum {
  BCOCA_CODE128 = 0x11,
  BCOCA_DATAMATRIX = 0x1C,
  BCOCA_AUSPOST = 0x1F,
  BCOCA_QR = 0x20,
  BCOCA_IMB = 0x22,
};

#define BCOCA_FNC1 0x8F           /* FNC1 in the Code 128 code page */
#define BCOCA_FLAG_NO_HRI 0x80    /* BSA flags bit 0 */
#define BCOCA_IGNORE_ESCAPES 0x40 /* 2D control flags bit 1: X'5C' is data */
#define BCOCA_DM_ASCII 0x01       /* DataMatrix encodation B'001', as barcode_datamatrix.c */
#define BCOCA_OCA_DEFAULT 0xFF07
#define BCOCA_OCA_BLACK 0x0008

/* ASCII 0x00..0x7F in the Code 128 code page (CPGID 1303), BCOCA Figure 18. */
static const uint8_t kCp1303[128] = {
    0x00, 0x01, 0x02, 0x03, 0x37, 0x2D, 0x2E, 0x2F, 0x16, 0x05, 0x25, 0x0B, 0x0C, 0x0D, 0x0E,
    0x0F, 0x10, 0x11, 0x12, 0x13, 0x3C, 0x3D, 0x32, 0x26, 0x18, 0x19, 0x3F, 0x27, 0x22, 0x1D,
    0x1E, 0x1F, 0x40, 0x5A, 0x7F, 0x7B, 0x5B, 0x6C, 0x50, 0x7D, 0x4D, 0x5D, 0x5C, 0x4E, 0x6B,
    0x60, 0x4B, 0x61, 0xF0, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0x7A, 0x5E,
    0x4C, 0x7E, 0x6E, 0x6F, 0x7C, 0xC1, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xD1,
    0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8,
    0xE9, 0xBA, 0xE0, 0xBB, 0xB0, 0x6D, 0x79, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88,
    0x89, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6,
    0xA7, 0xA8, 0xA9, 0xC0, 0x4F, 0xD0, 0xA1, 0xFF};

/* DataMatrix ECC 200 sizes for modifier X'00' (rows, row size), BCOCA Table 24. */
static const uint8_t kDataMatrixSizes[][2] = {
    {10, 10},   {12, 12},   {14, 14},   {16, 16},   {18, 18}, {20, 20}, {22, 22},
    {24, 24},   {26, 26},   {32, 32},   {36, 36},   {40, 40}, {44, 44}, {48, 48},
    {52, 52},   {64, 64},   {72, 72},   {80, 80},   {88, 88}, {96, 96}, {104, 104},
    {120, 120}, {132, 132}, {144, 144}, {8, 18},    {8, 32},  {12, 26}, {12, 36},
    {16, 36},   {16, 48}};

/* Everything one object needs, worked out before a byte is written. */
typedef struct BcocaPlan {
  uint8_t type, modifier;
  uint8_t module_mils;         /* X'FF': the symbology's (optimal) size */
  uint16_t element_height;     /* L-units; X'FFFF': the symbology's */
  int32_t x, y;                /* symbol origin on the page, L-units */
  int32_t extent_x, extent_y;  /* the larger of the drawn box and the printer's symbol */
  int32_t quiet_x, quiet_y;    /* quiet zone, L-units */
  uint8_t special[10];
  size_t special_bytes;
  const uint8_t *data;         /* the BSA data: text itself, or converted[] */
  size_t data_bytes;
  uint8_t converted[PR_CODE128_MAX_DATA + 2];
} BcocaPlan;

bool PrAfpBcoca_supports(const PrSymbol *symbol) {
  if (symbol == NULL) {
    return false;
  }
  switch (symbol->spec.kind) {
    case PR_MARK_CODE128:
    case PR_MARK_GS1_128:
    case PR_MARK_DATAMATRIX:
    case PR_MARK_QR:
    case PR_MARK_AUSPOST:   /* FCC 87 and 92 are refused by PrAfpBcoca_write (text needed) */
    case PR_MARK_IMB:
      return true;
    default:
      return false;
  }
}

/* L-units of `modules` modules of `mils` thousandths of an inch, rounded up. */
static int64_t module_units(uint32_t modules, uint32_t mils) {
  return ((int64_t)modules * mils * PR_AFP_UNITS_PER_INCH + 999) / 1000;
}

static int32_t max32(int64_t a, int64_t b) {
  int64_t m = a > b ? a : b;
  return m > INT32_MAX ? INT32_MAX : (int32_t)m;
}

static int32_t mm_units(double mm) {
  return (int32_t)lround(mm * PR_AFP_UNITS_PER_INCH / 25.4);
}

/* The module width in whole mils, as BSD byte 17 takes it. */
static PrStatus module_mils(float module_pt, uint8_t *out, PrError *error) {
  double mils = (double)module_pt * 1000.0 / 72.0;
  if (!(mils >= 0.5 && mils < 254.5)) {
    return PrError_set(error, PR_EINVAL, "BCOCA barcode: module %g pt is %.2f mils; BCOCA "
                       "takes 1 to 254 whole mils", (double)module_pt, mils);
  }
  *out = (uint8_t)lround(mils);
  return PR_OK;
}

static PrStatus plan_code128(const PrSymbol *symbol, const uint8_t *text, size_t text_bytes,
                             BcocaPlan *plan, PrError *error) {
  const PrMarkSpec *spec = &symbol->spec;
  bool gs1 = spec->kind == PR_MARK_GS1_128;
  /* The encoder that drew the bars checks the data (ASCII, GS placement, length). */
  uint8_t widths[PR_CODE128_MAX_ELEMENTS(PR_CODE128_MAX_DATA)];
  size_t count = 0;
  uint32_t total = 0;
  if (text_bytes > PR_CODE128_MAX_DATA) {
    return PrError_set(error, PR_ELIMIT, "BCOCA Code 128: %zu bytes of data is more than %d",
                       text_bytes, PR_CODE128_MAX_DATA);
  }
  PR_RETURN_NOT_OK(PrCode128_encode((const char *)text, text_bytes, gs1 ? PR_CODE128_GS1 : 0,
                                    widths, sizeof widths, &count, &total, error));
  plan->type = BCOCA_CODE128;
  plan->modifier = gs1 ? 0x03 : 0x02;
  PR_RETURN_NOT_OK(module_mils(spec->module_pt, &plan->module_mils, error));
  int32_t height = PrAfp_units(spec->height_pt);
  if (height < 1 || height > BCOCA_MAX_FIELD) {
    return PrError_set(error, PR_EINVAL, "BCOCA Code 128: bar height %g pt is not 1 to %d "
                       "L-units", (double)spec->height_pt, BCOCA_MAX_FIELD);
  }
  plan->element_height = (uint16_t)height;
  size_t n = 0;
  if (gs1) {
    plan->converted[n++] = BCOCA_FNC1;
  }
  for (size_t i = 0; i < text_bytes; i++) {
    plan->converted[n++] = gs1 && text[i] == 0x1D ? BCOCA_FNC1 : kCp1303[text[i] & 0x7F];
  }
  plan->data = plan->converted;
  plan->data_bytes = n;
  plan->extent_x = max32(PrAfp_units((float)total * spec->module_pt),
                         module_units(total, plan->module_mils));
  plan->extent_y = height;
  plan->quiet_x = plan->quiet_y = PrAfp_units(10.0f * spec->module_pt);   /* 10 modules */
  return PR_OK;
}

static PrStatus plan_matrix(const PrSymbol *symbol, const uint8_t *text, size_t text_bytes,
                            BcocaPlan *plan, PrError *error) {
  const PrMarkSpec *spec = &symbol->spec;
  uint32_t columns = symbol->columns, rows = symbol->rows;
  PR_RETURN_NOT_OK(module_mils(spec->module_pt, &plan->module_mils, error));
  plan->element_height = 0xFFFF;   /* modules are square: the module width is both */
  uint8_t *s = plan->special;
  memset(s, 0, sizeof plan->special);
  s[0] = BCOCA_IGNORE_ESCAPES;
  if (spec->kind == PR_MARK_DATAMATRIX) {
    bool known = false;
    for (size_t i = 0; i < sizeof kDataMatrixSizes / sizeof kDataMatrixSizes[0]; i++) {
      known = known || (kDataMatrixSizes[i][0] == rows && kDataMatrixSizes[i][1] == columns);
    }
    if (!known) {
      return PrError_set(error, PR_EINVAL, "BCOCA DataMatrix: %u x %u modules is not an ECC 200 "
                         "size", columns, rows);
    }
    plan->type = BCOCA_DATAMATRIX;
    plan->modifier = 0x00;
    /* The size the display list chose, so that the printer pads to it. */
    s[1] = (uint8_t)(columns >> 8);
    s[2] = (uint8_t)columns;
    s[3] = (uint8_t)(rows >> 8);
    s[4] = (uint8_t)rows;
    /* s[5..8]: no structured append */
    s[9] = BCOCA_DM_ASCII;
    plan->special_bytes = 10;
    plan->quiet_x = plan->quiet_y = PrAfp_units(spec->module_pt);   /* 1 module */
  } else {
    if (columns != rows || columns < 21 || columns > PR_QR_MAX_SIDE || (columns - 17) % 4 != 0) {
      return PrError_set(error, PR_EINVAL, "BCOCA QR code: %u x %u modules is not a QR version",
                         columns, rows);
    }
    if (spec->option > PR_QR_EC_H) {
      return PrError_set(error, PR_EINVAL, "BCOCA QR code: unknown error correction level %u",
                         spec->option);
    }
    plan->type = BCOCA_QR;
    plan->modifier = 0x02;
    s[1] = 0x00;                          /* no EBCDIC conversion */
    s[2] = (uint8_t)((columns - 17) / 4); /* version */
    s[3] = spec->option;                  /* L, M, Q, H = X'00'..X'03', as PrQrEcLevel */
    /* s[4..8]: no structured append, no FNC1, no application indicator */
    plan->special_bytes = 9;
    plan->quiet_x = plan->quiet_y = PrAfp_units(4.0f * spec->module_pt);   /* 4 modules */
  }
  plan->data = text;
  plan->data_bytes = text_bytes;
  plan->extent_x = max32(PrAfp_units((float)columns * spec->module_pt),
                         module_units(columns, plan->module_mils));
  plan->extent_y = max32(PrAfp_units((float)rows * spec->module_pt),
                         module_units(rows, plan->module_mils));
  return PR_OK;
}

/* Code page 500 bytes of the parts, one after the other. */
static void put_cp500(BcocaPlan *plan, const char *const *parts, size_t count) {
  size_t n = 0;
  for (size_t p = 0; p < count; p++) {
    for (const char *c = parts[p]; *c != '\0'; c++) {
      plan->converted[n++] = PrAfp_ebcdic((uint8_t)*c);
    }
  }
  plan->data = plan->converted;
  plan->data_bytes = n;
}

/* Fixed-size four-state symbols: optimal unless the drawn width is nearer the small size. */
static void plan_fixed_size(const PrMarkSpec *spec, uint32_t bars, int32_t optimal_x,
                            int32_t optimal_y, int32_t small_x, int32_t small_y, BcocaPlan *plan) {
  int32_t box_x = PrAfp_units((float)(bars - 1) * spec->module_pt + spec->width_pt);
  int32_t box_y = PrAfp_units(spec->height_pt);
  bool small = labs((long)box_x - small_x) < labs((long)box_x - optimal_x);
  if (small) {
    long mils = lround((double)spec->width_pt * 1000.0 / 72.0);
    plan->module_mils = (uint8_t)(mils < 1 ? 1 : mils > 254 ? 254 : mils);
  } else {
    plan->module_mils = 0xFF;
  }
  plan->element_height = 0xFFFF;
  plan->extent_x = max32(box_x, small ? small_x : optimal_x);
  plan->extent_y = max32(box_y, small ? small_y : optimal_y);
}

static PrStatus plan_auspost(const PrSymbol *symbol, const uint8_t *text, size_t text_bytes,
                             BcocaPlan *plan, PrError *error) {
  char parts[3][PR_MARK_PART_BYTES];
  char bars[PR_AUSPOST_MAX_BARS + 1];
  size_t bar_count = 0;
  PR_RETURN_NOT_OK(PrMark_splitParts(text, text_bytes, parts, 3, "Australia Post barcode", error));
  PR_RETURN_NOT_OK(PrAusPost_encode(parts[0], parts[1], parts[2], 0, bars, sizeof bars,
                                    &bar_count, error));
  /* The encoder's choice for customer information: N if all digits, else C. */
  bool table_n = true;
  for (const char *c = parts[2]; *c != '\0'; c++) {
    table_n = table_n && *c >= '0' && *c <= '9';
  }
  const char *fcc = parts[0];
  if (strcmp(fcc, "11") == 0) {
    plan->modifier = 0x01;
  } else if (strcmp(fcc, "45") == 0) {
    plan->modifier = 0x08;
  } else if (strcmp(fcc, "59") == 0) {
    plan->modifier = table_n ? 0x02 : 0x03;
  } else if (strcmp(fcc, "62") == 0) {
    plan->modifier = table_n ? 0x05 : 0x06;
  } else {
    return PrError_set(error, PR_EINVAL, "BCOCA Australia Post barcode: FCC %s has no BCOCA "
                       "modifier (only 11, 45, 59 and 62 do)", fcc);
  }
  plan->type = BCOCA_AUSPOST;
  const char *data[2] = {parts[1], parts[2]};   /* DPID, customer information */
  put_cp500(plan, data, 2);
  /* BCOCA Table 12: 39.60 / 55.85 / 72.15 mm by 5.00 mm; small 37.0 / 52.2 / 67.5 by 4.2. */
  double optimal = bar_count == 37 ? 39.60 : bar_count == 52 ? 55.85 : 72.15;
  double small = bar_count == 37 ? 37.0 : bar_count == 52 ? 52.2 : 67.5;
  plan_fixed_size(&symbol->spec, (uint32_t)bar_count, mm_units(optimal), mm_units(5.0),
                  mm_units(small), mm_units(4.2), plan);
  plan->quiet_x = mm_units(6.0);   /* Australia Post: 6 mm each side, 2 mm above and below */
  plan->quiet_y = mm_units(2.0);
  return PR_OK;
}

static PrStatus plan_imb(const PrSymbol *symbol, const uint8_t *text, size_t text_bytes,
                         BcocaPlan *plan, PrError *error) {
  char parts[2][PR_MARK_PART_BYTES];
  char bars[PR_IMB_BARS + 1];
  PR_RETURN_NOT_OK(PrMark_splitParts(text, text_bytes, parts, 2, "Intelligent Mail barcode", error));
  PR_RETURN_NOT_OK(PrImb_encode(parts[0], parts[1], bars, sizeof bars, error));
  size_t routing = strlen(parts[1]);
  plan->type = BCOCA_IMB;
  plan->modifier = routing == 0 ? 0x00 : routing == 5 ? 0x01 : routing == 9 ? 0x02 : 0x03;
  const char *data[2] = {parts[0], parts[1]};
  put_cp500(plan, data, 2);
  /* BCOCA Table 12: 2.95 x 0.145 in, small 2.68 x 0.125 in. */
  plan_fixed_size(&symbol->spec, PR_IMB_BARS, 4248, 209, 3859, 180, plan);
  plan->quiet_x = 180;   /* BCOCA: 0.125 in each side, 0.04 in above and below */
  plan->quiet_y = 58;
  return PR_OK;
}

static PrStatus plan_symbol(const PrSymbol *symbol, const uint8_t *text, size_t text_bytes,
                            BcocaPlan *plan, PrError *error) {
  memset(plan, 0, sizeof *plan);
  const PrMarkSpec *spec = &symbol->spec;
  if (!isfinite(spec->x_pt) || !isfinite(spec->y_pt) || !isfinite(spec->module_pt) ||
      !isfinite(spec->width_pt) || !isfinite(spec->height_pt) || !(spec->module_pt > 0.0f)) {
    return PrError_set(error, PR_EINVAL, "BCOCA barcode: position or size is not a number");
  }
  plan->x = PrAfp_units(spec->x_pt);
  plan->y = PrAfp_units(spec->y_pt);
  switch (spec->kind) {
    case PR_MARK_CODE128:
    case PR_MARK_GS1_128:
      return plan_code128(symbol, text, text_bytes, plan, error);
    case PR_MARK_DATAMATRIX:
    case PR_MARK_QR:
      return plan_matrix(symbol, text, text_bytes, plan, error);
    case PR_MARK_AUSPOST:
      return plan_auspost(symbol, text, text_bytes, plan, error);
    case PR_MARK_IMB:
      return plan_imb(symbol, text, text_bytes, plan, error);
    default:
      return PrError_set(error, PR_EINVAL, "BCOCA has no symbology for mark kind %u",
                         spec->kind);
  }
}

/* The BSD colour and, when that cannot say it, the X'4E' triplet's. */
static uint16_t oca_color(const PrColor *color) {
  float v[4] = {0};
  switch (color->space) {   /* as RGB, for the named colours */
    case PR_COLOR_RGB:
      v[0] = color->value[0], v[1] = color->value[1], v[2] = color->value[2];
      break;
    case PR_COLOR_CMYK:
      if (color->value[0] == 0.0f && color->value[1] == 0.0f && color->value[2] == 0.0f &&
          color->value[3] == 1.0f) {
        return BCOCA_OCA_BLACK;
      }
      return BCOCA_OCA_DEFAULT;
    default:
      v[0] = v[1] = v[2] = color->value[0];
      break;
  }
  static const struct { float r, g, b; uint16_t oca; } kNamed[] = {
      {0, 0, 0, 0x0008}, {0, 0, 1, 0x0001}, {1, 0, 0, 0x0002}, {1, 0, 1, 0x0003},
      {0, 1, 0, 0x0004}, {0, 1, 1, 0x0005}, {1, 1, 0, 0x0006}};
  for (size_t i = 0; i < sizeof kNamed / sizeof kNamed[0]; i++) {
    if (v[0] == kNamed[i].r && v[1] == kNamed[i].g && v[2] == kNamed[i].b) {
      return kNamed[i].oca;
    }
  }
  return BCOCA_OCA_DEFAULT;
}

static uint8_t component(float value) {
  float scaled = value * 255.0f + 0.5f;
  return scaled <= 0.0f ? 0 : scaled >= 255.0f ? 255 : (uint8_t)scaled;
}

/* Color Specification (X'4E'): RGB (gray as equal RGB, as afp_text.c) or CMYK, 8 bits. */
static void put_color_triplet(PrBuffer *out, const PrColor *color) {
  bool cmyk = color->space == PR_COLOR_CMYK;
  PrBuffer_appendByte(out, cmyk ? 16 : 15);
  PrBuffer_appendByte(out, 0x4E);
  PrBuffer_appendByte(out, 0x00);
  PrBuffer_appendByte(out, cmyk ? 0x04 : 0x01);
  PrAfp_put32(out, 0);
  PrBuffer_appendByte(out, 8);
  PrBuffer_appendByte(out, 8);
  PrBuffer_appendByte(out, 8);
  PrBuffer_appendByte(out, cmyk ? 8 : 0);
  for (int i = 0; i < (cmyk ? 4 : 3); i++) {
    PrBuffer_appendByte(out, component(color->value[color->space == PR_COLOR_GRAY ? 0 : i]));
  }
}

PrStatus PrAfpBcoca_write(PrBuffer *out, const PrSymbol *symbol, const uint8_t *text,
                          size_t text_bytes, PrError *error) {
  if (out == NULL || symbol == NULL || (text == NULL && text_bytes > 0)) {
    return PrError_set(error, PR_EINVAL, "BCOCA barcode: NULL buffer, symbol or text");
  }
  BcocaPlan plan;
  PR_RETURN_NOT_OK(plan_symbol(symbol, text, text_bytes, &plan, error));
  if (plan.data_bytes > BCOCA_MAX_DATA) {
    return PrError_set(error, PR_ELIMIT, "BCOCA barcode: %zu bytes of data is more than one "
                       "Bar Code Data field holds (%d)", plan.data_bytes, BCOCA_MAX_DATA);
  }
  /* The area: quiet zone left and above (at least 1 L-unit, not left of or above the
   * page's origin unless the symbol touches it), quiet zone and a tenth of the extent
   * right and below. */
  int32_t left = plan.quiet_x < plan.x ? plan.quiet_x : plan.x;
  int32_t top = plan.quiet_y < plan.y ? plan.quiet_y : plan.y;
  left = left < 1 ? 1 : left;
  top = top < 1 ? 1 : top;
  int64_t width = (int64_t)left + plan.extent_x + plan.quiet_x + plan.extent_x / 10;
  int64_t height = (int64_t)top + plan.extent_y + plan.quiet_y + plan.extent_y / 10;
  int64_t area_x = (int64_t)plan.x - left, area_y = (int64_t)plan.y - top;
  if (width > BCOCA_MAX_FIELD || height > BCOCA_MAX_FIELD) {
    return PrError_set(error, PR_ELIMIT, "BCOCA barcode: its area, %lld x %lld L-units with the "
                       "quiet zone, is over BCOCA's %d", (long long)width, (long long)height,
                       BCOCA_MAX_FIELD);
  }
  if (area_x < -32768 || area_x > 32767 || area_y < -32768 || area_y > 32767) {
    return PrError_set(error, PR_ELIMIT, "BCOCA barcode: position %g, %g pt is beyond 32,767 "
                       "L-units", (double)symbol->spec.x_pt, (double)symbol->spec.y_pt);
  }
  uint16_t color = oca_color(&symbol->spec.color);
  /* Black and the named colours need no triplet; anything else is device default for
   * printers without extended bar code colour, exact for the rest. */
  bool triplet = color == BCOCA_OCA_DEFAULT;

  PrAfpSf_write(out, PR_SF_BBC, NULL, 0);
  PrAfpSf_write(out, PR_SF_BOG, NULL, 0);

  PrAfpSf sf;
  PrAfpSf_writeObjectArea(out, area_x, area_y, (uint32_t)width, (uint32_t)height);

  PrAfpSf_begin(out, PR_SF_BDD, &sf);
  PrBuffer_appendByte(out, 0x00);             /* unit base: ten inches */
  PrBuffer_appendByte(out, 0x00);
  PrAfp_put16(out, PR_AFP_UNITS_PER_BASE);
  PrAfp_put16(out, PR_AFP_UNITS_PER_BASE);
  PrAfp_put16(out, (uint32_t)width);          /* presentation space = object area */
  PrAfp_put16(out, (uint32_t)height);
  PrAfp_put16(out, 0x0000);                   /* desired symbol width: from the module */
  PrBuffer_appendByte(out, plan.type);
  PrBuffer_appendByte(out, plan.modifier);
  PrBuffer_appendByte(out, 0xFF);             /* HRI font: device's (no HRI anyway) */
  PrAfp_put16(out, color);
  PrBuffer_appendByte(out, plan.module_mils);
  PrAfp_put16(out, plan.element_height);
  PrBuffer_appendByte(out, 0x01);             /* height multiplier */
  PrAfp_put16(out, 0x0000);                   /* WE:NE: none of these symbologies uses it */
  if (triplet) {
    put_color_triplet(out, &symbol->spec.color);
  }
  PrAfpSf_end(out, &sf);

  PrAfpSf_write(out, PR_SF_EOG, NULL, 0);

  PrAfpSf_begin(out, PR_SF_BDA, &sf);
  PrBuffer_appendByte(out, BCOCA_FLAG_NO_HRI);
  PrAfp_put16(out, (uint32_t)left);
  PrAfp_put16(out, (uint32_t)top);
  PrBuffer_append(out, plan.special, plan.special_bytes);
  PrBuffer_append(out, plan.data, plan.data_bytes);
  PrAfpSf_end(out, &sf);

  PrAfpSf_write(out, PR_SF_EBC, NULL, 0);
  return PrBuffer_check(out, error);
}
