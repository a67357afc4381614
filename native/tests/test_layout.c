/* test_layout.c: text layout and the composer, with the real fonts (DejaVu
 * Sans, Bold) and hand-built Arrow arrays, through a recording writer.
 * Run: test_layout <repo root>. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "display_list.h"
#include "doc_writer.h"
#include "error.h"
#include "layout.h"
#include "plan.h"
#include "pressrun.h"

#define FONT_DIR "/usr/share/fonts/truetype/dejavu/"

static PrFont *load_font(const char *path) {
  FILE *file = fopen(path, "rb");
  if (file == NULL) {
    fprintf(stderr, "cannot open %s\n", path);
    return NULL;
  }
  fseek(file, 0, SEEK_END);
  long size = ftell(file);
  fseek(file, 0, SEEK_SET);
  uint8_t *data = malloc((size_t)size);
  size_t got = fread(data, 1, (size_t)size, file);
  fclose(file);
  PrFont *font = NULL;
  PrError error;
  if (got != (size_t)size || PrFont_create(data, got, 0, &font, &error) != PR_OK) {
    fprintf(stderr, "cannot load %s\n", path);
    font = NULL;
  }
  free(data);
  return font;
}

/* ---- Arrow arrays built by hand ---------------------------------------- */

static void release_schema(struct ArrowSchema *schema) { schema->release = NULL; }
static void release_array(struct ArrowArray *array) { array->release = NULL; }

typedef struct TestColumn {
  struct ArrowSchema schema;
  struct ArrowArray array;
  const void *buffers[3];
  uint8_t *validity;
  int32_t *offsets;
  char *data;
  int64_t *ints;
} TestColumn;

/* values[i] == NULL: a null. */
static void make_utf8(TestColumn *column, const char *name, const char *const *values,
                      int64_t count) {
  memset(column, 0, sizeof *column);
  column->validity = calloc((size_t)count / 8 + 1, 1);
  column->offsets = calloc((size_t)count + 1, sizeof *column->offsets);
  size_t total = 0;
  for (int64_t i = 0; i < count; i++) {
    total += values[i] != NULL ? strlen(values[i]) : 0;
  }
  column->data = malloc(total + 1);
  int64_t nulls = 0;
  size_t at = 0;
  for (int64_t i = 0; i < count; i++) {
    if (values[i] != NULL) {
      column->validity[i / 8] |= (uint8_t)(1u << (i % 8));
      memcpy(column->data + at, values[i], strlen(values[i]));
      at += strlen(values[i]);
    } else {
      nulls++;
    }
    column->offsets[i + 1] = (int32_t)at;
  }
  column->buffers[0] = column->validity;
  column->buffers[1] = column->offsets;
  column->buffers[2] = column->data;
  column->schema.format = "u";
  column->schema.name = name;
  column->schema.flags = ARROW_FLAG_NULLABLE;
  column->schema.release = release_schema;
  column->array.length = count;
  column->array.null_count = nulls;
  column->array.n_buffers = 3;
  column->array.buffers = column->buffers;
  column->array.release = release_array;
}

static void make_int64(TestColumn *column, const char *name, const int64_t *values,
                       const bool *valid, int64_t count) {
  memset(column, 0, sizeof *column);
  column->validity = calloc((size_t)count / 8 + 1, 1);
  column->ints = calloc((size_t)count + 1, sizeof *column->ints);
  int64_t nulls = 0;
  for (int64_t i = 0; i < count; i++) {
    column->ints[i] = values[i];
    if (valid[i]) {
      column->validity[i / 8] |= (uint8_t)(1u << (i % 8));
    } else {
      nulls++;
    }
  }
  column->buffers[0] = column->validity;
  column->buffers[1] = column->ints;
  column->schema.format = "l";
  column->schema.name = name;
  column->schema.flags = ARROW_FLAG_NULLABLE;
  column->schema.release = release_schema;
  column->array.length = count;
  column->array.null_count = nulls;
  column->array.n_buffers = 2;
  column->array.buffers = column->buffers;
  column->array.release = release_array;
}

static void free_column(TestColumn *column) {
  free(column->validity);
  free(column->offsets);
  free(column->data);
  free(column->ints);
}

#define MAX_COLUMNS 16

typedef struct TestBatch {
  struct ArrowSchema schema;
  struct ArrowArray array;
  struct ArrowSchema *child_schemas[MAX_COLUMNS];
  struct ArrowArray *child_arrays[MAX_COLUMNS];
  const void *buffers[1];
} TestBatch;

static void make_batch(TestBatch *batch, TestColumn *columns, int count, int64_t rows) {
  memset(batch, 0, sizeof *batch);
  for (int i = 0; i < count; i++) {
    batch->child_schemas[i] = &columns[i].schema;
    batch->child_arrays[i] = &columns[i].array;
  }
  batch->schema.format = "+s";
  batch->schema.name = "";
  batch->schema.n_children = count;
  batch->schema.children = batch->child_schemas;
  batch->schema.release = release_schema;
  batch->array.length = rows;
  batch->array.n_buffers = 1;
  batch->array.buffers = batch->buffers;
  batch->array.n_children = count;
  batch->array.children = batch->child_arrays;
  batch->array.release = release_array;
}

/* ---- A writer that keeps copies of what it is given -------------------- */

typedef struct SavedPage {
  int64_t record;
  PrItem *items;
  size_t item_count;
  PrGlyph *glyphs;
  size_t glyph_count;
} SavedPage;

#define MAX_SAVED 32

typedef struct Recorder {
  bool has_form;
  SavedPage form;
  SavedPage pages[MAX_SAVED];
  int page_count;
  int documents_open;
  int documents;
  int64_t current_record;
  int fail_on_page;  /* >0: writePage number N fails with PR_ELIMIT */
} Recorder;

static void save_page(SavedPage *saved, const PrDisplayList *list, uint32_t page) {
  const PrDlPage *p = &list->pages[page];
  saved->item_count = p->item_count;
  saved->items = malloc((p->item_count + 1) * sizeof *saved->items);
  memcpy(saved->items, list->items + p->first_item, p->item_count * sizeof *saved->items);
  saved->glyph_count = list->glyph_count;
  saved->glyphs = malloc((list->glyph_count + 1) * sizeof *saved->glyphs);
  memcpy(saved->glyphs, list->glyphs, list->glyph_count * sizeof *saved->glyphs);
}

static void free_page(SavedPage *saved) {
  free(saved->items);
  free(saved->glyphs);
  memset(saved, 0, sizeof *saved);
}

