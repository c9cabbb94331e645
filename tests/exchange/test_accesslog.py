"""The access log's hash chain, its signed checkpoints, the platform key and `egov audit verify`.

Pia's pension system queries Alice's data; then someone with write access to the database
tries to cover their tracks — altering, deleting, inserting, reordering entries, forging
checkpoints — and `egov audit verify` names the first entry they touched.
"""

import datetime as dt
import io
import os
import stat
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from hypothesis import given
from hypothesis import strategies as st

from egov.core import keys
from egov.exchange import accesslog, services
from egov.exchange import store as exchange_store
from egov.exchange.accesslog import GENESIS_HASH, access_log_append, checkpoint_message, entry_hash
from egov.exchange.models import AccessCheckpoint, AccessLogEntry
from egov.exchange.services import ExchangeRefused

PROJECT_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def data_dir(tmp_path, settings):
    """Each test gets its own EGOV_DATA_DIR, so its own platform key."""
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


@pytest.fixture
def interval(settings):
    """A checkpoint every five entries."""
    settings.EGOV_ACCESS_CHECKPOINT_INTERVAL = 5
    return 5


@pytest.fixture
def chain(pension, alice_resident):
    """Append `n` entries about Alice by the National Pension Service; returns the entries."""

    def build(n: int) -> list[AccessLogEntry]:
        entries = []
        for i in range(n):
            with transaction.atomic():
                entries.append(
                    access_log_append(
                        consumer=pension,
                        client_id="nps-benefits",
                        user_ref="",
                        case_ref="연금-2025-0001",
                        message_id=f"msg-{i}",
                        item_code="resident.abstract",
                        subject=alice_resident,
                        fields=["name_ko", "address"],
                        purpose='연금 수급자격 확인 "재심사" \\ 2차',
                        basis="grant:1",
                        outcome="granted" if i % 3 else "refused",
                        error_code="" if i % 3 else "field_not_granted",
                    )
                )
        return entries

    return build


def verify(*args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("audit", "verify", *args, stdout=out, stderr=err)
    return out.getvalue()


def broken(*args: str) -> str:
    """The error `egov audit verify` stops with."""
    with pytest.raises(CommandError) as exc:
        verify(*args)
    return str(exc.value)


def rewrite_from(seq: int) -> None:
    """Recompute every hash from `seq` on, relinking the chain, as a careful forger would."""
    prev = AccessLogEntry.objects.get(seq=seq - 1).entry_hash if seq > 1 else GENESIS_HASH
    for entry in AccessLogEntry.objects.filter(seq__gte=seq).order_by("seq"):
        entry.prev_hash = prev
        entry.entry_hash = prev = entry_hash(entry)
        AccessLogEntry.objects.filter(pk=entry.pk).update(prev_hash=entry.prev_hash, entry_hash=prev)


# --- an intact chain ------------------------------------------------------------------------


def test_a_chain_built_by_real_queries_granted_and_refused_verifies(
    pension_system, alice_resident, grant_basis
):
    subject = alice_resident.rrn_reveal()
    for _ in range(3):
        services.shared_item_fetch(
            actor=pension_system, item="resident.abstract", subject=subject, purpose="연금", basis=grant_basis
        )
    with pytest.raises(ExchangeRefused):
        services.shared_item_fetch(
            actor=pension_system, item="resident.abstract", subject=subject, purpose="연금", basis="grant:0"
        )
    assert "access log intact: 4 entries (seq 1–4)" in verify()


def test_an_empty_log_verifies(db):
    assert "empty" in verify()


def test_a_long_chain_with_checkpoints_verifies_and_counts_them(chain, interval):
    chain(23)
    assert "23 entries (seq 1–23), 4 checkpoints verified" in verify()


# --- tampering with entries -----------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"purpose": "다른 목적"},
        {"outcome": "refused"},
        {"fields": ["name_ko", "address", "birth_date"]},
        {"subject": None},
        {"consumer": None},
        {"client_id": "someone-else"},
        {"at": dt.datetime(2024, 1, 1, tzinfo=dt.UTC)},
        {"entry_hash": "f" * 64},
        {"prev_hash": "e" * 64},
    ],
    ids=lambda change: next(iter(change)),
)
def test_altering_any_field_of_an_entry_names_that_entry(chain, change):
    chain(9)
    AccessLogEntry.objects.filter(seq=5).update(**change)
    assert "broken at seq 5: altered" in broken()


