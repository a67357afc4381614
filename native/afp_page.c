/* afp_page.c: one page (or overlay) of the display list as MO:DCA.
 *
 *   BAG                           active environment group
 *     MCF   (resident fonts)      code page + character set, local id, size
 *     MDR                         per TrueType (font, size): CCSID 1200, the
 *                                 font's full name (X'DE'), the local id
 *                                 (X'BE'), object class (data-object font,
 *                                 TrueType OID), the size (X'8B' data-object
 *                                 font descriptor); then per image included,
 *                                 its name (X'84')
 *     MPO                         per overlay included: name, local id
 *     PGD                         units (1,440 per inch) and page size
 *     PTD                         the text presentation space = the page
 *   EAG
 *   the items in display-list order, consecutive ones of a kind in one object:
 *     BPT PTX.. EPT               glyph runs, and as rules: rectangles, straight
 *                                 lines, bars (afp_text.c)
 *     BGR .. EGR                  sloping lines (afp_goca.c)
 *     IOB                         an image resource (afp_ioca.c)
 *     IPO                         a form: its overlay
 *     BBC .. EBC                  a barcode the printer draws (afp_bcoca.c)
 *
 * Later objects paint over earlier ones, as later PDF operators do, so the
 * order of the display list is kept. */
#include "afp_objects.h"
#include "afp_writer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Object Classification (X'10') of a TrueType data-object font: class X'41',
 * structure flags (in a container, no OEG, data in OCDs), the registered
 * object id 1.3.18.0.4.1.1.51 ("TrueType/OpenType Font"). */
static const uint8_t kTrueTypeOid[9] = {0x06, 0x07, 0x2B, 0x12, 0x00, 0x04, 0x01, 0x01, 0x33};

void PrAfp_putTrueTypeClass(PrBuffer *out) {
  PrBuffer_appendByte(out, 24);
  PrBuffer_appendByte(out, 0x10);
  PrBuffer_appendByte(out, 0x00);
  PrBuffer_appendByte(out, 0x41);
  PrAfp_put16(out, 0);
  PrAfp_put16(out, 0xDC00);
  uint8_t oid[16] = {0};
  memcpy(oid, kTrueTypeOid, sizeof kTrueTypeOid);
  PrBuffer_append(out, oid, sizeof oid);
}

static size_t utf16_units(const uint32_t *codepoints, size_t count) {
  size_t units = 0;
  for (size_t i = 0; i < count; i++) {
    units += codepoints[i] > 0xFFFF ? 2 : 1;
  }
  return units;
}

void PrAfp_putFontName(PrBuffer *out, uint8_t fqn_type, const char *name) {
  uint32_t codepoints[120];
  size_t count = PrAfp_utf8Decode((const uint8_t *)name, strlen(name), codepoints, 120);
  PrBuffer_appendByte(out, 6);        /* X'01' CGCSGID: CCSID 1200, UTF-16BE */
  PrBuffer_appendByte(out, 0x01);
  PrAfp_put16(out, 0);
  PrAfp_put16(out, 1200);
  PrBuffer_appendByte(out, (uint8_t)(4 + 2 * utf16_units(codepoints, count)));
  PrBuffer_appendByte(out, 0x02);
  PrBuffer_appendByte(out, fqn_type);
  PrBuffer_appendByte(out, 0x00);
  for (size_t i = 0; i < count; i++) {
    uint32_t cp = codepoints[i];
    if (cp > 0xFFFF) {
      cp -= 0x10000;
      PrAfp_put16(out, 0xD800 + (cp >> 10));
      cp = 0xDC00 + (cp & 0x3FF);
    }
    PrAfp_put16(out, cp);
  }
}

static void put_name(char name[9], char prefix, uint32_t number) {
  snprintf(name, 9, "%c%07u", prefix, (unsigned)(number % 10000000u));
}

void PrAfpPage_formName(uint32_t number, char name[9]) {
  snprintf(name, 9, "PRO%05u", (unsigned)(number % 100000u));
}

void PrAfpPage_fontName(uint32_t font, char name[9]) {
  snprintf(name, 9, "PRF%05u", (unsigned)((font + 1) % 100000u));
}

void PrAfpPage_imageName(uint32_t image, char name[9]) {
  snprintf(name, 9, "PRI%05u", (unsigned)((image + 1) % 100000u));
}

