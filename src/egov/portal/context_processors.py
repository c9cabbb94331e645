from django.conf import settings


def portal(request):
    user = getattr(request, "user", None)
    return {
        "languages": settings.LANGUAGES,
        "is_official": bool(user and user.is_authenticated and user.is_official),
    }
