"""Integration harness: real parts on loopback, torn down even when a test fails.

- Home: a temporary HOME / XDG tree and a libervia.conf named by LIBERVIA_CONFIG,
  so nothing of the machine's configuration leaks in.
- PrivateBus: a private dbus-daemon whose only service directory holds our
  backend's service file (built with Exec pointing at the build tree), so a call
  activates our backend and never Debian's Python one.
- Prosody: a real Prosody on free loopback ports with its own config, data
  directory and a test CA made at run time.
- run_tap(): runs unittest cases and prints TAP, which tools/test counts.

Run with Debian's /usr/bin/python3 (slixmpp comes from Debian's packages).
"""
import atexit
import json
import os
import shutil
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import unittest

BUILD_ROOT = os.environ.get("LV_BUILD_ROOT", os.path.join(os.path.dirname(__file__), "../../build"))
SOURCE_ROOT = os.environ.get("LV_SOURCE_ROOT", os.path.join(os.path.dirname(__file__), "../.."))
BACKEND = os.path.join(BUILD_ROOT, "backend", "libervia-backend")
LI = os.path.join(BUILD_ROOT, "frontends", "cli", "li")
SERVICE_FILE = os.path.join(BUILD_ROOT, "data", "org.libervia.Libervia.service.test")
BUS_NAME = "org.libervia.Libervia"
# tools/test --full: every Foreground backend runs under LV_BACKEND_WRAPPER (valgrind;
# "{test}" in it becomes the test file's name), and every wait is LV_TIMEOUT_SCALE
# times longer.
WRAPPER = [arg.replace("{test}", os.path.splitext(os.path.basename(sys.argv[0]))[0])
           for arg in shlex.split(os.environ.get("LV_BACKEND_WRAPPER", ""))]
TIMEOUT_SCALE = float(os.environ.get("LV_TIMEOUT_SCALE", "1"))
OBJECT_PATH = "/org/libervia/Libervia/bridge"
CORE = "org.libervia.Libervia.core"

_cleanups = []


def _cleanup_all():
    while _cleanups:
        fn = _cleanups.pop()
        try:
            fn()
        except Exception:  # teardown must go on whatever failed before
            traceback.print_exc(file=sys.stderr)


atexit.register(_cleanup_all)


def at_teardown(fn):
    """Runs @fn when the current test ends (at exit outside a test), before what
    was set up earlier is torn down: newest first."""
    _cleanups.append(fn)


def _mark_killed(proc):
    """Notes in the wrapper's log of @proc (valgrind's --log-file) that the test kills
    it on purpose: tools/valgrind-logs then expects no summary from it."""
    for arg in WRAPPER:
        if arg.startswith("--log-file="):
            path = arg[len("--log-file="):].replace("%p", str(proc.pid))
            if os.path.exists(path):
                with open(path, "a", encoding="utf-8") as f:
                    f.write("\n== killed on purpose by the test (SIGKILL) ==\n")


