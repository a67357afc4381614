/* display_list.h: laid-out pages, independent of the output format.
 *
 * The composer fills a display list for one record (its pages and their
 * items); a writer (PDF now, AFP later) turns it into bytes. Coordinates are
 * points from the page's top-left corner, y down. Text is stored as glyph
 * runs in one font and size: glyph ids, the extra advance after each glyph
 * (kerning and justification) and the code point each glyph stands for (for
 * ToUnicode and text extraction). Page decorations (OMR marks, barcodes)
 * will be further item kinds. */
#ifndef PR_DISPLAY_LIST_H
#define PR_DISPLAY_LIST_H

#include <stddef.h>
#include <stdint.h>

#include "pressrun.h"

typedef enum PrItemKind {
  PR_ITEM_GLYPHS = 1,  /* a glyph run on one baseline */
  PR_ITEM_LINE = 2,    /* a stroked line segment */
  PR_ITEM_RECT = 3,    /* a rectangle, stroked and/or filled */
  PR_ITEM_IMAGE = 4,   /* a plan image scaled into a box */
  PR_ITEM_FORM = 5     /* a shared form (static page content) */
} PrItemKind;

typedef struct PrGlyph {
  uint16_t id;             /* glyph id in the run's font */
  int16_t extra_milli_em;  /* extra advance after the glyph, 1/1000 em (positive widens) */
  uint32_t codepoint;      /* the first code point it stands for; 0 if none */
} PrGlyph;

typedef struct PrItem {
  uint8_t kind;            /* PrItemKind */
  uint8_t has_stroke;      /* rect */
  uint8_t has_fill;        /* rect */
  uint32_t resource;       /* glyphs: plan font; image: plan image; form: form id */
  float x_pt, y_pt;        /* glyphs: baseline start; line: start; rect/image/form: top-left */
  float x2_pt, y2_pt;      /* line: end point */
  float width_pt, height_pt;  /* rect/image: size */
  float size_pt;           /* glyphs: font size; line/rect: stroke width */
  PrColor color;           /* glyphs: fill; line: stroke; rect: stroke */
  PrColor fill;            /* rect: fill */
  uint32_t first_glyph;    /* glyphs: index into PrDisplayList.glyphs */
  uint32_t glyph_count;
} PrItem;

typedef struct PrDlPage {
  float width_pt, height_pt;
  uint32_t first_item;
  uint32_t item_count;
  /* Items drawn after the page's own, added once the document is laid out
   * (page numbers: "Page 2 of 3" is known only then). */
  uint32_t overlay_first;
  uint32_t overlay_count;
} PrDlPage;

typedef struct PrDisplayList {
  PrDlPage *pages;
  size_t page_count, page_capacity;
  PrItem *items;
  size_t item_count, item_capacity;
  PrGlyph *glyphs;
  size_t glyph_count, glyph_capacity;
  int failed;              /* an allocation failed; see PrDisplayList_check */
  int64_t overlay_page;    /* >= 0: addItem appends to this page's overlay */
} PrDisplayList;

void PrDisplayList_init(PrDisplayList *list);
void PrDisplayList_free(PrDisplayList *list);
/* Drops the content and keeps the allocations (one list is reused for every record). */
void PrDisplayList_reset(PrDisplayList *list);
/* Starts a page; later items belong to it. */
void PrDisplayList_addPage(PrDisplayList *list, float width_pt, float height_pt);
/* Later items go to page `page`'s overlay (pages in increasing order, after
 * the last page is complete). */
void PrDisplayList_beginOverlay(PrDisplayList *list, uint32_t page);
/* Appends an item to the current page and returns it (NULL after a failed
 * allocation); kind is set, the rest zeroed. */
PrItem *PrDisplayList_addItem(PrDisplayList *list, PrItemKind kind);
/* Reserves count glyphs at the end and returns them (NULL on failure). */
PrGlyph *PrDisplayList_addGlyphs(PrDisplayList *list, size_t count);
PrStatus PrDisplayList_check(const PrDisplayList *list, PrError *error);
/* The item of page `page` at position i of its own items then its overlay. */
static inline const PrItem *PrDisplayList_pageItem(const PrDisplayList *list, uint32_t page,
                                                   uint32_t i) {
  const PrDlPage *p = &list->pages[page];
  return i < p->item_count ? &list->items[p->first_item + i]
                           : &list->items[p->overlay_first + (i - p->item_count)];
}

#endif
