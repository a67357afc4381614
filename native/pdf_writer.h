/* pdf_writer.h: the PDF writer's private state, shared by its files.
 *
 *   pdf_file.c     header, object numbering and offsets, output buffer,
 *                  /ID hash, xref stream, trailer, finish
 *   pdf_content.c  content streams (page and form operators)
 *   pdf_font.c     used-glyph tracking, Type0 fonts, ToUnicode
 *   pdf_image.c    image XObjects
 *   pdf_page.c     pages, forms, the resource dictionary, the page tree,
 *                  the PrDocWriter implementation
 *   pdf_pending.c  page streams queued for deflating on several threads
 *
 * Object numbers: 1 catalog, 2 page tree root, 3 the one resource
 * dictionary every page and form points at, 4 info; the rest in the order
 * they are allocated. Every object except those four, the page tree and the
 * fonts is written as soon as it is known; the writer keeps 8 bytes per
 * object (its offset) plus 4 per page (its id, for the page tree). */
#ifndef PR_PDF_WRITER_H
#define PR_PDF_WRITER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "buffer.h"
#include "deflate.h"
#include "display_list.h"
#include "error.h"
#include "plan.h"
#include "pressrun.h"

enum {
  PR_PDF_ID_CATALOG = 1,
  PR_PDF_ID_PAGES = 2,
  PR_PDF_ID_RESOURCES = 3,
  PR_PDF_ID_INFO = 4,
  PR_PDF_ID_FIRST_FREE = 5
};

/* Kids per /Pages node: pages of a leaf, nodes of an inner node. */
#define PR_PDF_TREE_FANOUT 64

/* How a stream's data is filtered. */
typedef enum PrPdfStreamMode {
  PR_PDF_STREAM_RAW = 0,    /* as given (the dict may name its own filter) */
  PR_PDF_STREAM_FAST = 1,   /* deflate with the writer's level (pages, forms) */
  PR_PDF_STREAM_SMALL = 2   /* deflate at the SMALL level (fonts, images: once per job) */
} PrPdfStreamMode;

/* Running hash of the bytes written, for the trailer /ID (see pdf_file.c). */
typedef struct PrPdfHash {
  uint64_t lane_a, lane_b;
  uint64_t total_bytes;
  uint8_t tail[8];
  unsigned tail_bytes;
} PrPdfHash;

/* What the file uses of one plan font. */
typedef struct PrPdfFontUse {
  uint16_t glyph_count;
  bool used;
  uint8_t *glyph_bits;      /* ceil(glyph_count/8) bytes: bit g%8 of byte g/8 */
  uint32_t *codepoints;     /* glyph_count entries, the first code point seen */
  uint8_t *program;         /* PrPdfWriter_setFontProgram copy, or NULL */
  size_t program_bytes;
  int program_kind;         /* 2 TrueType, 3 OpenType/CFF */
  uint32_t object_id;       /* Type0 font, set when written at finish */
} PrPdfFontUse;

/* Most deflate threads a writer uses, and the queued content that forces a
 * flush (about 3,000 letter pages). */
#define PR_PDF_MAX_LANES 8
#define PR_PDF_PENDING_BYTES ((size_t)16 << 20)

/* A page written except for its content stream and page object. */
typedef struct PrPdfPendingPage {
  uint32_t page_id, content_id, leaf_id;
  bool shares_empty;        /* a blank page: content_id is the one shared empty stream */
  float width_pt, height_pt;
  size_t content_offset, content_bytes;   /* in its queue's content */
  size_t packed_offset, packed_bytes;     /* in its lane's packed buffer */
  uint8_t lane;
} PrPdfPendingPage;

/* Pages waiting for their streams, and their operators back to back. */
typedef struct PrPdfQueue {
  PrPdfPendingPage *pages;
  size_t count, capacity;
  PrBuffer content;
} PrPdfQueue;

/* One deflate thread's share of a queue. */
typedef struct PrPdfLane {
  struct PrPdfWriter *writer;
  const PrPdfQueue *queue;
  PrDeflater *deflater;     /* its own: a compressor is not shared */
  PrBuffer packed;
  size_t first, end;        /* queue pages [first, end) */
  PrStatus status;
  PrError error;
} PrPdfLane;

typedef struct PrPdfForm {
  uint32_t key;
  uint32_t object_id;
  float height_pt;          /* its /BBox height: placing it needs it */
  bool used;
} PrPdfForm;

struct PrPdfWriter {
  const PrPlan *plan;
  uint8_t compression;      /* PrCompression */
  char *title;              /* NULL when none */
  char *producer;

  PrBuffer out;             /* produced, not yet consumed */
  uint64_t consumed_bytes;  /* file offset of out.data[0] */
  size_t hashed_bytes;      /* prefix of out already fed to the hash */
  PrPdfHash hash;

  uint64_t *offsets;        /* by object id; 0 = not written yet */
  uint32_t object_count;    /* next id to allocate */
  uint32_t object_capacity;

  uint32_t *page_ids;
  uint64_t page_count, page_capacity;
  uint32_t *leaf_ids;       /* /Pages leaf of pages [64k, 64k+64) */
  uint64_t leaf_count, leaf_capacity;

