/* lv-xmpp-account-identity-requests: what frontends ask of the identity module
 * in the account's thread: publishing our avatar (XEP-0084 data then metadata,
 * then our vCard-temp PHOTO unless the server converts (XEP-0398), then our
 * presence with the new XEP-0153 hash), nickname (XEP-0172 and vCard4)
 * and description (vCard4 note), and fetching an entity's whole identity. */
#include <string.h>

#include <json-glib/json-glib.h>

#include "lv-error.h"
#include "lv-xmpp-account-private.h"
#include "lv-xmpp-avatar.h"
#include "lv-xmpp-identity-private.h"
#include "lv-xmpp-identity.h"
#include "lv-xmpp-iq.h"
#include "lv-xmpp-presence.h"

/* ---- publishing ---- */

static void job_free(gpointer data);

/* A PEP publication of @payload (taken) as item @item_id of @node; our nodes are
 * open to anyone, as Libervia 0.9 makes them (XEP-0084 §6.1, XEP-0292). */
static void
publish(LvXmppAccount *account, const char *node, const char *item_id, xmpp_stanza_t *payload,
        LvXmppIqFunc func, gpointer data)
{
    xmpp_stanza_t *iq = lv_xmpp_iq_new(account, "set", NULL);
    xmpp_stanza_t *pubsub = lv_xmpp_add_child(iq, "pubsub", NS_PUBSUB);
    xmpp_stanza_t *element = lv_xmpp_add_child(pubsub, "publish", NULL);
    xmpp_stanza_t *item = lv_xmpp_add_child(element, "item", NULL);
    xmpp_stanza_t *form = lv_xmpp_add_child(lv_xmpp_add_child(pubsub, "publish-options", NULL), "x",
                                            NS_DATA_FORMS);
    const char *const fields[][2] = {
        { "FORM_TYPE", "http://jabber.org/protocol/pubsub#publish-options" },
        { "pubsub#access_model", "open" },
    };

    xmpp_stanza_set_attribute(element, "node", node);
    xmpp_stanza_set_attribute(item, "id", item_id);
    xmpp_stanza_add_child(item, payload);
    xmpp_stanza_release(payload);
    xmpp_stanza_set_attribute(form, "type", "submit");
    for (gsize i = 0; i < G_N_ELEMENTS(fields); i++) {
        xmpp_stanza_t *field = lv_xmpp_add_child(form, "field", NULL);
        xmpp_stanza_set_attribute(field, "var", fields[i][0]);
        if (i == 0)
            xmpp_stanza_set_attribute(field, "type", "hidden");
        lv_xmpp_add_text(lv_xmpp_add_child(field, "value", NULL), fields[i][1]);
    }
    lv_xmpp_identity_request(account, iq, func, data, job_free);
}

typedef struct {
    LvXmppAccount *account;
    char *request_id;
    char *path;    /* avatarSet */
    GBytes *bytes; /* avatarSet: the image read */
    LvXmppAvatarInfo info;
    char *entity;      /* identity requests */
    char *roster_name; /* identityGet */
    char **filter;     /* identityGet: the names wanted, empty: all */
    char *nickname;    /* identitySet: NULL unchanged */
    char *description;
    char **nicknames; /* identityGet: found so far */
} Job;

static void
job_free(gpointer data)
{
    Job *job = data;

    lv_xmpp_account_unref(job->account);
    g_free(job->request_id);
    g_free(job->path);
    g_clear_pointer(&job->bytes, g_bytes_unref);
    g_free(job->info.id);
    g_free(job->info.type);
    g_free(job->entity);
    g_free(job->roster_name);
    g_strfreev(job->filter);
    g_free(job->nickname);
    g_free(job->description);
    g_strfreev(job->nicknames);
    g_free(job);
}

/* Answers @job's request (@error taken, may be NULL) and frees it. */
static void
job_answer(Job *job, GVariant *data, GError *error)
{
    lv_xmpp_account_post(job->account, LV_XMPP_EVENT_REPLY, job->request_id, data, error);
    job_free(job);
}

