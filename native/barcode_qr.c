/* barcode_qr.c: QR code model 2 (ISO/IEC 18004) encoder.
 *
 * Numeric, alphanumeric or byte mode (one segment), versions 1-40, levels
 * L/M/Q/H, Reed-Solomon over GF(256)/0x11D per block with interleaving,
 * the function patterns (finders, separators, timing, alignment, dark
 * module, format and version information) and the mask of lowest penalty
 * (the four rules of the standard). */
#include <stdlib.h>
#include <string.h>

#include "barcode2d.h"
#include "error.h"
#include "pressrun.h"

/* Indexed [level][version], level in L, M, Q, H order. */
static const uint8_t QR_ECC_PER_BLOCK[4][41] = {
    {0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28,
     28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30},
    {0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
     26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28},
    {0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30,
     28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30},
    {0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28,
     30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30},
};

static const uint8_t QR_BLOCKS[4][41] = {
    {0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8,
     8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25},
    {0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
     17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49},
    {0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20,
     23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68},
    {0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25,
     25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81},
};

/* format bits of the level: L 01, M 00, Q 11, H 10 */
static const unsigned QR_LEVEL_BITS[4] = {1, 0, 3, 2};

static const char QR_ALNUM[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

enum { QR_NUMERIC = 1, QR_ALPHANUMERIC = 2, QR_BYTE = 4 };

static int qr_raw_modules(int version) {
  int result = (16 * version + 128) * version + 64;
  if (version >= 2) {
    int align = version / 7 + 2;
    result -= (25 * align - 10) * align - 55;
    if (version >= 7) result -= 36;
  }
  return result;
}

static int qr_data_codewords(int version, int level) {
  return qr_raw_modules(version) / 8 -
         QR_ECC_PER_BLOCK[level][version] * QR_BLOCKS[level][version];
}

static int qr_count_bits(int mode, int version) {
  int group = version <= 9 ? 0 : version <= 26 ? 1 : 2;
  static const int numeric[3] = {10, 12, 14}, alnum[3] = {9, 11, 13}, byte[3] = {8, 16, 16};
  return mode == QR_NUMERIC ? numeric[group] : mode == QR_ALPHANUMERIC ? alnum[group] : byte[group];
}

static size_t qr_payload_bits(int mode, size_t n) {
  if (mode == QR_NUMERIC) return n / 3 * 10 + (n % 3 == 0 ? 0 : n % 3 == 1 ? 4 : 7);
  if (mode == QR_ALPHANUMERIC) return n / 2 * 11 + (n % 2) * 6;
  return n * 8;
}

static int qr_alnum_value(uint8_t c) {
  const char *at = c ? strchr(QR_ALNUM, c) : NULL;
  return at ? (int)(at - QR_ALNUM) : -1;
}

typedef struct BitWriter {
  uint8_t *bytes;
  size_t capacity_bits, bits;
} BitWriter;

static void bits_put(BitWriter *w, unsigned value, int count) {
  for (int i = count - 1; i >= 0; i--) {
    if (w->bits < w->capacity_bits) {
      if ((value >> i) & 1) w->bytes[w->bits >> 3] |= (uint8_t)(0x80 >> (w->bits & 7));
      w->bits++;
    }
  }
}

/* ---- the symbol ---- */

typedef struct QrGrid {
  int size;
  uint8_t *dark;     /* size*size */
  uint8_t *function; /* size*size: 1 for function modules */
} QrGrid;

static void qr_set_function(QrGrid *g, int x, int y, int dark) {
  g->dark[y * g->size + x] = (uint8_t)(dark != 0);
  g->function[y * g->size + x] = 1;
}

static void qr_finder(QrGrid *g, int cx, int cy) {
  for (int dy = -4; dy <= 4; dy++) {
    for (int dx = -4; dx <= 4; dx++) {
      int x = cx + dx, y = cy + dy;
      if (x < 0 || y < 0 || x >= g->size || y >= g->size) continue;
      int d = abs(dx) > abs(dy) ? abs(dx) : abs(dy);
      qr_set_function(g, x, y, d != 2 && d != 4);
    }
  }
}

static void qr_alignment(QrGrid *g, int cx, int cy) {
  for (int dy = -2; dy <= 2; dy++) {
    for (int dx = -2; dx <= 2; dx++) {
      int d = abs(dx) > abs(dy) ? abs(dx) : abs(dy);
      qr_set_function(g, cx + dx, cy + dy, d != 1);
    }
  }
}

static int qr_alignment_positions(int version, int *out) {
  if (version == 1) return 0;
  int count = version / 7 + 2;
  int size = version * 4 + 17;
  int step = version == 32 ? 26 : (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2;
  out[0] = 6;
  for (int i = count - 1, pos = size - 7; i >= 1; i--, pos -= step) out[i] = pos;
  return count;
}

static void qr_format_bits(QrGrid *g, int level, int mask) {
  unsigned data = QR_LEVEL_BITS[level] << 3 | (unsigned)mask;
  unsigned rem = data;
  for (int i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >> 9) * 0x537);
  unsigned bits = ((data << 10) | rem) ^ 0x5412;
  int size = g->size;
  for (int i = 0; i <= 5; i++) qr_set_function(g, 8, i, (bits >> i) & 1);
  qr_set_function(g, 8, 7, (bits >> 6) & 1);
  qr_set_function(g, 8, 8, (bits >> 7) & 1);
  qr_set_function(g, 7, 8, (bits >> 8) & 1);
  for (int i = 9; i < 15; i++) qr_set_function(g, 14 - i, 8, (bits >> i) & 1);
  for (int i = 0; i < 8; i++) qr_set_function(g, size - 1 - i, 8, (bits >> i) & 1);
  for (int i = 8; i < 15; i++) qr_set_function(g, 8, size - 15 + i, (bits >> i) & 1);
  qr_set_function(g, 8, size - 8, 1); /* the dark module */
}

static void qr_function_patterns(QrGrid *g, int version) {
  int size = g->size;
  for (int i = 0; i < size; i++) {
    qr_set_function(g, 6, i, i % 2 == 0);
    qr_set_function(g, i, 6, i % 2 == 0);
  }
  qr_finder(g, 3, 3);
  qr_finder(g, size - 4, 3);
  qr_finder(g, 3, size - 4);
  int positions[7];
  int count = qr_alignment_positions(version, positions);
  for (int i = 0; i < count; i++) {
    for (int j = 0; j < count; j++) {
      if ((i == 0 && j == 0) || (i == 0 && j == count - 1) || (i == count - 1 && j == 0)) continue;
      qr_alignment(g, positions[i], positions[j]);
    }
  }
  qr_format_bits(g, 0, 0); /* reserves the format areas; rewritten later */
  if (version >= 7) {
    unsigned rem = (unsigned)version;
    for (int i = 0; i < 12; i++) rem = (rem << 1) ^ ((rem >> 11) * 0x1F25);
    unsigned bits = (unsigned)version << 12 | rem;
    for (int i = 0; i < 18; i++) {
      int bit = (bits >> i) & 1;
      int a = size - 11 + i % 3, b = i / 3;
      qr_set_function(g, a, b, bit);
      qr_set_function(g, b, a, bit);
    }
  }
}

static void qr_place_codewords(QrGrid *g, const uint8_t *codewords, size_t count) {
  size_t i = 0;
  int size = g->size;
  for (int right = size - 1; right >= 1; right -= 2) {
    if (right == 6) right = 5;
    for (int vert = 0; vert < size; vert++) {
      for (int j = 0; j < 2; j++) {
        int x = right - j;
        int upward = ((right + 1) & 2) == 0;
        int y = upward ? size - 1 - vert : vert;
        if (!g->function[y * size + x]) {
          if (i < count * 8) {
            g->dark[y * size + x] = (codewords[i >> 3] >> (7 - (i & 7))) & 1;
            i++;
          } else {
            g->dark[y * size + x] = 0; /* remainder bits */
          }
        }
      }
    }
  }
}

static int qr_mask_bit(int mask, int x, int y) {
  switch (mask) {
    case 0: return (x + y) % 2 == 0;
    case 1: return y % 2 == 0;
    case 2: return x % 3 == 0;
    case 3: return (x + y) % 3 == 0;
    case 4: return (x / 3 + y / 2) % 2 == 0;
    case 5: return x * y % 2 + x * y % 3 == 0;
    case 6: return (x * y % 2 + x * y % 3) % 2 == 0;
    default: return ((x + y) % 2 + x * y % 3) % 2 == 0;
  }
}

static void qr_apply_mask(QrGrid *g, int mask) {
  for (int y = 0; y < g->size; y++) {
    for (int x = 0; x < g->size; x++) {
      if (!g->function[y * g->size + x] && qr_mask_bit(mask, x, y)) g->dark[y * g->size + x] ^= 1;
    }
  }
}

static long qr_penalty(const QrGrid *g) {
  int size = g->size;
  long penalty = 0;
  /* rule 1: runs of 5+ in rows and columns; rule 3: 1:1:3:1:1 with 4 light */
  static const uint8_t finder_a[11] = {1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0};
  static const uint8_t finder_b[11] = {0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 1};
  for (int pass = 0; pass < 2; pass++) {
    for (int i = 0; i < size; i++) {
      int run = 0, color = -1;
      for (int j = 0; j < size; j++) {
        int v = pass == 0 ? g->dark[i * size + j] : g->dark[j * size + i];
        if (v == color) {
          run++;
          if (run == 5) penalty += 3;
          else if (run > 5) penalty += 1;
        } else {
          color = v;
          run = 1;
        }
        if (j + 11 <= size) {
          int match_a = 1, match_b = 1;
          for (int k = 0; k < 11 && (match_a || match_b); k++) {
            int w = pass == 0 ? g->dark[i * size + j + k] : g->dark[(j + k) * size + i];
            if (w != finder_a[k]) match_a = 0;
            if (w != finder_b[k]) match_b = 0;
          }
          penalty += 40 * (match_a + match_b);
        }
      }
    }
  }
  /* rule 2: 2x2 blocks of one colour */
  for (int y = 0; y + 1 < size; y++) {
    for (int x = 0; x + 1 < size; x++) {
      uint8_t v = g->dark[y * size + x];
      if (v == g->dark[y * size + x + 1] && v == g->dark[(y + 1) * size + x] &&
          v == g->dark[(y + 1) * size + x + 1]) penalty += 3;
    }
  }
  /* rule 4: balance of dark modules */
  long dark = 0, total = (long)size * size;
  for (long i = 0; i < total; i++) dark += g->dark[i];
  long k = (labs(dark * 20 - total * 10) + total - 1) / total - 1;
  penalty += k * 10;
  return penalty;
}

PrStatus PrQr_encode(const uint8_t *data, size_t data_bytes, PrQrEcLevel level,
                     int min_version, uint8_t *modules, size_t modules_bytes,
                     uint32_t *out_side, int *out_version, PrError *error) {
  if ((data == NULL && data_bytes > 0) || modules == NULL || out_side == NULL) {
    return PrError_set(error, PR_EINVAL, "QR: NULL argument");
  }
  if ((int)level < 0 || (int)level > 3) {
    return PrError_set(error, PR_EINVAL, "QR: unknown error correction level %d", (int)level);
  }
  if (min_version < 0 || min_version > 40) {
    return PrError_set(error, PR_EINVAL, "QR: version %d is not in 1..40", min_version);
  }
  if (min_version == 0) min_version = 1;
  int mode = QR_NUMERIC;
  for (size_t i = 0; i < data_bytes; i++) {
    uint8_t c = data[i];
    if (c < '0' || c > '9') {
      if (qr_alnum_value(c) >= 0) {
        if (mode == QR_NUMERIC) mode = QR_ALPHANUMERIC;
      } else {
        mode = QR_BYTE;
        break;
      }
    }
  }
  int version = 0;
  for (int v = min_version; v <= 40; v++) {
    size_t need = 4 + (size_t)qr_count_bits(mode, v) + qr_payload_bits(mode, data_bytes);
    if (data_bytes < ((size_t)1 << qr_count_bits(mode, v)) &&
        need <= (size_t)qr_data_codewords(v, level) * 8) {
      version = v;
      break;
    }
  }
  if (version == 0) {
    return PrError_set(error, PR_ELIMIT,
                       "QR: %zu bytes of data do not fit version 40 at level %c",
                       data_bytes, "LMQH"[level]);
  }
  int size = version * 4 + 17;
  if (modules_bytes < (size_t)size * size) {
    return PrError_set(error, PR_ELIMIT,
                       "QR: the version %d symbol needs %d modules, the buffer holds %zu",
                       version, size * size, modules_bytes);
  }
  /* data codewords */
  int n_data = qr_data_codewords(version, level);
  int raw = qr_raw_modules(version) / 8;
  uint8_t *buffer = calloc((size_t)raw * 2 + (size_t)size * size * 3, 1);
  if (buffer == NULL) {
    return PrError_set(error, PR_ENOMEM, "QR: out of memory");
  }
  uint8_t *stream = buffer;
  uint8_t *final = buffer + raw;
  uint8_t *scratch_dark = final + raw;
  QrGrid grid = {size, scratch_dark + (size_t)size * size, scratch_dark + (size_t)size * size * 2};
  BitWriter w = {stream, (size_t)n_data * 8, 0};
  bits_put(&w, (unsigned)mode, 4);
  bits_put(&w, (unsigned)data_bytes, qr_count_bits(mode, version));
  if (mode == QR_NUMERIC) {
    for (size_t i = 0; i < data_bytes; i += 3) {
      size_t n = data_bytes - i < 3 ? data_bytes - i : 3;
      unsigned value = 0;
      for (size_t k = 0; k < n; k++) value = value * 10 + (unsigned)(data[i + k] - '0');
      bits_put(&w, value, n == 3 ? 10 : n == 2 ? 7 : 4);
    }
  } else if (mode == QR_ALPHANUMERIC) {
    for (size_t i = 0; i < data_bytes; i += 2) {
      if (i + 1 < data_bytes) {
        bits_put(&w, (unsigned)(qr_alnum_value(data[i]) * 45 + qr_alnum_value(data[i + 1])), 11);
      } else {
        bits_put(&w, (unsigned)qr_alnum_value(data[i]), 6);
      }
    }
  } else {
    for (size_t i = 0; i < data_bytes; i++) bits_put(&w, data[i], 8);
  }
  size_t terminator = w.capacity_bits - w.bits < 4 ? w.capacity_bits - w.bits : 4;
  bits_put(&w, 0, (int)terminator);
  bits_put(&w, 0, (int)((8 - w.bits % 8) % 8));
  for (int pad = 0; w.bits < w.capacity_bits; pad ^= 1) bits_put(&w, pad ? 0x11 : 0xEC, 8);
  /* blocks and interleaving */
  PrGf256 field;
  PrGf256_init(&field, 0x11D);
  int blocks = QR_BLOCKS[level][version];
  int ecc_len = QR_ECC_PER_BLOCK[level][version];
  int short_blocks = blocks - raw % blocks;
  int short_data = raw / blocks - ecc_len;
  uint8_t ecc[30 * 81];
  int offset = 0;
  for (int b = 0; b < blocks; b++) {
    int len = short_data + (b >= short_blocks);
    PrReedSolomon_encode(&field, 0, stream + offset, (size_t)len, ecc + b * ecc_len, (size_t)ecc_len);
    offset += len;
  }
  int out = 0;
  for (int i = 0; i <= short_data; i++) {
    int start = 0;
    for (int b = 0; b < blocks; b++) {
      int len = short_data + (b >= short_blocks);
      if (i < len) final[out++] = stream[start + i];
      start += len;
    }
  }
  for (int i = 0; i < ecc_len; i++) {
    for (int b = 0; b < blocks; b++) final[out++] = ecc[b * ecc_len + i];
  }
  if (out != raw) {
    free(buffer);
    return PrError_set(error, PR_EINTERNAL, "QR: %d codewords placed, %d expected", out, raw);
  }
  /* the matrix and the best mask */
  qr_function_patterns(&grid, version);
  qr_place_codewords(&grid, final, (size_t)raw);
  memcpy(scratch_dark, grid.dark, (size_t)size * size);
  long best_penalty = -1;
  int best_mask = 0;
  for (int mask = 0; mask < 8; mask++) {
    memcpy(grid.dark, scratch_dark, (size_t)size * size);
    qr_apply_mask(&grid, mask);
    qr_format_bits(&grid, level, mask);
    long p = qr_penalty(&grid);
    if (best_penalty < 0 || p < best_penalty) {
      best_penalty = p;
      best_mask = mask;
    }
  }
  memcpy(grid.dark, scratch_dark, (size_t)size * size);
  qr_apply_mask(&grid, best_mask);
  qr_format_bits(&grid, level, best_mask);
  memcpy(modules, grid.dark, (size_t)size * size);
  free(buffer);
  *out_side = (uint32_t)size;
  if (out_version != NULL) *out_version = version;
  return PR_OK;
}
