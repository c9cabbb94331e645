"""The request's history, released files and reminders move to the case kernel's tables.

Every `RequestEvent` becomes a `cases.CaseEvent`, every `ReleasedFile` a `cases.CaseAttachment`
(purpose "released"; the bytes stay where they are, DATA_DIR/disclosure/, the procedure's
attachment folder), every `Reminder` a `cases.CaseReminder` of kind "reminder" — keeping their
times, actors, states, actions, notes, data and storage names. A reminder made once the
request's objection was filed was of the objection's clock (the request's own clock closed with
the decision before), so it goes to the watch "objection". The reverse copies them back.
"""

from django.db import migrations

BATCH = 2000
RELEASED = "released"


def _case_type(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.get_or_create(app_label="disclosure", model="disclosurerequest")[0]


def _copy(rows, model, make, alias) -> None:
    batch = []
    for row in rows.iterator(chunk_size=BATCH):
        batch.append(make(row))
        if len(batch) == BATCH:
            model.objects.using(alias).bulk_create(batch)
            batch = []
    if batch:
        model.objects.using(alias).bulk_create(batch)


def to_cases(apps, schema_editor):
    alias = schema_editor.connection.alias
    case_type = _case_type(apps)
    RequestEvent = apps.get_model("disclosure", "RequestEvent")
    ReleasedFile = apps.get_model("disclosure", "ReleasedFile")
    Reminder = apps.get_model("disclosure", "Reminder")
    Objection = apps.get_model("disclosure", "Objection")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    CaseAttachment = apps.get_model("cases", "CaseAttachment")
    CaseReminder = apps.get_model("cases", "CaseReminder")

    _copy(
        RequestEvent.objects.using(alias).order_by("id"),
        CaseEvent,
        lambda e: CaseEvent(
            case_type=case_type, case_id=e.request_id, at=e.at, actor_id=e.actor_id, state=e.state,
            action=e.action, note=e.note, data=e.data,
        ),
        alias,
    )  # fmt: skip
    _copy(
        ReleasedFile.objects.using(alias).order_by("id"),
        CaseAttachment,
        lambda f: CaseAttachment(
            case_type=case_type, case_id=f.request_id, purpose=RELEASED, original_name=f.original_name,
            content_type=f.content_type, size=f.size, sha256=f.sha256, storage_name=f.storage_name,
            uploaded_at=f.uploaded_at, uploaded_by_id=f.uploaded_by_id,
        ),
        alias,
    )  # fmt: skip
    filed = dict(Objection.objects.using(alias).values_list("request_id", "filed_at"))

    def watch(reminder) -> str:
        objection_filed = filed.get(reminder.request_id)
        return "objection" if objection_filed is not None and reminder.reminded_at >= objection_filed else ""

    _copy(
        Reminder.objects.using(alias).order_by("id"),
        CaseReminder,
        lambda r: CaseReminder(
            case_type=case_type, case_id=r.request_id, kind="reminder", watch=watch(r), due_at=r.due_at,
            recipients=r.recipients, at=r.reminded_at,
        ),
        alias,
    )  # fmt: skip


def _keep_times(*fields):
    """The old tables stamped their times on insert (`auto_now_add`); copying back keeps the
    recorded ones."""
    for field in fields:
        field.auto_now_add = False


def from_cases(apps, schema_editor):
    alias = schema_editor.connection.alias
    case_type = _case_type(apps)
    RequestEvent = apps.get_model("disclosure", "RequestEvent")
    ReleasedFile = apps.get_model("disclosure", "ReleasedFile")
    Reminder = apps.get_model("disclosure", "Reminder")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    CaseAttachment = apps.get_model("cases", "CaseAttachment")
    CaseReminder = apps.get_model("cases", "CaseReminder")
    _keep_times(
        RequestEvent._meta.get_field("at"),
        ReleasedFile._meta.get_field("uploaded_at"),
        Reminder._meta.get_field("reminded_at"),
    )
    events = CaseEvent.objects.using(alias).filter(case_type=case_type)
    files = CaseAttachment.objects.using(alias).filter(case_type=case_type, purpose=RELEASED)
    reminders = CaseReminder.objects.using(alias).filter(case_type=case_type, kind="reminder")
    _copy(
        events.order_by("at", "id"),
        RequestEvent,
        lambda e: RequestEvent(
            request_id=e.case_id, at=e.at, actor_id=e.actor_id, state=e.state, action=e.action,
            note=e.note, data=e.data,
        ),
        alias,
    )  # fmt: skip
    _copy(
        files.order_by("id"),
        ReleasedFile,
        lambda f: ReleasedFile(
            request_id=f.case_id, original_name=f.original_name, content_type=f.content_type,
            size=f.size, sha256=f.sha256, storage_name=f.storage_name, uploaded_at=f.uploaded_at,
            uploaded_by_id=f.uploaded_by_id,
        ),
        alias,
    )  # fmt: skip
    # One old row per (request, due date): the two watches never share a due date in practice.
    batch = [
        Reminder(request_id=r.case_id, due_at=r.due_at, recipients=r.recipients, reminded_at=r.at)
        for r in reminders.order_by("at", "id")
    ]
    Reminder.objects.using(alias).bulk_create(batch, ignore_conflicts=True)
    events.delete()
    files.delete()
    reminders.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("cases", "0001_kernel"),
        ("disclosure", "0002_reminder"),
    ]

    operations = [migrations.RunPython(to_cases, from_cases)]
