/* test_afp_writer.c: the AFP writer core, byte by byte: structured-field
 * framing (afp_sf.c), the print file (afp_file.c: resource group, fonts as
 * object containers, BDT/EDT, page groups with TLE index tags, IMM medium
 * map selection), pages (afp_page.c: MDR, MCF, PGD, PTD, overlays) and
 * PTOCA text (afp_text.c). The output is parsed back here into structured
 * fields (X'5A', length, id, flags, reserved) and control sequences.
 * Run: test_afp_writer <repo root>. Fonts come from the system (DejaVu),
 * as in test_pdf.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../afp_objects.h"
#include "../afp_writer.h"
#include "../doc_writer.h"
#include "../error.h"
#include "../font.h"
#include "check.h"

#define FONT_DIR "/usr/share/fonts/truetype/dejavu/"

/* ---- parsing the output ---------------------------------------------------- */

typedef struct Field {
  uint32_t id;
  uint8_t flags;
  size_t length;              /* the introducer's length field */
  size_t offset;              /* of its X'5A' */
  const uint8_t *data;
  size_t bytes;
} Field;

typedef struct Fields {
  Field *items;
  int count;
  int capacity;
  int broken;                 /* the framing is broken */
} Fields;

static void fields_parse(Fields *fields, const uint8_t *data, size_t size) {
  memset(fields, 0, sizeof *fields);
  size_t at = 0;
  while (at < size) {
    const uint8_t *p = data + at;
    if (size - at < 9 || p[0] != 0x5A) {
      fields->broken = 1;
      return;
    }
    size_t length = (size_t)p[1] << 8 | p[2];
    if (length < 8 || at + 1 + length > size || p[7] != 0 || p[8] != 0) {
      fields->broken = 1;
      return;
    }
    if (fields->count == fields->capacity) {
      int capacity = fields->capacity < 64 ? 64 : fields->capacity * 2;
      Field *grown = realloc(fields->items, (size_t)capacity * sizeof *grown);
      if (grown == NULL) {
        fields->broken = 1;
        return;
      }
      fields->items = grown;
      fields->capacity = capacity;
    }
    Field *f = &fields->items[fields->count++];
    f->id = (uint32_t)p[3] << 16 | (uint32_t)p[4] << 8 | p[5];
    f->flags = p[6];
    f->length = length;
    f->offset = at;
    f->data = p + 9;
    f->bytes = length - 8;
    at += 1 + length;
  }
}

static void fields_free(Fields *fields) {
  free(fields->items);
  memset(fields, 0, sizeof *fields);
}

static int count_id(const Fields *fields, uint32_t id) {
  int n = 0;
  for (int i = 0; i < fields->count; i++) {
    n += fields->items[i].id == id;
  }
  return n;
}

static const Field *find_id(const Fields *fields, uint32_t id, int from) {
  for (int i = from; i < fields->count; i++) {
    if (fields->items[i].id == id) {
      return &fields->items[i];
    }
  }
  return NULL;
}

static int index_of(const Fields *fields, uint32_t id, int from) {
  for (int i = from; i < fields->count; i++) {
    if (fields->items[i].id == id) {
      return i;
    }
  }
  return -1;
}

/* EBCDIC (code page 500) of the characters names use, back to ASCII; '~'
 * for anything else. Independent of the writer's table. */
static char from_ebcdic(uint8_t c) {
  if (c >= 0xC1 && c <= 0xC9) return (char)('A' + (c - 0xC1));
  if (c >= 0xD1 && c <= 0xD9) return (char)('J' + (c - 0xD1));
  if (c >= 0xE2 && c <= 0xE9) return (char)('S' + (c - 0xE2));
  if (c >= 0x81 && c <= 0x89) return (char)('a' + (c - 0x81));
  if (c >= 0x91 && c <= 0x99) return (char)('j' + (c - 0x91));
  if (c >= 0xA2 && c <= 0xA9) return (char)('s' + (c - 0xA2));
  if (c >= 0xF0 && c <= 0xF9) return (char)('0' + (c - 0xF0));
  switch (c) {
    case 0x40: return ' ';
    case 0x7C: return '@';
    case 0x7B: return '#';
    case 0x5B: return '$';
    default: return '~';
  }
}

/* Whether `bytes` EBCDIC bytes spell `ascii` padded with blanks. */
static int ebcdic_is(const uint8_t *p, size_t bytes, const char *ascii) {
  size_t n = strlen(ascii);
  for (size_t i = 0; i < bytes; i++) {
    char expected = i < n ? ascii[i] : ' ';
    if (from_ebcdic(p[i]) != expected) {
      return 0;
    }
  }
  return n <= bytes;
}

/* The 8-byte token name of a field (its first 8 data bytes) in ASCII. */
static void token_name(const Field *f, char out[9]) {
  memset(out, 0, 9);
  for (size_t i = 0; i < 8 && i < f->bytes; i++) {
    out[i] = from_ebcdic(f->data[i]);
  }
  for (int i = 7; i >= 0 && out[i] == ' '; i--) {
    out[i] = 0;
  }
}

/* A triplet in data[from..bytes): returns its offset or -1. */
static long find_triplet(const uint8_t *data, size_t bytes, size_t from, uint8_t tid,
                         int fqn_type) {
  size_t at = from;
  while (at + 2 <= bytes) {
    uint8_t length = data[at];
    if (length < 2 || at + length > bytes) {
      return -1;
    }
    if (data[at + 1] == tid && (fqn_type < 0 || (length >= 3 && data[at + 2] == fqn_type))) {
      return (long)at;
    }
    at += length;
  }
  return -1;
}

/* Whether triplets data[from..bytes) tile the range exactly. */
static int triplets_tile(const uint8_t *data, size_t bytes, size_t from) {
  size_t at = from;
  while (at < bytes) {
    if (data[at] < 2 || at + data[at] > bytes) {
      return 0;
    }
    at += data[at];
  }
  return at == bytes;
}

static uint32_t be16(const uint8_t *p) { return (uint32_t)p[0] << 8 | p[1]; }
static uint32_t be24(const uint8_t *p) { return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2]; }

/* Begin/end pairs nest and their names match (an end may omit its name). */
static int check_nesting(const Fields *fields) {
  const Field *stack[64];
  int depth = 0;
  for (int i = 0; i < fields->count; i++) {
    const Field *f = &fields->items[i];
    uint8_t type = (uint8_t)(f->id >> 8);
    if (type == 0xA8) {
      if (depth == 64) return 0;
      stack[depth++] = f;
    } else if (type == 0xA9) {
      if (depth == 0) return 0;
      const Field *begin = stack[--depth];
      if ((begin->id & 0xFF) != (f->id & 0xFF)) {
        fprintf(stderr, "end %06X closes begin %06X\n", (unsigned)f->id, (unsigned)begin->id);
        return 0;
      }
      if (f->bytes >= 8 && !(f->data[0] == 0xFF && f->data[1] == 0xFF) &&
          (begin->bytes < 8 || memcmp(begin->data, f->data, 8) != 0)) {
        fprintf(stderr, "end %06X: name differs from its begin's\n", (unsigned)f->id);
        return 0;
      }
    }
  }
  return depth == 0;
}

/* ---- PTOCA ------------------------------------------------------------------ */

typedef struct Ptoca {
  int ptx_count;
  int well_formed;            /* each PTX: 2BD3, chained odd types, last an unchained NOP */
  int scfl[16];
  int scfl_count;
  int32_t amb[32];
  int amb_count;
  int32_t ami[64];
  int ami_count;
  int sec_count;
  int trn_count;
  int trn_max;                /* largest TRN length byte */
  uint8_t text[8192];         /* TRN data, concatenated */
  size_t text_bytes;
  int ami_before_trn[64];     /* per TRN: number of AMIs seen before it */
} Ptoca;

static void ptoca_parse(const Fields *fields, int from, int to, Ptoca *out) {
  memset(out, 0, sizeof *out);
  out->well_formed = 1;
  for (int i = from; i < to && i < fields->count; i++) {
    const Field *f = &fields->items[i];
    if (f->id != PR_SF_PTX) {
      continue;
    }
    out->ptx_count++;
    if (f->flags != 0 || f->bytes < 4 || f->data[0] != 0x2B || f->data[1] != 0xD3) {
      out->well_formed = 0;
      continue;
    }
    size_t at = 2;
    int last_type = -1;
    while (at < f->bytes) {
      uint8_t length = f->data[at];
      if (length < 2 || at + length > f->bytes) {
        out->well_formed = 0;
        break;
      }
      uint8_t type = f->data[at + 1];
      const uint8_t *p = f->data + at + 2;
      bool last = at + length == f->bytes;
      if (!last && (type & 1) == 0) {
        out->well_formed = 0;       /* unchained before the end of the chain */
      }
      if (last && type != 0xF8) {
        out->well_formed = 0;
      }
      if ((type | 1) == 0xF1 && length == 3 && out->scfl_count < 16) {
        out->scfl[out->scfl_count++] = p[0];
      } else if ((type | 1) == 0xD3 && length == 4 && out->amb_count < 32) {
        out->amb[out->amb_count++] = (int32_t)be16(p);
      } else if ((type | 1) == 0xC7 && length == 4 && out->ami_count < 64) {
        out->ami[out->ami_count++] = (int32_t)be16(p);
      } else if ((type | 1) == 0x81) {
        out->sec_count++;
      } else if ((type | 1) == 0xDB) {
        if (out->trn_count < 64) {
          out->ami_before_trn[out->trn_count] = out->ami_count;
        }
        out->trn_count++;
        if (length > out->trn_max) out->trn_max = length;
        if (out->text_bytes + length - 2 <= sizeof out->text) {
          memcpy(out->text + out->text_bytes, p, length - 2u);
          out->text_bytes += length - 2u;
        }
      }
      last_type = type;
      at += length;
    }
    if (last_type != 0xF8) {
      out->well_formed = 0;
    }
  }
}

/* ---- fixtures ------------------------------------------------------------- */

static uint8_t *read_file(const char *path, size_t *size_bytes) {
  FILE *file = fopen(path, "rb");
  if (file == NULL) {
    return NULL;
  }
  fseek(file, 0, SEEK_END);
  long size = ftell(file);
  fseek(file, 0, SEEK_SET);
  uint8_t *data = malloc(size > 0 ? (size_t)size : 1);
  size_t got = data != NULL ? fread(data, 1, (size_t)size, file) : 0;
  fclose(file);
  *size_bytes = got;
  return data;
}

