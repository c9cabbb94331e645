"""The demo's civil services: the catalogue, the grants that let competent agencies fetch
instead of asking for papers, and a living history — the demo citizen's certificates (real
signed PDFs) and applications in every state, and work in the officials' queues.

Everything after the catalogue goes through the services, as a citizen and officials would.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.utils import timezone

from egov.accounts.models import User
from egov.civil import services
from egov.civil.config import configurable_service_create
from egov.civil.models import Application, Service, Subscription
from egov.core.korean import with_particle
from egov.core.notifications import notifications_suppressed
from egov.core.seeding import SeedOptions, SeedReport, summary_line
from egov.exchange.models import Grant, SharedItem
from egov.payments.iso20022 import Credit, notification_build
from egov.payments.services import payment_order_for_case, payment_receipt_issue
from egov.payments.statements import statement_import
from egov.registry.models import Agency, Resident, RoadAddress

MOIS, MOLIT, NTS, NPS, NHIS = "1741000", "1613000", "1210000", "1352000", "1352100"
JONGNO, GANGNAM = "3000000", "3220000"
CIVIL_ACT = "민원 처리에 관한 법률 제10조의2 (Civil Petitions Treatment Act art. 10-2: no papers the administration holds)"

CERTIFICATES = [
    # code, handler, agency, name_ko, name_en, basis, items, papers; a fee in FEES
    ("resident-abstract", "resident.abstract", MOIS, "주민등록표 초본 발급", "Resident registration abstract",
     "주민등록법 제29조 (Resident Registration Act art. 29)", ["resident.abstract"], 1),
    ("resident-copy", "resident.copy", MOIS, "주민등록표 등본 발급", "Resident registration copy (household)",
     "주민등록법 제29조 (Resident Registration Act art. 29)", ["resident.household"], 1),
    ("family-relations", "family.relations", MOIS, "가족관계증명서 발급", "Certificate of family relations",
     "가족관계의 등록 등에 관한 법률 제15조 (Family Relationship Registration Act art. 15)", ["family.relations"], 1),
    ("vehicle-registration", "vehicle.registration", MOLIT, "자동차등록증 발급", "Vehicle registration certificate",
     "자동차관리법 제8조 (Motor Vehicle Management Act art. 8)", ["vehicle.registration"], 1),
    ("business-registration", "business.registration", NTS, "사업자등록증명 발급", "Certificate of business registration",
     "부가가치세법 제8조 (Value-Added Tax Act art. 8)", ["business.status"], 1),
    ("tax-clearance", "tax.clearance", NTS, "납세증명서 발급", "Tax clearance certificate",
     "국세징수법 제107조 (National Tax Collection Act art. 107)", ["tax.clearance"], 1),
]  # fmt: skip
# Instant certificates charged a fee (won): paid by virtual account, then issued by themselves.
# The amount is the demo's, UNCONFIRMED against the 수수료 규정 (see docs/payments.md).
FEES = {"vehicle-registration": 1000}


def _grant(consumer: Agency, item: SharedItem, approver: User, today: dt.date) -> None:
    Grant.objects.get_or_create(
        consumer=consumer,
        item=item,
        status="approved",
        purpose="민원 처리 (civil services)",
        defaults={
            "fields": list(item.fields),
            "legal_basis": CIVIL_ACT,
            "valid_from": today - dt.timedelta(days=365),
            "valid_until": today + dt.timedelta(days=3 * 365),
            "requested_by": approver,
            "decided_by": approver,
            "decided_at": timezone.now(),
        },
    )


def catalogue_seed() -> list[Service]:
    """The catalogue and its grants (idempotent)."""
    today = timezone.localdate()
    agencies = {
        a.code: a for a in Agency.objects.filter(code__in=[MOIS, MOLIT, NTS, JONGNO, GANGNAM, NPS, NHIS])
    }
    items = {i.code: i for i in SharedItem.objects.all()}
    approver = (
        User.objects.filter(agency__code=MOIS, roles__role="agency_admin").order_by("-is_demo", "id").first()
        or User.objects.filter(kind=User.Kind.OFFICIAL).order_by("id").first()
    )
    made = []
    for code, handler, agency, name_ko, name_en, basis, needs, papers in CERTIFICATES:
        if agency not in agencies:
            continue
        service, _created = Service.objects.get_or_create(
            code=code,
            defaults=dict(
                name_ko=name_ko, name_en=name_en, agency=agencies[agency], legal_basis=basis,
                summary_ko=f"{with_particle(name_ko.removesuffix(' 발급'), '을')} 바로 발급합니다. 서류를 내지 않아도 됩니다.",
                summary_en=f"{name_en}, issued at once. No papers to bring.",
                eligibility_ko="본인", eligibility_en="The person themselves",
                kind=Service.Kind.INSTANT, handler=handler, items=needs, papers_replaced=papers,
                fee=FEES.get(code, 0),
                doc_type=handler if handler == "resident.abstract" else f"civil.{handler.replace('.', '_')}",
            ),
        )  # fmt: skip
        made.append(service)
        for item_code in needs:
            if item_code in items and approver:
                _grant(service.agency, items[item_code], approver, today)
    moving, _created = Service.objects.get_or_create(
        code="moving-in",
        defaults=dict(
            name_ko="전입신고", name_en="Moving-in report", agency=agencies[MOIS],
            legal_basis="주민등록법 제16조 (Resident Registration Act art. 16)",
            summary_ko="새 주소지로 이사한 뒤 14일 안에 신고합니다. 새 주소지 시·군·구 담당자가 확인합니다.",
            summary_en="Report a move within 14 days; an official of the new city, county or district checks it.",
            eligibility_ko="세대주 또는 본인", eligibility_en="The head of household or the person themselves",
            kind=Service.Kind.PROCESSED, handler="moving_in", processing_days=3, papers_replaced=1,
        ),
    )  # fmt: skip
    made.append(moving)
    if JONGNO in agencies and not Service.objects.filter(code="childbirth-grant").exists():
        made.append(
            configurable_service_create(
                actor=None,
                agency=agencies[JONGNO],
                code="childbirth-grant",
                name_ko="출산지원금 신청",
                name_en="Childbirth grant",
                summary_ko="종로구에 주민등록을 둔 부모에게 출산지원금을 지급합니다.",
                summary_en="A grant to parents registered in Jongno-gu for each child born.",
                legal_basis="종로구 출산장려 지원 조례 제5조 (Jongno-gu childbirth support ordinance art. 5)",
                eligibility_ko="종로구 주민인 부 또는 모",
                eligibility_en="A parent registered in Jongno-gu",
                processing_days=14,
                form_schema=[
                    {
                        "name": "child_name",
                        "type": "text",
                        "label_ko": "자녀 이름",
                        "label_en": "Child's name",
                        "required": True,
                    },
                    {
                        "name": "child_birth_date",
                        "type": "date",
                        "label_ko": "자녀 출생일",
                        "label_en": "Child's date of birth",
                        "required": True,
                    },
                    {
                        "name": "birth_order",
                        "type": "choice",
                        "label_ko": "출생 순위",
                        "label_en": "Birth order",
                        "required": True,
                        "choices": ["첫째", "둘째", "셋째 이상"],
                    },
                    {
                        "name": "bank_account",
                        "type": "text",
                        "label_ko": "입금 계좌",
                        "label_en": "Bank account",
                        "required": True,
                    },
                ],
                approval_steps=[
                    {"role": "registrar", "label_ko": "담당자 검토", "label_en": "Review"},
                    {"role": "registrar", "label_ko": "팀장 결재", "label_en": "Team lead sign-off"},
                ],
                items=["family.relations"],
                papers_replaced=1,
            )  # fmt: skip
        )
        if "family.relations" in items and approver:
            _grant(agencies[JONGNO], items["family.relations"], approver, today)
    if GANGNAM in agencies and not Service.objects.filter(code="dog-registration").exists():
        made.append(
            configurable_service_create(
                actor=None,
                agency=agencies[GANGNAM],
                code="dog-registration",
                name_ko="반려견 등록 신청",
                name_en="Dog registration",
                summary_ko="2개월 이상 된 개는 등록해야 합니다. 내장형 칩 번호를 적어 주세요.",
                summary_en="Dogs older than two months must be registered. Give the microchip number.",
                legal_basis="동물보호법 제15조 (Animal Protection Act art. 15)",
                eligibility_ko="강남구에 사는 반려견 소유자",
                eligibility_en="A dog owner living in Gangnam-gu",
                processing_days=10,
                fee=10000,  # 동물등록 수수료 (내장형 무선식별장치), paid first by virtual account
                form_schema=[
                    {
                        "name": "dog_name",
                        "type": "text",
                        "label_ko": "반려견 이름",
                        "label_en": "Dog's name",
                        "required": True,
                    },
                    {
                        "name": "breed",
                        "type": "text",
                        "label_ko": "품종",
                        "label_en": "Breed",
                        "required": True,
                    },
                    {
                        "name": "chip_number",
                        "type": "text",
                        "label_ko": "내장형 칩 번호",
                        "label_en": "Microchip number",
                        "required": True,
                    },
                    {
                        "name": "neutered",
                        "type": "checkbox",
                        "label_ko": "중성화 여부",
                        "label_en": "Neutered",
                        "required": False,
                    },
                ],
                approval_steps=[{"role": "registrar", "label_ko": "담당자 확인", "label_en": "Check"}],
                # No grant covers the owner's address for this ordinance service: the citizen is asked.
                items=["resident.abstract"],
                papers_replaced=1,
            )  # fmt: skip
        )
    for code in (NPS, NHIS):
        if code in agencies:
            Subscription.objects.get_or_create(agency=agencies[code], event=Subscription.Event.MOVED)
    return made


def _key() -> str:
    return uuid.uuid4().hex


def history_seed() -> dict[str, int]:
    """The demo citizen's certificates and applications in every state; work in the queues."""
    citizen = User.objects.filter(username="citizen").select_related("resident").first()
    if citizen is None or citizen.resident is None:
        return {}
    official = {
        u.username: u for u in User.objects.filter(username__in=["official.jongno", "official.gangnam"])
    }
    by_code = {s.code: s for s in Service.objects.all()}
    counts = {"certificates": 0, "applications": 0}
    with notifications_suppressed():
        for code, options in (("resident-abstract", {"address_history": True}), ("family-relations", {})):
            if code in by_code:
                services.certificate_issue(
                    consent=True,
                    actor=citizen,
                    service=by_code[code],
                    options=options,
                    idempotency_key=_key(),
                )
                counts["certificates"] += 1
        home = citizen.resident.agency
        target = Agency.objects.filter(code=GANGNAM if home.code != GANGNAM else JONGNO).first()
        if "moving-in" in by_code and target:
            # An address of the target district from the address register the registry seeded.
            place = RoadAddress.objects.filter(sigungu=target.name_ko.split()[-1]).order_by("key").first()
            services.application_submit(
                actor=citizen, service=by_code["moving-in"], idempotency_key=_key(),
                data={"agency": target.code, "road_address": place.road_address if place else "테헤란로 152",
                      "address_key": place.key if place else "", "address_detail": "1203호",
                      "postal_code": place.postal_code if place else "06236",
                      "moved_on": timezone.localdate().isoformat()},
            )  # fmt: skip
            counts["applications"] += 1
        grant = by_code.get("childbirth-grant")
        jongno = official.get("official.jongno")
        if grant:
            in_review = services.application_submit(
                actor=citizen, service=grant, idempotency_key=_key(),
                data={"child_name": "이하윤", "child_birth_date": (timezone.localdate() - dt.timedelta(days=20)).isoformat(),
                      "birth_order": "둘째", "bank_account": "국민은행 123456-01-234567"},
            )  # fmt: skip
            approved = services.application_submit(
                actor=citizen, service=grant, idempotency_key=_key(),
                data={"child_name": "이도윤", "child_birth_date": (timezone.localdate() - dt.timedelta(days=200)).isoformat(),
                      "birth_order": "첫째", "bank_account": "국민은행 123456-01-234567"},
            )  # fmt: skip
            rejected = services.application_submit(
                actor=citizen, service=grant, idempotency_key=_key(),
                data={"child_name": "이도윤", "child_birth_date": (timezone.localdate() - dt.timedelta(days=200)).isoformat(),
                      "birth_order": "첫째", "bank_account": "국민은행 123456-01-234567"},
            )  # fmt: skip
            counts["applications"] += 3
            if jongno and approved.agency_id == jongno.agency_id:
                services.application_review(actor=jongno, application=in_review)
                services.application_approve(actor=jongno, application=approved, note="")
                services.application_approve(actor=jongno, application=approved, note="지급 결정")
                services.application_reject(
                    actor=jongno, application=rejected, reason="같은 자녀로 이미 신청하여 지급되었습니다."
                )
        dog = by_code.get("dog-registration")
        gangnam = official.get("official.gangnam")
        if dog:
            supplement = services.application_submit(
                actor=citizen, service=dog, idempotency_key=_key(), consent=True,
                data={"dog_name": "초코", "breed": "푸들", "chip_number": "41000000000", "neutered": True},
            )  # fmt: skip
            counts["applications"] += 1
            _fee_paid(supplement)
            if gangnam:
                services.application_request_supplement(
                    actor=gangnam,
                    application=supplement,
                    note="칩 번호는 15자리입니다. 다시 확인해 주세요.",
                )
        # Counter applications by other residents, so the queues and counters show both channels.
        if gangnam and dog:
            for resident in Resident.objects.filter(agency=gangnam.agency, status="resident").order_by("id")[
                :4
            ]:
                services.counter_application_record(
                    actor=gangnam, service=dog, resident=resident, idempotency_key=_key(),
                    data={"dog_name": "보리", "breed": "진돗개", "chip_number": f"410{resident.pk:012d}"[:15], "neutered": False},
                )  # fmt: skip
                counts["applications"] += 1
    return counts


