/* li-cmd-message: the `message` command group.
 *
 * `send` reads the message from standard input, as Libervia's CLI does; `history`
 * (beyond Libervia 0.9, which has none) reads the local history; `monitor` prints
 * every messageNew signal as one JSON line, for scripts, and the backend's notes
 * (actionNew with an XMLUI note, e.g. "the disk is full") on standard error, where
 * they do not break the JSON lines.
 */
#include "li-cmd-message.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "li-output.h"
#include "lv-error.h"
#include "lv-xmlui.h"

static const char *
target_jid(LiContext *ctx)
{
    return li_parsed_get_positionals(ctx->parsed)[0];
}

static void
done(LiContext *ctx, GVariant *reply)
{
    li_context_done(ctx, 0);
}

/* All of standard input (transfer full); NULL and an error if it is not text. */
static char *
read_stdin(GError **error)
{
    GString *text = g_string_new(NULL);
    char buffer[4096];
    size_t n = 0;

    while ((n = fread(buffer, 1, sizeof buffer, stdin)) > 0)
        g_string_append_len(text, buffer, (gssize)n);
    if (!g_utf8_validate_len(text->str, text->len, NULL)) {
        g_set_error_literal(error, LV_ERROR, LV_ERROR_DATA,
                            "the message read from standard input is not UTF-8 text");
        g_string_free(text, TRUE);
        return NULL;
    }
    return g_string_free(text, FALSE);
}

static GVariant *
texts(const char *lang, const char *text)
{
    GVariantBuilder builder;

    g_variant_builder_init(&builder, G_VARIANT_TYPE("a{ss}"));
    if (text != NULL && text[0] != '\0')
        g_variant_builder_add(&builder, "{ss}", lang != NULL ? lang : "", text);
    return g_variant_builder_end(&builder);
}

typedef struct {
    char **parts; /* the messages left to send */
    guint next;
} SendState;

static void
send_state_free(gpointer data)
{
    SendState *state = data;

    g_strfreev(state->parts);
    g_free(state);
}

static void send_next(LiContext *ctx, GVariant *reply);

static void
send_next(LiContext *ctx, GVariant *reply)
{
    SendState *state = ctx->data;
    const char *lang = li_parsed_get_string(ctx->parsed, "lang");
    const char *subject = li_parsed_get_string(ctx->parsed, "subject");
    const char *subject_lang = li_parsed_get_string(ctx->parsed, "subject-lang");
    const char *type = li_parsed_get_string(ctx->parsed, "type");

    while (state->parts[state->next] != NULL && state->parts[state->next][0] == '\0')
        state->next++;
    if (state->parts[state->next] == NULL) {
        li_context_done(ctx, 0);
        return;
    }
    const char *body = state->parts[state->next++];
    /* The subject goes with the first message only. */
    li_context_call(ctx, "messageSend",
                    g_variant_new("(s@a{ss}@a{ss}sss)", target_jid(ctx), texts(lang, body),
                                  texts(subject_lang, state->next == 1 ? subject : NULL),
                                  type != NULL ? type : "auto", "{}", ctx->profile),
                    send_next);
}

static void
on_send_profile(LiContext *ctx, GVariant *reply)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *input = read_stdin(&error);
    SendState *state = g_new0(SendState, 1);

    if (input == NULL) {
        li_context_fail(ctx, g_steal_pointer(&error));
        g_free(state);
        return;
    }
    g_strchomp(input); /* the final newline of a line typed or piped */
    if (li_parsed_get_count(ctx->parsed, "new-line") > 0) {
        char *with_newline = g_strconcat("\n", input, NULL);
        g_free(input);
        input = with_newline;
    }
    if (li_parsed_get_count(ctx->parsed, "separate") > 0)
        state->parts = g_strsplit(input, "\n", -1);
    else
        state->parts = g_strdupv((char *[]){ input, NULL });
    ctx->data = state;
    ctx->data_free = send_state_free;
    if (state->parts[0] == NULL || (state->parts[0][0] == '\0' && state->parts[1] == NULL &&
                                    li_parsed_get_string(ctx->parsed, "subject") == NULL)) {
        li_context_fail(ctx, g_error_new_literal(LV_ERROR, LV_ERROR_DATA,
                                                 "nothing to send: standard input was empty"));
        return;
    }
    send_next(ctx, NULL);
}

