"""Reads for the accounts pages."""

from egov.accounts.models import Passkey, User


def login_pending_user(*, user_id) -> User | None:
    """The user who passed the password step of this login (their id kept in the session), or
    None when there is none."""
    return User.objects.filter(pk=user_id).first()


def passkeys_of(*, user: User):
    """The user's own passkeys, newest first."""
    return Passkey.objects.filter(user=user).order_by("-created_at")


def account_of_resident(*, resident_id: int) -> User | None:
    """The account of a resident, if they have one (at most one)."""
    return User.objects.filter(resident_id=resident_id).first()
