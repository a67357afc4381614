/* afp_ioca.c: plan images as IOCA image objects, their map and include.
 *
 *   BIM name
 *     BOG
 *       OBD   X'43' position 1, X'4B' L-units (X'00', 14400), X'4C' w x h px
 *       OBP   (0,0), no rotation
 *       MIO   X'04' mapping X'60' scale to fill
 *       IDD   X'00' 14400 14400 w h   F7 02 01 FS  (one pixel = one L-unit:
 *             the IOB scales the image into its box anyway)
 *     EOG
 *     IPD ... image segment, split over IPDs at any byte (IOCA allows it)
 *   EIM name
 *
 * Gray and RGB: function set 11 (X'0B'), the non-tiled gray/colour set AFP
 * printers (mono ones too, for gray) accept and FOP writes; FS45 has no gray
 * or RGB model. MO:DCA IS/3 lists IOCA FS10 and FS45 only, so a file with
 * gray or RGB images is not strictly IS/3:
 *   70 00                          Begin Segment
 *   91 01 FF                       Begin Image Content
 *   94 09 00 3840 3840 w h         Image Size (10 in, 1440 dpi)
 *   95 02 03|83 01                 Image Encoding: none | JPEG, RIDIC
 *   96 01 08|18                    IDE Size: 8 | 24 bits
 *   9B 06 00 12 000000 08          IDE Structure: gray = Y of YCbCr, additive
 *   9B 08 00 01|12 000000 080808   IDE Structure: RGB (pixels), YCbCr (JFIF JPEG)
 *   9F 0A 10 00 83 000000 Cn 000000  External Algorithm: JPEG, its SOF marker
 *   FE92 LLLL data ...             Image Data, <= 65535 bytes each
 *   93 00  71 00                   End Image Content, End Segment
 * CMYK: function set 45 (X'2D'), the only IOCA set with a CMYK colour model,
 * as one tile holding four 8-bit bands:
 *   70 00  91 01 FF  FEBB 0002 0000 (empty Tile TOC)
 *   8C 00  B5 08 0 0  B6 09 w h 01  95 02 03 01  96 01 20
 *   98 05 04 08080808  9B 09 00 04 000000 08080808
 *   FE9C LLLL 0n 0000 band data ... (C, then M, Y, K)   8D 00  93 00  71 00
 * CMYK JPEGs are refused: FS45 carries CMYK JPEG only as per-band data, which
 * a passed-through interleaved JPEG is not; decode them to pixels.
 *
 * Alpha is composited onto white here (IOCA has only bilevel transparency
 * masks, and only in tiled sets): a partly transparent pixel keeps its
 * blend with the paper, but content under a transparent part of the image is
 * covered, unlike PDF's soft mask. A JPEG with alpha is refused.
 *
 * Map and include, on the page:
 *   MDR  000E 0C 02 84 00 name8     in the AEG: the image resource, a hard
 *                                   object sent to the printer once
 *   IOB  name8 00 FB x y 0000 2D00 000000 000000 01
 *        03 04 60  08 4B 00 00 3840 3840  09 4C 02 w h
 *        scale to fill: the image stretched into the box, as PDF's cm. */
#include <stdarg.h>
#include <string.h>

#include "afp_objects.h"
#include "error.h"

#define PR_SF_MIO 0xD3ABFBu

#define IOCA_FS11 0x0B
#define IOCA_FS45 0x2D
#define IOCA_IMAGE_DATA_BYTES 65535u   /* Image Data (FE92) length field */
#define IOCA_BAND_DATA_BYTES 65532u    /* Band Image Data: 3 bytes of it are header */

/* The image segment as a byte stream cut into IPDs of the largest size. */
typedef struct IpdStream {
  PrBuffer *out;
  PrAfpSf sf;
  size_t used;
  bool open;
} IpdStream;

static void ipd_put(IpdStream *s, const void *data, size_t bytes) {
  const uint8_t *p = data;
  while (bytes > 0 && !s->out->failed) {
    if (!s->open) {
      PrAfpSf_begin(s->out, PR_SF_IPD, &s->sf);
      s->open = true;
      s->used = 0;
    }
    size_t take = PR_AFP_SF_MAX_DATA_BYTES - s->used;
    if (take > bytes) {
      take = bytes;
    }
    PrBuffer_append(s->out, p, take);
    s->used += take;
    p += take;
    bytes -= take;
    if (s->used == PR_AFP_SF_MAX_DATA_BYTES) {
      PrAfpSf_end(s->out, &s->sf);
      s->open = false;
    }
  }
}

