import datetime as dt
import xml.etree.ElementTree as ET  # noqa: S405 - building test files, not parsing

import pytest

from egov.payments.services import payment_order_create
from tests import factories

NS = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"
COLLECTING = "100012345678"


@pytest.fixture(autouse=True)
def payments_data_dir(settings, tmp_path_factory):
    settings.DATA_DIR = tmp_path_factory.getbasetemp() / "payments-data"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.EGOV_PAYMENT_AGENCY = "1741000"


def camt054(credits, *, message_id="MSG-1", version="camt.054.001.08", ccy="KRW") -> bytes:
    """A BankToCustomerDebitCreditNotification built element by element from the standard's
    structure: Document/BkToCstmrDbtCdtNtfctn/{GrpHdr, Ntfctn/{Id, CreDtTm, Acct, Ntry*}}.
    `credits` are dicts: ref, account, amount (text), and optionally debtor, debtor_account,
    status, indicator."""
    ns = f"urn:iso:std:iso:20022:tech:xsd:{version}"

    def sub(parent, tag, text=None, **attrs):
        element = ET.SubElement(parent, f"{{{ns}}}{tag}", attrs)
        if text is not None:
            element.text = str(text)
        return element

    def account(parent, tag, number):
        sub(sub(sub(sub(parent, tag), "Id"), "Othr"), "Id", number)

    root = ET.Element(f"{{{ns}}}Document")
    message = sub(root, "BkToCstmrDbtCdtNtfctn")
    header = sub(message, "GrpHdr")
    sub(header, "MsgId", message_id)
    sub(header, "CreDtTm", "2026-12-07T10:00:00+09:00")
    report = sub(message, "Ntfctn")
    sub(report, "Id", message_id)
    sub(report, "CreDtTm", "2026-12-07T10:00:00+09:00")
    account(report, "Acct", COLLECTING)
    for c in credits:
        entry = sub(report, "Ntry")
        sub(entry, "NtryRef", c["ref"])
        sub(entry, "Amt", c["amount"], Ccy=c.get("ccy", ccy))
        sub(entry, "CdtDbtInd", c.get("indicator", "CRDT"))
        sub(sub(entry, "Sts"), "Cd", c.get("status", "BOOK"))
        sub(sub(entry, "BookgDt"), "Dt", "2026-12-07")
        sub(entry, "AcctSvcrRef", c["ref"])
        domain = sub(sub(entry, "BkTxCd"), "Domn")
        sub(domain, "Cd", "PMNT")
        family = sub(domain, "Fmly")
        sub(family, "Cd", "RCDT")
        sub(family, "SubFmlyCd", "VCOM")
        tx = sub(sub(entry, "NtryDtls"), "TxDtls")
        sub(sub(tx, "Refs"), "AcctSvcrRef", c["ref"])
        parties = sub(tx, "RltdPties")
        if c.get("debtor"):
            sub(sub(sub(parties, "Dbtr"), "Pty"), "Nm", c["debtor"])
        if c.get("debtor_account"):
            account(parties, "DbtrAcct", c["debtor_account"])
        account(parties, "CdtrAcct", c["account"])
        if c.get("debtor_bank"):
            sub(
                sub(sub(sub(sub(tx, "RltdAgts"), "DbtrAgt"), "FinInstnId"), "ClrSysMmbId"),
                "MmbId",
                c["debtor_bank"],
            )
    ET.register_namespace("", ns)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


@pytest.fixture
def treasury(mois):
    """Tess is a registrar at the ministry: the queue's unknown payments are hers."""
    return factories.official("tess", mois)


@pytest.fixture
def payer(alice):
    alice.email = "alice@example.kr"
    alice.save(update_fields=["email"])
    return alice


@pytest.fixture
def fine(payer, jongno):
    """Alice owes Jongno-gu a parking fine of 40,000 won."""
    return payment_order_create(
        actor=None, payer=payer, agency=jongno, purpose="주정차 위반 과태료", amount=40000
    )


def credit(order_or_account, amount, ref, **extra):
    account = getattr(order_or_account, "virtual_account", order_or_account)
    return {"ref": ref, "account": account, "amount": str(amount), **extra}


TODAY = dt.date(2026, 12, 7)
