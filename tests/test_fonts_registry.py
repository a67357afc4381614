"""The font registry finds faces by family name; broken font files are FontErrors."""
import shutil
from pathlib import Path

import pytest

from pressrun.errors import FontError
from pressrun.fonts import FontRegistry, default_registry, font_info, validate_font_file

DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")
DEJAVU = DEJAVU_DIR / "DejaVuSans.ttf"
DEJAVU_BOLD = DEJAVU_DIR / "DejaVuSans-Bold.ttf"

pytestmark = pytest.mark.skipif(not DEJAVU.exists(), reason="needs fonts-dejavu-core")


@pytest.fixture
def dejavu_only(tmp_path) -> FontRegistry:
    """A registry of copies of a few DejaVu faces, plus files that are not fonts."""
    fonts = tmp_path / "fonts" / "nested"
    fonts.mkdir(parents=True)
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf",
                 "DejaVuSans-ExtraLight.ttf", "DejaVuSansCondensed.ttf", "DejaVuSerif.ttf"):
        shutil.copy(DEJAVU_DIR / name, fonts / name)
    (fonts / "garbage.ttf").write_bytes(b"not a font at all")
    (fonts / "truncated.otf").write_bytes(DEJAVU.read_bytes()[:100])
    (fonts / "readme.txt").write_text("ignored")
    return FontRegistry([tmp_path / "fonts", tmp_path / "does-not-exist"])


def test_dejavu_sans_regular_and_bold_are_found():
    registry = default_registry()
    assert registry.find("DejaVu Sans", "regular").name == "DejaVuSans.ttf"
    assert registry.find("DejaVu Sans", "bold").name == "DejaVuSans-Bold.ttf"
    assert registry.find("dejavu  SANS", "bold_italic").name == "DejaVuSans-BoldOblique.ttf"
    assert "DejaVu Sans" in registry.families()


def test_faces_prefer_normal_width_and_weight(dejavu_only):
    faces = dejavu_only.faces("DejaVu Sans")
    assert faces["regular"].name == "DejaVuSans.ttf"  # not ExtraLight, not Condensed
    assert faces["bold"].name == "DejaVuSans-Bold.ttf"
    assert faces["italic"].name == "DejaVuSans-Oblique.ttf"
    assert "bold_italic" not in faces


def test_legacy_family_names_are_found_too(dejavu_only):
    # DejaVu Sans Condensed is typographic family "DejaVu Sans", legacy family "DejaVu Sans Condensed".
    assert dejavu_only.find("DejaVu Sans Condensed").name == "DejaVuSansCondensed.ttf"


def test_scan_skips_unreadable_files_silently(dejavu_only):
    assert dejavu_only.families() == ["DejaVu Sans", "DejaVu Sans Condensed", "DejaVu Sans Light", "DejaVu Serif"]


def test_missing_family_names_close_matches(dejavu_only):
    with pytest.raises(FontError, match=r"no font family 'DejaVu Sanz' found; close names: DejaVu Sans"):
        dejavu_only.find("DejaVu Sanz")


def test_missing_face_lists_the_faces_there_are(dejavu_only):
    with pytest.raises(FontError, match=r"'DejaVu Serif' has no bold face \(it has: regular\)"):
        dejavu_only.find("DejaVu Serif", "bold")
    with pytest.raises(FontError, match="unknown font face 'heavy'"):
        dejavu_only.find("DejaVu Serif", "heavy")


def test_font_path_from_the_environment_comes_first(tmp_path, monkeypatch):
    own = tmp_path / "own"
    own.mkdir()
    shutil.copy(DEJAVU_BOLD, own / "MyBold.ttf")
    monkeypatch.setenv("PRESSRUN_FONT_PATH", f"{tmp_path / 'missing'}:{own}")
    registry = FontRegistry()
    assert registry.search_dirs[1] == own
    assert registry.find("DejaVu Sans", "bold") == own / "MyBold.ttf"


def test_font_info():
    info = font_info(DEJAVU)
    assert info["is_cff"] is False
    assert info["postscript_name"] == "DejaVuSans"
    assert info["num_glyphs"] > 5000
    assert info["family"] == "DejaVu Sans"


def test_a_good_font_validates():
    validate_font_file(DEJAVU)
    validate_font_file(DEJAVU_BOLD)


@pytest.mark.parametrize("keep", [0, 12, 100, 1000, 0.5, -1])
def test_a_truncated_font_is_a_font_error_naming_the_file(tmp_path, keep):
    data = DEJAVU.read_bytes()
    length = int(len(data) * keep) if isinstance(keep, float) else (len(data) + keep if keep < 0 else keep)
    broken = tmp_path / "Broken.ttf"
    broken.write_bytes(data[:length])
    with pytest.raises(FontError, match="Broken.ttf"):
        validate_font_file(broken)


def test_missing_and_non_font_files_are_font_errors(tmp_path):
    with pytest.raises(FontError, match="nothere.ttf: font file not found"):
        validate_font_file(tmp_path / "nothere.ttf")
    text = tmp_path / "notes.ttf"
    text.write_text("hello")
    with pytest.raises(FontError, match="notes.ttf"):
        validate_font_file(text)
    with pytest.raises(FontError, match="notes.ttf"):
        font_info(text)
