/* lv-message-store: the incoming message pipeline's storage stages (see the header).
 *
 * Per message, in order: a retraction or a correction applies to the message it
 * names, if the same sender sent it; receipts and markers move the state of our
 * message, if they come from its recipient; a chat state alone is only signalled;
 * anything with a body or subject is stored unless its dedup keys are known (then
 * the stored row gains the ids it lacked, and our own pending message seen again
 * is marked sent). Signals are released only once the transaction is committed.
 */
#include "lv-message-store.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "lv-error.h"
#include "lv-jid.h"
#include "lv-json.h"
#include "lv-storage-history.h"
#include "lv-xmpp-message.h"

struct _LvMessageStore {
    char *local_dir;
    gint64 profile_id;
    char *profile;
    LvStorage *storage; /* opened in the account's thread */
};

LvMessageStore *
lv_message_store_new(const char *local_dir, gint64 profile_id, const char *profile)
{
    LvMessageStore *store = g_new0(LvMessageStore, 1);

    store->local_dir = g_strdup(local_dir);
    store->profile_id = profile_id;
    store->profile = g_strdup(profile);
    return store;
}

static void
store_free(gpointer data)
{
    LvMessageStore *store = data;

    lv_storage_close(store->storage);
    g_free(store->local_dir);
    g_free(store->profile);
    g_free(store);
}

static LvStorage *
storage_of(LvMessageStore *store, GError **error)
{
    if (store->storage == NULL)
        store->storage = lv_storage_open(store->local_dir, error);
    return store->storage;
}

static void
add_signal(GPtrArray *signals, const char *name, GVariant *params)
{
    g_ptr_array_add(signals, lv_xmpp_signal_new(name, params));
}

/* The resource part of a full JID, or NULL. */
static char *
resource_of(const char *jid)
{
    const char *slash = strchr(jid, '/');

    return slash != NULL ? g_strdup(slash + 1) : NULL;
}

/* The id a displayed marker (XEP-0333 §3) names for @message, kept so that
 * messageMarkDisplayed can send it later: a room's own stanza-id in a room, the
 * sender's id elsewhere; NULL when @message is not markable or is ours (transfer full). */
static char *
marker_id_for(const LvXmppMessage *message)
{
    if (!message->markable || message->outgoing)
        return NULL;
    if (g_strcmp0(message->type, "groupchat") == 0)
        return g_strcmp0(message->archive_jid, message->from_bare) == 0
                       ? g_strdup(message->stanza_id)
                       : NULL;
    return g_strdup(message->id);
}

static char *
extra_for(const LvXmppMessage *message)
{
    g_autoptr(JsonBuilder) builder = json_builder_new();

    json_builder_begin_object(builder);
    if (message->thread != NULL) {
        json_builder_set_member_name(builder, "thread");
        json_builder_add_string_value(builder, message->thread);
    }
    if (message->delay > 0) {
        json_builder_set_member_name(builder, "delay");
        json_builder_add_double_value(builder, message->delay);
    }
    if (message->oob_url != NULL) {
        json_builder_set_member_name(builder, "oob_url");
        json_builder_add_string_value(builder, message->oob_url);
    }
    g_autofree char *marker_id = marker_id_for(message);
    if (marker_id != NULL) {
        json_builder_set_member_name(builder, "marker_id");
        json_builder_add_string_value(builder, marker_id);
    }
    if (message->error_condition != NULL) {
        json_builder_set_member_name(builder, "error");
        json_builder_add_string_value(builder, message->error_condition);
    }
    json_builder_end_object(builder);
    g_autoptr(JsonNode) root = json_builder_get_root(builder);
    return json_to_string(root, FALSE);
}

/* Without an origin-id, the message id is the sender's key only if it cannot be a
 * per-session counter ("1", "2"… restart with each session and would hide new
 * messages as duplicates): random ids are long. */
#define MIN_UNIQUE_ID_LENGTH 12

static const char *
usable_id(const char *id)
{
    return id != NULL && strlen(id) >= MIN_UNIQUE_ID_LENGTH ? id : NULL;
}

