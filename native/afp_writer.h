/* afp_writer.h: the AFP writer's private state, shared by its files.
 *
 *   afp_file.c       the print file: create, output, the resource group
 *                    (form definition, fonts, images, overlays), BDT/EDT,
 *                    page groups with their index tags, medium map changes,
 *                    the PrDocWriter implementation
 *   afp_page.c       one page or overlay: its active environment group
 *                    (font and overlay maps, PGD, PTD) and its objects in
 *                    display-list order
 *   afp_text.c       glyph runs and rules (rectangles, straight lines, bars)
 *                    as PTOCA control sequences
 *   afp_sf.c         structured-field framing
 *   afp_goca.c, afp_ioca.c, afp_bcoca.c, afp_formdef.c   the objects
 *
 * A print file:
 *
 *   BRG                         print-file resource group
 *     BRS FORMDEF  BFM .. EFM  ERS     (when medium maps are given)
 *     BRS font     BOC .. OCD .. EOC  ERS      (TrueType, whole)
 *     BRS image    BIM .. EIM  ERS
 *     BRS overlay  BMO .. EMO  ERS     (a page master's static content)
 *   ERG
 *   BDT
 *     BNG  TLE..  [IMM]  BPG .. EPG  [IMM]  BPG .. EPG  ENG     a mail piece
 *     ...
 *   EDT
 *
 * Names (8 EBCDIC characters): fonts PRF00001.. (and their full font
 * name, in UTF-16BE, which MDRs map them by), images PRI00001..,
 * overlays PRO00001.., page groups G0000001.., pages P0000001.. (numbers
 * wrap at 10^7; the index tags, not the names, identify a piece). */
#ifndef PR_AFP_WRITER_H
#define PR_AFP_WRITER_H

#include <stdbool.h>
#include <stdint.h>

#include "afp_sf.h"
#include "buffer.h"
#include "display_list.h"
#include "doc_writer.h"
#include "error.h"
#include "plan.h"
#include "pressrun.h"

/* Most distinct (font, size) pairs one page can map: local ids are one byte. */
#define PR_AFP_MAX_PAGE_FONTS 250

/* A plan font shown in a printer-resident coded font. */
typedef struct PrAfpCodedFontUse {
  bool mapped;
  char character_set[9];
  char code_page[9];
  uint32_t *codepoints;     /* sorted */
  uint8_t *code_bytes;
  uint32_t code_count;
} PrAfpCodedFontUse;

/* A (font, size) mapped on the page being written, by local id - 1. */
typedef struct PrAfpPageFont {
  uint32_t font;
  int32_t size_units;       /* the font size in L-units (1/1440 inch) */
} PrAfpPageFont;

typedef struct PrAfpForm {
  uint32_t key;
  uint32_t number;          /* its overlay name's number */
} PrAfpForm;

typedef struct PrAfpMap {
  char name[9];
  uint8_t duplex;
} PrAfpMap;

struct PrAfpWriter {
  const PrPlan *plan;
  bool native_barcodes;
  char document_name[9];
  char form_name[9];
  char **tag_names;
  uint32_t tag_count;
  PrAfpMediumMap *medium_maps;  /* copies, names owned */
  PrAfpMap *maps;
  uint32_t map_count;
  float medium_width_pt, medium_height_pt;
  PrAfpCodedFontUse *coded;     /* plan->font_count */
  uint16_t *units_per_em;       /* plan->font_count */
  char **font_names;            /* plan->font_count full font names, UTF-8 */

  PrBuffer out;                 /* produced, not yet consumed */
  uint64_t consumed_bytes;
  PrBuffer overlays;            /* overlay resources, until the resource group is written */
  PrBuffer text;                /* one presentation text object's PTOCA */
  PrBuffer scratch;             /* whole-font programs of .ttc faces */

  PrAfpForm *forms;
  uint32_t form_count, form_capacity;
  bool resources_written;

  /* The page being written. */
  PrAfpPageFont page_fonts[PR_AFP_MAX_PAGE_FONTS];
  uint32_t page_font_count;
  const PrItem **vector_items;  /* consecutive vector items drawn as one graphics object */
  size_t vector_capacity;
  uint32_t *page_forms;         /* overlays the page includes: form_capacity entries */
  uint32_t *page_images;        /* images it includes: plan->image_count entries */
  PrBuffer font_refs;           /* per plan font, the MDR's X'01' 1200 + FQN X'DE' full name */
  size_t *font_ref_ends;        /* plan->font_count ends in font_refs */

  /* The page group being written: begun at its first page (a piece's
   * pages may all fail). */
  bool in_document;
  bool group_open;
  PrBuffer tags;                /* its TLE values, back to back */
  uint64_t *tag_ends;           /* tag_count ends in tags */
  bool has_tags;
  int32_t medium_map;           /* in effect; -1 before the first IMM */
  bool back_next;               /* duplex: the next page is the back of a sheet */

  uint64_t page_count;
  uint64_t group_count;
  bool finished;
  bool failed;
  char failure[256];
};

/* ---- afp_file.c ---- */
PrStatus PrAfpFile_checkUsable(const PrAfpWriter *writer, const char *what, PrError *error);

/* ---- afp_page.c ---- */
/* Appends page `page` of `list` to `out`: the active environment group
 * (BAG .. EAG: maps, PGD, PTD) then its objects; begin/end (BPG/EPG,
 * BMO/EMO) are the caller's. */
PrStatus PrAfpPage_writeContent(PrAfpWriter *writer, PrBuffer *out, const PrDisplayList *list,
                                uint32_t page, PrError *error);
/* The overlay name of form `key` (NULL if not defined) */
const PrAfpForm *PrAfpPage_findForm(const PrAfpWriter *writer, uint32_t key);
void PrAfpPage_formName(uint32_t number, char name[9]);
void PrAfpPage_pageName(uint64_t number, char name[9]);
void PrAfpPage_groupName(uint64_t number, char name[9]);
/* The Object Classification triplet (X'10') of a TrueType data-object font. */
void PrAfp_putTrueTypeClass(PrBuffer *out);
/* X'01' CCSID 1200 then an FQN triplet of `type` holding UTF-8 `name` in
 * UTF-16BE: how a TrueType font is named on its BRS and mapped by MDRs. */
void PrAfp_putFontName(PrBuffer *out, uint8_t fqn_type, const char *name);

void PrAfpPage_fontName(uint32_t font, char name[9]);
void PrAfpPage_imageName(uint32_t image, char name[9]);

/* ---- afp_text.c ---- */
/* Appends to writer->text the control sequences drawing glyph run `item`
 * of `list` with local font id `local_id` (the mapped (font, size)). The
 * text object's state (font, colour, position) is tracked in *state. */
typedef struct PrAfpTextState {
  int32_t local_id;         /* -1: unknown */
  bool color_known;
  PrColor color;
  int32_t baseline;         /* -1: unknown */
} PrAfpTextState;
void PrAfpText_begin(PrAfpTextState *state);
PrStatus PrAfpText_writeRun(PrAfpWriter *writer, PrAfpTextState *state, const PrDisplayList *list,
                            const PrItem *item, uint32_t local_id, PrError *error);
/* Appends a rule (DIR): a rectangle filled with `color`, top-left (x, y). */
void PrAfpText_writeRule(PrAfpWriter *writer, PrAfpTextState *state, float x_pt, float y_pt,
                         float width_pt, float height_pt, const PrColor *color);
/* Ends the text object's chain and appends its PTX structured fields
 * (split at control-sequence boundaries) to `out`; clears writer->text. */
void PrAfpText_flush(PrAfpWriter *writer, PrBuffer *out);

#endif
