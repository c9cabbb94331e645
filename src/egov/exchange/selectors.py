"""Reads for the exchange pages: a citizen's access log and consents, an agency's grants and
the provider's statistics. Each one is scoped to the actor."""

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from egov.accounts.permissions import has_role
from egov.core.errors import NotFound, PermissionDenied
from egov.exchange import accesslog, tlog
from egov.exchange.models import AccessLogEntry, Consent, Grant, SharedItem


def access_log_for_me(*, actor) -> QuerySet[AccessLogEntry]:
    """Every query about the citizen, granted or refused, newest first."""
    if not getattr(actor, "is_citizen", False):
        raise PermissionDenied("Only a citizen has a personal access log.")
    return (
        AccessLogEntry.objects.filter(subject_id=actor.resident_id).select_related("consumer").order_by("-id")
    )


def access_log_proof_for_me(*, actor, entry_id: int) -> dict:
    """For one of the citizen's own access-log lines: its leaf hash, index, the inclusion
    proof in the latest checkpoint's tree and that checkpoint with its cosignatures, plus the
    keys to check them with; without proof and checkpoint while the entry is pending."""
    if not getattr(actor, "is_citizen", False):
        raise PermissionDenied("Only a citizen has a personal access log.")
    entry = (
        AccessLogEntry.objects.filter(pk=entry_id, subject_id=actor.resident_id)
        .values("seq", "entry_hash")
        .first()
    )
    if entry is None:
        raise NotFound("No such access.")
    bundle = {
        "log_id": entry_id,
        "leaf_hash": entry["entry_hash"],
        "log_key": accesslog.log_verifier().vkey(),
        "witness_keys": [w.verifier.vkey() for w in accesslog.witnesses()],
    }
    published = accesslog.checkpoint_published()
    if entry["seq"] is None or published is None or published[0] < entry["seq"]:
        return bundle
    size, _root, note = published
    proof = accesslog.inclusion_proof(entry["seq"] - 1, size)
    return {**bundle, "index": entry["seq"] - 1, "tree_size": size, "checkpoint": note,
            "inclusion_proof": [tlog.b64(h) for h in proof]}  # fmt: skip


def item_names() -> dict[str, SharedItem]:
    return {item.code: item for item in SharedItem.objects.all()}


def consents_for_me(*, actor) -> QuerySet[Consent]:
    if not getattr(actor, "is_citizen", False):
        raise PermissionDenied("Only a citizen has consents.")
    return (
        Consent.objects.filter(resident_id=actor.resident_id)
        .select_related("recipient")
        .prefetch_related("items")
        .order_by("-given_at")
    )


def consent_get_for(*, actor, consent_id: int) -> Consent:
    consent = Consent.objects.filter(pk=consent_id).first()
    if consent is None or not getattr(actor, "is_citizen", False) or consent.resident_id != actor.resident_id:
        raise NotFound("No such consent.")
    return consent


def _require_exchange_officer(actor) -> None:
    if not getattr(actor, "is_official", False) or not (
        has_role(actor, "agency_admin") or has_role(actor, "viewer")
    ):
        raise PermissionDenied("Only an agency's officials see its grants.")


def grants_for_agency(*, actor) -> dict[str, QuerySet[Grant]]:
    """Grants the official's agency holds (as consumer) and decides (as provider)."""
    _require_exchange_officer(actor)
    base = Grant.objects.select_related("consumer", "item", "item__provider").order_by("-requested_at")
    return {
        "held": base.filter(consumer_id=actor.agency_id),
        "provided": base.filter(item__provider_id=actor.agency_id),
    }


def grant_get_for(*, actor, grant_id: int) -> Grant:
    grant = Grant.objects.select_related("item", "consumer").filter(pk=grant_id).first()
    if grant is None or actor.agency_id not in (grant.consumer_id, grant.item.provider_id):
        raise NotFound("No such grant.")
    return grant


def provider_statistics(*, actor, days: int = 30) -> list[dict]:
    """Queries per day, consumer and item for the items the official's agency provides."""
    _require_exchange_officer(actor)
    since = timezone.now() - dt.timedelta(days=days)
    codes = list(SharedItem.objects.filter(provider_id=actor.agency_id).values_list("code", flat=True))
    return list(
        AccessLogEntry.objects.filter(item_code__in=codes, at__gte=since)
        .annotate(day=TruncDate("at"))
        .values("day", "consumer__code", "consumer__name_ko", "consumer__name_en", "item_code")
        .annotate(
            total=Count("id"),
            granted=Count("id", filter=Q(outcome="granted")),
            refused=Count("id", filter=Q(outcome="refused")),
        )
        .order_by("-day", "consumer__code", "item_code")
    )
