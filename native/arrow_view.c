/* arrow_view.c: typed views of Arrow C Data Interface arrays.
 *
 * The data is untrusted: PrColumn_init checks once per batch everything the
 * getters rely on (buffer counts and presence, offsets in order and inside
 * their children, dictionary indices and string views in range), so that the
 * per-row getters only check the row. Buffer sizes are not part of the C
 * Data Interface; what can be checked is that every position derived from
 * lengths, offsets and indices stays within what the structure declares. */
#include "arrow_view.h"

#include <stdlib.h>
#include <string.h>

#include "arrow_load.h"
#include "error.h"

/* Deeper nesting than this is refused rather than risking the stack. */
#define PR_ARROW_MAX_DEPTH 32
/* offset + length stay below this so (offset + length) * 16 cannot overflow. */
#define PR_ARROW_MAX_POSITION ((int64_t)1 << 58)

static const uint8_t kEmptyBytes[1] = {0};

const char *PrArrowType_name(PrArrowType type) {
  switch (type) {
    case PR_ARROW_NA: return "null";
    case PR_ARROW_BOOL: return "bool";
    case PR_ARROW_INT8: return "int8";
    case PR_ARROW_INT16: return "int16";
    case PR_ARROW_INT32: return "int32";
    case PR_ARROW_INT64: return "int64";
    case PR_ARROW_UINT8: return "uint8";
    case PR_ARROW_UINT16: return "uint16";
    case PR_ARROW_UINT32: return "uint32";
    case PR_ARROW_UINT64: return "uint64";
    case PR_ARROW_FLOAT32: return "float32";
    case PR_ARROW_FLOAT64: return "float64";
    case PR_ARROW_DECIMAL128: return "decimal128";
    case PR_ARROW_UTF8: return "utf8";
    case PR_ARROW_LARGE_UTF8: return "large_utf8";
    case PR_ARROW_UTF8_VIEW: return "utf8_view";
    case PR_ARROW_DATE32: return "date32";
    case PR_ARROW_DATE64: return "date64";
    case PR_ARROW_TIMESTAMP: return "timestamp";
    case PR_ARROW_LIST: return "list";
    case PR_ARROW_LARGE_LIST: return "large_list";
    case PR_ARROW_STRUCT: return "struct";
    case PR_ARROW_DICTIONARY: return "dictionary";
  }
  return "unknown";
}

/* ---- Format strings ------------------------------------------------------ */

static bool is_integer_type(PrArrowType type) {
  return type >= PR_ARROW_INT8 && type <= PR_ARROW_UINT64;
}

/* Reads a small decimal number at *text (optionally negative); false when
 * there is none or it has more than 4 digits. */
static bool parse_small_int(const char **text, int32_t *out) {
  const char *at = *text;
  bool negative = false;
  if (*at == '-') {
    negative = true;
    at++;
  }
  int32_t value = 0;
  int digits = 0;
  while (*at >= '0' && *at <= '9') {
    if (++digits > 4) return false;
    value = value * 10 + (*at - '0');
    at++;
  }
  if (digits == 0) return false;
  *out = negative ? -value : value;
  *text = at;
  return true;
}

