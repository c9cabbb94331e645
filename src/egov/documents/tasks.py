"""The documents app's background job: PDFs a crash or a hidden rollback left under their
pending name (`services.document_files_sweep`), enqueued by `egov worker`."""

from django_tasks import task

from egov.core.tasks import sweep_moment
from egov.documents.services import document_files_sweep


@task()
def pending_files_sweep(now: str | None = None) -> dict[str, int]:
    """Publish the pending PDFs of committed documents and remove the others' after a grace."""
    return document_files_sweep(now=sweep_moment(now))


SWEEPS = (pending_files_sweep,)
