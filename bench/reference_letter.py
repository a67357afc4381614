"""The demo letter drawn by two established Python PDF libraries.

These are the yardsticks for bench/throughput.py: the same letter as
engine/pressrun/demo/letter.yaml, written the way a competent user of each
library would write it, from the same Arrow batches (converted per batch with
to_pylist(), which is part of the reference's cost).

Texts, coordinates and field formats are read once from letter.yaml, so the
outputs stay alike when the template changes; the per-record drawing is plain
library code. Only the template keys the demo letter uses are understood, and
any other key fails loudly rather than drawing something different.

Baselines follow one rule for both libraries: a line box of height `leading`
with the font's hhea ascent + descent centred in it (the CSS half-leading
model); pressrun's core may differ by a fraction of a point.
"""
from __future__ import annotations

import datetime as dt
import decimal
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import pyarrow as pa
import yaml

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf"}
# DejaVu Sans hhea metrics (1901 and -483 of 2048 units), both faces.
ASCENT, DESCENT = 1901 / 2048, 483 / 2048
PAGE_SIZES_PT = {"A4": (595.2756, 841.8898), "Letter": (612.0, 792.0)}
_UNIT_PT = {"pt": 1.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0}


# ---- The letter, read once from the template ---------------------------------

@dataclass(frozen=True)
class Style:
    face: str            # regular | bold
    size: float          # pt
    leading: float       # pt, baseline to baseline
    color: tuple[float, float, float]

    @property
    def baseline_offset(self) -> float:
        """Distance from the top of the line box to the baseline."""
        half_leading = (self.leading - (ASCENT + DESCENT) * self.size) / 2
        return half_leading + ASCENT * self.size


@dataclass
class Paragraph:
    runs: list[tuple[str, Style]]   # text with {field} placeholders, style
    style: Style
    x: float = 0.0
    top: float = 0.0
    width: float = 0.0
    align: str = "left"
    skip_empty_lines: bool = False
    space_after: float = 0.0


@dataclass
class Letter:
    page_width: float
    page_height: float
    formats: dict[str, dict]
    # (kind, spec) in drawing order; kinds: text, paragraph, frame, image, line, rect.
    elements: list[tuple[str, dict]] = field(default_factory=list)
    image_files: dict[str, Path] = field(default_factory=dict)


def load_letter(assets_dir: Path) -> Letter:
    """Read letter.yaml from assets_dir into plain drawing instructions (points)."""
    assets_dir = Path(assets_dir)
    spec = yaml.safe_load((assets_dir / "letter.yaml").read_text(encoding="utf-8"))
    width, height = _page_size(spec["page"]["size"])
    styles = _load_styles(spec["styles"])
    letter = Letter(
        page_width=width,
        page_height=height,
        formats={name: f.get("format", {}) for name, f in spec.get("fields", {}).items()},
        image_files={name: assets_dir / img["file"] for name, img in spec["images"].items()},
    )
    for element in spec["elements"]:
        letter.elements.append(_load_element(element, styles))
    return letter


def _load_element(element: dict, styles: dict[str, Style]) -> tuple[str, dict]:
    if "text" in element:
        _expect_keys(element, {"text", "at", "style", "align"})
        x, top = map(length_pt, element["at"])
        return "text", {"text": element["text"], "x": x, "top": top,
                        "style": styles[element["style"]], "align": element.get("align", "left")}
    if "paragraph" in element:
        return "paragraph", _load_paragraph(element, styles)
    if "frame" in element:
        frame = element["frame"]
        x, top, width, height = map(length_pt, frame["box"])
        flow = [_load_paragraph(block, styles) for block in frame["flow"]]
        for p in flow:
            p.x, p.width = x, width
        return "frame", {"x": x, "top": top, "width": width, "height": height, "flow": flow}
    if "image" in element:
        _expect_keys(element, {"image", "at", "size"})
        x, top = map(length_pt, element["at"])
        w, h = map(length_pt, element["size"])
        return "image", {"name": element["image"], "x": x, "top": top, "width": w, "height": h}
    if "line" in element:
        line = element["line"]
        (x1, y1), (x2, y2) = (map(length_pt, line["from"]), map(length_pt, line["to"]))
        return "line", {"x1": x1, "y1": y1, "x2": x2, "y2": y2,
                        "width": length_pt(line.get("width", "1pt")), "color": color_rgb(line["color"])}
    if "rect" in element:
        rect = element["rect"]
        x, top, w, h = map(length_pt, rect["box"])
        return "rect", {"x": x, "top": top, "width": w, "height": h, "width_pt": length_pt(rect["width"]),
                        "stroke": color_rgb(rect["stroke"]), "fill": color_rgb(rect["fill"])}
    raise ValueError(f"reference letter: unsupported element {sorted(element)}")


