"""HTTP File Upload (XEP-0363) and downloads with a real Prosody (upload.localhost,
http_file_share over HTTPS with the test CA): a file uploaded and its URL sent to a
contact (XEP-0066), fetched back with `li file get` byte for byte; the backend keeps
answering during a large upload; a server without the service and a file over the
limit give clear errors; hostile file names from a scripted HTTPS endpoint stay in
downloads_dir; an HTTP 403 is a progressError with its status; libsoup is loaded
only by the first transfer."""
import http.server
import json
import os
import ssl
import subprocess
import threading
import time

import lvharness as h

LIMIT = 120 * 1024 * 1024
# Large enough to last seconds (Prosody takes about 2 MB/s here); the soak suite
# (tools/test --full) runs this file again with 100.
BIG_MB = int(os.environ.get("LV_UPLOAD_BIG_MB", "30"))
PLUGIN = "org.libervia.Libervia.plugin"


class Scripted(http.server.BaseHTTPRequestHandler):
    """A tiny HTTPS endpoint (the test CA's server certificate) for the cases
    Prosody never produces: hostile Content-Disposition names, a 403."""

    ROUTES = {
        "/cd-traversal": ("attachment; filename=\"../../escaped\x01name.txt\"", b"one"),
        "/cd-encoded": ("attachment; filename*=UTF-8''..%2F..%2F.hidden%E2%80%AEtxt.exe", b"two"),
        "/..%2F..%2Furl-escape": (None, b"three"),
        "/%2Fetc%2Fpasswd": (None, b"five"),
        "/a%00b": (None, b"six"),
        "/%1B%5D0;x%07.txt": (None, b"seven"),
    }

    def do_GET(self):
        if self.path == "/forbidden":
            self.send_response(403)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        route = self.ROUTES.get(self.path)
        if route is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        disposition, body = route
        self.send_response(200)
        if disposition is not None:
            self.send_header("Content-Disposition", disposition)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_PUT(self):
        # An expired or forbidden slot: the body read, then refused.
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(403)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


# A slixmpp client posing as an upload service whose slots the web server refuses.
SERVICE = r"""
import asyncio, ssl, sys, slixmpp
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath
from slixmpp.xmlstream import ET
NS = "urn:xmpp:http:upload:0"
jid, password, ca, port, put = sys.argv[1:6]
c = slixmpp.ClientXMPP(jid, password)
c.register_plugin("xep_0030")
c.ssl_context = ssl.create_default_context(cafile=ca)
def slot(iq):
    reply = iq.reply()
    element = ET.Element(f"{{{NS}}}slot")
    ET.SubElement(element, f"{{{NS}}}put", url=put)
    ET.SubElement(element, f"{{{NS}}}get", url=put)
    reply.append(element)
    reply.send()
c.register_handler(Callback("slot", MatchXPath(f"{{jabber:client}}iq/{{{NS}}}request"), slot))
async def started(e):
    c["xep_0030"].add_feature(NS)
    c.send_presence()
    print("READY", flush=True)
c.add_event_handler("session_start", started)
c.connect(("127.0.0.1", int(port)))
asyncio.get_event_loop().run_until_complete(c.disconnected)
"""


def wait_exit(proc, seconds):
    try:
        proc.wait(seconds)
        return True
    except subprocess.TimeoutExpired:
        return False


