/* li-args: the command-line parser and the help writer of li. */
#include "li-args.h"

#include <string.h>

#include "lv-error.h"

struct _LiParsed {
    LiParsedAction action;
    const LiCommand *command;
    char *help;
    GArray *options;        /* LiOption: the command's effective options */
    GHashTable *values;     /* long name → GPtrArray of values (flags: "") */
    GPtrArray *positionals; /* NULL-terminated */
};

static const LiOption help_option = { 'h', "help", NULL, NULL, "show this help and exit" };

/* The options of Libervia's shared sets, in the order its --help shows them. */
static const LiOption shared_profile[] = {
    { 'p', "profile", NULL, "PROFILE", "use PROFILE (%(default)s by default)", NULL, "@DEFAULT@" },
    { 0, "pwd", NULL, "PASSWORD",
      "the profile password, if the session is not started (asked without echo on a terminal "
      "when omitted: arguments are visible to other local users)" },
};
static const LiOption shared_connect = { 'c', "connect", NULL, NULL,
                                         "connect the profile before doing anything else" };
static const LiOption shared_session = { 0, "start-session", NULL, NULL,
                                         "start a profile session without connecting" };
static const LiOption shared_verbose = {
    'v',  "verbose", NULL,         NULL, "add a verbosity level (can be used multiple times)",
    NULL, NULL,      LI_OPT_REPEAT
};
static const LiOption shared_quiet = { 'q', "quiet", NULL, NULL,
                                       "be quiet (only output machine readable data)" };
static const LiOption output_option = { 'O', "output", NULL, "{…}", "select output format" };
static const LiOption output_options_option = {
    0, "output-option", "oo", "OUTPUT_OPT", "output specific option", NULL, NULL, LI_OPT_REPEAT
};

static void
values_free(gpointer data)
{
    g_ptr_array_unref(data);
}

static LiParsed *
li_parsed_new(void)
{
    LiParsed *parsed = g_new0(LiParsed, 1);

    parsed->options = g_array_new(FALSE, FALSE, sizeof(LiOption));
    parsed->values = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, values_free);
    parsed->positionals = g_ptr_array_new_with_free_func(g_free);
    return parsed;
}

void
li_parsed_free(LiParsed *parsed)
{
    if (parsed == NULL)
        return;
    g_array_unref(parsed->options);
    g_hash_table_unref(parsed->values);
    g_ptr_array_unref(parsed->positionals);
    g_free(parsed->help);
    g_free(parsed);
}

GArray *
li_args_command_options(const LiCommand *command)
{
    GArray *options = g_array_new(FALSE, FALSE, sizeof(LiOption));

    g_array_append_val(options, help_option);
    if (command->shared & LI_SHARED_PROFILE)
        g_array_append_vals(options, shared_profile, G_N_ELEMENTS(shared_profile));
    if (command->shared & LI_SHARED_CONNECT)
        g_array_append_val(options, shared_connect);
    if (command->shared & LI_SHARED_SESSION)
        g_array_append_val(options, shared_session);
    if (command->shared & LI_SHARED_VERBOSE)
        g_array_append_val(options, shared_verbose);
    if (command->shared & LI_SHARED_QUIET)
        g_array_append_val(options, shared_quiet);
    if (command->outputs != NULL) {
        LiOption output = output_option;
        output.choices = command->outputs;
        output.default_value = command->outputs[0];
        g_array_append_val(options, output);
        g_array_append_val(options, output_options_option);
    }
    for (const LiOption *o = command->options; o != NULL && o->long_name != NULL; o++)
        g_array_append_val(options, *o);
    return options;
}

static char *
choices_text(const char *const *choices)
{
    g_autofree char *joined = g_strjoinv(",", (char **)choices);

    return g_strconcat("{", joined, "}", NULL);
}

static void
append_option_usage(GString *out, const LiOption *o)
{
    g_autofree char *metavar = o->choices != NULL ? choices_text(o->choices) : NULL;
    const char *value = metavar != NULL ? metavar : o->metavar;

    if (o->short_name != 0)
        g_string_append_printf(out, " [-%c", o->short_name);
    else
        g_string_append_printf(out, " [--%s", o->long_name);
    if (value != NULL)
        g_string_append_printf(out, " %s", value);
    g_string_append_c(out, ']');
}

