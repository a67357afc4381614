/* value_format.c: one Arrow value as text (PrColumn_appendText).
 *
 * Runs for every field of every record, so numbers and dates are laid out by
 * hand straight into the output buffer: one reserve, no snprintf, no
 * allocation. Numbers become a digit string with a decimal point position,
 * rounded there, and are then emitted with the sign, prefix, grouping,
 * decimal mark and suffix of the format. A locale's format (engine's
 * locales.py turns CLDR patterns into these parameters) adds group sizes,
 * a negative prefix and suffix, a power of ten (percent), and month and
 * weekday names; a zero-filled spec leaves them out. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arrow_load.h"
#include "arrow_view.h"
#include "error.h"

/* Digits of a decimal128 with its scale: up to 39 significant digits, 38
 * zeros of a scale past them (57 for a float's digits), a carry digit. */
#define DIGITS_BYTES 160
#define MAX_DECIMALS 38
#define MAX_SCALE_POWER 3  /* PrFormatSpec.scale_power: more zeros after a negative scale */

static const char kZeros[] =
    "0000000000000000000000000000000000000000000000000000000000000000";

/* ---- Number layout ------------------------------------------------------------ */

typedef struct Number {
  bool negative;
  /* digits[first .. first+count): the magnitude, `integer` of them before
   * the point; room before `first` for a carry. */
  char digits[DIGITS_BYTES];
  int first;
  int count;
  int integer;
} Number;

static const char kDigitPairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* Writes the magnitude of a 64-bit value as digits ending at digits+end,
 * two at a time (half the divisions). */
static int put_u64(char *digits, int end, uint64_t value) {
  int at = end;
  while (value >= 100) {
    unsigned pair = (unsigned)(value % 100) * 2;
    value /= 100;
    digits[--at] = kDigitPairs[pair + 1];
    digits[--at] = kDigitPairs[pair];
  }
  if (value >= 10) {
    digits[--at] = kDigitPairs[value * 2 + 1];
    digits[--at] = kDigitPairs[value * 2];
  } else {
    digits[--at] = (char)('0' + value);
  }
  return end - at;
}

/* A two's complement 128-bit value (magnitude over 64 bits) as digits:
 * four 32-bit limbs divided by 10^9 until nothing is left. */
static int put_u128(char *digits, int end, uint64_t high, uint64_t low) {
  if (high == 0) return put_u64(digits, end, low);
  uint32_t limbs[4] = {(uint32_t)(high >> 32), (uint32_t)high, (uint32_t)(low >> 32),
                       (uint32_t)low};
  int at = end;
  int top = 0;  /* first non-zero limb */
  while (limbs[top] == 0) top++;  /* high != 0: stops by limb 1 */
  while (top < 4) {
    uint64_t remainder = 0;
    for (int i = top; i < 4; i++) {
      uint64_t current = (remainder << 32) | limbs[i];
      limbs[i] = (uint32_t)(current / 1000000000u);
      remainder = current % 1000000000u;
    }
    while (top < 4 && limbs[top] == 0) top++;
    /* Nine digits per chunk, except that the leading chunk has no zeros. */
    uint32_t chunk = (uint32_t)remainder;
    if (top < 4) {
      for (int k = 0; k < 9; k++) {
        digits[--at] = (char)('0' + chunk % 10);
        chunk /= 10;
      }
    } else {
      do {
        digits[--at] = (char)('0' + chunk % 10);
        chunk /= 10;
      } while (chunk != 0);
    }
  }
  return end - at;
}

/* Sets an integer magnitude with `scale` digits after the point (scale < 0:
 * that many zeros after the digits). */
static void number_set(Number *number, bool negative, uint64_t high, uint64_t low,
                       int32_t scale) {
  /* Digits end at a fixed spot that leaves room for negative-scale zeros. */
  const int end = DIGITS_BYTES - MAX_DECIMALS - MAX_SCALE_POWER - 2;
  int count = put_u128(number->digits, end, high, low);
  int first = end - count;
  if (scale < 0) {
    bool zero = count == 1 && number->digits[first] == '0';
    if (!zero) {
      memcpy(number->digits + end, kZeros, (size_t)-scale);
      count += -scale;
    }
    scale = 0;
  }
  if (count <= scale) {
    /* 0.00ddd: zeros in front so that one digit stands before the point. */
    int pad = scale - count + 1;
    first -= pad;
    memcpy(number->digits + first, kZeros, (size_t)pad);
    count += pad;
  }
  number->negative = negative;
  number->first = first;
  number->count = count;
  number->integer = count - scale;
}

