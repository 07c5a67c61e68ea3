/* Fuzzes li's argument parser against the real command tree: the input is split
 * at NULs or newlines into argv (argv[0] = "li"). */
#include "fuzz-common.h"
#include "li-args.h"
#include "li-command.h"

#define MAX_ARGS 64

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) words = NULL;
    char *argv[MAX_ARGS + 2];
    int argc = 0;
    char *usage = NULL;
    LiParsed *parsed;

    fuzz_quiet_logs();
    text = g_malloc(size + 1);
    for (size_t i = 0; i < size; i++)
        text[i] = data[i] == '\0' ? '\n' : (char)data[i];
    text[size] = '\0';
    words = g_strsplit(text, "\n", MAX_ARGS);
    argv[argc++] = (char *)"li";
    for (guint i = 0; words[i] != NULL && argc < MAX_ARGS + 1; i++)
        argv[argc++] = words[i];
    argv[argc] = NULL;

    parsed = li_args_parse(li_commands_root(), argc, argv, &usage, NULL);
    if (parsed != NULL) {
        (void)li_parsed_get_action(parsed);
        (void)li_parsed_get_help(parsed);
        (void)li_parsed_get_positionals(parsed);
        li_parsed_free(parsed);
    }
    g_free(usage);
    return 0;
}