static char *
command_usage(const LiCommand *command, const char *path)
{
    GString *out = g_string_new(NULL);
    g_autoptr(GArray) options = li_args_command_options(command);

    g_string_append_printf(out, "usage: %s", path);
    for (guint i = 0; i < options->len; i++)
        append_option_usage(out, &g_array_index(options, LiOption, i));
    for (const LiPositional *p = command->positionals; p != NULL && p->name != NULL; p++)
        g_string_append_printf(out,
                               p->variadic   ? " [%s ...]"
                               : p->optional ? " [%s]"
                                             : " %s",
                               p->name);
    return g_string_free(out, FALSE);
}

/* "{a,b,c}": the sub-groups and commands of @group. */
static char *
group_choices(const LiGroup *group)
{
    GString *out = g_string_new("{");

    for (const LiGroup *const *g = group->groups; g != NULL && *g != NULL; g++)
        g_string_append_printf(out, "%s%s", out->len > 1 ? "," : "", (*g)->name);
    for (const LiCommand *const *c = group->commands; c != NULL && *c != NULL; c++)
        g_string_append_printf(out, "%s%s", out->len > 1 ? "," : "", (*c)->name);
    g_string_append_c(out, '}');
    return g_string_free(out, FALSE);
}

static char *
group_usage(const LiGroup *group, const char *path)
{
    g_autofree char *choices = group_choices(group);
    gboolean root = strchr(path, ' ') == NULL;

    return g_strdup_printf("usage: %s [-h]%s %s ...", path, root ? " [--version]" : "", choices);
}

static void
append_help_line(GString *out, const char *left, const char *help)
{
    if (strlen(left) <= 22)
        g_string_append_printf(out, "  %-22s %s\n", left, help != NULL ? help : "");
    else
        g_string_append_printf(out, "  %s\n  %-22s %s\n", left, "", help != NULL ? help : "");
}

static char *
option_label(const LiOption *o)
{
    g_autofree char *metavar = o->choices != NULL ? choices_text(o->choices) : NULL;
    const char *value = metavar != NULL ? metavar : o->metavar;
    GString *label = g_string_new(NULL);

    if (o->short_name != 0)
        g_string_append_printf(label, "-%c%s%s, ", o->short_name, value ? " " : "",
                               value ? value : "");
    g_string_append_printf(label, "--%s%s%s", o->long_name, value ? " " : "", value ? value : "");
    if (o->alias != NULL)
        g_string_append_printf(label, ", --%s%s%s", o->alias, value ? " " : "", value ? value : "");
    return g_string_free(label, FALSE);
}

char *
li_args_command_help(const LiCommand *command, const char *path)
{
    g_autofree char *usage = command_usage(command, path);
    g_autoptr(GArray) options = li_args_command_options(command);
    GString *out = g_string_new(usage);

    g_string_append_printf(out, "\n\n%s\n", command->help);
    if (command->positionals != NULL && command->positionals->name != NULL) {
        g_string_append(out, "\npositional arguments:\n");
        for (const LiPositional *p = command->positionals; p->name != NULL; p++)
            append_help_line(out, p->name, p->help);
    }
    g_string_append(out, "\noptions:\n");
    for (guint i = 0; i < options->len; i++) {
        const LiOption *o = &g_array_index(options, LiOption, i);
        g_autofree char *label = option_label(o);
        g_autofree char *help = o->default_value != NULL && strstr(o->help, "%(default)s")
                                        ? NULL
                                        : g_strdup(o->help);
        if (help == NULL) {
            g_auto(GStrv) parts = g_strsplit(o->help, "%(default)s", -1);
            help = g_strjoinv(o->default_value, parts);
        } else if (o->default_value != NULL) {
            g_autofree char *plain = g_steal_pointer(&help);
            help = g_strdup_printf("%s (default: %s)", plain, o->default_value);
        }
        append_help_line(out, label, help);
    }
    return g_string_free(out, FALSE);
}

