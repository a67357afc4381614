/* plan.c: building and freezing a template plan. */
#include "plan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buffer.h"
#include "error.h"
#include "marks.h"

/* Appends one element to a plan array, growing it; returns its index. */
static PrStatus append(void **array, uint32_t *count, uint32_t *capacity,
                       size_t element_bytes, const void *element,
                       uint32_t *out_index, PrError *error) {
  if (*count == *capacity) {
    uint32_t capacity_new = *capacity < 8 ? 8 : *capacity * 2;
    if (capacity_new > (1u << 24)) {
      return PrError_set(error, PR_ELIMIT, "plan: more than %u entries of one kind",
                         1u << 24);
    }
    void *grown = realloc(*array, capacity_new * element_bytes);
    if (grown == NULL) {
      return PrError_set(error, PR_ENOMEM, "plan: out of memory");
    }
    *array = grown;
    *capacity = capacity_new;
  }
  memcpy((char *)*array + (size_t)*count * element_bytes, element, element_bytes);
  if (out_index != NULL) {
    *out_index = *count;
  }
  (*count)++;
  return PR_OK;
}

#define PLAN_APPEND(plan, name, element, out_index, error)                         \
  append((void **)&(plan)->name##s, &(plan)->name##_count, &(plan)->name##_capacity, \
         sizeof *(plan)->name##s, (element), (out_index), (error))

static PrStatus check_building(const PrPlan *plan, PrError *error) {
  if (plan == NULL) {
    return PrError_set(error, PR_EINVAL, "plan: NULL plan");
  }
  if (plan->finished) {
    return PrError_set(error, PR_EINVAL, "plan: already finished, cannot add to it");
  }
  return PR_OK;
}

static bool is_length(float value) { return isfinite(value) && value >= 0.0f; }
static bool is_coordinate(float value) { return isfinite(value) && fabsf(value) < 1.0e5f; }

static PrStatus check_color(const PrColor *color, const char *what, PrError *error) {
  if (color->space > PR_COLOR_CMYK) {
    return PrError_set(error, PR_EINVAL, "plan: %s has an unknown colour space %u", what,
                       (unsigned)color->space);
  }
  for (int i = 0; i < 4; i++) {
    if (!(color->value[i] >= 0.0f && color->value[i] <= 1.0f)) {
      return PrError_set(error, PR_EINVAL, "plan: %s has a colour value outside 0..1", what);
    }
  }
  return PR_OK;
}

static PrStatus add_element(PrPlan *plan, uint8_t kind, bool is_static, uint32_t index,
                           PrError *error) {
  /* A conditional element depends on the page: never in the shared form. */
  PrPlanElement element = {kind, is_static && plan->condition == PR_PAGES_ALL, index,
                           plan->master, plan->condition};
  plan->has_master[plan->master] = true;
  return PLAN_APPEND(plan, element, &element, NULL, error);
}

PrStatus PrPlan_create(float page_width_pt, float page_height_pt, PrPlan **out,
                       PrError *error) {
  *out = NULL;
  if (!(page_width_pt > 0.0f && page_width_pt <= 14400.0f && page_height_pt > 0.0f &&
        page_height_pt <= 14400.0f)) {
    return PrError_set(error, PR_EINVAL,
                       "plan: page size %gx%g pt is outside 0..14400 pt (PDF's limit)",
                       (double)page_width_pt, (double)page_height_pt);
  }
  PrPlan *plan = calloc(1, sizeof *plan);
  if (plan == NULL) {
    return PrError_set(error, PR_ENOMEM, "plan: out of memory");
  }
  plan->page_width_pt = page_width_pt;
  plan->page_height_pt = page_height_pt;
  *out = plan;
  return PR_OK;
}

void PrPlan_destroy(PrPlan *plan) {
  if (plan == NULL) {
    return;
  }
  for (uint32_t i = 0; i < plan->field_count; i++) {
    free(plan->fields[i].name);
  }
  free(plan->fonts);
  free(plan->styles);
  free(plan->fields);
  free(plan->variants);
  free(plan->images);
  free(plan->frames);
  free(plan->blocks);
  free(plan->runs);
  free(plan->lines);
  free(plan->rects);
  free(plan->placements);
  free(plan->elements);
  free(plan->barcodes);
  free(plan->flows);
  free(plan->flow_images);
  free(plan->tables);
  free(plan->table_columns);
  free(plan->text_pool);
  free(plan);
}

PrStatus PrPlan_addFont(PrPlan *plan, const PrFont *font, uint32_t *out_index,
                        PrError *error) {
  PR_RETURN_NOT_OK(check_building(plan, error));
  if (font == NULL) {
    return PrError_set(error, PR_EINVAL, "plan: NULL font");
  }
  return PLAN_APPEND(plan, font, &font, out_index, error);
}

PrStatus PrPlan_addStyle(PrPlan *plan, const PrStyleSpec *spec, uint32_t *out_index,
                         PrError *error) {
  PR_RETURN_NOT_OK(check_building(plan, error));
  if (spec->font_count == 0 || spec->font_count > PR_STYLE_MAX_FONTS) {
    return PrError_set(error, PR_EINVAL, "plan: a style needs 1 to %d fonts, got %u",
                       PR_STYLE_MAX_FONTS, spec->font_count);
  }
  if (!(spec->size_pt > 0.0f && spec->size_pt <= 1000.0f) || !is_length(spec->leading_pt)) {
    return PrError_set(error, PR_EINVAL, "plan: style size %g pt or leading %g pt out of range",
                       (double)spec->size_pt, (double)spec->leading_pt);
  }
  PR_RETURN_NOT_OK(check_color(&spec->color, "a style", error));
  PrPlanStyle style;
  memset(&style, 0, sizeof style);
  for (uint32_t i = 0; i < spec->font_count; i++) {
    if (spec->fonts[i] >= plan->font_count) {
      return PrError_set(error, PR_EINVAL, "plan: style names font %u of %u", spec->fonts[i],
                         plan->font_count);
    }
    style.fonts[i] = spec->fonts[i];
  }
  style.font_count = spec->font_count;
  style.size_pt = spec->size_pt;
  style.leading_pt = spec->leading_pt > 0.0f ? spec->leading_pt : spec->size_pt * 1.2f;
  style.color = spec->color;
  style.kerning = spec->kerning;
  return PLAN_APPEND(plan, style, &style, out_index, error);
}

static bool format_is_valid(const PrFormatSpec *format) {
  return format->kind <= PR_FORMAT_DATE && format->decimals <= 18 &&
         format->max_decimals <= 18 &&
         (format->max_decimals == 0 ||
          (format->decimals >= 0 && format->max_decimals > format->decimals)) &&
         format->grouping <= 9 && format->grouping_next <= 9 && format->scale_power <= 3;
}

/* The fixed-size strings must end inside their arrays. */
static void terminate_format(PrFormatSpec *format) {
  format->thousands[sizeof format->thousands - 1] = '\0';
  format->decimal[sizeof format->decimal - 1] = '\0';
  format->prefix[sizeof format->prefix - 1] = '\0';
  format->suffix[sizeof format->suffix - 1] = '\0';
  format->date[sizeof format->date - 1] = '\0';
  format->negative_prefix[sizeof format->negative_prefix - 1] = '\0';
  format->negative_suffix[sizeof format->negative_suffix - 1] = '\0';
  for (int m = 0; m < 12; m++) {
    format->months[m][PR_FORMAT_NAME_BYTES - 1] = '\0';
    format->months_short[m][PR_FORMAT_NAME_BYTES - 1] = '\0';
  }
  for (int d = 0; d < 7; d++) {
    format->weekdays[d][PR_FORMAT_NAME_BYTES - 1] = '\0';
    format->weekdays_short[d][PR_FORMAT_NAME_BYTES - 1] = '\0';
  }
}

/* A variant key is a record value field (not an item, list or page field). */
static bool is_key_field(const PrPlan *plan, uint32_t field) {
  return field < plan->field_count && plan->fields[field].kind == PR_FIELD_VALUE &&
         plan->fields[field].list_field < 0;
}

PrStatus PrPlan_addField(PrPlan *plan, const PrFieldSpec *spec, uint32_t *out_index,
                         PrError *error) {
  PR_RETURN_NOT_OK(check_building(plan, error));
  if (spec->name == NULL || spec->name[0] == '\0') {
    return PrError_set(error, PR_EINVAL, "plan: a field needs a name");
  }
  if (!format_is_valid(&spec->format)) {
    return PrError_set(error, PR_EINVAL, "plan: field '%.100s' has a bad format", spec->name);
  }
  if (spec->variant_key_count > PR_VARIANT_MAX_KEYS ||
      (spec->variant_key_count > 0 && spec->kind != PR_FIELD_VALUE)) {
    return PrError_set(error, PR_EINVAL, "plan: field '%.100s' has a bad variant key count",
                       spec->name);
  }
  for (uint8_t k = 0; k < spec->variant_key_count; k++) {
    if (!is_key_field(plan, spec->variant_keys[k])) {
      return PrError_set(error, PR_EINVAL,
                         "plan: field '%.100s' takes its format from field %u, which is not a "
                         "record value field added before it",
                         spec->name, spec->variant_keys[k]);
    }
  }
  PrPlanField field;
  field.name = PrText_copy(spec->name);
  if (field.name == NULL) {
    return PrError_set(error, PR_ENOMEM, "plan: out of memory");
  }
  if (spec->kind > PR_FIELD_PAGES ||
      (spec->is_item && (spec->list_field >= plan->field_count ||
                         plan->fields[spec->list_field].kind != PR_FIELD_LIST ||
                         spec->kind != PR_FIELD_VALUE))) {
    free(field.name);
    return PrError_set(error, PR_EINVAL,
                       "plan: field '%.100s' has a bad kind or names a non-list field",
                       spec->name);
  }
  field.required = spec->required;
  field.format = spec->format;
  field.kind = spec->kind;
  field.list_field = spec->is_item ? (int32_t)spec->list_field : -1;
  terminate_format(&field.format);
  field.variant_key_count = spec->variant_key_count;
  for (int k = 0; k < PR_VARIANT_MAX_KEYS; k++) {
    field.variant_keys[k] = k < spec->variant_key_count ? spec->variant_keys[k] : 0;
  }
  field.variant_fallback = spec->variant_fallback;
  field.first_variant = 0;
  field.variant_count = 0;
  PrStatus status = PLAN_APPEND(plan, field, &field, out_index, error);
  if (status != PR_OK) {
    free(field.name);
  }
  return status;
}

PrStatus PrPlan_addFieldVariant(PrPlan *plan, uint32_t field_index, const char *const *keys,
                                const PrFormatSpec *format, PrError *error) {
  PR_RETURN_NOT_OK(check_building(plan, error));
  if (field_index >= plan->field_count || plan->fields[field_index].variant_key_count == 0) {
    return PrError_set(error, PR_EINVAL, "plan: field %u takes no format variants", field_index);
  }
  PrPlanField *field = &plan->fields[field_index];
  if (format == NULL || !format_is_valid(format)) {
    return PrError_set(error, PR_EINVAL, "plan: a variant of field '%.100s' has a bad format",
                       field->name);
  }
  PrPlanVariant variant;
  memset(&variant, 0, sizeof variant);
  for (uint8_t k = 0; k < field->variant_key_count; k++) {
    const char *key = keys != NULL && keys[k] != NULL ? keys[k] : "";
    size_t bytes = strlen(key);
    if (bytes >= PR_VARIANT_KEY_BYTES) {
      return PrError_set(error, PR_EINVAL,
                         "plan: a variant key of field '%.100s' is longer than %d bytes",
                         field->name, PR_VARIANT_KEY_BYTES - 1);
    }
    memcpy(variant.keys[k], key, bytes);
    variant.key_bytes[k] = (uint8_t)bytes;
  }
  for (uint32_t v = field->first_variant; v < field->first_variant + field->variant_count; v++) {
    if (memcmp(plan->variants[v].keys, variant.keys, sizeof variant.keys) == 0) {
      return PrError_set(error, PR_EINVAL, "plan: field '%.100s' has a variant for '%s' already",
                         field->name, variant.keys[0]);
    }
  }
  variant.format = *format;
  terminate_format(&variant.format);
  /* A field's variants stay together: the new one goes after the field's
   * last, and the variants of fields stored after it move up by one. */
  uint32_t at = field->variant_count > 0 ? field->first_variant + field->variant_count
                                         : plan->variant_count;
  PR_RETURN_NOT_OK(PLAN_APPEND(plan, variant, &variant, NULL, error));
  if (at + 1 < plan->variant_count) {
    memmove(&plan->variants[at + 1], &plan->variants[at],
            (plan->variant_count - 1 - at) * sizeof *plan->variants);
    plan->variants[at] = variant;
    for (uint32_t f = 0; f < plan->field_count; f++) {
      if (f != field_index && plan->fields[f].variant_count > 0 &&
          plan->fields[f].first_variant >= at) {
        plan->fields[f].first_variant++;
      }
    }
  }
  if (field->variant_count == 0) {
    field->first_variant = at;
  }
  field->variant_count++;
  return PR_OK;
}

PrStatus PrPlan_addImage(PrPlan *plan, const PrImageSpec *spec, uint32_t *out_index,
                         PrError *error) {
  PR_RETURN_NOT_OK(check_building(plan, error));
  if (spec->width_px == 0 || spec->height_px == 0 || spec->width_px > 65535 ||
      spec->height_px > 65535) {
    return PrError_set(error, PR_EIMAGE, "plan: image size %ux%u px is out of range",
                       spec->width_px, spec->height_px);
  }
  if (spec->color_space > PR_COLOR_CMYK || spec->bits_per_component != 8) {
    return PrError_set(error, PR_EIMAGE, "plan: images must be 8-bit gray, RGB or CMYK");
  }
  uint64_t pixel_count = (uint64_t)spec->width_px * spec->height_px;
  static const int kComponents[] = {1, 3, 4};
  if (spec->jpeg != NULL) {
    if (spec->jpeg_bytes < 4 || spec->jpeg[0] != 0xFF || spec->jpeg[1] != 0xD8) {
      return PrError_set(error, PR_EIMAGE, "plan: image data is not a JPEG file");
    }
  } else if (spec->pixels == NULL ||
             spec->pixels_bytes != pixel_count * (uint64_t)kComponents[spec->color_space]) {
    return PrError_set(error, PR_EIMAGE,
                       "plan: image has %zu bytes of pixels, %ux%u px needs %llu",
                       spec->pixels_bytes, spec->width_px, spec->height_px,
                       (unsigned long long)(pixel_count * (uint64_t)kComponents[spec->color_space]));
  }
  if (spec->alpha != NULL && spec->alpha_bytes != pixel_count) {
    return PrError_set(error, PR_EIMAGE, "plan: image alpha has %zu bytes, needs %llu",
                       spec->alpha_bytes, (unsigned long long)pixel_count);
  }
  return PLAN_APPEND(plan, image, spec, out_index, error);
}

PrStatus PrPlan_addFrame(PrPlan *plan, float x_pt, float y_pt, float width_pt,
                         float height_pt, uint32_t *out_index, PrError *error) {
  PR_RETURN_NOT_OK(check_building(plan, error));
  if (!is_coordinate(x_pt) || !is_coordinate(y_pt) || !(width_pt > 0.0f) ||
      !(height_pt > 0.0f) || !is_coordinate(width_pt) || !is_coordinate(height_pt)) {
    return PrError_set(error, PR_EINVAL, "plan: a frame needs a positive width and height");
  }
  PrPlanFrame frame = {x_pt, y_pt, width_pt, height_pt, plan->master, false};
  plan->has_master[plan->master] = true;
  return PLAN_APPEND(plan, frame, &frame, out_index, error);
}

PrStatus PrPlan_addFlowFrame(PrPlan *plan, float x_pt, float y_pt, float width_pt,
                             float height_pt, PrError *error) {
  uint32_t index;
  PR_RETURN_NOT_OK(PrPlan_addFrame(plan, x_pt, y_pt, width_pt, height_pt, &index, error));
  plan->frames[index].flow = true;
  return PR_OK;
}

PrStatus PrPlan_selectMaster(PrPlan *plan, uint32_t role, PrError *error) {
  PR_RETURN_NOT_OK(check_building(plan, error));
  if (role >= PR_MASTER_COUNT) {
    return PrError_set(error, PR_EINVAL, "plan: unknown page master %u", role);
  }
  plan->master = (uint8_t)role;
  return PR_OK;
}

/* Copies text into the pool; its offset in *out_offset. */
static PrStatus pool_text(PrPlan *plan, const char *text, size_t text_bytes,
                          uint32_t *out_offset, PrError *error) {
  if (text_bytes > (1u << 24) || plan->text_pool_bytes > UINT32_MAX - (uint32_t)text_bytes) {
    return PrError_set(error, PR_ELIMIT, "plan: literal text is too long");
  }
  uint32_t needed = plan->text_pool_bytes + (uint32_t)text_bytes;
  if (needed > plan->text_pool_capacity) {
    uint32_t capacity = plan->text_pool_capacity < 256 ? 256 : plan->text_pool_capacity;
    while (capacity < needed) {
      capacity *= 2;
    }
    char *grown = realloc(plan->text_pool, capacity);
    if (grown == NULL) {
      return PrError_set(error, PR_ENOMEM, "plan: out of memory");
    }
    plan->text_pool = grown;
    plan->text_pool_capacity = capacity;
  }
  if (text_bytes > 0) {
    memcpy(plan->text_pool + plan->text_pool_bytes, text, text_bytes);
  }
  *out_offset = plan->text_pool_bytes;
  plan->text_pool_bytes = needed;
  return PR_OK;
}

static bool is_block_of(const PrPlan *plan, int32_t block, int32_t frame) {
  return block >= 0 && (uint32_t)block < plan->block_count &&
         plan->blocks[block].spec.frame == frame;
}

PrStatus PrPlan_addFlow(PrPlan *plan, const PrFlowSpec *spec, PrError *error) {
  PR_RETURN_NOT_OK(check_building(plan, error));
  bool ok = false;
  switch (spec->kind) {
    case PR_FLOW_BLOCK: ok = is_block_of(plan, (int32_t)spec->index, PR_BLOCK_FLOW); break;
    case PR_FLOW_TABLE: ok = spec->index < plan->table_count; break;
    case PR_FLOW_SPACE: ok = is_length(spec->space_pt) && spec->space_pt < 1.0e5f; break;
    case PR_FLOW_PAGE_BREAK: ok = true; break;
    case PR_FLOW_IMAGE: ok = spec->index < plan->flow_image_count; break;
    default: break;
  }
  if (!ok) {
    return PrError_set(error, PR_EINVAL, "plan: flow item %u (kind %u) names nothing valid",
                       plan->flow_count, (unsigned)spec->kind);
  }
  if (spec->when_field >= 0 &&
      ((uint32_t)spec->when_field >= plan->field_count ||
       plan->fields[spec->when_field].kind != PR_FIELD_VALUE ||
       plan->fields[spec->when_field].list_field >= 0)) {
    return PrError_set(error, PR_EINVAL, "plan: flow item %u's condition names field %d",
                       plan->flow_count, spec->when_field);
  }
  PrPlanFlow flow;
  memset(&flow, 0, sizeof flow);
  flow.spec = *spec;
  flow.spec.orphans = spec->orphans == 0 ? 2 : spec->orphans;
  flow.spec.widows = spec->widows == 0 ? 2 : spec->widows;
  if (spec->when_field >= 0 && spec->when_text != NULL) {
    flow.has_when_text = true;
    flow.when_text_bytes = (uint32_t)strlen(spec->when_text);
    PR_RETURN_NOT_OK(pool_text(plan, spec->when_text, flow.when_text_bytes,
                               &flow.when_text_offset, error));
  }
  flow.spec.when_text = NULL;   /* the pool may move: read through the offset */
  plan->has_flow = true;
  return PLAN_APPEND(plan, flow, &flow, NULL, error);
}

PrStatus PrPlan_addFlowImage(PrPlan *plan, const PrPlacementSpec *spec, uint32_t *out_index,
                             PrError *error) {
  PR_RETURN_NOT_OK(check_building(plan, error));
  if (spec->image >= plan->image_count || !is_coordinate(spec->x_pt) ||
      !(spec->width_pt > 0.0f) || !(spec->height_pt > 0.0f) ||
      !is_coordinate(spec->width_pt) || !is_coordinate(spec->height_pt)) {
    return PrError_set(error, PR_EINVAL, "plan: a flow image needs an image and a positive size");
  }
  return PLAN_APPEND(plan, flow_image, spec, out_index, error);
}

PrStatus PrPlan_setPageCondition(PrPlan *plan, uint32_t condition, PrError *error) {
  PR_RETURN_NOT_OK(check_building(plan, error));
  if (condition > PR_PAGES_NOT_FIRST) {
    return PrError_set(error, PR_EINVAL, "plan: unknown page condition %u", condition);
  }
  plan->condition = (uint8_t)condition;
  return PR_OK;
}

PrStatus PrPlan_addTable(PrPlan *plan, const PrTableSpec *spec, uint32_t *out_index,
                         PrError *error) {
  PR_RETURN_NOT_OK(check_building(plan, error));
  if (spec->list_field >= plan->field_count ||
      plan->fields[spec->list_field].kind != PR_FIELD_LIST) {
    return PrError_set(error, PR_EINVAL, "plan: a table needs a list field, got field %u",
                       spec->list_field);
  }
  for (int i = 0; i < 4; i++) {
    if (!is_length(spec->padding_pt[i]) || spec->padding_pt[i] > 1000.0f) {
      return PrError_set(error, PR_EINVAL, "plan: a table has a bad cell padding");
    }
  }
  if (!is_length(spec->header_rule_pt) || !is_length(spec->footer_rule_pt)) {
    return PrError_set(error, PR_EINVAL, "plan: a table has a bad rule width");
  }
  if (spec->has_zebra) PR_RETURN_NOT_OK(check_color(&spec->zebra, "a table's zebra", error));
  PR_RETURN_NOT_OK(check_color(&spec->header_rule, "a table's header rule", error));
  PR_RETURN_NOT_OK(check_color(&spec->footer_rule, "a table's footer rule", error));
  if (!is_length(spec->row_rule_pt)) {
    return PrError_set(error, PR_EINVAL, "plan: a table has a bad rule width");
  }
  PR_RETURN_NOT_OK(check_color(&spec->row_rule, "a table's row rule", error));
  if ((spec->group_field >= 0) != (spec->group_block >= 0) ||
      (spec->group_field >= 0 &&
       ((uint32_t)spec->group_field >= plan->field_count ||
        plan->fields[spec->group_field].list_field != (int32_t)spec->list_field))) {
    return PrError_set(error, PR_EINVAL,
                       "plan: a table's group heading needs a field of its rows and a block");
  }
  const int32_t blocks[] = {spec->empty_block, spec->carried_label_block,
                            spec->brought_label_block, spec->carry_value_block,
                            spec->group_block};
  for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++) {
    if (blocks[i] >= 0 && !is_block_of(plan, blocks[i], i == 0 ? PR_BLOCK_FLOW : PR_BLOCK_CELL)) {
      return PrError_set(error, PR_EINVAL, "plan: a table names block %d, not a %s block",
                         blocks[i], i == 0 ? "flow" : "cell");
    }
  }
  PrPlanTable table;
  memset(&table, 0, sizeof table);
  table.spec = *spec;
  table.first_column = plan->table_column_count;
  return PLAN_APPEND(plan, table, &table, out_index, error);
}

