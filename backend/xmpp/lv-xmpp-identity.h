/* lv-xmpp-identity: avatars (XEP-0084, vCard-temp XEP-0054 with XEP-0153 hashes),
 * nicknames (XEP-0172, vCard4) and descriptions (vCard4 "note", XEP-0292, as
 * Libervia 0.9) in the account's thread.
 *
 * Received avatars are checked (an image by its magic bytes, under the size limit,
 * hashing to the announced id) and only then written to the cache directory,
 * atomically, under their SHA-1. What changes for an entity (avatar, nicknames,
 * description) is told to the one watcher on its context (the identity plugin keeps
 * it in libervia.db and signals it); requests from the main context are answered
 * with LV_XMPP_EVENT_REPLY. JSON values are Libervia's: an avatar is {path,
 * filename, media_type, cache_uid} or null. */
#pragma once

#include <glib.h>

#include "lv-xmpp-account.h"

G_BEGIN_DECLS

/* Process-wide settings, set before any account connects: where avatars are cached
 * (created if missing) and the largest one accepted or published. */
void lv_xmpp_identity_configure(const char *cache_dir, gsize max_size);

/* The cache file of avatar @id (SHA-1 hex) (transfer full); NULL if @id is not one. */
char *lv_xmpp_identity_dup_cache_path(const char *id);

/* Called on the watcher's context: @name ("avatar", "nicknames", "description") of
 * the bare JID @entity changed to @json (serialised JSON) for @profile. */
typedef void (*LvXmppIdentityFunc)(const char *profile, const char *entity, const char *name,
                                   const char *json, gpointer user_data);

/* Sets the one watcher; @func NULL removes it (posts not yet delivered are dropped). */
void lv_xmpp_identity_watch(GMainContext *context, LvXmppIdentityFunc func, gpointer user_data);

/* Fetches the avatar of the bare JID @entity (PEP, else vCard-temp); REPLY data (s):
 * the avatar JSON. */
void lv_xmpp_account_avatar_get(LvXmppAccount *account, const char *request_id, const char *entity);

/* Publishes the image file at @path as our avatar (read, checked and hashed in the
 * thread); REPLY without data. */
void lv_xmpp_account_avatar_set(LvXmppAccount *account, const char *request_id, const char *path);

/* Fetches nicknames, description and avatar of @entity; REPLY data (s): the identity
 * JSON {nicknames, description, avatar} (only the names in @filter, when it is not
 * empty), @roster_name (may be NULL) first in the nicknames. */
void lv_xmpp_account_identity_get(LvXmppAccount *account, const char *request_id,
                                  const char *entity, const char *roster_name,
                                  const char *const *filter);

/* Publishes our nickname (@nickname NULL: unchanged) and description (NULL:
 * unchanged) in vCard4 and XEP-0172; REPLY without data. */
void lv_xmpp_account_identity_set(LvXmppAccount *account, const char *request_id,
                                  const char *nickname, const char *description);

G_END_DECLS
