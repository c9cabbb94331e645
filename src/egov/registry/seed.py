"""A synthetic nation for demos, tests and benchmarks: agencies, residents in households with
their family relations and life events, businesses and vehicles, and the demo logins.

Everything is drawn from one `random.Random(seed)`, so a seed always gives the same people,
addresses and family structure (only the encrypted ID numbers differ, since every
ciphertext has a random nonce). Names and road names come from pools built once from
Faker's ko_KR provider; calling Faker per person would be far too slow for a million.

The registers are written in bulk with pre-assigned primary keys: COPY FROM STDIN on
PostgreSQL, `bulk_create` elsewhere, in chunks so memory stays bounded. The whole seed is
one transaction: it lands completely or not at all.
"""

import bisect
import datetime as dt
import hashlib
import hmac
import itertools
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.accounts.models import BusinessRepresentation, OfficialRole, User
from egov.core.audit import audit_record
from egov.core.crypto import blind_index, encrypt_id
from egov.core.errors import Conflict
from egov.core.ids import brn_check_digit, rrn_build, vin_with_check_digit
from egov.registry.models import (
    Agency,
    Business,
    BusinessEvent,
    FamilyRelation,
    Household,
    LifeEvent,
    Resident,
    Vehicle,
    VehicleEvent,
)
from egov.registry.romanize import romanize_name

DEMO_PASSWORD = "demo1234!"  # noqa: S105 (documented demo password, seeded data only)
DEFAULT_SEED = 1
CHUNK_RESIDENTS = 50_000
MIN_RESIDENTS = 10

# --- Agencies -------------------------------------------------------------------------------
# Codes are the real 행정기관코드 (administrative agency codes); postal ranges are approximate.

