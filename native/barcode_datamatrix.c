/* barcode_datamatrix.c: DataMatrix ECC200 (ISO/IEC 16022) encoder.
 *
 * ASCII encodation (digit pairs as one codeword, upper shift for bytes
 * above 127), pad codewords with the 253-state randomisation, Reed-Solomon
 * over GF(256)/0x12D interleaved per block, the standard module placement
 * with its four corner cases, and the finder / timing borders of every
 * data region. */
#include <stdlib.h>
#include <string.h>

#include "barcode2d.h"
#include "error.h"
#include "pressrun.h"

typedef struct DmSize {
  uint16_t rows, cols;            /* symbol size in modules */
  uint8_t region_rows, region_cols; /* data region size (without borders) */
  uint16_t data_codewords, ecc_codewords;
  uint8_t blocks;
} DmSize;

static const DmSize DM_SQUARE[] = {
    {10, 10, 8, 8, 3, 5, 1},          {12, 12, 10, 10, 5, 7, 1},
    {14, 14, 12, 12, 8, 10, 1},       {16, 16, 14, 14, 12, 12, 1},
    {18, 18, 16, 16, 18, 14, 1},      {20, 20, 18, 18, 22, 18, 1},
    {22, 22, 20, 20, 30, 20, 1},      {24, 24, 22, 22, 36, 24, 1},
    {26, 26, 24, 24, 44, 28, 1},      {32, 32, 14, 14, 62, 36, 1},
    {36, 36, 16, 16, 86, 42, 1},      {40, 40, 18, 18, 114, 48, 1},
    {44, 44, 20, 20, 144, 56, 1},     {48, 48, 22, 22, 174, 68, 1},
    {52, 52, 24, 24, 204, 84, 2},     {64, 64, 14, 14, 280, 112, 2},
    {72, 72, 16, 16, 368, 144, 4},    {80, 80, 18, 18, 456, 192, 4},
    {88, 88, 20, 20, 576, 224, 4},    {96, 96, 22, 22, 696, 272, 4},
    {104, 104, 24, 24, 816, 336, 6},  {120, 120, 18, 18, 1050, 408, 6},
    {132, 132, 20, 20, 1304, 496, 8}, {144, 144, 22, 22, 1558, 620, 10},
};

static const DmSize DM_RECT[] = {
    {8, 18, 6, 16, 5, 7, 1},    {8, 32, 6, 14, 10, 11, 1},
    {12, 26, 10, 24, 16, 14, 1}, {12, 36, 10, 16, 22, 18, 1},
    {16, 36, 14, 16, 32, 24, 1}, {16, 48, 14, 22, 49, 28, 1},
};

#define DM_MAX_CODEWORDS (1558 + 620)

/* ASCII encodation; returns the codeword count or SIZE_MAX if more than
 * capacity codewords would be needed. */
static size_t dm_encode_ascii(const uint8_t *data, size_t size, uint8_t *out,
                              size_t capacity) {
  size_t n = 0;
  for (size_t i = 0; i < size; i++) {
    uint8_t c = data[i];
    if (c >= '0' && c <= '9' && i + 1 < size && data[i + 1] >= '0' &&
        data[i + 1] <= '9') {
      if (n >= capacity) return SIZE_MAX;
      out[n++] = (uint8_t)(130 + (c - '0') * 10 + (data[i + 1] - '0'));
      i++;
    } else if (c < 128) {
      if (n >= capacity) return SIZE_MAX;
      out[n++] = (uint8_t)(c + 1);
    } else {
      if (n + 2 > capacity) return SIZE_MAX;
      out[n++] = 235;
      out[n++] = (uint8_t)(c - 128 + 1);
    }
  }
  return n;
}

/* C40 (text == 0) or Text (text == 1) values of one byte < 128; returns the
 * value count (1 or 2), 0 for bytes it cannot encode here. */
static int dm_c40_values(uint8_t c, int text, uint8_t out[2]) {
  if (c == ' ') {
    out[0] = 3;
    return 1;
  }
  if (c >= '0' && c <= '9') {
    out[0] = (uint8_t)(c - '0' + 4);
    return 1;
  }
  if (c >= 'A' && c <= 'Z') {
    if (!text) {
      out[0] = (uint8_t)(c - 'A' + 14);
      return 1;
    }
    out[0] = 2;
    out[1] = (uint8_t)(c - 'A' + 1);
    return 2;
  }
  if (c >= 'a' && c <= 'z') {
    if (text) {
      out[0] = (uint8_t)(c - 'a' + 14);
      return 1;
    }
    out[0] = 2;
    out[1] = (uint8_t)(c - 'a' + 1);
    return 2;
  }
  if (c < 32) {
    out[0] = 0;
    out[1] = c;
    return 2;
  }
  if (c >= 33 && c <= 47) {
    out[0] = 1;
    out[1] = (uint8_t)(c - 33);
    return 2;
  }
  if (c >= 58 && c <= 64) {
    out[0] = 1;
    out[1] = (uint8_t)(c - 58 + 15);
    return 2;
  }
  if (c >= 91 && c <= 95) {
    out[0] = 1;
    out[1] = (uint8_t)(c - 91 + 22);
    return 2;
  }
  if (c == 96) {
    out[0] = 2;
    out[1] = 0;
    return 2;
  }
  if (c >= 123 && c <= 127) {
    out[0] = 2;
    out[1] = (uint8_t)(c - 123 + 27);
    return 2;
  }
  return 0;
}

