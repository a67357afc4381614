/* afp_formdef.c: the form definition (FORMDEF, MO:DCA form map) and its
 * invocation.
 *
 *   BFM  name
 *     BDG                              document environment group
 *       PGP  01 | 0A 000000 000000 0000 00        page at 0,0 on the front, 0°
 *       MDD  00 00 3840 3840 XXXXXX YYYYYY 00     1,440/inch, medium size
 *     EDG
 *     BMM  map name                    one medium map per PrAfpMediumMap
 *       MMT  RGLength(2) | FQN X'11' name | X'22' X'40' LID 1   only with a media type
 *       PGP  01 | front group [| back group, SHside 01, when duplex]
 *       MCC  0001 0001 00 01 [| 0002 0002 00 01, the back of a duplex pair]
 *       MMC  01 FF  E0 02  E1 bin  [E8 00 E9 01]  F4 01|02|03
 *     EMM  map name
 *   EFM  name
 *
 *   IMM  map name                      PrAfpFormdef_writeInvoke
 *
 * Layouts are from the MO:DCA Reference (AFPC-0004): structure of a form
 * map, its document environment group and a medium map (chapter 4 figures
 * 33, 34, 36); BFM, BDG, BMM, MCC, MDD, MMC, MMT, PGP format 2, IMM and the
 * End fields (chapter 5); triplets X'02' and X'22' (chapter 6). */
#include <string.h>

#include "afp_objects.h"
#include "error.h"

#define MMC_ID 1                /* the one MMC of each medium map */
#define MEDIA_TYPE_LID 1        /* the one media type local ID of each map (scope: the map) */
#define MEDIUM_UNITS_MAX 32767  /* MDD XmSize/YmSize range */

/* MMC keywords (MO:DCA MMC Keywords table); each is followed by a 1-byte
 * parameter and they must appear in ascending order. */
enum {
  KEY_SOURCE_FORMAT = 0xE0,     /* media source selection format */
  KEY_SOURCE = 0xE1,            /* media source selector */
  KEY_MEDIA_TYPE_HIGH = 0xE8,   /* media type local ID, high byte ... */
  KEY_MEDIA_TYPE_LOW = 0xE9,    /* ... and low byte, mapped by the MMT */
  KEY_DUPLEX = 0xF4,            /* 01 simplex, 02 normal duplex, 03 tumble duplex */
};
/* Format 2 of X'E1': value n selects the device's media source ID n - 1
 * (X'01'..X'FF'), so bin n is written as n. Format 1 (the default without
 * X'E0') only reaches sources 0..3, the envelope and manual feeders. */
#define SOURCE_FORMAT_2 0x02

#define FQN_MEDIA_TYPE 0x11     /* Fully Qualified Name type: Media Type Reference */
#define TRIPLET_EXTENDED_LID 0x22
#define LID_MEDIA_TYPE 0x40     /* Extended Resource Local Identifier type: Media Type */
#define MEDIA_TYPE_MAX_BYTES 250  /* what an FQN triplet carries */

static const char *shown(const char *name) {
  return name != NULL ? name : "(none)";
}

static PrStatus check_size(float value_pt, const char *axis, PrError *error) {
  /* The MDD extent is 1..32,767 units: up to 22.75 inches at 1,440/inch. */
  int32_t units = PrAfp_units(value_pt);
  if (!(value_pt > 0.0f) || units < 1 || units > MEDIUM_UNITS_MAX) {
    return PrError_set(error, PR_EINVAL, "afp formdef: medium %s %g pt is not in 0.05..%g pt",
                       axis, (double)value_pt,
                       (double)MEDIUM_UNITS_MAX / PR_AFP_UNITS_PER_POINT);
  }
  return PR_OK;
}