static void
message_send(LiContext *ctx)
{
    li_context_use_profile(ctx, on_send_profile);
}

/* ---- history ---- */

static const char *
text_of(GVariant *texts_by_lang)
{
    const char *text = NULL;

    if (g_variant_lookup(texts_by_lang, "", "&s", &text))
        return text;
    GVariantIter iter;
    const char *lang = NULL;
    g_variant_iter_init(&iter, texts_by_lang);
    return g_variant_iter_next(&iter, "{&s&s}", &lang, &text) ? text : "";
}

/* Control characters from the network are shown, never obeyed by the terminal. */
static char *
printable(const char *text)
{
    GString *out = g_string_new(NULL);

    for (const char *p = text; *p != '\0'; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (c == '\n')
            g_string_append(out, "\n\t"); /* no line of a message looks like a new one */
        else if (c == '\t')
            g_string_append_unichar(out, c);
        else if (c < 0x20 || c == 0x7f)
            g_string_append_printf(out, "^%c", (char)(c ^ 0x40));
        else if ((c >= 0x80 && c < 0xa0) || (c >= 0x202a && c <= 0x202e) ||
                 (c >= 0x2066 && c <= 0x2069))
            g_string_append_printf(out, "<U+%04X>", c);
        else
            g_string_append_unichar(out, c);
    }
    return g_string_free(out, FALSE);
}

static void
print_message_simple(GVariant *message)
{
    const char *uid = NULL, *from = NULL, *to = NULL, *type = NULL, *extra = NULL;
    double timestamp = 0;
    g_autoptr(GVariant) bodies = NULL;
    g_autoptr(GVariant) subjects = NULL;

    g_variant_get(message, "(&sd&s&s@a{ss}@a{ss}&s&s)", &uid, &timestamp, &from, &to, &bodies,
                  &subjects, &type, &extra);
    g_autoptr(GDateTime) when = g_date_time_new_from_unix_local((gint64)timestamp);
    g_autofree char *stamp = g_date_time_format(when, "%Y-%m-%d %H:%M:%S");
    g_autofree char *shown_from = printable(from);
    g_autofree char *body = printable(text_of(bodies));
    printf("[%s] %s: %s\n", stamp, shown_from, body);
}

static JsonNode *
texts_to_json(GVariant *texts_by_lang)
{
    g_autoptr(JsonBuilder) builder = json_builder_new();
    GVariantIter iter;
    const char *lang = NULL, *text = NULL;

    json_builder_begin_object(builder);
    g_variant_iter_init(&iter, texts_by_lang);
    while (g_variant_iter_next(&iter, "{&s&s}", &lang, &text)) {
        json_builder_set_member_name(builder, lang);
        json_builder_add_string_value(builder, text);
    }
    json_builder_end_object(builder);
    return json_builder_get_root(builder);
}

/* One message of historyGet or messageNew as a JSON object (transfer full). */
static JsonNode *
message_to_json(GVariant *message, const char *profile)
{
    const char *uid = NULL, *from = NULL, *to = NULL, *type = NULL, *extra = NULL;
    double timestamp = 0;
    g_autoptr(GVariant) bodies = NULL;
    g_autoptr(GVariant) subjects = NULL;
    g_autoptr(JsonBuilder) builder = json_builder_new();

    g_variant_get(message, "(&sd&s&s@a{ss}@a{ss}&s&s)", &uid, &timestamp, &from, &to, &bodies,
                  &subjects, &type, &extra);
    json_builder_begin_object(builder);
    json_builder_set_member_name(builder, "uid");
    json_builder_add_string_value(builder, uid);
    json_builder_set_member_name(builder, "timestamp");
    json_builder_add_double_value(builder, timestamp);
    json_builder_set_member_name(builder, "from");
    json_builder_add_string_value(builder, from);
    json_builder_set_member_name(builder, "to");
    json_builder_add_string_value(builder, to);
    json_builder_set_member_name(builder, "message");
    json_builder_add_value(builder, texts_to_json(bodies));
    json_builder_set_member_name(builder, "subject");
    json_builder_add_value(builder, texts_to_json(subjects));
    json_builder_set_member_name(builder, "type");
    json_builder_add_string_value(builder, type);
    json_builder_set_member_name(builder, "extra");
    JsonNode *extra_node = json_from_string(extra, NULL);
    json_builder_add_value(builder,
                           extra_node != NULL ? extra_node : json_node_new(JSON_NODE_NULL));
    if (profile != NULL) {
        json_builder_set_member_name(builder, "profile");
        json_builder_add_string_value(builder, profile);
    }
    json_builder_end_object(builder);
    return json_builder_get_root(builder);
}

