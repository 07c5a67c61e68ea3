/* lv-storage-bookmarks: the bookmarks a profile keeps in libervia.db only
 * (bookmarksAdd with location "local"), one row per type ("muc", "url") and
 * location (a room's bare JID or a URL), with the bookmark's data as Libervia
 * keeps it: a dictionary of strings (name, nick, autojoin…). */
#pragma once

#include "lv-storage.h"

G_BEGIN_DECLS

/* Sets (adds or replaces) the bookmark @location of @type with @data (a{ss}; a floating
 * reference is sunk). */
gboolean lv_storage_bookmark_set(LvStorage *storage, gint64 profile_id, const char *type,
                                 const char *location, GVariant *data, GError **error);

/* Removes it; *@removed (may be NULL) tells whether there was one. */
gboolean lv_storage_bookmark_delete(LvStorage *storage, gint64 profile_id, const char *type,
                                    const char *location, gboolean *removed, GError **error);

/* Every bookmark of @type: a{sa{ss}} location → data, sorted by location
 * (transfer full, floating); NULL and LV_ERROR_DATABASE on failure. A row whose
 * data is not a JSON object of strings comes back with what can be read of it. */
GVariant *lv_storage_bookmark_list(LvStorage *storage, gint64 profile_id, const char *type,
                                   GError **error);

G_END_DECLS
