/* error.c: status names and error messages. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>

const char *PrStatus_name(PrStatus status) {
  switch (status) {
    case PR_OK: return "ok";
    case PR_EINVAL: return "invalid argument";
    case PR_ENOMEM: return "out of memory";
    case PR_EFONT: return "broken font";
    case PR_EDATA: return "unsupported or broken data";
    case PR_EIMAGE: return "broken image";
    case PR_ERECORD: return "record error";
    case PR_ELIMIT: return "limit exceeded";
    case PR_EINTERNAL: return "internal error";
  }
  return "unknown status";
}

PrStatus PrError_set(PrError *error, PrStatus status, const char *format, ...) {
  if (error != NULL) {
    va_list args;
    va_start(args, format);
    vsnprintf(error->message, sizeof error->message, format, args);
    va_end(args);
    error->code = status;
  }
  return status;
}
