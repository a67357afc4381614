/* afp_objects.h: the data objects of an AFP page, one file per object
 * architecture. Each appends whole structured fields (afp_sf.h) to a buffer;
 * positions and sizes come in points, from the page's top-left, y down (the
 * display list's convention) and are written in L-units (1,440 per inch).
 *
 *   afp_goca.c   GOCA: lines, rectangles and plain bars (OMR marks, and
 *                barcodes when BCOCA is not wanted) as one graphics object
 *   afp_ioca.c   IOCA: plan images as image resources, and their inclusion
 *   afp_bcoca.c  BCOCA: barcodes the printer draws from their data
 *   afp_formdef.c  the form definition: medium maps (bin, media, duplex)
 */
#ifndef PR_AFP_OBJECTS_H
#define PR_AFP_OBJECTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "afp_sf.h"
#include "display_list.h"
#include "plan.h"

/* ---- GOCA -------------------------------------------------------------- */

/* Appends one graphics object (BGR ... EGR) drawing items[0..count) of
 * `list` in order; each is a PR_ITEM_LINE, PR_ITEM_RECT or PR_ITEM_BARS
 * (bars in points, or in modules when item->size_pt > 0). Its object area
 * is the whole page. PR_EINVAL names an item of another kind. */
PrStatus PrAfpGoca_write(PrBuffer *out, const PrDisplayList *list, const PrItem *const *items,
                         size_t count, float page_width_pt, float page_height_pt,
                         PrError *error);

/* ---- IOCA -------------------------------------------------------------- */

/* Appends image `spec` as an IOCA image object (BIM `name` ... EIM), the
 * content of a resource of the print file's resource group. */
PrStatus PrAfpIoca_writeImage(PrBuffer *out, const PrImageSpec *spec, const char *name,
                              PrError *error);
/* Appends the MDR repeating group a page's active environment group maps
 * image resource `name` with (FQN X'84'), inside an MDR the caller writes. */
void PrAfpIoca_putMapGroup(PrBuffer *out, const char *name);
/* Appends the include of image resource `name`, scaled into the box. */
void PrAfpIoca_writeInclude(PrBuffer *out, const char *name, float x_pt, float y_pt,
                            float width_pt, float height_pt);

/* ---- Form definition (afp_formdef.c) ----------------------------------- */

/* Appends a form definition resource's content (BFM `name` ... EFM): a
 * document environment group with the medium size, then one medium map
 * per entry of maps (input bin, media type, duplex, one copy, pages at
 * the medium's origin). Names are checked (PR_EINVAL naming the bad one). */
PrStatus PrAfpFormdef_write(PrBuffer *out, const char *name, const PrAfpMediumMap *maps,
                            size_t map_count, float medium_width_pt, float medium_height_pt,
                            PrError *error);
/* Appends an Invoke Medium Map (IMM) of medium map `map_name`. */
void PrAfpFormdef_writeInvoke(PrBuffer *out, const char *map_name);

/* ---- BCOCA ------------------------------------------------------------- */

/* Whether BCOCA has a symbology for this symbol (Code 128, GS1-128,
 * DataMatrix, QR, Australia Post 4-state, IMb). */
bool PrAfpBcoca_supports(const PrSymbol *symbol);
/* Appends a bar code object (BBC ... EBC) for `symbol`, whose data is
 * text[0..text_bytes): the printer draws the same symbol (size, module,
 * position, colour) the display list's bars show. */
PrStatus PrAfpBcoca_write(PrBuffer *out, const PrSymbol *symbol, const uint8_t *text,
                          size_t text_bytes, PrError *error);

#endif
