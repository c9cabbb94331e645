"""The address register (도로명주소): the layout of the national road-name address files, the
loader behind `egov addresses load FILE`, the search behind every address picker, and the file
the demo seed generates in the same layout. docs/addresses.md describes the layout."""

import random
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from egov.core.errors import ValidationFailed
from egov.registry.models import Agency, RoadAddress

# 도로명주소 한글 (주소DB, rnaddrkor_*.txt): one building a line, fields separated by "|", in
# this order. Files from the address portal are CP949; ours and converted ones are UTF-8.
LAYOUT = (
    "key",  # 1 도로명주소관리번호 (26)
    "legal_dong_code",  # 2 법정동코드 (10)
    "sido",  # 3 시도명
    "sigungu",  # 4 시군구명
    "eupmyeondong",  # 5 법정읍면동명
    "ri",  # 6 법정리명
    "mountain",  # 7 산여부 (0 대지, 1 산)
    "jibun_main",  # 8 지번본번
    "jibun_sub",  # 9 지번부번
    "road_code",  # 10 도로명코드 (12: 시군구코드 5 + 도로명번호 7)
    "road_name",  # 11 도로명
    "underground",  # 12 지하여부 (0 지상, 1 지하, 2 공중)
    "building_main",  # 13 건물본번
    "building_sub",  # 14 건물부번
    "admin_dong_code",  # 15 행정동코드
    "admin_dong_name",  # 16 행정동명
    "postal_code",  # 17 기초구역번호 (우편번호, 5)
    "previous_address",  # 18 이전도로명주소
    "effective_date",  # 19 효력발생일 (YYYYMMDD)
    "apartment",  # 20 공동주택구분 (0 비공동, 1 공동)
    "change_reason",  # 21 이동사유코드 (31 신규, 34 변경, 63 폐지)
    "ledger_building_name",  # 22 건축물대장건물명
    "building_name",  # 23 시군구용건물명
    "note",  # 24 비고
)
RETIRED = "63"  # 이동사유코드 폐지: the address no longer exists
SEARCH_LIMIT = 10
SIDO_ENDINGS = ("특별시", "광역시", "특별자치시", "도")  # 서울특별시, 부산광역시, 세종특별자치시, 경기도
REGION_ENDINGS = ("시", "도", "구", "군", "읍", "면", "동")
BATCH = 2000


def road_name_normalize(text: str) -> str:
    """The road name as the index keeps it: NFC, no spaces ("테헤란 로" finds 테헤란로)."""
    return "".join(unicodedata.normalize("NFC", text or "").split())


@dataclass
class ParseError(Exception):
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def address_lines_parse(lines: Iterable[str]) -> Iterator[tuple[dict, bool]]:
    """(fields for RoadAddress, retired?) for each line of a file in LAYOUT; a malformed line
    raises ParseError naming it, so a broken file loads nothing."""
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        values = line.split("|")
        if len(values) < 17:
            raise ParseError(number, f"{len(values)} fields, the layout has {len(LAYOUT)}")
        row = dict(zip(LAYOUT, values + [""] * (len(LAYOUT) - len(values)), strict=False))
        key, postal = row["key"].strip(), row["postal_code"].strip()
        if not key or len(key) > 26:
            raise ParseError(number, "도로명주소관리번호 is empty or longer than 26")
        if not (len(postal) == 5 and postal.isdigit()):
            raise ParseError(number, f"우편번호 {postal!r} is not 5 digits")
        try:
            main, sub = int(row["building_main"] or 0), int(row["building_sub"] or 0)
        except ValueError:
            raise ParseError(number, "건물번호 is not a number") from None
        if main <= 0 or not row["road_name"].strip() or not row["sido"].strip():
            raise ParseError(number, "시도명, 도로명 and 건물본번 are required")
        yield (
            {
                "key": key,
                "legal_dong_code": row["legal_dong_code"].strip()[:10],
                "sido": row["sido"].strip(),
                "sigungu": row["sigungu"].strip(),
                "eupmyeondong": row["eupmyeondong"].strip(),
                "road_code": row["road_code"].strip()[:12],
                "road_name": row["road_name"].strip(),
                "road_name_norm": road_name_normalize(row["road_name"]),
                "underground": row["underground"].strip() == "1",
                "building_main": main,
                "building_sub": sub,
                "postal_code": postal,
                "building_name": (row["building_name"] or row["ledger_building_name"]).strip()[:100],
            },
            row["change_reason"].strip() == RETIRED,
        )


FIELDS = (
    "legal_dong_code", "sido", "sigungu", "eupmyeondong", "road_code", "road_name", "road_name_norm",
    "underground", "building_main", "building_sub", "postal_code", "building_name",
)  # fmt: skip


def addresses_load(*, path: Path | str, encoding: str = "utf-8") -> dict[str, int]:
    """Load a file of the road-name address DB (full or changes): new addresses are added,
    known ones (by 도로명주소관리번호) updated, retired ones (이동사유코드 63) removed. One
    transaction: a malformed line loads nothing. Counts of added, updated and removed."""
    counts = {"added": 0, "updated": 0, "removed": 0}
    with open(path, encoding=encoding, errors="strict") as handle, transaction.atomic():
        batch: list[tuple[dict, bool]] = []
        for item in address_lines_parse(handle):
            batch.append(item)
            if len(batch) >= BATCH:
                _apply(batch, counts)
                batch = []
        _apply(batch, counts)
    return counts


