/* table.c: tables fed by list<struct> columns, laid out in the flow.
 *
 * One row per item of the record's list. A row is laid out cell by cell
 * (one layout per column, so that its height is known before anything is
 * drawn), then drawn or, when it does not fit with room left for the
 * carried-forward row, the page ends with that row, the next frame starts
 * with the header and the brought-forward row, and the row is drawn there.
 * The last row must fit with the footer. A row that does not fit an empty
 * frame is a record error. */
#include <stdio.h>
#include <string.h>

#include "composer.h"
#include "error.h"

typedef enum RowKind {
  ROW_HEADER, ROW_ITEM, ROW_FOOTER, ROW_CARRIED, ROW_BROUGHT, ROW_GROUP
} RowKind;

/* The block of column `c` in a row of `kind` (-1: an empty cell). */
static int32_t cell_block(const PrPlanTable *table, const PrPlanTableColumn *column,
                          uint32_t c, RowKind kind) {
  const PrTableSpec *spec = &table->spec;
  switch (kind) {
    case ROW_HEADER: return column->spec.header_block;
    case ROW_ITEM: return column->spec.cell_block;
    case ROW_FOOTER: return column->spec.footer_block;
    case ROW_GROUP: return c == 0 ? spec->group_block : -1;   /* spans the table */
    case ROW_CARRIED:
    case ROW_BROUGHT:
      if ((int32_t)c == spec->carry_label_column) {
        return kind == ROW_CARRIED ? spec->carried_label_block : spec->brought_label_block;
      }
      return (int32_t)c == spec->carry_value_column ? spec->carry_value_block : -1;
  }
  return -1;
}

/* Lays out every cell of a row into the column layouts; its height with
 * padding in *out_pt. */
static PrStatus measure_row(PrComposer *composer, const PrPlanTable *table, RowKind kind,
                            int64_t item_row, int64_t row, float *out_pt, PrError *error) {
  const PrPlan *plan = composer->plan;
  const float *pad = table->spec.padding_pt;
  float tallest = 0.0f;
  for (uint32_t c = 0; c < table->column_count; c++) {
    const PrPlanTableColumn *column = &plan->table_columns[table->first_column + c];
    PrLayout *layout = &composer->cell_layouts[c];
    int32_t block = cell_block(table, column, c, kind);
    layout->line_count = 0;
    layout->height_pt = 0.0f;
    if (block < 0) {
      continue;
    }
    float width = (kind == ROW_GROUP ? table->width_pt : column->spec.width_pt) - pad[1] - pad[3];
    layout->item_row = item_row;
    PR_RETURN_NOT_OK(PrLayout_block(layout, (uint32_t)block, composer->field_views, row,
                                    width > 1.0f ? width : 1.0f, 0.0f, error));
    if (layout->height_pt > tallest) {
      tallest = layout->height_pt;
    }
  }
  *out_pt = tallest + pad[0] + pad[2];
  return PR_OK;
}

/* Draws the row last measured at the cursor and moves the cursor below it. */
static void draw_row(PrComposer *composer, const PrPlanTable *table, RowKind kind,
                     float height_pt, bool zebra) {
  const PrPlan *plan = composer->plan;
  const PrPlanFrame *frame = &plan->frames[composer->frame];
  const float *pad = table->spec.padding_pt;
  PrDisplayList *list = &composer->list;
  if (zebra) {
    PrItem *fill = PrDisplayList_addItem(list, PR_ITEM_RECT);
    if (fill != NULL) {
      fill->x_pt = frame->x_pt;
      fill->y_pt = composer->y_pt;
      fill->width_pt = table->width_pt;
      fill->height_pt = height_pt;
      fill->has_fill = 1;
      fill->fill = table->spec.zebra;
    }
  }
  for (uint32_t c = 0; c < table->column_count; c++) {
    const PrPlanTableColumn *column = &plan->table_columns[table->first_column + c];
    int32_t block = cell_block(table, column, c, kind);
    if (block < 0 || composer->cell_layouts[c].line_count == 0) {
      continue;
    }
    float width = kind == ROW_GROUP ? table->width_pt : column->spec.width_pt;
    PrLayout_emit(&composer->cell_layouts[c], plan->blocks[block].spec.align,
                  frame->x_pt + column->x_pt + pad[3], composer->y_pt + pad[0],
                  width - pad[1] - pad[3], list);
  }
  composer->y_pt += height_pt;
  composer->at_top = false;
}

