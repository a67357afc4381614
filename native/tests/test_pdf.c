/* test_pdf.c: the PDF writer and deflate, with the real fonts (DejaVu Sans
 * and Bold), an RGB image with alpha and a small JPEG. Writes three
 * documents through the PrDocWriter interface into argv[2] (default
 * /tmp/test_pdf.pdf), checks the file's structure here, and checks bad
 * input: every broken reference must give an error status, never a crash.
 * Run: test_pdf <repo root> [output.pdf]. The output is meant to be checked
 * with independent readers too (qpdf --check, pikepdf, pypdf, pdfminer). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "check.h"
#include "deflate.h"
#include "display_list.h"
#include "doc_writer.h"
#include "error.h"
#include "font.h"
#include "pdf_writer.h"   /* private: to fake a file above 4 GB */
#include "plan.h"
#include "pressrun.h"

#define FONT_DIR "/usr/share/fonts/truetype/dejavu/"

/* An 8x8 px RGB JPEG (Pillow, quality 50). */
static const uint8_t kJpeg[] = {
  0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
  0x00, 0x01, 0x00, 0x00, 0xFF, 0xDB, 0x00, 0x43, 0x00, 0x10, 0x0B, 0x0C, 0x0E, 0x0C, 0x0A, 0x10,
  0x0E, 0x0D, 0x0E, 0x12, 0x11, 0x10, 0x13, 0x18, 0x28, 0x1A, 0x18, 0x16, 0x16, 0x18, 0x31, 0x23,
  0x25, 0x1D, 0x28, 0x3A, 0x33, 0x3D, 0x3C, 0x39, 0x33, 0x38, 0x37, 0x40, 0x48, 0x5C, 0x4E, 0x40,
  0x44, 0x57, 0x45, 0x37, 0x38, 0x50, 0x6D, 0x51, 0x57, 0x5F, 0x62, 0x67, 0x68, 0x67, 0x3E, 0x4D,
  0x71, 0x79, 0x70, 0x64, 0x78, 0x5C, 0x65, 0x67, 0x63, 0xFF, 0xDB, 0x00, 0x43, 0x01, 0x11, 0x12,
  0x12, 0x18, 0x15, 0x18, 0x2F, 0x1A, 0x1A, 0x2F, 0x63, 0x42, 0x38, 0x42, 0x63, 0x63, 0x63, 0x63,
  0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63,
  0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63,
  0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0xFF, 0xC0,
  0x00, 0x11, 0x08, 0x00, 0x08, 0x00, 0x08, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11,
  0x01, 0xFF, 0xC4, 0x00, 0x1F, 0x00, 0x00, 0x01, 0x05, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09,
  0x0A, 0x0B, 0xFF, 0xC4, 0x00, 0xB5, 0x10, 0x00, 0x02, 0x01, 0x03, 0x03, 0x02, 0x04, 0x03, 0x05,
  0x05, 0x04, 0x04, 0x00, 0x00, 0x01, 0x7D, 0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21,
  0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xA1, 0x08, 0x23,
  0x42, 0xB1, 0xC1, 0x15, 0x52, 0xD1, 0xF0, 0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0A, 0x16, 0x17,
  0x18, 0x19, 0x1A, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A,
  0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A,
  0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A,
  0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99,
  0x9A, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7,
  0xB8, 0xB9, 0xBA, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5,
  0xD6, 0xD7, 0xD8, 0xD9, 0xDA, 0xE1, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF1,
  0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA, 0xFF, 0xC4, 0x00, 0x1F, 0x01, 0x00, 0x03,
  0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
  0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0xFF, 0xC4, 0x00, 0xB5, 0x11, 0x00,
  0x02, 0x01, 0x02, 0x04, 0x04, 0x03, 0x04, 0x07, 0x05, 0x04, 0x04, 0x00, 0x01, 0x02, 0x77, 0x00,
  0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71, 0x13,
  0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xA1, 0xB1, 0xC1, 0x09, 0x23, 0x33, 0x52, 0xF0, 0x15,
  0x62, 0x72, 0xD1, 0x0A, 0x16, 0x24, 0x34, 0xE1, 0x25, 0xF1, 0x17, 0x18, 0x19, 0x1A, 0x26, 0x27,
  0x28, 0x29, 0x2A, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
  0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
  0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88,
  0x89, 0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6,
  0xA7, 0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3, 0xC4,
  0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA, 0xE2,
  0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9,
  0xFA, 0xFF, 0xDA, 0x00, 0x0C, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3F, 0x00, 0x83,
  0x4F, 0xD0, 0xBA, 0x7C, 0x94, 0x51, 0x45, 0x73, 0xD5, 0xC4, 0xD4, 0xE6, 0xDC, 0xBC, 0x06, 0x2E,
  0xAF, 0xB1, 0x5A, 0x9F, 0xFF, 0xD9
};