def kill_group(proc, sig=signal.SIGTERM, timeout=5):
    """Stops @proc and its process group; SIGKILL after @timeout seconds."""
    if proc is None or proc.poll() is not None:
        return
    if sig == signal.SIGKILL:
        _mark_killed(proc)
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(5)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout=10.0, interval=0.02, what="condition"):
    """Polls @predicate until true: fine in tests, which wait for other processes."""
    deadline = time.monotonic() + timeout * TIMEOUT_SCALE
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def process_gone(pid):
    """True when @pid has exited (a zombie nobody reaps counts as exited)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except OSError:
        return True


class Home:
    """A private HOME and configuration for one test."""

    def __init__(self, default_lines="", sections=""):
        self.root = tempfile.mkdtemp(prefix="lv-it-")
        _cleanups.append(self.remove)
        self.local_dir = os.path.join(self.root, "data", "libervia")
        self.config_path = os.path.join(self.root, "libervia.conf")
        self.runtime = os.path.join(self.root, "run")
        os.makedirs(self.runtime, mode=0o700)
        self.write_config(default_lines, sections)
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": self.root,
            "XDG_DATA_HOME": os.path.join(self.root, "data"),
            "XDG_CONFIG_HOME": os.path.join(self.root, "config"),
            "XDG_RUNTIME_DIR": self.runtime,
            "LIBERVIA_CONFIG": self.config_path,
            "LANG": "C.UTF-8",
            # A GLib critical is a bug: make it crash the test instead of passing by
            # (with what tools/test asks, e.g. gc-friendly for valgrind).
            "G_DEBUG": ",".join(["fatal-criticals"] + [
                flag for flag in os.environ.get("G_DEBUG", "").split(",")
                if flag and flag != "fatal-criticals"]),
        }
        # G_SLICE=always-malloc (tools/test's ASan and valgrind runs): the sanitizer
        # and memcheck see GLib's blocks only when they come from malloc.
        for name in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "G_SLICE"):
            if name in os.environ:
                self.env[name] = os.environ[name]

    def write_config(self, default_lines="", sections=""):
        with open(self.config_path, "w", encoding="utf-8") as f:
            f.write("[DEFAULT]\n" + default_lines + "\n" + sections + "\n")

    @property
    def pid_file(self):
        return os.path.join(self.local_dir, "libervia.pid")

    def remove(self):
        shutil.rmtree(self.root, ignore_errors=True)


def start_dbus_daemon(home, config):
    """A dbus-daemon on @config whose address becomes @home's session bus: (process,
    address)."""
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        ["dbus-daemon", f"--config-file={config}", f"--print-address={write_fd}", "--nofork"],
        env=home.env, pass_fds=(write_fd,), start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as r:
        address = r.readline().strip()
    if not address:
        raise RuntimeError("dbus-daemon did not start")
    home.env["DBUS_SESSION_BUS_ADDRESS"] = address
    return proc, address


class PrivateBus:
    """A private session bus; with @activation our backend's service file only."""

    def __init__(self, home, activation=True):
        self.home = home
        self.dir = os.path.join(home.root, "bus")
        services = os.path.join(self.dir, "services")
        os.makedirs(services)
        if activation:
            shutil.copy(SERVICE_FILE, os.path.join(services, BUS_NAME + ".service"))
        config = os.path.join(self.dir, "session.conf")
        with open(config, "w", encoding="utf-8") as f:
            f.write(f"""<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={self.dir}</listen>
  <auth>EXTERNAL</auth>
  <servicedir>{services}</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
""")
        self.proc, self.address = start_dbus_daemon(home, config)
        _cleanups.append(self.stop)

    def stop(self):
        # Our backend first, so that it exits cleanly rather than by losing the bus.
        if self.proc.poll() is None:
            subprocess.run([BACKEND, "stop"], env=self.home.env, capture_output=True, timeout=30)
        kill_group(self.proc)


def run(args, env, timeout=30, **kwargs):
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout,
                          **kwargs)


def backend(env, *args, timeout=30):
    return run([BACKEND, *args], env, timeout=timeout)


def li(env, *args, timeout=30):
    return run([LI, *args], env, timeout=timeout)


def gdbus_call(env, method, *args, interface=CORE, dest=BUS_NAME, path=OBJECT_PATH):
    return run(["gdbus", "call", "--session", "--dest", dest, "--object-path", path,
                "--method", f"{interface}.{method}", *args], env)


def name_has_owner(env, name=BUS_NAME):
    r = gdbus_call(env, "NameHasOwner", name, interface="org.freedesktop.DBus",
                   dest="org.freedesktop.DBus", path="/org/freedesktop/DBus")
    return r.returncode == 0 and "true" in r.stdout


class ProcessLines:
    """The output lines of self.proc, read by a thread as they come (a full pipe
    would block the process): start_reading() once self.proc runs, copy() what came
    so far."""

    def start_reading(self):
        self.lines = []
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            with self.lock:
                self.lines.append(line.rstrip("\n"))

    def copy(self):
        with self.lock:
            return list(self.lines)


class BusMonitor(ProcessLines):
    """`gdbus monitor` of our bus name, from now on, read as it goes: wait() for a
    signal, copy() what came so far, text() stops it and returns all of it
    (signals as `name (args…)` lines)."""

    def __init__(self, env):
        self.proc = subprocess.Popen(["gdbus", "monitor", "--session", "--dest", BUS_NAME],
                                     env=env, stdout=subprocess.PIPE, text=True,
                                     start_new_session=True)
        _cleanups.append(lambda: kill_group(self.proc))
        self.start_reading()
        # gdbus prints the owner once its name watch has an answer, which the bus
        # sends after it has taken the signal subscription made before it.
        wait_for(lambda: any(" is owned by " in line or "does not have an owner" in line
                             for line in self.copy()) or self.proc.poll() is not None,
                 10, 0.02, "gdbus monitor to subscribe")

    def wait(self, *needles, timeout=10):
        """The first line holding every one of @needles."""
        found = []

        def seen():
            found[:] = [line for line in self.copy() if all(n in line for n in needles)]
            return bool(found)
        wait_for(seen, timeout, 0.05, f"a signal with {needles}")
        return found[0]

    def stop(self):
        kill_group(self.proc)
        self.reader.join(5)

    def text(self):
        self.stop()
        return "".join(line + "\n" for line in self.copy())


