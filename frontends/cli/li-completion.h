/* li-completion: shell completion and the man page of li, written from the
 * command tables so that they never drift from the parser. */
#pragma once

#include "li-command.h"

G_BEGIN_DECLS

/* A bash completion script for li and libervia-cli (transfer full). */
char *li_completion_bash(const LiGroup *root);

/* The li(1) man page in roff (transfer full). */
char *li_completion_man(const LiGroup *root, const char *version);

G_END_DECLS
