# cython: language_level=3
"""pressrun._native: the Cython bindings of the native core.

Only marshalling lives here: one class per native handle, Arrow batches in as
C Data Interface capsules, every C call made once per batch with the GIL
released, and native status codes turned into Python exceptions in one place
(`_check`).
"""
from cpython.pycapsule cimport PyCapsule_GetPointer, PyCapsule_IsValid
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from libc.stdint cimport int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t
from libc.string cimport memset, strncpy

import numpy as np

from pressrun import errors as _errors

from cpressrun cimport *


cdef dict _EXCEPTIONS = {
    PR_EFONT: _errors.FontError,
    PR_EDATA: _errors.DataError,
    PR_EIMAGE: _errors.ImageError,
}


cdef int _check(PrStatus status, PrError *error) except -1:
    """Raises the Python exception for a failed native call."""
    if status == PR_OK:
        return 0
    message = error.message.decode("utf-8", "replace")
    if status == PR_ENOMEM:
        raise MemoryError(message)
    exception = _EXCEPTIONS.get(status, _errors.NativeError)
    raise exception(message)


def deflate_backend():
    """The deflate library this build compresses with: 'libdeflate' or 'zlib'."""
    return PrDeflater_backend().decode()


cdef PrColor _color(object color) except *:
    """A pressrun.units.Color (space, components) to PrColor."""
    cdef PrColor out
    memset(&out, 0, sizeof(out))
    space = color.space
    out.space = {"gray": 0, "rgb": 1, "cmyk": 2}[space]
    for i, value in enumerate(color.components[:4]):
        out.value[i] = value
    return out


cdef void _copy_text(char *target, size_t target_bytes, object text, str what) except *:
    encoded = (text or "").encode("utf-8")
    if <size_t>len(encoded) >= target_bytes:
        raise _errors.TemplateError(
            f"{what} {text!r} is longer than {target_bytes - 1} bytes")
    strncpy(target, encoded, target_bytes - 1)
    target[target_bytes - 1] = 0


cdef void _fill_format(PrFormatSpec *out, object fmt, str name) except *:
    """A zero-filled PrFormatSpec from a FormatSpec or NativeFormat (see add_field)."""
    cdef int i
    memset(out, 0, sizeof(PrFormatSpec))
    out.decimals = -1
    _copy_text(out.decimal, 8, ".", "decimal mark")
    if fmt is None:
        return
    if fmt.date:
        out.kind = 2
        _copy_text(out.date, 64, fmt.date, f"field {name}: date format")
    else:
        out.kind = 1
    if fmt.decimals is not None:
        out.decimals = fmt.decimals
    _copy_text(out.thousands, 8, fmt.thousands, f"field {name}: thousands separator")
    _copy_text(out.decimal, 8, fmt.decimal or ".", f"field {name}: decimal mark")
    _copy_text(out.prefix, 16, fmt.prefix, f"field {name}: prefix")
    _copy_text(out.suffix, 16, fmt.suffix, f"field {name}: suffix")
    out.max_decimals = getattr(fmt, "max_decimals", 0) or 0
    out.grouping = getattr(fmt, "group_size", 0) or 0
    out.grouping_next = getattr(fmt, "group_size_next", 0) or 0
    out.scale_power = getattr(fmt, "scale_power", 0) or 0
    negative_prefix = getattr(fmt, "negative_prefix", None)
    if negative_prefix is not None:
        out.has_negative = True
        _copy_text(out.negative_prefix, 24, negative_prefix, f"field {name}: negative prefix")
        _copy_text(out.negative_suffix, 24, getattr(fmt, "negative_suffix", ""),
                   f"field {name}: negative suffix")
    for i, text in enumerate(getattr(fmt, "months", ())[:12]):
        _copy_text(out.months[i], PR_FORMAT_NAME_BYTES, text, f"field {name}: month name")
    for i, text in enumerate(getattr(fmt, "months_short", ())[:12]):
        _copy_text(out.months_short[i], PR_FORMAT_NAME_BYTES, text, f"field {name}: month name")
    for i, text in enumerate(getattr(fmt, "weekdays", ())[:7]):
        _copy_text(out.weekdays[i], PR_FORMAT_NAME_BYTES, text, f"field {name}: weekday name")
    for i, text in enumerate(getattr(fmt, "weekdays_short", ())[:7]):
        _copy_text(out.weekdays_short[i], PR_FORMAT_NAME_BYTES, text, f"field {name}: weekday name")


cdef class Font:
    """A parsed TrueType/OpenType font (immutable, shared by every composer)."""
    cdef PrFont *_font
    cdef readonly object path

    def __cinit__(self, bytes data, uint32_t face_index=0, path=None):
        cdef PrError error
        cdef const uint8_t *bytes_ = data
        cdef size_t size = len(data)
        cdef PrStatus status
        self.path = path
        with nogil:
            status = PrFont_create(bytes_, size, face_index, &self._font, &error)
        if status != PR_OK and path is not None:
            error_text = error.message.decode("utf-8", "replace")
            raise _errors.FontError(f"{path}: {error_text}")
        _check(status, &error)

    def __dealloc__(self):
        if self._font != NULL:
            PrFont_destroy(self._font)

    @property
    def info(self):
        cdef PrFontInfo info
        PrFont_info(self._font, &info)
        return {
            "units_per_em": info.units_per_em,
            "glyph_count": info.glyph_count,
            "ascender": info.ascender,
            "descender": info.descender,
            "line_gap": info.line_gap,
            "cap_height": info.cap_height,
            "bbox": tuple(info.bbox[i] for i in range(4)),
            "italic_angle_deg": info.italic_angle_deg,
            "weight_class": info.weight_class,
            "is_cff": bool(info.is_cff),
            "is_fixed_pitch": bool(info.is_fixed_pitch),
            "postscript_name": info.postscript_name.decode("latin-1"),
        }

    def glyph(self, uint32_t codepoint):
        return PrFont_glyph(self._font, codepoint)

    def advance(self, int glyph):
        return PrFont_advance(self._font, glyph)

    def kerning(self, int left, int right):
        return PrFont_kerning(self._font, left, right)


