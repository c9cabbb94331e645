import csv
import datetime as dt
import io

from django.utils import timezone

from egov.exchange import services
from egov.exchange.models import Consent, Grant
from tests import factories
from tests.conftest import login_official


def test_alice_sees_who_looked_at_her_data_granted_and_refused(
    client, alice, alice_resident, pension_system, grant_basis
):
    services.shared_item_fetch(
        actor=pension_system,
        item="resident.abstract",
        subject=alice_resident.rrn_reveal(),
        purpose="연금 수급자격 확인",
        basis=grant_basis,
    )
    try:
        services.shared_item_fetch(
            actor=pension_system,
            item="resident.abstract",
            subject=alice_resident.rrn_reveal(),
            purpose="연금",
            basis="grant:0",
        )
    except services.ExchangeRefused:
        pass
    client.force_login(alice)
    page = client.get("/my/access-log/").content.decode()
    assert "National Pension Service" in page and "연금 수급자격 확인" in page
    assert (
        "Provided" in page
        and "the data-sharing approval was not valid" in page
        and "grant_invalid" not in page
    )


def test_alice_downloads_her_access_log_as_csv(client, alice, alice_resident, pension_system, grant_basis):
    services.shared_item_fetch(
        actor=pension_system,
        item="resident.abstract",
        subject=alice_resident.rrn_reveal(),
        purpose="확인",
        basis=grant_basis,
    )
    client.force_login(alice)
    response = client.get("/my/access-log.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["time", "agency", "agency_code"]
    assert rows[1][1] == "국민연금공단" and rows[1][7] == "granted"


def test_a_purpose_written_as_a_formula_is_quoted_in_the_csv(
    client, alice, alice_resident, pension_system, grant_basis
):
    """The purpose is an agency system's text: a spreadsheet must not run it."""
    services.shared_item_fetch(
        actor=pension_system,
        item="resident.abstract",
        subject=alice_resident.rrn_reveal(),
        purpose='=HYPERLINK("http://evil.example","확인")',
        basis=grant_basis,
    )
    client.force_login(alice)
    response = client.get("/my/access-log.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][5] == '\'=HYPERLINK("http://evil.example","확인")'


def test_bob_sees_nothing_of_alices_log_and_strangers_are_not_in_it(
    client, alice, bob, jongno, pension_system, grant_basis
):
    stranger = factories.resident(jongno, "홍길동", "Hong Gildong")
    services.shared_item_fetch(
        actor=pension_system,
        item="resident.abstract",
        subject=stranger.rrn_reveal(),
        purpose="확인",
        basis=grant_basis,
    )
    client.force_login(alice)
    assert "확인" not in client.get("/my/access-log/").content.decode()
    client.force_login(bob)
    assert client.get("/my/access-log/").status_code == 403


def test_alice_gives_and_revokes_a_consent_in_the_portal(client, alice, catalogue):
    bank = factories.agency("9000001", "한빛은행", "Hanbit Bank", kind="third_party")
    client.force_login(alice)
    until = (timezone.localdate() + dt.timedelta(days=90)).isoformat()
    response = client.post(
        "/my/consents/",
        {
            "recipient": bank.pk,
            "items": [catalogue["resident.abstract"].pk],
            "purpose": "대출 심사",
            "valid_until": until,
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert client.post(f"/my/consents/{consent.pk}/revoke/").status_code == 302
    consent.refresh_from_db()
    assert consent.revoked_at is not None


def test_a_consent_in_the_past_names_the_field(client, alice, catalogue):
    bank = factories.agency("9000001", "한빛은행", "Hanbit Bank", kind="third_party")
    client.force_login(alice)
    response = client.post(
        "/my/consents/",
        {
            "recipient": bank.pk,
            "items": [catalogue["resident.abstract"].pk],
            "purpose": "x",
            "valid_until": "2000-01-01",
        },
    )
    assert response.status_code == 200 and "today or later" in response.content.decode()
    assert not Consent.objects.exists()


def test_nobody_revokes_alices_consent_but_alice(client, alice, catalogue, jongno):
    bank = factories.agency("9000001", "한빛은행", "Hanbit Bank", kind="third_party")
    consent = services.consent_give(
        actor=alice,
        recipient=bank,
        items=[catalogue["resident.abstract"]],
        purpose="x",
        valid_until=timezone.localdate(),
    )
    mallory = factories.citizen("mallory", factories.resident(jongno, "박말로", "Park Mallo"))
    client.force_login(mallory)
    assert client.post(f"/my/consents/{consent.pk}/revoke/").status_code == 404
    consent.refresh_from_db()
    assert consent.revoked_at is None


def test_a_consumer_requests_and_the_provider_approves_a_grant_in_the_back_office(
    client, pension_admin, mois_admin, catalogue
):
    login_official(client, pension_admin)
    response = client.post(
        "/office/exchange/grants/",
        {
            "item": catalogue["family.relations"].pk, "fields": ["parents", "children"],
            "purpose": "유족연금 심사",
            "legal_basis": "국민연금법 제72조", "valid_from": "2025-01-01", "valid_until": "2027-12-31",
        },
    )  # fmt: skip
    assert response.status_code == 302
    grant = Grant.objects.get()
    assert grant.status == "requested" and grant.fields == ["parents", "children"]
    client.logout()
    login_official(client, mois_admin)
    assert "유족연금 심사" in client.get("/office/exchange/grants/").content.decode()
    client.post(f"/office/exchange/grants/{grant.pk}/decide/", {"decision": "approve"})
    grant.refresh_from_db()
    assert grant.status == "approved" and grant.decided_by == mois_admin


def test_the_consumer_cannot_approve_its_own_request(client, pension_admin, catalogue):
    grant = services.grant_request(
        actor=pension_admin, item=catalogue["resident.abstract"], fields=["name_ko"], purpose="x",
        legal_basis="y", valid_from=dt.date(2025, 1, 1), valid_until=dt.date(2026, 1, 1),
    )  # fmt: skip
    login_official(client, pension_admin)
    assert (
        client.post(f"/office/exchange/grants/{grant.pk}/decide/", {"decision": "approve"}).status_code == 403
    )
    grant.refresh_from_db()
    assert grant.status == "requested"


def test_a_grant_for_a_field_the_item_lacks_is_refused(pension_admin, catalogue):
    import pytest

    from egov.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as exc:
        services.grant_request(
            actor=pension_admin, item=catalogue["resident.abstract"], fields=["rrn"], purpose="x",
            legal_basis="y", valid_from=dt.date(2025, 1, 1), valid_until=dt.date(2026, 1, 1),
        )  # fmt: skip
    assert exc.value.field == "fields"


def test_the_provider_sees_queries_per_day_consumer_and_item(
    client, mois_admin, alice_resident, pension_system, grant_basis
):
    for _ in range(3):
        services.shared_item_fetch(
            actor=pension_system,
            item="resident.abstract",
            subject=alice_resident.rrn_reveal(),
            purpose="확인",
            basis=grant_basis,
        )
    login_official(client, mois_admin)
    page = client.get("/office/exchange/statistics/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "국민연금공단" in page and "주민등록표 초본" in page and "resident.abstract" not in page
    assert "<td>3</td>" in page
