/* test_afp_formdef.c: the form definition (BFM ... EFM) and Invoke Medium Map,
 * byte by byte. */
#include <stdlib.h>
#include <string.h>

#include "../afp_objects.h"
#include "../error.h"
#include "check.h"

/* One structured field of the written bytes. */
typedef struct Field {
  uint32_t id;
  uint8_t flags;
  size_t length;              /* the introducer's length field */
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
    fields[count].length = length;
    fields[count].data = p + 9;
    fields[count].bytes = length - 8;
    count++;
    at += 1 + length;
  }
  return count;
}

static bool bytes_are(const Field *field, const uint8_t *expected, size_t bytes) {
  return field->bytes == bytes && memcmp(field->data, expected, bytes) == 0;
}

/* An 8-byte name field in EBCDIC (cp500), blank-padded. */
static bool name_is(const uint8_t *data, const uint8_t ebcdic[8]) {
  return memcmp(data, ebcdic, 8) == 0;
}

/* EBCDIC (cp500) of the names the test uses. */
static const uint8_t kF1TEST[8] = {0xC6, 0xF1, 0xE3, 0xC5, 0xE2, 0xE3, 0x40, 0x40};
static const uint8_t kSIMPLEX[8] = {0xE2, 0xC9, 0xD4, 0xD7, 0xD3, 0xC5, 0xE7, 0x40};
static const uint8_t kDUPLEX[8] = {0xC4, 0xE4, 0xD7, 0xD3, 0xC5, 0xE7, 0x40, 0x40};
static const uint8_t kTUMBLE[8] = {0xE3, 0xE4, 0xD4, 0xC2, 0xD3, 0xC5, 0x40, 0x40};
static const uint8_t kLETTERHD[8] = {0xD3, 0xC5, 0xE3, 0xE3, 0xC5, 0xD9, 0xC8, 0xC4};

static const PrAfpMediumMap kMaps[3] = {
    {"SIMPLEX", 1, "LETTERHD", 0},
    {"DUPLEX", 2, NULL, 1},
    {"TUMBLE", 3, "PLAIN80", 2},
};

