/* marks.c: barcodes and inserter marks as display-list bars. */
#include "marks.h"

#include <math.h>
#include <string.h>

#include "error.h"


static bool is_length(float value_pt, bool may_be_zero) {
  return isfinite(value_pt) && value_pt >= 0.0f && value_pt <= 14400.0f &&
         (may_be_zero || value_pt > 0.0f);
}

PrStatus PrMark_checkSpec(const PrMarkSpec *spec, PrError *error) {
  if (spec == NULL) {
    return PrError_set(error, PR_EINVAL, "mark: NULL spec");
  }
  if (spec->kind < PR_MARK_OMR || spec->kind > PR_MARK_IMB) {
    return PrError_set(error, PR_EINVAL, "mark: unknown kind %u", spec->kind);
  }
  if (!isfinite(spec->x_pt) || !isfinite(spec->y_pt) || fabsf(spec->x_pt) > 14400.0f ||
      fabsf(spec->y_pt) > 14400.0f) {
    return PrError_set(error, PR_EINVAL, "mark: position %g, %g is not on a page",
                       (double)spec->x_pt, (double)spec->y_pt);
  }
  bool uses_width = spec->kind == PR_MARK_OMR || spec->kind == PR_MARK_AUSPOST ||
                    spec->kind == PR_MARK_IMB;
  bool uses_height = spec->kind != PR_MARK_DATAMATRIX && spec->kind != PR_MARK_QR;
  if (!is_length(spec->module_pt, false) || !is_length(spec->width_pt, !uses_width) ||
      !is_length(spec->height_pt, !uses_height)) {
    return PrError_set(error, PR_EINVAL, "mark: module %g, width %g, height %g pt: each must "
                       "be a positive length", (double)spec->module_pt,
                       (double)spec->width_pt, (double)spec->height_pt);
  }
  if ((spec->kind == PR_MARK_DATAMATRIX && spec->option > PR_DATAMATRIX_ANY) ||
      (spec->kind == PR_MARK_QR && spec->option > PR_QR_EC_H)) {
    return PrError_set(error, PR_EINVAL, "mark: option %u is not one of this symbology",
                       spec->option);
  }
  return PR_OK;
}

static PrItem *begin_bars(PrDisplayList *list, const PrMarkSpec *spec) {
  PrItem *item = PrDisplayList_addItem(list, PR_ITEM_BARS);
  if (item != NULL) {
    item->color = spec->color;
    item->first_bar = (uint32_t)list->bar_count;
    item->x_pt = spec->x_pt;
    item->y_pt = spec->y_pt;
  }
  return item;
}

static void add_bar(PrDisplayList *list, PrItem *item, float x_pt, float y_pt, float width_pt,
                    float height_pt) {
  PrBar *bar = PrDisplayList_addBars(list, 1);
  if (bar == NULL) {
    return;
  }
  bar->x_pt = x_pt;
  bar->y_pt = y_pt;
  bar->width_pt = width_pt;
  bar->height_pt = height_pt;
  item->bar_count++;
}

static PrStatus draw_omr(PrDisplayList *list, const PrMarkSpec *spec, const uint8_t *text,
                         size_t text_bytes, PrError *error) {
  for (size_t i = 0; i < text_bytes; i++) {
    if (text[i] != '0' && text[i] != '1') {
      return PrError_set(error, PR_EINVAL, "OMR marks: track %zu is '%c', not 0 or 1", i + 1,
                         text[i] >= 0x20 && text[i] < 0x7F ? text[i] : '?');
    }
  }
  PrItem *item = begin_bars(list, spec);
  for (size_t i = 0; i < text_bytes && item != NULL; i++) {
    if (text[i] == '1') {
      add_bar(list, item, spec->x_pt, spec->y_pt + (float)i * spec->module_pt, spec->width_pt,
              spec->height_pt);
    }
  }
  return PrDisplayList_check(list, error);
}

/* A module matrix, each row's runs of dark modules as one bar, in module
 * units from the symbol's top-left (item->size_pt is the module): a writer
 * draws them through one scaling, in small integers. */
static PrStatus draw_matrix(PrDisplayList *list, const PrMarkSpec *spec, const uint8_t *text,
                            size_t text_bytes, const uint8_t *modules, uint32_t width,
                            uint32_t height, PrError *error) {
  PrItem *item = begin_bars(list, spec);
  PrDisplayList_setSymbol(list, item, spec, text, text_bytes, width, height);
  if (item != NULL) {
    item->size_pt = spec->module_pt;
    item->width_pt = (float)width * spec->module_pt;
    item->height_pt = (float)height * spec->module_pt;
  }
  for (uint32_t row = 0; row < height && item != NULL; row++) {
    const uint8_t *line = modules + (size_t)row * width;
    uint32_t column = 0;
    while (column < width) {
      if (!line[column]) {
        column++;
        continue;
      }
      uint32_t start = column;
      while (column < width && line[column]) {
        column++;
      }
      add_bar(list, item, (float)start, (float)row, (float)(column - start), 1.0f);
    }
  }
  return PrDisplayList_check(list, error);
}

static PrStatus draw_code128(PrDisplayList *list, const PrMarkSpec *spec, const uint8_t *text,
                             size_t text_bytes, uint8_t *widths, size_t widths_bytes,
                             PrError *error) {
  size_t count = 0;
  uint32_t total = 0;
  uint32_t flags = spec->kind == PR_MARK_GS1_128 ? PR_CODE128_GS1 : 0;
  PR_RETURN_NOT_OK(PrCode128_encode((const char *)text, text_bytes, flags, widths, widths_bytes,
                                    &count, &total, error));
  PrItem *item = begin_bars(list, spec);
  PrDisplayList_setSymbol(list, item, spec, text, text_bytes, total, 1);
  float x = spec->x_pt;
  for (size_t i = 0; i < count && item != NULL; i++) {
    float width = (float)widths[i] * spec->module_pt;
    if (i % 2 == 0) {
      add_bar(list, item, x, spec->y_pt, width, spec->height_pt);
    }
    x += width;
  }
  return PrDisplayList_check(list, error);
}

