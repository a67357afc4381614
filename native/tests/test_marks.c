/* test_marks.c: marks as display-list bars, held pages written as mail pieces. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../layout.h"
#include "../marks.h"
#include "../pdf_writer.h"
#include "check.h"

static uint8_t scratch[PR_MARK_SCRATCH_BYTES];

static PrMarkSpec spec_of(uint8_t kind, float module, float width, float height) {
  PrMarkSpec spec;
  memset(&spec, 0, sizeof spec);
  spec.kind = kind;
  spec.x_pt = 10.0f;
  spec.y_pt = 20.0f;
  spec.module_pt = module;
  spec.width_pt = width;
  spec.height_pt = height;
  return spec;
}

static PrStatus draw(PrDisplayList *list, const PrMarkSpec *spec, const char *text, PrError *error) {
  return PrMark_draw(list, spec, (const uint8_t *)text, strlen(text), scratch, sizeof scratch, error);
}

static const PrItem *last_item(const PrDisplayList *list) {
  return &list->items[list->item_count - 1];
}

static void test_omr(void) {
  PrDisplayList list;
  PrDisplayList_init(&list);
  PrDisplayList_addPage(&list, 595, 842);
  PrError error;
  PrMarkSpec spec = spec_of(PR_MARK_OMR, 12.0f, 22.0f, 1.0f);
  CHECK_OK(draw(&list, &spec, "1011", &error), &error);
  const PrItem *item = last_item(&list);
  CHECK(item->kind == PR_ITEM_BARS && item->bar_count == 3 && item->size_pt == 0.0f);
  /* Tracks 0, 2 and 3: tops at y, y + 2 pitch, y + 3 pitch. */
  CHECK(list.bars[0].y_pt == 20.0f && list.bars[1].y_pt == 44.0f && list.bars[2].y_pt == 56.0f);
  CHECK(list.bars[0].x_pt == 10.0f && list.bars[0].width_pt == 22.0f && list.bars[0].height_pt == 1.0f);
  size_t items = list.item_count, bars = list.bar_count;
  CHECK(draw(&list, &spec, "10x1", &error) == PR_EINVAL);
  CHECK(strstr(error.message, "track 3") != NULL);
  CHECK(list.item_count == items && list.bar_count == bars && list.pages[0].item_count == items);
  PrDisplayList_free(&list);
}

static void test_symbols(void) {
  PrDisplayList list;
  PrDisplayList_init(&list);
  PrDisplayList_addPage(&list, 595, 842);
  PrError error;
  PrMarkSpec matrix = spec_of(PR_MARK_DATAMATRIX, 1.5f, 0, 0);
  CHECK_OK(draw(&list, &matrix, "26000100000001010100000", &error), &error);
  const PrItem *item = last_item(&list);
  /* Bars in whole modules from the top-left; the item carries the module. */
  CHECK(item->size_pt == 1.5f && item->bar_count > 10);
  bool whole = true;
  for (uint32_t b = 0; b < item->bar_count; b++) {
    const PrBar *bar = &list.bars[item->first_bar + b];
    whole = whole && bar->height_pt == 1.0f && bar->x_pt == floorf(bar->x_pt) &&
            bar->width_pt >= 1.0f && bar->x_pt + bar->width_pt <= 18.0f && bar->y_pt < 18.0f;
  }
  CHECK(whole);
  PrMarkSpec qr = spec_of(PR_MARK_QR, 1.0f, 0, 0);
  qr.option = PR_QR_EC_M;
  CHECK_OK(draw(&list, &qr, "https://pay.example/1", &error), &error);
  PrMarkSpec code = spec_of(PR_MARK_CODE128, 0.8f, 0, 30.0f);
  CHECK_OK(draw(&list, &code, "ACME12345", &error), &error);
  item = last_item(&list);
  CHECK(item->size_pt == 0.0f && list.bars[item->first_bar].x_pt == 10.0f &&
        list.bars[item->first_bar].height_pt == 30.0f);
  PrMarkSpec auspost = spec_of(PR_MARK_AUSPOST, 3.0f, 1.4f, 15.0f);
  CHECK_OK(draw(&list, &auspost, "11|39987520", &error), &error);
  item = last_item(&list);
  CHECK(item->bar_count == 37);
  /* Bars a pitch apart, each a full, ascender, descender or tracker. */
  bool shaped = true;
  for (uint32_t b = 0; b < item->bar_count; b++) {
    const PrBar *bar = &list.bars[item->first_bar + b];
    float top = bar->y_pt - 20.0f, height = bar->height_pt;
    bool full = fabsf(top) < 0.01f && fabsf(height - 15.0f) < 0.01f;
    bool ascender = fabsf(top) < 0.01f && fabsf(height - 10.0f) < 0.01f;
    bool descender = fabsf(top - 5.0f) < 0.01f && fabsf(height - 10.0f) < 0.01f;
    bool tracker = fabsf(top - 5.0f) < 0.01f && fabsf(height - 5.0f) < 0.01f;
    shaped = shaped && (full || ascender || descender || tracker) &&
             fabsf(bar->x_pt - (10.0f + 3.0f * (float)b)) < 0.01f;
  }
  CHECK(shaped);
  PrMarkSpec imb = spec_of(PR_MARK_IMB, 3.0f, 1.4f, 10.0f);
  CHECK_OK(draw(&list, &imb, "01234567094987654321|01234567891", &error), &error);
  CHECK(last_item(&list)->bar_count == 65);
  size_t items = list.item_count, bars = list.bar_count;
  CHECK(draw(&list, &auspost, "11|1234", &error) == PR_EINVAL);          /* DPID too short */
  CHECK(draw(&list, &auspost, "11|12345678|a|b", &error) == PR_EINVAL);  /* too many parts */
  CHECK(draw(&list, &imb, "0123", &error) == PR_EINVAL);
  CHECK(draw(&list, &code, "Zo\xc3\xab", &error) == PR_EINVAL);
  CHECK(list.item_count == items && list.bar_count == bars);
  PrMarkSpec bad = spec_of(0, 1.0f, 0, 0);
  CHECK(draw(&list, &bad, "x", &error) == PR_EINVAL);
  bad = spec_of(PR_MARK_QR, -1.0f, 0, 0);
  CHECK(draw(&list, &bad, "x", &error) == PR_EINVAL);
  bad = spec_of(PR_MARK_CODE128, 1.0f, 0, NAN);
  CHECK(draw(&list, &bad, "x", &error) == PR_EINVAL);
  bad = spec_of(PR_MARK_QR, 1.0f, 0, 0);
  bad.option = 9;
  CHECK(draw(&list, &bad, "x", &error) == PR_EINVAL);
  CHECK(PrMark_draw(&list, &qr, (const uint8_t *)"x", 1, scratch, 16, &error) == PR_EINVAL);
  PrDisplayList_free(&list);
}

