# Raw declarations of native/pressrun.h, nothing else.
from libc.stdint cimport int8_t, int16_t, int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t

cdef extern from "pressrun.h" nogil:
    ctypedef enum PrStatus:
        PR_OK
        PR_EINVAL
        PR_ENOMEM
        PR_EFONT
        PR_EDATA
        PR_EIMAGE
        PR_ERECORD
        PR_ELIMIT
        PR_EINTERNAL

    ctypedef struct PrError:
        PrStatus code
        char message[512]

    const char *PrStatus_name(PrStatus status)

    struct ArrowSchema:
        pass

    struct ArrowArray:
        int64_t length

    ctypedef struct PrColor:
        uint8_t space
        float value[4]

    ctypedef struct PrFont:
        pass

    ctypedef struct PrFontInfo:
        uint16_t units_per_em
        uint16_t glyph_count
        int16_t ascender
        int16_t descender
        int16_t line_gap
        int16_t cap_height
        int16_t bbox[4]
        int16_t italic_angle_deg
        uint16_t weight_class
        bint is_cff
        bint is_fixed_pitch
        char postscript_name[64]

    PrStatus PrFont_create(const uint8_t *data, size_t data_bytes, uint32_t face_index,
                           PrFont **out, PrError *error)
    void PrFont_destroy(PrFont *font)
    void PrFont_info(const PrFont *font, PrFontInfo *out)
    uint16_t PrFont_glyph(const PrFont *font, uint32_t codepoint)
    uint16_t PrFont_advance(const PrFont *font, uint16_t glyph)
    int16_t PrFont_kerning(const PrFont *font, uint16_t left, uint16_t right)

    ctypedef struct PrImageSpec:
        uint32_t width_px
        uint32_t height_px
        uint8_t color_space
        uint8_t bits_per_component
        const uint8_t *pixels
        size_t pixels_bytes
        const uint8_t *alpha
        size_t alpha_bytes
        const uint8_t *jpeg
        size_t jpeg_bytes
        bint invert_cmyk

    ctypedef struct PrPlan:
        pass

    ctypedef struct PrStyleSpec:
        const uint32_t *fonts
        uint32_t font_count
        float size_pt
        float leading_pt
        PrColor color
        bint kerning

    enum:
        PR_FORMAT_NAME_BYTES
        PR_VARIANT_MAX_KEYS
        PR_VARIANT_KEY_BYTES

    ctypedef struct PrFormatSpec:
        uint8_t kind
        int8_t decimals
        char thousands[8]
        char decimal[8]
        char prefix[16]
        char suffix[16]
        char date[64]
        uint8_t max_decimals
        uint8_t grouping
        uint8_t grouping_next
        uint8_t scale_power
        bint has_negative
        char negative_prefix[24]
        char negative_suffix[24]
        char months[12][72]
        char months_short[12][72]
        char weekdays[7][72]
        char weekdays_short[7][72]

    ctypedef struct PrFieldSpec:
        const char *name
        bint required
        PrFormatSpec format
        uint8_t kind
        bint is_item
        uint32_t list_field
        uint8_t variant_key_count
        uint32_t variant_keys[2]
        bint variant_fallback

    ctypedef struct PrFlowSpec:
        uint8_t kind
        uint32_t index
        float space_pt
        int32_t when_field
        const char *when_text
        bint keep_together
        bint keep_with_next
        uint8_t orphans
        uint8_t widows
        uint32_t group

    ctypedef struct PrTableSpec:
        uint32_t list_field
        float padding_pt[4]
        bint has_zebra
        PrColor zebra
        float header_rule_pt
        PrColor header_rule
        float footer_rule_pt
        PrColor footer_rule
        int32_t empty_block
        int32_t carried_label_block
        int32_t brought_label_block
        int32_t carry_value_block
        int32_t carry_label_column
        int32_t carry_value_column
        float row_rule_pt
        PrColor row_rule
        int32_t group_field
        int32_t group_block

    ctypedef struct PrTableColumnSpec:
        float width_pt
        int32_t header_block
        int32_t cell_block
        int32_t footer_block

    ctypedef struct PrBlockSpec:
        int32_t frame
        float x_pt
        float y_pt
        float width_pt
        float height_pt
        float space_before_pt
        float space_after_pt
        uint8_t align
        uint8_t overflow
        bint wrap
        bint skip_empty_lines
        float min_size_pt

    ctypedef struct PrRunSpec:
        uint32_t style
        int32_t field
        const char *text
        size_t text_bytes

    ctypedef struct PrLineSpec:
        float x1_pt
        float y1_pt
        float x2_pt
        float y2_pt
        float width_pt
        PrColor color

    ctypedef struct PrRectSpec:
        float x_pt
        float y_pt
        float width_pt
        float height_pt
        float stroke_width_pt
        bint has_stroke
        bint has_fill
        PrColor stroke
        PrColor fill

    ctypedef struct PrPlacementSpec:
        uint32_t image
        float x_pt
        float y_pt
        float width_pt
        float height_pt

    PrStatus PrPlan_create(float page_width_pt, float page_height_pt, PrPlan **out, PrError *error)
    void PrPlan_destroy(PrPlan *plan)
    PrStatus PrPlan_addFont(PrPlan *plan, const PrFont *font, uint32_t *out_index, PrError *error)
    PrStatus PrPlan_addStyle(PrPlan *plan, const PrStyleSpec *spec, uint32_t *out_index, PrError *error)
    PrStatus PrPlan_addField(PrPlan *plan, const PrFieldSpec *spec, uint32_t *out_index, PrError *error)
    PrStatus PrPlan_addFieldVariant(PrPlan *plan, uint32_t field, const char *const *keys,
                                    const PrFormatSpec *format, PrError *error)
    PrStatus PrPlan_addImage(PrPlan *plan, const PrImageSpec *spec, uint32_t *out_index, PrError *error)
    PrStatus PrPlan_addFrame(PrPlan *plan, float x_pt, float y_pt, float width_pt, float height_pt,
                             uint32_t *out_index, PrError *error)
    PrStatus PrPlan_addBlock(PrPlan *plan, const PrBlockSpec *spec, uint32_t *out_index, PrError *error)
    PrStatus PrPlan_addRun(PrPlan *plan, uint32_t block, const PrRunSpec *spec, PrError *error)
    PrStatus PrPlan_addLine(PrPlan *plan, const PrLineSpec *spec, PrError *error)
    PrStatus PrPlan_addRect(PrPlan *plan, const PrRectSpec *spec, PrError *error)
    PrStatus PrPlan_placeImage(PrPlan *plan, const PrPlacementSpec *spec, PrError *error)
    PrStatus PrPlan_selectMaster(PrPlan *plan, uint32_t role, PrError *error)
    PrStatus PrPlan_addFlowFrame(PrPlan *plan, float x_pt, float y_pt, float width_pt,
                                 float height_pt, PrError *error)
    PrStatus PrPlan_addFlow(PrPlan *plan, const PrFlowSpec *spec, PrError *error)
    PrStatus PrPlan_addFlowImage(PrPlan *plan, const PrPlacementSpec *spec, uint32_t *out_index,
                                 PrError *error)
    PrStatus PrPlan_setPageCondition(PrPlan *plan, uint32_t condition, PrError *error)
    PrStatus PrPlan_addTable(PrPlan *plan, const PrTableSpec *spec, uint32_t *out_index,
                             PrError *error)
    PrStatus PrPlan_addTableColumn(PrPlan *plan, uint32_t table, const PrTableColumnSpec *spec,
                                   PrError *error)
    PrStatus PrPlan_finish(PrPlan *plan, PrError *error)
    uint32_t PrPlan_fieldCount(const PrPlan *plan)
    uint32_t PrPlan_fontCount(const PrPlan *plan)

    ctypedef struct PrPdfWriter:
        pass

    ctypedef struct PrPdfOptions:
        uint8_t compression
        const char *title
        const char *producer
        uint32_t deflate_threads

    PrStatus PrPdfWriter_create(const PrPlan *plan, const PrPdfOptions *options, PrPdfWriter **out,
                                PrError *error)
    void PrPdfWriter_destroy(PrPdfWriter *writer)
    PrStatus PrPdfWriter_flush(PrPdfWriter *writer, PrError *error)
    void PrPdfWriter_output(const PrPdfWriter *writer, const uint8_t **data, size_t *size_bytes)
    void PrPdfWriter_consume(PrPdfWriter *writer)
    uint64_t PrPdfWriter_pageCount(const PrPdfWriter *writer)
    uint64_t PrPdfWriter_bytesWritten(const PrPdfWriter *writer)
    PrStatus PrPdfWriter_usedGlyphs(const PrPdfWriter *writer, uint32_t font, uint8_t *bitset,
                                    size_t bitset_bytes, PrError *error)
    PrStatus PrPdfWriter_setFontProgram(PrPdfWriter *writer, uint32_t font, const uint8_t *data,
                                        size_t data_bytes, int kind, PrError *error)
    PrStatus PrPdfWriter_finish(PrPdfWriter *writer, PrError *error)

    ctypedef struct PrAfpWriter:
        pass

    ctypedef struct PrAfpMediumMap:
        const char *name
        uint16_t input_bin
        const char *media_type
        uint8_t duplex

    ctypedef struct PrAfpCodedFont:
        uint32_t font
        const char *character_set
        const char *code_page
        const uint32_t *codepoints
        const uint8_t *code_bytes
        uint32_t code_count

    ctypedef struct PrAfpOptions:
        const char *document_name
        const char *const *tag_names
        uint32_t tag_count
        const PrAfpMediumMap *medium_maps
        uint32_t medium_map_count
        const char *form_name
        float medium_width_pt
        float medium_height_pt
        const PrAfpCodedFont *coded_fonts
        uint32_t coded_font_count
        const char *const *font_names
        bint native_barcodes

    PrStatus PrAfpWriter_create(const PrPlan *plan, const PrAfpOptions *options, PrAfpWriter **out,
                                PrError *error)
    void PrAfpWriter_destroy(PrAfpWriter *writer)
    void PrAfpWriter_output(const PrAfpWriter *writer, const uint8_t **data, size_t *size_bytes)
    void PrAfpWriter_consume(PrAfpWriter *writer)
    uint64_t PrAfpWriter_pageCount(const PrAfpWriter *writer)
    uint64_t PrAfpWriter_bytesWritten(const PrAfpWriter *writer)
    PrStatus PrAfpWriter_finish(PrAfpWriter *writer, PrError *error)

    ctypedef struct PrComposer:
        pass

    ctypedef struct PrRecordError:
        int64_t row
        int32_t field
        PrStatus code
        char message[256]

    PrStatus PrComposer_create(const PrPlan *plan, PrComposer **out, PrError *error)
    void PrComposer_destroy(PrComposer *composer)
    PrStatus PrComposer_composePdf(PrComposer *composer, PrPdfWriter *writer,
                                   const ArrowSchema *schema, const ArrowArray *batch,
                                   const int32_t *field_columns, uint32_t field_column_count,
                                   int64_t *out_first_page, int32_t *out_page_count,
                                   PrError *error)
    size_t PrComposer_recordErrorCount(const PrComposer *composer)
    const PrRecordError *PrComposer_recordError(const PrComposer *composer, size_t index)

    ctypedef struct PrMarkSpec:
        uint8_t kind
        uint8_t option
        float x_pt
        float y_pt
        float module_pt
        float width_pt
        float height_pt
        PrColor color
    PrStatus PrPlan_addBarcode(PrPlan *plan, const PrMarkSpec *spec, uint32_t data_block,
                               PrError *error)
    PrStatus PrComposer_layoutBatch(PrComposer *composer, const ArrowSchema *schema,
                                    const ArrowArray *batch, const int32_t *field_columns,
                                    uint32_t field_column_count, const int64_t *rows,
                                    int64_t row_count, int64_t *out_first_page,
                                    int32_t *out_page_count, PrError *error)
    uint64_t PrComposer_heldPageCount(const PrComposer *composer)
    ctypedef struct PrPieceSet:
        const int64_t *pages
        uint64_t page_count
        const uint64_t *piece_starts
        uint64_t piece_count
        const PrMarkSpec *marks
        const uint64_t *mark_pages
        const uint8_t *texts
        uint64_t texts_bytes
        const uint64_t *text_offsets
        uint64_t mark_count
        const uint8_t *tag_texts
        uint64_t tag_texts_bytes
        const uint64_t *tag_offsets
        uint32_t tag_count
        const uint16_t *page_media
    PrStatus PrComposer_writePiecesPdf(PrComposer *composer, PrPdfWriter *writer,
                                       const PrPieceSet *pieces, PrError *error)
    PrStatus PrComposer_writePiecesAfp(PrComposer *composer, PrAfpWriter *writer,
                                       const PrPieceSet *pieces, PrError *error)

