"""Compiling a Template into a native plan, once per job.

Fonts are read and images decoded here, once; the plan then serves every
record. Static content (lines, boxes, images, text without fields) is
detected by the core and drawn once per file as a shared form.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import _native, locales
from .errors import FontError, TemplateError
from .images import load_image
from .template import (DATAMATRIX_SHAPES, PAGE_CONDITIONS, PAGE_FIELDS, QR_LEVELS, Barcode, FlowImage,
                       FlowItem, Frame, ImageElement, Line, OnPages, PageBreak, Rect, Spacer, Table,
                       Template, TextBlock, all_runs, gs1_raw_runs)
from .units import BLACK

_ALIGN = {"left": 0, "right": 1, "center": 2, "justify": 3}
_OVERFLOW = {"error": 0, "shrink": 1, "truncate": 2}
_MASTER = {"first": 0, "next": 1, "back": 2}
# Block placements other than a frame index (native/pressrun.h PR_BLOCK_*).
_ABSOLUTE, _FLOW, _CELL = -1, -2, -3
# Field kinds (PrFieldKind).
_VALUE, _LIST, _PAGE, _PAGES = 0, 1, 2, 3
# Flow item kinds (PrFlowKind).
_FLOW_BLOCK, _FLOW_TABLE, _FLOW_SPACE, _FLOW_PAGE_BREAK, _FLOW_IMAGE = 1, 2, 3, 4, 5
# Barcode symbologies (PrMarkKind).
_BARCODE_KIND = {"datamatrix": 2, "qr": 3, "code128": 4, "gs1-128": 5}


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
    field_names: list[str]          # plan field index -> name ("rows.child" for item fields)
    fonts: list[PlanFont] = field(default_factory=list)
    list_fields: set[str] = field(default_factory=set)   # list<struct> columns feeding tables
    item_fields: dict[str, str] = field(default_factory=dict)  # "rows.child" -> "rows"

    def column_of(self, name: str) -> str | None:
        """The data column a plan field reads, or None (page numbers, item fields)."""
        if name in PAGE_FIELDS or name in self.item_fields:
            return None
        return name


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

    tables = [item.content for item in template.flow if isinstance(item.content, Table)]
    compiled.list_fields = {table.rows for table in tables}
    field_index: dict[str, int] = {}

    def add_field(name: str, required: bool, fmt, kind: int = _VALUE, list_field=None) -> int:
        fmt, keys, fallback, variants = field_formats(name, fmt)
        field_index[name] = plan.add_field(name, required, fmt, kind=kind, list_field=list_field,
                                           variant_keys=keys, variant_fallback=fallback)
        compiled.field_names.append(name)
        for key_texts, native in variants:
            plan.add_field_variant(field_index[name], key_texts, native)
        return field_index[name]

    def field_formats(name: str, fmt):
        """(format, key fields, fallback, variants) of a field: a locale's format
        becomes native parameters; per record, variants keyed by record columns."""
        if fmt is None or not locales.is_locale_format(fmt):
            return fmt, (), False, ()
        formats = locales.field_formats(fmt)
        keys = tuple(key_field(column, name) for column in formats.key_columns)
        return formats.default, keys, formats.fallback, formats.variants

    def key_field(column: str, owner: str) -> int:
        """The plan field of the record column that picks `owner`'s format."""
        rows, _, child = column.partition(".")
        if column in PAGE_FIELDS or column in compiled.list_fields or (child and rows in compiled.list_fields):
            raise TemplateError(f"fields.{owner}.format: '{column}' is not a column of the record; a "
                                "record column picks the format")
        if column not in field_index:
            declared = template.fields.get(column)
            fmt = declared.format if declared is not None else None
            if fmt is not None and locales.is_locale_format(fmt) and locales.field_formats(fmt).key_columns:
                raise TemplateError(f"fields.{column}.format: '{column}' picks the format of "
                                    f"'{owner}', so its own cannot be picked per record")
            add_field(column, declared.required if declared is not None else True, fmt)
        return field_index[column]

    for rows in sorted(compiled.list_fields):
        spec = template.fields.get(rows)
        add_field(rows, spec.required if spec else True, None, kind=_LIST)
    used = {run.field for run in all_runs(template)}
    for name in PAGE_FIELDS:
        if name in used:
            add_field(name, True, None, kind=_PAGE if name == "page" else _PAGES)
    for name, spec in template.fields.items():
        if name in field_index:
            continue
        rows, _, child = name.partition(".")
        if child and rows in compiled.list_fields:
            # Item fields are named by their struct child; the list finds them.
            fmt, keys, fallback, variants = field_formats(name, spec.format)
            index = plan.add_field(child, spec.required, fmt, list_field=field_index[rows],
                                   variant_keys=keys, variant_fallback=fallback)
            for key_texts, native in variants:
                plan.add_field_variant(index, key_texts, native)
            field_index[name] = index
            compiled.field_names.append(name)
            compiled.item_fields[name] = rows
        else:
            add_field(name, spec.required, spec.format)

    image_index: dict[str, int] = {}
    for name, spec in template.images.items():
        image_index[name] = plan.add_image(load_image(spec.path))

    def add_runs(index: int, runs, style: str) -> None:
        for run in runs:
            run_style = style_index[run.style or style]
            if run.field is not None:
                plan.add_run(index, run_style, field=field_index[run.field])
            else:
                plan.add_run(index, run_style, text=run.text)

    def add_cell(runs, align: str = "left", wrap: bool = True) -> int:
        """A table cell block, or -1 for no runs."""
        if not runs:
            return -1
        index = plan.add_block(frame=_CELL, align=_ALIGN[align], wrap=wrap)
        add_runs(index, runs, runs[0].style)
        return index

    def add_block(block: TextBlock, frame: int = -1) -> int:
        index = plan.add_block(
            frame=frame,
            x_pt=block.x_pt if frame == _ABSOLUTE else 0.0,
            y_pt=block.y_pt if frame == _ABSOLUTE else 0.0,
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
        add_runs(index, block.runs, block.style)
        return index

    def add_barcode(code: Barcode) -> None:
        """The data is a cell block (never drawn): its runs' style is not used."""
        runs = gs1_raw_runs(code.runs) if code.symbology == "gs1-128" else code.runs
        data = plan.add_block(frame=_CELL, wrap=False)
        add_runs(data, runs, next(iter(template.styles)))
        option = 0
        if code.symbology == "qr":
            option = QR_LEVELS.index(code.level or "M")
        elif code.symbology == "datamatrix":
            option = DATAMATRIX_SHAPES.index(code.shape or "square")
        plan.add_barcode(_BARCODE_KIND[code.symbology], data, code.x_pt, code.y_pt, code.module_pt,
                         height_pt=code.height_pt or 0.0, option=option, color=BLACK)

    def add_elements(elements) -> None:
        for element in elements:
            if isinstance(element, OnPages):
                plan.set_page_condition(PAGE_CONDITIONS.index(element.pages))
                add_elements((element.element,))
                plan.set_page_condition(0)
            elif isinstance(element, TextBlock):
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
            elif isinstance(element, Barcode):
                add_barcode(element)
            else:
                raise TemplateError(f"unknown element {type(element).__name__}")

    add_elements(template.elements)
    for role, master in template.masters.items():
        plan.select_master(_MASTER[role])
        add_elements(master.elements)
        for x, y, width, height in master.frames:
            plan.add_flow_frame(x, y, width, height)
    group_ids: dict[str, int] = {}
    for item in template.flow:
        group = group_ids.setdefault(item.group, len(group_ids) + 1) if item.group else 0
        _add_flow_item(plan, item, field_index, add_block, add_cell, image_index, group)
    plan.finish()
    return compiled


def _add_flow_item(plan, item: FlowItem, field_index, add_block, add_cell, image_index,
                   group: int) -> None:
    options = dict(when_field=field_index[item.when] if item.when is not None else -1,
                   when_text=item.equals, keep_together=item.keep_together,
                   keep_with_next=item.keep_with_next, orphans=item.orphans, widows=item.widows,
                   group=group)
    content = item.content
    if isinstance(content, TextBlock):
        plan.add_flow(_FLOW_BLOCK, add_block(content, _FLOW), **options)
    elif isinstance(content, Spacer):
        plan.add_flow(_FLOW_SPACE, space_pt=content.height_pt, **options)
    elif isinstance(content, PageBreak):
        plan.add_flow(_FLOW_PAGE_BREAK, **options)
    elif isinstance(content, FlowImage):
        index = plan.add_flow_image(image_index[content.image], content.x_pt, content.width_pt,
                                    content.height_pt)
        plan.add_flow(_FLOW_IMAGE, index, **options)
    elif isinstance(content, Table):
        plan.add_flow(_FLOW_TABLE, _add_table(plan, content, field_index, add_block, add_cell),
                      **options)
    else:
        raise TemplateError(f"unknown flow content {type(content).__name__}")


def _add_table(plan, table: Table, field_index, add_block, add_cell) -> int:
    empty = -1
    if table.empty:
        empty = add_block(TextBlock(runs=table.empty, style=table.empty[0].style), _FLOW)
    carry_column = table.columns[table.carry_value_column] if table.carry_value else None
    index = plan.add_table(
        field_index[table.rows], table.padding_pt, zebra=table.zebra,
        header_rule_pt=table.header_rule_pt, header_rule=table.header_rule,
        footer_rule_pt=table.footer_rule_pt, footer_rule=table.footer_rule, empty_block=empty,
        carried_label_block=add_cell(table.carried_label,
                                     table.columns[table.carry_label_column].align),
        brought_label_block=add_cell(table.brought_label,
                                     table.columns[table.carry_label_column].align),
        carry_value_block=add_cell(table.carry_value, carry_column.align if carry_column else "left"),
        carry_label_column=table.carry_label_column if table.carry_value else -1,
        carry_value_column=table.carry_value_column if table.carry_value else -1,
        row_rule_pt=table.row_rule_pt, row_rule=table.row_rule,
        group_field=field_index[table.group_by] if table.group_by else -1,
        group_block=add_cell(table.group_heading),
    )
    for column in table.columns:
        plan.add_table_column(index, column.width_pt,
                              header_block=add_cell(column.header, column.align),
                              cell_block=add_cell(column.cell, column.align, column.wrap),
                              footer_block=add_cell(column.footer, column.align))
    return index