/* Fills column->type and the type parameters from a format string. */
static PrStatus parse_format(PrColumn *column, const char *format, PrError *error) {
  const char *name = column->name;
  if (format == NULL) {
    return PrError_set(error, PR_EDATA, "column '%.100s': the schema has no format string", name);
  }
  static const struct { const char *format; PrArrowType type; } kSimple[] = {
      {"n", PR_ARROW_NA},       {"b", PR_ARROW_BOOL},       {"c", PR_ARROW_INT8},
      {"C", PR_ARROW_UINT8},    {"s", PR_ARROW_INT16},      {"S", PR_ARROW_UINT16},
      {"i", PR_ARROW_INT32},    {"I", PR_ARROW_UINT32},     {"l", PR_ARROW_INT64},
      {"L", PR_ARROW_UINT64},   {"f", PR_ARROW_FLOAT32},    {"g", PR_ARROW_FLOAT64},
      {"u", PR_ARROW_UTF8},     {"U", PR_ARROW_LARGE_UTF8}, {"vu", PR_ARROW_UTF8_VIEW},
      {"tdD", PR_ARROW_DATE32}, {"tdm", PR_ARROW_DATE64},   {"+l", PR_ARROW_LIST},
      {"+L", PR_ARROW_LARGE_LIST}, {"+s", PR_ARROW_STRUCT},
  };
  for (size_t i = 0; i < sizeof kSimple / sizeof kSimple[0]; i++) {
    if (strcmp(format, kSimple[i].format) == 0) {
      column->type = kSimple[i].type;
      return PR_OK;
    }
  }
  if (format[0] == 't' && format[1] == 's' && format[2] != '\0' && format[3] == ':') {
    static const char kUnits[] = "smun";
    const char *unit = strchr(kUnits, format[2]);
    if (unit != NULL) {
      column->type = PR_ARROW_TIMESTAMP;
      column->time_unit = (uint8_t)(unit - kUnits);
      column->has_timezone = format[4] != '\0';
      return PR_OK;
    }
  }
  if (format[0] == 'd' && format[1] == ':') {
    const char *at = format + 2;
    int32_t precision = 0, scale = 0, width = 128;
    if (!parse_small_int(&at, &precision) || *at++ != ',' || !parse_small_int(&at, &scale) ||
        (*at == ',' && (at++, !parse_small_int(&at, &width))) || *at != '\0') {
      return PrError_set(error, PR_EDATA, "column '%.100s': malformed decimal format '%.40s'",
                         name, format);
    }
    if (width != 128) {
      return PrError_set(error, PR_EDATA,
                         "column '%.100s': decimal%d (format '%.40s') is not supported, only "
                         "decimal128",
                         name, (int)width, format);
    }
    if (precision < 1 || precision > 38) {
      return PrError_set(error, PR_EDATA,
                         "column '%.100s': decimal precision %d is outside 1..38", name,
                         (int)precision);
    }
    if (scale < -38 || scale > 38) {
      return PrError_set(error, PR_EDATA, "column '%.100s': decimal scale %d is outside -38..38",
                         name, (int)scale);
    }
    column->type = PR_ARROW_DECIMAL128;
    column->decimal_precision = precision;
    column->decimal_scale = scale;
    return PR_OK;
  }
  return PrError_set(error, PR_EDATA, "column '%.100s': unsupported Arrow format '%.40s'", name,
                     format);
}

/* ---- Checks ---------------------------------------------------------------- */

static PrStatus check_buffer_count(const PrColumn *column, const struct ArrowArray *array,
                                   int64_t expected, PrError *error) {
  if (array->n_buffers != expected) {
    return PrError_set(error, PR_EDATA, "column '%.100s': %s array has %lld buffers, expected %lld",
                       column->name, PrArrowType_name(column->type),
                       (long long)array->n_buffers, (long long)expected);
  }
  if (expected > 0 && array->buffers == NULL) {
    return PrError_set(error, PR_EDATA, "column '%.100s': the buffer list is NULL", column->name);
  }
  return PR_OK;
}

/* A buffer the visible rows need. */
static PrStatus require_buffer(const PrColumn *column, const void *buffer, const char *what,
                               PrError *error) {
  if (buffer == NULL && column->length > 0) {
    return PrError_set(error, PR_EDATA, "column '%.100s': the %s buffer is missing (NULL)",
                       column->name, what);
  }
  return PR_OK;
}

static int64_t load_offset(const uint8_t *offsets, bool large, int64_t index) {
  return large ? PrLoad_i64(offsets + index * 8) : (int64_t)PrLoad_i32(offsets + index * 4);
}

/* Offsets of the visible rows: >= 0, non-decreasing, the last <= limit
 * (limit < 0: no limit known). */