def _apply(batch: list[tuple[dict, bool]], counts: dict[str, int]) -> None:
    if not batch:
        return
    retired = [row["key"] for row, gone in batch if gone]
    if retired:
        counts["removed"] += RoadAddress.objects.filter(key__in=retired).delete()[0]
    live = {row["key"]: row for row, gone in batch if not gone}
    known = {a.key: a for a in RoadAddress.objects.filter(key__in=list(live))}
    new = [RoadAddress(**row) for key, row in live.items() if key not in known]
    changed = []
    for key, row in live.items():
        if key in known:
            address = known[key]
            for name in FIELDS:
                setattr(address, name, row[name])
            changed.append(address)
    RoadAddress.objects.bulk_create(new, batch_size=BATCH)
    if changed:
        RoadAddress.objects.bulk_update(changed, FIELDS, batch_size=BATCH)
    counts["added"] += len(new)
    counts["updated"] += len(changed)


def address_search(query: str, *, limit: int = SEARCH_LIMIT) -> list[RoadAddress]:
    """Addresses for what a person typed: a road name or its beginning, optionally a building
    number ("테헤란로 15" → 테헤란로 15, 150-159...), optionally after the 시군구 ("강남구 테헤란로").
    A prefix match on the normalized road name's index; at most `limit` (never more than 50)."""
    words = unicodedata.normalize("NFC", query or "").split()
    limit = max(1, min(limit, 50))
    number = ""
    if words and words[-1].replace("-", "").isdigit():
        number = words.pop().split("-")[0]
    if not words:
        return []
    # 시도/시군구/읍면동 words narrow the search; the rest is the road name, spaces or not.
    region = [w for w in words if w.endswith(REGION_ENDINGS)]
    road = "".join(w for w in words if not w.endswith(REGION_ENDINGS))
    if not road:
        return []
    if len(road_name_normalize(road)) < 2:
        return []
    qs = RoadAddress.objects.filter(road_name_norm__startswith=road_name_normalize(road))
    for word in region:
        qs = qs.filter(
            Q(sigungu__startswith=word) | Q(sido__startswith=word) | Q(eupmyeondong__startswith=word)
        )
    if number:
        qs = qs.filter(
            Q(building_main=int(number))
            | Q(building_main__gte=int(number) * 10, building_main__lt=(int(number) + 1) * 10)
        )  # noqa: E501
    return list(qs.order_by("road_name_norm", "building_main", "building_sub", "sido", "sigungu")[:limit])


def address_agency(address: RoadAddress) -> Agency | None:
    """The local government (시군구청) of the address, by name under its 시도."""
    return (
        Agency.objects.filter(kind=Agency.Kind.LOCAL, parent__name_ko=address.sido)
        .filter(Q(name_ko=address.sigungu) | Q(name_ko=f"{address.sido} {address.sigungu}"))
        .first()
        if address.sigungu
        else None
    )


def address_get(key: str) -> RoadAddress:
    """The register's address by its 도로명주소관리번호; refused naming the field otherwise."""
    found = RoadAddress.objects.filter(key=(key or "").strip()).first()
    if found is None:
        raise ValidationFailed(_("Choose the address from the search results."), field="road_address")
    return found


def address_match(road_address: str) -> RoadAddress | None:
    """The register's address for a typed one ("서울특별시 강남구 테헤란로 152" or "강남구
    테헤란로 152"), or None."""
    words = (road_address or "").split()
    if len(words) < 2:
        return None
    number = words[-1].removeprefix("지하")
    main, _sep, sub = number.partition("-")
    if not main.isdigit() or (sub and not sub.isdigit()):
        return None
    qs = RoadAddress.objects.filter(
        road_name_norm=road_name_normalize(words[-2]), building_main=int(main), building_sub=int(sub or 0)
    )
    for word in words[:-2]:
        # 시군구명 may be two words ("수원시 장안구").
        qs = qs.filter(
            Q(sigungu=word)
            | Q(sido=word)
            | Q(sigungu__startswith=f"{word} ")
            | Q(sigungu__endswith=f" {word}")
        )
    return qs.first()


def full_road_address(road_address: str, agency_name: str) -> str:
    """The road-name address with its 시도 and 시군구: a citizen who chose 서울특별시 강남구 and
    typed "테헤란로 152" (or "강남구 테헤란로 152") moved to "서울특별시 강남구 테헤란로 152"."""
    road_address = " ".join((road_address or "").split())
    if road_address.split(" ", 1)[0].endswith(SIDO_ENDINGS):
        return road_address  # already from the 시도 on, wherever that is
    region = agency_name.split()
    for start in range(len(region)):
        if road_address.startswith(" ".join(region[start:]) + " "):
            return " ".join([*region[:start], road_address])
    return " ".join([*region, road_address])


