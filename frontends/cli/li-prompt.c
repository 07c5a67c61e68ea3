/* li-prompt: terminal questions through /dev/tty, echo off for secrets. */
#include "li-prompt.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

gboolean
li_prompt_is_interactive(void)
{
    return isatty(STDIN_FILENO) && isatty(STDERR_FILENO);
}

static char *
read_line(FILE *in)
{
    char buffer[1024];

    if (fgets(buffer, sizeof buffer, in) == NULL)
        return NULL;
    buffer[strcspn(buffer, "\r\n")] = '\0';
    char *line = g_strdup(buffer);
    memset(buffer, 0, sizeof buffer);
    return line;
}

char *
li_prompt_secret(const char *prompt)
{
    struct termios saved, quiet;

    if (!li_prompt_is_interactive())
        return NULL;
    /* Echo goes off before the prompt shows, and nothing typed ahead is dropped. */
    gboolean restore = tcgetattr(STDIN_FILENO, &saved) == 0;
    if (restore) {
        quiet = saved;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    fprintf(stderr, "%s", prompt);
    fflush(stderr);
    char *line = read_line(stdin);
    if (restore)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    fprintf(stderr, "\n");
    return line;
}

void
li_prompt_free_secret(char *secret)
{
    if (secret == NULL)
        return;
    memset(secret, 0, strlen(secret));
    g_free(secret);
}

gboolean
li_prompt_confirm(const char *question)
{
    if (!li_prompt_is_interactive())
        return FALSE;
    fprintf(stderr, "%s [y/N] ", question);
    fflush(stderr);
    g_autofree char *answer = read_line(stdin);
    return answer != NULL && (answer[0] == 'y' || answer[0] == 'Y');
}