static PrStatus check_offsets(const PrColumn *column, bool large, int64_t limit,
                              const char *what, PrError *error) {
  if (column->length == 0) return PR_OK;
  const uint8_t *offsets = column->values;
  int64_t previous = load_offset(offsets, large, column->offset);
  if (previous < 0) {
    return PrError_set(error, PR_EDATA, "column '%.100s': the first %s offset is negative (%lld)",
                       column->name, what, (long long)previous);
  }
  for (int64_t row = 0; row < column->length; row++) {
    int64_t next = load_offset(offsets, large, column->offset + row + 1);
    if (next < previous) {
      return PrError_set(error, PR_EDATA,
                         "column '%.100s': %s offsets decrease at row %lld (%lld then %lld)",
                         column->name, what, (long long)row, (long long)previous,
                         (long long)next);
    }
    previous = next;
  }
  if (limit >= 0 && previous > limit) {
    return PrError_set(error, PR_EDATA,
                       "column '%.100s': %s offsets reach %lld, past the %lld items present",
                       column->name, what, (long long)previous, (long long)limit);
  }
  return PR_OK;
}

static bool row_is_valid(const PrColumn *column, int64_t row) {
  return column->validity == NULL || PrLoad_bit(column->validity, column->offset + row);
}

/* Loads index `position` of an integer array as int64; false for uint64
 * values beyond int64. */
static bool load_index(PrArrowType type, const uint8_t *values, int64_t position,
                       int64_t *out) {
  switch (type) {
    case PR_ARROW_INT8: *out = (int8_t)values[position]; return true;
    case PR_ARROW_UINT8: *out = values[position]; return true;
    case PR_ARROW_INT16: {
      int16_t v;
      memcpy(&v, values + position * 2, 2);
      *out = v;
      return true;
    }
    case PR_ARROW_UINT16: {
      uint16_t v;
      memcpy(&v, values + position * 2, 2);
      *out = v;
      return true;
    }
    case PR_ARROW_INT32: *out = PrLoad_i32(values + position * 4); return true;
    case PR_ARROW_UINT32: {
      uint32_t v;
      memcpy(&v, values + position * 4, 4);
      *out = v;
      return true;
    }
    case PR_ARROW_INT64: *out = PrLoad_i64(values + position * 8); return true;
    case PR_ARROW_UINT64: {
      uint64_t v = PrLoad_u64(values + position * 8);
      if (v > (uint64_t)INT64_MAX) return false;
      *out = (int64_t)v;
      return true;
    }
    default: return false;
  }
}

static PrStatus check_dictionary_indices(const PrColumn *column, PrError *error) {
  int64_t count = column->dictionary->length;
  for (int64_t row = 0; row < column->length; row++) {
    if (!row_is_valid(column, row)) continue;
    int64_t index;
    if (!load_index(column->index_type, column->values, column->offset + row, &index) ||
        index < 0 || index >= count) {
      return PrError_set(error, PR_EDATA,
                         "column '%.100s': dictionary index at row %lld is outside the %lld "
                         "dictionary values",
                         column->name, (long long)row, (long long)count);
    }
  }
  return PR_OK;
}

/* String views: 16 bytes each, the length first; up to 12 bytes inline,
 * longer ones name a variadic buffer and an offset into it. */
static PrStatus check_views(const PrColumn *column, const int64_t *sizes, PrError *error) {
  const uint8_t *views = column->values;
  for (int64_t row = 0; row < column->length; row++) {
    if (!row_is_valid(column, row)) continue;
    const uint8_t *view = views + (column->offset + row) * 16;
    int32_t size = PrLoad_i32(view);
    if (size < 0) {
      return PrError_set(error, PR_EDATA, "column '%.100s': string view at row %lld has length %d",
                         column->name, (long long)row, (int)size);
    }
    if (size <= 12) continue;
    int32_t buffer = PrLoad_i32(view + 8);
    int32_t offset = PrLoad_i32(view + 12);
    if (buffer < 0 || buffer >= column->view_buffer_count) {
      return PrError_set(error, PR_EDATA,
                         "column '%.100s': string view at row %lld names data buffer %d of %lld",
                         column->name, (long long)row, (int)buffer,
                         (long long)column->view_buffer_count);
    }
    if (offset < 0 || (int64_t)offset + size > sizes[buffer] ||
        column->view_buffers[buffer] == NULL) {
      return PrError_set(error, PR_EDATA,
                         "column '%.100s': string view at row %lld (bytes %d..%lld) lies outside "
                         "data buffer %d (%lld bytes)",
                         column->name, (long long)row, (int)offset, (long long)offset + size,
                         (int)buffer, (long long)sizes[buffer]);
    }
  }
  return PR_OK;
}

