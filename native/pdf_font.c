/* pdf_font.c: fonts, written once per file at finish.
 *
 * While pages are written, pdf_content.c marks each glyph drawn in a bitset
 * per plan font (1 bit per glyph) and keeps the first code point it was
 * drawn for (one uint32 per glyph): no per-glyph hashing or allocation.
 *
 * At finish each used font becomes
 *   Type0 /Encoding /Identity-H  (2-byte codes are glyph ids)
 *     /DescendantFonts [CIDFontType2 /CIDToGIDMap /Identity, /W of the used
 *                       glyphs in 1000/em]   (CIDFontType0 for CFF)
 *     /FontDescriptor  /FontName ABCDEF+PostScriptName, metrics,
 *                      /FontFile2 = the glyf subset  (FontFile3 /OpenType)
 *     /ToUnicode       CMap: glyph id -> the code point it was drawn for
 * The subset tag is six letters from a hash of the used glyph set, so the
 * same job gives the same name. */
#include "pdf_writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "font.h"

/* Glyphs per bfchar block: the CMap syntax allows at most 100. */
#define PR_PDF_BFCHAR_BLOCK 100

PrStatus PrPdfFonts_init(PrPdfWriter *writer, PrError *error) {
  const PrPlan *plan = writer->plan;
  if (plan->font_count == 0) {
    return PR_OK;
  }
  writer->fonts = calloc(plan->font_count, sizeof *writer->fonts);
  if (writer->fonts == NULL) {
    return PrError_set(error, PR_ENOMEM, "pdf: out of memory for %u fonts", plan->font_count);
  }
  for (uint32_t f = 0; f < plan->font_count; f++) {
    PrFontInfo info;
    PrFont_info(plan->fonts[f], &info);
    PrPdfFontUse *use = &writer->fonts[f];
    use->glyph_count = info.glyph_count;
    size_t slots = info.glyph_count > 0 ? info.glyph_count : 1;
    use->glyph_bits = calloc((slots + 7) / 8, 1);
    use->codepoints = calloc(slots, sizeof *use->codepoints);
    if (use->glyph_bits == NULL || use->codepoints == NULL) {
      return PrError_set(error, PR_ENOMEM, "pdf: out of memory tracking the glyphs of font %u",
                         f);
    }
  }
  return PR_OK;
}

void PrPdfFonts_free(PrPdfWriter *writer) {
  if (writer->fonts == NULL) {
    return;
  }
  for (uint32_t f = 0; f < writer->plan->font_count; f++) {
    free(writer->fonts[f].glyph_bits);
    free(writer->fonts[f].codepoints);
    free(writer->fonts[f].program);
  }
  free(writer->fonts);
  writer->fonts = NULL;
}

PrStatus PrPdfWriter_usedGlyphs(const PrPdfWriter *writer, uint32_t font,
                                uint8_t *bitset, size_t bitset_bytes,
                                PrError *error) {
  if (writer == NULL || bitset == NULL) {
    return PrError_set(error, PR_EINVAL, "pdf: usedGlyphs needs a writer and a bitset");
  }
  if (font >= writer->plan->font_count) {
    return PrError_set(error, PR_EINVAL, "pdf: usedGlyphs of font %u, the plan has %u", font,
                       writer->plan->font_count);
  }
  const PrPdfFontUse *use = &writer->fonts[font];
  size_t needed = ((size_t)use->glyph_count + 7) / 8;
  if (bitset_bytes < needed) {
    return PrError_set(error, PR_EINVAL,
                       "pdf: usedGlyphs of font %u needs %zu bytes, the bitset has %zu", font,
                       needed, bitset_bytes);
  }
  memcpy(bitset, use->glyph_bits, needed);
  memset(bitset + needed, 0, bitset_bytes - needed);
  return PR_OK;
}