/* A two-glyph CFF OpenType font (fontTools fontBuilder): .notdef and 'A'. */
static const uint8_t kTinyCff[] = {
  0x4F, 0x54, 0x54, 0x4F, 0x00, 0x09, 0x00, 0x80, 0x00, 0x03, 0x00, 0x10, 0x43, 0x46, 0x46, 0x20,
  0xBE, 0x41, 0xF3, 0xF6, 0x00, 0x00, 0x02, 0x14, 0x00, 0x00, 0x00, 0x5A, 0x4F, 0x53, 0x2F, 0x32,
  0x45, 0x20, 0x44, 0xCB, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x60, 0x63, 0x6D, 0x61, 0x70,
  0x00, 0x0C, 0x00, 0x94, 0x00, 0x00, 0x01, 0xC0, 0x00, 0x00, 0x00, 0x34, 0x68, 0x65, 0x61, 0x64,
  0x2F, 0x5C, 0xBE, 0xE2, 0x00, 0x00, 0x00, 0x9C, 0x00, 0x00, 0x00, 0x36, 0x68, 0x68, 0x65, 0x61,
  0x05, 0x16, 0x01, 0xC5, 0x00, 0x00, 0x00, 0xD4, 0x00, 0x00, 0x00, 0x24, 0x68, 0x6D, 0x74, 0x78,
  0x04, 0x4C, 0x00, 0x64, 0x00, 0x00, 0x02, 0x70, 0x00, 0x00, 0x00, 0x08, 0x6D, 0x61, 0x78, 0x70,
  0x00, 0x02, 0x50, 0x00, 0x00, 0x00, 0x00, 0xF8, 0x00, 0x00, 0x00, 0x06, 0x6E, 0x61, 0x6D, 0x65,
  0x4D, 0x4D, 0x69, 0xCF, 0x00, 0x00, 0x01, 0x60, 0x00, 0x00, 0x00, 0x60, 0x70, 0x6F, 0x73, 0x74,
  0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01, 0xF4, 0x00, 0x00, 0x00, 0x20, 0x00, 0x01, 0x00, 0x00,
  0x00, 0x01, 0x00, 0x00, 0xD3, 0xDC, 0x78, 0x5F, 0x5F, 0x0F, 0x3C, 0xF5, 0x00, 0x03, 0x03, 0xE8,
  0x00, 0x00, 0x00, 0x00, 0xE7, 0x29, 0x3D, 0xA3, 0x00, 0x00, 0x00, 0x00, 0xE7, 0x29, 0x3D, 0xA3,
  0x00, 0x32, 0x00, 0x00, 0x01, 0xC2, 0x02, 0xBC, 0x00, 0x00, 0x00, 0x03, 0x00, 0x02, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x03, 0x20, 0xFF, 0x38, 0x00, 0x00, 0x02, 0x58,
  0x00, 0x32, 0x00, 0x32, 0x01, 0xC2, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x50, 0x00, 0x00, 0x02, 0x00, 0x00,
  0x00, 0x03, 0x02, 0x26, 0x01, 0x90, 0x00, 0x05, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x3F, 0x3F, 0x3F, 0x3F, 0x00, 0x00,
  0x00, 0x41, 0x00, 0x41, 0x03, 0x20, 0x00, 0x00, 0x00, 0x00, 0x03, 0x20, 0x00, 0xC8, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x04, 0x00, 0x36, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x07,
  0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x07, 0x00, 0x07, 0x00, 0x03,
  0x00, 0x01, 0x04, 0x09, 0x00, 0x01, 0x00, 0x0E, 0x00, 0x0E, 0x00, 0x03, 0x00, 0x01, 0x04, 0x09,
  0x00, 0x02, 0x00, 0x0E, 0x00, 0x1C, 0x54, 0x69, 0x6E, 0x79, 0x43, 0x66, 0x66, 0x52, 0x65, 0x67,
  0x75, 0x6C, 0x61, 0x72, 0x00, 0x54, 0x00, 0x69, 0x00, 0x6E, 0x00, 0x79, 0x00, 0x43, 0x00, 0x66,
  0x00, 0x66, 0x00, 0x52, 0x00, 0x65, 0x00, 0x67, 0x00, 0x75, 0x00, 0x6C, 0x00, 0x61, 0x00, 0x72,
  0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x14, 0x00, 0x03, 0x00, 0x01,
  0x00, 0x00, 0x00, 0x14, 0x00, 0x04, 0x00, 0x20, 0x00, 0x00, 0x00, 0x04, 0x00, 0x04, 0x00, 0x01,
  0x00, 0x00, 0x00, 0x41, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x41, 0xFF, 0xFF, 0xFF, 0xC0, 0x00, 0x01,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x04, 0x01, 0x00, 0x01, 0x01, 0x01, 0x10, 0x54, 0x69, 0x6E,
  0x79, 0x43, 0x66, 0x66, 0x2D, 0x52, 0x65, 0x67, 0x75, 0x6C, 0x61, 0x72, 0x00, 0x01, 0x01, 0x01,
  0x12, 0xF8, 0x1B, 0x02, 0xBD, 0x8B, 0xF8, 0x56, 0xF9, 0x50, 0x05, 0xC4, 0x0F, 0x8B, 0xE5, 0x12,
  0xC7, 0x11, 0x00, 0x01, 0x01, 0x01, 0x05, 0x54, 0x69, 0x6E, 0x79, 0x00, 0x00, 0x00, 0x00, 0x22,
  0x00, 0x02, 0x01, 0x01, 0x0D, 0x19, 0xF8, 0x88, 0xBD, 0x16, 0xF8, 0x24, 0xF9, 0x50, 0xFC, 0x24,
  0x06, 0x0E, 0xF8, 0x88, 0xBD, 0x16, 0xF8, 0x24, 0xF9, 0x50, 0xFC, 0x24, 0x06, 0x0E, 0x00, 0x00,
  0x01, 0xF4, 0x00, 0x32, 0x02, 0x58, 0x00, 0x32
};

/* ---- fixtures ------------------------------------------------------------ */

static uint8_t *read_file(const char *path, size_t *size_bytes) {
  FILE *file = fopen(path, "rb");
  if (file == NULL) {
    return NULL;
  }
  fseek(file, 0, SEEK_END);
  long size = ftell(file);
  fseek(file, 0, SEEK_SET);
  uint8_t *data = malloc(size > 0 ? (size_t)size : 1);
  size_t got = fread(data, 1, (size_t)size, file);
  fclose(file);
  *size_bytes = got;
  return data;
}

static PrFont *load_font(const char *path) {
  size_t size = 0;
  uint8_t *data = read_file(path, &size);
  PrFont *font = NULL;
  PrError error;
  if (data == NULL || PrFont_create(data, size, 0, &font, &error) != PR_OK) {
    fprintf(stderr, "cannot load %s\n", path);
    font = NULL;
  }
  free(data);
  return font;
}

typedef struct Fixture {
  PrFont *regular, *bold;
  PrPlan *plan;
  uint32_t f_regular, f_bold, im_rgba, im_jpeg;
  uint8_t pixels[16 * 16 * 3];
  uint8_t alpha[16 * 16];
} Fixture;

static int fixture_init(Fixture *fx) {
  memset(fx, 0, sizeof *fx);
  PrError error;
  fx->regular = load_font(FONT_DIR "DejaVuSans.ttf");
  fx->bold = load_font(FONT_DIR "DejaVuSans-Bold.ttf");
  if (fx->regular == NULL || fx->bold == NULL) {
    return 0;
  }
  CHECK_OK(PrPlan_create(595.28f, 841.89f, &fx->plan, &error), &error);
  CHECK_OK(PrPlan_addFont(fx->plan, fx->regular, &fx->f_regular, &error), &error);
  CHECK_OK(PrPlan_addFont(fx->plan, fx->bold, &fx->f_bold, &error), &error);
  /* A red-to-blue gradient with a round alpha mask. */
  for (int y = 0; y < 16; y++) {
    for (int x = 0; x < 16; x++) {
      uint8_t *p = &fx->pixels[(y * 16 + x) * 3];
      p[0] = (uint8_t)(255 - x * 16);
      p[1] = (uint8_t)(y * 8);
      p[2] = (uint8_t)(x * 16);
      int dx = 2 * x - 15, dy = 2 * y - 15;
      fx->alpha[y * 16 + x] = dx * dx + dy * dy < 225 ? 255 : 0;
    }
  }
  PrImageSpec rgba = {16, 16, PR_COLOR_RGB, 8, fx->pixels, sizeof fx->pixels, fx->alpha,
                      sizeof fx->alpha, NULL, 0, false};
  CHECK_OK(PrPlan_addImage(fx->plan, &rgba, &fx->im_rgba, &error), &error);
  PrImageSpec jpeg = {8, 8, PR_COLOR_RGB, 8, NULL, 0, NULL, 0, kJpeg, sizeof kJpeg, false};
  CHECK_OK(PrPlan_addImage(fx->plan, &jpeg, &fx->im_jpeg, &error), &error);
  CHECK_OK(PrPlan_finish(fx->plan, &error), &error);
  return 1;
}

static void fixture_free(Fixture *fx) {
  PrPlan_destroy(fx->plan);
  PrFont_destroy(fx->regular);
  PrFont_destroy(fx->bold);
}

static PrColor rgb(float r, float g, float b) {
  PrColor color = {PR_COLOR_RGB, {r, g, b, 0}};
  return color;
}

static PrColor gray(float level) {
  PrColor color = {PR_COLOR_GRAY, {level, 0, 0, 0}};
  return color;
}

static uint32_t next_utf8(const char **text) {
  const uint8_t *p = (const uint8_t *)*text;
  uint32_t cp;
  int extra;
  if (p[0] < 0x80) { cp = p[0]; extra = 0; }
  else if (p[0] < 0xE0) { cp = p[0] & 0x1F; extra = 1; }
  else if (p[0] < 0xF0) { cp = p[0] & 0x0F; extra = 2; }
  else { cp = p[0] & 0x07; extra = 3; }
  for (int i = 1; i <= extra; i++) {
    cp = cp << 6 | (p[i] & 0x3F);
  }
  *text += 1 + extra;
  return cp;
}

