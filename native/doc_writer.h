/* doc_writer.h: the interface the composer writes documents through.
 *
 * One implementation per output format (PDF, AFP), so that page
 * composition never depends on the format. A document is one record's
 * pages, or a mail piece's (BNG/ENG in AFP). */
#ifndef PR_DOC_WRITER_H
#define PR_DOC_WRITER_H

#include <stdint.h>

#include "display_list.h"
#include "pressrun.h"

/* A document's index values: value i is texts[offsets[i] .. offsets[i+1]). */
typedef struct PrDocTags {
  const uint8_t *texts;
  const uint64_t *offsets;  /* count + 1 */
  uint32_t count;
} PrDocTags;

typedef struct PrDocWriter {
  void *self;
  /* Whether form `key` (static content of page master `key`) is defined. */
  bool (*hasForm)(void *self, uint32_t key);
  /* Defines form `key` from page `page` of `list` (its items become a
   * shared form that PR_ITEM_FORM items with resource=key draw). */
  PrStatus (*defineForm)(void *self, uint32_t key, const PrDisplayList *list,
                         uint32_t page, PrError *error);
  /* tags: the document's index values (AFP TLE), or NULL. */
  PrStatus (*beginDocument)(void *self, int64_t record, const PrDocTags *tags,
                            PrError *error);
  /* medium_map: the sheet's medium map (AFP IMM), -1 when not given. */
  PrStatus (*writePage)(void *self, const PrDisplayList *list, uint32_t page,
                        int32_t medium_map, PrError *error);
  PrStatus (*endDocument)(void *self, PrError *error);
  uint64_t (*pageCount)(const void *self);
} PrDocWriter;

/* The PDF writer's implementation. */
void PrPdfWriter_docWriter(PrPdfWriter *writer, PrDocWriter *out);
/* The AFP writer's implementation. */
void PrAfpWriter_docWriter(PrAfpWriter *writer, PrDocWriter *out);

#endif