PrStatus PrPdfWriter_setFontProgram(PrPdfWriter *writer, uint32_t font,
                                    const uint8_t *data, size_t data_bytes,
                                    int kind, PrError *error) {
  PR_RETURN_NOT_OK(PrPdfFile_checkUsable(writer, "setFontProgram", error));
  if (font >= writer->plan->font_count) {
    return PrError_set(error, PR_EINVAL, "pdf: setFontProgram of font %u, the plan has %u",
                       font, writer->plan->font_count);
  }
  if (kind != 2 && kind != 3) {
    return PrError_set(error, PR_EINVAL,
                       "pdf: setFontProgram kind %d (2 = TrueType, 3 = OpenType/CFF)", kind);
  }
  if (data == NULL || data_bytes < 12) {
    return PrError_set(error, PR_EINVAL, "pdf: setFontProgram of font %u: no font data",
                       font);
  }
  uint8_t *copy = malloc(data_bytes);
  if (copy == NULL) {
    return PrError_set(error, PR_ENOMEM, "pdf: out of memory copying a %zu-byte font program",
                       data_bytes);
  }
  memcpy(copy, data, data_bytes);
  PrPdfFontUse *use = &writer->fonts[font];
  free(use->program);
  use->program = copy;
  use->program_bytes = data_bytes;
  use->program_kind = kind;
  return PR_OK;
}

/* ---- writing -------------------------------------------------------------- */

static bool is_mappable(uint32_t codepoint) {
  return codepoint != 0 && codepoint <= 0x10FFFF && (codepoint < 0xD800 || codepoint > 0xDFFF);
}

static inline bool is_used(const PrPdfFontUse *use, uint32_t glyph) {
  return (use->glyph_bits[glyph >> 3] >> (glyph & 7)) & 1;
}

static void make_tag(const PrPdfFontUse *use, char tag[7]) {
  uint64_t hash = 0xCBF29CE484222325ull;   /* FNV-1a 64 over the glyph bitset */
  size_t bytes = ((size_t)use->glyph_count + 7) / 8;
  for (size_t i = 0; i < bytes; i++) {
    hash = (hash ^ use->glyph_bits[i]) * 0x00000100000001B3ull;
  }
  for (int i = 0; i < 6; i++) {
    tag[i] = (char)('A' + hash % 26);
    hash /= 26;
  }
  tag[6] = 0;
}

/* Font units to 1000/em. */
static double scaled(double value, double units_per_em) { return value * 1000.0 / units_per_em; }

static PrStatus write_to_unicode(PrPdfWriter *writer, const PrPdfFontUse *use, uint32_t id,
                                 PrError *error) {
  PrBuffer *cmap = &writer->scratch;
  PrBuffer_clear(cmap);
  PrBuffer_appendText(cmap,
                      "/CIDInit/ProcSet findresource begin\n"
                      "12 dict begin\n"
                      "begincmap\n"
                      "/CIDSystemInfo<</Registry(Adobe)/Ordering(UCS)/Supplement 0>>def\n"
                      "/CMapName/Adobe-Identity-UCS def\n"
                      "/CMapType 2 def\n"
                      "1 begincodespacerange\n<0000><FFFF>\nendcodespacerange\n");
  uint32_t total = 0;
  for (uint32_t g = 0; g < use->glyph_count; g++) {
    total += is_used(use, g) && is_mappable(use->codepoints[g]);
  }
  uint32_t left_in_block = 0;
  for (uint32_t g = 0; g < use->glyph_count; g++) {
    uint32_t cp = use->codepoints[g];
    if (!is_used(use, g) || !is_mappable(cp)) {
      continue;
    }
    if (left_in_block == 0) {
      left_in_block = total < PR_PDF_BFCHAR_BLOCK ? total : PR_PDF_BFCHAR_BLOCK;
      total -= left_in_block;
      PrBuffer_appendInt(cmap, left_in_block);
      PrBuffer_appendText(cmap, " beginbfchar\n");
    }
    PrBuffer_appendByte(cmap, '<');
    PrBuffer_appendHex16(cmap, (uint16_t)g);
    PrBuffer_append(cmap, "><", 2);
    if (cp >= 0x10000) {   /* UTF-16 surrogate pair */
      PrBuffer_appendHex16(cmap, (uint16_t)(0xD800 + ((cp - 0x10000) >> 10)));
      PrBuffer_appendHex16(cmap, (uint16_t)(0xDC00 + ((cp - 0x10000) & 0x3FF)));
    } else {
      PrBuffer_appendHex16(cmap, (uint16_t)cp);
    }
    PrBuffer_append(cmap, ">\n", 2);
    if (--left_in_block == 0) {
      PrBuffer_appendText(cmap, "endbfchar\n");
    }
  }
  PrBuffer_appendText(cmap,
                      "endcmap\n"
                      "CMapName currentdict/CMap defineresource pop\n"
                      "end\nend\n");
  PR_RETURN_NOT_OK(PrBuffer_check(cmap, error));
  return PrPdfFile_writeStream(writer, id, NULL, cmap->data, cmap->size_bytes,
                               PR_PDF_STREAM_SMALL, error);
}