static gboolean
job_in_session(Job *job)
{
    if (lv_xmpp_account_in_session(job->account))
        return TRUE;
    job_answer(job, NULL,
               g_error_new(LV_ERROR, LV_ERROR_PROFILE_NOT_CONNECTED, "%s is not connected",
                           job->account->profile));
    return FALSE;
}

static Job *
job_new(LvXmppAccount *account, const char *request_id)
{
    Job *job = g_new0(Job, 1);

    job->account = lv_xmpp_account_ref(account);
    job->request_id = g_strdup(request_id);
    return job;
}

static void
send_own_presence(LvXmppAccount *account)
{
    xmpp_stanza_t *presence =
            lv_xmpp_presence_build(account->xctx, NULL, "", account->priority, NULL);

    lv_xmpp_disco_decorate_presence(account, presence);
    lv_xmpp_identity_decorate_presence(account, presence);
    xmpp_send(account->conn, presence);
    xmpp_stanza_release(presence);
}

/* The end of avatarSet: everything published, the hash goes into our presence. */
static void
avatar_set_done(Job *job)
{
    LvXmppAccount *account = job->account;
    IdentityState *state = lv_xmpp_identity_state(account);

    if (state != NULL) {
        g_free(state->own_hash);
        state->own_hash = g_strdup(job->info.id);
        g_hash_table_replace(state->pep, g_strdup(account->own_bare), g_strdup(job->info.id));
        send_own_presence(account); /* the XEP-0153 hash, for vCard-only clients */
    }
    g_autofree char *json = lv_xmpp_identity_avatar_json(job->info.id, job->info.type);
    lv_xmpp_identity_notify(account, account->own_bare, "avatar", json);
    g_info("%s: avatar %s published", account->profile, job->info.id);
    job_answer(job, NULL, NULL);
}

static void
on_vcard_set(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error, gpointer user_data)
{
    Job *job = user_data;

    /* The PEP avatar is what counts (XEP-0084): a server that keeps no vCard-temp
     * only costs vCard-only clients our avatar. */
    if (reply == NULL)
        g_warning("%s: the avatar is published, but not in our vCard-temp: %s", account->profile,
                  error->message);
    avatar_set_done(job);
}

static void
on_own_vcard(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error, gpointer user_data)
{
    Job *job = user_data;
    xmpp_stanza_t *current =
            reply != NULL ? xmpp_stanza_get_child_by_name_and_ns(reply, "vCard", LV_NS_VCARD)
                          : NULL;

    if (reply == NULL && !g_error_matches(error, LV_ERROR, LV_ERROR_NOT_FOUND)) {
        on_vcard_set(account, NULL, error, job);
        return;
    }
    xmpp_stanza_t *iq = lv_xmpp_iq_new(account, "set", NULL);
    xmpp_stanza_t *vcard = lv_xmpp_avatar_build_vcard(account->xctx, current, job->bytes,
                                                      job->info.type, NULL, NULL);
    xmpp_stanza_add_child(iq, vcard);
    xmpp_stanza_release(vcard);
    lv_xmpp_identity_request(account, iq, on_vcard_set, job, job_free);
}

/* The job of a disco check, taken by its callback (freed here if never called). */
static void
job_box_free(gpointer data)
{
    Job **box = data;

    g_clear_pointer(box, job_free);
    g_free(box);
}

static void
on_conversion_known(LvXmppAccount *account, const char *jid, gboolean converts, gpointer data)
{
    Job *job = g_steal_pointer((Job **)data);

    (void)jid;
    if (converts) { /* XEP-0398: the server shows our PEP avatar in our vCard itself */
        g_debug("%s: the server converts our PEP avatar for vCard-temp", account->profile);
        avatar_set_done(job);
        return;
    }
    xmpp_stanza_t *iq = lv_xmpp_iq_new(account, "get", NULL);
    lv_xmpp_add_child(iq, "vCard", LV_NS_VCARD);
    lv_xmpp_identity_request(account, iq, on_own_vcard, job, job_free);
}

