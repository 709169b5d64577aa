"""Local parts shared by the benchmarks and the tests: a free port, and a real SMTP server
(aiosmtpd) that keeps what it receives."""

import contextlib
import email
import email.policy
import socket

from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    """A local SMTP server's handler that keeps what it receives."""

    def __init__(self):
        self.messages = []
        self.connections = set()  # the client's address and port of each connection used

    async def handle_DATA(self, server, session, envelope):
        self.connections.add(session.peer)
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


@contextlib.contextmanager
def smtp_server():
    """(sink, port) of an SMTP server on 127.0.0.1, stopped afterwards."""
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield sink, controller.port
    finally:
        controller.stop()
