"""Demo history for the exchange layer: consumer agencies and their systems, grants in each
state, a citizen's consent to a bank, and a few hundred past queries (some refused), so the
citizen's "who looked at my data" page and the provider statistics are alive from the first
`make run`. Deterministic for a seed; called by `egov seed` after the nation exists."""

import datetime as dt
import random

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.accounts.models import AgencySystem, OfficialRole, User
from egov.accounts.services import DEMO_PASSWORD
from egov.core.audit import audit_record
from egov.core.seeding import SeedOptions, SeedReport, summary_line
from egov.exchange.accesslog import access_log_integrate, entry_leaf_hash
from egov.exchange.models import AccessLogEntry, AccessLogPending, Consent, Grant
from egov.exchange.services import shared_item_sync
from egov.registry.models import Agency, Resident
from egov.registry.seed import demo_totp_key

MOIS, MOLIT, NTS = "1741000", "1613000", "1210000"
# (code, name_ko, name_en, kind, parent code)
CONSUMERS = (
    (MOLIT, "국토교통부", "Ministry of Land, Infrastructure and Transport", "ministry", None),
    ("1352000", "국민연금공단", "National Pension Service", "office", MOIS),
    ("1352100", "국민건강보험공단", "National Health Insurance Service", "office", MOIS),
    ("9000001", "한빛은행", "Hanbit Bank", "third_party", None),
)
NPS, NHIS, BANK = "1352000", "1352100", "9000001"
DEMO_CONSUMER_OFFICIAL = ("official.nps", NPS, ("viewer", "agency_admin"))
QUERIES = 300


def _agencies() -> dict[str, Agency]:
    agencies = {a.code: a for a in Agency.objects.filter(code__in=[MOIS, NTS])}
    for code, name_ko, name_en, kind, parent in CONSUMERS:
        agencies[code], _created = Agency.objects.get_or_create(
            code=code,
            defaults={"name_ko": name_ko, "name_en": name_en, "kind": kind, "parent": agencies.get(parent)},
        )
    return agencies


def _grant(consumer, item, fields, purpose, basis, status, requested_by, decided_by, today, reason=""):
    return Grant.objects.create(
        consumer=consumer,
        item=item,
        fields=fields,
        purpose=purpose,
        legal_basis=basis,
        valid_from=today - dt.timedelta(days=365),
        valid_until=today + dt.timedelta(days=730),
        status=status,
        requested_by=requested_by,
        decided_by=decided_by if status != "requested" else None,
        decided_at=timezone.now() if status != "requested" else None,
        decision_reason=reason,
    )


def seed_step(*, options: SeedOptions) -> SeedReport:
    """The exchange's step of `egov seed` (after the registry's nation): its demo history."""
    counts = exchange_history_seed(
        seed=options.seed,
        password_hash=make_password(DEMO_PASSWORD),
        totp_key=lambda username: demo_totp_key(seed=options.seed, username=username),
    )
    return SeedReport(lines=[summary_line("exchange", counts)], demo_users=[DEMO_CONSUMER_OFFICIAL[0]])


