"""Writes of an approved plan's stages: start, complete with evidence, verify, due dates.

Every function locks the plan first, then the rows it changes: the plan's lock orders
concurrent stage transitions, so "all seven verified -> completed" is decided once.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jipp.models import AuditEvent, User
from jipp.services import record_event
from replication import notices, reminders, result_services, services
from replication.models import (
    Evidence,
    PlanStatus,
    ReplicationPlan,
    Stage,
    StageStatus,
)
from replication.uploads import check_evidence


def lock_stage(stage: Stage) -> tuple[ReplicationPlan, Stage]:
    plan = services.lock(stage.plan)
    locked = Stage.objects.select_for_update().get(pk=stage.pk)
    locked.plan = plan
    return plan, locked


def require_approved(plan: ReplicationPlan) -> None:
    if plan.status != PlanStatus.APPROVED:
        raise ValidationError(
            _("The plan is %(status)s: its stages move only while it is approved.")
            % {"status": str(PlanStatus(plan.status).label).lower()}
        )


def wrong_status(stage: Stage) -> ValidationError:
    return ValidationError(
        _("%(stage)s is %(status)s now: this cannot be done.")
        % {
            "stage": stage.get_kind_display(),
            "status": str(StageStatus(stage.status).label).lower(),
        }
    )


def _event(stage: Stage, by: User, action: str, previous: str, note: str = "") -> AuditEvent:
    return record_event(
        actor=by,
        action=action,
        target=stage,
        from_status=previous,
        to_status=stage.status,
        note=note,
    )


def _store_files(stage: Stage, by: User, files: Iterable[UploadedFile], description: str) -> int:
    """Check every file first (nothing is stored if one is refused), then store them all."""
    uploads = list(files)
    checked = [check_evidence(upload) for upload in uploads]
    for upload, info in zip(uploads, checked, strict=True):
        evidence = Evidence(
            stage=stage,
            original_name=info.original_name[:255],
            content_type=info.content_type,
            size=info.size,
            description=description.strip()[:300],
            uploaded_by=by,
        )
        evidence.file.save(info.original_name, upload, save=False)
        evidence.save()
        record_event(
            actor=by,
            action="evidence_added",
            target=stage,
            from_status=stage.status,
            to_status=stage.status,
            note=info.original_name,
        )
    return len(uploads)


@transaction.atomic
def start_stage(*, stage: Stage, by: User) -> Stage:
    services.require_editor(stage.plan, by)
    plan, locked = lock_stage(stage)
    require_approved(plan)
    if locked.status != StageStatus.PENDING:
        raise wrong_status(locked)
    if locked.order > 1:
        before = Stage.objects.get(plan=plan, order=locked.order - 1)
        if not before.is_finished:
            raise ValidationError(
                _("%(stage)s can start once %(previous)s is done.")
                % {"stage": locked.get_kind_display(), "previous": before.get_kind_display()}
            )
    locked.status = StageStatus.IN_PROGRESS
    locked.started_at = timezone.now()
    locked.save(update_fields=["status", "started_at"])
    _event(locked, by, "stage_started", StageStatus.PENDING)
    return locked


@transaction.atomic
def complete_stage(
    *,
    stage: Stage,
    by: User,
    note: str,
    evidence_files: Iterable[UploadedFile] = (),
    description: str = "",
    results: result_services.Results | None = None,
) -> Stage:
    """Done, with a note and at least one evidence file (stored earlier or uploaded now).

    The evaluation also needs every indicator's achieved value, the institutionalisation
    its legal basis and lessons (`results`); nothing is stored while anything is missing.
    """
    services.require_editor(stage.plan, by)
    plan, locked = lock_stage(stage)
    require_approved(plan)
    if locked.status != StageStatus.IN_PROGRESS:
        raise wrong_status(locked)
    note = note.strip()
    errors = {} if note else {"note": [_("Write what was done in this stage.")]}
    errors |= result_services.results_errors(locked, results)
    if errors:
        raise ValidationError(errors)
    added = _store_files(locked, by, evidence_files, description)
    if not added and not locked.evidence.exists():
        raise ValidationError(result_services.evidence_wanted(locked))
    if results is not None:
        result_services.record_results(stage=locked, by=by, results=results)
    locked.status = StageStatus.DONE
    locked.completed_at = timezone.now()
    locked.completed_by = by
    locked.note = note
    locked.return_note = ""
    locked.save(update_fields=["status", "completed_at", "completed_by", "note", "return_note"])
    reminders.cancel_open([locked])
    event = record_event(
        actor=by,
        action="stage_completed",
        target=locked,
        from_status=StageStatus.IN_PROGRESS,
        to_status=StageStatus.DONE,
        note=note,
    )
    services.refresh_current_stage(plan)
    notices.notify_users(
        notices.reviewers(),
        kind="stage_done",
        key=f"stage-done:{event.pk}",
        subject=gettext_lazy("Stage to verify: %(stage)s, %(title)s"),
        body=gettext_lazy(
            "%(province)s finished the stage %(stage)s of %(title)s and uploaded its evidence."
        ),
        url=locked.get_absolute_url(),
        stage=locked.get_kind_display(),
        title=notices.plan_title(plan),
        province=plan.province.name,
    )
    return locked


def _require_changeable_evidence(stage: Stage) -> None:
    if stage.status not in (StageStatus.IN_PROGRESS, StageStatus.DONE):
        raise ValidationError(
            _(
                "Evidence can be added or removed while a stage is in progress or done, "
                "until it is verified."
            )
        )


@transaction.atomic
def add_evidence(
    *, stage: Stage, by: User, files: Iterable[UploadedFile], description: str = ""
) -> int:
    services.require_editor(stage.plan, by)
    plan, locked = lock_stage(stage)
    require_approved(plan)
    _require_changeable_evidence(locked)
    added = _store_files(locked, by, files, description)
    if not added:
        raise ValidationError(_("Choose at least one file."))
    return added


def _delete_file(storage: Storage, name: str) -> None:
    storage.delete(name)


@transaction.atomic
def remove_evidence(*, evidence: Evidence, by: User) -> None:
    services.require_editor(evidence.stage.plan, by)
    plan, locked = lock_stage(evidence.stage)
    require_approved(plan)
    _require_changeable_evidence(locked)
    row = Evidence.objects.select_for_update().filter(pk=evidence.pk, stage=locked).first()
    if row is None:
        raise ValidationError(_("This file was already removed."))
    if locked.status == StageStatus.DONE and locked.evidence.count() == 1:
        raise ValidationError(
            _("A done stage keeps at least one evidence file: add the replacement first.")
        )
    name, storage = row.file.name, row.file.storage
    row.delete()
    record_event(
        actor=by,
        action="evidence_removed",
        target=locked,
        from_status=locked.status,
        to_status=locked.status,
        note=row.original_name,
    )
    if name:
        transaction.on_commit(partial(_delete_file, storage, name))


@transaction.atomic
def verify_stage(*, stage: Stage, by: User, note: str = "") -> Stage:
    """The ministry confirms a done stage; the seventh verification completes the plan."""
    services.require_ministry(by)
    plan, locked = lock_stage(stage)
    require_approved(plan)
    if locked.status != StageStatus.DONE:
        raise wrong_status(locked)
    missing = result_services.missing_for_verification(locked)
    if missing is not None:
        raise missing
    locked.status = StageStatus.VERIFIED
    locked.verified_at = timezone.now()
    locked.verified_by = by
    locked.save(update_fields=["status", "verified_at", "verified_by"])
    _event(locked, by, "stage_verified", StageStatus.DONE, note.strip())
    services.refresh_current_stage(plan)
    if not Stage.objects.filter(plan=plan).exclude(status=StageStatus.VERIFIED).exists():
        _complete_plan(plan, by)
    return locked


def _complete_plan(plan: ReplicationPlan, by: User) -> None:
    plan.status = PlanStatus.COMPLETED
    plan.completed_at = timezone.now()
    plan.save(update_fields=["status", "completed_at"])
    event = record_event(
        actor=by,
        action="plan_completed",
        target=plan,
        from_status=PlanStatus.APPROVED,
        to_status=PlanStatus.COMPLETED,
    )
    notices.notify_users(
        notices.innovators_of(plan),
        kind="plan_completed",
        key=f"plan-completed-innovator:{event.pk}",
        subject=gettext_lazy("%(province)s completed the replication of %(innovation)s"),
        body=gettext_lazy(
            "All seven stages of the plan of %(province)s to replicate your innovation "
            "%(innovation)s are verified: the replication is complete."
        ),
        url=plan.get_absolute_url(),
        province=plan.province.name,
        innovation=plan.innovation.title,
    )
    notices.notify_users(
        notices.officers_of(plan),
        kind="plan_decided",
        key=f"plan-decided:{event.pk}",
        subject=gettext_lazy("Replication plan %(title)s: %(status)s"),
        body=gettext_lazy("Replication plan %(title)s: %(status)s.\n\n%(note)s"),
        url=plan.get_absolute_url(),
        title=notices.plan_title(plan),
        status=PlanStatus.COMPLETED.label,
        note="",
    )


@transaction.atomic
def return_stage(*, stage: Stage, by: User, note: str) -> Stage:
    """Back to in progress, with the ministry's note on what is missing."""
    services.require_ministry(by)
    note = note.strip()
    if not note:
        raise ValidationError(_("Write a note: the province needs to know what is missing."))
    plan, locked = lock_stage(stage)
    require_approved(plan)
    if locked.status != StageStatus.DONE:
        raise wrong_status(locked)
    locked.status = StageStatus.IN_PROGRESS
    locked.return_note = note
    locked.reminder_generation += 1  # its reminders are due again
    locked.save(update_fields=["status", "return_note", "reminder_generation"])
    reminders.write_generation(plan=plan, stages=[locked])
    event = _event(locked, by, "stage_returned", StageStatus.DONE, note)
    services.refresh_current_stage(plan)
    notices.notify_users(
        notices.officers_of(plan),
        kind="stage_returned",
        key=f"stage-returned:{event.pk}",
        subject=gettext_lazy("Stage returned: %(stage)s, %(title)s"),
        body=gettext_lazy("The ministry returned the stage %(stage)s of %(title)s:\n\n%(note)s"),
        url=locked.get_absolute_url(),
        stage=locked.get_kind_display(),
        title=notices.plan_title(plan),
        note=note,
    )
    return locked
