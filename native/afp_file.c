/* afp_file.c: the AFP print file: options, the print-file resource group,
 * the document, page groups with index tags, medium maps, and the
 * PrDocWriter implementation (layout in afp_writer.h).
 *
 *   BRG name                         ERG
 *   BRS name, X'21' type  ...  ERS   a resource (type X'FE' form definition,
 *                                    X'92' object container, X'06' IOCA image,
 *                                    X'FC' overlay), its name again in an FQN
 *                                    X'01' (a font: its full font name in
 *                                    UTF-16BE after X'01' CCSID 1200, and X'10')
 *   BOC name, X'10' class  OCD..  EOC   a TrueType font, whole, in OCDs
 *   BDT name, 2 reserved bytes, X'01' CCSID 500 (no interchange set is
 *                                    claimed: FS11 colour images are not IS/3)
 *                                    EDT
 *   BNG name  TLE..                  ENG   one mail piece; TLE: X'02' FQN X'0B'
 *                                    attribute name, X'36' attribute value
 *                                    (code page 500, or UTF-16BE with an
 *                                    X'01' CCSID 1200 for text beyond Latin-1)
 *   IMM name                         after BNG and its TLEs, and before a
 *                                    front whose medium map differs
 *   BPG name .. EPG                  a page (afp_page.c) */
#include "afp_objects.h"
#include "afp_writer.h"
#include "font.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

PrStatus PrAfpFile_checkUsable(const PrAfpWriter *writer, const char *what, PrError *error) {
  if (writer == NULL) {
    return PrError_set(error, PR_EINVAL, "afp: %s: NULL writer", what);
  }
  if (writer->failed) {
    return PrError_set(error, PR_EINVAL, "afp: %s: the writer failed earlier: %s", what,
                       writer->failure);
  }
  if (writer->finished) {
    return PrError_set(error, PR_EINVAL, "afp: %s after finish", what);
  }
  return PR_OK;
}

/* The output is broken once part of a structure is written: refuse the rest. */
static PrStatus fail(PrAfpWriter *writer, PrStatus status, const PrError *error) {
  if (status != PR_OK && !writer->failed) {
    writer->failed = true;
    snprintf(writer->failure, sizeof writer->failure, "%.200s",
             error != NULL ? error->message : "error");
  }
  return status;
}

static PrStatus copy_name(char out[9], const char *name, const char *fallback, const char *what,
                          PrError *error) {
  const char *value = name != NULL ? name : fallback;
  if (!PrAfp_checkName(value)) {
    return PrError_set(error, PR_EINVAL, "afp: %s name \"%.40s\": 1 to 8 of A-Z 0-9 @ # $",
                       what, value);
  }
  snprintf(out, 9, "%s", value);
  return PR_OK;
}

static PrStatus copy_coded_fonts(PrAfpWriter *writer, const PrAfpOptions *options,
                                 PrError *error) {
  for (uint32_t i = 0; i < options->coded_font_count; i++) {
    const PrAfpCodedFont *spec = &options->coded_fonts[i];
    if (spec->font >= writer->plan->font_count) {
      return PrError_set(error, PR_EINVAL, "afp: coded font %u maps plan font %u; the plan "
                         "has %u", (unsigned)i, (unsigned)spec->font,
                         (unsigned)writer->plan->font_count);
    }
    PrAfpCodedFontUse *use = &writer->coded[spec->font];
    if (use->mapped) {
      return PrError_set(error, PR_EINVAL, "afp: plan font %u is mapped twice",
                         (unsigned)spec->font);
    }
    PR_RETURN_NOT_OK(copy_name(use->character_set, spec->character_set, NULL,
                               "character set", error));
    PR_RETURN_NOT_OK(copy_name(use->code_page, spec->code_page, NULL, "code page", error));
    if (spec->code_count == 0 || spec->codepoints == NULL || spec->code_bytes == NULL) {
      return PrError_set(error, PR_EINVAL, "afp: code page %s has no characters",
                         use->code_page);
    }
    for (uint32_t c = 1; c < spec->code_count; c++) {
      if (spec->codepoints[c] <= spec->codepoints[c - 1]) {
        return PrError_set(error, PR_EINVAL, "afp: code page %s: code points not sorted at %u",
                           use->code_page, (unsigned)c);
      }
    }
    use->codepoints = malloc(spec->code_count * sizeof *use->codepoints);
    use->code_bytes = malloc(spec->code_count);
    if (use->codepoints == NULL || use->code_bytes == NULL) {
      return PrError_set(error, PR_ENOMEM, "afp: out of memory for code page %s", use->code_page);
    }
    memcpy(use->codepoints, spec->codepoints, spec->code_count * sizeof *use->codepoints);
    memcpy(use->code_bytes, spec->code_bytes, spec->code_count);
    use->code_count = spec->code_count;
    use->mapped = true;
  }
  return PR_OK;
}

