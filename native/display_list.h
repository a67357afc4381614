/* display_list.h: laid-out pages, independent of the output format.
 *
 * The composer fills a display list for one record (its pages and their
 * items); a writer (PDF now, AFP later) turns it into bytes. Coordinates are
 * points from the page's top-left corner, y down. Text is stored as glyph
 * runs in one font and size: glyph ids, the extra advance after each glyph
 * (kerning and justification) and the code point each glyph stands for (for
 * ToUnicode and text extraction). Barcodes and inserter marks are sets of
 * filled bars; production marks go into a page's marks, added when the
 * page is written into its mail piece. */
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
  PR_ITEM_FORM = 5,    /* a shared form (static page content) */
  PR_ITEM_BARS = 6     /* filled rectangles in one colour (a barcode, OMR marks) */
} PrItemKind;

/* A bar's top-left and size: in points on the page, or, for an item with
 * size_pt > 0 (a 2D symbol), in modules of size_pt from the item's x, y. */
typedef struct PrBar {
  float x_pt, y_pt;
  float width_pt, height_pt;
} PrBar;

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
  float size_pt;           /* glyphs: font size; line/rect: stroke width; bars: the module
                              (0: bars in points) */
  PrColor color;           /* glyphs, bars: fill; line: stroke; rect: stroke */
  PrColor fill;            /* rect: fill */
  uint32_t first_glyph;    /* glyphs: index into PrDisplayList.glyphs */
  uint32_t glyph_count;
  uint32_t first_bar;      /* bars: index into PrDisplayList.bars */
  uint32_t bar_count;
  uint32_t symbol;         /* bars of a barcode: 1 + index into PrDisplayList.symbols; 0 for
                              other bars (OMR marks) */
} PrItem;

/* What a barcode's bars encode, for writers that let the printer draw the
 * symbol (AFP BCOCA): the mark it was drawn from and its data. */
typedef struct PrSymbol {
  PrMarkSpec spec;          /* kind, option, position, sizes, colour */
  uint32_t first_text_byte; /* its data: PrDisplayList.symbol_text[first .. first + bytes) */
  uint32_t text_bytes;
  uint32_t columns, rows;   /* 2D: the symbol's modules (QR: side x side); 1D: total modules
                               and 1; four-state: bars and 1 */
} PrSymbol;

typedef struct PrDlPage {
  float width_pt, height_pt;
  uint32_t first_item;
  uint32_t item_count;
  /* Items drawn after the page's own, added once the document is laid out
   * (page numbers: "Page 2 of 3" is known only then). */
  uint32_t overlay_first;
  uint32_t overlay_count;
  /* Production marks (inserter marks, the postal barcode), drawn last: they
   * are known only once the page's place in its mail piece is. */
  uint32_t marks_first;
  uint32_t marks_count;
} PrDlPage;

typedef struct PrDisplayList {
  PrDlPage *pages;
  size_t page_count, page_capacity;
  PrItem *items;
  size_t item_count, item_capacity;
  PrGlyph *glyphs;
  size_t glyph_count, glyph_capacity;
  PrBar *bars;
  size_t bar_count, bar_capacity;
  PrSymbol *symbols;
  size_t symbol_count, symbol_capacity;
  uint8_t *symbol_text;
  size_t symbol_text_bytes, symbol_text_capacity;
  int failed;              /* an allocation failed; see PrDisplayList_check */
  int64_t overlay_page;    /* >= 0: addItem appends to this page's overlay */
  int64_t marks_page;      /* >= 0: addItem appends to this page's marks */
} PrDisplayList;

/* Sizes of a list, to roll it back to (a record that failed half-way). */
typedef struct PrDisplayListMark {
  size_t page_count, item_count, glyph_count, bar_count, symbol_count, symbol_text_bytes;
} PrDisplayListMark;

void PrDisplayList_init(PrDisplayList *list);
void PrDisplayList_free(PrDisplayList *list);
/* Drops the content and keeps the allocations (one list is reused for every record). */
void PrDisplayList_reset(PrDisplayList *list);
/* Starts a page; later items belong to it. */
void PrDisplayList_addPage(PrDisplayList *list, float width_pt, float height_pt);
/* Later items go to page `page`'s overlay (pages in increasing order, after
 * the last page is complete). */
void PrDisplayList_beginOverlay(PrDisplayList *list, uint32_t page);
/* Later items go to page `page`'s marks (once per page, after every page
 * and overlay of the list is complete); PrDisplayList_endMarks stops. */
void PrDisplayList_beginMarks(PrDisplayList *list, uint32_t page);
void PrDisplayList_endMarks(PrDisplayList *list);
PrDisplayListMark PrDisplayList_size(const PrDisplayList *list);
/* Drops everything added after `size` was taken. */
void PrDisplayList_truncate(PrDisplayList *list, PrDisplayListMark size);
/* Appends an item to the current page and returns it (NULL after a failed
 * allocation); kind is set, the rest zeroed. */
PrItem *PrDisplayList_addItem(PrDisplayList *list, PrItemKind kind);
/* Reserves count glyphs at the end and returns them (NULL on failure). */
PrGlyph *PrDisplayList_addGlyphs(PrDisplayList *list, size_t count);
/* Reserves count bars at the end and returns them (NULL on failure). */
PrBar *PrDisplayList_addBars(PrDisplayList *list, size_t count);
/* Records what item `item` (bars just added) encodes: a copy of spec and
 * of the data. */
void PrDisplayList_setSymbol(PrDisplayList *list, PrItem *item, const PrMarkSpec *spec,
                             const uint8_t *text, size_t text_bytes, uint32_t columns,
                             uint32_t rows);
/* The symbol of a bars item, or NULL for plain bars. */
static inline const PrSymbol *PrDisplayList_symbol(const PrDisplayList *list,
                                                   const PrItem *item) {
  return item->symbol > 0 && item->symbol <= list->symbol_count ? &list->symbols[item->symbol - 1]
                                                                : NULL;
}
PrStatus PrDisplayList_check(const PrDisplayList *list, PrError *error);
/* Items of a page: its own, then its overlay, then its marks. */
static inline uint32_t PrDisplayList_pageItemCount(const PrDisplayList *list, uint32_t page) {
  const PrDlPage *p = &list->pages[page];
  return p->item_count + p->overlay_count + p->marks_count;
}
/* The item of page `page` at position i of PrDisplayList_pageItemCount. */
static inline const PrItem *PrDisplayList_pageItem(const PrDisplayList *list, uint32_t page,
                                                   uint32_t i) {
  const PrDlPage *p = &list->pages[page];
  if (i < p->item_count) {
    return &list->items[p->first_item + i];
  }
  i -= p->item_count;
  return i < p->overlay_count ? &list->items[p->overlay_first + i]
                              : &list->items[p->marks_first + (i - p->overlay_count)];
}

#endif
