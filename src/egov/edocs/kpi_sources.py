"""What On-nara counts for performance management (`egov.core.measures`): each document
delivered to a department or agency as a signed electronic message (`edocs.sent_electronically`,
the sending agency, the month sent); bounced messages are not counted."""

from egov.core.measures import Fact, MeasureSource
from egov.edocs.models import Message


def message_facts(messages: list[Message]) -> list[Fact]:
    return [
        Fact("edocs.sent_electronically", m.sender_id, m.sent_at)
        for m in messages
        if m.state == Message.State.DELIVERED
    ]


SOURCES = (
    MeasureSource(
        code="edocs.messages",
        model="edocs.Message",
        facts=message_facts,
        fields=("sender", "sent_at", "state"),
    ),
)
