/* pdf_pending.c: page content streams deflated on background threads.
 *
 * Deflating a page costs about as much as laying it out, and pages are
 * independent. With deflate_threads > 1 a writer queues each page's
 * operators (its ids already allocated, so the page tree is unaffected). A
 * flush, at the end of each batch, writes the pages of the queue handed off
 * before, then hands off the current queue: it is split into contiguous
 * lanes, one thread each, while the caller composes the next batch into the
 * other queue. Every stream is compressed on its own and the objects are
 * written by the caller's thread in page order, so the bytes are the same
 * whatever the number of threads. A queue is handed off when it holds
 * PR_PDF_PENDING_BYTES, so memory stays bounded; finish drains both. */
#include "pdf_writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void PrPdfPending_init(PrPdfWriter *writer) {
  for (int q = 0; q < 2; q++) {
    memset(&writer->queues[q], 0, sizeof writer->queues[q]);
    PrBuffer_init(&writer->queues[q].content);
  }
  for (uint32_t l = 0; l < PR_PDF_MAX_LANES; l++) {
    memset(&writer->lanes[l], 0, sizeof writer->lanes[l]);
    PrBuffer_init(&writer->lanes[l].packed);
  }
  writer->filling = 0;
  writer->in_flight = false;
}

/* Compresses the lane's pages into its own buffer. Touches nothing another
 * lane or the composing thread touches. */
static void *run_lane(void *argument) {
  PrPdfLane *lane = argument;
  const PrPdfQueue *queue = lane->queue;
  PrBuffer_clear(&lane->packed);
  for (size_t i = lane->first; i < lane->end && lane->status == PR_OK; i++) {
    PrPdfPendingPage *page = &queue->pages[i];
    page->packed_offset = lane->packed.size_bytes;
    page->lane = (uint8_t)(lane - lane->writer->lanes);
    if (page->shares_empty) {
      page->packed_bytes = 0;
      continue;
    }
    lane->status = PrDeflater_compress(lane->deflater, queue->content.data + page->content_offset,
                                       page->content_bytes, &lane->packed, &lane->error);
    page->packed_bytes = lane->packed.size_bytes - page->packed_offset;
    page->lane = (uint8_t)(lane - lane->writer->lanes);
  }
  return NULL;
}

/* Lane boundaries with about the same number of content bytes each. */
static void split_lanes(PrPdfWriter *writer, const PrPdfQueue *queue, uint32_t lane_count) {
  size_t total = queue->content.size_bytes;
  size_t page = 0;
  for (uint32_t l = 0; l < lane_count; l++) {
    PrPdfLane *lane = &writer->lanes[l];
    lane->first = page;
    size_t target = total / lane_count * (l + 1);
    if (l + 1 == lane_count) {
      page = queue->count;
    } else {
      while (page < queue->count &&
             queue->pages[page].content_offset + queue->pages[page].content_bytes <= target) {
        page++;
      }
    }
    lane->end = page;
  }
}

/* Waits for the queue in flight and writes its pages in order. */
static PrStatus finish_in_flight(PrPdfWriter *writer, PrError *error) {
  if (!writer->in_flight) {
    return PR_OK;
  }
  for (uint32_t l = 0; l < writer->lane_count; l++) {
    if (writer->thread_started[l]) {
      pthread_join(writer->threads[l], NULL);
      writer->thread_started[l] = false;
    } else {
      run_lane(&writer->lanes[l]);   /* its thread could not start: slower, never different */
    }
  }
  writer->in_flight = false;
  PrPdfQueue *queue = &writer->queues[!writer->filling];
  for (uint32_t l = 0; l < writer->lane_count; l++) {
    if (writer->lanes[l].status != PR_OK) {
      PrError_set(error, writer->lanes[l].status, "%s", writer->lanes[l].error.message);
      return PrPdfFile_fail(writer, writer->lanes[l].status, error);
    }
  }
  PrBuffer *out = &writer->out;
  for (size_t i = 0; i < queue->count; i++) {
    const PrPdfPendingPage *page = &queue->pages[i];
    if (page->shares_empty) {
      PrStatus status = PrPdfPage_writeBlankObject(writer, page, error);
      if (status != PR_OK) {
        return PrPdfFile_fail(writer, status, error);
      }
      continue;
    }
    const PrBuffer *packed = &writer->lanes[page->lane].packed;
    PrPdfFile_beginObject(writer, page->content_id);
    PrBuffer_append(out, "<</Length ", 10);
    PrBuffer_appendInt(out, (int64_t)page->packed_bytes);
    PrBuffer_append(out, "/Filter/FlateDecode>>\nstream\n", 29);
    PrBuffer_append(out, packed->data + page->packed_offset, page->packed_bytes);
    PrBuffer_append(out, "\nendstream", 10);
    PrPdfFile_endObject(writer);
    PrPdfPage_writeObject(writer, page);
  }
  queue->count = 0;
  PrBuffer_clear(&queue->content);
  PrStatus status = PrBuffer_check(out, error);
  return status != PR_OK ? PrPdfFile_fail(writer, status, error) : PR_OK;
}

