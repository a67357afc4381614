/* layout.h: text layout of plan blocks (private to the layout area).
 *
 * One block of one record goes through four stages, one file each (the
 * shape of typst's inline layout):
 *   collect   (inline_collect.c)   runs -> code points, field values substituted
 *   prepare   (inline_prepare.c)   code points -> font, glyph, advance, kerning
 *   linebreak (inline_linebreak.c) glyphs -> lines (greedy, first fit)
 *   finalize  (inline_finalize.c)  overflow policy, alignment, display items
 * A PrLayout holds the scratch arrays of all stages and is reused for every
 * block of every record (no allocation in steady state). Layout produces
 * lines with their heights; where they go (position, frame, later pages) is
 * decided by the caller (compose.c), so flowing onto further pages can be
 * added without touching the stages.
 *
 * Errors: a status other than PR_OK. PR_ERECORD means the record's data
 * cannot be laid out (the message names the field, layout->error_field is
 * the plan field or -1); any other status is not the record's fault. */
#ifndef PR_LAYOUT_H
#define PR_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arrow_view.h"
#include "buffer.h"
#include "display_list.h"
#include "doc_writer.h"
#include "plan.h"
#include "pressrun.h"

/* Widths and heights compare with this slack, so that a text measured to
 * fit exactly still fits after float rounding. */
#define PR_FIT_EPSILON_PT 0.001f

/* PrLayoutChar.flags */
enum {
  PR_CHAR_SPACE = 1,        /* U+0020 (and tab): hangs at a line end, stretches */
  PR_CHAR_STRETCH = 2,      /* receives justification (spaces, no-break spaces) */
  PR_CHAR_BREAK_AFTER = 4,  /* a line may end after this char */
  PR_CHAR_NEWLINE = 8,      /* forced break; not drawn */
  PR_CHAR_SOFT_HYPHEN = 16  /* U+00AD: drawn as a hyphen only at a line end */
};

/* One code point of a block's text, after collect and prepare. */
typedef struct PrLayoutChar {
  uint32_t codepoint;     /* what the glyph stands for (a tab becomes a space) */
  uint32_t run;           /* plan run index (names the field in errors) */
  uint32_t style;         /* plan style index */
  uint16_t glyph;         /* glyph id in the style's font font_slot */
  uint8_t font_slot;      /* index into the style's font list */
  uint8_t flags;          /* PR_CHAR_* */
  int16_t kern_milli;     /* kerning with the previous drawn char, 1/1000 em */
  float advance_pt;       /* at the style's size (shrink scale 1) */
  float kern_pt;          /* kern_milli at the style's size */
} PrLayoutChar;

/* PrLayoutLine.flags */
enum {
  PR_LINE_PARAGRAPH_END = 1,  /* ends at \n or at the end of the text: not justified */
  PR_LINE_HYPHEN = 2,         /* ends at a soft hyphen: draws a hyphen */
  PR_LINE_ELLIPSIS = 4        /* truncated: draws the ellipsis chars after its content */
};

typedef struct PrLayoutLine {
  uint32_t start, end;        /* chars [start, end): content, trailing spaces, newline */
  uint32_t visible_end;       /* end of the drawn content */
  uint32_t ellipsis_start;    /* PR_LINE_ELLIPSIS: chars [ellipsis_start, +ellipsis_count) */
  uint32_t ellipsis_count;
  uint32_t flags;             /* PR_LINE_* */
  float width_pt;             /* drawn width (with hyphen or ellipsis), scale 1 */
  float ascent_pt, descent_pt, leading_pt;  /* largest of the line's styles, scale 1 */
} PrLayoutLine;

/* What prepare needs of a plan font, computed once per layout. */
typedef struct PrLayoutFont {
  const PrFont *font;
  float units_per_em;
  float ascender, descender;  /* font units */
  uint16_t latin_glyph[256];  /* PrFont_glyph for U+0000..U+00FF */
  uint16_t latin_advance[256];
} PrLayoutFont;

/* A plan style with its per-size numbers worked out once. */
typedef struct PrLayoutStyle {
  uint32_t fonts[PR_STYLE_MAX_FONTS];  /* plan font indices */
  uint32_t font_count;
  float pt_per_unit[PR_STYLE_MAX_FONTS];  /* size_pt / units_per_em */
  float size_pt, leading_pt;
  float ascent_pt, descent_pt;  /* first font: ascender, -descender at size */
  PrColor color;
  bool kerning;
} PrLayoutStyle;

/* A direct-mapped cache of PrFont_kerning (fonts are immutable, so it stays
 * valid across records; text repeats its letter pairs). */
#define PR_KERN_CACHE_SLOTS 4096
typedef struct PrKernCacheSlot {
  uint64_t key;           /* (font + 1) << 32 | left << 16 | right; 0: empty */
  int16_t kern;
} PrKernCacheSlot;