def sanitizer_report(text):
    """The part of a backend's output where ASan or UBSan reported, or None."""
    for marker in ("Sanitizer", "runtime error:"):
        if marker in text:
            return text[max(text.index(marker) - 200, 0):][:3000]
    return None


class DebugBackend:
    """`libervia-backend debug` (under the wrapper of --full, if any) with its output in
    a file of @home, shared by the tests of a class; stop() fails on a sanitizer
    report in that output."""

    def __init__(self, home):
        self.env = home.env
        self.path = os.path.join(home.root, "backend.log")
        self.file = open(self.path, "w", encoding="utf-8")
        self.proc = subprocess.Popen([*WRAPPER, BACKEND, "debug"], env=self.env,
                                     stdout=self.file, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        _cleanups.append(lambda: kill_group(self.proc, signal.SIGTERM, 5 * TIMEOUT_SCALE))
        wait_for(lambda: self.proc.poll() is not None or name_has_owner(self.env), 10,
                 what="the backend's bus name")
        if self.proc.poll() is not None:
            raise AssertionError(f"backend exited {self.proc.returncode}: {self.text()}")

    def text(self):
        with open(self.path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def stop(self):
        kill_group(self.proc, signal.SIGTERM, 5 * TIMEOUT_SCALE)
        self.file.close()
        report = sanitizer_report(self.text())
        if report is not None:
            raise AssertionError(report)


class Foreground:
    """`libervia-backend fg` in its own process group, waited for on the bus."""

    def __init__(self, env, *args):
        self.env = env
        self.proc = subprocess.Popen([*WRAPPER, BACKEND, "fg", *args], env=env,
                                     start_new_session=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        _cleanups.append(self.stop)

    def wait_ready(self, timeout=10):
        wait_for(lambda: self.proc.poll() is not None or name_has_owner(self.env), timeout,
                 what="the backend's bus name")
        if self.proc.poll() is not None:
            raise AssertionError(f"backend exited {self.proc.returncode}: {self.output()}")
        return self

    def output(self):
        if self.proc.poll() is None:
            return ""
        out, err = self.proc.communicate()
        return out + err

    def stop(self):
        kill_group(self.proc, signal.SIGTERM, 5 * TIMEOUT_SCALE)


class Prosody:
    """A real Prosody on loopback with a test CA, its own config and data."""

    MODULES = ["roster", "saslauth", "tls", "disco", "carbons", "pep", "private", "vcard4",
               "vcard_legacy", "smacks", "mam", "blocklist", "bookmarks", "ping", "time",
               "version", "register", "http"]

    def __init__(self, memory_archive=True, muc_room_locking=False, hibernation=None,
                 without=(), upload=True, upload_size_limit=10 * 1024 * 1024,
                 admin_shell=False, muc_mam=True, muc_without_archive=False, modules=(),
                 extra_config="", require_encryption=True):
        # extra_config: Lua lines for the global section (e.g. 'password_hash = "SHA-256"').
        self.extra_config = extra_config
        # require_encryption=False: c2s_require_encryption = false (plaintext allowed).
        self.require_encryption = require_encryption
        self.tls = True  # False (use_certificate(None)): no certificate at all, no STARTTLS
        self.ssl_options = ""  # more LuaSec options in every ssl table (e.g. ciphers = "…")
        # admin_shell=True: `shell()` runs prosodyctl shell commands (mod_admin_shell).
        self.admin_shell = admin_shell
        # muc_mam=False: the rooms of conference.localhost keep no archive.
        self.muc_mam = muc_mam
        # muc_without_archive=True: a second MUC service, nomam.localhost, without
        # muc_mam and without room locking.
        self.muc_without_archive = muc_without_archive
        self.hibernation = hibernation  # smacks_hibernation_time (s), None: Prosody's
        self.without = set(without)  # MODULES left out, e.g. {"bookmarks"}
        self.modules = list(modules)  # more modules, e.g. ["vcard"] without vcard_legacy
        # upload=False leaves out upload.localhost (a server without XEP-0363).
        self.upload = upload
        self.upload_size_limit = upload_size_limit
        self.dir = tempfile.mkdtemp(prefix="lv-prosody-")
        _cleanups.append(lambda: shutil.rmtree(self.dir, ignore_errors=True))
        self.data = os.path.join(self.dir, "data")
        os.makedirs(self.data, mode=0o700)
        self.c2s_port = free_port()
        self.http_port = free_port()
        self.https_port = free_port()
        self._make_certificates()
        self.config = os.path.join(self.dir, "prosody.cfg.lua")
        self._config_args = (memory_archive, muc_room_locking)
        self._write_config(memory_archive, muc_room_locking)
        self.proc = None
        self.start()
        _cleanups.append(self.stop)

    def _openssl(self, *args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)

    def _make_certificates(self):
        d = self.dir
        self.ca_file = os.path.join(d, "ca.pem")
        self.key_file = os.path.join(d, "server.key")
        self.cert_file = os.path.join(d, "server.pem")
        ca_key = os.path.join(d, "ca.key")
        csr = os.path.join(d, "server.csr")
        ext = os.path.join(d, "server.ext")
        self._openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key,
                      "-out", self.ca_file, "-days", "2", "-subj", "/CN=libervia-c test CA")
        self._openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", self.key_file,
                      "-out", csr, "-subj", "/CN=localhost")
        with open(ext, "w", encoding="utf-8") as f:
            f.write("subjectAltName = DNS:localhost, DNS:conference.localhost, "
                    "DNS:pubsub.localhost, DNS:upload.localhost, IP:127.0.0.1\n")
        self._openssl("x509", "-req", "-in", csr, "-CA", self.ca_file, "-CAkey", ca_key,
                      "-CAcreateserial", "-out", self.cert_file, "-days", "2", "-extfile", ext)
        os.chmod(self.key_file, 0o644)

    def _write_config(self, memory_archive, muc_room_locking):
        modules = ", ".join(f'"{m}"' for m in self.MODULES + self.modules
                            if m not in self.without)
        if self.admin_shell:
            modules += ', "admin_shell"'
        muc_modules = '"muc_mam"' if self.muc_mam else ""
        storage = ('storage = { archive = "memory", archive2 = "memory" }\n'
                   "storage_archive_item_limit = 2000000\n") if memory_archive else ""
        locking = "true" if muc_room_locking else "false"
        if self.hibernation is not None:
            storage += f"smacks_hibernation_time = {self.hibernation}\n"
        ssl = (f'ssl = {{ key = "{self.key_file}"; certificate = "{self.cert_file}"; '
               f'{getattr(self, "ssl_options", "")} }}')
        if not self.tls:
            ssl = ""
        with open(self.config, "w", encoding="utf-8") as f:
            f.write(f"""-- written by tests/integration/lvharness.py
run_as_root = true
daemonize = false
pidfile = "{self.dir}/prosody.pid"
data_path = "{self.data}"
log = {{ {{ levels = {{ min = "info" }}, to = "file", filename = "{self.dir}/prosody.log" }} }}
interfaces = {{ "127.0.0.1" }}
c2s_interfaces = {{ "127.0.0.1" }}
c2s_ports = {{ {self.c2s_port} }}
http_interfaces = {{ "127.0.0.1" }}
https_interfaces = {{ "127.0.0.1" }}
http_ports = {{ {self.http_port} }}
https_ports = {{ {self.https_port} }}
s2s_ports = {{ }}
modules_disabled = {{ "s2s" }}
admin_socket = "{self.dir}/admin.sock"
c2s_require_encryption = {"true" if self.require_encryption else "false"}
c2s_stanza_size_limit = 2 * 1024 * 1024
authentication = "internal_hashed"
allow_registration = true
min_seconds_between_registrations = 0
modules_enabled = {{ {modules} }}
{storage}{self.extra_config}
certificates = "{self.dir}/certs"
{ssl}

VirtualHost "localhost"
    {ssl}

Component "conference.localhost" "muc"
    muc_room_locking = {locking}
    modules_enabled = {{ {muc_modules} }}

Component "pubsub.localhost" "pubsub"
""")
            if self.muc_without_archive:
                f.write("""
Component "nomam.localhost" "muc"
    muc_room_locking = false
""")
            if self.upload:
                # upload.localhost does not resolve here: its URLs name localhost (in
                # the certificate) and the HTTPS port actually listened on.
                f.write(f"""
Component "upload.localhost" "http_file_share"
    http_host = "localhost"
    http_external_url = "https://localhost:{self.https_port}/"
    http_file_share_size_limit = {self.upload_size_limit}
    http_file_share_daily_quota = {self.upload_size_limit * 100}
""")

    def start(self):
        self.proc = subprocess.Popen(["prosody", "--config", self.config, "-F"],
                                     start_new_session=True, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)

        def listening():
            if self.proc.poll() is not None:
                raise AssertionError("prosody exited: " + self.log_tail())
            try:
                with socket.create_connection(("127.0.0.1", self.c2s_port), 0.2):
                    return True
            except OSError:
                return False
        wait_for(listening, 20, 0.05, "prosody's c2s port")

    def stop(self):
        kill_group(self.proc)

    def restart(self):
        self.stop()
        self.start()

    def use_certificate(self, cert_file, key_file=None, extra_config=None):
        """Restarts with @cert_file/@key_file (None: no certificate, so no STARTTLS) and,
        if given, other @extra_config; the test CA's key is {dir}/ca.key."""
        self.tls = cert_file is not None
        if cert_file is not None:
            self.cert_file, self.key_file = cert_file, key_file
        if extra_config is not None:
            self.extra_config = extra_config
        self._write_config(*self._config_args)
        self.restart()

    def shell(self, line):
        """Runs one admin shell line (a ">" line is raw Lua inside Prosody); its output."""
        r = subprocess.run(["timeout", "20", "prosodyctl", "--config", self.config, "shell",
                            line], capture_output=True, text=True)
        if r.returncode != 0:
            raise AssertionError(f"prosodyctl shell {line!r}: {r.stdout} {r.stderr}")
        return r.stdout

    def muc_forget(self, room, nick, service="conference.localhost"):
        """The room drops @nick's occupant without a word to it (as a restarted or
        buggy service would): only a self-ping can tell."""
        out = self.shell(
            f'>local r = hosts["{service}"].modules.muc.get_room_from_jid("{room}") '
            f'local o = r:get_occupant_by_nick("{room}/{nick}") '
            'for j in o:each_session() do r._jid_nick[j] = nil end '
            'r._occupants[o.nick] = nil return "forgotten"')
        if "forgotten" not in out:
            raise AssertionError(f"{nick} not forgotten in {room}: {out}")

    def muc_knows(self, room, nick, service="conference.localhost"):
        """Whether the room has an occupant @nick."""
        return "true" in self.shell(
            f'>return hosts["{service}"].modules.muc.get_room_from_jid("{room}")'
            f':get_occupant_by_nick("{room}/{nick}") ~= nil')

    def log_tail(self, lines=20):
        try:
            with open(os.path.join(self.dir, "prosody.log"), encoding="utf-8") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return "(no log)"

    def register(self, user, password, host="localhost"):
        r = subprocess.run(["timeout", "20", "prosodyctl", "--config", self.config, "register",
                            user, host, password], capture_output=True, text=True)
        if r.returncode != 0:
            raise AssertionError(f"prosodyctl register failed: {r.stdout} {r.stderr}")
        return f"{user}@{host}"


class TapResult(unittest.TestResult):
    """Prints each case as a TAP line as soon as it ends."""

    def __init__(self, total):
        super().__init__()
        self.number = 0
        self.started = time.monotonic()
        print(f"1..{total}", flush=True)

    def startTest(self, test):
        super().startTest(test)
        self.started = time.monotonic()

    def _line(self, ok, test, extra=""):
        self.number += 1
        print(f"{'ok' if ok else 'not ok'} {self.number} - {test.id()}{extra}", flush=True)
        # Where a file's time goes, for whoever trims the suite (setUpClass counts
        # in its first case).
        print(f"# {time.monotonic() - self.started:.1f} s", flush=True)

    def _diag(self, text):
        for line in text.rstrip().splitlines():
            print(f"# {line}", flush=True)

    def addSuccess(self, test):
        super().addSuccess(test)
        self._line(True, test)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._line(False, test)
        self._diag(self._exc_info_to_string(err, test))

    def addError(self, test, err):
        super().addError(test, err)
        self._line(False, test)
        self._diag(self._exc_info_to_string(err, test))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._line(True, test, f" # SKIP {reason}")


def run_tap(module_name="__main__"):
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[module_name])
    result = TapResult(suite.countTestCases())
    try:
        suite.run(result)
    finally:
        _cleanup_all()
    sys.exit(0 if result.wasSuccessful() else 1)


