/* lv-test-stanza: a canonical text of stanzas for the unit tests. */
#include "lv-test-stanza.h"

#include <string.h>

static int
by_name(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
append_attributes(GString *out, xmpp_stanza_t *stanza)
{
    int count = xmpp_stanza_get_attribute_count(stanza);
    g_autofree const char **pairs = g_new0(const char *, (gsize)count * 2 + 2);
    g_autoptr(GPtrArray) names = g_ptr_array_new();

    xmpp_stanza_get_attributes(stanza, pairs, count * 2);
    for (int i = 0; i < count; i++)
        g_ptr_array_add(names, (gpointer)pairs[2 * i]);
    g_ptr_array_sort(names, by_name);
    for (guint i = 0; i < names->len; i++) {
        g_autofree char *value =
                g_markup_escape_text(xmpp_stanza_get_attribute(stanza, names->pdata[i]), -1);
        g_string_append_printf(out, " %s=\"%s\"", (const char *)names->pdata[i], value);
    }
}

static void
append(GString *out, xmpp_stanza_t *stanza)
{
    if (xmpp_stanza_is_text(stanza)) {
        g_autofree char *escaped = g_markup_escape_text(xmpp_stanza_get_text_ptr(stanza), -1);
        g_string_append(out, escaped);
        return;
    }
    g_string_append_printf(out, "<%s", xmpp_stanza_get_name(stanza));
    append_attributes(out, stanza);
    if (xmpp_stanza_get_children(stanza) == NULL) {
        g_string_append(out, "/>");
        return;
    }
    g_string_append_c(out, '>');
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(stanza); c != NULL;
         c = xmpp_stanza_get_next(c))
        append(out, c);
    g_string_append_printf(out, "</%s>", xmpp_stanza_get_name(stanza));
}

char *
lv_test_stanza_canon(xmpp_stanza_t *stanza)
{
    GString *out = g_string_new(NULL);

    append(out, stanza);
    return g_string_free(out, FALSE);
}

char *
lv_test_stanza_take_canon(xmpp_stanza_t *stanza)
{
    g_assert_nonnull(stanza);
    char *text = lv_test_stanza_canon(stanza);
    xmpp_stanza_release(stanza);
    return text;
}