def test_altering_an_entry_through_raw_sql_names_that_entry(chain):
    chain(6)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE exchange_accesslogentry SET item_code = %s WHERE seq = %s", ["vehicle", 2])
    assert "broken at seq 2: altered" in broken()


def test_altering_an_entry_and_recomputing_its_hash_names_that_entry(chain):
    chain(9)
    entry = AccessLogEntry.objects.get(seq=6)
    entry.purpose = "감사 회피"
    AccessLogEntry.objects.filter(seq=6).update(purpose=entry.purpose, entry_hash=entry_hash(entry))
    assert "broken at seq 6: altered" in broken()


def test_deleting_an_entry_reports_it_missing(chain):
    chain(9)
    AccessLogEntry.objects.filter(seq=4).delete()
    assert "broken at seq 4: missing" in broken()


def test_deleting_an_entry_and_renumbering_the_rest_reports_it_missing(chain):
    chain(9)
    AccessLogEntry.objects.filter(seq=4).delete()
    for seq in range(5, 10):
        AccessLogEntry.objects.filter(seq=seq).update(seq=seq - 1)
    assert "broken at seq 4: missing" in broken()


def test_deleting_the_newest_entries_is_caught_by_the_checkpoint_left_behind(chain, interval):
    chain(12)
    AccessLogEntry.objects.filter(seq__gte=8).delete()
    assert "broken at seq 8: missing" in broken()


def test_a_forged_entry_inserted_in_the_middle_is_named(chain, alice_resident):
    chain(9)
    for seq in range(9, 3, -1):  # make room at seq 4, one row at a time for the unique seq
        AccessLogEntry.objects.filter(seq=seq).update(seq=seq + 1)
    forged = AccessLogEntry(
        seq=4, at=dt.datetime(2025, 3, 1, tzinfo=dt.UTC), client_id="nps-benefits",
        item_code="resident.abstract", subject=alice_resident, fields=["name_ko"], purpose="연금",
        basis="grant:1", outcome="granted",
        prev_hash=AccessLogEntry.objects.get(seq=3).entry_hash,
    )  # fmt: skip
    forged.entry_hash = entry_hash(forged)
    forged.save(force_insert=True)
    assert "broken at seq 4: inserted" in broken()


def test_an_entry_inserted_before_the_first_is_named(chain):
    entries = chain(3)
    AccessLogEntry.objects.create(**{**_values(entries[0]), "seq": 0, "message_id": "forged"})
    assert "broken at seq 0: inserted" in broken()


def test_swapping_two_entries_seqs_reports_them_out_of_order(chain):
    chain(9)
    AccessLogEntry.objects.filter(seq=3).update(seq=-3)
    AccessLogEntry.objects.filter(seq=4).update(seq=3)
    AccessLogEntry.objects.filter(seq=-3).update(seq=4)
    assert "broken at seq 3: out of order" in broken()


def test_a_rewrite_with_recomputed_hashes_is_caught_by_the_next_checkpoint(chain, interval):
    chain(12)
    AccessLogEntry.objects.filter(seq=7).update(purpose="감사 회피")
    rewrite_from(7)
    assert "broken at seq 10: rewritten" in broken()


def test_a_careful_rewrite_since_the_last_checkpoint_goes_unnoticed(chain, interval):
    """The documented limit: the entries since the last checkpoint are protected by the
    chain alone, which a forger with write access can recompute; the next checkpoint then
    signs the chain as it finds it."""
    chain(8)
    AccessLogEntry.objects.filter(seq=7).update(purpose="감사 회피")
    rewrite_from(7)
    assert "intact" in verify()
    chain(2)
    assert "10 entries (seq 1–10), 2 checkpoints verified" in verify()


def test_an_entry_dated_before_the_common_era_is_reported_altered(chain):
    chain(4)
    if connection.vendor != "postgresql":
        pytest.skip("SQLite stores no dates before year 1; this run uses SQLite")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE exchange_accesslogentry SET at = at - interval '4050 years' WHERE seq = 3")
    assert "broken at seq 3: altered" in broken()


# --- tampering with checkpoints -------------------------------------------------------------


def test_a_forged_checkpoint_signature_is_named(chain, interval):
    chain(12)
    signature = AccessCheckpoint.objects.get(seq=10).signature
    forged = ("0" if signature[0] != "0" else "1") + signature[1:]
    AccessCheckpoint.objects.filter(seq=10).update(signature=forged)
    assert "broken at seq 10: bad checkpoint signature" in broken()