static PrStatus copy_options(PrAfpWriter *writer, const PrAfpOptions *options, PrError *error) {
  PR_RETURN_NOT_OK(copy_name(writer->document_name, options->document_name, "PRESSRUN",
                             "document", error));
  PR_RETURN_NOT_OK(copy_name(writer->form_name, options->form_name, "F1PRESS", "form definition",
                             error));
  writer->native_barcodes = options->native_barcodes;
  writer->medium_width_pt = options->medium_width_pt > 0 ? options->medium_width_pt
                                                         : writer->plan->page_width_pt;
  writer->medium_height_pt = options->medium_height_pt > 0 ? options->medium_height_pt
                                                           : writer->plan->page_height_pt;
  if (options->tag_count > 0) {
    if (options->tag_names == NULL) {
      return PrError_set(error, PR_EINVAL, "afp: NULL tag names");
    }
    writer->tag_names = calloc(options->tag_count, sizeof *writer->tag_names);
    writer->tag_ends = calloc(options->tag_count, sizeof *writer->tag_ends);
    if (writer->tag_names == NULL || writer->tag_ends == NULL) {
      return PrError_set(error, PR_ENOMEM, "afp: out of memory for tag names");
    }
    writer->tag_count = options->tag_count;
    for (uint32_t t = 0; t < options->tag_count; t++) {
      const char *name = options->tag_names[t];
      size_t length = name != NULL ? strlen(name) : 0;
      if (length == 0 || length > 250) {
        return PrError_set(error, PR_EINVAL, "afp: tag name %u is empty or over 250 bytes",
                           (unsigned)t);
      }
      writer->tag_names[t] = PrText_copy(name);
      if (writer->tag_names[t] == NULL) {
        return PrError_set(error, PR_ENOMEM, "afp: out of memory for tag names");
      }
    }
  }
  if (options->medium_map_count > 0) {
    if (options->medium_maps == NULL) {
      return PrError_set(error, PR_EINVAL, "afp: NULL medium maps");
    }
    writer->medium_maps = calloc(options->medium_map_count, sizeof *writer->medium_maps);
    writer->maps = calloc(options->medium_map_count, sizeof *writer->maps);
    if (writer->medium_maps == NULL || writer->maps == NULL) {
      return PrError_set(error, PR_ENOMEM, "afp: out of memory for medium maps");
    }
    writer->map_count = options->medium_map_count;
    for (uint32_t m = 0; m < options->medium_map_count; m++) {
      const PrAfpMediumMap *map = &options->medium_maps[m];
      PR_RETURN_NOT_OK(copy_name(writer->maps[m].name, map->name, NULL, "medium map", error));
      if (map->duplex > 2) {
        return PrError_set(error, PR_EINVAL, "afp: medium map %s: duplex %u is not 0, 1 or 2",
                           writer->maps[m].name, (unsigned)map->duplex);
      }
      writer->maps[m].duplex = map->duplex;
      writer->medium_maps[m] = *map;
      writer->medium_maps[m].name = writer->maps[m].name;
      writer->medium_maps[m].media_type = NULL;
      if (map->media_type != NULL) {
        writer->medium_maps[m].media_type = PrText_copy(map->media_type);
        if (writer->medium_maps[m].media_type == NULL) {
          return PrError_set(error, PR_ENOMEM, "afp: out of memory for medium maps");
        }
      }
    }
  }
  return copy_coded_fonts(writer, options, error);
}