/* A plan of one static rectangle, no fields: one page per record. */
static PrPlan *rect_plan(void) {
  PrPlan *plan = NULL;
  PrError error;
  if (PrPlan_create(595, 842, &plan, &error) != PR_OK) return NULL;
  PrRectSpec rect;
  memset(&rect, 0, sizeof rect);
  rect.x_pt = 50;
  rect.y_pt = 50;
  rect.width_pt = 100;
  rect.height_pt = 40;
  rect.has_fill = true;
  if (PrPlan_addRect(plan, &rect, &error) != PR_OK || PrPlan_finish(plan, &error) != PR_OK) {
    PrPlan_destroy(plan);
    return NULL;
  }
  return plan;
}

static void release_schema(struct ArrowSchema *schema) { schema->release = NULL; }
static void release_array(struct ArrowArray *array) { array->release = NULL; }

static size_t occurrences(const uint8_t *data, size_t size, const char *needle) {
  size_t n = strlen(needle), count = 0;
  for (size_t i = 0; i + n <= size; i++) {
    if (memcmp(data + i, needle, n) == 0) count++;
  }
  return count;
}

static void test_pieces(void) {
  PrPlan *plan = rect_plan();
  CHECK(plan != NULL);
  if (plan == NULL) return;
  PrError error;
  PrComposer *composer = NULL;
  CHECK_OK(PrComposer_create(plan, &composer, &error), &error);
  struct ArrowSchema schema;
  struct ArrowArray array;
  const void *buffers[1] = {NULL};
  memset(&schema, 0, sizeof schema);
  memset(&array, 0, sizeof array);
  schema.format = "+s";
  schema.name = "";
  schema.release = release_schema;
  array.length = 3;
  array.n_buffers = 1;
  array.buffers = buffers;
  array.release = release_array;
  int64_t first[3];
  int32_t counts[3];
  CHECK_OK(PrComposer_layoutBatch(composer, &schema, &array, NULL, 0, NULL, 0, first, counts, &error), &error);
  /* Rows by index, in any order; one that is not in the batch is refused. */
  int64_t reordered[2] = {2, 0};
  int64_t order_first[2];
  int32_t order_counts[2];
  CHECK_OK(PrComposer_layoutBatch(composer, &schema, &array, NULL, 0, reordered, 2, order_first, order_counts, &error), &error);
  CHECK(order_first[0] == 0 && order_first[1] == 1 && PrComposer_heldPageCount(composer) == 2);
  int64_t outside[1] = {3};
  CHECK(PrComposer_layoutBatch(composer, &schema, &array, NULL, 0, outside, 1, order_first, order_counts, &error) == PR_EINVAL);
  CHECK_OK(PrComposer_layoutBatch(composer, &schema, &array, NULL, 0, NULL, 0, first, counts, &error), &error);
  CHECK(first[0] == 0 && first[1] == 1 && first[2] == 2 && counts[0] == 1 && counts[2] == 1);
  CHECK(PrComposer_heldPageCount(composer) == 3);

  PrPdfOptions options;
  memset(&options, 0, sizeof options);
  options.compression = PR_COMPRESSION_NONE;
  PrPdfWriter *writer = NULL;
  CHECK_OK(PrPdfWriter_create(plan, &options, &writer, &error), &error);
  /* Piece 1: record 0 and a blank back; piece 2: records 1 and 2, marks on both. */
  int64_t pages[4] = {0, -1, 1, 2};
  uint64_t starts[3] = {0, 2, 4};
  PrMarkSpec marks[3];
  marks[0] = spec_of(PR_MARK_OMR, 12.0f, 22.0f, 1.0f);
  marks[1] = spec_of(PR_MARK_DATAMATRIX, 1.5f, 0, 0);
  marks[2] = spec_of(PR_MARK_OMR, 12.0f, 22.0f, 1.0f);
  uint64_t mark_pages[3] = {0, 2, 3};
  const char *texts = "11000000000002010200000011";
  uint64_t offsets[4] = {0, 2, 24, 26};
  PrPieceSet set = {pages, 4, starts, 2, marks, mark_pages, (const uint8_t *)texts, 26, offsets, 3, NULL, 0, NULL, 0, NULL};
  CHECK_OK(PrComposer_writePiecesPdf(composer, writer, &set, &error), &error);
  CHECK(PrPdfWriter_pageCount(writer) == 4);

  /* Refused: a held page that does not exist, a piece of no pages, marks out
   * of page order, a mark text the symbology cannot take. */
  int64_t missing[1] = {7};
  uint64_t one[2] = {0, 1};
  PrPieceSet bad = {missing, 1, one, 1, NULL, NULL, NULL, 0, offsets, 0, NULL, 0, NULL, 0, NULL};
  CHECK(PrComposer_writePiecesPdf(composer, writer, &bad, &error) == PR_EINVAL);
  uint64_t empty_piece[3] = {0, 0, 1};
  int64_t held[1] = {0};
  PrPieceSet no_pages = {held, 1, empty_piece, 2, NULL, NULL, NULL, 0, offsets, 0, NULL, 0, NULL, 0, NULL};
  CHECK(PrComposer_writePiecesPdf(composer, writer, &no_pages, &error) == PR_EINVAL);
  uint64_t backwards[2] = {1, 0};
  int64_t two[2] = {0, 1};
  uint64_t two_pages[2] = {0, 2};
  PrPieceSet order = {two, 2, two_pages, 1, marks, backwards, (const uint8_t *)texts, 26, offsets, 2, NULL, 0, NULL, 0, NULL};
  CHECK(PrComposer_writePiecesPdf(composer, writer, &order, &error) == PR_EINVAL);
  uint64_t bad_offsets[2] = {0, 2};
  PrPieceSet bad_text = {held, 1, one, 1, marks, mark_pages, (const uint8_t *)"12", 2, bad_offsets, 1, NULL, 0, NULL, 0, NULL};
  CHECK(PrComposer_writePiecesPdf(composer, writer, &bad_text, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "piece 0, page 0, mark 0") != NULL);

  CHECK_OK(PrPdfWriter_finish(writer, &error), &error);
  const uint8_t *data;
  size_t size;
  PrPdfWriter_output(writer, &data, &size);
  /* The blank back shares the one empty stream; the 2D symbol is an image
   * mask of its modules (16 x 16 for these 23 digits) in its box; OMR tracks
   * are rectangles (2 + 2 marks). */
  CHECK(occurrences(data, size, "<</Length 0>>") == 1);
  CHECK(occurrences(data, size, "q 24 0 0 24 10 798 cm\nBI/W 16/H 16/IM true/BPC 1/D[1 0]/F/AHx ID\n") == 1);
  CHECK(occurrences(data, size, ">\nEI Q\n") == 1);
  CHECK(occurrences(data, size, " re\n") == 4);
  PrPdfWriter_destroy(writer);
  PrComposer_destroy(composer);
  PrPlan_destroy(plan);
}

int main(void) {
  test_omr();
  test_symbols();
  test_pieces();
  return check_summary("marks");
}
