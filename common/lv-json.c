/* lv-json: the JSON arguments of bridge methods (see the header). */
#include "lv-json.h"

#include "lv-error.h"

JsonObject *
lv_json_object_parse(const char *text, const char *what, GError **error)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    JsonNode *root = NULL;

    if (text == NULL || text[0] == '\0')
        return json_object_new();
    if (!json_parser_load_from_data(parser, text, -1, NULL) ||
        !JSON_NODE_HOLDS_OBJECT(root = json_parser_get_root(parser))) {
        g_set_error(error, LV_ERROR, LV_ERROR_DATA, "%s is not a JSON object: %s", what, text);
        return NULL;
    }
    return json_object_ref(json_node_get_object(root));
}

gboolean
lv_json_object_flag(JsonObject *object, const char *name)
{
    JsonNode *value = object != NULL ? json_object_get_member(object, name) : NULL;

    return value != NULL && JSON_NODE_HOLDS_VALUE(value) &&
           json_node_get_value_type(value) == G_TYPE_BOOLEAN && json_node_get_boolean(value);
}
