/* li-cmd-muc-admin: room administration from the command line: roles, affiliations,
 * the configuration form (shown, or changed with -f NAME VALUE), invitations and
 * destruction. Everything goes through the bridge methods of the XEP-0045
 * administration and XEP-0249 plugins. */
#include "li-cmd-muc-admin.h"

#include <stdio.h>

#include "li-output.h"
#include "li-prompt.h"
#include "lv-error.h"

static const char *
positional(LiContext *ctx, guint n)
{
    return li_parsed_get_positionals(ctx->parsed)[n];
}

static const char *
reason(LiContext *ctx)
{
    const char *text = li_parsed_get_string(ctx->parsed, "reason");

    return text != NULL ? text : "";
}

static void
done(LiContext *ctx, GVariant *reply)
{
    li_context_done(ctx, 0);
}

/* ---- kick, ban, affiliate, role ---- */

static void
on_kick_profile(LiContext *ctx, GVariant *reply)
{
    li_context_call(ctx, "mucKick",
                    g_variant_new("(ssss)", positional(ctx, 0), positional(ctx, 1), reason(ctx),
                                  ctx->profile),
                    done);
}

static void
on_ban_profile(LiContext *ctx, GVariant *reply)
{
    li_context_call(ctx, "mucBan",
                    g_variant_new("(ssss)", positional(ctx, 0), positional(ctx, 1), reason(ctx),
                                  ctx->profile),
                    done);
}

static void
on_affiliate_profile(LiContext *ctx, GVariant *reply)
{
    li_context_call(ctx, "mucAffiliationSet",
                    g_variant_new("(sssss)", positional(ctx, 0), positional(ctx, 1),
                                  positional(ctx, 2), reason(ctx), ctx->profile),
                    done);
}

static void
on_role_profile(LiContext *ctx, GVariant *reply)
{
    li_context_call(ctx, "mucRoleSet",
                    g_variant_new("(sssss)", positional(ctx, 0), positional(ctx, 1),
                                  positional(ctx, 2), reason(ctx), ctx->profile),
                    done);
}

static void
kick(LiContext *ctx)
{
    li_context_use_profile(ctx, on_kick_profile);
}

static void
ban(LiContext *ctx)
{
    li_context_use_profile(ctx, on_ban_profile);
}

static void
affiliate(LiContext *ctx)
{
    li_context_use_profile(ctx, on_affiliate_profile);
}

static void
role(LiContext *ctx)
{
    li_context_use_profile(ctx, on_role_profile);
}

/* ---- affiliations: one request per list, merged ---- */

static const char *const lists[] = { "owner", "admin", "member", "outcast", NULL };

typedef struct {
    GPtrArray *wanted; /* affiliations still to ask, in order */
    guint next;
    GPtrArray *jids;         /* char*, in the order received */
    GPtrArray *affiliations; /* char*, alongside */
} Listing;

static void
listing_free(gpointer data)
{
    Listing *listing = data;

    g_ptr_array_unref(listing->wanted);
    g_ptr_array_unref(listing->jids);
    g_ptr_array_unref(listing->affiliations);
    g_free(listing);
}

static void
print_listing(LiContext *ctx, Listing *listing)
{
    g_ptr_array_add(listing->jids, NULL);
    g_ptr_array_add(listing->affiliations, NULL);
    if (g_strcmp0(ctx->output, "simple") != 0) {
        li_output_dict(ctx, (const char *const *)listing->jids->pdata,
                       (const char *const *)listing->affiliations->pdata);
        return;
    }
    for (guint i = 0; listing->jids->pdata[i] != NULL; i++) {
        g_autofree char *safe = li_output_dup_safe(listing->jids->pdata[i]);
        printf("%s: %s\n", safe, (const char *)listing->affiliations->pdata[i]);
    }
}

static void ask_next_list(LiContext *ctx);

static void
on_list(LiContext *ctx, GVariant *reply)
{
    Listing *listing = ctx->data;
    g_autoptr(GVariant) items = g_variant_get_child_value(reply, 0);
    GVariantIter iter;
    const char *jid = NULL, *affiliation = NULL;

    g_variant_iter_init(&iter, items);
    while (g_variant_iter_next(&iter, "{&s&s}", &jid, &affiliation)) {
        g_ptr_array_add(listing->jids, g_strdup(jid));
        g_ptr_array_add(listing->affiliations, g_strdup(affiliation));
    }
    ask_next_list(ctx);
}