/* /W: consecutive used glyph ids share one "first [w1 w2 ...]" group. */
static void append_widths(PrBuffer *out, const PrFont *font, const PrPdfFontUse *use,
                          double units_per_em) {
  PrBuffer_append(out, "/W[", 3);
  bool open = false;
  for (uint32_t g = 0; g < use->glyph_count; g++) {
    if (!is_used(use, g)) {
      if (open) {
        PrBuffer_append(out, "]", 1);
        open = false;
      }
      continue;
    }
    if (!open) {
      PrBuffer_appendInt(out, g);
      PrBuffer_append(out, "[", 1);
      open = true;
    } else {
      PrBuffer_appendByte(out, ' ');
    }
    PrBuffer_appendReal(out, scaled(PrFont_advance(font, (uint16_t)g), units_per_em), 2);
  }
  if (open) {
    PrBuffer_append(out, "]", 1);
  }
  PrBuffer_append(out, "]", 1);
}

static PrStatus write_font(PrPdfWriter *writer, uint32_t index, PrError *error) {
  const PrFont *font = writer->plan->fonts[index];
  PrPdfFontUse *use = &writer->fonts[index];
  PrFontInfo info;
  PrFont_info(font, &info);
  double upem = info.units_per_em > 0 ? info.units_per_em : 1000.0;
  char postscript[sizeof info.postscript_name + 1];
  memcpy(postscript, info.postscript_name, sizeof info.postscript_name);
  postscript[sizeof info.postscript_name] = 0;
  if (postscript[0] == 0) {
    snprintf(postscript, sizeof postscript, "Font%u", index);
  }
  char tag[7];
  make_tag(use, tag);

  /* The font program first: it is the step that can fail on bad fonts. */
  int kind = use->program != NULL ? use->program_kind : 2;
  PrBuffer *program = &writer->scratch;
  PrBuffer_clear(program);
  const uint8_t *program_data = use->program;
  size_t program_bytes = use->program_bytes;
  if (program_data == NULL) {
    if (info.is_cff) {
      return PrError_set(error, PR_EFONT,
                         "pdf: font %u is CFF: its subset must be provided with "
                         "PrPdfWriter_setFontProgram",
                         index);
    }
    size_t bitset_bytes = ((size_t)use->glyph_count + 7) / 8;
    PR_RETURN_NOT_OK(PrFont_subsetGlyf(font, use->glyph_bits, bitset_bytes, program, error));
    PR_RETURN_NOT_OK(PrBuffer_check(program, error));
    program_data = program->data;
    program_bytes = program->size_bytes;
  }
  uint32_t type0_id, cid_id, descriptor_id, file_id, unicode_id;
  PR_RETURN_NOT_OK(PrPdfFile_newId(writer, &type0_id, error));
  PR_RETURN_NOT_OK(PrPdfFile_newId(writer, &cid_id, error));
  PR_RETURN_NOT_OK(PrPdfFile_newId(writer, &descriptor_id, error));
  PR_RETURN_NOT_OK(PrPdfFile_newId(writer, &file_id, error));
  PR_RETURN_NOT_OK(PrPdfFile_newId(writer, &unicode_id, error));
  char dict[64];
  if (kind == 3) {
    snprintf(dict, sizeof dict, "/Subtype/OpenType");
  } else {
    snprintf(dict, sizeof dict, "/Length1 %zu", program_bytes);
  }
  PR_RETURN_NOT_OK(PrPdfFile_writeStream(writer, file_id, dict, program_data, program_bytes,
                                         PR_PDF_STREAM_SMALL, error));

  PrBuffer *out = &writer->out;
  PrPdfFile_beginObject(writer, descriptor_id);
  PrBuffer_appendText(out, "<</Type/FontDescriptor/FontName/");
  PrBuffer_appendText(out, tag);
  PrBuffer_appendByte(out, '+');
  PrPdfFile_appendName(out, postscript);
  /* Flags: 4 symbolic (glyphs outside the standard Latin set, addressed by
   * id), plus 1 fixed pitch and 64 italic when they apply. */
  int flags = 4 | (info.is_fixed_pitch ? 1 : 0) | (info.italic_angle_deg != 0 ? 64 : 0);
  PrBuffer_appendFormat(out, "/Flags %d/FontBBox[", flags);
  for (int i = 0; i < 4; i++) {
    PrBuffer_appendReal(out, scaled(info.bbox[i], upem), 0);
    PrBuffer_appendByte(out, i < 3 ? ' ' : ']');
  }
  PrBuffer_appendFormat(out, "/ItalicAngle %d/Ascent ", info.italic_angle_deg);
  PrBuffer_appendReal(out, scaled(info.ascender, upem), 0);
  PrBuffer_append(out, "/Descent ", 9);
  PrBuffer_appendReal(out, scaled(info.descender, upem), 0);
  PrBuffer_append(out, "/CapHeight ", 11);
  PrBuffer_appendReal(out, scaled(info.cap_height, upem), 0);
  /* No font table gives the stem width; estimate it from the weight class
   * (about 80 for regular, 150 for bold). */
  double weight = info.weight_class > 0 ? info.weight_class : 400;
  PrBuffer_append(out, "/StemV ", 7);
  PrBuffer_appendReal(out, 50.0 + (weight / 65.0) * (weight / 65.0), 0);
  PrBuffer_appendFormat(out, "/%s %u 0 R>>", kind == 3 ? "FontFile3" : "FontFile2", file_id);
  PrPdfFile_endObject(writer);

  PrPdfFile_beginObject(writer, cid_id);
  PrBuffer_appendFormat(out, "<</Type/Font/Subtype/%s/BaseFont/%s+",
                        kind == 3 ? "CIDFontType0" : "CIDFontType2", tag);
  PrPdfFile_appendName(out, postscript);
  PrBuffer_appendFormat(out,
                        "/CIDSystemInfo<</Registry(Adobe)/Ordering(Identity)/Supplement 0>>"
                        "/FontDescriptor %u 0 R/DW ",
                        descriptor_id);
  PrBuffer_appendReal(out, scaled(PrFont_advance(font, 0), upem), 2);
  append_widths(out, font, use, upem);
  if (kind != 3) {
    PrBuffer_appendText(out, "/CIDToGIDMap/Identity");
  }
  PrBuffer_append(out, ">>", 2);
  PrPdfFile_endObject(writer);

  PrPdfFile_beginObject(writer, type0_id);
  PrBuffer_appendFormat(out, "<</Type/Font/Subtype/Type0/BaseFont/%s+", tag);
  PrPdfFile_appendName(out, postscript);
  PrBuffer_appendFormat(out, "/Encoding/Identity-H/DescendantFonts[%u 0 R]/ToUnicode %u 0 R>>",
                        cid_id, unicode_id);
  PrPdfFile_endObject(writer);
  PR_RETURN_NOT_OK(PrBuffer_check(out, error));

  PR_RETURN_NOT_OK(write_to_unicode(writer, use, unicode_id, error));
  use->object_id = type0_id;
  return PR_OK;
}

PrStatus PrPdfFonts_writeAll(PrPdfWriter *writer, PrError *error) {
  for (uint32_t f = 0; f < writer->plan->font_count; f++) {
    if (writer->fonts[f].used) {
      PR_RETURN_NOT_OK(write_font(writer, f, error));
    }
  }
  return PR_OK;
}
