"""The mediated query API: the National Pension Service's benefits system fetches Alice's
resident data from MOIS under an approved grant, with a token from the token endpoint."""

import base64
import datetime as dt
import json
import threading
import time

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application

from egov.accounts.models import AgencySystem
from egov.accounts.systems import agency_system_register
from egov.core.errors import Conflict, PermissionDenied
from egov.core.models import AuditEvent
from egov.exchange import api as exchange_api
from egov.exchange import queries as exchange_queries
from egov.exchange.models import AccessLogEntry, QueryReceipt
from tests import factories

TOKEN_URL = "/api/v1/oauth/token"
QUERIES_URL = "/api/v1/exchange/queries"


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def token_for(client, system: AgencySystem, secret: str) -> str:
    response = client.post(
        TOKEN_URL,
        {"grant_type": "client_credentials"},
        headers={"Authorization": basic(system.client_id, secret)},
    )
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


@pytest.fixture
def registered(pension_admin):
    """The pension service's benefits system, registered by its administrator Pia."""
    return agency_system_register(actor=pension_admin, name="benefits")


@pytest.fixture
def benefits(registered):
    return registered[0]


@pytest.fixture
def token(client, registered):
    return token_for(client, *registered)


@pytest.fixture
def ask(client, benefits, token, alice_resident, grant_basis):
    """POST a query as the benefits system; keyword arguments override body and headers."""
    counter = iter(range(1, 10_000))

    def ask(body=None, *, raw=None, headers=None, **overrides):
        payload = {
            "item": "resident.abstract",
            "subject": alice_resident.rrn_reveal(),
            "purpose": "연금 수급자격 확인",
            "basis": grant_basis,
            **overrides,
        }
        sent = {
            "Authorization": f"Bearer {token}",
            "X-Road-Client": benefits.client_id,
            "X-Road-Id": f"msg-{next(counter)}",
            "X-Road-UserId": "nps-clerk-17",
            "X-Road-Issue": "CASE-2026-0042",
        }
        sent.update(headers or {})
        sent = {k: v for k, v in sent.items() if v is not None}
        content = raw if raw is not None else json.dumps(body if body is not None else payload)
        return client.post(QUERIES_URL, content, content_type="application/json", headers=sent)

    return ask


# Registering systems


def test_pia_registers_a_system_and_gets_its_secret_once(pension_admin, pension):
    system, secret = agency_system_register(actor=pension_admin, name="benefits")
    assert system.agency == pension and system.client_id == system.application.client_id
    application = system.application
    assert application.client_type == Application.CLIENT_CONFIDENTIAL
    assert application.authorization_grant_type == Application.GRANT_CLIENT_CREDENTIALS
    assert application.hash_client_secret and application.client_secret != secret
    event = AuditEvent.objects.get(action="agency_system.register")
    assert event.actor == pension_admin and event.after["client_id"] == system.client_id
    assert secret not in str(event.after)


def test_a_registrar_without_the_admin_role_cannot_register_a_system(bob):
    with pytest.raises(PermissionDenied):
        agency_system_register(actor=bob, name="benefits")


def test_pia_cannot_register_a_system_for_another_agency(pension_admin, busan):
    with pytest.raises(PermissionDenied):
        agency_system_register(actor=pension_admin, name="benefits", agency=busan)


def test_a_system_name_is_used_once_per_agency(pension_admin, benefits):
    with pytest.raises(Conflict):
        agency_system_register(actor=pension_admin, name="benefits")


def test_the_operator_command_prints_the_client_id_and_secret(pension, capsys):
    call_command("agency_system_create", agency="1352000", name="payments")
    out = capsys.readouterr().out
    system = AgencySystem.objects.get(name="payments")
    assert f"client_id: {system.client_id}" in out
    secret = out.split("client_secret: ")[1].split()[0]
    assert len(secret) >= 64 and system.application.client_secret != secret