/* When a message was sent. Servers stamp delays in whole seconds (Prosody's resent
 * stanzas after a resumption, its archive): a stamp less than a second before now
 * says no more than our clock does, and taking it would put the message before live
 * ones that arrived earlier in the same second. */
static double
sort_time(double delay, double now)
{
    if (delay <= 0)
        return now;
    if (delay == (double)(gint64)delay && now >= delay && now - delay < 1.0)
        return now;
    return delay;
}

static LvHistoryRow *
row_for(const LvXmppMessage *message)
{
    LvHistoryRow *row = lv_history_row_new();
    double now = g_get_real_time() / 1e6;

    row->uid = lv_storage_history_new_uid();
    row->stanza_id = g_strdup(message->stanza_id);
    row->archive_jid = g_strdup(message->archive_jid);
    row->origin_id =
            g_strdup(message->origin_id != NULL ? message->origin_id : usable_id(message->id));
    row->sender_bare = g_strdup(message->from_bare);
    row->source = g_strdup(message->from_bare);
    row->source_res = resource_of(message->from);
    row->dest = g_strdup(message->to_bare);
    row->dest_res = resource_of(message->to);
    row->timestamp = sort_time(message->delay, now);
    row->received_timestamp = message->delay > 0 ? now : 0;
    row->type = g_strdup(message->type);
    row->state = message->outgoing ? g_strdup("sent") : NULL;
    row->messages = g_variant_ref(message->bodies);
    row->subjects = g_variant_ref(message->subjects);
    row->extra = extra_for(message);
    return row;
}

/* The uid of the message @id sent by @sender_bare, if the row's own fields agree
 * that @claimant may refer to it: its sender (corrections, retractions) or, for our
 * own message, its recipient (receipts, markers). */
static char *
find_referenced(LvMessageStore *store, const char *sender_bare, const char *id,
                const char *claimant_bare, gboolean by_recipient, GError **error)
{
    g_autofree char *uid =
            lv_storage_history_find(store->storage, store->profile_id, sender_bare, id, error);
    if (uid == NULL || !by_recipient)
        return g_steal_pointer(&uid);
    g_autoptr(LvHistoryRow) row =
            lv_storage_history_get(store->storage, store->profile_id, uid, error);
    if (row == NULL || g_strcmp0(row->dest, claimant_bare) != 0)
        return NULL;
    return g_steal_pointer(&uid);
}

static gboolean
apply_state(LvMessageStore *store, const char *own_bare, const LvXmppMessage *message,
            const char *id, const char *state, GPtrArray *signals, GError **error)
{
    g_autofree char *uid = find_referenced(store, own_bare, id, message->from_bare, TRUE, error);
    gboolean changed = FALSE;

    if (uid == NULL)
        return error == NULL || *error == NULL;
    if (!lv_storage_history_set_state(store->storage, store->profile_id, uid, state, &changed,
                                      error))
        return FALSE;
    if (changed)
        add_signal(signals, "messageState", g_variant_new("(ss)", uid, state));
    return TRUE;
}

/* A correction or retraction from the sender of the message it names. */
static gboolean
apply_edit(LvMessageStore *store, const LvXmppMessage *message, GPtrArray *signals,
           gboolean *handled, GError **error)
{
    const char *target = message->retract_id != NULL ? message->retract_id : message->replace_id;
    double when = message->delay > 0 ? message->delay : g_get_real_time() / 1e6;

    *handled = FALSE;
    if (target == NULL)
        return TRUE;
    g_autofree char *uid = find_referenced(store, message->from_bare, target, NULL, FALSE, error);
    if (uid == NULL)
        return error == NULL || *error == NULL; /* unknown or not theirs: a new message */
    *handled = TRUE;
    if (message->retract_id != NULL
                ? !lv_storage_history_retract(store->storage, store->profile_id, uid, when, error)
                : !lv_storage_history_correct(store->storage, store->profile_id, uid,
                                              message->bodies, when, error))
        return FALSE;
    /* The message again, corrected or retracted: frontends replace what they show. */
    g_autoptr(LvHistoryRow) row =
            lv_storage_history_get(store->storage, store->profile_id, uid, error);
    if (row != NULL)
        add_signal(signals, "messageNew", lv_history_row_to_variant(row));
    return row != NULL;
}

