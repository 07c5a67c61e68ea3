/* lv-storage-history-private: what the history modules share (not for callers). */
#pragma once

#include "lv-storage-history.h"

G_BEGIN_DECLS

/* The start of every statement read by lv_storage_history_fetch(): history is "h". */
#define LV_HISTORY_SELECT                                                                          \
    "SELECT h.id, h.uid, h.stanza_id, h.archive_jid, h.origin_id, h.sender_bare, h.source, "       \
    "h.source_res, h.dest, h.dest_res, h.timestamp, h.received_timestamp, h.type, h.state, "       \
    "h.extra FROM history h"

/* Runs @stmt (bound, selecting LV_HISTORY_SELECT's columns) and reads its rows with
 * their texts, in the statement's order (transfer full). */
GPtrArray *lv_storage_history_fetch(LvStorage *storage, sqlite3_stmt *stmt, GError **error);

/* The internal id, timestamp and extra (transfer full) of message @uid, each
 * pointer but @id may be NULL; LV_ERROR_NOT_FOUND if there is none. */
gboolean lv_storage_history_locate(LvStorage *storage, gint64 profile_id, const char *uid,
                                   gint64 *id, double *timestamp, char **extra, GError **error);

G_END_DECLS
