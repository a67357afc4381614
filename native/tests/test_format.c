/* test_format.c: formats by locale (value_format.c) and per-record format
 * variants (plan.c, inline_collect.c): group sizes, negative patterns,
 * percent, fraction digits from a minimum to a maximum, localized month and
 * weekday names, the strftime additions, and the variant lookup by a
 * record's key texts. The expected texts are what Babel (CLDR) formats for
 * the same parameters, with half-away-from-zero rounding.
 * Run: test_format <repo root>. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arrow_view.h"
#include "buffer.h"
#include "check.h"
#include "error.h"
#include "layout.h"
#include "plan.h"
#include "pressrun.h"

#define FONT_PATH "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#define NBSP "\xC2\xA0"
#define EURO "\xE2\x82\xAC"

/* ---- Arrays by hand ---------------------------------------------------------- */

static void release_schema(struct ArrowSchema *schema) { schema->release = NULL; }
static void release_array(struct ArrowArray *array) { array->release = NULL; }

typedef struct Node {
  struct ArrowSchema schema;
  struct ArrowArray array;
  const void *buffers[3];
} Node;

static void node(Node *n, const char *format, const char *name, int64_t length,
                 int64_t n_buffers) {
  memset(n, 0, sizeof *n);
  n->schema.format = format;
  n->schema.name = name;
  n->schema.release = release_schema;
  n->array.length = length;
  n->array.null_count = -1;
  n->array.n_buffers = n_buffers;
  n->array.buffers = n->buffers;
  n->array.release = release_array;
}

/* A decimal128 from decimal digits (two's complement, host order). */
static void dec128(uint8_t out[16], const char *text) {
  unsigned __int128 magnitude = 0;
  int negative = *text == '-';
  if (negative) text++;
  for (; *text != '\0'; text++) magnitude = magnitude * 10 + (unsigned)(*text - '0');
  if (negative) magnitude = ~magnitude + 1;
  memcpy(out, &magnitude, 16);
}

static char text_result[4096];

static const char *text_of(const PrColumn *column, int64_t row, const PrFormatSpec *format) {
  PrBuffer buffer;
  PrBuffer_init(&buffer);
  PrError error;
  error.message[0] = '\0';
  PrStatus status = PrColumn_appendText(column, row, format, &buffer, &error);
  if (status != PR_OK) {
    snprintf(text_result, sizeof text_result, "<error %d: %s>", (int)status, error.message);
  } else if (buffer.size_bytes >= sizeof text_result) {
    snprintf(text_result, sizeof text_result, "<too long>");
  } else {
    memcpy(text_result, buffer.data, buffer.size_bytes);
    text_result[buffer.size_bytes] = '\0';
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
      fprintf(stderr, "%s:%d: row %lld: got '%s', expected '%s'\n", __FILE__, __LINE__, \
              (long long)(row), got_, (expected));                                     \
    }                                                                                  \
  } while (0)

#define CHECK_CONTAINS(text, needle)                                                   \
  do {                                                                                 \
    if (strstr((text), (needle)) != NULL) {                                            \
      check_passed_count++;                                                            \
    } else {                                                                           \
      check_failed_count++;                                                            \
      fprintf(stderr, "%s:%d: '%s' lacks '%s'\n", __FILE__, __LINE__, (text), (needle)); \
    }                                                                                  \
  } while (0)

/* A number format as locales.py makes them. */
static PrFormatSpec number(int decimals, int max_decimals, const char *thousands,
                           const char *mark, const char *prefix, const char *suffix) {
  PrFormatSpec format;
  memset(&format, 0, sizeof format);
  format.kind = PR_FORMAT_NUMBER;
  format.decimals = (int8_t)decimals;
  format.max_decimals = (uint8_t)max_decimals;
  snprintf(format.thousands, sizeof format.thousands, "%s", thousands);
  snprintf(format.decimal, sizeof format.decimal, "%s", mark);
  snprintf(format.prefix, sizeof format.prefix, "%s", prefix);
  snprintf(format.suffix, sizeof format.suffix, "%s", suffix);
  return format;
}