static void ipd_close(IpdStream *s) {
  if (s->open) {
    PrAfpSf_end(s->out, &s->sf);
    s->open = false;
  }
}

/* A few literal bytes, each given as an int. */
static void ipd_bytes(IpdStream *s, int count, ...) {
  uint8_t bytes[16];
  if (count > (int)sizeof bytes) {
    count = (int)sizeof bytes;
  }
  va_list args;
  va_start(args, count);
  for (int i = 0; i < count; i++) {
    bytes[i] = (uint8_t)va_arg(args, int);
  }
  va_end(args);
  ipd_put(s, bytes, (size_t)count);
}

/* What a JPEG's headers say. */
typedef struct JpegInfo {
  uint8_t sof;              /* X'C0'.. the frame marker */
  uint8_t precision, components;
  uint32_t width, height;
  int adobe_transform;      /* -1: no Adobe APP14 segment */
} JpegInfo;

static PrStatus read_jpeg(const uint8_t *data, size_t bytes, JpegInfo *info, PrError *error) {
  memset(info, 0, sizeof *info);
  info->adobe_transform = -1;
  if (bytes < 4 || data[0] != 0xFF || data[1] != 0xD8) {
    return PrError_set(error, PR_EIMAGE, "afp: image data is not a JPEG file");
  }
  size_t at = 2;
  while (at + 4 <= bytes) {
    if (data[at] != 0xFF) {
      return PrError_set(error, PR_EIMAGE, "afp: JPEG marker expected at byte %zu", at);
    }
    uint8_t marker = data[at + 1];
    if (marker == 0xFF) {         /* fill byte */
      at++;
      continue;
    }
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
      at += 2;
      continue;
    }
    if (marker == 0xD9 || marker == 0xDA) {
      break;
    }
    size_t length = (size_t)data[at + 2] << 8 | data[at + 3];
    if (length < 2 || at + 2 + length > bytes) {
      return PrError_set(error, PR_EIMAGE, "afp: JPEG segment at byte %zu is truncated", at);
    }
    const uint8_t *body = data + at + 4;
    bool is_sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 &&
                  marker != 0xCC;
    if (is_sof && info->sof == 0) {
      if (length < 8) {
        return PrError_set(error, PR_EIMAGE, "afp: JPEG frame header is truncated");
      }
      info->sof = marker;
      info->precision = body[0];
      info->height = (uint32_t)body[1] << 8 | body[2];
      info->width = (uint32_t)body[3] << 8 | body[4];
      info->components = body[5];
    } else if (marker == 0xEE && length >= 14 && memcmp(body, "Adobe", 5) == 0) {
      info->adobe_transform = body[11];
    }
    at += 2 + length;
  }
  if (info->sof == 0) {
    return PrError_set(error, PR_EIMAGE, "afp: JPEG file has no frame header");
  }
  return PR_OK;
}

static const uint8_t kComponents[3] = {1, 3, 4};

