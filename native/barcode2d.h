/* barcode2d.h: private helpers shared by the 2D symbol encoders
 * (DataMatrix ECC200, QR code): arithmetic in GF(256) and systematic
 * Reed-Solomon encoding. */
#ifndef PR_BARCODE2D_H
#define PR_BARCODE2D_H

#include <stddef.h>
#include <stdint.h>

/* GF(256) built from a primitive polynomial (0x12D DataMatrix, 0x11D QR)
 * with generator element 2. */
typedef struct PrGf256 {
  uint8_t exp[512];
  uint8_t log[256];
} PrGf256;

/* The DataMatrix field (polynomial 0x12D), built on first use (thread-safe). */
const PrGf256 *PrGf256_datamatrix(void);

void PrGf256_init(PrGf256 *field, unsigned polynomial);

/* The ecc_count Reed-Solomon check bytes of data[0..data_count) for the
 * generator polynomial prod_{i=0}^{ecc_count-1} (x - a^(first_root+i))
 * (first_root 1 for DataMatrix, 0 for QR). ecc_count <= 255. */
void PrReedSolomon_encode(const PrGf256 *field, int first_root,
                          const uint8_t *data, size_t data_count,
                          uint8_t *ecc, size_t ecc_count);

#endif
