"""Templates load into the model; every kind of mistake names file, line and key path."""
import shutil
import textwrap
from pathlib import Path

import pytest
from PIL import Image

from pressrun.errors import FontError, ImageError, TemplateError
from pressrun.template import (
    FieldSpec, FontFamily, FormatSpec, Frame, ImageElement, ImageSpec, Line, Page, Rect, Run, Style,
    Template, TextBlock, load_template, parse_runs, template_from_dict,
)
from pressrun.units import BLACK, Color

DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")
MM = 72 / 25.4

pytestmark = pytest.mark.skipif(not (DEJAVU_DIR / "DejaVuSans.ttf").exists(), reason="needs fonts-dejavu-core")

GOOD = textwrap.dedent("""\
    pressrun: 1
    name: letter
    page:
      size: A4
      margins: {top: 15mm, right: 20mm, bottom: 15mm, left: 20mm}

    fonts:
      sans: {family: DejaVu Sans}
      serif: {files: {regular: fonts/Serif.ttf}}

    styles:
      body:  {font: sans, size: 10pt, leading: 13pt, color: "#1a1a1a", fallback: [serif]}
      bold:  {based_on: body, face: bold}
      small: {font: sans, size: 7pt, color: {cmyk: [0, 0, 0, 0.7]}, kerning: false}

    images:
      logo:      {file: logo.png}
      signature: {file: signature.jpg}

    fields:
      address_line2: {required: false}
      balance:    {format: {decimals: 2, thousands: ",", prefix: "$"}}
      letter_date: {format: {date: "%d %B %Y"}}

    elements:
      - image: logo
        at: [20mm, 12mm]
        size: [40mm, null]
      - text: "Acme {{Energy}}, 1 Harbour Street"
        at: [190mm, 40mm]
        style: small
        align: right
      - paragraph: "{title} {last_name}\\n{address_line2}"
        box: [20mm, 45mm, 85mm, 30mm]
        style: body
        skip_empty_lines: true
        overflow: shrink
        min_size: 7pt
      - line: {from: [20mm, 285mm], to: [190mm, 285mm], width: 0.5pt, color: "#888888"}
      - rect: {box: [120mm, 45mm, 70mm, 25mm], stroke: "#000000", fill: {gray: 0.9}, width: 0.75pt}
      - rect: {box: [10mm, 10mm, 5mm, 5mm], fill: white}
      - frame:
          box: [20mm, 95mm, 170mm, 170mm]
          flow:
            - paragraph: "Dear {title} {last_name},"
              space_after: 8pt
            - paragraph:
                - "Your account "
                - {text: "{account_ref}", style: bold}
                - " is in credit by {balance}."
              align: justify
              space_before: 2pt
    """)


@pytest.fixture
def template_dir(tmp_path) -> Path:
    """A directory with GOOD as letter.yaml and the files it names."""
    (tmp_path / "fonts").mkdir()
    shutil.copy(DEJAVU_DIR / "DejaVuSerif.ttf", tmp_path / "fonts" / "Serif.ttf")
    Image.new("RGBA", (300, 100), (0, 0, 255, 128)).save(tmp_path / "logo.png")
    Image.new("RGB", (50, 20), (0, 0, 0)).save(tmp_path / "signature.jpg")
    (tmp_path / "letter.yaml").write_text(GOOD)
    return tmp_path


def line_of(text: str, needle: str) -> int:
    """1-based number of the line of `text` that holds `needle`."""
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in the template")


def load_changed(template_dir: Path, old: str, new: str, error=TemplateError) -> tuple[str, str]:
    """Loads GOOD with one change; returns (error message, changed text)."""
    assert old in GOOD
    text = GOOD.replace(old, new, 1)
    (template_dir / "letter.yaml").write_text(text)
    with pytest.raises(error) as caught:
        load_template(template_dir / "letter.yaml")
    return str(caught.value), text