cdef class Plan:
    """A compiled template: built once per job, then read-only.

    Keeps references to the fonts and image buffers the native plan borrows."""
    cdef PrPlan *_plan
    cdef list _borrowed

    def __cinit__(self, float page_width_pt, float page_height_pt):
        cdef PrError error
        self._borrowed = []
        _check(PrPlan_create(page_width_pt, page_height_pt, &self._plan, &error), &error)

    def __dealloc__(self):
        if self._plan != NULL:
            PrPlan_destroy(self._plan)

    def add_font(self, Font font):
        cdef PrError error
        cdef uint32_t index
        _check(PrPlan_addFont(self._plan, font._font, &index, &error), &error)
        self._borrowed.append(font)
        return index

    def add_style(self, fonts, float size_pt, float leading_pt, color, bint kerning=True):
        cdef PrError error
        cdef PrStyleSpec spec
        cdef uint32_t font_indices[8]
        cdef uint32_t index
        if not 1 <= len(fonts) <= 8:
            raise _errors.TemplateError("a style needs 1 to 8 fonts (its font and fallbacks)")
        for i, font_index in enumerate(fonts):
            font_indices[i] = font_index
        spec.fonts = font_indices
        spec.font_count = len(fonts)
        spec.size_pt = size_pt
        spec.leading_pt = leading_pt
        spec.color = _color(color)
        spec.kerning = kerning
        _check(PrPlan_addStyle(self._plan, &spec, &index, &error), &error)
        return index

    def add_field(self, str name, bint required=True, fmt=None, *, int kind=0, list_field=None,
                  variant_keys=(), bint variant_fallback=False):
        """fmt: None or an object with decimals, thousands, decimal, prefix, suffix, date
        (a template FormatSpec), and optionally the members of a locale's format
        (pressrun.locales.NativeFormat): max_decimals, group_size, group_size_next,
        scale_power, negative_prefix (None: "-" and the positive affixes),
        negative_suffix, months, months_short, weekdays, weekdays_short (Sunday first).
        kind: 0 a value, 1 a list<struct> (table rows), 2 page number, 3 page count.
        list_field: for a field of a table's rows, the plan index of its list field.
        variant_keys: plan indices of record fields whose texts pick one of the
        formats given by add_field_variant; variant_fallback: texts that match none
        take `fmt` (else the record fails)."""
        cdef PrError error
        cdef PrFieldSpec spec
        cdef uint32_t index
        memset(&spec, 0, sizeof(spec))
        name_bytes = name.encode("utf-8")
        spec.name = name_bytes
        spec.required = required
        spec.kind = kind
        if list_field is not None:
            spec.is_item = True
            spec.list_field = list_field
        _fill_format(&spec.format, fmt, name)
        if len(variant_keys) > PR_VARIANT_MAX_KEYS:
            raise _errors.TemplateError(
                f"field {name}: at most {PR_VARIANT_MAX_KEYS} fields can pick its format")
        spec.variant_key_count = len(variant_keys)
        for i, key in enumerate(variant_keys):
            spec.variant_keys[i] = key
        spec.variant_fallback = variant_fallback
        _check(PrPlan_addField(self._plan, &spec, &index, &error), &error)
        return index

    def add_field_variant(self, uint32_t field, keys, fmt):
        """A format of plan field `field` for the records whose key fields hold the
        texts `keys` (one per variant key of the field; "" stands for null)."""
        cdef PrError error
        cdef PrFormatSpec format
        cdef const char *key_texts[PR_VARIANT_MAX_KEYS]
        if len(keys) > PR_VARIANT_MAX_KEYS:
            raise _errors.TemplateError(f"a format variant has at most {PR_VARIANT_MAX_KEYS} keys")
        encoded = [str(key).encode("utf-8") for key in keys]
        for i in range(PR_VARIANT_MAX_KEYS):
            if i < len(encoded):
                key_texts[i] = <const char *>encoded[i]
            else:
                key_texts[i] = ""
        _fill_format(&format, fmt, f"#{field}")
        _check(PrPlan_addFieldVariant(self._plan, field, key_texts, &format, &error), &error)

    def add_image(self, image):
        """image: a pressrun.images.ImageData."""
        cdef PrError error
        cdef PrImageSpec spec
        cdef uint32_t index
        cdef const uint8_t[::1] pixels
        cdef const uint8_t[::1] alpha
        cdef const uint8_t[::1] jpeg
        memset(&spec, 0, sizeof(spec))
        spec.width_px = image.width_px
        spec.height_px = image.height_px
        spec.color_space = {"gray": 0, "rgb": 1, "cmyk": 2}[image.colorspace]
        spec.bits_per_component = 8
        spec.invert_cmyk = bool(image.invert_cmyk)
        if image.jpeg is not None:
            jpeg = image.jpeg
            spec.jpeg = &jpeg[0]
            spec.jpeg_bytes = len(image.jpeg)
            self._borrowed.append(image.jpeg)
        else:
            pixels = image.pixels
            spec.pixels = &pixels[0]
            spec.pixels_bytes = len(image.pixels)
            self._borrowed.append(image.pixels)
        if image.alpha is not None:
            alpha = image.alpha
            spec.alpha = &alpha[0]
            spec.alpha_bytes = len(image.alpha)
            self._borrowed.append(image.alpha)
        _check(PrPlan_addImage(self._plan, &spec, &index, &error), &error)
        return index

    def add_frame(self, float x_pt, float y_pt, float width_pt, float height_pt):
        cdef PrError error
        cdef uint32_t index
        _check(PrPlan_addFrame(self._plan, x_pt, y_pt, width_pt, height_pt, &index, &error), &error)
        return index

    def select_master(self, uint32_t role):
        """0: the first page, 1: the pages that continue it, 2: the back page."""
        cdef PrError error
        _check(PrPlan_selectMaster(self._plan, role, &error), &error)

    def add_flow_frame(self, float x_pt, float y_pt, float width_pt, float height_pt):
        cdef PrError error
        _check(PrPlan_addFlowFrame(self._plan, x_pt, y_pt, width_pt, height_pt, &error), &error)

    def add_flow(self, int kind, uint32_t index=0, *, float space_pt=0, int when_field=-1,
                 str when_text=None, bint keep_together=False, bint keep_with_next=False,
                 int orphans=2, int widows=2, uint32_t group=0):
        """kind: 1 block, 2 table, 3 space, 4 page break."""
        cdef PrError error
        cdef PrFlowSpec spec
        memset(&spec, 0, sizeof(spec))
        when_bytes = when_text.encode("utf-8") if when_text is not None else None
        spec.kind = kind
        spec.index = index
        spec.space_pt = space_pt
        spec.when_field = when_field
        spec.when_text = <const char *>when_bytes if when_bytes is not None else NULL
        spec.keep_together = keep_together
        spec.keep_with_next = keep_with_next
        spec.orphans = orphans
        spec.widows = widows
        spec.group = group
        _check(PrPlan_addFlow(self._plan, &spec, &error), &error)

    def add_table(self, uint32_t list_field, padding_pt, *, zebra=None, float header_rule_pt=0,
                  header_rule=None, float footer_rule_pt=0, footer_rule=None, int empty_block=-1,
                  int carried_label_block=-1, int brought_label_block=-1,
                  int carry_value_block=-1, int carry_label_column=-1,
                  int carry_value_column=-1, float row_rule_pt=0, row_rule=None,
                  int group_field=-1, int group_block=-1):
        """padding_pt: (top, right, bottom, left). Colours: pressrun.units.Color or None."""
        cdef PrError error
        cdef PrTableSpec spec
        cdef uint32_t index
        memset(&spec, 0, sizeof(spec))
        spec.list_field = list_field
        for i in range(4):
            spec.padding_pt[i] = padding_pt[i]
        if zebra is not None:
            spec.has_zebra = True
            spec.zebra = _color(zebra)
        spec.header_rule_pt = header_rule_pt
        if header_rule is not None:
            spec.header_rule = _color(header_rule)
        spec.footer_rule_pt = footer_rule_pt
        if footer_rule is not None:
            spec.footer_rule = _color(footer_rule)
        spec.empty_block = empty_block
        spec.carried_label_block = carried_label_block
        spec.brought_label_block = brought_label_block
        spec.carry_value_block = carry_value_block
        spec.carry_label_column = carry_label_column
        spec.carry_value_column = carry_value_column
        spec.row_rule_pt = row_rule_pt
        if row_rule is not None:
            spec.row_rule = _color(row_rule)
        spec.group_field = group_field
        spec.group_block = group_block
        _check(PrPlan_addTable(self._plan, &spec, &index, &error), &error)
        return index

    def add_flow_image(self, uint32_t image, float x_pt, float width_pt, float height_pt):
        """An image for the flow, x_pt from the frame's left edge; returns its index."""
        cdef PrError error
        cdef PrPlacementSpec spec
        cdef uint32_t index
        spec.image = image
        spec.x_pt = x_pt
        spec.y_pt = 0
        spec.width_pt = width_pt
        spec.height_pt = height_pt
        _check(PrPlan_addFlowImage(self._plan, &spec, &index, &error), &error)
        return index

    def set_page_condition(self, uint32_t condition):
        """0 all pages, 1 first, 2 last, 3 all but the last, 4 all but the first."""
        cdef PrError error
        _check(PrPlan_setPageCondition(self._plan, condition, &error), &error)

    def add_table_column(self, uint32_t table, float width_pt, *, int header_block=-1,
                         int cell_block=-1, int footer_block=-1):
        cdef PrError error
        cdef PrTableColumnSpec spec
        spec.width_pt = width_pt
        spec.header_block = header_block
        spec.cell_block = cell_block
        spec.footer_block = footer_block
        _check(PrPlan_addTableColumn(self._plan, table, &spec, &error), &error)

    def add_block(self, *, int frame=-1, float x_pt=0, float y_pt=0, float width_pt=0,
                  float height_pt=0, float space_before_pt=0, float space_after_pt=0,
                  int align=0, int overflow=0, bint wrap=True, bint skip_empty_lines=False,
                  float min_size_pt=0):
        cdef PrError error
        cdef PrBlockSpec spec
        cdef uint32_t index
        memset(&spec, 0, sizeof(spec))
        spec.frame = frame
        spec.x_pt = x_pt
        spec.y_pt = y_pt
        spec.width_pt = width_pt
        spec.height_pt = height_pt
        spec.space_before_pt = space_before_pt
        spec.space_after_pt = space_after_pt
        spec.align = align
        spec.overflow = overflow
        spec.wrap = wrap
        spec.skip_empty_lines = skip_empty_lines
        spec.min_size_pt = min_size_pt
        _check(PrPlan_addBlock(self._plan, &spec, &index, &error), &error)
        return index

    def add_run(self, uint32_t block, uint32_t style, *, int field=-1, str text=None):
        cdef PrError error
        cdef PrRunSpec spec
        encoded = (text or "").encode("utf-8")
        spec.style = style
        spec.field = field
        spec.text = encoded
        spec.text_bytes = len(encoded)
        _check(PrPlan_addRun(self._plan, block, &spec, &error), &error)

    def add_barcode(self, int kind, uint32_t data_block, float x_pt, float y_pt, float module_pt,
                    *, float width_pt=0, float height_pt=0, int option=0, color=None):
        """A barcode element (PrMarkKind) of the selected master; data_block: a cell
        block whose text is the symbol's data."""
        cdef PrError error
        cdef PrMarkSpec spec
        spec.kind = kind
        spec.option = option
        spec.x_pt = x_pt
        spec.y_pt = y_pt
        spec.module_pt = module_pt
        spec.width_pt = width_pt
        spec.height_pt = height_pt
        if color is not None:
            spec.color = _color(color)
        else:
            memset(&spec.color, 0, sizeof(spec.color))   # gray 0: black
        _check(PrPlan_addBarcode(self._plan, &spec, data_block, &error), &error)

    def add_line(self, float x1_pt, float y1_pt, float x2_pt, float y2_pt, float width_pt, color):
        cdef PrError error
        cdef PrLineSpec spec
        spec.x1_pt = x1_pt
        spec.y1_pt = y1_pt
        spec.x2_pt = x2_pt
        spec.y2_pt = y2_pt
        spec.width_pt = width_pt
        spec.color = _color(color)
        _check(PrPlan_addLine(self._plan, &spec, &error), &error)

    def add_rect(self, float x_pt, float y_pt, float width_pt, float height_pt,
                 float stroke_width_pt, stroke=None, fill=None):
        cdef PrError error
        cdef PrRectSpec spec
        memset(&spec, 0, sizeof(spec))
        spec.x_pt = x_pt
        spec.y_pt = y_pt
        spec.width_pt = width_pt
        spec.height_pt = height_pt
        spec.stroke_width_pt = stroke_width_pt
        spec.has_stroke = stroke is not None
        spec.has_fill = fill is not None
        if stroke is not None:
            spec.stroke = _color(stroke)
        if fill is not None:
            spec.fill = _color(fill)
        _check(PrPlan_addRect(self._plan, &spec, &error), &error)

    def place_image(self, uint32_t image, float x_pt, float y_pt, float width_pt, float height_pt):
        cdef PrError error
        cdef PrPlacementSpec spec
        spec.image = image
        spec.x_pt = x_pt
        spec.y_pt = y_pt
        spec.width_pt = width_pt
        spec.height_pt = height_pt
        _check(PrPlan_placeImage(self._plan, &spec, &error), &error)

    def finish(self):
        cdef PrError error
        _check(PrPlan_finish(self._plan, &error), &error)

    @property
    def field_count(self):
        return PrPlan_fieldCount(self._plan)

    @property
    def font_count(self):
        return PrPlan_fontCount(self._plan)


