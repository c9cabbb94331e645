"""Give every stored address its parts: the road-name address completed with the 시도/시군구
of the row's municipality where they were left out (moving-in approvals stored "테헤란로 152"),
then split into 시도, 시군구, 도로명 and 건물번호. The parsing is written here, not imported,
so the migration keeps working when the app's code changes."""

import re

from django.db import migrations

BATCH = 2000
SIDO_ENDINGS = ("특별시", "광역시", "특별자치시", "도")
NUMBER = re.compile(r"^(지하)?[0-9]{1,5}(-[0-9]{1,5})?$")


def complete(road_address: str, agency_name: str) -> str:
    road_address = " ".join((road_address or "").split())
    if road_address.split(" ", 1)[0].endswith(SIDO_ENDINGS):
        return road_address  # already from the 시도 on, wherever that is
    region = agency_name.split()
    for start in range(len(region)):
        if road_address.startswith(" ".join(region[start:]) + " "):
            return " ".join([*region[:start], road_address])
    return " ".join([*region, road_address])


def parts(full: str, agency_name: str) -> dict[str, str]:
    words = full.replace("지하 ", "지하").split()
    if len(words) >= 3 and NUMBER.match(words[-1]):
        region = words[:-2]
        return {
            "sido": region[0][:40],
            "sigungu": " ".join(region[1:])[:40],
            "road_name": words[-2][:80],
            "building_number": words[-1].removeprefix("지하")[:20],
        }
    sido, _space, sigungu = agency_name.partition(" ")
    return {"sido": sido[:40], "sigungu": sigungu[:40], "road_name": "", "building_number": ""}


def fill(apps, schema_editor):
    fields = ["road_address", "sido", "sigungu", "road_name", "building_number"]
    for name in ("Household", "Resident", "Business"):
        model = apps.get_model("registry", name)
        last = 0
        while True:
            rows = list(
                model.objects.filter(pk__gt=last, sido="")
                .order_by("pk")
                .values_list("pk", "road_address", "agency__name_ko")[:BATCH]
            )
            if not rows:
                break
            changed = []
            for pk, road_address, agency_name in rows:
                full = complete(road_address, agency_name)[:200]
                changed.append(model(pk=pk, road_address=full, **parts(full, agency_name)))
            model.objects.bulk_update(changed, fields)
            last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0005_address_parts"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