static void negative(PrFormatSpec *format, const char *prefix, const char *suffix) {
  format->has_negative = true;
  snprintf(format->negative_prefix, sizeof format->negative_prefix, "%s", prefix);
  snprintf(format->negative_suffix, sizeof format->negative_suffix, "%s", suffix);
}

static void init_column(PrColumn *column, Node *n) {
  PrError error;
  CHECK_OK(PrColumn_init(column, &n->schema, &n->array, &error), &error);
}

/* ---- Numbers ------------------------------------------------------------------- */

static void test_currency_patterns(void) {
  int64_t ints[3] = {1234567, -5, 0};
  Node ni;
  node(&ni, "l", "amount", 3, 2);
  ni.buffers[1] = ints;
  PrColumn column;
  init_column(&column, &ni);

  /* de_DE, EUR: #,##0.00 ¤ */
  PrFormatSpec de = number(2, 0, ".", ",", "", NBSP EURO);
  negative(&de, "-", NBSP EURO);
  CHECK_TEXT(&column, 0, &de, "1.234.567,00" NBSP EURO);
  CHECK_TEXT(&column, 1, &de, "-5,00" NBSP EURO);
  CHECK_TEXT(&column, 2, &de, "0,00" NBSP EURO);
  /* nl_NL: ¤ #,##0.00;¤ -#,##0.00 */
  PrFormatSpec nl = number(2, 0, ".", ",", EURO NBSP, "");
  negative(&nl, EURO NBSP "-", "");
  CHECK_TEXT(&column, 0, &nl, EURO NBSP "1.234.567,00");
  CHECK_TEXT(&column, 1, &nl, EURO NBSP "-5,00");
  /* en_US accounting: ¤#,##0.00;(¤#,##0.00) */
  PrFormatSpec accounting = number(2, 0, ",", ".", "$", "");
  negative(&accounting, "($", ")");
  CHECK_TEXT(&column, 1, &accounting, "($5.00)");
  CHECK_TEXT(&column, 2, &accounting, "$0.00");
  PrColumn_free(&column);

  /* Decimals round half away from zero; a negative that rounds to zero
   * takes the positive pattern. */
  uint8_t decimals[3][16];
  dec128(decimals[0], "-1234565");
  dec128(decimals[1], "-4");
  dec128(decimals[2], "999999995");
  Node nd;
  node(&nd, "d:12,3", "amount", 3, 2);
  nd.buffers[1] = decimals;
  init_column(&column, &nd);
  CHECK_TEXT(&column, 0, &de, "-1.234,57" NBSP EURO);
  CHECK_TEXT(&column, 1, &de, "0,00" NBSP EURO);
  CHECK_TEXT(&column, 1, &accounting, "$0.00");
  CHECK_TEXT(&column, 2, &accounting, "$1,000,000.00");
  PrColumn_free(&column);

  double floats[2] = {-1234.5, 0.125};
  Node nf;
  node(&nf, "g", "amount", 2, 2);
  nf.buffers[1] = floats;
  init_column(&column, &nf);
  CHECK_TEXT(&column, 0, &accounting, "($1,234.50)");
  CHECK_TEXT(&column, 0, &nl, EURO NBSP "-1.234,50");
  /* JPY: no decimals */
  PrFormatSpec yen = number(0, 0, ",", ".", "\xC2\xA5", "");
  negative(&yen, "-\xC2\xA5", "");
  CHECK_TEXT(&column, 0, &yen, "-\xC2\xA5" "1,235");
  PrColumn_free(&column);

  /* Text values keep the positive affixes. */
  const char chars[] = "n/a";
  int32_t offsets[2] = {0, 3};
  Node ns;
  node(&ns, "u", "amount", 1, 3);
  ns.buffers[1] = offsets;
  ns.buffers[2] = chars;
  init_column(&column, &ns);
  CHECK_TEXT(&column, 0, &de, "n/a" NBSP EURO);
  PrColumn_free(&column);
}

