/* arrow_view.h: reading Arrow arrays in place through the C Data Interface.
 *
 * A PrColumn is a typed view of one array (and its children): buffers are
 * borrowed, never copied. PrColumn_init checks the structure once per batch
 * (buffer counts, offsets in order, known format strings), so the per-row
 * getters need no checks beyond the row being in range. */
#ifndef PR_ARROW_VIEW_H
#define PR_ARROW_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buffer.h"
#include "pressrun.h"

typedef enum PrArrowType {
  PR_ARROW_NA = 0,          /* the null type: every row null */
  PR_ARROW_BOOL,
  PR_ARROW_INT8, PR_ARROW_INT16, PR_ARROW_INT32, PR_ARROW_INT64,
  PR_ARROW_UINT8, PR_ARROW_UINT16, PR_ARROW_UINT32, PR_ARROW_UINT64,
  PR_ARROW_FLOAT32, PR_ARROW_FLOAT64,
  PR_ARROW_DECIMAL128,
  PR_ARROW_UTF8, PR_ARROW_LARGE_UTF8, PR_ARROW_UTF8_VIEW,
  PR_ARROW_DATE32, PR_ARROW_DATE64,
  PR_ARROW_TIMESTAMP,
  PR_ARROW_LIST, PR_ARROW_LARGE_LIST,
  PR_ARROW_STRUCT,
  PR_ARROW_DICTIONARY       /* indices in `index_type`, values in `dictionary` */
} PrArrowType;

typedef enum PrTimeUnit {
  PR_TIME_SECOND = 0, PR_TIME_MILLI = 1, PR_TIME_MICRO = 2, PR_TIME_NANO = 3
} PrTimeUnit;

typedef struct PrColumn {
  PrArrowType type;
  PrArrowType index_type;            /* dictionary: the integer index type */
  const char *name;                  /* schema name, may be "" */
  int64_t length;                    /* rows visible (array->length) */
  int64_t offset;                    /* array->offset, applied by the getters */
  const uint8_t *validity;           /* NULL: no nulls */
  const void *values;                /* fixed-width values, string offsets or views */
  const uint8_t *data;               /* utf8/large_utf8 character data */
  const uint8_t *const *view_buffers;  /* utf8_view: variadic data buffers */
  int64_t view_buffer_count;
  int32_t decimal_precision, decimal_scale;
  uint8_t time_unit;                 /* PrTimeUnit, timestamps */
  bool has_timezone;                 /* timestamps carry a zone: shown as UTC */
  struct PrColumn *children;         /* list: 1 (items); struct: n_children */
  int64_t child_count;
  struct PrColumn *dictionary;       /* dictionary values */
} PrColumn;

/* Builds the view (recursively for children and dictionaries). On failure
 * the message names the column and what is wrong; the column needs no free. */
PrStatus PrColumn_init(PrColumn *column, const struct ArrowSchema *schema,
                       const struct ArrowArray *array, PrError *error);
void PrColumn_free(PrColumn *column);

/* Dictionary column: the row's index into `dictionary` (checked in range by
 * init), or -1 when the row is null, out of range or the column is not a
 * dictionary. Lets callers cache work per distinct value. */
int64_t PrColumn_dictionaryIndex(const PrColumn *column, int64_t row);

/* Struct children are indexed with the parent's offset added: child row =
 * parent->offset + row (a child's own offset is applied by the getters).
 * List items: PrColumn_listRange gives rows of children[0] directly. */
static inline bool PrColumn_isNull(const PrColumn *column, int64_t row) {
  if (column->type == PR_ARROW_NA) return true;
  if (column->validity != NULL) {
    int64_t bit = column->offset + row;
    if ((column->validity[bit >> 3] & (1u << (bit & 7))) == 0) return true;
  }
  /* A valid index may point at a null dictionary value. */
  if (column->type == PR_ARROW_DICTIONARY &&
      (column->dictionary->validity != NULL ||
       column->dictionary->type == PR_ARROW_NA)) {
    int64_t index = PrColumn_dictionaryIndex(column, row);
    return index < 0 || PrColumn_isNull(column->dictionary, index);
  }
  return false;
}

/* String value of a utf8/large_utf8/utf8_view/dictionary<string> row (not
 * null); returns false for any other type. */
bool PrColumn_utf8(const PrColumn *column, int64_t row, const char **data,
                   size_t *size_bytes);
/* Integer, bool, date or timestamp value as int64 (dates: days or ms since
 * the epoch as stored); returns false for other types or out of range. */
bool PrColumn_int64(const PrColumn *column, int64_t row, int64_t *value);
/* Numeric value as double (ints, floats, decimals); false for other types. */
bool PrColumn_double(const PrColumn *column, int64_t row, double *value);
/* list/large_list: item range [start, end) in children[0]. */
bool PrColumn_listRange(const PrColumn *column, int64_t row, int64_t *start,
                        int64_t *end);

/* Appends the row's value as UTF-8 text, formatted by `format` (NULL or
 * PR_FORMAT_AUTO: the natural text: ints in decimal, floats shortest
 * round-trip, decimals exact with their scale, dates ISO yyyy-mm-dd,
 * timestamps yyyy-mm-dd hh:mm:ss, bools true/false). Numbers format
 * exactly (decimal128 never goes through a double). The row must not be null.
 * PR_EDATA when the type cannot be shown as text (list, struct). */
PrStatus PrColumn_appendText(const PrColumn *column, int64_t row,
                             const PrFormatSpec *format, PrBuffer *out,
                             PrError *error);

#endif
