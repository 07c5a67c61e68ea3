/* lv-message-methods: messageSend, historyGet, chatStateComposing, messageRetract
 * and messageMarkDisplayed on the bridge.
 *
 * messageSend stores the message as pending (the outbox) before it answers or
 * sends anything: once the caller has its answer, the message is never lost.
 * historyGet runs in a worker thread with its own read connection: a full-text
 * search over a large history must not hold the main loop.
 */
#include <string.h>

#include <json-glib/json-glib.h>

#include "lv-connections.h"
#include "lv-jid.h"
#include "lv-json.h"
#include "lv-message-store.h"
#include "lv-profiles.h"
#include "lv-storage-history.h"
#include "lv-xmpp-message.h"

static const char *const sendable_types[] = { "chat", "groupchat", "headline", "normal", NULL };

static gboolean
has_text(GVariant *texts)
{
    GVariantIter iter;
    const char *lang = NULL, *text = NULL;

    g_variant_iter_init(&iter, texts);
    while (g_variant_iter_next(&iter, "{&s&s}", &lang, &text)) {
        if (text[0] != '\0')
            return TRUE;
    }
    return FALSE;
}

/* The row of our message to @to, stored pending (transfer full). */
static LvHistoryRow *
outgoing_row(const LvJid *own, const LvJid *to, const char *type, GVariant *message,
             GVariant *subject)
{
    LvHistoryRow *row = lv_history_row_new();
    const char *own_resource = lv_jid_get_resource(own);
    const char *to_resource = lv_jid_get_resource(to);

    row->uid = lv_storage_history_new_uid();
    row->origin_id = g_strdup(row->uid); /* our id is the stanza id and origin-id */
    row->sender_bare = lv_jid_dup_bare(own);
    row->source = lv_jid_dup_bare(own);
    row->source_res = g_strdup(own_resource);
    row->dest = lv_jid_dup_bare(to);
    row->dest_res = g_strdup(to_resource);
    row->timestamp = g_get_real_time() / 1e6;
    row->type = g_strdup(type);
    row->state = g_strdup("pending");
    row->messages = g_variant_ref(message);
    row->subjects = g_variant_ref(subject);
    row->extra = g_strdup("{}");
    return row;
}

/* The extra JSON of our row: the XEP-0066 URL attached, if any (transfer full). */
static char *
outgoing_extra(const char *oob_url)
{
    g_autoptr(JsonBuilder) builder = json_builder_new();

    json_builder_begin_object(builder);
    if (oob_url != NULL) {
        json_builder_set_member_name(builder, "oob_url");
        json_builder_add_string_value(builder, oob_url);
    }
    json_builder_end_object(builder);
    g_autoptr(JsonNode) root = json_builder_get_root(builder);
    return json_to_string(root, FALSE);
}

/* The "oob_url" of messageSend's extra JSON (an uploaded file's URL, sent with
 * XEP-0066) in @url (transfer full; NULL when absent); FALSE if the extra is not
 * JSON or the URL not a plain http(s) URL. */
static gboolean
oob_url_of(const char *extra_text, char **url, GError **error)
{
    g_autoptr(JsonObject) extra = lv_json_object_parse(extra_text, "extra", error);

    *url = NULL;
    if (extra == NULL)
        return FALSE;
    const char *text = json_object_get_string_member_with_default(extra, "oob_url", NULL);
    if (text == NULL)
        return TRUE;
    g_autoptr(GUri) uri = g_uri_parse(text, G_URI_FLAGS_NONE, NULL);
    const char *scheme = uri != NULL ? g_uri_get_scheme(uri) : "";
    if (strpbrk(text, " \t\r\n") != NULL ||
        (g_ascii_strcasecmp(scheme, "https") != 0 && g_ascii_strcasecmp(scheme, "http") != 0)) {
        g_set_error(error, LV_ERROR, LV_ERROR_DATA, "extra oob_url is not an http(s) URL: %s",
                    text);
        return FALSE;
    }
    *url = g_strdup(text);
    return TRUE;
}

static LvXmppOutgoing *
outgoing_of(const LvHistoryRow *row, const char *to)
{
    LvXmppOutgoing *outgoing = g_new0(LvXmppOutgoing, 1);

    outgoing->uid = g_strdup(row->uid);
    outgoing->to = g_strdup(to);
    outgoing->type = g_strdup(row->type);
    outgoing->bodies = g_variant_ref(row->messages);
    outgoing->subjects = g_variant_ref(row->subjects);
    return outgoing;
}