MOIS = ("1741000", "행정안전부", "Ministry of the Interior and Safety")
NTS = ("1210000", "국세청", "National Tax Service")
METROPOLITAN = {
    "6110000": ("서울특별시", "Seoul Metropolitan Government", "Seoul"),
    "6260000": ("부산광역시", "Busan Metropolitan City", "Busan"),
    "6270000": ("대구광역시", "Daegu Metropolitan City", "Daegu"),
    "6280000": ("인천광역시", "Incheon Metropolitan City", "Incheon"),
    "6290000": ("광주광역시", "Gwangju Metropolitan City", "Gwangju"),
    "6300000": ("대전광역시", "Daejeon Metropolitan City", "Daejeon"),
    "6310000": ("울산광역시", "Ulsan Metropolitan City", "Ulsan"),
}
# One line per district: code, Korean and English name, population (ten thousands),
# postal codes, real road names.
DISTRICTS = {
    "6110000": """
        3000000 종로구 Jongno-gu 14 03000-03199 세종대로 종로 율곡로 자하문로 창경궁로 대학로 삼일대로
        3010000 중구 Jung-gu 12 04500-04699 을지로 퇴계로 남대문로 다산로 소공로
        3020000 용산구 Yongsan-gu 21 04300-04499 이태원로 한강대로 녹사평대로 원효로 청파로
        3030000 성동구 Seongdong-gu 28 04700-04899 왕십리로 성수일로 뚝섬로 아차산로 고산자로
        3040000 광진구 Gwangjin-gu 34 04900-05099 능동로 천호대로 자양로 광나루로
        3050000 동대문구 Dongdaemun-gu 34 02400-02699 왕산로 망우로 답십리로 회기로
        3060000 중랑구 Jungnang-gu 38 02000-02199 망우로 면목로 동일로 상봉로
        3070000 성북구 Seongbuk-gu 43 02700-02999 보문로 동소문로 정릉로 화랑로
        3080000 강북구 Gangbuk-gu 29 01000-01299 도봉로 삼양로 솔매로 수유로
        3090000 도봉구 Dobong-gu 31 01300-01499 도봉로 방학로 노해로 마들로
        3100000 노원구 Nowon-gu 50 01600-01999 동일로 노원로 상계로 공릉로
        3110000 은평구 Eunpyeong-gu 47 03300-03599 통일로 연서로 은평로 진관2로
        3120000 서대문구 Seodaemun-gu 31 03600-03799 연세로 신촌로 통일로 독립문로
        3130000 마포구 Mapo-gu 37 03900-04299 월드컵로 양화로 마포대로 독막로 와우산로
        3140000 양천구 Yangcheon-gu 44 07900-08199 목동로 오목로 신월로 남부순환로
        3150000 강서구 Gangseo-gu 56 07500-07899 공항대로 강서로 화곡로 양천로
        3160000 구로구 Guro-gu 40 08200-08499 구로중앙로 디지털로 경인로 개봉로
        3170000 금천구 Geumcheon-gu 23 08500-08699 시흥대로 독산로 가산디지털1로
        3180000 영등포구 Yeongdeungpo-gu 37 07200-07499 여의대로 국제금융로 영등포로 당산로
        3190000 동작구 Dongjak-gu 38 06900-07199 상도로 노량진로 사당로 흑석로
        3200000 관악구 Gwanak-gu 49 08700-08899 관악로 남부순환로 봉천로 신림로
        3210000 서초구 Seocho-gu 41 06500-06899 서초대로 반포대로 강남대로 양재대로
        3220000 강남구 Gangnam-gu 54 06000-06499 테헤란로 강남대로 도산대로 언주로 봉은사로 압구정로
        3230000 송파구 Songpa-gu 66 05500-05899 올림픽로 송파대로 백제고분로 석촌호수로 오금로
        3240000 강동구 Gangdong-gu 46 05200-05499 천호대로 양재대로 성내로 고덕로
    """,
    "6260000": """
        3250000 중구 Jung-gu 4 48900-48999 중앙대로 광복로 구덕로
        3290000 부산진구 Busanjin-gu 36 47100-47399 중앙대로 서면로 가야대로 새싹로
        3300000 동래구 Dongnae-gu 27 47700-47899 충렬대로 명륜로 온천장로
        3310000 남구 Nam-gu 26 48400-48599 수영로 용호로 유엔평화로
        3320000 북구 Buk-gu 27 46500-46699 금곡대로 만덕대로 화명대로
        3330000 해운대구 Haeundae-gu 38 48000-48199 해운대로 센텀중앙로 달맞이길 좌동순환로
        3340000 사하구 Saha-gu 30 49300-49599 낙동대로 다대로 하신중앙로
    """,
    "6270000": """
        3410000 중구 Jung-gu 9 41900-41999 국채보상로 달구벌대로 동성로
        3450000 북구 Buk-gu 41 41400-41599 칠곡중앙대로 침산로 옥산로
        3460000 수성구 Suseong-gu 41 42000-42299 달구벌대로 동대구로 범어로
        3470000 달서구 Dalseo-gu 53 42600-42799 월배로 달서대로 성서공단로
    """,
    "6280000": """
        3520000 연수구 Yeonsu-gu 39 21900-22099 컨벤시아대로 송도과학로 함박뫼로
        3530000 남동구 Namdong-gu 50 21500-21699 구월로 인주대로 남동대로
        3540000 부평구 Bupyeong-gu 48 21300-21499 부평대로 경원대로 길주로
        3560000 서구 Seo-gu 60 22600-22899 청라대로 서곶로 봉오대로
    """,
    "6290000": """
        3600000 서구 Seo-gu 28 61900-62099 상무대로 무진대로 상무중앙로
        3620000 북구 Buk-gu 41 61000-61299 서암대로 우치로 북문대로
        3630000 광산구 Gwangsan-gu 39 62200-62499 임방울대로 하남대로 첨단중앙로
    """,
    "6300000": """
        3650000 중구 Jung-gu 22 34800-35099 대종로 계룡로 중앙로
        3660000 서구 Seo-gu 46 35200-35399 둔산로 계룡로 대덕대로
        3670000 유성구 Yuseong-gu 36 34000-34299 대학로 유성대로 엑스포로
    """,
    "6310000": """
        3690000 중구 Jung-gu 21 44400-44599 태화로 번영로 종가로
        3700000 남구 Nam-gu 31 44600-44799 삼산로 번영로 문수로
    """,
}
JONGNO, GANGNAM, SEOUL, BUSAN = "3000000", "3220000", "6110000", "6260000"
GANGNAM_AREA = ("3210000", "3220000", "3230000")  # 서초구, 강남구, 송파구

# (username, agency code, roles)
DEMO_OFFICIALS = (
    ("official.jongno", JONGNO, ("viewer", "registrar", "id_revealer")),
    ("official.gangnam", GANGNAM, ("viewer", "registrar")),
    ("official.seoul", SEOUL, ("viewer",)),
    ("official.busan", BUSAN, ("viewer", "registrar")),
    ("official.mois", MOIS[0], ("viewer", "agency_admin")),
)
DEMO_USERNAMES = ("citizen", "business", *(official[0] for official in DEMO_OFFICIALS))

# --- Names and places -------------------------------------------------------------------------

