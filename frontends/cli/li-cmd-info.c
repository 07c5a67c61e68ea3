/* li-cmd-info: the `info` command group: what an entity says about itself
 * (service discovery, software version) and the running session. Text from the
 * network is made safe before a terminal shows it. */
#include "li-cmd-info.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "li-output.h"
#include "lv-error.h"

static const char *const disco_outputs[] = { "default", "json", "json-raw", "simple", NULL };
static const char *const disco_types[] = { "infos", "items", "both", NULL };

static const char *
target_jid(LiContext *ctx)
{
    return li_parsed_get_positionals(ctx->parsed)[0];
}

/* ---- tables, as Libervia's CLI draws them ---- */

static void
print_rule(const guint *widths, guint columns, const char *left, const char *sep, const char *right)
{
    GString *line = g_string_new(left);

    for (guint c = 0; c < columns; c++) {
        for (guint i = 0; i < widths[c] + 2; i++)
            g_string_append(line, "─");
        g_string_append(line, c + 1 < columns ? sep : right);
    }
    printf("%s\n", line->str);
    g_string_free(line, TRUE);
}

static void
print_row(const guint *widths, guint columns, const char *const *cells)
{
    GString *line = g_string_new("│");

    for (guint c = 0; c < columns; c++) {
        g_string_append_printf(line, " %s", cells[c]);
        for (guint i = g_utf8_strlen(cells[c], -1); i < widths[c] + 1; i++)
            g_string_append_c(line, ' ');
        g_string_append(line, "│");
    }
    printf("%s\n", line->str);
    g_string_free(line, TRUE);
}

/* @rows: a(sss) of network text; three columns under @headers. */
static void
print_table(const char *const *headers, GVariant *rows)
{
    guint widths[3] = { 0 };
    GVariantIter iter;
    const char *cells[3] = { NULL };
    g_autoptr(GPtrArray) safe = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);

    for (guint c = 0; c < 3; c++)
        widths[c] = g_utf8_strlen(headers[c], -1);
    g_variant_iter_init(&iter, rows);
    while (g_variant_iter_next(&iter, "(&s&s&s)", &cells[0], &cells[1], &cells[2])) {
        char **row = g_new0(char *, 4);
        for (guint c = 0; c < 3; c++) {
            row[c] = li_output_dup_safe(cells[c]);
            widths[c] = MAX(widths[c], (guint)g_utf8_strlen(row[c], -1));
        }
        g_ptr_array_add(safe, row);
    }
    print_rule(widths, 3, "┌", "┬", "┐");
    print_row(widths, 3, headers);
    print_rule(widths, 3, "├", "┼", "┤");
    for (guint i = 0; i < safe->len; i++)
        print_row(widths, 3, (const char *const *)safe->pdata[i]);
    print_rule(widths, 3, "└", "┴", "┘");
}

/* ---- info disco ---- */

typedef struct {
    GVariant *features;   /* as, sorted */
    GVariant *identities; /* a(sss), by name */
    GVariant *extensions; /* a{sa(a{ss}as)} */
    GVariant *items;      /* a(sss), by name */
} Disco;

static void
disco_free(gpointer data)
{
    Disco *disco = data;

    g_clear_pointer(&disco->features, g_variant_unref);
    g_clear_pointer(&disco->identities, g_variant_unref);
    g_clear_pointer(&disco->extensions, g_variant_unref);
    g_clear_pointer(&disco->items, g_variant_unref);
    g_free(disco);
}

static gint
compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static gint
compare_by_name(gconstpointer a, gconstpointer b)
{
    const char *x = NULL, *y = NULL;

    g_variant_get_child(*(GVariant *const *)a, 2, "&s", &x);
    g_variant_get_child(*(GVariant *const *)b, 2, "&s", &y);
    return strcmp(x, y);
}

/* @rows (a(sss)) sorted on their third member, the name (transfer full). */
static GVariant *
sorted_rows(GVariant *rows)
{
    g_autoptr(GPtrArray) children = g_ptr_array_new_with_free_func((GDestroyNotify)g_variant_unref);
    GVariantIter iter;
    GVariant *child = NULL;

    g_variant_iter_init(&iter, rows);
    while ((child = g_variant_iter_next_value(&iter)) != NULL)
        g_ptr_array_add(children, child);
    g_ptr_array_sort(children, compare_by_name);
    return g_variant_ref_sink(g_variant_new_array(G_VARIANT_TYPE("(sss)"),
                                                  (GVariant **)children->pdata, children->len));
}