/* Hands the filling queue to the lanes' threads (after writing the one in
 * flight) and starts filling the other. */
static PrStatus hand_off(PrPdfWriter *writer, PrError *error) {
  PR_RETURN_NOT_OK(finish_in_flight(writer, error));
  PrPdfQueue *queue = &writer->queues[writer->filling];
  if (queue->count == 0) {
    return PR_OK;
  }
  uint32_t lane_count = writer->deflate_threads;
  if (lane_count > queue->count) {
    lane_count = (uint32_t)queue->count;
  }
  split_lanes(writer, queue, lane_count);
  for (uint32_t l = 0; l < lane_count; l++) {
    PrPdfLane *lane = &writer->lanes[l];
    if (lane->deflater == NULL) {
      PR_RETURN_NOT_OK(PrDeflater_create(writer->compression, &lane->deflater, error));
    }
    lane->writer = writer;
    lane->queue = queue;
    lane->status = PR_OK;
    lane->error.message[0] = '\0';
  }
  writer->lane_count = lane_count;
  for (uint32_t l = 0; l < lane_count; l++) {
    writer->thread_started[l] =
        pthread_create(&writer->threads[l], NULL, run_lane, &writer->lanes[l]) == 0;
  }
  writer->in_flight = true;
  writer->filling = (uint8_t)!writer->filling;
  return PR_OK;
}

PrStatus PrPdfPending_add(PrPdfWriter *writer, const PrPdfPendingPage *page,
                          const uint8_t *content, size_t content_bytes, PrError *error) {
  PrPdfQueue *queue = &writer->queues[writer->filling];
  if (queue->count == queue->capacity) {
    size_t capacity = queue->capacity < 256 ? 256 : queue->capacity * 2;
    PrPdfPendingPage *grown = realloc(queue->pages, capacity * sizeof *grown);
    if (grown == NULL) {
      return PrError_set(error, PR_ENOMEM, "pdf: out of memory queueing %zu pages", capacity);
    }
    queue->pages = grown;
    queue->capacity = capacity;
  }
  PrPdfPendingPage *entry = &queue->pages[queue->count];
  *entry = *page;
  entry->content_offset = queue->content.size_bytes;
  entry->content_bytes = content_bytes;
  PrBuffer_append(&queue->content, content, content_bytes);
  PR_RETURN_NOT_OK(PrBuffer_check(&queue->content, error));
  queue->count++;
  if (queue->content.size_bytes >= PR_PDF_PENDING_BYTES) {
    return hand_off(writer, error);
  }
  return PR_OK;
}

PrStatus PrPdfPending_flush(PrPdfWriter *writer, PrError *error) {
  return hand_off(writer, error);
}

PrStatus PrPdfPending_drain(PrPdfWriter *writer, PrError *error) {
  PR_RETURN_NOT_OK(hand_off(writer, error));
  return finish_in_flight(writer, error);
}

void PrPdfPending_free(PrPdfWriter *writer) {
  for (uint32_t l = 0; l < writer->lane_count && writer->in_flight; l++) {
    if (writer->thread_started[l]) {
      pthread_join(writer->threads[l], NULL);
      writer->thread_started[l] = false;
    }
  }
  writer->in_flight = false;
  for (uint32_t l = 0; l < PR_PDF_MAX_LANES; l++) {
    PrDeflater_destroy(writer->lanes[l].deflater);
    writer->lanes[l].deflater = NULL;
    PrBuffer_free(&writer->lanes[l].packed);
  }
  for (int q = 0; q < 2; q++) {
    free(writer->queues[q].pages);
    writer->queues[q].pages = NULL;
    writer->queues[q].count = writer->queues[q].capacity = 0;
    PrBuffer_free(&writer->queues[q].content);
  }
}
