"""An official's key signs only on their own fresh authentication (재인증): their passkey with
user verification, or, without a passkey, a code from their authenticator app."""

import dataclasses
import datetime as dt
import json
import time

import pytest
from django.utils import timezone

from egov.accounts.services.passkeys import PasskeyRefused
from egov.accounts.services.step_up import (
    STEP_UP_SECONDS,
    StepUpRequired,
    step_up_demo,
    step_up_options,
    step_up_passkey,
    step_up_totp,
)
from egov.edocs.models import Substitute
from egov.edocs.services.approval import document_post_approve, document_sign, document_submit
from egov.edocs.signatures import SIGNING_PURPOSE
from tests.edocs.stepup import _request, authenticator_for, fresh, totp_code


def test_minji_cannot_submit_without_a_fresh_step_up(draft, minji):
    document = draft()
    with pytest.raises(StepUpRequired):
        document_submit(actor=minji, step_up=None, document=document)
    document.refresh_from_db()
    assert document.state == "draft"
    assert not document.steps.exclude(signature="").exists()


def test_junhos_step_up_does_not_unlock_minjis_key(draft, minji, junho):
    with pytest.raises(StepUpRequired):
        document_submit(actor=minji, step_up=fresh(junho), document=draft())


def test_a_step_up_older_than_five_minutes_is_refused(draft, minji):
    stale = dataclasses.replace(fresh(minji), at=time.time() - STEP_UP_SECONDS - 1)
    with pytest.raises(StepUpRequired):
        document_submit(actor=minji, step_up=stale, document=draft())


def test_a_step_up_made_for_something_else_is_refused(draft, minji):
    other = dataclasses.replace(fresh(minji), purpose="accounts.settings")
    with pytest.raises(StepUpRequired):
        document_submit(actor=minji, step_up=other, document=draft())


def test_the_signed_statement_says_how_each_official_stepped_up(draft, minji, junho):
    document = document_submit(actor=minji, step_up=fresh(minji), document=draft())
    document = document_sign(
        actor=junho, step_up=step_up_totp(user=junho, token=totp_code(junho), purpose=SIGNING_PURPOSE),
        document=document,
    )  # fmt: skip
    signed = {s.order: json.loads(s.signed) for s in document.steps.exclude(signed="")}
    assert signed[0]["auth"] == "passkey" and signed[0]["action"] == "submit"
    assert signed[1]["auth"] == "totp" and signed[1]["signer"] == junho.pk


def test_an_official_with_a_passkey_must_use_it(minji):
    authenticator_for(minji)
    with pytest.raises(StepUpRequired):
        step_up_totp(user=minji, token=totp_code(minji), purpose=SIGNING_PURPOSE)


def test_a_wrong_code_is_refused_and_counted(junho):
    from egov.accounts.services import LoginFailed

    with pytest.raises(LoginFailed):
        step_up_totp(user=junho, token="000000", purpose=SIGNING_PURPOSE)
    junho.refresh_from_db()
    assert junho.failed_totp == 1


def test_a_passkey_answer_for_one_document_does_not_sign_another(minji):
    key = authenticator_for(minji)
    request = _request()
    options = json.loads(
        step_up_options(request=request, user=minji, purpose=SIGNING_PURPOSE, context="ED-1:sign")
    )
    with pytest.raises(PasskeyRefused):
        step_up_passkey(
            request=request,
            user=minji,
            credential=key.get(options),
            purpose=SIGNING_PURPOSE,
            context="ED-2:sign",
        )


def test_a_passkey_answer_without_user_verification_is_refused(minji):
    key = authenticator_for(minji)
    request = _request()
    options = json.loads(step_up_options(request=request, user=minji, purpose=SIGNING_PURPOSE))
    with pytest.raises(PasskeyRefused):
        step_up_passkey(
            request=request, user=minji, credential=key.get(options, verified=False), purpose=SIGNING_PURPOSE
        )


def test_only_the_seeds_demo_accounts_step_up_unattended(minji):
    with pytest.raises(StepUpRequired):
        step_up_demo(user=minji, purpose=SIGNING_PURPOSE)
    minji.is_demo = True
    assert step_up_demo(user=minji, purpose=SIGNING_PURPOSE).method == "demo"


def test_post_approval_needs_the_approvers_own_step_up(draft, minji, junho, soyeon, park):
    today = timezone.localdate()
    Substitute.objects.create(
        official=park, substitute=junho, starts_on=today, ends_on=today + dt.timedelta(days=2)
    )
    document = document_submit(
        actor=minji, step_up=fresh(minji), document=draft(line=[(soyeon, "cooperate"), (park, "approve")])
    )
    for official in (soyeon, junho):  # Junho approves for Director Park (대결)
        document = document_sign(actor=official, step_up=fresh(official), document=document)
    with pytest.raises(StepUpRequired):
        document_post_approve(actor=park, step_up=fresh(junho), document=document)
    document = document_post_approve(actor=park, step_up=fresh(park), document=document)
    step = document.steps.get(role="approve")
    assert step.post_approved_at is not None and '"auth":"passkey"' in step.post_signature
