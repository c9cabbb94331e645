"""A small bidder's client: seal a bid on your own machine and submit it.

The price never leaves your machine in the clear: the bid is sealed (`crypto` describes the
envelope; the browser's static/procurement/seal.js does the same with WebCrypto) to the
tender's published opening key, and only the sealed string is sent.

    from egov.procurement.client import BidderClient
    client = BidderClient("https://egov.example", token="egovbid_…")  # issued in the portal
    # or with the representative's portal password (no token): username="hana", password="…"
    tender = client.tender("20261123-00001")
    receipt = client.submit(tender, brn="1234567890", price=98_500_000, content="delivery in 30 days")
    # a multiple reserve price tender (복수예비가격) also takes your two picks, sealed with the price:
    # client.submit(tender, brn="1234567890", price=98_500_000, picks=[3, 11])
    # keep receipt: the platform's signed statement of the time and the SHA-256 of what you sent

or from the command line, printing the sealed string only (submit it any way you like):

    python -m egov.procurement.client seal --key <opening key, base64url> \
        --tender 20261123-00001 --brn 1234567890 --price 98500000 [--picks 3,11]

Needs only `cryptography`. With `token` (a bidding software token the representative issues
at /procurement/suppliers/tokens, sent as `Authorization: Bearer`), nothing else is needed;
with `username` and `password`, `submit` logs in through the portal's login page (a business
representative's account: password, no second factor) and sends the session's CSRF token.
"""

import argparse
import json
import os
import sys
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

from egov.procurement import crypto, reserve


def seal_bid(
    *, opening_key: str, tender: str, brn: str, price: int, content: str = "", picks: list[int] | None = None
) -> str:
    """The sealed bid string for `tender` by supplier `brn` at `price` won. `picks`: for a
    tender of the multiple reserve price method, your two reserve price numbers (1..15),
    sealed with the price."""
    if isinstance(price, bool) or not isinstance(price, int) or price <= 0:
        raise ValueError("price is a positive whole number of won")
    data = {"tender": tender, "supplier": brn, "price": price, "content": content}
    if picks is not None:
        picks = list(picks)
        if not reserve.picks_valid(picks):
            raise ValueError("picks are two different numbers from 1 to 15")
        data["picks"] = picks
    plaintext = json.dumps(data, ensure_ascii=False).encode()
    return crypto.seal(
        public_point_bytes=crypto.b64u_decode(opening_key),
        tender_number=tender,
        brn=brn,
        plaintext=plaintext,
        iv=os.urandom(12),
    )


class BidderClient:
    """Talks to /api/v1/procurement/ with a bidding software token, or a logged-in session."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        username: str | None = None,
        password: str | None = None,
    ):
        self.base = base_url.rstrip("/")
        self.token = token
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        if token is None:
            if not (username and password):
                raise ValueError("give a token, or a username and password")
            self._get("/accounts/login/")
            self._post_form("/accounts/login/", {"username": username, "password": password})

    def _csrf(self) -> str:
        return next((c.value for c in self.cookies if c.name == "csrftoken"), "")

    def _get(self, path: str) -> bytes:
        with self.opener.open(self.base + path, timeout=30) as response:  # noqa: S310 (the caller's URL)
            return response.read()

    def _post_form(self, path: str, data: dict) -> bytes:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self._csrf()}).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})  # noqa: S310
        with self.opener.open(request, timeout=30) as response:
            return response.read()

    def _post_json(self, path: str, data: dict) -> dict:
        if self.token is not None:
            headers = {"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"}
        else:
            headers = {
                "Content-Type": "application/json",
                "X-CSRFToken": self._csrf(),
                "Referer": self.base + "/",
            }
        request = urllib.request.Request(self.base + path, data=json.dumps(data).encode(), headers=headers)  # noqa: S310
        with self.opener.open(request, timeout=30) as response:
            return json.loads(response.read())

    def tender(self, number: str) -> dict:
        return json.loads(self._get(f"/api/v1/procurement/tenders/{urllib.parse.quote(number)}"))

    def submit(
        self, tender: dict, *, brn: str, price: int, content: str = "", picks: list[int] | None = None
    ) -> dict:
        """Seal and submit; returns the signed receipt. A multiple reserve price tender needs
        `picks` (two numbers 1..15); other tenders take none."""
        needs_picks = tender.get("award_method") == "multiple_reserve_price"
        if needs_picks != (picks is not None):
            raise ValueError(
                "this tender needs two picks (1..15)" if needs_picks else "this tender takes no picks"
            )
        sealed = seal_bid(
            opening_key=tender["opening_key"]["raw"],
            tender=tender["number"],
            brn=brn,
            price=price,
            content=content,
            picks=picks,
        )
        return self._post_json(
            f"/api/v1/procurement/tenders/{tender['number']}/bids", {"brn": brn, "sealed": sealed}
        )

    def withdraw(self, tender: dict, *, brn: str) -> dict:
        """Withdraw the supplier's live bid; returns the signed receipt of the withdrawal."""
        return self._post_json(f"/api/v1/procurement/tenders/{tender['number']}/bids/withdraw", {"brn": brn})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m egov.procurement.client")
    sub = parser.add_subparsers(dest="command", required=True)
    seal = sub.add_parser("seal", help="print the sealed bid string")
    seal.add_argument("--key", required=True, help="the tender's opening key (raw, base64url)")
    seal.add_argument("--tender", required=True)
    seal.add_argument("--brn", required=True)
    seal.add_argument("--price", required=True, type=int)
    seal.add_argument("--content", default="")
    seal.add_argument("--picks", help="multiple reserve price tenders: two numbers 1..15, e.g. 3,11")
    args = parser.parse_args(argv)
    try:
        picks = [int(p) for p in args.picks.split(",")] if args.picks else None
    except ValueError:
        parser.error("--picks is two numbers separated by a comma, e.g. 3,11")
    sys.stdout.write(
        seal_bid(
            opening_key=args.key,
            tender=args.tender,
            brn=args.brn,
            price=args.price,
            content=args.content,
            picks=picks,
        )
        + "\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
