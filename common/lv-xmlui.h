/* lv-xmlui: the one XMLUI dialog the backend sends on its own, a note (Libervia 0.9's
 * xml_tools.note: `<sat_xmlui type="dialog" title=…><dialog type="note" level=…>
 * <message>…</message></dialog></sat_xmlui>`), carried by the actionNew signal under
 * the key "xmlui". Libervia's frontends show it as a dialog; `li` reads it back. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Levels of a note, as Libervia names them. */
#define LV_XMLUI_LEVEL_INFO "info"
#define LV_XMLUI_LEVEL_WARNING "warning"
#define LV_XMLUI_LEVEL_ERROR "error"

/* The XMLUI text of a note (transfer full); @title may be NULL. */
char *lv_xmlui_note_new(const char *title, const char *message, const char *level);

/* Reads a note back: FALSE (and LV_ERROR_DATA) if @xml is not a note dialog. The
 * outputs are set on success only (transfer full); @title is "" when it has none. */
gboolean lv_xmlui_note_parse(const char *xml, char **title, char **message, char **level,
                             GError **error);

G_END_DECLS