static PrStatus check_map(const PrAfpMediumMap *maps, size_t m, PrError *error) {
  const PrAfpMediumMap *map = &maps[m];
  if (!PrAfp_checkName(map->name)) {
    return PrError_set(error, PR_EINVAL,
                       "afp formdef: medium map %zu: name \"%.40s\" is not 1-8 of A-Z 0-9 @ # $",
                       m, shown(map->name));
  }
  for (size_t other = 0; other < m; other++) {
    if (strcmp(maps[other].name, map->name) == 0) {
      return PrError_set(error, PR_EINVAL,
                         "afp formdef: medium map %zu \"%s\": the name of medium map %zu too",
                         m, map->name, other);
    }
  }
  if (map->input_bin < 1 || map->input_bin > 255) {
    return PrError_set(error, PR_EINVAL,
                       "afp formdef: medium map %zu \"%s\": input bin %u is not 1..255", m,
                       map->name, (unsigned)map->input_bin);
  }
  if (map->duplex > 2) {
    return PrError_set(error, PR_EINVAL,
                       "afp formdef: medium map %zu \"%s\": duplex %u is not 0 (simplex), "
                       "1 (duplex) or 2 (tumble)",
                       m, map->name, (unsigned)map->duplex);
  }
  if (map->media_type != NULL) {
    /* Any printable ASCII: registered media type names have spaces
     * ("ISO A4 WHITE"); written in code page 500 as IPDS wants them. */
    size_t length = strlen(map->media_type);
    bool printable = length > 0 && length <= MEDIA_TYPE_MAX_BYTES;
    for (size_t i = 0; printable && i < length; i++) {
      uint8_t c = (uint8_t)map->media_type[i];
      printable = c >= 0x20 && c <= 0x7E;
    }
    if (!printable) {
      return PrError_set(error, PR_EINVAL,
                         "afp formdef: medium map %zu \"%s\": media type \"%.40s\" is not "
                         "1-%d printable ASCII characters",
                         m, map->name, map->media_type, MEDIA_TYPE_MAX_BYTES);
    }
  }
  return PR_OK;
}

/* A Page Position format 2 repeating group: the page's origin at the
 * medium's origin, not rotated, on one sheet side (no N-up). */
static void put_page_position(PrBuffer *out, uint8_t sheet_side) {
  PrBuffer_appendByte(out, 10);       /* RGLength, this byte included */
  PrAfp_put24(out, 0);                /* XmOset */
  PrAfp_put24(out, 0);                /* YmOset */
  PrAfp_put16(out, 0x0000);           /* PGorient: 0° */
  PrBuffer_appendByte(out, sheet_side);  /* SHside: X'00' front, X'01' back */
}

static void write_page_position(PrBuffer *out, bool duplex) {
  PrAfpSf sf;
  PrAfpSf_begin(out, PR_SF_PGP, &sf);
  PrBuffer_appendByte(out, 0x01);     /* constant */
  put_page_position(out, 0x00);
  if (duplex) {
    put_page_position(out, 0x01);
  }
  PrAfpSf_end(out, &sf);
}

static void write_medium_descriptor(PrBuffer *out, float width_pt, float height_pt) {
  PrAfpSf sf;
  PrAfpSf_begin(out, PR_SF_MDD, &sf);
  PrBuffer_appendByte(out, 0x00);     /* XmBase: 10 inches */
  PrBuffer_appendByte(out, 0x00);     /* YmBase */
  PrAfp_put16(out, PR_AFP_UNITS_PER_BASE);  /* XmUnits */
  PrAfp_put16(out, PR_AFP_UNITS_PER_BASE);  /* YmUnits */
  PrAfp_put24(out, (uint32_t)PrAfp_units(width_pt));   /* XmSize */
  PrAfp_put24(out, (uint32_t)PrAfp_units(height_pt));  /* YmSize */
  /* MDDFlgs: do not pass a medium orientation to cut-sheet printers; no
   * Medium Orientation triplet, so the orientation is portrait. */
  PrBuffer_appendByte(out, 0x00);
  PrAfpSf_end(out, &sf);
}

/* Maps the map's media type local ID to the stock's name. */
static void write_media_type(PrBuffer *out, const char *media_type) {
  size_t length = strlen(media_type);
  PrAfpSf sf;
  PrAfpSf_begin(out, PR_SF_MMT, &sf);
  PrAfp_put16(out, (uint32_t)(2 + 4 + length + 7));  /* RGLength, itself included */
  PrAfp_putFqnName(out, FQN_MEDIA_TYPE, media_type);  /* format X'00': a name */
  PrBuffer_appendByte(out, 7);
  PrBuffer_appendByte(out, TRIPLET_EXTENDED_LID);
  PrBuffer_appendByte(out, LID_MEDIA_TYPE);
  PrAfp_put32(out, MEDIA_TYPE_LID);
  PrAfpSf_end(out, &sf);
}

static void put_copy_subgroup(PrBuffer *out, uint32_t copy) {
  PrAfp_put16(out, copy);             /* Startnum */
  PrAfp_put16(out, copy);             /* Stopnum: one copy */
  PrBuffer_appendByte(out, 0x00);     /* reserved */
  PrBuffer_appendByte(out, MMC_ID);
}