/* Checks the arguments of messageSend; the type "auto" becomes chat. */
static gboolean
check_send(const char *to_jid, GVariant *message, GVariant *subject, const char **type, LvJid **to,
           GError **error)
{
    *to = lv_jid_parse(to_jid, error);
    if (*to == NULL) {
        g_prefix_error(error, "cannot send to %s: ", to_jid);
        return FALSE;
    }
    if (g_str_equal(*type, "auto"))
        *type = "chat";
    if (!g_strv_contains(sendable_types, *type)) {
        g_set_error(error, LV_ERROR, LV_ERROR_DATA,
                    "unknown message type %s (auto, chat, groupchat, headline or normal)", *type);
        return FALSE;
    }
    if (!has_text(message) && !has_text(subject)) {
        g_set_error_literal(error, LV_ERROR, LV_ERROR_DATA, "the message is empty");
        return FALSE;
    }
    return TRUE;
}

static void
method_message_send(LvBackend *backend, LvInvocation *invocation)
{
    const char *to_jid = NULL, *type = NULL, *key = NULL;
    g_autoptr(GVariant) message = NULL;
    g_autoptr(GVariant) subject = NULL;
    const char *extra = NULL;
    g_autoptr(LvJid) to = NULL;
    g_autofree char *own_text = NULL;
    g_autofree char *oob_url = NULL;
    GError *error = NULL;
    gboolean inserted = FALSE;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s@a{ss}@a{ss}&s&s&s)", &to_jid,
                  &message, &subject, &type, &extra, &key);
    LvProfiles *profiles = lv_backend_get_profiles(backend);
    g_autoptr(LvStoredProfile) profile = lv_profiles_resolve_for(profiles, invocation, key);
    if (profile == NULL)
        return;
    LvXmppAccount *account = NULL;
    if (!check_send(to_jid, message, subject, &type, &to, &error) ||
        !oob_url_of(extra, &oob_url, &error) ||
        (account = lv_connections_get_sending_account(lv_backend_get_connections(backend),
                                                      profile->name, &own_text, &error)) == NULL) {
        lv_invocation_return_error(invocation, error);
        return;
    }
    g_autoptr(LvJid) own = lv_jid_parse(own_text, NULL);
    g_autoptr(LvHistoryRow) row = outgoing_row(own, to, type, message, subject);
    g_free(row->extra);
    row->extra = outgoing_extra(oob_url);
    g_autofree char *uid = lv_storage_history_add(lv_profiles_get_storage(profiles), profile->id,
                                                  row, &inserted, &error);
    if (uid == NULL) {
        lv_invocation_return_error(invocation, error);
        return;
    }
    g_autofree char *to_text = lv_jid_dup_string(to);
    LvXmppOutgoing *outgoing = outgoing_of(row, to_text);
    outgoing->oob_url = g_strdup(oob_url);
    lv_xmpp_account_send_message(account, outgoing);
    lv_invocation_return_value(invocation, NULL);
    lv_backend_emit_signal_for(backend, "messageNew", lv_history_row_to_variant(row),
                               profile->name);
}

/* ---- historyGet, in a worker ---- */

typedef struct {
    char *local_dir;
    gint64 profile_id;
    char *from_jid, *to_jid;
    int limit;
    gboolean between;
    char *search, *before_uid, *after_uid;
    char **types, **not_types;
    double before, after;
} HistoryJob;

static void
history_job_free(gpointer data)
{
    HistoryJob *job = data;

    g_free(job->local_dir);
    g_free(job->from_jid);
    g_free(job->to_jid);
    g_free(job->search);
    g_free(job->before_uid);
    g_free(job->after_uid);
    g_strfreev(job->types);
    g_strfreev(job->not_types);
    g_free(job);
}

/* Each worker thread reads through a connection of its own. */
static GPrivate worker_storage = G_PRIVATE_INIT((GDestroyNotify)lv_storage_close);

static char **
split_types(const char *text)
{
    return text != NULL && text[0] != '\0' ? g_strsplit_set(text, " ,", -1) : NULL;
}

static double
number_filter(GVariant *filters, const char *name)
{
    const char *text = NULL;

    return g_variant_lookup(filters, name, "&s", &text) ? g_ascii_strtod(text, NULL) : 0;
}

