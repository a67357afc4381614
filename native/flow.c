/* flow.c: the flow of a document through the frames of its pages.
 *
 * Items go down the current frame in order; an item shown only when a
 * record field says so is skipped otherwise. A paragraph that does not fit
 * splits between lines, keeping at least `orphans` lines at the foot of a
 * frame and `widows` at the head of the next (or moves whole); keep-together
 * never splits (unless alone in a frame); keep-with-next moves an item on
 * when the next item's first line or row would not follow it; a group of
 * items starts in a frame that holds all of them. A full frame
 * continues in the master's next flow frame, then on a new page of the
 * continuation master. */
#include <string.h>

#include "composer.h"
#include "error.h"

/* Whether the flow item is shown for `row`. */
static bool is_shown(PrComposer *composer, const PrPlanFlow *flow, int64_t row) {
  int32_t field = flow->spec.when_field;
  if (field < 0) {
    return true;
  }
  const PrColumn *column = composer->field_views[field];
  if (column == NULL || PrColumn_isNull(column, row)) {
    return false;
  }
  const char *text;
  size_t text_bytes;
  bool is_text = PrColumn_utf8(column, row, &text, &text_bytes);
  if (flow->has_when_text) {
    const char *wanted = composer->plan->text_pool + flow->when_text_offset;
    if (is_text) {
      return text_bytes == flow->when_text_bytes && memcmp(text, wanted, text_bytes) == 0;
    }
    /* A number or a date: compare its natural text. */
    PrBuffer *buffer = &composer->scratch;
    PrBuffer_clear(buffer);
    PrError ignored;
    if (PrColumn_appendText(column, row, NULL, buffer, &ignored) != PR_OK || buffer->failed) {
      return false;
    }
    return buffer->size_bytes == flow->when_text_bytes &&
           memcmp(buffer->data, wanted, buffer->size_bytes) == 0;
  }
  if (is_text) {
    return text_bytes > 0;
  }
  int64_t integer;
  if (PrColumn_int64(column, row, &integer)) {
    return integer != 0;
  }
  double number;
  return PrColumn_double(column, row, &number) && number != 0.0;
}

/* How many lines from `first` fit in room_pt. */
static uint32_t lines_fitting(const PrLayout *layout, uint32_t first, float room_pt) {
  float used = 0.0f;
  uint32_t i = first;
  while (i < layout->line_count) {
    used += layout->lines[i].leading_pt * layout->scale;
    if (used > room_pt + PR_FIT_EPSILON_PT) {
      break;
    }
    i++;
  }
  return i - first;
}

PrStatus PrFlow_placeBlock(PrComposer *composer, uint32_t block_index, const PrFlowSpec *spec,
                           int64_t row, PrError *error) {
  const PrPlan *plan = composer->plan;
  const PrBlockSpec *block = &plan->blocks[block_index].spec;
  PrLayout *layout = &composer->layout;
  float width_pt = plan->frames[composer->frame].width_pt;
  PR_RETURN_NOT_OK(PrLayout_block(layout, block_index, composer->field_views, row, width_pt,
                                  0.0f, error));
  if (!composer->at_top) {
    composer->y_pt += block->space_before_pt;
  }
  uint32_t orphans = spec != NULL ? spec->orphans : 2;
  uint32_t widows = spec != NULL ? spec->widows : 2;
  bool keep_together = spec != NULL && spec->keep_together;
  uint32_t n = layout->line_count;
  uint32_t first = 0;
  while (first < n) {
    const PrPlanFrame *frame = &plan->frames[composer->frame];
    float room = PrPage_frameBottom(composer) - composer->y_pt;
    uint32_t fit = lines_fitting(layout, first, room);
    uint32_t left = n - first;
    if (fit >= left) {
      PrLayout_emitLines(layout, first, n, block->align, frame->x_pt, composer->y_pt, width_pt,
                         &composer->list);
      composer->y_pt += PrLayout_linesHeight(layout, first, n);
      composer->at_top = false;
      break;
    }
    uint32_t take = fit;
    if (keep_together) {
      take = 0;
    }
    if (left - take < widows) {
      take = left > widows ? left - widows : 0;
    }
    if (first == 0 && take < orphans) {
      take = 0;
    }
    if (take == 0 && composer->at_top) {
      /* Alone in an empty frame: split where it must. */
      take = fit;
      if (take == 0) {
        char what[240];
        layout->error_field = PrLayout_describeBlock(layout, block_index, what, sizeof what);
        return PrError_set(error, PR_ERECORD, "%s: a line is taller than the frame it flows in",
                           what);
      }
    }
    if (take > 0) {
      PrLayout_emitLines(layout, first, first + take, block->align, frame->x_pt, composer->y_pt,
                         width_pt, &composer->list);
      first += take;
    }
    PR_RETURN_NOT_OK(PrPage_nextFrame(composer, row, error));
  }
  composer->y_pt += block->space_after_pt;
  return PrDisplayList_check(&composer->list, error);
}

