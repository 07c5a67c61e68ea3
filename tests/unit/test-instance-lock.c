/* Tests of the single-instance lock on the pid file. fcntl locks belong to a
 * process, so the competing holder is a forked child. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "lv-error.h"
#include "lv-instance-lock.h"
#include "lv-test-util.h"

/* A child that holds the lock on @path until killed; returns its pid once the
 * lock is taken. */
static pid_t
spawn_holder(const char *path)
{
    int fds[2];
    g_assert_cmpint(pipe(fds), ==, 0);
    pid_t child = fork();
    g_assert_cmpint(child, >=, 0);
    if (child == 0) {
        close(fds[0]);
        LvInstanceLock *lock = lv_instance_lock_acquire(path, NULL);
        char ok = lock != NULL ? '1' : '0';
        if (write(fds[1], &ok, 1) != 1)
            _exit(1);
        pause();
        _exit(0);
    }
    close(fds[1]);
    char ok = 0;
    g_assert_cmpint(read(fds[0], &ok, 1), ==, 1);
    close(fds[0]);
    g_assert_cmpint(ok, ==, '1');
    return child;
}

static void
stop_holder(pid_t child)
{
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
}

static void
test_not_running(void)
{
    g_autoptr(LvTestHome) home = lv_test_home_new(NULL, NULL);
    g_autofree char *path = lv_instance_lock_dup_path(home->root);
    LvInstanceState state = LV_INSTANCE_RUNNING;
    pid_t pid = -1;

    g_assert_true(lv_instance_lock_query(path, &state, &pid, NULL));
    g_assert_cmpint(state, ==, LV_INSTANCE_NOT_RUNNING);
}

static void
test_second_instance_refused(void)
{
    g_autoptr(LvTestHome) home = lv_test_home_new(NULL, NULL);
    g_autofree char *path = lv_instance_lock_dup_path(home->root);
    pid_t child = spawn_holder(path);
    g_autoptr(GError) error = NULL;
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;

    g_assert_true(g_file_get_contents(path, &before, NULL, NULL));
    g_autoptr(LvInstanceLock) lock = lv_instance_lock_acquire(path, &error);
    g_assert_null(lock);
    g_assert_error(error, LV_ERROR, LV_ERROR_CONFLICT);
    g_autofree char *pid_text = g_strdup_printf("pid %d", (int)child);
    g_assert_nonnull(strstr(error->message, pid_text));
    /* The holder's file is untouched. */
    g_assert_true(g_file_get_contents(path, &after, NULL, NULL));
    g_assert_cmpstr(before, ==, after);

    LvInstanceState state = LV_INSTANCE_NOT_RUNNING;
    pid_t pid = 0;
    g_assert_true(lv_instance_lock_query(path, &state, &pid, NULL));
    g_assert_cmpint(state, ==, LV_INSTANCE_RUNNING);
    g_assert_cmpint(pid, ==, child);
    stop_holder(child);
}

static void
test_stale_after_crash(void)
{
    g_autoptr(LvTestHome) home = lv_test_home_new(NULL, NULL);
    g_autofree char *path = lv_instance_lock_dup_path(home->root);
    pid_t child = spawn_holder(path);
    LvInstanceState state = LV_INSTANCE_NOT_RUNNING;
    pid_t pid = 0;

    stop_holder(child); /* killed: its pid file stays behind */
    g_assert_true(lv_instance_lock_query(path, &state, &pid, NULL));
    g_assert_cmpint(state, ==, LV_INSTANCE_STALE);
    g_assert_cmpint(pid, ==, child);

    /* A new instance takes over the stale file. */
    g_autoptr(GError) error = NULL;
    LvInstanceLock *lock = lv_instance_lock_acquire(path, &error);
    g_assert_no_error(error);
    g_autofree char *text = NULL;
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    g_assert_cmpint(atoi(text), ==, getpid());
    lv_instance_lock_release(lock);
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
}

static void
test_pid_of_another_process_is_stale(void)
{
    g_autoptr(LvTestHome) home = lv_test_home_new(NULL, NULL);
    g_autofree char *path = lv_instance_lock_dup_path(home->root);
    g_autofree char *text = g_strdup_printf("%d\n", (int)getppid());
    LvInstanceState state = LV_INSTANCE_NOT_RUNNING;
    pid_t pid = 0;

    /* A live process that is not a backend: the lock, not the pid, decides. */
    g_assert_true(g_file_set_contents(path, text, -1, NULL));
    g_assert_true(lv_instance_lock_query(path, &state, &pid, NULL));
    g_assert_cmpint(state, ==, LV_INSTANCE_STALE);
    g_assert_cmpint(pid, ==, getppid());
}

static void
test_garbage_is_unreadable(void)
{
    g_autoptr(LvTestHome) home = lv_test_home_new(NULL, NULL);
    g_autofree char *path = lv_instance_lock_dup_path(home->root);
    LvInstanceState state = LV_INSTANCE_NOT_RUNNING;
    pid_t pid = 0;
    g_autoptr(GError) error = NULL;

    g_assert_true(g_file_set_contents(path, "not a pid", -1, NULL));
    g_assert_false(lv_instance_lock_query(path, &state, &pid, &error));
    g_assert_error(error, LV_ERROR, LV_ERROR_DATA);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/lv/instance-lock/not-running", test_not_running);
    g_test_add_func("/lv/instance-lock/second-instance-refused", test_second_instance_refused);
    g_test_add_func("/lv/instance-lock/stale-after-crash", test_stale_after_crash);
    g_test_add_func("/lv/instance-lock/pid-of-another-process-is-stale",
                    test_pid_of_another_process_is_stale);
    g_test_add_func("/lv/instance-lock/garbage-is-unreadable", test_garbage_is_unreadable);
    return g_test_run();
}
