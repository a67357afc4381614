/* compose.c: records -> pages -> a document writer (the composer).
 *
 * Per batch: one set of column views (item fields of tables resolved by
 * name inside their list<struct> column). Per writer: each page master's
 * static content once, as a form. Per record: its pages in one reused
 * display list, laid out by the flow (flow.c, table.c) or, for a plan
 * without a flow, one page of the first master; then page numbers; then the
 * pages are written. A record that cannot be composed is listed with its
 * reason and skipped; only writer failures and broken batches stop the
 * batch. Nothing is allocated per record once the buffers have grown. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "composer.h"
#include "error.h"
#include "marks.h"

static uint32_t widest_table(const PrPlan *plan) {
  uint32_t widest = 0;
  for (uint32_t t = 0; t < plan->table_count; t++) {
    if (plan->tables[t].column_count > widest) {
      widest = plan->tables[t].column_count;
    }
  }
  return widest;
}

PrStatus PrComposer_create(const PrPlan *plan, PrComposer **out, PrError *error) {
  if (out == NULL) {
    return PrError_set(error, PR_EINVAL, "composer: NULL output pointer");
  }
  *out = NULL;
  if (plan == NULL || !plan->finished) {
    return PrError_set(error, PR_EINVAL, "composer: the plan is NULL or not finished");
  }
  PrComposer *composer = calloc(1, sizeof *composer);
  if (composer == NULL) {
    return PrError_set(error, PR_ENOMEM, "composer: out of memory");
  }
  composer->plan = plan;
  PrDisplayList_init(&composer->list);
  PrBuffer_init(&composer->scratch);
  PrBuffer_init(&composer->scratch_previous);
  composer->cell_layout_count = widest_table(plan);
  composer->cell_layouts = calloc(composer->cell_layout_count + 1, sizeof *composer->cell_layouts);
  if (composer->cell_layouts == NULL) {
    free(composer);
    return PrError_set(error, PR_ENOMEM, "composer: out of memory");
  }
  PrStatus status = PrLayout_init(&composer->layout, plan, error);
  if (status == PR_OK) {
    status = PrLayout_init(&composer->page_layout, plan, error);
  }
  for (uint32_t c = 0; c < composer->cell_layout_count && status == PR_OK; c++) {
    status = PrLayout_init(&composer->cell_layouts[c], plan, error);
  }
  if (status != PR_OK) {
    PrComposer_destroy(composer);
    return status;
  }
  composer->field_views = calloc(plan->field_count + 1, sizeof *composer->field_views);
  composer->frame_used_pt = calloc(plan->frame_count + 1, sizeof *composer->frame_used_pt);
  composer->page_master_capacity = 16;
  composer->page_masters = malloc(composer->page_master_capacity);
  composer->error_capacity = 16;
  composer->errors = malloc(composer->error_capacity * sizeof *composer->errors);
  composer->mark_scratch = malloc(PR_MARK_SCRATCH_BYTES);
  if (composer->field_views == NULL || composer->frame_used_pt == NULL ||
      composer->errors == NULL || composer->page_masters == NULL ||
      composer->mark_scratch == NULL) {
    PrComposer_destroy(composer);
    return PrError_set(error, PR_ENOMEM, "composer: out of memory");
  }
  /* Grow the scratch once to a letter's size, so the first records do not
   * pay for it. */
  PrDisplayList_addPage(&composer->list, plan->page_width_pt, plan->page_height_pt);
  PrDisplayList_addGlyphs(&composer->list, 4096);
  for (int i = 0; i < 256; i++) {
    PrDisplayList_addItem(&composer->list, PR_ITEM_GLYPHS);
  }
  status = PrDisplayList_check(&composer->list, error);
  PrDisplayList_reset(&composer->list);
  if (status != PR_OK) {
    PrComposer_destroy(composer);
    return status;
  }
  *out = composer;
  return PR_OK;
}

void PrComposer_destroy(PrComposer *composer) {
  if (composer == NULL) {
    return;
  }
  PrLayout_free(&composer->layout);
  PrLayout_free(&composer->page_layout);
  for (uint32_t c = 0; c < composer->cell_layout_count && composer->cell_layouts != NULL; c++) {
    PrLayout_free(&composer->cell_layouts[c]);
  }
  free(composer->cell_layouts);
  free(composer->page_masters);
  free(composer->mark_scratch);
  PrBuffer_free(&composer->scratch);
  PrBuffer_free(&composer->scratch_previous);
  PrDisplayList_free(&composer->list);
  free(composer->field_views);
  free(composer->frame_used_pt);
  free(composer->errors);
  free(composer);
}