PrStatus PrPlan_addTableColumn(PrPlan *plan, uint32_t table_index,
                               const PrTableColumnSpec *spec, PrError *error) {
  PR_RETURN_NOT_OK(check_building(plan, error));
  if (table_index >= plan->table_count ||
      plan->tables[table_index].first_column + plan->tables[table_index].column_count !=
          plan->table_column_count) {
    return PrError_set(error, PR_EINVAL, "plan: columns must be added to the newest table");
  }
  if (!(spec->width_pt > 0.0f) || !is_coordinate(spec->width_pt)) {
    return PrError_set(error, PR_EINVAL, "plan: a table column needs a positive width");
  }
  const int32_t blocks[] = {spec->header_block, spec->cell_block, spec->footer_block};
  for (int i = 0; i < 3; i++) {
    if (blocks[i] >= 0 && !is_block_of(plan, blocks[i], PR_BLOCK_CELL)) {
      return PrError_set(error, PR_EINVAL, "plan: a table column names block %d, not a cell block",
                         blocks[i]);
    }
  }
  PrPlanTableColumn column;
  memset(&column, 0, sizeof column);
  column.spec = *spec;
  PR_RETURN_NOT_OK(PLAN_APPEND(plan, table_column, &column, NULL, error));
  plan->tables[table_index].column_count++;
  return PR_OK;
}

