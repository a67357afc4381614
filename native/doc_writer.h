/* doc_writer.h: the interface the composer writes documents through.
 *
 * One implementation per output format (PDF now, AFP next), so that page
 * composition never depends on the format. A document is one record's
 * pages (a mail piece: BNG/ENG in AFP). */
#ifndef PR_DOC_WRITER_H
#define PR_DOC_WRITER_H

#include <stdint.h>

#include "display_list.h"
#include "pressrun.h"

typedef struct PrDocWriter {
  void *self;
  /* Whether form `key` (static content of page master `key`) is defined. */
  bool (*hasForm)(void *self, uint32_t key);
  /* Defines form `key` from page `page` of `list` (its items become a
   * shared form that PR_ITEM_FORM items with resource=key draw). */
  PrStatus (*defineForm)(void *self, uint32_t key, const PrDisplayList *list,
                         uint32_t page, PrError *error);
  PrStatus (*beginDocument)(void *self, int64_t record, PrError *error);
  PrStatus (*writePage)(void *self, const PrDisplayList *list, uint32_t page,
                        PrError *error);
  PrStatus (*endDocument)(void *self, PrError *error);
  uint64_t (*pageCount)(const void *self);
} PrDocWriter;

/* The PDF writer's implementation. */
void PrPdfWriter_docWriter(PrPdfWriter *writer, PrDocWriter *out);

#endif
