"""Secrets at rest and in the process (catalogue 5.3, K1-K8), with the real backend,
bus and Prosody.

K4, K6 and K8 (back-off waits, kills and restarts) are in test_secrets_slow.py
(suite heavy). Also covered elsewhere: K1 hash format and needs_rehash (tests/unit/test-crypto.c
K1-hash-parameters-and-rehash), K3 tampered values in the format
(test-crypto.c tampering-refused), K6 old password refused, new one works, XMPP
password kept (test_profiles.ProfilesWithLi.test_password_change_rewraps)."""
import base64
import ctypes
import os
import resource
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time

import lvharness as h
import lvproxy

CANARY = "CANARY-k2-7f3e9a1c"


def weak_hash(password):
    """@password hashed as an older version would have (argon2id t=1, 8 MiB)."""
    sodium = ctypes.CDLL("libsodium.so.23")
    assert sodium.sodium_init() >= 0
    out = ctypes.create_string_buffer(128)
    data = password.encode()
    assert sodium.crypto_pwhash_str(out, data, ctypes.c_ulonglong(len(data)),
                                    ctypes.c_ulonglong(1), ctypes.c_size_t(8 << 20)) == 0
    return out.value.decode()


def vm(pid, field):
    """A /proc/PID/status figure in KiB (VmRSS, VmHWM)."""
    with open(f"/proc/{pid}/status", encoding="utf-8") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError(f"no {field} for {pid}")


class SecretsCase(h.LvTestCase):
    """One Prosody (PLAIN only, so that the SASL payload is the password in base64),
    reached through a proxy that counts connections."""

    @classmethod
    def setUpClass(cls):
        cls.prosody = h.Prosody(upload=False, extra_config='disable_sasl_mechanisms = '
                                '{ "SCRAM-SHA-1", "SCRAM-SHA-1-PLUS" }')
        cls.jid = cls.prosody.register("alice", CANARY)
        cls.prosody.register("bob", "bob-xmpp-pw")
        cls.proxy = lvproxy.Proxy(cls.prosody.c2s_port)

    @classmethod
    def tearDownClass(cls):
        h._cleanup_all()

    def setUp(self):
        super().setUp()
        self.home = h.Home()
        self.bus = h.PrivateBus(self.home, activation=False)
        self.env = self.home.env
        self.env["SSL_CERT_FILE"] = self.prosody.ca_file
        self.db = os.path.join(self.home.local_dir, "libervia.db")
        self.log_path = os.path.join(self.home.root, "backend.log")

    def start(self, debug=False, umask=None, **kwargs):
        """The backend in the foreground, its log in self.log_path."""
        log = open(self.log_path, "a", encoding="utf-8")

        def prepare():
            if umask is not None:
                os.umask(umask)
        self.backend = subprocess.Popen([h.BACKEND, "debug" if debug else "fg"], env=self.env,
                                        start_new_session=True, stdout=log, stderr=log,
                                        preexec_fn=prepare, **kwargs)
        log.close()
        h.at_teardown(lambda: h.kill_group(self.backend))
        h.wait_for(lambda: self.backend.poll() is not None or h.name_has_owner(self.env),
                   what="the backend")
        self.assertIsNone(self.backend.poll(), self.log())
        return self.backend

    def stop(self):
        h.kill_group(self.backend)

    def log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def li(self, *args, code=0, timeout=60):
        r = h.li(self.env, *args, timeout=timeout)
        self.assertEqual(r.returncode, code, f"li {args}: {r.stdout} {r.stderr}")
        return r

    def profile(self, name, jid, xmpp_password, password="pw"):
        self.li("profile", "create", name, "-p", password, "-j", jid, "-x", xmpp_password)
        for param, value in (("Force server", "127.0.0.1"), ("Force port", str(self.proxy.port))):
            self.li("param", "set", "Connection", param, value, "-p", name, "--pwd", password)

    def sql(self, query, *args):
        con = sqlite3.connect(self.db, timeout=10)
        try:
            rows = con.execute(query, args).fetchall()
            con.commit()
            return rows
        finally:
            con.close()

    def start_session(self, password, profile="alice"):
        return h.gdbus_call(self.env, "profileStartSession", password, profile)