static void test_grouping_sizes(void) {
  int64_t ints[7] = {1, 123, 1234, 12345, 123456, 1234567, -123456789};
  Node ni;
  node(&ni, "l", "n", 7, 2);
  ni.buffers[1] = ints;
  PrColumn column;
  init_column(&column, &ni);
  PrFormatSpec indian = number(0, 0, ",", ".", "", "");
  indian.grouping = 3;
  indian.grouping_next = 2;
  const char *expected[7] = {"1", "123", "1,234", "12,345", "1,23,456", "12,34,567",
                             "-12,34,56,789"};
  for (int i = 0; i < 7; i++) CHECK_TEXT(&column, i, &indian, expected[i]);
  /* A separator of several bytes, groups of 4 (as some patterns have). */
  PrFormatSpec four = number(0, 0, "\xE2\x80\xAF", ",", "", "");
  four.grouping = 4;
  CHECK_TEXT(&column, 6, &four, "-1\xE2\x80\xAF" "2345\xE2\x80\xAF" "6789");
  CHECK_TEXT(&column, 2, &four, "1234");
  PrColumn_free(&column);

  uint8_t decimals[3][16];
  dec128(decimals[0], "-12345678901234567890123456789012345678");
  dec128(decimals[1], "99999995");
  dec128(decimals[2], "99999999999999999999999999999999999999");
  Node nd;
  node(&nd, "d:38,2", "n", 3, 2);
  nd.buffers[1] = decimals;
  init_column(&column, &nd);
  PrFormatSpec indian2 = indian;
  indian2.decimals = 2;
  CHECK_TEXT(&column, 0, &indian2,
             "-1,23,45,67,89,01,23,45,67,89,01,23,45,67,89,01,23,456.78");
  PrFormatSpec indian1 = indian;
  indian1.decimals = 1;
  CHECK_TEXT(&column, 1, &indian1, "10,00,000.0");  /* 999999.95: the carry makes a group */
  CHECK_TEXT(&column, 2, &indian, "10,00,00,00,00,00,00,00,00,00,00,00,00,00,00,00,00,000");
  PrColumn_free(&column);
}

static void test_fraction_ranges(void) {
  /* #,##0.### : 0 to 3 decimals */
  PrFormatSpec pattern = number(0, 3, ",", ".", "", "");
  PrFormatSpec one_to_three = number(1, 3, ",", ".", "", "");
  uint8_t decimals[6][16];
  dec128(decimals[0], "12345000");  /* 1234.5000 */
  dec128(decimals[1], "20000");
  dec128(decimals[2], "4");
  dec128(decimals[3], "-4");
  dec128(decimals[4], "123456");
  dec128(decimals[5], "-99999");
  Node nd;
  node(&nd, "d:20,4", "n", 6, 2);
  nd.buffers[1] = decimals;
  PrColumn column;
  init_column(&column, &nd);
  CHECK_TEXT(&column, 0, &pattern, "1,234.5");
  CHECK_TEXT(&column, 1, &pattern, "2");
  CHECK_TEXT(&column, 2, &pattern, "0");
  CHECK_TEXT(&column, 3, &pattern, "0");
  CHECK_TEXT(&column, 4, &pattern, "12.346");
  CHECK_TEXT(&column, 5, &pattern, "-10");
  CHECK_TEXT(&column, 1, &one_to_three, "2.0");
  CHECK_TEXT(&column, 4, &one_to_three, "12.346");
  PrColumn_free(&column);

  double floats[5] = {1234.5678, 2.5, 1e-9, -0.0004, 2.0};
  Node nf;
  node(&nf, "g", "n", 5, 2);
  nf.buffers[1] = floats;
  init_column(&column, &nf);
  CHECK_TEXT(&column, 0, &pattern, "1,234.568");
  CHECK_TEXT(&column, 1, &pattern, "2.5");
  CHECK_TEXT(&column, 2, &pattern, "0");
  CHECK_TEXT(&column, 3, &pattern, "0");
  CHECK_TEXT(&column, 4, &one_to_three, "2.0");
  PrColumn_free(&column);

  int64_t ints[1] = {-7};
  Node ni;
  node(&ni, "l", "n", 1, 2);
  ni.buffers[1] = ints;
  init_column(&column, &ni);
  CHECK_TEXT(&column, 0, &pattern, "-7");
  CHECK_TEXT(&column, 0, &one_to_three, "-7.0");
  PrColumn_free(&column);
}

