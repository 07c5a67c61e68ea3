/* li-output: prints command results in the format chosen with -O, as Libervia's
 * CLI does: simple (for people), json (indented) and json-raw (one line). */
#pragma once

#include <json-glib/json-glib.h>

#include "li-context.h"

G_BEGIN_DECLS

/* The output formats for text lists, in Libervia's order (default first). */
extern const char *const li_output_list_formats[];

/* Prints @items: one per line (simple) or as a JSON array. */
void li_output_list(LiContext *ctx, const char *const *items);

/* Prints @keys/@values (NULL-terminated, same length): "key: value" lines (simple)
 * or a JSON object. */
void li_output_dict(LiContext *ctx, const char *const *keys, const char *const *values);

/* Prints one text value: as is (simple) or as a JSON string. */
void li_output_text(LiContext *ctx, const char *text);

/* @json (valid UTF-8) with the characters a terminal could obey (DEL, C1 controls,
 * bidi overrides, line/paragraph separators) written as \uXXXX escapes: the same
 * JSON value, safe to print (transfer full). */
char *li_output_json_escape(const char *json);

/* Prints @node as JSON, indented or on one line (json-raw) (transfer none). */
void li_output_json(LiContext *ctx, JsonNode *node);

/* @text from the network made safe for a terminal: C0 and C1 controls (but tab)
 * and the bidi overrides and isolates that would reorder the screen become
 * U+FFFD; invalid UTF-8 too (transfer full). */
char *li_output_dup_safe(const char *text);

G_END_DECLS
