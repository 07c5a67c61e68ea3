/* li-completion: bash completion and li(1) from the command tables. */
#include "li-completion.h"

#include <string.h>

#include "li-args.h"

/* Appends "name1 name2 …" of @group's sub-groups and commands. */
static void
append_children(GString *out, const LiGroup *group)
{
    for (const LiGroup *const *g = group->groups; g != NULL && *g != NULL; g++)
        g_string_append_printf(out, "%s ", (*g)->name);
    for (const LiCommand *const *c = group->commands; c != NULL && *c != NULL; c++)
        g_string_append_printf(out, "%s ", (*c)->name);
}

/* One case entry per group path ("li profile") and per command path. */
static void
append_cases(GString *out, const LiGroup *group, const char *path)
{
    g_string_append_printf(out, "        \"%s\") words=\"-h --help ", path);
    if (strchr(path, ' ') == NULL)
        g_string_append(out, "--version ");
    append_children(out, group);
    g_string_append(out, "\" ;;\n");
    for (const LiGroup *const *g = group->groups; g != NULL && *g != NULL; g++) {
        g_autofree char *sub = g_strconcat(path, " ", (*g)->name, NULL);
        append_cases(out, *g, sub);
    }
    for (const LiCommand *const *c = group->commands; c != NULL && *c != NULL; c++) {
        g_autoptr(GArray) options = li_args_command_options(*c);
        g_string_append_printf(out, "        \"%s %s\") words=\"", path, (*c)->name);
        for (guint i = 0; i < options->len; i++) {
            const LiOption *o = &g_array_index(options, LiOption, i);
            if (o->short_name != 0)
                g_string_append_printf(out, "-%c ", o->short_name);
            g_string_append_printf(out, "--%s ", o->long_name);
            if (o->alias != NULL)
                g_string_append_printf(out, "--%s ", o->alias);
        }
        g_string_append(out, "\" ;;\n");
    }
}

char *
li_completion_bash(const LiGroup *root)
{
    GString *out = g_string_new("# bash completion for li and libervia-cli, generated from "
                                "li's command tables\n"
                                "_li() {\n"
                                "    local cur=${COMP_WORDS[COMP_CWORD]} path=li words= i\n"
                                "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
                                "        case ${COMP_WORDS[i]} in -*) ;; *) path=\"$path "
                                "${COMP_WORDS[i]}\" ;; esac\n"
                                "    done\n"
                                "    while :; do\n"
                                "        case $path in\n");

    append_cases(out, root, root->name);
    g_string_append(out, "        *) path=${path% *}; [ \"$path\" = li ] || continue ;;\n"
                         "        esac\n"
                         "        break\n"
                         "    done\n"
                         "    COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
                         "}\n"
                         "complete -F _li li libervia-cli\n");
    return g_string_free(out, FALSE);
}

static void
man_escape(GString *out, const char *text)
{
    for (const char *p = text; *p != '\0'; p++) {
        if (*p == '\\')
            g_string_append(out, "\\e");
        else if (*p == '-')
            g_string_append(out, "\\-");
        else if ((*p == '.' || *p == '\'') && (p == text || p[-1] == '\n'))
            g_string_append_printf(out, "\\&%c", *p);
        else
            g_string_append_c(out, *p);
    }
}

static void
append_man_commands(GString *out, const LiGroup *group, const char *path)
{
    for (const LiGroup *const *g = group->groups; g != NULL && *g != NULL; g++) {
        g_autofree char *sub = g_strconcat(path, " ", (*g)->name, NULL);
        append_man_commands(out, *g, sub);
    }
    for (const LiCommand *const *c = group->commands; c != NULL && *c != NULL; c++) {
        g_autofree char *full = g_strconcat(path, " ", (*c)->name, NULL);
        g_autofree char *help = li_args_command_help(*c, full);
        g_string_append(out, ".SS ");
        man_escape(out, full);
        g_string_append(out, "\n.nf\n");
        man_escape(out, help);
        g_string_append(out, "\n.fi\n");
    }
}

char *
li_completion_man(const LiGroup *root, const char *version)
{
    GString *out = g_string_new(NULL);

    g_string_append_printf(out, ".TH LI 1 \"\" \"libervia-c %s\" \"User Commands\"\n", version);
    g_string_append(out, ".SH NAME\nli, libervia\\-cli \\- the command line of the Libervia "
                         "XMPP suite\n.SH SYNOPSIS\n.B li\n\\fIGROUP\\fR \\fICOMMAND\\fR "
                         "[\\fIOPTIONS\\fR]\n.SH DESCRIPTION\n");
    man_escape(out, root->help);
    g_string_append(out, ".\nIt talks to \\fBlibervia\\-backend\\fR(1) over D\\-Bus, starting "
                         "it by activation when needed.\n.SH COMMANDS\n");
    append_man_commands(out, root, root->name);
    g_string_append(out, ".SH EXIT STATUS\n0 ok, 1 error, 2 bad argument, 3 bridge error, "
                         "4 a bridge call failed, 5 backend not running and not startable, "
                         "16 not found, 17 data error, 18 missing feature, 19 conflict, "
                         "20 cancelled, 111 internal error.\n.SH SEE ALSO\n"
                         ".BR libervia\\-backend (1)\n");
    return g_string_free(out, FALSE);
}