/* ---- Building ---------------------------------------------------------------- */

static void free_column(PrColumn *column) {
  if (column->children != NULL) {
    for (int64_t i = 0; i < column->child_count; i++) {
      free_column(&column->children[i]);
    }
    free(column->children);
  }
  if (column->dictionary != NULL) {
    free_column(column->dictionary);
    free(column->dictionary);
  }
  free((void *)column->view_buffers);
  memset(column, 0, sizeof *column);
}

static PrStatus init_column(PrColumn *column, const struct ArrowSchema *schema,
                            const struct ArrowArray *array, int depth, PrError *error);

/* Puts the parent's name in front of a nested column's message:
 * "column 'b': ..." becomes "column 'a.b': ..." (joiner ".") or
 * "column 'a' dictionary: ..." (joiner NULL). */
static void name_parent(PrError *error, PrStatus status, const char *parent,
                        const char *joiner) {
  if (error == NULL) return;
  char reason[PR_ERROR_MESSAGE_BYTES];
  memcpy(reason, error->message, sizeof reason);
  reason[sizeof reason - 1] = '\0';
  static const char kLead[] = "column '";
  const char *rest = reason;
  if (strncmp(reason, kLead, sizeof kLead - 1) == 0) rest = reason + sizeof kLead - 1;
  if (joiner != NULL && rest != reason) {
    PrError_set(error, status, "column '%.100s%s%.380s", parent, joiner, rest);
    return;
  }
  if (rest != reason) {
    const char *after = strstr(rest, "': ");
    if (after != NULL) rest = after + 3;
  }
  PrError_set(error, status, "column '%.100s' dictionary: %.380s", parent, rest);
}

/* Builds children[i]; on failure the message gets this column's name in front. */
static PrStatus init_child(PrColumn *column, int64_t i, const struct ArrowSchema *schema,
                           const struct ArrowArray *array, int depth, PrError *error) {
  PrStatus status = init_column(&column->children[i], schema, array, depth, error);
  if (status != PR_OK) name_parent(error, status, column->name, ".");
  return status;
}

static PrStatus init_children(PrColumn *column, const struct ArrowSchema *schema,
                              const struct ArrowArray *array, int64_t expected, int depth,
                              PrError *error) {
  if (schema->n_children != array->n_children) {
    return PrError_set(error, PR_EDATA,
                       "column '%.100s': the schema has %lld children, the array %lld",
                       column->name, (long long)schema->n_children,
                       (long long)array->n_children);
  }
  if (expected >= 0 && array->n_children != expected) {
    return PrError_set(error, PR_EDATA, "column '%.100s': a %s has %lld children, expected %lld",
                       column->name, PrArrowType_name(column->type),
                       (long long)array->n_children, (long long)expected);
  }
  if (array->n_children < 0) {
    return PrError_set(error, PR_EDATA, "column '%.100s': negative child count", column->name);
  }
  if (array->n_children == 0) return PR_OK;
  if (schema->children == NULL || array->children == NULL) {
    return PrError_set(error, PR_EDATA, "column '%.100s': the child list is NULL", column->name);
  }
  column->children = calloc((size_t)array->n_children, sizeof *column->children);
  if (column->children == NULL) {
    return PrError_set(error, PR_ENOMEM, "column '%.100s': out of memory", column->name);
  }
  column->child_count = array->n_children;
  for (int64_t i = 0; i < array->n_children; i++) {
    if (schema->children[i] == NULL || array->children[i] == NULL) {
      return PrError_set(error, PR_EDATA, "column '%.100s': child %lld is NULL", column->name,
                         (long long)i);
    }
    PR_RETURN_NOT_OK(init_child(column, i, schema->children[i], array->children[i], depth + 1,
                                error));
  }
  return PR_OK;
}