static bool rec_hasForm(void *self, uint32_t key) {
  return key == 0 && ((Recorder *)self)->has_form;
}
static PrStatus rec_defineForm(void *self, uint32_t key, const PrDisplayList *list,
                               uint32_t page, PrError *error) {
  Recorder *recorder = self;
  (void)error;
  CHECK(key == 0);
  CHECK(!recorder->has_form);
  save_page(&recorder->form, list, page);
  recorder->has_form = true;
  return PR_OK;
}
static PrStatus rec_beginDocument(void *self, int64_t record, const PrDocTags *tags,
                                  PrError *error) {
  Recorder *recorder = self;
  (void)error;
  (void)tags;
  CHECK(recorder->documents_open == 0);
  recorder->documents_open++;
  recorder->current_record = record;
  return PR_OK;
}
static PrStatus rec_writePage(void *self, const PrDisplayList *list, uint32_t page,
                              int32_t medium_map, PrError *error) {
  Recorder *recorder = self;
  (void)medium_map;
  CHECK(recorder->documents_open == 1);
  if (recorder->fail_on_page > 0 && recorder->page_count + 1 == recorder->fail_on_page) {
    return PrError_set(error, PR_ELIMIT, "recorder: page limit");
  }
  if (recorder->page_count < MAX_SAVED) {
    SavedPage *saved = &recorder->pages[recorder->page_count];
    save_page(saved, list, page);
    saved->record = recorder->current_record;
  }
  recorder->page_count++;
  return PR_OK;
}
static PrStatus rec_endDocument(void *self, PrError *error) {
  Recorder *recorder = self;
  (void)error;
  recorder->documents_open--;
  recorder->documents++;
  return PR_OK;
}
static uint64_t rec_pageCount(const void *self) {
  return (uint64_t)((const Recorder *)self)->page_count;
}

static void recorder_writer(Recorder *recorder, PrDocWriter *writer) {
  memset(recorder, 0, sizeof *recorder);
  writer->self = recorder;
  writer->hasForm = rec_hasForm;
  writer->defineForm = rec_defineForm;
  writer->beginDocument = rec_beginDocument;
  writer->writePage = rec_writePage;
  writer->endDocument = rec_endDocument;
  writer->pageCount = rec_pageCount;
}

static void recorder_free(Recorder *recorder) {
  free_page(&recorder->form);
  for (int i = 0; i < MAX_SAVED; i++) {
    free_page(&recorder->pages[i]);
  }
}

/* ---- Reading a page back ----------------------------------------------- */

static PrFont *g_fonts[2];  /* plan font 0: regular, 1: bold */

static float glyph_advance_pt(uint32_t font, uint16_t glyph, float size_pt) {
  PrFontInfo info;
  PrFont_info(g_fonts[font], &info);
  return PrFont_advance(g_fonts[font], glyph) * size_pt / info.units_per_em;
}

/* Where the item's last glyph ends, the way a PDF viewer places it. */
static float item_end_x(const SavedPage *page, const PrItem *item) {
  float x = item->x_pt;
  for (uint32_t k = 0; k < item->glyph_count; k++) {
    const PrGlyph *g = &page->glyphs[item->first_glyph + k];
    x += glyph_advance_pt(item->resource, g->id, item->size_pt) +
         g->extra_milli_em * item->size_pt / 1000.0f;
  }
  return x;
}

static size_t put_utf8(char *out, uint32_t cp) {
  if (cp < 0x80) { out[0] = (char)cp; return 1; }
  if (cp < 0x800) { out[0] = (char)(0xC0 | (cp >> 6)); out[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12)); out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F)); return 3;
  }
  out[0] = (char)(0xF0 | (cp >> 18)); out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); out[3] = (char)(0x80 | (cp & 0x3F)); return 4;
}

/* The text of the glyph items starting inside [x0,x1]x[y0,y1], a '\n'
 * between baselines. */
static void text_in(const SavedPage *page, float x0, float y0, float x1, float y1, char *out,
                    size_t out_bytes) {
  size_t at = 0;
  float last_y = -1.0f;
  for (size_t i = 0; i < page->item_count; i++) {
    const PrItem *item = &page->items[i];
    if (item->kind != PR_ITEM_GLYPHS || item->x_pt < x0 - 0.01f || item->x_pt > x1 ||
        item->y_pt < y0 || item->y_pt > y1) {
      continue;
    }
    if (last_y >= 0.0f && fabsf(item->y_pt - last_y) > 0.01f && at + 1 < out_bytes) {
      out[at++] = '\n';
    }
    last_y = item->y_pt;
    for (uint32_t k = 0; k < item->glyph_count && at + 5 < out_bytes; k++) {
      at += put_utf8(out + at, page->glyphs[item->first_glyph + k].codepoint);
    }
  }
  out[at] = '\0';
}

/* Glyph items of a region: count, lines, max right edge, smallest size. */
typedef struct Region {
  int items, lines;
  float right, size_min, size_max, last_y;
  uint32_t last_codepoint;
} Region;

static Region region_of(const SavedPage *page, float x0, float y0, float x1, float y1) {
  Region r = {0, 0, -1.0f, 1e9f, 0.0f, -1.0f, 0};
  for (size_t i = 0; i < page->item_count; i++) {
    const PrItem *item = &page->items[i];
    if (item->kind != PR_ITEM_GLYPHS || item->x_pt < x0 - 0.01f || item->x_pt > x1 ||
        item->y_pt < y0 || item->y_pt > y1) {
      continue;
    }
    r.items++;
    if (fabsf(item->y_pt - r.last_y) > 0.01f) r.lines++;
    r.last_y = item->y_pt;
    float end = item_end_x(page, item);
    if (end > r.right) r.right = end;
    if (item->size_pt < r.size_min) r.size_min = item->size_pt;
    if (item->size_pt > r.size_max) r.size_max = item->size_pt;
    r.last_codepoint = page->glyphs[item->first_glyph + item->glyph_count - 1].codepoint;
  }
  return r;
}

static float text_width_pt(uint32_t font, const char *text, float size_pt) {
  float width = 0.0f;
  for (const char *p = text; *p; p++) {
    width += glyph_advance_pt(font, PrFont_glyph(g_fonts[font], (uint8_t)*p), size_pt);
  }
  return width;
}

/* ---- The plan of the composer test -------------------------------------- */

enum { F_TITLE, F_FIRST, F_LAST, F_ADDR1, F_ADDR2, F_LOCALITY, F_POSTCODE, F_BALANCE,
       F_NOTE_ERROR, F_NOTE_SHRINK, F_NOTE_TRUNCATE, F_BODY, F_MISSING_OPT, FIELD_COUNT };
static const char *const kFieldNames[FIELD_COUNT] = {
    "title", "first_name", "last_name", "address_line1", "address_line2", "locality",
    "postcode", "balance", "note_error", "note_shrink", "note_truncate", "body", "missing_opt"};
static const bool kFieldRequired[FIELD_COUNT] = {false, true, true, true, false, false,
                                                 false, false, false, false, false, false,
                                                 false};

/* Boxes (x, y, width, height) of the blocks, for reading pages back. */
#define ADDR_X 50.0f
#define ADDR_Y 100.0f
#define RIGHT_X 300.0f
#define RIGHT_Y 100.0f
#define RIGHT_W 200.0f
#define FRAME_X 50.0f
#define FRAME_Y 300.0f
#define FRAME_W 300.0f
#define FRAME_H 200.0f
#define BOX_W 100.0f
#define ERR_X 400.0f
#define ERR_Y 300.0f
#define SHRINK_X 400.0f
#define SHRINK_Y 350.0f
#define TRUNC_X 400.0f
#define TRUNC_Y 400.0f
#define BREAK_X 50.0f
#define BREAK_Y 600.0f
#define KERN_Y 700.0f
#define NOKERN_Y 730.0f