class Upload(h.LvTestCase):
    @classmethod
    def setUpClass(cls):
        cls.prosody = h.Prosody(upload_size_limit=LIMIT)
        cls.bare = h.Prosody(upload=False)
        cls.alice = cls.prosody.register("alice", "alice-pw")
        cls.bob = cls.prosody.register("bob", "bob-pw")
        cls.carol = cls.bare.register("carol", "carol-pw")
        cls.home = h.Home()
        cls.downloads = os.path.join(cls.home.root, "downloads")
        cls.home.write_config(f"downloads_dir = {cls.downloads}\n")
        h.PrivateBus(cls.home, activation=False)
        cls.env = cls.home.env
        # One bundle: both servers' test CAs (the scripted endpoint uses the first's).
        bundle = os.path.join(cls.home.root, "test-cas.pem")
        with open(bundle, "w", encoding="utf-8") as out:
            for ca in (cls.prosody.ca_file, cls.bare.ca_file):
                with open(ca, encoding="utf-8") as f:
                    out.write(f.read())
        cls.env["SSL_CERT_FILE"] = bundle
        cls.backend = h.Foreground(cls.env).wait_ready()
        checker = cls("test_slot_on_the_bridge")  # xmpp_profile asserts through a test
        h.xmpp_profile(checker, cls.env, cls.prosody, "alice", cls.alice, "alice-pw")
        h.xmpp_profile(checker, cls.env, cls.prosody, "bob", cls.bob, "bob-pw")
        h.xmpp_profile(checker, cls.env, cls.bare, "carol", cls.carol, "carol-pw")
        with open(f"/proc/{cls.backend.proc.pid}/maps", encoding="utf-8") as f:
            cls.maps_before_transfers = f.read()
        cls.files = os.path.join(cls.home.root, "files")
        os.makedirs(cls.files)
        cls.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Scripted)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cls.prosody.cert_file, cls.prosody.key_file)
        cls.server.socket = context.wrap_socket(cls.server.socket, server_side=True)
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.scripted = f"https://localhost:{cls.server.server_address[1]}"

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.backend.stop()
        cls.prosody.stop()
        cls.bare.stop()

    def li(self, *args, code=0, timeout=60):
        r = subprocess.run([h.LI, *args], env=self.env, capture_output=True, text=True,
                           timeout=timeout)
        if r.returncode != code:
            raise AssertionError(f"li {args}: exit {r.returncode}: {r.stdout} {r.stderr}")
        return r

    def make_file(self, name, size):
        path = os.path.join(self.files, name)
        with open(path, "wb") as f:
            f.write(os.urandom(size))
        return path

    def test_upload_send_and_get(self):
        path = self.make_file("report 1.bin", 10 * 1024 * 1024)
        r = self.li("file", "upload", path, self.bob, "-p", "alice")
        url = r.stdout.strip()
        self.assertTrue(url.startswith(f"https://localhost:{self.prosody.https_port}/"), url)

        def oob_messages():
            out = self.li("message", "history", self.alice, "-p", "bob", "-m", "-1",
                          "-O", "json").stdout
            return [m for m in json.loads(out) if m["extra"].get("oob_url") == url]
        h.wait_for(lambda: oob_messages(), 15, 0.2, "bob's copy of the URL")
        self.assertEqual(oob_messages()[0]["message"], {"": url})
        # Ours is in alice's history too, with the URL in its extra.
        sent = json.loads(self.li("message", "history", self.bob, "-p", "alice", "-m", "-1",
                                  "-O", "json").stdout)
        self.assertTrue(any(m["extra"].get("oob_url") == url for m in sent))

        dest = os.path.join(self.files, "fetched.bin")
        r = self.li("file", "get", url, "-p", "bob", "-o", dest)
        self.assertEqual(r.stdout.strip(), dest)
        with open(path, "rb") as a, open(dest, "rb") as b:
            self.assertTrue(a.read() == b.read(), "the download differs from the upload")
        # Into downloads_dir under the URL's name; a second time refused without -f.
        r = self.li("file", "get", url, "-p", "bob")
        saved = r.stdout.strip()
        self.assertEqual(os.path.dirname(saved), os.path.realpath(self.downloads))
        self.assertEqual(os.path.basename(saved), "report 1.bin")
        r = self.li("file", "get", url, "-p", "bob", code=1)
        self.assertIn("already exists", r.stderr)
        self.li("file", "get", url, "-p", "bob", "-f")
        self.assertEqual(os.path.getsize(saved), os.path.getsize(path))
        self.assertNoPartial()

    def assertNoPartial(self):
        for d in (self.downloads, self.files):
            if not os.path.isdir(d):
                continue
            leftovers = [n for n in os.listdir(d) if n.endswith(".part")]
            self.assertEqual(leftovers, [], f"partial files in {d}")

    def test_libsoup_loaded_only_for_transfers(self):
        # Three profiles connected, no file moved yet: libsoup and what it brings
        # (Kerberos, nghttp2...) are not in the backend (libervia-http.so, lv-http.h).
        for library in ("libervia-http.so", "libsoup-3.0", "libkrb5", "libnghttp2"):
            self.assertNotIn(library, self.maps_before_transfers)
        self.li("file", "upload", self.make_file("soup.txt", 10), self.bob, "-p", "alice")
        with open(f"/proc/{self.backend.proc.pid}/maps", encoding="utf-8") as f:
            self.assertIn("libervia-http.so", f.read())

    def test_slot_on_the_bridge(self):
        r = h.gdbus_call(self.env, "fileHTTPUploadGetSlot", "x.txt", "12", "text/plain", "",
                         "alice", interface=PLUGIN)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("https://localhost:", r.stdout)
        self.assertIn("'Authorization': 'Bearer ", r.stdout)

    def test_backend_answers_during_large_upload(self):
        path = os.path.join(self.files, "big.bin")
        with open(path, "wb") as f:
            chunk = os.urandom(1024 * 1024)
            for _ in range(BIG_MB):
                f.write(chunk)
        peak_before = self.peak_rss()
        proc = subprocess.Popen([h.LI, "file", "upload", path, "-p", "alice"], env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        latencies, during = [], 0
        try:
            # A probe every 0.1 s: measuring must not starve the two cores it measures.
            while proc.poll() is None and not wait_exit(proc, 0.1):
                start = time.monotonic()
                r = h.gdbus_call(self.env, "progressGetAll", "alice")
                latencies.append(time.monotonic() - start)
                self.assertEqual(r.returncode, 0, r.stderr)
                if "'position'" in r.stdout:
                    during += 1
                    start = time.monotonic()
                    r = h.gdbus_call(self.env, "historyGet", self.bob, self.alice, "5", "true",
                                     "@a{ss} {}", "alice")
                    latencies.append(time.monotonic() - start)
                    self.assertEqual(r.returncode, 0, r.stderr)
            out, err = proc.communicate(timeout=60)
        finally:
            h.kill_group(proc)
        self.assertEqual(proc.returncode, 0, err)
        self.assertTrue(out.strip().startswith("https://"), out)
        print(f"# {len(latencies)} calls during the {BIG_MB} MB upload, slowest answer "
              f"{max(latencies) * 1000:.0f} ms")
        self.assertGreater(during, 0, "no call was made while the upload ran")
        # Under valgrind (tools/test --full) neither the times nor the memory are the
        # backend's own.
        if h.WRAPPER:
            return
        self.assertLess(max(latencies), 1.0, f"slowest answer during the upload: {max(latencies)}")
        # Streamed from disk: the backend's peak memory does not grow by the file's size.
        growth = self.peak_rss() - peak_before
        print(f"# peak RSS growth during the {BIG_MB} MB upload: {growth / 1024:.1f} MB")
        if "sanitize" not in h.BUILD_ROOT and "asan" not in h.BUILD_ROOT:
            self.assertLess(growth, BIG_MB * 1024 / 2, "the file was held in memory")

    def peak_rss(self):
        """The backend's peak resident memory (VmHWM) in KiB."""
        with open(f"/proc/{self.backend.proc.pid}/status", encoding="utf-8") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        raise AssertionError("no VmHWM")

    def test_no_upload_service(self):
        path = self.make_file("small.txt", 100)
        r = self.li("file", "upload", path, "-p", "carol", code=18)
        self.assertIn("the server of carol offers no HTTP upload service", r.stderr)

    def test_file_over_limit(self):
        path = os.path.join(self.files, "huge.bin")
        with open(path, "wb") as f:
            f.truncate(LIMIT + 1)  # sparse: costs no disk
        r = self.li("file", "upload", path, "-p", "alice", code=17)
        self.assertIn(f"takes at most {LIMIT}", r.stderr)

    def test_S14_hostile_names_stay_in_downloads_dir(self):
        real = os.path.realpath(self.downloads)
        for route, expected in (("/cd-traversal", "escapedname.txt"),
                                ("/cd-encoded", "hiddentxt.exe"),
                                ("/..%2F..%2Furl-escape", "url-escape")):
            r = self.li("file", "get", self.scripted + route, "-p", "bob")
            saved = r.stdout.strip()
            self.assertEqual(os.path.dirname(saved), real, route)
            self.assertEqual(os.path.basename(saved), expected, route)
        # S14: an absolute path, a NUL and a terminal escape, percent-encoded.
        r = self.li("file", "get", self.scripted + "/a%00b", "-p", "bob", code=17)
        self.assertIn("not a valid URL", r.stderr)
        names = set()
        for route in ("/%2Fetc%2Fpasswd", "/%1B%5D0;x%07.txt"):
            r = self.li("file", "get", self.scripted + route, "-p", "bob")
            saved = r.stdout.strip()
            self.assertEqual(os.path.dirname(saved), real, route)
            name = os.path.basename(saved)
            self.assertFalse(any(ord(c) < 0x20 or c in "/\\" for c in name), repr(name))
            names.add(name)
        self.assertEqual(len(names), 2)
        with open("/etc/passwd", "rb") as f:
            self.assertNotEqual(f.read(), b"five")
        # The same name again: refused, the first one untouched.
        r = self.li("file", "get", self.scripted + "/%2Fetc%2Fpasswd", "-p", "bob", code=1)
        self.assertIn("already exists", r.stderr)
        first = [n for n in names if "passwd" in n][0]
        with open(os.path.join(real, first), "rb") as f:
            self.assertEqual(f.read(), b"five")
        outside = [n for n in os.listdir(self.home.root) if "escape" in n]
        self.assertEqual(outside, [])
        # A symbolic link where the file would go is never followed nor replaced.
        target = os.path.join(self.files, "victim")
        os.symlink(target, os.path.join(self.downloads, "url-escape2"))
        Scripted.ROUTES["/url-escape2"] = (None, b"four")
        r = self.li("file", "get", self.scripted + "/url-escape2", "-p", "bob", "-f", code=1)
        self.assertIn("not a regular file", r.stderr)
        self.assertFalse(os.path.exists(target))
        self.assertNoPartial()

    def test_forbidden_is_a_progress_error(self):
        monitor = h.BusMonitor(self.env)
        r = self.li("file", "get", self.scripted + "/forbidden", "-p", "bob", code=1)
        self.assertIn("HTTP 403", r.stderr)
        self.assertIn("HTTP 403 Forbidden", monitor.wait("progressError"))
        self.assertNoPartial()

    def test_download_complete_answers_the_path(self):
        Scripted.ROUTES["/complete.txt"] = (None, b"done")
        dest = os.path.join(self.files, "complete-dest")
        os.makedirs(dest, exist_ok=True)
        attachment = json.dumps({"url": self.scripted + "/complete.txt"})
        r = h.gdbus_call(self.env, "fileDownloadComplete", attachment, dest, "{}", "bob",
                         interface=PLUGIN)
        self.assertEqual(r.returncode, 0, r.stderr)
        path = os.path.join(os.path.realpath(dest), "complete.txt")
        self.assertIn(repr(path), r.stdout)
        with open(path, "rb") as f:
            self.assertEqual(f.read(), b"done")

    def test_forbidden_slot_is_a_progress_error(self):
        service = self.prosody.register("service", "service-pw") + "/upload"
        proc = subprocess.Popen(
            ["/usr/bin/python3", "-c", SERVICE, service, "service-pw", self.prosody.ca_file,
             str(self.prosody.c2s_port), self.scripted + "/forbidden-put"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            start_new_session=True)
        try:
            self.assertEqual(proc.stdout.readline().strip(), "READY")
            path = self.make_file("refused.txt", 1000)
            monitor = h.BusMonitor(self.env)
            r = h.gdbus_call(self.env, "fileUpload", path, "", service, "{}", "alice",
                             interface=PLUGIN)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("'progress'", r.stdout)
            self.assertIn("HTTP 403 Forbidden", monitor.wait("progressError"))
        finally:
            h.kill_group(proc)

    def test_progress_bar_on_a_terminal(self):
        path = self.make_file("bar.bin", 10 * 1024 * 1024)
        pty = h.Pty([h.LI, "file", "upload", path, "-P", "-p", "alice"], self.env)
        shown = pty.expect("/10.5 MB")  # at least one bar drawn while it ran
        self.assertIn("%", shown)
        self.assertEqual(pty.wait(30), 0)
        self.assertIn("https://localhost:", pty.buffer.decode(errors="replace"))
        # Without a terminal, no bar at all.
        r = self.li("file", "upload", path, "-P", "-p", "alice")
        self.assertEqual(r.stderr, "")

    def test_plain_http_refused(self):
        r = self.li("file", "get", "http://localhost:1/x", "-p", "bob", code=17)
        self.assertIn("only https", r.stderr)


    def test_zz_backend_log_clean(self):
        """Last (by name): the backend stops cleanly, and the sanitizer build found no
        leak or misuse in all the transfers above."""
        self.backend.proc.terminate()
        self.backend.proc.wait(20)
        log = self.backend.output()
        # Seen once in 2026-12: LeakSanitizer's own tracer crashed (signal 11) while
        # stopping the threads at exit, so no leak check ran. That is the tool failing,
        # not a finding: reported as a skip, any other sanitizer text fails.
        if "LeakSanitizer has encountered a fatal error" in log and \
                "ERROR: " not in log and "runtime error:" not in log:
            self.skipTest("LeakSanitizer crashed at exit: no leak check this run")
        for marker in ("Sanitizer", "runtime error:", "CRITICAL"):
            if marker in log:
                self.fail("the backend says: " + log[log.find(marker) - 200:][:4000])

if __name__ == "__main__":
    h.run_tap()