size_t PrComposer_recordErrorCount(const PrComposer *composer) {
  return composer != NULL ? composer->error_count : 0;
}

const PrRecordError *PrComposer_recordError(const PrComposer *composer, size_t index) {
  if (composer == NULL || index >= composer->error_count) {
    return NULL;
  }
  return &composer->errors[index];
}

/* The field a record error is about: the one layout that failed names it
 * (every other holds -1, reset when it last ran or at the record's start). */
static int32_t failing_field(const PrComposer *composer) {
  if (composer->layout.error_field >= 0) return composer->layout.error_field;
  if (composer->page_layout.error_field >= 0) return composer->page_layout.error_field;
  for (uint32_t c = 0; c < composer->cell_layout_count; c++) {
    if (composer->cell_layouts[c].error_field >= 0) return composer->cell_layouts[c].error_field;
  }
  return -1;
}

static void reset_error_fields(PrComposer *composer) {
  composer->layout.error_field = -1;
  composer->page_layout.error_field = -1;
  for (uint32_t c = 0; c < composer->cell_layout_count; c++) {
    composer->cell_layouts[c].error_field = -1;
  }
}

static PrStatus add_record_error(PrComposer *composer, int64_t row, const PrError *reason,
                                 PrError *error) {
  if (composer->error_count == composer->error_capacity) {
    size_t capacity = composer->error_capacity * 2;
    PrRecordError *grown = realloc(composer->errors, capacity * sizeof *grown);
    if (grown == NULL) {
      return PrError_set(error, PR_ENOMEM, "composer: out of memory listing record errors");
    }
    composer->errors = grown;
    composer->error_capacity = capacity;
  }
  PrRecordError *record = &composer->errors[composer->error_count++];
  record->row = row;
  record->field = failing_field(composer);
  record->code = reason->code;
  /* Cut a long message at a character boundary. */
  size_t length = 0;
  while (length < sizeof reason->message && reason->message[length] != '\0') {
    length++;
  }
  if (length >= sizeof record->message) {
    length = sizeof record->message - 1;
    while (length > 0 && ((uint8_t)reason->message[length] & 0xC0) == 0x80) {
      length--;
    }
  }
  memcpy(record->message, reason->message, length);
  record->message[length] = '\0';
  return PR_OK;
}

/* One record's pages into composer->list: after the held pages when
 * holding, else alone in it. */
static PrStatus compose_record(PrComposer *composer, int64_t row, PrError *error) {
  const PrPlan *plan = composer->plan;
  if (!composer->holding) {
    PrDisplayList_reset(&composer->list);
  }
  composer->record_first_page = composer->list.page_count;
  reset_error_fields(composer);
  if (plan->has_flow) {
    PR_RETURN_NOT_OK(PrFlow_run(composer, row, error));
  } else {
    PR_RETURN_NOT_OK(PrPage_start(composer, PR_MASTER_FIRST, row, error));
  }
  PR_RETURN_NOT_OK(PrPage_numberPages(composer, row, error));
  return PrDisplayList_check(&composer->list, error);
}

/* Views of the item fields of list field `list`: children of its struct,
 * found by name. A missing required one fails the batch (the data's shape
 * is wrong for every record); a missing optional one shows as empty. */
static PrStatus bind_item_fields(PrComposer *composer, uint32_t list_field, PrError *error) {
  const PrPlan *plan = composer->plan;
  const PrColumn *list = composer->field_views[list_field];
  const PrColumn *items = NULL;
  if (list != NULL) {
    if ((list->type != PR_ARROW_LIST && list->type != PR_ARROW_LARGE_LIST) ||
        list->child_count != 1 || list->children[0].type != PR_ARROW_STRUCT) {
      return PrError_set(error, PR_EINVAL, "compose: column '%.100s' is not a list of structs",
                         list->name);
    }
    items = &list->children[0];
  }
  for (uint32_t f = 0; f < plan->field_count; f++) {
    const PrPlanField *field = &plan->fields[f];
    if (field->list_field != (int32_t)list_field) {
      continue;
    }
    composer->field_views[f] = NULL;
    for (int64_t c = 0; items != NULL && c < items->child_count; c++) {
      if (strcmp(items->children[c].name, field->name) == 0) {
        composer->field_views[f] = &items->children[c];
      }
    }
    if (composer->field_views[f] == NULL && items != NULL && field->required) {
      return PrError_set(error, PR_EINVAL,
                         "compose: the items of '%.100s' have no field '%.100s', which the "
                         "template requires", plan->fields[list_field].name, field->name);
    }
    const PrColumn *view = composer->field_views[f];
    if (view != NULL && (view->type == PR_ARROW_LIST || view->type == PR_ARROW_LARGE_LIST ||
                         view->type == PR_ARROW_STRUCT)) {
      return PrError_set(error, PR_EINVAL, "compose: '%.100s.%.100s' is a list or struct, "
                                           "which cannot be shown as text",
                         plan->fields[list_field].name, field->name);
    }
  }
  return PR_OK;
}