cdef extern from "deflate.h" nogil:
    const char *PrDeflater_backend()

cdef extern from "pressrun.h" nogil:
    # 2D symbols (DataMatrix ECC200, QR code)
    cdef enum:
        PR_BARCODE2D_MAX_MODULES

    ctypedef enum PrDataMatrixShape:
        PR_DATAMATRIX_SQUARE
        PR_DATAMATRIX_RECTANGLE
        PR_DATAMATRIX_ANY

    PrStatus PrDataMatrix_encode(const uint8_t *data, size_t data_bytes,
                                 PrDataMatrixShape shape, uint8_t *modules,
                                 size_t modules_bytes, uint32_t *out_width,
                                 uint32_t *out_height, PrError *error)

    ctypedef enum PrQrEcLevel:
        PR_QR_EC_L
        PR_QR_EC_M
        PR_QR_EC_Q
        PR_QR_EC_H

    PrStatus PrQr_encode(const uint8_t *data, size_t data_bytes, PrQrEcLevel level,
                         int min_version, uint8_t *modules, size_t modules_bytes,
                         uint32_t *out_side, int *out_version, PrError *error)

    # ---- Barcode symbols ----
    int PR_CODE128_GS1
    int PR_CODE128_MAX_DATA
    int PR_AUSPOST_MAX_BARS
    int PR_IMB_BARS
    size_t PR_CODE128_MAX_ELEMENTS(size_t data_bytes)
    PrStatus PrCode128_encode(const char *data, size_t data_bytes, uint32_t flags,
                              uint8_t *out_widths, size_t widths_capacity,
                              size_t *out_width_count, uint32_t *out_total_modules,
                              PrError *error)
    PrStatus PrAusPost_encode(const char *fcc, const char *dpid, const char *customer,
                              char encoding, char *out_bars, size_t bars_capacity,
                              size_t *out_bar_count, PrError *error)
    PrStatus PrImb_encode(const char *tracking, const char *routing, char *out_bars,
                          size_t bars_capacity, PrError *error)
