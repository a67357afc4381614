/* test_arrow.c: Arrow column views (arrow_view.c) and value text
 * (value_format.c) on arrays built by hand: every supported type, nulls,
 * sliced arrays and structs, list<struct>, dictionaries, string views,
 * malformed arrays, a mutation fuzz, and timings of the hot formatting paths.
 * Run: test_arrow <repo root>. */
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arrow_view.h"
#include "buffer.h"
#include "check.h"
#include "error.h"
#include "pressrun.h"

/* ---- Arrays by hand ------------------------------------------------------------ */

static void release_schema(struct ArrowSchema *schema) { schema->release = NULL; }
static void release_array(struct ArrowArray *array) { array->release = NULL; }

typedef struct Node {
  struct ArrowSchema schema;
  struct ArrowArray array;
  const void *buffers[8];
  struct ArrowSchema *schema_children[4];
  struct ArrowArray *array_children[4];
} Node;

/* A node with n_buffers buffers, all NULL until set; no nulls declared. */
static Node *node(Node *n, const char *format, const char *name, int64_t length, int64_t offset,
                  int64_t n_buffers) {
  memset(n, 0, sizeof *n);
  n->schema.format = format;
  n->schema.name = name;
  n->schema.children = n->schema_children;
  n->schema.release = release_schema;
  n->array.length = length;
  n->array.offset = offset;
  n->array.null_count = -1;
  n->array.n_buffers = n_buffers;
  n->array.buffers = n->buffers;
  n->array.children = n->array_children;
  n->array.release = release_array;
  return n;
}

static void add_child(Node *parent, Node *child) {
  parent->schema_children[parent->schema.n_children++] = &child->schema;
  parent->array_children[parent->array.n_children++] = &child->array;
}

static void set_dictionary(Node *n, Node *values) {
  n->schema.dictionary = &values->schema;
  n->array.dictionary = &values->array;
}

static PrStatus init(PrColumn *column, Node *n, PrError *error) {
  error->message[0] = '\0';
  return PrColumn_init(column, &n->schema, &n->array, error);
}

/* Validity bits from a string of '1' (valid) and '0' (null). */
static void bits(uint8_t *out, const char *pattern) {
  size_t count = strlen(pattern);
  memset(out, 0, (count + 7) / 8);
  for (size_t i = 0; i < count; i++) {
    if (pattern[i] == '1') out[i / 8] |= (uint8_t)(1u << (i % 8));
  }
}

/* A decimal128 value from decimal digits (two's complement, host order). */
static void dec128(uint8_t out[16], const char *text) {
  uint32_t limbs[4] = {0, 0, 0, 0};  /* least significant first */
  int negative = *text == '-';
  if (negative) text++;
  for (; *text != '\0'; text++) {
    uint64_t carry = (uint64_t)(*text - '0');
    for (int i = 0; i < 4; i++) {
      uint64_t v = (uint64_t)limbs[i] * 10 + carry;
      limbs[i] = (uint32_t)v;
      carry = v >> 32;
    }
  }
  uint64_t low = limbs[0] | (uint64_t)limbs[1] << 32;
  uint64_t high = limbs[2] | (uint64_t)limbs[3] << 32;
  if (negative) {
    low = ~low + 1;
    high = ~high + (low == 0 ? 1 : 0);
  }
  memcpy(out, &low, 8);
  memcpy(out + 8, &high, 8);
}

/* One 16-byte string view. */
static void view(uint8_t out[16], const char *text, int32_t buffer, int32_t offset) {
  int32_t size = (int32_t)strlen(text);
  memset(out, 0, 16);
  memcpy(out, &size, 4);
  if (size <= 12) {
    memcpy(out + 4, text, (size_t)size);
  } else {
    memcpy(out + 4, text, 4);
    memcpy(out + 8, &buffer, 4);
    memcpy(out + 12, &offset, 4);
  }
}

/* ---- Text checks ------------------------------------------------------------------ */

static char text_result[600];
static PrError text_error;

static const char *text_of(const PrColumn *column, int64_t row, const PrFormatSpec *format) {
  PrBuffer buffer;
  PrBuffer_init(&buffer);
  PrBuffer_appendText(&buffer, "<");  /* appends, never overwrites */
  PrStatus status = PrColumn_appendText(column, row, format, &buffer, &text_error);
  if (status != PR_OK) {
    snprintf(text_result, sizeof text_result, "<error %d>", (int)status);
  } else if (buffer.size_bytes == 0 || buffer.data[0] != '<' || buffer.size_bytes > 500) {
    snprintf(text_result, sizeof text_result, "<bad buffer>");
  } else {
    memcpy(text_result, buffer.data + 1, buffer.size_bytes - 1);
    text_result[buffer.size_bytes - 1] = '\0';
  }
  PrBuffer_free(&buffer);
  return text_result;
}

#define CHECK_TEXT(column, row, format, expected)                                      \
  do {                                                                                 \
    const char *got_ = text_of((column), (row), (format));                            \
    if (strcmp(got_, (expected)) == 0) {                                               \
      check_passed_count++;                                                            \
    } else {                                                                           \
      check_failed_count++;                                                            \
      fprintf(stderr, "%s:%d: text of row %lld: got '%s', expected '%s' %s\n",        \
              __FILE__, __LINE__, (long long)(row), got_, (expected),                   \
              strncmp(got_, "<error", 6) == 0 ? text_error.message : "");              \
    }                                                                                  \
  } while (0)