def test_good_template_loads_into_the_model(template_dir):
    t = load_template(template_dir / "letter.yaml")
    assert t.name == "letter"
    assert t.base_dir == template_dir.absolute()
    assert t.page.width_pt == pytest.approx(595.2756) and t.page.height_pt == pytest.approx(841.8898)
    assert t.page.margins == pytest.approx((15 * MM, 20 * MM, 15 * MM, 20 * MM))

    assert t.fonts["sans"].family == "DejaVu Sans"
    assert t.fonts["sans"].files["bold"].name == "DejaVuSans-Bold.ttf"
    assert dict(t.fonts["serif"].files) == {"regular": template_dir.absolute() / "fonts" / "Serif.ttf"}

    body = t.styles["body"]
    assert body == Style("body", "sans", "regular", 10.0, 13.0, Color("rgb", (26 / 255,) * 3), ("serif",), True)
    assert t.styles["bold"] == Style("bold", "sans", "bold", 10.0, 13.0, body.color, ("serif",), True)
    small = t.styles["small"]
    assert small.leading_pt == pytest.approx(8.4)  # 1.2 x size
    assert small.color == Color("cmyk", (0, 0, 0, 0.7)) and small.kerning is False

    assert t.images["logo"] == ImageSpec("logo", template_dir.absolute() / "logo.png")

    assert list(t.fields) == ["address_line2", "balance", "letter_date", "title", "last_name", "account_ref"]
    assert t.fields["address_line2"] == FieldSpec("address_line2", required=False)
    assert t.fields["balance"].format == FormatSpec(decimals=2, thousands=",", prefix="$")
    assert t.fields["letter_date"].format.date == "%d %B %Y"
    assert t.fields["title"] == FieldSpec("title", required=True, format=None)

    logo, text, paragraph, line, rect, fill_only, frame = t.elements
    # 300 x 100 px at no stated resolution: 40mm wide keeps 3:1.
    assert logo == ImageElement("logo", pytest.approx(20 * MM), pytest.approx(12 * MM),
                                pytest.approx(40 * MM), pytest.approx(40 * MM / 3))
    assert text.runs == (Run("small", text="Acme {Energy}, 1 Harbour Street"),)
    assert (text.wrap, text.align, text.width_pt, text.style) == (False, "right", None, "small")
    assert paragraph.runs == (Run("body", field="title"), Run("body", text=" "), Run("body", field="last_name"),
                              Run("body", text="\n"), Run("body", field="address_line2"))
    assert paragraph.wrap and paragraph.skip_empty_lines
    assert (paragraph.x_pt, paragraph.width_pt, paragraph.height_pt) == pytest.approx((20 * MM, 85 * MM, 30 * MM))
    assert (paragraph.overflow, paragraph.min_size_pt) == ("shrink", 7.0)
    assert line == Line(pytest.approx(20 * MM), pytest.approx(285 * MM), pytest.approx(190 * MM),
                        pytest.approx(285 * MM), 0.5, Color("rgb", (136 / 255,) * 3))
    assert (rect.stroke, rect.fill, rect.width_pt_stroke) == (Color("rgb", (0, 0, 0)), Color("gray", (0.9,)), 0.75)
    assert (fill_only.stroke, fill_only.fill) == (None, Color("gray", (1.0,)))
    assert isinstance(frame, Frame) and len(frame.flow) == 2
    dear, credit = frame.flow
    assert dear.style == "body" and dear.space_after_pt == 8.0  # the first style is the default
    assert credit.runs == (Run("body", text="Your account "), Run("bold", field="account_ref"),
                           Run("body", text=" is in credit by "), Run("body", field="balance"),
                           Run("body", text="."))
    assert (credit.align, credit.space_before_pt) == ("justify", 2.0)


def test_template_from_dict_takes_the_same_format(template_dir, monkeypatch):
    import yaml

    monkeypatch.chdir(template_dir)
    t = template_from_dict(yaml.safe_load(GOOD))
    assert t.source == "<dict>"
    assert t.images["logo"].path == template_dir / "logo.png"
    with pytest.raises(TemplateError, match=r"^<dict>: styles\.body\.size: expected a length"):
        template_from_dict({**yaml.safe_load(GOOD), "styles": {"body": {"font": "sans", "size": "big"}}})


def test_parse_runs():
    assert parse_runs("Dear {name},", "s") == (Run("s", text="Dear "), Run("s", field="name"), Run("s", text=","))
    assert parse_runs("{{literal}} {{{x}}}") == (Run(text="{literal} {"), Run(field="x"), Run(text="}"))
    assert parse_runs("") == ()
    for bad, message in [("a {b", "unmatched '{' at character 3"), ("a } b", "unmatched '}' at character 3"),
                         ("{a{b}", "unmatched '{'"), ("x {} y", "empty field name")]:
        with pytest.raises(ValueError, match=message):
            parse_runs(bad)


