/* error.h: filling a PrError with a status and a formatted message. */
#ifndef PR_ERROR_H
#define PR_ERROR_H

#include "pressrun.h"

/* Sets error->code and error->message (printf format, truncated to fit) and
 * returns status, so that callers can write `return PrError_set(...)`.
 * error may be NULL. */
PrStatus PrError_set(PrError *error, PrStatus status, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Propagates a failing status: `PR_RETURN_NOT_OK(PrFoo_bar(...));` */
#define PR_RETURN_NOT_OK(expr)          \
  do {                                  \
    PrStatus pr_status_ = (expr);       \
    if (pr_status_ != PR_OK) {          \
      return pr_status_;                \
    }                                   \
  } while (0)

#endif