#define CHECK_STATUS(expr, expected, error)                                            \
  do {                                                                                 \
    PrStatus got_status_ = (expr);                                                     \
    if (got_status_ == (expected)) {                                                   \
      check_passed_count++;                                                            \
    } else {                                                                           \
      check_failed_count++;                                                            \
      fprintf(stderr, "%s:%d: %s gave %d, expected %d: %s\n", __FILE__, __LINE__,     \
              #expr, (int)got_status_, (int)(expected), (error)->message);             \
    }                                                                                  \
  } while (0)

/* Init must fail with PR_EDATA and a message containing `needle`. */
#define CHECK_BAD(n, needle)                                                           \
  do {                                                                                 \
    PrColumn bad_;                                                                     \
    PrError bad_error_;                                                                \
    CHECK_STATUS(init(&bad_, (n), &bad_error_), PR_EDATA, &bad_error_);               \
    if (strstr(bad_error_.message, (needle)) == NULL) {                                \
      check_failed_count++;                                                            \
      fprintf(stderr, "%s:%d: message '%s' lacks '%s'\n", __FILE__, __LINE__,         \
              bad_error_.message, (needle));                                           \
    }                                                                                  \
    CHECK(bad_.children == NULL && bad_.dictionary == NULL);                           \
    PrColumn_free(&bad_);                                                              \
  } while (0)

static PrFormatSpec number_format(int decimals, const char *thousands, const char *decimal,
                                  const char *prefix, const char *suffix) {
  PrFormatSpec format;
  memset(&format, 0, sizeof format);
  format.kind = PR_FORMAT_NUMBER;
  format.decimals = (int8_t)decimals;
  snprintf(format.thousands, sizeof format.thousands, "%s", thousands);
  snprintf(format.decimal, sizeof format.decimal, "%s", decimal);
  snprintf(format.prefix, sizeof format.prefix, "%s", prefix);
  snprintf(format.suffix, sizeof format.suffix, "%s", suffix);
  return format;
}

static PrFormatSpec date_format(const char *pattern) {
  PrFormatSpec format;
  memset(&format, 0, sizeof format);
  format.kind = PR_FORMAT_DATE;
  format.decimals = -1;
  snprintf(format.date, sizeof format.date, "%s", pattern);
  return format;
}

/* ---- Integers, bools ---------------------------------------------------------------- */

static void test_integers(void) {
  PrError error;
  PrColumn column;
  Node n;
  /* int8, sliced by 1, a null at position 3 */
  int8_t int8_values[5] = {99, -128, 5, 0, 127};
  uint8_t validity[1];
  bits(validity, "11101");
  node(&n, "c", "small", 4, 1, 2);
  n.buffers[0] = validity;
  n.buffers[1] = int8_values;
  n.array.null_count = 1;
  CHECK_OK(init(&column, &n, &error), &error);
  CHECK(column.type == PR_ARROW_INT8 && column.length == 4 && column.offset == 1);
  CHECK(!PrColumn_isNull(&column, 0) && !PrColumn_isNull(&column, 1));
  CHECK(PrColumn_isNull(&column, 2) && !PrColumn_isNull(&column, 3));
  CHECK_TEXT(&column, 0, NULL, "-128");
  CHECK_TEXT(&column, 1, NULL, "5");
  CHECK_TEXT(&column, 2, NULL, "<error 1>");  /* null: the caller's mistake */
  CHECK_TEXT(&column, 3, NULL, "127");
  CHECK_TEXT(&column, 4, NULL, "<error 1>");  /* out of range */
  int64_t value = 0;
  CHECK(PrColumn_int64(&column, 0, &value) && value == -128);
  CHECK(!PrColumn_int64(&column, 4, &value) && !PrColumn_int64(&column, -1, &value));
  double real = 0;
  CHECK(PrColumn_double(&column, 3, &real) && real == 127.0);
  const char *text;
  size_t size;
  CHECK(!PrColumn_utf8(&column, 0, &text, &size));
  PrColumn_free(&column);

  /* each width at its extremes */
  static const struct {
    const char *format;
    int width;
    uint64_t bits;
    const char *text;
  } kCases[] = {
      {"s", 2, 0x8000, "-32768"},
      {"S", 2, 0xFFFF, "65535"},
      {"i", 4, 0x80000000u, "-2147483648"},
      {"I", 4, 0xFFFFFFFFu, "4294967295"},
      {"l", 8, 0x8000000000000000ull, "-9223372036854775808"},
      {"L", 8, 0xFFFFFFFFFFFFFFFFull, "18446744073709551615"},
      {"C", 1, 0xFF, "255"},
      {"l", 8, 0, "0"},
  };
  for (size_t i = 0; i < sizeof kCases / sizeof kCases[0]; i++) {
    uint8_t storage[16] = {0};
    memcpy(storage + kCases[i].width, &kCases[i].bits, (size_t)kCases[i].width);  /* host LE */
    node(&n, kCases[i].format, "extreme", 1, 1, 2);
    n.buffers[1] = storage;
    CHECK_OK(init(&column, &n, &error), &error);
    CHECK_TEXT(&column, 0, NULL, kCases[i].text);
    PrColumn_free(&column);
  }
  /* uint64 beyond int64 has no int64 value */
  uint64_t big = 18446744073709551615ull;
  node(&n, "L", "big", 1, 0, 2);
  n.buffers[1] = &big;
  CHECK_OK(init(&column, &n, &error), &error);
  CHECK(!PrColumn_int64(&column, 0, &value));
  CHECK(PrColumn_double(&column, 0, &real) && real == 18446744073709551615.0);
  PrColumn_free(&column);

  /* number formats on integers */
  int64_t amounts[5] = {1234567, -50, 0, 999, -1000};
  node(&n, "l", "amount", 5, 0, 2);
  n.buffers[1] = amounts;
  CHECK_OK(init(&column, &n, &error), &error);
  PrFormatSpec grouped = number_format(-1, ",", ".", "", "");
  PrFormatSpec money = number_format(2, ",", ".", "$", "");
  PrFormatSpec euro = number_format(2, "\xE2\x80\xAF", ",", "", " \xE2\x82\xAC");
  CHECK_TEXT(&column, 0, &grouped, "1,234,567");
  CHECK_TEXT(&column, 0, &money, "$1,234,567.00");
  CHECK_TEXT(&column, 1, &money, "-$50.00");
  CHECK_TEXT(&column, 2, &money, "$0.00");
  CHECK_TEXT(&column, 3, &grouped, "999");
  CHECK_TEXT(&column, 4, &grouped, "-1,000");
  CHECK_TEXT(&column, 0, &euro, "1\xE2\x80\xAF" "234\xE2\x80\xAF" "567,00 \xE2\x82\xAC");
  PrFormatSpec date = date_format("%Y");
  CHECK_TEXT(&column, 0, &date, "<error 4>");  /* an int is not a date */
  CHECK(strstr(text_error.message, "amount") != NULL);
  PrFormatSpec too_many = number_format(60, "", ".", "", "");
  CHECK_TEXT(&column, 0, &too_many, "<error 1>");
  PrColumn_free(&column);
}

static void test_bools(void) {
  PrError error;
  PrColumn column;
  Node n;
  uint8_t values[2], validity[2];
  bits(values, "0001011000");
  bits(validity, "1111101111");
  node(&n, "b", "flag", 6, 3, 2);
  n.buffers[0] = validity;
  n.buffers[1] = values;
  CHECK_OK(init(&column, &n, &error), &error);
  CHECK_TEXT(&column, 0, NULL, "true");   /* bit 3 */
  CHECK_TEXT(&column, 1, NULL, "false");  /* bit 4 */
  CHECK(PrColumn_isNull(&column, 2));     /* bit 5 */
  CHECK_TEXT(&column, 3, NULL, "true");   /* bit 6 */
  CHECK_TEXT(&column, 4, NULL, "false");
  int64_t value = -1;
  CHECK(PrColumn_int64(&column, 0, &value) && value == 1);
  CHECK(PrColumn_int64(&column, 1, &value) && value == 0);
  PrColumn_free(&column);
}

/* ---- Floats ---------------------------------------------------------------------------- */

static void test_floats(void) {
  PrError error;
  PrColumn column;
  Node n;
  double values[] = {1234567.891, -0.5,   0.1,     1e21,  1.5e-10, 123.456, 1e20,
                     -0.0,        NAN,    -INFINITY, 2.5,  -2.5,    0.001,   1e-7,
                     -0.001,      1.005,  0.125,   5e-324, 1.7976931348623157e308,
                     123456789012345678.0, 2.675};
  int64_t count = (int64_t)(sizeof values / sizeof values[0]);
  node(&n, "g", "rate", count, 0, 2);
  n.buffers[1] = values;
  CHECK_OK(init(&column, &n, &error), &error);
  PrFormatSpec money = number_format(2, ",", ".", "$", "");
  PrFormatSpec grouped2 = number_format(2, ",", ".", "", "");
  PrFormatSpec whole = number_format(0, "", ".", "", "");
  CHECK_TEXT(&column, 0, &grouped2, "1,234,567.89");
  CHECK_TEXT(&column, 0, NULL, "1234567.891");
  CHECK_TEXT(&column, 1, &money, "-$0.50");
  CHECK_TEXT(&column, 1, NULL, "-0.5");
  CHECK_TEXT(&column, 2, NULL, "0.1");
  CHECK_TEXT(&column, 3, NULL, "1e+21");
  CHECK_TEXT(&column, 3, &grouped2, "1e+21");
  CHECK_TEXT(&column, 4, NULL, "1.5e-10");
  CHECK_TEXT(&column, 5, NULL, "123.456");
  CHECK_TEXT(&column, 6, NULL, "100000000000000000000");
  CHECK_TEXT(&column, 7, NULL, "0");
  CHECK_TEXT(&column, 7, &grouped2, "0.00");
  CHECK_TEXT(&column, 8, NULL, "NaN");
  CHECK_TEXT(&column, 9, &money, "-Infinity");
  CHECK_TEXT(&column, 10, &whole, "3");   /* half away from zero */
  CHECK_TEXT(&column, 11, &whole, "-3");
  CHECK_TEXT(&column, 12, NULL, "0.001");
  CHECK_TEXT(&column, 13, NULL, "1e-7");
  CHECK_TEXT(&column, 14, &grouped2, "0.00");  /* no "-0.00" */
  CHECK_TEXT(&column, 15, &grouped2, "1.01");  /* 1.005 as typed, though 1.00499.. in binary */
  CHECK_TEXT(&column, 16, &grouped2, "0.13");
  CHECK_TEXT(&column, 17, NULL, "4.94065645841247e-324");  /* 15 digits at least */
  CHECK_TEXT(&column, 18, NULL, "1.7976931348623157e+308");
  CHECK_TEXT(&column, 19, &grouped2, "123,456,789,012,345,680.00");  /* snprintf path */
  CHECK_TEXT(&column, 20, &grouped2, "2.68");  /* as typed */
  PrFormatSpec many = number_format(20, "", ".", "", "");
  CHECK_TEXT(&column, 2, &many, "0.10000000000000000000");
  double real = 0;
  CHECK(PrColumn_double(&column, 5, &real) && real == 123.456);
  int64_t integer;
  CHECK(!PrColumn_int64(&column, 5, &integer));
  PrColumn_free(&column);

  float singles[3] = {0.1f, 3.4028235e38f, -1.5f};
  node(&n, "f", "single", 3, 0, 2);
  n.buffers[1] = singles;
  CHECK_OK(init(&column, &n, &error), &error);
  CHECK_TEXT(&column, 0, NULL, "0.1");
  CHECK_TEXT(&column, 1, NULL, "3.4028235e+38");
  CHECK_TEXT(&column, 2, &grouped2, "-1.50");
  PrColumn_free(&column);

  /* Round trip of many shortest texts. */
  uint64_t state = 12345;
  int failures = 0;
  node(&n, "g", "random", 1, 0, 2);
  double one;
  n.buffers[1] = &one;
  CHECK_OK(init(&column, &n, &error), &error);
  for (int i = 0; i < 20000; i++) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    uint64_t bits64 = state;
    memcpy(&one, &bits64, 8);
    if (!isfinite(one)) continue;
    const char *got = text_of(&column, 0, NULL);
    if (strtod(got, NULL) != one || strlen(got) > 25) failures++;
  }
  CHECK(failures == 0);
  /* Typical magnitudes (the fast path): read back exactly and no longer
   * than the shortest %.Ng text that reads back. */
  failures = 0;
  for (int i = 0; i < 20000; i++) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    if (i % 2 == 0) {
      one = (double)(int64_t)(state >> 20) / 100.0;  /* cents */
    } else {
      uint64_t bits64 = (state >> 12) | ((uint64_t)(1023 - 23 + (state >> 58) * 2 % 93) << 52);
      memcpy(&one, &bits64, 8);
    }
    const char *got = text_of(&column, 0, NULL);
    int shortest = 17;
    for (int precision = 1; precision <= 17; precision++) {
      char reference[40];
      snprintf(reference, sizeof reference, "%.*e", precision - 1, one);
      if (strtod(reference, NULL) == one) {
        shortest = precision;
        break;
      }
    }
    int digits = 0, leading = 1;
    for (const char *at = got; *at != '\0' && *at != 'e'; at++) {
      if (*at >= '1' && *at <= '9') leading = 0;
      if (*at >= '0' && *at <= '9' && !leading) digits++;
    }
    /* trailing zeros of an integer part are not significant */
    const char *end = strchr(got, '.') == NULL && strchr(got, 'e') == NULL ? got + strlen(got) : NULL;
    while (end != NULL && end > got && end[-1] == '0' && digits > 1) {
      end--;
      digits--;
    }
    if (strtod(got, NULL) != one || digits != shortest) {
      if (failures++ < 3) fprintf(stderr, "shortest of %.17g: got '%s' (%d digits, want %d)\n",
                                  one, got, digits, shortest);
    }
  }
  CHECK(failures == 0);
  PrColumn_free(&column);
}