static PrStatus init_validity(PrColumn *column, const struct ArrowArray *array, PrError *error) {
  column->validity = array->buffers[0];
  if (column->validity == NULL && array->null_count > 0 && column->length > 0) {
    return PrError_set(error, PR_EDATA,
                       "column '%.100s': %lld nulls but no validity buffer", column->name,
                       (long long)array->null_count);
  }
  return PR_OK;
}

static PrStatus init_utf8_view(PrColumn *column, const struct ArrowArray *array,
                               PrError *error) {
  if (array->n_buffers < 3 || array->buffers == NULL) {
    return PrError_set(error, PR_EDATA,
                       "column '%.100s': utf8_view array has %lld buffers, expected at least 3",
                       column->name, (long long)array->n_buffers);
  }
  PR_RETURN_NOT_OK(init_validity(column, array, error));
  column->values = array->buffers[1];
  PR_RETURN_NOT_OK(require_buffer(column, column->values, "views", error));
  int64_t count = array->n_buffers - 3;
  const uint8_t *size_buffer = array->buffers[array->n_buffers - 1];
  if (count > 0 && size_buffer == NULL) {
    return PrError_set(error, PR_EDATA,
                       "column '%.100s': the buffer of data buffer sizes is missing (NULL)",
                       column->name);
  }
  int64_t *sizes = NULL;
  if (count > 0) {
    const uint8_t **buffers = malloc((size_t)count * sizeof *buffers);
    sizes = malloc((size_t)count * sizeof *sizes);
    if (buffers == NULL || sizes == NULL) {
      free((void *)buffers);
      free(sizes);
      return PrError_set(error, PR_ENOMEM, "column '%.100s': out of memory", column->name);
    }
    for (int64_t i = 0; i < count; i++) {
      buffers[i] = array->buffers[2 + i];
      sizes[i] = PrLoad_i64(size_buffer + i * 8);
    }
    column->view_buffers = buffers;
    column->view_buffer_count = count;
  }
  PrStatus status = check_views(column, sizes, error);
  free(sizes);
  return status;
}

static PrStatus init_dictionary(PrColumn *column, const struct ArrowSchema *schema,
                                const struct ArrowArray *array, int depth, PrError *error) {
  if (!is_integer_type(column->type)) {
    return PrError_set(error, PR_EDATA,
                       "column '%.100s': dictionary indices of type %s, expected an integer type",
                       column->name, PrArrowType_name(column->type));
  }
  if (array->dictionary == NULL) {
    return PrError_set(error, PR_EDATA,
                       "column '%.100s': the schema is dictionary-encoded but the array has no "
                       "dictionary",
                       column->name);
  }
  if (schema->dictionary->dictionary != NULL) {
    return PrError_set(error, PR_EDATA,
                       "column '%.100s': nested dictionaries are not supported", column->name);
  }
  column->index_type = column->type;
  column->type = PR_ARROW_DICTIONARY;
  PR_RETURN_NOT_OK(check_buffer_count(column, array, 2, error));
  PR_RETURN_NOT_OK(init_validity(column, array, error));
  column->values = array->buffers[1];
  PR_RETURN_NOT_OK(require_buffer(column, column->values, "dictionary index", error));
  column->dictionary = calloc(1, sizeof *column->dictionary);
  if (column->dictionary == NULL) {
    return PrError_set(error, PR_ENOMEM, "column '%.100s': out of memory", column->name);
  }
  PrStatus status =
      init_column(column->dictionary, schema->dictionary, array->dictionary, depth + 1, error);
  if (status != PR_OK) {
    name_parent(error, status, column->name, NULL);
    return status;
  }
  return check_dictionary_indices(column, error);
}