def test_the_operator_command_refuses_an_unknown_agency(db):
    with pytest.raises(CommandError, match="No agency"):
        call_command("agency_system_create", agency="9999999", name="payments")


# Tokens


def test_a_system_gets_a_token_with_its_client_credentials(client, registered):
    system, secret = registered
    response = client.post(
        TOKEN_URL,
        {"grant_type": "client_credentials"},
        headers={"Authorization": basic(system.client_id, secret)},
    )
    body = response.json()
    assert response.status_code == 200
    assert body["token_type"] == "Bearer" and body["scope"] == "exchange" and body["expires_in"] == 3600
    assert "refresh_token" not in body
    stored = AccessToken.objects.get(application=system.application)
    assert stored.token == "" and stored.user is None  # only the SHA-256 is kept


def test_the_client_secret_may_also_come_in_the_body(client, registered):
    system, secret = registered
    response = client.post(
        TOKEN_URL,
        {"grant_type": "client_credentials", "client_id": system.client_id, "client_secret": secret},
    )
    assert response.status_code == 200


def test_a_wrong_secret_gets_no_token(client, registered):
    system, _secret = registered
    response = client.post(
        TOKEN_URL,
        {"grant_type": "client_credentials"},
        headers={"Authorization": basic(system.client_id, "x")},
    )
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def test_the_token_endpoint_grants_nothing_but_client_credentials(client, registered):
    system, secret = registered
    response = client.post(
        TOKEN_URL,
        {"grant_type": "password", "username": "pia", "password": "pw"},
        headers={"Authorization": basic(system.client_id, secret)},
    )
    assert response.status_code in (400, 401) and "access_token" not in response.json()


def test_only_the_token_endpoint_of_the_toolkit_is_mounted(client, db):
    assert client.get("/o/applications/").status_code == 404
    assert client.get("/api/v1/oauth/authorize").status_code == 404


# Queries


def test_the_benefits_system_fetches_only_the_granted_fields_and_the_query_is_logged(
    ask, benefits, alice_resident
):
    response = ask()
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["data"] == {"name_ko": "이서연", "address": alice_resident.full_address}
    assert body["message_id"] == "msg-1" and response["X-Road-Id"] == "msg-1"
    assert response["Cache-Control"] == "no-store"
    entry = AccessLogEntry.objects.get()
    assert body["log_id"] == entry.pk and entry.outcome == "granted" and entry.subject == alice_resident
    assert (entry.client_id, entry.user_ref, entry.case_ref, entry.message_id) == (
        benefits.client_id,
        "nps-clerk-17",
        "CASE-2026-0042",
        "msg-1",
    )


def test_asking_for_one_granted_field_returns_just_that_field(ask):
    assert ask(fields=["address"]).json()["data"].keys() == {"address"}


def test_the_catalogue_lists_each_item_with_its_provider_and_fields(client, token, catalogue):
    response = client.get("/api/v1/exchange/items", headers={"Authorization": f"Bearer {token}"})
    items = {item["code"]: item for item in response.json()}
    assert response.status_code == 200
    assert set(items) >= {"resident.abstract", "family.relations", "vehicle.registration", "business.status"}
    assert items["resident.abstract"]["provider"]["code"] == "1741000"
    assert "address" in items["resident.abstract"]["fields"]
    assert items["resident.abstract"]["subject"] == "resident"  # asked for by national ID number
    assert {item["subject"] for item in items.values()} <= {"resident", "business"}


def expire(token):
    AccessToken.objects.all().update(expires=timezone.now() - dt.timedelta(seconds=1))
    return token


def narrow_scope(token):
    AccessToken.objects.all().update(scope="read")
    return token


def deactivate_system(token):
    AgencySystem.objects.all().update(is_active=False)
    return token


def revoke(token):
    AccessToken.objects.all().delete()
    return token


