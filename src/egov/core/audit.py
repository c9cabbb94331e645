"""The audit trail every service writes in its own transaction."""

from typing import Any

from django.db import models

from egov.core.models import AuditEvent


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    legal_basis: str = "",
) -> AuditEvent:
    """Append one audit event. Call inside the service's transaction."""
    row = audit_row(
        actor=actor,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        before=before,
        after=after,
        reason=reason,
        legal_basis=legal_basis,
    )
    row["actor"] = actor if row.pop("actor_id") is not None else None
    return AuditEvent.objects.create(**row)


def audit_many(
    *,
    actor,
    action: str,
    objects: list[models.Model],
    before: list[dict[str, Any]],
    after: list[dict[str, Any]],
    reason: str = "",
    legal_basis: str = "",
) -> None:
    """Append one audit event per object, as `audit_record` would, in one statement (a service
    acting on a batch at once). Call inside the service's transaction."""
    rows = []
    for obj, old, new in zip(objects, before, after, strict=True):
        row = audit_row(
            actor=actor, action=action, object_type=obj._meta.label_lower, object_id=obj.pk,
            before=old, after=new, reason=reason, legal_basis=legal_basis,
        )  # fmt: skip
        row["actor"] = actor if row.pop("actor_id") is not None else None
        rows.append(AuditEvent(**row))
    AuditEvent.objects.bulk_create(rows)


def audit_row(
    *,
    actor,
    action: str,
    object_type: str,
    object_id,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    legal_basis: str = "",
) -> dict[str, Any]:
    """An audit event's values by attribute name, every column but `at` (the time of the
    write) and the id: what `audit_record` writes, and what a store writing the event in
    plain SQL is given (`core.db.audit`)."""
    return {
        "actor_id": actor.pk if getattr(actor, "pk", None) else None,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "reason": reason,
        "legal_basis": legal_basis,
        "before": jsonable(before or {}),
        "after": jsonable(after or {}),
    }


def jsonable(values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in values.items():
        if isinstance(value, models.Model):
            value = value.pk
        elif value is not None and not isinstance(value, str | int | float | bool | list | dict):
            value = str(value)
        out[key] = value
    return out


def refusal_log(logger, app: str, actor, what: str, **ids) -> None:
    """Log a refused attempt for the security team: the app, what was refused, the user id and
    the objects' ids — never names, numbers or texts (personal data stays out of logs)."""
    logger.warning("%s refused: %s", app, what, extra={"user_id": getattr(actor, "pk", None), **ids})