static PrFont *load_font(const char *path) {
  size_t size = 0;
  uint8_t *data = read_file(path, &size);
  PrFont *font = NULL;
  PrError error;
  if (data == NULL || PrFont_create(data, size, 0, &font, &error) != PR_OK) {
    fprintf(stderr, "cannot load %s\n", path);
    font = NULL;
  }
  free(data);
  return font;
}

typedef struct Fixture {
  PrFont *font;
  PrPlan *plan;
  uint32_t f_sans;
  uint16_t units_per_em;
} Fixture;

static int fixture_init(Fixture *fx) {
  memset(fx, 0, sizeof *fx);
  PrError error;
  fx->font = load_font(FONT_DIR "DejaVuSans.ttf");
  if (fx->font == NULL) {
    return 0;
  }
  PrFontInfo info;
  PrFont_info(fx->font, &info);
  fx->units_per_em = info.units_per_em;
  CHECK_OK(PrPlan_create(595.28f, 841.89f, &fx->plan, &error), &error);
  CHECK_OK(PrPlan_addFont(fx->plan, fx->font, &fx->f_sans, &error), &error);
  CHECK_OK(PrPlan_finish(fx->plan, &error), &error);
  return fx->plan != NULL;
}

static void fixture_free(Fixture *fx) {
  PrPlan_destroy(fx->plan);
  PrFont_destroy(fx->font);
}

static PrColor gray(float level) {
  PrColor color = {PR_COLOR_GRAY, {level, 0, 0, 0}};
  return color;
}

static uint32_t next_utf8(const char **text) {
  const uint8_t *p = (const uint8_t *)*text;
  uint32_t cp;
  int extra;
  if (p[0] < 0x80) { cp = p[0]; extra = 0; }
  else if (p[0] < 0xE0) { cp = p[0] & 0x1F; extra = 1; }
  else if (p[0] < 0xF0) { cp = p[0] & 0x0F; extra = 2; }
  else { cp = p[0] & 0x07; extra = 3; }
  for (int i = 1; i <= extra; i++) {
    cp = cp << 6 | (p[i] & 0x3F);
  }
  *text += 1 + extra;
  return cp;
}

/* A glyph run of UTF-8 text, no kerning; extra_milli_em after glyph
 * `extra_at` (-1: none). */
static PrItem *add_text(PrDisplayList *list, const Fixture *fx, float size_pt, float x_pt,
                        float y_pt, const char *text, int extra_at, int extra_milli) {
  size_t count = 0;
  for (const char *p = text; *p != 0; count++) {
    next_utf8(&p);
  }
  uint32_t first = (uint32_t)list->glyph_count;
  PrGlyph *glyphs = PrDisplayList_addGlyphs(list, count);
  PrItem *item = PrDisplayList_addItem(list, PR_ITEM_GLYPHS);
  if (glyphs == NULL || item == NULL) {
    return NULL;
  }
  const char *p = text;
  for (size_t k = 0; k < count; k++) {
    uint32_t cp = next_utf8(&p);
    glyphs[k].id = PrFont_glyph(fx->font, cp);
    glyphs[k].codepoint = cp;
    glyphs[k].extra_milli_em = (int)k == extra_at ? (int16_t)extra_milli : 0;
  }
  item->resource = fx->f_sans;
  item->x_pt = x_pt;
  item->y_pt = y_pt;
  item->size_pt = size_pt;
  item->color = gray(0);
  item->first_glyph = first;
  item->glyph_count = (uint32_t)count;
  return item;
}

/* The UTF-16BE of UTF-8 text. */
static size_t utf16be(const char *text, uint8_t *out) {
  size_t n = 0;
  while (*text != 0) {
    uint32_t cp = next_utf8(&text);
    if (cp >= 0x10000) {
      uint32_t v = cp - 0x10000;
      uint32_t high = 0xD800 + (v >> 10), low = 0xDC00 + (v & 0x3FF);
      out[n++] = (uint8_t)(high >> 8);
      out[n++] = (uint8_t)high;
      cp = low;
    }
    out[n++] = (uint8_t)(cp >> 8);
    out[n++] = (uint8_t)cp;
  }
  return n;
}

/* Appends what the writer has produced to copy and consumes it. */
static void drain(PrAfpWriter *writer, PrBuffer *copy) {
  const uint8_t *data;
  size_t size;
  PrAfpWriter_output(writer, &data, &size);
  PrBuffer_append(copy, data, size);
  PrAfpWriter_consume(writer);
}

/* ---- 1. afp_sf.c ----------------------------------------------------------- */

static const char kCp500Hex[] =
    "00010203372d2e2f1605250b0c0d0e0f101112133c3d322618193f271c1d1e1f404f7f7b5b6c507d4d5d5c4e6b6"
    "04b61f0f1f2f3f4f5f6f7f8f97a5e4c7e6e6f7cc1c2c3c4c5c6c7c8c9d1d2d3d4d5d6d7d8d9e2e3e4e5e6e7e8e94"
    "ae05a5f6d79818283848586878889919293949596979899a2a3a4a5a6a7a8a9c0bbd0a107202122232415061728"
    "292a2b2c090a1b30311a333435360838393a3b04143eff41aab0b19fb26ab5bdb49a8abacaafbc908feafabea0b6"
    "b39dda9b8bb7b8b9ab6465626663679e687471727378757677ac69edeeebefecbf80fdfefbfcadae594445424643"
    "479c4854515253585556578c49cdcecbcfcce170dddedbdc8d8edf";   /* Python's cp500 codec */

static void test_framing(void) {
  PrBuffer out;
  PrBuffer_init(&out);
  /* An empty structured field: the introducer alone, length 8. */
  PrAfpSf sf;
  PrAfpSf_begin(&out, PR_SF_BAG, &sf);
  PrAfpSf_end(&out, &sf);
  static const uint8_t empty[] = {0x5A, 0x00, 0x08, 0xD3, 0xA8, 0xC9, 0x00, 0x00, 0x00};
  CHECK(out.size_bytes == sizeof empty && memcmp(out.data, empty, sizeof empty) == 0);

  /* 70,000 bytes after 9 already there: three segments of one id. */
  size_t total = 70000;
  uint8_t *data = malloc(total);
  for (size_t i = 0; i < total; i++) {
    data[i] = (uint8_t)(i * 7 + (i >> 9));
  }
  PrAfpSf_begin(&out, PR_SF_OCD, &sf);
  CHECK(sf.start == sizeof empty && sf.id == PR_SF_OCD);
  PrBuffer_append(&out, data, total);
  PrAfpSf_end(&out, &sf);
  CHECK(out.size_bytes == sizeof empty + total + 3 * 9);
  Fields fields;
  fields_parse(&fields, out.data, out.size_bytes);
  CHECK(!fields.broken && fields.count == 4);
  if (!fields.broken && fields.count == 4) {
    CHECK(fields.items[0].id == PR_SF_BAG && fields.items[0].bytes == 0);
    CHECK(fields.items[1].id == PR_SF_OCD && fields.items[2].id == PR_SF_OCD &&
          fields.items[3].id == PR_SF_OCD);
    CHECK(fields.items[1].flags == 0x20 && fields.items[2].flags == 0x20 &&
          fields.items[3].flags == 0x00);
    CHECK(fields.items[1].length == 32767 && fields.items[2].length == 32767);
    CHECK(fields.items[3].length == 8 + total - 2 * 32759);
    uint8_t *joined = malloc(total);
    size_t n = 0;
    for (int i = 1; i < 4; i++) {
      memcpy(joined + n, fields.items[i].data, fields.items[i].bytes);
      n += fields.items[i].bytes;
    }
    CHECK(n == total && memcmp(joined, data, total) == 0);
    free(joined);
  }
  fields_free(&fields);

  /* The boundary: 32,759 bytes fit one field, 32,760 need two. */
  PrBuffer_clear(&out);
  PrAfpSf_write(&out, PR_SF_GAD, data, PR_AFP_SF_MAX_DATA_BYTES);
  fields_parse(&fields, out.data, out.size_bytes);
  CHECK(fields.count == 1 && fields.items[0].length == 32767 && fields.items[0].flags == 0);
  fields_free(&fields);
  PrBuffer_clear(&out);
  PrAfpSf_write(&out, PR_SF_GAD, data, PR_AFP_SF_MAX_DATA_BYTES + 1);
  fields_parse(&fields, out.data, out.size_bytes);
  CHECK(fields.count == 2 && fields.items[0].flags == 0x20 && fields.items[1].flags == 0 &&
        fields.items[1].bytes == 1 && fields.items[1].data[0] == data[PR_AFP_SF_MAX_DATA_BYTES]);
  fields_free(&fields);

  /* Chunked: as many whole fields as needed, none flagged. */
  PrBuffer_clear(&out);
  PrAfpSf_writeChunked(&out, PR_SF_OCD, data, total);
  fields_parse(&fields, out.data, out.size_bytes);
  CHECK(!fields.broken && fields.count == 3);
  size_t joined_bytes = 0;
  int same = 1;
  for (int i = 0; i < fields.count; i++) {
    const Field *f = &fields.items[i];
    same = same && f->id == PR_SF_OCD && f->flags == 0 &&
           memcmp(f->data, data + joined_bytes, f->bytes) == 0;
    joined_bytes += f->bytes;
  }
  CHECK(same && joined_bytes == total);
  fields_free(&fields);
  /* Exactly one field's worth, and a tiny one. */
  PrBuffer_clear(&out);
  PrAfpSf_writeChunked(&out, PR_SF_NOP, data, PR_AFP_SF_MAX_DATA_BYTES);
  PrAfpSf_writeChunked(&out, PR_SF_NOP, data, 3);
  fields_parse(&fields, out.data, out.size_bytes);
  CHECK(fields.count == 2 && fields.items[0].bytes == PR_AFP_SF_MAX_DATA_BYTES &&
        fields.items[1].bytes == 3 && fields.items[1].flags == 0);
  fields_free(&fields);
  free(data);
  PrBuffer_free(&out);
}

