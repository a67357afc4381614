/* buffer.h: a growable byte buffer and fast text for numbers.
 *
 * Appends never fail silently: a failed growth marks the buffer as failed
 * (every later append is a no-op) and PrBuffer_check reports PR_ENOMEM once,
 * so hot loops append without testing every call. */
#ifndef PR_BUFFER_H
#define PR_BUFFER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pressrun.h"

typedef struct PrBuffer {
  uint8_t *data;
  size_t size_bytes;
  size_t capacity_bytes;
  int failed;
} PrBuffer;

void PrBuffer_init(PrBuffer *buffer);
void PrBuffer_free(PrBuffer *buffer);
/* Keeps the allocation, drops the content (and a failure mark). */
static inline void PrBuffer_clear(PrBuffer *buffer) {
  buffer->size_bytes = 0;
  buffer->failed = 0;
}
/* Makes room for extra_bytes more; returns 0 on failure. */
int PrBuffer_reserve(PrBuffer *buffer, size_t extra_bytes);
PrStatus PrBuffer_check(const PrBuffer *buffer, PrError *error);

static inline void PrBuffer_append(PrBuffer *buffer, const void *data,
                                   size_t size_bytes) {
  if (buffer->capacity_bytes - buffer->size_bytes < size_bytes &&
      !PrBuffer_reserve(buffer, size_bytes)) {
    return;
  }
  if (size_bytes > 0) {
    memcpy(buffer->data + buffer->size_bytes, data, size_bytes);
    buffer->size_bytes += size_bytes;
  }
}

static inline void PrBuffer_appendByte(PrBuffer *buffer, uint8_t byte) {
  if (buffer->size_bytes == buffer->capacity_bytes &&
      !PrBuffer_reserve(buffer, 1)) {
    return;
  }
  buffer->data[buffer->size_bytes++] = byte;
}

static inline void PrBuffer_appendText(PrBuffer *buffer, const char *text) {
  PrBuffer_append(buffer, text, strlen(text));
}

void PrBuffer_appendFormat(PrBuffer *buffer, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Decimal integer. */
void PrBuffer_appendInt(PrBuffer *buffer, int64_t value);
/* A real with at most `decimals` digits after the point, trailing zeros
 * and a trailing point removed ("12.5", "0", "-3.25"): PDF number syntax. */
void PrBuffer_appendReal(PrBuffer *buffer, double value, int decimals);
/* Two upper-case hex digits per byte. */
void PrBuffer_appendHex(PrBuffer *buffer, const uint8_t *data, size_t size_bytes);
/* Four hex digits of a 16-bit value. */
void PrBuffer_appendHex16(PrBuffer *buffer, uint16_t value);

/* A code point (up to U+10FFFF; others as U+FFFD) in UTF-8. */
void PrBuffer_appendUtf8(PrBuffer *buffer, uint32_t codepoint);

/* A malloc'd copy of a NUL-terminated string, or NULL when out of memory. */
char *PrText_copy(const char *text);

#endif