# (old text of GOOD, new text, line marker in the new text, key path, words of the message)
BAD_TEMPLATES = {
    "bad length": ("size: 10pt, leading", "size: big, leading", "body:",
                   "styles.body.size", "expected a length such as '10pt' or '3.5mm', got 'big'"),
    "unknown key": ("size: 7pt,", "sise: 7pt,", "small:", "styles.small.sise", "unknown key; did you mean 'size'?"),
    "unknown top-level key": ("name: letter", "nmae: letter", "nmae", "nmae", "did you mean 'name'?"),
    "unknown element key": ("skip_empty_lines: true", "skip_empty: true", "skip_empty",
                            "elements[2].skip_empty", "did you mean 'skip_empty_lines'?"),
    "unknown style": ("style: small\n", "style: smal\n", "style: smal",
                      "elements[1].style", "unknown style 'smal'; did you mean 'small'?"),
    "unknown run style": ("style: bold}", "style: bolt}", "style: bolt",
                          "elements[6].frame.flow[1].paragraph[1].style", "unknown style 'bolt'"),
    "unknown image": ("image: logo", "image: lgo", "image: lgo", "elements[0].image", "did you mean 'logo'?"),
    "unknown font": ("based_on: body, face: bold}", "based_on: body, face: bold, font: snas}", "bold:",
                     "styles.bold.font", "unknown font 'snas'; did you mean 'sans'?"),
    "unknown based_on": ("based_on: body", "based_on: bdy", "bold:", "styles.bold.based_on",
                         "unknown style 'bdy'"),
    "unknown face": ("face: bold}", "face: heavy}", "bold:", "styles.bold.face", "unknown face 'heavy'"),
    "missing face": ("small: {font: sans,", "small: {font: serif, face: bold,", "small:",
                     "styles.small.face", "font 'serif' has no bold face (it has: regular)"),
    "missing image file": ("file: logo.png", "file: logo-missing.png", "logo-missing",
                           "images.logo.file", "image file not found"),
    "missing font file": ("fonts/Serif.ttf", "fonts/Nope.ttf", "Nope.ttf",
                          "fonts.serif.files.regular", "font file not found"),
    "unknown font family": ("family: DejaVu Sans", "family: DejaVu Sanz", "Sanz",
                            "fonts.sans.family", "no font family 'DejaVu Sanz' found; close names: DejaVu Sans"),
    "style cycle": ("body:  {font: sans,", "body:  {based_on: bold, font: sans,", "bold:",
                    "styles.bold.based_on", "cycle: body -> bold -> body"),
    "self cycle": ("bold:  {based_on: body,", "bold:  {based_on: bold,", "bold:",
                   "styles.bold.based_on", "cycle: bold -> bold"),
    "unmatched brace": ('"Dear {title} {last_name},"', '"Dear {title {last_name},"', "Dear {title {",
                        "elements[6].frame.flow[0].paragraph", "unmatched '{' at character 6"),
    "unmatched closing brace": ("1 Harbour Street", "1 Harbour} Street", "Harbour}",
                                "elements[1].text", "unmatched '}'"),
    "wrong version": ("pressrun: 1", "pressrun: 2", "pressrun: 2", "pressrun",
                      "unsupported template format version 2; this pressrun reads version 1"),
    "negative box": ("box: [120mm, 45mm, 70mm, 25mm]", "box: [120mm, 45mm, -70mm, 25mm]", "-70mm",
                     "elements[4].rect.box", "the width must be positive"),
    "off the page": ("box: [20mm, 95mm, 170mm, 170mm]", "box: [20mm, 95mm, 170mm, 270mm]", "270mm",
                     "elements[6].frame.box", "reaches off the page: it ends at x 190.0mm, y 365.0mm"),
    "text off the page": ("at: [190mm, 40mm]", "at: [290mm, 40mm]", "290mm", "elements[1].at", "off the page"),
    "bad colour": ('color: "#888888"', 'color: "#88"', '"#88"', "elements[3].line.color", "expected a colour"),
    "unquoted colour is a comment": ('body:  {font: sans, size: 10pt, leading: 13pt, color: "#1a1a1a", fallback: [serif]}',
                                    "body:\n    font: sans\n    size: 10pt\n    color: #1a1a1a",
                                    "color: #1a1a1a", "styles.body.color", "got null"),
    "bad page size": ("size: A4", "size: A7", "A7", "page.size", "unknown page size 'A7'"),
    "bad box": ("box: [20mm, 45mm, 85mm, 30mm]", "box: [20mm, 45mm]", "box: [20mm, 45mm]",
                "elements[2].box", "expected [x, y, width] or [x, y, width, height]"),
    "min_size without shrink": ("overflow: shrink", "overflow: truncate", "min_size",
                                "elements[2].min_size", "min_size applies only with overflow: shrink"),
    "bad alignment": ("align: justify", "align: justified", "justified",
                      "elements[6].frame.flow[1].align", "did you mean 'justify'?"),
    "justified text line": ("align: right", "align: justify", "align: justify",
                            "elements[1].align", "justify applies to paragraphs"),
    "unsupported date directive": ('"%d %B %Y"', '"%d %Q %Y"', "%Q",
                                   "fields.letter_date.format.date", "unsupported directive '%Q'"),
    "date with number options": ('date: "%d %B %Y"}', 'date: "%d %B %Y", decimals: 2}', "letter_date",
                                 "fields.letter_date.format.date", "cannot be combined with number options"),
    "bad required": ("required: false", "required: maybe", "maybe", "fields.address_line2.required",
                     "expected true or false, got 'maybe'"),
    "unknown element kind": ("- line: {from", "- lien: {from", "lien", "elements[3].lien",
                             "unknown element kind; did you mean 'line'?"),
    "two kinds in one element": ("  - image: logo\n", "  - image: logo\n    text: hi\n", "image: logo",
                                 "elements[0]", "one element per list item: found text, image"),
    "position in a flow": ("space_after: 8pt", "space_after: 8pt\n          at: [0, 0]", "at: [0, 0]",
                           "elements[6].frame.flow[0].at", "placed by the frame"),
    "missing page": ("page:\n  size: A4\n  margins: {top: 15mm, right: 20mm, bottom: 15mm, left: 20mm}\n", "",
                     "pressrun: 1", "", "missing required key 'page'"),
    "duplicate key": ("  sans: {family: DejaVu Sans}\n", "  sans: {family: DejaVu Sans}\n  sans: {family: x}\n",
                      "sans: {family: x}", "fonts.sans", "duplicate key (first given on line 8)"),
}