static void test_formdef(void) {
  PrBuffer out;
  PrBuffer_init(&out);
  PrBuffer_appendByte(&out, 0x77);   /* something before: the form definition appends */
  PrError error;
  CHECK_OK(PrAfpFormdef_write(&out, "F1TEST", kMaps, 3, 612.0f, 792.0f, &error), &error);
  CHECK(out.data[0] == 0x77);
  PrBuffer tail = out;
  tail.data += 1;
  tail.size_bytes -= 1;

  Field f[32];
  int count = parse(&tail, f, 32);
  /* Every field, its id and its introducer length (8 + data), in order. */
  static const uint32_t ids[] = {
      PR_SF_BFM,
      PR_SF_BDG, PR_SF_PGP, PR_SF_MDD, PR_SF_EDG,
      PR_SF_BMM, PR_SF_MMT, PR_SF_PGP, PR_SF_MCC, PR_SF_MMC, PR_SF_EMM,
      PR_SF_BMM, PR_SF_PGP, PR_SF_MCC, PR_SF_MMC, PR_SF_EMM,
      PR_SF_BMM, PR_SF_MMT, PR_SF_PGP, PR_SF_MCC, PR_SF_MMC, PR_SF_EMM,
      PR_SF_EFM,
  };
  static const size_t lengths[] = {
      16,
      8, 19, 21, 8,
      16, 29, 19, 14, 20, 16,
      16, 29, 20, 16, 16,
      16, 28, 29, 20, 20, 16,
      16,
  };
  const int expected_count = (int)(sizeof ids / sizeof ids[0]);
  CHECK(count == expected_count);
  if (count != expected_count) {
    PrBuffer_free(&out);
    return;
  }
  bool order = true;
  for (int i = 0; i < count; i++) {
    order = order && f[i].id == ids[i] && f[i].length == lengths[i] && f[i].flags == 0;
  }
  CHECK(order);

  /* BFM/EFM carry the form name; BDG/EDG carry none. */
  CHECK(name_is(f[0].data, kF1TEST) && name_is(f[22].data, kF1TEST));
  CHECK(f[1].bytes == 0 && f[4].bytes == 0);

  /* Environment: page at 0,0 on the front, 0°; medium 8.5 x 11 in at 1,440/in. */
  static const uint8_t pgp_front[] = {0x01, 0x0A, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x00};
  CHECK(bytes_are(&f[2], pgp_front, sizeof pgp_front));
  static const uint8_t mdd[] = {0x00, 0x00, 0x38, 0x40, 0x38, 0x40,
                                0x00, 0x2F, 0xD0,    /* 612 pt = 12,240 */
                                0x00, 0x3D, 0xE0,    /* 792 pt = 15,840 */
                                0x00};
  CHECK(bytes_are(&f[3], mdd, sizeof mdd));

  /* Map 1: simplex, bin 1, media type LETTERHD as local ID 1. */
  CHECK(name_is(f[5].data, kSIMPLEX) && name_is(f[10].data, kSIMPLEX));
  static const uint8_t mmt_letterhead[] = {
      0x00, 0x15,                                     /* RGLength 21 */
      0x0C, 0x02, 0x11, 0x00,                         /* FQN, Media Type Reference, name */
      0xD3, 0xC5, 0xE3, 0xE3, 0xC5, 0xD9, 0xC8, 0xC4, /* LETTERHD */
      0x07, 0x22, 0x40, 0x00, 0x00, 0x00, 0x01,       /* Extended LID, media type, 1 */
  };
  CHECK(bytes_are(&f[6], mmt_letterhead, sizeof mmt_letterhead));
  CHECK(memcmp(f[6].data + 6, kLETTERHD, 8) == 0);
  CHECK(bytes_are(&f[7], pgp_front, sizeof pgp_front));
  static const uint8_t mcc_one[] = {0x00, 0x01, 0x00, 0x01, 0x00, 0x01};
  CHECK(bytes_are(&f[8], mcc_one, sizeof mcc_one));
  static const uint8_t mmc_simplex[] = {0x01, 0xFF, 0xE0, 0x02, 0xE1, 0x01,
                                        0xE8, 0x00, 0xE9, 0x01, 0xF4, 0x01};
  CHECK(bytes_are(&f[9], mmc_simplex, sizeof mmc_simplex));

  /* Map 2: duplex, bin 2, no media type: no MMT, no E8/E9; a front and a
   * back page position; a front/back pair of copy subgroups. */
  CHECK(name_is(f[11].data, kDUPLEX) && name_is(f[15].data, kDUPLEX));
  static const uint8_t pgp_both[] = {0x01,
                                     0x0A, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x00,
                                     0x0A, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x01};
  CHECK(bytes_are(&f[12], pgp_both, sizeof pgp_both));
  static const uint8_t mcc_pair[] = {0x00, 0x01, 0x00, 0x01, 0x00, 0x01,
                                     0x00, 0x02, 0x00, 0x02, 0x00, 0x01};
  CHECK(bytes_are(&f[13], mcc_pair, sizeof mcc_pair));
  static const uint8_t mmc_duplex[] = {0x01, 0xFF, 0xE0, 0x02, 0xE1, 0x02, 0xF4, 0x02};
  CHECK(bytes_are(&f[14], mmc_duplex, sizeof mmc_duplex));

  /* Map 3: tumble, bin 3, media type PLAIN80. */
  CHECK(name_is(f[16].data, kTUMBLE) && name_is(f[21].data, kTUMBLE));
  static const uint8_t mmt_plain[] = {
      0x00, 0x14,                                     /* RGLength 20 */
      0x0B, 0x02, 0x11, 0x00,
      0xD7, 0xD3, 0xC1, 0xC9, 0xD5, 0xF8, 0xF0,       /* PLAIN80 */
      0x07, 0x22, 0x40, 0x00, 0x00, 0x00, 0x01,
  };
  CHECK(bytes_are(&f[17], mmt_plain, sizeof mmt_plain));
  CHECK(bytes_are(&f[18], pgp_both, sizeof pgp_both));
  CHECK(bytes_are(&f[19], mcc_pair, sizeof mcc_pair));
  static const uint8_t mmc_tumble[] = {0x01, 0xFF, 0xE0, 0x02, 0xE1, 0x03,
                                       0xE8, 0x00, 0xE9, 0x01, 0xF4, 0x03};
  CHECK(bytes_are(&f[20], mmc_tumble, sizeof mmc_tumble));

  /* Every MMC keyword list is in ascending keyword order, as MO:DCA asks. */
  bool ascending = true;
  for (int i = 0; i < count; i++) {
    if (f[i].id == PR_SF_MMC) {
      for (size_t k = 4; k < f[i].bytes; k += 2) {
        ascending = ascending && f[i].data[k] > f[i].data[k - 2];
      }
    }
  }
  CHECK(ascending);
  PrBuffer_free(&out);
}