class LvTestCase(unittest.TestCase):
    """Tears down what each test started (processes, buses, temporary trees)."""

    def setUp(self):
        self._mark = len(_cleanups)

    def tearDown(self):
        while len(_cleanups) > self._mark:
            fn = _cleanups.pop()
            try:
                fn()
            except Exception:
                traceback.print_exc(file=sys.stderr)


class SharedBackend(LvTestCase):
    """Tests sharing one Prosody, one private bus, one debug backend and profile
    alice: set_up_shared() in setUpClass (after cls.prosody and cls.alice exist),
    tearDownClass stops them all."""

    @classmethod
    def set_up_shared(cls):
        cls.home = Home("log_level = debug")
        PrivateBus(cls.home, activation=False)
        cls.env = cls.home.env
        cls.env["SSL_CERT_FILE"] = cls.prosody.ca_file
        cls.backend = DebugBackend(cls.home)
        xmpp_profile(None, cls.env, cls.prosody, "alice", cls.alice, "alice-pw")

    @classmethod
    def tearDownClass(cls):
        cls.backend.stop()
        for prosody in cls.prosodies():
            prosody.stop()

    @classmethod
    def prosodies(cls):
        return [cls.prosody]

    def backend_log(self):
        return self.backend.text()

    def li(self, *args, code=0, env=None):
        r = subprocess.run([LI, *args], env=env or self.env, capture_output=True, text=True,
                           timeout=60)
        if r.returncode != code:
            raise AssertionError(f"li {args}: exit {r.returncode}: {r.stdout} {r.stderr}")
        return r


