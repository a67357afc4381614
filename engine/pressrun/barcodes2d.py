"""2D symbols encoded by the native core: DataMatrix ECC200 and QR code.

Both return a `Matrix`: a numpy uint8 array of modules (rows x columns,
1 dark, 0 light, no quiet zone). `to_image` renders one as a Pillow image for
previews and tests.

    >>> m = datamatrix("PIECE 000123")
    >>> m.shape
    (16, 16)
    >>> to_image(qr("https://example.com/pay/42", ec="Q")).save("pay.png")

Data given as str is encoded as UTF-8 for QR and as ISO-8859-1 for
DataMatrix (the symbology's default character set; characters outside it are
refused). Data that does not fit the largest symbol raises
pressrun.errors.NativeError.
"""
from __future__ import annotations

from typing import Union

import numpy as np

from pressrun import _native

__all__ = ["Matrix", "datamatrix", "qr", "to_image", "EC_LEVELS", "DATAMATRIX_SHAPES"]

Matrix = np.ndarray
"""A module matrix: 2D numpy uint8 array, 1 dark and 0 light."""

EC_LEVELS = {"L": 0, "M": 1, "Q": 2, "H": 3}
DATAMATRIX_SHAPES = {"square": 0, "rectangle": 1, "any": 2}


def _bytes(data: Union[bytes, bytearray, memoryview, str], encoding: str) -> bytes:
    if isinstance(data, str):
        return data.encode(encoding)
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    raise TypeError(f"barcode data must be bytes or str, not {type(data).__name__}")


def datamatrix(data: Union[bytes, str], shape: str = "square") -> Matrix:
    """DataMatrix ECC200 of data in the smallest symbol of the shape
    ('square' 10x10..144x144, 'rectangle' 8x18..16x48, 'any')."""
    if shape not in DATAMATRIX_SHAPES:
        raise ValueError(f"DataMatrix shape {shape!r} is not one of {sorted(DATAMATRIX_SHAPES)}")
    return _native.datamatrix_encode(_bytes(data, "latin-1"), DATAMATRIX_SHAPES[shape])


def qr(data: Union[bytes, str], ec: str = "M", min_version: int = 0) -> Matrix:
    """QR code of data at error correction level ec (L, M, Q or H), in the
    smallest version >= min_version (0 or 1..40)."""
    level = EC_LEVELS.get(str(ec).upper())
    if level is None:
        raise ValueError(f"QR error correction level {ec!r} is not one of L, M, Q, H")
    if not 0 <= int(min_version) <= 40:
        raise ValueError(f"QR version {min_version!r} is not in 1..40")
    matrix, _version = _native.qr_encode(_bytes(data, "utf-8"), level, int(min_version))
    return matrix


def qr_version(matrix: Matrix) -> int:
    """The QR version of a QR module matrix (from its side)."""
    return (matrix.shape[0] - 17) // 4


def to_image(matrix: Matrix, module_px: int = 4, quiet_zone: int | None = None):
    """A Pillow 1-bit image of the matrix, module_px pixels per module, with a
    quiet zone of quiet_zone modules on every side. The default is each
    symbology's minimum: 4 modules for QR (square, odd side 21 + 4k), 1 for
    DataMatrix (even sides), here 2 for margin."""
    from PIL import Image

    modules = np.asarray(matrix, dtype=np.uint8)
    if modules.ndim != 2:
        raise ValueError("a module matrix must be two-dimensional")
    if module_px < 1:
        raise ValueError("module_px must be at least 1")
    if quiet_zone is None:
        rows, cols = modules.shape
        is_qr = rows == cols and rows % 2 == 1 and (rows - 17) % 4 == 0
        quiet_zone = 4 if is_qr else 2
    if quiet_zone < 0:
        raise ValueError("quiet_zone must not be negative")
    padded = np.pad(modules, quiet_zone)
    pixels = np.where(padded != 0, 0, 255).astype(np.uint8)
    pixels = np.repeat(np.repeat(pixels, module_px, axis=0), module_px, axis=1)
    return Image.fromarray(pixels, mode="L").convert("1")
