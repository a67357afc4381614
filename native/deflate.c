/* deflate.c: zlib-format compression of PDF streams (FlateDecode).
 *
 * libdeflate when PR_HAVE_LIBDEFLATE is defined (whole-buffer compression,
 * several times faster than zlib at level 1), zlib otherwise. One compressor
 * per writer is reused for every stream: allocating one costs far more than
 * compressing a page. */
#include "deflate.h"

#include <limits.h>
#include <stdlib.h>

#include "error.h"

#ifdef PR_HAVE_LIBDEFLATE
#include <libdeflate.h>
#else
#include <zlib.h>
#endif

struct PrDeflater {
#ifdef PR_HAVE_LIBDEFLATE
  struct libdeflate_compressor *compressor;
#else
  z_stream stream;
#endif
};

/* FAST favours speed (print streams are written once, read by a RIP);
 * SMALL is for data written once per job (fonts, images). */
static int level_of(int compression) {
  return compression == PR_COMPRESSION_SMALL ? 9 : 1;
}

PrStatus PrDeflater_create(int level, PrDeflater **out, PrError *error) {
  *out = NULL;
  if (level != PR_COMPRESSION_FAST && level != PR_COMPRESSION_SMALL) {
    return PrError_set(error, PR_EINVAL, "deflate: unknown compression level %d", level);
  }
  PrDeflater *deflater = calloc(1, sizeof *deflater);
  if (deflater == NULL) {
    return PrError_set(error, PR_ENOMEM, "deflate: out of memory creating a compressor");
  }
#ifdef PR_HAVE_LIBDEFLATE
  deflater->compressor = libdeflate_alloc_compressor(level_of(level));
  if (deflater->compressor == NULL) {
    free(deflater);
    return PrError_set(error, PR_ENOMEM, "deflate: libdeflate_alloc_compressor failed");
  }
#else
  if (deflateInit(&deflater->stream, level_of(level)) != Z_OK) {
    free(deflater);
    return PrError_set(error, PR_ENOMEM, "deflate: zlib deflateInit failed");
  }
#endif
  *out = deflater;
  return PR_OK;
}

void PrDeflater_destroy(PrDeflater *deflater) {
  if (deflater == NULL) {
    return;
  }
#ifdef PR_HAVE_LIBDEFLATE
  libdeflate_free_compressor(deflater->compressor);
#else
  deflateEnd(&deflater->stream);
#endif
  free(deflater);
}

PrStatus PrDeflater_compress(PrDeflater *deflater, const uint8_t *input,
                             size_t input_bytes, PrBuffer *out, PrError *error) {
  if (deflater == NULL || (input == NULL && input_bytes > 0)) {
    return PrError_set(error, PR_EINVAL, "deflate: no compressor or no input");
  }
  static const uint8_t kEmpty[1] = {0};
  if (input == NULL) {
    input = kEmpty;
  }
#ifdef PR_HAVE_LIBDEFLATE
  size_t bound = libdeflate_zlib_compress_bound(deflater->compressor, input_bytes);
  if (!PrBuffer_reserve(out, bound)) {
    return PrError_set(error, PR_ENOMEM, "deflate: out of memory for %zu bytes of output",
                       bound);
  }
  size_t written = libdeflate_zlib_compress(deflater->compressor, input, input_bytes,
                                            out->data + out->size_bytes, bound);
  if (written == 0) {
    return PrError_set(error, PR_EINTERNAL, "deflate: libdeflate output exceeded its bound");
  }
  out->size_bytes += written;
  return PR_OK;
#else
  z_stream *stream = &deflater->stream;
  if (deflateReset(stream) != Z_OK) {
    return PrError_set(error, PR_EINTERNAL, "deflate: zlib deflateReset failed");
  }
  /* zlib counts in uInt: feed and drain in slices so that inputs above
   * 4 GB still work. */
  size_t remaining = input_bytes;
  stream->next_in = (Bytef *)(uintptr_t)input;
  int flush = Z_NO_FLUSH;
  for (;;) {
    if (stream->avail_in == 0 && flush != Z_FINISH) {
      uInt slice = remaining > UINT_MAX / 2 ? UINT_MAX / 2 : (uInt)remaining;
      stream->avail_in = slice;
      remaining -= slice;
      if (remaining == 0) {
        flush = Z_FINISH;
      }
    }
    size_t room = (size_t)deflateBound(stream, stream->avail_in) + 64;
    if (room > UINT_MAX / 2) {
      room = UINT_MAX / 2;
    }
    if (!PrBuffer_reserve(out, room)) {
      return PrError_set(error, PR_ENOMEM, "deflate: out of memory for %zu bytes of output",
                         room);
    }
    stream->next_out = out->data + out->size_bytes;
    stream->avail_out = (uInt)room;
    int result = deflate(stream, flush);
    out->size_bytes += room - stream->avail_out;
    if (result == Z_STREAM_END) {
      return PR_OK;
    }
    if (result != Z_OK && result != Z_BUF_ERROR) {
      return PrError_set(error, PR_EINTERNAL, "deflate: zlib deflate failed (%d)", result);
    }
  }
#endif
}

const char *PrDeflater_backend(void) {
#ifdef PR_HAVE_LIBDEFLATE
  return "libdeflate";
#else
  return "zlib";
#endif
}
