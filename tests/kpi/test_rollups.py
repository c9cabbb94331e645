"""The rollups are kept incrementally from the apps' own events: what the worker's ticks add up
batch by batch is exactly what a rebuild from scratch finds, and a tick reads only what is new."""

import datetime as dt

from django.utils import timezone

from egov.core.models import CaseClock
from egov.kpi.models import Rollup, Watermark
from egov.kpi.rollups import rollups_advance, rollups_rebuild, source_advance, sources
from egov.petitions import services
from tests.kpi.conftest import advance
from tests.petitions.test_services import file_one


def snapshot() -> set[tuple]:
    return {
        (
            r.measure,
            r.agency_id,
            r.month,
            r.service,
            r.subtree,
            r.count,
            round(r.total, 6),
            tuple(r.buckets or ()),
        )
        for r in Rollup.objects.all()
    }


def petitions_lived(petitioner, categories, bob, n=3):
    """Some petitions filed, answered (one late), rated and one transferred."""
    done = []
    for _ in range(n):
        done.append(
            services.petition_answer(actor=bob, petition=file_one(petitioner, categories), answer="답변")
        )
    late = file_one(petitioner, categories)
    CaseClock.objects.filter(pk=late.clock_id).update(due_at=timezone.now() - dt.timedelta(hours=1))
    late.refresh_from_db()
    services.petition_answer(actor=bob, petition=late, answer="늦은 답변")
    services.petition_rate(actor=petitioner, petition=done[0], satisfaction=4)
    return done


def test_incremental_ticks_add_up_to_what_a_rebuild_finds(petitioner, categories, bob):
    petitions_lived(petitioner, categories, bob)
    rollups_advance(lag_seconds=0, force_gauges=True, batch=2)  # small batches: many watermark moves
    file_one(petitioner, categories, code="parking-gangnam")
    petitions_lived(petitioner, categories, bob, n=2)
    advance()
    incremental = snapshot()
    assert incremental
    rollups_rebuild()
    assert snapshot() == incremental


def test_a_tick_with_nothing_new_changes_nothing(petitioner, categories, bob):
    petitions_lived(petitioner, categories, bob)
    advance()
    before = snapshot()
    assert advance() == 0
    assert snapshot() == before


def test_rows_younger_than_the_lag_wait_for_the_next_tick(petitioner, categories, bob):
    file_one(petitioner, categories)
    (history,) = [s for s in sources() if s.code == "cases.history"]
    assert source_advance(history, lag_seconds=60) == 0
    assert not Watermark.objects.filter(source="cases.history", position__gt=0).exists()
    assert source_advance(history, lag_seconds=0) > 0


def test_an_agencys_fact_counts_for_the_agencies_above_it_and_the_nation_too(
    petitioner, categories, bob, jongno, seoul, mois, gangnam
):
    file_one(petitioner, categories)
    advance()
    cells = {(r.agency_id, r.subtree): r.count for r in Rollup.objects.filter(measure="petitions.received")}
    assert cells == {
        (jongno.pk, False): 1,
        (jongno.pk, True): 1,
        (seoul.pk, True): 1,
        (mois.pk, True): 1,
        (None, False): 1,
    }


def test_the_seed_adds_up_the_rollups_once_so_the_dashboard_starts_filled(petitioner, categories, bob):
    from egov.core.seeding import SeedOptions
    from egov.kpi.seed import seed_step

    petitions_lived(petitioner, categories, bob, n=1)
    report = seed_step(options=SeedOptions(residents=0))
    assert "kpi:" in report.lines[0]
    assert Rollup.objects.filter(measure="petitions.received", agency=None).get().count == 2
    assert Rollup.objects.filter(measure="platform.probes").exists()