char *
li_args_group_help(const LiGroup *group, const char *path)
{
    g_autofree char *usage = group_usage(group, path);
    GString *out = g_string_new(usage);

    g_string_append_printf(out, "\n\n%s\n\ncommands:\n", group->help);
    for (const LiGroup *const *g = group->groups; g != NULL && *g != NULL; g++)
        append_help_line(out, (*g)->name, (*g)->help);
    for (const LiCommand *const *c = group->commands; c != NULL && *c != NULL; c++)
        append_help_line(out, (*c)->name, (*c)->help);
    g_string_append(out, "\noptions:\n");
    append_help_line(out, "-h, --help", "show this help and exit");
    if (strchr(path, ' ') == NULL)
        append_help_line(out, "--version", "show the version and exit");
    g_string_append_printf(out, "\nRun '%s COMMAND --help' for the help of a command.\n", path);
    return g_string_free(out, FALSE);
}

/* The parse of one command line: where we are and what we found. */
typedef struct {
    LiParsed *parsed;
    GString *path; /* "li profile list" so far */
    char **usage;  /* out: usage of the deepest level reached */
} LiParser;

static gboolean G_GNUC_PRINTF(2, 3) fail(GError **error, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    g_autofree char *what = g_strdup_vprintf(format, args);
    va_end(args);
    g_set_error_literal(error, LV_ERROR, LV_ERROR_INVALID_ARGUMENT, what);
    return FALSE;
}

static const LiOption *
find_long(GArray *options, const char *name)
{
    for (guint i = 0; i < options->len; i++) {
        const LiOption *o = &g_array_index(options, LiOption, i);
        if (g_str_equal(o->long_name, name) || g_strcmp0(o->alias, name) == 0)
            return o;
    }
    return NULL;
}

static const LiOption *
find_short(GArray *options, char name)
{
    for (guint i = 0; i < options->len; i++) {
        const LiOption *o = &g_array_index(options, LiOption, i);
        if (o->short_name == name)
            return o;
    }
    return NULL;
}

/* Options with a metavar or choices take a value; the others are flags. */
static gboolean
takes_value(const LiOption *o)
{
    return o->metavar != NULL || o->choices != NULL;
}

static gboolean
store_value(LiParsed *parsed, const LiOption *o, const char *value, GError **error)
{
    GPtrArray *values = g_hash_table_lookup(parsed->values, o->long_name);

    if (o->choices != NULL && value != NULL &&
        !g_strv_contains((const char *const *)o->choices, value)) {
        g_autofree char *choices = choices_text(o->choices);
        return fail(error, "argument --%s: invalid choice: '%s' (choose from %s)", o->long_name,
                    value, choices);
    }
    if (values == NULL) {
        values = g_ptr_array_new_with_free_func(g_free);
        g_hash_table_insert(parsed->values, (gpointer)o->long_name, values);
    } else if (values->len > 0 && !takes_value(o) && !(o->flags & LI_OPT_REPEAT)) {
        return TRUE; /* a flag given twice is still one flag */
    }
    if (values->len > 0)
        g_ptr_array_remove_index(values, values->len - 1); /* drop the NULL terminator */
    g_ptr_array_add(values, g_strdup(value != NULL ? value : ""));
    g_ptr_array_add(values, NULL);
    return TRUE;
}

/* An option of LI_OPT_PAIR (argparse's nargs=2, as Libervia's -f KEY VALUE) takes
 * the next argument as its second value. */
static gboolean
store_second(LiParsed *parsed, const LiOption *o, char **argv, int argc, int *i, GError **error)
{
    if (!(o->flags & LI_OPT_PAIR))
        return TRUE;
    if (*i + 1 >= argc)
        return fail(error, "argument --%s: expected 2 arguments", o->long_name);
    return store_value(parsed, o, argv[++*i], error);
}