@pytest.mark.parametrize(
    "authorization",
    [
        lambda token: None,
        lambda token: "Bearer not-a-token",
        lambda token: f"Basic {token}",
        lambda token: "Bearer " + "x" * 5000,
        lambda token: f"Bearer {expire(token)}",
        lambda token: f"Bearer {narrow_scope(token)}",
        lambda token: f"Bearer {deactivate_system(token)}",
        lambda token: f"Bearer {revoke(token)}",
    ],
    ids=["missing", "unknown", "not-bearer", "over-long", "expired", "other-scope", "inactive", "revoked"],
)
def test_a_missing_wrong_or_expired_token_is_a_401_and_nothing_is_logged(ask, token, authorization):
    response = ask(headers={"Authorization": authorization(token)})
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"
    assert not AccessLogEntry.objects.exists()


def test_a_token_of_a_system_not_linked_to_an_agency_system_is_a_401(ask, client, token):
    AgencySystem.objects.all().update(application=None)
    assert ask().status_code == 401


def test_an_x_road_client_that_is_not_the_tokens_is_a_403_and_not_logged(ask, pension):
    other = AgencySystem.objects.create(agency=pension, name="other", client_id="nps-other")
    response = ask(headers={"X-Road-Client": other.client_id})
    assert response.status_code == 403 and response.json()["code"] == "client_mismatch"
    assert response.json()["field"] == "X-Road-Client"
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize(
    "overrides, status, code",
    [
        ({"item": "no.such.item"}, 404, "unknown_item"),
        ({"item": ""}, 404, "unknown_item"),
        ({"subject": "unregistered"}, 404, "unknown_subject"),
        ({"subject": "900101-1234567"}, 400, "malformed_id"),
        ({"purpose": " "}, 400, "missing_purpose"),
        ({"basis": ""}, 403, "no_basis"),
        ({"basis": "grant:999999"}, 403, "grant_invalid"),
        ({"basis": "consent:999999"}, 403, "consent_invalid"),
        ({"fields": ["name_ko", "birth_date"]}, 403, "field_not_granted"),
    ],
)
def test_each_refusal_comes_with_its_status_and_code_and_is_logged(ask, overrides, status, code):
    if overrides.get("subject") == "unregistered":
        overrides["subject"] = factories.rrn()  # well-formed, but nobody has it
    response = ask(**overrides)
    assert response.status_code == status, response.content
    assert response.json()["code"] == code and response.json()["message"]
    assert response["X-Road-Id"] == "msg-1"
    entry = AccessLogEntry.objects.get()
    assert (entry.outcome, entry.error_code, entry.message_id) == ("refused", code, "msg-1")
    assert QueryReceipt.objects.get().log_entry == entry


def test_a_missing_purpose_in_the_body_is_a_logged_refusal(ask, alice_resident, grant_basis):
    body = {"item": "resident.abstract", "subject": alice_resident.rrn_reveal(), "basis": grant_basis}
    response = ask(body)
    assert response.status_code == 400 and response.json()["code"] == "missing_purpose"
    assert AccessLogEntry.objects.get().error_code == "missing_purpose"


def test_a_retry_with_the_same_message_id_gets_the_same_answer_and_no_second_log_entry(ask):
    first = ask(headers={"X-Road-Id": "retry-1"})
    again = ask(headers={"X-Road-Id": "retry-1"})
    assert first.status_code == again.status_code == 200
    assert first.content == again.content
    assert AccessLogEntry.objects.count() == 1
    receipt = QueryReceipt.objects.get()
    assert receipt.body == first.json() and receipt.status_code == 200
    assert abs(receipt.created_at - timezone.now()) < dt.timedelta(minutes=1)


def test_a_retried_refusal_is_refused_the_same_way_once(ask):
    first = ask(basis="grant:999999", headers={"X-Road-Id": "retry-2"})
    again = ask(basis="grant:999999", headers={"X-Road-Id": "retry-2"})
    assert first.status_code == again.status_code == 403
    assert first.content == again.content
    assert AccessLogEntry.objects.count() == 1