static void
on_history(LiContext *ctx, GVariant *reply)
{
    g_autoptr(GVariant) messages = g_variant_get_child_value(reply, 0);
    GVariantIter iter;
    GVariant *message = NULL;

    if (g_strcmp0(ctx->output, "simple") == 0) {
        g_variant_iter_init(&iter, messages);
        while ((message = g_variant_iter_next_value(&iter)) != NULL) {
            print_message_simple(message);
            g_variant_unref(message);
        }
        li_context_done(ctx, 0);
        return;
    }
    g_autoptr(JsonArray) array = json_array_new();
    g_variant_iter_init(&iter, messages);
    while ((message = g_variant_iter_next_value(&iter)) != NULL) {
        json_array_add_element(array, message_to_json(message, NULL));
        g_variant_unref(message);
    }
    g_autoptr(JsonNode) node = json_node_init_array(json_node_alloc(), array);
    li_output_json(ctx, node);
    li_context_done(ctx, 0);
}

static void
on_history_profile(LiContext *ctx, GVariant *reply)
{
    const char *max = li_parsed_get_string(ctx->parsed, "max");
    const char *search = li_parsed_get_string(ctx->parsed, "search");
    char *end = NULL;
    gint64 limit = g_ascii_strtoll(max, &end, 10);
    GVariantBuilder filters;

    if (end == max || *end != '\0' || limit < -1 || limit > G_MAXINT32) {
        li_context_fail(ctx, g_error_new(LV_ERROR, LV_ERROR_INVALID_ARGUMENT,
                                         "-m/--max wants a number of messages, not %s", max));
        return;
    }
    g_variant_builder_init(&filters, G_VARIANT_TYPE("a{ss}"));
    if (search != NULL)
        g_variant_builder_add(&filters, "{ss}", "search", search);
    li_context_call(ctx, "historyGet",
                    g_variant_new("(ssiba{ss}s)", target_jid(ctx), "", (gint32)limit, TRUE,
                                  &filters, ctx->profile),
                    on_history);
}

static void
message_history(LiContext *ctx)
{
    li_context_use_profile(ctx, on_history_profile);
}

/* ---- mam ---- */

/* A date of -S/-E: Unix seconds, or ISO 8601 ("2026-11-30", "2026-11-30T10:00",
 * local time unless a zone is given); -1 if it does not parse. */
static double
parse_date(const char *text)
{
    char *end = NULL;
    double seconds = g_ascii_strtod(text, &end);

    if (end != text && *end == '\0')
        return seconds;
    g_autoptr(GTimeZone) local = g_time_zone_new_local();
    g_autofree char *full = strchr(text, 'T') == NULL && strlen(text) == 10
                                    ? g_strconcat(text, "T00:00:00", NULL)
                                    : g_strdup(text);
    g_autoptr(GDateTime) when = g_date_time_new_from_iso8601(full, local);
    return when != NULL ? (double)g_date_time_to_unix(when) : -1;
}

static void
on_mam(LiContext *ctx, GVariant *reply)
{
    g_autoptr(GVariant) messages = NULL;
    const char *metadata = NULL, *profile = NULL;

    g_variant_get(reply, "((@a(sdssa{ss}a{ss}ss)&s&s))", &messages, &metadata, &profile);
    g_autoptr(GVariant) wrapped = g_variant_ref_sink(g_variant_new_tuple(&messages, 1));
    if (li_parsed_get_count(ctx->parsed, "verbose") > 0)
        g_printerr("%s\n", metadata);
    on_history(ctx, wrapped);
}

