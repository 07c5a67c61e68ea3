/* lv-xmpp-identity-private: what the two halves of the identity module share in
 * the account's thread (lv-xmpp-account-identity.c: settings, cache, fetching,
 * events; lv-xmpp-account-identity-requests.c: what frontends ask). */
#pragma once

#include <json-glib/json-glib.h>

#include "lv-xmpp-account-private.h"
#include "lv-xmpp-avatar.h"
#include "lv-xmpp-iq.h"

G_BEGIN_DECLS

#define NS_PUBSUB "http://jabber.org/protocol/pubsub"
#define NS_PUBSUB_EVENT "http://jabber.org/protocol/pubsub#event"
#define NS_NICK "http://jabber.org/protocol/nick"
#define NS_VCARD4 "urn:ietf:params:xml:ns:vcard-4.0"
#define NS_PEP_VCARD_CONVERSION "urn:xmpp:pep-vcard-conversion:0"
#define NODE_VCARD4 "urn:xmpp:vcard4"
#define NS_DATA_FORMS "jabber:x:data"

/* Per session. */
typedef struct {
    GHashTable *pep;    /* bare JID → avatar id from its PEP metadata ("" : none) */
    GHashTable *hashes; /* bare JID → last XEP-0153 hash seen */
    char *own_hash;     /* our avatar, for our presence; NULL: not known */
} IdentityState;

typedef struct _Fetch Fetch;
/* @json: the avatar JSON, or NULL with @error. */
typedef void (*FetchDone)(LvXmppAccount *account, Fetch *fetch, const char *json,
                          const GError *error);

struct _Fetch {
    char *entity;
    char *expected;         /* the XEP-0153 hash that made us ask the vCard, or NULL */
    LvXmppAvatarInfo *info; /* from a PEP event, or NULL: ask the metadata node */
    gboolean vcard_only;
    FetchDone done;
    char *request_id;  /* who asked, if anyone */
    char *roster_name; /* identity requests */
    char **filter;     /* identityGet: the names wanted, empty or NULL: all */
    char **nicknames;
    char *description;
};

/* The session's state, NULL out of session (transfer none). */
IdentityState *lv_xmpp_identity_state(LvXmppAccount *account);
/* The avatar size limit (avatar_max_size). */
gsize lv_xmpp_identity_max_size(void);
/* Tells the watcher that @name of @entity is now @json. */
void lv_xmpp_identity_notify(LvXmppAccount *account, const char *entity, const char *name,
                             const char *json);
/* JSON texts: the avatar data of the cached @id, a list of strings, a string
 * (transfer full). */
char *lv_xmpp_identity_avatar_json(const char *id, const char *media_type);
char *lv_xmpp_identity_strings_json(const char *const *values);
char *lv_xmpp_identity_string_json(const char *value);
/* Writes checked bytes to the cache under @id (temporary file, then rename). */
gboolean lv_xmpp_identity_cache_write(GBytes *bytes, const char *id, GError **error);
/* Sends @iq (taken); @data goes to @func, or to @free_data if no answer ever comes. */
void lv_xmpp_identity_request(LvXmppAccount *account, xmpp_stanza_t *iq, LvXmppIqFunc func,
                              gpointer data, GDestroyNotify free_data);
/* A pubsub items get of @node at @to (NULL: ours): item @item_id, or the last one
 * (transfer full). */
xmpp_stanza_t *lv_xmpp_identity_items_request(LvXmppAccount *account, const char *to,
                                              const char *node, const char *item_id);
/* The <items/> of a pubsub result, and the payload of its first item (transfer none). */
xmpp_stanza_t *lv_xmpp_identity_result_items(xmpp_stanza_t *reply);
xmpp_stanza_t *lv_xmpp_identity_first_payload(xmpp_stanza_t *items, const char **item_id);
/* Avatar fetches (transfer full / taken by start). */
Fetch *lv_xmpp_identity_fetch_new(const char *entity, FetchDone done, const char *request_id);
void lv_xmpp_identity_fetch_free(gpointer data);
void lv_xmpp_identity_fetch_start(LvXmppAccount *account, Fetch *fetch);
/* A FetchDone that answers the request of @fetch with the avatar JSON. */
void lv_xmpp_identity_done_reply(LvXmppAccount *account, Fetch *fetch, const char *json,
                                 const GError *error);

G_END_DECLS
