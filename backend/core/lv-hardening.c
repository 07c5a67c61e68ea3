/* lv-hardening: no core files, no same-user memory readers (see lv-hardening.h). */
#include "lv-hardening.h"

#include <errno.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

void
lv_hardening_apply(void)
{
    struct rlimit no_core = { 0, 0 };

    umask(077);
    if (setrlimit(RLIMIT_CORE, &no_core) != 0)
        g_warning("cannot turn core files off: %s", g_strerror(errno));
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
        g_warning("cannot make the process non-dumpable: %s", g_strerror(errno));
}