static void test_names_units(void) {
  CHECK(PrAfp_checkName("A"));
  CHECK(PrAfp_checkName("ABCDEFGH"));
  CHECK(PrAfp_checkName("@#$09XYZ"));
  CHECK(!PrAfp_checkName(""));
  CHECK(!PrAfp_checkName(NULL));
  CHECK(!PrAfp_checkName("ABCDEFGHI"));
  CHECK(!PrAfp_checkName("abc"));
  CHECK(!PrAfp_checkName("A B"));
  CHECK(!PrAfp_checkName("A-B"));
  CHECK(!PrAfp_checkName("\xC3\x89"));

  PrBuffer out;
  PrBuffer_init(&out);
  PrAfp_putName8(&out, "F1");
  static const uint8_t f1[8] = {0xC6, 0xF1, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40};
  CHECK(out.size_bytes == 8 && memcmp(out.data, f1, 8) == 0);
  PrBuffer_clear(&out);
  PrAfp_putName8(&out, "ABCDEFGHIJ");   /* truncated at 8 */
  static const uint8_t abc[8] = {0xC1, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8};
  CHECK(out.size_bytes == 8 && memcmp(out.data, abc, 8) == 0);
  PrBuffer_clear(&out);
  PrAfp_putName8(&out, NULL);
  static const uint8_t blanks[8] = {0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40};
  CHECK(out.size_bytes == 8 && memcmp(out.data, blanks, 8) == 0);
  PrBuffer_clear(&out);
  PrAfp_putName8(&out, "a@#$\xC3");    /* lower case, specials; a byte over 0x7F is '?' */
  static const uint8_t specials[8] = {0x81, 0x7C, 0x7B, 0x5B, 0x6F, 0x40, 0x40, 0x40};
  CHECK(out.size_bytes == 8 && memcmp(out.data, specials, 8) == 0);

  /* The whole Latin-1 to code page 500 table. */
  int table_ok = 1;
  for (int c = 0; c < 256; c++) {
    unsigned expected = 0;
    sscanf(kCp500Hex + 2 * c, "%2x", &expected);
    table_ok = table_ok && PrAfp_ebcdic((uint8_t)c) == expected;
  }
  CHECK(table_ok);

  uint32_t cps[8];
  const char *accents = "\xC3\xA9 \xC3\xBC \xC3\x9F \xC2\xA0";   /* é ü ß nbsp */
  CHECK(PrAfp_utf8Decode((const uint8_t *)accents, strlen(accents), cps, 8) == 7);
  CHECK(cps[0] == 0xE9 && cps[2] == 0xFC && cps[4] == 0xDF && cps[6] == 0xA0);
  CHECK(PrAfp_utf8Decode((const uint8_t *)"\xC5\x81\xE2\x82\xAC", 5, cps, 8) == 2);
  CHECK(cps[0] == 0x141 && cps[1] == 0x20AC);
  CHECK(PrAfp_utf8Decode((const uint8_t *)"A\xC3", 2, cps, 8) == 2 && cps[1] == 0xFFFD);
  CHECK(PrAfp_utf8Decode((const uint8_t *)"\xC3" "A", 2, cps, 8) == 2 && cps[0] == 0xFFFD);
  CHECK(PrAfp_utf8Decode((const uint8_t *)"\xED\xA0\x80", 3, cps, 8) == 1 && cps[0] == 0xFFFD);
  CHECK(PrAfp_utf8Decode((const uint8_t *)"abc", 3, cps, 2) == 2);

  PrBuffer_clear(&out);
  PrAfp_putFqnName(&out, 0x85, "T1V10500");
  static const uint8_t fqn[] = {12, 0x02, 0x85, 0x00, 0xE3, 0xF1, 0xE5, 0xF1, 0xF0, 0xF5, 0xF0, 0xF0};
  CHECK(out.size_bytes == sizeof fqn && memcmp(out.data, fqn, sizeof fqn) == 0);
  PrBuffer_free(&out);

  CHECK(PrAfp_units(0.0f) == 0);
  CHECK(PrAfp_units(1.0f) == 20);
  CHECK(PrAfp_units(72.0f) == 1440);
  CHECK(PrAfp_units(12.3f) == 246);
  CHECK(PrAfp_units(0.026f) == 1);      /* 0.52 units: up */
  CHECK(PrAfp_units(0.024f) == 0);      /* 0.48 units: down */
  CHECK(PrAfp_units(-0.026f) == -1);
  CHECK(PrAfp_units(0.075f) == 2);      /* 1.5 (float 1.50000006): up */
  CHECK(PrAfp_units(595.28f) == 11906);
  CHECK(PrAfp_units(NAN) == 0);
  CHECK(PrAfp_units(INFINITY) == 8388607);
  CHECK(PrAfp_units(-INFINITY) == -8388608);
  CHECK(PrAfp_units(1e30f) == 8388607);
  CHECK(PrAfp_units(-1e30f) == -8388608);
  CHECK(PrAfp_units(419430.3f) == 8388606);   /* just inside */
  CHECK(PrAfp_units(419431.0f) == 8388607);   /* just outside: clamped */
}

/* ---- 2. a whole print file --------------------------------------------- */

static const char *kTagNames[2] = {"Account", "Name"};
static const char kFullName[] = "DejaVu Sans";
/* Document 1: Latin-1 tags; document 2: a name beyond Latin-1. */
static const char kTags1[] = "12345" "Zo\xC3\xAB";
static const uint64_t kOffsets1[3] = {0, 5, 9};
static const char kTags2[] = "67890" "\xC5\x81ukasz";
static const uint64_t kOffsets2[3] = {0, 5, 12};

/* Page text: a 10 pt run with extra space after glyph 4 (an AMI mid-run)
 * and a 14 pt run. */
#define RUN1 "Hello World"
#define RUN1_EXTRA_AT 4
#define RUN1_EXTRA 150
#define RUN2 "Gr\xC3\xB6\xC3\x9F" "e \xE2\x82\xAC 10"
static void build_page(const Fixture *fx, PrDisplayList *list, int page) {
  PrDisplayList_addPage(list, 595.28f, 841.89f);
  add_text(list, fx, 10, 56, 100 + (float)page, RUN1, RUN1_EXTRA_AT, RUN1_EXTRA);
  add_text(list, fx, 14, 56.5f, 130, RUN2, -1, 0);
}

/* Writes the statement file (2 documents: 2 pages, 1 page) into copy. */
static void write_statement(const Fixture *fx, PrBuffer *copy) {
  PrError error;
  PrAfpOptions options;
  memset(&options, 0, sizeof options);
  options.document_name = "STMT01";
  options.tag_names = kTagNames;
  options.tag_count = 2;
  const char *font_names[1] = {kFullName};
  options.font_names = font_names;
  PrAfpWriter *writer = NULL;
  CHECK_OK(PrAfpWriter_create(fx->plan, &options, &writer, &error), &error);
  if (writer == NULL) {
    return;
  }
  PrDocWriter doc;
  PrAfpWriter_docWriter(writer, &doc);
  PrDisplayList list;
  PrDisplayList_init(&list);
  PrDocTags tags1 = {(const uint8_t *)kTags1, kOffsets1, 2};
  PrDocTags tags2 = {(const uint8_t *)kTags2, kOffsets2, 2};
  const PrDocTags *tags[2] = {&tags1, &tags2};
  int pages[2] = {2, 1};
  for (int d = 0; d < 2; d++) {
    PrDisplayList_reset(&list);
    for (int p = 0; p < pages[d]; p++) {
      build_page(fx, &list, p);
    }
    CHECK_OK(PrDisplayList_check(&list, &error), &error);
    CHECK_OK(doc.beginDocument(doc.self, d, tags[d], &error), &error);
    for (int p = 0; p < pages[d]; p++) {
      CHECK_OK(doc.writePage(doc.self, &list, (uint32_t)p, -1, &error), &error);
    }
    CHECK_OK(doc.endDocument(doc.self, &error), &error);
    drain(writer, copy);
  }
  CHECK(doc.pageCount(doc.self) == 3 && PrAfpWriter_pageCount(writer) == 3);
  CHECK_OK(PrAfpWriter_finish(writer, &error), &error);
  drain(writer, copy);
  CHECK(PrAfpWriter_bytesWritten(writer) == copy->size_bytes);
  PrDisplayList_free(&list);
  PrAfpWriter_destroy(writer);
}

typedef struct TleValue {
  char name[64];
  const uint8_t *value;
  size_t value_bytes;
  int ccsid;            /* of an X'01' triplet in the TLE, 0 if none */
  long ccsid_at, value_at;
} TleValue;

static int decode_tle(const Field *f, TleValue *out) {
  memset(out, 0, sizeof *out);
  if (!triplets_tile(f->data, f->bytes, 0)) {
    return 0;
  }
  long name = find_triplet(f->data, f->bytes, 0, 0x02, 0x0B);
  long value = find_triplet(f->data, f->bytes, 0, 0x36, -1);
  long ccsid = find_triplet(f->data, f->bytes, 0, 0x01, -1);
  if (name < 0 || value < 0) {
    return 0;
  }
  size_t name_bytes = f->data[name] - 4u;
  for (size_t i = 0; i < name_bytes && i < 63; i++) {
    out->name[i] = from_ebcdic(f->data[name + 4 + (long)i]);
  }
  if (f->data[name + 3] != 0x00 || f->data[value + 2] != 0 || f->data[value + 3] != 0) {
    return 0;
  }
  out->value = f->data + value + 4;
  out->value_bytes = f->data[value] - 4u;
  out->value_at = value;
  if (ccsid >= 0 && f->data[ccsid] == 6 && be16(f->data + ccsid + 2) == 0) {
    out->ccsid = (int)be16(f->data + ccsid + 4);
    out->ccsid_at = ccsid;
  }
  return 1;
}

static const uint8_t kTrueTypeClass[24] = {
    24, 0x10, 0x00, 0x41, 0x00, 0x00, 0xDC, 0x00, 0x06, 0x07, 0x2B, 0x12,
    0x00, 0x04, 0x01, 0x01, 0x33, 0, 0, 0, 0, 0, 0, 0};

typedef struct MdrGroup {
  int local_id;
  int size_units;
  int flags;              /* X'8B' DOFtFlgs */
  int ccsid;
  int ccsid_first;        /* the X'01' precedes the X'DE' name */
  int has_class;
  const uint8_t *name;    /* the X'DE' name's bytes */
  size_t name_bytes;
} MdrGroup;

