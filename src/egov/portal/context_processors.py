from django.conf import settings

from egov.core.notifications import notification_unread_count


def portal(request):
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "languages": settings.LANGUAGES,
        "is_official": bool(signed_in and user.is_official),
        # One indexed count (the partial index of unread rows) for the header's 알림함 badge.
        "unread_notifications": (lambda: notification_unread_count(user=user)) if signed_in else 0,
    }
