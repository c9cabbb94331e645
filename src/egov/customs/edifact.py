"""UN/EDIFACT CUSDEC (D96B, a documented subset) in, CUSRES out, through `pydifact`.

The interchange is parsed, mapped onto the arguments of `services.declaration_submit` — the
same service as the portal and the JSON API — and answered with a CUSRES: the declaration's
number and status, or the error with the segment and element at fault. docs/customs.md lists
the segments read; anything else in the message is ignored.

Element positions are written `TAG[n]/e.c` — the n-th occurrence of the segment in the
message (from 1; items count their LIN groups as `LIN[k]/TAG`), data element e, component c.
"""

import datetime as dt
import warnings
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from pydifact.exceptions import EDISyntaxError
from pydifact.segmentcollection import Interchange
from pydifact.segments import Segment

from egov.core.errors import ServiceError
from egov.customs.models import Declaration

DECLARATION_KIND = {"929": "import", "830": "export"}  # BGM 1001: goods declaration for imp./exp.
CUSRES_ACCEPTED = "29"  # BGM 1225: accepted without amendment
CUSRES_REFUSED = "27"  # not accepted
ORIGINAL, CHANGE, REPLACEMENT, CANCELLATION = "9", "4", "5", "1"  # BGM 1225: message function
AMENDMENTS = (CHANGE, REPLACEMENT)
FUNCTIONS = (ORIGINAL, *AMENDMENTS, CANCELLATION)


class CusdecError(Exception):
    def __init__(self, code: str, where: str, message: str):
        super().__init__(message)
        self.code, self.where, self.message = code, where, message


@dataclass
class Parsed:
    data: dict
    where: dict[str, str]  # service field -> segment/element position
    sender: str
    control: str
    function: str = ORIGINAL  # BGM 1225
    number: str = ""  # RFF+ABE: the declaration an amendment amends or a cancellation withdraws
    reason: str = ""  # FTX+ACB: why it is amended or withdrawn
    lines: list[str] | None = None  # LIN 1082 of each item, in order


def _el(segment: Segment, index: int, component: int | None = None) -> str:
    elements = segment.elements
    if index >= len(elements):
        return ""
    value = elements[index]
    if isinstance(value, list):
        if component is None:
            component = 0
        return str(value[component]) if component < len(value) else ""
    return str(value) if component in (None, 0) else ""


