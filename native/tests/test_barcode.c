/* test_barcode.c: the barcode symbol encoders (Code 128, Australia Post
 * 4-state, USPS Intelligent Mail).
 *
 * Known vectors: the four worked examples of USPS-B-3200 (same tracking
 * code, no routing code and routing codes of 5, 9 and 11 digits), Australia
 * Post symbols and Code 128 symbols checked against zint 2.11 (tests/
 * test_barcodes.py compares many more), the Code 128 structure (start,
 * check, stop, widths) and bad inputs with their messages.
 *
 * Run as: test_barcode <repo root> <scratch path> (both unused). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pressrun.h"
#include "tests/check.h"

static void test_imb_spec_examples(void) {
  static const char *const routing[4] = {"", "01234", "012345678",
                                         "01234567891"};
  static const char *const expected[4] = {
      "ATTFATTDTTADTAATTDTDTATTDAFDDFADFDFTFFFFFTATFAAAATDFFTDAADFTFDTDT",
      "DTTAFADDTTFTDTFTFDTDDADADAFADFATDDFTAAAFDTTADFAAATDFDTDFADDDTDFFT",
      "ADFTTAFDTTTTFATTADTAAATFTFTATDAAAFDDADATATDTDTTDFDTDATADADTDFFTFA",
      "AADTFFDFTDADTAADAATFDTDDAAADDTDTTDAFADADDDTFFFDDTTTADFAAADFTDAADA"};
  for (int i = 0; i < 4; i++) {
    PrError error;
    char bars[PR_IMB_BARS + 1];
    memset(bars, 0, sizeof(bars));
    CHECK_OK(PrImb_encode("01234567094987654321", routing[i], bars,
                          sizeof(bars), &error),
             &error);
    CHECK(strcmp(bars, expected[i]) == 0);
  }
  /* NULL routing is the same as none. */
  PrError error;
  char bars[PR_IMB_BARS + 1];
  CHECK_OK(PrImb_encode("01234567094987654321", NULL, bars, sizeof(bars),
                        &error),
           &error);
  CHECK(strcmp(bars, expected[0]) == 0);
}

static void test_imb_bad_inputs(void) {
  PrError error;
  char bars[PR_IMB_BARS + 1];
  CHECK(PrImb_encode("0123456709498765432", "", bars, sizeof(bars), &error) ==
        PR_EINVAL);
  CHECK(strstr(error.message, "20 digits") != NULL);
  CHECK(PrImb_encode("0123456709498765432X", "", bars, sizeof(bars),
                     &error) == PR_EINVAL);
  CHECK(strstr(error.message, "character 20 ('X') is not a digit") != NULL);
  CHECK(PrImb_encode("01234567094987654321", "0123", bars, sizeof(bars),
                     &error) == PR_EINVAL);
  CHECK(strstr(error.message, "0, 5, 9 or 11 digits") != NULL);
  CHECK(PrImb_encode("01234567094987654321", "0123a", bars, sizeof(bars),
                     &error) == PR_EINVAL);
  CHECK(strstr(error.message, "routing code character 5") != NULL);
  CHECK(PrImb_encode("05234567094987654321", "", bars, sizeof(bars),
                     &error) == PR_EINVAL);
  CHECK(strstr(error.message, "second digit") != NULL);
  CHECK(PrImb_encode("01234567094987654321", "", bars, PR_IMB_BARS, &error) ==
        PR_EINVAL);
  CHECK(strstr(error.message, "66 bytes") != NULL);
  CHECK(PrImb_encode(NULL, "", bars, sizeof(bars), &error) == PR_EINVAL);
  /* Extremes stay in range: the largest tracking and routing codes. */
  CHECK_OK(PrImb_encode("94999999999999999999", "99999999999", bars,
                        sizeof(bars), &error),
           &error);
  CHECK(strlen(bars) == PR_IMB_BARS);
}

typedef struct AusPostVector {
  const char *fcc;
  const char *dpid;
  const char *customer;
  char encoding;
  const char *bars; /* from zint 2.11 */
} AusPostVector;