/* Rounds half away from zero (what billing systems expect, rather than
 * banker's rounding) to `decimals` digits after the point. */
static void number_round(Number *number, int decimals) {
  int fraction = number->count - number->integer;
  if (decimals < 0 || decimals >= fraction) return;
  int keep = number->integer + decimals;
  char *digits = number->digits + number->first;
  bool up = digits[keep] >= '5';
  number->count = keep;
  if (!up) return;
  int at = keep - 1;
  while (at >= 0 && digits[at] == '9') {
    digits[at] = '0';
    at--;
  }
  if (at >= 0) {
    digits[at]++;
  } else {
    /* 9.99 -> 10.0: a new leading digit in the carry room. */
    number->first--;
    number->digits[number->first] = '1';
    number->count++;
    number->integer++;
  }
}

/* strnlen (not in C11); the texts are a few bytes, a call costs more. */
static inline size_t text_length(const char *text, size_t capacity) {
  size_t size = 0;
  while (size < capacity && text[size] != '\0') size++;
  return size;
}

typedef struct Style {
  const char *thousands, *decimal, *prefix, *suffix, *negative_prefix, *negative_suffix;
  size_t thousands_bytes, decimal_bytes, prefix_bytes, suffix_bytes, negative_prefix_bytes,
      negative_suffix_bytes;
  int decimals;      /* rounded to this many; -1: as the value needs */
  int min_decimals;  /* padded to this many; trailing zeros dropped down to it */
  int grouping, grouping_next;  /* digits per group: next to the mark, further left */
  int scale_power;   /* the value x 10^scale_power */
  bool has_negative; /* negatives take the negative prefix and suffix, no "-" */
} Style;

static const Style kAutoStyle = {
    .thousands = "", .decimal = ".", .prefix = "", .suffix = "", .negative_prefix = "",
    .negative_suffix = "", .decimal_bytes = 1, .decimals = -1, .min_decimals = -1,
    .grouping = 3, .grouping_next = 3};

static Style style_of(const PrFormatSpec *format) {
  Style style;
  style.thousands = format->thousands;
  style.thousands_bytes = text_length(format->thousands, sizeof format->thousands);
  style.decimal = format->decimal;
  style.decimal_bytes = text_length(format->decimal, sizeof format->decimal);
  if (style.decimal_bytes == 0) {
    /* A zeroed spec still gets a readable number. */
    style.decimal = ".";
    style.decimal_bytes = 1;
  }
  style.prefix = format->prefix;
  style.prefix_bytes = text_length(format->prefix, sizeof format->prefix);
  style.suffix = format->suffix;
  style.suffix_bytes = text_length(format->suffix, sizeof format->suffix);
  style.min_decimals = format->decimals < 0 ? -1 : format->decimals;
  style.decimals = format->max_decimals > 0 ? format->max_decimals : style.min_decimals;
  style.grouping = format->grouping > 0 ? format->grouping : 3;
  style.grouping_next = format->grouping_next > 0 ? format->grouping_next : style.grouping;
  style.scale_power = format->scale_power <= MAX_SCALE_POWER ? format->scale_power : 0;
  style.has_negative = format->has_negative;
  style.negative_prefix = format->negative_prefix;
  style.negative_suffix = format->negative_suffix;
  style.negative_prefix_bytes = 0;
  style.negative_suffix_bytes = 0;
  if (style.has_negative) {
    style.negative_prefix_bytes =
        text_length(format->negative_prefix, sizeof format->negative_prefix);
    style.negative_suffix_bytes =
        text_length(format->negative_suffix, sizeof format->negative_suffix);
  }
  return style;
}

static inline char *put(char *out, const char *text, size_t size_bytes) {
  memcpy(out, text, size_bytes);
  return out + size_bytes;
}

/* A group separator and `size` digits. */
static inline char *put_group(char *at, const Style *style, const char *digits, int size) {
  if (style->thousands_bytes == 1) {
    *at++ = style->thousands[0];
  } else {
    at = put(at, style->thousands, style->thousands_bytes);
  }
  if (size == 3) {
    at[0] = digits[0];
    at[1] = digits[1];
    at[2] = digits[2];
    return at + 3;
  }
  return put(at, digits, (size_t)size);
}

