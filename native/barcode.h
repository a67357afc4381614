/* barcode.h: private helpers shared by the barcode symbol encoders
 * (barcode_code128.c, barcode_auspost.c, barcode_imb.c). The public calls
 * are declared in pressrun.h ("Barcode symbols"). */
#ifndef PR_BARCODE_H
#define PR_BARCODE_H

#include <stddef.h>
#include <stdint.h>

#include "pressrun.h"

/* The letters of the four bar states, indexed by PrBarState. */
#define PR_BAR_STATE_LETTERS "FADT"

/* 1 when every byte of text[0..length) is an ASCII digit. */
static inline int pr_barcode_all_digits(const char *text, size_t length) {
  for (size_t i = 0; i < length; i++) {
    if (text[i] < '0' || text[i] > '9') {
      return 0;
    }
  }
  return 1;
}

/* Index of the first byte that is not an ASCII digit, or length. */
static inline size_t pr_barcode_first_non_digit(const char *text,
                                                size_t length) {
  for (size_t i = 0; i < length; i++) {
    if (text[i] < '0' || text[i] > '9') {
      return i;
    }
  }
  return length;
}

/* A printable rendering of one input byte for error messages. */
static inline const char *pr_barcode_byte_text(unsigned char byte,
                                               char buffer[8]) {
  static const char hex[] = "0123456789ABCDEF";
  if (byte >= 0x20 && byte < 0x7F) {
    buffer[0] = '\'';
    buffer[1] = (char)byte;
    buffer[2] = '\'';
    buffer[3] = '\0';
  } else {
    buffer[0] = '0';
    buffer[1] = 'x';
    buffer[2] = hex[byte >> 4];
    buffer[3] = hex[byte & 15];
    buffer[4] = '\0';
  }
  return buffer;
}

#endif
