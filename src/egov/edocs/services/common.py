"""What the services share: an official's post, the content the line signs."""

from django.utils.translation import gettext as _

from egov.core.errors import PermissionDenied
from egov.edocs.models import OfficialDocument, OfficialPost
from egov.edocs.signatures import canonical, sha256_hex

TITLE_MAX = 200
CONTENT_MAX = 20000
COMMENT_MAX = 1000


def post_of(official) -> OfficialPost:
    """The official's On-nara post; PermissionDenied for anyone without one."""
    if not getattr(official, "is_official", False):
        raise PermissionDenied(_("Only officials work with official documents."))
    post = getattr(official, "_edocs_post", None)
    if post is None:
        post = OfficialPost.objects.select_related("department__agency").filter(official=official).first()
        if post is None or post.department.agency_id != official.agency_id:
            raise PermissionDenied(_("You have no post in a department of your agency."))
        official._edocs_post = post
    return post


def document_content(document: OfficialDocument) -> dict:
    """What every signature on the line covers: the head, the body (the attachments by their
    hashes) and the document's identity and version."""
    return {
        "number": document.number,
        "version": document.version,
        "agency": document.agency.code,
        "department": document.department.code,
        "kind": document.kind,
        "title": document.title,
        "content": document.content,
        "internal": document.internal,
        "disclosure": document.disclosure,
        "disclosure_ground": document.disclosure_ground,
        "recipients": [
            [
                r.agency.code,
                r.department.code if r.department_id else "",
                r.resident_id or 0,
                r.business_id or 0,
            ]
            for r in document.recipients.select_related("agency", "department").order_by("position")
        ],
        "attachments": [[f.original_name, f.sha256] for f in document.files.order_by("id")],
    }


def content_hash(document: OfficialDocument) -> str:
    return sha256_hex(canonical(document_content(document)))
