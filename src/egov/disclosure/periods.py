"""The periods of information disclosure, registered with `core.deadlines`.

공공기관의 정보공개에 관한 법률 (정보공개법): a request is decided within 10 days of receipt and may
be extended once by 10 days with notice to the requester (제11조제1항·제2항); an objection
(이의신청) is decided within 7 days and may be extended once by 7 days (제18조제3항). Days are
counted as `docs/deadlines.md` explains: first day included, Saturdays, Sundays and public
holidays not counted.
"""

from egov.core import deadlines

REQUEST = "disclosure.request"
OBJECTION = "disclosure.objection"


def periods_register() -> None:
    """Declare the request and objection periods (registering twice is a no-op)."""
    deadlines.register_period(
        REQUEST,
        business_days=10,
        extension=10,
        name_ko="정보공개 청구",
        name_en="Information disclosure request",
        legal_basis="공공기관의 정보공개에 관한 법률 제11조제1항·제2항",
    )
    deadlines.register_period(
        OBJECTION,
        business_days=7,
        extension=7,
        name_ko="정보공개 이의신청",
        name_en="Objection to a disclosure decision",
        legal_basis="공공기관의 정보공개에 관한 법률 제18조제3항",
    )