/* The whole data in C40 or Text: latch, triplets in codeword pairs while
 * whole characters fill them, then unlatch (unless it ends exactly on a
 * triplet and omit_unlatch) and the rest in ASCII. SIZE_MAX if the data has
 * bytes > 127 or needs more than capacity codewords. */
static size_t dm_encode_c40(const uint8_t *data, size_t size, int text, int omit_unlatch,
                            uint8_t *out, size_t capacity) {
  size_t n = 0;
  if (capacity < 1) return SIZE_MAX;
  out[n++] = text ? 239 : 230;
  uint8_t values[3];
  int pending = 0;
  size_t done = 0; /* bytes fully packed into codeword pairs */
  for (size_t i = 0; i < size; i++) {
    uint8_t v[2];
    int count = data[i] < 128 ? dm_c40_values(data[i], text, v) : 0;
    if (count == 0) return SIZE_MAX;
    for (int k = 0; k < count; k++) {
      values[pending++] = v[k];
      if (pending == 3) {
        if (n + 2 > capacity) return SIZE_MAX;
        unsigned packed = 1600u * values[0] + 40u * values[1] + values[2] + 1;
        out[n++] = (uint8_t)(packed >> 8);
        out[n++] = (uint8_t)(packed & 0xFF);
        pending = 0;
      }
    }
    if (pending == 0) done = i + 1;
  }
  /* values of bytes after `done` (at most a partial triplet, maybe spanning a
   * byte whose first value completed a triplet) are dropped: redo them in
   * ASCII. A triplet that holds the first value of a byte and nothing after
   * cannot occur past `done` unless pending != 0 at the end. */
  if (done == size && omit_unlatch) return n;
  if (done < size) {
    /* drop the codeword pairs packed after `done`: recompute from scratch */
    n = 1;
    pending = 0;
    for (size_t i = 0; i < done; i++) {
      uint8_t v[2];
      int count = dm_c40_values(data[i], text, v);
      for (int k = 0; k < count; k++) {
        values[pending++] = v[k];
        if (pending == 3) {
          unsigned packed = 1600u * values[0] + 40u * values[1] + values[2] + 1;
          out[n++] = (uint8_t)(packed >> 8);
          out[n++] = (uint8_t)(packed & 0xFF);
          pending = 0;
        }
      }
    }
  }
  if (n + 1 > capacity) return SIZE_MAX;
  out[n++] = 254;
  size_t rest = dm_encode_ascii(data + done, size - done, out + n, capacity - n);
  return rest == SIZE_MAX ? SIZE_MAX : n + rest;
}

/* ---- module placement (ISO/IEC 16022 annex F) ---- */

typedef struct DmPlacer {
  int nrow, ncol;
  uint16_t *cells; /* 0 unset, 1 fixed dark, 2 fixed light, else 10*pos+bit */
} DmPlacer;

static void dm_module(DmPlacer *p, int row, int col, int pos, int bit) {
  if (row < 0) {
    row += p->nrow;
    col += 4 - ((p->nrow + 4) % 8);
  }
  if (col < 0) {
    col += p->ncol;
    row += 4 - ((p->ncol + 4) % 8);
  }
  p->cells[row * p->ncol + col] = (uint16_t)(10 * pos + bit);
}

static void dm_utah(DmPlacer *p, int row, int col, int pos) {
  dm_module(p, row - 2, col - 2, pos, 1);
  dm_module(p, row - 2, col - 1, pos, 2);
  dm_module(p, row - 1, col - 2, pos, 3);
  dm_module(p, row - 1, col - 1, pos, 4);
  dm_module(p, row - 1, col, pos, 5);
  dm_module(p, row, col - 2, pos, 6);
  dm_module(p, row, col - 1, pos, 7);
  dm_module(p, row, col, pos, 8);
}

static void dm_corner(DmPlacer *p, const int rc[8][2], int pos) {
  for (int i = 0; i < 8; i++) {
    int r = rc[i][0] < 0 ? p->nrow + rc[i][0] : rc[i][0];
    int c = rc[i][1] < 0 ? p->ncol + rc[i][1] : rc[i][1];
    dm_module(p, r, c, pos, i + 1);
  }
}

