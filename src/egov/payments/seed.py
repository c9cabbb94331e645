"""Payments' step of `egov seed`: orders paid through a camt.054 from the collecting bank,
one partial payment and one payment into an unknown account waiting in the reconciliation
queue, and the receipts of the orders paid. (The fee of a civil service is charged and paid
in civil's own step, which runs after this one.)"""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from egov.accounts.models import User
from egov.core.seeding import SeedOptions, SeedReport, summary_line
from egov.payments.iso20022 import Credit, notification_build
from egov.payments.models import BankStatement, PaymentOrder
from egov.payments.services import payment_order_create, payment_receipts_issue_pending
from egov.payments.statements import statement_import

PURPOSES = (  # purpose, amount in won, how much the payer sends
    ("주정차 위반 과태료", 40_000, 40_000),
    ("도로점용료", 125_000, 125_000),
    ("옥외광고물 표시 수수료", 18_000, 10_000),
)


def seed_present() -> bool:
    return BankStatement.objects.filter(source="seed").exists()


def seed_step(*, options: SeedOptions) -> SeedReport:
    payers = list(
        User.objects.filter(kind=User.Kind.CITIZEN, resident__isnull=False).select_related("resident__agency")
        .order_by("-is_demo", "id")[: len(PURPOSES)]
    )  # fmt: skip
    if not payers:
        return SeedReport(lines=["payments: no citizens to charge"])
    orders = []
    for index, (purpose, amount, _sent) in enumerate(PURPOSES):
        payer = payers[index % len(payers)]
        orders.append(
            payment_order_create(
                actor=None, payer=payer, agency=payer.resident.agency, purpose=purpose, amount=amount
            )
        )
    today = timezone.localdate()
    credits = [
        Credit(
            bank_ref=f"SEED{today:%Y%m%d}{index:06d}",
            account=order.virtual_account,
            amount=sent,
            booked_on=today,
            debtor_name=order.payer_resident.name_ko if order.payer_resident_id else "",
            debtor_account=f"1102{index:08d}",
            debtor_bank="004",
        )  # fmt: skip
        for index, (order, (_p, _a, sent)) in enumerate(zip(orders, PURPOSES, strict=True))
    ]
    # Someone paid into an account that no order has (a digit mistyped): the queue's case.
    credits.append(
        Credit(
            bank_ref=f"SEED{today:%Y%m%d}UNKNOWN",
            account=f"{settings.EGOV_PAYMENT_VA_PREFIX}0000000000",
            amount=30_000,
            booked_on=today,
            debtor_name="김민수",
            debtor_account="110299887766",
            debtor_bank="020",
        )  # fmt: skip
    )
    content = notification_build(
        message_id=f"SEED-{today:%Y%m%d}",
        created_at=timezone.now() - dt.timedelta(hours=1),
        account=settings.EGOV_PAYMENT_ACCOUNT,
        credits=credits,
    )
    result = statement_import(actor=None, content=content, source="seed")
    receipts = payment_receipts_issue_pending()
    counts = {
        "orders": PaymentOrder.objects.count(),
        "paid": result.counts.get("matched", 0),
        "waiting in the reconciliation queue": result.counts.get("partial", 0)
        + result.counts.get("unknown", 0),
        "receipts": receipts,
    }
    return SeedReport(lines=[summary_line("payments", counts)])
