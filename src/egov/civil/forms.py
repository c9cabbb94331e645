import json

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from egov.civil.models import Service
from egov.registry.models import Agency

TEXT = {"class": "krds-input"}


class _Keyed(forms.Form):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)


class CertificateForm(_Keyed):
    """Options of an instant certificate; the data itself is fetched, never typed in."""

    language = forms.ChoiceField(
        label=_("Edition"), choices=[("ko", _("Korean")), ("en", _("English"))], initial="ko"
    )

    def __init__(self, *args, handler, resident, needs_consent: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.handler = handler
        if "address_history" in handler.options:
            self.fields["address_history"] = forms.BooleanField(
                label=_("Include the address history"), required=False
            )
        if "reveal_numbers" in handler.options:
            self.fields["reveal_numbers"] = forms.BooleanField(
                label=_(
                    "Show resident registration numbers in full (otherwise the last 6 digits are masked)"
                ),
                required=False,
            )
        if "plate" in handler.options:
            plates = [
                (v.plate, f"{v.plate} {v.model_name}")
                for v in resident.vehicles.filter(deregistered_on__isnull=True)
            ]
            self.fields["plate"] = forms.ChoiceField(
                label=_("Vehicle"), choices=plates or [("", "—")], required=False
            )
        if "brn" in handler.options:
            from egov.registry.models import Business

            choices = [
                (b.brn_formatted, f"{b.brn_formatted} {b.name}")
                for b in Business.objects.filter(representative=resident)
            ]
            self.fields["brn"] = forms.ChoiceField(
                label=_("Business"), choices=choices or [("", "—")], required=False
            )
        # Required by the service (`certificate_issue` refuses without it), so the error it gives
        # names the box; the form itself lets the service word the refusal.
        self.fields["consent"] = forms.BooleanField(
            label=_("I consent to the fetching shown above where no law allows it without consent")
            if needs_consent
            else _(
                "I agree that the data shown above is fetched from the agencies that hold it "
                "for this certificate"
            ),
            required=False,
        )

    def options(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("address_history", "reveal_numbers", "plate", "brn")
            if name in self.cleaned_data and self.cleaned_data[name] not in ("", None, False)
        }


class ApplicationForm(_Keyed):
    """The form of a processed service: the moving-in report's or a configurable one's fields."""

    def __init__(self, *args, service: Service, supplement: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.service = service
        english = (get_language() or "ko").startswith("en")
        if supplement:
            del self.fields["idempotency_key"]
        if service.handler == "moving_in":
            locals_ = Agency.objects.filter(kind=Agency.Kind.LOCAL).order_by("name_ko")
            self.fields["agency"] = forms.ChoiceField(
                label=_("City, county or district you moved to"),
                choices=[(a.code, a.name_en if english else a.name_ko) for a in locals_],
            )
            # The address picker (portal/address-picker.js) searches the address register as
            # one types and fills these fields; without JavaScript the help links to the plain
            # search, and the typed address is matched against the register when filed.
            self.fields["road_address"] = forms.CharField(
                label=_("New road-name address"),
                max_length=200,
                help_text=_(
                    "Type the road name and building number, e.g. 테헤란로 152, and choose from the list."
                ),
                widget=forms.TextInput(
                    attrs={
                        **TEXT,
                        "data-address-picker": "",
                        "data-postal-target": "id_postal_code",
                        "data-agency-target": "id_agency",
                        "data-key-target": "id_address_key",
                        "autocomplete": "off",
                    }
                ),
            )
            self.fields["address_key"] = forms.CharField(
                required=False, max_length=26, widget=forms.HiddenInput
            )
            self.fields["address_detail"] = forms.CharField(
                label=_("Detail (building, unit)"),
                max_length=100,
                required=False,
                widget=forms.TextInput(attrs=TEXT),
            )
            self.fields["postal_code"] = forms.CharField(
                label=_("Postal code"), max_length=5, widget=forms.TextInput(attrs=TEXT)
            )
            self.fields["moved_on"] = forms.DateField(
                label=_("Date of the move"), widget=forms.DateInput(attrs={"type": "date", **TEXT})
            )
            self.fields["whole_household"] = forms.BooleanField(
                label=_("My whole household moves with me (as head of household)"), required=False
            )
        else:
            for spec in service.form_schema:
                label = spec.get("label_en" if english else "label_ko") or spec["name"]
                required = bool(spec.get("required"))
                kind = spec["type"]
                if kind == "textarea":
                    field = forms.CharField(
                        label=label,
                        required=required,
                        max_length=2000,
                        widget=forms.Textarea(attrs={"rows": 4, **TEXT}),
                    )
                elif kind == "date":
                    field = forms.DateField(
                        label=label, required=required, widget=forms.DateInput(attrs={"type": "date", **TEXT})
                    )
                elif kind == "number":
                    field = forms.IntegerField(
                        label=label, required=required, widget=forms.NumberInput(attrs=TEXT)
                    )
                elif kind == "choice":
                    field = forms.ChoiceField(
                        label=label, required=required, choices=[(str(c), str(c)) for c in spec["choices"]]
                    )
                elif kind == "checkbox":
                    field = forms.BooleanField(label=label, required=required)
                else:
                    field = forms.CharField(
                        label=label, required=required, max_length=200, widget=forms.TextInput(attrs=TEXT)
                    )
                self.fields[spec["name"]] = field
        if supplement:
            self.fields["note"] = forms.CharField(
                label=_("Message to the official"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 3, **TEXT}),
            )
        elif service.items:
            self.fields["consent"] = forms.BooleanField(
                label=_("I consent to the fetching shown above where no law allows it without consent"),
                required=False,
            )

    def data_for_service(self) -> dict:
        skip = {"idempotency_key", "consent", "note"}
        out = {}
        for name, value in self.cleaned_data.items():
            if name in skip:
                continue
            out[name] = value.isoformat() if hasattr(value, "isoformat") else value
        return out


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Reason or note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, **TEXT}),
    )


