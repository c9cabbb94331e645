"""Issue 17: a signed official document dispatched to 50 agencies and registered in all 50
inboxes (a delivered `ReceivedDocument` each, signed message and signed acknowledgement) in
under 2 s, on PostgreSQL.

    .venv/bin/python benchmarks/edocs_dispatch.py --recreate     # create, seed, measure
    .venv/bin/python benchmarks/edocs_dispatch.py                # measure again, same data

What it does, in-process against database `egov_edocs_bench` at 127.0.0.1 (user postgres):
migrate and `egov seed --residents 1000 --seed 1 --if-empty` (On-nara's demo office included),
`egov keys init`; then gives 50 agencies without one an On-nara registry office (문서과). Each
round: Jongno-gu's demo official drafts a notice to the 50 agencies, the line signs it (leader
review, director approval under delegation) — not timed — and `document_dispatch` is timed:
the enforced document's signed PDF through `documents`, 50 messages signed by Jongno-gu, each
verified and acknowledged with the receiving agency's key. The first round also creates the
receiving agencies' signing keys if `keys init` did not; --rounds rounds are reported.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import measure  # the sibling module benchmarks/measure.py

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/egov_edocs_bench"
SECRET_KEY = "edocs-bench-secret-key-0123456789-abcdefghijklmnopqr"  # noqa: S105 (benchmark data only)
TARGET_S = 2.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--recreate", action="store_true")
    parser.add_argument("--agencies", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--data-dir", default=str(Path(tempfile.gettempdir()) / "egov-edocs-bench"))
    args = parser.parse_args()
    data_dir = Path(args.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    env = measure.egov_env(
        args.url, data_dir, SECRET_KEY, EGOV_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
    )
    measure.nation_prepare(args.url, env, residents=1000, recreate=args.recreate, egov=measure.BIN / "egov")
    os.environ.update(env)
    import django

    django.setup()
    from egov.accounts.models import User
    from egov.accounts.services.step_up import step_up_demo
    from egov.edocs.models import Department, DocumentKind, OfficialPost, ReceivedDocument, UnitTask
    from egov.edocs.services import approval, delivery, drafting
    from egov.edocs.signatures import SIGNING_PURPOSE
    from egov.registry.models import Agency

    def _demo_step_up(official):  # the seed's officials are demo accounts
        return step_up_demo(user=official, purpose=SIGNING_PURPOSE)

    staff = User.objects.get(username="official.jongno")
    jongno = staff.agency
    with_office = set(Department.objects.filter(is_registry_office=True).values_list("agency_id", flat=True))
    targets = list(Agency.objects.exclude(pk=jongno.pk).exclude(kind="third_party").order_by("code"))
    for agency in targets:
        if agency.pk not in with_office and len(with_office) < args.agencies + 1:
            Department.objects.create(
                agency=agency, code=f"{agency.code[:6]}9", name_ko="문서과", name_en="Registry office",
                is_registry_office=True,
            )  # fmt: skip
            with_office.add(agency.pk)
    recipients = [a for a in targets if a.pk in with_office][: args.agencies]
    if len(recipients) < args.agencies:
        sys.exit(f"only {len(recipients)} agencies to send to")
    leader = OfficialPost.objects.get(official__username=f"edocs.{jongno.code}.leader").official
    director = OfficialPost.objects.get(official__username=f"edocs.{jongno.code}.director").official
    task = UnitTask.objects.get(agency=jongno, code="A03")
    times = []
    for round_ in range(args.rounds):
        document = drafting.document_draft(
            actor=staff, title=f"벤치마크 협조 요청 {round_ + 1}", content="1. 협조를 요청합니다.",
            line=[(leader, "review"), (director, "approve")], recipients=recipients, kind=DocumentKind.NOTICE,
            unit_task=task,
        )  # fmt: skip
        approval.document_submit(actor=staff, step_up=_demo_step_up(staff), document=document)
        for official in (leader, director):
            document = approval.document_sign(
                actor=official, step_up=_demo_step_up(official), document=document
            )
        started = time.perf_counter()
        messages = delivery.document_dispatch(actor=staff, document=document)
        elapsed = time.perf_counter() - started
        delivered = ReceivedDocument.objects.filter(source=document, state="delivered").count()
        assert delivered == len(recipients) == len(messages), (delivered, len(messages))
        times.append(elapsed)
        print(f"round {round_ + 1}: {len(messages)} messages, {delivered} inboxes, {elapsed:.3f} s")
    print(
        f"dispatch to {len(recipients)} agencies: median {statistics.median(times):.3f} s, "
        f"max {max(times):.3f} s (target < {TARGET_S} s)"
    )


if __name__ == "__main__":
    main()
