/* afp_sf.h: MO:DCA structured fields, the framing every AFP object shares.
 *
 *   5A  LL LL  D3 TT CC  FF  00 00  data...
 *   |   |      |         |   reserved
 *   |   |      |         flags: X'20' the data continues in the next
 *   |   |      |                structured field of the same id (segmented)
 *   |   |      structured field id (class D3, type, category)
 *   |   length: the 8-byte introducer plus the data, at most 32,767
 *   carriage control
 *
 * Numbers are big-endian. Lengths and positions in AFP objects are in
 * L-units; pressrun uses 1,440 per inch (20 per point) everywhere: one
 * unit base (X'00', ten inches) with 14,400 units per unit base. */
#ifndef PR_AFP_SF_H
#define PR_AFP_SF_H

#include <stdbool.h>
#include <stdint.h>

#include "buffer.h"
#include "pressrun.h"

#define PR_AFP_SF_INTRODUCER_BYTES 8            /* without the X'5A' */
#define PR_AFP_SF_MAX_BYTES 32767               /* the length field's largest value */
#define PR_AFP_SF_MAX_DATA_BYTES (PR_AFP_SF_MAX_BYTES - PR_AFP_SF_INTRODUCER_BYTES)
#define PR_AFP_FLAG_SEGMENTED 0x20u

/* L-units: 1,440 per inch. */
#define PR_AFP_UNITS_PER_INCH 1440
#define PR_AFP_UNITS_PER_BASE 14400             /* per ten inches, unit base X'00' */
#define PR_AFP_UNITS_PER_POINT 20

/* Structured field ids (3 bytes: D3, type, category). */
enum {
  PR_SF_BPF = 0xD3A8A5, PR_SF_EPF = 0xD3A9A5,   /* print file */
  PR_SF_BRG = 0xD3A8C6, PR_SF_ERG = 0xD3A9C6,   /* resource group */
  PR_SF_BRS = 0xD3A8CE, PR_SF_ERS = 0xD3A9CE,   /* resource */
  PR_SF_BDT = 0xD3A8A8, PR_SF_EDT = 0xD3A9A8,   /* document */
  PR_SF_BNG = 0xD3A8AD, PR_SF_ENG = 0xD3A9AD,   /* named page group */
  PR_SF_BPG = 0xD3A8AF, PR_SF_EPG = 0xD3A9AF,   /* page */
  PR_SF_BAG = 0xD3A8C9, PR_SF_EAG = 0xD3A9C9,   /* active environment group */
  PR_SF_BOG = 0xD3A8C7, PR_SF_EOG = 0xD3A9C7,   /* object environment group */
  PR_SF_BMO = 0xD3A8DF, PR_SF_EMO = 0xD3A9DF,   /* overlay */
  PR_SF_BPT = 0xD3A89B, PR_SF_EPT = 0xD3A99B,   /* presentation text object */
  PR_SF_BOC = 0xD3A892, PR_SF_EOC = 0xD3A992,   /* object container */
  PR_SF_BIM = 0xD3A8FB, PR_SF_EIM = 0xD3A9FB,   /* IOCA image object */
  PR_SF_BGR = 0xD3A8BB, PR_SF_EGR = 0xD3A9BB,   /* GOCA graphics object */
  PR_SF_BBC = 0xD3A8EB, PR_SF_EBC = 0xD3A9EB,   /* BCOCA bar code object */
  PR_SF_BFM = 0xD3A8CD, PR_SF_EFM = 0xD3A9CD,   /* form map */
  PR_SF_BDG = 0xD3A8C4, PR_SF_EDG = 0xD3A9C4,   /* document environment group */
  PR_SF_BMM = 0xD3A8CC, PR_SF_EMM = 0xD3A9CC,   /* medium map */
  PR_SF_PGD = 0xD3A6AF,                         /* page descriptor */
  PR_SF_PTD = 0xD3B19B,                         /* presentation text descriptor (format 2) */
  PR_SF_PTX = 0xD3EE9B,                         /* presentation text data */
  PR_SF_OCD = 0xD3EE92,                         /* object container data */
  PR_SF_OBD = 0xD3A66B,                         /* object area descriptor */
  PR_SF_OBP = 0xD3AC6B,                         /* object area position */
  PR_SF_MDR = 0xD3ABC3,                         /* map data resource */
  PR_SF_MPO = 0xD3ABD8,                         /* map page overlay */
  PR_SF_IPO = 0xD3AFD8,                         /* include page overlay */
  PR_SF_IOB = 0xD3AFC3,                         /* include object */
  PR_SF_IMM = 0xD3ABCC,                         /* invoke medium map */
  PR_SF_TLE = 0xD3A090,                         /* tag logical element */
  PR_SF_NOP = 0xD3EEEE,                         /* no operation */
  PR_SF_IDD = 0xD3A6FB,                         /* IOCA image data descriptor */
  PR_SF_IPD = 0xD3EEFB,                         /* IOCA image picture data */
  PR_SF_GDD = 0xD3A6BB,                         /* GOCA graphics data descriptor */
  PR_SF_GAD = 0xD3EEBB,                         /* GOCA graphics data */
  PR_SF_BDD = 0xD3A6EB,                         /* BCOCA bar code data descriptor */
  PR_SF_BDA = 0xD3EEEB,                         /* BCOCA bar code data */
  PR_SF_MCF = 0xD3AB8A,                         /* map coded font */
  PR_SF_MCC = 0xD3A288,                         /* medium copy count */
  PR_SF_MMC = 0xD3A788,                         /* medium modification control */
  PR_SF_MMT = 0xD3AB88,                         /* map media type */
  PR_SF_PGP = 0xD3B1AF,                         /* page position (format 2) */
  PR_SF_MDD = 0xD3A688,                         /* medium descriptor */
  PR_SF_PEC = 0xD3A7A8,                         /* presentation environment control */
};

