/* lv-roster-cache: a profile's roster and its version (RFC 6121 §2.6) kept in
 * libervia.db between sessions, so that a versioned roster get, answered "nothing
 * changed" and then pushes, restores the whole roster.
 *
 * One JSON object per profile in its private data (namespace "lv-roster", key
 * "roster"): {"jid": bare JID of the account, "ver": version, "items": [[jid,
 * {attributes}, [groups]], …]}, the items as getContacts returns them. Libervia
 * keeps its own cache (one entry per item) only in its own database; ours is
 * written whole, on the main thread (the main SQLite connection), after a full
 * roster and after each push.
 */
#pragma once

#include "lv-storage.h"

G_BEGIN_DECLS

#define LV_ROSTER_CACHE_NAMESPACE "lv-roster"
#define LV_ROSTER_CACHE_KEY "roster"

/* Fills @roster (JID → GVariant (sa{ss}as); emptied first) with what is kept for
 * @profile_id, if it was kept for the account @bare_jid. Returns the version
 * (transfer full); NULL (and @roster empty) when nothing usable is kept: none,
 * another account, unreadable (logged). */
char *lv_roster_cache_load(LvStorage *storage, gint64 profile_id, const char *bare_jid,
                           GHashTable *roster);

/* Keeps @roster (as above) at version @ver for the account @bare_jid; @ver NULL
 * forgets what was kept (no version, nothing to ask with). A failure is logged: the
 * next session then asks for the whole roster. */
void lv_roster_cache_save(LvStorage *storage, gint64 profile_id, const char *bare_jid,
                          const char *ver, GHashTable *roster);

G_END_DECLS