/* Views of the batch's columns for the plan's fields (composer->field_views)
 * into *root; unbind_batch releases them. */
static PrStatus bind_batch(PrComposer *composer, PrColumn *root,
                           const struct ArrowSchema *schema, const struct ArrowArray *batch,
                           const int32_t *field_columns, uint32_t field_column_count,
                           PrError *error) {
  const PrPlan *plan = composer->plan;
  composer->error_count = 0;
  if (field_column_count != plan->field_count ||
      (field_column_count > 0 && field_columns == NULL)) {
    return PrError_set(error, PR_EINVAL,
                       "compose: %u field columns given, the plan has %u fields",
                       field_column_count, plan->field_count);
  }
  PR_RETURN_NOT_OK(PrColumn_init(root, schema, batch, error));
  if (root->type != PR_ARROW_STRUCT) {
    return PrError_set(error, PR_EINVAL,
                       "compose: the batch is not a struct array (a record batch)");
  }
  for (uint32_t i = 0; i < plan->field_count; i++) {
    int32_t child = field_columns[i];
    if (child < -1 || child >= root->child_count) {
      return PrError_set(error, PR_EINVAL,
                         "compose: field '%.100s' names column %d of %lld", plan->fields[i].name,
                         child, (long long)root->child_count);
    }
    const PrColumn *column = child >= 0 ? &root->children[child] : NULL;
    uint8_t kind = plan->fields[i].kind;
    if (kind == PR_FIELD_PAGE || kind == PR_FIELD_PAGES || plan->fields[i].list_field >= 0) {
      column = NULL;   /* not a column of the batch */
    }
    if (column != NULL && kind != PR_FIELD_LIST &&
        (column->type == PR_ARROW_LIST || column->type == PR_ARROW_LARGE_LIST ||
         column->type == PR_ARROW_STRUCT)) {
      return PrError_set(error, PR_EINVAL,
                         "compose: field '%.100s' is bound to column '%.100s', a list or "
                         "struct, which cannot be shown as text",
                         plan->fields[i].name, column->name);
    }
    if (column != NULL && column->length < root->offset + root->length) {
      return PrError_set(error, PR_EINVAL,
                         "compose: column '%.100s' has %lld rows, the batch %lld",
                         column->name, (long long)column->length,
                         (long long)(root->offset + root->length));
    }
    composer->field_views[i] = column;
  }
  for (uint32_t i = 0; i < plan->field_count; i++) {
    if (plan->fields[i].kind == PR_FIELD_LIST) {
      PR_RETURN_NOT_OK(bind_item_fields(composer, i, error));
    }
  }
  return PR_OK;
}

static void unbind_batch(PrComposer *composer, PrColumn *root) {
  for (uint32_t i = 0; i < composer->plan->field_count; i++) {
    composer->field_views[i] = NULL;
  }
  composer->writer = NULL;
  PrColumn_free(root);
}

/* Composes one row into the list; a record error is listed (the list is
 * rolled back to before the record) and leaves *out_composed false. */
static PrStatus compose_row(PrComposer *composer, int64_t row, int64_t child_row,
                            bool *out_composed, PrError *error) {
  *out_composed = false;
  PrDisplayListMark before = PrDisplayList_size(&composer->list);
  PrError reason;
  reason.code = PR_OK;
  reason.message[0] = '\0';
  PrStatus status = compose_record(composer, child_row, &reason);
  if (status == PR_ERECORD) {
    PrDisplayList_truncate(&composer->list, before);
    return add_record_error(composer, row, &reason, error);
  }
  if (status != PR_OK) {
    return PrError_set(error, status, "record %lld: %s", (long long)row, reason.message);
  }
  *out_composed = true;
  return PR_OK;
}

