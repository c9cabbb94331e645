"""Reads for the accounts pages."""

from egov.accounts.models import User


def login_pending_user(*, user_id) -> User | None:
    """The user who passed the password step of this login (their id kept in the session), or
    None when there is none."""
    return User.objects.filter(pk=user_id).first()
