/* lv-daemon-control: `libervia-backend status` and `stop`, from the pid file lock. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "lv-daemon.h"
#include "lv-instance-lock.h"

#define STOP_WARN_AFTER_US (5 * G_USEC_PER_SEC)
#define STOP_KILL_AFTER_US (10 * G_USEC_PER_SEC)
#define STOP_POLL_US (20 * 1000)

typedef struct {
    char *path;
    LvInstanceState state;
    pid_t pid;
} LvPidFile;

static void
lv_pid_file_clear(LvPidFile *pid_file)
{
    g_free(pid_file->path);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(LvPidFile, lv_pid_file_clear)

/* Reads the state; on failure prints why and returns the exit code (else 0). */
static int
read_pid_file(LvConfig *config, LvPidFile *pid_file)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *pid_dir = lv_config_dup_string(config, "DEFAULT", "pid_dir", &error);

    if (pid_dir == NULL) {
        g_printerr("libervia-backend: %s\n", error != NULL ? error->message : "no pid_dir");
        return LV_EXIT_ERROR;
    }
    pid_file->path = lv_instance_lock_dup_path(pid_dir);
    if (!lv_instance_lock_query(pid_file->path, &pid_file->state, &pid_file->pid, &error)) {
        g_printerr("libervia-backend: %s\n", error->message);
        return LV_EXIT_PID_UNREADABLE;
    }
    return LV_EXIT_OK;
}

static void
print_stale(const LvPidFile *pid_file)
{
    g_print("libervia-backend is *NOT* running, but a stale pid file is present: %s "
            "(pid %d is not a running backend)\n",
            pid_file->path, (int)pid_file->pid);
}

int
lv_daemon_status(LvConfig *config)
{
    g_auto(LvPidFile) pid_file = { 0 };
    int code = read_pid_file(config, &pid_file);

    if (code != LV_EXIT_OK)
        return code;
    switch (pid_file.state) {
    case LV_INSTANCE_RUNNING:
        g_print("libervia-backend is running (pid: %d)\n", (int)pid_file.pid);
        return LV_EXIT_OK;
    case LV_INSTANCE_STALE:
        print_stale(&pid_file);
        return LV_EXIT_STALE;
    default:
        g_print("libervia-backend is *NOT* running\n");
        return LV_EXIT_ERROR;
    }
}

/* TRUE once @pid has exited. A zombie counts as gone: the daemon is not our child,
 * and where nothing reaps orphans (containers) it would stay one forever. */
static gboolean
process_gone(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/stat", (int)pid);
    g_autofree char *stat = NULL;

    if (kill(pid, 0) < 0 && errno == ESRCH)
        return TRUE;
    if (!g_file_get_contents(path, &stat, NULL, NULL))
        return TRUE;
    const char *state = strrchr(stat, ')');
    return state != NULL && (state[2] == 'Z' || state[2] == 'X');
}

/* TRUE once @pid no longer holds the lock of @path and has exited. */
static gboolean
has_stopped(const char *path, pid_t pid)
{
    LvInstanceState state = LV_INSTANCE_NOT_RUNNING;
    pid_t holder = 0;

    if (lv_instance_lock_query(path, &state, &holder, NULL) && state == LV_INSTANCE_RUNNING &&
        holder == pid)
        return FALSE;
    return process_gone(pid);
}

/* Waits for the backend to end, escalating to SIGKILL; returns the exit code. */
static int
wait_for_stop(const char *path, pid_t pid)
{
    gint64 start = g_get_monotonic_time();
    gboolean warned = FALSE;

    while (!has_stopped(path, pid)) {
        gint64 elapsed = g_get_monotonic_time() - start;
        if (elapsed > STOP_KILL_AFTER_US) {
            g_print("Waited too long: killing the backend (pid %d)\n", (int)pid);
            kill(pid, SIGKILL);
            while (!process_gone(pid))
                g_usleep(STOP_POLL_US);
            /* The killed backend could not remove its file; nobody holds it now. */
            g_unlink(path);
            return LV_EXIT_ERROR;
        }
        if (elapsed > STOP_WARN_AFTER_US && !warned) {
            g_print("Still waiting for the backend to stop…\n");
            warned = TRUE;
        }
        /* A command-line tool waiting for another process: no main loop to block. */
        g_usleep(STOP_POLL_US);
    }
    return LV_EXIT_OK;
}

int
lv_daemon_stop(LvConfig *config)
{
    g_auto(LvPidFile) pid_file = { 0 };
    int code = read_pid_file(config, &pid_file);

    if (code != LV_EXIT_OK)
        return code;
    if (pid_file.state == LV_INSTANCE_NOT_RUNNING) {
        g_print("libervia-backend is *NOT* running\n");
        return LV_EXIT_OK;
    }
    if (pid_file.state == LV_INSTANCE_STALE) {
        print_stale(&pid_file);
        g_print("Nothing stopped: remove the pid file once you have checked it.\n");
        return LV_EXIT_STALE;
    }
    g_print("Stopping libervia-backend (pid %d)…\n", (int)pid_file.pid);
    if (kill(pid_file.pid, SIGTERM) < 0) {
        int saved = errno;
        g_printerr("libervia-backend: cannot signal pid %d: %s\n", (int)pid_file.pid,
                   g_strerror(saved));
        return saved == EPERM ? LV_EXIT_PERMISSION : LV_EXIT_ERROR;
    }
    return wait_for_stop(pid_file.path, pid_file.pid);
}