static const char kBreakSentence[] = "The quick brown fox jumps over the dog";
static float g_break_width;

static void add_run(PrPlan *plan, uint32_t block, uint32_t style, int32_t field,
                    const char *text, PrError *error) {
  PrRunSpec run = {style, field, text, text != NULL ? strlen(text) : 0};
  CHECK_OK(PrPlan_addRun(plan, block, &run, error), error);
}

static PrBlockSpec block_at(float x, float y, float width, float height) {
  PrBlockSpec spec;
  memset(&spec, 0, sizeof spec);
  spec.frame = -1;
  spec.x_pt = x;
  spec.y_pt = y;
  spec.width_pt = width;
  spec.height_pt = height;
  spec.wrap = true;
  return spec;
}

static PrPlan *build_plan(PrError *error) {
  PrPlan *plan = NULL;
  CHECK_OK(PrPlan_create(595.0f, 842.0f, &plan, error), error);
  if (plan == NULL) return NULL;
  uint32_t regular, bold;
  CHECK_OK(PrPlan_addFont(plan, g_fonts[0], &regular, error), error);
  CHECK_OK(PrPlan_addFont(plan, g_fonts[1], &bold, error), error);
  PrColor black = {PR_COLOR_GRAY, {0, 0, 0, 0}};
  PrColor red = {PR_COLOR_RGB, {1, 0, 0, 0}};
  PrStyleSpec style = {&regular, 1, 10.0f, 13.0f, black, true};
  uint32_t body, strong, plain, alert;
  CHECK_OK(PrPlan_addStyle(plan, &style, &body, error), error);
  style.fonts = &bold;
  CHECK_OK(PrPlan_addStyle(plan, &style, &strong, error), error);
  style.fonts = &regular;
  style.kerning = false;
  CHECK_OK(PrPlan_addStyle(plan, &style, &plain, error), error);
  style.kerning = true;
  style.color = red;
  CHECK_OK(PrPlan_addStyle(plan, &style, &alert, error), error);
  for (int f = 0; f < FIELD_COUNT; f++) {
    PrFieldSpec field;
    memset(&field, 0, sizeof field);
    field.name = kFieldNames[f];
    field.required = kFieldRequired[f];
    field.format.decimals = -1;
    uint32_t index;
    CHECK_OK(PrPlan_addField(plan, &field, &index, error), error);
    CHECK(index == (uint32_t)f);
  }
  uint32_t frame;
  CHECK_OK(PrPlan_addFrame(plan, FRAME_X, FRAME_Y, FRAME_W, FRAME_H, &frame, error), error);

  /* The address block: empty lines dropped. */
  PrBlockSpec spec = block_at(ADDR_X, ADDR_Y, 200.0f, 0.0f);
  spec.skip_empty_lines = true;
  uint32_t b;
  CHECK_OK(PrPlan_addBlock(plan, &spec, &b, error), error);
  add_run(plan, b, body, F_TITLE, NULL, error);
  add_run(plan, b, body, -1, " ", error);
  add_run(plan, b, body, F_FIRST, NULL, error);
  add_run(plan, b, body, -1, " ", error);
  add_run(plan, b, body, F_LAST, NULL, error);
  add_run(plan, b, body, -1, "\n", error);
  add_run(plan, b, body, F_ADDR1, NULL, error);
  add_run(plan, b, body, -1, "\n", error);
  add_run(plan, b, body, F_ADDR2, NULL, error);
  add_run(plan, b, body, -1, "\n", error);
  add_run(plan, b, body, F_LOCALITY, NULL, error);
  add_run(plan, b, body, -1, " ", error);
  add_run(plan, b, body, F_POSTCODE, NULL, error);
  add_run(plan, b, body, F_MISSING_OPT, NULL, error);

  /* Right-aligned, one line. */
  spec = block_at(RIGHT_X, RIGHT_Y, RIGHT_W, 0.0f);
  spec.align = PR_ALIGN_RIGHT;
  CHECK_OK(PrPlan_addBlock(plan, &spec, &b, error), error);
  add_run(plan, b, body, -1, "Account ", error);
  add_run(plan, b, alert, F_POSTCODE, NULL, error);

  /* The frame: a justified paragraph with a bold run, then a short one. */
  spec = block_at(0, 0, 0, 0);
  spec.frame = (int32_t)frame;
  spec.align = PR_ALIGN_JUSTIFY;
  spec.space_after_pt = 8.0f;
  CHECK_OK(PrPlan_addBlock(plan, &spec, &b, error), error);
  add_run(plan, b, body, -1, "Please pay ", error);
  add_run(plan, b, strong, F_BALANCE, NULL, error);
  add_run(plan, b, body, -1, " by the due date. ", error);
  add_run(plan, b, body, F_BODY, NULL, error);
  spec.align = PR_ALIGN_LEFT;
  spec.space_before_pt = 4.0f;
  CHECK_OK(PrPlan_addBlock(plan, &spec, &b, error), error);
  add_run(plan, b, body, -1, "Thank you.", error);

  /* Fixed boxes of two lines (one for shrink), one per overflow policy. */
  spec = block_at(ERR_X, ERR_Y, BOX_W, 26.0f);
  CHECK_OK(PrPlan_addBlock(plan, &spec, &b, error), error);
  add_run(plan, b, body, F_NOTE_ERROR, NULL, error);
  spec = block_at(SHRINK_X, SHRINK_Y, BOX_W, 13.0f);
  spec.overflow = PR_OVERFLOW_SHRINK;
  spec.min_size_pt = 5.0f;
  CHECK_OK(PrPlan_addBlock(plan, &spec, &b, error), error);
  add_run(plan, b, body, F_NOTE_SHRINK, NULL, error);
  spec = block_at(TRUNC_X, TRUNC_Y, BOX_W, 26.0f);
  spec.overflow = PR_OVERFLOW_TRUNCATE;
  CHECK_OK(PrPlan_addBlock(plan, &spec, &b, error), error);
  add_run(plan, b, body, F_NOTE_TRUNCATE, NULL, error);

  /* Static text (goes to the form): a sentence that breaks after "fox". */
  float w1 = text_width_pt(0, "The quick brown fox", 10.0f);
  float w2 = text_width_pt(0, "The quick brown fox jumps", 10.0f);
  g_break_width = (w1 + w2) / 2;
  CHECK(text_width_pt(0, "jumps over the dog", 10.0f) < g_break_width);
  spec = block_at(BREAK_X, BREAK_Y, g_break_width, 0.0f);
  CHECK_OK(PrPlan_addBlock(plan, &spec, &b, error), error);
  add_run(plan, b, body, -1, kBreakSentence, error);
  spec = block_at(50.0f, KERN_Y, 0.0f, 0.0f);
  spec.wrap = false;
  CHECK_OK(PrPlan_addBlock(plan, &spec, &b, error), error);
  add_run(plan, b, body, -1, "AVAV", error);
  spec.y_pt = NOKERN_Y;
  CHECK_OK(PrPlan_addBlock(plan, &spec, &b, error), error);
  add_run(plan, b, plain, -1, "AVAV", error);
  PrLineSpec line = {50, 800, 545, 800, 0.5f, black};
  CHECK_OK(PrPlan_addLine(plan, &line, error), error);
  CHECK_OK(PrPlan_finish(plan, error), error);
  return plan;
}

