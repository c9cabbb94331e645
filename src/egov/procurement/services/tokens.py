"""Bidding software tokens: a business representative lets their bidding software submit and
withdraw sealed bids with a bearer token instead of a portal session (`BidToken`).

KONEPS bidders mostly bid from software on their own machines; a token, unlike a password, can
be given to one program, limited in time and revoked alone. The token is 256 random bits from
`secrets`, shown once; only its SHA-256 is stored (as django-oauth-toolkit stores the agency
systems' tokens). The API checks it with one query (`token_user`).
"""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import BusinessRepresentation, User
from egov.core.audit import audit_record
from egov.core.errors import Conflict, NotFound, ValidationFailed
from egov.procurement import store
from egov.procurement.models import BidToken, Supplier
from egov.procurement.services.suppliers import require_business_user

PREFIX = "egovbid_"
MAX_LENGTH = 100  # a bearer value longer than this is not one of ours


def token_checksum(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def token_user(token: str) -> User | None:
    """The user a live bidding token acts as, or None (unknown, expired, revoked, or the user
    is no longer an active business representative)."""
    if not isinstance(token, str) or not token.startswith(PREFIX) or len(token) > MAX_LENGTH:
        return None
    return store.token_user_get(checksum=token_checksum(token), now=timezone.now(), kind=User.Kind.BUSINESS)


def _require_supplier_representative(actor: User) -> None:
    require_business_user(actor)
    represented = BusinessRepresentation.objects.filter(user=actor).values("business_id")
    if not Supplier.objects.filter(business_id__in=represented).exists():
        raise ValidationFailed(
            _("Register a business you represent as a supplier first."), field="name", code="not_supplier"
        )


@transaction.atomic
def bid_token_issue(*, actor: User, name: str) -> tuple[BidToken, str]:
    """A new token for `actor`'s bidding software called `name`, and the token itself — in
    clear this once. Lives EGOV_BID_TOKEN_DAYS; at most EGOV_BID_TOKENS_PER_USER live at once."""
    _require_supplier_representative(actor)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed(_("Name the software that will use the token."), field="name")
    if len(name) > 100 or not name.isprintable():
        raise ValidationFailed(_("The name is too long or has invalid characters."), field="name")
    User.objects.select_for_update().filter(pk=actor.pk).first()  # one issue at a time per user
    now = timezone.now()
    live = BidToken.objects.filter(user=actor, revoked_at__isnull=True, expires_at__gt=now).count()
    if live >= settings.EGOV_BID_TOKENS_PER_USER:
        raise Conflict(
            _("You already have %(count)d live tokens: revoke one first.") % {"count": live}, field="name"
        )
    token = PREFIX + secrets.token_urlsafe(32)
    bid_token = BidToken.objects.create(
        user=actor,
        name=name,
        checksum=token_checksum(token),
        hint=token[: len(PREFIX) + 4],
        created_at=now,
        expires_at=now + dt.timedelta(days=settings.EGOV_BID_TOKEN_DAYS),
    )
    audit_record(
        actor=actor,
        action="procurement.bid_token_issue",
        obj=bid_token,
        after={"name": name, "hint": bid_token.hint, "expires_at": bid_token.expires_at},
    )
    return bid_token, token


@transaction.atomic
def bid_token_revoke(*, actor: User, token_id: int) -> BidToken:
    """Revoke one of `actor`'s own tokens, effective for the next request."""
    require_business_user(actor)
    bid_token = BidToken.objects.select_for_update().filter(pk=token_id, user=actor).first()
    if bid_token is None:  # someone else's token is "no such token" too
        raise NotFound(_("No such token."), field="token")
    if bid_token.revoked_at is None:
        bid_token.revoked_at = timezone.now()
        bid_token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor, action="procurement.bid_token_revoke", obj=bid_token, after={"hint": bid_token.hint}
        )
    return bid_token
