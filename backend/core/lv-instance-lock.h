/* lv-instance-lock: one backend per user, told by the pid file.
 *
 * The running backend (daemon or embedded) holds a POSIX write lock on
 * <pid_dir>/libervia.pid, which contains its pid. The lock, not the file's
 * content, says whether a backend runs: the kernel drops it when the process dies,
 * so a pid file left by a crash, or naming a pid since reused by another program,
 * is recognised as stale and never leads us to signal a stranger.
 */
#pragma once

#include <sys/types.h>

#include <glib.h>

G_BEGIN_DECLS

typedef struct _LvInstanceLock LvInstanceLock;

typedef enum {
    LV_INSTANCE_NOT_RUNNING, /* no pid file */
    LV_INSTANCE_RUNNING,     /* a process holds the lock */
    LV_INSTANCE_STALE,       /* a pid file that nobody holds */
} LvInstanceState;

/* The pid file of @config's pid_dir (transfer full). */
char *lv_instance_lock_dup_path(const char *pid_dir);

/* Takes the lock on @path and writes our pid. Fails with LV_ERROR_CONFLICT when
 * another process holds it (the message names its pid), LV_ERROR_CONFIG when the
 * file cannot be opened (transfer full). */
LvInstanceLock *lv_instance_lock_acquire(const char *path, GError **error);

/* Removes the pid file and drops the lock. */
void lv_instance_lock_release(LvInstanceLock *lock);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LvInstanceLock, lv_instance_lock_release)

/* Who holds @path: @pid receives the holder's pid (RUNNING) or the pid written in
 * a stale file (0 if none). An unreadable file or unparsable stale content is an
 * LV_ERROR_DATA error. */
gboolean lv_instance_lock_query(const char *path, LvInstanceState *state, pid_t *pid,
                                GError **error);

G_END_DECLS
