/* li-prompt: questions to the person at the terminal: secrets without echo and
 * confirmations. Nothing is asked when there is no terminal. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TRUE when standard input is a terminal we may ask on. */
gboolean li_prompt_is_interactive(void);

/* Reads a line from the terminal without echo; NULL if there is none or on end of
 * input. Free with lv-crypto-like care: li_prompt_free_secret() (transfer full). */
char *li_prompt_secret(const char *prompt);
void li_prompt_free_secret(char *secret);

/* Asks a yes/no question; FALSE unless the answer starts with y. */
gboolean li_prompt_confirm(const char *question);

G_END_DECLS
