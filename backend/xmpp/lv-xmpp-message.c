/* lv-xmpp-message: parsing and building message stanzas (see the header). */
#include "lv-xmpp-message.h"

#include <json-glib/json-glib.h>

#include "lv-error.h"
#include "lv-jid.h"
#include "lv-xmpp-account-private.h"

static const char *const chat_states[] = {
    "active", "composing", "paused", "inactive", "gone", NULL
};
static const char *const markers[] = { "received", "displayed", "acknowledged", NULL };
static const char *const types[] = { "chat", "normal", "headline", "groupchat", "error", NULL };

void
lv_xmpp_message_free(LvXmppMessage *message)
{
    if (message == NULL)
        return;
    g_free(message->from);
    g_free(message->to);
    g_free(message->from_bare);
    g_free(message->to_bare);
    g_free(message->type);
    g_free(message->id);
    g_free(message->origin_id);
    g_free(message->stanza_id);
    g_free(message->archive_jid);
    g_clear_pointer(&message->bodies, g_variant_unref);
    g_clear_pointer(&message->subjects, g_variant_unref);
    g_free(message->thread);
    g_free(message->receipt_for);
    g_free(message->marker);
    g_free(message->marker_for);
    g_free(message->chat_state);
    g_free(message->replace_id);
    g_free(message->retract_id);
    g_free(message->error_condition);
    g_free(message->mam_query_id);
    g_free(message->oob_url);
    g_free(message);
}

void
lv_xmpp_outgoing_free(LvXmppOutgoing *outgoing)
{
    if (outgoing == NULL)
        return;
    g_free(outgoing->uid);
    g_free(outgoing->to);
    g_free(outgoing->type);
    g_clear_pointer(&outgoing->bodies, g_variant_unref);
    g_clear_pointer(&outgoing->subjects, g_variant_unref);
    g_free(outgoing->thread);
    g_free(outgoing->replace_id);
    g_free(outgoing->retract_id);
    g_free(outgoing->oob_url);
    g_free(outgoing);
}

double
lv_xmpp_parse_datetime(const char *text)
{
    if (text == NULL)
        return 0;
    g_autoptr(GTimeZone) utc = g_time_zone_new_utc();
    g_autoptr(GDateTime) when = g_date_time_new_from_iso8601(text, utc);
    if (when == NULL)
        return 0;
    return (double)g_date_time_to_unix(when) + g_date_time_get_microsecond(when) / 1e6;
}

/* The text of @stanza if valid UTF-8 (transfer full), else NULL. */
static char *
text_of(xmpp_stanza_t *stanza)
{
    char *text = stanza != NULL ? xmpp_stanza_get_text(stanza) : NULL;
    char *copy = text != NULL && g_utf8_validate(text, -1, NULL) ? g_strdup(text) : NULL;

    if (text != NULL)
        xmpp_free(xmpp_stanza_get_context(stanza), text);
    return copy;
}

/* @name of @stanza, which may be NULL (transfer none). */
static const char *
attribute_or_null(xmpp_stanza_t *stanza, const char *name)
{
    return stanza != NULL ? xmpp_stanza_get_attribute(stanza, name) : NULL;
}

/* An attribute that must be a non-empty valid UTF-8 string (transfer full). */
static char *
attribute_of(xmpp_stanza_t *stanza, const char *name)
{
    const char *value = attribute_or_null(stanza, name);

    if (value == NULL || value[0] == '\0' || !g_utf8_validate(value, -1, NULL))
        return NULL;
    return g_strdup(value);
}