static void
on_mam_profile(LiContext *ctx, GVariant *reply)
{
    static const char *const dates[] = { "start", "end" };
    static const char *const rsm[] = { "max", "after", "before", "index" };
    g_autoptr(JsonBuilder) builder = json_builder_new();
    const char *service = li_parsed_get_string(ctx->parsed, "service");
    const char *with = li_parsed_get_string(ctx->parsed, "with");

    json_builder_begin_object(builder);
    for (gsize i = 0; i < G_N_ELEMENTS(dates); i++) {
        const char *text = li_parsed_get_string(ctx->parsed, dates[i]);
        if (text == NULL)
            continue;
        double when = parse_date(text);
        if (when < 0) {
            li_context_fail(ctx, g_error_new(LV_ERROR, LV_ERROR_INVALID_ARGUMENT,
                                             "--%s wants a date (2026-11-30, "
                                             "2026-11-30T10:00) or Unix seconds, not %s",
                                             dates[i], text));
            return;
        }
        g_autofree char *key = g_strconcat("mam_", dates[i], NULL);
        json_builder_set_member_name(builder, key);
        json_builder_add_double_value(builder, when);
    }
    if (with != NULL) {
        json_builder_set_member_name(builder, "mam_with");
        json_builder_add_string_value(builder, with);
    }
    for (gsize i = 0; i < G_N_ELEMENTS(rsm); i++) {
        const char *text = li_parsed_get_string(ctx->parsed, rsm[i]);
        if (text == NULL)
            continue;
        g_autofree char *key = g_strconcat("rsm_", rsm[i], NULL);
        json_builder_set_member_name(builder, key);
        json_builder_add_string_value(builder, text);
    }
    json_builder_end_object(builder);
    g_autoptr(JsonNode) root = json_builder_get_root(builder);
    g_autofree char *extra = json_to_string(root, FALSE);
    li_context_call(ctx, "MAMGet",
                    g_variant_new("(sss)", service != NULL ? service : "", extra, ctx->profile),
                    on_mam);
}

static void
message_mam(LiContext *ctx)
{
    li_context_use_profile(ctx, on_mam_profile);
}

/* ---- retract ---- */

static void
on_retract_profile(LiContext *ctx, GVariant *reply)
{
    li_context_call(ctx, "messageRetract", g_variant_new("(ss)", target_jid(ctx), ctx->profile),
                    done);
}

static void
message_retract(LiContext *ctx)
{
    li_context_use_profile(ctx, on_retract_profile);
}

/* ---- monitor ---- */

/* A backend note for the monitored profile: `level: title: message` on stderr;
 * other actions (dialogs that want an answer) are not the monitor's business. */
static void
print_note(LiContext *ctx, GVariant *params)
{
    g_autoptr(GVariant) data = NULL;
    const char *profile = NULL, *xmlui = NULL;
    g_autofree char *title = NULL, *message = NULL, *level = NULL;

    g_variant_get(params, "(@a{ss}&si&s)", &data, NULL, NULL, &profile);
    if ((ctx->profile != NULL && g_strcmp0(profile, ctx->profile) != 0) ||
        !g_variant_lookup(data, "xmlui", "&s", &xmlui) ||
        !lv_xmlui_note_parse(xmlui, &title, &message, &level, NULL))
        return;
    g_autofree char *safe_title = li_output_dup_safe(title);
    g_autofree char *safe_message = li_output_dup_safe(message);
    g_autofree char *safe_level = li_output_dup_safe(level);
    fprintf(stderr, "%s: %s%s%s\n", safe_level, safe_title, safe_title[0] != '\0' ? ": " : "",
            safe_message);
    fflush(stderr);
}

static void
on_signal(LvBridge *bridge, const char *name, GVariant *params, gpointer user_data)
{
    LiContext *ctx = user_data;

    if (g_str_equal(name, "actionNew")) {
        print_note(ctx, params);
        return;
    }
    if (!g_str_equal(name, "messageNew"))
        return;
    const char *uid = NULL, *from = NULL, *to = NULL, *type = NULL, *extra = NULL;
    const char *profile = NULL;
    double timestamp = 0;
    g_autoptr(GVariant) bodies = NULL;
    g_autoptr(GVariant) subjects = NULL;
    g_variant_get(params, "(&sd&s&s@a{ss}@a{ss}&s&s&s)", &uid, &timestamp, &from, &to, &bodies,
                  &subjects, &type, &extra, &profile);
    if (ctx->profile != NULL && g_strcmp0(profile, ctx->profile) != 0)
        return;
    g_autoptr(GVariant) message = g_variant_ref_sink(g_variant_new(
            "(sdss@a{ss}@a{ss}ss)", uid, timestamp, from, to, bodies, subjects, type, extra));
    g_autoptr(JsonNode) node = message_to_json(message, profile);
    g_autofree char *json = json_to_string(node, FALSE);
    g_autofree char *line = li_output_json_escape(json);
    printf("%s\n", line);
    fflush(stdout);
}