PrStatus PrAfpWriter_create(const PrPlan *plan, const PrAfpOptions *options, PrAfpWriter **out,
                            PrError *error) {
  if (out == NULL) {
    return PrError_set(error, PR_EINVAL, "afp: NULL output pointer");
  }
  *out = NULL;
  if (plan == NULL || !plan->finished) {
    return PrError_set(error, PR_EINVAL, "afp: the plan is NULL or not finished");
  }
  PrAfpWriter *writer = calloc(1, sizeof *writer);
  if (writer == NULL) {
    return PrError_set(error, PR_ENOMEM, "afp: out of memory for a writer");
  }
  writer->plan = plan;
  writer->medium_map = -1;
  PrBuffer_init(&writer->out);
  PrBuffer_init(&writer->overlays);
  PrBuffer_init(&writer->text);
  PrBuffer_init(&writer->scratch);
  PrBuffer_init(&writer->tags);
  PrBuffer_init(&writer->font_refs);
  uint32_t fonts = plan->font_count > 0 ? plan->font_count : 1;
  writer->coded = calloc(fonts, sizeof *writer->coded);
  writer->units_per_em = calloc(fonts, sizeof *writer->units_per_em);
  PrStatus status = PR_OK;
  if (writer->coded == NULL || writer->units_per_em == NULL) {
    status = PrError_set(error, PR_ENOMEM, "afp: out of memory for a writer");
  }
  writer->font_names = calloc(fonts, sizeof *writer->font_names);
  writer->font_ref_ends = calloc(fonts, sizeof *writer->font_ref_ends);
  writer->page_images = calloc(plan->image_count + 1, sizeof *writer->page_images);
  if (writer->font_names == NULL || writer->font_ref_ends == NULL || writer->page_images == NULL) {
    status = PrError_set(error, PR_ENOMEM, "afp: out of memory for a writer");
  }
  for (uint32_t f = 0; f < plan->font_count && status == PR_OK; f++) {
    PrFontInfo info;
    PrFont_info(plan->fonts[f], &info);
    writer->units_per_em[f] = info.units_per_em > 0 ? info.units_per_em : 1000;
    const char *name = options != NULL && options->font_names != NULL &&
                               options->font_names[f] != NULL && options->font_names[f][0] != 0
                           ? options->font_names[f]
                           : info.postscript_name;
    writer->font_names[f] = PrText_copy(name[0] != 0 ? name : "pressrun font");
    if (writer->font_names[f] == NULL) {
      status = PrError_set(error, PR_ENOMEM, "afp: out of memory for a writer");
      break;
    }
    /* Every page's MDR names the font so: encoded once. */
    PrAfp_putFontName(&writer->font_refs, 0xDE, writer->font_names[f]);
    writer->font_ref_ends[f] = writer->font_refs.size_bytes;
  }
  if (status == PR_OK) {
    status = PrBuffer_check(&writer->font_refs, error);
  }
  PrAfpOptions defaults;
  memset(&defaults, 0, sizeof defaults);
  if (status == PR_OK) {
    status = copy_options(writer, options != NULL ? options : &defaults, error);
  }
  if (status == PR_OK && writer->map_count > 0) {
    /* The form definition is written with the first page: check it now. */
    status = PrAfpFormdef_write(&writer->scratch, writer->form_name, writer->medium_maps,
                                writer->map_count, writer->medium_width_pt,
                                writer->medium_height_pt, error);
    PrBuffer_clear(&writer->scratch);
  }
  if (status != PR_OK) {
    PrAfpWriter_destroy(writer);
    return status;
  }
  *out = writer;
  return PR_OK;
}