static void
on_metadata_published(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error,
                      gpointer user_data)
{
    Job *job = user_data;
    Job **box = g_new(Job *, 1);

    if (reply == NULL) {
        g_free(box);
        job_answer(job, NULL, g_error_copy(error));
        return;
    }
    /* vCard-only clients (XEP-0153) read the avatar in our vCard-temp. */
    *box = job;
    lv_xmpp_disco_check_feature(account, account->own_bare, NS_PEP_VCARD_CONVERSION,
                                on_conversion_known, box, job_box_free);
}

static void
on_data_published(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error,
                  gpointer user_data)
{
    Job *job = user_data;

    if (reply == NULL) {
        job_answer(job, NULL, g_error_copy(error));
        return;
    }
    publish(account, LV_NS_AVATAR_METADATA, job->info.id,
            lv_xmpp_avatar_build_metadata(account->xctx, &job->info), on_metadata_published, job);
}

/* Reads and checks the image at @job->path: not bigger than the limit (asked before
 * reading), an image by its bytes; fills @job's bytes and info. */
static gboolean
read_image(Job *job, GError **error)
{
    g_autoptr(GFile) file = g_file_new_for_path(job->path);
    g_autoptr(GFileInfo) info = g_file_query_info(
            file, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
            G_FILE_QUERY_INFO_NONE, NULL, error);
    const char *type = NULL;
    char *contents = NULL;
    gsize size = 0;

    if (info == NULL)
        return FALSE;
    if (g_file_info_get_file_type(info) != G_FILE_TYPE_REGULAR ||
        (guint64)g_file_info_get_size(info) > lv_xmpp_identity_max_size()) {
        g_set_error(error, LV_ERROR, LV_ERROR_DATA,
                    "%s is not a file of at most %" G_GSIZE_FORMAT " bytes (avatar_max_size)",
                    job->path, lv_xmpp_identity_max_size());
        return FALSE;
    }
    if (!g_file_get_contents(job->path, &contents, &size, error))
        return FALSE;
    job->bytes = g_bytes_new_take(contents, size);
    if (size > lv_xmpp_identity_max_size() ||
        !lv_xmpp_avatar_check(job->bytes, NULL, &type, error)) {
        if (error != NULL && *error == NULL)
            g_set_error(error, LV_ERROR, LV_ERROR_DATA, "%s grew over the limit", job->path);
        g_prefix_error(error, "%s: ", job->path);
        return FALSE;
    }
    job->info.id = lv_xmpp_avatar_sha1(job->bytes);
    job->info.type = g_strdup(type);
    job->info.bytes = size;
    lv_xmpp_avatar_dimensions(job->bytes, &job->info.width, &job->info.height);
    return TRUE;
}

static gboolean
do_avatar_set(gpointer data)
{
    Job *job = data;
    GError *error = NULL;

    if (!job_in_session(job))
        return G_SOURCE_REMOVE;
    if (!read_image(job, &error) ||
        !lv_xmpp_identity_cache_write(job->bytes, job->info.id, &error)) {
        job_answer(job, NULL, error);
        return G_SOURCE_REMOVE;
    }
    publish(job->account, LV_NS_AVATAR_DATA, job->info.id,
            lv_xmpp_avatar_build_data(job->account->xctx, job->bytes), on_data_published, job);
    lv_xmpp_account_drain(job->account);
    return G_SOURCE_REMOVE;
}

void
lv_xmpp_account_avatar_set(LvXmppAccount *account, const char *request_id, const char *path)
{
    Job *job = job_new(account, request_id);

    job->path = g_strdup(path);
    lv_xmpp_account_invoke(account, do_avatar_set, job, NULL);
}

static gboolean
do_avatar_get(gpointer data)
{
    Job *job = data;

    if (!job_in_session(job))
        return G_SOURCE_REMOVE;
    lv_xmpp_identity_fetch_start(
            job->account,
            lv_xmpp_identity_fetch_new(job->entity, lv_xmpp_identity_done_reply, job->request_id));
    lv_xmpp_account_drain(job->account);
    job_free(job);
    return G_SOURCE_REMOVE;
}

