/* lv-bench-bare-client: the limit of tests/bench/run-messages. A bare libstrophe
 * receiver, with libstrophe's defaults as the backend uses them (mandatory TLS,
 * stream management when offered): it logs in, sends presence, prints READY, and
 * only counts the incoming messages with a body until COUNT. Nothing is parsed
 * beyond the <body/>, nothing is stored.
 *
 *   lv-bench-bare-client JID PASSWORD HOST PORT COUNT [CA_FILE]
 *
 * Prints, once COUNT messages came:
 *   RESULT <count> <seconds from the first to the last> <messages/s> <cpu seconds>
 * where the CPU time (user+system) is this process's during the burst. Exits 1 on a
 * failed connection. The CA is OpenSSL's default (SSL_CERT_FILE) without CA_FILE. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <strophe.h>

#include "lv-bench-clock.h"

typedef struct {
    xmpp_ctx_t *ctx;
    long wanted;
    long count;
    double first, last;
    double cpu_first;
    int failed;
} Counter;

static int
on_message(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
    Counter *counter = userdata;

    if (xmpp_stanza_get_child_by_name(stanza, "body") == NULL)
        return 1;
    counter->last = lv_bench_now();
    if (counter->count++ == 0) {
        counter->first = counter->last;
        counter->cpu_first = lv_bench_cpu_seconds();
    }
    if (counter->count == counter->wanted) {
        double seconds = counter->last - counter->first;
        printf("RESULT %ld %.6f %.1f %.6f\n", counter->count, seconds,
               seconds > 0 ? (double)(counter->count - 1) / seconds : 0.0,
               lv_bench_cpu_seconds() - counter->cpu_first);
        fflush(stdout);
        xmpp_disconnect(conn);
    }
    return 1;
}

static void
on_conn(xmpp_conn_t *conn, xmpp_conn_event_t event, int error, xmpp_stream_error_t *stream_error,
        void *userdata)
{
    Counter *counter = userdata;

    if (event == XMPP_CONN_CONNECT) {
        xmpp_handler_add(conn, on_message, NULL, "message", NULL, counter);
        xmpp_stanza_t *presence = xmpp_presence_new(counter->ctx);
        xmpp_send(conn, presence);
        xmpp_stanza_release(presence);
        printf("READY\n");
        fflush(stdout);
        return;
    }
    if (counter->count < counter->wanted) {
        fprintf(stderr, "lv-bench-bare-client: connection ended after %ld messages (error %d)\n",
                counter->count, error);
        counter->failed = 1;
    }
    xmpp_stop(counter->ctx);
}

int
main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: lv-bench-bare-client JID PASSWORD HOST PORT COUNT [CA_FILE]\n");
        return 2;
    }
    Counter counter = { .wanted = atol(argv[5]) };

    xmpp_initialize();
    counter.ctx = xmpp_ctx_new(NULL, NULL);
    xmpp_conn_t *conn = xmpp_conn_new(counter.ctx);
    xmpp_conn_set_flags(conn, XMPP_CONN_FLAG_MANDATORY_TLS);
    xmpp_conn_set_jid(conn, argv[1]);
    xmpp_conn_set_pass(conn, argv[2]);
    if (argc > 6)
        xmpp_conn_set_cafile(conn, argv[6]);
    if (xmpp_connect_client(conn, argv[3], (unsigned short)atoi(argv[4]), on_conn, &counter) !=
        XMPP_EOK) {
        fprintf(stderr, "lv-bench-bare-client: cannot connect\n");
        return 1;
    }
    xmpp_run(counter.ctx);
    xmpp_conn_release(conn);
    xmpp_ctx_free(counter.ctx);
    xmpp_shutdown();
    return counter.failed || counter.count < counter.wanted;
}