/* A glyph run of UTF-8 text: kerning from the font, plus word_space_milli
 * after each space (justification). */
static PrItem *add_text(PrDisplayList *list, const PrFont *font, uint32_t font_index,
                        float size_pt, float x_pt, float y_pt, PrColor color,
                        const char *text, int word_space_milli) {
  PrFontInfo info;
  PrFont_info(font, &info);
  size_t count = 0;
  for (const char *p = text; *p != 0; count++) {
    next_utf8(&p);
  }
  uint32_t first = (uint32_t)list->glyph_count;
  PrGlyph *glyphs = PrDisplayList_addGlyphs(list, count);
  PrItem *item = PrDisplayList_addItem(list, PR_ITEM_GLYPHS);
  if (glyphs == NULL || item == NULL) {
    return NULL;
  }
  const char *p = text;
  for (size_t k = 0; k < count; k++) {
    uint32_t cp = next_utf8(&p);
    glyphs[k].id = PrFont_glyph(font, cp);
    glyphs[k].codepoint = cp;
    glyphs[k].extra_milli_em = cp == ' ' ? (int16_t)word_space_milli : 0;
    if (k > 0) {
      int kern = PrFont_kerning(font, glyphs[k - 1].id, glyphs[k].id);
      glyphs[k - 1].extra_milli_em =
          (int16_t)(glyphs[k - 1].extra_milli_em + kern * 1000 / info.units_per_em);
    }
  }
  item->resource = font_index;
  item->x_pt = x_pt;
  item->y_pt = y_pt;
  item->size_pt = size_pt;
  item->color = color;
  item->first_glyph = first;
  item->glyph_count = (uint32_t)count;
  return item;
}

static void add_line(PrDisplayList *list, float x1, float y1, float x2, float y2, float width,
                     PrColor color) {
  PrItem *item = PrDisplayList_addItem(list, PR_ITEM_LINE);
  if (item != NULL) {
    item->x_pt = x1;
    item->y_pt = y1;
    item->x2_pt = x2;
    item->y2_pt = y2;
    item->size_pt = width;
    item->color = color;
  }
}

static void add_rect(PrDisplayList *list, float x, float y, float w, float h, int stroke,
                     int fill, float width, PrColor stroke_color, PrColor fill_color) {
  PrItem *item = PrDisplayList_addItem(list, PR_ITEM_RECT);
  if (item != NULL) {
    item->x_pt = x;
    item->y_pt = y;
    item->width_pt = w;
    item->height_pt = h;
    item->has_stroke = (uint8_t)stroke;
    item->has_fill = (uint8_t)fill;
    item->size_pt = width;
    item->color = stroke_color;
    item->fill = fill_color;
  }
}

static void add_box_item(PrDisplayList *list, PrItemKind kind, uint32_t resource, float x,
                         float y, float w, float h) {
  PrItem *item = PrDisplayList_addItem(list, kind);
  if (item != NULL) {
    item->resource = resource;
    item->x_pt = x;
    item->y_pt = y;
    item->width_pt = w;
    item->height_pt = h;
  }
}

/* Drains the writer into a file and an in-memory copy. */
static void drain(PrPdfWriter *writer, FILE *file, PrBuffer *copy) {
  const uint8_t *data;
  size_t size;
  PrPdfWriter_output(writer, &data, &size);
  if (file != NULL && size > 0) {
    CHECK(fwrite(data, 1, size, file) == size);
  }
  if (copy != NULL) {
    PrBuffer_append(copy, data, size);
  }
  PrPdfWriter_consume(writer);
}

static const uint8_t *find_bytes(const uint8_t *data, size_t size, const char *needle) {
  size_t n = strlen(needle);
  for (size_t i = 0; n <= size && i <= size - n; i++) {
    if (memcmp(data + i, needle, n) == 0) {
      return data + i;
    }
  }
  return NULL;
}

static int contains(const PrBuffer *buffer, const char *needle) {
  return find_bytes(buffer->data, buffer->size_bytes, needle) != NULL;
}

static int contains_bytes(const PrBuffer *buffer, const uint8_t *needle, size_t n) {
  for (size_t i = 0; n <= buffer->size_bytes && i <= buffer->size_bytes - n; i++) {
    if (memcmp(buffer->data + i, needle, n) == 0) {
      return 1;
    }
  }
  return 0;
}

/* Appends a C string (length 0) or n raw bytes. */
static void append_bytes(uint8_t *out, size_t *length, const char *bytes, size_t n) {
  n = n == 0 ? strlen(bytes) : n;
  memcpy(out + *length, bytes, n);
  *length += n;
}

/* A glyph id as the content stream writes it: two bytes, escaped. */
static void append_glyph_bytes(uint8_t *out, size_t *length, uint16_t id) {
  uint8_t halves[2] = {(uint8_t)(id >> 8), (uint8_t)(id & 0xFF)};
  for (int i = 0; i < 2; i++) {
    uint8_t byte = halves[i];
    if (byte == '(' || byte == ')' || byte == '\\') {
      out[(*length)++] = '\\';
    } else if (byte == '\r') {
      out[(*length)++] = '\\';
      byte = 'r';
    }
    out[(*length)++] = byte;
  }
}

static size_t count_of(const PrBuffer *buffer, const char *needle) {
  size_t count = 0, n = strlen(needle);
  for (size_t i = 0; n <= buffer->size_bytes && i <= buffer->size_bytes - n; i++) {
    count += memcmp(buffer->data + i, needle, n) == 0;
  }
  return count;
}

/* Checks header, trailer and that startxref points at the xref stream. */
static void check_structure(const PrBuffer *file) {
  CHECK(file->size_bytes > 100);
  if (file->size_bytes <= 100) {
    return;
  }
  CHECK(memcmp(file->data, "%PDF-1.7\n%", 10) == 0);
  CHECK(file->data[10] >= 0x80 && file->data[11] >= 0x80);
  CHECK(memcmp(file->data + file->size_bytes - 6, "%%EOF\n", 6) == 0);
  const uint8_t *last = NULL;
  for (const uint8_t *p = file->data; (p = find_bytes(p, file->size_bytes - (size_t)(p - file->data),
                                                      "startxref\n")) != NULL; p++) {
    last = p;
  }
  CHECK(last != NULL);
  if (last == NULL) {
    return;
  }
  unsigned long long offset = strtoull((const char *)last + 10, NULL, 10);
  CHECK(offset > 0 && offset < file->size_bytes);
  if (offset == 0 || offset >= file->size_bytes) {
    return;
  }
  const char *at = (const char *)file->data + offset;
  const char *obj = strstr(at, " 0 obj\n<</Type/XRef/Size ");
  CHECK(obj != NULL && obj - at < 12 && at[0] >= '1' && at[0] <= '9');
}

/* The object `id`'s text from "id 0 obj" on (NULL when absent). */
static const char *object_text(const PrBuffer *file, unsigned id) {
  char header[32];
  snprintf(header, sizeof header, "\n%u 0 obj\n", id);
  const uint8_t *p = find_bytes(file->data, file->size_bytes, header);
  return p != NULL ? (const char *)p + 1 : NULL;
}

/* ---- deflate --------------------------------------------------------------- */

