"""The one notification service every app uses: an inbox (알림함) row written in the caller's
transaction, then e-mail and SMS/알림톡 after commit, each as the person chose.

    notification_send(user=applicant, key=f"case-event:{event.pk}", topic="case",
                      title_ko="민원 2026-0001: 처리완료", title_en="2026-0001: Completed",
                      body=note, link="/my/applications/2026-0001/")

`key` names the change: sending the same key to the same person again does nothing (a retried
task, a replayed bank statement), so each change is told exactly once. A delivery claims its
channel with a conditional UPDATE before sending, so two workers never send it twice; a mail
server or gateway outage is logged and never undoes the change.
"""

import contextlib
import contextvars
import logging
import re

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.core.audit import audit_record
from egov.core.errors import NotFound, ValidationFailed
from egov.core.models import Notification, NotificationPreference
from egov.core.sms import sms_send

logger = logging.getLogger(__name__)

__all__ = ["NotFound", "notification_send", "notification_deliver"]

_ENABLED: contextvars.ContextVar[bool] = contextvars.ContextVar("notifications_enabled", default=True)


@contextlib.contextmanager
def notifications_suppressed():
    """No notification for what happens inside (the demo seed's history, imports)."""
    token = _ENABLED.set(False)
    try:
        yield
    finally:
        _ENABLED.reset(token)


def notifications_enabled() -> bool:
    return _ENABLED.get()


def notification_send(
    *,
    user,
    key: str,
    title_ko: str,
    title_en: str,
    body: str = "",
    link: str = "",
    topic: str = Notification.Topic.OTHER,
    mail_subject: str | None = None,
    mail_body: str | None = None,
) -> Notification | None:
    """Tell `user` of a change: the inbox row now (in the caller's transaction), e-mail and
    text message after commit on the channels they keep on. Returns the notification, or None
    when there is nobody to tell or notifications are suppressed. Idempotent by (`user`, `key`)."""
    if user is None or not getattr(user, "pk", None) or not _ENABLED.get():
        return None
    notification, created = Notification.objects.get_or_create(
        user=user,
        key=key[:120],
        defaults={
            "topic": topic,
            "title_ko": title_ko[:200],
            "title_en": title_en[:200],
            "body": body,
            "link": link[:300],
        },
    )
    if created:
        pk = notification.pk
        transaction.on_commit(
            lambda: notification_deliver(notification_id=pk, subject=mail_subject, body=mail_body)
        )
    return notification


def _absolute(link: str) -> str:
    return f"{settings.EGOV_PUBLIC_URL}{link}" if link.startswith("/") else link


def notification_deliver(
    *, notification_id: int, subject: str | None = None, body: str | None = None
) -> dict:
    """Send the notification's e-mail and text message, each at most once (the channel is
    claimed by a conditional UPDATE first). Which channels went out, for the caller's log."""
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None:
        return {}
    user = notification.user
    preference = NotificationPreference.objects.filter(user=user).first()
    wants_email = preference.email if preference else True
    wants_sms = bool(preference and preference.sms and preference.phone)
    sent = {}
    link = _absolute(notification.link)
    if wants_email and user.email and _claim(notification_id, "emailed_at"):
        subject = subject or f"[egov] {notification.title_ko} / {notification.title_en}"
        text = body or "\n".join(line for line in (notification.title_ko, notification.body, link) if line)
        try:
            send_mail(subject, text, None, [user.email])
            sent["email"] = True
        except Exception:  # noqa: BLE001 - a mail server outage must not undo the change
            logger.exception("notification mail not sent", extra={"notification_id": notification_id})
    if wants_sms and _claim(notification_id, "texted_at"):
        text = "\n".join(line for line in (f"[정부24] {notification.title_ko}", link) if line)
        try:
            sms_send(to=preference.phone, text=text)
            sent["sms"] = True
        except Exception:  # noqa: BLE001 - a gateway outage must not undo the change
            logger.exception("notification text not sent", extra={"notification_id": notification_id})
    return sent


def _claim(notification_id: int, field: str) -> bool:
    return bool(
        Notification.objects.filter(pk=notification_id, **{f"{field}__isnull": True}).update(
            **{field: timezone.now()}
        )
    )


def notification_unread_count(*, user) -> int:
    """How many notifications `user` has not read (the header's badge)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_list_for(*, actor, unread: bool = False):
    """The actor's own notifications, newest first (a queryset to paginate)."""
    qs = Notification.objects.filter(user=actor).order_by("-created_at", "-pk")
    return qs.filter(read_at__isnull=True) if unread else qs


def notification_get_for(*, actor, notification_id: int) -> Notification:
    """The actor's own notification; NotFound for anyone else's."""
    found = Notification.objects.filter(user=actor, pk=notification_id).first()
    if found is None:
        raise NotFound(_("No such notification."))
    return found


def notification_read(*, actor, notification_id: int) -> Notification:
    """Mark the actor's notification read (again is harmless)."""
    notification = notification_get_for(actor=actor, notification_id=notification_id)
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
        notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_read_all(*, actor) -> int:
    """Mark all the actor's notifications read; how many were unread."""
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())


PHONE_RE = re.compile(r"^01[016789]-?\d{3,4}-?\d{4}$")


@transaction.atomic
def notification_preference_set(*, actor, email: bool, sms: bool, phone: str = "") -> NotificationPreference:
    """Keep the actor's channels: e-mail on or off, SMS/알림톡 on or off with a mobile number
    (010-1234-5678). SMS without a number is refused, naming the field."""
    phone = (phone or "").strip()
    if phone and not PHONE_RE.match(phone):
        raise ValidationFailed(_("Enter a mobile number such as 010-1234-5678."), field="phone")
    if sms and not phone:
        raise ValidationFailed(_("Text messages need a mobile number."), field="phone")
    if phone:
        digits = phone.replace("-", "")
        phone = f"{digits[:3]}-{digits[3:-4]}-{digits[-4:]}"
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(user=actor)
    before = {"email": preference.email, "sms": preference.sms}
    preference.email, preference.sms, preference.phone = bool(email), bool(sms), phone
    preference.save()
    audit_record(
        actor=actor,
        action="notification.preference_set",
        obj=preference,
        before=before,
        after={"email": preference.email, "sms": preference.sms},
    )
    return preference


def notification_preference_for(*, actor) -> NotificationPreference:
    """The actor's channels as they stand (defaults when never set; nothing is written)."""
    return NotificationPreference.objects.filter(user=actor).first() or NotificationPreference(user=actor)
