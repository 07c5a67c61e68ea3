/* tui-commands: the `:` commands, one table (name, arguments, help, handler) that
 * drives parsing, `:help` and the manual. */
#pragma once

#include "tui-app.h"

G_BEGIN_DECLS

typedef struct {
    const char *name;
    const char *args; /* usage of the arguments, "" for none */
    guint min_args;
    gboolean rest; /* the last argument takes the rest of the line, spaces included */
    guint max_args;
    const char *help;
    void (*exec)(TuiApp *app, char **args);
} TuiCommand;

/* The table, terminated by an entry whose name is NULL (transfer none). */
const TuiCommand *tui_commands(void);

/* Splits @line ("join room@x nick") into its command and arguments: NULL with
 * @error (LV_ERROR_INVALID_ARGUMENT, saying the usage) for an unknown command or
 * the wrong number of arguments; @args is set to a NULL-terminated array (transfer
 * full). A leading ':' is allowed. */
const TuiCommand *tui_commands_parse(const char *line, char ***args, GError **error);

/* Parses and runs @line; an error goes to the status line. */
void tui_commands_run(TuiApp *app, const char *line);

G_END_DECLS