static gboolean
store_content(LvMessageStore *store, const LvXmppMessage *message, GPtrArray *signals,
              GError **error)
{
    g_autoptr(LvHistoryRow) row = row_for(message);
    gboolean inserted = FALSE;

    if (message->no_store) { /* shown, not kept */
        add_signal(signals, "messageNew", lv_history_row_to_variant(row));
        return TRUE;
    }
    g_autofree char *uid =
            lv_storage_history_add(store->storage, store->profile_id, row, &inserted, error);
    if (uid == NULL)
        return FALSE;
    if (inserted) {
        add_signal(signals, "messageNew", lv_history_row_to_variant(row));
        return TRUE;
    }
    /* Our own message seen again (MAM, carbon): the server has it. */
    gboolean changed = FALSE;
    if (message->outgoing && !lv_storage_history_set_state(store->storage, store->profile_id, uid,
                                                           "sent", &changed, error))
        return FALSE;
    if (changed)
        add_signal(signals, "messageState", g_variant_new("(ss)", uid, "sent"));
    return TRUE;
}

static gboolean
store_one(LvMessageStore *store, const char *own_bare, const LvXmppMessage *message,
          GPtrArray *signals, GError **error)
{
    gboolean handled = FALSE;

    if (!apply_edit(store, message, signals, &handled, error))
        return FALSE;
    if (handled)
        return TRUE;
    /* A bounce of one of ours (RFC 6120 §8.3): its state, not a new message. */
    if (g_strcmp0(message->type, "error") == 0 && !message->outgoing)
        return message->id == NULL ||
               apply_state(store, own_bare, message, message->id, "error", signals, error);
    if (message->receipt_for != NULL && !message->outgoing &&
        !apply_state(store, own_bare, message, message->receipt_for, "delivered", signals, error))
        return FALSE;
    if (message->marker != NULL && !message->outgoing &&
        !apply_state(store, own_bare, message, message->marker_for,
                     g_str_equal(message->marker, "received") ? "delivered" : "displayed", signals,
                     error))
        return FALSE;
    if (!lv_xmpp_message_has_content(message)) {
        if (message->chat_state != NULL && message->via == LV_XMPP_VIA_LIVE && !message->outgoing)
            add_signal(signals, "chatStateReceived",
                       g_variant_new("(ss)", message->from, message->chat_state));
        return TRUE;
    }
    return store_content(store, message, signals, error);
}

static gboolean
store_batch(gpointer data, const char *own_bare, GPtrArray *batch, GPtrArray *signals,
            GError **error)
{
    LvMessageStore *store = data;
    g_autoptr(GPtrArray) pending =
            g_ptr_array_new_with_free_func((GDestroyNotify)lv_xmpp_signal_free);

    if (storage_of(store, error) == NULL || !lv_storage_begin_batch(store->storage, error))
        return FALSE;
    for (guint i = 0; i < batch->len; i++) {
        if (!store_one(store, own_bare, batch->pdata[i], pending, error)) {
            lv_storage_rollback(store->storage);
            return FALSE;
        }
    }
    if (!lv_storage_commit(store->storage, error))
        return FALSE;
    g_ptr_array_extend_and_steal(signals, g_steal_pointer(&pending));
    return TRUE;
}

static char *
mam_get_last(gpointer data, const char *archive, double *set_at, GError **error)
{
    LvMessageStore *store = data;
    double timestamp = 0;

    if (storage_of(store, error) == NULL)
        return NULL;
    char *last =
            lv_storage_mam_get_last(store->storage, store->profile_id, archive, &timestamp, error);
    if (set_at != NULL)
        *set_at = last != NULL ? timestamp : 0;
    return last;
}

