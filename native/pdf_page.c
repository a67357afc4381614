/* pdf_page.c: pages, forms, the shared resource dictionary, the page tree,
 * and the PrDocWriter the composer writes through.
 *
 *   <</Type/Page/Parent L 0 R/MediaBox[0 0 w h]/Resources 3 0 R/Contents C 0 R>>
 *   <</Type/XObject/Subtype/Form/BBox[0 0 w h]/Resources 3 0 R>> stream
 *   <</Type/Pages/Parent P 0 R/Kids[...]/Count n>>
 *
 * Page tree: pages are written as they come but must name their /Parent,
 * so the leaf /Pages node of pages [64k, 64k+64) gets its id when page 64k
 * is written. At finish the leaves are written, grouped 64 at a time under
 * inner nodes (ids allocated then), up to the root, object 2. The tree is
 * balanced and no node has more than 64 kids. */
#include "pdf_writer.h"

#include "doc_writer.h"

#include <stdlib.h>
#include <string.h>

PrPdfForm *PrPdfPage_findForm(PrPdfWriter *writer, uint32_t key) {
  for (uint32_t i = 0; i < writer->form_count; i++) {
    if (writer->forms[i].key == key) {
      return &writer->forms[i];
    }
  }
  return NULL;
}

static PrStatus check_page_size(const PrDisplayList *list, uint32_t page, PrError *error) {
  if (list == NULL || page >= list->page_count) {
    return PrError_set(error, PR_EINVAL, "pdf: page %u of a display list with %zu pages", page,
                       list != NULL ? list->page_count : (size_t)0);
  }
  float width = list->pages[page].width_pt, height = list->pages[page].height_pt;
  /* 14400 pt (200 in) is the largest page PDF readers must accept. */
  if (!(width > 0.0f && width <= 14400.0f) || !(height > 0.0f && height <= 14400.0f)) {
    return PrError_set(error, PR_EINVAL, "pdf: page %u has size %g x %g pt", page,
                       (double)width, (double)height);
  }
  return PrDisplayList_check(list, error);
}

/* An error after bytes reached the output leaves the file unusable. */
static PrStatus fail_if_output_broken(PrPdfWriter *writer, PrStatus status, PrError *error) {
  if (status != PR_OK && (writer->out.failed || status == PR_ENOMEM || status == PR_EINTERNAL)) {
    return PrPdfFile_fail(writer, status, error);
  }
  return status;
}

static void append_box(PrBuffer *out, float width_pt, float height_pt) {
  PrBuffer_append(out, "[0 0 ", 5);
  PrBuffer_appendReal(out, width_pt, 2);
  PrBuffer_appendByte(out, ' ');
  PrBuffer_appendReal(out, height_pt, 2);
  PrBuffer_appendByte(out, ']');
}

static PrStatus grow_ids(uint32_t **ids, uint64_t *capacity, uint64_t needed, PrError *error) {
  if (needed <= *capacity) {
    return PR_OK;
  }
  uint64_t grown = *capacity < 256 ? 256 : *capacity * 2;
  if (grown > SIZE_MAX / sizeof **ids) {
    return PrError_set(error, PR_ENOMEM, "pdf: too many pages for this machine");
  }
  uint32_t *array = realloc(*ids, (size_t)grown * sizeof **ids);
  if (array == NULL) {
    return PrError_set(error, PR_ENOMEM, "pdf: out of memory for %llu page ids",
                       (unsigned long long)grown);
  }
  *ids = array;
  *capacity = grown;
  return PR_OK;
}

