/* lv-message-store: where an account's thread keeps its messages. It joins the
 * stanza layer (LvXmppMessage) and the history storage (LvHistoryRow): the
 * incoming pipeline's dedup and store stages, receipts and markers as message
 * states, corrections and retractions, the MAM catch-up point and the outbox.
 *
 * One store per connected profile, used only in that account's thread, with its own
 * SQLite connection (opened at first use, in the thread), so that the main thread
 * and the other accounts never wait for it.
 */
#pragma once

#include "lv-storage-history.h"
#include "lv-xmpp-account.h"

G_BEGIN_DECLS

typedef struct _LvMessageStore LvMessageStore;

/* A store for profile @profile_id (@profile names it in logs) in @local_dir's
 * libervia.db (transfer full: give it to lv_xmpp_account_set_store with
 * lv_message_store_funcs()). */
LvMessageStore *lv_message_store_new(const char *local_dir, gint64 profile_id, const char *profile);

const LvXmppStoreFuncs *lv_message_store_funcs(void);

/* The id a displayed marker (XEP-0333) for @row must name, kept in its extra when it
 * was received markable (transfer full); NULL with LV_ERROR_DATA when it was not
 * (ours, or a sender that asked for no marker). */
char *lv_message_store_dup_marker_id(const LvHistoryRow *row, GError **error);

G_END_DECLS
