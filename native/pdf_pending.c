/* pdf_pending.c: page content streams waiting to be deflated, and the flush
 * that deflates them on several threads and writes them in page order.
 *
 * Deflating a page costs about as much as laying it out, and pages are
 * independent, so a writer with deflate_threads > 1 queues each page's
 * operators (ids already allocated, so the page tree is unaffected) and a
 * flush splits the queue into contiguous lanes, one thread each. Every
 * stream is compressed on its own, so the bytes are the same whatever the
 * number of threads; the objects are written by the calling thread in the
 * order the pages came. The queue is flushed when the caller drains the
 * output, at finish, and whenever it holds PR_PDF_PENDING_BYTES, so memory
 * stays bounded. */
#include "pdf_writer.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Lane {
  PrPdfWriter *writer;
  uint32_t index;
  PrDeflater *deflater;     /* this lane's own: a compressor is not shared */
  size_t first, end;        /* pending pages [first, end) */
  PrStatus status;
  PrError error;
} Lane;

static PrStatus lane_deflater(PrPdfWriter *writer, uint32_t lane, PrDeflater **out,
                              PrError *error) {
  if (lane == 0) {
    *out = writer->deflater;
    return PR_OK;
  }
  if (writer->lane_deflaters[lane] == NULL) {
    PR_RETURN_NOT_OK(PrDeflater_create(writer->compression, &writer->lane_deflaters[lane],
                                       error));
  }
  *out = writer->lane_deflaters[lane];
  return PR_OK;
}

/* Compresses the lane's pages into its own buffer. Touches nothing that
 * another lane touches. */
static void *run_lane(void *argument) {
  Lane *lane = argument;
  PrPdfWriter *writer = lane->writer;
  PrBuffer *packed = &writer->lane_packed[lane->index];
  PrBuffer_clear(packed);
  PrDeflater *deflater = lane->deflater;
  for (size_t i = lane->first; i < lane->end && lane->status == PR_OK; i++) {
    PrPdfPendingPage *page = &writer->pending[i];
    page->packed_offset = packed->size_bytes;
    lane->status = PrDeflater_compress(deflater, writer->pending_content.data +
                                       page->content_offset, page->content_bytes, packed,
                                       &lane->error);
    page->packed_bytes = packed->size_bytes - page->packed_offset;
    page->lane = (uint8_t)lane->index;
  }
  return NULL;
}

PrStatus PrPdfPending_add(PrPdfWriter *writer, const PrPdfPendingPage *page,
                          const uint8_t *content, size_t content_bytes, PrError *error) {
  if (writer->pending_count == writer->pending_capacity) {
    size_t capacity = writer->pending_capacity < 256 ? 256 : writer->pending_capacity * 2;
    PrPdfPendingPage *grown = realloc(writer->pending, capacity * sizeof *grown);
    if (grown == NULL) {
      return PrError_set(error, PR_ENOMEM, "pdf: out of memory queueing %zu pages", capacity);
    }
    writer->pending = grown;
    writer->pending_capacity = capacity;
  }
  PrPdfPendingPage *entry = &writer->pending[writer->pending_count];
  *entry = *page;
  entry->content_offset = writer->pending_content.size_bytes;
  entry->content_bytes = content_bytes;
  PrBuffer_append(&writer->pending_content, content, content_bytes);
  PR_RETURN_NOT_OK(PrBuffer_check(&writer->pending_content, error));
  writer->pending_count++;
  if (writer->pending_content.size_bytes >= PR_PDF_PENDING_BYTES) {
    return PrPdfPending_flush(writer, error);
  }
  return PR_OK;
}

/* Lane boundaries with about the same number of content bytes each. */
static void split_lanes(const PrPdfWriter *writer, Lane *lanes, uint32_t lane_count) {
  size_t total = writer->pending_content.size_bytes;
  size_t page = 0;
  for (uint32_t l = 0; l < lane_count; l++) {
    lanes[l].first = page;
    size_t target = total / lane_count * (l + 1);
    if (l + 1 == lane_count) {
      page = writer->pending_count;
    } else {
      while (page < writer->pending_count &&
             writer->pending[page].content_offset + writer->pending[page].content_bytes <= target) {
        page++;
      }
    }
    lanes[l].end = page;
  }
}

PrStatus PrPdfPending_flush(PrPdfWriter *writer, PrError *error) {
  if (writer->pending_count == 0) {
    return PR_OK;
  }
  uint32_t lane_count = writer->deflate_threads;
  if (lane_count > writer->pending_count) {
    lane_count = (uint32_t)writer->pending_count;
  }
  Lane lanes[PR_PDF_MAX_LANES];
  split_lanes(writer, lanes, lane_count);
  for (uint32_t l = 0; l < lane_count; l++) {
    lanes[l].writer = writer;
    lanes[l].index = l;
    lanes[l].status = PR_OK;
    lanes[l].error.message[0] = '\0';
    PR_RETURN_NOT_OK(lane_deflater(writer, l, &lanes[l].deflater, error));
  }
  pthread_t threads[PR_PDF_MAX_LANES];
  bool started[PR_PDF_MAX_LANES] = {false};
  for (uint32_t l = 1; l < lane_count; l++) {
    /* A thread that cannot start leaves its lane to this thread: slower,
     * never different. */
    started[l] = pthread_create(&threads[l], NULL, run_lane, &lanes[l]) == 0;
  }
  run_lane(&lanes[0]);
  for (uint32_t l = 1; l < lane_count; l++) {
    if (started[l]) {
      pthread_join(threads[l], NULL);
    } else {
      run_lane(&lanes[l]);
    }
  }
  for (uint32_t l = 0; l < lane_count; l++) {
    if (lanes[l].status != PR_OK) {
      PrError_set(error, lanes[l].status, "%s", lanes[l].error.message);
      return PrPdfFile_fail(writer, lanes[l].status, error);
    }
  }
  PrBuffer *out = &writer->out;
  for (size_t i = 0; i < writer->pending_count; i++) {
    const PrPdfPendingPage *page = &writer->pending[i];
    const PrBuffer *packed = &writer->lane_packed[page->lane];
    PrPdfFile_beginObject(writer, page->content_id);
    PrBuffer_append(out, "<</Length ", 10);
    PrBuffer_appendInt(out, (int64_t)page->packed_bytes);
    PrBuffer_append(out, "/Filter/FlateDecode>>\nstream\n", 29);
    PrBuffer_append(out, packed->data + page->packed_offset, page->packed_bytes);
    PrBuffer_append(out, "\nendstream", 10);
    PrPdfFile_endObject(writer);
    PrPdfPage_writeObject(writer, page);
  }
  writer->pending_count = 0;
  PrBuffer_clear(&writer->pending_content);
  PrStatus status = PrBuffer_check(out, error);
  return status != PR_OK ? PrPdfFile_fail(writer, status, error) : PR_OK;
}

void PrPdfPending_free(PrPdfWriter *writer) {
  for (uint32_t l = 0; l < PR_PDF_MAX_LANES; l++) {
    PrDeflater_destroy(writer->lane_deflaters[l]);
    writer->lane_deflaters[l] = NULL;
    PrBuffer_free(&writer->lane_packed[l]);
  }
  PrBuffer_free(&writer->pending_content);
  free(writer->pending);
  writer->pending = NULL;
  writer->pending_count = writer->pending_capacity = 0;
}
