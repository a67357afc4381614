/* barcode_code128.c: Code 128 (ISO/IEC 15417) and GS1-128.
 *
 * Code set selection is a shortest-path choice over the three code sets:
 * for every position and current set the fewest symbol characters needed
 * for the rest of the data, with code set changes costing one character and
 * code set C taking digit pairs (and FNC1). The start character is chosen
 * the same way. Ties keep the current set, then prefer B, then C, then A.
 * The check character is the modulo-103 weighted sum. */
#include <string.h>

#include "barcode.h"
#include "error.h"
#include "pressrun.h"

/* Bar/space widths of the symbol characters 0..105 (6 elements, 11
 * modules) and the stop (7 elements, 13 modules). */
static const char CODE128_PATTERNS[106][7] = {
    "212222", "222122", "222221", "121223", "121322", "131222", "122213",
    "122312", "132212", "221213", "221312", "231212", "112232", "122132",
    "122231", "113222", "123122", "123221", "223211", "221132", "221231",
    "213212", "223112", "312131", "311222", "321122", "321221", "312212",
    "322112", "322211", "212123", "212321", "232121", "111323", "131123",
    "131321", "112313", "132113", "132311", "211313", "231113", "231311",
    "112133", "112331", "132131", "113123", "113321", "133121", "313121",
    "211331", "231131", "213113", "213311", "213131", "311123", "311321",
    "331121", "312113", "312311", "332111", "314111", "221411", "431111",
    "111224", "111422", "121124", "121421", "141122", "141221", "112214",
    "112412", "122114", "122411", "142112", "142211", "241211", "221114",
    "413111", "241112", "134111", "111242", "121142", "121241", "114212",
    "124112", "124211", "411212", "421112", "421211", "212141", "214121",
    "412121", "111143", "111341", "131141", "114113", "114311", "411113",
    "411311", "113141", "114131", "311141", "411131", "211412", "211214",
    "211232"};
static const char CODE128_STOP[] = "2331112";

enum { SET_A = 0, SET_B = 1, SET_C = 2, SET_COUNT = 3 };
#define CODE128_FNC1 102
#define CODE128_START_A 103
#define CODE128_CODE_A 101 /* in B and C */
#define CODE128_CODE_B 100 /* in A and C */
#define CODE128_CODE_C 99  /* in A and B */
#define CODE128_UNREACHABLE 0x3FFFFFFF
/* A marker for the FNC1 separator in the unit stream. */
#define UNIT_FNC1 (-1)

static int code128_switch_value(int from, int to) {
  (void)from;
  return to == SET_A ? CODE128_CODE_A : to == SET_B ? CODE128_CODE_B
                                                    : CODE128_CODE_C;
}

/* Whether position i can be encoded in `set`, and how many bytes that
 * consumes (0 when it cannot). */
static size_t code128_step(const int *units, size_t count, size_t i, int set) {
  int unit = units[i];
  if (unit == UNIT_FNC1) {
    return 1;
  }
  switch (set) {
    case SET_A:
      return unit < 96 ? 1 : 0;
    case SET_B:
      return unit >= 32 && unit < 128 ? 1 : 0;
    default:
      if (i + 1 < count && unit >= '0' && unit <= '9' && units[i + 1] >= '0' &&
          units[i + 1] <= '9') {
        return 2;
      }
      return 0;
  }
}

static int code128_value(const int *units, size_t i, int set) {
  int unit = units[i];
  if (unit == UNIT_FNC1) {
    return CODE128_FNC1;
  }
  if (set == SET_C) {
    return (unit - '0') * 10 + (units[i + 1] - '0');
  }
  if (set == SET_A) {
    return unit < 32 ? unit + 64 : unit - 32;
  }
  return unit - 32;
}

#define COST_CHAR 1024
#define CODE128_SHIFT 98
#define CHOICE_SHIFT 3
static const int CODE128_PREFERENCE[SET_COUNT] = {SET_C, SET_B, SET_A};