PrStatus PrComposer_composeDoc(PrComposer *composer, const PrDocWriter *writer,
                               const struct ArrowSchema *schema,
                               const struct ArrowArray *batch,
                               const int32_t *field_columns, uint32_t field_column_count,
                               int64_t *out_first_page, int32_t *out_page_count,
                               PrError *error) {
  if (composer == NULL || writer == NULL || schema == NULL || batch == NULL) {
    return PrError_set(error, PR_EINVAL, "compose: NULL composer, writer or batch");
  }
  composer->holding = false;
  PrColumn root;
  memset(&root, 0, sizeof root);
  PrStatus status = bind_batch(composer, &root, schema, batch, field_columns,
                               field_column_count, error);
  int64_t rows = status == PR_OK ? root.length : 0;
  if (rows > 0 && (out_first_page == NULL || out_page_count == NULL)) {
    status = PrError_set(error, PR_EINVAL, "compose: NULL output arrays");
    rows = 0;
  }
  for (int64_t row = 0; row < rows; row++) {
    out_first_page[row] = -1;
    out_page_count[row] = 0;
  }
  if (status == PR_OK) {
    composer->writer = writer;
    status = PrPage_defineForms(composer, error);
  }
  for (int64_t row = 0; row < rows && status == PR_OK; row++) {
    bool composed;
    /* A struct's offset applies to its children: rows are child rows. */
    status = compose_row(composer, row, root.offset + row, &composed, error);
    if (status != PR_OK || !composed) {
      continue;
    }
    uint64_t first_page = writer->pageCount(writer->self);
    uint32_t pages = (uint32_t)composer->list.page_count;
    status = writer->beginDocument(writer->self, row, NULL, error);
    for (uint32_t page = 0; page < pages && status == PR_OK; page++) {
      status = writer->writePage(writer->self, &composer->list, page, -1, error);
    }
    if (status == PR_OK) {
      status = writer->endDocument(writer->self, error);
    }
    if (status == PR_OK) {
      out_first_page[row] = (int64_t)first_page;
      out_page_count[row] = (int32_t)pages;
    }
  }
  unbind_batch(composer, &root);
  return status;
}

PrStatus PrComposer_layoutBatch(PrComposer *composer, const struct ArrowSchema *schema,
                                const struct ArrowArray *batch, const int32_t *field_columns,
                                uint32_t field_column_count, const int64_t *rows,
                                int64_t row_count, int64_t *out_first_page,
                                int32_t *out_page_count, PrError *error) {
  if (composer == NULL || schema == NULL || batch == NULL) {
    return PrError_set(error, PR_EINVAL, "layout: NULL composer or batch");
  }
  PrDisplayList_reset(&composer->list);
  composer->holding = true;
  PrColumn root;
  memset(&root, 0, sizeof root);
  PrStatus status = bind_batch(composer, &root, schema, batch, field_columns,
                               field_column_count, error);
  int64_t count = status != PR_OK ? 0 : rows != NULL ? row_count : root.length;
  if (count < 0 || (count > 0 && (out_first_page == NULL || out_page_count == NULL))) {
    status = PrError_set(error, PR_EINVAL, "layout: NULL output arrays or a negative row count");
    count = 0;
  }
  for (int64_t i = 0; i < count && status == PR_OK; i++) {
    if (rows != NULL && (rows[i] < 0 || rows[i] >= root.length)) {
      status = PrError_set(error, PR_EINVAL, "layout: row %lld of %lld is not in the batch",
                           (long long)rows[i], (long long)root.length);
    }
  }
  for (int64_t i = 0; i < count; i++) {
    out_first_page[i] = -1;
    out_page_count[i] = 0;
  }
  for (int64_t i = 0; i < count && status == PR_OK; i++) {
    int64_t row = rows != NULL ? rows[i] : i;
    size_t first_page = composer->list.page_count;
    bool composed;
    /* Record errors name the position in `rows`, like the outputs. */
    status = compose_row(composer, i, root.offset + row, &composed, error);
    if (status == PR_OK && composed) {
      out_first_page[i] = (int64_t)first_page;
      out_page_count[i] = (int32_t)(composer->list.page_count - first_page);
    }
  }
  unbind_batch(composer, &root);
  composer->holding = false;
  composer->record_first_page = 0;
  if (status != PR_OK) {
    PrDisplayList_reset(&composer->list);
  }
  return status;
}