# Share of the population (%) by family name, Statistics Korea census 2015; family names
# in Faker's list but not here keep a small weight.
FAMILY_NAME_SHARE = {
    "김": 21.5, "이": 14.7, "박": 8.4, "최": 4.7, "정": 4.3, "강": 2.4, "조": 2.1, "윤": 2.1,
    "장": 2.0, "임": 1.7, "한": 1.5, "오": 1.5, "서": 1.5, "신": 1.5, "권": 1.4, "황": 1.4,
    "안": 1.4, "송": 1.3, "전": 1.3, "홍": 1.1, "유": 1.1, "고": 0.9, "문": 0.9, "양": 0.9,
    "손": 0.9, "배": 0.8, "백": 0.8, "허": 0.6, "남": 0.6, "심": 0.5, "노": 0.5, "하": 0.5,
    "곽": 0.4, "성": 0.4, "차": 0.4, "주": 0.4, "우": 0.4, "구": 0.4, "나": 0.3, "민": 0.3,
    "진": 0.3, "지": 0.3, "엄": 0.3, "류": 0.3,
}  # fmt: skip
# Given names that were popular before 1970 and after 1995 (the rest are in between).
ERA_NAMES = {
    "old": set("경자 명자 숙자 순자 영자 옥자 춘자 정자 순옥 옥순 영순 정순 영숙 명숙 경숙 정숙 현숙 "
               "영희 정희 경희 미숙 영수 영식 영길 영일 영철 영호 영환 영진 정남 정수 정식 정웅 종수 "
               "중수 광수 경수 병철 상철 성수".split()),
    "young": set("서연 서윤 지우 하윤 하은 민서 윤서 채원 지아 은서 예은 예원 수빈 지민 민준 서준 도윤 "
                 "예준 시우 주원 지후 준서 건우 도현 우진 현준 지훈 승민 승현".split()),
}  # fmt: skip
APARTMENT_BRANDS = (
    "래미안", "자이", "힐스테이트", "푸르지오", "아이파크",
    "롯데캐슬", "더샵", "현대아파트", "주공아파트", "한신아파트",
)  # fmt: skip
SMALL_BUSINESS_KINDS = (
    "식당", "분식", "커피", "베이커리", "약국", "부동산", "미용실", "세탁소", "학원", "꽃집", "철물",
    "인테리어", "치킨", "정육점", "문구", "안경원", "편의점", "한의원", "세무회계", "상사",
)  # fmt: skip
CORPORATE_SUFFIXES = (
    "개발", "그룹", "기술", "기획", "네트웍스", "랩스", "바이오", "상사", "소프트", "솔루션", "시스템즈",
    "에너지", "엔지니어링", "유통", "전자", "정보통신", "제조", "테크", "물산", "건설",
)  # fmt: skip
# (WMI, VDS stem, plant code, model name, for businesses)
VEHICLE_MODELS = (
    ("KMH", "DH41", "U", "Avante", False),
    ("KMH", "E341", "A", "Sonata", False),
    ("KMH", "G341", "A", "Grandeur", False),
    ("KMH", "S381", "U", "Santa Fe", False),
    ("KMH", "J381", "U", "Tucson", False),
    ("KMH", "AB81", "U", "Casper", False),
    ("KNA", "G411", "5", "K5", False),
    ("KNA", "F411", "5", "K3", False),
    ("KNA", "PC81", "5", "Sorento", False),
    ("KNA", "MB81", "S", "Carnival", False),
    ("KNA", "BK81", "S", "Morning", False),
    ("KNA", "JE81", "S", "Ray", False),
    ("KMH", "GN41", "U", "Genesis G80", False),
    ("KPT", "A0A1", "P", "Torres", False),
    ("KNM", "A4C1", "B", "QM6", False),
    ("KLA", "JA69", "B", "Trax", False),
    ("KMF", "WB1B", "J", "Porter II", True),
    ("KNC", "SE21", "7", "Bongo III", True),
    ("KMJ", "WA7M", "J", "Staria", True),
)
PRIVATE_VEHICLE_MODELS = tuple(model for model in VEHICLE_MODELS if not model[4])
PRIVATE_PLATE_LETTERS = "가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주"
COMMERCIAL_PLATE_LETTERS = "바사아자"
RENTAL_PLATE_LETTERS = "하허호"
THREE_DIGIT_PLATES_FROM = dt.date(2019, 9, 1)
VIN_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"  # 1980 is A, repeating every 30 years

HOUSEHOLD_KINDS = ("single", "couple", "family", "single_parent", "three_generation")
HOUSEHOLD_WEIGHTS = (35, 20, 30, 9, 4)  # Statistics Korea 2023: a third live alone
BUSINESS_SHARE, VEHICLE_SHARE, SECOND_VEHICLE_SHARE = 0.05, 0.30, 0.10

