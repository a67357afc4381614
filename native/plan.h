/* plan.h: the compiled template as the composer and the writers read it.
 *
 * Built through the PrPlan_add* calls of pressrun.h, frozen by
 * PrPlan_finish. Literal text lives in one pool; runs point into it. */
#ifndef PR_PLAN_H
#define PR_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "pressrun.h"

#define PR_STYLE_MAX_FONTS 8

typedef struct PrPlanStyle {
  uint32_t fonts[PR_STYLE_MAX_FONTS];  /* plan font indices, fallbacks after the first */
  uint32_t font_count;
  float size_pt;
  float leading_pt;
  PrColor color;
  bool kerning;
} PrPlanStyle;

typedef struct PrPlanField {
  char *name;
  bool required;
  PrFormatSpec format;
  uint8_t kind;           /* PrFieldKind */
  int32_t list_field;     /* -1, or the PR_FIELD_LIST field of an item field */
  /* Formats per record: plan->variants[first_variant, +variant_count) are
   * this field's, kept together as they are added. */
  uint8_t variant_key_count;
  uint32_t variant_keys[PR_VARIANT_MAX_KEYS];
  bool variant_fallback;
  uint32_t first_variant, variant_count;
} PrPlanField;

/* One format of a field for the records whose key texts are these. */
typedef struct PrPlanVariant {
  char keys[PR_VARIANT_MAX_KEYS][PR_VARIANT_KEY_BYTES];
  uint8_t key_bytes[PR_VARIANT_MAX_KEYS];
  PrFormatSpec format;
} PrPlanVariant;

typedef struct PrPlanRun {
  uint32_t style;
  int32_t field;          /* -1: literal text at text_offset in the pool */
  uint32_t text_offset;
  uint32_t text_bytes;
} PrPlanRun;

typedef struct PrPlanBlock {
  PrBlockSpec spec;
  uint32_t first_run;
  uint32_t run_count;
  bool has_fields;        /* set by PrPlan_finish */
  bool has_page_fields;   /* page number or count: drawn once the document is paginated */
  bool is_barcode_data;   /* a barcode's data: GS (U+001D) allowed, never laid out */
} PrPlanBlock;

typedef struct PrPlanFrame {
  float x_pt, y_pt, width_pt, height_pt;
  uint8_t master;         /* PrMasterRole */
  bool flow;              /* filled by the flow (else blocks stack in it by index) */
} PrPlanFrame;

typedef struct PrPlanFlow {
  PrFlowSpec spec;        /* when_text points into the plan's text pool copy */
  uint32_t when_text_offset, when_text_bytes;
  bool has_when_text;
} PrPlanFlow;

typedef struct PrPlanTableColumn {
  PrTableColumnSpec spec;
  float x_pt;             /* left edge relative to the table's, set by finish */
} PrPlanTableColumn;

typedef struct PrPlanTable {
  PrTableSpec spec;
  uint32_t first_column, column_count;
  float width_pt;         /* sum of the column widths */
  bool has_header, has_footer;
} PrPlanTable;

typedef enum PrElementKind {
  PR_ELEMENT_BLOCK = 1,
  PR_ELEMENT_LINE = 2,
  PR_ELEMENT_RECT = 3,
  PR_ELEMENT_IMAGE = 4,
  PR_ELEMENT_BARCODE = 5
} PrElementKind;

/* A barcode element: its data is the text of a (never drawn) cell block. */
typedef struct PrPlanBarcode {
  PrMarkSpec spec;
  uint32_t data_block;
} PrPlanBarcode;

/* Elements in drawing order; `index` points into the array of the kind. */
typedef struct PrPlanElement {
  uint8_t kind;           /* PrElementKind */
  bool is_static;         /* same on every page: drawn once into a shared form */
  uint32_t index;
  uint8_t master;         /* PrMasterRole of the pages it is drawn on */
  uint8_t condition;      /* PrPageCondition: drawn with the page numbers unless ALL */
} PrPlanElement;

struct PrPlan {
  float page_width_pt, page_height_pt;
  const PrFont **fonts;   uint32_t font_count, font_capacity;
  PrPlanStyle *styles;    uint32_t style_count, style_capacity;
  PrPlanField *fields;    uint32_t field_count, field_capacity;
  PrPlanVariant *variants; uint32_t variant_count, variant_capacity;
  PrImageSpec *images;    uint32_t image_count, image_capacity;
  PrPlanFrame *frames;    uint32_t frame_count, frame_capacity;
  PrPlanBlock *blocks;    uint32_t block_count, block_capacity;
  PrPlanRun *runs;        uint32_t run_count, run_capacity;
  PrLineSpec *lines;      uint32_t line_count, line_capacity;
  PrRectSpec *rects;      uint32_t rect_count, rect_capacity;
  PrPlacementSpec *placements; uint32_t placement_count, placement_capacity;
  PrPlanElement *elements; uint32_t element_count, element_capacity;
  PrPlanBarcode *barcodes; uint32_t barcode_count, barcode_capacity;
  PrPlanFlow *flows;      uint32_t flow_count, flow_capacity;
  PrPlanTable *tables;    uint32_t table_count, table_capacity;
  PrPlanTableColumn *table_columns; uint32_t table_column_count, table_column_capacity;
  char *text_pool;        uint32_t text_pool_bytes, text_pool_capacity;
  uint8_t master;         /* the master that elements and frames are added to */
  uint8_t condition;      /* the page condition of elements added next */
  PrPlacementSpec *flow_images; uint32_t flow_image_count, flow_image_capacity;
  bool has_master[PR_MASTER_COUNT];  /* a master with elements or frames */
  bool has_static[PR_MASTER_COUNT];  /* some element of the master is static */
  bool has_flow;          /* flow items: documents paginate */
  bool has_page_fields;   /* some block shows a page number or count */
  bool has_conditions;    /* some element is drawn on some pages only */
  bool finished;
};

#endif
