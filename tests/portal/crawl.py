"""A crawler for the portal's pages as a person reaches them: from a landing page, every link on
the same site, breadth first, GET only. Used by the tests that check every page reached (plain
Korean, no internal codes, no server error)."""

import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.accounts.models import User
from egov.accounts.services import DEMO_PASSWORD

# What must never reach a reader: snake_case names, dotted item codes, English event names in
# brackets, Python values.
CODE = re.compile(
    r"\b[a-z]+_[a-z_]+\b(?!\.py)"
    r"|\b(?:resident|family|vehicle|business|registry|civil|petitions|disclosure|procurement|tax|customs|edocs)"
    r"\.[a-z_]+\b"
    r"|\((?:file|answer|decide|release|submit|approve|reject|withdraw|assign|transfer)\)"
    r"|\b(?:True|False|None)\b"
)
# An English gloss after Korean words, "관세 등 (customs duties and taxes)": the Korean page says
# it in Korean only. (Goods descriptions on a customs declaration are bilingual by trade custom, so
# the check is asked for by the crawl of people's own pages.)
GLOSS = re.compile(r"[가-힣]\s?\((?:[a-z]+(?:[ ,/-]+[a-z]+)+)\)")
SKIP = re.compile(
    r"^/(?:api/|admin/|accounts/logout|i18n/|static/|media/|healthz|readyz|metrics)"
    r"|/(?:download|pdf|csv|attachments?|files?)(?:/|$)|\.(?:pdf|csv|json|jws|xml|ttl|rdf|jsonld|zip|png|svg)$"
)
LINK = re.compile(r'<a\b[^>]*\bhref="([^"]+)"')


def visible_text(html: str) -> str:
    """The text a person sees: no tags, attributes, scripts, styles or hidden inputs."""
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<!--.*?-->", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def login(username: str) -> Client:
    """A client logged in as the seeded demo user, through the real login pages (officials
    with their TOTP code)."""
    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, username
    user = User.objects.get(username=username)
    if user.requires_second_factor:
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
        response = client.post("/accounts/login/otp/", {"token": f"{token:06d}"})
        assert response.status_code == 302, username
    return client


def _key(path: str) -> str:
    """Pages that differ only by page number or filter are one page for the crawl."""
    parts = urlsplit(path)
    return parts.path


def crawl(
    client: Client, starts: tuple[str, ...] = ("/",), limit: int = 400, glosses: bool = False
) -> tuple[list[str], list[str]]:
    """Visit every page reachable from `starts`; (problems, pages visited). User names (the
    header's "who is logged in", a committee member's login) are names, not codes. With
    `glosses`, an English gloss after Korean words is a problem too."""
    usernames = sorted(User.objects.values_list("username", flat=True), key=len, reverse=True)
    queue, seen, problems = deque(starts), {_key(s) for s in starts}, []
    visited = []
    while queue and len(visited) < limit:
        path = queue.popleft()
        response = client.get(path, follow=False)
        visited.append(path)
        if response.status_code >= 500:
            problems.append(f"{path}: HTTP {response.status_code}")
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        text = visible_text(html)
        for username in usernames:
            text = text.replace(username, " ")
        found = sorted(set(CODE.findall(text) + (GLOSS.findall(text) if glosses else [])))
        if found:
            problems.append(f"{path}: {found[:8]}")
        for href in LINK.findall(html):
            href = urldefrag(href.replace("&amp;", "&"))[0]
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/") or SKIP.search(parts.path):
                continue
            if _key(href) not in seen:
                seen.add(_key(href))
                queue.append(href)
    return problems, visited