/* ---- The composer test -------------------------------------------------- */

#define ROWS 11
static const char kShortBody[] =
    "This letter summarises your account for the billing period that has just "
    "ended, with all charges, discounts and payments received, and the balance "
    "that is now due.";
static const char kLongNote[] = "This note is far too long to fit in a small box of two lines";
static const char kShrinkNote[] = "Shrink this text until it fits";
static const char kHugeShrink[] =
    "This text is so long that no size above the minimum lets it fit in one line of the box";

static char *repeat(const char *text, int times) {
  size_t n = strlen(text);
  char *out = malloc(n * (size_t)times + 1);
  for (int i = 0; i < times; i++) memcpy(out + n * (size_t)i, text, n);
  out[n * (size_t)times] = '\0';
  return out;
}

static void test_composer(void) {
  PrError error;
  PrPlan *plan = build_plan(&error);
  if (plan == NULL) return;
  char *huge_body = repeat("Lots of words to overflow the frame. ", 60);
  const char *title[ROWS] = {"Mr", "Ms", "Mr", "Mr", "Mr", "Mr", "Mr", "Ms", "Mr", "Dr", "Mr"};
  const char *first[ROWS] = {"John", "Ann", "Zh\xC5\x8Dng \xE4\xB8\xAD", "Bob", "Carl", "Dan",
                             "Eve", "Fay", "Gus", "Hal", "Ian"};
  const char *last[ROWS] = {"Smith", NULL, "Wu", "Brown", "Avery", "Ode", "Pitt", "Quinn",
                            "Ross", "Stone", "Tate"};
  const char *addr1[ROWS] = {"1 Main Street", "2 High St", "3 Low St", "4 Mid St", "5 Top St",
                             "bad \xC3\x28 byte", "7 End St", "8 Far Rd", "9 Near Rd",
                             "10 Wide Rd", "11 Slim Rd"};
  const char *addr2[ROWS] = {NULL, NULL, NULL, NULL, NULL, NULL, "ring\x07", "Unit 5", NULL,
                             "   ", NULL};
  const char *locality[ROWS] = {"Springfield", "A", "B", "C", "D", "E", "F", "Shelbyville",
                                "G", "Ogdenville", "H"};
  int64_t postcode[ROWS] = {1234, 2, 3, 4, 5, 6, 7, 2000, 9, 4321, 11};
  bool postcode_valid[ROWS] = {true, true, true, true, true, true, true, true, true, true, true};
  const char *balance[ROWS] = {"$1,234.50", "$1", "$2", "$3", "$4", "$5", "$6", "$7", "$8",
                               "$9", "$10"};
  const char *note_error[ROWS] = {"short", "short", "short", kLongNote, "short", "short",
                                  "short", "short", "short", "short", "short"};
  const char *note_shrink[ROWS] = {"short", "short", "short", "short", kShrinkNote, "short",
                                   "short", "short", "short", "short", kHugeShrink};
  const char *note_truncate[ROWS] = {"short", "short", "short", "short", kLongNote, "short",
                                     "short", "short", "short", "short", "short"};
  const char *body[ROWS] = {kShortBody, kShortBody, kShortBody, kShortBody, kShortBody,
                            kShortBody, kShortBody, kShortBody, huge_body, kShortBody,
                            kShortBody};
  TestColumn columns[12];
  make_utf8(&columns[0], "title", title, ROWS);
  make_utf8(&columns[1], "first_name", first, ROWS);
  make_utf8(&columns[2], "last_name", last, ROWS);
  make_utf8(&columns[3], "address_line1", addr1, ROWS);
  make_utf8(&columns[4], "address_line2", addr2, ROWS);
  make_utf8(&columns[5], "locality", locality, ROWS);
  make_int64(&columns[6], "postcode", postcode, postcode_valid, ROWS);
  make_utf8(&columns[7], "balance", balance, ROWS);
  make_utf8(&columns[8], "note_error", note_error, ROWS);
  make_utf8(&columns[9], "note_shrink", note_shrink, ROWS);
  make_utf8(&columns[10], "note_truncate", note_truncate, ROWS);
  make_utf8(&columns[11], "body", body, ROWS);
  TestBatch batch;
  make_batch(&batch, columns, 12, ROWS);
  int32_t field_columns[FIELD_COUNT] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, -1};

  PrComposer *composer = NULL;
  CHECK_OK(PrComposer_create(plan, &composer, &error), &error);
  Recorder recorder;
  PrDocWriter writer;
  recorder_writer(&recorder, &writer);
  int64_t first_page[ROWS];
  int32_t page_count[ROWS];
  CHECK_OK(PrComposer_composeDoc(composer, &writer, &batch.schema, &batch.array,
                                 field_columns, FIELD_COUNT, first_page, page_count, &error),
           &error);

  /* Which rows composed, which failed and why. */
  const int good[] = {0, 4, 7, 9};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    CHECK(page_count[good[i]] == 1);
  }
  CHECK(first_page[0] == 0 && first_page[4] == 1 && first_page[7] == 2 && first_page[9] == 3);
  CHECK(recorder.page_count == 4);
  CHECK(recorder.documents == 4);
  CHECK(recorder.pages[2].record == 7);
  const int bad[] = {1, 2, 3, 5, 6, 8, 10};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    CHECK(page_count[bad[i]] == 0 && first_page[bad[i]] == -1);
  }
  CHECK(PrComposer_recordErrorCount(composer) == 7);
  const PrRecordError *e;
  e = PrComposer_recordError(composer, 0);
  CHECK(e != NULL && e->row == 1 && e->field == F_LAST && e->code == PR_ERECORD &&
        strcmp(e->message, "field 'last_name' is required but null") == 0);
  e = PrComposer_recordError(composer, 1);
  CHECK(e != NULL && e->row == 2 && e->field == F_FIRST &&
        strstr(e->message, "field 'first_name'") != NULL &&
        strstr(e->message, "U+4E2D '\xE4\xB8\xAD' has no glyph") != NULL);
  e = PrComposer_recordError(composer, 2);
  CHECK(e != NULL && e->row == 3 && e->field == F_NOTE_ERROR &&
        strstr(e->message, "field 'note_error' does not fit its box (needs ") != NULL &&
        strstr(e->message, "room for 2)") != NULL);
  e = PrComposer_recordError(composer, 3);
  CHECK(e != NULL && e->row == 5 && e->field == F_ADDR1 &&
        strcmp(e->message, "field 'address_line1' has invalid UTF-8 at byte 4") == 0);
  e = PrComposer_recordError(composer, 4);
  CHECK(e != NULL && e->row == 6 && e->field == F_ADDR2 &&
        strstr(e->message, "control character U+0007 at byte 4") != NULL);
  e = PrComposer_recordError(composer, 5);
  CHECK(e != NULL && e->row == 8 && e->field == F_BALANCE &&
        strstr(e->message, "content does not fit frame 0") != NULL &&
        strstr(e->message, "'body'") != NULL);
  e = PrComposer_recordError(composer, 6);
  CHECK(e != NULL && e->row == 10 && e->field == F_NOTE_SHRINK &&
        strstr(e->message, "does not fit its box even at") != NULL);
  CHECK(PrComposer_recordError(composer, 7) == NULL);
  for (size_t i = 0; i < PrComposer_recordErrorCount(composer); i++) {
    e = PrComposer_recordError(composer, i);
    if (e != NULL && getenv("SHOW_ERRORS") != NULL) printf("row %lld: %s\n", (long long)e->row, e->message);
  }

  /* The static form: the sentence breaks after "fox"; kerning. */
  CHECK(recorder.has_form);
  char text[2048];
  const SavedPage *form = &recorder.form;
  text_in(form, BREAK_X, BREAK_Y, BREAK_X + 300, BREAK_Y + 100, text, sizeof text);
  CHECK(strcmp(text, "The quick brown fox\njumps over the dog") == 0);
  Region sentence = region_of(form, BREAK_X, BREAK_Y, BREAK_X + 300, BREAK_Y + 100);
  CHECK(sentence.lines == 2 && sentence.right <= BREAK_X + g_break_width + 0.01f);
  const PrItem *kerned = NULL, *unkerned = NULL;
  int lines = 0;
  for (size_t i = 0; i < form->item_count; i++) {
    const PrItem *item = &form->items[i];
    if (item->kind == PR_ITEM_LINE) lines++;
    if (item->kind != PR_ITEM_GLYPHS) continue;
    if (item->y_pt > KERN_Y && item->y_pt < KERN_Y + 20) kerned = item;
    if (item->y_pt > NOKERN_Y && item->y_pt < NOKERN_Y + 20) unkerned = item;
  }
  CHECK(lines == 1);
  CHECK(kerned != NULL && unkerned != NULL);
  if (kerned != NULL && unkerned != NULL) {
    CHECK(kerned->glyph_count == 4 && unkerned->glyph_count == 4);
    CHECK(form->glyphs[kerned->first_glyph].codepoint == 'A');
    CHECK(form->glyphs[kerned->first_glyph].extra_milli_em < 0);  /* A then V */
    CHECK(form->glyphs[unkerned->first_glyph].extra_milli_em == 0);
    float sum = text_width_pt(0, "AVAV", 10.0f);
    CHECK(item_end_x(form, kerned) - kerned->x_pt < sum - 0.5f);
    CHECK(fabsf(item_end_x(form, unkerned) - unkerned->x_pt - sum) < 0.01f);
    /* Baseline: top + DejaVu's ascender (1901/2048 em). */
    CHECK(fabsf(kerned->y_pt - (KERN_Y + 10.0f * 1901.0f / 2048.0f)) < 0.01f);
  }

  /* Row 0: the address (the null second line dropped), form first. */
  const SavedPage *page = &recorder.pages[0];
  CHECK(page->item_count > 0 && page->items[0].kind == PR_ITEM_FORM &&
        page->items[0].resource == 0);
  text_in(page, ADDR_X, ADDR_Y, ADDR_X + 200, ADDR_Y + 100, text, sizeof text);
  CHECK(strcmp(text, "Mr John Smith\n1 Main Street\nSpringfield 1234") == 0);
  Region address = region_of(page, ADDR_X, ADDR_Y, ADDR_X + 200, ADDR_Y + 100);
  CHECK(address.lines == 3);
  /* Right alignment: ends at x + width; the field run in red is its own item. */
  Region right = region_of(page, RIGHT_X, RIGHT_Y, RIGHT_X + RIGHT_W, RIGHT_Y + 20);
  CHECK(right.items == 2 && right.lines == 1);
  CHECK(fabsf(right.right - (RIGHT_X + RIGHT_W)) < 0.01f);
  text_in(page, RIGHT_X, RIGHT_Y, RIGHT_X + RIGHT_W, RIGHT_Y + 20, text, sizeof text);
  CHECK(strcmp(text, "Account 1234") == 0);

  /* The justified paragraph: every line but the last ends at the right edge. */
  int frame_lines = 0, justified_ok = 0;
  float last_line_end = 0.0f, line_y = -1.0f, line_end = 0.0f;
  int bold_items = 0;
  for (size_t i = 0; i < page->item_count; i++) {
    const PrItem *item = &page->items[i];
    if (item->kind != PR_ITEM_GLYPHS || item->x_pt < FRAME_X - 0.01f ||
        item->x_pt > FRAME_X + FRAME_W || item->y_pt < FRAME_Y || item->y_pt > FRAME_Y + 60)
      continue;
    if (item->resource == 1) bold_items++;
    if (fabsf(item->y_pt - line_y) > 0.01f) {
      if (line_y >= 0.0f) {
        frame_lines++;
        if (fabsf(line_end - (FRAME_X + FRAME_W)) < 0.01f) justified_ok++;
      }
      line_y = item->y_pt;
    }
    line_end = item_end_x(page, item);
  }
  last_line_end = line_end;
  CHECK(frame_lines >= 2 && justified_ok == frame_lines);
  CHECK(last_line_end < FRAME_X + FRAME_W - 5.0f);  /* the last line is not stretched */
  CHECK(bold_items == 1);
  text_in(page, FRAME_X, FRAME_Y, FRAME_X + FRAME_W, FRAME_Y + 60, text, sizeof text);
  {
    /* The glyphs spell the input (line breaks where spaces were). */
    char expected[1024];
    snprintf(expected, sizeof expected, "Please pay $1,234.50 by the due date. %s", kShortBody);
    for (char *p = text; *p; p++) if (*p == '\n') *p = ' ';
    CHECK(strcmp(text, expected) == 0);
  }
  /* The second frame block sits below the first plus space_after + space_before. */
  text_in(page, FRAME_X, FRAME_Y + 60, FRAME_X + FRAME_W, FRAME_Y + FRAME_H, text, sizeof text);
  CHECK(strcmp(text, "Thank you.") == 0);
  for (size_t i = 0; i < page->item_count; i++) {
    const PrItem *item = &page->items[i];
    if (item->kind == PR_ITEM_GLYPHS && item->x_pt == FRAME_X &&
        item->y_pt > FRAME_Y + 60 && item->y_pt < FRAME_Y + FRAME_H) {
      /* frame_lines + 1 lines of 13 pt, then 8 + 4 pt, then the ascender. */
      float expected_y = FRAME_Y + 13.0f * (float)(frame_lines + 1) + 12.0f +
                         10.0f * 1901.0f / 2048.0f;
      CHECK(fabsf(item->y_pt - expected_y) < 0.01f);
    }
  }

  /* Row 4: shrink made the note fit one line; truncate ends with an ellipsis. */
  page = &recorder.pages[1];
  CHECK(page->record == 4);
  Region shrunk = region_of(page, SHRINK_X, SHRINK_Y, SHRINK_X + BOX_W, SHRINK_Y + 13);
  CHECK(shrunk.lines == 1 && shrunk.size_max < 10.0f && shrunk.size_min >= 5.0f);
  CHECK(shrunk.right <= SHRINK_X + BOX_W + 0.01f);
  text_in(page, SHRINK_X, SHRINK_Y, SHRINK_X + BOX_W, SHRINK_Y + 13, text, sizeof text);
  CHECK(strcmp(text, kShrinkNote) == 0);
  Region truncated = region_of(page, TRUNC_X, TRUNC_Y, TRUNC_X + BOX_W, TRUNC_Y + 26);
  CHECK(truncated.lines == 2 && truncated.last_codepoint == 0x2026);
  CHECK(truncated.right <= TRUNC_X + BOX_W + 0.01f);
  text_in(page, TRUNC_X, TRUNC_Y, TRUNC_X + BOX_W, TRUNC_Y + 26, text, sizeof text);
  {
    /* What is shown is the note's beginning. */
    size_t n = strlen(text);
    CHECK(n > 6 && strcmp(text + n - 3, "\xE2\x80\xA6") == 0);
    text[n - 3] = '\0';
    for (char *p = text; *p; p++) if (*p == '\n') *p = ' ';
    CHECK(strncmp(kLongNote, text, strlen(text)) == 0);
  }
  /* Row 7: four address lines; row 9: a line of spaces is dropped. */
  page = &recorder.pages[2];
  text_in(page, ADDR_X, ADDR_Y, ADDR_X + 200, ADDR_Y + 100, text, sizeof text);
  CHECK(strcmp(text, "Ms Fay Quinn\n8 Far Rd\nUnit 5\nShelbyville 2000") == 0);
  page = &recorder.pages[3];
  text_in(page, ADDR_X, ADDR_Y, ADDR_X + 200, ADDR_Y + 100, text, sizeof text);
  CHECK(strcmp(text, "Dr Hal Stone\n10 Wide Rd\nOgdenville 4321") == 0);
  recorder_free(&recorder);

  /* A second batch on the same writer: the form is not defined again; a
   * required field without a column fails every row. */
  recorder_writer(&recorder, &writer);
  recorder.has_form = true;
  int32_t no_last[FIELD_COUNT] = {0, 1, -1, 3, 4, 5, 6, 7, 8, 9, 10, 11, -1};
  CHECK_OK(PrComposer_composeDoc(composer, &writer, &batch.schema, &batch.array, no_last,
                                 FIELD_COUNT, first_page, page_count, &error),
           &error);
  CHECK(recorder.page_count == 0 && PrComposer_recordErrorCount(composer) == ROWS);
  e = PrComposer_recordError(composer, 0);
  CHECK(e != NULL && e->field == F_LAST &&
        strcmp(e->message, "field 'last_name' is missing from the data") == 0);
  recorder_free(&recorder);

  /* A sliced batch: the struct's offset applies to its children. */
  recorder_writer(&recorder, &writer);
  recorder.has_form = true;
  batch.array.offset = 7;
  batch.array.length = 1;
  CHECK_OK(PrComposer_composeDoc(composer, &writer, &batch.schema, &batch.array,
                                 field_columns, FIELD_COUNT, first_page, page_count, &error),
           &error);
  CHECK(recorder.page_count == 1 && page_count[0] == 1 && first_page[0] == 0);
  if (recorder.page_count == 1) {
    text_in(&recorder.pages[0], ADDR_X, ADDR_Y, ADDR_X + 200, ADDR_Y + 100, text, sizeof text);
    CHECK(strcmp(text, "Ms Fay Quinn\n8 Far Rd\nUnit 5\nShelbyville 2000") == 0);
  }
  batch.array.offset = 0;
  batch.array.length = ROWS;
  recorder_free(&recorder);

  /* A broken column (a string array without its data buffer) stops the
   * batch with the column's error; nothing is written. */
  recorder_writer(&recorder, &writer);
  columns[5].array.n_buffers = 2;
  CHECK(PrComposer_composeDoc(composer, &writer, &batch.schema, &batch.array, field_columns,
                              FIELD_COUNT, first_page, page_count, &error) != PR_OK);
  CHECK(recorder.page_count == 0);
  columns[5].array.n_buffers = 3;
  recorder_free(&recorder);

  /* Bad arguments stop the batch. */
  recorder_writer(&recorder, &writer);
  CHECK(PrComposer_composeDoc(composer, &writer, &batch.schema, &batch.array, field_columns,
                              FIELD_COUNT - 1, first_page, page_count, &error) == PR_EINVAL);
  int32_t out_of_range[FIELD_COUNT] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, -1};
  CHECK(PrComposer_composeDoc(composer, &writer, &batch.schema, &batch.array, out_of_range,
                              FIELD_COUNT, first_page, page_count, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "'body'") != NULL);
  CHECK(recorder.page_count == 0);
  /* A writer failure aborts the batch with its status. */
  recorder.fail_on_page = 2;
  CHECK(PrComposer_composeDoc(composer, &writer, &batch.schema, &batch.array, field_columns,
                              FIELD_COUNT, first_page, page_count, &error) == PR_ELIMIT);
  CHECK(page_count[0] == 1 && page_count[4] == 0 && page_count[7] == 0);
  recorder_free(&recorder);

  PrComposer_destroy(composer);
  for (int i = 0; i < 12; i++) free_column(&columns[i]);
  free(huge_body);
  PrPlan_destroy(plan);
}