static void test_deflate(void) {
  PrError error;
  uint8_t input[20000];
  for (size_t i = 0; i < sizeof input; i++) {
    input[i] = (uint8_t)("BT /F0 10 Tf [<0041>-20<0042>]TJ ET\n"[i % 36] + (i % 1000 == 0));
  }
  for (int level = PR_COMPRESSION_FAST; level <= PR_COMPRESSION_SMALL; level++) {
    PrDeflater *deflater = NULL;
    CHECK_OK(PrDeflater_create(level, &deflater, &error), &error);
    PrBuffer out;
    PrBuffer_init(&out);
    PrBuffer_append(&out, "xx", 2);   /* appends, keeps what is there */
    for (int round = 0; round < 3; round++) {   /* one compressor, reused */
      out.size_bytes = 2;
      CHECK_OK(PrDeflater_compress(deflater, input, sizeof input, &out, &error), &error);
      CHECK(out.size_bytes > 2 && out.size_bytes < sizeof input / 4);
      uint8_t back[sizeof input];
      uLongf back_bytes = sizeof back;
      CHECK(uncompress(back, &back_bytes, out.data + 2, out.size_bytes - 2) == Z_OK);
      CHECK(back_bytes == sizeof input && memcmp(back, input, sizeof input) == 0);
    }
    out.size_bytes = 0;
    CHECK_OK(PrDeflater_compress(deflater, NULL, 0, &out, &error), &error);
    uint8_t back[4];
    uLongf back_bytes = sizeof back;
    CHECK(uncompress(back, &back_bytes, out.data, out.size_bytes) == Z_OK && back_bytes == 0);
    CHECK(PrDeflater_compress(deflater, NULL, 5, &out, &error) == PR_EINVAL);
    PrBuffer_free(&out);
    PrDeflater_destroy(deflater);
  }
  PrDeflater *deflater = NULL;
  CHECK(PrDeflater_create(7, &deflater, &error) == PR_EINVAL && deflater == NULL);
  CHECK(strcmp(PrDeflater_backend(), "libdeflate") == 0 || strcmp(PrDeflater_backend(), "zlib") == 0);
}

/* ---- the main file: 3 documents through PrDocWriter ------------------------ */

static void build_form(const Fixture *fx, PrDisplayList *list) {
  PrDisplayList_reset(list);
  PrDisplayList_addPage(list, 595.28f, 841.89f);
  add_rect(list, 0, 0, 595.28f, 36, 0, 1, 0, gray(0), rgb(0.1f, 0.25f, 0.5f));
  add_text(list, fx->bold, fx->f_bold, 14, 56, 24, gray(1), "ACME Savings Bank", 0);
  add_line(list, 56, 70, 539, 70, 0.5f, gray(0.5f));
  add_text(list, fx->regular, fx->f_regular, 7, 56, 820, gray(0.4f),
           "ACME Savings Bank, 1 Example Street, Springfield \xE2\x80\x94 www.example.com", 0);
}

static void build_page(const Fixture *fx, PrDisplayList *list, int document, int page) {
  PrDisplayList_addPage(list, 595.28f, 841.89f);
  add_box_item(list, PR_ITEM_FORM, 0, 0, 0, 595.28f, 841.89f);
  char title[128];
  snprintf(title, sizeof title, "Relev\xC3\xA9 de compte n\xC2\xB0 %d \xE2\x80\x94 page %d",
           document, page);
  add_text(list, fx->bold, fx->f_bold, 16, 56, 110, rgb(0.1f, 0.25f, 0.5f), title, 0);
  add_text(list, fx->regular, fx->f_regular, 10, 56, 140, gray(0),
           "Cher client, voici votre relev\xC3\xA9 mensuel.", 0);
  add_text(list, fx->regular, fx->f_regular, 10, 56, 154, gray(0),
           "AVATAR Wave: kerning pairs To, Vo, Yo, AV.", 0);
  add_text(list, fx->regular, fx->f_regular, 10, 56, 168, gray(0),
           "Justified line with extra word spacing here.", 300);
  add_text(list, fx->bold, fx->f_bold, 12, 56, 200, rgb(0.7f, 0, 0),
           "Total d\xC3\xBB : 1 234,56 \xE2\x82\xAC", 0);
  PrColor cmyk = {PR_COLOR_CMYK, {0, 0.6f, 1, 0}};
  add_text(list, fx->regular, fx->f_regular, 9, 56, 220, cmyk,
           "\xC5\x93uvre \xC3\xA0 No\xC3\xABl, CMYK orange", 0);
  add_rect(list, 50, 186, 200, 20, 1, 0, 1, rgb(0.7f, 0, 0), gray(0));
  add_rect(list, 300, 130, 120, 40, 1, 1, 2, gray(0), rgb(0.9f, 0.95f, 1));
  add_line(list, 56, 240, 539, 240, 1, rgb(0, 0.5f, 0));
  add_line(list, 56, 244, 539, 244, 0.25f, gray(0));
  add_box_item(list, PR_ITEM_IMAGE, fx->im_rgba, 440, 90, 64, 64);
  add_box_item(list, PR_ITEM_IMAGE, fx->im_jpeg, 510, 90, 48, 48);
  if (page == 2) {
    add_text(list, fx->regular, fx->f_regular, 14, 56, 280, gray(0),
             "Old Italic: \xF0\x90\x8C\x80\xF0\x90\x8C\x81 end", 0);
  }
  /* An empty run draws nothing. */
  PrItem *empty = PrDisplayList_addItem(list, PR_ITEM_GLYPHS);
  if (empty != NULL) {
    empty->resource = fx->f_regular;
    empty->first_glyph = 0;
    empty->glyph_count = 0;
  }
}

