"""The period of the office's work on a declaration routed to review or inspection, registered
with `core.deadlines` (the queue's due dates and reminders come from it).

관세법 does not fix one period for a declaration's acceptance (수리); the service standard used
here, 2 business days, extendable once by 3, is this platform's setting, not the law's."""

from egov.core import deadlines

EXAMINATION = "customs.examination"


def periods_register() -> None:
    deadlines.register_period(
        EXAMINATION,
        business_days=2,
        extension=3,
        name_ko="통관 심사·검사",
        name_en="Customs review or inspection",
        legal_basis="관세법 제246조·제248조 (서비스 기준)",
    )