static PrStatus init_body(PrColumn *column, const struct ArrowSchema *schema,
                          const struct ArrowArray *array, int depth, PrError *error) {
  if (depth > PR_ARROW_MAX_DEPTH) {
    return PrError_set(error, PR_EDATA, "column '%.100s': nested deeper than %d levels",
                       column->name, PR_ARROW_MAX_DEPTH);
  }
  if (array->length < 0 || array->offset < 0 ||
      array->length > PR_ARROW_MAX_POSITION - array->offset) {
    return PrError_set(error, PR_EDATA, "column '%.100s': bad length %lld or offset %lld",
                       column->name, (long long)array->length, (long long)array->offset);
  }
  column->length = array->length;
  column->offset = array->offset;
  PR_RETURN_NOT_OK(parse_format(column, schema->format, error));
  if (schema->dictionary != NULL) {
    if (schema->n_children != 0 || array->n_children != 0) {
      return PrError_set(error, PR_EDATA, "column '%.100s': a dictionary array with children",
                         column->name);
    }
    return init_dictionary(column, schema, array, depth, error);
  }
  if (array->dictionary != NULL) {
    return PrError_set(error, PR_EDATA,
                       "column '%.100s': the array has a dictionary the schema does not declare",
                       column->name);
  }
  switch (column->type) {
    case PR_ARROW_NA:
      /* No buffers; older Arrow C++ exported one (NULL) validity buffer. */
      PR_RETURN_NOT_OK(check_buffer_count(column, array, array->n_buffers == 1 ? 1 : 0, error));
      return init_children(column, schema, array, 0, depth, error);
    case PR_ARROW_UTF8:
    case PR_ARROW_LARGE_UTF8: {
      bool large = column->type == PR_ARROW_LARGE_UTF8;
      PR_RETURN_NOT_OK(check_buffer_count(column, array, 3, error));
      PR_RETURN_NOT_OK(init_children(column, schema, array, 0, depth, error));
      PR_RETURN_NOT_OK(init_validity(column, array, error));
      column->values = array->buffers[1];
      column->data = array->buffers[2];
      PR_RETURN_NOT_OK(require_buffer(column, column->values, "offsets", error));
      PR_RETURN_NOT_OK(check_offsets(column, large, -1, "string", error));
      if (column->data == NULL) {
        /* Allowed only when no visible string has a byte. */
        if (column->length > 0 && load_offset(column->values, large, column->offset) !=
                                      load_offset(column->values, large,
                                                  column->offset + column->length)) {
          return PrError_set(error, PR_EDATA,
                             "column '%.100s': the string data buffer is missing (NULL)",
                             column->name);
        }
        column->data = kEmptyBytes;
      }
      return PR_OK;
    }
    case PR_ARROW_UTF8_VIEW:
      PR_RETURN_NOT_OK(init_children(column, schema, array, 0, depth, error));
      return init_utf8_view(column, array, error);
    case PR_ARROW_LIST:
    case PR_ARROW_LARGE_LIST:
      PR_RETURN_NOT_OK(check_buffer_count(column, array, 2, error));
      PR_RETURN_NOT_OK(init_children(column, schema, array, 1, depth, error));
      PR_RETURN_NOT_OK(init_validity(column, array, error));
      column->values = array->buffers[1];
      PR_RETURN_NOT_OK(require_buffer(column, column->values, "offsets", error));
      return check_offsets(column, column->type == PR_ARROW_LARGE_LIST,
                           column->children[0].length, "list", error);
    case PR_ARROW_STRUCT:
      PR_RETURN_NOT_OK(check_buffer_count(column, array, 1, error));
      PR_RETURN_NOT_OK(init_children(column, schema, array, -1, depth, error));
      PR_RETURN_NOT_OK(init_validity(column, array, error));
      /* Children are read at parent offset + row: they must reach that far. */
      for (int64_t i = 0; i < column->child_count; i++) {
        if (column->children[i].length < column->offset + column->length) {
          return PrError_set(error, PR_EDATA,
                             "column '%.100s': child '%.100s' has %lld rows, the struct needs "
                             "%lld (offset %lld + length %lld)",
                             column->name, column->children[i].name,
                             (long long)column->children[i].length,
                             (long long)(column->offset + column->length),
                             (long long)column->offset, (long long)column->length);
        }
      }
      return PR_OK;
    default:
      /* Fixed width: bool, integers, floats, decimal, dates, timestamps. */
      PR_RETURN_NOT_OK(check_buffer_count(column, array, 2, error));
      PR_RETURN_NOT_OK(init_children(column, schema, array, 0, depth, error));
      PR_RETURN_NOT_OK(init_validity(column, array, error));
      column->values = array->buffers[1];
      return require_buffer(column, column->values, "values", error);
  }
}

