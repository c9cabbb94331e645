"""Rule sets of the risk selectivity, and the daily random inspection draw.

A rule set is edited as a draft (`rule_set_draft` copies the active one; `rule_add`,
`rule_delete`), back-tested (`selectors.backtest`) and activated (`rule_set_activate`), which
retires the one active before. Every change is audited; an active or retired set is never
changed again, so a declaration's recorded version always says which rules decided it.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.permissions import require_role
from egov.core.audit import audit_record
from egov.core.crypto import decrypt_id, encrypt_id
from egov.core.errors import Conflict, ValidationFailed
from egov.customs import risk
from egov.customs.models import InspectionDraw, Rule, RuleSet
from egov.customs.offices import KCS

RULE_ROLE = "agency_admin"
DRAW_CONTEXT = b"customs-draw"


def _require_rule_official(actor) -> None:
    require_role(actor, RULE_ROLE)
    if actor.agency.code != KCS and (actor.agency.parent is None or actor.agency.parent.code != KCS):
        from egov.core.errors import PermissionDenied

        raise PermissionDenied(_("Rule sets are kept by the customs service."))


def rule_sets_require_customs(actor) -> None:
    """The selectivity rules are seen by the customs service's own officials only (traders must
    not learn them, nor may other agencies): NotFound for anyone else."""
    agency = getattr(actor, "agency", None)
    if agency is None or (agency.code != KCS and (agency.parent is None or agency.parent.code != KCS)):
        from egov.core.errors import NotFound

        raise NotFound(_("No such page."), field="rule_set")


def _draft(rule_set: RuleSet) -> RuleSet:
    locked = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
    if locked.state != RuleSet.State.DRAFT:
        raise Conflict(_("Only a draft rule set can be changed."), field="rule_set", code="not_draft")
    return locked


@transaction.atomic
def rule_set_draft(
    *,
    actor,
    note: str = "",
    yellow_from: int | None = None,
    red_from: int | None = None,
    inspection_quota_bp: int | None = None,
) -> RuleSet:
    """A new draft, the next version, holding a copy of the active set's rules and thresholds."""
    _require_rule_official(actor)
    active = RuleSet.objects.filter(state=RuleSet.State.ACTIVE).first()
    version = (RuleSet.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    draft = RuleSet.objects.create(
        version=version,
        note=(note or "")[:200],
        created_by=actor,
        yellow_from=yellow_from if yellow_from is not None else (active.yellow_from if active else 40),
        red_from=red_from if red_from is not None else (active.red_from if active else 80),
        inspection_quota_bp=(
            inspection_quota_bp
            if inspection_quota_bp is not None
            else (active.inspection_quota_bp if active else 100)
        ),
    )
    if not draft.red_from > draft.yellow_from:
        raise ValidationFailed(_("The red lane starts above the yellow one."), field="red_from")
    if not 0 <= draft.inspection_quota_bp <= 10000:
        raise ValidationFailed(
            _("The quota is between 0 and 10000 basis points."), field="inspection_quota_bp"
        )
    if active is not None:
        Rule.objects.bulk_create(
            [
                Rule(
                    rule_set=draft,
                    code=r.code,
                    field=r.field,
                    operator=r.operator,
                    value=r.value,
                    weight=r.weight,
                    reason=r.reason,
                )
                for r in active.rules.all()
            ]
        )
    audit_record(
        actor=actor,
        action="customs.rule_set_draft",
        obj=draft,
        after={"version": version, "from": active.version if active else None},
    )
    return draft


@transaction.atomic
def rule_add(
    *, actor, rule_set: RuleSet, code: str, field: str, operator: str, value, weight, reason: str
) -> Rule:
    """Add (or replace, by code) a rule of a draft set."""
    _require_rule_official(actor)
    rule_set = _draft(rule_set)
    code = (code or "").strip()
    if not code or len(code) > 32:
        raise ValidationFailed(_("Give the rule a short code."), field="code")
    field, operator, value, weight, reason = risk.rule_clean(
        field=field, operator=operator, value=value, weight=weight, reason=reason
    )
    before = (
        Rule.objects.filter(rule_set=rule_set, code=code)
        .values("field", "operator", "value", "weight")
        .first()
    )
    rule, _created = Rule.objects.update_or_create(
        rule_set=rule_set,
        code=code,
        defaults={"field": field, "operator": operator, "value": value, "weight": weight, "reason": reason},
    )
    audit_record(
        actor=actor,
        action="customs.rule_add",
        obj=rule_set,
        before=before or {},
        after={"code": code, "field": field, "operator": operator, "value": value, "weight": weight},
    )
    return rule


@transaction.atomic
def rule_delete(*, actor, rule_set: RuleSet, code: str) -> None:
    _require_rule_official(actor)
    rule_set = _draft(rule_set)
    deleted, _n = Rule.objects.filter(rule_set=rule_set, code=code).delete()
    if not deleted:
        raise ValidationFailed(_("No such rule."), field="code")
    audit_record(actor=actor, action="customs.rule_delete", obj=rule_set, before={"code": code})


@transaction.atomic
def rule_set_activate(*, actor, rule_set: RuleSet) -> RuleSet:
    """Switch the draft on: the active set is retired in the same transaction (one active)."""
    _require_rule_official(actor)
    rule_set = _draft(rule_set)
    previous = RuleSet.objects.select_for_update().filter(state=RuleSet.State.ACTIVE).first()
    if previous is not None:
        previous.state = RuleSet.State.RETIRED
        previous.save(update_fields=["state"])
    rule_set.state, rule_set.activated_at = RuleSet.State.ACTIVE, timezone.now()
    rule_set.save(update_fields=["state", "activated_at"])
    audit_record(
        actor=actor,
        action="customs.rule_set_activate",
        obj=rule_set,
        before={"active": previous.version if previous else None},
        after={"active": rule_set.version},
    )
    return rule_set


# --- the draw ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Draw:
    row: InspectionDraw
    seed: bytes


def draw_for(day: dt.date) -> Draw:
    """The day's draw, created with a fresh secret seed the first time it is needed (two
    requests at once keep the first row: unique day). Its commitment is public at once."""
    row = InspectionDraw.objects.filter(day=day).first()
    if row is None:
        seed = risk.seed_new()
        InspectionDraw.objects.bulk_create(
            [
                InspectionDraw(
                    day=day,
                    seed_commitment=risk.seed_commitment(seed),
                    seed_encrypted=encrypt_id(seed.hex(), context=DRAW_CONTEXT),
                )
            ],
            ignore_conflicts=True,
        )
        row = InspectionDraw.objects.get(day=day)
    return Draw(row, bytes.fromhex(decrypt_id(bytes(row.seed_encrypted), context=DRAW_CONTEXT)))


@transaction.atomic
def draw_reveal(*, actor=None, day: dt.date) -> InspectionDraw:
    """Publish the seed of a past day's draw, so anyone can recompute who was drawn; a day not
    yet over is refused (its seed would let declarants steer the rest of the day)."""
    if day >= timezone.localdate():
        raise Conflict(_("A day's seed is revealed only after the day."), field="day")
    row = InspectionDraw.objects.select_for_update().filter(day=day).first()
    if row is None:
        raise ValidationFailed(_("No draw on this day."), field="day")
    if not row.seed_revealed:
        row.seed_revealed = decrypt_id(bytes(row.seed_encrypted), context=DRAW_CONTEXT)
        row.revealed_at = timezone.now()
        row.save(update_fields=["seed_revealed", "revealed_at"])
        audit_record(actor=actor, action="customs.draw_reveal", obj=row, after={"day": day.isoformat()})
    return row