PrStatus PrPlan_addBlock(PrPlan *plan, const PrBlockSpec *spec, uint32_t *out_index,
                         PrError *error) {
  PR_RETURN_NOT_OK(check_building(plan, error));
  if (spec->frame >= 0 && (uint32_t)spec->frame >= plan->frame_count) {
    return PrError_set(error, PR_EINVAL, "plan: block names frame %d of %u", spec->frame,
                       plan->frame_count);
  }
  if (!is_coordinate(spec->x_pt) || !is_coordinate(spec->y_pt) || !is_length(spec->width_pt) ||
      !is_length(spec->height_pt) || !is_length(spec->space_before_pt) ||
      !is_length(spec->space_after_pt) || !is_length(spec->min_size_pt) ||
      spec->align > PR_ALIGN_JUSTIFY || spec->overflow > PR_OVERFLOW_TRUNCATE) {
    return PrError_set(error, PR_EINVAL, "plan: a block has a bad position, size or option");
  }
  if (spec->wrap && spec->frame == PR_BLOCK_ABSOLUTE && !(spec->width_pt > 0.0f)) {
    return PrError_set(error, PR_EINVAL, "plan: a wrapping block needs a width");
  }
  if (spec->frame < PR_BLOCK_CELL) {
    return PrError_set(error, PR_EINVAL, "plan: block placement %d is unknown", spec->frame);
  }
  PrPlanBlock block;
  memset(&block, 0, sizeof block);
  block.spec = *spec;
  block.first_run = plan->run_count;
  uint32_t index;
  PR_RETURN_NOT_OK(PLAN_APPEND(plan, block, &block, &index, error));
  if (out_index != NULL) {
    *out_index = index;
  }
  if (spec->frame == PR_BLOCK_FLOW || spec->frame == PR_BLOCK_CELL) {
    return PR_OK;   /* placed by the flow or a table, not drawn as an element */
  }
  return add_element(plan, PR_ELEMENT_BLOCK, false, index, error);
}

