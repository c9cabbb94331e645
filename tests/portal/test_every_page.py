"""Every page a person reaches from the portal, crawled as the demo nation's citizen, business
representative and officials see it (issue 13): in Korean, no internal identifier in the visible
text (snake_case names, dotted item codes, English step names in brackets, Python values), and
never a server error. New pages are covered as soon as a link leads to them."""

import re

import pytest
from django.core.management import call_command

from tests.portal.crawl import crawl, login

# The service definition editor takes a configurable service's fields in JSON: its keys (name,
# label_ko, ...) are the language an agency administrator writes the form in.
CONFIGURATION_PAGES = {"/office/civil/services/"}
# A published table's preview shows its cells as published, codes columns included.
DATA_PAGES = re.compile(r"^/data/resource/")
USERS = (
    "citizen", "business", "official.jongno", "official.gangnam", "official.mois", "official.nts",
    "customs.busan", "customs.broker",
)  # fmt: skip


# A citizen's and a business's own pages (payments, consents, who looked at my data) say it in
# Korean only: no "(customs duties and taxes)" after the Korean words.
PEOPLE = {"citizen", "business"}


@pytest.mark.django_db
def test_every_page_reached_reads_as_words_not_codes(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("seed", "--residents", "300", verbosity=0)
    problems, pages = [], 0
    for username in USERS:
        found, visited = crawl(login(username), ("/", "/my/", "/office/"), glosses=username in PEOPLE)
        assert len(visited) > 20, (username, visited)
        pages += len(visited)
        shown = [p for p in found if p.split(":")[0] not in CONFIGURATION_PAGES and not DATA_PAGES.match(p)]
        problems += [f"{username} {p}" for p in shown]
    assert not problems, "\n".join(problems)
    assert pages > 200
