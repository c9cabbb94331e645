"""The generator's random source, date helpers, the records it passes around (districts and
people) and the name and place pools built once from Faker's ko_KR provider.
"""

import bisect
import datetime as dt
import itertools
import random
from dataclasses import dataclass

from egov.registry.seed.data import (
    APARTMENT_BRANDS,
    CORPORATE_SUFFIXES,
    ERA_NAMES,
    FAMILY_NAME_SHARE,
    SMALL_BUSINESS_KINDS,
    VEHICLE_MODELS,
    WHY,
)
from egov.registry.seed.loader import copy_safe


class FastRandom(random.Random):
    """random.Random with cheaper draws: randint and choice through randrange cost three
    times as much, and the generator makes tens of millions of them."""

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]


# --- Date helpers -----------------------------------------------------------------------------


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


# --- People and places ------------------------------------------------------------------------


@dataclass
class District:
    agency_id: int
    code: str
    name_ko: str  # "서울특별시 종로구"
    region: int  # two digits of the ID number's serial and the tax office
    roads: list[tuple[str, str]]  # (road name, postal code)


@dataclass
class Person:
    birth: dt.date
    sex: str
    family_name: str
    relation: str
    id: int = 0
    given: str = ""
    deceased_on: dt.date | None = None
    registered_on: dt.date | None = None


class Pools:
    """Names, roads and business names drawn from Faker once, then sampled with our rng."""

    def __init__(self, rng: FastRandom):
        from faker.providers.address.ko_KR import Provider as AddressProvider
        from faker.providers.company.ko_KR import Provider as CompanyProvider
        from faker.providers.person.ko_KR import Provider as PersonProvider

        names = list(PersonProvider.last_names)
        self.family_names = names
        self.family_cum = list(itertools.accumulate(FAMILY_NAME_SHARE.get(n, 0.1) for n in names))
        # Per sex: names popular in each era, all of Faker's names, and recombinations of
        # their syllables (which give many more plausible names than Faker's hundred).
        self.given: dict[tuple[str, str], list[str]] = {}
        for sex, source in (("M", PersonProvider.first_names_male), ("F", PersonProvider.first_names_female)):
            faker_names = sorted(source)
            firsts = sorted({n[0] for n in faker_names})
            seconds = sorted({n[1] for n in faker_names if len(n) > 1})
            self.given[(sex, "all")] = faker_names
            self.given[(sex, "mixed")] = sorted(
                {a + b for a in firsts for b in seconds if a != b} - set(source)
            )
            self.given[(sex, "old")] = [n for n in faker_names if n in ERA_NAMES["old"]]
            self.given[(sex, "young")] = [n for n in faker_names if n in ERA_NAMES["young"]]
            self.given[(sex, "middle")] = [
                n for n in faker_names if n not in ERA_NAMES["old"] and n not in ERA_NAMES["young"]
            ]
        self.road_stems = sorted(set(AddressProvider.road_names))
        self.company_words = sorted(set(CompanyProvider.company_name_words))
        self.rng = rng
        for value in itertools.chain(
            self.family_names,
            *self.given.values(),
            self.road_stems,
            self.company_words,
            APARTMENT_BRANDS,
            SMALL_BUSINESS_KINDS,
            CORPORATE_SUFFIXES,
            (model[3] for model in VEHICLE_MODELS),
            *WHY.values(),
        ):
            copy_safe(value)

    def family_name(self) -> str:
        rng = self.rng
        return self.family_names[bisect.bisect(self.family_cum, rng.random() * self.family_cum[-1])]

    def given_name(self, sex: str, birth: dt.date) -> str:
        era = "old" if birth.year < 1970 else "young" if birth.year >= 1995 else "middle"
        draw = self.rng.random()
        pool = "all" if draw < 0.35 else "mixed" if draw < 0.55 else era
        return self.rng.choice(self.given[(sex, pool)])

    def roads_for(
        self, postal_from: int, postal_to: int, real: str, *, gangnam: bool
    ) -> list[tuple[str, str]]:
        """A district's roads and numbered side roads (세종대로23길), each with its postal code."""
        rng = self.rng
        stems = real.split()
        if gangnam:  # Faker's road names are those of Gangnam, Seocho and Songpa
            stems += sorted({s + "로" for s in self.road_stems} - set(stems))
        roads = []
        for stem in stems:
            roads.append(stem)
            roads.extend(f"{stem}{n}길" for n in sorted(rng.sample(range(1, 60), 4)))
        return [(road, f"{rng.randint(postal_from, postal_to):05d}") for road in roads]

    def business_name(self, corporate: bool) -> str:
        rng = self.rng
        word = rng.choice(self.company_words)
        if corporate:
            return f"{rng.choice(('(주)', '주식회사', '(유)'))} {word}{rng.choice(CORPORATE_SUFFIXES)}"
        return f"{word}{rng.choice(SMALL_BUSINESS_KINDS)}"
