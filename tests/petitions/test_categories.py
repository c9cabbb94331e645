"""Olivia, the operator, maintains the petition categories in the admin: every creation, change
and deletion goes through a service that checks it and leaves an audit event."""

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.accounts.models import User
from egov.core.errors import Conflict, PermissionDenied, ValidationFailed
from egov.core.models import AuditEvent
from egov.petitions.categories import category_change, category_create, category_delete
from egov.petitions.models import Category
from tests import factories
from tests.petitions.test_services import file_one


@pytest.fixture
def olivia(db):
    """Olivia is the platform operator."""
    user = User.objects.create_superuser("olivia", "olivia@egov.localhost", "pw", kind="operator")
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return user


def noise(jongno, **overrides):
    fields = {
        "code": "noise-jongno",
        "name_ko": "소음 (종로구)",
        "name_en": "Noise (Jongno-gu)",
        "agency": jongno,
        "period_code": "petitions.complaint.other",
    }
    fields.update(overrides)
    return fields


def admin_login(client, user):
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()


def test_creating_changing_and_deleting_a_category_is_audited(olivia, jongno, gangnam):
    category = category_create(actor=olivia, **noise(jongno))
    created = AuditEvent.objects.get(action="petition_category.create", object_id=str(category.pk))
    assert created.actor == olivia and created.after["agency"] == jongno.pk

    category = category_change(actor=olivia, category=category, **noise(gangnam, is_active=False))
    changed = AuditEvent.objects.get(action="petition_category.change")
    assert changed.before == {"agency": jongno.pk, "is_active": True}
    assert changed.after == {"agency": gangnam.pk, "is_active": False}
    category_change(actor=olivia, category=category, **noise(gangnam, is_active=False))
    assert AuditEvent.objects.filter(action="petition_category.change").count() == 1  # nothing changed

    category_delete(actor=olivia, category=category)
    deleted = AuditEvent.objects.get(action="petition_category.delete")
    assert (
        deleted.before["code"] == "noise-jongno" and not Category.objects.filter(code="noise-jongno").exists()
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("code", "소음"),
        ("code", ""),
        ("name_ko", ""),
        ("name_en", "x" * 101),
        ("period_code", "petitions.grievance"),
    ],
)
def test_bad_fields_are_refused_naming_the_field(olivia, jongno, field, value):
    with pytest.raises(ValidationFailed) as refused:
        category_create(actor=olivia, **noise(jongno, **{field: value}))
    assert refused.value.field == field
    assert not Category.objects.exists() and not AuditEvent.objects.exists()


def test_a_third_party_is_not_a_competent_agency_and_codes_are_unique(olivia, jongno):
    bank = factories.agency("9990001", "은행", "A bank", kind="third_party")
    with pytest.raises(ValidationFailed) as refused:
        category_create(actor=olivia, **noise(bank))
    assert refused.value.field == "agency"
    category_create(actor=olivia, **noise(jongno))
    with pytest.raises(Conflict) as taken:
        category_create(actor=olivia, **noise(jongno, name_en="Noise again"))
    assert (taken.value.field, taken.value.code) == ("code", "exists")


def test_only_operators_maintain_categories(bob, jongno):
    with pytest.raises(PermissionDenied):
        category_create(actor=bob, **noise(jongno))


def test_a_category_in_use_is_deactivated_not_deleted(olivia, petitioner, categories):
    file_one(petitioner, categories)
    road = categories["road-jongno"]
    with pytest.raises(Conflict) as refused:
        category_delete(actor=olivia, category=road)
    assert refused.value.code == "in_use" and Category.objects.filter(pk=road.pk).exists()
    assert not AuditEvent.objects.filter(action="petition_category.delete").exists()


def test_olivia_changes_a_category_in_the_admin_and_it_is_audited(client, olivia, jongno, gangnam):
    admin_login(client, olivia)
    response = client.post(
        "/admin/petitions/category/add/", {**noise(jongno, agency=jongno.pk), "is_active": "on"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    category = Category.objects.get(code="noise-jongno")
    response = client.post(
        f"/admin/petitions/category/{category.pk}/change/",
        {**noise(gangnam, agency=gangnam.pk), "is_active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert AuditEvent.objects.get(action="petition_category.change", actor=olivia).after == {
        "agency": gangnam.pk
    }
    refused = client.post(
        "/admin/petitions/category/add/", {**noise(jongno, agency=jongno.pk), "is_active": "on"}
    )
    assert refused.status_code == 200 and "Another category has this code." in refused.content.decode()
    response = client.post(f"/admin/petitions/category/{category.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not Category.objects.filter(pk=category.pk).exists()
    assert AuditEvent.objects.filter(action="petition_category.delete", actor=olivia).count() == 1