def test_different_message_ids_are_two_queries_logged_twice(ask):
    ask(headers={"X-Road-Id": "a"})
    ask(headers={"X-Road-Id": "b"})
    assert list(AccessLogEntry.objects.order_by("seq", "pk").values_list("message_id", flat=True)) == [
        "a",
        "b",
    ]


def test_the_same_message_id_from_two_systems_is_two_queries(ask, client, pension_admin, alice_resident):
    ask(headers={"X-Road-Id": "shared-id"})
    other, secret = agency_system_register(actor=pension_admin, name="payments")
    other_token = token_for(client, other, secret)
    ask(
        headers={
            "X-Road-Id": "shared-id",
            "Authorization": f"Bearer {other_token}",
            "X-Road-Client": other.client_id,
        }
    )
    assert AccessLogEntry.objects.count() == 2


def test_a_copy_that_loses_the_race_returns_the_winners_answer_and_its_log_entry_is_undone(ask):
    """The API does not look the receipt up before the query: the second copy's receipt
    breaks the unique constraint, its statement writes nothing, and the stored answer is given."""
    winner = ask(headers={"X-Road-Id": "race"})
    loser = ask(headers={"X-Road-Id": "race"})
    assert loser.status_code == 200 and loser.content == winner.content
    assert AccessLogEntry.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_race_is_lost_the_same_way_outside_a_transaction(ask, postgres_only):
    """Outside any other transaction the loser's entry and receipt are one statement in
    autocommit: the unique constraint fails it whole, and the connection is fine afterwards."""
    winner = ask(headers={"X-Road-Id": "race"})
    loser = ask(headers={"X-Road-Id": "race"})
    assert loser.status_code == 200 and loser.content == winner.content
    assert AccessLogEntry.objects.count() == 1 and QueryReceipt.objects.count() == 1
    again = ask(headers={"X-Road-Id": "after-the-race"})
    assert again.status_code == 200
    assert again.json()["log_id"] == AccessLogEntry.objects.get(message_id="after-the-race").pk


def test_a_token_revoked_in_this_process_is_refused_at_once(ask, settings):
    settings.EGOV_EXCHANGE_TOKEN_CACHE_SECONDS = 60
    assert ask().status_code == 200  # the token is now kept by this process
    AccessToken.objects.get().revoke()  # as django-oauth-toolkit's revocation endpoint does
    assert ask().status_code == 401
    assert AccessLogEntry.objects.count() == 1


def test_a_token_revoked_by_another_process_is_refused_within_the_cache_time(ask, settings):
    """Another server process revoking the token sends no signal here: this process keeps
    answering it until EGOV_EXCHANGE_TOKEN_CACHE_SECONDS have passed, then refuses it."""
    settings.EGOV_EXCHANGE_TOKEN_CACHE_SECONDS = 0.5
    assert ask().status_code == 200
    tokens = AccessToken.objects.all()
    tokens._raw_delete(tokens.db)  # a DELETE that sends no signal here, as from another process
    assert ask().status_code == 200
    time.sleep(0.6)
    assert ask().status_code == 401
    assert AccessLogEntry.objects.count() == 2


def test_an_expired_token_is_refused_even_when_kept(ask, settings, monkeypatch):
    settings.EGOV_EXCHANGE_TOKEN_CACHE_SECONDS = 60
    assert ask().status_code == 200
    later = timezone.now() + dt.timedelta(days=30)
    monkeypatch.setattr(exchange_api.timezone, "now", lambda: later)
    assert ask().status_code == 401


def test_called_in_process_the_query_looks_its_receipt_up_itself(benefits, alice_resident, grant_basis):
    query = {
        "system": benefits, "item": "resident.abstract", "subject": alice_resident.rrn_reveal(),
        "purpose": "연금", "basis": grant_basis, "fields": None, "case_ref": "", "message_id": "in-process",
        "user_ref": "",
    }  # fmt: skip
    first = exchange_queries.shared_item_query(**query)
    assert exchange_queries.shared_item_query(**query) == first
    assert first[0] == 200 and AccessLogEntry.objects.count() == 1


