/* li-cmd-muc: `li muc join|leave|list|occupants|subject|nick`: the rooms of a
 * connected profile. Room administration (kick, ban, affiliations, roles,
 * configuration, invitations) lives in its own file and adds its commands to the
 * table at the end. */
#include "li-cmd-muc.h"

#include <stdio.h>

#include "li-cmd-muc-admin.h"
#include "li-context.h"
#include "li-output.h"
#include "lv-error.h"

const LiPositional li_cmd_muc_room_positional[] = { { "room", "room JID (room@service)" }, { 0 } };

static const char *
room_arg(LiContext *ctx)
{
    return li_parsed_get_positionals(ctx->parsed)[0];
}

static void
done(LiContext *ctx, GVariant *reply)
{
    li_context_done(ctx, 0);
}

/* ---- join ---- */

static void
on_joined(LiContext *ctx, GVariant *reply)
{
    gboolean already = FALSE;
    const char *room = NULL, *nick = NULL;

    g_variant_get(reply, "((b&s@a{sa{ss}}&s@s@as&s))", &already, &room, NULL, &nick, NULL, NULL,
                  NULL);
    g_autofree char *safe = li_output_dup_safe(nick);
    printf(already ? "already in %s as %s\n" : "joined %s as %s\n", room, safe);
    li_context_done(ctx, 0);
}

/* The nick when none is given: the local part of our JID, as Libervia does. */
static void
on_own_jid(LiContext *ctx, GVariant *reply)
{
    const char *jid = NULL;
    const char *nick = li_parsed_get_string(ctx->parsed, "nick");
    const char *password = li_parsed_get_string(ctx->parsed, "password");
    const char *history = li_parsed_get_string(ctx->parsed, "history");
    g_autofree char *local = NULL;
    GVariantBuilder options;

    g_variant_get(reply, "(&s)", &jid);
    if (nick == NULL) {
        local = g_strndup(jid, strcspn(jid, "@/"));
        nick = local;
    }
    g_variant_builder_init(&options, G_VARIANT_TYPE("a{ss}"));
    if (password != NULL)
        g_variant_builder_add(&options, "{ss}", "password", password);
    if (history != NULL)
        g_variant_builder_add(&options, "{ss}", "maxstanzas", history);
    if (li_parsed_get_count(ctx->parsed, "nick-retry") > 0)
        g_variant_builder_add(&options, "{ss}", "nick_retry", "true");
    if (li_parsed_get_count(ctx->parsed, "configure") > 0)
        g_variant_builder_add(&options, "{ss}", "create", "configure");
    li_context_call(ctx, "mucJoin",
                    g_variant_new("(ssa{ss}s)", room_arg(ctx), nick, &options, ctx->profile),
                    on_joined);
}

static void
on_join_profile(LiContext *ctx, GVariant *reply)
{
    const char *history = li_parsed_get_string(ctx->parsed, "history");
    gint64 count = 0;

    if (history != NULL && !g_ascii_string_to_signed(history, 10, 0, G_MAXINT, &count, NULL)) {
        li_context_fail(ctx,
                        g_error_new(LV_ERROR, LV_ERROR_INVALID_ARGUMENT,
                                    "--history takes a number of messages, not \"%s\"", history));
        return;
    }
    li_context_call(ctx, "getParamA",
                    g_variant_new("(ssss)", "JabberID", "Connection", "value", ctx->profile),
                    on_own_jid);
}

static void
muc_join(LiContext *ctx)
{
    li_context_use_profile(ctx, on_join_profile);
}

/* ---- leave, subject, nick ---- */

static void
on_leave_profile(LiContext *ctx, GVariant *reply)
{
    li_context_call(ctx, "mucLeave", g_variant_new("(ss)", room_arg(ctx), ctx->profile), done);
}

static void
muc_leave(LiContext *ctx)
{
    li_context_use_profile(ctx, on_leave_profile);
}

static void
on_nick_profile(LiContext *ctx, GVariant *reply)
{
    li_context_call(ctx, "mucNick",
                    g_variant_new("(sss)", room_arg(ctx), li_parsed_get_positionals(ctx->parsed)[1],
                                  ctx->profile),
                    done);
}

static void
muc_nick(LiContext *ctx)
{
    li_context_use_profile(ctx, on_nick_profile);
}

