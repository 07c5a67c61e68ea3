/* lv-xmpp-account-keepalive: dead-stream detection for an account, in its thread.
 *
 * A path that silently stops carrying bytes (a NAT that forgot us, a cable pulled
 * on the far side) leaves the socket open: nothing would ever wake us. So one timer
 * per socket watches for silence: after keepalive_interval seconds without a byte
 * from the server we ping it (XEP-0199); if keepalive_timeout more seconds bring
 * nothing, the stream is declared dead and the socket shut, which makes libstrophe
 * end the session as a lost one (resumable: XEP-0198 then MAM do the rest). While
 * logging in, keepalive_timeout seconds of silence are enough: a handshake is a few
 * quick round trips, and libstrophe 0.12 has no timer of its own past the TCP
 * connect.
 *
 * Any inbound data counts as a sign of life, so a busy stream never pings, and the
 * timer is not moved on each read: it only looks at the time of the last one when
 * it fires. An idle account wakes once per interval.
 *
 * A change of the machine's network (lv_xmpp_account_network_changed: a route or
 * an address came or went) may have left the stream on a path that is gone: rather
 * than waiting up to a whole interval for the silence to show, the server is
 * pinged at once and given NETWORK_PROBE_S to answer (a live path answers in a
 * round trip); no answer and the stream is declared dead, and the reconnection
 * resumes it (XEP-0198) on the new path.
 */
#include <string.h>
#include <sys/socket.h>

#include "lv-xmpp-account-private.h"
#include "lv-xmpp-features.h"
#include "lv-xmpp-iq.h"

#define DEFAULT_INTERVAL_S 60
#define DEFAULT_TIMEOUT_S 15
#define NETWORK_PROBE_S 5

G_LOCK_DEFINE_STATIC(settings_lock);
static guint interval_s = DEFAULT_INTERVAL_S; /* under settings_lock */
static guint timeout_s = DEFAULT_TIMEOUT_S;   /* under settings_lock */

typedef struct {
    GSource *timer;
    int fd;
    gint64 last_heard; /* monotonic µs */
    gint64 ping_at;    /* monotonic µs of the ping in flight, 0: none */
    gint64 ping_wait;  /* µs that ping is given for an answer */
} Keepalive;

void
lv_xmpp_account_set_keepalive(guint interval, guint timeout)
{
    G_LOCK(settings_lock);
    interval_s = interval > 0 ? interval : DEFAULT_INTERVAL_S;
    timeout_s = timeout > 0 ? timeout : DEFAULT_TIMEOUT_S;
    G_UNLOCK(settings_lock);
}

static void
get_settings(guint *interval, guint *timeout)
{
    G_LOCK(settings_lock);
    *interval = interval_s;
    *timeout = timeout_s;
    G_UNLOCK(settings_lock);
}

static void
arm(Keepalive *keepalive, gint64 at)
{
    g_source_set_ready_time(keepalive->timer, at);
}

static void
on_pong(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error, gpointer user_data)
{
    /* The bytes of the answer already counted as a sign of life. */
}

/* Pings the server now and gives the stream @wait_us to answer. */
static void
send_ping(LvXmppAccount *account, Keepalive *keepalive, gint64 now, gint64 wait_us)
{
    const char *domain = account->own_bare != NULL ? strchr(account->own_bare, '@') : NULL;
    xmpp_stanza_t *iq = lv_xmpp_iq_new(account, "get", domain != NULL ? domain + 1 : NULL);

    keepalive->ping_at = now;
    keepalive->ping_wait = wait_us;
    arm(keepalive, now + wait_us);
    lv_xmpp_add_child(iq, "ping", LV_NS_PING);
    g_debug("%s: pinging the server", account->profile);
    lv_xmpp_iq_request(account, iq, on_pong, NULL, NULL);
    xmpp_stanza_release(iq);
    lv_xmpp_account_drain(account);
}

/* Shutting the socket down wakes its watch with an end of file: libstrophe then
 * ends the connection the way a reset would, keeping its stream-management state. */
static void
declare_dead(LvXmppAccount *account, Keepalive *keepalive, guint silent_s)
{
    g_message("%s: no data from the server for %u s: the connection is considered lost",
              account->profile, silent_s);
    account->dead_stream = TRUE;
    arm(keepalive, -1);
    shutdown(keepalive->fd, SHUT_RDWR);
    lv_xmpp_account_drain(account);
}

