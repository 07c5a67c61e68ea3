/* li-cmd-file: `li file upload` and `li file get`, as in Libervia's CLI.
 *
 * Both start a transfer in the backend and wait for its progressFinished or
 * progressError signal (subscribed before the call, so none is missed). `upload`
 * then sends the URL to the JID as a message with the URL attached (XEP-0066)
 * through messageSend, so it is stored like any message we send, and prints the
 * URL. -P draws a progress bar on a terminal from progressGet, polled at 4 Hz.
 */
#include "li-cmd-file.h"

#include <stdio.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "li-context.h"
#include "lv-error.h"

typedef struct {
    guint subscription;
    char *progress_id; /* once the call answered */
    GHashTable *ended; /* id → GVariant (metadata a{ss}) or error string, seen early */
    guint bar_timer;
    gboolean bar_drawn;
    void (*finished)(LiContext *ctx, GVariant *metadata); /* what follows success */
} Transfer;

static void
transfer_free(gpointer data)
{
    Transfer *transfer = data;

    g_clear_handle_id(&transfer->bar_timer, g_source_remove);
    g_free(transfer->progress_id);
    g_hash_table_unref(transfer->ended);
    g_free(transfer);
}

static Transfer *
transfer_of(LiContext *ctx)
{
    return ctx->data;
}

static void
end_bar(Transfer *transfer)
{
    g_clear_handle_id(&transfer->bar_timer, g_source_remove);
    if (transfer->bar_drawn) {
        fputc('\n', stderr);
        transfer->bar_drawn = FALSE;
    }
}

/* The end of the transfer: @metadata (a{ss}) or @error. */
static void
transfer_ended(LiContext *ctx, GVariant *metadata, const char *error)
{
    Transfer *transfer = transfer_of(ctx);

    end_bar(transfer);
    if (ctx->bridge != NULL && transfer->subscription != 0) {
        lv_bridge_signal_unsubscribe(ctx->bridge, transfer->subscription);
        transfer->subscription = 0;
    }
    if (error != NULL) {
        fprintf(stderr, "%s\n", error);
        li_context_done(ctx, 1);
        return;
    }
    transfer->finished(ctx, metadata);
}

static void
on_signal(LvBridge *bridge, const char *name, GVariant *params, gpointer user_data)
{
    LiContext *ctx = user_data;
    Transfer *transfer = transfer_of(ctx);
    const char *id = NULL, *profile = NULL, *error = NULL;
    g_autoptr(GVariant) metadata = NULL;

    if (g_str_equal(name, "progressFinished"))
        g_variant_get(params, "(&s@a{ss}&s)", &id, &metadata, &profile);
    else if (g_str_equal(name, "progressError"))
        g_variant_get(params, "(&s&s&s)", &id, &error, &profile);
    else
        return;
    if (g_strcmp0(profile, ctx->profile) != 0)
        return;
    if (transfer->progress_id == NULL) {
        /* Before the call's answer: kept until we know which is ours. */
        g_hash_table_insert(transfer->ended, g_strdup(id),
                            metadata != NULL ? g_variant_ref(metadata)
                                             : g_variant_ref_sink(g_variant_new_string(error)));
        return;
    }
    if (g_str_equal(id, transfer->progress_id))
        transfer_ended(ctx, metadata, error);
}

static void
draw_bar(guint64 position, guint64 size)
{
    const int width = 30;
    int filled = size > 0 ? (int)(position * width / size) : 0;
    char bar[32];

    for (int i = 0; i < width; i++)
        bar[i] = i < filled ? '#' : '-';
    bar[width] = '\0';
    if (size > 0)
        fprintf(stderr, "\r[%s] %3d%% %.1f/%.1f MB", bar, (int)(position * 100 / size),
                position / 1e6, size / 1e6);
    else
        fprintf(stderr, "\r[%s] %.1f MB", bar, position / 1e6);
    fflush(stderr);
}

static void
on_progress(GObject *source, GAsyncResult *result, gpointer user_data)
{
    LiContext *ctx = user_data;
    Transfer *transfer = ctx->done ? NULL : transfer_of(ctx);
    g_autoptr(GVariant) reply = lv_bridge_call_finish(ctx->bridge, result, NULL);
    const char *position = NULL, *size = NULL;

    if (reply == NULL || transfer == NULL || transfer->bar_timer == 0)
        return;
    g_autoptr(GVariant) dict = g_variant_get_child_value(reply, 0);
    if (!g_variant_lookup(dict, "position", "&s", &position))
        return;
    if (!g_variant_lookup(dict, "size", "&s", &size))
        size = "0";
    draw_bar(g_ascii_strtoull(position, NULL, 10), g_ascii_strtoull(size, NULL, 10));
    transfer->bar_drawn = TRUE;
}

