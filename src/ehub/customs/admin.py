from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from ehub.core.admin_base import ReadOnlyAdmin
from ehub.core.errors import DomainError
from ehub.customs.models import (
    AuthorityCallback,
    CustomsDecision,
    CustomsDeclaration,
    DeclarationSubmission,
    HsCode,
    HsSection,
    SandboxAuthorityMessage,
)


@admin.register(HsSection)
class HsSectionAdmin(admin.ModelAdmin):
    list_display = ["numeral", "name"]
    search_fields = ["name"]


@admin.register(HsCode)
class HsCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "level", "description", "section"]
    list_filter = ["level", "section"]
    search_fields = ["code", "description"]
    list_select_related = ["section"]


# -- customs declarations (written by ehub.customs.clearance; read-only here) ---------------------
class DeclarationSubmissionInline(admin.TabularInline):
    model = DeclarationSubmission
    extra = 0
    can_delete = False
    fields = ("number", "authority", "reference", "documents", "note", "actor", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class CustomsDecisionInline(admin.TabularInline):
    model = CustomsDecision
    extra = 0
    can_delete = False
    fields = ("decision", "reason", "documents_requested", "source", "decided_at", "notified_at")
    readonly_fields = fields

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(CustomsDeclaration)
class CustomsDeclarationAdmin(ReadOnlyAdmin):
    """Never edited here: holds are resolved or returned through the two actions below (hub
    operators and platform admins), which call the same services as the API."""

    list_display = [
        "id",
        "parcel_code",
        "status",
        "destination",
        "authority",
        "waybill",
        "incoterm",
        "attempts",
        "updated_at",
    ]
    list_filter = ["status", "destination", "authority", "incoterm"]
    search_fields = ["waybill", "reason"]
    readonly_fields = [f.name for f in CustomsDeclaration._meta.fields]
    inlines = [DeclarationSubmissionInline, CustomsDecisionInline]
    list_select_related = ["order_parcel"]
    actions = ["resolve_holds", "return_to_seller"]

    @admin.display(description="parcel")
    def parcel_code(self, obj: CustomsDeclaration) -> str:
        return obj.order_parcel.code

    def has_clearance_permission(self, request: HttpRequest) -> bool:
        from ehub.customs.clearance import _is_hub_staff

        return _is_hub_staff(request.user)

    def _act(
        self,
        request: HttpRequest,
        queryset: QuerySet[CustomsDeclaration],
        *,
        form_class: type[forms.Form],
        action: str,
        title: str,
        explanation: str,
        run: Any,
    ) -> TemplateResponse | None:
        form = form_class(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            done = 0
            for declaration in queryset.select_related("order_parcel"):
                try:
                    run(declaration, form.cleaned_data, request.user)
                    done += 1
                except DomainError as exc:
                    self.message_user(
                        request,
                        f"{declaration.order_parcel.code}: {exc.message}",
                        level=messages.ERROR,
                    )
            if done:
                self.message_user(request, f"{done} declaration(s): {title.lower()}")
            return None
        return TemplateResponse(
            request,
            "admin/customs/clearance_action.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "explanation": explanation,
                "queryset": queryset.select_related("order_parcel"),
                "form": form,
                "action": action,
                "submit_label": title,
                "opts": self.model._meta,
            },
        )

    @admin.action(
        description="Resolve the selected holds (documents supplied / note) and resubmit",
        permissions=["clearance"],
    )
    def resolve_holds(
        self, request: HttpRequest, queryset: QuerySet[CustomsDeclaration]
    ) -> TemplateResponse | None:
        from ehub.customs.clearance import declaration_hold_resolve

        return self._act(
            request,
            queryset,
            form_class=HoldResolveForm,
            action="resolve_holds",
            title="Resolve holds",
            explanation="Each declaration is rebuilt from its order, validated and submitted "
            "again with the documents named here; a new decision follows.",
            run=lambda d, data, user: declaration_hold_resolve(
                declaration=d,
                documents=[line for line in data["documents"].splitlines() if line.strip()],
                note=data["note"],
                actor=user,
            ),
        )

    @admin.action(
        description="Return the selected held parcels to their sellers",
        permissions=["clearance"],
    )
    def return_to_seller(
        self, request: HttpRequest, queryset: QuerySet[CustomsDeclaration]
    ) -> TemplateResponse | None:
        from ehub.customs.clearance import declaration_return_to_seller

        return self._act(
            request,
            queryset,
            form_class=ReturnForm,
            action="return_to_seller",
            title="Return to seller",
            explanation="The hold ends: the parcel goes back to its seller and the buyer is "
            "refunded by logistics.",
            run=lambda d, data, user: declaration_return_to_seller(
                declaration=d, reason=data["reason"], actor=user
            ),
        )


class HoldResolveForm(forms.Form):
    documents = forms.CharField(
        required=False, widget=forms.Textarea, help_text="documents supplied, one per line"
    )
    note = forms.CharField(required=False, widget=forms.Textarea)


class ReturnForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea)


@admin.register(AuthorityCallback)
class AuthorityCallbackAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "authority", "event_id", "decision", "verdict", "reason"]
    list_filter = ["authority", "verdict", "decision"]
    search_fields = ["event_id", "reason"]


@admin.register(SandboxAuthorityMessage)
class SandboxAuthorityMessageAdmin(ReadOnlyAdmin):
    list_display = ["event_id", "decision", "status", "due_at", "attempts", "last_result"]
    list_filter = ["status", "decision"]
    search_fields = ["event_id"]


@admin.register(DeclarationSubmission)
class DeclarationSubmissionAdmin(ReadOnlyAdmin):
    list_display = ["declaration", "number", "authority", "reference", "created_at"]
    list_filter = ["authority"]
    search_fields = ["reference", "note"]


@admin.register(CustomsDecision)
class CustomsDecisionAdmin(ReadOnlyAdmin):
    list_display = ["declaration", "decision", "source", "decided_at", "notified_at"]
    list_filter = ["decision", "source"]
    search_fields = ["reason", "event_id"]