/* --name, --name=value, --name value. */
static gboolean
parse_long(LiParsed *parsed, char **argv, int argc, int *i, GError **error)
{
    const char *arg = argv[*i] + 2;
    const char *eq = strchr(arg, '=');
    g_autofree char *name = eq != NULL ? g_strndup(arg, (gsize)(eq - arg)) : g_strdup(arg);
    const LiOption *o = find_long(parsed->options, name);

    if (o == NULL)
        return fail(error, "unrecognized argument: --%s", name);
    if (!takes_value(o)) {
        if (eq != NULL)
            return fail(error, "argument --%s: ignored explicit argument '%s'", name, eq + 1);
        return store_value(parsed, o, NULL, error);
    }
    if (eq != NULL)
        return store_value(parsed, o, eq + 1, error) &&
               store_second(parsed, o, argv, argc, i, error);
    if (*i + 1 >= argc)
        return fail(error, "argument --%s: expected one argument", name);
    return store_value(parsed, o, argv[++*i], error) &&
           store_second(parsed, o, argv, argc, i, error);
}

/* -x, -xVALUE, -x VALUE, -vvq. */
static gboolean
parse_short(LiParsed *parsed, char **argv, int argc, int *i, GError **error)
{
    const char *arg = argv[*i];

    for (const char *p = arg + 1; *p != '\0'; p++) {
        const LiOption *o = find_short(parsed->options, *p);
        if (o == NULL)
            return fail(error, "unrecognized argument: -%c", *p);
        if (!takes_value(o)) {
            if (!store_value(parsed, o, NULL, error))
                return FALSE;
            continue;
        }
        if (p[1] != '\0')
            return store_value(parsed, o, p[1] == '=' ? p + 2 : p + 1, error) &&
                   store_second(parsed, o, argv, argc, i, error);
        if (*i + 1 >= argc)
            return fail(error, "argument -%c/--%s: expected one argument", *p, o->long_name);
        return store_value(parsed, o, argv[++*i], error) &&
               store_second(parsed, o, argv, argc, i, error);
    }
    return TRUE;
}

static gboolean
check_positionals(const LiCommand *command, GPtrArray *positionals, GError **error)
{
    guint wanted = 0;
    guint required = 0;

    for (const LiPositional *p = command->positionals; p != NULL && p->name != NULL; p++) {
        wanted = p->variadic ? G_MAXUINT : wanted + 1;
        if (!p->optional)
            required++;
    }
    if (positionals->len < required) {
        GString *missing = g_string_new(NULL);
        guint n = 0;
        for (const LiPositional *p = command->positionals; p->name != NULL; p++, n++) {
            if (n >= positionals->len && !p->optional)
                g_string_append_printf(missing, "%s%s", missing->len ? ", " : "", p->name);
        }
        g_autofree char *text = g_string_free(missing, FALSE);
        return fail(error, "the following arguments are required: %s", text);
    }
    if (positionals->len > wanted)
        return fail(error, "unrecognized arguments: %s", (char *)positionals->pdata[wanted]);
    return TRUE;
}

static gboolean
looks_negative(const char *arg)
{
    char *end = NULL;

    g_ascii_strtod(arg, &end);
    return g_ascii_isdigit(arg[1]) && end != NULL && *end == '\0';
}

static gboolean
parse_command(LiParser *parser, const LiCommand *command, int argc, char **argv, int i,
              GError **error)
{
    LiParsed *parsed = parser->parsed;
    gboolean options_done = FALSE;

    g_free(*parser->usage);
    *parser->usage = command_usage(command, parser->path->str);
    parsed->command = command;
    g_array_unref(parsed->options);
    parsed->options = li_args_command_options(command);
    for (; i < argc; i++) {
        const char *arg = argv[i];
        gboolean ok = TRUE;
        /* As argparse: "-1" is a negative number, not an option (no option of ours
         * looks like one). */
        if (options_done || arg[0] != '-' || arg[1] == '\0' || looks_negative(arg))
            g_ptr_array_add(parsed->positionals, g_strdup(arg));
        else if (g_str_equal(arg, "--"))
            options_done = TRUE;
        else if (arg[1] == '-')
            ok = parse_long(parsed, argv, argc, &i, error);
        else
            ok = parse_short(parsed, argv, argc, &i, error);
        if (!ok)
            return FALSE;
    }
    if (li_parsed_get_count(parsed, "help") > 0) {
        parsed->action = LI_PARSED_HELP;
        parsed->help = li_args_command_help(command, parser->path->str);
        return TRUE;
    }
    if (li_parsed_get_count(parsed, "connect") > 0 &&
        li_parsed_get_count(parsed, "start-session") > 0)
        return fail(error, "argument --start-session: not allowed with argument -c/--connect");
    if (!check_positionals(command, parsed->positionals, error))
        return FALSE;
    parsed->action = LI_PARSED_RUN;
    return TRUE;
}

