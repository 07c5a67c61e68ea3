/* li-output: the output formats of li. */
#include "li-output.h"

#include <stdio.h>
#include <string.h>

const char *const li_output_list_formats[] = { "simple", "json", "json-raw", NULL };

char *
li_output_json_escape(const char *json)
{
    GString *out = g_string_sized_new(strlen(json));

    /* Outside strings JSON holds only ASCII, so every such character is inside a
     * string, where \uXXXX means the same character. */
    for (const char *p = json; *p != '\0'; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if ((c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) ||
            (c >= 0x2066 && c <= 0x2069) || c == 0x2028 || c == 0x2029)
            g_string_append_printf(out, "\\u%04x", c);
        else
            g_string_append_len(out, p, g_utf8_next_char(p) - p);
    }
    return g_string_free(out, FALSE);
}

void
li_output_json(LiContext *ctx, JsonNode *node)
{
    g_autoptr(JsonGenerator) generator = json_generator_new();

    json_generator_set_root(generator, node);
    if (g_strcmp0(ctx->output, "json-raw") != 0) {
        json_generator_set_pretty(generator, TRUE);
        json_generator_set_indent(generator, 2);
    }
    g_autofree char *text = json_generator_to_data(generator, NULL);
    g_autofree char *escaped = li_output_json_escape(text);
    printf("%s\n", escaped);
}

void
li_output_list(LiContext *ctx, const char *const *items)
{
    if (ctx->output == NULL || g_str_equal(ctx->output, "simple")) {
        for (gsize i = 0; items[i] != NULL; i++)
            printf("%s\n", items[i]);
        return;
    }
    g_autoptr(JsonBuilder) builder = json_builder_new();
    json_builder_begin_array(builder);
    for (gsize i = 0; items[i] != NULL; i++)
        json_builder_add_string_value(builder, items[i]);
    json_builder_end_array(builder);
    g_autoptr(JsonNode) root = json_builder_get_root(builder);
    li_output_json(ctx, root);
}

void
li_output_dict(LiContext *ctx, const char *const *keys, const char *const *values)
{
    if (ctx->output == NULL || g_str_equal(ctx->output, "simple")) {
        for (gsize i = 0; keys[i] != NULL; i++)
            printf("%s: %s\n", keys[i], values[i]);
        return;
    }
    g_autoptr(JsonBuilder) builder = json_builder_new();
    json_builder_begin_object(builder);
    for (gsize i = 0; keys[i] != NULL; i++) {
        json_builder_set_member_name(builder, keys[i]);
        json_builder_add_string_value(builder, values[i]);
    }
    json_builder_end_object(builder);
    g_autoptr(JsonNode) root = json_builder_get_root(builder);
    li_output_json(ctx, root);
}

void
li_output_text(LiContext *ctx, const char *text)
{
    if (ctx->output == NULL || g_str_equal(ctx->output, "simple")) {
        printf("%s\n", text);
        return;
    }
    g_autoptr(JsonNode) node = json_node_new(JSON_NODE_VALUE);
    json_node_set_string(node, text);
    li_output_json(ctx, node);
}

char *
li_output_dup_safe(const char *text)
{
    g_autofree char *valid = g_utf8_make_valid(text != NULL ? text : "", -1);
    GString *out = g_string_sized_new(strlen(valid));

    for (const char *p = valid; *p != '\0'; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        gboolean control = (c < 0x20 && c != '\t') || (c >= 0x7f && c <= 0x9f);
        gboolean bidi = (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
        if (control || bidi)
            g_string_append_unichar(out, 0xfffd);
        else
            g_string_append_unichar(out, c);
    }
    return g_string_free(out, FALSE);
}
