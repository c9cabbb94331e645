import pytest

from egov.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from egov.core.models import AuditEvent
from egov.procurement import services
from egov.procurement.models import Supplier
from tests import factories


def test_a_representative_registers_their_business_once(hana, hanbit):
    supplier = services.supplier_register(actor=hana, brn=hanbit.brn, categories=["44", "43", "43"])
    assert supplier.business == hanbit
    assert supplier.categories == ["43", "44"]
    assert AuditEvent.objects.filter(
        action="procurement.supplier_register", object_id=str(supplier.pk)
    ).exists()
    with pytest.raises(Conflict) as exc:
        services.supplier_register(actor=hana, brn=hanbit.brn, categories=["43"])
    assert exc.value.field == "brn"


def test_the_number_may_be_written_with_dashes(hana, hanbit):
    brn = f"{hanbit.brn[:3]}-{hanbit.brn[3:5]}-{hanbit.brn[5:]}"
    assert services.supplier_register(actor=hana, brn=brn, categories=["43"]).business == hanbit


def test_someone_who_does_not_represent_the_business_cannot_register_it(minsu, hanbit):
    with pytest.raises(PermissionDenied):
        services.supplier_register(actor=minsu, brn=hanbit.brn, categories=["43"])
    assert not Supplier.objects.exists()


def test_an_official_or_a_citizen_cannot_register_a_supplier(bob, alice, hanbit):
    for actor in (bob, alice):
        with pytest.raises(PermissionDenied):
            services.supplier_register(actor=actor, brn=hanbit.brn, categories=["43"])


def test_an_unknown_business_number_is_not_found(hana):
    with pytest.raises(NotFound) as exc:
        services.supplier_register(actor=hana, brn="0000000000", categories=["43"])
    assert exc.value.field == "brn"


@pytest.mark.parametrize("status", ["closed", "suspended"])
def test_a_closed_or_suspended_business_cannot_register(jongno, status):
    from tests.procurement.conftest import business_user

    owner = factories.resident(jongno, "정지훈", "Jung Jihoon")
    business = factories.business(jongno, owner, name="폐업상사", status=status)
    user = business_user("jihoon", business)
    with pytest.raises(ValidationFailed) as exc:
        services.supplier_register(actor=user, brn=business.brn, categories=["43"])
    assert exc.value.field == "brn"
    assert exc.value.code == f"business_{status}"


@pytest.mark.parametrize("categories", [[], ["99"], "43", None])
def test_categories_must_come_from_the_code_list(hana, hanbit, categories):
    with pytest.raises(ValidationFailed) as exc:
        services.supplier_register(actor=hana, brn=hanbit.brn, categories=categories)
    assert exc.value.field == "categories"
    assert not Supplier.objects.exists()


def test_a_supplier_changes_its_categories(hana, hanbit_supplier, hanbit):
    supplier = services.supplier_categories_update(actor=hana, brn=hanbit.brn, categories=["56"])
    assert supplier.categories == ["56"]
    with pytest.raises(ValidationFailed):
        services.supplier_categories_update(actor=hana, brn=hanbit.brn, categories=["00"])
    hanbit_supplier.refresh_from_db()
    assert hanbit_supplier.categories == ["56"]