/* ---- Decimals ------------------------------------------------------------------------------ */

static void test_decimals(void) {
  PrError error;
  PrColumn column;
  Node n;
  static const char *const kValues[] = {
      "123456", "-50", "0", "1234565", "-1234565", "9995", "123456789", "7",
      "99999999999999999999999999999999999999", "-99999999999999999999999999999999999999",
      "170141183460469231731687303715884105727", "-170141183460469231731687303715884105728",
      "18446744073709551616", "-5"};
  enum { COUNT = sizeof kValues / sizeof kValues[0] };
  uint8_t storage[COUNT][16];
  for (int i = 0; i < COUNT; i++) dec128(storage[i], kValues[i]);
  node(&n, "d:38,2", "total", COUNT, 0, 2);
  n.buffers[1] = storage;
  CHECK_OK(init(&column, &n, &error), &error);
  CHECK(column.type == PR_ARROW_DECIMAL128 && column.decimal_precision == 38 &&
        column.decimal_scale == 2);
  PrFormatSpec money = number_format(2, ",", ".", "$", "");
  PrFormatSpec two = number_format(2, ",", ".", "", "");
  PrFormatSpec none = number_format(0, ",", ".", "", "");
  PrFormatSpec four = number_format(4, "", ",", "", " EUR");
  CHECK_TEXT(&column, 0, NULL, "1234.56");
  CHECK_TEXT(&column, 0, &money, "$1,234.56");
  CHECK_TEXT(&column, 0, &four, "1234,5600 EUR");
  CHECK_TEXT(&column, 1, NULL, "-0.50");
  CHECK_TEXT(&column, 1, &money, "-$0.50");
  CHECK_TEXT(&column, 2, &money, "$0.00");
  CHECK_TEXT(&column, 2, NULL, "0.00");
  CHECK_TEXT(&column, 3, &none, "12,346");     /* 12345.65 -> 12346 */
  CHECK_TEXT(&column, 4, &none, "-12,346");
  CHECK_TEXT(&column, 5, &none, "100");        /* 99.95 -> 100 */
  CHECK_TEXT(&column, 6, &money, "$1,234,567.89");
  CHECK_TEXT(&column, 7, NULL, "0.07");
  CHECK_TEXT(&column, 8, NULL, "999999999999999999999999999999999999.99");
  CHECK_TEXT(&column, 8, &two, "999,999,999,999,999,999,999,999,999,999,999,999.99");
  CHECK_TEXT(&column, 8, &none, "1,000,000,000,000,000,000,000,000,000,000,000,000");
  CHECK_TEXT(&column, 9, NULL, "-999999999999999999999999999999999999.99");
  CHECK_TEXT(&column, 10, NULL, "1701411834604692317316873037158841057.27");
  CHECK_TEXT(&column, 11, NULL, "-1701411834604692317316873037158841057.28");
  CHECK_TEXT(&column, 12, NULL, "184467440737095516.16");
  CHECK_TEXT(&column, 13, &none, "0");  /* -0.05 rounds to 0: no "-0" */
  double real = 0;
  CHECK(PrColumn_double(&column, 0, &real) && fabs(real - 1234.56) < 1e-9);
  CHECK(PrColumn_double(&column, 1, &real) && real == -0.5);
  PrColumn_free(&column);

  /* the same digits at other scales */
  node(&n, "d:10,0,128", "whole", COUNT, 0, 2);
  n.buffers[1] = storage;
  CHECK_OK(init(&column, &n, &error), &error);
  CHECK_TEXT(&column, 0, NULL, "123456");
  CHECK_TEXT(&column, 0, &two, "123,456.00");
  CHECK_TEXT(&column, 1, NULL, "-50");
  PrColumn_free(&column);
  node(&n, "d:10,8", "small", COUNT, 0, 2);
  n.buffers[1] = storage;
  CHECK_OK(init(&column, &n, &error), &error);
  CHECK_TEXT(&column, 0, NULL, "0.00123456");
  CHECK_TEXT(&column, 1, NULL, "-0.00000050");
  CHECK_TEXT(&column, 0, &two, "0.00");
  CHECK_TEXT(&column, 1, &two, "0.00");
  PrColumn_free(&column);
  node(&n, "d:5,-3", "thousands", COUNT, 0, 2);
  n.buffers[1] = storage;
  CHECK_OK(init(&column, &n, &error), &error);
  CHECK_TEXT(&column, 0, NULL, "123456000");
  CHECK_TEXT(&column, 0, &money, "$123,456,000.00");
  CHECK_TEXT(&column, 2, NULL, "0");
  PrColumn_free(&column);
  node(&n, "d:38,38", "tiny", COUNT, 0, 2);
  n.buffers[1] = storage;
  CHECK_OK(init(&column, &n, &error), &error);
  CHECK_TEXT(&column, 7, NULL, "0.00000000000000000000000000000000000007");
  CHECK_TEXT(&column, 8, NULL, "0.99999999999999999999999999999999999999");
  CHECK_TEXT(&column, 8, &two, "1.00");
  CHECK_TEXT(&column, 9, &two, "-1.00");
  PrColumn_free(&column);

  /* formats that are not decimal128 */
  node(&n, "d:39,2", "wide", 1, 0, 2);
  n.buffers[1] = storage;
  CHECK_BAD(&n, "precision 39");
  node(&n, "d:10,2,256", "wide", 1, 0, 2);
  CHECK_BAD(&n, "decimal256");
  node(&n, "d:10,2,64", "narrow", 1, 0, 2);
  CHECK_BAD(&n, "decimal64");
  node(&n, "d:10", "broken", 1, 0, 2);
  CHECK_BAD(&n, "malformed decimal");
  node(&n, "d:10,2,", "broken", 1, 0, 2);
  CHECK_BAD(&n, "malformed decimal");
  node(&n, "d:123456789,2", "broken", 1, 0, 2);
  CHECK_BAD(&n, "broken");
}