/* Children @name (bodies, subjects) by language: the first of each language wins. */
static GVariant *
texts_by_language(xmpp_stanza_t *message, const char *name)
{
    GVariantBuilder texts;
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    g_variant_builder_init(&texts, G_VARIANT_TYPE("a{ss}"));
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(message); c != NULL;
         c = xmpp_stanza_get_next(c)) {
        if (!xmpp_stanza_is_tag(c) || g_strcmp0(xmpp_stanza_get_name(c), name) != 0)
            continue;
        /* libstrophe's parser keeps xml:lang as "lang"; a built stanza has "xml:lang". */
        const char *lang = xmpp_stanza_get_attribute(c, "lang");
        if (lang == NULL)
            lang = xmpp_stanza_get_attribute(c, "xml:lang");
        g_autofree char *text = text_of(c);
        if (lang == NULL || !g_utf8_validate(lang, -1, NULL))
            lang = "";
        if (text == NULL || g_hash_table_contains(seen, lang))
            continue;
        g_hash_table_add(seen, g_strdup(lang));
        g_variant_builder_add(&texts, "{ss}", lang, text);
    }
    return g_variant_ref_sink(g_variant_builder_end(&texts));
}

/* @text as a normalised JID into *@full and *@bare; FALSE with an error if invalid. */
static gboolean
parse_jid(const char *text, const char *what, char **full, char **bare, GError **error)
{
    g_autoptr(GError) reason = NULL;
    g_autoptr(LvJid) jid = lv_jid_parse(text, &reason);

    if (jid == NULL) {
        g_set_error(error, LV_ERROR, LV_ERROR_DATA, "a message with an invalid %s (%s)", what,
                    reason->message);
        return FALSE;
    }
    *full = lv_jid_dup_string(jid);
    *bare = lv_jid_dup_bare(jid);
    return TRUE;
}

static gboolean
same_jid(const char *a, const char *b)
{
    g_autoptr(LvJid) ja = a != NULL ? lv_jid_parse(a, NULL) : NULL;
    g_autofree char *na = ja != NULL ? lv_jid_dup_string(ja) : NULL;

    return na != NULL && g_strcmp0(na, b) == 0;
}

/* The stanza-id given by @archive, if any (XEP-0359 §4: one per "by"). Several
 * claiming @archive: the sender added one and the server did not strip it (Prosody
 * 0.12 appends its own after it; reliability case S4): none of them is trusted, or
 * a chosen id would make a new message look like one we have. */
static char *
stanza_id_by(xmpp_stanza_t *message, const char *archive)
{
    xmpp_stanza_t *found = NULL;

    for (xmpp_stanza_t *c = xmpp_stanza_get_children(message); c != NULL;
         c = xmpp_stanza_get_next(c)) {
        if (g_strcmp0(xmpp_stanza_get_name(c), "stanza-id") == 0 &&
            g_strcmp0(xmpp_stanza_get_ns(c), LV_NS_SID) == 0 &&
            same_jid(xmpp_stanza_get_attribute(c, "by"), archive)) {
            if (found != NULL)
                return NULL;
            found = c;
        }
    }
    return found != NULL ? attribute_of(found, "id") : NULL;
}

char *
lv_xmpp_message_stanza_id_by(xmpp_stanza_t *stanza, const char *archive)
{
    return stanza_id_by(stanza, archive);
}

/* The first child in @ns whose name is one of @names, or NULL. */
static xmpp_stanza_t *
child_in(xmpp_stanza_t *message, const char *ns, const char *const *names)
{
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(message); c != NULL;
         c = xmpp_stanza_get_next(c)) {
        if (xmpp_stanza_is_tag(c) && g_strcmp0(xmpp_stanza_get_ns(c), ns) == 0 &&
            g_strv_contains(names, xmpp_stanza_get_name(c)))
            return c;
    }
    return NULL;
}

/* The XEP-0066 URL of @stanza: only a web URL without spaces or controls, as frontends
 * offer it for download (transfer full). */