/* A structured field being written: begin it, append its data to the
 * buffer, end it. */
typedef struct PrAfpSf {
  size_t start;             /* offset of its X'5A' in the buffer */
  uint32_t id;
} PrAfpSf;

/* Appends the introducer of structured field `id`, its length to be filled
 * by PrAfpSf_end. */
void PrAfpSf_begin(PrBuffer *out, uint32_t id, PrAfpSf *sf);
/* Fills the length. Data over PR_AFP_SF_MAX_DATA_BYTES is split into
 * segments: the same id, each but the last flagged X'20' (segmented). */
void PrAfpSf_end(PrBuffer *out, const PrAfpSf *sf);
/* A whole structured field: introducer, data (segmented if long). */
void PrAfpSf_write(PrBuffer *out, uint32_t id, const uint8_t *data, size_t data_bytes);
/* Data that is a plain concatenation (OCD, IPD, NOP): split into as
 * many structured fields of `id` as needed, none flagged. */
void PrAfpSf_writeChunked(PrBuffer *out, uint32_t id, const uint8_t *data, size_t data_bytes);

/* Big-endian numbers. */
static inline void PrAfp_put16(PrBuffer *out, uint32_t value) {
  PrBuffer_appendByte(out, (uint8_t)(value >> 8));
  PrBuffer_appendByte(out, (uint8_t)value);
}
static inline void PrAfp_put24(PrBuffer *out, uint32_t value) {
  PrBuffer_appendByte(out, (uint8_t)(value >> 16));
  PrBuffer_appendByte(out, (uint8_t)(value >> 8));
  PrBuffer_appendByte(out, (uint8_t)value);
}
static inline void PrAfp_put32(PrBuffer *out, uint32_t value) {
  PrAfp_put16(out, value >> 16);
  PrAfp_put16(out, value & 0xFFFFu);
}

/* An 8-byte MO:DCA name in EBCDIC (code page 500), blank-padded: names are
 * ASCII letters, digits, '@', '#', '$'; anything else is refused by the
 * callers that take names from users (PrAfp_checkName). */
void PrAfp_putName8(PrBuffer *out, const char *ascii_name);
/* ASCII text in EBCDIC code page 500 (bytes over 0x7F become '?'),
 * `bytes` of it, for names. */
void PrAfp_putEbcdic(PrBuffer *out, const char *ascii, size_t bytes);
/* A Latin-1 character in code page 500 (which holds all of Latin-1). */
uint8_t PrAfp_ebcdic(uint8_t latin1);
/* The code points of UTF-8 text, at most `capacity` (malformed bytes and
 * surrogates as U+FFFD); returns how many. */
size_t PrAfp_utf8Decode(const uint8_t *text, size_t bytes, uint32_t *out, size_t capacity);
/* Whether an 8-character name is valid (1-8 of A-Z 0-9 @ # $). */
bool PrAfp_checkName(const char *name);

/* Points to L-units, rounded to the nearest; clamped to what a 3-byte
 * signed field holds, so that a bad value gives a bad position, not
 * undefined behaviour. */
int32_t PrAfp_units(float value_pt);

/* X'4B' measurement units (ten-inch base, 14,400 units) and X'4C' object
 * area size, in L-units: the triplets of an OBD and of an IOB. */
void PrAfp_putAreaTriplets(PrBuffer *out, uint32_t width, uint32_t height);
/* An object's area: OBD (descriptor position 1, the area triplets) and OBP
 * (position 1 at x, y on the page, axes at 0 and 90 degrees, the content
 * at the area's origin, page coordinates), in L-units. */
void PrAfpSf_writeObjectArea(PrBuffer *out, int32_t x, int32_t y, uint32_t width, uint32_t height);

/* A fully qualified name triplet (X'02'): type, format X'00' (character
 * name), the name in EBCDIC. */
void PrAfp_putFqnName(PrBuffer *out, uint8_t fqn_type, const char *ascii_name);

#endif
