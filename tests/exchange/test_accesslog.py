"""The access log as a witnessed Merkle tree: Mina's pension queries are appended without a
lock, the integrator gives them positions and signs checkpoints, a witness running apart
cosigns them, and `egov audit verify` holds the database against what the witness saw, so
that cutting the log back, emptying it or rewriting it is named (issue 14, finding 1)."""

import subprocess
import sys
import threading
import time
import urllib.request
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from egov.exchange import accesslog, store, tlog
from egov.exchange.accesslog import access_log_append, access_log_integrate, access_log_witness
from egov.exchange.models import (
    AccessLogCheckpoint,
    AccessLogCosignature,
    AccessLogEntry,
    AccessLogNode,
    AccessLogPending,
)


@pytest.fixture
def platform(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.EGOV_WITNESSES = ""


def append(n: int, agency=None, start: int = 0) -> None:
    with transaction.atomic():
        for i in range(start, start + n):
            access_log_append(
                consumer=agency, client_id="nps-benefits", item_code="resident.abstract", subject=None,
                fields=["name_ko"], purpose=f"연금 {i}", basis="grant:1", outcome="granted", error_code="",
            )  # fmt: skip


def verify(*args: str) -> str:
    out = StringIO()
    call_command("audit", "verify", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def broken(*args: str) -> str:
    with pytest.raises(CommandError) as exc:
        verify(*args)
    return str(exc.value)


class attacker:  # noqa: N801 - reads as a block: `with attacker():`
    """Someone with the database owner's powers: on PostgreSQL the append-only triggers are
    switched off for the session (what a superuser or the tables' owner can do)."""

    def __enter__(self):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = replica")

    def __exit__(self, *exc):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")


@pytest.fixture
def witness(platform, settings, tmp_path):
    """A witness in its own directory and process, on a free loopback port."""
    directory = tmp_path / "witness"
    vkey = subprocess.run(  # noqa: S603 (this interpreter, fixed arguments)
        [sys.executable, "-m", "egov.exchange.witness", "init", "--dir", str(directory),
         "--name", "witness.audit.example/w1", "--log-key", accesslog.log_verifier().vkey()],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "egov.exchange.witness", "serve", "--dir", str(directory), "--port", "0"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        url = process.stdout.readline().split()[-1]
        settings.EGOV_WITNESSES = f"{url} {vkey}"
        yield {"url": url, "vkey": vkey, "dir": directory}
    finally:
        process.terminate()
        process.wait(timeout=10)


def tick():
    access_log_integrate()
    return access_log_witness()


def test_an_empty_log_verifies(db, platform):
    assert "intact: empty" in verify()


def test_appends_are_pending_until_integrated_then_proved_in_the_tree(db, platform):
    append(5)
    assert AccessLogEntry.objects.filter(seq=None).count() == 5
    done = access_log_integrate()
    assert (done.integrated, done.tree_size, done.checkpoint) == (5, 5, 5)
    assert access_log_integrate().checkpoint is None  # nothing new: no new checkpoint
    note = AccessLogCheckpoint.objects.get().note
    checkpoint = tlog.checkpoint_verify(note, accesslog.log_verifier())
    for entry in AccessLogEntry.objects.all():
        proof = accesslog.inclusion_proof(entry.seq - 1, 5)
        tlog.verify_inclusion(entry.seq - 1, 5, bytes.fromhex(entry.entry_hash), proof, checkpoint.root)
    append(4, start=5)
    access_log_integrate()
    new = tlog.checkpoint_verify(AccessLogCheckpoint.objects.get(tree_size=9).note, accesslog.log_verifier())
    tlog.verify_consistency(5, 9, checkpoint.root, new.root, accesslog.consistency_proof(5, 9))
    assert "intact: 9 entries (seq 1–9), 2 checkpoints verified (no witness" in verify()


def test_the_witness_cosigns_each_checkpoint_and_verify_holds_the_database_to_it(db, witness):
    append(3)
    assert tick() == 1
    append(3, start=3)
    assert tick() == 1
    assert AccessLogCosignature.objects.count() == 2
    with urllib.request.urlopen(f"{witness['url']}/checkpoint?origin=egov.localhost/access-log") as answer:  # noqa: S310
        kept = answer.read().decode()
    assert tlog.Checkpoint.parse(tlog.note_split(kept)[0]).size == 6
    assert (
        "6 entries (seq 1–6), 3 checkpoints verified, witnessed at 6 by witness.audit.example/w1" in verify()
    )


def _truncate_after(seq: int) -> None:
    with attacker():
        AccessLogEntry.objects.filter(seq__gt=seq).delete()
        AccessLogNode.objects.filter(level=0, index__gte=seq).delete()
        for level in range(1, 10):
            AccessLogNode.objects.filter(level=level, index__gte=seq >> level).delete()
        AccessLogCosignature.objects.filter(checkpoint__tree_size__gt=seq).delete()
        AccessLogCheckpoint.objects.filter(tree_size__gt=seq).delete()


def test_cutting_the_head_back_is_reported_at_the_first_missing_seq(db, witness):
    """Finding 1: `DELETE … WHERE seq > 8` said "intact: 8 entries"."""
    append(12)
    tick()
    _truncate_after(8)
    assert "broken at seq 9: missing" in broken()
    assert "seqs 9–12 were removed" in broken()


def test_deleting_every_entry_and_checkpoint_is_reported(db, witness):
    """Finding 1: emptying the log said "access log intact: empty"."""
    append(7)
    tick()
    _truncate_after(0)
    assert AccessLogEntry.objects.count() == 0 and AccessLogCheckpoint.objects.count() == 0
    assert "broken at seq 1: missing" in broken()


def _rewrite_and_recompute(seq: int) -> None:
    """Change entry `seq`, recompute its hash, every node and the last checkpoint, signed
    with the platform's own key: everything the database holds agrees again."""
    with attacker():
        entry = AccessLogEntry.objects.get(seq=seq)
        entry.purpose = "감사 회피"
        entry.entry_hash = accesslog.entry_leaf_hash(entry).hex()
        AccessLogEntry.objects.filter(pk=entry.pk).update(purpose=entry.purpose, entry_hash=entry.entry_hash)
        size = store.tree_size()
        rows = list(AccessLogEntry.objects.order_by("seq").values_list("pk", "entry_hash"))
        AccessLogNode.objects.all().delete()
        _, frontier, created = tlog.append_leaves(0, [], [bytes.fromhex(h) for _, h in rows])
        store.nodes_insert(created, {i: pk for i, (pk, _) in enumerate(rows)})
        root = tlog.frontier_root(frontier)
        note = tlog.note_sign(
            tlog.Checkpoint(accesslog.log_origin(), size, root).text(), accesslog.log_signer()
        )
        AccessLogCosignature.objects.all().delete()
        AccessLogCheckpoint.objects.all().delete()
        store.checkpoint_insert(size=size, root=root, note=note, at=entry.at)


def test_a_rewrite_with_every_hash_recomputed_is_caught_by_the_witnessed_checkpoint(db, witness):
    """Finding 1: rewriting after the last checkpoint and recomputing the hashes said intact."""
    append(6)
    tick()
    assert "intact" in verify()
    _rewrite_and_recompute(4)
    message = broken()
    assert "rewritten" in message and "witness witness.audit.example/w1 keeps" in message


def test_a_naive_alteration_names_the_entry(db, witness):
    append(6)
    tick()
    with attacker():
        AccessLogEntry.objects.filter(seq=3).update(purpose="감사 회피")
    assert "broken at seq 3: altered" in broken()


def test_a_leaf_whose_entry_was_deleted_is_reported_missing(db, witness):
    append(6)
    tick()
    with attacker():
        AccessLogEntry.objects.filter(seq=4).delete()
    assert "broken at seq 4: missing: the entry at seq 4 is gone" in broken()


def test_the_database_refuses_updates_and_deletes_of_the_log(db, platform, postgres_only):
    from django.db import ProgrammingError

    append(2)
    access_log_integrate()
    for attempt in (
        lambda: AccessLogEntry.objects.filter(seq=1).update(purpose="x"),
        lambda: AccessLogEntry.objects.filter(seq=2).delete(),
        lambda: AccessLogEntry.plain.filter(purpose="연금 0").update(entry_hash="0" * 64),
        lambda: AccessLogNode.objects.filter(level=0).delete(),
        lambda: AccessLogNode.objects.filter(level=0, index=0).update(entry=None),  # moving a position
        lambda: AccessLogCheckpoint.objects.update(note="x"),
    ):
        with pytest.raises(ProgrammingError, match="append-only"), transaction.atomic():
            attempt()
    append(1, start=2)
    assert access_log_integrate().integrated == 1  # positions are written as new leaves: no UPDATE
    assert AccessLogEntry.objects.get(seq=3).purpose == "연금 2"


def test_the_witness_refuses_a_checkpoint_inconsistent_with_what_it_saw(db, witness):
    append(4)
    tick()
    other = tlog.Checkpoint(accesslog.log_origin(), 4, b"\x01" * 32)  # same size, another root
    note = tlog.note_sign(other.text(), accesslog.log_signer())
    status, body = accesslog._post(
        f"{witness['url']}/add-checkpoint", accesslog.witness_request(4, [], note), 5
    )
    assert (status, body) == (409, b"4\n")
    forked = tlog.Checkpoint(accesslog.log_origin(), 6, b"\x02" * 32)
    note = tlog.note_sign(forked.text(), accesslog.log_signer())
    proof = accesslog.consistency_proof(2, 4) + [b"\x03" * 32]
    status, _ = accesslog._post(
        f"{witness['url']}/add-checkpoint", accesslog.witness_request(4, proof, note), 5
    )
    assert status == 422
    stale = accesslog.witness_request(2, [], AccessLogCheckpoint.objects.get().note)
    assert accesslog._post(f"{witness['url']}/add-checkpoint", stale, 5)[0] == 409


def test_incremental_verification_reads_only_the_new_entries(db, witness, tmp_path):
    append(5)
    tick()
    state = tmp_path / "verified.json"
    assert "5 entries (seq 1–5)" in verify("--state", str(state))
    append(3, start=5)
    tick()
    assert "3 entries (seq 6–8)" in verify("--state", str(state))


def _entry_behind_the_integrators_back() -> AccessLogEntry:
    """An entry inserted as the append does but without its queue row: the integrator
    never sees it, so it would never get a position nor appear in any checkpoint."""
    entry = AccessLogEntry(
        at=timezone.now(), client_id="nps-benefits", item_code="resident.abstract", subject=None,
        fields=["name_ko"], purpose="몰래", basis="grant:1", outcome="granted", error_code="", prev_hash="",
    )  # fmt: skip
    entry.entry_hash = accesslog.entry_leaf_hash(entry).hex()
    with attacker():
        AccessLogEntry.plain.bulk_create([entry])
    return AccessLogEntry.plain.get(purpose="몰래")


def test_an_entry_written_behind_the_integrators_back_is_named(db, witness):
    """Neither a leaf nor queued: `egov audit verify` said intact, as the tree and the
    checkpoints never hear of it."""
    append(4)
    tick()
    append(2, start=4)  # pending: not a problem
    assert "intact: 4 entries" in verify()
    hidden = _entry_behind_the_integrators_back()
    message = broken()
    assert f"broken at entry id {hidden.pk}: outside the tree" in message
    assert "neither a leaf of the tree nor waiting for the integrator" in message
    tick()  # the integrator cannot place what it never saw
    assert f"entry id {hidden.pk}: outside the tree" in broken()


def test_an_entry_taken_off_the_integrators_queue_is_named(db, witness):
    append(3)
    tick()
    append(2, start=3)
    taken = AccessLogPending.objects.order_by("entry_id").first().entry_id
    AccessLogPending.objects.filter(entry_id=taken).delete()  # the queue has no trigger
    assert f"broken at entry id {taken}: outside the tree" in broken()


def test_incremental_verification_names_an_entry_outside_the_tree(db, witness, tmp_path):
    append(5)
    tick()
    state = tmp_path / "verified.json"
    assert "5 entries (seq 1–5)" in verify("--state", str(state))
    append(2, start=5)
    tick()
    hidden = _entry_behind_the_integrators_back()
    assert f"broken at entry id {hidden.pk}: outside the tree" in broken("--state", str(state))


@pytest.mark.django_db(transaction=True)
def test_two_integrators_at_once_give_each_entry_one_position(platform, postgres_only):
    append(300)
    results = []

    def run():
        from django.db import connections

        try:
            results.append(access_log_integrate(batch=7))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    access_log_integrate()
    seqs = sorted(AccessLogEntry.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, 301))
    assert "300 entries (seq 1–300)" in verify()
    time.sleep(0)


def test_the_api_publishes_the_witnessed_checkpoint_and_proofs_that_verify(db, witness, client):
    append(5)
    tick()
    checkpoint = client.get("/api/v1/exchange/log/checkpoint").json()
    assert checkpoint["tree_size"] == 5
    verifier = tlog.Verifier.from_vkey(witness["vkey"])
    assert tlog.cosignature_verify(checkpoint["note"], verifier)
    root = tlog.unb64(checkpoint["root_hash"])
    entry = AccessLogEntry.objects.get(seq=3)
    proof = client.get("/api/v1/exchange/log/proofs/inclusion", {"index": 2, "tree_size": 5}).json()
    tlog.verify_inclusion(
        2, 5, bytes.fromhex(entry.entry_hash), [tlog.unb64(h) for h in proof["hashes"]], root
    )
    append(2, start=5)
    tick()
    new = client.get("/api/v1/exchange/log/checkpoint").json()
    proof = client.get("/api/v1/exchange/log/proofs/consistency", {"old_size": 5, "new_size": 7}).json()
    tlog.verify_consistency(
        5, 7, root, tlog.unb64(new["root_hash"]), [tlog.unb64(h) for h in proof["hashes"]]
    )
    bad = client.get("/api/v1/exchange/log/proofs/inclusion", {"index": 9, "tree_size": 7})
    assert bad.status_code == 404 and bad.json()["field"] == "index"
    bad = client.get("/api/v1/exchange/log/proofs/consistency", {"old_size": 1, "new_size": 70})
    assert bad.status_code == 404 and bad.json()["field"] == "new_size"


def test_alice_downloads_the_proof_of_a_line_and_checks_it_offline_with_the_script(
    client, alice, alice_resident, pension_system, grant_basis, witness, tmp_path, bob
):
    from egov.exchange import services

    services.shared_item_fetch(
        actor=pension_system, item="resident.abstract", subject=alice_resident.rrn_reveal(),
        purpose="연금 수급자격 확인", basis=grant_basis,
    )  # fmt: skip
    append(4)
    entry = AccessLogEntry.objects.get(subject=alice_resident)
    client.force_login(alice)
    pending = client.get(f"/my/access-log/{entry.pk}/proof.json").json()
    assert "inclusion_proof" not in pending and pending["leaf_hash"] == entry.entry_hash
    tick()
    page = client.get("/my/access-log/").content.decode()
    assert f"/my/access-log/{entry.pk}/proof.json" in page and "logproof.js" in page
    bundle = client.get(f"/my/access-log/{entry.pk}/proof.json").json()
    assert bundle["tree_size"] == 5 and bundle["index"] == 0
    path = tmp_path / "proof.json"
    path.write_text(__import__("json").dumps(bundle))
    script = [
        "scripts/verify_log_proof.py",
        str(path),
        "--log-key",
        bundle["log_key"],
        "--witness-key",
        witness["vkey"],
    ]
    checked = subprocess.run([sys.executable, *script], capture_output=True, text=True)  # noqa: S603
    assert (
        checked.returncode == 0
        and "OK: entry 1 is in egov.localhost/access-log of 5 entries" in checked.stdout
    )
    bundle["leaf_hash"] = "00" * 32
    path.write_text(__import__("json").dumps(bundle))
    checked = subprocess.run([sys.executable, *script], capture_output=True, text=True)  # noqa: S603
    assert checked.returncode == 1 and "FAIL" in checked.stdout
    client.force_login(bob)
    assert client.get(f"/my/access-log/{entry.pk}/proof.json").status_code in (403, 404)


def _migrate(targets) -> "MigrationExecutor":  # noqa: F821
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


def old_row(entry) -> tuple:
    """The canonical columns of an entry of a model from before the business subject
    (migration 0006): no business."""
    return (*(getattr(entry, c) for c in accesslog.CANONICAL_COLUMNS[:15]), None)


@pytest.mark.django_db(transaction=True)
def test_the_chain_and_its_seqs_become_leaves_and_positions_beside_the_nodes(platform):
    """Migrations 0003 and 0004 on entries written as the hash chain wrote them (their seq in
    their own column) and one pending entry: the chain becomes the tree's first leaves, each
    seq its leaf's entry, the pending one is queued; the log verifies and keeps growing."""
    import datetime as dt

    from django.db.migrations.executor import MigrationExecutor

    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        executor = _migrate([("exchange", "0002_merkle_tree")])
        Entry = executor.loader.project_state([("exchange", "0002_merkle_tree")]).apps.get_model(
            "exchange", "AccessLogEntry"
        )
        prev = accesslog.GENESIS_HASH
        for seq in range(1, 6):
            entry = Entry(
                seq=seq, at=dt.datetime(2025, 3, seq, tzinfo=dt.UTC), client_id="nps-benefits", user_ref="",
                case_ref="", message_id="", item_code="resident.abstract", fields=["name_ko"],
                purpose=f"연금 {seq}", basis="grant:1", outcome="granted", error_code="", prev_hash=prev,
            )  # fmt: skip
            entry.entry_hash = prev = accesslog.entry_hash(old_row(entry))
            entry.save()
        _migrate([("exchange", "0003_chain_into_tree")])
        Entry = executor.loader.project_state([("exchange", "0003_chain_into_tree")]).apps.get_model(
            "exchange", "AccessLogEntry"
        )
        entry = Entry(  # as 0003's append wrote it: pending, its seq NULL
            seq=None, at=dt.datetime(2025, 3, 6, tzinfo=dt.UTC), client_id="nps-benefits", user_ref="",
            case_ref="", message_id="", item_code="resident.abstract", fields=["name_ko"], purpose="연금 6",
            basis="grant:1", outcome="granted", error_code="", prev_hash="",
        )  # fmt: skip
        entry.entry_hash = accesslog.leaf_of(old_row(entry)).hex()
        entry.save()
        pending_id = entry.pk
        _migrate(latest)
    finally:
        _migrate(latest)
    pending = AccessLogEntry.objects.get(pk=pending_id)
    assert pending.seq is None and AccessLogPending.objects.filter(entry_id=pending_id).exists()
    assert [e.seq for e in AccessLogEntry.objects.order_by("id")] == [1, 2, 3, 4, 5, None]
    legacy = AccessLogEntry.objects.get(seq=2)
    assert AccessLogNode.objects.get(level=0, index=1).entry_id == legacy.pk
    assert bytes(AccessLogNode.objects.get(level=0, index=1).digest) == accesslog.entry_leaf_hash(legacy)
    append(2)  # new entries follow the chain's
    assert access_log_integrate().tree_size == 8
    assert AccessLogEntry.objects.get(pk=pending_id).seq == 6
    assert "intact: 8 entries (seq 1–8)" in verify()
    with attacker():
        AccessLogEntry.plain.filter(pk=legacy.pk).update(purpose="감사 회피")
    assert "broken at seq 2: altered" in broken()


def test_the_worker_runs_the_integrator_every_tick():
    from egov.core.tasks import ticks

    assert accesslog.access_log_tick in ticks()


def test_monitoring_reads_the_pending_entries_from_the_queue(db, platform):
    assert accesslog.access_log_pending() == (0, None)
    append(3)
    count, oldest = accesslog.access_log_pending()
    assert count == 3 and oldest == AccessLogEntry.objects.order_by("at").first().at
    access_log_integrate()
    assert accesslog.access_log_pending() == (0, None)


# --- The business an entry is about (issue 14: the customs helper's column) -----------------


def append_about_business(business, purpose: str = "검역 확인") -> AccessLogEntry:
    return access_log_append(
        consumer=None, client_id="kcs-clearance", item_code="business.quarantine", subject=None,
        subject_business=business, fields=["status"], purpose=purpose, basis="grant:2",
        outcome="granted", error_code="",
    )  # fmt: skip


@pytest.fixture
def two_businesses(mois, alice_resident):
    from tests import factories

    return (
        factories.business(mois, alice_resident, name="한빛상사"),
        factories.business(mois, alice_resident, name="바다무역"),
    )


def test_the_canonical_form_names_the_business_only_when_there_is_one(db, platform, two_businesses):
    import json

    hanbit, _ = two_businesses
    append(1)
    plain = AccessLogEntry.objects.get()
    about = append_about_business(hanbit)
    form = accesslog.canonical_form(about)
    assert b'"basis":"grant:2","business":%d,"case":""' % hanbit.pk in form
    assert json.loads(form)["business"] == hanbit.pk
    assert b"business" not in accesslog.canonical_form(plain)
    # the entry without one keeps the bytes it had before the column: the form of its other columns
    old_columns = {c: getattr(plain, c) for c in accesslog.CANONICAL_COLUMNS[:15]}
    old = json.dumps(
        {accesslog._CANONICAL_KEYS[c]: v for c, v in old_columns.items()}
        | {"at": plain.at.astimezone(__import__("datetime").UTC).isoformat(timespec="microseconds")},
        sort_keys=True, separators=(",", ":"), ensure_ascii=False,
    ).encode()  # fmt: skip
    assert accesslog.canonical_form(plain) == old
    unplaced = (0, *[getattr(about, c) for c in accesslog.CANONICAL_COLUMNS[1:]])  # seq 0: the tree's
    assert about.entry_hash == tlog.leaf_hash(accesslog.canonical_form(unplaced)).hex()


def _row(seq, at, business, text, ids):
    return (seq, at, ids[0], text, text, text, text, text, ids[1], [text, "x"], text, text, "granted", "",
            "" if seq % 2 else "ab" * 32, business)  # fmt: skip


def test_the_fast_encoder_and_the_reference_agree_with_and_without_a_business():
    import datetime as dt

    from hypothesis import given
    from hypothesis import strategies as st

    ids = st.one_of(st.none(), st.integers(min_value=1, max_value=2**63 - 1))

    @given(
        seq=st.integers(min_value=0, max_value=2**40),
        at=st.datetimes(timezones=st.just(dt.UTC)),
        business=ids,
        text=st.text(),
        consumer=ids,
        subject=ids,
    )
    def agree(seq, at, business, text, consumer, subject):
        row = _row(seq, at, business, text, (consumer, subject))
        fast = accesslog._encode_iso(row[0], accesslog._utc_iso(row[1]), *row[2:16])
        assert fast == accesslog._canonical_reference(row)
        a, b, c = accesslog._canonical_parts(accesslog._utc_iso(at), *row[2:14], business)
        assert (a + json_str(row[14]) + b + str(seq) + c).encode() == fast
        assert (b'"business":' in fast) == (business is not None)

    agree()


def json_str(value: str) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def test_changing_the_business_an_entry_was_about_is_reported(db, witness, two_businesses):
    hanbit, sea = two_businesses
    append(2)
    entry = append_about_business(hanbit)
    append(2, start=2)
    tick()
    assert "intact" in verify()
    checkpoint = tlog.Checkpoint.parse(tlog.note_split(store.checkpoint_latest()[1])[0])
    entry = AccessLogEntry.objects.get(pk=entry.pk)
    proof = accesslog.inclusion_proof(entry.seq - 1, checkpoint.size)
    leaf = accesslog.entry_leaf_hash(entry)  # recomputed from the row
    tlog.verify_inclusion(entry.seq - 1, checkpoint.size, leaf, proof, checkpoint.root)
    with attacker():
        AccessLogEntry.objects.filter(pk=entry.pk).update(subject_business=sea)
    assert f"broken at seq {entry.seq}: altered" in broken()
    moved = AccessLogEntry.objects.get(pk=entry.pk)
    with pytest.raises(tlog.ProofError):
        tlog.verify_inclusion(
            moved.seq - 1, checkpoint.size, accesslog.entry_leaf_hash(moved), proof, checkpoint.root
        )
    with attacker():  # taking the business away altogether is named too
        AccessLogEntry.objects.filter(pk=entry.pk).update(subject_business=None)
    assert f"broken at seq {entry.seq}: altered" in broken()


def test_a_business_subject_entry_verifies_offline_with_the_script(db, witness, two_businesses, tmp_path):
    import json

    hanbit, sea = two_businesses
    append(1)
    entry = append_about_business(hanbit)
    append(2, start=1)
    tick()
    size, _root, note = accesslog.checkpoint_published()
    entry = AccessLogEntry.objects.get(pk=entry.pk)
    leaf = accesslog.entry_leaf_hash(entry)  # recomputed from the row, the business with it
    assert leaf.hex() == entry.entry_hash
    bundle = {
        "leaf_hash": leaf.hex(), "index": entry.seq - 1, "tree_size": size, "checkpoint": note,
        "inclusion_proof": [tlog.b64(h) for h in accesslog.inclusion_proof(entry.seq - 1, size)],
    }  # fmt: skip
    path = tmp_path / "proof.json"
    script = [sys.executable, "scripts/verify_log_proof.py", str(path), "--log-key",
              accesslog.log_verifier().vkey(), "--witness-key", witness["vkey"]]  # fmt: skip
    path.write_text(json.dumps(bundle))
    checked = subprocess.run(script, capture_output=True, text=True)  # noqa: S603
    assert checked.returncode == 0 and f"OK: entry {entry.seq} is in" in checked.stdout
    # the same entry said to be about another business has another leaf, which the proof refuses
    entry.subject_business = sea
    path.write_text(json.dumps({**bundle, "leaf_hash": accesslog.entry_leaf_hash(entry).hex()}))
    checked = subprocess.run(script, capture_output=True, text=True)  # noqa: S603
    assert checked.returncode == 1 and "FAIL" in checked.stdout
