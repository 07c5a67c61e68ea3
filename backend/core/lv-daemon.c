/* lv-daemon: runs the backend process: detach, lock, serve on the bus, shut down. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gstdio.h>

#include "lv-backend.h"
#include "lv-bridge-names.h"
#include "lv-connections.h"
#include "lv-daemon.h"
#include "lv-dbus-server.h"
#include "lv-error.h"
#include "lv-hardening.h"
#include "lv-instance-lock.h"
#include "lv-log.h"
#include "lv-paths.h"

typedef struct {
    char *pid_file;
    char *log_file; /* NULL in the foreground: the terminal */
    LvLogLevel level;
    char *colors;
} LvDaemonPaths;

typedef struct {
    GMainLoop *loop;
    LvBackend *backend;
    GDBusConnection *connection;
    LvDBusServer *server;
    guint owner_id;
    gboolean acquired;
    gboolean stopping; /* a signal asked us to stop: what follows is expected */
    int report_fd;     /* background: tells the waiting parent how start-up went */
    int exit_code;
} LvService;

static void
lv_daemon_paths_clear(LvDaemonPaths *paths)
{
    g_free(paths->pid_file);
    g_free(paths->log_file);
    g_free(paths->colors);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(LvDaemonPaths, lv_daemon_paths_clear)

/* Resolves and creates the directories; errors are reported on the terminal while
 * we still have one. */
static gboolean
resolve_paths(LvConfig *config, LvDaemonMode mode, gboolean debug, LvDaemonPaths *paths,
              GError **error)
{
    static const char *const dirs[] = { "local_dir", "pid_dir", "log_dir" };
    g_autofree char *pid_dir = NULL;
    g_autofree char *log_dir = NULL;

    for (gsize i = 0; i < G_N_ELEMENTS(dirs); i++) {
        g_autofree char *dir = lv_config_dup_string(config, "DEFAULT", dirs[i], error);
        if (dir == NULL || !lv_paths_ensure_dir(dir, 0700, error))
            return FALSE;
        if (i == 1)
            pid_dir = g_steal_pointer(&dir);
        else if (i == 2)
            log_dir = g_steal_pointer(&dir);
    }
    g_autofree char *level = lv_config_dup_string(config, "DEFAULT", "log_level", error);
    if (level == NULL && error != NULL && *error != NULL)
        return FALSE;
    paths->level = LV_LOG_LEVEL_INFO;
    if (level != NULL && !lv_log_level_parse(level, &paths->level)) {
        g_set_error(error, LV_ERROR, LV_ERROR_CONFIG,
                    "log_level = %s: expected debug, info, warning or error", level);
        return FALSE;
    }
    if (debug)
        paths->level = LV_LOG_LEVEL_DEBUG;
    paths->colors = lv_config_dup_string(config, "DEFAULT", "log_colors", NULL);
    paths->pid_file = lv_instance_lock_dup_path(pid_dir);
    if (mode == LV_DAEMON_BACKGROUND)
        paths->log_file = g_build_filename(log_dir, "libervia.log", NULL);
    return TRUE;
}

/* Tells the parent (background) or the terminal (foreground) how start-up ended. */
static void
service_report(LvService *service, int code, const char *message)
{
    if (service->report_fd < 0) {
        if (code != LV_EXIT_OK)
            g_printerr("libervia-backend: %s\n", message);
        return;
    }
    g_autofree char *line = g_strdup_printf("%d %s\n", code, message != NULL ? message : "");
    if (write(service->report_fd, line, strlen(line)) < 0)
        g_warning("cannot report start-up to the parent: %s", g_strerror(errno));
    close(service->report_fd);
    service->report_fd = -1;
}

static void
service_fail(LvService *service, int code, const char *message)
{
    if (service->stopping)
        return;
    /* Before the name is ours in the foreground, the terminal is the log. */
    if (service->acquired || service->report_fd >= 0)
        g_warning("%s", message);
    if (!service->acquired)
        service_report(service, code, message);
    service->exit_code = code;
    g_main_loop_quit(service->loop);
}

static gboolean
on_quit_signal(gpointer user_data)
{
    LvService *service = user_data;

    g_info("signal received: shutting down");
    service->stopping = TRUE;
    g_main_loop_quit(service->loop);
    return G_SOURCE_CONTINUE;
}

static void
on_name_acquired(GDBusConnection *connection, const char *name, gpointer user_data)
{
    LvService *service = user_data;

    service->acquired = TRUE;
    g_info("serving the bridge on the session bus as %s", name);
    service_report(service, LV_EXIT_OK, "");
    /* Frontends can hear the connected signals from now on. */
    lv_connections_autoconnect(lv_backend_get_connections(service->backend));
}

static void
on_name_lost(GDBusConnection *connection, const char *name, gpointer user_data)
{
    LvService *service = user_data;
    g_autofree char *message = NULL;

    if (service->acquired)
        message = g_strdup_printf("lost the bus name %s: the session bus went away", name);
    else
        message = g_strdup_printf("another process already owns %s on this session bus "
                                  "(another backend is already running?)",
                                  name);
    service_fail(service, service->acquired ? LV_EXIT_ERROR : LV_EXIT_ALREADY_RUNNING, message);
}

static void
on_connection_closed(GDBusConnection *connection, gboolean remote_peer_vanished, GError *error,
                     gpointer user_data)
{
    service_fail(user_data, LV_EXIT_ERROR, "the D-Bus session bus connection was closed");
}

static void
on_bus(GObject *source, GAsyncResult *result, gpointer user_data)
{
    LvService *service = user_data;
    g_autoptr(GError) error = NULL;

    service->connection = g_bus_get_finish(result, &error);
    if (service->connection == NULL) {
        g_autofree char *message = g_strdup_printf(
                "cannot connect to the D-Bus session bus: %s (run inside a desktop session or "
                "under dbus-run-session, or use bridge = embedded)",
                error->message);
        service_fail(service, LV_EXIT_ERROR, message);
        return;
    }
    /* We decide how to end, not GDBus (its default is to raise SIGTERM). */
    g_dbus_connection_set_exit_on_close(service->connection, FALSE);
    g_signal_connect(service->connection, "closed", G_CALLBACK(on_connection_closed), service);
    service->server = lv_dbus_server_new(service->backend, service->connection, &error);
    if (service->server == NULL) {
        service_fail(service, LV_EXIT_ERROR, error->message);
        return;
    }
    service->owner_id = g_bus_own_name_on_connection(service->connection, LV_BRIDGE_BUS_NAME,
                                                     G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE,
                                                     on_name_acquired, on_name_lost, service, NULL);
}

static void
service_shutdown(LvService *service)
{
    if (service->owner_id != 0)
        g_bus_unown_name(service->owner_id);
    g_clear_pointer(&service->server, lv_dbus_server_free);
    if (service->connection != NULL) {
        g_signal_handlers_disconnect_by_data(service->connection, service);
        g_dbus_connection_flush_sync(service->connection, NULL, NULL);
        g_clear_object(&service->connection);
    }
    g_clear_pointer(&service->backend, lv_backend_free);
    g_clear_pointer(&service->loop, g_main_loop_unref);
}

/* Runs in the process that will serve: takes the lock, then the loop. */
static int
serve(LvConfig *config, const LvDaemonPaths *paths, int report_fd)
{
    LvService service = { .report_fd = report_fd, .exit_code = LV_EXIT_OK };
    g_autoptr(GError) error = NULL;

    g_autoptr(LvInstanceLock) lock = lv_instance_lock_acquire(paths->pid_file, &error);
    if (lock == NULL) {
        int code = g_error_matches(error, LV_ERROR, LV_ERROR_CONFLICT) ? LV_EXIT_ALREADY_RUNNING
                                                                       : LV_EXIT_ERROR;
        service_report(&service, code, error->message);
        return code;
    }
    if (!lv_log_init(paths->level, paths->log_file, paths->colors, &error)) {
        service_report(&service, LV_EXIT_ERROR, error->message);
        return LV_EXIT_ERROR;
    }
    g_info("libervia-backend %s starting (pid %d)", PACKAGE_VERSION, (int)getpid());
    if ((service.backend = lv_backend_new(config, &error)) == NULL ||
        !lv_backend_start(service.backend, &error)) {
        service_report(&service, LV_EXIT_ERROR, error->message);
        service_shutdown(&service);
        return LV_EXIT_ERROR;
    }
    service.loop = g_main_loop_new(NULL, FALSE);
    guint sources[] = {
        g_unix_signal_add(SIGTERM, on_quit_signal, &service),
        g_unix_signal_add(SIGINT, on_quit_signal, &service),
        g_unix_signal_add(SIGHUP, on_quit_signal, &service),
    };
    g_bus_get(G_BUS_TYPE_SESSION, NULL, on_bus, &service);
    g_main_loop_run(service.loop);

    for (gsize i = 0; i < G_N_ELEMENTS(sources); i++)
        g_source_remove(sources[i]);
    service_shutdown(&service);
    g_info("libervia-backend stopped");
    lv_log_shutdown();
    return service.exit_code;
}

/* Parent side of the background start: waits for the daemon's report. */
static int
wait_for_report(int fd, pid_t child)
{
    g_autoptr(GString) report = g_string_new(NULL);
    char buffer[512];
    ssize_t got = 0;

    while ((got = read(fd, buffer, sizeof buffer)) != 0) {
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            break;
        g_string_append_len(report, buffer, got);
    }
    close(fd);
    waitpid(child, NULL, 0);
    if (report->len == 0) {
        g_printerr("libervia-backend: the daemon exited during start-up\n");
        return LV_EXIT_ERROR;
    }
    char *message = NULL;
    int code = (int)g_ascii_strtoll(report->str, &message, 10);
    g_strchomp(message);
    if (code != LV_EXIT_OK)
        g_printerr("libervia-backend: %s\n", g_strchug(message));
    return code;
}

static void
redirect_stdio(void)
{
    int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);

    if (null_fd < 0)
        return;
    dup2(null_fd, STDIN_FILENO);
    dup2(null_fd, STDOUT_FILENO);
    dup2(null_fd, STDERR_FILENO);
    close(null_fd);
}