static void
on_rooms_for_subject(LiContext *ctx, GVariant *reply)
{
    g_autoptr(GVariant) rooms = g_variant_get_child_value(reply, 0);
    GVariantIter iter;
    const char *room = NULL, *subject = NULL;

    g_variant_iter_init(&iter, rooms);
    while (g_variant_iter_next(&iter, "(&s@a{sa{ss}}@s&s@as)", &room, NULL, NULL, &subject, NULL)) {
        if (g_str_equal(room, room_arg(ctx))) {
            g_autofree char *safe = li_output_dup_safe(subject);
            printf("%s\n", safe);
            li_context_done(ctx, 0);
            return;
        }
    }
    li_context_fail(ctx,
                    g_error_new(LV_ERROR, LV_ERROR_NOT_FOUND, "not in the room %s", room_arg(ctx)));
}

static void
on_subject_profile(LiContext *ctx, GVariant *reply)
{
    const char *subject = li_parsed_get_positionals(ctx->parsed)[1];

    if (subject == NULL)
        li_context_call(ctx, "mucGetRoomsJoined", g_variant_new("(s)", ctx->profile),
                        on_rooms_for_subject);
    else
        li_context_call(ctx, "mucSubject",
                        g_variant_new("(sss)", room_arg(ctx), subject, ctx->profile), done);
}

static void
muc_subject(LiContext *ctx)
{
    li_context_use_profile(ctx, on_subject_profile);
}

/* ---- list, occupants ---- */

static void
add_occupants_json(JsonBuilder *builder, GVariant *occupants)
{
    GVariantIter iter, fields;
    const char *nick = NULL, *key = NULL, *value = NULL;
    GVariant *data = NULL;

    json_builder_begin_array(builder);
    g_variant_iter_init(&iter, occupants);
    while (g_variant_iter_next(&iter, "{&s@a{ss}}", &nick, &data)) {
        json_builder_begin_object(builder);
        g_variant_iter_init(&fields, data);
        while (g_variant_iter_next(&fields, "{&s&s}", &key, &value)) {
            json_builder_set_member_name(builder, key);
            json_builder_add_string_value(builder, value);
        }
        json_builder_end_object(builder);
        g_variant_unref(data);
    }
    json_builder_end_array(builder);
}

static void
on_rooms(LiContext *ctx, GVariant *reply)
{
    g_autoptr(GVariant) rooms = g_variant_get_child_value(reply, 0);
    g_autoptr(JsonBuilder) builder = json_builder_new();
    GVariantIter iter;
    const char *room = NULL, *nick = NULL, *subject = NULL;
    GVariant *occupants = NULL;
    gboolean json = g_strcmp0(ctx->output, "json") == 0;

    json_builder_begin_array(builder);
    g_variant_iter_init(&iter, rooms);
    while (g_variant_iter_next(&iter, "(&s@a{sa{ss}}&s&s@as)", &room, &occupants, &nick, &subject,
                               NULL)) {
        if (json) {
            json_builder_begin_object(builder);
            json_builder_set_member_name(builder, "room");
            json_builder_add_string_value(builder, room);
            json_builder_set_member_name(builder, "nick");
            json_builder_add_string_value(builder, nick);
            json_builder_set_member_name(builder, "subject");
            json_builder_add_string_value(builder, subject);
            json_builder_set_member_name(builder, "occupants");
            add_occupants_json(builder, occupants);
            json_builder_end_object(builder);
        } else {
            g_autofree char *safe = li_output_dup_safe(nick);
            printf("%s (%s, %zu occupants)\n", room, safe, g_variant_n_children(occupants));
        }
        g_variant_unref(occupants);
    }
    json_builder_end_array(builder);
    if (json) {
        g_autoptr(JsonNode) node = json_builder_get_root(builder);
        li_output_json(ctx, node);
    }
    li_context_done(ctx, 0);
}

static void
on_list_profile(LiContext *ctx, GVariant *reply)
{
    li_context_call(ctx, "mucGetRoomsJoined", g_variant_new("(s)", ctx->profile), on_rooms);
}

static void
muc_list(LiContext *ctx)
{
    li_context_use_profile(ctx, on_list_profile);
}

static const char *
field(GVariant *data, const char *key)
{
    const char *value = NULL;

    return g_variant_lookup(data, key, "&s", &value) ? value : "";
}