static void test_auspost_vectors(void) {
  static const AusPostVector vectors[] = {
      {"11", "39987520", "", 0, "ATFAFAAFTFTFDDDAADFDFFTTFDADATAFTFDAT"},
      {"45", "12345678", NULL, 0, "ATAAADFAFDAFAAADDFDADDTTATDADDDTFDAAT"},
      {"59", "12345678", "ABcd#", 0,
       "ATADTFFAFDAFAAADDFDADDFFFFFAFTAFTDFATTAFFDTAAFDDTDAT"},
      {"59", "12345678", "12345678", 'N',
       "ATADTFFAFDAFAAADDFDADDFAFDAFAAADDFDADDDADDTFTFFAADAT"},
  };
  for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
    PrError error;
    char bars[PR_AUSPOST_MAX_BARS + 1];
    size_t count = 0;
    CHECK_OK(PrAusPost_encode(vectors[i].fcc, vectors[i].dpid,
                              vectors[i].customer, vectors[i].encoding, bars,
                              sizeof(bars), &count, &error),
             &error);
    CHECK(count == strlen(vectors[i].bars));
    CHECK(strcmp(bars, vectors[i].bars) == 0);
  }
  /* Lengths per FCC; short customer information is padded with trackers. */
  PrError error;
  char bars[PR_AUSPOST_MAX_BARS + 1];
  size_t count = 0;
  CHECK_OK(PrAusPost_encode("62", "12345678", "123", 'N', bars, sizeof(bars),
                            &count, &error),
           &error);
  CHECK(count == 67 && strlen(bars) == 67);
  CHECK(bars[0] == 'A' && bars[1] == 'T' && bars[65] == 'A' && bars[66] == 'T');
  CHECK(strncmp(bars + 28, "TTTTTTTTTTTTTTTTTTTTTTTT", 24) == 0);
  CHECK_OK(PrAusPost_encode("59", "12345678", "", 0, bars, sizeof(bars),
                            &count, &error),
           &error);
  CHECK(count == 52);
}

static void test_auspost_bad_inputs(void) {
  PrError error;
  char bars[PR_AUSPOST_MAX_BARS + 1];
  size_t count = 0;
  CHECK(PrAusPost_encode("12", "12345678", "", 0, bars, sizeof(bars), &count,
                         &error) == PR_EINVAL);
  CHECK(strstr(error.message, "unsupported FCC \"12\"") != NULL);
  CHECK(PrAusPost_encode("11", "1234567", "", 0, bars, sizeof(bars), &count,
                         &error) == PR_EINVAL);
  CHECK(strstr(error.message, "DPID must have 8 digits") != NULL);
  CHECK(PrAusPost_encode("11", "1234567A", "", 0, bars, sizeof(bars), &count,
                         &error) == PR_EINVAL);
  CHECK(strstr(error.message, "DPID character 8 ('A')") != NULL);
  CHECK(PrAusPost_encode("11", "12345678", "12", 0, bars, sizeof(bars),
                         &count, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "no customer information") != NULL);
  CHECK(PrAusPost_encode("59", "12345678", "123456789", 'N', bars,
                         sizeof(bars), &count, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "at most 8 digits") != NULL);
  CHECK(PrAusPost_encode("59", "12345678", "AB1-", 'C', bars, sizeof(bars),
                         &count, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "character 4 ('-')") != NULL);
  CHECK(PrAusPost_encode("62", "12345678", "ABCDEFGHIJK", 0, bars,
                         sizeof(bars), &count, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "at most 10 characters") != NULL);
  CHECK(PrAusPost_encode("59", "12345678", "12A", 'N', bars, sizeof(bars),
                         &count, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "not a digit (N encoding)") != NULL);
  CHECK(PrAusPost_encode("59", "12345678", "1", 'X', bars, sizeof(bars),
                         &count, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "encoding 'X'") != NULL);
  CHECK(PrAusPost_encode("59", "12345678", "1", 'N', bars, 52, &count,
                         &error) == PR_EINVAL);
  CHECK(strstr(error.message, "needs 53 bytes") != NULL);
}

/* Module string ('1' bar, '0' space) of an encoding. */
static int code128_modules(const char *data, uint32_t flags, char *out,
                           size_t out_bytes, size_t *width_count,
                           PrError *error) {
  uint8_t widths[PR_CODE128_MAX_ELEMENTS(64)];
  uint32_t total = 0;
  if (PrCode128_encode(data, strlen(data), flags, widths, sizeof(widths),
                       width_count, &total, error) != PR_OK) {
    return 0;
  }
  size_t at = 0;
  uint32_t sum = 0;
  for (size_t i = 0; i < *width_count; i++) {
    if (widths[i] < 1 || widths[i] > 4) {
      return 0;
    }
    sum += widths[i];
    for (int k = 0; k < widths[i] && at + 1 < out_bytes; k++) {
      out[at++] = (char)(i % 2 == 0 ? '1' : '0');
    }
  }
  out[at] = '\0';
  return sum == total && at == total;
}