/* ---- Strings ------------------------------------------------------------------------------ */

static void test_strings(void) {
  PrError error;
  PrColumn column;
  Node n;
  int32_t offsets[6] = {0, 3, 8, 8, 8, 14};
  const char *data = "abchello" "worlds";
  uint8_t validity[1];
  bits(validity, "11101");
  node(&n, "u", "name", 4, 1, 3);
  n.buffers[0] = validity;
  n.buffers[1] = offsets;
  n.buffers[2] = data;
  CHECK_OK(init(&column, &n, &error), &error);
  const char *text;
  size_t size;
  CHECK(PrColumn_utf8(&column, 0, &text, &size) && size == 5 && memcmp(text, "hello", 5) == 0);
  CHECK(PrColumn_utf8(&column, 1, &text, &size) && size == 0);
  CHECK(PrColumn_isNull(&column, 2));
  CHECK_TEXT(&column, 3, NULL, "worlds");
  PrFormatSpec wrapped = number_format(2, ",", ".", "[", "]");
  CHECK_TEXT(&column, 0, &wrapped, "[hello]");
  PrFormatSpec date = date_format("%Y");
  CHECK_TEXT(&column, 0, &date, "<error 4>");
  int64_t value;
  CHECK(!PrColumn_int64(&column, 0, &value));
  PrColumn_free(&column);

  int64_t large_offsets[4] = {2, 4, 4, 9};
  node(&n, "U", "large", 3, 0, 3);
  n.buffers[1] = large_offsets;
  n.buffers[2] = "xxabcdefghij";
  CHECK_OK(init(&column, &n, &error), &error);
  CHECK(column.type == PR_ARROW_LARGE_UTF8);
  CHECK_TEXT(&column, 0, NULL, "ab");
  CHECK_TEXT(&column, 1, NULL, "");
  CHECK_TEXT(&column, 2, NULL, "cdefg");
  PrColumn_free(&column);

  /* no data buffer: fine while every visible string is empty */
  int32_t empty_offsets[3] = {0, 0, 0};
  node(&n, "u", "empty", 2, 0, 3);
  n.buffers[1] = empty_offsets;
  CHECK_OK(init(&column, &n, &error), &error);
  CHECK(PrColumn_utf8(&column, 1, &text, &size) && size == 0 && text != NULL);
  CHECK_TEXT(&column, 0, NULL, "");
  PrColumn_free(&column);
  node(&n, "u", "nodata", 4, 0, 3);
  n.buffers[1] = offsets;
  CHECK_BAD(&n, "data buffer is missing");

  /* empty arrays need no buffers at all */
  node(&n, "u", "none", 0, 0, 3);
  CHECK_OK(init(&column, &n, &error), &error);
  CHECK(column.length == 0);
  PrColumn_free(&column);
}

static void test_string_views(void) {
  PrError error;
  PrColumn column;
  Node n;
  const char *long_a = "this is a long string";        /* in buffer 0 at 0 */
  const char *buffer0 = "this is a long string";
  const char *buffer1 = "xyzanother long value!";       /* "another long value!" at 3 */
  uint8_t views[7][16];
  view(views[0], "skipped", 0, 0);
  view(views[1], "hello", 0, 0);
  view(views[2], long_a, 0, 0);
  view(views[3], "garbage view that is null", 99, -7);  /* null: never followed */
  view(views[4], "another long value!", 1, 3);
  view(views[5], "", 0, 0);
  view(views[6], "twelve chars", 0, 0);
  int64_t sizes[2] = {(int64_t)strlen(buffer0), (int64_t)strlen(buffer1)};
  uint8_t validity[1];
  bits(validity, "1110111");
  node(&n, "vu", "note", 6, 1, 5);
  n.buffers[0] = validity;
  n.buffers[1] = views;
  n.buffers[2] = buffer0;
  n.buffers[3] = buffer1;
  n.buffers[4] = sizes;
  CHECK_OK(init(&column, &n, &error), &error);
  CHECK(column.type == PR_ARROW_UTF8_VIEW && column.view_buffer_count == 2);
  CHECK_TEXT(&column, 0, NULL, "hello");
  CHECK_TEXT(&column, 1, NULL, "this is a long string");
  CHECK(PrColumn_isNull(&column, 2));
  const char *text;
  size_t size;
  CHECK(!PrColumn_utf8(&column, 2, &text, &size));
  CHECK_TEXT(&column, 3, NULL, "another long value!");
  CHECK_TEXT(&column, 4, NULL, "");
  CHECK_TEXT(&column, 5, NULL, "twelve chars");
  PrColumn_free(&column);

  /* broken views of valid rows */
  uint8_t bad[1][16];
  node(&n, "vu", "note", 1, 0, 5);
  n.buffers[1] = bad;
  n.buffers[2] = buffer0;
  n.buffers[3] = buffer1;
  n.buffers[4] = sizes;
  view(bad[0], "another long value!", 2, 0);
  CHECK_BAD(&n, "data buffer 2 of 2");
  view(bad[0], "another long value!", 1, 4);  /* one byte past the end */
  CHECK_BAD(&n, "lies outside");
  view(bad[0], "another long value!", 1, -1);
  CHECK_BAD(&n, "lies outside");
  view(bad[0], "x", 0, 0);
  int32_t negative = -3;
  memcpy(bad[0], &negative, 4);
  CHECK_BAD(&n, "has length -3");
  view(bad[0], "hello", 0, 0);
  n.buffers[4] = NULL;
  CHECK_BAD(&n, "sizes is missing");
  node(&n, "vu", "note", 1, 0, 2);
  n.buffers[1] = bad;
  CHECK_BAD(&n, "at least 3");
  /* no variadic buffers: inline views only */
  node(&n, "vu", "inline", 1, 0, 3);
  n.buffers[1] = bad;
  CHECK_OK(init(&column, &n, &error), &error);
  CHECK_TEXT(&column, 0, NULL, "hello");
  PrColumn_free(&column);
  view(bad[0], "another long value!", 0, 0);
  CHECK_BAD(&n, "data buffer 0 of 0");
}

/* ---- Dates and timestamps ------------------------------------------------------------------ */

static const char *const kMonthNames[12] = {"January", "February", "March", "April",
                                           "May", "June", "July", "August",
                                           "September", "October", "November", "December"};

