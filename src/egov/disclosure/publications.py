"""사전정보공표 (정보공개법 제7조): documents an agency publishes without being asked.

An official with the registrar or agency-administrator role publishes for their own agency; the
file is checked by its content and stored like a request's released files (`egov.core.files`,
in the procedure's folder, DATA_DIR/disclosure/). Withdrawing hides it from the public list; the
row and the file stay for the record.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from egov.accounts.permissions import agency_scope_ids, has_role
from egov.core import files as core_files
from egov.core.audit import audit_record
from egov.core.checks import require_text
from egov.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from egov.disclosure.models import Publication
from egov.disclosure.procedure import ACT_ROLES, DISCLOSURE

TITLE_MAX = 200
DESCRIPTION_MAX = 4000
FOLDER = DISCLOSURE.attachment_folder  # the released files' folder, DATA_DIR/disclosure/


def _require_publisher(actor) -> None:
    if not getattr(actor, "is_official", False) or not actor.agency_id:
        raise PermissionDenied(_("Only officials publish documents."))
    if not any(has_role(actor, role) for role in ACT_ROLES):
        raise PermissionDenied(_("Publishing needs the registrar or agency administrator role."))


def publication_publish(*, actor, title: str, description: str = "", upload) -> Publication:
    """Publish a document for the official's agency: title, description, one PDF, PNG or JPEG."""
    _require_publisher(actor)
    title = require_text(title, "title", label=_("The title"), max_length=TITLE_MAX)
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX or "\x00" in description:
        raise ValidationFailed(
            _("The description is longer than %(max)d characters.") % {"max": DESCRIPTION_MAX},
            field="description",
        )
    if upload is None:
        raise ValidationFailed(_("Attach the file."), field="file")
    item = core_files.file_check(upload, field="file")
    storage_name = core_files.file_write(item.content, folder=FOLDER)
    try:
        with transaction.atomic():
            publication = Publication.objects.create(
                agency_id=actor.agency_id, title=title, description=description,
                original_name=item.name, content_type=item.content_type, size=len(item.content),
                sha256=item.sha256, storage_name=storage_name, uploaded_by=actor,
            )  # fmt: skip
            audit_record(
                actor=actor, action="publication.publish", obj=publication,
                after={"agency": actor.agency_id, "sha256": item.sha256},
            )  # fmt: skip
    except BaseException:
        core_files.file_delete(storage_name, folder=FOLDER)
        raise
    return publication


@transaction.atomic
def publication_withdraw(*, actor, publication: Publication, reason: str) -> Publication:
    """Take a publication off the public list (its agency's officials, or those above it)."""
    _require_publisher(actor)
    reason = require_text(reason, "reason", label=_("The reason"), max_length=1000)
    publication = Publication.objects.select_for_update().get(pk=publication.pk)
    if publication.agency_id not in agency_scope_ids(actor):
        raise NotFound(_("No such publication."), field="publication")
    if publication.is_withdrawn:
        raise Conflict(_("The publication is already withdrawn."), field="publication", code="closed")
    publication.is_withdrawn = True
    publication.save(update_fields=["is_withdrawn"])
    audit_record(actor=actor, action="publication.withdraw", obj=publication, reason=reason)
    return publication