static void test_main_file(const Fixture *fx, const char *path) {
  PrError error;
  PrPdfWriter *writer = NULL;
  PrPdfOptions options = {PR_COMPRESSION_FAST, "Relev\xC3\xA9 \xE2\x82\xAC (test)", NULL, 1};
  CHECK_OK(PrPdfWriter_create(fx->plan, &options, &writer, &error), &error);
  if (writer == NULL) {
    return;
  }
  FILE *file = fopen(path, "wb");
  CHECK(file != NULL);
  PrBuffer copy;
  PrBuffer_init(&copy);
  PrDocWriter doc;
  PrPdfWriter_docWriter(writer, &doc);
  PrDisplayList list;
  PrDisplayList_init(&list);

  CHECK(!doc.hasForm(doc.self, 0));
  build_form(fx, &list);
  CHECK_OK(doc.defineForm(doc.self, 0, &list, 0, &error), &error);
  CHECK(doc.hasForm(doc.self, 0));
  CHECK(doc.defineForm(doc.self, 0, &list, 0, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "form 0") != NULL);

  int pages_per_document[3] = {2, 1, 1};
  for (int d = 0; d < 3; d++) {
    PrDisplayList_reset(&list);
    for (int p = 1; p <= pages_per_document[d]; p++) {
      build_page(fx, &list, d + 1, p);
    }
    CHECK_OK(PrDisplayList_check(&list, &error), &error);
    CHECK_OK(doc.beginDocument(doc.self, d, NULL, &error), &error);
    for (int p = 0; p < pages_per_document[d]; p++) {
      CHECK_OK(doc.writePage(doc.self, &list, (uint32_t)p, -1, &error), &error);
    }
    CHECK_OK(doc.endDocument(doc.self, &error), &error);
    drain(writer, file, &copy);   /* between batches: never the whole file */
  }
  CHECK(doc.pageCount(doc.self) == 4);
  CHECK(PrPdfWriter_pageCount(writer) == 4);

  /* Used glyphs: 'é' in the regular font, not 'Ж'. */
  PrFontInfo info;
  PrFont_info(fx->regular, &info);
  size_t bitset_bytes = (info.glyph_count + 7u) / 8u;
  uint8_t *bits = calloc(bitset_bytes + 4, 1);
  CHECK_OK(PrPdfWriter_usedGlyphs(writer, fx->f_regular, bits, bitset_bytes + 4, &error), &error);
  uint16_t e_acute = PrFont_glyph(fx->regular, 0xE9), zhe = PrFont_glyph(fx->regular, 0x416);
  CHECK(e_acute != 0 && (bits[e_acute / 8] >> (e_acute % 8) & 1));
  CHECK(zhe != 0 && !(bits[zhe / 8] >> (zhe % 8) & 1));
  CHECK(PrPdfWriter_usedGlyphs(writer, fx->f_regular, bits, bitset_bytes - 1, &error) == PR_EINVAL);
  CHECK(PrPdfWriter_usedGlyphs(writer, 9, bits, bitset_bytes, &error) == PR_EINVAL);
  free(bits);

  CHECK_OK(PrPdfWriter_finish(writer, &error), &error);
  drain(writer, file, &copy);
  CHECK(PrPdfWriter_bytesWritten(writer) == copy.size_bytes);
  if (file != NULL) {
    fclose(file);
  }
  check_structure(&copy);
  CHECK(count_of(&copy, "/Type/Page/Parent") == 4);
  const char *root = object_text(&copy, 2);
  CHECK(root != NULL && strncmp(root, "2 0 obj\n<</Type/Pages/Kids[", 27) == 0);
  CHECK(root != NULL && strstr(root, "/Count 4>>") != NULL);
  const char *resources = object_text(&copy, 3);
  CHECK(resources != NULL && strncmp(resources, "3 0 obj\n<</Font<</F0 ", 21) == 0);
  CHECK(resources != NULL && strstr(resources, "/Im0 ") && strstr(resources, "/Im1 ") &&
        strstr(resources, "/Fm0 "));
  const char *info_text = object_text(&copy, 4);
  /* Non-ASCII title: UTF-16BE with a byte order mark. */
  CHECK(info_text != NULL && strstr(info_text, "/Producer (pressrun)/Title <FEFF00520065006C0065007600E9002020AC") != NULL);
  CHECK(contains(&copy, "/Subtype/Type0/BaseFont/"));
  CHECK(contains(&copy, "+DejaVuSans-Bold/Encoding/Identity-H"));
  CHECK(contains(&copy, "/CIDToGIDMap/Identity"));
  CHECK(contains(&copy, "/SMask "));
  CHECK(contains(&copy, "/Filter/DCTDecode"));
  CHECK(count_of(&copy, "/Subtype/Image") == 3);   /* written once: rgb, its mask, jpeg */
  CHECK(contains(&copy, "/ID[<"));
  CHECK(!contains(&copy, "/CreationDate"));

  /* After finish every call is refused with a message. */
  CHECK(doc.beginDocument(doc.self, 9, NULL, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "finished") != NULL);
  CHECK(PrPdfWriter_finish(writer, &error) == PR_EINVAL);

  PrDisplayList_free(&list);
  PrBuffer_free(&copy);
  PrPdfWriter_destroy(writer);
}

/* ---- uncompressed output: the operators themselves ------------------------- */

static void test_uncompressed(const Fixture *fx, const char *path) {
  PrError error;
  PrPdfWriter *writer = NULL;
  PrPdfOptions options = {PR_COMPRESSION_NONE, "Q1 (draft) \\ x", "unit test", 1};
  CHECK_OK(PrPdfWriter_create(fx->plan, &options, &writer, &error), &error);
  if (writer == NULL) {
    return;
  }
  PrDocWriter doc;
  PrPdfWriter_docWriter(writer, &doc);
  PrDisplayList list;
  PrDisplayList_init(&list);
  PrDisplayList_addPage(&list, 200, 100);
  PrItem *item = add_text(&list, fx->regular, fx->f_regular, 10, 10, 20, gray(0), "AB", 0);
  if (item != NULL) {
    list.glyphs[item->first_glyph].extra_milli_em = 200;   /* widens the gap */
  }
  /* Same font, size and colour: one BT, no second Tf or g. */
  add_text(&list, fx->regular, fx->f_regular, 10, 10, 34, gray(0), "\xC3\xA9\xF0\x90\x8C\x80", 0);
  add_text(&list, fx->regular, fx->f_regular, 12.5f, 10.25f, 48, gray(0), "C", 0);
  add_rect(&list, 5, 60, 30, 10, 0, 1, 0, gray(0), rgb(1, 0, 0));
  add_line(&list, 0, 99, 200, 99, 0.5f, gray(0.25f));
  add_box_item(&list, PR_ITEM_IMAGE, fx->im_jpeg, 150, 10, 40, 30);
  CHECK_OK(doc.beginDocument(doc.self, 0, NULL, &error), &error);
  CHECK_OK(doc.writePage(doc.self, &list, 0, -1, &error), &error);
  CHECK_OK(doc.endDocument(doc.self, &error), &error);
  CHECK_OK(PrPdfWriter_finish(writer, &error), &error);
  PrBuffer copy;
  PrBuffer_init(&copy);
  drain(writer, NULL, &copy);
  check_structure(&copy);
  uint16_t a = PrFont_glyph(fx->regular, 'A'), b = PrFont_glyph(fx->regular, 'B');
  char expected[256];
  /* Glyph ids are binary big-endian pairs in literal strings. */
  uint8_t text_bytes[64];
  size_t text_length = 0;
  append_bytes(text_bytes, &text_length, "BT\n/F0 10 Tf\n0 g\n10 80 Td\n[(", 0);
  append_glyph_bytes(text_bytes, &text_length, a);
  append_bytes(text_bytes, &text_length, ")-200(", 0);
  append_glyph_bytes(text_bytes, &text_length, b);
  append_bytes(text_bytes, &text_length, ")]TJ\n0 -14 Td\n[(", 0);
  CHECK(contains_bytes(&copy, text_bytes, text_length));
  CHECK(count_of(&copy, " Tf\n") == 2);
  CHECK(contains(&copy, "/F0 12.5 Tf\n0.25 -14 Td\n"));
  CHECK(contains(&copy, "ET\n1 0 0 rg\n5 30 30 10 re f\n0.5 w\n0.25 G\n0 1 m 200 1 l S\n"));
  CHECK(contains(&copy, "q 40 0 0 30 150 60 cm /Im1 Do Q\n"));
  CHECK(contains(&copy, "/MediaBox[0 0 200 100]"));
  CHECK(contains(&copy, "/Producer (unit test)/Title (Q1 \\(draft\\) \\\\ x)"));
  /* ToUnicode: é, and U+10300 as a surrogate pair. */
  uint16_t e = PrFont_glyph(fx->regular, 0xE9), old_a = PrFont_glyph(fx->regular, 0x10300);
  snprintf(expected, sizeof expected, "<%04X><00E9>", e);
  CHECK(contains(&copy, expected));
  snprintf(expected, sizeof expected, "<%04X><D800DF00>", old_a);
  CHECK(contains(&copy, expected));
  CHECK(contains(&copy, "5 beginbfchar\n"));
  CHECK(contains(&copy, "/Ordering(Identity)"));
  /* /W: A and B are consecutive ids, one group. */
  snprintf(expected, sizeof expected, "/W[%u[", a);
  CHECK(contains(&copy, expected));
  CHECK(!contains(&copy, "/FlateDecode"));
  CHECK(!contains(&copy, "/F1 "));   /* the bold font is not used: not written */
  FILE *file = fopen(path, "wb");
  if (file != NULL) {
    CHECK(fwrite(copy.data, 1, copy.size_bytes, file) == copy.size_bytes);
    fclose(file);
  }
  PrBuffer_free(&copy);
  PrDisplayList_free(&list);
  PrPdfWriter_destroy(writer);
}