PrStatus PrPlan_addRun(PrPlan *plan, uint32_t block_index, const PrRunSpec *spec,
                       PrError *error) {
  PR_RETURN_NOT_OK(check_building(plan, error));
  if (block_index >= plan->block_count) {
    return PrError_set(error, PR_EINVAL, "plan: run names block %u of %u", block_index,
                       plan->block_count);
  }
  PrPlanBlock *block = &plan->blocks[block_index];
  if (block->first_run + block->run_count != plan->run_count) {
    return PrError_set(error, PR_EINVAL, "plan: runs must be added to the newest block");
  }
  if (spec->style >= plan->style_count) {
    return PrError_set(error, PR_EINVAL, "plan: run names style %u of %u", spec->style,
                       plan->style_count);
  }
  PrPlanRun run = {spec->style, spec->field, 0, 0};
  if (spec->field >= 0) {
    if ((uint32_t)spec->field >= plan->field_count) {
      return PrError_set(error, PR_EINVAL, "plan: run names field %d of %u", spec->field,
                         plan->field_count);
    }
  } else {
    if (spec->text == NULL && spec->text_bytes > 0) {
      return PrError_set(error, PR_EINVAL, "plan: literal run without text");
    }
    PR_RETURN_NOT_OK(pool_text(plan, spec->text, spec->text_bytes, &run.text_offset, error));
    run.text_bytes = (uint32_t)spec->text_bytes;
  }
  PR_RETURN_NOT_OK(PLAN_APPEND(plan, run, &run, NULL, error));
  plan->blocks[block_index].run_count++;
  return PR_OK;
}