static void test_percent(void) {
  /* fr_FR: #,##0 % */
  PrFormatSpec percent = number(0, 0, "\xE2\x80\xAF", ",", "", NBSP "%");
  percent.scale_power = 2;
  PrFormatSpec two = percent;
  two.decimals = 2;
  double floats[6] = {0.256, -0.256, 0.125, 12345.678, 1e16, 0.0};
  Node nf;
  node(&nf, "g", "rate", 6, 2);
  nf.buffers[1] = floats;
  PrColumn column;
  init_column(&column, &nf);
  CHECK_TEXT(&column, 0, &percent, "26" NBSP "%");
  CHECK_TEXT(&column, 1, &percent, "-26" NBSP "%");
  CHECK_TEXT(&column, 2, &percent, "13" NBSP "%");  /* 12.5: half away from zero */
  CHECK_TEXT(&column, 0, &two, "25,60" NBSP "%");
  CHECK_TEXT(&column, 3, &percent, "1\xE2\x80\xAF" "234\xE2\x80\xAF" "568" NBSP "%");
  CHECK_TEXT(&column, 4, &percent,
             "1\xE2\x80\xAF" "000\xE2\x80\xAF" "000\xE2\x80\xAF" "000\xE2\x80\xAF"
             "000\xE2\x80\xAF" "000\xE2\x80\xAF" "000" NBSP "%");
  CHECK_TEXT(&column, 5, &percent, "0" NBSP "%");
  /* Shortest digits (no decimals set): the same digits, the point moved. */
  PrFormatSpec shortest = percent;
  shortest.decimals = -1;
  CHECK_TEXT(&column, 0, &shortest, "25,6" NBSP "%");
  PrColumn_free(&column);

  int64_t ints[2] = {3, -12};
  Node ni;
  node(&ni, "l", "rate", 2, 2);
  ni.buffers[1] = ints;
  init_column(&column, &ni);
  CHECK_TEXT(&column, 0, &percent, "300" NBSP "%");
  CHECK_TEXT(&column, 1, &two, "-1\xE2\x80\xAF" "200,00" NBSP "%");
  PrColumn_free(&column);

  uint8_t decimals[2][16];
  dec128(decimals[0], "12345");  /* 0.12345 */
  dec128(decimals[1], "1");
  Node nd;
  node(&nd, "d:10,5", "rate", 2, 2);
  nd.buffers[1] = decimals;
  init_column(&column, &nd);
  CHECK_TEXT(&column, 0, &two, "12,35" NBSP "%");
  CHECK_TEXT(&column, 1, &two, "0,00" NBSP "%");
  PrColumn_free(&column);

  /* The most zeros: a scale of -38 and per mille's three. */
  Node nz;
  node(&nz, "d:38,-38", "rate", 2, 2);
  nz.buffers[1] = decimals;
  init_column(&column, &nz);
  PrFormatSpec plain = number(0, 0, ",", ".", "", "%");
  plain.scale_power = 3;
  CHECK_TEXT(&column, 1, &plain,
             "100,000,000,000,000,000,000,000,000,000,000,000,000,000%");
  PrColumn_free(&column);
}

/* ---- Dates ---------------------------------------------------------------------- */

static PrFormatSpec date_format(const char *pattern) {
  PrFormatSpec format;
  memset(&format, 0, sizeof format);
  format.kind = PR_FORMAT_DATE;
  format.decimals = -1;
  snprintf(format.date, sizeof format.date, "%s", pattern);
  return format;
}

