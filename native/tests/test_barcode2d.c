/* test_barcode2d.c: the 2D symbol encoders (DataMatrix ECC200, QR code)
 * and their Reed-Solomon arithmetic.
 *
 * Reed-Solomon vectors: the DataMatrix "123456" example of ISO/IEC 16022
 * (data 142 164 186, check 114 25 5 88 102) and the QR "HELLO WORLD" 1-M
 * example of ISO/IEC 18004 annex I. Symbol sizes come from the capacity
 * tables of both standards. Decoding is checked from Python with zxing-cpp
 * (tests/test_barcodes2d.py).
 *
 * Run as: test_barcode2d <repo root> <scratch path> (both unused). */
#include <stdlib.h>
#include <string.h>

#include "barcode2d.h"
#include "pressrun.h"
#include "tests/check.h"

static uint8_t modules[PR_BARCODE2D_MAX_MODULES];

static void test_reed_solomon(void) {
  PrGf256 field;
  PrGf256_init(&field, 0x12D);
  CHECK(field.exp[0] == 1 && field.exp[8] == 0x2D && field.log[2] == 1);
  const uint8_t dm_data[3] = {142, 164, 186};
  const uint8_t dm_ecc[5] = {114, 25, 5, 88, 102};
  uint8_t ecc[32];
  PrReedSolomon_encode(&field, 1, dm_data, 3, ecc, 5);
  CHECK(memcmp(ecc, dm_ecc, 5) == 0);

  PrGf256_init(&field, 0x11D);
  CHECK(field.exp[8] == 0x1D && field.exp[255] == 1);
  const uint8_t qr_data[16] = {32, 91, 11, 120, 209, 114, 220, 77,
                               67, 64, 236, 17, 236, 17, 236, 17};
  const uint8_t qr_ecc[10] = {196, 35, 39, 119, 235, 215, 231, 226, 93, 23};
  PrReedSolomon_encode(&field, 0, qr_data, 16, ecc, 10);
  CHECK(memcmp(ecc, qr_ecc, 10) == 0);

  /* a codeword (data + check) evaluates to 0 at every generator root */
  uint8_t word[26];
  memcpy(word, qr_data, 16);
  memcpy(word + 16, qr_ecc, 10);
  for (int root = 0; root < 10; root++) {
    uint8_t x = field.exp[root], value = 0;
    for (int i = 0; i < 26; i++) {
      value = (uint8_t)((value == 0 ? 0 : field.exp[field.log[value] + field.log[x]]) ^ word[i]);
    }
    CHECK(value == 0);
  }
}

static uint8_t *repeat(char c, size_t n) {
  uint8_t *data = malloc(n > 0 ? n : 1);
  memset(data, c, n);
  return data;
}

static int dm_size(const char *text, size_t n, PrDataMatrixShape shape, uint32_t *w,
                   uint32_t *h, PrError *error) {
  return PrDataMatrix_encode((const uint8_t *)text, n, shape, modules, sizeof(modules), w, h,
                             error);
}

