/* li-output: the output formats of li. */
#include "li-output.h"

#include <stdio.h>

const char *const li_output_list_formats[] = { "simple", "json", "json-raw", NULL };

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
    printf("%s\n", text);
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