/* Emits "-" prefix grouped-integer [mark fraction zeros] [exponent] suffix
 * (or negative-prefix ... negative-suffix); the fraction is padded with zeros
 * up to style->min_decimals, or trailing zeros dropped down to it. */
static void number_emit(const Number *number, const Style *style, int exponent, bool scientific,
                        PrBuffer *out) {
  const char *digits = number->digits + number->first;
  int integer = number->integer;
  int fraction = number->count - integer;
  if (style->min_decimals < style->decimals) {
    while (fraction > style->min_decimals && digits[integer + fraction - 1] == '0') fraction--;
  }
  int pad = style->min_decimals > fraction ? style->min_decimals - fraction : 0;
  bool zero = true;
  for (int i = 0; i < number->count && zero; i++) zero = digits[i] == '0';
  bool negative = number->negative && !zero;  /* never "-0.00" */
  bool minus = negative && !style->has_negative;
  const char *prefix = style->prefix, *suffix = style->suffix;
  size_t prefix_bytes = style->prefix_bytes, suffix_bytes = style->suffix_bytes;
  if (negative && style->has_negative) {
    prefix = style->negative_prefix;
    prefix_bytes = style->negative_prefix_bytes;
    suffix = style->negative_suffix;
    suffix_bytes = style->negative_suffix_bytes;
  }
  /* Groups: `grouping` digits next to the mark, `grouping_next` further
   * left; `head` digits lead (12,34,567: head 2, two separators). */
  int groups = 0, head = integer;
  bool threes = style->grouping == 3 && style->grouping_next == 3;
  if (style->thousands_bytes > 0 && integer > style->grouping) {
    if (threes) {
      groups = (integer - 1) / 3;  /* the common case: a division by a constant */
      head = integer - groups * 3;
    } else {
      int rest = integer - style->grouping;
      groups = (rest + style->grouping_next - 1) / style->grouping_next;
      head = rest - (groups - 1) * style->grouping_next;
    }
  }
  size_t size = (size_t)minus + prefix_bytes + (size_t)integer +
                (size_t)groups * style->thousands_bytes + suffix_bytes + 8;
  if (fraction + pad > 0) size += style->decimal_bytes + (size_t)(fraction + pad);
  if (!PrBuffer_reserve(out, size)) return;
  char *at = (char *)out->data + out->size_bytes;
  if (minus) *at++ = '-';  /* before the prefix: "-$1.00" */
  at = put(at, prefix, prefix_bytes);
  at = put(at, digits, (size_t)head);
  if (groups > 0 && threes) {
    for (int i = head; i < integer; i += 3) at = put_group(at, style, digits + i, 3);
  } else if (groups > 0) {
    int i = head;
    for (; i < integer - style->grouping; i += style->grouping_next) {
      at = put_group(at, style, digits + i, style->grouping_next);
    }
    at = put_group(at, style, digits + i, style->grouping);
  }
  if (fraction + pad > 0) {
    at = put(at, style->decimal, style->decimal_bytes);
    at = put(at, digits + integer, (size_t)fraction);
    at = put(at, kZeros, (size_t)pad);
  }
  if (scientific) {
    *at++ = 'e';
    *at++ = exponent < 0 ? '-' : '+';
    int magnitude = exponent < 0 ? -exponent : exponent;
    if (magnitude >= 100) *at++ = (char)('0' + magnitude / 100);
    if (magnitude >= 10) *at++ = (char)('0' + magnitude / 10 % 10);
    *at++ = (char)('0' + magnitude % 10);
  }
  at = put(at, suffix, suffix_bytes);
  out->size_bytes = (size_t)(at - (char *)out->data);
}

static void format_integer(bool negative, uint64_t magnitude, const Style *style,
                           PrBuffer *out) {
  Number number;
  number_set(&number, negative, 0, magnitude, -style->scale_power);
  number_emit(&number, style, 0, false, out);
}

