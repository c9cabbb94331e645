"""The period of a data request, registered with `core.deadlines`.

공공데이터의 제공 및 이용 활성화에 관한 법률 (공공데이터법) 제27조: the agency decides on a request
within 10 days of receipt and may extend once by 10 days, telling the applicant. We read it from
the Act as we recall it and could not check the text here: see docs/opendata.md. Days are
counted as docs/deadlines.md explains (first day included, business days).
"""

from egov.core import deadlines

REQUEST = "opendata.request"
LAW = "공공데이터의 제공 및 이용 활성화에 관한 법률"


def periods_register() -> None:
    deadlines.register_period(
        REQUEST,
        business_days=10,
        extension=10,
        name_ko="공공데이터 제공 신청",
        name_en="Request for public data",
        legal_basis=f"{LAW} 제27조 (확인 필요)",
    )
