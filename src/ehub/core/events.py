"""Audit events: the one way to record a state change."""

from __future__ import annotations

from typing import Any

from django.db import models

from ehub.core.models import AuditEvent


def audit_record(
    *,
    tag: str,
    subject: models.Model,
    actor: Any = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        tag=tag,
        subject_type=subject._meta.model_name or type(subject).__name__.lower(),
        subject_id=str(subject.pk),
        actor=actor if getattr(actor, "pk", None) else None,
        data=data or {},
    )


def audit_events_for(subject: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        subject_type=subject._meta.model_name, subject_id=str(subject.pk)
    ).order_by("created_at", "id")