void PrAfpWriter_destroy(PrAfpWriter *writer) {
  if (writer == NULL) {
    return;
  }
  for (uint32_t t = 0; t < writer->tag_count; t++) {
    free(writer->tag_names[t]);
  }
  free(writer->tag_names);
  free(writer->tag_ends);
  for (uint32_t m = 0; m < writer->map_count && writer->medium_maps != NULL; m++) {
    free((char *)writer->medium_maps[m].media_type);
  }
  free(writer->medium_maps);
  free(writer->maps);
  if (writer->coded != NULL) {
    for (uint32_t f = 0; f < writer->plan->font_count; f++) {
      free(writer->coded[f].codepoints);
      free(writer->coded[f].code_bytes);
    }
  }
  free(writer->coded);
  free(writer->units_per_em);
  for (uint32_t f = 0; writer->font_names != NULL && f < writer->plan->font_count; f++) {
    free(writer->font_names[f]);
  }
  free(writer->font_names);
  free(writer->font_ref_ends);
  free(writer->page_images);
  free(writer->page_forms);
  PrBuffer_free(&writer->font_refs);
  free(writer->forms);
  free(writer->vector_items);
  PrBuffer_free(&writer->out);
  PrBuffer_free(&writer->overlays);
  PrBuffer_free(&writer->text);
  PrBuffer_free(&writer->scratch);
  PrBuffer_free(&writer->tags);
  free(writer);
}

void PrAfpWriter_output(const PrAfpWriter *writer, const uint8_t **data, size_t *size_bytes) {
  *data = writer->out.data;
  *size_bytes = writer->out.size_bytes;
}

void PrAfpWriter_consume(PrAfpWriter *writer) {
  writer->consumed_bytes += writer->out.size_bytes;
  PrBuffer_clear(&writer->out);
}

uint64_t PrAfpWriter_pageCount(const PrAfpWriter *writer) { return writer->page_count; }

uint64_t PrAfpWriter_bytesWritten(const PrAfpWriter *writer) {
  return writer->consumed_bytes + writer->out.size_bytes;
}

/* ---- the resource group -------------------------------------------------- */

static void begin_named(PrBuffer *out, uint32_t id, const char *name) {
  PrAfpSf sf;
  PrAfpSf_begin(out, id, &sf);
  PrAfp_putName8(out, name);
  PrAfpSf_end(out, &sf);
}

/* BRS: name, 2 reserved bytes, the resource object type (X'21') and the
 * name again as an FQN X'01' (the name data-object references match). */
static void begin_resource(PrBuffer *out, const char *name, uint8_t type, const char *font_name) {
  PrAfpSf sf;
  PrAfpSf_begin(out, PR_SF_BRS, &sf);
  PrAfp_putName8(out, name);
  PrAfp_put16(out, 0);
  PrBuffer_appendByte(out, 10);
  PrBuffer_appendByte(out, 0x21);
  PrBuffer_appendByte(out, type);
  for (int i = 0; i < 7; i++) {
    PrBuffer_appendByte(out, 0);
  }
  if (font_name != NULL) {
    PrAfp_putFontName(out, 0x01, font_name);   /* the full font name MDRs match */
    PrAfp_putTrueTypeClass(out);
  } else {
    PrAfp_putFqnName(out, 0x01, name);
  }
  PrAfpSf_end(out, &sf);
}

static void end_resource(PrBuffer *out, const char *name) {
  begin_named(out, PR_SF_ERS, name);
}

/* The font's program as a standalone file: a face of a collection is
 * rebuilt with every glyph (the printer needs one font, not the file). */
