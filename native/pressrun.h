/* pressrun.h: the one public header of the pressrun native core.
 *
 * A plain C11 library: no Python.h, no pyarrow. Every call returns a PrStatus
 * and, on failure, fills the caller's PrError with a fixed message that names
 * what failed. Handles are opaque and come in create/destroy pairs. Fonts and
 * plans are immutable once built and may be shared by several composers; a
 * composer and a writer are single-threaded and own their buffers.
 *
 * Units: lengths in points (1/72 in), page coordinates from the top-left
 * corner with y growing downwards; font values in font units unless a name
 * says otherwise. */
#ifndef PRESSRUN_H
#define PRESSRUN_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Status and errors ------------------------------------------------- */

typedef enum PrStatus {
  PR_OK = 0,
  PR_EINVAL = 1,    /* a bad argument or a malformed input structure */
  PR_ENOMEM = 2,    /* an allocation failed */
  PR_EFONT = 3,     /* a font file is broken or lacks a required table */
  PR_EDATA = 4,     /* Arrow data of an unsupported type or broken layout */
  PR_EIMAGE = 5,    /* an image description is inconsistent */
  PR_ERECORD = 6,   /* one record cannot be composed (see PrRecordError) */
  PR_ELIMIT = 7,    /* a size limit of a format was exceeded */
  PR_EINTERNAL = 8  /* a bug: an invariant of the core did not hold */
} PrStatus;

#define PR_ERROR_MESSAGE_BYTES 512

typedef struct PrError {
  PrStatus code;
  char message[PR_ERROR_MESSAGE_BYTES];
} PrError;

/* A fixed English name for a status code ("invalid argument", ...). */
const char *PrStatus_name(PrStatus status);

/* ---- Arrow C Data Interface (the ABI published by Apache Arrow) -------- */

#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE

#define ARROW_FLAG_DICTIONARY_ORDERED 1
#define ARROW_FLAG_NULLABLE 2
#define ARROW_FLAG_MAP_KEYS_SORTED 4

struct ArrowSchema {
  const char *format;
  const char *name;
  const char *metadata;
  int64_t flags;
  int64_t n_children;
  struct ArrowSchema **children;
  struct ArrowSchema *dictionary;
  void (*release)(struct ArrowSchema *);
  void *private_data;
};

struct ArrowArray {
  int64_t length;
  int64_t null_count;
  int64_t offset;
  int64_t n_buffers;
  int64_t n_children;
  const void **buffers;
  struct ArrowArray **children;
  struct ArrowArray *dictionary;
  void (*release)(struct ArrowArray *);
  void *private_data;
};

#endif /* ARROW_C_DATA_INTERFACE */

/* ---- Colours ----------------------------------------------------------- */

typedef enum PrColorSpace {
  PR_COLOR_GRAY = 0,
  PR_COLOR_RGB = 1,
  PR_COLOR_CMYK = 2
} PrColorSpace;

typedef struct PrColor {
  uint8_t space;    /* PrColorSpace */
  float value[4];   /* 0..1; gray uses value[0], rgb [0..2], cmyk [0..3] */
} PrColor;

/* ---- Fonts ------------------------------------------------------------- */

typedef struct PrFont PrFont;

typedef struct PrFontInfo {
  uint16_t units_per_em;
  uint16_t glyph_count;
  int16_t ascender;       /* hhea (or OS/2 typo when USE_TYPO_METRICS) */
  int16_t descender;      /* negative below the baseline */
  int16_t line_gap;
  int16_t cap_height;     /* OS/2 v2+, else ascender */
  int16_t bbox[4];        /* head: xMin yMin xMax yMax */
  int16_t italic_angle_deg;
  uint16_t weight_class;
  bool is_cff;            /* outlines in a CFF table, not glyf */
  bool is_fixed_pitch;
  char postscript_name[64];
} PrFontInfo;

/* Parses a TrueType/OpenType font (a .ttc collection with face_index).
 * Copies the bytes; the font is immutable afterwards. Builds the cmap
 * (formats 4 and 12), advances, and the kerning tables (GPOS pair
 * adjustment formats 1 and 2, else the legacy kern table format 0). */
PrStatus PrFont_create(const uint8_t *data, size_t data_bytes,
                       uint32_t face_index, PrFont **out, PrError *error);
void PrFont_destroy(PrFont *font);
void PrFont_info(const PrFont *font, PrFontInfo *out);
/* Glyph id for a Unicode code point, 0 (.notdef) when the font has none. */
uint16_t PrFont_glyph(const PrFont *font, uint32_t codepoint);
/* Horizontal advance of a glyph in font units. */
uint16_t PrFont_advance(const PrFont *font, uint16_t glyph);
/* Pair kerning in font units (negative tightens), 0 when none. */
int16_t PrFont_kerning(const PrFont *font, uint16_t left, uint16_t right);

