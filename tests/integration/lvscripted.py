"""A scripted XMPP server for the hostile-server cases Prosody refuses to relay
(invalid UTF-8, NUL bytes, DTDs, …). It is NOT a mock of a real server: it speaks
just enough of RFC 6120 (STARTTLS with the harness CA, SASL PLAIN, bind, an empty
result to every IQ) for our backend to reach a session, then sends the raw bytes a
test gives it. Named as such in every test that uses it."""
import re
import socket
import ssl
import threading

import lvharness as h

NS_STREAM = "http://etherx.jabber.org/streams"


def stream_header(stream_id):
    return (f"<?xml version='1.0'?><stream:stream from='localhost' id='{stream_id}' "
            f"xmlns='jabber:client' xmlns:stream='{NS_STREAM}' version='1.0'>").encode()


class ScriptedServer:
    def __init__(self, cert_file, key_file, jid="alice@localhost/scripted"):
        self.jid = jid
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert_file, key_file)
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(4)
        self.port = self.listener.getsockname()[1]
        self.sessions = 0            # sessions that reached bind
        self.script = []             # raw byte strings sent once a session is up
        self.lock = threading.Lock()
        self.stopping = False
        # responder(iq_text) -> bytes to send instead of the empty result, or None;
        # iq_text is the request from its start tag on (the rest of what was read).
        self.responder = None
        self.header_prefix = b""     # before the session's <stream:stream> (e.g. a DTD)
        threading.Thread(target=self._serve, daemon=True).start()
        h._cleanups.append(self.stop)

    def _serve(self):
        while not self.stopping:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(client,), daemon=True).start()

    @staticmethod
    def _read_until(sock, buffer, pattern, timeout=10):
        sock.settimeout(timeout)
        while not re.search(pattern, buffer):
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("client went away")
            buffer += chunk
        match = re.search(pattern, buffer)
        return match, buffer[match.end():]

    def _session(self, sock):
        try:
            buf = b""
            _, buf = self._read_until(sock, buf, rb"<stream:stream[^>]*>")
            sock.sendall(stream_header("s1") + b"<stream:features><starttls xmlns="
                         b"'urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>"
                         b"</stream:features>")
            _, buf = self._read_until(sock, buf, rb"<starttls[^>]*/>")
            sock.sendall(b"<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
            sock = self.context.wrap_socket(sock, server_side=True)
            buf = b""
            _, buf = self._read_until(sock, buf, rb"<stream:stream[^>]*>")
            sock.sendall(stream_header("s2") + b"<stream:features><mechanisms xmlns="
                         b"'urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism>"
                         b"</mechanisms></stream:features>")
            _, buf = self._read_until(sock, buf, rb"</auth>")
            sock.sendall(b"<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>")
            _, buf = self._read_until(sock, buf, rb"<stream:stream[^>]*>")
            header = stream_header("s3")
            declaration = len(b"<?xml version='1.0'?>")  # the prefix goes after it
            header = header[:declaration] + self.header_prefix + header[declaration:]
            sock.sendall(header + b"<stream:features><bind xmlns="
                         b"'urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>")
            match, buf = self._read_until(sock, buf, rb"<iq[^>]*id=['\"]([^'\"]+)['\"][^>]*>")
            sock.sendall(f"<iq type='result' id='{match.group(1).decode()}'><bind xmlns="
                         f"'urn:ietf:params:xml:ns:xmpp-bind'><jid>{self.jid}</jid></bind>"
                         f"</iq>".encode())
            with self.lock:
                self.sessions += 1
                script = list(self.script)
            self._answer_iqs(sock, buf, script)
        except (OSError, ConnectionError, ssl.SSLError):
            pass
        finally:
            try:
                sock.close()
            except OSError:
                pass

    def _answer_iqs(self, sock, buf, script):
        """Answers every IQ with an empty result; once the client has sent its initial
        presence (its session is set up), sends @script."""
        sent = False
        sock.settimeout(0.5)
        while not self.stopping:
            for match in re.finditer(rb"<iq[^>]*type=['\"](get|set)['\"][^>]*>", buf):
                ident = re.search(rb"id=['\"]([^'\"]+)['\"]", match.group(0))
                answer = self.responder(buf[match.start():]) if self.responder else None
                if answer is not None:
                    sock.sendall(answer)
                elif ident:
                    sock.sendall(b"<iq type='result' id='" + ident.group(1) + b"'/>")
            if not sent and b"<presence" in buf:
                for data in script:
                    sock.sendall(data)
                sent = True
            buf = buf[buf.rfind(b">") + 1:] if b">" in buf else buf
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                return
            buf += chunk

    def stop(self):
        self.stopping = True
        try:
            self.listener.close()
        except OSError:
            pass
