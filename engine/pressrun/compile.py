"""Compiling a Template into a native plan, once per job.

Fonts are read and images decoded here, once; the plan then serves every
record. Static content (lines, boxes, images, text without fields) is
detected by the core and drawn once per file as a shared form.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import _native
from .errors import FontError, TemplateError
from .images import load_image
from .template import Frame, ImageElement, Line, Rect, Template, TextBlock

_ALIGN = {"left": 0, "right": 1, "center": 2, "justify": 3}
_OVERFLOW = {"error": 0, "shrink": 1, "truncate": 2}


@dataclass
class PlanFont:
    """One embedded font face: its file, native handle and plan index."""
    path: Path
    font: _native.Font
    index: int
    is_cff: bool
    glyph_count: int


@dataclass
class CompiledPlan:
    template: Template
    plan: _native.Plan
    field_names: list[str]
    fonts: list[PlanFont] = field(default_factory=list)


def compile_template(template: Template) -> CompiledPlan:
    plan = _native.Plan(template.page.width_pt, template.page.height_pt)
    compiled = CompiledPlan(template=template, plan=plan, field_names=[])
    fonts_by_path: dict[Path, PlanFont] = {}

    def font_index(family_key: str, face: str) -> int:
        family = template.fonts[family_key]
        path = family.files.get(face) or family.files.get("regular")
        if path is None:
            raise TemplateError(f"font '{family_key}' has no '{face}' or regular face")
        path = Path(path)
        if path not in fonts_by_path:
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise FontError(f"{path}: cannot read font file: {exc}") from exc
            native_font = _native.Font(data, 0, str(path))
            info = native_font.info
            index = plan.add_font(native_font)
            fonts_by_path[path] = PlanFont(path, native_font, index, info["is_cff"], info["glyph_count"])
            compiled.fonts.append(fonts_by_path[path])
        return fonts_by_path[path].index

    style_index: dict[str, int] = {}
    for name, style in template.styles.items():
        chain = [font_index(style.font, style.face)]
        chain += [font_index(fallback, style.face) for fallback in style.fallback]
        style_index[name] = plan.add_style(
            chain, style.size_pt, style.leading_pt, style.color, style.kerning
        )

    field_index: dict[str, int] = {}
    for name, spec in template.fields.items():
        field_index[name] = plan.add_field(name, spec.required, spec.format)
        compiled.field_names.append(name)

    image_index: dict[str, int] = {}
    for name, spec in template.images.items():
        image_index[name] = plan.add_image(load_image(spec.path))

    def add_block(block: TextBlock, frame: int = -1) -> None:
        index = plan.add_block(
            frame=frame,
            x_pt=block.x_pt if frame < 0 else 0.0,
            y_pt=block.y_pt if frame < 0 else 0.0,
            width_pt=block.width_pt or 0.0,
            height_pt=block.height_pt or 0.0,
            space_before_pt=block.space_before_pt,
            space_after_pt=block.space_after_pt,
            align=_ALIGN[block.align],
            overflow=_OVERFLOW[block.overflow],
            wrap=block.wrap,
            skip_empty_lines=block.skip_empty_lines,
            min_size_pt=block.min_size_pt or 0.0,
        )
        for run in block.runs:
            style = style_index[run.style or block.style]
            if run.field is not None:
                plan.add_run(index, style, field=field_index[run.field])
            else:
                plan.add_run(index, style, text=run.text)

    for element in template.elements:
        if isinstance(element, TextBlock):
            add_block(element)
        elif isinstance(element, Frame):
            frame = plan.add_frame(element.x_pt, element.y_pt, element.width_pt, element.height_pt)
            for block in element.flow:
                add_block(block, frame)
        elif isinstance(element, Line):
            plan.add_line(element.x1_pt, element.y1_pt, element.x2_pt, element.y2_pt,
                          element.width_pt, element.color)
        elif isinstance(element, Rect):
            plan.add_rect(element.x_pt, element.y_pt, element.width_pt, element.height_pt,
                          element.width_pt_stroke, element.stroke, element.fill)
        elif isinstance(element, ImageElement):
            plan.place_image(image_index[element.image], element.x_pt, element.y_pt,
                             element.width_pt, element.height_pt)
        else:
            raise TemplateError(f"unknown element {type(element).__name__}")
    plan.finish()
    return compiled