class SupplementRequestForm(forms.Form):
    note = forms.CharField(
        label=_("What is missing or must be corrected"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, **TEXT}),
    )


class CounterServiceForm(forms.Form):
    """The counter's first step: which service the resident applies for."""

    service = forms.ModelChoiceField(
        label=_("Service"), queryset=Service.objects.none(), to_field_name="code"
    )

    def __init__(self, *args, offered, **kwargs):
        super().__init__(*args, **kwargs)
        english = (get_language() or "ko").startswith("en")
        self.fields["service"].queryset = offered
        self.fields["service"].label_from_instance = lambda s: s.name_en if english else s.name_ko


class CounterForm(ApplicationForm):
    """A processed service's own form, filled in by an official at the counter for the resident
    whose number comes first."""

    def __init__(self, *args, service: Service, **kwargs):
        super().__init__(*args, service=service, **kwargs)
        self.fields.pop("consent", None)  # the resident is at the counter; the official records
        rrn = forms.CharField(
            label=_("Applicant's resident registration number"),
            max_length=14,
            widget=forms.TextInput(attrs={"autocomplete": "off", **TEXT}),
        )
        self.fields = {"rrn": rrn, **self.fields}

    def data_for_service(self) -> dict:
        data = super().data_for_service()
        data.pop("rrn", None)
        return data

    def resident(self):
        from egov.core.errors import ValidationFailed
        from egov.registry.selectors import resident_get_by_rrn

        resident = resident_get_by_rrn(rrn=self.cleaned_data["rrn"])  # malformed: field "rrn"
        if resident is None:
            raise ValidationFailed(_("No resident with this number."), field="rrn")
        return resident


class ServiceForm(forms.Form):
    """A configurable service, defined by an agency administrator without code."""

    EXAMPLE_SCHEMA = [
        {
            "name": "child_name",
            "type": "text",
            "label_ko": "자녀 이름",
            "label_en": "Child's name",
            "required": True,
        },
        {
            "name": "birth_date",
            "type": "date",
            "label_ko": "출생일",
            "label_en": "Date of birth",
            "required": True,
        },
    ]

    code = forms.SlugField(label=_("Code (letters, digits, -)"), max_length=64)
    name_ko = forms.CharField(label=_("Name (Korean)"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    summary_ko = forms.CharField(
        label=_("Summary (Korean)"), required=False, widget=forms.Textarea(attrs={"rows": 2, **TEXT})
    )
    summary_en = forms.CharField(
        label=_("Summary (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2, **TEXT})
    )
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=300, widget=forms.TextInput(attrs=TEXT))
    eligibility_ko = forms.CharField(
        label=_("Eligibility (Korean)"), required=False, widget=forms.Textarea(attrs={"rows": 2, **TEXT})
    )
    eligibility_en = forms.CharField(
        label=_("Eligibility (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2, **TEXT})
    )
    fee = forms.IntegerField(label=_("Fee (KRW)"), min_value=0, max_value=10_000_000, initial=0)
    processing_days = forms.IntegerField(
        label=_("Statutory processing period (days)"), min_value=1, max_value=365
    )
    items = forms.MultipleChoiceField(
        label=_("Data fetched instead of papers (shared items)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Fetched through data sharing on a grant of your agency, or on the citizen's consent."),
    )
    papers_replaced = forms.IntegerField(
        label=_("Papers citizens no longer submit"), min_value=0, max_value=20, initial=0
    )
    form_schema = forms.CharField(
        label=_("Form fields (JSON)"), widget=forms.Textarea(attrs={"rows": 8, **TEXT})
    )
    approval_steps = forms.CharField(
        label=_("Approval steps (JSON)"),
        initial=(
            '[{"role": "registrar", "label_ko": "담당자 검토", "label_en": "Review"}, '
            '{"role": "agency_admin", "label_ko": "결재", "label_en": "Sign-off"}]'
        ),
        widget=forms.Textarea(attrs={"rows": 3, **TEXT}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from egov.exchange.models import SharedItem

        english = (get_language() or "ko").startswith("en")
        self.fields["items"].choices = [
            (item.code, item.name_en if english else item.name_ko)
            for item in SharedItem.objects.filter(is_active=True).order_by("code")
        ]

    def _json(self, name):
        try:
            return json.loads(self.cleaned_data[name])
        except ValueError:
            raise forms.ValidationError(_("This is not valid JSON.")) from None

    def clean_form_schema(self):
        return self._json("form_schema")

    def clean_approval_steps(self):
        return self._json("approval_steps")
