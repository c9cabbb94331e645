"""The officials' back office for the registers: browse, search, record and correct.

Views parse a form, call one selector or service, and render; every look-up goes through a
selector that checks the official's agency, and every change through a service that records
the reason and legal basis.
"""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from egov.accounts.forms import EnrolmentCodeIssueForm
from egov.accounts.permissions import has_role
from egov.accounts.services.enrolment import code_display, enrolment_code_issue
from egov.core.errors import ServiceError, ValidationFailed
from egov.core.web import form_attempt, official_required
from egov.registry import forms, selectors, services
from egov.registry.models import Resident


def _action_page(request, form, *, title, subject, back):
    return render(
        request, "registry/action.html", {"form": form, "title": title, "subject": subject, "back": back}
    )


def _form_action(request, form, *, call, done, title, subject, back, then=None):
    """The shape every back-office action shares: on a valid POST run `call(cleaned_data)`;
    on success say `done` and go back to the record (or to `then(result)`), otherwise show
    the form with its errors. A look-up inside `call` refuses by raising a ServiceError that
    names its field, like a service."""
    if request.method == "POST" and form.is_valid():
        result = form_attempt(form, lambda: call(form.cleaned_data))
        if result:
            messages.success(request, done)
            return redirect(*(then(result) if then else back))
    return _action_page(request, form, title=title, subject=subject, back=back)


@official_required
def home(request):
    context = {
        "agency": request.user.agency,
        **selectors.register_counts_for(actor=request.user),
        "can_correct": has_role(request.user, "registrar"),
    }
    return render(request, "registry/home.html", context)


def _search(request, register: str, selector, listed):
    # POST, not GET: names and ID numbers never go into URLs (and so never into access logs).
    form = forms.SearchForm(request.POST or None)
    results = None
    if form.is_bound and form.is_valid():
        results = form_attempt(form, lambda: list(selector(actor=request.user, query=form.cleaned_data["q"])))
        if results:
            listed(actor=request.user, found=results)  # each person listed sees it on their page
    return render(request, f"registry/{register}_search.html", {"form": form, "results": results})


@official_required
def resident_search(request):
    return _search(request, "resident", selectors.resident_search_for, services.residents_listed)


@official_required
def business_search(request):
    return _search(request, "business", selectors.business_search_for, services.businesses_listed)


@official_required
def vehicle_search(request):
    return _search(request, "vehicle", selectors.vehicle_search_for, services.vehicles_listed)


@official_required
def resident_detail(request, resident_id: int):
    resident = selectors.resident_get_for(actor=request.user, resident_id=resident_id)
    family = selectors.resident_family(resident=resident)
    members = list(selectors.household_members(household=resident.household)) if resident.household else []
    services.resident_record_shown(actor=request.user, resident=resident, family=family, members=members)
    context = {
        "resident": resident,
        "family": family,
        "events": selectors.resident_events(resident=resident),
        "members": members,
        "vehicles": selectors.resident_vehicles(resident=resident),
        "businesses": selectors.resident_businesses(resident=resident),
        "can_correct": has_role(request.user, "registrar"),
        "can_reveal": has_role(request.user, "id_revealer"),
        "reveal_form": forms.RevealForm(),
    }
    return render(request, "registry/resident_detail.html", context)


@official_required
def resident_correct(request, resident_id: int):
    resident = selectors.resident_get_for(actor=request.user, resident_id=resident_id)
    fields = services.residents.CORRECTABLE_FIELDS
    initial = {f: getattr(resident, f) for f in fields}
    return _form_action(
        request,
        forms.ResidentCorrectForm(request.POST or None, initial=initial),
        call=lambda data: services.resident_correct(
            actor=request.user,
            resident=resident,
            changes={f: data[f] for f in fields if data[f] != initial[f]},
            reason=data["reason"],
            legal_basis=data["legal_basis"],
        ),
        done=_("The correction is recorded."),
        title=_("Correct a register entry"),
        subject=resident,
        back=("registry:resident", resident.pk),
    )