/* ---- page tree of many pages ------------------------------------------------ */

static void test_page_tree(const Fixture *fx, const char *path) {
  PrError error;
  PrPdfWriter *writer = NULL;
  PrPdfOptions options = {PR_COMPRESSION_FAST, NULL, NULL, 1};
  CHECK_OK(PrPdfWriter_create(fx->plan, &options, &writer, &error), &error);
  if (writer == NULL) {
    return;
  }
  PrDocWriter doc;
  PrPdfWriter_docWriter(writer, &doc);
  PrDisplayList list;
  PrDisplayList_init(&list);
  PrDisplayList_addPage(&list, 100, 100);
  add_rect(&list, 10, 10, 80, 80, 1, 0, 1, gray(0), gray(0));
  PrBuffer copy;
  PrBuffer_init(&copy);
  const uint64_t pages = 5000;   /* 79 leaves: two inner nodes under the root */
  for (uint64_t p = 0; p < pages; p++) {
    CHECK_OK(doc.beginDocument(doc.self, (int64_t)p, NULL, &error), &error);
    CHECK_OK(doc.writePage(doc.self, &list, 0, -1, &error), &error);
    CHECK_OK(doc.endDocument(doc.self, &error), &error);
    if (p % 1000 == 999) {
      drain(writer, NULL, &copy);
    }
  }
  CHECK_OK(PrPdfWriter_finish(writer, &error), &error);
  drain(writer, NULL, &copy);
  check_structure(&copy);
  CHECK(count_of(&copy, "/Type/Page/Parent") == pages);
  CHECK(count_of(&copy, "/Type/Pages/Parent") == 79 + 2);
  const char *root = object_text(&copy, 2);
  CHECK(root != NULL && strstr(root, "/Count 5000>>") != NULL);
  CHECK(root != NULL && strchr(root, ']') - strchr(root, '[') < 30);  /* two kids */
  CHECK(count_of(&copy, "/Count 64>>") == 78);
  CHECK(count_of(&copy, "/Count 4096>>") == 1);
  CHECK(count_of(&copy, "/Count 904>>") == 1);
  CHECK(count_of(&copy, "/Count 8>>") == 1);
  FILE *file = fopen(path, "wb");
  if (file != NULL) {
    CHECK(fwrite(copy.data, 1, copy.size_bytes, file) == copy.size_bytes);
    fclose(file);
  }
  PrBuffer_free(&copy);
  PrDisplayList_free(&list);
  PrPdfWriter_destroy(writer);
}

/* ---- bad input ------------------------------------------------------------------ */

static void test_bad_items(const Fixture *fx) {
  PrError error;
  PrPdfWriter *writer = NULL;
  CHECK_OK(PrPdfWriter_create(fx->plan, NULL, &writer, &error), &error);
  if (writer == NULL) {
    return;
  }
  PrDocWriter doc;
  PrPdfWriter_docWriter(writer, &doc);
  PrDisplayList list;
  PrDisplayList_init(&list);
  PrDisplayList_addPage(&list, 200, 200);
  PrItem *item = add_text(&list, fx->regular, fx->f_regular, 10, 10, 20, gray(0), "Hi", 0);

  /* writePage outside a document. */
  CHECK(doc.writePage(doc.self, &list, 0, -1, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "beginDocument") != NULL);
  CHECK(doc.endDocument(doc.self, &error) == PR_EINVAL);
  CHECK_OK(doc.beginDocument(doc.self, 0, NULL, &error), &error);
  CHECK(doc.beginDocument(doc.self, 1, NULL, &error) == PR_EINVAL);
  CHECK(PrPdfWriter_finish(writer, &error) == PR_EINVAL);
  CHECK(doc.writePage(doc.self, &list, 1, -1, &error) == PR_EINVAL);   /* no such page */

  item->resource = 7;
  CHECK(doc.writePage(doc.self, &list, 0, -1, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "font 7") != NULL);
  item->resource = fx->f_regular;
  list.glyphs[1].id = 60000;
  CHECK(doc.writePage(doc.self, &list, 0, -1, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "glyph id 60000") != NULL);
  list.glyphs[1].id = PrFont_glyph(fx->regular, 'i');
  item->glyph_count = 3;   /* beyond the list's glyphs */
  CHECK(doc.writePage(doc.self, &list, 0, -1, &error) == PR_EINVAL);
  item->first_glyph = 0xFFFFFFFFu;   /* overflowing range */
  CHECK(doc.writePage(doc.self, &list, 0, -1, &error) == PR_EINVAL);
  item->first_glyph = 0;
  item->glyph_count = 2;
  item->kind = 99;
  CHECK(doc.writePage(doc.self, &list, 0, -1, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "unknown kind") != NULL);
  item->kind = PR_ITEM_IMAGE;
  item->resource = 5;
  CHECK(doc.writePage(doc.self, &list, 0, -1, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "image 5") != NULL);
  item->kind = PR_ITEM_FORM;
  item->resource = 3;
  CHECK(doc.writePage(doc.self, &list, 0, -1, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "form 3") != NULL);
  item->kind = PR_ITEM_GLYPHS;
  item->resource = fx->f_regular;
  list.pages[0].item_count = 5;   /* more items than the list holds */
  CHECK(doc.writePage(doc.self, &list, 0, -1, &error) == PR_EINVAL);
  list.pages[0].item_count = 1;
  list.pages[0].width_pt = 0.0f / 0.0f;
  CHECK(doc.writePage(doc.self, &list, 0, -1, &error) == PR_EINVAL);
  list.pages[0].width_pt = 200;
  CHECK(PrPdfWriter_setFontProgram(writer, 0, kTinyCff, sizeof kTinyCff, 4, &error) == PR_EINVAL);
  CHECK(PrPdfWriter_setFontProgram(writer, 5, kTinyCff, sizeof kTinyCff, 2, &error) == PR_EINVAL);
  CHECK(PrPdfWriter_setFontProgram(writer, 0, NULL, 0, 2, &error) == PR_EINVAL);

  /* Garbled display lists: random kinds, references, ranges and numbers.
   * Every call must give PR_OK or PR_EINVAL, and the writer stays usable. */
  uint64_t seed = 12345;
  int ok_count = 0;
  for (int round = 0; round < 400; round++) {
    PrDisplayList_reset(&list);
    PrDisplayList_addPage(&list, 300, 300);
    PrGlyph *glyphs = PrDisplayList_addGlyphs(&list, 16);
    for (int g = 0; g < 16 && glyphs != NULL; g++) {
      seed = seed * 6364136223846793005ull + 1442695040888963407ull;
      glyphs[g].id = (uint16_t)(seed >> 33) % (round % 2 ? 7000 : 200);
      glyphs[g].extra_milli_em = (int16_t)(seed >> 17);
      glyphs[g].codepoint = (uint32_t)(seed >> 20);
    }
    for (int i = 0; i < 6; i++) {
      seed = seed * 6364136223846793005ull + 1442695040888963407ull;
      PrItem *it = PrDisplayList_addItem(&list, (PrItemKind)(1 + (seed >> 40) % 5));
      if (it == NULL) {
        break;
      }
      if ((seed >> 20) % 7 == 0) {
        it->kind = (uint8_t)(seed >> 50);
      }
      it->resource = (uint32_t)(seed >> 45) % 4;
      it->first_glyph = (uint32_t)(seed >> 30) % 20;
      it->glyph_count = (uint32_t)(seed >> 35) % 20;
      float values[] = {1e30f, -1e30f, 0.0f / 0.0f, 1.0f / 0.0f, 12.5f, -3.0f, 0.0f, 300.0f};
      it->x_pt = values[(seed >> 3) % 8];
      it->y_pt = values[(seed >> 6) % 8];
      it->width_pt = values[(seed >> 9) % 8];
      it->height_pt = values[(seed >> 12) % 8];
      it->size_pt = values[(seed >> 15) % 8];
      it->has_fill = (uint8_t)((seed >> 18) & 1);
      it->has_stroke = (uint8_t)((seed >> 19) & 1);
      it->color.space = (uint8_t)((seed >> 22) % 5);   /* 3, 4: not a colour space */
      it->color.value[0] = values[(seed >> 25) % 8];
      it->fill.space = (uint8_t)((seed >> 27) % 3);
    }
    PrStatus status = doc.writePage(doc.self, &list, 0, -1, &error);
    CHECK(status == PR_OK || status == PR_EINVAL);
    ok_count += status == PR_OK;
  }
  CHECK(ok_count > 0);
  CHECK_OK(doc.endDocument(doc.self, &error), &error);
  CHECK_OK(PrPdfWriter_finish(writer, &error), &error);
  PrBuffer copy;
  PrBuffer_init(&copy);
  drain(writer, NULL, &copy);
  check_structure(&copy);
  CHECK(count_of(&copy, "/Type/Page/Parent") == (size_t)ok_count);
  PrBuffer_free(&copy);
  PrDisplayList_free(&list);
  PrPdfWriter_destroy(writer);

  /* Bad arguments to create. */
  PrPlan *unfinished = NULL;
  CHECK_OK(PrPlan_create(100, 100, &unfinished, &error), &error);
  CHECK(PrPdfWriter_create(unfinished, NULL, &writer, &error) == PR_EINVAL && writer == NULL);
  PrPlan_destroy(unfinished);
  PrPdfOptions bad = {9, NULL, NULL, 1};
  CHECK(PrPdfWriter_create(fx->plan, &bad, &writer, &error) == PR_EINVAL && writer == NULL);
}