static char *
oob_url_of(xmpp_stanza_t *stanza)
{
    xmpp_stanza_t *x = xmpp_stanza_get_child_by_name_and_ns(stanza, "x", LV_NS_OOB);
    g_autofree char *url = text_of(x != NULL ? xmpp_stanza_get_child_by_name(x, "url") : NULL);

    if (url == NULL)
        return NULL;
    g_strstrip(url);
    for (const char *p = url; *p != '\0'; p++) {
        if ((guchar)*p <= ' ' || *p == 0x7f)
            return NULL;
    }
    if (strlen(url) > 4096 || (g_ascii_strncasecmp(url, "https://", 8) != 0 &&
                               g_ascii_strncasecmp(url, "http://", 7) != 0))
        return NULL;
    return g_steal_pointer(&url);
}

static void
parse_extensions(LvXmppMessage *message, xmpp_stanza_t *stanza)
{
    xmpp_stanza_t *child = NULL;

    message->origin_id = attribute_of(
            xmpp_stanza_get_child_by_name_and_ns(stanza, "origin-id", LV_NS_SID), "id");
    message->want_receipt =
            xmpp_stanza_get_child_by_name_and_ns(stanza, "request", LV_NS_RECEIPTS) != NULL;
    message->receipt_for = attribute_of(
            xmpp_stanza_get_child_by_name_and_ns(stanza, "received", LV_NS_RECEIPTS), "id");
    message->markable =
            xmpp_stanza_get_child_by_name_and_ns(stanza, "markable", LV_NS_MARKERS) != NULL;
    if ((child = child_in(stanza, LV_NS_MARKERS, markers)) != NULL) {
        message->marker_for = attribute_of(child, "id");
        if (message->marker_for != NULL)
            message->marker = g_strdup(xmpp_stanza_get_name(child));
    }
    if ((child = child_in(stanza, LV_NS_CHATSTATES, chat_states)) != NULL)
        message->chat_state = g_strdup(xmpp_stanza_get_name(child));
    message->replace_id = attribute_of(
            xmpp_stanza_get_child_by_name_and_ns(stanza, "replace", LV_NS_CORRECT), "id");
    child = xmpp_stanza_get_child_by_name_and_ns(stanza, "retract", LV_NS_RETRACT_1);
    if (child != NULL)
        message->retract_id = attribute_of(child, "id");
    child = xmpp_stanza_get_child_by_name_and_ns(stanza, "apply-to", LV_NS_FASTEN);
    if (message->retract_id == NULL && child != NULL &&
        xmpp_stanza_get_child_by_name_and_ns(child, "retract", LV_NS_RETRACT_0) != NULL)
        message->retract_id = attribute_of(child, "id");
    message->no_store =
            xmpp_stanza_get_child_by_name_and_ns(stanza, "no-store", LV_NS_HINTS) != NULL ||
            xmpp_stanza_get_child_by_name_and_ns(stanza, "no-permanent-store", LV_NS_HINTS) != NULL;
    message->delay = lv_xmpp_parse_datetime(attribute_or_null(
            xmpp_stanza_get_child_by_name_and_ns(stanza, "delay", LV_NS_DELAY), "stamp"));
    message->thread = text_of(xmpp_stanza_get_child_by_name(stanza, "thread"));
    message->oob_url = oob_url_of(stanza);
    xmpp_stanza_t *error = xmpp_stanza_get_child_by_name(stanza, "error");
    for (child = error != NULL ? xmpp_stanza_get_children(error) : NULL; child != NULL;
         child = xmpp_stanza_get_next(child)) {
        if (xmpp_stanza_is_tag(child) && g_strcmp0(xmpp_stanza_get_name(child), "text") != 0) {
            message->error_condition = g_strdup(xmpp_stanza_get_name(child));
            break;
        }
    }
}

/* The inner <message/> of @stanza's @wrapper (carbons: received/sent; MAM: result),
 * through <forwarded/>; the <delay/> of <forwarded/> into *@delay. */
