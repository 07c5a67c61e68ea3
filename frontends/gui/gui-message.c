/* gui-message: message records and one conversation's ordered list (see header). */
#include "gui-message.h"

#include <string.h>

#include <json-glib/json-glib.h>

struct _GuiMessageList {
    GPtrArray *messages; /* GuiMessage, oldest first */
    GHashTable *by_uid;  /* uid → GuiMessage (borrowed from messages) */
    guint unread;
};

void
gui_message_free(GuiMessage *message)
{
    if (message == NULL)
        return;
    g_free(message->uid);
    g_free(message->from);
    g_free(message->to);
    g_free(message->body);
    g_free(message->subject);
    g_free(message->type);
    g_free(message->state);
    g_free(message->oob_url);
    g_free(message);
}

/* The text without a language tag first, as Libervia's frontends show it, else the
 * one of the smallest language tag, so the choice does not depend on hash order. */
static char *
best_text(GVariant *texts)
{
    const char *found = NULL;
    const char *found_lang = NULL;
    GVariantIter iter;
    const char *lang = NULL;
    const char *text = NULL;

    g_variant_iter_init(&iter, texts);
    while (g_variant_iter_next(&iter, "{&s&s}", &lang, &text)) {
        if (*lang == '\0')
            return g_strdup(text);
        if (found_lang == NULL || strcmp(lang, found_lang) < 0) {
            found_lang = lang;
            found = text;
        }
    }
    return g_strdup(found != NULL ? found : "");
}

/* extra is JSON written by the backend; text that does not parse is ignored, the
 * message is still shown. */
static void
read_extra(GuiMessage *message, const char *extra)
{
    g_autoptr(JsonParser) parser = json_parser_new();

    message->state = g_strdup("");
    if (extra == NULL || !json_parser_load_from_data(parser, extra, -1, NULL))
        return;
    JsonNode *root = json_parser_get_root(parser);
    if (root == NULL || !JSON_NODE_HOLDS_OBJECT(root))
        return;
    JsonObject *object = json_node_get_object(root);
    JsonNode *state = json_object_get_member(object, "state");
    if (state != NULL && json_node_get_value_type(state) == G_TYPE_STRING) {
        g_free(message->state);
        message->state = g_strdup(json_node_get_string(state));
    }
    JsonNode *url = json_object_get_member(object, "oob_url");
    if (url != NULL && json_node_get_value_type(url) == G_TYPE_STRING)
        message->oob_url = g_strdup(json_node_get_string(url));
    message->edited = json_object_has_member(object, "edited");
    message->retracted = json_object_has_member(object, "retracted");
    JsonNode *marker = json_object_get_member(object, "marker_id");
    message->markable = marker != NULL && json_node_get_value_type(marker) == G_TYPE_STRING;
}

static GuiMessage *
message_from_fields(GVariant *tuple)
{
    GuiMessage *message = g_new0(GuiMessage, 1);
    g_autoptr(GVariant) body = NULL;
    g_autoptr(GVariant) subject = NULL;
    const char *extra = NULL;

    g_variant_get_child(tuple, 0, "s", &message->uid);
    g_variant_get_child(tuple, 1, "d", &message->timestamp);
    g_variant_get_child(tuple, 2, "s", &message->from);
    g_variant_get_child(tuple, 3, "s", &message->to);
    body = g_variant_get_child_value(tuple, 4);
    subject = g_variant_get_child_value(tuple, 5);
    g_variant_get_child(tuple, 6, "s", &message->type);
    g_variant_get_child(tuple, 7, "&s", &extra);
    message->body = best_text(body);
    message->subject = best_text(subject);
    read_extra(message, extra);
    return message;
}

GuiMessage *
gui_message_new_from_history(GVariant *row)
{
    if (!g_variant_is_of_type(row, G_VARIANT_TYPE("(sdssa{ss}a{ss}ss)")))
        return NULL;
    return message_from_fields(row);
}

GuiMessage *
gui_message_new_from_signal(GVariant *params, const char **profile)
{
    if (!g_variant_is_of_type(params, G_VARIANT_TYPE("(sdssa{ss}a{ss}sss)")))
        return NULL;
    if (profile != NULL)
        g_variant_get_child(params, 8, "&s", profile);
    return message_from_fields(params);
}

static char *
bare_of(const char *jid)
{
    const char *slash = strchr(jid, '/');

    return slash != NULL ? g_strndup(jid, slash - jid) : g_strdup(jid);
}

char *
gui_message_dup_conversation(const GuiMessage *message, const char *own_bare)
{
    g_autofree char *from = bare_of(message->from);

    /* Ours to a room, as the backend stores it on sending, is from our own JID. */
    if (g_strcmp0(message->type, "groupchat") == 0 && g_ascii_strcasecmp(from, own_bare) != 0)
        return g_steal_pointer(&from);
    if (g_ascii_strcasecmp(from, own_bare) == 0)
        return bare_of(message->to);
    return g_steal_pointer(&from);
}