static int decode_mdr(const Field *f, MdrGroup *groups, int capacity) {
  size_t at = 0;
  int count = 0;
  while (at + 2 <= f->bytes && count < capacity) {
    size_t length = be16(f->data + at);
    if (length < 2 || at + length > f->bytes || !triplets_tile(f->data, at + length, at + 2)) {
      return -1;
    }
    MdrGroup *g = &groups[count++];
    memset(g, 0, sizeof *g);
    const uint8_t *d = f->data;
    size_t end = at + length;
    long t = find_triplet(d, end, at + 2, 0x02, 0xBE);
    g->local_id = t >= 0 && d[t] == 5 ? d[t + 4] : -1;
    t = find_triplet(d, end, at + 2, 0x8B, -1);
    g->size_units = t >= 0 && d[t] == 16 && d[t + 3] == 0x20 ? (int)be16(d + t + 4) : -1;
    g->flags = t >= 0 && d[t] == 16 ? d[t + 2] : -1;
    long ccsid = find_triplet(d, end, at + 2, 0x01, -1);
    g->ccsid = ccsid >= 0 && d[ccsid] == 6 ? (int)be16(d + ccsid + 4) : -1;
    g->has_class = find_triplet(d, end, at + 2, 0x10, -1) >= 0 &&
                   memcmp(d + find_triplet(d, end, at + 2, 0x10, -1), kTrueTypeClass, 24) == 0;
    t = find_triplet(d, end, at + 2, 0x02, 0xDE);
    if (t >= 0 && d[t + 3] == 0x00) {
      g->name = d + t + 4;
      g->name_bytes = d[t] - 4u;
      g->ccsid_first = ccsid >= 0 && ccsid < t;
    }
    at = end;
  }
  return at == f->bytes ? count : -1;
}


/* The AMI values of RUN1: at its x, then after the glyph with extra space. */
static void run1_moves(const Fixture *fx, int32_t *first, int32_t *second) {
  double x = 56, em = 10, unit = em / fx->units_per_em;
  *first = PrAfp_units((float)x);
  const char *p = RUN1;
  for (int k = 0; k <= RUN1_EXTRA_AT; k++) {
    uint32_t cp = next_utf8(&p);
    x += PrFont_advance(fx->font, PrFont_glyph(fx->font, cp)) * unit;
  }
  x += RUN1_EXTRA * em / 1000.0;
  *second = (int32_t)lround(x * 20);
}

static void check_page(const Fixture *fx, const Fields *fields, int bpg, int epg, int page) {
  char name[9];
  /* BAG MDR PGD PTD EAG BPT PTX.. EPT EPG */
  int at = bpg + 1;
  CHECK(fields->items[at].id == PR_SF_BAG && fields->items[at].bytes == 0);
  at++;
  CHECK(fields->items[at].id == PR_SF_MDR);
  MdrGroup groups[4];
  int group_count = fields->items[at].id == PR_SF_MDR ? decode_mdr(&fields->items[at], groups, 4) : -1;
  CHECK(group_count == 2);   /* two sizes of one font: two repeating groups */
  if (group_count == 2) {
    CHECK(groups[0].local_id == 1 && groups[1].local_id == 2);
    CHECK(groups[0].size_units == 200 && groups[1].size_units == 280);
    CHECK(groups[0].ccsid == 1200 && groups[1].ccsid == 1200);
    CHECK(groups[0].has_class && groups[1].has_class);
    CHECK(groups[0].flags == 0x40 && groups[1].flags == 0x40);   /* inline: the resource group */
    /* The font by its full name, UTF-16BE after the X'01' CCSID 1200 that
     * declares it (MO:DCA, using the MDR to map a TrueType font). */
    uint8_t full[64];
    size_t full_bytes = utf16be(kFullName, full);
    for (int g = 0; g < 2; g++) {
      CHECK(groups[g].ccsid_first && groups[g].name_bytes == full_bytes &&
            memcmp(groups[g].name, full, full_bytes) == 0);
    }
  }
  at++;
  const Field *pgd = &fields->items[at];
  CHECK(pgd->id == PR_SF_PGD && pgd->bytes == 15);
  if (pgd->id == PR_SF_PGD && pgd->bytes == 15) {
    static const uint8_t units[6] = {0x00, 0x00, 0x38, 0x40, 0x38, 0x40};   /* 14,400 / 10 in */
    CHECK(memcmp(pgd->data, units, 6) == 0);
    CHECK(be24(pgd->data + 6) == 11906 && be24(pgd->data + 9) == 16838);
    CHECK(be24(pgd->data + 12) == 0);
  }
  at++;
  const Field *ptd = &fields->items[at];
  CHECK(ptd->id == PR_SF_PTD && ptd->bytes == 14);
  if (ptd->id == PR_SF_PTD && ptd->bytes == 14) {
    CHECK(memcmp(ptd->data, pgd->data, 12) == 0 && be16(ptd->data + 12) == 0);
  }
  at++;
  CHECK(fields->items[at].id == PR_SF_EAG);
  at++;
  CHECK(fields->items[at].id == PR_SF_BPT);
  token_name(&fields->items[at], name);
  CHECK(strcmp(name, "T0000001") == 0);
  int ept = index_of(fields, PR_SF_EPT, at);
  CHECK(ept > at && ept + 1 == epg);

  Ptoca text;
  ptoca_parse(fields, at, ept, &text);
  CHECK(text.ptx_count == 1 && text.well_formed);
  /* SCFL selects the MDR's local ids, in order. */
  CHECK(text.scfl_count == 2 && text.scfl[0] == 1 && text.scfl[1] == 2);
  /* AMB: the baselines. */
  CHECK(text.amb_count == 2 && text.amb[0] == PrAfp_units(100 + (float)page) &&
        text.amb[1] == 2600);
  /* AMI: each run's start, and one mid-run after the glyph with extra space. */
  int32_t first, second;
  run1_moves(fx, &first, &second);
  CHECK(text.ami_count == 3);
  if (text.ami_count == 3) {
    CHECK(text.ami[0] == first && text.ami[0] == 1120);
    CHECK(abs(text.ami[1] - second) <= 1);
    CHECK(text.ami[2] == 1130);    /* 56.5 pt */
  }
  /* TRN: three (the first run split by its AMI), the glyphs' code points. */
  CHECK(text.trn_count == 3);
  if (text.trn_count == 3) {
    CHECK(text.ami_before_trn[0] == 1 && text.ami_before_trn[1] == 2 &&
          text.ami_before_trn[2] == 3);
  }
  uint8_t expected[128];
  size_t n = utf16be(RUN1 RUN2, expected);
  CHECK(text.text_bytes == n && memcmp(text.text, expected, n) == 0);
  /* The colour (gray 0, as RGB) once per text object. */
  CHECK(text.sec_count == 1);
}