static void
ask_next_list(LiContext *ctx)
{
    Listing *listing = ctx->data;

    if (listing->next >= listing->wanted->len) {
        print_listing(ctx, listing);
        li_context_done(ctx, 0);
        return;
    }
    const char *affiliation = listing->wanted->pdata[listing->next++];
    li_context_call(ctx, "mucAffiliationsGet",
                    g_variant_new("(sss)", positional(ctx, 0), affiliation, ctx->profile), on_list);
}

static void
on_affiliations_profile(LiContext *ctx, GVariant *reply)
{
    Listing *listing = g_new0(Listing, 1);
    const char *const *asked = li_parsed_get_strings(ctx->parsed, "affiliation");

    listing->wanted = g_ptr_array_new();
    for (const char *const *a = asked[0] != NULL ? asked : lists; *a != NULL; a++) {
        if (!g_ptr_array_find_with_equal_func(listing->wanted, *a, g_str_equal, NULL))
            g_ptr_array_add(listing->wanted, (gpointer)*a);
    }
    listing->jids = g_ptr_array_new_with_free_func(g_free);
    listing->affiliations = g_ptr_array_new_with_free_func(g_free);
    ctx->data = listing;
    ctx->data_free = listing_free;
    ask_next_list(ctx);
}

static void
affiliations(LiContext *ctx)
{
    li_context_use_profile(ctx, on_affiliations_profile);
}

/* ---- configure ---- */

static void
print_values(JsonObject *field)
{
    JsonArray *values = json_object_get_array_member(field, "values");
    GString *line = g_string_new("    value:");

    for (guint i = 0; values != NULL && i < json_array_get_length(values); i++)
        g_string_append_printf(line, "%s %s", i > 0 ? "," : "",
                               json_array_get_string_element(values, i));
    g_autofree char *text = g_string_free(line, FALSE);
    g_autofree char *safe = li_output_dup_safe(text);
    printf("%s\n", safe);
}

static void
print_options(JsonObject *field)
{
    JsonArray *options = json_object_has_member(field, "options")
                                 ? json_object_get_array_member(field, "options")
                                 : NULL;
    GString *line = g_string_new("    options:");

    if (options == NULL) {
        g_string_free(line, TRUE);
        return;
    }
    for (guint i = 0; i < json_array_get_length(options); i++) {
        JsonObject *option = json_array_get_object_element(options, i);
        const char *label = json_object_get_string_member_with_default(option, "label", NULL);
        g_string_append_printf(line, "%s %s", i > 0 ? "," : "",
                               json_object_get_string_member(option, "value"));
        if (label != NULL)
            g_string_append_printf(line, " (%s)", label);
    }
    g_autofree char *text = g_string_free(line, FALSE);
    g_autofree char *safe = li_output_dup_safe(text);
    printf("%s\n", safe);
}

static void
print_field(JsonObject *field)
{
    const char *var = json_object_get_string_member_with_default(field, "var", NULL);
    const char *type = json_object_get_string_member(field, "type");
    const char *label = json_object_get_string_member_with_default(field, "label", "");
    g_autofree char *line =
            var == NULL ? g_strdup_printf("-- %s", label)
                        : g_strdup_printf("%s [%s]%s%s%s", var, type, label[0] ? " " : "", label,
                                          json_object_get_boolean_member_with_default(
                                                  field, "required", FALSE)
                                                  ? " (required)"
                                                  : "");
    g_autofree char *safe = li_output_dup_safe(line);

    printf("%s\n", safe);
    if (var == NULL || g_str_equal(type, "hidden"))
        return;
    print_values(field);
    print_options(field);
}

static void
print_form(JsonObject *form)
{
    const char *title = json_object_get_string_member_with_default(form, "title", NULL);
    const char *instructions =
            json_object_get_string_member_with_default(form, "instructions", NULL);
    JsonArray *fields = json_object_get_array_member(form, "fields");

    for (const char *text = title; text != NULL; text = text == title ? instructions : NULL) {
        g_autofree char *safe = li_output_dup_safe(text);
        printf("%s\n", safe);
    }
    for (guint i = 0; fields != NULL && i < json_array_get_length(fields); i++)
        print_field(json_array_get_object_element(fields, i));
}

static void
on_form(LiContext *ctx, GVariant *reply)
{
    const char *text = NULL;
    g_autoptr(JsonParser) parser = json_parser_new();

    g_variant_get(reply, "(&s)", &text);
    if (!json_parser_load_from_data(parser, text, -1, NULL) ||
        json_parser_get_root(parser) == NULL ||
        !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser))) {
        li_context_fail(ctx, g_error_new_literal(LV_ERROR, LV_ERROR_DATA,
                                                 "the backend sent a form that is not JSON"));
        return;
    }
    if (g_strcmp0(ctx->output, "simple") == 0)
        print_form(json_node_get_object(json_parser_get_root(parser)));
    else
        li_output_json(ctx, json_parser_get_root(parser));
    li_context_done(ctx, 0);
}