class Pty:
    """Runs a command on a pseudo-terminal, to answer its prompts as a person would."""

    def __init__(self, args, env):
        import pty
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execve(args[0], args, env)
        self.buffer = b""

    def expect(self, text, timeout=20):
        """Reads until @text appears; returns what was read."""
        import select
        deadline = time.monotonic() + timeout
        while text.encode() not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {text!r} in {self.buffer.decode(errors='replace')!r}")
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"ended before {text!r}: {self.buffer!r}")
                self.buffer += chunk
        found = self.buffer
        self.buffer = self.buffer[self.buffer.index(text.encode()) + len(text):]
        return found.decode(errors="replace")

    def send(self, line):
        os.write(self.fd, line.encode() + b"\n")

    def wait(self, timeout=20):
        """The exit code, with the rest of the output read."""
        import select
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:
                    chunk = b""
                self.buffer += chunk
                if not chunk:
                    break
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return os.waitstatus_to_exitcode(status)


def tmpfs(path, size="2m"):
    """Mounts a small tmpfs on @path (root only); None if mounting is not allowed."""
    os.makedirs(path, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", path],
                       capture_output=True)
    if r.returncode != 0:
        return None
    _cleanups.append(lambda: subprocess.run(["umount", "-l", path], capture_output=True))
    return path


