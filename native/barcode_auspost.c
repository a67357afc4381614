/* barcode_auspost.c: the Australia Post 4-state customer barcode.
 *
 * Layout (Customer Barcoding Technical Specifications): start bars (A T),
 * the format control code (2 digits, N table), the delivery point
 * identifier (8 digits, N table), customer information for the customer
 * barcodes 2 and 3 (N table, 2 bars a digit, or C table, 3 bars a
 * character), filler trackers up to the fixed length, four Reed-Solomon
 * parity symbols (3 bars each) and the stop bars (A T).
 *
 * Bar values: 0 full, 1 ascender, 2 descender, 3 tracker. The Reed-Solomon
 * code works on symbols of three bars (a base-4 number 0..63) over GF(64)
 * with the primitive polynomial x^6 + x + 1 and the generator
 * (x - a)(x - a^2)(x - a^3)(x - a^4), a = x, i.e.
 * x^4 + 30x^3 + 29x^2 + 17x + 48 (built below from its roots). */
#include <string.h>

#include "barcode.h"
#include "error.h"
#include "pressrun.h"

/* N encoding table: two bars per digit. */
static const char AUSPOST_N_TABLE[10][3] = {"00", "01", "02", "10", "11",
                                            "12", "20", "21", "22", "30"};

/* C encoding table: three bars per character of AUSPOST_C_CHARACTERS. */
static const char AUSPOST_C_CHARACTERS[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz #";
static const char AUSPOST_C_TABLE[64][4] = {
    /* A-Z */
    "000", "001", "002", "010", "011", "012", "020", "021", "022", "100",
    "101", "102", "110", "111", "112", "120", "121", "122", "200", "201",
    "202", "210", "211", "212", "220", "221",
    /* 0-9 */
    "222", "300", "301", "302", "310", "311", "312", "320", "321", "322",
    /* a-z */
    "023", "030", "031", "032", "033", "103", "113", "123", "130", "131",
    "132", "133", "203", "213", "223", "230", "231", "232", "233", "303",
    "313", "323", "330", "331", "332", "333",
    /* space, # */
    "003", "013"};

#define AUSPOST_RS_PARITY 4
static uint8_t auspost_gf_multiply(uint8_t a, uint8_t b) {
  uint8_t product = 0;
  while (b != 0) {
    if (b & 1) {
      product ^= a;
    }
    b >>= 1;
    a = (uint8_t)(a << 1);
    if (a & 0x40) {
      a ^= 0x43; /* x^6 + x + 1 */
    }
  }
  return product;
}

/* generator[k] is the coefficient of x^(3-k) of the monic generator. */
static void auspost_rs_generator(uint8_t generator[AUSPOST_RS_PARITY]) {
  uint8_t poly[AUSPOST_RS_PARITY + 1] = {1, 0, 0, 0, 0}; /* poly[i]: x^i */
  uint8_t root = 1;
  for (int r = 0; r < AUSPOST_RS_PARITY; r++) {
    root = auspost_gf_multiply(root, 2);
    /* poly *= (x + root) */
    for (int i = r + 1; i >= 0; i--) {
      uint8_t shifted = i > 0 ? poly[i - 1] : 0;
      poly[i] = shifted ^ auspost_gf_multiply(poly[i], root);
    }
  }
  for (int k = 0; k < AUSPOST_RS_PARITY; k++) {
    generator[k] = poly[AUSPOST_RS_PARITY - 1 - k];
  }
}

typedef struct AusPostFormat {
  const char *fcc;
  size_t bars;          /* total, start and stop included */
  size_t max_n_digits;  /* customer information capacity in N encoding */
  size_t max_c_chars;   /* ... in C encoding */
} AusPostFormat;

static const AusPostFormat AUSPOST_FORMATS[] = {
    {"11", 37, 0, 0},  /* standard customer barcode */
    {"45", 37, 0, 0},  /* reply paid */
    {"87", 37, 0, 0},  /* routing */
    {"92", 37, 0, 0},  /* redirection */
    {"59", 52, 8, 5},  /* customer barcode 2 */
    {"62", 67, 15, 10} /* customer barcode 3 */
};

PrStatus PrAusPost_encode(const char *fcc, const char *dpid,
                          const char *customer, char encoding,
                          char *out_bars, size_t bars_capacity,
                          size_t *out_bar_count, PrError *error) {
  char byte_text[8];
  if (fcc == NULL || dpid == NULL || out_bars == NULL) {
    return PrError_set(error, PR_EINVAL,
                       "Australia Post barcode: FCC, DPID and output are "
                       "required");
  }
  if (customer == NULL) {
    customer = "";
  }
  const AusPostFormat *format = NULL;
  for (size_t i = 0; i < sizeof(AUSPOST_FORMATS) / sizeof(AUSPOST_FORMATS[0]);
       i++) {
    if (strcmp(fcc, AUSPOST_FORMATS[i].fcc) == 0) {
      format = &AUSPOST_FORMATS[i];
    }
  }
  if (format == NULL) {
    return PrError_set(error, PR_EINVAL,
                       "Australia Post barcode: unsupported FCC \"%.16s\" "
                       "(expected 11, 45, 87, 92, 59 or 62)",
                       fcc);
  }
  size_t dpid_length = strlen(dpid);
  if (dpid_length != 8) {
    return PrError_set(error, PR_EINVAL,
                       "Australia Post barcode: the DPID must have 8 digits, "
                       "got %zu characters",
                       dpid_length);
  }
  size_t bad = pr_barcode_first_non_digit(dpid, dpid_length);
  if (bad < dpid_length) {
    return PrError_set(error, PR_EINVAL,
                       "Australia Post barcode: DPID character %zu (%s) is "
                       "not a digit",
                       bad + 1,
                       pr_barcode_byte_text((unsigned char)dpid[bad],
                                            byte_text));
  }
  size_t customer_length = strlen(customer);
  if (format->max_n_digits == 0 && customer_length > 0) {
    return PrError_set(error, PR_EINVAL,
                       "Australia Post barcode: FCC %s carries no customer "
                       "information (use FCC 59 or 62)",
                       format->fcc);
  }
  if (encoding == 0) {
    encoding = pr_barcode_all_digits(customer, customer_length) ? 'N' : 'C';
  }
  if (encoding != 'N' && encoding != 'C') {
    return PrError_set(error, PR_EINVAL,
                       "Australia Post barcode: unknown customer information "
                       "encoding '%c' (expected N or C)",
                       encoding);
  }
  if (encoding == 'N') {
    bad = pr_barcode_first_non_digit(customer, customer_length);
    if (bad < customer_length) {
      return PrError_set(error, PR_EINVAL,
                         "Australia Post barcode: customer information "
                         "character %zu (%s) is not a digit (N encoding)",
                         bad + 1,
                         pr_barcode_byte_text((unsigned char)customer[bad],
                                              byte_text));
    }
    if (customer_length > format->max_n_digits) {
      return PrError_set(error, PR_EINVAL,
                         "Australia Post barcode: FCC %s holds at most %zu "
                         "digits of customer information in N encoding, got "
                         "%zu",
                         format->fcc, format->max_n_digits, customer_length);
    }
  } else {
    for (size_t i = 0; i < customer_length; i++) {
      if (customer[i] == '\0' ||
          strchr(AUSPOST_C_CHARACTERS, customer[i]) == NULL) {
        return PrError_set(error, PR_EINVAL,
                           "Australia Post barcode: customer information "
                           "character %zu (%s) is not in the C encoding "
                           "table (A-Z a-z 0-9 space #)",
                           i + 1,
                           pr_barcode_byte_text((unsigned char)customer[i],
                                                byte_text));
      }
    }
    if (customer_length > format->max_c_chars) {
      return PrError_set(error, PR_EINVAL,
                         "Australia Post barcode: FCC %s holds at most %zu "
                         "characters of customer information in C encoding, "
                         "got %zu",
                         format->fcc, format->max_c_chars, customer_length);
    }
  }
  if (bars_capacity < format->bars + 1) {
    return PrError_set(error, PR_EINVAL,
                       "Australia Post barcode: the output needs %zu bytes, "
                       "got %zu",
                       format->bars + 1, bars_capacity);
  }

  /* Data bars (values 0..3), between the start bars and the parity. */
  uint8_t bars[PR_AUSPOST_MAX_BARS];
  size_t data_bars = format->bars - 4 - 3 * AUSPOST_RS_PARITY;
  size_t count = 0;
  for (int i = 0; i < 2; i++) {
    const char *pair = AUSPOST_N_TABLE[fcc[i] - '0'];
    bars[count++] = (uint8_t)(pair[0] - '0');
    bars[count++] = (uint8_t)(pair[1] - '0');
  }
  for (size_t i = 0; i < 8; i++) {
    const char *pair = AUSPOST_N_TABLE[dpid[i] - '0'];
    bars[count++] = (uint8_t)(pair[0] - '0');
    bars[count++] = (uint8_t)(pair[1] - '0');
  }
  for (size_t i = 0; i < customer_length; i++) {
    if (encoding == 'N') {
      const char *pair = AUSPOST_N_TABLE[customer[i] - '0'];
      bars[count++] = (uint8_t)(pair[0] - '0');
      bars[count++] = (uint8_t)(pair[1] - '0');
    } else {
      size_t index =
          (size_t)(strchr(AUSPOST_C_CHARACTERS, customer[i]) -
                   AUSPOST_C_CHARACTERS);
      for (int k = 0; k < 3; k++) {
        bars[count++] = (uint8_t)(AUSPOST_C_TABLE[index][k] - '0');
      }
    }
  }
  if (count > data_bars) {
    return PrError_set(error, PR_EINTERNAL,
                       "Australia Post barcode: data overflow");
  }
  while (count < data_bars) {
    bars[count++] = 3; /* filler */
  }

  /* Reed-Solomon parity over the 3-bar symbols of the data. */
  uint8_t generator[AUSPOST_RS_PARITY];
  auspost_rs_generator(generator);
  uint8_t parity[AUSPOST_RS_PARITY] = {0, 0, 0, 0};
  for (size_t i = 0; i < data_bars; i += 3) {
    uint8_t symbol = (uint8_t)(bars[i] << 4 | bars[i + 1] << 2 | bars[i + 2]);
    uint8_t feedback = symbol ^ parity[0];
    for (int k = 0; k < AUSPOST_RS_PARITY - 1; k++) {
      parity[k] =
          parity[k + 1] ^ auspost_gf_multiply(feedback, generator[k]);
    }
    parity[AUSPOST_RS_PARITY - 1] =
        auspost_gf_multiply(feedback, generator[AUSPOST_RS_PARITY - 1]);
  }

  size_t out = 0;
  out_bars[out++] = 'A';
  out_bars[out++] = 'T';
  for (size_t i = 0; i < data_bars; i++) {
    out_bars[out++] = PR_BAR_STATE_LETTERS[bars[i]];
  }
  for (int k = 0; k < AUSPOST_RS_PARITY; k++) {
    out_bars[out++] = PR_BAR_STATE_LETTERS[(parity[k] >> 4) & 3];
    out_bars[out++] = PR_BAR_STATE_LETTERS[(parity[k] >> 2) & 3];
    out_bars[out++] = PR_BAR_STATE_LETTERS[parity[k] & 3];
  }
  out_bars[out++] = 'A';
  out_bars[out++] = 'T';
  out_bars[out] = '\0';
  if (out_bar_count != NULL) {
    *out_bar_count = out;
  }
  return PR_OK;
}