void
lv_xmpp_account_avatar_get(LvXmppAccount *account, const char *request_id, const char *entity)
{
    Job *job = job_new(account, request_id);

    job->entity = g_strdup(entity);
    lv_xmpp_account_invoke(account, do_avatar_get, job, NULL);
}

/* ---- nicknames and description ---- */

/* The text of <@name><text>…</text></@name> children of a vCard4 (transfer full). */
static char **
vcard4_texts(xmpp_stanza_t *vcard, const char *name)
{
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(g_free);

    for (xmpp_stanza_t *c = vcard != NULL ? xmpp_stanza_get_children(vcard) : NULL; c != NULL;
         c = xmpp_stanza_get_next(c)) {
        xmpp_stanza_t *text = xmpp_stanza_is_tag(c) && g_strcmp0(xmpp_stanza_get_name(c), name) == 0
                                      ? xmpp_stanza_get_child_by_name(c, "text")
                                      : NULL;
        char *value = text != NULL ? xmpp_stanza_get_text(text) : NULL;
        if (value != NULL && g_utf8_validate(value, -1, NULL) && value[0] != '\0')
            g_ptr_array_add(out, g_strdup(value));
        if (value != NULL)
            xmpp_free(xmpp_stanza_get_context(c), value);
    }
    g_ptr_array_add(out, NULL);
    return (char **)g_ptr_array_free(g_steal_pointer(&out), FALSE);
}

static xmpp_stanza_t *
vcard4_of(xmpp_stanza_t *reply)
{
    xmpp_stanza_t *vcard =
            lv_xmpp_identity_first_payload(lv_xmpp_identity_result_items(reply), NULL);

    return vcard != NULL && g_strcmp0(xmpp_stanza_get_ns(vcard), NS_VCARD4) == 0 ? vcard : NULL;
}

static void
add_unique(GPtrArray *list, const char *value)
{
    if (value != NULL && value[0] != '\0' &&
        !g_ptr_array_find_with_equal_func(list, value, g_str_equal, NULL))
        g_ptr_array_add(list, g_strdup(value));
}

/* TRUE if identityGet's filter asks for @name. */
static gboolean
wanted(const Fetch *fetch, const char *name)
{
    return fetch->filter == NULL || fetch->filter[0] == NULL ||
           g_strv_contains((const char *const *)fetch->filter, name);
}

static void
done_identity(LvXmppAccount *account, Fetch *fetch, const char *json, const GError *error)
{
    g_autoptr(JsonBuilder) builder = json_builder_new();
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GPtrArray) nicknames = g_ptr_array_new_with_free_func(g_free);

    add_unique(nicknames, fetch->roster_name);
    for (guint i = 0; fetch->nicknames != NULL && fetch->nicknames[i] != NULL; i++)
        add_unique(nicknames, fetch->nicknames[i]);
    if (nicknames->len == 0) { /* as Libervia: the local part, capitalised */
        const char *at = strchr(fetch->entity, '@');
        g_autofree char *user =
                at != NULL ? g_strndup(fetch->entity, at - fetch->entity) : g_strdup(fetch->entity);
        if (at != NULL && user[0] != '\0')
            user[0] = g_ascii_toupper(user[0]);
        g_ptr_array_add(nicknames, g_steal_pointer(&user));
    }
    g_ptr_array_add(nicknames, NULL);
    g_autofree char *nick_json =
            lv_xmpp_identity_strings_json((const char *const *)nicknames->pdata);
    g_autofree char *desc_json =
            lv_xmpp_identity_string_json(fetch->description != NULL ? fetch->description : "");
    lv_xmpp_identity_notify(account, fetch->entity, "nicknames", nick_json);
    lv_xmpp_identity_notify(account, fetch->entity, "description", desc_json);
    json_builder_begin_object(builder);
    if (wanted(fetch, "nicknames")) {
        json_builder_set_member_name(builder, "nicknames");
        json_builder_begin_array(builder);
        for (guint i = 0; i + 1 < nicknames->len; i++)
            json_builder_add_string_value(builder, nicknames->pdata[i]);
        json_builder_end_array(builder);
    }
    if (wanted(fetch, "description")) {
        json_builder_set_member_name(builder, "description");
        json_builder_add_string_value(builder,
                                      fetch->description != NULL ? fetch->description : "");
    }
    if (wanted(fetch, "avatar")) {
        json_builder_set_member_name(builder, "avatar");
        if (json != NULL && json_parser_load_from_data(parser, json, -1, NULL))
            json_builder_add_value(builder, json_node_copy(json_parser_get_root(parser)));
        else
            json_builder_add_null_value(builder);
    }
    json_builder_end_object(builder);
    g_autoptr(JsonNode) root = json_builder_get_root(builder);
    g_autofree char *text = json_to_string(root, FALSE);
    lv_xmpp_account_post(account, LV_XMPP_EVENT_REPLY, fetch->request_id,
                         g_variant_new("(s)", text), NULL);
}