static gboolean
poll_progress(gpointer user_data)
{
    LiContext *ctx = user_data;
    Transfer *transfer = transfer_of(ctx);

    lv_bridge_call(ctx->bridge, "progressGet",
                   g_variant_new("(ss)", transfer->progress_id, ctx->profile), NULL, on_progress,
                   ctx);
    return G_SOURCE_CONTINUE;
}

/* The call answered with the id: its end may already be known. */
static void
follow(LiContext *ctx, const char *id)
{
    Transfer *transfer = transfer_of(ctx);
    GVariant *early = NULL;

    transfer->progress_id = g_strdup(id);
    if (g_hash_table_lookup_extended(transfer->ended, id, NULL, (gpointer *)&early)) {
        gboolean failed = g_variant_is_of_type(early, G_VARIANT_TYPE_STRING);
        transfer_ended(ctx, failed ? NULL : early,
                       failed ? g_variant_get_string(early, NULL) : NULL);
        return;
    }
    if (li_parsed_get_count(ctx->parsed, "progress") > 0 && isatty(STDERR_FILENO))
        transfer->bar_timer = g_timeout_add(250, poll_progress, ctx);
}

static Transfer *
transfer_new(LiContext *ctx, void (*finished)(LiContext *, GVariant *))
{
    Transfer *transfer = g_new0(Transfer, 1);

    transfer->ended =
            g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_variant_unref);
    transfer->finished = finished;
    ctx->data = transfer;
    ctx->data_free = transfer_free;
    transfer->subscription = lv_bridge_signal_subscribe(ctx->bridge, on_signal, ctx, NULL);
    return transfer;
}

/* ---- upload ---- */

static void
on_sent(LiContext *ctx, GVariant *reply)
{
    li_context_done(ctx, 0);
}

static void
on_uploaded(LiContext *ctx, GVariant *metadata)
{
    const char *url = NULL;
    const char *jid = li_parsed_get_positionals(ctx->parsed)[1];

    if (!g_variant_lookup(metadata, "url", "&s", &url)) {
        fprintf(stderr, "the backend gave no URL for the upload\n");
        li_context_done(ctx, 1);
        return;
    }
    printf("%s\n", url);
    fflush(stdout);
    if (jid == NULL) {
        li_context_done(ctx, 0);
        return;
    }
    g_autoptr(JsonBuilder) builder = json_builder_new();
    json_builder_begin_object(builder);
    json_builder_set_member_name(builder, "oob_url");
    json_builder_add_string_value(builder, url);
    json_builder_end_object(builder);
    g_autoptr(JsonNode) root = json_builder_get_root(builder);
    g_autofree char *extra = json_to_string(root, FALSE);
    GVariantBuilder body;
    g_variant_builder_init(&body, G_VARIANT_TYPE("a{ss}"));
    g_variant_builder_add(&body, "{ss}", "", url);
    li_context_call(ctx, "messageSend",
                    g_variant_new("(s@a{ss}@a{ss}sss)", jid, g_variant_builder_end(&body),
                                  g_variant_new_array(G_VARIANT_TYPE("{ss}"), NULL, 0), "auto",
                                  extra, ctx->profile),
                    on_sent);
}

static void
on_upload_started(LiContext *ctx, GVariant *reply)
{
    g_autoptr(GVariant) data = g_variant_get_child_value(reply, 0);
    const char *id = NULL;

    if (!g_variant_lookup(data, "progress", "&s", &id)) {
        fprintf(stderr, "the backend gave no progress id for the upload\n");
        li_context_done(ctx, 1);
        return;
    }
    follow(ctx, id);
}

static void
on_upload_profile(LiContext *ctx, GVariant *reply)
{
    const char *file = li_parsed_get_positionals(ctx->parsed)[0];
    g_autofree char *path = g_canonicalize_filename(file, NULL);
    gboolean ignore_tls = li_parsed_get_count(ctx->parsed, "ignore-tls-errors") > 0;

    transfer_new(ctx, on_uploaded);
    li_context_call(ctx, "fileUpload",
                    g_variant_new("(sssss)", path, "", "",
                                  ignore_tls ? "{\"ignore_tls_errors\": true}" : "{}",
                                  ctx->profile),
                    on_upload_started);
}