def _load_paragraph(block: dict, styles: dict[str, Style]) -> Paragraph:
    _expect_keys(block, {"paragraph", "box", "style", "align", "skip_empty_lines", "space_after", "overflow"})
    style = styles[block["style"]]
    body = block["paragraph"]
    runs = [(body, style)] if isinstance(body, str) else [
        (run, style) if isinstance(run, str) else (run["text"], styles[run["style"]]) for run in body]
    paragraph = Paragraph(runs=runs, style=style, align=block.get("align", "left"),
                          skip_empty_lines=bool(block.get("skip_empty_lines", False)),
                          space_after=length_pt(block.get("space_after", 0)))
    if "box" in block:
        paragraph.x, paragraph.top, paragraph.width = map(length_pt, block["box"][:3])
    return paragraph


def _load_styles(spec: dict) -> dict[str, Style]:
    resolved: dict[str, dict] = {}

    def resolve(name: str) -> dict:
        if name not in resolved:
            own = dict(spec[name])
            base = resolve(own.pop("based_on")) if "based_on" in own else {}
            resolved[name] = {**base, **own}
        return resolved[name]

    styles = {}
    for name in spec:
        s = resolve(name)
        size = length_pt(s["size"])
        styles[name] = Style(face=s.get("face", "regular"), size=size,
                             leading=length_pt(s.get("leading", size * 1.2)),
                             color=color_rgb(s.get("color", "#000000")))
    return styles


def _expect_keys(element: dict, allowed: set[str]) -> None:
    unknown = set(element) - allowed
    if unknown:
        raise ValueError(f"reference letter: unsupported keys {sorted(unknown)} in {element}")


def _page_size(size) -> tuple[float, float]:
    if isinstance(size, str):
        return PAGE_SIZES_PT[size]
    return length_pt(size[0]), length_pt(size[1])


def length_pt(value) -> float:
    if isinstance(value, (int, float)):
        return float(value)
    number, unit = re.fullmatch(r"\s*([0-9.]+)\s*(pt|mm|cm|in)?\s*", value).groups()
    return float(number) * _UNIT_PT[unit or "pt"]


def color_rgb(value) -> tuple[float, float, float]:
    if isinstance(value, str) and value.startswith("#"):
        return tuple(int(value[i:i + 2], 16) / 255 for i in (1, 3, 5))
    if isinstance(value, list):
        return tuple(float(v) for v in value)
    return {"black": (0.0, 0.0, 0.0), "white": (1.0, 1.0, 1.0)}[value]


# ---- Field formatting, the way the template declares it ---------------------

def make_formatter(formats: dict[str, dict]) -> Callable[[dict], dict[str, str]]:
    """A function from one record (to_pylist row) to its display strings."""
    def format_record(row: dict) -> dict[str, str]:
        return {name: format_value(value, formats.get(name)) for name, value in row.items()}
    return format_record


def format_value(value, fmt: dict | None) -> str:
    if value is None:
        return ""
    if fmt and isinstance(value, (dt.date, dt.datetime)) and "date" in fmt:
        # glibc strftime: %e is the day padded with a space, as C's.
        return value.strftime(fmt["date"])
    if fmt and isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool):
        decimals = fmt.get("decimals")
        text = f"{abs(value):,.{decimals}f}" if decimals is not None else f"{abs(value):,}"
        integer, _, fraction = text.partition(".")
        integer = integer.replace(",", fmt.get("thousands", ""))
        text = integer + (fmt.get("decimal", ".") + fraction if fraction else "")
        sign = "-" if value < 0 else ""
        return f"{sign}{fmt.get('prefix', '')}{text}{fmt.get('suffix', '')}"
    return str(value)


def fill(template: str, values: dict[str, str]) -> str:
    # The template's {name} and {{ }} are Python's format syntax.
    return template.format_map(values)


def paragraph_lines(paragraph: Paragraph, values: dict[str, str]) -> list[str]:
    """A one-run paragraph's hard lines, with empty ones dropped if asked."""
    lines = fill(paragraph.runs[0][0], values).split("\n")
    if paragraph.skip_empty_lines:
        lines = [line for line in lines if line.strip()]
    return lines


# ---- Greedy line breaking for the ReportLab canvas --------------------------

Fragment = tuple[str, Style]


@dataclass
class _Line:
    words: list[list[Fragment]]
    gaps: list[Style]        # style of the space before words[1:]
    width: float
    last: bool              # the paragraph's last line or before a hard break


