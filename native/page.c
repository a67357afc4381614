/* page.c: page masters: starting a page, its fixed elements, page numbers.
 *
 * Each master's static content (shapes, images, text without fields) is one
 * shared form, keyed by the master's role and defined the first time a page
 * of that master is written. A page then holds the form, the master's
 * record-dependent elements and, once the document's page count is known,
 * its page-number blocks (in the page's overlay). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "composer.h"
#include "error.h"
#include "marks.h"

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

PrStatus PrPage_placeBlock(PrComposer *composer, uint32_t block_index, int64_t row,
                           PrError *error) {
  const PrPlan *plan = composer->plan;
  const PrBlockSpec *spec = &plan->blocks[block_index].spec;
  PrLayout *layout = &composer->page_layout;
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

/* Whether an element waits for the page count: a block or barcode that
 * shows a page number. */
static bool is_numbered(const PrPlan *plan, const PrPlanElement *element) {
  if (element->kind == PR_ELEMENT_BLOCK) {
    return plan->blocks[element->index].has_page_fields;
  }
  if (element->kind == PR_ELEMENT_BARCODE) {
    return plan->blocks[plan->barcodes[element->index].data_block].has_page_fields;
  }
  return false;
}

PrStatus PrPage_placeBarcode(PrComposer *composer, uint32_t barcode_index, int64_t row,
                             PrError *error) {
  const PrPlan *plan = composer->plan;
  const PrPlanBarcode *barcode = &plan->barcodes[barcode_index];
  PrLayout *layout = &composer->page_layout;
  PR_RETURN_NOT_OK(PrLayout_collect(layout, barcode->data_block, composer->field_views, row,
                                    error));
  PrBuffer *data = &composer->scratch;
  PrBuffer_clear(data);
  for (uint32_t c = 0; c < layout->char_count; c++) {
    PrBuffer_appendUtf8(data, layout->chars[c].codepoint);
  }
  PR_RETURN_NOT_OK(PrBuffer_check(data, error));
  PrError reason;
  reason.message[0] = '\0';
  PrStatus status = PrMark_draw(&composer->list, &barcode->spec, data->data, data->size_bytes,
                                composer->mark_scratch, PR_MARK_SCRATCH_BYTES, &reason);
  if (status == PR_EINVAL || status == PR_ELIMIT) {
    char what[240];
    layout->error_field = PrLayout_describeBlock(layout, barcode->data_block, what, sizeof what);
    return PrError_set(error, PR_ERECORD, "barcode of %s: %.300s", what, reason.message);
  }
  if (status != PR_OK) {
    *error = reason;
  }
  return status;
}

/* The master's static content into a fresh list, defined as form `master`.
 * Static text has no fields, so a failure is the template's, not a
 * record's. The list is the composer's, so this runs before the record. */
static PrStatus define_form(PrComposer *composer, uint8_t master, PrDisplayList *list,
                            PrError *error) {
  const PrPlan *plan = composer->plan;
  PrDisplayList_addPage(list, plan->page_width_pt, plan->page_height_pt);
  for (uint32_t e = 0; e < plan->element_count; e++) {
    const PrPlanElement *element = &plan->elements[e];
    if (!element->is_static || element->master != master) {
      continue;
    }
    if (element->kind == PR_ELEMENT_BLOCK) {
      const PrBlockSpec *spec = &plan->blocks[element->index].spec;
      PrError reason;
      reason.message[0] = '\0';
      PrStatus status = PrLayout_block(&composer->page_layout, element->index, NULL, 0,
                                       spec->width_pt, spec->height_pt, &reason);
      if (status != PR_OK) {
        return PrError_set(error, status == PR_ERECORD ? PR_EINVAL : status,
                           "static text of the template: %.400s", reason.message);
      }
      PrLayout_emit(&composer->page_layout, spec->align, spec->x_pt, spec->y_pt,
                    spec->width_pt, list);
    } else {
      emit_shape(plan, element, list);
    }
  }
  PR_RETURN_NOT_OK(PrDisplayList_check(list, error));
  return composer->writer->defineForm(composer->writer->self, master, list, 0, error);
}

PrStatus PrPage_defineForms(PrComposer *composer, PrError *error) {
  const PrPlan *plan = composer->plan;
  for (uint8_t m = 0; m < PR_MASTER_COUNT; m++) {
    if (!plan->has_static[m] || composer->writer->hasForm(composer->writer->self, m)) {
      continue;
    }
    PrDisplayList form;
    PrDisplayList_init(&form);
    PrStatus status = define_form(composer, m, &form, error);
    PrDisplayList_free(&form);
    PR_RETURN_NOT_OK(status);
  }
  return PR_OK;
}

static const PrPlanFrame *first_flow_frame(const PrPlan *plan, uint8_t master,
                                           uint32_t *out_index) {
  for (uint32_t f = 0; f < plan->frame_count; f++) {
    if (plan->frames[f].flow && plan->frames[f].master == master) {
      *out_index = f;
      return &plan->frames[f];
    }
  }
  return NULL;
}