static void
file_upload(LiContext *ctx)
{
    if (li_parsed_get_count(ctx->parsed, "encrypt") > 0) {
        li_context_fail(ctx, g_error_new(LV_ERROR, LV_ERROR_INVALID_ARGUMENT,
                                         "encrypted upload is not supported yet"));
        return;
    }
    li_context_use_profile(ctx, on_upload_profile);
}

/* ---- get ---- */

static void
on_downloaded(LiContext *ctx, GVariant *metadata)
{
    const char *path = NULL;

    if (g_variant_lookup(metadata, "path", "&s", &path))
        printf("%s\n", path);
    li_context_done(ctx, 0);
}

static void
on_download_started(LiContext *ctx, GVariant *reply)
{
    const char *id = NULL;

    g_variant_get(reply, "(&s)", &id);
    follow(ctx, id);
}

static void
on_get_profile(LiContext *ctx, GVariant *reply)
{
    const char *url = li_parsed_get_positionals(ctx->parsed)[0];
    const char *dest = li_parsed_get_string(ctx->parsed, "dest-file");
    g_autofree char *dest_path = dest != NULL ? g_canonicalize_filename(dest, NULL) : NULL;
    g_autoptr(JsonBuilder) builder = json_builder_new();

    json_builder_begin_object(builder);
    json_builder_set_member_name(builder, "uri");
    json_builder_add_string_value(builder, url);
    json_builder_end_object(builder);
    g_autoptr(JsonNode) root = json_builder_get_root(builder);
    g_autofree char *attachment = json_to_string(root, FALSE);
    g_autofree char *extra = g_strdup_printf(
            "{\"force\": %s, \"ignore_tls_errors\": %s}",
            li_parsed_get_count(ctx->parsed, "force") > 0 ? "true" : "false",
            li_parsed_get_count(ctx->parsed, "ignore-tls-errors") > 0 ? "true" : "false");

    transfer_new(ctx, on_downloaded);
    li_context_call(ctx, "fileDownload",
                    g_variant_new("(ssss)", attachment, dest_path != NULL ? dest_path : "", extra,
                                  ctx->profile),
                    on_download_started);
}

static void
file_get(LiContext *ctx)
{
    li_context_use_profile(ctx, on_get_profile);
}

static const LiOption upload_options[] = {
    { 'e', "encrypt", NULL, NULL, "encrypt file using OMEMO if possible (not supported yet)" },
    { 0, "ignore-tls-errors", NULL, NULL,
      "ignore an invalid TLS certificate (dangerous: the transfer is not protected)" },
    { 'P', "progress", NULL, NULL, "display a progress bar (on a terminal)" },
    { 0 },
};
static const LiPositional upload_positionals[] = {
    { "file", "file to upload" },
    { "jid", "jid to send the URL to (nothing: only print it)", TRUE },
    { 0 },
};
static const LiCommand upload_command = {
    "upload",
    "upload a file (HTTP File Upload) and send its URL",
    LI_SHARED_PROFILE | LI_SHARED_CONNECT | LI_SHARED_VERBOSE,
    NULL,
    upload_options,
    upload_positionals,
    file_upload,
};

static const LiOption get_options[] = {
    { 'o', "dest-file", NULL, "DEST_FILE",
      "destination file (DEFAULT: the name from the server, in downloads_dir)" },
    { 'f', "force", NULL, NULL, "overwrite existing file without confirmation" },
    { 0, "ignore-tls-errors", NULL, NULL,
      "ignore an invalid TLS certificate (dangerous: the transfer is not protected)" },
    { 'P', "progress", NULL, NULL, "display a progress bar (on a terminal)" },
    { 0 },
};
static const LiPositional get_positionals[] = { { "attachment", "URI of the file to retrieve" },
                                                { 0 } };
static const LiCommand get_command = {
    "get",
    "download a file from URI",
    LI_SHARED_PROFILE | LI_SHARED_CONNECT | LI_SHARED_VERBOSE,
    NULL,
    get_options,
    get_positionals,
    file_get,
};

static const LiCommand *const commands[] = { &get_command, &upload_command, NULL };

const LiGroup li_cmd_file = {
    "file",
    "files sending/receiving/management",
    NULL,
    commands,
};