static void test_datamatrix_sizes(void) {
  PrError error;
  uint32_t w = 0, h = 0;
  CHECK_OK(dm_size("123456", 6, PR_DATAMATRIX_SQUARE, &w, &h, &error), &error);
  CHECK(w == 10 && h == 10);
  /* the finder L (left column, bottom row) and the alternating timing edges */
  int border_ok = 1;
  for (int i = 0; i < 10; i++) {
    border_ok &= modules[i * 10 + 0] == 1 && modules[9 * 10 + i] == 1;
    border_ok &= modules[i] == (i % 2 == 0) && modules[i * 10 + 9] == (i % 2 == 1);
  }
  CHECK(border_ok);
  CHECK_OK(dm_size("", 0, PR_DATAMATRIX_SQUARE, &w, &h, &error), &error);
  CHECK(w == 10 && h == 10);
  CHECK_OK(dm_size("ABCD", 4, PR_DATAMATRIX_SQUARE, &w, &h, &error), &error);
  CHECK(w == 12 && h == 12);
  CHECK_OK(dm_size("\xe9", 1, PR_DATAMATRIX_SQUARE, &w, &h, &error), &error); /* 2 codewords */
  CHECK(w == 10);
  /* '!' costs one ASCII codeword and 2 C40/Text values: ASCII sizes.
   * 44 codewords: 26x26; 45: 32x32 with 4 regions */
  uint8_t *data = repeat('!', 3200);
  CHECK_OK(dm_size((char *)data, 44, PR_DATAMATRIX_SQUARE, &w, &h, &error), &error);
  CHECK(w == 26);
  CHECK_OK(dm_size((char *)data, 45, PR_DATAMATRIX_SQUARE, &w, &h, &error), &error);
  CHECK(w == 32);
  CHECK(modules[16 * 32 + 0] == 1 && modules[15 * 32 + 5] == 1 && modules[16 * 32 + 5] == 0);
  CHECK_OK(dm_size((char *)data, 204, PR_DATAMATRIX_SQUARE, &w, &h, &error), &error);
  CHECK(w == 52);
  CHECK_OK(dm_size((char *)data, 1558, PR_DATAMATRIX_SQUARE, &w, &h, &error), &error);
  CHECK(w == 144 && h == 144);
  CHECK(dm_size((char *)data, 1559, PR_DATAMATRIX_SQUARE, &w, &h, &error) == PR_ELIMIT);
  CHECK(error.code == PR_ELIMIT && strstr(error.message, "1559") != NULL);
  memset(data, '7', 3200);
  CHECK_OK(dm_size((char *)data, 3116, PR_DATAMATRIX_SQUARE, &w, &h, &error), &error);
  CHECK(w == 144);
  CHECK(dm_size((char *)data, 3117, PR_DATAMATRIX_SQUARE, &w, &h, &error) == PR_ELIMIT);
  /* C40: latch, 2 codewords per 3 upper-case letters, unlatch; Text for
   * lower case. 2334 letters: 1 + 1556 + 1 = 1558 codewords */
  memset(data, 'A', 3200);
  CHECK_OK(dm_size((char *)data, 2334, PR_DATAMATRIX_SQUARE, &w, &h, &error), &error);
  CHECK(w == 144);
  CHECK(dm_size((char *)data, 2335, PR_DATAMATRIX_SQUARE, &w, &h, &error) == PR_ELIMIT);
  memset(data, 'q', 3200);
  CHECK_OK(dm_size((char *)data, 2334, PR_DATAMATRIX_SQUARE, &w, &h, &error), &error);
  CHECK(w == 144);
  /* 9 letters: latch + 6 + unlatch = 8 codewords (14x14) instead of 9 */
  CHECK_OK(dm_size("ABCDEFGHI", 9, PR_DATAMATRIX_SQUARE, &w, &h, &error), &error);
  CHECK(w == 14);
  /* 6 letters: latch + 4 = 5 codewords, the end of the 12x12 symbol, so the
   * unlatch is left out (ASCII would need 6: 14x14) */
  CHECK_OK(dm_size("ABCDEF", 6, PR_DATAMATRIX_SQUARE, &w, &h, &error), &error);
  CHECK(w == 12);
  /* rectangles */
  CHECK_OK(dm_size("HELLO", 5, PR_DATAMATRIX_RECTANGLE, &w, &h, &error), &error);
  CHECK(w == 18 && h == 8);
  memset(data, '7', 3200);
  CHECK_OK(dm_size((char *)data, 98, PR_DATAMATRIX_RECTANGLE, &w, &h, &error), &error);
  CHECK(w == 48 && h == 16);
  CHECK(dm_size((char *)data, 100, PR_DATAMATRIX_RECTANGLE, &w, &h, &error) == PR_ELIMIT);
  /* any shape: the smaller area, the square on a tie */
  CHECK_OK(dm_size("!!!!!!!!!!!!!", 13, PR_DATAMATRIX_ANY, &w, &h, &error), &error);
  CHECK(w == 26 && h == 12); /* 312 modules < 18x18 */
  CHECK_OK(dm_size("HELLOWORLD", 10, PR_DATAMATRIX_ANY, &w, &h, &error), &error);
  CHECK(w == 16 && h == 16); /* 256, as 8x32 */
  free(data);
  /* bad inputs */
  CHECK(PrDataMatrix_encode(NULL, 3, PR_DATAMATRIX_SQUARE, modules, sizeof(modules), &w, &h,
                            &error) == PR_EINVAL);
  CHECK(PrDataMatrix_encode((const uint8_t *)"A", 1, PR_DATAMATRIX_SQUARE, NULL, 100, &w, &h,
                            &error) == PR_EINVAL);
  CHECK(PrDataMatrix_encode((const uint8_t *)"A", 1, (PrDataMatrixShape)7, modules,
                            sizeof(modules), &w, &h, &error) == PR_EINVAL);
  CHECK(PrDataMatrix_encode((const uint8_t *)"A", 1, PR_DATAMATRIX_SQUARE, modules, 99, &w, &h,
                            &error) == PR_ELIMIT);
  CHECK(PrDataMatrix_encode((const uint8_t *)"A", 1, PR_DATAMATRIX_SQUARE, modules, 99, &w, &h,
                            NULL) == PR_ELIMIT);
}

static int qr_version(const uint8_t *data, size_t n, PrQrEcLevel level, PrError *error) {
  uint32_t side = 0;
  int version = 0;
  PrStatus status = PrQr_encode(data, n, level, 0, modules, sizeof(modules), &side, &version,
                                error);
  if (status != PR_OK) return -(int)status;
  return (uint32_t)(version * 4 + 17) == side ? version : -100;
}

static int finder_at(uint32_t side, int x0, int y0) {
  for (int dy = 0; dy < 7; dy++) {
    for (int dx = 0; dx < 7; dx++) {
      int ring = abs(dx - 3) > abs(dy - 3) ? abs(dx - 3) : abs(dy - 3);
      if (modules[(y0 + dy) * side + x0 + dx] != (ring != 2)) return 0;
    }
  }
  return 1;
}

