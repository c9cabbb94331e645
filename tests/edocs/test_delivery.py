import pytest

from egov.core.errors import NotFound, PermissionDenied, ValidationFailed
from egov.edocs import selectors
from egov.edocs.models import Department, Message, ReceivedDocument
from egov.edocs.services.approval import document_sign, document_submit
from egov.edocs.services.delivery import (
    document_dispatch,
    message_deliver,
    receipt_assign,
    receipt_register,
    receipt_send_back,
)
from egov.edocs.services.drafting import document_draft
from egov.edocs.signatures import agency_signature_valid
from tests.edocs.stepup import fresh


@pytest.fixture
def approved(draft, minji, junho, soyeon, park, gangnam_office):
    def approved(**overrides):
        document = document_submit(actor=minji, step_up=fresh(minji), document=draft(**overrides))
        for official in (junho, soyeon, park):
            document = document_sign(actor=official, step_up=fresh(official), document=document)
        return document

    return approved


def test_a_dispatched_document_reaches_gangnams_registry_office_signed_and_acknowledged(
    approved, minji, gangnam_office
):
    document = approved()
    [message] = document_dispatch(actor=minji, document=document)
    document.refresh_from_db()
    assert document.state == "dispatched" and document.issued_document is not None
    assert message.state == "delivered"
    assert agency_signature_valid(
        agency_code="3000000", kid=message.kid, text=message.body, signature=message.signature
    )
    assert agency_signature_valid(
        agency_code="3220000", kid=message.ack_kid, text=message.ack, signature=message.ack_signature
    )
    receipt = message.receipt
    assert receipt.department == gangnam_office and receipt.state == "delivered"


def test_redelivery_of_the_same_message_adds_nothing(approved, minji):
    document = approved()
    [message] = document_dispatch(actor=minji, document=document)
    again = message_deliver(document=document, recipient=document.recipients.get())
    assert again.pk == message.pk
    assert Message.objects.count() == 1 and ReceivedDocument.objects.count() == 1


def test_the_message_goes_through_the_exchange_which_seals_it_with_the_acknowledgement(approved, minji):
    from egov.exchange.delivery import delivery_seal_valid
    from egov.exchange.models import Delivery

    [message] = document_dispatch(actor=minji, document=approved())
    delivery = Delivery.objects.get(message_id=message.message_id)
    assert delivery.service == "edocs.document" and delivery.state == "delivered"
    assert (delivery.sender.code, delivery.recipient.code) == ("3000000", "3220000")
    assert delivery.body == message.body and delivery.ack == message.ack
    assert delivery_seal_valid(delivery)
    delivery.ack = delivery.ack.replace(message.receipt.number, "ER-0000-0000000")
    assert not delivery_seal_valid(delivery)  # the acknowledgement cannot be changed afterwards


def test_the_exchange_delivers_a_message_id_once_and_refuses_it_for_another_body(approved, minji):
    from egov.core.errors import Conflict
    from egov.exchange.delivery import Envelope, messages_deliver
    from egov.exchange.models import Delivery

    [message] = document_dispatch(actor=minji, document=approved())
    envelope = Envelope(
        message.message_id, "edocs.document", message.sender, message.recipient_agency,
        message.body, message.signature, message.kid,
    )  # fmt: skip
    [again] = messages_deliver(envelopes=[envelope])
    assert again == Delivery.objects.get() and ReceivedDocument.objects.count() == 1
    forged = Envelope(
        message.message_id, "edocs.document", message.sender, message.recipient_agency,
        message.body[:-1] + ',"x":1}', message.signature, message.kid,
    )  # fmt: skip
    with pytest.raises(Conflict) as refused:
        messages_deliver(envelopes=[forged])
    assert refused.value.code == "message_id_reused"


def test_a_message_with_a_bad_signature_or_unknown_to_on_nara_bounces_at_the_exchange(
    approved, minji, jongno, gangnam
):
    from egov.exchange.delivery import Envelope, messages_deliver

    [message] = document_dispatch(actor=minji, document=approved())
    forged = message.signature[:-8] + ("A" * 8 if not message.signature.endswith("A" * 8) else "B" * 8)
    bad, unknown = messages_deliver(
        envelopes=[
            Envelope("new-1", "edocs.document", jongno, gangnam, message.body, forged, message.kid),
            Envelope(
                "new-2", "edocs.document", jongno, gangnam, message.body, message.signature, message.kid
            ),
        ]
    )
    assert bad.state == "bounced" and "signature" in bad.bounce_reason
    assert unknown.state == "bounced" and "no such message" in unknown.bounce_reason
    assert ReceivedDocument.objects.count() == 1