static void test_dates(void) {
  PrError error;
  PrColumn column;
  Node n;
  int32_t days[] = {0, -1, 11016, 20517, -719162, 2932896, 2932897, -719163, 19417};
  node(&n, "tdD", "due", 9, 0, 2);
  n.buffers[1] = days;
  CHECK_OK(init(&column, &n, &error), &error);
  CHECK_TEXT(&column, 0, NULL, "1970-01-01");
  CHECK_TEXT(&column, 1, NULL, "1969-12-31");
  CHECK_TEXT(&column, 2, NULL, "2000-02-29");
  CHECK_TEXT(&column, 3, NULL, "2026-03-05");
  CHECK_TEXT(&column, 4, NULL, "0001-01-01");
  CHECK_TEXT(&column, 5, NULL, "9999-12-31");
  CHECK_TEXT(&column, 6, NULL, "10000-01-01");
  CHECK_TEXT(&column, 7, NULL, "0000-12-31");
  PrFormatSpec long_form = date_format("%e %B %Y");
  PrFormatSpec full = date_format("%A, %d %b %Y (%a) %m/%e %H:%M:%S 100%%");
  CHECK_TEXT(&column, 3, &long_form, "5 March 2026");
  CHECK_TEXT(&column, 3, &full, "Thursday, 05 Mar 2026 (Thu) 03/5 00:00:00 100%");
  CHECK_TEXT(&column, 1, &long_form, "31 December 1969");
  CHECK_TEXT(&column, 8, &full, "Wednesday, 01 Mar 2023 (Wed) 03/1 00:00:00 100%");
  PrFormatSpec unknown = date_format("%d %Q");
  CHECK_TEXT(&column, 0, &unknown, "<error 1>");
  CHECK(strstr(text_error.message, "%Q") != NULL && strstr(text_error.message, "due") != NULL);
  PrFormatSpec lone = date_format("%Y %");
  CHECK_TEXT(&column, 0, &lone, "<error 1>");
  PrFormatSpec empty = date_format("");
  CHECK_TEXT(&column, 2, &empty, "2000-02-29");
  PrFormatSpec money = number_format(2, ",", ".", "$", "");
  CHECK_TEXT(&column, 0, &money, "<error 4>");  /* a date is not a number */
  int64_t value;
  CHECK(PrColumn_int64(&column, 3, &value) && value == 20517);
  PrColumn_free(&column);

  /* every day from 1900 to 2100 against a plain day-by-day calendar */
  int32_t one_day;
  node(&n, "tdD", "walk", 1, 0, 2);
  n.buffers[1] = &one_day;
  CHECK_OK(init(&column, &n, &error), &error);
  static const int kMonthDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int year = 1900, month = 1, day = 1, weekday = 1;  /* 1900-01-01 was a Monday */
  int mismatches = 0;
  PrFormatSpec numeric = date_format("%Y-%m-%d %A %B %e");
  static const char *const kDayNames[7] = {"Sunday", "Monday", "Tuesday", "Wednesday",
                                           "Thursday", "Friday", "Saturday"};
  for (int32_t d = -25567; year <= 2100; d++) {
    one_day = d;
    char expected[80];
    snprintf(expected, sizeof expected, "%04d-%02d-%02d %s %s %d", year, month, day,
             kDayNames[weekday], kMonthNames[month - 1], day);
    if (strcmp(text_of(&column, 0, &numeric), expected) != 0 && mismatches++ < 3) {
      fprintf(stderr, "day %d: got '%s', expected '%s'\n", (int)d, text_result, expected);
    }
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    int length = kMonthDays[month - 1] + (month == 2 && leap ? 1 : 0);
    weekday = (weekday + 1) % 7;
    if (++day > length) {
      day = 1;
      if (++month > 12) {
        month = 1;
        year++;
      }
    }
  }
  CHECK(mismatches == 0);
  PrColumn_free(&column);

  int64_t millis[3] = {86400000LL * 11016, -1, 86400000LL * 20517 + 3600000LL * 13};
  node(&n, "tdm", "sent", 3, 0, 2);
  n.buffers[1] = millis;
  CHECK_OK(init(&column, &n, &error), &error);
  CHECK_TEXT(&column, 0, NULL, "2000-02-29");
  CHECK_TEXT(&column, 1, NULL, "1969-12-31");
  PrFormatSpec with_hour = date_format("%d.%m.%Y %H");
  CHECK_TEXT(&column, 2, &with_hour, "05.03.2026 13");
  PrColumn_free(&column);
}

static void test_timestamps(void) {
  PrError error;
  PrColumn column;
  Node n;
  int64_t seconds[3] = {0, -1, INT64_MIN};
  node(&n, "tss:", "at", 3, 0, 2);
  n.buffers[1] = seconds;
  CHECK_OK(init(&column, &n, &error), &error);
  CHECK(column.type == PR_ARROW_TIMESTAMP && column.time_unit == PR_TIME_SECOND &&
        !column.has_timezone);
  CHECK_TEXT(&column, 0, NULL, "1970-01-01 00:00:00");
  CHECK_TEXT(&column, 1, NULL, "1969-12-31 23:59:59");
  CHECK_TEXT(&column, 2, NULL, "-292277022657-01-27 08:29:52");
  PrColumn_free(&column);

  int64_t millis[2] = {-1, 1700000000123LL};
  node(&n, "tsm:", "at", 2, 0, 2);
  n.buffers[1] = millis;
  CHECK_OK(init(&column, &n, &error), &error);
  CHECK_TEXT(&column, 0, NULL, "1969-12-31 23:59:59");
  CHECK_TEXT(&column, 1, NULL, "2023-11-14 22:13:20");
  PrColumn_free(&column);

  int64_t micros[2] = {-1000001, 951782400000000LL};
  node(&n, "tsu:UTC", "at", 2, 0, 2);
  n.buffers[1] = micros;
  CHECK_OK(init(&column, &n, &error), &error);
  CHECK(column.time_unit == PR_TIME_MICRO && column.has_timezone);
  CHECK_TEXT(&column, 0, NULL, "1969-12-31 23:59:58");
  PrFormatSpec stamp = date_format("%H:%M:%S on %a %e %b %Y");
  CHECK_TEXT(&column, 1, &stamp, "00:00:00 on Tue 29 Feb 2000");
  PrColumn_free(&column);

  int64_t nanos[2] = {1700000000123456789LL, INT64_MIN};
  node(&n, "tsn:Europe/Paris", "at", 2, 0, 2);
  n.buffers[1] = nanos;
  CHECK_OK(init(&column, &n, &error), &error);
  CHECK(column.time_unit == PR_TIME_NANO);
  CHECK_TEXT(&column, 0, NULL, "2023-11-14 22:13:20");  /* shown as UTC */
  CHECK_TEXT(&column, 1, NULL, "1677-09-21 00:12:43");
  PrFormatSpec money = number_format(2, ",", ".", "$", "");
  CHECK_TEXT(&column, 0, &money, "<error 4>");
  int64_t value;
  CHECK(PrColumn_int64(&column, 0, &value) && value == 1700000000123456789LL);
  PrColumn_free(&column);

  node(&n, "tsx:", "at", 2, 0, 2);
  CHECK_BAD(&n, "unsupported Arrow format 'tsx:'");
  node(&n, "ts", "at", 2, 0, 2);
  CHECK_BAD(&n, "unsupported");
}

/* ---- Nested: structs, lists, list<struct> -------------------------------------------------- */