def break_lines(runs: list[Fragment], width: float,
                measure: Callable[[str, Style], float]) -> list[_Line]:
    """Greedy wrap of styled runs at spaces; '\\n' forces a break."""
    lines: list[_Line] = []
    words: list[list[Fragment]] = []
    gaps: list[Style] = []
    line_width = 0.0
    word: list[Fragment] = []
    space_style: Style | None = None

    def finish_word() -> None:
        nonlocal word, line_width, words, gaps, space_style
        if not word:
            return
        word_width = sum(measure(text, style) for text, style in word)
        gap = measure(" ", space_style) if (words and space_style) else 0.0
        if words and line_width + gap + word_width > width:
            lines.append(_Line(words, gaps, line_width, last=False))
            words, gaps, line_width, gap = [], [], 0.0, 0.0
        if words:
            gaps.append(space_style)
        words.append(word)
        line_width += gap + word_width
        word, space_style = [], None

    def hard_break() -> None:
        nonlocal words, gaps, line_width
        lines.append(_Line(words, gaps, line_width, last=True))
        words, gaps, line_width = [], [], 0.0

    for text, style in runs:
        for hard_index, hard_line in enumerate(text.split("\n")):
            if hard_index:
                finish_word()
                hard_break()
            for piece_index, piece in enumerate(hard_line.split(" ")):
                if piece_index:
                    finish_word()
                    space_style = style
                if piece:
                    word.append((piece, style))
    finish_word()
    hard_break()
    return lines


# ---- (a) ReportLab, canvas level ---------------------------------------------