static void test_print_file(const Fixture *fx) {
  PrBuffer copy;
  PrBuffer_init(&copy);
  write_statement(fx, &copy);
  Fields fields;
  fields_parse(&fields, copy.data, copy.size_bytes);
  CHECK(!fields.broken && fields.count > 20);
  if (fields.broken || fields.count <= 20) {
    fields_free(&fields);
    PrBuffer_free(&copy);
    return;
  }
  CHECK(check_nesting(&fields));

  /* The sequence of fields, OCDs and page content collapsed. */
  static const uint32_t expected[] = {
      PR_SF_BRG, PR_SF_BRS, PR_SF_BOC, PR_SF_OCD, PR_SF_EOC, PR_SF_ERS, PR_SF_ERG, PR_SF_BDT,
      PR_SF_BNG, PR_SF_TLE, PR_SF_TLE,
      PR_SF_BPG, PR_SF_BAG, PR_SF_MDR, PR_SF_PGD, PR_SF_PTD, PR_SF_EAG, PR_SF_BPT, PR_SF_PTX,
      PR_SF_EPT, PR_SF_EPG,
      PR_SF_BPG, PR_SF_BAG, PR_SF_MDR, PR_SF_PGD, PR_SF_PTD, PR_SF_EAG, PR_SF_BPT, PR_SF_PTX,
      PR_SF_EPT, PR_SF_EPG,
      PR_SF_ENG,
      PR_SF_BNG, PR_SF_TLE, PR_SF_TLE,
      PR_SF_BPG, PR_SF_BAG, PR_SF_MDR, PR_SF_PGD, PR_SF_PTD, PR_SF_EAG, PR_SF_BPT, PR_SF_PTX,
      PR_SF_EPT, PR_SF_EPG,
      PR_SF_ENG, PR_SF_EDT};
  size_t expected_count = sizeof expected / sizeof expected[0];
  uint32_t seen[128];
  size_t seen_count = 0;
  for (int i = 0; i < fields.count && seen_count < 128; i++) {
    uint32_t id = fields.items[i].id;
    if (id == PR_SF_OCD && seen_count > 0 && seen[seen_count - 1] == PR_SF_OCD) {
      continue;
    }
    seen[seen_count++] = id;
  }
  CHECK(seen_count == expected_count &&
        memcmp(seen, expected, expected_count * sizeof expected[0]) == 0);
  if (!(seen_count == expected_count)) {
    for (size_t i = 0; i < seen_count; i++) {
      fprintf(stderr, "%06X ", (unsigned)seen[i]);
    }
    fprintf(stderr, "\n");
  }

  char name[9];
  token_name(&fields.items[0], name);
  CHECK(strcmp(name, "PRESSRUN") == 0);

  /* The font resource: BRS name, reserved, X'21' object container, the
   * full font name (FQN X'01', UTF-16BE after X'01' CCSID 1200: what MDRs
   * match), the TrueType class; OCDs carry the file. */
  const Field *brs = &fields.items[1];
  CHECK(ebcdic_is(brs->data, 8, "PRF00001") && be16(brs->data + 8) == 0);
  CHECK(triplets_tile(brs->data, brs->bytes, 10));
  long t = find_triplet(brs->data, brs->bytes, 10, 0x21, -1);
  CHECK(t == 10 && brs->data[t] == 10 && brs->data[t + 2] == 0x92);
  long ccsid = find_triplet(brs->data, brs->bytes, 10, 0x01, -1);
  t = find_triplet(brs->data, brs->bytes, 10, 0x02, 0x01);
  uint8_t full[64];
  size_t full_bytes = utf16be(kFullName, full);
  CHECK(ccsid > 0 && t > ccsid && be16(brs->data + ccsid + 4) == 1200);
  CHECK(t > 0 && brs->data[t] == 4 + full_bytes && brs->data[t + 3] == 0 &&
        memcmp(brs->data + t + 4, full, full_bytes) == 0);
  t = find_triplet(brs->data, brs->bytes, 10, 0x10, -1);
  CHECK(t > 0 && memcmp(brs->data + t, kTrueTypeClass, 24) == 0);
  const Field *boc = &fields.items[2];
  CHECK(boc->bytes == 8 + 24 && ebcdic_is(boc->data, 8, "PRF00001") &&
        memcmp(boc->data + 8, kTrueTypeClass, 24) == 0);
  size_t font_bytes = 0;
  const uint8_t *font_data = PrFont_data(fx->font, &font_bytes);
  int eoc = index_of(&fields, PR_SF_EOC, 0);
  CHECK(eoc > 3);
  size_t at = 0;
  int ocd_ok = 1;
  for (int i = 3; i < eoc; i++) {
    const Field *f = &fields.items[i];
    ocd_ok = ocd_ok && f->id == PR_SF_OCD && f->flags == 0 && at + f->bytes <= font_bytes &&
             memcmp(f->data, font_data + at, f->bytes) == 0;
    at += f->bytes;
  }
  CHECK(ocd_ok && at == font_bytes && font_bytes > 100000);
  CHECK(eoc - 3 == (int)((font_bytes + PR_AFP_SF_MAX_DATA_BYTES - 1) / PR_AFP_SF_MAX_DATA_BYTES));

  /* BDT: name, 2 reserved bytes, X'01' CCSID 500. */
  int bdt_at = index_of(&fields, PR_SF_BDT, 0);
  const Field *bdt = &fields.items[bdt_at];
  static const uint8_t bdt_tail[] = {0x00, 0x00, 6, 0x01, 0x00, 0x00, 0x01, 0xF4};
  CHECK(bdt->bytes == 8 + sizeof bdt_tail && ebcdic_is(bdt->data, 8, "STMT01") &&
        memcmp(bdt->data + 8, bdt_tail, sizeof bdt_tail) == 0);
  const Field *edt = &fields.items[fields.count - 1];
  CHECK(edt->id == PR_SF_EDT && edt->bytes == 8 && ebcdic_is(edt->data, 8, "STMT01"));

  /* Page groups: names, their TLEs. */
  int bng1 = index_of(&fields, PR_SF_BNG, 0);
  int bng2 = index_of(&fields, PR_SF_BNG, bng1 + 1);
  CHECK(bng1 > 0 && bng2 > bng1);
  if (bng1 > 0 && bng2 > bng1) {
    token_name(&fields.items[bng1], name);
    CHECK(strcmp(name, "G0000001") == 0);
    token_name(&fields.items[bng2], name);
    CHECK(strcmp(name, "G0000002") == 0);
    TleValue tle;
    CHECK(decode_tle(&fields.items[bng1 + 1], &tle));
    CHECK(strcmp(tle.name, "Account") == 0 && tle.value_bytes == 5 &&
          memcmp(tle.value, "\xF1\xF2\xF3\xF4\xF5", 5) == 0 && tle.ccsid == 0);
    CHECK(decode_tle(&fields.items[bng1 + 2], &tle));
    CHECK(strcmp(tle.name, "Name") == 0 && tle.value_bytes == 3 &&
          memcmp(tle.value, "\xE9\x96\x53", 3) == 0 && tle.ccsid == 0);   /* Zoë in CP500 */
    CHECK(decode_tle(&fields.items[bng2 + 1], &tle));
    CHECK(strcmp(tle.name, "Account") == 0 && tle.value_bytes == 5 &&
          memcmp(tle.value, "\xF6\xF7\xF8\xF9\xF0", 5) == 0);
    CHECK(decode_tle(&fields.items[bng2 + 2], &tle));
    uint8_t lukasz[16];
    size_t lukasz_bytes = utf16be("\xC5\x81ukasz", lukasz);
    CHECK(strcmp(tle.name, "Name") == 0 && tle.value_bytes == lukasz_bytes &&
          memcmp(tle.value, lukasz, lukasz_bytes) == 0 && tle.ccsid == 1200);
    /* A TLE's X'01' applies to the strings after it (MO:DCA, TLE semantics):
     * it comes between the X'02' name and the X'36' value. */
    CHECK(tle.ccsid_at < tle.value_at);
  }

  /* Pages: BPG/EPG names, the environment, the text. */
  int page = 0;
  for (int i = 0; i < fields.count; i++) {
    if (fields.items[i].id != PR_SF_BPG) {
      continue;
    }
    int epg = index_of(&fields, PR_SF_EPG, i);
    char expected_name[9];
    snprintf(expected_name, sizeof expected_name, "P%07d", page + 1);
    token_name(&fields.items[i], name);
    CHECK(strcmp(name, expected_name) == 0);
    CHECK(epg > i && ebcdic_is(fields.items[epg].data, 8, expected_name));
    if (epg > i + 8) {
      check_page(fx, &fields, i, epg, page == 2 ? 0 : page);
    }
    page++;
  }
  CHECK(page == 3);
  fields_free(&fields);
  PrBuffer_free(&copy);
}

/* Long text: TRNs split at 253 bytes, PTXs at control-sequence boundaries. */
static void test_long_text(const Fixture *fx) {
  PrError error;
  PrAfpWriter *writer = NULL;
  CHECK_OK(PrAfpWriter_create(fx->plan, NULL, &writer, &error), &error);
  if (writer == NULL) {
    return;
  }
  PrDocWriter doc;
  PrAfpWriter_docWriter(writer, &doc);
  PrDisplayList list;
  PrDisplayList_init(&list);
  PrDisplayList_addPage(&list, 595.28f, 841.89f);
  char line[201];
  for (int i = 0; i < 200; i++) {
    line[i] = (char)('a' + i % 26);
  }
  line[200] = 0;
  size_t runs = 100;
  for (size_t r = 0; r < runs; r++) {
    add_text(&list, fx, 6, 20, 20 + (float)r * 7, line, -1, 0);
  }
  CHECK_OK(doc.beginDocument(doc.self, 0, NULL, &error), &error);
  CHECK_OK(doc.writePage(doc.self, &list, 0, -1, &error), &error);
  CHECK_OK(doc.endDocument(doc.self, &error), &error);
  CHECK_OK(PrAfpWriter_finish(writer, &error), &error);
  const uint8_t *data;
  size_t size;
  PrAfpWriter_output(writer, &data, &size);
  Fields fields;
  fields_parse(&fields, data, size);
  CHECK(!fields.broken);
  int bpt = index_of(&fields, PR_SF_BPT, 0), ept = index_of(&fields, PR_SF_EPT, 0);
  CHECK(bpt > 0 && ept > bpt);
  /* Text is 100 runs x (AMB AMI 2 TRNs) = 100 x 412 bytes: two PTXs. */
  Ptoca *text = malloc(sizeof *text);
  ptoca_parse(&fields, bpt, ept, text);
  CHECK(text->ptx_count == 2 && text->well_formed);
  CHECK(text->trn_count == 200 && text->trn_max == 254);   /* 126 glyphs */
  CHECK(text->scfl_count == 1 && text->amb_count == 32);   /* Ptoca keeps 32 */
  int flags_ok = 1, sizes_ok = 1;
  for (int i = bpt; i < ept; i++) {
    flags_ok = flags_ok && fields.items[i].flags == 0;
    sizes_ok = sizes_ok && fields.items[i].length <= 32767;
  }
  CHECK(flags_ok && sizes_ok);
  free(text);
  fields_free(&fields);
  PrDisplayList_free(&list);
  PrAfpWriter_destroy(writer);
}

/* A form (overlay): BRS X'FC' BMO .. EMO ERS in the resource group, MPO in
 * the page's environment, IPO at its place among the objects. */
static void test_overlay(const Fixture *fx) {
  PrError error;
  PrAfpWriter *writer = NULL;
  CHECK_OK(PrAfpWriter_create(fx->plan, NULL, &writer, &error), &error);
  if (writer == NULL) {
    return;
  }
  PrDocWriter doc;
  PrAfpWriter_docWriter(writer, &doc);
  PrDisplayList list;
  PrDisplayList_init(&list);
  PrDisplayList_addPage(&list, 595.28f, 841.89f);
  add_text(&list, fx, 8, 30, 30, "Letterhead", -1, 0);
  CHECK(!doc.hasForm(doc.self, 7));
  CHECK_OK(doc.defineForm(doc.self, 7, &list, 0, &error), &error);
  CHECK(doc.hasForm(doc.self, 7));
  CHECK(doc.defineForm(doc.self, 7, &list, 0, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "form 7") != NULL);
  PrDisplayList_reset(&list);
  PrDisplayList_addPage(&list, 595.28f, 841.89f);
  PrItem *form = PrDisplayList_addItem(&list, PR_ITEM_FORM);
  form->resource = 7;
  form->x_pt = 1;
  form->y_pt = 2;
  add_text(&list, fx, 10, 56, 100, "Body", -1, 0);
  CHECK_OK(doc.beginDocument(doc.self, 0, NULL, &error), &error);
  CHECK_OK(doc.writePage(doc.self, &list, 0, -1, &error), &error);
  CHECK_OK(doc.endDocument(doc.self, &error), &error);
  /* defineForm after the first page: the resource group is written. */
  CHECK(doc.defineForm(doc.self, 8, &list, 0, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "after the first page") != NULL);
  CHECK_OK(PrAfpWriter_finish(writer, &error), &error);
  const uint8_t *data;
  size_t size;
  PrAfpWriter_output(writer, &data, &size);
  Fields fields;
  fields_parse(&fields, data, size);
  CHECK(!fields.broken && check_nesting(&fields));
  int erg = index_of(&fields, PR_SF_ERG, 0);
  int bmo = index_of(&fields, PR_SF_BMO, 0);
  CHECK(bmo > 0 && bmo < erg);
  if (bmo > 1) {
    const Field *brs = &fields.items[bmo - 1];
    CHECK(brs->id == PR_SF_BRS && ebcdic_is(brs->data, 8, "PRO00001"));
    long t = find_triplet(brs->data, brs->bytes, 10, 0x21, -1);
    CHECK(t == 10 && brs->data[t + 2] == 0xFC);
    CHECK(ebcdic_is(fields.items[bmo].data, 8, "PRO00001"));
    CHECK(fields.items[bmo + 1].id == PR_SF_BAG);
  }
  const Field *mpo = find_id(&fields, PR_SF_MPO, erg);
  CHECK(mpo != NULL && mpo->bytes == 18);
  if (mpo != NULL && mpo->bytes == 18) {
    static const uint8_t group[] = {0x00, 0x12, 12, 0x02, 0x84, 0x00};
    CHECK(memcmp(mpo->data, group, sizeof group) == 0 &&
          ebcdic_is(mpo->data + 6, 8, "PRO00001"));
    static const uint8_t lid[] = {4, 0x24, 0x02, 0x01};
    CHECK(memcmp(mpo->data + 14, lid, 4) == 0);
  }
  int ipo = index_of(&fields, PR_SF_IPO, erg);
  int bpt = index_of(&fields, PR_SF_BPT, erg);
  CHECK(ipo > 0 && bpt > ipo);    /* display-list order: the form first */
  if (ipo > 0) {
    const Field *f = &fields.items[ipo];
    CHECK(f->bytes == 16 && ebcdic_is(f->data, 8, "PRO00001") && be24(f->data + 8) == 20 &&
          be24(f->data + 11) == 40 && be16(f->data + 14) == 0);
  }
  fields_free(&fields);
  PrDisplayList_free(&list);
  PrAfpWriter_destroy(writer);
}