PrStatus PrPage_start(PrComposer *composer, uint8_t master, int64_t row, PrError *error) {
  const PrPlan *plan = composer->plan;
  PrDisplayList *list = &composer->list;
  size_t page = list->page_count;   /* page_masters is indexed like the list's pages */
  if (page >= composer->page_master_capacity) {
    size_t capacity = composer->page_master_capacity * 2;
    uint8_t *grown = realloc(composer->page_masters, capacity);
    if (grown == NULL) {
      return PrError_set(error, PR_ENOMEM, "composer: out of memory for %zu pages", capacity);
    }
    composer->page_masters = grown;
    composer->page_master_capacity = capacity;
  }
  /* A runaway flow (a bug, or a table of millions of rows) stops here. */
  if (page - composer->record_first_page >= PR_MAX_DOCUMENT_PAGES) {
    return PrError_set(error, PR_ERECORD, "the document needs more than %d pages",
                       PR_MAX_DOCUMENT_PAGES);
  }
  composer->page_masters[page] = master;
  PrDisplayList_addPage(list, plan->page_width_pt, plan->page_height_pt);
  if (plan->has_static[master]) {
    PrItem *form = PrDisplayList_addItem(list, PR_ITEM_FORM);
    if (form != NULL) {
      form->resource = master;
      form->width_pt = plan->page_width_pt;
      form->height_pt = plan->page_height_pt;
    }
  }
  for (uint32_t f = 0; f < plan->frame_count; f++) {
    if (plan->frames[f].master == master) {
      composer->frame_used_pt[f] = 0.0f;
    }
  }
  for (uint32_t e = 0; e < plan->element_count; e++) {
    const PrPlanElement *element = &plan->elements[e];
    if (element->is_static || element->master != master ||
        element->condition != PR_PAGES_ALL || is_numbered(plan, element)) {
      continue;   /* conditional and numbered elements: drawn by PrPage_numberPages */
    }
    if (element->kind == PR_ELEMENT_BLOCK) {
      PR_RETURN_NOT_OK(PrPage_placeBlock(composer, element->index, row, error));
    } else if (element->kind == PR_ELEMENT_BARCODE) {
      PR_RETURN_NOT_OK(PrPage_placeBarcode(composer, element->index, row, error));
    } else {
      emit_shape(plan, element, list);
    }
  }
  uint32_t frame;
  if (first_flow_frame(plan, master, &frame) != NULL) {
    composer->frame = frame;
    composer->y_pt = plan->frames[frame].y_pt;
    composer->at_top = true;
    composer->continued = master != PR_MASTER_FIRST;
  }
  return PrDisplayList_check(list, error);
}

PrStatus PrPage_nextFrame(PrComposer *composer, int64_t row, PrError *error) {
  const PrPlan *plan = composer->plan;
  uint8_t master = plan->frames[composer->frame].master;
  for (uint32_t f = composer->frame + 1; f < plan->frame_count; f++) {
    if (plan->frames[f].flow && plan->frames[f].master == master) {
      composer->frame = f;
      composer->y_pt = plan->frames[f].y_pt;
      composer->at_top = true;
      composer->continued = true;
      return PR_OK;
    }
  }
  return PrPage_start(composer, PR_MASTER_NEXT, row, error);
}

/* Whether an element with `condition` is drawn on page p of `pages`
 * (`last` is the last page before a back page). */
static bool condition_holds(uint8_t condition, uint32_t p, uint32_t last) {
  switch (condition) {
    case PR_PAGES_FIRST: return p == 0;
    case PR_PAGES_LAST: return p == last;
    case PR_PAGES_NOT_LAST: return p != last;
    case PR_PAGES_NOT_FIRST: return p != 0;
    default: return true;
  }
}

PrStatus PrPage_numberPages(PrComposer *composer, int64_t row, PrError *error) {
  const PrPlan *plan = composer->plan;
  if (!plan->has_page_fields && !plan->has_conditions) {
    return PR_OK;
  }
  PrDisplayList *list = &composer->list;
  size_t first = composer->record_first_page;   /* the record's pages: [first, page_count) */
  uint32_t pages = (uint32_t)(list->page_count - first);
  uint32_t last = pages - 1;
  if (pages > 1 && composer->page_masters[first + last] == PR_MASTER_BACK) {
    last--;
  }
  composer->page_layout.page_count = pages;
  for (uint32_t p = 0; p < pages; p++) {
    PrDisplayList_beginOverlay(list, (uint32_t)(first + p));
    composer->page_layout.page_number = p + 1;
    for (uint32_t e = 0; e < plan->element_count; e++) {
      const PrPlanElement *element = &plan->elements[e];
      if (element->master != composer->page_masters[first + p]) {
        continue;
      }
      if (element->condition == PR_PAGES_ALL && !is_numbered(plan, element)) {
        continue;   /* drawn with the page */
      }
      if (!condition_holds(element->condition, p, last)) {
        continue;
      }
      if (element->kind == PR_ELEMENT_BLOCK) {
        PR_RETURN_NOT_OK(PrPage_placeBlock(composer, element->index, row, error));
      } else if (element->kind == PR_ELEMENT_BARCODE) {
        PR_RETURN_NOT_OK(PrPage_placeBarcode(composer, element->index, row, error));
      } else {
        emit_shape(plan, element, list);
      }
    }
  }
  return PrDisplayList_check(list, error);
}
