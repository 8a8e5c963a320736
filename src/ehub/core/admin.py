from django.contrib import admin

from ehub.core.admin_base import ReadOnlyAdmin
from ehub.core.models import AuditEvent, JobSchedule


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):  # append-only: written by services only
    list_display = ["created_at", "tag", "subject_type", "subject_id", "actor"]
    list_filter = ["subject_type", "tag"]
    search_fields = ["tag", "subject_id", "actor__email"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]


@admin.register(JobSchedule)
class JobScheduleAdmin(ReadOnlyAdmin):  # written by the scheduler (ehub.core.jobs)
    list_display = ["name", "last_enqueued_at", "last_task_id"]
    search_fields = ["name"]
    readonly_fields = [f.name for f in JobSchedule._meta.fields]
