"""Delivery of signed messages between agencies (X-Road style), for the documents they send
each other (On-nara's official documents first).

The sender signs the message body with its own key and gives it a message ID; the exchange
hands it to the service the recipient runs for it (a handler its app registers under the
service's code, as `delivery_service_register("edocs.document", ...)`), which checks the
sender's signature and either takes the message in and answers with an acknowledgement signed
with the recipient's key, or bounces it with a reason (an unknown or closed recipient). The
exchange keeps each message with its answer as a `Delivery` — X-Road's message log — sealed
with the platform key (Ed25519 over both, `delivery_seal_valid`), so neither side can later
deny what was sent and what was acknowledged.

The message ID makes a re-delivery idempotent: a message whose ID the exchange has already
delivered gets the stored answer and is not handed to the recipient again (the unique
constraint decides under concurrency). A second message under an ID already used by another
sender or with another body is refused (Conflict `message_id_reused`).

Everything runs in the caller's transaction: a batch of messages, the recipient's writes and
the deliveries commit together. A handler takes the whole batch for its service, so a
document sent to fifty agencies costs a few statements, not fifty round trips each.
"""

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.core import keys
from egov.core.errors import Conflict, ValidationFailed
from egov.exchange.models import Delivery
from egov.registry.models import Agency

MESSAGE_ID_MAX = 100


@dataclass(frozen=True)
class Envelope:
    """One message as the sender hands it over: its ID, the service it is for, sender and
    recipient agencies, the body as signed and the sender's signature (base64) with its key id."""

    message_id: str
    service: str
    sender: Agency
    recipient: Agency
    body: str
    signature: str
    kid: str


@dataclass(frozen=True)
class Answer:
    """The recipient's answer to one message: a signed acknowledgement, or a bounce's reason."""

    ack: str = ""
    ack_signature: str = ""
    ack_kid: str = ""
    bounce_reason: str = ""

    @classmethod
    def bounce(cls, reason: str) -> "Answer":
        return cls(bounce_reason=str(reason)[:200])


# A handler takes the messages for its service (in one transaction, `at` the time of delivery)
# and returns one Answer per message, in the same order.
Handler = Callable[..., list[Answer]]
_services: dict[str, Handler] = {}


def delivery_service_register(code: str, handler: Handler) -> None:
    """Register the handler that receives messages for service `code` (re-registering
    replaces it: app reloads in tests)."""
    _services[code] = handler


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _sealed_text(row: Delivery) -> bytes:
    return json.dumps(
        {
            "message_id": row.message_id,
            "service": row.service,
            "sender": row.sender.code,
            "recipient": row.recipient.code,
            "body_sha256": row.body_sha256,
            "kid": row.kid,
            "state": row.state,
            "bounce_reason": row.bounce_reason,
            "ack_sha256": _sha256(row.ack) if row.ack else "",
            "ack_kid": row.ack_kid,
            "at": row.at.isoformat(),
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    ).encode()


def delivery_seal_valid(row: Delivery) -> bool:
    """Whether the exchange's seal on `row` verifies with the platform key: body, answer and
    time are as delivered."""
    platform = keys.platform_key()
    if row.seal_kid != platform.key_id:
        return False
    try:
        signature = bytes.fromhex(row.seal)
    except ValueError:
        return False
    return keys.signature_valid(platform.public_key, signature, _sealed_text(row))


def _check(envelope: Envelope) -> None:
    if not isinstance(envelope.message_id, str) or not 0 < len(envelope.message_id) <= MESSAGE_ID_MAX:
        raise ValidationFailed(_("A message needs an ID of up to 100 characters."), field="message_id")
    if envelope.service not in _services:
        raise ValidationFailed(_("No agency receives messages for this service."), field="service")
    if not (isinstance(envelope.sender, Agency) and isinstance(envelope.recipient, Agency)):
        raise ValidationFailed(_("A message goes from one agency to another."), field="recipient")
    if not (envelope.body and envelope.signature and envelope.kid):
        raise ValidationFailed(_("A message is signed by its sender."), field="signature")


def _same_message(row: Delivery, envelope: Envelope) -> bool:
    return (
        row.sender_id == envelope.sender.pk
        and row.recipient_id == envelope.recipient.pk
        and row.service == envelope.service
        and row.body_sha256 == _sha256(envelope.body)
    )


def messages_deliver(*, envelopes: Sequence[Envelope], at=None) -> list[Delivery]:
    """Deliver each message to its recipient's service, once: the `Delivery` of each (in the
    order given), delivered with the recipient's signed acknowledgement or bounced with the
    reason, sealed by the exchange. A message ID delivered before returns its stored
    delivery; the same ID with another sender, recipient or body is refused."""
    for envelope in envelopes:
        _check(envelope)
    at = at or timezone.now()
    try:
        with transaction.atomic():
            return _deliver(list(envelopes), at)
    except IntegrityError:
        # A concurrent delivery of the same message committed first: its answer stands, and
        # what this one wrote was rolled back with the savepoint.
        with transaction.atomic():
            return _deliver(list(envelopes), at)


def _deliver(envelopes: list[Envelope], at) -> list[Delivery]:
    found = {
        d.message_id: d for d in Delivery.objects.filter(message_id__in={e.message_id for e in envelopes})
    }
    fresh: dict[str, Envelope] = {}
    for envelope in envelopes:
        known = found.get(envelope.message_id)
        if known is not None or envelope.message_id in fresh:
            same = _same_message(known, envelope) if known else fresh[envelope.message_id] == envelope
            if not same:
                raise Conflict(
                    _("This message ID was used for another message."),
                    field="message_id",
                    code="message_id_reused",
                )
            continue
        fresh[envelope.message_id] = envelope
    by_service: dict[str, list[Envelope]] = {}
    for envelope in fresh.values():
        by_service.setdefault(envelope.service, []).append(envelope)
    platform = keys.platform_key()
    rows = []
    for service, batch in by_service.items():
        answers = _services[service](batch, at=at)
        if len(answers) != len(batch):
            raise RuntimeError(f"the {service} handler answered {len(answers)} of {len(batch)} messages")
        for envelope, answer in zip(batch, answers, strict=True):
            row = Delivery(
                message_id=envelope.message_id,
                service=service,
                sender=envelope.sender,
                recipient=envelope.recipient,
                body=envelope.body,
                body_sha256=_sha256(envelope.body),
                signature=envelope.signature,
                kid=envelope.kid,
                state=Delivery.State.BOUNCED if answer.bounce_reason else Delivery.State.DELIVERED,
                bounce_reason=answer.bounce_reason,
                ack="" if answer.bounce_reason else answer.ack,
                ack_signature="" if answer.bounce_reason else answer.ack_signature,
                ack_kid="" if answer.bounce_reason else answer.ack_kid,
                seal_kid=platform.key_id,
                at=at,
            )
            row.seal = platform.sign(_sealed_text(row)).hex()
            rows.append(row)
    Delivery.objects.bulk_create(rows)
    found.update((row.message_id, row) for row in rows)
    return [found[e.message_id] for e in envelopes]