/* Cost of encoding unit i directly in set s and going on in s. */
static int code128_direct(const int *units, const uint8_t *long_run,
                          size_t n, size_t i, int s, int (*cost)[SET_COUNT]) {
  size_t step = code128_step(units, n, i, s);
  if (step == 0) {
    return CODE128_UNREACHABLE;
  }
  /* A penalty for each unit of a digit run of 4+ left out of set C and
   * for each digit of a shorter run packed in set C. */
  int penalty = 0;
  for (size_t k = i; k < i + step; k++) {
    if (units[k] != UNIT_FNC1 && (s == SET_C) != (long_run[k] != 0)) {
      penalty++;
    }
  }
  return COST_CHAR + penalty + cost[i + step][s];
}

/* The cheapest way on from unit i in set s: direct (choice = s), a shift
 * to the other of A/B for one unit (CHOICE_SHIFT), or a code set change
 * (choice = the new set). Ties keep the first: direct, a change to C, B,
 * A; shift wins a tie for a character the current set can resume after. */
static int code128_best(const int *units, size_t n, size_t i, int s,
                        const int direct[SET_COUNT], int (*cost)[SET_COUNT],
                        int *choice) {
  int best = direct[s];
  *choice = s;
  for (int p = 0; p < SET_COUNT; p++) {
    int t = CODE128_PREFERENCE[p];
    if (t != s && direct[t] < CODE128_UNREACHABLE &&
        direct[t] + COST_CHAR < best) {
      best = direct[t] + COST_CHAR;
      *choice = t;
    }
  }
  if (s != SET_C && units[i] != UNIT_FNC1) {
    int other = s == SET_A ? SET_B : SET_A;
    if (code128_step(units, n, i, s) == 0 &&
        code128_step(units, n, i, other) != 0) {
      int shifted = 2 * COST_CHAR + cost[i + 1][s];
      /* On a tie, shift for a lone character, change for a run. */
      int lone = i + 1 == n || code128_step(units, n, i + 1, s) != 0;
      if (shifted < best || (shifted == best && lone)) {
        best = shifted;
        *choice = CHOICE_SHIFT;
      }
    }
  }
  return best;
}

