/* li-cmd-bookmarks: the `bookmarks` command group: list, add and remove the
 * bookmarks of a profile in its three locations (local: libervia.db; private:
 * XEP-0048 private XML storage; pubsub: XEP-0402 in PEP), with Libervia's
 * options and texts. */
#include "li-cmd-bookmarks.h"

#include <stdio.h>

#include "li-output.h"
#include "li-prompt.h"
#include "lv-error.h"

static const char *const locations[] = { "local", "private", "pubsub", NULL };
static const char *const list_choices[] = { "all", "local", "private", "pubsub", NULL };
static const char *const add_choices[] = { "auto", "local", "private", "pubsub", NULL };
static const char *const type_choices[] = { "muc", "url", NULL };

static const char *
opt(LiContext *ctx, const char *name)
{
    return li_parsed_get_string(ctx->parsed, name);
}

static const char *
target(LiContext *ctx)
{
    return li_parsed_get_positionals(ctx->parsed)[0];
}

/* One line of a location as Libervia prints it: "\tname [link (nick)] (*)". */
static void
append_bookmark(GString *out, const char *link, GVariant *data)
{
    const char *name = NULL, *nick = NULL, *autojoin = NULL;

    g_variant_lookup(data, "name", "&s", &name);
    g_variant_lookup(data, "nick", "&s", &nick);
    g_variant_lookup(data, "autojoin", "&s", &autojoin);
    g_autofree char *line = g_strdup_printf(
            "\t%s%s[%s%s%s%s]%s", name != NULL && name[0] != '\0' ? name : "",
            name != NULL && name[0] != '\0' ? " " : "", link, nick != NULL && nick[0] ? " (" : "",
            nick != NULL && nick[0] ? nick : "", nick != NULL && nick[0] ? ")" : "",
            g_strcmp0(autojoin, "true") == 0 ? " (*)" : "");
    g_autofree char *safe = li_output_dup_safe(line); /* names come from the network */
    g_string_append(out, safe);
}

static void
on_list(LiContext *ctx, GVariant *reply)
{
    g_autoptr(GVariant) all = g_variant_get_child_value(reply, 0);
    GString *out = g_string_new(NULL);

    for (const char *const *l = locations; *l != NULL; l++) {
        g_autoptr(GVariant) found = g_variant_lookup_value(all, *l, G_VARIANT_TYPE("a{sa{ss}}"));
        GVariantIter iter;
        const char *link = NULL;
        GVariant *data = NULL;
        if (found == NULL || g_variant_n_children(found) == 0)
            continue;
        if (out->len > 0)
            g_string_append(out, "\n\n");
        g_string_append_printf(out, "%s:", *l);
        g_variant_iter_init(&iter, found);
        while (g_variant_iter_next(&iter, "{&s@a{ss}}", &link, &data)) {
            g_string_append_c(out, '\n');
            append_bookmark(out, link, data);
            g_variant_unref(data);
        }
    }
    printf("%s\n", out->str);
    g_string_free(out, TRUE);
    li_context_done(ctx, 0);
}

static void
on_list_profile(LiContext *ctx, GVariant *reply)
{
    li_context_call(ctx, "bookmarksList",
                    g_variant_new("(sss)", opt(ctx, "type"), opt(ctx, "location"), ctx->profile),
                    on_list);
}

static void
bookmarks_list(LiContext *ctx)
{
    li_context_use_profile(ctx, on_list_profile);
}

static void
on_added(LiContext *ctx, GVariant *reply)
{
    printf("bookmark successfully added\n");
    li_context_done(ctx, 0);
}

static void
on_add_profile(LiContext *ctx, GVariant *reply)
{
    GVariantBuilder data;
    const char *name = opt(ctx, "name"), *nick = opt(ctx, "nick");

    g_variant_builder_init(&data, G_VARIANT_TYPE("a{ss}"));
    if (li_parsed_get_count(ctx->parsed, "autojoin") > 0)
        g_variant_builder_add(&data, "{ss}", "autojoin", "true");
    if (nick != NULL)
        g_variant_builder_add(&data, "{ss}", "nick", nick);
    if (name != NULL)
        g_variant_builder_add(&data, "{ss}", "name", name);
    li_context_call(ctx, "bookmarksAdd",
                    g_variant_new("(ssa{ss}ss)", opt(ctx, "type"), target(ctx), &data,
                                  opt(ctx, "location"), ctx->profile),
                    on_added);
}