static GVariant *
sorted_strings(GVariant *strings)
{
    g_autofree const char **list = g_variant_get_strv(strings, NULL);

    qsort(list, g_strv_length((char **)list), sizeof *list, compare_strings);
    return g_variant_ref_sink(g_variant_new_strv(list, -1));
}

/* One field as Libervia's CLI shows it: its attributes, then its value(s). */
static void
append_field(GString *out, GVariant *field)
{
    g_autoptr(GVariant) attributes = g_variant_get_child_value(field, 0);
    g_autoptr(GVariant) values = g_variant_get_child_value(field, 1);
    g_autoptr(GVariant) sorted = NULL;
    GVariantIter iter;
    const char *value = NULL;
    char *key = NULL;
    g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func(g_free);

    /* Owned copies: a borrowed string lives no longer than its entry. */
    g_variant_iter_init(&iter, attributes);
    while (g_variant_iter_next(&iter, "{ss}", &key, NULL))
        g_ptr_array_add(keys, key);
    g_ptr_array_sort(keys, compare_strings);
    for (guint i = 0; i < keys->len; i++) {
        g_variant_lookup(attributes, keys->pdata[i], "&s", &value);
        g_autofree char *safe = li_output_dup_safe(value);
        g_string_append_printf(out, "\t%s: %s\n", (const char *)keys->pdata[i], safe);
    }
    gsize count = g_variant_n_children(values);
    if (count == 1) {
        g_variant_get_child(values, 0, "&s", &value);
        g_autofree char *safe = li_output_dup_safe(value);
        g_string_append_printf(out, "\tvalue: %s\n", safe[0] != '\0' ? safe : "UNSET");
    } else if (count > 1) {
        g_string_append(out, "\tvalues:\n");
        for (gsize i = 0; i < count; i++) {
            g_variant_get_child(values, i, "&s", &value);
            g_autofree char *safe = li_output_dup_safe(value);
            g_string_append_printf(out, "\t  - %s\n", safe);
        }
    }
}

static void
print_extensions(GVariant *extensions)
{
    g_autoptr(GPtrArray) types = g_ptr_array_new_with_free_func(g_free);
    GVariantIter iter;
    char *type = NULL;

    g_variant_iter_init(&iter, extensions);
    while (g_variant_iter_next(&iter, "{s@a(a{ss}as)}", &type, NULL))
        g_ptr_array_add(types, type);
    g_ptr_array_sort(types, compare_strings);
    for (guint i = 0; i < types->len; i++) {
        g_autoptr(GVariant) fields = g_variant_lookup_value(extensions, types->pdata[i], NULL);
        g_autofree char *safe = li_output_dup_safe(types->pdata[i]);
        GString *out = g_string_new(NULL);
        for (gsize f = 0; f < g_variant_n_children(fields); f++) {
            g_autoptr(GVariant) field = g_variant_get_child_value(fields, f);
            if (f > 0)
                g_string_append_c(out, '\n');
            append_field(out, field);
        }
        printf("%s\n%s", safe, out->str);
        g_string_free(out, TRUE);
    }
}

/* The sections of Libervia's default output: Features, Identities, Extensions,
 * Items, each shown only when not empty, separated by a blank line. */
static void
print_default(Disco *disco)
{
    static const char *const identity_headers[] = { "category", "type", "name" };
    static const char *const item_headers[] = { "entity", "node_id", "name" };
    gboolean first = TRUE;

    if (disco->features != NULL && g_variant_n_children(disco->features) > 0) {
        g_autofree const char **features = g_variant_get_strv(disco->features, NULL);
        printf("Features\n\n");
        for (gsize i = 0; features[i] != NULL; i++) {
            g_autofree char *safe = li_output_dup_safe(features[i]);
            printf("%s\n", safe);
        }
        first = FALSE;
    }
    if (disco->identities != NULL && g_variant_n_children(disco->identities) > 0) {
        printf("%sIdentities\n\n", first ? "" : "\n");
        print_table(identity_headers, disco->identities);
        first = FALSE;
    }
    if (disco->extensions != NULL && g_variant_n_children(disco->extensions) > 0) {
        printf("%sExtensions\n\n", first ? "" : "\n");
        print_extensions(disco->extensions);
        first = FALSE;
    }
    if (disco->items != NULL && g_variant_n_children(disco->items) > 0) {
        printf("%sItems\n\n", first ? "" : "\n");
        print_table(item_headers, disco->items);
    }
}

/* One line per fact, tab separated, for scripts: "feature NS", "identity
 * CATEGORY TYPE NAME", "extension FORM_TYPE VAR VALUE…", "item JID NODE NAME". */