/* ---- Images ------------------------------------------------------------ */

typedef struct PrImageSpec {
  uint32_t width_px;
  uint32_t height_px;
  uint8_t color_space;        /* PrColorSpace */
  uint8_t bits_per_component; /* 8 */
  const uint8_t *pixels;      /* row-major, width*height*components bytes; NULL for JPEG */
  size_t pixels_bytes;
  const uint8_t *alpha;       /* width*height bytes of 8-bit alpha, or NULL */
  size_t alpha_bytes;
  const uint8_t *jpeg;        /* a JPEG file passed through (DCTDecode), or NULL */
  size_t jpeg_bytes;
  bool invert_cmyk;           /* Adobe CMYK JPEG: needs Decode [1 0 1 0 1 0 1 0] */
} PrImageSpec;

/* ---- Template plan ----------------------------------------------------- */

/* A plan is a compiled template: page size, fonts, styles, fields, images,
 * and the page's elements. Built once per job, then read-only. It borrows
 * the fonts and the image buffers given to it: the caller keeps them alive
 * for the plan's lifetime. */
typedef struct PrPlan PrPlan;

typedef enum PrAlign {
  PR_ALIGN_LEFT = 0,
  PR_ALIGN_RIGHT = 1,
  PR_ALIGN_CENTER = 2,
  PR_ALIGN_JUSTIFY = 3
} PrAlign;

typedef enum PrOverflow {
  PR_OVERFLOW_ERROR = 0,    /* text that does not fit its box fails the record */
  PR_OVERFLOW_SHRINK = 1,   /* reduce the size down to min_size_pt, then fail */
  PR_OVERFLOW_TRUNCATE = 2  /* drop what does not fit, ending with an ellipsis */
} PrOverflow;

typedef struct PrStyleSpec {
  const uint32_t *fonts;    /* plan font indices: the first, then fallbacks */
  uint32_t font_count;
  float size_pt;
  float leading_pt;         /* baseline to baseline */
  PrColor color;
  bool kerning;
} PrStyleSpec;

typedef enum PrFormatKind {
  PR_FORMAT_AUTO = 0,       /* the value's natural text */
  PR_FORMAT_NUMBER = 1,
  PR_FORMAT_DATE = 2
} PrFormatKind;

/* Bytes of one month or weekday name of a PrFormatSpec, UTF-8 with its NUL
 * (every CLDR locale's names fit). */
#define PR_FORMAT_NAME_BYTES 72

/* How a value becomes text. Callers zero-fill it: the members after `date`
 * were added for formats by locale, and zero keeps the behaviour of the ones
 * before (grouping by 3, "-" before the prefix, English names). */
typedef struct PrFormatSpec {
  uint8_t kind;             /* PrFormatKind */
  int8_t decimals;          /* -1: as many as the value needs; else rounded to (and
                               padded to) this many, see max_decimals */
  char thousands[8];        /* UTF-8 separator, "" for none */
  char decimal[8];          /* UTF-8 decimal mark */
  char prefix[16];          /* UTF-8 */
  char suffix[16];          /* UTF-8 */
  char date[64];            /* strftime subset: %Y %y %m %d %e %B %b %A %a %H %M %S %%;
                               %-m %-d %-H %-M %-S %-y: without a leading zero */
  uint8_t max_decimals;     /* 0: decimals; else (> decimals >= 0) rounded to this many
                               and trailing zeros dropped down to `decimals` (#,##0.###) */
  uint8_t grouping;         /* digits of the group next to the mark (0: 3) */
  uint8_t grouping_next;    /* digits of the groups left of it (0: as grouping; 2 with
                               grouping 3 gives 12,34,567) */
  uint8_t scale_power;      /* shown as value x 10^scale_power (0..3): 2 for percent, the
                               sign itself goes in prefix/suffix */
  bool has_negative;        /* false: a negative is "-" prefix number suffix; true: it is
                               negative_prefix number negative_suffix ("-$", "(", "€ -") */
  char negative_prefix[24]; /* UTF-8 */
  char negative_suffix[24]; /* UTF-8 */
  /* Date names, "" for the English ones: %B, %b (else the English name's first
   * three letters), %A and %a, Sunday first. */
  char months[12][PR_FORMAT_NAME_BYTES];
  char months_short[12][PR_FORMAT_NAME_BYTES];
  char weekdays[7][PR_FORMAT_NAME_BYTES];
  char weekdays_short[7][PR_FORMAT_NAME_BYTES];
} PrFormatSpec;

typedef enum PrFieldKind {
  PR_FIELD_VALUE = 0,       /* a column's value, shown as text */
  PR_FIELD_LIST = 1,        /* a list<struct> column: the rows of a table */
  PR_FIELD_PAGE = 2,        /* the page's number in its document (1-based) */
  PR_FIELD_PAGES = 3        /* the document's page count */
} PrFieldKind;