/* The -f pairs as the JSON object mucConfigurationSet takes: NAME → [VALUE…], a
 * name given several times collecting its values; a lone empty VALUE clears the
 * field (transfer full). */
static char *
changes_json(const char *const *pairs)
{
    g_autoptr(JsonObject) object = json_object_new();

    for (gsize i = 0; pairs[i] != NULL && pairs[i + 1] != NULL; i += 2) {
        if (!json_object_has_member(object, pairs[i]))
            json_object_set_array_member(object, pairs[i], json_array_new());
        JsonArray *values = json_object_get_array_member(object, pairs[i]);
        if (pairs[i + 1][0] != '\0')
            json_array_add_string_element(values, pairs[i + 1]);
    }
    g_autoptr(JsonNode) root = json_node_init_object(json_node_alloc(), object);
    return json_to_string(root, FALSE);
}

static void
on_configure_profile(LiContext *ctx, GVariant *reply)
{
    const char *const *pairs = li_parsed_get_strings(ctx->parsed, "field");

    if (li_parsed_get_count(ctx->parsed, "cancel") > 0) {
        li_context_call(ctx, "mucConfigurationCancel",
                        g_variant_new("(ss)", positional(ctx, 0), ctx->profile), done);
    } else if (pairs[0] != NULL) {
        g_autofree char *changes = changes_json(pairs);
        li_context_call(ctx, "mucConfigurationSet",
                        g_variant_new("(sss)", positional(ctx, 0), changes, ctx->profile), done);
    } else {
        li_context_call(ctx, "mucConfigurationGet",
                        g_variant_new("(ss)", positional(ctx, 0), ctx->profile), on_form);
    }
}

static void
configure(LiContext *ctx)
{
    if (li_parsed_get_count(ctx->parsed, "cancel") > 0 &&
        li_parsed_get_strings(ctx->parsed, "field")[0] != NULL) {
        li_context_fail(ctx, g_error_new_literal(LV_ERROR, LV_ERROR_INVALID_ARGUMENT,
                                                 "--cancel does not take -f/--field"));
        return;
    }
    li_context_use_profile(ctx, on_configure_profile);
}

/* ---- invite, destroy ---- */

static void
on_invite_profile(LiContext *ctx, GVariant *reply)
{
    GVariantBuilder options;
    const char *password = li_parsed_get_string(ctx->parsed, "password");

    g_variant_builder_init(&options, G_VARIANT_TYPE("a{ss}"));
    if (reason(ctx)[0] != '\0')
        g_variant_builder_add(&options, "{ss}", "reason", reason(ctx));
    if (password != NULL)
        g_variant_builder_add(&options, "{ss}", "password", password);
    if (li_parsed_get_count(ctx->parsed, "mediated") > 0)
        g_variant_builder_add(&options, "{ss}", "mediated", "true");
    li_context_call(ctx, "inviteMUC",
                    g_variant_new("(ssa{ss}s)", positional(ctx, 1), positional(ctx, 0), &options,
                                  ctx->profile),
                    done);
}

static void
invite(LiContext *ctx)
{
    if (li_parsed_get_count(ctx->parsed, "mediated") > 0 &&
        li_parsed_get_string(ctx->parsed, "password") != NULL) {
        li_context_fail(ctx, g_error_new_literal(LV_ERROR, LV_ERROR_INVALID_ARGUMENT,
                                                 "a mediated invitation carries no password: "
                                                 "the room adds its own"));
        return;
    }
    li_context_use_profile(ctx, on_invite_profile);
}

static void
on_destroy_profile(LiContext *ctx, GVariant *reply)
{
    const char *alternate = li_parsed_get_string(ctx->parsed, "alternate");

    if (li_parsed_get_count(ctx->parsed, "force") == 0) {
        g_autofree char *question =
                g_strdup_printf("Are you sure to destroy the room %s?", positional(ctx, 0));
        if (!li_prompt_is_interactive()) {
            li_context_fail(ctx, g_error_new(LV_ERROR, LV_ERROR_INVALID_ARGUMENT,
                                             "destroying %s needs a confirmation: give "
                                             "-f/--force when there is no terminal",
                                             positional(ctx, 0)));
            return;
        }
        if (!li_prompt_confirm(question)) {
            li_context_fail(ctx, g_error_new_literal(LV_ERROR, LV_ERROR_CANCELLED,
                                                     "room destruction cancelled"));
            return;
        }
    }
    li_context_call(ctx, "mucDestroy",
                    g_variant_new("(ssss)", positional(ctx, 0), reason(ctx),
                                  alternate != NULL ? alternate : "", ctx->profile),
                    done);
}