def test_a_checkpoint_re_signed_with_a_forgers_own_key_is_refused(chain, interval):
    chain(12)
    AccessLogEntry.objects.filter(seq=2).update(purpose="감사 회피")
    rewrite_from(2)
    forger = Ed25519PrivateKey.generate()
    forger_id = keys.key_id_of(forger.public_key())
    for checkpoint in AccessCheckpoint.objects.all():
        head = AccessLogEntry.objects.get(seq=checkpoint.seq).entry_hash
        message = checkpoint_message(seq=checkpoint.seq, entry_hash=head, key_id=forger_id)
        AccessCheckpoint.objects.filter(pk=checkpoint.pk).update(
            entry_hash=head, key_id=forger_id, signature=forger.sign(message).hex()
        )
    error = broken()
    assert "broken at seq 5: bad checkpoint signature" in error and forger_id in error


def test_a_checkpoint_moved_to_another_entry_fails_its_signature(chain, interval):
    chain(10)
    AccessCheckpoint.objects.filter(seq=10).delete()
    AccessCheckpoint.objects.filter(seq=5).update(
        seq=10, entry_hash=AccessLogEntry.objects.get(seq=10).entry_hash
    )
    assert "broken at seq 5: checkpoint missing" in broken()
    assert "broken at seq 10: bad checkpoint signature" in broken("--interval", "0")


def test_a_removed_checkpoint_is_reported(chain, interval):
    chain(12)
    AccessCheckpoint.objects.filter(seq=5).delete()
    assert "broken at seq 5: checkpoint missing" in broken()


# --- checkpoints and the platform key -------------------------------------------------------


def test_a_checkpoint_is_signed_every_interval_entries(chain, settings):
    settings.EGOV_ACCESS_CHECKPOINT_INTERVAL = 4
    entries = chain(10)
    key = keys.platform_key(create=False)
    checkpoints = list(AccessCheckpoint.objects.order_by("seq"))
    assert [c.seq for c in checkpoints] == [4, 8]
    for checkpoint in checkpoints:
        assert checkpoint.entry_hash == entries[checkpoint.seq - 1].entry_hash
        assert checkpoint.key_id == key.key_id
        message = checkpoint_message(seq=checkpoint.seq, entry_hash=checkpoint.entry_hash, key_id=key.key_id)
        assert keys.signature_valid(key.public_key, bytes.fromhex(checkpoint.signature), message)


def test_an_append_rolled_back_leaves_neither_entry_nor_checkpoint(chain, settings):
    settings.EGOV_ACCESS_CHECKPOINT_INTERVAL = 3
    chain(2)
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        access_log_append(item_code="resident.abstract", outcome="granted")
        1 / 0  # noqa: B018 (the caller's transaction fails after the append)
    assert AccessLogEntry.objects.count() == 2 and not AccessCheckpoint.objects.exists()


def test_the_platform_key_is_created_when_the_first_checkpoint_is_signed(chain, data_dir, settings):
    settings.EGOV_ACCESS_CHECKPOINT_INTERVAL = 2
    chain(1)
    assert not keys.platform_key_path().exists()
    chain(1)
    assert keys.platform_key_path().exists()
    assert stat.S_IMODE(keys.platform_key_path().stat().st_mode) == 0o600


def test_a_bad_checkpoint_interval_is_refused(db, settings):
    settings.EGOV_ACCESS_CHECKPOINT_INTERVAL = 0
    with pytest.raises(ImproperlyConfigured), transaction.atomic():
        access_log_append(item_code="resident.abstract", outcome="granted")


@pytest.mark.django_db(transaction=True)
def test_an_append_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        access_log_append(item_code="resident.abstract", outcome="granted")


def test_keys_init_creates_the_key_once_readable_by_its_owner_only(db, data_dir):
    out = io.StringIO()
    call_command("keys", "init", stdout=out)
    path = keys.platform_key_path()
    assert out.getvalue().startswith(f"created platform signing key {path}")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")  # PKCS#8
    before = path.read_bytes()

    out = io.StringIO()
    call_command("keys", "init", stdout=out)
    assert out.getvalue().startswith(f"platform signing key exists: {path}")
    assert path.read_bytes() == before
    # Beside it, the documents' PKI (issue 4); no stray temporary file.
    assert sorted(p.name for p in path.parent.iterdir()) == ["pki", keys.PLATFORM_KEY_FILE]


