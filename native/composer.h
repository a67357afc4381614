/* composer.h: the composer's state, shared by its files (private).
 *
 *   compose.c  batches and records: column views, errors, writing documents
 *   page.c     page masters: starting a page, its fixed elements, page numbers
 *   flow.c     the flow: blocks split across frames and pages, conditions,
 *              keep-together / keep-with-next, widows and orphans
 *   table.c    tables from list<struct> columns: header, rows, carried and
 *              brought forward rows, footer
 *
 * A record is laid out into one display list holding all its pages; page
 * numbers go into each page's overlay once the page count is known, then
 * the pages are written. */
#ifndef PR_COMPOSER_H
#define PR_COMPOSER_H

#include "arrow_view.h"
#include "display_list.h"
#include "doc_writer.h"
#include "layout.h"
#include "plan.h"

struct PrComposer {
  const PrPlan *plan;
  PrLayout layout;               /* flow blocks */
  PrLayout page_layout;          /* a master's fixed blocks (drawn while the flow is mid-block) */
  PrLayout *cell_layouts;        /* one per column of the widest table */
  uint32_t cell_layout_count;
  PrDisplayList list;
  const PrColumn **field_views;  /* plan field -> column view of this batch, or NULL */
  float *frame_used_pt;          /* per stacking frame: height taken by its blocks so far */
  uint8_t *page_masters;         /* master of each page of the current record */
  size_t page_master_capacity;
  const PrDocWriter *writer;     /* of the current batch: forms are defined on first use */
  PrBuffer scratch;              /* a value's text, for conditions and group keys */
  PrBuffer scratch_previous;     /* the previous row's group key */
  uint8_t *mark_scratch;         /* PR_MARK_SCRATCH_BYTES: symbol modules, bar widths */
  /* Pages of the record being composed: [record_first_page, list.page_count).
   * 0 when one record at a time is composed (the list is reset per record);
   * when pages are held for mail pieces, the list holds a batch. */
  size_t record_first_page;
  bool holding;                  /* the list holds the pages of a whole batch */
  /* The flow's position: */
  uint32_t frame;                /* plan frame index being filled */
  float y_pt;                    /* top of the free space in it */
  bool at_top;                   /* nothing placed in this frame yet */
  bool continued;                /* the frame continues the flow from an earlier one */
  PrRecordError *errors;
  size_t error_count, error_capacity;
};

/* A document longer than this is a record error (a guard against runaway
 * data: a statement has a few pages). */
#define PR_MAX_DOCUMENT_PAGES 10000

/* page.c */
/* Defines the forms of every master that has static content, once per
 * writer (composer->writer), before the batch's first record. */
PrStatus PrPage_defineForms(PrComposer *composer, PrError *error);
/* Starts a page of `master` for `row`: its form, its fixed elements (page
 * numbers later), and the flow at its first flow frame. */
PrStatus PrPage_start(PrComposer *composer, uint8_t master, int64_t row, PrError *error);
/* Continues the flow in the master's next flow frame, or on a new page of
 * the next master. */
PrStatus PrPage_nextFrame(PrComposer *composer, int64_t row, PrError *error);
/* Draws the page-number blocks of every page into its overlay. */
PrStatus PrPage_numberPages(PrComposer *composer, int64_t row, PrError *error);
/* Encodes and draws a barcode element for the record. */
PrStatus PrPage_placeBarcode(PrComposer *composer, uint32_t barcode_index, int64_t row,
                             PrError *error);
/* Lays out a fixed block (absolute, or stacked in a legacy frame) and draws it. */
PrStatus PrPage_placeBlock(PrComposer *composer, uint32_t block_index, int64_t row,
                           PrError *error);
static inline float PrPage_frameBottom(const PrComposer *composer) {
  const PrPlanFrame *frame = &composer->plan->frames[composer->frame];
  return frame->y_pt + frame->height_pt;
}

/* flow.c */
PrStatus PrFlow_run(PrComposer *composer, int64_t row, PrError *error);
/* Places a flow block at the cursor, splitting it across frames. */
PrStatus PrFlow_placeBlock(PrComposer *composer, uint32_t block_index, const PrFlowSpec *spec,
                           int64_t row, PrError *error);

/* table.c */
PrStatus PrTable_place(PrComposer *composer, uint32_t table_index, const PrFlowSpec *spec,
                       int64_t row, PrError *error);
/* Height of the table's header and first row, for keep-with-next. */
PrStatus PrTable_leadHeight(PrComposer *composer, uint32_t table_index, int64_t row,
                            float *out_pt, PrError *error);

#endif
