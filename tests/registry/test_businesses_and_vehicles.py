import datetime as dt

import pytest

from egov.core.errors import Conflict, PermissionDenied, ValidationFailed
from egov.core.ids import brn_check_digit, vin_with_check_digit
from egov.registry import services
from egov.registry.models import Business, BusinessEvent, Vehicle, VehicleEvent
from tests import factories

WHY = {"reason": "신청에 따른 처리", "legal_basis": "부가가치세법 제8조"}


def valid_brn(nine="123456789"):
    return nine + str(brn_check_digit(nine))


def test_bob_registers_a_business_and_its_history_starts(bob, jongno, alice_resident):
    business = services.business_register(
        actor=bob, brn=valid_brn(), name="서연상회", representative=alice_resident,
        road_address="서울특별시 종로구 종로 1", postal_code="03154", agency=jongno,
        opened_on=dt.date(2020, 1, 1), **WHY,
    )  # fmt: skip
    assert business.events.get().kind == BusinessEvent.Kind.OPENED


def test_a_wrong_check_digit_names_the_brn_field(bob, jongno, alice_resident):
    with pytest.raises(ValidationFailed) as exc:
        services.business_register(
            actor=bob, brn="1234567890", name="x", representative=alice_resident, road_address="종로 1",
            postal_code="03154", agency=jongno, opened_on=dt.date(2020, 1, 1), **WHY,
        )  # fmt: skip
    assert exc.value.field == "brn"
    assert not Business.objects.exists()


def test_a_duplicate_business_number_is_refused(bob, jongno, alice_resident):
    existing = factories.business(jongno, alice_resident)
    with pytest.raises(Conflict):
        services.business_register(
            actor=bob, brn=existing.brn, name="x", representative=alice_resident, road_address="종로 1",
            postal_code="03154", agency=jongno, opened_on=dt.date(2020, 1, 1), **WHY,
        )  # fmt: skip


def test_a_business_is_suspended_resumed_and_closed_and_closing_is_final(bob, jongno, alice_resident):
    business = factories.business(jongno, alice_resident)
    on = dt.date(2024, 1, 1)
    services.business_status_change(actor=bob, business=business, status="suspended", occurred_on=on, **WHY)
    services.business_status_change(actor=bob, business=business, status="active", occurred_on=on, **WHY)
    services.business_status_change(actor=bob, business=business, status="closed", occurred_on=on, **WHY)
    with pytest.raises(Conflict):
        services.business_status_change(actor=bob, business=business, status="active", occurred_on=on, **WHY)
    business.refresh_from_db()
    assert business.status == "closed" and business.closed_on == on
    assert list(business.events.values_list("kind", flat=True)) == ["suspended", "resumed", "closed"]


def test_dave_of_busan_cannot_touch_a_jongno_business(dave, jongno, alice_resident):
    business = factories.business(jongno, alice_resident)
    with pytest.raises(PermissionDenied):
        services.business_correct(actor=dave, business=business, changes={"name": "x"}, **WHY)


def test_a_business_correction_keeps_before_and_after(bob, jongno, alice_resident):
    business = factories.business(jongno, alice_resident, name="한빛상사")
    services.business_correct(actor=bob, business=business, changes={"name": "한빛무역"}, **WHY)
    event = business.events.get(kind="correction")
    assert event.details == {"before": {"name": "한빛상사"}, "after": {"name": "한빛무역"}}


def test_a_vehicle_is_registered_with_a_checked_vin_and_transferred(bob, jongno, alice_resident):
    buyer = factories.resident(jongno, "최현우", "Choi Hyeonwoo")
    vin = vin_with_check_digit("KMHD341CBLU000001")
    vehicle = services.vehicle_register(
        actor=bob, plate="123가 4567", vin=vin, model_name="Sonata", model_year=2022, owner=alice_resident,
        agency=jongno, registered_on=dt.date(2022, 3, 1), **WHY,
    )  # fmt: skip
    assert vehicle.plate == "123가4567"
    services.vehicle_transfer(
        actor=bob, vehicle=vehicle, new_owner=buyer, occurred_on=dt.date(2024, 1, 1), **WHY
    )
    vehicle.refresh_from_db()
    assert vehicle.owner == buyer
    transfer = vehicle.events.get(kind=VehicleEvent.Kind.TRANSFER)
    assert transfer.details == {
        "before": {"owner_resident": alice_resident.pk},
        "after": {"owner_resident": buyer.pk},
    }


def test_a_bad_vin_or_a_taken_plate_is_refused_with_the_field(bob, jongno, alice_resident):
    taken = factories.vehicle(jongno, alice_resident, plate="12가3456")
    base = dict(
        model_name="Sonata",
        model_year=2022,
        owner=alice_resident,
        agency=jongno,
        registered_on=dt.date(2022, 3, 1),
    )
    with pytest.raises(ValidationFailed) as exc:
        services.vehicle_register(actor=bob, plate="34나5678", vin="KMHD341CB0U000001", **base, **WHY)
    assert exc.value.field == "vin"
    with pytest.raises(Conflict) as exc:
        services.vehicle_register(
            actor=bob, plate=taken.plate, vin=vin_with_check_digit("KMHD341CBLU000009"), **base, **WHY
        )
    assert exc.value.field == "plate"
    assert Vehicle.objects.count() == 1


def test_a_vehicle_cannot_go_to_a_closed_business(bob, jongno, alice_resident):
    vehicle = factories.vehicle(jongno, alice_resident)
    closed = factories.business(jongno, alice_resident, status="closed")
    with pytest.raises(ValidationFailed) as exc:
        services.vehicle_transfer(
            actor=bob, vehicle=vehicle, new_owner=closed, occurred_on=dt.date(2024, 1, 1), **WHY
        )
    assert exc.value.field == "owner"


def test_the_database_refuses_a_vehicle_with_two_owners(jongno, alice_resident):
    from django.db import IntegrityError, transaction

    business = factories.business(jongno, alice_resident)
    vehicle = factories.vehicle(jongno, alice_resident)
    with pytest.raises(IntegrityError), transaction.atomic():
        Vehicle.objects.filter(pk=vehicle.pk).update(owner_business=business)
