/* afp_sf.c: structured-field framing, segmentation, names, L-units. */
#include "afp_sf.h"

#include <math.h>
#include <string.h>

/* Latin-1 (U+0000..U+00FF) in EBCDIC code page 500, which holds all of it. */
static const uint8_t kCp500[256] = {
    0x00, 0x01, 0x02, 0x03, 0x37, 0x2D, 0x2E, 0x2F, 0x16, 0x05, 0x25, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F,
    0x10, 0x11, 0x12, 0x13, 0x3C, 0x3D, 0x32, 0x26, 0x18, 0x19, 0x3F, 0x27, 0x1C, 0x1D, 0x1E, 0x1F,
    0x40, 0x4F, 0x7F, 0x7B, 0x5B, 0x6C, 0x50, 0x7D, 0x4D, 0x5D, 0x5C, 0x4E, 0x6B, 0x60, 0x4B, 0x61,
    0xF0, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0x7A, 0x5E, 0x4C, 0x7E, 0x6E, 0x6F,
    0x7C, 0xC1, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xD1, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6,
    0xD7, 0xD8, 0xD9, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0x4A, 0xE0, 0x5A, 0x5F, 0x6D,
    0x79, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96,
    0x97, 0x98, 0x99, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xC0, 0xBB, 0xD0, 0xA1, 0x07,
    0x20, 0x21, 0x22, 0x23, 0x24, 0x15, 0x06, 0x17, 0x28, 0x29, 0x2A, 0x2B, 0x2C, 0x09, 0x0A, 0x1B,
    0x30, 0x31, 0x1A, 0x33, 0x34, 0x35, 0x36, 0x08, 0x38, 0x39, 0x3A, 0x3B, 0x04, 0x14, 0x3E, 0xFF,
    0x41, 0xAA, 0xB0, 0xB1, 0x9F, 0xB2, 0x6A, 0xB5, 0xBD, 0xB4, 0x9A, 0x8A, 0xBA, 0xCA, 0xAF, 0xBC,
    0x90, 0x8F, 0xEA, 0xFA, 0xBE, 0xA0, 0xB6, 0xB3, 0x9D, 0xDA, 0x9B, 0x8B, 0xB7, 0xB8, 0xB9, 0xAB,
    0x64, 0x65, 0x62, 0x66, 0x63, 0x67, 0x9E, 0x68, 0x74, 0x71, 0x72, 0x73, 0x78, 0x75, 0x76, 0x77,
    0xAC, 0x69, 0xED, 0xEE, 0xEB, 0xEF, 0xEC, 0xBF, 0x80, 0xFD, 0xFE, 0xFB, 0xFC, 0xAD, 0xAE, 0x59,
    0x44, 0x45, 0x42, 0x46, 0x43, 0x47, 0x9C, 0x48, 0x54, 0x51, 0x52, 0x53, 0x58, 0x55, 0x56, 0x57,
    0x8C, 0x49, 0xCD, 0xCE, 0xCB, 0xCF, 0xCC, 0xE1, 0x70, 0xDD, 0xDE, 0xDB, 0xDC, 0x8D, 0x8E, 0xDF};

uint8_t PrAfp_ebcdic(uint8_t latin1) {
  return kCp500[latin1];
}

size_t PrAfp_utf8Decode(const uint8_t *text, size_t bytes, uint32_t *out, size_t capacity) {
  size_t count = 0, i = 0;
  while (i < bytes && count < capacity) {
    uint32_t cp = text[i++];
    int extra = cp >= 0xF0 ? 3 : cp >= 0xE0 ? 2 : cp >= 0xC0 ? 1 : 0;
    if (cp >= 0x80 && cp < 0xC0) {
      out[count++] = 0xFFFD;    /* a continuation byte without a lead */
      continue;
    }
    cp &= extra == 3 ? 0x07u : extra == 2 ? 0x0Fu : extra == 1 ? 0x1Fu : 0x7Fu;
    for (int k = 0; k < extra; k++) {
      if (i >= bytes || (text[i] & 0xC0) != 0x80) {
        cp = 0xFFFD;
        break;
      }
      cp = (cp << 6) | (text[i++] & 0x3Fu);
    }
    out[count++] = cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) ? 0xFFFD : cp;
  }
  return count;
}

