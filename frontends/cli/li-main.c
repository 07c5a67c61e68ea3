/* li (libervia-cli): parse the command line, then run the command on the bridge. */
#include "config.h"

#include <locale.h>
#include <stdio.h>

#include "li-args.h"
#include "li-context.h"
#include "lv-error.h"

int
main(int argc, char **argv)
{
    g_autofree char *usage = NULL;
    g_autoptr(GError) error = NULL;

    setlocale(LC_ALL, "");
    LiParsed *parsed = li_args_parse(li_commands_root(), argc, argv, &usage, &error);
    if (parsed == NULL) {
        fprintf(stderr, "%s\nli: error: %s\n", usage != NULL ? usage : "usage: li ...",
                error->message);
        return lv_error_exit_code(error);
    }
    switch (li_parsed_get_action(parsed)) {
    case LI_PARSED_HELP:
        fputs(li_parsed_get_help(parsed), stdout);
        li_parsed_free(parsed);
        return 0;
    case LI_PARSED_VERSION:
        printf("li (libervia-c) %s\nThe command line of the Libervia XMPP suite; it speaks "
               "the bridge of Libervia 0.9.\n",
               PACKAGE_VERSION);
        li_parsed_free(parsed);
        return 0;
    default:
        break;
    }
    g_autoptr(LvConfig) config = lv_config_new(&error);
    if (config == NULL) {
        fprintf(stderr, "li: %s\n", error->message);
        li_parsed_free(parsed);
        return lv_error_exit_code(error);
    }
    g_autoptr(LiContext) ctx = li_context_new(parsed, config);
    return li_context_run(ctx);
}