static void test_sliced_struct(void) {
  PrError error;
  PrColumn column;
  Node s, a, b;
  int64_t a_values[7] = {10, 11, 12, 13, 14, 15, 16};
  int32_t b_offsets[6] = {0, 1, 2, 3, 4, 5};
  uint8_t s_validity[1];
  bits(s_validity, "11101");
  node(&s, "+s", "record", 3, 2, 1);
  s.buffers[0] = s_validity;
  node(&a, "l", "a", 6, 1, 2);  /* its own offset as well */
  a.buffers[1] = a_values;
  node(&b, "u", "b", 5, 0, 3);
  b.buffers[1] = b_offsets;
  b.buffers[2] = "pqrst";
  add_child(&s, &a);
  add_child(&s, &b);
  CHECK_OK(init(&column, &s, &error), &error);
  CHECK(column.type == PR_ARROW_STRUCT && column.child_count == 2 && column.offset == 2);
  CHECK(strcmp(column.children[0].name, "a") == 0 && strcmp(column.children[1].name, "b") == 0);
  /* struct row r is child row offset + r; the child adds its own offset */
  int64_t value = 0;
  CHECK(PrColumn_int64(&column.children[0], column.offset + 0, &value) && value == 13);
  CHECK(PrColumn_int64(&column.children[0], column.offset + 2, &value) && value == 15);
  CHECK_TEXT(&column.children[1], column.offset + 0, NULL, "r");
  CHECK_TEXT(&column.children[1], column.offset + 2, NULL, "t");
  CHECK(!PrColumn_isNull(&column, 0) && PrColumn_isNull(&column, 1) && !PrColumn_isNull(&column, 2));
  CHECK_TEXT(&column, 0, NULL, "<error 4>");  /* a struct has no text */
  PrColumn_free(&column);
  CHECK(column.children == NULL);

  /* a child too short for the struct's offset + length */
  b.array.length = 4;
  CHECK_BAD(&s, "child 'b' has 4 rows");
  b.array.length = 5;
  /* schema and array disagree on the children */
  s.array.n_children = 1;
  CHECK_BAD(&s, "the schema has 2 children, the array 1");
  s.array.n_children = 2;
  /* a broken child is named with its parent */
  a.schema.format = "q";
  CHECK_BAD(&s, "column 'record.a': unsupported Arrow format 'q'");
  a.schema.format = "l";
  a.buffers[1] = NULL;
  CHECK_BAD(&s, "values buffer is missing");
  a.buffers[1] = a_values;
  s.array.n_buffers = 2;
  CHECK_BAD(&s, "struct array has 2 buffers, expected 1");
  s.array.n_buffers = 1;
  s.array_children[1] = NULL;
  CHECK_BAD(&s, "child 1 is NULL");
  s.array_children[1] = &b.array;
  CHECK_OK(init(&column, &s, &error), &error);
  PrColumn_free(&column);
}

static void test_list_of_struct(void) {
  PrError error;
  PrColumn column;
  Node list, item, desc, amount;
  int32_t list_offsets[5] = {0, 1, 3, 3, 5};
  uint8_t list_validity[1];
  bits(list_validity, "11111");
  node(&list, "+l", "lines", 3, 1, 2);
  list.buffers[0] = list_validity;
  list.buffers[1] = list_offsets;
  node(&item, "+s", "item", 5, 1, 1);
  node(&desc, "u", "desc", 6, 0, 3);
  int32_t desc_offsets[7] = {0, 2, 4, 6, 8, 10, 12};
  desc.buffers[1] = desc_offsets;
  desc.buffers[2] = "i0i1i2i3i4i5";
  node(&amount, "d:10,2", "amount", 6, 0, 2);
  uint8_t amounts[6][16];
  static const char *const kAmounts[6] = {"0", "100", "250", "-1999", "123456789", "5"};
  for (int i = 0; i < 6; i++) dec128(amounts[i], kAmounts[i]);
  amount.buffers[1] = amounts;
  add_child(&item, &desc);
  add_child(&item, &amount);
  add_child(&list, &item);
  CHECK_OK(init(&column, &list, &error), &error);
  CHECK(column.type == PR_ARROW_LIST && column.child_count == 1);
  const PrColumn *items = &column.children[0];
  CHECK(items->type == PR_ARROW_STRUCT && items->child_count == 2);
  int64_t start = -1, end = -1;
  CHECK(PrColumn_listRange(&column, 0, &start, &end) && start == 1 && end == 3);
  /* item i: grandchild row items->offset + i */
  PrFormatSpec money = number_format(2, ",", ".", "$", "");
  CHECK_TEXT(&items->children[0], items->offset + start, NULL, "i2");
  CHECK_TEXT(&items->children[1], items->offset + start, &money, "$2.50");
  CHECK_TEXT(&items->children[0], items->offset + start + 1, NULL, "i3");
  CHECK_TEXT(&items->children[1], items->offset + start + 1, &money, "-$19.99");
  CHECK(PrColumn_listRange(&column, 1, &start, &end) && start == 3 && end == 3);
  CHECK(PrColumn_listRange(&column, 2, &start, &end) && start == 3 && end == 5);
  CHECK_TEXT(&items->children[1], items->offset + 3, &money, "$1,234,567.89");
  CHECK_TEXT(&items->children[0], items->offset + 4, NULL, "i5");
  CHECK(!PrColumn_listRange(&column, 3, &start, &end));
  CHECK(!PrColumn_listRange(items, 0, &start, &end));
  CHECK_TEXT(&column, 0, NULL, "<error 4>");
  PrColumn_free(&column);

  /* offsets past the items, decreasing, negative */
  list_offsets[4] = 6;
  CHECK_BAD(&list, "reach 6, past the 5 items");
  list_offsets[4] = 2;
  CHECK_BAD(&list, "offsets decrease at row 2");
  list_offsets[4] = 5;
  list_offsets[1] = -1;
  CHECK_BAD(&list, "first list offset is negative");
  list_offsets[1] = 1;
  list.array.n_children = 0;
  list.schema.n_children = 0;
  CHECK_BAD(&list, "a list has 0 children, expected 1");
  list.array.n_children = 1;
  list.schema.n_children = 1;
  list.buffers[1] = NULL;
  CHECK_BAD(&list, "offsets buffer is missing");
  list.buffers[1] = list_offsets;

  /* large_list of int32 */
  Node big, leaf;
  int64_t big_offsets[3] = {0, 2, 3};
  int32_t leaf_values[3] = {7, 8, 9};
  node(&big, "+L", "big", 2, 0, 2);
  big.buffers[1] = big_offsets;
  node(&leaf, "i", "leaf", 3, 0, 2);
  leaf.buffers[1] = leaf_values;
  add_child(&big, &leaf);
  CHECK_OK(init(&column, &big, &error), &error);
  CHECK(PrColumn_listRange(&column, 1, &start, &end) && start == 2 && end == 3);
  CHECK_TEXT(&column.children[0], start, NULL, "9");
  PrColumn_free(&column);
}

/* ---- Dictionaries ----------------------------------------------------------------------------- */

