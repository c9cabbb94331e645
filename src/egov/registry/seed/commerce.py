"""Businesses and vehicles: the part of the generator that draws them for a household's adults."""

import datetime as dt

from egov.core.ids import brn_check_digit, vin_with_check_digit
from egov.registry.models import Business, BusinessEvent, Vehicle, VehicleEvent
from egov.registry.seed.data import (
    COMMERCIAL_PLATE_LETTERS,
    PRIVATE_PLATE_LETTERS,
    PRIVATE_VEHICLE_MODELS,
    RENTAL_PLATE_LETTERS,
    THREE_DIGIT_PLATES_FROM,
    VEHICLE_MODELS,
    VIN_YEAR_CODES,
)
from egov.registry.seed.pools import District, Person, add_years


class BusinessesAndVehicles:
    """Methods of `Nation` that draw businesses and vehicles; they use its random source,
    pools, id counters and small draws (`_date_between`, `_address`, `_event`)."""

    def _brn(self, district: District, corporate: bool) -> str:
        """Tax office (3 digits), kind (2), serial (4) and the check digit."""
        rng = self.rng
        office = 101 + district.region * 3 + rng.randint(0, 2)
        kind = rng.choice((81, 86, 87)) if corporate else rng.randint(1, 79)
        for _ in range(100):
            key = (office, kind)
            serial = self.brn_serials.get(key, 0) + 1
            if serial < 10000:
                self.brn_serials[key] = serial
                nine = f"{office:03d}{kind:02d}{serial:04d}"
                return nine + str(brn_check_digit(nine))
            kind = kind % 99 + 1
        raise RuntimeError("Ran out of business registration numbers for a tax office.")

    def _business(self, owner: Person, district: District, rows, *, status: str | None = None) -> int:
        rng = self.rng
        corporate = rng.random() < 0.2
        business_id = self.ids[Business]()
        opened_from = max(add_years(owner.birth, 20), add_years(self.today, -30))
        opened_on = self._date_between(opened_from, self.today)
        if status is None:
            status = rng.choices(("active", "suspended", "closed"), (85, 4, 11))[0]
        suspended_on = closed_on = self.null
        self._event(
            rows, BusinessEvent, business_id, "opened", opened_on, self.json({"representative": owner.id})
        )
        if status == "suspended":
            suspended_on = self._date_between(opened_on, self.today)
            self._event(rows, BusinessEvent, business_id, "suspended", suspended_on)
        elif status == "closed":
            closed_on = self._date_between(opened_on, self.today)
            self._event(rows, BusinessEvent, business_id, "closed", closed_on)
        address = self._address(district)
        rows[Business].append(
            [
                business_id,
                self._brn(district, corporate),
                self.pools.business_name(corporate),
                owner.id,
                self.nts_id,
                status,
                opened_on,
                suspended_on,
                closed_on,
                *address,
            ]
        )
        if status == "active" and rng.random() < 0.1:
            for _ in range(rng.randint(1, 5)):
                self._vehicle(district, rows, business=(business_id, opened_on))
        return business_id

    def _plate(self, registered_on: dt.date, letters: str) -> str:
        rng = self.rng
        while True:
            kind = rng.randint(100, 699) if registered_on >= THREE_DIGIT_PLATES_FROM else rng.randint(10, 69)
            plate = f"{kind}{rng.choice(letters)}{rng.randint(1000, 9999)}"
            if plate not in self.plates:
                self.plates.add(plate)
                return plate

    def _vin(self, wmi: str, stem: str, plant: str, model_year: int) -> str:
        n = next(self.vins)
        overflow = "0123456789ABCDEFGHJKLMNPRSTVWXYZ"[n // 1_000_000 % 32]
        year_code = VIN_YEAR_CODES[(model_year - 1980) % 30]
        return vin_with_check_digit(f"{wmi}{stem}{overflow}0{year_code}{plant}{n % 1_000_000:06d}")

    def _vehicle(
        self, district, rows, *, resident: Person | None = None, business=None, transfer=None
    ) -> None:
        rng = self.rng
        vehicle_id = self.ids[Vehicle]()
        if business is not None:
            business_id, since = business
            wmi, stem, plant, model_name, _ = rng.choice(VEHICLE_MODELS)
            registered_on = self._date_between(since, self.today)
            letters = rng.choice((COMMERCIAL_PLATE_LETTERS, RENTAL_PLATE_LETTERS, PRIVATE_PLATE_LETTERS))
            owner = {"owner_business": business_id}
            owner_cols = [self.null, business_id]
            first_owner = owner
            transferred_on = None
        else:
            wmi, stem, plant, model_name, _ = rng.choice(PRIVATE_VEHICLE_MODELS)
            adult_from = add_years(resident.birth, 19)
            registered_on = self._date_between(max(adult_from, add_years(self.today, -15)), self.today)
            letters = PRIVATE_PLATE_LETTERS
            owner = {"owner_resident": resident.id}
            owner_cols = [resident.id, self.null]
            first_owner, transferred_on = owner, None
            if transfer is not False and rng.random() < 0.15 and self.recent_adults:
                seller_id, seller_birth = rng.choice(self.recent_adults)
                first_on = max(add_years(seller_birth, 19), add_years(self.today, -15))
                if seller_id != resident.id and first_on < registered_on:
                    transferred_on = registered_on
                    registered_on = self._date_between(first_on, transferred_on - dt.timedelta(days=1))
                    first_owner = {"owner_resident": seller_id}
        model_year = registered_on.year - (1 if rng.random() < 0.2 else 0)
        rows[Vehicle].append(
            [
                vehicle_id,
                self._plate(registered_on, letters),
                self._vin(wmi, stem, plant, model_year),
                model_name,
                model_year,
                *owner_cols,
                district.agency_id,
                registered_on,
                self.null,
            ]
        )
        registration = self.json(first_owner)
        self._event(
            rows,
            VehicleEvent,
            vehicle_id,
            "registration",
            registered_on,
            registration,
            "vehicle_registration",
        )
        if transferred_on is not None:
            details = self.json({"before": first_owner, "after": owner})
            self._event(rows, VehicleEvent, vehicle_id, "transfer", transferred_on, details)