_FAMILY_ACT = "가족관계의 등록 등에 관한 법률 (Family Relationship Registration Act)"
_VAT_ACT = "부가가치세법 제8조 (VAT Act art. 8)"
_VEHICLE_ACT = "자동차관리법 (Motor Vehicle Management Act)"
WHY = {
    "birth": ("출생신고 (birth report)", f"{_FAMILY_ACT} art. 44"),
    "registration": ("주민등록 (registration)", "주민등록법 제8조 (Resident Registration Act art. 8)"),
    "marriage": ("혼인신고 (marriage report)", "민법 제812조 (Civil Act art. 812)"),
    "death": ("사망신고 (death report)", f"{_FAMILY_ACT} art. 84"),
    "move": ("전입신고 (move-in report)", "주민등록법 제16조 (Resident Registration Act art. 16)"),
    "opened": ("사업자등록 신청 (application for registration)", _VAT_ACT),
    "suspended": ("휴업신고 (suspension report)", _VAT_ACT),
    "closed": ("폐업신고 (closure report)", _VAT_ACT),
    "vehicle_registration": ("신규등록 (new registration)", f"{_VEHICLE_ACT} art. 8"),
    "transfer": ("이전등록 (transfer of ownership)", f"{_VEHICLE_ACT} art. 12"),
}

# Columns written per table, by attname, in the order the generator fills its rows.
COLUMNS: dict[type[models.Model], tuple[str, ...]] = {
    Household: (
        "id", "number", "agency_id", "head_id", "formed_on", "dissolved_on",
        "road_address", "address_detail", "postal_code",
    ),
    Resident: (
        "id", "rrn_encrypted", "rrn_index", "rrn_head", "name_ko", "name_en", "birth_date", "sex",
        "status", "status_since", "agency_id", "household_id", "relation_to_head",
        "road_address", "address_detail", "postal_code", "created_at", "updated_at",
    ),
    FamilyRelation: ("id", "person_id", "relative_id", "kind", "since", "ended_on"),
    LifeEvent: (
        "id", "resident_id", "kind", "occurred_on", "recorded_at", "reason", "legal_basis",
        "recorded_by_id", "details",
    ),
    Business: (
        "id", "brn", "name", "representative_id", "agency_id", "status", "opened_on", "suspended_on",
        "closed_on", "road_address", "address_detail", "postal_code",
    ),
    BusinessEvent: (
        "id", "business_id", "kind", "occurred_on", "recorded_at", "reason", "legal_basis",
        "recorded_by_id", "details",
    ),
    Vehicle: (
        "id", "plate", "vin", "model_name", "model_year", "owner_resident_id", "owner_business_id",
        "agency_id", "registered_on", "deregistered_on",
    ),
    VehicleEvent: (
        "id", "vehicle_id", "kind", "occurred_on", "recorded_at", "reason", "legal_basis",
        "recorded_by_id", "details",
    ),
}  # fmt: skip
TABLES = tuple(COLUMNS)


class SeedRefused(Conflict):
    """The database already holds registry data; seeding it again would mix two nations."""

    code = "seed_refused"


@dataclass
class SeedResult:
    """What a seed run wrote, for the command's summary."""

    seed: int
    counts: dict[str, int]
    seconds: float
    demo_users: list[str] = field(default_factory=list)


class _Random(random.Random):
    """random.Random with cheaper draws: randint and choice through randrange cost three
    times as much, and the generator makes tens of millions of them."""

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]


# --- Date helpers -----------------------------------------------------------------------------


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


# --- Pools built once ---------------------------------------------------------------------------


@dataclass
class _District:
    agency_id: int
    code: str
    name_ko: str  # "서울특별시 종로구"
    region: int  # two digits of the ID number's serial and the tax office
    roads: list[tuple[str, str]]  # (road name, postal code)


class _Pools:
    """Names, roads and business names drawn from Faker once, then sampled with our rng."""

    def __init__(self, rng: _Random):
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
            _copy_safe(value)

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


# --- Writing in bulk --------------------------------------------------------------------------------


def _copy_safe(value: str) -> str:
    """Refuse a string that COPY's text format would need to escape.

    The generator composes every string from pools checked here once, digits and fixed
    words, so rows can be formatted with a bare str() per value, twice as fast as escaping.
    """
    if any(char in value for char in '\\\t\n\r"'):
        raise ValueError(f"not safe for COPY: {value!r}")
    return value


