"""The data request (공공데이터 제공 신청) as a procedure of the case kernel (`egov.cases`).

공공데이터법 제27조: anyone asks an agency for public data it has not published; the agency
decides within 10 days (extendable once by 10) and provides it, or refuses on a ground of the Act
(제17조: information exempt from disclosure, third parties' rights) or because it does not hold
the data. See periods.py for what we could not confirm.
"""

from django.utils.translation import pgettext_lazy

from egov.cases.procedures import APPLICANT, OFFICIAL, NumberFormat, Procedure, Transition, procedure_register
from egov.opendata.periods import LAW

ACT_ROLES = ("registrar", "agency_admin")
OPEN_STATES = ("received", "extended")

DATA_REQUEST = procedure_register(
    Procedure(
        code="opendata.request",
        model="opendata.DataRequest",
        label=pgettext_lazy("procedure", "Request for public data"),
        audit_prefix="opendata.request",
        number=NumberFormat(prefix="ODR-", date_format="%y%m", digits=6),
        transitions=(
            Transition(
                "file",
                pgettext_lazy("data request action", "Request filed"),
                sources=(),
                target="received",
                by=APPLICANT,
                legal_basis=f"{LAW} 제27조제1항",
            ),
            Transition(
                "extend",
                pgettext_lazy("data request action", "Decision period extended"),
                sources=OPEN_STATES,
                target="extended",
                by=OFFICIAL,
                roles=ACT_ROLES,
                legal_basis=f"{LAW} 제27조",
            ),
            Transition(
                "provide",
                pgettext_lazy("data request action", "Data provided"),
                sources=OPEN_STATES,
                target="provided",
                by=OFFICIAL,
                roles=ACT_ROLES,
                legal_basis=f"{LAW} 제27조",
            ),
            Transition(
                "refuse",
                pgettext_lazy("data request action", "Refused"),
                sources=OPEN_STATES,
                target="refused",
                by=OFFICIAL,
                roles=ACT_ROLES,
                legal_basis=f"{LAW} 제17조·제27조",
            ),
        ),
        open_states=OPEN_STATES,
        applicant_field="applicant",
        agency_field="agency",
        submitted_field="submitted_at",
        closed_field="decided_at",
        title_field="title",
        mail_subject="공공데이터 제공 신청",
        number_label="신청번호 / Request",
        url_path="data/requests",
    )
)