static void test_qr_sizes(void) {
  PrError error;
  CHECK(qr_version((const uint8_t *)"HELLO WORLD", 11, PR_QR_EC_M, &error) == 1);
  CHECK(finder_at(21, 0, 0) && finder_at(21, 14, 0) && finder_at(21, 0, 14));
  CHECK(modules[13 * 21 + 8] == 1); /* dark module */
  int timing = 1;
  for (int i = 8; i < 13; i++) timing &= modules[6 * 21 + i] == (i % 2 == 0);
  CHECK(timing);
  uint8_t *data = repeat('a', 8000);
  /* byte mode: v1-L 17 bytes, v40-L 2953, v40-H 1273 */
  CHECK(qr_version(data, 17, PR_QR_EC_L, &error) == 1);
  CHECK(qr_version(data, 18, PR_QR_EC_L, &error) == 2);
  CHECK(qr_version(data, 14, PR_QR_EC_M, &error) == 1);
  CHECK(qr_version(data, 7, PR_QR_EC_H, &error) == 1);
  CHECK(qr_version(data, 8, PR_QR_EC_H, &error) == 2);
  CHECK(qr_version(data, 271, PR_QR_EC_L, &error) == 10);
  CHECK(qr_version(data, 2953, PR_QR_EC_L, &error) == 40);
  CHECK(qr_version(data, 2954, PR_QR_EC_L, &error) == -(int)PR_ELIMIT);
  CHECK(strstr(error.message, "2954") != NULL);
  CHECK(qr_version(data, 1273, PR_QR_EC_H, &error) == 40);
  CHECK(qr_version(data, 1274, PR_QR_EC_H, &error) == -(int)PR_ELIMIT);
  /* numeric: v1-L 41 digits, v40-L 7089; alphanumeric: v1-L 25, v40-L 4296 */
  memset(data, '9', 8000);
  CHECK(qr_version(data, 41, PR_QR_EC_L, &error) == 1);
  CHECK(qr_version(data, 42, PR_QR_EC_L, &error) == 2);
  CHECK(qr_version(data, 7089, PR_QR_EC_L, &error) == 40);
  CHECK(qr_version(data, 7090, PR_QR_EC_L, &error) == -(int)PR_ELIMIT);
  memset(data, 'Z', 8000);
  CHECK(qr_version(data, 25, PR_QR_EC_L, &error) == 1);
  CHECK(qr_version(data, 26, PR_QR_EC_L, &error) == 2);
  CHECK(qr_version(data, 4296, PR_QR_EC_L, &error) == 40);
  CHECK(qr_version(data, 4297, PR_QR_EC_L, &error) == -(int)PR_ELIMIT);
  /* version 7+: version information blocks; minimum version honoured */
  uint32_t side = 0;
  int version = 0;
  CHECK_OK(PrQr_encode(data, 3, PR_QR_EC_Q, 7, modules, sizeof(modules), &side, &version,
                       &error), &error);
  CHECK(version == 7 && side == 45);
  /* version 7 information 000111 110010 010100, bit 0 at (x 0, y side-11) */
  static const int v7_bits[18] = {0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0};
  int version_ok = 1;
  for (int i = 0; i < 18; i++) {
    int a = 45 - 11 + i % 3, b = i / 3;
    version_ok &= modules[b * 45 + a] == v7_bits[i] && modules[a * 45 + b] == v7_bits[i];
  }
  CHECK(version_ok);
  CHECK_OK(PrQr_encode(NULL, 0, PR_QR_EC_L, 0, modules, sizeof(modules), &side, NULL, &error),
           &error);
  CHECK(side == 21);
  /* bad inputs */
  CHECK(PrQr_encode(NULL, 5, PR_QR_EC_L, 0, modules, sizeof(modules), &side, &version,
                    &error) == PR_EINVAL);
  CHECK(PrQr_encode(data, 5, PR_QR_EC_L, 0, NULL, 0, &side, &version, &error) == PR_EINVAL);
  CHECK(PrQr_encode(data, 5, (PrQrEcLevel)4, 0, modules, sizeof(modules), &side, &version,
                    &error) == PR_EINVAL);
  CHECK(PrQr_encode(data, 5, PR_QR_EC_L, 41, modules, sizeof(modules), &side, &version,
                    &error) == PR_EINVAL);
  CHECK(PrQr_encode(data, 5, PR_QR_EC_L, -1, modules, sizeof(modules), &side, &version,
                    &error) == PR_EINVAL);
  CHECK(PrQr_encode(data, 5, PR_QR_EC_L, 0, modules, 440, &side, &version, &error) ==
        PR_ELIMIT);
  CHECK(PrQr_encode(data, 5, PR_QR_EC_L, 0, modules, 440, &side, &version, NULL) == PR_ELIMIT);
  free(data);
}

int main(void) {
  test_reed_solomon();
  test_datamatrix_sizes();
  test_qr_sizes();
  return check_summary("test_barcode2d");
}