static void
print_simple(Disco *disco)
{
    GVariantIter iter;
    const char *a = NULL, *b = NULL, *c = NULL;

    if (disco->features != NULL) {
        g_variant_iter_init(&iter, disco->features);
        while (g_variant_iter_next(&iter, "&s", &a)) {
            g_autofree char *safe = li_output_dup_safe(a);
            printf("feature\t%s\n", safe);
        }
    }
    const struct {
        const char *label;
        GVariant *rows;
    } tables[] = { { "identity", disco->identities }, { "item", disco->items } };
    for (gsize t = 0; t < G_N_ELEMENTS(tables); t++) {
        if (tables[t].rows == NULL)
            continue;
        g_variant_iter_init(&iter, tables[t].rows);
        while (g_variant_iter_next(&iter, "(&s&s&s)", &a, &b, &c)) {
            g_autofree char *line = g_strjoin("\t", a, b, c, NULL);
            g_autofree char *safe = li_output_dup_safe(line);
            printf("%s\t%s\n", tables[t].label, safe);
        }
    }
    GVariant *fields = NULL;
    if (disco->extensions == NULL)
        return;
    g_variant_iter_init(&iter, disco->extensions);
    while (g_variant_iter_next(&iter, "{&s@a(a{ss}as)}", &a, &fields)) {
        for (gsize f = 0; f < g_variant_n_children(fields); f++) {
            g_autoptr(GVariant) attributes = NULL;
            g_autofree const char **values = NULL;
            const char *var = "";
            g_variant_get_child(fields, f, "(@a{ss}^a&s)", &attributes, &values);
            g_variant_lookup(attributes, "var", "&s", &var);
            g_autofree char *joined = g_strjoinv("\t", (char **)values);
            g_autofree char *line = g_strjoin("\t", a, var, joined, NULL);
            g_autofree char *safe = li_output_dup_safe(line);
            printf("extension\t%s\n", safe);
        }
        g_variant_unref(fields);
    }
}

static void
print_json(LiContext *ctx, Disco *disco)
{
    g_autoptr(JsonNode) root = json_node_new(JSON_NODE_OBJECT);
    JsonObject *object = json_object_new();

    json_node_take_object(root, object);
    const struct {
        const char *name;
        GVariant *value;
    } members[] = { { "features", disco->features },
                    { "identities", disco->identities },
                    { "extensions", disco->extensions },
                    { "items", disco->items } };

    for (gsize i = 0; i < G_N_ELEMENTS(members); i++) {
        if (members[i].value != NULL)
            json_object_set_member(object, members[i].name,
                                   json_gvariant_serialize(members[i].value));
    }
    li_output_json(ctx, root);
}

static void
disco_output(LiContext *ctx)
{
    Disco *disco = ctx->data;

    if (g_strcmp0(ctx->output, "json") == 0 || g_strcmp0(ctx->output, "json-raw") == 0)
        print_json(ctx, disco);
    else if (g_strcmp0(ctx->output, "simple") == 0)
        print_simple(disco);
    else
        print_default(disco);
    li_context_done(ctx, 0);
}

static void
on_items(LiContext *ctx, GVariant *reply)
{
    Disco *disco = ctx->data;
    g_autoptr(GVariant) items = g_variant_get_child_value(reply, 0);

    disco->items = sorted_rows(items);
    disco_output(ctx);
}

static gboolean
wants(LiContext *ctx, const char *what)
{
    const char *type = li_parsed_get_string(ctx->parsed, "type");

    return g_strcmp0(type, "both") == 0 || g_strcmp0(type, what) == 0;
}

static GVariant *
disco_args(LiContext *ctx)
{
    gboolean use_cache = li_parsed_get_count(ctx->parsed, "no-cache") == 0;
    const char *node = li_parsed_get_string(ctx->parsed, "node");

    return g_variant_new("(ssbs)", target_jid(ctx), node != NULL ? node : "", use_cache,
                         ctx->profile);
}

static void
on_infos(LiContext *ctx, GVariant *reply)
{
    Disco *disco = ctx->data;
    g_autoptr(GVariant) features = NULL;
    g_autoptr(GVariant) identities = NULL;

    g_variant_get(reply, "((@as@a(sss)@a{sa(a{ss}as)}))", &features, &identities,
                  &disco->extensions);
    disco->features = sorted_strings(features);
    disco->identities = sorted_rows(identities);
    if (wants(ctx, "items"))
        li_context_call(ctx, "discoItems", disco_args(ctx), on_items);
    else
        disco_output(ctx);
}

static void
on_disco_profile(LiContext *ctx, GVariant *reply)
{
    ctx->data = g_new0(Disco, 1);
    ctx->data_free = disco_free;
    if (wants(ctx, "infos"))
        li_context_call(ctx, "discoInfos", disco_args(ctx), on_infos);
    else
        li_context_call(ctx, "discoItems", disco_args(ctx), on_items);
}