def _fee_paid(application: Application) -> None:
    """The collecting bank reports the fee paid (a camt.054): the application moves on by itself."""
    order = payment_order_for_case(application)
    if order is None:
        return
    credit = Credit(
        bank_ref=f"CIVIL{application.number.replace('-', '')}", account=order.virtual_account, amount=order.amount,
        booked_on=timezone.localdate(), debtor_name=application.subject.name_ko, debtor_account="110211112222",
        debtor_bank="004",
    )  # fmt: skip
    content = notification_build(
        message_id=f"FEE-{application.number}", created_at=timezone.now(), account=settings.EGOV_PAYMENT_ACCOUNT,
        credits=[credit],
    )  # fmt: skip
    statement_import(actor=None, content=content, source="seed")
    payment_receipt_issue(order=order)
    application.refresh_from_db()


def civil_seed() -> dict[str, int]:
    made = catalogue_seed()
    counts = {"services": len(made)}
    counts.update(history_seed())
    return counts


def seed_step(*, options: SeedOptions) -> SeedReport:
    """Civil's step of `egov seed`: the service catalogue and the demo applications."""
    return SeedReport(lines=[summary_line("civil services", civil_seed())])


def open_applications() -> int:
    return Application.objects.filter(state__in=Application.OPEN_STATES).count()
