"""Text messages (SMS, or 알림톡 through a messaging gateway) behind one setting,
`EGOV_SMS_BACKEND`, the way Django's EMAIL_BACKEND puts mail behind one: the console backend
prints each message (development), the locmem backend keeps them in `outbox` (tests), and a
deployment names its gateway's backend, a class with `send_messages(messages) -> int`."""

import sys
import threading
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class TextMessage:
    to: str
    text: str
    sender: str = ""


class BaseBackend:
    def send_messages(self, messages: list[TextMessage]) -> int:  # pragma: no cover - interface
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    """Prints each message to stdout (development)."""

    _lock = threading.Lock()

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send_messages(self, messages: list[TextMessage]) -> int:
        with self._lock:
            for message in messages:
                self.stream.write(f"SMS from {message.sender} to {message.to}\n{message.text}\n{'-' * 40}\n")
            self.stream.flush()
        return len(messages)


outbox: list[TextMessage] = []


class LocmemBackend(BaseBackend):
    """Keeps the messages in `egov.core.sms.outbox` (tests)."""

    def send_messages(self, messages: list[TextMessage]) -> int:
        outbox.extend(messages)
        return len(messages)


def sms_backend() -> BaseBackend:
    return import_string(settings.EGOV_SMS_BACKEND)()


def sms_send(*, to: str, text: str) -> int:
    """Send one text message through the configured backend; how many were sent."""
    return sms_backend().send_messages([TextMessage(to=to, text=text, sender=settings.EGOV_SMS_SENDER)])