/* ---- 3. medium maps ------------------------------------------------------ */

/* The output as tokens: I:<map> for IMM, G/g for BNG/ENG, P for a page. */
static void sheet_tokens(const uint8_t *data, size_t size, char *out, size_t capacity) {
  Fields fields;
  fields_parse(&fields, data, size);
  out[0] = 0;
  size_t n = 0;
  for (int i = 0; i < fields.count; i++) {
    const Field *f = &fields.items[i];
    char token[16] = "";
    if (f->id == PR_SF_IMM) {
      char name[9];
      token_name(f, name);
      snprintf(token, sizeof token, "I:%s ", name);
    } else if (f->id == PR_SF_BNG) {
      snprintf(token, sizeof token, "G ");
    } else if (f->id == PR_SF_ENG) {
      snprintf(token, sizeof token, "g ");
    } else if (f->id == PR_SF_BPG) {
      snprintf(token, sizeof token, "P ");
    }
    size_t length = strlen(token);
    if (n + length < capacity) {
      memcpy(out + n, token, length + 1);
      n += length;
    }
  }
  fields_free(&fields);
}

static void test_medium_maps(const Fixture *fx) {
  PrAfpMediumMap maps[2] = {{"SIMPLEX", 1, NULL, 0}, {"DUPLEX", 2, "LETTERHD", 1}};
  PrError error;
  /* Is the real form definition writer in? The stand-in refuses. */
  PrBuffer probe;
  PrBuffer_init(&probe);
  PrStatus probe_status = PrAfpFormdef_write(&probe, "F1PRESS", maps, 2, 595.28f, 841.89f,
                                             &error);
  PrBuffer_free(&probe);
  if (probe_status != PR_OK) {
    printf("afp_writer: PrAfpFormdef_write is a stand-in (%s): medium map checks skipped\n",
           error.message);
    return;
  }
  PrAfpOptions options;
  memset(&options, 0, sizeof options);
  options.medium_maps = maps;
  options.medium_map_count = 2;
  PrAfpWriter *writer = NULL;
  CHECK_OK(PrAfpWriter_create(fx->plan, &options, &writer, &error), &error);
  if (writer == NULL) {
    return;
  }
  PrDocWriter doc;
  PrAfpWriter_docWriter(writer, &doc);
  PrDisplayList list;
  PrDisplayList_init(&list);
  for (int p = 0; p < 4; p++) {
    build_page(fx, &list, p);
  }
  CHECK_OK(doc.beginDocument(doc.self, 0, NULL, &error), &error);
  CHECK_OK(doc.writePage(doc.self, &list, 0, 0, &error), &error);   /* IMM SIMPLEX first */
  CHECK_OK(doc.writePage(doc.self, &list, 1, 0, &error), &error);   /* same: none */
  CHECK_OK(doc.writePage(doc.self, &list, 2, -1, &error), &error);  /* not given: keeps */
  CHECK_OK(doc.writePage(doc.self, &list, 3, 1, &error), &error);   /* a front: IMM DUPLEX */
  CHECK_OK(doc.writePage(doc.self, &list, 0, 1, &error), &error);   /* its back */
  CHECK_OK(doc.writePage(doc.self, &list, 1, 1, &error), &error);   /* next front */
  /* The back of a duplex sheet cannot change map: refused, nothing written. */
  uint64_t before = PrAfpWriter_bytesWritten(writer);
  CHECK(doc.writePage(doc.self, &list, 2, 0, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "SIMPLEX") != NULL && strstr(error.message, "DUPLEX") != NULL &&
        strstr(error.message, "back") != NULL);
  CHECK(PrAfpWriter_bytesWritten(writer) == before);
  CHECK(PrAfpWriter_pageCount(writer) == 6);
  /* An undefined map. */
  CHECK(doc.writePage(doc.self, &list, 2, 5, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "medium map 5") != NULL);
  CHECK(PrAfpWriter_bytesWritten(writer) == before);
  /* Still usable: the back, on the same map. */
  CHECK_OK(doc.writePage(doc.self, &list, 2, 1, &error), &error);
  CHECK_OK(doc.writePage(doc.self, &list, 3, 1, &error), &error);   /* a front; back left empty */
  CHECK_OK(doc.endDocument(doc.self, &error), &error);
  /* Every piece starts with an IMM after its BNG: never on that back. */
  CHECK_OK(doc.beginDocument(doc.self, 1, NULL, &error), &error);
  CHECK_OK(doc.writePage(doc.self, &list, 0, -1, &error), &error);
  CHECK_OK(doc.endDocument(doc.self, &error), &error);
  /* A piece changing map while the last left a back empty: allowed. */
  CHECK_OK(doc.beginDocument(doc.self, 2, NULL, &error), &error);
  CHECK_OK(doc.writePage(doc.self, &list, 0, 0, &error), &error);
  CHECK_OK(doc.writePage(doc.self, &list, 1, 1, &error), &error);   /* simplex: fronts only */
  CHECK_OK(doc.writePage(doc.self, &list, 2, 1, &error), &error);   /* back */
  CHECK_OK(doc.endDocument(doc.self, &error), &error);
  /* Ends on a full sheet: the next piece still has its IMM (it prints alike alone). */
  CHECK_OK(doc.beginDocument(doc.self, 3, NULL, &error), &error);
  CHECK_OK(doc.writePage(doc.self, &list, 3, -1, &error), &error);
  CHECK_OK(doc.endDocument(doc.self, &error), &error);
  CHECK_OK(PrAfpWriter_finish(writer, &error), &error);

  const uint8_t *data;
  size_t size;
  PrAfpWriter_output(writer, &data, &size);
  char tokens[512];
  sheet_tokens(data, size, tokens, sizeof tokens);
  const char *expected =
      "G I:SIMPLEX P P P I:DUPLEX P P P P P g "
      "G I:DUPLEX P g "
      "G I:SIMPLEX P I:DUPLEX P P g "
      "G I:DUPLEX P g ";
  CHECK(strcmp(tokens, expected) == 0);
  if (strcmp(tokens, expected) != 0) {
    fprintf(stderr, "medium maps: %s\n     expected: %s\n", tokens, expected);
  }
  /* The form definition resource comes first in the resource group. */
  Fields fields;
  fields_parse(&fields, data, size);
  CHECK(!fields.broken && check_nesting(&fields));
  CHECK(fields.count > 3 && fields.items[1].id == PR_SF_BRS && fields.items[2].id == PR_SF_BFM);
  if (fields.count > 3) {
    const Field *brs = &fields.items[1];
    long t = find_triplet(brs->data, brs->bytes, 10, 0x21, -1);
    CHECK(ebcdic_is(brs->data, 8, "F1PRESS") && t == 10 && brs->data[t + 2] == 0xFE);
    int efm = index_of(&fields, PR_SF_EFM, 0);
    CHECK(efm > 2 && fields.items[efm + 1].id == PR_SF_ERS);
    CHECK(count_id(&fields, PR_SF_BMM) == 2);
  }
  const Field *imm = find_id(&fields, PR_SF_IMM, 0);
  CHECK(imm != NULL && imm->bytes == 8 && ebcdic_is(imm->data, 8, "SIMPLEX"));
  fields_free(&fields);
  PrDisplayList_free(&list);
  PrAfpWriter_destroy(writer);

  /* Without medium maps: no FORMDEF, no IMM; map 0 is accepted, others not. */
  CHECK_OK(PrAfpWriter_create(fx->plan, NULL, &writer, &error), &error);
  if (writer == NULL) {
    return;
  }
  PrAfpWriter_docWriter(writer, &doc);
  PrDisplayList_init(&list);
  build_page(fx, &list, 0);
  CHECK_OK(doc.beginDocument(doc.self, 0, NULL, &error), &error);
  CHECK_OK(doc.writePage(doc.self, &list, 0, 0, &error), &error);
  CHECK(doc.writePage(doc.self, &list, 0, 1, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "none defined") != NULL);
  CHECK_OK(doc.endDocument(doc.self, &error), &error);
  CHECK_OK(PrAfpWriter_finish(writer, &error), &error);
  PrAfpWriter_output(writer, &data, &size);
  fields_parse(&fields, data, size);
  CHECK(count_id(&fields, PR_SF_IMM) == 0 && count_id(&fields, PR_SF_BFM) == 0);
  fields_free(&fields);
  PrDisplayList_free(&list);
  PrAfpWriter_destroy(writer);
}

/* ---- 4. errors ----------------------------------------------------------- */

