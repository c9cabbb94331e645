"""Dispatch (발송) and receipt (접수, 배부).

An approved document is dispatched to each recipient agency as a signed message through the
exchange (`exchange.delivery`, X-Road style): the canonical body signed with the sending
agency's key, under a message ID derived from the document, its version and the recipient, so
a re-delivery (a retry after a crash) finds the message already there — the unique
constraints decide, not a check — and adds nothing. On-nara's receiving service
(`documents_receive`, registered with the exchange as `edocs.document`) checks the signature,
opens a `ReceivedDocument` case in the recipient's registry office (문서과) or the named
department and answers with an acknowledgement signed with the receiving agency's key. A
recipient unknown to On-nara (an agency without an open registry office) or closed (a closed
department) bounces with the reason, recorded on the message and in the sender's history.

The sender's `Message` is its register of what it sent; the exchange keeps each delivery
sealed (`exchange.models.Delivery`). A document to fifty agencies is delivered in one batch:
a few statements in all, not a dozen per recipient.
"""

import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import User
from egov.cases.services import (
    case_lock_for,
    case_notify,
    case_numbers_unsequenced,
    case_opened_many,
    case_refused,
    case_serial_allocate,
    case_transition,
)
from egov.core.errors import Conflict, NotFound, ValidationFailed
from egov.edocs.models import Department, Message, OfficialDocument, OfficialPost, ReceivedDocument, Recipient
from egov.edocs.procedure import DOCUMENT, RECEIPT
from egov.edocs.services.common import post_of
from egov.edocs.services.issuing import document_pdf_issue
from egov.edocs.signatures import agency_sign, agency_signature_valid, sha256_hex
from egov.exchange.delivery import Answer, Envelope, messages_deliver

MESSAGE_NAMESPACE = uuid.UUID("6f1d2b0e-8f3a-4c1e-9a57-0e7d3c2b1a90")
SERVICE = "edocs.document"  # the exchange service On-nara receives documents under


def message_id_for(document: OfficialDocument, recipient: Recipient) -> str:
    """The same document, version and recipient always make the same message ID."""
    name = f"{document.agency.code}/{document.number}/v{document.version}/{recipient.agency.code}/" + (
        recipient.department.code if recipient.department_id else "*"
    )
    return str(uuid.uuid5(MESSAGE_NAMESPACE, name))


def _body(document: OfficialDocument, message_id: str, recipient: Recipient, at) -> dict:
    return {
        "message_id": message_id,
        "sender": document.agency.code,
        "recipient": recipient.agency.code,
        "recipient_department": recipient.department.code if recipient.department_id else "",
        "sent_at": at.isoformat(),
        "document": {
            "registration_number": document.registration_number,
            "version": document.version,
            "title": document.title,
            "content_sha256": document.content_sha256,
            "enforced_on": document.enforced_on.isoformat() if document.enforced_on else "",
            "issuance_number": document.issued_document.number if document.issued_document_id else "",
        },
    }


def messages_send(*, document: OfficialDocument, recipients: list[Recipient], at=None) -> list[Message]:
    """Send the document to agency `recipients` through the exchange (the platform's step, no
    person's): one signed message each, delivered with the receiving agency's signed
    acknowledgement or bounced with the reason. Idempotent by message ID: a recipient already
    sent to gets its existing message. Returns the messages in the order of `recipients`."""
    at = at or timezone.now()
    wanted = {message_id_for(document, r): r for r in recipients}
    existing = {m.message_id: m for m in Message.objects.filter(message_id__in=wanted)}
    fresh = []
    for message_id, recipient in wanted.items():
        if message_id in existing:
            continue
        text, signature, kid = agency_sign(document.agency, _body(document, message_id, recipient, at))
        fresh.append(
            Message(
                message_id=message_id,
                document=document,
                sender=document.agency,
                recipient_agency=recipient.agency,
                recipient_department=recipient.department,
                body=text,
                body_sha256=sha256_hex(text),
                signature=signature,
                kid=kid,
                state=Message.State.DELIVERED,  # until the exchange answers, in this transaction
                sent_at=at,
            )
        )
    if fresh:
        try:
            with transaction.atomic():
                Message.objects.bulk_create(fresh)
                deliveries = messages_deliver(
                    envelopes=[
                        Envelope(
                            m.message_id, SERVICE, m.sender, m.recipient_agency, m.body, m.signature, m.kid
                        )
                        for m in fresh
                    ],
                    at=at,
                )
                for message, delivery in zip(fresh, deliveries, strict=True):
                    message.state, message.bounce_reason = delivery.state, delivery.bounce_reason
                    message.ack, message.ack_signature, message.ack_kid = (
                        delivery.ack, delivery.ack_signature, delivery.ack_kid
                    )  # fmt: skip
                Message.objects.bulk_update(
                    fresh, ["state", "bounce_reason", "ack", "ack_signature", "ack_kid"]
                )
        except IntegrityError:
            # sent by a concurrent retry: what it sent stands
            existing = {m.message_id: m for m in Message.objects.filter(message_id__in=wanted)}
            if len(existing) < len(wanted):
                raise
            fresh = []
    existing.update((m.message_id, m) for m in fresh)
    return [existing[message_id] for message_id in wanted]


