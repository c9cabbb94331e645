"""Customs services: every state change, one transaction each, with its audit event.

`declarations` (submit, amend, withdraw, the officials' case work, payment and release),
`rules` (rule sets, the inspection draw), `tariff` (rates and exchange rates)."""

from egov.customs.services.declarations import (  # noqa: F401
    declaration_amend,
    declaration_approve,
    declaration_paid,
    declaration_penalize,
    declaration_reassess,
    declaration_recheck,
    declaration_record_inspection,
    declaration_reject,
    declaration_request_documents,
    declaration_submit,
    declaration_withdraw,
    draft_save,
    draft_submit,
)
from egov.customs.services.rules import (  # noqa: F401
    draw_reveal,
    rule_add,
    rule_delete,
    rule_set_activate,
    rule_set_draft,
    rule_sets_require_customs,
)
from egov.customs.services.securities import security_deposit_register, security_deposit_release  # noqa: F401
from egov.customs.services.tariff import exchange_rate_record, tariff_rate_record  # noqa: F401