void PrAfpPage_pageName(uint64_t number, char name[9]) {
  put_name(name, 'P', (uint32_t)(number % 10000000u));
}

void PrAfpPage_groupName(uint64_t number, char name[9]) {
  put_name(name, 'G', (uint32_t)(number % 10000000u));
}

const PrAfpForm *PrAfpPage_findForm(const PrAfpWriter *writer, uint32_t key) {
  for (uint32_t f = 0; f < writer->form_count; f++) {
    if (writer->forms[f].key == key) {
      return &writer->forms[f];
    }
  }
  return NULL;
}

/* The local id of (font, size) on this page, mapping it on first use. */
static PrStatus page_font(PrAfpWriter *writer, const PrItem *item, uint32_t *out_id,
                          PrError *error) {
  int32_t size = PrAfp_units(item->size_pt);
  for (uint32_t i = 0; i < writer->page_font_count; i++) {
    if (writer->page_fonts[i].font == item->resource && writer->page_fonts[i].size_units == size) {
      *out_id = i + 1;
      return PR_OK;
    }
  }
  if (writer->page_font_count == PR_AFP_MAX_PAGE_FONTS) {
    return PrError_set(error, PR_ELIMIT, "afp: a page uses more than %d font sizes",
                       PR_AFP_MAX_PAGE_FONTS);
  }
  if (size <= 0 || size > 32767) {   /* X'8B' VFS and X'1F' heights: 1..32,767 */
    return PrError_set(error, PR_EINVAL, "afp: font size %g pt", (double)item->size_pt);
  }
  writer->page_fonts[writer->page_font_count].font = item->resource;
  writer->page_fonts[writer->page_font_count].size_units = size;
  *out_id = ++writer->page_font_count;
  return PR_OK;
}

/* MCF (format 2): per coded font a repeating group of code page name,
 * character set name, rotation 0, local id, and the size of an outline font. */
static void write_coded_fonts(PrAfpWriter *writer, PrBuffer *out) {
  PrAfpSf sf;
  bool open = false;
  for (uint32_t i = 0; i < writer->page_font_count; i++) {
    const PrAfpPageFont *use = &writer->page_fonts[i];
    const PrAfpCodedFontUse *coded = &writer->coded[use->font];
    if (!coded->mapped) {
      continue;
    }
    if (!open) {
      PrAfpSf_begin(out, PR_SF_MCF, &sf);
      open = true;
    }
    PrAfp_put16(out, 2 + 12 + 12 + 4 + 4 + 20);
    PrAfp_putFqnName(out, 0x85, coded->code_page);
    PrAfp_putFqnName(out, 0x86, coded->character_set);
    PrBuffer_appendByte(out, 4);      /* X'26' character rotation 0 */
    PrBuffer_appendByte(out, 0x26);
    PrAfp_put16(out, 0);
    PrBuffer_appendByte(out, 4);      /* X'24' resource local id, coded font */
    PrBuffer_appendByte(out, 0x24);
    PrBuffer_appendByte(out, 0x05);
    PrBuffer_appendByte(out, (uint8_t)(i + 1));
    /* X'1F' font descriptor specification: weight and width classes medium,
     * height and width the size (1/1440 inch), no design flags, 10
     * reserved bytes, no usage flags. */
    PrBuffer_appendByte(out, 20);
    PrBuffer_appendByte(out, 0x1F);
    PrBuffer_appendByte(out, 0x05);
    PrBuffer_appendByte(out, 0x05);
    PrAfp_put16(out, (uint32_t)use->size_units);
    PrAfp_put16(out, (uint32_t)use->size_units);
    PrBuffer_appendByte(out, 0x00);
    for (int r = 0; r < 10; r++) {
      PrBuffer_appendByte(out, 0x00);
    }
    PrBuffer_appendByte(out, 0x00);
  }
  if (open) {
    PrAfpSf_end(out, &sf);
  }
}

/* Overlays and images the page uses, in order of first use. */
typedef struct PageUses {
  uint32_t *forms;
  uint32_t form_count;
  uint32_t *images;
  uint32_t image_count;
} PageUses;