#define PR_VARIANT_MAX_KEYS 2
#define PR_VARIANT_KEY_BYTES 32  /* a variant's key text, with its NUL */

typedef struct PrFieldSpec {
  const char *name;         /* copied; for an item field, the struct child's name */
  bool required;            /* a null value fails the record */
  PrFormatSpec format;
  uint8_t kind;             /* PrFieldKind */
  bool is_item;             /* false: a column of the record; true: a field of the
                               items (struct rows) of the PR_FIELD_LIST field list_field */
  uint32_t list_field;
  /* Formats per record (a locale column, a currency column): the record's texts
   * in these record value fields, added before this one, pick one of the
   * field's variants (PrPlan_addFieldVariant); 0 keys: `format` always. */
  uint8_t variant_key_count;            /* 0..PR_VARIANT_MAX_KEYS */
  uint32_t variant_keys[PR_VARIANT_MAX_KEYS];  /* plan field indices */
  bool variant_fallback;    /* texts that match no variant: false: the record fails
                               (naming the field and the texts); true: `format` */
} PrFieldSpec;

/* PrBlockSpec.frame values other than a frame index. */
#define PR_BLOCK_ABSOLUTE (-1)  /* at x/y on its master's pages */
#define PR_BLOCK_FLOW (-2)      /* placed by a PR_FLOW_BLOCK item of the flow */
#define PR_BLOCK_CELL (-3)      /* a table cell, header or footer cell */

typedef struct PrBlockSpec {
  int32_t frame;            /* PR_BLOCK_* or a plan frame index (stacked in it) */
  float x_pt, y_pt;         /* top-left of the block (absolute blocks) */
  float width_pt;           /* wrap width; 0 with wrap=false: no limit */
  float height_pt;          /* 0: unbounded */
  float space_before_pt, space_after_pt;   /* frame blocks */
  uint8_t align;            /* PrAlign */
  uint8_t overflow;         /* PrOverflow */
  bool wrap;                /* false: one line per \n, no automatic breaks */
  bool skip_empty_lines;    /* drop lines left empty by empty fields */
  float min_size_pt;        /* PR_OVERFLOW_SHRINK floor */
} PrBlockSpec;

typedef struct PrRunSpec {
  uint32_t style;
  int32_t field;            /* -1: literal text */
  const char *text;         /* literal UTF-8 (copied), when field == -1 */
  size_t text_bytes;
} PrRunSpec;

typedef struct PrLineSpec {
  float x1_pt, y1_pt, x2_pt, y2_pt;
  float width_pt;
  PrColor color;
} PrLineSpec;

typedef struct PrRectSpec {
  float x_pt, y_pt, width_pt, height_pt;
  float stroke_width_pt;
  bool has_stroke, has_fill;
  PrColor stroke, fill;
} PrRectSpec;

typedef struct PrPlacementSpec {
  uint32_t image;
  float x_pt, y_pt, width_pt, height_pt;
} PrPlacementSpec;

PrStatus PrPlan_create(float page_width_pt, float page_height_pt,
                       PrPlan **out, PrError *error);
void PrPlan_destroy(PrPlan *plan);
PrStatus PrPlan_addFont(PrPlan *plan, const PrFont *font, uint32_t *out_index,
                        PrError *error);
PrStatus PrPlan_addStyle(PrPlan *plan, const PrStyleSpec *spec,
                         uint32_t *out_index, PrError *error);
PrStatus PrPlan_addField(PrPlan *plan, const PrFieldSpec *spec,
                         uint32_t *out_index, PrError *error);
/* A format of field `field` for the records whose key fields hold the texts
 * keys[0..variant_key_count) (copied; a null value reads as ""). Each field's
 * key texts are distinct; the lookup compares them in the order added. */
PrStatus PrPlan_addFieldVariant(PrPlan *plan, uint32_t field, const char *const *keys,
                                const PrFormatSpec *format, PrError *error);
PrStatus PrPlan_addImage(PrPlan *plan, const PrImageSpec *spec,
                         uint32_t *out_index, PrError *error);
PrStatus PrPlan_addFrame(PrPlan *plan, float x_pt, float y_pt, float width_pt,
                         float height_pt, uint32_t *out_index, PrError *error);
PrStatus PrPlan_addBlock(PrPlan *plan, const PrBlockSpec *spec,
                         uint32_t *out_index, PrError *error);
PrStatus PrPlan_addRun(PrPlan *plan, uint32_t block, const PrRunSpec *spec,
                       PrError *error);
PrStatus PrPlan_addLine(PrPlan *plan, const PrLineSpec *spec, PrError *error);
PrStatus PrPlan_addRect(PrPlan *plan, const PrRectSpec *spec, PrError *error);
PrStatus PrPlan_placeImage(PrPlan *plan, const PrPlacementSpec *spec,
                           PrError *error);