def _json_text(value) -> str:
    """JSON of the generator's details (dicts of ints and COPY-safe strings, which need no
    escaping), several times faster than json.dumps for these small values."""
    if isinstance(value, dict):
        return "{" + ", ".join([f'"{key}": {_json_text(item)}' for key, item in value.items()]) + "}"
    if isinstance(value, str):
        return f'"{value}"'
    if value is None:
        return "null"
    return str(int(value))


class _Writer:
    """Pre-assigns primary keys and writes rows: COPY on PostgreSQL, bulk_create elsewhere.

    On PostgreSQL the tables' foreign keys, unique constraints and secondary indexes are
    dropped while the rows stream in and rebuilt at the end, inside the same transaction:
    building an index once is far cheaper than updating it a million times, and checking a
    foreign key once with a join far cheaper than a million queued trigger calls. If
    anything fails, the rollback brings every one of them back.
    """

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.next_id: dict[type[models.Model], int] = {}
        self.constraints: list[tuple[str, str, str]] = []
        self.indexes: list[tuple[str, str]] = []
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            if self.postgres:
                tables = ", ".join(quote(m._meta.db_table) for m in TABLES)
                # Nobody else may use these tables while we hand out their keys.
                cursor.execute(f"LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE")
            for model in TABLES:
                table = quote(model._meta.db_table)
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 (our own table names)
                self.next_id[model] = cursor.fetchone()[0] + 1
            if self.postgres:
                self._drop_constraints(cursor)

    def _drop_constraints(self, cursor) -> None:
        tables = [connection.ops.quote_name(m._meta.db_table) for m in TABLES]
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u') ORDER BY contype DESC, conname",
            [tables],
        )
        self.constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = ANY(%s::regclass[]) AND NOT indisprimary AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint WHERE conindid = indexrelid) ORDER BY 1",
            [tables],
        )
        self.indexes = cursor.fetchall()
        # A table with queued foreign-key checks (the agencies just created) cannot be altered:
        # run those checks now. Django's constraints are all INITIALLY DEFERRED again after.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, _definition in self.constraints:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
        for name, _definition in self.indexes:
            cursor.execute(f"DROP INDEX {name}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def timestamp(self, moment: dt.datetime) -> dt.datetime | str:
        """`moment` as the rows carry it: formatted once for COPY, which saves a million str()s."""
        return moment.isoformat() if self.postgres else moment

    @property
    def null(self) -> str | None:
        """SQL NULL as the rows carry it."""
        return "\\N" if self.postgres else None

    def blob(self, value: bytes) -> bytes | str:
        """A bytea value: hex for COPY."""
        return "\\\\x" + value.hex() if self.postgres else value

    def json(self, value: dict) -> dict | str:
        """A JSON column's value: serialised for COPY, a dict for bulk_create."""
        return _json_text(value) if self.postgres else value

    def ids(self, model: type[models.Model]) -> Callable[[], int]:
        """A function that hands out the next primary key of `model`."""

        def take() -> int:
            value = self.next_id[model]
            self.next_id[model] = value + 1
            return value

        return take

    def write(self, model: type[models.Model], rows: list[list]) -> None:
        if not rows:
            return
        attnames = COLUMNS[model]
        if not self.postgres:
            model.objects.bulk_create(
                (model(**dict(zip(attnames, row, strict=True))) for row in rows), batch_size=2000
            )
            return
        quote = connection.ops.quote_name
        columns = ", ".join(quote(model._meta.get_field(a).column) for a in attnames)
        sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for start in range(0, len(rows), 5000):
                block = rows[start : start + 5000]
                # NULL, bytea and JSON values arrive formatted (see null, blob, json)
                copy.write("".join(["\t".join(map(str, row)) + "\n" for row in block]))

    def finish(self) -> None:
        """Rebuild what `__init__` dropped, move each table's id sequence past the keys we
        assigned, and refresh the planner's statistics."""
        if not self.postgres:
            return
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for _name, definition in self.indexes:
                cursor.execute(definition)
            for table, name, definition in self.constraints:
                cursor.execute(
                    f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
                )
            for model in TABLES:
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)", [table, self.next_id[model]]
                )
                cursor.execute(f"ANALYZE {table}")


# --- The generator ---------------------------------------------------------------------------------


@dataclass
class _Person:
    birth: dt.date
    sex: str
    family_name: str
    relation: str
    id: int = 0
    given: str = ""
    deceased_on: dt.date | None = None
    registered_on: dt.date | None = None