static void test_dictionaries(void) {
  PrError error;
  PrColumn column;
  Node index, values;
  int32_t value_offsets[6] = {0, 1, 4, 7, 7, 10};
  uint8_t value_validity[1];
  bits(value_validity, "11101");
  node(&values, "u", "", 4, 1, 3);  /* sliced dictionary: x|EUR|USD|null|GBP */
  values.buffers[0] = value_validity;
  values.buffers[1] = value_offsets;
  values.buffers[2] = "xEURUSDGBP";
  int8_t indices[6] = {3, 0, 3, 2, 99, 1};
  uint8_t index_validity[1];
  bits(index_validity, "111101");
  node(&index, "c", "currency", 5, 1, 2);
  index.buffers[0] = index_validity;
  index.buffers[1] = indices;
  set_dictionary(&index, &values);
  CHECK_OK(init(&column, &index, &error), &error);
  CHECK(column.type == PR_ARROW_DICTIONARY && column.index_type == PR_ARROW_INT8);
  CHECK(column.dictionary != NULL && column.dictionary->type == PR_ARROW_UTF8);
  CHECK_TEXT(&column, 0, NULL, "EUR");
  CHECK_TEXT(&column, 1, NULL, "GBP");
  CHECK(PrColumn_isNull(&column, 2));  /* a valid index to a null value */
  CHECK(PrColumn_isNull(&column, 3));  /* a null index (99, unchecked) */
  CHECK_TEXT(&column, 3, NULL, "<error 1>");
  CHECK_TEXT(&column, 4, NULL, "USD");
  CHECK(PrColumn_dictionaryIndex(&column, 0) == 0 && PrColumn_dictionaryIndex(&column, 4) == 1);
  CHECK(PrColumn_dictionaryIndex(&column, 3) == -1 && PrColumn_dictionaryIndex(&column, 9) == -1);
  const char *text;
  size_t size;
  CHECK(PrColumn_utf8(&column, 1, &text, &size) && size == 3 && memcmp(text, "GBP", 3) == 0);
  CHECK(!PrColumn_utf8(&column, 3, &text, &size));
  PrColumn_free(&column);
  CHECK(column.dictionary == NULL);

  /* indices out of range, negative, of a non-integer type */
  indices[1] = 4;
  CHECK_BAD(&index, "dictionary index at row 0 is outside the 4 dictionary values");
  indices[1] = -1;
  CHECK_BAD(&index, "dictionary index at row 0");
  indices[1] = 0;
  index.schema.format = "g";
  CHECK_BAD(&index, "expected an integer type");
  index.schema.format = "c";
  index.array.dictionary = NULL;
  CHECK_BAD(&index, "has no dictionary");
  index.array.dictionary = &values.array;
  values.schema.format = "zz";
  CHECK_BAD(&index, "column 'currency' dictionary: unsupported Arrow format 'zz'");
  values.schema.format = "u";

  /* every index type, decimal values */
  uint8_t decimal_values[3][16];
  dec128(decimal_values[0], "-5");
  dec128(decimal_values[1], "123456789");
  dec128(decimal_values[2], "100");
  Node dec_values;
  node(&dec_values, "d:12,2", "amounts", 3, 0, 2);
  dec_values.buffers[1] = decimal_values;
  static const struct { const char *format; int width; } kIndexTypes[] = {
      {"c", 1}, {"C", 1}, {"s", 2}, {"S", 2}, {"i", 4}, {"I", 4}, {"l", 8}, {"L", 8}};
  PrFormatSpec money = number_format(2, ",", ".", "$", "");
  for (size_t t = 0; t < sizeof kIndexTypes / sizeof kIndexTypes[0]; t++) {
    uint8_t storage[3 * 8];
    memset(storage, 0, sizeof storage);
    int width = kIndexTypes[t].width;
    storage[0] = 1;          /* row 0 -> 1 */
    storage[width] = 0;      /* row 1 -> 0 */
    storage[2 * width] = 2;  /* row 2 -> 2 */
    node(&index, kIndexTypes[t].format, "price", 3, 0, 2);
    index.buffers[1] = storage;
    set_dictionary(&index, &dec_values);
    CHECK_OK(init(&column, &index, &error), &error);
    CHECK_TEXT(&column, 0, &money, "$1,234,567.89");
    CHECK_TEXT(&column, 1, &money, "-$0.05");
    CHECK_TEXT(&column, 2, NULL, "1.00");
    double real;
    CHECK(PrColumn_double(&column, 2, &real) && real == 1.0);
    PrColumn_free(&column);
    memset(storage + 2 * width, 0xFF, (size_t)width);  /* -1 or the type's maximum */
    CHECK_BAD(&index, "dictionary index at row 2");
  }
}

/* ---- Malformed arrays, the null type ------------------------------------------------------------- */

static void test_malformed(void) {
  PrError error;
  PrColumn column;
  Node n;
  int64_t values[4] = {1, 2, 3, 4};
  node(&n, "l", "qty", 3, 0, 2);
  n.buffers[1] = values;
  CHECK_OK(init(&column, &n, &error), &error);
  PrColumn_free(&column);
  PrColumn_free(&column);  /* twice is harmless */

  n.buffers[1] = NULL;
  CHECK_BAD(&n, "column 'qty': the values buffer is missing");
  n.buffers[1] = values;
  n.array.n_buffers = 3;
  CHECK_BAD(&n, "int64 array has 3 buffers, expected 2");
  n.array.n_buffers = 2;
  n.array.null_count = 2;
  CHECK_BAD(&n, "2 nulls but no validity buffer");
  n.array.null_count = 0;
  n.array.length = -1;
  CHECK_BAD(&n, "bad length");
  n.array.length = 3;
  n.array.offset = INT64_MAX - 1;
  CHECK_BAD(&n, "bad length");
  n.array.offset = 0;
  n.array.buffers = NULL;
  CHECK_BAD(&n, "buffer list is NULL");
  n.array.buffers = n.buffers;
  n.schema.format = NULL;
  CHECK_BAD(&n, "no format string");
  static const char *const kUnknown[] = {"z", "Z", "e", "+m", "+w:3", "tts", "+ud:0,1", "ll", ""};
  for (size_t i = 0; i < sizeof kUnknown / sizeof kUnknown[0]; i++) {
    n.schema.format = kUnknown[i];
    CHECK_BAD(&n, "unsupported Arrow format");
  }
  n.schema.format = "l";
  n.array.release = NULL;
  CHECK_BAD(&n, "released");
  n.array.release = release_array;
  /* a dictionary the schema does not declare */
  Node extra;
  node(&extra, "l", "", 1, 0, 2);
  extra.buffers[1] = values;
  n.array.dictionary = &extra.array;
  CHECK_BAD(&n, "does not declare");
  n.array.dictionary = NULL;
  /* a primitive with children */
  add_child(&n, &extra);
  CHECK_BAD(&n, "a int64 has 1 children, expected 0");
  CHECK_STATUS(PrColumn_init(&column, NULL, &n.array, &error), PR_EINVAL, &error);
  CHECK_STATUS(PrColumn_init(NULL, &n.schema, &n.array, &error), PR_EINVAL, &error);

  /* decreasing and negative string offsets */
  int32_t offsets[4] = {0, 3, 2, 5};
  node(&n, "u", "city", 3, 0, 3);
  n.buffers[1] = offsets;
  n.buffers[2] = "abcde";
  CHECK_BAD(&n, "column 'city': string offsets decrease at row 1 (3 then 2)");
  n.array.offset = 2;  /* past the bad spot: [2, 5] would be fine, but length 3 needs 4 */
  n.array.length = 1;
  CHECK_OK(init(&column, &n, &error), &error);
  CHECK_TEXT(&column, 0, NULL, "cde");
  PrColumn_free(&column);
  offsets[2] = -2;
  CHECK_BAD(&n, "first string offset is negative");

  /* the null type */
  node(&n, "n", "nothing", 4, 0, 0);
  n.array.buffers = NULL;
  CHECK_OK(init(&column, &n, &error), &error);
  CHECK(column.type == PR_ARROW_NA && PrColumn_isNull(&column, 0) && PrColumn_isNull(&column, 3));
  CHECK_TEXT(&column, 0, NULL, "<error 1>");
  PrColumn_free(&column);
  n.array.n_buffers = 1;  /* the legacy export with one NULL buffer */
  n.array.buffers = n.buffers;
  CHECK_OK(init(&column, &n, &error), &error);
  CHECK(PrColumn_isNull(&column, 2));
  PrColumn_free(&column);
  n.array.n_buffers = 2;
  CHECK_BAD(&n, "null array has 2 buffers, expected 0");

  /* nesting too deep for the stack guard, and just deep enough */
  enum { DEPTH = 40 };
  static Node chain[DEPTH];
  int64_t leaf_value = 42;
  for (int i = 0; i < DEPTH; i++) {
    if (i < DEPTH - 1) {
      node(&chain[i], "+s", "level", 1, 0, 1);
    } else {
      node(&chain[i], "l", "leaf", 1, 0, 2);
      chain[i].buffers[1] = &leaf_value;
    }
    if (i > 0) add_child(&chain[i - 1], &chain[i]);
  }
  CHECK_BAD(&chain[0], "nested deeper than");
  CHECK_OK(init(&column, &chain[DEPTH - 20], &error), &error);
  const PrColumn *walk = &column;
  while (walk->type == PR_ARROW_STRUCT) walk = &walk->children[0];
  CHECK_TEXT(walk, 0, NULL, "42");
  PrColumn_free(&column);
}