@official_required
def resident_move(request, resident_id: int):
    resident = selectors.resident_get_for(actor=request.user, resident_id=resident_id)
    agencies = selectors.agencies_for(actor=request.user)

    def household(number: str):
        if not number:
            return None
        found = selectors.household_get_by_number_for(actor=request.user, number=number)
        if found is None:
            raise ValidationFailed(
                _("No household with that number in your agency."), field="household_number"
            )
        return found

    return _form_action(
        request,
        forms.MoveForm(
            request.POST or None,
            agencies=agencies,
            initial={"legal_basis": "주민등록법 제16조", "agency": resident.agency.code},
        ),
        call=lambda data: services.move_register(
            actor=request.user,
            resident=resident,
            road_address=data["road_address"],
            address_detail=data["address_detail"],
            postal_code=data["postal_code"],
            address_key=data["address_key"],
            agency=agencies.get(code=data["agency"]),
            occurred_on=data["occurred_on"],
            reason=data["reason"],
            legal_basis=data["legal_basis"],
            household=household(data["household_number"]),
            relation_to_head=data["relation_to_head"],
        ),
        done=_("The move is recorded."),
        title=_("Record a move"),
        subject=resident,
        back=("registry:resident", resident.pk),
    )


@official_required
def resident_death(request, resident_id: int):
    resident = selectors.resident_get_for(actor=request.user, resident_id=resident_id)
    return _form_action(
        request,
        forms.DateWhyForm(request.POST or None, initial={"legal_basis": services.residents.BASIS_DEATH}),
        call=lambda data: services.death_register(
            actor=request.user,
            resident=resident,
            occurred_on=data["occurred_on"],
            reason=data["reason"],
            legal_basis=data["legal_basis"],
        ),
        done=_("The death is recorded."),
        title=_("Record a death"),
        subject=resident,
        back=("registry:resident", resident.pk),
    )


def _resident_by_number(field: str, number: str) -> Resident:
    """The resident with this full ID number, or ValidationFailed naming the form `field`."""
    try:
        found = selectors.resident_get_by_rrn(rrn=number)
    except ServiceError as exc:
        raise ValidationFailed(exc.message, field=field) from None
    if found is None:
        raise ValidationFailed(_("No resident is registered under that number."), field=field)
    return found


@official_required
def resident_marriage(request, resident_id: int):
    resident = selectors.resident_get_for(actor=request.user, resident_id=resident_id)
    return _form_action(
        request,
        forms.MarriageForm(request.POST or None, initial={"legal_basis": "민법 제812조"}),
        call=lambda data: services.marriage_register(
            actor=request.user,
            spouse_a=resident,
            spouse_b=_resident_by_number("spouse_rrn", data["spouse_rrn"]),
            occurred_on=data["occurred_on"],
            reason=data["reason"],
            legal_basis=data["legal_basis"],
        ),
        done=_("The marriage is recorded."),
        title=_("Record a marriage"),
        subject=resident,
        back=("registry:resident", resident.pk),
    )


@official_required
def resident_divorce(request, resident_id: int):
    resident = selectors.resident_get_for(actor=request.user, resident_id=resident_id)
    return _form_action(
        request,
        forms.DateWhyForm(request.POST or None, initial={"legal_basis": "민법 제836조"}),
        call=lambda data: services.divorce_register(
            actor=request.user,
            resident=resident,
            occurred_on=data["occurred_on"],
            reason=data["reason"],
            legal_basis=data["legal_basis"],
        ),
        done=_("The divorce is recorded."),
        title=_("Record a divorce"),
        subject=resident,
        back=("registry:resident", resident.pk),
    )


