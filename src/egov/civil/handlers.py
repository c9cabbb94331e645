"""How each kind of civil service works. A Service row names its handler by code.

Certificates (instant): the shared items to fetch (through `exchange`, so each issuance shows in
the citizen's "who looked at my data"), and how the fetched data becomes the document's
content. Applications (processed): the form the citizen fills in — never with what the
platform already holds — and what approval does.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from egov.core.errors import ValidationFailed


@dataclass(frozen=True)
class Handler:
    code: str
    kind: str  # "instant" | "processed"
    items: dict[str, tuple[str, ...]] = field(default_factory=dict)  # shared item → fields
    doc_type: str = ""
    payload: Callable | None = None  # (fetched, options, subject) -> document content
    options: tuple[str, ...] = ()  # certificate options the citizen may choose
    option_fields: dict[str, tuple[str, str]] = field(default_factory=dict)  # option → (item, extra field)
    validate: Callable | None = None  # (service, data) -> cleaned data
    approve: Callable | None = None  # (application, actor) -> None, inside the transaction
    handling_agency: Callable | None = None  # (service, cleaned data) -> Agency


HANDLERS: dict[str, Handler] = {}


def handler(h: Handler) -> Handler:
    HANDLERS[h.code] = h
    return h


def handler_get(code: str) -> Handler:
    try:
        return HANDLERS[code]
    except KeyError:
        raise ValidationFailed(_("This service is not available."), field="service") from None


# --- certificates ------------------------------------------------------------------------------


def _abstract_payload(fetched: dict, options: dict, subject) -> dict:
    abstract = fetched["resident.abstract"]
    payload = {
        "name": abstract["name_ko"],
        "name_en": abstract.get("name_en", ""),
        "rrn": subject.rrn_reveal() if options.get("reveal_numbers") else subject.rrn_masked,
        "address": abstract["address"],
    }
    if options.get("address_history"):
        payload["address_history"] = [
            {"date": row["moved_on"], "address": row["address"]}
            for row in abstract.get("address_history", [])
        ]
    return payload


handler(
    Handler(
        code="resident.abstract",
        kind="instant",
        items={"resident.abstract": ("name_ko", "name_en", "address", "address_history")},
        doc_type="resident.abstract",
        payload=_abstract_payload,
        options=("address_history", "reveal_numbers"),
    )
)


def _copy_payload(fetched: dict, options: dict, subject) -> dict:
    household = fetched["resident.household"]
    members = []
    numbers = household.get("member_numbers", {}) if options.get("reveal_numbers") else {}
    for member in household["members"]:
        members.append(
            {
                "name": member["name_ko"],
                "relation": member["relation"],
                "birth_date": member["birth_date"],
                "rrn": numbers.get(member["ref"], member["rrn"]),
                "moved_in_on": member.get("joined_on") or "",
            }
        )
    return {"household": household["household_number"], "address": household["address"], "members": members}


handler(
    Handler(
        code="resident.copy",
        kind="instant",
        items={"resident.household": ("household_number", "address", "members")},
        doc_type="civil.resident_copy",
        payload=_copy_payload,
        options=("reveal_numbers",),
        # Full numbers are fetched only when the citizen asks for them: data minimisation.
        option_fields={"reveal_numbers": ("resident.household", "member_numbers")},
    )
)


def _family_payload(fetched: dict, options: dict, subject) -> dict:
    family = fetched["family.relations"]
    rows = []
    for relation, key in (("parent", "parents"), ("spouse", "spouse"), ("child", "children")):
        people = family.get(key) or []
        if isinstance(people, dict):
            people = [people]
        for person in people:
            rows.append(
                {
                    "relation": relation,
                    "name": person["name_ko"],
                    "birth_date": person["birth_date"],
                    "rrn": person["rrn"],
                }
            )
    return {
        "name": subject.name_ko,
        "birth_date": subject.birth_date.isoformat(),
        "rrn": subject.rrn_reveal() if options.get("reveal_numbers") else subject.rrn_masked,
        "family": rows,
    }


handler(
    Handler(
        code="family.relations",
        kind="instant",
        items={"family.relations": ("parents", "spouse", "children")},
        doc_type="civil.family_relations",
        payload=_family_payload,
        options=("reveal_numbers",),
    )
)


def _vehicle_payload(fetched: dict, options: dict, subject) -> dict:
    vehicles = fetched["vehicle.registration"]["vehicles"]
    if not vehicles:
        raise ValidationFailed(_("No vehicle is registered in your name."), field="service")
    plate = options.get("plate") or vehicles[0]["plate"]
    chosen = next((v for v in vehicles if v["plate"] == plate), None)
    if chosen is None:
        raise ValidationFailed(_("No vehicle with this plate is registered in your name."), field="plate")
    return {"owner": subject.name_ko, "owner_rrn": subject.rrn_masked, **chosen}


handler(
    Handler(
        code="vehicle.registration",
        kind="instant",
        items={"vehicle.registration": ("vehicles",)},
        doc_type="civil.vehicle_registration",
        payload=_vehicle_payload,
        options=("plate",),
    )
)


def _business_payload(fetched: dict, options: dict, subject) -> dict:
    businesses = [b for b in fetched["business.status"]["businesses"] if b["status"] != "closed"]
    if not businesses:
        raise ValidationFailed(
            _("No open business is registered with you as representative."), field="service"
        )
    brn = options.get("brn") or businesses[0]["brn"]
    chosen = next((b for b in businesses if b["brn"] == brn), None)
    if chosen is None:
        raise ValidationFailed(_("No open business with this number has you as representative."), field="brn")
    return {"representative": subject.name_ko, **chosen}


handler(
    Handler(
        code="business.registration",
        kind="instant",
        items={"business.status": ("businesses",)},
        doc_type="civil.business_registration",
        payload=_business_payload,
        options=("brn",),
    )
)


def _tax_clearance_payload(fetched: dict, options: dict, subject) -> dict:
    """납세증명서: issued only when neither the person nor a business they represent has national
    tax in arrears (국세징수법 제107조, as read here; docs/tax.md)."""
    clearance = fetched["tax.clearance"]
    owing = [b for b in clearance.get("businesses", []) if not b.get("clear")]
    if not clearance.get("clear") or owing:
        raise ValidationFailed(
            _("A tax clearance certificate cannot be issued while national tax is in arrears."),
            field="service",
            code="tax_arrears",
        )
    return {
        "name": subject.name_ko,
        "rrn": subject.rrn_masked,
        "address": subject.full_address,
        "as_of": clearance.get("as_of", ""),
        "businesses": clearance.get("businesses", []),
    }


handler(
    Handler(
        code="tax.clearance",
        kind="instant",
        items={"tax.clearance": ("clear", "arrears", "businesses", "as_of")},
        doc_type="civil.tax_clearance",
        payload=_tax_clearance_payload,
    )
)


# --- the moving-in report (전입신고) -------------------------------------------------------------


def _moving_in_validate(service, data: dict) -> dict:
    from egov.registry.addresses import address_structure
    from egov.registry.models import Agency

    code = str(data.get("agency", "")).strip()
    agency = Agency.objects.filter(code=code, kind=Agency.Kind.LOCAL).first()
    if agency is None:
        raise ValidationFailed(_("Choose the city, county or district you moved to."), field="agency")
    address = address_structure(
        road_address=str(data.get("road_address", "") or ""),
        address_detail=str(data.get("address_detail", "") or ""),
        postal_code=str(data.get("postal_code", "") or ""),
        address_key=str(data.get("address_key", "") or ""),
        agency=agency,
    )
    try:
        moved_on = dt.date.fromisoformat(str(data.get("moved_on", "")))
    except ValueError:
        raise ValidationFailed(_("Give the date of the move as YYYY-MM-DD."), field="moved_on") from None
    from django.utils import timezone

    today = timezone.localdate()
    if moved_on > today or moved_on < today - dt.timedelta(days=365):
        raise ValidationFailed(_("The date of the move must be within the last year."), field="moved_on")
    whole = bool(data.get("whole_household"))
    return {**address, "agency": agency.code, "moved_on": moved_on.isoformat(), "whole_household": whole}


def _moving_in_agency(service, data: dict):
    from egov.registry.models import Agency

    return Agency.objects.get(code=data["agency"])


def _moving_in_approve(application, actor) -> None:
    from egov.registry.models import Agency
    from egov.registry.services.residents import household_move, move_register

    data = application.data
    agency = Agency.objects.get(code=data["agency"])
    # The register's services resolve the address again (an application filed before the
    # address was completed at filing is completed here with the district's 시도/시군구).
    address = {
        "road_address": data["road_address"], "address_detail": data.get("address_detail", ""),
        "postal_code": data["postal_code"], "address_key": data.get("address_key", ""),
    }  # fmt: skip
    reason = _("Moving-in report %(number)s") % {"number": application.number}
    moved_on = dt.date.fromisoformat(data["moved_on"])
    resident = application.subject
    household = resident.household
    if data.get("whole_household") and household and household.head_id == resident.pk:
        household_move(
            actor=actor, household=household, **address, agency=agency, occurred_on=moved_on, reason=reason,
        )  # fmt: skip
    else:
        move_register(
            actor=actor, resident=resident, **address, agency=agency, occurred_on=moved_on, reason=reason,
        )  # fmt: skip


handler(
    Handler(
        code="moving_in",
        kind="processed",
        validate=_moving_in_validate,
        approve=_moving_in_approve,
        handling_agency=_moving_in_agency,
    )
)


# --- configurable services --------------------------------------------------------------------

FIELD_TYPES = ("text", "textarea", "date", "number", "choice", "checkbox")


def schema_check(schema, steps) -> tuple[list, list]:
    """Validate a configurable service's form fields and approval steps as an official wrote them."""
    from egov.accounts.models import Role

    if not isinstance(schema, list) or not schema:
        raise ValidationFailed(_("Give the form at least one field."), field="form_schema")
    names = set()
    for position, spec in enumerate(schema, start=1):
        if not isinstance(spec, dict):
            raise ValidationFailed(_("Field %(n)d is not an object.") % {"n": position}, field="form_schema")
        name = str(spec.get("name", ""))
        if not name.isidentifier() or name in names or len(name) > 40:
            raise ValidationFailed(
                _("Field %(n)d needs a unique name of letters, digits and _.") % {"n": position},
                field="form_schema",
            )
        names.add(name)
        if spec.get("type") not in FIELD_TYPES:
            raise ValidationFailed(
                _("Field %(n)d: the type must be one of %(types)s.")
                % {"n": position, "types": ", ".join(FIELD_TYPES)},
                field="form_schema",
            )
        if not spec.get("label_ko") or not spec.get("label_en"):
            raise ValidationFailed(
                _("Field %(n)d needs a Korean and an English label.") % {"n": position}, field="form_schema"
            )
        if spec["type"] == "choice" and not (isinstance(spec.get("choices"), list) and spec["choices"]):
            raise ValidationFailed(
                _("Field %(n)d: a choice needs its choices.") % {"n": position}, field="form_schema"
            )
    if not isinstance(steps, list) or not steps:
        raise ValidationFailed(_("Give at least one approval step."), field="approval_steps")
    for position, step in enumerate(steps, start=1):
        if not isinstance(step, dict) or step.get("role") not in Role.values:
            raise ValidationFailed(
                _("Step %(n)d needs a role: one of %(roles)s.")
                % {"n": position, "roles": ", ".join(Role.values)},
                field="approval_steps",
            )
    return schema, steps


