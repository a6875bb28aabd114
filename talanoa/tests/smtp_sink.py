"""A slow SMTP server for tests: it speaks enough SMTP for smtplib (and so Django's SMTP mailer),
keeps every message it accepted, and waits `delay` seconds before accepting each recipient, as a
distant relay does. A client killed during that wait has not handed its message over: the sink
keeps only messages whose DATA ended, and accepts them at once after that (the sender's "250 OK"
comes back in microseconds), so the test knows what was delivered.
"""

from __future__ import annotations

import email
import email.policy
import socketserver
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Received:
    sender: str
    recipients: list[str]
    raw: bytes

    @property
    def message_id(self) -> str:
        return str(email.message_from_bytes(self.raw, policy=email.policy.default)["Message-ID"])


@dataclass
class Sink:
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: socketserver.ThreadingTCPServer | None = None
    run: str = ""  # what the test marks its own messages with
    refuse: str = ""  # an answer to every RCPT instead of 250, e.g. "450 try later"

    @property
    def port(self) -> int:
        assert self.server is not None
        return self.server.server_address[1]

    def start(self) -> Sink:
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                sink.converse(self.rfile, self.wfile)

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def count(self) -> int:
        with self.lock:
            return len(self.received)

    def wait_for(self, count: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.count() >= count:
                return True
            time.sleep(0.02)
        return False

    def converse(self, rfile, wfile) -> None:
        def say(line: str) -> None:
            wfile.write(line.encode() + b"\r\n")
            wfile.flush()

        say("220 sink ESMTP")
        sender, recipients = "", []
        while line := rfile.readline():
            command = line.decode(errors="replace").strip()
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                say("250 sink")
            elif verb == "MAIL":
                sender, recipients = command.partition(":")[2].strip(" <>"), []
                say("250 OK")
            elif verb == "RCPT":
                time.sleep(self.delay)
                if self.refuse:
                    say(self.refuse)
                    continue
                recipients.append(command.partition(":")[2].strip(" <>"))
                say("250 OK")
            elif verb == "DATA":
                say("354 go on")
                lines = []
                while (data := rfile.readline()) not in (b".\r\n", b".\n", b""):
                    lines.append(data[1:] if data.startswith(b"..") else data)
                if not data:
                    return  # the client went away mid-message: nothing was handed over
                with self.lock:
                    self.received.append(Received(sender, recipients, b"".join(lines)))
                say("250 OK queued")
            elif verb == "RSET":
                sender, recipients = "", []
                say("250 OK")
            elif verb == "NOOP":
                say("250 OK")
            elif verb == "QUIT":
                say("221 bye")
                return
            else:
                say("502 not implemented")