def test_processes_racing_to_create_the_key_all_end_up_with_the_same_one(data_dir):
    """Creation writes a temporary file and hard-links it into place, so exactly one wins
    and nobody ever reads a half-written key."""
    barrier = threading.Barrier(8)

    def create():
        barrier.wait()
        return keys.platform_key_ensure()[1]

    with ThreadPoolExecutor(8) as pool:
        created = list(pool.map(lambda _: create(), range(8)))
    assert created.count(True) == 1
    assert sorted(p.name for p in keys.keys_dir().iterdir()) == [keys.PLATFORM_KEY_FILE]
    assert len(keys.platform_key().key_id) == 16


def test_keys_init_warns_about_loose_permissions_but_changes_nothing(db, data_dir):
    call_command("keys", "init", stdout=io.StringIO())
    path = keys.platform_key_path()
    path.chmod(0o644)
    err = io.StringIO()
    call_command("keys", "init", stdout=io.StringIO(), stderr=err)
    assert "mode 0644" in err.getvalue()
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_a_key_file_that_is_not_an_ed25519_key_is_refused(data_dir):
    keys.platform_key_path().parent.mkdir(parents=True)
    keys.platform_key_path().write_text("not a key")
    with pytest.raises(CommandError, match="cannot read the platform key"):
        call_command("keys", "init", stdout=io.StringIO())


def test_key_id_is_the_start_of_the_sha256_of_the_raw_public_key(data_dir):
    key = keys.platform_key()
    assert len(key.key_id) == 16 and int(key.key_id, 16) >= 0
    assert keys.key_id_of(keys.public_key_load(_write(data_dir / "pub.pem", key.public_pem()))) == key.key_id


def test_an_outside_auditor_verifies_with_the_published_public_key(chain, interval, data_dir):
    chain(11)
    published = io.StringIO()
    call_command("keys", "public", stdout=published, stderr=io.StringIO())
    path = _write(data_dir.parent / "platform.pub.pem", published.getvalue().encode())
    assert "11 entries (seq 1–11), 2 checkpoints verified" in verify("--public-key", str(path))

    stranger = Ed25519PrivateKey.generate().public_key()
    other = _write(data_dir.parent / "other.pub.pem", keys.public_key_pem(stranger))
    assert "broken at seq 5: bad checkpoint signature" in broken("--public-key", str(other))
    assert "11 entries" in verify("--public-key", str(other), "--public-key", str(path))


def test_verify_without_any_key_still_checks_the_chain_and_fails_at_the_first_checkpoint(
    chain, interval, settings, tmp_path
):
    chain(7)
    settings.DATA_DIR = tmp_path / "elsewhere"  # an auditor's machine, without the platform key
    assert "broken at seq 5: bad checkpoint signature" in broken()


def test_verify_refuses_a_file_that_is_not_a_public_key(db, tmp_path):
    assert "cannot read a PEM public key" in broken("--public-key", str(_write(tmp_path / "x.pem", b"x")))


# --- the canonical form ---------------------------------------------------------------------


def test_the_canonical_form_is_the_same_bytes_for_a_model_a_dict_and_a_tuple(chain):
    entry = chain(1)[0]
    row = AccessLogEntry.objects.values_list(*accesslog.CANONICAL_COLUMNS).get(seq=1)
    values = AccessLogEntry.objects.values(*accesslog.CANONICAL_COLUMNS).get(seq=1)
    assert (
        accesslog.canonical_form(entry) == accesslog.canonical_form(row) == accesslog.canonical_form(values)
    )
    assert entry_hash(row) == entry.entry_hash


def test_the_canonical_form_has_not_changed():
    row = (
        7, dt.datetime(2025, 1, 2, 12, 30, 0, 5, tzinfo=dt.timezone(dt.timedelta(hours=9))), 3, "nps",
        "pia", "사건", "m-1", "resident.abstract", 42, ["name_ko", "address"], '확인 "x"\n', "grant:1",
        "granted", "", GENESIS_HASH,
    )  # fmt: skip
    assert (
        accesslog.canonical_form(row)
        == (
            '{"at":"2025-01-02T03:30:00.000005+00:00","basis":"grant:1","case":"사건","client":"nps",'
            '"consumer":3,"error":"","fields":["name_ko","address"],"item":"resident.abstract",'
            '"message":"m-1","outcome":"granted","prev":"' + GENESIS_HASH + '","purpose":"확인 \\"x\\"\\n",'
            '"seq":7,"subject":42,"user":"pia"}'
        ).encode()
    )