BUILDING_NUMBER_RE = re.compile(r"^(지하)?([0-9]{1,5})(-[0-9]{1,5})?$")


def address_parts(road_address: str) -> dict[str, str] | None:
    """시도, 시군구, 도로명 and 건물번호 of a full road-name address ("서울특별시 강남구 테헤란로
    152", "경기도 수원시 장안구 정자로 7-2", "세종특별자치시 한누리대로 2130"), or None when it
    does not end in a road name and a building number after at least the 시도."""
    words = " ".join((road_address or "").split()).replace("지하 ", "지하").split()
    if len(words) < 3 or not BUILDING_NUMBER_RE.match(words[-1]):
        return None
    road_name, region = words[-2], words[:-2]
    if road_name.endswith(REGION_ENDINGS[:-1]) and not road_name.endswith(("로", "길")):
        return None
    return {
        "sido": region[0],
        "sigungu": " ".join(region[1:]),
        "road_name": road_name,
        "building_number": words[-1].removeprefix("지하"),
    }


def _from_register(found: RoadAddress) -> dict[str, str]:
    return {
        "road_address": found.road_address,
        "postal_code": found.postal_code,
        "address_key": found.key,
        "sido": found.sido,
        "sigungu": found.sigungu,
        "road_name": found.road_name,
        "building_number": found.building_number,
    }


def address_structure(
    *,
    road_address: str,
    address_detail: str = "",
    postal_code: str = "",
    address_key: str = "",
    agency: Agency | None = None,
) -> dict[str, str]:
    """The address as every register stores it: the full road-name address (with 시도 and
    시군구), its parts, the postal code, the register's key and the detail typed (동·호).

    The address is the register's row chosen in the picker (`address_key`) or the one matching
    what was typed, completed with the 시도/시군구 of `agency` when they were left out. Once the
    register is loaded, an address it does not hold is refused (field road_address), and one
    outside `agency`'s district too (field agency). On a machine whose register is empty the
    typed address is split into its parts, completed the same way. Refusals name the field."""
    detail = " ".join((address_detail or "").split())
    if len(detail) > 100:
        raise ValidationFailed(_("The address detail is longer than 100 characters."), field="address_detail")
    typed = " ".join((road_address or "").split())
    key = (address_key or "").strip()
    completed = full_road_address(typed, agency.name_ko) if agency is not None and typed else typed
    if key:
        found = address_get(key)
    elif typed:
        found = address_match(completed) or address_match(typed)
    else:
        raise ValidationFailed(_("The road-name address is required."), field="road_address")
    if found is not None:
        place = address_agency(found) if agency is not None else None
        if place is not None and place.pk != agency.pk:
            raise ValidationFailed(
                _("The address is in %(place)s, not in the district you chose.") % {"place": place.name_ko},
                field="agency",
            )
        return {**_from_register(found), "address_detail": detail}
    if RoadAddress.objects.exists():
        raise ValidationFailed(
            _("This address is not in the road-name address register; search for it and choose it."),
            field="road_address",
        )
    parts = address_parts(completed)
    if parts is None or len(completed) > 200:
        raise ValidationFailed(
            _("Give the road-name address as the road name and building number, e.g. 세종대로 209."),
            field="road_address",
        )
    postal = (postal_code or "").strip()
    if not (len(postal) == 5 and postal.isdigit()):
        raise ValidationFailed(_("The postal code is 5 digits."), field="postal_code")
    return {
        "road_address": completed,
        "postal_code": postal,
        "address_key": "",
        **parts,
        "address_detail": detail,
    }


# --- the demo seed's file ---------------------------------------------------------------------


def address_file_generate(
    path: Path,
    districts: Iterable[tuple[str, str, str, int, int, list[str]]],
    *,
    seed: int = 1,
    numbers: int = 40,
) -> int:  # noqa: E501
    """Write a file in LAYOUT for the demo: for each district (시도, 시군구, 시군구코드, postal
    range, road names), buildings 1..`numbers` on each road, with postal codes in the range.
    How many lines were written."""
    rng = random.Random(seed)  # noqa: S311 - demo data
    written = 0
    with open(path, "w", encoding="utf-8") as out:
        for sido, sigungu, sig_code, postal_from, postal_to, roads in districts:
            for road_index, road in enumerate(roads, start=1):
                road_code = f"{sig_code}{3000000 + road_index * 17:07d}"
                postal_base = rng.randint(postal_from, postal_to)
                for main in range(1, numbers + 1):
                    sub = rng.choice((0, 0, 0, 0, 1, 2))
                    postal = min(postal_to, postal_base + main // 15)
                    key = f"{road_code}{main:05d}{sub:05d}{1:04d}"[:26]
                    legal_dong = f"{sig_code}{10100 + road_index * 100:05d}"
                    fields = [
                        key, legal_dong, sido, sigungu, "", "", "0", str(rng.randint(1, 900)), "0",
                        road_code, road, "0", str(main), str(sub), legal_dong, "", f"{postal:05d}", "",
                        "20200101", "0", "31", "", "", "",
                    ]  # fmt: skip
                    out.write("|".join(fields) + "\n")
                    written += 1
    return written