static void test_code128_vectors(void) {
  static const char *const vectors[][2] = {
      /* zint 2.11 --barcode=20 --dump */
      {"AB12", "1101001000010100011000100010110001001110011011001110010110010"
               "111001100011101011"},
      {"1234", "110100111001011001110010001011000100100111101100011101011"},
  };
  for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
    PrError error;
    char modules[1024];
    size_t count = 0;
    CHECK(code128_modules(vectors[i][0], 0, modules, sizeof(modules), &count,
                          &error));
    if (strcmp(modules, vectors[i][1]) != 0) {
      fprintf(stderr, "code 128 %s:\n got %s\nwant %s\n", vectors[i][0],
              modules, vectors[i][1]);
    }
    CHECK(strcmp(modules, vectors[i][1]) == 0);
  }
  /* Structure: start C, 3 digit pairs, check, stop = 6 characters. */
  PrError error;
  char modules[1024];
  size_t count = 0;
  CHECK(code128_modules("123456", 0, modules, sizeof(modules), &count,
                        &error));
  CHECK(count == 5 * 6 + 7);
  CHECK(strlen(modules) == 5 * 11 + 13);
  CHECK(strncmp(modules, "11010011100", 11) == 0);           /* start C */
  CHECK(strcmp(modules + strlen(modules) - 13, "1100011101011") == 0);
  /* GS1-128: start C, FNC1, ... */
  CHECK(code128_modules("0112345678901231", PR_CODE128_GS1, modules,
                        sizeof(modules), &count, &error));
  CHECK(strncmp(modules, "11010011100" "11110101110", 22) == 0);
  /* Controls and lower case in one symbol: A, shift, B. */
  CHECK(code128_modules("ab\x01" "cd\x02\x03", 0, modules, sizeof(modules),
                        &count, &error));
}

static void test_code128_bad_inputs(void) {
  PrError error;
  uint8_t widths[PR_CODE128_MAX_ELEMENTS(300)];
  size_t count = 0;
  uint32_t total = 0;
  CHECK(PrCode128_encode("", 0, 0, widths, sizeof(widths), &count, &total,
                         &error) == PR_EINVAL);
  CHECK(strstr(error.message, "empty") != NULL);
  CHECK(PrCode128_encode("ab\xe9", 3, 0, widths, sizeof(widths), &count,
                         &total, &error) == PR_EINVAL);
  CHECK(strstr(error.message, "character 3 (0xE9) is not ASCII") != NULL);
  CHECK(PrCode128_encode("abc", 3, 0, widths, 10, &count, &total, &error) ==
        PR_EINVAL);
  CHECK(strstr(error.message, "room for") != NULL);
  CHECK(PrCode128_encode("\x1d" "10", 3, PR_CODE128_GS1, widths,
                         sizeof(widths), &count, &total, &error) ==
        PR_EINVAL);
  CHECK(strstr(error.message, "GS1 separator") != NULL);
  char big[300];
  memset(big, 'A', sizeof(big));
  CHECK(PrCode128_encode(big, sizeof(big), 0, widths, sizeof(widths), &count,
                         &total, &error) == PR_ELIMIT);
  /* The largest input with the worst switching fits the documented size. */
  char worst[PR_CODE128_MAX_DATA + 1];
  for (int i = 0; i < PR_CODE128_MAX_DATA; i++) {
    worst[i] = (char)(i % 2 ? 'a' : '\x01');
  }
  worst[PR_CODE128_MAX_DATA] = '\0';
  static uint8_t many[PR_CODE128_MAX_ELEMENTS(PR_CODE128_MAX_DATA)];
  CHECK_OK(PrCode128_encode(worst, PR_CODE128_MAX_DATA, PR_CODE128_GS1, many,
                            sizeof(many), &count, &total, &error),
           &error);
  CHECK(count <= sizeof(many));
}

int main(int argc, char **argv) {
  (void)argc;
  (void)argv;
  test_imb_spec_examples();
  test_imb_bad_inputs();
  test_auspost_vectors();
  test_auspost_bad_inputs();
  test_code128_vectors();
  test_code128_bad_inputs();
  return check_summary("test_barcode");
}