@official_required
def resident_parent(request, resident_id: int):
    resident = selectors.resident_get_for(actor=request.user, resident_id=resident_id)
    return _form_action(
        request,
        forms.ParentLinkForm(request.POST or None, initial={"legal_basis": "가족관계의 등록 등에 관한 법률"}),
        call=lambda data: services.parent_link(
            actor=request.user,
            child=resident,
            parent=_resident_by_number("parent_rrn", data["parent_rrn"]),
            since=data["since"],
            reason=data["reason"],
            legal_basis=data["legal_basis"],
        ),
        done=_("The parent is recorded."),
        title=_("Add a parent"),
        subject=resident,
        back=("registry:resident", resident.pk),
    )


@official_required
def resident_birth(request, resident_id: int):
    """Register a newborn child of this resident (출생신고), in this resident's household."""
    parent = selectors.resident_get_for(actor=request.user, resident_id=resident_id)

    def parents(other_number: str) -> list[Resident]:
        return [parent, _resident_by_number("other_parent_rrn", other_number)] if other_number else [parent]

    return _form_action(
        request,
        forms.BirthForm(request.POST or None),
        call=lambda data: services.birth_register(
            actor=request.user,
            rrn=data["rrn"],
            name_ko=data["name_ko"],
            name_en=data["name_en"],
            parents=parents(data["other_parent_rrn"]),
            reason=data["reason"],
        ),
        done=_("The birth is recorded."),
        title=_("Register a birth"),
        subject=parent,
        back=("registry:resident", parent.pk),
        then=lambda child: ("registry:resident", child.pk),
    )


@never_cache
@require_POST
@official_required
def resident_reveal(request, resident_id: int):
    resident = selectors.resident_get_for(actor=request.user, resident_id=resident_id)
    form = forms.RevealForm(request.POST)
    number = None
    if form.is_valid():
        number = form_attempt(
            form,
            lambda: services.resident_rrn_reveal(
                actor=request.user, resident=resident, reason=form.cleaned_data["reason"]
            ),
        )
    if number is None:
        return _action_page(
            request,
            form,
            title=_("View the full ID number"),
            subject=resident,
            back=("registry:resident", resident.pk),
        )
    return render(request, "registry/revealed.html", {"resident": resident, "number": number})


@official_required
def household_detail(request, household_id: int):
    household = selectors.household_get_for(actor=request.user, household_id=household_id)
    members = list(selectors.household_members(household=household))
    services.household_shown(actor=request.user, household=household, members=members)
    return render(request, "registry/household_detail.html", {"household": household, "members": members})


@official_required
def business_detail(request, business_id: int):
    business = selectors.business_get_for(actor=request.user, business_id=business_id)
    services.business_shown(actor=request.user, business=business)
    return render(
        request,
        "registry/business_detail.html",
        {
            "business": business,
            "events": selectors.business_events(business=business),
            "vehicles": selectors.business_vehicles(business=business),
            "can_correct": has_role(request.user, "registrar"),
        },
    )


@official_required
def business_correct(request, business_id: int):
    business = selectors.business_get_for(actor=request.user, business_id=business_id)
    initial = {
        f: getattr(business, f)
        for f in ("name", "road_address", "address_key", "address_detail", "postal_code")
    }

    def changes(data) -> dict:
        changed = {f: data[f] for f in initial if data[f] != initial[f]}
        if data["representative_rrn"]:
            changed["representative"] = _resident_by_number("representative_rrn", data["representative_rrn"])
        return changed

    return _form_action(
        request,
        forms.BusinessCorrectForm(request.POST or None, initial=initial),
        call=lambda data: services.business_correct(
            actor=request.user,
            business=business,
            changes=changes(data),
            reason=data["reason"],
            legal_basis=data["legal_basis"],
        ),
        done=_("The correction is recorded."),
        title=_("Correct a business entry"),
        subject=business,
        back=("registry:business", business.pk),
    )


@official_required
def business_status(request, business_id: int):
    business = selectors.business_get_for(actor=request.user, business_id=business_id)
    return _form_action(
        request,
        forms.BusinessStatusForm(request.POST or None, initial={"legal_basis": "부가가치세법 제8조"}),
        call=lambda data: services.business_status_change(
            actor=request.user,
            business=business,
            status=data["status"],
            occurred_on=data["occurred_on"],
            reason=data["reason"],
            legal_basis=data["legal_basis"],
        ),
        done=_("The status change is recorded."),
        title=_("Change business status"),
        subject=business,
        back=("registry:business", business.pk),
    )