static PrStatus font_program(PrAfpWriter *writer, uint32_t font, const uint8_t **data,
                             size_t *bytes, PrError *error) {
  const PrFont *face = writer->plan->fonts[font];
  *data = PrFont_data(face, bytes);
  if (*bytes >= 4 && memcmp(*data, "ttcf", 4) == 0) {
    PrFontInfo info;
    PrFont_info(face, &info);
    size_t used_bytes = ((size_t)info.glyph_count + 7) / 8;
    uint8_t *all = malloc(used_bytes > 0 ? used_bytes : 1);
    if (all == NULL) {
      return PrError_set(error, PR_ENOMEM, "afp: out of memory for font %u", (unsigned)font);
    }
    memset(all, 0xFF, used_bytes);
    PrBuffer_clear(&writer->scratch);
    PrStatus status = PrFont_subsetGlyf(face, all, used_bytes, &writer->scratch, error);
    free(all);
    if (status != PR_OK) {
      return PrError_set(error, status, "afp: font %u is a face of a collection that cannot "
                         "be carried alone: %.300s", (unsigned)font, error->message);
    }
    *data = writer->scratch.data;
    *bytes = writer->scratch.size_bytes;
  }
  return PR_OK;
}

static PrStatus write_font(PrAfpWriter *writer, uint32_t font, PrError *error) {
  const uint8_t *data;
  size_t bytes;
  PR_RETURN_NOT_OK(font_program(writer, font, &data, &bytes, error));
  char name[9];
  PrAfpPage_fontName(font, name);
  PrBuffer *out = &writer->out;
  begin_resource(out, name, 0x92, writer->font_names[font]);
  PrAfpSf sf;
  PrAfpSf_begin(out, PR_SF_BOC, &sf);
  PrAfp_putName8(out, name);
  PrAfp_putTrueTypeClass(out);
  PrAfpSf_end(out, &sf);
  PrAfpSf_writeChunked(out, PR_SF_OCD, data, bytes);
  begin_named(out, PR_SF_EOC, name);
  end_resource(out, name);
  return PR_OK;
}

static PrStatus write_resources(PrAfpWriter *writer, PrError *error) {
  PrBuffer *out = &writer->out;
  const PrPlan *plan = writer->plan;
  begin_named(out, PR_SF_BRG, "PRESSRUN");
  if (writer->map_count > 0) {
    begin_resource(out, writer->form_name, 0xFE, NULL);
    PR_RETURN_NOT_OK(PrAfpFormdef_write(out, writer->form_name, writer->medium_maps,
                                        writer->map_count, writer->medium_width_pt,
                                        writer->medium_height_pt, error));
    end_resource(out, writer->form_name);
  }
  for (uint32_t f = 0; f < plan->font_count; f++) {
    if (!writer->coded[f].mapped) {
      PR_RETURN_NOT_OK(write_font(writer, f, error));
    }
  }
  for (uint32_t i = 0; i < plan->image_count; i++) {
    char name[9];
    PrAfpPage_imageName(i, name);
    begin_resource(out, name, 0x06, NULL);
    PR_RETURN_NOT_OK(PrAfpIoca_writeImage(out, &plan->images[i], name, error));
    end_resource(out, name);
  }
  PrBuffer_append(out, writer->overlays.data, writer->overlays.size_bytes);
  PrBuffer_free(&writer->overlays);
  begin_named(out, PR_SF_ERG, "PRESSRUN");
  PrAfpSf sf;
  PrAfpSf_begin(out, PR_SF_BDT, &sf);
  PrAfp_putName8(out, writer->document_name);
  PrAfp_put16(out, 0);                /* reserved */
  PrBuffer_appendByte(out, 6);        /* X'01' CGCSGID: names and tags in CCSID 500 */
  PrBuffer_appendByte(out, 0x01);
  PrAfp_put16(out, 0);
  PrAfp_put16(out, 500);
  PrAfpSf_end(out, &sf);
  writer->resources_written = true;
  return PrBuffer_check(out, error);
}

static PrStatus ensure_resources(PrAfpWriter *writer, PrError *error) {
  return writer->resources_written ? PR_OK : write_resources(writer, error);
}

/* ---- documents, page groups, pages ---------------------------------------- */

/* TLE: the attribute name (X'02' type X'0B'), then the value (X'36'): in
 * code page 500 when it is all Latin-1, else in UTF-16BE after an X'01'
 * CCSID 1200 (which applies to the strings after it). A value is cut, at a
 * character, to the 250 bytes a triplet holds. */