/* ---- Mutation fuzz --------------------------------------------------------------------------------- */

/* Calls every getter on a row and everything under it. */
static int touch(const PrColumn *column, int64_t row) {
  int touched = 1;
  const char *text;
  size_t size;
  int64_t integer;
  double real;
  if (PrColumn_utf8(column, row, &text, &size) && size > 0) {
    touched += text[0] == '\x7f' || text[size - 1] == '\x7f';  /* reads both ends */
  }
  PrColumn_int64(column, row, &integer);
  PrColumn_double(column, row, &real);
  PrColumn_isNull(column, row);
  PrColumn_dictionaryIndex(column, row);
  if (!PrColumn_isNull(column, row)) text_of(column, row, NULL);
  if (column->type == PR_ARROW_STRUCT) {
    for (int64_t i = 0; i < column->child_count; i++) {
      touched += touch(&column->children[i], column->offset + row);
    }
  }
  int64_t start, end;
  if (PrColumn_listRange(column, row, &start, &end)) {
    for (int64_t i = start; i < end; i++) touched += touch(&column->children[0], i);
  }
  return touched;
}

static void test_fuzz(void) {
  /* batch<views: utf8_view, tags: dictionary<int16, utf8>, lines: list<struct<n: int32>>> */
  Node batch, views, tags, tag_values, lines, line, number;
  const char *buffer0 = "0123456789abcdefghijklmnopqrstuvwxyz";
  int64_t sizes[1] = {36};
  uint8_t view_storage[8][16];
  for (int i = 0; i < 8; i++) view(view_storage[i], i % 2 ? "abcdefghijklmnopq" : "short", 0, i);
  int16_t tag_indices[8] = {0, 1, 2, 0, 1, 2, 0, 1};
  int32_t tag_offsets[4] = {0, 3, 6, 9};
  int32_t line_offsets[9] = {0, 1, 3, 3, 6, 7, 8, 9, 10};
  int32_t numbers[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  uint8_t validity[1];
  bits(validity, "11011111");
  node(&batch, "+s", "batch", 7, 1, 1);
  node(&views, "vu", "views", 8, 0, 4);
  views.buffers[0] = validity;
  views.buffers[1] = view_storage;
  views.buffers[2] = buffer0;
  views.buffers[3] = sizes;
  node(&tags, "s", "tags", 8, 0, 2);
  tags.buffers[0] = validity;
  tags.buffers[1] = tag_indices;
  node(&tag_values, "u", "", 3, 0, 3);
  tag_values.buffers[1] = tag_offsets;
  tag_values.buffers[2] = "onetwosix";
  set_dictionary(&tags, &tag_values);
  node(&lines, "+l", "lines", 8, 0, 2);
  lines.buffers[1] = line_offsets;
  node(&line, "+s", "line", 11, 1, 1);
  node(&number, "i", "n", 12, 0, 2);
  number.buffers[1] = numbers;
  add_child(&line, &number);
  add_child(&lines, &line);
  add_child(&batch, &views);
  add_child(&batch, &tags);
  add_child(&batch, &lines);

  PrColumn column;
  PrError error;
  CHECK_OK(init(&column, &batch, &error), &error);
  CHECK(touch(&column, 0) > 5);
  PrColumn_free(&column);

  /* Garble the bytes init promises to check; init must refuse or every
   * read must stay inside the buffers (AddressSanitizer watches). */
  struct { uint8_t *bytes; size_t size; } targets[3] = {
      {(uint8_t *)view_storage, sizeof view_storage},
      {(uint8_t *)tag_indices, sizeof tag_indices},
      {(uint8_t *)line_offsets, sizeof line_offsets}};
  uint8_t saved[3][128];
  for (int t = 0; t < 3; t++) memcpy(saved[t], targets[t].bytes, targets[t].size);
  uint64_t state = 99;
  int accepted = 0, refused = 0, other = 0;
  for (int iteration = 0; iteration < 3000; iteration++) {
    for (int flips = 0; flips < 1 + iteration % 2; flips++) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      int t = (int)((state >> 33) % 3);
      size_t at = (size_t)((state >> 40) % targets[t].size);
      /* small values half the time: they often pass the checks */
      targets[t].bytes[at] = (uint8_t)((state >> 20) & (iteration % 4 < 2 ? 0x0F : 0xFF));
    }
    PrStatus status = PrColumn_init(&column, &batch.schema, &batch.array, &error);
    if (status == PR_OK) {
      accepted++;
      for (int64_t row = 0; row < column.length; row++) touch(&column, row);
      PrColumn_free(&column);
    } else if (status == PR_EDATA) {
      refused++;
    } else {
      other++;
    }
    if (iteration % 2 == 1) {
      for (int t2 = 0; t2 < 3; t2++) memcpy(targets[t2].bytes, saved[t2], targets[t2].size);
    }
  }
  CHECK(other == 0 && accepted > 0 && refused > 0);
  printf("fuzz: %d accepted, %d refused\n", accepted, refused);
}

/* ---- Timings ---------------------------------------------------------------------------------------- */

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void bench(void) {
  enum { ROWS = 1024, ROUNDS = 300 };
  static uint8_t decimals[ROWS][16];
  static int32_t days[ROWS];
  uint64_t state = 7;
  for (int i = 0; i < ROWS; i++) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    char text[24];
    snprintf(text, sizeof text, "%s%llu", i % 5 == 0 ? "-" : "",
             (unsigned long long)(state >> 30) % 1000000000000ull);
    dec128(decimals[i], text);
    days[i] = (int32_t)(state % 40000) - 5000;
  }
  Node n_decimal, n_date;
  node(&n_decimal, "d:18,2", "amount", ROWS, 0, 2);
  n_decimal.buffers[1] = decimals;
  node(&n_date, "tdD", "date", ROWS, 0, 2);
  n_date.buffers[1] = days;
  PrColumn decimal_column, date_column;
  PrError error;
  CHECK_OK(init(&decimal_column, &n_decimal, &error), &error);
  CHECK_OK(init(&date_column, &n_date, &error), &error);
  PrFormatSpec money = number_format(2, ",", ".", "$", "");
  PrFormatSpec long_date = date_format("%e %B %Y");
  PrBuffer out;
  PrBuffer_init(&out);
  size_t total = 0;
  double start = now_ns();
  for (int round = 0; round < ROUNDS; round++) {
    PrBuffer_clear(&out);
    for (int64_t row = 0; row < ROWS; row++) {
      PrColumn_appendText(&decimal_column, row, &money, &out, &error);
    }
    total += out.size_bytes;
  }
  double decimal_ns = (now_ns() - start) / (ROWS * ROUNDS);
  start = now_ns();
  for (int round = 0; round < ROUNDS; round++) {
    PrBuffer_clear(&out);
    for (int64_t row = 0; row < ROWS; row++) {
      PrColumn_appendText(&date_column, row, &long_date, &out, &error);
    }
    total += out.size_bytes;
  }
  double date_ns = (now_ns() - start) / (ROWS * ROUNDS);
  CHECK(total > 0 && !out.failed);
  printf("bench: decimal '$1,234.56' %.1f ns, date '%%e %%B %%Y' %.1f ns per value\n",
         decimal_ns, date_ns);
  PrBuffer_free(&out);
  PrColumn_free(&decimal_column);
  PrColumn_free(&date_column);
}

int main(int argc, char **argv) {
  (void)argc;
  (void)argv;
  test_integers();
  test_bools();
  test_floats();
  test_decimals();
  test_strings();
  test_string_views();
  test_dates();
  test_timestamps();
  test_sliced_struct();
  test_list_of_struct();
  test_dictionaries();
  test_malformed();
  test_fuzz();
  bench();
  return check_summary("arrow");
}