def message_deliver(*, document: OfficialDocument, recipient: Recipient, at=None) -> Message:
    """`messages_send` to one recipient."""
    return messages_send(document=document, recipients=[recipient], at=at)[0]


def _destinations(messages: list[Message]) -> dict[int, Department]:
    """The open registry office (문서과) of each agency addressed as a whole, by agency id."""
    agencies = {m.recipient_agency_id for m in messages if m.recipient_department_id is None}
    offices = Department.objects.filter(
        agency_id__in=agencies, is_registry_office=True, closed_at__isnull=True
    )
    return {office.agency_id: office for office in offices.select_related("agency")}


def documents_receive(envelopes: list[Envelope], *, at) -> list[Answer]:
    """On-nara's receiving service at the exchange (`edocs.document`): for each message, the
    sender's signature is checked, a delivered `ReceivedDocument` opened in the recipient's
    registry office or the named department and an acknowledgement signed with the receiving
    agency's key returned; a recipient unknown to On-nara or closed bounces with the reason."""
    messages = Message.objects.select_related(
        "document__drafter", "recipient_department__agency", "sender"
    ).in_bulk([e.message_id for e in envelopes], field_name="message_id")
    offices = _destinations(list(messages.values()))
    answers: list[Answer | None] = []
    taking: list[tuple[int, Message, Department]] = []
    for index, envelope in enumerate(envelopes):
        message = messages.get(envelope.message_id)
        if not agency_signature_valid(
            agency_code=envelope.sender.code,
            kid=envelope.kid,
            text=envelope.body,
            signature=envelope.signature,
        ):
            answers.append(Answer.bounce(_("The message's signature does not verify.")))
            continue
        if message is None or message.body != envelope.body:
            answers.append(Answer.bounce(_("On-nara has no such message.")))
            continue
        department = message.recipient_department or offices.get(message.recipient_agency_id)
        if department is None:
            answers.append(Answer.bounce(_("The receiving agency has no open registry office in On-nara.")))
        elif department.closed_at is not None:
            answers.append(Answer.bounce(_("The receiving department is closed.")))
        else:
            answers.append(None)
            taking.append((index, message, department))
    numbers = case_numbers_unsequenced(procedure=RECEIPT, count=len(taking), at=at)
    receipts = ReceivedDocument.objects.bulk_create(
        ReceivedDocument(
            number=number,
            message=message,
            source=message.document,
            agency=department.agency,
            department=department,
            sender=message.document.drafter,
            delivered_at=at,
        )
        for number, (_index, message, department) in zip(numbers, taking, strict=True)
    )
    case_opened_many(
        actor=None,
        cases=receipts,
        action="deliver",
        at=at,
        data=[{"message_id": m.message_id, "from": m.sender.code} for _i, m, _d in taking],
        after=[{"message_id": m.message_id, "department": d.code} for _i, m, d in taking],
    )
    for receipt, (index, message, department) in zip(receipts, taking, strict=True):
        ack, ack_signature, ack_kid = agency_sign(
            department.agency,
            {
                "message_id": message.message_id,
                "body_sha256": message.body_sha256,
                "receipt": receipt.number,
                "received_at": at.isoformat(),
                "recipient": department.agency.code,
            },
        )
        answers[index] = Answer(ack=ack, ack_signature=ack_signature, ack_kid=ack_kid)
    return answers


def _issue_to_person(actor, document: OfficialDocument, recipient: Recipient) -> str:
    """A document to a citizen or a business: issued through `documents` with them as its
    subject, so it lands on their My page (내 문서); returns the issuance number."""
    from egov.documents.services import document_issue
    from egov.edocs.services.issuing import document_payload

    issued = document_issue(
        actor=actor,
        doc_type="edocs.official_document",
        subject=recipient.resident or recipient.business,
        payload=document_payload(document),
        agency=document.agency,
    )
    recipient.issued_document = issued
    recipient.save(update_fields=["issued_document"])
    return issued.number