static void format_decimal128(const uint8_t *value, int32_t scale, const Style *style,
                              PrBuffer *out) {
  uint64_t low;
  int64_t signed_high;
  PrLoad_decimal128(value, &low, &signed_high);
  uint64_t high = (uint64_t)signed_high;
  bool negative = signed_high < 0;
  if (negative) {
    /* Two's complement negation over 128 bits; -2^127 becomes 2^127. */
    low = ~low + 1;
    high = ~high + (low == 0 ? 1 : 0);
  }
  Number number;
  number_set(&number, negative, high, low, scale - style->scale_power);
  number_round(&number, style->decimals);
  number_emit(&number, style, 0, false, out);
}

static const double kPowersOfTen[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                      1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* The common case without snprintf: round to 15 significant digits and
 * drop trailing zeros. When n and 10^p are exact doubles (n < 2^53,
 * p <= 22) one division or product is correctly rounded, so comparing it
 * with the value proves the digits read back exactly; and no two 15-digit
 * decimals read back as the same double, so these are the shortest. Returns
 * 0 when the proof is not available (the caller takes the slow path). */
static int shortest_digits_fast(double value, char *digits, int *exponent) {
  if (!(value >= 1e-7 && value < 1e21)) return 0;
  int power = 14 - (int)floor(log10(value));  /* 15 digits: value * 10^power */
  double scaled = power >= 0 ? value * kPowersOfTen[power] : value / kPowersOfTen[-power];
  double rounded = round(scaled);
  if (rounded < 1e14 || rounded >= 1e15) return 0;  /* log10 one off: rare */
  uint64_t n = (uint64_t)rounded;
  while (n % 10 == 0) {
    n /= 10;
    power--;
  }
  if (power > 22 || power < -22) return 0;
  double back = power >= 0 ? (double)n / kPowersOfTen[power] : (double)n * kPowersOfTen[-power];
  if (back != value) return 0;
  char text[24];
  int count = put_u64(text, 24, n);
  memcpy(digits, text + 24 - count, (size_t)count);
  *exponent = count - 1 - power;
  return count;
}

/* Digits and exponent of the shortest text that reads back as `value`
 * (positive, finite): value = d1.d2d3... * 10^exponent. */
static int shortest_digits(double value, bool single, char *digits, int *exponent) {
  if (!single) {
    int count = shortest_digits_fast(value, digits, exponent);
    if (count > 0) return count;
  }
  char text[40];
  int low = single ? 6 : 15, high = single ? 9 : 17;
  for (int precision = low; precision <= high; precision++) {
    snprintf(text, sizeof text, "%.*e", precision - 1, value);
    if (precision == high) break;
    if (single ? strtof(text, NULL) == (float)value : strtod(text, NULL) == value) break;
  }
  /* d[.ddd]e[+-]xx; the mark may follow the C locale or another. */
  int count = 0;
  const char *at = text;
  for (; *at != '\0' && *at != 'e'; at++) {
    if (*at >= '0' && *at <= '9') digits[count++] = *at;
  }
  *exponent = *at == 'e' ? atoi(at + 1) : 0;
  while (count > 1 && digits[count - 1] == '0') count--;
  return count;
}

static void format_special(double value, PrBuffer *out) {
  PrBuffer_appendText(out, isnan(value) ? "NaN" : value < 0 ? "-Infinity" : "Infinity");
}

/* Shortest round-trip text: plain digits for exponents in [-6, 21), as
 * JavaScript does, else d.ddde+xx. */
static void format_float_shortest(double value, bool single, const Style *style,
                                  PrBuffer *out) {
  Number number;
  number.negative = signbit(value) != 0;
  double magnitude = fabs(value);
  if (magnitude == 0.0) {
    number_set(&number, number.negative, 0, 0, 0);
    number_emit(&number, style, 0, false, out);
    return;
  }
  char digits[24];
  int exponent;
  int count = shortest_digits(magnitude, single, digits, &exponent);
  exponent += style->scale_power;  /* percent: the same digits, the point moved */
  bool scientific = exponent >= 21 || exponent < -6;
  int start = 60;  /* room for a leading "0.00000" */
  char *at = number.digits + start;
  int integer;
  if (scientific) {
    integer = 1;
  } else if (exponent < 0) {
    int zeros = -exponent;  /* "0" and exponent-1 zeros after the point */
    start -= zeros;
    memcpy(number.digits + start, kZeros, (size_t)zeros);
    integer = 1;
  } else {
    integer = exponent + 1;
  }
  memcpy(at, digits, (size_t)count);
  int total = (int)(at - (number.digits + start)) + count;
  if (total < integer) {
    memcpy(number.digits + start + total, kZeros, (size_t)(integer - total));
    total = integer;
  }
  number.first = start;
  number.count = total;
  number.integer = integer;
  number_emit(&number, style, exponent, scientific, out);
}


/* magnitude * 10^power for 0 <= power (each factor up to 1e22 is exact). */
static double scale_up(double magnitude, int power) {
  while (power > 22) {
    magnitude *= 1e22;
    power -= 22;
  }
  return magnitude * kPowersOfTen[power];
}

/* Fixed decimals. A double holds 15 significant decimal digits reliably (a
 * float 7), and that is how the value was typed: the value is first taken to
 * that many digits, then rounded half away from zero to the wanted decimals,
 * so 2.675 gives 2.68 although its binary value is 2.67499999... Values with
 * more integer digits than that are shown exactly through the rare snprintf
 * path, and from 1e21 in exponent form (as JavaScript's toFixed does). */
static void format_float_fixed(double value, bool single, const Style *style, PrBuffer *out) {
  int decimals = style->decimals;
  int shift = style->scale_power;  /* percent: the point moves after the digits are taken */
  double magnitude = fabs(value);
  int significant = single ? 7 : 15;
  Number number;
  if (magnitude < kPowersOfTen[significant]) {
    int exponent = magnitude > 0 ? (int)floor(log10(magnitude)) : -400;
    if (exponent + shift < -decimals - 2) {
      /* Below a tenth of the last shown digit: zero. */
      number_set(&number, false, 0, 0, 0);
      number_emit(&number, style, 0, false, out);
      return;
    }
    /* log10 may be one off next to a power of ten: correct on the result. */
    int power = significant - 1 - exponent;
    double scaled = round(scale_up(magnitude, power));
    if (scaled >= kPowersOfTen[significant] && power > 0) {
      power--;
      scaled = round(scale_up(magnitude, power));
    } else if (scaled < kPowersOfTen[significant - 1]) {
      power++;
      scaled = round(scale_up(magnitude, power));
    }
    number_set(&number, value < 0, 0, (uint64_t)scaled, power - shift);
    number_round(&number, decimals);
    number_emit(&number, style, 0, false, out);
    return;
  }
  if (shift > 0) {
    /* Past 15 digits: the product is as exact as the value. */
    value *= kPowersOfTen[shift];
    magnitude = fabs(value);
  }
  if (magnitude >= 1e21) {
    Style shortest = *style;
    shortest.decimals = -1;
    shortest.min_decimals = -1;
    shortest.scale_power = 0;
    format_float_shortest(value, single, &shortest, out);
    return;
  }
  char text[96];  /* < 1e21: at most 21 integer digits, a mark, 38 decimals */
  snprintf(text, sizeof text, "%.*f", decimals, magnitude);
  Number *n = &number;
  n->negative = value < 0;
  n->first = 1;
  n->count = 0;
  n->integer = -1;
  for (const char *at = text; *at != '\0'; at++) {
    if (*at >= '0' && *at <= '9') {
      n->digits[n->first + n->count++] = *at;
    } else if (n->integer < 0) {
      n->integer = n->count;
    }
  }
  if (n->integer < 0) n->integer = n->count;
  number_emit(n, style, 0, false, out);
}

/* ---- Dates ---------------------------------------------------------------------- */

typedef struct Civil {
  int64_t year;
  int month, day, weekday;  /* 1..12, 1..31, 0 = Sunday */
  int hour, minute, second;
} Civil;

static inline int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Days since 1970-01-01 to a proleptic Gregorian date. The calendar is
 * counted in 400-year eras starting on March 1st, so the leap day falls at
 * the end of each counted year. */
static void civil_from_days(int64_t days, Civil *civil) {
  int64_t shifted = days + 719468;  /* days from 0000-03-01 */
  int64_t era = floor_div(shifted, 146097);
  int64_t day_of_era = shifted - era * 146097;                    /* 0..146096 */
  int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  int64_t month_index = (5 * day_of_year + 2) / 153;              /* 0 = March */
  civil->day = (int)(day_of_year - (153 * month_index + 2) / 5 + 1);
  civil->month = (int)(month_index < 10 ? month_index + 3 : month_index - 9);
  civil->year = year_of_era + era * 400 + (civil->month <= 2 ? 1 : 0);
  int64_t weekday = (days + 4) % 7;  /* 1970-01-01 was a Thursday */
  civil->weekday = (int)(weekday < 0 ? weekday + 7 : weekday);
}

static void civil_from_seconds(int64_t seconds, Civil *civil) {
  /* Floor division without a multiply that could overflow near INT64_MIN. */
  int64_t days = seconds / 86400;
  int64_t in_day = seconds % 86400;
  if (in_day < 0) {
    in_day += 86400;
    days--;
  }
  civil_from_days(days, civil);
  civil->hour = (int)(in_day / 3600);
  civil->minute = (int)(in_day / 60 % 60);
  civil->second = (int)(in_day % 60);
}

static const char *const kMonths[12] = {"January", "February", "March",     "April",
                                        "May",     "June",     "July",      "August",
                                        "September", "October", "November", "December"};
static const char *const kWeekdays[7] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                         "Thursday", "Friday", "Saturday"};

