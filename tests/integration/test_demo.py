"""The demo of tools/run (tools/demo-server): with no profile yet it starts a private
Prosody under local_dir with its own CA, two accounts that are contacts of each other
and a connected `demo` profile; later runs reuse all of it; with a profile of one's
own it starts nothing; stop leaves no process and no port behind."""
import json
import os
import socket
import stat

import lvharness as h

DEMO_SERVER = os.path.join(h.SOURCE_ROOT, "tools", "demo-server")
RUN = os.path.join(h.SOURCE_ROOT, "tools", "run")


def port_free(port):
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


class Demo(h.LvTestCase):
    def setUp(self):
        super().setUp()
        self.home = h.Home()
        h.PrivateBus(self.home, activation=False)
        self.env = self.home.env
        # The system's store does not know the demo CA: only the profile's CA file can.
        self.env["SSL_CERT_FILE"] = "/etc/ssl/certs/ca-certificates.crt"
        self.dir = os.path.join(self.home.local_dir, "demo-prosody")
        self.config = os.path.join(self.dir, "prosody.cfg.lua")
        h.at_teardown(self.stop_demo)

    def demo_server(self, *args, code=0, timeout=120):
        r = h.run([DEMO_SERVER, "--build", h.BUILD_ROOT, *args], self.env, timeout=timeout)
        self.assertEqual(r.returncode, code, f"demo-server {args}: {r.stdout} {r.stderr}")
        return r

    def stop_demo(self):
        h.run([DEMO_SERVER, "--dir", self.dir, "stop"], self.env, timeout=30)
        for pid in self.prosodies():  # whatever happened above, nothing is left running
            os.kill(pid, 9)

    def li(self, *args, code=0, timeout=60):
        r = h.li(self.env, *args, timeout=timeout)
        self.assertEqual(r.returncode, code, f"li {args}: {r.stdout} {r.stderr}")
        return r

    def accounts(self):
        with open(os.path.join(self.dir, "accounts"), encoding="utf-8") as f:
            return dict(line.strip().split("=", 1) for line in f if "=" in line)

    def prosodies(self):
        """The live processes started with the demo's Prosody config."""
        found = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    args = f.read().split(b"\0")
            except OSError:
                continue
            if self.config.encode() in args and not h.process_gone(int(pid)):
                found.append(int(pid))
        return found

    def roster(self):
        r = self.li("roster", "get", "-p", "demo", "-O", "json")
        return {c["jid"]: c for c in json.loads(r.stdout)}

    def test_first_run_makes_a_connected_demo(self):
        self.demo_server("status", code=3)
        r = self.demo_server("setup")
        accounts = self.accounts()
        port = int(accounts["port"])
        self.assertIn(f"port {port}", r.stdout)
        self.assertIn(accounts["friend_password"], r.stdout)  # to log in from another client
        self.assertIn(os.path.join(self.dir, "ca.pem"), r.stdout)
        self.assertIn("li message send friend@localhost", r.stdout)
        self.assertIn("li roster get", r.stdout)
        self.assertEqual(stat.S_IMODE(os.stat(self.dir).st_mode), 0o700)
        self.assertEqual(stat.S_IMODE(os.stat(os.path.join(self.dir, "accounts")).st_mode), 0o600)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "ca.key")))  # nothing more to sign
        self.assertEqual(len(self.prosodies()), 1)
        self.assertFalse(port_free(port))
        # The backend it started to ask for local_dir and to make the profile is gone.
        self.assertEqual(h.backend(self.env, "status").returncode, 1)

        h.Foreground(self.env).wait_ready()
        self.li("profile", "connect", "-c", "-p", "demo")
        h.wait_for(lambda: "friend@localhost" in self.roster(), 10, 0.1, "the roster")
        friend = self.roster()["friend@localhost"]
        self.assertEqual(friend["subscription"], "both")
        self.assertEqual(friend["name"], "Friend")

        # TLS was verified by the demo's CA: without it, the server is not trusted.
        self.li("profile", "disconnect", "-p", "demo")
        self.li("param", "set", "Connection", "CA file", "", "-p", "demo")
        r = self.li("profile", "connect", "-c", "-p", "demo", code=4)
        self.assertIn("not trusted", r.stderr)

    def test_later_runs_reuse_it(self):
        self.demo_server("setup")
        accounts = self.accounts()
        pid = self.prosodies()
        h.Foreground(self.env).wait_ready()  # this time a backend is running

        self.demo_server("setup")
        self.assertEqual(self.accounts(), accounts)
        self.assertEqual(self.prosodies(), pid)  # no second Prosody
        self.assertEqual(self.li("profile", "list").stdout.split(), ["demo"])
        r = self.demo_server("status")
        self.assertIn(f"running (pid {pid[0]})", r.stdout)

        self.demo_server("stop")
        h.wait_for(lambda: h.process_gone(pid[0]), 10, 0.05, "prosody to exit")
        self.assertTrue(port_free(int(accounts["port"])))
        self.demo_server("status", code=1)
        self.li("profile", "disconnect", "-p", "demo")

        # Started again on the same data: the same accounts, and the profile connects.
        self.demo_server("setup")
        self.assertEqual(self.accounts(), accounts)
        self.assertEqual(len(self.prosodies()), 1)
        self.assertNotEqual(self.prosodies(), pid)
        self.li("profile", "connect", "-c", "-p", "demo")
        h.wait_for(lambda: "friend@localhost" in self.roster(), 10, 0.1, "the roster")

        # Its port taken by someone else meanwhile: it moves, and so does the profile.
        self.demo_server("stop")
        blocker = socket.socket()
        self.addCleanup(blocker.close)
        blocker.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        blocker.bind(("127.0.0.1", int(accounts["port"])))
        blocker.listen()
        self.demo_server("setup")
        moved = self.accounts()
        self.assertNotEqual(moved.pop("port"), accounts.pop("port"))
        self.assertEqual(moved, accounts)
        self.assertEqual(h.gdbus_call(self.env, "isConnected", "demo").stdout.strip(), "(true,)")

    def test_own_profile_means_no_demo(self):
        h.Foreground(self.env).wait_ready()
        self.li("profile", "create", "alice", "-j", "alice@example.org", "-x", "pw", "-p", "pw")
        r = self.demo_server("setup", code=10)
        self.assertIn("alice", r.stdout)
        self.assertFalse(os.path.exists(self.dir))
        self.assertEqual(self.prosodies(), [])
        self.assertEqual(self.li("profile", "list").stdout.split(), ["alice"])

    def test_help(self):
        r = self.demo_server("--help")
        self.assertIn("tools/demo-server setup", r.stdout)
        self.demo_server("frobnicate", code=2)
        r = h.run([RUN, "--help"], self.env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("--demo-setup-only", r.stdout)


if __name__ == "__main__":
    h.run_tap()
