/* lv-instance-lock: fcntl locks on the pid file (see the header for why). */
#include "lv-instance-lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "lv-error.h"

struct _LvInstanceLock {
    char *path;
    int fd;
};

char *
lv_instance_lock_dup_path(const char *pid_dir)
{
    return g_build_filename(pid_dir, "libervia.pid", NULL);
}

/* The pid holding a write lock on @fd, 0 if none, -1 on error. */
static pid_t
lock_holder(int fd)
{
    struct flock probe = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

    if (fcntl(fd, F_GETLK, &probe) < 0)
        return -1;
    return probe.l_type == F_UNLCK ? 0 : probe.l_pid;
}

LvInstanceLock *
lv_instance_lock_acquire(const char *path, GError **error)
{
    /* No O_TRUNC: the file of a running backend must survive our attempt. */
    int fd = g_open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        int saved = errno;
        g_set_error(error, LV_ERROR, LV_ERROR_CONFIG, "cannot open pid file %s: %s", path,
                    g_strerror(saved));
        return NULL;
    }
    struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    if (fcntl(fd, F_SETLK, &lock) < 0) {
        pid_t holder = lock_holder(fd);
        close(fd);
        g_set_error(error, LV_ERROR, LV_ERROR_CONFLICT,
                    "another backend is already running for this user (pid %d, pid file %s)",
                    (int)holder, path);
        return NULL;
    }
    g_autofree char *text = g_strdup_printf("%d\n", (int)getpid());
    gsize length = strlen(text);
    if (ftruncate(fd, 0) < 0 || pwrite(fd, text, length, 0) != (ssize_t)length) {
        int saved = errno;
        close(fd);
        g_set_error(error, LV_ERROR, LV_ERROR_CONFIG, "cannot write pid file %s: %s", path,
                    g_strerror(saved));
        return NULL;
    }
    LvInstanceLock *self = g_new0(LvInstanceLock, 1);
    self->path = g_strdup(path);
    self->fd = fd;
    return self;
}

void
lv_instance_lock_release(LvInstanceLock *lock)
{
    if (lock == NULL)
        return;
    /* Unlink while still holding the lock, so nobody sees a file without holder. */
    g_unlink(lock->path);
    close(lock->fd);
    g_free(lock->path);
    g_free(lock);
}

static gboolean
parse_pid(const char *text, pid_t *pid)
{
    guint64 value = 0;
    g_autofree char *stripped = g_strstrip(g_strdup(text));

    if (!g_ascii_string_to_unsigned(stripped, 10, 1, G_MAXINT32, &value, NULL))
        return FALSE;
    *pid = (pid_t)value;
    return TRUE;
}

gboolean
lv_instance_lock_query(const char *path, LvInstanceState *state, pid_t *pid, GError **error)
{
    *pid = 0;
    int fd = g_open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0);
    if (fd < 0 && errno == ENOENT) {
        *state = LV_INSTANCE_NOT_RUNNING;
        return TRUE;
    }
    if (fd < 0) {
        int saved = errno;
        g_set_error(error, LV_ERROR, LV_ERROR_DATA, "cannot read pid file %s: %s", path,
                    g_strerror(saved));
        return FALSE;
    }
    pid_t holder = lock_holder(fd);
    char buffer[32] = { 0 };
    ssize_t got = holder == 0 ? read(fd, buffer, sizeof buffer - 1) : 0;
    int saved = errno;
    close(fd);
    if (holder < 0 || got < 0) {
        g_set_error(error, LV_ERROR, LV_ERROR_DATA, "cannot read pid file %s: %s", path,
                    g_strerror(holder < 0 ? EINVAL : saved));
        return FALSE;
    }
    if (holder > 0) {
        *state = LV_INSTANCE_RUNNING;
        *pid = holder;
        return TRUE;
    }
    if (!parse_pid(buffer, pid)) {
        g_set_error(error, LV_ERROR, LV_ERROR_DATA, "cannot read pid file %s: no pid in it", path);
        return FALSE;
    }
    *state = LV_INSTANCE_STALE;
    return TRUE;
}
