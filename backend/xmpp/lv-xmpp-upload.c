/* lv-xmpp-upload: XEP-0363 slot request and reply (see the header). */
#include "lv-xmpp-upload.h"

#include <string.h>

#include "lv-error.h"
#include "lv-xmpp-account-private.h"
#include "lv-xmpp-iq.h"

/* XEP-0363 §5: the only headers a client passes on. */
static const char *const allowed_headers[] = { "Authorization", "Cookie", "Expires", NULL };

void
lv_xmpp_upload_add_request(xmpp_stanza_t *iq, const char *filename, guint64 size,
                           const char *content_type)
{
    xmpp_stanza_t *request = lv_xmpp_add_child(iq, "request", LV_NS_HTTP_UPLOAD);
    g_autofree char *size_text = g_strdup_printf("%" G_GUINT64_FORMAT, size);

    xmpp_stanza_set_attribute(request, "filename", filename);
    xmpp_stanza_set_attribute(request, "size", size_text);
    if (content_type != NULL && content_type[0] != '\0')
        xmpp_stanza_set_attribute(request, "content-type", content_type);
}

static char *
text_of(xmpp_stanza_t *stanza)
{
    char *text = stanza != NULL ? xmpp_stanza_get_text(stanza) : NULL;
    char *copy = g_strdup(text);

    if (text != NULL)
        xmpp_free(xmpp_stanza_get_context(stanza), text);
    return copy;
}

static gboolean
is_https_url(const char *url)
{
    g_autoptr(GUri) uri = url != NULL ? g_uri_parse(url, G_URI_FLAGS_NONE, NULL) : NULL;

    return uri != NULL && g_ascii_strcasecmp(g_uri_get_scheme(uri), "https") == 0 &&
           g_uri_get_host(uri) != NULL && g_uri_get_host(uri)[0] != '\0';
}

/* The URL of @slot's child @name, or NULL with an error. */
static char *
slot_url(xmpp_stanza_t *slot, const char *name, GError **error)
{
    xmpp_stanza_t *child = xmpp_stanza_get_child_by_name(slot, name);
    const char *url = child != NULL ? xmpp_stanza_get_attribute(child, "url") : NULL;

    if (!is_https_url(url)) {
        g_set_error(error, LV_ERROR, LV_ERROR_DATA, "the upload slot has no https %s URL%s%s", name,
                    url != NULL ? ": " : "", url != NULL ? url : "");
        return NULL;
    }
    return g_strdup(url);
}

static gboolean
add_header(GVariantBuilder *headers, xmpp_stanza_t *header, GError **error)
{
    const char *name = xmpp_stanza_get_attribute(header, "name");
    g_autofree char *value = text_of(header);

    if (name == NULL || value == NULL)
        return TRUE;
    for (const char *const *allowed = allowed_headers; *allowed != NULL; allowed++) {
        if (g_ascii_strcasecmp(name, *allowed) != 0)
            continue;
        if (strpbrk(value, "\r\n") != NULL || !g_utf8_validate(value, -1, NULL)) {
            g_set_error(error, LV_ERROR, LV_ERROR_DATA,
                        "the upload slot's %s header has a line break", *allowed);
            return FALSE;
        }
        g_variant_builder_open(headers, G_VARIANT_TYPE("a{ss}"));
        g_variant_builder_add(headers, "{ss}", *allowed, g_strstrip(value));
        g_variant_builder_close(headers);
        return TRUE;
    }
    g_message("upload slot header %s dropped (not allowed by XEP-0363)", name);
    return TRUE;
}

GVariant *
lv_xmpp_upload_parse_slot(xmpp_stanza_t *reply, GError **error)
{
    xmpp_stanza_t *slot = xmpp_stanza_get_child_by_name_and_ns(reply, "slot", LV_NS_HTTP_UPLOAD);
    g_auto(GVariantBuilder) headers = G_VARIANT_BUILDER_INIT(G_VARIANT_TYPE("aa{ss}"));

    if (slot == NULL) {
        g_set_error_literal(error, LV_ERROR, LV_ERROR_DATA, "the upload service sent no slot");
        return NULL;
    }
    g_autofree char *put = slot_url(slot, "put", error);
    g_autofree char *get = put != NULL ? slot_url(slot, "get", error) : NULL;
    if (get == NULL)
        return NULL;
    xmpp_stanza_t *put_element = xmpp_stanza_get_child_by_name(slot, "put");
    for (xmpp_stanza_t *child = xmpp_stanza_get_children(put_element); child != NULL;
         child = xmpp_stanza_get_next(child)) {
        if (xmpp_stanza_is_tag(child) && g_strcmp0(xmpp_stanza_get_name(child), "header") == 0 &&
            !add_header(&headers, child, error))
            return NULL;
    }
    return g_variant_new("(ss@aa{ss})", put, get, g_variant_builder_end(&headers));
}