_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | _text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
    max_leaves=6,
)
_zones = st.just(dt.UTC) | st.builds(
    dt.timezone, st.timedeltas(min_value=dt.timedelta(hours=-23), max_value=dt.timedelta(hours=23))
)


@given(
    seq=st.integers(min_value=-(2**63), max_value=2**63 - 1),
    at=st.datetimes(timezones=_zones),
    consumer=st.none() | st.integers(min_value=1, max_value=2**63 - 1),
    subject=st.none() | st.integers(min_value=1, max_value=2**63 - 1),
    texts=st.lists(_text, min_size=10, max_size=10),
    fields=st.lists(_text, max_size=4) | st.lists(_json, max_size=4),
)
def test_the_fast_canonical_form_is_byte_for_byte_the_reference(seq, at, consumer, subject, texts, fields):
    client, user, case, message, item, purpose, basis, outcome, error, prev = texts
    row = (
        seq,
        at,
        consumer,
        client,
        user,
        case,
        message,
        item,
        subject,
        fields,
        purpose,
        basis,
        outcome,
        error,
        prev,
    )
    assert accesslog._canonical_row(row) == accesslog._canonical_reference(row)


def test_postgresql_formats_the_time_exactly_as_the_canonical_form_does(db):
    if connection.vendor != "postgresql":
        pytest.skip("the server-side time format is PostgreSQL's; this run uses SQLite")
    seoul = dt.timezone(dt.timedelta(hours=9))
    times = [
        dt.datetime(1, 1, 1, tzinfo=dt.UTC),
        dt.datetime(99, 3, 4, 5, 6, 7, 1, tzinfo=dt.UTC),
        dt.datetime(2025, 1, 1, 0, 0, 0, 0, tzinfo=seoul),
        dt.datetime(2025, 6, 30, 23, 59, 59, 999999, tzinfo=dt.UTC),
        dt.datetime(2024, 2, 29, 12, 0, 0, 120, tzinfo=seoul),
        dt.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC),
    ]
    sql = "SELECT " + exchange_store._PG_UTC_ISO.format(at="%s::timestamptz")
    with connection.cursor() as cursor:
        for moment in times:
            cursor.execute(sql, [moment] * 3)
            assert cursor.fetchone()[0] == accesslog._utc_iso(moment)


def test_an_entry_with_unusual_field_values_verifies_through_the_reference_form(chain):
    chain(2)
    with transaction.atomic():
        access_log_append(
            item_code="resident.abstract", outcome="refused", fields=[1, {"b": None, "a": "ㄱ"}]
        )
    chain(2)
    assert "5 entries (seq 1–5)" in verify()


@given(
    seq=st.integers(min_value=1, max_value=2**63 - 1),
    at=st.datetimes(timezones=_zones),
    consumer=st.none() | st.integers(min_value=1, max_value=2**63 - 1),
    subject=st.none() | st.integers(min_value=1, max_value=2**63 - 1),
    texts=st.lists(_text, min_size=10, max_size=10),
    fields=st.lists(_text, max_size=4),
)
def test_the_parts_the_database_completes_make_the_canonical_form(seq, at, consumer, subject, texts, fields):
    """On PostgreSQL the append sends the canonical form in three parts and the database puts
    the previous hash (as a JSON string) and the seq between them before hashing."""
    client, user, case, message, item, purpose, basis, outcome, error, prev = texts
    at_iso = accesslog._utc_iso(at)
    before, between, after = accesslog._canonical_parts(
        at_iso, consumer, client, user, case, message, item, subject, fields, purpose, basis, outcome, error
    )
    completed = before + accesslog._encode_str(prev) + between + str(seq) + after
    assert completed.encode() == accesslog._encode_iso(
        seq, at_iso, consumer, client, user, case, message, item, subject, fields, purpose, basis, outcome,
        error, prev,
    )  # fmt: skip


def test_postgresql_escapes_a_text_in_json_exactly_as_the_canonical_form_does(db):
    if connection.vendor != "postgresql":
        pytest.skip("the database completes the canonical form on PostgreSQL only; this run uses SQLite")
    texts = [chr(c) for c in range(1, 0x80)] + [
        'a"b\\c',
        "\u2028\u2029\ufeff",
        "주민 😀",
        "é\u0301",
        "\x7f\x80\x9f",
    ]
    with connection.cursor() as cursor:
        for text in texts:
            cursor.execute("SELECT to_json(%s::text)::text", [text])
            assert cursor.fetchone()[0] == accesslog._encode_str(text), repr(text)


