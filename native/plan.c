/* plan.c: building and freezing a template plan. */
#include "plan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

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

static char *copy_text(const char *text) {
  size_t bytes = strlen(text) + 1;
  char *copy = malloc(bytes);
  if (copy != NULL) {
    memcpy(copy, text, bytes);
  }
  return copy;
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
  free(plan->images);
  free(plan->frames);
  free(plan->blocks);
  free(plan->runs);
  free(plan->lines);
  free(plan->rects);
  free(plan->placements);
  free(plan->elements);
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

PrStatus PrPlan_addField(PrPlan *plan, const PrFieldSpec *spec, uint32_t *out_index,
                         PrError *error) {
  PR_RETURN_NOT_OK(check_building(plan, error));
  if (spec->name == NULL || spec->name[0] == '\0') {
    return PrError_set(error, PR_EINVAL, "plan: a field needs a name");
  }
  if (spec->format.kind > PR_FORMAT_DATE || spec->format.decimals > 18) {
    return PrError_set(error, PR_EINVAL, "plan: field '%.100s' has a bad format", spec->name);
  }
  PrPlanField field;
  field.name = copy_text(spec->name);
  if (field.name == NULL) {
    return PrError_set(error, PR_ENOMEM, "plan: out of memory");
  }
  field.required = spec->required;
  field.format = spec->format;
  /* The fixed-size strings must end inside their arrays. */
  field.format.thousands[sizeof field.format.thousands - 1] = '\0';
  field.format.decimal[sizeof field.format.decimal - 1] = '\0';
  field.format.prefix[sizeof field.format.prefix - 1] = '\0';
  field.format.suffix[sizeof field.format.suffix - 1] = '\0';
  field.format.date[sizeof field.format.date - 1] = '\0';
  PrStatus status = PLAN_APPEND(plan, field, &field, out_index, error);
  if (status != PR_OK) {
    free(field.name);
  }
  return status;
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
  PrPlanFrame frame = {x_pt, y_pt, width_pt, height_pt};
  return PLAN_APPEND(plan, frame, &frame, out_index, error);
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
  if (spec->wrap && spec->frame < 0 && !(spec->width_pt > 0.0f)) {
    return PrError_set(error, PR_EINVAL, "plan: a wrapping block needs a width");
  }
  PrPlanBlock block;
  memset(&block, 0, sizeof block);
  block.spec = *spec;
  block.first_run = plan->run_count;
  uint32_t index;
  PR_RETURN_NOT_OK(PLAN_APPEND(plan, block, &block, &index, error));
  PrPlanElement element = {PR_ELEMENT_BLOCK, false, index};
  if (out_index != NULL) {
    *out_index = index;
  }
  return PLAN_APPEND(plan, element, &element, NULL, error);
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
    if (spec->text_bytes > (1u << 24) ||
        plan->text_pool_bytes > UINT32_MAX - (uint32_t)spec->text_bytes) {
      return PrError_set(error, PR_ELIMIT, "plan: literal text is too long");
    }
    uint32_t needed = plan->text_pool_bytes + (uint32_t)spec->text_bytes;
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
    if (spec->text_bytes > 0) {
      memcpy(plan->text_pool + plan->text_pool_bytes, spec->text, spec->text_bytes);
    }
    run.text_offset = plan->text_pool_bytes;
    run.text_bytes = (uint32_t)spec->text_bytes;
    plan->text_pool_bytes = needed;
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
  PrPlanElement element = {PR_ELEMENT_LINE, true, index};
  return PLAN_APPEND(plan, element, &element, NULL, error);
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
  PrPlanElement element = {PR_ELEMENT_RECT, true, index};
  return PLAN_APPEND(plan, element, &element, NULL, error);
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
  PrPlanElement element = {PR_ELEMENT_IMAGE, true, index};
  return PLAN_APPEND(plan, element, &element, NULL, error);
}

PrStatus PrPlan_finish(PrPlan *plan, PrError *error) {
  PR_RETURN_NOT_OK(check_building(plan, error));
  for (uint32_t b = 0; b < plan->block_count; b++) {
    PrPlanBlock *block = &plan->blocks[b];
    block->has_fields = false;
    for (uint32_t r = 0; r < block->run_count; r++) {
      if (plan->runs[block->first_run + r].field >= 0) {
        block->has_fields = true;
      }
    }
  }
  plan->has_static = false;
  for (uint32_t e = 0; e < plan->element_count; e++) {
    PrPlanElement *element = &plan->elements[e];
    if (element->kind == PR_ELEMENT_BLOCK) {
      /* Absolute text without fields is the same on every page. Frame
       * blocks are not: their position depends on the blocks before them. */
      const PrPlanBlock *block = &plan->blocks[element->index];
      element->is_static = block->spec.frame < 0 && !block->has_fields;
    }
    plan->has_static = plan->has_static || element->is_static;
  }
  plan->finished = true;
  return PR_OK;
}

uint32_t PrPlan_fieldCount(const PrPlan *plan) { return plan->field_count; }
uint32_t PrPlan_fontCount(const PrPlan *plan) { return plan->font_count; }