static PrStatus check_spec(const PrImageSpec *spec, const char *name, JpegInfo *jpeg,
                           PrError *error) {
  if (spec == NULL) {
    return PrError_set(error, PR_EINVAL, "afp: image without a description");
  }
  if (!PrAfp_checkName(name)) {
    return PrError_set(error, PR_EINVAL,
                       "afp: image name '%s' is not 1-8 of A-Z 0-9 @ # $",
                       name != NULL ? name : "(null)");
  }
  if (spec->width_px == 0 || spec->height_px == 0 || spec->width_px > 32767 ||
      spec->height_px > 32767) {
    return PrError_set(error, PR_EIMAGE,
                       "afp: image %s is %ux%u px; IOCA allows 1 to 32767 a side", name,
                       spec->width_px, spec->height_px);
  }
  if (spec->color_space > PR_COLOR_CMYK || spec->bits_per_component != 8) {
    return PrError_set(error, PR_EIMAGE,
                       "afp: image %s must be 8-bit gray, RGB or CMYK (space %u, %u bits)",
                       name, spec->color_space, spec->bits_per_component);
  }
  uint64_t pixels = (uint64_t)spec->width_px * spec->height_px;
  if (spec->alpha != NULL && spec->alpha_bytes != pixels) {
    return PrError_set(error, PR_EIMAGE, "afp: image %s has %zu bytes of alpha, needs %llu",
                       name, spec->alpha_bytes, (unsigned long long)pixels);
  }
  if (spec->jpeg == NULL) {
    uint64_t needed = pixels * kComponents[spec->color_space];
    if (spec->pixels == NULL || spec->pixels_bytes != needed) {
      return PrError_set(error, PR_EIMAGE, "afp: image %s has %zu bytes of pixels, needs %llu",
                         name, spec->pixels == NULL ? 0 : spec->pixels_bytes,
                         (unsigned long long)needed);
    }
    return PR_OK;
  }
  if (spec->alpha != NULL) {
    return PrError_set(error, PR_EIMAGE,
                       "afp: JPEG image %s has alpha; IOCA cannot blend a passed-through "
                       "JPEG, decode it to pixels",
                       name);
  }
  if (spec->color_space == PR_COLOR_CMYK) {
    return PrError_set(error, PR_EIMAGE,
                       "afp: CMYK JPEG image %s cannot pass through IOCA (FS45 carries CMYK "
                       "JPEG only per band); decode it to CMYK pixels",
                       name);
  }
  PR_RETURN_NOT_OK(read_jpeg(spec->jpeg, spec->jpeg_bytes, jpeg, error));
  if (jpeg->width != spec->width_px || (jpeg->height != 0 && jpeg->height != spec->height_px) ||
      jpeg->components != kComponents[spec->color_space] || jpeg->precision != 8) {
    return PrError_set(error, PR_EIMAGE,
                       "afp: JPEG image %s is %ux%u px, %u components of %u bits; its "
                       "description says %ux%u px, %u components of 8",
                       name, jpeg->width, jpeg->height, jpeg->components, jpeg->precision,
                       spec->width_px, spec->height_px, kComponents[spec->color_space]);
  }
  uint8_t sof = jpeg->sof;
  if (!(sof == 0xC0 || sof == 0xC1 || sof == 0xC2 || sof == 0xC9 || sof == 0xCA)) {
    return PrError_set(error, PR_EIMAGE,
                       "afp: JPEG image %s uses frame type X'%02X'; IOCA FS11 carries baseline, "
                       "extended and progressive DCT only",
                       name, sof);
  }
  return PR_OK;
}

/* A value composited onto white: paper for gray and RGB is 255, for CMYK 0 ink. */
static inline uint8_t over_white(uint8_t value, uint8_t alpha, bool cmyk) {
  unsigned paper = cmyk ? 0 : 255;
  return (uint8_t)((value * alpha + paper * (255u - alpha) + 127u) / 255u);
}

/* Bytes [from, from + bytes) of the data stream: the interleaved pixels
 * (band < 0) or one CMYK band, composited onto white where alpha says. */
static void fill_data(const PrImageSpec *spec, int band, size_t from, uint8_t *dst,
                      size_t bytes) {
  const uint8_t *pixels = spec->pixels, *alpha = spec->alpha;
  if (band < 0) {
    size_t components = kComponents[spec->color_space];
    for (size_t k = 0; k < bytes; k++) {
      size_t at = from + k;
      dst[k] = alpha == NULL ? pixels[at] : over_white(pixels[at], alpha[at / components], false);
    }
  } else {
    for (size_t k = 0; k < bytes; k++) {
      size_t pixel = from + k;
      uint8_t value = pixels[pixel * 4 + (size_t)band];
      dst[k] = alpha == NULL ? value : over_white(value, alpha[pixel], true);
    }
  }
}

/* Appends `total` bytes of data as self-defining fields of at most `chunk`
 * bytes: FE92 Image Data (band < 0) or FE9C Band Image Data of band + 1. */
static void put_data(IpdStream *s, const PrImageSpec *spec, int band, size_t total,
                     size_t chunk) {
  uint8_t scratch[3072];   /* composited data, a piece at a time */
  for (size_t done = 0; done < total;) {
    size_t bytes = total - done < chunk ? total - done : chunk;
    if (band < 0) {
      ipd_bytes(s, 4, 0xFE, 0x92, (int)(bytes >> 8), (int)(bytes & 0xFF));
    } else {
      size_t length = bytes + 3;
      ipd_bytes(s, 7, 0xFE, 0x9C, (int)(length >> 8), (int)(length & 0xFF), band + 1, 0, 0);
    }
    if (spec->jpeg != NULL) {
      ipd_put(s, spec->jpeg + done, bytes);
    } else if (band < 0 && spec->alpha == NULL) {
      ipd_put(s, spec->pixels + done, bytes);
    } else {
      for (size_t at = 0; at < bytes; at += sizeof scratch) {
        size_t piece = bytes - at < sizeof scratch ? bytes - at : sizeof scratch;
        fill_data(spec, band, done + at, scratch, piece);
        ipd_put(s, scratch, piece);
      }
    }
    done += bytes;
  }
}