static PrStatus write_page(PrPdfWriter *writer, const PrDisplayList *list, uint32_t page,
                           PrError *error) {
  PR_RETURN_NOT_OK(PrPdfFile_checkUsable(writer, "writePage", error));
  if (!writer->in_document) {
    return PrError_set(error, PR_EINVAL, "pdf: writePage outside a document "
                                         "(beginDocument missing)");
  }
  PR_RETURN_NOT_OK(check_page_size(list, page, error));
  PrBuffer_clear(&writer->content);
  PR_RETURN_NOT_OK(PrPdfContent_write(writer, list, page, error));
  PR_RETURN_NOT_OK(grow_ids(&writer->page_ids, &writer->page_capacity,
                            writer->page_count + 1, error));
  if (writer->page_count % PR_PDF_TREE_FANOUT == 0) {
    PR_RETURN_NOT_OK(grow_ids(&writer->leaf_ids, &writer->leaf_capacity,
                              writer->leaf_count + 1, error));
    uint32_t leaf_id;
    PR_RETURN_NOT_OK(PrPdfFile_newId(writer, &leaf_id, error));
    writer->leaf_ids[writer->leaf_count++] = leaf_id;
  }
  PrPdfPendingPage entry;
  memset(&entry, 0, sizeof entry);
  entry.leaf_id = writer->leaf_ids[writer->leaf_count - 1];
  entry.width_pt = list->pages[page].width_pt;
  entry.height_pt = list->pages[page].height_pt;
  PR_RETURN_NOT_OK(PrPdfFile_newId(writer, &entry.page_id, error));
  entry.shares_empty = writer->content.size_bytes == 0;
  if (entry.shares_empty) {
    if (writer->empty_content_id == 0) {
      PR_RETURN_NOT_OK(PrPdfFile_newId(writer, &writer->empty_content_id, error));
    }
    entry.content_id = writer->empty_content_id;
  } else {
    PR_RETURN_NOT_OK(PrPdfFile_newId(writer, &entry.content_id, error));
  }
  writer->page_ids[writer->page_count++] = entry.page_id;
  if (entry.shares_empty && !(writer->deflate_threads > 1 && writer->deflater != NULL)) {
    PR_RETURN_NOT_OK(PrPdfPage_writeBlankObject(writer, &entry, error));
    return PrBuffer_check(&writer->out, error);
  }
  if (writer->deflate_threads > 1 && writer->deflater != NULL) {
    return PrPdfPending_add(writer, &entry, writer->content.data, writer->content.size_bytes,
                            error);
  }
  PR_RETURN_NOT_OK(PrPdfFile_writeStream(writer, entry.content_id, NULL, writer->content.data,
                                         writer->content.size_bytes, PR_PDF_STREAM_FAST,
                                         error));
  PrPdfPage_writeObject(writer, &entry);
  return PrBuffer_check(&writer->out, error);
}

PrStatus PrPdfPage_writeBlankObject(PrPdfWriter *writer, const PrPdfPendingPage *page,
                                    PrError *error) {
  if (!writer->empty_content_written) {
    PR_RETURN_NOT_OK(PrPdfFile_writeStream(writer, writer->empty_content_id, NULL, NULL, 0,
                                           PR_PDF_STREAM_RAW, error));
    writer->empty_content_written = true;
  }
  PrPdfPage_writeObject(writer, page);
  return PR_OK;
}

void PrPdfPage_writeObject(PrPdfWriter *writer, const PrPdfPendingPage *page) {
  PrBuffer *out = &writer->out;
  PrPdfFile_beginObject(writer, page->page_id);
  PrBuffer_append(out, "<</Type/Page/Parent ", 20);
  PrBuffer_appendInt(out, page->leaf_id);
  PrBuffer_append(out, " 0 R/MediaBox", 13);
  append_box(out, page->width_pt, page->height_pt);
  PrBuffer_append(out, "/Resources 3 0 R/Contents ", 26);
  PrBuffer_appendInt(out, page->content_id);
  PrBuffer_append(out, " 0 R>>", 6);
  PrPdfFile_endObject(writer);
}

static PrStatus define_form(PrPdfWriter *writer, uint32_t key, const PrDisplayList *list,
                            uint32_t page, PrError *error) {
  PR_RETURN_NOT_OK(PrPdfFile_checkUsable(writer, "defineForm", error));
  if (PrPdfPage_findForm(writer, key) != NULL) {
    return PrError_set(error, PR_EINVAL, "pdf: form %u is already defined", key);
  }
  PR_RETURN_NOT_OK(check_page_size(list, page, error));
  if (writer->form_count == writer->form_capacity) {
    uint32_t capacity = writer->form_capacity < 4 ? 4 : writer->form_capacity * 2;
    PrPdfForm *forms = realloc(writer->forms, capacity * sizeof *forms);
    if (forms == NULL) {
      return PrError_set(error, PR_ENOMEM, "pdf: out of memory for %u forms", capacity);
    }
    writer->forms = forms;
    writer->form_capacity = capacity;
  }
  PrBuffer_clear(&writer->content);
  PR_RETURN_NOT_OK(PrPdfContent_write(writer, list, page, error));
  uint32_t id;
  PR_RETURN_NOT_OK(PrPdfFile_newId(writer, &id, error));
  PrBuffer *dict = &writer->scratch;
  PrBuffer_clear(dict);
  PrBuffer_appendText(dict, "/Type/XObject/Subtype/Form/BBox");
  append_box(dict, list->pages[page].width_pt, list->pages[page].height_pt);
  PrBuffer_appendText(dict, "/Resources 3 0 R");
  PrBuffer_appendByte(dict, 0);
  PR_RETURN_NOT_OK(PrBuffer_check(dict, error));
  PR_RETURN_NOT_OK(PrPdfFile_writeStream(writer, id, (const char *)dict->data,
                                         writer->content.data, writer->content.size_bytes,
                                         PR_PDF_STREAM_FAST, error));
  PrPdfForm *form = &writer->forms[writer->form_count++];
  form->key = key;
  form->object_id = id;
  form->height_pt = list->pages[page].height_pt;
  form->used = false;
  return PR_OK;
}

