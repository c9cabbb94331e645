"""Who may see and do what. Officials act within their agency and the agencies under it."""

from django.utils.translation import gettext as _

from egov.accounts.models import OfficialRole, Role, User
from egov.core.errors import PermissionDenied


def official_roles(user: User) -> set[str]:
    if not getattr(user, "is_authenticated", False) or not user.is_official:
        return set()
    cached = getattr(user, "_egov_roles", None)
    if cached is None:
        cached = set(OfficialRole.objects.filter(user=user).values_list("role", flat=True))
        user._egov_roles = cached
    return cached


def has_role(user: User, role: str) -> bool:
    return role in official_roles(user)


def agency_descendant_ids(*, agency_id: int) -> set[int]:
    """`agency_id` and all agencies below it (the hierarchy is a few levels deep).

    The agencies are the registry's table, but the registry sits above accounts (it checks
    roles here), so the tree is read through the model `User.agency` points at rather than
    through registry code: the dependency points one way only."""
    agency_model = User._meta.get_field("agency").related_model
    found = {agency_id}
    frontier = [agency_id]
    while frontier:
        frontier = list(
            agency_model.objects.filter(parent_id__in=frontier)
            .exclude(id__in=found)
            .values_list("id", flat=True)
        )
        found.update(frontier)
    return found


def agency_scope_ids(user: User) -> set[int]:
    """The official's agency and every agency below it; empty for anyone else."""
    if not getattr(user, "is_authenticated", False) or not user.is_official or not user.agency_id:
        return set()
    cached = getattr(user, "_egov_scope", None)
    if cached is None:
        cached = agency_descendant_ids(agency_id=user.agency_id)
        user._egov_scope = cached
    return cached


def require_role(user: User, role: str, *, agency_id: int | None = None) -> None:
    """Raise PermissionDenied unless `user` is an official holding `role` over `agency_id`."""
    if not has_role(user, role):
        raise PermissionDenied(_("This needs the role '%(role)s'.") % {"role": Role(role).label})
    if agency_id is not None and agency_id not in agency_scope_ids(user):
        raise PermissionDenied(_("This record belongs to another agency."))
