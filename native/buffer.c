/* buffer.c: growable byte buffer and number text. */
#include "buffer.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

void PrBuffer_init(PrBuffer *buffer) {
  buffer->data = NULL;
  buffer->size_bytes = 0;
  buffer->capacity_bytes = 0;
  buffer->failed = 0;
}

void PrBuffer_free(PrBuffer *buffer) {
  free(buffer->data);
  PrBuffer_init(buffer);
}

int PrBuffer_reserve(PrBuffer *buffer, size_t extra_bytes) {
  if (buffer->failed) {
    return 0;
  }
  if (buffer->capacity_bytes - buffer->size_bytes >= extra_bytes) {
    return 1;
  }
  if (extra_bytes > SIZE_MAX / 2 - buffer->size_bytes) {
    buffer->failed = 1;
    return 0;
  }
  size_t needed = buffer->size_bytes + extra_bytes;
  size_t capacity = buffer->capacity_bytes < 256 ? 256 : buffer->capacity_bytes;
  while (capacity < needed) {
    capacity *= 2;
  }
  uint8_t *data = realloc(buffer->data, capacity);
  if (data == NULL) {
    buffer->failed = 1;
    return 0;
  }
  buffer->data = data;
  buffer->capacity_bytes = capacity;
  return 1;
}

PrStatus PrBuffer_check(const PrBuffer *buffer, PrError *error) {
  if (buffer->failed) {
    return PrError_set(error, PR_ENOMEM, "out of memory growing an output buffer");
  }
  return PR_OK;
}

void PrBuffer_appendFormat(PrBuffer *buffer, const char *format, ...) {
  char text[512];
  va_list args;
  va_start(args, format);
  int n = vsnprintf(text, sizeof text, format, args);
  va_end(args);
  if (n < 0) {
    buffer->failed = 1;
    return;
  }
  if ((size_t)n >= sizeof text) {
    /* Rare: format again into the buffer itself. */
    if (!PrBuffer_reserve(buffer, (size_t)n + 1)) {
      return;
    }
    va_start(args, format);
    vsnprintf((char *)buffer->data + buffer->size_bytes, (size_t)n + 1, format, args);
    va_end(args);
    buffer->size_bytes += (size_t)n;
    return;
  }
  PrBuffer_append(buffer, text, (size_t)n);
}

void PrBuffer_appendInt(PrBuffer *buffer, int64_t value) {
  char digits[24];
  int n = 0;
  uint64_t magnitude = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
  do {
    digits[n++] = (char)('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude != 0);
  if (!PrBuffer_reserve(buffer, (size_t)n + 1)) {
    return;
  }
  uint8_t *out = buffer->data + buffer->size_bytes;
  if (value < 0) {
    *out++ = '-';
  }
  while (n > 0) {
    *out++ = (uint8_t)digits[--n];
  }
  buffer->size_bytes = (size_t)(out - buffer->data);
}

static const int64_t kPowersOfTen[] = {1, 10, 100, 1000, 10000, 100000, 1000000};

void PrBuffer_appendReal(PrBuffer *buffer, double value, int decimals) {
  if (decimals < 0) decimals = 0;
  if (decimals > 6) decimals = 6;
  if (!isfinite(value) || fabs(value) > 9.0e12) {
    /* PDF has no inf/nan; clamp to a value readers accept. */
    value = isfinite(value) && value < 0 ? -9.0e12 : (isfinite(value) ? 9.0e12 : 0.0);
  }
  int64_t scale = kPowersOfTen[decimals];
  int64_t scaled = (int64_t)llround(value * (double)scale);
  if (scaled < 0) {
    PrBuffer_appendByte(buffer, '-');
    scaled = -scaled;
  }
  PrBuffer_appendInt(buffer, scaled / scale);
  int64_t fraction = scaled % scale;
  if (fraction == 0) {
    return;
  }
  char digits[8];
  int n = decimals;
  while (n > 0 && fraction % 10 == 0) {
    fraction /= 10;
    n--;
  }
  for (int i = n - 1; i >= 0; i--) {
    digits[i] = (char)('0' + fraction % 10);
    fraction /= 10;
  }
  PrBuffer_appendByte(buffer, '.');
  PrBuffer_append(buffer, digits, (size_t)n);
}

static const char kHexDigits[] = "0123456789ABCDEF";

void PrBuffer_appendHex(PrBuffer *buffer, const uint8_t *data, size_t size_bytes) {
  if (!PrBuffer_reserve(buffer, size_bytes * 2)) {
    return;
  }
  uint8_t *out = buffer->data + buffer->size_bytes;
  for (size_t i = 0; i < size_bytes; i++) {
    *out++ = (uint8_t)kHexDigits[data[i] >> 4];
    *out++ = (uint8_t)kHexDigits[data[i] & 15];
  }
  buffer->size_bytes += size_bytes * 2;
}

void PrBuffer_appendHex16(PrBuffer *buffer, uint16_t value) {
  if (!PrBuffer_reserve(buffer, 4)) {
    return;
  }
  uint8_t *out = buffer->data + buffer->size_bytes;
  out[0] = (uint8_t)kHexDigits[(value >> 12) & 15];
  out[1] = (uint8_t)kHexDigits[(value >> 8) & 15];
  out[2] = (uint8_t)kHexDigits[(value >> 4) & 15];
  out[3] = (uint8_t)kHexDigits[value & 15];
  buffer->size_bytes += 4;
}

char *PrText_copy(const char *text) {
  size_t bytes = strlen(text) + 1;
  char *copy = malloc(bytes);
  if (copy != NULL) {
    memcpy(copy, text, bytes);
  }
  return copy;
}

void PrBuffer_appendUtf8(PrBuffer *buffer, uint32_t codepoint) {
  uint8_t bytes[4];
  size_t count;
  if (codepoint > 0x10FFFF || (codepoint >= 0xD800 && codepoint <= 0xDFFF)) {
    codepoint = 0xFFFD;
  }
  if (codepoint < 0x80) {
    bytes[0] = (uint8_t)codepoint;
    count = 1;
  } else if (codepoint < 0x800) {
    bytes[0] = (uint8_t)(0xC0 | (codepoint >> 6));
    bytes[1] = (uint8_t)(0x80 | (codepoint & 0x3F));
    count = 2;
  } else if (codepoint < 0x10000) {
    bytes[0] = (uint8_t)(0xE0 | (codepoint >> 12));
    bytes[1] = (uint8_t)(0x80 | ((codepoint >> 6) & 0x3F));
    bytes[2] = (uint8_t)(0x80 | (codepoint & 0x3F));
    count = 3;
  } else {
    bytes[0] = (uint8_t)(0xF0 | (codepoint >> 18));
    bytes[1] = (uint8_t)(0x80 | ((codepoint >> 12) & 0x3F));
    bytes[2] = (uint8_t)(0x80 | ((codepoint >> 6) & 0x3F));
    bytes[3] = (uint8_t)(0x80 | (codepoint & 0x3F));
    count = 4;
  }
  PrBuffer_append(buffer, bytes, count);
}
