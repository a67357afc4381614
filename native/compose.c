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
  if (composer->field_views == NULL || composer->frame_used_pt == NULL ||
      composer->errors == NULL || composer->page_masters == NULL) {
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

/* One record's pages into composer->list. */
static PrStatus compose_record(PrComposer *composer, int64_t row, PrError *error) {
  const PrPlan *plan = composer->plan;
  PrDisplayList_reset(&composer->list);
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

PrStatus PrComposer_composeDoc(PrComposer *composer, const PrDocWriter *writer,
                               const struct ArrowSchema *schema,
                               const struct ArrowArray *batch,
                               const int32_t *field_columns, uint32_t field_column_count,
                               int64_t *out_first_page, int32_t *out_page_count,
                               PrError *error) {
  if (composer == NULL || writer == NULL || schema == NULL || batch == NULL) {
    return PrError_set(error, PR_EINVAL, "compose: NULL composer, writer or batch");
  }
  const PrPlan *plan = composer->plan;
  composer->error_count = 0;
  if (field_column_count != plan->field_count ||
      (field_column_count > 0 && field_columns == NULL)) {
    return PrError_set(error, PR_EINVAL,
                       "compose: %u field columns given, the plan has %u fields",
                       field_column_count, plan->field_count);
  }
  PrColumn root;
  PR_RETURN_NOT_OK(PrColumn_init(&root, schema, batch, error));
  PrStatus status = PR_OK;
  if (root.type != PR_ARROW_STRUCT) {
    status = PrError_set(error, PR_EINVAL,
                         "compose: the batch is not a struct array (a record batch)");
    goto done;
  }
  for (uint32_t i = 0; i < plan->field_count; i++) {
    int32_t child = field_columns[i];
    if (child < -1 || child >= root.child_count) {
      status = PrError_set(error, PR_EINVAL,
                           "compose: field '%.100s' names column %d of %lld", plan->fields[i].name,
                           child, (long long)root.child_count);
      goto done;
    }
    const PrColumn *column = child >= 0 ? &root.children[child] : NULL;
    uint8_t kind = plan->fields[i].kind;
    if (kind == PR_FIELD_PAGE || kind == PR_FIELD_PAGES || plan->fields[i].list_field >= 0) {
      column = NULL;   /* not a column of the batch */
    }
    if (column != NULL && kind != PR_FIELD_LIST &&
        (column->type == PR_ARROW_LIST || column->type == PR_ARROW_LARGE_LIST ||
         column->type == PR_ARROW_STRUCT)) {
      status = PrError_set(error, PR_EINVAL,
                           "compose: field '%.100s' is bound to column '%.100s', a list or "
                           "struct, which cannot be shown as text",
                           plan->fields[i].name, column->name);
      goto done;
    }
    if (column != NULL && column->length < root.offset + root.length) {
      status = PrError_set(error, PR_EINVAL,
                           "compose: column '%.100s' has %lld rows, the batch %lld",
                           column->name, (long long)column->length,
                           (long long)(root.offset + root.length));
      goto done;
    }
    composer->field_views[i] = column;
  }
  for (uint32_t i = 0; i < plan->field_count; i++) {
    if (plan->fields[i].kind == PR_FIELD_LIST) {
      status = bind_item_fields(composer, i, error);
      if (status != PR_OK) {
        goto done;
      }
    }
  }
  int64_t rows = root.length;
  if (rows > 0 && (out_first_page == NULL || out_page_count == NULL)) {
    status = PrError_set(error, PR_EINVAL, "compose: NULL output arrays");
    goto done;
  }
  for (int64_t row = 0; row < rows; row++) {
    out_first_page[row] = -1;
    out_page_count[row] = 0;
  }
  composer->writer = writer;
  status = PrPage_defineForms(composer, error);
  if (status != PR_OK) {
    goto done;
  }
  for (int64_t row = 0; row < rows; row++) {
    /* A struct's offset applies to its children: rows are child rows. */
    PrError reason;
    reason.code = PR_OK;
    reason.message[0] = '\0';
    status = compose_record(composer, root.offset + row, &reason);
    if (status == PR_ERECORD) {
      status = add_record_error(composer, row, &reason, error);
      if (status != PR_OK) {
        goto done;
      }
      continue;
    }
    if (status != PR_OK) {
      PrError_set(error, status, "record %lld: %s", (long long)row, reason.message);
      goto done;
    }
    uint64_t first_page = writer->pageCount(writer->self);
    uint32_t pages = (uint32_t)composer->list.page_count;
    status = writer->beginDocument(writer->self, row, error);
    for (uint32_t page = 0; page < pages && status == PR_OK; page++) {
      status = writer->writePage(writer->self, &composer->list, page, error);
    }
    if (status == PR_OK) {
      status = writer->endDocument(writer->self, error);
    }
    if (status != PR_OK) {
      goto done;
    }
    out_first_page[row] = (int64_t)first_page;
    out_page_count[row] = (int32_t)pages;
  }
done:
  for (uint32_t i = 0; i < plan->field_count; i++) {
    composer->field_views[i] = NULL;
  }
  composer->writer = NULL;
  PrColumn_free(&root);
  return status;
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