PrStatus PrPlan_addLine(PrPlan *plan, const PrLineSpec *spec, PrError *error) {
  PR_RETURN_NOT_OK(check_building(plan, error));
  if (!is_coordinate(spec->x1_pt) || !is_coordinate(spec->y1_pt) ||
      !is_coordinate(spec->x2_pt) || !is_coordinate(spec->y2_pt) ||
      !is_length(spec->width_pt)) {
    return PrError_set(error, PR_EINVAL, "plan: a line has a bad position or width");
  }
  PR_RETURN_NOT_OK(check_color(&spec->color, "a line", error));
  uint32_t index;
  PR_RETURN_NOT_OK(PLAN_APPEND(plan, line, spec, &index, error));
  return add_element(plan, PR_ELEMENT_LINE, true, index, error);
}

PrStatus PrPlan_addRect(PrPlan *plan, const PrRectSpec *spec, PrError *error) {
  PR_RETURN_NOT_OK(check_building(plan, error));
  if (!is_coordinate(spec->x_pt) || !is_coordinate(spec->y_pt) ||
      !is_length(spec->width_pt) || !is_length(spec->height_pt) ||
      !is_length(spec->stroke_width_pt)) {
    return PrError_set(error, PR_EINVAL, "plan: a rectangle has a bad position or size");
  }
  if (spec->has_stroke) PR_RETURN_NOT_OK(check_color(&spec->stroke, "a rectangle", error));
  if (spec->has_fill) PR_RETURN_NOT_OK(check_color(&spec->fill, "a rectangle", error));
  uint32_t index;
  PR_RETURN_NOT_OK(PLAN_APPEND(plan, rect, spec, &index, error));
  return add_element(plan, PR_ELEMENT_RECT, true, index, error);
}