static void
on_occupants(LiContext *ctx, GVariant *reply)
{
    g_autoptr(GVariant) occupants = g_variant_get_child_value(reply, 0);
    GVariantIter iter;
    const char *nick = NULL;
    GVariant *data = NULL;

    if (g_strcmp0(ctx->output, "json") == 0) {
        g_autoptr(JsonBuilder) builder = json_builder_new();
        add_occupants_json(builder, occupants);
        g_autoptr(JsonNode) node = json_builder_get_root(builder);
        li_output_json(ctx, node);
        li_context_done(ctx, 0);
        return;
    }
    g_variant_iter_init(&iter, occupants);
    while (g_variant_iter_next(&iter, "{&s@a{ss}}", &nick, &data)) {
        const char *jid = field(data, "entity");
        g_autofree char *line =
                g_strdup_printf("%s\t%s\t%s%s%s", nick, field(data, "role"),
                                field(data, "affiliation"), jid[0] ? "\t" : "", jid);
        g_autofree char *safe = li_output_dup_safe(line);
        printf("%s\n", safe);
        g_variant_unref(data);
    }
    li_context_done(ctx, 0);
}

static void
on_occupants_profile(LiContext *ctx, GVariant *reply)
{
    li_context_call(ctx, "mucOccupantsGet", g_variant_new("(ss)", room_arg(ctx), ctx->profile),
                    on_occupants);
}

static void
muc_occupants(LiContext *ctx)
{
    li_context_use_profile(ctx, on_occupants_profile);
}

/* ---- the table ---- */

static const char *const json_formats[] = { "simple", "json", NULL };

static const LiOption join_options[] = {
    { 'n', "nick", NULL, "NICK", "nick in the room (default: the local part of our JID)" },
    { 0, "password", NULL, "PASSWORD", "password of the room" },
    { 0, "history", NULL, "N", "ask for the last N messages of the room" },
    { 0, "nick-retry", NULL, NULL, "if the nick is taken, retry with \"_\" appended" },
    { 0, "configure", NULL, NULL, "leave a new room locked, to be configured" },
    { 0 },
};
static const LiPositional nick_positionals[] = { { "room", "room JID (room@service)" },
                                                 { "nick", "the new nick" },
                                                 { 0 } };
static const LiPositional subject_positionals[] = {
    { "room", "room JID (room@service)" },
    { "subject", "the new subject (none: show the current one)", TRUE },
    { 0 },
};

#define ROOM_SHARED (LI_SHARED_PROFILE | LI_SHARED_CONNECT)

static const LiCommand join_command = {
    "join", "join a room", ROOM_SHARED, NULL, join_options, li_cmd_muc_room_positional, muc_join,
};
static const LiCommand leave_command = {
    "leave", "leave a room", ROOM_SHARED, NULL, NULL, li_cmd_muc_room_positional, muc_leave,
};
static const LiCommand list_command = {
    "list", "list the rooms joined", ROOM_SHARED, json_formats, NULL, NULL, muc_list,
};
static const LiCommand occupants_command = {
    "occupants",   "list the occupants of a room (nick, role, affiliation, JID if known)",
    ROOM_SHARED,   json_formats,
    NULL,          li_cmd_muc_room_positional,
    muc_occupants,
};
static const LiCommand subject_command = {
    "subject",   "show or change the subject of a room",
    ROOM_SHARED, NULL,
    NULL,        subject_positionals,
    muc_subject,
};
static const LiCommand nick_command = {
    "nick", "change our nick in a room", ROOM_SHARED, NULL, NULL, nick_positionals, muc_nick,
};

/* Room administration commands from other files go at the end, one line each. */
/* The administration commands live in li-cmd-muc-admin.c. */
static const LiCommand *const muc_commands[] = {
    &li_cmd_muc_affiliate_command,
    &li_cmd_muc_affiliations_command,
    &li_cmd_muc_ban_command,
    &li_cmd_muc_configure_command,
    &li_cmd_muc_destroy_command,
    &li_cmd_muc_invite_command,
    &join_command,
    &li_cmd_muc_kick_command,
    &leave_command,
    &list_command,
    &nick_command,
    &occupants_command,
    &li_cmd_muc_role_command,
    &subject_command,
    NULL,
};

const LiGroup li_cmd_muc = {
    "muc",
    "multi-user chat rooms",
    NULL,
    muc_commands,
};