/* Negative entries count from the end (row -1 = nrow-1). */
static const int DM_CORNER1[8][2] = {{-1, 0}, {-1, 1}, {-1, 2}, {0, -2},
                                     {0, -1}, {1, -1}, {2, -1}, {3, -1}};
static const int DM_CORNER2[8][2] = {{-3, 0}, {-2, 0}, {-1, 0}, {0, -4},
                                     {0, -3}, {0, -2}, {0, -1}, {1, -1}};
static const int DM_CORNER3[8][2] = {{-3, 0}, {-2, 0}, {-1, 0}, {0, -2},
                                     {0, -1}, {1, -1}, {2, -1}, {3, -1}};
static const int DM_CORNER4[8][2] = {{-1, 0}, {-1, -1}, {0, -3}, {0, -2},
                                     {0, -1}, {1, -3}, {1, -2}, {1, -1}};

static void dm_place(DmPlacer *p) {
  int nrow = p->nrow, ncol = p->ncol;
  int pos = 1, row = 4, col = 0;
  do {
    if (row == nrow && col == 0) dm_corner(p, DM_CORNER1, pos++);
    if (row == nrow - 2 && col == 0 && ncol % 4) dm_corner(p, DM_CORNER2, pos++);
    if (row == nrow - 2 && col == 0 && ncol % 8 == 4) dm_corner(p, DM_CORNER3, pos++);
    if (row == nrow + 4 && col == 2 && !(ncol % 8)) dm_corner(p, DM_CORNER4, pos++);
    do {
      if (row < nrow && col >= 0 && !p->cells[row * ncol + col]) dm_utah(p, row, col, pos++);
      row -= 2;
      col += 2;
    } while (row >= 0 && col < ncol);
    row += 1;
    col += 3;
    do {
      if (row >= 0 && col < ncol && !p->cells[row * ncol + col]) dm_utah(p, row, col, pos++);
      row += 2;
      col -= 2;
    } while (row < nrow && col >= 0);
    row += 3;
    col += 1;
  } while (row < nrow || col < ncol);
  if (!p->cells[nrow * ncol - 1]) {
    /* the fixed 2x2 pattern in the lower right corner */
    p->cells[nrow * ncol - 1] = 1;
    p->cells[(nrow - 1) * ncol - 2] = 1;
    p->cells[nrow * ncol - 2] = 2;
    p->cells[(nrow - 1) * ncol - 1] = 2;
  }
}

static const DmSize *dm_choose(size_t codewords, PrDataMatrixShape shape) {
  const DmSize *best = NULL;
  if (shape != PR_DATAMATRIX_RECTANGLE) {
    for (size_t i = 0; i < sizeof(DM_SQUARE) / sizeof(DM_SQUARE[0]); i++) {
      if (DM_SQUARE[i].data_codewords >= codewords) {
        best = &DM_SQUARE[i];
        break;
      }
    }
  }
  if (shape != PR_DATAMATRIX_SQUARE) {
    for (size_t i = 0; i < sizeof(DM_RECT) / sizeof(DM_RECT[0]); i++) {
      if (DM_RECT[i].data_codewords >= codewords) {
        if (best == NULL || (unsigned)DM_RECT[i].rows * DM_RECT[i].cols <
                                (unsigned)best->rows * best->cols) {
          best = &DM_RECT[i];
        }
        break;
      }
    }
  }
  return best;
}