def test_a_mediated_query_runs_two_statements_once_its_token_is_kept(ask, django_assert_max_num_queries):
    """The item with its grant and the resident in one select, then the entry, its queue row
    and the receipt in one statement (in production in autocommit: no BEGIN, no COMMIT). The
    token is read once per EGOV_EXCHANGE_TOKEN_CACHE_SECONDS per process, and the receipt is
    not looked up first (a repeated message fails the receipt's insert). The benchmark's
    figures depend on this count (docs/benchmarks.md, issues 3 and 14); it was 13, then 8."""
    ask()  # a first query creates the platform key and reads the token
    with django_assert_max_num_queries(4) as captured:
        assert ask(fields=["name_ko", "address"]).status_code == 200
    # Here within the test's transaction, the write has a SAVEPOINT and its RELEASE around it.
    sql = [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(sql) == 2, sql
    assert "exchange_shareditem" in sql[0] and "registry_resident" in sql[0]
    assert "exchange_accesslogentry" in sql[1] and "exchange_queryreceipt" in sql[1]
    assert not any("registry_lifeevent" in s for s in sql)  # no address history asked for


@pytest.mark.django_db(transaction=True)
def test_the_same_message_sent_four_times_at_once_is_one_query(ask, postgres_only, client, benefits, token):
    barrier = threading.Barrier(4)
    results = []

    def send():
        from django.db import connections

        try:
            barrier.wait()
            results.append(ask(headers={"X-Road-Id": "burst"}))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.status_code for r in results] == [200] * 4
    assert len({r.content for r in results}) == 1
    assert AccessLogEntry.objects.count() == 1 and QueryReceipt.objects.count() == 1


# Bad input: 4xx with the error shape, never a 500, and no log entry (no query was made)


@pytest.mark.parametrize(
    "headers, code, field",
    [
        ({"X-Road-Id": None}, "missing_header", "X-Road-Id"),
        ({"X-Road-Id": "  "}, "missing_header", "X-Road-Id"),
        ({"X-Road-Client": None}, "missing_header", "X-Road-Client"),
        ({"X-Road-Id": "x" * 101}, "invalid_header", "X-Road-Id"),
        ({"X-Road-Id": "a\x00b"}, "invalid_header", "X-Road-Id"),
        ({"X-Road-UserId": "u" * 65}, "invalid_header", "X-Road-UserId"),
        ({"X-Road-Issue": "case\x07"}, "invalid_header", "X-Road-Issue"),
    ],
)
def test_a_missing_or_malformed_header_is_a_400_naming_it(ask, headers, code, field):
    response = ask(headers=headers)
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == (code, field)
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize(
    "raw, status, code",
    [
        ("{not json", 400, "invalid_body"),
        ("[1, 2]", 400, "invalid_body"),
        ('"text"', 400, "invalid_body"),
        ("\x00", 400, "invalid_body"),
        ('{"item": 5}', 422, "invalid"),
        ('{"item": "resident.abstract", "fields": "name_ko"}', 422, "invalid"),
        ('{"item": "resident.abstract", "feilds": ["name_ko"]}', 422, "invalid"),
        ('{"item": "resident.abstract", "purpose": "' + "p" * 301 + '"}', 422, "invalid"),
        ('{"item": "resident.abstract", "purpose": "a\\u0000b"}', 422, "invalid"),
        ('{"item": "resident\\u0000abstract"}', 422, "invalid"),
        ('{"subject": "' + "9" * 33 + '"}', 422, "invalid"),
        ('{"fields": ["' + '", "'.join(["name_ko"] * 51) + '"]}', 422, "invalid"),
    ],
)
def test_a_malformed_body_is_a_4xx_with_a_code_and_never_a_500(ask, raw, status, code):
    response = ask(raw=raw)
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert not AccessLogEntry.objects.exists()


