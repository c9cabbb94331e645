"""Petitions move onto the case kernel: their history, attachments, reminders and escalations
become rows of `cases.CaseEvent`, `CaseAttachment` and `CaseReminder` (kinds reminder and
escalation) under the petition's content type, with every field kept (when, who, state,
action, note, data, the stored files' names: the files stay where they are on disk, under
DATA_DIR/petitions/). Then the petitions' own tables go. The reverse copies the rows back.
"""

from django.db import migrations

BATCH = 2000


def _petition_type(apps):
    content_type = apps.get_model("contenttypes", "ContentType")
    return content_type.objects.get_or_create(app_label="petitions", model="petition")[0]


def _copy(rows, make, model) -> None:
    batch = []
    for row in rows.iterator(chunk_size=BATCH):
        batch.append(make(row))
        if len(batch) >= BATCH:
            model.objects.bulk_create(batch)
            batch = []
    if batch:
        model.objects.bulk_create(batch)


def to_kernel(apps, schema_editor):
    petition_type = _petition_type(apps)
    PetitionEvent = apps.get_model("petitions", "PetitionEvent")
    Attachment = apps.get_model("petitions", "Attachment")
    Reminder = apps.get_model("petitions", "Reminder")
    Escalation = apps.get_model("petitions", "Escalation")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    CaseAttachment = apps.get_model("cases", "CaseAttachment")
    CaseReminder = apps.get_model("cases", "CaseReminder")

    # in the order of the old ids, so that events at the same moment keep their order
    _copy(
        PetitionEvent.objects.order_by("id"),
        lambda e: CaseEvent(
            case_type=petition_type, case_id=e.petition_id, at=e.at, actor_id=e.actor_id,
            state=e.state, action=e.action, note=e.note, data=e.data,
        ),
        CaseEvent,
    )  # fmt: skip
    _copy(
        Attachment.objects.select_related("petition").order_by("id"),
        lambda a: CaseAttachment(
            case_type=petition_type, case_id=a.petition_id, purpose="attachment",
            original_name=a.original_name, content_type=a.content_type, size=a.size, sha256=a.sha256,
            storage_name=a.storage_name, uploaded_at=a.uploaded_at,
            uploaded_by_id=a.petition.petitioner_id,  # only the petitioner sends files, when filing
        ),
        CaseAttachment,
    )  # fmt: skip
    _copy(
        Reminder.objects.order_by("id"),
        lambda r: CaseReminder(
            case_type=petition_type, case_id=r.petition_id, kind="reminder", watch="", due_at=r.due_at,
            recipients=r.recipients, at=r.reminded_at,
        ),
        CaseReminder,
    )  # fmt: skip
    _copy(
        Escalation.objects.order_by("id"),
        lambda x: CaseReminder(
            case_type=petition_type, case_id=x.petition_id, kind="escalation", watch="",
            due_at=x.escalated_for_due_at, agency_id=x.agency_id, supervisor_id=x.supervisor_id,
            at=x.escalated_at,
        ),
        CaseReminder,
    )  # fmt: skip


def _keep_given_times(model, *names) -> None:
    """The old tables stamp their times on insert (auto_now_add); the reverse keeps the copied ones."""
    for name in names:
        model._meta.get_field(name).auto_now_add = False


def from_kernel(apps, schema_editor):
    petition_type = _petition_type(apps)
    PetitionEvent = apps.get_model("petitions", "PetitionEvent")
    Attachment = apps.get_model("petitions", "Attachment")
    Reminder = apps.get_model("petitions", "Reminder")
    Escalation = apps.get_model("petitions", "Escalation")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    CaseAttachment = apps.get_model("cases", "CaseAttachment")
    CaseReminder = apps.get_model("cases", "CaseReminder")
    _keep_given_times(PetitionEvent, "at")
    _keep_given_times(Attachment, "uploaded_at")
    _keep_given_times(Reminder, "reminded_at")
    _keep_given_times(Escalation, "escalated_at")

    events = CaseEvent.objects.filter(case_type=petition_type)
    _copy(
        events.order_by("id"),
        lambda e: PetitionEvent(
            petition_id=e.case_id, at=e.at, actor_id=e.actor_id, state=e.state, action=e.action,
            note=e.note, data=e.data,
        ),
        PetitionEvent,
    )  # fmt: skip
    files = CaseAttachment.objects.filter(case_type=petition_type)
    _copy(
        files.order_by("id"),
        lambda a: Attachment(
            petition_id=a.case_id, original_name=a.original_name, content_type=a.content_type,
            size=a.size, sha256=a.sha256, storage_name=a.storage_name, uploaded_at=a.uploaded_at,
        ),
        Attachment,
    )  # fmt: skip
    clocks = CaseReminder.objects.filter(case_type=petition_type)
    _copy(
        clocks.filter(kind="reminder").order_by("id"),
        lambda r: Reminder(petition_id=r.case_id, due_at=r.due_at, recipients=r.recipients, reminded_at=r.at),
        Reminder,
    )
    _copy(
        clocks.filter(kind="escalation").order_by("id"),
        lambda x: Escalation(
            petition_id=x.case_id, escalated_for_due_at=x.due_at, agency_id=x.agency_id,
            supervisor_id=x.supervisor_id, escalated_at=x.at,
        ),
        Escalation,
    )  # fmt: skip
    events.delete()
    files.delete()
    clocks.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_kernel"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("petitions", "0003_petition_idempotency_key"),
    ]

    operations = [
        migrations.RunPython(to_kernel, from_kernel),
        migrations.DeleteModel(name="Attachment"),
        migrations.DeleteModel(name="Escalation"),
        migrations.DeleteModel(name="PetitionEvent"),
        migrations.DeleteModel(name="Reminder"),
    ]
