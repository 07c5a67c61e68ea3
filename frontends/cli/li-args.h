/* li-args: parses li's command line against the command tree and writes the help.
 *
 * argparse-like: options before or after positionals, --name=value and --name
 * value, -xVALUE and -x VALUE, bundled flags (-vv), "--" ends the options. Long
 * options must be spelled out (no prefixes). Any input gives a result or an error,
 * never a crash: this is a fuzz target.
 */
#pragma once

#include "li-command.h"

G_BEGIN_DECLS

typedef struct _LiParsed LiParsed;

typedef enum {
    LI_PARSED_RUN,     /* run the command */
    LI_PARSED_HELP,    /* print li_parsed_get_help() and exit 0 */
    LI_PARSED_VERSION, /* print the version and exit 0 */
} LiParsedAction;

/* Parses @argv (argv[0] is the program). On error returns NULL with
 * LV_ERROR_INVALID_ARGUMENT and puts in @usage the usage line of the deepest
 * group or command reached (transfer full), for "usage: … \n li: error: …". */
LiParsed *li_args_parse(const LiGroup *root, int argc, char **argv, char **usage, GError **error);
void li_parsed_free(LiParsed *parsed);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LiParsed, li_parsed_free)

LiParsedAction li_parsed_get_action(LiParsed *parsed);
/* The help text of the group or command asked about (transfer none). */
const char *li_parsed_get_help(LiParsed *parsed);
/* The command to run (transfer none), NULL unless the action is RUN. */
const LiCommand *li_parsed_get_command(LiParsed *parsed);

/* How many times flag @long_name was given. */
guint li_parsed_get_count(LiParsed *parsed, const char *long_name);
/* The last value of option @long_name, its default, or NULL (transfer none). */
const char *li_parsed_get_string(LiParsed *parsed, const char *long_name);
/* Every value of a repeatable option, NULL-terminated (transfer none). */
const char *const *li_parsed_get_strings(LiParsed *parsed, const char *long_name);
/* The positionals, NULL-terminated (transfer none). */
const char *const *li_parsed_get_positionals(LiParsed *parsed);

/* The options @command accepts, as LiOption: -h, its shared sets, -O, then its
 * own (transfer full). */
GArray *li_args_command_options(const LiCommand *command);

/* The help of a command or a group (transfer full); @path is "li profile". */
char *li_args_command_help(const LiCommand *command, const char *path);
char *li_args_group_help(const LiGroup *group, const char *path);

G_END_DECLS
