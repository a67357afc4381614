/* check.h: a minimal harness for the native C tests (run by
 * tests/test_native_c.py, built with AddressSanitizer and UBSan).
 * Each test file has a main() that calls its tests and ends with
 * `return check_summary("name");`, which prints "N passed, N failed". */
#ifndef PR_CHECK_H
#define PR_CHECK_H

#include <stdio.h>

static int check_passed_count = 0;
static int check_failed_count = 0;

#define CHECK(condition)                                                    \
  do {                                                                      \
    if (condition) {                                                        \
      check_passed_count++;                                                 \
    } else {                                                                \
      check_failed_count++;                                                 \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__,     \
              #condition);                                                  \
    }                                                                       \
  } while (0)

#define CHECK_OK(expr, error)                                               \
  do {                                                                      \
    PrStatus check_status_ = (expr);                                        \
    if (check_status_ == PR_OK) {                                           \
      check_passed_count++;                                                 \
    } else {                                                                \
      check_failed_count++;                                                 \
      fprintf(stderr, "%s:%d: %s returned %d: %s\n", __FILE__, __LINE__,   \
              #expr, (int)check_status_, (error)->message);                 \
    }                                                                       \
  } while (0)

static inline int check_summary(const char *name) {
  printf("%s: %d passed, %d failed\n", name, check_passed_count,
         check_failed_count);
  return check_failed_count == 0 ? 0 : 1;
}

#endif
