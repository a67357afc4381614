"""Decoding template images once per job into what the PDF writer embeds.

JPEGs the PDF DCTDecode filter can show (gray, RGB, CMYK) pass through as the
original bytes; everything else becomes 8-bit gray or RGB pixels, with a
separate 8-bit alpha channel only when some pixel is not fully opaque.
"""
from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from .errors import ImageError

_JPEG_PASS_THROUGH = {"L": "gray", "RGB": "rgb", "CMYK": "cmyk"}


@dataclass(frozen=True)
class ImageData:
    """One decoded image, shared by every page that shows it."""
    name: str
    width_px: int
    height_px: int
    colorspace: str  # 'gray' | 'rgb' | 'cmyk'
    bits: int = 8
    pixels: bytes | None = None  # row-major, 8 bits per component; None for a passed-through JPEG
    alpha: bytes | None = None  # 8-bit gray soft mask, only when the image is not fully opaque
    jpeg: bytes | None = None  # the original JPEG file
    invert_cmyk: bool = False  # Adobe CMYK JPEGs store inverted ink values
    dpi: tuple[float, float] | None = None


@dataclass(frozen=True)
class ImageSize:
    """What an image header tells without decoding the pixels."""
    width_px: int
    height_px: int
    dpi: tuple[float, float] | None

    def natural_size_pt(self) -> tuple[float, float]:
        """Printed size at the image's resolution (72 dpi, one pixel a point, when it has none)."""
        dpi_x, dpi_y = self.dpi or (72.0, 72.0)
        return self.width_px * 72.0 / dpi_x, self.height_px * 72.0 / dpi_y


def _dpi(image: Image.Image) -> tuple[float, float] | None:
    dpi = image.info.get("dpi")
    try:
        x, y = float(dpi[0]), float(dpi[1])
    except (TypeError, ValueError, IndexError):
        return None
    # JFIF files with no unit report an aspect ratio such as (1, 1), not a resolution.
    # PNG stores pixels per metre, so 300 dpi reads back as 299.9994.
    return (round(x, 2), round(y, 2)) if x >= 2 and y >= 2 else None


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ImageError(f"{path}: cannot read image file: {exc.strerror or exc}") from exc


def _open(path: Path, data: bytes) -> Image.Image:
    try:
        return Image.open(io.BytesIO(data))
    except UnidentifiedImageError as exc:
        raise ImageError(f"{path}: not an image format pressrun can read") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageError(f"{path}: broken image: {exc}") from exc


def read_image_size(path: str | os.PathLike) -> ImageSize:
    """Pixel size and resolution from the header only (for layout at template load)."""
    path = Path(path)
    try:
        with Image.open(path) as image:
            return ImageSize(image.width, image.height, _dpi(image))
    except OSError as exc:
        if isinstance(exc, UnidentifiedImageError):
            raise ImageError(f"{path}: not an image format pressrun can read") from exc
        raise ImageError(f"{path}: cannot read image: {exc.strerror or exc}") from exc
    except (SyntaxError, ValueError) as exc:
        raise ImageError(f"{path}: broken image: {exc}") from exc


def load_image(path: str | os.PathLike, name: str | None = None) -> ImageData:
    """Decodes an image file fully (so damage shows now, not on page 40 000)."""
    path = Path(path)
    data = _read_bytes(path)
    image = _open(path, data)
    try:
        image.load()
    except Exception as exc:  # Pillow reports truncation as OSError, some damage as others
        raise ImageError(f"{path}: broken or truncated image: {exc}") from exc
    name = name or path.name
    dpi = _dpi(image)
    if image.format == "JPEG" and image.mode in _JPEG_PASS_THROUGH:
        return ImageData(
            name=name, width_px=image.width, height_px=image.height,
            colorspace=_JPEG_PASS_THROUGH[image.mode], jpeg=data,
            invert_cmyk=image.mode == "CMYK" and "adobe" in image.info, dpi=dpi,
        )
    colorspace, pixels, alpha = _to_pixels(image)
    return ImageData(name=name, width_px=image.width, height_px=image.height,
                     colorspace=colorspace, pixels=pixels, alpha=alpha, dpi=dpi)


def _to_pixels(image: Image.Image) -> tuple[str, bytes, bytes | None]:
    """8-bit gray, RGB or CMYK pixels, and the alpha channel when it matters."""
    mode = image.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N") or mode == "I":
        # 16-bit gray: keep the high byte (convert('L') would clip instead of scale).
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
        mode = "L"
    if mode == "P" or mode == "PA":
        image = image.convert("RGBA")
    elif mode in ("1", "L", "RGB") and "transparency" in image.info:
        image = image.convert("LA" if mode in ("1", "L") else "RGBA")
    elif mode == "1":
        image = image.convert("L")
    elif mode not in ("L", "LA", "RGB", "RGBA", "CMYK"):
        image = image.convert("RGBA" if "A" in mode or "a" in mode else "RGB")

    alpha = None
    if image.mode in ("LA", "RGBA"):
        alpha_band = image.getchannel("A")
        if alpha_band.getextrema()[0] < 255:
            alpha = alpha_band.tobytes()
        image = image.convert("L" if image.mode == "LA" else "RGB")
    colorspace = {"L": "gray", "RGB": "rgb", "CMYK": "cmyk"}[image.mode]
    return colorspace, image.tobytes(), alpha