static void test_bins_and_sizes(void) {
  PrBuffer out;
  PrBuffer_init(&out);
  PrError error;
  /* Bin 255 is media source X'FE', written X'FF' (format 2); A4 portrait. */
  PrAfpMediumMap map = {"B255", 255, NULL, 0};
  CHECK_OK(PrAfpFormdef_write(&out, "F1A4", &map, 1, 595.0f, 842.0f, &error), &error);
  Field f[16];
  CHECK(parse(&out, f, 16) == 11);
  static const uint8_t mdd[] = {0x00, 0x00, 0x38, 0x40, 0x38, 0x40, 0x00, 0x2E, 0x7C,
                                0x00, 0x41, 0xC8, 0x00};
  CHECK(bytes_are(&f[3], mdd, sizeof mdd));
  static const uint8_t mmc[] = {0x01, 0xFF, 0xE0, 0x02, 0xE1, 0xFF, 0xF4, 0x01};
  CHECK(f[8].id == PR_SF_MMC && bytes_are(&f[8], mmc, sizeof mmc));
  /* A media type with spaces (registered names have them) is a name too. */
  PrBuffer_clear(&out);
  map.media_type = "ISO A4 WHITE";
  CHECK_OK(PrAfpFormdef_write(&out, "F1A4", &map, 1, 595.0f, 842.0f, &error), &error);
  CHECK(parse(&out, f, 16) == 12 && f[6].id == PR_SF_MMT);
  CHECK(f[6].bytes == 2 + 4 + 12 + 7 && f[6].data[2] == 16 && f[6].data[20] == 0x40);
  /* 22.75 in (32,760 units) fits the MDD; 23 in does not. */
  PrBuffer_clear(&out);
  CHECK_OK(PrAfpFormdef_write(&out, "F1BIG", &map, 1, 1638.0f, 1638.0f, &error), &error);
  PrBuffer_clear(&out);
  CHECK(PrAfpFormdef_write(&out, "F1BIG", &map, 1, 1656.0f, 792.0f, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "width") != NULL && out.size_bytes == 0);
  PrBuffer_free(&out);
}

static void test_invoke(void) {
  PrBuffer out;
  PrBuffer_init(&out);
  PrAfpFormdef_writeInvoke(&out, "DUPLEX");
  Field f[2];
  CHECK(parse(&out, f, 2) == 1);
  CHECK(f[0].id == PR_SF_IMM && f[0].length == 16 && name_is(f[0].data, kDUPLEX));
  PrBuffer_free(&out);
}

/* A refused form definition: PR_EINVAL, a message with every `words`, and
 * nothing written. */
