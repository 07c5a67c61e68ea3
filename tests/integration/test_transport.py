"""Transport security (catalogue 6.3, T1-T9): certificates that must not be trusted,
a pinned self-signed one, STARTTLS stripped by a tamper proxy, a server without TLS,
and which SASL mechanism goes out (and how it is logged).

One Prosody for the file, restarted with another certificate or configuration per
case; one backend with debug logging to a file, reached through a proxy that keeps
every byte the client sent. Weak certificates, an old protocol version and SCRAM-SHA-256
(T6-T8: one more Prosody) are in test_transport_weak.py (suite heavy)."""
import base64
import datetime
import ipaddress
import os
import re
import subprocess

import lvharness as h
import lvproxy

XMPP_PASSWORD = "alice-xmpp-CANARY-t9"


class Lab:
    """Certificates made with the Prosody's test CA (python3-cryptography)."""

    def __init__(self, prosody):
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization
        self.x509 = x509
        self.dir = prosody.dir
        with open(os.path.join(prosody.dir, "ca.key"), "rb") as f:
            self.ca_key = serialization.load_pem_private_key(f.read(), None)
        with open(prosody.ca_file, "rb") as f:
            self.ca_cert = x509.load_pem_x509_certificate(f.read())

    def make(self, name, dns=("localhost",), self_signed=False, bits=2048, sha1=False,
             not_before=-1, not_after=2, ips=()):
        """A certificate for @dns valid from @not_before to @not_after days from now;
        its (cert, key) file paths."""
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
        x509 = self.x509
        key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
        subject = x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, dns[0])])
        now = datetime.datetime.now(datetime.timezone.utc)
        builder = (x509.CertificateBuilder()
                   .subject_name(subject)
                   .issuer_name(subject if self_signed else self.ca_cert.subject)
                   .public_key(key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(now + datetime.timedelta(days=not_before))
                   .not_valid_after(now + datetime.timedelta(days=not_after))
                   .add_extension(x509.SubjectAlternativeName(
                       [x509.DNSName(d) for d in dns]
                       + [x509.IPAddress(ipaddress.ip_address(a)) for a in ips]),
                       critical=False))
        cert = builder.sign(key if self_signed else self.ca_key,
                            hashes.SHA1() if sha1 else hashes.SHA256())
        cert_path = os.path.join(self.dir, name + ".pem")
        key_path = os.path.join(self.dir, name + ".key")
        with open(cert_path, "wb") as f:
            f.write(cert.public_bytes(serialization.Encoding.PEM))
        with open(key_path, "wb") as f:
            f.write(key.private_bytes(serialization.Encoding.PEM,
                                      serialization.PrivateFormat.TraditionalOpenSSL,
                                      serialization.NoEncryption()))
        os.chmod(key_path, 0o644)
        return cert_path, key_path

    @staticmethod
    def fingerprint(cert_path):
        r = subprocess.run(["openssl", "x509", "-in", cert_path, "-noout", "-fingerprint",
                            "-sha256"], capture_output=True, text=True, check=True)
        return r.stdout.split("=", 1)[1].strip().replace(":", "").lower()


class TransportCase(h.LvTestCase):
    """Shared set-up: Prosody, proxy, bus, backend (debug log to a file), profile."""

    prosody_options = {}

    @classmethod
    def setUpClass(cls):
        cls.prosody = h.Prosody(upload=False, **cls.prosody_options)
        cls.good = (cls.prosody.cert_file, cls.prosody.key_file)
        cls.jid = cls.prosody.register("alice", XMPP_PASSWORD)
        cls.lab = Lab(cls.prosody)
        cls.proxy = lvproxy.Proxy(cls.prosody.c2s_port)
        cls.home = h.Home()
        h.PrivateBus(cls.home, activation=False)
        cls.env = cls.home.env
        cls.env["SSL_CERT_FILE"] = cls.prosody.ca_file
        cls.log_path = os.path.join(cls.home.root, "backend.log")
        cls.log = open(cls.log_path, "w", encoding="utf-8")
        cls.backend = subprocess.Popen([h.BACKEND, "debug"], env=cls.env,
                                       start_new_session=True, stdout=cls.log, stderr=cls.log)
        h.at_teardown(lambda: h.kill_group(cls.backend))
        h.wait_for(lambda: h.name_has_owner(cls.env), what="the backend")
        r = h.li(cls.env, "profile", "create", "alice", "-p", "pw", "-j", cls.jid, "-x",
                 XMPP_PASSWORD)
        assert r.returncode == 0, r.stderr
        for name, value in (("Force server", "127.0.0.1"), ("Force port", str(cls.proxy.port))):
            r = h.li(cls.env, "param", "set", "Connection", name, value, "-p", "alice", "--pwd",
                     "pw")
            assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        h._cleanup_all()
        cls.log.close()

    def setUp(self):
        super().setUp()
        self.li("profile", "disconnect", "-p", "alice")
        h.wait_for(lambda: h.gdbus_call(self.env, "isConnected", "alice").stdout.strip()
                   == "(false,)", what="alice disconnected")
        self.param("Trusted certificate", "")
        self.log_start = os.path.getsize(self.log_path)
        with self.proxy.lock:
            self.proxy.from_client.clear()
        self.proxy.rewrite = None

    def li(self, *args, code=0, timeout=60):
        r = h.li(self.env, *args, timeout=timeout)
        self.assertEqual(r.returncode, code, f"li {args}: {r.stdout} {r.stderr}")
        return r

    def param(self, name, value):
        self.li("param", "set", "Connection", name, value, "-p", "alice")

    def serve(self, cert=None, extra_config=None):
        """Prosody restarted with @cert ((cert, key); None: the good one)."""
        cert = cert or self.good
        self.prosody.use_certificate(cert[0], cert[1], extra_config)

    def connect(self, code=0):
        return self.li("profile", "connect", "-c", "-p", "alice", code=code)

    def log_text(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            f.seek(self.log_start)
            return f.read()

    def client_bytes(self):
        with self.proxy.lock:
            return bytes(self.proxy.from_client)

    def assert_refused(self, needle="not trusted", code=4):
        self.log_start = os.path.getsize(self.log_path)
        with self.proxy.lock:
            self.proxy.from_client.clear()
        r = self.connect(code=code)
        self.assertIn(needle, r.stderr)
        self.assertEqual(h.gdbus_call(self.env, "isConnected", "alice").stdout.strip(),
                         "(false,)")
        self.assertNotIn(b"<auth", self.client_bytes())
        self.assertNotIn("SENT: <auth", self.log_text())
        return r


class Transport(TransportCase):
    def test_T1_self_signed_refused_with_fingerprint(self):
        cert = self.lab.make("self-signed", self_signed=True)
        self.serve(cert)
        r = self.assert_refused()
        fingerprint = self.lab.fingerprint(cert[0])
        message = r.stderr.replace("\n", " ")
        self.assertRegex(message.lower(), re.sub(r"(..)", r"\1:?", fingerprint)[:-2])
        self.assertIn("Trusted certificate", message)
        self.assertIn("li param set", message)

    def test_T2_pinned_fingerprint_then_swapped_certificate(self):
        cert = self.lab.make("pinned", self_signed=True)
        self.serve(cert)
        self.param("Trusted certificate", self.lab.fingerprint(cert[0]))
        self.connect()
        self.li("profile", "disconnect", "-p", "alice")
        # Another self-signed certificate for the same name: the pin does not match.
        self.serve(self.lab.make("swapped", self_signed=True))
        self.assert_refused()
        # Revoked: the pinned one is refused again.
        self.serve(cert)
        self.param("Trusted certificate", "")
        self.assert_refused()

    def test_T3_certificate_for_another_name_refused(self):
        self.serve(self.lab.make("other", dns=("other.localhost",)))
        self.assert_refused()
        # Valid for the host we connect to (Force server 127.0.0.1), not for the JID's
        # domain: refused too (the CVE-2022-26491 pattern checks the wrong name).
        self.serve(self.lab.make("connect-host", dns=("other.localhost",), ips=("127.0.0.1",)))
        self.assert_refused()

    def test_T4_stripped_starttls_refused_before_auth(self):
        self.serve()
        self.proxy.rewrite = lvproxy.strip_starttls
        r = self.connect(code=4)
        self.assertEqual(h.gdbus_call(self.env, "isConnected", "alice").stdout.strip(),
                         "(false,)")
        sent = self.client_bytes()
        self.assertIn(b"<stream:stream", sent)  # the proxy did see the stream
        self.assertNotIn(b"<auth", sent)
        self.assertNotIn(b"<starttls", sent)
        self.assertIn("TLS", r.stderr)

    def test_T5_server_without_tls_refused(self):
        self.prosody.require_encryption = False
        try:
            self.prosody.use_certificate(None)
            self.connect(code=4)
            sent = self.client_bytes()
            self.assertIn(b"<stream:stream", sent)
            self.assertNotIn(b"<auth", sent)
            self.assertNotIn(base64.b64encode(b"\0alice\0" + XMPP_PASSWORD.encode()), sent)
        finally:
            self.prosody.require_encryption = True
            self.serve()

    def test_T5_allow_plaintext_scram_only(self):
        """T5 with allow_plaintext: a server without TLS that offers SCRAM is used
        (SCRAM, never PLAIN, on the wire); one that offers only PLAIN in clear is
        refused before any <auth> leaves, with a clear error."""
        self.prosody.require_encryption = False
        self.param("allow_plaintext", "true")
        try:
            # Prosody offers PLAIN without TLS only when told to: both offered here.
            self.serve_plain(['"allow_unencrypted_plain_auth = true"'], [])
            self.connect()
            sent = self.client_bytes()
            self.assertNotIn(b"<starttls", sent)
            self.assertRegex(sent, rb"<auth[^>]*mechanism=.SCRAM-SHA-1")
            self.assertNotIn(b"mechanism=\"PLAIN", sent)
            self.assertNotIn(b"mechanism='PLAIN", sent)
            self.assertNotIn(base64.b64encode(b"\0alice\0" + XMPP_PASSWORD.encode()), sent)
            self.li("profile", "disconnect", "-p", "alice")
            h.wait_for(lambda: h.gdbus_call(self.env, "isConnected", "alice").stdout.strip()
                       == "(false,)", what="alice disconnected")
            self.serve_plain(['"allow_unencrypted_plain_auth = true"'],
                             ['"SCRAM-SHA-1"', '"SCRAM-SHA-1-PLUS"'])
            # A permission error (li's 1): retrying would not make it safe.
            r = self.assert_refused("PLAIN", code=1)
            self.assertIn("in clear", r.stderr)
            self.assertIn("offers neither TLS nor SCRAM", self.log_text())
        finally:
            self.param("allow_plaintext", "false")
            self.prosody.require_encryption = True
            self.serve(extra_config="")

    def serve_plain(self, options, disabled):
        """Prosody restarted without a certificate, with @options (Lua lines, quoted)
        and the SASL mechanisms @disabled."""
        # Without a certificate this Prosody still offers STARTTLS (and fails the
        # handshake): mod_tls off is a server that really has no TLS.
        lines = ['modules_disabled = { "s2s", "tls" }'] + [o.strip('"') for o in options]
        if disabled:
            lines.append("disable_sasl_mechanisms = { " + ", ".join(disabled) + " }")
        self.prosody.use_certificate(None, extra_config="\n".join(lines))
        with self.proxy.lock:
            self.proxy.from_client.clear()

    def test_T9_plain_over_tls_logged_redacted(self):
        self.serve(extra_config='disable_sasl_mechanisms = { "SCRAM-SHA-1", '
                                '"SCRAM-SHA-1-PLUS" }')
        try:
            self.connect()
            log = self.log_text()
            self.assertRegex(log, r"SENT: <auth[^\n]*PLAIN[^\n]*\[redacted\]")
            plain = base64.b64encode(b"\0alice\0" + XMPP_PASSWORD.encode()).decode()
            authzid = base64.b64encode(f"\0{self.jid}\0".encode()
                                       + XMPP_PASSWORD.encode()).decode()
            for secret in (XMPP_PASSWORD, plain, authzid, plain[:20]):
                self.assertNotIn(secret, log)
        finally:
            self.li("profile", "disconnect", "-p", "alice")
            self.serve(extra_config="")


if __name__ == "__main__":
    h.run_tap()