static void put_introducer(uint8_t *p, size_t length, uint32_t id, uint8_t flags) {
  p[0] = 0x5A;
  p[1] = (uint8_t)(length >> 8);
  p[2] = (uint8_t)length;
  p[3] = (uint8_t)(id >> 16);
  p[4] = (uint8_t)(id >> 8);
  p[5] = (uint8_t)id;
  p[6] = flags;
  p[7] = 0;
  p[8] = 0;
}

void PrAfpSf_begin(PrBuffer *out, uint32_t id, PrAfpSf *sf) {
  uint8_t introducer[1 + PR_AFP_SF_INTRODUCER_BYTES];
  put_introducer(introducer, 0, id, 0);
  sf->start = out->size_bytes;
  sf->id = id;
  PrBuffer_append(out, introducer, sizeof introducer);
}

void PrAfpSf_end(PrBuffer *out, const PrAfpSf *sf) {
  if (out->failed || out->size_bytes < sf->start + 1 + PR_AFP_SF_INTRODUCER_BYTES) {
    return;
  }
  size_t data_start = sf->start + 1 + PR_AFP_SF_INTRODUCER_BYTES;
  size_t data_bytes = out->size_bytes - data_start;
  size_t segments = data_bytes == 0 ? 1 : (data_bytes + PR_AFP_SF_MAX_DATA_BYTES - 1) /
                                              PR_AFP_SF_MAX_DATA_BYTES;
  size_t extra = (segments - 1) * (1 + PR_AFP_SF_INTRODUCER_BYTES);
  if (extra > 0 && !PrBuffer_reserve(out, extra)) {
    return;
  }
  /* Move the segments into place from the last one back, each behind its
   * own introducer; the first keeps the introducer begin wrote. */
  uint8_t *data = out->data + data_start;
  for (size_t s = segments; s-- > 0;) {
    size_t from = s * PR_AFP_SF_MAX_DATA_BYTES;
    size_t bytes = s + 1 == segments ? data_bytes - from : PR_AFP_SF_MAX_DATA_BYTES;
    uint8_t *to = data + from + s * (1 + PR_AFP_SF_INTRODUCER_BYTES);
    if (s > 0) {
      memmove(to, data + from, bytes);
    }
    put_introducer(to - (1 + PR_AFP_SF_INTRODUCER_BYTES), PR_AFP_SF_INTRODUCER_BYTES + bytes,
                   sf->id, s + 1 == segments ? 0 : PR_AFP_FLAG_SEGMENTED);
  }
  out->size_bytes += extra;
}

void PrAfpSf_write(PrBuffer *out, uint32_t id, const uint8_t *data, size_t data_bytes) {
  PrAfpSf sf;
  PrAfpSf_begin(out, id, &sf);
  PrBuffer_append(out, data, data_bytes);
  PrAfpSf_end(out, &sf);
}

void PrAfpSf_writeChunked(PrBuffer *out, uint32_t id, const uint8_t *data, size_t data_bytes) {
  size_t done = 0;
  do {
    size_t bytes = data_bytes - done;
    if (bytes > PR_AFP_SF_MAX_DATA_BYTES) {
      bytes = PR_AFP_SF_MAX_DATA_BYTES;
    }
    PrAfpSf_write(out, id, data + done, bytes);
    done += bytes;
  } while (done < data_bytes);
}

void PrAfp_putEbcdic(PrBuffer *out, const char *ascii, size_t bytes) {
  for (size_t i = 0; i < bytes; i++) {
    uint8_t c = (uint8_t)ascii[i];
    PrBuffer_appendByte(out, c < 0x80 ? kCp500[c] : 0x6F);   /* '?' */
  }
}

