/* compose.c: records -> pages -> a document writer (the composer).
 *
 * Per batch: one set of column views. Per writer: the static page content
 * once, as form 0. Per record: one page in a reused display list holding
 * the form and the record's own elements; frame blocks stack top to bottom
 * in their frame. A record that cannot be composed is listed with its
 * reason and skipped; only writer failures and broken batches stop the
 * batch. Nothing is allocated per record once the buffers have grown. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "display_list.h"
#include "doc_writer.h"
#include "error.h"
#include "layout.h"
#include "plan.h"

#define PR_STATIC_FORM 0u

struct PrComposer {
  const PrPlan *plan;
  PrLayout layout;
  PrDisplayList list;
  const PrColumn **field_views;   /* plan field -> column view of this batch, or NULL */
  float *frame_used_pt;           /* per frame: height taken by the blocks so far */
  PrRecordError *errors;
  size_t error_count, error_capacity;
};

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
  PrStatus status = PrLayout_init(&composer->layout, plan, error);
  if (status != PR_OK) {
    PrComposer_destroy(composer);
    return status;
  }
  composer->field_views = calloc(plan->field_count + 1, sizeof *composer->field_views);
  composer->frame_used_pt = calloc(plan->frame_count + 1, sizeof *composer->frame_used_pt);
  composer->error_capacity = 16;
  composer->errors = malloc(composer->error_capacity * sizeof *composer->errors);
  if (composer->field_views == NULL || composer->frame_used_pt == NULL ||
      composer->errors == NULL) {
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
  record->field = composer->layout.error_field;
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

/* Lines, rectangles and images: the same for every record. */
static void emit_shape(const PrPlan *plan, const PrPlanElement *element, PrDisplayList *list) {
  PrItem *item;
  switch (element->kind) {
    case PR_ELEMENT_LINE: {
      const PrLineSpec *line = &plan->lines[element->index];
      if ((item = PrDisplayList_addItem(list, PR_ITEM_LINE)) != NULL) {
        item->x_pt = line->x1_pt;
        item->y_pt = line->y1_pt;
        item->x2_pt = line->x2_pt;
        item->y2_pt = line->y2_pt;
        item->size_pt = line->width_pt;
        item->color = line->color;
      }
      break;
    }
    case PR_ELEMENT_RECT: {
      const PrRectSpec *rect = &plan->rects[element->index];
      if ((item = PrDisplayList_addItem(list, PR_ITEM_RECT)) != NULL) {
        item->x_pt = rect->x_pt;
        item->y_pt = rect->y_pt;
        item->width_pt = rect->width_pt;
        item->height_pt = rect->height_pt;
        item->size_pt = rect->stroke_width_pt;
        item->has_stroke = rect->has_stroke;
        item->has_fill = rect->has_fill;
        item->color = rect->stroke;
        item->fill = rect->fill;
      }
      break;
    }
    case PR_ELEMENT_IMAGE: {
      const PrPlacementSpec *placement = &plan->placements[element->index];
      if ((item = PrDisplayList_addItem(list, PR_ITEM_IMAGE)) != NULL) {
        item->resource = placement->image;
        item->x_pt = placement->x_pt;
        item->y_pt = placement->y_pt;
        item->width_pt = placement->width_pt;
        item->height_pt = placement->height_pt;
      }
      break;
    }
    default:
      break;
  }
}

/* Lays out a text block and draws it: absolute blocks at their box, frame
 * blocks below the frame's previous blocks. */
static PrStatus place_block(PrComposer *composer, uint32_t block_index, int64_t row,
                            PrError *error) {
  const PrPlan *plan = composer->plan;
  const PrBlockSpec *spec = &plan->blocks[block_index].spec;
  PrLayout *layout = &composer->layout;
  float x_pt = spec->x_pt, y_pt = spec->y_pt, width_pt = spec->width_pt;
  const PrPlanFrame *frame = NULL;
  if (spec->frame >= 0) {
    frame = &plan->frames[spec->frame];
    x_pt = frame->x_pt;
    width_pt = frame->width_pt;
    y_pt = frame->y_pt + composer->frame_used_pt[spec->frame] + spec->space_before_pt;
  }
  PR_RETURN_NOT_OK(PrLayout_block(layout, block_index, composer->field_views, row, width_pt,
                                  spec->height_pt, error));
  if (frame != NULL) {
    float bottom_pt = y_pt - frame->y_pt + layout->height_pt;
    if (bottom_pt > frame->height_pt + PR_FIT_EPSILON_PT) {
      char what[240];
      layout->error_field = PrLayout_describeBlock(layout, block_index, what, sizeof what);
      return PrError_set(error, PR_ERECORD,
                         "content does not fit frame %d: %s ends %.1f pt below its bottom",
                         spec->frame, what, (double)(bottom_pt - frame->height_pt));
    }
    composer->frame_used_pt[spec->frame] = bottom_pt + spec->space_after_pt;
  }
  PrLayout_emit(layout, spec->align, x_pt, y_pt, width_pt, &composer->list);
  return PR_OK;
}

/* Form 0: the elements that are the same on every page. Static text has no
 * fields, so a failure is the template's, not a record's. */
static PrStatus define_static_form(PrComposer *composer, const PrDocWriter *writer,
                                   PrError *error) {
  const PrPlan *plan = composer->plan;
  PrDisplayList *list = &composer->list;
  PrDisplayList_reset(list);
  PrDisplayList_addPage(list, plan->page_width_pt, plan->page_height_pt);
  for (uint32_t e = 0; e < plan->element_count; e++) {
    const PrPlanElement *element = &plan->elements[e];
    if (!element->is_static) {
      continue;
    }
    if (element->kind == PR_ELEMENT_BLOCK) {
      PrError reason;
      reason.message[0] = '\0';
      PrStatus status = place_block(composer, element->index, 0, &reason);
      if (status != PR_OK) {
        return PrError_set(error, status == PR_ERECORD ? PR_EINVAL : status,
                           "static text of the template: %.400s", reason.message);
      }
    } else {
      emit_shape(plan, element, list);
    }
  }
  PR_RETURN_NOT_OK(PrDisplayList_check(list, error));
  return writer->defineForm(writer->self, PR_STATIC_FORM, list, 0, error);
}

/* One record's page into composer->list. */
static PrStatus compose_record(PrComposer *composer, int64_t row, PrError *error) {
  const PrPlan *plan = composer->plan;
  PrDisplayList *list = &composer->list;
  PrDisplayList_reset(list);
  PrDisplayList_addPage(list, plan->page_width_pt, plan->page_height_pt);
  if (plan->has_static) {
    PrItem *form = PrDisplayList_addItem(list, PR_ITEM_FORM);
    if (form != NULL) {
      form->resource = PR_STATIC_FORM;
      form->width_pt = plan->page_width_pt;
      form->height_pt = plan->page_height_pt;
    }
  }
  for (uint32_t f = 0; f < plan->frame_count; f++) {
    composer->frame_used_pt[f] = 0.0f;
  }
  composer->layout.error_field = -1;
  for (uint32_t e = 0; e < plan->element_count; e++) {
    const PrPlanElement *element = &plan->elements[e];
    if (element->is_static) {
      continue;
    }
    if (element->kind == PR_ELEMENT_BLOCK) {
      PR_RETURN_NOT_OK(place_block(composer, element->index, row, error));
    } else {
      emit_shape(plan, element, list);
    }
  }
  return PrDisplayList_check(list, error);
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
    if (column != NULL && (column->type == PR_ARROW_LIST || column->type == PR_ARROW_LARGE_LIST ||
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
  int64_t rows = root.length;
  if (rows > 0 && (out_first_page == NULL || out_page_count == NULL)) {
    status = PrError_set(error, PR_EINVAL, "compose: NULL output arrays");
    goto done;
  }
  for (int64_t row = 0; row < rows; row++) {
    out_first_page[row] = -1;
    out_page_count[row] = 0;
  }
  if (plan->has_static && !writer->hasForm(writer->self, PR_STATIC_FORM)) {
    status = define_static_form(composer, writer, error);
    if (status != PR_OK) {
      goto done;
    }
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