static void
on_identity_vcard4(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error,
                   gpointer user_data)
{
    Fetch *fetch = user_data;
    xmpp_stanza_t *vcard = vcard4_of(reply);
    g_auto(GStrv) nicks = vcard4_texts(vcard, "nickname");
    g_auto(GStrv) notes = vcard4_texts(vcard, "note");
    g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func(g_free);

    for (guint i = 0; fetch->nicknames != NULL && fetch->nicknames[i] != NULL; i++)
        add_unique(all, fetch->nicknames[i]);
    for (guint i = 0; nicks[i] != NULL; i++)
        add_unique(all, nicks[i]);
    g_ptr_array_add(all, NULL);
    g_strfreev(fetch->nicknames);
    fetch->nicknames = (char **)g_ptr_array_free(g_steal_pointer(&all), FALSE);
    fetch->description = g_strjoinv("\n", notes);
    lv_xmpp_identity_fetch_start(account, fetch);
}

static void
on_identity_nick(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error,
                 gpointer user_data)
{
    Fetch *fetch = user_data;
    xmpp_stanza_t *nick =
            lv_xmpp_identity_first_payload(lv_xmpp_identity_result_items(reply), NULL);
    char *text = nick != NULL && g_strcmp0(xmpp_stanza_get_ns(nick), NS_NICK) == 0
                         ? xmpp_stanza_get_text(nick)
                         : NULL;

    if (text != NULL && g_utf8_validate(text, -1, NULL) && text[0] != '\0') {
        fetch->nicknames = g_new0(char *, 2);
        fetch->nicknames[0] = g_strdup(text);
    }
    if (text != NULL)
        xmpp_free(account->xctx, text);
    xmpp_stanza_t *iq = lv_xmpp_identity_items_request(account, fetch->entity, NODE_VCARD4, NULL);
    lv_xmpp_identity_request(account, iq, on_identity_vcard4, fetch, lv_xmpp_identity_fetch_free);
}

static gboolean
do_identity_get(gpointer data)
{
    Job *job = data;

    if (!job_in_session(job))
        return G_SOURCE_REMOVE;
    Fetch *fetch = lv_xmpp_identity_fetch_new(job->entity, done_identity, job->request_id);
    fetch->roster_name = g_strdup(job->roster_name);
    fetch->filter = g_steal_pointer(&job->filter);
    xmpp_stanza_t *iq = lv_xmpp_identity_items_request(job->account, job->entity, NS_NICK, NULL);
    lv_xmpp_identity_request(job->account, iq, on_identity_nick, fetch,
                             lv_xmpp_identity_fetch_free);
    lv_xmpp_account_drain(job->account);
    job_free(job);
    return G_SOURCE_REMOVE;
}

void
lv_xmpp_account_identity_get(LvXmppAccount *account, const char *request_id, const char *entity,
                             const char *roster_name, const char *const *filter)
{
    Job *job = job_new(account, request_id);

    job->entity = g_strdup(entity);
    job->roster_name = g_strdup(roster_name);
    job->filter = g_strdupv((char **)filter);
    lv_xmpp_account_invoke(account, do_identity_get, job, NULL);
}

