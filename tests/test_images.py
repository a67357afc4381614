"""Images decoded once: pixels and alpha for PNG, original bytes for JPEG."""
import pytest
from PIL import Image

from pressrun.errors import ImageError
from pressrun.images import load_image, read_image_size


def test_png_with_alpha_gives_pixels_and_alpha(tmp_path):
    image = Image.new("RGBA", (3, 2), (255, 0, 0, 255))
    image.putpixel((1, 0), (0, 0, 255, 0))
    image.putpixel((2, 1), (0, 255, 0, 128))
    image.save(tmp_path / "a.png")
    data = load_image(tmp_path / "a.png")
    assert (data.width_px, data.height_px, data.colorspace, data.bits) == (3, 2, "rgb", 8)
    assert data.jpeg is None
    assert data.alpha == bytes([255, 0, 255, 255, 255, 128])
    assert data.pixels[:6] == bytes([255, 0, 0, 0, 0, 255])
    assert len(data.pixels) == 3 * 2 * 3
    assert data.name == "a.png"


def test_opaque_alpha_channel_is_dropped(tmp_path):
    Image.new("RGBA", (4, 4), (1, 2, 3, 255)).save(tmp_path / "opaque.png")
    data = load_image(tmp_path / "opaque.png")
    assert data.alpha is None
    assert data.pixels == bytes([1, 2, 3] * 16)


def test_gray_alpha_and_palette_transparency(tmp_path):
    Image.new("LA", (2, 1), (100, 50)).save(tmp_path / "la.png")
    gray = load_image(tmp_path / "la.png")
    assert (gray.colorspace, gray.pixels, gray.alpha) == ("gray", bytes([100, 100]), bytes([50, 50]))

    palette = Image.new("P", (2, 1))
    palette.putpalette([255, 0, 0, 0, 0, 255])
    palette.putdata([0, 1])
    palette.save(tmp_path / "p.png", transparency=1)
    indexed = load_image(tmp_path / "p.png")
    assert indexed.colorspace == "rgb"
    assert indexed.pixels == bytes([255, 0, 0, 0, 0, 255])
    assert indexed.alpha == bytes([255, 0])


def test_sixteen_bit_gray_is_scaled_to_eight_bits(tmp_path):
    image = Image.new("I;16", (4, 1))
    image.putdata([0, 256, 30000, 65535])
    image.save(tmp_path / "g16.png")
    data = load_image(tmp_path / "g16.png")
    assert (data.colorspace, data.pixels, data.alpha) == ("gray", bytes([0, 1, 117, 255]), None)


def test_jpeg_is_passed_through(tmp_path):
    path = tmp_path / "photo.jpg"
    Image.new("RGB", (40, 30), (10, 200, 30)).save(path, quality=90, dpi=(150, 150))
    data = load_image(path)
    assert data.jpeg == path.read_bytes()
    assert data.pixels is None and data.alpha is None
    assert (data.width_px, data.height_px, data.colorspace, data.invert_cmyk) == (40, 30, "rgb", False)
    assert data.dpi == (150, 150)


def test_cmyk_and_gray_jpegs(tmp_path):
    Image.new("CMYK", (8, 8), (0, 50, 100, 20)).save(tmp_path / "cmyk.jpg")
    cmyk = load_image(tmp_path / "cmyk.jpg")
    assert cmyk.colorspace == "cmyk" and cmyk.jpeg is not None
    assert cmyk.invert_cmyk  # Pillow writes the Adobe marker: inverted ink values
    Image.new("L", (8, 8), 90).save(tmp_path / "gray.jpg")
    assert load_image(tmp_path / "gray.jpg").colorspace == "gray"


@pytest.mark.parametrize("name, fmt", [("cut.png", "PNG"), ("cut.jpg", "JPEG")])
def test_truncated_image_is_an_image_error_naming_the_file(tmp_path, name, fmt):
    whole = tmp_path / ("whole." + fmt.lower())
    noisy = Image.effect_noise((200, 150), 60).convert("RGB")
    noisy.save(whole, fmt)
    data = whole.read_bytes()
    (tmp_path / name).write_bytes(data[:len(data) // 2])
    with pytest.raises(ImageError, match=rf"{name}: broken or truncated image"):
        load_image(tmp_path / name)


def test_missing_and_non_image_files(tmp_path):
    with pytest.raises(ImageError, match="absent.png: cannot read image file"):
        load_image(tmp_path / "absent.png")
    (tmp_path / "text.png").write_text("hello")
    with pytest.raises(ImageError, match="text.png: not an image format"):
        load_image(tmp_path / "text.png")
    with pytest.raises(ImageError, match="text.png: not an image format"):
        read_image_size(tmp_path / "text.png")


def test_image_size_from_the_header(tmp_path):
    Image.new("L", (300, 150), 0).save(tmp_path / "s.png", dpi=(300, 300))
    size = read_image_size(tmp_path / "s.png")
    assert (size.width_px, size.height_px, size.dpi) == (300, 150, (300, 300))
    assert size.natural_size_pt() == pytest.approx((72.0, 36.0))
    Image.new("L", (100, 50), 0).save(tmp_path / "nodpi.png")
    assert read_image_size(tmp_path / "nodpi.png").natural_size_pt() == (100.0, 50.0)
