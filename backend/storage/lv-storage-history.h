/* lv-storage-history: the message history of the profiles, stored exactly once.
 *
 * A message may arrive live, as a carbon, from MAM, or again after a stream
 * resumption: the dedup keys make every path land on one row. Per profile, the
 * archive's id (UNIQUE(archive_jid, stanza_id): XEP-0359 <stanza-id by=…> or a MAM
 * result id, taken only from an archive we trust) and the sender's own id
 * (UNIQUE(sender_bare, origin_id)): never origin-id alone, two senders may reuse one.
 * A second arrival of a known message adds the ids the first one lacked (a live
 * message without stanza-id, then its MAM copy) and is otherwise dropped.
 *
 * Only storage: what a stanza means is decided in backend/xmpp and the plugins.
 * Every statement is fixed SQL with bound values; a write that fails rolls back
 * whole. Callers that batch (the account threads) wrap calls in lv_storage_begin()
 * / lv_storage_commit(): each write then runs in a savepoint, so a failing one
 * undoes only itself and the caller's transaction goes on.
 */
#pragma once

#include "lv-storage.h"

G_BEGIN_DECLS

/* One message (plain data carrier). Strings may be NULL where marked. */
typedef struct {
    char *uid;                 /* ours: unique, stable, what the bridge calls the message */
    char *stanza_id;           /* the archive's id, or NULL */
    char *archive_jid;         /* who gave stanza_id (our bare JID, a room), NULL with it */
    char *origin_id;           /* the sender's XEP-0359 origin-id, else its message id, or NULL */
    char *sender_bare;         /* bare JID of the sender */
    char *source;              /* bare JID of the sender (for a room: the room) */
    char *source_res;          /* or NULL */
    char *dest;                /* bare JID of the recipient */
    char *dest_res;            /* or NULL */
    double timestamp;          /* when it was sent (XEP-0203 delay) or received, Unix seconds */
    double received_timestamp; /* when we got it if delayed, else 0 */
    char *type;                /* chat, error, groupchat, headline, normal, info */
    char *state;               /* NULL (received), pending, sent, delivered, displayed, error */
    GVariant *messages;        /* a{ss} language ("" none) → text; never NULL once stored */
    GVariant *subjects;        /* a{ss} likewise */
    char *extra;               /* a JSON object, "{}" if nothing */
} LvHistoryRow;

LvHistoryRow *lv_history_row_new(void);
/* A new message uid: a version 7 UUID, time-ordered, so new rows land at the end of
 * the uid index (transfer full). */
char *lv_storage_history_new_uid(void);
void lv_history_row_free(LvHistoryRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LvHistoryRow, lv_history_row_free)

/* The row as Libervia's historyGet lists it and messageNew carries it:
 * (uid, timestamp, from, to, message a{ss}, subject a{ss}, type, extra JSON)
 * where from/to are full JIDs when a resource is known; extra gains "state" when
 * set, as in Libervia (transfer floating). */
GVariant *lv_history_row_to_variant(const LvHistoryRow *row);

/* Stores @row for @profile_id unless it is already there (by either key). Sets
 * *@inserted (@inserted may be NULL); when it was there, the missing ids of the
 * stored row are filled from @row, and nothing else changes (its texts stay). With
 * @row->uid NULL a new uid is made. Returns the uid of the stored row, new or old
 * (transfer full); NULL on error: LV_ERROR_INVALID_ARGUMENT for a row without
 * sender_bare, source, dest or type, a stanza_id without archive_jid, or extra that
 * is not a JSON object; LV_ERROR_CONFLICT for a given uid another profile uses. */
char *lv_storage_history_add(LvStorage *storage, gint64 profile_id, const LvHistoryRow *row,
                             gboolean *inserted, GError **error);