/* Page masters: the first page of a document, the pages that continue it,
 * and an optional back page (terms and conditions) after its last. Elements
 * and frames belong to the master selected last (PR_MASTER_FIRST at first).
 * A plan without a flow makes one page per record from the first master. */
typedef enum PrMasterRole {
  PR_MASTER_FIRST = 0,
  PR_MASTER_NEXT = 1,
  PR_MASTER_BACK = 2
} PrMasterRole;
#define PR_MASTER_COUNT 3
PrStatus PrPlan_selectMaster(PrPlan *plan, uint32_t role, PrError *error);
/* A frame of the selected master that the flow fills, in the order added. */
PrStatus PrPlan_addFlowFrame(PrPlan *plan, float x_pt, float y_pt, float width_pt,
                             float height_pt, PrError *error);

typedef enum PrFlowKind {
  PR_FLOW_BLOCK = 1,        /* a PR_BLOCK_FLOW block: splits across frames by lines */
  PR_FLOW_TABLE = 2,        /* a table: splits between rows */
  PR_FLOW_SPACE = 3,        /* vertical space (dropped at the top of a continued frame) */
  PR_FLOW_PAGE_BREAK = 4,   /* the next item starts a new page */
  PR_FLOW_IMAGE = 5         /* a plan image, index: its placement (x relative to the frame) */
} PrFlowKind;

typedef struct PrFlowSpec {
  uint8_t kind;             /* PrFlowKind */
  uint32_t index;           /* block or table index */
  float space_pt;           /* PR_FLOW_SPACE */
  int32_t when_field;       /* -1: always shown; else a record field that decides */
  const char *when_text;    /* NULL: shown when the value is true (bool), non-zero
                               or non-empty; else when its text equals this (copied) */
  bool keep_together;       /* never split; moves whole to the next frame */
  bool keep_with_next;      /* on the same page as the next shown item's start */
  uint8_t orphans;          /* fewest lines left at a frame's foot (0: 2) */
  uint8_t widows;           /* fewest lines carried to the next frame (0: 2) */
  uint32_t group;           /* 0: none; consecutive items with the same group start
                               in one frame when they fit in it together */
} PrFlowSpec;
PrStatus PrPlan_addFlow(PrPlan *plan, const PrFlowSpec *spec, PrError *error);
/* An image for the flow (PR_FLOW_IMAGE): x_pt is from the frame's left edge,
 * y_pt is unused; its index in *out_index. */
PrStatus PrPlan_addFlowImage(PrPlan *plan, const PrPlacementSpec *spec, uint32_t *out_index,
                             PrError *error);

/* Which pages of a document the elements added next are drawn on (the
 * selected master's pages, further narrowed). Elements with a condition are
 * drawn once the document's page count is known. */
typedef enum PrPageCondition {
  PR_PAGES_ALL = 0,
  PR_PAGES_FIRST = 1,       /* the document's first page */
  PR_PAGES_LAST = 2,        /* its last page (before a back page) */
  PR_PAGES_NOT_LAST = 3,    /* every page but the last ("continued overleaf") */
  PR_PAGES_NOT_FIRST = 4
} PrPageCondition;
PrStatus PrPlan_setPageCondition(PrPlan *plan, uint32_t condition, PrError *error);

/* A table: one row per item of a list<struct> field; cells are PR_BLOCK_CELL
 * blocks whose item fields read the row's struct. The header repeats on
 * every page; a page that continues ends with a carried-forward row and the
 * next starts with a brought-forward row (label and value blocks, the value
 * read at the last row drawn); footer cells (record fields, e.g. a total)
 * end the table. */
typedef struct PrTableSpec {
  uint32_t list_field;      /* a PR_FIELD_LIST field */
  float padding_pt[4];      /* cell padding: top, right, bottom, left */
  bool has_zebra;           /* fill every second row, from the second */
  PrColor zebra;
  float header_rule_pt;     /* 0: none */
  PrColor header_rule;
  float footer_rule_pt;
  PrColor footer_rule;
  int32_t empty_block;      /* shown instead of the table for no rows, or -1 */
  int32_t carried_label_block, brought_label_block, carry_value_block;  /* -1: none */
  int32_t carry_label_column, carry_value_column;
  float row_rule_pt;        /* a line under every item row but the last; 0: none */
  PrColor row_rule;
  int32_t group_field;      /* an item field: a heading row starts each run of equal values; -1 */
  int32_t group_block;      /* the heading (a cell block across the table, read at the
                               group's first row) */
} PrTableSpec;
typedef struct PrTableColumnSpec {
  float width_pt;
  int32_t header_block;     /* -1: empty header cell */
  int32_t cell_block;       /* -1: empty cells */
  int32_t footer_block;     /* -1: empty footer cell */
} PrTableColumnSpec;
PrStatus PrPlan_addTable(PrPlan *plan, const PrTableSpec *spec, uint32_t *out_index,
                         PrError *error);