static void check_refused(const char *form, const PrAfpMediumMap *maps, size_t count,
                          float width, float height, const char *word1, const char *word2) {
  PrBuffer out;
  PrBuffer_init(&out);
  PrError error;
  memset(&error, 0, sizeof error);
  PrStatus status = PrAfpFormdef_write(&out, form, maps, count, width, height, &error);
  CHECK(status == PR_EINVAL && error.code == PR_EINVAL);
  CHECK(strstr(error.message, word1) != NULL);
  CHECK(word2 == NULL || strstr(error.message, word2) != NULL);
  if (status != PR_EINVAL || strstr(error.message, word1) == NULL ||
      (word2 != NULL && strstr(error.message, word2) == NULL)) {
    fprintf(stderr, "  message: %s\n", error.message);
  }
  CHECK(out.size_bytes == 0);
  PrBuffer_free(&out);
}

static void test_errors(void) {
  PrAfpMediumMap maps[3];
  memcpy(maps, kMaps, sizeof maps);

  maps[1].name = "bad name";
  check_refused("F1TEST", maps, 3, 612, 792, "medium map 1", "bad name");
  maps[1].name = "TOOLONGNAME";
  check_refused("F1TEST", maps, 3, 612, 792, "medium map 1", "TOOLONGNAME");
  maps[1].name = NULL;
  check_refused("F1TEST", maps, 3, 612, 792, "medium map 1", "name");
  maps[1] = kMaps[1];

  maps[2].input_bin = 0;
  check_refused("F1TEST", maps, 3, 612, 792, "TUMBLE", "bin 0");
  maps[2].input_bin = 256;
  check_refused("F1TEST", maps, 3, 612, 792, "TUMBLE", "bin 256");
  maps[2] = kMaps[2];

  maps[0].duplex = 3;
  check_refused("F1TEST", maps, 3, 612, 792, "SIMPLEX", "duplex 3");
  maps[0] = kMaps[0];

  maps[2].name = "SIMPLEX";
  check_refused("F1TEST", maps, 3, 612, 792, "medium map 2", "SIMPLEX");
  maps[2] = kMaps[2];

  maps[0].media_type = "";
  check_refused("F1TEST", maps, 3, 612, 792, "SIMPLEX", "media type");
  maps[0].media_type = "BAD\tSTOCK";
  check_refused("F1TEST", maps, 3, 612, 792, "SIMPLEX", "media type");
  char long_type[300];
  memset(long_type, 'A', sizeof long_type - 1);
  long_type[sizeof long_type - 1] = '\0';
  maps[0].media_type = long_type;
  check_refused("F1TEST", maps, 3, 612, 792, "SIMPLEX", "media type");
  maps[0] = kMaps[0];

  check_refused("f1test", maps, 3, 612, 792, "form definition", "f1test");
  check_refused(NULL, maps, 3, 612, 792, "form definition", NULL);
  check_refused("F1TEST", maps, 0, 612, 792, "no medium maps", NULL);
  check_refused("F1TEST", NULL, 3, 612, 792, "no medium maps", NULL);
  check_refused("F1TEST", maps, 3, 0, 792, "width", NULL);
  check_refused("F1TEST", maps, 3, 612, -1, "height", NULL);
  check_refused("F1TEST", maps, 3, 612, 0.01f, "height", NULL);
  check_refused("F1TEST", maps, 3, 612, strtof("nan", NULL), "height", NULL);
  check_refused("F1TEST", maps, 3, strtof("inf", NULL), 792, "width", NULL);

  /* The error leaves the caller's earlier bytes alone. */
  PrBuffer out;
  PrBuffer_init(&out);
  PrBuffer_appendText(&out, "abc");
  PrError error;
  maps[2].duplex = 3;
  CHECK(PrAfpFormdef_write(&out, "F1TEST", maps, 3, 612, 792, &error) == PR_EINVAL);
  CHECK(out.size_bytes == 3 && memcmp(out.data, "abc", 3) == 0);
  /* A NULL error is allowed. */
  CHECK(PrAfpFormdef_write(&out, "F1TEST", maps, 3, 612, 792, NULL) == PR_EINVAL);
  PrBuffer_free(&out);
}

int main(void) {
  test_formdef();
  test_bins_and_sizes();
  test_invoke();
  test_errors();
  return check_summary("test_afp_formdef");
}