static PrStatus init_column(PrColumn *column, const struct ArrowSchema *schema,
                            const struct ArrowArray *array, int depth, PrError *error) {
  memset(column, 0, sizeof *column);
  column->name = schema->name != NULL ? schema->name : "";
  PrStatus status = init_body(column, schema, array, depth, error);
  if (status != PR_OK) {
    free_column(column);
  }
  return status;
}

PrStatus PrColumn_init(PrColumn *column, const struct ArrowSchema *schema,
                       const struct ArrowArray *array, PrError *error) {
  if (column == NULL || schema == NULL || array == NULL) {
    if (column != NULL) memset(column, 0, sizeof *column);
    return PrError_set(error, PR_EINVAL, "arrow: NULL column, schema or array");
  }
  if (schema->release == NULL || array->release == NULL) {
    /* The interface marks moved or released structures this way. */
    memset(column, 0, sizeof *column);
    return PrError_set(error, PR_EDATA, "column '%.100s': the schema or array is released",
                       schema->name != NULL ? schema->name : "");
  }
  return init_column(column, schema, array, 0, error);
}

void PrColumn_free(PrColumn *column) {
  if (column != NULL) {
    free_column(column);
  }
}

/* ---- Getters ------------------------------------------------------------------ */

int64_t PrColumn_dictionaryIndex(const PrColumn *column, int64_t row) {
  if (column->type != PR_ARROW_DICTIONARY || row < 0 || row >= column->length ||
      !row_is_valid(column, row)) {
    return -1;
  }
  int64_t index;
  return load_index(column->index_type, column->values, column->offset + row, &index) ? index
                                                                                      : -1;
}

bool PrColumn_utf8(const PrColumn *column, int64_t row, const char **data,
                   size_t *size_bytes) {
  if (row < 0 || row >= column->length) return false;
  int64_t at = column->offset + row;
  switch (column->type) {
    case PR_ARROW_UTF8:
    case PR_ARROW_LARGE_UTF8: {
      bool large = column->type == PR_ARROW_LARGE_UTF8;
      int64_t start = load_offset(column->values, large, at);
      int64_t end = load_offset(column->values, large, at + 1);
      *size_bytes = (size_t)(end - start);
      *data = end > start ? (const char *)column->data + start : "";
      return true;
    }
    case PR_ARROW_UTF8_VIEW: {
      /* Views of null rows were not checked by init: never follow them. */
      if (!row_is_valid(column, row)) return false;
      const uint8_t *view = (const uint8_t *)column->values + at * 16;
      int32_t size = PrLoad_i32(view);
      *size_bytes = (size_t)size;
      if (size <= 12) {
        *data = (const char *)view + 4;
      } else {
        *data = (const char *)column->view_buffers[PrLoad_i32(view + 8)] + PrLoad_i32(view + 12);
      }
      return true;
    }
    case PR_ARROW_DICTIONARY: {
      int64_t index = PrColumn_dictionaryIndex(column, row);
      return index >= 0 && PrColumn_utf8(column->dictionary, index, data, size_bytes);
    }
    default:
      return false;
  }
}