PrStatus PrPlan_placeImage(PrPlan *plan, const PrPlacementSpec *spec, PrError *error) {
  PR_RETURN_NOT_OK(check_building(plan, error));
  if (spec->image >= plan->image_count) {
    return PrError_set(error, PR_EINVAL, "plan: placement names image %u of %u", spec->image,
                       plan->image_count);
  }
  if (!is_coordinate(spec->x_pt) || !is_coordinate(spec->y_pt) ||
      !(spec->width_pt > 0.0f) || !(spec->height_pt > 0.0f) ||
      !is_coordinate(spec->width_pt) || !is_coordinate(spec->height_pt)) {
    return PrError_set(error, PR_EINVAL, "plan: an image placement needs a positive size");
  }
  uint32_t index;
  PR_RETURN_NOT_OK(PLAN_APPEND(plan, placement, spec, &index, error));
  return add_element(plan, PR_ELEMENT_IMAGE, true, index, error);
}

PrStatus PrPlan_addBarcode(PrPlan *plan, const PrMarkSpec *spec, uint32_t data_block,
                           PrError *error) {
  PR_RETURN_NOT_OK(check_building(plan, error));
  PR_RETURN_NOT_OK(PrMark_checkSpec(spec, error));
  if (spec->kind == PR_MARK_OMR) {
    return PrError_set(error, PR_EINVAL, "plan: OMR marks are production marks, not a "
                                         "template barcode");
  }
  if (data_block >= plan->block_count || plan->blocks[data_block].spec.frame != PR_BLOCK_CELL) {
    return PrError_set(error, PR_EINVAL, "plan: a barcode's data must be a cell block, "
                                         "got block %u of %u", data_block, plan->block_count);
  }
  plan->blocks[data_block].is_barcode_data = true;
  PrPlanBarcode barcode = {*spec, data_block};
  uint32_t index;
  PR_RETURN_NOT_OK(PLAN_APPEND(plan, barcode, &barcode, &index, error));
  return add_element(plan, PR_ELEMENT_BARCODE, false, index, error);
}

