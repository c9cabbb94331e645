"""What the open-data benchmarks share: a database of their own on PostgreSQL, migrated, with
Django set up in this process, and fills made with `bulk_create` as the feeds would write them
(a dataset, its tags, a CSV resource, a version; a datastore table of N rows)."""

import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import measure  # the sibling module benchmarks/measure.py

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/egov_opendata_bench"
SECRET_KEY = "opendata-bench-secret-key-0123456789-abcdefghijklmnop"  # noqa: S105 (benchmark data only)
WORDS = (
    "교통 버스 지하철 인구 주민 예산 세입 세출 조달 입찰 계약 공원 도서관 병원 학교 날씨 대기 수질 주차 관광"
).split()


def setup(url: str, *, recreate: bool) -> None:
    """Create (or recreate) and migrate the benchmark database, then set Django up on it."""
    env = measure.egov_env(url, ROOT / ".bench" / "opendata", SECRET_KEY)
    measure.database_create(url, recreate=recreate)
    subprocess.run([str(BIN / "egov"), "migrate", "--noinput", "-v", "0"], env=env, check=True)
    os.environ.update({k: v for k, v in env.items() if k.startswith(("EGOV_", "DJANGO_"))})
    os.environ["EGOV_OPENDATA_ANONYMOUS_RATE"] = "100000000/60"
    import django

    django.setup()


def agencies(n: int = 50) -> list:
    from egov.registry.models import Agency

    out = []
    for i in range(n):
        code = f"{1100000 + i * 1000:07d}"
        out.append(
            Agency.objects.get_or_create(
                code=code,
                defaults={"name_ko": f"벤치기관{i}", "name_en": f"Bench agency {i}", "kind": "office"},
            )[0]
        )
    return out


def datasets_fill(target: int, *, seed: int = 1) -> int:
    """Fill up to `target` datasets (each with 2-4 tags, one CSV resource and a version); return
    how many were made now."""
    from django.utils import timezone

    from egov.opendata.models import Dataset, DatasetVersion, Resource, Tag
    from egov.opendata.services import theme_ensure
    from egov.opendata.themes import THEMES

    have = Dataset.objects.count()
    if have >= target:
        return 0
    rng = random.Random(seed)
    publishers = agencies()
    themes = [theme_ensure(name) for name in THEMES]
    tags = [Tag.objects.get_or_create(name=w)[0] for w in WORDS]
    licences = ["kogl-type1", "kogl-type2", "kogl-type3", "kogl-type4", "cc-by-4.0"]
    frequencies = ["daily", "weekly", "monthly", "quarterly", "annual", "irregular"]
    now = timezone.now()
    made = 0
    while have + made < target:
        batch = min(2000, target - have - made)
        datasets, resources, versions, links = [], [], [], []
        for i in range(batch):
            n = have + made + i
            words = rng.sample(WORDS, 3)
            publisher = rng.choice(publishers)
            d = Dataset(
                id=uuid.uuid4(),
                name=f"bench-{n:06d}",
                title_ko=f"{publisher.name_ko} {words[0]} {words[1]} 현황 {n}",
                title_en=f"Bench dataset {n}",
                notes=f"{words[2]} 관련 {words[0]} 통계입니다.",
                publisher=publisher,
                theme=rng.choice(themes),
                licence=rng.choice(licences),
                frequency=rng.choice(frequencies),
                contact_name="담당부서",
                contact_email="data@example.go.kr",
                temporal_start=dt.date(2020, 1, 1),
                temporal_end=dt.date(2025, 12, 31),
                version=1,
            )
            d.search_text = " ".join(
                [d.name, d.title_ko, d.title_en, d.notes, *words, publisher.name_ko]
            ).lower()
            datasets.append(d)
            resources.append(
                Resource(
                    dataset=d, position=0, name=d.title_ko, format=rng.choice(["CSV", "CSV", "JSON", "XML"]),
                    media_type="text/csv", content=b"", size=rng.randint(100, 10**7), last_modified=now,
                )
            )  # fmt: skip
            versions.append(
                DatasetVersion(dataset=d, number=1, issued_at=now, rows=0, size=0, sha256="0" * 64)
            )
            links += [
                Dataset.tags.through(dataset_id=d.id, tag_id=t.id)
                for t in rng.sample(tags, rng.randint(2, 4))
            ]
        Dataset.objects.bulk_create(datasets)
        Resource.objects.bulk_create(resources)
        DatasetVersion.objects.bulk_create(versions)
        Dataset.tags.through.objects.bulk_create(links)
        made += batch
    return made


def vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def timed(call, *, warmup: int, requests: int) -> dict:
    """p50/p95/p99/max in milliseconds of `requests` calls after `warmup` calls."""
    for _ in range(warmup):
        call()
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {
        "p50": statistics.median(times),
        "p95": times[int(len(times) * 0.95) - 1],
        "p99": times[int(len(times) * 0.99) - 1],
        "max": times[-1],
        "n": len(times),
    }


def show(label: str, figures: dict) -> None:
    print(
        f"{label:<48} n={figures['n']:<5} p50={figures['p50']:7.1f} ms  p95={figures['p95']:7.1f} ms  "
        f"p99={figures['p99']:7.1f} ms  max={figures['max']:7.1f} ms"
    )
