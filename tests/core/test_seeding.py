"""`egov seed` finds each app's own seed step, in app order, without core importing the apps."""

import pytest

from egov.core.seeding import SeedOptions, SeedRefused, seed_modules, seed_run


def test_the_steps_run_in_app_order_the_registry_first():
    labels = [label for label, _ in seed_modules()]
    assert labels == [
        "registry", "exchange", "payments", "civil", "petitions", "participation", "procurement",
        "edocs", "tax", "customs", "kpi", "opendata", "portal",
    ]  # fmt: skip


def test_a_refused_check_writes_nothing(db):
    from egov.registry.models import Agency

    with pytest.raises(SeedRefused, match="at least 10"):
        seed_run(options=SeedOptions(residents=3))
    assert not Agency.objects.exists()