PrStatus PrPlan_addTableColumn(PrPlan *plan, uint32_t table, const PrTableColumnSpec *spec,
                               PrError *error);

/* Ends building; checks references. No add* call is allowed afterwards. */
PrStatus PrPlan_finish(PrPlan *plan, PrError *error);
uint32_t PrPlan_fieldCount(const PrPlan *plan);
uint32_t PrPlan_fontCount(const PrPlan *plan);

/* ---- Writers ----------------------------------------------------------- */

/* Output bytes accumulate in the writer; the caller drains them between
 * calls (PrPdfWriter_output then PrPdfWriter_consume), so memory stays
 * bounded by one batch whatever the size of the job. */
typedef struct PrPdfWriter PrPdfWriter;

typedef enum PrCompression {
  PR_COMPRESSION_NONE = 0,
  PR_COMPRESSION_FAST = 1,
  PR_COMPRESSION_SMALL = 2
} PrCompression;

typedef struct PrPdfOptions {
  uint8_t compression;      /* PrCompression */
  const char *title;        /* Info /Title, may be NULL (copied) */
  const char *producer;     /* Info /Producer, may be NULL (copied) */
  uint32_t deflate_threads; /* 0, 1: each page deflated as it is written;
                               n (at most 8): pages queued and deflated on n
                               background threads. Same bytes either way. */
} PrPdfOptions;

PrStatus PrPdfWriter_create(const PrPlan *plan, const PrPdfOptions *options,
                            PrPdfWriter **out, PrError *error);
void PrPdfWriter_destroy(PrPdfWriter *writer);
/* deflate_threads > 1: writes the pages deflated since the last flush and
 * starts deflating the pages queued since then on background threads (the
 * output lags one flush behind; finish writes the rest). The composer calls
 * it at the end of every batch. */
PrStatus PrPdfWriter_flush(PrPdfWriter *writer, PrError *error);
/* Bytes produced and not yet consumed (queued pages are not produced). */
void PrPdfWriter_output(const PrPdfWriter *writer, const uint8_t **data,
                        size_t *size_bytes);
void PrPdfWriter_consume(PrPdfWriter *writer);
uint64_t PrPdfWriter_pageCount(const PrPdfWriter *writer);
uint64_t PrPdfWriter_bytesWritten(const PrPdfWriter *writer);
/* Which glyphs of plan font `font` the file uses, as a bitset of
 * ceil(glyph_count/8) bytes (bit g%8 of byte g/8). */
PrStatus PrPdfWriter_usedGlyphs(const PrPdfWriter *writer, uint32_t font,
                                uint8_t *bitset, size_t bitset_bytes,
                                PrError *error);
/* Replaces the embedded program of a font (e.g. a CFF subset made outside
 * the core); glyph ids must be unchanged. kind: 2 = TrueType (FontFile2),
 * 3 = OpenType/CFF (FontFile3 /OpenType). Copied. Call before finish. */
PrStatus PrPdfWriter_setFontProgram(PrPdfWriter *writer, uint32_t font,
                                    const uint8_t *data, size_t data_bytes,
                                    int kind, PrError *error);
/* Writes fonts, resources, the page tree, the xref and the trailer. */
PrStatus PrPdfWriter_finish(PrPdfWriter *writer, PrError *error);

/* AFP (MO:DCA) print files, written from the same display list as PDF.
 * Output drains like the PDF writer's (PrAfpWriter_output, _consume). The
 * print-file resource group (the form definition, fonts, images,
 * overlays) comes first, written when the first page group begins, so
 * every form must be defined by then (the composer defines them all
 * before its first document). */
typedef struct PrAfpWriter PrAfpWriter;

/* A medium map of the form definition: one per tray/stock/duplex
 * combination a job uses, invoked (IMM) before the sheets that need it. */
typedef struct PrAfpMediumMap {
  const char *name;         /* 1-8 of A-Z 0-9 @ # $ (copied) */
  uint16_t input_bin;       /* the printer's input bin, 1..255 */
  const char *media_type;   /* the stock's name for the printer's media type, or NULL (copied) */
  uint8_t duplex;           /* 0 simplex, 1 duplex (long edge), 2 tumble (short edge) */
} PrAfpMediumMap;

/* A plan font shown in a printer-resident coded font instead of being
 * carried as a TrueType data-object font: text is written in the code
 * page's bytes, and positioned word by word (the printer's metrics). */