/* Height of the start of a flow item (its first `orphans` lines, a table's
 * header and first row, an image), for keep-with-next and groups. */
static PrStatus lead_height(PrComposer *composer, const PrPlanFlow *flow, int64_t row,
                            float *out_pt, PrError *error) {
  *out_pt = 0.0f;
  if (flow->spec.kind == PR_FLOW_TABLE) {
    return PrTable_leadHeight(composer, flow->spec.index, row, out_pt, error);
  }
  if (flow->spec.kind == PR_FLOW_IMAGE) {
    *out_pt = composer->plan->flow_images[flow->spec.index].height_pt;
    return PR_OK;
  }
  if (flow->spec.kind != PR_FLOW_BLOCK) {
    return PR_OK;
  }
  PrLayout *layout = &composer->layout;
  const PrBlockSpec *block = &composer->plan->blocks[flow->spec.index].spec;
  PR_RETURN_NOT_OK(PrLayout_block(layout, flow->spec.index, composer->field_views, row,
                                  composer->plan->frames[composer->frame].width_pt, 0.0f,
                                  error));
  uint32_t lines = layout->line_count < flow->spec.orphans ? layout->line_count
                                                           : flow->spec.orphans;
  *out_pt = block->space_before_pt + PrLayout_linesHeight(layout, 0, lines);
  return PR_OK;
}

/* Whole height of a flow block, for keep-with-next and groups. */
static PrStatus block_height(PrComposer *composer, const PrPlanFlow *flow, int64_t row,
                             float *out_pt, PrError *error) {
  const PrBlockSpec *block = &composer->plan->blocks[flow->spec.index].spec;
  PR_RETURN_NOT_OK(PrLayout_block(&composer->layout, flow->spec.index, composer->field_views,
                                  row, composer->plan->frames[composer->frame].width_pt, 0.0f,
                                  error));
  *out_pt = block->space_before_pt + composer->layout.height_pt + block->space_after_pt;
  return PR_OK;
}

/* Moves to the next frame when item `i` and the start of the next shown
 * item would not fit together. */
static PrStatus keep_with_next(PrComposer *composer, uint32_t i, int64_t row, PrError *error) {
  const PrPlan *plan = composer->plan;
  const PrPlanFlow *flow = &plan->flows[i];
  if (composer->at_top || (flow->spec.kind != PR_FLOW_BLOCK && flow->spec.kind != PR_FLOW_IMAGE)) {
    return PR_OK;
  }
  uint32_t next = i + 1;
  while (next < plan->flow_count && !is_shown(composer, &plan->flows[next], row)) {
    next++;
  }
  if (next == plan->flow_count) {
    return PR_OK;
  }
  float own = 0.0f, lead = 0.0f;
  if (flow->spec.kind == PR_FLOW_IMAGE) {
    own = plan->flow_images[flow->spec.index].height_pt;
  } else {
    PR_RETURN_NOT_OK(block_height(composer, flow, row, &own, error));
  }
  PR_RETURN_NOT_OK(lead_height(composer, &plan->flows[next], row, &lead, error));
  if (composer->y_pt + own + lead > PrPage_frameBottom(composer) + PR_FIT_EPSILON_PT) {
    return PrPage_nextFrame(composer, row, error);
  }
  return PR_OK;
}

/* An image at the cursor, in the next frame when it does not fit here. */
static PrStatus place_image(PrComposer *composer, uint32_t index, int64_t row, PrError *error) {
  const PrPlan *plan = composer->plan;
  const PrPlacementSpec *placement = &plan->flow_images[index];
  if (composer->y_pt + placement->height_pt > PrPage_frameBottom(composer) + PR_FIT_EPSILON_PT &&
      !composer->at_top) {
    PR_RETURN_NOT_OK(PrPage_nextFrame(composer, row, error));
  }
  const PrPlanFrame *frame = &plan->frames[composer->frame];
  if (placement->height_pt > frame->height_pt + PR_FIT_EPSILON_PT) {
    return PrError_set(error, PR_ERECORD, "flow image %u is %.1f pt high, taller than its frame",
                       index, (double)placement->height_pt);
  }
  PrItem *item = PrDisplayList_addItem(&composer->list, PR_ITEM_IMAGE);
  if (item != NULL) {
    item->resource = placement->image;
    item->x_pt = frame->x_pt + placement->x_pt;
    item->y_pt = composer->y_pt;
    item->width_pt = placement->width_pt;
    item->height_pt = placement->height_pt;
  }
  composer->y_pt += placement->height_pt;
  composer->at_top = false;
  return PrDisplayList_check(&composer->list, error);
}