static xmpp_stanza_t *
forwarded_message(xmpp_stanza_t *wrapper, double *delay)
{
    xmpp_stanza_t *forwarded =
            xmpp_stanza_get_child_by_name_and_ns(wrapper, "forwarded", LV_NS_FORWARD);
    if (forwarded == NULL)
        return NULL;
    *delay = lv_xmpp_parse_datetime(attribute_or_null(
            xmpp_stanza_get_child_by_name_and_ns(forwarded, "delay", LV_NS_DELAY), "stamp"));
    xmpp_stanza_t *inner = xmpp_stanza_get_child_by_name(forwarded, "message");
    const char *ns = inner != NULL ? xmpp_stanza_get_ns(inner) : NULL;
    /* Without its own xmlns it inherits <forwarded/>'s (libstrophe keeps the parent's). */
    if (ns != NULL && !g_str_equal(ns, "jabber:client") && !g_str_equal(ns, LV_NS_FORWARD))
        return NULL;
    return inner;
}

/* The parts common to every path, from the (inner) message. */
static LvXmppMessage *
parse_inner(xmpp_stanza_t *stanza, const LvXmppMessageContext *context, LvXmppVia via,
            GError **error)
{
    g_autoptr(LvXmppMessage) message = g_new0(LvXmppMessage, 1);
    const char *from = xmpp_stanza_get_from(stanza);
    const char *to = xmpp_stanza_get_to(stanza);
    const char *type = xmpp_stanza_get_type(stanza);

    message->via = via;
    if (!parse_jid(from != NULL ? from : context->own_bare, "sender", &message->from,
                   &message->from_bare, error) ||
        !parse_jid(to != NULL ? to : context->own_full, "recipient", &message->to,
                   &message->to_bare, error))
        return NULL;
    message->type = g_strdup(type != NULL && g_strv_contains(types, type) ? type : "normal");
    message->id = attribute_of(stanza, "id");
    message->bodies = texts_by_language(stanza, "body");
    message->subjects = texts_by_language(stanza, "subject");
    message->outgoing = g_strcmp0(message->from_bare, context->own_bare) == 0;
    parse_extensions(message, stanza);
    return g_steal_pointer(&message);
}

static const LvXmppMamQuery *
find_query(const LvXmppMessageContext *context, const char *query_id)
{
    for (const LvXmppMamQuery *q = context->mam_queries; q != NULL && q->query_id != NULL; q++) {
        if (g_strcmp0(q->query_id, query_id) == 0)
            return q;
    }
    return NULL;
}

/* A MAM result: only for a query of ours, from the archive we asked. */
static LvXmppMessage *
parse_mam(xmpp_stanza_t *stanza, xmpp_stanza_t *result, const LvXmppMessageContext *context,
          GError **error)
{
    const char *from = xmpp_stanza_get_from(stanza);
    const LvXmppMamQuery *query = find_query(context, xmpp_stanza_get_attribute(result, "queryid"));
    double delay = 0;

    if (query == NULL) {
        g_set_error(error, LV_ERROR, LV_ERROR_PERMISSION,
                    "an archive result for a query we did not send, from %s",
                    from != NULL ? from : "our server");
        return NULL;
    }
    if (from != NULL ? !same_jid(from, query->archive_jid)
                     : g_strcmp0(query->archive_jid, context->own_bare) != 0) {
        g_set_error(error, LV_ERROR, LV_ERROR_PERMISSION,
                    "an archive result from %s, not from the archive we asked (%s)",
                    from != NULL ? from : "our server", query->archive_jid);
        return NULL;
    }
    g_autofree char *result_id = attribute_of(result, "id");
    xmpp_stanza_t *inner = forwarded_message(result, &delay);
    if (inner == NULL || result_id == NULL) {
        g_set_error(error, LV_ERROR, LV_ERROR_DATA, "an archive result without a message or id");
        return NULL;
    }
    LvXmppMessage *message = parse_inner(inner, context, LV_XMPP_VIA_MAM, error);
    if (message == NULL)
        return NULL;
    message->stanza_id = g_steal_pointer(&result_id);
    message->archive_jid = g_strdup(query->archive_jid);
    message->mam_query_id = g_strdup(query->query_id);
    if (delay > 0)
        message->delay = delay;
    return message;
}