def test_a_schema_error_names_the_field_without_echoing_the_input(ask):
    response = ask(purpose="p" * 301)
    assert response.json()["field"] == "purpose"
    assert "ppp" not in response.content.decode()


def test_the_openapi_document_lists_the_endpoints_and_their_error_responses(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    query = schema["paths"]["/api/v1/exchange/queries"]["post"]
    assert set(query["responses"]) == {"200", "400", "401", "403", "404", "422"}
    for code in ("unknown_item", "malformed_id", "field_not_granted", "client_mismatch", "missing_header"):
        assert code in query["description"]
    assert {p["name"] for p in query["parameters"]} == {
        "X-Road-Client",
        "X-Road-Id",
        "X-Road-UserId",
        "X-Road-Issue",
    }
    assert "subject" in query["requestBody"]["content"]["application/json"]["schema"]["properties"]
    assert "/api/v1/exchange/items" in schema["paths"]
    assert "/api/v1/exchange/benchmark/bare" not in schema["paths"]


def test_the_benchmark_endpoint_is_not_mounted_unless_asked_for(client, db):
    assert (
        client.post("/api/v1/exchange/benchmark/bare", "{}", content_type="application/json").status_code
        == 404
    )


# On PostgreSQL, outside any other transaction, the chain's lock, the append, the receipt and
# the COMMIT go to the server in one round trip; the entry's seq is read after the COMMIT.


def _audit_verify() -> str:
    from io import StringIO

    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_each_query_writes_its_entry_and_receipt_in_one_statement_and_the_integrator_positions_them(
    ask, postgres_only, settings, tmp_path
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from egov.exchange.accesslog import access_log_integrate

    settings.DATA_DIR = tmp_path / "data"
    answers = []
    for query in ({}, {"basis": "grant:999999"}, {}, {"fields": ["address"]}, {"subject": "1"}):
        with CaptureQueriesContext(connection) as queries:
            answers.append(ask(**query))
        writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
        # One statement in autocommit: the entry, its queue row and the receipt.
        assert len(writes) == 1 and "exchange_queryreceipt" in writes[0], writes
    assert [a.status_code for a in answers] == [200, 403, 200, 200, 400]
    entries = list(AccessLogEntry.objects.order_by("id"))
    assert [answers[i].json()["log_id"] for i in (0, 2, 3)] == [entries[i].pk for i in (0, 2, 3)]
    for answer, entry in zip(answers, entries, strict=True):
        receipt = QueryReceipt.objects.get(message_id=entry.message_id)
        assert receipt.log_entry_id == entry.pk and receipt.body == answer.json()
    assert "log_id" not in QueryReceipt.objects.get(log_entry=entries[1]).body
    assert access_log_integrate().tree_size == 5
    assert [e.seq for e in AccessLogEntry.objects.order_by("id")] == [1, 2, 3, 4, 5]
    assert "5 entries (seq 1–5), 1 checkpoints verified" in _audit_verify()
    # A retry is answered from the receipt, with the same log_id, and logs nothing.
    retry = ask(headers={"X-Road-Id": entries[0].message_id})
    assert retry.content == answers[0].content and AccessLogEntry.objects.count() == 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_queries_take_no_lock_and_all_become_leaves(ask, postgres_only, settings, tmp_path):
    from egov.exchange.accesslog import access_log_integrate

    settings.DATA_DIR = tmp_path / "data"
    ask()
    barrier = threading.Barrier(6)
    answers = []

    def send(n):
        from django.db import connections

        try:
            barrier.wait()
            for i in range(8):
                answers.append(ask(headers={"X-Road-Id": f"t{n}-{i}"}))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(a.status_code for a in answers) == [200] * 48
    by_message = dict(AccessLogEntry.objects.values_list("message_id", "id"))
    assert all(by_message[a["X-Road-Id"]] == a.json()["log_id"] for a in answers)
    assert access_log_integrate().tree_size == 49
    assert "49 entries (seq 1–49), 1 checkpoints verified" in _audit_verify()