def _configurable_validate(service, data: dict) -> dict:
    cleaned = {}
    for spec in service.form_schema:
        name, kind = spec["name"], spec["type"]
        value = data.get(name)
        if kind == "checkbox":
            cleaned[name] = bool(value) and value not in ("0", "false", "off")
            if spec.get("required") and not cleaned[name]:
                raise ValidationFailed(_("This must be checked."), field=name)
            continue
        value = "" if value is None else str(value).strip()
        if not value:
            if spec.get("required"):
                raise ValidationFailed(_("This field is required."), field=name)
            cleaned[name] = ""
            continue
        limit = 2000 if kind == "textarea" else 200
        if len(value) > limit or "\x00" in value:
            raise ValidationFailed(_("At most %(n)d characters.") % {"n": limit}, field=name)
        if kind == "date":
            try:
                value = dt.date.fromisoformat(value).isoformat()
            except ValueError:
                raise ValidationFailed(_("Give a date as YYYY-MM-DD."), field=name) from None
        elif kind == "number":
            try:
                number = int(value)
            except ValueError:
                raise ValidationFailed(_("Give a whole number."), field=name) from None
            if not -(10**12) < number < 10**12:
                raise ValidationFailed(_("The number is out of range."), field=name)
            value = number
        elif kind == "choice" and value not in [str(c) for c in spec["choices"]]:
            raise ValidationFailed(_("Choose one of the options."), field=name)
        cleaned[name] = value
    return cleaned


handler(
    Handler(
        code="configurable",
        kind="processed",
        doc_type="civil.decision",
        validate=_configurable_validate,
        handling_agency=lambda service, data: service.agency,
    )
)
