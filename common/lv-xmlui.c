/* lv-xmlui: XMLUI notes, built and read (see lv-xmlui.h). */
#include "lv-xmlui.h"

#include <string.h>

#include "lv-error.h"

char *
lv_xmlui_note_new(const char *title, const char *message, const char *level)
{
    g_autofree char *title_attr = title != NULL && title[0] != '\0'
                                          ? g_markup_printf_escaped(" title=\"%s\"", title)
                                          : g_strdup("");
    g_autofree char *body = g_markup_printf_escaped(
            "<dialog level=\"%s\" type=\"note\"><message>%s</message></dialog>", level, message);

    return g_strdup_printf("<?xml version=\"1.0\" ?>\n<sat_xmlui type=\"dialog\"%s>%s</sat_xmlui>",
                           title_attr, body);
}

typedef struct {
    char *title;
    char *level;
    GString *message;
    gboolean dialog; /* <sat_xmlui type="dialog"> seen */
    gboolean note;   /* <dialog type="note"> seen */
    gboolean in_message;
} NoteParse;

static const char *
attribute(const char **names, const char **values, const char *name)
{
    for (guint i = 0; names[i] != NULL; i++)
        if (g_str_equal(names[i], name))
            return values[i];
    return NULL;
}

static void
on_start(GMarkupParseContext *context, const char *element, const char **names, const char **values,
         gpointer user_data, GError **error)
{
    NoteParse *parse = user_data;

    if (g_str_equal(element, "sat_xmlui")) {
        parse->dialog = g_strcmp0(attribute(names, values, "type"), "dialog") == 0;
        g_free(parse->title);
        parse->title = g_strdup(attribute(names, values, "title"));
    } else if (g_str_equal(element, "dialog") && parse->dialog) {
        parse->note = g_strcmp0(attribute(names, values, "type"), "note") == 0;
        g_free(parse->level);
        parse->level = g_strdup(attribute(names, values, "level"));
    } else if (g_str_equal(element, "message") && parse->note) {
        parse->in_message = TRUE;
    }
}

static void
on_end(GMarkupParseContext *context, const char *element, gpointer user_data, GError **error)
{
    NoteParse *parse = user_data;

    if (g_str_equal(element, "message"))
        parse->in_message = FALSE;
}

static void
on_text(GMarkupParseContext *context, const char *text, gsize len, gpointer user_data,
        GError **error)
{
    NoteParse *parse = user_data;

    if (parse->in_message)
        g_string_append_len(parse->message, text, (gssize)len);
}

gboolean
lv_xmlui_note_parse(const char *xml, char **title, char **message, char **level, GError **error)
{
    static const GMarkupParser parser = { on_start, on_end, on_text, NULL, NULL };
    NoteParse parse = { NULL, NULL, g_string_new(NULL), FALSE, FALSE, FALSE };
    g_autoptr(GMarkupParseContext) context =
            g_markup_parse_context_new(&parser, G_MARKUP_PREFIX_ERROR_POSITION, &parse, NULL);
    g_autoptr(GError) failure = NULL;
    gboolean ok = g_markup_parse_context_parse(context, xml, -1, &failure) &&
                  g_markup_parse_context_end_parse(context, &failure);

    if (ok && !parse.note)
        failure = g_error_new_literal(LV_ERROR, LV_ERROR_DATA, "not an XMLUI note dialog");
    if (failure != NULL) {
        g_set_error(error, LV_ERROR, LV_ERROR_DATA, "invalid XMLUI note: %s", failure->message);
        g_free(parse.title);
        g_free(parse.level);
        g_string_free(parse.message, TRUE);
        return FALSE;
    }
    *title = parse.title != NULL ? parse.title : g_strdup("");
    *level = parse.level != NULL ? parse.level : g_strdup(LV_XMLUI_LEVEL_INFO);
    *message = g_string_free(parse.message, FALSE);
    return TRUE;
}