/* ---- The layout stages on their own ------------------------------------ */

/* A plan of literal blocks for the layout API: one block per text. */
typedef struct MiniPlan {
  PrPlan *plan;
  PrLayout layout;
} MiniPlan;

static uint32_t mini_block(PrPlan *plan, const char *text, bool wrap, uint8_t overflow,
                           PrError *error) {
  PrBlockSpec spec = block_at(0, 0, wrap ? 100.0f : 0.0f, 0);
  spec.wrap = wrap;
  spec.overflow = overflow;
  spec.frame = -1;
  uint32_t b = 0;
  CHECK_OK(PrPlan_addBlock(plan, &spec, &b, error), error);
  add_run(plan, b, 0, -1, text, error);
  return b;
}

static void line_text(const PrLayout *layout, uint32_t line_index, char *out, size_t out_bytes) {
  PrDisplayList list;
  PrDisplayList_init(&list);
  PrDisplayList_addPage(&list, 100, 100);
  PrLayout_emit(layout, PR_ALIGN_LEFT, 0, 0, 0, &list);
  size_t at = 0;
  float y = -1;
  uint32_t line = 0;
  out[0] = '\0';
  for (size_t i = 0; i < list.item_count; i++) {
    const PrItem *item = &list.items[i];
    if (y >= 0 && fabsf(item->y_pt - y) > 0.01f) line++;
    y = item->y_pt;
    if (line != line_index) continue;
    for (uint32_t k = 0; k < item->glyph_count && at + 5 < out_bytes; k++) {
      at += put_utf8(out + at, list.glyphs[item->first_glyph + k].codepoint);
    }
  }
  out[at] = '\0';
  PrDisplayList_free(&list);
}

