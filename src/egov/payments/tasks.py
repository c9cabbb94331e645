"""Background jobs: receipts of orders a bank statement settled (issued after the import, so
that a file of 100,000 credits does not render 100,000 PDFs inside its transaction)."""

from django_tasks import task

from egov.payments.services import payment_receipts_issue_pending


@task()
def receipts_issue(now: str | None = None) -> int:
    """Issue pending receipts; how many were issued. Idempotent, safe from two workers."""
    return payment_receipts_issue_pending()


SWEEPS = (receipts_issue,)