static void put_u16(IpdStream *s, uint32_t value) {
  ipd_bytes(s, 2, (int)((value >> 8) & 0xFF), (int)(value & 0xFF));
}

static void put_u32(IpdStream *s, uint32_t value) {
  put_u16(s, value >> 16);
  put_u16(s, value & 0xFFFFu);
}

static void write_segment_fs11(IpdStream *s, const PrImageSpec *spec, const JpegInfo *jpeg) {
  bool rgb = spec->color_space == PR_COLOR_RGB;
  ipd_bytes(s, 5, 0x70, 0x00, 0x91, 0x01, 0xFF);
  ipd_bytes(s, 3, 0x94, 0x09, 0x00);
  put_u16(s, PR_AFP_UNITS_PER_BASE);
  put_u16(s, PR_AFP_UNITS_PER_BASE);
  put_u16(s, spec->width_px);
  put_u16(s, spec->height_px);
  ipd_bytes(s, 4, 0x95, 0x02, spec->jpeg != NULL ? 0x83 : 0x03, 0x01);
  ipd_bytes(s, 3, 0x96, 0x01, rgb ? 0x18 : 0x08);
  if (rgb) {
    /* A JFIF JPEG holds YCbCr (IOCA appendix B); Adobe transform 0 is RGB. */
    int format = spec->jpeg != NULL && jpeg->adobe_transform != 0 ? 0x12 : 0x01;
    ipd_bytes(s, 10, 0x9B, 0x08, 0x00, format, 0, 0, 0, 0x08, 0x08, 0x08);
  } else {
    ipd_bytes(s, 8, 0x9B, 0x06, 0x00, 0x12, 0, 0, 0, 0x08);
  }
  size_t total;
  if (spec->jpeg != NULL) {
    ipd_bytes(s, 12, 0x9F, 0x0A, 0x10, 0x00, 0x83, 0, 0, 0, jpeg->sof, 0, 0, 0);
    total = spec->jpeg_bytes;
  } else {
    total = (size_t)spec->width_px * spec->height_px * kComponents[spec->color_space];
  }
  put_data(s, spec, -1, total, IOCA_IMAGE_DATA_BYTES / 3 * 3);
  ipd_bytes(s, 4, 0x93, 0x00, 0x71, 0x00);
}

static void write_segment_fs45(IpdStream *s, const PrImageSpec *spec) {
  ipd_bytes(s, 5, 0x70, 0x00, 0x91, 0x01, 0xFF);
  ipd_bytes(s, 6, 0xFE, 0xBB, 0x00, 0x02, 0x00, 0x00);    /* Tile TOC, no entries */
  ipd_bytes(s, 2, 0x8C, 0x00);                            /* Begin Tile */
  ipd_bytes(s, 2, 0xB5, 0x08);                            /* Tile Position 0, 0 */
  put_u32(s, 0);
  put_u32(s, 0);
  ipd_bytes(s, 2, 0xB6, 0x09);                            /* Tile Size, RELRES 1 */
  put_u32(s, spec->width_px);
  put_u32(s, spec->height_px);
  ipd_bytes(s, 1, 0x01);
  ipd_bytes(s, 4, 0x95, 0x02, 0x03, 0x01);
  ipd_bytes(s, 3, 0x96, 0x01, 0x20);
  ipd_bytes(s, 7, 0x98, 0x05, 0x04, 0x08, 0x08, 0x08, 0x08);
  ipd_bytes(s, 11, 0x9B, 0x09, 0x00, 0x04, 0, 0, 0, 0x08, 0x08, 0x08, 0x08);
  size_t pixels = (size_t)spec->width_px * spec->height_px;
  for (int band = 0; band < 4; band++) {
    put_data(s, spec, band, pixels, IOCA_BAND_DATA_BYTES);
  }
  ipd_bytes(s, 6, 0x8D, 0x00, 0x93, 0x00, 0x71, 0x00);
}