/* What historyGet asks (Libervia 0.9's arguments and filters). */
typedef struct {
    const char *from_jid;         /* "" or NULL: anyone; a bare JID matches all its resources */
    const char *to_jid;           /* likewise */
    gboolean between;             /* TRUE: messages from either to the other, both ways */
    int limit;                    /* the last @limit (ordered by time), -1 or 0: no limit */
    const char *search;           /* full-text (FTS5) words of the body: rows with all of them,
                                   * any case, as whole words; FTS syntax in the text is not
                                   * interpreted; NULL or no word: no filter */
    const char *const *types;     /* only these types, or NULL (an empty list: none) */
    const char *const *not_types; /* not these, or NULL */
    double before;                /* only timestamp < before; 0: no bound */
    double after;                 /* only timestamp > after; 0: no bound */
    const char *before_uid;       /* only older than this message; NULL: none */
    const char *after_uid;        /* only newer than this message; NULL: none */
} LvHistoryQuery;

/* The matching rows, oldest first (the newest @limit of them) (transfer full:
 * LvHistoryRow*, with the array's free function set). Rows are ordered by timestamp,
 * then by the order they were stored; before_uid/after_uid compare in that order.
 * LV_ERROR_NOT_FOUND for an unknown before_uid/after_uid, LV_ERROR_DATA for a
 * from_jid/to_jid that is not a JID. */
GPtrArray *lv_storage_history_query(LvStorage *storage, gint64 profile_id,
                                    const LvHistoryQuery *query, GError **error);

/* One row by uid, NULL without error if absent (transfer full). */
LvHistoryRow *lv_storage_history_get(LvStorage *storage, gint64 profile_id, const char *uid,
                                     GError **error);

/* The uid of the message @sender_bare sent with @id (its origin-id or message id),
 * NULL without error if none (transfer full). What receipts, markers, corrections
 * and retractions refer to. */
char *lv_storage_history_find(LvStorage *storage, gint64 profile_id, const char *sender_bare,
                              const char *id, GError **error);

/* Sets the state of a message (receipts, markers, outbox). A state never goes back:
 * NULL < pending < sent < delivered < displayed; "error" only from pending or sent,
 * and it is final. Sets *@changed (may be NULL): FALSE when the state would not move
 * forward, which is no error. LV_ERROR_NOT_FOUND for an unknown @uid,
 * LV_ERROR_INVALID_ARGUMENT for an unknown @state. */
gboolean lv_storage_history_set_state(LvStorage *storage, gint64 profile_id, const char *uid,
                                      const char *state, gboolean *changed, GError **error);

/* A correction (XEP-0308): the message @uid gets the texts @messages (a{ss}); the
 * texts it had are kept in extra "edits" (a list of {timestamp, message}: the texts
 * as an object language → text, and when they were written: the message's
 * timestamp, then each earlier correction's) and extra "edited" is set to
 * @timestamp. The FTS index follows. A correction not newer than the last one
 * applied (MAM replaying an older one), of a retracted message, or with the same
 * texts changes nothing and is no error. LV_ERROR_NOT_FOUND for an unknown @uid. */
gboolean lv_storage_history_correct(LvStorage *storage, gint64 profile_id, const char *uid,
                                    GVariant *messages, double timestamp, GError **error);

/* A retraction (XEP-0424): the texts and subjects of @uid are deleted (and leave the
 * FTS index), so is extra "edits" (earlier texts), extra "retracted" is set to
 * @timestamp (the first one, if retracted again); the row itself stays so that the
 * dedup keys keep a retracted message from coming back through MAM.
 * LV_ERROR_NOT_FOUND for an unknown @uid. */
gboolean lv_storage_history_retract(LvStorage *storage, gint64 profile_id, const char *uid,
                                    double timestamp, GError **error);

/* Outgoing rows still in state "pending", oldest first (the outbox) (transfer full). */
GPtrArray *lv_storage_history_pending(LvStorage *storage, gint64 profile_id, GError **error);

/* The MAM catch-up point of @archive_jid for @profile_id: the id of the last result
 * stored from a complete page sequence, and its timestamp (@timestamp may be NULL;
 * 0 when none); NULL without error when none (transfer full). Setting it replaces
 * the previous point; it goes when the profile is deleted. */
char *lv_storage_mam_get_last(LvStorage *storage, gint64 profile_id, const char *archive_jid,
                              double *timestamp, GError **error);
gboolean lv_storage_mam_set_last(LvStorage *storage, gint64 profile_id, const char *archive_jid,
                                 const char *last_id, double timestamp, GError **error);

G_END_DECLS