static inline char *put_two(char *at, int value) {
  at[0] = (char)('0' + value / 10);
  at[1] = (char)('0' + value % 10);
  return at + 2;
}

static char *put_year(char *at, int64_t year) {
  if (year >= 0 && year <= 9999) {
    at = put_two(at, (int)(year / 100));
    return put_two(at, (int)(year % 100));
  }
  char digits[24];
  uint64_t magnitude = year < 0 ? (uint64_t)0 - (uint64_t)year : (uint64_t)year;
  int count = put_u64(digits, 24, magnitude);
  if (year < 0) *at++ = '-';
  return put(at, digits + 24 - count, (size_t)count);
}

static char *put_day(char *at, int day) {
  if (day >= 10) *at++ = (char)('0' + day / 10);
  *at++ = (char)('0' + day % 10);
  return at;
}

/* The most one directive writes: a 20-digit year with its sign. */
#define DIRECTIVE_MAX_BYTES 24
/* The most one pattern byte writes: a name of up to PR_FORMAT_NAME_BYTES - 1
 * bytes for a two-byte directive, a year for two. */
#define PATTERN_BYTE_MAX_BYTES ((PR_FORMAT_NAME_BYTES + 1) / 2)

/* A name of the format (a locale's), or the English one. */
static inline char *put_name(char *at, const char *name, const char *english,
                             size_t english_bytes) {
  if (name != NULL && name[0] != '\0') {
    return put(at, name, text_length(name, PR_FORMAT_NAME_BYTES));
  }
  return put(at, english, english_bytes);
}

