/* lv-hardening: what the backend process does to itself before it holds secrets.
 *
 * The profile keys and decrypted XMPP passwords live in this process's memory:
 * a core file would write them to disk, and any process of the same user could
 * read them through ptrace or /proc/PID/mem. So the process is made non-dumpable
 * (which also refuses ptrace and /proc/PID/mem to same-uid processes without
 * CAP_SYS_PTRACE), core files are turned off, and files are created private.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* umask 077, RLIMIT_CORE 0, PR_SET_DUMPABLE 0; a warning for what fails. */
void lv_hardening_apply(void);

G_END_DECLS
