/* display_list.c: growth of the display list arrays. */
#include "display_list.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"

void PrDisplayList_init(PrDisplayList *list) {
  memset(list, 0, sizeof *list);
  list->overlay_page = -1;
  list->marks_page = -1;
}

void PrDisplayList_free(PrDisplayList *list) {
  free(list->pages);
  free(list->items);
  free(list->glyphs);
  free(list->bars);
  free(list->symbols);
  free(list->symbol_text);
  PrDisplayList_init(list);
}

void PrDisplayList_reset(PrDisplayList *list) {
  list->page_count = 0;
  list->item_count = 0;
  list->glyph_count = 0;
  list->bar_count = 0;
  list->symbol_count = 0;
  list->symbol_text_bytes = 0;
  list->failed = 0;
  list->overlay_page = -1;
  list->marks_page = -1;
}

PrDisplayListMark PrDisplayList_size(const PrDisplayList *list) {
  PrDisplayListMark size = {list->page_count, list->item_count,   list->glyph_count,
                            list->bar_count,  list->symbol_count, list->symbol_text_bytes};
  return size;
}

void PrDisplayList_truncate(PrDisplayList *list, PrDisplayListMark size) {
  if (size.page_count > list->page_count || size.item_count > list->item_count ||
      size.glyph_count > list->glyph_count || size.bar_count > list->bar_count ||
      size.symbol_count > list->symbol_count ||
      size.symbol_text_bytes > list->symbol_text_bytes) {
    list->failed = 1;   /* not a size of this list */
    return;
  }
  list->page_count = size.page_count;
  list->item_count = size.item_count;
  list->glyph_count = size.glyph_count;
  list->bar_count = size.bar_count;
  list->symbol_count = size.symbol_count;
  list->symbol_text_bytes = size.symbol_text_bytes;
  list->overlay_page = -1;
  list->marks_page = -1;
}

/* Grows *array so that it holds `needed` elements; 0 on failure. */
static int grow(void **array, size_t *capacity, size_t needed, size_t element_bytes) {
  if (needed <= *capacity) {
    return 1;
  }
  size_t capacity_new = *capacity < 16 ? 16 : *capacity;
  while (capacity_new < needed) {
    capacity_new *= 2;
  }
  void *grown = realloc(*array, capacity_new * element_bytes);
  if (grown == NULL) {
    return 0;
  }
  *array = grown;
  *capacity = capacity_new;
  return 1;
}

void PrDisplayList_addPage(PrDisplayList *list, float width_pt, float height_pt) {
  if (list->failed ||
      !grow((void **)&list->pages, &list->page_capacity, list->page_count + 1,
            sizeof *list->pages)) {
    list->failed = 1;
    return;
  }
  list->overlay_page = -1;   /* a new page ends any overlay or marks */
  list->marks_page = -1;
  PrDlPage *page = &list->pages[list->page_count++];
  page->width_pt = width_pt;
  page->height_pt = height_pt;
  page->first_item = (uint32_t)list->item_count;
  page->item_count = 0;
  page->overlay_first = 0;
  page->overlay_count = 0;
  page->marks_first = 0;
  page->marks_count = 0;
}

void PrDisplayList_beginOverlay(PrDisplayList *list, uint32_t page) {
  if (page >= list->page_count) {
    list->failed = 1;
    return;
  }
  list->overlay_page = page;
  list->pages[page].overlay_first = (uint32_t)list->item_count;
  list->pages[page].overlay_count = 0;
}

void PrDisplayList_beginMarks(PrDisplayList *list, uint32_t page) {
  if (page >= list->page_count) {
    list->failed = 1;
    return;
  }
  list->overlay_page = -1;
  list->marks_page = page;
  list->pages[page].marks_first = (uint32_t)list->item_count;
  list->pages[page].marks_count = 0;
}

void PrDisplayList_endMarks(PrDisplayList *list) {
  list->marks_page = -1;
}

PrItem *PrDisplayList_addItem(PrDisplayList *list, PrItemKind kind) {
  if (list->failed || list->page_count == 0 ||
      !grow((void **)&list->items, &list->item_capacity, list->item_count + 1,
            sizeof *list->items)) {
    list->failed = 1;
    return NULL;
  }
  PrItem *item = &list->items[list->item_count++];
  memset(item, 0, sizeof *item);
  item->kind = (uint8_t)kind;
  if (list->marks_page >= 0) {
    list->pages[list->marks_page].marks_count++;
  } else if (list->overlay_page >= 0) {
    list->pages[list->overlay_page].overlay_count++;
  } else {
    list->pages[list->page_count - 1].item_count++;
  }
  return item;
}

PrGlyph *PrDisplayList_addGlyphs(PrDisplayList *list, size_t count) {
  if (list->failed ||
      !grow((void **)&list->glyphs, &list->glyph_capacity, list->glyph_count + count,
            sizeof *list->glyphs)) {
    list->failed = 1;
    return NULL;
  }
  PrGlyph *glyphs = &list->glyphs[list->glyph_count];
  list->glyph_count += count;
  return glyphs;
}

PrBar *PrDisplayList_addBars(PrDisplayList *list, size_t count) {
  if (list->failed ||
      !grow((void **)&list->bars, &list->bar_capacity, list->bar_count + count,
            sizeof *list->bars)) {
    list->failed = 1;
    return NULL;
  }
  PrBar *bars = &list->bars[list->bar_count];
  list->bar_count += count;
  return bars;
}

void PrDisplayList_setSymbol(PrDisplayList *list, PrItem *item, const PrMarkSpec *spec,
                             const uint8_t *text, size_t text_bytes, uint32_t columns,
                             uint32_t rows) {
  if (list->failed || item == NULL || text_bytes > UINT32_MAX - list->symbol_text_bytes ||
      !grow((void **)&list->symbols, &list->symbol_capacity, list->symbol_count + 1,
            sizeof *list->symbols) ||
      !grow((void **)&list->symbol_text, &list->symbol_text_capacity,
            list->symbol_text_bytes + text_bytes, 1)) {
    list->failed = 1;
    return;
  }
  PrSymbol *symbol = &list->symbols[list->symbol_count++];
  symbol->spec = *spec;
  symbol->first_text_byte = (uint32_t)list->symbol_text_bytes;
  symbol->text_bytes = (uint32_t)text_bytes;
  symbol->columns = columns;
  symbol->rows = rows;
  if (text_bytes > 0) {
    memcpy(list->symbol_text + list->symbol_text_bytes, text, text_bytes);
  }
  list->symbol_text_bytes += text_bytes;
  item->symbol = (uint32_t)list->symbol_count;
}

PrStatus PrDisplayList_check(const PrDisplayList *list, PrError *error) {
  if (list->failed) {
    return PrError_set(error, PR_ENOMEM, "out of memory building a page display list");
  }
  return PR_OK;
}
