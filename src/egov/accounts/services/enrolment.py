"""Sign-up and recovery by enrolment code (가입·복구 등록번호).

A registrar issues a one-time code for a resident at a counter, or has it sent by post to the
registered address. The resident proves who they are with their name, birth date and the code,
then sets a password or a passkey: a new account (sign-up) or new credentials for the one they
have (recovery). Codes are stored as a keyed hash only, expire, are used once, and tries are
rate-limited per resident (the name and birth date typed) and per client address. A code never
goes into a log, an audit event or a URL.
"""

import datetime as dt
import hashlib
import hmac
import logging
import secrets
import unicodedata

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import EnrolmentCode, User
from egov.accounts.permissions import require_role
from egov.core import ratelimit
from egov.core.audit import audit_record
from egov.core.errors import Conflict, ValidationFailed

log = logging.getLogger("egov.accounts")

# No 0/O, 1/I: the code is read off paper and typed by hand. 12 of 32 symbols: 60 bits.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12


class EnrolmentRefused(ValidationFailed):
    """A refused try. `retry_after` (seconds) is set when the limit of tries is reached."""

    def __init__(self, message: str, *, field: str | None = None, retry_after: int = 0):
        super().__init__(message, field=field)
        self.retry_after = retry_after


def _key(label: str) -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), label.encode(), hashlib.sha256).digest()


def code_normalize(code: str) -> str:
    """What the resident typed, without spaces or hyphens, in capitals."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def code_hash(code: str) -> str:
    """The keyed hash (HMAC-SHA256) stored in place of the code."""
    return hmac.new(_key("enrolment-code"), code_normalize(code).encode(), hashlib.sha256).hexdigest()


def code_display(code: str) -> str:
    """ABCD-EFGH-JKLM: the form printed on the slip and in the letter."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _name_normalize(name: str) -> str:
    return "".join(unicodedata.normalize("NFC", name or "").split())


def _resident_limit_key(name: str, birth_date: dt.date) -> str:
    text = f"{_name_normalize(name)}|{birth_date.isoformat()}"
    return hmac.new(_key("enrolment-resident"), text.encode(), hashlib.sha256).hexdigest()[:32]


def enrolment_code_issue(*, actor: User, resident, purpose: str, channel: str) -> str:
    """Issue a one-time code for `resident` and return it (the only time it exists in clear).

    Only a registrar over the resident's agency may issue one. Older unused codes of the same
    purpose stop working. By post, the letter goes to the registered address through the mail
    backend (the print-and-post office's outbox, EGOV_POST_OUTBOX; in development the console
    or file backend) once the transaction commits. Refused for sign-up when the resident has an
    account already, and for recovery when they have none."""
    require_role(actor, "registrar", agency_id=resident.agency_id)
    if purpose not in EnrolmentCode.Purpose.values:
        raise ValidationFailed(_("Choose what the code is for."), field="purpose")
    if channel not in EnrolmentCode.Channel.values:
        raise ValidationFailed(_("Choose how the code is handed over."), field="channel")
    if not resident.is_alive:
        raise ValidationFailed(_("Codes are issued only for living residents."))
    has_account = User.objects.filter(resident=resident).exists()
    if purpose == EnrolmentCode.Purpose.SIGNUP and has_account:
        raise Conflict(
            _("This resident already has an account: issue a recovery code instead."), field="purpose"
        )
    if purpose == EnrolmentCode.Purpose.RECOVERY and not has_account:
        raise Conflict(_("This resident has no account yet: issue a sign-up code instead."), field="purpose")
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    now = timezone.now()
    lifetime = (
        dt.timedelta(days=settings.EGOV_ENROLMENT_POST_DAYS)
        if channel == EnrolmentCode.Channel.POST
        else dt.timedelta(hours=settings.EGOV_ENROLMENT_COUNTER_HOURS)
    )
    with transaction.atomic():
        EnrolmentCode.objects.filter(
            resident=resident, purpose=purpose, used_at__isnull=True, voided_at__isnull=True
        ).update(voided_at=now)
        row = EnrolmentCode.objects.create(
            resident=resident,
            purpose=purpose,
            channel=channel,
            code_hash=code_hash(code),
            issued_by=actor,
            issued_at=now,
            expires_at=now + lifetime,
        )
        audit_record(
            actor=actor,
            action="enrolment_code.issued",
            obj=row,
            after={"purpose": purpose, "channel": channel, "expires_at": row.expires_at},
        )
        if channel == EnrolmentCode.Channel.POST:
            _letter_post(resident=resident, code=code, purpose=purpose, expires_at=row.expires_at)
    return code