static void
bookmarks_add(LiContext *ctx)
{
    if (g_str_equal(opt(ctx, "type"), "url") &&
        (li_parsed_get_count(ctx->parsed, "autojoin") > 0 || opt(ctx, "nick") != NULL)) {
        li_context_fail(ctx, g_error_new_literal(LV_ERROR, LV_ERROR_INVALID_ARGUMENT,
                                                 "You can't use --autojoin or --nick with "
                                                 "--type url"));
        return;
    }
    li_context_use_profile(ctx, on_add_profile);
}

static void
on_removed(LiContext *ctx, GVariant *reply)
{
    printf("bookmark deleted\n");
    li_context_done(ctx, 0);
}

static void
on_remove_profile(LiContext *ctx, GVariant *reply)
{
    if (li_parsed_get_count(ctx->parsed, "force") == 0) {
        if (!li_prompt_is_interactive()) {
            li_context_fail(ctx, g_error_new(LV_ERROR, LV_ERROR_INVALID_ARGUMENT,
                                             "deleting bookmark %s needs a confirmation: give "
                                             "-f/--force when there is no terminal",
                                             target(ctx)));
            return;
        }
        if (!li_prompt_confirm("Are you sure to delete this bookmark?")) {
            li_context_fail(ctx, g_error_new_literal(LV_ERROR, LV_ERROR_CANCELLED,
                                                     "bookmark deletion cancelled"));
            return;
        }
    }
    li_context_call(ctx, "bookmarksRemove",
                    g_variant_new("(ssss)", opt(ctx, "type"), target(ctx), opt(ctx, "location"),
                                  ctx->profile),
                    on_removed);
}

static void
bookmarks_remove(LiContext *ctx)
{
    li_context_use_profile(ctx, on_remove_profile);
}

static const LiOption list_options[] = {
    { 'l', "location", NULL, "LOCATION", "storage location", list_choices, "all" },
    { 't', "type", NULL, "TYPE", "bookmarks type", type_choices, "muc" },
    { 0 },
};
static const LiOption remove_options[] = {
    { 'l', "location", NULL, "LOCATION", "storage location", list_choices, "all" },
    { 't', "type", NULL, "TYPE", "bookmarks type", type_choices, "muc" },
    { 'f', "force", NULL, NULL, "delete bookmark without confirmation" },
    { 0 },
};
static const LiOption add_options[] = {
    { 'l', "location", NULL, "LOCATION",
      "storage location (auto: XEP-0402 for rooms when the server has it, else private "
      "storage, else local)",
      add_choices, "auto" },
    { 't', "type", NULL, "TYPE", "bookmarks type", type_choices, "muc" },
    { 'n', "name", NULL, "NAME", "bookmark name" },
    { 'N', "nick", NULL, "NICK", "nickname (default: the local part of the profile's JID)" },
    { 'a', "autojoin", NULL, NULL, "join room on profile connection" },
    { 0 },
};
static const LiPositional bookmark_positional[] = {
    { "bookmark", "jid (for muc bookmark) or url" },
    { 0 },
};

static const LiCommand list_command = {
    "list", "list bookmarks", LI_SHARED_PROFILE | LI_SHARED_CONNECT, NULL, list_options,
    NULL,   bookmarks_list,
};
static const LiCommand remove_command = {
    "remove",
    "remove a bookmark",
    LI_SHARED_PROFILE | LI_SHARED_CONNECT,
    NULL,
    remove_options,
    bookmark_positional,
    bookmarks_remove,
};
static const LiCommand add_command = {
    "add",         "add a bookmark", LI_SHARED_PROFILE | LI_SHARED_CONNECT,
    NULL,          add_options,      bookmark_positional,
    bookmarks_add,
};

static const LiCommand *const bookmarks_commands[] = { &list_command, &remove_command, &add_command,
                                                       NULL };

const LiGroup li_cmd_bookmarks = {
    "bookmarks",
    "manage bookmarks",
    NULL,
    bookmarks_commands,
};