static void test_dates(void) {
  /* 2026-03-05 (a Thursday), 0005-01-09, -0001-12-31 */
  int32_t days[3] = {20517, -717693, -719529};
  Node nd;
  node(&nd, "tdD", "day", 3, 2);
  nd.buffers[1] = days;
  PrColumn column;
  init_column(&column, &nd);

  static const char *const months[12] = {"Januar", "Februar", "M\xC3\xA4rz", "April",
                                         "Mai", "Juni", "Juli", "August", "September",
                                         "Oktober", "November", "Dezember"};
  static const char *const weekdays[7] = {"Sonntag", "Montag", "Dienstag", "Mittwoch",
                                          "Donnerstag", "Freitag", "Samstag"};
  PrFormatSpec de = date_format("%A, %-d. %B %Y");
  for (int m = 0; m < 12; m++) snprintf(de.months[m], PR_FORMAT_NAME_BYTES, "%s", months[m]);
  for (int d = 0; d < 7; d++) snprintf(de.weekdays[d], PR_FORMAT_NAME_BYTES, "%s", weekdays[d]);
  CHECK_TEXT(&column, 0, &de, "Donnerstag, 5. M\xC3\xA4rz 2026");
  /* Short names not given: the English ones' first three letters. */
  PrFormatSpec shorts = de;
  snprintf(shorts.date, sizeof shorts.date, "%%a %%b|%%A");
  CHECK_TEXT(&column, 0, &shorts, "Thu Mar|Donnerstag");
  snprintf(shorts.months_short[2], PR_FORMAT_NAME_BYTES, "m\xC3\xA4r.");
  snprintf(shorts.weekdays_short[4], PR_FORMAT_NAME_BYTES, "Do.");
  CHECK_TEXT(&column, 0, &shorts, "Do. m\xC3\xA4r.|Donnerstag");

  PrFormatSpec numeric = date_format("%d.%m.%y|%-d/%-m/%-y|%e");
  CHECK_TEXT(&column, 0, &numeric, "05.03.26|5/3/26|5");
  CHECK_TEXT(&column, 1, &numeric, "09.01.05|9/1/5|9");
  CHECK_TEXT(&column, 2, &numeric, "31.12.99|31/12/99|31");

  /* The longest names, many times: the output reserve holds them. */
  PrFormatSpec longest = date_format("");
  char pattern[64];
  for (int i = 0; i < 31; i++) memcpy(pattern + 2 * i, "%B", 2);
  pattern[62] = '\0';
  snprintf(longest.date, sizeof longest.date, "%s", pattern);
  for (int m = 0; m < 12; m++) {
    memset(longest.months[m], 'a' + m, PR_FORMAT_NAME_BYTES - 1);
    longest.months[m][PR_FORMAT_NAME_BYTES - 1] = '\0';
  }
  const char *got = text_of(&column, 0, &longest);
  CHECK(strlen(got) == 31 * (PR_FORMAT_NAME_BYTES - 1) && got[0] == 'c');

  CHECK_CONTAINS(text_of(&column, 0, &(PrFormatSpec){.kind = PR_FORMAT_DATE, .date = "%-B"}),
                 "unknown date directive '%-B'");
  CHECK_CONTAINS(text_of(&column, 0, &(PrFormatSpec){.kind = PR_FORMAT_DATE, .date = "%Y %-"}),
                 "lone");
  PrColumn_free(&column);

  int64_t seconds[1] = {1772719629};  /* 2026-03-05 14:07:09 */
  Node nt;
  node(&nt, "tss:", "at", 1, 2);
  nt.buffers[1] = seconds;
  init_column(&column, &nt);
  PrFormatSpec time = date_format("%-H:%M:%S %-M %-S|%H");
  CHECK_TEXT(&column, 0, &time, "14:07:09 7 9|14");
  PrColumn_free(&column);
}

/* ---- Plan variants -------------------------------------------------------------- */

static PrFieldSpec field(const char *name) {
  PrFieldSpec spec;
  memset(&spec, 0, sizeof spec);
  spec.name = name;
  spec.format.decimals = -1;
  return spec;
}

