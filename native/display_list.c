/* display_list.c: growth of the display list arrays. */
#include "display_list.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"

void PrDisplayList_init(PrDisplayList *list) {
  memset(list, 0, sizeof *list);
  list->overlay_page = -1;
}

void PrDisplayList_free(PrDisplayList *list) {
  free(list->pages);
  free(list->items);
  free(list->glyphs);
  PrDisplayList_init(list);
}

void PrDisplayList_reset(PrDisplayList *list) {
  list->page_count = 0;
  list->item_count = 0;
  list->glyph_count = 0;
  list->failed = 0;
  list->overlay_page = -1;
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
  PrDlPage *page = &list->pages[list->page_count++];
  page->width_pt = width_pt;
  page->height_pt = height_pt;
  page->first_item = (uint32_t)list->item_count;
  page->item_count = 0;
  page->overlay_first = 0;
  page->overlay_count = 0;
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
  if (list->overlay_page >= 0) {
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

PrStatus PrDisplayList_check(const PrDisplayList *list, PrError *error) {
  if (list->failed) {
    return PrError_set(error, PR_ENOMEM, "out of memory building a page display list");
  }
  return PR_OK;
}