static void
run_history_job(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    HistoryJob *job = data;
    GError *error = NULL;
    LvStorage *storage = g_private_get(&worker_storage);

    if (storage == NULL) {
        storage = lv_storage_open(job->local_dir, &error);
        if (storage == NULL) {
            g_task_return_error(task, error);
            return;
        }
        g_private_set(&worker_storage, storage);
    }
    LvHistoryQuery query = {
        job->from_jid,
        job->to_jid,
        job->between,
        job->limit,
        job->search,
        (const char *const *)job->types,
        (const char *const *)job->not_types,
        job->before,
        job->after,
        job->before_uid,
        job->after_uid,
    };
    g_autoptr(GPtrArray) rows = lv_storage_history_query(storage, job->profile_id, &query, &error);
    if (rows == NULL) {
        g_task_return_error(task, error);
        return;
    }
    GVariantBuilder messages;
    g_variant_builder_init(&messages, G_VARIANT_TYPE("a(sdssa{ss}a{ss}ss)"));
    for (guint i = 0; i < rows->len; i++)
        g_variant_builder_add_value(&messages, lv_history_row_to_variant(rows->pdata[i]));
    g_task_return_pointer(task,
                          g_variant_ref_sink(g_variant_new("(a(sdssa{ss}a{ss}ss))", &messages)),
                          (GDestroyNotify)g_variant_unref);
}

static void
on_history(GObject *source, GAsyncResult *result, gpointer user_data)
{
    LvInvocation *invocation = user_data;
    GError *error = NULL;
    GVariant *messages = g_task_propagate_pointer(G_TASK(result), &error);

    if (messages == NULL)
        lv_invocation_return_error(invocation, error);
    else
        lv_invocation_return_value(invocation, messages);
}

static void
method_history_get(LvBackend *backend, LvInvocation *invocation)
{
    const char *from_jid = NULL, *to_jid = NULL, *key = NULL, *text = NULL;
    gint32 limit = 0;
    gboolean between = TRUE;
    g_autoptr(GVariant) filters = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&sib@a{ss}&s)", &from_jid, &to_jid,
                  &limit, &between, &filters, &key);
    g_autoptr(LvStoredProfile) profile =
            lv_profiles_resolve_for(lv_backend_get_profiles(backend), invocation, key);
    if (profile == NULL)
        return;
    if (limit == 0) { /* Libervia: 0 asks for no message at all */
        lv_invocation_return_value(invocation, g_variant_new("(a(sdssa{ss}a{ss}ss))", NULL));
        return;
    }
    HistoryJob *job = g_new0(HistoryJob, 1);
    job->local_dir = g_strdup(lv_backend_get_local_dir(backend));
    job->profile_id = profile->id;
    job->from_jid = g_strdup(from_jid);
    job->to_jid = g_strdup(to_jid);
    job->limit = limit < 0 ? -1 : limit;
    job->between = between;
    if (g_variant_lookup(filters, "search", "&s", &text) && text[0] != '\0')
        job->search = g_strdup(text);
    if (g_variant_lookup(filters, "before_uid", "&s", &text) && text[0] != '\0')
        job->before_uid = g_strdup(text);
    if (g_variant_lookup(filters, "after_uid", "&s", &text) && text[0] != '\0')
        job->after_uid = g_strdup(text);
    job->types = g_variant_lookup(filters, "types", "&s", &text) ? split_types(text) : NULL;
    job->not_types = g_variant_lookup(filters, "not_types", "&s", &text) ? split_types(text) : NULL;
    job->before = number_filter(filters, "before");
    job->after = number_filter(filters, "after");
    g_autoptr(GTask) task = g_task_new(NULL, NULL, on_history, invocation);
    g_task_set_task_data(task, job, history_job_free);
    g_task_run_in_thread(task, run_history_job);
}

/* ---- chat states and retractions ---- */

static void
method_chat_state_composing(LvBackend *backend, LvInvocation *invocation)
{
    const char *to_jid = NULL, *key = NULL;
    g_autofree char *own = NULL;
    GError *error = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s)", &to_jid, &key);
    g_autoptr(LvStoredProfile) profile =
            lv_profiles_resolve_for(lv_backend_get_profiles(backend), invocation, key);
    if (profile == NULL)
        return;
    g_autoptr(LvJid) to = lv_jid_parse(to_jid, &error);
    LvXmppAccount *account =
            to == NULL ? NULL
                       : lv_connections_get_account(lv_backend_get_connections(backend),
                                                    profile->name, &error);
    if (account == NULL) {
        lv_invocation_return_error(invocation, error);
        return;
    }
    /* States go to the contact or the room, whichever resource was named. */
    g_autofree char *to_text = lv_jid_dup_bare(to);
    lv_xmpp_account_chat_state_composing(account, to_text);
    lv_invocation_return_value(invocation, NULL);
}