typedef struct PrAfpCodedFont {
  uint32_t font;            /* plan font index */
  const char *character_set;  /* font character set name, e.g. "C0H20000" (copied) */
  const char *code_page;    /* code page name, e.g. "T1V10500" (copied) */
  const uint32_t *codepoints; /* the code page: sorted Unicode code points ... */
  const uint8_t *code_bytes;  /* ... and the byte of each (copied) */
  uint32_t code_count;
} PrAfpCodedFont;

typedef struct PrAfpOptions {
  const char *document_name;      /* BDT name, 1-8 chars; NULL: "PRESSRUN" (copied) */
  const char *const *tag_names;   /* TLE attribute names of every page group (copied) */
  uint32_t tag_count;
  const PrAfpMediumMap *medium_maps;  /* the form definition; none: no FORMDEF, no IMM */
  uint32_t medium_map_count;
  const char *form_name;          /* FORMDEF name; NULL: "F1PRESS" (copied) */
  float medium_width_pt, medium_height_pt;  /* the sheet; 0: the plan's page size */
  const PrAfpCodedFont *coded_fonts;
  uint32_t coded_font_count;
  /* Per plan font, its full font name (name ID 4, UTF-8), by which pages
   * map the font carried in the resource group; NULL (or a NULL entry):
   * the PostScript name (copied). */
  const char *const *font_names;
  bool native_barcodes;           /* true: BCOCA symbols the printer draws; false: GOCA bars */
} PrAfpOptions;

PrStatus PrAfpWriter_create(const PrPlan *plan, const PrAfpOptions *options,
                            PrAfpWriter **out, PrError *error);
void PrAfpWriter_destroy(PrAfpWriter *writer);
void PrAfpWriter_output(const PrAfpWriter *writer, const uint8_t **data, size_t *size_bytes);
void PrAfpWriter_consume(PrAfpWriter *writer);
uint64_t PrAfpWriter_pageCount(const PrAfpWriter *writer);
uint64_t PrAfpWriter_bytesWritten(const PrAfpWriter *writer);
/* Ends the document (EDT); the resource group is written first if no
 * page was. */
PrStatus PrAfpWriter_finish(PrAfpWriter *writer, PrError *error);

/* ---- Composer ---------------------------------------------------------- */

typedef struct PrComposer PrComposer;

/* Why one record could not be composed. */
typedef struct PrRecordError {
  int64_t row;              /* row within the batch */
  int32_t field;            /* plan field index, -1 when not about a field */
  PrStatus code;
  char message[256];
} PrRecordError;

PrStatus PrComposer_create(const PrPlan *plan, PrComposer **out,
                           PrError *error);
void PrComposer_destroy(PrComposer *composer);

/* Composes every row of a batch into `writer`. `batch` is a struct array
 * (an exported record batch) described by `schema`; field_columns[i] is the
 * child index of plan field i, or -1 when the data has no such column.
 * For each row: out_first_page[row] is the writer's page index of the
 * record's first page and out_page_count[row] its pages (0 on failure).
 * Rows that fail are listed by PrComposer_recordError; the batch goes on.
 * Returns an error status only when the whole batch cannot be processed. */
PrStatus PrComposer_composePdf(PrComposer *composer, PrPdfWriter *writer,
                               const struct ArrowSchema *schema,
                               const struct ArrowArray *batch,
                               const int32_t *field_columns,
                               uint32_t field_column_count,
                               int64_t *out_first_page,
                               int32_t *out_page_count,
                               PrError *error);
/* Record errors of the last batch. */
size_t PrComposer_recordErrorCount(const PrComposer *composer);
const PrRecordError *PrComposer_recordError(const PrComposer *composer,
                                            size_t index);

/* ---- 2D symbols: DataMatrix ECC200 and QR code ------------------------ */

/* Module matrices are row-major, one uint8 per module, 1 dark and 0 light,
 * without the quiet zone. A buffer of PR_BARCODE2D_MAX_MODULES bytes holds
 * any symbol either encoder makes. */
#define PR_DATAMATRIX_MAX_SIDE 144
#define PR_QR_MAX_SIDE 177
#define PR_BARCODE2D_MAX_MODULES (177u * 177u)

typedef enum PrDataMatrixShape {
  PR_DATAMATRIX_SQUARE = 0,      /* square sizes 10x10 .. 144x144 */
  PR_DATAMATRIX_RECTANGLE = 1,   /* rectangular sizes 8x18 .. 16x48 */
  PR_DATAMATRIX_ANY = 2          /* the smallest of both by area */
} PrDataMatrixShape;

/* Encodes data (any bytes; ASCII encodation with digit-pair compaction and
 * upper shift for bytes > 127) as a DataMatrix ECC200 symbol of the smallest
 * size of the given shape that holds it. Writes out_height rows of
 * out_width modules to modules (modules_bytes must hold them).
 * PR_ELIMIT if the data does not fit the largest size or the buffer. */