static void test_option_errors(const Fixture *fx) {
  PrError error;
  PrAfpWriter *writer = (PrAfpWriter *)&error;   /* must be reset to NULL */
  PrAfpOptions options;
  memset(&options, 0, sizeof options);
  options.document_name = "bad name";
  CHECK(PrAfpWriter_create(fx->plan, &options, &writer, &error) == PR_EINVAL);
  CHECK(writer == NULL && strstr(error.message, "document") != NULL &&
        strstr(error.message, "bad name") != NULL);
  options.document_name = "TOOLONGNAME";
  CHECK(PrAfpWriter_create(fx->plan, &options, &writer, &error) == PR_EINVAL);
  options.document_name = NULL;
  options.form_name = "f";
  CHECK(PrAfpWriter_create(fx->plan, &options, &writer, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "form definition") != NULL);
  options.form_name = NULL;

  PrAfpMediumMap bad_maps[2] = {{"GOOD", 1, NULL, 0}, {"X-1", 1, NULL, 0}};
  options.medium_maps = bad_maps;
  options.medium_map_count = 2;
  CHECK(PrAfpWriter_create(fx->plan, &options, &writer, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "medium map") != NULL && strstr(error.message, "X-1") != NULL);
  bad_maps[1].name = "TUMBLE";
  bad_maps[1].duplex = 3;
  CHECK(PrAfpWriter_create(fx->plan, &options, &writer, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "TUMBLE") != NULL && strstr(error.message, "duplex 3") != NULL);
  options.medium_map_count = 0;
  options.medium_maps = NULL;

  static const uint32_t codepoints[] = {0x20, 'A', 'B', 'C', 0xE9};
  static const uint8_t code_bytes[] = {0x40, 0xC1, 0xC2, 0xC3, 0x51};
  PrAfpCodedFont coded = {0, "C0H20000", "T1V105000", codepoints, code_bytes, 5};
  options.coded_fonts = &coded;
  options.coded_font_count = 1;
  CHECK(PrAfpWriter_create(fx->plan, &options, &writer, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "code page") != NULL && strstr(error.message, "T1V105000") != NULL);
  coded.code_page = "T1V10500";
  coded.character_set = "c0h2";
  CHECK(PrAfpWriter_create(fx->plan, &options, &writer, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "character set") != NULL);
  coded.character_set = "C0H20000";
  static const uint32_t unsorted[] = {0x20, 'B', 'A', 'C', 0xE9};
  coded.codepoints = unsorted;
  CHECK(PrAfpWriter_create(fx->plan, &options, &writer, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "not sorted") != NULL);
  coded.codepoints = codepoints;
  coded.font = 3;
  CHECK(PrAfpWriter_create(fx->plan, &options, &writer, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "plan font 3") != NULL);
  coded.font = 0;
  PrAfpCodedFont twice[2] = {coded, coded};
  options.coded_fonts = twice;
  options.coded_font_count = 2;
  CHECK(PrAfpWriter_create(fx->plan, &options, &writer, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "twice") != NULL);

  const char *empty_tag[1] = {""};
  memset(&options, 0, sizeof options);
  options.tag_names = empty_tag;
  options.tag_count = 1;
  CHECK(PrAfpWriter_create(fx->plan, &options, &writer, &error) == PR_EINVAL);
  CHECK(PrAfpWriter_create(NULL, NULL, &writer, &error) == PR_EINVAL);
  CHECK(PrAfpWriter_create(fx->plan, NULL, NULL, &error) == PR_EINVAL);
  PrPlan *unfinished = NULL;
  CHECK_OK(PrPlan_create(100, 100, &unfinished, &error), &error);
  CHECK(PrAfpWriter_create(unfinished, NULL, &writer, &error) == PR_EINVAL);
  PrPlan_destroy(unfinished);
  CHECK(writer == NULL);
}

static void test_call_errors(const Fixture *fx) {
  PrError error;
  PrAfpWriter *writer = NULL;
  PrAfpOptions options;
  memset(&options, 0, sizeof options);
  options.tag_names = kTagNames;
  options.tag_count = 2;
  CHECK_OK(PrAfpWriter_create(fx->plan, &options, &writer, &error), &error);
  if (writer == NULL) {
    return;
  }
  PrDocWriter doc;
  PrAfpWriter_docWriter(writer, &doc);
  PrDisplayList list;
  PrDisplayList_init(&list);
  build_page(fx, &list, 0);
  build_page(fx, &list, 1);
  /* A third page: its 'A' glyph says it stands for 'B'. */
  PrDisplayList_addPage(&list, 595.28f, 841.89f);
  PrItem *item = add_text(&list, fx, 10, 56, 100, "xAx", -1, 0);
  list.glyphs[item->first_glyph + 1].codepoint = 'B';

  CHECK(doc.writePage(doc.self, &list, 0, -1, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "outside a document") != NULL);
  CHECK(doc.endDocument(doc.self, &error) == PR_EINVAL);
  CHECK(PrAfpWriter_bytesWritten(writer) == 0);
  PrDocTags one = {(const uint8_t *)kTags1, kOffsets1, 1};
  CHECK(doc.beginDocument(doc.self, 0, &one, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "1 tag values for 2") != NULL);

  PrDocTags tags1 = {(const uint8_t *)kTags1, kOffsets1, 2};
  CHECK_OK(doc.beginDocument(doc.self, 0, &tags1, &error), &error);
  CHECK(doc.beginDocument(doc.self, 1, &tags1, &error) == PR_EINVAL);
  CHECK(PrAfpWriter_finish(writer, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "inside a document") != NULL);
  CHECK(doc.writePage(doc.self, &list, 9, -1, &error) == PR_EINVAL);
  /* The bad glyph as the piece's first page: refused; no BNG left. */
  CHECK(doc.writePage(doc.self, &list, 2, -1, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "U+0042") != NULL);
  uint64_t resources = PrAfpWriter_bytesWritten(writer);   /* the resource group */
  CHECK_OK(doc.writePage(doc.self, &list, 0, -1, &error), &error);
  uint64_t after_first = PrAfpWriter_bytesWritten(writer);
  /* Again after a good page: the output size is unchanged. */
  CHECK(doc.writePage(doc.self, &list, 2, -1, &error) == PR_EINVAL);
  CHECK(PrAfpWriter_bytesWritten(writer) == after_first);
  CHECK_OK(doc.writePage(doc.self, &list, 1, -1, &error), &error);
  CHECK(PrAfpWriter_pageCount(writer) == 2);
  CHECK_OK(doc.endDocument(doc.self, &error), &error);
  /* A font size AFP cannot carry: refused, nothing left. */
  CHECK_OK(doc.beginDocument(doc.self, 1, NULL, &error), &error);
  item->size_pt = 4000;        /* 80,000 units */
  list.glyphs[item->first_glyph + 1].codepoint = 'A';
  uint64_t before = PrAfpWriter_bytesWritten(writer);
  CHECK(doc.writePage(doc.self, &list, 2, -1, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "font size") != NULL);
  CHECK(PrAfpWriter_bytesWritten(writer) == before);

  CHECK_OK(doc.endDocument(doc.self, &error), &error);   /* an empty piece: no BNG/ENG */
  /* Tag offsets that go backwards are the caller's mistake, not memory. */
  static const uint64_t backwards[3] = {0, 5, 3};
  PrDocTags bad_tags = {(const uint8_t *)kTags1, backwards, 2};
  PrStatus status = doc.beginDocument(doc.self, 5, &bad_tags, &error);
  CHECK(status != PR_OK);
  /* Backwards offsets are a bad argument, not an out-of-memory. */
  CHECK(status == PR_EINVAL);
  CHECK_OK(doc.beginDocument(doc.self, 6, NULL, &error), &error);   /* still usable */
  CHECK_OK(doc.endDocument(doc.self, &error), &error);
  CHECK_OK(PrAfpWriter_finish(writer, &error), &error);
  CHECK(PrAfpWriter_finish(writer, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "after finish") != NULL);
  CHECK(doc.beginDocument(doc.self, 2, NULL, &error) == PR_EINVAL);
  CHECK(doc.defineForm(doc.self, 1, &list, 0, &error) == PR_EINVAL);

  const uint8_t *data;
  size_t size;
  PrAfpWriter_output(writer, &data, &size);
  CHECK(resources > 0 && after_first > resources);
  Fields fields;
  fields_parse(&fields, data, size);
  CHECK(!fields.broken && check_nesting(&fields));
  CHECK(count_id(&fields, PR_SF_BNG) == 1 && count_id(&fields, PR_SF_ENG) == 1);
  CHECK(count_id(&fields, PR_SF_BPG) == 2 && count_id(&fields, PR_SF_TLE) == 2);
  int bpg1 = index_of(&fields, PR_SF_BPG, 0), bpg2 = index_of(&fields, PR_SF_BPG, bpg1 + 1);
  int bng = index_of(&fields, PR_SF_BNG, 0);
  char name[9];
  if (bng >= 0 && bpg1 >= 0 && bpg2 >= 0) {
    token_name(&fields.items[bng], name);
    CHECK(strcmp(name, "G0000001") == 0);
    token_name(&fields.items[bpg1], name);
    CHECK(strcmp(name, "P0000001") == 0);
    token_name(&fields.items[bpg2], name);
    CHECK(strcmp(name, "P0000002") == 0);
  }
  fields_free(&fields);
  PrDisplayList_free(&list);
  PrAfpWriter_destroy(writer);
}

/* Font sizes the MDR's X'8B' can carry. */
static void test_font_size_limit(const Fixture *fx) {
  PrError error;
  PrAfpWriter *writer = NULL;
  CHECK_OK(PrAfpWriter_create(fx->plan, NULL, &writer, &error), &error);
  if (writer == NULL) {
    return;
  }
  PrDocWriter doc;
  PrAfpWriter_docWriter(writer, &doc);
  PrDisplayList list;
  PrDisplayList_init(&list);
  PrDisplayList_addPage(&list, 595.28f, 841.89f);
  add_text(&list, fx, 1638.35f, 0, 800, "A", -1, 0);    /* 32,767 units: the most */
  PrDisplayList_addPage(&list, 595.28f, 841.89f);
  add_text(&list, fx, 2000, 0, 800, "A", -1, 0);        /* 40,000 units */
  CHECK_OK(doc.beginDocument(doc.self, 0, NULL, &error), &error);
  CHECK_OK(doc.writePage(doc.self, &list, 0, -1, &error), &error);
  /* X'8B' VFS and X'1F' FtHeight are 1..32,767 units: 2,000 pt is refused. */
  CHECK(doc.writePage(doc.self, &list, 1, -1, &error) == PR_EINVAL);
  PrDisplayList_free(&list);
  PrAfpWriter_destroy(writer);
}

