"""A real SMTP server on 127.0.0.1 for the mail tests (aiosmtpd), keeping what it received.

Imported as ``smtp_server`` (``pythonpath = ["tests"]``). ``refuse`` names recipients the server
answers 550 for, as a real server does for an unknown mailbox.
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from contextlib import contextmanager

from aiosmtpd.controller import Controller


class Inbox:
    """The messages the server accepted, as parsed ``EmailMessage`` objects, with their envelopes."""

    def __init__(self, refuse: set[str] | None = None):
        self.refuse = {a.lower() for a in refuse or set()}
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    @property
    def recipients(self) -> list[str]:
        return sorted(a for tos, _ in self.messages for a in tos)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_server(refuse: set[str] | None = None):
    """``(inbox, port)`` of a running server; stopped at the end."""
    inbox = Inbox(refuse)
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()