PrStatus PrDataMatrix_encode(const uint8_t *data, size_t data_bytes,
                             PrDataMatrixShape shape, uint8_t *modules,
                             size_t modules_bytes, uint32_t *out_width,
                             uint32_t *out_height, PrError *error);

typedef enum PrQrEcLevel {
  PR_QR_EC_L = 0,
  PR_QR_EC_M = 1,
  PR_QR_EC_Q = 2,
  PR_QR_EC_H = 3
} PrQrEcLevel;

/* Encodes data as a QR code (model 2) of the smallest version >= min_version
 * (1..40; 0 means 1) for the error correction level: numeric mode if all
 * digits, alphanumeric if all in the 45-character set, else byte mode. The
 * mask is the one of the 8 with the lowest penalty. Writes out_side rows of
 * out_side modules. PR_ELIMIT if the data does not fit version 40. */
PrStatus PrQr_encode(const uint8_t *data, size_t data_bytes, PrQrEcLevel level,
                     int min_version, uint8_t *modules, size_t modules_bytes,
                     uint32_t *out_side, int *out_version, PrError *error);

/* ---- Barcode symbols --------------------------------------------------- */

/* Symbol encoders for previews, tests and page decorations. Inputs are
 * NUL-terminated ASCII; outputs go to caller-sized buffers. A bad input gives
 * PR_EINVAL with a message naming what is wrong (character, length, FCC).
 * Four-state symbols come out as one letter per bar, left to right:
 * 'F' full (ascender and descender), 'A' ascender, 'D' descender,
 * 'T' tracker only, followed by a NUL. */

/* Code 128: automatic code set selection (A, B, C; the shortest symbol),
 * modulo-103 check character and stop. With PR_CODE128_GS1 the symbol starts
 * with FNC1 (GS1-128) and each ASCII GS (0x1D) in the data is encoded as an
 * FNC1 separator. Output: the element widths in modules (1..4), starting
 * with a bar and alternating bar/space, stop pattern included, no quiet
 * zones; out_total_modules is their sum. PR_CODE128_MAX_ELEMENTS(n) elements
 * are always enough for n data bytes; at most PR_CODE128_MAX_DATA bytes
 * (PR_ELIMIT beyond). */
#define PR_CODE128_GS1 1u
#define PR_CODE128_MAX_DATA 256
#define PR_CODE128_MAX_ELEMENTS(data_bytes) (6u * (2u * (data_bytes) + 4u) + 7u)
PrStatus PrCode128_encode(const char *data, size_t data_bytes, uint32_t flags,
                          uint8_t *out_widths, size_t widths_capacity,
                          size_t *out_width_count, uint32_t *out_total_modules,
                          PrError *error);

/* Australia Post 4-state customer barcode. fcc: "11" standard customer (37
 * bars), "45" reply paid, "87" routing, "92" redirection (37 bars),
 * "59" customer barcode 2 (52 bars), "62" customer barcode 3 (67 bars).
 * dpid: 8 digits. customer: customer information for FCC 59 and 62 (empty
 * or NULL for none), in encoding 'N' (digits: up to 8 for FCC 59, 15 for 62)
 * or 'C' (A-Z a-z 0-9 space #: up to 5 for FCC 59, 10 for 62); encoding 0
 * chooses N for all-digit customer information and C otherwise. Unused
 * customer bars are filled with trackers. Reed-Solomon parity over GF(64).
 * out_bars needs PR_AUSPOST_MAX_BARS + 1 bytes; *out_bar_count gets 37, 52
 * or 67. */
#define PR_AUSPOST_MAX_BARS 67
PrStatus PrAusPost_encode(const char *fcc, const char *dpid,
                          const char *customer, char encoding,
                          char *out_bars, size_t bars_capacity,
                          size_t *out_bar_count, PrError *error);

/* USPS Intelligent Mail barcode (USPS-B-3200). tracking: 20 digits (barcode
 * identifier 2, the second 0-4; service type 3; mailer id and serial 15);
 * routing: 0, 5, 9 or 11 digits (NULL for none). out_bars needs
 * PR_IMB_BARS + 1 bytes. */
#define PR_IMB_BARS 65
PrStatus PrImb_encode(const char *tracking, const char *routing,
                      char *out_bars, size_t bars_capacity, PrError *error);

/* ---- Marks: barcodes and inserter marks drawn on a page ---------------- */

typedef enum PrMarkKind {
  PR_MARK_OMR = 1,          /* text: one '0'/'1' per track from the top */
  PR_MARK_DATAMATRIX = 2,   /* text: the data; option: PrDataMatrixShape */
  PR_MARK_QR = 3,           /* text: the data; option: PrQrEcLevel */
  PR_MARK_CODE128 = 4,      /* text: the data */
  PR_MARK_GS1_128 = 5,      /* text: the data, GS (0x1D) between element strings */
  PR_MARK_AUSPOST = 6,      /* text: "fcc|dpid" or "fcc|dpid|customer information" */
  PR_MARK_IMB = 7           /* text: "tracking" or "tracking|routing" */
} PrMarkKind;

