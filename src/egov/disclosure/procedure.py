"""The disclosure request (정보공개 청구) as a procedure of the case kernel (`egov.cases`).

공공기관의 정보공개에 관한 법률 (정보공개법): the requester files (제10조); the agency decides within
10 business days (제11조제1항), may extend once by 10 (제11조제2항), and decides with its grounds
(제9조제1항·제13조); a request not decided by its due date is deemed refused (our reading of
제18조제1항); the requester may object (이의신청, 제18조) and the agency decides the objection
within 7 business days, extended once by 7 (제18조제3항). The objection keeps its own model,
state and clock (`Objection`); its steps are recorded in the request's history and move the
request's state (objected, objection decided).
"""

from django.db.models import Q
from django.utils.translation import pgettext_lazy

from egov.cases.procedures import (
    APPLICANT,
    OFFICIAL,
    SYSTEM,
    NumberFormat,
    Procedure,
    Transition,
    Watch,
    procedure_register,
)

ACT_ROLES = ("registrar", "agency_admin")
LAW = "공공기관의 정보공개에 관한 법률"
OPEN_STATES = ("received", "extended")
DECIDED_STATES = ("decided", "deemed_refused")
RELEASED = "released"  # the purpose of the files released to the requester (`CaseAttachment`)


DISCLOSURE = procedure_register(
    Procedure(
        code="disclosure.request",
        model="disclosure.DisclosureRequest",
        label=pgettext_lazy("procedure", "Disclosure request"),
        audit_prefix="disclosure",
        number=NumberFormat(prefix="DR-", date_format="%y%m", digits=7),
        transitions=(
            Transition(
                "file",
                pgettext_lazy("disclosure action", "Request filed"),
                sources=(),
                target="received",
                by=APPLICANT,
                legal_basis=f"{LAW} 제10조",
            ),
            # Once: from "extended" the request's clock refuses a second one (`extension_limit`).
            Transition(
                "extend",
                pgettext_lazy("disclosure action", "Decision period extended"),
                sources=OPEN_STATES,
                target="extended",
                by=OFFICIAL,
                roles=ACT_ROLES,
                legal_basis=f"{LAW} 제11조제2항",
            ),
            Transition(
                "decide",
                pgettext_lazy("disclosure action", "Decided"),
                sources=OPEN_STATES,
                target="decided",
                by=OFFICIAL,
                roles=ACT_ROLES,
                legal_basis=f"{LAW} 제9조제1항·제13조",
            ),
            Transition(
                "deem_refusal",
                pgettext_lazy("disclosure action", "Deemed refused"),
                sources=OPEN_STATES,
                target="deemed_refused",
                by=SYSTEM,
                legal_basis=f"{LAW} 제18조제1항",
            ),
            # Released after a full or partial disclosure, or an objection (partly) accepted: the
            # service checks the outcomes; the state stays.
            Transition(
                "release",
                pgettext_lazy("disclosure action", "Information released"),
                sources=("decided", "objected", "objection_decided"),
                target=None,
                by=OFFICIAL,
                roles=ACT_ROLES,
                legal_basis=f"{LAW} 제13조",
            ),
            Transition(
                "object",
                pgettext_lazy("disclosure action", "Objection filed"),
                sources=DECIDED_STATES,
                target="objected",
                by=APPLICANT,
                legal_basis=f"{LAW} 제18조제1항",
            ),
            Transition(
                "objection_extend",
                pgettext_lazy("disclosure action", "Objection period extended"),
                sources=("objected",),
                target=None,
                by=OFFICIAL,
                roles=ACT_ROLES,
                legal_basis=f"{LAW} 제18조제3항",
            ),
            Transition(
                "objection_decide",
                pgettext_lazy("disclosure action", "Objection decided"),
                sources=("objected",),
                target="objection_decided",
                by=OFFICIAL,
                roles=ACT_ROLES,
                legal_basis=f"{LAW} 제18조",
            ),
        ),
        open_states=OPEN_STATES,
        applicant_field="requester",
        agency_field="agency",
        submitted_field="submitted_at",
        closed_field="decided_at",
        title_field="title",
        mail_subject="정보공개",
        number_label="청구번호 / Request",
        url_path="disclosure",
        attachment_folder="disclosure",
        watches=(
            Watch(),  # the decision on the request, while it is open
            Watch(
                clock="objection__clock",
                pending=Q(objection__isnull=False) & ~Q(objection__state="decided"),
                name="objection",
            ),
        ),
        reminders=True,
    )
)
