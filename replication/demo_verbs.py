"""What each kind of step of a demo story wrote (replication.demo_replay runs them): the
writes of replication.services, stage_services and due_dates, at the step's moment, with
the same audit actions, dedupe keys and notification texts."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy

from innovations.models import Innovation
from jipp.models import AuditEvent, Institution, Role, User
from replication.demo_story import Step, StoryPlan
from replication.models import (
    STAGE_ORDER,
    DueDateRequest,
    DueDateRequestStatus,
    Evidence,
    Indicator,
    PlanStatus,
    ReplicationPlan,
    Stage,
    StageKind,
    StageStatus,
)

if TYPE_CHECKING:
    from replication.demo_replay import Replay


def pdf(title: str, lines: Iterable[str] = ()) -> bytes:
    """A small valid one-page PDF showing `title` and a few lines (Helvetica, A4)."""

    def text(value: str) -> bytes:
        raw = value.encode("latin-1", "replace")
        return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")

    rows = [b"BT /F1 16 Tf 56 780 Td (" + text(title) + b") Tj ET"]
    rows += [
        b"BT /F1 11 Tf 56 %d Td (" % (750 - 18 * n) + text(line) + b") Tj ET"
        for n, line in enumerate(lines)
    ]
    stream = b"\n".join(rows)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def adopter_of(story: StoryPlan) -> Institution | None:
    return Institution.objects.filter(name=story.adopter, province__code=story.province).first()


def _filed(r: Replay, step: Step, at: datetime, by: User) -> None:
    story = r.story
    r.plan = ReplicationPlan.objects.create(
        innovation=Innovation.objects.get(slug=story.innovation),
        province=r.province,
        adopter=adopter_of(story),
        local_name=story.local_name,
        summary=story.summary,
        start_date=r.day(story.start),
        target_end_date=r.day(story.end),
        budget_source=story.budget_source,
        budget_amount=story.budget,
        status=PlanStatus.DRAFT,
        current_stage=STAGE_ORDER[0],
        filed_by=by,
        created_at=at,
    )
    for number, (kind, due) in enumerate(zip(STAGE_ORDER, story.dues, strict=True), 1):
        r.stages[kind] = Stage.objects.create(
            plan=r.plan, kind=kind, order=number, due_date=r.day(due)
        )
    Indicator.objects.bulk_create(
        Indicator(
            plan=r.plan,
            order=number,
            name=item.name,
            unit=item.unit,
            direction=item.direction,
            baseline=Decimal(item.baseline),
            baseline_date=r.day(item.baseline_date),
            target=Decimal(item.target),
            sdg_target=item.sdg_target,
            source=item.source,
            updated_at=at,
        )
        for number, item in enumerate(story.indicators, 1)
    )
    r.event(at, by, "plan_created", r.plan, to_status=PlanStatus.DRAFT, note=step.note)


def _edited(r: Replay, step: Step, at: datetime, by: User) -> None:
    r.plan.version += 1
    r.event(at, by, "plan_edited", r.plan, note=step.note)


def _submitted(r: Replay, step: Step, at: datetime, by: User) -> None:
    previous = r.plan.status
    r.plan.status, r.plan.submitted_at = PlanStatus.SUBMITTED, at
    event = r.event(at, by, "plan_submitted", r.plan, previous, PlanStatus.SUBMITTED)
    r.tell(
        r.people(Role.MINISTRY),
        at,
        kind="plan_submitted",
        key=f"plan-submitted:{event.pk}",
        subject=gettext_lazy("Replication plan to review: %(title)s"),
        body=gettext_lazy("%(province)s submitted a replication plan for review: %(title)s."),
        url=r.plan.get_absolute_url(),
        title=r.title(),
        province=r.province.name,
    )


def _tell_officers(r: Replay, event: AuditEvent, at: datetime, by: User | None) -> None:
    r.tell(
        [user for user in r.people(Role.BAPPEDA) if user != by],
        at,
        kind="plan_decided",
        key=f"plan-decided:{event.pk}",
        subject=gettext_lazy("Replication plan %(title)s: %(status)s"),
        body=gettext_lazy("Replication plan %(title)s: %(status)s.\n\n%(note)s"),
        url=r.plan.get_absolute_url(),
        title=r.title(),
        status=PlanStatus(event.to_status).label,
        note=event.note,
    )


def _returned(r: Replay, step: Step, at: datetime, by: User) -> None:
    r.plan.status, r.plan.return_note = PlanStatus.RETURNED, step.note
    event = r.event(at, by, "plan_returned", r.plan, PlanStatus.SUBMITTED, r.plan.status, step.note)
    _tell_officers(r, event, at, by)


def _approved(r: Replay, step: Step, at: datetime, by: User) -> None:
    plan = r.plan
    plan.status, plan.approved_by, plan.approved_at = PlanStatus.APPROVED, by, at
    plan.return_note = ""
    for stage in r.stages.values():
        stage.reminder_generation += 1
        stage.save(update_fields=["reminder_generation"])
    r.write_reminders(r.stages.values(), at)
    event = r.event(at, by, "plan_approved", plan, PlanStatus.SUBMITTED, plan.status, step.note)
    _tell_officers(r, event, at, by)
    r.tell(
        [u for u in r.people(Role.INNOVATOR) if u.institution_id == plan.innovation.innovator_id],
        at,
        kind="plan_approved",
        key=f"plan-approved-innovator:{event.pk}",
        subject=gettext_lazy("%(province)s will replicate %(innovation)s"),
        body=gettext_lazy(
            "The ministry approved the plan of %(province)s to replicate your innovation "
            "%(innovation)s."
        ),
        url=plan.get_absolute_url(),
        province=r.province.name,
        innovation=plan.innovation.title,
    )


def _started(r: Replay, step: Step, at: datetime, by: User) -> None:
    stage = r.stage(step)
    stage.status, stage.started_at = StageStatus.IN_PROGRESS, at
    r.event(at, by, "stage_started", stage, StageStatus.PENDING, stage.status)


def _store_evidence(r: Replay, stage: Stage, name: str, at: datetime, by: User) -> None:
    content = pdf(
        name.removesuffix(".pdf").replace("-", " ").title(),
        [r.story.local_name, r.province.name, str(StageKind(stage.kind).label)],
    )
    path = default_storage.save(f"evidence/{at:%Y/%m}/{uuid.uuid4().hex}.pdf", ContentFile(content))
    Evidence.objects.create(
        stage=stage,
        file=path,
        original_name=name,
        content_type="application/pdf",
        size=len(content),
        description="Bukti dukung",
        uploaded_by=by,
        uploaded_at=at,
    )
    r.event(at, by, "evidence_added", stage, stage.status, stage.status, name)


def _done(r: Replay, step: Step, at: datetime, by: User) -> None:
    stage, story = r.stage(step), r.story
    for number, name in enumerate(step.files):
        _store_evidence(r, stage, name, at - timedelta(minutes=10 * (len(step.files) - number)), by)
    stage.status, stage.completed_at, stage.completed_by = StageStatus.DONE, at, by
    stage.note, stage.return_note = step.note, ""
    stage.save()
    for reminder in [row for row in r.open if row.stage_id == stage.pk]:
        r.cancel(reminder)
    if stage.kind == StageKind.EVALUATION:
        for number, item in enumerate(story.indicators, 1):
            if item.achieved is not None and item.measured_on is not None:
                Indicator.objects.filter(plan=r.plan, order=number).update(
                    achieved=Decimal(item.achieved),
                    measured_on=r.day(item.measured_on),
                    updated_at=at,
                )
    if stage.kind == StageKind.INSTITUTIONALIZATION and story.legal_basis:
        basis = story.legal_basis
        plan = r.plan
        plan.legal_basis_kind, plan.legal_basis_number = basis.kind, basis.number
        plan.legal_basis_date, plan.lessons = basis.day, story.lessons
    event = r.event(
        at, by, "stage_completed", stage, StageStatus.IN_PROGRESS, stage.status, step.note
    )
    r.tell(
        r.people(Role.MINISTRY),
        at,
        kind="stage_done",
        key=f"stage-done:{event.pk}",
        subject=gettext_lazy("Stage to verify: %(stage)s, %(title)s"),
        body=gettext_lazy(
            "%(province)s finished the stage %(stage)s of %(title)s and uploaded its evidence."
        ),
        url=stage.get_absolute_url(),
        stage=stage.get_kind_display(),
        title=r.title(),
        province=r.province.name,
    )


def _verified(r: Replay, step: Step, at: datetime, by: User) -> None:
    stage = r.stage(step)
    stage.status, stage.verified_at, stage.verified_by = StageStatus.VERIFIED, at, by
    stage.save()
    r.event(at, by, "stage_verified", stage, StageStatus.DONE, stage.status, step.note)
    if all(s.status == StageStatus.VERIFIED for s in r.stages.values()):
        _completed(r, at, by)


def _completed(r: Replay, at: datetime, by: User) -> None:
    plan = r.plan
    plan.status, plan.completed_at = PlanStatus.COMPLETED, at
    event = r.event(at, by, "plan_completed", plan, PlanStatus.APPROVED, plan.status)
    r.tell(
        [u for u in r.people(Role.INNOVATOR) if u.institution_id == plan.innovation.innovator_id],
        at,
        kind="plan_completed",
        key=f"plan-completed-innovator:{event.pk}",
        subject=gettext_lazy("%(province)s completed the replication of %(innovation)s"),
        body=gettext_lazy(
            "All seven stages of the plan of %(province)s to replicate your innovation "
            "%(innovation)s are verified: the replication is complete."
        ),
        url=plan.get_absolute_url(),
        province=r.province.name,
        innovation=plan.innovation.title,
    )
    _tell_officers(r, event, at, None)


def _stage_returned(r: Replay, step: Step, at: datetime, by: User) -> None:
    stage = r.stage(step)
    stage.status, stage.return_note = StageStatus.IN_PROGRESS, step.note
    stage.reminder_generation += 1
    stage.save()
    r.write_reminders([stage], at)
    event = r.event(at, by, "stage_returned", stage, StageStatus.DONE, stage.status, step.note)
    r.tell(
        r.people(Role.BAPPEDA),
        at,
        kind="stage_returned",
        key=f"stage-returned:{event.pk}",
        subject=gettext_lazy("Stage returned: %(stage)s, %(title)s"),
        body=gettext_lazy("The ministry returned the stage %(stage)s of %(title)s:\n\n%(note)s"),
        url=stage.get_absolute_url(),
        stage=stage.get_kind_display(),
        title=r.title(),
        note=step.note,
    )


def _asked(r: Replay, step: Step, at: datetime, by: User) -> None:
    stage = r.stage(step)
    proposed = r.day(step.day if step.day is not None else 0)
    request = DueDateRequest.objects.create(
        stage=stage,
        requested_by=by,
        previous_date=stage.due_date,
        proposed_date=proposed,
        reason=step.note,
        created_at=at,
    )
    note = f"{stage.due_date.isoformat()} → {proposed.isoformat()}: {step.note}"
    r.event(at, by, "due_date_requested", stage, stage.status, stage.status, note)
    r.tell(
        r.people(Role.MINISTRY),
        at,
        kind="due_date_requested",
        key=f"due-date-requested:{request.pk}",
        subject=gettext_lazy("Due date change to decide: %(stage)s, %(title)s"),
        body=gettext_lazy(
            "%(province)s asks to move the due date of %(stage)s from %(old)s to %(new)s: "
            "%(reason)s"
        ),
        url=stage.get_absolute_url(),
        stage=stage.get_kind_display(),
        title=r.title(),
        province=r.province.name,
        old=stage.due_date.isoformat(),
        new=proposed.isoformat(),
        reason=step.note,
    )


def _accepted(r: Replay, step: Step, at: datetime, by: User) -> None:
    stage = r.stage(step)
    request = DueDateRequest.objects.get(stage=stage, status=DueDateRequestStatus.PENDING)
    days = (request.proposed_date - stage.due_date).days
    stage.due_date = request.proposed_date
    if days > 0:
        stage.slip_count += 1
        stage.slip_days += days
    stage.reminder_generation += 1
    stage.save()
    r.write_reminders([stage], at)
    request.status, request.decided_by, request.decided_at = (
        DueDateRequestStatus.ACCEPTED,
        by,
        at,
    )
    request.note = step.note
    request.save()
    note = request.proposed_date.isoformat() + (f": {step.note}" if step.note else "")
    event = r.event(at, by, "due_date_accepted", stage, stage.status, stage.status, note)
    r.tell(
        r.people(Role.BAPPEDA),
        at,
        kind="due_date_decided",
        key=f"due-date-decided:{event.pk}",
        subject=gettext_lazy("Due date of %(stage)s, %(title)s: %(decision)s"),
        body=gettext_lazy(
            "Your request to move the due date of %(stage)s to %(new)s: %(decision)s.\n\n%(note)s"
        ),
        url=stage.get_absolute_url(),
        stage=stage.get_kind_display(),
        title=r.title(),
        new=request.proposed_date.isoformat(),
        decision=DueDateRequestStatus.ACCEPTED.label,
        note=step.note,
    )


VERBS: dict[str, Callable[[Replay, Step, datetime, User], None]] = {
    "filed": _filed,
    "edited": _edited,
    "submitted": _submitted,
    "returned": _returned,
    "approved": _approved,
    "started": _started,
    "done": _done,
    "verified": _verified,
    "stage_returned": _stage_returned,
    "asked": _asked,
    "accepted": _accepted,
}