static void write_tle(PrAfpWriter *writer, const char *name, const uint8_t *value,
                      size_t value_bytes) {
  PrBuffer *out = &writer->out;
  uint32_t codepoints[250];
  size_t count = PrAfp_utf8Decode(value, value_bytes, codepoints, 250);
  bool latin1 = true;
  for (size_t i = 0; i < count; i++) {
    latin1 = latin1 && codepoints[i] <= 0xFF;
  }
  size_t name_bytes = strlen(name);
  PrAfpSf sf;
  PrAfpSf_begin(out, PR_SF_TLE, &sf);
  PrBuffer_appendByte(out, (uint8_t)(4 + name_bytes));
  PrBuffer_appendByte(out, 0x02);
  PrBuffer_appendByte(out, 0x0B);   /* attribute name */
  PrBuffer_appendByte(out, 0x00);
  PrAfp_putEbcdic(out, name, name_bytes);
  if (!latin1) {
    PrBuffer_appendByte(out, 6);
    PrBuffer_appendByte(out, 0x01);
    PrAfp_put16(out, 0);
    PrAfp_put16(out, 1200);
  }
  size_t at = out->size_bytes;
  PrBuffer_appendByte(out, 0);
  PrBuffer_appendByte(out, 0x36);   /* attribute value */
  PrAfp_put16(out, 0);
  size_t value_start = out->size_bytes;
  for (size_t i = 0; i < count; i++) {
    uint32_t cp = codepoints[i];
    if (latin1) {
      PrBuffer_appendByte(out, PrAfp_ebcdic((uint8_t)cp));
      continue;
    }
    if (out->size_bytes - value_start + (cp > 0xFFFF ? 4 : 2) > 250) {
      break;
    }
    if (cp > 0xFFFF) {
      cp -= 0x10000;
      PrAfp_put16(out, 0xD800 + (cp >> 10));
      cp = 0xDC00 + (cp & 0x3FF);
    }
    PrAfp_put16(out, cp);
  }
  if (!out->failed) {
    out->data[at] = (uint8_t)(out->size_bytes - at);
  }
  PrAfpSf_end(out, &sf);
}

static void begin_group(PrAfpWriter *writer) {
  char name[9];
  PrAfpPage_groupName(++writer->group_count, name);
  begin_named(&writer->out, PR_SF_BNG, name);
  if (writer->has_tags) {
    uint64_t start = 0;
    for (uint32_t t = 0; t < writer->tag_count; t++) {
      write_tle(writer, writer->tag_names[t], writer->tags.data + start,
                (size_t)(writer->tag_ends[t] - start));
      start = writer->tag_ends[t];
    }
  }
  writer->group_open = true;
}

/* An IMM at the start of every page group (after BNG and its TLEs: a
 * group then prints alike on its own, in a reprint or an archive, and
 * starts on a new sheet), and before a front whose medium map changes. */
static PrStatus select_medium(PrAfpWriter *writer, int32_t medium_map, bool group_start,
                              PrError *error) {
  if (writer->map_count == 0) {
    if (medium_map > 0) {
      return PrError_set(error, PR_EINVAL, "afp: medium map %d, none defined", (int)medium_map);
    }
    return PR_OK;
  }
  int32_t map = medium_map < 0 ? (writer->medium_map < 0 ? 0 : writer->medium_map) : medium_map;
  if ((uint32_t)map >= writer->map_count) {
    return PrError_set(error, PR_EINVAL, "afp: medium map %d; %u are defined", (int)map,
                       (unsigned)writer->map_count);
  }
  bool change = map != writer->medium_map;
  if (change && writer->back_next && !group_start) {
    return PrError_set(error, PR_EINVAL, "afp: medium map %s asked for the back of a sheet "
                       "printed with %s", writer->maps[map].name,
                       writer->maps[writer->medium_map].name);
  }
  if (change || group_start) {
    PrAfpFormdef_writeInvoke(&writer->out, writer->maps[map].name);
    writer->medium_map = map;
    writer->back_next = false;
  }
  return PR_OK;
}

