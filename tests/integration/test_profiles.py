"""Profiles, parameters and secrets at rest, through li and the real Libervia 0.9 CLI,
against our backend on a private bus."""
import glob
import json
import os
import subprocess

import lvharness as h

LIBERVIA_CLI = "/usr/bin/libervia-cli"


def database_bytes(home):
    """Every byte the backend keeps in local_dir (database, WAL, log)."""
    data = b""
    for path in glob.glob(os.path.join(home.local_dir, "*")):
        if os.path.isfile(path):
            with open(path, "rb") as f:
                data += f.read()
    return data


class ProfilesWithLi(h.LvTestCase):
    def setUp(self):
        super().setUp()
        self.home = h.Home()
        h.PrivateBus(self.home)
        self.env = self.home.env
        h.Foreground(self.env).wait_ready()

    def li(self, *args, code=0):
        r = h.li(self.env, *args)
        self.assertEqual(r.returncode, code, f"li {args}: {r.stdout} {r.stderr}")
        return r

    def test_create_list_default_info(self):
        self.li("profile", "create", "alice", "-p", "pw-alice", "-j", "Alice@Example.org",
                "-x", "xmpp-secret-1")
        self.li("profile", "create", "bob", "-p", "pw-bob", "-j", "bob@example.org", "-A", "true")
        self.assertEqual(self.li("profile", "list").stdout.split(), ["alice", "bob"])
        self.assertEqual(self.li("profile", "default").stdout.strip(), "alice")  # the first
        info = json.loads(self.li("profile", "info", "-p", "alice", "--pwd", "pw-alice",
                                  "--show-password", "-O", "json").stdout)
        self.assertEqual(info["jid"], "alice@example.org")
        self.assertEqual(info["XMPP password"], "xmpp-secret-1")
        plain = self.li("profile", "info", "-p", "alice", "--pwd", "pw-alice").stdout
        self.assertNotIn("xmpp-secret-1", plain)
        self.assertIn("autoconnect (backend): true",
                      self.li("profile", "info", "-p", "bob", "--pwd", "pw-bob").stdout)
        self.li("profile", "modify", "-p", "bob", "--pwd", "pw-bob", "-D")
        self.assertEqual(self.li("profile", "default").stdout.strip(), "bob")

    def test_secrets_not_in_clear_on_disk(self):
        """K2 at rest (the full canary case with a connection: test_secrets K2)."""
        self.li("profile", "create", "alice", "-p", "pw-alice-123", "-j", "a@example.org",
                "-x", "xmpp-secret-XYZ")
        self.li("param", "get", "Connection", "JabberID", "-p", "alice", "--pwd", "pw-alice-123")
        data = database_bytes(self.home)
        self.assertIn(b"a@example.org", data)  # we do read the right files
        self.assertNotIn(b"xmpp-secret-XYZ", data)
        self.assertNotIn(b"pw-alice-123", data)
        self.assertIn(b"$argon2id$", data)

    def test_empty_password_warns(self):
        r = self.li("profile", "create", "open", "-p", "", "-x", "x")
        self.assertIn("not protected", r.stderr.replace("without protection", "not protected"))

    def test_wrong_password(self):
        """K1 wrong password refused; K4: the first misses are free (back-off after 3)."""
        self.li("profile", "create", "alice", "-p", "right")
        # A new backend: no session started yet.
        h.backend(self.env, "stop")
        h.Foreground(self.env).wait_ready()
        r = self.li("param", "get", "Connection", "Priority", "-p", "alice", "--pwd", "wrong",
                    code=1)
        self.assertIn("wrong profile password", r.stderr)
        r = self.li("param", "get", "Connection", "Priority", "-p", "alice", code=1)
        self.assertIn("--pwd", r.stderr)
        self.assertEqual(self.li("param", "get", "Connection", "Priority", "-p", "alice",
                                 "--pwd", "right").stdout.strip(), "50")

    def test_password_change_rewraps(self):
        """K6: old password fails, new works, XMPP password unchanged (kill -9 during
        the change: test_secrets_slow K6)."""
        self.li("profile", "create", "alice", "-p", "old", "-x", "kept-secret")
        self.li("profile", "modify", "-p", "alice", "--pwd", "old", "-w", "new")
        h.backend(self.env, "stop")
        h.Foreground(self.env).wait_ready()
        self.li("profile", "info", "-p", "alice", "--pwd", "old", code=1)
        info = self.li("profile", "info", "-p", "alice", "--pwd", "new", "--show-password").stdout
        self.assertIn("XMPP password: kept-secret", info)
        # No password at all, then: no question needed any more.
        self.li("profile", "modify", "-p", "alice", "--disable-password", "-A", "true")
        h.backend(self.env, "stop")
        h.Foreground(self.env).wait_ready()
        info = self.li("profile", "info", "-p", "alice", "--show-password").stdout
        self.assertIn("XMPP password: kept-secret", info)
        self.assertIn("autoconnect (backend): true", info)

    def test_params(self):
        self.li("profile", "create", "alice", "-p", "pw")
        auth = ["-p", "alice", "--pwd", "pw"]
        self.assertEqual(self.li("param", "get", "Connection", "Priority", *auth).stdout.strip(),
                         "50")
        self.li("param", "set", "Connection", "Priority", "7", *auth)
        self.assertEqual(self.li("param", "get", "Connection", "Priority", *auth).stdout.strip(),
                         "7")
        self.li("param", "set", "Connection", "Priority", "900", *auth, code=17)
        self.li("param", "set", "Connection", "check_certificate", "maybe", *auth, code=17)
        self.li("param", "get", "Connection", "Nope", *auth, code=16)
        self.assertEqual(self.li("param", "get", "Connection", "Priority", *auth).stdout.strip(),
                         "7")
        self.assertEqual(self.li("param", "get", "Connection", "Priority", "-a", "type",
                                 *auth).stdout.strip(), "int")
        # Security limit: check_certificate is level 4, Force server 50.
        self.li("param", "get", "Connection", "Force server", "--security-limit", "10", *auth,
                code=1)

    def test_bad_input_changes_nothing(self):
        self.li("profile", "create", "alice", "-p", "pw")
        before = self.li("profile", "list").stdout
        self.li("profile", "create", "alice", "-p", "x", code=19)
        for name in ("a/b", "..", "a\x01b", "@DEFAULT@", ""):
            self.li("profile", "create", name, "-p", "x", code=17)
        self.li("profile", "create", "eve", "-p", "x", "-j", "not a jid", code=17)
        self.li("profile", "info", "-p", "nobody", code=16)
        self.li("profile", "delete", "nobody", "-f", code=16)
        self.li("profile", "delete", "alice", code=2)  # no terminal, no -f
        self.assertEqual(self.li("profile", "list").stdout, before)

    def test_delete(self):
        self.li("profile", "create", "alice", "-p", "pw")
        self.li("profile", "create", "bob", "-p", "pw")
        self.li("profile", "delete", "alice", "-f")
        self.assertEqual(self.li("profile", "list").stdout.split(), ["bob"])
        self.assertEqual(self.li("profile", "default").stdout.strip(), "bob")

    def test_prompts_on_a_terminal(self):
        pty = h.Pty([h.LI, "profile", "create", "tty", "-j", "t@example.org"], self.env)
        pty.expect("profile password (empty for none): ")
        pty.send("tty-pass")
        pty.expect("(again): ")
        pty.send("tty-pass")
        pty.expect("XMPP password: ")
        pty.send("tty-xmpp")
        pty.expect("(again): ")
        pty.send("tty-xmpp")
        self.assertEqual(pty.wait(), 0)
        self.assertNotIn(b"tty-pass", pty.buffer)  # no echo
        h.backend(self.env, "stop")
        h.Foreground(self.env).wait_ready()
        pty = h.Pty([h.LI, "profile", "info", "-p", "tty", "--show-password"], self.env)
        pty.expect("profile password for tty: ")
        pty.send("wrong")
        pty.expect("wrong password; profile password for tty: ")
        pty.send("tty-pass")
        pty.expect("XMPP password: tty-xmpp")
        self.assertEqual(pty.wait(), 0)
        pty = h.Pty([h.LI, "profile", "delete", "tty"], self.env)
        pty.expect("[y/N] ")
        pty.send("n")
        self.assertEqual(pty.wait(), 20)


