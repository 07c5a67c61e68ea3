/* lv-xmpp-account-muc-admin: room administration (muc#admin, muc#owner) and
 * invitations in the account's thread. The queries are built and their answers
 * parsed by lv-xmpp-muc-admin.c and lv-xmpp-muc-invite.c; here they are sent with
 * lv-xmpp-iq.c and the answers posted to the main context. A configuration change
 * fetches the room's form first, so the values are checked against the form the
 * room really has before anything is submitted. */
#include "lv-xmpp-account-muc-admin.h"

#include <string.h>

#include "lv-error.h"
#include "lv-jid.h"
#include "lv-xmpp-account-private.h"
#include "lv-xmpp-iq.h"
#include "lv-xmpp-muc-admin.h"
#include "lv-xmpp-muc-invite.h"

typedef struct {
    LvXmppAccount *account;
    char *request_id;
    LvXmppMucAdminOp op;
    char *room;
    char *target;
    char *value;
    char *reason;
} AdminAsk;

static void
admin_ask_free(gpointer data)
{
    AdminAsk *ask = data;

    lv_xmpp_account_unref(ask->account);
    g_free(ask->request_id);
    g_free(ask->room);
    g_free(ask->target);
    g_free(ask->value);
    g_free(ask->reason);
    g_free(ask);
}

static void
answer(AdminAsk *ask, GVariant *data, GError *error)
{
    lv_xmpp_account_post(ask->account, LV_XMPP_EVENT_REPLY, ask->request_id, data, error);
}

/* The RFC 6120 condition that lv-xmpp-iq.c put in the message of @error, NULL if
 * none (transfer full). */
static char *
condition_of(const GError *error)
{
    const char *marker = "answered with an error: ";
    const char *start = strstr(error->message, marker);

    if (start == NULL)
        return NULL;
    start += strlen(marker);
    gsize length = strspn(start, "abcdefghijklmnopqrstuvwxyz-");
    return length > 0 ? g_strndup(start, length) : NULL;
}

static int
code_for(const char *condition, int code)
{
    static const char *const permission[] = { "forbidden", "not-allowed", "not-authorized", NULL };
    static const char *const data[] = { "bad-request", "not-acceptable", "jid-malformed", NULL };

    if (condition == NULL)
        return code;
    if (g_strv_contains(permission, condition))
        return LV_ERROR_PERMISSION;
    if (g_str_equal(condition, "conflict"))
        return LV_ERROR_CONFLICT;
    if (g_strv_contains(data, condition))
        return LV_ERROR_DATA;
    return code;
}

/* The room's refusal of what @what says, in the bridge's terms (transfer full). */
static GError *
refusal(const GError *error, const char *what)
{
    g_autofree char *condition = condition_of(error);

    return g_error_new(LV_ERROR, code_for(condition, error->code), "cannot %s: %s", what,
                       error->message);
}

static const char *
what_of(LvXmppMucAdminOp op)
{
    switch (op) {
    case LV_XMPP_MUC_ADMIN_ROLE:
        return "change the role";
    case LV_XMPP_MUC_ADMIN_AFFILIATION:
        return "change the affiliation";
    case LV_XMPP_MUC_ADMIN_LIST:
        return "list the affiliations";
    case LV_XMPP_MUC_ADMIN_CONFIG_GET:
        return "get the room's configuration";
    case LV_XMPP_MUC_ADMIN_CONFIG_SET:
        return "configure the room";
    case LV_XMPP_MUC_ADMIN_CONFIG_CANCEL:
        return "cancel the room's configuration";
    case LV_XMPP_MUC_ADMIN_DESTROY:
        return "destroy the room";
    }
    return "administer the room";
}

static void send_query(AdminAsk *ask, const char *type, xmpp_stanza_t *query, LvXmppIqFunc func,
                       gboolean drain);

static GVariant *
json_answer(const LvXmppDataform *form)
{
    g_autoptr(JsonNode) node = lv_xmpp_dataform_to_json(form);
    g_autofree char *text = json_to_string(node, FALSE);

    return g_variant_new("(s)", text);
}

static void on_done(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error,
                    gpointer user_data);

/* The room's form came for a change: check the changes against it, then submit. */
static void
submit_changes(AdminAsk *ask, xmpp_stanza_t *reply)
{
    GError *error = NULL;
    g_autoptr(LvXmppDataform) form =
            lv_xmpp_muc_admin_parse_config(xmpp_stanza_get_child_by_name(reply, "query"), &error);
    g_autoptr(GHashTable) changes =
            form != NULL ? lv_xmpp_dataform_changes_from_json(ask->value, &error) : NULL;
    g_autoptr(LvXmppDataform) submit =
            changes != NULL ? lv_xmpp_dataform_new_submit(form, changes, &error) : NULL;

    if (submit == NULL) {
        g_prefix_error(&error, "cannot configure %s: ", ask->room);
        answer(ask, NULL, error);
        admin_ask_free(ask);
        return;
    }
    xmpp_stanza_t *query = lv_xmpp_muc_admin_new_config_set(ask->account->xctx, submit);
    /* Inside a libstrophe handler: the turn running it writes the submission (a
     * nested run would re-enter the XML parser). */
    send_query(ask, "set", query, on_done, FALSE);
    xmpp_stanza_release(query);
}