static gboolean
mam_set_last(gpointer data, const char *archive, const char *last_id, GError **error)
{
    LvMessageStore *store = data;

    return storage_of(store, error) != NULL &&
           lv_storage_mam_set_last(store->storage, store->profile_id, archive, last_id,
                                   g_get_real_time() / 1e6, error);
}

/* The XEP-0066 URL kept in our row's extra (messageSend's oob_url), so that a message
 * sent again after a reconnection still carries it (transfer full). */
static char *
oob_url_of_row(const LvHistoryRow *row)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    JsonNode *root = NULL;

    if (row->extra == NULL || !json_parser_load_from_data(parser, row->extra, -1, NULL) ||
        !JSON_NODE_HOLDS_OBJECT(root = json_parser_get_root(parser)))
        return NULL;
    return g_strdup(json_object_get_string_member_with_default(json_node_get_object(root),
                                                               "oob_url", NULL));
}

char *
lv_message_store_dup_marker_id(const LvHistoryRow *row, GError **error)
{
    g_autoptr(JsonObject) extra =
            lv_json_object_parse(row->extra != NULL ? row->extra : "", "extra", NULL);
    const char *id = extra != NULL
                             ? json_object_get_string_member_with_default(extra, "marker_id", NULL)
                             : NULL;

    if (id == NULL || id[0] == '\0') {
        g_set_error(error, LV_ERROR, LV_ERROR_DATA,
                    "message %s was not sent markable (XEP-0333): no displayed marker for it",
                    row->uid);
        return NULL;
    }
    return g_strdup(id);
}

static GPtrArray *
outbox(gpointer data, GError **error)
{
    LvMessageStore *store = data;
    g_autoptr(GPtrArray) rows =
            storage_of(store, error) != NULL
                    ? lv_storage_history_pending(store->storage, store->profile_id, error)
                    : NULL;
    GPtrArray *messages = g_ptr_array_new_with_free_func((GDestroyNotify)lv_xmpp_outgoing_free);

    for (guint i = 0; rows != NULL && i < rows->len; i++) {
        const LvHistoryRow *row = rows->pdata[i];
        LvXmppOutgoing *outgoing = g_new0(LvXmppOutgoing, 1);
        outgoing->uid = g_strdup(row->uid);
        outgoing->to = row->dest_res != NULL ? g_strdup_printf("%s/%s", row->dest, row->dest_res)
                                             : g_strdup(row->dest);
        outgoing->type = g_strdup(row->type);
        outgoing->bodies = g_variant_ref(row->messages);
        outgoing->subjects = g_variant_ref(row->subjects);
        outgoing->oob_url = oob_url_of_row(row);
        outgoing->timestamp = row->timestamp;
        g_ptr_array_add(messages, outgoing);
    }
    if (rows == NULL && error != NULL && *error != NULL) {
        g_ptr_array_unref(messages);
        return NULL;
    }
    return messages;
}

static gboolean
mark_sent(gpointer data, GPtrArray *uids, GPtrArray *signals, GError **error)
{
    LvMessageStore *store = data;

    if (storage_of(store, error) == NULL || !lv_storage_begin(store->storage, error))
        return FALSE;
    g_autoptr(GPtrArray) pending =
            g_ptr_array_new_with_free_func((GDestroyNotify)lv_xmpp_signal_free);
    for (guint i = 0; i < uids->len; i++) {
        gboolean changed = FALSE;
        if (!lv_storage_history_set_state(store->storage, store->profile_id, uids->pdata[i], "sent",
                                          &changed, error)) {
            lv_storage_rollback(store->storage);
            return FALSE;
        }
        if (changed)
            add_signal(pending, "messageState", g_variant_new("(ss)", uids->pdata[i], "sent"));
    }
    if (!lv_storage_commit(store->storage, error))
        return FALSE;
    g_ptr_array_extend_and_steal(signals, g_steal_pointer(&pending));
    return TRUE;
}

static const LvXmppStoreFuncs funcs = {
    store_batch, mam_get_last, mam_set_last, outbox, mark_sent, store_free,
};

const LvXmppStoreFuncs *
lv_message_store_funcs(void)
{
    return &funcs;
}