static PrStatus write_page(PrAfpWriter *writer, const PrDisplayList *list, uint32_t page,
                           int32_t medium_map, PrError *error) {
  PR_RETURN_NOT_OK(PrAfpFile_checkUsable(writer, "writePage", error));
  if (!writer->in_document) {
    return PrError_set(error, PR_EINVAL, "afp: writePage outside a document "
                                         "(beginDocument missing)");
  }
  if (list == NULL || page >= list->page_count) {
    return PrError_set(error, PR_EINVAL, "afp: page %u is not in the list", (unsigned)page);
  }
  PrStatus status = ensure_resources(writer, error);
  if (status != PR_OK) {
    return fail(writer, status, error);
  }
  /* A page that fails leaves nothing behind: the writer stays usable. */
  size_t size_before = writer->out.size_bytes;
  bool group_open = writer->group_open, back_next = writer->back_next;
  uint64_t group_count = writer->group_count;
  int32_t map_before = writer->medium_map;
  bool group_start = !writer->group_open;
  if (group_start) {
    begin_group(writer);
  }
  status = select_medium(writer, medium_map, group_start, error);
  if (status == PR_OK) {
    char name[9];
    PrAfpPage_pageName(writer->page_count + 1, name);
    begin_named(&writer->out, PR_SF_BPG, name);
    status = PrAfpPage_writeContent(writer, &writer->out, list, page, error);
    if (status == PR_OK) {
      begin_named(&writer->out, PR_SF_EPG, name);
      status = PrBuffer_check(&writer->out, error);
    }
  }
  if (status != PR_OK) {
    writer->out.size_bytes = size_before;
    writer->out.failed = 0;
    writer->group_open = group_open;
    writer->back_next = back_next;
    writer->group_count = group_count;
    writer->medium_map = map_before;
    return status;
  }
  writer->page_count++;
  if (writer->map_count > 0 && writer->maps[writer->medium_map].duplex != 0) {
    writer->back_next = !writer->back_next;
  }
  return PR_OK;
}

static bool doc_has_form(void *self, uint32_t key) {
  return PrAfpPage_findForm(self, key) != NULL;
}

static PrStatus define_form(PrAfpWriter *writer, uint32_t key, const PrDisplayList *list,
                            uint32_t page, PrError *error) {
  PR_RETURN_NOT_OK(PrAfpFile_checkUsable(writer, "defineForm", error));
  if (writer->resources_written) {
    return PrError_set(error, PR_EINVAL, "afp: form %u defined after the first page: the "
                       "resource group is written", (unsigned)key);
  }
  if (PrAfpPage_findForm(writer, key) != NULL) {
    return PrError_set(error, PR_EINVAL, "afp: form %u defined twice", (unsigned)key);
  }
  if (writer->form_count == writer->form_capacity) {
    uint32_t capacity = writer->form_capacity < 4 ? 4 : writer->form_capacity * 2;
    PrAfpForm *grown = realloc(writer->forms, capacity * sizeof *grown);
    if (grown != NULL) {
      writer->forms = grown;
    }
    uint32_t *used = realloc(writer->page_forms, capacity * sizeof *used);
    if (used != NULL) {
      writer->page_forms = used;
    }
    if (grown == NULL || used == NULL) {
      return PrError_set(error, PR_ENOMEM, "afp: out of memory for forms");
    }
    writer->form_capacity = capacity;
  }
  uint32_t number = writer->form_count + 1;
  char name[9];
  PrAfpPage_formName(number, name);
  PrBuffer *out = &writer->overlays;
  size_t before = out->size_bytes;
  begin_resource(out, name, 0xFC, NULL);
  begin_named(out, PR_SF_BMO, name);
  PrStatus status = PrAfpPage_writeContent(writer, out, list, page, error);
  if (status != PR_OK) {
    out->size_bytes = before;
    return status;
  }
  begin_named(out, PR_SF_EMO, name);
  end_resource(out, name);
  PR_RETURN_NOT_OK(PrBuffer_check(out, error));
  writer->forms[writer->form_count].key = key;
  writer->forms[writer->form_count].number = number;
  writer->form_count++;
  return PR_OK;
}