@official_required
def vehicle_detail(request, vehicle_id: int):
    vehicle = selectors.vehicle_get_for(actor=request.user, vehicle_id=vehicle_id)
    services.vehicle_shown(actor=request.user, vehicle=vehicle)
    return render(
        request,
        "registry/vehicle_detail.html",
        {"vehicle": vehicle, "can_correct": has_role(request.user, "registrar")},
    )


def _owner_by_number(number: str):
    """A resident by ID number or a business by registration number, or ValidationFailed."""
    digits = number.replace("-", "").strip()
    try:
        if len(digits) == 10:
            owner = selectors.business_get_by_brn(brn=digits)
        else:
            owner = selectors.resident_get_by_rrn(rrn=number)
    except ServiceError as exc:
        raise ValidationFailed(exc.message, field="owner_id_number") from None
    if owner is None:
        raise ValidationFailed(_("Nobody is registered under that number."), field="owner_id_number")
    return owner


@official_required
def vehicle_transfer(request, vehicle_id: int):
    vehicle = selectors.vehicle_get_for(actor=request.user, vehicle_id=vehicle_id)
    return _form_action(
        request,
        forms.VehicleTransferForm(request.POST or None, initial={"legal_basis": "자동차관리법 제12조"}),
        call=lambda data: services.vehicle_transfer(
            actor=request.user,
            vehicle=vehicle,
            new_owner=_owner_by_number(data["owner_id_number"]),
            occurred_on=data["occurred_on"],
            reason=data["reason"],
            legal_basis=data["legal_basis"],
        ),
        done=_("The transfer is recorded."),
        title=_("Transfer ownership"),
        subject=vehicle,
        back=("registry:vehicle", vehicle.pk),
    )


@official_required
def vehicle_correct(request, vehicle_id: int):
    vehicle = selectors.vehicle_get_for(actor=request.user, vehicle_id=vehicle_id)
    initial = {f: getattr(vehicle, f) for f in services.vehicles.CORRECTABLE_FIELDS}
    return _form_action(
        request,
        forms.VehicleCorrectForm(request.POST or None, initial=initial),
        call=lambda data: services.vehicle_correct(
            actor=request.user,
            vehicle=vehicle,
            changes={f: data[f] for f in initial if data[f] != initial[f]},
            reason=data["reason"],
            legal_basis=data["legal_basis"],
        ),
        done=_("The correction is recorded."),
        title=_("Correct a vehicle entry"),
        subject=vehicle,
        back=("registry:vehicle", vehicle.pk),
    )


@official_required
@never_cache
def resident_enrolment_code(request, resident_id: int):
    """A registrar issues a one-time enrolment code (sign-up or recovery) for the resident in
    front of them, or has it sent by post; a counter code is shown once, to hand over."""
    resident = selectors.resident_get_for(actor=request.user, resident_id=resident_id)
    form = EnrolmentCodeIssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form_attempt(
            form,
            lambda: enrolment_code_issue(
                actor=request.user,
                resident=resident,
                purpose=form.cleaned_data["purpose"],
                channel=form.cleaned_data["channel"],
            ),
        )
        if code:
            return render(
                request,
                "registry/enrolment_code_issued.html",
                {
                    "resident": resident,
                    "code": code_display(code) if form.cleaned_data["channel"] == "counter" else "",
                    "purpose": form.cleaned_data["purpose"],
                    "counter_hours": settings.EGOV_ENROLMENT_COUNTER_HOURS,
                    "post_days": settings.EGOV_ENROLMENT_POST_DAYS,
                },
            )
    return _action_page(
        request,
        form,
        title=_("Issue an enrolment code"),
        subject=resident,
        back=("registry:resident", resident.pk),
    )