/* One MDR: per TrueType (font, size) a repeating group, then per image one. */
static void write_data_maps(PrAfpWriter *writer, PrBuffer *out, const PageUses *uses) {
  PrAfpSf sf;
  bool open = false;
  for (uint32_t i = 0; i < writer->page_font_count; i++) {
    const PrAfpPageFont *use = &writer->page_fonts[i];
    if (writer->coded[use->font].mapped) {
      continue;
    }
    if (!open) {
      PrAfpSf_begin(out, PR_SF_MDR, &sf);
      open = true;
    }
    /* X'01' 1200 (also the text's), X'02' X'DE' full name: encoded at create */
    size_t ref_start = use->font == 0 ? 0 : writer->font_ref_ends[use->font - 1];
    size_t ref_bytes = writer->font_ref_ends[use->font] - ref_start;
    PrAfp_put16(out, (uint32_t)(2 + ref_bytes + 5 + 24 + 16));
    PrBuffer_append(out, writer->font_refs.data + ref_start, ref_bytes);
    PrBuffer_appendByte(out, 5);      /* X'02' FQN X'BE': the local id PTOCA selects */
    PrBuffer_appendByte(out, 0x02);
    PrBuffer_appendByte(out, 0xBE);
    PrBuffer_appendByte(out, 0x00);
    PrBuffer_appendByte(out, (uint8_t)(i + 1));
    PrAfp_putTrueTypeClass(out);
    PrBuffer_appendByte(out, 16);     /* X'8B' data-object font descriptor */
    PrBuffer_appendByte(out, 0x8B);
    PrBuffer_appendByte(out, 0x40);   /* flags: the font is inline, in the resource group */
    PrBuffer_appendByte(out, 0x20);   /* technology: TrueType/OpenType */
    PrAfp_put16(out, (uint32_t)use->size_units);   /* vertical size, 1/1440 inch */
    PrAfp_put16(out, (uint32_t)use->size_units);   /* horizontal scale: unscaled */
    PrAfp_put16(out, 0);              /* character rotation */
    PrAfp_put16(out, 3);              /* encoding environment: Microsoft */
    PrAfp_put16(out, 1);              /* encoding: Unicode BMP */
    PrAfp_put16(out, 0);
  }
  for (uint32_t i = 0; i < uses->image_count; i++) {
    if (!open) {
      PrAfpSf_begin(out, PR_SF_MDR, &sf);
      open = true;
    }
    char name[9];
    PrAfpPage_imageName(uses->images[i], name);
    PrAfpIoca_putMapGroup(out, name);
  }
  if (open) {
    PrAfpSf_end(out, &sf);
  }
}

static bool has(const uint32_t *values, uint32_t count, uint32_t value) {
  for (uint32_t i = 0; i < count; i++) {
    if (values[i] == value) {
      return true;
    }
  }
  return false;
}

static PrStatus collect_uses(PrAfpWriter *writer, const PrDisplayList *list, uint32_t page,
                             PageUses *uses, PrError *error) {
  uint32_t count = PrDisplayList_pageItemCount(list, page);
  writer->page_font_count = 0;
  for (uint32_t i = 0; i < count; i++) {
    const PrItem *item = PrDisplayList_pageItem(list, page, i);
    if (item->kind == PR_ITEM_GLYPHS && item->glyph_count > 0) {
      uint32_t id;
      if (item->resource >= writer->plan->font_count) {
        return PrError_set(error, PR_EINVAL, "afp: glyph run of font %u; the plan has %u",
                           (unsigned)item->resource, (unsigned)writer->plan->font_count);
      }
      PR_RETURN_NOT_OK(page_font(writer, item, &id, error));
    } else if (item->kind == PR_ITEM_FORM) {
      const PrAfpForm *form = PrAfpPage_findForm(writer, item->resource);
      if (form == NULL) {
        return PrError_set(error, PR_EINVAL, "afp: form %u is not defined",
                           (unsigned)item->resource);
      }
      if (!has(uses->forms, uses->form_count, form->number)) {
        uses->forms[uses->form_count++] = form->number;
      }
    } else if (item->kind == PR_ITEM_IMAGE) {
      if (item->resource >= writer->plan->image_count) {
        return PrError_set(error, PR_EINVAL, "afp: image %u; the plan has %u",
                           (unsigned)item->resource, (unsigned)writer->plan->image_count);
      }
      if (!has(uses->images, uses->image_count, item->resource)) {
        uses->images[uses->image_count++] = item->resource;
      }
    }
  }
  return PR_OK;
}

