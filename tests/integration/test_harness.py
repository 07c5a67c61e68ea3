"""The harness itself: a real Prosody with a verifiable test CA, a working account,
a private bus, and nothing left behind."""
import os
import socket
import ssl
import subprocess

import lvharness as h

STREAM = ("<?xml version='1.0'?><stream:stream to='localhost' xmlns='jabber:client' "
          "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>")


def starttls(port):
    """Opens a c2s stream, asks for STARTTLS and returns the plain socket ready for TLS."""
    sock = socket.create_connection(("127.0.0.1", port), 5)
    sock.sendall(STREAM.encode())
    data = b""
    while b"</stream:features>" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise AssertionError("stream closed before features: " + data.decode())
        data += chunk
    assert b"urn:ietf:params:xml:ns:xmpp-tls" in data, data
    sock.sendall(b"<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
    reply = sock.recv(4096)
    assert b"<proceed" in reply, reply
    return sock


class ProsodyHarness(h.LvTestCase):
    @classmethod
    def setUpClass(cls):
        cls.prosody = h.Prosody()

    @classmethod
    def tearDownClass(cls):
        cls.prosody.stop()

    def test_tls_verifies_with_test_ca(self):
        sock = starttls(self.prosody.c2s_port)
        context = ssl.create_default_context(cafile=self.prosody.ca_file)
        with context.wrap_socket(sock, server_hostname="localhost") as tls:
            self.assertTrue(tls.version().startswith("TLS"))
            self.assertIn("localhost", str(tls.getpeercert()["subjectAltName"]))

    def test_tls_refused_without_test_ca(self):
        sock = starttls(self.prosody.c2s_port)
        context = ssl.create_default_context()  # the system store only
        with self.assertRaises(ssl.SSLCertVerificationError):
            context.wrap_socket(sock, server_hostname="localhost")
        sock.close()

    def test_registered_account_logs_in(self):
        jid = self.prosody.register("alice", "s3cret-pass")
        script = f"""
import asyncio, ssl, slixmpp
class C(slixmpp.ClientXMPP):
    def __init__(s):
        super().__init__("{jid}", "s3cret-pass")
        s.add_event_handler("session_start", s.started)
        s.add_event_handler("failed_auth", lambda e: s.disconnect())
    async def started(s, e):
        print("SESSION", s.boundjid.full, flush=True)
        s.disconnect()
c = C()
c.ssl_context = ssl.create_default_context(cafile="{self.prosody.ca_file}")
c.connect(("127.0.0.1", {self.prosody.c2s_port}))
asyncio.get_event_loop().run_until_complete(asyncio.wait_for(c.disconnected, 15))
"""
        r = subprocess.run(["/usr/bin/python3", "-c", script], capture_output=True, text=True,
                           timeout=30)
        self.assertIn(f"SESSION {jid}/", r.stdout, r.stderr[-2000:])

    def test_plaintext_login_refused(self):
        # c2s_require_encryption: no SASL before TLS.
        sock = socket.create_connection(("127.0.0.1", self.prosody.c2s_port), 5)
        sock.sendall(STREAM.encode())
        data = b""
        while b"</stream:features>" not in data:
            data += sock.recv(4096)
        sock.close()
        self.assertNotIn(b"<mechanism>PLAIN</mechanism>", data)


class BusHarness(h.LvTestCase):
    def test_private_bus_answers(self):
        home = h.Home()
        bus = h.PrivateBus(home)
        r = h.gdbus_call(home.env, "ListActivatableNames", interface="org.freedesktop.DBus",
                         dest="org.freedesktop.DBus", path="/org/freedesktop/DBus")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("org.libervia.Libervia", r.stdout)
        bus.stop()
        self.assertIsNotNone(bus.proc.poll())


class Teardown(h.LvTestCase):
    def test_prosody_leaves_nothing(self):
        prosody = h.Prosody()
        pid, directory = prosody.proc.pid, prosody.dir
        self.tearDown()  # what every test's tear-down does
        self.setUp()
        with self.assertRaises(ProcessLookupError):
            os.kill(pid, 0)
        self.assertFalse(os.path.exists(directory))


if __name__ == "__main__":
    h.run_tap()