PrStatus PrMark_splitParts(const uint8_t *text, size_t text_bytes, char parts[][PR_MARK_PART_BYTES],
                            size_t count, const char *what, PrError *error) {
  for (size_t p = 0; p < count; p++) {
    parts[p][0] = '\0';
  }
  size_t part = 0, length = 0;
  for (size_t i = 0; i < text_bytes; i++) {
    if (text[i] == '|') {
      if (++part == count) {
        return PrError_set(error, PR_EINVAL, "%s: more than %zu '|'-separated parts", what,
                           count);
      }
      length = 0;
      continue;
    }
    if (text[i] == '\0' || length + 1 >= PR_MARK_PART_BYTES) {
      return PrError_set(error, PR_EINVAL, "%s: part %zu is too long or holds a NUL", what,
                         part + 1);
    }
    parts[part][length++] = (char)text[i];
    parts[part][length] = '\0';
  }
  return PR_OK;
}

/* Four-state bars, left to right: F full, A ascender, D descender,
 * T tracker; the tracker is the middle third of the full height. */
static PrStatus draw_four_state(PrDisplayList *list, const PrMarkSpec *spec, const uint8_t *text,
                                size_t text_bytes, const char *bars, size_t bar_count,
                                PrError *error) {
  PrItem *item = begin_bars(list, spec);
  PrDisplayList_setSymbol(list, item, spec, text, text_bytes, (uint32_t)bar_count, 1);
  float third = spec->height_pt / 3.0f;
  for (size_t i = 0; i < bar_count && item != NULL; i++) {
    float top = spec->y_pt, height = spec->height_pt;
    switch (bars[i]) {
      case 'A': height = 2.0f * third; break;
      case 'D': top += third; height = 2.0f * third; break;
      case 'T': top += third; height = third; break;
      default: break;   /* 'F' */
    }
    add_bar(list, item, spec->x_pt + (float)i * spec->module_pt, top, spec->width_pt, height);
  }
  return PrDisplayList_check(list, error);
}

PrStatus PrMark_draw(PrDisplayList *list, const PrMarkSpec *spec, const uint8_t *text,
                     size_t text_bytes, uint8_t *scratch, size_t scratch_bytes,
                     PrError *error) {
  PR_RETURN_NOT_OK(PrMark_checkSpec(spec, error));
  if (list == NULL || (text == NULL && text_bytes > 0) || scratch == NULL ||
      scratch_bytes < PR_MARK_SCRATCH_BYTES) {
    return PrError_set(error, PR_EINVAL, "mark: NULL list or text, or scratch under %u bytes",
                       PR_MARK_SCRATCH_BYTES);
  }
  /* Every symbol is encoded before anything is added, so a bad text leaves
   * the list as it was. */
  PrStatus status = PR_OK;
  switch (spec->kind) {
    case PR_MARK_OMR:
      status = draw_omr(list, spec, text, text_bytes, error);
      break;
    case PR_MARK_DATAMATRIX: {
      uint32_t width = 0, height = 0;
      status = PrDataMatrix_encode(text, text_bytes, (PrDataMatrixShape)spec->option, scratch,
                                   scratch_bytes, &width, &height, error);
      if (status == PR_OK) {
        status = draw_matrix(list, spec, text, text_bytes, scratch, width, height, error);
      }
      break;
    }
    case PR_MARK_QR: {
      uint32_t side = 0;
      int version = 0;
      status = PrQr_encode(text, text_bytes, (PrQrEcLevel)spec->option, 0, scratch, scratch_bytes,
                           &side, &version, error);
      if (status == PR_OK) {
        status = draw_matrix(list, spec, text, text_bytes, scratch, side, side, error);
      }
      break;
    }
    case PR_MARK_CODE128:
    case PR_MARK_GS1_128:
      status = draw_code128(list, spec, text, text_bytes, scratch, scratch_bytes, error);
      break;
    case PR_MARK_AUSPOST: {
      char parts[3][PR_MARK_PART_BYTES];
      char bars[PR_AUSPOST_MAX_BARS + 1];
      size_t bar_count = 0;
      status = PrMark_splitParts(text, text_bytes, parts, 3, "Australia Post barcode", error);
      if (status == PR_OK) {
        status = PrAusPost_encode(parts[0], parts[1], parts[2], 0, bars, sizeof bars, &bar_count,
                                  error);
      }
      if (status == PR_OK) {
        status = draw_four_state(list, spec, text, text_bytes, bars, bar_count, error);
      }
      break;
    }
    case PR_MARK_IMB: {
      char parts[2][PR_MARK_PART_BYTES];
      char bars[PR_IMB_BARS + 1];
      status = PrMark_splitParts(text, text_bytes, parts, 2, "Intelligent Mail barcode", error);
      if (status == PR_OK) {
        status = PrImb_encode(parts[0], parts[1], bars, sizeof bars, error);
      }
      if (status == PR_OK) {
        status = draw_four_state(list, spec, text, text_bytes, bars, PR_IMB_BARS, error);
      }
      break;
    }
    default:
      status = PrError_set(error, PR_EINVAL, "mark: unknown kind %u", spec->kind);
      break;
  }
  return status;
}