static void
on_monitor_profile(LiContext *ctx, GVariant *reply)
{
    lv_bridge_signal_subscribe(ctx->bridge, on_signal, ctx, NULL);
    /* Runs until interrupted: the run never calls li_context_done. */
}

static void
message_monitor(LiContext *ctx)
{
    li_context_use_profile(ctx, on_monitor_profile);
}

static const char *const types[] = { "auto",     "chat",   "error", "groupchat",
                                     "headline", "normal", NULL };

static const LiOption send_options[] = {
    { 'l', "lang", NULL, "LANG", "language of the message", NULL, "" },
    { 's', "separate", NULL, NULL,
      "separate xmpp messages: send one message per line instead of one message alone" },
    { 'n', "new-line", NULL, NULL,
      "add a new line at the beginning of the input (useful for ASCII art)" },
    { 'S', "subject", NULL, "SUBJECT", "subject of the message" },
    { 'L', "subject-lang", NULL, "SUBJECT_LANG", "language of the subject", NULL, "" },
    { 't', "type", NULL, "TYPE", "type of the message", types, "auto" },
    { 0 },
};
static const LiOption history_options[] = {
    { 'm', "max", NULL, "N", "the last N messages (-1: all)", NULL, "20" },
    { 0, "search", NULL, "TEXT", "only messages with these words (full-text search)" },
    { 0 },
};
static const LiOption mam_options[] = {
    { 's', "service", NULL, "SERVICE", "jid of the service (default: profile's server)" },
    { 'S', "start", NULL, "DATE", "start fetching archive from this date" },
    { 'E', "end", NULL, "DATE", "end fetching archive after this date" },
    { 'W', "with", NULL, "JID", "retrieve only archives with this jid" },
    { 'm', "max", NULL, "N", "maximum number of items to retrieve, using RSM", NULL, "20" },
    { 'a', "after", NULL, "ITEM_ID", "find page after this item" },
    { 'b', "before", NULL, "ITEM_ID", "find page before this item" },
    { 0, "index", NULL, "N", "index of the page to retrieve" },
    { 0 },
};
static const LiPositional jid_positional[] = { { "jid", "the JID of the recipient" }, { 0 } };
static const LiPositional with_positional[] = { { "jid", "the contact (bare JID)" }, { 0 } };
static const LiPositional uid_positional[] = { { "message_id", "uid of the message" }, { 0 } };
static const char *const monitor_outputs[] = { "json-raw", NULL };

static const LiCommand send_command = {
    "send",
    "send a message to a contact (read from standard input)",
    LI_SHARED_PROFILE | LI_SHARED_CONNECT,
    NULL,
    send_options,
    jid_positional,
    message_send,
};
static const LiCommand history_command = {
    "history",
    "show the history of the messages with a contact",
    LI_SHARED_PROFILE | LI_SHARED_CONNECT,
    li_output_list_formats,
    history_options,
    with_positional,
    message_history,
};
static const LiCommand retract_command = {
    "retract",      "retract a message", LI_SHARED_PROFILE | LI_SHARED_CONNECT, NULL, NULL,
    uid_positional, message_retract,
};
static const LiCommand monitor_command = {
    "monitor",
    "print every new message (sent or received) as a JSON line, and the backend's notes "
    "on standard error, until interrupted",
    LI_SHARED_PROFILE | LI_SHARED_CONNECT,
    monitor_outputs,
    NULL,
    NULL,
    message_monitor,
};

static const LiCommand mam_command = {
    "mam",
    "query archives using MAM",
    LI_SHARED_PROFILE | LI_SHARED_CONNECT | LI_SHARED_VERBOSE,
    li_output_list_formats,
    mam_options,
    NULL,
    message_mam,
};

static const LiCommand *const message_commands[] = {
    &history_command, &mam_command, &monitor_command, &retract_command, &send_command, NULL,
};

const LiGroup li_cmd_message = {
    "message",
    "messages handling",
    NULL,
    message_commands,
};
