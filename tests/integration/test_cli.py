"""li as a user meets it: version, help, output formats, bad arguments, exit codes."""
import json

import lvharness as h


class Cli(h.LvTestCase):
    def setUp(self):
        super().setUp()
        self.home = h.Home()
        h.PrivateBus(self.home)
        self.env = self.home.env

    def test_version_and_help(self):
        r = h.li(self.env, "--version")
        self.assertEqual(r.returncode, 0)
        self.assertIn("li (libervia-c)", r.stdout)
        r = h.li(self.env, "--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("profile", r.stdout)
        r = h.li(self.env, "profile", "list", "--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("--components", r.stdout)
        # Help needs no backend.
        self.assertEqual(h.backend(self.env, "status").returncode, 1)

    def test_profile_list_formats(self):
        r = h.li(self.env, "profile", "list")
        self.assertEqual((r.returncode, r.stdout), (0, ""), r.stderr)
        for output in ("json", "json-raw"):
            r = h.li(self.env, "profile", "list", "-O", output)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(json.loads(r.stdout), [])
        for flags in (["-c"], ["-C"]):
            self.assertEqual(h.li(self.env, "profile", "list", *flags).returncode, 0)
        r = h.li(self.env, "profile", "list", "-c", "-C")  # exclusive, as in Libervia
        self.assertEqual(r.returncode, 2)
        self.assertIn("exclude each other", r.stderr)

    def test_debug_bridge_signal(self):
        import subprocess, time
        self.assertEqual(h.li(self.env, "profile", "list").returncode, 0)  # activates the backend
        monitor = h.BusMonitor(self.env)
        r = h.li(self.env, "debug", "bridge", "signal", "presenceUpdate", "bob@example.org/x",
                 "away", "5", "{'': 'out'}", "alice", "-p", "@NONE@")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = h.li(self.env, "debug", "bridge", "signal", "presenceUpdate", "x", "-p", "@NONE@")
        self.assertEqual(r.returncode, 2)
        self.assertIn("takes 5 arguments", r.stderr)
        r = h.li(self.env, "debug", "bridge", "signal", "noSuchSignal", "-p", "@NONE@")
        self.assertEqual(r.returncode, 16)
        time.sleep(0.3)
        self.assertIn("presenceUpdate ('bob@example.org/x', 'away', 5, {'': 'out'}, 'alice')",
                      monitor.text())

    def test_bad_arguments(self):
        cases = [[], ["--bogus"], ["nope"], ["profile"], ["profile", "nope"],
                 ["profile", "list", "--bogus"], ["profile", "list", "-O", "xml"],
                 ["profile", "list", "extra"]]
        for args in cases:
            r = h.li(self.env, *args)
            self.assertEqual(r.returncode, 2, args)
            self.assertIn("usage:", r.stderr, args)
            self.assertIn("error", r.stderr, args)
            self.assertEqual(r.stdout, "", args)

    def test_debug_bridge_method(self):
        r = h.li(self.env, "debug", "bridge", "method", "getVersion")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout.strip(), r"^\d+\.\d+")
        self.assertEqual(h.li(self.env, "profile", "create", "a", "-p", "").returncode, 0)
        r = h.li(self.env, "debug", "bridge", "method", "profilesListGet", "true", "false")
        self.assertEqual(r.stdout.strip(), "['a']")
        # The profile is added when left out; negative numbers are arguments.
        r = h.li(self.env, "debug", "bridge", "method", "asyncGetParamA", "Priority",
                 "Connection", "value", "-1")
        self.assertEqual((r.returncode, r.stdout.strip()), (0, "50"), r.stderr)
        r = h.li(self.env, "debug", "bridge", "method", "profilesListGet", "maybe", "no")
        self.assertEqual(r.returncode, 2)
        r = h.li(self.env, "debug", "bridge", "method", "noSuchMethod")
        self.assertEqual(r.returncode, 16)

    def test_malformed_config(self):
        self.home.write_config("garbage\n")
        r = h.li(self.env, "profile", "list")
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{self.home.config_path}:2:", r.stderr)


if __name__ == "__main__":
    h.run_tap()