static void
info_disco(LiContext *ctx)
{
    li_context_use_profile(ctx, on_disco_profile);
}

/* ---- info version ---- */

static void
on_version(LiContext *ctx, GVariant *reply)
{
    const char *name = NULL, *version = NULL, *os = NULL;
    const char *labels[] = { "Software name", "Software version", "Operating System" };

    g_variant_get(reply, "((&s&s&s))", &name, &version, &os);
    const char *values[] = { name, version, os };
    for (gsize i = 0; i < G_N_ELEMENTS(values); i++) {
        g_autofree char *safe = li_output_dup_safe(values[i]);
        if (safe[0] != '\0')
            printf("%s: %s\n", labels[i], safe);
    }
    li_context_done(ctx, 0);
}

static void
on_version_profile(LiContext *ctx, GVariant *reply)
{
    li_context_call(ctx, "getSoftwareVersion", g_variant_new("(ss)", target_jid(ctx), ctx->profile),
                    on_version);
}

static void
info_version(LiContext *ctx)
{
    li_context_use_profile(ctx, on_version_profile);
}

/* ---- info session ---- */

/* "2024-05-01 10:00:00 (UTC, 5 minutes ago)" for a Unix time given as text. */
static char *
started_text(const char *started)
{
    gint64 when = g_ascii_strtoll(started, NULL, 10);
    g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc(when);
    gint64 ago = g_get_real_time() / G_USEC_PER_SEC - when;
    const struct {
        gint64 seconds;
        const char *unit;
    } units[] = { { 86400, "day" }, { 3600, "hour" }, { 60, "minute" }, { 1, "second" } };
    gsize u = 0;

    if (time == NULL)
        return g_strdup(started);
    while (u + 1 < G_N_ELEMENTS(units) && ago < units[u].seconds)
        u++;
    gint64 count = MAX(ago, 0) / units[u].seconds;
    g_autofree char *date = g_date_time_format(time, "%Y-%m-%d %H:%M:%S");
    return g_strdup_printf("%s (UTC, %" G_GINT64_FORMAT " %s%s ago)", date, count, units[u].unit,
                           count == 1 ? "" : "s");
}

static void
on_session(LiContext *ctx, GVariant *reply)
{
    const char *jid = "", *started = "0";
    g_autoptr(GVariant) infos = g_variant_get_child_value(reply, 0);
    g_autofree char *when = NULL;

    g_variant_lookup(infos, "jid", "&s", &jid);
    g_variant_lookup(infos, "started", "&s", &started);
    if (g_strcmp0(ctx->output, "default") == 0) {
        when = started_text(started);
        printf("jid: %s\nstarted: %s\n", jid, when);
    } else {
        const char *const keys[] = { "jid", "started", NULL };
        const char *const values[] = { jid, started, NULL };
        li_output_dict(ctx, keys, values);
    }
    li_context_done(ctx, 0);
}

static void
on_session_profile(LiContext *ctx, GVariant *reply)
{
    li_context_call(ctx, "sessionInfosGet", g_variant_new("(s)", ctx->profile), on_session);
}

static void
info_session(LiContext *ctx)
{
    li_context_use_profile(ctx, on_session_profile);
}

/* ---- the table ---- */

static const LiOption disco_options[] = {
    { 't', "type", NULL, "TYPE", "type of data to discover", disco_types, "both" },
    { 'n', "node", NULL, "NODE", "node to use" },
    { 'C', "no-cache", NULL, NULL, "ignore cache" },
    { 0 },
};
static const LiPositional disco_positionals[] = { { "jid", "entity to discover" }, { 0 } };
static const LiPositional version_positionals[] = { { "jid", "Entity to request" }, { 0 } };

static const LiCommand disco_command = {
    "disco",       "service discovery", LI_SHARED_PROFILE | LI_SHARED_CONNECT,
    disco_outputs, disco_options,       disco_positionals,
    info_disco,
};
static const LiCommand version_command = {
    "version",           "software version", LI_SHARED_PROFILE | LI_SHARED_CONNECT, NULL, NULL,
    version_positionals, info_version,
};
static const LiCommand session_command = {
    "session", "running session", LI_SHARED_PROFILE | LI_SHARED_CONNECT, disco_outputs, NULL,
    NULL,      info_session,
};

static const LiCommand *const info_commands[] = { &disco_command, &session_command,
                                                  &version_command, NULL };

const LiGroup li_cmd_info = {
    "info",
    "get various pieces of information on entities",
    NULL,
    info_commands,
};