@pytest.mark.parametrize("case", BAD_TEMPLATES, ids=list(BAD_TEMPLATES))
def test_bad_template_names_file_line_and_key_path(template_dir, case):
    old, new, marker, key_path, words = BAD_TEMPLATES[case]
    message, text = load_changed(template_dir, old, new)
    where = f"{template_dir / 'letter.yaml'}:{line_of(text, marker)}: "
    expected = where + (f"{key_path}: " if key_path else "")
    assert message.startswith(expected), message
    assert words in message, message


def test_yaml_syntax_error_names_the_line(template_dir):
    message, text = load_changed(template_dir, "size: 7pt,", "size: [7pt,")
    assert message.startswith(f"{template_dir / 'letter.yaml'}:{line_of(text, 'size: [7pt')}: YAML syntax error")


def test_tab_indentation_is_a_syntax_error(template_dir):
    message, text = load_changed(template_dir, "  sans: {", "\tsans: {")
    assert f"letter.yaml:{line_of(text, 'sans: {')}: YAML syntax error" in message


def test_non_mapping_and_missing_files(template_dir):
    (template_dir / "list.yaml").write_text("- 1\n- 2\n")
    with pytest.raises(TemplateError, match="list.yaml:1: a template is a mapping"):
        load_template(template_dir / "list.yaml")
    with pytest.raises(TemplateError, match="absent.yaml: cannot read template"):
        load_template(template_dir / "absent.yaml")


def test_broken_font_file_is_a_font_error_with_its_place(template_dir):
    data = (template_dir / "fonts" / "Serif.ttf").read_bytes()
    (template_dir / "fonts" / "Serif.ttf").write_bytes(data[:5000])
    with pytest.raises(FontError) as caught:
        load_template(template_dir / "letter.yaml")
    message = str(caught.value)
    assert message.startswith(f"{template_dir / 'letter.yaml'}:{line_of(GOOD, 'Serif.ttf')}: "
                              "fonts.serif.files.regular: ")
    assert "Serif.ttf: broken or truncated font" in message