static void write_environment(PrAfpWriter *writer, PrBuffer *out, const PrDlPage *dl_page,
                              const PageUses *uses) {
  PrAfpSf_write(out, PR_SF_BAG, NULL, 0);
  write_coded_fonts(writer, out);
  write_data_maps(writer, out, uses);
  if (uses->form_count > 0) {
    PrAfpSf sf;
    PrAfpSf_begin(out, PR_SF_MPO, &sf);
    for (uint32_t i = 0; i < uses->form_count; i++) {
      char name[9];
      PrAfpPage_formName(uses->forms[i], name);
      PrAfp_put16(out, 2 + 12 + 4);
      PrAfp_putFqnName(out, 0x84, name);
      PrBuffer_appendByte(out, 4);    /* X'24' resource local id, page overlay */
      PrBuffer_appendByte(out, 0x24);
      PrBuffer_appendByte(out, 0x02);
      PrBuffer_appendByte(out, (uint8_t)(i + 1));
    }
    PrAfpSf_end(out, &sf);
  }
  uint32_t width = (uint32_t)PrAfp_units(dl_page->width_pt);
  uint32_t height = (uint32_t)PrAfp_units(dl_page->height_pt);
  PrAfpSf sf;
  PrAfpSf_begin(out, PR_SF_PGD, &sf);
  PrBuffer_appendByte(out, 0x00);     /* unit base: ten inches, both axes */
  PrBuffer_appendByte(out, 0x00);
  PrAfp_put16(out, PR_AFP_UNITS_PER_BASE);
  PrAfp_put16(out, PR_AFP_UNITS_PER_BASE);
  PrAfp_put24(out, width);
  PrAfp_put24(out, height);
  PrAfp_put24(out, 0);                /* reserved */
  PrAfpSf_end(out, &sf);
  PrAfpSf_begin(out, PR_SF_PTD, &sf);
  PrBuffer_appendByte(out, 0x00);
  PrBuffer_appendByte(out, 0x00);
  PrAfp_put16(out, PR_AFP_UNITS_PER_BASE);
  PrAfp_put16(out, PR_AFP_UNITS_PER_BASE);
  PrAfp_put24(out, width);
  PrAfp_put24(out, height);
  PrAfp_put16(out, 0);                /* reserved */
  PrAfpSf_end(out, &sf);
  PrAfpSf_write(out, PR_SF_EAG, NULL, 0);
}

/* The kinds of object consecutive items are gathered into. */
typedef enum ObjectKind {
  OBJECT_NONE = 0, OBJECT_TEXT, OBJECT_VECTOR, OBJECT_SINGLE
} ObjectKind;

/* Whether the printer draws these bars from their data: BCOCA has no
 * Australia Post routing (FCC 87) or redirection (FCC 92) barcode, whose
 * bars are drawn instead. */
static bool bcoca_draws(const PrAfpWriter *writer, const PrDisplayList *list, const PrItem *item) {
  const PrSymbol *symbol = PrDisplayList_symbol(list, item);
  if (!writer->native_barcodes || symbol == NULL || !PrAfpBcoca_supports(symbol)) {
    return false;
  }
  if (symbol->spec.kind == PR_MARK_AUSPOST && symbol->text_bytes >= 2) {
    const uint8_t *fcc = list->symbol_text + symbol->first_text_byte;
    return !((fcc[0] == '8' && fcc[1] == '7') || (fcc[0] == '9' && fcc[1] == '2'));
  }
  return true;
}

static ObjectKind object_kind(const PrAfpWriter *writer, const PrDisplayList *list,
                              const PrItem *item) {
  switch (item->kind) {
    case PR_ITEM_GLYPHS:
    case PR_ITEM_RECT: return OBJECT_TEXT;
    case PR_ITEM_LINE:   /* a horizontal or vertical line is a rule, a sloping one a graphic */
      return item->x_pt == item->x2_pt || item->y_pt == item->y2_pt ? OBJECT_TEXT : OBJECT_VECTOR;
    case PR_ITEM_BARS:
      return bcoca_draws(writer, list, item) ? OBJECT_SINGLE : OBJECT_TEXT;
    default: return OBJECT_SINGLE;
  }
}

