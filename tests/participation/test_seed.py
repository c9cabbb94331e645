"""`egov seed` brings petitions into the demo officials' queues and a couple of public proposals."""

from django.core.management import call_command

from egov.accounts.models import User
from egov.participation.models import Proposal
from egov.petitions.models import Petition
from egov.petitions.selectors import petition_queue_for


def test_the_demo_nation_comes_with_petitions_in_the_queues_and_proposals(db, settings):
    settings.EGOV_PROPOSAL_THRESHOLD = 50
    call_command("seed", "--residents", "300", verbosity=0)
    states = set(Petition.objects.values_list("state", flat=True))
    assert {"answered", "closed", "in_progress", "assigned", "received"} <= states
    jongno = User.objects.get(username="official.jongno")
    assert petition_queue_for(actor=jongno, view="team").exists()
    assert petition_queue_for(actor=jongno, view="overdue").count() == 1
    assert petition_queue_for(actor=User.objects.get(username="official.gangnam"), view="team").exists()
    proposals = Proposal.objects.all()
    assert proposals.count() == 2 and all(p.agreement_count > 0 for p in proposals)
    assert proposals.filter(comments__isnull=False).exists()
    assert not Petition.objects.filter(kind="proposal", public_proposal__isnull=False).exists()