static void test_stages(void) {
  PrError error;
  PrPlan *plan = NULL;
  CHECK_OK(PrPlan_create(200, 200, &plan, &error), &error);
  uint32_t regular;
  CHECK_OK(PrPlan_addFont(plan, g_fonts[0], &regular, &error), &error);
  PrColor black = {PR_COLOR_GRAY, {0, 0, 0, 0}};
  PrStyleSpec style = {&regular, 1, 10.0f, 12.0f, black, true};
  uint32_t s;
  CHECK_OK(PrPlan_addStyle(plan, &style, &s, &error), &error);
  uint32_t b_emergency = mini_block(plan, "Supercalifragilisticexpialidocious", true, 0, &error);
  uint32_t b_shy = mini_block(plan, "extra\xC2\xADordinary", true, 0, &error);
  uint32_t b_breaks = mini_block(plan, "well-known 555-1234 a\xC2\xA0" "b x", true, 0, &error);
  uint32_t b_spaces = mini_block(plan, "tab\there\r\nnext\rlast\n", false, 0, &error);
  uint32_t b_wide = mini_block(plan, "a single line that is far too wide for its box", false,
                               PR_OVERFLOW_ERROR, &error);
  uint32_t b_trail = mini_block(plan, "aaaa      bbbb", true, 0, &error);
  uint32_t b_empty = mini_block(plan, "", true, 0, &error);
  uint32_t b_paras = mini_block(plan, "one\n\ntwo\n", true, 0, &error);
  uint32_t b_bad[5];
  const char *bad[5] = {"\xC0\xAF", "ok \xE4\xB8", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\x80"};
  for (int i = 0; i < 5; i++) b_bad[i] = mini_block(plan, bad[i], true, 0, &error);
  CHECK_OK(PrPlan_finish(plan, &error), &error);
  PrLayout layout;
  CHECK_OK(PrLayout_init(&layout, plan, &error), &error);
  char text[256];

  /* A word longer than the line breaks where it overflows, never wider. */
  CHECK_OK(PrLayout_block(&layout, b_emergency, NULL, 0, 50.0f, 0, &error), &error);
  CHECK(layout.line_count >= 3);
  uint32_t covered = 0;
  for (uint32_t i = 0; i < layout.line_count; i++) {
    CHECK(layout.lines[i].width_pt <= 50.0f + 0.001f &&
          (layout.lines[i].width_pt > 30.0f || i + 1 == layout.line_count));
    CHECK(layout.lines[i].start == covered);
    covered = layout.lines[i].end;
  }
  CHECK(covered == layout.char_count);

  /* A soft hyphen: invisible, a hyphen where the line breaks. */
  float room = text_width_pt(0, "ordinary", 10.0f) + 2.0f;
  CHECK(text_width_pt(0, "extra-", 10.0f) < room);
  CHECK(text_width_pt(0, "extraordinary", 10.0f) > room);
  CHECK_OK(PrLayout_block(&layout, b_shy, NULL, 0, room, 0, &error), &error);
  CHECK(layout.line_count == 2 && (layout.lines[0].flags & PR_LINE_HYPHEN));
  line_text(&layout, 0, text, sizeof text);
  CHECK(strcmp(text, "extra-") == 0);
  line_text(&layout, 1, text, sizeof text);
  CHECK(strcmp(text, "ordinary") == 0);
  CHECK_OK(PrLayout_block(&layout, b_shy, NULL, 0, 150.0f, 0, &error), &error);
  CHECK(layout.line_count == 1);
  line_text(&layout, 0, text, sizeof text);
  CHECK(strcmp(text, "extraordinary") == 0);

  /* Break opportunities: hyphen before a letter, not between digits nor at
   * a no-break space. */
  CHECK_OK(PrLayout_block(&layout, b_breaks, NULL, 0, 150.0f, 0, &error), &error);
  CHECK(layout.char_count == 25);
  CHECK(layout.chars[4].codepoint == '-' && (layout.chars[4].flags & PR_CHAR_BREAK_AFTER));
  CHECK(layout.chars[14].codepoint == '-' && !(layout.chars[14].flags & PR_CHAR_BREAK_AFTER));
  CHECK(layout.chars[21].codepoint == 0xA0 && !(layout.chars[21].flags & PR_CHAR_BREAK_AFTER));
  CHECK(layout.chars[10].flags & PR_CHAR_BREAK_AFTER);  /* the space after "known" */
  CHECK(PrLayout_cjkBreakBetween(0x4E2D, 0x6587));
  CHECK(PrLayout_cjkBreakBetween(0x3042, 0x3044));
  CHECK(!PrLayout_cjkBreakBetween(0x4E2D, 0x3002));   /* not before 。 */
  CHECK(!PrLayout_cjkBreakBetween(0x300C, 0x4E2D));   /* not after 「 */
  CHECK(!PrLayout_cjkBreakBetween('a', 'b'));

  /* Tab -> space, CR LF and CR -> one newline each; a final newline adds no line. */
  CHECK_OK(PrLayout_block(&layout, b_spaces, NULL, 0, 0, 0, &error), &error);
  CHECK(layout.line_count == 3);
  line_text(&layout, 0, text, sizeof text);
  CHECK(strcmp(text, "tab here") == 0);
  line_text(&layout, 2, text, sizeof text);
  CHECK(strcmp(text, "last") == 0);

  /* No wrap: a line wider than the box is an overflow. */
  CHECK(PrLayout_block(&layout, b_wide, NULL, 0, 60.0f, 0, &error) == PR_ERECORD);
  CHECK(strstr(error.message, "text block") != NULL && strstr(error.message, "wide") != NULL);

  /* Spaces at a line end neither count nor show. */
  float aaaa = text_width_pt(0, "aaaa", 10.0f);
  CHECK_OK(PrLayout_block(&layout, b_trail, NULL, 0, aaaa + 1.0f, 0, &error), &error);
  CHECK(layout.line_count == 2 && fabsf(layout.lines[0].width_pt - aaaa) < 0.001f);
  line_text(&layout, 0, text, sizeof text);
  CHECK(strcmp(text, "aaaa") == 0);

  CHECK_OK(PrLayout_block(&layout, b_empty, NULL, 0, 100.0f, 0, &error), &error);
  CHECK(layout.line_count == 0 && layout.height_pt == 0.0f);
  CHECK_OK(PrLayout_block(&layout, b_paras, NULL, 0, 100.0f, 0, &error), &error);
  CHECK(layout.line_count == 3 && fabsf(layout.height_pt - 36.0f) < 0.001f);

  /* Broken UTF-8 in the plan's literal text is reported, not read past. */
  for (int i = 0; i < 5; i++) {
    CHECK(PrLayout_block(&layout, b_bad[i], NULL, 0, 100.0f, 0, &error) == PR_ERECORD);
    CHECK(strstr(error.message, "UTF-8") != NULL);
  }
  PrLayout_free(&layout);
  PrPlan_destroy(plan);
}

/* ---- Garbage in: statuses, never crashes ------------------------------- */

static uint32_t g_seed = 12345;
static uint32_t next_random(void) {
  g_seed = g_seed * 1103515245u + 12345u;
  return g_seed >> 8;
}

static void test_random_text(void) {
  PrError error;
  PrPlan *plan = NULL;
  CHECK_OK(PrPlan_create(300, 300, &plan, &error), &error);
  uint32_t regular, bold;
  CHECK_OK(PrPlan_addFont(plan, g_fonts[0], &regular, &error), &error);
  CHECK_OK(PrPlan_addFont(plan, g_fonts[1], &bold, &error), &error);
  uint32_t fonts[2] = {bold, regular};  /* bold, falling back to regular */
  PrColor black = {PR_COLOR_GRAY, {0, 0, 0, 0}};
  PrStyleSpec style = {&regular, 1, 10.0f, 12.0f, black, true};
  uint32_t s0, s1;
  CHECK_OK(PrPlan_addStyle(plan, &style, &s0, &error), &error);
  style.fonts = fonts;
  style.font_count = 2;
  style.size_pt = 14.0f;
  style.leading_pt = 0.0f;
  CHECK_OK(PrPlan_addStyle(plan, &style, &s1, &error), &error);
  PrFieldSpec field;
  memset(&field, 0, sizeof field);
  field.name = "f";
  field.format.decimals = -1;
  uint32_t f;
  CHECK_OK(PrPlan_addField(plan, &field, &f, &error), &error);
  uint32_t blocks[6];
  const uint8_t overflow[6] = {PR_OVERFLOW_ERROR, PR_OVERFLOW_SHRINK, PR_OVERFLOW_TRUNCATE,
                               PR_OVERFLOW_TRUNCATE, PR_OVERFLOW_ERROR, PR_OVERFLOW_TRUNCATE};
  for (int b = 0; b < 6; b++) {
    PrBlockSpec spec = block_at(10, 10, 80.0f, b == 0 || b == 3 ? 0.0f : 30.0f);
    spec.overflow = overflow[b];
    spec.wrap = b != 3 && b != 5;
    spec.align = (uint8_t)(b % 4);
    spec.skip_empty_lines = b % 2 == 0;
    spec.min_size_pt = 4.0f;
    CHECK_OK(PrPlan_addBlock(plan, &spec, &blocks[b], &error), &error);
    add_run(plan, blocks[b], s0, -1, "x ", &error);
    add_run(plan, blocks[b], b % 2 ? s1 : s0, (int32_t)f, NULL, &error);
  }
  CHECK_OK(PrPlan_finish(plan, &error), &error);

  enum { COUNT = 400 };
  static const char *const pieces[] = {
      "a", "V", "word ", " ", "  ", "\n", "\t", "\r\n", "\xC2\xAD", "\xC2\xA0", "-", "\xE2\x80\x90",
      "\xC3\xA9", "\xE2\x82\xAC", "\xE4\xB8\xAD", "\xF0\x9F\x98\x80", "\x07", "\xC0", "\xE2\x82",
      "\xFF", "\xED\xA0\x80", "Supercalifragilistic", "\xE2\x80\xA8", "W"};
  char *values[COUNT];
  for (int i = 0; i < COUNT; i++) {
    values[i] = calloc(400, 1);
    int pieces_count = (int)(next_random() % 40);
    for (int k = 0; k < pieces_count; k++) {
      uint32_t pick = next_random() % (sizeof pieces / sizeof pieces[0]);
      if (i % 3 != 0 && pick >= 16 && pick <= 20) pick = 0;  /* most values decode */
      strcat(values[i], pieces[pick]);
    }
  }
  TestColumn column;
  make_utf8(&column, "f", (const char *const *)values, COUNT);
  PrColumn view;
  CHECK_OK(PrColumn_init(&view, &column.schema, &column.array, &error), &error);
  const PrColumn *views[1] = {&view};
  PrLayout layout;
  CHECK_OK(PrLayout_init(&layout, plan, &error), &error);
  PrDisplayList list;
  PrDisplayList_init(&list);
  int ok = 0, failed = 0, bad_status = 0, bad_lines = 0;
  for (int row = 0; row < COUNT; row++) {
    for (int b = 0; b < 6; b++) {
      const PrBlockSpec *spec = &plan->blocks[blocks[b]].spec;
      PrStatus status = PrLayout_block(&layout, blocks[b], views, row, spec->width_pt,
                                       spec->height_pt, &error);
      if (status == PR_ERECORD) {
        failed++;
        continue;
      }
      if (status != PR_OK) {
        bad_status++;
        continue;
      }
      ok++;
      /* Lines tile the text in order; they fit unless one glyph is too wide. */
      uint32_t at = 0;
      for (uint32_t i = 0; i < layout.line_count; i++) {
        const PrLayoutLine *line = &layout.lines[i];
        if (line->start != at || line->end <= line->start || line->visible_end > line->end ||
            line->width_pt * layout.scale > spec->width_pt + 0.01f) {
          bad_lines++;
        }
        at = line->end;
      }
      if (spec->height_pt > 0 && layout.height_pt > spec->height_pt + 0.01f) bad_lines++;
      PrDisplayList_reset(&list);
      PrDisplayList_addPage(&list, 300, 300);
      PrLayout_emit(&layout, spec->align, spec->x_pt, spec->y_pt, spec->width_pt, &list);
      CHECK(list.failed == 0);
      for (size_t i = 0; i < list.item_count; i++) {
        if (list.items[i].first_glyph + list.items[i].glyph_count > list.glyph_count) bad_lines++;
      }
    }
  }
  if (getenv("SHOW_ERRORS")) printf("random: %d ok, %d record errors\n", ok, failed);
  CHECK(ok > 600 && failed > 100);
  CHECK(bad_status == 0);
  CHECK(bad_lines == 0);
  PrDisplayList_free(&list);
  PrLayout_free(&layout);
  PrColumn_free(&view);
  free_column(&column);
  for (int i = 0; i < COUNT; i++) free(values[i]);
  PrPlan_destroy(plan);
}

int main(int argc, char **argv) {
  (void)argc;
  (void)argv;
  g_fonts[0] = load_font(FONT_DIR "DejaVuSans.ttf");
  g_fonts[1] = load_font(FONT_DIR "DejaVuSans-Bold.ttf");
  CHECK(g_fonts[0] != NULL && g_fonts[1] != NULL);
  if (g_fonts[0] != NULL && g_fonts[1] != NULL) {
    test_stages();
    test_composer();
    test_random_text();
  }
  if (g_fonts[0] != NULL) PrFont_destroy(g_fonts[0]);
  if (g_fonts[1] != NULL) PrFont_destroy(g_fonts[1]);
  return check_summary("layout");
}