/* Where and how big a mark is. All lengths in points, (x_pt, y_pt) its
 * top-left corner from the page's top-left; no quiet zone is drawn (keep
 * the clear zone free in the template). */
typedef struct PrMarkSpec {
  uint8_t kind;             /* PrMarkKind */
  uint8_t option;           /* DataMatrix shape, QR level; else 0 */
  float x_pt, y_pt;
  float module_pt;          /* 2D: module side; Code 128: narrow bar; four-state: bar pitch;
                               OMR: track pitch */
  float width_pt;           /* four-state: bar width; OMR: mark length; else unused */
  float height_pt;          /* 1D: bar height; four-state: full bar height; OMR: mark
                               thickness; 2D: unused */
  PrColor color;
} PrMarkSpec;

/* Bytes of scratch PrMark_draw needs for any symbol. */
#define PR_MARK_SCRATCH_BYTES PR_BARCODE2D_MAX_MODULES

/* A barcode element of the selected master (a payment QR code, a Code 128
 * account number): data_block is a PR_BLOCK_CELL block whose runs (fields,
 * literal text) make the symbol's data for each record. Data the symbology
 * cannot encode fails the record, naming the block's field. */
PrStatus PrPlan_addBarcode(PrPlan *plan, const PrMarkSpec *spec, uint32_t data_block,
                           PrError *error);

/* ---- Mail pieces: compose, then place pages into pieces ---------------- */

/* Composes rows of a batch and holds the pages (no writer yet), so that
 * the caller can group documents into mail pieces, count sheets and choose
 * each piece's stream before anything is written. rows: row_count indices
 * into the batch, in the order wanted (a job's print order: no copy of the
 * data is needed), or NULL for every row in order. The held pages of the
 * previous call are dropped. For the i-th row composed: out_first_page[i],
 * the held page index of its first page (-1 on failure), and
 * out_page_count[i], its pages (0 on failure); record errors name i. */
PrStatus PrComposer_layoutBatch(PrComposer *composer, const struct ArrowSchema *schema,
                                const struct ArrowArray *batch, const int32_t *field_columns,
                                uint32_t field_column_count, const int64_t *rows,
                                int64_t row_count, int64_t *out_first_page,
                                int32_t *out_page_count, PrError *error);
/* Held pages (of the last layoutBatch, plus blank pages added since). */
uint64_t PrComposer_heldPageCount(const PrComposer *composer);

/* Pages and marks of mail pieces, for PrComposer_writePiecesPdf. */
typedef struct PrPieceSet {
  const int64_t *pages;         /* per output page: a held page index, or -1 for a blank
                                   page (a blank back, an insert sheet) */
  uint64_t page_count;
  const uint64_t *piece_starts; /* piece_count + 1 offsets into pages, from 0 to page_count */
  uint64_t piece_count;
  const PrMarkSpec *marks;      /* production marks, in output page order */
  const uint64_t *mark_pages;   /* the output page of each mark (non-decreasing) */
  const uint8_t *texts;         /* mark texts, mark m: texts[text_offsets[m]..[m+1]) */
  uint64_t texts_bytes;
  const uint64_t *text_offsets; /* mark_count + 1 */
  uint64_t mark_count;
  /* Index values of each piece (AFP TLE; the PDF writer ignores them):
   * piece k's value j is tag_texts[tag_offsets[k * tag_count + j] .. + 1]). */
  const uint8_t *tag_texts;
  uint64_t tag_texts_bytes;
  const uint64_t *tag_offsets;  /* piece_count * tag_count + 1, or NULL: no values */
  uint32_t tag_count;
  const uint16_t *page_media;   /* per output page: its medium map (AFP IMM), or NULL */
} PrPieceSet;

/* Writes pieces into `writer`: each piece one document, its pages with
 * their marks. A held page may be written again (a reprint); its marks are
 * those of the last write. A mark that cannot be encoded fails the call
 * (check the texts first: they come from the caller, not the records); the
 * pieces before it and the pages of its piece before its page are written,
 * so the caller discards the file. */
PrStatus PrComposer_writePiecesPdf(PrComposer *composer, PrPdfWriter *writer,
                                   const PrPieceSet *pieces, PrError *error);
/* The same into an AFP writer: each piece a page group, with its tags;
 * page_media picks each sheet's medium map. */
PrStatus PrComposer_writePiecesAfp(PrComposer *composer, PrAfpWriter *writer,
                                   const PrPieceSet *pieces, PrError *error);

#ifdef __cplusplus
}
#endif

#endif /* PRESSRUN_H */