class Secrets(SecretsCase):
    def test_K1_argon2id_hash_and_rehash(self):
        self.start()
        self.li("profile", "create", "alice", "-p", "right")
        [(stored,)] = self.sql("SELECT password_hash FROM profile_secrets")
        self.assertTrue(stored.startswith("$argon2id$v=19$m=65536,t=2,p=1$"), stored)
        self.assertNotIn("right", stored)
        self.stop()
        # An older, weaker hash of the same password: the next unlock replaces it.
        weak = weak_hash("right")
        self.sql("UPDATE profile_secrets SET password_hash = ?", weak)
        self.start()
        r = self.start_session("wrong")
        self.assertIn("PasswordError", r.stderr)
        self.assertEqual(self.sql("SELECT password_hash FROM profile_secrets"), [(weak,)])
        r = self.start_session("right")
        self.assertEqual(r.stdout.strip(), "(false,)", r.stderr)
        [(upgraded,)] = self.sql("SELECT password_hash FROM profile_secrets")
        self.assertTrue(upgraded.startswith("$argon2id$v=19$m=65536,t=2,p=1$"), upgraded)
        self.assertNotEqual(upgraded, weak)
        self.stop()
        self.start()
        self.assertEqual(self.start_session("right").stdout.strip(), "(false,)")

    def test_K2_I2_canary_nowhere(self):
        self.start(debug=True)
        monitor = subprocess.Popen(["dbus-monitor", "--address", self.bus.address],
                                   stdout=subprocess.PIPE, text=True, errors="replace",
                                   start_new_session=True)
        h.at_teardown(lambda: h.kill_group(monitor))
        time.sleep(0.3)  # subscribed before the first call
        self.profile("alice", self.jid, CANARY)
        self.li("profile", "connect", "-c", "-p", "alice", "--pwd", "pw")
        self.li("profile", "disconnect", "-p", "alice")
        self.stop()
        h.kill_group(monitor)
        capture = monitor.stdout.read()
        plain = base64.b64encode(b"\0alice\0" + CANARY.encode())
        needles = [CANARY.encode(), plain, plain[:24]]
        self.assertIn("SENT: <auth", self.log())  # libstrophe's debug log was on
        self.assertIn("[redacted]", self.log())
        for path in sorted(os.listdir(self.home.local_dir)) + [self.log_path]:
            path = os.path.join(self.home.local_dir, path)
            if os.path.isfile(path):
                with open(path, "rb") as f:
                    data = f.read()
                for needle in needles:
                    self.assertNotIn(needle, data, path)
        # On the bus, only inside the calls that set it (profileCreate, here).
        messages = capture.split("\n\n") if "\n\n" in capture else []
        blocks, current = [], []
        for line in capture.splitlines():
            if line and not line[0].isspace() and current:
                blocks.append("\n".join(current))
                current = []
            current.append(line)
        blocks.append("\n".join(current))
        self.assertGreater(len(blocks), 10, messages)
        carriers = [b.splitlines()[0] for b in blocks if CANARY in b or plain.decode() in b]
        self.assertTrue(carriers, "the capture did not see the call that set it")
        for first_line in carriers:
            self.assertTrue(first_line.startswith("method call") and
                            ("member=profileCreate" in first_line or
                             "member=setParam" in first_line), first_line)

    def tamper(self, name, how):
        [(value,)] = self.sql("SELECT value FROM param_ind i JOIN profiles p ON p.id = "
                              "i.profile_id WHERE p.name = ? AND i.category = 'Connection' "
                              "AND i.name = 'Password'", name)
        self.assertTrue(value.startswith("lv1$"))
        blob = bytearray(base64.b64decode(value[4:]))
        how(blob)
        self.set_sealed(name, "lv1$" + base64.b64encode(bytes(blob)).decode())
        return value

    def set_sealed(self, name, value):
        self.sql("UPDATE param_ind SET value = ? WHERE category = 'Connection' AND name = "
                 "'Password' AND profile_id = (SELECT id FROM profiles WHERE name = ?)",
                 value, name)

    def refused_without_connecting(self, name):
        before = self.proxy.accepted
        r = self.li("profile", "connect", "-c", "-p", name, "--pwd", "pw", code=4)
        self.assertIn("does not open", r.stderr)
        self.assertEqual(self.proxy.accepted, before)  # nothing was tried with garbage
        return r

    def test_K3_tampered_secrets_fail_closed(self):
        self.start()
        self.profile("alice", self.jid, CANARY)
        self.profile("bob", "bob@localhost", "bob-xmpp-pw")
        self.li("profile", "connect", "-c", "-p", "alice", "--pwd", "pw")
        self.li("profile", "disconnect", "-p", "alice")
        self.li("profile", "connect", "-c", "-p", "bob", "--pwd", "pw")  # bob's session too
        self.li("profile", "disconnect", "-p", "bob")

        def flip(index):
            def how(blob):
                blob[index] ^= 0x01
            return how
        # Nonce (first 24 bytes), ciphertext, tag (last 16 bytes).
        for where, index in (("nonce", 3), ("ciphertext", 25), ("tag", -1)):
            original = self.tamper("alice", flip(index))
            self.refused_without_connecting("alice")
            self.set_sealed("alice", original)
        self.li("profile", "connect", "-c", "-p", "alice", "--pwd", "pw")
        self.li("profile", "disconnect", "-p", "alice")
        # Alice's sealed password in bob's row: bound to alice's profile, it does not open.
        [(alice_value,)] = self.sql("SELECT value FROM param_ind i JOIN profiles p ON p.id = "
                                    "i.profile_id WHERE p.name = 'alice' AND "
                                    "i.name = 'Password' AND i.category = 'Connection'")
        self.set_sealed("bob", alice_value)
        self.refused_without_connecting("bob")
        # A damaged wrapped key reads as a wrong profile password (AEAD: no oracle).
        self.stop()
        [(wrapped,)] = self.sql("SELECT wrapped_key FROM profile_secrets s JOIN profiles p "
                                "ON p.id = s.profile_id WHERE p.name = 'alice'")
        blob = bytearray(base64.b64decode(wrapped[4:]))
        blob[-1] ^= 0x01
        self.sql("UPDATE profile_secrets SET wrapped_key = ? WHERE profile_id = "
                 "(SELECT id FROM profiles WHERE name = 'alice')",
                 "lv1$" + base64.b64encode(bytes(blob)).decode())
        self.start()
        r = self.li("profile", "connect", "-c", "-p", "alice", "--pwd", "pw", code=1)
        self.assertIn("wrong profile password", r.stderr)

    def test_K5_permissions_with_umask_000(self):
        self.start(umask=0)
        self.li("profile", "create", "alice", "-p", "pw")
        self.assertEqual(os.stat(self.home.local_dir).st_mode & 0o777, 0o700)
        for suffix in ("", "-wal", "-shm"):
            path = self.db + suffix
            self.assertTrue(os.path.exists(path), path)
            self.assertEqual(os.stat(path).st_mode & 0o777, 0o600, path)
        self.stop()
        # Made wider by someone else: tightened at the next start, with a warning.
        os.chmod(self.home.local_dir, 0o755)
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(self.db + suffix):
                os.chmod(self.db + suffix, 0o644)
        self.start(umask=0)
        self.assertEqual(os.stat(self.home.local_dir).st_mode & 0o777, 0o700)
        for suffix in ("", "-wal", "-shm"):
            self.assertEqual(os.stat(self.db + suffix).st_mode & 0o777, 0o600, suffix)
        log = self.log()
        self.assertIn(f"{self.db} was readable or writable by others (mode 0644)", log)
        self.assertIn(f"{self.home.local_dir} was readable or writable by others (mode 0755)",
                      log)
        self.assertEqual(self.li("profile", "list").stdout.split(), ["alice"])

    def test_K7_not_dumpable_no_core(self):
        if os.getuid() != 0:
            self.skipTest("needs root to run the backend as another user")
        # The backend as nobody on a bus that admits nobody; the readers as nobody too.
        home = h.Home()
        h.OpenBus(home)
        subprocess.run(["chown", "-R", "nobody:nogroup", home.root], check=True)
        cwd = tempfile.mkdtemp(prefix="lv-core-")
        h.at_teardown(lambda: subprocess.run(["rm", "-rf", cwd]))
        os.chmod(cwd, 0o777)

        def unlimited_core():
            resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY,) * 2)
        backend = subprocess.Popen(h.as_nobody([h.BACKEND, "fg"]), env=home.env, cwd=cwd,
                                   start_new_session=True, preexec_fn=unlimited_core,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        h.at_teardown(lambda: h.kill_group(backend))
        h.wait_for(lambda: backend.poll() is not None or h.name_has_owner(home.env),
                   what="the backend as nobody")
        self.assertIsNone(backend.poll(), backend.stderr.read() if backend.poll() else "")
        pid = backend.pid  # setpriv execs the backend
        # A control: a dumpable process of nobody can be read by another one.
        control = subprocess.Popen(h.as_nobody(["sleep", "30"]), cwd=cwd,
                                   preexec_fn=unlimited_core)
        h.at_teardown(control.kill)
        time.sleep(0.1)
        read = ("import sys\ntry:\n    open(f'/proc/{sys.argv[1]}/environ','rb').read()\n"
                "    print('READ')\nexcept OSError as e:\n    print('REFUSED', e.errno)\n")
        probe = lambda p: subprocess.run(h.as_nobody(["/usr/bin/python3", "-c", read, str(p)]),
                                         capture_output=True, text=True).stdout.strip()
        self.assertEqual(probe(control.pid), "READ")
        self.assertTrue(probe(pid).startswith("REFUSED"), probe(pid))
        gdb = subprocess.run(h.as_nobody(["gdb", "-batch", "-p", str(pid), "-ex", "info proc"]),
                             capture_output=True, text=True, timeout=60)
        self.assertIn("ptrace: Operation not permitted", gdb.stdout + gdb.stderr)
        with open(f"/proc/{pid}/limits", encoding="utf-8") as f:
            self.assertRegex(f.read(), r"Max core file size\s+0\s+0")
        # A crash. AddressSanitizer catches SIGSEGV itself, and an ASan backend given
        # SIGQUIT instead did not always go (seen in full runs, not alone): the crash
        # is checked on the normal build only, reported as a skip here.
        with open(f"/proc/{pid}/maps", encoding="utf-8") as f:
            if "libasan" in f.read():
                self.skipTest("K7 crash without core: checked in the normal build only")
        sig = signal.SIGSEGV
        os.kill(pid, sig)
        backend.wait(30)  # an ASan build under load takes its time to go
        self.assertEqual(backend.returncode, -sig)
        self.assertEqual([n for n in os.listdir(cwd) if n.startswith("core")], [])


if __name__ == "__main__":
    h.run_tap()