class NoSecretLeaks(h.LvTestCase):
    def test_signals_and_debug_log(self):
        """K2 / I2: no secret in signals or the debug log; passwords read back masked."""
        home = h.Home()
        h.PrivateBus(home, activation=False)
        env = home.env
        backend = subprocess.Popen([h.BACKEND, "debug"], env=env, start_new_session=True,
                                   stderr=subprocess.PIPE, text=True)
        h.wait_for(lambda: h.name_has_owner(env), what="debug backend")
        monitor = subprocess.Popen(["gdbus", "monitor", "--session", "--dest", h.BUS_NAME],
                                   env=env, stdout=subprocess.PIPE, text=True,
                                   start_new_session=True)
        try:
            h.wait_for(lambda: True)
            r = h.li(env, "profile", "create", "alice", "-p", "profile-secret-1", "-j",
                     "alice@example.org", "-x", "xmpp-secret-2")
            self.assertEqual(r.returncode, 0, r.stderr)
            r = h.li(env, "param", "set", "Connection", "Password", "xmpp-secret-3", "-p",
                     "alice")
            self.assertEqual(r.returncode, 0, r.stderr)
            r = h.li(env, "profile", "modify", "-p", "alice", "-w", "profile-secret-4")
            self.assertEqual(r.returncode, 0, r.stderr)
            r = h.li(env, "param", "get", "Connection", "Password", "-p", "alice")
            self.assertEqual(r.stdout.strip(), "********")
            r = h.li(env, "param", "get", "Connection", "Password", "-p", "alice",
                     "--show-password")
            self.assertEqual(r.stdout.strip(), "xmpp-secret-3")  # in clear only on request
            r = h.li(env, "param", "get", "Connection", "Password", "-p", "alice",
                     "--security-limit", "10")
            self.assertEqual(r.stdout.strip(), "********")
        finally:
            h.kill_group(monitor)
            h.kill_group(backend)
        signals = monitor.stdout.read()
        log = backend.stderr.read()
        self.assertIn("paramUpdate", signals)
        self.assertIn("'JabberID', 'alice@example.org'", signals)
        self.assertIn("DEBUG", log)
        for secret in ("profile-secret-1", "xmpp-secret-2", "xmpp-secret-3", "profile-secret-4"):
            self.assertNotIn(secret, signals)
            self.assertNotIn(secret, log)