static void draw_rule(PrComposer *composer, const PrPlanTable *table, float width_pt,
                      PrColor color) {
  if (width_pt <= 0.0f) {
    return;
  }
  const PrPlanFrame *frame = &composer->plan->frames[composer->frame];
  PrItem *line = PrDisplayList_addItem(&composer->list, PR_ITEM_LINE);
  if (line != NULL) {
    line->x_pt = frame->x_pt;
    line->x2_pt = frame->x_pt + table->width_pt;
    line->y_pt = line->y2_pt = composer->y_pt;
    line->size_pt = width_pt;
    line->color = color;
  }
}

/* Whether item row r starts a group: the first row, or a group value whose
 * text differs from the row before. */
static bool starts_group(PrComposer *composer, const PrPlanTable *table, int64_t base,
                         int64_t r, int64_t start) {
  if (table->spec.group_field < 0) {
    return false;
  }
  if (r == start) {
    return true;
  }
  const PrColumn *column = composer->field_views[table->spec.group_field];
  if (column == NULL) {
    return false;
  }
  bool null_now = PrColumn_isNull(column, base + r), null_before = PrColumn_isNull(column, base + r - 1);
  if (null_now || null_before) {
    return null_now != null_before;
  }
  PrBuffer *now = &composer->scratch, *before = &composer->scratch_previous;
  PrBuffer_clear(now);
  PrBuffer_clear(before);
  PrError ignored;
  if (PrColumn_appendText(column, base + r, NULL, now, &ignored) != PR_OK ||
      PrColumn_appendText(column, base + r - 1, NULL, before, &ignored) != PR_OK) {
    return false;   /* unshowable values fail the record when the heading is laid out */
  }
  return now->size_bytes != before->size_bytes ||
         memcmp(now->data, before->data, now->size_bytes) != 0;
}

static PrStatus draw_header(PrComposer *composer, const PrPlanTable *table, int64_t row,
                            PrError *error) {
  if (!table->has_header) {
    return PR_OK;
  }
  float height;
  PR_RETURN_NOT_OK(measure_row(composer, table, ROW_HEADER, 0, row, &height, error));
  draw_row(composer, table, ROW_HEADER, height, false);
  draw_rule(composer, table, table->spec.header_rule_pt, table->spec.header_rule);
  return PR_OK;
}

/* The item range of the record's list (an empty range for a null list). */
static void item_range(const PrComposer *composer, const PrPlanTable *table, int64_t row,
                       int64_t *start, int64_t *end, int64_t *base) {
  const PrColumn *list = composer->field_views[table->spec.list_field];
  *start = *end = *base = 0;
  if (list == NULL || PrColumn_isNull(list, row) || !PrColumn_listRange(list, row, start, end)) {
    *start = *end = 0;
    return;
  }
  /* Item fields are children of the struct: their rows are struct rows
   * plus the struct's own offset. */
  *base = list->children[0].offset;
}

PrStatus PrTable_leadHeight(PrComposer *composer, uint32_t table_index, int64_t row,
                            float *out_pt, PrError *error) {
  const PrPlanTable *table = &composer->plan->tables[table_index];
  int64_t start, end, base;
  item_range(composer, table, row, &start, &end, &base);
  float header = 0.0f, first = 0.0f;
  if (table->has_header) {
    PR_RETURN_NOT_OK(measure_row(composer, table, ROW_HEADER, 0, row, &header, error));
  }
  if (start < end) {
    PR_RETURN_NOT_OK(measure_row(composer, table, ROW_ITEM, base + start, row, &first, error));
  }
  *out_pt = header + first;
  return PR_OK;
}

static PrStatus row_error(PrComposer *composer, const PrPlanTable *table, int64_t number,
                          float height_pt, PrError *error) {
  const PrPlanField *list = &composer->plan->fields[table->spec.list_field];
  composer->layout.error_field = (int32_t)table->spec.list_field;
  return PrError_set(error, PR_ERECORD,
                     "row %lld of table '%.100s' is %.1f pt high with what must go with it, "
                     "taller than an empty frame",
                     (long long)number, list->name, (double)height_pt);
}

