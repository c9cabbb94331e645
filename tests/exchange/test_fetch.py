import datetime as dt

import pytest
from django.utils import timezone

from egov.exchange import services
from egov.exchange.models import AccessLogCheckpoint, AccessLogEntry
from egov.exchange.services import ExchangeRefused


def fetch(actor, subject, basis, **overrides):
    values = {"item": "resident.abstract", "purpose": "연금 수급자격 확인", "basis": basis}
    values.update(overrides)
    return services.shared_item_fetch(actor=actor, subject=subject, **values)


def test_a_system_under_a_grant_gets_only_the_granted_fields_and_the_query_is_logged(
    pension_system, alice_resident, grant_basis
):
    data, entry = fetch(pension_system, alice_resident.rrn_reveal(), grant_basis)
    assert data == {"name_ko": "이서연", "address": alice_resident.full_address}
    assert entry.outcome == "granted" and entry.subject == alice_resident
    assert entry.client_id == "nps-benefits" and entry.fields == ["name_ko", "address"]


def test_asking_for_a_field_outside_the_grant_is_refused_and_logged(
    pension_system, alice_resident, grant_basis
):
    with pytest.raises(ExchangeRefused) as exc:
        fetch(pension_system, alice_resident.rrn_reveal(), grant_basis, fields=["name_ko", "birth_date"])
    assert exc.value.code == "field_not_granted"
    assert AccessLogEntry.objects.get().error_code == "field_not_granted"


@pytest.mark.parametrize(
    "overrides, code",
    [
        ({"item": "no.such.item"}, "unknown_item"),
        ({"purpose": " "}, "missing_purpose"),
        ({"subject": "900101-1234567"}, "malformed_id"),
        ({"basis": ""}, "no_basis"),
        ({"basis": "grant:999999"}, "grant_invalid"),
        ({"basis": "consent:999999"}, "consent_invalid"),
    ],
)
def test_each_refusal_has_its_code_and_leaves_a_log_entry(
    pension_system, alice_resident, grant_basis, overrides, code
):
    values = {"subject": alice_resident.rrn_reveal(), "basis": grant_basis, **overrides}
    subject = values.pop("subject")
    basis = values.pop("basis")
    with pytest.raises(ExchangeRefused) as exc:
        fetch(pension_system, subject, basis, **values)
    assert exc.value.code == code
    assert list(AccessLogEntry.objects.values_list("outcome", "error_code")) == [("refused", code)]


def test_an_unknown_subject_is_refused(pension_system, catalogue, grant_basis):
    from tests import factories

    with pytest.raises(ExchangeRefused) as exc:
        fetch(pension_system, factories.rrn(), grant_basis)
    assert exc.value.code == "unknown_subject"


def test_a_revoked_or_expired_grant_stops_working(pension_system, alice_resident, approved_grant, mois_admin):
    from egov.exchange.models import Grant

    Grant.objects.filter(pk=approved_grant.pk).update(valid_until=dt.date(2024, 12, 31))
    with pytest.raises(ExchangeRefused, match="expired"):
        fetch(pension_system, alice_resident.rrn_reveal(), f"grant:{approved_grant.pk}")
    Grant.objects.filter(pk=approved_grant.pk).update(valid_until=dt.date(2030, 12, 31))
    services.grant_revoke(actor=mois_admin, grant=approved_grant, reason="목적 외 사용")
    with pytest.raises(ExchangeRefused) as exc:
        fetch(pension_system, alice_resident.rrn_reveal(), f"grant:{approved_grant.pk}")
    assert exc.value.code == "grant_invalid"


def test_another_agencys_grant_is_no_basis(alice_resident, approved_grant, catalogue, busan):
    from egov.accounts.models import AgencySystem

    stranger = AgencySystem.objects.create(agency=busan, name="x", client_id="busan-x")
    with pytest.raises(ExchangeRefused) as exc:
        fetch(stranger, alice_resident.rrn_reveal(), f"grant:{approved_grant.pk}")
    assert exc.value.code == "grant_invalid"


def test_a_citizens_consent_lets_a_bank_fetch_until_she_revokes_it(alice, alice_resident, catalogue, mois):
    from egov.accounts.models import AgencySystem
    from tests import factories

    bank = factories.agency("9000001", "한빛은행", "Hanbit Bank", kind="third_party")
    system = AgencySystem.objects.create(agency=bank, name="loans", client_id="hanbit-loans")
    consent = services.consent_give(
        actor=alice, recipient=bank, items=[catalogue["resident.abstract"]], purpose="대출 심사",
        valid_until=timezone.localdate() + dt.timedelta(days=30),
    )  # fmt: skip
    data, _entry = fetch(system, alice_resident.rrn_reveal(), f"consent:{consent.pk}", fields=["address"])
    assert data == {"address": alice_resident.full_address}
    services.consent_revoke(actor=alice, consent=consent)
    with pytest.raises(ExchangeRefused) as exc:
        fetch(system, alice_resident.rrn_reveal(), f"consent:{consent.pk}")
    assert exc.value.code == "consent_invalid"


def test_a_consent_covers_only_its_own_subject(alice, alice_resident, catalogue, jongno):
    from egov.accounts.models import AgencySystem
    from tests import factories

    bank = factories.agency("9000001", "한빛은행", "Hanbit Bank", kind="third_party")
    system = AgencySystem.objects.create(agency=bank, name="loans", client_id="hanbit-loans")
    consent = services.consent_give(
        actor=alice, recipient=bank, items=[catalogue["resident.abstract"]], purpose="대출 심사",
        valid_until=timezone.localdate(),
    )  # fmt: skip
    other = factories.resident(jongno, "홍길동", "Hong Gildong")
    with pytest.raises(ExchangeRefused):
        fetch(system, other.rrn_reveal(), f"consent:{consent.pk}")


def test_queries_are_pending_leaves_until_the_integrator_gives_them_positions(
    pension_system, alice_resident, grant_basis
):
    from egov.exchange import tlog
    from egov.exchange.accesslog import access_log_integrate, entry_leaf_hash

    for _ in range(3):
        fetch(pension_system, alice_resident.rrn_reveal(), grant_basis)
    assert list(AccessLogEntry.objects.values_list("seq", flat=True)) == [None, None, None]
    assert access_log_integrate().tree_size == 3
    entries = list(AccessLogEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == [1, 2, 3]
    assert all(e.prev_hash == "" and entry_leaf_hash(e).hex() == e.entry_hash for e in entries)
    root = tlog.root_of([bytes.fromhex(e.entry_hash) for e in entries])
    assert bytes(AccessLogCheckpoint.objects.get().root_hash) == root


@pytest.mark.parametrize(
    "overrides, code",
    [
        ({"item": "resident.abstract\x00"}, "unknown_item"),
        ({"purpose": "\x00"}, "missing_purpose"),
        ({"fields": ["name_ko\x00"]}, "field_not_granted"),
    ],
)
def test_nul_characters_are_refused_and_logged_never_a_database_error(
    pension_system, alice_resident, grant_basis, overrides, code
):
    with pytest.raises(ExchangeRefused) as exc:
        fetch(pension_system, alice_resident.rrn_reveal(), grant_basis, case_ref="A\x00B", **overrides)
    assert exc.value.code == code
    assert AccessLogEntry.objects.get().case_ref == "AB"