PrStatus PrPdfPage_writeResources(PrPdfWriter *writer, PrError *error) {
  PrBuffer *out = &writer->out;
  const PrPlan *plan = writer->plan;
  PrPdfFile_beginObject(writer, PR_PDF_ID_RESOURCES);
  PrBuffer_append(out, "<<", 2);
  bool any = false;
  for (uint32_t f = 0; f < plan->font_count; f++) {
    if (writer->fonts[f].object_id == 0) {
      continue;
    }
    PrBuffer_appendText(out, any ? "" : "/Font<<");
    any = true;
    PrBuffer_appendFormat(out, "/F%u %u 0 R", f, writer->fonts[f].object_id);
  }
  if (any) {
    PrBuffer_append(out, ">>", 2);
  }
  any = false;
  for (uint32_t i = 0; i < plan->image_count; i++) {
    if (writer->image_ids[i] == 0) {
      continue;
    }
    PrBuffer_appendText(out, any ? "" : "/XObject<<");
    any = true;
    PrBuffer_appendFormat(out, "/Im%u %u 0 R", i, writer->image_ids[i]);
  }
  for (uint32_t i = 0; i < writer->form_count; i++) {
    if (!writer->forms[i].used) {
      continue;
    }
    PrBuffer_appendText(out, any ? "" : "/XObject<<");
    any = true;
    PrBuffer_appendFormat(out, "/Fm%u %u 0 R", writer->forms[i].key, writer->forms[i].object_id);
  }
  if (any) {
    PrBuffer_append(out, ">>", 2);
  }
  PrBuffer_append(out, ">>", 2);
  PrPdfFile_endObject(writer);
  return PrBuffer_check(out, error);
}

static void write_node(PrPdfWriter *writer, uint32_t id, uint32_t parent_id,
                       const uint32_t *kids, uint64_t kid_count, uint64_t page_count) {
  PrBuffer *out = &writer->out;
  PrPdfFile_beginObject(writer, id);
  PrBuffer_append(out, "<</Type/Pages", 13);
  if (parent_id != 0) {
    PrBuffer_append(out, "/Parent ", 8);
    PrBuffer_appendInt(out, parent_id);
    PrBuffer_append(out, " 0 R", 4);
  }
  PrBuffer_append(out, "/Kids[", 6);
  for (uint64_t k = 0; k < kid_count; k++) {
    if (k > 0) {
      PrBuffer_appendByte(out, ' ');
    }
    PrBuffer_appendInt(out, kids[k]);
    PrBuffer_append(out, " 0 R", 4);
  }
  PrBuffer_append(out, "]/Count ", 8);
  PrBuffer_appendInt(out, (int64_t)page_count);
  PrBuffer_append(out, ">>", 2);
  PrPdfFile_endObject(writer);
}

/* Levels of inner nodes above the leaves; 64^7 pages is beyond any id space. */
#define PR_PDF_TREE_MAX_LEVELS 8