def slixmpp(prosody, jid, password, body, timeout=30):
    """Runs @body (Python, with `c` the connected slixmpp client, inside an async
    function) as @jid, a second real client next to ours."""
    script = f"""
import asyncio, ssl, slixmpp
class C(slixmpp.ClientXMPP):
    def __init__(s):
        super().__init__({jid!r}, {password!r})
        s.add_event_handler("session_start", s.started)
        s.add_event_handler("failed_auth", lambda e: s.disconnect())
    async def started(s, e):
        c = s
        await c.get_roster()
{chr(10).join('        ' + line for line in body.strip().splitlines())}
        await asyncio.sleep(0.3)
        s.disconnect()
c = C()
c.register_plugin("xep_0199")
c.ssl_context = ssl.create_default_context(cafile={prosody.ca_file!r})
c.connect(("127.0.0.1", {prosody.c2s_port}))
asyncio.get_event_loop().run_until_complete(asyncio.wait_for(c.disconnected, {timeout}))
print("DONE", flush=True)
"""
    r = subprocess.run(["/usr/bin/python3", "-c", script], capture_output=True, text=True,
                       timeout=timeout + 10)
    if "DONE" not in r.stdout:
        raise AssertionError(f"slixmpp script failed: {r.stdout} {r.stderr[-3000:]}")
    return r