/* A carbon: only our own bare JID may wrap one (XEP-0280 §11). */
static LvXmppMessage *
parse_carbon(xmpp_stanza_t *stanza, xmpp_stanza_t *wrapper, const LvXmppMessageContext *context,
             GError **error)
{
    const char *from = xmpp_stanza_get_from(stanza);
    double delay = 0;

    if (from == NULL || !same_jid(from, context->own_bare)) {
        g_set_error(error, LV_ERROR, LV_ERROR_PERMISSION,
                    "a carbon copy from %s, not from our own account: forged",
                    from != NULL ? from : "nobody");
        return NULL;
    }
    xmpp_stanza_t *inner = forwarded_message(wrapper, &delay);
    if (inner == NULL) {
        g_set_error(error, LV_ERROR, LV_ERROR_DATA, "a carbon copy without a message");
        return NULL;
    }
    LvXmppMessage *message = parse_inner(inner, context, LV_XMPP_VIA_CARBON, error);
    if (message == NULL)
        return NULL;
    /* The copy carries the archive id our server gave the original. */
    if (context->trust_own_archive) {
        message->stanza_id = stanza_id_by(inner, context->own_bare);
        message->archive_jid = message->stanza_id != NULL ? g_strdup(context->own_bare) : NULL;
    }
    return message;
}

LvXmppMessage *
lv_xmpp_message_parse(xmpp_stanza_t *stanza, const LvXmppMessageContext *context, GError **error)
{
    static const char *const carbons[] = { "received", "sent", NULL };
    xmpp_stanza_t *wrapper = NULL;

    if ((wrapper = xmpp_stanza_get_child_by_name_and_ns(stanza, "result", LV_NS_MAM)) != NULL)
        return parse_mam(stanza, wrapper, context, error);
    if ((wrapper = child_in(stanza, LV_NS_CARBONS, carbons)) != NULL)
        return parse_carbon(stanza, wrapper, context, error);
    LvXmppMessage *message = parse_inner(stanza, context, LV_XMPP_VIA_LIVE, error);
    if (message == NULL)
        return NULL;
    /* Only the archive of the recipient (us) stamps a live 1:1 message. */
    if (context->trust_own_archive && g_strcmp0(message->type, "groupchat") != 0) {
        message->stanza_id = stanza_id_by(stanza, context->own_bare);
        message->archive_jid = message->stanza_id != NULL ? g_strdup(context->own_bare) : NULL;
    }
    return message;
}

GVariant *
lv_xmpp_message_to_variant(const LvXmppMessage *message)
{
    g_autoptr(JsonBuilder) builder = json_builder_new();
    const char *uid = message->stanza_id != NULL   ? message->stanza_id
                      : message->origin_id != NULL ? message->origin_id
                      : message->id != NULL        ? message->id
                                                   : "";

    json_builder_begin_object(builder);
    const char *keys[] = { "stanza_id", "origin_id", "thread", "oob_url" };
    const char *values[] = { message->stanza_id, message->origin_id, message->thread,
                             message->oob_url };
    for (gsize i = 0; i < G_N_ELEMENTS(keys); i++) {
        if (values[i] == NULL)
            continue;
        json_builder_set_member_name(builder, keys[i]);
        json_builder_add_string_value(builder, values[i]);
    }
    if (message->delay > 0) {
        json_builder_set_member_name(builder, "delay");
        json_builder_add_double_value(builder, message->delay);
    }
    json_builder_end_object(builder);
    g_autoptr(JsonNode) root = json_builder_get_root(builder);
    g_autofree char *extra = json_to_string(root, FALSE);
    return g_variant_new("(sdss@a{ss}@a{ss}ss)", uid,
                         message->delay > 0 ? message->delay : g_get_real_time() / 1e6,
                         message->from, message->to, message->bodies, message->subjects,
                         message->type, extra);
}

gboolean
lv_xmpp_message_has_content(const LvXmppMessage *message)
{
    return g_variant_n_children(message->bodies) > 0 || g_variant_n_children(message->subjects) > 0;
}