def document_dispatch(*, actor, document: OfficialDocument) -> list[Message]:
    """Dispatch (발송) an approved document to all its recipients: an official of the producing
    department (the drafter, usually). It is enforced today: its signed PDF is issued through
    `documents`, then one message per recipient is delivered or bounces. Returns the messages."""
    post = post_of(actor)
    with transaction.atomic():
        document = case_lock_for(actor=actor, case=document, action="dispatch")
        if post.department_id != document.department_id:
            case_refused(actor, DOCUMENT, "dispatch from another department", case_id=document.pk)
            raise NotFound(_("No such official document."), field="number")
        if document.internal:
            raise Conflict(
                _("A document for internal approval is not dispatched."), field="document", code="internal"
            )
        now = timezone.now()
        document.enforced_on = timezone.localdate(now)
        document.dispatched_at = now
        document.save(update_fields=["enforced_on", "dispatched_at"])
        document_pdf_issue(actor=actor, document=document)
        recipients = list(document.recipients.select_related("agency", "department", "resident", "business"))
        issued = [_issue_to_person(actor, document, r) for r in recipients if r.is_person]
        messages = messages_send(
            document=document, recipients=[r for r in recipients if not r.is_person], at=now
        )
        bounced = [m for m in messages if m.state == Message.State.BOUNCED]
        case_transition(
            actor=actor,
            case=document,
            action="dispatch",
            notify=False,
            data={
                "messages": len(messages),
                "issued_to_people": issued,
                "bounced": [[m.recipient_agency.code, m.bounce_reason] for m in bounced],
            },
            after={"messages": len(messages), "bounced": len(bounced)},
        )
    return messages


# --- the receiving side ------------------------------------------------------------------------


def _receiving(actor, receipt: ReceivedDocument, action: str) -> ReceivedDocument:
    """The receipt locked for `action` by an official of the department holding it (or an
    agency administrator of the receiving agency); NotFound for anyone else."""
    post = post_of(actor)
    receipt = case_lock_for(actor=actor, case=receipt, action=action)
    from egov.accounts.permissions import has_role

    if post.department_id != receipt.department_id and not (
        has_role(actor, "agency_admin") and actor.agency_id == receipt.agency_id
    ):
        case_refused(actor, RECEIPT, f"{action} from another department", case_id=receipt.pk)
        raise NotFound(_("No such received document."), field="number")
    return receipt


def receipt_scope(department_id: int) -> str:
    return f"receipt:{department_id}"


def receipt_register(*, actor, receipt: ReceivedDocument) -> ReceivedDocument:
    """Register (접수) a delivered document with the receiving department's next receipt number,
    without gaps; the sender is told it was received."""
    with transaction.atomic():
        receipt = _receiving(actor, receipt, "register")
        now = timezone.now()
        serial = case_serial_allocate(procedure=RECEIPT, scope=receipt_scope(receipt.department_id), at=now)
        receipt.receipt_year, receipt.receipt_serial = timezone.localdate(now).year, serial
        receipt.receipt_number = f"{receipt.department.name_ko}-{serial}"
        receipt.registered_at = now
        case_transition(
            actor=actor,
            case=receipt,
            action="register",
            fields=["receipt_year", "receipt_serial", "receipt_number", "registered_at"],
            data={"receipt_number": receipt.receipt_number},
            after={"receipt_number": receipt.receipt_number},
            notify_note=_("Received and registered by %(agency)s.") % {"agency": receipt.agency.name_ko},
        )
    return receipt


def receipt_assign(*, actor, receipt: ReceivedDocument, assignee: User, note: str = "") -> ReceivedDocument:
    """Assign (배부) a registered document to an official of the receiving agency: it moves to
    their department, and they may answer it with a new document."""
    note = (note or "").strip()[:1000]
    with transaction.atomic():
        receipt = _receiving(actor, receipt, "assign")
        target = (
            OfficialPost.objects.select_related("department", "official")
            .filter(official_id=getattr(assignee, "pk", None))
            .first()
            if isinstance(assignee, User)
            else None
        )
        if (
            target is None
            or not target.official.is_active
            or target.department.agency_id != receipt.agency_id
            or target.department.closed_at is not None
        ):
            raise ValidationFailed(_("Choose an official of the receiving agency."), field="assignee")
        before = receipt.department.code
        receipt.department, receipt.assignee = target.department, target.official
        case_transition(
            actor=actor,
            case=receipt,
            action="assign",
            fields=["department", "assignee"],
            note=note,
            data={"department": target.department.code, "assignee": target.official_id},
            before={"department": before},
            after={"department": target.department.code},
            notify=False,
        )
        case_notify(receipt, _("Assigned to you."), to=[target.official.email], office=True)
    return receipt


def receipt_send_back(*, actor, receipt: ReceivedDocument, reason: str) -> ReceivedDocument:
    """Send a delivered document back (반송: not ours, illegible), with the reason the sender is told."""
    from egov.core.checks import require_text

    reason = require_text(reason, "reason", label=_("The reason"), max_length=1000)
    with transaction.atomic():
        receipt = _receiving(actor, receipt, "send_back")
        case_transition(actor=actor, case=receipt, action="send_back", note=reason, reason=reason)
    return receipt