static void
destroy(LiContext *ctx)
{
    li_context_use_profile(ctx, on_destroy_profile);
}

/* ---- the tables ---- */

#define SHARED (LI_SHARED_PROFILE | LI_SHARED_CONNECT)
#define REASON_OPTION                                                                              \
    {                                                                                              \
        'r', "reason", NULL, "REASON", "reason given to the room and the occupant"                 \
    }

static const char *const formats[] = { "simple", "json", "json-raw", NULL };
static const char *const list_choices[] = { "owner", "admin", "member", "outcast", NULL };

static const LiOption reason_options[] = { REASON_OPTION, { 0 } };

static const LiPositional kick_positionals[] = { { "room", "room's JID" },
                                                 { "nick", "nick of the occupant to kick" },
                                                 { 0 } };
const LiCommand li_cmd_muc_kick_command = {
    "kick",         "kick an occupant out of a room (its role becomes none)",
    SHARED,         NULL,
    reason_options, kick_positionals,
    kick,
};

static const LiPositional ban_positionals[] = {
    { "room", "room's JID" }, { "jid", "JID to ban (its affiliation becomes outcast)" }, { 0 }
};
const LiCommand li_cmd_muc_ban_command = {
    "ban", "ban a JID from a room", SHARED, NULL, reason_options, ban_positionals, ban,
};

static const LiPositional affiliate_positionals[] = {
    { "room", "room's JID" },
    { "jid", "JID to affiliate" },
    { "affiliation", "owner, admin, member, none or outcast" },
    { 0 },
};
const LiCommand li_cmd_muc_affiliate_command = {
    "affiliate",    "set the affiliation of a JID in a room",
    SHARED,         NULL,
    reason_options, affiliate_positionals,
    affiliate,
};

static const LiPositional role_positionals[] = {
    { "room", "room's JID" },
    { "nick", "nick of the occupant" },
    { "role", "moderator, participant, visitor or none" },
    { 0 },
};
const LiCommand li_cmd_muc_role_command = {
    "role", "set the role of an occupant of a room", SHARED, NULL, reason_options, role_positionals,
    role,
};

static const LiOption affiliations_options[] = {
    { 'a', "affiliation", NULL, NULL, "list only this affiliation (default: all lists)",
      list_choices, NULL, LI_OPT_REPEAT },
    { 0 },
};
static const LiPositional room_positional[] = { { "room", "room's JID" }, { 0 } };
const LiCommand li_cmd_muc_affiliations_command = {
    "affiliations",
    "list the JIDs affiliated to a room",
    SHARED,
    formats,
    affiliations_options,
    room_positional,
    affiliations,
};

static const LiOption configure_options[] = {
    { 'f', "field", NULL, "NAME VALUE",
      "set field NAME to VALUE (repeat NAME for the values of a multi field; an empty VALUE "
      "clears it); without -f the form is shown",
      NULL, NULL, LI_OPT_REPEAT | LI_OPT_PAIR },
    { 0, "cancel", NULL, NULL,
      "cancel the configuration (a room being created may then be destroyed, as XEP-0045 "
      "asks; Prosody keeps it locked)" },
    { 0 },
};
const LiCommand li_cmd_muc_configure_command = {
    "configure",
    "show or change a room's configuration (owner)",
    SHARED,
    formats,
    configure_options,
    room_positional,
    configure,
};

static const LiOption invite_options[] = {
    REASON_OPTION,
    { 0, "password", NULL, "PASSWORD", "the room's password, given to the guest (direct only)" },
    { 'm', "mediated", NULL, NULL, "invite through the room (XEP-0045) instead of directly" },
    { 0 },
};
static const LiPositional invite_positionals[] = { { "room", "room's JID" },
                                                   { "jid", "JID of the guest" },
                                                   { 0 } };
const LiCommand li_cmd_muc_invite_command = {
    "invite", "invite someone to a room", SHARED, NULL, invite_options, invite_positionals, invite,
};

static const LiOption destroy_options[] = {
    REASON_OPTION,
    { 'A', "alternate", NULL, "JID", "room to go to instead" },
    { 'f', "force", NULL, NULL, "destroy without confirmation" },
    { 0 },
};
const LiCommand li_cmd_muc_destroy_command = {
    "destroy", "destroy a room (owner)", SHARED, NULL, destroy_options, room_positional, destroy,
};