guint64
lv_xmpp_upload_max_size(GVariant *info)
{
    g_autoptr(GVariant) extensions = g_variant_get_child_value(info, 2);
    g_autoptr(GVariant) fields = g_variant_lookup_value(extensions, LV_NS_HTTP_UPLOAD, NULL);
    GVariantIter iter;
    g_autoptr(GVariant) attributes = NULL;
    g_autofree const char **values = NULL;

    if (fields == NULL)
        return 0;
    g_variant_iter_init(&iter, fields);
    while (g_variant_iter_next(&iter, "(@a{ss}^a&s)", &attributes, &values)) {
        const char *var = NULL;
        if (g_variant_lookup(attributes, "var", "&s", &var) && g_str_equal(var, "max-file-size") &&
            values[0] != NULL)
            return g_ascii_strtoull(values[0], NULL, 10);
        g_clear_pointer(&attributes, g_variant_unref);
        g_clear_pointer(&values, g_free);
    }
    return 0;
}

/* ---- the request, in the account's thread ---- */

typedef struct {
    LvXmppAccount *account;
    char *request_id;
    char *service;
    char *filename;
    guint64 size;
    char *content_type;
} SlotAsk;

static void
slot_ask_free(gpointer data)
{
    SlotAsk *ask = data;

    lv_xmpp_account_unref(ask->account);
    g_free(ask->request_id);
    g_free(ask->service);
    g_free(ask->filename);
    g_free(ask->content_type);
    g_free(ask);
}

static void
on_slot(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error, gpointer user_data)
{
    SlotAsk *ask = user_data;
    GError *answer = error != NULL ? g_error_copy(error) : NULL;
    GVariant *slot = reply != NULL ? lv_xmpp_upload_parse_slot(reply, &answer) : NULL;

    if (answer != NULL)
        g_prefix_error(&answer, "no upload slot from %s: ", ask->service);
    lv_xmpp_account_post(account, LV_XMPP_EVENT_REPLY, ask->request_id,
                         slot != NULL ? g_variant_new_tuple(&slot, 1) : NULL, answer);
}

static gboolean
do_slot(gpointer data)
{
    SlotAsk *ask = data;
    LvXmppAccount *account = ask->account;

    if (!lv_xmpp_account_in_session(account)) {
        lv_xmpp_account_post(account, LV_XMPP_EVENT_REPLY, ask->request_id, NULL,
                             g_error_new(LV_ERROR, LV_ERROR_PROFILE_NOT_CONNECTED,
                                         "%s is not connected", account->profile));
        slot_ask_free(ask);
        return G_SOURCE_REMOVE;
    }
    xmpp_stanza_t *iq = lv_xmpp_iq_new(account, "get", ask->service);
    lv_xmpp_upload_add_request(iq, ask->filename, ask->size, ask->content_type);
    /* The reply is checked to come from @service (lv-xmpp-iq.c). */
    lv_xmpp_iq_request(account, iq, on_slot, ask, slot_ask_free);
    xmpp_stanza_release(iq);
    lv_xmpp_account_drain(account);
    return G_SOURCE_REMOVE;
}

void
lv_xmpp_account_upload_slot(LvXmppAccount *account, const char *request_id, const char *service,
                            const char *filename, guint64 size, const char *content_type)
{
    SlotAsk *ask = g_new0(SlotAsk, 1);

    ask->account = lv_xmpp_account_ref(account);
    ask->request_id = g_strdup(request_id);
    ask->service = g_strdup(service);
    ask->filename = g_strdup(filename);
    ask->size = size;
    ask->content_type = g_strdup(content_type);
    /* Freed by the IQ request once answered, or by do_slot without a session. */
    lv_xmpp_account_invoke(account, do_slot, ask, NULL);
}