static PrStatus format_civil(const PrColumn *column, const Civil *civil, const char *pattern,
                             size_t pattern_bytes, bool with_time, const PrFormatSpec *names,
                             PrBuffer *out, PrError *error) {
  if (pattern_bytes == 0) {
    /* ISO: yyyy-mm-dd[ hh:mm:ss] */
    if (!PrBuffer_reserve(out, DIRECTIVE_MAX_BYTES + 16)) return PR_OK;
    char *at = (char *)out->data + out->size_bytes;
    at = put_year(at, civil->year);
    *at++ = '-';
    at = put_two(at, civil->month);
    *at++ = '-';
    at = put_two(at, civil->day);
    if (with_time) {
      *at++ = ' ';
      at = put_two(at, civil->hour);
      *at++ = ':';
      at = put_two(at, civil->minute);
      *at++ = ':';
      at = put_two(at, civil->second);
    }
    out->size_bytes = (size_t)(at - (char *)out->data);
    return PR_OK;
  }
  if (!PrBuffer_reserve(out, pattern_bytes * PATTERN_BYTE_MAX_BYTES)) return PR_OK;
  char *start = (char *)out->data + out->size_bytes;
  char *at = start;
  int month = civil->month - 1, weekday = civil->weekday;
  /* Two digits of the year, also before year 0 (-1 is 99). */
  int year2 = (int)(civil->year % 100);
  if (year2 < 0) year2 += 100;
  for (size_t i = 0; i < pattern_bytes; i++) {
    char c = pattern[i];
    if (c != '%') {
      *at++ = c;
      continue;
    }
    char directive = i + 1 < pattern_bytes ? pattern[++i] : '\0';
    bool unpadded = directive == '-';  /* %-m: no leading zero (GNU's flag) */
    if (unpadded) directive = i + 1 < pattern_bytes ? pattern[++i] : '\0';
    switch (directive) {
      case 'Y': if (unpadded) goto unknown; at = put_year(at, civil->year); break;
      case 'y': at = unpadded ? put_day(at, year2) : put_two(at, year2); break;
      case 'm': at = unpadded ? put_day(at, civil->month) : put_two(at, civil->month); break;
      case 'd': at = unpadded ? put_day(at, civil->day) : put_two(at, civil->day); break;
      case 'e': at = put_day(at, civil->day); break;
      case 'B':
        if (unpadded) goto unknown;
        at = put_name(at, names != NULL ? names->months[month] : NULL, kMonths[month],
                      strlen(kMonths[month]));
        break;
      case 'b':
        if (unpadded) goto unknown;
        at = put_name(at, names != NULL ? names->months_short[month] : NULL, kMonths[month], 3);
        break;
      case 'A':
        if (unpadded) goto unknown;
        at = put_name(at, names != NULL ? names->weekdays[weekday] : NULL, kWeekdays[weekday],
                      strlen(kWeekdays[weekday]));
        break;
      case 'a':
        if (unpadded) goto unknown;
        at = put_name(at, names != NULL ? names->weekdays_short[weekday] : NULL,
                      kWeekdays[weekday], 3);
        break;
      case 'H': at = unpadded ? put_day(at, civil->hour) : put_two(at, civil->hour); break;
      case 'M': at = unpadded ? put_day(at, civil->minute) : put_two(at, civil->minute); break;
      case 'S': at = unpadded ? put_day(at, civil->second) : put_two(at, civil->second); break;
      case '%': if (unpadded) goto unknown; *at++ = '%'; break;
      default:
      unknown:
        if (directive == '\0') {
          return PrError_set(error, PR_EINVAL,
                             "column '%.100s': date format '%.64s' ends with a lone '%%'",
                             column->name, pattern);
        }
        return PrError_set(error, PR_EINVAL,
                           "column '%.100s': unknown date directive '%%%s%c' in '%.64s' (known: "
                           "%%Y %%y %%m %%d %%e %%B %%b %%A %%a %%H %%M %%S %%%%, and %%-y %%-m "
                           "%%-d %%-H %%-M %%-S without a leading zero)",
                           column->name, unpadded ? "-" : "", directive, pattern);
    }
  }
  out->size_bytes += (size_t)(at - start);
  return PR_OK;
}

