/* li-gen-docs: writes li's bash completion or man page at build time.
 *   li-gen-docs bash|man */
#include "config.h"

#include <stdio.h>

#include "li-completion.h"

int
main(int argc, char **argv)
{
    g_autofree char *text = NULL;

    if (argc == 2 && g_str_equal(argv[1], "bash"))
        text = li_completion_bash(li_commands_root());
    else if (argc == 2 && g_str_equal(argv[1], "man"))
        text = li_completion_man(li_commands_root(), PACKAGE_VERSION);
    else {
        fprintf(stderr, "usage: li-gen-docs bash|man\n");
        return 2;
    }
    fputs(text, stdout);
    return 0;
}
