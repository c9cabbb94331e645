"""The pages: a broker's multi-step form saved and resumed, the declaration page with the duty
explained line by line, the officials' queue and case work, rule sets and the tariff."""

import datetime as dt

import pytest
from django.utils import timezone

from egov.customs.models import Declaration, DeclarationDraft, TariffRate
from egov.customs.services import declaration_submit
from tests.conftest import login_official
from tests.customs.conftest import tshirts

pytestmark = pytest.mark.django_db
KO = {"HTTP_ACCEPT_LANGUAGE": "ko"}


def test_a_broker_fills_the_form_in_steps_saves_it_resumes_it_and_submits(customs, client, minho, hanbit):
    client.force_login(minho)
    step1 = {
        "step": "1",
        "move": "save",
        "kind": "import",
        "declarant_reference": "BR-FORM-1",
        "trader_brn": hanbit.brn,
    }
    response = client.post("/my/customs/new/", step1)
    draft = DeclarationDraft.objects.get(owner=minho)
    assert response.status_code == 302 and draft.data["trader_brn"] == hanbit.brn and draft.step == 1
    listing = client.get("/my/customs/", **KO).content.decode()
    assert "BR-FORM-1" in listing  # the saved draft, to resume
    resumed = client.get(f"/my/customs/new/?draft={draft.pk}", **KO)
    assert hanbit.brn in resumed.content.decode()
    client.post("/my/customs/new/", {**step1, "move": "next", "draft": draft.pk})
    step2 = {
        "step": "2",
        "move": "next",
        "draft": draft.pk,
        "transport_mode": "1",
        "conveyance": "",
        "port_of_loading": "USLAX",
        "port_of_discharge": "KRPUS",
        "transport_document": "DBHU2026001",
        "incoterm": "CIF",
        "currency": "USD",
        "invoice_amount": "5000.00",
    }
    assert client.post("/my/customs/new/", step2).status_code == 302
    item = tshirts()["items"][0]
    step3 = {
        "step": "3",
        "move": "next",
        "draft": draft.pk,
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "1",
        "items-MAX_NUM_FORMS": "20",
        **{f"items-0-{k}": v for k, v in item.items()},
    }
    assert client.post("/my/customs/new/", step3).status_code == 302
    review = client.get(f"/my/customs/new/?draft={draft.pk}&step=4", **KO)
    assert "Cotton T-shirts" in review.content.decode()
    done = client.post("/my/customs/new/", {"step": "4", "move": "submit", "draft": draft.pk})
    declaration = Declaration.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/my/customs/{declaration.number}/"
    assert not DeclarationDraft.objects.exists()


def test_a_refused_submission_names_the_field_in_korean(customs, client, hana, hanbit):
    client.force_login(hana)
    data = {k: v for k, v in tshirts(trader_brn=hanbit.brn).items()}
    data["items"][0]["hs_code"] = "6109109999"
    draft = DeclarationDraft.objects.create(owner=hana, data=data, step=4)
    response = client.post("/my/customs/new/", {"step": "4", "move": "submit", "draft": draft.pk}, **KO)
    page = response.content.decode()
    assert response.status_code == 400 and "items[0]" not in page and "hs_code" not in page
    assert not Declaration.objects.exists()


def test_the_declaration_page_explains_the_duty_line_by_line_in_korean(customs, client, hana, hanbit):
    declaration = declaration_submit(actor=hana, trader_brn=hanbit.brn, **tshirts())
    client.force_login(hana)
    page = client.get(f"/my/customs/{declaration.number}/", **KO).content.decode()
    assert "910,000" in page and "791,000" in page and "7,000,000" in page
    assert declaration.number in page


def test_another_trader_gets_a_404(customs, client, hana, hanbit, sora):
    declaration = declaration_submit(actor=hana, trader_brn=hanbit.brn, **tshirts())
    client.force_login(sora)
    assert client.get(f"/my/customs/{declaration.number}/").status_code == 404


def test_the_trader_withdraws_from_the_page(customs, client, hana, hanbit):
    declaration = declaration_submit(actor=hana, trader_brn=hanbit.brn, **tshirts())
    client.force_login(hana)
    response = client.post(f"/my/customs/{declaration.number}/withdraw", {"withdraw-reason": "중복 신고"})
    declaration.refresh_from_db()
    assert response.status_code == 302 and declaration.state == "withdrawn"


def test_an_official_works_the_queue_and_accepts_a_declaration(customs, client, hana, hanbit, park):
    items = [{**tshirts()["items"][0], "origin": "CN"}]
    declaration = declaration_submit(actor=hana, trader_brn=hanbit.brn, **tshirts(items=items))
    login_official(client, park)
    queue = client.get("/office/customs/", **KO).content.decode()
    assert declaration.number in queue
    page = client.get(f"/office/customs/{declaration.number}/", **KO)
    assert page.status_code == 200 and "원산지 중국" in page.content.decode()
    response = client.post(
        f"/office/customs/{declaration.number}/request_documents", {"request_documents-note": "송장 제출"}
    )
    assert response.status_code == 302
    response = client.post(f"/office/customs/{declaration.number}/approve", {})
    declaration.refresh_from_db()
    assert response.status_code == 302 and declaration.state == "awaiting_payment"


def test_an_official_of_another_office_gets_a_404(customs, client, hana, hanbit, yoon):
    declaration = declaration_submit(actor=hana, trader_brn=hanbit.brn, **tshirts())
    login_official(client, yoon)
    assert client.get(f"/office/customs/{declaration.number}/").status_code == 404


def test_rule_sets_are_edited_back_tested_and_switched_on_from_the_page(
    customs, client, kang, hana, hanbit, rules
):
    declaration_submit(actor=hana, trader_brn=hanbit.brn, **tshirts())
    login_official(client, kang)
    client.post("/office/customs/rules/draft", {"note": "미국산 강화"})
    rule = {
        "version": "2",
        "code": "US",
        "field": "origin",
        "operator": "in",
        "value": "US",
        "weight": "50",
        "reason": "미국산 점검",
    }
    assert client.post("/office/customs/rules/add", rule).status_code == 302
    backtest = client.get("/office/customs/rules/?version=2&backtest=1", **KO).content.decode()
    assert 'data-testid="backtest"' in backtest
    client.post("/office/customs/rules/activate", {"version": "2"})
    assert client.get("/office/customs/rules/").status_code == 200
    from egov.customs.models import RuleSet

    assert RuleSet.objects.get(state="active").version == 2
    page = client.get("/office/customs/rules/?version=2", **KO).content.decode()
    assert "원산지: US 중 하나" in page and "origin in" not in page


def test_a_district_official_does_not_see_the_selectivity_rules(customs, client, bob, rules):
    login_official(client, bob)
    assert client.get("/office/customs/rules/").status_code == 404
    assert client.post("/office/customs/rules/draft", {"note": "x"}).status_code == 404


def test_a_new_rate_is_recorded_from_its_date_and_the_past_is_not_rewritten(customs, client, kang):
    login_official(client, kang)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    form = {
        "rate-code": "6109100000",
        "rate-kind": "basic",
        "rate-rate": "12",
        "rate-effective_from": tomorrow,
    }
    assert client.post("/office/customs/tariff/", form).status_code == 302
    assert TariffRate.objects.filter(heading__code="6109100000", kind="basic").count() == 2
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    refused = client.post("/office/customs/tariff/", {**form, "rate-effective_from": yesterday}, **KO)
    assert refused.status_code == 400
    assert client.post("/office/customs/tariff/", form).status_code == 400  # the same day twice