def test_an_agency_without_a_registry_office_bounces_with_a_reason(approved, minji, busan):
    document = approved(recipients=[busan])
    [message] = document_dispatch(actor=minji, document=document)
    assert message.state == "bounced" and "registry office" in message.bounce_reason
    assert not ReceivedDocument.objects.exists()
    from egov.exchange.models import Delivery

    assert Delivery.objects.get(message_id=message.message_id).bounce_reason == message.bounce_reason
    assert document.events.last().data["bounced"][0][0] == "6260000"


def test_a_closed_department_bounces(approved, minji, gangnam_welfare):
    from django.utils import timezone

    Department.objects.filter(pk=gangnam_welfare.pk).update(closed_at=timezone.now())
    gangnam_welfare.refresh_from_db()
    [message] = document_dispatch(actor=minji, document=approved(recipients=[gangnam_welfare]))
    assert message.state == "bounced" and "closed" in message.bounce_reason


def test_hana_registers_with_the_next_receipt_number_and_assigns_to_taeyang_who_answers(
    approved, minji, gangnam_clerk, gangnam_officer, gangnam_welfare
):
    [message] = document_dispatch(actor=minji, document=approved())
    receipt = receipt_register(actor=gangnam_clerk, receipt=message.receipt)
    assert receipt.receipt_number == "행정지원과-1"
    receipt = receipt_assign(actor=gangnam_clerk, receipt=receipt, assignee=gangnam_officer)
    assert receipt.department == gangnam_welfare and receipt.assignee == gangnam_officer
    assert selectors.receipt_get_for(actor=gangnam_officer, number=receipt.number) == receipt
    reply = document_draft(
        actor=gangnam_officer,
        title="회신",
        content="협조하겠습니다.",
        line=[(gangnam_clerk, "approve")],
        recipients=[message.sender],
        in_reply_to=receipt,
    )
    assert reply.in_reply_to == receipt


def test_only_the_receiving_department_registers(approved, minji, park, gangnam_officer):
    [message] = document_dispatch(actor=minji, document=approved())
    with pytest.raises(NotFound):
        receipt_register(actor=gangnam_officer, receipt=message.receipt)  # another department of Gangnam
    with pytest.raises(NotFound):
        receipt_register(actor=park, receipt=message.receipt)  # the sending agency


def test_assignment_goes_only_to_an_official_of_the_receiving_agency(approved, minji, gangnam_clerk, junho):
    [message] = document_dispatch(actor=minji, document=approved())
    receipt = receipt_register(actor=gangnam_clerk, receipt=message.receipt)
    with pytest.raises(ValidationFailed) as refused:
        receipt_assign(actor=gangnam_clerk, receipt=receipt, assignee=junho)
    assert refused.value.field == "assignee"


def test_hana_sends_back_what_is_not_gangnams_with_a_reason(approved, minji, gangnam_clerk):
    [message] = document_dispatch(actor=minji, document=approved())
    with pytest.raises(ValidationFailed):
        receipt_send_back(actor=gangnam_clerk, receipt=message.receipt, reason="")
    receipt = receipt_send_back(actor=gangnam_clerk, receipt=message.receipt, reason="소관 아님")
    assert receipt.state == "returned"


def test_only_the_producing_department_dispatches(approved, soyeon):
    with pytest.raises(NotFound):
        document_dispatch(actor=soyeon, document=approved())


def test_officials_see_their_departments_documents_and_their_inbox_only(
    draft, minji, junho, soyeon, park, carol
):
    document = document_submit(actor=minji, step_up=fresh(minji), document=draft())
    assert list(selectors.document_list_for(actor=junho, box="inbox")) == [document]
    assert list(selectors.document_list_for(actor=park, box="inbox")) == []
    assert selectors.document_get_for(actor=soyeon, number=document.number) == document  # on the line
    with pytest.raises(PermissionDenied):  # Carol has no post in On-nara at all
        selectors.document_get_for(actor=carol, number=document.number)


def test_an_official_of_another_department_not_on_the_line_does_not_see_it(draft, minji, finance):
    from tests.edocs.conftest import _post

    other = _post("gyeong", finance, 10, "주무관", "윤경")
    document = draft()
    with pytest.raises(NotFound):
        selectors.document_get_for(actor=other, number=document.number)


def test_a_document_to_a_citizen_is_issued_through_documents_and_lands_on_their_my_page(
    approved, minji, alice_resident, client
):
    from egov.documents.selectors import document_list_for
    from tests import factories

    document = approved(recipients=[alice_resident])
    messages = document_dispatch(actor=minji, document=document)
    assert messages == []  # no agency message: the citizen gets the signed document itself
    recipient = document.recipients.get()
    assert recipient.issued_document is not None
    alice = factories.citizen("alice", alice_resident)
    assert recipient.issued_document in document_list_for(actor=alice)
    client.force_login(alice)
    assert recipient.issued_document.number in client.get("/my/documents/").content.decode()