/* At the first item of a group: moves to the next frame unless the whole
 * group (its shown items; a table by its header and first row) fits here.
 * A group taller than a frame starts where it is and splits. */
static PrStatus keep_group(PrComposer *composer, uint32_t first, int64_t row, PrError *error) {
  const PrPlan *plan = composer->plan;
  uint32_t group = plan->flows[first].spec.group;
  if (composer->at_top) {
    return PR_OK;
  }
  float total = 0.0f;
  for (uint32_t i = first; i < plan->flow_count && plan->flows[i].spec.group == group; i++) {
    const PrPlanFlow *flow = &plan->flows[i];
    if (!is_shown(composer, flow, row)) {
      continue;
    }
    float height = 0.0f;
    switch (flow->spec.kind) {
      case PR_FLOW_BLOCK: PR_RETURN_NOT_OK(block_height(composer, flow, row, &height, error)); break;
      case PR_FLOW_SPACE: height = flow->spec.space_pt; break;
      default: PR_RETURN_NOT_OK(lead_height(composer, flow, row, &height, error)); break;
    }
    total += height;
  }
  const PrPlanFrame *frame = &plan->frames[composer->frame];
  if (composer->y_pt + total > PrPage_frameBottom(composer) + PR_FIT_EPSILON_PT &&
      total <= frame->height_pt) {
    return PrPage_nextFrame(composer, row, error);
  }
  return PR_OK;
}

PrStatus PrFlow_run(PrComposer *composer, int64_t row, PrError *error) {
  const PrPlan *plan = composer->plan;
  PR_RETURN_NOT_OK(PrPage_start(composer, PR_MASTER_FIRST, row, error));
  for (uint32_t i = 0; i < plan->flow_count; i++) {
    const PrPlanFlow *flow = &plan->flows[i];
    if (flow->spec.group != 0 && (i == 0 || plan->flows[i - 1].spec.group != flow->spec.group)) {
      PR_RETURN_NOT_OK(keep_group(composer, i, row, error));
    }
    if (!is_shown(composer, flow, row)) {
      continue;
    }
    if (flow->spec.keep_with_next) {
      PR_RETURN_NOT_OK(keep_with_next(composer, i, row, error));
    }
    switch (flow->spec.kind) {
      case PR_FLOW_BLOCK:
        PR_RETURN_NOT_OK(PrFlow_placeBlock(composer, flow->spec.index, &flow->spec, row, error));
        break;
      case PR_FLOW_TABLE:
        PR_RETURN_NOT_OK(PrTable_place(composer, flow->spec.index, &flow->spec, row, error));
        break;
      case PR_FLOW_IMAGE:
        PR_RETURN_NOT_OK(place_image(composer, flow->spec.index, row, error));
        break;
      case PR_FLOW_SPACE:
        /* Space that a break carried to the top of a frame is dropped; space
         * that opens the document is kept. */
        if (!(composer->at_top && composer->continued)) {
          composer->y_pt += flow->spec.space_pt;
          composer->at_top = false;
          if (composer->y_pt > PrPage_frameBottom(composer)) {
            PR_RETURN_NOT_OK(PrPage_nextFrame(composer, row, error));
          }
        }
        break;
      case PR_FLOW_PAGE_BREAK:
        if (!composer->at_top) {
          PR_RETURN_NOT_OK(PrPage_start(composer, PR_MASTER_NEXT, row, error));
        }
        break;
      default:
        return PrError_set(error, PR_EINTERNAL, "flow: item %u has kind %u", i,
                           (unsigned)flow->spec.kind);
    }
  }
  if (plan->has_master[PR_MASTER_BACK]) {
    PR_RETURN_NOT_OK(PrPage_start(composer, PR_MASTER_BACK, row, error));
  }
  return PrDisplayList_check(&composer->list, error);
}
