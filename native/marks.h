/* marks.h: barcodes and inserter marks as display-list bars (private).
 *
 * One drawing routine for the template's barcode elements (a payment QR
 * code bound to fields) and the production marks of a mail piece (OMR
 * tracks, the inserter's DataMatrix, the postal barcode): the symbol is
 * encoded by the core's encoders and drawn as filled bars, dark modules of
 * a row merged into one bar. */
#ifndef PR_MARKS_H
#define PR_MARKS_H

#include "display_list.h"
#include "pressrun.h"

/* Checks a spec's kind, option and sizes (not its text). */
/* One '|'-separated part of a four-state text ("fcc|dpid|customer"). */
#define PR_MARK_PART_BYTES 64

/* Splits "a|b|c" into up to `count` NUL-terminated parts, the rest empty;
 * PR_EINVAL (naming `what`) for more parts, a NUL or a part too long. */
PrStatus PrMark_splitParts(const uint8_t *text, size_t text_bytes, char parts[][PR_MARK_PART_BYTES],
                           size_t count, const char *what, PrError *error);
PrStatus PrMark_checkSpec(const PrMarkSpec *spec, PrError *error);

/* Encodes text (text_bytes bytes, no NUL needed) as spec says and appends
 * one PR_ITEM_BARS item to the list's current page (or overlay or marks).
 * scratch: PR_MARK_SCRATCH_BYTES bytes. A text the symbology cannot encode
 * gives PR_EINVAL (or PR_ELIMIT when too long) naming the reason; nothing
 * is added then. */
PrStatus PrMark_draw(PrDisplayList *list, const PrMarkSpec *spec, const uint8_t *text,
                     size_t text_bytes, uint8_t *scratch, size_t scratch_bytes,
                     PrError *error);

#endif
