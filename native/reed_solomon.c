/* reed_solomon.c: GF(256) tables and systematic Reed-Solomon encoding. */
#include <pthread.h>
#include <string.h>

#include "barcode2d.h"

void PrGf256_init(PrGf256 *field, unsigned polynomial) {
  unsigned value = 1;
  memset(field->log, 0, sizeof(field->log));
  for (int i = 0; i < 255; i++) {
    field->exp[i] = (uint8_t)value;
    field->log[value] = (uint8_t)i;
    value <<= 1;
    if (value & 0x100) {
      value ^= polynomial;
    }
  }
  for (int i = 255; i < 512; i++) {
    field->exp[i] = field->exp[i - 255];
  }
}

/* DataMatrix's field, x^8 + x^5 + x^3 + x^2 + 1, built once for every symbol. */
static PrGf256 datamatrix_field;
static pthread_once_t datamatrix_once = PTHREAD_ONCE_INIT;

static void init_datamatrix_field(void) {
  PrGf256_init(&datamatrix_field, 0x12D);
}

const PrGf256 *PrGf256_datamatrix(void) {
  pthread_once(&datamatrix_once, init_datamatrix_field);
  return &datamatrix_field;
}

static uint8_t gf_mul(const PrGf256 *field, uint8_t a, uint8_t b) {
  if (a == 0 || b == 0) {
    return 0;
  }
  return field->exp[field->log[a] + field->log[b]];
}

void PrReedSolomon_encode(const PrGf256 *field, int first_root,
                          const uint8_t *data, size_t data_count,
                          uint8_t *ecc, size_t ecc_count) {
  /* generator[0..ecc_count], generator[0] the coefficient of x^ecc_count
   * (always 1); built by multiplying (x - a^k) factors. */
  uint8_t generator[256];
  memset(generator, 0, sizeof(generator));
  generator[0] = 1;
  for (size_t i = 0; i < ecc_count; i++) {
    uint8_t root = field->exp[(first_root + (int)i) % 255];
    /* multiply by (x + root): new[j] = old[j] + root * old[j-1] */
    for (size_t j = i + 1; j > 0; j--) {
      generator[j] ^= gf_mul(field, generator[j - 1], root);
    }
  }
  memset(ecc, 0, ecc_count);
  for (size_t i = 0; i < data_count; i++) {
    uint8_t factor = data[i] ^ ecc[0];
    memmove(ecc, ecc + 1, ecc_count - 1);
    ecc[ecc_count - 1] = 0;
    for (size_t j = 0; j < ecc_count; j++) {
      ecc[j] ^= gf_mul(field, generator[j + 1], factor);
    }
  }
}