static void test_variant_plan(void) {
  PrError error;
  PrPlan *plan = NULL;
  CHECK_OK(PrPlan_create(200, 200, &plan, &error), &error);
  uint32_t lang, ccy, amount, fee, page, rows, item;
  PrFieldSpec spec = field("lang");
  CHECK_OK(PrPlan_addField(plan, &spec, &lang, &error), &error);
  spec = field("ccy");
  CHECK_OK(PrPlan_addField(plan, &spec, &ccy, &error), &error);
  spec = field("page");
  spec.kind = PR_FIELD_PAGE;
  CHECK_OK(PrPlan_addField(plan, &spec, &page, &error), &error);
  spec = field("rows");
  spec.kind = PR_FIELD_LIST;
  CHECK_OK(PrPlan_addField(plan, &spec, &rows, &error), &error);
  spec = field("price");
  spec.is_item = true;
  spec.list_field = rows;
  CHECK_OK(PrPlan_addField(plan, &spec, &item, &error), &error);

  /* Keys must be record value fields added before. */
  spec = field("bad");
  spec.variant_key_count = 1;
  spec.variant_keys[0] = 99;
  CHECK(PrPlan_addField(plan, &spec, NULL, &error) == PR_EINVAL);
  spec.variant_keys[0] = page;
  CHECK(PrPlan_addField(plan, &spec, NULL, &error) == PR_EINVAL);
  spec.variant_keys[0] = item;
  CHECK(PrPlan_addField(plan, &spec, NULL, &error) == PR_EINVAL);
  spec.variant_key_count = 3;
  CHECK(PrPlan_addField(plan, &spec, NULL, &error) == PR_EINVAL);
  /* Bad new format members. */
  spec = field("bad");
  spec.format.kind = PR_FORMAT_NUMBER;
  spec.format.decimals = 2;
  spec.format.max_decimals = 2;
  CHECK(PrPlan_addField(plan, &spec, NULL, &error) == PR_EINVAL);
  spec.format.max_decimals = 0;
  spec.format.scale_power = 4;
  CHECK(PrPlan_addField(plan, &spec, NULL, &error) == PR_EINVAL);
  spec.format.scale_power = 0;
  spec.format.grouping = 10;
  CHECK(PrPlan_addField(plan, &spec, NULL, &error) == PR_EINVAL);

  spec = field("amount");
  spec.variant_key_count = 1;
  spec.variant_keys[0] = lang;
  CHECK_OK(PrPlan_addField(plan, &spec, &amount, &error), &error);
  spec = field("fee");
  spec.variant_key_count = 2;
  spec.variant_keys[0] = lang;
  spec.variant_keys[1] = ccy;
  CHECK_OK(PrPlan_addField(plan, &spec, &fee, &error), &error);

  PrFormatSpec format = number(2, 0, ",", ".", "", "");
  const char *keys[2] = {"de_DE", "EUR"};
  CHECK_OK(PrPlan_addFieldVariant(plan, fee, keys, &format, &error), &error);
  CHECK_OK(PrPlan_addFieldVariant(plan, amount, keys, &format, &error), &error);
  keys[1] = "USD";
  CHECK_OK(PrPlan_addFieldVariant(plan, fee, keys, &format, &error), &error);
  keys[0] = "fr_FR";
  CHECK_OK(PrPlan_addFieldVariant(plan, amount, keys, &format, &error), &error);
  CHECK_OK(PrPlan_addFieldVariant(plan, fee, keys, &format, &error), &error);
  /* Duplicates, a field without keys, a long key, a bad format. */
  CHECK(PrPlan_addFieldVariant(plan, amount, keys, &format, &error) == PR_EINVAL);
  CHECK_CONTAINS(error.message, "already");
  CHECK(PrPlan_addFieldVariant(plan, lang, keys, &format, &error) == PR_EINVAL);
  CHECK(PrPlan_addFieldVariant(plan, 1000, keys, &format, &error) == PR_EINVAL);
  const char *long_keys[2] = {"0123456789012345678901234567890123", "x"};
  CHECK(PrPlan_addFieldVariant(plan, amount, long_keys, &format, &error) == PR_EINVAL);
  PrFormatSpec bad = format;
  bad.scale_power = 9;
  CHECK(PrPlan_addFieldVariant(plan, amount, (const char *[]){"it_IT"}, &bad, &error) ==
        PR_EINVAL);

  /* A field's variants stay together in the order added. */
  const PrPlanField *a = &plan->fields[amount], *f = &plan->fields[fee];
  CHECK(a->variant_count == 2 && f->variant_count == 3);
  CHECK(strcmp(plan->variants[a->first_variant].keys[0], "de_DE") == 0);
  CHECK(strcmp(plan->variants[a->first_variant + 1].keys[0], "fr_FR") == 0);
  CHECK(strcmp(plan->variants[f->first_variant].keys[1], "EUR") == 0);
  CHECK(strcmp(plan->variants[f->first_variant + 1].keys[1], "USD") == 0);
  CHECK(strcmp(plan->variants[f->first_variant + 2].keys[0], "fr_FR") == 0);
  CHECK(plan->variant_count == 5);
  CHECK_OK(PrPlan_finish(plan, &error), &error);
  CHECK(PrPlan_addFieldVariant(plan, amount, (const char *[]){"en_AU"}, &format, &error) ==
        PR_EINVAL);
  PrPlan_destroy(plan);
}

