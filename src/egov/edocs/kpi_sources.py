"""What On-nara counts for performance management (`egov.core.measures`): each document
delivered to a department or agency as a signed electronic message (`edocs.sent_electronically`,
the sending agency, the month sent); bounced messages are not counted.

The messages behind the figure are listed to the sending agency's officials; a row links to the
document, and names its title, only for an official who may open it (on-nara's own rule,
`selectors.document_visible_ids`: the department's, those on its line, the agency
administrator)."""

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from egov.core.measures import Fact, MeasureSource
from egov.edocs.models import Message
from egov.edocs.selectors import document_visible_ids


def message_facts(messages: list[Message]) -> list[Fact]:
    return [
        Fact("edocs.sent_electronically", m.sender_id, m.sent_at)
        for m in messages
        if m.state == Message.State.DELIVERED
    ]


def message_records(*, agency_ids, start, end, service="", measure=""):
    """The delivered messages behind the figure: sent by the agencies of `agency_ids` in
    [start, end), newest first."""
    return (
        Message.objects.filter(
            sender_id__in=agency_ids, state=Message.State.DELIVERED, sent_at__gte=start, sent_at__lt=end
        )
        .select_related("document", "recipient_agency", "recipient_department")
        .only(
            "sent_at", "document__number", "document__title", "recipient_agency__name_ko",
            "recipient_agency__name_en", "recipient_department__name_ko", "recipient_department__name_en",
        )
        .order_by("-sent_at", "-pk")
    )  # fmt: skip


def message_row(message, actor) -> dict:
    # one read per row: at most a page (100) of them, each the visibility rule's few queries
    visible = message.document_id in document_visible_ids(actor=actor, document_ids=[message.document_id])
    language = "en" if (get_language() or "ko").startswith("en") else "ko"
    recipient = message.recipient_agency.name(language)
    if message.recipient_department is not None:
        recipient = f"{recipient} {message.recipient_department.name(language)}"
    detail = (
        _("%(title)s · to %(recipient)s") % {"title": message.document.title, "recipient": recipient}
        if visible
        else _("To %(recipient)s") % {"recipient": recipient}
    )
    return {
        "number": message.document.number,
        "at": message.sent_at,
        "detail": detail,
        "url": reverse("edocs:document", args=[message.document.number]) if visible else "",
    }


SOURCES = (
    MeasureSource(
        code="edocs.messages",
        model="edocs.Message",
        facts=message_facts,
        fields=("sender", "sent_at", "state"),
        records=message_records,
        record_row=message_row,
    ),
)