PrStatus PrPlan_finish(PrPlan *plan, PrError *error) {
  PR_RETURN_NOT_OK(check_building(plan, error));
  plan->has_page_fields = false;
  for (uint32_t b = 0; b < plan->block_count; b++) {
    PrPlanBlock *block = &plan->blocks[b];
    block->has_fields = false;
    block->has_page_fields = false;
    for (uint32_t r = 0; r < block->run_count; r++) {
      int32_t field = plan->runs[block->first_run + r].field;
      if (field < 0) {
        continue;
      }
      uint8_t kind = plan->fields[field].kind;
      if (kind == PR_FIELD_LIST) {
        return PrError_set(error, PR_EINVAL,
                           "plan: field '%.100s' is a list: it feeds a table, it cannot be text",
                           plan->fields[field].name);
      }
      if (plan->fields[field].list_field >= 0 && block->spec.frame != PR_BLOCK_CELL) {
        return PrError_set(error, PR_EINVAL,
                           "plan: field '%.100s' belongs to the rows of a table; only table "
                           "cells can show it", plan->fields[field].name);
      }
      block->has_fields = true;
      if (kind == PR_FIELD_PAGE || kind == PR_FIELD_PAGES) {
        if (block->spec.frame != PR_BLOCK_ABSOLUTE) {
          return PrError_set(error, PR_EINVAL,
                             "plan: page numbers can only be shown by blocks at a fixed "
                             "position on a page master");
        }
        block->has_page_fields = true;
        plan->has_page_fields = true;
      }
    }
  }
  for (uint32_t b = 0; b < plan->barcode_count; b++) {
    const PrPlanBlock *data = &plan->blocks[plan->barcodes[b].data_block];
    for (uint32_t r = 0; r < data->run_count; r++) {
      int32_t field = plan->runs[data->first_run + r].field;
      if (field >= 0 && (plan->fields[field].list_field >= 0 ||
                         plan->fields[field].kind == PR_FIELD_LIST)) {
        return PrError_set(error, PR_EINVAL, "plan: barcode %u reads the table field '%.100s'; "
                           "a page's barcode reads record fields only", b,
                           plan->fields[field].name);
      }
    }
  }
  for (uint32_t m = 0; m < PR_MASTER_COUNT; m++) {
    plan->has_static[m] = false;
  }
  plan->has_conditions = false;
  for (uint32_t e = 0; e < plan->element_count; e++) {
    PrPlanElement *element = &plan->elements[e];
    if (element->kind == PR_ELEMENT_BLOCK) {
      /* Absolute text without fields is the same on every page. Frame
       * blocks are not: their position depends on the blocks before them. */
      const PrPlanBlock *block = &plan->blocks[element->index];
      element->is_static = block->spec.frame < 0 && !block->has_fields &&
                           element->condition == PR_PAGES_ALL;
    }
    plan->has_static[element->master] =
        plan->has_static[element->master] || element->is_static;
    plan->has_conditions = plan->has_conditions || element->condition != PR_PAGES_ALL;
  }
  for (uint32_t t = 0; t < plan->table_count; t++) {
    PrPlanTable *table = &plan->tables[t];
    if (table->column_count == 0) {
      return PrError_set(error, PR_EINVAL, "plan: table %u has no columns", t);
    }
    float x = 0.0f;
    for (uint32_t c = 0; c < table->column_count; c++) {
      PrPlanTableColumn *column = &plan->table_columns[table->first_column + c];
      column->x_pt = x;
      x += column->spec.width_pt;
      table->has_header = table->has_header || column->spec.header_block >= 0;
      table->has_footer = table->has_footer || column->spec.footer_block >= 0;
      if (column->spec.cell_block >= 0) {
        /* A cell's item fields must come from this table's list. */
        const PrPlanBlock *cell = &plan->blocks[column->spec.cell_block];
        for (uint32_t r = 0; r < cell->run_count; r++) {
          int32_t field = plan->runs[cell->first_run + r].field;
          if (field >= 0 && plan->fields[field].list_field >= 0 &&
              (uint32_t)plan->fields[field].list_field != table->spec.list_field) {
            return PrError_set(error, PR_EINVAL,
                               "plan: a cell of table %u shows '%.100s' of another list", t,
                               plan->fields[field].name);
          }
        }
      }
    }
    table->width_pt = x;
    int32_t label = table->spec.carry_label_column, value = table->spec.carry_value_column;
    if ((table->spec.carry_value_block >= 0) &&
        (label < 0 || value < 0 || (uint32_t)label >= table->column_count ||
         (uint32_t)value >= table->column_count)) {
      return PrError_set(error, PR_EINVAL, "plan: table %u's carried-forward row names "
                                           "columns %d and %d of %u", t, label, value,
                         table->column_count);
    }
  }
  if (plan->has_flow) {
    bool first = false, next = false;
    for (uint32_t f = 0; f < plan->frame_count; f++) {
      first = first || (plan->frames[f].flow && plan->frames[f].master == PR_MASTER_FIRST);
      next = next || (plan->frames[f].flow && plan->frames[f].master == PR_MASTER_NEXT);
    }
    if (!first || !next) {
      return PrError_set(error, PR_EINVAL,
                         "plan: a flow needs flow frames on the first and the next master");
    }
  }
  plan->finished = true;
  return PR_OK;
}

uint32_t PrPlan_fieldCount(const PrPlan *plan) { return plan->field_count; }
uint32_t PrPlan_fontCount(const PrPlan *plan) { return plan->font_count; }
