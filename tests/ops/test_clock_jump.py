"""A clock jump on an app host (issue 20, item 5): the wall clock of the process jumps forward
and back (time-machine moves `time.time()` and `datetime.now()`; PostgreSQL's own clock does
not move, as when one app host's clock is wrong). Nothing that is stored may break, and what
follows "now" follows it without an error:

- a case's legal clock: the due date is computed from stored moments and the calendar, so a jump
  changes whether a case is overdue, never its due date; a step taken while the clock is behind
  the case's last step is stamped at that last step, never before it;
- the transparency log and the audit trail: entries stamped out of time order still integrate
  and `egov audit verify` holds (positions, not timestamps, order them);
- sessions: a jump forward past their age signs people out (the login page, not an error); the
  refresh mark of a session after a jump back is renewed at once;
- rate limits: a jump back returns to a window already counted (still limited, no reset);
- TOTP: while the server's clock is an hour ahead, a phone's code is refused with the form's
  message; once the clock is right again the same phone's code is accepted (django-otp's wait
  after that wrong code, stamped an hour ahead, no longer locks the phone out for that hour).
"""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.core import ratelimit
from egov.core.deadlines import clock_pause, clock_resume, clock_start, overdue
from egov.core.middleware import SessionRefreshMiddleware
from egov.core.models import CaseClock
from egov.core.ratelimit import RateLimited
from egov.exchange.accesslog import access_log_append, access_log_integrate
from egov.exchange.models import AccessLogEntry
from tests.core.deadline_cases import GRIEVANCE, end_of, kst

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


def test_a_jump_changes_whether_a_case_is_overdue_never_its_due_date(jongno, bob):
    with time_machine.travel(kst(2026, 3, 3, 10), tick=False) as clock:
        start = clock_start(case_type=GRIEVANCE, case_ref="p:1", agency=jongno, actor=bob)
        assert start.due_at == end_of(2026, 3, 11)
        clock.shift(-DAY)  # the host's clock falls a day behind the case's start
        paused = clock_pause(case_ref="p:1", reason="보완 요청", actor=bob)
        # stamped at the case's last step, not a day before the case began
        assert dt.datetime.fromisoformat(paused.pauses[0][0]) == kst(2026, 3, 3, 10)
        clock.shift(DAY + 2 * DAY)  # right again, two days later: Thursday 3/5
        resumed = clock_resume(case_ref="p:1", actor=bob)
        assert resumed.due_at == end_of(2026, 3, 13)  # two business days paused
        clock.shift(30 * DAY)  # a jump forward: overdue by "now", due date unchanged
        assert list(overdue()) == [resumed]
        clock.shift(-30 * DAY)  # and back: no longer overdue
        assert list(overdue()) == []
        assert CaseClock.objects.get(case_ref="p:1").due_at == end_of(2026, 3, 13)


def _append(purpose: str) -> None:
    with transaction.atomic():
        access_log_append(
            consumer=None, client_id="nps-benefits", item_code="resident.abstract", subject=None,
            fields=["name_ko"], purpose=purpose, basis="grant:1", outcome="granted", error_code="",
        )  # fmt: skip


def test_log_entries_stamped_out_of_time_order_integrate_and_verify(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.EGOV_WITNESSES = ""
    with time_machine.travel(dt.datetime(2026, 12, 7, 12, tzinfo=dt.UTC), tick=True) as clock:
        _append("before")
        access_log_integrate()
        clock.shift(-2 * HOUR)  # back: entries and a checkpoint older than the last ones
        _append("after the jump back")
        access_log_integrate()
        clock.shift(5 * HOUR)  # forward
        _append("after the jump forward")
        access_log_integrate()
        out = StringIO()
        call_command("audit", "verify", stdout=out, stderr=StringIO())
    entries = list(AccessLogEntry.objects.order_by("seq").values_list("purpose", "at"))
    assert [p for p, _ in entries] == ["before", "after the jump back", "after the jump forward"]
    assert entries[1][1] < entries[0][1] < entries[2][1]  # the stamps as the host gave them
    assert "3 entries (seq 1–3)" in out.getvalue()


def test_a_jump_forward_signs_people_out_and_a_jump_back_renews_the_refresh_mark(client, alice, settings):
    with time_machine.travel(dt.datetime(2026, 12, 7, 3, tzinfo=dt.UTC), tick=True) as clock:
        client.force_login(alice)
        assert client.get("/my/access-log/").status_code == 200
        clock.shift(2 * HOUR)  # past the 30-minute session age
        response = client.get("/my/access-log/")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        client.force_login(alice)
        assert client.get("/my/access-log/").status_code == 200
        marked = client.session[SessionRefreshMiddleware.KEY]
        clock.shift(-HOUR)  # back: the refresh mark is now an hour in the future
        assert client.get("/my/access-log/").status_code == 200  # still signed in
        assert client.session[SessionRefreshMiddleware.KEY] <= marked - 3500  # renewed at once


def test_a_jump_back_returns_to_a_window_already_counted(db):
    limit = ratelimit.Limit.parse("drill", "3/60")
    t = 60.0 * 31_666_667  # the start of a window
    for _ in range(3):
        ratelimit.hit(limit, "10.0.0.1", now=t)
    with pytest.raises(RateLimited):
        ratelimit.hit(limit, "10.0.0.1", now=t + 30)
    assert ratelimit.hit(limit, "10.0.0.1", now=t + 120) == 1  # a jump forward: a new window
    with pytest.raises(RateLimited) as refused:  # and back: the old window's hits are still there
        ratelimit.hit(limit, "10.0.0.1", now=t)
    assert refused.value.retry_after >= 1


def _code(device: TOTPDevice, at: float) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = at
    return f"{totp.token():06d}"


def test_totp_while_the_server_clock_is_an_hour_ahead_and_after(client, bob):
    real = dt.datetime(2026, 12, 7, 1, tzinfo=dt.UTC)
    device = TOTPDevice.objects.get(user=bob)
    with time_machine.travel(real + HOUR, tick=False):  # the server an hour ahead
        client.post("/accounts/login/", {"username": "bob", "password": "pw"})
        response = client.post("/accounts/login/otp/", {"token": _code(device, real.timestamp())})
        assert response.status_code == 200  # the form again, with its message; not a 500
        assert "_auth_user_id" not in client.session or not client.session.get("otp_device_id")
    with time_machine.travel(real + dt.timedelta(seconds=40), tick=False):  # corrected
        client.post("/accounts/login/", {"username": "bob", "password": "pw"})
        response = client.post("/accounts/login/otp/", {"token": _code(device, real.timestamp() + 40)})
        assert response.status_code == 302, response.context["form"].errors
