from django.core.management import call_command

from egov.accounts.models import User
from egov.exchange import selectors
from egov.exchange.accesslog import access_log_integrate, entry_leaf_hash
from egov.exchange.catalogue import READS
from egov.exchange.models import AccessLogEntry, Consent, Grant


def test_the_demo_nation_comes_with_a_living_exchange_history(db):
    call_command("seed", "--residents", "300", verbosity=0)
    access_log_integrate()  # the certificates' fetches were appended after the seed's integration
    entries = list(AccessLogEntry.objects.order_by("seq"))
    from egov.civil.models import Application

    civil = sum(len(a.fetched) for a in Application.objects.all())  # the demo's certificates fetch too
    assert civil > 0
    # officials' counter records and decisions show their subjects too (exchange.catalogue.READS);
    # customs' permit checks, tax clearances and the year-end settlement data the demo citizen
    # gathered add their own fetches to the exchange's 300
    others = {"tax.clearance", "quarantine.import_permits", "yearend.insurance", "yearend.medical",
              "yearend.education", "yearend.card"}  # fmt: skip
    fetched = [e for e in entries if e.item_code not in READS and e.item_code not in others]
    assert len(fetched) == 300 + civil, sorted({e.item_code for e in fetched})
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert all(entry_leaf_hash(e).hex() == e.entry_hash for e in entries)
    assert {e.outcome for e in entries} == {"granted", "refused"}
    citizen = User.objects.get(username="citizen")
    assert selectors.access_log_for_me(actor=citizen).exists()
    assert Consent.objects.filter(resident=citizen.resident).exists()
    assert set(Grant.objects.values_list("status", flat=True)) == {"approved", "requested", "refused"}
    mois = User.objects.get(username="official.mois")
    assert selectors.provider_statistics(actor=mois, days=61)
    assert User.objects.get(username="official.nps").agency.code == "1352000"