class _Nation:
    """Draws households, their people, businesses and vehicles, chunk by chunk."""

    def __init__(self, *, seed: int, today: dt.date, now: dt.datetime, writer: _Writer, districts, nts_id):
        self.rng = _Random(seed)
        self.pools = _Pools(self.rng)
        self.today = today
        self.now = writer.timestamp(now)
        self.json = writer.json
        self.no_details = writer.json({})
        self.null = writer.null
        self.blob = writer.blob
        self.why = {kind: (*why, self.null) for kind, why in WHY.items()}  # recorded by nobody
        self.writer = writer
        self.districts: list[_District] = []
        weights = []
        for code, (agency_id, name_ko, weight, postal_from, postal_to, roads) in districts.items():
            self.districts.append(
                _District(
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
                _copy_safe(value)
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
        latest = _add_years(self.today, -age)
        return self._date_between(_add_years(latest, -1) + dt.timedelta(days=1), latest)

    def _district(self) -> _District:
        return self.districts[bisect.bisect(self.district_cum, self.rng.random() * self.district_cum[-1])]

    def _address(self, district: _District) -> tuple[str, str, str]:
        rng = self.rng
        road, postal = rng.choice(district.roads)
        number = rng.randint(1, 250)
        road_address = f"{district.name_ko} {road} {number}" + (
            f"-{rng.randint(1, 30)}" if rng.random() < 0.2 else ""
        )
        kind = rng.random()
        if kind < 0.6:
            building, floor, unit = rng.randint(101, 120), rng.randint(1, 25), rng.randint(1, 4)
            detail = f"{rng.choice(APARTMENT_BRANDS)} {building}동 {floor}{unit:02d}호"
        elif kind < 0.8:
            detail = f"{self.pools.given_name('F', self.today)}빌라 {rng.randint(1, 5)}0{rng.randint(1, 4)}호"
        else:
            detail = ""
        return road_address, detail, postal

    # -- households

    def _couple(self, head_age: int, *, head_male: bool = True) -> tuple[_Person, _Person, dt.date]:
        """A married couple; the wife is usually a little younger. Returns head, spouse, wedding."""
        rng = self.rng
        head_sex, spouse_sex = ("M", "F") if head_male else ("F", "M")
        head = _Person(self._birth_for_age(head_age), head_sex, self.pools.family_name(), "head")
        gap = rng.randint(-2, 6) * (1 if head_male else -1)
        spouse_age = max(20, head_age - gap)
        spouse = _Person(self._birth_for_age(spouse_age), spouse_sex, self.pools.family_name(), "spouse")
        younger = max(head.birth, spouse.birth)
        wedding = _add_years(younger, rng.randint(24, 33)) + dt.timedelta(days=rng.randint(0, 364))
        if wedding > self.today:
            wedding = self._date_between(_add_years(younger, 18), self.today)
        return head, spouse, wedding

    def _children(self, parents: list[_Person], count: int, family_name: str) -> list[_Person]:
        """Children born when every parent was 20 to 40 years old (22 to 38, to stay clear)."""
        rng = self.rng
        earliest = _add_years(max(p.birth for p in parents), 22)
        latest = min(_add_years(min(p.birth for p in parents), 38), self.today)
        if earliest > latest:
            return []
        births = sorted(self._date_between(earliest, latest) for _ in range(count))
        kids, names = [], set()
        for birth in births:
            kid = _Person(birth, rng.choice("MF"), family_name, "child")
            kid.given = self.pools.given_name(kid.sex, birth)
            while kid.given in names:
                kid.given = self.pools.given_name(kid.sex, birth)
            names.add(kid.given)
            kids.append(kid)
        return kids

    def _plan(self, kind: str, forced_age: int | None = None) -> tuple[list[_Person], dict]:
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
            head = _Person(self._birth_for_age(age), sex, self.pools.family_name(), "head")
            meta["formed_on"] = self._date_between(_add_years(head.birth, 19), self.today)
            members = [head]
            if age >= 65 and rng.random() < 0.35:
                # Widowed: the late spouse stays on the register as deceased, outside the household.
                late_sex = "M" if sex == "F" else "F"
                years = -rng.randint(0, 5) if late_sex == "M" else rng.randint(0, 3)
                late = _Person(_add_years(head.birth, years), late_sex, self.pools.family_name(), "")
                younger = max(head.birth, late.birth)
                wedding = _add_years(younger, rng.randint(22, 32)) + dt.timedelta(days=rng.randint(0, 364))
                died_from = max(_add_years(wedding, 5), _add_years(late.birth, 50))
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
                wedding = max(wedding, _add_years(max(head.birth, spouse.birth), 18))
            meta["wedding"] = meta["formed_on"] = wedding
            members = [head, spouse, *kids]
            if kind == "three_generation":
                grandparent_sex = "F" if rng.random() < 0.65 else "M"
                birth = _add_years(head.birth, -rng.randint(22, 38))
                oldest = _add_years(self.today, -98)
                if birth < oldest:
                    birth = oldest
                if _age_on(birth, head.birth) >= 20:
                    name = head.family_name if grandparent_sex == "M" else self.pools.family_name()
                    grandparent = _Person(birth, grandparent_sex, name, "parent")
                    grandparent.registered_on = self._date_between(wedding, self.today)
                    members.append(grandparent)
            return members, meta
        # single parent: a mother three times in four; the children carry their father's name
        parent = _Person(
            self._birth_for_age(rng.randint(28, 60)), "F" if rng.random() < 0.75 else "M", "", "head"
        )
        parent.family_name = self.pools.family_name()
        kid_name = self.pools.family_name() if parent.sex == "F" else parent.family_name
        kids = self._children([parent], rng.choices((1, 2), (60, 40))[0], kid_name)
        formed = _add_years(parent.birth, 20)
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
        road_address, detail, postal = self._address(district)
        address = [road_address, detail, postal]
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

        adults = [p for p in living if _age_on(p.birth, self.today) >= 20]
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

    def _resident_row(self, person: _Person, district: _District, household_id: int, address, rows) -> int:
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

    def _family_rows(self, members: list[_Person], wedding: dt.date | None, rows) -> None:
        add = rows[FamilyRelation].append
        take = self.ids[FamilyRelation]
        head = members[0]
        by_relation: dict[str, list[_Person]] = {}
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

    # -- businesses and vehicles

    def _brn(self, district: _District, corporate: bool) -> str:
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

    def _business(self, owner: _Person, district: _District, rows, *, status: str | None = None) -> int:
        rng = self.rng
        corporate = rng.random() < 0.2
        business_id = self.ids[Business]()
        opened_from = max(_add_years(owner.birth, 20), _add_years(self.today, -30))
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
        self, district, rows, *, resident: _Person | None = None, business=None, transfer=None
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
            adult_from = _add_years(resident.birth, 19)
            registered_on = self._date_between(max(adult_from, _add_years(self.today, -15)), self.today)
            letters = PRIVATE_PLATE_LETTERS
            owner = {"owner_resident": resident.id}
            owner_cols = [resident.id, self.null]
            first_owner, transferred_on = owner, None
            if transfer is not False and rng.random() < 0.15 and self.recent_adults:
                seller_id, seller_birth = rng.choice(self.recent_adults)
                first_on = max(_add_years(seller_birth, 19), _add_years(self.today, -15))
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

    # -- chunks

    def chunk(self, size: int) -> dict[type[models.Model], list[list]]:
        """At least one household, up to `size` residents, as rows per table."""
        rows: dict[type[models.Model], list[list]] = {model: [] for model in TABLES}
        made = 0
        while made < size:
            forced = {0: "citizen", 1: "business"}.get(self.households_made)
            made += self.household(size - made, rows, forced=forced)
        return rows


# --- Agencies, demo users -------------------------------------------------------------------------


def _agencies() -> tuple[dict, int, int]:
    """Create or reuse the agencies; return district facts by code, the NTS id and MOIS id."""

    def upsert(code: str, name_ko: str, name_en: str, kind: str, parent: Agency | None) -> Agency:
        return Agency.objects.get_or_create(
            code=code, defaults={"name_ko": name_ko, "name_en": name_en, "kind": kind, "parent": parent}
        )[0]

    mois = upsert(*MOIS, Agency.Kind.MINISTRY, None)
    nts = upsert(*NTS, Agency.Kind.OFFICE, None)
    districts = {}
    for metro_code, (metro_ko, metro_en, metro_short) in METROPOLITAN.items():
        metro = upsert(metro_code, metro_ko, metro_en, Agency.Kind.METROPOLITAN, mois)
        for line in DISTRICTS[metro_code].strip().splitlines():
            code, name_ko, name_en, weight, postal, roads = line.split(maxsplit=5)
            postal_from, postal_to = (int(p) for p in postal.split("-"))
            weight = int(weight)
            full_ko = f"{metro_ko} {name_ko}"
            agency = upsert(code, full_ko, f"{name_en}, {metro_short}", Agency.Kind.LOCAL, metro)
            districts[code] = (agency.pk, full_ko, weight, postal_from, postal_to, roads)
    return districts, nts.pk, mois.pk


def demo_totp_key(*, seed: int, username: str) -> str:
    """The demo official's TOTP key (hex, 20 bytes), the same for every seed run with `seed`."""
    return hmac.new(b"egov-demo-totp", f"{seed}:{username}".encode(), hashlib.sha256).hexdigest()[:40]


def _demo_users(*, seed: int, nation: _Nation, password_hash: str) -> list[str]:
    pools = nation.pools
    agencies = {a.code: a for a in Agency.objects.filter(code__in=[o[1] for o in DEMO_OFFICIALS])}
    citizen_resident = Resident.objects.get(pk=nation.demo["citizen_resident"])
    business_resident = Resident.objects.get(pk=nation.demo["business_resident"])
    common = {"password": password_hash, "is_demo": True}
    User.objects.create(
        username="citizen",
        kind=User.Kind.CITIZEN,
        resident=citizen_resident,
        first_name=citizen_resident.name_ko[1:],
        last_name=citizen_resident.name_ko[:1],
        **common,
    )
    business_user = User.objects.create(
        username="business",
        kind=User.Kind.BUSINESS,
        resident=business_resident,
        first_name=business_resident.name_ko[1:],
        last_name=business_resident.name_ko[:1],
        **common,
    )
    for business in Business.objects.filter(pk__in=nation.demo["businesses"]):
        BusinessRepresentation.objects.create(user=business_user, business=business, since=business.opened_on)
    names = ["citizen", "business"]
    for username, code, roles in DEMO_OFFICIALS:
        sex = nation.rng.choice("MF")
        user = User.objects.create(
            username=username,
            kind=User.Kind.OFFICIAL,
            agency=agencies[code],
            first_name=pools.given_name(sex, dt.date(1980, 1, 1)),
            last_name=pools.family_name(),
            **common,
        )
        OfficialRole.objects.bulk_create(OfficialRole(user=user, role=role) for role in roles)
        TOTPDevice.objects.create(
            user=user, name="authenticator", confirmed=True, key=demo_totp_key(seed=seed, username=username)
        )
        names.append(username)
    return names


# --- Entry points ------------------------------------------------------------------------------------


def registry_has_data() -> bool:
    """True when any resident is registered (what `seed --if-empty` checks)."""
    return Resident.objects.exists()


def _refuse_if_not_empty() -> None:
    taken = [
        label
        for label, queryset in (
            ("residents", Resident.objects.all()),
            ("households", Household.objects.all()),
            ("businesses", Business.objects.all()),
            ("vehicles", Vehicle.objects.all()),
            ("demo users", User.objects.filter(Q(is_demo=True) | Q(username__in=DEMO_USERNAMES))),
        )
        if queryset.exists()
    ]
    if taken:
        raise SeedRefused(
            f"The database already holds {', '.join(taken)}. Seed only an empty database "
            "(or pass --if-empty to skip seeding when residents exist).",
            field=None,
        )


def nation_seed(
    *,
    residents: int,
    seed: int = DEFAULT_SEED,
    chunk_size: int = CHUNK_RESIDENTS,
    progress: Callable[[str], None] | None = None,
) -> SeedResult:
    """Create the synthetic nation with `residents` people (the living and a few deceased)
    and the demo logins, in one transaction. Raises SeedRefused if registry data exists."""
    if residents < MIN_RESIDENTS:
        raise ValueError(f"The nation needs at least {MIN_RESIDENTS} residents (for the demo households).")
    started = time.monotonic()
    with transaction.atomic():
        writer = _Writer()  # on PostgreSQL, locks the registers first: two seeds cannot interleave
        _refuse_if_not_empty()
        districts, nts_id, mois_id = _agencies()
        today, now = timezone.localdate(), timezone.now()
        nation = _Nation(seed=seed, today=today, now=now, writer=writer, districts=districts, nts_id=nts_id)
        password_hash = make_password(DEMO_PASSWORD)  # once: Argon2 is slow on purpose
        counts = dict.fromkeys((m.__name__ for m in TABLES), 0)
        made = 0
        while made < residents:
            rows = nation.chunk(min(chunk_size, residents - made))
            for model in TABLES:
                writer.write(model, rows[model])
                counts[model.__name__] += len(rows[model])
            made += len(rows[Resident])
            if progress:
                progress(f"{made:,} of {residents:,} residents ({time.monotonic() - started:.0f} s)")
        finishing = time.monotonic()
        writer.finish()
        if progress and writer.postgres:
            progress(f"indexes, constraints and statistics rebuilt in {time.monotonic() - finishing:.0f} s")
        demo_users = _demo_users(seed=seed, nation=nation, password_hash=password_hash)
        audit_record(
            actor=None,
            action="registry.seed",
            obj=Agency.objects.get(pk=mois_id),
            after={"seed": seed, **counts},
            reason="Synthetic nation for demonstration and testing",
        )
    return SeedResult(seed=seed, counts=counts, seconds=time.monotonic() - started, demo_users=demo_users)