uint64_t PrComposer_heldPageCount(const PrComposer *composer) {
  return composer != NULL ? composer->list.page_count : 0;
}

static PrStatus check_piece_set(const PrComposer *composer, const PrPieceSet *set,
                                PrError *error) {
  uint64_t held = composer->list.page_count;
  if ((set->page_count > 0 && set->pages == NULL) || set->piece_starts == NULL ||
      (set->mark_count > 0 && (set->marks == NULL || set->mark_pages == NULL)) ||
      set->text_offsets == NULL || (set->texts_bytes > 0 && set->texts == NULL)) {
    return PrError_set(error, PR_EINVAL, "pieces: NULL arrays");
  }
  for (uint64_t i = 0; i < set->page_count; i++) {
    if (set->pages[i] < -1 || (set->pages[i] >= 0 && (uint64_t)set->pages[i] >= held)) {
      return PrError_set(error, PR_EINVAL, "pieces: output page %llu is held page %lld; %llu "
                         "are held", (unsigned long long)i, (long long)set->pages[i],
                         (unsigned long long)held);
    }
  }
  if (set->piece_starts[0] != 0 || set->piece_starts[set->piece_count] != set->page_count) {
    return PrError_set(error, PR_EINVAL, "pieces: piece starts must run from 0 to %llu",
                       (unsigned long long)set->page_count);
  }
  for (uint64_t k = 0; k < set->piece_count; k++) {
    if (set->piece_starts[k + 1] <= set->piece_starts[k]) {
      return PrError_set(error, PR_EINVAL, "pieces: piece %llu has no pages",
                         (unsigned long long)k);
    }
  }
  if (set->tag_offsets != NULL) {
    uint64_t count = set->piece_count * set->tag_count;
    if ((set->tag_count > 0 && set->piece_count > UINT64_MAX / set->tag_count) ||
        set->tag_offsets[0] != 0 || set->tag_offsets[count] > set->tag_texts_bytes ||
        (set->tag_texts_bytes > 0 && set->tag_texts == NULL)) {
      return PrError_set(error, PR_EINVAL, "pieces: tag texts run past their buffer");
    }
    for (uint64_t t = 0; t < count; t++) {
      if (set->tag_offsets[t + 1] < set->tag_offsets[t]) {
        return PrError_set(error, PR_EINVAL, "pieces: tag %llu ends before it starts",
                           (unsigned long long)t);
      }
    }
  }
  if (set->text_offsets[0] != 0 || set->text_offsets[set->mark_count] > set->texts_bytes) {
    return PrError_set(error, PR_EINVAL, "pieces: mark texts run past their buffer");
  }
  for (uint64_t m = 0; m < set->mark_count; m++) {
    if (set->text_offsets[m + 1] < set->text_offsets[m] || set->mark_pages[m] >= set->page_count ||
        (m > 0 && set->mark_pages[m] < set->mark_pages[m - 1])) {
      return PrError_set(error, PR_EINVAL, "pieces: mark %llu: its text or page is out of order",
                         (unsigned long long)m);
    }
    PR_RETURN_NOT_OK(PrMark_checkSpec(&set->marks[m], error));
  }
  return PR_OK;
}

/* One piece's pages, each with its marks (from *mark on). */
static PrStatus write_piece(PrComposer *composer, const PrDocWriter *writer, const PrPieceSet *set,
                            uint64_t k, uint64_t *mark, PrError *error) {
  const PrPlan *plan = composer->plan;
  PrDisplayList *list = &composer->list;
  for (uint64_t i = set->piece_starts[k]; i < set->piece_starts[k + 1]; i++) {
    uint32_t page;
    if (set->pages[i] < 0) {
      PrDisplayList_addPage(list, plan->page_width_pt, plan->page_height_pt);
      page = (uint32_t)(list->page_count - 1);
    } else {
      page = (uint32_t)set->pages[i];
    }
    PrDisplayList_beginMarks(list, page);
    for (; *mark < set->mark_count && set->mark_pages[*mark] == i; (*mark)++) {
      const uint8_t *text = set->texts + set->text_offsets[*mark];
      size_t bytes = (size_t)(set->text_offsets[*mark + 1] - set->text_offsets[*mark]);
      PrError reason;
      reason.message[0] = '\0';
      PrStatus status = PrMark_draw(list, &set->marks[*mark], text, bytes, composer->mark_scratch,
                                    PR_MARK_SCRATCH_BYTES, &reason);
      if (status != PR_OK) {
        PrDisplayList_endMarks(list);
        return PrError_set(error, status, "piece %llu, page %llu, mark %llu: %.400s",
                           (unsigned long long)k, (unsigned long long)(i - set->piece_starts[k]),
                           (unsigned long long)*mark, reason.message);
      }
    }
    PrDisplayList_endMarks(list);
    PR_RETURN_NOT_OK(PrDisplayList_check(list, error));
    int32_t medium_map = set->page_media != NULL ? (int32_t)set->page_media[i] : -1;
    PR_RETURN_NOT_OK(writer->writePage(writer->self, list, page, medium_map, error));
  }
  return PR_OK;
}

