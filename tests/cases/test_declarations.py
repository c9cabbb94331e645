"""A procedure's declaration is checked when it is made, not when a citizen first meets it."""

import datetime as dt

import pytest

from egov.cases import procedures
from egov.cases.procedures import (
    APPLICANT,
    OFFICIAL,
    NumberFormat,
    Procedure,
    Transition,
    procedure_register,
)


def _procedure(code="tests.thing", transitions=None, **kwargs) -> Procedure:
    return Procedure(
        code=code,
        model="auth.User",
        label="Thing",
        audit_prefix="thing",
        number=NumberFormat(prefix="T-", date_format="%y%m", digits=5),
        transitions=transitions
        or (Transition("close", "Closed", sources=("open",), target="closed", by=APPLICANT),),
        open_states=("open",),
        **kwargs,
    )


def test_a_number_has_the_prefix_the_local_date_and_a_padded_serial():
    number = NumberFormat(prefix="1AA-", date_format="%y%m", digits=7).format(dt.date(2026, 12, 7), 42)
    assert number == "1AA-2612-0000042"


def test_an_officials_transition_must_name_the_roles_that_may_take_it():
    with pytest.raises(ValueError, match="roles"):
        Transition("answer", "Answered", sources=("open",), target="answered", by=OFFICIAL)


def test_a_transition_is_taken_by_the_applicant_an_official_or_the_platform_only():
    with pytest.raises(ValueError, match="by must be"):
        Transition("answer", "Answered", sources=("open",), target="answered", by="anyone")


def test_an_action_declared_twice_is_refused():
    twice = (
        Transition("close", "Closed", sources=("open",), target="closed", by=APPLICANT),
        Transition("close", "Closed again", sources=("open",), target="closed", by=APPLICANT),
    )
    with pytest.raises(ValueError, match="twice"):
        _procedure(transitions=twice)


@pytest.fixture
def registry_restored():
    saved = (dict(procedures._REGISTRY), dict(procedures._BY_MODEL))
    yield
    procedures._REGISTRY.clear()
    procedures._REGISTRY.update(saved[0])
    procedures._BY_MODEL.clear()
    procedures._BY_MODEL.update(saved[1])


def test_two_different_declarations_under_one_code_are_refused_and_the_same_one_is_kept_once(
    registry_restored,
):
    first = procedure_register(_procedure(code="tests.declared"))
    assert procedure_register(_procedure(code="tests.declared")) is not None  # a module imported again
    with pytest.raises(ValueError, match="declared twice"):
        procedure_register(_procedure(code="tests.declared", mail_subject="other"))
    assert first.transition("close").target == "closed"
    assert first.action_label("close") == "Closed"
    assert first.action_label("unknown") == ""
    with pytest.raises(LookupError):
        first.transition("unknown")
