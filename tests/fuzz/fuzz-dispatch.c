/* Fuzzes every stanza handler the account's modules register (messages, carbons,
 * MAM, presence, roster, MUC, invitations, bookmarks, blocking, identity, disco,
 * ping, version, pubsub events, the IQ router and reply matching), fed through
 * libstrophe's own dispatcher as the network code would, with the state of a real
 * session behind them: our JID bound, a MAM catch-up in flight for our archive and
 * for a joined room, and the session-start requests pending.
 *
 * The input is the inside of a stream: zero or more stanzas, parsed by libstrophe's
 * stream parser and dispatched one after the other as it completes them (up to a
 * syntax error, where the backend would close the stream) on one account: a join
 * then a message from the room, a result then a push… The account is new for every
 * input, and GLib's random numbers are seeded alike for each, so the ids of the
 * pending requests are the same in every run and the corpus can answer them
 * (FUZZ_DISPATCH_IDS=1 lists them on stderr, and those the input added). What
 * outlives an input: the message store and the avatar files (below), and the
 * process-wide cache of entity capabilities, as in a backend that has run a while.
 *
 * The account runs on the fuzzing thread, not its own: its code is confined to one
 * thread but does not check which. Messages go through the batch into the real
 * message store on a SQLite database in a temporary directory, shared by the inputs
 * (so one input may find what an earlier one stored, as a long session would), and
 * avatars fetched are cached in a folder beside it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "fuzz-account.h"
#include "fuzz-common.h"
#include "lv-message-store.h"
#include "lv-storage-profiles.h"
#include "lv-storage.h"
#include "lv-xmpp-identity.h"
#include "lv-xmpp-message.h"

#define OWN_FULL "alice@localhost/res"
#define ROOM "room@conference.localhost"
#define NICK "alice"
#define STREAM_OPEN                                                                                \
    "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
#define STREAM_CLOSE "</stream:stream>"

/* Our presence in the room, as the room reflects it. */
#define PRESENCE_110                                                                               \
    "<presence from='" ROOM "/" NICK "' to='" OWN_FULL "'>"                                        \
    "<x xmlns='http://jabber.org/protocol/muc#user'>"                                              \
    "<item affiliation='member' role='participant'/><status code='110'/></x></presence>"

/* libstrophe 0.12 internals, not in its public API but exported by libstrophe.a
 * (src/handler.c, src/parser.h): handler_fire_stanza() is the dispatcher its event
 * loop calls for every stanza the stream parser produces, which runs every matching
 * id and stanza handler; the parser is the one a connection feeds with what it
 * reads, and hands over each stanza once its end tag is parsed. */
void handler_fire_stanza(xmpp_conn_t *conn, xmpp_stanza_t *stanza);
typedef struct _parser_t parser_t;
typedef void (*parser_start_callback)(char *name, char **attrs, void *userdata);
typedef void (*parser_end_callback)(char *name, void *userdata);
typedef void (*parser_stanza_callback)(xmpp_stanza_t *stanza, void *userdata);
parser_t *parser_new(xmpp_ctx_t *ctx, parser_start_callback startcb, parser_end_callback endcb,
                     parser_stanza_callback stanzacb, void *userdata);
void parser_free(parser_t *parser);
int parser_feed(parser_t *parser, char *chunk, int len);

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

/* Removes @path and what is in it (files, and folders of files). */
static void
remove_tree(const char *path)
{
    GDir *handle = g_dir_open(path, 0, NULL);
    const char *name;

    while (handle != NULL && (name = g_dir_read_name(handle)) != NULL) {
        g_autofree char *child = g_build_filename(path, name, NULL);
        if (g_file_test(child, G_FILE_TEST_IS_DIR))
            remove_tree(child);
        else
            g_unlink(child);
    }
    if (handle != NULL)
        g_dir_close(handle);
    g_rmdir(path);
}

static void
cleanup(void)
{
    lv_xmpp_identity_watch(NULL, NULL, NULL);
    lv_xmpp_identity_configure(NULL, 0);
    lv_message_store_funcs()->free(store);
    remove_tree(dir);
    g_free(dir);
}

/* Avatars and nicknames are posted to a watcher on the main context, as in the
 * backend; what it would do with them is not under test. */
static void
on_identity(const char *profile, const char *entity, const char *name, const char *json,
            gpointer user_data)
{
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
    g_autofree char *avatars = g_build_filename(dir, "avatars", NULL);
    lv_xmpp_identity_configure(avatars, 64 * 1024);
    lv_xmpp_identity_watch(main_context, on_identity, NULL);
    atexit(cleanup);
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
on_stream_start(char *name, char **attrs, void *userdata)
{
}

static void
on_stream_end(char *name, void *userdata)
{
}

static void
on_stanza(xmpp_stanza_t *stanza, void *userdata)
{
    dispatch(userdata, stanza);
}

/* Parses @data (@size bytes) as the inside of the stream, dispatching each stanza
 * once it is complete, up to the end or the first error (where the backend would
 * close the stream). */
static void
feed_stream(LvXmppAccount *account, const char *data, size_t size)
{
    parser_t *parser =
            parser_new(account->xctx, on_stream_start, on_stream_end, on_stanza, account);
    g_autofree char *chunk = g_strndup(data, size);

    if (parser_feed(parser, (char *)STREAM_OPEN, strlen(STREAM_OPEN)) &&
        parser_feed(parser, chunk, (int)size))
        parser_feed(parser, (char *)STREAM_CLOSE, strlen(STREAM_CLOSE));
    parser_free(parser);
}

/* The state a session reaches before the input: a room joined (our presence
 * reflected with status 110), and archive catch-ups of our account and of the room
 * in flight. */
static void
prepare_session(LvXmppAccount *account)
{
    lv_xmpp_muc_join_in_thread(account, ROOM, NICK, NULL);
    feed_stream(account, PRESENCE_110, strlen(PRESENCE_110));
    account->trust_archive = TRUE;
    lv_xmpp_mam_start_catch_up(account);
    lv_xmpp_mam_catch_up_room(account, ROOM);
}

/* For writing seeds that answer what the account asked (before the input, and what
 * the input made it ask). */
static void
list_ids(LvXmppAccount *account, const char *when)
{
    GHashTableIter iter;
    gpointer id;

    if (account->iqs == NULL || g_getenv("FUZZ_DISPATCH_IDS") == NULL)
        return;
    g_hash_table_iter_init(&iter, account->iqs);
    while (g_hash_table_iter_next(&iter, &id, NULL))
        fprintf(stderr, "%s: pending request %s\n", when, (const char *)id);
    g_autofree LvXmppMamQuery *queries = lv_xmpp_mam_queries_for_parser(account);
    for (const LvXmppMamQuery *q = queries; q->query_id != NULL; q++)
        fprintf(stderr, "%s: MAM query %s of %s\n", when, q->query_id, q->archive_jid);
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
    list_ids(account, "before");
    feed_stream(account, (const char *)data, size);
    list_ids(account, "after");
    fuzz_account_free(account);
    while (g_main_context_iteration(main_context, FALSE))
        ;
    return 0;
}
