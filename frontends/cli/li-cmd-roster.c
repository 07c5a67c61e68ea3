/* li-cmd-roster: the `roster` command group: the contacts of a connected profile. */
#include "li-cmd-roster.h"

#include <stdio.h>

#include "li-output.h"

static void
print_simple(GVariant *contacts)
{
    GVariantIter iter;
    const char *jid = NULL;
    g_autoptr(GVariant) attributes = NULL;
    g_autoptr(GVariant) groups = NULL;

    g_variant_iter_init(&iter, contacts);
    while (g_variant_iter_next(&iter, "(&s@a{ss}@as)", &jid, &attributes, &groups)) {
        const char *name = NULL;
        g_autofree const char **group_names = g_variant_get_strv(groups, NULL);
        g_autofree char *joined = g_strjoinv(", ", (char **)group_names);
        GString *line = g_string_new(jid);
        if (g_variant_lookup(attributes, "name", "&s", &name))
            g_string_append_printf(line, " (%s)", name);
        if (joined[0] != '\0')
            g_string_append_printf(line, " [%s]", joined);
        printf("%s\n", line->str);
        g_string_free(line, TRUE);
        g_clear_pointer(&attributes, g_variant_unref);
        g_clear_pointer(&groups, g_variant_unref);
    }
}

static JsonNode *
contacts_to_json(GVariant *contacts)
{
    g_autoptr(JsonBuilder) builder = json_builder_new();
    GVariantIter iter;
    const char *jid = NULL;
    GVariant *attributes = NULL;
    GVariant *groups = NULL;

    json_builder_begin_array(builder);
    g_variant_iter_init(&iter, contacts);
    while (g_variant_iter_next(&iter, "(&s@a{ss}@as)", &jid, &attributes, &groups)) {
        GVariantIter attribute_iter;
        const char *key = NULL, *value = NULL;
        json_builder_begin_object(builder);
        json_builder_set_member_name(builder, "jid");
        json_builder_add_string_value(builder, jid);
        g_variant_iter_init(&attribute_iter, attributes);
        while (g_variant_iter_next(&attribute_iter, "{&s&s}", &key, &value)) {
            json_builder_set_member_name(builder, key);
            json_builder_add_string_value(builder, value);
        }
        json_builder_set_member_name(builder, "groups");
        json_builder_begin_array(builder);
        g_autofree const char **names = g_variant_get_strv(groups, NULL);
        for (gsize i = 0; names[i] != NULL; i++)
            json_builder_add_string_value(builder, names[i]);
        json_builder_end_array(builder);
        json_builder_end_object(builder);
        g_variant_unref(attributes);
        g_variant_unref(groups);
    }
    json_builder_end_array(builder);
    return json_builder_get_root(builder);
}

static void
on_contacts(LiContext *ctx, GVariant *reply)
{
    g_autoptr(GVariant) contacts = g_variant_get_child_value(reply, 0);

    if (g_strcmp0(ctx->output, "simple") == 0) {
        print_simple(contacts);
    } else {
        g_autoptr(JsonNode) node = contacts_to_json(contacts);
        li_output_json(ctx, node);
    }
    li_context_done(ctx, 0);
}

static void
on_get_profile(LiContext *ctx, GVariant *reply)
{
    li_context_call(ctx, "getContacts", g_variant_new("(s)", ctx->profile), on_contacts);
}

static void
roster_get(LiContext *ctx)
{
    li_context_use_profile(ctx, on_get_profile);
}

static const LiCommand get_command = {
    "get",
    "retrieve the roster entities",
    LI_SHARED_PROFILE | LI_SHARED_CONNECT | LI_SHARED_VERBOSE,
    li_output_list_formats,
    NULL,
    NULL,
    roster_get,
};

static const LiCommand *const roster_commands[] = { &get_command, NULL };

const LiGroup li_cmd_roster = {
    "roster",
    "manage an entity's roster",
    NULL,
    roster_commands,
};