PrStatus PrPdfPage_writeTree(PrPdfWriter *writer, PrError *error) {
  uint64_t pages = writer->page_count;
  /* levels[0] = leaves; levels[l] = nodes over 64 of levels[l-1]. */
  uint32_t *levels[PR_PDF_TREE_MAX_LEVELS] = {0};
  uint64_t counts[PR_PDF_TREE_MAX_LEVELS] = {0};
  int top = 0;
  levels[0] = writer->leaf_ids;
  counts[0] = writer->leaf_count;
  PrStatus status = PR_OK;
  while (counts[top] > PR_PDF_TREE_FANOUT && status == PR_OK) {
    if (top + 1 == PR_PDF_TREE_MAX_LEVELS) {
      status = PrError_set(error, PR_EINTERNAL, "pdf: page tree deeper than %d levels",
                           PR_PDF_TREE_MAX_LEVELS);
      break;
    }
    uint64_t count = (counts[top] + PR_PDF_TREE_FANOUT - 1) / PR_PDF_TREE_FANOUT;
    levels[top + 1] = malloc((size_t)count * sizeof(uint32_t));
    if (levels[top + 1] == NULL) {
      status = PrError_set(error, PR_ENOMEM, "pdf: out of memory for the page tree");
      break;
    }
    top++;
    counts[top] = count;
    for (uint64_t j = 0; j < count && status == PR_OK; j++) {
      status = PrPdfFile_newId(writer, &levels[top][j], error);
    }
  }
  if (status == PR_OK) {
    /* Pages under one node of level l: 64^(l+1), fewer in the last node. */
    uint64_t span = PR_PDF_TREE_FANOUT;
    for (int l = 0; l <= top; l++) {
      for (uint64_t j = 0; j < counts[l]; j++) {
        uint64_t first_kid = j * PR_PDF_TREE_FANOUT;
        uint64_t below = l == 0 ? pages : counts[l - 1];
        uint64_t kid_count = below - first_kid < PR_PDF_TREE_FANOUT ? below - first_kid
                                                                    : PR_PDF_TREE_FANOUT;
        const uint32_t *kids = l == 0 ? writer->page_ids + first_kid : levels[l - 1] + first_kid;
        uint64_t first_page = j * span;
        uint64_t node_pages = pages - first_page < span ? pages - first_page : span;
        uint32_t parent = l == top ? PR_PDF_ID_PAGES : levels[l + 1][j / PR_PDF_TREE_FANOUT];
        write_node(writer, levels[l][j], parent, kids, kid_count, node_pages);
      }
      span *= PR_PDF_TREE_FANOUT;
    }
    write_node(writer, PR_PDF_ID_PAGES, 0, levels[top], counts[top], pages);
    status = PrBuffer_check(&writer->out, error);
  }
  for (int l = 1; l <= top; l++) {
    free(levels[l]);
  }
  return status;
}

/* ---- PrDocWriter ---------------------------------------------------------- */

static bool doc_has_form(void *self, uint32_t key) {
  return PrPdfPage_findForm(self, key) != NULL;
}

static PrStatus doc_define_form(void *self, uint32_t key, const PrDisplayList *list,
                                uint32_t page, PrError *error) {
  PrStatus status = define_form(self, key, list, page, error);
  return fail_if_output_broken(self, status, error);
}

static PrStatus doc_begin(void *self, int64_t record, const PrDocTags *tags, PrError *error) {
  PrPdfWriter *writer = self;
  (void)record;   /* a PDF print stream has no per-document structure (yet) */
  (void)tags;
  PR_RETURN_NOT_OK(PrPdfFile_checkUsable(writer, "beginDocument", error));
  if (writer->in_document) {
    return PrError_set(error, PR_EINVAL, "pdf: beginDocument inside a document "
                                         "(endDocument missing)");
  }
  writer->in_document = true;
  return PR_OK;
}

static PrStatus doc_write_page(void *self, const PrDisplayList *list, uint32_t page,
                               int32_t medium_map, PrError *error) {
  (void)medium_map;   /* trays and stock are in the JDF ticket */
  PrStatus status = write_page(self, list, page, error);
  return fail_if_output_broken(self, status, error);
}

static PrStatus doc_end(void *self, PrError *error) {
  PrPdfWriter *writer = self;
  PR_RETURN_NOT_OK(PrPdfFile_checkUsable(writer, "endDocument", error));
  if (!writer->in_document) {
    return PrError_set(error, PR_EINVAL, "pdf: endDocument without beginDocument");
  }
  writer->in_document = false;
  return PR_OK;
}

static uint64_t doc_page_count(const void *self) {
  return PrPdfWriter_pageCount(self);
}

void PrPdfWriter_docWriter(PrPdfWriter *writer, PrDocWriter *out) {
  out->self = writer;
  out->hasForm = doc_has_form;
  out->defineForm = doc_define_form;
  out->beginDocument = doc_begin;
  out->writePage = doc_write_page;
  out->endDocument = doc_end;
  out->pageCount = doc_page_count;
}
