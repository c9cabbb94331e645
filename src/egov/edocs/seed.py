"""On-nara's demo office: every seeded agency with departments, officials' posts, a
classification scheme (단위과제) and a delegation table, and documents in every state — drafts,
in approval (one waiting for the demo official), returned, withdrawn, approved, dispatched
between agencies and received (delivered, registered, assigned), one bounced and one record
under appraisal — made through the services, so the first `make run` shows the office at work.

The demo officials (`official.jongno`, …) get a post in their agency's registry office (문서과);
their colleagues on the approval lines are demo accounts that cannot log in.
"""

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from egov.accounts.models import OfficialRole, User
from egov.accounts.services.step_up import step_up_demo
from egov.core.seeding import SeedOptions, SeedReport, summary_line
from egov.edocs.models import (
    DelegationRule,
    Department,
    DocumentKind,
    OfficialDocument,
    OfficialPost,
    Position,
    UnitTask,
)
from egov.edocs.services import approval, delivery, drafting, records
from egov.edocs.signatures import SIGNING_PURPOSE
from egov.registry.models import Agency


def _demo_step_up(official):
    """The seed's officials are demo accounts: their approvals are signed as "demo" step-ups."""
    return step_up_demo(user=official, purpose=SIGNING_PURPOSE)


# agency code: (registry office code, Korean, English), (division code, Korean, English)
OFFICES = {
    "3000000": (("3000010", "총무과", "General Affairs Division"), ("3000020", "재무과", "Finance Division")),
    "3220000": (("3220010", "행정지원과", "Administrative Support Division"), ("3220020", "복지정책과", "Welfare Policy Division")),
    "6110000": (("6110010", "행정국 총무과", "General Affairs Division"), ("6110020", "주택정책과", "Housing Policy Division")),
    "1741000": (("1741010", "운영지원과", "Operations Support Division"), ("1741020", "디지털정부정책과", "Digital Government Policy Division")),
}  # fmt: skip
# Busan (6260000) is left without an On-nara registry office: what is sent there bounces.
UNIT_TASKS = (
    ("A01", "일반 행정", "General administration", "3", False),
    ("A02", "예산 편성·집행", "Budget and spending", "5", False),
    ("A03", "민원 제도 개선", "Improving civil services", "10", False),
    ("A04", "자치법규·규정", "Regulations", "perm", True),
)
DELEGATION = {
    DocumentKind.GENERAL: Position.DIRECTOR,
    DocumentKind.REPORT: Position.DIRECTOR,
    DocumentKind.NOTICE: Position.DIRECTOR,
    DocumentKind.PLAN: Position.HEAD,
    DocumentKind.BUDGET: Position.HEAD,
    DocumentKind.PERSONNEL: Position.HEAD,
}
# username suffix, office index (0 registry office, 1 division), rank, title, name
COLLEAGUES = (
    ("staff", 1, Position.STAFF, "주무관", "한지민"),
    ("leader", 0, Position.TEAM_LEADER, "팀장", "오세훈"),
    ("director", 0, Position.DIRECTOR, "과장", "김영수"),
    ("director2", 1, Position.DIRECTOR, "과장", "이정은"),
    ("head", 0, Position.HEAD, "기관장", "박태준"),
)


def seed_present() -> bool:
    return Department.objects.exists()


def seed_step(*, options: SeedOptions) -> SeedReport:
    """On-nara's step of `egov seed`."""
    return SeedReport(lines=[summary_line("edocs", edocs_seed())])


