"""Lengths, page sizes and colours as templates write them."""
import pytest

from pressrun.units import BLACK, WHITE, Color, page_size, parse_color, parse_length


@pytest.mark.parametrize("text, points", [
    ("10pt", 10.0), ("10 pt", 10.0), ("25.4mm", 72.0), ("2.54cm", 72.0), ("1in", 72.0),
    (".5in", 36.0), ("-3mm", -3 * 72 / 25.4), ("12", 12.0), (12, 12.0), (7.5, 7.5), ("3.5MM", 3.5 * 72 / 25.4),
])
def test_lengths_become_points(text, points):
    assert parse_length(text) == pytest.approx(points)


@pytest.mark.parametrize("bad", ["big", "10px", "", "mm", "1e400", True, None, [10], "10 pt pt", float("nan")])
def test_bad_lengths_say_what_was_expected(bad):
    with pytest.raises(ValueError, match="expected a length such as '10pt' or '3.5mm'"):
        parse_length(bad)


def test_page_sizes_by_name_and_by_dimensions():
    assert page_size("A4") == pytest.approx((595.2756, 841.8898))
    assert page_size("a5") == pytest.approx((419.5276, 595.2756))
    assert page_size("A3") == pytest.approx((841.8898, 1190.5512))
    assert page_size("Letter") == (612.0, 792.0)
    assert page_size("LEGAL") == (612.0, 1008.0)
    assert page_size(["100mm", "2in"]) == pytest.approx((283.4646, 144.0))


@pytest.mark.parametrize("bad, message", [
    ("B5", "unknown page size 'B5'"), (["10mm"], "expected a page size"),
    (["0mm", "10mm"], "must be positive"), (None, "expected a page size"),
])
def test_bad_page_sizes(bad, message):
    with pytest.raises(ValueError, match=message):
        page_size(bad)


def test_colour_notations():
    assert parse_color("#ff8000") == Color("rgb", (1.0, 128 / 255, 0.0))
    assert parse_color([0, 0.5, 1]) == Color("rgb", (0.0, 0.5, 1.0))
    assert parse_color({"gray": 0.25}) == Color("gray", (0.25,))
    assert parse_color({"cmyk": [0, 0, 0, 0.7]}) == Color("cmyk", (0.0, 0.0, 0.0, 0.7))
    assert parse_color("black") == BLACK == Color("gray", (0.0,))
    assert parse_color("White") == WHITE
    assert isinstance(parse_color("#000000").components, tuple)


@pytest.mark.parametrize("bad, message", [
    ("#12345", "expected a colour"), ("red", "expected a colour"), ([1, 2, 3], "between 0 and 1"),
    ({"cmyk": [0, 0, 0]}, "expected a colour"), ({"gray": "x"}, "expected a colour"),
    ({"rgb": [0, 0, 0]}, "expected a colour"), (None, "got null"), ([True, 0, 0], "expected a colour"),
])
def test_bad_colours(bad, message):
    with pytest.raises(ValueError, match=message):
        parse_color(bad)


def test_color_checks_its_components():
    with pytest.raises(ValueError, match="3 components"):
        Color("rgb", (0.0, 0.0))
    with pytest.raises(ValueError, match="gray, rgb or cmyk"):
        Color("lab", (0.0, 0.0, 0.0))
