"""Notifications: one service for every app — the inbox row in the change's transaction, e-mail
and text message after commit on the channels the person keeps, exactly once per change; the
inbox, its unread count in the header, and the settings page."""

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from egov.core import notifications, sms
from egov.core.errors import NotFound, ValidationFailed
from egov.core.models import Notification, NotificationPreference
from egov.petitions import services as petitions
from egov.petitions.seed import categories_seed


@pytest.fixture(autouse=True)
def outboxes(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.EGOV_SMS_BACKEND = "egov.core.sms.LocmemBackend"
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def petitioner(alice):
    """Alice files a petition and waits for its answer."""
    alice.email = "alice@example.kr"
    alice.save(update_fields=["email"])
    return alice


@pytest.fixture
def categories(mois, seoul, jongno, gangnam, busan):
    return {c.code: c for c in categories_seed()}


def send(user, key="k1", **kwargs):
    return notifications.notification_send(
        user=user, key=key, title_ko="민원 처리완료", title_en="Completed", body="본문", link="/my/", **kwargs
    )


def test_a_notification_lands_in_the_inbox_and_its_mail_leaves_after_commit(
    petitioner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = send(petitioner)
    assert Notification.objects.filter(user=petitioner).count() == 1 and notification.read_at is None
    assert mail.outbox == []  # nothing leaves before the change commits
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["alice@example.kr"]
    assert "민원 처리완료" in mail.outbox[0].subject and "http://" in mail.outbox[0].body


def test_the_same_change_told_twice_is_one_notification_and_one_mail(
    petitioner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = send(petitioner)
        second = send(petitioner)
    assert first.pk == second.pk and Notification.objects.count() == 1 and len(mail.outbox) == 1


def test_delivering_again_sends_nothing_twice(petitioner, django_capture_on_commit_callbacks):
    notifications.notification_preference_set(actor=petitioner, email=True, sms=True, phone="01012345678")
    with django_capture_on_commit_callbacks(execute=True):
        notification = send(petitioner)
    assert notifications.notification_deliver(notification_id=notification.pk) == {}
    assert len(mail.outbox) == 1 and len(sms.outbox) == 1


def test_a_rolled_back_change_tells_nobody(petitioner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                send(petitioner)
                raise RuntimeError("the change failed")
    assert Notification.objects.count() == 0 and mail.outbox == []


def test_a_text_message_goes_through_the_configured_backend_only_when_chosen(
    petitioner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send(petitioner, key="before")
    assert sms.outbox == []
    notifications.notification_preference_set(actor=petitioner, email=False, sms=True, phone="010-1234-5678")
    with django_capture_on_commit_callbacks(execute=True):
        send(petitioner, key="after")
    assert len(sms.outbox) == 1 and sms.outbox[0].to == "010-1234-5678"
    assert "민원 처리완료" in sms.outbox[0].text
    assert len(mail.outbox) == 1  # e-mail was turned off for the second


def test_the_console_backend_prints_the_message(capsys, settings):
    settings.EGOV_SMS_BACKEND = "egov.core.sms.ConsoleBackend"
    assert sms.sms_send(to="010-1234-5678", text="안녕하세요") == 1
    assert "010-1234-5678" in capsys.readouterr().out


def test_text_messages_need_a_valid_mobile_number(petitioner):
    with pytest.raises(ValidationFailed) as missing:
        notifications.notification_preference_set(actor=petitioner, email=True, sms=True, phone="")
    assert missing.value.field == "phone"
    with pytest.raises(ValidationFailed) as wrong:
        notifications.notification_preference_set(actor=petitioner, email=True, sms=True, phone="02-123-4567")
    assert wrong.value.field == "phone"
    assert not NotificationPreference.objects.exists()


def test_suppressed_notifications_write_nothing(petitioner):
    with notifications.notifications_suppressed():
        assert send(petitioner) is None
    assert Notification.objects.count() == 0


def test_nobody_opens_or_reads_another_persons_notification(petitioner, bob):
    notification = send(petitioner)
    with pytest.raises(NotFound):
        notifications.notification_read(actor=bob, notification_id=notification.pk)
    assert notifications.notification_unread_count(user=petitioner) == 1


def test_every_case_transition_notifies_the_applicant_once(
    petitioner, categories, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        petition = petitions.petition_file(
            actor=petitioner, kind="complaint", category=categories["road-jongno"], title="보도블록 파손",
            body="종로 1가 보도블록이 깨져 있습니다.",
        )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        petitions.petition_answer(actor=bob, petition=petition, answer="보수를 마쳤습니다.")
    inbox = list(Notification.objects.filter(user=petitioner).order_by("pk"))
    assert len(inbox) == 2 and all(n.topic == "case" for n in inbox)
    assert petition.number in inbox[1].title_ko and inbox[1].link == f"/my/petitions/{petition.number}/"
    assert "보수를 마쳤습니다." in inbox[1].body
    assert len(mail.outbox) == 2 and petition.number in mail.outbox[1].subject


def test_the_inbox_shows_my_notifications_and_the_header_counts_the_unread(client, petitioner, bob):
    send(petitioner, key="a")
    send(petitioner, key="b")
    send(bob, key="c")
    client.force_login(petitioner)
    page = client.get(reverse("portal:notifications"), HTTP_ACCEPT_LANGUAGE="ko")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("egov-inbox-item") == 2 and 'data-testid="unread-count"' in html
    opened = client.get(
        reverse("portal:notification_open", args=[Notification.objects.filter(user=petitioner).first().pk])
    )
    assert opened.status_code == 302 and opened["Location"] == "/my/"
    assert notifications.notification_unread_count(user=petitioner) == 1
    client.post(reverse("portal:notifications_read_all"))
    assert notifications.notification_unread_count(user=petitioner) == 0
    theirs = Notification.objects.get(user=bob)
    assert client.get(reverse("portal:notification_open", args=[theirs.pk])).status_code == 404


def test_the_inbox_pages_twenty_at_a_time(client, petitioner):
    for i in range(45):
        send(petitioner, key=f"k{i}")
    client.force_login(petitioner)
    html = client.get(reverse("portal:notifications") + "?page=3").content.decode()
    assert html.count("egov-inbox-item") == 5 and "krds-pagination" in html
    assert client.get(reverse("portal:notifications") + "?page=x").status_code == 200


def test_the_settings_page_saves_channels_and_names_the_phone_field_on_error(client, petitioner):
    client.force_login(petitioner)
    url = reverse("portal:notification_preferences")
    refused = client.post(url, {"email": "on", "sms": "on", "phone": ""})
    assert refused.status_code == 200 and 'id="id_phone_error"' in refused.content.decode()
    saved = client.post(url, {"sms": "on", "phone": "010 1234 5678".replace(" ", "-")})
    assert saved.status_code == 302
    preference = NotificationPreference.objects.get(user=petitioner)
    assert preference.sms and not preference.email and preference.phone == "010-1234-5678"


def test_the_inbox_needs_a_login(client):
    assert client.get(reverse("portal:notifications")).status_code == 302