PrStatus PrDataMatrix_encode(const uint8_t *data, size_t data_bytes,
                             PrDataMatrixShape shape, uint8_t *modules,
                             size_t modules_bytes, uint32_t *out_width,
                             uint32_t *out_height, PrError *error) {
  if ((data == NULL && data_bytes > 0) || modules == NULL || out_width == NULL ||
      out_height == NULL) {
    return PrError_set(error, PR_EINVAL, "DataMatrix: NULL argument");
  }
  if (shape != PR_DATAMATRIX_SQUARE && shape != PR_DATAMATRIX_RECTANGLE &&
      shape != PR_DATAMATRIX_ANY) {
    return PrError_set(error, PR_EINVAL, "DataMatrix: unknown shape %d", (int)shape);
  }
  /* the ASCII, C40 and Text encodations of the whole data (C40/Text ending
   * with or without the unlatch); the one that fits the smallest symbol */
  uint8_t codewords[DM_MAX_CODEWORDS];
  uint8_t candidate[DM_MAX_CODEWORDS];
  size_t count = dm_encode_ascii(data, data_bytes, codewords, 1558);
  const DmSize *size = count == SIZE_MAX ? NULL : dm_choose(count, shape);
  /* Digits pack two to a codeword in ASCII, C40 and Text only three to two:
   * for all-digit data (inserter payloads) ASCII is the shortest. */
  bool digits = true;
  for (size_t i = 0; i < data_bytes && digits; i++) {
    digits = data[i] >= '0' && data[i] <= '9';
  }
  for (int variant = 0; variant < 4 && !digits; variant++) {
    size_t n = dm_encode_c40(data, data_bytes, variant & 1, variant >> 1, candidate, 1558);
    const DmSize *fit = n == SIZE_MAX ? NULL : dm_choose(n, shape);
    /* without the unlatch only when the data ends exactly at the symbol end */
    if (fit != NULL && (variant >> 1) && fit->data_codewords != n) fit = NULL;
    if (fit != NULL && (size == NULL || (unsigned)fit->rows * fit->cols <
                                            (unsigned)size->rows * size->cols)) {
      size = fit;
      count = n;
      memcpy(codewords, candidate, n);
    }
  }
  if (size == NULL) {
    return PrError_set(error, PR_ELIMIT,
                       "DataMatrix: %zu bytes of data do not fit the largest %s symbol",
                       data_bytes, shape == PR_DATAMATRIX_RECTANGLE ? "rectangular" : "square");
  }
  size_t total_modules = (size_t)size->rows * size->cols;
  if (modules_bytes < total_modules) {
    return PrError_set(error, PR_ELIMIT,
                       "DataMatrix: the %ux%u symbol needs %zu modules, the buffer holds %zu",
                       size->rows, size->cols, total_modules, modules_bytes);
  }
  /* pad codewords */
  size_t n_data = size->data_codewords;
  for (size_t i = count; i < n_data; i++) {
    if (i == count) {
      codewords[i] = 129;
    } else {
      unsigned position = (unsigned)i + 1;
      unsigned value = 129 + ((149 * position) % 253) + 1;
      codewords[i] = (uint8_t)(value > 254 ? value - 254 : value);
    }
  }
  /* Reed-Solomon per interleaved block */
  const PrGf256 *field = PrGf256_datamatrix();
  size_t blocks = size->blocks;
  size_t ecc_per_block = size->ecc_codewords / blocks;
  for (size_t b = 0; b < blocks; b++) {
    uint8_t block_data[256];
    uint8_t block_ecc[256];
    size_t k = 0;
    for (size_t i = b; i < n_data; i += blocks) block_data[k++] = codewords[i];
    PrReedSolomon_encode(field, 1, block_data, k, block_ecc, ecc_per_block);
    for (size_t j = 0; j < ecc_per_block; j++) {
      codewords[n_data + b + j * blocks] = block_ecc[j];
    }
  }
  /* placement in the mapping matrix */
  int regions_v = size->rows / (size->region_rows + 2);
  int regions_h = size->cols / (size->region_cols + 2);
  DmPlacer placer;
  placer.nrow = regions_v * size->region_rows;
  placer.ncol = regions_h * size->region_cols;
  /* The mapping matrix of the sizes inserters use fits on the stack. */
  uint16_t small_cells[32 * 32];
  size_t cell_count = (size_t)placer.nrow * placer.ncol;
  placer.cells = cell_count <= 32 * 32 ? small_cells : calloc(cell_count, sizeof(uint16_t));
  if (placer.cells == NULL) {
    return PrError_set(error, PR_ENOMEM, "DataMatrix: out of memory");
  }
  if (placer.cells == small_cells) {
    memset(small_cells, 0, cell_count * sizeof(uint16_t));
  }
  dm_place(&placer);
  memset(modules, 0, total_modules);
  int rr = size->region_rows, rc = size->region_cols;
  for (int r = 0; r < size->rows; r++) {
    for (int c = 0; c < size->cols; c++) {
      int br = r % (rr + 2), bc = c % (rc + 2);
      uint8_t dark;
      if (br == rr + 1 || bc == 0) {
        dark = 1; /* solid L: bottom row and left column */
      } else if (br == 0) {
        dark = (bc % 2) == 0;
      } else if (bc == rc + 1) {
        dark = (br % 2) == 1;
      } else {
        int mr = (r / (rr + 2)) * rr + br - 1;
        int mc = (c / (rc + 2)) * rc + bc - 1;
        unsigned cell = placer.cells[mr * placer.ncol + mc];
        if (cell == 1) {
          dark = 1;
        } else if (cell < 10) {
          dark = 0;
        } else {
          unsigned pos = cell / 10, bit = cell % 10;
          dark = (codewords[pos - 1] >> (8 - bit)) & 1;
        }
      }
      modules[(size_t)r * size->cols + c] = dark;
    }
  }
  if (placer.cells != small_cells) {
    free(placer.cells);
  }
  *out_width = size->cols;
  *out_height = size->rows;
  return PR_OK;
}