static void
method_message_retract(LvBackend *backend, LvInvocation *invocation)
{
    const char *uid = NULL, *key = NULL;
    g_autofree char *own_text = NULL;
    GError *error = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s)", &uid, &key);
    LvProfiles *profiles = lv_backend_get_profiles(backend);
    g_autoptr(LvStoredProfile) profile = lv_profiles_resolve_for(profiles, invocation, key);
    if (profile == NULL)
        return;
    LvStorage *storage = lv_profiles_get_storage(profiles);
    g_autoptr(LvHistoryRow) row = lv_storage_history_get(storage, profile->id, uid, &error);
    LvXmppAccount *account =
            row == NULL ? NULL
                        : lv_connections_get_sending_account(lv_backend_get_connections(backend),
                                                             profile->name, &own_text, &error);
    if (row == NULL && error == NULL)
        error = g_error_new(LV_ERROR, LV_ERROR_NOT_FOUND, "no message %s in the history", uid);
    g_autoptr(LvJid) own = account != NULL ? lv_jid_parse(own_text, NULL) : NULL;
    g_autofree char *own_bare = own != NULL ? lv_jid_dup_bare(own) : NULL;
    if (account != NULL && g_strcmp0(own_bare, row->sender_bare) != 0)
        error = g_error_new(LV_ERROR, LV_ERROR_PERMISSION,
                            "message %s was not sent by %s: only the sender can retract it", uid,
                            profile->name);
    if (error != NULL ||
        !lv_storage_history_retract(storage, profile->id, uid, g_get_real_time() / 1e6, &error)) {
        lv_invocation_return_error(invocation, error);
        return;
    }
    /* Frontends replace the text they show, as for a retraction received. */
    g_autoptr(LvHistoryRow) retracted = lv_storage_history_get(storage, profile->id, uid, NULL);
    if (retracted != NULL)
        lv_backend_emit_signal_for(backend, "messageNew", lv_history_row_to_variant(retracted),
                                   profile->name);
    LvXmppOutgoing *outgoing = g_new0(LvXmppOutgoing, 1);
    outgoing->uid = g_uuid_string_random();
    outgoing->to = row->dest_res != NULL && g_str_equal(row->type, "groupchat") == FALSE
                           ? g_strdup_printf("%s/%s", row->dest, row->dest_res)
                           : g_strdup(row->dest);
    outgoing->type = g_strdup(row->type);
    outgoing->retract_id = g_strdup(row->origin_id != NULL ? row->origin_id : row->uid);
    outgoing->bodies = g_variant_ref_sink(g_variant_new_parsed(
            "{'': 'This person attempted to retract a previous message, but your client does "
            "not support it.'}"));
    lv_xmpp_account_send_message(account, outgoing);
    lv_invocation_return_value(invocation, NULL);
}

/* XEP-0333: tell the sender of message @uid (received markable) that it was shown.
 * Ours: Libervia 0.9 has no such method. The marker goes to @jid, who must be the
 * sender (a contact, or the room of a groupchat message). */
static void
method_message_mark_displayed(LvBackend *backend, LvInvocation *invocation)
{
    const char *jid = NULL, *uid = NULL, *key = NULL;
    GError *error = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s&s)", &jid, &uid, &key);
    LvProfiles *profiles = lv_backend_get_profiles(backend);
    g_autoptr(LvStoredProfile) profile = lv_profiles_resolve_for(profiles, invocation, key);
    if (profile == NULL)
        return;
    g_autoptr(LvJid) to = lv_jid_parse(jid, &error);
    g_autoptr(LvHistoryRow) row =
            to != NULL ? lv_storage_history_get(lv_profiles_get_storage(profiles), profile->id, uid,
                                                &error)
                       : NULL;
    g_autofree char *to_bare = to != NULL ? lv_jid_dup_bare(to) : NULL;
    if (to != NULL && row == NULL && error == NULL)
        error = g_error_new(LV_ERROR, LV_ERROR_NOT_FOUND, "no message %s in the history", uid);
    if (row != NULL && g_strcmp0(row->source, to_bare) != 0)
        error = g_error_new(LV_ERROR, LV_ERROR_DATA, "message %s was not sent by %s", uid, to_bare);
    g_autofree char *marker_id = error == NULL ? lv_message_store_dup_marker_id(row, &error) : NULL;
    LvXmppAccount *account =
            marker_id != NULL ? lv_connections_get_account(lv_backend_get_connections(backend),
                                                           profile->name, &error)
                              : NULL;
    if (account == NULL) {
        lv_invocation_return_error(invocation, error);
        return;
    }
    gboolean room = g_strcmp0(row->type, "groupchat") == 0;
    g_autofree char *to_text = room ? g_strdup(to_bare) : lv_jid_dup_string(to);
    lv_xmpp_account_send_notice(account, to_text, room ? "groupchat" : "chat", LV_NS_MARKERS,
                                "displayed", marker_id);
    lv_invocation_return_value(invocation, NULL);
}

