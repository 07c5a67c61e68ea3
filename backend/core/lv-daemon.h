/* lv-daemon: the life of the backend process (libervia-backend's commands).
 *
 * run: take the single-instance lock, serve the backend on the session bus until
 * SIGTERM/SIGINT, shut down cleanly; in background mode detach first, the parent
 * returning only once the daemon serves (or with its error). status and stop read
 * the lock on the pid file, never just the number written in it.
 */
#pragma once

#include "lv-config.h"

G_BEGIN_DECLS

/* Exit codes of libervia-backend (documented in --help and the README). */
enum {
    LV_EXIT_OK = 0,
    LV_EXIT_ERROR = 1,           /* configuration or set-up error; status: not running */
    LV_EXIT_BAD_ARG = 2,         /* bad command line; status/stop: stale pid file */
    LV_EXIT_ALREADY_RUNNING = 3, /* another backend holds the lock or the bus name */
    LV_EXIT_PID_UNREADABLE = 17, /* the pid file cannot be read */
    LV_EXIT_PERMISSION = 18,     /* the backend belongs to another user */
};
#define LV_EXIT_STALE 2

typedef enum {
    LV_DAEMON_FOREGROUND,
    LV_DAEMON_BACKGROUND,
} LvDaemonMode;

/* Runs the backend; returns the process exit code. @debug forces debug logging. */
int lv_daemon_run(LvConfig *config, LvDaemonMode mode, gboolean debug);

/* Prints whether a backend runs; returns 0 running, 1 not, 2 stale pid file, 17
 * unreadable pid file. */
int lv_daemon_status(LvConfig *config);

/* Stops the running backend: SIGTERM, then SIGKILL after 10 s. Returns 0 stopped
 * or not running, 1 killed, 2 stale pid file (nothing signalled), 17, 18. */
int lv_daemon_stop(LvConfig *config);

G_END_DECLS
