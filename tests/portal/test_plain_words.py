"""What people read is words, not the platform's codes (issue 13): no shared item codes, field
names or agency codes on the pages a citizen or an official reaches in Korean, and the tender,
contract and bid states in the words the procedure uses."""

import re
import uuid

from django.utils import timezone

from egov.civil import services
from tests.civil import conftest as civil

nation, catalogue, citizen, civil_data_dir = (
    civil.nation,
    civil.catalogue,
    civil.citizen,
    civil.civil_data_dir,
)

CODE = re.compile(
    r"\b[a-z]+_[a-z_]+\b|\b(?:resident|family|vehicle|business)\.[a-z]+\b|\((?:file|answer|decide|release)\)"
)


def _visible(html: str) -> str:
    """The text a person sees: no tags, attributes, scripts or styles."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_the_service_page_names_fields_and_items_in_korean(catalogue, citizen, client):
    client.force_login(citizen)
    for code in ("resident-copy", "resident-abstract", "family-relations", "moving-in", "dog-registration"):
        text = _visible(client.get(f"/services/{code}/", HTTP_ACCEPT_LANGUAGE="ko").content.decode())
        assert not CODE.findall(text), (code, CODE.findall(text))
    copy = _visible(client.get("/services/resident-copy/", HTTP_ACCEPT_LANGUAGE="ko").content.decode())
    assert "세대 구성원" in copy and "제공 기관" in copy and "변동일" not in copy


def test_consent_choices_are_names_not_item_codes(catalogue, citizen, client):
    client.force_login(citizen)
    text = _visible(client.get("/my/consents/", HTTP_ACCEPT_LANGUAGE="ko").content.decode())
    assert "주민등록표 초본" in text
    for code in ("resident.abstract", "family.relations", "business.status", "(1741000)"):
        assert code not in text


def test_the_official_application_page_shows_no_field_codes(catalogue, citizen, gangnam, carol, client):
    from tests.conftest import login_official

    application = services.application_submit(
        actor=citizen, service=catalogue["moving-in"], idempotency_key=uuid.uuid4().hex,
        data={"agency": gangnam.code, "road_address": "테헤란로 152", "address_detail": "12층 1201호",
              "postal_code": "06236", "moved_on": timezone.localdate().isoformat(), "whole_household": True},
    )  # fmt: skip
    login_official(client, carol)
    page = client.get(f"/office/civil/applications/{application.number}/", HTTP_ACCEPT_LANGUAGE="ko")
    text = _visible(page.content.decode())
    assert not CODE.findall(text), CODE.findall(text)
    assert "3220000" not in text and "True" not in text and "서울특별시 강남구 테헤란로 152" in text