class Peer(ProcessLines):
    """A slixmpp client that stays connected: send() bursts of numbered messages,
    received() lists the bodies it got, in order."""

    SCRIPT = r"""
import asyncio, ssl, sys, threading, slixmpp
class C(slixmpp.ClientXMPP):
    def __init__(s, jid, password):
        super().__init__(jid, password)
        s.add_event_handler("session_start", s.started)
        s.add_event_handler("message", s.got)
        s.register_plugin("xep_0085")  # chat states, with a body or without
        s.add_event_handler("chatstate", s.got_state)
        s.register_plugin("xep_0045")  # join_room()
    async def started(s, e):
        await s.get_roster()
        s.send_presence()
        print("READY", flush=True)
    def got(s, m):
        if m["body"]:
            print("GOT " + m["body"].replace("\n", " "), flush=True)
    def got_state(s, m):
        print("STATE " + m["chat_state"], flush=True)
jid, password, ca, port = sys.argv[1:5]
c = C(jid, password)
c.ssl_context = ssl.create_default_context(cafile=ca)
loop = asyncio.get_event_loop()
def commands():
    for line in sys.stdin:
        words = line.split()
        if words[0] == "send":
            to, count, prefix = words[1], int(words[2]), words[3]
            for i in range(count):
                body = f"{prefix} {i}"
                loop.call_soon_threadsafe(
                    lambda b=body: c.send_message(mto=to, mbody=b, mtype="chat"))
            loop.call_soon_threadsafe(lambda: print("SENT", flush=True))
        elif words[0] == "state":
            def state(to=words[1], name=words[2]):
                m = c.make_message(mto=to, mtype="chat")
                m["chat_state"] = name
                m.send()
                print("SENT", flush=True)
            loop.call_soon_threadsafe(state)
        elif words[0] == "join":
            def join(room=words[1], nick=words[2]):
                c.plugin["xep_0045"].join_muc(room, nick)
                print("SENT", flush=True)
            loop.call_soon_threadsafe(join)
        elif words[0] == "quit":
            loop.call_soon_threadsafe(c.disconnect)
            return
threading.Thread(target=commands, daemon=True).start()
c.connect(("127.0.0.1", int(port)))
loop.run_until_complete(c.disconnected)
print("DONE", flush=True)
"""

    def __init__(self, prosody, jid, password):
        self.jid = jid
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", "-c", self.SCRIPT, jid, password, prosody.ca_file,
             str(prosody.c2s_port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True, start_new_session=True)
        _cleanups.append(self.stop)
        self.start_reading()
        wait_for(lambda: "READY" in self.copy(), 30, 0.05, f"{jid} to log in")

    def send(self, to, count, prefix):
        sent = self.copy().count("SENT")
        self.proc.stdin.write(f"send {to} {count} {prefix}\n")
        self.proc.stdin.flush()
        wait_for(lambda: self.copy().count("SENT") > sent, 30, 0.05, "the burst to go")

    def received(self):
        return [line[4:] for line in self.copy() if line.startswith("GOT ")]

    def send_chat_state(self, to, name):
        """A message with only the XEP-0085 state @name (active, composing…)."""
        sent = self.copy().count("SENT")
        self.proc.stdin.write(f"state {to} {name}\n")
        self.proc.stdin.flush()
        wait_for(lambda: self.copy().count("SENT") > sent, 30, 0.05, "the state to go")

    def join_room(self, room, nick):
        """Joins the room @room as @nick (and stays in it)."""
        sent = self.copy().count("SENT")
        self.proc.stdin.write(f"join {room} {nick}\n")
        self.proc.stdin.flush()
        wait_for(lambda: self.copy().count("SENT") > sent, 30, 0.05, "the join to go")

    def chat_states(self):
        """The chat states received, in order (active, composing, paused…)."""
        return [line[6:] for line in self.copy() if line.startswith("STATE ")]

    def stop(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.flush()
                self.proc.wait(5)
            except (OSError, subprocess.TimeoutExpired):
                pass
        kill_group(self.proc)


def xmpp_profile(test, env, prosody, name, jid, xmpp_password, profile_password="",
                 connect=True):
    """Creates profile @name for @jid on @prosody (reached on loopback) through li,
    and connects it; fails @test (an AssertionError if None) on any error."""
    steps = [["profile", "create", name, "-p", profile_password, "-j", jid, "-x", xmpp_password],
             ["param", "set", "Connection", "Force server", "127.0.0.1", "-p", name, "--pwd",
              profile_password],
             ["param", "set", "Connection", "Force port", str(prosody.c2s_port), "-p", name,
              "--pwd", profile_password]]
    if connect:
        steps.append(["profile", "connect", "-c", "-p", name, "--pwd", profile_password])
    for args in steps:
        r = li(env, *args, timeout=60)
        if r.returncode != 0:
            raise AssertionError(f"li {args}: exit {r.returncode}: {r.stderr}")


class OpenBus:
    """A private bus that admits every uid (`<allow user="*"/>`), as a misconfigured
    or TCP bus would: for the bridge's own uid check (I1) and for a backend run as
    another user (K7). Its socket directory is world-accessible."""

    def __init__(self, home):
        self.home = home
        self.dir = tempfile.mkdtemp(prefix="lv-openbus-")
        os.chmod(self.dir, 0o755)
        _cleanups.append(lambda: shutil.rmtree(self.dir, ignore_errors=True))
        config = os.path.join(self.dir, "bus.conf")
        with open(config, "w", encoding="utf-8") as f:
            f.write(f"""<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={self.dir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
""")
        self.proc, self.address = start_dbus_daemon(home, config)
        _cleanups.append(lambda: kill_group(self.proc))


def as_nobody(args):
    """@args run as user nobody (for tests running as root), through setpriv."""
    return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *args]