gboolean
gui_message_is_ours(const GuiMessage *message, const char *own_bare, const char *own_nick)
{
    g_autofree char *from_bare = bare_of(message->from);
    if (g_ascii_strcasecmp(from_bare, own_bare) == 0)
        return TRUE;
    if (g_strcmp0(message->type, "groupchat") == 0) {
        const char *slash = strchr(message->from, '/');
        return own_nick != NULL && slash != NULL && g_strcmp0(slash + 1, own_nick) == 0;
    }
    return FALSE;
}

char *
gui_message_dup_sender_label(const GuiMessage *message)
{
    const char *slash = strchr(message->from, '/');

    if (g_strcmp0(message->type, "groupchat") == 0 && slash != NULL)
        return g_strdup(slash + 1);
    return bare_of(message->from);
}

GuiMessageList *
gui_message_list_new(void)
{
    GuiMessageList *list = g_new0(GuiMessageList, 1);

    list->messages = g_ptr_array_new_with_free_func((GDestroyNotify)gui_message_free);
    list->by_uid = g_hash_table_new(g_str_hash, g_str_equal);
    return list;
}

void
gui_message_list_free(GuiMessageList *list)
{
    if (list == NULL)
        return;
    g_hash_table_destroy(list->by_uid);
    g_ptr_array_unref(list->messages);
    g_free(list);
}

static guint
index_of(GuiMessageList *list, GuiMessage *message)
{
    guint index = 0;

    g_ptr_array_find(list->messages, message, &index);
    return index;
}

/* After the last message not newer than @timestamp: equal times keep arrival order. */
static guint
insertion_point(GuiMessageList *list, double timestamp)
{
    guint low = 0;
    guint high = list->messages->len;

    while (low < high) {
        guint mid = low + (high - low) / 2;
        GuiMessage *at = g_ptr_array_index(list->messages, mid);
        if (at->timestamp <= timestamp)
            low = mid + 1;
        else
            high = mid;
    }
    return low;
}

guint
gui_message_list_add(GuiMessageList *list, GuiMessage *message, gboolean *is_new)
{
    GuiMessage *known = g_hash_table_lookup(list->by_uid, message->uid);

    if (known != NULL) {
        guint index = index_of(list, known);
        g_hash_table_remove(list->by_uid, known->uid);
        /* A correction keeps the message's place: its time is the original's. */
        message->timestamp = known->timestamp;
        g_ptr_array_index(list->messages, index) = message;
        gui_message_free(known);
        g_hash_table_insert(list->by_uid, message->uid, message);
        *is_new = FALSE;
        return index;
    }
    guint index = insertion_point(list, message->timestamp);
    g_ptr_array_insert(list->messages, index, message);
    g_hash_table_insert(list->by_uid, message->uid, message);
    *is_new = TRUE;
    return index;
}

guint
gui_message_list_get_length(GuiMessageList *list)
{
    return list->messages->len;
}

GuiMessage *
gui_message_list_get(GuiMessageList *list, guint position)
{
    g_return_val_if_fail(position < list->messages->len, NULL);
    return g_ptr_array_index(list->messages, position);
}

int
gui_message_list_find(GuiMessageList *list, const char *uid)
{
    GuiMessage *known = g_hash_table_lookup(list->by_uid, uid);

    return known != NULL ? (int)index_of(list, known) : -1;
}

const char *
gui_message_list_get_oldest_uid(GuiMessageList *list)
{
    if (list->messages->len == 0)
        return NULL;
    return ((GuiMessage *)g_ptr_array_index(list->messages, 0))->uid;
}

GuiMessage *
gui_message_list_get_newest_markable(GuiMessageList *list, const char *own_bare,
                                     const char *own_nick)
{
    for (guint i = list->messages->len; i > 0; i--) {
        GuiMessage *message = g_ptr_array_index(list->messages, i - 1);
        if (message->markable && !message->retracted &&
            !gui_message_is_ours(message, own_bare, own_nick))
            return message;
    }
    return NULL;
}

gboolean
gui_message_list_set_state(GuiMessageList *list, const char *uid, const char *state,
                           guint *position)
{
    GuiMessage *known = g_hash_table_lookup(list->by_uid, uid);

    if (known == NULL || g_strcmp0(known->state, state) == 0)
        return FALSE;
    g_free(known->state);
    known->state = g_strdup(state);
    if (position != NULL)
        *position = index_of(list, known);
    return TRUE;
}

void
gui_message_list_count_unread(GuiMessageList *list)
{
    list->unread++;
}

void
gui_message_list_mark_read(GuiMessageList *list)
{
    list->unread = 0;
}

guint
gui_message_list_get_unread(GuiMessageList *list)
{
    return list->unread;
}
