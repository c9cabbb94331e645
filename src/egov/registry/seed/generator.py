"""The generator: households, their people, family relations and life events, drawn chunk
by chunk from one random source (businesses and vehicles are in `commerce`).
"""

import bisect
import datetime as dt
import itertools

from django.db import models

from egov.core.crypto import blind_index, encrypt_id
from egov.core.ids import rrn_build
from egov.registry.models import FamilyRelation, Household, LifeEvent, Resident
from egov.registry.romanize import romanize_name
from egov.registry.seed.commerce import BusinessesAndVehicles
from egov.registry.seed.data import (
    APARTMENT_BRANDS,
    BUSINESS_SHARE,
    GANGNAM,
    GANGNAM_AREA,
    HOUSEHOLD_KINDS,
    HOUSEHOLD_WEIGHTS,
    JONGNO,
    SECOND_VEHICLE_SHARE,
    VEHICLE_SHARE,
    WHY,
)
from egov.registry.seed.loader import TABLES, Writer, copy_safe
from egov.registry.seed.pools import District, FastRandom, Person, Pools, add_years, age_on


class Nation(BusinessesAndVehicles):
    """Draws households, their people, businesses and vehicles, chunk by chunk."""

    def __init__(self, *, seed: int, today: dt.date, now: dt.datetime, writer: Writer, districts, nts_id):
        self.rng = FastRandom(seed)
        self.pools = Pools(self.rng)
        self.today = today
        self.now = writer.timestamp(now)
        self.json = writer.json
        self.no_details = writer.json({})
        self.null = writer.null
        self.blob = writer.blob
        self.why = {kind: (*why, self.null) for kind, why in WHY.items()}  # recorded by nobody
        self.writer = writer
        self.districts: list[District] = []
        weights = []
        for code, (agency_id, name_ko, weight, postal_from, postal_to, roads) in districts.items():
            self.districts.append(
                District(
                    agency_id=agency_id,
                    code=code,
                    name_ko=name_ko,
                    region=len(self.districts),
                    roads=self.pools.roads_for(postal_from, postal_to, roads, gangnam=code in GANGNAM_AREA),
                )
            )
            weights.append(weight)
        for district in self.districts:
            for value in (district.name_ko, *(road for road, _postal in district.roads)):
                copy_safe(value)
        self.district_cum = list(itertools.accumulate(weights))
        self.by_code = {d.code: d for d in self.districts}
        self.nts_id = nts_id
        self.ids = {model: writer.ids(model) for model in TABLES}
        self.rrn_serials: dict[tuple, int] = {}
        self.household_serials: dict[tuple, int] = {}
        self.brn_serials: dict[tuple, int] = {}
        self.plates: set[str] = set()
        self.vins = itertools.count()
        self.recent_adults: list[tuple[int, dt.date]] = []
        self.households_made = 0
        self.demo: dict[str, object] = {}

    # -- small draws

    def _date_between(self, start: dt.date, end: dt.date) -> dt.date:
        if end <= start:
            return start
        return start + dt.timedelta(days=self.rng.randint(0, (end - start).days))

    def _birth_for_age(self, age: int) -> dt.date:
        latest = add_years(self.today, -age)
        return self._date_between(add_years(latest, -1) + dt.timedelta(days=1), latest)

    def _district(self) -> District:
        return self.districts[bisect.bisect(self.district_cum, self.rng.random() * self.district_cum[-1])]

    def _address(self, district: District) -> tuple[str, ...]:
        """The address columns (loader.ADDRESS_COLUMNS): road address, detail, postal code,
        시도, 시군구, 도로명, 건물번호 and the register's key (none: the seed's buildings go past
        the generated register's)."""
        rng = self.rng
        road, postal = rng.choice(district.roads)
        number = str(rng.randint(1, 250)) + (f"-{rng.randint(1, 30)}" if rng.random() < 0.2 else "")
        road_address = f"{district.name_ko} {road} {number}"
        sido, _space, sigungu = district.name_ko.partition(" ")
        kind = rng.random()
        if kind < 0.6:
            building, floor, unit = rng.randint(101, 120), rng.randint(1, 25), rng.randint(1, 4)
            detail = f"{rng.choice(APARTMENT_BRANDS)} {building}동 {floor}{unit:02d}호"
        elif kind < 0.8:
            detail = f"{self.pools.given_name('F', self.today)}빌라 {rng.randint(1, 5)}0{rng.randint(1, 4)}호"
        else:
            detail = ""
        return road_address, detail, postal, sido, sigungu, road, number, ""

    # -- households

    def _couple(self, head_age: int, *, head_male: bool = True) -> tuple[Person, Person, dt.date]:
        """A married couple; the wife is usually a little younger. Returns head, spouse, wedding."""
        rng = self.rng
        head_sex, spouse_sex = ("M", "F") if head_male else ("F", "M")
        head = Person(self._birth_for_age(head_age), head_sex, self.pools.family_name(), "head")
        gap = rng.randint(-2, 6) * (1 if head_male else -1)
        spouse_age = max(20, head_age - gap)
        spouse = Person(self._birth_for_age(spouse_age), spouse_sex, self.pools.family_name(), "spouse")
        younger = max(head.birth, spouse.birth)
        wedding = add_years(younger, rng.randint(24, 33)) + dt.timedelta(days=rng.randint(0, 364))
        if wedding > self.today:
            wedding = self._date_between(add_years(younger, 18), self.today)
        return head, spouse, wedding

    def _children(self, parents: list[Person], count: int, family_name: str) -> list[Person]:
        """Children born when every parent was 20 to 40 years old (22 to 38, to stay clear)."""
        rng = self.rng
        earliest = add_years(max(p.birth for p in parents), 22)
        latest = min(add_years(min(p.birth for p in parents), 38), self.today)
        if earliest > latest:
            return []
        births = sorted(self._date_between(earliest, latest) for _ in range(count))
        kids, names = [], set()
        for birth in births:
            kid = Person(birth, rng.choice("MF"), family_name, "child")
            kid.given = self.pools.given_name(kid.sex, birth)
            while kid.given in names:
                kid.given = self.pools.given_name(kid.sex, birth)
            names.add(kid.given)
            kids.append(kid)
        return kids

    def _plan(self, kind: str, forced_age: int | None = None) -> tuple[list[Person], dict]:
        """The members of one household (head first) and facts about it."""
        rng = self.rng
        meta: dict = {"wedding": None}
        if kind == "single":
            bucket = rng.random()
            age = forced_age or (
                rng.randint(20, 39)
                if bucket < 0.45
                else rng.randint(40, 64)
                if bucket < 0.75
                else rng.randint(65, 92)
            )
            sex = rng.choice("MF") if age < 65 else ("F" if rng.random() < 0.65 else "M")
            head = Person(self._birth_for_age(age), sex, self.pools.family_name(), "head")
            meta["formed_on"] = self._date_between(add_years(head.birth, 19), self.today)
            members = [head]
            if age >= 65 and rng.random() < 0.35:
                # Widowed: the late spouse stays on the register as deceased, outside the household.
                late_sex = "M" if sex == "F" else "F"
                years = -rng.randint(0, 5) if late_sex == "M" else rng.randint(0, 3)
                late = Person(add_years(head.birth, years), late_sex, self.pools.family_name(), "")
                younger = max(head.birth, late.birth)
                wedding = add_years(younger, rng.randint(22, 32)) + dt.timedelta(days=rng.randint(0, 364))
                died_from = max(add_years(wedding, 5), add_years(late.birth, 50))
                died_to = self.today - dt.timedelta(days=30)
                if died_from < died_to:
                    late.deceased_on = self._date_between(died_from, died_to)
                    meta["wedding"] = meta["formed_on"] = wedding
                    members.append(late)
            return members, meta
        if kind == "couple":
            bucket = rng.random()
            age = forced_age or (
                rng.randint(26, 40)
                if bucket < 0.25
                else rng.randint(41, 64)
                if bucket < 0.6
                else rng.randint(65, 88)
            )
            head, spouse, wedding = self._couple(age, head_male=rng.random() < 0.8)
            meta["wedding"] = meta["formed_on"] = wedding
            return [head, spouse], meta
        if kind in ("family", "three_generation"):
            age = forced_age or (rng.randint(30, 60) if kind == "family" else rng.randint(35, 55))
            head, spouse, wedding = self._couple(age, head_male=rng.random() < 0.85)
            father = head if head.sex == "M" else spouse
            count = 2 if forced_age else rng.choices((1, 2, 3), (45, 43, 12))[0]
            kids = self._children([head, spouse], count, father.family_name)
            if kids:
                wedding = min(wedding, kids[0].birth - dt.timedelta(days=rng.randint(200, 1500)))
                wedding = max(wedding, add_years(max(head.birth, spouse.birth), 18))
            meta["wedding"] = meta["formed_on"] = wedding
            members = [head, spouse, *kids]
            if kind == "three_generation":
                grandparent_sex = "F" if rng.random() < 0.65 else "M"
                birth = add_years(head.birth, -rng.randint(22, 38))
                oldest = add_years(self.today, -98)
                if birth < oldest:
                    birth = oldest
                if age_on(birth, head.birth) >= 20:
                    name = head.family_name if grandparent_sex == "M" else self.pools.family_name()
                    grandparent = Person(birth, grandparent_sex, name, "parent")
                    grandparent.registered_on = self._date_between(wedding, self.today)
                    members.append(grandparent)
            return members, meta
        # single parent: a mother three times in four; the children carry their father's name
        parent = Person(
            self._birth_for_age(rng.randint(28, 60)), "F" if rng.random() < 0.75 else "M", "", "head"
        )
        parent.family_name = self.pools.family_name()
        kid_name = self.pools.family_name() if parent.sex == "F" else parent.family_name
        kids = self._children([parent], rng.choices((1, 2), (60, 40))[0], kid_name)
        formed = add_years(parent.birth, 20)
        if kids:
            formed = max(formed, kids[0].birth - dt.timedelta(days=rng.randint(0, 1000)))
        meta["formed_on"] = formed
        return [parent, *kids], meta

    def household(self, remaining: int, rows: dict, *, forced: str | None = None) -> int:
        """Draw one household of at most `remaining` people into `rows`; return its size."""
        rng = self.rng
        if forced == "citizen":
            district, kind, age = self.by_code[JONGNO], "family", 42
        elif forced == "business":
            district, kind, age = self.by_code[GANGNAM], "couple", 48
        else:
            district, kind, age = self._district(), rng.choices(HOUSEHOLD_KINDS, HOUSEHOLD_WEIGHTS)[0], None
        members, meta = self._plan(kind, age)
        if len(members) > remaining:
            members, meta = self._plan("single", 30)
            members = members[:1]
        living = [m for m in members if m.deceased_on is None]
        head = living[0]
        formed_on = meta["formed_on"]
        wedding = meta["wedding"]
        address = list(self._address(district))
        household_id = self.ids[Household]()
        serial_key = (district.code, formed_on.year)
        serial = self.household_serials.get(serial_key, 0) + 1
        self.household_serials[serial_key] = serial
        number = f"{district.code}-{formed_on.year}-{serial:07d}"

        for person in members:
            if not person.given:
                person.given = self.pools.given_name(person.sex, person.birth)
            person.id = self._resident_row(person, district, household_id, address, rows)
        rows[Household].append(
            [household_id, number, district.agency_id, head.id, formed_on, self.null, *address]
        )
        self._family_rows(members, wedding, rows)
        self._life_event_rows(members, formed_on, wedding, number, district, address, rows)

        adults = [p for p in living if age_on(p.birth, self.today) >= 20]
        for adult in adults:
            if forced == "business" and adult is head:
                self.demo["business_resident"] = adult.id
                self.demo["businesses"] = [
                    self._business(adult, district, rows, status="active") for _ in range(2)
                ]
            elif rng.random() < BUSINESS_SHARE:
                for _ in range(rng.choices((1, 2, 3), (85, 12, 3))[0]):
                    self._business(adult, district, rows)
            if forced == "citizen" and adult is head:
                self.demo["citizen_resident"] = adult.id
                self._vehicle(district, rows, resident=adult, transfer=False)
            elif rng.random() < VEHICLE_SHARE:
                self._vehicle(district, rows, resident=adult)
                if rng.random() < SECOND_VEHICLE_SHARE:
                    self._vehicle(district, rows, resident=adult)
            self.recent_adults.append((adult.id, adult.birth))
        if len(self.recent_adults) > 5000:
            del self.recent_adults[:2500]
        self.households_made += 1
        return len(members)

    def _resident_row(self, person: Person, district: District, household_id: int, address, rows) -> int:
        sex_digit_key = (person.birth, person.sex, district.region)
        counter = self.rrn_serials.get(sex_digit_key, 0)
        self.rrn_serials[sex_digit_key] = counter + 1
        # The serial's first two digits name the registering district (48 of them, so below
        # 100), the last three count that day's registrations of the sex there.
        if counter >= 1000:
            raise RuntimeError("Over 1,000 residents share a birth date, sex and district; add districts.")
        digits = rrn_build(person.birth, person.sex, district.region * 1000 + counter)
        resident_id = self.ids[Resident]()
        deceased = person.deceased_on is not None
        rows[Resident].append(
            [
                resident_id,
                self.blob(encrypt_id(digits)),
                blind_index(digits),
                digits[:7],
                person.family_name + person.given,
                romanize_name(person.family_name, person.given),
                person.birth,
                person.sex,
                "deceased" if deceased else "resident",
                self.null if person.deceased_on is None else person.deceased_on,
                district.agency_id,
                self.null if deceased else household_id,
                "" if deceased else person.relation,
                *address,
                self.now,
                self.now,
            ]
        )
        return resident_id

    def _family_rows(self, members: list[Person], wedding: dt.date | None, rows) -> None:
        add = rows[FamilyRelation].append
        take = self.ids[FamilyRelation]
        head = members[0]
        by_relation: dict[str, list[Person]] = {}
        for person in members[1:]:
            by_relation.setdefault(person.relation or "late_spouse", []).append(person)
        spouse = (by_relation.get("spouse") or by_relation.get("late_spouse") or [None])[0]
        if spouse is not None and wedding is not None:
            ended = self.null if spouse.deceased_on is None else spouse.deceased_on
            add([take(), head.id, spouse.id, "spouse", wedding, ended])
            add([take(), spouse.id, head.id, "spouse", wedding, ended])
        parents = [head] + ([spouse] if spouse is not None and spouse.relation == "spouse" else [])
        for child in by_relation.get("child", []):
            for parent in parents:
                add([take(), child.id, parent.id, "parent", child.birth, self.null])
        for grandparent in by_relation.get("parent", []):
            add([take(), head.id, grandparent.id, "parent", head.birth, self.null])

    def _event(
        self, rows, model, subject_id: int, kind: str, on: dt.date, details=None, why: str = ""
    ) -> None:
        """One history row (LifeEvent, BusinessEvent or VehicleEvent), recorded by nobody."""
        details = self.no_details if details is None else details
        rows[model].append(
            [self.ids[model](), subject_id, kind, on, self.now, *self.why[why or kind], details]
        )

    def _life_event_rows(self, members, formed_on, wedding, number, district, address, rows) -> None:
        rng = self.rng
        registered = self.json({"household": number, "agency": district.code})
        latest = formed_on
        for person in members:
            if person.relation == "child" and person.birth >= formed_on:
                kind, on = "birth", person.birth
            else:
                kind, on = "registration", max(person.registered_on or formed_on, person.birth)
            latest = max(latest, on)
            self._event(rows, LifeEvent, person.id, kind, on, registered)
            if wedding is not None and person.relation in ("head", "spouse", ""):
                spouse = next(
                    (m for m in members if m is not person and m.relation in ("head", "spouse", "")), None
                )
                if spouse is not None:
                    self._event(
                        rows, LifeEvent, person.id, "marriage", wedding, self.json({"spouse": spouse.id})
                    )
            if person.deceased_on is not None:
                self._event(rows, LifeEvent, person.id, "death", person.deceased_on)
        if rng.random() < 0.08 and latest < self.today:
            # The household moved here from another district at some point.
            moved_on = self._date_between(latest + dt.timedelta(days=1), self.today)
            origin = self._district()
            before_address = self._address(origin)
            before = {
                "agency": origin.code,
                "road_address": before_address[0],
                "address_detail": before_address[1],
                "postal_code": before_address[2],
            }
            after = {
                "agency": district.code,
                "road_address": address[0],
                "address_detail": address[1],
                "postal_code": address[2],
            }
            details = self.json({"before": before, "after": after, "household": number})
            for person in members:
                if person.deceased_on is None:
                    self._event(rows, LifeEvent, person.id, "move", moved_on, details)

    # -- chunks

    def chunk(self, size: int) -> dict[type[models.Model], list[list]]:
        """At least one household, up to `size` residents, as rows per table."""
        rows: dict[type[models.Model], list[list]] = {model: [] for model in TABLES}
        made = 0
        while made < size:
            forced = {0: "citizen", 1: "business"}.get(self.households_made)
            made += self.household(size - made, rows, forced=forced)
        return rows