static void write_medium_map(PrBuffer *out, const PrAfpMediumMap *map) {
  bool duplex = map->duplex != 0;
  PrAfpSf sf;
  PrAfpSf_begin(out, PR_SF_BMM, &sf);
  PrAfp_putName8(out, map->name);
  PrAfpSf_end(out, &sf);
  if (map->media_type != NULL) {
    write_media_type(out, map->media_type);
  }
  write_page_position(out, duplex);

  /* Duplex copy subgroups come in pairs, front then back, with the same
   * copy count (MCC semantics; IPDS LCC wants an even count): both sides
   * share the one MMC, as the pair must agree on source, type and duplex. */
  PrAfpSf_begin(out, PR_SF_MCC, &sf);
  put_copy_subgroup(out, 1);
  if (duplex) {
    put_copy_subgroup(out, 2);
  }
  PrAfpSf_end(out, &sf);

  PrAfpSf_begin(out, PR_SF_MMC, &sf);
  PrBuffer_appendByte(out, MMC_ID);
  PrBuffer_appendByte(out, 0xFF);     /* constant */
  PrBuffer_appendByte(out, KEY_SOURCE_FORMAT);
  PrBuffer_appendByte(out, SOURCE_FORMAT_2);
  PrBuffer_appendByte(out, KEY_SOURCE);
  PrBuffer_appendByte(out, (uint8_t)map->input_bin);
  if (map->media_type != NULL) {
    /* The media type overrides the bin where the printer selects by media
     * type; the bin stays as the fallback. */
    PrBuffer_appendByte(out, KEY_MEDIA_TYPE_HIGH);
    PrBuffer_appendByte(out, (uint8_t)(MEDIA_TYPE_LID >> 8));
    PrBuffer_appendByte(out, KEY_MEDIA_TYPE_LOW);
    PrBuffer_appendByte(out, (uint8_t)MEDIA_TYPE_LID);
  }
  PrBuffer_appendByte(out, KEY_DUPLEX);
  PrBuffer_appendByte(out, (uint8_t)(map->duplex + 1));  /* 0, 1, 2 -> X'01', X'02', X'03' */
  PrAfpSf_end(out, &sf);

  PrAfpSf_begin(out, PR_SF_EMM, &sf);
  PrAfp_putName8(out, map->name);
  PrAfpSf_end(out, &sf);
}

PrStatus PrAfpFormdef_write(PrBuffer *out, const char *name, const PrAfpMediumMap *maps,
                            size_t map_count, float medium_width_pt, float medium_height_pt,
                            PrError *error) {
  /* Everything is checked before the first byte, so that a refused form
   * definition leaves the buffer as it was. */
  if (!PrAfp_checkName(name)) {
    return PrError_set(error, PR_EINVAL,
                       "afp formdef: form definition name \"%.40s\" is not 1-8 of A-Z 0-9 @ # $",
                       shown(name));
  }
  if (maps == NULL || map_count == 0) {
    return PrError_set(error, PR_EINVAL, "afp formdef: %s has no medium maps", name);
  }
  PR_RETURN_NOT_OK(check_size(medium_width_pt, "width", error));
  PR_RETURN_NOT_OK(check_size(medium_height_pt, "height", error));
  for (size_t m = 0; m < map_count; m++) {
    PR_RETURN_NOT_OK(check_map(maps, m, error));
  }

  PrAfpSf sf;
  PrAfpSf_begin(out, PR_SF_BFM, &sf);
  PrAfp_putName8(out, name);
  PrAfpSf_end(out, &sf);

  /* The environment every map shares: the medium, and a page position for
   * maps that had none (each map here has its own, which takes precedence). */
  PrAfpSf_write(out, PR_SF_BDG, NULL, 0);
  write_page_position(out, false);
  write_medium_descriptor(out, medium_width_pt, medium_height_pt);
  PrAfpSf_write(out, PR_SF_EDG, NULL, 0);

  for (size_t m = 0; m < map_count; m++) {
    write_medium_map(out, &maps[m]);
  }

  PrAfpSf_begin(out, PR_SF_EFM, &sf);
  PrAfp_putName8(out, name);
  PrAfpSf_end(out, &sf);
  return PrBuffer_check(out, error);
}

void PrAfpFormdef_writeInvoke(PrBuffer *out, const char *map_name) {
  PrAfpSf sf;
  PrAfpSf_begin(out, PR_SF_IMM, &sf);
  PrAfp_putName8(out, map_name);
  PrAfpSf_end(out, &sf);
}