PrStatus PrCode128_encode(const char *data, size_t data_bytes, uint32_t flags,
                          uint8_t *out_widths, size_t widths_capacity,
                          size_t *out_width_count, uint32_t *out_total_modules,
                          PrError *error) {
  char byte_text[8];
  if ((data == NULL && data_bytes > 0) || out_widths == NULL) {
    return PrError_set(error, PR_EINVAL,
                       "Code 128: data and output are required");
  }
  int gs1 = (flags & PR_CODE128_GS1) != 0;
  if (data_bytes == 0 && !gs1) {
    return PrError_set(error, PR_EINVAL, "Code 128: the data is empty");
  }
  if (data_bytes > PR_CODE128_MAX_DATA) {
    return PrError_set(error, PR_ELIMIT,
                       "Code 128: %zu bytes of data is more than the %d a "
                       "symbol may carry here",
                       data_bytes, PR_CODE128_MAX_DATA);
  }
  size_t needed = PR_CODE128_MAX_ELEMENTS(data_bytes);
  if (widths_capacity < needed) {
    return PrError_set(error, PR_EINVAL,
                       "Code 128: the output needs room for %zu elements, got "
                       "%zu",
                       needed, widths_capacity);
  }
  /* Units: one per data byte (a GS becomes FNC1 in GS1 mode), after a
   * leading FNC1 in GS1 mode. */
  int units[PR_CODE128_MAX_DATA + 1];
  int cost[PR_CODE128_MAX_DATA + 2][SET_COUNT];
  size_t n = 0;
  if (gs1) {
    units[n++] = UNIT_FNC1;
  }
  for (size_t i = 0; i < data_bytes; i++) {
    unsigned char byte = (unsigned char)data[i];
    if (byte >= 128) {
      return PrError_set(error, PR_EINVAL,
                         "Code 128: character %zu (%s) is not ASCII", i + 1,
                         pr_barcode_byte_text(byte, byte_text));
    }
    if (gs1 && byte == 0x1D) {
      if (i == 0 || i + 1 == data_bytes) {
        return PrError_set(error, PR_EINVAL,
                           "Code 128: GS1 separator (GS) at character %zu "
                           "cannot start or end the data",
                           i + 1);
      }
      units[n++] = UNIT_FNC1;
    } else {
      units[n++] = byte;
    }
  }

  /* long_run[i]: unit i is a digit in a run of four or more digits. */
  uint8_t long_run[PR_CODE128_MAX_DATA + 1];
  for (size_t i = 0; i < n;) {
    size_t end = i;
    while (end < n && units[end] >= '0' && units[end] <= '9') {
      end++;
    }
    if (end == i) {
      long_run[i++] = 0;
      continue;
    }
    for (size_t k = i; k < end; k++) {
      long_run[k] = end - i >= 4;
    }
    i = end;
  }

  /* cost[i][s]: the cheapest encoding of units[i..n) with set s current,
   * as (symbol characters) * COST_CHAR + penalty: the fewest characters,
   * and among those set C for the digit runs of four or more only. */
  for (int s = 0; s < SET_COUNT; s++) {
    cost[n][s] = 0;
  }
  for (size_t i = n; i-- > 0;) {
    int direct[SET_COUNT];
    for (int s = 0; s < SET_COUNT; s++) {
      direct[s] = code128_direct(units, long_run, n, i, s, cost);
    }
    for (int s = 0; s < SET_COUNT; s++) {
      int choice;
      cost[i][s] = code128_best(units, n, i, s, direct, cost, &choice);
    }
  }

  /* Start set: the cheapest, preferring C, then B, then A. */
  int set = -1;
  int best = CODE128_UNREACHABLE;
  for (int p = 0; p < SET_COUNT; p++) {
    int s = CODE128_PREFERENCE[p];
    if (cost[0][s] < best) {
      best = cost[0][s];
      set = s;
    }
  }
  if (set < 0) {
    return PrError_set(error, PR_EINTERNAL, "Code 128: no start code set");
  }

  int values[2 * (PR_CODE128_MAX_DATA + 1) + 2];
  size_t value_count = 0;
  values[value_count++] = CODE128_START_A + set;
  size_t i = 0;
  while (i < n) {
    int direct[SET_COUNT];
    for (int s = 0; s < SET_COUNT; s++) {
      direct[s] = code128_direct(units, long_run, n, i, s, cost);
    }
    int choice;
    code128_best(units, n, i, set, direct, cost, &choice);
    if (choice == CHOICE_SHIFT) {
      values[value_count++] = CODE128_SHIFT;
      values[value_count++] = code128_value(units, i, set == SET_A ? SET_B
                                                                    : SET_A);
      i += 1;
      continue;
    }
    if (choice != set) {
      values[value_count++] = code128_switch_value(set, choice);
      set = choice;
    }
    values[value_count++] = code128_value(units, i, set);
    i += code128_step(units, n, i, set);
  }
  long checksum = values[0];
  for (size_t k = 1; k < value_count; k++) {
    checksum += (long)k * values[k];
  }
  values[value_count++] = (int)(checksum % 103);

  size_t width_count = 0;
  uint32_t total = 0;
  for (size_t k = 0; k < value_count; k++) {
    for (int e = 0; e < 6; e++) {
      uint8_t width = (uint8_t)(CODE128_PATTERNS[values[k]][e] - '0');
      out_widths[width_count++] = width;
      total += width;
    }
  }
  for (int e = 0; e < 7; e++) {
    uint8_t width = (uint8_t)(CODE128_STOP[e] - '0');
    out_widths[width_count++] = width;
    total += width;
  }
  if (out_width_count != NULL) {
    *out_width_count = width_count;
  }
  if (out_total_modules != NULL) {
    *out_total_modules = total;
  }
  return PR_OK;
}