static void
add_texts(xmpp_stanza_t *message, const char *name, GVariant *texts)
{
    GVariantIter iter;
    const char *lang = NULL, *text = NULL;

    if (texts == NULL)
        return;
    g_variant_iter_init(&iter, texts);
    while (g_variant_iter_next(&iter, "{&s&s}", &lang, &text)) {
        xmpp_stanza_t *child = lv_xmpp_add_child(message, name, NULL);
        if (lang[0] != '\0')
            xmpp_stanza_set_attribute(child, "xml:lang", lang);
        lv_xmpp_add_text(child, text);
    }
}

xmpp_stanza_t *
lv_xmpp_message_build(xmpp_ctx_t *ctx, const LvXmppOutgoing *outgoing)
{
    xmpp_stanza_t *message = xmpp_message_new(ctx, outgoing->type, outgoing->to, outgoing->uid);
    gboolean conversation =
            g_str_equal(outgoing->type, "chat") || g_str_equal(outgoing->type, "normal");

    add_texts(message, "subject", outgoing->subjects);
    add_texts(message, "body", outgoing->bodies);
    if (outgoing->thread != NULL)
        lv_xmpp_add_text(lv_xmpp_add_child(message, "thread", NULL), outgoing->thread);
    xmpp_stanza_set_attribute(lv_xmpp_add_child(message, "origin-id", LV_NS_SID), "id",
                              outgoing->uid);
    if (outgoing->oob_url != NULL)
        lv_xmpp_add_text(lv_xmpp_add_child(lv_xmpp_add_child(message, "x", LV_NS_OOB), "url", NULL),
                         outgoing->oob_url);
    if (outgoing->replace_id != NULL)
        xmpp_stanza_set_attribute(lv_xmpp_add_child(message, "replace", LV_NS_CORRECT), "id",
                                  outgoing->replace_id);
    if (outgoing->retract_id != NULL) {
        /* Both versions: v1 for current clients, fastening for Libervia 0.9's era. */
        xmpp_stanza_set_attribute(lv_xmpp_add_child(message, "retract", LV_NS_RETRACT_1), "id",
                                  outgoing->retract_id);
        xmpp_stanza_t *apply = lv_xmpp_add_child(message, "apply-to", LV_NS_FASTEN);
        xmpp_stanza_set_attribute(apply, "id", outgoing->retract_id);
        lv_xmpp_add_child(apply, "retract", LV_NS_RETRACT_0);
        xmpp_stanza_set_attribute(lv_xmpp_add_child(message, "fallback", LV_NS_FALLBACK), "for",
                                  LV_NS_RETRACT_1);
        lv_xmpp_add_child(message, "store", LV_NS_HINTS);
    }
    if (conversation && outgoing->retract_id == NULL) {
        lv_xmpp_add_child(message, "request", LV_NS_RECEIPTS);
        lv_xmpp_add_child(message, "markable", LV_NS_MARKERS);
        lv_xmpp_add_child(message, "active", LV_NS_CHATSTATES);
    }
    return message;
}

xmpp_stanza_t *
lv_xmpp_message_build_notice(xmpp_ctx_t *ctx, const char *to, const char *type, const char *ns,
                             const char *name, const char *id)
{
    char *uuid = xmpp_uuid_gen(ctx);
    xmpp_stanza_t *message = xmpp_message_new(ctx, type, to, uuid);
    xmpp_stanza_t *child = lv_xmpp_add_child(message, name, ns);

    xmpp_free(ctx, uuid);
    if (id != NULL)
        xmpp_stanza_set_attribute(child, "id", id);
    if (g_str_equal(ns, LV_NS_CHATSTATES))
        lv_xmpp_add_child(message, "no-store", LV_NS_HINTS);
    else
        lv_xmpp_add_child(message, "store", LV_NS_HINTS); /* receipts and markers: archived */
    return message;
}