/* ---- MAMGet: an archive query for a frontend ---- */

static char *
iso_time(double timestamp)
{
    g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc((gint64)timestamp);

    return when != NULL ? g_date_time_format(when, "%Y-%m-%dT%H:%M:%SZ") : NULL;
}

/* Libervia's extra: mam_start/mam_end (Unix time), mam_with, rsm_max/after/before/
 * index, filter_* extra form fields. */
static gboolean
mam_request_of(const char *extra_text, GVariant **fields, GVariant **rsm, GError **error)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    GVariantBuilder form, set;

    if (extra_text[0] != '\0' && !json_parser_load_from_data(parser, extra_text, -1, NULL)) {
        g_set_error(error, LV_ERROR, LV_ERROR_DATA, "extra is not JSON: %s", extra_text);
        return FALSE;
    }
    JsonNode *root = json_parser_get_root(parser);
    JsonObject *extra =
            root != NULL && JSON_NODE_HOLDS_OBJECT(root) ? json_node_get_object(root) : NULL;
    g_variant_builder_init(&form, G_VARIANT_TYPE("a{ss}"));
    g_variant_builder_init(&set, G_VARIANT_TYPE("a{ss}"));
    g_autoptr(GList) members = extra != NULL ? json_object_get_members(extra) : NULL;
    for (GList *m = members; m != NULL; m = m->next) {
        const char *name = m->data;
        JsonNode *node = json_object_get_member(extra, name);
        g_autofree char *text =
                JSON_NODE_HOLDS_VALUE(node)
                        ? (json_node_get_value_type(node) == G_TYPE_STRING
                                   ? g_strdup(json_node_get_string(node))
                                   : g_strdup_printf("%.17g", json_node_get_double(node)))
                        : NULL;
        if (text == NULL)
            continue;
        if (g_str_equal(name, "mam_start") || g_str_equal(name, "mam_end")) {
            g_autofree char *when = iso_time(g_ascii_strtod(text, NULL));
            if (when != NULL)
                g_variant_builder_add(&form, "{ss}", name + 4, when);
        } else if (g_str_equal(name, "mam_with")) {
            g_autoptr(LvJid) with = lv_jid_parse(text, error);
            if (with == NULL) {
                g_variant_builder_clear(&form);
                g_variant_builder_clear(&set);
                return FALSE;
            }
            g_autofree char *normal = lv_jid_dup_string(with);
            g_variant_builder_add(&form, "{ss}", "with", normal);
        } else if (g_str_has_prefix(name, "filter_")) {
            g_variant_builder_add(&form, "{ss}", name + 7, text);
        } else if (g_str_has_prefix(name, "rsm_")) {
            g_variant_builder_add(&set, "{ss}", name + 4, text);
        }
    }
    *fields = g_variant_builder_end(&form);
    *rsm = g_variant_builder_end(&set);
    return TRUE;
}

static void
method_mam_get(LvBackend *backend, LvInvocation *invocation)
{
    const char *service = NULL, *extra = NULL, *key = NULL;
    GVariant *fields = NULL, *rsm = NULL;
    GError *error = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s&s)", &service, &extra, &key);
    g_autoptr(LvStoredProfile) profile =
            lv_profiles_resolve_for(lv_backend_get_profiles(backend), invocation, key);
    if (profile == NULL)
        return;
    LvConnections *connections = lv_backend_get_connections(backend);
    g_autoptr(LvJid) service_jid = service[0] != '\0' ? lv_jid_parse(service, &error) : NULL;
    LvXmppAccount *account =
            error == NULL && mam_request_of(extra, &fields, &rsm, &error)
                    ? lv_connections_get_account(connections, profile->name, &error)
                    : NULL;
    if (account == NULL) {
        g_clear_pointer(&fields, g_variant_unref);
        g_clear_pointer(&rsm, g_variant_unref);
        lv_invocation_return_error(invocation, error);
        return;
    }
    g_autofree char *service_text = service_jid != NULL ? lv_jid_dup_string(service_jid) : NULL;
    g_autofree char *id = lv_connections_add_request(connections, profile->name, invocation);
    lv_xmpp_account_mam_get(account, id, service_text, fields, rsm);
}

static const LvMethod methods[] = {
    { "messageSend", method_message_send },
    { "historyGet", method_history_get },
    { "chatStateComposing", method_chat_state_composing },
    { "messageRetract", method_message_retract },
    { "messageMarkDisplayed", method_message_mark_displayed },
    { "MAMGet", method_mam_get },
    { NULL, NULL },
};

const LvMethod *
lv_message_methods(void)
{
    return methods;
}