static void
on_nick_published(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error,
                  gpointer user_data)
{
    Job *job = user_data;

    if (reply == NULL) {
        job_answer(job, NULL, g_error_copy(error));
        return;
    }
    if (job->nickname != NULL) {
        const char *const list[] = { job->nickname, NULL };
        g_autofree char *json = lv_xmpp_identity_strings_json(list);
        lv_xmpp_identity_notify(account, account->own_bare, "nicknames", json);
    }
    if (job->description != NULL) {
        g_autofree char *json = lv_xmpp_identity_string_json(job->description);
        lv_xmpp_identity_notify(account, account->own_bare, "description", json);
    }
    job_answer(job, NULL, NULL);
}

static void
on_vcard4_published(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error,
                    gpointer user_data)
{
    Job *job = user_data;

    if (reply == NULL || job->nickname == NULL) {
        on_nick_published(account, reply, error, job);
        return;
    }
    xmpp_stanza_t *nick = xmpp_stanza_new(account->xctx);
    xmpp_stanza_set_name(nick, "nick");
    xmpp_stanza_set_ns(nick, NS_NICK);
    lv_xmpp_add_text(nick, job->nickname);
    publish(account, NS_NICK, "current", nick, on_nick_published, job);
}

/* Our vCard4: what @current had, with the nickname and note replaced where @job
 * sets them (transfer full). */
static xmpp_stanza_t *
updated_vcard4(LvXmppAccount *account, xmpp_stanza_t *current, const Job *job)
{
    xmpp_stanza_t *vcard = xmpp_stanza_new(account->xctx);
    const char *const fields[][2] = { { "nickname", job->nickname }, { "note", job->description } };

    xmpp_stanza_set_name(vcard, "vcard");
    xmpp_stanza_set_ns(vcard, NS_VCARD4);
    for (xmpp_stanza_t *c = current != NULL ? xmpp_stanza_get_children(current) : NULL; c != NULL;
         c = xmpp_stanza_get_next(c)) {
        const char *name = xmpp_stanza_get_name(c);
        if (!xmpp_stanza_is_tag(c) || (g_strcmp0(name, "nickname") == 0 && job->nickname) ||
            (g_strcmp0(name, "note") == 0 && job->description))
            continue;
        xmpp_stanza_t *copy = xmpp_stanza_copy(c);
        xmpp_stanza_add_child(vcard, copy);
        xmpp_stanza_release(copy);
    }
    for (gsize i = 0; i < G_N_ELEMENTS(fields); i++) {
        if (fields[i][1] != NULL && fields[i][1][0] != '\0')
            lv_xmpp_add_text(
                    lv_xmpp_add_child(lv_xmpp_add_child(vcard, fields[i][0], NULL), "text", NULL),
                    fields[i][1]);
    }
    return vcard;
}

static void
on_own_vcard4(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error, gpointer user_data)
{
    Job *job = user_data;

    if (reply == NULL && !g_error_matches(error, LV_ERROR, LV_ERROR_NOT_FOUND)) {
        job_answer(job, NULL, g_error_copy(error));
        return;
    }
    publish(account, NODE_VCARD4, "current", updated_vcard4(account, vcard4_of(reply), job),
            on_vcard4_published, job);
}

static gboolean
do_identity_set(gpointer data)
{
    Job *job = data;

    if (!job_in_session(job))
        return G_SOURCE_REMOVE;
    xmpp_stanza_t *iq = lv_xmpp_identity_items_request(job->account, NULL, NODE_VCARD4, NULL);
    lv_xmpp_identity_request(job->account, iq, on_own_vcard4, job, job_free);
    lv_xmpp_account_drain(job->account);
    return G_SOURCE_REMOVE;
}

void
lv_xmpp_account_identity_set(LvXmppAccount *account, const char *request_id, const char *nickname,
                             const char *description)
{
    Job *job = job_new(account, request_id);

    job->nickname = g_strdup(nickname);
    job->description = g_strdup(description);
    lv_xmpp_account_invoke(account, do_identity_set, job, NULL);
}