static gboolean
parse_group(LiParser *parser, const LiGroup *group, int argc, char **argv, int i, GError **error)
{
    gboolean root = strchr(parser->path->str, ' ') == NULL;

    g_free(*parser->usage);
    *parser->usage = group_usage(group, parser->path->str);
    for (; i < argc; i++) {
        const char *arg = argv[i];
        if (g_str_equal(arg, "-h") || g_str_equal(arg, "--help")) {
            parser->parsed->action = LI_PARSED_HELP;
            parser->parsed->help = li_args_group_help(group, parser->path->str);
            return TRUE;
        }
        if (root && g_str_equal(arg, "--version")) {
            parser->parsed->action = LI_PARSED_VERSION;
            return TRUE;
        }
        if (arg[0] == '-')
            return fail(error, "unrecognized argument: %s", arg);
        g_string_append_printf(parser->path, " %s", arg);
        for (const LiGroup *const *g = group->groups; g != NULL && *g != NULL; g++) {
            if (g_str_equal((*g)->name, arg))
                return parse_group(parser, *g, argc, argv, i + 1, error);
        }
        for (const LiCommand *const *c = group->commands; c != NULL && *c != NULL; c++) {
            if (g_str_equal((*c)->name, arg))
                return parse_command(parser, *c, argc, argv, i + 1, error);
        }
        g_autofree char *choices = group_choices(group);
        return fail(error, "argument command: invalid choice: '%s' (choose from %s)", arg, choices);
    }
    return fail(error, "a command is required (try '%s --help')", parser->path->str);
}

LiParsed *
li_args_parse(const LiGroup *root, int argc, char **argv, char **usage, GError **error)
{
    g_autoptr(LiParsed) parsed = li_parsed_new();
    g_autoptr(GString) path = g_string_new(root->name);
    LiParser parser = { parsed, path, usage };

    *usage = NULL;
    if (!parse_group(&parser, root, argc, argv, 1, error))
        return NULL;
    g_ptr_array_add(parsed->positionals, NULL);
    return g_steal_pointer(&parsed);
}

LiParsedAction
li_parsed_get_action(LiParsed *parsed)
{
    return parsed->action;
}

const char *
li_parsed_get_help(LiParsed *parsed)
{
    return parsed->help;
}

const LiCommand *
li_parsed_get_command(LiParsed *parsed)
{
    return parsed->action == LI_PARSED_RUN ? parsed->command : NULL;
}

guint
li_parsed_get_count(LiParsed *parsed, const char *long_name)
{
    GPtrArray *values = g_hash_table_lookup(parsed->values, long_name);

    return values != NULL && values->len > 0 ? values->len - 1 : 0;
}

const char *
li_parsed_get_string(LiParsed *parsed, const char *long_name)
{
    GPtrArray *values = g_hash_table_lookup(parsed->values, long_name);

    if (values != NULL && values->len > 1)
        return g_ptr_array_index(values, values->len - 2);
    const LiOption *o = find_long(parsed->options, long_name);
    return o != NULL ? o->default_value : NULL;
}

const char *const *
li_parsed_get_strings(LiParsed *parsed, const char *long_name)
{
    static const char *const none[] = { NULL };
    GPtrArray *values = g_hash_table_lookup(parsed->values, long_name);

    return values != NULL ? (const char *const *)values->pdata : none;
}

const char *const *
li_parsed_get_positionals(LiParsed *parsed)
{
    return (const char *const *)parsed->positionals->pdata;
}
