/* li-cmd-roster: the `roster` command group: the contacts of a connected profile.
 * stats, purge and resync print what Libervia's CLI prints. */
#include "li-cmd-roster.h"

#include <stdio.h>
#include <string.h>

#include "li-output.h"
#include "li-prompt.h"
#include "lv-error.h"
#include "lv-jid.h"

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
        g_autofree char *safe = li_output_dup_safe(line->str); /* names come from the network */
        printf("%s\n", safe);
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

/* ---- stats, purge, resync ---- */

/* The "to" or "from" attribute of a contact (Libervia sends Python's str(bool)). */
static gboolean
has_subscription(GVariant *attributes, const char *key)
{
    const char *value = NULL;

    return g_variant_lookup(attributes, key, "&s", &value) && g_str_equal(value, "True");
}

typedef struct {
    char *host;
    guint count;
} HostCount;

static void
host_count_free(gpointer data)
{
    HostCount *host = data;

    g_free(host->host);
    g_free(host);
}

static gint
by_count(gconstpointer a, gconstpointer b)
{
    const HostCount *x = *(HostCount *const *)a, *y = *(HostCount *const *)b;

    return x->count == y->count ? 0 : (x->count > y->count ? -1 : 1);
}

/* Python's "{:.1f}", whatever the locale (transfer full). */
static char *
one_decimal(double value)
{
    char buffer[G_ASCII_DTOSTR_BUF_SIZE];

    return g_strdup(g_ascii_formatd(buffer, sizeof buffer, "%.1f", value));
}

typedef struct {
    guint total, no_from, no_to, no_sub, no_group, group_memberships;
    GHashTable *groups; /* distinct group names */
    GPtrArray *hosts;   /* HostCount*, in order of first appearance */
} RosterStats;

static void
count_contact(RosterStats *stats, const char *jid, GVariant *attributes, GVariant *groups)
{
    gboolean from = has_subscription(attributes, "from"), to = has_subscription(attributes, "to");
    g_autoptr(LvJid) parsed = lv_jid_parse(jid, NULL);
    const char *host = parsed != NULL ? lv_jid_get_domain(parsed) : jid;
    HostCount *found = NULL;

    stats->total++;
    if (!from && !to)
        stats->no_sub++;
    else if (!from)
        stats->no_from++;
    else if (!to)
        stats->no_to++;
    for (guint i = 0; i < stats->hosts->len && found == NULL; i++) {
        HostCount *h = stats->hosts->pdata[i];
        if (g_str_equal(h->host, host))
            found = h;
    }
    if (found == NULL) {
        found = g_new0(HostCount, 1);
        found->host = g_strdup(host);
        g_ptr_array_add(stats->hosts, found);
    }
    found->count++;
    gsize n_groups = g_variant_n_children(groups);
    if (n_groups == 0)
        stats->no_group++;
    stats->group_memberships += (guint)n_groups;
    for (gsize i = 0; i < n_groups; i++) {
        const char *group = NULL;
        g_variant_get_child(groups, i, "&s", &group);
        g_hash_table_add(stats->groups, g_strdup(group));
    }
}

static void
print_stats(RosterStats *stats)
{
    guint n_groups = g_hash_table_size(stats->groups);
    g_autofree char *per_group =
            one_decimal(n_groups > 0 ? (double)stats->group_memberships / n_groups : 0);
    g_autofree char *per_contact =
            one_decimal(stats->total > 0 ? (double)stats->group_memberships / stats->total : 0);

    g_ptr_array_sort(stats->hosts, by_count); /* stable: ties keep their order */
    printf("\nTotal number of contacts: %u\n", stats->total);
    printf("Number of different hosts: %u\n\n", stats->hosts->len);
    for (guint i = 0; i < stats->hosts->len; i++) {
        HostCount *host = stats->hosts->pdata[i];
        g_autofree char *rate = one_decimal(100.0 * host->count / stats->total);
        g_autofree char *safe = li_output_dup_safe(host->host);
        printf("Contacts on %s: %u (%s%%)\n", safe, host->count, rate);
    }
    printf("\nContacts with no 'from' subscription: %u\n", stats->no_from);
    printf("Contacts with no 'to' subscription: %u\n", stats->no_to);
    printf("Contacts with no subscription at all: %u\n\n", stats->no_sub);
    printf("Total number of groups: %u\n", n_groups);
    printf("Average contacts per group: %s\n", per_group);
    printf("Average groups' subscriptions per contact: %s\n", per_contact);
    printf("Contacts not assigned to any group: %u\n", stats->no_group);
}