def test_unreadable_image_is_an_image_error_with_its_place(template_dir):
    (template_dir / "logo.png").write_text("not a png")
    with pytest.raises(ImageError) as caught:
        load_template(template_dir / "letter.yaml")
    assert str(caught.value).startswith(f"{template_dir / 'letter.yaml'}:{line_of(GOOD, 'logo.png')}: "
                                        "images.logo.file: ")
    assert "logo.png: not an image format" in str(caught.value)


# ------------------------------------------------------------------ built from Python

def python_template(tmp_path: Path, **changes) -> Template:
    Image.new("RGB", (200, 100)).save(tmp_path / "logo.png")
    parts = dict(
        name="py", page=Page(595.0, 842.0),
        fonts={"sans": FontFamily("sans", "DejaVu Sans")},
        styles={"body": Style("body", "sans", size_pt=10.0)},
        images={"logo": ImageSpec("logo", Path("logo.png"))},
        elements=[TextBlock(parse_runs("Hello {who}"), 10.0, 10.0, 200.0, style="body"),
                  ImageElement("logo", 10.0, 100.0, height_pt=50.0),
                  Frame(10, 200, 300, 300, [TextBlock((Run(text="flow"),), style="body")])],
        base_dir=tmp_path,
    )
    parts.update(changes)
    return Template(**parts)


def test_python_built_template_is_completed(tmp_path):
    t = python_template(tmp_path)
    assert t.fonts["sans"].files["regular"].name == "DejaVuSans.ttf"
    assert t.styles["body"].leading_pt == 12.0
    assert t.images["logo"].path == tmp_path / "logo.png"
    assert t.fields == {"who": FieldSpec("who")}
    assert isinstance(t.elements, tuple)
    assert (t.elements[1].width_pt, t.elements[1].height_pt) == (100.0, 50.0)
    t.validate()


@pytest.mark.parametrize("changes, message", [
    ({"styles": {"body": Style("body", "sanz")}}, "<python>: styles.body.font: unknown font 'sanz'"),
    ({"styles": {"body": Style("body", "sans", size_pt=-1)}}, "styles.body.size: must be a positive length"),
    ({"styles": {"b": Style("body", "sans")}}, "styles.b: holds a Style named 'body'"),
    ({"elements": [TextBlock(parse_runs("x"), 10, 10, 100, style="bdy")]},
     "elements[0].style: unknown style 'bdy'; did you mean 'body'?"),
    ({"elements": [Rect(10, 10, 100, -5)]}, "elements[0].rect.box: the height must be positive"),
    ({"elements": [Line(10, 10, 1000, 10)]}, "elements[0].line.to: reaches off the page"),
    ({"elements": [ImageElement("logo", 500, 10, 200)]}, "elements[0].at: reaches off the page"),
    ({"elements": [TextBlock((Run("body", text="a", field="b"),), 1, 1, 50, style="body")]},
     "elements[0].paragraph: a run needs exactly one of text and field"),
    ({"elements": [Frame(10, 10, 100, 100, [])]}, "elements[0].frame.flow: a frame needs at least one block"),
    ({"fields": {"n": FieldSpec("n", format=FormatSpec(prefix="x" * 20))}},
     "fields.n.format.prefix: 'xxxxxxxxxxxxxxxxxxxx' is longer than 15 bytes"),
    ({"images": {"logo": ImageSpec("logo", Path("nope.png"))}}, "images.logo.file: image file not found"),
    ({"page": Page(100, 100, (60, 0, 50, 0))}, "page.margins: the margins leave no room"),
])
def test_python_built_template_is_validated_with_key_paths(tmp_path, changes, message):
    with pytest.raises(TemplateError) as caught:
        python_template(tmp_path, **changes)
    assert message in str(caught.value)
    assert ":1" not in str(caught.value).split(":")[0]  # no line numbers without a file


def test_models_are_immutable(tmp_path):
    t = python_template(tmp_path)
    with pytest.raises(AttributeError):
        t.name = "other"
    with pytest.raises(TypeError):
        t.styles["new"] = Style("new", "sans")
    assert t.styles["body"].color == BLACK