def _office(agency: Agency) -> dict:
    """The agency's departments, posts, scheme and delegation table; its officials by role."""
    (office_code, office_ko, office_en), (division_code, division_ko, division_en) = OFFICES[agency.code]
    departments = [
        Department.objects.create(
            agency=agency,
            code=code,
            name_ko=ko,
            name_en=en,
            is_registry_office=(i == 0),
            address=f"{agency.name_ko} 청사",
            telephone="02-120",
        )  # fmt: skip
        for i, (code, ko, en) in enumerate(
            ((office_code, office_ko, office_en), (division_code, division_ko, division_en))
        )
    ]
    DelegationRule.objects.bulk_create(
        DelegationRule(agency=agency, kind=kind, position=position) for kind, position in DELEGATION.items()
    )
    tasks = {
        code: UnitTask.objects.create(
            agency=agency, code=code, name_ko=ko, name_en=en, retention=retention, archival=archival
        )
        for code, ko, en, retention, archival in UNIT_TASKS
    }
    people = {}
    demo = User.objects.filter(is_demo=True, kind="official", agency=agency).order_by("id").first()
    if demo is not None:
        OfficialPost.objects.create(
            official=demo, department=departments[0], position=Position.STAFF, title="주무관",
            display_name=f"{demo.last_name}{demo.first_name}" or demo.username,
        )  # fmt: skip
        people["demo"] = demo
    unusable = make_password(None)
    for suffix, index, position, title, name in COLLEAGUES:
        user = User.objects.create(
            username=f"edocs.{agency.code}.{suffix}", kind=User.Kind.OFFICIAL, agency=agency,
            last_name=name[:1], first_name=name[1:], password=unusable, is_demo=True,
        )  # fmt: skip
        OfficialRole.objects.bulk_create(
            OfficialRole(user=user, role=role) for role in ("viewer", "registrar")
        )
        OfficialPost.objects.create(
            official=user, department=departments[index], position=position,
            title=f"{departments[index].name_ko}{title}" if position == Position.DIRECTOR else title,
            display_name=name,
        )  # fmt: skip
        people[suffix] = user
    return {"departments": departments, "tasks": tasks, "people": people}


def _through(document: OfficialDocument, *officials) -> OfficialDocument:
    for official in officials:
        document = approval.document_sign(actor=official, step_up=_demo_step_up(official), document=document)
    return document


def _documents(agency: Agency, office: dict, others: dict[str, Agency]) -> dict[str, int]:
    p, tasks = office["people"], office["tasks"]
    demo = p.get("demo", p["staff"])
    drafter, made = demo, {}

    def draft(
        title, content, line, *, task="A01", kind=DocumentKind.GENERAL, recipients=(), internal=False, by=None
    ):
        return drafting.document_draft(
            actor=by or drafter, title=title, content=content, line=line, recipients=recipients,
            kind=kind, internal=internal, unit_task=tasks[task],
        )  # fmt: skip

    line = [(p["leader"], "review"), (p["director"], "approve")]
    # a draft still being written
    draft("2027년 청사 에너지 절약 추진 계획(안)", "1. 관련: 에너지이용 합리화법\n2. 청사 에너지 절약 계획을 수립하고자 합니다.",
          line, internal=True)  # fmt: skip
    # in approval, waiting for the demo official's review
    waiting = draft(
        "주민 편의시설 개선 결과 보고", "1. 관련: 주민편의시설 개선 계획\n2. 개선 결과를 다음과 같이 보고합니다.",
        [(demo, "review"), (p["director2"], "approve")], kind=DocumentKind.REPORT, internal=True, by=p["staff"],
    )  # fmt: skip
    approval.document_submit(actor=p["staff"], step_up=_demo_step_up(p["staff"]), document=waiting)
    # returned with a comment
    returned = draft("민원실 안내 표지 교체 예산 집행", "1. 관련: 2027년 예산\n2. 안내 표지 교체 비용 집행을 요청합니다.",
                     [(p["leader"], "review"), (p["head"], "approve")], kind=DocumentKind.BUDGET, task="A02",
                     internal=True)  # fmt: skip
    approval.document_submit(actor=drafter, step_up=_demo_step_up(drafter), document=returned)
    approval.document_return(actor=p["leader"], document=returned, comment="견적서를 붙임으로 첨부해 주세요.")
    # withdrawn by the drafter
    withdrawn = draft("직원 교육 일정 변경 알림", "1. 직원 교육 일정을 변경합니다.", line, internal=True)
    approval.document_submit(actor=drafter, step_up=_demo_step_up(drafter), document=withdrawn)
    approval.document_withdraw(actor=drafter, document=withdrawn, reason="일정 재확정 후 다시 기안")
    # approved internally under delegation (전결), enforced at once
    approved = draft("민원 처리 기간 단축 방안", "1. 관련: 민원처리법\n2. 처리 기간 단축 방안을 시행합니다.",
                     line, task="A03", internal=True)  # fmt: skip
    approval.document_submit(actor=drafter, step_up=_demo_step_up(drafter), document=approved)
    _through(approved, p["leader"], p["director"])
    made["internal"] = 5
    # dispatched to other agencies (one without a registry office bounces)
    recipients = [a for a in others.values() if a.pk != agency.pk]
    if recipients:
        sent = draft(
            "2027년 디지털 민원 서비스 개선 협조 요청",
            "1. 관련: 전자정부법\n2. 디지털 민원 서비스 개선을 위하여 다음과 같이 협조를 요청합니다.\n  가. 요청 사항: 기관별 개선 과제 제출\n  나. 회신 기한: 2027. 3. 31.",
            line, kind=DocumentKind.NOTICE, task="A03", recipients=recipients,
        )  # fmt: skip
        approval.document_submit(actor=drafter, step_up=_demo_step_up(drafter), document=sent)
        _through(sent, p["leader"], p["director"])
        delivery.document_dispatch(actor=drafter, document=sent)
        made["dispatched"] = 1
        citizen = User.objects.filter(username="citizen", is_demo=True).select_related("resident").first()
        if citizen is not None and citizen.resident_id:
            notice = draft(
                "주민 의견 반영 결과 알림", "1. 귀하께서 제출하신 의견에 감사드립니다.\n2. 의견을 검토하여 다음과 같이 반영하였음을 알려 드립니다.",
                line, task="A03", recipients=[citizen.resident],
            )  # fmt: skip
            approval.document_submit(actor=drafter, step_up=_demo_step_up(drafter), document=notice)
            _through(notice, p["leader"], p["director"])
            delivery.document_dispatch(actor=drafter, document=notice)
            made["to_citizen"] = 1
    return made