static void
on_stats_contacts(LiContext *ctx, GVariant *reply)
{
    g_autoptr(GVariant) contacts = g_variant_get_child_value(reply, 0);
    g_autoptr(GHashTable) groups = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GPtrArray) hosts = g_ptr_array_new_with_free_func(host_count_free);
    RosterStats stats = { .groups = groups, .hosts = hosts };
    GVariantIter iter;
    const char *jid = NULL;
    GVariant *attributes = NULL, *contact_groups = NULL;

    g_variant_iter_init(&iter, contacts);
    while (g_variant_iter_next(&iter, "(&s@a{ss}@as)", &jid, &attributes, &contact_groups)) {
        count_contact(&stats, jid, attributes, contact_groups);
        g_variant_unref(attributes);
        g_variant_unref(contact_groups);
    }
    print_stats(&stats);
    li_context_done(ctx, 0);
}

static void
on_stats_profile(LiContext *ctx, GVariant *reply)
{
    li_context_call(ctx, "getContacts", g_variant_new("(s)", ctx->profile), on_stats_contacts);
}

static void
roster_stats(LiContext *ctx)
{
    li_context_use_profile(ctx, on_stats_profile);
}

/* @text as Python's repr() of a str shows it, for the messages Libervia formats
 * with !r (transfer full). */
static char *
python_repr(const char *text)
{
    gboolean double_quotes = strchr(text, '\'') != NULL && strchr(text, '"') == NULL;
    GString *repr = g_string_new(double_quotes ? "\"" : "'");

    for (const char *c = text; *c != '\0'; c++) {
        if (*c == '\\' || (*c == '\'' && !double_quotes))
            g_string_append_c(repr, '\\');
        g_string_append_c(repr, *c);
    }
    g_string_append_c(repr, double_quotes ? '"' : '\'');
    return g_string_free(repr, FALSE);
}

typedef struct {
    LiContext *ctx;
    GPtrArray *doomed; /* JIDs to remove, in Libervia's order */
    guint next;
} Purge;

static void
purge_free(gpointer data)
{
    Purge *purge = data;

    g_ptr_array_unref(purge->doomed);
    g_free(purge);
}

static void purge_next(Purge *purge);

static void
on_purged(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Purge *purge = user_data;
    const char *jid = purge->doomed->pdata[purge->next];
    g_autofree char *shown = python_repr(jid);
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) reply = lv_bridge_call_finish(purge->ctx->bridge, result, &error);

    /* As Libervia: a contact that cannot be removed does not stop the others. */
    if (reply == NULL)
        fprintf(stderr, "can't delete contact %s: %s\n", shown, error->message);
    else
        printf("contact %s has been removed\n", shown);
    purge->next++;
    purge_next(purge);
}

static void
purge_next(Purge *purge)
{
    if (purge->next >= purge->doomed->len) {
        li_context_done(purge->ctx, 0);
        return;
    }
    lv_bridge_call(purge->ctx->bridge, "delContact",
                   g_variant_new("(ss)", (const char *)purge->doomed->pdata[purge->next],
                                 purge->ctx->profile),
                   NULL, on_purged, purge);
}

/* Prints one list of contacts to remove, as Libervia does. */
static void
show_doomed(LiContext *ctx, const char *what, GPtrArray *jids)
{
    g_autofree char *profile = python_repr(ctx->profile);

    if (jids->len == 0)
        return;
    printf("There's no %ssubscription between profile %s and the following contacts:\n", what,
           profile);
    for (guint i = 0; i < jids->len; i++) {
        g_autofree char *safe = li_output_dup_safe(jids->pdata[i]);
        printf("    %s\n", safe);
    }
}

static gboolean
purge_confirmed(LiContext *ctx)
{
    g_autofree char *question =
            g_strdup_printf("REMOVE them from profile %s's roster", ctx->profile);

    fflush(stdout);
    if (!li_prompt_is_interactive()) {
        li_context_fail(ctx, g_error_new_literal(LV_ERROR, LV_ERROR_INVALID_ARGUMENT,
                                                 "purging the roster needs a confirmation: "
                                                 "run it on a terminal"));
        return FALSE;
    }
    if (!li_prompt_confirm(question)) {
        li_context_done(ctx, 0); /* as Libervia: saying no is not an error */
        return FALSE;
    }
    return TRUE;
}