static PrFont *load_font(void) {
  FILE *file = fopen(FONT_PATH, "rb");
  if (file == NULL) return NULL;
  fseek(file, 0, SEEK_END);
  long size = ftell(file);
  fseek(file, 0, SEEK_SET);
  uint8_t *data = malloc((size_t)size);
  size_t got = fread(data, 1, (size_t)size, file);
  fclose(file);
  PrFont *font = NULL;
  PrError error;
  if (got != (size_t)size || PrFont_create(data, got, 0, &font, &error) != PR_OK) font = NULL;
  free(data);
  return font;
}

/* The collected text of the layout as UTF-8. */
static const char *collected(const PrLayout *layout) {
  size_t at = 0;
  for (uint32_t i = 0; i < layout->char_count && at + 5 < sizeof text_result; i++) {
    uint32_t cp = layout->chars[i].codepoint;
    if (cp < 0x80) {
      text_result[at++] = (char)cp;
    } else if (cp < 0x800) {
      text_result[at++] = (char)(0xC0 | (cp >> 6));
      text_result[at++] = (char)(0x80 | (cp & 0x3F));
    } else {
      text_result[at++] = (char)(0xE0 | (cp >> 12));
      text_result[at++] = (char)(0x80 | ((cp >> 6) & 0x3F));
      text_result[at++] = (char)(0x80 | (cp & 0x3F));
    }
  }
  text_result[at] = '\0';
  return text_result;
}