/* A printer-resident coded font: MCF, code-page bytes, word-by-word AMIs. */
static void test_coded_font(const Fixture *fx) {
  static const uint32_t codepoints[] = {0x20, 'A', 'B', 'C', 0xE9};
  static const uint8_t code_bytes[] = {0x40, 0xC1, 0xC2, 0xC3, 0x51};
  PrAfpCodedFont coded = {0, "C0H20000", "T1V10500", codepoints, code_bytes, 5};
  PrAfpOptions options;
  memset(&options, 0, sizeof options);
  options.coded_fonts = &coded;
  options.coded_font_count = 1;
  PrError error;
  PrAfpWriter *writer = NULL;
  CHECK_OK(PrAfpWriter_create(fx->plan, &options, &writer, &error), &error);
  if (writer == NULL) {
    return;
  }
  PrDocWriter doc;
  PrAfpWriter_docWriter(writer, &doc);
  PrDisplayList list;
  PrDisplayList_init(&list);
  PrDisplayList_addPage(&list, 595.28f, 841.89f);
  add_text(&list, fx, 14, 56, 100, "CAB \xC3\xA9" "A", -1, 0);
  PrDisplayList_addPage(&list, 595.28f, 841.89f);
  add_text(&list, fx, 14, 56, 100, "CAZ", -1, 0);
  CHECK_OK(doc.beginDocument(doc.self, 0, NULL, &error), &error);
  CHECK_OK(doc.writePage(doc.self, &list, 0, -1, &error), &error);
  uint64_t before = PrAfpWriter_bytesWritten(writer);
  CHECK(doc.writePage(doc.self, &list, 1, -1, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "U+005A") != NULL && strstr(error.message, "T1V10500") != NULL);
  CHECK(PrAfpWriter_bytesWritten(writer) == before);
  CHECK_OK(doc.endDocument(doc.self, &error), &error);
  CHECK_OK(PrAfpWriter_finish(writer, &error), &error);
  const uint8_t *data;
  size_t size;
  PrAfpWriter_output(writer, &data, &size);
  Fields fields;
  fields_parse(&fields, data, size);
  CHECK(!fields.broken && check_nesting(&fields));
  /* The font is the printer's: no container, no MDR. */
  CHECK(count_id(&fields, PR_SF_BOC) == 0 && count_id(&fields, PR_SF_MDR) == 0);
  const Field *mcf = find_id(&fields, PR_SF_MCF, 0);
  CHECK(mcf != NULL && mcf->bytes == 54);
  if (mcf != NULL && mcf->bytes == 54) {
    const uint8_t *d = mcf->data;
    CHECK(be16(d) == 54 && triplets_tile(d, 54, 2));
    long t = find_triplet(d, 54, 2, 0x02, 0x85);
    CHECK(t == 2 && ebcdic_is(d + t + 4, 8, "T1V10500"));
    t = find_triplet(d, 54, 2, 0x02, 0x86);
    CHECK(t == 14 && ebcdic_is(d + t + 4, 8, "C0H20000"));
    t = find_triplet(d, 54, 2, 0x26, -1);
    CHECK(t > 0 && d[t] == 4 && be16(d + t + 2) == 0);
    t = find_triplet(d, 54, 2, 0x24, -1);
    CHECK(t > 0 && d[t] == 4 && d[t + 2] == 0x05 && d[t + 3] == 1);
    t = find_triplet(d, 54, 2, 0x1F, -1);
    CHECK(t > 0 && d[t] == 20);
    if (t > 0 && d[t] == 20) {
      CHECK(be16(d + t + 4) == 280);          /* FtHeight: 14 pt */
      /* X'1F': FtWtClass, FtWdClass, FtHeight(2), FtWidth(2), FtDsFlags at
       * offset 8 (0: not specified), reserved 9-18, FtUsFlags at 19. */
      CHECK(d[t + 8] == 0x00);
    }
  }
  Ptoca text;
  ptoca_parse(&fields, 0, fields.count, &text);
  CHECK(text.well_formed && text.scfl_count == 1 && text.scfl[0] == 1);
  static const uint8_t bytes[] = {0xC3, 0xC1, 0xC2, 0x40, 0x51, 0xC1};
  CHECK(text.text_bytes == sizeof bytes && memcmp(text.text, bytes, sizeof bytes) == 0);
  /* A word after a space starts with its own AMI. */
  CHECK(text.ami_count == 2 && text.ami[0] == 1120 && text.ami[1] > 1120);
  fields_free(&fields);
  PrDisplayList_free(&list);
  PrAfpWriter_destroy(writer);
}

/* A TLE value at the 250-byte triplet limit. */
static void test_long_tag(const Fixture *fx) {
  PrError error;
  PrAfpWriter *writer = NULL;
  PrAfpOptions options;
  memset(&options, 0, sizeof options);
  const char *name[1] = {"Address"};
  options.tag_names = name;
  options.tag_count = 1;
  CHECK_OK(PrAfpWriter_create(fx->plan, &options, &writer, &error), &error);
  if (writer == NULL) {
    return;
  }
  PrDocWriter doc;
  PrAfpWriter_docWriter(writer, &doc);
  PrDisplayList list;
  PrDisplayList_init(&list);
  build_page(fx, &list, 0);
  /* 249 letters and an 'é': 250 Latin-1 characters, 251 UTF-8 bytes. */
  char value[260];
  memset(value, 'A', 249);
  memcpy(value + 249, "\xC3\xA9", 3);
  uint64_t offsets[2] = {0, 251};
  PrDocTags tags = {(const uint8_t *)value, offsets, 1};
  CHECK_OK(doc.beginDocument(doc.self, 0, &tags, &error), &error);
  CHECK_OK(doc.writePage(doc.self, &list, 0, -1, &error), &error);
  CHECK_OK(doc.endDocument(doc.self, &error), &error);
  const uint8_t *data;
  size_t size;
  PrAfpWriter_output(writer, &data, &size);
  Fields fields;
  fields_parse(&fields, data, size);
  const Field *tle = find_id(&fields, PR_SF_TLE, 0);
  TleValue decoded;
  CHECK(tle != NULL && decode_tle(tle, &decoded));
  if (tle != NULL && decode_tle(tle, &decoded)) {
    CHECK(strcmp(decoded.name, "Address") == 0);
    /* 249 'A' and an 'é' (251 bytes of UTF-8) stay in code page 500: 250
     * bytes, cut between characters, never inside one. */
    CHECK(decoded.ccsid == 0 && decoded.value_bytes >= 249);
  }
  fields_free(&fields);
  PrDisplayList_free(&list);
  PrAfpWriter_destroy(writer);
}

/* Odd but valid input: an empty glyph run, an empty page, a tag beyond the
 * BMP (a surrogate pair in UTF-16BE). */
static void test_odd_pages(const Fixture *fx) {
  PrError error;
  PrAfpWriter *writer = NULL;
  PrAfpOptions options;
  memset(&options, 0, sizeof options);
  const char *name[1] = {"Emoji"};
  options.tag_names = name;
  options.tag_count = 1;
  CHECK_OK(PrAfpWriter_create(fx->plan, &options, &writer, &error), &error);
  if (writer == NULL) {
    return;
  }
  PrDocWriter doc;
  PrAfpWriter_docWriter(writer, &doc);
  PrDisplayList list;
  PrDisplayList_init(&list);
  PrDisplayList_addPage(&list, 595.28f, 841.89f);
  PrItem *empty = PrDisplayList_addItem(&list, PR_ITEM_GLYPHS);
  empty->resource = fx->f_sans;
  empty->size_pt = 10;
  PrDisplayList_addPage(&list, 595.28f, 841.89f);
  static const char value[] = "a\xF0\x9F\x98\x80";   /* a U+1F600 */
  uint64_t offsets[2] = {0, 5};
  PrDocTags tags = {(const uint8_t *)value, offsets, 1};
  CHECK_OK(doc.beginDocument(doc.self, 0, &tags, &error), &error);
  CHECK_OK(doc.writePage(doc.self, &list, 0, -1, &error), &error);
  CHECK_OK(doc.writePage(doc.self, &list, 1, -1, &error), &error);
  CHECK_OK(doc.endDocument(doc.self, &error), &error);
  CHECK_OK(PrAfpWriter_finish(writer, &error), &error);
  const uint8_t *data;
  size_t size;
  PrAfpWriter_output(writer, &data, &size);
  Fields fields;
  fields_parse(&fields, data, size);
  CHECK(!fields.broken && check_nesting(&fields) && count_id(&fields, PR_SF_BPG) == 2);
  /* The empty run draws nothing: no PTX. */
  CHECK(count_id(&fields, PR_SF_PTX) == 0);
  const Field *tle = find_id(&fields, PR_SF_TLE, 0);
  TleValue decoded;
  CHECK(tle != NULL && decode_tle(tle, &decoded));
  if (tle != NULL && decode_tle(tle, &decoded)) {
    static const uint8_t utf16[] = {0x00, 0x61, 0xD8, 0x3D, 0xDE, 0x00};
    CHECK(decoded.ccsid == 1200 && decoded.value_bytes == sizeof utf16 &&
          memcmp(decoded.value, utf16, sizeof utf16) == 0);
  }
  fields_free(&fields);
  PrDisplayList_free(&list);
  PrAfpWriter_destroy(writer);
  PrAfpWriter_destroy(NULL);
}

/* ---- 5. determinism --------------------------------------------------- */

static void test_deterministic(const Fixture *fx) {
  PrBuffer copies[2];
  for (int i = 0; i < 2; i++) {
    PrBuffer_init(&copies[i]);
    write_statement(fx, &copies[i]);
  }
  CHECK(copies[0].size_bytes > 0 && copies[0].size_bytes == copies[1].size_bytes &&
        memcmp(copies[0].data, copies[1].data, copies[0].size_bytes) == 0);
  PrBuffer_free(&copies[0]);
  PrBuffer_free(&copies[1]);
}

int main(int argc, char **argv) {
  (void)argc;
  (void)argv;
  test_framing();
  test_names_units();
  Fixture fx;
  if (!fixture_init(&fx)) {
    CHECK(0 && "fonts missing");
    return check_summary("afp_writer");
  }
  test_print_file(&fx);
  test_long_text(&fx);
  test_overlay(&fx);
  test_medium_maps(&fx);
  test_option_errors(&fx);
  test_call_errors(&fx);
  test_font_size_limit(&fx);
  test_coded_font(&fx);
  test_long_tag(&fx);
  test_odd_pages(&fx);
  test_deterministic(&fx);
  fixture_free(&fx);
  return check_summary("afp_writer");
}