class Storage(h.LvTestCase):
    def setUp(self):
        super().setUp()
        self.home = h.Home()
        h.PrivateBus(self.home, activation=False)
        self.env = self.home.env
        os.makedirs(self.home.local_dir, mode=0o700)
        self.db = os.path.join(self.home.local_dir, "libervia.db")

    def refused(self, needle):
        with open(self.db, "rb") as f:
            before = f.read()
        r = h.backend(self.env, "fg")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn(needle, r.stderr)
        with open(self.db, "rb") as f:
            self.assertEqual(f.read(), before)
        self.assertFalse(os.path.exists(self.db + "-wal"))

    def test_libervia_database_refused(self):
        import sqlite3
        con = sqlite3.connect(self.db)
        con.executescript("CREATE TABLE alembic_version (version_num VARCHAR(32));"
                          "INSERT INTO alembic_version VALUES ('129ac51807e4');")
        con.close()
        self.refused("created by Libervia 0.9")

    def test_newer_schema_refused(self):
        import sqlite3
        con = sqlite3.connect(self.db)
        con.execute("PRAGMA user_version = 99")
        con.close()
        self.refused("newer than this backend knows")

    def test_not_a_database_refused(self):
        with open(self.db, "wb") as f:
            f.write(b"this is not a database at all" * 200)
        self.refused("not a database")

    def test_modes(self):
        """K5 (umask 000 and tightening of wider modes: test_secrets K5)."""
        h.Foreground(self.env).wait_ready()
        self.assertEqual(os.stat(self.home.local_dir).st_mode & 0o777, 0o700)
        self.assertEqual(os.stat(self.db).st_mode & 0o777, 0o600)

    def test_read_only_local_dir(self):
        if h.tmpfs(self.home.local_dir) is None:
            self.skipTest("cannot mount a tmpfs here (needs root)")
        h.Foreground(self.env).wait_ready()
        h.backend(self.env, "stop")
        subprocess.run(["mount", "-o", "remount,ro", self.home.local_dir], check=True)
        r = h.backend(self.env, "fg")
        self.assertEqual(r.returncode, 1)
        self.assertIn(self.home.local_dir, r.stderr)

    def test_full_disk_while_creating(self):
        if h.tmpfs(self.home.local_dir, "3m") is None:
            self.skipTest("cannot mount a tmpfs here (needs root)")
        h.Foreground(self.env).wait_ready()
        self.assertEqual(h.li(self.env, "profile", "create", "a", "-p", "pw").returncode, 0)
        filler = os.path.join(self.home.local_dir, "filler")
        subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=64k"], capture_output=True)
        r = h.li(self.env, "profile", "create", "b", "-p", "pw", "-j", "b@example.org")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("full", r.stderr)
        os.remove(filler)
        self.assertEqual(h.li(self.env, "profile", "list").stdout.split(), ["a"])
        r = h.li(self.env, "profile", "create", "b", "-p", "pw", "-j", "b@example.org")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(h.li(self.env, "profile", "list").stdout.split(), ["a", "b"])