/* ---- CFF fonts -------------------------------------------------------------------- */

static void test_cff(const char *path) {
  PrError error;
  PrFont *font = NULL;
  CHECK_OK(PrFont_create(kTinyCff, sizeof kTinyCff, 0, &font, &error), &error);
  if (font == NULL) {
    return;
  }
  PrFontInfo info;
  PrFont_info(font, &info);
  CHECK(info.is_cff);
  PrPlan *plan = NULL;
  uint32_t index = 0;
  CHECK_OK(PrPlan_create(200, 100, &plan, &error), &error);
  CHECK_OK(PrPlan_addFont(plan, font, &index, &error), &error);
  CHECK_OK(PrPlan_finish(plan, &error), &error);
  PrDisplayList list;
  PrDisplayList_init(&list);
  PrDisplayList_addPage(&list, 200, 100);
  add_text(&list, font, index, 24, 20, 60, gray(0), "AAA", 0);
  for (int with_program = 0; with_program < 2; with_program++) {
    PrPdfWriter *writer = NULL;
    CHECK_OK(PrPdfWriter_create(plan, NULL, &writer, &error), &error);
    if (writer == NULL) {
      break;
    }
    PrDocWriter doc;
    PrPdfWriter_docWriter(writer, &doc);
    CHECK_OK(doc.beginDocument(doc.self, 0, NULL, &error), &error);
    CHECK_OK(doc.writePage(doc.self, &list, 0, -1, &error), &error);
    CHECK_OK(doc.endDocument(doc.self, &error), &error);
    if (!with_program) {
      CHECK(PrPdfWriter_finish(writer, &error) == PR_EFONT);
      CHECK(strstr(error.message, "font 0 is CFF: its subset must be provided with "
                                  "PrPdfWriter_setFontProgram") != NULL);
      /* A failed finish leaves the writer refusing every call. */
      CHECK(doc.beginDocument(doc.self, 1, NULL, &error) == PR_EINVAL);
      CHECK(strstr(error.message, "failed earlier") != NULL);
    } else {
      CHECK_OK(PrPdfWriter_setFontProgram(writer, index, kTinyCff, sizeof kTinyCff, 3, &error),
               &error);
      CHECK_OK(PrPdfWriter_finish(writer, &error), &error);
      PrBuffer copy;
      PrBuffer_init(&copy);
      drain(writer, NULL, &copy);
      check_structure(&copy);
      CHECK(contains(&copy, "/Subtype/CIDFontType0/"));
      CHECK(contains(&copy, "/FontFile3 "));
      CHECK(contains(&copy, "/Subtype/OpenType"));
      CHECK(!contains(&copy, "/CIDToGIDMap"));
      FILE *file = fopen(path, "wb");
      if (file != NULL) {
        CHECK(fwrite(copy.data, 1, copy.size_bytes, file) == copy.size_bytes);
        fclose(file);
      }
      PrBuffer_free(&copy);
    }
    PrPdfWriter_destroy(writer);
  }
  PrDisplayList_free(&list);
  PrPlan_destroy(plan);
  PrFont_destroy(font);
}

/* Offsets above 4 GB: the xref widens its offset field. The bytes before
 * are faked by moving the file position the writer counts from. */
static void test_large_offsets(const Fixture *fx) {
  PrError error;
  PrPdfWriter *writer = NULL;
  CHECK_OK(PrPdfWriter_create(fx->plan, NULL, &writer, &error), &error);
  if (writer == NULL) {
    return;
  }
  PrPdfWriter_consume(writer);
  writer->consumed_bytes = 5000000000ull;
  PrDocWriter doc;
  PrPdfWriter_docWriter(writer, &doc);
  PrDisplayList list;
  PrDisplayList_init(&list);
  PrDisplayList_addPage(&list, 100, 100);
  add_rect(&list, 10, 10, 80, 80, 1, 0, 1, gray(0), gray(0));
  CHECK_OK(doc.beginDocument(doc.self, 0, NULL, &error), &error);
  CHECK_OK(doc.writePage(doc.self, &list, 0, -1, &error), &error);
  CHECK_OK(doc.endDocument(doc.self, &error), &error);
  CHECK(PrPdfWriter_bytesWritten(writer) > 5000000000ull);
  CHECK_OK(PrPdfWriter_finish(writer, &error), &error);
  PrBuffer copy;
  PrBuffer_init(&copy);
  drain(writer, NULL, &copy);
  PrBuffer_appendByte(&copy, 0);
  CHECK(contains(&copy, "/W[1 5 1]"));
  const char *start = (const char *)find_bytes(copy.data, copy.size_bytes, "startxref\n");
  CHECK(start != NULL && strtoull(start + 10, NULL, 10) > 5000000000ull);
  PrBuffer_free(&copy);
  PrDisplayList_free(&list);
  PrPdfWriter_destroy(writer);
}

/* Two runs of the same job give the same bytes (no time, no pointers). */
/* The same pages with pages deflated as written and with four deflate
 * threads: the same bytes. */
