"""Every state change of e-procurement, one transaction each (see the modules for the rules)."""

from egov.procurement.services.awards import tender_award
from egov.procurement.services.bids import bid_submit, bid_withdraw, receipt_verify
from egov.procurement.services.contracts import (
    contract_issue,
    milestone_add,
    milestone_decide,
    payment_record,
)
from egov.procurement.services.opening import opening_share_submit
from egov.procurement.services.suppliers import supplier_categories_update, supplier_register
from egov.procurement.services.tenders import (
    AMENDMENT_MIN_DAYS,
    NOTICE_MIN_DAYS,
    clarification_answer,
    clarification_ask,
    committee_share_collect,
    tender_amend,
    tender_cancel,
    tender_publish,
)
from egov.procurement.services.tokens import bid_token_issue, bid_token_revoke, token_user

__all__ = [
    "AMENDMENT_MIN_DAYS",
    "NOTICE_MIN_DAYS",
    "bid_submit",
    "bid_token_issue",
    "bid_token_revoke",
    "bid_withdraw",
    "clarification_answer",
    "clarification_ask",
    "committee_share_collect",
    "contract_issue",
    "milestone_add",
    "milestone_decide",
    "opening_share_submit",
    "payment_record",
    "receipt_verify",
    "supplier_categories_update",
    "supplier_register",
    "tender_amend",
    "token_user",
    "tender_award",
    "tender_cancel",
    "tender_publish",
]
