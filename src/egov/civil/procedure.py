"""A civil application (민원 신청) as a case of the kernel: its states, steps, numbers and words.

Two kinds of application share the declaration:

- an **instant certificate** (`civil.services.certificate_issue`) is filed and issued in one
  step ("issue"); one whose service has a fee is requested ("request"), charged ("charge"),
  and issued by the platform once the fee is paid ("pay", then "issue_paid"; "issue_failed"
  when the data no longer allows it, the fee then refunded by an official). It is the
  national hot path: issuing must never wait on a row lock held
  across the fetch, the rendering and the signing, so its number is a lock-free random serial
  of the same shape (`case_number_allocate(..., sequenced=False)`); the document's own
  issuance number is the register that counts.
- an **application decided by an official** is filed online ("submit") or recorded at the
  counter ("record") with a gapless number from the counter (`case_number_allocate`), then
  charged the service's fee when it has one ("charge": it waits for payment, its clock paused,
  and moves on by itself when the payment arrives, "pay" — see `fees.py`), then
  reviewed, sent back for a supplement and supplemented, approved — step by step along a
  configurable service's approval line ("approve_step"), then "approve", or "approve_issue"
  when the decision issues a signed document — or rejected.

Numbers keep their shape from before the kernel: `YYYYMMDD-NNNNNNNN`.
"""

from django.utils.translation import pgettext_lazy

from egov.accounts.models import Role
from egov.cases.procedures import (
    APPLICANT,
    OFFICIAL,
    SYSTEM,
    NumberFormat,
    Procedure,
    Transition,
    procedure_register,
)
from egov.civil.models import Application

LAW = "민원 처리에 관한 법률"
DECIDING = ("submitted", "in_review")
# A configurable service names the role of each approval step (`Service.approval_steps`), so
# any official's role may be the one a step needs; the service checks the step's own role.
ANY_ROLE = tuple(Role.values)

APPLICATION = procedure_register(
    Procedure(
        code="civil.application",
        model="civil.Application",
        label=pgettext_lazy("procedure", "Application"),
        audit_prefix="civil",
        number=NumberFormat(prefix="", date_format="%Y%m%d", digits=8),
        transitions=(
            Transition(
                "submit",
                pgettext_lazy("application action", "Applied"),
                sources=(),
                target="submitted",
                by=APPLICANT,
                legal_basis=f"{LAW} 제8조 (민원의 신청)",
            ),
            Transition(
                "record",
                pgettext_lazy("application action", "Received at the counter"),
                sources=(),
                target="submitted",
                by=OFFICIAL,
                roles=("registrar",),
                legal_basis=f"{LAW} 제9조 (민원의 접수)",
            ),
            Transition(
                "issue",
                pgettext_lazy("application action", "Issued at once"),
                sources=(),
                target="issued",
                by=APPLICANT,
                legal_basis=f"{LAW} 제8조·제27조; 전자정부법 제9조 (전자민원창구)",
            ),
            Transition(
                "request",
                pgettext_lazy("application action", "Requested, to be issued once the fee is paid"),
                sources=(),
                target="submitted",
                by=APPLICANT,
                legal_basis=f"{LAW} 제8조; 전자정부법 제9조 (전자민원창구)",
            ),
            Transition(
                "issue_paid",
                pgettext_lazy("application action", "Issued once the fee was paid"),
                sources=("submitted",),
                target="issued",
                by=SYSTEM,
                legal_basis=f"{LAW} 제10조의2 (민원 수수료)·제27조",
            ),
            Transition(
                "issue_failed",
                pgettext_lazy("application action", "Could not be issued; the fee is refunded"),
                sources=("submitted",),
                target="rejected",
                by=SYSTEM,
                legal_basis=f"{LAW} 제27조제2항 (거부 이유의 통지)",
            ),
            Transition(
                "charge",
                pgettext_lazy("application action", "Fee charged"),
                sources=("submitted",),
                target="awaiting_payment",
                by=SYSTEM,
                legal_basis=f"{LAW} 제10조의2 (민원 수수료); 수수료 규정",
            ),
            Transition(
                "pay",
                pgettext_lazy("application action", "Fee paid"),
                sources=("awaiting_payment",),
                target="submitted",
                by=SYSTEM,
                legal_basis=f"{LAW} 제10조의2 (민원 수수료)",
            ),
            Transition(
                "review",
                pgettext_lazy("application action", "Review started"),
                sources=("submitted",),
                target="in_review",
                by=OFFICIAL,
                roles=ANY_ROLE,
                legal_basis=f"{LAW} 제6조 (민원 처리의 원칙)",
            ),
            Transition(
                "request_supplement",
                pgettext_lazy("application action", "Supplement requested"),
                sources=DECIDING,
                target="supplement_requested",
                by=OFFICIAL,
                roles=ANY_ROLE,
                legal_basis=f"{LAW} 제22조 (민원문서의 보완)",
            ),
            Transition(
                "supplement",
                pgettext_lazy("application action", "Supplement sent"),
                sources=("supplement_requested",),
                target="in_review",
                by=APPLICANT,
                legal_basis=f"{LAW} 제22조 (민원문서의 보완)",
            ),
            Transition(
                "approve_step",
                pgettext_lazy("application action", "Step approved"),
                sources=DECIDING,
                target="in_review",
                by=OFFICIAL,
                roles=ANY_ROLE,
                legal_basis=f"{LAW} 제6조 (민원 처리의 원칙)",
            ),
            Transition(
                "approve",
                pgettext_lazy("application action", "Approved"),
                sources=DECIDING,
                target="approved",
                by=OFFICIAL,
                roles=ANY_ROLE,
                legal_basis=f"{LAW} 제27조 (처리결과의 통지)",
            ),
            Transition(
                "approve_issue",
                pgettext_lazy("application action", "Approved, document issued"),
                sources=DECIDING,
                target="issued",
                by=OFFICIAL,
                roles=ANY_ROLE,
                legal_basis=f"{LAW} 제27조 (처리결과의 통지)",
            ),
            Transition(
                "reject",
                pgettext_lazy("application action", "Rejected"),
                sources=DECIDING,
                target="rejected",
                by=OFFICIAL,
                roles=("registrar", "agency_admin"),
                legal_basis=f"{LAW} 제27조제2항 (거부 이유와 구제절차의 통지)",
            ),
            Transition(
                "withdraw",
                pgettext_lazy("application action", "Withdrawn by the applicant"),
                sources=Application.OPEN_STATES,
                target="withdrawn",
                by=APPLICANT,
                legal_basis="행정절차법 제17조제8항 (신청의 취하)",
            ),
        ),
        open_states=Application.OPEN_STATES,
        applicant_field="applicant",
        agency_field="agency",
        submitted_field="submitted_at",
        closed_field="decided_at",
        number_label="신청번호 / Application",
        url_path="applications",
        mail_subject="민원",
        title_field="title",
        page_title_field="service_name",
    )
)
