"""libervia-backend's commands and its life on a private bus: start, status, stop,
one instance per user, clean shutdown, and clear errors on bad set-ups."""
import os
import signal
import subprocess
import time

import lvharness as h


class Lifecycle(h.LvTestCase):
    def setUp(self):
        super().setUp()
        self.home = h.Home()
        self.bus = h.PrivateBus(self.home, activation=False)
        self.env = self.home.env

    def test_foreground_status_and_sigterm(self):
        fg = h.Foreground(self.env).wait_ready()
        r = h.backend(self.env, "status")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn(f"pid: {fg.proc.pid}", r.stdout)
        with open(self.home.pid_file, encoding="utf-8") as f:
            self.assertEqual(int(f.read()), fg.proc.pid)
        start = time.monotonic()
        fg.proc.send_signal(signal.SIGTERM)
        self.assertEqual(fg.proc.wait(5), 0)
        self.assertLess(time.monotonic() - start, 2)
        self.assertFalse(os.path.exists(self.home.pid_file))
        self.assertEqual(h.backend(self.env, "status").returncode, 1)

    def test_sigint_stops_cleanly(self):
        fg = h.Foreground(self.env).wait_ready()
        fg.proc.send_signal(signal.SIGINT)
        self.assertEqual(fg.proc.wait(5), 0)
        self.assertFalse(os.path.exists(self.home.pid_file))

    def test_background_then_stop(self):
        r = h.backend(self.env)  # no argument: background
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        status = h.backend(self.env, "status")
        self.assertEqual(status.returncode, 0, status.stdout)
        pid = int(status.stdout.split("pid: ")[1].rstrip(")\n"))
        self.assertNotEqual(pid, os.getpid())
        self.assertTrue(h.name_has_owner(self.env))
        log = os.path.join(self.home.local_dir, "libervia.log")
        self.assertIn("serving the bridge", open(log, encoding="utf-8").read())
        stop = h.backend(self.env, "stop")
        self.assertEqual(stop.returncode, 0, stop.stdout + stop.stderr)
        self.assertTrue(h.process_gone(pid))
        self.assertEqual(h.backend(self.env, "status").returncode, 1)
        self.assertEqual(h.backend(self.env, "stop").returncode, 0)  # not running: fine

    def test_second_backend_refused(self):
        fg = h.Foreground(self.env).wait_ready()
        before = open(self.home.pid_file, encoding="utf-8").read()
        for command in ("fg", "bg"):
            r = h.backend(self.env, command)
            self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
            self.assertIn("already running", r.stderr)
        self.assertIsNone(fg.proc.poll())
        self.assertEqual(open(self.home.pid_file, encoding="utf-8").read(), before)

    def test_second_backend_on_same_bus_refused(self):
        # Another user's data directory but the same bus: the bus name says no.
        h.Foreground(self.env).wait_ready()
        other = dict(self.env, XDG_DATA_HOME=os.path.join(self.home.root, "other"))
        self.home.write_config(f"local_dir = {self.home.root}/other/libervia\n")
        r = h.backend(other, "fg")
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.assertIn("already owns org.libervia.Libervia", r.stderr)

    def test_stale_pid_file(self):
        os.makedirs(self.home.local_dir, exist_ok=True)
        # The pid of a live process that is not a backend.
        sleeper = subprocess.Popen(["sleep", "60"])
        self.addCleanup(sleeper.kill)
        with open(self.home.pid_file, "w", encoding="utf-8") as f:
            f.write(f"{sleeper.pid}\n")
        status = h.backend(self.env, "status")
        self.assertEqual(status.returncode, 2, status.stdout)
        self.assertIn("stale", status.stdout)
        stop = h.backend(self.env, "stop")
        self.assertEqual(stop.returncode, 2, stop.stdout)
        self.assertIsNone(sleeper.poll(), "stop signalled a process that is not the backend")
        # A new backend takes over the stale file.
        fg = h.Foreground(self.env).wait_ready()
        self.assertEqual(int(open(self.home.pid_file, encoding="utf-8").read()), fg.proc.pid)

    def test_unreadable_pid_file(self):
        os.makedirs(self.home.local_dir, exist_ok=True)
        with open(self.home.pid_file, "w", encoding="utf-8") as f:
            f.write("garbage")
        for command in ("status", "stop"):
            r = h.backend(self.env, command)
            self.assertEqual(r.returncode, 17, r.stdout + r.stderr)
            self.assertIn(self.home.pid_file, r.stderr)

    def test_local_dir_not_creatable(self):
        blocker = os.path.join(self.home.root, "file")
        open(blocker, "w").close()
        self.home.write_config(f"local_dir = {blocker}/libervia\n")
        r = h.backend(self.env, "fg")
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{blocker}/libervia", r.stderr)
        self.assertTrue(os.path.isfile(blocker))

    def test_malformed_config(self):
        self.home.write_config("log_level = info\ngarbage\n")
        for command in ("fg", "status"):
            r = h.backend(self.env, command)
            self.assertEqual(r.returncode, 1)
            self.assertIn(f"{self.home.config_path}:3:", r.stderr)

    def test_unreadable_config(self):
        os.remove(self.home.config_path)
        os.mkdir(self.home.config_path)
        r = h.backend(self.env, "fg")
        self.assertEqual(r.returncode, 1)
        self.assertIn(self.home.config_path, r.stderr)

    def test_bad_log_level(self):
        self.home.write_config("log_level = loud\n")
        r = h.backend(self.env, "fg")
        self.assertEqual(r.returncode, 1)
        self.assertIn("log_level", r.stderr)

    def test_no_session_bus(self):
        env = dict(self.env, DBUS_SESSION_BUS_ADDRESS=f"unix:path={self.home.root}/no-bus")
        r = h.backend(env, "fg")
        self.assertEqual(r.returncode, 1)
        self.assertIn("D-Bus session bus", r.stderr)
        self.assertFalse(os.path.exists(self.home.pid_file))
        r = h.backend(env, "bg")
        self.assertEqual(r.returncode, 1)
        self.assertIn("D-Bus session bus", r.stderr)

    def test_command_line(self):
        self.assertEqual(h.backend(self.env, "--version").returncode, 0)
        self.assertIn("libervia-backend", h.backend(self.env, "--version").stdout)
        help_text = h.backend(self.env, "--help")
        self.assertEqual(help_text.returncode, 0)
        for word in ("background", "foreground", "debug", "status", "stop"):
            self.assertIn(word, help_text.stdout)
        for bad in (["--bogus"], ["start"], ["fg", "extra"]):
            r = h.backend(self.env, *bad)
            self.assertEqual(r.returncode, 2, bad)
            self.assertIn("usage:", r.stderr)

    def test_debug_logs_debug(self):
        fg = h.Foreground(self.env)
        fg.proc.kill()
        fg.proc.wait()
        proc = subprocess.Popen([h.BACKEND, "debug"], env=self.env, start_new_session=True,
                                stderr=subprocess.PIPE, text=True)
        h.wait_for(lambda: h.name_has_owner(self.env), what="debug backend")
        h.gdbus_call(self.env, "getVersion")
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=5)
        self.assertEqual(proc.returncode, 0)
        self.assertIn("DEBUG", err)
        self.assertIn("bridge call getVersion", err)


if __name__ == "__main__":
    h.run_tap()