void PrAfp_putName8(PrBuffer *out, const char *ascii_name) {
  size_t length = ascii_name != NULL ? strlen(ascii_name) : 0;
  if (length > 8) {
    length = 8;
  }
  PrAfp_putEbcdic(out, ascii_name, length);
  for (size_t i = length; i < 8; i++) {
    PrBuffer_appendByte(out, 0x40);
  }
}

bool PrAfp_checkName(const char *name) {
  size_t length = name != NULL ? strlen(name) : 0;
  if (length == 0 || length > 8) {
    return false;
  }
  for (size_t i = 0; i < length; i++) {
    char c = name[i];
    bool ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '@' || c == '#' ||
              c == '$';
    if (!ok) {
      return false;
    }
  }
  return true;
}

int32_t PrAfp_units(float value_pt) {
  double units = (double)value_pt * PR_AFP_UNITS_PER_POINT;
  if (!(units == units)) {
    return 0;
  }
  if (units > 8388607.0) {
    return 8388607;
  }
  if (units < -8388608.0) {
    return -8388608;
  }
  return (int32_t)lround(units);
}

void PrAfp_putFqnName(PrBuffer *out, uint8_t fqn_type, const char *ascii_name) {
  size_t length = strlen(ascii_name);
  if (length > 250) {
    length = 250;
  }
  PrBuffer_appendByte(out, (uint8_t)(4 + length));
  PrBuffer_appendByte(out, 0x02);
  PrBuffer_appendByte(out, fqn_type);
  PrBuffer_appendByte(out, 0x00);
  PrAfp_putEbcdic(out, ascii_name, length);
}

void PrAfp_putAreaTriplets(PrBuffer *out, uint32_t width, uint32_t height) {
  static const uint8_t kUnits[4] = {0x08, 0x4B, 0x00, 0x00};
  PrBuffer_append(out, kUnits, sizeof kUnits);
  PrAfp_put16(out, PR_AFP_UNITS_PER_BASE);
  PrAfp_put16(out, PR_AFP_UNITS_PER_BASE);
  static const uint8_t kSize[3] = {0x09, 0x4C, 0x02};
  PrBuffer_append(out, kSize, sizeof kSize);
  PrAfp_put24(out, width);
  PrAfp_put24(out, height);
}

void PrAfpSf_writeObjectArea(PrBuffer *out, int32_t x, int32_t y, uint32_t width, uint32_t height) {
  PrAfpSf sf;
  PrAfpSf_begin(out, PR_SF_OBD, &sf);
  static const uint8_t kPosition[3] = {0x03, 0x43, 0x01};
  PrBuffer_append(out, kPosition, sizeof kPosition);
  PrAfp_putAreaTriplets(out, width, height);
  PrAfpSf_end(out, &sf);
  PrAfpSf_begin(out, PR_SF_OBP, &sf);
  PrBuffer_appendByte(out, 0x01);           /* position id, as the OBD's */
  PrBuffer_appendByte(out, 23);             /* repeating group length: one byte (afplib, FOP) */
  PrAfp_put24(out, (uint32_t)x & 0xFFFFFFu);
  PrAfp_put24(out, (uint32_t)y & 0xFFFFFFu);
  PrAfp_put16(out, 0x0000);                 /* area axes: 0 and 90 degrees */
  PrAfp_put16(out, 0x2D00);
  PrBuffer_appendByte(out, 0x00);
  PrAfp_put24(out, 0);                      /* content at the area's origin, unrotated */
  PrAfp_put24(out, 0);
  PrAfp_put16(out, 0x0000);
  PrAfp_put16(out, 0x2D00);
  PrBuffer_appendByte(out, 0x01);           /* page coordinate system */
  PrAfpSf_end(out, &sf);
}