class RawPeer(ProcessLines):
    """A slixmpp client that stays connected and sends raw XML as it is given (the
    hostile-input cases: Prosody only stamps `from`). It never answers an IQ, and
    keeps every stanza it receives as text (stanzas(), wait_stanza())."""

    SCRIPT = r"""
import asyncio, json, ssl, sys, threading, slixmpp
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher.base import MatcherBase
class Any(MatcherBase):
    def match(self, xml):
        return True
class C(slixmpp.ClientXMPP):
    def __init__(s, jid, password):
        super().__init__(jid, password)
        s.add_event_handler("session_start", s.started)
        # Handled, so slixmpp answers no IQ on its own; and printed for the test.
        s.register_handler(Callback("all", Any(None),
                                    lambda st: print("IN " + json.dumps(str(st)), flush=True)))
    async def started(s, e):
        await s.get_roster()
        s.send_presence()
        print("READY", flush=True)
jid, password, ca, port = sys.argv[1:5]
c = C(jid, password)
c.ssl_context = ssl.create_default_context(cafile=ca)
loop = asyncio.get_event_loop()
def commands():
    for line in sys.stdin:
        words = json.loads(line)
        if words[0] == "raw":
            loop.call_soon_threadsafe(c.send_raw, words[1])
            loop.call_soon_threadsafe(lambda: print("SENT", flush=True))
        elif words[0] == "quit":
            loop.call_soon_threadsafe(c.disconnect)
            return
threading.Thread(target=commands, daemon=True).start()
c.connect(("127.0.0.1", int(port)))
loop.run_until_complete(c.disconnected)
print("DONE", flush=True)
"""

    def __init__(self, prosody, jid, password):
        self.jid = jid
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", "-c", self.SCRIPT, jid, password, prosody.ca_file,
             str(prosody.c2s_port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True, start_new_session=True)
        _cleanups.append(self.stop)
        self.start_reading()
        wait_for(lambda: "READY" in self.copy(), 30, 0.05, f"{jid} to log in")

    def raw(self, xml):
        """Sends @xml (one or more stanzas) and waits until it is on the wire."""
        sent = self.copy().count("SENT")
        self.proc.stdin.write(json.dumps(["raw", xml]) + "\n")
        self.proc.stdin.flush()
        wait_for(lambda: self.copy().count("SENT") > sent, 30, 0.02, "the raw XML to go")

    def stanzas(self):
        return [json.loads(line[3:]) for line in self.copy() if line.startswith("IN ")]

    def wait_stanza(self, predicate, timeout=15, what="a stanza"):
        """The first received stanza (text) for which @predicate is true."""
        found = []
        wait_for(lambda: found.extend(s for s in self.stanzas() if predicate(s)) or found,
                 timeout, 0.05, what)
        return found[0]

    def stop(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write(json.dumps(["quit"]) + "\n")
                self.proc.stdin.flush()
                self.proc.wait(5)
            except (OSError, subprocess.TimeoutExpired):
                pass
        kill_group(self.proc)