@transaction.atomic
def exchange_history_seed(*, seed: int, password_hash: str, totp_key) -> dict[str, int]:
    """Create the demo exchange history; `totp_key(username)` gives a demo official's key."""
    rng = random.Random(seed)  # noqa: S311 (synthetic data, not security)
    today = timezone.localdate()
    agencies = _agencies()
    items = {item.code: item for item in shared_item_sync()}
    username, code, roles = DEMO_CONSUMER_OFFICIAL
    nps_admin = User.objects.create(
        username=username,
        kind=User.Kind.OFFICIAL,
        agency=agencies[code],
        password=password_hash,
        is_demo=True,
    )
    OfficialRole.objects.bulk_create(OfficialRole(user=nps_admin, role=role) for role in roles)
    TOTPDevice.objects.create(user=nps_admin, name="authenticator", confirmed=True, key=totp_key(username))
    provider_admin = User.objects.filter(is_demo=True, agency__code=MOIS).first() or nps_admin
    grants = {
        "nps": _grant(
            agencies[NPS],
            items["resident.abstract"],
            ["name_ko", "birth_date", "address", "status"],
            "연금 수급자격 확인",
            "국민연금법 제123조 (National Pension Act art. 123)",
            "approved",
            nps_admin,
            provider_admin,
            today,
        ),
        "nhis": _grant(
            agencies[NHIS],
            items["family.relations"],
            ["parents", "spouse", "children"],
            "피부양자 자격 확인",
            "국민건강보험법 제96조 (National Health Insurance Act art. 96)",
            "approved",
            nps_admin,
            provider_admin,
            today,
        ),
        "nhis_vehicle": _grant(
            agencies[NHIS],
            items["vehicle.registration"],
            ["vehicles"],
            "보험료 부과 (premium assessment)",
            "국민건강보험법 제72조",
            "requested",
            nps_admin,
            None,
            today,
        ),
        "refused": _grant(
            agencies[NPS],
            items["business.status"],
            ["businesses"],
            "홍보 (publicity)",
            "—",
            "refused",
            nps_admin,
            provider_admin,
            today,
            reason="법적 근거 없음 (no legal basis)",
        ),
    }
    systems = {
        code: AgencySystem.objects.get_or_create(
            agency=agencies[code], name=name, defaults={"client_id": client}
        )[0]
        for code, name, client in (
            (NPS, "benefits", "nps-benefits"),
            (NHIS, "eligibility", "nhis-eligibility"),
            (BANK, "loans", "hanbit-loans"),
        )
    }
    citizen = User.objects.filter(username="citizen", is_demo=True).select_related("resident").first()
    consent = None
    if citizen is not None:
        consent = Consent.objects.create(
            resident=citizen.resident,
            recipient=agencies[BANK],
            purpose="주택담보대출 심사",
            valid_from=today - dt.timedelta(days=20),
            valid_until=today + dt.timedelta(days=70),
        )
        consent.items.set([items["resident.abstract"], items["business.status"]])
    _past_queries(rng=rng, grants=grants, systems=systems, consent=consent, citizen=citizen, items=items)
    audit_record(
        actor=None,
        action="exchange.seed",
        obj=agencies[MOIS],
        after={"seed": seed, "grants": len(grants), "queries": QUERIES},
        reason="Synthetic exchange history for demonstration and testing",
    )
    return {
        "grants": len(grants),
        "systems": len(systems),
        "consents": int(consent is not None),
        "queries": QUERIES,
    }


def _past_queries(*, rng, grants, systems, consent, citizen, items) -> None:
    """Write the history straight into the log with past times (oldest first), hashed
    exactly as access_log_append does, then integrate it into the tree."""
    ids = list(Resident.objects.filter(status="resident").values_list("id", flat=True)[:5000])
    me = citizen.resident_id if citizen else None
    now = timezone.now()
    times = sorted(now - dt.timedelta(seconds=rng.randint(3600, 60 * 86400)) for _ in range(QUERIES))
    seq = AccessLogEntry.objects.count()
    plans = [
        (grants["nps"], systems["1352000"], "연금 수급자격 확인"),
        (grants["nhis"], systems["1352100"], "피부양자 자격 확인"),
    ]
    entries = []
    for at in times:
        grant, system, purpose = rng.choice(plans)
        subject = me if me and rng.random() < 0.08 else rng.choice(ids)
        fields, basis, outcome, error = list(grant.fields), f"grant:{grant.pk}", "granted", ""
        roll = rng.random()
        if roll < 0.06:
            fields, outcome, error = [*fields[:1], "rrn"], "refused", "field_not_granted"
        elif roll < 0.10:
            basis, outcome, error = f"grant:{grants['refused'].pk}", "refused", "grant_invalid"
        elif consent is not None and roll < 0.14 and me:
            subject, system, purpose = me, systems["9000001"], consent.purpose
            basis, fields = f"consent:{consent.pk}", list(items["resident.abstract"].fields)
        item_code = grant.item.code if not basis.startswith("consent") else "resident.abstract"
        seq += 1
        entry = AccessLogEntry(
            at=at,
            consumer_id=system.agency_id,
            client_id=system.client_id,
            user_ref="",
            case_ref=f"CASE-{seq:06d}",
            message_id=f"seed-{seq}",
            item_code=item_code,
            subject_id=subject,
            fields=fields,
            purpose=purpose,
            basis=basis,
            outcome=outcome,
            error_code=error,
            prev_hash="",
        )
        entry.entry_hash = entry_leaf_hash(entry).hex()
        entries.append(entry)
    AccessLogEntry.objects.bulk_create(entries, batch_size=1000)
    AccessLogPending.objects.bulk_create([AccessLogPending(entry_id=e.pk) for e in entries], batch_size=1000)
    access_log_integrate()