def _receive(offices: list[dict]) -> int:
    """The registry offices register what they received; every third is then assigned to the
    demo official, every third left registered, every third left delivered for the inbox."""
    from egov.edocs.models import ReceivedDocument

    clerks = {o["departments"][0].pk: o["people"].get("demo", o["people"]["staff"]) for o in offices}
    rows = list(ReceivedDocument.objects.filter(department_id__in=clerks, state="delivered").order_by("id"))
    for index, receipt in enumerate(rows):
        clerk = clerks[receipt.department_id]
        if index % 3 == 2:
            continue
        receipt = delivery.receipt_register(actor=clerk, receipt=receipt)
        if index % 3 == 0:
            delivery.receipt_assign(
                actor=clerk, receipt=receipt, assignee=clerk, note="검토 후 회신 바랍니다."
            )
    return len(rows)


def _old_record(office: dict) -> int:
    """One record whose retention has ended, so the records page has an appraisal to decide."""
    p, tasks = office["people"], office["tasks"]
    drafter = p.get("demo", p["staff"])
    old = drafting.document_draft(
        actor=drafter, title="2019년 청사 시설 점검 결과", content="1. 청사 시설 점검 결과를 보고합니다.",
        line=[(p["leader"], "review"), (p["director"], "approve")], internal=True, unit_task=tasks["A01"],
    )  # fmt: skip
    approval.document_submit(actor=drafter, step_up=_demo_step_up(drafter), document=old)
    _through(old, p["leader"], p["director"])
    OfficialDocument.objects.filter(pk=old.pk).update(retention_until=dt.date(2023, 1, 1))
    return records.retention_sweep(today=timezone.localdate())


def edocs_seed() -> dict[str, int]:
    agencies = {a.code: a for a in Agency.objects.filter(code__in=[*OFFICES, "6260000"])}
    offices = {code: _office(agencies[code]) for code in OFFICES if code in agencies}
    counts = {"agencies": len(offices), "documents": 0, "received": 0, "appraisals": 0}
    targets = {code: agencies[code] for code in ("3220000", "6110000", "6260000") if code in agencies}
    for code, office in offices.items():
        made = _documents(agencies[code], office, targets if code == "3000000" else {})
        counts["documents"] += sum(made.values())
    counts["received"] = _receive(list(offices.values()))
    if "3000000" in offices:
        counts["appraisals"] += _old_record(offices["3000000"])
    return counts
