/* pdf_file.c: the file level of the PDF writer.
 *
 * %PDF-1.7 header, object numbers and their byte offsets, the output buffer
 * the caller drains, and at finish the cross-reference stream (PDF 1.5,
 * /Type/XRef: a binary table, deflated, whose offset width is chosen from
 * the final file size, so files above 4 GB work) that also carries the
 * trailer entries.
 *
 * The trailer /ID is a hash of every byte before the xref stream, so the
 * same job gives the same file: two 64-bit lanes fed 8 bytes at a time
 * (lane a: FNV-1a style xor-multiply; lane b: add-rotate-multiply with a
 * different constant), then cross-mixed with the splitmix64 finaliser.
 * Not cryptographic: it only has to tell files apart. */
#include "pdf_writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- /ID hash ------------------------------------------------------------ */

static const uint64_t kLaneAPrime = 0x00000100000001B3ull;  /* FNV-1a 64 prime */
static const uint64_t kLaneBPrime = 0x9E3779B97F4A7C15ull;  /* golden ratio */

static inline uint64_t rotate_left(uint64_t value, unsigned bits) {
  return (value << bits) | (value >> (64 - bits));
}

static inline uint64_t load_le64(const uint8_t *p) {
  return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
         (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
         (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

static inline void hash_word(PrPdfHash *hash, uint64_t word) {
  hash->lane_a = (hash->lane_a ^ word) * kLaneAPrime;
  hash->lane_b = rotate_left(hash->lane_b + word, 29) * kLaneBPrime;
}

static void hash_init(PrPdfHash *hash) {
  memset(hash, 0, sizeof *hash);
  hash->lane_a = 0xCBF29CE484222325ull;  /* FNV-1a 64 offset basis */
  hash->lane_b = 0x6A09E667F3BCC908ull;
}

static void hash_update(PrPdfHash *hash, const uint8_t *data, size_t size_bytes) {
  hash->total_bytes += size_bytes;
  while (hash->tail_bytes > 0 && size_bytes > 0) {
    hash->tail[hash->tail_bytes++] = *data++;
    size_bytes--;
    if (hash->tail_bytes == 8) {
      hash_word(hash, load_le64(hash->tail));
      hash->tail_bytes = 0;
    }
  }
  while (size_bytes >= 8) {
    hash_word(hash, load_le64(data));
    data += 8;
    size_bytes -= 8;
  }
  memcpy(hash->tail, data, size_bytes);
  hash->tail_bytes = (unsigned)size_bytes;
}

static uint64_t mix64(uint64_t x) {
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

static void hash_final(const PrPdfHash *hash, uint8_t digest[16]) {
  PrPdfHash h = *hash;
  uint8_t last[8] = {0};
  memcpy(last, h.tail, h.tail_bytes);
  hash_word(&h, load_le64(last));
  hash_word(&h, h.total_bytes);
  uint64_t a = mix64(h.lane_a ^ rotate_left(h.lane_b, 17));
  uint64_t b = mix64(h.lane_b ^ a);
  for (int i = 0; i < 8; i++) {
    digest[i] = (uint8_t)(a >> (56 - 8 * i));
    digest[8 + i] = (uint8_t)(b >> (56 - 8 * i));
  }
}

/* Feeds the not yet hashed part of the output buffer. */
static void hash_pending(PrPdfWriter *writer) {
  if (writer->out.size_bytes > writer->hashed_bytes) {
    hash_update(&writer->hash, writer->out.data + writer->hashed_bytes,
                writer->out.size_bytes - writer->hashed_bytes);
    writer->hashed_bytes = writer->out.size_bytes;
  }
}

/* ---- objects ------------------------------------------------------------- */

/* Object numbers stay below this: some readers store them in 31 bits. */
#define PR_PDF_MAX_OBJECTS 0x7FFFFFF0u

PrStatus PrPdfFile_newId(PrPdfWriter *writer, uint32_t *out_id, PrError *error) {
  *out_id = 0;
  if (writer->object_count >= PR_PDF_MAX_OBJECTS) {
    return PrError_set(error, PR_ELIMIT, "pdf: more than %u objects in one file",
                       PR_PDF_MAX_OBJECTS);
  }
  if (writer->object_count == writer->object_capacity) {
    uint32_t capacity = writer->object_capacity * 2;
    if (capacity > PR_PDF_MAX_OBJECTS) {
      capacity = PR_PDF_MAX_OBJECTS;
    }
    uint64_t *offsets = realloc(writer->offsets, (size_t)capacity * sizeof *offsets);
    if (offsets == NULL) {
      return PrError_set(error, PR_ENOMEM, "pdf: out of memory for %u object offsets",
                         capacity);
    }
    memset(offsets + writer->object_capacity, 0,
           (size_t)(capacity - writer->object_capacity) * sizeof *offsets);
    writer->offsets = offsets;
    writer->object_capacity = capacity;
  }
  *out_id = writer->object_count++;
  return PR_OK;
}

void PrPdfFile_beginObject(PrPdfWriter *writer, uint32_t id) {
  writer->offsets[id] = writer->consumed_bytes + writer->out.size_bytes;
  PrBuffer_appendInt(&writer->out, id);
  PrBuffer_append(&writer->out, " 0 obj\n", 7);
}

void PrPdfFile_endObject(PrPdfWriter *writer) {
  PrBuffer_append(&writer->out, "\nendobj\n", 8);
}

static PrDeflater *deflater_for(PrPdfWriter *writer, PrPdfStreamMode mode,
                                PrError *error, PrStatus *status) {
  *status = PR_OK;
  if (writer->compression == PR_COMPRESSION_NONE || mode == PR_PDF_STREAM_RAW) {
    return NULL;
  }
  if (mode == PR_PDF_STREAM_FAST || writer->compression == PR_COMPRESSION_SMALL) {
    return writer->deflater;
  }
  if (writer->deflater_small == NULL) {
    *status = PrDeflater_create(PR_COMPRESSION_SMALL, &writer->deflater_small, error);
  }
  return writer->deflater_small;
}

PrStatus PrPdfFile_writeStream(PrPdfWriter *writer, uint32_t id,
                               const char *dict_entries, const uint8_t *data,
                               size_t data_bytes, PrPdfStreamMode mode,
                               PrError *error) {
  PrStatus status;
  PrDeflater *deflater = deflater_for(writer, mode, error, &status);
  PR_RETURN_NOT_OK(status);
  if (deflater != NULL) {
    PrBuffer_clear(&writer->packed);
    PR_RETURN_NOT_OK(PrDeflater_compress(deflater, data, data_bytes, &writer->packed, error));
    data = writer->packed.data;
    data_bytes = writer->packed.size_bytes;
  }
  PrBuffer *out = &writer->out;
  PrPdfFile_beginObject(writer, id);
  PrBuffer_append(out, "<<", 2);
  if (dict_entries != NULL) {
    PrBuffer_appendText(out, dict_entries);
  }
  PrBuffer_append(out, "/Length ", 8);
  PrBuffer_appendInt(out, (int64_t)data_bytes);
  if (deflater != NULL) {
    PrBuffer_append(out, "/Filter/FlateDecode", 19);
  }
  PrBuffer_append(out, ">>\nstream\n", 10);
  PrBuffer_append(out, data, data_bytes);
  PrBuffer_append(out, "\nendstream", 10);
  PrPdfFile_endObject(writer);
  return PrBuffer_check(out, error);
}

/* ---- state --------------------------------------------------------------- */

PrStatus PrPdfFile_checkUsable(const PrPdfWriter *writer, const char *what,
                               PrError *error) {
  if (writer == NULL) {
    return PrError_set(error, PR_EINVAL, "pdf: %s: no writer", what);
  }
  if (writer->failed) {
    return PrError_set(error, PR_EINVAL, "pdf: %s refused: the writer failed earlier (%s)",
                       what, writer->failure);
  }
  if (writer->finished) {
    return PrError_set(error, PR_EINVAL, "pdf: %s refused: the file is already finished",
                       what);
  }
  return PR_OK;
}

PrStatus PrPdfFile_fail(PrPdfWriter *writer, PrStatus status, PrError *error) {
  writer->failed = true;
  const char *message = error != NULL ? error->message : PrStatus_name(status);
  size_t bytes = 0;
  while (bytes + 1 < sizeof writer->failure && message[bytes] != 0) {
    bytes++;
  }
  memcpy(writer->failure, message, bytes);
  writer->failure[bytes] = 0;
  return status;
}

/* ---- strings and names ----------------------------------------------------- */

/* Decodes one UTF-8 sequence at text[*i]; U+FFFD for malformed input. */
static uint32_t next_codepoint(const uint8_t *text, size_t *i) {
  uint8_t lead = text[*i];
  (*i)++;
  if (lead < 0x80) {
    return lead;
  }
  int extra = lead >= 0xF0 && lead < 0xF5 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC2 ? 1 : -1;
  if (extra < 0 || lead >= 0xF5) {
    return 0xFFFD;
  }
  uint32_t value = lead & (0x3Fu >> extra);
  for (int k = 0; k < extra; k++) {
    uint8_t next = text[*i];
    if ((next & 0xC0) != 0x80) {   /* also stops at the terminating NUL */
      return 0xFFFD;
    }
    value = value << 6 | (next & 0x3F);
    (*i)++;
  }
  static const uint32_t kMinimum[4] = {0, 0x80, 0x800, 0x10000};
  if (value < kMinimum[extra] || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
    return 0xFFFD;
  }
  return value;
}

void PrPdfFile_appendText(PrBuffer *out, const char *utf8) {
  const uint8_t *text = (const uint8_t *)utf8;
  bool plain = true;
  for (size_t i = 0; text[i] != 0; i++) {
    if (text[i] < 0x20 || text[i] > 0x7E) {
      plain = false;
      break;
    }
  }
  if (plain) {
    PrBuffer_appendByte(out, '(');
    for (size_t i = 0; text[i] != 0; i++) {
      if (text[i] == '(' || text[i] == ')' || text[i] == '\\') {
        PrBuffer_appendByte(out, '\\');
      }
      PrBuffer_appendByte(out, text[i]);
    }
    PrBuffer_appendByte(out, ')');
    return;
  }
  /* Text strings outside ASCII: UTF-16BE with a byte order mark. */
  PrBuffer_append(out, "<FEFF", 5);
  size_t i = 0;
  while (text[i] != 0) {
    uint32_t cp = next_codepoint(text, &i);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      PrBuffer_appendHex16(out, (uint16_t)(0xD800 + (cp >> 10)));
      PrBuffer_appendHex16(out, (uint16_t)(0xDC00 + (cp & 0x3FF)));
    } else {
      PrBuffer_appendHex16(out, (uint16_t)cp);
    }
  }
  PrBuffer_appendByte(out, '>');
}

void PrPdfFile_appendName(PrBuffer *out, const char *text) {
  static const char kHex[] = "0123456789ABCDEF";
  for (const uint8_t *p = (const uint8_t *)text; *p != 0; p++) {
    uint8_t c = *p;
    bool regular = c > 0x20 && c < 0x7F && strchr("()<>[]{}/%#", c) == NULL;
    if (regular) {
      PrBuffer_appendByte(out, c);
    } else {
      PrBuffer_appendByte(out, '#');
      PrBuffer_appendByte(out, (uint8_t)kHex[c >> 4]);
      PrBuffer_appendByte(out, (uint8_t)kHex[c & 15]);
    }
  }
}

/* ---- public calls -------------------------------------------------------------- */

PrStatus PrPdfWriter_create(const PrPlan *plan, const PrPdfOptions *options,
                            PrPdfWriter **out, PrError *error) {
  *out = NULL;
  if (plan == NULL || !plan->finished) {
    return PrError_set(error, PR_EINVAL, "pdf: the writer needs a finished plan");
  }
  uint8_t compression = options != NULL ? options->compression : PR_COMPRESSION_FAST;
  if (compression > PR_COMPRESSION_SMALL) {
    return PrError_set(error, PR_EINVAL, "pdf: unknown compression option %u", compression);
  }
  PrPdfWriter *writer = calloc(1, sizeof *writer);
  if (writer == NULL) {
    return PrError_set(error, PR_ENOMEM, "pdf: out of memory creating a writer");
  }
  writer->plan = plan;
  writer->compression = compression;
  uint32_t threads = options != NULL ? options->deflate_threads : 1;
  writer->deflate_threads = threads < 1 ? 1 : (threads > PR_PDF_MAX_LANES ? PR_PDF_MAX_LANES
                                                                          : threads);
  PrPdfPending_init(writer);
  PrBuffer_init(&writer->out);
  PrBuffer_init(&writer->content);
  PrBuffer_init(&writer->packed);
  PrBuffer_init(&writer->scratch);
  hash_init(&writer->hash);
  PrStatus status = PR_OK;
  const char *producer = options != NULL && options->producer != NULL ? options->producer
                                                                       : "pressrun";
  writer->producer = PrText_copy(producer);
  if (options != NULL && options->title != NULL) {
    writer->title = PrText_copy(options->title);
  }
  writer->object_capacity = 1024;
  writer->offsets = calloc(writer->object_capacity, sizeof *writer->offsets);
  writer->object_count = PR_PDF_ID_FIRST_FREE;
  if (plan->image_count > 0) {
    writer->image_ids = calloc(plan->image_count, sizeof *writer->image_ids);
    writer->smask_ids = calloc(plan->image_count, sizeof *writer->smask_ids);
  }
  if (writer->producer == NULL || (options != NULL && options->title != NULL && writer->title == NULL) ||
      writer->offsets == NULL ||
      (plan->image_count > 0 && (writer->image_ids == NULL || writer->smask_ids == NULL))) {
    status = PrError_set(error, PR_ENOMEM, "pdf: out of memory creating a writer");
  }
  if (status == PR_OK) {
    status = PrPdfFonts_init(writer, error);
  }
  if (status == PR_OK && compression != PR_COMPRESSION_NONE) {
    status = PrDeflater_create(compression, &writer->deflater, error);
  }
  if (status == PR_OK) {
    /* The binary comment tells transfer programs the file is not text. */
    PrBuffer_appendText(&writer->out, "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");
    status = PrBuffer_check(&writer->out, error);
  }
  if (status != PR_OK) {
    PrPdfWriter_destroy(writer);
    return status;
  }
  *out = writer;
  return PR_OK;
}

void PrPdfWriter_destroy(PrPdfWriter *writer) {
  if (writer == NULL) {
    return;
  }
  PrPdfFonts_free(writer);
  PrPdfPending_free(writer);
  PrDeflater_destroy(writer->deflater);
  PrDeflater_destroy(writer->deflater_small);
  PrBuffer_free(&writer->out);
  PrBuffer_free(&writer->content);
  PrBuffer_free(&writer->packed);
  PrBuffer_free(&writer->scratch);
  free(writer->offsets);
  free(writer->page_ids);
  free(writer->leaf_ids);
  free(writer->image_ids);
  free(writer->smask_ids);
  free(writer->forms);
  free(writer->title);
  free(writer->producer);
  free(writer);
}

PrStatus PrPdfWriter_flush(PrPdfWriter *writer, PrError *error) {
  PR_RETURN_NOT_OK(PrPdfFile_checkUsable(writer, "flush", error));
  return PrPdfPending_flush(writer, error);
}

void PrPdfWriter_output(const PrPdfWriter *writer, const uint8_t **data,
                        size_t *size_bytes) {
  *data = writer->out.data;
  *size_bytes = writer->out.size_bytes;
}

void PrPdfWriter_consume(PrPdfWriter *writer) {
  if (!writer->finished) {
    hash_pending(writer);
  }
  writer->consumed_bytes += writer->out.size_bytes;
  writer->hashed_bytes = 0;
  PrBuffer_clear(&writer->out);
}

uint64_t PrPdfWriter_pageCount(const PrPdfWriter *writer) { return writer->page_count; }

uint64_t PrPdfWriter_bytesWritten(const PrPdfWriter *writer) {
  return writer->consumed_bytes + writer->out.size_bytes;
}

static void write_catalog_and_info(PrPdfWriter *writer) {
  PrBuffer *out = &writer->out;
  PrPdfFile_beginObject(writer, PR_PDF_ID_CATALOG);
  PrBuffer_appendFormat(out, "<</Type/Catalog/Pages %d 0 R>>", PR_PDF_ID_PAGES);
  PrPdfFile_endObject(writer);
  PrPdfFile_beginObject(writer, PR_PDF_ID_INFO);
  PrBuffer_append(out, "<</Producer ", 12);
  PrPdfFile_appendText(out, writer->producer);
  if (writer->title != NULL) {
    PrBuffer_append(out, "/Title ", 7);
    PrPdfFile_appendText(out, writer->title);
  }
  PrBuffer_append(out, ">>", 2);
  PrPdfFile_endObject(writer);
}

/* The xref stream: one entry per object, W [1 n 1] (type, offset, generation)
 * with n the bytes the largest offset needs. It lists itself. */
static PrStatus write_xref(PrPdfWriter *writer, PrError *error) {
  uint32_t xref_id;
  PR_RETURN_NOT_OK(PrPdfFile_newId(writer, &xref_id, error));
  for (uint32_t id = 1; id < xref_id; id++) {
    if (writer->offsets[id] == 0) {
      return PrError_set(error, PR_EINTERNAL, "pdf: object %u was reserved but never written",
                         id);
    }
  }
  hash_pending(writer);
  uint64_t xref_offset = writer->consumed_bytes + writer->out.size_bytes;
  writer->offsets[xref_id] = xref_offset;
  int width = 1;
  while (width < 8 && (xref_offset >> (8 * width)) != 0) {
    width++;
  }
  PrBuffer *table = &writer->scratch;
  PrBuffer_clear(table);
  size_t entry_bytes = (size_t)width + 2;
  if (!PrBuffer_reserve(table, entry_bytes * ((size_t)xref_id + 1))) {
    return PrError_set(error, PR_ENOMEM, "pdf: out of memory for the xref of %u objects",
                       xref_id + 1);
  }
  uint8_t *entry = table->data;
  for (uint32_t id = 0; id <= xref_id; id++) {
    uint64_t offset = writer->offsets[id];
    entry[0] = id == 0 ? 0 : 1;   /* object 0 heads the (empty) free list */
    for (int k = 0; k < width; k++) {
      entry[1 + k] = (uint8_t)(offset >> (8 * (width - 1 - k)));
    }
    entry[1 + width] = id == 0 ? 0xFF : 0;
    entry += entry_bytes;
  }
  table->size_bytes = entry_bytes * ((size_t)xref_id + 1);
  uint8_t digest[16];
  hash_final(&writer->hash, digest);
  char dict[256];
  char id_hex[33];
  static const char kHex[] = "0123456789ABCDEF";
  for (int i = 0; i < 16; i++) {
    id_hex[2 * i] = kHex[digest[i] >> 4];
    id_hex[2 * i + 1] = kHex[digest[i] & 15];
  }
  id_hex[32] = 0;
  snprintf(dict, sizeof dict,
           "/Type/XRef/Size %u/W[1 %d 1]/Root %d 0 R/Info %d 0 R/ID[<%s><%s>]",
           xref_id + 1, width, PR_PDF_ID_CATALOG, PR_PDF_ID_INFO, id_hex, id_hex);
  PR_RETURN_NOT_OK(PrPdfFile_writeStream(writer, xref_id, dict, table->data,
                                         table->size_bytes, PR_PDF_STREAM_FAST, error));
  PrBuffer_append(&writer->out, "startxref\n", 10);
  PrBuffer_appendInt(&writer->out, (int64_t)xref_offset);
  PrBuffer_append(&writer->out, "\n%%EOF\n", 7);
  return PrBuffer_check(&writer->out, error);
}

PrStatus PrPdfWriter_finish(PrPdfWriter *writer, PrError *error) {
  PR_RETURN_NOT_OK(PrPdfFile_checkUsable(writer, "finish", error));
  if (writer->in_document) {
    return PrError_set(error, PR_EINVAL, "pdf: finish called inside a document "
                                         "(endDocument missing)");
  }
  PrStatus status = PrPdfPending_drain(writer, error);
  /* No page comes after finish: the queue's buffers go before the page tree
   * and xref, the largest things a big file ends with, are built. */
  PrPdfPending_free(writer);
  PrBuffer_free(&writer->content);
  if (status == PR_OK) {
    status = PrPdfFonts_writeAll(writer, error);
  }
  if (status == PR_OK) {
    status = PrPdfPage_writeResources(writer, error);
  }
  if (status == PR_OK) {
    status = PrPdfPage_writeTree(writer, error);
  }
  if (status == PR_OK) {
    write_catalog_and_info(writer);
    status = PrBuffer_check(&writer->out, error);
  }
  if (status == PR_OK) {
    status = write_xref(writer, error);
  }
  PrBuffer_free(&writer->scratch);
  if (status != PR_OK) {
    return PrPdfFile_fail(writer, status, error);
  }
  writer->finished = true;
  return PR_OK;
}