typedef struct PrLayout {
  const PrPlan *plan;
  PrLayoutFont *fonts;
  PrLayoutStyle *styles;
  PrKernCacheSlot *kern_cache;
  PrBuffer text;                /* formatted field values of the current block */
  PrLayoutChar *chars;
  uint32_t char_count, char_capacity;
  PrLayoutLine *lines;
  uint32_t line_count, line_capacity;
  bool has_soft_hyphen;         /* some char of the block is U+00AD */
  /* What collect reads besides the record's row: */
  int64_t item_row;             /* item fields: the row of the table's struct */
  uint32_t page_number, page_count;  /* PR_FIELD_PAGE / PR_FIELD_PAGES */
  /* Results of PrLayout_block: */
  float scale;                  /* shrink factor applied to every size (1: none) */
  float height_pt;              /* the lines' total leading, scaled */
  int32_t error_field;          /* plan field of the last PR_ERECORD, or -1 */
} PrLayout;

/* Scratch for `plan` (finished). PrLayout_free is safe after a failed init. */
PrStatus PrLayout_init(PrLayout *layout, const PrPlan *plan, PrError *error);
void PrLayout_free(PrLayout *layout);

/* Room for `extra` more chars (PR_ERECORD past a sane text length). */
PrStatus PrLayout_reserveChars(PrLayout *layout, size_t extra, PrError *error);

/* collect: the block's text for `row`. columns[i] is the view of plan field
 * i, NULL when the data has no such column; columns may be NULL for blocks
 * without fields. Checks UTF-8 and control characters, drops empty lines
 * (skip_empty_lines). */
PrStatus PrLayout_collect(PrLayout *layout, uint32_t block,
                          const PrColumn *const *columns, int64_t row,
                          PrError *error);
/* prepare: glyphs, advances and kerning of the collected chars. */
PrStatus PrLayout_prepare(PrLayout *layout, PrError *error);
/* linebreak: sets PR_CHAR_BREAK_AFTER from the chars' neighbours (once per
 * text), then PrLayout_linebreak breaks greedily at max_width_pt (scale 1
 * widths; wrap=false breaks only at newlines). */
void PrLayout_findBreaks(PrLayout *layout);
void PrLayout_linebreak(PrLayout *layout, bool wrap, float max_width_pt);
/* Whether a line may break between a and b for script reasons (CJK). */
bool PrLayout_cjkBreakBetween(uint32_t a, uint32_t b);

/* The whole pipeline for one block in a box of width_pt x height_pt (0: no
 * limit) with the block's overflow policy; sets scale and height_pt. */
PrStatus PrLayout_block(PrLayout *layout, uint32_t block,
                        const PrColumn *const *columns, int64_t row,
                        float width_pt, float height_pt, PrError *error);
/* finalize: PR_ITEM_GLYPHS items for the lines of the last PrLayout_block,
 * the first baseline at y_pt + the first line's ascent. */
void PrLayout_emit(const PrLayout *layout, uint8_t align, float x_pt,
                   float y_pt, float width_pt, PrDisplayList *list);
/* The same for lines [first, end) only, the first of them at y_pt (the flow
 * splits a paragraph across frames). */
void PrLayout_emitLines(const PrLayout *layout, uint32_t first, uint32_t end, uint8_t align,
                        float x_pt, float y_pt, float width_pt, PrDisplayList *list);
/* Height of lines [first, end) when they start a frame or box: the first
 * line's ascent + descent-free leading of the rest + the last's descent is
 * what emit uses; this is the sum of leadings, scaled, as PrLayout_block's
 * height_pt. */
float PrLayout_linesHeight(const PrLayout *layout, uint32_t first, uint32_t end);

/* Names the fields of a block for messages ("field 'a'", "text of fields
 * 'a', 'b'", "text block 3") into out; returns its first field or -1. */
int32_t PrLayout_describeBlock(const PrLayout *layout, uint32_t block, char *out,
                               size_t out_bytes);
/* The composer writing through any PrDocWriter (PrComposer_composePdf is
 * this with the PDF writer's); tests pass a recording writer. */
PrStatus PrComposer_composeDoc(PrComposer *composer, const PrDocWriter *writer,
                               const struct ArrowSchema *schema,
                               const struct ArrowArray *batch,
                               const int32_t *field_columns,
                               uint32_t field_column_count,
                               int64_t *out_first_page, int32_t *out_page_count,
                               PrError *error);
/* Held pages into mail pieces through any PrDocWriter (PrComposer_writePiecesPdf
 * is this with the PDF writer's, then a flush). */
PrStatus PrComposer_writePieces(PrComposer *composer, const PrDocWriter *writer,
                                const PrPieceSet *set, PrError *error);

#endif
