/* pdf_image.c: image XObjects, written once per file on first use.
 *
 *   <</Type/XObject/Subtype/Image/Width w/Height h
 *     /ColorSpace/DeviceGray|/DeviceRGB|/DeviceCMYK/BitsPerComponent 8
 *     [/SMask n 0 R]>>        pixels deflated at the SMALL level
 *   JPEG files pass through unchanged with /Filter/DCTDecode (and
 *   /Decode[1 0 1 0 1 0 1 0] for Adobe's inverted CMYK); alpha becomes a
 *   /DeviceGray soft mask image. */
#include "pdf_writer.h"

#include <stdio.h>

static const char *const kColorSpaces[] = {"/DeviceGray", "/DeviceRGB", "/DeviceCMYK"};
static const uint64_t kComponents[] = {1, 3, 4};

PrStatus PrPdfImage_ensure(PrPdfWriter *writer, uint32_t index, uint32_t *out_id,
                           PrError *error) {
  *out_id = 0;
  if (index >= writer->plan->image_count) {
    return PrError_set(error, PR_EINVAL, "pdf: image %u, the plan has %u", index,
                       writer->plan->image_count);
  }
  if (writer->image_ids[index] != 0) {
    *out_id = writer->image_ids[index];
    return PR_OK;
  }
  const PrImageSpec *spec = &writer->plan->images[index];
  /* The plan checked these; check again because a wrong size here would
   * read past the caller's buffer. */
  uint64_t pixel_count = (uint64_t)spec->width_px * spec->height_px;
  if (spec->color_space > PR_COLOR_CMYK || spec->bits_per_component != 8 ||
      pixel_count == 0) {
    return PrError_set(error, PR_EIMAGE, "pdf: image %u: unsupported colour space or size",
                       index);
  }
  if (spec->jpeg == NULL &&
      (spec->pixels == NULL || spec->pixels_bytes != pixel_count * kComponents[spec->color_space])) {
    return PrError_set(error, PR_EIMAGE, "pdf: image %u has %zu bytes of pixels, needs %llu",
                       index, spec->pixels_bytes,
                       (unsigned long long)(pixel_count * kComponents[spec->color_space]));
  }
  if (spec->alpha != NULL && spec->alpha_bytes != pixel_count) {
    return PrError_set(error, PR_EIMAGE, "pdf: image %u has %zu bytes of alpha, needs %llu",
                       index, spec->alpha_bytes, (unsigned long long)pixel_count);
  }
  char dict[256];
  uint32_t smask_id = 0;
  if (spec->alpha != NULL) {
    PR_RETURN_NOT_OK(PrPdfFile_newId(writer, &smask_id, error));
    snprintf(dict, sizeof dict,
             "/Type/XObject/Subtype/Image/Width %u/Height %u/ColorSpace/DeviceGray"
             "/BitsPerComponent 8",
             spec->width_px, spec->height_px);
    PR_RETURN_NOT_OK(PrPdfFile_writeStream(writer, smask_id, dict, spec->alpha,
                                           spec->alpha_bytes, PR_PDF_STREAM_SMALL, error));
  }
  uint32_t id;
  PR_RETURN_NOT_OK(PrPdfFile_newId(writer, &id, error));
  int n = snprintf(dict, sizeof dict,
                   "/Type/XObject/Subtype/Image/Width %u/Height %u/ColorSpace%s"
                   "/BitsPerComponent 8",
                   spec->width_px, spec->height_px, kColorSpaces[spec->color_space]);
  if (smask_id != 0) {
    n += snprintf(dict + n, sizeof dict - (size_t)n, "/SMask %u 0 R", smask_id);
  }
  if (spec->jpeg != NULL) {
    n += snprintf(dict + n, sizeof dict - (size_t)n, "/Filter/DCTDecode%s",
                  spec->invert_cmyk ? "/Decode[1 0 1 0 1 0 1 0]" : "");
    PR_RETURN_NOT_OK(PrPdfFile_writeStream(writer, id, dict, spec->jpeg, spec->jpeg_bytes,
                                           PR_PDF_STREAM_RAW, error));
  } else {
    PR_RETURN_NOT_OK(PrPdfFile_writeStream(writer, id, dict, spec->pixels, spec->pixels_bytes,
                                           PR_PDF_STREAM_SMALL, error));
  }
  writer->image_ids[index] = id;
  writer->smask_ids[index] = smask_id;
  *out_id = id;
  return PR_OK;
}