/* Lines, rectangles and bars as rules, as the PDF draws them: strokes
 * centred on the path with butt ends, the fill under the stroke. */
static void write_rules(PrAfpWriter *writer, PrAfpTextState *text, const PrDisplayList *list,
                        const PrItem *item) {
  float half = item->size_pt / 2.0f;
  if (item->kind == PR_ITEM_LINE) {
    float x0 = item->x_pt < item->x2_pt ? item->x_pt : item->x2_pt;
    float y0 = item->y_pt < item->y2_pt ? item->y_pt : item->y2_pt;
    if (item->y_pt == item->y2_pt) {
      PrAfpText_writeRule(writer, text, x0, y0 - half, fabsf(item->x2_pt - item->x_pt), item->size_pt,
                          &item->color);
    } else {
      PrAfpText_writeRule(writer, text, x0 - half, y0, item->size_pt, fabsf(item->y2_pt - item->y_pt),
                          &item->color);
    }
  } else if (item->kind == PR_ITEM_RECT) {
    float x = item->x_pt, y = item->y_pt, w = item->width_pt, h = item->height_pt;
    if (item->has_fill) {
      PrAfpText_writeRule(writer, text, x, y, w, h, &item->fill);
    }
    if (item->has_stroke) {
      float s = item->size_pt;
      PrAfpText_writeRule(writer, text, x - half, y - half, w + s, s, &item->color);
      PrAfpText_writeRule(writer, text, x - half, y + h - half, w + s, s, &item->color);
      PrAfpText_writeRule(writer, text, x - half, y + half, s, h - s, &item->color);
      PrAfpText_writeRule(writer, text, x + w - half, y + half, s, h - s, &item->color);
    }
  } else {
    const PrBar *bars = &list->bars[item->first_bar];
    float unit = item->size_pt > 0 ? item->size_pt : 1.0f;
    float x = item->size_pt > 0 ? item->x_pt : 0.0f, y = item->size_pt > 0 ? item->y_pt : 0.0f;
    for (uint32_t b = 0; b < item->bar_count; b++) {
      PrAfpText_writeRule(writer, text, x + bars[b].x_pt * unit, y + bars[b].y_pt * unit,
                          bars[b].width_pt * unit, bars[b].height_pt * unit, &item->color);
    }
  }
}

static PrStatus close_object(PrAfpWriter *writer, PrBuffer *out, const PrDisplayList *list,
                             ObjectKind kind, size_t *vector_count, const PrDlPage *dl_page,
                             PrError *error) {
  if (kind == OBJECT_TEXT) {
    PrAfpText_flush(writer, out);
    PrAfpSf_write(out, PR_SF_EPT, NULL, 0);
  } else if (kind == OBJECT_VECTOR && *vector_count > 0) {
    PR_RETURN_NOT_OK(PrAfpGoca_write(out, list, writer->vector_items, *vector_count,
                                     dl_page->width_pt, dl_page->height_pt, error));
    *vector_count = 0;
  }
  return PR_OK;
}

static PrStatus write_single(PrAfpWriter *writer, PrBuffer *out, const PrDisplayList *list,
                             const PrItem *item, const PageUses *uses, PrError *error) {
  char name[9];
  switch (item->kind) {
    case PR_ITEM_IMAGE:
      PrAfpPage_imageName(item->resource, name);
      PrAfpIoca_writeInclude(out, name, item->x_pt, item->y_pt, item->width_pt, item->height_pt);
      return PR_OK;
    case PR_ITEM_FORM: {
      const PrAfpForm *form = PrAfpPage_findForm(writer, item->resource);
      PrAfpPage_formName(form->number, name);
      (void)uses;
      PrAfpSf sf;
      PrAfpSf_begin(out, PR_SF_IPO, &sf);
      PrAfp_putName8(out, name);
      PrAfp_put24(out, (uint32_t)PrAfp_units(item->x_pt) & 0xFFFFFFu);
      PrAfp_put24(out, (uint32_t)PrAfp_units(item->y_pt) & 0xFFFFFFu);
      PrAfp_put16(out, 0);            /* overlay orientation 0 */
      PrAfpSf_end(out, &sf);
      return PR_OK;
    }
    case PR_ITEM_BARS: {
      const PrSymbol *symbol = PrDisplayList_symbol(list, item);
      return PrAfpBcoca_write(out, symbol, list->symbol_text + symbol->first_text_byte,
                              symbol->text_bytes, error);
    }
    default:
      return PrError_set(error, PR_EINVAL, "afp: item kind %u", (unsigned)item->kind);
  }
}