static void write_environment(PrBuffer *out, const PrImageSpec *spec, uint8_t function_set) {
  PrAfpSf sf;
  PrAfpSf_begin(out, PR_SF_BOG, &sf);
  PrAfp_putName8(out, NULL);
  PrAfpSf_end(out, &sf);

  PrAfpSf_writeObjectArea(out, 0, 0, spec->width_px, spec->height_px);

  static const uint8_t kMio[5] = {0x00, 0x05, 0x03, 0x04, 0x60};
  PrAfpSf_write(out, PR_SF_MIO, kMio, sizeof kMio);

  PrAfpSf_begin(out, PR_SF_IDD, &sf);
  PrBuffer_appendByte(out, 0x00);                   /* unit base: ten inches */
  PrAfp_put16(out, PR_AFP_UNITS_PER_BASE);
  PrAfp_put16(out, PR_AFP_UNITS_PER_BASE);
  PrAfp_put16(out, spec->width_px);
  PrAfp_put16(out, spec->height_px);
  PrBuffer_appendByte(out, 0xF7);                   /* IOCA function set identification */
  PrBuffer_appendByte(out, 0x02);
  PrBuffer_appendByte(out, 0x01);
  PrBuffer_appendByte(out, function_set);
  PrAfpSf_end(out, &sf);

  PrAfpSf_begin(out, PR_SF_EOG, &sf);
  PrAfp_putName8(out, NULL);
  PrAfpSf_end(out, &sf);
}

PrStatus PrAfpIoca_writeImage(PrBuffer *out, const PrImageSpec *spec, const char *name,
                              PrError *error) {
  if (out == NULL) {
    return PrError_set(error, PR_EINVAL, "afp: image object without a buffer");
  }
  JpegInfo jpeg;
  memset(&jpeg, 0, sizeof jpeg);
  PR_RETURN_NOT_OK(check_spec(spec, name, &jpeg, error));
  bool cmyk = spec->color_space == PR_COLOR_CMYK;

  PrAfpSf sf;
  PrAfpSf_begin(out, PR_SF_BIM, &sf);
  PrAfp_putName8(out, name);
  PrAfpSf_end(out, &sf);
  write_environment(out, spec, cmyk ? IOCA_FS45 : IOCA_FS11);
  IpdStream stream = {out, {0, 0}, 0, false};
  if (cmyk) {
    write_segment_fs45(&stream, spec);
  } else {
    write_segment_fs11(&stream, spec, &jpeg);
  }
  ipd_close(&stream);
  PrAfpSf_begin(out, PR_SF_EIM, &sf);
  PrAfp_putName8(out, name);
  PrAfpSf_end(out, &sf);
  return PrBuffer_check(out, error);
}

void PrAfpIoca_putMapGroup(PrBuffer *out, const char *name) {
  /* RGLength 14 is the least MO:DCA allows: the FQN carries all 8 blank-
   * padded name bytes, the same as the BIM and IOB names. */
  static const uint8_t kGroup[6] = {0x00, 0x0E, 0x0C, 0x02, 0x84, 0x00};
  PrBuffer_append(out, kGroup, sizeof kGroup);
  PrAfp_putName8(out, name);
}

/* A 3-byte offset of an IOB: X'FFFFFF' (-1) means "the object's own", so a
 * position 1/1440 in left of or above the origin becomes 0. */
static uint32_t offset24(float value_pt) {
  int32_t units = PrAfp_units(value_pt);
  if (units == -1) {
    units = 0;
  }
  units = units < -32768 ? -32768 : units > 32767 ? 32767 : units;
  return (uint32_t)units & 0xFFFFFFu;
}

static uint32_t size24(float value_pt) {
  int32_t units = PrAfp_units(value_pt);
  return (uint32_t)(units < 1 ? 1 : units > 32767 ? 32767 : units);
}

void PrAfpIoca_writeInclude(PrBuffer *out, const char *name, float x_pt, float y_pt,
                            float width_pt, float height_pt) {
  PrAfpSf sf;
  PrAfpSf_begin(out, PR_SF_IOB, &sf);
  PrAfp_putName8(out, name);
  PrBuffer_appendByte(out, 0x00);
  PrBuffer_appendByte(out, 0xFB);           /* IOCA image */
  PrAfp_put24(out, offset24(x_pt));
  PrAfp_put24(out, offset24(y_pt));
  PrAfp_put16(out, 0x0000);                 /* XoaOrent, YoaOrent */
  PrAfp_put16(out, 0x2D00);
  PrAfp_put24(out, 0);                      /* XocaOset, YocaOset */
  PrAfp_put24(out, 0);
  PrBuffer_appendByte(out, 0x01);           /* page coordinate system */
  static const uint8_t kMapping[3] = {0x03, 0x04, 0x60};
  PrBuffer_append(out, kMapping, sizeof kMapping);
  PrAfp_putAreaTriplets(out, size24(width_pt), size24(height_pt));
  PrAfpSf_end(out, &sf);
}
