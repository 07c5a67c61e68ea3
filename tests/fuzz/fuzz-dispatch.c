/* Fuzzes every stanza handler the account's modules register (messages, carbons,
 * MAM, presence, roster, MUC, invitations, bookmarks, blocking, identity, disco,
 * ping, version, pubsub events, the IQ router and reply matching), fed through
 * libstrophe's own dispatcher as the network code would, with the state of a real
 * session behind them: our JID bound, a MAM catch-up in flight for our archive and
 * for a joined room, and the session-start requests pending.
 *
 * The input is the inside of a stream: zero or more stanzas, dispatched one after
 * the other on one account (a join then a message from the room, a result then a
 * push…). The account is new for every input, so an input means the same thing
 * whatever ran before it; GLib's random numbers are seeded alike for each, so the
 * ids of the pending requests are the same in every run and the corpus can answer
 * them (FUZZ_DISPATCH_IDS=1 lists them on stderr).
 *
 * The account runs on the fuzzing thread, not its own: its code is confined to one
 * thread but does not check which. Messages go through the batch into the real
 * message store on a SQLite database in a temporary directory, shared by the inputs
 * (so one input may find what an earlier one stored, as a long session would).
 */
#include <stdio.h>
#include <stdlib.h>

#include <glib/gstdio.h>

#include "fuzz-account.h"
#include "fuzz-common.h"
#include "lv-message-store.h"
#include "lv-storage-profiles.h"
#include "lv-storage.h"
#include "lv-xmpp-message.h"

#define OWN_FULL "alice@localhost/res"
#define ROOM "room@conference.localhost"
#define NICK "alice"
#define STREAM_OPEN                                                                                \
    "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
#define STREAM_CLOSE "</stream:stream>"

/* libstrophe's dispatcher (src/handler.c), not in its public API but exported by
 * libstrophe.a: the function its event loop calls for every stanza the parser
 * produces, which runs every matching id and stanza handler. */
void handler_fire_stanza(xmpp_conn_t *conn, xmpp_stanza_t *stanza);

static GMainContext *main_context;
static LvMessageStore *store;
static char *dir;

/* The account frees the store it was given: here it outlives the accounts. */
static void
keep_store(gpointer data)
{
}

static LvXmppStoreFuncs store_funcs;

/* The events go nowhere: core's handling of them is not under test here. */
static void
on_event(LvXmppAccount *account, LvXmppEvent event, const char *jid, GVariant *data,
         const GError *error, gpointer user_data)
{
}

static void
remove_dir(void)
{
    GDir *handle = g_dir_open(dir, 0, NULL);
    const char *name;

    lv_message_store_funcs()->free(store);
    while (handle != NULL && (name = g_dir_read_name(handle)) != NULL) {
        g_autofree char *path = g_build_filename(dir, name, NULL);
        g_unlink(path);
    }
    if (handle != NULL)
        g_dir_close(handle);
    g_rmdir(dir);
    g_free(dir);
}

static void
setup_once(void)
{
    g_autoptr(GError) error = NULL;
    gint64 profile_id = 0;

    fuzz_quiet_logs();
    xmpp_initialize();
    /* On tmpfs when there is one: every stored batch is a committed transaction, and
     * its fsync on a disk would take most of the time of an input. */
    if (g_access("/dev/shm", W_OK) == 0) {
        dir = g_build_filename("/dev/shm", "fuzz-dispatch-XXXXXX", NULL);
        if (g_mkdtemp(dir) == NULL)
            g_clear_pointer(&dir, g_free);
    }
    if (dir == NULL)
        dir = g_dir_make_tmp("fuzz-dispatch-XXXXXX", &error);
    g_autoptr(LvStorage) storage = dir != NULL ? lv_storage_open(dir, &error) : NULL;
    if (storage == NULL ||
        !lv_storage_profile_create(storage, "fuzz", "", "h", "k", NULL, &profile_id, &error))
        g_error("fuzz-dispatch: no database: %s", error->message);
    store = lv_message_store_new(dir, profile_id, "fuzz");
    store_funcs = *lv_message_store_funcs();
    store_funcs.free = keep_store;
    main_context = g_main_context_new();
    atexit(remove_dir);
}

/* What one turn of the account's loop does after libstrophe dispatched a stanza:
 * the batch is stored (lv_xmpp_account_drain), ready sources run. */
static void
dispatch(LvXmppAccount *account, xmpp_stanza_t *stanza)
{
    handler_fire_stanza(account->conn, stanza);
    lv_xmpp_messages_flush(account);
    for (int i = 0; i < 16 && g_main_context_iteration(account->context, FALSE); i++)
        ;
}

static void
dispatch_text(LvXmppAccount *account, const char *text)
{
    g_autofree char *stream = g_strconcat(STREAM_OPEN, text, STREAM_CLOSE, NULL);
    xmpp_stanza_t *root = xmpp_stanza_new_from_string(account->xctx, stream);

    if (root == NULL)
        return;
    for (xmpp_stanza_t *child = xmpp_stanza_get_children(root); child != NULL;
         child = xmpp_stanza_get_next(child)) {
        if (!xmpp_stanza_is_tag(child))
            continue;
        /* A top-level stanza, as the stream parser hands it over. */
        xmpp_stanza_t *stanza = xmpp_stanza_copy(child);
        dispatch(account, stanza);
        xmpp_stanza_release(stanza);
    }
    xmpp_stanza_release(root);
}

/* The state a session reaches before the input: a room joined (our presence
 * reflected with status 110), and archive catch-ups of our account and of the room
 * in flight. */
static void
prepare_session(LvXmppAccount *account)
{
    lv_xmpp_muc_join_in_thread(account, ROOM, NICK, NULL);
    dispatch_text(account, "<presence from='" ROOM "/" NICK "' to='" OWN_FULL "'>"
                           "<x xmlns='http://jabber.org/protocol/muc#user'>"
                           "<item affiliation='member' role='participant'/>"
                           "<status code='110'/></x></presence>");
    account->trust_archive = TRUE;
    lv_xmpp_mam_start_catch_up(account);
    lv_xmpp_mam_catch_up_room(account, ROOM);
}

static void
list_ids(LvXmppAccount *account)
{
    GHashTableIter iter;
    gpointer id;

    if (account->iqs == NULL || g_getenv("FUZZ_DISPATCH_IDS") == NULL)
        return;
    g_hash_table_iter_init(&iter, account->iqs);
    while (g_hash_table_iter_next(&iter, &id, NULL))
        fprintf(stderr, "pending request %s\n", (const char *)id);
    g_autofree LvXmppMamQuery *queries = lv_xmpp_mam_queries_for_parser(account);
    for (const LvXmppMamQuery *q = queries; q->query_id != NULL; q++)
        fprintf(stderr, "MAM query %s of %s\n", q->query_id, q->archive_jid);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static gboolean ready;

    if (!ready) {
        setup_once();
        ready = TRUE;
    }
    g_random_set_seed(7);
    LvXmppAccount *account =
            fuzz_account_new(OWN_FULL, main_context, on_event, &store_funcs, store);
    prepare_session(account);
    list_ids(account);
    g_autofree char *text = fuzz_dup_string(data, size);
    dispatch_text(account, text);
    fuzz_account_free(account);
    while (g_main_context_iteration(main_context, FALSE))
        ;
    return 0;
}
