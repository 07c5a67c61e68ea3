"""Transport security, the slower cases (suite heavy): certificates from the lab CA
that are expired, not yet valid, RSA-1024 or SHA-1-signed (T6), a server that speaks
only TLS 1.1 (T7), and SCRAM-SHA-256 when the server stores SHA-256 (T8). The server
side is allowed weak algorithms (OpenSSL security level 0) so that the refusal is
the client's."""
import os
import subprocess

import lvharness as h
from test_transport import TransportCase

WEAK_SERVER = 'ciphers = "DEFAULT:@SECLEVEL=0";'


class WeakCertificates(TransportCase):
    @classmethod
    def setUpClass(cls):
        # Prosody (LuaSec) loads its certificate under the system OpenSSL policy,
        # which refuses RSA-1024 and SHA-1 before any cipher option applies: its
        # process alone gets a level-0 policy. The backend's environment is its own.
        conf = os.path.join(h.tempfile.mkdtemp(prefix="lv-weak-"), "openssl.cnf")
        with open(conf, "w", encoding="utf-8") as f:
            f.write("openssl_conf = init\n[init]\nssl_conf = ssl\n[ssl]\n"
                    "system_default = weak\n[weak]\nCipherString = DEFAULT:@SECLEVEL=0\n"
                    "MinProtocol = TLSv1\n")
        os.environ["OPENSSL_CONF"] = conf  # for every restart of the class's Prosody
        super().setUpClass()
        cls.prosody.ssl_options = WEAK_SERVER

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        del os.environ["OPENSSL_CONF"]

    def test_T6_weak_or_out_of_date_certificates_refused(self):
        cases = {
            "expired": {"not_before": -10, "not_after": -1},
            "not-yet-valid": {"not_before": 1, "not_after": 10},
            "rsa-1024": {"bits": 1024},
            "sha1-signed": {"sha1": True},
        }
        accepted = []
        for name, options in cases.items():
            self.serve(self.lab.make(name, **options))
            try:
                self.assert_refused()
            except AssertionError as e:
                accepted.append(f"{name}: {e}"[:2000])
                self.li("profile", "disconnect", "-p", "alice")
        self.assertEqual(accepted, [])
        self.serve()
        self.connect()  # the same set-up with a sound certificate connects

    def test_T7_tls_1_1_only_server_refused(self):
        self.prosody.ssl_options = WEAK_SERVER + ' protocol = "tlsv1_1";'
        self.serve()
        try:
            # The server does speak TLS 1.1 to a client that allows it...
            r = subprocess.run(
                ["openssl", "s_client", "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0",
                 "-starttls", "xmpp", "-xmpphost", "localhost", "-connect",
                 f"127.0.0.1:{self.prosody.c2s_port}", "-CAfile", self.prosody.ca_file],
                input="", capture_output=True, text=True, timeout=20)
            self.assertIn("TLSv1.1", r.stdout + r.stderr)
            # ...and we refuse it: OpenSSL 3's default floor is TLS 1.2.
            self.assert_refused(needle="")
        finally:
            self.prosody.ssl_options = WEAK_SERVER
            self.serve()


class ScramSha256(TransportCase):
    prosody_options = {"extra_config": 'password_hash = "SHA-256"'}

    def test_T8_scram_sha_256_used(self):
        self.connect()
        log = self.log_text()
        self.assertRegex(log, r"SENT: <auth[^\n]*mechanism=.SCRAM-SHA-256")
        self.assertNotRegex(log, r"<auth[^\n]*mechanism=.PLAIN")


if __name__ == "__main__":
    h.run_tap()