class RealLiberviaCli(h.LvTestCase):
    """Libervia 0.9's own CLI against our backend."""

    def setUp(self):
        super().setUp()
        if not os.path.exists(LIBERVIA_CLI):
            self.skipTest("libervia-cli 0.9 is not installed")
        self.home = h.Home()
        h.PrivateBus(self.home)
        # Its #!/usr/bin/env python3 must find Debian's interpreter.
        self.env = dict(self.home.env, PATH="/usr/bin:/bin")
        h.Foreground(self.env).wait_ready()

    def cli(self, *args, code=0):
        r = h.run([LIBERVIA_CLI, *args], self.env, timeout=60)
        self.assertEqual(r.returncode, code, f"{args}: {r.stdout} {r.stderr}")
        return r.stdout

    def test_profile_life(self):
        self.cli("profile", "create", "alice", "-p", "pw", "-j", "alice@example.org",
                 "-x", "xmpp-pw")
        self.assertEqual(self.cli("profile", "list").split(), ["alice"])
        self.assertEqual(self.cli("profile", "default").strip(), "alice")
        self.cli("profile", "create", "alice", code=3)  # its own check: already exists
        info = self.cli("profile", "info", "-p", "alice", "--pwd", "pw", "--show-password")
        self.assertIn("alice@example.org", info)
        # Libervia's CLI sets the profile password as XMPP password when both are given.
        self.assertIn("XMPP password: pw", info)
        ours = h.li(self.env, "profile", "info", "-p", "alice", "--pwd", "pw",
                    "--show-password").stdout
        self.assertIn("XMPP password: pw", ours)  # what it shows is what is stored
        self.cli("param", "set", "Connection", "Priority", "12", "-p", "alice", "--pwd", "pw")
        self.assertEqual(self.cli("param", "get", "Connection", "Priority", "-p", "alice",
                                  "--pwd", "pw").strip(), "12")
        self.assertEqual(h.li(self.env, "param", "get", "Connection", "Priority", "-p", "alice",
                              "--pwd", "pw").stdout.strip(), "12")
        self.cli("profile", "delete", "alice", "-f")
        self.assertEqual(self.cli("profile", "list").split(), [])

    def test_wrong_password_reprompts(self):
        self.cli("profile", "create", "alice", "-p", "right", "-j", "alice@example.org")
        h.backend(self.env, "stop")
        h.Foreground(self.env).wait_ready()
        pty = h.Pty([LIBERVIA_CLI, "profile", "info", "-p", "alice", "--start-session"],
                    self.env)
        # The whole prompt: getpass turns echo off (flushing what was typed) before it
        # writes it, while "assword" alone also matches the error line in between.
        prompt = "please enter profile password: "
        pty.expect(prompt)
        pty.send("wrong")
        pty.expect(prompt)  # asked again: it recognised PasswordError
        pty.send("right")
        pty.expect("alice@example.org")
        self.assertEqual(pty.wait(), 0)


if __name__ == "__main__":
    h.run_tap()