  PrPdfFontUse *fonts;      /* plan->font_count */
  uint32_t *image_ids;      /* plan->image_count, 0 = not written yet */
  uint32_t *smask_ids;
  PrPdfForm *forms;
  uint32_t form_count, form_capacity;
  /* Blank pages (blank backs, insert sheets) share one empty content stream,
   * written before the first page object that uses it. */
  uint32_t empty_content_id;
  bool empty_content_written;

  PrDeflater *deflater;     /* the option's level; NULL for NONE */
  PrDeflater *deflater_small;  /* created on first need */
  PrBuffer content;         /* one page's operators */
  PrBuffer packed;          /* one stream's compressed bytes */
  PrBuffer scratch;         /* dictionaries and font programs at finish */

  /* deflate_threads > 1: pages queue up in queues[filling]; a flush hands
   * the queue to the lanes' threads and returns, and the next flush (or
   * finish) waits for them and writes its pages. Composing the next batch
   * thus overlaps deflating the last. */
  uint32_t deflate_threads; /* 1: pages deflated as written */
  PrPdfQueue queues[2];
  uint8_t filling;          /* the queue pages are added to */
  bool in_flight;           /* queues[!filling] is being deflated */
  PrPdfLane lanes[PR_PDF_MAX_LANES];
  uint32_t lane_count;      /* lanes of the queue in flight */
  pthread_t threads[PR_PDF_MAX_LANES];
  bool thread_started[PR_PDF_MAX_LANES];

  bool in_document;
  bool finished;
  bool failed;              /* output is unusable: every call refuses */
  char failure[256];
};

/* ---- pdf_file.c ---- */
/* A new object id (0 and an error on overflow of the id space). */
PrStatus PrPdfFile_newId(PrPdfWriter *writer, uint32_t *out_id, PrError *error);
/* Records the object's offset and writes "id 0 obj\n". */
void PrPdfFile_beginObject(PrPdfWriter *writer, uint32_t id);
void PrPdfFile_endObject(PrPdfWriter *writer);
/* Writes a whole stream object: "<<" dict_entries "/Length n [/Filter]>>
 * stream ... endstream". dict_entries may be NULL. */
PrStatus PrPdfFile_writeStream(PrPdfWriter *writer, uint32_t id,
                               const char *dict_entries, const uint8_t *data,
                               size_t data_bytes, PrPdfStreamMode mode,
                               PrError *error);
/* Checks the writer accepts a call (not failed, not finished). */
PrStatus PrPdfFile_checkUsable(const PrPdfWriter *writer, const char *what,
                               PrError *error);
/* Marks the writer failed with the error's message; returns its status. */
PrStatus PrPdfFile_fail(PrPdfWriter *writer, PrStatus status, PrError *error);
/* A PDF string: literal "(..)" for printable ASCII, else UTF-16BE hex with BOM. */
void PrPdfFile_appendText(PrBuffer *out, const char *utf8);
/* A PDF name body (no slash) with #xx escapes. */
void PrPdfFile_appendName(PrBuffer *out, const char *text);

/* ---- pdf_content.c ---- */
/* Appends the operators of page `page` of `list` to writer->content. Checks
 * every resource reference; marks used glyphs, fonts, images and forms; writes
 * images on first use. */
PrStatus PrPdfContent_write(PrPdfWriter *writer, const PrDisplayList *list,
                            uint32_t page, PrError *error);

/* ---- pdf_font.c ---- */
PrStatus PrPdfFonts_init(PrPdfWriter *writer, PrError *error);
void PrPdfFonts_free(PrPdfWriter *writer);
/* Writes every used font (sets PrPdfFontUse.object_id). */
PrStatus PrPdfFonts_writeAll(PrPdfWriter *writer, PrError *error);

/* ---- pdf_image.c ---- */
/* Writes plan image `index` unless already written; its id in *out_id. */
PrStatus PrPdfImage_ensure(PrPdfWriter *writer, uint32_t index, uint32_t *out_id,
                           PrError *error);

/* ---- pdf_page.c ---- */
/* The form id of `key`, or NULL. */
PrPdfForm *PrPdfPage_findForm(PrPdfWriter *writer, uint32_t key);
/* Writes the resource dictionary and the page tree. */
PrStatus PrPdfPage_writeTree(PrPdfWriter *writer, PrError *error);
PrStatus PrPdfPage_writeResources(PrPdfWriter *writer, PrError *error);
/* Writes the /Type/Page object of a page whose content is already written. */
/* The page object, after the shared empty stream if it is the first to use it. */
PrStatus PrPdfPage_writeBlankObject(PrPdfWriter *writer, const PrPdfPendingPage *page,
                                    PrError *error);
void PrPdfPage_writeObject(PrPdfWriter *writer, const PrPdfPendingPage *page);

/* ---- pdf_pending.c ---- */
void PrPdfPending_init(PrPdfWriter *writer);
/* Queues a page (ids set, content copied); starts deflating the queue when
 * it is full. */
PrStatus PrPdfPending_add(PrPdfWriter *writer, const PrPdfPendingPage *page,
                          const uint8_t *content, size_t content_bytes, PrError *error);
/* Writes the pages deflated since the last call and starts deflating the
 * queued ones in the background. */
PrStatus PrPdfPending_flush(PrPdfWriter *writer, PrError *error);
/* Deflates and writes every queued page; nothing is in flight afterwards. */
PrStatus PrPdfPending_drain(PrPdfWriter *writer, PrError *error);
/* Waits for any thread and frees the queues. */
void PrPdfPending_free(PrPdfWriter *writer);

#endif