static void test_variant_collect(bool dictionary, bool fallback) {
  PrFont *font = load_font();
  CHECK(font != NULL);
  if (font == NULL) return;
  PrError error;
  PrPlan *plan = NULL;
  CHECK_OK(PrPlan_create(200, 200, &plan, &error), &error);
  uint32_t regular, style, lang, amount, block;
  CHECK_OK(PrPlan_addFont(plan, font, &regular, &error), &error);
  PrColor black = {PR_COLOR_GRAY, {0, 0, 0, 0}};
  PrStyleSpec style_spec = {&regular, 1, 10.0f, 12.0f, black, true};
  CHECK_OK(PrPlan_addStyle(plan, &style_spec, &style, &error), &error);
  PrFieldSpec spec = field("lang");
  spec.required = false;
  CHECK_OK(PrPlan_addField(plan, &spec, &lang, &error), &error);
  spec = field("amount");
  spec.format = number(2, 0, ",", ".", "$", "");  /* the default: en_AU */
  spec.variant_key_count = 1;
  spec.variant_keys[0] = lang;
  spec.variant_fallback = fallback;
  CHECK_OK(PrPlan_addField(plan, &spec, &amount, &error), &error);
  PrFormatSpec de = number(2, 0, ".", ",", "", NBSP EURO);
  negative(&de, "-", NBSP EURO);
  PrFormatSpec fr = number(2, 0, "\xE2\x80\xAF", ",", "", NBSP EURO);
  CHECK_OK(PrPlan_addFieldVariant(plan, amount, (const char *[]){"de_DE"}, &de, &error), &error);
  CHECK_OK(PrPlan_addFieldVariant(plan, amount, (const char *[]){"fr_FR"}, &fr, &error), &error);
  CHECK_OK(PrPlan_addFieldVariant(plan, amount, (const char *[]){""}, &spec.format, &error),
           &error);
  PrBlockSpec block_spec;
  memset(&block_spec, 0, sizeof block_spec);
  block_spec.frame = PR_BLOCK_ABSOLUTE;
  block_spec.width_pt = 150;
  block_spec.wrap = true;
  CHECK_OK(PrPlan_addBlock(plan, &block_spec, &block, &error), &error);
  PrRunSpec run = {style, (int32_t)amount, NULL, 0};
  CHECK_OK(PrPlan_addRun(plan, block, &run, &error), &error);
  CHECK_OK(PrPlan_finish(plan, &error), &error);

  /* lang: de_DE, fr_FR, null, it_IT, de_DE (dictionary: indices into the values) */
  const char chars[] = "de_DEfr_FRit_IT";
  int32_t offsets[6] = {0, 5, 10, 10, 15, 20};
  const char dictionary_chars[] = "de_DEfr_FRit_IT";
  int32_t dictionary_offsets[4] = {0, 5, 10, 15};
  int32_t indices[5] = {0, 1, 0, 2, 0};
  char plain_chars[32];
  snprintf(plain_chars, sizeof plain_chars, "%sde_DE", chars);
  uint8_t validity[1] = {0x1B};  /* row 2 null */
  Node nl, nv;
  if (dictionary) {
    node(&nl, "i", "lang", 5, 2);
    nl.buffers[0] = validity;
    nl.buffers[1] = indices;
    node(&nv, "u", "", 3, 3);
    nv.buffers[1] = dictionary_offsets;
    nv.buffers[2] = dictionary_chars;
    nl.schema.dictionary = &nv.schema;
    nl.array.dictionary = &nv.array;
  } else {
    node(&nl, "u", "lang", 5, 3);
    nl.buffers[0] = validity;
    nl.buffers[1] = offsets;
    nl.buffers[2] = plain_chars;
  }
  int64_t amounts[5] = {-1234567, 1234567, 5, 7, 0};
  Node na;
  node(&na, "l", "amount", 5, 2);
  na.buffers[1] = amounts;
  PrColumn lang_column, amount_column;
  init_column(&lang_column, &nl);
  init_column(&amount_column, &na);
  const PrColumn *columns[2] = {&lang_column, &amount_column};

  PrLayout layout;
  CHECK_OK(PrLayout_init(&layout, plan, &error), &error);
  CHECK_OK(PrLayout_collect(&layout, block, columns, 0, &error), &error);
  CHECK(strcmp(collected(&layout), "-1.234.567,00" NBSP EURO) == 0);
  CHECK_OK(PrLayout_collect(&layout, block, columns, 1, &error), &error);
  CHECK(strcmp(collected(&layout), "1\xE2\x80\xAF" "234\xE2\x80\xAF" "567,00" NBSP EURO) == 0);
  CHECK_OK(PrLayout_collect(&layout, block, columns, 2, &error), &error);
  CHECK(strcmp(collected(&layout), "$5.00") == 0);  /* null locale: the "" variant */
  PrStatus status = PrLayout_collect(&layout, block, columns, 3, &error);
  if (fallback) {
    CHECK(status == PR_OK && strcmp(collected(&layout), "$7.00") == 0);
  } else {
    CHECK(status == PR_ERECORD && layout.error_field == (int32_t)amount);
    CHECK_CONTAINS(error.message, "field 'amount' has no format for lang 'it_IT'");
  }
  /* An absent key column reads as "". */
  const PrColumn *without[2] = {NULL, &amount_column};
  CHECK_OK(PrLayout_collect(&layout, block, without, 4, &error), &error);
  CHECK(strcmp(collected(&layout), "$0.00") == 0);
  /* A key column that is not text fails the record. */
  const PrColumn *numeric[2] = {&amount_column, &amount_column};
  CHECK(PrLayout_collect(&layout, block, numeric, 0, &error) == PR_ERECORD);
  CHECK_CONTAINS(error.message, "not text");
  PrLayout_free(&layout);
  PrColumn_free(&lang_column);
  PrColumn_free(&amount_column);
  PrPlan_destroy(plan);
  PrFont_destroy(font);
}

int main(int argc, char **argv) {
  (void)argc;
  (void)argv;
  test_currency_patterns();
  test_grouping_sizes();
  test_fraction_ranges();
  test_percent();
  test_dates();
  test_variant_plan();
  test_variant_collect(false, false);
  test_variant_collect(true, false);
  test_variant_collect(false, true);
  return check_summary("format");
}