static PrStatus write_objects(PrAfpWriter *writer, PrBuffer *out, const PrDisplayList *list,
                              uint32_t page, const PageUses *uses, PrError *error) {
  const PrDlPage *dl_page = &list->pages[page];
  uint32_t count = PrDisplayList_pageItemCount(list, page);
  if (writer->vector_capacity < count) {
    const PrItem **grown = realloc(writer->vector_items, count * sizeof *grown);
    if (grown == NULL) {
      return PrError_set(error, PR_ENOMEM, "afp: out of memory for a page's items");
    }
    writer->vector_items = grown;
    writer->vector_capacity = count;
  }
  ObjectKind open = OBJECT_NONE;
  size_t vector_count = 0;
  PrAfpTextState text;
  uint32_t text_objects = 0;
  for (uint32_t i = 0; i < count; i++) {
    const PrItem *item = PrDisplayList_pageItem(list, page, i);
    ObjectKind kind = object_kind(writer, list, item);
    if (kind != open || kind == OBJECT_SINGLE) {
      PR_RETURN_NOT_OK(close_object(writer, out, list, open, &vector_count, dl_page, error));
      open = kind;
      if (kind == OBJECT_TEXT) {
        char name[9];
        snprintf(name, sizeof name, "T%07u", (unsigned)(++text_objects % 10000000u));
        PrAfpSf sf;
        PrAfpSf_begin(out, PR_SF_BPT, &sf);
        PrAfp_putName8(out, name);
        PrAfpSf_end(out, &sf);
        PrAfpText_begin(&text);
      }
    }
    if (kind == OBJECT_TEXT && item->kind == PR_ITEM_GLYPHS) {
      if (item->glyph_count == 0) {
        continue;
      }
      uint32_t id;
      PR_RETURN_NOT_OK(page_font(writer, item, &id, error));
      PR_RETURN_NOT_OK(PrAfpText_writeRun(writer, &text, list, item, id, error));
    } else if (kind == OBJECT_TEXT) {
      if ((uint64_t)item->first_bar + item->bar_count > list->bar_count) {
        return PrError_set(error, PR_EINVAL, "afp: bars out of range");
      }
      write_rules(writer, &text, list, item);
    } else if (kind == OBJECT_VECTOR) {
      writer->vector_items[vector_count++] = item;
    } else {
      PR_RETURN_NOT_OK(write_single(writer, out, list, item, uses, error));
    }
  }
  return close_object(writer, out, list, open, &vector_count, dl_page, error);
}

PrStatus PrAfpPage_writeContent(PrAfpWriter *writer, PrBuffer *out, const PrDisplayList *list,
                                uint32_t page, PrError *error) {
  if (page >= list->page_count) {
    return PrError_set(error, PR_EINVAL, "afp: page %u of a list of %zu", (unsigned)page,
                       list->page_count);
  }
  const PrDlPage *dl_page = &list->pages[page];
  int32_t width = PrAfp_units(dl_page->width_pt), height = PrAfp_units(dl_page->height_pt);
  if (width <= 0 || height <= 0 || width > 32767 || height > 32767) {
    return PrError_set(error, PR_ELIMIT, "afp: a page of %g x %g pt: MO:DCA pages are at most "
                       "32,767 L-units (22.75 in) a side", (double)dl_page->width_pt,
                       (double)dl_page->height_pt);
  }
  /* Each distinct overlay and image once: the writer's arrays hold them all. */
  PageUses uses = {writer->page_forms, 0, writer->page_images, 0};
  PrStatus status = collect_uses(writer, list, page, &uses, error);
  if (status == PR_OK) {
    write_environment(writer, out, &list->pages[page], &uses);
    PrBuffer_clear(&writer->text);
    status = write_objects(writer, out, list, page, &uses, error);
  }
  if (status == PR_OK) {
    status = PrBuffer_check(out, error);
  }
  return status;
}