static void
on_purge_contacts(LiContext *ctx, GVariant *reply)
{
    g_autoptr(GVariant) contacts = g_variant_get_child_value(reply, 0);
    gboolean with_no_from = li_parsed_get_count(ctx->parsed, "no-from") > 0;
    gboolean with_no_to = li_parsed_get_count(ctx->parsed, "no-to") > 0;
    g_autoptr(GPtrArray) no_sub = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) no_from = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) no_to = g_ptr_array_new_with_free_func(g_free);
    GVariantIter iter;
    const char *jid = NULL;
    GVariant *attributes = NULL;

    g_variant_iter_init(&iter, contacts);
    while (g_variant_iter_next(&iter, "(&s@a{ss}@as)", &jid, &attributes, NULL)) {
        gboolean from = has_subscription(attributes, "from");
        gboolean to = has_subscription(attributes, "to");
        if (!from && !to)
            g_ptr_array_add(no_sub, g_strdup(jid));
        else if (!from && with_no_from)
            g_ptr_array_add(no_from, g_strdup(jid));
        else if (from && !to && with_no_to)
            g_ptr_array_add(no_to, g_strdup(jid));
        g_variant_unref(attributes);
    }
    if (no_sub->len + no_from->len + no_to->len == 0) {
        g_autofree char *profile = python_repr(ctx->profile);
        printf("Nothing to do - there's a from and/or to subscription(s) between profile %s and "
               "each of its contacts\n",
               profile);
        li_context_done(ctx, 0);
        return;
    }
    show_doomed(ctx, "", no_sub);
    show_doomed(ctx, "'from' ", no_from);
    show_doomed(ctx, "'to' ", no_to);
    if (!purge_confirmed(ctx))
        return;
    Purge *purge = g_new0(Purge, 1);
    purge->ctx = ctx;
    purge->doomed = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_extend_and_steal(purge->doomed, g_steal_pointer(&no_sub));
    g_ptr_array_extend_and_steal(purge->doomed, g_steal_pointer(&no_from));
    g_ptr_array_extend_and_steal(purge->doomed, g_steal_pointer(&no_to));
    ctx->data = purge;
    ctx->data_free = purge_free;
    purge_next(purge);
}

static void
on_purge_profile(LiContext *ctx, GVariant *reply)
{
    li_context_call(ctx, "getContacts", g_variant_new("(s)", ctx->profile), on_purge_contacts);
}

static void
roster_purge(LiContext *ctx)
{
    li_context_use_profile(ctx, on_purge_profile);
}

static void
on_resynced(LiContext *ctx, GVariant *reply)
{
    printf("Roster resynchronized\n");
    li_context_done(ctx, 0);
}

static void
on_resync_profile(LiContext *ctx, GVariant *reply)
{
    li_context_call(ctx, "rosterResync", g_variant_new("(s)", ctx->profile), on_resynced);
}

static void
roster_resync(LiContext *ctx)
{
    li_context_use_profile(ctx, on_resync_profile);
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
static const LiOption purge_options[] = {
    { 0, "no-from", NULL, NULL, "also purge contacts with no 'from' subscription" },
    { 0, "no-to", NULL, NULL, "also purge contacts with no 'to' subscription" },
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

static const LiCommand stats_command = {
    "stats",
    "show statistics about a roster",
    LI_SHARED_PROFILE | LI_SHARED_CONNECT,
    NULL,
    NULL,
    NULL,
    roster_stats,
};
static const LiCommand purge_command = {
    "purge",
    "purge the roster from its contacts with no subscription (asks for confirmation)",
    LI_SHARED_PROFILE | LI_SHARED_CONNECT,
    NULL,
    purge_options,
    NULL,
    roster_purge,
};
static const LiCommand resync_command = {
    "resync",
    "do a full resynchronisation of roster with server",
    LI_SHARED_PROFILE | LI_SHARED_CONNECT,
    NULL,
    NULL,
    NULL,
    roster_resync,
};

static const LiCommand *const roster_commands[] = { &add_command,    &delete_command,
                                                    &get_command,    &purge_command,
                                                    &resync_command, &set_command,
                                                    &stats_command,  NULL };

const LiGroup li_cmd_roster = {
    "roster",
    "manage an entity's roster",
    NULL,
    roster_commands,
};
