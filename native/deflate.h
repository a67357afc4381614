/* deflate.h: zlib-format compression of PDF streams.
 *
 * libdeflate when the build found it (PR_HAVE_LIBDEFLATE), zlib otherwise.
 * A compressor is reused for every stream of a writer. */
#ifndef PR_DEFLATE_H
#define PR_DEFLATE_H

#include <stddef.h>
#include <stdint.h>

#include "buffer.h"
#include "pressrun.h"

typedef struct PrDeflater PrDeflater;

/* level: PrCompression (FAST: speed first, SMALL: size first). */
PrStatus PrDeflater_create(int level, PrDeflater **out, PrError *error);
void PrDeflater_destroy(PrDeflater *deflater);
/* Appends the zlib stream of `input` to `out`. */
PrStatus PrDeflater_compress(PrDeflater *deflater, const uint8_t *input,
                             size_t input_bytes, PrBuffer *out, PrError *error);
/* "libdeflate" or "zlib": what this build uses. */
const char *PrDeflater_backend(void);

#endif