def render_reportlab(batches: Iterable[pa.RecordBatch], out_path: Path, assets_dir: Path,
                     *, compress: bool = True) -> int:
    """Write one letter per record with reportlab.pdfgen.canvas; returns pages."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas as rl_canvas

    letter = load_letter(assets_dir)
    font_names = {face: f"DejaVuSans-{face}" for face in FONT_FILES}
    for face, file in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(font_names[face], str(FONT_DIR / file)))
    images = {name: ImageReader(str(path)) for name, path in letter.image_files.items()}
    format_record = make_formatter(letter.formats)
    page_h = letter.page_height

    def measure(text: str, style: Style) -> float:
        return pdfmetrics.stringWidth(text, font_names[style.face], style.size)

    def draw_lines(canvas, lines: list[_Line], p: Paragraph, top: float) -> None:
        text = canvas.beginText()
        current = (None, None)
        for i, line in enumerate(lines):
            free = p.width - line.width
            x = p.x + {"right": free, "center": free / 2}.get(p.align, 0.0)
            word_space = free / len(line.gaps) if p.align == "justify" and not line.last and line.gaps else 0.0
            text.setTextOrigin(x, page_h - (top + i * p.style.leading + p.style.baseline_offset))
            text.setWordSpace(word_space)  # Tw: ReportLab keeps the space at code 32
            for span, style in _style_spans(line):
                current = _rl_style(text, style, current, font_names)
                text.textOut(span)
        canvas.drawText(text)

    def draw_paragraph(canvas, p: Paragraph, values: dict[str, str], top: float) -> float:
        if len(p.runs) == 1:
            runs = [("\n".join(paragraph_lines(p, values)), p.runs[0][1])]
        else:
            runs = [(fill(t, values), s) for t, s in p.runs]
        lines = break_lines(runs, p.width, measure)
        draw_lines(canvas, lines, p, top)
        return len(lines) * p.style.leading

    def draw_letter(canvas, values: dict[str, str]) -> None:
        for kind, e in letter.elements:
            if kind == "text":
                s = e["style"]
                canvas.setFont(font_names[s.face], s.size)
                canvas.setFillColorRGB(*s.color)
                y = page_h - (e["top"] + s.baseline_offset)
                draw = {"right": canvas.drawRightString, "center": canvas.drawCentredString}.get(
                    e["align"], canvas.drawString)
                draw(e["x"], y, fill(e["text"], values))
            elif kind == "paragraph":
                draw_paragraph(canvas, e, values, e.top)
            elif kind == "frame":
                y = e["top"]
                for p in e["flow"]:
                    y += draw_paragraph(canvas, p, values, y) + p.space_after
            elif kind == "image":
                canvas.drawImage(images[e["name"]], e["x"], page_h - e["top"] - e["height"],
                                 e["width"], e["height"], mask="auto")
            elif kind == "line":
                canvas.setStrokeColorRGB(*e["color"])
                canvas.setLineWidth(e["width"])
                canvas.line(e["x1"], page_h - e["y1"], e["x2"], page_h - e["y2"])
            elif kind == "rect":
                canvas.setStrokeColorRGB(*e["stroke"])
                canvas.setFillColorRGB(*e["fill"])
                canvas.setLineWidth(e["width_pt"])
                canvas.rect(e["x"], page_h - e["top"] - e["height"], e["width"], e["height"],
                            stroke=1, fill=1)

    canvas = rl_canvas.Canvas(str(out_path), pagesize=(letter.page_width, page_h),
                                 pageCompression=int(compress))
    pages = 0
    for batch in batches:
        for row in batch.to_pylist():
            draw_letter(canvas, format_record(row))
            canvas.showPage()
            pages += 1
    canvas.save()
    return pages


def _style_spans(line: _Line) -> list[Fragment]:
    """The line as few (text, style) spans as possible: one textOut per style change."""
    spans: list[list] = []
    for w, word in enumerate(line.words):
        pieces = ([(" ", line.gaps[w - 1])] if w else []) + word
        for piece, style in pieces:
            if spans and spans[-1][1] is style:
                spans[-1][0] += piece
            else:
                spans.append([piece, style])
    return [(text, style) for text, style in spans]


def _rl_style(text, style: Style, current, font_names):
    """Switch font and colour on a ReportLab text object only when they change."""
    font = (font_names[style.face], style.size)
    if font != current[0]:
        text.setFont(*font)
    if style.color != current[1]:
        text.setFillColorRGB(*style.color)
    return font, style.color


# ---- (b) fpdf2 -----------------------------------------------------------------

def render_fpdf2(batches: Iterable[pa.RecordBatch], out_path: Path, assets_dir: Path,
                 *, compress: bool = True) -> int:
    """Write one letter per record with fpdf2 (multi_cell and write wrap); returns pages."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    letter = load_letter(assets_dir)
    format_record = make_formatter(letter.formats)
    pdf = FPDF(unit="pt", format=(letter.page_width, letter.page_height))
    pdf.set_auto_page_break(False)
    pdf.set_compression(compress)
    pdf.c_margin = 0  # cells flush with the template's boxes
    faces = {"regular": "", "bold": "B"}
    for face, file in FONT_FILES.items():
        pdf.add_font("DejaVu", faces[face], str(FONT_DIR / file))

    def use(style: Style) -> None:
        pdf.set_font("DejaVu", faces[style.face], style.size)
        pdf.set_text_color(*(round(c * 255) for c in style.color))

    def draw_paragraph(p: Paragraph, values: dict[str, str], top: float) -> float:
        """Draws p with its top at `top`; returns the y below it."""
        pdf.set_xy(p.x, top)
        if len(p.runs) == 1:
            use(p.style)
            align = {"left": "L", "right": "R", "center": "C", "justify": "J"}[p.align]
            pdf.multi_cell(p.width, p.style.leading, "\n".join(paragraph_lines(p, values)),
                           align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            return pdf.get_y()
        # Mixed styles: write() flows runs between the margins, left aligned.
        pdf.set_left_margin(p.x)
        pdf.set_right_margin(letter.page_width - p.x - p.width)
        for text, style in p.runs:
            use(style)
            pdf.write(p.style.leading, fill(text, values))
        pdf.ln(p.style.leading)
        return pdf.get_y()

    def draw_letter(values: dict[str, str]) -> None:
        for kind, e in letter.elements:
            if kind == "text":
                s = e["style"]
                use(s)
                text = fill(e["text"], values)
                x = e["x"]
                if e["align"] != "left":
                    width = pdf.get_string_width(text)
                    x -= width if e["align"] == "right" else width / 2
                pdf.text(x, e["top"] + s.baseline_offset, text)
            elif kind == "paragraph":
                draw_paragraph(e, values, e.top)
            elif kind == "frame":
                y = e["top"]
                for p in e["flow"]:
                    y = draw_paragraph(p, values, y) + p.space_after
            elif kind == "image":
                pdf.image(str(letter.image_files[e["name"]]), e["x"], e["top"], e["width"], e["height"])
            elif kind == "line":
                pdf.set_draw_color(*(round(c * 255) for c in e["color"]))
                pdf.set_line_width(e["width"])
                pdf.line(e["x1"], e["y1"], e["x2"], e["y2"])
            elif kind == "rect":
                pdf.set_draw_color(*(round(c * 255) for c in e["stroke"]))
                pdf.set_fill_color(*(round(c * 255) for c in e["fill"]))
                pdf.set_line_width(e["width_pt"])
                pdf.rect(e["x"], e["top"], e["width"], e["height"], style="DF")

    for batch in batches:
        for row in batch.to_pylist():
            pdf.add_page()
            draw_letter(format_record(row))
    pdf.output(str(out_path))
    return pdf.pages_count


RENDERERS = {"reportlab": render_reportlab, "fpdf2": render_fpdf2}


if __name__ == "__main__":
    # A quick look: python bench/reference_letter.py reportlab|fpdf2 OUT.pdf ASSETS_DIR [N]
    from demo_data import load_demo

    demo = load_demo()
    engine, out, assets = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    records = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    demo.write_demo_assets(assets)
    print(RENDERERS[engine](demo.iter_letter_batches(records), out, assets), "pages")