bool PrColumn_int64(const PrColumn *column, int64_t row, int64_t *value) {
  if (row < 0 || row >= column->length) return false;
  int64_t at = column->offset + row;
  const uint8_t *values = column->values;
  switch (column->type) {
    case PR_ARROW_BOOL:
      *value = PrLoad_bit(values, at);
      return true;
    case PR_ARROW_INT8: case PR_ARROW_INT16: case PR_ARROW_INT32: case PR_ARROW_INT64:
    case PR_ARROW_UINT8: case PR_ARROW_UINT16: case PR_ARROW_UINT32: case PR_ARROW_UINT64:
      return load_index(column->type, values, at, value);
    case PR_ARROW_DATE32:
      *value = PrLoad_i32(values + at * 4);
      return true;
    case PR_ARROW_DATE64:
    case PR_ARROW_TIMESTAMP:
      *value = PrLoad_i64(values + at * 8);
      return true;
    case PR_ARROW_DICTIONARY: {
      int64_t index = PrColumn_dictionaryIndex(column, row);
      return index >= 0 && PrColumn_int64(column->dictionary, index, value);
    }
    default:
      return false;
  }
}

static const double kPowersOfTenDouble[] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11, 1e12,
    1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22, 1e23, 1e24, 1e25,
    1e26, 1e27, 1e28, 1e29, 1e30, 1e31, 1e32, 1e33, 1e34, 1e35, 1e36, 1e37, 1e38};

bool PrColumn_double(const PrColumn *column, int64_t row, double *value) {
  if (row < 0 || row >= column->length) return false;
  int64_t at = column->offset + row;
  const uint8_t *values = column->values;
  switch (column->type) {
    case PR_ARROW_INT8: case PR_ARROW_INT16: case PR_ARROW_INT32: case PR_ARROW_INT64:
    case PR_ARROW_UINT8: case PR_ARROW_UINT16: case PR_ARROW_UINT32: {
      int64_t integer;
      load_index(column->type, values, at, &integer);
      *value = (double)integer;
      return true;
    }
    case PR_ARROW_UINT64:
      *value = (double)PrLoad_u64(values + at * 8);
      return true;
    case PR_ARROW_FLOAT32: {
      float single;
      memcpy(&single, values + at * 4, 4);
      *value = single;
      return true;
    }
    case PR_ARROW_FLOAT64:
      memcpy(value, values + at * 8, 8);
      return true;
    case PR_ARROW_DECIMAL128: {
      uint64_t low;
      int64_t high;
      PrLoad_decimal128(values + at * 16, &low, &high);
      /* From the magnitude: low as unsigned would cancel against high. */
      bool negative = high < 0;
      uint64_t magnitude_high = (uint64_t)high;
      if (negative) {
        low = ~low + 1;
        magnitude_high = ~magnitude_high + (low == 0 ? 1 : 0);
      }
      double number = (double)magnitude_high * 18446744073709551616.0 + (double)low;
      if (negative) number = -number;
      int32_t scale = column->decimal_scale;
      *value = scale >= 0 ? number / kPowersOfTenDouble[scale] : number * kPowersOfTenDouble[-scale];
      return true;
    }
    case PR_ARROW_DICTIONARY: {
      int64_t index = PrColumn_dictionaryIndex(column, row);
      return index >= 0 && PrColumn_double(column->dictionary, index, value);
    }
    default:
      return false;
  }
}

bool PrColumn_listRange(const PrColumn *column, int64_t row, int64_t *start, int64_t *end) {
  if (row < 0 || row >= column->length ||
      (column->type != PR_ARROW_LIST && column->type != PR_ARROW_LARGE_LIST)) {
    return false;
  }
  bool large = column->type == PR_ARROW_LARGE_LIST;
  *start = load_offset(column->values, large, column->offset + row);
  *end = load_offset(column->values, large, column->offset + row + 1);
  return true;
}
