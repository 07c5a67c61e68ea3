"""XMPP connections with a real Prosody: TLS verified against the test CA, SCRAM
login, wrong passwords and untrusted certificates refused with clear errors,
connect/disconnect over the bridge, li and the real Libervia CLI."""
import os
import subprocess
import time

import lvharness as h

LIBERVIA_CLI = "/usr/bin/libervia-cli"


class Connection(h.LvTestCase):
    @classmethod
    def setUpClass(cls):
        cls.prosody = h.Prosody()
        cls.jid = cls.prosody.register("alice", "alice-xmpp-pw")

    @classmethod
    def tearDownClass(cls):
        cls.prosody.stop()

    def start(self, trust_ca=True):
        self.home = h.Home()
        h.PrivateBus(self.home, activation=False)
        self.env = self.home.env
        if trust_ca:
            self.env["SSL_CERT_FILE"] = self.prosody.ca_file
        else:
            self.env["SSL_CERT_FILE"] = "/etc/ssl/certs/ca-certificates.crt"
        self.backend = h.Foreground(self.env).wait_ready()

    def li(self, *args, code=0, timeout=60):
        r = h.li(self.env, *args, timeout=timeout)
        self.assertEqual(r.returncode, code, f"li {args}: {r.stdout} {r.stderr}")
        return r

    def make_profile(self, password="alice-xmpp-pw"):
        h.xmpp_profile(self, self.env, self.prosody, "alice", self.jid, password,
                       profile_password="pw", connect=False)

    def is_connected(self):
        r = h.gdbus_call(self.env, "isConnected", "alice")
        return r.stdout.strip()

    def test_connect_and_disconnect(self):
        self.start()
        self.make_profile()
        monitor = h.BusMonitor(self.env)
        self.assertEqual(self.is_connected(), "(false,)")
        self.li("profile", "connect", "-c", "-p", "alice", "--pwd", "pw")
        self.assertEqual(self.is_connected(), "(true,)")
        # Connecting again says it already was.
        self.assertEqual(h.gdbus_call(self.env, "connect", "alice", "", "{}").stdout.strip(),
                         "(true,)")
        self.li("profile", "disconnect", "-p", "alice")
        self.assertEqual(self.is_connected(), "(false,)")
        signals = monitor.text()
        self.assertIn(f"connected ('{self.jid}/", signals)
        self.assertIn("disconnected ('alice',)", signals)
        self.assertNotIn("alice-xmpp-pw", signals)

    def test_wrong_xmpp_password(self):
        self.start()
        self.make_profile(password="not-the-password")
        start = time.monotonic()
        r = self.li("profile", "connect", "-c", "-p", "alice", "--pwd", "pw", code=1)
        self.assertLess(time.monotonic() - start, 15)  # a clear error, not a hang
        self.assertIn("authentication failed", r.stderr)
        self.assertEqual(self.is_connected(), "(false,)")

    def test_untrusted_certificate_refused(self):
        """T1 with a CA we do not trust (self-signed: test_transport T1, pinning: T2)."""
        self.start(trust_ca=False)
        self.make_profile()
        r = self.li("profile", "connect", "-c", "-p", "alice", "--pwd", "pw", code=4)
        self.assertIn("not trusted", r.stderr)
        # Trusting the test CA for this profile only is enough.
        self.li("param", "set", "Connection", "CA file", self.prosody.ca_file, "-p", "alice")
        self.li("profile", "connect", "-c", "-p", "alice")
        self.assertEqual(self.is_connected(), "(true,)")

    def test_check_certificate_off(self):
        """The explicit opt-out (TRUST_TLS): TLS stays mandatory, unlike Libervia 0.9."""
        self.start(trust_ca=False)
        self.make_profile()
        self.li("param", "set", "Connection", "check_certificate", "false", "-p", "alice",
                "--pwd", "pw")
        self.li("profile", "connect", "-c", "-p", "alice")
        self.assertEqual(self.is_connected(), "(true,)")

    def test_hosts_dict(self):
        self.home = h.Home(f'hosts_dict = {{"localhost": {{"host": "127.0.0.1", '
                           f'"port": {self.prosody.c2s_port}}}}}\n')
        h.PrivateBus(self.home, activation=False)
        self.env = self.home.env
        self.env["SSL_CERT_FILE"] = self.prosody.ca_file
        h.Foreground(self.env).wait_ready()
        self.li("profile", "create", "alice", "-p", "pw", "-j", self.jid, "-x", "alice-xmpp-pw")
        self.li("profile", "connect", "-c", "-p", "alice", "--pwd", "pw")
        self.assertEqual(self.is_connected(), "(true,)")

    def test_unreachable_server(self):
        self.start()
        self.make_profile()
        self.li("param", "set", "Connection", "Force port", str(h.free_port()), "-p", "alice")
        r = self.li("profile", "connect", "-c", "-p", "alice", code=4)
        self.assertIn("cannot reach", r.stderr)

    def test_connect_needs_a_flag(self):
        self.start()
        self.make_profile()
        self.li("profile", "connect", "-p", "alice", code=2)

    def test_shutdown_closes_connection(self):
        self.start()
        self.make_profile()
        self.li("profile", "connect", "-c", "-p", "alice", "--pwd", "pw")
        self.backend.proc.terminate()
        self.assertEqual(self.backend.proc.wait(10), 0)

    def test_idle_connected_costs_no_cpu(self):
        self.start()
        self.make_profile()
        self.li("profile", "connect", "-c", "-p", "alice", "--pwd", "pw")
        pid = self.backend.proc.pid

        def cpu_ticks():
            with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return int(fields[11]) + int(fields[12])  # utime + stime

        time.sleep(0.5)
        before = cpu_ticks()
        time.sleep(5)
        spent = cpu_ticks() - before
        # No polling: an idle connected backend sleeps (ticks are 10 ms).
        self.assertLessEqual(spent, 2, f"{spent} ticks of CPU in 5 s idle")

    def test_many_profiles_at_once(self):
        self.start()
        names = ["p1", "p2", "p3", "p4"]
        for name in names:
            jid = self.prosody.register(name, "pw-" + name)
            self.li("profile", "create", name, "-p", "", "-j", jid, "-x", "pw-" + name)
            for param, value in (("Force server", "127.0.0.1"),
                                 ("Force port", str(self.prosody.c2s_port))):
                self.li("param", "set", "Connection", param, value, "-p", name)
        clients = [subprocess.Popen([h.LI, "profile", "connect", "-c", "-p", name],
                                    env=self.env, stderr=subprocess.PIPE, text=True)
                   for name in names]
        for proc in clients:
            self.assertEqual(proc.wait(60), 0, proc.stderr.read())
        for name in names:
            self.assertEqual(h.gdbus_call(self.env, "isConnected", name).stdout.strip(),
                             "(true,)")

    def test_autoconnect_backend(self):
        self.start()
        self.li("profile", "create", "auto", "-p", "", "-j", self.jid, "-x", "alice-xmpp-pw",
                "-A", "true")
        self.li("profile", "create", "locked", "-p", "secret", "-j", self.jid, "-x",
                "alice-xmpp-pw", "-A", "true")
        for name, auth in (("auto", []), ("locked", ["--pwd", "secret"])):
            for param, value in (("Force server", "127.0.0.1"),
                                 ("Force port", str(self.prosody.c2s_port))):
                self.li("param", "set", "Connection", param, value, "-p", name, *auth)
        h.backend(self.env, "stop")
        self.backend = h.Foreground(self.env).wait_ready()
        h.wait_for(lambda: h.gdbus_call(self.env, "isConnected", "auto").stdout.strip()
                   == "(true,)", 15, 0.1, "autoconnect")
        # A profile with a password cannot be unlocked unattended.
        self.assertEqual(h.gdbus_call(self.env, "isConnected", "locked").stdout.strip(),
                         "(false,)")

    def test_reconnects_after_server_restart(self):
        self.start()
        self.make_profile()
        monitor = h.BusMonitor(self.env)
        self.li("profile", "connect", "-c", "-p", "alice", "--pwd", "pw")
        self.prosody.restart()
        h.wait_for(lambda: self.is_connected() == "(false,)", 10, 0.1, "the loss")
        h.wait_for(lambda: self.is_connected() == "(true,)", 30, 0.2, "the reconnection")
        signals = monitor.text()
        self.assertEqual(signals.count(f"connected ('{self.jid}/"), 2, signals)
        self.assertIn("disconnected ('alice',)", signals)
        # A disconnection asked for is not undone.
        self.li("profile", "disconnect", "-p", "alice")
        time.sleep(2)
        self.assertEqual(self.is_connected(), "(false,)")

    def test_real_libervia_cli_connect(self):
        if not os.path.exists(LIBERVIA_CLI):
            self.skipTest("libervia-cli 0.9 is not installed")
        self.start()
        self.make_profile()
        env = dict(self.env, PATH="/usr/bin:/bin")
        r = h.run([LIBERVIA_CLI, "profile", "connect", "-c", "-p", "alice", "--pwd", "pw"], env,
                  timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(self.is_connected(), "(true,)")


if __name__ == "__main__":
    h.run_tap()