/* Double fork: the daemon is no session leader and no child of the caller. */
static int
run_background(LvConfig *config, const LvDaemonPaths *paths)
{
    int fds[2];

    if (pipe2(fds, O_CLOEXEC) < 0) {
        g_printerr("libervia-backend: cannot create a pipe: %s\n", g_strerror(errno));
        return LV_EXIT_ERROR;
    }
    pid_t child = fork();
    if (child < 0) {
        g_printerr("libervia-backend: cannot fork: %s\n", g_strerror(errno));
        return LV_EXIT_ERROR;
    }
    if (child > 0) {
        close(fds[1]);
        return wait_for_report(fds[0], child);
    }
    close(fds[0]);
    setsid();
    pid_t daemon = fork();
    if (daemon != 0)
        _exit(daemon < 0 ? LV_EXIT_ERROR : LV_EXIT_OK);
    if (chdir("/") < 0)
        _exit(LV_EXIT_ERROR);
    umask(077);
    redirect_stdio();
    _exit(serve(config, paths, fds[1]));
}

int
lv_daemon_run(LvConfig *config, LvDaemonMode mode, gboolean debug)
{
    g_auto(LvDaemonPaths) paths = { 0 };
    g_autoptr(GError) error = NULL;

    if (!resolve_paths(config, mode, debug, &paths, &error)) {
        g_printerr("libervia-backend: %s\n", error->message);
        return LV_EXIT_ERROR;
    }
    signal(SIGPIPE, SIG_IGN);
    lv_hardening_apply(); /* before any secret is read */
    if (mode == LV_DAEMON_BACKGROUND)
        return run_background(config, &paths);
    return serve(config, &paths, -1);
}
