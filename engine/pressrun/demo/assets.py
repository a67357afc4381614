"""The demo letter's template and images, written on demand.

The images are drawn with Pillow from fixed parameters, so the repository
holds no binary files and every run gets byte-identical assets.
"""
from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

_DEJAVU_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
_BRAND_BLUE = (11, 79, 108)
_BRAND_ORANGE = (242, 140, 40)
_INK = (24, 38, 110)
# Drawn larger and scaled down: Pillow's lines are not anti-aliased.
_SUPERSAMPLE = 4


_DEMO_FILES = ("letter.yaml", "statement.yaml", "statement_rules.yaml", "statement_production.yaml")


def write_demo_assets(dir: Path) -> None:
    """Write the demo templates (letter, statement and its rules), logo.png
    and signature.jpg into dir."""
    dir = Path(dir)
    dir.mkdir(parents=True, exist_ok=True)
    # Read beside this file, not through the package: the demo works even
    # when pressrun's native module is not built.
    for name in _DEMO_FILES:
        text = (Path(__file__).parent / name).read_text(encoding="utf-8")
        (dir / name).write_text(text, encoding="utf-8")
    draw_logo().save(dir / "logo.png", optimize=True)
    draw_signature().save(dir / "signature.jpg", quality=88)


def draw_logo(width: int = 600, height: int = 200) -> Image.Image:
    """RGBA logo on a transparent background: a sun-and-wave mark and the name."""
    s = _SUPERSAMPLE
    image = Image.new("RGBA", (width * s, height * s), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    cx, cy, r = 100 * s, 100 * s, 62 * s
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=_BRAND_ORANGE + (255,))
    # Three waves cut across the lower half of the disc.
    for k, offset in enumerate((10, 34, 58)):
        points = [(cx - r - 10 * s + t * s, cy + offset * s + 7 * s * math.sin(t / 14))
                  for t in range(0, 2 * r // s + 20, 2)]
        draw.line(points, fill=_BRAND_BLUE + (255,), width=(9 - 2 * k) * s, joint="curve")
    name_left = 186 * s
    font = _fitted_font("Acme Energy", (width - 10) * s - name_left, 58 * s)
    draw.text((name_left, 50 * s), "Acme Energy", font=font, fill=_BRAND_BLUE + (255,))
    small = _fitted_font("POWERING HOMES SINCE 1987", (width - 10) * s - name_left, 20 * s)
    draw.text((name_left + 4 * s, 128 * s), "POWERING HOMES SINCE 1987", font=small,
              fill=_BRAND_ORANGE + (255,))
    return image.resize((width, height), Image.LANCZOS)


def draw_signature(width: int = 500, height: int = 150) -> Image.Image:
    """RGB JPEG-ready signature: a looping cursive stroke with a flourish."""
    s = _SUPERSAMPLE
    image = Image.new("RGB", (width * s, height * s), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    # A prolate trochoid gives the looped ascenders of joined-up writing; slow sines
    # on the loop height make letters of uneven size, and a shear slants them.
    points = []
    steps = 1400
    for i in range(steps):
        t = i / steps * 13 * math.pi
        loop = 22 + 10 * math.sin(t / 2.3) + 9 * math.sin(t / 1.3 + 0.5)
        if t < 2 * math.pi:  # a tall capital at the start
            loop += 16 * math.sin(t / 2)
        x = 36 + t * 9.5 - 14 * math.sin(t)
        y = 96 - loop * (1 + math.cos(t)) / 2 * 1.5 + 5 * math.sin(t / 4.1)
        x += 0.35 * (96 - y)  # slant to the right
        points.append((x * s, y * s))
    draw.line(points, fill=_INK, width=3 * s, joint="curve")
    # Underline flourish, thicker in the middle like a pen pressed harder.
    for i in range(120):
        t0, t1 = i / 120, (i + 1) / 120
        x0, x1 = 60 + 380 * t0, 60 + 380 * t1
        y0 = 122 - 10 * math.sin(math.pi * t0) + 4 * t0
        y1 = 122 - 10 * math.sin(math.pi * t1) + 4 * t1
        pen = 1 + 3 * math.sin(math.pi * t0)
        draw.line([(x0 * s, y0 * s), (x1 * s, y1 * s)], fill=_INK, width=max(1, int(pen * s)))
    return image.resize((width, height), Image.LANCZOS)


def _fitted_font(text: str, max_width: int, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The font at `size`, made smaller until text fits in max_width pixels."""
    font = _font(_DEJAVU_BOLD, size)
    while size > 8 and font.getlength(text) > max_width:
        size -= 2
        font = _font(_DEJAVU_BOLD, size)
    return font


def _font(path: Path, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(str(path), size)
    except OSError:  # no DejaVu on this machine: Pillow's own font still draws the name
        return ImageFont.load_default(size=size)