def test_an_entry_hashed_by_the_database_has_the_hash_python_computes(pension, alice_resident):
    awkward = 'tab\there "quoted" \\ back\nslash \x01\x1f\x7f 연금 😀 \u2028'
    with transaction.atomic():
        first = access_log_append(
            consumer=pension, client_id=awkward, user_ref="u", case_ref=awkward, message_id="m",
            item_code="resident.abstract", subject=alice_resident, fields=["name_ko", awkward],
            purpose=awkward, basis="grant:1", outcome="granted", error_code="",
        )  # fmt: skip
        second = access_log_append(item_code="resident.abstract", outcome="refused", error_code="no_basis")
    assert (first.seq, second.seq, second.prev_hash) == (1, 2, first.entry_hash)
    for entry in (first, second):
        stored = AccessLogEntry.objects.get(pk=entry.pk)
        assert entry.entry_hash == stored.entry_hash == entry_hash(stored)
        assert stored.at == entry.at and stored.prev_hash == entry.prev_hash
    assert "2 entries (seq 1–2)" in verify()


# --- concurrent writers ---------------------------------------------------------------------

WRITER = """
import sys, time
from pathlib import Path

import django

django.setup()
from django.db import connection, transaction

from egov.exchange.accesslog import access_log_append

go, count, name = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
connection.ensure_connection()
while not go.exists():
    time.sleep(0.002)
for i in range(count):
    with transaction.atomic():
        access_log_append(
            client_id=name, message_id=f"{name}-{i}", item_code="resident.abstract",
            purpose="concurrency test", outcome="granted",
        )
"""


def _database_url() -> str:
    db = settings.DATABASES["default"]
    auth = quote(db["USER"] or "postgres") + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{quote(db['NAME'])}"


def _egov_env(data_dir: Path, interval: int) -> dict[str, str]:
    """The environment of an `egov` process working on the test database and data directory."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EGOV_")}
    return env | {
        "DJANGO_SETTINGS_MODULE": "egov.settings",
        "EGOV_DATABASE_URL": _database_url(),
        "EGOV_SECRET_KEY": settings.SECRET_KEY,
        "EGOV_DATA_DIR": str(data_dir),
        "EGOV_ACCESS_CHECKPOINT_INTERVAL": str(interval),
        "EGOV_LOG_LEVEL": "WARNING",
    }


@pytest.mark.django_db(transaction=True)
def test_four_processes_appending_at_once_leave_one_unbroken_chain(data_dir, tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent appends from several processes need PostgreSQL; this run uses SQLite")
    settings.EGOV_ACCESS_CHECKPOINT_INTERVAL = 25
    env = _egov_env(data_dir, 25)
    go = tmp_path / "go"
    writers = [
        subprocess.Popen(  # noqa: S603 (our own interpreter running our own script)
            [sys.executable, "-c", WRITER, str(go), "50", f"writer-{n}"],
            env=env,
            cwd=PROJECT_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for n in range(4)
    ]
    time.sleep(0.5)
    go.touch()  # all four start appending together
    for writer in writers:
        _out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err

    seqs = list(AccessLogEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, 201))
    for n in range(4):  # each writer's entries keep their own order along the chain
        mine = AccessLogEntry.objects.filter(client_id=f"writer-{n}").order_by("seq")
        assert list(mine.values_list("message_id", flat=True)) == [f"writer-{n}-{i}" for i in range(50)]
    assert list(AccessCheckpoint.objects.order_by("seq").values_list("seq", flat=True)) == list(
        range(25, 201, 25)
    )
    assert "200 entries (seq 1–200), 8 checkpoints verified" in verify()

    # And the real command's exit status, before and after someone alters an entry.
    egov = [sys.executable, "-m", "egov.cli", "audit", "verify"]
    intact = subprocess.run(egov, env=env, cwd=PROJECT_DIR, capture_output=True, text=True)  # noqa: S603
    assert intact.returncode == 0, intact.stderr
    AccessLogEntry.objects.filter(seq=123).update(purpose="감사 회피")
    tampered = subprocess.run(egov, env=env, cwd=PROJECT_DIR, capture_output=True, text=True)  # noqa: S603
    assert tampered.returncode == 1
    assert "broken at seq 123: altered" in tampered.stderr


def _values(entry: AccessLogEntry) -> dict:
    return {
        f.attname: getattr(entry, f.attname) for f in AccessLogEntry._meta.concrete_fields if f.name != "id"
    }


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