static void
on_done(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error, gpointer user_data)
{
    AdminAsk *ask = user_data;
    GError *parse_error = NULL;

    if (reply == NULL) {
        answer(ask, NULL, refusal(error, what_of(ask->op)));
        return;
    }
    xmpp_stanza_t *query = xmpp_stanza_get_child_by_name(reply, "query");
    if (ask->op == LV_XMPP_MUC_ADMIN_LIST) {
        GVariant *items = lv_xmpp_muc_admin_parse_affiliations(query, &parse_error);
        answer(ask, items != NULL ? g_variant_new_tuple(&items, 1) : NULL, parse_error);
    } else if (ask->op == LV_XMPP_MUC_ADMIN_CONFIG_GET) {
        g_autoptr(LvXmppDataform) form = lv_xmpp_muc_admin_parse_config(query, &parse_error);
        answer(ask, form != NULL ? json_answer(form) : NULL, parse_error);
    } else {
        answer(ask, g_variant_new("()"), NULL);
    }
}

/* The get of a change: the IQ layer frees @ask unless it goes on to the submit. */
static void
on_form_for_change(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error,
                   gpointer user_data)
{
    AdminAsk *ask = user_data;

    if (reply == NULL) {
        answer(ask, NULL, refusal(error, what_of(ask->op)));
        admin_ask_free(ask);
        return;
    }
    submit_changes(ask, reply);
}

/* Sends @query (not taken) in an IQ of @type to the room; @func gets the answer. The
 * request owns @ask unless @func is on_form_for_change, which passes it on. With
 * @drain, libstrophe runs now to write it (not from a libstrophe handler). */
static void
send_query(AdminAsk *ask, const char *type, xmpp_stanza_t *query, LvXmppIqFunc func, gboolean drain)
{
    xmpp_stanza_t *iq = lv_xmpp_iq_new(ask->account, type, ask->room);

    xmpp_stanza_add_child(iq, query);
    lv_xmpp_iq_request(ask->account, iq, func, ask,
                       func == on_form_for_change ? NULL : admin_ask_free);
    xmpp_stanza_release(iq);
    if (drain)
        lv_xmpp_account_drain(ask->account);
}

/* The query of @ask (transfer full), and the IQ type in @type; NULL with @error. */
static xmpp_stanza_t *
build_query(AdminAsk *ask, const char **type, GError **error)
{
    xmpp_ctx_t *ctx = ask->account->xctx;

    *type = "set";
    switch (ask->op) {
    case LV_XMPP_MUC_ADMIN_ROLE:
        return lv_xmpp_muc_admin_new_role(ctx, ask->target, ask->value, ask->reason, error);
    case LV_XMPP_MUC_ADMIN_AFFILIATION:
        return lv_xmpp_muc_admin_new_affiliation(ctx, ask->target, ask->value, ask->reason, error);
    case LV_XMPP_MUC_ADMIN_LIST:
        *type = "get";
        return lv_xmpp_muc_admin_new_affiliation_list(ctx, ask->value, error);
    case LV_XMPP_MUC_ADMIN_CONFIG_GET:
    case LV_XMPP_MUC_ADMIN_CONFIG_SET:
        *type = "get";
        return lv_xmpp_muc_admin_new_config_get(ctx);
    case LV_XMPP_MUC_ADMIN_CONFIG_CANCEL:
        return lv_xmpp_muc_admin_new_config_set(ctx, NULL);
    case LV_XMPP_MUC_ADMIN_DESTROY:
        return lv_xmpp_muc_admin_new_destroy(ctx, ask->reason, ask->target, error);
    }
    g_set_error(error, LV_ERROR, LV_ERROR_INTERNAL, "unknown room administration");
    return NULL;
}

/* @text as the bare JID of a room, or NULL with @error (transfer full). */
static char *
room_of(const char *text, GError **error)
{
    g_autoptr(LvJid) jid = lv_jid_parse(text, error);

    if (jid != NULL && (lv_jid_get_local(jid) == NULL || lv_jid_get_resource(jid) != NULL)) {
        g_set_error(error, LV_ERROR, LV_ERROR_DATA, "%s is not a room's bare JID", text);
        return NULL;
    }
    return jid != NULL ? lv_jid_dup_string(jid) : NULL;
}

static gboolean
do_admin(gpointer data)
{
    AdminAsk *ask = data;
    GError *error = NULL;
    const char *type = NULL;
    g_autofree char *room = room_of(ask->room, &error);
    xmpp_stanza_t *query = NULL;

    if (room != NULL && !lv_xmpp_account_in_session(ask->account))
        error = g_error_new(LV_ERROR, LV_ERROR_PROFILE_NOT_CONNECTED, "%s is not connected",
                            ask->account->profile);
    if (error == NULL)
        query = build_query(ask, &type, &error);
    if (query == NULL) {
        answer(ask, NULL, error);
        admin_ask_free(ask);
        return G_SOURCE_REMOVE;
    }
    g_free(ask->room);
    ask->room = g_steal_pointer(&room);
    send_query(ask, type, query,
               ask->op == LV_XMPP_MUC_ADMIN_CONFIG_SET ? on_form_for_change : on_done, TRUE);
    xmpp_stanza_release(query);
    return G_SOURCE_REMOVE;
}

void
lv_xmpp_account_muc_admin(LvXmppAccount *account, const char *request_id, LvXmppMucAdminOp op,
                          const char *room, const char *target, const char *value,
                          const char *reason)
{
    AdminAsk *ask = g_new0(AdminAsk, 1);

    ask->account = lv_xmpp_account_ref(account);
    ask->request_id = g_strdup(request_id);
    ask->op = op;
    ask->room = g_strdup(room);
    ask->target = g_strdup(target != NULL ? target : "");
    ask->value = g_strdup(value != NULL ? value : "");
    ask->reason = g_strdup(reason != NULL ? reason : "");
    /* Owned by the IQ request once sent: no destroy notify here. */
    lv_xmpp_account_invoke(account, do_admin, ask, NULL);
}
