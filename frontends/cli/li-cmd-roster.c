/* li-cmd-roster: the `roster` command group: the contacts of a connected profile. */
#include "li-cmd-roster.h"

#include <stdio.h>

#include "li-output.h"
#include "li-prompt.h"
#include "lv-error.h"

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

static void
done(LiContext *ctx, GVariant *reply)
{
    li_context_done(ctx, 0);
}

static const char *
target_jid(LiContext *ctx)
{
    return li_parsed_get_positionals(ctx->parsed)[0];
}

/* updateContact with -n and the groups in @groups. */
static void
update_contact(LiContext *ctx, const char *const *groups)
{
    const char *name = li_parsed_get_string(ctx->parsed, "name");

    li_context_call(ctx, "updateContact",
                    g_variant_new("(ss^ass)", target_jid(ctx), name != NULL ? name : "", groups,
                                  ctx->profile),
                    done);
}

static void
on_added(LiContext *ctx, GVariant *reply)
{
    if (li_parsed_get_string(ctx->parsed, "name") == NULL &&
        li_parsed_get_strings(ctx->parsed, "group")[0] == NULL) {
        li_context_done(ctx, 0);
        return;
    }
    update_contact(ctx, li_parsed_get_strings(ctx->parsed, "group"));
}

static void
on_add_profile(LiContext *ctx, GVariant *reply)
{
    li_context_call(ctx, "addContact", g_variant_new("(ss)", target_jid(ctx), ctx->profile),
                    on_added);
}

static void
roster_add(LiContext *ctx)
{
    li_context_use_profile(ctx, on_add_profile);
}

/* roster set: groups are added to the existing ones unless -R replaces them. */
static void
on_current(LiContext *ctx, GVariant *reply)
{
    g_autoptr(GVariant) attributes = NULL;
    g_autoptr(GVariant) groups = NULL;
    g_autoptr(GPtrArray) merged = g_ptr_array_new();

    g_variant_get(reply, "((@a{ss}@as))", &attributes, &groups);
    g_autofree const char **current = g_variant_get_strv(groups, NULL);
    if (li_parsed_get_count(ctx->parsed, "replace") == 0) {
        for (gsize i = 0; current[i] != NULL; i++)
            g_ptr_array_add(merged, (gpointer)current[i]);
    }
    for (const char *const *g = li_parsed_get_strings(ctx->parsed, "group"); *g != NULL; g++) {
        if (!g_ptr_array_find_with_equal_func(merged, *g, g_str_equal, NULL))
            g_ptr_array_add(merged, (gpointer)*g);
    }
    g_ptr_array_add(merged, NULL);
    update_contact(ctx, (const char *const *)merged->pdata);
}

static void
on_set_profile(LiContext *ctx, GVariant *reply)
{
    li_context_call(ctx, "contactGet", g_variant_new("(ss)", target_jid(ctx), ctx->profile),
                    on_current);
}

static void
roster_set(LiContext *ctx)
{
    li_context_use_profile(ctx, on_set_profile);
}

static void
on_delete_profile(LiContext *ctx, GVariant *reply)
{
    if (li_parsed_get_count(ctx->parsed, "force") == 0) {
        g_autofree char *question =
                g_strdup_printf("Are you sure to delete %s from your roster?", target_jid(ctx));
        if (!li_prompt_is_interactive()) {
            li_context_fail(ctx, g_error_new(LV_ERROR, LV_ERROR_INVALID_ARGUMENT,
                                             "deleting %s needs a confirmation: give "
                                             "-f/--force when there is no terminal",
                                             target_jid(ctx)));
            return;
        }
        if (!li_prompt_confirm(question)) {
            li_context_fail(ctx, g_error_new_literal(LV_ERROR, LV_ERROR_CANCELLED,
                                                     "roster deletion cancelled"));
            return;
        }
    }
    li_context_call(ctx, "delContact", g_variant_new("(ss)", target_jid(ctx), ctx->profile), done);
}

static void
roster_delete(LiContext *ctx)
{
    li_context_use_profile(ctx, on_delete_profile);
}

static const LiOption edit_options[] = {
    { 'n', "name", NULL, "NAME", "name to use for this entity" },
    { 'g', "group", NULL, "GROUP", "groups for this entity (can be repeated)", NULL, NULL,
      LI_OPT_REPEAT },
    { 0 },
};
static const LiOption set_options[] = {
    { 'n', "name", NULL, "NAME", "name to use for this entity" },
    { 'g', "group", NULL, "GROUP", "groups for this entity (can be repeated)", NULL, NULL,
      LI_OPT_REPEAT },
    { 'R', "replace", NULL, NULL, "replace all metadata instead of adding them" },
    { 0 },
};
static const LiOption delete_options[] = {
    { 'f', "force", NULL, NULL, "delete without confirmation" },
    { 0 },
};
static const LiPositional jid_positional[] = { { "jid", "entity to work on" }, { 0 } };

static const LiCommand add_command = {
    "add",
    "add an entity to the roster and ask for its presence",
    LI_SHARED_PROFILE | LI_SHARED_CONNECT,
    NULL,
    edit_options,
    jid_positional,
    roster_add,
};
static const LiCommand set_command = {
    "set",
    "set metadata for a roster entity",
    LI_SHARED_PROFILE | LI_SHARED_CONNECT,
    NULL,
    set_options,
    jid_positional,
    roster_set,
};
static const LiCommand delete_command = {
    "delete",
    "remove an entity from roster",
    LI_SHARED_PROFILE | LI_SHARED_CONNECT,
    NULL,
    delete_options,
    jid_positional,
    roster_delete,
};

static const LiCommand get_command = {
    "get",
    "retrieve the roster entities",
    LI_SHARED_PROFILE | LI_SHARED_CONNECT | LI_SHARED_VERBOSE,
    li_output_list_formats,
    NULL,
    NULL,
    roster_get,
};

static const LiCommand *const roster_commands[] = { &add_command, &delete_command, &get_command,
                                                    &set_command, NULL };

const LiGroup li_cmd_roster = {
    "roster",
    "manage an entity's roster",
    NULL,
    roster_commands,
};
