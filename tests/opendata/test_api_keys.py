"""API keys a user applies for on the portal (활용신청): issued once, used as CKAN clients send
them, revoked by the holder or by the portal's agency; nobody else's key can be touched."""

import re

import ckanapi
import pytest

from egov.core.models import AuditEvent
from egov.opendata.models import ApiKey
from tests import factories
from tests.conftest import login_official


def _apply(client, purpose="app", use="버스 도착 정보 앱에서 하루 수천 번 조회합니다."):
    return client.post("/my/data/keys/", {"purpose": purpose, "expected_use": use})


def _secret(response) -> str:
    return re.search(r'data-testid="secret">([^<]+)<', response.content.decode()).group(1)


@pytest.fixture
def portal_operator(mois):
    return factories.official("nia", mois, roles=("viewer", "registrar"))


def test_apply_then_the_key_works_and_revoked_it_is_refused(
    transactional_db, live_server, client, alice, caplog
):
    client.force_login(alice)
    assert client.get("/my/data/keys/").status_code == 200
    response = _apply(client)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    secret = _secret(response)
    key = ApiKey.objects.get(owner=alice)
    assert key.key_hash != secret and len(key.key_hash) == 64 and key.purpose == "app"
    # shown once: the list page does not show it again
    listing = client.get("/my/data/keys/").content.decode()
    assert secret not in listing
    assert secret not in caplog.text
    assert all(secret not in str(e.after) for e in AuditEvent.objects.all())

    keyed = ckanapi.RemoteCKAN(live_server.url, apikey=secret, user_agent="egov-tests")
    keyed.action.status_show()
    assert "<td>1</td>" in client.get("/my/data/keys/").content.decode()  # calls today

    assert client.post(f"/my/data/keys/{key.pk}/revoke").status_code == 302
    key.refresh_from_db()
    assert not key.active and key.revoked_at
    with pytest.raises(ckanapi.NotAuthorized):
        keyed.action.status_show()


def test_one_active_key_per_purpose_and_bad_input_names_the_field(client, alice):
    client.force_login(alice)
    _apply(client)
    again = _apply(client)
    assert again.status_code == 400 and "purpose" in again.context["form"].errors
    assert ApiKey.objects.filter(owner=alice).count() == 1
    assert _apply(client, purpose="nonsense").status_code == 400
    assert _apply(client, purpose="research", use="").status_code == 400
    assert ApiKey.objects.filter(owner=alice).count() == 1
    _apply(client, purpose="research")
    _apply(client, purpose="business")
    assert _apply(client, purpose="other").status_code == 400  # three active keys at most
    assert ApiKey.objects.filter(owner=alice, active=True).count() == 3


def test_another_users_key_cannot_be_revoked(client, alice, jongno):
    other = factories.citizen("minji", factories.resident(jongno, "김민지", "Kim Minji", sex="F"))
    client.force_login(other)
    _apply(client)
    theirs = ApiKey.objects.get(owner=other)
    client.force_login(alice)
    assert client.post(f"/my/data/keys/{theirs.pk}/revoke").status_code == 404
    theirs.refresh_from_db()
    assert theirs.active
    assert "minji" not in client.get("/my/data/keys/").content.decode()


def test_anonymous_goes_to_login_and_officials_cannot_apply(client, bob):
    response = client.get("/my/data/keys/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post("/my/data/keys/", {"purpose": "app", "expected_use": "x"}).status_code == 302
    assert not ApiKey.objects.exists()
    client.force_login(bob)
    assert client.get("/my/data/keys/").status_code == 403


def test_the_portal_agency_lists_and_revokes_with_an_audit_trail(client, alice, portal_operator, dave):
    client.force_login(alice)
    _apply(client)
    key = ApiKey.objects.get(owner=alice)
    client.logout()
    login_official(client, dave)
    assert client.get("/office/data/keys/").status_code == 403
    assert client.post(f"/office/data/keys/{key.pk}/revoke").status_code == 403
    client.logout()
    login_official(client, portal_operator)
    page = client.get("/office/data/keys/")
    assert page.status_code == 200 and key.holder in page.content.decode()
    assert client.post(f"/office/data/keys/{key.pk}/revoke").status_code == 302
    key.refresh_from_db()
    assert not key.active
    assert AuditEvent.objects.filter(action="opendata.apikey_revoke_operator", object_id=str(key.pk)).exists()
    assert client.post("/office/data/keys/999999/revoke").status_code == 404