static void write_many(const Fixture *fx, uint32_t threads, PrBuffer *copy) {
  PrError error;
  PrPdfWriter *writer = NULL;
  PrPdfOptions options = {PR_COMPRESSION_FAST, NULL, NULL, threads};
  CHECK_OK(PrPdfWriter_create(fx->plan, &options, &writer, &error), &error);
  if (writer == NULL) {
    return;
  }
  PrDocWriter doc;
  PrPdfWriter_docWriter(writer, &doc);
  PrDisplayList list;
  PrDisplayList_init(&list);
  build_form(fx, &list);
  CHECK_OK(doc.defineForm(doc.self, 0, &list, 0, &error), &error);
  for (int d = 0; d < 300; d++) {
    PrDisplayList_reset(&list);
    build_page(fx, &list, d, 1 + d % 2);
    CHECK_OK(doc.beginDocument(doc.self, d, NULL, &error), &error);
    CHECK_OK(doc.writePage(doc.self, &list, 0, -1, &error), &error);
    CHECK_OK(doc.endDocument(doc.self, &error), &error);
    if (d % 97 == 96) {
      const uint8_t *data;
      size_t before, after;
      PrPdfWriter_output(writer, &data, &before);
      CHECK_OK(PrPdfWriter_flush(writer, &error), &error);
      PrPdfWriter_output(writer, &data, &after);
      /* Queued pages come out one flush later: never before. */
      CHECK(after == before || (threads > 1 && after > before));
      drain(writer, NULL, copy);
    }
  }
  CHECK(PrPdfWriter_pageCount(writer) == 300);
  CHECK_OK(PrPdfWriter_finish(writer, &error), &error);
  drain(writer, NULL, copy);
  check_structure(copy);
  CHECK(count_of(copy, "/Type/Page/Parent") == 300);
  PrDisplayList_free(&list);
  PrPdfWriter_destroy(writer);
}

static void test_deflate_threads(const Fixture *fx) {
  PrBuffer one, four;
  PrBuffer_init(&one);
  PrBuffer_init(&four);
  write_many(fx, 1, &one);
  write_many(fx, 4, &four);
  CHECK(one.size_bytes > 10000 && one.size_bytes == four.size_bytes &&
        memcmp(one.data, four.data, one.size_bytes) == 0);
  PrBuffer_free(&one);
  PrBuffer_free(&four);
}

/* Glyph ids whose bytes are string delimiters, the escape or CR come out
 * escaped, so a reader gets the same ids back. */
static void test_string_escapes(const Fixture *fx) {
  PrError error;
  PrPdfWriter *writer = NULL;
  PrPdfOptions options = {PR_COMPRESSION_NONE, NULL, NULL, 1};
  CHECK_OK(PrPdfWriter_create(fx->plan, &options, &writer, &error), &error);
  if (writer == NULL) {
    return;
  }
  PrDocWriter doc;
  PrPdfWriter_docWriter(writer, &doc);
  PrDisplayList list;
  PrDisplayList_init(&list);
  PrDisplayList_addPage(&list, 200, 100);
  static const uint16_t ids[] = {0x0028, 0x0029, 0x005C, 0x000D, 0x0D28, 0x000A};
  const size_t count = sizeof ids / sizeof ids[0];
  uint32_t first = (uint32_t)list.glyph_count;
  PrGlyph *glyphs = PrDisplayList_addGlyphs(&list, count);
  PrItem *item = PrDisplayList_addItem(&list, PR_ITEM_GLYPHS);
  CHECK(glyphs != NULL && item != NULL);
  if (glyphs == NULL || item == NULL) {
    PrPdfWriter_destroy(writer);
    return;
  }
  for (size_t k = 0; k < count; k++) {
    glyphs[k].id = ids[k];
    glyphs[k].codepoint = 'a' + (uint32_t)k;
    glyphs[k].extra_milli_em = 0;
  }
  item->resource = fx->f_regular;
  item->x_pt = 10;
  item->y_pt = 20;
  item->size_pt = 10;
  item->color = gray(0);
  item->first_glyph = first;
  item->glyph_count = (uint32_t)count;
  CHECK_OK(doc.beginDocument(doc.self, 0, NULL, &error), &error);
  CHECK_OK(doc.writePage(doc.self, &list, 0, -1, &error), &error);
  CHECK_OK(doc.endDocument(doc.self, &error), &error);
  CHECK_OK(PrPdfWriter_finish(writer, &error), &error);
  PrBuffer copy;
  PrBuffer_init(&copy);
  drain(writer, NULL, &copy);
  static const uint8_t expected[] = {
      '[', '(', 0, '\\', '(', 0, '\\', ')', 0, '\\', '\\', 0, '\\', 'r',
      '\\', 'r', '\\', '(', 0, '\n', ')', ']', 'T', 'J'};
  CHECK(contains_bytes(&copy, expected, sizeof expected));
  PrBuffer_free(&copy);
  PrDisplayList_free(&list);
  PrPdfWriter_destroy(writer);
}

static void test_deterministic(const Fixture *fx) {
  PrBuffer copies[2];
  for (int run = 0; run < 2; run++) {
    PrBuffer_init(&copies[run]);
    PrError error;
    PrPdfWriter *writer = NULL;
    CHECK_OK(PrPdfWriter_create(fx->plan, NULL, &writer, &error), &error);
    if (writer == NULL) {
      return;
    }
    PrDocWriter doc;
    PrPdfWriter_docWriter(writer, &doc);
    PrDisplayList list;
    PrDisplayList_init(&list);
    build_page(fx, &list, 1, 2);
    CHECK_OK(doc.beginDocument(doc.self, 0, NULL, &error), &error);
    CHECK(doc.writePage(doc.self, &list, 0, -1, &error) == PR_EINVAL);   /* form 0 undefined */
    CHECK_OK(doc.endDocument(doc.self, &error), &error);
    PrDisplayList_free(&list);
    PrDisplayList_init(&list);
    build_form(fx, &list);
    CHECK_OK(doc.defineForm(doc.self, 0, &list, 0, &error), &error);
    PrDisplayList_reset(&list);
    build_page(fx, &list, 1, 2);
    CHECK_OK(doc.beginDocument(doc.self, 0, NULL, &error), &error);
    CHECK_OK(doc.writePage(doc.self, &list, 0, -1, &error), &error);
    CHECK_OK(doc.endDocument(doc.self, &error), &error);
    CHECK_OK(PrPdfWriter_finish(writer, &error), &error);
    drain(writer, NULL, &copies[run]);
    PrDisplayList_free(&list);
    PrPdfWriter_destroy(writer);
  }
  CHECK(copies[0].size_bytes == copies[1].size_bytes &&
        memcmp(copies[0].data, copies[1].data, copies[0].size_bytes) == 0);
  PrBuffer_free(&copies[0]);
  PrBuffer_free(&copies[1]);
}

int main(int argc, char **argv) {
  (void)argv[0];
  const char *path = argc > 2 ? argv[2] : "/tmp/test_pdf.pdf";
  char tree_path[1024], cff_path[1024], none_path[1024];
  snprintf(none_path, sizeof none_path, "%s.none.pdf", path);
  snprintf(tree_path, sizeof tree_path, "%s.tree.pdf", path);
  snprintf(cff_path, sizeof cff_path, "%s.cff.pdf", path);
  test_deflate();
  Fixture fx;
  if (!fixture_init(&fx)) {
    CHECK(0 && "fonts missing");
    return check_summary("pdf");
  }
  test_main_file(&fx, path);
  test_uncompressed(&fx, none_path);
  test_large_offsets(&fx);
  test_page_tree(&fx, tree_path);
  test_bad_items(&fx);
  test_string_escapes(&fx);
  test_deflate_threads(&fx);
  test_deterministic(&fx);
  test_cff(cff_path);
  fixture_free(&fx);
  return check_summary("pdf");
}