def _letter_post(*, resident, code: str, purpose: str, expires_at: dt.datetime) -> None:
    """Hand the letter to the print-and-post outbox once the code is committed."""
    what = "회원가입" if purpose == EnrolmentCode.Purpose.SIGNUP else "계정 복구"
    until = timezone.localtime(expires_at).strftime("%Y년 %m월 %d일 %H:%M")
    address = f"{resident.road_address} {resident.address_detail}".strip()
    body = (
        f"우편번호 {resident.postal_code}\n{address}\n{resident.name_ko} 님\n\n"
        f"전자정부 누리집 {what}을 위한 일회용 등록번호를 보내 드립니다.\n\n"
        f"    등록번호: {code_display(code)}\n    유효기간: {until}까지\n\n"
        f"{settings.EGOV_PUBLIC_URL}/accounts/signup/ 에서 이름, 생년월일과 함께 입력하세요. "
        "등록번호는 한 번만 쓸 수 있으며, 직접 신청하지 않았다면 가까운 주민센터에 알려 주세요."
    )
    subject = f"[등기] {resident.name_ko} 님 전자정부 {what} 등록번호"
    row_id = resident.pk

    def send() -> None:
        try:
            send_mail(subject, body, None, [settings.EGOV_POST_OUTBOX])
        except Exception:  # noqa: BLE001 - the code stays valid; the registrar can issue again
            log.exception("enrolment letter not handed to the outbox", extra={"resident_id": row_id})

    transaction.on_commit(send)


def enrolment_code_redeem(*, client: str, name: str, birth_date: dt.date, code: str, purpose: str):
    """Check the name, birth date and code a resident typed; on success the code is used up and
    the resident returned. Every try counts against the resident's and the client's limits
    (EGOV_ENROLMENT_RESIDENT_RATE, EGOV_ENROLMENT_CLIENT_RATE) before anything is looked up.
    One answer for an unknown, wrong, used or expired code and a name that does not match.
    `client` is the keyed hash of the client's address (core.ratelimit.client_key)."""
    for limit, who in (
        (ratelimit.Limit.parse("enrolment-client", settings.EGOV_ENROLMENT_CLIENT_RATE), client),
        (
            ratelimit.Limit.parse("enrolment-resident", settings.EGOV_ENROLMENT_RESIDENT_RATE),
            _resident_limit_key(name, birth_date),
        ),
    ):
        try:
            ratelimit.hit(limit, who)
        except ratelimit.RateLimited as exc:
            log.warning("enrolment tries limited", extra={"limit": limit.name, "client": client})
            raise EnrolmentRefused(
                _("Too many tries. Wait a while and try again."), retry_after=exc.retry_after
            ) from None
    refused = EnrolmentRefused(
        _("The name, birth date or code does not match, or the code has expired or was used already."),
        field="code",
    )
    normalized = code_normalize(code)
    if len(normalized) != CODE_LENGTH:
        raise refused
    now = timezone.now()
    with transaction.atomic():
        row = (
            EnrolmentCode.objects.select_for_update()
            .select_related("resident")
            .filter(code_hash=code_hash(normalized), purpose=purpose)
            .first()
        )
        if (
            row is None
            or row.used_at is not None
            or row.voided_at is not None
            or row.expires_at <= now
            or _name_normalize(row.resident.name_ko) != _name_normalize(name)
            or row.resident.birth_date != birth_date
        ):
            raise refused
        row.used_at = now
        row.save(update_fields=["used_at"])
        audit_record(actor=None, action="enrolment_code.used", obj=row, after={"purpose": purpose})
    return row.resident


def _password_check(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(" ".join(exc.messages), field="password") from None


def username_check(username: str) -> str:
    """The username, stripped, if it is well formed and free; else ValidationFailed naming
    the field. (Checked again, under the database's unique constraint, when the account is made.)"""
    username = (username or "").strip()
    if not username:
        raise ValidationFailed(_("Choose a username."), field="username")
    if len(username) > 150 or not all(ch.isascii() and (ch.isalnum() or ch in "@.+-_") for ch in username):
        raise ValidationFailed(
            _("A username may use letters, digits and @ . + - _ only, up to 150 characters."),
            field="username",
        )
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed(_("This username is taken: choose another."), field="username")
    return username


def account_create_for_resident(*, resident_id: int, username: str, password: str | None) -> User:
    """Create the citizen account of a resident who has just redeemed a sign-up code. With no
    password the account signs in by passkey only (register one in the same transaction).
    One account per resident: the database refuses a second one."""
    username = username_check(username)
    if password is not None:
        _password_check(password, User(username=username))
    try:
        with transaction.atomic():
            if User.objects.filter(username__iexact=username).exists():
                raise ValidationFailed(_("This username is taken: choose another."), field="username")
            user = User(username=username, kind=User.Kind.CITIZEN, resident_id=resident_id)
            if password is None:
                user.set_unusable_password()
            else:
                user.set_password(password)
            user.save()
            audit_record(actor=user, action="account.created", obj=user, after={"by": "enrolment_code"})
    except IntegrityError:
        raise Conflict(_("This resident already has an account: use account recovery.")) from None
    return user


def account_password_reset(*, user: User, password: str) -> User:
    """Recovery: the holder, who has just redeemed a recovery code, sets a new password. The
    counts of wrong passwords and codes start again."""
    _password_check(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.failed_password_logins = 0
        user.save(update_fields=["password", "failed_password_logins"])
        audit_record(actor=user, action="account.recovered", obj=user, after={"set": "password"})
    return user


def account_create_with_passkey(*, resident_id: int, username: str, verified, credential: str) -> User:
    """Sign-up with a passkey instead of a password: the account and its first passkey are
    made together, or neither is."""
    from egov.accounts.services.passkeys import passkey_register

    with transaction.atomic():
        user = account_create_for_resident(resident_id=resident_id, username=username, password=None)
        passkey_register(user=user, verified=verified, credential=credential)
    return user
