"""A real SMTP server on loopback for tests: mail leaves through Django's SMTP backend.

    def test_mail(smtp_server, ...):
        ...  # send
        message = smtp_server.messages[0]     # an email.message.EmailMessage
        assert message["Subject"] == "[EOMS] 导入失败"   # headers come decoded

The `smtp_server` fixture starts aiosmtpd on 127.0.0.1 on a free port and points the
settings (EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT) at it for the test.
"""

from __future__ import annotations

import email
import email.policy
import logging
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

HOST = "127.0.0.1"
# aiosmtpd logs each connection at INFO from its own thread, which may run after pytest
# closed the captured stream of the test ("--- Logging error ---" in the output).
logging.getLogger("mail.log").setLevel(logging.WARNING)


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class SmtpSink:
    """aiosmtpd handler keeping every message it receives."""

    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        parsed = email.message_from_bytes(envelope.original_content or envelope.content,
                                          policy=email.policy.default)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                          parsed))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[EmailMessage]:
        with self.lock:
            return [r.message for r in self.received]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def text_of(message: EmailMessage, subtype: str = "plain") -> str:
    """The decoded text of the message's text/plain (or text/html) part."""
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None, f"no text/{subtype} part in {message}"
    return str(part.get_content())  # type: ignore[attr-defined]


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SmtpSink]:
    sink = SmtpSink()
    controller = Controller(sink, hostname=HOST, port=free_port(), ready_timeout=10)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = HOST, controller.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    try:
        yield sink
    finally:
        controller.stop()