def cusdec_parse(text: str) -> Parsed:
    """The CUSDEC's content as `declaration_submit` arguments, or CusdecError."""
    if not text or not text.strip():
        raise CusdecError("SYNTAX", "UNB", "The interchange is empty.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            interchange = Interchange.from_str(text.strip())
            messages = list(interchange.get_messages())
    except (EDISyntaxError, ValueError, IndexError, AttributeError, TypeError) as exc:
        raise CusdecError("SYNTAX", "UNA/UNB", f"The interchange cannot be read: {exc}") from None
    header = interchange.get_header_segment()
    sender = _el(header, 1, 0) if header is not None else ""
    control = _el(header, 4) if header is not None else ""
    if len(messages) != 1:
        raise CusdecError("SYNTAX", "UNH", "Send exactly one CUSDEC message per interchange.")
    message = messages[0]
    kind = message.type if hasattr(message, "type") else ""
    if kind != "CUSDEC" or getattr(message, "version", "") not in ("D:96B", "D96B"):
        unh = message.get_header_segment()
        found = ":".join(
            str(x) for x in (unh.elements[1] if unh is not None and len(unh.elements) > 1 else [])
        )
        if not found.startswith("CUSDEC:D:96B"):
            raise CusdecError("UNSUPPORTED", "UNH[1]/2", "Only CUSDEC D:96B:UN is accepted.")
    data: dict = {"items": []}
    where: dict[str, str] = {}
    extra: dict[str, str] = {}
    lines: list[str] = []
    item = None
    counts: dict[str, int] = {}
    lin = 0

    def at(tag: str, element: int, component: int = 1) -> str:
        prefix = f"LIN[{lin}]/" if item is not None else ""
        return f"{prefix}{tag}[{counts[tag]}]/{element}.{component}"

    for segment in message.segments:
        tag = segment.tag
        counts[tag] = counts.get(tag, 0) + 1
        if tag == "LIN":
            lin += 1
            counts = {"LIN": lin}
            lines.append(_el(segment, 0) or str(lin))
            item = {}
            data["items"].append(item)
            continue
        target, prefix = (item, f"items[{lin - 1}].") if item is not None else (data, "")

        def put(
            name: str, value: str, element: int, component: int = 1, *, _t=target, _p=prefix, _g=tag
        ) -> None:
            _t[name] = value
            where[f"{_p}{name}"] = at(_g, element, component)

        if tag == "BGM" and item is None:
            code = _el(segment, 0, 0)
            if code not in DECLARATION_KIND:
                raise CusdecError("CODE", at(tag, 1), "BGM 1001 is 929 (import) or 830 (export).")
            put("kind", DECLARATION_KIND[code], 1)
            put("declarant_reference", _el(segment, 1, 0), 2)
            function = _el(segment, 2, 0) or ORIGINAL
            if function not in FUNCTIONS:
                raise CusdecError(
                    "CODE",
                    at(tag, 3),
                    "BGM 1225 is 9 (original), 4 (change), 5 (replacement) or 1 (cancellation).",
                )
            extra["function"] = function
        elif tag == "RFF" and item is None and _el(segment, 0, 0) == "ABE":
            extra["number"] = _el(segment, 0, 1)
            where["number"] = at(tag, 1, 2)
        elif tag == "FTX" and item is None and _el(segment, 0) == "ACB":
            extra["reason"] = " ".join(_el(segment, 3, c) for c in range(5) if _el(segment, 3, c))
        elif tag == "NAD" and item is None:
            qualifier, brn = _el(segment, 0), _el(segment, 1, 0)
            if qualifier in ("IM", "EX"):
                put("trader_brn", brn, 2)
            elif qualifier == "DT":
                put("declarant_brn", brn, 2)
        elif tag == "TDT" and item is None:
            put("conveyance", _el(segment, 1), 2)
            put("transport_mode", _el(segment, 2, 0), 3)
        elif tag == "LOC" and item is None:
            qualifier = _el(segment, 0)
            if qualifier == "9":
                put("port_of_loading", _el(segment, 1, 0), 2)
            elif qualifier in ("11", "12"):
                put("port_of_discharge", _el(segment, 1, 0), 2)
        elif tag == "RFF" and item is None and _el(segment, 0, 0) in ("BM", "AWB"):
            put("transport_document", _el(segment, 0, 1), 1, 2)
        elif tag == "TOD" and item is None:
            put("incoterm", _el(segment, 2, 0), 3)
        elif tag == "MOA" and item is None and _el(segment, 0, 0) == "39":
            put("invoice_amount", _el(segment, 0, 1), 1, 2)
            put("currency", _el(segment, 0, 2), 1, 3)
        elif item is not None and tag == "IMD":
            put("description", _el(segment, 2, 3), 3, 4)
        elif item is not None and tag == "CST":
            put("hs_code", _el(segment, 1, 0), 2)
        elif item is not None and tag == "LOC" and _el(segment, 0) == "27":
            put("origin", _el(segment, 1, 0), 2)
        elif item is not None and tag == "QTY":
            put("quantity", _el(segment, 0, 1), 1, 2)
            put("unit", _el(segment, 0, 2), 1, 3)
        elif item is not None and tag == "MOA" and _el(segment, 0, 0) == "38":
            put("value", _el(segment, 0, 1), 1, 2)
        elif item is not None and tag == "ALI":
            put("preference", _el(segment, 2), 3)
        elif item is not None and tag == "DOC" and _el(segment, 0, 0) == "861":
            put("origin_proof", _el(segment, 1, 0), 2)
    # a cancellation names the declaration and why; it need not repeat the parties
    required_fields = ("kind", "declarant_reference")
    if extra.get("function") != CANCELLATION:
        required_fields += ("trader_brn",)
    for required in required_fields:
        if not data.get(required):
            segment = {"kind": "BGM", "declarant_reference": "BGM", "trader_brn": "NAD"}[required]
            raise CusdecError("MISSING", f"{segment}[1]", f"The message has no {segment} giving {required}.")
    return Parsed(data, where, sender, control, lines=lines, **extra)


def _line(tag: str, *elements) -> str:
    def esc(value: str) -> str:
        return "".join(f"?{c}" if c in "?:+'" else c for c in str(value))

    parts = [":".join(esc(c) for c in e) if isinstance(e, (list, tuple)) else esc(e) for e in elements]
    return "+".join([tag, *parts]).rstrip("+") + "'"


def cusres_build(
    *,
    control: str,
    recipient: str,
    number: str = "",
    reference: str = "",
    status: str = "",
    error: CusdecError | None = None,
) -> str:
    """A CUSRES answering the interchange `control`: accepted with the number and status, or
    refused with the error code, the segment/element position and the message."""
    now = timezone.localtime()
    body = [
        _line("UNH", "1", ["CUSRES", "D", "96B", "UN"]),
        _line("BGM", "962", number, CUSRES_REFUSED if error else CUSRES_ACCEPTED),
        _line("DTM", ["137", now.strftime("%Y%m%d%H%M"), "203"]),
    ]
    if reference:
        body.append(_line("RFF", ["ABE", reference]))
    if error is None:
        body.append(_line("GIS", status))
    else:
        body += [
            _line("ERP", "1"),
            _line("ERC", error.code),
            _line("FTX", "AAO", "", "", [error.where, error.message[:350]]),
        ]
    body.append(_line("UNT", str(len(body) + 1), "1"))
    stamp = now.strftime("%y%m%d:%H%M")
    return (
        "UNA:+.? '"
        + _line(
            "UNB",
            ["UNOC", "3"],
            "KCSUNIPASS",
            recipient or "UNKNOWN",
            stamp.split(":"),
            f"R{control or '0'}"[:14],
        )
        + "".join(body)
        + _line("UNZ", "1", f"R{control or '0'}"[:14])
    )


def cusdec_receive(*, actor, text: str) -> str:
    """Parse a CUSDEC, submit it through `declaration_submit`, answer with a CUSRES. Every
    refusal (syntax, codes, the service's) is a CUSRES naming the segment and element; nothing
    is written for a refused message."""
    from egov.customs.services import declaration_submit

    try:
        parsed = cusdec_parse(text)
    except CusdecError as error:
        return cusres_build(control="", recipient="", error=error)
    data = parsed.data
    if parsed.function in AMENDMENTS:
        return _amend(actor=actor, parsed=parsed)
    if parsed.function == CANCELLATION:
        return _cancel(actor=actor, parsed=parsed)
    try:
        with transaction.atomic():
            declaration = declaration_submit(actor=actor, **{k: v for k, v in data.items()})
    except TypeError as exc:
        error = CusdecError("MISSING", "UNH", f"The message lacks a required segment: {exc}")
        return cusres_build(control=parsed.control, recipient=parsed.sender, error=error)
    except ServiceError as exc:
        field = exc.field or ""
        where = parsed.where.get(field) or _where_of_missing(field)
        error = CusdecError(exc.code.upper()[:17], where, exc.message)
        return cusres_build(
            control=parsed.control,
            recipient=parsed.sender,
            reference=data.get("declarant_reference", ""),
            error=error,
        )
    return cusres_build(
        control=parsed.control,
        recipient=parsed.sender,
        number=declaration.number,
        reference=declaration.declarant_reference,
        status=declaration.state,
    )


# What an amendment may not change: the declaration's identity and routing (`declaration_amend`
# amends items and the conveyance); a replacement repeating them unchanged is fine.
_FIXED = (
    "trader_brn",
    "transport_mode",
    "port_of_loading",
    "port_of_discharge",
    "transport_document",
    "incoterm",
    "currency",
)
_ITEM_FIELDS = ("description", "hs_code", "origin", "unit", "quantity", "value", "preference", "origin_proof")


def _same(old, new: str) -> bool:
    old, new = str(old or "").strip().upper(), str(new or "").strip().upper()
    if old == new:
        return True
    try:
        return Decimal(old.replace(",", "")) == Decimal(new.replace(",", ""))
    except ArithmeticError:
        return False


def _amend(*, actor, parsed: Parsed) -> str:
    """A CUSDEC amending a declaration (BGM 1225 = 4 change, 5 replacement), answered by a
    CUSRES: through `declaration_amend`, the service the portal's and the API's amendments
    use. The declaration is named by RFF+ABE (its number) or else by the declarant's reference
    (BGM 1004); the reason is FTX+ACB. Items are matched by their line number (LIN 1082 =
    the item's sequence); what differs from the declaration is amended, the rest left as is."""
    from egov.customs.selectors import declaration_by_reference_for, declaration_get_for
    from egov.customs.services import declaration_amend

    data = parsed.data
    reply = {"control": parsed.control, "recipient": parsed.sender, "reference": data["declarant_reference"]}
    where: dict[str, str] = {}  # the service's field names of items -> their place in the message
    try:
        if parsed.number:
            declaration = declaration_get_for(actor=actor, number=parsed.number)
        else:
            declaration = declaration_by_reference_for(actor=actor, reference=data["declarant_reference"])
        if not parsed.reason.strip():
            raise CusdecError("MISSING", "FTX+ACB", "An amendment gives its reason in FTX+ACB.")
        current = {
            "trader_brn": declaration.trader.brn,
            "transport_mode": declaration.transport_mode,
            "port_of_loading": declaration.port_of_loading,
            "port_of_discharge": declaration.port_of_discharge,
            "transport_document": declaration.transport_document,
            "incoterm": declaration.incoterm,
            "currency": declaration.currency,
        }
        for name in _FIXED:
            if name in data and not _same(current[name], data[name]):
                raise CusdecError(
                    "NOT_AMENDABLE",
                    parsed.where.get(name, _SEGMENT_OF.get(name, name)),
                    f"{name} cannot be amended; withdraw the declaration and declare again.",
                )
        items = {i.sequence: i for i in declaration.items.select_related("heading")}
        changes: dict[str, dict] = {}
        for index, (line, item) in enumerate(zip(parsed.lines or [], data["items"], strict=True)):
            old = items.get(int(line)) if line.isdigit() else None
            for name in _ITEM_FIELDS:
                if name not in item:
                    continue
                where[f"items[{line}].{name}"] = parsed.where.get(f"items[{index}].{name}", "")
                value = None
                if old is not None:
                    value = old.heading.code if name == "hs_code" else getattr(old, name)
                if old is None or not _same(value, item[name]):
                    changes.setdefault(line, {})[name] = item[name]
            where.setdefault(f"items[{line}]", f"LIN[{index + 1}]/LIN[1]/1.1")
        conveyance = data.get("conveyance") or None  # an empty TDT 8028 changes nothing
        if conveyance is not None and _same(conveyance, declaration.conveyance):
            conveyance = None
        if not changes and conveyance is None:
            raise CusdecError("MISSING", "LIN", "The amendment changes nothing.")
        with transaction.atomic():
            declaration = declaration_amend(
                actor=actor,
                declaration=declaration,
                reason=parsed.reason,
                items=changes or None,
                conveyance=conveyance,
            )
    except CusdecError as error:
        return cusres_build(**reply, error=error)
    except ServiceError as exc:
        field = exc.field or ""
        located = where.get(field) or parsed.where.get(field) or _SEGMENT_OF.get(field) or field or "BGM"
        error = CusdecError(exc.code.upper()[:17], located, exc.message)
        return cusres_build(**reply, error=error)
    return cusres_build(**reply, number=declaration.number, status=declaration.state)


def _cancel(*, actor, parsed: Parsed) -> str:
    """A CUSDEC cancelling a declaration (BGM 1225 = 1), answered by a CUSRES: the declaration
    is withdrawn (취하) by `declaration_withdraw`, the service behind the portal's and the API's
    withdrawal, so the same law applies — a declaration already released, rejected or withdrawn
    is refused, at the element that names it. The declaration is named by RFF+ABE (its number)
    or else by the declarant's reference (BGM 1004); the reason is FTX+ACB."""
    from egov.customs.selectors import declaration_by_reference_for, declaration_get_for
    from egov.customs.services import declaration_withdraw

    data = parsed.data
    reply = {"control": parsed.control, "recipient": parsed.sender, "reference": data["declarant_reference"]}
    named_at = parsed.where.get("number") or parsed.where["declarant_reference"]
    try:
        if parsed.number:
            declaration = declaration_get_for(actor=actor, number=parsed.number)
        else:
            declaration = declaration_by_reference_for(actor=actor, reference=data["declarant_reference"])
        if not parsed.reason.strip():
            raise CusdecError("MISSING", "FTX+ACB", "A cancellation gives its reason in FTX+ACB.")
        with transaction.atomic():
            declaration = declaration_withdraw(actor=actor, declaration=declaration, reason=parsed.reason)
    except CusdecError as error:
        return cusres_build(**reply, error=error)
    except ServiceError as exc:
        located = "FTX+ACB" if exc.field == "reason" else named_at
        error = CusdecError(exc.code.upper()[:17], located, exc.message)
        return cusres_build(**reply, error=error)
    return cusres_build(**reply, number=declaration.number, status=declaration.state)


_SEGMENT_OF = {
    "transport_mode": "TDT",
    "conveyance": "TDT",
    "port_of_loading": "LOC+9",
    "port_of_discharge": "LOC+11",
    "transport_document": "RFF+BM",
    "incoterm": "TOD",
    "currency": "MOA+39",
    "invoice_amount": "MOA+39",
    "trader_brn": "NAD",
    "declarant_brn": "NAD+DT",
    "hs_code": "CST",
    "origin": "LOC+27",
    "unit": "QTY",
    "quantity": "QTY",
    "value": "MOA+38",
    "description": "IMD",
    "preference": "ALI",
    "origin_proof": "DOC+861",
}


def _where_of_missing(field: str) -> str:
    """Where a field the service refused would have been, when the message did not carry it."""
    if field.startswith("items["):
        index, _dot, name = field[6:].partition("].")
        return f"LIN[{int(index) + 1 if index.isdigit() else '?'}]/{_SEGMENT_OF.get(name, name)}"
    return _SEGMENT_OF.get(field, field or "UNH")


def cusdec_build(
    *,
    kind: str,
    declarant_reference: str,
    trader_brn: str,
    transport_mode: str,
    port_of_loading: str,
    port_of_discharge: str,
    incoterm: str,
    currency: str,
    invoice_amount: str,
    items: list[dict],
    conveyance: str = "",
    transport_document: str = "",
    declarant_brn: str | None = None,
    sender: str = "SENDER",
    control: str = "1",
    function: str = ORIGINAL,
    number: str = "",
    reason: str = "",
) -> str:
    """A CUSDEC of the documented subset (what declarant software sends; tests and the seed);
    with `function` 4 or 5, an amendment of declaration `number` for `reason`. An item's
    `sequence`, when given, is its line number (LIN 1082)."""
    code = {v: k for k, v in DECLARATION_KIND.items()}[kind]
    body = [
        _line("UNH", "1", ["CUSDEC", "D", "96B", "UN"]),
        _line("BGM", code, declarant_reference, function),
    ]
    if number:
        body.append(_line("RFF", ["ABE", number]))
    if reason:
        body.append(_line("FTX", "ACB", "", "", [reason[i : i + 70] for i in range(0, len(reason), 70)][:5]))
    body += [
        _line("NAD", "IM" if kind == "import" else "EX", trader_brn),
    ]
    if declarant_brn:
        body.append(_line("NAD", "DT", declarant_brn))
    body += [
        _line("TDT", "20", conveyance, transport_mode),
        _line("LOC", "9", port_of_loading),
        _line("LOC", "11", port_of_discharge),
    ]
    if transport_document:
        body.append(_line("RFF", ["BM", transport_document]))
    body += [_line("TOD", "", "", incoterm), _line("MOA", ["39", invoice_amount, currency])]
    for index, item in enumerate(items, start=1):
        body += [
            _line("LIN", str(item.get("sequence") or index)),
            _line("IMD", "", "", ["", "", "", item["description"]]),
            _line("CST", "", [item["hs_code"], "122"]),
            _line("LOC", "27", item["origin"]),
            _line("QTY", ["47", item["quantity"], item["unit"]]),
            _line("MOA", ["38", item["value"]]),
        ]
        if item.get("preference"):
            body.append(_line("ALI", item["origin"], "", item["preference"]))
        if item.get("origin_proof"):
            body.append(_line("DOC", ["861"], item["origin_proof"]))
    body.append(_line("UNT", str(len(body) + 1), "1"))
    stamp = dt.datetime.now(tz=dt.UTC).strftime("%y%m%d:%H%M").split(":")
    return (
        "UNA:+.? '"
        + _line("UNB", ["UNOC", "3"], sender, "KCSUNIPASS", stamp, control)
        + "".join(body)
        + _line("UNZ", "1", control)
    )


def cusdec_cancel_build(
    *,
    kind: str,
    declarant_reference: str,
    reason: str,
    number: str = "",
    sender: str = "SENDER",
    control: str = "1",
) -> str:
    """A CUSDEC cancelling a declaration (BGM 1225 = 1): the declaration named by `number`
    (RFF+ABE) or by the declarant's reference alone, and the reason (FTX+ACB)."""
    code = {v: k for k, v in DECLARATION_KIND.items()}[kind]
    body = [
        _line("UNH", "1", ["CUSDEC", "D", "96B", "UN"]),
        _line("BGM", code, declarant_reference, CANCELLATION),
    ]
    if number:
        body.append(_line("RFF", ["ABE", number]))
    if reason:
        body.append(_line("FTX", "ACB", "", "", [reason[i : i + 70] for i in range(0, len(reason), 70)][:5]))
    body.append(_line("UNT", str(len(body) + 1), "1"))
    stamp = dt.datetime.now(tz=dt.UTC).strftime("%y%m%d:%H%M").split(":")
    return (
        "UNA:+.? '"
        + _line("UNB", ["UNOC", "3"], sender, "KCSUNIPASS", stamp, control)
        + "".join(body)
        + _line("UNZ", "1", control)
    )


def status_of(declaration: Declaration) -> str:
    return declaration.state