static const int64_t kUnitsPerSecond[4] = {1, 1000, 1000000, 1000000000};

static PrStatus format_temporal(const PrColumn *column, const uint8_t *values, int64_t at,
                                const char *pattern, size_t pattern_bytes,
                                const PrFormatSpec *names, PrBuffer *out, PrError *error) {
  Civil civil;
  memset(&civil, 0, sizeof civil);
  bool with_time = false;
  if (column->type == PR_ARROW_DATE32) {
    civil_from_days(PrLoad_i32(values + at * 4), &civil);
  } else if (column->type == PR_ARROW_DATE64) {
    /* Milliseconds, whole days by the spec; a time part is kept for %H. */
    civil_from_seconds(floor_div(PrLoad_i64(values + at * 8), 1000), &civil);
  } else {
    int64_t per_second = kUnitsPerSecond[column->time_unit & 3];
    civil_from_seconds(floor_div(PrLoad_i64(values + at * 8), per_second), &civil);
    with_time = true;
  }
  return format_civil(column, &civil, pattern, pattern_bytes, with_time, names, out, error);
}

/* ---- Entry point ----------------------------------------------------------------- */

static PrStatus append_value(const PrColumn *column, int64_t row, const PrFormatSpec *format,
                             PrBuffer *out, PrError *error) {
  uint8_t kind = format != NULL ? format->kind : PR_FORMAT_AUTO;
  Style style = kind == PR_FORMAT_NUMBER ? style_of(format) : kAutoStyle;
  if (style.decimals > MAX_DECIMALS) {
    return PrError_set(error, PR_EINVAL, "column '%.100s': %d decimals, at most %d",
                       column->name, style.decimals, MAX_DECIMALS);
  }
  int64_t at = column->offset + row;
  const uint8_t *values = column->values;
  PrArrowType type = column->type;
  bool temporal = type == PR_ARROW_DATE32 || type == PR_ARROW_DATE64 ||
                  type == PR_ARROW_TIMESTAMP;
  if (kind == PR_FORMAT_DATE && !temporal) {
    return PrError_set(error, PR_EDATA,
                       "column '%.100s' of type %s cannot take a date format (it needs a date "
                       "or timestamp)",
                       column->name, PrArrowType_name(type));
  }
  if (kind == PR_FORMAT_NUMBER && temporal) {
    return PrError_set(error, PR_EDATA,
                       "column '%.100s' of type %s cannot take a number format",
                       column->name, PrArrowType_name(type));
  }
  switch (type) {
    case PR_ARROW_INT8: case PR_ARROW_INT16: case PR_ARROW_INT32: case PR_ARROW_INT64:
    case PR_ARROW_UINT8: case PR_ARROW_UINT16: case PR_ARROW_UINT32: {
      int64_t value;
      PrColumn_int64(column, row, &value);
      format_integer(value < 0, value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value,
                     &style, out);
      return PR_OK;
    }
    case PR_ARROW_UINT64:
      format_integer(false, PrLoad_u64(values + at * 8), &style, out);
      return PR_OK;
    case PR_ARROW_FLOAT32:
    case PR_ARROW_FLOAT64: {
      double value;
      PrColumn_double(column, row, &value);
      if (!isfinite(value)) {
        format_special(value, out);
      } else if (style.decimals < 0) {
        format_float_shortest(value, type == PR_ARROW_FLOAT32, &style, out);
      } else {
        format_float_fixed(value, type == PR_ARROW_FLOAT32, &style, out);
      }
      return PR_OK;
    }
    case PR_ARROW_DECIMAL128:
      format_decimal128(values + at * 16, column->decimal_scale, &style, out);
      return PR_OK;
    case PR_ARROW_BOOL:
    case PR_ARROW_UTF8:
    case PR_ARROW_LARGE_UTF8:
    case PR_ARROW_UTF8_VIEW: {
      const char *text = "";
      size_t size_bytes = 0;
      if (type == PR_ARROW_BOOL) {
        bool value = PrLoad_bit(values, at);
        text = value ? "true" : "false";
        size_bytes = value ? 4 : 5;
      } else if (!PrColumn_utf8(column, row, &text, &size_bytes)) {
        return PrError_set(error, PR_EINVAL, "column '%.100s': row %lld is null", column->name,
                           (long long)row);
      }
      /* Number formats keep their prefix and suffix around text. */
      PrBuffer_append(out, style.prefix, style.prefix_bytes);
      PrBuffer_append(out, text, size_bytes);
      PrBuffer_append(out, style.suffix, style.suffix_bytes);
      return PR_OK;
    }
    case PR_ARROW_DATE32:
    case PR_ARROW_DATE64:
    case PR_ARROW_TIMESTAMP: {
      const char *pattern = kind == PR_FORMAT_DATE ? format->date : "";
      size_t pattern_bytes = kind == PR_FORMAT_DATE ? text_length(format->date, sizeof format->date)
                                                    : 0;
      return format_temporal(column, values, at, pattern, pattern_bytes,
                             kind == PR_FORMAT_DATE ? format : NULL, out, error);
    }
    default:
      return PrError_set(error, PR_EDATA, "column '%.100s' is a %s, which cannot be shown as text",
                         column->name, PrArrowType_name(type));
  }
}

PrStatus PrColumn_appendText(const PrColumn *column, int64_t row, const PrFormatSpec *format,
                             PrBuffer *out, PrError *error) {
  if (column == NULL || out == NULL) {
    return PrError_set(error, PR_EINVAL, "appendText: NULL column or buffer");
  }
  if (row < 0 || row >= column->length) {
    return PrError_set(error, PR_EINVAL, "column '%.100s': row %lld is outside its %lld rows",
                       column->name, (long long)row, (long long)column->length);
  }
  if (PrColumn_isNull(column, row)) {
    return PrError_set(error, PR_EINVAL, "column '%.100s': row %lld is null", column->name,
                       (long long)row);
  }
  if (column->type == PR_ARROW_DICTIONARY) {
    /* Init checked the index; the value is formatted as its own type. */
    row = PrColumn_dictionaryIndex(column, row);
    column = column->dictionary;
  }
  size_t before = out->size_bytes;
  PrStatus status = append_value(column, row, format, out, error);
  if (status != PR_OK && !out->failed) {
    out->size_bytes = before;  /* no half-written value */
  }
  return status;
}
