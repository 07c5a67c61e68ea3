/* lv-bench-sender: the sender of tests/bench/run-messages. Logs in with libstrophe
 * (TLS, no stream management: nothing kept for resending), turns its own archive
 * off (MAM preferences default="never": the server then archives each message once,
 * for the receiver, as it would from a remote sender; LV_BENCH_SENDER_ARCHIVE=1 keeps
 * it), then pushes COUNT chat
 * messages to TO as fast as the server reads them (a few dozen queued at a time,
 * so TCP back-pressure paces it), and finally pings the server: its answer comes
 * once the server has handled every message before it.
 *
 *   lv-bench-sender JID PASSWORD HOST PORT TO COUNT TAG [CA_FILE]
 *
 * Message i has the id TAG-i and the body "TAG i: …" (about 70 bytes). Prints
 *   SENT <count> <seconds to write them all> <seconds to the ping's answer> <cpu seconds>
 * (times from the first message; CPU user+system of this process while sending). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <strophe.h>

#include "lv-bench-clock.h"

#define QUEUED 64

typedef struct {
    xmpp_ctx_t *ctx;
    int connected, ended, answered, prefs_set;
} Sender;

static void
on_conn(xmpp_conn_t *conn, xmpp_conn_event_t event, int error, xmpp_stream_error_t *stream_error,
        void *userdata)
{
    Sender *sender = userdata;

    if (event == XMPP_CONN_CONNECT)
        sender->connected = 1;
    else
        sender->ended = 1;
}

static int
on_prefs(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
    const char *type = xmpp_stanza_get_type(stanza);

    if (type == NULL || strcmp(type, "result") != 0)
        fprintf(stderr, "lv-bench-sender: the MAM preferences were refused: the sender's "
                        "archive stays on\n");
    ((Sender *)userdata)->prefs_set = 1;
    return 0;
}

static int
on_pong(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
    ((Sender *)userdata)->answered = 1;
    return 0;
}

int
main(int argc, char **argv)
{
    if (argc < 8) {
        fprintf(stderr, "usage: lv-bench-sender JID PASSWORD HOST PORT TO COUNT TAG [CA_FILE]\n");
        return 2;
    }
    const char *to = argv[5];
    long count = atol(argv[6]);
    const char *tag = argv[7];
    Sender sender = { 0 };

    xmpp_initialize();
    sender.ctx = xmpp_ctx_new(NULL, NULL);
    xmpp_conn_t *conn = xmpp_conn_new(sender.ctx);
    xmpp_conn_set_flags(conn, XMPP_CONN_FLAG_MANDATORY_TLS | XMPP_CONN_FLAG_DISABLE_SM);
    xmpp_conn_set_jid(conn, argv[1]);
    xmpp_conn_set_pass(conn, argv[2]);
    if (argc > 8)
        xmpp_conn_set_cafile(conn, argv[8]);
    if (xmpp_connect_client(conn, argv[3], (unsigned short)atoi(argv[4]), on_conn, &sender) !=
        XMPP_EOK) {
        fprintf(stderr, "lv-bench-sender: cannot connect\n");
        return 1;
    }
    while (!sender.connected && !sender.ended)
        xmpp_run_once(sender.ctx, 10);
    if (sender.ended) {
        fprintf(stderr, "lv-bench-sender: login failed\n");
        return 1;
    }
    if (getenv("LV_BENCH_SENDER_ARCHIVE") != NULL)
        sender.prefs_set = 1;
    else
        xmpp_id_handler_add(conn, on_prefs, "lv-bench-prefs", &sender);
    if (!sender.prefs_set)
        xmpp_send_raw_string(conn, "<iq type='set' id='lv-bench-prefs'><prefs "
                                   "xmlns='urn:xmpp:mam:2' default='never'/></iq>");
    while (!sender.prefs_set && !sender.ended)
        xmpp_run_once(sender.ctx, 10);

    double start = lv_bench_now();
    double cpu_start = lv_bench_cpu_seconds();
    char buffer[512];
    for (long i = 0; i < count && !sender.ended;) {
        while (i < count && xmpp_conn_send_queue_len(conn) < QUEUED) {
            int n = snprintf(buffer, sizeof buffer,
                             "<message to='%s' type='chat' id='%s-%07ld'><body>%s %ld: the quick "
                             "brown fox jumps over the lazy dog</body></message>",
                             to, tag, i, tag, i);
            xmpp_send_raw(conn, buffer, (size_t)n);
            i++;
        }
        xmpp_run_once(sender.ctx, 1);
    }
    while (xmpp_conn_send_queue_len(conn) > 0 && !sender.ended)
        xmpp_run_once(sender.ctx, 1);
    double written = lv_bench_now() - start;

    xmpp_stanza_t *ping = xmpp_iq_new(sender.ctx, "get", "lv-bench-done");
    xmpp_stanza_t *child = xmpp_stanza_new(sender.ctx);
    xmpp_stanza_set_name(child, "ping");
    xmpp_stanza_set_ns(child, "urn:xmpp:ping");
    xmpp_stanza_add_child(ping, child);
    xmpp_stanza_release(child);
    xmpp_id_handler_add(conn, on_pong, "lv-bench-done", &sender);
    xmpp_send(conn, ping);
    xmpp_stanza_release(ping);
    while (!sender.answered && !sender.ended)
        xmpp_run_once(sender.ctx, 10);
    double answered = lv_bench_now() - start;
    double cpu = lv_bench_cpu_seconds() - cpu_start;
    if (sender.ended) {
        fprintf(stderr, "lv-bench-sender: the connection ended\n");
        return 1;
    }
    printf("SENT %ld %.6f %.6f %.6f\n", count, written, answered, cpu);
    fflush(stdout);
    xmpp_disconnect(conn);
    while (!sender.ended)
        xmpp_run_once(sender.ctx, 10);
    xmpp_conn_release(conn);
    xmpp_ctx_free(sender.ctx);
    xmpp_shutdown();
    return 0;
}