static PrStatus doc_define_form(void *self, uint32_t key, const PrDisplayList *list,
                                uint32_t page, PrError *error) {
  return define_form(self, key, list, page, error);
}

static PrStatus doc_begin(void *self, int64_t record, const PrDocTags *tags, PrError *error) {
  PrAfpWriter *writer = self;
  (void)record;
  PR_RETURN_NOT_OK(PrAfpFile_checkUsable(writer, "beginDocument", error));
  if (writer->in_document) {
    return PrError_set(error, PR_EINVAL, "afp: beginDocument inside a document "
                                         "(endDocument missing)");
  }
  PrBuffer_clear(&writer->tags);
  writer->has_tags = false;
  if (tags != NULL && writer->tag_count > 0) {
    if (tags->count != writer->tag_count || tags->offsets == NULL) {
      return PrError_set(error, PR_EINVAL, "afp: %u tag values for %u tag names",
                         (unsigned)tags->count, (unsigned)writer->tag_count);
    }
    for (uint32_t t = 0; t < writer->tag_count; t++) {
      uint64_t start = tags->offsets[t], end = tags->offsets[t + 1];
      if (end < start || (end > start && tags->texts == NULL)) {
        return PrError_set(error, PR_EINVAL, "afp: tag value %u ends before it starts or has "
                           "no text", (unsigned)t);
      }
      PrBuffer_append(&writer->tags, tags->texts + start, (size_t)(end - start));
      writer->tag_ends[t] = writer->tags.size_bytes;
    }
    PR_RETURN_NOT_OK(PrBuffer_check(&writer->tags, error));
    writer->has_tags = true;
  }
  writer->in_document = true;
  writer->group_open = false;
  return PR_OK;
}

static PrStatus doc_write_page(void *self, const PrDisplayList *list, uint32_t page,
                               int32_t medium_map, PrError *error) {
  return write_page(self, list, page, medium_map, error);
}

static PrStatus doc_end(void *self, PrError *error) {
  PrAfpWriter *writer = self;
  PR_RETURN_NOT_OK(PrAfpFile_checkUsable(writer, "endDocument", error));
  if (!writer->in_document) {
    return PrError_set(error, PR_EINVAL, "afp: endDocument without beginDocument");
  }
  if (writer->group_open) {
    char name[9];
    PrAfpPage_groupName(writer->group_count, name);
    begin_named(&writer->out, PR_SF_ENG, name);
  }
  writer->in_document = false;
  writer->group_open = false;
  return fail(writer, PrBuffer_check(&writer->out, error), error);
}

static uint64_t doc_page_count(const void *self) {
  return PrAfpWriter_pageCount(self);
}

void PrAfpWriter_docWriter(PrAfpWriter *writer, PrDocWriter *out) {
  out->self = writer;
  out->hasForm = doc_has_form;
  out->defineForm = doc_define_form;
  out->beginDocument = doc_begin;
  out->writePage = doc_write_page;
  out->endDocument = doc_end;
  out->pageCount = doc_page_count;
}

PrStatus PrAfpWriter_finish(PrAfpWriter *writer, PrError *error) {
  PR_RETURN_NOT_OK(PrAfpFile_checkUsable(writer, "finish", error));
  if (writer->in_document) {
    return PrError_set(error, PR_EINVAL, "afp: finish inside a document");
  }
  PrStatus status = ensure_resources(writer, error);
  if (status != PR_OK) {
    return fail(writer, status, error);
  }
  begin_named(&writer->out, PR_SF_EDT, writer->document_name);
  writer->finished = true;
  return PrBuffer_check(&writer->out, error);
}