static gboolean
on_timer(GSource *source, GSourceFunc callback, gpointer user_data)
{
    LvXmppAccount *account = user_data;
    Keepalive *keepalive = account->keepalive;
    guint interval = 0, timeout = 0;
    gint64 now = g_get_monotonic_time();

    get_settings(&interval, &timeout);
    gint64 interval_us = (gint64)interval * G_USEC_PER_SEC;
    gint64 timeout_us = (gint64)timeout * G_USEC_PER_SEC;
    gint64 waiting_since = keepalive->ping_at > 0 ? keepalive->ping_at : keepalive->last_heard;
    gint64 wait_us = keepalive->ping_at > 0 ? keepalive->ping_wait : timeout_us;

    if (keepalive->ping_at > 0 || !account->session) {
        if (now - waiting_since >= wait_us)
            declare_dead(account, keepalive,
                         (guint)((now - keepalive->last_heard) / G_USEC_PER_SEC));
        else
            arm(keepalive, waiting_since + wait_us);
        return G_SOURCE_CONTINUE;
    }
    if (now - keepalive->last_heard < interval_us) {
        arm(keepalive, keepalive->last_heard + interval_us);
        return G_SOURCE_CONTINUE;
    }
    g_debug("%s: the stream is quiet", account->profile);
    send_ping(account, keepalive, now, timeout_us);
    return G_SOURCE_CONTINUE;
}

static gboolean
probe_after_network_change(gpointer data)
{
    LvXmppAccount *account = data;
    Keepalive *keepalive = account->keepalive;
    guint interval = 0, timeout = 0;

    /* Logging in has its own short deadline; a ping in flight already probes. */
    if (keepalive == NULL || !account->session || account->dead_stream)
        return G_SOURCE_REMOVE;
    get_settings(&interval, &timeout);
    gint64 now = g_get_monotonic_time();
    gint64 wait_us = (gint64)MIN(timeout, NETWORK_PROBE_S) * G_USEC_PER_SEC;
    if (keepalive->ping_at > 0) {
        /* Its deadline may be a full keepalive_timeout away: bring it nearer. */
        keepalive->ping_wait = MIN(keepalive->ping_wait, now - keepalive->ping_at + wait_us);
        arm(keepalive, keepalive->ping_at + keepalive->ping_wait);
        return G_SOURCE_REMOVE;
    }
    g_info("%s: the network changed: checking the stream", account->profile);
    send_ping(account, keepalive, now, wait_us);
    return G_SOURCE_REMOVE;
}

void
lv_xmpp_account_network_changed(LvXmppAccount *account)
{
    lv_xmpp_account_invoke(account, probe_after_network_change, lv_xmpp_account_ref(account),
                           (GDestroyNotify)lv_xmpp_account_unref);
}

static GSourceFuncs timer_funcs = { NULL, NULL, on_timer, NULL, NULL, NULL };

void
lv_xmpp_keepalive_watch(LvXmppAccount *account, int fd)
{
    guint interval = 0, timeout = 0;
    Keepalive *keepalive = g_new0(Keepalive, 1);

    lv_xmpp_keepalive_stop(account);
    get_settings(&interval, &timeout);
    keepalive->fd = fd;
    keepalive->last_heard = g_get_monotonic_time();
    keepalive->timer = g_source_new(&timer_funcs, sizeof(GSource));
    g_source_set_callback(keepalive->timer, NULL, account, NULL);
    /* Logging in: the shorter wait; the timer picks the interval once in session. */
    arm(keepalive, keepalive->last_heard + (gint64)timeout * G_USEC_PER_SEC);
    g_source_attach(keepalive->timer, account->context);
    account->keepalive = keepalive;
}

void
lv_xmpp_keepalive_heard(LvXmppAccount *account)
{
    Keepalive *keepalive = account->keepalive;

    if (keepalive == NULL)
        return;
    keepalive->last_heard = g_get_monotonic_time();
    if (keepalive->ping_at == 0)
        return;
    /* The answer: the next check is a whole interval away, not at the ping's deadline. */
    guint interval = 0, timeout = 0;
    get_settings(&interval, &timeout);
    keepalive->ping_at = 0;
    arm(keepalive, keepalive->last_heard + (gint64)interval * G_USEC_PER_SEC);
}

void
lv_xmpp_keepalive_stop(LvXmppAccount *account)
{
    Keepalive *keepalive = account->keepalive;

    if (keepalive == NULL)
        return;
    g_source_destroy(keepalive->timer);
    g_source_unref(keepalive->timer);
    g_free(keepalive);
    account->keepalive = NULL;
}