static PrStatus write_pieces(PrComposer *composer, const PrDocWriter *writer,
                             const PrPieceSet *set, PrError *error) {
  uint64_t mark = 0;
  for (uint64_t k = 0; k < set->piece_count; k++) {
    PrDocTags tags = {set->tag_texts, NULL, set->tag_count};
    if (set->tag_offsets != NULL) {
      tags.offsets = set->tag_offsets + k * set->tag_count;
    }
    PR_RETURN_NOT_OK(writer->beginDocument(writer->self, (int64_t)k,
                                           set->tag_offsets != NULL ? &tags : NULL, error));
    PrStatus status = write_piece(composer, writer, set, k, &mark, error);
    if (status != PR_OK) {
      PrError ignored;
      writer->endDocument(writer->self, &ignored);   /* the writer stays usable */
      return status;
    }
    PR_RETURN_NOT_OK(writer->endDocument(writer->self, error));
  }
  return PR_OK;
}

PrStatus PrComposer_writePieces(PrComposer *composer, const PrDocWriter *writer,
                                const PrPieceSet *set, PrError *error) {
  if (composer == NULL || writer == NULL || set == NULL) {
    return PrError_set(error, PR_EINVAL, "pieces: NULL composer, writer or piece set");
  }
  PR_RETURN_NOT_OK(check_piece_set(composer, set, error));
  composer->writer = writer;
  PrStatus status = PrPage_defineForms(composer, error);
  if (status == PR_OK) {
    status = write_pieces(composer, writer, set, error);
  }
  composer->writer = NULL;
  return status;
}

PrStatus PrComposer_writePiecesPdf(PrComposer *composer, PrPdfWriter *writer,
                                   const PrPieceSet *pieces, PrError *error) {
  if (writer == NULL) {
    return PrError_set(error, PR_EINVAL, "pieces: NULL PDF writer");
  }
  PrDocWriter doc_writer;
  PrPdfWriter_docWriter(writer, &doc_writer);
  PR_RETURN_NOT_OK(PrComposer_writePieces(composer, &doc_writer, pieces, error));
  return PrPdfWriter_flush(writer, error);
}

PrStatus PrComposer_writePiecesAfp(PrComposer *composer, PrAfpWriter *writer,
                                   const PrPieceSet *pieces, PrError *error) {
  if (writer == NULL) {
    return PrError_set(error, PR_EINVAL, "pieces: NULL AFP writer");
  }
  PrDocWriter doc_writer;
  PrAfpWriter_docWriter(writer, &doc_writer);
  return PrComposer_writePieces(composer, &doc_writer, pieces, error);
}

PrStatus PrComposer_composePdf(PrComposer *composer, PrPdfWriter *writer,
                               const struct ArrowSchema *schema, const struct ArrowArray *batch,
                               const int32_t *field_columns, uint32_t field_column_count,
                               int64_t *out_first_page, int32_t *out_page_count,
                               PrError *error) {
  if (writer == NULL) {
    return PrError_set(error, PR_EINVAL, "compose: NULL PDF writer");
  }
  PrDocWriter doc_writer;
  PrPdfWriter_docWriter(writer, &doc_writer);
  PR_RETURN_NOT_OK(PrComposer_composeDoc(composer, &doc_writer, schema, batch, field_columns,
                                         field_column_count, out_first_page, out_page_count,
                                         error));
  /* The batch's pages reach the output now, as the caller expects. */
  return PrPdfWriter_flush(writer, error);
}
