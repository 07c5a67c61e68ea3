/* fuzz-account: an LvXmppAccount for the dispatch fuzz target, run on the calling
 * thread instead of its own and connected to nothing, with its session started by
 * the same hooks (lv-xmpp-session.c) as a real one, so that every handler the
 * modules register on the connection is there to receive stanzas.
 *
 * The libstrophe connection is authenticated (libstrophe fires our handlers only
 * then) but not connected: whatever the account sends is dropped (libstrophe 0.12's
 * xmpp_send and xmpp_send_raw return at once unless the connection is in the
 * connected state; checked in its code and by running), and a libstrophe turn
 * (lv_xmpp_account_drain) finds no socket to read or write.
 *
 * Test code only: linked into tests/fuzz, never into the backend.
 */
#pragma once

#include "lv-xmpp-account-private.h"

G_BEGIN_DECLS

/* A new account in session as @full_jid, its events posted to @main_context for
 * @func (iterate it to deliver them) and its messages stored through @funcs on
 * @store (not freed by the account if @funcs->free does not). Its own context is
 * pushed as the thread default until fuzz_account_free(), as the account's thread
 * would run it. */
LvXmppAccount *fuzz_account_new(const char *full_jid, GMainContext *main_context,
                                LvXmppEventFunc func, const LvXmppStoreFuncs *funcs,
                                gpointer store);

/* Ends the session as a lost connection does, then frees what the account's thread
 * frees when it exits, and pops the account's context. */
void fuzz_account_free(LvXmppAccount *account);

G_END_DECLS