cdef class PdfWriter:
    """One PDF print stream. Bytes accumulate natively until `take_output`."""
    cdef PrPdfWriter *_writer
    cdef readonly Plan plan

    def __cinit__(self, Plan plan, int compression=1, str title=None, str producer=None,
                  uint32_t deflate_threads=1):
        cdef PrError error
        cdef PrPdfOptions options
        title_bytes = title.encode("utf-8") if title is not None else None
        producer_bytes = producer.encode("utf-8") if producer is not None else None
        options.compression = compression
        options.title = <const char *>title_bytes if title_bytes is not None else NULL
        options.producer = <const char *>producer_bytes if producer_bytes is not None else NULL
        options.deflate_threads = deflate_threads
        self.plan = plan
        _check(PrPdfWriter_create(plan._plan, &options, &self._writer, &error), &error)

    def __dealloc__(self):
        if self._writer != NULL:
            PrPdfWriter_destroy(self._writer)

    def take_output(self):
        """The bytes produced since the last call, as a bytes copy."""
        cdef const uint8_t *data
        cdef size_t size
        PrPdfWriter_output(self._writer, &data, &size)
        chunk = data[:size] if size > 0 else b""
        PrPdfWriter_consume(self._writer)
        return chunk

    def write_output(self, sink):
        """Writes the bytes produced since the last call to `sink` (anything
        with write()) straight from the native buffer, without a copy: the
        end of a big file (page tree, xref) is tens of megabytes."""
        cdef const uint8_t *data
        cdef size_t size
        PrPdfWriter_output(self._writer, &data, &size)
        if size > 0:
            sink.write(<const uint8_t[:size]> data)
        PrPdfWriter_consume(self._writer)
        return size

    @property
    def page_count(self):
        return PrPdfWriter_pageCount(self._writer)

    @property
    def bytes_written(self):
        return PrPdfWriter_bytesWritten(self._writer)

    def used_glyphs(self, uint32_t font, uint32_t glyph_count):
        """The glyph ids of plan font `font` that the file uses, ascending."""
        cdef PrError error
        cdef bytearray bitset = bytearray((glyph_count + 7) // 8)
        cdef uint8_t[::1] view = bitset
        _check(PrPdfWriter_usedGlyphs(self._writer, font, &view[0], len(bitset), &error), &error)
        bits = np.unpackbits(np.frombuffer(bytes(bitset), dtype=np.uint8), bitorder="little")
        return np.flatnonzero(bits[:glyph_count]).tolist()

    def set_font_program(self, uint32_t font, bytes data, int kind):
        cdef PrError error
        _check(PrPdfWriter_setFontProgram(self._writer, font, data, len(data), kind, &error), &error)

    def finish(self):
        cdef PrError error
        cdef PrStatus status
        with nogil:
            status = PrPdfWriter_finish(self._writer, &error)
        _check(status, &error)


cdef class AfpWriter:
    """One AFP (MO:DCA) print file. Bytes accumulate natively until drained.

    tag_names: the TLE attribute names of every page group; medium_maps:
    (name, input bin, media type or None, duplex 0/1/2) per medium map of
    the form definition; coded_fonts: (plan font, character set, code page,
    code points (sorted uint32), their bytes (uint8)) per font shown in a
    printer-resident coded font; font_names: each plan font's full font
    name (name ID 4), by which pages map it."""
    cdef PrAfpWriter *_writer
    cdef readonly Plan plan

    def __cinit__(self, Plan plan, str document_name=None, tag_names=(), medium_maps=(),
                  str form_name=None, float medium_width_pt=0, float medium_height_pt=0,
                  coded_fonts=(), font_names=(), bint native_barcodes=True):
        cdef PrError error
        cdef PrAfpOptions options
        memset(&options, 0, sizeof(PrAfpOptions))
        keep = []   # the encoded strings and arrays, alive until create has copied them

        def c_text(value):
            if value is None:
                return None
            encoded = value.encode("utf-8")
            keep.append(encoded)
            return encoded

        document_bytes = c_text(document_name)
        form_bytes = c_text(form_name)
        options.document_name = <const char *>document_bytes if document_bytes is not None else NULL
        options.form_name = <const char *>form_bytes if form_bytes is not None else NULL
        options.medium_width_pt = medium_width_pt
        options.medium_height_pt = medium_height_pt
        options.native_barcodes = native_barcodes
        tag_list = [c_text(name) for name in tag_names]
        map_list = list(medium_maps)
        font_list = list(coded_fonts)
        font_name_list = [c_text(name) for name in font_names]
        cdef const char **names = <const char **>PyMem_Malloc((len(tag_list) + 1) * sizeof(char *))
        cdef const char **full_names = <const char **>PyMem_Malloc(
            (len(font_name_list) + 1) * sizeof(char *))
        cdef PrAfpMediumMap *maps = <PrAfpMediumMap *>PyMem_Malloc(
            (len(map_list) + 1) * sizeof(PrAfpMediumMap))
        cdef PrAfpCodedFont *fonts = <PrAfpCodedFont *>PyMem_Malloc(
            (len(font_list) + 1) * sizeof(PrAfpCodedFont))
        cdef const uint32_t[::1] codepoint_view
        cdef const uint8_t[::1] byte_view
        try:
            if names == NULL or maps == NULL or fonts == NULL or full_names == NULL:
                raise MemoryError()
            if font_name_list and len(font_name_list) != plan.font_count:
                raise ValueError("font_names: one per plan font")
            for i, name in enumerate(font_name_list):
                full_names[i] = <const char *>name if name is not None else NULL
            options.font_names = full_names if font_name_list else NULL
            for i, name in enumerate(tag_list):
                names[i] = <const char *>name
            for i, (name, input_bin, media_type, duplex) in enumerate(map_list):
                name_bytes = c_text(name)
                media_bytes = c_text(media_type)
                maps[i].name = <const char *>name_bytes
                maps[i].input_bin = input_bin
                maps[i].media_type = <const char *>media_bytes if media_bytes is not None else NULL
                maps[i].duplex = duplex
            for i, (font, character_set, code_page, codepoints, code_bytes) in enumerate(font_list):
                codepoint_array = np.ascontiguousarray(codepoints, dtype=np.uint32)
                byte_array = np.ascontiguousarray(code_bytes, dtype=np.uint8)
                if codepoint_array.shape[0] != byte_array.shape[0] or codepoint_array.shape[0] == 0:
                    raise ValueError("coded font %r: code points and bytes differ in number or "
                                     "are empty" % (code_page,))
                keep.extend((codepoint_array, byte_array))
                codepoint_view = codepoint_array
                byte_view = byte_array
                set_bytes = c_text(character_set)
                page_bytes = c_text(code_page)
                fonts[i].font = font
                fonts[i].character_set = <const char *>set_bytes
                fonts[i].code_page = <const char *>page_bytes
                fonts[i].codepoints = &codepoint_view[0]
                fonts[i].code_bytes = &byte_view[0]
                fonts[i].code_count = codepoint_array.shape[0]
            options.tag_names = names
            options.tag_count = len(tag_list)
            options.medium_maps = maps
            options.medium_map_count = len(map_list)
            options.coded_fonts = fonts
            options.coded_font_count = len(font_list)
            self.plan = plan
            _check(PrAfpWriter_create(plan._plan, &options, &self._writer, &error), &error)
        finally:
            PyMem_Free(names)
            PyMem_Free(full_names)
            PyMem_Free(maps)
            PyMem_Free(fonts)

    def __dealloc__(self):
        if self._writer != NULL:
            PrAfpWriter_destroy(self._writer)

    def write_output(self, sink):
        """Writes the bytes produced since the last call to `sink` without a copy."""
        cdef const uint8_t *data
        cdef size_t size
        PrAfpWriter_output(self._writer, &data, &size)
        if size > 0:
            sink.write(<const uint8_t[:size]> data)
        PrAfpWriter_consume(self._writer)
        return size

    def take_output(self):
        """The bytes produced since the last call, as a bytes copy."""
        cdef const uint8_t *data
        cdef size_t size
        PrAfpWriter_output(self._writer, &data, &size)
        chunk = data[:size] if size > 0 else b""
        PrAfpWriter_consume(self._writer)
        return chunk

    @property
    def page_count(self):
        return PrAfpWriter_pageCount(self._writer)

    @property
    def bytes_written(self):
        return PrAfpWriter_bytesWritten(self._writer)

    def finish(self):
        cdef PrError error
        cdef PrStatus status
        with nogil:
            status = PrAfpWriter_finish(self._writer, &error)
        _check(status, &error)


cdef ArrowSchema *_schema_of(object capsule) except NULL:
    if not PyCapsule_IsValid(capsule, b"arrow_schema"):
        raise TypeError("expected an 'arrow_schema' PyCapsule")
    return <ArrowSchema *>PyCapsule_GetPointer(capsule, b"arrow_schema")


cdef ArrowArray *_array_of(object capsule) except NULL:
    if not PyCapsule_IsValid(capsule, b"arrow_array"):
        raise TypeError("expected an 'arrow_array' PyCapsule")
    return <ArrowArray *>PyCapsule_GetPointer(capsule, b"arrow_array")


cdef class Composer:
    """Lays out records of a plan; single-threaded, owns its scratch buffers."""
    cdef PrComposer *_composer
    cdef readonly Plan plan

    def __cinit__(self, Plan plan):
        cdef PrError error
        self.plan = plan
        _check(PrComposer_create(plan._plan, &self._composer, &error), &error)

    def __dealloc__(self):
        if self._composer != NULL:
            PrComposer_destroy(self._composer)

    def compose_pdf(self, PdfWriter writer, object schema_capsule, object array_capsule,
                    field_columns):
        """Composes one record batch given as Arrow C Data Interface capsules.

        Returns (first_page int64 array, page_count int32 array, errors) where
        errors is a list of (row, plan field index or -1, message)."""
        cdef PrError error
        cdef PrStatus status
        cdef ArrowSchema *schema = _schema_of(schema_capsule)
        cdef ArrowArray *array = _array_of(array_capsule)
        columns = np.ascontiguousarray(field_columns, dtype=np.int32)
        cdef const int32_t[::1] columns_view = columns
        cdef int64_t rows = array.length
        first_page = np.empty(rows, dtype=np.int64)
        page_count = np.empty(rows, dtype=np.int32)
        cdef int64_t[::1] first_page_view = first_page
        cdef int32_t[::1] page_count_view = page_count
        cdef const int32_t *columns_ptr = &columns_view[0] if columns.shape[0] > 0 else NULL
        cdef int64_t *first_ptr = &first_page_view[0] if rows > 0 else NULL
        cdef int32_t *count_ptr = &page_count_view[0] if rows > 0 else NULL
        cdef uint32_t column_count = columns.shape[0]
        with nogil:
            status = PrComposer_composePdf(self._composer, writer._writer, schema, array,
                                           columns_ptr, column_count, first_ptr, count_ptr, &error)
        _check(status, &error)
        return first_page, page_count, self._record_errors()

    def layout_batch(self, object schema_capsule, object array_capsule, field_columns, rows=None):
        """Composes rows of a batch (int64 indices, in the order wanted; None:
        every row) and holds their pages for write_pieces.

        Returns (first held page int64 array (-1: failed), page_count int32
        array, errors), one entry per row composed; errors as compose_pdf's,
        naming the position in `rows`."""
        cdef PrError error
        cdef PrStatus status
        cdef ArrowSchema *schema = _schema_of(schema_capsule)
        cdef ArrowArray *array = _array_of(array_capsule)
        columns = np.ascontiguousarray(field_columns, dtype=np.int32)
        cdef const int32_t[::1] columns_view = columns
        row_array = None if rows is None else np.ascontiguousarray(rows, dtype=np.int64)
        cdef const int64_t[::1] rows_view
        cdef const int64_t *rows_ptr = NULL
        cdef int64_t count = array.length
        if row_array is not None:
            rows_view = row_array
            count = row_array.shape[0]
            if count > 0:
                rows_ptr = &rows_view[0]
            else:
                rows_ptr = <const int64_t *>&count   # no rows: any non-NULL pointer
        first_page = np.empty(count, dtype=np.int64)
        page_count = np.empty(count, dtype=np.int32)
        cdef int64_t[::1] first_page_view = first_page
        cdef int32_t[::1] page_count_view = page_count
        cdef const int32_t *columns_ptr = &columns_view[0] if columns.shape[0] > 0 else NULL
        cdef int64_t *first_ptr = &first_page_view[0] if count > 0 else NULL
        cdef int32_t *count_ptr = &page_count_view[0] if count > 0 else NULL
        cdef uint32_t column_count = columns.shape[0]
        with nogil:
            status = PrComposer_layoutBatch(self._composer, schema, array, columns_ptr,
                                            column_count, rows_ptr, count, first_ptr, count_ptr,
                                            &error)
        _check(status, &error)
        return first_page, page_count, self._record_errors()

    @property
    def held_pages(self):
        return PrComposer_heldPageCount(self._composer)

    def write_pieces(self, writer, pages, piece_starts, mark_kinds, mark_options,
                     mark_geometry, mark_pages, bytes texts, text_offsets,
                     bytes tag_texts=None, tag_offsets=None, uint32_t tag_count=0,
                     page_media=None):
        """Writes held pages as mail pieces with their marks into a PdfWriter
        or an AfpWriter.

        pages: int64 held page per output page (-1: blank); piece_starts:
        uint64 offsets (pieces + 1); per mark: kind and option (uint8),
        geometry float32 rows (x, y, module, width, height) in points, the
        output page (uint64, non-decreasing); texts: the marks' texts
        concatenated, text_offsets (marks + 1). AFP only: tag_texts and
        tag_offsets (pieces * tag_count + 1), each piece's index values;
        page_media: uint16 medium map per output page."""
        if not isinstance(writer, (PdfWriter, AfpWriter)):
            raise TypeError("write_pieces: a PdfWriter or an AfpWriter")
        cdef PrError error
        cdef PrStatus status
        cdef PrPieceSet piece_set
        cdef PdfWriter pdf
        cdef AfpWriter afp
        page_array = np.ascontiguousarray(pages, dtype=np.int64)
        start_array = np.ascontiguousarray(piece_starts, dtype=np.uint64)
        kind_array = np.ascontiguousarray(mark_kinds, dtype=np.uint8)
        option_array = np.ascontiguousarray(mark_options, dtype=np.uint8)
        geometry_array = np.ascontiguousarray(mark_geometry, dtype=np.float32).reshape(-1, 5)
        mark_page_array = np.ascontiguousarray(mark_pages, dtype=np.uint64)
        offset_array = np.ascontiguousarray(text_offsets, dtype=np.uint64)
        cdef Py_ssize_t mark_count = kind_array.shape[0]
        if (start_array.shape[0] < 1 or option_array.shape[0] != mark_count or
                geometry_array.shape[0] != mark_count or mark_page_array.shape[0] != mark_count or
                offset_array.shape[0] != mark_count + 1):
            raise ValueError("write_pieces: piece starts need pieces + 1 entries, and every mark "
                             "a kind, option, geometry row, page and text offset")
        cdef const int64_t[::1] page_view = page_array
        cdef const uint64_t[::1] start_view = start_array
        cdef const uint8_t[::1] kind_view = kind_array
        cdef const uint8_t[::1] option_view = option_array
        cdef const float[:, ::1] geometry_view = geometry_array
        cdef const uint64_t[::1] mark_page_view = mark_page_array
        cdef const uint64_t[::1] offset_view = offset_array
        cdef const uint64_t[::1] tag_offset_view
        cdef const uint16_t[::1] media_view
        memset(&piece_set, 0, sizeof(PrPieceSet))
        if tag_offsets is not None:
            tag_offset_array = np.ascontiguousarray(tag_offsets, dtype=np.uint64)
            if tag_texts is None or tag_offset_array.shape[0] != (start_array.shape[0] - 1) * tag_count + 1:
                raise ValueError("write_pieces: tag offsets need pieces * tag_count + 1 entries")
            tag_offset_view = tag_offset_array
            piece_set.tag_offsets = &tag_offset_view[0]
            piece_set.tag_texts = <const uint8_t *>tag_texts
            piece_set.tag_texts_bytes = len(tag_texts)
            piece_set.tag_count = tag_count
        if page_media is not None:
            media_array = np.ascontiguousarray(page_media, dtype=np.uint16)
            if media_array.shape[0] != page_array.shape[0]:
                raise ValueError("write_pieces: page_media needs one entry per output page")
            if media_array.shape[0] > 0:
                media_view = media_array
                piece_set.page_media = &media_view[0]
        cdef PrMarkSpec *marks = <PrMarkSpec *>PyMem_Malloc((mark_count + 1) * sizeof(PrMarkSpec))
        if marks == NULL:
            raise MemoryError()
        cdef Py_ssize_t m
        try:
            for m in range(mark_count):
                memset(&marks[m], 0, sizeof(PrMarkSpec))
                marks[m].kind = kind_view[m]
                marks[m].option = option_view[m]
                marks[m].x_pt = geometry_view[m, 0]
                marks[m].y_pt = geometry_view[m, 1]
                marks[m].module_pt = geometry_view[m, 2]
                marks[m].width_pt = geometry_view[m, 3]
                marks[m].height_pt = geometry_view[m, 4]
                marks[m].color.space = 0   # gray 0: black
            piece_set.pages = &page_view[0] if page_array.shape[0] > 0 else NULL
            piece_set.page_count = page_array.shape[0]
            piece_set.piece_starts = &start_view[0]
            piece_set.piece_count = start_array.shape[0] - 1
            piece_set.marks = marks
            piece_set.mark_pages = &mark_page_view[0] if mark_count > 0 else NULL
            piece_set.texts = <const uint8_t *>texts
            piece_set.texts_bytes = len(texts)
            piece_set.text_offsets = &offset_view[0]
            piece_set.mark_count = mark_count
            if isinstance(writer, PdfWriter):
                pdf = <PdfWriter>writer
                with nogil:
                    status = PrComposer_writePiecesPdf(self._composer, pdf._writer, &piece_set,
                                                       &error)
            else:
                afp = <AfpWriter>writer
                with nogil:
                    status = PrComposer_writePiecesAfp(self._composer, afp._writer, &piece_set,
                                                       &error)
            _check(status, &error)
        finally:
            PyMem_Free(marks)

    cdef list _record_errors(self):
        cdef size_t count = PrComposer_recordErrorCount(self._composer)
        cdef PrRecordError *record_error
        cdef const char *message
        errors = []
        for i in range(count):
            record_error = <PrRecordError *>PrComposer_recordError(self._composer, i)
            message = record_error.message
            errors.append((record_error.row, record_error.field,
                           message.decode("utf-8", "replace")))
        return errors


# ---- 2D symbols -----------------------------------------------------------

def datamatrix_encode(const uint8_t[::1] data, int shape=0):
    """DataMatrix ECC200 of data (bytes): a (rows, cols) uint8 array, 1 dark.

    shape: 0 square, 1 rectangular, 2 the smaller of both."""
    cdef PrError error
    cdef PrStatus status
    modules = np.zeros(PR_BARCODE2D_MAX_MODULES, dtype=np.uint8)
    cdef uint8_t[::1] view = modules
    cdef uint32_t width = 0, height = 0
    cdef size_t size = data.shape[0]
    cdef const uint8_t *data_ptr = &data[0] if size > 0 else NULL
    with nogil:
        status = PrDataMatrix_encode(data_ptr, size, <PrDataMatrixShape>shape, &view[0],
                                     <size_t>view.shape[0], &width, &height, &error)
    _check(status, &error)
    return modules[:width * height].reshape(height, width).copy()


def qr_encode(const uint8_t[::1] data, int level=1, int min_version=0):
    """QR code of data (bytes) at level 0..3 (L, M, Q, H): (side x side uint8
    array with 1 dark, version)."""
    cdef PrError error
    cdef PrStatus status
    modules = np.zeros(PR_BARCODE2D_MAX_MODULES, dtype=np.uint8)
    cdef uint8_t[::1] view = modules
    cdef uint32_t side = 0
    cdef int version = 0
    cdef size_t size = data.shape[0]
    cdef const uint8_t *data_ptr = &data[0] if size > 0 else NULL
    with nogil:
        status = PrQr_encode(data_ptr, size, <PrQrEcLevel>level, min_version, &view[0],
                             <size_t>view.shape[0], &side, &version, &error)
    _check(status, &error)
    return modules[:side * side].reshape(side, side).copy(), version


def _ascii_bytes(object text, str what):
    if isinstance(text, bytes):
        return text
    try:
        return str(text).encode("ascii")
    except UnicodeEncodeError as exc:
        raise ValueError(f"{what}: character {exc.start + 1} ({str(text)[exc.start]!r}) is not ASCII") from None


def code128_encode(data, bint gs1=False):
    """Code 128 element widths (bar first) and the total width in modules.

    data: str or bytes (ASCII); with gs1, a GS (0x1D) is an FNC1 separator."""
    cdef bytes encoded = _ascii_bytes(data, "Code 128")
    cdef PrError error
    cdef PrStatus status
    cdef size_t count = 0
    cdef uint32_t total = 0
    cdef size_t capacity = PR_CODE128_MAX_ELEMENTS(len(encoded))
    cdef bytearray widths = bytearray(capacity)
    cdef uint8_t[::1] view = widths
    cdef const char *data_ptr = encoded
    cdef size_t data_bytes = len(encoded)
    cdef uint32_t flags = PR_CODE128_GS1 if gs1 else 0
    with nogil:
        status = PrCode128_encode(data_ptr, data_bytes, flags, &view[0], capacity,
                                  &count, &total, &error)
    _check(status, &error)
    return bytes(widths[:count]), total


def auspost_encode(fcc, dpid, customer="", encoding=None):
    """Australia Post 4-state bars as a str of F/A/D/T."""
    cdef bytes fcc_b = _ascii_bytes(fcc, "Australia Post FCC")
    cdef bytes dpid_b = _ascii_bytes(dpid, "Australia Post DPID")
    cdef bytes customer_b = _ascii_bytes(customer or "", "Australia Post customer information")
    cdef char enc = 0
    if encoding:
        enc = ord(str(encoding)[0])
    cdef char bars[80]
    cdef size_t count = 0
    cdef PrError error
    cdef PrStatus status
    cdef const char *fcc_p = fcc_b
    cdef const char *dpid_p = dpid_b
    cdef const char *customer_p = customer_b
    if b"\0" in fcc_b + dpid_b + customer_b:
        raise ValueError("Australia Post barcode: NUL character in input")
    with nogil:
        status = PrAusPost_encode(fcc_p, dpid_p, customer_p, enc, bars, sizeof(bars),
                                  &count, &error)
    _check(status, &error)
    return bars[:count].decode("ascii")


def imb_encode(tracking, routing=""):
    """USPS Intelligent Mail barcode: 65 bars as a str of F/A/D/T."""
    cdef bytes tracking_b = _ascii_bytes(tracking, "Intelligent Mail barcode tracking code")
    cdef bytes routing_b = _ascii_bytes(routing or "", "Intelligent Mail barcode routing code")
    if b"\0" in tracking_b + routing_b:
        raise ValueError("Intelligent Mail barcode: NUL character in input")
    cdef char bars[80]
    cdef PrError error
    cdef PrStatus status
    cdef const char *tracking_p = tracking_b
    cdef const char *routing_p = routing_b
    with nogil:
        status = PrImb_encode(tracking_p, routing_p, bars, sizeof(bars), &error)
    _check(status, &error)
    return bars[:PR_IMB_BARS].decode("ascii")
