/* lv-json: the JSON arguments of bridge methods (Libervia passes extras and options
 * as serialised JSON objects). */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The object serialised in @text (transfer full); "" is an empty object. Anything
 * else than an object is a DataError naming @what. */
JsonObject *lv_json_object_parse(const char *text, const char *what, GError **error);

/* TRUE only if @object (may be NULL) has @name set to the boolean true: a string
 * "true" or 1 does not count. */
gboolean lv_json_object_flag(JsonObject *object, const char *name);

G_END_DECLS
