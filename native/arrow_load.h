/* arrow_load.h (private to arrow_view.c and value_format.c): reading values
 * out of Arrow buffers.
 *
 * Loads go through memcpy: Arrow buffers come from outside and need not be
 * aligned, and memcpy of a fixed small size compiles to a plain load.
 * Arrow data is in the host's byte order (the C Data Interface never crosses
 * machines). */
#ifndef PR_ARROW_LOAD_H
#define PR_ARROW_LOAD_H

#include <stdint.h>
#include <string.h>

#include "arrow_view.h"

static inline int32_t PrLoad_i32(const uint8_t *at) {
  int32_t value;
  memcpy(&value, at, sizeof value);
  return value;
}

static inline int64_t PrLoad_i64(const uint8_t *at) {
  int64_t value;
  memcpy(&value, at, sizeof value);
  return value;
}

static inline uint64_t PrLoad_u64(const uint8_t *at) {
  uint64_t value;
  memcpy(&value, at, sizeof value);
  return value;
}

static inline int PrLoad_bit(const uint8_t *bits, int64_t index) {
  return (bits[index >> 3] >> (index & 7)) & 1;
}

/* Bytes per value of a fixed-width type; 0 for the others (bool is bits). */
static inline int PrArrowType_width(PrArrowType type) {
  switch (type) {
    case PR_ARROW_INT8: case PR_ARROW_UINT8: return 1;
    case PR_ARROW_INT16: case PR_ARROW_UINT16: return 2;
    case PR_ARROW_INT32: case PR_ARROW_UINT32: case PR_ARROW_FLOAT32:
    case PR_ARROW_DATE32: return 4;
    case PR_ARROW_INT64: case PR_ARROW_UINT64: case PR_ARROW_FLOAT64:
    case PR_ARROW_DATE64: case PR_ARROW_TIMESTAMP: return 8;
    case PR_ARROW_DECIMAL128: return 16;
    default: return 0;
  }
}

/* A decimal128 value as two's complement halves (host order: Arrow stores
 * the 16 bytes as one native 128-bit integer). */
static inline void PrLoad_decimal128(const uint8_t *at, uint64_t *low, int64_t *high) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  *high = PrLoad_i64(at);
  *low = PrLoad_u64(at + 8);
#else
  *low = PrLoad_u64(at);
  *high = PrLoad_i64(at + 8);
#endif
}

/* Name for messages. */
const char *PrArrowType_name(PrArrowType type);

#endif
