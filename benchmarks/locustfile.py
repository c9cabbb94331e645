"""A national day's mix for locust (issue 20, item 7), driven by benchmarks/capacity_mix.py.

One locust user is one signed-in citizen (`bench.citizen.<n>`, made by capacity_mix.py). Each
action is weighed by Korea's 2023 volumes (docs/capacity.md has the arithmetic):

- a Government24 use that is not a certificate (414.4 M uses a year less 164.5 M certificates:
  249.9 M): a page of the portal: the home page, the list of services, a service's page, the
  citizen's own page (weight 50);
- a certificate (164.5 M a year): the resident registration abstract's page, its submission
  (fetched through exchange with its access-log entry, PDF signed PAdES with a timestamp,
  stored) and the application page that offers the download: three requests (weight 40);
- a look at KONEPS (about 110,000 bids a day, 40 M a year, about a tenth of the uses): the
  list of tenders (weight 10). Sealed bids themselves are measured by
  benchmarks/procurement_burst.py, which needs tenders and their opening keys set up apart.
"""

import itertools
import re

from locust import HttpUser, between, task

PASSWORD = "bench1234!"  # noqa: S105 (benchmark accounts only)
SERVICE = "resident-abstract"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')
_numbers = itertools.count()
_turns = itertools.count()
PAGES = ("/", "/services/", f"/services/{SERVICE}/", "/my/")


class Citizen(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        index = next(_numbers)
        page = self.client.get("/accounts/login/", name="login (not counted)")
        token = CSRF.search(page.text).group(1)
        answer = self.client.post(
            "/accounts/login/",
            data={"username": f"bench.citizen.{index}", "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="login (not counted)",
        )
        if "로그아웃" not in answer.text and "logout" not in answer.text:
            raise RuntimeError(f"bench.citizen.{index} could not sign in ({answer.status_code})")

    @task(50)
    def portal_page(self) -> None:
        self.client.get(PAGES[next(_turns) % len(PAGES)], name="use: portal page")

    @task(40)
    def certificate(self) -> None:
        page = self.client.get(f"/services/{SERVICE}/", name="certificate: service page")
        data = {
            "csrfmiddlewaretoken": CSRF.search(page.text).group(1),
            "idempotency_key": KEY.search(page.text).group(1),
            "language": "ko",
            "consent": "on",
        }
        with self.client.post(
            f"/services/{SERVICE}/apply",
            data=data,
            headers={"Referer": page.url},
            name="certificate: submit and result page",
            catch_response=True,
        ) as done:
            if "/my/applications/" not in done.url or 'data-testid="download-pdf"' not in done.text:
                done.failure(f"not issued ({done.status_code} {done.url})")

    @task(10)
    def tenders(self) -> None:
        self.client.get("/procurement/", name="KONEPS: tender list")
