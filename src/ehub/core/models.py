from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    """An append-only record of a state change, tagged ``<subject>:<field>:<value>``.

    Examples: ``seller:verification:verified``, ``apikey:created``. Written only through
    ``ehub.core.events.audit_record``; never updated or deleted (the admin is read-only).
    """

    tag = models.CharField(max_length=120, db_index=True)
    subject_type = models.CharField(max_length=60)
    subject_id = models.CharField(max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "created_at"])]

    def __str__(self) -> str:
        return f"{self.tag} {self.subject_type}#{self.subject_id}"


class JobSchedule(models.Model):
    """When each periodic job (``ehub.core.jobs``) was last enqueued. The scheduler locks the row
    it enqueues for, so two schedulers running at once enqueue a due job once."""

    name = models.CharField(max_length=80, unique=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)
    last_task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
