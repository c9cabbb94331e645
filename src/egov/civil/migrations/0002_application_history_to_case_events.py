"""Move every application's history (`civil.ApplicationEvent`) into the case kernel's history
(`cases.CaseEvent`), keeping when, who, the state and the note, and naming each step by the
action the services now record for it (see `civil.procedure`):

- submitted: "submit" online, "record" at the counter;
- in_review: "supplement" when the applicant sent it, "approve_step" for a step of an approval
  line (its note reads "<step> ✔ ..."), else "review";
- supplement_requested: "request_supplement"; approved: "approve"; rejected: "reject";
- issued: "issue" for a certificate issued at once, "approve_issue" for a decision that issued
  its document.

The reverse copies the history back and removes it from the kernel's table.
"""

from django.db import migrations

BATCH = 2000


def action_for(row: dict) -> str:
    state = row["state"]
    if state == "submitted":
        return "record" if row["application__channel"] == "counter" else "submit"
    if state == "in_review":
        applicant = row["application__applicant_id"]
        if applicant is not None and row["actor_id"] == applicant:
            return "supplement"
        return "approve_step" if "✔" in row["note"] else "review"
    if state == "issued":
        return "issue" if row["application__service__kind"] == "instant" else "approve_issue"
    return {
        "supplement_requested": "request_supplement",
        "approved": "approve",
        "rejected": "reject",
    }.get(state, "")


def _application_type(apps):
    content_type, _created = apps.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="civil", model="application"
    )
    return content_type


def history_to_case_events(apps, schema_editor):
    ApplicationEvent = apps.get_model("civil", "ApplicationEvent")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    case_type = _application_type(apps)
    rows = (
        ApplicationEvent.objects.order_by("id")
        .values(
            "application_id",
            "at",
            "actor_id",
            "state",
            "note",
            "application__channel",
            "application__applicant_id",
            "application__service__kind",
        )
        .iterator(chunk_size=BATCH)
    )
    batch = []
    for row in rows:
        batch.append(
            CaseEvent(
                case_type=case_type,
                case_id=row["application_id"],
                at=row["at"],
                actor_id=row["actor_id"],
                state=row["state"],
                action=action_for(row),
                note=row["note"],
                data={},
            )
        )
        if len(batch) == BATCH:
            CaseEvent.objects.bulk_create(batch)
            batch = []
    CaseEvent.objects.bulk_create(batch)


def case_events_to_history(apps, schema_editor):
    ApplicationEvent = apps.get_model("civil", "ApplicationEvent")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    case_type = _application_type(apps)
    events = CaseEvent.objects.filter(case_type=case_type)
    batch = []
    for event in events.order_by("at", "id").iterator(chunk_size=BATCH):
        batch.append(
            ApplicationEvent(
                application_id=event.case_id,
                at=event.at,
                actor_id=event.actor_id,
                state=event.state,
                note=event.note,
            )
        )
        if len(batch) == BATCH:
            _create_keeping_times(ApplicationEvent, batch)
            batch = []
    _create_keeping_times(ApplicationEvent, batch)
    events.delete()


def _create_keeping_times(ApplicationEvent, batch):
    # `at` is auto_now_add, which an insert overwrites with the present: write it back after.
    times = [event.at for event in batch]
    created = ApplicationEvent.objects.bulk_create(batch)
    for event, at in zip(created, times, strict=True):
        event.at = at
    ApplicationEvent.objects.bulk_update(created, ["at"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("civil", "0001_initial"),
        ("cases", "0001_kernel"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(history_to_case_events, case_events_to_history)]