PrStatus PrTable_place(PrComposer *composer, uint32_t table_index, const PrFlowSpec *spec,
                       int64_t row, PrError *error) {
  const PrPlan *plan = composer->plan;
  const PrPlanTable *table = &plan->tables[table_index];
  int64_t start, end, base;
  item_range(composer, table, row, &start, &end, &base);
  if (start == end) {
    if (table->spec.empty_block >= 0) {
      return PrFlow_placeBlock(composer, (uint32_t)table->spec.empty_block, spec, row, error);
    }
    return PR_OK;
  }
  bool carries = table->spec.carry_value_block >= 0;
  float carry_pt = 0.0f, footer_pt = 0.0f;
  if (carries) {
    float carried, brought;
    PR_RETURN_NOT_OK(measure_row(composer, table, ROW_CARRIED, base + start, row, &carried,
                                 error));
    PR_RETURN_NOT_OK(measure_row(composer, table, ROW_BROUGHT, base + start, row, &brought,
                                 error));
    carry_pt = carried > brought ? carried : brought;
  }
  if (table->has_footer) {
    PR_RETURN_NOT_OK(measure_row(composer, table, ROW_FOOTER, 0, row, &footer_pt, error));
  }
  /* Start in a new frame unless the header and the first row fit here. */
  if (!composer->at_top) {
    float lead;
    PR_RETURN_NOT_OK(PrTable_leadHeight(composer, table_index, row, &lead, error));
    float after = end - start == 1 ? footer_pt : carry_pt;
    if (composer->y_pt + lead + after > PrPage_frameBottom(composer) + PR_FIT_EPSILON_PT) {
      PR_RETURN_NOT_OK(PrPage_nextFrame(composer, row, error));
    }
  }
  bool fresh = composer->at_top;  /* the frame holds only this table's header */
  PR_RETURN_NOT_OK(draw_header(composer, table, row, error));
  int64_t last = -1;       /* the last item row drawn */
  for (int64_t r = start; r < end; r++) {
    float height, heading = 0.0f;
    bool group = starts_group(composer, table, base, r, start);
    if (group) {
      PR_RETURN_NOT_OK(measure_row(composer, table, ROW_GROUP, base + r, row, &heading, error));
    }
    PR_RETURN_NOT_OK(measure_row(composer, table, ROW_ITEM, base + r, row, &height, error));
    float after = r + 1 == end ? footer_pt : carry_pt;
    if (composer->y_pt + heading + height + after >
        PrPage_frameBottom(composer) + PR_FIT_EPSILON_PT) {
      if (fresh) {
        return row_error(composer, table, r - start + 1, heading + height + after, error);
      }
      bool carry = carries && last >= 0;   /* nothing to carry before the first row */
      if (carry) {
        float carried;
        PR_RETURN_NOT_OK(measure_row(composer, table, ROW_CARRIED, base + last, row, &carried,
                                     error));
        draw_row(composer, table, ROW_CARRIED, carried, false);
      }
      PR_RETURN_NOT_OK(PrPage_nextFrame(composer, row, error));
      PR_RETURN_NOT_OK(draw_header(composer, table, row, error));
      if (carry) {
        float brought;
        PR_RETURN_NOT_OK(measure_row(composer, table, ROW_BROUGHT, base + last, row, &brought,
                                     error));
        draw_row(composer, table, ROW_BROUGHT, brought, false);
      }
      fresh = true;
      r--;          /* measure the row again: the layouts now hold the others */
      continue;
    }
    if (group) {
      /* The heading's layout was overwritten by the row's: lay it out again. */
      PR_RETURN_NOT_OK(measure_row(composer, table, ROW_GROUP, base + r, row, &heading, error));
      draw_row(composer, table, ROW_GROUP, heading, false);
      PR_RETURN_NOT_OK(measure_row(composer, table, ROW_ITEM, base + r, row, &height, error));
    }
    draw_row(composer, table, ROW_ITEM, height, table->spec.has_zebra && (r - start) % 2 == 1);
    if (r + 1 < end) {
      draw_rule(composer, table, table->spec.row_rule_pt, table->spec.row_rule);
    }
    fresh = false;
    last = r;
  }
  if (table->has_footer) {
    draw_rule(composer, table, table->spec.footer_rule_pt, table->spec.footer_rule);
    float height;
    PR_RETURN_NOT_OK(measure_row(composer, table, ROW_FOOTER, 0, row, &height, error));
    draw_row(composer, table, ROW_FOOTER, height, false);
  }
  return PrDisplayList_check(&composer->list, error);
}
